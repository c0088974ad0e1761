"""PTC reader: exact offsets (BOM counted), gold spans on the technique layer, actionable errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspun.errors import FormatError, InputNotFoundError
from unspun.tasks.ptc import list_article_ids, read_ptc, read_si_labels, si_gold, tc_gold

BOM_TEXT = "\ufeffTraitors everywhere!\nThey lie.\n"
PLAIN_TEXT = "A calm report.\nNothing here."


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


@pytest.fixture
def ptc(tmp_path: Path) -> Path:
    (tmp_path / "articles").mkdir()
    _write(tmp_path / "articles" / "article10.txt", BOM_TEXT)
    _write(tmp_path / "articles" / "article9.txt", PLAIN_TEXT)
    _write(
        tmp_path / "labels-tc.tsv",
        "10\tName_Calling,Labeling\t1\t9\n10\tLoaded_Language\t1\t9\n10\tDoubt\t22\t30\n",
    )
    _write(tmp_path / "labels-si.tsv", "10\t1\t9\n10\t22\t30\n")
    return tmp_path


def test_list_article_ids_numeric_order(ptc: Path) -> None:
    assert list_article_ids(ptc) == ["9", "10"]


def test_read_ptc_offsets_count_the_bom(ptc: Path) -> None:
    articles = read_ptc(ptc)
    assert [a.id for a in articles] == ["9", "10"]
    bom = articles[1]
    assert bom.text == BOM_TEXT
    assert [s.text_in(bom.text) for s in bom.layer("technique")] == ["Traitors", "Traitors", "They lie"]
    assert articles[0].layer("technique") == []


def test_read_ptc_restricts_to_ids(ptc: Path) -> None:
    assert [a.id for a in read_ptc(ptc, ids=["10"])] == ["10"]


def test_si_gold_deduplicates_multi_label_spans(ptc: Path) -> None:
    articles = read_ptc(ptc)
    assert si_gold(articles) == [("10", 1, 9), ("10", 22, 30)]
    assert read_si_labels(ptc / "labels-si.tsv") == si_gold(articles)
    assert [row[1] for row in tc_gold(articles)] == ["Loaded_Language", "Name_Calling,Labeling", "Doubt"]


def test_unknown_technique_is_a_format_error(ptc: Path) -> None:
    _write(ptc / "labels-tc.tsv", "10\tSarcasm\t1\t9\n")
    with pytest.raises(FormatError, match="unknown technique 'Sarcasm'"):
        read_ptc(ptc)


def test_span_outside_article_is_a_format_error(ptc: Path) -> None:
    _write(ptc / "labels-tc.tsv", "9\tDoubt\t5\t500\n")
    with pytest.raises(FormatError, match="article 9"):
        read_ptc(ptc)


def test_bad_offsets_are_a_format_error(ptc: Path) -> None:
    _write(ptc / "labels-tc.tsv", "9\tDoubt\t5\t5\n")
    with pytest.raises(FormatError, match="start < end"):
        read_ptc(ptc)


def test_missing_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="no 'articles' folder"):
        read_ptc(tmp_path)


@pytest.mark.shared_data
def test_shared_training_split_reads_exactly(shared_data: Path) -> None:
    articles = read_ptc(shared_data / "ptc" / "train")
    assert len(articles) == 371
    assert len(tc_gold(articles)) == 6128
    by_id = {a.id: a for a in articles}
    assert by_id["705409419"].text.startswith("\ufeff")


def test_official_lines_are_written_in_one_place_and_read_back_by_the_scorer(tmp_path: Path) -> None:
    from unspun.tasks.ptc import si_line, tc_line
    from unspun.tasks.ptc_scorer import read_si_file, read_tc_file

    assert si_line(("111", 4, 20)) == "111\t4\t20"
    assert tc_line(("111", "Name_Calling,Labeling", 4, 20)) == "111\tName_Calling,Labeling\t4\t20"
    si, tc = tmp_path / "si.tsv", tmp_path / "tc.tsv"
    si.write_text(si_line(("111", 4, 20)) + "\n", encoding="utf-8")
    tc.write_text(tc_line(("111", "Slogans", 0, 3)) + "\n", encoding="utf-8")
    assert read_si_file(si) == [("111", 4, 20)]
    assert read_tc_file(tc) == [("111", "Slogans", 0, 3)]
