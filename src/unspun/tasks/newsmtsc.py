"""NewsMTSC files: sentiment towards each target mention in a news sentence (JSONL).

Each line is ``{"primary_gid", "sentence_normalized", "targets": [{"Input.gid", "from", "to",
"mention", "polarity", ...}]}``; ``from``/``to`` are code-point offsets into the sentence, ``to``
exclusive; ``polarity`` is 2.0 (negative), 4.0 (neutral) or 6.0 (positive). Rows are kept as read
(every other key survives a round trip), so predictions are the input rows with ``polarity`` set.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unspun.errors import FormatError, InputNotFoundError

SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")
POLARITY = {"negative": 2.0, "neutral": 4.0, "positive": 6.0}
SENTIMENT_OF = {value: name for name, value in POLARITY.items()}


@dataclass(frozen=True, slots=True)
class TargetRow:
    """One target mention: where it is (``row`` and ``index`` in the file), its sentence, its
    character range in the sentence and its gold sentiment (``None`` when unlabelled)."""

    row: int
    index: int
    key: str
    sentence: str
    start: int
    end: int
    mention: str
    sentiment: str | None = None


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """The JSON objects of a NewsMTSC file, one per non-blank line.

    Raises InputNotFoundError for a missing file and FormatError (file and line) for a line that
    is not a JSON object with ``sentence_normalized`` and a list of ``targets``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputNotFoundError(f"file {path} does not exist; check the path and try again")
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise FormatError(f"{path}, line {number}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("sentence_normalized"), str):
                raise FormatError(f"{path}, line {number}: expected an object with 'sentence_normalized'")
            if not isinstance(row.get("targets"), list):
                raise FormatError(f"{path}, line {number}: expected a list of 'targets'")
            rows.append(row)
    return rows


def sentiment_of(polarity: Any, where: str) -> str:
    """The sentiment name of a polarity value 2.0 / 4.0 / 6.0; raise FormatError otherwise."""
    try:
        return SENTIMENT_OF[float(polarity)]
    except (KeyError, TypeError, ValueError):
        raise FormatError(f"{where}: polarity must be 2.0, 4.0 or 6.0, got {polarity!r}") from None


def iter_targets(rows: Sequence[dict[str, Any]], *, labelled: bool = False) -> Iterator[TargetRow]:
    """One :class:`TargetRow` per target of ``rows``, in file order.

    A target's key is ``<primary_gid>#<index in the row>`` (the row number where a row has no
    ``primary_gid``): gold and predictions pair up by it. Raises FormatError
    for offsets outside the sentence, and (``labelled=True``) for a missing or bad polarity.
    """
    for r, row in enumerate(rows):
        sentence = row["sentence_normalized"]
        for i, target in enumerate(row["targets"]):
            where = f"row {r + 1} ({row.get('primary_gid')}), target {i + 1}"
            try:
                start, end = int(target["from"]), int(target["to"])
            except (KeyError, TypeError, ValueError):
                raise FormatError(f"{where}: a target needs integer 'from' and 'to'") from None
            if not 0 <= start < end <= len(sentence):
                raise FormatError(
                    f"{where}: [{start}, {end}) is outside its sentence of {len(sentence)} characters"
                )
            polarity = target.get("polarity")
            sentiment = sentiment_of(polarity, where) if labelled or polarity is not None else None
            key = f"{row.get('primary_gid', r)}#{i}"
            mention = str(target.get("mention", sentence[start:end]))
            yield TargetRow(r, i, key, sentence, start, end, mention, sentiment)


def read_targets(path: str | Path, *, labelled: bool = False) -> list[TargetRow]:
    """Every target of a NewsMTSC file (see :func:`iter_targets`)."""
    return list(iter_targets(read_rows(path), labelled=labelled))


def with_polarities(
    rows: Sequence[dict[str, Any]], sentiments: Sequence[Sequence[str]]
) -> list[dict[str, Any]]:
    """Copies of ``rows`` with each target's ``polarity`` set from ``sentiments[row][target]``."""
    out = []
    for row, names in zip(rows, sentiments, strict=True):
        targets = [{**t, "polarity": POLARITY[name]} for t, name in zip(row["targets"], names, strict=True)]
        out.append({**row, "targets": targets})
    return out


def polarity_labels(path: str | Path) -> dict[str, str]:
    """``{target key: sentiment}`` of a labelled file (gold or predictions). Raises FormatError."""
    return {t.key: t.sentiment for t in read_targets(path, labelled=True) if t.sentiment is not None}
