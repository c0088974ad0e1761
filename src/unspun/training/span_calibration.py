"""Fitting :class:`unspun.models.score_calibration.SpanCalibration` on out-of-fold spans.

A predicted span is *right* when it overlaps a gold span of the same technique (the PTC
technique-classification sense of a hit, with any overlap). :func:`cross_validated_calibration`
fits the Platt mapping on the other folds' spans and applies it to each fold's, so the
reliability table it returns shows what a user gets on articles the mapping never saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from unspun.document import Span
from unspun.models.score_calibration import SpanCalibration
from unspun.training.calibration import (
    Bin,
    apply_platt,
    expected_calibration_error,
    fit_platt,
    reliability_table,
)
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


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    """Out-of-fold calibrated scores, their reliability before and after, and the final fit."""

    raw_table: list[Bin]
    calibrated_table: list[Bin]
    final: SpanCalibration
    per_fold: list[tuple[float, float]]

    @property
    def raw_ece(self) -> float:
        return expected_calibration_error(self.raw_table)

    @property
    def calibrated_ece(self) -> float:
        return expected_calibration_error(self.calibrated_table)


def cross_validated_calibration(scores: np.ndarray, hits: np.ndarray, folds: np.ndarray) -> CalibrationResult:
    """Platt-calibrate ``scores`` against ``hits`` out of fold (``folds``: one fold index per
    span); the final mapping is fitted on every span. Raises ``ValueError`` for fewer than 2 folds
    or shapes that differ."""
    s, y, f = np.asarray(scores, float), np.asarray(hits, int), np.asarray(folds)
    keys = fold_keys(f, scores=s, hits=y)
    calibrated = np.zeros(len(s))
    per_fold = []
    for k in keys:
        a, b = fit_platt(s[f != k], y[f != k])
        calibrated[f == k] = apply_platt(s[f == k], a, b)
        per_fold.append((a, b))
    a, b = fit_platt(s, y)
    return CalibrationResult(
        reliability_table(s, y), reliability_table(calibrated, y), SpanCalibration(a, b), per_fold
    )
