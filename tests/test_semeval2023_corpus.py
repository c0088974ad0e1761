from __future__ import annotations

from pathlib import Path

import pytest

from unspun.document import split_paragraphs
from unspun.errors import FormatError, InputNotFoundError
from unspun.tasks.semeval2023 import (
    folder_for,
    load_subtask,
    read_article,
    read_article_templates,
    read_frame_labels,
    read_paragraph_labels,
    read_template,
)

CRLF_TEXT = "Titre du texte\r\n\r\nPremier paragraphe.\r\n   \r\nDeuxième, « chargé ».\r\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    base = tmp_path / "fr" / "train"
    for subtask in (1, 2, 3):
        write(base / f"train-articles-subtask-{subtask}" / "article21.txt", CRLF_TEXT)
        write(base / f"train-articles-subtask-{subtask}" / "article22.txt", "Only title\n")
    write(base / "train-labels-subtask-1.txt", "21\topinion\n22\treporting\n")
    write(base / "train-labels-subtask-2.txt", "21\tMorality,Political\r\n22\t\n")
    write(
        base / "train-labels-subtask-3.txt",
        "21\t1\t\n21\t3\tLoaded_Language\n21\t5\tDoubt,Slogans\n22\t1\t\n",
    )
    write(
        base / "train-labels-subtask-3" / "article21-labels-subtask-3.txt.template",
        "21\t1\tTitre du texte\r\n21\t3\tPremier paragraphe.\r\n21\t5\tDeuxième, « chargé ».\r\n",
    )
    return tmp_path


def test_read_article_keeps_crlf_and_title(data_dir: Path) -> None:
    article = read_article(data_dir / "fr/train/train-articles-subtask-3/article21.txt", language="fr")
    assert article.text == CRLF_TEXT
    assert (article.id, article.title, article.language) == ("21", "Titre du texte", "fr")


def test_paragraph_rule_with_crlf_matches_labels(data_dir: Path) -> None:
    paragraphs = split_paragraphs(CRLF_TEXT)
    assert [p.index for p in paragraphs] == [1, 3, 5]
    assert CRLF_TEXT[paragraphs[2].start : paragraphs[2].end] == "Deuxième, « chargé »."


def test_load_subtask_1_and_2(data_dir: Path) -> None:
    genres = load_subtask(data_dir, "fr", 1)
    assert [(a.article.id, a.genre) for a in genres] == [("21", "opinion"), ("22", "reporting")]
    frames = load_subtask(data_dir, "fr", 2)
    assert [(a.article.id, a.frames) for a in frames] == [("21", ["Morality", "Political"]), ("22", [])]


def test_load_subtask_3_paragraph_labels(data_dir: Path) -> None:
    items = load_subtask(data_dir, "fr", 3)
    assert items[0].paragraphs == {1: [], 3: ["Loaded_Language"], 5: ["Doubt", "Slogans"]}
    assert items[1].paragraphs == {1: []}


def test_templates_per_article(data_dir: Path) -> None:
    templates = read_article_templates(data_dir / "fr/train/train-labels-subtask-3")
    assert templates == {"21": [1, 3, 5]}
    keys = read_template(data_dir / "fr/train/train-labels-subtask-3/article21-labels-subtask-3.txt.template")
    assert keys == [("21", 1), ("21", 3), ("21", 5)]


def test_language_folders() -> None:
    assert (folder_for("de"), folder_for("ge"), folder_for("pl")) == ("ge", "ge", "po")
    with pytest.raises(FormatError, match="en, fr, ge"):
        folder_for("es")


def test_malformed_lines_raise_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="paragraph_no"):
        read_paragraph_labels(write(tmp_path / "bad.txt", "21\tone\tDoubt\n"))
    with pytest.raises(FormatError, match="frame"):
        read_frame_labels(write(tmp_path / "bad2.txt", "21 Morality\n"))


def test_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="does not exist"):
        load_subtask(tmp_path, "en", 1)


@pytest.mark.shared_data
def test_real_data_paragraph_keys_follow_the_rule(shared_data: Path) -> None:
    items = load_subtask(shared_data / "semeval2023", "ge", 3)
    assert len(items) > 100
    for item in items:
        assert [p.index for p in split_paragraphs(item.article.text)] == sorted(item.paragraphs)
