"""Decoding token probabilities into spans: a run narrowed to its core, words read whole."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from unspun.models.decoding import RELATIVE_EXTENT, decode_spans, token_runs, word_inside
from unspun.models.phrases import whole_phrase_ranges


def _probs(inside: list[float]) -> np.ndarray:
    return np.array([[1 - p, p / 2, p / 2] for p in inside], dtype=np.float32)


def _tokens(text: str, pieces: list[tuple[str, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Offsets and O/B/I probabilities of ``text`` cut into the given pieces, in order, each with
    its inside-probability (white space between pieces is skipped)."""
    offsets, inside, cursor = [], [], 0
    for piece, p in pieces:
        start = text.index(piece, cursor)
        offsets.append((start, start + len(piece)))
        inside.append(p)
        cursor = start + len(piece)
    return np.array(offsets, dtype=np.int64), _probs(inside)


# The shipped model's inside-probabilities of this sentence (rounded): high on the insult, a dip
# on "in Parliament", up again on "our country".
TRAITORS = "These spineless globalist traitors in Parliament have sold out our country once again."
TRAITOR_TOKENS = [
    ("These", 0.56), ("spine", 0.76), ("less", 0.77), ("global", 0.66), ("ist", 0.58),
    ("traitor", 0.59), ("s", 0.59), ("in", 0.39), ("Parliament", 0.22), ("have", 0.31),
    ("sold", 0.30), ("out", 0.38), ("our", 0.58), ("country", 0.58), ("once", 0.28),
    ("again", 0.35), (".", 0.15),
]  # fmt: skip


def test_token_runs_relative_keeps_the_cores_of_a_run() -> None:
    probs = _probs([0.2, 0.8, 0.7, 0.25, 0.5, 0.6, 0.2, 0.05])
    assert [(a, b) for a, b, _ in token_runs(probs, 0.15, 0.35)] == [(0, 7)]
    runs = token_runs(probs, 0.15, 0.35, relative=0.4)  # cores at or above 0.32
    assert [(a, b) for a, b, _ in runs] == [(1, 3), (4, 6)]
    assert abs(runs[0][2] - 0.75) < 1e-6  # the core's own mean
    # a core that never reaches the peak is no span
    weak = _probs([0.2, 0.9, 0.3, 0.34, 0.3])
    assert [(a, b) for a, b, _ in token_runs(weak, 0.15, 0.35, relative=0.35)] == [(1, 2)]


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40), st.floats(0.05, 0.9))
def test_token_runs_relative_lie_inside_the_plain_runs(inside: list[float], relative: float) -> None:
    probs = _probs(inside)
    plain = token_runs(probs, 0.15, 0.35)
    for a, b, score in token_runs(probs, 0.15, 0.35, relative=relative):
        assert any(x <= a < b <= y for x, y, _ in plain)
        assert max(inside[a:b]) >= 0.35 - 1e-6 and 0.0 <= score <= 1.0


def test_word_inside_reads_a_hyphenated_word_whole() -> None:
    text = "The so-called scientists"
    offsets, probs = _tokens(
        text, [("The", 0.2), ("so", 0.41), ("-", 0.13), ("called", 0.15), ("scientists", 0.14)]
    )
    inside = word_inside(text, probs, offsets)
    assert np.allclose(inside, [0.2, 0.41, 0.41, 0.41, 0.14], atol=1e-6)
    # the hyphen token no longer ends the run inside the word
    plain = decode_spans(text, probs, offsets, threshold=0.15, peak=0.35)
    assert [text[s:e] for s, e, _ in plain] == []  # "The so": function words only
    cored = decode_spans(text, probs, offsets, threshold=0.15, peak=0.35, relative=RELATIVE_EXTENT)
    assert [text[s:e] for s, e, _ in cored] == ["The so-called"]


def test_word_inside_reads_a_decomposed_accent_as_part_of_its_word() -> None:
    text = "The Lu\u0308genpresse lies"  # "\u00fc" written as "u" and a combining diaeresis
    offsets, probs = _tokens(
        text, [("The", 0.1), ("Lu", 0.5), ("\u0308", 0.1), ("genpresse", 0.2), ("lies", 0.1)]
    )
    inside = word_inside(text, probs, offsets)
    assert np.allclose(inside, [0.1, 0.5, 0.5, 0.5, 0.1], atol=1e-6)  # one word, read as its best token


