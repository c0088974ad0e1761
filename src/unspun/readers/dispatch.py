"""Turning user input (text, files, folders, JSONL, HTML, RSS/Atom feeds, URLs, stdin) into
:class:`Article` objects: the one dispatch that every front-end reads through (``unspun analyze``,
``unspun ingest``, :func:`unspun.analyze`, the server).

This module holds the entry points and the dispatch between input kinds; the formats live
beside it: :mod:`unspun.readers.encoding` (reading and checking bytes), :mod:`unspun.readers.text`
(plain text), :mod:`unspun.readers.html` (HTML pages), :mod:`unspun.readers.markdown` (Markdown),
:mod:`unspun.readers.jsonl` (feed dumps),
:mod:`unspun.readers.feed` (RSS and Atom), :mod:`unspun.readers.url` (fetched pages), and the
folder rule with the count of a source in :mod:`unspun.readers.folder`.

Text is kept exactly as read: a UTF-8 BOM stays as character 0 and CR characters are
never translated, because every span offset counts code points of the original text
(the PTC corpus is built the same way). Bad input raises an :class:`InputError` or a
:class:`FormatError` with a one-line message that says what to do.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath

from unspun.document import Article
from unspun.errors import (
    EmptyInputError,
    FormatError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    UnspunError,
)
from unspun.readers.encoding import (
    BOM,
    DEFAULT_MAX_BYTES,
    STDIN_NAME,
    TEXT_REMEDY,
    UPLOAD_REMEDY,
    UTF8_BOM,
    Decoded,
    decode,
    decode_text,
    read_bytes,
    reject_controls,
    too_large,
)
from unspun.readers.feed import FEED_SUFFIXES, feed_articles, is_feed
from unspun.readers.folder import (
    HTML_SUFFIXES,
    INPUT_SUFFIXES,
    JSONL_SUFFIXES,
    KINDS,
    STDIN,
    TEXT_SUFFIXES,
    count_inputs,
    excluded,
    list_folder,
)
from unspun.readers.html import html_article, is_html
from unspun.readers.jsonl import (
    JSONL_FIELDS,
    TABLE_SUFFIXES,
    ErrorHandler,
    json_document_error,
    json_file_articles,
    jsonl_articles,
    looks_like_jsonl,
    raise_error,
    table_error,
    unique_ids,
)
from unspun.readers.markdown import (
    MARKDOWN_SUFFIXES,
    is_markdown,
    markdown_article,
    markdown_text,
    opens_with_front_matter,
)
from unspun.readers.text import article_id, read_text
from unspun.readers.url import DEFAULT_TIMEOUT, is_url, local_path, url_articles

__all__ = [
    "BOM",
    "FEED_SUFFIXES",
    "HTML_SUFFIXES",
    "INPUT_SUFFIXES",
    "JSONL_FIELDS",
    "JSONL_SUFFIXES",
    "MARKDOWN_SUFFIXES",
    "STDIN",
    "STDIN_NAME",
    "SkipHandler",
    "TEXT_SUFFIXES",
    "UTF8_BOM",
    "ErrorHandler",
    "article_id",
    "count_inputs",
    "decode_input",
    "feed_articles",
    "file_article",
    "is_feed",
    "iter_articles",
    "raise_error",
    "read_folder",
    "read_html",
    "read_data",
    "read_jsonl",
    "read_string",
    "read_text",
    "read_text_file",
]

# on_skip(path, reason): an entry of a folder that is not read, and why.
SkipHandler = Callable[[Path, str], None]


def read_string(text: str, *, id: str = "text", markdown: bool = False) -> Article:
    """An article from a string, read as the CLI reads standard input: HTML (by the sniffing rule
    of :func:`iter_articles`) has its main text extracted, Markdown (opening with front matter or
    a ``#`` heading line, or whatever it opens with when ``markdown``: a ``.md`` file's text) its
    prose (:mod:`unspun.readers.markdown`), anything else is plain text (the title rule of
    :func:`read_text` applies). This is what :func:`unspun.analyze` does with a str, and
    ``POST /api/analyze`` with its text (the page's "Open a file" of a ``.md`` file).

    Raises:
        EmptyInputError: blank text, an HTML page with no main text, Markdown with no prose.
        EncodingError: a control character (NUL alone in HTML), said of a text, not of a file.
        FormatError: an RSS or Atom feed (an article per entry: its markup is no article's text).
    """
    data = text.encode("utf-8", errors="surrogatepass")
    # Control characters are refused here, in words for a text: the readers below ask for a file.
    if not markdown and is_html(data):
        reject_controls(text, "the HTML text", remedy=TEXT_REMEDY, markup=True)
        return html_article(data, id=id, where="the HTML text", source_path=None)
    if not markdown:
        _refuse_feed(data, "the text")
    reject_controls(text, "the Markdown text" if markdown else "the text", remedy=TEXT_REMEDY)
    if markdown or is_markdown(text):
        return markdown_text(text, id=id, where="the Markdown text")
    return read_text(text, id=id, source_path=None)


def _refuse_feed(data: bytes, where: str) -> None:
    """Raise FormatError when ``data`` is a feed: it starts as one and parses as one (a text that
    only starts with ``<rss>`` or ``<feed>`` is left to be read as text)."""
    if not is_feed(data):
        return
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.entries or (parsed.get("version") and not parsed.get("bozo")):
        raise FormatError(
            f"{where} is an RSS or Atom feed (an article per entry); one article is analysed here: "
            "run unspun analyze FILE, or unspun ingest FILE and search the store "
            "(in Python: unspun.readers.dispatch.iter_articles(PATH) gives its entries)"
        )


def read_data(data: bytes, *, id: str = "text", where: str = "the input") -> Article:
    """An article from bytes, read as the CLI reads a file: HTML (by the sniffing rule of
    :func:`iter_articles`) has its main text extracted, anything else is decoded by the one rule
    of :func:`unspun.readers.encoding.decode` and read as Markdown or plain text, as
    :func:`read_string` reads it. This is what :func:`unspun.analyze` does with bytes; ``where``
    names them in messages.

    Raises:
        EncodingError (binary, or no encoding reads them), EmptyInputError, FormatError (an RSS or
        Atom feed).
    """
    if is_html(data):
        return html_article(data, id=id, where=where, source_path=None)
    _refuse_feed(data, where)
    text = decode_text(data, where)
    if is_markdown(text):
        return markdown_text(text, id=id, where=where)
    return read_text(text, id=id, source_path=None, where=where)


def decode_input(data: bytes, *, where: str = "the uploaded file") -> tuple[Decoded, bool]:
    """An input's bytes decoded and checked as the CLI reads a file, and whether they are an
    HTML page (by the sniffing rule of :func:`iter_articles`): what the page's upload shows
    before it is analysed. A plain text must hold some text and no control character. A feed
    or a JSONL file holds several articles, which the CLI reads one by one: it is refused here
    (its markup or records would be analysed as one article's text).

    Raises:
        EncodingError (binary, no encoding reads them, control characters), EmptyInputError,
        FormatError (a feed, a JSONL file or a JSON document).
    """
    decoded = decode(data, where, remedy=UPLOAD_REMEDY)
    html = is_html(data)
    if not html:
        if not decoded.text.replace(BOM, "").strip():
            raise EmptyInputError(f"{where} is empty or only whitespace; give it some article text")
        several = (
            "an RSS or Atom feed (an article per entry)"
            if is_feed(data)
            else "a JSONL file (an article per line)"
            if looks_like_jsonl(decoded.text)
            else None
        )
        if several:
            raise FormatError(
                f"{where} is {several}; one article is analysed here: run unspun analyze FILE, "
                "or unspun ingest FILE and search the store"
            )
        json_document = json_document_error(decoded.text, where=where)
        if json_document is not None:  # a JSON array's markup was read as one article's text
            raise json_document
        reject_controls(decoded.text, where, remedy=UPLOAD_REMEDY)
    return decoded, html


def read_text_file(path: Path, *, max_bytes: int) -> Article:
    """Read a text file as one article (BOM and CRLF kept as they are), decoded by the one rule
    of :func:`unspun.readers.encoding.decode` (UTF-8, UTF-16 with a BOM, a detected legacy encoding).

    The id is ``<ID>`` for a PTC-style name ``article<ID>.txt``, else the file stem.

    Raises:
        InputNotFoundError, InputTooLargeError, EncodingError, EmptyInputError.
    """
    path = Path(path)
    return _text_article(read_bytes(path, max_bytes), path)


def _text_article(data: bytes, path: Path) -> Article:
    """The article of a text file's bytes, as :func:`read_text_file` describes it."""
    return read_text(decode_text(data, path), id=article_id(path), source_path=path)


def read_html(path: Path, *, max_bytes: int) -> Article:
    """The main text of an HTML page, extracted with trafilatura.

    The headline and each paragraph, list, quote or table of the main text are separated
    by a blank line (``"\\n\\n"``), like paragraphs of a text file; a ``<br>`` stays a
    single line break. Title and date come from the page metadata where present, ``url``
    from the canonical link, ``outlet`` from the site name (``og:site_name``, else as
    trafilatura infers it, e.g. the host of the canonical link; a page without one names its
    site at the end of its ``<title>``, "Headline - City Herald": see
    :func:`unspun.readers.html.title_site`). Offsets refer to the
    extracted text, which becomes ``Article.text``.

    Raises:
        InputNotFoundError, InputTooLargeError, EncodingError (binary file),
        EmptyInputError (no main text found).
    """
    path = Path(path)
    return html_article(read_bytes(path, max_bytes), id=article_id(path), where=str(path), source_path=path)


def read_jsonl(path: Path, *, max_bytes: int, on_error: ErrorHandler = raise_error) -> Iterator[Article]:
    """One article per line: ``{"text": ..., "id"?, "title"?, "url"?, "outlet"?, "published"?}``.

    Blank lines are skipped; a missing id becomes ``<file stem>-<line number>``; a repeated
    id becomes ``<id>-2``, ``<id>-3``, ... (the first free one); without a ``title`` the title
    rule of :func:`read_text` applies. A bad line is passed to ``on_error(Path("<file>:<line>"), error)``
    and skipped (the default handler re-raises), so the good lines of a feed dump are kept.

    Raises:
        FormatError: a line is not a JSON object with a non-empty string ``text`` (names the line).
        InputNotFoundError, InputTooLargeError, EncodingError, EmptyInputError (no JSON lines).
    """
    path = Path(path)
    text = decode_text(read_bytes(path, max_bytes), path)
    articles = jsonl_articles(text, where=str(path), stem=path.stem, source_path=path, on_error=on_error)
    yield from unique_ids(articles)


def read_folder(
    path: Path,
    *,
    max_bytes: int,
    on_error: ErrorHandler = raise_error,
    on_skip: SkipHandler | None = None,
    exclude: Sequence[os.stat_result] = (),
) -> Iterator[Article]:
    """Every ``*.txt``, ``*.html``/``*.htm``, ``*.md``/``*.markdown`` and ``*.jsonl`` file and every RSS/Atom feed
    (``*.rss``, ``*.atom``, ``*.xml``) of a folder, sorted by name.

    The folder rule (:func:`unspun.readers.folder.list_folder`): one level deep, not recursive (a
    subfolder is not read: pass it on its own); suffixes compared without case; hidden entries (a
    name starting with ``.``) ignored. Each other entry is passed to ``on_skip(path, reason)``: a
    subfolder, a file of another type, an ``.xml`` file that is not a feed, and a file in
    ``exclude`` (``os.stat`` results: the output being written, which must never be read back as
    input). A file that cannot be read is passed to ``on_error(path, error)`` and skipped (the
    default handler re-raises); so is each bad line of a JSONL file (see :func:`read_jsonl`) and
    each feed entry without text.
    Ids are unique within the folder: a PTC name ``article<ID>.txt`` gives ``<ID>``, other
    files their stem, and an id already taken by a file earlier in name order becomes the
    first free one of ``<id>-2``, ``<id>-3``, ... (``story.html`` then ``story.txt`` give
    ``story`` and ``story-2``). A missing folder raises at the call, before iteration starts.

    Raises:
        InputNotFoundError: the folder does not exist.
        InputError: the path is a file, not a folder.
        EmptyInputError: no file of the folder gave an article.
    """
    path = Path(path)
    if not path.is_dir():
        if path.exists():
            raise InputError(
                f"{path} is a file, not a folder of article files (article<ID>.txt); pass the folder that holds it"
            )
        raise InputNotFoundError(f"folder {path} does not exist; check the path")
    return _iter_folder(path, max_bytes, on_error, on_skip, exclude)


def _iter_folder(
    path: Path,
    max_bytes: int,
    on_error: ErrorHandler,
    on_skip: SkipHandler | None,
    exclude: Sequence[os.stat_result],
) -> Iterator[Article]:
    count = 0
    taken: set[str] = set()
    listing = list_folder(path, exclude)
    if on_skip is not None:
        for entry, reason in listing.left_out:
            on_skip(entry, reason)
    for file in listing.files:
        try:
            articles = list(_read_file(file, max_bytes, on_error))
        except UnspunError as error:
            on_error(file, error)
            continue
        count += len(articles)
        yield from unique_ids(articles, taken)
    if count == 0:
        why = f" (left out: {_left_out_summary(listing.left_out)})" if listing.left_out else ""
        raise EmptyInputError(f"folder {path} has no readable {KINDS} files{why}; add some articles")


def _left_out_summary(left_out: Sequence[tuple[Path, str]]) -> str:
    """The entries a folder left out, grouped by why, a few names each ("README.md: the folder's
    own documentation, not an article; a.pdf, b.doc and 2 more: another type"): a folder holding
    only a README.md had said it held no .md file."""
    groups: dict[str, list[str]] = {}
    for entry, reason in left_out:
        short = "another type" if reason == f"not a {KINDS} file" else reason.split(" (", 1)[0]
        groups.setdefault(short, []).append(entry.name)
    parts = []
    for short, names in groups.items():
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        parts.append(f"{shown}: {short}")
    return "; ".join(parts)


def iter_articles(
    source: str | Path,
    *,
    max_bytes: int | None = None,
    on_error: ErrorHandler = raise_error,
    on_skip: SkipHandler | None = None,
    exclude: Sequence[os.stat_result] = (),
    fetch_timeout: float | None = None,
) -> Iterator[Article]:
    """The one entry point for user input: ``"-"`` (stdin), an http(s) URL (fetched and checked by
    :func:`unspun.readers.url.url_articles`, within ``fetch_timeout`` seconds, 20 by default: a
    page, a feed's entries, or a raw ``.md`` or ``.txt`` file), a ``file:`` URL (read as the path it
    names, :func:`unspun.readers.url.local_path`), a folder, ``.jsonl``, an RSS or Atom feed (``.rss``, ``.atom``, ``.xml``: one article per entry,
    see :func:`unspun.readers.feed.read_feed`), Markdown (``.md``, ``.markdown``: see
    :mod:`unspun.readers.markdown`), HTML or a text file.

    A missing path and stdin problems raise at the call; a file's own errors when iterated.
    A file is read once, so a pipe (``/dev/stdin``, ``<(cmd)``) works like a file. One without
    a ``.txt`` suffix is read as HTML when it starts (after a BOM, blanks, comments and an
    ``<?xml ...?>`` declaration) with ``<!doctype html`` or a ``<html``, ``<head>``, ``<body>``,
    ``<article>``, ``<main>``, ``<div>``, ``<section>``, ``<p>`` or ``<h1>``-``<h3>`` tag, and as
    a feed when it starts as one (``<rss``, ``<feed``, ``<rdf:RDF`` after any ``<?xml ...?>``).
    Stdin is sniffed: HTML and feeds by the same tests; JSONL (one article per line, so possibly several)
    when its first non-blank line is a JSON object with a non-empty string ``text``, and then
    every line is read as JSONL; Markdown when it opens with front matter (``---`` and a
    ``key:`` line) or a ``#`` heading line; else plain text (one article, id ``stdin``). ``on_error`` gets
    the skipped files of a folder and the bad lines of a JSONL file or of JSONL stdin (see
    :func:`read_jsonl`); ``on_skip`` the entries a folder holds that are not read, and why (see
    :func:`read_folder`, which also says what ``exclude`` is). A :class:`unspun.runner.RunReport`
    provides both handlers and the summary of the run. ``max_bytes`` is the largest input read;
    by default the ``max_input_mb`` setting's default (10 MB; ``unspun analyze`` passes the
    configured setting, which the readers, below :mod:`unspun.config`, do not read).

    Raises:
        InputNotFoundError, InputTooLargeError, EncodingError, EmptyInputError, FormatError,
        FetchError (a URL that cannot be fetched or is a paywall, consent or bot-check page).
    """
    if max_bytes is None:  # the README's iter_articles(path) was a TypeError without it
        max_bytes = DEFAULT_MAX_BYTES
    if str(source) == STDIN:
        return iter(_read_stdin(max_bytes, on_error))
    if isinstance(source, str) and is_url(source):  # fetched now: a page that fails raises here
        timeout = fetch_timeout or DEFAULT_TIMEOUT
        return iter(url_articles(source, max_bytes=max_bytes, timeout=timeout, on_error=on_error))
    source = local_path(source)  # file:///home/me/news.rss: the file it names
    path = Path(source)
    if path.is_dir():
        return read_folder(path, max_bytes=max_bytes, on_error=on_error, on_skip=on_skip, exclude=exclude)
    if not path.exists():
        if isinstance(source, str) and source.lower().startswith(("http://", "https://")):
            raise InputNotFoundError(f"{source} is an address with no site after its ://; check the URL")
        if isinstance(source, str) and "://" in source and not source.startswith(("/", ".")):
            # ftp://, s3://: a path of that name does not exist ("ftp:/x" as Path shows it)
            raise InputNotFoundError(
                f"{source} is neither a file nor an http:// or https:// address, the only ones fetched; "
                "download it first, or give the path of a file or folder"
            )
        raise InputNotFoundError(f"{path} does not exist; check the path (use - to read standard input)")
    if excluded(path, exclude):
        raise InputError(f"{path} is the output being written; write the output to another file")
    return _read_file(path, max_bytes, on_error)


def _read_file(path: Path, max_bytes: int, on_error: ErrorHandler) -> Iterator[Article]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, max_bytes=max_bytes, on_error=on_error)
        return
    if suffix in TABLE_SUFFIXES:  # its header and separators were analysed as one article
        raise table_error(path)
    if suffix == ".json":  # its markup was analysed as the text of one article
        yield from json_file_articles(
            decode_text(read_bytes(path, max_bytes), path), path=path, on_error=on_error
        )
        return
    # Read once and sniff the same bytes: a pipe (/dev/stdin, <(cmd)) cannot be read twice.
    data = read_bytes(path, max_bytes)
    if suffix in FEED_SUFFIXES or (suffix not in TEXT_SUFFIXES and is_feed(data)):
        yield from feed_articles(data, path=path, on_error=on_error)
    else:
        yield file_article(data, source=path, id=article_id(path))


def file_article(data: bytes, *, source: str | Path, id: str) -> Article:
    """The article of an article file's bytes (``source``: its path, or a URL such as
    ``s3://...`` for the batch engine), by the file rule of :func:`iter_articles`: HTML by its
    suffix (``.html``, ``.htm``) or, without a ``.txt`` suffix, by sniffing; Markdown by its suffix
    (``.md``, ``.markdown``) or by the front matter it opens with; else plain text decoded by the
    one rule of :func:`unspun.readers.encoding.decode`.

    Raises:
        EncodingError, EmptyInputError.
    """
    suffix = PurePosixPath(str(source)).suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return markdown_article(data, id=id, where=str(source), source_path=source)
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and is_html(data)):
        return html_article(data, id=id, where=str(source), source_path=Path(source))
    text = decode_text(data, Path(source))
    if opens_with_front_matter(text):  # as standard input and unspun.analyze(str) read it (QA s47)
        return markdown_text(text, id=id, where=str(source), source_path=source)
    return read_text(text, id=id, source_path=source)


def _read_stdin(max_bytes: int, on_error: ErrorHandler) -> list[Article]:
    # Read bytes, not text: Python's text stdin would translate CRLF and shift offsets.
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        data = sys.stdin.read().encode("utf-8", errors="surrogateescape")
    else:
        data = buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        size = None if buffer is not None else len(data)  # a cut read: its size is unknown
        raise InputTooLargeError(too_large(STDIN_NAME, size, max_bytes))
    if is_html(data):
        return [html_article(data, id="stdin", where=STDIN_NAME, source_path=None)]
    if is_feed(data):  # its markup was analysed as one English article
        # where: an entry left out is "standard input:2", which the summary counts as stdin
        entries = list(feed_articles(data, path=Path("stdin"), on_error=on_error, where=STDIN_NAME))
        for entry in entries:
            entry.source_path = None  # as every article read from stdin
        return entries
    text = decode_text(data, None)
    if looks_like_jsonl(text):
        articles = jsonl_articles(text, where=STDIN_NAME, stem="stdin", source_path=None, on_error=on_error)
        return list(unique_ids(articles))
    json_document = json_document_error(text, where=STDIN_NAME)
    if json_document is not None:  # its markup was analysed as one article
        raise json_document
    if is_markdown(text):
        return [markdown_text(text, id="stdin", where=STDIN_NAME)]
    return [read_text(text, id="stdin", source_path=None, where=STDIN_NAME)]
