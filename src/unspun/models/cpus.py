"""How many CPUs the models may run on: the one answer the ONNX runners share."""

from __future__ import annotations

import os


def available_cpus() -> int:
    """CPUs this process may run on (its affinity where the platform tells, else the CPU count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
