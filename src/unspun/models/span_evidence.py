"""Span evidence for the paragraph techniques head: what the PTC span model found in each paragraph.

The span model (PTC-14 techniques, English) and the paragraph techniques (SemEval-2023, 23
techniques) describe the same phenomena at two grains. For each paragraph, :func:`span_features`
summarises the spans that overlap it:

* per PTC-14 technique, the highest score of a ``"technique"`` span labelled with it (14);
* per PTC-14 technique, the highest candidate score (SI x technique probability) of the
  permissive ``"technique-candidates"`` layer (14);
* technique spans per 10 words, their highest score, and their summed score per 10 words (3).

A :class:`SpanEvidenceHead` (one logistic regression per SemEval-2023 technique over these 31
features, trained on out-of-fold span predictions) turns them into scores that are mixed into the
paragraph head's: ``(1 - share) * scores + share * evidence_scores``, for the languages the span
model reads. The file is ``paragraphs-spans.npz`` beside the paragraph head.

The head may also read the span model's own view of each paragraph, :func:`paragraph_vectors`:
the mean and the maximum of the span encoder's last hidden states over the paragraph's tokens,
and the highest and mean inside-a-span probability. A second set of logistic regressions over
these vectors is mixed in after the first: ``(1 - vector_share) * mixed + vector_share *
vector_scores``. The span tagger computes them from the encoding it makes anyway.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from unspun.document import CANDIDATE_LAYER, TECHNIQUE_LAYER, Article, Paragraph, Span
from unspun.models.linear_head import LinearHead, fit_linear_head
from unspun.models.tfidf import read_head_file, write_head_file
from unspun.techniques import PTC14_LABELS

FILE_NAME = "paragraphs-spans.npz"
N_FEATURES = 2 * len(PTC14_LABELS) + 3
THRESHOLD_SUFFIX = "+spans"  # thresholds of mixed scores: "en+spans" beside the plain "en"


def span_features(
    text: str, paragraphs: Sequence[Paragraph], spans: Sequence[Span], candidates: Sequence[Span]
) -> np.ndarray:
    """``(len(paragraphs), N_FEATURES)``: the evidence of ``spans`` and ``candidates`` per paragraph.

    Spans with a label outside PTC-14 are ignored; a span counts for every paragraph it overlaps.
    """
    index = {label: i for i, label in enumerate(PTC14_LABELS)}
    n = len(PTC14_LABELS)
    rows = np.zeros((len(paragraphs), N_FEATURES), dtype=np.float32)
    near_spans, near_candidates = _Near(spans), _Near(candidates)
    for row, paragraph in zip(rows, paragraphs, strict=True):
        tens = max(1, len(text[paragraph.start : paragraph.end].split())) / 10
        inside = [
            s
            for s in near_spans(paragraph.start, paragraph.end)
            if s.start < paragraph.end and s.end > paragraph.start and s.label in index
        ]
        for span in inside:
            j = index[span.label]
            row[j] = max(row[j], span.score)
        for span in near_candidates(paragraph.start, paragraph.end):
            if span.start < paragraph.end and span.end > paragraph.start and span.label in index:
                j = n + index[span.label]
                row[j] = max(row[j], span.score)
        row[2 * n] = len(inside) / tens
        row[2 * n + 1] = max((s.score for s in inside), default=0.0)
        row[2 * n + 2] = sum(s.score for s in inside) / tens
    return rows


class _Near:
    """The spans that may overlap ``[start, end)``, in their given order, found by bisection: every
    span starting in ``[start - longest span, end)``. Scanning every span for every paragraph made
    long texts quadratic."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = spans
        self.order = sorted(range(len(spans)), key=lambda i: spans[i].start)
        self.starts = [spans[i].start for i in self.order]
        self.longest = max((s.end - s.start for s in spans), default=0)

    def __call__(self, start: int, end: int) -> list[Span]:
        lo = bisect_left(self.starts, start - self.longest)
        hi = bisect_left(self.starts, end)
        return [self.spans[i] for i in sorted(self.order[lo:hi])]


def paragraph_vectors(
    offsets: np.ndarray, hidden: np.ndarray, probs: np.ndarray, paragraphs: Sequence[Paragraph]
) -> np.ndarray:
    """``(len(paragraphs), 2 * H + 2)``: per paragraph, the mean and the maximum of the hidden
    states ``(n_tokens, H)`` of the tokens it overlaps, and the highest and mean inside-a-span
    probability ``1 - P(O)`` of those tokens (``probs`` is ``(n_tokens, 3)`` over O/B/I); zeros
    for a paragraph without tokens."""
    width = hidden.shape[1] if hidden.ndim == 2 else 0
    rows = np.zeros((len(paragraphs), 2 * width + 2), dtype=np.float32)
    if not len(offsets):
        return rows
    for row, paragraph in zip(rows, paragraphs, strict=True):
        hit = np.flatnonzero((offsets[:, 0] < paragraph.end) & (offsets[:, 1] > paragraph.start))
        if not len(hit):
            continue
        inside = 1.0 - probs[hit, 0]
        row[:width] = hidden[hit].mean(axis=0)
        row[width : 2 * width] = hidden[hit].max(axis=0)
        row[2 * width :] = inside.max(), inside.mean()
    return rows


