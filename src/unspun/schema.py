"""The one serialised form of an analysis, both ways, and its JSON Schema.

The pydantic models below *are* the schema: :func:`analysis_to_dict` builds them from a
:class:`unspun.document.Analysis` and dumps them, :func:`analysis_from_dict` validates a dict
against them and rebuilds the document, and :func:`json_schema` is their JSON Schema (draft
2020-12), printed by ``unspun schema``. The CLI, the span-prediction files of training, the
store, the REST API and the batch rows all go through these two functions.

Derived fields (each span's ``text``, ``technique_name``, ``ptc_technique``, the texts of an
attribution's parts) are written for readers and checked on the way back: a dict whose
``text`` does not match ``text[start:end]`` is refused. Scores are rounded to 4 decimals, so
``analysis_from_dict(d).to_dict() == d`` holds exactly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from unspun.document import (
    PTC14,
    TECHNIQUE_LAYER,
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
)
from unspun.errors import FormatError

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


def _round(value: float) -> float:
    return round(float(value), DIGITS)


def _range(r: TextRange | None) -> dict[str, int] | None:
    return None if r is None else {"start": r.start, "end": r.end}


def technique_display(label: str, taxonomy: str) -> tuple[str, str | None]:
    """The display name of a technique id and the PTC-14 id that corresponds (None if none)."""
    from unspun.techniques import PTC_TO_SEMEVAL23, technique

    try:
        name = technique(label).name
    except KeyError:
        name = label.replace("_", " ")
    if taxonomy == PTC14:
        return name, label
    for ptc, labels in PTC_TO_SEMEVAL23.items():
        if label in labels:
            return name, ptc
    return name, None


def _span_dict(s: Span, text: str) -> dict[str, Any]:
    name, ptc = technique_display(s.label, s.taxonomy)
    return {
        "id": s.id or "",
        "start": s.start,
        "end": s.end,
        "technique": s.label,
        "technique_name": name,
        "taxonomy": s.taxonomy,
        "ptc_technique": ptc,
        "score": _round(s.score),
        "text": s.text_in(text),
        "reason": s.reason,
        "attrs": dict(s.attrs),
    }


def analysis_to_dict(analysis: Analysis, *, evidence: bool = False) -> dict[str, Any]:
    """The JSON-ready dict of ``analysis`` (see :class:`AnalysisRecord`).

    With ``evidence``, ``"layers"`` holds the span layers beside the technique spans as well
    (evidence for other components, such as ``technique-candidates``, not findings: left out of
    the output by default); training's span-prediction files are written so.
    """
    a = analysis.article
    text = a.text
    spans = [_span_dict(s, text) for s in a.layer(TECHNIQUE_LAYER)]
    genre = a.labels.get("genre")
    frames = a.labels.get("frames")
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "unspun_version": a.unspun_version,
        "id": a.id,
        "title": a.title,
        "outlet": a.outlet,
        "url": a.url,
        "published": a.published.isoformat() if a.published else None,
        "source_path": a.source_path,
        "language": a.language,
        "content_hash": a.content_hash,
        "text": text,
        "spans_analysed": TECHNIQUE_LAYER in a.spans,
        "spans": spans,
        "layers": {
            name: [_span_dict(s, text) for s in a.layer(name)]
            for name in sorted(a.spans)
            if evidence and name != TECHNIQUE_LAYER
        },
        "genre": genre[0].name if genre else None,
        "genre_score": _round(genre[0].score) if genre else None,
        "frames": [f.name for f in frames] if frames is not None else None,
        "frame_scores": {f.name: _round(f.score) for f in frames} if frames is not None else None,
        "persuasion_score": _round(a.scores["persuasion"]) if "persuasion" in a.scores else None,
        "scores": {k: _round(v) for k, v in sorted(a.scores.items()) if k != "persuasion"},
        "paragraphs": [
            {
                "index": p.index,
                "number": number,
                "start": p.start,
                "end": p.end,
                "language": p.language,
                "techniques": [t.name for t in p.techniques],
                "technique_scores": {t.name: _round(t.score) for t in p.techniques},
            }
            for number, p in enumerate(a.paragraphs, start=1)
        ],
        "entities": [
            {
                "id": e.id,
                "name": e.name,
                "type": e.type,
                "mentions": [_range(m) for m in e.mentions],
                "sentiment": e.sentiment.name if e.sentiment else None,
                "sentiment_score": _round(e.sentiment.score) if e.sentiment else None,
                "role": e.role.name if e.role else None,
                "role_score": _round(e.role.score) if e.role else None,
                "fine_roles": [r.name for r in e.fine_roles],
                "fine_role_scores": {r.name: _round(r.score) for r in e.fine_roles},
                "attrs": dict(e.attrs),
            }
            for e in a.entities
        ],
        "attributions": [
            {
                "id": r.id,
                "source": _range(r.source),
                "cue": _range(r.cue),
                "content": _range(r.content),
                "kind": r.kind,
                "source_entity": r.source_entity,
                "score": _round(r.score),
                "source_text": r.source.text_in(text) if r.source else None,
                "cue_text": r.cue.text_in(text) if r.cue else None,
                "content_text": r.content.text_in(text),
                "attrs": dict(r.attrs),
            }
            for r in a.attributions
        ],
        "claims": [
            {
                "id": c.id,
                "start": c.start,
                "end": c.end,
                "score": _round(c.score),
                "text": c.text_in(text),
                "attrs": dict(c.attrs),
            }
            for c in a.claims
        ],
        "models": [
            {"component": m.component, "name": m.name, "version": m.version, "digest": m.digest}
            for m in a.models
        ],
        "errors": [{"component": e.component, "message": e.message, "code": e.code} for e in a.errors],
    }
    return out


def _check_text(text: str, start: int, end: int, quoted: str | None, what: str) -> None:
    if end > len(text) or start >= end:
        raise FormatError(f"{what} [{start}, {end}) lies outside a text of {len(text)} characters")
    if quoted is not None and text[start:end] != quoted:
        raise FormatError(
            f"{what} [{start}, {end}) quotes {quoted!r}, but the text there is {text[start:end]!r}"
        )


def _text_range(r: RangeRecord | None, text: str, quoted: str | None, what: str) -> TextRange | None:
    if r is None:
        return None
    _check_text(text, r.start, r.end, quoted, what)
    return TextRange(r.start, r.end)


def _span(s: SpanRecord, text: str, layer: str) -> Span:
    _check_text(text, s.start, s.end, s.text, f"span {s.id}")
    return Span(
        s.start,
        s.end,
        s.technique,
        s.score,
        layer=layer,
        id=s.id or None,
        taxonomy=s.taxonomy,
        reason=s.reason,
        attrs=dict(s.attrs),
    )


def analysis_from_dict(data: dict[str, Any]) -> Analysis:
    """Rebuild the :class:`Analysis` that :func:`analysis_to_dict` wrote.

    Raises :class:`FormatError` naming the first problem when ``data`` does not follow the
    schema (a missing or unknown field, a wrong type, offsets outside the text, a quoted text
    that does not match the offsets) or has another ``schema_version``.
    """
    if not isinstance(data, dict):
        raise FormatError(f"an analysis is a JSON object, not {type(data).__name__}")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise FormatError(
            f"analysis schema_version {version!r} is not {SCHEMA_VERSION!r}; re-analyse the article "
            "with this version of unspun (unspun reanalyze for a store)"
        )
    try:
        record = AnalysisRecord.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise FormatError(f"analysis field {where or '(root)'}: {first['msg']}") from error
    text = record.text
    article = Article(
        id=record.id,
        text=text,
        title=record.title,
        outlet=record.outlet,
        url=record.url,
        published=record.published,
        language=record.language,
        source_path=record.source_path,
        unspun_version=record.unspun_version,
    )
    if record.content_hash != article.content_hash:
        raise FormatError("analysis content_hash does not match its text; the text was changed")
    if record.spans_analysed:
        article.set_layer(TECHNIQUE_LAYER, [_span(s, text, TECHNIQUE_LAYER) for s in record.spans])
    elif record.spans:
        raise FormatError("analysis has spans but spans_analysed is false")
    for name, layer in record.layers.items():
        if name == TECHNIQUE_LAYER:
            raise FormatError(
                f"analysis has a layer {name!r} beside its spans; technique spans go in 'spans'"
            )
        article.set_layer(name, [_span(s, text, name) for s in layer])
    if record.genre is not None:
        article.labels["genre"] = [
            Label(record.genre, record.genre_score if record.genre_score is not None else 1.0)
        ]
    if record.frames is not None:
        scores = record.frame_scores or {}
        article.labels["frames"] = [Label(name, scores.get(name, 1.0)) for name in record.frames]
    if record.persuasion_score is not None:
        article.scores["persuasion"] = record.persuasion_score
    article.scores.update(record.scores)
    for p in record.paragraphs:
        article.paragraphs.append(
            Paragraph(
                index=p.index,
                start=p.start,
                end=p.end,
                techniques=[Label(t, p.technique_scores.get(t, 1.0)) for t in p.techniques],
                language=p.language,
            )
        )
    for e in record.entities:
        mentions = []
        for m in e.mentions:
            _check_text(text, m.start, m.end, None, f"entity {e.id} mention")
            mentions.append(TextRange(m.start, m.end))
        article.entities.append(
            Entity(
                id=e.id,
                name=e.name,
                type=e.type,
                mentions=mentions,
                sentiment=Label(e.sentiment, e.sentiment_score or 0.0) if e.sentiment is not None else None,
                role=Label(e.role, e.role_score or 0.0) if e.role is not None else None,
                fine_roles=[Label(r, e.fine_role_scores.get(r, 1.0)) for r in e.fine_roles],
                attrs=dict(e.attrs),
            )
        )
    for r in record.attributions:
        content = _text_range(r.content, text, r.content_text, f"attribution {r.id} content")
        assert content is not None
        article.attributions.append(
            Attribution(
                id=r.id,
                content=content,
                source=_text_range(r.source, text, r.source_text, f"attribution {r.id} source"),
                cue=_text_range(r.cue, text, r.cue_text, f"attribution {r.id} cue"),
                kind=r.kind,
                source_entity=r.source_entity,
                score=r.score,
                attrs=dict(r.attrs),
            )
        )
    for c in record.claims:
        _check_text(text, c.start, c.end, c.text, f"claim {c.id}")
        article.claims.append(Claim(id=c.id, start=c.start, end=c.end, score=c.score, attrs=dict(c.attrs)))
    article.models.extend(ModelInfo(m.component, m.name, m.version, m.digest) for m in record.models)
    article.errors.extend(ComponentError(e.component, e.message, e.code) for e in record.errors)
    return Analysis(article)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`analysis_to_dict`'s output."""
    schema = AnalysisRecord.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
