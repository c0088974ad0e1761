"""Per-label decision thresholds of the multi-label article heads, and the F1 figures they are
judged by (pure functions over numpy arrays).

:func:`tune_thresholds` picks, from the grid :data:`GRID`, each label's threshold for micro-F1
(the official SemEval-2023 metric), pooled and per language; :func:`micro_f1` scores 0/1
decisions; :func:`reweighted_macro_f1` estimates a macro-F1 under another class mix. Used by
:mod:`unspun.training.train_semeval2023` and the benchmarks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)


def _grid_counts(s: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``(3, len(GRID))``: TP, FP, FN of one label at every threshold of the grid."""
    hits = s[:, None] >= GRID[None, :]
    positive = t[:, None] == 1
    tp = (hits & positive).sum(axis=0)
    return np.stack([tp, hits.sum(axis=0) - tp, positive.sum() - tp])


def _f1(counts: np.ndarray) -> np.ndarray:
    return 2 * counts[0] / np.maximum(2 * counts[0] + counts[1] + counts[2], 1)


def _micro_ascent(
    counts: list[np.ndarray], start: np.ndarray, free: np.ndarray, passes: int = 2
) -> np.ndarray:
    """Coordinate ascent on micro-F1: each free label in turn takes the grid threshold that
    maximises micro-F1 with the others fixed (``passes`` sweeps), starting from ``start``."""
    index = np.array([int(np.argmin(np.abs(GRID - value))) for value in start])
    for _ in range(passes):
        for j in np.flatnonzero(free):
            others = np.zeros(3, dtype=np.int64)
            for i in range(len(counts)):
                if i != j:
                    others += counts[i][:, index[i]]
            index[j] = int(np.argmax(_f1(others[:, None] + counts[j])))
    return GRID[index].astype(np.float32)


def tune_thresholds(
    scores: np.ndarray, truth: np.ndarray, langs: Sequence[str], *, min_positives: int
) -> dict[str, np.ndarray]:
    """Per-label thresholds for micro-F1, pooled (``"default"``) and per language.

    Each label starts at the threshold that maximises its own F1; then coordinate ascent moves
    them to maximise micro-F1 over all labels (the official metric). In a language, a label with
    fewer than ``min_positives`` positives keeps the pooled value and is not moved.
    """

    def tune(rows: np.ndarray, start: np.ndarray | None) -> np.ndarray:
        counts = [_grid_counts(scores[rows, j], truth[rows, j]) for j in range(truth.shape[1])]
        own = np.array([GRID[int(np.argmax(_f1(c)))] for c in counts], dtype=np.float32)
        free = truth[rows].sum(axis=0) >= (min_positives if start is not None else 1)
        initial = np.where(free, own, start if start is not None else own)
        return _micro_ascent(counts, initial, free)

    pooled = tune(np.ones(len(langs), dtype=bool), None)
    out = {"default": pooled}
    lang_array = np.array(langs)
    for lang in sorted(set(langs)):
        out[lang] = tune(lang_array == lang, pooled)
    return out


def micro_f1(truth: np.ndarray, decisions: np.ndarray) -> float:
    """Micro-F1 over all cells of two 0/1 matrices (1.0 when both are empty)."""
    tp = int((truth & decisions).sum())
    denominator = int(truth.sum() + decisions.sum())
    return 2 * tp / denominator if denominator else 1.0


def reweighted_macro_f1(
    truth: np.ndarray, predicted: np.ndarray, mix: dict[int, float]
) -> tuple[float, dict[int, tuple[float, float]]]:
    """Macro-F1 of class indices as if the classes occurred in the proportions ``mix``.

    Each row of true class ``c`` counts ``mix[c] / share of c in truth``, so a test set whose
    genre mix differs from training (held-out English is mostly reporting) can be estimated
    from cross-validated predictions. Returns the macro-F1 over the classes in ``mix`` that
    occur in ``truth`` or ``predicted``, and per class its (reweighted) ``(precision, recall)``.
    Raises :class:`ValueError` if a class of ``mix`` with a positive share never occurs in ``truth``.
    """
    weight = np.zeros(len(truth))
    for c, share in mix.items():
        rows = truth == c
        if share > 0 and not rows.any():
            raise ValueError(f"class {c} has a share in the mix but no true row; drop it from the mix")
        weight[rows] = share * len(truth) / max(int(rows.sum()), 1)
    f1s, per_class = [], {}
    for c in sorted(mix):
        tp = weight[(truth == c) & (predicted == c)].sum()
        fp = weight[(truth != c) & (predicted == c)].sum()
        fn = weight[(truth == c) & (predicted != c)].sum()
        if tp + fp + fn == 0:
            continue
        f1s.append(2 * tp / (2 * tp + fp + fn))
        per_class[c] = (float(tp / (tp + fp)) if tp + fp else 0.0, float(tp / (tp + fn)) if tp + fn else 0.0)
    return (float(np.mean(f1s)) if f1s else 0.0), per_class
