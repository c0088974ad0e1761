"""The multilingual encoder's token states of the span-training articles, computed once.

States of multilingual-e5-small (:class:`unspun.models.e5_encoder.E5TokenEncoder`) are kept in
the state cache of :mod:`unspun.training.states` under the encoder's digest: a text is encoded
once, whatever head is trained on it next, and a stopped job resumes where it was (the cache
index is written every few texts). Stored as float16 to halve the disk (about 2.3 KB a token for
three layers).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from unspun.models.e5_encoder import E5TokenEncoder
from unspun.training.states import cached_states


class _AsEncoded:
    """The shape :func:`cached_states` stores: offsets, (no) tag probabilities, hidden states."""

    def __init__(self, encoder: E5TokenEncoder) -> None:
        self.encoder = encoder

    def encode(self, texts: list[str]) -> list[Any]:
        from unspun.models.span_model import Encoded

        out = []
        for states in self.encoder.encode(texts):
            probs = np.zeros((len(states.offsets), 0), np.float32)
            out.append(Encoded(offsets=states.offsets, probs=probs, hidden=states.hidden.astype(np.float16)))
        return out


def encoded_texts(
    encoder: E5TokenEncoder,
    texts: Sequence[str],
    *,
    every: int = 16,
    log: Callable[[str], None] = print,
) -> list[Any]:
    """The cached states of every text (``offsets``, ``hidden``; memory-mapped), encoding the ones
    the cache lacks ``every`` texts at a time, with progress and an estimate of the time left."""
    adapter = _AsEncoded(encoder)
    digest = f"e5-{encoder.digest}"
    out: list[Any] = []
    started = time.perf_counter()
    for first in range(0, len(texts), every):
        out.extend(cached_states(adapter, list(texts[first : first + every]), digest))
        done = min(first + every, len(texts))
        seconds = time.perf_counter() - started
        log(f"states {done}/{len(texts)} texts, {seconds:.0f} s")
    return out
