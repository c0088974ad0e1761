"""Genre validation that behaves like unseen news (issue 27 item 4).

The grouped, news-weighted folds of :mod:`benchmarks.calibration` score the hand-labelled English
news rows of 2022-24 with heads that learnt from the other folds' rows of the *same* two stories
(the Russia-Ukraine war and climate change, the same outlets), and estimate satire from one or two
of the 9 English satire articles per fold. They said 0.601 where held-out news gave 0.383.

This module estimates the news figure from rows a head could not have learnt the like of:

* **topic-shifted news** (reporting and opinion): the news rows of one story are scored by a head
  trained on everything else (all SemEval-2023 rows and the other story's news rows), each story
  in turn (:func:`topic_of`);
* **news-free** variant: a head trained on the SemEval-2023 rows alone scores every news row
  (time- and source-shifted: 2017-18 partisan articles against 2022-24 news);
* **satire held out by language**: each language's satire articles (and its other articles) are
  scored by a head trained on the other languages only (unseen satire sources, as held-out
  English satire is).

The class-conditional rates of each (``P(predicted | true)``) are combined at a news mix
(:func:`mix_macro_f1`): the macro-F1 a test set of that mix would get if its articles behaved like
these rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from unspun.tasks.semeval2023 import GENRES


def confusion_rates(truth: np.ndarray, predicted: np.ndarray, n_classes: int = len(GENRES)) -> np.ndarray:
    """``(n_classes, n_classes)``: row ``c`` is the share of true-``c`` rows predicted as each class
    (a row of NaN where ``c`` never occurs in ``truth``)."""
    rates = np.full((n_classes, n_classes), np.nan)
    for c in range(n_classes):
        rows = truth == c
        if rows.any():
            rates[c] = np.bincount(predicted[rows], minlength=n_classes)[:n_classes] / rows.sum()
    return rates


def mix_macro_f1(rates: np.ndarray, mix: Mapping[int, float]) -> tuple[float, dict[int, float]]:
    """The macro-F1 (over the classes of ``mix``) of a test set whose classes occur in the
    proportions ``mix`` and are predicted with the class-conditional ``rates``
    (:func:`confusion_rates`); returns it and the F1 per class. A class of ``mix`` with no
    rates raises :class:`ValueError`."""
    n = rates.shape[0]
    counts = np.zeros((n, n))
    for c, share in mix.items():
        if share > 0 and np.isnan(rates[c]).any():
            raise ValueError(f"class {c} has a share in the mix but no rates; measure it or drop it")
        if share > 0:
            counts[c] = share * rates[c]
    per_class = {}
    for c in sorted(mix):
        tp, fp, fn = counts[c, c], counts[:, c].sum() - counts[c, c], counts[c].sum() - counts[c, c]
        per_class[c] = float(2 * tp / (2 * tp + fp + fn)) if tp + fp + fn > 0 else 0.0
    return float(np.mean(list(per_class.values()))), per_class


def combined_rates(
    parts: Sequence[tuple[np.ndarray, Sequence[int]]], n_classes: int = len(GENRES)
) -> np.ndarray:
    """One rates matrix from several: each part gives the rows of its listed classes
    (e.g. reporting and opinion from the news rows, satire from the satire held out by language)."""
    out = np.full((n_classes, n_classes), np.nan)
    for rates, classes in parts:
        for c in classes:
            out[c] = rates[c]
    return out


def topic_of(article: str) -> str:
    """The story of a hand-labelled news row ``news/<lang>/<EN_CC_...>`` (``CC`` climate change,
    ``UA`` the Russia-Ukraine war: the SemEval-2025 Task 10 id's second part); ``""`` for others."""
    parts = article.split("/")
    if len(parts) != 3 or parts[0] != "news":
        return ""
    pieces = parts[2].split("_")
    return pieces[1] if len(pieces) > 2 else ""
