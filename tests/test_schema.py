"""The one serialiser: every layer round-trips exactly, outputs validate against the schema."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import types
import typing

import jsonschema
import pydantic
import pytest
from pydantic import BaseModel

from unspun import document, schema
from unspun.document import (
    Analysis,
    Article,
    Attribution,
    Claim,
    ComponentError,
    Entity,
    HiddenSpans,
    Label,
    ModelInfo,
    Paragraph,
    Span,
    TextRange,
    json_schema,
    split_paragraphs,
)
from unspun.errors import FormatError
from unspun.schema import SCHEMA_VERSION

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


def test_a_view_without_low_scoring_spans_says_so_and_reads_back() -> None:
    """2.2 added ``spans_hidden``: a view made with a --min-score names its threshold and how many
    spans it leaves out; the full analysis writes no such field, and a 2.1 file reads as before."""
    analysis = full_analysis()
    scores = sorted(s.score for s in analysis.spans)
    view = analysis.above(scores[-1])
    data = view.to_dict()
    assert data["spans_hidden"] == {"min_score": round(scores[-1], 4), "count": len(scores) - 1}
    assert Analysis.from_dict(data).to_dict() == data
    assert view.above(scores[0]).hidden == HiddenSpans(
        scores[-1], len(scores) - 1
    )  # a looser cut hides none more
    assert "spans_hidden" not in analysis.to_dict()
    assert Analysis.from_dict({**analysis.to_dict(), "schema_version": "2.1"}).hidden is None


def test_a_genre_under_one_half_is_written_as_uncertain() -> None:
    """2.3 added ``genre_uncertain``: a genre shown below :data:`GENRE_SURE_FROM` is less likely
    than the other genres together (an English text under 150 words that the heads read as
    satire gets opinion or reporting at 0.22-0.35), and says so; a 2.2 file reads as before."""
    from unspun.document import GENRE_SURE_FROM

    analysis = full_analysis()
    assert analysis.to_dict()["genre_uncertain"] is False  # opinion 0.91
    analysis.article.labels["genre"] = [Label("opinion", 0.28)]
    data = analysis.to_dict()
    assert data["genre"] == "opinion" and data["genre_uncertain"] is True
    assert analysis.genre_uncertain and GENRE_SURE_FROM == 0.5
    assert Analysis.from_dict(data).to_dict() == data
    old = {k: v for k, v in data.items() if k != "genre_uncertain"}
    assert Analysis.from_dict({**old, "schema_version": "2.2"}).to_dict() == data
    assert Analysis(Article(id="x", text="Plain.")).to_dict()["genre_uncertain"] is None


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


# The dataclasses of the document model and the records made from them (unspun.schema.record):
# every difference between them (a field left out, a field of the record only, another type) is
# listed here with why, so that the declarations beside the records cannot drop or retype a field
# without a word.
RECORDS: dict[type, type[BaseModel]] = {
    Span: document.SpanRecord,
    TextRange: document.RangeRecord,
    Paragraph: document.ParagraphRecord,
    Entity: document.EntityRecord,
    Attribution: document.AttributionRecord,
    Claim: document.ClaimRecord,
    ModelInfo: document.ModelRecord,
    HiddenSpans: document.HiddenSpansRecord,
    ComponentError: document.ErrorRecord,
    Article: document.AnalysisRecord,
}
NOT_WRITTEN = {
    "Span.label": "written as technique",
    "Span.layer": "the list the span is written in (spans, or layers[name])",
    "ComponentError.exception": "the original exception, for re-raising in-process",
    "Article.labels": "written as genre and frames (with genre_score and frame_scores)",
    "Article.vectors": "numeric outputs between components, never serialised",
}
NOT_READ = {
    "SpanRecord.technique": "read as label",
    "SpanRecord.technique_name": "derived from the technique (its display name)",
    "SpanRecord.ptc_technique": "derived from the technique and taxonomy",
    "ParagraphRecord.number": "the paragraph's position, derived",
    "AnalysisRecord.schema_version": "the version of the record itself",
    "AnalysisRecord.content_hash": "Article.content_hash, a property of the text",
    "AnalysisRecord.spans_analysed": "whether Article.spans has the technique layer",
    "AnalysisRecord.layers": "Article.spans beside the technique layer",
    "AnalysisRecord.genre": "Article.labels['genre']",
    "AnalysisRecord.genre_uncertain": "derived from the genre's score (Analysis.genre_uncertain)",
    "AnalysisRecord.frames": "Article.labels['frames']",
    "AnalysisRecord.persuasion_score": "Article.scores['persuasion']",
    "AnalysisRecord.spans_hidden": "Analysis.hidden: a view's left-out spans, beside the article",
    "AnalysisRecord.article_id": "written by the store's readers beside the analysis",
    "AnalysisRecord.feedback": "written by the store's readers beside the analysis",
    "AnalysisRecord.appearances": "written by the store's readers beside the analysis",
}
# Fields on both sides whose types differ, given explicitly by analysis_to_dict / from_dict.
GIVEN = {
    "Span.id": "a span without an id is written with an empty one",
    "Article.spans": "its technique layer is written as spans, the others as layers",
}


def _as_dataclasses(annotation: object) -> object:
    """A record field's type with the records in it replaced by the dataclasses they stand for."""
    back = {record: cls for cls, record in RECORDS.items()}
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _as_dataclasses(args[0])
    if isinstance(annotation, type) and annotation in back:
        return back[annotation]
    if not args:
        return annotation
    mapped = tuple(_as_dataclasses(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(operator.or_, mapped)
    return origin[mapped]  # type: ignore[index]


@pytest.mark.parametrize("cls", list(RECORDS), ids=lambda cls: cls.__name__)
def test_each_dataclass_and_its_record_declare_the_same_fields(cls: type) -> None:
    record = RECORDS[cls]
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls) if f.init}
    quotes: set[str] = set()
    scores: dict[str, str] = {}
    for name, info in record.model_fields.items():
        for mark in info.metadata:
            if isinstance(mark, schema.Quote):
                quotes.add(name)
            elif isinstance(mark, schema.ScoresOf):
                scores[mark.of] = name
    unwritten = {f"{cls.__name__}.{n}" for n in fields - set(record.model_fields)}
    listed = {k for k in NOT_WRITTEN if k.startswith(f"{cls.__name__}.")}
    assert unwritten == listed, (
        f"fields not in {record.__name__}: {sorted(unwritten)}, listed {sorted(listed)}"
    )
    unread = {
        f"{record.__name__}.{n}" for n in set(record.model_fields) - fields - quotes - set(scores.values())
    }
    listed = {k for k in NOT_READ if k.startswith(f"{record.__name__}.")}
    assert unread == listed, f"fields not in {cls.__name__}: {sorted(unread)}, listed {sorted(listed)}"
    for name in fields & set(record.model_fields):
        written = _as_dataclasses(record.model_fields[name].annotation)
        if name in scores:  # a label (or list of labels) written as its name(s) and score(s)
            assert str(hints[name]).replace("unspun.document.Label", "str") == str(written), name
        elif f"{cls.__name__}.{name}" not in GIVEN:
            assert hints[name] == written, f"{cls.__name__}.{name}: {hints[name]} is written as {written}"


