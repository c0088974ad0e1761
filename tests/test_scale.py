"""Batch analysis (unspun.scale): the local and Ray engines give the same rows, nothing is lost.

One small corpus (a JSONL feed with one bad line, a text file and an HTML page) is analysed by
the local engine once per module and compared, row for row, with the Ray engine's output. The
Ray tests share one local Ray (the ``ray_local`` fixture: 2 CPUs) and use one or two actors.
"""

from __future__ import annotations

import builtins
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extras import need

pa = need("pyarrow")  # the [scale] extra
need("fsspec")

from unspun import registry  # noqa: E402
from unspun.document import Analysis, Article  # noqa: E402
from unspun.errors import ConfigError  # noqa: E402
from unspun.pipeline.base import Component  # noqa: E402
from unspun.scale import ERRORS_FILE, REPORT_FILE, AnalyseBatch, read_rows, run_batch  # noqa: E402

TEXTS = [
    "The corrupt elites will destroy our great nation. Everyone knows it is a disaster!",
    "The minister said on Monday that taxes would rise by two percent next year.",
    "Heroes never surrender! Only a traitor would support this shameful bill.",
    "Rain is expected in the north on Tuesday, the weather service said.",
    "They lie, they cheat, they steal. Wake up before it is too late!",
    "The council approved the new library budget by a vote of seven to two.",
    "This radical scheme is a catastrophe that will ruin every family in the land.",
]
CRASH_ID = "crash-me"
NO_TEXT_ID = "no-text"  # a record that fails with an id of its own
UNREADABLE = 2  # feed-4 (not JSON) and no-text: left out, each with its row and its line of errors
# Ray Data's own context warns about its own deprecated defaults when it is created.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")