def test_decode_spans_relative_splits_a_sentence_into_its_phrases() -> None:
    offsets, probs = _tokens(TRAITORS, TRAITOR_TOKENS)
    plain = decode_spans(TRAITORS, probs, offsets, threshold=0.15, peak=0.35)
    assert [TRAITORS[s:e] for s, e, _ in plain] == [TRAITORS[:-1]]  # the whole sentence
    cored = decode_spans(TRAITORS, probs, offsets, threshold=0.15, peak=0.35, relative=RELATIVE_EXTENT)
    assert [TRAITORS[s:e] for s, e, _ in cored] == [
        "These spineless globalist traitors in",
        "have sold out our country once again",
    ]
    assert cored[0][2] > plain[0][2]  # the core scores higher than the sentence did
    whole = [TRAITORS[s:e] for s, e, _ in whole_phrase_ranges(TRAITORS, cored)]
    assert whole == ["These spineless globalist traitors", "sold out our country once again"]


def test_decode_spans_relative_never_cuts_a_word() -> None:
    offsets, probs = _tokens(TRAITORS, TRAITOR_TOKENS)
    probs[4] = [0.9, 0.05, 0.05]  # "ist" of "globalist" alone below the core
    cored = decode_spans(TRAITORS, probs, offsets, threshold=0.15, peak=0.35, relative=RELATIVE_EXTENT)
    words = {m.span() for m in re.finditer(r"\w+", TRAITORS)}
    for start, end, _ in cored:
        assert any(a == start for a, _ in words) and any(b == end for _, b in words)
    assert TRAITORS[cored[0][0] : cored[0][1]].startswith("These spineless globalist traitors")


def test_word_inside_leaves_single_token_words_and_empty_texts_alone() -> None:
    text = "They are liars."
    offsets, probs = _tokens(text, [("They", 0.1), ("are", 0.2), ("liars", 0.9), (".", 0.3)])
    assert np.allclose(word_inside(text, probs, offsets), [0.1, 0.2, 0.9, 0.3], atol=1e-6)
    empty = np.zeros((0, 3), dtype=np.float32)
    assert word_inside("", empty, np.zeros((0, 2), dtype=np.int64)).shape == (0,)
    assert decode_spans("", empty, np.zeros((0, 2), dtype=np.int64), threshold=0.15, relative=0.35) == []


# The shipped model's inside-probabilities (rounded) of three sentences: the second and third run
# together at the tagger's threshold, with a dip on the full stop between them.
MAYOR = "Enough is enough. The corrupt mayor has betrayed us all. Save our harbour!"
MAYOR_TOKENS = [
    ("Enough", 0.40), ("is", 0.36), ("enough", 0.37), (".", 0.21), ("The", 0.65), ("corrupt", 0.60),
    ("mayor", 0.56), ("has", 0.42), ("betrayed", 0.40), ("us", 0.56), ("all", 0.51), (".", 0.26),
    ("Save", 0.52), ("our", 0.65), ("harbour", 0.57), ("!", 0.38),
]  # fmt: skip


def test_decode_spans_relative_cuts_a_run_at_a_sentence_end_it_dips_on() -> None:
    offsets, probs = _tokens(MAYOR, MAYOR_TOKENS)
    cored = decode_spans(MAYOR, probs, offsets, threshold=0.15, peak=0.35, relative=RELATIVE_EXTENT)
    assert [MAYOR[s:e] for s, e, _ in cored] == [
        "Enough is enough",
        "The corrupt mayor has betrayed us all",
        "Save our harbour!",
    ]
    # a run the tagger carries through the full stop at its height crosses it still
    probs[11] = [0.4, 0.3, 0.3]
    cored = decode_spans(MAYOR, probs, offsets, threshold=0.15, peak=0.35, relative=RELATIVE_EXTENT)
    assert MAYOR[cored[-1][0] : cored[-1][1]] == "The corrupt mayor has betrayed us all. Save our harbour!"
    # an end mark inside a sentence ("U.S.", "3.5") is no sentence end
    text = "The U.S. economy is a disaster."
    offsets, probs = _tokens(
        text, [("The", 0.6), ("U", 0.6), (".", 0.25), ("S", 0.6), (".", 0.25), ("economy", 0.6),
               ("is", 0.5), ("a", 0.5), ("disaster", 0.6), (".", 0.1)]
    )  # fmt: skip
    cored = decode_spans(text, probs, offsets, threshold=0.15, peak=0.35, relative=RELATIVE_EXTENT)
    assert [text[s:e] for s, e, _ in cored] == ["The U.S. economy is a disaster"]
