"""Cut a long token sequence into overlapping windows and stitch window outputs back.

Articles are tokenised once; windows are slices of that one token sequence, so that
character offsets map back exactly and nothing is ever truncated. Each token is *owned*
by the window in which it sits farthest from an edge (most context on both sides), and
stitched outputs take that window's value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def make_windows(n_tokens: int, size: int, stride: int) -> list[tuple[int, int]]:
    """Half-open token ranges ``[a, b)`` of at most ``size`` tokens, starting every ``stride`` tokens.

    The windows cover ``range(n_tokens)`` completely; the last window ends at ``n_tokens``.
    ``n_tokens == 0`` gives no window. Raises ``ValueError`` unless ``0 < stride <= size``.
    """
    if size <= 0 or stride <= 0 or stride > size:
        raise ValueError(f"need 0 < stride <= size, got size={size} stride={stride}")
    if n_tokens <= 0:
        return []
    windows: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(start + size, n_tokens)
        windows.append((start, end))
        if end >= n_tokens:
            return windows
        start += stride


def owners(windows: Sequence[tuple[int, int]], n_tokens: int) -> np.ndarray:
    """For each token, the index of the window where it is most central (an ``int64`` array).

    Ties go to the earlier window. Raises ``ValueError`` if a token is in no window.
    """
    best = np.full(n_tokens, -1, dtype=np.int64)
    margin = np.full(n_tokens, -1, dtype=np.int64)
    for index, (start, end) in enumerate(windows):
        positions = np.arange(start, end)
        distance = np.minimum(positions - start, end - 1 - positions)
        better = distance > margin[start:end]
        best[start:end][better] = index
        margin[start:end][better] = distance[better]
    if n_tokens and (best < 0).any():
        raise ValueError("the windows leave some tokens uncovered")
    return best


def stitch(windows: Sequence[tuple[int, int]], outputs: Sequence[np.ndarray], n_tokens: int) -> np.ndarray:
    """Join per-window outputs (``outputs[i]`` has one row per token of window ``i``) into one
    array with one row per token, each row taken from the token's owning window."""
    if not windows:
        width = outputs[0].shape[1:] if outputs else ()
        return np.zeros((0, *width), dtype=np.float32)
    owner = owners(windows, n_tokens)
    result = np.empty((n_tokens, *outputs[0].shape[1:]), dtype=outputs[0].dtype)
    for index, (start, end) in enumerate(windows):
        mine = np.nonzero(owner[start:end] == index)[0]
        result[start + mine] = outputs[index][mine]
    return result
