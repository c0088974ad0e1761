"""Sentences of a text: cut after ``.``, ``!``, ``?`` and at blank lines, a headline a sentence of
its own. Plain text rules, read by the who-says-what layer, check-worthy claims and the multilingual
span model (moved as it was from :mod:`unspun.whosays.encoding`, which re-exports it).
"""

from __future__ import annotations

import re

from unspun.document import TextRange

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "rev",
        "hon",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    ]
)
# What may close a sentence after its end mark: closing quotation marks (English, German „...“,
# French «...», German »...«) and brackets.
CLOSING_MARKS = "\"'”’“»«›‹)]"
# A sentence end: its marks, then perhaps the closing » French sets after a (no-break) space
# ("« Assez ! »"; an end mark with such a » after it that closes no sentence, "« Assez ! », dit-il",
# is no end), and the closing marks, before white space; or a blank line.
_END = re.compile(
    r"[.!?…]+(?:[ \u00a0\u202f]»(?=[\s" + re.escape(CLOSING_MARKS) + r"])|(?![ \u00a0\u202f]»(?!\w)))"
    r"[" + re.escape(CLOSING_MARKS) + r"]*(?=\s)|\n\s*\n|\r\n\s*\r\n"
)
_WORD_BEFORE = re.compile(r"([\w.]+)[.!?…]*[\"'”’)\]]*$")


TITLE_WORDS = 25  # a first line of more words than this is a paragraph, not a title
_FIRST_LINE = re.compile(r"\s*([^\n]*?)[ \t\r]*\n\s*(\S)")
_INSIDE_END = re.compile(r"[.!?][\"'”’)\]]*\s+[A-Z\"“]")


def title_line(text: str) -> TextRange | None:
    """The text's title line, if it opens with one: a first line of at most :data:`TITLE_WORDS`
    words and one sentence, followed by a line break and more text that starts like a sentence
    (not in lower case: a hard-wrapped paragraph goes on in lower case), and that does not end
    like a sentence of a paragraph (a full stop, possibly inside closing quotes). ``None``
    otherwise."""
    match = _FIRST_LINE.match(text)
    if match is None or not match.group(1).strip() or match.group(2).islower():
        return None
    line = match.group(1).rstrip()
    if not reads_as_headline(line):
        return None
    return TextRange(match.start(1), match.start(1) + len(line))


def reads_as_headline(line: str) -> bool:
    """Whether one line of text reads as a headline rather than a paragraph: at most
    :data:`TITLE_WORDS` words, one sentence, and no full stop at its end (possibly inside closing
    quotes); a question or an exclamation may be a headline."""
    line = line.strip()
    return bool(line) and not (
        len(line.split()) > TITLE_WORDS
        or line.rstrip("\"'”’)]").endswith((".", "…"))
        or _INSIDE_END.search(line)
    )


def title_end(text: str, title: str | None = None) -> int:
    """Where the text's headline ends (0: none): its :func:`title_line`, or its first line when
    that line is the article's ``title`` and more text follows. Neither a claim nor an
    attribution is read in a headline."""
    line = title_line(text)
    if line is not None:
        return line.end
    first = text.lstrip().split("\n", 1)[0].strip()
    if title and first and first == title.strip() and "\n" in text.strip():
        return text.index(first) + len(first)
    return 0


def split_sentences(text: str) -> list[TextRange]:
    """The sentences of ``text`` as trimmed character ranges: cut after ``.``, ``!``, ``?`` (and
    closing quotes) before white space, except after a common abbreviation or an initial ("Mr.",
    "U.S.", "J."), at blank lines and after a title line (:func:`title_line`: a headline is a
    sentence of its own); a line break alone does not cut otherwise (wrapped text)."""
    ranges = []
    start = 0
    title = title_line(text)
    if title is not None:
        ranges.append((0, title.end))
        start = title.end
    for match in _END.finditer(text):
        if match.start() < start:
            continue
        end = match.end()
        if match.group().strip() and "." in match.group():
            word = _WORD_BEFORE.search(text[start : match.start() + 1])
            token = word.group(1).lower().rstrip(".") if word else ""
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        ranges.append((start, end))
        start = end
    ranges.append((start, len(text)))
    out = []
    for a, b in ranges:
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if trail > lead:
            out.append(TextRange(a + lead, a + trail))
    return out
