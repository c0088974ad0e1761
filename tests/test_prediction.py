from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from unspun.errors import FormatError
from unspun.tasks.prediction import fill_tc_template


def ranked(text: str, spans: Sequence[tuple[int, int]]) -> list[list[tuple[str, float]]]:
    # A fake classifier with a known ranking: longer spans look like Loaded_Language.
    out = []
    for start, end in spans:
        first = "Loaded_Language" if end - start > 3 else "Doubt"
        second = "Doubt" if first == "Loaded_Language" else "Loaded_Language"
        out.append([(first, 0.7), (second, 0.2), ("Slogans", 0.1)])
    return out


def test_fill_tc_template_keeps_order_and_gives_repeats_distinct_labels(tmp_path: Path) -> None:
    template = tmp_path / "t.tsv"
    template.write_text("5\t?\t4\t10\n5\t?\t0\t2\n5\t?\t4\t10\n", encoding="utf-8")
    lines = fill_tc_template(template, {"5": "abcdefghijkl"}, ranked)
    assert lines == ["5\tLoaded_Language\t4\t10", "5\tDoubt\t0\t2", "5\tDoubt\t4\t10"]


def test_fill_tc_template_rejects_unknown_article(tmp_path: Path) -> None:
    template = tmp_path / "t.tsv"
    template.write_text("9\t?\t0\t2\n", encoding="utf-8")
    with pytest.raises(FormatError, match="article 9"):
        fill_tc_template(template, {"5": "abc"}, ranked)


def test_fill_tc_template_rejects_malformed_line(tmp_path: Path) -> None:
    template = tmp_path / "t.tsv"
    template.write_text("9\t0\t2\n", encoding="utf-8")
    with pytest.raises(FormatError, match=":1:"):
        fill_tc_template(template, {"9": "abc"}, ranked)
