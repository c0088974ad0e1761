"""Entities: mention grouping rules (no model), chunked parsing, and the component on a short
editorial of our own (spaCy's small English pipeline)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from unspun.document import Article
from unspun.pipeline.base import Component
from unspun.pipeline.entities import EntityRecognizer, Mention, entities_from_mentions, mention_of
from unspun.whosays.parsing import PARSE_KEY, chunk_text

EDITORIAL = (
    "Kabul fears a deal behind its back\n\n"
    "President Hamid Karzai is said to be furious. As the Daily Telegraph revealed yesterday, "
    "MI6 officers have held secret talks with the Taleban in Helmand.\n\n"
    "Premier Brown told MPs that Britain would never talk to the Taleban, yet the Karzai "
    "government now expects to be sidelined. Karzai has complained to Washington, where "
    "Defence Secretary Gates is said to be uneasy. Gates wants more troops.\n"
)


def _mentions(text: str, found: list[tuple[str, str]]) -> list[Mention]:
    out = []
    for piece, label in found:
        start = text.index(piece)
        m = mention_of(text, start, start + len(piece), label)
        assert m is not None
        out.append(m)
    return out


def test_group_mentions_surname_title_and_government() -> None:
    text = "Hamid Karzai spoke. President Karzai left. The Karzai government fell. Karzai's aides."
    mentions = _mentions(
        text,
        [
            ("Hamid Karzai", "PERSON"),
            ("President Karzai", "PERSON"),
            ("The Karzai government", "ORG"),
            ("Karzai's", "PERSON"),
        ],
    )
    entities = entities_from_mentions(text, mentions)
    assert len(entities) == 1
    assert entities[0].name == "Hamid Karzai"
    assert entities[0].type == "PERSON"
    assert len(entities[0].mentions) == 4
    # the possessive is not part of the mention
    last = entities[0].mentions[-1]
    assert text[last.start : last.end] == "Karzai"


def test_group_mentions_acronym_and_repeat() -> None:
    text = "The Federal Bureau of Investigation said so. The FBI later denied it; FBI agents agreed."
    mentions = _mentions(text, [("Federal Bureau of Investigation", "ORG"), ("FBI", "ORG")])
    entities = entities_from_mentions(text, mentions)
    assert [e.name for e in entities] == ["Federal Bureau of Investigation"]
    # the second "FBI" was not given as a mention: simple coreference adds it
    assert len(entities[0].mentions) == 3


def test_a_number_ending_a_name_takes_no_later_numbers() -> None:
    # QA: a headline's "Inbox 400" (ORG) took "more than 400 times" as a second mention; "Telegraph"
    # still stands for "the Daily Telegraph".
    text = "Man Refreshes Inbox 400 Times. He did it more than 400 times, the Daily Telegraph says. Telegraph staff agree."
    mentions = _mentions(text, [("Inbox 400", "ORG"), ("the Daily Telegraph", "ORG")])
    entities = entities_from_mentions(text, mentions)
    found = {e.name: [text[m.start : m.end] for m in e.mentions] for e in entities}
    assert found == {"Inbox 400": ["Inbox 400"], "Daily Telegraph": ["Daily Telegraph", "Telegraph"]}


def test_mention_of_strips_article_and_leaves_titles_out_of_the_words() -> None:
    text = "the Taleban and Premier Brown"
    m = mention_of(text, 0, 11, "NORP")
    assert m is not None and text[m.start : m.end] == "Taleban" and m.words == ("Taleban",)
    b = mention_of(text, 16, 29, "PERSON")
    assert b is not None and b.words == ("Brown",) and text[b.start : b.end] == "Premier Brown"
    assert mention_of(text, 16, 23, "PERSON") is None  # a title alone names nobody


def test_a_title_alone_is_no_entity_and_a_possessive_is_no_title() -> None:
    text = "Detective Inspector Claire Walsh spoke. Detective left. The King's Fund and the Fund agreed."
    assert mention_of(text, 0, 9, "GPE") is None  # "Detective", as the small model tags it
    walsh = mention_of(text, 0, 32, "PERSON")
    assert walsh is not None and walsh.words == ("Claire", "Walsh") and walsh.name == "Claire Walsh"
    start = text.index("King's")
    fund = mention_of(text, start, start + len("King's Fund"), "ORG")
    assert fund is not None and fund.words == ("King", "Fund") and fund.name == "King's Fund"
    short = text.index("Fund agreed")
    mentions = [fund, mention_of(text, short, short + 4, "ORG")]
    [entity] = entities_from_mentions(text, [m for m in mentions if m is not None])
    assert entity.name == "King's Fund" and len(entity.mentions) == 2  # "the Fund" joins it


def test_chunk_text_is_bounded_and_keeps_offsets() -> None:
    text = "one two three\n\n" + "word " * 50 + "\r\nlast line"
    chunks = list(chunk_text(text, max_chars=60))
    assert all(end - start <= 60 for start, end in chunks)
    assert chunks[0][0] == 0 and text[chunks[-1][0] : chunks[-1][1]].endswith("last line")
    assert all("\n" not in text[s:e] or e - s <= 60 for s, e in chunks)


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    component = EntityRecognizer()
    component.load()
    return component


def test_recognizer_names_the_editorial_actors(recognizer: EntityRecognizer) -> None:
    article = Article(id="ed", text=EDITORIAL, language="en")
    recognizer([article])
    by_name = {e.name: e for e in article.entities}
    for expected in ("Hamid Karzai", "MI6", "Taleban", "Brown", "Gates"):
        assert expected in by_name, sorted(by_name)
    assert by_name["MI6"].type == "ORG"
    karzai = by_name["Hamid Karzai"]
    assert karzai.type == "PERSON"
    assert len(karzai.mentions) >= 3  # "President Hamid Karzai", "the Karzai government", "Karzai"
    assert len(by_name["Gates"].mentions) == 2
    for entity in article.entities:
        for m in entity.mentions:
            assert 0 <= m.start < m.end <= len(EDITORIAL)
    assert article.vectors[PARSE_KEY]  # the parse is kept for the attribution component
    assert recognizer.model_info()[0].component == "entities"


def test_a_name_in_apposition_to_a_place_noun_is_a_place(recognizer: EntityRecognizer) -> None:
    text = (
        "Officials met tribal leaders in Musa Qala, the town that troops took last year. "
        "Floods hit Ross Hill, a village near the coast. John Smith, the mayor of the town, said so."
    )
    article = Article(id="places", text=text, language="en")
    recognizer([article])
    types = {e.name: e.type for e in article.entities}
    assert types.get("Musa Qala") == "GPE" and types.get("Ross Hill") == "GPE", types
    assert types.get("John Smith") == "PERSON", types  # a person's apposition names a role


def test_recognizer_leaves_other_languages_alone(recognizer: EntityRecognizer) -> None:
    article = Article(id="fr", text="Emmanuel Macron a parlé à Paris.", language="fr")
    recognizer([article])
    assert article.entities == [] and not article.errors


def test_a_paragraph_in_another_language_gives_no_entities(recognizer: EntityRecognizer) -> None:
    from unspun.pipeline.language import LanguageDetector

    text = (
        "The climate minister, Anna Berg, met the mayor of Lyon on Monday to discuss the new flood barriers.\n\n"
        "« Cette facture de notre inaction, ce sont les Lyonnais qui la paieront », a déclaré le maire "
        "devant le conseil municipal de la Métropole, réuni en séance extraordinaire jeudi soir.\n\n"
        "Berg said the government would pay for half of the work, which is due to start next spring."
    )
    [article] = LanguageDetector()([Article(id="mixed", text=text)])
    assert article.language == "en" and any(p.language == "fr" for p in article.paragraphs)
    french = next(p for p in article.paragraphs if p.language == "fr")
    recognizer([article])
    assert article.entities and "Anna Berg" in {e.name for e in article.entities}
    inside = [m for e in article.entities for m in e.mentions if french.start <= m.start < french.end]
    assert inside == []


_REPEAT = """
import json
from unspun.pipeline.entities import entities_from_mentions, mention_of
text = "Hamid Karzai spoke. Karzai left. Later Hamid Karzai returned."
mentions = [mention_of(text, text.index(w), text.index(w) + len(w), "PERSON") for w in ("Hamid Karzai", "Karzai left")]
mentions[1] = mention_of(text, text.index("Karzai left"), text.index("Karzai left") + 6, "PERSON")
entities = entities_from_mentions(text, mentions)
print(json.dumps([[text[m.start : m.end] for m in e.mentions] for e in entities]))
"""


def test_missed_repeats_are_the_same_whatever_the_string_hashing() -> None:
    # A full name repeated after its surname was found: the repeat is the full name, in every
    # interpreter (the forms were a set, whose order follows PYTHONHASHSEED).
    import json
    import os
    import subprocess
    import sys

    seen = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _REPEAT], env=env, capture_output=True, text=True, check=True
        )
        seen.add(out.stdout.strip())
    assert len(seen) == 1
    assert json.loads(seen.pop()) == [["Hamid Karzai", "Karzai", "Hamid Karzai"]]


def test_a_police_title_is_no_place_and_an_organisation_keeps_its_full_name(
    recognizer: EntityRecognizer,
) -> None:
    text = (
        "Officers believe the suspect acted alone, according to Detective Inspector Claire Walsh.\n\n"
        "The report, published on Monday by the King's Fund, found that waits grew.\n"
    )
    article = Article(id="qa", text=text, language="en")
    recognizer([article])
    names = {e.name: e.type for e in article.entities}
    assert "Detective" not in names and names.get("Claire Walsh") == "PERSON", names
    assert names.get("King's Fund") == "ORG" and "Fund" not in names, names


def test_a_word_in_lower_case_is_no_name(recognizer: EntityRecognizer) -> None:
    # QA s47: the small model read "bin" as a person (and then gave it a negative sentiment)
    text = (
        '"Disgrace": Residents fume over missed bin collections\n\n'
        'Residents of Elm Street say their bins have not been emptied. "It\'s a disgrace," said Margaret Hill.'
    )
    article = Article(id="qa", text=text, language="en")
    recognizer([article])
    names = {e.name for e in article.entities}
    assert "bin" not in names and "Margaret Hill" in names, names
    # a text written all in lower case keeps what the model found
    from unspun.pipeline.entities import mentions_from_parse

    lowered = "margaret hill said the bins were full."
    doc = recognizer.nlp(lowered)
    assert [m.text for m in mentions_from_parse(lowered, [(0, doc)])] == [e.text for e in doc.ents]


def test_the_place_of_a_news_dateline_is_a_place(recognizer: EntityRecognizer) -> None:
    # QA: "OAKHAVEN, March 3 (Reuters) -" gave the organisation OAKHAVEN (23 mentions in a long text).
    from unspun.pipeline.entities import dateline_places

    text = (
        "Port plan approved\n\nOAKHAVEN, March 3 (Reuters) - The Oakhaven Port Authority approved the plan."
    )
    article = Article(id="t", text=text, language="en")
    recognizer([article])
    types = {e.name: e.type for e in article.entities}
    assert types["OAKHAVEN"] == "GPE" and types["Oakhaven Port Authority"] == "ORG"
    places = [
        "NEW YORK, March 4, 2024 (AP) – x",
        "x\n\nBERLIN (Reuters) - y",
        "BREAKING NEWS: x",
        "NATO said - x",
        "SÃO PAULO, Brazil (AP) — x",  # capitals of any script, as boundary.DATELINE reads them
        "MÜNCHEN (dpa) – x",
    ]
    assert [[t[a:b] for a, b in dateline_places(t)] for t in places] == [
        ["NEW YORK"],
        ["BERLIN"],
        [],
        [],
        ["SÃO PAULO"],
        ["MÜNCHEN"],
    ]


def test_a_parse_made_ahead_is_taken_once_by_the_same_article_with_the_same_text() -> None:
    from unspun.pipeline.entities import PrefetchedParses

    held = PrefetchedParses(limit=2)
    first, second, third = (Article(id=str(i), text=f"Text {i}.") for i in range(3))
    held.put([first, second], [[(0, "a")], [(0, "b")]])
    assert held.has(first) and not held.has(Article(id="0", text="Text 0."))  # another object
    second.text = "Changed."
    assert held.take([first, second]) == {id(first): [(0, "a")]}  # a changed text is parsed again
    assert held.take([first]) == {}  # taken once
    held.put([first, second, third], [[], [], []])
    assert not held.has(first) and held.has(third)  # at most limit articles held, the oldest dropped


def test_the_recognizer_takes_the_parse_made_ahead_and_finds_the_same_entities(
    recognizer: EntityRecognizer,
) -> None:
    ahead, now = Article(id="a", text=EDITORIAL), Article(id="n", text=EDITORIAL)
    recognizer.prefetch([ahead])
    assert recognizer._ahead.has(ahead) and not ahead.vectors  # held by the component, not written
    recognizer([ahead])
    recognizer([now])
    assert not recognizer._ahead.has(ahead)
    assert ahead.entities == now.entities and ahead.entities


class _English(Component):
    """Sets every article's language to English; fails on a text that says "unreadable"."""

    name = "language"
    writes = ("language",)

    def predict(self, articles: Sequence[Article]) -> list[str]:
        if any("unreadable" in a.text for a in articles):
            raise ValueError("cannot tell the language")
        return ["en" for _ in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: list[str]) -> None:
        for article, language in zip(articles, outputs, strict=True):
            article.language = language


