"""Extra TC training rows: the English SemEval-2023 Task 3 span annotations in PTC-14 names.

The SemEval-2023 English training articles carry spans in the 23-technique taxonomy
(:mod:`unspun.tasks.semeval2023_spans`). :data:`SEMEVAL23_TO_PTC14` says which PTC-14 technique each
corresponds to (:func:`unspun.techniques.ptc14_for`, plus Appeal to Hypocrisy, which PTC files
under Whataboutism: 32 of its 33 English spans lie on a PTC Whataboutism span); spans of the five
techniques without a PTC counterpart are left out.

The English training articles of SemEval-2023 are the 371 PTC training articles again (the same
ids, the same text up to line breaks, 5,686 of the 6,136 spans at the same offsets as a PTC span),
so an article that is a near-duplicate (:mod:`unspun.training.grouping`) of an article a model is
scored on must not lend it rows: :func:`extra_span_rows` leaves those out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from unspun.tasks.semeval2023_spans import load_span_articles
from unspun.techniques import SEMEVAL23_LABELS, ptc14_for
from unspun.training.grouping import near_duplicates

# PTC files the appeal to hypocrisy ("you did it too") under whataboutism; the runtime's
# ptc14_for() leaves it unmapped, as it is not whataboutism in the 2023 guidelines.
_ALSO = {"Appeal_to_Hypocrisy": "Whataboutism,Straw_Men,Red_Herring"}
SEMEVAL23_TO_PTC14: dict[str, str] = {
    label: ptc for label in SEMEVAL23_LABELS if (ptc := ptc14_for(label) or _ALSO.get(label))
}


@dataclass(frozen=True, slots=True)
class ExtraSpan:
    """One SemEval-2023 gold span as a TC training row: its article, words and PTC-14 technique."""

    article: str
    text: str
    technique: str


def extra_span_rows(
    data_dir: Path, *, lang: str = "en", exclude: Mapping[str, str] | None = None
) -> list[ExtraSpan]:
    """The spans of the SemEval-2023 training articles of ``lang`` under ``data_dir`` (the folder
    holding ``en/``, ``fr/``, ...) whose technique maps to PTC-14, in article order.

    ``exclude`` (id -> text: the articles a model will be scored on) leaves out every article that
    is a near-duplicate of one of them. Raises ``InputNotFoundError`` when the folders are missing.
    """
    articles = load_span_articles(Path(data_dir), lang)
    dropped = _near_duplicates_of({a.article.id: a.article.text for a in articles}, exclude or {})
    return [
        ExtraSpan(a.article.id, a.article.text[s.start : s.end], SEMEVAL23_TO_PTC14[s.technique])
        for a in articles
        if a.article.id not in dropped
        for s in a.spans
        if s.technique in SEMEVAL23_TO_PTC14
    ]


def _near_duplicates_of(mine: Mapping[str, str], theirs: Mapping[str, str]) -> set[str]:
    """The ids of ``mine`` that are near-duplicates of an article of ``theirs``."""
    if not theirs:
        return set()
    texts = {f"m{i}": t for i, t in mine.items()} | {f"t{i}": t for i, t in theirs.items()}
    pairs = near_duplicates(texts)
    return {p.a[1:] if p.a[0] == "m" else p.b[1:] for p in pairs if p.a[0] != p.b[0]}


def texts_and_labels(rows: Sequence[ExtraSpan]) -> tuple[list[str], list[str]]:
    """The span texts and techniques of ``rows``, as the n-gram TC head is fitted on them."""
    return [r.text for r in rows], [r.technique for r in rows]
