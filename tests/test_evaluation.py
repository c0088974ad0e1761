"""evaluate() dispatches to the official scorers and returns flat metric keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspun.errors import ConfigError, FormatError, InputNotFoundError
from unspun.tasks.evaluation import evaluate, score_genre, score_paragraphs, score_si, score_tc


def _files(tmp_path: Path, gold: str, pred: str) -> tuple[Path, Path]:
    (tmp_path / "gold.txt").write_text(gold, encoding="utf-8")
    (tmp_path / "pred.txt").write_text(pred, encoding="utf-8")
    return tmp_path / "gold.txt", tmp_path / "pred.txt"


def test_evaluate_si(tmp_path: Path) -> None:
    metrics = evaluate("si", *_files(tmp_path, "a\t0\t10\n", "a\t5\t15\n"))
    # overlap 5 chars: P = 5/10, R = 5/10, F1 = 0.5
    assert metrics == pytest.approx({"si_f1": 0.5, "si_precision": 0.5, "si_recall": 0.5})


def test_evaluate_tc(tmp_path: Path) -> None:
    gold = "a\tDoubt\t0\t5\na\tSlogans\t9\t12\n"
    metrics = evaluate("tc", *_files(tmp_path, gold, "a\tDoubt\t0\t5\na\tDoubt\t9\t12\n"))
    # 1 of 2 aligned labels right -> 0.5; Doubt tp1 fp1 -> 2/3
    assert metrics["tc_micro_f1"] == pytest.approx(0.5)
    per_technique = metrics["tc_per_technique"]
    assert isinstance(per_technique, dict)
    assert per_technique["Doubt"] == pytest.approx(2 / 3)


def test_evaluate_genre_frames_paragraphs(tmp_path: Path) -> None:
    genre = evaluate("genre", *_files(tmp_path, "a\topinion\nb\tsatire\n", "a\topinion\nb\topinion\n"))
    # opinion tp1 fp1 -> 2/3; satire fn1 -> 0; macro = 1/3; micro = 1/2
    assert genre == pytest.approx({"genre_macro_f1": 1 / 3, "genre_micro_f1": 0.5})
    frames = evaluate("frames", *_files(tmp_path, "a\tEconomic\n", "a\tEconomic,Political\n"))
    # TP1 FP1: micro = 2/3; macro = (Economic 1 + Political 0 + 12 unused * 1) / 14 = 13/14
    assert frames == pytest.approx({"frames_micro_f1": 2 / 3, "frames_macro_f1": 13 / 14})
    paragraphs = evaluate("paragraphs", *_files(tmp_path, "a\t1\tDoubt\na\t2\t\n", "a\t1\t\na\t2\n"))
    # FN1 only: micro = 0; macro = (Doubt 0 + 22 absent * 1) / 23
    assert paragraphs == pytest.approx({"paragraphs_micro_f1": 0.0, "paragraphs_macro_f1": 22 / 23})


def test_evaluate_errors(tmp_path: Path) -> None:
    gold, pred = _files(tmp_path, "a\t0\t10\n", "a\t10\t5\n")
    with pytest.raises(ConfigError, match="unknown evaluation task 'ner'"):
        evaluate("ner", gold, pred)
    with pytest.raises(InputNotFoundError, match="missing.txt"):
        evaluate("si", gold, tmp_path / "missing.txt")
    with pytest.raises(FormatError, match="pred.txt, line 1"):
        evaluate("si", gold, pred)


def test_in_memory_variants() -> None:
    assert score_si([("a", 0, 4)], [("a", 0, 4)])["si_f1"] == 1.0
    assert score_tc([("a", "Doubt", 0, 4)], [("a", "Slogans", 0, 4)])["tc_micro_f1"] == 0.0
    # pairs: the later ("a", "opinion") replaces ("a", "satire"): 1/1 right
    assert score_genre([("a", "opinion")], [("a", "satire"), ("a", "opinion")])["genre_micro_f1"] == 1.0
    rows = [("a", 1, ["Doubt"]), ("a", 2, [])]
    # (id, paragraph, labels) rows and "id_paragraph" keys score the same: all right -> 1.0
    assert score_paragraphs(rows, {"a_1": ["Doubt"], "a_2": []})["paragraphs_micro_f1"] == 1.0
