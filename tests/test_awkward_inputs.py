"""Awkward inputs: each gives a valid analysis with valid offsets, or a one-line error (exit status 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from unspun.cli import app
from unspun.schema import json_schema

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-article.txt"
TEXT = SAMPLE.read_text(encoding="utf-8")
runner = CliRunner()
VALIDATOR = Draft202012Validator(json_schema())


def _file(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _spaced_folder(folder: Path) -> Path:
    spaced = folder / "my articles  (2024)"
    spaced.mkdir()
    (spaced / "first story.txt").write_text(TEXT, encoding="utf-8")
    (spaced / "second story.html").write_text(
        "<html><body><article><h1>A headline</h1><p>"
        + TEXT.split("\n\n")[1]
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    return spaced


MIXED = (
    "Crowds cheer as the mayor's shameless giveaway collapses 🎉🔥\n\n"
    "Residents waved banners reading «الشعب يريد» and «עם ישראל חי» 🇺🇳 while the corrupt council "
    "hid behind closed doors, as it always does.\n\n"
    "«مظاهرات حاشدة في الساحة الرئيسية ضد الحكومة الفاسدة»\n\n"
    "This is the worst betrayal in the history of our town 😡, one resident said.\n"
)
NESTED = (
    "<html><body>"
    + "<div>" * 3000
    + "<p>"
    + TEXT.split("\n\n")[1]
    + "</p>"
    + "</div>" * 3000
    + "</body></html>"
)
LONG_LINE = " ".join([" ".join(TEXT.split())] * 90)  # one line of ~60,000 characters: cut into pieces

# name -> (make the input in a folder, expected outcome: "ok", "error" or "either")
CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "binary": (_file("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20), "error"),
    "nul-bytes": (_file("nul.txt", TEXT.replace("\n\n", "\n\x00\n", 1).encode("utf-8")), "error"),
    "utf-16": (_file("utf16.txt", TEXT.encode("utf-16")), "error"),
    "latin-1": (_file("latin1.txt", "Café au lait, très cher. Le maire ment.".encode("latin-1")), "error"),
    "deeply-nested-html": (_file("nested.html", NESTED.encode("utf-8")), "either"),
    "over-the-limit": (_file("big.txt", ("word " * 300_000).encode("utf-8")), "error"),
    "mixed-scripts-emoji-rtl": (_file("mixed.txt", MIXED.encode("utf-8")), "ok"),
    "crlf": (_file("crlf.txt", TEXT.replace("\n", "\r\n").encode("utf-8")), "ok"),
    "bom": (_file("bom.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8")), "ok"),
    "one-very-long-line": (_file("line.txt", LONG_LINE.encode("utf-8")), "ok"),
    "white-space-only": (_file("blank.txt", b" \n\t\r\n \xc2\xa0\n"), "error"),
    "folder-with-spaces": (_spaced_folder, "ok"),
}


def _check_analysis(analysis: dict[str, Any]) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(analysis)]
    assert not errors, errors[:5]
    text = analysis["text"]
    for span in analysis["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"] : span["end"]] == span["text"]
    for paragraph in analysis["paragraphs"]:
        assert 0 <= paragraph["start"] <= paragraph["end"] <= len(text)


@pytest.mark.parametrize("case", sorted(CASES))
def test_awkward_input_gives_a_valid_analysis_or_a_one_line_error(case: str, tmp_path: Path) -> None:
    make, expected = CASES[case]
    path = make(tmp_path)
    result = runner.invoke(app, ["analyze", str(path), "--format", "json", "--max-input-mb", "1"])
    if result.exit_code == 0:
        assert expected in ("ok", "either"), f"{case} should fail: {result.stdout[:200]}"
        payload = json.loads(result.stdout)
        analyses = payload if isinstance(payload, list) else [payload]
        assert analyses
        for analysis in analyses:
            _check_analysis(analysis)
        if case == "bom":
            assert analyses[0]["text"].startswith("\ufeff")
        if case == "crlf":
            assert "\r\n" in analyses[0]["text"] and analyses[0]["spans"]
        if case == "mixed-scripts-emoji-rtl":
            assert analyses[0]["language"] == "en"
            assert [p["index"] for p in analyses[0]["paragraphs"] if p["language"]] == [5]
    else:
        assert expected in ("error", "either"), f"{case} should be analysed: {result.stderr}"
        assert result.exit_code == 2, result.output
        message = result.stderr.strip()
        assert message.startswith("error:") and len(message.splitlines()) == 1, message
        assert "Traceback" not in result.output + result.stderr and "internal error" not in message
        if case == "utf-16":
            assert "UTF-16" in message and "UTF-8" in message
