"""JSONL feed dumps: one article record per line, unique ids, and the per-input error handler.

A bad line is handed to an :data:`ErrorHandler` and skipped, so the good lines of a feed
dump are kept; the default handler, :func:`raise_error`, re-raises.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from unspun.document import Article, web_address
from unspun.errors import EmptyInputError, FormatError, LanguageNotSupportedError, UnspunError
from unspun.languages import normalise_language
from unspun.readers.encoding import BOM
from unspun.readers.html import html_article, is_html
from unspun.readers.text import published_or_none, read_text

ErrorHandler = Callable[[Path | str, UnspunError], None]
"""Called as ``on_error(where, error)`` for input that is skipped: a file, or one JSONL line,
named ``Path("<file>:<line number>")`` (``Path("standard input:<line number>")`` on stdin), a
line or entry read from a web address as the string ``"<url>:<number>"`` (:func:`place`).
Every reader error's message names the input it is about, so a handler may show it alone."""


def place(where: str, number: int) -> Path | str:
    """Where line or entry ``number`` of ``where`` is, for an :data:`ErrorHandler`: a ``Path``, or
    a string for a web address (a ``Path`` made "http://host/a.jsonl:2" "http:/host/a.jsonl:2",
    which the run's summary then counted as a file of its own)."""
    return f"{where}:{number}" if "://" in where else Path(f"{where}:{number}")


JSONL_FIELDS = ("id", "title", "url", "outlet", "published", "language", "lang")
"""The fields of a record read besides ``text``: ``language`` (or ``lang``, the API's name) sets the
article's language, checked as ``--lang`` is, instead of detecting it."""


def raise_error(path: Path | str, error: UnspunError) -> None:
    """Default folder error handler: re-raise, so a bad file stops the run."""
    raise error


def unique_ids(articles: Iterable[Article], taken: set[str] | None = None) -> Iterator[Article]:
    """``articles`` with unique ids: the first keeps its id, a repeat becomes the first free
    one of ``<id>-2``, ``<id>-3``, ...; ``taken`` (ids already used) is updated in place."""
    taken = set() if taken is None else taken
    for article in articles:
        if article.id in taken:
            number = 2
            while f"{article.id}-{number}" in taken:
                number += 1
            article.id = f"{article.id}-{number}"
        taken.add(article.id)
        yield article


def jsonl_articles(
    text: str, *, where: str, stem: str, source_path: Path | None, on_error: ErrorHandler
) -> Iterator[Article]:
    """One article per non-blank line of ``text``; a missing id becomes ``<stem>-<line number>``.

    A bad line goes to ``on_error(place(where, line), error)`` and is skipped.

    Raises:
        EmptyInputError: ``text`` has no non-blank line.
    """
    found = False
    # split on "\n" only: str.splitlines would also break on U+2028 inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.replace(BOM, "").strip():
            continue
        found = True
        try:
            article = jsonl_article(
                line.lstrip(BOM) if number == 1 else line,
                where=f"{where}, line {number}",
                id=f"{stem}-{number}",
            )
        except UnspunError as error:
            on_error(place(where, number), error)
            continue
        article.source_path = str(source_path) if source_path is not None else None
        yield article
    if not found:
        raise EmptyInputError(f"{where} has no JSON lines; put one article object per line")


