"""The one document model every part of unspun reads and writes.

Offsets are always code-point offsets into ``Article.text`` exactly as it was read
(``open(..., encoding="utf-8", newline="")``: a BOM and CR characters are kept and
counted). Spans are half-open: ``text[start:end]``.

Components write typed fields on :class:`Article`: spans keyed by layer, document labels
keyed by task, paragraphs, entities (with their mentions), attributions (source / cue /
content linked as one relation), check-worthy claims, the models that ran
(:class:`ModelInfo`) and the per-article errors (:class:`ComponentError`).
:class:`Analysis` is the view that the CLI, the Python API, the store, the REST API and
the batch engine serialise, with one serialiser both ways (:meth:`Analysis.to_dict`,
:meth:`Analysis.from_dict`, over the records of :mod:`unspun.schema`, whose JSON Schema is
:func:`unspun.schema.json_schema`).

This module imports of unspun's only the records it serialises to (:mod:`unspun.schema`), the
errors and, lazily, the technique names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from unspun.errors import FormatError
from unspun.schema import (
    DIGITS,
    SCHEMA_VERSION,
    AnalysisRecord,
    RangeRecord,
    SpanRecord,
)

TECHNIQUE_LAYER = "technique"
# Low-confidence technique spans the span tagger also writes: evidence for the paragraph
# techniques head, never shown or serialised as findings.
CANDIDATE_LAYER = "technique-candidates"
# Key of ``Article.vectors``: per paragraph, the span model's pooled view of it
# (:func:`unspun.models.span_evidence.paragraph_vectors`), read by the paragraph techniques head.
PARAGRAPH_VECTORS = "span-paragraphs"
# The taxonomy a technique span's label belongs to (see unspun.techniques).
PTC14 = "ptc14"
SEMEVAL23 = "semeval2023"


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character span ``[start, end)`` of an article's text.

    ``label`` is the technique id in ``taxonomy`` for technique spans (``span.technique`` is
    the same value); ``id`` is unique within the article's layer once the span is set on an
    article; ``reason`` says in a few words why it was flagged; ``attrs`` holds extra
    JSON-serialisable values a component wants to keep.
    """

    start: int
    end: int
    label: str
    score: float = 1.0
    layer: str = TECHNIQUE_LAYER
    id: str | None = None
    taxonomy: str = PTC14
    reason: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"invalid span offsets [{self.start}, {self.end})")

    @property
    def technique(self) -> str:
        """The technique id (the same as ``label``)."""
        return self.label

    def text_in(self, text: str) -> str:
        """The covered text."""
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class TextRange:
    """A plain ``[start, end)`` range of the text: an entity mention, a quote's source or cue."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"invalid offsets [{self.start}, {self.end})")

    def text_in(self, text: str) -> str:
        """The covered text."""
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Label:
    """A document-level label (a genre, a frame, a sentiment) with a confidence."""

    name: str
    score: float = 1.0


@dataclass(slots=True)
class Paragraph:
    """A paragraph: line ``index`` (1-based, the SemEval-2023 ``paragraph_no``) of
    ``text.split("\\n")`` that is not blank. ``language`` is set when it differs from the
    article's language (such a paragraph is left out of the span analysis)."""

    index: int
    start: int
    end: int
    techniques: list[Label] = field(default_factory=list)
    language: str | None = None


@dataclass(slots=True)
class Entity:
    """A person, organisation, place or group the text is about, with its mentions.

    ``type`` is one of PERSON, ORG, GPE, LOC, NORP (spaCy's names); ``sentiment`` is the
    stance the text takes towards it (negative / neutral / positive); ``role`` its main
    role (Protagonist / Antagonist / Innocent) and ``fine_roles`` the fine-grained ones.
    """

    id: str
    name: str
    type: str
    mentions: list[TextRange] = field(default_factory=list)
    sentiment: Label | None = None
    role: Label | None = None
    fine_roles: list[Label] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Attribution:
    """A quote or reported statement: who (``source``) says (``cue``) what (``content``).

    ``kind`` is ``"direct"`` (quotation marks) or ``"indirect"``; ``source_entity`` is the id of
    the :class:`Entity` the source refers to, when there is one.
    """

    id: str
    content: TextRange
    source: TextRange | None = None
    cue: TextRange | None = None
    kind: str = "indirect"
    source_entity: str | None = None
    score: float = 1.0
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Claim:
    """A check-worthy statement: a span of the text with the probability it is worth checking."""

    id: str
    start: int
    end: int
    score: float
    attrs: dict[str, Any] = field(default_factory=dict)

    def text_in(self, text: str) -> str:
        """The covered text."""
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """Which model a component ran: its name, version and a digest of its files."""

    component: str
    name: str
    version: str
    digest: str | None = None


@dataclass(slots=True)
class ComponentError:
    """A failure of one component on one article: kept on the analysis, not in front-end state.

    ``exception`` is the original exception (for re-raising in-process); it is not serialised.
    """

    component: str
    message: str
    code: str = "error"
    exception: BaseException | None = field(default=None, compare=False, repr=False)


def content_hash(text: str) -> str:
    """The SHA-256 hex digest of the UTF-8 bytes of ``text`` without a leading byte-order mark
    (the article's identity in a store). The mark is left out because a reader keeps it as
    character 0 of a UTF-16 file (and of a UTF-8 file that has one), so the UTF-16 copy of a
    stored text is the same article; a text without one hashes as it always has."""
    return hashlib.sha256(text.removeprefix("\ufeff").encode("utf-8", errors="surrogatepass")).hexdigest()


