"""Awkward inputs: each gives a valid analysis with valid offsets, or a one-line error, and the
same one through the CLI (exit status 2), the Python API and the REST API (in-process).

The Python API is ``unspun.analyze(bytes)`` (a folder, and the size limit, through the reader
``iter_articles(path, max_bytes=...)``: ``analyze`` takes what it is given); the REST API is the
page's way, ``POST /api/read`` with the file's bytes then ``POST /api/analyze`` with its text.
Texts are short: every case that is analysed runs the models three times.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

import unspun
from extras import need
from unspun.cli import app
from unspun.document import json_schema
from unspun.errors import UnspunError
from unspun.readers.dispatch import iter_articles

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-article.txt"
TEXT = SAMPLE.read_text(encoding="utf-8")
LIMIT_MB = 1
LIMIT = LIMIT_MB * 1024 * 1024
runner = CliRunner()
VALIDATOR = Draft202012Validator(json_schema())
Outcome = tuple[str, Any]  # ("ok", [analysis dicts]) or ("error", the one-line message)


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
# Arabic and Hebrew words and emoji on the English lines themselves (refused as 'ary' before).
SAME_LINES = (
    "Protest 🎉🔥 «الشعب يريد إسقاط النظام» 🇺🇳 «עם ישראל חי» shameless giveaway!\n\n"
    "The corrupt council «مجلس فاسد» hid, «שקרנים» 😡 said residents «כולם».\n"
)
SMART = (
    "The mayor\u2019s \u201cgenerous\u201d harbour plan \u2014 a shameless giveaway to his friends, "
    "says the caf\u00e9 owner. Nobody believes the council any more.\n"
)
LATIN = (
    "The caf\u00e9 owner calls the mayor's harbour plan a na\u00efve, shameless giveaway to his friends.\n"
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
LONG_LINE = " ".join([" ".join(TEXT.split())] * 12)  # one line of ~8,000 characters: cut into pieces

# name -> (make the input in a folder, expected: "ok", "either" or words every front-end's error holds)
CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "binary": (_file("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20), "binary"),
    "nul-bytes": (_file("nul.txt", TEXT.replace("\n\n", "\n\x00\n", 1).encode("utf-8")), "NUL byte"),
    "utf-16": (_file("utf16.txt", TEXT.encode("utf-16")), "ok"),
    "utf-16-without-bom": (_file("utf16le.txt", TEXT.encode("utf-16-le")), "UTF-16LE"),
    "latin-1": (_file("latin1.txt", LATIN.encode("latin-1")), "ok"),
    "windows-1252": (_file("cp1252.txt", SMART.encode("cp1252")), "ok"),
    "windows-1252-converted-as-latin-1": (
        _file("garbled.txt", SMART.encode("cp1252").decode("latin-1").encode("utf-8")),
        "control character U+0092",
    ),
    "undecodable": (_file("noise.txt", bytes(range(0x80, 0x100)) * 8), "not UTF-8"),
    "deeply-nested-html": (_file("nested.html", NESTED.encode("utf-8")), "either"),
    "over-the-limit": (_file("big.txt", ("word " * 300_000).encode("utf-8")), "limit"),
    "mixed-scripts-emoji-rtl": (_file("mixed.txt", MIXED.encode("utf-8")), "ok"),
    "scripts-and-emoji-on-the-same-lines": (_file("lines.txt", SAME_LINES.encode("utf-8")), "ok"),
    "crlf": (_file("crlf.txt", TEXT.replace("\n", "\r\n").encode("utf-8")), "ok"),
    "bom": (_file("bom.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8")), "ok"),
    "one-very-long-line": (_file("line.txt", LONG_LINE.encode("utf-8")), "ok"),
    "white-space-only": (_file("blank.txt", b" \n\t\r\n \xc2\xa0\n"), "empty or only whitespace"),
    "folder-with-spaces": (_spaced_folder, "ok"),
}


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    need("fastapi")
    import fastapi.testclient as testclient

    from unspun.server import ServerSettings, create_app

    # The CLI's input limit; no time limit of its own (a loaded machine is slow, not wrong).
    app = create_app(settings=ServerSettings(max_body_mb=LIMIT_MB, analysis_timeout=3600), load_models=False)
    with testclient.TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _cli(path: Path) -> Outcome:
    result = runner.invoke(app, ["analyze", str(path), "--format", "json", "--max-input-mb", str(LIMIT_MB)])
    if result.exit_code == 0:
        payload = json.loads(result.stdout)
        return "ok", payload if isinstance(payload, list) else [payload]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output + result.stderr
    message = result.stderr.strip()
    assert message.startswith("error:") and len(message.splitlines()) == 1, message
    return "error", message.removeprefix("error:").strip()


def _python(path: Path) -> Outcome:
    try:
        if path.is_dir() or path.stat().st_size > LIMIT:  # the limit is the reader's
            return "ok", [unspun.analyze(a).to_dict() for a in iter_articles(path, max_bytes=LIMIT)]
        return "ok", [unspun.analyze(path.read_bytes()).to_dict()]
    except UnspunError as error:
        return "error", error.message


def _rest(client: Any, path: Path) -> Outcome:
    read = client.post("/api/read", content=path.read_bytes())
    answer = (
        client.post("/api/analyze", json={"text": read.json()["text"]}) if read.status_code == 200 else read
    )
    body = answer.json()
    if answer.status_code == 200:
        return "ok", [body]
    assert answer.status_code in (413, 422), body
    assert set(body) == {"ok", "error", "code", "status"} and body["status"] == answer.status_code
    return "error", body["error"]


def _check_analysis(analysis: dict[str, Any]) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(analysis)]
    assert not errors, errors[:5]
    text = analysis["text"]
    for span in analysis["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"] : span["end"]] == span["text"]
    for paragraph in analysis["paragraphs"]:
        assert 0 <= paragraph["start"] <= paragraph["end"] <= len(text)
    assert not any("\x80" <= ch <= "\x9f" for ch in text)  # no control character of a wrong decoding


def _comparable(analysis: dict[str, Any]) -> dict[str, Any]:
    """The analysis without what names the input (its id and path), which each front-end sets."""
    return {k: v for k, v in analysis.items() if k not in ("id", "source_path")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_awkward_input_gives_the_same_valid_analysis_or_one_line_error_everywhere(
    case: str, tmp_path: Path, client: Any
) -> None:
    make, expected = CASES[case]
    path = make(tmp_path)
    outcomes = {"cli": _cli(path), "python": _python(path)}
    if not path.is_dir():
        outcomes["rest"] = _rest(client, path)
    kinds = {name: kind for name, (kind, _) in outcomes.items()}
    assert len(set(kinds.values())) == 1, {name: value for name, value in outcomes.items()}
    kind, cli = outcomes["cli"]
    if kind == "error":
        assert expected not in ("ok",), f"{case} should be analysed: {cli}"
        for name, (_, message) in outcomes.items():
            assert "\n" not in message and "internal error" not in message, (name, message)
            if expected != "either":
                assert expected in message, (name, message)
        return
    assert expected in ("ok", "either"), f"{case} should fail: {cli}"
    for name, (_, analyses) in outcomes.items():
        assert analyses, name
        for analysis in analyses:
            _check_analysis(analysis)
        assert [_comparable(a) for a in analyses] == [_comparable(a) for a in cli], name
    first = cli[0]
    if case in ("bom", "utf-16"):
        assert first["text"] == "\ufeff" + TEXT  # the BOM kept and counted, as in UTF-8
    if case == "crlf":
        assert "\r\n" in first["text"] and first["spans"]
    if case == "windows-1252":
        assert first["text"] == SMART and first["language"] == "en"
    if case == "latin-1":
        assert first["text"] == LATIN
    if case == "mixed-scripts-emoji-rtl":
        assert first["language"] == "en"
        assert [p["index"] for p in first["paragraphs"] if p["language"]] == [5]
    if case == "scripts-and-emoji-on-the-same-lines":
        assert first["language"] == "en" and not [p for p in first["paragraphs"] if p["language"]]
