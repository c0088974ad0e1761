"""The Ray engine: the batch function of :mod:`unspun.scale.worker` on Ray Data, as documented.

The plan, streamed end to end with Ray Data's back-pressure (nothing is materialised):

1. article files become source rows with ``ray.data.from_items``; container files (JSONL,
   Parquet) are read by a generator in ``map_batches`` (``batch_size=1``: one file per task,
   yielding blocks of rows), so a large file streams and a bad line stays that line's error;
2. ``map_batches(AnalyseBatch, compute=ray.data.ActorPoolStrategy(size=N))``: a pool of N
   actors, each loading the models once; a dead actor is restarted and its task retried
   (Ray Data's own defaults for an actor pool: ``max_restarts=-1``, ``max_task_retries=-1``;
   passing other values goes through ``**ray_remote_args``, deprecated since Ray 2.60);
3. ``write_parquet``: one part per block into OUTPUT.

``ray.init(address=...)`` joins a cluster (``auto``, ``ray://host:10001`` or ``$RAY_ADDRESS``);
without an address a local Ray starts (``num_cpus`` = this machine's CPUs, no dashboard). An
already initialised Ray (a notebook, the tests) is used as it is and left running.
"""

from __future__ import annotations

import os
from typing import Any

from unspun.errors import AnalysisError, ConfigError, UnspunError
from unspun.scale.source import Inputs, file_rows, read_sources
from unspun.scale.worker import StatsBook

INSTALL = "pip install 'unspun[scale]'"
# The reading and writing tasks are light and claim no CPU: with N actors on N CPUs, tasks
# that wait for even a fraction of one would never run (the run would hang, as measured).
LIGHT_CPUS = 0


def import_ray() -> Any:
    """The ``ray`` module; raises :class:`ConfigError` saying how to install it when missing."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError(f"--engine ray needs Ray, which comes with the scale extra: {INSTALL}") from None
    return ray


def connect(address: str | None, *, workers: int) -> bool:
    """Join the Ray at ``address`` (or ``$RAY_ADDRESS``), or start a local one.

    Returns whether this call started Ray (and so should shut it down). Raises
    :class:`ConfigError` when the cluster cannot be reached.
    """
    ray = import_ray()
    if ray.is_initialized():
        return False
    address = address or os.environ.get("RAY_ADDRESS") or None
    try:
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=max(workers, os.cpu_count() or 1), include_dashboard=False, log_to_driver=False)
    except ConnectionError as error:
        raise ConfigError(f"cannot reach the Ray cluster at {address} ({error}); check --address") from None
    return True


class RemoteStats:
    """A :class:`~unspun.scale.worker.StatsSink` that forwards to a Ray actor holding a StatsBook."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    def add(self, worker: str, totals: dict[str, Any]) -> None:
        self.actor.add.remote(worker, totals)


def run_ray(
    inputs: Inputs,
    files: list[tuple[str, str]],
    output: str,
    *,
    analyser_class: type,
    analyser_options: dict[str, Any],
    workers: int,
    batch_size: int,
) -> dict[str, dict[str, Any]]:
    """Run the plan above; returns each worker's totals (see :class:`StatsBook`).

    Raises :class:`AnalysisError` when the run fails (the first unspun error when there is one).
    """
    ray = import_ray()
    pieces = []
    if files:
        pieces.append(ray.data.from_items(file_rows(files)))
    if inputs.containers:
        containers = ray.data.from_items(
            [{"source": url} for url in inputs.containers], override_num_blocks=len(inputs.containers)
        )
        pieces.append(
            containers.map_batches(read_sources, batch_size=1, batch_format="pyarrow", num_cpus=LIGHT_CPUS)
        )
    if not pieces:
        return {}
    sources = pieces[0].union(*pieces[1:]) if len(pieces) > 1 else pieces[0]
    book = ray.remote(num_cpus=0)(StatsBook).remote()
    rows = sources.map_batches(
        analyser_class,
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=workers),
        fn_constructor_kwargs={**analyser_options, "stats": RemoteStats(book)},
        num_cpus=1,
    )
    path, filesystem = _sink(output)
    try:
        rows.write_parquet(path, filesystem=filesystem, ray_remote_args={"num_cpus": LIGHT_CPUS})
    except Exception as error:  # noqa: BLE001 - Ray wraps the worker's error; translated once here
        cause = _unspun_cause(error)
        if cause is not None:
            raise cause from None
        raise AnalysisError(
            f"the Ray run failed ({type(error).__name__}: {error}); rerun to finish"
        ) from None
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
