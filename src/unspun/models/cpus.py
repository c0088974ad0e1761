"""How many CPUs the models may run on, and running one model call per item on them: the one
answer the ONNX runners share (the span model's windows, the e5 windows, the check-worthiness
sentences: each a single-threaded ONNX run, as many at once as there are workers), and numpy's
BLAS kept to one thread while a pipeline runs (:func:`one_blas_thread`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# The CPUs this process takes for its models when it is one of several sharing the machine (a
# worker process of unspun.parallel): set by share_cpus, None for all it may run on.
_share: int | None = None


def available_cpus() -> int:
    """CPUs this process may run on (its affinity where the platform tells, else the CPU count),
    or its share of them (:func:`share_cpus`)."""
    if _share is not None:
        return _share
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def share_cpus(count: int | None) -> None:
    """Make :func:`available_cpus` say ``count`` (None: every CPU the process may run on again),
    so that the models loaded after run on that many threads: a worker process among several
    takes one CPU, and the processes are the parallelism (:mod:`unspun.parallel`)."""
    global _share
    _share = count


def map_on_workers(run: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[run(item) for item in items]``, in order, on up to ``workers`` threads at once (in this
    thread when there is one worker or one item). ``run`` must be thread-safe (ONNX Runtime's
    ``InferenceSession.run`` is, and releases the GIL)."""
    if workers > 1 and len(items) > 1:
        with ThreadPoolExecutor(min(workers, len(items))) as pool:
            return list(pool.map(run, items))
    return [run(item) for item in items]


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Numpy's BLAS (OpenBLAS, MKL, BLIS) on one thread while the block runs, then as it was.

    The pipeline's parallelism is its own (the ONNX runs on worker threads); BLAS threads beside
    it mostly spin: on one thread, the entity step (the spaCy parse's ``(tokens, 96) x (96, 288)``
    products) took 21-29% less CPU over 20 PTC and 20 OpenWebText articles, the paragraph step
    half, for the same analyses (side by side in one process, the paragraph vectors recomputed
    each run; the whole analysis 2-6% less, on a loaded machine; on the idle machine, 40 PTC
    articles four times each way in turns after a warm-up, wall 133.9 -> 127.8 s and CPU 235 ->
    207 s, though the entity step alone takes longer in wall). BLAS threads are the process's:
    threadpoolctl lets one thread at a time set them (a block on another thread meanwhile leaves
    them alone) and restores them when the block ends. Does nothing without ``threadpoolctl``."""
    try:
        from threadpoolctl import ThreadpoolController

        limiter: Any = ThreadpoolController().limit(limits=1, user_api="blas")
    except Exception:  # noqa: BLE001 - not installed, or a library it cannot drive: BLAS left as it is
        limiter = contextlib.nullcontext()
    with limiter:
        yield
