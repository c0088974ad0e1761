"""Encoder states computed once: a span model's per-token states of a text, kept on disk.

Heads trained on top of a span model (paragraph techniques, calibration, the persuasion score)
read what the model makes of each article: token offsets, O/B/I probabilities and hidden states
(:class:`unspun.models.span_model.Encoded`). Encoding is the slow part on a CPU, and it gives the
same states for the same text and the same model, so they are kept under
``$UNSPUN_CACHE/states/<model digest>/``: three ``.npy`` files per text, named by the text's
content hash, read back memory-mapped (``np.load(mmap_mode="r")``), and an ``index.json``
(content hash -> number of tokens). :func:`cached_states` encodes only the texts the folder lacks;
:func:`caching_encoder` gives a span model whose every call (``find``, ``predict_spans``) reads the
folder first.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from unspun.paths import cache_dir
from unspun.training.runs import atomic_file, atomic_write_json

PARTS = ("offsets", "probs", "hidden")
INDEX = "index.json"
CHUNK = 16  # texts per encoder call


def model_digest(folder: Path) -> str:
    """A digest of a span model folder's runtime files (config, tokenizer, ONNX graph, heads; not
    the fp32 ``checkpoint/``): another model, or the same one retrained, gets another digest."""
    sha = hashlib.sha256()
    for path in sorted(p for p in Path(folder).iterdir() if p.is_file() and p.name != "MODEL_CARD.md"):
        sha.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:16]


def text_hash(text: str) -> str:
    """The content hash a text's states are stored under."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def states_dir(digest: str) -> Path:
    """``$UNSPUN_CACHE/states/<digest>``."""
    return cache_dir() / "states" / digest


def _read_index(folder: Path) -> dict[str, int]:
    try:
        return dict(json.loads((folder / INDEX).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _load(folder: Path, key: str) -> Any:
    from unspun.models.span_model import Encoded

    parts = {part: np.load(folder / f"{key}.{part}.npy", mmap_mode="r") for part in PARTS}
    return Encoded(offsets=parts["offsets"], probs=parts["probs"], hidden=parts["hidden"])


def cached_states(model: Any, texts: Sequence[str], digest: str) -> list[Any]:
    """``model.encode(texts)``, read from ``states_dir(digest)`` where the states of a text are
    there and computed (then stored) where they are not; the arrays come back memory-mapped,
    read-only. ``digest`` names the model (:func:`model_digest` of its folder)."""
    folder = states_dir(digest)
    folder.mkdir(parents=True, exist_ok=True)
    index = _read_index(folder)
    keys = [text_hash(text) for text in texts]
    missing = sorted({key: text for key, text in zip(keys, texts, strict=True) if key not in index}.items())
    for first in range(0, len(missing), CHUNK):
        chunk = missing[first : first + CHUNK]
        for (key, _), encoded in zip(chunk, model.encode([text for _, text in chunk]), strict=True):
            for part in PARTS:
                with atomic_file(folder / f"{key}.{part}.npy") as handle:
                    np.save(handle, np.ascontiguousarray(getattr(encoded, part)))
            index[key] = len(encoded.offsets)
        # the index last: a text is in it only once its three files are whole
        index = {**_read_index(folder), **index}
        atomic_write_json(folder / INDEX, index)
    return [_load(folder, key) for key in keys]


def caching_encoder(model: Any, digest: str) -> Any:
    """A copy of the span model ``model`` whose ``encode`` goes through :func:`cached_states`, so
    that ``find``, ``predict_spans`` and the rest encode each text once per model digest."""
    cached = copy.copy(model)
    original = SimpleNamespace(encode=model.encode)
    cached.encode = lambda texts: cached_states(original, texts, digest)
    return cached
