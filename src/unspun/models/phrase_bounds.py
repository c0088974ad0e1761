"""Where a phrase starts and ends: the boundary trimming of :mod:`unspun.models.phrases`.

:func:`phrase_bounds` snaps a span to whole words and cuts from its ends the punctuation, the words
a phrase does not end on and those it seldom starts on, going back to the start of a fixed
expression it starts inside and on past a plural possessive mark; :func:`balanced_quotes` and
:func:`balanced_brackets` leave no lone quotation mark or round bracket in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from unspun.models.decoding import snap_to_words
from unspun.models.phrase_words import (
    END_WORDS,
    FIXED_EXPRESSIONS,
    LOWER_START_WORDS,
    START_WORDS,
    WORD,
    is_content_word,
    normal_word,
    opens_expression,
)

# Characters cut from either end of a span (quotes, "?" and "!" stay at its end: gold spans keep
# them); a span does not start on what closes a sentence or quote, nor end on what opens one.
# Any other white space (str.isspace: the narrow no-break space French puts before "!" and
# inside guillemets, thin and ideographic spaces) is cut too, and the zero-width characters.
EDGE_CHARS = " \n\t\r\ufeff\u00a0\u200b\u2060.,:;-\u2013\u2014/*&|"
LEADING_CHARS = EDGE_CHARS + "?!)]}\u201d"
TRAILING_CHARS = EDGE_CHARS + "([{\u201c\u201e\u201a"  # „ and ‚ only ever open a quotation
# An auxiliary or modal that ends its sentence stands for the verb phrase it leaves out ("It never
# has, and it never will.", "Yes we can!", "It is what it is."): it ends the phrase and stays at a
# span's end, where one before its verb ("friends will| lie") is cut. Not yet measured on the folds.
# fmt: off
ELLIPTICAL_AUXILIARIES = frozenset({
    "is", "are", "was", "were", "be", "been", "am", "has", "have", "had",
    "will", "would", "shall", "should", "can", "could", "may", "might", "must",
})
# fmt: on
# A preposition that ends its sentence has its object before it, or is a phrasal verb's particle
# ("a disgrace every resident should be furious about.", "a man to believe in!", "the battle ... is
# on."): it ends the phrase and stays, where one before its object ("angry about| it") is cut. PTC
# gold spans end so ("all about", "profited from", "been allowed to"). Out-of-fold spans of the
# grouped folds (7,494 spans of 371 PTC training articles, benchmarks/ptc.py's labelled spans of
# each fold model): 16 spans keep such a word, SI F1 per fold 0.42811 / 0.42569 / 0.45482 ->
# 0.42815 / 0.42583 / 0.45492 (mean 0.43621 -> 0.43630); function_word_end_share 0.0040 ->
# 0.0061, as that figure counts these words without reading what follows.
# fmt: off
STRANDED_PREPOSITIONS = frozenset({
    "about", "for", "of", "with", "to", "from", "on", "in", "at", "into", "by", "against", "upon",
    "through",
})
# fmt: on
# What follows such an auxiliary or preposition when it ends its sentence: closing quotes or
# brackets, an end mark.
_ENDS_SENTENCE = re.compile(r"[\"'\u201d\u2019)\]]*[.!?\u2026]")
# A pronoun that ends a span after a subordinating conjunction or "that" is the subject of a cut
# clause ("the fact that it", "if you"): it goes with the word before it. After a preposition it
# is an object and stays ("laughing at you", "get away with it?").
SUBJECT_AFTER = frozenset({"it", "you"})
# fmt: off
OPENS_CLAUSE = frozenset({
    "that", "if", "when", "because", "while", "although", "though", "whether", "unless", "until",
    "since", "where", "so",
})
# fmt: on


def phrase_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` snapped to whole words, with the edge punctuation, the trailing
    :data:`END_WORDS` and the leading :data:`START_WORDS` cut off (at least one word stays);
    ``(x, x)`` when no word is left."""
    start, end = snap_to_words(text, *clipped(text, start, end))
    start, end = strip_edges(text, *balanced_brackets(text, *strip_edges(text, start, end)))
    words = [(m.start() + start, m.end() + start, m.group().lower()) for m in WORD.finditer(text[start:end])]
    if not words:
        return start, start
    first, last = 0, len(words) - 1
    last = _trimmed_end(text, words, first, len(words) - 1)
    if last < len(words) - 1 and words[last + 1][2] == "to":
        last = _trimmed_end(text, words, first, _without_bare_clause(words, first, last))
    while (
        first < last
        and (
            normal_word(words[first][2]) in START_WORDS
            or (words[first][2] in LOWER_START_WORDS and text[words[first][0]].islower())
        )
        and not opens_expression([w for _, _, w in words[first:]])
    ):
        first += 1
    if first or last < len(words) - 1:
        start = words[first][0] if first else start
        end = words[last][1] if last < len(words) - 1 else end
        start, end = strip_edges(text, start, end)
    start = _expression_start(text, start, [w for _, _, w in words[first:]])
    return balanced_quotes(text, start, _past_possessive(text, end))


