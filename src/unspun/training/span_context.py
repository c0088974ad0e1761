"""Fit the span model's context TC head (``tc_context.npz``) out of fold, and measure it.

The head (:class:`unspun.models.span_context.SpanContextHead`) corrects the blended TC
probabilities with features of the article around a span. It must learn from probabilities of
spans the TC heads never trained on, as on a user's article: the grouped cross-validation fold
models of the span recipe (:mod:`unspun.training.folds`, made by ``benchmarks/ptc.py`` or
``unspun train article``) label the gold spans of the articles they held out. The head is
measured by nesting (fitted on two folds' spans, scored on the third) and then fitted on all::

    python -m unspun.training.span_context --out src/unspun/data/models/ptc-minilm \\
        --report reports/ptc-tc-context.json

About 7 minutes on 2 cores (the fold models read the 371 articles once; ``--rows FILE`` keeps
what they produced, so a second run takes seconds).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from unspun.errors import ModelError
from unspun.models.decoding import rank_for_duplicates
from unspun.models.span_context import FEATURES, FILE_NAME, SpanContextHead, context_features
from unspun.models.span_model import SpanModel
from unspun.paths import shared_data_dir
from unspun.tasks.ptc import read_ptc, tc_gold
from unspun.tasks.ptc_scorer import TCRow, score_tc_rows
from unspun.training.folds import DEFAULT_GROUPING, STAMP, FoldPlan, plan_folds

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "ptc-minilm.toml"
PENALTY = 0.01  # L2 on the weights per span; 0.003 and 0.03 scored lower on the nested folds


@dataclass(slots=True)
class Rows:
    """Gold spans of the held-out articles, each with its fold, blended TC probabilities and context."""

    article: list[str]
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray  # index into labels
    fold: np.ndarray
    probs: np.ndarray  # (n, n_labels) blended neural + n-gram probabilities, out of fold
    features: np.ndarray  # (n, len(FEATURES))
    seen: np.ndarray  # the span's words are a gold span text in the folds its model trained on
    labels: list[str]

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            article=np.array(self.article),
            **{k: getattr(self, k) for k in ("start", "end", "label", "fold", "probs", "features", "seen")},
            labels=np.array(self.labels),
        )

    @classmethod
    def load(cls, path: Path) -> Rows:
        with np.load(path, allow_pickle=False) as d:
            arrays = {k: d[k] for k in ("start", "end", "label", "fold", "probs", "features", "seen")}
            return cls(article=[str(a) for a in d["article"]], labels=[str(x) for x in d["labels"]], **arrays)


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def collect_rows(data: Path, config: Path = DEFAULT_CONFIG, *, folds: int = 3, seed: int = 13) -> Rows:
    """Label every gold span with the fold model that did not see its article.

    Raises :class:`ModelError` when a fold model is not trained yet."""
    return collect_fold_rows(
        plan_folds(config, data, folds=folds, seed=seed, overrides={}, grouping=DEFAULT_GROUPING)
    )


def collect_fold_rows(plan: FoldPlan) -> Rows:
    """:func:`collect_rows` of the fold models of ``plan`` (its PTC folder, split and models).

    Raises :class:`ModelError` when a fold model is not trained yet."""
    if plan.missing():
        raise ModelError(
            f"fold models {plan.missing()} of {plan.config_path.name} are not trained; "
            "run `python benchmarks/ptc.py` first"
        )
    articles = [read_ptc(plan.data_dir, ids=held) for held in plan.held_out]
    span_texts = [{_words(a.text[s:e]) for a in arts for i, _, s, e in tc_gold([a])} for arts in articles]
    cols: dict[str, list[Any]] = {
        k: [] for k in ("article", "start", "end", "label", "fold", "probs", "features", "seen")
    }
    labels: list[str] = []
    for k, arts in enumerate(articles):
        model = SpanModel.from_disk(plan.model_dir(k))
        model.context = None  # the probabilities the head corrects
        labels = list(model.labels)
        trained_on = set().union(*(span_texts[j] for j in range(len(articles)) if j != k))
        for article, encoded in zip(arts, model.encode([a.text for a in arts]), strict=True):
            gold = tc_gold([article])
            if not gold:
                continue
            spans = [(s, e) for _, _, s, e in gold]
            cols["probs"].append(model.technique_probs(article.text, encoded, spans))
            cols["features"].append(context_features(article.text, spans))
            for _, label, s, e in gold:
                cols["article"].append(article.id)
                cols["start"].append(s)
                cols["end"].append(e)
                cols["label"].append(labels.index(label))
                cols["fold"].append(k)
                cols["seen"].append(_words(article.text[s:e]) in trained_on)
    return Rows(
        cols["article"],
        np.array(cols["start"]),
        np.array(cols["end"]),
        np.array(cols["label"]),
        np.array(cols["fold"]),
        np.vstack(cols["probs"]).astype(np.float64),
        np.vstack(cols["features"]),
        np.array(cols["seen"]),
        labels,
    )


def fold_heads(
    plan: FoldPlan, *, penalty: float = PENALTY, log: Callable[[str], None] = print
) -> list[SpanContextHead]:
    """Fold k's context head, fitted on the gold spans of the other folds as labelled by their
    fold models (as :func:`evaluate` nests it): what the shipped head is to a user's article, each
    head is to its fold's held-out articles. The rows are those of :func:`fold_rows`.
    Raises :class:`ModelError` when a fold model is not trained yet."""
    rows = fold_rows(plan, log=log)
    return [
        fit_context_head(
            rows.features[rows.fold != k],
            rows.probs[rows.fold != k],
            rows.label[rows.fold != k],
            rows.labels,
            penalty=penalty,
        )
        for k in range(len(plan.held_out))
    ]


def fold_rows(plan: FoldPlan, *, log: Callable[[str], None] = print) -> Rows:
    """The gold spans of every fold's held-out articles labelled by its fold model (no context head),
    read from ``<plan.work>/tc-context-rows-<key>.npz`` when made from the same fold models, split
    and gold, else collected (every fold model over its held-out articles, minutes) and written
    there. Raises :class:`ModelError` when a fold model is not trained yet."""
    if plan.missing():
        raise ModelError(
            f"fold models {plan.missing()} of {plan.config_path.name} are not trained; "
            "run `python benchmarks/ptc.py` first"
        )
    key = hashlib.sha256(
        json.dumps(
            {
                "held_out": plan.held_out,
                "gold": _digest(plan.data_dir / "labels-tc.tsv"),
                "features": list(FEATURES),
                "models": [_stamp(plan.model_dir(k)) for k in range(len(plan.held_out))],
            }
        ).encode("utf-8")
    ).hexdigest()[:16]
    path = plan.work / f"tc-context-rows-{key}.npz"
    if path.is_file():
        rows = Rows.load(path)
    else:
        log(f"context TC head rows: {len(plan.held_out)} fold models over their held-out articles")
        rows = collect_fold_rows(plan)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.stem + ".tmp.npz")
        rows.save(temporary)
        temporary.replace(path)
    return rows


def _stamp(model_dir: Path) -> str:
    return _digest(model_dir / STAMP)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""


def fit_context_head(
    features: np.ndarray,
    probs: np.ndarray,
    gold: np.ndarray,
    labels: Sequence[str],
    *,
    penalty: float = PENALTY,
) -> SpanContextHead:
    """Multinomial logistic regression with ``log(probs)`` as a fixed offset (L-BFGS, L2 ``penalty``)."""
    from scipy.optimize import minimize

    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-6
    z = (features - mean) / scale
    offset = np.log(probs + 1e-9)
    onehot = np.eye(len(labels))[gold]
    n, d = z.shape

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        weight, bias = w[: d * len(labels)].reshape(d, -1), w[d * len(labels) :]
        logits = offset + z @ weight + bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        value = -np.log((p * onehot).sum(axis=1) + 1e-12).mean() + 0.5 * penalty * (weight**2).sum()
        g = (p - onehot) / n
        return float(value), np.concatenate([(z.T @ g + penalty * weight).ravel(), g.sum(axis=0)])

    start = np.zeros(d * len(labels) + len(labels))
    w = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    weight, bias = w[: d * len(labels)].reshape(d, -1), w[d * len(labels) :]
    return SpanContextHead(tuple(labels), mean, scale, weight, bias)


def _score(rows: Rows, probs: np.ndarray, keep: np.ndarray) -> tuple[float, dict[str, float]]:
    """TC micro-F1 and F1 per technique of the kept gold spans, labelled as ``benchmarks/ptc.py`` does."""
    gold: list[TCRow] = []
    pred: list[TCRow] = []
    by_article: dict[str, list[int]] = {}
    for index in np.nonzero(keep)[0]:
        by_article.setdefault(rows.article[int(index)], []).append(int(index))
    for article, ks in by_article.items():
        spans = [(int(rows.start[k]), int(rows.end[k])) for k in ks]
        ranked = rank_for_duplicates(spans, probs[ks], rows.labels)
        for k, (s, e), r in zip(ks, spans, ranked, strict=True):
            gold.append((article, rows.labels[rows.label[k]], s, e))
            pred.append((article, r[0][0], s, e))
    score = score_tc_rows(gold, pred)
    return score.micro_f1, {k: round(v, 4) for k, v in score.per_technique.items()}


def _figures(rows: Rows, probs: np.ndarray) -> dict[str, Any]:
    everything = np.ones(len(rows.label), dtype=bool)
    micro, per = _score(rows, probs, everything)
    return {
        "tc_micro_f1_pooled": round(micro, 4),
        "tc_micro_f1_span_text_new": round(_score(rows, probs, ~rows.seen)[0], 4),
        "tc_micro_f1_span_text_seen_in_training": round(_score(rows, probs, rows.seen)[0], 4),
        "tc_per_technique": per,
        "tc_micro_f1_per_fold": [
            round(_score(rows, probs, rows.fold == k)[0], 4) for k in range(int(rows.fold.max()) + 1)
        ],
    }


def nested_probs(rows: Rows, *, penalty: float = PENALTY) -> np.ndarray:
    """The TC probabilities of every row corrected by the context head fitted on the other folds'
    rows: what the shipped head is to a user's article, out of fold."""
    after = np.zeros_like(rows.probs)
    for k in range(int(rows.fold.max()) + 1):
        train, test = rows.fold != k, rows.fold == k
        head = fit_context_head(
            rows.features[train], rows.probs[train], rows.label[train], rows.labels, penalty=penalty
        )
        z = (rows.features[test] - head.mean) / head.scale
        logits = np.log(rows.probs[test] + 1e-9) + z @ head.weight + head.bias
        logits -= logits.max(axis=1, keepdims=True)
        after[test] = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return after


