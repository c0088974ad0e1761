"""The Ray engine: the batch function of :mod:`unspun.scale.worker` on Ray Data, as documented.

The plan, streamed end to end with Ray Data's back-pressure (nothing is materialised):

1. ``ray.data.read_datasource`` over the chunks planned on the driver
   (:mod:`unspun.scale.chunk`: whole lines of a JSONL file, a Parquet row group, a list of
   article files): one read task and one block per chunk, so the blocks spread over the actors
   however few files the input has, a large file streams, and a bad line stays that line's
   error (``read_json`` fails a whole file on one bad line; ``read_text`` cuts lines at U+2028);
2. (reading claims no CPU: with N actors on N CPUs a task waiting for one would hang the run,
   as it did with ``repartition``);
3. ``map_batches(AnalyseBatch, compute=ray.data.ActorPoolStrategy(size=N))``: a pool of N
   actors, each loading the models once; a dead actor is restarted and its task retried
   (no block is handed out before all N actors have started, and an actor holds one block at a
   time: otherwise the first actor up takes every block of a small input while the others start,
   as a CI run measured);
   Ray Data's own defaults for an actor pool: ``max_restarts=-1``, ``max_task_retries=-1``;
   passing other values goes through ``**ray_remote_args``, deprecated since Ray 2.60;
4. ``write_parquet(min_rows_per_file=part_rows)``: parts of about ``part_rows`` rows (one per
   block would make millions of tiny files), each written by one task.

``ray.init(address=...)`` joins a cluster (``auto``, ``ray://host:10001`` or ``$RAY_ADDRESS``);
without an address a local Ray starts (``num_cpus`` = this machine's CPUs, no dashboard). An
already initialised Ray (a notebook, the tests) is used as it is and left running.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from unspun.errors import AnalysisError, ConfigError, UnspunError
from unspun.extras import missing_extra
from unspun.scale.chunk import Chunk, read_chunk
from unspun.scale.worker import StatsBook

# The reading and writing tasks are light and claim no CPU: with N actors on N CPUs, tasks
# that wait for even a fraction of one would never run (the run would hang, as measured).
LIGHT_CPUS = 0

# How long the run waits for all its actors to start (a cluster without room for them fails
# with a message saying so, rather than running on fewer workers than asked).
ACTOR_START_SECONDS = 300


def import_ray() -> Any:
    """The ``ray`` module; raises :class:`~unspun.errors.MissingExtraError` (a
    :class:`ConfigError`) saying how to install it when missing."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise missing_extra("--engine ray (Ray)", "scale") from None
    return ray


def connect(address: str | None, *, workers: int, verbose: bool = False) -> bool:
    """Join the Ray at ``address`` (or ``$RAY_ADDRESS``), or start a local one (logging at
    warning level unless ``verbose``).

    Returns whether this call started Ray (and so should shut it down). Raises
    :class:`ConfigError` when the cluster cannot be reached.
    """
    ray = import_ray()
    if ray.is_initialized():
        return False
    address = address or os.environ.get("RAY_ADDRESS") or None
    level = logging.INFO if verbose else logging.WARNING
    try:
        if address:
            ray.init(address=address, log_to_driver=False, logging_level=level)
        else:
            ray.init(
                num_cpus=max(workers, os.cpu_count() or 1),
                include_dashboard=False,
                log_to_driver=False,
                logging_level=level,
            )
    except ConnectionError as error:
        raise ConfigError(f"cannot reach the Ray cluster at {address} ({error}); check --address") from None
    return True


@contextmanager
def quiet_ray(quiet: bool = True) -> Iterator[None]:
    """Ray's loggers (``ray``, ``ray.data``, ...) at warning level within the block, when ``quiet``:
    Ray Data logs every stage of a run at INFO level on the driver's stderr. Their levels are put
    back afterwards (a notebook's own logging is left as it was)."""
    if not quiet:
        yield
        return
    names = ["ray", *(n for n in logging.root.manager.loggerDict if n.startswith("ray."))]
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.level, logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _reader(chunk: Chunk) -> Callable[[], list[Any]]:
    return lambda: [read_chunk(chunk)]