def _trimmed_end(text: str, words: Sequence[tuple[int, int, str]], first: int, last: int) -> int:
    """The index of the last of ``words[first : last + 1]`` (``(start, end, lower-case word)``) a
    phrase ends on: back past :data:`END_WORDS` (not an auxiliary or preposition ending its
    sentence), past :data:`TRAILING_CONNECTIVES` and past the subject pronoun of a cut clause
    ("the fact that it")."""
    while last > first:
        connective = next((c for c in TRAILING_CONNECTIVES if _ends_with(words, first, last, c)), None)
        if connective is not None:
            last -= len(connective)
        elif (normal_word(words[last][2]) in END_WORDS and not _elliptical_end(text, *words[last])) or (
            words[last][2] in SUBJECT_AFTER and words[last - 1][2] in OPENS_CLAUSE
        ):
            last -= 1
        else:
            break
    return last


# Connectives of several words that open what follows them: a span ending on one was cut before its
# phrase ('could not run a bath, let alone| a hospital'; QA s46/s47) and ends before it instead.
# "in order" ('He cannot find the righteous in order| to spare her', an out-of-fold span): "in order
# to" is a fixed expression too (unspun.models.phrase_words.FIXED_EXPRESSIONS), so a span starting
# on its "order" goes back to its "in". Out-of-fold spans of the grouped folds: 6 articles' spans
# change, SI F1 per fold 0.42870 / 0.42587 / 0.45528 -> 0.42869 / 0.42587 / 0.45528.
TRAILING_CONNECTIVES = (
    ("let", "alone"),
    ("not", "to", "mention"),
    ("rather", "than"),
    ("as", "well", "as"),
    ("in", "order"),
)


def _ends_with(
    words: Sequence[tuple[int, int, str]], first: int, last: int, connective: tuple[str, ...]
) -> bool:
    """Whether ``words[first : last + 1]`` ends on ``connective`` with a word before it."""
    size = len(connective)
    return (
        last - size >= first
        and tuple(normal_word(w) for _, _, w in words[last - size + 1 : last + 1]) == connective
    )


# The subject pronouns of a clause :func:`_without_bare_clause` cuts off.
_SUBJECTS = frozenset({"it", "he", "she", "they", "we", "i", "you"})


def _without_bare_clause(words: Sequence[tuple[int, int, str]], first: int, last: int) -> int:
    """``last``, or the index of the word before the clause that a span cut before "to" ends with,
    when the clause is an opener (:data:`OPENS_CLAUSE` but "so", an intensifier as often: "so
    angry| with"), a subject pronoun, auxiliaries and a verb left without its complement ("so grave
    |that it is seeking| to shrug off ...": the span ends on "grave"); a content word must stay
    before the clause. The out-of-fold spans of the grouped folds (7,494 spans of 371 PTC training
    articles) hold no such case (SI F1 per fold unchanged, 0.42815 / 0.42583 / 0.45492); without
    the "to", the pronoun and the auxiliary it cut 25 articles' spans, mostly where "so" or "that"
    was no clause opener ('the people of our Country are so angry| with'), for 0.43621 -> 0.43613."""
    opener = next((k for k in range(last - 1, first, -1) if words[k][2] in OPENS_CLAUSE), None)
    if opener is None or words[opener][2] == "so":
        return last
    between = [normal_word(w) for _, _, w in words[opener + 1 : last]]
    if len(between) < 2 or between[0] not in _SUBJECTS or not ELLIPTICAL_AUXILIARIES.intersection(between):
        return last
    if any(is_content_word(w) for w in between):
        return last
    if not any(is_content_word(normal_word(w)) for _, _, w in words[first:opener]):
        return last
    return opener - 1