def test_parses_made_ahead_are_not_held_once_the_run_ends(recognizer: EntityRecognizer) -> None:
    from unspun.analysis import Pipeline

    texts = ["Ann Lee met Bob Hart.", "Paris is big.", "An unreadable line.", "Rome too.", "Oslo.", "Lima."]
    pipeline = Pipeline([_English(), recognizer], work_ahead=True)
    done = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    analyses = list(pipeline.pipe(done, batch_size=2))
    assert not analyses[2].ok and analyses[3].article.language == "en"
    # "An unreadable line." was parsed ahead and failed before the entity step: not held
    assert not any(recognizer._ahead.has(a) for a in done)
    closed = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    piped = pipeline.pipe(closed, batch_size=2)
    assert next(piped).ok
    piped.close()  # the next batch was parsed ahead and will not come
    assert not any(recognizer._ahead.has(a) for a in closed)


def test_the_us_is_a_country_not_a_title() -> None:
    # QA: "the US" was read as the title "US" alone and dropped: the editorial's main actor had no entity.
    text = "The US has discovered a way out. US Secretary Pompeo and the U.S. agreed."
    m = mention_of(text, 4, 6, "GPE")
    assert m is not None and m.words == ("US",) and m.country == "United States"
    names = {
        e.name: e.type
        for e in entities_from_mentions(text, _mentions(text, [("US", "GPE"), ("U.S.", "GPE")]))
    }
    assert list(names.values()) == ["GPE"], names  # "US" and "U.S." are one country


