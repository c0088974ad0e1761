"""Portrayal by whose voice: a speaker is not cast by the harsh words they use about someone else,
and the author's own praise can cast a protagonist (QA s48)."""

from __future__ import annotations

from portrayal_fixtures import portrayed
from unspun.document import Article, Attribution
from unspun.tasks.entity_roles import MAIN_OF

CALLED = (
    "Bus lanes stay\n\nThe Chamber of Commerce says takings have fallen. Its chair, David Okafor, "
    'called the mayor\'s position "arrogant and out of touch".'
)


def _analysed(text: str) -> dict[str, Article]:
    return {e.name: e for e in portrayed(text, "voice").entities}  # type: ignore[misc]


def test_shipped_roles_do_not_cast_a_critic_by_the_words_he_calls_someone() -> None:
    """QA s48: 'Its chair, David Okafor, called the mayor's position "arrogant and out of touch"'
    made Okafor an Antagonist ('Incompetent'): the target of his words is the mayor."""
    okafor = _analysed(CALLED)["David Okafor"]
    assert okafor.role is None or okafor.role.name != "Antagonist"
    assert okafor.sentiment is None or okafor.sentiment.name != "negative"


PRAISED = (
    "Nurse Amira Khan works night shifts at St Mary's hospital.\n\n"
    "She is a hero, and she deserves our gratitude."
)


def test_the_sentences_that_go_on_with_she_are_read_for_the_person_named_before() -> None:
    """QA s48: the praise of a nurse named once ("She deserves our gratitude") was not read for
    her: only the sentence that names her was."""
    from unspun.pipeline.attribution import whosays_components
    from unspun.pipeline.portrayal import pronoun_mentions
    from unspun.whosays.sentiment import load_sentiment_model, sentiment_states
    from unspun.whosays.stance import entity_sentiment

    article = Article(id="praised", text=PRAISED, language="en")
    for component in whosays_components():
        component([article])
    [khan] = [i for i, e in enumerate(article.entities) if e.name == "Amira Khan"]
    she = [(s, e) for s, e, who in pronoun_mentions(article) if who == khan]
    assert [PRAISED[s:e] for s, e in she] == ["She", "she"]
    model = load_sentiment_model()
    [states] = sentiment_states(model, [article])
    towards = entity_sentiment(model, article, states, pronouns=pronoun_mentions(article))
    assert towards.cast[khan] is True and towards.tones[khan] == "positive"


def test_no_pronoun_is_read_for_a_person_when_another_is_named_in_between() -> None:
    from unspun.document import Entity, TextRange
    from unspun.pipeline.portrayal import pronoun_mentions

    text = "Amira Khan met Paul Graves. She left."
    khan = Entity("e0", "Amira Khan", "PERSON", [TextRange(0, 10)])
    graves = Entity("e1", "Paul Graves", "PERSON", [TextRange(15, 26)])
    assert pronoun_mentions(Article(id="two", text=text, entities=[khan, graves])) == []
    quoted = 'Amira Khan spoke. "She will pay," Khan said of the minister.'
    article = Article(
        id="q", text=quoted, entities=[Entity("e0", "Amira Khan", "PERSON", [TextRange(0, 10)])]
    )
    article.attributions = [
        Attribution(
            "a0", TextRange(19, 31), source=TextRange(34, 38), cue=TextRange(39, 43), source_entity="e0"
        )
    ]
    assert pronoun_mentions(article) == []  # inside what someone is quoted saying


def test_speaks_at_reads_the_subject_of_the_cue_not_a_relative_clause() -> None:
    from unspun.whosays.parsing import load_spacy
    from unspun.whosays.stance import speaks_at

    nlp = load_spacy()
    text = "Its chair, David Okafor, called the mayor's position arrogant."
    chunks = [(0, nlp(text))]
    okafor, called = (text.index("David"), text.index(",", 12)), (text.index("called"), text.index(" the"))
    assert speaks_at(chunks, okafor, called)
    assert not speaks_at(None, okafor, called)  # no parse: not asked
    relative = (
        "Graves, who claimed last month that the service was well funded, is either deluded or dishonest."
    )
    chunks = [(0, nlp(relative))]
    claimed = (relative.index("claimed"), relative.index(" last"))
    assert not speaks_at(chunks, (0, 6), claimed)  # said of Graves, not by him


def test_no_role_against_the_tone_the_text_takes() -> None:
    """The rule's ``against_tone``: no role that the entity's tone stands against, however the heads
    read its sentence (the shipped rule: a text that damns an entity does not cast it as a
    Protagonist)."""
    from unspun.document import Entity, Label, TextRange
    from unspun.whosays.casting import Roles, role_given
    from unspun.whosays.heads import HeadModel

    twice = [TextRange(0, 5), TextRange(10, 15)]
    bennett = Entity("e1", "Bennett", "PERSON", twice)
    against = {"Antagonist": "positive", "Protagonist": "negative"}
    model = HeadModel({"role_thresholds": {"Antagonist": 0.5}, "passing": {"against_tone": against}}, {})
    antagonist = Roles(Label("Antagonist", 0.9), ())
    assert not role_given(model, antagonist, bennett, cast=True, tone="positive")
    assert role_given(model, antagonist, bennett, cast=True, tone="negative")
    assert role_given(model, antagonist, bennett, cast=True, tone="neutral")
    assert role_given(model, antagonist, bennett)  # no tone asked: the rule is not applied
    assert not role_given(model, Roles(Label("Protagonist", 0.9), ()), bennett, cast=True, tone="negative")
    assert role_given(HeadModel({"passing": {}}, {}), antagonist, bennett, cast=True, tone="positive")


def test_shipped_roles_cast_no_protagonist_the_text_damns() -> None:
    from unspun.whosays.casting import ROLES_MODEL
    from unspun.whosays.heads import load_heads

    model = load_heads(ROLES_MODEL, ROLES_MODEL)
    assert model.config["passing"]["against_tone"] == {"Protagonist": "negative"}


NURSE = (
    "Our hospital heroes deserve better\n\nNurse Amira Khan has worked twelve-hour shifts at St Mary's for "
    "eleven years. Last winter she held the hands of dying patients when their families could not be "
    "there. She deserves our gratitude."
)


def test_shipped_roles_cast_a_nurse_the_author_praises_as_a_protagonist() -> None:
    """QA s48: named once, praised in the sentences that go on with "she": no role before (her
    naming sentence alone took no side)."""
    khan = _analysed(NURSE)["Amira Khan"]
    assert khan.sentiment is not None and khan.sentiment.name == "positive"
    assert khan.role is not None and khan.role.name == "Protagonist"
    assert khan.fine_roles and MAIN_OF[khan.fine_roles[0].name] == "Protagonist"