def _chunk_datasource() -> type:
    from ray.data import Datasource, ReadTask
    from ray.data.block import BlockMetadata

    class ChunkDatasource(Datasource):
        """One read task, and one block, per chunk (see :mod:`unspun.scale.chunk`)."""

        def __init__(self, chunks: list[Chunk]) -> None:
            self.chunks = chunks

        def estimate_inmemory_data_size(self) -> int | None:
            return None

        def get_read_tasks(
            self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None
        ) -> list[Any]:
            from unspun.scale.source import SOURCE_SCHEMA

            metadata = BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None, input_files=None)
            return [ReadTask(_reader(chunk), metadata, schema=SOURCE_SCHEMA) for chunk in self.chunks]

    return ChunkDatasource


class RemoteStats:
    """A :class:`~unspun.scale.worker.StatsSink` that forwards to a Ray actor holding a StatsBook."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    def add(self, worker: str, totals: dict[str, Any]) -> None:
        import ray

        # Waited for (a few ms a batch), so that the driver's summary after the run counts every batch.
        ray.get(self.actor.add.remote(worker, totals))


def run_ray(
    chunks: list[Chunk],
    output: str,
    *,
    analyser_class: type,
    analyser_options: dict[str, Any],
    workers: int,
    part_rows: int,
) -> dict[str, dict[str, Any]]:
    """Run the plan above; returns each worker's totals (see :class:`StatsBook`).

    Raises :class:`AnalysisError` when the run fails (the first unspun error when there is one).
    """
    ray = import_ray()
    if not chunks:
        return {}
    context = ray.data.DataContext.get_current()  # read when the dataset is made, so set first
    waited_before, context.wait_for_min_actors_s = context.wait_for_min_actors_s, ACTOR_START_SECONDS
    sources = ray.data.read_datasource(
        _chunk_datasource()(chunks), override_num_blocks=len(chunks), num_cpus=LIGHT_CPUS
    )
    book = ray.remote(num_cpus=0)(StatsBook).remote()
    rows = sources.map_batches(
        analyser_class,
        batch_size=None,  # a chunk is a batch (see unspun.scale.batch)
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=1),
        fn_constructor_kwargs={**analyser_options, "stats": RemoteStats(book)},
        num_cpus=1,
    )
    path, filesystem = _sink(output)
    try:
        rows.write_parquet(
            path, filesystem=filesystem, min_rows_per_file=part_rows, ray_remote_args={"num_cpus": LIGHT_CPUS}
        )
    except ray.exceptions.GetTimeoutError:
        raise AnalysisError(
            f"the Ray cluster did not start {workers} workers in {ACTOR_START_SECONDS} s "
            "(each needs one CPU); pass fewer --workers"
        ) from None
    except Exception as error:  # noqa: BLE001 - Ray wraps the worker's error; translated once here
        cause = _unspun_cause(error)
        if cause is not None:
            raise cause from None
        raise AnalysisError(
            f"the Ray run failed ({type(error).__name__}: {error}); rerun to finish"
        ) from None
    finally:
        context.wait_for_min_actors_s = waited_before
    summary: dict[str, dict[str, Any]] = ray.get(book.summary.remote())
    return summary


def _sink(output: str) -> tuple[str, Any]:
    """The path and pyarrow filesystem ``write_parquet`` writes to (fsspec's, for any URL)."""
    from pyarrow.fs import FSSpecHandler, PyFileSystem

    from unspun.scale.output import output_fs

    fs, path = output_fs(output)
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    if protocol in {"file", "local"}:
        return path, None
    return path, PyFileSystem(FSSpecHandler(fs))


def _unspun_cause(error: BaseException) -> UnspunError | None:
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, UnspunError):
            return seen
        seen = seen.__cause__ or getattr(seen, "cause", None)
    return None
