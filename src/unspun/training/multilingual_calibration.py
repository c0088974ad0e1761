"""How honest the multilingual span scores are, and their calibration, on out-of-fold spans.

The spans are those the grouped folds of :func:`unspun.training.multilingual_spans.cross_validate`
show (the stacked clause decoding at each fold's threshold), each named by the technique head of
the fold that never saw its article. A span is *right* as in the English span calibration
(:mod:`unspun.training.span_calibration`): it overlaps a gold span of the technique it names.
Beside it, two looser readings of the same score are measured (not fitted): the span overlaps any
gold span (the span-identification sense), and the share of its characters in gold spans.

:func:`calibration_figures` fits :class:`~unspun.models.multilingual_spans.ScoreCalibration` on the
other folds and scores each fold's spans with it, plain (score only), with the technique term, and
with the technique term and an intercept per language (the tagger is told the language of the
paragraphs it reads), keeps the one with the lowest out-of-fold log loss, and gives each language's
reliability table before and after.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from unspun.models.linear_head import LinearHead, fit_logistic_newton, logit, sigmoid
from unspun.models.multilingual_spans import CALIBRATION_FILE, ScoreCalibration, span_features
from unspun.tasks.ptc_scorer import merge_spans
from unspun.training.calibration import expected_calibration_error, reliability_table

L2 = 0.01  # on every term but the intercept, as the English span calibration


@dataclass(frozen=True, slots=True)
class ShownSpan:
    """One out-of-fold span a user would see."""

    language: str
    fold: int
    score: float  # the stacker's raw probability (what the tagger printed before)
    technique: float  # the fold technique head's probability of the technique the span names
    right: bool  # overlaps a gold span of that technique
    overlaps: bool  # overlaps a gold span of any technique
    share: float  # the share of its characters inside gold spans


def shown_spans(
    prepared: Sequence[Any],
    folds: Sequence[Sequence[int]],
    scored: Sequence[Sequence[tuple[int, int, float]]],
    thresholds: Sequence[float],
    heads: Sequence[LinearHead],
) -> list[ShownSpan]:
    """The spans of ``scored`` (per article of ``prepared``, out of fold) at or above their fold's
    threshold (``thresholds[k]`` for ``folds[k]``), each named by ``heads[k]``."""
    out: list[ShownSpan] = []
    for k, held_out in enumerate(folds):
        for i in held_out:
            p = prepared[i]
            found = [(a, b) for a, b, s in scored[i] if s >= thresholds[k]]
            if not found:
                continue
            features = np.stack([span_features(p.hidden, p.offsets, a, b, p.sentence_of) for a, b in found])
            rows = heads[k].scores(features)
            gold = merge_spans([(g.start, g.end) for g in p.item.spans])
            kept = [s for _, _, s in scored[i] if s >= thresholds[k]]
            for (a, b), score, row in zip(found, kept, rows, strict=True):
                best = int(np.argmax(row))
                named = heads[k].labels[best]
                inside = sum(max(0, min(b, e) - max(a, x)) for x, e in gold)
                right = any(g.technique == named and g.start < b and a < g.end for g in p.item.spans)
                out.append(
                    ShownSpan(
                        p.item.language, k, score, float(row[best]), right, inside > 0, inside / (b - a)
                    )
                )
    return out


def _design(rows: Sequence[ShownSpan], technique: bool, languages: Sequence[str] = ()) -> np.ndarray:
    # A shared intercept and one term per language, penalised: the shared one is then about the
    # mean of the languages' intercepts, the one a language not fitted on falls back to.
    columns = [logit(np.array([r.score for r in rows])), np.ones(len(rows))]
    if technique:
        columns.append(logit(np.array([r.technique for r in rows])))
    columns += [np.array([r.language == lang for r in rows], np.float64) for lang in languages]
    return np.stack(columns, axis=1)


def _fit(rows: Sequence[ShownSpan], technique: bool, languages: Sequence[str] = ()) -> np.ndarray:
    x = _design(rows, technique, languages)
    y = np.array([r.right for r in rows], np.float64)
    penalty = np.diag([L2, 0.0] + [L2] * (x.shape[1] - 2))
    return fit_logistic_newton(x, y, penalty)


def fit_calibration(
    rows: Sequence[ShownSpan], *, technique: bool, languages: Sequence[str] = ()
) -> ScoreCalibration:
    """The calibration fitted on ``rows`` (with ``technique``: its term on the technique's logit;
    with ``languages``: an intercept for each of them beside the shared one)."""
    w = _fit(rows, technique, languages)
    at = 3 if technique else 2
    intercepts = {lang: float(w[1] + w[at + i]) for i, lang in enumerate(languages)}
    return ScoreCalibration(float(w[0]), float(w[1]), float(w[2]) if technique else 0.0, intercepts)


def out_of_fold(rows: Sequence[ShownSpan], *, technique: bool, languages: Sequence[str] = ()) -> np.ndarray:
    """Each row's calibrated score from the fit on the other folds' rows (``languages``: an
    intercept for each language named beside the shared one)."""
    fold = np.array([r.fold for r in rows])
    out = np.zeros(len(rows))
    for k in np.unique(fold):
        train = [r for r, f in zip(rows, fold, strict=True) if f != k]
        test = [r for r, f in zip(rows, fold, strict=True) if f == k]
        w = _fit(train, technique, languages)
        out[fold == k] = sigmoid(_design(test, technique, languages) @ w)
    return out


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def _table(p: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    table = reliability_table(p, y)
    return {"ece": round(expected_calibration_error(table), 4), "bins": [b.as_dict() for b in table]}


def calibration_figures(rows: Sequence[ShownSpan]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The calibration chosen (``mapping``) and the out-of-fold figures of each variant, and per
    language the reliability tables (10 bins: mean score, share right, count) and ECE of the raw
    scores and of the chosen calibration, with the raw scores' ECE under the two looser readings."""
    y = np.array([r.right for r in rows], np.float64)
    raw = np.array([r.score for r in rows])
    languages = sorted({r.language for r in rows})
    variants = {
        "raw": raw,
        "plain": out_of_fold(rows, technique=False),
        "technique": out_of_fold(rows, technique=True),
        "technique_and_language": out_of_fold(rows, technique=True, languages=languages),
    }
    of = {lang: np.array([r.language == lang for r in rows]) for lang in languages}
    figures = {
        name: {
            "log_loss": round(_log_loss(p, y), 4),
            "ece": round(expected_calibration_error(reliability_table(p, y)), 4),
            "ece_per_language": {
                lang: round(expected_calibration_error(reliability_table(p[m], y[m])), 4)
                for lang, m in of.items()
            },
        }
        for name, p in variants.items()
    }
    losses = {name: _log_loss(variants[name], y) for name in ("plain", "technique", "technique_and_language")}
    chosen = min(losses, key=losses.__getitem__)
    per_language_intercept = languages if chosen == "technique_and_language" else ()
    mapping = fit_calibration(rows, technique=chosen != "plain", languages=per_language_intercept)
    overlaps = np.array([r.overlaps for r in rows], np.float64)
    share = np.array([r.share for r in rows])
    per_language = {
        lang: {
            "spans": int(m.sum()),
            "share_right": round(float(y[m].mean()), 4),
            "mean_score_raw": round(float(raw[m].mean()), 4),
            "mean_score_calibrated": round(float(variants[chosen][m].mean()), 4),
            "raw": _table(raw[m], y[m]),
            "calibrated": _table(variants[chosen][m], y[m]),
            "raw_if_right_is_any_overlap": _table(raw[m], overlaps[m]),
            "raw_if_right_is_character_share": _table(raw[m], share[m]),
        }
        for lang, m in of.items()
    }
    summary = {
        "right": "the span overlaps a gold span of the technique it names (the English span calibration's hit); "
        "the technique named by the technique head of the fold that never saw the article",
        "spans": len(rows),
        "variants": figures,
        "chosen": chosen,
        "mapping": {"a": mapping.a, "b": mapping.b, "c": mapping.c, "intercepts": dict(mapping.intercepts)},
    }
    return summary, per_language


