"""The output folder of a batch: a Parquet dataset, with the failures and the report beside it.

``OUTPUT/*.parquet`` are the parts (one per block or batch, each written whole: a local part is
written under a temporary name and renamed); ``OUTPUT/_errors.jsonl`` lists the articles that
failed, ``{"id": ..., "error": ...}`` one a line, under each article's own id;
``OUTPUT/_report.json`` is the last run's report. Parquet readers skip names starting with ``_``
or ``.`` (as Spark writes ``_SUCCESS``), so the folder is a dataset as it is:
``pandas.read_parquet(OUTPUT)``, ``pyarrow.parquet.read_table(OUTPUT)``, DuckDB's
``read_parquet('OUTPUT/*.parquet')`` and Spark's ``spark.read.parquet(OUTPUT)`` read every row.
An output of an older unspun (``errors.jsonl``, which readers did not skip) is read as well, and
its errors file renamed by the next run.

What the folder holds decides what a new run skips (:func:`scan_output`): every id in a
readable part, failures included (their rows carry the error), and every id in the errors file.
A part that cannot be read (a crash while it was written) is removed, and its articles are
analysed again.
"""

from __future__ import annotations

import json
import posixpath
import uuid
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from unspun.errors import ConfigError

ERRORS_FILE = "_errors.jsonl"
REPORT_FILE = "_report.json"
LEGACY_ERRORS_FILE = "errors.jsonl"  # unspun 0.2's name, inside the dataset


@dataclass(slots=True)
class OutputState:
    """What an output folder holds: the ids done, the failures among them, the parts."""

    ids: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def output_fs(output: str) -> tuple[Any, str]:
    """The fsspec filesystem and path of an output folder (local path or URL)."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(str(output))
    return fs, path.rstrip("/")


def prepare_output(output: str) -> None:
    """Make the output folder, or fail before any work when it cannot be one.

    Raises:
        ConfigError: ``output`` is a file, or the folder cannot be made.
    """
    fs, path = output_fs(output)
    if fs.exists(path) and not fs.isdir(path):
        raise ConfigError(f"{output} is a file; give a folder for the Parquet dataset")
    try:
        fs.makedirs(path, exist_ok=True)
    except OSError as error:
        raise ConfigError(
            f"cannot make the output folder {output} ({error}); choose another OUTPUT"
        ) from None


def scan_output(output: str, *, remove_broken: bool = True) -> OutputState:
    """The ids, failures and parts already in ``output`` (empty when it does not exist yet)."""
    fs, path = output_fs(output)
    state = OutputState()
    if not fs.isdir(path):
        return state
    for part in sorted(p for p in fs.ls(path, detail=False) if p.endswith(".parquet")):
        try:
            with fs.open(part, "rb") as handle:
                table = pq.read_table(handle, columns=["id", "error"])
        except (OSError, pa.ArrowException):
            if remove_broken:
                fs.rm(part)
            state.removed.append(part)
            continue
        state.parts.append(part)
        for id, error in zip(table.column("id").to_pylist(), table.column("error").to_pylist(), strict=True):
            state.ids.add(id)
            if error is not None:
                state.errors[id] = error
    for name in (ERRORS_FILE, LEGACY_ERRORS_FILE):
        errors_path = posixpath.join(path, name)
        if fs.exists(errors_path):
            with fs.open(errors_path, "r", encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        record = json.loads(line)
                        state.ids.add(record["id"])
                        state.errors.setdefault(record["id"], record["error"])
    return state


def write_part(output: str, table: pa.Table, *, run: str, number: int) -> str:
    """Write one part whole: under a temporary name first, then renamed (a crash leaves no half part)."""
    fs, path = output_fs(output)
    name = posixpath.join(path, f"part-{run}-{number:06d}.parquet")
    temporary = posixpath.join(path, f".{uuid.uuid4().hex}.tmp")
    with fs.open(temporary, "wb") as handle:
        pq.write_table(table, handle)
    fs.mv(temporary, name)
    return name


def write_text(output: str, name: str, text: str) -> None:
    """Replace ``OUTPUT/name`` with ``text`` (written under a temporary name, then renamed)."""
    fs, path = output_fs(output)
    temporary = posixpath.join(path, f".{uuid.uuid4().hex}.tmp")
    with fs.open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    fs.mv(temporary, posixpath.join(path, name))


def write_errors(output: str, errors: dict[str, str]) -> None:
    """``OUTPUT/_errors.jsonl``: every failure the folder holds, sorted by id (an older
    ``errors.jsonl``, already read into ``errors``, is removed: it would break Parquet readers)."""
    lines = [json.dumps({"id": id, "error": errors[id]}, ensure_ascii=False) for id in sorted(errors)]
    write_text(output, ERRORS_FILE, "".join(line + "\n" for line in lines))
    fs, path = output_fs(output)
    legacy = posixpath.join(path, LEGACY_ERRORS_FILE)
    if fs.exists(legacy):
        fs.rm(legacy)


def read_rows(output: str) -> pa.Table:
    """Every row of the output's parts, sorted by id (for checks and small corpora)."""
    from unspun.scale.row import ROW_SCHEMA

    state = scan_output(output, remove_broken=False)
    fs, _ = output_fs(output)
    tables = [ROW_SCHEMA.empty_table()]
    for part in state.parts:
        with fs.open(part, "rb") as handle:
            tables.append(pq.read_table(handle).select(ROW_SCHEMA.names).cast(ROW_SCHEMA))
    return pa.concat_tables(tables).sort_by("id")
