"""The context TC head: features of the article around a span, the correction, its file, its fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extras import need
from unspun.errors import ModelError
from unspun.models.span_context import FEATURES, SpanContextHead, context_features

LABELS = ("Loaded_Language", "Repetition", "Whataboutism,Straw_Men,Red_Herring")
TEXT = (
    "Build the wall now\n\n"
    "They want open borders. We say build the wall!\n"
    "And what about the opposition? Where was their outrage then?"
)


def _feature(row: np.ndarray, name: str) -> float:
    return float(row[FEATURES.index(name)])


def test_context_features_are_counted_by_hand() -> None:
    second = TEXT.index("build the wall")
    question = TEXT.index("their outrage then")
    title, repeated, asked = context_features(
        TEXT, [(0, 14), (second, second + 14), (question, question + 18)]
    )
    assert _feature(title, "in_title") == 1.0 and _feature(repeated, "in_title") == 0.0
    assert _feature(title, "repeats") == pytest.approx(np.log(2))  # "build the wall" once more
    assert _feature(title, "seen_before") == 0.0 and _feature(repeated, "seen_before") == 1.0
    assert _feature(repeated, "words_elsewhere") == 1.0  # "build" and "wall" both in the title
    assert _feature(repeated, "exclamation") == 1.0 and _feature(asked, "exclamation") == 0.0
    assert _feature(asked, "line_question") == 1.0 and _feature(repeated, "line_question") == 0.0
    assert _feature(asked, "paragraph_questions") == pytest.approx(np.log(3))  # two in its paragraph
    assert _feature(title, "line_cover") == pytest.approx(14 / 18)
    assert _feature(asked, "words") == pytest.approx(np.log(4))
    # a piece of a longer text whose title ended before it: nothing in the piece is in the title
    assert _feature(context_features(TEXT, [(0, 18)], title_end=0)[0], "in_title") == 0.0
    assert context_features(TEXT, []).shape == (0, len(FEATURES))


def _head(question_weight: float) -> SpanContextHead:
    weight = np.zeros((len(FEATURES), len(LABELS)))
    weight[FEATURES.index("line_question"), 2] = question_weight
    weight[FEATURES.index("repeats"), 1] = 2.0
    return SpanContextHead(
        LABELS, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), weight, np.zeros(len(LABELS))
    )


def test_the_head_moves_a_span_to_the_technique_its_context_supports(tmp_path: Path) -> None:
    question = TEXT.index("their outrage then")
    spans = [(0, 14), (question, question + 18)]
    flat = np.array([[0.6, 0.2, 0.2], [0.6, 0.2, 0.2]], dtype=np.float32)
    labels = list(reversed(LABELS))  # the caller's column order is kept
    adjusted = _head(3.0).adjust(flat[:, ::-1], TEXT, spans, labels)
    assert [labels[int(i)] for i in adjusted.argmax(axis=1)] == ["Repetition", LABELS[2]]
    assert np.allclose(adjusted.sum(axis=1), 1.0)
    assert _head(0.0).adjust(flat, TEXT, [], LABELS) is flat
    _head(3.0).to_disk(tmp_path / "tc_context.npz")
    loaded = SpanContextHead.from_disk(tmp_path / "tc_context.npz")
    assert np.allclose(
        loaded.adjust(flat, TEXT, spans, LABELS), _head(3.0).adjust(flat, TEXT, spans, LABELS), atol=1e-5
    )


def test_a_damaged_head_file_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "tc_context.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="retrain or reinstall"):
        SpanContextHead.from_disk(tmp_path / "tc_context.npz")


def test_fit_learns_a_context_the_span_heads_missed() -> None:
    need("scipy.optimize")
    from unspun.training.span_context import fit_context_head

    rng = np.random.default_rng(0)
    features = rng.normal(size=(200, len(FEATURES)))
    gold = np.where(features[:, FEATURES.index("line_question")] > 0.5, 2, 0)
    probs = np.tile([0.6, 0.3, 0.1], (200, 1))  # the span heads always say Loaded_Language
    head = fit_context_head(features, probs, gold, LABELS)
    z = (features - head.mean) / head.scale
    predicted = (np.log(probs) + z @ head.weight + head.bias).argmax(axis=1)
    assert (predicted == gold).mean() > 0.9


def test_the_shipped_span_model_reads_its_context_head() -> None:
    from unspun.models.span_model import load_span_model

    model = load_span_model()
    assert model.context is not None
    text = "Build the wall, they said.\n\nWe must build the wall now. Nothing else matters.\n\nBuild the wall, and build it high."
    start = text.index("build the wall now")
    spans = [(start, start + len("build the wall"))]  # the third "build the wall" of the article
    encoded = model.encode([text])[0]
    repetition = model.labels.index("Repetition")
    with_context = model.technique_probs(text, encoded, spans)[0, repetition]
    model.context = None
    without = model.technique_probs(text, encoded, spans)[0, repetition]
    assert with_context > without + 0.1  # measured 0.98 against 0.62: the recurrence pushes Repetition


def test_a_second_technique_only_where_the_head_gives_it_enough_probability() -> None:
    from unspun.document import Label
    from unspun.models.span_model import SECOND_TECHNIQUE_MIN, second_techniques

    close = np.array([0.45, 0.40, 0.15])  # two techniques the head cannot tell apart
    assert second_techniques(close, LABELS) == [Label("Repetition", pytest.approx(0.40))]
    clear = np.array([0.05, 0.80, 0.15])
    assert second_techniques(clear, LABELS) == []
    assert second_techniques(close, LABELS, min_prob=None) == []
    at = np.array([1 - 2 * SECOND_TECHNIQUE_MIN, SECOND_TECHNIQUE_MIN, SECOND_TECHNIQUE_MIN])
    at[0] += 0.01  # the first; the two tied at the threshold: the first of them is second
    assert [label.name for label in second_techniques(at, LABELS)] == [LABELS[1]]


def test_the_span_tagger_gives_a_span_two_labels_without_adding_a_span() -> None:
    from unspun.document import Article
    from unspun.models.span_model import SECOND_TECHNIQUE_MIN
    from unspun.pipeline.spans import SpanTagger

    text = (
        "Terror\n\nIf we let them in, our children will die. Either we act now or we lose everything. "
        "This evil regime is the new Nazi Germany."
    )
    tagged = {}
    for second in (True, False):
        article = Article(id="a", text=text)
        SpanTagger(candidates=False, second_techniques=second)([article])
        tagged[second] = article.layer("technique")
    with_second, without = tagged[True], tagged[False]
    # the same spans and scores: a second label is not a second span
    assert [(s.start, s.end, s.label, s.score) for s in with_second] == [
        (s.start, s.end, s.label, s.score) for s in without
    ]
    assert all(not s.also for s in without)
    for span in with_second:
        assert all(o.name != span.label and SECOND_TECHNIQUE_MIN <= o.score <= 1.0 for o in span.also)
    # "evil regime": name calling and loaded language both (the head gave the second 0.44 on one CPU)
    regime = next(s for s in with_second if "evil regime" in s.text_in(text))
    assert {regime.label, *(o.name for o in regime.also)} == {"Name_Calling,Labeling", "Loaded_Language"}
