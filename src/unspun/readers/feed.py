"""RSS and Atom feed files: one article per entry (feedparser).

Each entry's text is its full content (``content:encoded`` / Atom ``content``), else its
summary, as plain text: an HTML body becomes its blocks (paragraphs, headings, list items,
quotes) separated by a blank line, opening with the entry's title (unless it already does), as
:func:`unspun.readers.dispatch.read_html` does for pages. The title, link (``url``), published date and source (the entry's ``<source>`` title, else the
feed's title: ``outlet``) come along. An entry without text is passed to ``on_error``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

from unspun.document import Article, web_address
from unspun.errors import EmptyInputError, FormatError, UnspunError
from unspun.readers.encoding import read_bytes
from unspun.readers.html import is_boilerplate, with_headline
from unspun.readers.jsonl import ErrorHandler, place, raise_error, unique_ids
from unspun.readers.text import published_or_none

FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
_FEED_START = re.compile(rb"\s*(?:<\?xml\b.*?\?>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.DOTALL)
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "section", "article"}
_SPACE = re.compile(r"[ \t\r\f\v]+")
# What holds no prose of the article: a picture with its caption, scripts, styles.
_NO_TEXT = {"figure", "figcaption", "script", "style", "noscript", "template"}
# A blog's footer under every entry (WordPress: "The post <title> appeared first on <blog>.").
_FOOTER = re.compile(r"The post .+ appeared first on .+", re.DOTALL)


def is_feed(data: bytes) -> bool:
    """Whether ``data`` starts like an RSS 2.0, RSS 1.0 (RDF) or Atom document."""
    return _FEED_START.match(data[:4096].removeprefix(b"\xef\xbb\xbf")) is not None


def html_fragment_text(html: str) -> str:
    """Plain text of an HTML fragment: its block elements separated by a blank line, a ``<br>`` a
    line break (two in a row a paragraph's end), inline elements' words kept in their line, line
    ends of the source read as spaces, character references read ("&amp;" is "&")."""
    if "<" not in html:
        return unescape(html).strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, TypeError, lxml.etree.ParserError):
        return html.strip()
    blocks: list[str] = []
    line: list[str] = []  # the words of the block being read, "\n" for each <br>

    def flush() -> None:
        lines = (_SPACE.sub(" ", piece).strip() for piece in "".join(line).split("\n"))
        text = "\n".join(piece for piece in lines if piece)
        if text:
            blocks.append(text)
        line.clear()

    def words(text: str | None) -> None:
        if text:
            line.append(text.replace("\n", " "))

    def walk(element: Any) -> None:
        words(element.text)
        for child in element:
            if not isinstance(child.tag, str) or child.tag in _NO_TEXT:  # a comment, a caption
                pass
            elif child.tag in _BLOCKS:
                flush()
                walk(child)
                flush()
            elif child.tag == "br":
                # a second <br> with nothing but spaces since the first ends the paragraph
                if "".join(line).rstrip(" \t").endswith("\n"):
                    flush()
                else:
                    line.append("\n")
            else:
                walk(child)
            words(child.tail)

    walk(root)
    flush()
    return "\n\n".join(blocks)


def _date(entry: Any, *, where: str) -> dt.date | None:
    """The entry's date as feedparser read it, else its date string by unspun's own rule
    (:func:`unspun.readers.text.published_or_none`: a date that is none warns, and the entry is
    read without one, as feedparser left it silently)."""
    # "in" first: feedparser's get("updated_parsed") of an entry without one warns (DeprecationWarning)
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key) if key in entry else None
        if value:
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    raw = next(
        (entry[key] for key in ("published", "updated", "created") if key in entry and entry[key]), None
    )
    return published_or_none(raw, where=where) if isinstance(raw, str) else None


def _entry_text(entry: Any) -> str:
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value.strip():
            return _text_of(value, content.get("type"))
    summary = entry.get("summary") or ""
    return _text_of(summary, (entry.get("summary_detail") or {}).get("type"))


# The types feedparser gives a title, summary or content that is markup (Atom's type="html" or
# "xhtml", or an RSS element escaped twice, as WordPress writes "&amp;#8217;").
_MARKUP = frozenset({"text/html", "application/xhtml+xml"})


def _text_of(value: str, kind: object) -> str:
    """The plain text of a feed's ``value``: markup read as such (:func:`html_fragment_text`),
    plain text as it is, save that tags in it are read as markup (a plain RSS description
    holding "<p>")."""
    if kind in _MARKUP or "<" in value:
        return html_fragment_text(value)
    return value.strip()


def _one_line(parent: Any, key: str) -> str | None:
    """A title (the entry's or the feed's) as one line of plain text, or None: a title that is
    markup ("Mayor &amp; council clash" of an Atom title of type="html") read as text."""
    value = parent.get(key) or ""
    # Plain text is kept as it is, "<" and all ("Rates < 5% again"): only markup is parsed.
    markup = (parent.get(f"{key}_detail") or {}).get("type") in _MARKUP
    text = " ".join((html_fragment_text(value) if markup else value).split())
    return text or None


def read_feed(path: Path, *, max_bytes: int, on_error: ErrorHandler = raise_error) -> Iterator[Article]:
    """The articles of an RSS or Atom feed file, one per entry, in the feed's order.

    Ids: the entry's id (or link), else ``<file stem>-<entry number>``, made unique.

    Raises:
        InputNotFoundError, InputTooLargeError (see :func:`unspun.readers.encoding.read_bytes`),
        FormatError: not a feed; EmptyInputError: a feed without entries that have text.
    """
    path = Path(path)
    return feed_articles(read_bytes(path, max_bytes), path=path, on_error=on_error)


def feed_articles(
    data: bytes, *, path: Path, on_error: ErrorHandler = raise_error, where: str | None = None
) -> Iterator[Article]:
    """The articles of a feed's bytes, read from ``path``, as :func:`read_feed` describes them;
    ``where`` (default: ``path``) names the feed in messages and is each article's
    ``source_path`` (a feed's URL, which a ``Path`` would write ``https:/...``).

    Raises:
        FormatError: not a feed; EmptyInputError: a feed without entries that have text.
    """
    import feedparser

    parsed = feedparser.parse(data)
    where = str(path) if where is None else where
    if not parsed.get("version") and not parsed.entries:
        raise FormatError(
            f"{where} is not an RSS or Atom feed; pass a feed file, or the articles as .txt/.html/.md/.jsonl"
        )
    feed_title = _one_line(parsed.feed, "title")
    return unique_ids(_entries(where, path.stem, parsed, feed_title, on_error))


def _entries(
    where: str, stem: str, parsed: Any, feed_title: str | None, on_error: ErrorHandler
) -> Iterator[Article]:
    count = 0
    for number, entry in enumerate(parsed.entries, start=1):
        text = _entry_text(entry)
        if not text.strip():
            error: UnspunError = EmptyInputError(
                f"{where}: entry {number} has no text (no content or summary)"
            )
            on_error(place(where, number), error)
            continue
        source = entry.get("source") or {}
        outlet = (source.get("title") or "").strip() or feed_title
        raw_id = entry.get("id") or entry.get("link") or f"{stem}-{number}"
        title = _one_line(entry, "title")
        count += 1
        yield Article(
            id=str(raw_id),
            # Opening with its headline, as a page's text does: a technique in the headline, a
            # headline worded as opinion, were read by no step.
            text=with_headline([(False, block) for block in _article_blocks(text)], title),
            title=title,
            outlet=outlet,
            url=_web_address(entry.get("link")),
            published=_date(entry, where=f"{where}, entry {number}"),
            source_path=where,
        )
    if count == 0:
        raise EmptyInputError(f"{where}: the feed has no entry with text")


def _article_blocks(text: str) -> list[str]:
    """The paragraphs of an entry's text less what is no part of the article, as a page's are
    (:func:`unspun.readers.html.is_boilerplate`: a "Read more:" teaser, a wire credit, an
    advertisement's placeholder) and a blog's footer ("The post ... appeared first on ...");
    every paragraph when that would leave none."""
    blocks = text.split("\n\n")
    kept = [b for b in blocks if not is_boilerplate(b) and _FOOTER.fullmatch(b.strip()) is None]
    return kept or blocks


def _web_address(link: object) -> str | None:
    """The entry's link when it is a web address (:func:`unspun.document.web_address`):
    feedparser gives an Atom entry without a link its id (``urn:uuid:...``, ``tag:...``) as
    ``link``, which is no article's address."""
    return web_address(link) if isinstance(link, str) else None
