"""Which entity an attribution's source names (unspun.pipeline.attribution.source_entity)."""

from __future__ import annotations

import pytest

from unspun.document import Entity, TextRange
from unspun.pipeline.attribution import source_entity


def _entities(text: str, named: list[tuple[str, str]]) -> list[Entity]:
    out = []
    for number, (name, kind) in enumerate(named, start=1):
        start = text.index(name)
        out.append(
            Entity(id=f"E{number}", name=name, type=kind, mentions=[TextRange(start, start + len(name))])
        )
    return out


def test_a_person_in_the_source_speaks_not_the_organisation_of_their_apposition() -> None:
    # QA: "Tom Reyes, an economist at the Institute" was linked to the Institute.
    text = "Tom Reyes, an economist at the Institute for Fiscal Studies, said the bonds were fairly priced."
    entities = _entities(text, [("Tom Reyes", "PERSON"), ("Institute for Fiscal Studies", "ORG")])
    source = TextRange(0, text.index(", said"))
    assert source_entity(source, entities, text) == "E1"


def test_without_a_person_the_organisation_spoken_for_is_the_source() -> None:
    text = "Tom Reyes met them. A spokesman for the Institute for Fiscal Studies said the talks went well."
    entities = _entities(text, [("Tom Reyes", "PERSON"), ("Institute for Fiscal Studies", "ORG")])
    start = text.index("A spokesman")
    assert source_entity(TextRange(start, text.index(" said")), entities, text) == "E2"
    text = "White House spokesman Josh Earnest said the talks would resume."
    entities = _entities(text, [("White House", "ORG"), ("Josh Earnest", "PERSON")])
    assert source_entity(TextRange(0, text.index(" said")), entities, text) == "E2"


def test_they_after_a_nationality_for_the_state_is_its_country() -> None:
    # The entity step joins "British" in "British officials" to Britain (a GPE); "They" looks for
    # a group before it and found none (it was the group "British" before the join).
    text = "Britain recalled its envoy.\nBritish officials said the talks failed. They added that no date was set."
    britain = Entity(
        id="E1",
        name="Britain",
        type="GPE",
        mentions=[TextRange(0, 7), TextRange(text.index("British"), text.index("British") + 7)],
    )
    start = text.index("They")
    assert source_entity(TextRange(start, start + 4), [britain], text) == "E1"
    assert source_entity(TextRange(0, 7), [britain], text) == "E1"
    # a country named by its name is no antecedent of "they" ("Britain ... They" stays unlinked)
    text = "Britain recalled its envoy. They added that no date was set."
    alone = Entity(id="E1", name="Britain", type="GPE", mentions=[TextRange(0, 7)])
    assert source_entity(TextRange(text.index("They"), text.index("They") + 4), [alone], text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # QA s47: the one spoken to and the man a relative clause lower in the source names are
        # not the speaker; the caller is no entity.
        (
            "A caller to the Michael Savage radio show who says he was neighbors with Las Vegas gunman "
            "Stephen Paddock described him as a quiet man.",
            None,
        ),
        ("An adviser to President Barack Obama said the plan would fail.", None),
        ("A friend who worked with Hillary Clinton for years said the plan would fail.", None),
        # the body spoken for, and the person named, keep their links
        ("A spokesman for the King's Fund said the plan would fail.", "King's Fund"),
        ("White House spokesman Josh Earnest said the plan would fail.", "Josh Earnest"),
        ("Tom Reyes, an economist at the Institute, said the plan would fail.", "Tom Reyes"),
        ("Tom Reyes, an adviser to President Barack Obama, said the plan would fail.", "Tom Reyes"),
    ],
)
def test_a_source_is_not_the_one_its_description_names(text: str, name: str | None) -> None:
    from unspun.document import Article
    from unspun.pipeline.attribution import AttributionTagger
    from unspun.pipeline.entities import EntityRecognizer

    article = Article(id="t", text=text, language="en")
    EntityRecognizer()([article])
    AttributionTagger()([article])
    names = {e.id: e.name for e in article.entities}
    first = article.attributions[0]
    assert names.get(first.source_entity or "") == name


def test_a_person_named_first_and_then_described_is_the_source() -> None:
    # "Mark Hill, a lawyer for the family of Jane Doe" was linked to Jane Doe, the last person.
    text = "Mark Hill, a lawyer for the family of Jane Doe, said the plan would fail."
    entities = _entities(text, [("Mark Hill", "PERSON"), ("Jane Doe", "PERSON")])
    assert source_entity(TextRange(0, text.index(", said")), entities, text) == "E1"
    # a person named first as a modifier or a possessor is not the one who speaks
    for text in ("Trump adviser Kellyanne Conway said it.", "Donald Trump's lawyer, Jane Doe, said it."):
        first, second = ("Trump", "Kellyanne Conway") if "adviser" in text else ("Donald Trump", "Jane Doe")
        entities = _entities(text, [(first, "PERSON"), (second, "PERSON")])
        assert source_entity(TextRange(0, text.index(" said")), entities, text) == "E2"
