"""Quotes in a headline: the only attributions a headline gives.

A headline reports no speech ("City council approves budget": no quote), except when it quotes
someone: a quotation with its speaker and cue (:func:`quotes_in_headline`: '"We will not back
down," says finance minister', found by the attribution model like any other), or a speaker, a
colon and a quotation with no verb at all (:func:`colon_quotes`: 'Minister: "We will not back
down"', the colon standing for the cue). Its source, a title more often than a name, is the
person the article then names with that title (:func:`titled_person`). Pure functions over the
text, the attributions found and the entities.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from unspun.document import Entity
from unspun.whosays.attribution_rules import Found
from unspun.whosays.quotation import OPEN_QUOTES

Range = tuple[int, int]

# A speaker (a capital, at most six words, no quotation mark but an apostrophe: "Fed's Powell"),
# a colon, then a quotation that runs to the end of the line (double or single marks, straight or
# curly; closing punctuation after it).
_COLON_QUOTE = re.compile(
    r"^[ \t]*(?P<speaker>[A-Z](?:[^\n:\"“”‘’']|['’](?=\w)){0,60}?)[ \t]*(?P<colon>:)[ \t]*"
    r"(?P<quote>(?:\"[^\n\"]+\"|“[^\n“”]+”|'[^\n]+'|‘[^\n]+’))[ \t.!?]*$",
    re.MULTILINE,
)
MAX_SPEAKER_WORDS = 6
# Labels a headline opens with that name no speaker ('Breaking: "Storm hits coast"').
LABELS = frozenset(
    {
        "analysis",
        "breaking",
        "comment",
        "editorial",
        "exclusive",
        "explainer",
        "factcheck",
        "fact check",
        "interview",
        "live",
        "opinion",
        "poll",
        "review",
        "update",
        "video",
        "watch",
    }
)
COLON_RULE = "headline_colon"


def colon_quotes(text: str, end: int) -> list[Found]:
    """The 'Speaker: "quotation"' lines of ``text`` before ``end`` (the headline's end) as direct
    attributions: the speaker is the source, the colon the cue, the quotation the content
    (``head`` -1: no token heads them). A label is no speaker ('Breaking: "..."')."""
    found = []
    for match in _COLON_QUOTE.finditer(text, 0, end):
        speaker = match.group("speaker").strip()
        if len(speaker.split()) > MAX_SPEAKER_WORDS or speaker.lower() in LABELS:
            continue
        start = match.start("speaker") + match.group("speaker").index(speaker)
        found.append(
            Found(
                head=-1,
                cue=match.span("colon"),
                source=(start, start + len(speaker)),
                content=match.span("quote"),
                kind="direct",
                content_rule=COLON_RULE,
            )
        )
    return found


def headline_quote(text: str, found: Found) -> bool:
    """Whether an attribution found in a headline quotes someone: its content opens a quotation
    and it has a source outside that quotation ('"We will not back down," says finance
    minister'), where "City council approves budget" or a quotation with no speaker does not."""
    if found.content is None or found.source is None or text[found.content[0]] not in OPEN_QUOTES + "'":
        return False
    return not (found.content[0] <= found.source[0] and found.source[1] <= found.content[1])


def quotes_in_headline(
    text: str, end: int, found: Sequence[tuple[Found, float]]
) -> list[tuple[Found, float]]:
    """``found`` (attributions of the whole text, in text order) with those whose cue lies before
    ``end`` (the headline's) kept only when they quote someone (:func:`headline_quote`), and the
    headline's colon quotes (:func:`colon_quotes`, probability 1) added where no attribution kept
    covers them; in text order."""
    kept = [(f, p) for f, p in found if f.cue[0] >= end or headline_quote(text, f)]
    for colon in colon_quotes(text, end):
        assert colon.content is not None
        if not any(f.content is not None and _overlaps(f.content, colon.content) for f, _ in kept):
            kept.append((colon, 1.0))
    return sorted(kept, key=lambda fp: fp[0].cue)


def _overlaps(a: Range, b: Range) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def titled_person(text: str, source: Range, entities: Sequence[Entity], after: int) -> str | None:
    """The id of the one person the text after ``after`` (the headline's end) names with the
    headline source's words as their title: "Mayor" -> "Mayor Helen Ortiz", "finance minister"
    -> "The finance minister, Laura Becker" or "Finance Minister Laura Becker"; ``None`` when no
    person or more than one is so named."""
    words = re.sub(r"^(?:the|a|an)\s+", "", text[source[0] : source[1]].strip(), flags=re.IGNORECASE)
    if not words:
        return None
    titled = re.compile(re.escape(words) + r",?\s+$", re.IGNORECASE)
    found = {
        entity.id
        for entity in entities
        if entity.type == "PERSON"
        for m in entity.mentions
        if m.start >= after and titled.search(text[max(after, m.start - len(words) - 3) : m.start])
    }
    return found.pop() if len(found) == 1 else None
