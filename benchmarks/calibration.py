"""Article-level judgements on grouped folds, weighted like held-out news: genre variants and reliability tables.

Folds: the SemEval-2023 benchmark's 5 folds (a hash of language/article id), with each group of
near-duplicate articles moved into one fold (:func:`unspun.training.train_semeval2023.grouped_fold_of`,
:mod:`unspun.training.grouping`). The span evidence of the paragraph techniques is left out: it
needs out-of-fold span predictions of the PTC articles (the 65-minute span cross-validation), so
the paragraph figures here are those of the embedding + n-gram heads alone.

Genre, English rows (the SemEval-2023 English articles and the hand-labelled news of
``[genre.extra]``), each fold scored as if it had held-out news's mix (:data:`NEWS_MIX`: 75%
reporting, 20% opinion, 5% satire; each row weighted so): macro-F1 per fold and its mean, for the
shipped recipe and a few variants (satire offset, class weights, extra-row weight), each also with
the prior offsets chosen on the other folds (nested). Reliability tables (printed probability of the
label shown against how often it is right, same weights) before and after a temperature fitted on
the other folds. Frames and paragraph techniques: reliability of the labels shown (over threshold),
before and after a Platt scaling fitted on the other folds.

Run: ``python benchmarks/calibration.py [--data DIR] [--config FILE] [--out reports/calibration.json]``
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from unspun.tasks.semeval2023 import GENRES
from unspun.training.calibration import (
    apply_platt,
    expected_calibration_error,
    fit_platt,
    fit_temperature,
    format_table,
    reliability_table,
    softmax_with_temperature,
)
from unspun.training.defaults import default_train_config, default_train_data
from unspun.training.train_semeval2023 import (
    Table,
    article_texts,
    cross_validate,
    genre_shift,
    grouped_fold_of,
    is_extra,
    load_config,
    prepare,
    reweighted_macro_f1,
    shift_rows,
)

NEWS_MIX = {"reporting": 0.75, "opinion": 0.20, "satire": 0.05}
REPORTING_OFFSETS = (0.0, 0.5, 1.0, 1.5, 2.0)
SATIRE_OFFSETS = (-3.0, -2.0, -1.0, 0.0, 1.0)


def news_weights(truth: np.ndarray) -> np.ndarray:
    """Row weights that give ``truth`` (genre indices) the :data:`NEWS_MIX` (classes absent: dropped)."""
    present = {GENRES.index(g): s for g, s in NEWS_MIX.items() if (truth == GENRES.index(g)).any()}
    total = sum(present.values())
    w = np.zeros(len(truth))
    for c, share in present.items():
        rows = truth == c
        w[rows] = share / total * len(truth) / rows.sum()
    return w


def news_macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    present = {GENRES.index(g): s for g, s in NEWS_MIX.items() if (truth == GENRES.index(g)).any()}
    total = sum(present.values())
    return reweighted_macro_f1(truth, predicted, {c: v / total for c, v in present.items()})[0]


def shifted(scores: np.ndarray, offset: np.ndarray) -> np.ndarray:
    logits = np.log(scores + 1e-12) + offset
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def offset_of(reporting: float, satire: float) -> np.ndarray:
    o = np.zeros(len(GENRES))
    o[GENRES.index("reporting")], o[GENRES.index("satire")] = reporting, satire
    return o


def genre_figures(
    scores: np.ndarray, truth: np.ndarray, fold: np.ndarray, offset: np.ndarray
) -> dict[str, Any]:
    """News-weighted macro-F1 per fold (and mean, and pooled), fixed ``offset`` and nested offsets."""
    folds = sorted(set(fold.tolist()))
    pred = shifted(scores, offset).argmax(axis=1)
    per_fold = [news_macro_f1(truth[fold == k], pred[fold == k]) for k in folds]
    nested = np.zeros(len(truth), dtype=int)
    chosen = []
    for k in folds:
        rest = fold != k
        best = max(
            itertools.product(REPORTING_OFFSETS, SATIRE_OFFSETS),
            key=lambda rs: news_macro_f1(truth[rest], shifted(scores[rest], offset_of(*rs)).argmax(axis=1)),
        )
        chosen.append(best)
        nested[fold == k] = shifted(scores[fold == k], offset_of(*best)).argmax(axis=1)
    nested_fold = [news_macro_f1(truth[fold == k], nested[fold == k]) for k in folds]
    counts = {g: int((pred == i).sum()) for i, g in enumerate(GENRES)}
    satire = GENRES.index("satire")
    return {
        "news_macro_f1_per_fold": [round(x, 4) for x in per_fold],
        "news_macro_f1": round(float(np.mean(per_fold)), 4),
        "news_macro_f1_pooled": round(news_macro_f1(truth, pred), 4),
        "nested_offsets": [list(c) for c in chosen],
        "nested_news_macro_f1": round(float(np.mean(nested_fold)), 4),
        "nested_news_macro_f1_per_fold": [round(x, 4) for x in nested_fold],
        "predicted": counts,
        "satire_recall": round(float((pred[truth == satire] == satire).mean()), 3),
        "satire_calls": int((pred == satire).sum()),
    }


def genre_reliability(
    scores: np.ndarray, truth: np.ndarray, fold: np.ndarray, offset: np.ndarray
) -> dict[str, Any]:
    """Reliability of the genre shown (its shifted probability), news-weighted, before and after a
    temperature fitted on the other folds."""
    weights = news_weights(truth)
    probs = shifted(scores, offset)
    calibrated = np.zeros_like(probs)
    temperatures = []
    for k in sorted(set(fold.tolist())):
        rest = fold != k
        t = fit_temperature(probs[rest], truth[rest], weights=weights[rest])
        temperatures.append(t)
        calibrated[fold == k] = softmax_with_temperature(probs[fold == k], t)
    everywhere = fit_temperature(probs, truth, weights=weights)
    out: dict[str, Any] = {"temperature_per_fold": temperatures, "temperature_all": everywhere}
    for name, p in (("raw", probs), ("temperature", calibrated)):
        shown = p.argmax(axis=1)
        table = reliability_table(p.max(axis=1), shown == truth, weights=weights)
        out[name] = {"ece": round(expected_calibration_error(table), 4), "bins": [b.as_dict() for b in table]}
        print(format_table(f"genre ({name}, news-weighted)", table))
    return out


def multilabel_reliability(
    table: Table, scores: np.ndarray, decisions: np.ndarray, fold: np.ndarray, name: str
) -> dict[str, Any]:
    """Reliability of the labels shown (decision 1) before and after Platt scaling fitted on the
    other folds' cells (all cells; one ``(a, b)`` for the task)."""
    calibrated = np.zeros_like(scores, dtype=np.float64)
    params = []
    for k in sorted(set(fold.tolist())):
        rest = fold != k
        a, b = fit_platt(scores[rest].ravel(), table.y[rest].ravel())
        params.append((round(a, 4), round(b, 4)))
        calibrated[fold == k] = apply_platt(scores[fold == k], a, b)
    shown = decisions.astype(bool)
    out: dict[str, Any] = {"platt_per_fold": params, "shown": int(shown.sum())}
    for variant, p in (("raw", scores), ("platt", calibrated)):
        rel = reliability_table(p[shown], table.y[shown])
        out[variant] = {"ece": round(expected_calibration_error(rel), 4), "bins": [b.as_dict() for b in rel]}
        print(format_table(f"{name} labels shown ({variant})", rel))
        every = reliability_table(p.ravel(), table.y.ravel())
        out[variant]["ece_all_cells"] = round(expected_calibration_error(every), 4)
    return out


