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
