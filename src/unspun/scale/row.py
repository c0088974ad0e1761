"""One output row per article: the columns a corpus query needs, and the full analysis.

Every value comes from the one serialiser (:meth:`unspun.document.Analysis.to_dict`), so the
columns agree with the ``analysis`` column (its JSON text) to the digit. The schema is fixed
(:data:`ROW_SCHEMA`), so that every part file of a dataset, whichever engine or run wrote it,
has the same columns and types.

An article that failed still has a row: ``error`` says why (``component: message`` for the first
component error, the message alone for an input that could not be read), ``error_component``
and ``error_code`` are that error's component (null: not read) and code, ``analysis`` holds what was analysed before the failure (``null`` when the article
could not even be read), and the other columns are filled as far as they are known.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pyarrow as pa

from unspun.document import GENRE_SURE_FROM, Analysis

SPAN_TYPE = pa.struct(
    [("start", pa.int64()), ("end", pa.int64()), ("technique", pa.string()), ("score", pa.float64())]
)
ROW_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("outlet", pa.string()),
        ("url", pa.string()),
        ("published", pa.date32()),
        ("language", pa.string()),
        ("source_path", pa.string()),
        ("content_hash", pa.string()),
        ("unspun_version", pa.string()),
        ("spans", pa.list_(SPAN_TYPE)),
        ("genre", pa.string()),
        ("genre_score", pa.float64()),
        ("genre_uncertain", pa.bool_()),
        ("frames", pa.list_(pa.string())),
        ("persuasion_score", pa.float64()),
        ("paragraph_techniques", pa.list_(pa.string())),
        ("error", pa.string()),
        ("error_component", pa.string()),
        ("error_code", pa.string()),
        ("analysis", pa.string()),
    ]
)


def analysis_row(analysis: Analysis) -> dict[str, Any]:
    """The row of one analysed article (``error`` set when a component failed on it)."""
    record = analysis.to_dict()
    published = record["published"]
    errors = record["errors"]
    techniques = sorted({t for p in record["paragraphs"] for t in p["techniques"]})
    return {
        "id": record["id"],
        "title": record["title"],
        "outlet": record["outlet"],
        "url": record["url"],
        "published": dt.date.fromisoformat(published) if published else None,
        "language": record["language"],
        "source_path": record["source_path"],
        "content_hash": record["content_hash"],
        "unspun_version": record["unspun_version"],
        "spans": [
            {"start": s["start"], "end": s["end"], "technique": s["technique"], "score": s["score"]}
            for s in record["spans"]
        ],
        "genre": record["genre"],
        "genre_score": record["genre_score"],
        "genre_uncertain": record["genre_uncertain"],
        "frames": record["frames"],
        "persuasion_score": record["persuasion_score"],
        "paragraph_techniques": techniques,
        "error": f"{errors[0]['component']}: {errors[0]['message']}" if errors else None,
        "error_component": errors[0]["component"] if errors else None,
        "error_code": errors[0]["code"] if errors else None,
        "analysis": json.dumps(record, ensure_ascii=False),
    }


def error_row(
    id: str,
    message: str,
    *,
    source_path: str | None = None,
    component: str | None = None,
    code: str = "internal_error",
) -> dict[str, Any]:
    """The row of an article that could not be read (``component`` None) or analysed at all."""
    row: dict[str, Any] = dict.fromkeys(ROW_SCHEMA.names)
    error = f"{component}: {message}" if component else message
    row.update(
        id=id, source_path=source_path, spans=[], error=error, error_component=component, error_code=code
    )
    return row


def conform(table: pa.Table) -> pa.Table:
    """``table`` (a part of any unspun version) as a table of :data:`ROW_SCHEMA`: the columns an
    older part lacks (``error_component``, ``error_code``) are added empty, but
    ``genre_uncertain`` (schema 2.3) is read from its ``genre_score`` as the analysis says it
    (under :data:`unspun.document.GENRE_SURE_FROM`; null without a genre)."""
    if "genre_uncertain" not in table.column_names and "genre_score" in table.column_names:
        import pyarrow.compute as pc

        uncertain = pc.less(table.column("genre_score").cast(pa.float64()), GENRE_SURE_FROM)
        table = table.append_column("genre_uncertain", uncertain)
    for name in ROW_SCHEMA.names:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, ROW_SCHEMA.field(name).type))
    return table.select(ROW_SCHEMA.names).cast(ROW_SCHEMA)


def rows_table(rows: list[dict[str, Any]]) -> pa.Table:
    """``rows`` as a table of :data:`ROW_SCHEMA` (an empty one when there are none)."""
    return pa.Table.from_pylist(rows, schema=ROW_SCHEMA)
