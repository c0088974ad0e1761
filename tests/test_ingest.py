"""Ingest with the real pipeline: files, folders, JSONL, HTML, RSS/Atom, URLs from a local HTTP
server; idempotence; a kill -9 mid-ingest and a rerun; the CLI summary and exit status."""

from __future__ import annotations

import functools
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspun.analysis import Pipeline, build_pipeline
from unspun.cli import app
from unspun.document import content_hash
from unspun.errors import FetchError
from unspun.readers.url import url_article
from unspun.store import SearchQuery, open_store
from unspun.store.ingest import ingest
from unspun.store.sql import SqlStore

runner = CliRunner()

ARTICLE_BODY = " ".join(
    [
        "The minister said the harbour plan would cost far more than promised, and critics called it a disaster."
    ]
    * 5
)
PAGES = {
    "article.html": "<!doctype html><html><head><title>Harbour plan</title>"
    "<meta property='og:site_name' content='Harbour News'></head><body><article><h1>Harbour plan</h1>"
    f"<p>{ARTICLE_BODY}</p><p>The corrupt elite will destroy everything we love.</p></article></body></html>",
    "paywall.html": "<!doctype html><html><head><title>Locked</title></head><body><article><h1>Big story</h1>"
    "<p>This article is for subscribers only. Subscribe to read the full story.</p>"
    "<p>Already a subscriber? Sign in.</p></article></body></html>",
    "consent.html": "<!doctype html><html><head><title>Consent</title></head><body><main><h1>Before you continue</h1>"
    "<p>We and our partners use cookies and data to deliver services. Accept all cookies or manage your "
    "consent.</p></main></body></html>",
    "bot.html": "<!doctype html><html><head><title>Just a moment...</title></head><body><div id='cf-challenge'>"
    "<h1>Checking your browser before accessing the site.</h1><p>Please enable JavaScript and cookies to "
    "continue.</p></div></body></html>",
}
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour News</title><link>https://harbour.example/</link>
<item><title>Plan fails</title><link>https://harbour.example/plan</link><guid>plan-1</guid>
<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate><source url="https://wire.example/rss">Wire Service</source>
<content:encoded><![CDATA[<p>The radical plan <b>failed</b> again.</p><p>Critics said it was a disaster.</p>]]></content:encoded>
</item>
<item><title>Summary only</title><link>https://harbour.example/s</link><description>Just a summary &amp; more.</description></item>
<item><title>Empty</title></item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Times</title>
<entry><title>Atom one</title><id>urn:a1</id><link href="https://atom.example/1"/><updated>2024-02-01T00:00:00Z</updated>
<content type="html">&lt;p&gt;First paragraph of the atom entry.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;item one&lt;/li&gt;&lt;/ul&gt;</content></entry>
</feed>
"""


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    loaded = build_pipeline()
    loaded.load()
    return loaded


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/forbidden"):
            self.send_response(403)
            self.end_headers()
            self.wfile.write(b"<html><body><p>Forbidden</p></body></html>")
            return
        super().do_GET()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 serving the test pages."""
    root = tmp_path_factory.mktemp("site")
    for name, html in PAGES.items():
        (root / name).write_text(html, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(f"sqlite:///{tmp_path / 'ingest.db'}")
    assert isinstance(opened, SqlStore)
    yield opened
    opened.close()


def test_url_fetch_refuses_walls_and_errors(site: str) -> None:
    article = url_article(f"{site}/article.html", allow_private=True)
    assert article.title == "Harbour plan" and article.outlet == "Harbour News"
    assert article.url == f"{site}/article.html" and "corrupt elite" in article.text
    for page, kind in [
        ("paywall.html", "paywall"),
        ("consent.html", "consent"),
        ("bot.html", "bot-protection"),
    ]:
        with pytest.raises(FetchError, match=kind):
            url_article(f"{site}/{page}", allow_private=True)
    with pytest.raises(FetchError, match="403"):
        url_article(f"{site}/forbidden", allow_private=True)
    with pytest.raises(FetchError, match="404"):
        url_article(f"{site}/missing.html", allow_private=True)
    with pytest.raises(FetchError, match="larger than"):
        url_article(f"{site}/article.html", allow_private=True, max_bytes=100)
    with pytest.raises(FetchError, match="private or loopback"):
        url_article(f"{site}/article.html", allow_private=False)
    # refused before connecting: a closed port says why, not "connection refused"
    for closed in (
        "http://127.0.0.1:1/x.html",
        "http://[::1]:1/x.html",
        "http://localhost:1/",
        "http://10.1.2.3/",
    ):
        with pytest.raises(FetchError, match="private or loopback"):
            url_article(closed, allow_private=False)


def test_url_fetch_failures_say_why_in_words(monkeypatch) -> None:
    # Offline, a URL said: cannot fetch ...: "_SafeHTTPSConnection(host='example.com', port=443):
    # Failed to resolve 'example.com' ([Errno -2] Name or service not known)")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    closed = f"http://127.0.0.1:{listener.getsockname()[1]}/x.html"
    listener.close()
    with pytest.raises(
        FetchError, match=r"x\.html: the site refused the connection; check the URL"
    ) as refused:
        url_article(closed, allow_private=True)

    def no_dns(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(
        FetchError, match=r"the host news\.example could not be found \(no network"
    ) as unknown:
        url_article("https://news.example/story", allow_private=True)
    for error in (refused.value, unknown.value):
        assert "Connection(" not in str(error) and "Errno" not in str(error) and "\n" not in str(error)


def test_ingest_every_kind_of_input(
    tmp_path: Path, site: str, store: SqlStore, pipeline: Pipeline, monkeypatch
) -> None:
    monkeypatch.setenv("UNSPUN_FETCH_PRIVATE", "1")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "one.txt").write_bytes(
        "\ufeffTitle one\r\n\r\nThe corrupt elite lies again! \U0001f600\r\n".encode()
    )
    (folder / "page.html").write_text(PAGES["article.html"], encoding="utf-8")
    (folder / "news.rss").write_text(RSS, encoding="utf-8")
    atom = tmp_path / "atom.xml"
    atom.write_text(ATOM, encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    records = [
        {
            "id": "j1",
            "text": "Radical extremists are ruining our town, says the mayor.",
            "title": "J1",
            "outlet": "JSONL Times",
            "url": "https://j.example/1",
            "published": "2024-05-06",
        },
        {"id": "j2", "text": "A quiet day at the market."},
        {
            "id": "j3",
            "text": "The corrupt elite lies again! \U0001f600",
        },  # not the same text as one.txt (no BOM / CRLF)
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\nnot json\n", encoding="utf-8")
    sources = [
        str(folder),
        str(atom),
        str(feed),
        f"{site}/article.html",
        f"{site}/paywall.html",
        f"{site}/forbidden",
    ]
    summary = ingest(sources, store, analyser=pipeline, batch_size=3)
    # folder: one.txt, page.html, 2 feed entries; atom: 1; jsonl: 3; the URL is page.html again.
    assert (summary.new, summary.duplicate) == (8, 1), summary
    reasons = " | ".join(f.reason for f in summary.failed)
    assert len(summary.failed) == 4, reasons
    assert "paywall" in reasons and "403" in reasons and "no text" in reasons and "invalid JSON" in reasons
    kept = store.get(content_hash("\ufeffTitle one\r\n\r\nThe corrupt elite lies again! \U0001f600\r\n"))
    assert kept.analysis.text.startswith("\ufeffTitle one\r\n")
    j1 = store.search(SearchQuery(outlet="JSONL Times")).items[0]
    assert (j1.title, j1.url, str(j1.published), j1.source_id) == (
        "J1",
        "https://j.example/1",
        "2024-05-06",
        "j1",
    )
    rss = store.search(SearchQuery(outlet="Wire Service")).items[0]
    assert rss.url == "https://harbour.example/plan" and str(rss.published) == "2024-03-05"
    assert store.search(SearchQuery(outlet="Atom Times")).total == 1
    assert store.counts().analyses == 8
    again = ingest(sources, store, analyser=pipeline, batch_size=3)
    assert (again.new, again.duplicate) == (0, 9)
    assert store.counts().articles == 8


def test_ingest_outlet_override_and_nothing_to_ingest(
    tmp_path: Path, store: SqlStore, pipeline: Pipeline
) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Everyone knows the plan is a disaster.", encoding="utf-8")
    summary = ingest([str(text)], store, analyser=pipeline, outlet="Forced Outlet")
    assert summary.new == 1 and store.outlets()[0].outlet == "Forced Outlet"
    empty = ingest([str(tmp_path / "missing.txt")], store, analyser=pipeline)
    assert not empty.ingested and "does not exist" in empty.failed[0].reason


def test_a_feed_stored_with_outlet_and_read_again_says_which_outlet_to_give(
    tmp_path: Path, store: SqlStore
) -> None:
    # The store refused the feed's own outlet ("Harbour News") for a text stored with --outlet,
    # saying "leave out these fields", which a feed's entry cannot do.
    feed = tmp_path / "news.rss"
    feed.write_text(RSS, encoding="utf-8")
    assert ingest([str(feed)], store, analyser=Pipeline([]), outlet="My Paper").new == 2
    again = ingest([str(feed)], store, analyser=Pipeline([]))
    assert again.new == again.duplicate == 0 and len(again.report.unanalysed) == 2
    failure = again.report.unanalysed[0]
    assert failure.code == "metadata_conflict" and "\n" not in failure.message
    assert "is already stored with outlet 'My Paper', not outlet 'Wire Service'" in failure.message
    assert (
        "to store it again, give the outlet it was stored with (unspun ingest --outlet 'My Paper')"
        in failure.message
    )
    # QA s47 (Q2): and, when the stored values are the wrong ones, how to put them right
    article_id = failure.message.split()[1]
    assert failure.message.endswith(
        f"or, if the stored ones are wrong, take it out first (unspun delete {article_id}) and ingest it again"
    ), failure.message
    assert ingest([str(feed)], store, analyser=Pipeline([]), outlet="My Paper").duplicate == 2


def test_duplicates_load_no_model(tmp_path: Path, store: SqlStore, pipeline: Pipeline) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Already here.", encoding="utf-8")
    ingest([str(text)], store, analyser=pipeline)

    def refuse() -> Pipeline:
        raise AssertionError("a run with nothing new must not load the models")

    assert ingest([str(text)], store, load_analyser=refuse).duplicate == 1


def test_cli_ingest_summary_exit_status_and_analyze_url(tmp_path: Path, site: str, monkeypatch) -> None:
    monkeypatch.setenv("UNSPUN_FETCH_PRIVATE", "1")
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "c1", "text": "The radical elite lies.", "outlet": "CLI Post"}) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest", str(feed), "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["new"] == 1
    result = runner.invoke(app, ["ingest", f"{site}/paywall.html", "--db", db])
    assert result.exit_code == 2
    assert "paywall" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(app, ["ingest", str(feed), "--db", db])
    assert result.exit_code == 0 and "0 new articles, 1 already stored" in result.stdout
    result = runner.invoke(app, ["analyze", f"{site}/article.html", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"] == "Harbour plan" and data["url"] == f"{site}/article.html"
    result = runner.invoke(app, ["analyze", f"{site}/forbidden"])
    assert result.exit_code == 2 and "403" in result.stderr


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def crash_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database for the crash test: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crash.db'}"
        return
    import uuid
    from urllib.parse import quote

    server = request.getfixturevalue("postgres_url")  # skips (fails under CI) without psycopg
    import psycopg

    schema = f"crash_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{server}{'&' if '?' in server else '?'}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _articles(db: str) -> tuple[int, int, int]:
    """Articles, analyses, and articles without an analysis, read by a connection of its own."""
    from sqlalchemy import create_engine, text

    from unspun.store.sql import engine_url

    engine = create_engine(engine_url(db))
    try:
        with engine.connect() as connection:
            articles = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
            analyses = connection.execute(text("SELECT count(*) FROM analyses")).scalar_one()
            bare = connection.execute(
                text("SELECT count(*) FROM articles WHERE newest_analysis_id IS NULL")
            ).scalar_one()
    finally:
        engine.dispose()
    return int(articles), int(analyses), int(bare)


def _hashes(db: str) -> set[str]:
    from sqlalchemy import create_engine, text

    from unspun.store.sql import engine_url

    engine = create_engine(engine_url(db))
    try:
        with engine.connect() as connection:
            return {row[0] for row in connection.execute(text("SELECT content_hash FROM articles"))}
    finally:
        engine.dispose()


def test_kill_9_mid_ingest_loses_nothing_committed_and_rerun_completes(tmp_path: Path, crash_db: str) -> None:
    texts = [
        f"Article number {n}: the corrupt elite will ruin the harbour again, critics say." for n in range(48)
    ]
    feed = tmp_path / "big.jsonl"
    feed.write_text(
        "\n".join(json.dumps({"id": f"k{n}", "text": t}) for n, t in enumerate(texts)) + "\n",
        encoding="utf-8",
    )
    command = [
        sys.executable,
        "-c",
        "from unspun.cli import app; app()",
        "ingest",
        str(feed),
        "--db",
        crash_db,
    ]
    env = {**os.environ, "UNSPUN_BATCH_SIZE": "4"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if _articles(crash_db)[0] >= 8:
                break
        except Exception:  # noqa: BLE001 - the database or its tables are not made yet
            pass
        time.sleep(0.05)
    assert process.poll() is None, "the ingest finished before it could be killed; make the feed longer"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    articles, analyses, bare = _articles(crash_db)
    assert 8 <= articles < len(texts)
    assert articles == analyses and bare == 0  # no half article
    assert articles % 4 == 0  # whole batches only
    rerun = subprocess.run(
        [*command, "--format", "json"], env=env, capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert (summary["new"], summary["duplicate"]) == (len(texts) - articles, articles)
    assert _articles(crash_db) == (len(texts), len(texts), 0)
    assert _hashes(crash_db) == {content_hash(t) for t in texts}


def test_folder_entries_not_read_are_listed_as_left_out(
    tmp_path: Path, store: SqlStore, pipeline: Pipeline
) -> None:
    folder = tmp_path / "my corpus"
    (folder / "older").mkdir(parents=True)
    (folder / "a.txt").write_text("The reckless plan is a disaster.", encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    summary = ingest([str(folder)], store, analyser=pipeline)
    assert summary.new == 1 and not summary.failed
    left = {Path(entry.where).name: entry.reason for entry in summary.left_out}
    assert set(left) == {"older", "scan.pdf"} and "folder" in left["older"]
    assert summary.to_dict()["left_out"][0]["where"].startswith(str(folder))


def test_ingest_reads_every_file_by_the_one_decoding_rule(tmp_path: Path) -> None:
    from unspun.runner import Failure
    from unspun.store.ingest import read_sources

    smart = "The mayor\u2019s \u201cgenerous\u201d plan \u2014 a giveaway, says the caf\u00e9 owner."
    (tmp_path / "cp1252.txt").write_bytes(smart.encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes(smart.encode("utf-16"))
    (tmp_path / "garbled.txt").write_bytes(smart.encode("cp1252").decode("latin-1").encode("utf-8"))
    failures: list[Failure] = []
    articles = list(read_sources([tmp_path], on_failure=failures.append))
    assert sorted(a.text for a in articles) == [smart, "\ufeff" + smart]
    assert [Path(f.where).name for f in failures] == ["garbled.txt"]
    assert "control character U+0092" in failures[0].reason


def test_a_utf16_copy_of_a_stored_text_is_the_same_article(
    tmp_path: Path, store: SqlStore, pipeline: Pipeline
) -> None:
    text = "Council votes budget\n\nThe corrupt elite lies again, says the mayor.\n"
    for folder, data in (("utf8", text.encode("utf-8")), ("utf16", text.encode("utf-16"))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "budget.txt").write_bytes(data)
    first = ingest([str(tmp_path / "utf8")], store, analyser=pipeline)
    copy = ingest([str(tmp_path / "utf16")], store, analyser=pipeline)
    assert (first.new, first.duplicate, copy.new, copy.duplicate) == (1, 0, 0, 1), (first, copy)
    assert store.counts().articles == 1
    assert store.get(content_hash("\ufeff" + text)).analysis.text == text  # the text first stored


def test_a_folder_of_unreadable_files_counts_each_file_once(tmp_path: Path) -> None:
    from unspun.runner import Failure
    from unspun.store.ingest import read_sources

    folder = tmp_path / "empties"
    folder.mkdir()
    (folder / "a.txt").write_text("", encoding="utf-8")
    (folder / "b.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "nothing").mkdir()
    failures: list[Failure] = []
    assert list(read_sources([folder, tmp_path / "nothing"], on_failure=failures.append)) == []
    # each file once, and no third line for the folder whose files are listed already; a folder
    # with nothing in it is itself what is left out
    assert [Path(f.where).name for f in failures] == ["a.txt", "b.txt", "nothing"]
