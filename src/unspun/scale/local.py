"""The local engine: the batch function of :mod:`unspun.scale.worker`, in this process.

The same source rows as the Ray engine (:mod:`unspun.scale.source`), cut into batches of
``batch_size`` rows, each analysed by one :class:`~unspun.scale.worker.AnalyseBatch` and
written as one Parquet part. Good for a laptop, for tests, and as the reference the Ray
engine's rows are compared with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyarrow as pa

from unspun.scale.output import write_part
from unspun.scale.source import SOURCE_SCHEMA, Inputs, file_rows, read_sources
from unspun.scale.worker import AnalyseBatch


def source_tables(inputs: Inputs, files: list[tuple[str, str]]) -> Iterator[pa.Table]:
    """The source rows of ``files`` (article files still to do), then of every container."""
    if files:
        yield pa.Table.from_pylist(file_rows(files), schema=SOURCE_SCHEMA)
    for url in inputs.containers:
        yield from read_sources(pa.table({"source": [url]}))


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
    inputs: Inputs,
    files: list[tuple[str, str]],
    output: str,
    *,
    analyser: AnalyseBatch,
    batch_size: int,
    run: str,
    on_progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Analyse every source row with ``analyser``; one part per batch. Returns the parts written."""
    parts: list[str] = []
    for batch in rebatch(source_tables(inputs, files), batch_size):
        table = analyser(batch)
        if table.num_rows:
            parts.append(write_part(output, table, run=run, number=len(parts)))
        if on_progress is not None:
            on_progress(batch.num_rows)
    return parts
