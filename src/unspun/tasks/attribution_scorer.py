"""Exact-match F1 of attributions, per part (source, cue, content).

Rows are the contract's JSONL records, ``{"id", "source": [start, end] | null, "cue": ... ,
"content": [start, end]}``. For each part the gold items are the ``(id, start, end)`` triples of
the rows whose part is not null, the same for the predictions; a predicted item is right when
the same triple is in the gold (as a multiset: each gold item matches once). Precision, recall and
F1 follow; an empty side gives 0. Metric keys: ``attribution_<part>_f1`` / ``_precision`` /
``_recall``, and ``attribution_rows_gold`` / ``attribution_rows_pred``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from unspun.errors import FormatError, InputNotFoundError

PARTS = ("source", "cue", "content")
Item = tuple[str, int, int]


def _range(value: Any, where: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 0 <= value[0] <= value[1]
    ):
        return int(value[0]), int(value[1])
    raise FormatError(f"{where}: a range must be [start, end] with 0 <= start <= end, or null; got {value!r}")


def part_items(rows: Iterable[Mapping[str, Any]], part: str) -> Counter[Item]:
    """The multiset of ``(id, start, end)`` of one part over the rows (null parts left out)."""
    items: Counter[Item] = Counter()
    for number, row in enumerate(rows, start=1):
        r = _range(row.get(part), f"row {number}, {part}")
        if r is not None:
            items[(str(row["id"]), r[0], r[1])] += 1
    return items


def score_attribution_rows(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> dict[str, float]:
    """Exact-match precision, recall and F1 per part (see the module docstring).

    Raises :class:`FormatError` for a row without ``id`` or with a bad range.
    """
    for name, rows in (("gold", gold), ("pred", pred)):
        for number, row in enumerate(rows, start=1):
            if "id" not in row or row.get("content", None) is None and "content" not in row:
                raise FormatError(f"{name} row {number} needs 'id' and 'content'; got {sorted(row)}")
    scores: dict[str, float] = {}
    for part in PARTS:
        g, p = part_items(gold, part), part_items(pred, part)
        hit = sum((g & p).values())
        precision = hit / sum(p.values()) if p else 0.0
        recall = hit / sum(g.values()) if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores |= {
            f"attribution_{part}_f1": f1,
            f"attribution_{part}_precision": precision,
            f"attribution_{part}_recall": recall,
        }
    scores["attribution_rows_gold"] = float(len(gold))
    scores["attribution_rows_pred"] = float(len(pred))
    return scores


def read_attribution_jsonl(path: Path) -> list[dict[str, Any]]:
    """The rows of a contract JSONL file; raise :class:`FormatError` / :class:`InputNotFoundError`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise InputNotFoundError(f"no file {path}; pass an attributions JSONL file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"cannot read {path} as UTF-8 text ({exc})") from exc
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise FormatError(f"{path}:{number}: not a JSON line ({exc.args[0]})") from exc
        if not isinstance(row, dict):
            raise FormatError(f"{path}:{number}: expected a JSON object per line")
        rows.append(row)
    return rows
