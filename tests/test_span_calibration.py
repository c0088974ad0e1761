from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from unspun.document import Span
from unspun.errors import ModelError
from unspun.models.score_calibration import FILE, SpanCalibration


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
    assert len(result.per_fold) == 3 and result.final.a > 0
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
    out = calibration.apply(spans)
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
    (folder / FILE).write_text(json.dumps({"a": 1.0, "b": 2.0}), encoding="utf-8")  # odds x e^2
    raised = SpanTagger(model=folder, candidates=False)
    a, b = Article(id="a", text=text), Article(id="b", text=text)
    plain([a])
    raised([b])
    before, after = a.layer("technique"), b.layer("technique")
    assert before and [(s.start, s.end, s.label) for s in before] == [
        (s.start, s.end, s.label) for s in after
    ]
    for old, new in zip(before, after, strict=True):
        assert new.score == pytest.approx(SpanCalibration(1.0, 2.0).probability(old.score), abs=1e-6)
        assert new.score > old.score
