"""Calibrate the span scores: a span's score as the probability that it is right.

Reads the out-of-fold spans of the PTC training articles (each through the fold model of the
grouped span cross-validation that did not train on it, ``benchmarks/ptc.py`` makes them; the
whole-phrase rule applied as the pipeline applies it), fits the Platt mapping of
:mod:`unspun.training.span_calibration` (with its term for spans of one content word) on the other
folds and prints the reliability table of each fold's spans before and after, with the expected
calibration error (ECE), for all spans and for the spans of one content word, beside the plain
Platt mapping (no one-word term) for comparison. ``--write`` stores the mapping fitted on every
fold as ``calibration.json`` beside the shipped span model.

    python benchmarks/span_calibration.py [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from unspun.models.phrases import whole_phrases
from unspun.models.score_calibration import FILE, content_word_count
from unspun.paths import shared_data_dir
from unspun.tasks.ptc import read_ptc
from unspun.training.calibration import expected_calibration_error, format_table, reliability_table
from unspun.training.folds import plan_folds
from unspun.training.out_of_fold import out_of_fold_spans
from unspun.training.span_calibration import cross_validated_calibration, span_hits

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "src" / "unspun" / "configs" / "ptc-minilm.toml"
MODEL = ROOT / "src" / "unspun" / "data" / "models" / "ptc-minilm"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder")
    parser.add_argument("--write", action="store_true", help=f"store the mapping as {MODEL / FILE}")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "span-calibration.json")
    args = parser.parse_args()
    started = time.perf_counter()
    ptc_dir = (args.data or shared_data_dir()) / "ptc" / "train"
    plan = plan_folds(CONFIG, ptc_dir)
    articles = {a.id: a for a in read_ptc(ptc_dir)}
    texts = {i: a.text for i, a in articles.items()}
    found = out_of_fold_spans(plan, texts, name="ptc-train")
    fold_of = {i: k for k, held_out in enumerate(plan.held_out) for i in held_out}
    scores, hits, folds, one_word = [], [], [], []
    for article_id, spans in sorted(found.items()):
        spans = whole_phrases(texts[article_id], spans)
        scores += [s.score for s in spans]
        hits += span_hits(spans, articles[article_id].layer("technique")).tolist()
        folds += [fold_of[article_id]] * len(spans)
        one_word += [int(content_word_count(s.text_in(texts[article_id])) == 1) for s in spans]
    raw, y, f, one = np.array(scores), np.array(hits), np.array(folds), np.array(one_word)
    result = cross_validated_calibration(raw, y, f, one)
    plain = cross_validated_calibration(raw, y, f)  # the mapping without the one-word term
    ones = one == 1
    plain_one_word_table = reliability_table(plain.calibrated[ones], y[ones])
    print(format_table("raw span scores (out of fold)", result.raw_table))
    print(format_table("calibrated, plain Platt (fitted on the other folds)", plain.calibrated_table))
    print(
        format_table("calibrated with the one-word term (fitted on the other folds)", result.calibrated_table)
    )
    print(format_table("spans of one content word, raw", result.one_word_raw_table))
    print(format_table("spans of one content word, plain Platt", plain_one_word_table))
    print(format_table("spans of one content word, with the one-word term", result.one_word_table))
    one_word_figures = {
        "spans": int(ones.sum()),
        "share_right": float(y[ones].mean()) if ones.any() else 0.0,
        "mean_score_plain": float(plain.calibrated[ones].mean()) if ones.any() else 0.0,
        "mean_score": float(result.calibrated[ones].mean()) if ones.any() else 0.0,
        "share_at_least_0_3_plain": float((plain.calibrated[ones] >= 0.3).mean()) if ones.any() else 0.0,
        "share_at_least_0_3": float((result.calibrated[ones] >= 0.3).mean()) if ones.any() else 0.0,
    }
    print(
        f"one content word: {one_word_figures['spans']} spans, right {one_word_figures['share_right']:.3f}, "
        f"mean score {one_word_figures['mean_score_plain']:.3f} -> {one_word_figures['mean_score']:.3f}, "
        f"share >= 0.3 {one_word_figures['share_at_least_0_3_plain']:.3f} -> {one_word_figures['share_at_least_0_3']:.3f}"
    )
    print(f"ECE plain {plain.calibrated_ece:.4f} -> with the one-word term {result.calibrated_ece:.4f}")
    report = {
        "task": "span score calibration (PTC train, out-of-fold spans of the grouped span-CV folds)",
        "command": "python benchmarks/span_calibration.py" + (" --write" if args.write else ""),
        "right": "the span overlaps a gold span of the same technique",
        "spans": len(scores),
        "share_right": float(np.mean(hits)) if hits else 0.0,
        "ece_raw": result.raw_ece,
        "ece_calibrated": result.calibrated_ece,
        "ece_calibrated_plain_platt": plain.calibrated_ece,
        "reliability_raw": [b.as_dict() for b in result.raw_table],
        "reliability_calibrated": [b.as_dict() for b in result.calibrated_table],
        "reliability_calibrated_plain_platt": [b.as_dict() for b in plain.calibrated_table],
        "one_content_word": {
            **one_word_figures,
            "ece_raw": expected_calibration_error(result.one_word_raw_table),
            "ece_calibrated_plain_platt": expected_calibration_error(plain_one_word_table),
            "ece_calibrated": expected_calibration_error(result.one_word_table),
            "reliability_raw": [b.as_dict() for b in result.one_word_raw_table],
            "reliability_calibrated_plain_platt": [b.as_dict() for b in plain_one_word_table],
            "reliability_calibrated": [b.as_dict() for b in result.one_word_table],
        },
        "platt_per_fold": [{"a": m.a, "b": m.b, "c": m.c} for m in result.per_fold],
        "platt": {"a": result.final.a, "b": result.final.b, "c": result.final.c},
        "wall_s": time.perf_counter() - started,
        "load_average": os.getloadavg(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.write:
        card = {
            "method": "platt with a one-content-word term: sigmoid(a * logit(score) + b + c * one_word)",
            "a": result.final.a,
            "b": result.final.b,
            "c": result.final.c,
            "one_word": "the span has one content word (unspun.models.score_calibration.content_word_count)",
            "right": report["right"],
            "fitted_on": f"{len(scores)} out-of-fold spans of the 371 PTC training articles (grouped folds)",
            "ece_out_of_fold": {
                "raw": result.raw_ece,
                "plain_platt": plain.calibrated_ece,
                "calibrated": result.calibrated_ece,
            },
        }
        (MODEL / FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
        print(f"mapping written to {MODEL / FILE}")


if __name__ == "__main__":
    main()
