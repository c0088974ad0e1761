"""A span cut where it crosses what no phrase crosses (:mod:`unspun.models.phrases`).

A line break that does not only wrap running text (:func:`line_pieces`), the reporting clause after
a quotation (:func:`quotation_pieces`), a sentence at its start or end holding no finding
(:func:`sentence_pieces`), and the end of a short exclamation it runs on past
(:func:`exclamation_pieces`); :func:`utterance` says whether a range is whole sentences standing
alone.
"""

from __future__ import annotations

import re
from dataclasses import replace

from unspun.document import Span
from unspun.models.decoding import FUNCTION_WORDS, snap_to_words
from unspun.models.letters import LETTER, WORD
from unspun.models.phrase_bounds import (
    CURLY_CLOSING,
    CURLY_OPENING,
    SENTENCE_END,
    clipped,
    phrase_bounds,
    reversed_guillemets,
    strip_edges,
)
from unspun.models.phrase_words import REPORTING_VERBS, is_finding
from unspun.sentences import split_sentences

# Between two pieces of one phrase there is no sentence or clause break, quote or bracket.
BREAK = re.compile(r"[.!?;:\n\"\u201c\u201d()\[\]\u2013\u2014]|--")
# What may stand between a sentence's end mark and the next sentence's first word, or after a
# sentence's last word: quotes, brackets and white space.
_OPENERS = "\"'" + CURLY_OPENING + "([ \t\r\u00a0"
_CLOSERS = "\"'" + CURLY_CLOSING + ")]"
QUOTES = "\"'" + CURLY_OPENING + CURLY_CLOSING  # the quotation marks of English
# Guillemets open and close a quotation in either direction (French \u00ab...\u00bb, German
# \u00bb...\u00ab: :func:`guillemets` reads a text's); after an end mark either one closes.
GUILLEMETS = "\u00ab\u00bb"


def guillemets(text: str) -> tuple[str, str]:
    """The guillemet that opens a quotation in ``text`` and the one that closes it: \u00bb and
    \u00ab in a text quoting German-style (:func:`reversed_guillemets`), else \u00ab and \u00bb."""
    return ("\u00bb", "\u00ab") if reversed_guillemets(text) else ("\u00ab", "\u00bb")


def sentence_start(text: str, index: int) -> int:
    """The start of the sentence ``text[index]`` lies in: after the last end mark (closing quotes
    or brackets and white space after it) before ``index`` on its line, else the line's start;
    edge white space and punctuation stripped."""
    line_start = text.rfind("\n", 0, index) + 1
    # read back from ``index`` in growing stretches, not the whole line from its start each time
    # (an article on one line was quadratic in its exclamations); a break begins on its end mark,
    # so the last break of a stretch is the last of the line
    reach = 256
    while True:
        begin = max(line_start, index - reach)
        breaks = list(_SENTENCE_BREAK.finditer(text, begin, index))
        if breaks or begin == line_start:
            break
        reach *= 4
    return strip_edges(text, breaks[-1].end() if breaks else line_start, index)[0]


_SENTENCE_BREAK = re.compile(r"[.!?][\"'\u201d\u2019\u00ab\u00bb)]*\s+")
# A short exclamation is an utterance of its own: a span running on past its "!" into a sentence
# that is no exclamation ('Enough is enough! The council must act', a slogan and a call the head
# reads apart) is cut after it, each piece kept; a run of exclamations ('Jobs, not cuts! Jobs, not
# cuts!') stays one span (PTC gold: 'Whoa! Whoa! Whoa!', 'Stay in the fight! Keep the Faith. Never
# surrender!'). It cuts 1 of the 6,128 PTC training gold spans (a quoted scripture) and none of
# the out-of-fold spans of the grouped folds (SI F1 per fold unchanged, 0.42882 / 0.42638 /
# 0.45150): their texts hold a sentence a line. The most words of such an exclamation, and of one
# that unspun.models.span_candidates.exclamations keeps where no span touches it.
EXCLAMATION_WORDS = 8
_EXCLAMATION_MARK = re.compile(r"!+[\"'\u201d\u2019\u00ab\u00bb)\]]*(?=\s)")
_NEXT_END_MARK = re.compile(r"[.!?]+[\"'\u201d\u2019\u00ab\u00bb)\]]*(?=\s|$)|\n")


