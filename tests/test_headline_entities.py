"""Names read in a title-case headline alone are no entities (QA: "Bill Vote Looms" a PERSON)."""

from __future__ import annotations

from unspun.document import Article, Entity, TextRange
from unspun.pipeline.entities import EntityRecognizer
from unspun.pipeline.headline_entities import headline_opening, title_case_headline, without_headline_only

BODY = "\n\nLawmakers in Parliament will vote on the border bill on Friday, officials said."


def test_a_title_case_headline_is_told_from_a_sentence_case_one() -> None:
    text = "Border Bill Vote Looms" + BODY
    assert title_case_headline(text) == len("Border Bill Vote Looms")
    assert title_case_headline("Ceasefire talks resume in Cairo" + BODY) == 0
    assert title_case_headline("Merkel meets Macron in Berlin" + BODY) == 0  # names, sentence case
    assert title_case_headline("Area Man Immediately Regrets Reading Entire Terms and Conditions" + BODY) > 0
    assert title_case_headline("Vote Looms" + BODY) == 0  # too few words to tell
    assert title_case_headline("Lawmakers will vote on the border bill on Friday, officials said.") == 0


def test_entities_named_only_in_the_headline_are_left_out_and_the_rest_renumbered() -> None:
    entities = [
        Entity("E1", "Bill Vote Looms", "PERSON", [TextRange(7, 22)]),
        Entity("E2", "Parliament", "ORG", [TextRange(3, 13), TextRange(40, 50)]),
        Entity("E3", "Friday", "ORG", [TextRange(60, 66)]),
    ]
    kept = without_headline_only(entities, headline_end=22)
    assert [(e.id, e.name) for e in kept] == [("E1", "Parliament"), ("E2", "Friday")]
    assert without_headline_only(entities[1:], headline_end=22) == entities[1:]


def test_the_recognizer_drops_a_headline_person_but_keeps_a_name_the_body_repeats() -> None:
    from unspun.pipeline import entities as module

    text = "Border Bill Vote Looms As Johnson Digs In" + BODY + " Johnson said he would not back down."
    article = Article(id="h", text=text, language="en")
    recognizer = EntityRecognizer()
    [(chunks, _)] = recognizer.predict([article])  # type: ignore[misc]
    every = module.entities_from_mentions(text, module.mentions_from_parse(text, chunks))
    assert any(all(m.end <= 41 for m in e.mentions) for e in every)  # the NER's headline names
    recognizer([article])
    assert not any(all(m.end <= 41 for m in e.mentions) for e in article.entities)
    assert {"Johnson", "Parliament"} <= {e.name for e in article.entities}
    assert [e.id for e in article.entities] == [f"E{i}" for i in range(1, len(article.entities) + 1)]


def test_a_sentence_case_headline_s_first_word_named_nowhere_else_is_no_entity() -> None:
    # QA s48: "Barrier vote" gave the organisation "Barrier"
    text = "Barrier vote" + BODY
    assert headline_opening(text) == len("Barrier")
    assert (
        headline_opening("Lawmakers will vote on the border bill on Friday, officials said.") == 0
    )  # no headline
    article = Article(id="b", text=text, language="en")
    EntityRecognizer()([article])
    assert "Barrier" not in {e.name for e in article.entities}
    # a name the body names again stays
    text = "Johnson digs in" + BODY + " Johnson said he would not back down."
    article = Article(id="j", text=text, language="en")
    EntityRecognizer()([article])
    assert "Johnson" in {e.name for e in article.entities}
