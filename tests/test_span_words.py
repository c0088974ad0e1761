"""The lexical SI head: word features, learning which words lie in spans, blending, files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extras import need
from unspun.errors import ModelError
from unspun.models import span_words
from unspun.models.span_words import WordTagHead, fit_word_tag_head, inside_words, word_features, word_spans

need("sklearn")  # the [train] extra

TEXTS = [
    "The corrupt thugs lied again. The council met on Monday.",
    "Officials met on Tuesday. Those corrupt thugs must go!",
    "The report was published. Corrupt thugs everywhere, he said.",
    "The mayor met the council. Nothing else happened.",
]


def gold(text: str) -> list[tuple[int, int]]:
    start = text.lower().index("corrupt thugs") if "corrupt thugs" in text.lower() else -1
    return [(start, start + len("corrupt thugs"))] if start >= 0 else []


def test_words_and_their_features() -> None:
    text = 'He said "so-called experts" LIED.'
    assert [w for _, _, w in word_spans(text)] == [
        "He",
        "said",
        '"',
        "so",
        "-",
        "called",
        "experts",
        '"',
        "LIED",
        ".",
    ]
    features = [dict(f) for f in word_features([w for _, _, w in word_spans(text)])]
    assert features[0]["w=he"] == 1.0 and features[0]["p=<s>"] == 1.0 and "capital" in features[0]
    assert "quoted" in features[3] and "quoted" in features[6] and "quoted" not in features[8]
    assert "all_capitals" in features[8] and features[8]['pw="_lied'] == 1.0
    assert features[1]["n2=so"] == 0.5 and features[1]["suf=aid"] == 1.0


def test_inside_words_marks_overlapping_words() -> None:
    words, inside = inside_words("a bad, bad man", [(2, 5)])
    assert words == ["a", "bad", ",", "bad", "man"]
    assert inside.tolist() == [False, True, False, False, False]


def test_head_learns_which_words_are_in_spans_and_round_trips(tmp_path: Path) -> None:
    head = fit_word_tag_head(TEXTS, [gold(t) for t in TEXTS], c=10.0, min_count=1, share=0.5)
    text = "Corrupt thugs met on Monday."
    starts, probs = head.word_probs(text)
    assert starts.tolist() == [0, 8, 14, 18, 21, 27]
    assert probs[0] > 0.5 and probs[1] > 0.5
    assert probs[2:].max() < 0.5
    head.to_disk(tmp_path / "si_words.npz")
    again = WordTagHead.from_disk(tmp_path / "si_words.npz")
    assert again.share == 0.5
    assert np.allclose(again.word_probs(text)[1], probs, atol=1e-3)  # float16 weights


def test_blend_moves_the_inside_probability_towards_the_word_head() -> None:
    head = WordTagHead(
        vocabulary={"w=thugs": 0}, weights=np.array([4.0], dtype=np.float32), bias=-2.0, share=0.5
    )
    text = "thugs here"
    offsets = np.array([[0, 3], [3, 5], [6, 10]])  # two sub-word tokens for "thugs", one for "here"
    neural = np.array([[0.5, 0.3, 0.2], [0.5, 0.1, 0.4], [0.5, 0.25, 0.25]], dtype=np.float32)
    mixed = head.blend(text, neural, offsets)
    assert np.allclose(mixed.sum(axis=1), 1.0, atol=1e-6)
    inside = mixed[:, 1] + mixed[:, 2]
    # logit 0.5 = 0; "thugs": word logit 2 -> mixed logit 1; "here": word logit -2 -> mixed logit -1
    assert np.allclose(inside, 1 / (1 + np.exp(-np.array([1.0, 1.0, -1.0]))), atol=1e-6)
    assert mixed[0, 1] / mixed[0, 2] == pytest.approx(1.5)  # B:I ratio kept
    assert head.blend("", np.zeros((0, 3), dtype=np.float32), np.zeros((0, 2), dtype=np.int64)).shape == (
        0,
        3,
    )


def test_head_needs_both_classes_and_a_readable_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="inside and outside"):
        fit_word_tag_head(["no spans here"], [[]])
    with pytest.raises(ModelError, match="no model file"):
        WordTagHead.from_disk(tmp_path / "missing.npz")


@pytest.mark.parametrize(
    "text",
    [
        'THE corrupt thugs said "they lied" on Monday!',
        "Corrupt",
        "",
        'a "b" c "d',
        "x, y; THUGS met the council.",
    ],
)
def test_fast_word_probs_equal_the_feature_definition(text: str) -> None:
    head = fit_word_tag_head(TEXTS + [text or "x"], [gold(t) for t in TEXTS] + [[]], c=10.0, min_count=1)
    words = [w for _, _, w in word_spans(text)]
    expected = np.array(
        [
            head.bias + sum(v * float(head.weights[head.vocabulary[k]]) for k, v in f if k in head.vocabulary)
            for f in word_features(words)
        ]
    )
    _, probs = head.word_probs(text)
    assert np.allclose(probs, 1 / (1 + np.exp(-expected)), atol=1e-6)


@pytest.mark.parametrize("at_once", [2, 3, 7])
def test_word_probs_scored_in_blocks_equal_one_go(monkeypatch: pytest.MonkeyPatch, at_once: int) -> None:
    """A long text's words are scored a block at a time (to bound memory), each block with the
    words around it and the quotation marks before it: the same probabilities as in one go."""
    quoting = [*TEXTS, 'He said "corrupt thugs" and left.', 'Calm "words" here.']
    head = fit_word_tag_head(quoting, [gold(t) for t in quoting], c=10.0, min_count=1)
    assert head.vocabulary.get("quoted") is not None  # the quotation marks before a block count
    text = " ".join(TEXTS) + ' He said "corrupt thugs" and “so-called” THUGS, "again'
    starts, probs = head.word_probs(text)
    monkeypatch.setattr(span_words, "WORDS_AT_ONCE", at_once)
    in_blocks = head.word_probs(text)
    assert np.array_equal(in_blocks[0], starts) and np.array_equal(in_blocks[1], probs)
    assert head.word_probs("")[0].shape == (0,) and head.word_probs("thugs")[1].shape == (1,)