def write_calibration(folder: Path, summary: dict[str, Any]) -> Path:
    """Write the mapping of :func:`calibration_figures`' ``summary`` as the model folder's
    ``calibration.json`` (what :meth:`ScoreCalibration.from_file` reads), with what it was fitted
    on and its out-of-fold figures; returns the file."""
    chosen = summary["chosen"]
    card = {
        "method": "sigmoid(a * logit(score) + b + c * logit(technique)): score, the stacker's sentence "
        "probability; technique, the technique head's probability of the technique the span names; b, "
        "the intercept of the paragraph's language (intercepts), else the shared b",
        **summary["mapping"],
        "right": summary["right"],
        "fitted_on": f"{summary['spans']} out-of-fold spans of the grouped folds (fr, de, it, pl, ru)",
        "chosen": f"{chosen} (the lowest out-of-fold log loss of plain, technique and technique_and_language)",
        "ece_out_of_fold": {
            "raw": summary["variants"]["raw"]["ece"],
            "calibrated": summary["variants"][chosen]["ece"],
        },
        "ece_out_of_fold_per_language": {
            "raw": summary["variants"]["raw"]["ece_per_language"],
            "calibrated": summary["variants"][chosen]["ece_per_language"],
        },
    }
    path = Path(folder) / CALIBRATION_FILE
    path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return path
