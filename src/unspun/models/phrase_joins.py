"""Pieces of one phrase joined into one span (:mod:`unspun.models.phrases`).

:func:`join_pieces` joins the pieces of one technique at most :data:`MAX_GAP_WORDS` words apart in
one clause; :func:`join_techniques` joins pieces of two techniques so, the joined span keeping the
other technique in ``also``, unless the second opens a phrase of its own
(:data:`PHRASE_OPENERS`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import replace

from unspun.document import Label, Span
from unspun.models.letters import WORD
from unspun.models.phrase_pieces import BREAK, cuts_after_exclamation, reporting_clause
from unspun.models.phrase_words import normal_word

# Measured on the out-of-fold spans of the grouped folds (7,285 spans of 371 PTC training
# articles): of the pieces joined across exactly one word 25 of 82 lie in one gold span, across
# two 24 of 67, across three 8 of 48; SI F1 (mean of the folds) 0.4267 at one word, 0.4261 at
# two and at three. Two words join "Either we close [the border] now or we lose ...".
MAX_GAP_WORDS = 2
# A piece opening with a determiner or a subject pronoun starts a noun phrase or a clause of its
# own ('This evil regime| is |the new Nazi Germany': two findings, name calling and reductio ad
# hitlerum): it is not joined to the piece before it when their techniques differ. Out-of-fold
# spans of the grouped folds (7,881 spans of 371 PTC training articles, labelled by each fold
# model's technique head): SI F1 per fold 0.4256 / 0.4233 / 0.4493 (mean 0.4327) apart, 0.4261 /
# 0.4240 / 0.4495 (0.4332) joining every such pair, 0.4264 / 0.4254 / 0.4509 (0.4342) joining
# all but these (7,491 spans; share right 24.8% -> 25.7%; gold spans a span names the technique
# of, as its label or in also, 1,963 -> 1,995). Also tried: no auxiliary in the gap 0.4330,
# determiners alone 0.4339, articles alone 0.4337.
# fmt: off
PHRASE_OPENERS = frozenset({
    "the", "a", "an", "this", "that", "these", "those", "my", "our", "their", "his", "its", "your",
    "i", "we", "they", "he", "she", "you", "it",
})
# fmt: on
# The key of ``Span.attrs`` where the span model leaves the technique head's probability of a
# span's technique: a joined piece's technique goes to the joined span's ``also`` with it (the
# span tagger removes the key once the phrases are whole).
TECHNIQUE_PROBABILITY = "technique_probability"


def join_pieces(text: str, spans: list[Span], taken: list[tuple[int, int]], max_gap_words: int) -> list[Span]:
    """Spans of one technique, in order: overlapping ones merged, and pieces of one phrase (at most
    ``max_gap_words`` words apart, no break between, no other span in the gap) joined."""
    occupied = Occupied(taken)
    out: list[Span] = []
    for span in spans:
        if out and (
            span.start <= out[-1].end or _one_phrase(text, out[-1].end, span.start, occupied, max_gap_words)
        ):
            last = out[-1]
            out[-1] = replace(last, end=max(last.end, span.end), score=_length_weighted(last, span))
            continue
        out.append(span)
    return out


def join_techniques(
    text: str, spans: Sequence[Span], taken: Sequence[tuple[int, int]], max_gap_words: int = MAX_GAP_WORDS
) -> list[Span]:
    """``spans`` (in order, each technique's pieces already joined) with the pieces of one phrase
    of two techniques joined: at most ``max_gap_words`` words apart in one clause, no span of
    ``taken`` in the gap, and the second not opening a phrase of its own
    (:data:`PHRASE_OPENERS`). The joined span takes the technique and fields of its likelier piece
    (higher score) and the length-weighted mean score; the other piece's technique goes first
    into its ``also``, with the technique head's probability of it (``attrs``
    :data:`TECHNIQUE_PROBABILITY`, else the piece's score), then the pieces' own ``also`` (the
    highest probability of each technique kept). Pieces of one technique that a piece of another
    kept apart are joined here too. Spans that overlap stay apart (two techniques may share
    words)."""
    occupied = Occupied(taken)
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (
            last is None
            or span.start < last.end
            or not _one_phrase(text, last.end, span.start, occupied, max_gap_words)
            or (last.label != span.label and _opens_phrase(text, span))
        ):
            out.append(span)
            continue
        likelier, other = (last, span) if last.score >= span.score else (span, last)
        out[-1] = replace(
            likelier,
            start=last.start,
            end=span.end,
            score=_length_weighted(last, span),
            also=_joined_also(likelier, other),
        )
    return out


def _length_weighted(first: Span, second: Span) -> float:
    """The mean score of two joined pieces, each weighted by its length in characters."""
    a, b = first.end - first.start, second.end - second.start
    return (first.score * a + second.score * b) / max(a + b, 1)


def _opens_phrase(text: str, span: Span) -> bool:
    first = WORD.search(text, span.start, span.end)
    return first is not None and normal_word(first.group().lower()) in PHRASE_OPENERS


def _joined_also(likelier: Span, other: Span) -> list[Label]:
    """The ``also`` of two pieces joined into one span of ``likelier``'s technique."""
    labels = [*likelier.also, *other.also]
    if other.label != likelier.label:
        labels.insert(0, Label(other.label, float(other.attrs.get(TECHNIQUE_PROBABILITY, other.score))))
    best: dict[str, Label] = {}
    for label in labels:
        if label.name != likelier.label and (label.name not in best or label.score > best[label.name].score):
            best[label.name] = label
    return list(best.values())


class Occupied:
    """Ranges ``(start, end)`` of a text that answer whether any overlaps a range in log time
    (a gap checked against every span was quadratic in the spans of a long article)."""

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(ranges)
        self._starts = [start for start, _ in ordered]
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))  # furthest end so far

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a range starting before ``end`` ends after ``start``."""
        before = bisect.bisect_left(self._starts, end)
        return before > 0 and self._reach[before - 1] > start


# What may close an exclamation after its "!" (as phrase_pieces' exclamation mark reads it).
_CLOSING_MARKS = "\"'\u201d\u2019\u00ab\u00bb)]"


def _one_phrase(text: str, gap_start: int, gap_end: int, taken: Occupied, max_gap_words: int) -> bool:
    gap = text[gap_start:gap_end]
    if max_gap_words < 0 or BREAK.search(gap) or len(WORD.findall(gap)) > max_gap_words:
        return False
    mark = gap_start - 1
    while mark > 0 and text[mark] in _CLOSING_MARKS:  # '"Wake up!" The ...': the "!" behind the quote
        mark -= 1
    if mark >= 0 and text[mark] == "!" and cuts_after_exclamation(text, mark):
        return False  # pieces cut at a short exclamation are not joined again
    if gap_start > 0 and reporting_clause(text, gap_start - 1) is not None:
        return False  # a quotation and the next, around the reporting clause
    return not taken.overlaps(gap_start, gap_end)
