"""An article as one multilingual-e5 vector: the mean of its tokens' states.

The features of the e5 genre head that :mod:`unspun.training.genre_e5` trains and
``benchmarks/genre_validation.py --features e5`` validates (not shipped: see
``docs/training.md``, "Genre over e5 article vectors"). The states are those of the encoder the
multilingual span model ships (``spans-multilingual/e5-encoder-int8.onnx``, layer 6). A long
text is read up to :data:`MAX_CHARS` characters (cut at a line break or space), so the cost per
article is bounded.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from unspun.models.e5_encoder import E5TokenEncoder, shared_encoder
from unspun.models.multilingual_spans import CONFIG_FILE, ENCODER_ONNX_FILE
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


def article_vectors(encoder: E5TokenEncoder, texts: list[str]) -> np.ndarray:
    """One e5 vector per text: the mean state of :func:`article_piece`'s tokens."""
    states = encoder.encode([article_piece(text) for text in texts])
    width = 384 * len(encoder.layers)
    return np.stack([mean_state(s.hidden, width) for s in states]) if texts else np.zeros((0, width))


def packaged_encoder(model: str = "spans-multilingual", *, shared: bool = True) -> E5TokenEncoder:
    """The encoder the shipped multilingual span model runs (its int8 ONNX layers), loaded once per
    process when ``shared``. Raises :class:`MissingExtraError` without the ``[multilingual]``
    extra."""
    folder = model_folder(model)
    config = json.loads((Path(folder) / CONFIG_FILE).read_text(encoding="utf-8"))
    onnx = Path(folder) / str(config.get("encoder_onnx") or ENCODER_ONNX_FILE)
    layers = (int(config["layer"]),)
    return shared_encoder(layers=layers, onnx=onnx) if shared else E5TokenEncoder(layers=layers, onnx=onnx)
