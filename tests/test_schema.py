"""The one serialiser: every layer round-trips exactly, outputs validate against the schema."""

from __future__ import annotations

import datetime as dt

import jsonschema
import pytest

from unspun.document import (
    Analysis,
    Article,
    Attribution,
    Claim,
    ComponentError,
    Entity,
    Label,
    ModelInfo,
    Paragraph,
    Span,
    TextRange,
    split_paragraphs,
)
from unspun.errors import FormatError
from unspun.schema import SCHEMA_VERSION, json_schema

TEXT = "\ufeffKarzai said the plan was a disaster.\r\n\r\n\u201cIt will fail,\u201d he warned. \U0001f600 \u05e9\u05dc\u05d5\u05dd"


def full_analysis() -> Analysis:
    article = Article(
        id="a1",
        text=TEXT,
        title="A title",
        outlet="The Daily",
        url="https://example.org/a1",
        published=dt.date(2007, 9, 1),
        language="en",
        source_path="a1.txt",
        unspun_version="0.2.0",
    )
    article.set_layer(
        "technique",
        [
            Span(
                26,
                36,
                "Loaded_Language",
                0.812345,
                reason="emotive word 'disaster'",
                also=[Label("Exaggeration,Minimisation", 0.341234)],
            ),
            Span(42, 54, "Name_Calling-Labeling", 0.5, taxonomy="semeval2023", attrs={"k": 1}),
        ],
    )
    article.labels["genre"] = [Label("opinion", 0.91)]
    article.labels["frames"] = [Label("Political", 0.7), Label("Security_and_defense", 0.55)]
    article.scores["persuasion"] = 0.66
    article.scores["persuasion_author"] = 0.4
    paragraphs = split_paragraphs(TEXT)
    paragraphs[0].techniques = [Label("Loaded_Language", 0.8)]
    paragraphs[1].language = "he"
    article.paragraphs = paragraphs
    article.entities = [
        Entity(
            "E1",
            "Hamid Karzai",
            "PERSON",
            [TextRange(1, 7)],
            sentiment=Label("negative", 0.7),
            role=Label("Antagonist", 0.6),
            fine_roles=[Label("Incompetent", 0.5)],
        )
    ]
    article.attributions = [
        Attribution(
            "Q1", content=TextRange(12, 36), source=TextRange(1, 7), cue=TextRange(8, 12), source_entity="E1"
        ),
        Attribution("Q2", content=TextRange(40, 53), kind="direct", score=0.9),
    ]
    article.claims = [Claim("C1", 1, 37, 0.73)]
    article.models = [ModelInfo("spans", "ptc-minilm", "0.2.0", "sha256:00")]
    article.errors = [ComponentError("entities", "spaCy model missing", "model_error")]
    return Analysis(article)


def test_every_layer_round_trips_exactly() -> None:
    data = full_analysis().to_dict()
    assert data["schema_version"] == SCHEMA_VERSION
    assert Analysis.from_dict(data).to_dict() == data
    again = Analysis.from_dict(data)
    assert again.article.published == dt.date(2007, 9, 1)
    assert again.attributions[0].source == TextRange(1, 7)
    assert again.entities[0].mentions[0].text_in(TEXT) == "Karzai"


def test_a_second_technique_round_trips_on_its_span() -> None:
    data = full_analysis().to_dict()
    first, second = data["spans"]
    assert first["also"] == ["Exaggeration,Minimisation"]
    assert first["also_scores"] == {"Exaggeration,Minimisation": 0.3412}
    assert second["also"] == [] and second["also_scores"] == {}
    assert len(data["spans"]) == 2  # a second label is not a second span
    again = Analysis.from_dict(data).spans[0]
    assert again.label == "Loaded_Language"
    assert again.also == [Label("Exaggeration,Minimisation", 0.3412)]


def test_an_analysis_of_the_previous_minor_version_still_reads() -> None:
    """2.1 only added optional fields: a 2.0 analysis (spans without ``also``) reads as before."""
    data = full_analysis().to_dict()
    for span in data["spans"]:
        del span["also"], span["also_scores"]
    again = Analysis.from_dict({**data, "schema_version": "2.0"})
    assert [s.also for s in again.spans] == [[], []]
    assert again.to_dict()["schema_version"] == SCHEMA_VERSION


def test_output_validates_against_the_json_schema() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(full_analysis().to_dict(), schema, cls=jsonschema.Draft202012Validator)
    bare = Analysis(Article(id="x", text="Plain.")).to_dict()
    jsonschema.validate(bare, schema, cls=jsonschema.Draft202012Validator)
    assert bare["spans_analysed"] is False and bare["genre"] is None


def test_from_dict_refuses_a_quote_that_does_not_match_the_text() -> None:
    data = full_analysis().to_dict()
    data["spans"][0]["text"] = "something else"
    with pytest.raises(FormatError, match="quotes"):
        Analysis.from_dict(data)


def test_from_dict_refuses_unknown_fields_and_other_versions() -> None:
    data = full_analysis().to_dict()
    with pytest.raises(FormatError, match="schema_version"):
        Analysis.from_dict({**data, "schema_version": "1"})
    with pytest.raises(FormatError, match="surprise"):
        Analysis.from_dict({**data, "surprise": 1})
    with pytest.raises(FormatError, match="content_hash"):
        Analysis.from_dict({**data, "content_hash": "0" * 64})


def test_min_score_view_keeps_the_rest() -> None:
    analysis = full_analysis()
    view = analysis.above(0.6)
    assert [s.id for s in view.spans] == ["T1"]
    assert len(analysis.spans) == 2  # the original is untouched
    assert view.persuasion_score == analysis.persuasion_score


def test_paragraph_number_is_the_position_and_index_the_line() -> None:
    data = full_analysis().to_dict()
    assert [(p["index"], p["number"]) for p in data["paragraphs"]] == [(1, 1), (3, 2)]


def test_paragraph_record_keeps_language() -> None:
    data = Analysis(Article(id="x", text="a\nb", paragraphs=[Paragraph(1, 0, 1, language="fr")])).to_dict()
    assert data["paragraphs"][0]["language"] == "fr"
