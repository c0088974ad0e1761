"""What a letter and a word are for the span rules: ``\\w`` and the combining marks beside it.

Python's ``\\w`` does not match a combining mark, so in decomposed text ("u" and U+0308 for "\u00fc")
a word would end inside its accented letter. The span decoder (:mod:`unspun.models.decoding`) and
the phrase rules (:mod:`unspun.models.phrase_words`) read words through these patterns alike.
"""

from __future__ import annotations

import re
import unicodedata


def _combining_marks() -> str:
    """The combining marks of the Basic Multilingual Plane (Unicode category M*) as ranges of a
    character class: the accents of decomposed letters and the Indic vowel signs, which ``\\w``
    does not match."""
    marks = [c for c in range(0x10000) if unicodedata.category(chr(c))[0] == "M"]
    ranges: list[tuple[int, int]] = []
    for c in marks:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


# A word with inner apostrophes or hyphens ("so-called", "don't", "Ba'athist") is one word here,
# and a letter with its combining accents (decomposed text: "u" and U+0308 for "\u00fc").
# LETTER: a character of a word (a regular-expression class), for patterns that read words.
LETTER = f"[\\w{_combining_marks()}]"
WORD = re.compile(rf"{LETTER}+(?:['\u2019\-]{LETTER}+)*")
# A run of letters with no inner apostrophe or hyphen (combining accents included).
PLAIN_WORD = re.compile(rf"{LETTER}+")
