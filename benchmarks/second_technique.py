"""When a technique span should carry a second technique: measured on the grouped folds.

Reads the gold spans of the PTC training articles as labelled by the grouped cross-validation fold
model that did not train on them (``benchmarks/ptc.py`` makes the fold models;
:func:`unspun.training.span_context.fold_rows` keeps what they produced), corrects their TC
probabilities with the context head fitted on the other folds, and scores technique
classification with one label per span against a second label added when the second-best
technique's probability reaches a threshold. Identical gold spans are one span with several gold
labels (``--iou`` below 1 joins near-identical ones too); a span predicted with two labels counts
as two predictions (micro-F1 over span-label pairs: a wrong second label is a false positive).
The threshold is chosen on two folds and scored on the third (nested); per technique F1 and the
pooled figures of each threshold are printed too. Writes ``reports/second-technique.json``.

    python benchmarks/second_technique.py   # seconds, from the kept rows
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from unspun.models.span_model import SECOND_TECHNIQUE_MIN
from unspun.paths import shared_data_dir
from unspun.training.folds import plan_folds
from unspun.training.span_context import Rows, fold_rows, nested_probs

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "src" / "unspun" / "configs" / "ptc-minilm.toml"
NEVER = 1.1  # a threshold no probability reaches: one label per span
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, NEVER)


def spans_of(rows: Rows, iou: float) -> list[list[int]]:
    """The rows grouped into spans: rows of one article whose ranges overlap by at least ``iou``
    (intersection over union, transitively) are one span with several gold labels."""
    parent = list(range(len(rows.label)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_article: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(rows.article):
        by_article[article].append(i)
    for members in by_article.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                inter = min(rows.end[i], rows.end[j]) - max(rows.start[i], rows.start[j])
                union = max(rows.end[i], rows.end[j]) - min(rows.start[i], rows.start[j])
                if inter > 0 and inter / union >= iou - 1e-9:
                    parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(parent)):
        groups[root(i)].append(i)
    return list(groups.values())


class Counts:
    """True positives, false positives and false negatives per technique."""

    def __init__(self, n: int) -> None:
        self.tp, self.fp, self.fn = np.zeros(n), np.zeros(n), np.zeros(n)

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def micro_f1(self) -> float:
        return float(2 * self.tp.sum() / (2 * self.tp.sum() + self.fp.sum() + self.fn.sum()))

    def f1(self, c: int) -> float:
        denominator = 2 * self.tp[c] + self.fp[c] + self.fn[c]
        return float(2 * self.tp[c] / denominator) if denominator else 0.0


def counted(order: np.ndarray, second: np.ndarray, gold: list[set[int]], keep: np.ndarray) -> Counts:
    """Span-label pairs of the kept spans: each predicts its best technique, and its second-best
    too where ``second``."""
    counts = Counts(order.shape[1])
    for u in np.nonzero(keep)[0]:
        predicted = {int(order[u, 0])} | ({int(order[u, 1])} if second[u] else set())
        for c in predicted:
            if c in gold[u]:
                counts.tp[c] += 1
            else:
                counts.fp[c] += 1
        for c in gold[u] - predicted:
            counts.fn[c] += 1
    return counts


def measure(rows: Rows, probs: np.ndarray, iou: float) -> dict[str, Any]:
    """One label against a second label above a threshold chosen on the other folds."""
    groups = spans_of(rows, iou)
    gold = [{int(rows.label[i]) for i in g} for g in groups]
    span_probs = np.array([probs[g].mean(axis=0) for g in groups])
    fold = np.array([rows.fold[g[0]] for g in groups])
    order = np.argsort(-span_probs, axis=1, kind="stable")
    p2 = span_probs[np.arange(len(groups)), order[:, 1]]
    never = np.zeros(len(groups), dtype=bool)
    one, two = Counts(len(rows.labels)), Counts(len(rows.labels))
    folds = []
    for k in range(int(fold.max()) + 1):
        train, test = fold != k, fold == k
        # ties go to the higher threshold (fewer second labels)
        chosen = max(THRESHOLDS, key=lambda t: (round(counted(order, p2 >= t, gold, train).micro_f1(), 6), t))
        alone, paired = counted(order, never, gold, test), counted(order, p2 >= chosen, gold, test)
        one.add(alone)
        two.add(paired)
        folds.append(
            {
                "fold": k,
                "threshold": chosen,
                "tc_micro_f1_one_label": round(alone.micro_f1(), 4),
                "tc_micro_f1_two_labels": round(paired.micro_f1(), 4),
                "second_labels": int((p2 >= chosen)[test].sum()),
            }
        )
    everything = np.ones(len(groups), dtype=bool)
    pooled = {}
    for t in THRESHOLDS[:-1]:
        c = counted(order, p2 >= t, gold, everything)
        right = [u for u in np.nonzero(p2 >= t)[0] if int(order[u, 1]) in gold[u]]
        pooled[str(t)] = {
            "tc_micro_f1": round(c.micro_f1(), 4),
            "second_labels": int((p2 >= t).sum()),
            "right": len(right),
            "right_where_the_first_is_wrong": sum(int(order[u, 0]) not in gold[u] for u in right),
        }
    added = int(two.tp.sum() + two.fp.sum() - one.tp.sum() - one.fp.sum())
    return {
        "iou": iou,
        "spans": len(groups),
        "spans_with_two_or_more_gold_labels": sum(len(g) > 1 for g in gold),
        "tc_micro_f1_one_label": round(one.micro_f1(), 4),
        "tc_micro_f1_two_labels": round(two.micro_f1(), 4),
        "second_labels": added,
        "second_labels_right": int(two.tp.sum() - one.tp.sum()),
        "folds": folds,
        "tc_per_technique": {
            label: {"one_label": round(one.f1(c), 4), "two_labels": round(two.f1(c), 4)}
            for c, label in enumerate(rows.labels)
        },
        "pooled_by_threshold": pooled,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "second-technique.json")
    args = parser.parse_args()
    plan = plan_folds(CONFIG, (args.data or shared_data_dir()) / "ptc" / "train")
    rows = fold_rows(plan)
    probs = nested_probs(rows)
    report: dict[str, Any] = {
        "task": "PTC TC on gold spans of the grouped folds, out of fold; a second label is a second prediction",
        "command": "python benchmarks/second_technique.py",
        "shipped_threshold": SECOND_TECHNIQUE_MIN,
        "results": [measure(rows, probs, iou) for iou in (1.0, 0.8, 0.5)],
    }
    for r in report["results"]:
        print(
            f"IoU >= {r['iou']}: {r['spans']} spans ({r['spans_with_two_or_more_gold_labels']} with 2+ gold labels); "
            f"nested TC micro-F1 one label {r['tc_micro_f1_one_label']:.4f} -> two {r['tc_micro_f1_two_labels']:.4f} "
            f"(thresholds {[f['threshold'] for f in r['folds']]}; per fold one/two "
            f"{[(f['tc_micro_f1_one_label'], f['tc_micro_f1_two_labels']) for f in r['folds']]}); "
            f"second labels {r['second_labels']}, right {r['second_labels_right']}"
        )
    first = report["results"][0]
    for label, f in first["tc_per_technique"].items():
        print(
            f"  {label:36s} {f['one_label']:.4f} -> {f['two_labels']:.4f} ({f['two_labels'] - f['one_label']:+.4f})"
        )
    print(
        "pooled by threshold (IoU 1): "
        + ", ".join(
            f"{t}: {v['tc_micro_f1']:.4f} ({v['second_labels']}, {v['right']} right, "
            f"{v['right_where_the_first_is_wrong']} where the first is wrong)"
            for t, v in first["pooled_by_threshold"].items()
        )
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