def genre_variants(cfg: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The shipped genre recipe and the variants tried (each a full config)."""
    out = {"shipped": cfg}

    def variant(**changes: Any) -> dict[str, Any]:
        c = copy.deepcopy(cfg)
        for key, value in changes.items():
            if key == "extra_weight":
                c["genre"]["extra"]["weight"] = value
            else:
                c["genre"][key] = value
        return c

    out["c=0.003"] = variant(c=0.003)
    out["c=0.03"] = variant(c=0.03)
    out["no class weight"] = variant(class_weight=None)
    out["extra weight 1"] = variant(extra_weight=1.0)
    out["extra weight 10"] = variant(extra_weight=10.0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=Path("reports/calibration.json"))
    parser.add_argument(
        "--skip-multilabel", action="store_true", help="genre only (frames/paragraphs are slower)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    data_dir = args.data or default_train_data("article")
    cfg = load_config(args.config or default_train_config("article"))
    cfg["paragraphs"].pop("spans", None)  # needs the 65-minute span cross-validation: left out
    data = prepare(data_dir, cfg)
    texts = article_texts(data_dir, cfg)
    folds = int(cfg["data"]["folds"])
    report: dict[str, Any] = {"folds": folds, "news_mix": NEWS_MIX, "span_evidence": False}

    table = data.genre
    fold = grouped_fold_of(table.articles, texts, folds)
    english = np.array(table.langs) == "en"
    moved = int((fold != np.array([int(x) for x in _plain_folds(table.articles, folds)])).sum())
    report["genre_rows_moved_by_grouping"] = moved
    truth = table.y[english]
    report["genre_en_rows"] = {
        "semeval": int((english & ~np.array([is_extra(a) for a in table.articles])).sum()),
        "news": int((english & np.array([is_extra(a) for a in table.articles])).sum()),
        "mix": {g: int((truth == i).sum()) for i, g in enumerate(GENRES)},
    }
    shipped_offset = shift_rows(genre_shift(cfg), ["en"])[0]
    report["genre"] = {}
    print(f"English genre, news-weighted macro-F1 on grouped folds ({NEWS_MIX}):")
    oof_scores: dict[str, np.ndarray] = {}
    for name, vcfg in genre_variants(cfg).items():
        scores, _ = cross_validate(table, "genre", vcfg, args.seed, progress=False, fold=fold)
        oof_scores[name] = scores
        s, f = scores[english], fold[english]
        figures = {
            "offset_shipped": genre_figures(s, truth, f, shipped_offset),
            "no_offset": genre_figures(s, truth, f, np.zeros(len(GENRES))),
            "reporting_only_offset": genre_figures(
                s, truth, f, offset_of(float(shipped_offset[GENRES.index("reporting")]), 0.0)
            ),
        }
        report["genre"][name] = figures
        for key, fig in figures.items():
            print(
                f"  {name:<16} {key:<22} mean {fig['news_macro_f1']:.3f} {fig['news_macro_f1_per_fold']} "
                f"pooled {fig['news_macro_f1_pooled']:.3f} | nested offsets {fig['nested_news_macro_f1']:.3f} "
                f"{fig['nested_offsets']} | satire recall {fig['satire_recall']} calls {fig['satire_calls']} "
                f"| predicted {fig['predicted']}"
            )
    s = oof_scores["shipped"][english]
    report["genre_reliability_shipped"] = genre_reliability(s, truth, fold[english], shipped_offset)
    report["genre_satire_en"] = _satire_rows(table, oof_scores["shipped"], english, shipped_offset)

    if not args.skip_multilabel:
        for task in ("frames", "paragraphs"):
            t = getattr(data, task)
            f = grouped_fold_of(t.articles, texts, folds)
            scores, decisions = cross_validate(t, task, cfg, args.seed, progress=False, fold=f)
            report[task] = multilabel_reliability(t, scores, decisions, f, task)
    report["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out} in {report['seconds']} s")


def _plain_folds(articles: list[str], folds: int) -> list[int]:
    from unspun.training.train_semeval2023 import fold_of

    return [fold_of(a, folds) for a in articles]


def _satire_rows(
    table: Table, scores: np.ndarray, english: np.ndarray, offset: np.ndarray
) -> list[dict[str, Any]]:
    """The English satire rows: out-of-fold probabilities (raw) and the label the shipped offset gives."""
    satire = GENRES.index("satire")
    rows = np.flatnonzero(english & (table.y == satire))
    out = []
    for i in rows:
        p = scores[i]
        out.append(
            {
                "article": table.articles[i],
                "probabilities": {g: round(float(p[j]), 3) for j, g in enumerate(GENRES)},
                "shown": GENRES[int(shifted(p[None, :], offset).argmax())],
            }
        )
    print(
        "English satire, out-of-fold:",
        [(r["article"], r["probabilities"]["satire"], r["shown"]) for r in out],
    )
    return out


if __name__ == "__main__":
    main()