def blend(scores: np.ndarray, evidence_scores: np.ndarray, share: float) -> np.ndarray:
    """``(1 - share) * scores + share * evidence_scores``: how evidence is mixed into a head's scores."""
    return (1.0 - share) * scores + share * evidence_scores


def article_span_features(article: Article, paragraphs: Sequence[Paragraph]) -> np.ndarray | None:
    """:func:`span_features` of an analysed article, or ``None`` if no span layer was written."""
    if TECHNIQUE_LAYER not in article.spans:
        return None
    return span_features(
        article.text, paragraphs, article.layer(TECHNIQUE_LAYER), article.layer(CANDIDATE_LAYER)
    )


@dataclass(slots=True)
class SpanEvidenceHead:
    """SemEval-2023 technique scores from span evidence, mixed into the paragraph head's scores."""

    head: LinearHead
    share: float
    languages: tuple[str, ...]
    vector_head: LinearHead | None = None  # over :func:`paragraph_vectors`
    vector_share: float = 0.0
    # The evidence's own taxonomy (the PTC span model's; the multilingual one's is SemEval-2023's).
    span_labels: tuple[str, ...] = PTC14_LABELS
    # Thresholds of the mixed scores, per key (``"fr+spans"``), when the head carries its own
    # (the multilingual head: the paragraph head's file keeps the English ones).
    thresholds: dict[str, np.ndarray] = field(default_factory=dict)

    def covers(self, lang: str | None) -> bool:
        return lang in self.languages

    def mix(self, scores: np.ndarray, features: np.ndarray, vectors: np.ndarray | None = None) -> np.ndarray:
        """``(1 - share) * scores + share * evidence scores`` of the feature rows; then, with a
        vector head and ``vectors`` (rows of :func:`paragraph_vectors`), the vector head's scores
        mixed in at ``vector_share``."""
        mixed = blend(scores, self.head.scores(features), self.share)
        if self.vector_head is not None and vectors is not None:
            mixed = blend(mixed, self.vector_head.scores(vectors), self.vector_share)
        return mixed

    def to_disk(self, path: str | Path) -> None:
        header: dict[str, object] = {
            "labels": list(self.head.labels),
            "share": self.share,
            "languages": list(self.languages),
            "span_labels": list(self.span_labels),
            "vector_share": self.vector_share if self.vector_head is not None else 0.0,
        }
        arrays = self.head.parameter_arrays()
        if self.vector_head is not None:
            arrays.update({f"vector_{k}": v for k, v in self.vector_head.parameter_arrays().items()})
        if self.thresholds:
            keys = sorted(self.thresholds)
            header["threshold_keys"] = keys
            arrays.update(
                {f"threshold_{i}": np.asarray(self.thresholds[k], np.float32) for i, k in enumerate(keys)}
            )
        write_head_file(path, header, arrays)

    @classmethod
    def from_disk(cls, path: str | Path) -> SpanEvidenceHead:
        """Read a head written by :meth:`to_disk`; raise :class:`ModelError` if missing or malformed."""
        with read_head_file(Path(path)) as (header, data):
            head = LinearHead.from_parameter_arrays(header["labels"], data, multi_label=True)
            vector_head = None
            if "vector_weights" in data.files:
                vector_data = {k: data[f"vector_{k}"] for k in ("weights", "bias", "mean", "scale")}
                vector_head = LinearHead.from_parameter_arrays(
                    header["labels"], vector_data, multi_label=True
                )
            keys = header.get("threshold_keys", [])
            return cls(
                head=head,
                share=float(header["share"]),
                languages=tuple(header["languages"]),
                vector_head=vector_head,
                vector_share=float(header.get("vector_share", 0.0)),
                span_labels=tuple(header.get("span_labels", PTC14_LABELS)),
                thresholds={key: np.asarray(data[f"threshold_{i}"]) for i, key in enumerate(keys)},
            )


def fit_span_evidence_head(
    features: np.ndarray,
    targets: np.ndarray,
    labels: Sequence[str],
    *,
    c: float = 0.1,
    share: float = 0.4,
    languages: Sequence[str] = ("en",),
    seed: int = 0,
    vectors: np.ndarray | None = None,
    vector_c: float = 0.01,
    vector_share: float = 0.0,
) -> SpanEvidenceHead:
    """Fit the evidence head: one L2 logistic regression per label on standardised features, and
    with ``vectors`` (rows of :func:`paragraph_vectors`) and ``vector_share`` > 0 a second one
    over them.

    ``targets``: 0/1 matrix ``(len(features), len(labels))``. Raises ``ModelError`` without
    scikit-learn.
    """
    head = fit_linear_head(features, targets, labels, multi_label=True, c=c, seed=seed)
    vector_head = None
    if vectors is not None and vector_share > 0:
        vector_head = fit_linear_head(vectors, targets, labels, multi_label=True, c=vector_c, seed=seed)
    return SpanEvidenceHead(
        head=head,
        share=share,
        languages=tuple(languages),
        vector_head=vector_head,
        vector_share=vector_share if vector_head is not None else 0.0,
    )
