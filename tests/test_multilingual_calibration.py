"""The multilingual span scores as the probability that a span is right: which out-of-fold spans
are right (hand-counted), the calibration fitted on them, and its file."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from unspun.document import Article
from unspun.models.linear_head import LinearHead
from unspun.models.multilingual_spans import ScoreCalibration
from unspun.tasks.semeval2023_spans import GoldSpan, SpanArticle
from unspun.training.multilingual_calibration import (
    ShownSpan,
    calibration_figures,
    fit_calibration,
    out_of_fold,
    shown_spans,
    write_calibration,
)

WIDTH = 2  # the token states' width of the hand-made article (span features: 2 * WIDTH)


def _head(favourite: str) -> LinearHead:
    """A technique head that names ``favourite`` (probability about 0.73) whatever it reads."""
    labels = ("Doubt", "Slogans")
    return LinearHead(
        labels=labels,
        weights=np.zeros((2 * WIDTH, 2), np.float32),
        bias=np.array([1.0 if label == favourite else 0.0 for label in labels], np.float32),
        mean=np.zeros(2 * WIDTH, np.float32),
        scale=np.ones(2 * WIDTH, np.float32),
        multi_label=False,
    )


def test_a_shown_span_is_right_when_it_overlaps_a_gold_span_of_the_technique_it_names() -> None:
    text = "Aaaa bbbb cccc dddd eeee ffff gggg hhhh"  # words at 0, 5, 10, ..., 35
    offsets = np.array([[5 * i, 5 * i + 4] for i in range(8)])
    gold = [GoldSpan(5, 14, "Doubt"), GoldSpan(30, 34, "Slogans")]
    item = SpanArticle(Article(id="a", text=text, language="fr"), "fr", gold)
    prepared = [
        SimpleNamespace(
            item=item, offsets=offsets, hidden=np.ones((8, WIDTH)), sentence_of=np.zeros(8, np.int64)
        )
    ]
    # (0, 9): "Aaaa bbbb", 4 of 9 characters in "bbbb cccc"; (20, 24) outside; (25, 39) holds "gggg"
    scored = [[(0, 9, 0.8), (20, 24, 0.6), (25, 39, 0.5), (15, 19, 0.3)]]
    rows = shown_spans(prepared, [[0]], scored, [0.4], [_head("Doubt")])
    assert [(r.score, r.right, r.overlaps) for r in rows] == [
        (0.8, True, True),
        (0.6, False, False),
        (0.5, False, True),
    ]
    assert [round(r.share, 3) for r in rows] == [round(4 / 9, 3), 0.0, round(4 / 14, 3)]
    assert all(r.language == "fr" and r.fold == 0 and 0.5 < r.technique < 1 for r in rows)  # 0.3: not shown
    slogans = shown_spans(prepared, [[0]], scored, [0.4], [_head("Slogans")])
    assert [r.right for r in slogans] == [False, False, True]


def _rows(n: int = 2000, seed: int = 0) -> list[ShownSpan]:
    """Spans scored 0.4-0.95 of which a fifth of the share the score says are right."""
    rng = np.random.default_rng(seed)
    scores = rng.uniform(0.4, 0.95, n)
    right = rng.random(n) < scores / 4
    return [
        ShownSpan(("fr", "de")[i % 2], i % 5, float(s), 0.5, bool(r), True, 0.5)
        for i, (s, r) in enumerate(zip(scores, right, strict=True))
    ]


def test_the_calibration_brings_overconfident_scores_down_keeping_their_order() -> None:
    rows = _rows()
    mapping = fit_calibration(rows, technique=False)
    assert mapping.a > 0 and mapping.c == 0.0
    grid = np.linspace(0.0, 1.0, 101)
    calibrated = mapping.probabilities(grid, np.full(101, 0.5))
    assert ((calibrated >= 0) & (calibrated <= 1)).all() and (np.diff(calibrated) > 0).all()
    held_out = out_of_fold(rows, technique=False)
    right = np.array([r.right for r in rows])
    assert abs(held_out.mean() - right.mean()) < 0.03  # about 0.17, where the raw scores say 0.68
    summary, per_language = calibration_figures(rows)
    assert summary["variants"]["raw"]["ece"] > 0.4 > 0.05 > summary["variants"][summary["chosen"]]["ece"]
    assert set(per_language) == {"de", "fr"}
    for figures in per_language.values():
        assert sum(b["count"] for b in figures["raw"]["bins"]) == figures["spans"] == 1000
        assert figures["calibrated"]["ece"] < 0.05 < figures["raw"]["ece"]
        assert figures["raw_if_right_is_any_overlap"]["ece"] < 0.5  # every span overlaps: 1 vs 0.68


def test_the_calibration_file_written_is_the_one_the_tagger_reads(tmp_path: Path) -> None:
    summary, _ = calibration_figures(_rows())
    path = write_calibration(tmp_path, summary)
    read = ScoreCalibration.from_file(path)
    assert read is not None
    assert (read.a, read.b, read.c, dict(read.intercepts)) == (
        summary["mapping"]["a"],
        summary["mapping"]["b"],
        summary["mapping"]["c"],
        summary["mapping"]["intercepts"],
    )


def _rows_by_language(n: int = 3000, seed: int = 1) -> list[ShownSpan]:
    """Spans scored alike in three languages, right a tenth, a fifth and two fifths as often as
    the score says."""
    rng = np.random.default_rng(seed)
    share = {"de": 0.1, "fr": 0.2, "it": 0.4}
    rows = []
    for i in range(n):
        language = ("de", "fr", "it")[i % 3]
        score = float(rng.uniform(0.4, 0.95))
        rows.append(
            ShownSpan(language, i % 5, score, 0.5, bool(rng.random() < score * share[language]), True, 0.5)
        )
    return rows


def test_an_intercept_per_language_is_chosen_where_the_languages_differ(tmp_path: Path) -> None:
    rows = _rows_by_language()
    summary, per_language = calibration_figures(rows)
    assert summary["chosen"] == "technique_and_language"
    losses = {name: summary["variants"][name]["log_loss"] for name in ("plain", "technique")}
    assert summary["variants"]["technique_and_language"]["log_loss"] < min(losses.values())
    intercepts = summary["mapping"]["intercepts"]
    assert set(intercepts) == {"de", "fr", "it"}
    assert intercepts["de"] < intercepts["fr"] < intercepts["it"]
    # the shared intercept, for a language not fitted on, lies between the languages'
    assert intercepts["de"] < summary["mapping"]["b"] < intercepts["it"]
    for lang, figures in per_language.items():
        assert figures["calibrated"]["ece"] < 0.05, lang  # each language, out of fold
        right = np.mean([r.right for r in rows if r.language == lang])
        assert abs(figures["mean_score_calibrated"] - right) < 0.03, lang
    read = ScoreCalibration.from_file(write_calibration(tmp_path, summary))
    assert read is not None and dict(read.intercepts) == intercepts
    fr = [r for r in rows if r.language == "fr"]
    calibrated = read.probabilities(np.array([r.score for r in fr]), np.full(len(fr), 0.5), "fr")
    assert abs(calibrated.mean() - np.mean([r.right for r in fr])) < 0.03
    shared = fit_calibration(rows, technique=False)
    assert shared.intercepts == {}  # no languages asked: the shared intercept alone
