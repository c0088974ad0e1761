"""The pronoun ("he" / "she") a person named in the text goes by, where the text says it.

A pronoun source is linked to the person it refers to (:mod:`unspun.pipeline.attribution`); with
two people named before it, the person the text already calls by the other pronoun is no
candidate. What the text says: a title before one of the person's mentions ("Mrs Ortiz", "Mr.
Lang", "Sir Keir Starmer": :func:`titled_pronouns`), or a pronoun source linked to that person
with no other person to choose from (the caller's first pass). No first-name list: none ships
with an installed package, and a name is no proof of how a person is referred to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from unspun.document import Entity

HE, SHE = "he", "she"
TITLES = {
    "mr": HE,
    "sir": HE,
    "lord": HE,
    "king": HE,
    "prince": HE,
    "father": HE,
    "brother": HE,
    "mrs": SHE,
    "ms": SHE,
    "miss": SHE,
    "madam": SHE,
    "dame": SHE,
    "lady": SHE,
    "queen": SHE,
    "princess": SHE,
    "sister": SHE,
}
# A title as the last word before a mention, or as a mention's first word ("Mr. Lang", "Mrs Ortiz").
_TITLE_BEFORE = re.compile(r"\b([A-Za-z]+)\.?\s*$")
_TITLE_OPENING = re.compile(r"^([A-Za-z]+)\.?\s")


def title_pronoun(text: str, start: int, end: int) -> str | None:
    """The pronoun the title right before or at the start of ``text[start:end]`` gives, or
    ``None`` ("Mrs Ortiz": "she"; "Mayor Ortiz": ``None``)."""
    opening = _TITLE_OPENING.match(text[start:end])
    before = _TITLE_BEFORE.search(text[max(0, start - 12) : start])
    for match in (opening, before):
        if match is not None and match.group(1).lower() in TITLES:
            return TITLES[match.group(1).lower()]
    return None


def titled_pronouns(text: str, entities: Sequence[Entity]) -> dict[str, str]:
    """Entity id -> "he" / "she" for the people one of whose mentions carries a title
    (:func:`title_pronoun`); a person titled both ways is left out."""
    out: dict[str, str] = {}
    for entity in entities:
        if entity.type != "PERSON":
            continue
        said = {title_pronoun(text, m.start, m.end) for m in entity.mentions} - {None}
        if len(said) == 1:
            out[entity.id] = said.pop()  # type: ignore[assignment]
    return out