def write_corpus(folder: Path) -> set[str]:
    """The test corpus in ``folder``; returns the ids its rows must have."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {"id": f"a{i}", "text": text, "outlet": "Daily Example", "published": "2024-05-0" + str(i + 1)}
        )
        for i, text in enumerate(TEXTS)
    ]
    lines.insert(3, "{this is not json")  # line 4: the bad record
    lines.append(
        json.dumps({"text": "No id here,\u2028and a line separator inside the text."}, ensure_ascii=False)
    )
    lines.append(json.dumps({"id": CRASH_ID, "text": "The shameful cowards betray us all, again and again."}))
    lines.append(json.dumps({"id": NO_TEXT_ID, "title": "A record without its text"}))  # line 11
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "article101.txt").write_text(
        "A headline\n\nCrooked politicians are stealing your future.\r\n", encoding="utf-8", newline=""
    )
    (folder / "story.html").write_text(
        "<html><head><title>Mayor opens bridge</title></head><body><article><h1>Mayor opens bridge</h1>"
        "<p>The mayor opened the new bridge on Friday, ahead of schedule and under budget.</p>"
        "<p>Residents welcomed the shorter commute across the river.</p></article></body></html>",
        encoding="utf-8",
    )
    return {f"a{i}" for i in range(len(TEXTS))} | {"feed-4", "feed-9", CRASH_ID, NO_TEXT_ID, "101", "story"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    folder = tmp_path_factory.mktemp("corpus")
    return folder, write_corpus(folder)


@pytest.fixture(scope="module")
def local_output(corpus: tuple[Path, set[str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("local") / "out"
    report = run_batch(corpus[0], output, engine="local", batch_size=4, part_rows=4)
    assert report.analysed == len(corpus[1]) - UNREADABLE and report.left_out == UNREADABLE
    assert len(list(output.glob("*.parquet"))) == 4  # parts of whole batches (13 rows, 4 a batch)
    return output


def rows(output: Path) -> list[dict[str, Any]]:
    return read_rows(str(output)).to_pylist()


def errors(output: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (output / ERRORS_FILE).read_text(encoding="utf-8").splitlines()]


def test_local_rows_one_per_article_with_the_full_analysis(
    local_output: Path, corpus: tuple[Path, set[str]]
) -> None:
    table = rows(local_output)
    assert {row["id"] for row in table} == corpus[1]
    assert len(table) == len(corpus[1])
    for row in table:
        if row["error"] is not None:
            continue
        analysis = Analysis.from_dict(json.loads(row["analysis"]))
        assert analysis.id == row["id"]
        assert [(s.start, s.end, s.technique, round(s.score, 4)) for s in analysis.spans] == [
            (s["start"], s["end"], s["technique"], s["score"]) for s in row["spans"]
        ]
        assert (analysis.genre.name if analysis.genre else None) == row["genre"]
        assert analysis.persuasion_score == row["persuasion_score"]
        assert [f.name for f in analysis.frames] == row["frames"]
    by_id = {row["id"]: row for row in table}
    assert by_id["a0"]["outlet"] == "Daily Example" and str(by_id["a0"]["published"]) == "2024-05-01"
    assert "\u2028" in json.loads(by_id["feed-9"]["analysis"])["text"]  # one record, not cut in two
    assert json.loads(by_id["101"]["analysis"])["text"].endswith("future.\r\n")  # CR kept
    assert by_id["story"]["title"] == "Mayor opens bridge"


def test_local_failures_under_their_own_ids(local_output: Path, corpus: tuple[Path, set[str]]) -> None:
    # The lines of _errors.jsonl are the failure record of every front-end (unspun.runner.Failure)
    # with the id: they were {"id", "error"}, and the two unreadable records counted as "2 failed"
    # among "13 articles", where analyze and ingest say "left out" and count only what they read.
    feed = str(corpus[0] / "feed.jsonl")
    bad_json, no_text = errors(local_output)
    assert [bad_json["id"], no_text["id"]] == ["feed-4", NO_TEXT_ID]  # not "feed-11"
    assert set(bad_json) == {"id", "where", "component", "code", "message"}
    assert bad_json["where"] == f"{feed} (feed-4)" and no_text["where"] == f"{feed} ({NO_TEXT_ID})"
    assert bad_json["component"] is None and no_text["component"] is None  # not read
    assert bad_json["code"] != "internal_error" and no_text["code"] != "internal_error"
    assert "line 4: invalid JSON" in bad_json["message"]
    assert "line 11: no 'text' field" in no_text["message"]
    report = json.loads((local_output / REPORT_FILE).read_text(encoding="utf-8"))
    assert report["failed"] == 0 and report["left_out"] == UNREADABLE and report["analysed"] == 11
    assert report["articles_per_second"] > 0
    assert report["workers_busy"] == 1


def read_as_a_dataset(output: Path) -> list[dict[str, Any]]:
    """The rows as pandas and pyarrow read the folder, with nothing but its path: the same rows."""
    import pandas as pd
    import pyarrow.parquet as pq

    columns = ["id", "error", "analysis"]  # the analysis column holds every output of the row
    frame = pd.read_parquet(output, columns=columns).sort_values("id")
    records = [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]
    assert pq.read_table(output, columns=columns).sort_by("id").to_pylist() == records
    return records


def test_local_output_is_a_parquet_dataset_as_it_is(local_output: Path) -> None:
    assert sorted(p.name for p in local_output.iterdir() if not p.name.endswith(".parquet")) == [
        ERRORS_FILE,
        REPORT_FILE,
    ]
    assert ERRORS_FILE.startswith("_") and REPORT_FILE.startswith("_")  # what Parquet readers skip
    expected = [{k: row[k] for k in ("id", "error", "analysis")} for row in rows(local_output)]
    assert read_as_a_dataset(local_output) == expected


def test_an_older_output_with_errors_jsonl_is_read_and_renamed(
    local_output: Path, corpus: tuple[Path, set[str]], tmp_path: Path
) -> None:
    output = tmp_path / "out"
    output.mkdir()
    for part in local_output.glob("*.parquet"):
        (output / part.name).write_bytes(part.read_bytes())
    (output / "errors.jsonl").write_bytes((local_output / ERRORS_FILE).read_bytes())  # unspun 0.2's name
    report = run_batch(corpus[0], output, engine="local")
    assert report.analysed == 0 and report.skipped == len(corpus[1])
    assert not (output / "errors.jsonl").exists() and errors(output) == errors(local_output)
    assert len(read_as_a_dataset(output)) == len(corpus[1])


@pytest.mark.ray
def test_ray_rows_equal_local_rows_spread_over_every_worker_quietly(
    ray_local: Any,
    local_output: Path,
    corpus: tuple[Path, set[str]],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    capfd.readouterr()
    # 13 articles and the default batch of 16: both workers still get some
    report = run_batch(corpus[0], tmp_path / "ray", engine="ray", workers=2)
    logged = capfd.readouterr().err
    assert rows(tmp_path / "ray") == rows(local_output)  # both sorted by id
    assert read_as_a_dataset(tmp_path / "ray") == read_as_a_dataset(local_output)
    assert errors(tmp_path / "ray") == errors(local_output)
    assert report.analysed == len(corpus[1]) - UNREADABLE and report.failed == 0
    assert report.left_out == UNREADABLE
    assert sum(w["analysed"] for w in report.workers_detail.values()) == len(corpus[1]) - UNREADABLE
    assert report.workers_busy == 2 and all(w["analysed"] > 0 for w in report.workers_detail.values())
    assert not [line for line in logged.splitlines() if re.search(r"\bINFO\b", line)], logged[-2000:]


@pytest.mark.ray
def test_ray_run_tells_a_records_date_warning_on_the_driver(ray_local: Any, tmp_path: Path) -> None:
    # The worker read the record and warned in its own process: the warning reached only its log.
    from unspun.errors import InputWarning

    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"id": "d1", "text": "The council met.", "published": "yesterday"}) + "\n")
    with pytest.warns(InputWarning, match=r"line 1: published 'yesterday' is not a date") as told:
        report = run_batch(dump, tmp_path / "out", engine="ray", workers=1)
    assert report.analysed == 1 and len(told) == 1
    assert (
        report.warnings == [str(told[0].message)]
        and "warnings" not in report.workers_detail[next(iter(report.workers_detail))]
    )
    assert json.loads((tmp_path / "out" / REPORT_FILE).read_text())["warnings"] == report.warnings


@pytest.mark.ray
def test_ray_data_logs_info_lines_only_when_asked(ray_local: Any, capfd: pytest.CaptureFixture[str]) -> None:
    from unspun.scale.ray_engine import quiet_ray

    def run(quiet: bool) -> list[str]:
        capfd.readouterr()
        with quiet_ray(quiet):
            ray_local.data.range(8, override_num_blocks=2).map_batches(lambda b: b).materialize()
        return [line for line in capfd.readouterr().err.splitlines() if re.search(r"\bINFO\b", line)]

    assert run(quiet=False)  # what Ray Data writes on stderr by itself ("Starting execution of ...")
    assert run(quiet=True) == []


@pytest.mark.ray
def test_ray_worker_killed_mid_run_loses_nothing(
    ray_local: Any, local_output: Path, corpus: tuple[Path, set[str]], tmp_path: Path
) -> None:
    marker = tmp_path / "crashed"

    class CrashOnce(AnalyseBatch):
        """Dies (the whole worker process) the first time it sees the crash article."""

        def __call__(self, batch: pa.Table) -> pa.Table:
            crash = any(f'"id": "{CRASH_ID}"' in data for data in batch.column("data").to_pylist())
            if crash and not marker.exists():
                marker.write_text("crashed once", encoding="utf-8")
                os._exit(1)
            return super().__call__(batch)

    report = run_batch(
        corpus[0], tmp_path / "out", engine="ray", workers=1, batch_size=2, analyser_class=CrashOnce
    )
    assert marker.exists(), "the worker never died: the test proves nothing"
    assert rows(tmp_path / "out") == rows(local_output)
    assert report.rows == len(corpus[1])


@pytest.mark.ray
def test_ray_second_run_does_no_work(ray_local: Any, corpus: tuple[Path, set[str]], tmp_path: Path) -> None:
    output = tmp_path / "out"
    first = run_batch(corpus[0], output, engine="ray", workers=1, batch_size=8)
    parts = sorted(output.glob("*.parquet"))
    second = run_batch(corpus[0], output, engine="ray", workers=1, batch_size=8)
    assert first.analysed + first.left_out == len(corpus[1])
    assert second.analysed == 0 and second.skipped == len(corpus[1])
    assert all(w["load_seconds"] == 0 for w in second.workers_detail.values())  # no model loaded
    assert sorted(output.glob("*.parquet")) == parts
    assert second.rows == len(corpus[1])


def test_local_resume_after_a_crash_finishes_the_rest(
    local_output: Path, corpus: tuple[Path, set[str]], tmp_path: Path
) -> None:
    output = tmp_path / "out"
    output.mkdir()
    parts = sorted(local_output.glob("*.parquet"))
    # What a crash leaves: one complete part from before, one cut short while it was written.
    (output / parts[0].name).write_bytes(parts[0].read_bytes())
    (output / parts[1].name).write_bytes(parts[1].read_bytes()[:100])
    done = {row["id"] for row in read_rows(str(output)).to_pylist()}
    report = run_batch(corpus[0], output, engine="local", batch_size=4)
    assert report.removed_parts and report.skipped == len(done)
    assert report.analysed + report.failed + report.left_out == len(corpus[1]) - len(done)
    assert rows(output) == rows(local_output)
    again = run_batch(corpus[0], output, engine="local", batch_size=4)
    assert again.analysed == 0 and again.skipped == len(corpus[1])
    assert again.workers_busy == 0  # a rerun with nothing to do said "1 of 1 worker(s) busy"


def test_ray_engine_without_ray_says_how_to_install(
    corpus: tuple[Path, set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_ray(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "ray" or name.startswith("ray."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(ConfigError, match=r"pip install 'unspun\[scale\]'"):
        run_batch(corpus[0], tmp_path / "out", engine="ray")
    from unspun.cli import app

    result = CliRunner().invoke(app, ["batch", str(corpus[0]), str(tmp_path / "out"), "--engine", "ray"])
    assert result.exit_code == 2
    assert "pip install 'unspun[scale]'" in result.output


def test_cli_batch_writes_the_dataset_and_the_store(
    local_output: Path, corpus: tuple[Path, set[str]], tmp_path: Path
) -> None:
    from unspun.cli import app
    from unspun.store import open_store

    db = f"sqlite:///{tmp_path / 'corpus.db'}"
    output = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(corpus[0]), str(output), "--db", db, "--batch-size", "6"])
    assert result.exit_code == 0, result.output
    assert "11 articles" in result.output and "0 failed, 2 left out" in result.output
    assert rows(output) == rows(local_output)
    with open_store(db) as store:
        for row in rows(output):
            assert store.has(row["content_hash"]) == (row["error"] is None)


def test_local_reads_parquet_from_an_fsspec_url() -> None:
    import datetime as dt

    import fsspec
    import pyarrow.parquet as pq

    fs = fsspec.filesystem("memory")
    records = pa.table(
        {
            "id": ["p1", "p2"],
            "text": [TEXTS[0], TEXTS[1]],
            "published": [dt.date(2024, 5, 1), None],
            "extra": [1, 2],  # columns the reader does not know are left alone
        }
    )
    with fs.open("/scale-test/in/records.parquet", "wb") as handle:
        pq.write_table(records, handle, row_group_size=1)
    report = run_batch("memory:///scale-test/in", "memory:///scale-test/out", engine="local")
    table = read_rows("memory:///scale-test/out").to_pylist()
    assert report.analysed == 2 and report.failed == 0
    assert [(row["id"], row["published"]) for row in table] == [("p1", dt.date(2024, 5, 1)), ("p2", None)]
    assert json.loads(table[0]["analysis"])["text"] == TEXTS[0]
    fs.rm("/scale-test", recursive=True)


def test_chunks_cover_every_line_once_with_its_number(tmp_path: Path) -> None:
    from unspun.scale.chunk import plan_chunks, read_chunk
    from unspun.scale.source import list_inputs

    lines = [json.dumps({"id": f"r{i}", "text": f"text {i}"}) for i in range(10)]
    lines[4] = ""  # a blank line keeps its number
    (tmp_path / "feed.jsonl").write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe\n")
    inputs = list_inputs(tmp_path / "feed.jsonl")
    chunks = plan_chunks(inputs, [], rows=3)
    assert [c.line for c in chunks] == [1, 4, 7, 10]
    rows = [row for chunk in chunks for row in read_chunk(chunk).to_pylist()]
    assert [row["line"] for row in rows] == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11]
    assert [json.loads(row["data"])["id"] for row in rows[:-1]] == [f"r{i}" for i in range(10) if i != 4]
    assert rows[-1]["kind"] == "invalid" and "line 11 is UTF-16" in rows[-1]["data"]


def test_a_windows_1252_line_is_decoded_by_the_rule_of_every_input(tmp_path: Path) -> None:
    from unspun.scale.chunk import plan_chunks, read_chunk
    from unspun.scale.source import list_inputs

    text = "The mayor\u2019s \u201cgenerous\u201d plan \u2014 a giveaway, says the caf\u00e9 owner."
    lines = [
        json.dumps({"id": "a", "text": text}, ensure_ascii=False).encode("cp1252"),
        bytes(range(0x80, 0x100)),
    ]
    (tmp_path / "feed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    [chunk] = plan_chunks(list_inputs(tmp_path / "feed.jsonl"), [], rows=10)
    first, second = read_chunk(chunk).to_pylist()
    assert json.loads(first["data"])["text"] == text
    assert (
        second["kind"] == "invalid" and "line 2 is not UTF-8" in second["data"] and "iconv" in second["data"]
    )


def test_a_batch_file_is_decoded_as_unspun_analyze_decodes_it(tmp_path: Path) -> None:
    from unspun.errors import EncodingError
    from unspun.scale.source import source_article

    smart = "The mayor\u2019s \u201cgenerous\u201d plan \u2014 a giveaway."
    (tmp_path / "a.txt").write_bytes(smart.encode("cp1252"))
    (tmp_path / "b.txt").write_bytes(smart.encode("utf-16"))
    (tmp_path / "c.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)

    def row(name: str) -> dict[str, object]:
        return {"kind": "file", "source": str(tmp_path / name), "line": 0, "id": name, "data": ""}

    assert source_article(row("a.txt"), max_bytes=10_000).text == smart
    assert source_article(row("b.txt"), max_bytes=10_000).text == "\ufeff" + smart
    with pytest.raises(EncodingError, match="c.txt is not UTF-8.*iconv"):
        source_article(row("c.txt"), max_bytes=10_000)


def test_chunks_spread_a_small_input_over_every_worker(tmp_path: Path) -> None:
    from unspun.scale.chunk import chunk_rows_for, plan_chunks, read_chunk
    from unspun.scale.source import list_inputs

    assert chunk_rows_for(13, workers=2, batch_size=16) == 7  # two chunks, not one batch of 13
    assert chunk_rows_for(3, workers=4, batch_size=16) == 1
    assert chunk_rows_for(10_000, workers=2, batch_size=16) == 1024
    assert chunk_rows_for(800, workers=2, batch_size=16) == 100  # about four chunks a worker
    records = pa.table({"id": [f"p{i}" for i in range(5)], "text": [f"text {i}" for i in range(5)]})
    import pyarrow.parquet as pq

    pq.write_table(records, tmp_path / "records.parquet")  # one row group of 5
    chunks = plan_chunks(list_inputs(tmp_path / "records.parquet"), [], rows=2)
    assert [(c.line, c.offset, c.end) for c in chunks] == [(1, 0, 2), (3, 2, 2), (5, 4, 1)]
    rows = [row for chunk in chunks for row in read_chunk(chunk).to_pylist()]
    assert [(json.loads(row["data"])["id"], row["line"]) for row in rows] == [
        (f"p{i}", i + 1) for i in range(5)
    ]


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>The Daily Example</title>
<item><title>Harbour plan approved</title><link>https://example.org/harbour</link>
<pubDate>Tue, 03 Nov 2026 09:00:00 GMT</pubDate>
<description><![CDATA[<p>The council approved the harbour plan. Critics call it a disgrace.</p>]]></description></item>
<item><title>School budget rises</title><link>https://example.org/schools</link>
<description>The school budget rose by four percent, the finance office said.</description></item>
<item><title>No text</title><link>https://example.org/empty</link></item>
</channel></rss>
"""


