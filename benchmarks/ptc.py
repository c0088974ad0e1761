"""k-fold cross-validation of the span model on the PTC training folder (SI F1, TC micro-F1, speed).

Folds are fixed: article ids sorted numerically, shuffled with ``--seed``, dealt round-robin, with
each group of near-duplicate articles in one fold (``--grouping near-duplicates``, the default:
:mod:`unspun.training.grouping`; ``--grouping random`` for the old ungrouped folds).
For each fold a model is trained on the other folds (``train_span_model``), exported to int8 ONNX
and run on the held-out fold. Scores use the official-style scorers of
``unspun.tasks.ptc_scorer``:

- SI F1 at the config's thresholds, and with the thresholds (extent and peak) tuned on the *other*
  folds' out-of-fold predictions (nested, so no fold is scored with a setting tuned on itself);
- TC micro-F1 on the gold spans, as the official TC task gives them, with the model's lexical
  n-gram head blended in and the context TC head on top (as shipped; fold k's head fitted on the
  other folds' gold spans, :func:`unspun.training.span_context.fold_heads`) and with the neural
  head alone;
- the first fold is also run with the fp32 ONNX export (when kept) to check what int8 costs.

``--teacher-config`` cross-validates a second recipe (e.g. a bigger encoder) on the same folds and
reports it beside the default; with ``--distill`` each fold's default model is distilled from that
recipe's model of the same fold (the teachers are trained first, in ``<work>-teacher``). ``--set``
and ``--epochs`` change the default recipe only; the teacher recipe is read as it is (torch
threads excepted). Prints per-fold and mean figures, articles/s and peak memory; writes
``reports/ptc.json``.

Beside SI F1 each fold reports how whole its spans are (:func:`unspun.models.phrases.boundary_figures`:
``function_word_end_share``, ``inside_word_cuts``) and SI F1 once more after
:func:`unspun.models.phrases.whole_phrases` (``si_f1_whole_phrases``, as the span tagger applies
it), with their figures (``..._whole_phrases``). ``--in-sample N [--model PATH]`` trains nothing:
it reports the same for one model (default: the shipped one) on the first N training articles,
which it has seen, so that only the boundary figures and the change of SI F1 mean something.

    python benchmarks/ptc.py [--folds 3] [--epochs N] [--seed 13] [--reuse] [--set training.lr=5e-5]
                             [--teacher-config CONFIG [--distill]] [--work DIR] [--fresh]

Without ``--work`` the fold models of the plain recipe go to the cache's run folder
(``$UNSPUN_CACHE/runs/<recipe>-folds-<key>``, :mod:`unspun.training.folds`; those of the earlier
``ptc-folds/`` layout are read where they are), are reused whenever they are there, and are the
ones ``unspun train article`` reads its span evidence from. Every fold folder is a run folder
(:mod:`unspun.training.runs`): stopped (even by ``kill -9``), the same command keeps the finished
folds and resumes the fold it was training from its last epoch; ``--fresh`` starts over; a
second run on the same folder is refused.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from unspun.document import Span
from unspun.models.decoding import rank_for_duplicates
from unspun.models.packaged import model_folder
from unspun.models.phrases import boundary_figures, whole_phrases
from unspun.models.span_model import DEFAULT_MODEL, SpanModel
from unspun.paths import shared_data_dir
from unspun.tasks.ptc import read_ptc, si_gold, tc_gold
from unspun.tasks.ptc_scorer import TCRow, score_si_rows, score_tc_rows
from unspun.training.folds import DEFAULT_GROUPING, GROUPINGS, FoldPlan, fold_split, plan_folds, train_fold
from unspun.training.runs import open_run
from unspun.training.span_context import fold_heads
from unspun.training.train_spans import load_config, parse_overrides

ROOT = Path(__file__).resolve().parents[1]
STARTED = time.perf_counter()
LOAD_AT_START = os.getloadavg()
THRESHOLDS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]
PEAKS = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6]
SETTINGS = [(t, p) for t in THRESHOLDS for p in PEAKS if p >= t]
log = logging.getLogger(__name__)


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


def _tc_rows(model: SpanModel, fold: dict[str, Any]) -> tuple[list[TCRow], list[TCRow]]:
    """The gold TC rows of a fold and the model's label for each gold span."""
    gold = tc_gold(fold["articles"])
    pred: list[tuple[str, str, int, int]] = []
    for article, enc in zip(fold["articles"], fold["encoded"], strict=True):
        spans = [(s, e) for i, _, s, e in gold if i == article.id]
        probs = model.technique_probs(article.text, enc, spans)
        ranked = rank_for_duplicates(spans, probs, model.labels)
        pred.extend((article.id, r[0][0], s, e) for (s, e), r in zip(spans, ranked, strict=True))
    return gold, pred


