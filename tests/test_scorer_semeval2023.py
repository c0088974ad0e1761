"""Hand-counted cases for the SemEval-2023 Task 3 scorers (subtasks 1, 2, 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspun.errors import FormatError
from unspun.tasks.semeval2023_scorer import (
    FRAMES,
    TECHNIQUES_23,
    read_frames_file,
    read_genre_file,
    read_paragraphs_file,
    score_frame_labels,
    score_genre_labels,
    score_paragraph_labels,
)


def test_inventories_have_the_official_sizes() -> None:
    assert len(FRAMES) == 14 and "Economic" in FRAMES
    assert len(TECHNIQUES_23) == 23 and "Questioning_the_Reputation" in TECHNIQUES_23


def test_genre_macro_over_classes_present_micro_is_accuracy() -> None:
    gold = {"a": "reporting", "b": "opinion", "c": "opinion", "d": "opinion"}
    pred = {"a": "reporting", "b": "reporting", "c": "opinion", "d": "opinion"}
    macro, micro = score_genre_labels(gold, pred)
    # reporting tp1 fp1 fn0 -> 2/3; opinion tp2 fp0 fn1 -> 4/5; satire absent -> not averaged
    # macro = (2/3 + 4/5) / 2 = 11/15; micro = 3/4
    assert macro == pytest.approx(11 / 15)
    assert micro == pytest.approx(3 / 4)


def test_genre_file_duplicate_ids_keep_last(tmp_path: Path) -> None:
    path = tmp_path / "pred.txt"
    path.write_text("a\topinion\na\treporting\r\n", encoding="utf-8")
    assert read_genre_file(path) == {"a": "reporting"}
    path.write_text("a\topinion\n\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 2"):
        read_genre_file(path)


@pytest.mark.parametrize(
    ("pred", "message"),
    [
        ({"a": "news"}, "unknown genre 'news'"),
        ({"b": "opinion"}, "missing"),
        ({}, "0 articles"),
        ({"b": "opinion"}, r"predictions have 1 article but the gold has 1 article \("),  # not '1 articles'
    ],
)
def test_genre_checks(pred: dict[str, str], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        score_genre_labels({"a": "opinion"}, pred)


def test_frames_file_parsing_quirks(tmp_path: Path) -> None:
    path = tmp_path / "pred.txt"
    path.write_text("a\tEconomic,Political\nb\t\nc\tMorality\n", encoding="utf-8")
    assert read_frames_file(path) == {"a": ["Economic", "Political"], "b": [], "c": ["Morality"]}
    path.write_text("a\tEconomic\nb\t", encoding="utf-8")  # last line "id<TAB>" without newline
    labels = read_frames_file(path)
    assert labels["b"] == [""]
    with pytest.raises(FormatError, match="unknown frame ''"):
        score_frame_labels({"a": [], "b": []}, labels)
    path.write_text("a Economic\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 1: .*no TAB"):
        read_frames_file(path)


def test_frames_micro_and_macro_with_zero_division_one() -> None:
    gold = {"a": ["Economic", "Political", "Not_a_frame"], "b": []}
    pred = {"a": ["Economic"], "b": ["Morality"]}
    micro, macro = score_frame_labels(gold, pred)
    # TP=1 (Economic), FP=1 (Morality), FN=1 (Political); Not_a_frame is ignored
    # micro = 2*1 / (2*1 + 1 + 1) = 0.5
    # macro = (Economic 1 + Political 0 + Morality 0 + 11 unused frames * 1) / 14 = 12/14
    assert micro == pytest.approx(0.5)
    assert macro == pytest.approx(12 / 14)


def test_frames_all_empty_scores_one_and_missing_id_fails() -> None:
    assert score_frame_labels({"a": []}, {"a": []}) == (1.0, 1.0)  # nothing counted: F1 = 1
    with pytest.raises(FormatError, match="missing"):
        score_frame_labels({"a": [], "b": []}, {"a": [], "c": []})


def test_paragraphs_file_keys_and_empty_sets(tmp_path: Path) -> None:
    path = tmp_path / "pred.txt"
    path.write_text("a\t1\t\na\t2\na\t3\tDoubt,Repetition\r\n", encoding="utf-8")
    assert read_paragraphs_file(path) == {"a_1": [], "a_2": [], "a_3": ["Doubt", "Repetition"]}
    path.write_text("a\t1\tDoubt\textra\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 1: .*got 4"):
        read_paragraphs_file(path)


def test_paragraphs_micro_and_macro_with_absent_techniques() -> None:
    gold = {"a_1": ["Doubt"], "a_2": ["Repetition", "Slogans"]}
    pred = {"a_1": ["Doubt"], "a_2": ["Repetition"]}
    micro, macro = score_paragraph_labels(gold, pred)
    # TP=2, FP=0, FN=1 (Slogans): micro = 4/5
    # macro = (Doubt 1 + Repetition 1 + Slogans 0 + 20 absent techniques * 1) / 23 = 22/23
    assert micro == pytest.approx(0.8)
    assert macro == pytest.approx(22 / 23)


def test_paragraphs_checks() -> None:
    with pytest.raises(FormatError, match="unknown technique 'Lies'"):
        score_paragraph_labels({"a_1": []}, {"a_1": ["Lies"]})
    with pytest.raises(FormatError, match="paragraphs"):
        score_paragraph_labels({"a_1": [], "a_2": []}, {"a_1": []})


@pytest.mark.shared_data
def test_real_training_labels_score_themselves(shared_data: Path) -> None:
    train = shared_data / "semeval2023" / "en" / "train"
    genre = read_genre_file(train / "train-labels-subtask-1.txt")
    frames = read_frames_file(train / "train-labels-subtask-2.txt")
    paragraphs = read_paragraphs_file(train / "train-labels-subtask-3.txt")
    assert len(genre) == len(frames) == 358 and len(paragraphs) == 7895
    assert score_genre_labels(genre, genre) == (1.0, 1.0)
    assert score_frame_labels(frames, frames) == (1.0, 1.0)
    assert score_paragraph_labels(paragraphs, paragraphs) == (1.0, 1.0)
