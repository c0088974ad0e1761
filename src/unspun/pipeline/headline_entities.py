"""Names read in a title-case headline alone are no entities.

A headline in title case ("Border Bill Vote Looms", "Area Man Immediately Regrets Reading Entire
Terms and Conditions") capitalises every word, and the NER model takes runs of capitals for names:
"Bill Vote Looms" became a PERSON and the whole satire headline an ORG (QA). A real name in a
headline is named again in the body, where its capitals mean something; an entity whose every
mention lies in a title-case headline is left out (:func:`without_headline_only`). So is one whose
only mention is the first word of a headline in sentence case, which is capitalised as a
sentence's first word is ("Barrier vote" gave the organisation "Barrier", QA s48:
:func:`headline_opening`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from unspun.document import Entity
from unspun.sentences import title_end

# Of a headline's words of four letters or more, this share capitalised makes it title case
# ("Ceasefire talks resume in Cairo": 2 of 4, sentence case; "Merkel meets Macron in Berlin": 3 of 4,
# a sentence-case headline of names; "Border Bill Vote Looms": 4 of 4).
TITLE_CASE_SHARE = 0.8
MIN_LONG_WORDS = 3
_LONG_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]{3,}")


def title_case_headline(text: str, title: str | None = None) -> int:
    """Where the text's headline ends when it is in title case (:data:`TITLE_CASE_SHARE` of its
    words of four letters or more capitalised, at least :data:`MIN_LONG_WORDS` of them); else 0."""
    end = title_end(text, title)
    words = _LONG_WORD.findall(text[:end])
    if len(words) < MIN_LONG_WORDS:
        return 0
    capitalised = sum(1 for word in words if word[0].isupper())
    return end if capitalised >= TITLE_CASE_SHARE * len(words) else 0


_FIRST_WORD = re.compile(r"\s*[^\W\d_][^\s]*")


def headline_opening(text: str, title: str | None = None) -> int:
    """Where the first word of the text's headline ends, when it has a headline of two words or
    more (:func:`unspun.sentences.title_end`); else 0. A name read there alone is a sentence's
    capital more often than a name: a real name in a headline is named again in the body."""
    end = title_end(text, title)
    if not end or len(text[:end].split()) < 2:
        return 0
    first = _FIRST_WORD.match(text, 0, end)
    return first.end() if first is not None else 0


def without_headline_only(entities: Sequence[Entity], headline_end: int) -> list[Entity]:
    """``entities`` less those whose every mention ends within the first ``headline_end``
    characters, numbered again ``E1``, ``E2`` ... in order."""
    kept = [e for e in entities if not e.mentions or any(m.end > headline_end for m in e.mentions)]
    if len(kept) == len(entities):
        return list(entities)
    return [replace(e, id=f"E{number}") for number, e in enumerate(kept, start=1)]
