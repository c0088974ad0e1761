"""Fitting a persuasion score to gold persuasion density, cross-validated on grouped folds.

The shipped score (:mod:`unspun.pipeline.persuasion`, v2) is fitted here, by
``benchmarks/persuasion.py``, on out-of-fold span predictions of the PTC / SemEval-2023 English
articles (the span model learnt from all of them; the fold models of the grouped span
cross-validation did not). This module holds what that fit needs:

* the targets: :func:`span_density` (the share of an article's text inside gold technique spans)
  and :func:`paragraph_density` (the share of its paragraphs with a gold technique);
* the evidence an :class:`~unspun.document.Article` analysis carries: :func:`evidence_features`
  (:data:`FEATURES`);
* :func:`cross_validated_fit`: a ridge regression on standardised features, out-of-fold
  predictions on given folds (e.g. :func:`unspun.training.grouping.grouped_folds`) and their
  Spearman correlation with the target;
* :func:`fit_non_negative` / :func:`cross_validated_non_negative`: the same with non-negative
  weights over :data:`unspun.pipeline.persuasion.SPAN_FEATURES`, the shipped score's fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from unspun.document import TECHNIQUE_LAYER, Article
from unspun.pipeline.persuasion import LinearScore
from unspun.training.grouping import fold_keys

FEATURES = (
    "span_share",  # share of the text's code points inside predicted technique spans
    "spans_per_100_words",
    "span_score_per_100_words",  # summed span scores per 100 words
    "mean_span_score",
    "paragraph_share",  # share of paragraphs with a predicted technique
    "paragraph_top_score",  # mean over paragraphs of the highest technique score (0 if none)
    "techniques_per_paragraph",
)


def _covered(length: int, ranges: Iterable[tuple[int, int]]) -> int:
    mask = np.zeros(max(length, 0), dtype=bool)
    for start, end in ranges:
        mask[max(start, 0) : min(end, length)] = True
    return int(mask.sum())


def span_density(text: str, ranges: Iterable[tuple[int, int]]) -> float:
    """The share of ``text``'s code points inside the union of ``ranges`` (end exclusive); 0 for
    an empty text. Overlapping spans count once."""
    return _covered(len(text), ranges) / len(text) if text else 0.0


def paragraph_density(techniques: Sequence[Sequence[str]]) -> float:
    """The share of paragraphs (one list of gold techniques each) with at least one; 0 if none."""
    return sum(1 for t in techniques if t) / len(techniques) if techniques else 0.0


def evidence_features(article: Article) -> np.ndarray:
    """:data:`FEATURES` of an analysed article (its ``"technique"`` layer and paragraphs)."""
    spans = article.layer(TECHNIQUE_LAYER)
    per_100 = max(1.0, len(article.text.split()) / 100)
    scores = [s.score for s in spans]
    paragraphs = article.paragraphs
    tops = [max((t.score for t in p.techniques), default=0.0) for p in paragraphs]
    return np.array(
        [
            span_density(article.text, ((s.start, s.end) for s in spans)),
            len(spans) / per_100,
            sum(scores) / per_100,
            float(np.mean(scores)) if scores else 0.0,
            paragraph_density([[t.name for t in p.techniques] for p in paragraphs]),
            float(np.mean(tops)) if tops else 0.0,
            float(np.mean([len(p.techniques) for p in paragraphs])) if paragraphs else 0.0,
        ],
        dtype=np.float64,
    )


def density_target(paragraph_share: np.ndarray, span_share: np.ndarray) -> np.ndarray:
    """What the persuasion score is fitted to: the mean of each article's percentile ranks among
    the given articles by its gold paragraph share and by its gold span share."""
    from scipy.stats import rankdata

    return (rankdata(paragraph_share) + rankdata(span_share)) / (2 * len(paragraph_share))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation (ties get their average rank); 0 when either side is constant."""
    from scipy.stats import rankdata

    ra, rb = rankdata(a), rankdata(b)
    if ra.std() == 0 or rb.std() == 0:
        return 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


@dataclass(frozen=True, slots=True)
class DensityFit:
    """Out-of-fold predictions of a density and how well they rank the articles."""

    predictions: np.ndarray
    spearman: float
    per_fold: list[float]


def cross_validated_fit(
    features: np.ndarray, target: np.ndarray, fold: np.ndarray, *, alpha: float = 1.0
) -> DensityFit:
    """Ridge regression (``alpha``) of ``target`` on standardised ``features``; fold ``k``'s rows
    are predicted by a fit on the other folds only. Raises ``ValueError`` for fewer than 2 folds
    or shapes that differ."""
    x, y, f = np.asarray(features, float), np.asarray(target, float), np.asarray(fold)
    folds = fold_keys(f, features=x, target=y)
    predictions = np.zeros(len(y))
    per_fold = []
    for k in folds:
        train, test = f != k, f == k
        mean, scale = x[train].mean(axis=0), x[train].std(axis=0) + 1e-9
        z = (x[train] - mean) / scale
        w = np.linalg.solve(z.T @ z + alpha * np.eye(z.shape[1]), z.T @ (y[train] - y[train].mean()))
        predictions[test] = ((x[test] - mean) / scale) @ w + y[train].mean()
        per_fold.append(spearman(predictions[test], y[test]))
    return DensityFit(predictions, spearman(predictions, y), per_fold)


# --- The learnt score (unspun.pipeline.persuasion, v2): span evidence only, non-negative weights --
#
# The shipped score reads only what the span model writes, so that it can be fitted on out-of-fold
# span predictions: the paragraph heads were trained on the very SemEval-2023 English articles the
# fit needs, and their scores there are in-sample. Each feature (SPAN_FEATURES) grows or stays when
# a span is added or its score raised, and shrinks or stays when the same spans sit in a longer
# text; the weights are kept non-negative, so the score keeps both properties.


def fit_non_negative(features: np.ndarray, target: np.ndarray, *, alpha: float = 1.0) -> LinearScore:
    """Ridge regression with non-negative weights (NNLS on the ridge-augmented system) of
    ``target`` on standardised ``features``."""
    from scipy.optimize import nnls

    x, y = np.asarray(features, float), np.asarray(target, float)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / scale
    width = z.shape[1]
    a = np.vstack([z, np.sqrt(alpha) * np.eye(width)])
    b = np.concatenate([y - y.mean(), np.zeros(width)])
    weights, _ = nnls(a, b)
    return LinearScore(mean, scale, weights, float(y.mean()))


def cross_validated_non_negative(
    features: np.ndarray, target: np.ndarray, fold: np.ndarray, *, alpha: float = 1.0
) -> DensityFit:
    """:func:`fit_non_negative` out of fold: fold ``k``'s rows predicted by a fit on the others."""
    x, y, f = np.asarray(features, float), np.asarray(target, float), np.asarray(fold)
    folds = fold_keys(f, features=x, target=y)
    predictions = np.zeros(len(y))
    per_fold = []
    for k in folds:
        test = f == k
        predictions[test] = fit_non_negative(x[~test], y[~test], alpha=alpha)(x[test])
        per_fold.append(spearman(predictions[test], y[test]))
    return DensityFit(predictions, spearman(predictions, y), per_fold)
