"""The e5 article vector's piece of text and mean state (the features of the e5 genre head)."""

from __future__ import annotations

import numpy as np

from unspun.models.article_e5 import article_piece, mean_state


def test_a_long_text_is_read_up_to_a_line_break_before_the_limit() -> None:
    text = ("word " * 30 + "\n") * 200
    piece = article_piece(text, limit=1_000)
    assert len(piece) <= 1_000 and text.startswith(piece) and piece.endswith("word ")
    assert article_piece("short text", limit=1_000) == "short text"
    no_breaks = "word " * 400
    cut = article_piece(no_breaks, limit=1_000)
    assert len(cut) < 1_000 and cut.endswith("word") and no_breaks.startswith(cut)


def test_the_mean_state_of_no_tokens_is_zero() -> None:
    assert np.array_equal(mean_state(np.zeros((0, 4)), 4), np.zeros(4, np.float32))
    states = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert np.allclose(mean_state(states, 2), [2.0, 3.0])
