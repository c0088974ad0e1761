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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.progress import track

from unspun.config import read_toml
from unspun.document import split_paragraphs
from unspun.errors import ConfigError, InputNotFoundError
from unspun.models.frame_calibration import DEFAULT_FLOORS, fit_frame_calibration
from unspun.models.linear_head import LinearHead, NgramHead, fit_linear_head, fit_ngram_head
from unspun.models.sentence_encoder import (
    SentenceEncoder,
    article_features,
    load_encoder,
    paragraph_features,
)
from unspun.models.span_evidence import FILE_NAME as EVIDENCE_FILE
from unspun.models.span_evidence import (
    THRESHOLD_SUFFIX,
    SpanEvidenceHead,
    fit_span_evidence_head,
    span_features,
)
from unspun.paths import cache_dir
from unspun.pipeline.genre import NEWS_MIX
from unspun.tasks.semeval2023 import FOLDER_TO_ISO, GENRES, folder_for, load_subtask
from unspun.techniques import FRAME_LABELS, SEMEVAL23_LABELS
from unspun.training.defaults import default_train_config
from unspun.training.recipes import ArticleRecipe, check_recipe
from unspun.training.span_predictions import (
    Predictions,
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


@dataclass(slots=True)
class Table:
    """Feature rows with targets, the language of each row and its article (for grouping)."""

    x: np.ndarray
    y: np.ndarray  # label indices (genre) or a 0/1 matrix (multi-label)
    langs: list[str]
    articles: list[str]
    keys: list[tuple[str, int]] = field(default_factory=list)  # paragraph keys (subtask 3 only)
    texts: list[str] = field(default_factory=list)  # the row's text, for n-gram heads (never saved)
    weights: np.ndarray | None = None  # per-row sample weights (None: all 1)
    evidence: np.ndarray | None = None  # span evidence rows (subtask 3; meaningful where has_evidence)
    has_evidence: np.ndarray | None = None  # per row: whether span predictions cover its article
    vectors: np.ndarray | None = None  # span model paragraph vectors (subtask 3; where has_evidence)

    def threshold_keys(self) -> list[str]:
        """Per row, the key its thresholds are tuned under: ``"en+spans"`` for rows mixed with span
        evidence, else the language."""
        if self.has_evidence is None:
            return list(self.langs)
        return [
            f"{lang}{THRESHOLD_SUFFIX}" if e else lang
            for lang, e in zip(self.langs, self.has_evidence, strict=True)
        ]


@dataclass(slots=True)
class Dataset:
    genre: Table
    frames: Table
    paragraphs: Table


class VectorCache:
    """Paragraph vectors keyed by a hash of the text, kept in one ``.npz`` between runs."""

    def __init__(self, encoder: SentenceEncoder, path: Path | None) -> None:
        self.encoder, self.path = encoder, path
        self.vectors: dict[str, np.ndarray] = {}
        if path is not None and path.is_file():
            with np.load(path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()

    def fill(self, texts: Sequence[str], batch: int = 256) -> None:
        """Embed the texts not cached yet, with a progress bar."""
        todo = list({self.key(t): t for t in texts if self.key(t) not in self.vectors}.items())
        steps = range(0, len(todo), batch)
        for start in track(steps, description=f"embedding {len(todo)} paragraphs", disable=not todo):
            chunk = todo[start : start + batch]
            for (k, _), vector in zip(chunk, self.encoder.encode([t for _, t in chunk]), strict=True):
                self.vectors[k] = vector
        if todo and self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(
                self.path, keys=np.array(list(self.vectors)), vectors=np.stack(list(self.vectors.values()))
            )

    def article(self, text: str) -> tuple[list[Any], np.ndarray]:
        paragraphs = split_paragraphs(text)
        rows = [self.vectors[self.key(text[p.start : p.end].strip())] for p in paragraphs]
        return paragraphs, np.stack(rows) if rows else np.zeros((0, self.encoder.dim), np.float32)


def _cache_path(encoder_name: str) -> Path:
    return cache_dir() / f"semeval2023-{encoder_name}-vectors.npz"


def build_dataset(
    data_dir: Path,
    languages: Sequence[str],
    cache: VectorCache,
    spans: Predictions | None = None,
    span_vectors: dict[str, np.ndarray] | None = None,
) -> Dataset:
    """Read the three subtasks of ``languages`` and turn them into feature tables.

    With ``spans`` (out-of-fold span predictions per language and article), the paragraphs of
    the articles it covers get span evidence rows; with ``span_vectors`` (out-of-fold paragraph
    vectors by ``"lang/id"``), paragraph vector rows as well."""
    loaded = {lang: [load_subtask(data_dir, lang, s) for s in (1, 2, 3)] for lang in languages}
    texts = [
        a.article.text[p.start : p.end].strip()
        for subtasks in loaded.values()
        for items in subtasks
        for a in items
        for p in split_paragraphs(a.article.text)
    ]
    cache.fill(texts)
    g_x, g_y, g_l, g_a, f_x, f_y, f_l, f_a, f_t = [], [], [], [], [], [], [], [], []
    p_x, p_y, p_l, p_a, p_k, p_t, p_e, p_h, p_v = [], [], [], [], [], [], [], [], []
    width = next(iter(span_vectors.values())).shape[1] if span_vectors else 0
    for lang, (sub1, sub2, sub3) in loaded.items():
        iso = FOLDER_TO_ISO[folder_for(lang)]
        for item in sub1:
            g_x.append(article_features(*cache.article(item.article.text), item.article.text))
            g_y.append(GENRES.index(item.genre or ""))
            g_l.append(iso)
            g_a.append(f"{iso}/{item.article.id}")
        for item in sub2:
            f_x.append(article_features(*cache.article(item.article.text), item.article.text))
            f_y.append([int(f in item.frames) for f in FRAME_LABELS])
            f_l.append(iso)
            f_a.append(f"{iso}/{item.article.id}")
            f_t.append(item.article.text)
        for item in sub3:
            paragraphs, vectors = cache.article(item.article.text)
            p_x.append(paragraph_features(paragraphs, vectors, item.article.text))
            found = (spans or {}).get(iso, {}).get(item.article.id)
            p_e.append(span_features(item.article.text, paragraphs, *(found or ([], []))))
            p_h.extend([found is not None] * len(paragraphs))
            if span_vectors is not None:
                rows = (
                    span_vectors.get(f"{iso}/{item.article.id}")
                    if found is not None
                    else np.zeros((len(paragraphs), width), np.float32)
                )
                if rows is None or rows.shape != (len(paragraphs), width):
                    raise ConfigError(
                        f"the paragraph vectors of {iso}/{item.article.id} do not match its paragraphs; "
                        "remake them with `python -m unspun.training.span_predictions`"
                    )
                p_v.append(rows)
            for p in paragraphs:
                gold = item.paragraphs.get(p.index, [])
                p_y.append([int(t in gold) for t in SEMEVAL23_LABELS])
                p_l.append(iso)
                p_a.append(f"{iso}/{item.article.id}")
                p_k.append((item.article.id, p.index))
                p_t.append(item.article.text[p.start : p.end].strip())
    return Dataset(
        genre=Table(np.stack(g_x), np.array(g_y), g_l, g_a),
        frames=Table(np.stack(f_x), np.array(f_y), f_l, f_a, texts=f_t),
        paragraphs=Table(
            np.vstack(p_x),
            np.array(p_y),
            p_l,
            p_a,
            p_k,
            p_t,
            evidence=np.vstack(p_e) if spans else None,
            has_evidence=np.array(p_h) if spans else None,
            vectors=np.vstack(p_v) if spans and span_vectors is not None else None,
        ),  # fmt: skip
    )


EXTRA_PREFIX = "news"


def is_extra(article: str) -> bool:
    """Whether a genre row comes from the ``[genre.extra]`` articles rather than SemEval-2023."""
    return article.startswith(f"{EXTRA_PREFIX}/")


def read_genre_labels(path: Path) -> dict[str, str]:
    """``{id: genre}`` from a file of ``id<TAB>genre`` lines (``#`` lines are comments).

    Raises :class:`ConfigError` if the file is missing, a line is malformed or a genre unknown.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read the genre labels {path} ({exc}); fix [genre.extra] labels") from exc
    labels: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or fields[1] not in GENRES:
            raise ConfigError(
                f"{path}, line {number}: expected id<TAB>genre with a genre in {', '.join(GENRES)}"
            )
        labels[fields[0]] = fields[1]
    return labels


def extra_genre_table(extra: dict[str, Any], data_dir: Path, cache: VectorCache) -> Table:
    """Genre rows for the hand-labelled articles of a ``[genre.extra]`` section.

    ``extra["labels"]`` is a file of ``id<TAB>genre``; the text of each id is
    ``<documents>/<id>.txt``, where a relative ``documents`` folder is taken from the parent of
    ``data_dir`` (the shared data folder). An article whose text repeats an earlier one (the same
    article under two ids) is skipped, so that it never sits on both sides of a fold. Rows are
    weighted ``extra["weight"]`` and tagged with ``extra["language"]`` (default ``"en"``).
    Raises :class:`ConfigError` if the labels or a document are missing.
    """
    labels = read_genre_labels(Path(extra["labels"]))
    documents = Path(extra["documents"])
    documents = documents if documents.is_absolute() else Path(data_dir).parent / documents
    lang = str(extra.get("language", "en"))
    texts: list[str] = []
    ids: list[str] = []
    targets: list[int] = []
    seen: set[str] = set()
    for doc_id, genre in labels.items():
        path = documents / f"{doc_id}.txt"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"cannot read {path} ({exc}), an article of the [genre.extra] labels; "
                "point [genre.extra] documents at its folder or drop the section"
            ) from exc
        fingerprint = VectorCache.key(" ".join(text.split()))
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        texts.append(text)
        ids.append(doc_id)
        targets.append(GENRES.index(genre))
    cache.fill([t[p.start : p.end].strip() for t in texts for p in split_paragraphs(t)])
    rows = np.stack([article_features(*cache.article(t), t) for t in texts])
    return Table(
        rows,
        np.array(targets),
        [lang] * len(texts),
        [f"{EXTRA_PREFIX}/{lang}/{i}" for i in ids],
        weights=np.full(len(texts), float(extra.get("weight", 1.0))),
    )


def append_rows(table: Table, extra: Table) -> Table:
    """``table`` followed by the rows of ``extra`` (single-label tables; weights default to 1)."""

    def weights(part: Table) -> np.ndarray:
        return part.weights if part.weights is not None else np.ones(len(part.articles))

    return Table(
        np.vstack([table.x, extra.x]),
        np.concatenate([table.y, extra.y]),
        table.langs + extra.langs,
        table.articles + extra.articles,
        weights=np.concatenate([weights(table), weights(extra)]),
    )


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