def test_a_feed_in_a_batch_folder_gives_the_articles_unspun_analyze_reads(tmp_path: Path) -> None:
    # `unspun batch feeds/ out/` (README) left every .rss/.atom file of the folder out, silently:
    # 0 failed, nothing said, where `unspun analyze feeds/` and `unspun ingest` read each entry.
    from unspun.errors import EmptyInputError, FormatError
    from unspun.readers.dispatch import iter_articles
    from unspun.scale.chunk import plan_chunks, read_chunk
    from unspun.scale.source import list_inputs, source_article

    (tmp_path / "news.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "a.txt").write_text("A plain story.", encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset><url>x</url></urlset>', encoding="utf-8"
    )
    (tmp_path / "broken.rss").write_text("not a feed", encoding="utf-8")
    inputs = list_inputs(tmp_path)
    assert sorted(Path(url).name for url in inputs.containers) == ["broken.rss", "news.rss"]  # no sitemap
    rows = [row for chunk in plan_chunks(inputs, [], rows=10) for row in read_chunk(chunk).to_pylist()]
    articles, failures = [], []
    for row in rows:
        try:
            articles.append(source_article(row, max_bytes=10_000))
        except (FormatError, EmptyInputError) as error:
            failures.append((Path(str(row["source"])).name, error.message))

    def fields(article: Any) -> tuple[Any, ...]:
        return (article.id, article.text, article.title, article.outlet, article.url, article.published)

    errors: list[str] = []
    analysed = list(
        iter_articles(tmp_path / "news.rss", max_bytes=10_000, on_error=lambda p, e: errors.append(p))
    )
    assert [fields(a) for a in articles] == [fields(a) for a in analysed] and len(analysed) == 2
    assert [name for name, _ in failures] == ["broken.rss", "news.rss"] and len(errors) == 1
    assert "not an RSS or Atom feed" in failures[0][1] and "entry 3 has no text" in failures[1][1]


