"""What a batch reads: the input files of a corpus, and the *source rows* they hold.

A batch input is a JSONL file, a Parquet file, an RSS or Atom feed (``.rss``, ``.atom``,
``.xml``) or a folder of them and of article files (``.txt``, ``.html``, ``.htm``), given as a local path or any fsspec URL (``s3://...``,
``gs://...``, ``memory://...``). :func:`list_inputs` lists it once, on the driver.

Both engines then turn the same files into the same source rows (:data:`SOURCE_SCHEMA`), with
the same code (:mod:`unspun.scale.chunk` cuts them into chunks), so that they analyse the same
articles:

* a JSONL file gives one row per non-blank line (``kind="json"``, the line as ``data``, its
  1-based line number), split on ``"\\n"`` only: a raw U+2028 inside a JSON string is not a line
  break (``ray.data.read_text`` uses ``str.splitlines`` and would cut it); one bad line becomes
  one error row, not a failed read of the whole file (as ``read_json`` would do);
* a Parquet file gives one row per record (``kind="json"``, the record as a JSON object);
* a feed gives one row per entry (``kind="json"``, the entry's article as a JSONL record, its
  entry number as the line), read as ``unspun analyze news.rss`` reads it;
* an article file gives one row (``kind="file"``) carrying the id the reader's folder rule
  gives it (``article<ID>.txt`` is ``<ID>``, else the stem; repeats ``<id>-2``, ...); its bytes
  are read by the worker that analyses it.

Parsing a row into an :class:`unspun.document.Article` (:func:`source_article`) happens in the
batch function, where its failure is caught and recorded for that article alone.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

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
from unspun.readers.dispatch import FEED_SUFFIXES, file_article, is_feed
from unspun.readers.encoding import too_large
from unspun.readers.folder import FOLDER_DOCS, HTML_SUFFIXES, JSONL_SUFFIXES, KINDS, TEXT_SUFFIXES
from unspun.readers.markdown import MARKDOWN_SUFFIXES
from unspun.readers.text import article_id

PARQUET_SUFFIXES = frozenset({".parquet"})
# The row kind of an input that could not be read, by the reader's error: the row raises that
# error again in the worker, so that its failure has the code ``unspun analyze`` and ``ingest`` give
# it (a feed entry without text is ``empty_input`` there; it was ``bad_format`` in a batch).
UNREAD_KINDS: dict[str, type[UnspunError]] = {
    "invalid": EncodingError,
    "empty": EmptyInputError,
    "bad_feed": FormatError,
}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | MARKDOWN_SUFFIXES
CONTAINER_SUFFIXES = JSONL_SUFFIXES | PARQUET_SUFFIXES | FEED_SUFFIXES

SOURCE_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),  # "json" (a JSONL line, Parquet record or feed entry), "file", or one
        # of UNREAD_KINDS: "invalid" (an undecodable line), "bad_feed" (a file that is not a feed),
        # "empty" (a feed entry without text, a feed with none)
        ("source", pa.string()),  # the file's URL (a plain path for local files)
        ("line", pa.int64()),  # JSONL line / Parquet record number, 1-based; 0 for a file
        ("id", pa.string()),  # the article id of a file row; "" for json rows (in the data)
        ("data", pa.string()),  # the JSON object of a json row; "" for a file row
    ]
)


@dataclass(frozen=True, slots=True)
class Inputs:
    """The files of a batch input: containers (JSONL, Parquet) and article files with their ids,
    and the entries of a folder left out with why (a subfolder, a file of another kind), as
    ``unspun analyze`` lists and counts them."""

    containers: list[str] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (url, article id)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)

    @property
    def count(self) -> int:
        return len(self.containers) + len(self.files)


def _url(fs: Any, path: str) -> str:
    """A path the workers can open: the plain path for local files, else the full URL."""
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return path if protocol in {"file", "local"} else str(fs.unstrip_protocol(path))


def list_inputs(source: str | Path) -> Inputs:
    """The files of ``source`` (a file or folder, local or fsspec URL), sorted by name.

    A folder gives its ``.jsonl``, ``.parquet``, ``.txt``, ``.html``, ``.htm``, ``.md`` and
    ``.markdown`` files and its feeds (``.rss``, ``.atom``, an ``.xml`` file that starts as a feed
    does); its other entries (sub-folders, files of other kinds, its own README.md and the like)
    are the ``left_out`` ones, with why; names starting with ``.`` or ``_`` are ignored.

    Raises:
        InputNotFoundError: ``source`` does not exist.
        InputError: a file of another kind, or ``-`` (standard input, which a batch cannot read
            again after a crash, nor hand to its workers).
        EmptyInputError: a folder with no such file.
    """
    import fsspec

    if str(source) == "-":
        raise InputError(
            "unspun batch does not read standard input (a rerun could not read it again); save it "
            "to a file (a .jsonl, a feed or an article file) and give its path"
        )
    fs, path = fsspec.core.url_to_fs(str(source))
    if not fs.exists(path):
        raise InputNotFoundError(f"{source} does not exist; check the path or URL")
    left_out: list[tuple[str, str]] = []
    if fs.isdir(path):
        names = []
        for name in sorted(fs.ls(path, detail=False)):
            if posixpath.basename(name).startswith((".", "_")):  # hidden, or a batch's own files
                continue
            reason = _left_out_because(fs, name)
            if reason is None:
                names.append(name)
            else:
                left_out.append((_url(fs, name), reason))
        if not names:
            raise EmptyInputError(f"folder {source} has no .parquet or {KINDS} files; add some articles")
    else:
        suffix = posixpath.splitext(path)[1].lower()
        if suffix not in CONTAINER_SUFFIXES | ARTICLE_SUFFIXES:
            raise InputError(
                f"{source} is not a .parquet or {KINDS} file; give one of these or a folder of them"
            )
        names = [path]
    inputs = Inputs(left_out=left_out)
    taken: set[str] = set()
    for name in names:
        if posixpath.splitext(name)[1].lower() in CONTAINER_SUFFIXES:
            inputs.containers.append(_url(fs, name))
            continue
        base = article_id(Path(posixpath.basename(name)))
        unique, number = base, 2
        while unique in taken:  # the reader's folder rule: story.html, story.txt -> story, story-2
            unique, number = f"{base}-{number}", number + 1
        taken.add(unique)
        inputs.files.append((_url(fs, name), unique))
    return inputs


def _left_out_because(fs: Any, path: str) -> str | None:
    """Why a folder's entry is not a batch input (the reasons ``unspun analyze`` gives), or None."""
    if fs.isdir(path):
        return "a folder (folders are read one level deep; pass it on its own)"
    if posixpath.splitext(path)[1].lower() not in CONTAINER_SUFFIXES | ARTICLE_SUFFIXES:
        return f"not a .parquet or {KINDS} file"
    stem, suffix = posixpath.splitext(posixpath.basename(path))
    if suffix.lower() in MARKDOWN_SUFFIXES and stem.upper() in FOLDER_DOCS:
        return "the folder's own documentation, not an article (pass it on its own to analyse it)"
    if not _not_other_xml(fs, path):
        return "not an RSS or Atom feed"
    return None


