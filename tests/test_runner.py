"""The one runner (:mod:`unspun.runner`): good articles delivered, failures recorded, never a stop."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from unspun.analysis import Pipeline
from unspun.document import Analysis, Article
from unspun.errors import LanguageNotSupportedError
from unspun.pipeline.base import Component
from unspun.runner import Failure, RunReport, run


class Shouter(Component):
    """Writes the title in capitals; refuses an article whose text asks it to."""

    name = "shouter"

    def predict(self, articles: Sequence[Article]) -> list[str]:
        for article in articles:
            if "refuse" in article.text:
                raise LanguageNotSupportedError(f"{article.id} is in no language the shouter reads")
        return [article.text.upper() for article in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: Any) -> None:
        for article, loud in zip(articles, outputs, strict=True):
            article.title = loud


def _articles(tmp_path: Path) -> list[Article]:
    return [
        Article(id="a", text="first", source_path=str(tmp_path / "a.txt")),
        Article(id="b", text="please refuse", source_path=str(tmp_path / "b.txt")),
        Article(id="c", text="third", source_path=str(tmp_path / "c.txt")),
    ]


def test_run_delivers_the_good_articles_and_records_the_failing_component(tmp_path: Path) -> None:
    delivered: list[Analysis] = []
    ticks: list[int] = []
    report = run(
        _articles(tmp_path), Pipeline([Shouter()]), delivered.append, batch_size=3, on_progress=ticks.append
    )
    assert [(a.id, a.article.title) for a in delivered] == [("a", "FIRST"), ("c", "THIRD")]
    assert report.failures == [
        Failure(
            str(tmp_path / "b.txt"),
            "shouter",
            "language_not_supported",
            "b is in no language the shouter reads",
        )
    ]
    assert report.failures[0].reason == "shouter: b is in no language the shouter reads"
    assert isinstance(report.failures[0].exception, LanguageNotSupportedError)
    assert (report.analysed_count, report.seen, sum(ticks)) == (2, 3, 3)
    assert report.failure() is None and report.elapsed >= 0.0
    assert report.summary()[0] == "summary: from 3 files: 3 articles, 2 analysed, 1 failed, 0 left out"
    assert report.failure_lines() == [
        f"  failed   {tmp_path / 'b.txt'}: shouter: b is in no language the shouter reads"
    ]


def test_run_records_a_read_failure_and_a_left_out_entry_from_the_reader(tmp_path: Path) -> None:
    from unspun.readers.dispatch import iter_articles

    (tmp_path / "a.txt").write_text("One article.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    report = RunReport()
    articles = iter_articles(tmp_path, max_bytes=10_000, on_error=report.on_error, on_skip=report.skip)
    delivered: list[Analysis] = []
    run(articles, Pipeline([Shouter()]), delivered.append, report=report)
    assert [a.id for a in delivered] == ["a"]
    assert [(Path(f.where).name, f.component, f.code) for f in report.failures] == [
        ("empty.txt", None, "empty_input")
    ]
    assert [Path(s.where).name for s in report.skips] == ["notes.pdf"]
    assert report.summary()[0] == "summary: from 3 files: 1 article, 1 analysed, 0 failed, 2 left out"


def test_run_stops_when_the_failure_handler_raises(tmp_path: Path) -> None:
    def stop(failure: Failure) -> None:
        assert failure.exception is not None
        raise failure.exception

    with pytest.raises(LanguageNotSupportedError):
        run(_articles(tmp_path), Pipeline([Shouter()]), lambda analysis: None, on_failure=stop)


def test_one_failed_article_alone_is_the_runs_error(tmp_path: Path) -> None:
    report = run(_articles(tmp_path)[1:2], Pipeline([Shouter()]), lambda analysis: None)
    assert report.failure() == f"{tmp_path / 'b.txt'}: shouter: b is in no language the shouter reads"
    assert report.failures[0].to_dict() == {
        "where": str(tmp_path / "b.txt"),
        "component": "shouter",
        "code": "language_not_supported",
        "message": "b is in no language the shouter reads",
    }


FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Daily Planet</title>
<item><title>One</title><link>https://planet.example/one</link><description>please refuse one</description></item>
<item><title>Empty</title><link>https://planet.example/empty</link></item>
<item><title>Two</title><link>https://planet.example/two</link><description>please refuse two</description></item>
<item><title>Three</title><link>https://planet.example/three</link><description>third</description></item>
</channel></rss>
"""


def test_failures_of_a_feeds_entries_say_which_entry_once(tmp_path: Path) -> None:
    from unspun.readers.dispatch import iter_articles

    feed = tmp_path / "planet.rss"
    feed.write_text(FEED, encoding="utf-8")
    report = RunReport()
    articles = iter_articles(feed, max_bytes=100_000, on_error=report.on_error, on_skip=report.skip)
    run(articles, Pipeline([Shouter()]), lambda _: None, report=report)
    assert [f.where for f in report.unanalysed] == [
        f"{feed} (https://planet.example/one)",
        f"{feed} (https://planet.example/two)",
    ]
    lines = report.summary()
    assert lines[0] == "summary: from 1 file: 3 articles, 1 analysed, 2 failed, 1 left out"
    [left_out] = [line for line in lines if line.startswith("  left out")]
    # the reader's message names the file already: the line names it once
    assert left_out == f"  left out {feed}:2: entry 2 has no text (no content or summary)"


