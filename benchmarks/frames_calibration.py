"""Fit and measure the frames correction (:mod:`unspun.models.frame_calibration`) on the grouped folds.

The frames head's out-of-fold scores on the grouped folds (near-duplicate articles in one fold,
as ``benchmarks/semeval2023.py`` scores its ``grouped`` section) are read from ``--scores`` (the
``frames-oof-grouped.npz`` that benchmark keeps in its run folder) or computed (a few minutes).
Nested: the rows of fold k are decided with thresholds tuned, and a correction fitted, on the
other folds only. Printed and written into ``--out``'s ``frames_calibration`` section:

* frames micro-F1 per language as shipped before (raw thresholds, the best raw score kept when
  none passes) and with the correction;
* the expected calibration error (ECE, 10 bins) of the frames shown, pooled and per frame, with
  the raw score and with the calibrated probability printed.

``--write`` fits the correction on every row and writes ``frames-calibration.json`` into the
model folder.

Run: ``python benchmarks/frames_calibration.py [--scores FILE] [--write] [--out reports/semeval2023.json]``
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from unspun.models.frame_calibration import DEFAULT_FLOORS, FrameCalibration, fit_frame_calibration
from unspun.models.linear_head import article_model_dir
from unspun.techniques import FRAME_LABELS
from unspun.training.article_tables import Table
from unspun.training.calibration import expected_calibration_error, reliability_table
from unspun.training.defaults import default_train_config, default_train_data
from unspun.training.thresholds import micro_f1, tune_thresholds
from unspun.training.train_semeval2023 import (
    article_texts,
    cross_validate,
    grouped_fold_of,
    load_config,
    prepare,
)

LANGS = ("en", "fr", "de", "it", "pl", "ru")
FLOORS = DEFAULT_FLOORS


def frames_table(data_dir: Path, cfg: dict[str, Any]) -> Table:
    """The frames rows of the training tables (features, 0/1 frames, language, ``lang/id``, text),
    as ``unspun train article`` builds them (without the span evidence, which frames do not read)."""
    plain = copy.deepcopy(cfg)
    plain["paragraphs"].pop("spans", None)
    return prepare(data_dir, plain).frames


def _at_least_one(scores: np.ndarray, decisions: np.ndarray) -> np.ndarray:
    out = decisions.copy()
    for i in np.flatnonzero(out.sum(axis=1) == 0):
        out[i, int(np.argmax(scores[i]))] = 1
    return out


def _ece(probability: np.ndarray, truth: np.ndarray, shown: np.ndarray) -> float:
    return round(expected_calibration_error(reliability_table(probability[shown], truth[shown])), 4)


def nested_figures(table: Table, scores: np.ndarray, fold: np.ndarray) -> dict[str, Any]:
    """Micro-F1 per language and ECE of the shown frames, before and with the correction, each
    fold decided by what the other folds give."""
    truth = table.y
    langs = np.array(table.langs)
    before = np.zeros_like(truth)
    after = np.zeros_like(truth)
    calibrated = np.zeros(scores.shape)
    for k in sorted(set(fold.tolist())):
        rest, rows = fold != k, np.flatnonzero(fold == k)
        limits = tune_thresholds(scores[rest], truth[rest], list(langs[rest]), min_positives=8)
        correction = fit_frame_calibration(scores[rest], truth[rest], list(langs[rest]), FRAME_LABELS, FLOORS)
        for i in rows:
            row_limits = limits.get(str(langs[i]), limits["default"])
            before[i] = scores[i] >= row_limits
            for j, _ in correction.choose(scores[i], row_limits, str(langs[i])):
                after[i, j] = 1
        calibrated[rows] = correction.calibrate(scores[rows])
    before = _at_least_one(scores, before)
    shown_before, shown_after = before.astype(bool), after.astype(bool)
    out: dict[str, Any] = {
        "micro_f1_before": {
            lang: round(micro_f1(truth[langs == lang], before[langs == lang]), 4) for lang in LANGS
        },
        "micro_f1_corrected": {
            lang: round(micro_f1(truth[langs == lang], after[langs == lang]), 4) for lang in LANGS
        },
        "ece_shown_raw": _ece(scores, truth, shown_before),
        "ece_shown_calibrated": _ece(calibrated, truth, shown_after),
        "frames_shown": {"before": int(shown_before.sum()), "corrected": int(shown_after.sum())},
        "english_security_shown": {
            "gold": int(truth[langs == "en", FRAME_LABELS.index("Security_and_defense")].sum()),
            "before": int(before[langs == "en", FRAME_LABELS.index("Security_and_defense")].sum()),
            "corrected": int(after[langs == "en", FRAME_LABELS.index("Security_and_defense")].sum()),
        },
        "ece_per_frame": {},
    }
    for j, name in enumerate(FRAME_LABELS):
        raw = _ece(scores[:, j : j + 1], truth[:, j : j + 1], shown_before[:, j : j + 1])
        cal = _ece(calibrated[:, j : j + 1], truth[:, j : j + 1], shown_after[:, j : j + 1])
        out["ece_per_frame"][name] = {"raw": raw, "calibrated": cal}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="the semeval2023 data folder")
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--scores", type=Path, default=None, help="kept grouped out-of-fold frames scores (.npz)"
    )
    parser.add_argument("--out", type=Path, default=Path("reports/semeval2023.json"))
    parser.add_argument(
        "--write", action="store_true", help="write frames-calibration.json into the model folder"
    )
    args = parser.parse_args()
    started, load_at_start = time.perf_counter(), list(os.getloadavg())
    data_dir = args.data or default_train_data("article")
    cfg = load_config(args.config or default_train_config("article"))
    table = frames_table(Path(data_dir), cfg)
    fold = grouped_fold_of(table.articles, article_texts(Path(data_dir), cfg), int(cfg["data"]["folds"]))
    if args.scores is not None:
        with np.load(args.scores) as kept:
            scores = kept["scores"]
        if scores.shape != table.y.shape:
            raise SystemExit(f"{args.scores} holds scores of shape {scores.shape}, not {table.y.shape}")
    else:
        scores = cross_validate(table, "frames", cfg, args.seed, fold=fold)[0]
    figures = nested_figures(table, scores, fold)
    for name in ("micro_f1_before", "micro_f1_corrected"):
        print(f"{name:<20}", "  ".join(f"{lang} {v:.4f}" for lang, v in figures[name].items()))
    print(
        f"ECE of the frames shown: raw {figures['ece_shown_raw']:.3f}, calibrated {figures['ece_shown_calibrated']:.3f}"
    )
    print(f"English Security and defence shown: {figures['english_security_shown']}")
    if args.write:
        folder = article_model_dir()
        fit_frame_calibration(scores, table.y, table.langs, FRAME_LABELS, FLOORS).to_disk(folder)
        assert FrameCalibration.from_disk(folder) is not None
        print(f"written to {folder}")
    figures |= {
        "about": "grouped folds, nested (each fold decided by thresholds and a correction fitted on the "
        "other folds); unspun.models.frame_calibration",
        "floors": {lang: list(names) for lang, names in FLOORS.items()},
        "command": " ".join(["python", *sys.argv]),
        "wall_s": round(time.perf_counter() - started, 1),
        "load_average_at_start": load_at_start,
    }
    report = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
    report["frames_calibration"] = figures
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
