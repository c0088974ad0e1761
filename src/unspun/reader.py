"""Turning user input (text, files, folders, JSONL, HTML, stdin) into :class:`Article` objects.

Text is kept exactly as read: a UTF-8 BOM stays as character 0 and CR characters are
never translated, because every span offset counts code points of the original text
(the PTC corpus is built the same way). Bad input raises an :class:`InputError` or a
:class:`FormatError` with a one-line message that says what to do.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from unspun.document import Article
from unspun.errors import (
    EmptyInputError,
    EncodingError,
    FormatError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    UnspunError,
)

ErrorHandler = Callable[[Path, UnspunError], None]
"""Called as ``on_error(where, error)`` for input that is skipped: a file, or one JSONL line,
named ``Path("<file>:<line number>")`` (``Path("standard input:<line number>")`` on stdin)."""

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
INPUT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
JSONL_FIELDS = ("id", "title", "url", "outlet", "published")
STDIN = "-"
STDIN_NAME = "standard input"
BOM = "\ufeff"
UTF8_BOM = b"\xef\xbb\xbf"

_PTC_NAME = re.compile(r"article(\d+)\.txt")
# An HTML page or fragment: after blanks, comments and an XML declaration (XHTML), a doctype
# or one of the tags a page or a saved article body starts with. The name must end there,
# so <pre> or <pizza> is not <p>.
_HTML_START = re.compile(
    rb"\s*(?:(?:<!--.*?-->|<\?xml\b.*?\?>)\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|article|main|div|section|p|h[1-3])(?=[\s/>])",
    re.IGNORECASE | re.DOTALL,
)
_SNIFF_BYTES = 2048
_MB = 1024 * 1024


def raise_error(path: Path, error: UnspunError) -> None:
    """Default folder error handler: re-raise, so a bad file stops the run."""
    raise error


def read_text(text: str, *, id: str = "text", source_path: str | Path | None = None) -> Article:
    """An :class:`Article` whose text is ``text``, unchanged.

    Title rule: the first line is the title when the second line is blank; the title is
    that line stripped, while ``Article.text`` still starts with it (offsets count it).

    Raises:
        EmptyInputError: ``text`` is empty or only whitespace.
    """
    if not text.replace(BOM, "").strip():
        where = f"{source_path}" if source_path is not None else f"input {id!r}"
        raise EmptyInputError(f"{where} is empty or only whitespace; give it some article text")
    lines = text.split("\n", 2)
    title = None
    if len(lines) >= 2 and lines[0].replace(BOM, "").strip() and not lines[1].strip():
        title = lines[0].replace(BOM, "").strip()
    return Article(
        id=id, text=text, title=title, source_path=str(source_path) if source_path is not None else None
    )


def read_text_file(path: Path, *, max_bytes: int) -> Article:
    """Read a UTF-8 text file as one article (BOM and CRLF kept as they are).

    The id is ``<ID>`` for a PTC-style name ``article<ID>.txt``, else the file stem.

    Raises:
        InputNotFoundError, InputTooLargeError, EncodingError, EmptyInputError.
    """
    path = Path(path)
    return _text_article(_read_bytes(path, max_bytes), path)


def _text_article(data: bytes, path: Path) -> Article:
    """The article of a text file's bytes, as :func:`read_text_file` describes it."""
    return read_text(_decode_utf8(path, data), id=article_id(path), source_path=path)


def article_id(path: Path) -> str:
    """``"111111111"`` for ``article111111111.txt`` (PTC layout), else the file stem."""
    match = _PTC_NAME.fullmatch(Path(path).name)
    return match.group(1) if match else Path(path).stem


def read_html(path: Path, *, max_bytes: int) -> Article:
    """The main text of an HTML page, extracted with trafilatura.

    The headline and each paragraph, list, quote or table of the main text are separated
    by a blank line (``"\\n\\n"``), like paragraphs of a text file; a ``<br>`` stays a
    single line break. Title and date come from the page metadata where present, ``url``
    from the canonical link, ``outlet`` from the site name (``og:site_name``, else as
    trafilatura infers it, e.g. the host of the canonical link). Offsets refer to the
    extracted text, which becomes ``Article.text``.

    Raises:
        InputNotFoundError, InputTooLargeError, EncodingError (binary file),
        EmptyInputError (no main text found).
    """
    path = Path(path)
    return _html_article(_read_bytes(path, max_bytes), id=article_id(path), where=str(path), source_path=path)


def _html_article(data: bytes, *, id: str, where: str, source_path: Path | None) -> Article:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    _reject_binary(where, data)
    document = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False)
    text = _html_text(document) if document is not None else ""
    if not text.strip():
        raise EmptyInputError(
            f"{where}: no main article text found in the HTML; save the article text as a .txt file instead"
        )
    return Article(
        id=id,
        text=text,
        title=_clean(getattr(document, "title", None)),
        url=_clean(getattr(document, "url", None)),
        outlet=_clean(getattr(document, "sitename", None)),
        published=_clean(getattr(document, "date", None)),
        source_path=str(source_path) if source_path is not None else None,
    )


