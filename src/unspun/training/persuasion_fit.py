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
  weights over :data:`unspun.pipeline.persuasion.SPAN_FEATURES`, the linear score (v2);
* :func:`fit_standing`, :func:`fit_scored` / :func:`cross_validated_standing`: that linear score
  put on the annotated articles' scale by a strictly increasing map fitted out of fold (v3).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from unspun.document import TECHNIQUE_LAYER, Article
from unspun.pipeline.persuasion import LinearScore, Standing
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


# --- The standing (v3): the linear score on the annotated articles' scale ------------------------
#
# A least-squares fit shrinks towards the mean: the linear score of a text in which the span model
# finds nothing is the fit's floor (about 0.18), not 0, and the top articles stay below 1. The
# standing map replaces the linear score by the share of the annotated articles whose out-of-fold
# linear score is lower (their quantiles, a straight line between two), with a text with no span
# at 0: a strictly increasing map, so it keeps the order of any two texts scored by one fit.

STANDING_KNOTS = 20  # quantiles of the out-of-fold linear scores: every 5%


def fit_standing(predictions: np.ndarray, floor: float, *, knots: int = STANDING_KNOTS) -> Standing:
    """The strictly increasing map from a linear score to the share of ``predictions`` (out-of-fold
    linear scores of annotated articles) below it: ``(floor, 0)``, each quantile ``k / knots`` of
    ``predictions`` above ``floor`` at ``k / knots``, and ``(1, 1)``. ``floor`` is the linear score
    of a text with no span (every feature 0), the least the fit gives. Raises ``ValueError`` for
    no predictions or a floor outside [0, 1)."""
    p = np.asarray(predictions, float)
    if not len(p) or not 0.0 <= floor < 1.0:
        raise ValueError(f"need out-of-fold scores and a floor in [0, 1), got {len(p)} and {floor}")
    levels = np.arange(1, knots) / knots
    x, y = [floor], [0.0]
    for value, level in zip(np.quantile(p, levels), levels, strict=True):
        if x[-1] < value < 1.0:  # ties (the texts with no span sit at the floor) give no knot
            x.append(float(value))
            y.append(float(level))
    return Standing((*x, 1.0), (*y, 1.0))


def fit_scored(
    features: np.ndarray,
    target: np.ndarray,
    fold: np.ndarray,
    *,
    alpha: float = 1.0,
    knots: int = STANDING_KNOTS,
) -> LinearScore:
    """:func:`fit_non_negative` on every row, with the standing map (:func:`fit_standing`) of the
    out-of-fold linear scores of ``fold`` (at least 2 folds)."""
    x, y, f = np.asarray(features, float), np.asarray(target, float), np.asarray(fold)
    model = fit_non_negative(x, y, alpha=alpha)
    held_out = cross_validated_non_negative(x, y, f, alpha=alpha).predictions
    floor = float(model(np.zeros(x.shape[1]))[0])
    return replace(model, standing=fit_standing(held_out, floor, knots=knots))


def fold_fits(
    features: np.ndarray,
    target: np.ndarray,
    fold: np.ndarray,
    *,
    alpha: float = 1.0,
    knots: int = STANDING_KNOTS,
) -> dict[object, LinearScore]:
    """For each fold ``k``, :func:`fit_scored` on the other folds (its standing map fitted on their
    own out-of-fold scores, within them): nothing of fold ``k`` is seen. Needs 3 folds or more."""
    x, y, f = np.asarray(features, float), np.asarray(target, float), np.asarray(fold)
    folds = fold_keys(f, features=x, target=y)
    if len(folds) < 3:
        raise ValueError(f"the standing is fitted within the other folds: need 3 folds, got {len(folds)}")
    return {k: fit_scored(x[f != k], y[f != k], f[f != k], alpha=alpha, knots=knots) for k in folds}


def cross_validated_standing(
    features: np.ndarray,
    target: np.ndarray,
    fold: np.ndarray,
    *,
    alpha: float = 1.0,
    knots: int = STANDING_KNOTS,
) -> DensityFit:
    """:func:`fit_scored` out of fold (:func:`fold_fits`): fold ``k``'s rows scored by the fit and
    standing map of the other folds."""
    x, y, f = np.asarray(features, float), np.asarray(target, float), np.asarray(fold)
    predictions = np.zeros(len(y))
    per_fold = []
    for k, model in fold_fits(x, y, f, alpha=alpha, knots=knots).items():
        predictions[f == k] = model.score(x[f == k])
        per_fold.append(spearman(predictions[f == k], y[f == k]))
    return DensityFit(predictions, spearman(predictions, y), per_fold)
