"""Exports of a store: JSONL, the PTC technique-classification TSV, Label Studio tasks.

Each format is a stream of text chunks (:func:`export_chunks`), so the CLI writes them to
stdout and the REST API streams them as they come, for stores of any size.

- ``jsonl``: one object per stored article, the ``unspun analyze --format json`` object of its
  newest analysis plus ``"article_id"`` (and ``"content_hash"``, already in it) and
  ``"appearances"``, every outlet, url, date and title its text was published with (wire copy:
  one text, several outlets), first stored first; with ``with_feedback`` also ``"feedback"``, the
  list of feedback records.
- ``ptc``: ``article_id<TAB>technique<TAB>start<TAB>end`` per span (the SemEval-2020 Task 11 TC
  format; ``article_id`` the store's id, offsets in code points): PTC-14 ids only, a SemEval-2023
  span (another language's) under the PTC-14 id that corresponds, left out where none does.
- ``labelstudio``: a JSON list of tasks with pre-annotations (:mod:`unspun.store.labelstudio`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from unspun.document import technique_display
from unspun.errors import FormatError
from unspun.store.base import SearchQuery, Store, StoredAnalysis

FORMATS = ("jsonl", "ptc", "labelstudio")


def jsonl_record(stored: StoredAnalysis, *, with_feedback: bool = False) -> dict[str, Any]:
    """The export object of one stored article (see the module docstring)."""
    data = stored.analysis.to_dict()
    data["article_id"] = stored.article_id
    data["content_hash"] = stored.summary.content_hash
    data["appearances"] = [p.to_dict() for p in stored.appearances]
    if with_feedback:
        data["feedback"] = [f.to_dict() for f in stored.feedback]
    return data


def ptc_lines(stored: StoredAnalysis) -> list[str]:
    """The PTC TC lines of one stored article's spans, in PTC-14 ids (a SemEval-2023 span under
    its PTC-14 counterpart, none where it has none: a PTC scorer knows no other id)."""
    labelled = ((s, technique_display(s.label, s.taxonomy)[1]) for s in stored.analysis.spans)
    return [f"{stored.article_id}\t{ptc}\t{s.start}\t{s.end}" for s, ptc in labelled if ptc is not None]


def export_chunks(
    store: Store, format: str, *, query: SearchQuery | None = None, with_feedback: bool = False
) -> Iterator[str]:
    """The export of ``store`` (the articles matching ``query``) in ``format``, as text chunks.

    Raises :class:`FormatError` for an unknown format."""
    if format not in FORMATS:
        raise FormatError(f"export format {format!r} is not one of {', '.join(FORMATS)}")
    return _chunks(store, format, query, with_feedback)


def _chunks(store: Store, format: str, query: SearchQuery | None, with_feedback: bool) -> Iterator[str]:
    if format == "labelstudio":
        from unspun.store.labelstudio import task

        yield "["
        first = True
        for stored in store.export(query):
            yield ("\n" if first else ",\n") + json.dumps(task(stored), ensure_ascii=False)
            first = False
        yield "\n]\n"
        return
    for stored in store.export(query):
        if format == "jsonl":
            yield json.dumps(jsonl_record(stored, with_feedback=with_feedback), ensure_ascii=False) + "\n"
        else:
            lines = ptc_lines(stored)
            if lines:
                yield "".join(line + "\n" for line in lines)