def jsonl_article(line: str, *, where: str, id: str) -> Article:
    """The article of one JSONL record (``id`` when the record has none); the one rule for a record,
    shared by the reader and the batch engine. A ``text`` that is an HTML page (it starts as one:
    ``<p>``, ``<article>``, ``<!doctype html>``, ...) has its main text extracted, as a string's
    has; the record's ``title``, ``url``, ``outlet`` and ``published`` stand before the page's. A ``language`` (or ``lang``) field sets the
    article's language (unspun's own ``--format jsonl`` output reads back without re-detecting;
    a name such as ``"english"`` reads as its code, ``"und"`` as no language given).

    Raises:
        FormatError: the line is not a JSON object with a string ``text``, or its ``url`` is not a
            web address (names ``where``); a ``published`` that is no date only warns
            (:func:`unspun.readers.text.published_or_none`: the article is kept without a date).
        EmptyInputError: its ``text`` is empty or only whitespace (names ``where``).
        LanguageNotSupportedError: its ``language`` is not one unspun has models for (names
            ``where`` and the languages covered).
    """
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as exc:  # json's msg alone ("Unterminated string starting at") lost the place
        problem = f"{exc.msg[:1].lower()}{exc.msg[1:].removesuffix(' at')} at column {exc.colno}"
        raise FormatError(f"{where}: invalid JSON ({problem}); each line must be one JSON object") from None
    if not isinstance(record, dict):
        raise FormatError(f"{where}: expected a JSON object with a 'text' field, got {type(record).__name__}")
    text = record.get("text")
    if "text" in record and not isinstance(text, str):  # it said "no 'text' field" of {"text": 42}
        shown = json.dumps(text, ensure_ascii=False)
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        raise FormatError(f"{where}: 'text' must be a string (the article's text), got {shown}")
    if not isinstance(text, str):  # the fields it has, so that a dump keyed 'body' or 'content' shows it
        has = (
            f"the record has {', '.join(repr(str(key)) for key in list(record)[:8])}"
            if record
            else "the record is empty"
        )
        raise FormatError(f"{where}: no 'text' field (a non-empty string; {has}); add the article text")
    if not text.replace(BOM, "").strip():  # empty_input, as an empty file or a feed entry without text
        raise EmptyInputError(f"{where}: 'text' is empty or only whitespace; give it some article text")
    meta: dict[str, str | None] = {}
    for name in JSONL_FIELDS:
        value = record.get(name)
        if isinstance(value, bool) or not isinstance(value, (str, int, type(None))):
            raise FormatError(f"{where}: field {name!r} must be a string, got {json.dumps(value)}")
        meta[name] = str(value) if value is not None else None
    article = _record_text(text, id=meta["id"] or id, where=where)
    if "title" in record:
        article.title = meta["title"]
    # A page's own address, site and date stand where the record has none.
    article.url = _url(meta["url"], where=where) or article.url
    article.outlet = meta["outlet"] or article.outlet
    article.published = published_or_none(meta["published"], where=where) or article.published
    language = meta["language"] or meta["lang"]
    # "und" (BCP 47: undetermined), as CMS exports write it, asks for detection, as no field does
    if language and language.strip().lower() != "und":
        try:
            article.language = normalise_language(language, where=where)
        except LanguageNotSupportedError as exc:  # said what was wrong, not what to do
            raise LanguageNotSupportedError(
                f"{exc.message}; fix the record's language or leave it out to have it detected"
            ) from None
    return article


def _record_text(text: str, *, id: str, where: str) -> Article:
    """The article of a record's text: a page's HTML (by the sniffing rule of
    :func:`unspun.readers.html.is_html`, as stdin and :func:`unspun.analyze` read a string) has its
    main text extracted, as a feed entry's has; else plain text (the title rule applies)."""
    data = text.encode("utf-8", errors="surrogatepass")
    if is_html(data):
        return html_article(data, id=id, where=where, source_path=None)
    return read_text(text, id=id)


def _url(value: str | None, *, where: str) -> str | None:
    """The record's ``url`` checked as the API checks it (:func:`unspun.document.web_address`):
    a page links it, so ``javascript:`` or a path is refused; blank is no url."""
    if value is None or not value.strip():
        return None
    address = web_address(value)
    if address is None:
        raise FormatError(
            f"{where}: field 'url' must be a web address starting with http:// or https://, "
            f"got {value!r}; fix it or leave the field out"
        )
    return address


def looks_like_jsonl(text: str) -> bool:
    """The first non-blank line is a JSON object with a non-empty string ``text``.

    Only the first line decides, so one bad line further down a feed dump is reported and
    skipped like in a ``.jsonl`` file, instead of turning the whole dump into one article.
    """
    first = next((line for line in text.split("\n") if line.replace(BOM, "").strip()), "")
    return _is_text_record(first.lstrip(BOM))


def _is_text_record(line: str) -> bool:
    if not line.lstrip().startswith("{"):  # cheap exit for prose
        return False
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return False
    text = record.get("text") if isinstance(record, dict) else None
    return isinstance(text, str) and bool(text.replace(BOM, "").strip())


