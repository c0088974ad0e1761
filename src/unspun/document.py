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
:meth:`Analysis.from_dict`, over records made from these dataclasses by
:func:`unspun.schema.record`, whose JSON Schema is :func:`json_schema`).

This module imports of unspun's only the serialiser (:mod:`unspun.schema`), the errors and,
lazily, the technique names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from unspun.errors import FormatError
from unspun.schema import (
    READABLE_VERSIONS,
    SCHEMA_ID,
    SCHEMA_VERSION,
    Quote,
    ScoresOf,
    dump,
    load,
    read_labels,
    record,
)

TECHNIQUE_LAYER = "technique"
# Low-confidence technique spans the span tagger also writes: evidence for the paragraph
# techniques head, never shown or serialised as findings.
CANDIDATE_LAYER = "technique-candidates"
# Key of ``Article.vectors``: per paragraph, the span model's pooled view of it
# (:func:`unspun.models.span_evidence.paragraph_vectors`), read by the paragraph techniques head.
PARAGRAPH_VECTORS = "span-paragraphs"
# A genre shown below this probability is written and shown as uncertain (Analysis.genre_uncertain).
# Under one half the genre shown is less likely than the other two together: more likely wrong
# than right, as measured where the probability is calibrated (on whole English articles out of
# fold, weighted to the news mix, a genre shown at 0.4-0.5 was right 43% of the time, at 0.3-0.4
# 8%: genre-e5.json's english_reliability). Every English text under 150 words that the heads
# read as satire falls below it: satire is not shown there (unspun.pipeline.genre.shown_index),
# and the genre shown instead is less likely than satire, so under one half.
GENRE_SURE_FROM = 0.5
# The taxonomy a technique span's label belongs to (see unspun.techniques).
PTC14 = "ptc14"
SEMEVAL23 = "semeval2023"


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character span ``[start, end)`` of an article's text.

    ``label`` is the technique id in ``taxonomy`` for technique spans (``span.technique`` is
    the same value); ``id`` is unique within the article's layer once the span is set on an
    article; ``reason`` says in a few words why it was flagged; ``also`` holds further techniques
    the head found possible for the same words, each with its probability (the same span, not
    another one); ``attrs`` holds extra JSON-serialisable values a component wants to keep.
    """

    start: int
    end: int
    label: str
    score: float = 1.0
    layer: str = TECHNIQUE_LAYER
    id: str | None = None
    taxonomy: str = PTC14
    reason: str | None = None
    also: list[Label] = field(default_factory=list, hash=False)
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


@dataclass(frozen=True, slots=True)
class HiddenSpans:
    """The technique spans a view leaves out (``unspun analyze --min-score``, the API's
    ``min_score``): those scoring below ``min_score``, ``count`` of them. The analysis's scores
    and counts were computed with every span."""

    min_score: float
    count: int


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


def web_address(url: str | None) -> str | None:
    """``url`` stripped when it is a web address (``http://`` or ``https://``, no space inside),
    ``None`` when it is not: the one rule for an article's ``url``, which a page links, so it must
    never be ``javascript:`` or ``data:``. The API and the JSONL reader refuse any other url; a
    feed's or a page's own link that is no web address is left out."""
    if url is None:
        return None
    value = url.strip()
    if not value.lower().startswith(("http://", "https://")) or any(c.isspace() for c in value):
        return None
    return value


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
    """What ``unspun.analyze`` returns: an analysed article, ready to serialise.

    ``hidden`` is set on a view made by :meth:`above`: which spans it leaves out.
    """

    article: Article
    hidden: HiddenSpans | None = None

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
    def language(self) -> str | None:
        """The article's language (ISO 639-1), as the JSON's ``language``."""
        return self.article.language

    @property
    def spans(self) -> list[Span]:
        """Technique spans, sorted by position."""
        return self.article.layer(TECHNIQUE_LAYER)

    @property
    def genre(self) -> Label | None:
        genre = self.article.labels.get("genre")
        return genre[0] if genre else None

    @property
    def genre_uncertain(self) -> bool | None:
        """Whether the genre shown is less likely than the other genres together (its probability
        under :data:`GENRE_SURE_FROM`): the likeliest genre, not a finding. None without a genre."""
        genre = self.genre
        return None if genre is None else genre.score < GENRE_SURE_FROM

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
        hidden = len(self.spans) - len(kept) + (self.hidden.count if self.hidden else 0)
        return Analysis(
            article, HiddenSpans(max(min_score, self.hidden.min_score if self.hidden else 0), hidden)
        )

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

# The records of the JSON form, made from the dataclasses above (see unspun.schema.record): a
# field's type is the dataclass's; what is said here is only what the JSON adds (the order of the
# fields, limits, descriptions, the fields written for readers) and the fields it leaves out.

RangeRecord = record(
    TextRange, "RangeRecord", "A ``[start, end)`` range in code points.", start=Field(ge=0), end=Field(gt=0)
)
SpanRecord = record(
    Span,
    "SpanRecord",
    "A technique span.",
    # label is written as technique; layer is the list the span is written in (spans, layers[name])
    skip=("label", "layer"),
    id=str,  # a span without an id is written with an empty one
    start=Field(ge=0),
    end=Field(gt=0),
    technique=(str, Field(description="the technique id in its taxonomy (e.g. Name_Calling,Labeling)")),
    technique_name=(str, Field(description="the display name shared by both taxonomies")),
    taxonomy=Field(description="ptc14 (SemEval-2020) or semeval2023 (SemEval-2023 Task 3)"),
    ptc_technique=(str | None, Field(description="the PTC-14 id that corresponds, if any")),
    score=Field(ge=0, le=1),
    text=Annotated[str, Quote()],
    reason=Field(default=None),
    also=Field(
        default_factory=list,
        description="further techniques for the same words (ids in the span's taxonomy): the one the head "
        "nearly chose, where its probability reaches the span model's threshold, or the technique of a piece "
        "of the same phrase that was joined into this span; the same span, not another one",
    ),
    also_scores=(
        Annotated[dict[str, float], ScoresOf("also")],
        Field(
            default_factory=dict,
            description="the technique head's probability of each technique in also: which technique the "
            "words use, given that they persuade; not on the scale of score (the probability that the span "
            "is right)",
        ),
    ),
    attrs=Field(default_factory=dict),
)
ParagraphRecord = record(
    Paragraph,
    "ParagraphRecord",
    "A paragraph and the techniques it uses (SemEval-2023 subtask 3).",
    index=Field(ge=1, description="the line number, 1-based (SemEval-2023 paragraph_no)"),
    number=(int, Field(ge=1, description="the paragraph's position among the paragraphs, 1-based")),
    start=Field(ge=0),
    end=Field(ge=0),
    language=Field(default=None, description="set when not the article's language"),
    techniques=...,
    technique_scores=Annotated[dict[str, float], ScoresOf("techniques")],
)
EntityRecord = record(
    Entity,
    "EntityRecord",
    "An entity with its mentions and how the text portrays it.",
    id=...,
    name=...,
    type=...,
    mentions=...,
    sentiment=Field(default=None),
    sentiment_score=(Annotated[float | None, ScoresOf("sentiment", missing=0.0)], Field(default=None)),
    role=Field(default=None),
    role_score=(Annotated[float | None, ScoresOf("role", missing=0.0)], Field(default=None)),
    fine_roles=Field(default_factory=list),
    fine_role_scores=(Annotated[dict[str, float], ScoresOf("fine_roles")], Field(default_factory=dict)),
    attrs=Field(default_factory=dict),
)
AttributionRecord = record(
    Attribution,
    "AttributionRecord",
    "A quote or reported statement: source, cue and content.",
    id=...,
    source=...,
    cue=...,
    content=...,
    kind=...,
    source_entity=Field(default=None),
    score=...,
    source_text=(Annotated[str | None, Quote("source")], Field(default=None)),
    cue_text=(Annotated[str | None, Quote("cue")], Field(default=None)),
    content_text=Annotated[str, Quote("content")],
    attrs=Field(default_factory=dict),
)
ClaimRecord = record(
    Claim,
    "ClaimRecord",
    "A check-worthy claim.",
    id=...,
    start=Field(ge=0),
    end=Field(gt=0),
    score=...,
    text=Annotated[str, Quote()],
    attrs=Field(default_factory=dict),
)
ModelRecord = record(ModelInfo, "ModelRecord", "A model that wrote on the analysis.")
HiddenSpansRecord = record(
    HiddenSpans,
    "HiddenSpansRecord",
    "The technique spans left out of this output: those scoring below min_score.",
    min_score=Field(ge=0, le=1, description="the --min-score (API: min_score) the output was made with"),
    count=Field(ge=0, description="how many spans score below it and are not in spans"),
)
ErrorRecord = record(
    ComponentError,
    "ErrorRecord",
    "A component's failure on the article.",
    skip=("exception",),  # the original exception, for re-raising in-process
    component=...,
    message=...,
    code=...,  # required in the JSON: a reader never guesses "error"
)


class AppearanceRecord(BaseModel):
    """One place the stored text was published (wire copy: one text, several outlets).

    What :class:`unspun.store.base.Appearance` writes: the store's own record, so declared here
    rather than made from a dataclass of this module."""

    model_config = ConfigDict(extra="forbid")

    outlet: str | None
    url: str | None
    published: dt.date | None
    title: str | None
    added_at: dt.datetime | None = Field(None, description="when the store first met this appearance")


AnalysisRecord = record(
    Article,
    "AnalysisRecord",
    "The output of ``unspun analyze --format json`` for one article.",
    schema_title="unspun analysis",
    # labels are written as genre and frames; vectors are numbers between components, never written
    skip=("labels", "vectors"),
    schema_version=str,
    unspun_version=...,
    id=...,
    title=...,
    outlet=...,
    url=...,
    published=...,
    source_path=...,
    language=...,
    content_hash=str,
    text=...,
    spans_analysed=bool,
    spans=list[Span],  # the technique layer; the others are written as layers
    spans_hidden=(
        HiddenSpans | None,
        Field(
            None,
            description="written when the output leaves out low-scoring spans (--min-score, the API's "
            "min_score): the spans' count and threshold; scores, counts and the persuasion score count them",
        ),
    ),
    layers=(
        dict[str, list[Span]],
        Field(
            default_factory=dict,
            description="span layers beside the technique spans (evidence such as technique-candidates), "
            "by name; written only when asked for (training files), empty otherwise",
        ),
    ),
    genre=str | None,
    genre_score=Annotated[float | None, ScoresOf("genre")],
    genre_uncertain=(
        bool | None,
        Field(
            None,
            description="true when the genre's probability is under 0.5, so the genre named is less likely "
            "than the other genres together: the likeliest genre, not a finding (English texts under 150 "
            "words that read as satire are shown as opinion or reporting at 0.2-0.4); null without a genre",
        ),
    ),
    frames=list[str] | None,
    frame_scores=Annotated[dict[str, float] | None, ScoresOf("frames")],
    persuasion_score=(
        float | None,
        Field(
            description="how densely the article uses persuasion techniques, 0-1: by the persuasion-fit of "
            "version 3 (see models), the share of the annotated news articles (a propaganda-rich set) whose "
            "evidence the article's beats, 0 where none is found (docs/persuasion-score.md)",
        ),
    ),
    scores=...,
    paragraphs=...,
    entities=...,
    attributions=...,
    claims=...,
    models=...,
    errors=...,
    # Written by the store's readers beside the analysis (never by analysis_to_dict): the
    # `unspun export --format jsonl` records, the API's stored articles and `POST /api/analyze`
    # with "store": true validate against this schema too.
    article_id=(
        str | None,
        Field(None, description="the store's id of the article (export records and stored answers only)"),
    ),
    feedback=(
        list[dict[str, Any]] | None,
        Field(None, description="the feedback kept on the article (export with with_feedback only)"),
    ),
    appearances=(
        list[AppearanceRecord] | None,
        Field(
            None,
            description="every outlet, url, date and title the stored text was published with, first "
            "stored first (export records and stored articles only): the same words from several outlets "
            "(wire copy) are one article; the record's own outlet, url, published and title are one of them",
        ),
    ),
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`analysis_to_dict`'s output (``unspun schema``)."""
    schema = AnalysisRecord.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def technique_display(label: str, taxonomy: str) -> tuple[str, str | None]:
    """The display name of a technique id and the PTC-14 id that corresponds (None if none)."""
    from unspun.techniques import display_name, ptc14_for

    return display_name(label), label if taxonomy == PTC14 else ptc14_for(label)


def _span_dict(s: Span, text: str) -> dict[str, Any]:
    name, ptc = technique_display(s.label, s.taxonomy)
    return dump(SpanRecord, s, text, id=s.id or "", technique_name=name, ptc_technique=ptc)


def analysis_to_dict(analysis: Analysis, *, evidence: bool = False) -> dict[str, Any]:
    """The JSON-ready dict of ``analysis`` (see :data:`AnalysisRecord`).

    With ``evidence``, ``"layers"`` holds the span layers beside the technique spans as well
    (evidence for other components, such as ``technique-candidates``, not findings: left out of
    the output by default); training's span-prediction files are written so.
    """
    a = analysis.article
    text = a.text
    genre = a.labels.get("genre")
    hidden = {} if analysis.hidden is None else {"spans_hidden": analysis.hidden}
    return dump(
        AnalysisRecord,
        a,
        text,
        schema_version=SCHEMA_VERSION,
        spans_analysed=TECHNIQUE_LAYER in a.spans,
        spans=[_span_dict(s, text) for s in a.layer(TECHNIQUE_LAYER)],
        layers={
            name: [_span_dict(s, text) for s in a.layer(name)]
            for name in sorted(a.spans)
            if evidence and name != TECHNIQUE_LAYER
        },
        **hidden,
        genre=genre[0] if genre else None,
        genre_uncertain=analysis.genre_uncertain,
        frames=a.labels.get("frames"),
        persuasion_score=a.scores.get("persuasion"),
        scores={k: v for k, v in sorted(a.scores.items()) if k != "persuasion"},
        paragraphs=[
            dump(ParagraphRecord, p, text, number=number) for number, p in enumerate(a.paragraphs, start=1)
        ],
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
    if version not in READABLE_VERSIONS:
        raise FormatError(
            f"analysis schema_version {version!r} is not {SCHEMA_VERSION!r}; re-analyse the article "
            "with this version of unspun (unspun reanalyze for a store)"
        )
    try:
        record: Any = AnalysisRecord.model_validate(
            data
        )  # a record made at run time: its fields are not typed
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise FormatError(f"analysis field {where or '(root)'}: {first['msg']}") from error
    text = record.text
    if record.content_hash != content_hash(text):
        raise FormatError("analysis content_hash does not match its text; the text was changed")
    if record.spans and not record.spans_analysed:
        raise FormatError("analysis has spans but spans_analysed is false")
    if TECHNIQUE_LAYER in record.layers:
        raise FormatError(
            f"analysis has a layer {TECHNIQUE_LAYER!r} beside its spans; technique spans go in 'spans'"
        )
    genre = read_labels(record, "genre", Label)
    labels = {"genre": None if genre is None else [genre], "frames": read_labels(record, "frames", Label)}
    persuasion = {} if record.persuasion_score is None else {"persuasion": record.persuasion_score}
    article = load(
        Article,
        record,
        text,
        spans={},
        labels={task: found for task, found in labels.items() if found is not None},
        scores={**persuasion, **record.scores},
    )
    layers = {TECHNIQUE_LAYER: record.spans} if record.spans_analysed else {}
    for name, spans in {**layers, **record.layers}.items():
        article.set_layer(
            name, [load(Span, s, text, label=s.technique, layer=name, id=s.id or None) for s in spans]
        )
    hidden = record.spans_hidden
    return Analysis(article, None if hidden is None else HiddenSpans(hidden.min_score, hidden.count))
