"""Who says what: cross-validated figures per task, baselines and speed; JSON report.

One section per task, each a function ``bench_<task>(args) -> dict`` listed in ``TASKS``; run all
or some (``--tasks attributions,entities``). The report ``reports/whosays.json`` is updated per
task, so each task's section can be rerun alone without losing the others.

- ``attributions`` (PolNeAR): k-fold cross-validation on ``train/`` (folds by article, from the
  recipe's ``[cv].folds``), the model trained on all of ``train/`` scored on ``dev/``, a baseline
  (every *say* / *according to* is a cue, the same span rules), and speed (articles/s of the
  parse and of the attribution step on the dev articles);
- ``entities``: recall of the SemEval-2025 Task 10 gold entity mentions (an entity mention of
  ours overlapping each gold one; the mentions are the actors whose roles are annotated) and
  speed of the entity step;
- ``checkworthy`` (CheckThat! 2024 English), ``target-sentiment`` (NewsMTSC) and ``entity-roles``
  (SemEval-2025 Task 10 subtask 1): ``unspun train <task>``'s k-fold cross-validation with the
  shipped config (check-worthiness: folds by debate, the later debates held out, the random
  sentence folds for comparison, dev / dev-test of the head recipe; the shipped model by split,
  ``shipped``: dev, dev-test and its validation model's last debates); entity roles: folds by
  article, calibration and the role-or-none rule cross-fitted; main-role accuracy and EMR also
  under the target's mix of
  main roles, ``mix``: the mentions weighted to 80% Antagonist, with and without the prior shift),
  majority / all-Yes baselines, and speed of the predict step (sentences, targets, articles per
  second).

    python benchmarks/whosays.py [--tasks attributions,entities] [--folds 3] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "reports" / "whosays.json"
SHIPPED_METRICS = ROOT / "src" / "unspun" / "data" / "models" / "attribution-polnear" / "metrics.json"
CHECKWORTHY_MODEL = ROOT / "src" / "unspun" / "data" / "models" / "checkworthy-en"
SENTIMENT_MODEL = ROOT / "src" / "unspun" / "data" / "models" / "target-sentiment-en"
PARTS = ("source", "cue", "content")


def _f1s(scores: dict[str, float]) -> dict[str, float]:
    return {part: round(scores[f"attribution_{part}_f1"], 4) for part in PARTS}


def bench_attributions(args: argparse.Namespace) -> dict[str, Any]:
    from unspun.tasks.polnear import read_polnear
    from unspun.training.train_attributions import fit_articles, read_recipe, score_articles
    from unspun.whosays.attribution_model import AttributionModel, load_attribution_model
    from unspun.whosays.parsing import load_spacy, parse_texts

    recipe = read_recipe(ROOT / "src" / "unspun" / "configs" / "attributions-polnear.toml")
    settings = recipe["model"]
    folds = args.folds or int(recipe.get("cv", {}).get("folds", 3))
    nlp = load_spacy(settings["spacy_model"])
    polnear = Path(args.data) / "whosays"
    train = list(read_polnear(polnear / recipe["data"]["train"]))
    dev = list(read_polnear(polnear / recipe["data"]["dev"]))
    if args.limit:
        train = train[: args.limit]
    started = time.perf_counter()
    train_parses = parse_texts(nlp, [a.text for a in train], max_chars=settings["max_chars"])
    dev_started = time.perf_counter()
    dev_parses = parse_texts(nlp, [a.text for a in dev], max_chars=settings["max_chars"])
    parse_seconds = time.perf_counter() - dev_started
    print(f"parsed {len(train)} train + {len(dev)} dev articles in {time.perf_counter() - started:.0f} s")

    per_fold: list[dict[str, float]] = []
    for k in range(folds):
        fit_idx = [i for i in range(len(train)) if i % folds != k]
        test_idx = [i for i in range(len(train)) if i % folds == k]
        model = fit_articles([train[i] for i in fit_idx], [train_parses[i] for i in fit_idx], settings)
        scores = _f1s(
            score_articles(model, [train[i] for i in test_idx], [train_parses[i] for i in test_idx])
        )
        per_fold.append(scores)
        print(f"fold {k}: {scores}")
    cv = {part: round(sum(f[part] for f in per_fold) / folds, 4) for part in PARTS}

    full = fit_articles(train, train_parses, settings)
    found_started = time.perf_counter()
    dev_scores = score_articles(full, dev, dev_parses)
    find_seconds = time.perf_counter() - found_started
    baseline = AttributionModel(
        lexicon=frozenset({"say", "accord"}),
        include=full.include,
        extend=full.extend,
        weights={"bias": 1.0},
        threshold=0.5,
    )  # every candidate "say" / "according" kept (probability 0.73)
    return {
        "data": "PolNeAR v1.0.0 train/ (CV) and dev/; one annotator per article (first id)",
        "metric": "exact-match F1 per part (unspun evaluate attributions)",
        "train_articles": len(train),
        "folds": folds,
        "cv_f1": cv,
        "cv_per_fold": per_fold,
        "dev_f1": _f1s(dev_scores),
        "dev_scores": {k: round(v, 4) for k, v in dev_scores.items()},
        "baseline_say_dev_f1": _f1s(score_articles(baseline, dev, dev_parses)),
        "targets": {"source": 0.70, "cue": 0.70, "content": 0.60},
        # The shipped model is fit on all of train/ (``unspun train attributions``), which --limit
        # may leave out: scored here on dev/ with today's rules (what the README shows), and as its
        # training run recorded it (metrics.json, the rules of that day).
        "shipped_dev_f1": _f1s(score_articles(load_attribution_model(), dev, dev_parses)),
        "shipped_dev_f1_at_training": _f1s(json.loads(SHIPPED_METRICS.read_text())["dev"]),
        "speed": {
            "dev_articles": len(dev),
            "parse_articles_per_s": round(len(dev) / parse_seconds, 2),
            "attribution_articles_per_s": round(len(dev) / find_seconds, 2),
        },
    }


def bench_entities(args: argparse.Namespace) -> dict[str, Any]:
    from unspun.document import Article
    from unspun.pipeline.entities import EntityRecognizer
    from unspun.tasks.entity_roles import read_documents, read_roles

    folder = Path(args.data) / "whosays" / "semeval2025-entity-framing" / "train"
    gold = read_roles(folder / "subtask-1-annotations.txt")
    texts = read_documents(folder / "raw-documents", {g.article_id for g in gold})
    articles = [Article(id=name, text=text, language="en") for name, text in texts.items()]
    recognizer = EntityRecognizer()
    recognizer.load()
    started = time.perf_counter()
    for i in range(0, len(articles), 8):
        recognizer(articles[i : i + 8])
    seconds = time.perf_counter() - started
    mentions = {a.id: [(m.start, m.end) for e in a.entities for m in e.mentions] for a in articles}
    found = sum(
        any(s <= g.end and g.start < e for s, e in mentions[g.article_id]) for g in gold
    )  # gold end is inclusive
    return {
        "data": "SemEval-2025 Task 10 subtask 1 English train: gold role mentions",
        "gold_mentions": len(gold),
        "mention_recall": round(found / len(gold), 4),
        "articles": len(articles),
        "entities_per_article": round(sum(len(a.entities) for a in articles) / len(articles), 2),
        "speed": {"articles_per_s": round(len(articles) / seconds, 2)},
    }


def _whosays_training(task: str, args: argparse.Namespace, config: Path | None = None) -> dict[str, Any]:
    """Cross-validated figures of one claims/portrayal task: ``unspun train <task>`` with the shipped
    config (or ``config``) into a temporary folder (the features come from the training cache when
    present)."""
    import tempfile

    from unspun.training.defaults import default_train_config
    from unspun.training.train_whosays import train_whosays

    with tempfile.TemporaryDirectory() as tmp:
        recipe = config or default_train_config(task)
        return train_whosays(task, recipe, Path(args.data) / "whosays", Path(tmp))


def _checkworthy_split(y: Any, p: Any, alone: Any, threshold: float, ids: list[str]) -> dict[str, Any]:
    """F1 of the Yes class of probabilities ``p`` (a sentence that states nothing already at 0)
    against 0/1 ``y``: at ``threshold``, at each threshold the trainers choose from and the best of
    them; and of the model's own probabilities ``alone``, the ECE, the Platt ``(a, b)`` that
    would recalibrate them on this split (``a`` > 1: less confident than they could be here,
    ``b`` > 0: they miss Yes) and ``cross_f1``: F1 with each half of the split (by sentence ``ids``)
    recalibrated and thresholded on the other (how ``validate_on = "dev_test"`` scores)."""
    import numpy as np

    from unspun.models.linear_head import fit_platt_newton, logit
    from unspun.tasks.checkthat import THRESHOLDS, best_threshold, f1_yes
    from unspun.training.calibration import reliability_report
    from unspun.training.checkworthy_finetune import cross_fitted_f1

    a, b = fit_platt_newton(logit(alone), np.asarray(y, dtype=np.float64))
    return {
        "sentences": len(y),
        "yes_rate": round(float(np.mean(y)), 4),
        "mean_probability": round(float(np.mean(alone)), 4),
        "f1": round(f1_yes(y, p, threshold), 4),
        "best_threshold": best_threshold(y, p),
        "f1_by_threshold": {f"{t:.2f}": round(f1_yes(y, p, t), 4) for t in THRESHOLDS},
        "ece": reliability_report(alone, y)["ece"],
        "recalibration": {"a": round(a, 3), "b": round(b, 3)},
        "cross_f1": round(cross_fitted_f1(ids, logit(alone), np.asarray(y)), 4),
    }


def _shipped_checkworthy(args: argparse.Namespace) -> dict[str, Any]:
    """The shipped model by split, from the most like its training to the most like the official
    test: dev (other sentences of the 33 training debates), dev-test (later debates), and the last 3
    training debates as its recipe's validation model scored them (quoted from training.json).
    Scored as the claims component does: the model's probability, 0 for a sentence that states
    nothing (``claims.states_nothing``); ``model_alone_f1`` without that rule."""
    import numpy as np

    from unspun.pipeline.claims import load_claim_model, sentence_probabilities, states_nothing
    from unspun.tasks.checkthat import f1_yes, labels_of, read_checkthat
    from unspun.whosays.parsing import load_spacy

    model = load_claim_model(CHECKWORTHY_MODEL)
    nlp = load_spacy()
    folder = Path(args.data) / "whosays" / "checkthat2024-en"
    out: dict[str, Any] = {"threshold": model.threshold}
    for name, split in (("dev", "dev"), ("dev_test", "dev-test")):
        rows = read_checkthat(folder / f"CT24_checkworthy_english_{split}.tsv")
        texts = [r.text for r in rows]
        y = np.asarray(labels_of(rows))
        alone = sentence_probabilities(model, texts)
        nothing = np.array([states_nothing(list(doc)) for doc in nlp.pipe(texts)], dtype=bool)
        p = np.where(nothing, 0.0, alone)
        out[name] = _checkworthy_split(y, p, alone, model.threshold, [r.id for r in rows])
        out[name]["model_alone_f1"] = round(f1_yes(y, alone, model.threshold), 4)
        over = alone >= model.threshold
        out[name]["states_nothing_dropped"] = {
            "yes": int((nothing & over & (y == 1)).sum()),
            "no": int((nothing & over & (y == 0)).sum()),
        }
    shipped = json.loads((CHECKWORTHY_MODEL / "training.json").read_text(encoding="utf-8"))
    validation = shipped["validation"]
    chosen = next(e for e in validation["epochs"] if e["epoch"] == validation["chosen_epoch"])
    # validate_on = "dev_test": the shipped model trained on dev and dev-test too, so its figures
    # there are of seen sentences; the validation model's dev-test figure is the one to believe.
    seen = validation.get("held_out") == "dev_test"
    for name in ("dev", "dev_test"):
        out[name]["seen_in_training"] = seen
    if seen:
        out["validation"] = {
            "split": "dev_test",
            "sentences": validation["sentences"]["dev_test"],
            "f1": chosen["dev_test_cross_f1"],
            "f1_own_choice": chosen["dev_test_f1"],
            "threshold": chosen["threshold"],
            "f1_by_threshold": chosen["dev_test_f1_by_threshold"],
            "from": (
                "training.json: the recipe's validation model (fine-tuned on train and dev, the 33 "
                "training debates) on dev-test (later debates); f1: each half of dev-test (by id) "
                "calibrated and thresholded on the other half; f1_own_choice: on the whole of dev-test"
            ),
        }
        return out
    out["late_debates"] = {
        "sentences": validation["sentences"]["late"],
        "f1": chosen["late_f1"],
        "threshold": chosen["threshold"],
        "f1_by_threshold": chosen["late_f1_by_threshold"],
        "from": (
            "training.json: the recipe's validation model (fine-tuned on the 27 earliest debates, "
            "calibrated and thresholded on the 3 after them) on the last 3; its own calibration"
        ),
    }
    out["validation"] = {"split": "late_debates", **out["late_debates"]}
    return out


def bench_checkworthy(args: argparse.Namespace) -> dict[str, Any]:
    from unspun.paths import packaged_configs_dir
    from unspun.tasks.checkthat import read_checkthat
    from unspun.training.whosays_predictions import predict_checkworthy

    # The shipped model is a fine-tuned classifier (an hour of CPU a run: its validation is in its
    # training.json, quoted below); the cross-validation here is the frozen-feature head recipe
    # it replaced, which runs in minutes.
    report = _whosays_training("checkworthy", args, packaged_configs_dir() / "checkworthy.toml")
    shipped = json.loads((CHECKWORTHY_MODEL / "training.json").read_text(encoding="utf-8"))
    rows = read_checkthat(
        Path(args.data) / "whosays" / "checkthat2024-en" / "CT24_checkworthy_english_dev-test.tsv"
    )
    predict_checkworthy(rows[:8])  # load the models
    started = time.perf_counter()
    predict_checkworthy(rows)
    seconds = time.perf_counter() - started
    late = report.get("late", {})
    return {
        "data": (
            f"CheckThat! 2024 Task 1 English: 5-fold CV on train with folds by {report['split']} "
            f"({report['debates']} debates), the last {late.get('debates', 0)} debates by id scored by "
            "a head fitted, calibrated and thresholded on the earlier ones, the model fitted on train "
            "on dev and dev-test"
        ),
        "metric": "F1 of the Yes class",
        "split": report["split"],
        "cv_f1": round(report["cv_f1"], 4),
        "random_cv_f1": round(report.get("random_cv_f1", report["cv_f1"]), 4),
        "late_f1": round(late.get("f1", float("nan")), 4),
        "late_ece": late.get("reliability", {}).get("ece"),
        "cv_ece": report["cv_reliability"]["ece"],
        "dev_f1": round(report["dev_f1"], 4),
        "dev_test_f1": round(report["dev_test_f1"], 4),
        "threshold": report["threshold"],
        "threshold_from": report.get("threshold_from"),
        "dev_test_f1_by_threshold": {k: round(v, 4) for k, v in report["dev_test_f1_by_threshold"].items()},
        "baselines": {"all_yes_cv_f1": round(report["all_yes_cv_f1"], 4), "majority_no_f1": 0.0},
        "speed": {"sentences_per_s": round(len(rows) / seconds, 1), "model": "shipped"},
        "recipe": "frozen-feature head (configs/checkworthy.toml), the recipe the shipped model replaced",
        "shipped": _shipped_checkworthy(args),
        "shipped_fine_tuned": {
            "late_f1": shipped["validation"].get("late_f1"),  # of the chosen epoch
            "dev_test_cross_f1": shipped["validation"].get("dev_test_cross_f1"),  # validate_on dev_test
            "dev_test_seen": shipped.get("dev_test_seen", False),
            "dev_test_f1": shipped.get("dev_test_f1"),
            "from": "src/unspun/data/models/checkworthy-en/training.json (unspun train checkworthy)",
        },
    }


def bench_target_sentiment(args: argparse.Namespace) -> dict[str, Any]:
    from unspun.paths import packaged_configs_dir
    from unspun.tasks.newsmtsc import read_rows
    from unspun.training.whosays_predictions import predict_target_sentiment

    # The shipped model is MiniLM fine-tuned (about 16 min an epoch: its validation on held-out
    # articles is in its training.json, quoted below); the cross-validation here is the
    # frozen-feature head recipe it replaced, which runs in minutes.
    report = _whosays_training(
        "target-sentiment", args, packaged_configs_dir() / "target-sentiment-head.toml"
    )
    shipped = json.loads((SENTIMENT_MODEL / "training.json").read_text(encoding="utf-8"))
    rows = read_rows(Path(args.data) / "whosays" / "newsmtsc" / "train.jsonl")[:300]
    predict_target_sentiment(rows[:8])
    started = time.perf_counter()
    predict_target_sentiment(rows)
    seconds = time.perf_counter() - started
    return {
        "data": "NewsMTSC train: 5-fold CV, folds by sentence",
        "metric": "macro-F1 over negative / neutral / positive",
        "cv_macro_f1": round(report["cv_macro_f1"], 4),
        "cv_accuracy": round(report["cv"]["sentiment_accuracy"], 4),
        "cv_f1_per_class": {k: round(v, 4) for k, v in report["cv"]["sentiment_f1"].items()},
        "baselines": {"majority_cv_macro_f1": round(report["majority_cv_macro_f1"], 4)},
        "speed": {
            "targets_per_s": round(sum(len(r["targets"]) for r in rows) / seconds, 1),
            "model": "shipped",
        },
        "recipe": "frozen-feature head (configs/target-sentiment-head.toml), the recipe the shipped model replaced",
        "shipped": _shipped_checkworthy(args),
        "shipped_fine_tuned": {
            # the validation model's (the same recipe on 80% of the articles); the shipped one is
            # refitted on every target and has no held-out figure of its own
            "held_out_articles_macro_f1": shipped["validation"]["held_macro_f1"],
            "held_out_articles_macro_f1_int8": shipped.get("validation_model_int8_held", {}).get("macro_f1"),
            "head_same_split_macro_f1": shipped["validation"]["head"]["macro_f1"],
            "held_out_targets": shipped["validation"]["targets"]["held"],
            "from": "src/unspun/data/models/target-sentiment-en/training.json (unspun train target-sentiment)",
        },
    }


def bench_entity_roles(args: argparse.Namespace) -> dict[str, Any]:
    from unspun.tasks.entity_roles import read_mentions
    from unspun.training.whosays_predictions import predict_entity_roles

    report = _whosays_training("entity-roles", args)
    folder = Path(args.data) / "whosays" / "semeval2025-entity-framing" / "train"
    mentions = read_mentions(folder / "subtask-1-annotations.txt")
    articles = sorted({m.article_id for m in mentions})[:40]
    sample = [m for m in mentions if m.article_id in articles]
    started = time.perf_counter()
    predict_entity_roles(folder / "raw-documents", sample)
    seconds = time.perf_counter() - started
    chosen = report[f"cv_main_from_{report['main_from']}"]
    return {
        "data": "SemEval-2025 Task 10 subtask 1 English train: 5-fold CV, folds by article",
        "metric": "exact match ratio of the fine-grained roles",
        "cv_emr": round(report["cv_emr"], 4),
        "cv_micro_f1": round(chosen["roles_micro_f1"], 4),
        "cv_main_accuracy": round(chosen["roles_main_accuracy"], 4),
        "cv_emr_main_from_fine": round(report["cv_main_from_fine"]["roles_emr"], 4),
        "main_role": report.get("main_role"),
        # out of fold under the training mix and the target's (mentions weighted to its prior):
        # majority, calibrated and shifted to the target prior (what predict entity-roles writes)
        "mix": report.get("mix"),
        "role_thresholds": report.get("role_thresholds"),
        "baselines": {"majority_cv_emr": round(report["majority_cv_emr"], 4)},
        "speed": {"articles_per_s": round(len(articles) / seconds, 2), "mentions": len(sample)},
    }


TASKS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "attributions": bench_attributions,
    "entities": bench_entities,
    "checkworthy": bench_checkworthy,
    "target-sentiment": bench_target_sentiment,
    "entity-roles": bench_entity_roles,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", default=",".join(TASKS), help="comma-separated: " + ", ".join(TASKS))
    parser.add_argument("--folds", type=int, default=0, help="CV folds (0: the recipe's)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N training articles")
    parser.add_argument(
        "--data", default=os.environ.get("UNSPUN_SHARED_DATA", str(ROOT.parent / "shared" / "data"))
    )
    parser.add_argument("--out", default=str(REPORT))
    args = parser.parse_args()
    out = Path(args.out)
    report: dict[str, Any] = json.loads(out.read_text()) if out.is_file() else {}
    for task in args.tasks.split(","):
        if task not in TASKS:
            parser.error(f"unknown task {task!r}; known: {', '.join(TASKS)}")
        started = time.perf_counter()
        result = TASKS[task](args)
        result["seconds"] = round(time.perf_counter() - started, 1)
        report[task] = result
        report["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(task, json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