@dataclasses.dataclass
class _Note:
    id: str
    at: TextRange
    tags: list[Label] = dataclasses.field(default_factory=list)
    added: int | None = None  # declared on the dataclass only


def test_a_field_added_to_a_dataclass_is_in_its_record_written_and_read_back() -> None:
    note_record = schema.record(
        _Note,
        "NoteRecord",
        "A note.",
        at=...,
        id=pydantic.Field(description="the note's id"),
        tags=pydantic.Field(default_factory=list),
        tag_scores=(
            typing.Annotated[dict[str, float], schema.ScoresOf("tags")],
            pydantic.Field(default_factory=dict),
        ),
        quoted=typing.Annotated[str, schema.Quote("at")],
    )
    assert list(note_record.model_fields) == ["at", "id", "tags", "tag_scores", "quoted", "added"]
    assert note_record.model_fields["at"].annotation is document.RangeRecord
    assert not note_record.model_fields["added"].is_required()  # the dataclass's default: older files read
    note = _Note("N1", TextRange(1, 7), [Label("x", 0.25)], added=3)
    data = schema.dump(note_record, note, TEXT)
    assert data == {
        "at": {"start": 1, "end": 7},
        "id": "N1",
        "tags": ["x"],
        "tag_scores": {"x": 0.25},
        "quoted": "Karzai",
        "added": 3,
    }
    assert schema.load(_Note, note_record.model_validate(data), TEXT) == note
    with pytest.raises(FormatError, match="note N1 at"):
        schema.load(_Note, note_record.model_validate({**data, "quoted": "Hamid"}), TEXT)


def test_the_schema_says_what_the_persuasion_score_reads_as() -> None:
    # QA (s43): `unspun schema` gave persuasion_score no description; v3's score is a standing
    # among annotated articles, which a reader of the JSON alone could not know.
    described = json_schema()["properties"]["persuasion_score"]["description"]
    assert "share of the annotated" in described and "persuasion-fit" in described
