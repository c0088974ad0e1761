"""An article as one multilingual-e5 vector: the mean of its tokens' states.

The features of the e5 genre head that :mod:`unspun.training.genre_e5` trains and
``benchmarks/genre_validation.py --features e5`` validates (not shipped: see
``docs/training.md``, "Genre over e5 article vectors"). The states are those of the encoder the
multilingual span model ships (``spans-multilingual/e5-encoder-int8.onnx``, layer 6). A long
text is read up to :data:`MAX_CHARS` characters (cut at a line break or space), so the cost per
article is bounded.
"""

from __future__ import annotations

import numpy as np

from unspun.models.e5_encoder import E5TokenEncoder
from unspun.models.multilingual_spans import ENCODER_ONNX_FILE, MultilingualSpanTagger
from unspun.models.packaged import model_folder

MAX_CHARS = 20_000  # about 4,500 tokens: all of nearly every news article


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


def packaged_encoder(model: str = "spans-multilingual") -> E5TokenEncoder:
    """The encoder the shipped multilingual span model runs: its layer, from its int8 ONNX file
    (not loaded yet)."""
    folder = model_folder(model)
    tagger = MultilingualSpanTagger.from_disk(folder)
    return E5TokenEncoder(layers=(tagger.layer,), onnx=folder / (tagger.encoder_onnx or ENCODER_ONNX_FILE))
