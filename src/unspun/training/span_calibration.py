"""Fitting :class:`unspun.models.score_calibration.SpanCalibration` on out-of-fold spans.

A predicted span is *right* when it overlaps a gold span of the same technique (the PTC
technique-classification sense of a hit, with any overlap). :func:`cross_validated_calibration`
fits the Platt mapping, with its one-content-word term (:func:`fit_platt_one_word`), on the other
folds' spans and applies it to each fold's, so the reliability table it returns shows what a user
gets on articles the mapping never saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from unspun.document import Span
from unspun.models.linear_head import fit_logistic_newton, logit
from unspun.models.score_calibration import SpanCalibration
from unspun.training.calibration import Bin, expected_calibration_error, reliability_table
from unspun.training.grouping import fold_keys


def span_hits(predicted: Sequence[Span], gold: Sequence[Span]) -> np.ndarray:
    """1 for each predicted span overlapping a gold span of its technique, else 0."""
    return np.array(
        [
            int(any(g.label == p.label and g.start < p.end and p.start < g.end for g in gold))
            for p in predicted
        ],
        dtype=np.int64,
    )


def fit_platt_one_word(
    scores: np.ndarray, truth: np.ndarray, one_word: np.ndarray, *, l2: float = 0.01, steps: int = 100
) -> SpanCalibration:
    """``(a, b, c)`` maximising the likelihood of 0/1 ``truth`` under
    ``sigmoid(a * logit(score) + b + c * one_word)`` (an L2 of ``l2`` on ``a`` and ``c``, as
    :func:`unspun.training.calibration.fit_platt`'s default), by Newton steps with halving;
    ``(1, 0, 0)`` (no change) if ``truth`` has one class only. Without a one-word span (or with
    nothing else) ``c`` stays 0."""
    y = np.asarray(truth, dtype=np.float64).ravel()
    if len(y) == 0 or y.min() == y.max():
        return SpanCalibration(1.0, 0.0, 0.0)
    one = np.asarray(one_word, dtype=np.float64).ravel()
    varied = 0 < one.sum() < len(one)  # a constant column is the intercept again
    x = np.stack([logit(np.asarray(scores, dtype=np.float64).ravel()), np.ones(len(y)), one * varied], axis=1)
    penalty = np.diag([l2, 0.0, l2 if varied else 1.0])
    w = fit_logistic_newton(x, y, penalty, steps=steps)
    return SpanCalibration(float(w[0]), float(w[1]), float(w[2]))


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    """Out-of-fold calibrated scores, their reliability before and after (all spans, and the spans
    with one content word), and the final fit."""

    raw_table: list[Bin]
    calibrated_table: list[Bin]
    final: SpanCalibration
    per_fold: list[SpanCalibration]
    calibrated: np.ndarray  # the out-of-fold calibrated score of each span
    one_word_raw_table: list[Bin]
    one_word_table: list[Bin]

    @property
    def raw_ece(self) -> float:
        return expected_calibration_error(self.raw_table)

    @property
    def calibrated_ece(self) -> float:
        return expected_calibration_error(self.calibrated_table)


def cross_validated_calibration(
    scores: np.ndarray, hits: np.ndarray, folds: np.ndarray, one_word: np.ndarray | None = None
) -> CalibrationResult:
    """Calibrate ``scores`` against ``hits`` out of fold (``folds``: one fold index per span;
    ``one_word``: 1 for a span with one content word, none by default) by
    :func:`fit_platt_one_word`; the final mapping is fitted on every span. Raises ``ValueError``
    for fewer than 2 folds or shapes that differ."""
    s, y, f = np.asarray(scores, float), np.asarray(hits, int), np.asarray(folds)
    one = np.zeros(len(s)) if one_word is None else np.asarray(one_word, float)
    keys = fold_keys(f, scores=s, hits=y, one_word=one)
    calibrated = np.zeros(len(s))
    per_fold = []
    for k in keys:
        fit = fit_platt_one_word(s[f != k], y[f != k], one[f != k])
        # the mapping as the span tagger applies it (SpanCalibration.probability)
        calibrated[f == k] = [fit.probability(x, o == 1) for x, o in zip(s[f == k], one[f == k], strict=True)]
        per_fold.append(fit)
    final = fit_platt_one_word(s, y, one)
    ones = one == 1
    return CalibrationResult(
        reliability_table(s, y),
        reliability_table(calibrated, y),
        final,
        per_fold,
        calibrated,
        reliability_table(s[ones], y[ones]),
        reliability_table(calibrated[ones], y[ones]),
    )
