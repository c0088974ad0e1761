"""Cross-validated SemEval-2023 Task 3 figures per language, next to a majority baseline, and speed.

Folds are fixed so every run scores the same splits; thresholds of fold k are tuned on the other
folds only. ``grouped`` (the figures to trust): near-duplicate articles share a fold
(:func:`unspun.training.train_semeval2023.grouped_fold_of`); ``languages``: the folds by a hash of
the language/article id alone, kept beside them for one release. Figures use the official-style
scorers of :mod:`unspun.tasks.semeval2023_scorer`:

* genre: macro-F1 (baseline: the majority genre of the training folds), per-genre precision and
  recall, and ``genre_macro_f1_shifted``: the same predictions reweighted to a reporting-heavy mix
  (:data:`SHIFTED_MIX`, 60% reporting / 30% opinion / 10% satire), an estimate for held-out news
  that is mostly reporting while the English training articles are mostly opinion;
* frames: micro-F1 (baseline: the language's 4 most common frames in the training folds);
* paragraphs: micro-F1 (baseline: the language's most common technique on every paragraph).

English genre on news of 2022-24: the hand-labelled articles of the config's ``[genre.extra]``
(``src/unspun/configs/genre-en-news.tsv``, mostly reporting, as held-out English news is)
are scored out-of-fold, next to a head trained on the SemEval-2023 rows alone: macro-F1 as the
official scorer computes it, the predicted mix and the confusion counts. These rows are left out
of the per-language English figures, which stay on the SemEval-2023 labels.

English paragraphs with and without span evidence: with ``[paragraphs.spans]`` in the config,
the paragraph techniques are cross-validated a second time without the span evidence head and,
when the config mixes in paragraph vectors, a third time with the span features only, plus a
stricter check of the vector head (:func:`paragraph_vector_variants`); English micro-F1 is
printed for each, on all English articles and on the reporting and opinion articles apart
(held-out English is mostly reporting).

Paragraphs of fr / de / it / pl / ru with and without the multilingual span evidence: the
paragraph head cross-validated on the multilingual span model's grouped folds, alone and with the
evidence head mixed in (``paragraphs_micro_f1_span_folds`` / ``paragraphs_micro_f1_span_evidence``
in ``grouped``; ``--paragraph-evidence-only`` computes these alone).

Speed: the packaged components (language, genre, frames, paragraphs) on English articles.

The span predictions and fold models the span evidence needs are built into ``$UNSPUN_CACHE``
first when missing, as ``unspun train article`` builds them (and reused when there).

The out-of-fold scores of each task are kept in a run folder (``$UNSPUN_CACHE/runs/semeval2023-cv-<digest
of config, seed and data>``, :mod:`unspun.training.runs`): a stopped run keeps the tasks it finished,
a second run on the folder is refused, ``--fresh`` computes them again.

Run: ``python benchmarks/semeval2023.py [--data DIR] [--config FILE] [--out reports/semeval2023.json] [--fresh]``
(``--spans-only [--write-calibration]``: the multilingual span figures alone, with the reliability
of their scores, and the calibration stored beside the shipped model).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from unspun.article_level import load_article_components, run_components
from unspun.models.linear_head import fit_linear_head
from unspun.models.span_evidence import blend
from unspun.tasks.semeval2023 import GENRES, load_subtask
from unspun.tasks.semeval2023_scorer import score_frame_labels, score_genre_labels, score_paragraph_labels
from unspun.techniques import FRAME_LABELS, SEMEVAL23_LABELS
from unspun.training.article_tables import Table, is_extra
from unspun.training.defaults import default_train_config, default_train_data
from unspun.training.folds import fold_split
from unspun.training.runs import Run, atomic_file, data_identity, open_run, run_folder
from unspun.training.thresholds import reweighted_macro_f1
from unspun.training.train_semeval2023 import (
    article_texts,
    cross_validate,
    decide_out_of_fold,
    ensure_span_evidence,
    fit_task,
    fold_of,
    genre_shift,
    grouped_fold_of,
    load_config,
    prepare,
    shift_rows,
    span_predictions_path,
    task_scores,
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


def _train_rows(
    table: Table, rows: np.ndarray, folds: int, fold: np.ndarray | None = None
) -> tuple[list[np.ndarray], np.ndarray]:
    """Per fold k, the rows of ``rows`` outside fold k (what a baseline may learn from); the folds
    (``fold``: each row's fold, default :func:`fold_of` its article)."""
    if fold is None:
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


def score_language(
    data: Any,
    cfg: dict[str, Any],
    oof: dict[str, Any],
    lang: str,
    folds_of: dict[str, np.ndarray] | None = None,
) -> dict[str, float]:
    """Official-style figures and baselines of one language (``folds_of``: per task, each row's
    fold where the out-of-fold figures used other folds than :func:`fold_of`)."""
    folds = int(cfg["data"]["folds"])
    folds_of = folds_of or {}
    out: dict[str, float] = {}

    table = data.genre
    rows = (np.array(table.langs) == lang) & ~np.array([is_extra(a) for a in table.articles])
    ids = [a for a, r in zip(table.articles, rows, strict=True) if r]
    gold = {i: GENRES[y] for i, y in zip(ids, table.y[rows], strict=True)}
    pred = {i: GENRES[y] for i, y in zip(ids, oof["genre"][1][rows], strict=True)}
    out["genre_macro_f1"], out["genre_micro_f1"] = score_genre_labels(gold, pred)
    train, fold = _train_rows(table, rows, folds, folds_of.get("genre"))
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
        train, fold = _train_rows(table, rows, folds, folds_of.get(task))
        base: dict[str, list[str]] = {}
        top = 4 if task == "frames" else 1
        for k in range(folds):
            common = [labels[j] for j in np.argsort(-table.y[train[k]].sum(axis=0), kind="stable")[:top]]
            base.update({key: common for key, f in zip(keys, fold[rows], strict=True) if f == k})
        out[f"{task}_micro_f1_baseline"] = scorer(gold_sets, base)[0]
    return {k: round(float(v), 4) for k, v in out.items()}


def genre_news_figures(data: Any, cfg: dict[str, Any], oof: dict[str, Any], seed: int) -> dict[str, Any]:
    """English genre on the hand-labelled news articles of ``[genre.extra]``, two ways side by side.

    ``cross_validated``: their out-of-fold predictions (the shipped recipe, folds as everywhere
    else); ``semeval_rows_only``: a head fitted on the SemEval-2023 rows alone, which never sees
    them. Empty if the config has no extra articles.
    """
    table = data.genre
    extra = np.array([is_extra(a) for a in table.articles])
    if not extra.any():
        return {}
    ids = [a for a, e in zip(table.articles, extra, strict=True) if e]
    gold = {i: GENRES[y] for i, y in zip(ids, table.y[extra], strict=True)}
    alone = task_scores(fit_task(table, ~extra, "genre", cfg, seed), table, extra)
    shifts = shift_rows(genre_shift(cfg), [lang for lang, e in zip(table.langs, extra, strict=True) if e])
    predictions = {
        "cross_validated": oof["genre"][1][extra],
        "semeval_rows_only": (np.log(alone + 1e-12) + shifts).argmax(axis=1),
    }
    out: dict[str, Any] = {"articles": len(ids), "gold_mix": dict(Counter(gold.values()))}
    for name, predicted in predictions.items():
        pred = {i: GENRES[k] for i, k in zip(ids, predicted, strict=True)}
        macro, micro = score_genre_labels(gold, pred)
        out[name] = {
            "macro_f1": round(macro, 4),
            "accuracy": round(micro, 4),
            "predicted_mix": dict(Counter(pred.values())),
            "confusion": dict(sorted(Counter(f"{gold[i]}->{pred[i]}" for i in ids).items())),
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


def paragraph_evidence_figures(
    data: Any, cfg: dict[str, Any], oof: dict[str, Any], seed: int, lang: str = "en"
) -> dict[str, Any]:
    """``lang`` paragraph micro-F1 with the span evidence head (the config) and without it, on all
    articles and per SemEval-2023 genre; empty if the config has no ``[paragraphs.spans]``."""
    table = data.paragraphs
    if not cfg["paragraphs"].get("spans") or table.has_evidence is None:
        return {}
    plain_cfg = copy.deepcopy(cfg)
    del plain_cfg["paragraphs"]["spans"]
    variants = {
        "with_spans": oof["paragraphs"][1],
        "without_spans": cross_validate(table, "paragraphs", plain_cfg, seed)[1],
    }
    if table.vectors is not None:
        variants.update(paragraph_vector_variants(data, cfg, seed))
    genre = {a: GENRES[y] for a, y in zip(data.genre.articles, data.genre.y, strict=True)}
    langs = np.array(table.langs)
    subsets = {"all": langs == lang}
    for name in ("reporting", "opinion"):
        subsets[name] = subsets["all"] & np.array([genre.get(a) == name for a in table.articles])
    out: dict[str, Any] = {"paragraphs_with_evidence": int(table.has_evidence[subsets["all"]].sum())}
    for name, rows in subsets.items():
        keys = [f"{a}_{p}" for (a, p), r in zip(table.keys, rows, strict=True) if r]
        gold = dict(zip(keys, _sets(table.y[rows], SEMEVAL23_LABELS), strict=True))
        figures = {}
        for variant, decisions in variants.items():
            predicted = dict(zip(keys, _sets(decisions[rows], SEMEVAL23_LABELS), strict=True))
            figures[variant] = round(score_paragraph_labels(gold, predicted)[0], 4)
        out[name] = {"paragraphs": len(keys), **figures}
    return out


def paragraph_vector_variants(data: Any, cfg: dict[str, Any], seed: int) -> dict[str, np.ndarray]:
    """Out-of-fold paragraph decisions (a) with the span features but no paragraph vectors, and
    (b) the stricter check of the vector head: it learns from the paragraphs of two PTC folds,
    whose vectors come from two fold models, and scores the third fold's, whose vectors come from
    a model it never saw (as the shipped head meets the full span model's vectors); mixed into
    (a)'s scores, decided with thresholds tuned on the other SemEval folds as everywhere here."""
    table = data.paragraphs
    spans = cfg["paragraphs"]["spans"]
    features_cfg = copy.deepcopy(cfg)
    features_cfg["paragraphs"]["spans"]["vector_share"] = 0.0
    scores, decisions = cross_validate(table, "paragraphs", features_cfg, seed)
    ptc_folds = fold_split(default_train_data("spans"), 3, seed)  # the fold models' split
    ptc_fold = {article: k for k, ids in enumerate(ptc_folds) for article in ids}
    group = np.array([ptc_fold.get(a.split("/", 1)[1], -1) for a in table.articles])
    covered = table.has_evidence & (group >= 0)
    mixed = scores.copy()
    share = float(spans["vector_share"])
    for k in range(len(ptc_folds)):
        train, test = covered & (group != k), covered & (group == k)
        head = fit_linear_head(
            table.vectors[train], table.y[train], SEMEVAL23_LABELS, multi_label=True, c=float(spans["vector_c"]), seed=seed
        )  # fmt: skip
        mixed[test] = blend(scores[test], head.scores(table.vectors[test]), share)
    folds = int(cfg["data"]["folds"])
    strict = decide_out_of_fold(table, mixed, folds, min_positives=int(cfg["paragraphs"]["min_positives"]))
    return {"span_features_only": decisions, "vectors_from_unseen_fold_models": strict}


def _out_of_fold(
    run: Run,
    data: Any,
    task: str,
    cfg: dict[str, Any],
    seed: int,
    fold: np.ndarray | None = None,
    name: str = "",
) -> tuple[np.ndarray, np.ndarray]:
    """The out-of-fold scores and decisions of ``task`` (``fold``: each row's fold, default
    :func:`fold_of`; ``name`` tells the kept files of other folds apart), kept in the run folder
    once computed (a stopped benchmark keeps the tasks it finished; ``--fresh`` computes them
    again)."""
    step = f"{task}-oof{name}"
    path = run.path(f"{step}.npz")
    if run.is_done(step):
        with np.load(path) as npz:
            return npz["scores"], npz["decisions"]
    started = time.perf_counter()
    scores, decisions = cross_validate(getattr(data, task), task, cfg, seed, fold=fold)
    with atomic_file(path) as handle:
        np.savez(handle, scores=scores, decisions=decisions)
    run.mark_done(step, seconds=time.perf_counter() - started)
    return scores, decisions


def grouped_folds_of(data: Any, data_dir: Path, cfg: dict[str, Any]) -> dict[str, np.ndarray]:
    """Per task, each row's fold with near-duplicate articles kept together
    (:func:`grouped_fold_of`, as ``benchmarks/calibration.py`` and ``genre_validation.py`` use)."""
    texts = article_texts(data_dir, cfg)
    folds = int(cfg["data"]["folds"])
    return {
        task: grouped_fold_of(getattr(data, task).articles, texts, folds)
        for task in ("genre", "frames", "paragraphs")
    }


def write_span_figures(data: Path | None, out: Path, seed: int, *, write_calibration: bool = False) -> None:
    """Span F1 per language (SemEval-2020 SI definition over the SemEval-2023 span files, labels
    ignored) on grouped folds: the multilingual span tagger at each threshold, with the sentence
    stacker it ships (``stacked``: the threshold chosen on the other folds), every sentence as a
    span, and a sentence classifier over USE vectors (threshold 0.4); the technique accuracy on the
    gold spans; how honest the shown spans' scores are (``reliability`` per language: reliability
    tables and ECE of the raw and calibrated scores, ``calibration``: the mapping and its
    variants), the mapping written beside the shipped model with ``write_calibration``. Kept
    beside the other sections of ``out``."""
    from unspun.models.multilingual_spans import MultilingualSpanTagger
    from unspun.models.packaged import model_folder
    from unspun.paths import shared_data_dir
    from unspun.training import multilingual_spans

    shipped = model_folder("spans-multilingual")
    tagger = MultilingualSpanTagger.from_disk(shipped)
    layer = tagger.layer  # the shipped model's layer and encoder file
    onnx = shipped / tagger.encoder_onnx if tagger.encoder_onnx else None
    languages = ["fr", "de", "it", "pl", "ru"]
    data_dir = data or shared_data_dir() / "semeval2023"
    prepared = multilingual_spans.prepare(data_dir, languages, layer=layer, onnx=onnx)
    digest = multilingual_spans.encoder_digest(layer, onnx)
    folder = multilingual_spans.cv_run_folder(languages, k=5, seed=seed, layer=layer, encoder=digest)
    figures = multilingual_spans.cross_validate(
        prepared, seed=seed, run_folder=folder
    )  # folds kept by training
    figures["layer"] = layer
    figures["encoder"] = "int8 ONNX" if onnx is not None else "torch fp32"
    figures["command"] = " ".join(["python", *sys.argv])
    calibration = figures["calibration"]
    print(
        f"span scores, right = {calibration['right']}; chosen: {calibration['chosen']} {calibration['mapping']}"
    )
    for lang, row in figures["languages"].items():
        table = row["reliability"]
        print(
            f"{lang}: {table['spans']} spans, right {table['share_right']:.3f}, mean score "
            f"{table['mean_score_raw']:.3f} -> {table['mean_score_calibrated']:.3f}, ECE "
            f"{table['raw']['ece']:.3f} -> {table['calibrated']['ece']:.3f}"
        )
    if write_calibration:
        from unspun.training.multilingual_calibration import write_calibration as write

        print(f"calibration written to {write(shipped, calibration)}")
    report = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    report["spans"] = figures
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out}")


def paragraph_evidence_figures_multilingual(
    data: Path | None, config: Path | None, seed: int, grouped: dict[str, Any]
) -> dict[str, Any] | None:
    """The fr / de / it / pl / ru paragraph micro-F1 with the shipped multilingual span evidence
    head's recipe against the paragraph head alone, both on the span model's grouped folds
    (:func:`unspun.training.multilingual_paragraphs.measure`: out-of-fold evidence, thresholds
    tuned on the other folds), merged into ``grouped[lang]`` as ``paragraphs_micro_f1_span_folds``
    and ``paragraphs_micro_f1_span_evidence``; ``None`` (and a note) without the span model's
    cross-validation run folder."""
    from unspun.models.multilingual_spans import MultilingualSpanTagger
    from unspun.models.packaged import model_folder
    from unspun.paths import cache_dir, shared_data_dir
    from unspun.training import multilingual_paragraphs as mp
    from unspun.training import multilingual_spans as ms

    shipped = model_folder("spans-multilingual")
    tagger = MultilingualSpanTagger.from_disk(shipped)
    onnx = shipped / (tagger.encoder_onnx or "")
    folder = ms.cv_run_folder(
        mp.LANGUAGES, k=5, seed=seed, layer=tagger.layer, encoder=ms.encoder_digest(tagger.layer, onnx)
    )
    if not (folder / "fold0.npz").is_file():
        print(
            f"no multilingual span cross-validation in {folder}: run benchmarks/semeval2023.py --spans-only first"
        )
        return None
    figures = mp.measure(
        data or shared_data_dir() / "semeval2023",
        config=config or default_train_config("article"),
        onnx=onnx,
        vectors=cache_dir() / "semeval2023-usem3-vectors.npz",
        seed=seed,
    )
    for lang, row in figures["languages"].items():
        grouped.setdefault(lang, {})
        grouped[lang]["paragraphs_micro_f1_span_folds"] = row["paragraph_head"]
        grouped[lang]["paragraphs_micro_f1_span_evidence"] = row["with_span_features_and_vectors"]
        grouped[lang]["persuasion_spearman"] = row["persuasion"]["with_span_features_and_vectors"]
        grouped[lang]["persuasion_spearman_without_span_evidence"] = row["persuasion"]["paragraph_head"]
    about = (
        "paragraphs_micro_f1_span_evidence (fr/de/it/pl/ru): the paragraph head with the shipped "
        "multilingual span evidence head's recipe (paragraphs-spans-multilingual.npz), against "
        "paragraphs_micro_f1_span_folds, the paragraph head alone, both on the multilingual span "
        "model's grouped folds (its evidence is out of fold there); persuasion_spearman: the Spearman "
        "rank correlation, over the articles with span files, of the persuasion score these "
        "languages get (the mean over paragraphs of the highest technique score decided, out of "
        "fold) with the share of paragraphs with a gold technique and of characters in gold spans "
        "(English, whose score reads the span model: reports/persuasion.json)"
    )
    grouped["about_span_evidence"] = about
    return figures


def write_paragraph_evidence(data: Path | None, config: Path | None, out: Path, seed: int) -> None:
    """:func:`paragraph_evidence_figures_multilingual` merged into the grouped section of ``out``."""
    report = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    grouped = report.setdefault("grouped", {})
    started = time.perf_counter()
    if paragraph_evidence_figures_multilingual(data, config, seed, grouped) is None:
        return
    for lang in ("fr", "de", "it", "pl", "ru"):
        row = grouped[lang]
        print(
            f"{lang}: paragraphs micro-F1 {row['paragraphs_micro_f1_span_folds']:.3f} -> "
            f"{row['paragraphs_micro_f1_span_evidence']:.3f} with the span evidence (span model's folds); "
            f"persuasion Spearman {row['persuasion_spearman']}"
        )
    grouped["span_evidence_command"] = " ".join(["python", *sys.argv])
    grouped["span_evidence_wall_s"] = round(time.perf_counter() - started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description="SemEval-2023 Task 3 cross-validation benchmark")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("reports/semeval2023.json"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="compute the out-of-fold figures again (they are kept in a run folder)",
    )
    parser.add_argument(
        "--spans-only",
        action="store_true",
        help="only the span figures per language (the multilingual span model against the two "
        "sentence baselines, grouped folds), written into the report's 'spans' section",
    )
    parser.add_argument(
        "--write-calibration",
        action="store_true",
        help="with --spans-only: store the span scores' calibration fitted on the out-of-fold spans "
        "as calibration.json beside the shipped multilingual span model",
    )
    parser.add_argument(
        "--paragraph-evidence-only",
        action="store_true",
        help="only the fr/de/it/pl/ru paragraph figures with and without the multilingual span "
        "evidence (the span model's grouped folds), merged into the report's 'grouped' section",
    )
    args = parser.parse_args()
    if args.spans_only:
        write_span_figures(args.data, args.out, args.seed, write_calibration=args.write_calibration)
        return
    if args.paragraph_evidence_only:
        write_paragraph_evidence(args.data, args.config, args.out, args.seed)
        return
    data_dir = args.data or default_train_data("article")
    cfg = load_config(args.config or default_train_config("article"))
    ensure_span_evidence(data_dir, cfg)  # what `unspun train article` builds, reused from the cache
    data = prepare(data_dir, cfg)
    spans = cfg["paragraphs"].get("spans")
    predictions = span_predictions_path(spans) if spans else None  # the span evidence the heads read
    identity = {
        "config": cfg,
        "seed": args.seed,
        "data": data_identity(Path(data_dir)),
        "spans": hashlib.sha256(predictions.read_bytes()).hexdigest()
        if predictions and predictions.is_file()
        else None,
    }
    started = time.perf_counter()
    load_at_start = list(os.getloadavg())
    grouped_fold = grouped_folds_of(data, Path(data_dir), cfg)
    with open_run(run_folder("semeval2023-cv", identity), fresh=args.fresh) as run:
        oof = {
            task: _out_of_fold(run, data, task, cfg, args.seed) for task in ("genre", "frames", "paragraphs")
        }
        grouped_oof = {
            task: _out_of_fold(run, data, task, cfg, args.seed, grouped_fold[task], "-grouped")
            for task in ("genre", "frames", "paragraphs")
        }
    report: dict[str, Any] = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
    report |= {"folds": cfg["data"]["folds"], "languages": {}, "grouped": {}}
    report["grouped"]["about"] = (
        "near-duplicate articles in one fold (unspun.training.grouping), the folds of "
        "benchmarks/calibration.py and genre_validation.py; 'languages' keeps the folds by article "
        "hash for one release"
    )
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
    print("grouped folds (near-duplicates together):")
    for lang in LANGS:
        s = report["grouped"][lang] = score_language(data, cfg, grouped_oof, lang, grouped_fold)
        print(
            f"{lang:<5}{s['genre_macro_f1']:>10.3f} ({s['genre_macro_f1_baseline']:.3f})"
            f"{s['genre_macro_f1_shifted']:>9.3f}"
            f"{s['frames_micro_f1']:>10.3f} ({s['frames_micro_f1_baseline']:.3f})"
            f"{s['paragraphs_micro_f1']:>12.3f} ({s['paragraphs_micro_f1_baseline']:.3f})"
        )
    paragraph_evidence_figures_multilingual(args.data, args.config, args.seed, report["grouped"])
    news = report["genre_news_en"] = genre_news_figures(data, cfg, oof, args.seed)
    if news:
        print(
            f"English genre, {news['articles']} hand-labelled news articles of 2022-24 ({news['gold_mix']}):"
        )
        for name in ("cross_validated", "semeval_rows_only"):
            figures = news[name]
            print(f"  {name:<20} macro-F1 {figures['macro_f1']:.3f}  predicted {figures['predicted_mix']}")
    evidence = report["paragraphs_span_evidence_en"] = paragraph_evidence_figures(data, cfg, oof, args.seed)
    if evidence:
        print(
            "English paragraphs micro-F1 (shipped recipe / without span evidence / span features only / vector head from unseen fold models):"
        )
        for name in ("all", "reporting", "opinion"):
            row = evidence[name]
            extra = [row.get(key) for key in ("span_features_only", "vectors_from_unseen_fold_models")]
            print(
                f"  {name:<10} {row['with_spans']:.3f} / {row['without_spans']:.3f} / "
                + " / ".join(f"{x:.3f}" if x is not None else "-" for x in extra)
                + f"  ({row['paragraphs']} paragraphs)"
            )
    if not args.no_speed:
        report["speed"] = measure_speed(data_dir)
        print(f"speed: {report['speed']['articles_per_s']} articles/s ({report['speed']})")
    report["command"] = " ".join(["python", *sys.argv])
    report["wall_s"] = round(time.perf_counter() - started, 1)
    report["load_average_at_start"], report["load_average_at_end"] = load_at_start, list(os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
