"""Cross-validated SemEval-2023 Task 3 figures per language, next to a majority baseline, and speed.

Folds are fixed (a hash of language/article id, grouped by article) so every run scores the same
splits; thresholds of fold k are tuned on the other folds only. Figures use the official-style
scorers of :mod:`unspun.training.scorer_semeval2023`:

* genre: macro-F1 (baseline: the majority genre of the training folds), per-genre precision and
  recall, and ``genre_macro_f1_shifted``: the same predictions reweighted to a reporting-heavy mix
  (:data:`SHIFTED_MIX`, 60% reporting / 30% opinion / 10% satire), an estimate for held-out news
  that is mostly reporting while the English training articles are mostly opinion;
* frames: micro-F1 (baseline: the language's 4 most common frames in the training folds);
* paragraphs: micro-F1 (baseline: the language's most common technique on every paragraph).

English genre check: the shipped genre head (``--model-dir``, default the packaged one) on the
120 hand-labelled English news articles of ``benchmarks/data/genre-check-en.tsv`` (SemEval-2025
Task 10 documents of 2022-24, mostly reporting, read from the shared data folder): macro-F1 as
the official scorer computes it, the predicted mix and the confusion counts, next to the same head
with its per-language genre offsets removed (``--compare-dir`` adds another model folder).

Speed: the packaged components (language, genre, frames, paragraphs) on English articles.

Run: ``python benchmarks/semeval2023.py [--data DIR] [--config FILE] [--out reports/semeval2023.json]``
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from unspun.article_level import load_article_components, predict_genre, run_components
from unspun.config import Settings
from unspun.pipeline.genre import GenreClassifier
from unspun.reader import read_text_file
from unspun.techniques import FRAME_LABELS, SEMEVAL23_LABELS
from unspun.training.defaults import default_train_config, default_train_data
from unspun.training.scorer_semeval2023 import score_frame_labels, score_genre_labels, score_paragraph_labels
from unspun.training.semeval2023_corpus import GENRES, load_subtask
from unspun.training.train_semeval2023 import (
    Table,
    cross_validate,
    fold_of,
    load_config,
    prepare,
    reweighted_macro_f1,
)

LANGS = ("en", "fr", "de", "it", "pl", "ru")
SHIFTED_MIX = {"reporting": 0.6, "opinion": 0.3, "satire": 0.1}


def _sets(matrix: np.ndarray, labels: tuple[str, ...]) -> list[list[str]]:
    return [[labels[j] for j in np.flatnonzero(row)] for row in matrix]


def _at_least_one(scores: np.ndarray, decisions: np.ndarray) -> np.ndarray:
    """The frame component's rule: an article with no frame over threshold gets its best one."""
    out = decisions.copy()
    for i in np.flatnonzero(out.sum(axis=1) == 0):
        out[i, int(np.argmax(scores[i]))] = 1
    return out