@dataclass(slots=True)
class Article:
    """An input article plus everything the pipeline has written on it."""

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: dt.date | None = None
    language: str | None = None
    source_path: str | None = None
    # The unspun version that analysed the article (set by the pipeline).
    unspun_version: str | None = None
    spans: dict[str, list[Span]] = field(default_factory=dict)
    labels: dict[str, list[Label]] = field(default_factory=dict)
    paragraphs: list[Paragraph] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    models: list[ModelInfo] = field(default_factory=list)
    errors: list[ComponentError] = field(default_factory=list)
    # Numeric outputs one component leaves for a later one (numpy arrays); never serialised.
    vectors: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text (see :func:`content_hash`)."""
        return content_hash(self.text)

    def layer(self, name: str) -> list[Span]:
        """Spans of one layer, sorted by (start, end)."""
        return sorted(self.spans.get(name, []), key=lambda s: (s.start, s.end, s.label))

    def set_layer(self, name: str, spans: list[Span]) -> None:
        """Replace one layer, checking that every span lies inside the text.

        Spans are sorted by position and given the layer's name; a span without an ``id`` gets
        one unique within the layer (``"T1"``, ``"T2"``, ... for techniques).
        """
        n = len(self.text)
        for span in spans:
            if span.end > n:
                raise ValueError(f"span [{span.start}, {span.end}) outside a text of {n} characters")
        ordered = sorted(spans, key=lambda s: (s.start, s.end, s.label))
        taken = {s.id for s in ordered if s.id is not None}
        prefix = "T" if name == TECHNIQUE_LAYER else f"{name}-"
        numbered: list[Span] = []
        counter = 0
        for span in ordered:
            if span.layer != name:
                span = replace(span, layer=name)
            if span.id is None:
                counter += 1
                while f"{prefix}{counter}" in taken:
                    counter += 1
                span = replace(span, id=f"{prefix}{counter}")
            numbered.append(span)
        self.spans[name] = numbered

    def record_model(self, info: ModelInfo) -> None:
        """Note that ``info``'s model wrote on this article (once per component and name)."""
        if info not in self.models:
            self.models.append(info)

    @property
    def failed(self) -> bool:
        """Whether a component failed on this article (its analysis is then incomplete)."""
        return bool(self.errors)


def split_paragraphs(text: str) -> list[Paragraph]:
    """The official SemEval-2023 paragraph rule: line k of ``text.split("\\n")``, kept if not blank.

    ``start``/``end`` cover the line without its trailing ``\\r``.
    """
    paragraphs: list[Paragraph] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            end = offset + len(line.rstrip("\r"))
            paragraphs.append(Paragraph(index=number, start=offset, end=end))
        offset += len(line) + 1
    return paragraphs


@dataclass(slots=True)
class Analysis:
    """What ``unspun.analyze`` returns: an analysed article, ready to serialise."""

    article: Article

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def title(self) -> str | None:
        return self.article.title

    @property
    def text(self) -> str:
        return self.article.text

    @property
    def spans(self) -> list[Span]:
        """Technique spans, sorted by position."""
        return self.article.layer(TECHNIQUE_LAYER)

    @property
    def genre(self) -> Label | None:
        genre = self.article.labels.get("genre")
        return genre[0] if genre else None

    @property
    def frames(self) -> list[Label]:
        return list(self.article.labels.get("frames", []))

    @property
    def paragraphs(self) -> list[Paragraph]:
        return self.article.paragraphs

    @property
    def persuasion_score(self) -> float | None:
        return self.article.scores.get("persuasion")

    @property
    def entities(self) -> list[Entity]:
        return self.article.entities

    @property
    def attributions(self) -> list[Attribution]:
        return self.article.attributions

    @property
    def claims(self) -> list[Claim]:
        return self.article.claims

    @property
    def models(self) -> list[ModelInfo]:
        return self.article.models

    @property
    def errors(self) -> list[ComponentError]:
        return self.article.errors

    @property
    def ok(self) -> bool:
        """True when every component ran on the article without an error."""
        return not self.article.errors

    def raise_for_errors(self) -> Analysis:
        """Return ``self`` if the analysis has no error, else raise the first one (the original
        exception when it is known, else :class:`unspun.errors.AnalysisError`)."""
        if not self.article.errors:
            return self
        first = self.article.errors[0]
        if first.exception is not None:
            raise first.exception
        from unspun.errors import AnalysisError

        raise AnalysisError(f"{first.component}: {first.message}")

    def above(self, min_score: float) -> Analysis:
        """A view of the analysis without the technique spans scoring below ``min_score`` (the
        persuasion score and everything else unchanged: they were computed with every span)."""
        if min_score <= 0:
            return self
        kept = [s for s in self.spans if s.score >= min_score]
        article = replace(self.article, spans={**self.article.spans, TECHNIQUE_LAYER: kept})
        return Analysis(article)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``unspun analyze --format json`` (see :mod:`unspun.schema`)."""
        return analysis_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        """Rebuild an analysis from :meth:`to_dict`'s output; ``from_dict(d).to_dict() == d``.

        Raises :class:`unspun.errors.FormatError` when ``data`` does not follow the schema.
        """
        return analysis_from_dict(data)


# --- The serialised form, both ways (see unspun.schema) ---------------------------------


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
