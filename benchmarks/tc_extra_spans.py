"""Does the SemEval-2023 English span annotation pay as extra TC training rows? Grouped folds.

For each grouped fold k of the shipped recipe (``benchmarks/ptc.py`` made the fold models), the
lexical TC head of fold k's model (``tc_ngrams.npz``, fitted on the gold spans of its training
articles) is fitted again with the SemEval-2023 English spans mapped to PTC-14 beside them
(:mod:`unspun.training.extra_spans`; the articles near-duplicate to one of fold k's held-out
articles left out), at each weight asked for. Fold k's held-out gold spans are then labelled as
:func:`unspun.training.span_context.fold_rows` labels them, with the new lexical head in the blend
(the neural head's share is read back from the kept blended probabilities:
``log p = log p_kept + share * (log p_ngrams_new - log p_ngrams_old)`` up to a constant), and
scored as the nested evaluation scores them: the context head fitted on the other folds' rows, one
label per span and the second technique with its threshold chosen on the other folds
(``benchmarks/second_technique.py``). Weight 0 refits on PTC alone (the control).

    python benchmarks/tc_extra_spans.py --weights 0 0.5 1 --out reports/ptc-tc-extra-spans.json

About 1-2 minutes per weight on 2 cores (a logistic regression per fold; 8 minutes for the six variants in the report).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from unspun.document import TECHNIQUE_LAYER
from unspun.models.span_ngrams import FILE_NAME, SpanNgramHead, fit_span_ngram_head
from unspun.paths import shared_data_dir
from unspun.tasks.ptc import read_ptc
from unspun.training.extra_spans import extra_span_rows
from unspun.training.folds import plan_folds
from unspun.training.span_context import Rows, _figures, fold_rows, nested_probs
from unspun.training.train_spans import load_config

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "src" / "unspun" / "configs" / "ptc-minilm.toml"
sys.path.insert(0, str(ROOT / "benchmarks"))
from second_technique import measure  # noqa: E402


def _log_probs(head: SpanNgramHead, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    order = [head.labels.index(label) for label in labels]
    return np.log(head.probs(texts)[:, order] + 1e-9)


def reblend(rows: Rows, k: int, old: SpanNgramHead, new: SpanNgramHead, texts: Sequence[str]) -> np.ndarray:
    """Fold ``k``'s kept blended probabilities with ``old`` lexical head swapped for ``new``."""
    keep = rows.fold == k
    logits = np.log(rows.probs[keep] + 1e-30) + old.share * (
        _log_probs(new, texts, rows.labels) - _log_probs(old, texts, rows.labels)
    )
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def figures(rows: Rows, probs: np.ndarray) -> dict[str, Any]:
    """Nested micro-F1 (one label, two labels) and F1 per technique of one set of kept probabilities."""
    changed = replace(rows, probs=probs)
    after = nested_probs(changed)
    second = measure(changed, after, 1.0)
    return {
        "tc_micro_f1_one_label": second["tc_micro_f1_one_label"],
        "tc_micro_f1_two_labels": second["tc_micro_f1_two_labels"],
        "tc_micro_f1_per_fold_one_label": [f["tc_micro_f1_one_label"] for f in second["folds"]],
        "tc_micro_f1_per_fold_two_labels": [f["tc_micro_f1_two_labels"] for f in second["folds"]],
        "tc_micro_f1_span_text_new": _figures(changed, after)["tc_micro_f1_span_text_new"],
        "tc_per_technique_two_labels": {k: v["two_labels"] for k, v in second["tc_per_technique"].items()},
        "tc_per_technique_one_label": {k: v["one_label"] for k, v in second["tc_per_technique"].items()},
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder")
    parser.add_argument("--weights", type=float, nargs="*", default=[0.0, 0.5, 1.0])
    parser.add_argument(
        "--novel-weights",
        type=float,
        nargs="*",
        default=[],
        help="weights of the extra rows that are no PTC training row already (same article, words, technique)",
    )
    parser.add_argument(
        "--control-c",
        type=float,
        nargs="*",
        default=[],
        help="PTC rows alone at these inverse L2 strengths (all rows again at weight w is about C x (1 + w))",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "ptc-tc-extra-spans.json")
    args = parser.parse_args(argv)
    shared = args.data or shared_data_dir()
    plan = plan_folds(CONFIG, shared / "ptc" / "train")
    rows = fold_rows(plan)
    settings = load_config(CONFIG)["tc_ngrams"]
    report: dict[str, Any] = {
        "task": "PTC TC on gold spans, grouped 3-fold, nested context head; lexical TC head refitted "
        "with the SemEval-2023 English spans (mapped to PTC-14) at each weight",
        "command": "python benchmarks/tc_extra_spans.py --weights "
        + " ".join(f"{w:g}" for w in args.weights)
        + (
            " --novel-weights " + " ".join(f"{w:g}" for w in args.novel_weights) if args.novel_weights else ""
        ),
        "kept": figures(rows, rows.probs),
        "weights": {},
    }
    print(
        f"kept heads: {report['kept']['tc_micro_f1_one_label']} / {report['kept']['tc_micro_f1_two_labels']}"
    )
    folds = [read_ptc(plan.data_dir, ids=held) for held in plan.held_out]
    texts = [[a.text[s:e] for a, s, e in zip_rows(rows, k, folds[k])] for k in range(len(folds))]
    olds = [SpanNgramHead.from_disk(plan.model_dir(k) / FILE_NAME) for k in range(len(folds))]
    extras, novels = [], []
    for k in range(len(folds)):
        extra = extra_span_rows(shared / "semeval2023", exclude={a.id: a.text for a in folds[k]})
        known = {
            (a.id, a.text[s.start : s.end], s.label)
            for j, fold in enumerate(folds)
            if j != k
            for a in fold
            for s in a.spans.get(TECHNIQUE_LAYER, [])
        }
        extras.append(extra)
        novels.append([r for r in extra if (r.article, r.text, r.technique) not in known])
    report["extra_rows_per_fold"] = [len(e) for e in extras]
    report["novel_extra_rows_per_fold"] = [len(e) for e in novels]
    print(f"extra rows per fold {report['extra_rows_per_fold']}, novel {report['novel_extra_rows_per_fold']}")
    c = float(settings.get("c", 16.0))
    variants = (
        [(f"{w:g}", w, False, c) for w in args.weights]
        + [(f"novel {w:g}", w, True, c) for w in args.novel_weights]
        + [(f"0 at C={x:g}", 0.0, False, x) for x in args.control_c]
    )
    for name, w, novel, c_value in variants:
        started = time.perf_counter()
        probs = rows.probs.copy()
        for k in range(len(folds)):
            train = [a for j, fold in enumerate(folds) if j != k for a in fold]
            spans = [
                (a.text[s.start : s.end], s.label) for a in train for s in a.spans.get(TECHNIQUE_LAYER, [])
            ]
            extra = (novels if novel else extras)[k] if w > 0 else []
            head = fit_span_ngram_head(
                [t for t, _ in spans] + [r.text for r in extra],
                [label for _, label in spans] + [r.technique for r in extra],
                olds[k].labels,
                c=c_value,
                share=float(settings["share"]),
                sample_weight=[1.0] * len(spans) + [w] * len(extra),
            )
            probs[rows.fold == k] = reblend(rows, k, olds[k], head, texts[k])
        f = figures(rows, probs)
        f["seconds"] = round(time.perf_counter() - started, 1)
        report["weights"][name] = f
        print(
            f"weight {name}: one label {f['tc_micro_f1_one_label']} (folds {f['tc_micro_f1_per_fold_one_label']}), "
            f"two labels {f['tc_micro_f1_two_labels']}, new span text {f['tc_micro_f1_span_text_new']} "
            f"({f['seconds']} s)",
            flush=True,
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


def zip_rows(rows: Rows, k: int, articles: Sequence[Any]) -> list[tuple[Any, int, int]]:
    """Fold ``k``'s rows as (article, start, end), in row order."""
    by_id = {a.id: a for a in articles}
    return [
        (by_id[rows.article[i]], int(rows.start[i]), int(rows.end[i])) for i in np.nonzero(rows.fold == k)[0]
    ]


if __name__ == "__main__":
    main()
