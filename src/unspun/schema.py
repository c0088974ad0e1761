"""The one serialised form of an analysis and its JSON Schema.

The pydantic models below *are* the schema: :func:`unspun.document.analysis_to_dict` builds
their shape from a :class:`unspun.document.Analysis`, :func:`unspun.document.analysis_from_dict`
validates a dict against them and rebuilds the document, and :func:`json_schema` is their JSON
Schema (draft 2020-12), printed by ``unspun schema``. The CLI, the span-prediction files of
training, the store, the REST API and the batch rows all go through those two functions. This
module imports nothing of unspun's: the document model sits on it.

Derived fields (each span's ``text``, ``technique_name``, ``ptc_technique``, the texts of an
attribution's parts) are written for readers and checked on the way back: a dict whose
``text`` does not match ``text[start:end]`` is refused. Scores are rounded to 4 decimals, so
``analysis_from_dict(d).to_dict() == d`` holds exactly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "2.0"
SCHEMA_ID = "https://unspun.invalid/schema/analysis-2.0.json"
DIGITS = 4


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RangeRecord(_Strict):
    """A ``[start, end)`` range in code points."""

    start: int = Field(ge=0)
    end: int = Field(gt=0)


class SpanRecord(_Strict):
    """A technique span."""

    id: str
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    technique: str = Field(description="the technique id in its taxonomy (e.g. Name_Calling,Labeling)")
    technique_name: str = Field(description="the display name shared by both taxonomies")
    taxonomy: str = Field(description="ptc14 (SemEval-2020) or semeval2023 (SemEval-2023 Task 3)")
    ptc_technique: str | None = Field(description="the PTC-14 id that corresponds, if any")
    score: float = Field(ge=0, le=1)
    text: str
    reason: str | None = None
    attrs: dict[str, Any] = Field(default_factory=dict)


class ParagraphRecord(_Strict):
    """A paragraph and the techniques it uses (SemEval-2023 subtask 3)."""

    index: int = Field(ge=1, description="the line number, 1-based (SemEval-2023 paragraph_no)")
    number: int = Field(ge=1, description="the paragraph's position among the paragraphs, 1-based")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    language: str | None = Field(default=None, description="set when not the article's language")
    techniques: list[str]
    technique_scores: dict[str, float]


class EntityRecord(_Strict):
    """An entity with its mentions and how the text portrays it."""

    id: str
    name: str
    type: str
    mentions: list[RangeRecord]
    sentiment: str | None = None
    sentiment_score: float | None = None
    role: str | None = None
    role_score: float | None = None
    fine_roles: list[str] = Field(default_factory=list)
    fine_role_scores: dict[str, float] = Field(default_factory=dict)
    attrs: dict[str, Any] = Field(default_factory=dict)


class AttributionRecord(_Strict):
    """A quote or reported statement: source, cue and content."""

    id: str
    source: RangeRecord | None
    cue: RangeRecord | None
    content: RangeRecord
    kind: str
    source_entity: str | None = None
    score: float
    source_text: str | None = None
    cue_text: str | None = None
    content_text: str
    attrs: dict[str, Any] = Field(default_factory=dict)


class ClaimRecord(_Strict):
    """A check-worthy claim."""

    id: str
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    score: float
    text: str
    attrs: dict[str, Any] = Field(default_factory=dict)


class ModelRecord(_Strict):
    """A model that wrote on the analysis."""

    component: str
    name: str
    version: str
    digest: str | None = None


class ErrorRecord(_Strict):
    """A component's failure on the article."""

    component: str
    message: str
    code: str


class AnalysisRecord(_Strict):
    """The output of ``unspun analyze --format json`` for one article."""

    model_config = ConfigDict(extra="forbid", title="unspun analysis")

    schema_version: str
    unspun_version: str | None
    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: dt.date | None
    source_path: str | None
    language: str | None
    content_hash: str
    text: str
    spans_analysed: bool
    spans: list[SpanRecord]
    layers: dict[str, list[SpanRecord]] = Field(
        default_factory=dict,
        description="span layers beside the technique spans (evidence such as technique-candidates), "
        "by name; written only when asked for (training files), empty otherwise",
    )
    genre: str | None
    genre_score: float | None
    frames: list[str] | None
    frame_scores: dict[str, float] | None
    persuasion_score: float | None
    scores: dict[str, float]
    paragraphs: list[ParagraphRecord]
    entities: list[EntityRecord]
    attributions: list[AttributionRecord]
    claims: list[ClaimRecord]
    models: list[ModelRecord]
    errors: list[ErrorRecord]
    # Written by the store's readers beside the analysis (never by analysis_to_dict): the
    # `unspun export --format jsonl` records, the API's stored articles and `POST /api/analyze`
    # with "store": true validate against this schema too.
    article_id: str | None = Field(
        None, description="the store's id of the article (export records and stored answers only)"
    )
    feedback: list[dict[str, Any]] | None = Field(
        None, description="the feedback kept on the article (export with with_feedback only)"
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`analysis_to_dict`'s output."""
    schema = AnalysisRecord.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