def test_a_name_right_after_a_person_title_is_a_person(recognizer: EntityRecognizer) -> None:
    # QA: the editorial's "US Secretary of State Gates" gave the organisation "Gates".
    text = (
        "The imperialist forces are being beaten, with US Secretary of State Gates now doubting "
        "that the US will be able to continue. This is why Gates has supervised the new turn.\n"
    )
    article = Article(id="gates", text=text, language="en")
    recognizer([article])
    by_name = {e.name: e for e in article.entities}
    assert by_name["Gates"].type == "PERSON", {e.name: e.type for e in article.entities}
    assert len(by_name["Gates"].mentions) == 2
    assert by_name["US"].type == "GPE" and len(by_name["US"].mentions) >= 2


def test_a_surname_typed_otherwise_joins_the_person_named_before() -> None:
    text = "Bill Gates met ministers. Gates said the fund would grow. Later Gates left."
    found = _mentions(text, [("Bill Gates", "PERSON")])
    for start in (text.index("Gates said"), text.index("Gates left")):
        m = mention_of(text, start, start + 5, "ORG")
        assert m is not None
        found.append(m)
    entities = entities_from_mentions(text, found)
    assert [(e.name, e.type, len(e.mentions)) for e in entities] == [("Bill Gates", "PERSON", 3)]