def test_a_feed_entry_without_text_fails_in_a_batch_with_the_code_analyze_gives_it(tmp_path: Path) -> None:
    # QA (issue 33): the same entry was `empty_input` in unspun analyze / ingest and `bad_format`
    # in unspun batch's _errors.jsonl; a file that is not a feed stays `bad_format` in both.
    from unspun.errors import UnspunError
    from unspun.readers.dispatch import iter_articles
    from unspun.scale.chunk import plan_chunks, read_chunk
    from unspun.scale.source import list_inputs, source_article

    (tmp_path / "news.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "broken.rss").write_text("not a feed", encoding="utf-8")
    rows = [
        row
        for chunk in plan_chunks(list_inputs(tmp_path), [], rows=10)
        for row in read_chunk(chunk).to_pylist()
    ]
    batch_codes = {}
    for row in rows:
        try:
            source_article(row, max_bytes=10_000)
        except UnspunError as error:
            batch_codes[(Path(str(row["source"])).name, row["line"])] = error.code
    read_codes = {}
    for name in ("news.rss", "broken.rss"):
        try:
            for _ in iter_articles(
                tmp_path / name,
                max_bytes=10_000,
                on_error=lambda path, error: read_codes.__setitem__(Path(str(path)).name, error.code),
            ):
                pass
        except UnspunError as error:
            read_codes[name] = error.code
    assert read_codes == {"news.rss:3": "empty_input", "broken.rss": "bad_format"}
    assert batch_codes == {("news.rss", 3): "empty_input", ("broken.rss", 0): "bad_format"}


def test_a_feed_row_is_numbered_and_named_by_its_entry(tmp_path: Path) -> None:
    # QA (issue 33): after an entry without text the next entry's row said "line 2" (it is entry 3,
    # and the failed entry 2 was line 2 too), and an entry over the limit "news.rss, line 2 is ...".
    from unspun.errors import InputTooLargeError
    from unspun.scale.chunk import plan_chunks, read_chunk
    from unspun.scale.source import list_inputs, source_article

    entries = "".join(
        f"<item><title>T{n}</title><link>https://example.org/{n}</link>{text}</item>"
        for n, text in [
            (1, "<description>First story.</description>"),
            (2, ""),
            (3, "<description>" + "Long story. " * 20 + "</description>"),
        ]
    )
    feed = tmp_path / "news.rss"
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>X</title>{entries}</channel></rss>'
    )
    rows = [
        row for chunk in plan_chunks(list_inputs(feed), [], rows=10) for row in read_chunk(chunk).to_pylist()
    ]
    assert sorted((row["line"], row["kind"]) for row in rows) == [(1, "json"), (2, "empty"), (3, "json")]
    [third] = [row for row in rows if row["line"] == 3]
    assert source_article(third, max_bytes=10_000).url == "https://example.org/3"
    with pytest.raises(InputTooLargeError, match=f"^{re.escape(str(feed))}: entry 3 is "):
        source_article(third, max_bytes=100)


