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
from unspun.training.article_tables import Table, is_extra
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
from unspun.training.thresholds import reweighted_macro_f1
from unspun.training.train_semeval2023 import (
    NEWS_MIX,
    article_texts,
    cross_validate,
    genre_shift,
    grouped_fold_of,
    load_config,
    news_weights,
    prepare,
    shift_rows,
)

REPORTING_OFFSETS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5)
SATIRE_OFFSETS = (-3.0, -2.0, -1.0, 0.0, 0.5, 1.0, 1.5, 2.0)


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
            c["genre"][key] = value
        return c

    out["c=0.003"] = variant(c=0.003)
    out["c=0.03"] = variant(c=0.03)
    out["no class weight"] = variant(class_weight=None)
    out["extra weight 1"] = variant(extra_weight=1.0)
    out["extra weight 10"] = variant(extra_weight=10.0)
    out["clip |z|<=4"] = variant(clip=4.0)  # features clipped at 4 standard deviations
    return out


def clipped(table: Table, k: float) -> Table:
    """``table`` with each feature clipped to its mean +- ``k`` standard deviations (over all rows:
    a head that extrapolates less on text unlike its training articles)."""
    mean, std = table.x.mean(axis=0), table.x.std(axis=0) + 1e-6
    out = copy.copy(table)
    out.x = np.clip(table.x, mean - k * std, mean + k * std)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=Path("reports/calibration.json"))
    parser.add_argument(
        "--tasks", default="genre,frames,paragraphs", help="comma-separated: genre, frames, paragraphs"
    )
    parser.add_argument(
        "--variants", default=None, help="comma-separated genre variants (default: all; e.g. shipped)"
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
    tasks = set(args.tasks.split(","))
    if "genre" in tasks:
        wanted = args.variants.split(",") if args.variants else None
        genre_report(report, data, texts, cfg, folds, args.seed, wanted)
    for task in ("frames", "paragraphs"):
        if task in tasks:
            t = getattr(data, task)
            f = grouped_fold_of(t.articles, texts, folds)
            scores, decisions = cross_validate(t, task, cfg, args.seed, progress=False, fold=f)
            report[task] = multilabel_reliability(t, scores, decisions, f, task)
    report["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out} in {report['seconds']} s")


def genre_report(
    report: dict[str, Any],
    data: Any,
    texts: dict[str, str],
    cfg: dict[str, Any],
    folds: int,
    seed: int,
    variants: list[str] | None = None,
) -> None:
    """The genre part of the report: variants, reliability, the satire rows, the examples."""
    table = data.genre
    fold = grouped_fold_of(table.articles, texts, folds)
    english = np.array(table.langs) == "en"
    extra = np.array([is_extra(a) for a in table.articles])
    report["genre_rows_moved_by_grouping"] = int(
        (fold != np.array(_plain_folds(table.articles, folds))).sum()
    )
    truth = table.y[english]
    report["genre_en_rows"] = {
        "semeval": int((english & ~extra).sum()),
        "news": int((english & extra).sum()),
        "mix": {g: int((truth == i).sum()) for i, g in enumerate(GENRES)},
    }
    shipped_offset = shift_rows(genre_shift(cfg), ["en"])[0]
    report["genre_offset_en"] = shipped_offset.tolist()
    report["genre"] = {}
    print(f"English genre, news-weighted macro-F1 on grouped folds ({NEWS_MIX}), offset {shipped_offset}:")
    oof_scores: dict[str, np.ndarray] = {}
    for name, vcfg in genre_variants(cfg).items():
        if variants is not None and name not in variants:
            continue
        clip = vcfg["genre"].pop("clip", None)
        weight = vcfg["genre"].pop("extra_weight", None)
        rows = clipped(table, float(clip)) if clip else table
        if weight is not None and rows.weights is not None:
            rows = copy.copy(rows)
            rows.weights = np.where(extra, float(weight), rows.weights)
        scores, _ = cross_validate(rows, "genre", vcfg, seed, progress=False, fold=fold)
        oof_scores[name] = scores
        s, f = scores[english], fold[english]
        reporting = float(shipped_offset[GENRES.index("reporting")])
        figures = {
            "offset_config": genre_figures(s, truth, f, shipped_offset),
            "no_offset": genre_figures(s, truth, f, np.zeros(len(GENRES))),
            "reporting_only_offset": genre_figures(s, truth, f, offset_of(reporting, 0.0)),
        }
        report["genre"][name] = figures
        for key, fig in figures.items():
            print(
                f"  {name:<16} {key:<22} mean {fig['news_macro_f1']:.3f} {fig['news_macro_f1_per_fold']} "
                f"pooled {fig['news_macro_f1_pooled']:.3f} | satire recall {fig['satire_recall']} "
                f"calls {fig['satire_calls']} | predicted {fig['predicted']}"
            )
        fig = figures["offset_config"]
        print(
            f"  {name:<16} nested offsets (reporting, satire) chosen on the other folds: mean "
            f"{fig['nested_news_macro_f1']:.3f} {fig['nested_news_macro_f1_per_fold']} {fig['nested_offsets']}"
        )
    s = oof_scores["shipped"][english]
    report["genre_reliability"] = genre_reliability(s, truth, fold[english], shipped_offset)
    report["genre_satire_en"] = _satire_rows(table, oof_scores["shipped"], english, shipped_offset)
    news = english & extra
    pred = shifted(oof_scores["shipped"][news], shipped_offset).argmax(axis=1)
    report["genre_news_rows"] = {
        "macro_f1": round(
            reweighted_macro_f1(
                table.y[news], pred, {c: float((table.y[news] == c).mean()) for c in range(len(GENRES))}
            )[0],
            4,
        ),
        "predicted": {g: int((pred == i).sum()) for i, g in enumerate(GENRES)},
        "gold": {g: int((table.y[news] == i).sum()) for i, g in enumerate(GENRES)},
    }
    print(f"  hand-labelled news rows, out-of-fold: {report['genre_news_rows']}")
    print("The issue's kinds of article (texts written for this benchmark), packaged genre head:")
    report["examples"] = example_genres()


EXAMPLES = {
    "satire": (
        "Local Man Heroically Finishes Reading Entire Terms and Conditions\n\n"
        "SPRINGFIELD - In what witnesses are calling the bravest act of the decade, local man Dale "
        "Hoffer, 41, finished reading the entire terms and conditions of a photo-editing app on "
        "Tuesday, emerging from his kitchen pale but triumphant after nine hours.\n\n"
        '"I saw things in section 14 no man should see," said Hoffer, who has reportedly signed '
        'away his firstborn, his likeness and the rights to any dream he has after midnight. "But '
        'I did it for all of us."\n\n'
        "At press time, the app had updated its terms, and Hoffer had been sedated."
    ),
    "opinion (hedged first-person column)": (
        "Why I am no longer sure about the four-day week\n\n"
        "I have written in favour of the four-day week for years, and I still think it can work. "
        "But I have started to doubt some of what I used to say.\n\n"
        "Perhaps I was too quick to trust the early trials. Most of the firms that took part chose "
        "to, and I suspect the ones that struggled quietly dropped out.\n\n"
        "I may be wrong about this, and I would like to be. Still, I think we owe readers more "
        "caution than I showed, and I hope the next studies prove me overly gloomy."
    ),
    "reporting (wire report)": (
        "Central bank holds rates steady, signals cuts later this year\n\n"
        "FRANKFURT, March 7 (Reuters) - The European Central Bank kept its deposit rate at 4% on "
        "Thursday, as expected, and said inflation was falling faster than it had forecast.\n\n"
        "President Christine Lagarde told a news conference that policymakers had not discussed "
        "a cut but that the bank would have more data by June.\n\n"
        "Markets priced in about 90 basis points of cuts for the year after the decision, "
        "according to LSEG data. The euro was little changed at $1.0890."
    ),
}


def example_genres(head_dir: Path | None = None) -> dict[str, Any]:
    """The genre (and its printed probability) the packaged head, or ``head_dir``'s, gives the
    :data:`EXAMPLES`, with the raw (unshifted) probabilities."""
    from unspun.document import Article
    from unspun.pipeline.genre import GenreClassifier

    component = GenreClassifier(model_dir=head_dir)
    out = {}
    for name, text in EXAMPLES.items():
        article = Article(id=name, text=text, language="en")
        features = component.features([article])
        raw = component.head.scores(features)[0]
        label, score = component.predict([article])[0]
        out[name] = {
            "shown": label,
            "score": round(score, 3),
            "raw": {g: round(float(p), 3) for g, p in zip(component.head.labels, raw, strict=True)},
        }
        print(f"  {name:<40} -> {label} ({score:.3f}); raw {out[name]['raw']}")
    return out


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
