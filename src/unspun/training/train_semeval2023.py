"""Train the article-level heads (genre, frames, paragraph techniques) on SemEval-2023 Task 3.

Procedure (settings in ``src/unspun/configs/semeval2023.toml``):

1. read every language's train split (subtasks 1, 2, 3), plus the hand-labelled genre articles
   of ``[genre.extra]`` if the config names them, and embed each paragraph once with the
   sentence encoder (vectors are cached under ``$UNSPUN_CACHE`` or ``~/.cache/unspun``, keyed
   by a hash of the paragraph: no text is stored);
2. build features (:mod:`unspun.models.sentence_encoder`), pooled over all languages;
3. cross-validate with fixed folds grouped by article: out-of-fold scores give the per-label,
   per-language thresholds of the multi-label heads (and the cross-validated figures);
4. fit each head on all the data and write ``genre.npz``, ``frames.npz``, ``paragraphs.npz`` and
   ``training.json`` (settings, counts, cross-validated scores) to ``out_dir``.

Run: ``python -m unspun.training.train_semeval2023 --data DIR --out DIR --config FILE --seed N``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich.progress import track

from unspun.config import read_toml
from unspun.errors import ConfigError, InputNotFoundError
from unspun.models.frame_calibration import DEFAULT_FLOORS, fit_frame_calibration
from unspun.models.linear_head import LinearHead, NgramHead, fit_linear_head, fit_ngram_head
from unspun.models.sentence_encoder import load_encoder
from unspun.models.span_evidence import FILE_NAME as EVIDENCE_FILE
from unspun.models.span_evidence import SpanEvidenceHead, fit_span_evidence_head
from unspun.paths import cache_dir
from unspun.pipeline.genre import NEWS_MIX
from unspun.tasks.semeval2023 import FOLDER_TO_ISO, GENRES, folder_for, load_subtask
from unspun.techniques import FRAME_LABELS, SEMEVAL23_LABELS
from unspun.training.article_tables import (
    EXTRA_PREFIX,
    Dataset,
    Table,
    VectorCache,
    _cache_path,
    append_rows,
    build_dataset,
    extra_genre_table,
    is_extra,
    read_genre_labels,
)
from unspun.training.defaults import default_train_config
from unspun.training.recipes import ArticleRecipe, check_recipe
from unspun.training.span_predictions import (
    default_predictions_path,
    ensure_span_predictions,
    read_paragraph_vectors,
    read_predictions,
    vectors_path,
)
from unspun.training.thresholds import micro_f1, tune_thresholds

TASKS = ("genre", "frames", "paragraphs")
# NEWS_MIX: the genre mix of held-out English news (mostly reporting, some satire), which the genre
# probabilities are calibrated for (benchmarks/calibration.py weights its folds the same way); the
# genre component's short texts lean on it too, so it is declared there.


def fold_of(article: str, folds: int) -> int:
    """The fixed cross-validation fold of an article (``lang/id``): the same on every run."""
    return int(hashlib.sha1(article.encode("utf-8")).hexdigest(), 16) % folds


def genre_shift(cfg: dict[str, Any]) -> dict[str, np.ndarray]:
    """The config's ``[genre] logit_shift`` as log-probability offsets over :data:`GENRES`, per language.

    ``{ reporting = 1.0 }`` applies to every language (key ``"default"``);
    ``{ en = { reporting = 1.0 } }`` to English only.
    """
    per_language: dict[str, dict[str, Any]] = {}
    for key, value in cfg["genre"].get("logit_shift", {}).items():
        if isinstance(value, dict):
            per_language[key] = value
        else:
            per_language.setdefault("default", {})[key] = value
    shifts: dict[str, np.ndarray] = {}
    for lang, values in per_language.items():
        shift = np.zeros(len(GENRES))
        for genre, value in values.items():
            if genre not in GENRES:
                raise ConfigError(f"logit_shift names {genre!r}, not a genre; use one of {', '.join(GENRES)}")
            shift[GENRES.index(genre)] = float(value)
        shifts[lang] = shift
    return shifts


def shift_rows(shifts: dict[str, np.ndarray], langs: Sequence[str]) -> np.ndarray:
    """One offset row per language code in ``langs`` (the language's own, else ``"default"``, else 0)."""
    zero = np.zeros(len(GENRES))
    return np.stack([shifts.get(lang, shifts.get("default", zero)) for lang in langs])


Model = tuple[LinearHead, NgramHead | None, SpanEvidenceHead | None]


def fit_task(table: Table, rows: np.ndarray, task: str, cfg: dict[str, Any], seed: int) -> Model:
    """The head of ``task`` fitted on ``rows``, plus its n-gram head if the config has ``[task.ngram]``
    and its span evidence head if it has ``[task.spans]`` (fitted on the rows with evidence)."""
    settings = cfg[task]
    if task == "genre":
        targets = [GENRES[i] for i in table.y[rows]]
        head = fit_linear_head(
            table.x[rows], targets, GENRES, multi_label=False, c=settings["c"],
            class_weight=settings.get("class_weight"), seed=seed,
            sample_weight=table.weights[rows] if table.weights is not None else None,
        )  # fmt: skip
        return head, None, None
    labels = FRAME_LABELS if task == "frames" else SEMEVAL23_LABELS
    head = fit_linear_head(table.x[rows], table.y[rows], labels, multi_label=True, c=settings["c"], seed=seed)
    ngram = None
    if settings.get("ngram"):
        texts = [table.texts[i] for i in np.flatnonzero(rows)]
        ngram = fit_ngram_head(texts, table.y[rows], labels, seed=seed, **settings["ngram"])
    evidence = None
    spans = settings.get("spans")
    if spans and table.evidence is not None and table.has_evidence is not None:
        covered = rows & table.has_evidence
        weights = {
            key: float(spans[key]) for key in ("c", "share", "vector_c", "vector_share") if key in spans
        }
        evidence = fit_span_evidence_head(
            table.evidence[covered],
            table.y[covered],
            labels,
            languages=sorted({table.langs[i] for i in np.flatnonzero(covered)}),
            seed=seed,
            vectors=table.vectors[covered] if table.vectors is not None else None,
            **weights,  # the config's; fit_span_evidence_head's defaults for the keys it leaves out
        )
    return head, ngram, evidence


def task_scores(model: Model, table: Table, rows: np.ndarray) -> np.ndarray:
    """The scores of ``model`` for the ``rows`` of ``table``: the head's, with the n-gram head's mixed
    in, and the span evidence head's on the rows with evidence."""
    head, ngram, evidence = model
    scores = head.scores(table.x[rows])
    if ngram is not None:
        scores = ngram.mix(scores, [table.texts[i] for i in np.flatnonzero(rows)])
    if evidence is not None and table.evidence is not None and table.has_evidence is not None:
        covered = table.has_evidence[rows]
        vectors = table.vectors[rows][covered] if table.vectors is not None else None
        scores[covered] = evidence.mix(scores[covered], table.evidence[rows][covered], vectors)
    return scores


def article_texts(data_dir: Path, cfg: dict[str, Any]) -> dict[str, str]:
    """The text of every article a config's tables hold, by their ``articles`` key (``lang/id``,
    and ``news/<lang>/<id>`` for the ``[genre.extra]`` rows). Raises what reading them raises."""
    texts: dict[str, str] = {}
    for lang in cfg["data"]["languages"]:
        iso = FOLDER_TO_ISO[folder_for(lang)]
        for subtask in (1, 2, 3):
            for item in load_subtask(Path(data_dir), lang, subtask):
                texts[f"{iso}/{item.article.id}"] = item.article.text
    extra = cfg["genre"].get("extra")
    if extra:
        documents = Path(extra["documents"])
        documents = documents if documents.is_absolute() else Path(data_dir).parent / documents
        lang = str(extra.get("language", "en"))
        for doc_id in read_genre_labels(Path(extra["labels"])):
            path = documents / f"{doc_id}.txt"
            if path.is_file():
                texts[f"{EXTRA_PREFIX}/{lang}/{doc_id}"] = path.read_text(encoding="utf-8")
    return texts


def grouped_fold_of(articles: Sequence[str], texts: Mapping[str, str], folds: int) -> np.ndarray:
    """Per row of ``articles``, its fold with near-duplicates kept together: an article that is
    in no group keeps :func:`fold_of`; each group of near-duplicate articles among ``texts``
    (:mod:`unspun.training.grouping`) goes to the fold of its first member (sorted). Articles
    missing from ``texts`` keep :func:`fold_of`."""
    from unspun.training.grouping import duplicate_groups, near_duplicates

    keys = sorted(set(articles))
    known = {a: texts[a] for a in keys if a in texts}
    home = {a: a for a in keys}
    for group in duplicate_groups(known, near_duplicates(known)):
        for a in group:
            home[a] = min(group)
    return np.array([fold_of(home[a], folds) for a in articles])


def cross_validate(
    table: Table,
    task: str,
    cfg: dict[str, Any],
    seed: int,
    *,
    progress: bool = True,
    fold: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold scores and out-of-fold decisions of one task (grouped by article).

    For multi-label tasks, the decisions of fold k use thresholds tuned on the other folds'
    out-of-fold scores, so the figures they give are not tuned on their own test rows. ``fold``:
    the fold of each row (default :func:`fold_of` its article; e.g. :func:`grouped_fold_of`).
    """
    folds = int(cfg["data"]["folds"])
    if fold is None:
        fold = np.array([fold_of(a, folds) for a in table.articles])
    scores = np.zeros((len(table.articles), len(GENRES) if task == "genre" else table.y.shape[1]))
    for k in track(range(folds), description=f"cross-validating {task}", disable=not progress):
        scores[fold == k] = task_scores(fit_task(table, fold != k, task, cfg, seed), table, fold == k)
    if task == "genre":
        return scores, (np.log(scores + 1e-12) + shift_rows(genre_shift(cfg), table.langs)).argmax(axis=1)
    return scores, decide_out_of_fold(
        table, scores, folds, min_positives=int(cfg[task]["min_positives"]), fold=fold
    )


def decide_out_of_fold(
    table: Table, scores: np.ndarray, folds: int, *, min_positives: int, fold: np.ndarray | None = None
) -> np.ndarray:
    """0/1 decisions of a multi-label task from out-of-fold ``scores``: the rows of fold k are
    decided with thresholds tuned on the other folds' rows only (``fold``: as in :func:`cross_validate`)."""
    if fold is None:
        fold = np.array([fold_of(a, folds) for a in table.articles])
    decisions = np.zeros_like(table.y)
    keys = table.threshold_keys()
    for k in range(folds):
        rest = fold != k
        limits = tune_thresholds(
            scores[rest], table.y[rest], [keys[i] for i in np.flatnonzero(rest)], min_positives=min_positives
        )
        for i in np.flatnonzero(fold == k):
            decisions[i] = scores[i] >= limits.get(keys[i], limits["default"])
    return decisions


def load_config(config: Path) -> dict[str, Any]:
    """Read a training config, checked against :class:`unspun.training.recipes.ArticleRecipe`;
    raise :class:`ConfigError` if it is missing or invalid (naming the key)."""
    cfg = check_recipe(ArticleRecipe, read_toml(config, "training config"), Path(config))
    extra = cfg["genre"].get("extra")
    if extra is not None:
        extra["labels"] = str(Path(config).parent / extra["labels"])  # relative to the config file
    spans = cfg["paragraphs"].get("spans")
    if spans is not None:  # the span recipe whose fold models make the span predictions
        spans["span_config"] = str(Path(config).parent / spans.get("span_config", "ptc-minilm.toml"))
    return cfg


def span_predictions_path(spans: dict[str, Any]) -> Path:
    """The predictions file of a ``[paragraphs.spans]`` section: a relative (or no) name is taken
    from the cache folder (``$UNSPUN_CACHE``, else ``~/.cache/unspun``)."""
    given = Path(spans.get("predictions", default_predictions_path().name)).expanduser()
    return given if given.is_absolute() else cache_dir() / given


def ptc_data_dir(spans: dict[str, Any], data_dir: Path) -> Path:
    """The PTC training folder of a ``[paragraphs.spans]`` section (``ptc_data``, default
    ``ptc/train``): a relative one is taken from the parent of ``data_dir`` (the shared data folder)."""
    given = Path(spans.get("ptc_data", "ptc/train")).expanduser()
    return given if given.is_absolute() else Path(data_dir).parent / given


def ensure_span_evidence(
    data_dir: Path, cfg: dict[str, Any], *, progress: bool = True, log: Callable[[str], None] = print
) -> None:
    """Make the out-of-fold span predictions (and paragraph vectors, when ``vector_share`` > 0) of
    the config's ``[paragraphs.spans]`` if the cache does not hold them yet: fold models of the
    span recipe ``span_config`` on ``ptc_data``, with ``folds`` folds dealt with ``fold_seed``
    (:func:`unspun.training.span_predictions.ensure_span_predictions`). Nothing without the section."""
    spans = cfg["paragraphs"].get("spans")
    if not spans:
        return
    ensure_span_predictions(
        span_predictions_path(spans),
        ptc_dir=ptc_data_dir(spans, data_dir),
        semeval_dir=Path(data_dir),
        span_config=Path(spans.get("span_config", default_train_config("spans"))),
        folds=int(spans.get("folds", 3)),
        seed=int(spans.get("fold_seed", 13)),
        vectors=float(spans.get("vector_share", 0.0)) > 0,
        progress=progress,
        log=log,
    )


def prepare(data_dir: Path, cfg: dict[str, Any]) -> Dataset:
    """Encoder + cache + feature tables for a config (genre rows of ``[genre.extra]`` appended,
    span predictions of ``[paragraphs.spans]`` read, and their paragraph vectors when
    ``vector_share`` > 0; :func:`ensure_span_evidence` makes them first)."""
    name = cfg["encoder"]["name"]
    cache = VectorCache(load_encoder(name), _cache_path(Path(name).name))
    spans = cfg["paragraphs"].get("spans")
    predictions = read_predictions(span_predictions_path(spans)) if spans else None
    vectors = None
    if spans and float(spans.get("vector_share", 0.0)) > 0:
        vectors = read_paragraph_vectors(vectors_path(span_predictions_path(spans)))
    data = build_dataset(Path(data_dir), cfg["data"]["languages"], cache, predictions, vectors)
    extra = cfg["genre"].get("extra")
    if extra:
        data.genre = append_rows(data.genre, extra_genre_table(extra, Path(data_dir), cache))
    return data


def check_data_dir(data_dir: Path) -> None:
    """Raise :class:`InputNotFoundError` unless ``data_dir`` is a folder (checked before anything
    cached is looked at, so that a missing data folder is the error a user sees first)."""
    if not data_dir.is_dir():
        raise InputNotFoundError(
            f"the SemEval-2023 data folder {data_dir} is missing; pass --data or set UNSPUN_SHARED_DATA"
        )


def train_article_models(
    data_dir: Path,
    out_dir: Path,
    *,
    config: Path,
    seed: int | None = None,
    log: Callable[[str], None] = print,
    build: bool = True,
    progress: bool = True,
    tasks: Sequence[str] = TASKS,
) -> dict[str, Any]:
    """Train and save the genre, frames and paragraph heads; return the training report.

    ``tasks``: the heads to train (default all three); with fewer, the other heads' files and
    their part of ``training.json`` are left as they are (genre alone needs no span evidence).

    With ``build`` (the default) what the heads need and the cache lacks is made first: the fold
    span models and out-of-fold span predictions of ``[paragraphs.spans]``
    (:func:`ensure_span_evidence`), then the sentence vectors of every paragraph (cached too);
    ``build=False`` reads what is there and says how to make what is missing. ``seed`` defaults to
    the config's ``seed``. Raises :class:`ConfigError` for a bad config, ``InputNotFoundError``
    for missing data.
    """
    cfg = load_config(config)
    seed = int(cfg.get("seed", 13)) if seed is None else seed
    check_data_dir(Path(data_dir))
    unknown = set(tasks) - set(TASKS)
    if unknown or not tasks:
        raise ConfigError(f"unknown article task(s) {sorted(unknown)}; use some of {', '.join(TASKS)}")
    data_cfg = cfg
    if "paragraphs" not in tasks and cfg["paragraphs"].get("spans"):
        data_cfg = {**cfg, "paragraphs": {k: v for k, v in cfg["paragraphs"].items() if k != "spans"}}
    if build:
        ensure_span_evidence(Path(data_dir), data_cfg, progress=progress, log=log)
    data = prepare(data_dir, data_cfg)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"config": cfg, "seed": seed, "cv": {}, "rows": {}}
    previous = out_dir / "training.json"
    if set(tasks) != set(TASKS) and previous.is_file():  # keep what the other heads' run wrote
        old = json.loads(previous.read_text(encoding="utf-8"))
        report["cv"], report["rows"] = old.get("cv", {}), old.get("rows", {})
    for task in [t for t in TASKS if t in tasks]:
        table: Table = getattr(data, task)
        scores, decisions = cross_validate(table, task, cfg, seed, progress=progress)
        head, ngram, evidence = fit_task(table, np.ones(len(table.articles), dtype=bool), task, cfg, seed)
        if task == "genre":
            accuracy = float((decisions == table.y).mean())
            report["cv"][task] = {"accuracy": round(accuracy, 4)}
            head.offsets = {lang: shift.astype(np.float32) for lang, shift in genre_shift(cfg).items()}
            head.temperature = genre_temperature(table, scores, cfg)
            report["cv"][task]["temperature"] = head.temperature
        else:
            head.thresholds = tune_thresholds(
                scores, table.y, table.threshold_keys(), min_positives=int(cfg[task]["min_positives"])
            )
            report["cv"][task] = {"micro_f1": round(micro_f1(table.y, decisions), 4)}
            if task == "frames":  # calibrated probabilities, English floors: unspun.models.frame_calibration
                fit_frame_calibration(scores, table.y, table.langs, FRAME_LABELS, DEFAULT_FLOORS).to_disk(
                    out_dir
                )
        head.to_disk(out_dir / f"{task}.npz")
        if ngram is not None:
            ngram.to_disk(out_dir / f"{task}-ngrams.npz")
        if evidence is not None and table.has_evidence is not None:
            evidence.to_disk(out_dir / EVIDENCE_FILE)
            report["rows"]["paragraphs_with_span_evidence"] = int(table.has_evidence.sum())
        report["rows"][task] = len(table.articles)
        if task == "genre":
            report["rows"]["genre_extra"] = sum(is_extra(a) for a in table.articles)
        log(f"{task}: {report['cv'][task]} on {len(table.articles)} rows")
    (out_dir / "training.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def news_weights(truth: np.ndarray, mix: Mapping[str, float] = NEWS_MIX) -> np.ndarray:
    """Row weights that give the genre indices ``truth`` the ``mix`` (genres absent from ``truth``
    dropped, the rest renormalised); the weights average 1."""
    present = {GENRES.index(g): v for g, v in mix.items() if (truth == GENRES.index(g)).any()}
    total = sum(present.values())
    weights = np.zeros(len(truth))
    for c, share in present.items():
        rows = truth == c
        weights[rows] = share / total * len(truth) / rows.sum()
    return weights


def genre_temperature(table: Table, scores: np.ndarray, cfg: dict[str, Any]) -> float:
    """The calibration temperature of the genre head: fitted on the out-of-fold ``scores`` of the
    English rows under the config's offsets, weighted to :data:`NEWS_MIX` (the printed genre is
    then about as often right as its probability says on news; it never changes the label). 1.0
    without English rows."""
    from unspun.training.calibration import fit_temperature

    english = np.array(table.langs) == "en"
    if not english.any():
        return 1.0
    logits = np.log(scores[english] + 1e-12) + shift_rows(genre_shift(cfg), ["en"])
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    truth = table.y[english]
    return fit_temperature(probabilities, truth, weights=news_weights(truth))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the semeval2023 data folder")
    parser.add_argument("--out", type=Path, required=True, help="where to write the heads")
    parser.add_argument("--config", type=Path, default=default_train_config("article"))
    parser.add_argument("--seed", type=int, default=None, help="default: the config's seed")
    parser.add_argument(
        "--tasks", default=",".join(TASKS), help="comma-separated heads to train (default: all)"
    )
    args = parser.parse_args(argv)
    train_article_models(args.data, args.out, config=args.config, seed=args.seed, tasks=args.tasks.split(","))


if __name__ == "__main__":
    main()