def _elliptical_end(text: str, start: int, end: int, word: str) -> bool:
    """Whether the word ``word`` at ``text[start:end]`` is an auxiliary or a preposition ending its
    sentence (:data:`ELLIPTICAL_AUXILIARIES`, :data:`STRANDED_PREPOSITIONS`)."""
    word = normal_word(word)
    ending = word in ELLIPTICAL_AUXILIARIES or word in STRANDED_PREPOSITIONS
    return ending and _ENDS_SENTENCE.match(text, end) is not None


_INNER_WORDS = frozenset(w for e in FIXED_EXPRESSIONS for w in e[:-1])


def _expression_start(text: str, start: int, words: Sequence[str]) -> int:
    """``start``, or the start of the fixed expression (:data:`FIXED_EXPRESSIONS`) that the span's
    first ``words`` (lower case) finish, its first words lying just before ``start`` with nothing
    but spaces between ("Of |course it will" starts at "Of")."""
    head = text[max(0, start - 60) : start]
    before: list[tuple[int, str]] = []  # the words just before, with spaces or tabs between
    cursor = len(head)
    for match in reversed(list(WORD.finditer(head))):
        if match.end() == cursor or head[match.end() : cursor].strip(" \t") or len(before) == 4:
            break
        before.insert(0, (match.start(), match.group().lower()))
        cursor = match.start()
    if not before or before[-1][1] not in _INNER_WORDS:
        return start
    for expression in FIXED_EXPRESSIONS:
        for k in range(1, min(len(expression), len(before) + 1)):
            tail = expression[k:]
            if tuple(words[: len(tail)]) == tail and tuple(w for _, w in before[-k:]) == expression[:k]:
                return start - len(head) + before[-k][0]
    return start


# The word a plural possessive mark owns: after the mark, spaces, then the word on the same line.
_OWNED = re.compile(rf"['’][ \t]+({WORD.pattern})")
SENTENCE_END = re.compile(r"[.!?]\s|\n")
_OPENING_SINGLE = re.compile(r"‘|(?:^|(?<=[\s(\[“\"]))'")


def _past_possessive(text: str, end: int) -> int:
    """``end``, or past the word owned when a span would end between a word and its plural
    possessive mark ("waste of taxpayers|' money" -> "waste of taxpayers' money": the model's own
    spans of that sentence end on "money"; PTC gold spans hold such a mark inside 13 times and
    never end on it). The out-of-fold spans of the grouped folds never end there (SI F1 the same).
    A word a phrase does not end on (:data:`END_WORDS`: "the workers' and farmers'") is owned by
    nothing, and ``end`` stays."""
    owned = _OWNED.match(text, end) if possessive_mark(text, end) else None
    if owned is None or normal_word(owned.group(1).lower()) in END_WORDS:
        return end
    return owned.end(1)


def possessive_mark(text: str, end: int) -> bool:
    """Whether ``text[end]`` is the apostrophe of a plural possessive ("taxpayers' money", "the
    Jones' house"): a word ending in "s" before it, a word after it on the same line, and no single
    quotation mark opened earlier in the sentence (a quotation closing on "...s'")."""
    if not 0 < end < len(text) or text[end - 1] not in "sS" or not _OWNED.match(text, end):
        return False
    sentence = text[max(0, end - 300) : end]
    breaks = list(SENTENCE_END.finditer(sentence))
    if breaks:
        sentence = sentence[breaks[-1].end() :]
    return not _OPENING_SINGLE.search(sentence)


