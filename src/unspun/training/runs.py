"""Run folders: long training jobs that survive being stopped (``kill -9`` included).

A run folder is ``$UNSPUN_CACHE/runs/<name>-<digest>``, the digest taken over what decides the
result (the resolved recipe, the data's identity, the seed): the same command finds the same
folder, a changed recipe or corpus a new one. Inside it:

- ``lock``: held with :func:`fcntl.flock` while a run works there. A second run on the folder is
  refused at once (:class:`RunLockedError`, naming the folder and the pid holding it); the kernel
  drops the lock of a killed process, so a run stopped by ``kill -9`` never blocks the next one.
- ``done/<unit>.json``: one marker per finished unit (an epoch, a fold, an artefact), written
  after the unit's own files, atomically. Finished units are never redone.
- ``units.log``: one line per finished unit (its name and the pid that did it), so that one can
  see -- and a test can check -- that no unit was done twice.
- whatever the job keeps there (epoch checkpoints, fold models), each written with
  :func:`atomic_write_bytes` / :func:`atomic_dir`: a temporary name, fsync, rename, so a file
  is either whole or absent.

``fresh=True`` (``--fresh`` on the command line) removes the folder's state and starts over.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO

from unspun.errors import InputNotFoundError, RunLockedError
from unspun.paths import cache_dir
from unspun.progress import reporter

LOCK = "lock"
DONE = "done"
UNITS_LOG = "units.log"


def digest(identity: Any) -> str:
    """A short, stable digest (12 hex characters) of a JSON-able ``identity``."""
    text = json.dumps(identity, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def data_identity(folder: Path, pattern: str = "**/*") -> str:
    """A digest of the files of ``folder`` matching ``pattern``: their relative paths and
    contents, so a copied corpus keeps its identity and an edited one gets a new one. Raises
    :class:`InputNotFoundError` when ``folder`` is not a folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputNotFoundError(f"data folder {folder} not found; point --data to the training data")
    sha = hashlib.sha256()
    for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
        sha.update(str(path.relative_to(folder)).encode("utf-8") + b"\0")
        sha.update(path.read_bytes())
        sha.update(b"\0")
    return sha.hexdigest()[:16]


def run_folder(name: str, identity: Any) -> Path:
    """``$UNSPUN_CACHE/runs/<name>-<digest of identity>``."""
    return cache_dir() / "runs" / f"{name}-{digest(identity)}"


def task_run_folder(task: str, config_path: Path, data_dir: Path, seed: int | None = None) -> Path:
    """The run folder of ``unspun train TASK`` with a config file: named by the task and the
    config's name, keyed by the config's text, ``seed`` and the content of ``data_dir``."""
    text = Path(config_path).read_text(encoding="utf-8")
    identity = {"config": text, "seed": seed, "data": data_identity(Path(data_dir))}
    return run_folder(f"{task}-{Path(config_path).stem}", identity)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp{os.getpid()}")


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """Yield a binary handle whose bytes land in ``path`` whole or not at all: they go to a
    temporary file, which is fsynced and renamed to ``path`` when the block ends without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_name(path)
    try:
        with open(temp, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    os.replace(temp, path)
    _fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (:func:`atomic_file`)."""
    with atomic_file(path) as handle:
        handle.write(data)


def atomic_write_json(path: Path, value: Any) -> None:
    """:func:`atomic_write_bytes` of ``value`` as indented JSON."""
    atomic_write_bytes(path, (json.dumps(value, indent=2, default=str) + "\n").encode("utf-8"))


@contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; when the block ends without an error, its files
    are fsynced and it is renamed to ``path`` (replacing a folder there). A stopped block leaves
    only a temporary folder, which the next call removes."""
    path = Path(path)
    temp = _temp_name(path)
    for stale in path.parent.glob(f".{path.name}.tmp*"):
        shutil.rmtree(stale, ignore_errors=True)
    temp.mkdir(parents=True)
    yield temp
    for file in temp.rglob("*"):
        if file.is_file():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
    if path.exists():
        shutil.rmtree(path)
    os.replace(temp, path)
    _fsync_dir(path.parent)


class Run:
    """A locked run folder: finished units, their markers and what is left.

    Made by :func:`open_run`; the lock is held until its ``with`` block ends (or the process dies).
    """

    def __init__(self, folder: Path, log: Callable[[str], None] = print) -> None:
        self.folder = Path(folder)
        self.log = log
        self._started = time.monotonic()

    def path(self, *parts: str) -> Path:
        """A path inside the run folder."""
        return self.folder.joinpath(*parts)

    def _marker(self, unit: str) -> Path:
        return self.folder / DONE / f"{unit.replace('/', '--')}.json"

    def is_done(self, unit: str) -> bool:
        """Whether ``unit`` (e.g. ``"fold1/epoch2"``) was finished by this run or an earlier one."""
        return self._marker(unit).is_file()

    def info(self, unit: str) -> dict[str, Any]:
        """What :meth:`mark_done` recorded for ``unit`` (``{}`` when it is not done)."""
        try:
            return dict(json.loads(self._marker(unit).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def mark_done(self, unit: str, **info: Any) -> None:
        """Record ``unit`` as finished (after its files are written), with ``info``."""
        atomic_write_json(self._marker(unit), {"unit": unit, "pid": os.getpid(), "at": time.time(), **info})
        with open(self.folder / UNITS_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{unit}\t{os.getpid()}\n")
            handle.flush()
            os.fsync(handle.fileno())

    def done_units(self) -> list[str]:
        """The units finished so far, in the order they were finished."""
        path = self.folder / UNITS_LOG
        if not path.is_file():
            return []
        return [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines() if line]

    def tell(self, stage: str, done: int, total: int, seconds_per_unit: float | None = None) -> None:
        """Say how far ``stage`` is (``done`` of ``total`` units) and, given the seconds a unit takes,
        about how long is left; progress listeners (:mod:`unspun.progress`) hear it too."""
        left = total - done
        line = f"{stage}: {done} of {total} done, {left} left"
        if seconds_per_unit is not None and left > 0:
            line += f", about {_duration(left * seconds_per_unit)} to go"
        self.log(line)
        report = reporter(stage)
        if report is not None:
            report(done, total)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _lock(folder: Path) -> IO[str]:
    """Take the folder's lock (non-blocking) and write our pid in it; :class:`RunLockedError`
    when another process holds it."""
    import fcntl

    handle = open(folder / LOCK, "a+", encoding="utf-8")  # noqa: SIM115 - held until the run ends
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise RunLockedError(
            f"run folder {folder} is in use by process {holder}; wait for it to finish, or stop it first"
        ) from exc
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def clear(folder: Path) -> None:
    """Remove everything in ``folder`` but its lock (the caller holds it)."""
    for child in Path(folder).iterdir():
        if child.name == LOCK:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


@contextmanager
def open_run(
    folder: Path,
    *,
    fresh: bool = False,
    about: Mapping[str, Any] | None = None,
    log: Callable[[str], None] = print,
) -> Iterator[Run]:
    """Lock the run folder ``folder`` (made if missing) for the ``with`` block and yield its
    :class:`Run`. ``fresh`` removes its state first. ``about`` (what the run is: recipe, data,
    command) is written to ``run.json`` for whoever looks into the folder later.

    Raises :class:`RunLockedError` when another process works in the folder.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    handle = _lock(folder)
    try:
        if fresh:
            clear(folder)
            log(f"--fresh: cleared the run folder {folder}")
        if about is not None and not (folder / "run.json").is_file():
            atomic_write_json(folder / "run.json", dict(about))
        yield Run(folder, log)
    finally:
        handle.close()  # releases the flock


def train_once(
    folder: Path,
    out_dir: Path,
    train: Callable[[Path, Run], Any],
    *,
    what: str,
    fresh: bool = False,
    about: Mapping[str, Any] | None = None,
    log: Callable[[str], None] = print,
) -> Any:
    """Train a model in the run folder ``folder`` once and copy it to ``out_dir``; return what
    ``train`` returned (its report).

    ``train(temp, run)`` writes the model into the folder ``temp`` (renamed to ``<folder>/model``
    when it returns) and may keep finer units (epochs) in ``run``. When ``<folder>/model`` is
    finished already, nothing is trained: it is copied again and its report returned. ``fresh``
    starts over. Raises :class:`RunLockedError` when another process works in ``folder``.
    """
    with open_run(folder, fresh=fresh, about=about, log=log) as run:
        model = run.path("model")
        if run.is_done("model"):
            log(f"reusing the {what} model already trained in {model} (--fresh trains it again)")
            result = run.info("model").get("result")
        else:
            with atomic_dir(model) as temp:
                result = train(temp, run)
            run.mark_done("model", result=result)
        shutil.copytree(model, out_dir, dirs_exist_ok=True)
    return result
