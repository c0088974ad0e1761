"""PolNeAR (political news attribution relations) in BRAT standoff: read it, convert it.

A PolNeAR folder (``train/``, ``dev/``) holds ``text/<stem>.txt`` and
``attributions/<stem>_<annotator>.ann``. A few articles carry several annotators' files;
:func:`read_polnear` keeps one per article deterministically: the annotator id that sorts
first. Each ``E`` line links an ``Attribution`` trigger to its ``Source`` / ``Cue`` /
``Content`` text-bound spans (``Attribution-no-source`` events have no source). A discontinuous
span (``start end;start end``) is reduced to its hull (first start, last end, whatever the order of the pieces): the contract's
records hold one range per part, and the gold JSONL written by :func:`polnear_to_jsonl` is the
format ``unspun evaluate attributions --gold`` reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from unspun.errors import FormatError, InputNotFoundError

PARTS = ("source", "cue", "content")
Range = tuple[int, int]


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One annotated attribution: character ranges (end exclusive) of its parts."""

    content: Range
    source: Range | None = None
    cue: Range | None = None
    pieces: dict[str, tuple[Range, ...]] = field(default_factory=dict, compare=False, hash=False)

    def part(self, name: str) -> Range | None:
        """The range of ``name`` ("source", "cue" or "content")."""
        return {"source": self.source, "cue": self.cue, "content": self.content}[name]


@dataclass(frozen=True, slots=True)
class PolnearArticle:
    """One article: its id (the text file's stem), text as read and gold attributions."""

    id: str
    text: str
    attributions: tuple[GoldAttribution, ...]
    annotator: str


def _ranges(field_text: str, where: str) -> tuple[Range, ...]:
    try:
        pieces = [tuple(int(x) for x in piece.split()) for piece in field_text.split(";")]
        return tuple((p[0], p[1]) for p in pieces if len(p) == 2)
    except ValueError as exc:
        raise FormatError(
            f"{where}: bad BRAT offsets {field_text!r}; expected 'start end[;start end]'"
        ) from exc


def parse_ann(ann: str, where: str = "<ann>") -> list[GoldAttribution]:
    """The attributions of one BRAT ``.ann`` text, in the order of their ``E`` lines.

    Raises :class:`FormatError` for offsets that are not numbers or events naming unknown spans.
    """
    spans: dict[str, tuple[str, tuple[Range, ...]]] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        columns = line.split("\t")
        if line.startswith("T") and len(columns) >= 2:
            kind, _, offsets = columns[1].partition(" ")
            spans[columns[0]] = (kind, _ranges(offsets, where))
        elif line.startswith("E") and len(columns) >= 2:
            roles = dict(arg.split(":", 1) for arg in columns[1].split() if ":" in arg)
            if roles.get("Attribution") is not None or "Attribution-no-source" in columns[1]:
                events.append(roles)
    found: list[GoldAttribution] = []
    for roles in events:
        parts: dict[str, tuple[Range, ...]] = {}
        for role, span_id in roles.items():
            name = role.rstrip("0123456789").lower()
            if name not in PARTS:
                continue
            if span_id not in spans:
                raise FormatError(f"{where}: event names span {span_id}, which is not defined")
            parts[name] = spans[span_id][1]
        if "content" not in parts or not parts["content"]:
            continue
        hull = {name: (min(s for s, _ in r), max(e for _, e in r)) for name, r in parts.items() if r}
        found.append(
            GoldAttribution(
                content=hull["content"], source=hull.get("source"), cue=hull.get("cue"), pieces=parts
            )
        )
    return found


def read_polnear(folder: Path) -> Iterator[PolnearArticle]:
    """The articles of one PolNeAR split folder (holding ``text/`` and ``attributions/``), by id.

    Raises :class:`InputNotFoundError` when the folder lacks them.
    """
    text_dir, ann_dir = folder / "text", folder / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputNotFoundError(f"{folder} is not a PolNeAR split: it needs text/ and attributions/")
    by_stem: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem, _, annotator = ann.stem.rpartition("_")
        by_stem.setdefault(stem, []).append(ann)
    for text_path in sorted(text_dir.glob("*.txt")):
        candidates = by_stem.get(text_path.stem)
        if not candidates:
            continue
        ann = candidates[0]  # sorted by file name: the annotator id that sorts first
        with text_path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        attributions = parse_ann(ann.read_text(encoding="utf-8"), str(ann))
        yield PolnearArticle(text_path.stem, text, tuple(attributions), ann.stem.rpartition("_")[2])


def attribution_rows(article_id: str, attributions: list[GoldAttribution]) -> list[dict[str, object]]:
    """Contract rows ``{"id", "source", "cue", "content"}`` (ranges as ``[start, end]`` or null)."""
    rows: list[dict[str, object]] = []
    for a in attributions:
        row: dict[str, object] = {"id": article_id}
        for name in PARTS:
            r = a.part(name)
            row[name] = list(r) if r is not None else None
        rows.append(row)
    return rows


def polnear_to_jsonl(folder: Path, output: Path) -> int:
    """Write the gold attributions of a PolNeAR split as contract JSONL; return the row count."""
    count = 0
    with output.open("w", encoding="utf-8") as handle:
        for article in read_polnear(folder):
            for row in attribution_rows(article.id, list(article.attributions)):
                handle.write(json.dumps(row) + "\n")
                count += 1
    return count