def _tc_f1(model: SpanModel, fold: dict[str, Any]) -> float:
    return score_tc_rows(*_tc_rows(model, fold)).micro_f1


def _span_words(text: str) -> str:
    return " ".join(text.lower().split())


def _tc_generalisation(results: list[dict[str, Any]]) -> dict[str, Any]:
    """TC pooled over the folds, per technique, and split by whether a gold span's words (lower
    case) occur as a gold span in the folds the model trained on: a span text seen in training
    (a slogan, a recurring insult) is easier than a new one, and held-out articles from other
    outlets and times hold fewer of them."""
    gold_all: list[TCRow] = []
    pred_all: list[TCRow] = []
    seen_flags: list[bool] = []
    texts = [{a.id: a.text for a in r["articles"]} for r in results]
    span_texts = [
        {_span_words(t[i][s:e]) for i, _, s, e in tc_gold(r["articles"])}
        for r, t in zip(results, texts, strict=True)
    ]
    for index, r in enumerate(results):
        trained_on = set().union(*(span_texts[j] for j in range(len(results)) if j != index))
        gold, pred = _tc_rows(r["model"], r)
        gold_all += gold
        pred_all += pred
        seen_flags += [_span_words(texts[index][i][s:e]) in trained_on for i, _, s, e in gold]
    pooled = score_tc_rows(gold_all, pred_all)

    def subset(flag: bool) -> float:
        rows = [k for k, f in enumerate(seen_flags) if f == flag]
        return score_tc_rows([gold_all[k] for k in rows], [pred_all[k] for k in rows]).micro_f1

    counts: dict[str, int] = {}
    for _, label, _, _ in gold_all:
        counts[label] = counts.get(label, 0) + 1
    return {
        "tc_micro_f1_pooled": pooled.micro_f1,
        "tc_per_technique": {k: round(v, 4) for k, v in sorted(pooled.per_technique.items())},
        "tc_gold_spans_per_technique": dict(sorted(counts.items())),
        "tc_micro_f1_span_text_seen_in_training": subset(True),
        "tc_micro_f1_span_text_new": subset(False),
        "tc_share_span_text_seen_in_training": float(np.mean(seen_flags)) if seen_flags else 0.0,
    }


def _tc_f1_neural_only(model: SpanModel, fold: dict[str, Any]) -> float:
    ngrams, context = model.ngrams, model.context
    model.ngrams, model.context = None, None
    try:
        return _tc_f1(model, fold)
    finally:
        model.ngrams, model.context = ngrams, context


def _labelled_spans(
    model: SpanModel, fold: dict[str, Any], threshold: float, peak: float
) -> list[list[Span]]:
    """The spans the model labels in each article: at the model's own thresholds exactly as the
    span tagger does (:meth:`SpanModel.labelled_spans`: exclamation cuts and the candidates the
    head confirms included), at other thresholds the decoded spans labelled by the head."""
    if (threshold, peak) == (model.threshold, model.peak):
        return [
            model.labelled_spans(a.text, enc)
            for a, enc in zip(fold["articles"], fold["encoded"], strict=True)
        ]
    out = []
    for article, enc in zip(fold["articles"], fold["encoded"], strict=True):
        found = model.decode(article.text, enc, threshold=threshold, peak=peak)
        probs = model.technique_probs(article.text, enc, [(s, e) for s, e, _ in found])
        out.append(
            [
                Span(s, e, model.labels[int(np.argmax(row))], float(score * row.max()))
                for (s, e, score), row in zip(found, probs, strict=True)
            ]
        )
    return out


