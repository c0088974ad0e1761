"""Analyse a stream of articles in several worker processes, in input order.

One process leaves most of a machine's second core idle: the spaCy parse, the Python between the
model calls and the article-level heads run one after the other, and an article's few encoder
windows keep two cores busy only while they run (``benchmarks/speed.py``: 92.5 CPU s in 76.7 s
wall for 80 PTC articles on two cores). :class:`ParallelPipeline` runs ``workers`` processes,
each with the whole pipeline loaded and every model on one thread (:func:`unspun.models.cpus.share_cpus`),
and hands each a few articles at a time; the analyses come back in input order, the same as one
process makes (each article's analysis is its own: no model batches articles together in a way
that changes a result, :mod:`unspun.models.span_model`).

:func:`open_pipeline` is what a front-end calls: the loaded pipeline itself for one worker, else
a started :class:`ParallelPipeline`; both satisfy :class:`unspun.runner.Analyser`, so
:func:`unspun.runner.run` runs either. :func:`parse_workers` and :func:`auto_workers` read ``--workers``.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any

from unspun.errors import AnalysisError, ConfigError
from unspun.models.cpus import available_cpus

if TYPE_CHECKING:
    from unspun.analysis import Pipeline
    from unspun.config import ModelSettings
    from unspun.document import Analysis, Article
    from unspun.runner import Analyser

# Articles handed to a worker at a time: small, so that a short folder still keeps every worker
# busy and the last articles do not wait on one worker; an article's analysis takes about a
# second, beside which sending it and its analysis between processes is nothing.
CHUNK = 2
# Chunks sent ahead per worker: enough that no worker waits for the next while the first chunk's
# analyses are handed out, few enough that little is held in memory.
AHEAD = 2
AUTO = "auto"
# ``auto`` gives each worker at least this many articles: a worker pays its own model loading and
# its first article's (some 8 s and 4 CPU s), which a short folder does not win back.
PER_WORKER = 4
# What one worker process holds at its peak, the whole pipeline loaded (1.76 GB peak RSS over 80
# PTC articles, benchmarks/speed.py), rounded up: ``auto`` starts no more workers than fit.
WORKER_BYTES = 2 << 30

# The worker process's pipeline, loaded once by _start_worker (or the error that stopped it).
_pipeline: Pipeline | None = None
_load_error: BaseException | None = None


def parse_workers(value: str | int) -> int | None:
    """``--workers value`` read: a whole number of at least 1, or None for ``auto``
    (:func:`auto_workers`). Raises :class:`unspun.errors.ConfigError` for anything else."""
    if isinstance(value, str) and value.strip().lower() == AUTO:
        return None
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = 0
    if count < 1:
        raise ConfigError(
            f"--workers must be '{AUTO}' or a whole number of at least 1, not {str(value)!r}; "
            f"give --workers {AUTO} (one process per CPU) or --workers 1 (no worker processes)"
        )
    return count


def auto_workers(inputs: int | None, *, many: bool = False) -> int:
    """The worker processes ``--workers auto`` runs: one per CPU
    (:func:`unspun.models.cpus.available_cpus`), no more than the memory free holds
    (:data:`WORKER_BYTES` each) and no more than one per :data:`PER_WORKER` of the ``inputs``
    counted (1 for a short folder; None: unknown, then one per CPU when the input holds ``many``
    articles, a feed or a JSONL file read from standard input, else 1)."""
    if inputs is None and not many:
        return 1
    count = min(available_cpus(), _memory_for())
    return max(1, count if inputs is None else min(count, inputs // PER_WORKER))


def _memory_for() -> int:
    """How many workers the memory available now holds (a great many where the platform does not
    tell). Available, not free: the page cache a loaded machine fills is given back on demand
    (``SC_AVPHYS_PAGES`` alone counted it as taken and gave one worker with 18 GB available)."""
    free = _available_bytes()
    return 1 << 16 if free is None else max(1, free // WORKER_BYTES)


def _available_bytes() -> int | None:
    """The memory available to a new process: Linux's ``MemAvailable``, else the free pages."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def _start_worker(settings: ModelSettings | None, lang: str | None) -> None:
    """A worker process's start: every model on one thread (the processes are the parallelism),
    then the pipeline loaded. An error loading it is kept and raised by each chunk it is given,
    so that the front-end shows the model error itself, not a broken pool."""
    global _pipeline, _load_error
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = "1"
    from unspun.models.cpus import share_cpus

    share_cpus(1)
    try:
        import sys

        from unspun.analysis import load_pipeline

        _pipeline = load_pipeline(settings, lang=lang)
        if "torch" in sys.modules:  # the torch encoders set no count of their own
            sys.modules["torch"].set_num_threads(1)
    except BaseException as error:  # noqa: BLE001 - handed to the parent, which raises it
        _load_error = error