def test_cli_batch_counts_one_failed_article_in_the_singular(tmp_path: Path) -> None:
    from unspun.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(TEXTS[0] + "\n", encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(folder), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    # The empty file was counted "1 failed" among "2 articles": it is left out, as analyze says.
    assert "1 article in" in result.output and "0 failed, 1 left out" in result.output
    assert f"1 article; see {tmp_path / 'out'}/{ERRORS_FILE}" in result.output
    assert "1 of 1 worker busy" in result.output  # was "1 of 1 worker(s) busy"
    assert ": 1 article, " in result.output  # the worker's line read "1 articles"
    (line,) = errors(tmp_path / "out")
    assert line["id"] == "empty" and line["where"] == str(folder / "empty.txt") and line["component"] is None


def test_cli_batch_lists_and_counts_a_folders_other_entries_as_analyze_does(tmp_path: Path) -> None:
    # QA (issue 33): on the same folder `unspun analyze` said "1 left out" (notes.pdf: not a ...
    # file) and `unspun batch` "0 left out", leaving the file out without a word.
    from unspun.cli import app

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(TEXTS[0] + "\n", encoding="utf-8")
    (folder / "post.md").write_text(
        "# A post\n\n" + TEXTS[1] + "\n", encoding="utf-8"
    )  # read as analyze does
    (folder / "README.md").write_text("# About these files\n\nArticles for a test.\n", encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "sitemap.xml").write_text('<?xml version="1.0"?><urlset></urlset>', encoding="utf-8")
    analyzed = CliRunner().invoke(app, ["analyze", str(folder), "-f", "jsonl"])
    batched = CliRunner().invoke(app, ["batch", str(folder), str(tmp_path / "out")])
    assert analyzed.exit_code == 0 and batched.exit_code == 0, (analyzed.output, batched.output)
    assert "0 failed, 4 left out" in analyzed.output and "0 failed, 4 left out" in batched.output
    for name, reason in [
        (
            "notes.pdf",
            "not a .parquet or .txt, .html, .htm, .md, .markdown, .jsonl, .rss, .atom or .xml (a feed) file",
        ),
        ("README.md", "the folder's own documentation, not an article (pass it on its own to analyse it)"),
        ("sitemap.xml", "not an RSS or Atom feed"),
        ("sub", "a folder (folders are read one level deep; pass it on its own)"),
    ]:
        assert f"left out {folder / name}: {reason}" in batched.output
    assert "see" not in batched.output  # no row, no line in _errors.jsonl: nothing to look up
    report = json.loads((tmp_path / "out" / REPORT_FILE).read_text(encoding="utf-8"))
    assert report["left_out"] == 4 and report["analysed"] == 2
    assert {e["code"] for e in report["left_out_entries"]} == {"not_read"}
    assert errors(tmp_path / "out") == []


def test_cli_batch_of_stdin_says_to_save_it_to_a_file(tmp_path: Path) -> None:
    # QA (issue 33): `unspun batch - out/` said "- does not exist; check the path or URL".
    from unspun.cli import app

    result = CliRunner().invoke(app, ["batch", "-", str(tmp_path / "out")], input='{"text": "A story."}\n')
    assert result.exit_code == 2, result.output
    assert "does not read standard input" in result.output and "does not exist" not in result.output
    assert "save it to a file" in result.output


def test_cli_batch_exits_2_when_no_article_could_be_analysed(tmp_path: Path) -> None:
    # A folder where nothing could be read exited 0; unspun analyze and ingest exit 2.
    from unspun.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("  \n", encoding="utf-8")
    (folder / "two.txt").write_text("", encoding="utf-8")
    output = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(folder), str(output)])
    assert result.exit_code == 2, result.output
    assert "0 failed, 2 left out" in result.output
    assert f"none of the 2 articles could be analysed; see {output}/{ERRORS_FILE}" in result.output
    assert [line["id"] for line in errors(output)] == ["one", "two"]
    again = CliRunner().invoke(app, ["batch", str(folder), str(output)])
    assert again.exit_code == 0, again.output  # nothing left to do is no failure
    assert "2 already done" in again.output


