"""Corpus-scale batch analysis: the library function behind ``unspun batch``.

:func:`run_batch` lists the input, skips what the output folder already holds, runs the
batch function (:class:`unspun.scale.worker.AnalyseBatch`) on the chosen engine (``local``:
in this process; ``ray``: on Ray Data, locally or on a cluster), writes the errors file and the
report (:class:`BatchReport`, also ``OUTPUT/_report.json``) and, with ``db``, adds the new
analyses to a store. Both engines give the same rows.
"""

from __future__ import annotations

import json
import time
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from unspun.errors import ConfigError, InputWarning
from unspun.readers.encoding import DEFAULT_MAX_BYTES
from unspun.runner import Skip
from unspun.scale.chunk import Chunk, chunk_rows_for, estimate_rows, plan_chunks
from unspun.scale.output import (
    ERRORS_FILE,
    REPORT_FILE,
    output_fs,
    prepare_output,
    scan_output,
    write_errors,
    write_text,
)
from unspun.scale.source import list_inputs
from unspun.scale.worker import AnalyseBatch, StatsBook
from unspun.version import analysis_version

Engine = Literal["local", "ray"]
ENGINES: tuple[str, ...] = ("local", "ray")
# Rows per output part: ~5-10 MB of Parquet for news articles; big enough that 100M articles
# make ~100k files, small enough that a crash costs little.
PART_ROWS = 1000


@dataclass(slots=True)
class BatchReport:
    """What a run did, in the counts every front-end's summary gives (:func:`unspun.runner.headline`):
    ``analysed`` the articles this run analysed, ``failed`` those it read but a component failed
    on, ``left_out`` the inputs it could not read (each of these has its row, with its ``error``,
    and a line in ``OUTPUT/_errors.jsonl``) and the entries of a folder that are not inputs
    (``left_out_entries``, in a failure's shape: they have no row); ``skipped`` the articles already in the output; ``seconds`` the whole run (engine
    start-up included), ``startup_seconds`` the engine's start (Ray's ``init``);
    ``workers_detail`` each worker's totals and its articles per second of busy time (the
    workers that did some work: ``workers_busy`` of the ``workers`` asked for); ``warnings`` what
    the inputs read in part said (:class:`unspun.errors.InputWarning`), told again on the driver
    once the run is done, as an :class:`~unspun.errors.InputWarning` each, whatever the engine."""

    engine: str
    workers: int
    input: str
    output: str
    analysed: int = 0
    failed: int = 0
    left_out: int = 0
    skipped: int = 0
    rows: int = 0
    workers_busy: int = 0
    seconds: float = 0.0
    startup_seconds: float = 0.0
    removed_parts: list[str] = field(default_factory=list)
    # The entries of an input folder that are not inputs (counted in left_out; they have no row).
    left_out_entries: list[dict[str, Any]] = field(default_factory=list)
    stored: int | None = None
    # What the inputs read in part said (a record's date left out), in the order the workers told it.
    warnings: list[str] = field(default_factory=list)
    workers_detail: dict[str, dict[str, Any]] = field(default_factory=dict)
    unspun_version: str = field(default_factory=analysis_version)

    @property
    def articles_per_second(self) -> float:
        """Articles analysed per second of the whole run."""
        return self.analysed / self.seconds if self.seconds > 0 else 0.0

    @property
    def errors_path(self) -> str:
        """Where the run's failures are listed: ``OUTPUT/_errors.jsonl`` (one slash, whether the
        output was given as ``out`` or ``out/``)."""
        return f"{self.output.rstrip('/')}/{ERRORS_FILE}"

    def failure(self) -> str | None:
        """The run's error when it had articles to do and could analyse none of them (``unspun
        batch`` then exits with status 2, as ``unspun analyze`` does), else None."""
        undone = self.failed + self.left_out - len(self.left_out_entries)
        if self.analysed or not undone:
            return None
        what = "the article could not" if undone == 1 else f"none of the {undone} articles could"
        return f"{what} be analysed; see {self.errors_path}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "articles_per_second": round(self.articles_per_second, 3)}