def _html_text(document: Any) -> str:
    """The extracted text with a blank line between the body's block elements.

    trafilatura's own ``document.text`` ends every block with a single ``"\\n"``, the same
    break as a ``<br>``, so paragraphs could not be told apart; converting each top-level
    element of the extracted body separately keeps the two distinct.
    """
    from trafilatura.xml import xmltotxt

    body = getattr(document, "body", None)
    if body is None:
        return str(getattr(document, "text", None) or "")
    blocks = (xmltotxt(element, False).strip() for element in body)
    return "\n\n".join(block for block in blocks if block) or str(getattr(document, "text", None) or "")


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
    text = _decode_utf8(path, _read_bytes(path, max_bytes))
    articles = _jsonl_articles(text, where=str(path), stem=path.stem, source_path=path, on_error=on_error)
    yield from _unique_ids(articles)


def _unique_ids(articles: Iterable[Article], taken: set[str] | None = None) -> Iterator[Article]:
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


def _jsonl_articles(
    text: str, *, where: str, stem: str, source_path: Path | None, on_error: ErrorHandler
) -> Iterator[Article]:
    found = False
    # split on "\n" only: str.splitlines would also break on U+2028 inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.replace(BOM, "").strip():
            continue
        found = True
        try:
            article = _jsonl_article(
                line.lstrip(BOM) if number == 1 else line,
                where=f"{where}, line {number}",
                id=f"{stem}-{number}",
            )
        except UnspunError as error:
            on_error(Path(f"{where}:{number}"), error)
            continue
        article.source_path = str(source_path) if source_path is not None else None
        yield article
    if not found:
        raise EmptyInputError(f"{where} has no JSON lines; put one article object per line")


