"""Is a printed confidence the probability of what is shown? Reliability tables and calibrators.

A *reliability table* puts each shown item (a genre label, a frame over its threshold, a
paragraph technique) into a bin of its printed probability and compares the bin's mean
probability with the share of its items that are right; the *expected calibration error* (ECE) is
the weighted mean gap, ``sum_b n_b / N * |accuracy_b - confidence_b|``. Items can carry weights
(an evaluation resampled to another class mix weights each row).

Calibrators, fitted on out-of-fold scores only:

* :func:`fit_temperature`: one temperature ``T`` for softmax rows, ``softmax(log p / T)``
  (the arg-max, so the label shown, never changes);
* :func:`fit_platt`: ``sigmoid(a * logit(p) + b)`` for independent per-label probabilities
  (monotonic: a threshold on ``p`` is the same decision as its image on the calibrated scale);
  :func:`fit_platt_logits` the same from the logits themselves.

:func:`reliability_report` is a reliability table as a training report writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from unspun.models.linear_head import fit_platt_newton, logit, sigmoid

TEMPERATURES = np.round(np.exp(np.linspace(np.log(0.2), np.log(5.0), 81)), 4)


@dataclass(frozen=True, slots=True)
class Bin:
    """One bin of a reliability table: ``[low, high)`` (the last bin includes 1.0)."""

    low: float
    high: float
    count: int
    weight: float
    confidence: float  # mean printed probability of the items in the bin
    accuracy: float  # (weighted) share of them that are right

    def as_dict(self) -> dict[str, float | int]:
        return {
            "low": round(self.low, 3),
            "high": round(self.high, 3),
            "count": self.count,
            "confidence": round(self.confidence, 4),
            "accuracy": round(self.accuracy, 4),
        }


def reliability_table(
    probabilities: np.ndarray, correct: np.ndarray, *, bins: int = 10, weights: np.ndarray | None = None
) -> list[Bin]:
    """The non-empty bins of equal width over [0, 1] of ``probabilities`` (one per shown item)
    against ``correct`` (1 where the item is right). Raises ``ValueError`` on shapes that differ."""
    p = np.asarray(probabilities, dtype=np.float64).ravel()
    y = np.asarray(correct, dtype=np.float64).ravel()
    w = np.ones_like(p) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if not p.shape == y.shape == w.shape:
        raise ValueError(f"probabilities {p.shape}, correct {y.shape} and weights {w.shape} differ")
    index = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        rows = index == b
        total = float(w[rows].sum())
        if not rows.any() or total <= 0:
            continue
        out.append(
            Bin(
                b / bins,
                (b + 1) / bins,
                int(rows.sum()),
                total,
                float((p[rows] * w[rows]).sum() / total),
                float((y[rows] * w[rows]).sum() / total),
            )
        )
    return out


def expected_calibration_error(table: list[Bin]) -> float:
    """The weighted mean ``|accuracy - confidence|`` over the bins of a reliability table (0 when empty)."""
    total = sum(b.weight for b in table)
    return float(sum(b.weight * abs(b.accuracy - b.confidence) for b in table) / total) if total else 0.0


def top_class_ece(
    probabilities: np.ndarray, truth: np.ndarray, *, bins: int = 10, weights: np.ndarray | None = None
) -> float:
    """The ECE of softmax rows ``probabilities`` ``(n, classes)``: each row's top probability
    against whether its arg-max is the true class index in ``truth``."""
    p = np.asarray(probabilities, dtype=np.float64)
    right = (p.argmax(axis=1) == np.asarray(truth)).astype(float)
    return expected_calibration_error(reliability_table(p.max(axis=1), right, bins=bins, weights=weights))


def reliability_report(probabilities: np.ndarray, correct: np.ndarray, *, bins: int = 10) -> dict[str, Any]:
    """:func:`reliability_table` as data: ``{"ece", "bins"}``, each bin ``[low, high, items,
    confidence, accuracy]`` (the form of the training reports, ``training.json``)."""
    table = reliability_table(probabilities, correct, bins=bins)
    return {
        "ece": round(expected_calibration_error(table), 4),
        "bins": [
            [round(b.low, 2), round(b.high, 2), b.count, round(b.confidence, 4), round(b.accuracy, 4)]
            for b in table
        ],
    }


def format_table(name: str, table: list[Bin]) -> str:
    """A reliability table as printable lines, with its ECE."""
    lines = [f"{name}: ECE {expected_calibration_error(table):.3f}"]
    lines.append(f"  {'bin':<11}{'items':>7}{'confidence':>12}{'accuracy':>10}")
    for b in table:
        lines.append(f"  {b.low:.1f}-{b.high:.1f}    {b.count:>7}{b.confidence:>12.3f}{b.accuracy:>10.3f}")
    return "\n".join(lines)


def softmax_with_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(log p / T)`` of each row of ``probabilities``."""
    logits = np.log(np.asarray(probabilities, dtype=np.float64) + 1e-12) / float(temperature)
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(
    probabilities: np.ndarray, truth: np.ndarray, *, weights: np.ndarray | None = None
) -> float:
    """The temperature of :data:`TEMPERATURES` that minimises the (weighted) negative
    log-likelihood of the true classes ``truth`` (indices) under :func:`softmax_with_temperature`."""
    y = np.asarray(truth, dtype=int)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    losses = []
    for t in TEMPERATURES:
        p = softmax_with_temperature(probabilities, float(t))[np.arange(len(y)), y]
        losses.append(float(-(w * np.log(p + 1e-12)).sum()))
    return float(TEMPERATURES[int(np.argmin(losses))])


def fit_platt(
    scores: np.ndarray, truth: np.ndarray, *, weights: np.ndarray | None = None, c: float = 100.0
) -> tuple[float, float]:
    """``(a, b)`` of ``sigmoid(a * logit(score) + b)`` fitted (weighted maximum likelihood, L2 of
    ``1 / c`` on ``a``, as scikit-learn's ``LogisticRegression(C=c)``) to 0/1 ``truth``; ``(1, 0)``
    (no change) if ``truth`` has one class only."""
    return fit_platt_logits(logit(np.asarray(scores).ravel()), truth, weights=weights, c=c)


def fit_platt_logits(
    logits: np.ndarray, truth: np.ndarray, *, weights: np.ndarray | None = None, c: float = 100.0
) -> tuple[float, float]:
    """:func:`fit_platt` on scores given as their logits (a head's raw logit, unclipped):
    ``(a, b)`` of ``sigmoid(a * logit + b)``, by the one exact fit
    (:func:`~unspun.models.linear_head.fit_platt_newton`)."""
    return fit_platt_newton(logits, truth, weights=weights, l2=(1.0 / c, 0.0))


def apply_platt(scores: np.ndarray, a: float, b: float) -> np.ndarray:
    """:func:`fit_platt`'s mapping applied to ``scores``."""
    return sigmoid(a * logit(scores) + b)