def _si_f1_of(articles: list[Any], spans: list[list[Span]]) -> float:
    """SI F1 of given spans, scored as :func:`_si_f1` scores them (overlaps merged by the scorer)."""
    gold = si_gold(articles)
    with_gold = {row[0] for row in gold}
    pred = [
        (a.id, s.start, s.end)
        for a, found in zip(articles, spans, strict=True)
        for s in found
        if a.id in with_gold
    ]
    extra = sum(
        len({(s.start, s.end) for s in found})
        for a, found in zip(articles, spans, strict=True)
        if a.id not in with_gold
    )
    score = score_si_rows(gold, pred)
    denominator = score.pred_spans + extra
    precision = score.precision * score.pred_spans / denominator if denominator else 0.0
    recall = score.recall
    return 2 * precision * recall / (precision + recall) if precision > 0 and recall > 0 else 0.0


def phrase_figures(model: SpanModel, fold: dict[str, Any], threshold: float, peak: float) -> dict[str, float]:
    """SI F1 and boundary figures of the model's labelled spans as decoded and after
    :func:`whole_phrases` (keys ending ``_whole_phrases``)."""
    texts = [a.text for a in fold["articles"]]
    raw = _labelled_spans(model, fold, threshold, peak)
    whole = [whole_phrases(text, spans) for text, spans in zip(texts, raw, strict=True)]
    out: dict[str, float] = {"si_f1_labelled": _si_f1_of(fold["articles"], raw)}
    out.update(boundary_figures(texts, raw))
    out["si_f1_whole_phrases"] = _si_f1_of(fold["articles"], whole)
    out.update({f"{k}_whole_phrases": v for k, v in boundary_figures(texts, whole).items()})
    return out


def _phrase_line(figures: dict[str, float]) -> str:
    return (
        f"SI F1 {figures['si_f1_labelled']:.4f} -> {figures['si_f1_whole_phrases']:.4f} with whole phrases | "
        f"function_word_end_share {figures['function_word_end_share']:.4f} -> "
        f"{figures['function_word_end_share_whole_phrases']:.4f} | inside_word_cuts "
        f"{figures['inside_word_cuts']:.0f} -> {figures['inside_word_cuts_whole_phrases']:.0f} | spans "
        f"{figures['spans']:.0f} -> {figures['spans_whole_phrases']:.0f}"
    )


def in_sample(model_path: Path, data: Path, articles: int, threads: int) -> dict[str, Any]:
    """:func:`phrase_figures` of one model on the first ``articles`` training articles (by id),
    at the model's thresholds, with the gold spans' own boundary figures beside them."""
    ids = sorted((p.stem.removeprefix("article") for p in (data / "articles").glob("article*.txt")), key=int)
    fold = _run_fold(model_path, read_ptc(data, ids=ids[:articles]), threads)
    model = fold["model"]
    figures = phrase_figures(model, fold, model.threshold, model.peak)
    gold = [a.layer("technique") for a in fold["articles"]]
    gold_figures = boundary_figures([a.text for a in fold["articles"]], gold)
    print(f"in-sample, {len(fold['articles'])} training articles, {model_path}: {_phrase_line(figures)}")
    print(
        f"gold spans of these articles: function_word_end_share {gold_figures['function_word_end_share']:.4f}, "
        f"inside_word_cuts {gold_figures['inside_word_cuts']:.0f} of {gold_figures['spans']:.0f}"
    )
    return {
        "task": "ptc-train in-sample boundary figures (the model has seen these articles)",
        "model": str(model_path),
        "articles": len(fold["articles"]),
        **figures,
        "gold": gold_figures,
        "articles_per_s": len(fold["articles"]) / fold["seconds"],
    }


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