def test_a_nationality_for_the_state_joins_its_country_and_for_the_people_stays_a_group(
    recognizer: EntityRecognizer,
) -> None:
    # QA: "Britain" and "British" were two entities; the editorial's "British" was both the
    # state ("British diplomatic efforts") and the people ("The British and US workers").
    text = (
        "British troops left Basra in 2007, and the British government has since cut its aid. "
        "Top-level British diplomatic efforts continue. Britain said the cut was temporary, and "
        "the UK will review it. British voters remain divided. The Turkish army crossed the border.\n"
    )
    article = Article(id="uk", text=text, language="en")
    recognizer([article])
    by_name = {e.name: e for e in article.entities}
    assert "UK" not in by_name or "Britain" not in by_name, sorted(by_name)  # one country
    country = by_name.get("Britain") or by_name["UK"]
    assert country.type == "GPE"
    shown = {text[m.start : m.end] for m in country.mentions}
    assert {"Britain", "UK", "British"} <= shown
    assert len(country.mentions) == 5  # three adjectives for the state, two names
    people = by_name["British"]  # "British voters": the people, a group of its own
    assert people.type == "NORP" and [text[m.start : m.end + 7] for m in people.mentions] == [
        "British voters"
    ]
    assert by_name["Turkish"].type == "NORP"  # Turkey is not named: the adjective stays a group


