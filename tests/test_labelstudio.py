"""Label Studio round trip: tasks with predictions out, a reviewed export back in as feedback."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from store_analyses import TRICKY, make_analysis
from unspun.cli import app
from unspun.errors import FormatError
from unspun.store import open_store
from unspun.store.export import export_chunks
from unspun.store.feedback import apply_feedback
from unspun.store.labelstudio import import_feedback, labelling_config, region_offsets
from unspun.store.sql import SqlStore
from unspun.version import analysis_version

SPANS = [
    ("radical extremists", "Name_Calling,Labeling", 0.9),
    ("destroy everything we love", "Loaded_Language", 0.7),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(f"sqlite:///{tmp_path / 'ls.db'}")
    assert isinstance(opened, SqlStore)
    yield opened
    opened.close()


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def test_export_tasks_import_review_as_feedback(store: SqlStore, tmp_path: Path) -> None:
    ref = store.add(make_analysis(TRICKY, spans=SPANS))
    tasks = json.loads("".join(export_chunks(store, "labelstudio")))
    assert len(tasks) == 1
    task = tasks[0]
    text = task["data"]["text"]
    assert text == TRICKY and task["data"]["article_id"] == ref.article_id
    prediction = task["predictions"][0]
    assert prediction["model_version"].startswith(f"unspun-{analysis_version()}:ptc-minilm@1.0")
    assert prediction["score"] == 0.5
    for item in prediction["result"]:
        assert item["type"] == "labels" and item["from_name"] == "label" and item["to_name"] == "text"
        value = item["value"]
        assert text[value["start"] : value["end"]] == value["text"]  # code points
    # The reviewer: deletes the first span (wrong), relabels the second (corrected), adds one
    # with offsets as the browser counts them (UTF-16: the emoji is two units), and draws one
    # region whose text does not match (reported, not kept).
    first, second = prediction["result"]
    second = {**second, "value": {**second["value"], "labels": ["Exaggeration,Minimisation"]}}
    start = TRICKY.index("here")
    added = {
        "type": "labels",
        "from_name": "label",
        "to_name": "text",
        "value": {
            "start": _utf16(TRICKY, start),
            "end": _utf16(TRICKY, start + 4),
            "text": "here",
            "labels": ["Doubt"],
        },
    }
    assert _utf16(TRICKY, start) != start
    broken = {"type": "labels", "value": {"start": 1, "end": 6, "text": "nope!", "labels": ["Doubt"]}}
    task["annotations"] = [
        {
            "id": 7,
            "completed_by": {"email": "ana@example.org"},
            "created_at": "2024-06-01T10:00:00Z",
            "result": [second, added, broken],
        }
    ]
    reviewed = tmp_path / "export.json"
    reviewed.write_text(json.dumps([task]), encoding="utf-8")
    summary = import_feedback(store, reviewed)
    assert (summary.tasks, summary.annotations, summary.added) == (1, 1, 3), summary
    assert len(summary.failed) == 1 and "quotes 'nope!'" in summary.failed[0][1]
    kept = store.feedback(ref.article_id)
    assert sorted((f.kind, TRICKY[f.start : f.end], f.technique) for f in kept) == [
        ("added", "here", "Doubt"),
        ("corrected", "destroy everything we love", "Exaggeration,Minimisation"),
        ("wrong", "radical extremists", None),
    ]
    assert {f.author for f in kept} == {"labelstudio:ana@example.org"}
    assert all(f.created_at is not None and f.created_at.year == 2024 for f in kept)
    shown = apply_feedback(store.get(ref.article_id).analysis, kept)
    assert {s.text_in(TRICKY): s.attrs["feedback"] for s in shown.spans} == {
        "radical extremists": "wrong",
        "destroy everything we love": "corrected",
        "here": "added",
    }
    again = import_feedback(store, reviewed)  # the same export twice adds nothing
    assert again.added == 0 and len(store.feedback(ref.article_id)) == 3
    exported = [
        json.loads(line) for line in "".join(export_chunks(store, "jsonl", with_feedback=True)).splitlines()
    ]
    assert [f["kind"] for f in exported[0]["feedback"]] == [f.kind for f in kept]


def test_labelling_config_is_xml_with_every_ptc_technique() -> None:
    from unspun.techniques import PTC14_LABELS

    root = ET.fromstring(labelling_config())
    labels = root.find("Labels")
    assert labels is not None and labels.get("toName") == "text"
    assert [label.get("value") for label in labels] == list(PTC14_LABELS)
    assert root.find("Text") is not None and root.find("Text").get("value") == "$text"  # type: ignore[union-attr]


def test_region_offsets_checks_the_text() -> None:
    assert region_offsets("abc def", {"start": 4, "end": 7, "text": "def"}) == (4, 7)
    with pytest.raises(FormatError):
        region_offsets("abc", {"start": 0, "end": 9})
    with pytest.raises(FormatError):
        region_offsets("abc", {"end": 2})


def test_cli_export_labelstudio_and_feedback_import(store: SqlStore, tmp_path: Path) -> None:
    store.add(make_analysis(TRICKY, spans=SPANS))
    runner = CliRunner()
    config = tmp_path / "config.xml"
    result = runner.invoke(
        app, ["export", "--db", store.url, "--format", "labelstudio", "--label-config", str(config)]
    )
    assert result.exit_code == 0, result.output
    tasks = json.loads(result.stdout)
    ET.fromstring(config.read_text(encoding="utf-8"))
    tasks[0]["annotations"] = [{"completed_by": 1, "result": []}]  # every prediction removed
    path = tmp_path / "reviewed.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    result = runner.invoke(app, ["feedback", "import", str(path), "--db", store.url, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["feedback_added"] == 2
    result = runner.invoke(app, ["feedback", "list", "--db", store.url, "--format", "json"])
    assert [f["kind"] for f in json.loads(result.stdout)] == ["wrong", "wrong"]
    result = runner.invoke(app, ["feedback", "import", str(path), "--db", store.url])
    # QA: it read "from 1 annotations of 1 tasks"
    assert "0 feedback records added from 1 annotation of 1 task (2 unchanged, 0 failed)" in result.stdout
    path.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["feedback", "import", str(path), "--db", store.url])
    assert result.exit_code == 2 and "not JSON" in result.stderr


def test_cli_feedback_import_of_a_missing_file_says_what_to_do(store: SqlStore, tmp_path: Path) -> None:
    runner = CliRunner()
    missing = tmp_path / "nope.json"
    result = runner.invoke(app, ["feedback", "import", str(missing), "--db", store.url])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {missing} does not exist; check the path (a Label Studio JSON export of the tasks "
        "unspun export --format labelstudio wrote)"
    ]
    result = runner.invoke(app, ["feedback", "import", str(tmp_path), "--db", store.url])
    assert result.exit_code == 2 and "is a folder; pass the Label Studio JSON export file" in result.stderr
    binary = tmp_path / "export.json"
    binary.write_bytes(b"\xc2\x00\xff")  # QA: an internal error (UnicodeDecodeError)
    result = runner.invoke(app, ["feedback", "import", str(binary), "--db", store.url])
    assert result.exit_code == 2 and "is not UTF-8 text; pass a Label Studio JSON export" in result.stderr