def _loaded() -> None:
    """Nothing, in a worker whose pipeline loaded; its load error otherwise."""
    if _load_error is not None:
        raise _load_error


def _analyse(articles: list[Article]) -> list[Analysis]:
    """The analyses of ``articles`` made by this worker's pipeline, in order."""
    _loaded()
    assert _pipeline is not None
    return list(_pipeline.pipe(articles, batch_size=max(len(articles), 1)))


class ParallelPipeline:
    """The default pipeline run in ``workers`` processes (see the module's docstring).

    :meth:`start` starts the processes and waits until each loaded its models (raising the
    :class:`unspun.errors.ModelError` of one that could not); :meth:`pipe` analyses; :meth:`close`
    ends the processes (also on leaving a ``with`` block)."""

    def __init__(
        self, settings: ModelSettings | None = None, *, lang: str | None = None, workers: int = 2
    ) -> None:
        if workers < 1:
            raise ConfigError(f"a parallel pipeline needs at least 1 worker, not {workers}")
        self.settings, self.lang, self.workers = settings, lang, workers
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the worker processes and wait until each has loaded the pipeline."""
        if self._pool is not None:
            return
        self._pool = ProcessPoolExecutor(
            self.workers,
            # spawned, not forked: a fork would copy the parent's ONNX Runtime and torch thread state
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.settings, self.lang),
        )
        try:
            for future in [self._pool.submit(_loaded) for _ in range(self.workers)]:
                self._result(future)
        except BaseException:
            self.close()
            raise

    def pipe(self, articles: Iterable[Article], *, batch_size: int = 8) -> Iterator[Analysis]:
        """Analyse ``articles``, yielding one :class:`Analysis` each, in input order; as
        :meth:`unspun.analysis.Pipeline.pipe` (a failed article is kept on its analysis; an
        error reading ``articles`` is raised once the articles read before it are handed out).
        ``batch_size`` bounds the articles one worker is given at a time."""
        self.start()
        assert self._pool is not None
        iterator = iter(articles)
        chunk = max(1, min(CHUNK, batch_size))
        pending: deque[Future[list[Analysis]]] = deque()
        unread: BaseException | None = None
        read_all = False
        try:
            while True:
                while not read_all and len(pending) < self.workers * AHEAD:
                    try:
                        batch = list(islice(iterator, chunk))
                    except Exception as error:  # noqa: BLE001 - raised once the articles before are out
                        unread, batch = error, []
                    if not batch:
                        read_all = True
                        break
                    pending.append(self._pool.submit(_analyse, batch))
                if not pending:
                    break
                yield from self._result(pending.popleft())
            if unread is not None:
                raise unread
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """End the worker processes (those busy finish their chunk first)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ParallelPipeline:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _result(self, future: Future[Any]) -> Any:
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise AnalysisError(
                "a worker process stopped before it finished (out of memory, killed, or started from "
                'a Python script without an `if __name__ == "__main__":` guard, which spawned '
                "workers need); run again with --workers 1, or with fewer workers"
            ) from exc


@contextmanager
def open_pipeline(
    settings: ModelSettings | None = None, *, lang: str | None = None, workers: int = 1
) -> Iterator[Analyser]:
    """The pipeline a front-end runs over a stream of articles: the default pipeline loaded in
    this process for one worker (:func:`unspun.analysis.load_pipeline`), else a started
    :class:`ParallelPipeline` of ``workers`` processes, closed when the block ends. Raises
    :class:`unspun.errors.ModelError` when a model cannot load, before any article is analysed."""
    if workers <= 1:
        from unspun.analysis import load_pipeline

        yield load_pipeline(settings, lang=lang)
        return
    with ParallelPipeline(settings, lang=lang, workers=workers) as pipeline:
        yield pipeline
