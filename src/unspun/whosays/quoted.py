"""The quoted voice of an article: which characters it quotes others as saying.

The **quoted** text is the content of every attribution (``article.attributions``: direct and
indirect speech, as the who-says-what layer found it; of a quote its own source and cue interrupt,
only the parts either side of them: :func:`unspun.whosays.shown.content_pieces`) plus every stretch
between quotation marks (:func:`unspun.whosays.quotation.quotations`, the marks included); the
**author's** text is everything else. An article without the who-says-what layer (no attributions)
has the quotation marks alone.

A span belongs to the voice that holds more than half of its characters (the author's on a tie):
:func:`mostly_quoted`. The voices' counts (:mod:`unspun.pipeline.voice`) and the persuasion score's
weight of quoted spans (:mod:`unspun.pipeline.persuasion`) both read these functions.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from unspun.document import Article, Attribution
from unspun.whosays.quotation import quotations
from unspun.whosays.shown import content_pieces


def quoted_pieces(text: str, attribution: Attribution) -> list[tuple[int, int]]:
    """The ranges of ``text`` an ``attribution`` quotes: its content, or of a content its source
    and cue interrupt ('"X," said Hubbard, who ... "Y."') the parts either side of them, not the
    source's clause between them."""
    content = (attribution.content.start, attribution.content.end)
    inside = [None if r is None else (r.start, r.end) for r in (attribution.source, attribution.cue)]
    return content_pieces(text, content, inside) or [content]


def attribution_ranges(article: Article) -> list[tuple[int, int]]:
    """The ranges every attribution of ``article`` quotes (:func:`quoted_pieces`), in order."""
    return [piece for a in article.attributions for piece in quoted_pieces(article.text, a)]


def range_mask(length: int, ranges: Iterable[tuple[int, int]]) -> np.ndarray:
    """A boolean per code point of a text of ``length``: True inside one of ``ranges`` (each
    ``(start, end)``, clipped to the text)."""
    mask = np.zeros(length, dtype=bool)
    for start, end in ranges:
        mask[max(start, 0) : min(end, length)] = True
    return mask


def quoted_mask(text: str, ranges: Iterable[tuple[int, int]]) -> np.ndarray:
    """A boolean per code point of ``text``: True where it is quoted, i.e. inside one of the
    attribution content ``ranges`` or between quotation marks (the marks included)."""
    return range_mask(len(text), [*ranges, *quotations(text)])


def article_quoted_mask(article: Article) -> np.ndarray:
    """:func:`quoted_mask` of an analysed ``article``: its attributions and quotation marks."""
    return quoted_mask(article.text, attribution_ranges(article))


def mostly_quoted(mask: np.ndarray, start: int, end: int) -> bool:
    """Whether more than half of the characters ``start:end`` are quoted in ``mask`` (False for an
    empty range)."""
    start, end = max(start, 0), min(end, len(mask))
    return end > start and 2 * int(mask[start:end].sum()) > end - start
