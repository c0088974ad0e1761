"""The feature tables the article heads train on: the three SemEval-2023 Task 3 subtasks and the
hand-labelled genre articles of ``[genre.extra]``, read and turned into rows of sentence-encoder
features (paragraph vectors cached by :class:`VectorCache`, keyed by a hash of the paragraph: no
text is stored).

Used by :mod:`unspun.training.train_semeval2023` (which trains on them) and the benchmarks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.progress import track

from unspun.document import split_paragraphs
from unspun.errors import ConfigError
from unspun.models.sentence_encoder import SentenceEncoder, article_features, paragraph_features
from unspun.models.span_evidence import THRESHOLD_SUFFIX, span_features
from unspun.paths import cache_dir
from unspun.tasks.semeval2023 import FOLDER_TO_ISO, GENRES, folder_for, load_subtask
from unspun.techniques import FRAME_LABELS, SEMEVAL23_LABELS
from unspun.training.span_predictions import Predictions


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