def run_batch(
    source: str | Path,
    output: str | Path,
    *,
    engine: Engine = "local",
    address: str | None = None,
    workers: int = 1,
    batch_size: int = 16,
    part_rows: int = PART_ROWS,
    db: str | None = None,
    model: str | None = None,
    article_model: str | None = None,
    lang: str | None = None,
    extra_components: Sequence[str] = (),
    spacy_model: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    analyser_class: type[AnalyseBatch] = AnalyseBatch,
    on_progress: Callable[[int], None] | None = None,
    verbose: bool = False,
) -> BatchReport:
    """Analyse every article of ``source`` not yet in ``output``; return the run's report.

    ``source``: a JSONL or Parquet file, an article file, or a folder of them (path or fsspec
    URL; see :mod:`unspun.scale.source`); ``output``: the Parquet dataset folder (see
    :mod:`unspun.scale.output`); ``engine``: ``local`` or ``ray``; ``address``: the Ray cluster
    (``auto``, ``ray://...``; default ``$RAY_ADDRESS`` or a local Ray); ``workers``: Ray actors
    (each loads the models once); ``batch_size``: articles per batch; ``part_rows``: rows per
    output part (about: whole batches; a crash redoes at most the parts not yet written);
    ``db``: a store URL the new analyses are also added to; ``model``, ``article_model``,
    ``lang``, ``extra_components``, ``spacy_model``: as for :func:`unspun.analysis.build_pipeline`
    (on Ray, an extra component must be registered in each worker: by a package's entry point,
    not by a registration in the calling process); ``analyser_class``: the batch
    function (a subclass of :class:`AnalyseBatch`); ``on_progress(n)``: called as source rows
    are done (local engine; Ray shows its own progress bars); ``verbose``: let Ray log at its own
    INFO level (by default its loggers show warnings and errors only, during the run).

    The input is cut into chunks (:mod:`unspun.scale.chunk`) of at most a batch, and never fewer
    chunks than workers, so that a small input too is spread over every Ray worker.

    Raises:
        ConfigError: a bad engine, worker count or batch size, an output that is a file,
            ``--engine ray`` without Ray installed, an unreachable cluster.
        InputNotFoundError, InputError, EmptyInputError: the input cannot be listed.
        ModelError: the models cannot load. AnalysisError: the Ray run failed (rerun to finish).
        StoreError: the store cannot be opened or written.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")
    if workers < 1 or batch_size < 1 or part_rows < 1:
        raise ConfigError("--workers, --batch-size and the rows per part must be at least 1")
    started = time.perf_counter()
    source, output = str(source), str(output)
    inputs = list_inputs(source)
    prepare_output(output)
    before = scan_output(output)
    files = [(url, id) for url, id in inputs.files if id not in before.ids]
    report = BatchReport(
        engine=engine, workers=workers if engine == "ray" else 1, input=source, output=output
    )
    report.removed_parts = before.removed
    report.left_out_entries = [Skip(url, reason).to_dict() for url, reason in inputs.left_out]
    report.left_out = len(report.left_out_entries)
    report.skipped = len(inputs.files) - len(files)
    options: dict[str, Any] = {
        "model": model,
        "article_model": article_model,
        "lang": lang,
        "extra_components": tuple(extra_components),
        "spacy_model": spacy_model,
        "max_bytes": max_bytes,
        "done": frozenset(before.ids),
    }
    rows = chunk_rows_for(estimate_rows(inputs), workers=report.workers, batch_size=batch_size)
    if engine == "ray":
        # On Ray a chunk is one batch, handed to an actor as soon as it is read: Ray would join
        # chunks smaller than a batch into one, and hold the last until the input is read, so
        # that the first actor could take all of a small input while the others wait.
        rows = min(rows, batch_size)
    chunks = plan_chunks(inputs, files, rows=rows)
    if engine == "local":
        report.workers_detail = _run_local(
            chunks, output, analyser_class, options, batch_size, part_rows, on_progress
        )
    else:
        report.workers_detail, report.startup_seconds = _run_ray(
            chunks,
            output,
            analyser_class,
            options,
            workers,
            part_rows,
            address,
            verbose,
        )
    after = scan_output(output)
    write_errors(output, after.errors)
    for totals in report.workers_detail.values():
        report.analysed += totals["analysed"]
        report.failed += totals["failed"]
        report.left_out += totals["left_out"]
        report.skipped += totals["skipped"]
        report.warnings.extend(totals.pop("warnings", []))
        seconds = totals["seconds"]
        totals["articles_per_second"] = round(totals["analysed"] / seconds, 3) if seconds > 0 else 0.0
    for message in report.warnings:  # the front-end tells them (unspun.runner.told_warnings)
        warnings.warn(message, InputWarning, stacklevel=2)
    report.rows = len(after.ids)
    # A worker that only skipped rows already in the output did no work (a rerun: 0 busy).
    report.workers_busy = sum(1 for totals in report.workers_detail.values() if totals["analysed"])
    if db is not None:
        report.stored = store_new(db, output, new_parts=sorted(set(after.parts) - set(before.parts)))
    report.seconds = time.perf_counter() - started
    write_text(output, REPORT_FILE, json.dumps(report.to_dict(), indent=2) + "\n")
    return report


def _run_local(
    chunks: list[Chunk],
    output: str,
    analyser_class: type[AnalyseBatch],
    options: dict[str, Any],
    batch_size: int,
    part_rows: int,
    on_progress: Callable[[int], None] | None,
) -> dict[str, dict[str, Any]]:
    from unspun.scale.local import run_local

    book = StatsBook()
    analyser = analyser_class(**options, stats=book)
    run_local(
        chunks,
        output,
        analyser=analyser,
        batch_size=batch_size,
        part_rows=part_rows,
        run=_run_id(),
        on_progress=on_progress,
    )
    return book.summary()


def _run_ray(
    chunks: list[Chunk],
    output: str,
    analyser_class: type[AnalyseBatch],
    options: dict[str, Any],
    workers: int,
    part_rows: int,
    address: str | None,
    verbose: bool,
) -> tuple[dict[str, dict[str, Any]], float]:
    from unspun.scale.ray_engine import connect, import_ray, quiet_ray, run_ray

    ray = import_ray()
    with quiet_ray(not verbose):
        started = time.perf_counter()
        started_ray = connect(address, workers=workers, verbose=verbose)
        startup = time.perf_counter() - started
        try:
            summary = run_ray(
                chunks,
                output,
                analyser_class=analyser_class,
                analyser_options=options,
                workers=workers,
                part_rows=part_rows,
            )
        finally:
            if started_ray:
                ray.shutdown()
    return summary, startup


def _run_id() -> str:
    return f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"


def store_new(db: str, output: str, *, new_parts: list[str], chunk: int = 200) -> int:
    """Add the analyses of ``new_parts`` (rows without error) to the store at ``db``; returns how
    many were added. Adding is idempotent (by content hash and models), so a rerun is safe."""
    import pyarrow.parquet as pq

    from unspun.document import Analysis
    from unspun.store import open_store

    fs, _ = output_fs(output)
    stored = 0
    with open_store(db) as store:
        for part in new_parts:
            with fs.open(part, "rb") as handle:
                table = pq.read_table(handle, columns=["analysis", "error"])
            records = [
                a
                for a, e in zip(table["analysis"].to_pylist(), table["error"].to_pylist(), strict=True)
                if a is not None and e is None
            ]
            for start in range(0, len(records), chunk):
                analyses = [Analysis.from_dict(json.loads(r)) for r in records[start : start + chunk]]
                store.add_many(analyses)
                stored += len(analyses)
    return stored
