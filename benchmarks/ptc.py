"""k-fold cross-validation of the span model on the PTC training folder (SI F1, TC micro-F1, speed).

Folds are fixed: article ids sorted numerically, shuffled with ``--seed``, dealt round-robin.
For each fold a model is trained on the other folds (``train_span_model``), exported to int8 ONNX
and run on the held-out fold. Scores use the official-style scorers of
``unspun.training.scorer_ptc``:

- SI F1 at the config's thresholds, and with the thresholds (extent and peak) tuned on the *other*
  folds' out-of-fold predictions (nested, so no fold is scored with a setting tuned on itself);
- TC micro-F1 on the gold spans, as the official TC task gives them;
- the first fold is also run with the fp32 ONNX export to check what int8 costs.

Prints per-fold and mean figures, articles/s and peak memory; writes ``reports/ptc.json``.

    python benchmarks/ptc.py [--folds 3] [--epochs N] [--seed 13] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np

from unspun.models.decoding import rank_for_duplicates
from unspun.models.span_model import SpanModel
from unspun.training.ptc_corpus import list_article_ids, read_ptc, si_gold, tc_gold
from unspun.training.scorer_ptc import score_si_rows, score_tc_rows
from unspun.training.train_spans import load_config, train_span_model

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]
PEAKS = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6]
SETTINGS = [(t, p) for t in THRESHOLDS for p in PEAKS if p >= t]


def make_folds(ids: list[str], k: int, seed: int) -> list[list[str]]:
    """``k`` disjoint folds of ``ids`` (sorted numerically, shuffled with ``seed``, dealt round-robin)."""
    order = sorted(ids, key=int)
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k], key=int) for i in range(k)]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _si_f1(model: SpanModel, fold: dict[str, Any], threshold: float, peak: float) -> float:
    """SI F1; predictions in articles without gold spans count against precision (SCORING.md (a) 6).

    The scorer refuses predictions for more articles than the gold lists, so those spans are
    scored as extra predicted spans: P = sum of credit / (scored spans + extra spans).
    """
    gold = si_gold(fold["articles"])
    with_gold = {row[0] for row in gold}
    pred: list[tuple[str, int, int]] = []
    extra = 0
    for a, enc in zip(fold["articles"], fold["encoded"], strict=True):
        spans = model.decode(a.text, enc, threshold=threshold, peak=peak)
        if a.id in with_gold:
            pred.extend((a.id, s, e) for s, e, _ in spans)
        else:
            extra += len(spans)  # decoded spans are disjoint: no merging to do
    score = score_si_rows(gold, pred)
    denominator = score.pred_spans + extra
    precision = score.precision * score.pred_spans / denominator if denominator else 0.0
    recall = score.recall
    return 2 * precision * recall / (precision + recall) if precision > 0 and recall > 0 else 0.0


def _tc_f1(model: SpanModel, fold: dict[str, Any]) -> float:
    gold = tc_gold(fold["articles"])
    pred: list[tuple[str, str, int, int]] = []
    for article, enc in zip(fold["articles"], fold["encoded"], strict=True):
        spans = [(s, e) for i, _, s, e in gold if i == article.id]
        probs = model.technique_probs(article.text, enc, spans)
        ranked = rank_for_duplicates(spans, probs, model.labels)
        pred.extend((article.id, r[0][0], s, e) for (s, e), r in zip(spans, ranked, strict=True))
    return score_tc_rows(gold, pred).micro_f1


def _run_fold(
    model_dir: Path, articles: list[Any], threads: int, onnx_file: str | None = None
) -> dict[str, Any]:
    model = SpanModel.from_disk(model_dir, onnx_file=onnx_file, threads=threads)
    texts = [a.text for a in articles]
    started = time.perf_counter()
    encoded = model.encode(texts)
    seconds = time.perf_counter() - started
    tokens = sum(len(e.offsets) for e in encoded)
    return {"model": model, "articles": articles, "encoded": encoded, "seconds": seconds, "tokens": tokens}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = (
        Path(os.environ.get("UNSPUN_SHARED_DATA", ROOT.parent / "shared" / "data")) / "ptc" / "train"
    )
    parser.add_argument("--data", type=Path, default=default_data, help="PTC training folder")
    parser.add_argument(
        "--config", type=Path, default=ROOT / "src" / "unspun" / "configs" / "ptc-minilm.toml"
    )
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=None, help="override the config's epochs")
    parser.add_argument("--seed", type=int, default=13, help="fold shuffling seed")
    parser.add_argument("--threads", type=int, default=2, help="ONNX Runtime threads")
    parser.add_argument("--train-threads", type=int, default=None, help="override the config's torch threads")
    parser.add_argument("--work", type=Path, default=ROOT / "runs" / "ptc-cv", help="fold models go here")
    parser.add_argument("--reuse", action="store_true", help="reuse fold models already in --work")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "ptc.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    for name in ("unspun", __name__):
        logging.getLogger(name).setLevel(logging.INFO)

    config = load_config(args.config)
    epochs = args.epochs or int(config["training"]["epochs"])
    folds = make_folds(list_article_ids(args.data), args.folds, args.seed)
    results: list[dict[str, Any]] = []
    for index, held_out in enumerate(folds):
        model_dir = args.work / f"fold{index}"
        if not (args.reuse and (model_dir / "model.onnx").exists()):
            train_ids = [i for j, fold in enumerate(folds) if j != index for i in fold]
            started = time.perf_counter()
            train_span_model(
                args.config,
                args.data,
                model_dir,
                articles=train_ids,
                overrides={
                    "training.epochs": epochs,
                    "export.keep_fp32": index == 0,
                    "training.threads": args.train_threads or config["training"]["threads"],
                },
                progress=False,
            )
            logging.getLogger(__name__).info(
                "fold %d trained in %.0f s", index, time.perf_counter() - started
            )
        results.append(_run_fold(model_dir, read_ptc(args.data, ids=held_out), args.threads))

    default_t = float(config["decoding"]["threshold"])
    default_peak = float(config["decoding"].get("peak_threshold", default_t))
    grid = {key: [_si_f1(r["model"], r, *key) for r in results] for key in SETTINGS}
    report_folds = []
    for index, r in enumerate(results):
        others = [j for j in range(len(results)) if j != index]
        tuned = max(grid, key=lambda key: float(np.mean([grid[key][j] for j in others])))
        fold = {
            "fold": index,
            "articles": len(r["articles"]),
            "si_f1": _si_f1(r["model"], r, default_t, default_peak),
            "si_f1_tuned_on_other_folds": grid[tuned][index],
            "tuned_threshold": tuned[0],
            "tuned_peak": tuned[1],
            "tc_micro_f1": _tc_f1(r["model"], r),
            "articles_per_s": len(r["articles"]) / r["seconds"],
            "tokens_per_s": r["tokens"] / r["seconds"],
        }
        report_folds.append(fold)
        print(
            f"fold {index}: SI F1 {fold['si_f1']:.4f} (t={default_t}, peak={default_peak}) | tuned on other folds "
            f"{fold['si_f1_tuned_on_other_folds']:.4f} (t={tuned[0]}, peak={tuned[1]}) | "
            f"TC micro-F1 {fold['tc_micro_f1']:.4f} | {fold['articles_per_s']:.2f} articles/s"
        )
    best = max(grid, key=lambda key: float(np.mean(grid[key])))
    fp32 = _run_fold(args.work / "fold0", results[0]["articles"], args.threads, onnx_file="model-fp32.onnx")
    int8_vs_fp32 = {
        "int8_si_f1": grid[best][0],
        "fp32_si_f1": _si_f1(fp32["model"], fp32, *best),
        "int8_tc_micro_f1": report_folds[0]["tc_micro_f1"],
        "fp32_tc_micro_f1": _tc_f1(fp32["model"], fp32),
        "fp32_articles_per_s": len(fp32["articles"]) / fp32["seconds"],
    }

    def mean(key: str) -> float:
        return float(np.mean([f[key] for f in report_folds]))

    report = {
        "task": "ptc-train cross-validation",
        "folds": args.folds,
        "seed": args.seed,
        "epochs": epochs,
        "config": str(args.config.relative_to(ROOT))
        if args.config.is_relative_to(ROOT)
        else str(args.config),
        "si_f1": mean("si_f1"),
        "si_f1_tuned_on_other_folds": mean("si_f1_tuned_on_other_folds"),
        "tc_micro_f1": mean("tc_micro_f1"),
        "articles_per_s": mean("articles_per_s"),
        "tokens_per_s": mean("tokens_per_s"),
        "config_threshold": default_t,
        "config_peak_threshold": default_peak,
        "best_threshold": best[0],
        "best_peak_threshold": best[1],
        "si_f1_at_best_pooled": float(np.mean(grid[best])),
        "si_f1_grid": {f"t={t} peak={p}": float(np.mean(grid[(t, p)])) for t, p in SETTINGS},
        "int8_vs_fp32_fold0": int8_vs_fp32,
        "peak_rss_mb": _peak_rss_mb(),
        "threads": args.threads,
        "per_fold": report_folds,
    }
    print(
        f"mean: SI F1 {report['si_f1']:.4f} | tuned {report['si_f1_tuned_on_other_folds']:.4f} | "
        f"TC micro-F1 {report['tc_micro_f1']:.4f} | {report['articles_per_s']:.2f} articles/s | "
        f"peak RSS {report['peak_rss_mb']:.0f} MB (training included)"
    )
    print(f"best pooled setting: threshold {best[0]}, peak {best[1]}; int8 vs fp32 (fold 0): {int8_vs_fp32}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