def json_file_articles(text: str, *, path: Path, on_error: ErrorHandler = raise_error) -> Iterator[Article]:
    """The articles of a ``.json`` file: read as JSONL when its first line is an article record
    (``{"text": ...}`` on one line, as a one-record JSONL file is), else refused.

    Raises:
        FormatError: a JSON array or an object over several lines (naming the ``jq`` command that
        makes JSONL of it), or no valid JSON; its markup is no article's text.
    """
    if looks_like_jsonl(text):
        return unique_ids(
            jsonl_articles(text, where=str(path), stem=path.stem, source_path=path, on_error=on_error)
        )
    try:
        json.loads(text.replace(BOM, "", 1))
    except ValueError as exc:
        raise FormatError(
            f'{path} is not valid JSON ({exc}); give one {{"text": ...}} object per line (JSONL)'
        ) from exc
    error = json_document_error(text, where=str(path), path=path)
    if error is None:  # a string, a number: no article in it
        error = FormatError(
            f'{path} holds no JSON object or array of articles; give one {{"text": ...}} object per line (JSONL)'
        )
    raise error


def json_document_error(text: str, *, where: str, path: Path | None = None) -> FormatError | None:
    """The error for a text that is one JSON document, an array or an object (not JSONL, read by
    :func:`looks_like_jsonl` first), naming the ``jq`` command that makes JSONL of it (for a file
    at ``path``, else a pipe through it); None for any other text, prose included."""
    stripped = text.replace(BOM, "", 1).strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(data, dict | list):
        return None
    untexted = _untexted_record(data)
    if untexted is not None:  # jq -c would write its records back without a text to read
        fields = ", ".join(repr(str(key)) for key in list(untexted)[:8])
        held = "a JSON object" if isinstance(data, dict) else "a JSON array of objects"
        lacks = (
            "an empty or non-string 'text'"
            if "text" in untexted
            else f"no 'text' field ({f'its fields: {fields}' if fields else 'no field at all'})"
        )
        return FormatError(
            f"{where} holds {held} with {lacks}; unspun reads one "
            "{\"text\": ...} object per line (JSONL): put each article's text in a 'text' field"
        )
    many = isinstance(data, list)
    what = "a JSON array" if many else "JSON that is not one article object per line"
    select = "'.[]'" if many else "."
    lead = f'{where} holds {what}; unspun reads one {{"text": ...}} object per line (JSONL): '
    if path is None:
        return FormatError(
            lead + f"pipe it through jq -c {select} first (... | jq -c {select} | unspun analyze -)"
        )
    command = f"jq -c {select} {shlex.quote(str(path))} > {shlex.quote(path.stem + '.jsonl')}"
    return FormatError(lead + f"convert it with {command}")


def _untexted_record(data: dict[str, Any] | list[Any]) -> dict[str, Any] | None:
    """The object (``data`` itself, or an array's first item) that has no non-empty string
    ``text`` to read; None when it has one or holds no object."""
    first = data if isinstance(data, dict) else next(iter(data), None)
    if not isinstance(first, dict):
        return None
    text = first.get("text")
    return None if isinstance(text, str) and text.replace(BOM, "").strip() else first


TABLE_SUFFIXES = {".csv": ("CSV", ""), ".tsv": ("TSV", ', delimiter="\\t"')}


def table_error(path: Path) -> FormatError:
    """The error for a ``.csv`` or ``.tsv`` file (in :data:`TABLE_SUFFIXES`): a table of articles,
    whose header and separators were analysed as one article's text, refused with the ``python3``
    command that makes JSONL of it (a record per row, its columns the record's fields)."""
    kind, delimiter = TABLE_SUFFIXES[path.suffix.lower()]
    script = (
        f"import csv, json, sys; [print(json.dumps(row)) for row in csv.DictReader(sys.stdin{delimiter})]"
    )
    command = (
        f"python3 -c {shlex.quote(script)} < {shlex.quote(str(path))} > {shlex.quote(path.stem + '.jsonl')}"
    )
    return FormatError(
        f"{path} is a {kind} table, not an article; unspun reads one article per file, or one "
        f'{{"text": ...}} object per line (JSONL): convert it with {command}, its column of article '
        "text named text"
    )