# A quotation mark a span opens (or closes) without the other: the span grows over the other mark
# when it is at most this many words away in the same sentence, else the lone mark is cut off.
QUOTE_REACH_WORDS = 3
# The curly quotation marks of English (:data:`unspun.models.phrase_pieces.QUOTES` adds the
# straight ones), and all the marks that open or close a quotation.
CURLY_OPENING, CURLY_CLOSING = "\u201c\u2018", "\u201d\u2019"
_OPENING, _CLOSING = CURLY_OPENING + "\u00ab\u201e", CURLY_CLOSING + "\u00bb"
# Each opening mark and the marks that close it (German „ closes with “ or ”).
_PAIRS = {"\u201c": "\u201d", "\u00ab": "\u00bb", "\u201e": "\u201c\u201d"}
_OPENING_OF = {"\u201d": "\u201c", "\u00bb": "\u00ab"}
# German »...« reverses the French «...»: such a text is read with the two marks swapped.
_SWAP_ANGLES = str.maketrans("\u00ab\u00bb", "\u00bb\u00ab")
# The first guillemet that opens a quotation: any «, or a » before a word (not the » of a
# French closing or of a "Mehr » Politik" menu path).
_FIRST_ANGLE = re.compile(r"\u00ab|\u00bb(?=\w)")


def reversed_guillemets(text: str) -> bool:
    """Whether ``text`` quotes German-style, »...« (its first guillemet opening a quotation is a
    »), rather than French- or Swiss-style, «...»."""
    first = _FIRST_ANGLE.search(text)
    return first is not None and first.group() == "\u00bb"


