"""Quotations in news text: where they are, how they continue, and how a content is balanced.

Pure functions over the text (no parse): :func:`quotations` finds the quoted stretches
(“...”, "...", ''...'', „...“, « ... », »...«); the others say which quotation belongs to a cue's
clause (:func:`quote_for`), whether it goes on after the cue (:func:`continued_quote`,
:func:`next_sentence_quote`), where a mixed quotation starts (:func:`with_lead_in`) and how a
content range is grown to balance its marks and brackets (:func:`close_open_quote`). The figures
in the docstrings are PolNeAR exact-match F1 measured when each rule was added.

Every range is a pair of character offsets into the text, end exclusive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from unspun.whosays.boundary import strip_edges

Range = tuple[int, int]
OPEN_QUOTES = '“"‘'
CLOSE_QUOTES = '”"’'
# Each opening quotation mark and the marks that close it: English “...” and "..." (either closing
# the other, as typed text mixes them), German „...“ (or „...”) and »...«, French « ... ». “ opens
# in English and closes in German: it closes only a quotation „ opened.
QUOTE_PAIRS = {"“": '”"', '"': '”"', "„": "“”", "«": "»", "»": "«"}


def quotations(text: str) -> list[Range]:
    """Quoted stretches of ``text`` with their marks (“...”, "...", „...“, « ... », »...«), not
    nested. A quotation left open at a paragraph's end goes on when the next paragraph opens with a
    quotation mark (the newspaper convention for long quotes); otherwise it is dropped."""
    found: list[Range] = []
    opened: int | None = None
    closers = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith("''", i) or text.startswith("``", i):  # typewriter quotes: '' ... '' or `` ... ''
            if opened is None:
                opened, closers = i, '”"'
            else:
                found.append((opened, i + 2))
                opened = None
            i += 2
            continue
        if ch == "\n" and opened is not None:
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] in QUOTE_PAIRS:
                i = j + 1
                continue
            opened = None
        elif opened is not None and ch in closers:
            found.append((opened, i + 1))
            opened = None
        elif ch in QUOTE_PAIRS and (opened is None or ch == "“"):
            opened, closers = i, QUOTE_PAIRS[ch]
        i += 1
    return found


def continued_quote(text: str, quotes: Sequence[Range], after: int, gap: str = " ") -> int | None:
    """The end of a quotation that opens right after ``after`` (only characters of ``gap``
    between, at most two, same paragraph): the second half of ``“X,” she said. “Y.”``. A
    quotation that closes on a comma (``“Y,” he added``) has a cue of its own after it and
    continues nothing (PolNeAR train sample, 200 articles: content F1 0.514 -> 0.525; dev 0.491 ->
    0.498)."""
    for q_start, q_end in quotes:
        if q_start >= after:
            between = text[after:q_start]
            if len(between) > 2 or not all(ch in gap for ch in between):
                return None
            return None if closes_on_comma(text, (q_start, q_end)) else q_end
    return None


# What may lie between a cue and the quotation that continues its content in the next sentence:
# the rest of the cue's sentence, then its end and at most two spaces (same paragraph).
_NEXT_SENTENCE_GAP = re.compile(r"[^\n“”\"]{0,200}[.!?]['’”\"]?[ \u00a0]{0,2}")


def next_sentence_quote(text: str, quotes: Sequence[Range], after: int) -> int | None:
    """The end of the quotation that opens the sentence after the one ending past ``after`` (the
    cue's), in the same paragraph, unless it closes on a comma: ``“X,” he said, referring to Y.
    “Z.”`` (typewriter quotes too: ``''X,'' he said. ''Z.''``). PolNeAR train sample: content F1
    0.540 -> 0.556; dev 0.510 -> 0.519."""
    quote = next((q for q in quotes if q[0] >= after), None)
    if quote is None or "''" in text[after : quote[0]]:
        return None
    if _NEXT_SENTENCE_GAP.fullmatch(text, after, quote[0]) is None or closes_on_comma(text, quote):
        return None
    return quote[1]


def closes_on_comma(text: str, quote: Range) -> bool:
    """Whether a quotation's last character before its closing mark(s) is a comma (``“X,”``)."""
    j = quote[1]
    while j > quote[0] and text[j - 1] in CLOSE_QUOTES + "'":
        j -= 1
    return j > quote[0] and text[j - 1] == ","


def close_open_quote(text: str, content: Range) -> Range:
    """``content`` grown to balance its quotation marks and brackets: over a closing mark (and the
    punctuation before it) when it opens a quotation it does not close (``as “true,”``, ``is
    ''not just the Americans.''``), over an opening mark right before it when it closes one it did
    not open, over a ``)`` closing a ``(`` it holds (``Sen. Marco Rubio (R-Fla.)``). PolNeAR
    marks the whole quotation (typewriter quotes and brackets: train sample content F1 0.557 ->
    0.564; dev 0.519 -> 0.523)."""
    start, end = content
    piece = text[start:end]
    doubled = piece.count("''") % 2 == 1
    opened_before = doubled and piece.endswith("''") and not piece.startswith("''")
    if piece.count("“") > piece.count("”") or piece.count('"') % 2 == 1 or (doubled and not opened_before):
        j = end
        while j < len(text) and j - end <= 2 and text[j] in ".,!?;:":
            j += 1
        closer = "''" if doubled else None
        if closer and text.startswith(closer, j):
            return start, j + 2
        if j < len(text) and text[j] in '”"':
            return start, j + 1
    if piece.count("”") > piece.count("“") or opened_before:
        i = start
        while i > 0 and text[i - 1] == " " and start - i < 1:
            i -= 1
        mark = "''" if doubled else "“"
        if text[:i].endswith(mark):
            return i - len(mark), end
    if piece.count("(") > piece.count(")") and text[end : end + 1] == ")":
        return start, end + 1
    return content


def whole_quotation(text: str, quotes: Sequence[Range], content: Range) -> Range:
    """``content`` grown to the quotation it opens: when only the opening mark (and space) lies
    between the quotation's start and the content's, the content starts at the mark and ends at
    the quotation's end, or its own where it runs past it ('"Finally, we are free" to talk').
    The parse ends a complement at the first sentence of a quotation, or without its marks,
    where PolNeAR marks the quotation whole ('He told reporters flatly, "We lost. We will be
    back."'); any other content is returned as it is."""
    for q_start, q_end in quotes:
        if q_start < content[0] < q_end:
            lead = text[q_start : content[0]]
            if lead.strip(OPEN_QUOTES + "'`„«» \u00a0"):
                return content
            return q_start, max(q_end, content[1])
    return content


def ends_sentence(text: str, quote: Range) -> bool:
    """Whether a quotation closes on a full stop (``“X.”``), ending its sentence (``“X,”`` does not)."""
    return quote[1] >= 2 and text[quote[1] - 2] == "."


def with_lead_in(text: str, sentence_start: int, quote: Range) -> Range:
    """A quotation before its cue that its sentence leads into (``But the benefit of free trade is
    “10 times the size of the losses,” he said``): the content starts where the sentence does, as
    PolNeAR marks a mixed quotation, a lead-in before a comma too ("Sooner or later, “I think we
    will have a consumption tax,” he said"); a quotation that opens its sentence, follows a colon
    or another quotation is kept as it is (PolNeAR train sample: content F1 0.525 -> 0.529; dev
    0.498 -> 0.501)."""
    if sentence_start >= quote[0]:
        return quote
    lead = text[sentence_start : quote[0]]
    if not lead.strip() or lead.rstrip().endswith(":") or any(q in lead for q in OPEN_QUOTES + CLOSE_QUOTES):
        return quote
    start = strip_edges(text, sentence_start, quote[1])
    return (start[0], quote[1]) if start is not None else quote


def _gap_ok(text: str, start: int, end: int) -> bool:
    return end - start <= 3 and all(ch in " ,:;\u00a0" for ch in text[start:end])


def quote_for(text: str, quotes: Sequence[Range], clause: Range) -> Range | None:
    """A quotation right before ``clause`` (``“...,” she said``) or right after it (``she said: “...``)."""
    for q_start, q_end in quotes:
        if q_end <= clause[0] and _gap_ok(text, q_end, clause[0]):
            return q_start, q_end
        if q_start >= clause[1] and _gap_ok(text, clause[1], q_start):
            return q_start, q_end
    return None
