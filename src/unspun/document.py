"""The one document model every part of unspun reads and writes.

Offsets are always code-point offsets into ``Article.text`` exactly as it was read
(``open(..., encoding="utf-8", newline="")``: a BOM and CR characters are kept and
counted). Spans are half-open: ``text[start:end]``.

Components write typed fields on :class:`Article` (spans keyed by layer, document
labels keyed by task, paragraphs); :class:`Analysis` is the read-only view that the
CLI, the Python API and the exports serialise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TECHNIQUE_LAYER = "technique"
# Low-confidence technique spans the span tagger also writes: evidence for the paragraph
# techniques head, never shown or serialised as findings.
CANDIDATE_LAYER = "technique-candidates"
# Key of ``Article.vectors``: per paragraph, the span model's pooled view of it
# (:func:`unspun.models.span_evidence.paragraph_vectors`), read by the paragraph techniques head.
PARAGRAPH_VECTORS = "span-paragraphs"


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character span ``[start, end)`` of an article's text."""

    start: int
    end: int
    label: str
    score: float = 1.0
    layer: str = TECHNIQUE_LAYER

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"invalid span offsets [{self.start}, {self.end})")

    def text_in(self, text: str) -> str:
        """The covered text."""
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Label:
    """A document-level label (a genre, a frame) with a confidence."""

    name: str
    score: float = 1.0


@dataclass(slots=True)
class Paragraph:
    """A paragraph: line ``index`` (1-based) of ``text.split("\\n")`` that is not blank."""

    index: int
    start: int
    end: int
    techniques: list[Label] = field(default_factory=list)


@dataclass(slots=True)
class Article:
    """An input article plus everything the pipeline has written on it."""

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    source_path: str | None = None
    spans: dict[str, list[Span]] = field(default_factory=dict)
    labels: dict[str, list[Label]] = field(default_factory=dict)
    paragraphs: list[Paragraph] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    # Numeric outputs one component leaves for a later one (numpy arrays); never serialised.
    vectors: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def layer(self, name: str) -> list[Span]:
        """Spans of one layer, sorted by (start, end)."""
        return sorted(self.spans.get(name, []), key=lambda s: (s.start, s.end, s.label))

    def set_layer(self, name: str, spans: list[Span]) -> None:
        """Replace one layer, checking that every span lies inside the text."""
        n = len(self.text)
        for span in spans:
            if span.end > n:
                raise ValueError(f"span [{span.start}, {span.end}) outside a text of {n} characters")
        self.spans[name] = sorted(spans, key=lambda s: (s.start, s.end, s.label))


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

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``unspun analyze --format json``."""
        text = self.article.text
        out: dict[str, Any] = {
            "id": self.article.id,
            "title": self.article.title,
            "outlet": self.article.outlet,
            "url": self.article.url,
            "published": self.article.published,
            "source_path": self.article.source_path,
            "text": text,
            "language": self.article.language,
            "spans_analysed": TECHNIQUE_LAYER in self.article.spans,
            "spans": [
                {
                    "start": s.start,
                    "end": s.end,
                    "technique": s.label,
                    "score": round(s.score, 4),
                    "text": s.text_in(text),
                }
                for s in self.spans
            ],
        }
        if self.genre is not None:
            out["genre"] = self.genre.name
            out["genre_score"] = round(self.genre.score, 4)
        if "frames" in self.article.labels:
            out["frames"] = [f.name for f in self.frames]
            out["frame_scores"] = {f.name: round(f.score, 4) for f in self.frames}
        if self.persuasion_score is not None:
            out["persuasion_score"] = round(self.persuasion_score, 4)
        if self.article.paragraphs:
            out["paragraphs"] = [
                {
                    "index": p.index,
                    "start": p.start,
                    "end": p.end,
                    "techniques": [t.name for t in p.techniques],
                    "technique_scores": {t.name: round(t.score, 4) for t in p.techniques},
                }
                for p in self.article.paragraphs
            ]
        return out
