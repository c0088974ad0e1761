"""The Python API: unspun.analyze on a string, end to end with the shipped models."""

from __future__ import annotations

from pathlib import Path

import pytest

import unspun
from unspun.errors import EmptyInputError

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-article.txt"


def test_analyze_returns_spans_inside_the_text_with_known_techniques() -> None:
    from unspun.techniques import PTC14_LABELS

    text = SAMPLE.read_text(encoding="utf-8")
    analysis = unspun.analyze(text)
    assert analysis.text == text
    assert analysis.title == "Town council hands the harbour to its friends, again"
    assert analysis.spans
    for span in analysis.spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.label in PTC14_LABELS
        assert span.text_in(text) == span.text_in(text).strip()
    assert analysis.to_dict()["spans"][0]["text"] == analysis.spans[0].text_in(text)


def test_analyze_same_text_twice_gives_the_same_analysis() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert unspun.analyze(text).to_dict() == unspun.analyze(text).to_dict()


def test_analyze_blank_text_raises_empty_input() -> None:
    from unspun.document import Article

    with pytest.raises(EmptyInputError):
        unspun.analyze("   \n ")
    with pytest.raises(EmptyInputError):
        unspun.analyze(Article(id="empty", text=""))


@pytest.mark.parametrize("value", [None, b"bytes are not text", 42])
def test_analyze_something_other_than_text_raises_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="str"):
        unspun.analyze(value)  # type: ignore[arg-type]


def test_analyze_reads_windows_line_ends_like_unix_ones() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    unix, windows = unspun.analyze(text), unspun.analyze(text.replace("\n", "\r\n"))
    assert len(windows.spans) == len(unix.spans)
    assert [s.text_in(windows.text) for s in windows.spans] == [s.text_in(unix.text) for s in unix.spans]


def test_a_mostly_english_article_quoting_other_languages_is_analysed_around_them() -> None:
    from tests.test_language import MIXED

    analysis = unspun.analyze(MIXED)
    assert analysis.article.language == "en"
    foreign = [p for p in analysis.paragraphs if p.language]
    assert [p.index for p in foreign] == [7, 9]
    assert analysis.spans, "the English paragraphs are analysed"
    for span in analysis.spans:
        assert not any(p.start < span.end and span.start < p.end for p in foreign)
        assert span.text_in(MIXED) == MIXED[span.start : span.end]
    languages = {p["index"]: p["language"] for p in analysis.to_dict()["paragraphs"]}
    assert languages[7] == "he" and languages[1] is None
