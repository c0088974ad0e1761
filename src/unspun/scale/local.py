"""The local engine: the batch function of :mod:`unspun.scale.worker`, in this process.

The same chunks of source rows as the Ray engine (:mod:`unspun.scale.chunk`), cut into batches of
``batch_size`` rows, each analysed by one :class:`~unspun.scale.worker.AnalyseBatch`; the rows
are written in Parquet parts of about ``part_rows`` rows (whole batches). Good for a laptop, for tests, and as the reference the Ray
engine's rows are compared with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyarrow as pa

from unspun.scale.chunk import Chunk, read_chunk
from unspun.scale.output import write_part
from unspun.scale.worker import AnalyseBatch


def source_tables(chunks: list[Chunk]) -> Iterator[pa.Table]:
    """The source rows of every chunk, in order."""
    for chunk in chunks:
        yield read_chunk(chunk)


def rebatch(tables: Iterator[pa.Table], size: int) -> Iterator[pa.Table]:
    """``tables`` cut and joined into tables of ``size`` rows (the last may be shorter)."""
    pending: list[pa.Table] = []
    rows = 0
    for table in tables:
        pending.append(table)
        rows += table.num_rows
        while rows >= size:
            joined = pa.concat_tables(pending)
            yield joined.slice(0, size)
            rest = joined.slice(size)
            pending, rows = [rest], rest.num_rows
    if rows:
        yield pa.concat_tables(pending)


def run_local(
    chunks: list[Chunk],
    output: str,
    *,
    analyser: AnalyseBatch,
    batch_size: int,
    part_rows: int,
    run: str,
    on_progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Analyse every source row with ``analyser``, writing a part each time ``part_rows`` rows
    are ready (and the rest at the end). Returns the parts written."""
    parts: list[str] = []
    pending: list[pa.Table] = []
    for batch in rebatch(source_tables(chunks), batch_size):
        table = analyser(batch)
        if table.num_rows:
            pending.append(table)
        if sum(t.num_rows for t in pending) >= part_rows:
            parts.append(write_part(output, pa.concat_tables(pending), run=run, number=len(parts)))
            pending = []
        if on_progress is not None:
            on_progress(batch.num_rows)
    if pending:
        parts.append(write_part(output, pa.concat_tables(pending), run=run, number=len(parts)))
    return parts
