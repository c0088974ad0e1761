"""spaCy bridge: an analysis as a Doc, and unspun as a spaCy pipeline component."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest
import spacy

import unspun
from unspun.document import Analysis, Article, Attribution, Claim, Entity, Label, Span, TextRange
from unspun.spacy_bridge import SPANS_KEY, annotate_doc, to_spacy

TEXT = "Smith said the plan is a total disaster. Jones agreed."


def _analysis() -> Analysis:
    article = Article(id="a", text=TEXT, language="en")
    article.set_layer("technique", [Span(25, 39, "Loaded_Language", score=0.9)])
    article.entities = [
        Entity("E1", "Smith", "PERSON", [TextRange(0, 5)]),
        Entity("E2", "Jones", "PERSON", [TextRange(41, 46)]),
    ]
    article.attributions = [
        Attribution("A1", TextRange(11, 39), TextRange(0, 5), TextRange(6, 10), source_entity="E1")
    ]
    article.claims = [Claim("C1", 0, 40, 0.7)]
    article.labels["genre"] = [Label("opinion", 0.8)]
    article.labels["frames"] = [Label("Political", 0.6)]
    article.scores["persuasion"] = 0.42
    return Analysis(article)


def test_to_spacy_carries_every_layer() -> None:
    doc = unspun.to_spacy(_analysis())
    assert doc.text == TEXT
    [span] = doc.spans[SPANS_KEY]
    assert (span.text, span.label_, span.id_) == ("total disaster", "Loaded_Language", "T1")
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Smith", "PERSON", "E1"),
        ("Jones", "PERSON", "E2"),
    ]
    [attribution] = doc._.unspun_attributions
    assert attribution["source"] == {"start": 0, "end": 5} and attribution["source_entity"] == "E1"
    assert doc._.unspun_claims[0]["score"] == 0.7
    assert doc._.unspun_genre == "opinion" and doc._.unspun_frames == ["Political"]
    assert doc._.unspun_persuasion == 0.42
    assert doc._.unspun_analysis["id"] == "a"


def test_annotate_doc_refuses_another_text() -> None:
    doc = spacy.blank("en")("something else")
    with pytest.raises(ValueError, match="not the analysed text"):
        annotate_doc(doc, _analysis())


def test_char_offsets_inside_a_token_expand_to_it() -> None:
    analysis = _analysis()
    analysis.article.set_layer("technique", [Span(26, 29, "Loaded_Language")])  # "ota" of "total"
    doc = to_spacy(analysis)
    assert doc.spans[SPANS_KEY][0].text == "total"


def test_factory_is_an_entry_point_and_runs_unspun_in_a_pipeline() -> None:
    names = {ep.name for ep in entry_points(group="spacy_factories")}
    assert "unspun" in names
    nlp = spacy.blank("en")
    nlp.add_pipe("unspun", config={"lang": "en"})
    doc = nlp(
        "President Hamid Karzai said on Monday that the talks with the Taleban had failed. "
        "Karzai blamed the British government."
    )
    assert any(e.kb_id_ and e.text == "Hamid Karzai" for e in doc.ents) or any(
        "Karzai" in e.text for e in doc.ents
    )
    assert doc._.unspun_analysis["id"]
    assert isinstance(doc._.unspun_attributions, list) and doc._.unspun_attributions
    assert doc._.unspun_persuasion is not None
