"""Run a training script in a child process that kills itself with SIGKILL right after a chosen
unit of its run folder is recorded as finished (``kill_at``): a ``kill -9`` in the middle of a
run, for the resume tests of every resumable trainer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

# Prepended to a script: with KILL_AT=<unit> the process dies right after that unit is recorded.
KILL_AFTER_UNIT = """
import os, signal, sys
from pathlib import Path
from unspun.training import runs

if os.environ.get("KILL_AT"):
    mark_done = runs.Run.mark_done
    def mark_and_die(self, unit, **info):
        mark_done(self, unit, **info)
        if unit == os.environ["KILL_AT"]:
            os.kill(os.getpid(), signal.SIGKILL)
    runs.Run.mark_done = mark_and_die
"""


def run_killable(
    script: str, args: list[str], cache: os.PathLike[str] | str, kill_at: str = "", timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``script`` (after :data:`KILL_AFTER_UNIT`) run with ``args`` on one thread, its cache in
    ``cache``; it kills itself after the unit ``kill_at`` when given."""
    env = {**os.environ, "UNSPUN_CACHE": str(cache), "KILL_AT": kill_at, "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-c", KILL_AFTER_UNIT + script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def kill_then_resume(
    script: str, args: list[str], cache: Path, kill_at: str
) -> tuple[Path, list[str], subprocess.CompletedProcess[str]]:
    """Run ``script`` killed right after the unit ``kill_at``, then again to its end (both must
    do so); return the run folder (the one under ``cache/runs``), its finished units in the order
    they finished, and the resumed run."""
    killed = run_killable(script, args, cache, kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    resumed = run_killable(script, args, cache)
    assert resumed.returncode == 0, resumed.stderr
    (work,) = (Path(cache) / "runs").iterdir()
    units = [line.split("\t")[0] for line in (work / "units.log").read_text("utf-8").splitlines()]
    return work, units, resumed
