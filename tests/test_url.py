"""URL input by what the address gives: a page, a feed's entries, a raw Markdown or text file
(readers/url.py, through the one dispatch), from a local server."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from unspun.errors import UnspunError
from unspun.readers.dispatch import iter_articles

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Herald</title>
<item><title>Council closes library</title><description>The council voted to close it.</description></item>
<item><title>No text</title></item>
<item><title>Storm hits</title><description>A storm hit the coast.</description></item>
</channel></rss>
"""
FILES = {
    "news.rss": FEED,
    "post.md": "# Budget cuts\n\nThe **disastrous** cuts.\n\n```\ncode\n```\n",
    "story.txt": "First paragraph.\n\nSecond paragraph.\n",
    "page.html": "<html><body><article><h1>Mayor quits</h1><p>The mayor quit on Friday, "
    "critics said.</p></article></body></html>",
    "dump.jsonl": '{"id": "a1", "text": "The council lied again."}\nnot json\n{"text": "A quiet day."}\n',
    "titled.html": "<html><head><title>Mayor quits over budget row - City Herald</title></head><body><article>"
    "<h1>Mayor quits over budget row</h1><p>The mayor quit on Friday, critics said.</p></article></body></html>",
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    for name, content in FILES.items():
        (root / name).write_text(content, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNSPUN_FETCH_PRIVATE", "1")


def test_a_feed_address_gives_its_entries(site: str) -> None:
    """A feed's address had been read as one page, its entries run together."""
    skipped: list[tuple[Path, UnspunError]] = []
    articles = list(iter_articles(f"{site}/news.rss", on_error=lambda where, e: skipped.append((where, e))))
    assert [(a.id, a.title, a.text) for a in articles] == [
        ("news-1", "Council closes library", "Council closes library\n\nThe council voted to close it."),
        ("news-3", "Storm hits", "Storm hits\n\nA storm hit the coast."),
    ]
    assert {a.source_path for a in articles} == {f"{site}/news.rss"} and articles[0].outlet == "Herald"
    ((where, error),) = skipped
    assert error.message == f"{site}/news.rss: entry 2 has no text (no content or summary)"
    # QA s49: a Path of it ("http:/127.0.0.1:.../news.rss:2") was counted as a file of its own
    # ("from 1 file and 1 URL") and shown with one slash
    assert str(where) == f"{site}/news.rss:2"


def test_a_jsonl_address_gives_one_article_per_line(site: str) -> None:
    # QA s49: a JSONL dump's address was read as one text article, its JSON lines for words.
    from unspun.readers.folder import holds_many

    skipped: list[tuple[Path | str, UnspunError]] = []
    articles = list(iter_articles(f"{site}/dump.jsonl", on_error=lambda where, e: skipped.append((where, e))))
    assert [(a.id, a.text) for a in articles] == [
        ("a1", "The council lied again."),
        ("dump-3", "A quiet day."),
    ]
    assert {a.source_path for a in articles} == {f"{site}/dump.jsonl"}
    ((where, error),) = skipped
    assert str(where) == f"{site}/dump.jsonl:2" and "invalid JSON" in error.message
    assert holds_many("https://news.example/dump.jsonl")


def test_a_raw_markdown_or_text_file_reads_as_the_file_would(site: str) -> None:
    (post,) = iter_articles(f"{site}/post.md")
    assert (post.id, post.title, post.text) == ("post", "Budget cuts", "Budget cuts\n\nThe disastrous cuts.")
    assert post.url == post.source_path == f"{site}/post.md"
    (story,) = iter_articles(f"{site}/story.txt")
    assert story.text == "First paragraph.\n\nSecond paragraph.\n"  # its blank lines had been lost
    assert (story.id, story.url) == ("story", f"{site}/story.txt")


def test_a_page_address_still_gives_the_page(site: str) -> None:
    (page,) = iter_articles(f"{site}/page.html")
    assert page.text == "Mayor quits\n\nThe mayor quit on Friday, critics said."
    assert (page.id, page.outlet) == ("page", "127.0.0.1")
    # The host of the address stands before a site named in the <title> (that is for saved pages)
    (titled,) = iter_articles(f"{site}/titled.html")
    assert (titled.title, titled.outlet) == ("Mayor quits over budget row", "127.0.0.1")


def test_a_feeds_address_holds_many_articles_of_a_count_unknown() -> None:
    """unspun analyze URL --format json printed a one-entry feed's article as one object."""
    from unspun.readers.folder import count_inputs, holds_many

    assert (
        holds_many("https://news.example/feed.RSS") and count_inputs("https://news.example/feed.rss") is None
    )
    assert not holds_many("https://news.example/story") and count_inputs("https://news.example/story") == 1