def test_an_output_of_an_older_unspun_is_read_with_its_errors(tmp_path: Path) -> None:
    # Parts written before error_component and error_code, and an errors file of {id, error}.
    import pyarrow.parquet as pq

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    output = tmp_path / "out"
    run_batch(folder, output)
    (part,) = output.glob("*.parquet")
    pq.write_table(pq.read_table(part).drop_columns(["error_component", "error_code"]), part)
    (output / ERRORS_FILE).write_text(json.dumps({"id": "gone", "error": "old"}) + "\n", encoding="utf-8")
    report = run_batch(folder, output)
    assert report.skipped == 1 and report.analysed == 0
    (row,) = rows(output)
    assert row["error_component"] is None and row["error"] is not None
    assert [(e["id"], e["message"]) for e in errors(output)] == [("empty", row["error"]), ("gone", "old")]


class WordCounter(Component):
    """A third-party component: writes the article's word count."""

    name = "word-counter"
    needs = ("spans",)
    writes = ("scores",)

    def predict(self, articles: Sequence[Article]) -> list[int]:
        return [len(article.text.split()) for article in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: list[int]) -> None:
        for article, words in zip(articles, outputs, strict=True):
            article.scores["test_batch_words"] = float(words)


registry.register("test.BatchWordCounter.v1")(WordCounter)