def _train_rows(table: Table, rows: np.ndarray, folds: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Per fold k, the rows of ``rows`` outside fold k (what a baseline may learn from); the folds."""
    fold = np.array([fold_of(a, folds) for a in table.articles])
    return [rows & (fold != k) for k in range(folds)], fold


def genre_shift_figures(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Per-genre precision/recall as observed, and macro-F1 reweighted to :data:`SHIFTED_MIX`
    (genres absent from ``truth`` are dropped from the mix)."""
    present = {GENRES.index(g): share for g, share in SHIFTED_MIX.items() if (truth == GENRES.index(g)).any()}
    total = sum(present.values())
    shifted, _ = reweighted_macro_f1(truth, predicted, {c: v / total for c, v in present.items()})
    observed = {c: float((truth == c).mean()) for c in range(len(GENRES))}
    _, per_class = reweighted_macro_f1(truth, predicted, observed)
    out = {"genre_macro_f1_shifted": shifted}
    for c, (precision, recall) in per_class.items():
        out[f"genre_{GENRES[c]}_precision"], out[f"genre_{GENRES[c]}_recall"] = precision, recall
    return out


def score_language(data: Any, cfg: dict[str, Any], oof: dict[str, Any], lang: str) -> dict[str, float]:
    """Official-style figures and baselines of one language."""
    folds = int(cfg["data"]["folds"])
    out: dict[str, float] = {}

    table = data.genre
    rows = np.array(table.langs) == lang
    ids = [a for a, r in zip(table.articles, rows, strict=True) if r]
    gold = {i: GENRES[y] for i, y in zip(ids, table.y[rows], strict=True)}
    pred = {i: GENRES[y] for i, y in zip(ids, oof["genre"][1][rows], strict=True)}
    out["genre_macro_f1"], out["genre_micro_f1"] = score_genre_labels(gold, pred)
    train, fold = _train_rows(table, rows, folds)
    base = {}
    for k in range(folds):
        majority = Counter(table.y[train[k]]).most_common(1)[0][0]
        base.update({a: GENRES[majority] for a, f in zip(ids, fold[rows], strict=True) if f == k})
    out["genre_macro_f1_baseline"] = score_genre_labels(gold, base)[0]
    out.update(genre_shift_figures(table.y[rows], oof["genre"][1][rows]))

    for task, labels, scorer in (
        ("frames", FRAME_LABELS, score_frame_labels),
        ("paragraphs", SEMEVAL23_LABELS, score_paragraph_labels),
    ):
        table = getattr(data, task)
        rows = np.array(table.langs) == lang
        keys = (
            [f"{a}_{p}" for (a, p), r in zip(table.keys, rows, strict=True) if r]
            if task == "paragraphs"
            else [a for a, r in zip(table.articles, rows, strict=True) if r]
        )
        scores, decisions = oof[task]
        if task == "frames":
            decisions = _at_least_one(scores, decisions)
        gold_sets = dict(zip(keys, _sets(table.y[rows], labels), strict=True))
        pred_sets = dict(zip(keys, _sets(decisions[rows], labels), strict=True))
        out[f"{task}_micro_f1"], out[f"{task}_macro_f1"] = scorer(gold_sets, pred_sets)
        train, fold = _train_rows(table, rows, folds)
        base: dict[str, list[str]] = {}
        top = 4 if task == "frames" else 1
        for k in range(folds):
            common = [labels[j] for j in np.argsort(-table.y[train[k]].sum(axis=0), kind="stable")[:top]]
            base.update({key: common for key, f in zip(keys, fold[rows], strict=True) if f == k})
        out[f"{task}_micro_f1_baseline"] = scorer(gold_sets, base)[0]
    return {k: round(float(v), 4) for k, v in out.items()}


CHECK_LABELS = Path(__file__).parent / "data" / "genre-check-en.tsv"
CHECK_DOCS = "whosays/semeval2025-entity-framing/train/raw-documents"


def read_check_labels(path: Path = CHECK_LABELS) -> dict[str, str]:
    """``{id: genre}`` of the English genre check set (``#`` lines are comments)."""
    rows = (line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines())
    return {row[0]: row[1] for row in rows if row and row[0] and not row[0].startswith("#")}


def genre_check(docs: Path, model_dirs: dict[str, Path | None]) -> dict[str, Any]:
    """The English genre check set scored for each named model folder (``None``: the packaged one).

    Adds ``"<name> without offsets"``: the first model with its per-language log-probability
    offsets removed, to show what the offsets do. Raises ``InputNotFoundError`` if a document
    of the check set is missing from ``docs``.
    """
    gold = read_check_labels()
    limit = Settings().max_input_bytes
    articles = [read_text_file(docs / f"{doc_id}.txt", max_bytes=limit) for doc_id in gold]
    out: dict[str, Any] = {"articles": len(articles), "gold_mix": dict(Counter(gold.values()))}
    first = next(iter(model_dirs))
    runs: list[tuple[str, Path | None, bool]] = [(name, path, True) for name, path in model_dirs.items()]
    runs.insert(1, (f"{first} without offsets", model_dirs[first], False))
    for name, model_dir, offsets in runs:
        components = load_article_components(model_dir, lang="en")
        if not offsets:
            for component in components:
                if isinstance(component, GenreClassifier):
                    component.head.offsets = {}
        rows = predict_genre(articles, components=components, lang="en")
        pred = {a.id: label for (_, label), a in zip(rows, articles, strict=True)}
        macro, micro = score_genre_labels(gold, pred)
        confusion = Counter(f"{gold[i]}->{pred[i]}" for i in gold)
        out[name] = {
            "macro_f1": round(macro, 4),
            "accuracy": round(micro, 4),
            "predicted_mix": dict(Counter(pred.values())),
            "confusion": dict(sorted(confusion.items())),
        }
    return out


def measure_speed(data_dir: Path, n: int = 40) -> dict[str, float]:
    """Articles per second of the packaged article-level components (English, cold cache)."""
    articles = [item.article for item in load_subtask(data_dir, "en", 1)[:n]]
    components = load_article_components()
    start = time.perf_counter()
    run_components(articles, components)
    seconds = time.perf_counter() - start
    return {
        "articles": len(articles),
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(articles) / seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="SemEval-2023 Task 3 cross-validation benchmark")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("reports/semeval2023.json"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    parser.add_argument(
        "--model-dir", type=Path, default=None, help="genre check: default the packaged models"
    )
    parser.add_argument("--compare-dir", type=Path, default=None, help="genre check: a second model folder")
    parser.add_argument("--check-docs", type=Path, default=None, help=f"default: <shared data>/{CHECK_DOCS}")
    args = parser.parse_args()
    data_dir = args.data or default_train_data("article")
    cfg = load_config(args.config or default_train_config("article"))
    data = prepare(data_dir, cfg)
    oof = {
        task: cross_validate(getattr(data, task), task, cfg, args.seed)
        for task in ("genre", "frames", "paragraphs")
    }
    report: dict[str, Any] = {"folds": cfg["data"]["folds"], "languages": {}}
    print(
        f"{'lang':<5}{'genre macro':>18}{'shifted':>9}{'frames micro':>18}{'paragraphs micro':>20}   (baseline)"
    )
    for lang in LANGS:
        s = report["languages"][lang] = score_language(data, cfg, oof, lang)
        print(
            f"{lang:<5}{s['genre_macro_f1']:>10.3f} ({s['genre_macro_f1_baseline']:.3f})"
            f"{s['genre_macro_f1_shifted']:>9.3f}"
            f"{s['frames_micro_f1']:>10.3f} ({s['frames_micro_f1_baseline']:.3f})"
            f"{s['paragraphs_micro_f1']:>12.3f} ({s['paragraphs_micro_f1_baseline']:.3f})"
        )
    docs = args.check_docs or data_dir.parent / CHECK_DOCS
    if docs.is_dir():
        models: dict[str, Path | None] = {"shipped": args.model_dir}
        if args.compare_dir is not None:
            models["compare"] = args.compare_dir
        check = report["genre_check_en"] = genre_check(docs, models)
        print(f"English genre check ({check['articles']} news articles, gold {check['gold_mix']}):")
        for name, figures in check.items():
            if isinstance(figures, dict) and "macro_f1" in figures:
                print(
                    f"  {name:<28} macro-F1 {figures['macro_f1']:.3f}  predicted {figures['predicted_mix']}"
                )
    else:
        print(f"English genre check skipped: no documents at {docs} (pass --check-docs)")
    if not args.no_speed:
        report["speed"] = measure_speed(data_dir)
        print(f"speed: {report['speed']['articles_per_s']} articles/s ({report['speed']})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
