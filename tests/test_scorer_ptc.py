"""Hand-counted cases for the SemEval-2020 Task 11 scorers (SI and TC)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from unspun.errors import FormatError
from unspun.tasks.ptc_scorer import (
    align_labels,
    merge_spans,
    read_si_file,
    read_tc_file,
    score_si_rows,
    score_tc_rows,
)
from unspun.techniques import PTC14_LABELS


def test_merge_spans_overlap_is_transitive_touching_is_not() -> None:
    # (0,3)~(2,6)~(5,9) chain into (0,9); (9,12) only touches it; duplicates collapse
    assert merge_spans([(5, 9), (0, 3), (2, 6), (9, 12), (9, 12)]) == [(0, 9), (9, 12)]


def test_si_partial_overlap_credit() -> None:
    score = score_si_rows([("a", 0, 10)], [("a", 5, 15)])
    # |s∩t| = 5: P = 5/10 = 0.5, R = 5/10 = 0.5, F1 = 0.5
    assert (score.precision, score.recall, score.f1) == pytest.approx((0.5, 0.5, 0.5))


def test_si_every_pair_counts() -> None:
    score = score_si_rows([("a", 0, 4), ("a", 6, 10)], [("a", 2, 8)])
    # s=(2,8) |s|=6 meets (0,4) on 2 chars and (6,10) on 2 chars
    # P = (2/6 + 2/6) / 1 = 2/3; R = (2/4 + 2/4) / 2 = 1/2; F1 = 2*(2/3)(1/2)/(2/3+1/2) = 4/7
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(1 / 2)
    assert score.f1 == pytest.approx(4 / 7)


def test_si_touching_gold_spans_stay_apart() -> None:
    score = score_si_rows([("a", 0, 2), ("a", 2, 10)], [("a", 0, 2)])
    # not merged: 2 gold spans, R = (2/2) / 2 = 0.5 (merged it would be 2/10 = 0.2); P = 1
    # F1 = 2*1*0.5/1.5 = 2/3
    assert score.gold_spans == 2
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(2 / 3)


def test_si_overlapping_gold_spans_merge() -> None:
    score = score_si_rows([("a", 0, 6), ("a", 4, 10)], [("a", 0, 2)])
    # gold merges into (0,10): R = 2/10 = 0.2 (unmerged it would be (2/6)/2 = 1/6); P = 2/2 = 1
    # F1 = 2*1*0.2/1.2 = 1/3
    assert score.gold_spans == 1
    assert score.recall == pytest.approx(0.2)
    assert score.f1 == pytest.approx(1 / 3)


def test_si_overlapping_predictions_merge_or_reject() -> None:
    gold, pred = [("a", 0, 6)], [("a", 0, 4), ("a", 2, 6)]
    score = score_si_rows(gold, pred)
    # predictions merge into (0,6) = gold: 1 predicted span, P = R = F1 = 1
    assert score.pred_spans == 1
    assert score.f1 == pytest.approx(1.0)
    with pytest.raises(FormatError, match="overlap"):
        score_si_rows(gold, pred, merge=False)


def test_si_prediction_in_article_without_gold() -> None:
    score = score_si_rows([("a", 0, 10), ("b", 0, 10)], [("a", 0, 10), ("c", 0, 5)])
    # c adds 1 to the precision denominator only: P = 1/2; b has no prediction: R = 1/2; F1 = 0.5
    assert (score.precision, score.recall, score.f1) == pytest.approx((0.5, 0.5, 0.5))


def test_si_more_predicted_articles_than_gold_is_an_error() -> None:
    with pytest.raises(FormatError, match="2 articles but the gold only 1"):
        score_si_rows([("a", 0, 10)], [("a", 0, 10), ("b", 0, 5)])


def test_si_f1_edge_cases() -> None:
    assert score_si_rows([], []).f1 == 1.0  # both denominators 0
    assert score_si_rows([("a", 0, 5)], []).f1 == 0.0  # P undefined -> 0
    assert score_si_rows([("a", 0, 5)], [("a", 5, 9)]).f1 == 0.0  # touching, no overlap: P = R = 0


def test_read_si_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "pred.tsv"
    path.write_text("a\t0\t5\r\na\t7\t7\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"pred.tsv, line 2: span \[7, 7\)"):
        read_si_file(path)
    path.write_text("a\t0\t5\r\n", encoding="utf-8")
    assert read_si_file(path) == [("a", 0, 5)]  # "\r\n" stripped
    path.write_text("a\t0\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 1: expected 3"):
        read_si_file(path)


def test_read_tc_file_rejects_blank_line_and_unknown_technique(tmp_path: Path) -> None:
    path = tmp_path / "pred.tsv"
    path.write_text("a\tDoubt\t0\t5\n\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 2: expected 4"):
        read_tc_file(path)
    path.write_text("a\tLies\t0\t5\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 1: unknown technique 'Lies'"):
        read_tc_file(path)


def test_tc_micro_is_accuracy_and_per_technique_sorted() -> None:
    gold = [("a", "Doubt", 0, 5), ("a", "Slogans", 10, 15)]
    pred = [("a", "Repetition", 10, 15), ("a", "Doubt", 0, 5)]  # order differs: sorted by start
    score = score_tc_rows(gold, pred)
    # aligned: (Doubt, Doubt) right, (Slogans, Repetition) wrong -> 1/2
    assert score.micro_f1 == pytest.approx(0.5)
    assert list(score.per_technique) == sorted(PTC14_LABELS)
    # Doubt tp=1 -> 1.0; Slogans fn=1 -> 0; Repetition fp=1 -> 0
    assert score.per_technique["Doubt"] == 1.0
    assert score.per_technique["Slogans"] == score.per_technique["Repetition"] == 0.0


def test_tc_multilabel_identical_spans_are_aligned() -> None:
    gold = [("a", "Doubt", 0, 5), ("a", "Slogans", 0, 5)]
    pred = [("a", "Slogans", 0, 5), ("a", "Doubt", 0, 5)]
    assert score_tc_rows(gold, pred).micro_f1 == pytest.approx(1.0)  # swapped into place: 2/2


def test_tc_skip_swallows_the_next_run() -> None:
    gold = [("a", "Doubt", 0, 5), ("a", "Slogans", 10, 15), ("a", "Repetition", 10, 15)]
    pred = [("a", "Loaded_Language", 0, 5), ("a", "Repetition", 10, 15), ("a", "Slogans", 10, 15)]
    # i=0 no pair -> i=1, pred[1] and pred[2] share a span -> i=2, so the run at 10-15 is never
    # aligned: gold [Doubt, Slogans, Repetition] vs pred [Loaded, Repetition, Slogans] -> 0/3
    # (an optimal matching would give 2/3)
    assert score_tc_rows(gold, pred).micro_f1 == 0.0
    right_first = [("a", "Doubt", 0, 5), *pred[1:]]
    # i=0 matches; the run at 10-15 swaps Slogans into place -> 3/3
    assert score_tc_rows(gold, right_first).micro_f1 == pytest.approx(1.0)


def test_align_labels_swaps_first_pair_gold_outer() -> None:
    gold = [("A", 0, 5), ("B", 0, 5), ("C", 0, 5)]
    pred = [("D", 0, 5), ("D", 0, 5), ("B", 0, 5)]
    align_labels(gold, pred)
    # i=0: first pair (gold B at 1, pred B at 2) swaps to 0; i=1: no pair, skip to 2; i=2: no pair
    assert [g[0] for g in gold] == ["B", "A", "C"]
    assert [p[0] for p in pred] == ["B", "D", "D"]


def test_tc_article_order_follows_each_file() -> None:
    gold = [("a", "Doubt", 0, 5), ("b", "Slogans", 0, 5)]
    reordered = [("b", "Slogans", 0, 5), ("a", "Doubt", 0, 5)]
    # gold labels [Doubt, Slogans] vs pred labels in the prediction file's order [Slogans, Doubt] -> 0/2
    assert score_tc_rows(gold, reordered).micro_f1 == 0.0
    assert score_tc_rows(gold, reordered[::-1]).micro_f1 == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("pred", "message"),
    [
        ([("a", "Doubt", 0, 5)], "articles differ"),
        ([("a", "Doubt", 0, 5), ("b", "Doubt", 0, 5), ("b", "Doubt", 0, 5)], "2 predicted lines but 1"),
        ([("a", "Doubt", 0, 5), ("b", "Doubt", 0, 6)], "span"),
        ([("a", "Doubt", 0, 5), ("b", "Lies", 0, 5)], "unknown technique"),
        ([("a", "Doubt", 5, 5), ("b", "Doubt", 0, 5)], "0 <= start < end"),
    ],
)
def test_tc_format_agreement_errors(pred: list[tuple[str, str, int, int]], message: str) -> None:
    gold = [("a", "Doubt", 0, 5), ("b", "Slogans", 0, 5)]
    with pytest.raises(FormatError, match=message):
        score_tc_rows(gold, pred)


@pytest.mark.shared_data
def test_real_training_gold_merges_and_scores_itself(shared_data: Path) -> None:
    train = shared_data / "ptc" / "train"
    si = read_si_file(train / "labels-si.tsv")
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for article, start, end in si:
        spans[article].append((start, end))
    assert len(si) == 5468
    assert sum(len(merge_spans(s)) for s in spans.values()) == 5397
    assert score_si_rows(si, si).f1 == 1.0
    tc = read_tc_file(train / "labels-tc.tsv")
    assert score_tc_rows(tc, tc).micro_f1 == 1.0