def test_only_a_name_right_after_a_person_title_counts_as_after_one() -> None:
    from unspun.pipeline.entities import after_person_title

    def after(text: str, name: str) -> bool:
        return after_person_title(text, text.index(name))

    assert after("with US Secretary of State Gates now", "Gates") and after("said Mr Rice.", "Rice")
    assert not after("the President of Russia said", "Russia")  # the office's country
    assert not after("the Secretary of the Treasury said", "Treasury")
    assert not after("the Defence Board met", "Board")  # titles, none a person's alone
    assert not after("the Ford company", "Ford")


def test_a_nationality_the_parser_took_for_a_place_is_still_a_nationality(
    recognizer: EntityRecognizer,
) -> None:
    # The small model reads "Ukrainian" in "Ukrainian officials said" as a GPE: it made a place
    # "Ukrainian" beside Ukraine.
    text = "Russian forces shelled Kharkiv, Ukrainian officials said. Russia denied it. Ukraine asked for help.\n"
    article = Article(id="ua", text=text, language="en")
    recognizer([article])
    names = {e.name: [text[m.start : m.end] for m in e.mentions] for e in article.entities}
    assert "Ukrainian" not in names, names
    assert sorted(names["Ukraine"]) == ["Ukraine", "Ukrainian"] and sorted(names["Russia"]) == [
        "Russia",
        "Russian",
    ]


def test_an_organisation_named_with_a_title_word_keeps_it() -> None:
    # QA (s45): "State Department", "Foreign Office", "US Army" and "Defence Ministry" were the
    # entities "Department", "Office", "Army" and "Ministry" (their first word read as a title)
    text = "The State Department, the Foreign Office, the US Army and the Defence Ministry met."
    for name in ("State Department", "Foreign Office", "US Army", "Defence Ministry"):
        start = text.index(name)
        m = mention_of(text, start, start + len(name), "ORG")
        assert m is not None and m.name == name, (name, m)
    # a title before a person's name is still left out
    text = "Defence Secretary Ben Wallace spoke."
    m = mention_of(text, 0, len("Defence Secretary Ben Wallace"), "PERSON")
    assert m is not None and m.name == "Ben Wallace"


def test_a_care_title_is_left_out_and_a_portfolio_is_no_organisation(recognizer: EntityRecognizer) -> None:
    # QA s48: "Nurse Amira Khan" kept her title, and "Health Secretary Paul Graves" gave the
    # organisation "Health"
    text = (
        "Nurse Amira Khan has worked at St Mary's for eleven years.\n\n"
        "Instead, Health Secretary Paul Graves has offered her a pay rise. Health Canada said nothing."
    )
    article = Article(id="qa", text=text, language="en")
    recognizer([article])
    names = {e.name: e.type for e in article.entities}
    assert names.get("Amira Khan") == "PERSON" and "Nurse Amira Khan" not in names, names
    assert "Health" not in names and names.get("Paul Graves") == "PERSON", names


def test_an_untyped_name_quoted_with_said_is_a_person(recognizer: EntityRecognizer) -> None:
    # QA s48: '"...," said Pritchard.' linked the quote's source to no entity: the small model
    # gives "Pritchard" no type; a common noun the text also writes in lower case stays none
    text = (
        "The council voted to close the library on Tuesday.\n\n"
        '"We were never consulted," said Pritchard. "This is a disgrace."\n\n'
        '"It will reopen," Draper adds. Staff said the story was sad. Story continues below.'
    )
    article = Article(id="qa", text=text, language="en")
    recognizer([article])
    names = {e.name: e.type for e in article.entities}
    assert names.get("Pritchard") == "PERSON" and names.get("Draper") == "PERSON", names
    assert "Story" not in names, names


def test_a_name_ending_on_a_street_word_is_a_place(recognizer: EntityRecognizer) -> None:
    # QA s49: "Harbour Road" was an organisation
    text = (
        "The city council voted 7-2 on Tuesday to add dedicated bus lanes along Harbour Road, a change "
        "that will remove 140 parking spaces. Shops on Harbour Road oppose it."
    )
    article = Article(id="qa", text=text, language="en")
    recognizer([article])
    names = {e.name: e.type for e in article.entities}
    assert names.get("Harbour Road") == "LOC", names