def _jsonl_article(line: str, *, where: str, id: str) -> Article:
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{where}: invalid JSON ({exc.msg}); each line must be one JSON object") from None
    if not isinstance(record, dict):
        raise FormatError(f"{where}: expected a JSON object with a 'text' field, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.replace(BOM, "").strip():
        raise FormatError(f"{where}: no 'text' field (a non-empty string); add the article text")
    meta: dict[str, str | None] = {}
    for name in JSONL_FIELDS:
        value = record.get(name)
        if isinstance(value, bool) or not isinstance(value, (str, int, type(None))):
            raise FormatError(f"{where}: field {name!r} must be a string, got {json.dumps(value)}")
        meta[name] = str(value) if value is not None else None
    article = read_text(text, id=meta["id"] or id)
    if "title" in record:
        article.title = meta["title"]
    article.url, article.outlet, article.published = meta["url"], meta["outlet"], meta["published"]
    return article


def _looks_like_jsonl(text: str) -> bool:
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


def read_folder(path: Path, *, max_bytes: int, on_error: ErrorHandler = raise_error) -> Iterator[Article]:
    """Every ``*.txt``, ``*.html``/``*.htm`` and ``*.jsonl`` file of a folder, sorted by name.

    A file that cannot be read is passed to ``on_error(path, error)`` and skipped (the
    default handler re-raises); so is each bad line of a JSONL file (see :func:`read_jsonl`).
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
    return _iter_folder(path, max_bytes, on_error)


def _iter_folder(path: Path, max_bytes: int, on_error: ErrorHandler) -> Iterator[Article]:
    count = 0
    taken: set[str] = set()
    for file in _input_files(path):
        try:
            articles = list(_read_file(file, max_bytes, on_error))
        except UnspunError as error:
            on_error(file, error)
            continue
        count += len(articles)
        yield from _unique_ids(articles, taken)
    if count == 0:
        raise EmptyInputError(
            f"folder {path} has no readable .txt, .html, .htm or .jsonl files; add some articles"
        )


def iter_articles(
    source: str | Path, *, max_bytes: int, on_error: ErrorHandler = raise_error
) -> Iterator[Article]:
    """The one entry point for user input: ``"-"`` (stdin), a folder, ``.jsonl``, HTML or a text file.

    A missing path and stdin problems raise at the call; a file's own errors when iterated.
    A file is read once, so a pipe (``/dev/stdin``, ``<(cmd)``) works like a file. One without
    a ``.txt`` suffix is read as HTML when it starts (after a BOM, blanks, comments and an
    ``<?xml ...?>`` declaration) with ``<!doctype html`` or a ``<html``, ``<head>``, ``<body>``,
    ``<article>``, ``<main>``, ``<div>``, ``<section>``, ``<p>`` or ``<h1>``-``<h3>`` tag.
    Stdin is sniffed: HTML by the same test; JSONL (one article per line, so possibly several)
    when its first non-blank line is a JSON object with a non-empty string ``text``, and then
    every line is read as JSONL; else plain text (one article, id ``stdin``). ``on_error`` gets
    the skipped files of a folder and the bad lines of a JSONL file or of JSONL stdin (see
    :func:`read_jsonl`).

    Raises:
        InputNotFoundError, InputTooLargeError, EncodingError, EmptyInputError, FormatError.
    """
    if str(source) == STDIN:
        return iter(_read_stdin(max_bytes, on_error))
    path = Path(source)
    if path.is_dir():
        return read_folder(path, max_bytes=max_bytes, on_error=on_error)
    if not path.exists():
        raise InputNotFoundError(f"{path} does not exist; check the path (use - to read standard input)")
    return _read_file(path, max_bytes, on_error)


def count_inputs(source: str | Path) -> int | None:
    """How many articles ``source`` holds, for sizing a progress bar; ``None`` when unknown (stdin).

    A folder counts one per text/HTML file plus the non-blank lines of its JSONL files.
    """
    if str(source) == STDIN:
        return None
    path = Path(source)
    if path.is_dir():
        return sum(_count_file(file) for file in _input_files(path))
    if path.is_file():
        return _count_file(path)
    return None


def _count_file(path: Path) -> int:
    if path.suffix.lower() not in JSONL_SUFFIXES:
        return 1
    try:
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 0


def _input_files(folder: Path) -> list[Path]:
    return sorted(
        (f for f in folder.iterdir() if f.suffix.lower() in INPUT_SUFFIXES and not f.name.startswith(".")),
        key=lambda f: f.name,
    )


def _read_file(path: Path, max_bytes: int, on_error: ErrorHandler) -> Iterator[Article]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, max_bytes=max_bytes, on_error=on_error)
        return
    # Read once and sniff the same bytes: a pipe (/dev/stdin, <(cmd)) cannot be read twice.
    data = _read_bytes(path, max_bytes)
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _is_html(data)):
        yield _html_article(data, id=article_id(path), where=str(path), source_path=path)
    else:
        yield _text_article(data, path)


def _is_html(data: bytes) -> bool:
    return _HTML_START.match(data[:_SNIFF_BYTES].removeprefix(UTF8_BOM)) is not None


def _read_stdin(max_bytes: int, on_error: ErrorHandler) -> list[Article]:
    # Read bytes, not text: Python's text stdin would translate CRLF and shift offsets.
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        data = sys.stdin.read().encode("utf-8", errors="surrogateescape")
    else:
        data = buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLargeError(_too_large(STDIN_NAME, len(data), max_bytes))
    if _is_html(data):
        return [_html_article(data, id="stdin", where=STDIN_NAME, source_path=None)]
    text = _decode_utf8(None, data)
    if _looks_like_jsonl(text):
        articles = _jsonl_articles(text, where=STDIN_NAME, stem="stdin", source_path=None, on_error=on_error)
        return list(_unique_ids(articles))
    return [read_text(text, id="stdin", source_path=None)]


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    if not path.exists():
        raise InputNotFoundError(f"{path} does not exist; check the path")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file; pass the folder itself to read all its files")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLargeError(_too_large(str(path), size, max_bytes))
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}; check its permissions") from exc
    if len(data) > max_bytes:  # grew since stat, or a special file with no size
        raise InputTooLargeError(_too_large(str(path), len(data), max_bytes))
    if not data.replace(UTF8_BOM, b"").strip():
        raise EmptyInputError(f"{path} is empty or only whitespace; give it some article text")
    return data


def _decode_utf8(path: Path | None, data: bytes) -> str:
    """Decode exactly as ``open(path, encoding="utf-8", newline="")`` would: BOM and CRs kept.

    ``path`` is ``None`` for standard input, which gets its own advice.
    """
    where = STDIN_NAME if path is None else str(path)
    _reject_binary(where, data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fix = (
            "convert it in the pipe, e.g. cat article.txt | iconv -f latin1 -t utf-8 | unspun analyze -"
            if path is None
            else f"the file must be UTF-8: convert it, e.g. iconv -f latin1 -t utf-8 {path} > fixed.txt"
        )
        raise EncodingError(
            f"{where} is not valid UTF-8 (bad byte 0x{data[exc.start]:02x} at byte offset {exc.start}); {fix}"
        ) from None


def _reject_binary(path: str | Path, data: bytes) -> None:
    offset = data.find(b"\x00")
    if offset >= 0:
        raise EncodingError(
            f"{path} looks binary (a NUL byte at byte offset {offset}); give a UTF-8 text, HTML or JSONL file"
        )


def _too_large(what: str, size: int, limit: int) -> str:
    return (
        f"{what} is {_human(size)}, over the {_human(limit)} input limit; "
        "raise it with --max-input-mb or UNSPUN_MAX_INPUT_MB"
    )


def _human(size: int) -> str:
    return f"{size / _MB:.1f} MB" if size >= _MB / 10 else f"{size} bytes"


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