def cross_validate(
    config_path: Path,
    data: Path,
    folds: list[list[str]],
    work: Path | None,
    *,
    overrides: dict[str, Any],
    threads: int,
    reuse: bool,
    fresh: bool = False,
    teachers: Path | None = None,
    seed: int = 13,
    grouping: str = DEFAULT_GROUPING,
) -> dict[str, Any]:
    """Train (or reuse) one model per fold with ``config_path`` + ``overrides``, score them.

    With ``teachers`` (the work folder of a teacher recipe's cross-validation), fold k's model is
    distilled from the teacher of fold k, which never saw fold k's articles either. ``work=None``:
    the fold models' run folder in the cache (:func:`unspun.training.folds.plan_folds`), where
    ``unspun train article`` finds them. Finished folds are kept and a fold stopped halfway
    resumes from its last epoch (:mod:`unspun.training.runs`); ``fresh`` starts over; ``reuse``
    also takes unstamped fold models of an older ``--work`` folder."""
    config = load_config(config_path, overrides)
    if work is None:  # the cache's run folder of the recipe, where `unspun train article` looks
        plan = plan_folds(
            config_path, data, folds=len(folds), seed=seed, overrides=overrides, grouping=grouping
        )
        assert plan.held_out == folds, "the cache's split is the benchmark's"
        if fresh:  # start over: fold models of the earlier layout are not reused either
            plan = FoldPlan(config_path, data, folds, overrides, plan.work)
    else:
        plan = FoldPlan(config_path, data, folds, overrides, work)
    results: list[dict[str, Any]] = []
    with open_run(
        plan.work, fresh=fresh, about={"job": "ptc cross-validation", "recipe": str(config_path)}
    ) as run:
        for index, held_out in enumerate(folds):
            done = plan.is_trained(index) or (reuse and (plan.model_dir(index) / "model.onnx").exists())
            if done:
                log.info("%s: fold %d reused from %s", config_path.name, index, plan.model_dir(index))
            else:
                fold_overrides = {**overrides, "export.keep_fp32": index == 0}
                if teachers is not None:
                    fold_overrides["distill.teacher"] = str(teachers / f"fold{index}")
                train_fold(plan, run, index, overrides=fold_overrides, log=log.info)
            results.append(_run_fold(plan.model_dir(index), read_ptc(data, ids=held_out), threads))
            run.tell(f"{config_path.name} folds", index + 1, len(folds))
    # the shipped model's context TC head, nested: fold k's fitted on the other folds' gold spans
    heads = fold_heads(plan, log=log.info)
    for r, head in zip(results, heads, strict=True):
        r["model"].context = head

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
            "tc_micro_f1_neural_only": _tc_f1_neural_only(r["model"], r),
            "articles_per_s": len(r["articles"]) / r["seconds"],
            "tokens_per_s": r["tokens"] / r["seconds"],
            **phrase_figures(r["model"], r, default_t, default_peak),
        }
        report_folds.append(fold)
        print(f"{config_path.name} fold {index}: {_phrase_line(fold)}")
        print(
            f"{config_path.name} fold {index}: SI F1 {fold['si_f1']:.4f} (t={default_t}, peak={default_peak}) | "
            f"tuned on other folds {fold['si_f1_tuned_on_other_folds']:.4f} (t={tuned[0]}, peak={tuned[1]}) | "
            f"TC micro-F1 {fold['tc_micro_f1']:.4f} (neural only {fold['tc_micro_f1_neural_only']:.4f}) | "
            f"{fold['articles_per_s']:.2f} articles/s"
        )
    best = max(grid, key=lambda key: float(np.mean(grid[key])))
    int8_vs_fp32: dict[str, Any] | None = None
    if (plan.model_dir(0) / "model-fp32.onnx").exists():
        fp32 = _run_fold(plan.model_dir(0), results[0]["articles"], threads, onnx_file="model-fp32.onnx")
        fp32["model"].context = heads[0]
        int8_vs_fp32 = {
            "int8_si_f1": grid[best][0],
            "fp32_si_f1": _si_f1(fp32["model"], fp32, *best),
            "int8_tc_micro_f1": report_folds[0]["tc_micro_f1"],
            "fp32_tc_micro_f1": _tc_f1(fp32["model"], fp32),
            "fp32_articles_per_s": len(fp32["articles"]) / fp32["seconds"],
        }

    def mean(key: str) -> float:
        return float(np.mean([f[key] for f in report_folds]))

    return {
        "config": str(config_path.relative_to(ROOT))
        if config_path.is_relative_to(ROOT)
        else str(config_path),
        "overrides": overrides,
        "epochs": int(config["training"]["epochs"]),
        "tc_context": "fold k's context TC head fitted on the other folds' gold spans (span_context.fold_heads)",
        "si_f1": mean("si_f1"),
        "si_f1_tuned_on_other_folds": mean("si_f1_tuned_on_other_folds"),
        **_tc_generalisation(results),
        "tc_micro_f1": mean("tc_micro_f1"),
        "tc_micro_f1_neural_only": mean("tc_micro_f1_neural_only"),
        "articles_per_s": mean("articles_per_s"),
        "tokens_per_s": mean("tokens_per_s"),
        "si_f1_labelled": mean("si_f1_labelled"),
        "si_f1_whole_phrases": mean("si_f1_whole_phrases"),
        "function_word_end_share": mean("function_word_end_share"),
        "function_word_end_share_whole_phrases": mean("function_word_end_share_whole_phrases"),
        "inside_word_cuts": sum(f["inside_word_cuts"] for f in report_folds),
        "inside_word_cuts_whole_phrases": sum(f["inside_word_cuts_whole_phrases"] for f in report_folds),
        "config_threshold": default_t,
        "config_peak_threshold": default_peak,
        "best_threshold": best[0],
        "best_peak_threshold": best[1],
        "si_f1_at_best_pooled": float(np.mean(grid[best])),
        "si_f1_grid": {f"t={t} peak={p}": float(np.mean(grid[(t, p)])) for t, p in SETTINGS},
        "int8_vs_fp32_fold0": int8_vs_fp32,
        "per_fold": report_folds,
    }


