from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from unspun.document import Span
from unspun.errors import ModelError
from unspun.models.score_calibration import FILE, SpanCalibration, content_word_count


def test_span_hits_need_the_same_technique_and_an_overlap() -> None:
    from unspun.training.span_calibration import span_hits

    gold = [Span(10, 20, "Doubt"), Span(30, 40, "Loaded_Language")]
    predicted = [
        Span(15, 25, "Doubt"),
        Span(15, 25, "Repetition"),
        Span(20, 30, "Doubt"),
        Span(35, 36, "Loaded_Language"),
    ]
    assert span_hits(predicted, gold).tolist() == [1, 0, 0, 1]


@pytest.mark.needs("sklearn")
def test_out_of_fold_calibration_turns_over_or_under_confident_scores_into_probabilities() -> None:
    from unspun.training.span_calibration import cross_validated_calibration

    rng = np.random.default_rng(5)
    n = 4000
    truth = rng.uniform(0.05, 0.95, n)  # the real probability of each span being right
    hits = (rng.uniform(size=n) < truth).astype(int)
    shy = truth**3  # a model that ranks well but says far too little
    result = cross_validated_calibration(shy, hits, np.arange(n) % 3)
    assert result.raw_ece > 0.2
    assert result.calibrated_ece < 0.05
    assert len(result.per_fold) == 3 and result.final.a > 0 and result.final.c == 0
    with pytest.raises(ValueError):
        cross_validated_calibration(shy, hits, np.zeros(n))


def test_calibration_is_monotonic_read_from_the_model_folder_and_refuses_a_broken_file(
    tmp_path: Path,
) -> None:
    assert SpanCalibration.from_folder(tmp_path) is None
    (tmp_path / FILE).write_text(json.dumps({"a": 0.6, "b": 1.1}), encoding="utf-8")
    calibration = SpanCalibration.from_folder(tmp_path)
    assert calibration == SpanCalibration(0.6, 1.1)
    spans = [Span(0, 4, "Doubt", s) for s in (0.01, 0.1, 0.3, 0.7, 0.99)]
    out = calibration.apply("evil lies", spans)
    scores = [s.score for s in out]
    assert scores == sorted(scores) and all(0 < s < 1 for s in scores)
    assert [(s.start, s.end, s.label) for s in out] == [(s.start, s.end, s.label) for s in spans]
    (tmp_path / FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError):
        SpanCalibration.from_folder(tmp_path)


def test_span_tagger_applies_the_model_folders_calibration(tmp_path: Path) -> None:
    import shutil

    from unspun.document import Article
    from unspun.models.packaged import packaged_model_dir
    from unspun.pipeline.spans import SpanTagger

    text = "The so-called experts and their fake news friends will destroy our great nation. Wake up, people!"
    bare = tmp_path / "bare"  # the shipped model without its calibration, if it has one
    shutil.copytree(packaged_model_dir("ptc-minilm"), bare, ignore=shutil.ignore_patterns(FILE))
    plain = SpanTagger(model=bare, candidates=False)
    folder = tmp_path / "ptc-minilm"
    shutil.copytree(bare, folder)
    (folder / FILE).write_text(json.dumps({"a": 1.0, "b": 2.0, "c": -1.0}), encoding="utf-8")
    raised = SpanTagger(model=folder, candidates=False)
    a, b = Article(id="a", text=text), Article(id="b", text=text)
    plain([a])
    raised([b])
    before, after = a.layer("technique"), b.layer("technique")
    assert before and [(s.start, s.end, s.label) for s in before] == [
        (s.start, s.end, s.label) for s in after
    ]
    for old, new in zip(before, after, strict=True):
        one_word = content_word_count(old.text_in(text)) == 1
        expected = SpanCalibration(1.0, 2.0, -1.0).probability(old.score, one_word)
        assert new.score == pytest.approx(expected, abs=1e-6)
        assert new.score > old.score  # odds x e^2, or x e^1 for a span of one content word


def test_content_words_leave_out_function_words_and_words_a_phrase_does_not_end_on() -> None:
    assert content_word_count("evil") == 1
    assert content_word_count("the evil of it") == 1
    assert content_word_count("they\u2019re traitors") == 1  # curly apostrophe as straight
    assert content_word_count("so-called experts") == 2  # a hyphenated word is one word
    assert content_word_count("the fact that it has just") == 1
    assert content_word_count("of the") == 0


def test_an_old_calibration_file_maps_as_before_and_the_one_word_term_lowers_only_one_word_spans(
    tmp_path: Path,
) -> None:
    (tmp_path / FILE).write_text(json.dumps({"a": 1.2, "b": -0.3}), encoding="utf-8")
    old = SpanCalibration.from_folder(tmp_path)
    assert old == SpanCalibration(1.2, -0.3, 0.0)
    text = "Disaster! They are lying traitors."
    spans = [Span(0, 8, "Loaded_Language", 0.4), Span(19, 33, "Name_Calling", 0.4)]
    q = 0.4
    plain = 1 / (1 + np.exp(-(1.2 * np.log(q / (1 - q)) - 0.3)))  # sigmoid(a * logit(s) + b)
    assert [s.score for s in old.apply(text, spans)] == pytest.approx([plain, plain], abs=1e-9)
    (tmp_path / FILE).write_text(json.dumps({"a": 1.2, "b": -0.3, "c": -0.8}), encoding="utf-8")
    new = SpanCalibration.from_folder(tmp_path)
    assert new is not None and new.c == -0.8
    one, two = new.apply(text, spans)
    assert one.score < plain - 0.1  # "Disaster": one content word
    assert two.score == pytest.approx(plain, abs=1e-9)  # "lying traitors": two
    for one_word in (True, False):  # monotonic in the score for spans of one kind
        mapped = [new.probability(x, one_word) for x in np.linspace(0.001, 0.999, 50)]
        assert all(b > a for a, b in zip(mapped, mapped[1:], strict=False))


def test_the_one_word_term_is_fitted_out_of_fold_where_one_word_spans_are_over_scored() -> None:
    from unspun.training.span_calibration import cross_validated_calibration

    rng = np.random.default_rng(7)
    n = 6000
    scores = rng.uniform(0.05, 0.95, n)
    one_word = (rng.uniform(size=n) < 0.3).astype(int)
    truth = np.where(one_word == 1, scores * 0.5, scores)  # one-word spans right half as often
    hits = (rng.uniform(size=n) < truth).astype(int)
    folds = np.arange(n) % 3
    plain = cross_validated_calibration(scores, hits, folds)
    with_term = cross_validated_calibration(scores, hits, folds, one_word)
    assert with_term.final.c < -0.5 and with_term.final.a > 0
    assert all(m.c < 0 for m in with_term.per_fold)
    ones = one_word == 1
    assert with_term.calibrated[ones].mean() < plain.calibrated[ones].mean() - 0.05
    assert abs(with_term.calibrated[ones].mean() - hits[ones].mean()) < 0.03
    assert with_term.calibrated_ece < plain.calibrated_ece
    assert with_term.one_word_table and sum(b.count for b in with_term.one_word_table) == ones.sum()
