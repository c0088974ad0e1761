"""Span evidence per paragraph from the multilingual span model (hand-counted tiny article)."""

from __future__ import annotations

import numpy as np
import pytest

from unspun.document import split_paragraphs
from unspun.techniques import SEMEVAL23_LABELS
from unspun.training.multilingual_paragraphs import (
    N_SPAN_FEATURES,
    DecodedSpan,
    paragraph_span_features,
    token_probability_rows,
)

TEXT = "Ils mentent. Tous.\nRien ici.\n\nEncore eux"
# paragraph 1: [0, 18) with sentences [0, 12) and [13, 18); paragraph 2: [19, 28); 4: [30, 40)


def _spans() -> list[DecodedSpan]:
    loaded = np.zeros(len(SEMEVAL23_LABELS), np.float32)
    loaded[SEMEVAL23_LABELS.index("Loaded_Language")] = 0.7
    doubt = np.zeros(len(SEMEVAL23_LABELS), np.float32)
    doubt[SEMEVAL23_LABELS.index("Doubt")] = 0.4
    loaded_low = loaded * 0.5
    return [DecodedSpan(0, 11, 0.6, loaded), DecodedSpan(13, 17, 0.5, loaded_low + doubt)]


def test_paragraph_span_features_hand_counted() -> None:
    paragraphs = split_paragraphs(TEXT)
    offsets = np.array([[0, 3], [4, 11], [13, 17], [19, 23], [24, 28], [30, 36], [37, 40]])
    probabilities = np.array([0.9, 0.5, 0.3, 0.1, 0.2, 0.0, 0.0])
    sentences = [(0, 12), (13, 18), (19, 28), (30, 40)]
    rows = paragraph_span_features(TEXT, paragraphs, offsets, probabilities, sentences, _spans())
    assert rows.shape == (3, N_SPAN_FEATURES)
    first, second, last = rows
    assert first[0] == pytest.approx(0.9) and first[1] == pytest.approx((0.9 + 0.5 + 0.3) / 3)
    assert first[2] == pytest.approx(1.0)  # both sentences overlap a span
    assert first[3] == pytest.approx(2 / 0.3)  # 2 spans over 3 words
    assert first[4] == pytest.approx(0.6) and first[5] == pytest.approx(1.1 / 0.3)
    assert first[6 + SEMEVAL23_LABELS.index("Loaded_Language")] == pytest.approx(0.7)
    assert first[6 + SEMEVAL23_LABELS.index("Doubt")] == pytest.approx(0.4)
    assert second[0] == pytest.approx(0.2) and second[1] == pytest.approx(0.15)
    assert not second[2:].any() and not last.any()


def test_paragraph_span_features_without_tokens_or_spans() -> None:
    paragraphs = split_paragraphs(TEXT)
    rows = paragraph_span_features(TEXT, paragraphs, np.zeros((0, 2)), np.zeros(0), [], [])
    assert rows.shape == (3, N_SPAN_FEATURES) and not rows.any()


def test_token_probability_rows_put_outside_first() -> None:
    rows = token_probability_rows(np.array([0.25, 1.0]))
    assert rows[:, 0] == pytest.approx([0.75, 0.0]) and rows[:, 1] == pytest.approx([0.25, 1.0])
