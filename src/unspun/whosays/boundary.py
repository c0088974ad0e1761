"""The edges of an attribution's parts as PolNeAR draws them (pure functions over the text).

After the rules of :mod:`unspun.whosays.attribution_rules` have found a source and a content,
these say where they end: a content never overlaps its source or cue (:func:`outside_parts`), a
split content covers both sides of the cue (:func:`with_fronted_part`), a source keeps the comma
closing its apposition and the ``)`` of its ``(`` (:func:`closed_source`). Ranges are pairs of
character offsets, end exclusive.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

Range = tuple[int, int]
EDGE_PUNCT = frozenset(",.;:-–—()")


def strip_edges(text: str, start: int, end: int) -> Range | None:
    """``text[start:end]`` without edge punctuation and space, or ``None`` when nothing is left."""
    while start < end and (text[start] in EDGE_PUNCT or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in EDGE_PUNCT or text[end - 1].isspace()):
        end -= 1
    return (start, end) if end > start else None


def with_fronted_part(text: str, sentence_start: int, clause: Range, content: Range) -> Range:
    """``X, he said, Y``: the content found after the interrupting source and cue (``Y``) also
    covers what the sentence says before them (``X``), as PolNeAR marks a split content (one range
    over both, the source and cue inside it); other contents are returned as they are. On PolNeAR
    dev exact-match content F1 0.4852 -> 0.4909 (250 train articles: 0.5090 -> 0.5134)."""
    low, high = clause
    if content[0] < high or text[high : content[0]].strip() != ",":
        return content
    if not text[sentence_start:low].rstrip().endswith(","):
        return content
    fronted = strip_edges(text, sentence_start, low)
    return (fronted[0], content[1]) if fronted is not None else content


def outside_parts(text: str, content: Range | None, parts: Sequence[Range | None]) -> Range | None:
    """``content`` cut so that it overlaps none of ``parts`` (the cue and the source): when it does,
    the longer of its pieces before and after the stretch the parts cover, edge punctuation
    trimmed ("X, officials" of "X, officials said" becomes "X"); ``None`` when nothing is left."""
    spans = [p for p in parts if p is not None]
    if content is None or not any(p[0] < content[1] and content[0] < p[1] for p in spans):
        return content
    low, high = min(p[0] for p in spans), max(p[1] for p in spans)
    pieces = [
        r
        for r in (
            strip_edges(text, content[0], min(low, content[1])),
            strip_edges(text, max(high, content[0]), content[1]),
        )
        if r is not None
    ]
    return max(pieces, key=lambda r: r[1] - r[0]) if pieces else None


# Verbs of speech whose participle, after a comma, opens the source's next statement ("defended
# the annexation, saying the region wanted it", "said ..., adding that ..."): an attribution of its
# own, whose cue PolNeAR marks. One list for the text cut here (:data:`NEXT_STATEMENT`) and the
# parse rule of :func:`unspun.whosays.attribution_rules.next_statement` (two lists before, the one
# without "add", the other without "cite": one list moves PolNeAR dev exact-match source F1
# 0.7357 -> 0.7362 with the shipped model, cue and content unchanged; 3-fold CV fold 0 on train
# source 0.6879 -> 0.6878).
NEXT_STATEMENT_LEMMAS = frozenset(
    {
        "say",
        "add",
        "argue",
        "claim",
        "insist",
        "note",
        "warn",
        "explain",
        "assert",
        "contend",
        "declare",
        "state",
        "cite",
    }
)


def participle(lemma: str) -> str:
    """The present participle of a regular verb ("say" -> "saying", "note" -> "noting")."""
    return (lemma[:-1] if lemma.endswith("e") and not lemma.endswith("ee") else lemma) + "ing"


NEXT_STATEMENT = re.compile(
    r",\s+(?:" + "|".join(sorted(participle(lemma) for lemma in NEXT_STATEMENT_LEMMAS)) + r")\b"
)


def before_next_statement(text: str, content: Range | None) -> Range | None:
    """``content`` cut before a comma and a participle of speech outside quotation marks
    (:data:`NEXT_STATEMENT`): "X defended Putin's justification of the annexation, saying Y"
    attributes the justification to X with "defended" and Y with "saying", as PolNeAR marks it
    (the "defended" content ran on over Y); any other content is returned as it is."""
    if content is None:
        return None
    for match in NEXT_STATEMENT.finditer(text, content[0], content[1]):
        before = text[content[0] : match.start()]
        if before.count("“") != before.count("”") or before.count('"') % 2 or before.count("''") % 2:
            continue  # inside a quotation: what is quoted, said as it was
        return strip_edges(text, content[0], match.start()) or content
    return content


# A news dateline opening a paragraph: a place in capitals, perhaps a state or a date, perhaps an
# agency, and a dash ("WASHINGTON (AP) -", "DAYTON, Ohio —", "BERLIN, Oct 3 (Reuters) -",
# "NEW YORK, March 4, 2024 (AP) –"); the parse makes it part of the subject or clause after it.
# What follows the place: perhaps a state or a date, perhaps an agency in brackets, and the dash
# (also read by unspun.pipeline.entities.dateline_places, which types the place).
# A capital letter of any script ("MÜNCHEN", "İSTANBUL", "SÃO PAULO"), and a letter: re knows no
# Unicode letter case, so the capitals of the Basic Multilingual Plane are listed (1,127 in Unicode 14). Letters
# only (category Lu): str.isupper also holds Roman numerals and circled letters ("ⅢⅣⅤ").
CAPITAL = (
    "[" + re.escape("".join(c for c in map(chr, range(0x10000)) if unicodedata.category(c) == "Lu")) + "]"
)
_LETTER = r"[^\W\d_]"
DATELINE_AFTER_PLACE = (
    rf"(?:, {CAPITAL}(?:{_LETTER}|\.){{1,14}}(?: \d{{1,2}})?(?:, \d{{4}})?)?"
    rf"(?: \((?:{_LETTER}| ){{1,20}}\))? ?[-—–]+ ?"
)
DATELINE = re.compile(rf"{CAPITAL}{{3}}(?:{CAPITAL}|[.'’ ])*" + DATELINE_AFTER_PLACE)


def without_dateline(text: str, part: Range | None) -> Range | None:
    """``part`` (a source or a content) without the news dateline (:data:`DATELINE`) it opens with
    at the start of a paragraph, or starts inside ("BERLIN (Reuters) - Germany's economy grew ...,
    the office said": the content is "Germany's economy grew ..."); ``None`` when it lies inside
    the dateline."""
    if part is None:
        return None
    start, end = part
    # A part may also start inside the dateline: the parse made "(Reuters) - Germany's economy
    # grew ..." one phrase, and the content read "Reuters) - Germany's economy grew ...".
    paragraph = text.rfind("\n", 0, start) + 1
    dateline = DATELINE.match(text, paragraph)
    if dateline is None or not start < dateline.end():
        return part
    return (dateline.end(), end) if dateline.end() < end else None


def closed_source(text: str, source: Range | None) -> Range | None:
    """``source`` with the comma that closes its parenthetical pair (``Chris Brownell, an audience
    member, said``) and the ``)`` that closes a ``(`` it holds (``Gov. Pat McCrory (R)``), as
    PolNeAR marks them (train sample: source F1 0.679 -> 0.719, the bracket alone 0.683; dev 0.685
    -> 0.724, the bracket alone 0.695), and without a dateline (:func:`without_dateline`)."""
    source = without_dateline(text, source)
    if source is None:
        return None
    start, end = source
    piece = text[start:end]
    closes = text[end : end + 1]
    if (closes == ")" and piece.count("(") > piece.count(")")) or (closes == "," and "," in piece):
        end += 1
    return start, end