def test_a_bad_jsonl_line_is_summarised_with_its_file_and_line_once(tmp_path: Path) -> None:
    from unspun.readers.dispatch import iter_articles

    dump = tmp_path / "dump.jsonl"
    dump.write_text(
        '{"id": "a", "text": "first"}\n{"id": "b"}\n{"id": "c", "text": "third"}\n', encoding="utf-8"
    )
    report = RunReport()
    articles = iter_articles(dump, max_bytes=100_000, on_error=report.on_error, on_skip=report.skip)
    run(articles, Pipeline([Shouter()]), lambda _: None, report=report)
    [left_out] = [line for line in report.summary() if line.startswith("  left out")]
    # was "dump.jsonl:2: line 2: no 'text' field ...": the line number said twice
    assert left_out.startswith(f"  left out {dump}:2: no 'text' field"), left_out
    assert "line 2" not in left_out, left_out


def _keep(analysis: Analysis) -> None:
    assert analysis.ok


def test_the_summary_counts_sources_as_they_are_not_one_file_per_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JSONL dump or a feed piped in is standard input, and a JSONL file one file (the QA
    pass saw '3 analysed from 3 files' listing the article ids)."""
    import io

    from unspun.readers.dispatch import iter_articles

    rows = "".join(f'{{"id": "x{n}", "text": "Text number {n}."}}\n' for n in range(3))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(rows.encode())))
    report = RunReport()
    run(iter_articles("-", max_bytes=10_000), Pipeline([Shouter()]), _keep, report=report)
    assert report.summary() == [
        "summary: from standard input: 3 articles, 3 analysed, 0 failed, 0 left out",
        "  analysed standard input (3 articles)",
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text(rows, encoding="utf-8")
    report = run(iter_articles(dump, max_bytes=10_000), Pipeline([Shouter()]), _keep)
    assert report.summary()[0] == "summary: from 1 file: 3 articles, 3 analysed, 0 failed, 0 left out"
    page = Article(id="p", text="page", source_path="https://news.example/p")
    report = run([page, *_articles(tmp_path)[:1]], Pipeline([Shouter()]), _keep)
    assert (
        report.summary()[0] == "summary: from 1 file and 1 URL: 2 articles, 2 analysed, 0 failed, 0 left out"
    )


def test_the_summary_counts_every_file_of_a_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA: a folder of 3 files was summed up as "2 analysed from 2 files, 0 failed, 1 left out"."""
    import io

    from unspun.readers.dispatch import iter_articles

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("One article.\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    report = RunReport()
    articles = iter_articles(tmp_path, max_bytes=10_000, on_error=report.on_error, on_skip=report.skip)
    run(articles, Pipeline([Shouter()]), _keep, report=report)
    assert report.summary()[0] == "summary: from 3 files: 2 articles, 2 analysed, 0 failed, 1 left out"
    # a feed piped in: its entry left out is of standard input too, not of a file named "stdin"
    monkeypatch.setattr(
        "sys.stdin", io.TextIOWrapper(io.BytesIO(FEED.replace("please refuse", "kept").encode()))
    )
    report = RunReport()
    run(
        iter_articles("-", max_bytes=100_000, on_error=report.on_error),
        Pipeline([Shouter()]),
        _keep,
        report=report,
    )
    lines = report.summary()
    assert lines[0] == "summary: from standard input: 3 articles, 3 analysed, 0 failed, 1 left out"
    assert "  left out standard input:2: entry 2 has no text (no content or summary)" in lines


def test_the_summary_counts_files_folders_and_articles_apart(tmp_path: Path) -> None:
    """QA: a folder of 7 files, 1 subfolder and a feed of 2 entries was summed up as "from 8
    files: 6 analysed": the subfolder counted as a file, and files mixed with articles."""
    from unspun.readers.dispatch import iter_articles

    (tmp_path / "a.txt").write_text("One article.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("please refuse\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "planet.rss").write_text(FEED, encoding="utf-8")  # 4 entries: 1 without text
    (tmp_path / "sub").mkdir()
    report = RunReport()
    articles = iter_articles(tmp_path, max_bytes=10_000, on_error=report.on_error, on_skip=report.skip)
    run(articles, Pipeline([Shouter()]), _keep, report=report)
    # 4 files and 1 folder met: 3 files read (5 articles: 2 analysed, 3 failed), 3 entries left
    # out (the subfolder, the .pdf file, the feed's entry without text).
    assert report.summary()[0] == (
        "summary: from 4 files and 1 folder: 5 articles, 2 analysed, 3 failed, 3 left out"
    )


def test_a_file_left_out_reads_as_one_line_about_it(tmp_path: Path) -> None:
    # QA (s44): a folder's empty file was "skipped blank.txt is empty or only whitespace; ..." as it
    # happened and "left out blank.txt: is empty or only whitespace; ..." in the summary.
    from unspun.readers.dispatch import iter_articles

    (tmp_path / "blank.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "good.txt").write_text("The council met on Monday.", encoding="utf-8")
    told: list[tuple[str, str]] = []
    report = RunReport(notify=lambda kind, message: told.append((kind, message)))
    articles = iter_articles(tmp_path, max_bytes=100_000, on_error=report.on_error, on_skip=report.skip)
    run(articles, Pipeline([Shouter()]), lambda _: None, report=report)
    blank = tmp_path / "blank.txt"
    assert told == [("skipped", f"{blank}: it is empty or only whitespace; give it some article text")]
    assert (
        f"  left out {blank}: it is empty or only whitespace; give it some article text" in report.summary()
    )