def _summary(name: str, report: dict[str, Any]) -> str:
    return (
        f"{name}: SI F1 {report['si_f1']:.4f} | tuned {report['si_f1_tuned_on_other_folds']:.4f} | "
        f"TC micro-F1 {report['tc_micro_f1']:.4f} (neural only {report['tc_micro_f1_neural_only']:.4f}) | "
        f"{report['articles_per_s']:.2f} articles/s | best pooled threshold {report['best_threshold']}, "
        f"peak {report['best_peak_threshold']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = shared_data_dir() / "ptc" / "train"
    parser.add_argument("--data", type=Path, default=default_data, help="PTC training folder")
    parser.add_argument(
        "--config", type=Path, default=ROOT / "src" / "unspun" / "configs" / "ptc-minilm.toml"
    )
    parser.add_argument("--teacher-config", type=Path, default=None, help="also cross-validate this recipe")
    parser.add_argument(
        "--distill",
        action="store_true",
        help="distil each fold's default model from the teacher recipe's model of the same fold",
    )
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=None, help="override the config's epochs")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key"
    )
    parser.add_argument("--seed", type=int, default=13, help="fold shuffling seed")
    parser.add_argument(
        "--grouping",
        choices=GROUPINGS,
        default=DEFAULT_GROUPING,
        help="near-duplicates (default): near-duplicate articles share a fold; random: the old "
        "round-robin folds, for the figures reported before grouping",
    )
    parser.add_argument("--threads", type=int, default=2, help="ONNX Runtime threads")
    parser.add_argument("--train-threads", type=int, default=None, help="override the config's torch threads")
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="fold models go here (default: the cache's fold folder of the recipe, shared with "
        "`unspun train article` and always reused; a distilled run: runs/ptc-cv)",
    )
    parser.add_argument("--reuse", action="store_true", help="reuse fold models already in --work")
    parser.add_argument(
        "--fresh", action="store_true", help="start over: remove the run folders' checkpoints and fold models"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "ptc.json")
    parser.add_argument(
        "--in-sample",
        type=int,
        default=0,
        metavar="N",
        help="train nothing: boundary figures and SI F1 with and without whole phrases of --model on "
        "the first N training articles (in-sample); writes reports/ptc-phrases.json unless --out",
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        help="with --in-sample: the model folder (default: the shipped one)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    for name in ("unspun", __name__):
        logging.getLogger(name).setLevel(logging.INFO)

    if args.in_sample:
        model_path = args.model or model_folder(DEFAULT_MODEL)
        out = args.out if "--out" in sys.argv else ROOT / "reports" / "ptc-phrases.json"
        report = in_sample(model_path, args.data, args.in_sample, args.threads)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        return
    overrides = parse_overrides(args.set)
    if args.epochs:
        overrides["training.epochs"] = args.epochs
    if args.train_threads:
        overrides["training.threads"] = args.train_threads
    folds = fold_split(args.data, args.folds, args.seed, args.grouping)
    if args.distill and not args.teacher_config:
        parser.error("--distill needs --teacher-config: the recipe of the teachers")
    common = {
        "threads": args.threads,
        "reuse": args.reuse,
        "fresh": args.fresh,
        "seed": args.seed,
        "grouping": args.grouping,
    }
    if args.work is None and (args.distill or args.teacher_config):
        args.work = ROOT / "runs" / "ptc-cv"  # a teacher and its students: kept beside each other
    teacher_work = args.work.with_name(args.work.name + "-teacher") if args.work is not None else None
    teacher = None
    if args.teacher_config:  # first: with --distill, the default models learn from these
        teacher_overrides = {k: v for k, v in overrides.items() if k == "training.threads"}
        teacher = cross_validate(
            args.teacher_config, args.data, folds, teacher_work, overrides=teacher_overrides, **common
        )
    student = cross_validate(
        args.config,
        args.data,
        folds,
        args.work,
        overrides=overrides,
        teachers=teacher_work if args.distill else None,
        **common,
    )
    report = {
        "task": "ptc-train cross-validation",
        "folds": args.folds,
        "seed": args.seed,
        "grouping": args.grouping,
        **student,
        "teacher": teacher,
        "peak_rss_mb": _peak_rss_mb(),
        "threads": args.threads,
    }
    print(_summary("default", student))
    if teacher:
        print(_summary("teacher", teacher))
    print(f"int8 vs fp32 (fold 0): {student['int8_vs_fp32_fold0']}; peak RSS {report['peak_rss_mb']:.0f} MB")
    print(
        f"TC micro-F1 pooled {student['tc_micro_f1_pooled']:.4f}: span text seen in training "
        f"{student['tc_micro_f1_span_text_seen_in_training']:.4f} "
        f"({student['tc_share_span_text_seen_in_training']:.0%} of gold spans), new {student['tc_micro_f1_span_text_new']:.4f}"
    )
    report.update(
        command="python " + " ".join(sys.argv),
        wall_s=time.perf_counter() - STARTED,
        load_average_at_start=LOAD_AT_START,
        load_average_at_end=os.getloadavg(),
    )
    write_report(args.out, "grouped" if args.grouping == DEFAULT_GROUPING else "random", report)


def write_report(path: Path, section: str, report: dict[str, Any]) -> None:
    """Write ``report`` as ``section`` (``grouped`` or ``random``) of the JSON file ``path``,
    keeping its other section; a file of the earlier flat layout was a random-fold run and
    becomes the ``random`` section."""
    whole: dict[str, Any] = {}
    if path.is_file():
        whole = json.loads(path.read_text(encoding="utf-8"))
        if "grouped" not in whole and "random" not in whole:
            whole = {"random": whole}
    whole[section] = report
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(whole, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
