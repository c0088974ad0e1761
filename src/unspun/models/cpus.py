"""How many CPUs the models may run on, and running one model call per item on them: the one
answer the ONNX runners share (the span model's windows, the e5 windows, the check-worthiness
sentences: each a single-threaded ONNX run, as many at once as there are workers)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def available_cpus() -> int:
    """CPUs this process may run on (its affinity where the platform tells, else the CPU count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_on_workers(run: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[run(item) for item in items]``, in order, on up to ``workers`` threads at once (in this
    thread when there is one worker or one item). ``run`` must be thread-safe (ONNX Runtime's
    ``InferenceSession.run`` is, and releases the GIL)."""
    if workers > 1 and len(items) > 1:
        with ThreadPoolExecutor(min(workers, len(items))) as pool:
            return list(pool.map(run, items))
    return [run(item) for item in items]