def evaluate(rows: Rows, *, penalty: float = PENALTY) -> dict[str, Any]:
    """Before/after figures: fold k's spans corrected by a head fitted on the other folds' spans."""
    after = nested_probs(rows, penalty=penalty)
    return {
        "gold_spans": len(rows.label),
        "share_span_text_seen_in_training": round(float(rows.seen.mean()), 4),
        "penalty": penalty,
        "features": list(FEATURES),
        "before": _figures(rows, rows.probs),
        "after": _figures(rows, after),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "ptc" / "train")
    parser.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG, help="the span recipe of the fold models"
    )
    parser.add_argument("--out", type=Path, default=None, help="model folder to write tc_context.npz into")
    parser.add_argument("--report", type=Path, default=None, help="write the before/after figures here")
    parser.add_argument("--rows", type=Path, default=None, help="keep (or reuse) the out-of-fold rows here")
    parser.add_argument("--penalty", type=float, default=PENALTY)
    args = parser.parse_args(argv)
    if args.rows is not None and args.rows.is_file():
        rows = Rows.load(args.rows)
    else:
        rows = collect_rows(args.data, args.config)
        if args.rows is not None:
            rows.save(args.rows)
    report = {
        "task": "PTC TC on gold spans, grouped 3-fold out of fold",
        "command": "python -m unspun.training.span_context --out src/unspun/data/models/ptc-minilm "
        "--report reports/ptc-tc-context.json",
        "config": args.config.name,
        **evaluate(rows, penalty=args.penalty),
    }
    for side in ("before", "after"):
        f = report[side]
        print(
            f"{side}: TC micro-F1 {f['tc_micro_f1_pooled']:.4f}, span text new {f['tc_micro_f1_span_text_new']:.4f}, "
            f"seen {f['tc_micro_f1_span_text_seen_in_training']:.4f}, folds {f['tc_micro_f1_per_fold']}"
        )
    if args.report is not None:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.out is not None:
        head = fit_context_head(rows.features, rows.probs, rows.label, rows.labels, penalty=args.penalty)
        args.out.mkdir(parents=True, exist_ok=True)
        head.to_disk(args.out / FILE_NAME)
        print(f"wrote {args.out / FILE_NAME}")


if __name__ == "__main__":
    main()