def _not_other_xml(fs: Any, path: str) -> bool:
    """False for a folder's ``.xml`` file that is not a feed (a sitemap, a config): the folder rule
    of ``unspun analyze`` leaves it out too."""
    if posixpath.splitext(path)[1].lower() != ".xml":
        return True
    with fs.open(path, "rb") as handle:
        return is_feed(handle.read(4096))


def unread_kind(error: UnspunError) -> str:
    """The row kind of an input the reader failed on with ``error`` (see :data:`UNREAD_KINDS`;
    ``bad_feed`` for an error of another class)."""
    return next((kind for kind, cls in UNREAD_KINDS.items() if isinstance(error, cls)), "bad_feed")


def fallback_id(row: dict[str, Any]) -> str:
    """The id of a source row before (or without) parsing it: a file's id, else
    ``<file stem>-<line>`` (what the JSONL reader gives a line without an ``id``)."""
    if row["kind"] == "file":
        return str(row["id"])
    stem = posixpath.splitext(posixpath.basename(str(row["source"])))[0]
    return f"{stem}-{row['line']}"


def source_id(row: dict[str, Any]) -> str:
    """The id of a source row whose article could not be built: the record's own ``id`` when its
    JSON still gives one (a record without text, too large, with a bad field), else
    :func:`fallback_id`; the same id the row would have had as an article, so that a failure is
    listed under it and a rerun knows it is done."""
    if row["kind"] == "json":
        try:
            record = json.loads(str(row["data"]))
        except ValueError:
            record = None
        value = record.get("id") if isinstance(record, dict) else None
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return fallback_id(row)


def source_article(row: dict[str, Any], *, max_bytes: int) -> Article:
    """The article of one source row.

    A json row follows the JSONL reader's rules (``text`` required; ``id``, ``title``, ``url``,
    ``outlet``, ``published``, ``language``; a missing id is :func:`fallback_id`); a file row is read as
    ``unspun analyze`` reads a file (HTML by suffix or sniffing, else text, BOM and CR kept).

    Raises:
        FormatError, InputTooLargeError, EncodingError, EmptyInputError, InputNotFoundError,
        LanguageNotSupportedError.
    """
    from unspun.readers.jsonl import jsonl_article  # the one rule for a record (see module docs)

    if row["kind"] in UNREAD_KINDS:
        raise UNREAD_KINDS[row["kind"]](str(row["data"]))
    if row["kind"] == "json":
        data = str(row["data"])
        # A feed's row is an entry, numbered as the feed reader numbers them ("news.rss: entry 2").
        feed = posixpath.splitext(str(row["source"]))[1].lower() in FEED_SUFFIXES
        where = f"{row['source']}: entry {row['line']}" if feed else f"{row['source']}, line {row['line']}"
        if len(data) > max_bytes:
            raise InputTooLargeError(too_large(where, len(data), max_bytes))
        article = jsonl_article(data, where=where, id=fallback_id(row))
        article.source_path = str(row["source"])
        return article
    return _file_article(str(row["source"]), str(row["id"]), max_bytes)


def _file_article(url: str, id: str, max_bytes: int) -> Article:
    import fsspec

    try:
        with fsspec.open(url, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputNotFoundError(f"{url} does not exist any more; check the input") from None
    except OSError as error:
        raise InputError(f"cannot read {url} ({error}); check the input") from None
    if len(data) > max_bytes:  # read cut one byte past the limit: its size is unknown
        raise InputTooLargeError(too_large(url, None, max_bytes))
    return file_article(data, source=url, id=id)
