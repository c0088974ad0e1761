"""Span evidence per paragraph from the multilingual span model, for the paragraph techniques.

The English paragraph head mixes in what the PTC span model finds in each paragraph
(:mod:`unspun.models.span_evidence`); the fr / de / it / pl / ru paragraphs do the same with the
multilingual span model (:mod:`unspun.models.multilingual_spans`). Per paragraph, two rows:

* :func:`paragraph_span_features` (:data:`N_SPAN_FEATURES` numbers): the highest and the mean
  inside-a-span probability of its tokens, the share of its sentences that overlap a decoded span,
  decoded spans per 10 words, their highest score and their summed score per 10 words, then per
  SemEval-2023 technique (:data:`unspun.techniques.SEMEVAL23_LABELS` order) the highest probability
  the technique head gave a span overlapping it;
* the span model's pooled view of it (:func:`unspun.models.span_evidence.paragraph_vectors` over
  the e5 states the span head reads: 2 x 384 + 2 numbers).

:func:`paragraph_evidence` makes both, from one reading of a text: the training side
(:mod:`unspun.training.multilingual_paragraphs`, out of fold) and the run-time tagger
(:meth:`unspun.models.multilingual_spans.MultilingualSpanTagger.read`) call it alike, so the two
cannot order the features differently. The evidence head that reads them is a
:class:`~unspun.models.span_evidence.SpanEvidenceHead` stored as :data:`FILE_NAME` beside the
paragraph head, with the thresholds of the mixed scores (``"fr+spans"``, ...) in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from unspun.document import Paragraph
from unspun.models.span_evidence import paragraph_vectors
from unspun.techniques import SEMEVAL23_LABELS

FILE_NAME = "paragraphs-spans-multilingual.npz"
N_SPAN_FEATURES = 6 + len(SEMEVAL23_LABELS)
# Key of ``Article.vectors``: the :class:`ParagraphEvidence` of the article's paragraphs, written by
# the multilingual span component and read by the paragraph techniques head.
EVIDENCE_KEY = "multilingual-span-paragraphs"


@dataclass(frozen=True)
class DecodedSpan:
    """A span the multilingual model decoded: where, its sentence score, and its technique
    probabilities over :data:`unspun.techniques.SEMEVAL23_LABELS`."""

    start: int
    end: int
    score: float
    techniques: np.ndarray


@dataclass(frozen=True)
class ParagraphEvidence:
    """Per paragraph (rows in the order of ``split_paragraphs(text)``): the span features
    ``(n, N_SPAN_FEATURES)`` and the span model's paragraph vectors ``(n, 2 * width + 2)``."""

    features: np.ndarray
    vectors: np.ndarray


def decoded_spans(
    found: Sequence[tuple[int, int, float]], probabilities: np.ndarray, labels: Sequence[str]
) -> list[DecodedSpan]:
    """The ``found`` spans ``(start, end, score)`` with their technique ``probabilities`` (rows
    over the technique head's ``labels``) put in :data:`SEMEVAL23_LABELS` order (zero for a
    technique the head does not know)."""
    order = [SEMEVAL23_LABELS.index(label) for label in labels]
    out = []
    for (start, end, score), row in zip(found, np.asarray(probabilities), strict=True):
        full = np.zeros(len(SEMEVAL23_LABELS), np.float32)
        full[order] = row
        out.append(DecodedSpan(start, end, score, full))
    return out


def paragraph_span_features(
    text: str,
    paragraphs: Sequence[Paragraph],
    offsets: np.ndarray,
    probabilities: np.ndarray,
    sentences: Sequence[tuple[int, int]],
    spans: Sequence[DecodedSpan],
) -> np.ndarray:
    """``(len(paragraphs), N_SPAN_FEATURES)``: what the span model says of each paragraph.

    Per paragraph: the highest and the mean inside-a-span probability of the tokens it overlaps
    (``offsets`` ``(n, 2)`` with ``probabilities`` ``(n,)``), the share of its sentences (those
    starting in it) that overlap a decoded span, the decoded spans per 10 words, their highest
    score and their summed score per 10 words, then per SemEval-2023 technique the highest
    probability the technique head gave a span overlapping it. Zeros where nothing overlaps.
    """
    rows = np.zeros((len(paragraphs), N_SPAN_FEATURES), dtype=np.float32)
    offsets = np.asarray(offsets).reshape(-1, 2)
    probabilities = np.asarray(probabilities, dtype=np.float32).reshape(-1)
    for row, paragraph in zip(rows, paragraphs, strict=True):
        a, b = paragraph.start, paragraph.end
        hit = (offsets[:, 0] < b) & (offsets[:, 1] > a)
        if hit.any():
            row[0], row[1] = probabilities[hit].max(), probabilities[hit].mean()
        inside = [s for s in spans if s.start < b and s.end > a]
        own = [(x, y) for x, y in sentences if a <= x < b]
        if own:
            marked = sum(any(s.start < y and s.end > x for s in inside) for x, y in own)
            row[2] = marked / len(own)
        tens = max(1, len(text[a:b].split())) / 10
        row[3] = len(inside) / tens
        row[4] = max((s.score for s in inside), default=0.0)
        row[5] = sum(s.score for s in inside) / tens
        for span in inside:
            row[6:] = np.maximum(row[6:], span.techniques)
    return rows


def token_probability_rows(probabilities: np.ndarray) -> np.ndarray:
    """``(n, 3)`` rows in the O/B/I shape :func:`paragraph_vectors` reads: P(O) = 1 - p."""
    p = np.asarray(probabilities, dtype=np.float32).reshape(-1)
    return np.stack([1.0 - p, p, np.zeros_like(p)], axis=1)


def paragraph_evidence(
    text: str,
    paragraphs: Sequence[Paragraph],
    offsets: np.ndarray,
    hidden: np.ndarray,
    probabilities: np.ndarray,
    sentences: Sequence[tuple[int, int]],
    spans: Sequence[DecodedSpan],
) -> ParagraphEvidence:
    """The :class:`ParagraphEvidence` of ``paragraphs`` (character ranges of ``text``) from one
    reading of ``text``: its e5 token ``offsets`` and ``hidden`` states, the span head's token
    ``probabilities``, its ``sentences`` and the ``spans`` decoded from them."""
    features = paragraph_span_features(text, paragraphs, offsets, probabilities, sentences, spans)
    states = np.asarray(hidden, np.float32)
    offsets = np.asarray(offsets).reshape(-1, 2)
    vectors = paragraph_vectors(offsets, states, token_probability_rows(probabilities), paragraphs)
    return ParagraphEvidence(features, vectors)