def balanced_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without a lone quotation mark: a span holding an opening mark it does not
    close (``"solid`` of ``"solid majority"``, ``called them "fake``) takes the closing mark when it
    is near, else a lone mark at its start is cut off; the same, mirrored, for a closing mark. Nor
    does it start on a closing guillemet or end on an opening one (» and « swap roles in a text
    quoting »...«: :func:`reversed_guillemets`)."""
    if end <= start:
        return start, end
    piece = text[start:end]
    if "\u00ab" in piece or "\u00bb" in piece:
        swap = _SWAP_ANGLES if reversed_guillemets(text) else {}
        start, end = _balanced(text, start, end, piece.translate(swap), swap)
        while start < end and text[start].translate(swap) == "\u00bb":
            start, end = strip_edges(text, start + 1, end)
        while start < end and text[end - 1].translate(swap) == "\u00ab":
            start, end = strip_edges(text, start, end - 1)
        return start, end
    return _balanced(text, start, end, piece, {})


def _closes(text: str, start: int, end: int) -> bool:
    """Whether the last straight quotation mark of ``text[start:end]`` closes a quotation: a word or
    punctuation before it, white space or punctuation (or the text's end) after it ('so-called
    "⟦bus plan" is nothing but⟧' holds the closing mark of a quotation it starts inside)."""
    mark = text.rfind('"', start, end)
    after = text[mark + 1 : mark + 2]
    return mark > start and not text[mark - 1].isspace() and (not after or not after[0].isalnum())


def _balanced(text: str, start: int, end: int, piece: str, swap: dict[int, int]) -> tuple[int, int]:
    """:func:`balanced_quotes` of ``piece``, ``text[start:end]`` with its guillemets swapped by
    ``swap`` (so « opens and » closes in it; the marks looked for in ``text`` are swapped back)."""
    straight = piece.count('"') % 2 == 1
    opened, closed = _lone_marks(piece)
    if opened or (straight and piece.lstrip()[:1] == '"') or (straight and not _closes(text, start, end)):
        marks = _PAIRS[opened[0]].translate(swap) if opened else '"'
        near = _mark_after(text, end, marks)
        if near is not None:
            return start, near
        if piece[0] in _OPENING or piece[0] == '"':
            return strip_edges(text, start + 1, end)
        return start, end
    if closed or straight:
        marks = _OPENING_OF[closed[0]].translate(swap) if closed else '"'
        near = _mark_before(text, start, marks)
        if near is not None:
            return near, end
        if piece[-1] in _CLOSING or piece[-1] == '"':
            return strip_edges(text, start, end - 1)
    return start, end


def _lone_marks(piece: str) -> tuple[list[str], list[str]]:
    """The curly or angle quotation marks ``piece`` opens without closing, and those it closes
    without opening. A German „ closes with “ or ”, so a “ or ” closing a „ is neither (counted
    apart, the “ of '„eine Lüge“' was an English mark left open and its „ was cut off, and the ”
    of '„eine Lüge”' a lone closing mark, cut off)."""
    low, left, right = piece.count("\u201e"), piece.count("\u201c"), piece.count("\u201d")
    by_left = min(low, left)  # „ ... “
    by_right = min(low - by_left, right)  # „ ... ”
    left, right = left - by_left, right - by_right  # English “ ... ”
    angle_open, angle_close = piece.count("\u00ab"), piece.count("\u00bb")
    opened = [
        mark
        for mark, lone in (
            ("\u201c", left > right),
            ("\u00ab", angle_open > angle_close),
            ("\u201e", low > by_left + by_right),
        )
        if lone
    ]
    closed = [mark for mark, lone in (("\u201d", right > left), ("\u00bb", angle_close > angle_open)) if lone]
    return opened, closed


def balanced_brackets(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without a lone round bracket: a span holding a ``(`` it does not close
    ends before it ('think of this as a (inaudible' -> 'think of this'), one holding a ``)`` it
    did not open starts after it ('the propaganda machine) refuse to report' -> 'refuse to
    report'). On the out-of-fold spans of the grouped folds, measured with a join of pieces of two
    techniques since reverted (18 of 7,350 spans hold a lone bracket), SI F1 per fold 0.4259 / 0.4241 / 0.4497 -> 0.4259 / 0.4240 / 0.4499; taking the other
    bracket instead, as a quotation's mark is taken, joined the pieces around the brackets
    ('"..." (Qur'an 60.4) For the Qur'an, ...'): 0.4260 / 0.4238 / 0.4495."""
    depth, first_close, last_open = 0, -1, -1
    for i in range(start, end):
        if text[i] == "(":
            depth += 1
            if depth == 1:
                last_open = i
        elif text[i] == ")":
            if depth == 0 and first_close < 0:
                first_close = i
            depth = max(0, depth - 1)
    if first_close >= 0:
        start = first_close + 1
    if depth > 0:
        end = last_open
    return start, max(start, end)


# What a quotation mark is not taken across: a sentence end or a line break.
_QUOTE_BREAK = re.compile(r"[.!?;]\s|\n")


def _mark_after(text: str, end: int, marks: str) -> int | None:
    """The end of the first of ``marks`` within :data:`QUOTE_REACH_WORDS` words after ``end``
    (no sentence break before it)."""
    stretch = text[end : end + 80]
    for i, ch in enumerate(stretch):
        if ch in marks:
            gap = stretch[:i]
            if len(WORD.findall(gap)) <= QUOTE_REACH_WORDS and not _QUOTE_BREAK.search(gap):
                return end + i + 1
            return None
    return None


def _mark_before(text: str, start: int, marks: str) -> int | None:
    """The start of the last of ``marks`` within :data:`QUOTE_REACH_WORDS` words before ``start``."""
    stretch = text[max(0, start - 80) : start]
    for i in range(len(stretch) - 1, -1, -1):
        if stretch[i] in marks:
            gap = stretch[i + 1 :]
            if len(WORD.findall(gap)) <= QUOTE_REACH_WORDS and not _QUOTE_BREAK.search(gap):
                return start - len(stretch) + i
            return None
    return None


def clipped(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` within ``text``: ``0 <= start <= end <= len(text)`` (a span past the end is
    empty at the end)."""
    start = min(max(0, start), len(text))
    return start, max(start, min(len(text), end))


def strip_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the white space and punctuation at its ends that a span does not
    start on (:data:`LEADING_CHARS`, any white space) or end on (:data:`TRAILING_CHARS`, any
    white space)."""
    while start < end and (text[start] in LEADING_CHARS or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in TRAILING_CHARS or text[end - 1].isspace()):
        end -= 1
    return start, end
