"""Chunks: the units of reading, planned once on the driver, read the same way by both engines.

A chunk is a run of about ``rows`` source rows: a byte range of whole lines of a JSONL file
(its first line number known, so that ids and messages name the exact line), records of one row
group of a Parquet file, or a list of article files. Each chunk becomes one Ray read task and one block,
so the blocks spread over the actors however few files the input has (one JSONL file read by one
task would be one block, analysed by one actor while the others wait); the local engine reads
the same chunks in order.

Planning a JSONL chunk needs the file's line starts: the driver reads each JSONL file once,
as bytes (about 1 GB/s on a local disk, against hours of analysis for the same articles).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from unspun.errors import EncodingError, UnspunError
from unspun.readers.encoding import decode_text
from unspun.scale.source import FEED_SUFFIXES, JSONL_SUFFIXES, SOURCE_SCHEMA, Inputs, unread_kind

# The most rows a chunk holds: a block of news articles of a few MB.
MAX_CHUNK_ROWS = 1024
# JSONL files up to this size have their lines counted to size the chunks (a second read of at
# most 64 MB); a larger one is estimated at 2 KB a line, which is many chunks either way.
COUNT_LINES_UP_TO = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Chunk:
    """What one read task reads: ``kind`` is ``"jsonl"`` (bytes ``[start, end)`` of ``url``, whose
    first line is number ``line``), ``"parquet"`` (``end`` records from record ``offset`` of row
    group ``start`` of ``url``, the first being record number ``line`` of the file), ``"feed"``
    (every entry of the feed ``url``) or ``"files"`` (the article files ``files``, as ``(url, id)``)."""

    kind: str
    url: str = ""
    start: int = 0
    end: int = 0
    line: int = 1
    files: tuple[tuple[str, str], ...] = ()
    offset: int = 0


def chunk_rows_for(total: int, *, workers: int, batch_size: int) -> int:
    """Rows per chunk: about four chunks per worker (so that every worker gets some), a whole batch
    when there are enough rows for that, but never so many that there are fewer chunks than
    workers (a handful of rows still spreads over every worker); at most :data:`MAX_CHUNK_ROWS`."""
    per_worker = -(-total // workers)
    return max(1, min(MAX_CHUNK_ROWS, per_worker, max(batch_size, -(-total // (4 * workers)))))


def plan_chunks(inputs: Inputs, files: list[tuple[str, str]], *, rows: int) -> list[Chunk]:
    """The chunks of ``files`` (the article files still to do) and of every container file."""
    chunks = [Chunk("files", files=tuple(files[i : i + rows])) for i in range(0, len(files), rows)]
    for url in inputs.containers:
        if posixpath.splitext(url)[1].lower() in FEED_SUFFIXES:
            chunks.append(Chunk("feed", url))  # a feed is read whole (it is at most max_input_mb)
        elif posixpath.splitext(url)[1].lower() in JSONL_SUFFIXES:
            chunks.extend(_jsonl_chunks(url, rows))
        else:
            chunks.extend(_parquet_chunks(url, rows))
    return chunks


def estimate_rows(inputs: Inputs) -> int:
    """About how many source rows the input holds, for sizing chunks: the files, the Parquet
    records (from the footers), the lines of a JSONL file up to :data:`COUNT_LINES_UP_TO` bytes
    and a larger one's size over 2 KB a line."""
    import fsspec
    import pyarrow.parquet as pq

    total = len(inputs.files)
    for url in inputs.containers:
        if posixpath.splitext(url)[1].lower() in FEED_SUFFIXES:
            with fsspec.open(url, "rb") as handle:  # about one row per entry
                data = handle.read()
            total += max(1, data.count(b"<item") + data.count(b"<entry"))
        elif posixpath.splitext(url)[1].lower() in JSONL_SUFFIXES:
            fs, path = fsspec.core.url_to_fs(url)
            size = int(fs.size(path) or 0)
            # a small file's lines are counted, so that it is spread exactly
            total += _count_lines(fs, path) if size <= COUNT_LINES_UP_TO else size // 2048
        else:
            with fsspec.open(url, "rb") as handle:
                total += pq.ParquetFile(handle).metadata.num_rows
    return total


def _count_lines(fs: Any, path: str) -> int:
    lines = 0
    with fs.open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
    return lines


def _jsonl_chunks(url: str, rows: int) -> Iterator[Chunk]:
    import fsspec

    with fsspec.open(url, "rb") as handle:
        start = offset = 0
        first = number = 1
        for number, raw in enumerate(handle, start=1):
            offset += len(raw)
            if number - first + 1 == rows:
                yield Chunk("jsonl", url, start, offset, first)
                start, first = offset, number + 1
        if offset > start:
            yield Chunk("jsonl", url, start, offset, first)