def test_cli_batch_runs_the_extra_components_of_the_settings(tmp_path: Path) -> None:
    # unspun batch ran the built-in components only, whatever extra_components said.
    from unspun.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text(TEXTS[0] + "\n", encoding="utf-8")
    config = tmp_path / "unspun.toml"
    config.write_text('[unspun]\nextra_components = ["test.BatchWordCounter.v1"]\n', encoding="utf-8")
    output = tmp_path / "out"
    result = CliRunner().invoke(app, ["--config", str(config), "batch", str(folder), str(output)])
    assert result.exit_code == 0, result.output
    (row,) = rows(output)
    assert json.loads(row["analysis"])["scores"]["test_batch_words"] == len(TEXTS[0].split())
    config.write_text('[unspun]\nextra_components = ["test.Nope.v1"]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "batch", str(folder), str(tmp_path / "out2")])
    assert result.exit_code != 0 and "no component registered as 'test.Nope.v1'" in result.output


def test_the_errors_file_is_named_without_a_doubled_slash() -> None:
    # QA (s45): `unspun batch folder/ out/` said "left out 2 articles; see out//_errors.jsonl".
    from unspun.scale.batch import BatchReport

    report = BatchReport(engine="local", workers=1, input="in/", output="out/", left_out=2)
    assert report.errors_path == f"out/{ERRORS_FILE}"
    assert report.failure() == f"none of the 2 articles could be analysed; see out/{ERRORS_FILE}"
    assert BatchReport(engine="local", workers=1, input="i", output="s3://b/out").errors_path == (
        f"s3://b/out/{ERRORS_FILE}"
    )


def test_cli_batch_reads_a_record_whose_date_is_no_date_without_one_and_warns(tmp_path: Path) -> None:
    # As unspun analyze and ingest do (QA s46): the record was left out for "published": "yesterday".
    from unspun.cli import app

    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"id": "d1", "text": "The council met.", "published": "yesterday"}) + "\n")
    result = CliRunner().invoke(app, ["batch", str(dump), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if "yesterday" in line] == [
        f"warning: {dump}, line 1: published 'yesterday' is not a date, so the article is read without one; "
        "write it as YYYY-MM-DD"
    ]
    assert json.loads((tmp_path / "out" / "_report.json").read_text())["analysed"] == 1


def test_a_row_says_whether_its_genre_is_uncertain_and_an_older_part_is_read_so(tmp_path: Path) -> None:
    """s48: the JSON (schema 2.3) says ``genre_uncertain`` (a genre under even odds is the
    likeliest, not a finding); the Parquet row had only ``genre`` and ``genre_score``, so a corpus
    query counted an uncertain genre as a sure one. A part written without the column reads it
    from ``genre_score``."""
    import pyarrow.parquet as pq

    from unspun.document import Label
    from unspun.scale.row import analysis_row, conform, rows_table

    made = []
    for id, score in (("sure", 0.9), ("unsure", 0.3), ("none", None)):
        article = Article(id=id, text=f"A short text called {id}.")
        if score is not None:
            article.labels["genre"] = [Label("opinion", score)]
        made.append(analysis_row(Analysis(article)))
    assert [row["genre_uncertain"] for row in made] == [False, True, None]
    for row in made:
        assert row["genre_uncertain"] == json.loads(row["analysis"])["genre_uncertain"]
    part = tmp_path / "old.parquet"
    pq.write_table(rows_table(made).drop_columns(["genre_uncertain"]), part)
    assert conform(pq.read_table(part)).column("genre_uncertain").to_pylist() == [False, True, None]
