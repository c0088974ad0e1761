"""The batch function both engines run: source rows in, one output row per article out.

:class:`AnalyseBatch` is a callable class, the shape Ray Data's ``map_batches`` wants for an
actor pool: the models load once per worker (lazily, on the first article that needs them, so
a run with nothing left to do loads nothing) and every call analyses one batch with
:func:`unspun.runner.run`. The local engine calls the very same object in its own
process, so both engines give the same rows.

Nothing escapes a batch: an article that cannot be read, or that a component fails on, gets a
row with its ``error`` (see :mod:`unspun.scale.row`); only a model that cannot load stops the
run. Articles whose ids are in ``done`` (already in the output) are skipped.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import pyarrow as pa

from unspun.analysis import Pipeline, load_pipeline
from unspun.document import Analysis, Article
from unspun.errors import UnspunError
from unspun.readers.encoding import DEFAULT_MAX_BYTES
from unspun.runner import Failure, run, told_warnings
from unspun.scale.row import analysis_row, error_row, rows_table
from unspun.scale.source import source_article, source_id

# The component named when an analysis cannot be written as a row (a serialisation failure).
ROW_COMPONENT = "row"


@dataclass(slots=True)
class WorkerTotals:
    """What one worker did: articles analysed, failed (read, but a component failed on them), left
    out (could not be read), skipped (already in the output), busy seconds, and the warnings of
    the inputs it read in part (:class:`unspun.errors.InputWarning`: a record's date left out),
    which the driver tells (a Ray worker's own warnings would only reach its log)."""

    analysed: int = 0
    failed: int = 0
    left_out: int = 0
    skipped: int = 0
    seconds: float = 0.0
    batches: int = 0
    load_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


class StatsSink(Protocol):
    """Where a worker reports each batch (a :class:`StatsBook`, or a Ray actor holding one)."""

    def add(self, worker: str, totals: dict[str, Any]) -> None: ...


class StatsBook:
    """Totals per worker, added to batch by batch."""

    def __init__(self) -> None:
        self.workers: dict[str, WorkerTotals] = {}

    def add(self, worker: str, totals: dict[str, Any]) -> None:
        book = self.workers.setdefault(worker, WorkerTotals())
        for name, value in totals.items():
            setattr(book, name, getattr(book, name) + value)

    def summary(self) -> dict[str, dict[str, Any]]:
        return {worker: asdict(totals) for worker, totals in sorted(self.workers.items())}


class AnalyseBatch:
    """Analyse a table of source rows (:data:`unspun.scale.source.SOURCE_SCHEMA`) into a table
    of output rows (:data:`unspun.scale.row.ROW_SCHEMA`), one per article not in ``done``.

    ``model``, ``article_model``, ``lang``, ``extra_components`` and ``spacy_model`` choose the
    pipeline as for :func:`unspun.analysis.build_pipeline`; ``max_bytes`` bounds one article's
    input; ``pipe_batch`` is the pipeline's batch size; ``stats`` receives each batch's totals.
    Raises :class:`unspun.errors.ModelError` when the models cannot load.
    """

    def __init__(
        self,
        *,
        model: str | None = None,
        article_model: str | None = None,
        lang: str | None = None,
        extra_components: Sequence[str] = (),
        spacy_model: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        pipe_batch: int = 8,
        done: Collection[str] = frozenset(),
        stats: StatsSink | None = None,
    ) -> None:
        self.model, self.article_model, self.lang = model, article_model, lang
        self.extra_components = tuple(extra_components)
        self.spacy_model = spacy_model
        self.max_bytes = max_bytes
        self.pipe_batch = pipe_batch
        self.done = done
        self.stats = stats
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self._pipeline: Pipeline | None = None

    @property
    def pipeline(self) -> Pipeline:
        """The loaded pipeline of this worker (loaded on first use)."""
        if self._pipeline is None:
            started = time.perf_counter()
            self._pipeline = load_pipeline(
                model=self.model,
                article_model=self.article_model,
                lang=self.lang,
                extra_components=self.extra_components,
                spacy_model=self.spacy_model,
            )
            self._report(load_seconds=time.perf_counter() - started)
        return self._pipeline

    def __call__(self, batch: pa.Table) -> pa.Table:
        started = time.perf_counter()
        rows: list[dict[str, Any]] = []
        articles: list[Article] = []
        skipped = 0
        told: list[str] = []
        for source in batch.to_pylist():
            try:
                with told_warnings(told.append):
                    article = source_article(source, max_bytes=self.max_bytes)
            except UnspunError as error:
                # Listed under the record's own id when it has one, else under its place.
                failure = Failure.of_read(source_id(source), error)
                if failure.where in self.done:
                    skipped += 1
                else:
                    rows.append(
                        error_row(
                            failure.where, failure.message, source_path=source["source"], code=failure.code
                        )
                    )
                continue
            if article.id in self.done:
                skipped += 1
                continue
            articles.append(article)
        if articles:
            rows.extend(self._analyse(articles))
        failed = sum(1 for row in rows if row["error_component"] is not None)
        left_out = sum(1 for row in rows if row["error"] is not None and row["error_component"] is None)
        self._report(
            analysed=len(rows) - failed - left_out,
            failed=failed,
            left_out=left_out,
            skipped=skipped,
            seconds=time.perf_counter() - started,
            batches=1,
            warnings=told,
        )
        return rows_table(rows)

    def _analyse(self, articles: list[Article]) -> list[dict[str, Any]]:
        pipeline = self.pipeline  # a model that cannot load stops the run (ModelError)
        rows: list[dict[str, Any]] = []

        def failed(failure: Failure) -> None:
            # A failed article keeps its row (what was read, the error), under its own id.
            if failure.article is not None:
                rows.append(self._row(Analysis(failure.article)))
            else:
                rows.append(
                    error_row(failure.where, failure.message, component=failure.component, code=failure.code)
                )

        run(
            articles,
            pipeline,
            lambda analysis: rows.append(self._row(analysis)),
            batch_size=self.pipe_batch,
            on_failure=failed,
            place=lambda article: article.id,
        )
        return rows

    def _row(self, analysis: Analysis) -> dict[str, Any]:
        try:
            return analysis_row(analysis)
        except Exception as error:  # noqa: BLE001 - a serialisation failure is this article's alone
            code = error.code if isinstance(error, UnspunError) else "internal_error"
            return error_row(
                analysis.id,
                _message(error),
                source_path=analysis.article.source_path,
                component=ROW_COMPONENT,
                code=code,
            )

    def _report(self, **totals: Any) -> None:
        if self.stats is not None:
            self.stats.add(self.worker, totals)


def _message(error: BaseException) -> str:
    if isinstance(error, UnspunError):
        return error.message
    return f"{type(error).__name__}: {error}"