def _parquet_chunks(url: str, rows: int) -> Iterator[Chunk]:
    """A chunk per ``rows`` records of each row group (``start`` the group; ``end`` how many
    records, from record ``offset`` of the group)."""
    import fsspec
    import pyarrow.parquet as pq

    with fsspec.open(url, "rb") as handle:
        metadata = pq.ParquetFile(handle).metadata
    first = 1
    for group in range(metadata.num_row_groups):
        records = metadata.row_group(group).num_rows
        for offset in range(0, records, rows):
            yield Chunk("parquet", url, group, min(rows, records - offset), first + offset, offset=offset)
        first += records


def read_chunk(chunk: Chunk) -> pa.Table:
    """The source rows of ``chunk`` (:data:`unspun.scale.source.SOURCE_SCHEMA`)."""
    if chunk.kind == "files":
        rows = [{"kind": "file", "source": url, "line": 0, "id": id, "data": ""} for url, id in chunk.files]
    elif chunk.kind == "jsonl":
        rows = list(_jsonl_rows(chunk))
    elif chunk.kind == "feed":
        rows = list(_feed_rows(chunk))
    else:
        rows = list(_parquet_rows(chunk))
    return pa.Table.from_pylist(rows, schema=SOURCE_SCHEMA)


def _jsonl_rows(chunk: Chunk) -> Iterator[dict[str, Any]]:
    import fsspec

    with fsspec.open(chunk.url, "rb") as handle:
        handle.seek(chunk.start)
        data = handle.read(chunk.end - chunk.start)
    # Lines end at b"\n" only: a raw U+2028 inside a JSON string is not a line break.
    # Each line is decoded by the one rule of every input (a Windows-1252 line is read, not
    # refused); a UTF-16 file cannot be cut at b"\n", so a byte-order mark is refused here.
    for number, raw in enumerate(data.split(b"\n"), start=chunk.line):
        where = f"{chunk.url}, line {number}"
        try:
            if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
                raise EncodingError(f"{where} is UTF-16 or UTF-32 text; save the JSONL file as UTF-8")
            line = decode_text(raw, where).removesuffix("\r")
        except EncodingError as error:
            yield {"kind": "invalid", "source": chunk.url, "line": number, "id": "", "data": error.message}
            continue
        if number == 1:
            line = line.removeprefix("\ufeff")
        if line.strip():
            yield {"kind": "json", "source": chunk.url, "line": number, "id": "", "data": line}


def _feed_rows(chunk: Chunk) -> Iterator[dict[str, Any]]:
    """One json row per entry of the feed, as the JSONL record of the article ``unspun analyze``
    reads from it; a file that is not a feed, or an entry without text, is a row of the kind its
    error gives (:func:`unspun.scale.source.unread_kind`: ``bad_feed``, ``empty``)."""
    import fsspec

    from unspun.readers.dispatch import feed_articles

    with fsspec.open(chunk.url, "rb") as handle:
        data = handle.read()
    failed: list[dict[str, Any]] = []

    def on_error(where: Path | str, error: UnspunError) -> None:
        number = int(str(where).rpartition(":")[2] or 0)
        failed.append(
            {"kind": unread_kind(error), "source": chunk.url, "line": number, "id": "", "data": error.message}
        )

    try:
        articles = list(feed_articles(data, path=Path(chunk.url), on_error=on_error))
    except UnspunError as error:
        yield {"kind": unread_kind(error), "source": chunk.url, "line": 0, "id": "", "data": error.message}
        return
    yield from failed
    # Each entry is an article or a failed row, in order: an article's number is its entry's.
    skipped = {row["line"] for row in failed}
    numbers = (number for number in itertools.count(1) if number not in skipped)
    for number, article in zip(numbers, articles, strict=False):
        record = {
            "id": article.id,
            "text": article.text,
            "title": article.title,
            "outlet": article.outlet,
            "url": article.url,
            "published": article.published.isoformat() if article.published else None,
        }
        data_line = json.dumps(record, ensure_ascii=False)
        yield {"kind": "json", "source": chunk.url, "line": number, "id": "", "data": data_line}


def _parquet_rows(chunk: Chunk) -> Iterator[dict[str, Any]]:
    import fsspec
    import pyarrow.parquet as pq

    with fsspec.open(chunk.url, "rb") as handle:
        group = pq.ParquetFile(handle).read_row_group(chunk.start)
    records = group.slice(chunk.offset, chunk.end).to_pylist()
    for number, record in enumerate(records, start=chunk.line):
        data = json.dumps(record, ensure_ascii=False, default=_json_default)
        yield {"kind": "json", "source": chunk.url, "line": number, "id": "", "data": data}


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
