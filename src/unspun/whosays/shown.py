"""How a quote's content reads to a person: its words without the marks they carry, and without
its own source and cue where they interrupt it ('"X," he said. "Y."').

PolNeAR marks a content its source and cue interrupt as one range holding both parts; shown whole
it repeats the source and cue inside the quote. :func:`content_parts` gives the parts either side
of them, and the attribution component writes them on the attribution
(``attrs["content_parts"]``, :mod:`unspun.pipeline.attribution`), so that the text view
(:func:`unspun.render_whosays.content_shown`) and the page (``whosays-panel.js``) show the same
“X … Y”; :func:`content_pieces` gives where those parts lie, so that the quoted voice
(:mod:`unspun.pipeline.voice`) counts the same parts. :func:`unquote` takes off the marks a quote's words carry; the page's ``unquote`` does
the same, since its ``<q>`` adds marks of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Range = tuple[int, int]

OPENING = "\"“„«‹‘‚'「"
DOUBLE_CLOSING = '"”“»›」'
SINGLE_CLOSING = "’‘'"
# The marks a closing mark closes (German „ closes with “).
OPENED_BY = {'"': '"', "”": "“", "“": "„", "»": "«", "›": "‹", "」": "「"}


def unquote(text: str) -> str:
    """``text`` without the quote marks around it: an opening mark at its start, and a closing
    mark at its end (a single one only after a single opening one, so "the workers'" keeps its
    apostrophe; not one that closes a mark opened inside, so 'it was "prudent"' keeps its last
    mark). A quotation taken off both its marks leaves the comma that ended it there ('"We
    cannot afford this," she said' is “We cannot afford this”)."""
    core = text.strip()
    single = opened = False
    if core and core[0] in OPENING:
        single, opened = core[0] in "‘‚'", True
        core = core[1:]
    closing = core and (core[-1] in DOUBLE_CLOSING or (single and core[-1] in SINGLE_CLOSING))
    if closing and not _closes_inner(core):
        core = core[:-1]
        if opened:  # '"X," he said': the comma is the sentence's, not the quote's ("X,")
            core = core.rstrip().rstrip(",;:")
    return core.strip()


def _closes_inner(core: str) -> bool:
    """Whether ``core``'s last mark closes a double mark opened inside it ('... "prudent"')."""
    last, rest = core[-1], core[:-1]
    opening = OPENED_BY.get(last)
    if opening is None:
        return False
    if opening == last:  # '"' opens and closes: one left open before it
        return rest.count(last) % 2 == 1
    return rest.count(opening) > rest.count(last)


# What follows a source and cue up to an opening mark, when it ends a sentence or is only
# punctuation: the quotation goes on at the mark ('"X," he said on Monday. "Y."', '"X," he
# said, "Y"'); not in 'X, he said, showed the trial "a farce"', where "showed" is content.
_REOPENING = re.compile('(?:[^"“„«‹]*[.!?]|[,:;—–-]*)\\s*(?=["“„«‹])')
_EDGES = " ,;:"


def content_parts(text: str, content: Range, inside: Sequence[Range | None]) -> list[str]:
    """The words of ``content`` either side of the ranges ``inside`` it (its source and cue),
    each without edge punctuation and the marks around it, the words from the source or cue to a
    reopening quotation mark left out ('"X," he said on Monday. "Y."' gives ``["X", "Y"]``);
    ``[]`` when no range lies inside the content (it reads whole)."""
    return [_part(text[start:end]) for start, end in content_pieces(text, content, inside)]


def content_pieces(text: str, content: Range, inside: Sequence[Range | None]) -> list[Range]:
    """The ranges of ``text`` that :func:`content_parts` shows: the pieces of ``content`` either
    side of its source and cue (``inside``), the words from them to a reopening mark left out,
    each with the marks around it; ``[]`` when no range lies inside the content. What the quote
    says is these pieces only, not the source's clause between them (the author's voice,
    :mod:`unspun.pipeline.voice`)."""
    start, end = content
    within = [r for r in inside if r is not None and start <= r[0] and r[1] <= end]
    if not within:
        return []
    before = (start, min(r[0] for r in within))
    after = max(r[1] for r in within)
    reopening = _REOPENING.match(text, after, end)
    if reopening is not None:
        after = reopening.end()
    pieces = (_trimmed(text, *before), _trimmed(text, after, end))
    return [piece for piece in pieces if _part(text[piece[0] : piece[1]])]


def _trimmed(text: str, start: int, end: int) -> Range:
    """``(start, end)`` without the white space at its edges."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def _part(piece: str) -> str:
    return unquote(continued(piece).strip(_EDGES)).strip(_EDGES)


# A quotation going on into the next paragraph: the paragraph before ends with no closing mark
# and the next opens with a mark again, as a multi-paragraph quotation is set. Shown on one line,
# that mark stood inside the quote ('a decade. "Nobody ... choice."”').
_PARAGRAPH_REOPENED = re.compile('(?<=[^"”»’\'\\s])(\\s*\\n\\s*\\n\\s*)["“„«]')


def continued(piece: str) -> str:
    """``piece`` without the mark that reopens a quotation going on into the next paragraph."""
    return _PARAGRAPH_REOPENED.sub(r"\1", piece)


_WHAT = re.compile(r"[Ww]hat\s+(?=\w)")


def source_shown(text: str, source: Range, asides: Sequence[Range]) -> Range:
    """``source`` without a clause after a comma that describes the speaker and ends it
    ("shopkeeper Maria Costa, whose takings have halved": "shopkeeper Maria Costa"; the asides are
    :func:`unspun.whosays.attribution_rules.source_asides`). PolNeAR's sources hold such a clause
    more often than not (281 gold sources in train hold ", who / whose / which", 205 are followed
    by one), so its rows keep it; a reader is shown who speaks. An aside with no comma before it
    names the speaker ("a doctor who spoke to the BBC") and stays. A "what" opening a longer
    source is the object of the cue the parser put there, not the speaker ("what witnesses called
    'breathtaking optimism'": "witnesses")."""
    start, end = source
    opening = _WHAT.match(text, start, end)
    if opening is not None:
        start = opening.end()
    for aside_start, aside_end in sorted(asides):
        lead = text[start:aside_start].rstrip()
        if aside_start > start and lead.endswith(",") and not text[aside_end:end].strip(" ,"):
            kept = lead.rstrip(",").rstrip()
            return (start, start + len(kept)) if kept else (start, end)
    return start, end
