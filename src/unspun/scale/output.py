"""The output folder of a batch: a Parquet dataset, with the failures and the report beside it.

``OUTPUT/*.parquet`` are the parts (one per block or batch, each written whole: a local part is
written under a temporary name and renamed); ``OUTPUT/_errors.jsonl`` lists the articles that
failed or could not be read, one a line, sorted by each article's own ``id``, with the fields of
the failure record every front-end shares (:class:`unspun.runner.Failure`): ``where`` (the file,
``path (id)`` for a record of a JSONL file or feed), ``component`` (null: the input could not be
read), ``code`` and ``message``;
``OUTPUT/_report.json`` is the last run's report. Parquet readers skip names starting with ``_``
or ``.`` (as Spark writes ``_SUCCESS``), so the folder is a dataset as it is:
``pandas.read_parquet(OUTPUT)``, ``pyarrow.parquet.read_table(OUTPUT)``, DuckDB's
``read_parquet('OUTPUT/*.parquet')`` and Spark's ``spark.read.parquet(OUTPUT)`` read every row.
An output of an older unspun (``errors.jsonl``, which readers did not skip; lines of ``id`` and
``error`` alone; parts without the ``error_component`` and ``error_code`` columns) is read as well,
and its errors file rewritten by the next run.

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
from unspun.runner import place

ERRORS_FILE = "_errors.jsonl"
REPORT_FILE = "_report.json"
LEGACY_ERRORS_FILE = "errors.jsonl"  # unspun 0.2's name, inside the dataset
# The columns of a part that say whether, where and how its articles failed.
FAILURE_COLUMNS = ("id", "source_path", "error", "error_component", "error_code")


@dataclass(slots=True)
class OutputState:
    """What an output folder holds: the ids done, the failures among them (each a line of the
    errors file, by id), the parts."""

    ids: set[str] = field(default_factory=set)
    errors: dict[str, dict[str, Any]] = field(default_factory=dict)
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
                parquet = pq.ParquetFile(handle)
                columns = [c for c in FAILURE_COLUMNS if c in parquet.schema_arrow.names]
                table = parquet.read(columns=columns)
        except (OSError, pa.ArrowException):
            if remove_broken:
                fs.rm(part)
            state.removed.append(part)
            continue
        state.parts.append(part)
        for row in table.to_pylist():
            state.ids.add(row["id"])
            if row["error"] is not None:
                state.errors[row["id"]] = failure_record(row)
    for name in (ERRORS_FILE, LEGACY_ERRORS_FILE):
        errors_path = posixpath.join(path, name)
        if fs.exists(errors_path):
            with fs.open(errors_path, "r", encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        record = json.loads(line)
                        state.ids.add(record["id"])
                        if "message" not in record:  # an older unspun's line: id and error
                            record = failure_record({"id": record["id"], "error": record["error"]})
                        state.errors.setdefault(record["id"], record)
    return state


def failure_record(row: dict[str, Any]) -> dict[str, Any]:
    """The errors file's line of an output row that failed: its ``id`` and the fields of
    :class:`unspun.runner.Failure` (``where`` by :func:`unspun.runner.place`; an older part
    without ``error_component`` and ``error_code`` gives its ``error`` as the message, code
    ``error``)."""
    component = row.get("error_component")
    message = str(row["error"])
    if component:
        message = message.removeprefix(f"{component}: ")
    return {
        "id": row["id"],
        "where": place(row.get("source_path"), row["id"]),
        "component": component,
        "code": row.get("error_code") or "error",
        "message": message,
    }


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


def write_errors(output: str, errors: dict[str, dict[str, Any]]) -> None:
    """``OUTPUT/_errors.jsonl``: every failure the folder holds (see :func:`failure_record`),
    sorted by id (an older ``errors.jsonl``, already read into ``errors``, is removed: it would
    break Parquet readers)."""
    lines = [json.dumps(errors[id], ensure_ascii=False) for id in sorted(errors)]
    write_text(output, ERRORS_FILE, "".join(line + "\n" for line in lines))
    fs, path = output_fs(output)
    legacy = posixpath.join(path, LEGACY_ERRORS_FILE)
    if fs.exists(legacy):
        fs.rm(legacy)


def read_rows(output: str) -> pa.Table:
    """Every row of the output's parts, sorted by id (for checks and small corpora)."""
    from unspun.scale.row import ROW_SCHEMA, conform

    state = scan_output(output, remove_broken=False)
    fs, _ = output_fs(output)
    tables = [ROW_SCHEMA.empty_table()]
    for part in state.parts:
        with fs.open(part, "rb") as handle:
            tables.append(conform(pq.read_table(handle)))
    return pa.concat_tables(tables).sort_by("id")