def exclamation_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut after each short exclamation it runs on past into a sentence that is no
    exclamation (:func:`exclamation_cut`): 'Enough is enough! The council must act' ->
    'Enough is enough!', 'The council must act'; ``[(start, end)]`` when there is no such cut.
    Pieces holding no word are left out."""
    if "!" not in text[start:end]:
        return [(start, end)]
    pieces, cursor = [], start
    for mark in _EXCLAMATION_MARK.finditer(text, max(0, start), min(len(text), end)):
        cut = exclamation_cut(text, mark, end)
        if cut is not None:
            pieces.append((cursor, mark.end()))
            cursor = cut
    if not pieces:
        return [(start, end)]
    pieces.append((cursor, end))
    return [(a, b) for a, b in pieces if WORD.search(text, a, b)]


def exclamation_cut(text: str, mark: re.Match[str], end: int) -> int | None:
    """Where a span running on past the exclamation mark ``mark`` (a match of
    :data:`_EXCLAMATION_MARK`) to ``end`` is cut: the start of its next piece (its first word, or
    the opening quote or bracket before it), when the sentence ``mark`` closes is a short
    exclamation (at most :data:`EXCLAMATION_WORDS` words, not closed by a bracket: 'William
    ("nighty-night baby!") Tobin' goes on) and the next opens with no lower-case letter ('Yahoo!
    reported' goes on) and ends on no ``!`` (a run of exclamations is one utterance); else None."""
    after = WORD.search(text, mark.end(), end)
    if after is None or after.group()[0].islower() or ")" in mark.group():
        return None
    words = len(WORD.findall(text, sentence_start(text, mark.start()), mark.start()))
    if not 0 < words <= EXCLAMATION_WORDS:
        return None
    following = _NEXT_END_MARK.search(text, after.start())
    if following is not None and text[following.start()] == "!":
        return None
    before = text[after.start() - 1]
    opening = guillemets(text)[0] if before in GUILLEMETS else ""
    return after.start() - (before in QUOTES + opening + "(")


def cuts_after_exclamation(text: str, index: int) -> bool:
    """Whether :func:`exclamation_pieces` cuts a span running on past the ``!`` at
    ``text[index]`` (the pieces it cut are not joined again)."""
    mark = _EXCLAMATION_MARK.match(text, index)
    return mark is not None and exclamation_cut(text, mark, len(text)) is not None


def utterance(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` of ``text`` (edge white space and punctuation aside) is one or more
    whole sentences standing alone: it opens the text, a line or the sentence after an end mark
    (``.``, ``!``, ``?``; quotes and brackets may come between) or a quotation after a colon or
    comma, and ends with an end mark, a line break, the text or the comma closing its quotation
    (quotation marks: English ones, and guillemets in the text's direction, :func:`guillemets`)."""
    start, end = strip_edges(text, *snap_to_words(text, *clipped(text, start, end)))
    if end <= start or not WORD.search(text[start:end]):
        return False
    openers, closers, quotes = _OPENERS, _CLOSERS, QUOTES
    near = text[max(0, start - 8) : start] + text[end : end + 3]
    if "\u00ab" in near or "\u00bb" in near:  # a guillemet opening or closing it (as it is read)
        opening, closing = guillemets(text)
        openers, closers, quotes = openers + opening + "\u202f", closers + closing, quotes + GUILLEMETS
    before = start
    while before > 0 and text[before - 1] in openers:
        before -= 1
    quoted = any(c in quotes for c in text[before:start])
    while before > 0 and text[before - 1] in closers:
        before -= 1
    opens = before == 0 or text[before - 1] in ".!?\n" or (quoted and text[before - 1] in ":,")
    # a quoted sentence the reporting clause follows: "It is what it is," he said
    comma_quote = text[end : end + 2]
    if len(comma_quote) == 2 and comma_quote[0] == "," and comma_quote[1] in quotes:
        return opens
    after = end
    while after < len(text) and text[after] in closers:
        after += 1
    # a line end: "\n" or the "\r" of "\r\n"
    return opens and (text[end - 1] in "!?" or after == len(text) or text[after] in ".!?\r\n")


def sentence_pieces(text: str, span: Span) -> list[Span]:
    """``span`` without the sentences at its start or end that hold no finding (:func:`is_finding`
    once trimmed): a run that spills over a sentence's end into the next one's first function
    words ('our cities will burn. You are either') keeps the sentence it is about. The sentences
    between stay (PTC gold spans cross a sentence's end 318 times in 6,128); a span whose
    sentences all hold no finding is kept as it is (the later rules judge it).

    Out-of-fold spans of the grouped folds (7,895 spans of 371 PTC training articles), this rule,
    "either" among :data:`END_WORDS`, :data:`NEGATED_AUXILIARIES` and a line ending on an end mark
    read as a real break (:func:`wrapped_line_break`) together: SI F1 per fold 0.4249 / 0.4236 /
    0.4484 -> 0.4248 / 0.4240 / 0.4487, mean 0.4323 -> 0.4325 (32 spans gone, 33 new)."""
    start, end = max(0, span.start), min(len(text), span.end)
    if not SENTENCE_END.search(text, start, end):
        return [span]
    pieces = [(start + r.start, start + r.end) for r in split_sentences(text[start:end])]
    findings = [i for i, (a, b) in enumerate(pieces) if _holds_finding(text, a, b)]
    if len(findings) > 1 and _opening_fragment(text, *pieces[findings[-1]]):
        findings.pop()
    if not findings or (findings[0] == 0 and findings[-1] == len(pieces) - 1):
        return [span]
    return [replace(span, start=pieces[findings[0]][0], end=pieces[findings[-1]][1])]


def _opening_fragment(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)``, the last sentence a span reaches into, is only that sentence's
    first few words (at most :data:`FRAGMENT_WORDS`, its sentence going on after them): 'we act
    now! The traitors| in Parliament have sold us out' keeps the sentence it is about."""
    if len(WORD.findall(text, start, end)) > FRAGMENT_WORDS:
        return False
    close = _NEXT_END_MARK.search(text, start)
    stop = close.start() if close else len(text)
    return stop >= end and WORD.search(text, end, stop) is not None


# The most words of a next sentence's opening a span is cut back from (QA s49). Of the 241 PTC
# training gold spans that run over a sentence's end, 7 end so (a name wrapped over a line, 'He
# can't| ; he has ...'), the others on a whole sentence ('A liar', 'Never surrender!'); no
# out-of-fold span of the grouped folds changes (SI F1 per fold 0.42869 / 0.42597 / 0.45528).
FRAGMENT_WORDS = 3


def _holds_finding(text: str, start: int, end: int) -> bool:
    a, b = phrase_bounds(text, start, end)
    return is_finding(text[a:b])


def wrapped_line_break(text: str, index: int) -> bool:
    """Whether the line break at ``text[index]`` only wraps running text (a hard-wrapped plain
    text file): the next line goes on in lower case, or the line before ends on a comma, a dash,
    an opening bracket or a function word ("the", "of"), which no title or sentence ends on. A
    blank line, and a line ending like a title or a sentence, is a real break (an object pronoun
    before an end mark, 'Crucify him!', ends a sentence: such a line was read as wrapped)."""
    line = text[text.rfind("\n", 0, index) + 1 : index].rstrip()
    rest = text[index + 1 :].lstrip(" \t\r")
    if not line or not rest or rest[0] == "\n":
        return False
    if rest[0].islower() or line[-1] in ",-\u2013\u2014(":
        return True
    last = WORD.findall(line[-40:])
    return bool(last) and line[-1].isalnum() and last[-1].lower() in FUNCTION_WORDS


def line_pieces(text: str, span: Span) -> list[Span]:
    """``span`` cut at each line break it crosses (a title and the sentence below it, a line and
    the next) but those that only wrap running text (:func:`wrapped_line_break`: a hard-wrapped
    file's lines keep their spans whole), each piece with the span's score and fields (trimmed
    later); pieces holding no word are left out. On the out-of-fold spans of the grouped folds
    cutting into every piece gave SI F1 0.4276 (7,339 spans) against 0.4261 (7,077) uncut, and
    keeping wrapped lines whole 0.4275 (7,311); keeping only the piece of most words 0.4213, and
    cutting only after a line that does not end like a sentence 0.4257 (PTC gold spans cross a
    line break after a sentence's end 355 times, after a title never)."""
    start, end = max(0, span.start), min(len(text), span.end)
    if "\n" not in text[start:end]:
        return [span]
    pieces, cursor = [], start
    for line_end in (i for i in range(start, end) if text[i] == "\n" and not wrapped_line_break(text, i)):
        pieces.append((cursor, line_end))
        cursor = line_end + 1
    pieces.append((cursor, end))
    return [replace(span, start=a, end=b) for a, b in pieces if WORD.search(text[a:b])]


# The reporting clause after a quoted sentence: its closing mark after ",", ".", "!" or "?", then a
# reporting verb within seven words ('"... lied again," critics said'; '..." said the minister'). A
# span running on into it was cut inside the clause ('... lied again," critics'). 14 of the 6,128
# PTC training gold spans run across such a clause (long spans of several sentences); the
# out-of-fold spans of the grouped folds never do (SI F1 unchanged): the model's spans run on so
# in short texts.
_REPORTING = re.compile(
    rf"[ \t\u00a0]*,?[ \t\u00a0]+(?:(?:{LETTER}|['\u2019.\-])+,?[ \t\u00a0]+){{0,6}}?(?:"
    + "|".join(sorted(REPORTING_VERBS))
    + r")\b",
    re.IGNORECASE,
)
_OPENING_MARKS = "\u201c\u201e"  # and the text's opening guillemet (guillemets)
# A quoted sentence's closing mark: after its punctuation ('... unfair," the mayor said') or, as
# British and logical punctuation put it, before the comma ('... unfair”, the mayor said').
_CLOSING_MARK = re.compile('[,.!?\u2026]["\u201d\u00bb\u00ab]|["\u201d\u00bb\u00ab](?=,)')


def quotation_pieces(text: str, span: Span) -> list[Span]:
    """``span`` without the reporting clause it runs into after a quotation
    ('"The experts lied again," critics said' -> the quotation; its words after the clause, in a
    quotation that goes on, are a second piece), each piece with the span's fields (trimmed later);
    a span crossing no closing quotation mark followed by a reporting verb is kept as it is."""
    start, end = max(0, span.start), min(len(text), span.end)
    pieces, cursor = [], start
    opening_marks = _OPENING_MARKS + '"'
    if "\u00ab" in text[start:end] or "\u00bb" in text[start:end]:
        opening_marks += guillemets(text)[0]
    for mark in _CLOSING_MARK.finditer(text, start, end - 1):
        i = mark.end() - 1
        clause = reporting_clause(text, i) if i >= cursor else None
        if clause is None:
            continue
        pieces.append((cursor, i + 1))
        reopen = next((j for j in range(clause.end(), end) if text[j] in opening_marks), end)
        cursor = (
            reopen if reopen < end and not BREAK.search(text[clause.end() : reopen].replace('"', "")) else end
        )
    if not pieces:
        return [span]
    pieces.append((cursor, end))
    return [replace(span, start=a, end=b) for a, b in pieces if WORD.search(text[a:b])]


def reporting_clause(text: str, i: int) -> re.Match[str] | None:
    """The reporting clause after ``text[i]`` when that closes a quoted sentence (a curly or
    straight closing mark, or the text's closing guillemet (:func:`guillemets`), after ``,``,
    ``.``, ``!``, ``?`` or an ellipsis, or before a comma, as British punctuation puts it: a quoted
    phrase inside a sentence, 'a "Harry Potter" novel', is no quotation of a speaker); else None."""
    if text[i] not in '\u201d"' + GUILLEMETS or i == 0:
        return None
    if text[i - 1] not in ",.!?\u2026" and not text.startswith(",", i + 1):
        return None
    if text[i] in GUILLEMETS and text[i] != guillemets(text)[1]:
        return None
    if text[i] == '"' and i + 1 < len(text) and text[i + 1].isalnum():
        return None
    return _REPORTING.match(text, i + 1)
