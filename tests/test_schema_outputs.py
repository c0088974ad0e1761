"""Real outputs of ``unspun analyze --format json`` validate against ``unspun schema`` and round-trip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from unspun.cli import app
from unspun.document import Analysis

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-article.txt"
runner = CliRunner()


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _inputs(folder: Path) -> dict[str, Path]:
    text = SAMPLE.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    paragraphs = "".join(f"<p>{p.strip()}</p>\n" for p in body.split("\n\n") if p.strip())
    page = folder / "page.html"
    page.write_text(
        f"<!doctype html><html><head><title>{title}</title>"
        '<meta property="og:site_name" content="The Harbour Gazette"></head>'
        f"<body><article><h1>{title}</h1>\n{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    feed = folder / "feed.jsonl"
    records = [
        {"id": "one", "text": text, "url": "https://example.org/one", "published": "2024-05-01"},
        {"id": "two", "text": body.strip(), "title": "Untitled", "outlet": "Example Times"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return {"text": SAMPLE, "html": page, "jsonl": feed}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("inputs")
    found = {}
    for kind, path in _inputs(folder).items():
        result = runner.invoke(app, ["analyze", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        found[kind] = json.loads(result.stdout)
    return found


@pytest.mark.parametrize("kind", ["text", "html", "jsonl"])
def test_analyze_json_validates_against_the_printed_schema(
    kind: str, outputs: dict[str, Any], validator: Draft202012Validator
) -> None:
    payload = outputs[kind]
    analyses = payload if isinstance(payload, list) else [payload]
    assert analyses and (kind == "jsonl") == isinstance(payload, list)
    for analysis in analyses:
        errors = sorted(validator.iter_errors(analysis), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
        assert analysis["spans"], "the sample article is dense with techniques"
        for span in analysis["spans"]:
            assert analysis["text"][span["start"] : span["end"]] == span["text"]


@pytest.mark.parametrize("kind", ["text", "html", "jsonl"])
def test_analyze_json_round_trips_through_from_dict(kind: str, outputs: dict[str, Any]) -> None:
    payload = outputs[kind]
    for analysis in payload if isinstance(payload, list) else [payload]:
        assert Analysis.from_dict(analysis).to_dict() == analysis


def test_html_and_jsonl_metadata_reach_the_output(outputs: dict[str, Any]) -> None:
    assert outputs["html"]["outlet"] == "The Harbour Gazette"
    one, two = outputs["jsonl"]
    assert (one["url"], one["published"]) == ("https://example.org/one", "2024-05-01")
    assert (two["title"], two["outlet"]) == ("Untitled", "Example Times")
    assert all(m["name"] and m["version"] for m in one["models"])


def test_schema_command_prints_the_library_schema() -> None:
    from unspun.document import json_schema

    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema()
