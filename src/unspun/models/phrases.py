"""Technique spans as whole phrases: the boundary rules applied after decoding and labelling.

A token tagger ends many spans where its probability happens to dip, often on a word a phrase never
ends on ("weakening imperialism to", "... fake news friends will"), leaves one phrase in two pieces
around a word it was unsure of, and now and then marks a lone discourse marker ("In fact"). PTC gold
spans end on a content word (or a pronoun object, "hate them"), rarely on an article, preposition,
conjunction, auxiliary or subject pronoun (2.0% of the 6,128 training spans end on
:data:`END_WORDS`), but often *start* on "the", "a", "if" or "I", so only a few starting words
are cut there (conjunctions and prepositions; auxiliaries and "that" in lower case, not the one
opening a question).

:func:`whole_phrases` takes any text and its labelled spans (``(text, spans) -> spans``: the span
tagger's output, or out-of-fold predictions) and returns them

- cut at each line break they cross (:func:`line_pieces`: a title and the line below it are two
  phrases) but those that only wrap running text (:func:`wrapped_line_break`), and where they run
  from a quotation into its reporting clause (:func:`quotation_pieces`: '"... lied again," critics
  said' keeps the quotation), and without a sentence at their start or end holding nothing but
  function words (:func:`sentence_pieces`: 'our cities will burn. You are either' keeps the first),
  and after a short exclamation they run on past into a sentence that is no exclamation
  (:func:`exclamation_pieces`: 'Enough is enough! The council must act' is two spans, never
  joined again; 'Jobs, not cuts! Jobs, not cuts!' stays one);
- snapped to word boundaries (never cut inside a word) and trimmed of white space, of leading or
  trailing punctuation (quotes, ``?`` and ``!`` stay at the end, opening quotes at the start),
  of a lone round bracket and what lies beyond it (:func:`balanced_brackets`),
  of :data:`END_WORDS` at their end and of :data:`START_WORDS` (:data:`LOWER_START_WORDS` in
  lower case) at their start, but a start word that opens a fixed expression ("Of course") stays and
  a span starting inside one goes back to its start (:data:`FIXED_EXPRESSIONS`); a span that
  would end between a word and its plural possessive mark ("waste of taxpayers|' money") takes the
  word owned;
- carried on to the end of the noun phrase when a span of several words ends on an adjective
  before its noun ('the horrible| crime' -> 'the horrible crime': :func:`noun_phrase_end`);
- started on the verb of a phrasal verb's particle they start on ('have sold |out our country'
  -> 'sold out our country': :func:`verb_start`), and on the start of a short exclamation whose
  last words after a comma they hold ('Wake up, |people!' -> 'Wake up, people!':
  :func:`exclamation_start`), never into another span (after the joining below);
- joined where two spans of one technique lie in one sentence with at most two words
  (:data:`MAX_GAP_WORDS`) between them and no other span there (the pieces of one phrase: the joined span keeps the
  length-weighted mean score); so joined too where their techniques differ, unless the second
  opens a phrase of its own (:data:`PHRASE_OPENERS`: 'This evil regime| is |the new Nazi
  Germany' stays two spans), the joined span taking the likelier piece's technique and keeping
  the other's in ``also`` ('⟦If this disgraceful⟧ border bill ⟦passes, our cities will burn⟧'
  is one span, no technique lost: :func:`join_techniques`);
- dropped when nothing but function words, negated auxiliaries ("Don't") or a discourse marker
  ("In fact", "Of course") is left,
  but a sentence of function words alone that stands by itself and that the tagger calls a
  thought-terminating cliché or a slogan (:func:`utterance`: "It is what it is.", "So be it.") is
  kept whole, untrimmed: clichés are made of function words, and a whole sentence is no cut phrase.

Plain token rules over word lists, no parser: on 100 PTC training articles they leave no span
ending on a function word, at under 1 ms per article, so a spaCy parse (not tried) would have
nothing left to pay for.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from unspun.document import Label, Span
from unspun.models.decoding import FUNCTION_WORDS, snap_to_words
from unspun.sentences import split_sentences

# Words a phrase does not end on: articles, determiners (those no PTC training span ends on:
# "every", "each", "such", ...; "no", "any" and "another", which 6, 2 and 2 of the 6,128 end on,
# where 9 of 11 out-of-fold spans of the grouped folds ending so were cut before their noun, "is
# no longer", "than any of", "If another attendee": SI F1 per fold 0.4248 / 0.4240 / 0.4487 ->
# 0.4249 / 0.4240 / 0.4487), possessive determiners, prepositions,
# conjunctions, relative words, auxiliaries and modals, subject pronouns, a few adverbs and titles
# (no PTC training span ends on "Sen", "Rep", "Gov", ...; a span of "Sen" alone, cut from "Sen.
# Mark Doe's so-called investigation", was labelled name calling).
# Object pronouns ("them", "it", "us"), "not" and "do/did" stay: gold spans end on them.
# fmt: off
END_WORDS = frozenset({
    "the", "a", "an", "this", "that", "these", "those", "my", "our", "their", "his", "its", "your",
    "in", "of", "to", "at", "on", "for", "by", "from", "with", "about", "into", "onto", "as",
    "than", "under", "between", "through", "against", "without", "within", "upon", "via", "per",
    "and", "or", "but", "nor", "so", "if", "because", "while", "although", "though", "whether",
    "unless", "until", "since", "when", "where", "which", "who", "whom", "whose", "what",
    "is", "are", "was", "were", "be", "been", "am", "has", "have", "had", "having",
    "will", "would", "shall", "should", "can", "could", "may", "might", "must",
    "i", "we", "they", "he", "she", "just", "also", "even", "still", "already", "very", "really",
    "yet", "only", "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "prof", "rev", "sgt", "capt",
    "lt", "col",
    "every", "each", "such", "several", "most", "much", "few", "neither", "either",
    "no", "any", "another",
    "it's", "that's", "there's", "they're", "we're", "i'm", "you're", "he's", "she's",
})
# Words a phrase seldom starts on (gold spans start on "the", "a", "if", "I", "to" and "but" often:
# those stay; cutting leading auxiliaries too cut questions, "Will this ...?").
START_WORDS = frozenset({
    "and", "or", "nor", "of", "in", "at", "on", "by", "from", "with", "about", "than", "as",
})
# Auxiliaries and "that" are cut from a span's start when written in lower case, inside a sentence
# ("is being ushered in by ...", "that the US will ..."); a capital one opens a question ("Will
# this ...?", "Is it ...?") and stays.
LOWER_START_WORDS = frozenset({
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would",
    "shall", "should", "can", "could", "may", "might", "must", "that",
})
# Negated auxiliaries: no content of their own ("Don't" alone, marked as a thought-terminating
# cliché in "Don't be the last one left behind", is no finding); no PTC training gold span is made
# of these and function words alone.
NEGATED_AUXILIARIES = frozenset({
    "don't", "doesn't", "didn't", "can't", "cannot", "won't", "isn't", "aren't", "wasn't",
    "weren't", "shouldn't", "wouldn't", "couldn't", "haven't", "hasn't", "hadn't", "mustn't",
})
# Spans made of nothing but these (and function words) are no finding.
DISCOURSE_MARKERS = frozenset({
    "in fact", "of course", "indeed", "in other words", "after all", "however", "moreover",
    "furthermore", "in short", "actually", "in reality", "in truth", "the fact", "the fact that",
    "as a matter of fact", "in addition", "besides", "therefore", "thus", "hence", "meanwhile",
    "nevertheless", "nonetheless", "anyway", "well", "so", "now", "then", "also", "still", "yet",
})
# Fixed expressions of several words: a span does not start inside one ("Of course it will!" was
# "course it", its "Of" cut as a leading preposition; a decoder that drops "In" of "In fact" has the
# span go back over it), and one standing with function words alone ("Of course it will") is no
# finding, as a marker alone is not. On the out-of-fold spans of the grouped folds (7,897 spans of
# 371 PTC training articles) 14 spans change, SI F1 per fold 0.4248 / 0.4237 / 0.4484 -> 0.4249 /
# 0.4236 / 0.4484 (mean 0.4323 both).
FIXED_EXPRESSIONS = tuple(
    tuple(phrase.split())
    for phrase in sorted(
        {m for m in DISCOURSE_MARKERS if " " in m and not m.startswith("the ")}
        | {"at least", "at all", "by far", "on the other hand", "for example", "for instance"},
        key=lambda m: -len(m.split()),
    )
)
_EXPRESSIONS_BY_HEAD: dict[str, list[tuple[str, ...]]] = {}
for _expression in FIXED_EXPRESSIONS:  # longest first, as FIXED_EXPRESSIONS
    _EXPRESSIONS_BY_HEAD.setdefault(_expression[0], []).append(_expression)
# fmt: on
# A word with inner apostrophes or hyphens ("so-called", "don't", "Ba'athist") is one word here.
WORD = re.compile(r"\w+(?:['\u2019\-]\w+)*")
# Characters cut from either end of a span (quotes, "?" and "!" stay at its end: gold spans keep
# them); a span does not start on what closes a sentence or quote, nor end on what opens one.
EDGE_CHARS = " \n\t\r\ufeff\u00a0.,:;-\u2013\u2014/*&|"
LEADING_CHARS = EDGE_CHARS + "?!)]}\u201d"
TRAILING_CHARS = EDGE_CHARS + "([{\u201c"
# Between two pieces of one phrase there is no sentence or clause break, quote or bracket.
BREAK = re.compile(r"[.!?;:\n\"\u201c\u201d()\[\]\u2013\u2014]|--")
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
# Measured on the out-of-fold spans of the grouped folds (7,285 spans of 371 PTC training
# articles): of the pieces joined across exactly one word 25 of 82 lie in one gold span, across
# two 24 of 67, across three 8 of 48; SI F1 (mean of the folds) 0.4267 at one word, 0.4261 at
# two and at three. Two words join "Either we close [the border] now or we lose ...".
MAX_GAP_WORDS = 2
# A piece opening with a determiner or a subject pronoun starts a noun phrase or a clause of its
# own ('This evil regime| is |the new Nazi Germany': two findings, name calling and reductio ad
# hitlerum): it is not joined to the piece before it when their techniques differ. Out-of-fold
# spans of the grouped folds (7,881 spans of 371 PTC training articles, labelled by each fold
# model's technique head): SI F1 per fold 0.4256 / 0.4233 / 0.4493 (mean 0.4327) apart, 0.4261 /
# 0.4240 / 0.4495 (0.4332) joining every such pair, 0.4264 / 0.4254 / 0.4509 (0.4342) joining
# all but these (7,491 spans; share right 24.8% -> 25.7%; gold spans a span names the technique
# of, as its label or in also, 1,963 -> 1,995). Also tried: no auxiliary in the gap 0.4330,
# determiners alone 0.4339, articles alone 0.4337.
# fmt: off
PHRASE_OPENERS = frozenset({
    "the", "a", "an", "this", "that", "these", "those", "my", "our", "their", "his", "its", "your",
    "i", "we", "they", "he", "she", "you", "it",
})
# fmt: on
# A word ending so is read as an adjective ('disgraceful', 'dangerous', 'divisive', 'horrible',
# 'political', 'toxic', 'heartless', 'violent', 'arrogant', 'arbitrary'; not '-ment': 'government');
# a span ending on one before a lower-case content word is cut from its noun. Plain suffixes, no
# tagger: nouns ending so ('rhetoric', 'proposal') carry a span on over a word or two, which the
# stop words below mostly end.
MODIFIER_ENDING = re.compile(r"(?<!m)(?:ful|ous|ive|able|ible|al|ic|less|ish|ent|ant|ary)$")
# The most words a span so cut is carried on over ('remarkable| new book').
NOUN_REACH_WORDS = 2
# Out-of-fold spans of the grouped folds (7,491 spans of 371 PTC training articles), spans of two
# words or more: SI F1 per fold 0.4263 / 0.4254 / 0.4512 -> 0.4269 / 0.4258 / 0.4516 (mean 0.4343
# -> 0.4348; a lone adjective carried on too, 0.4271 / 0.4253 / 0.4516; only after a determiner,
# 0.4343). Of the spans so carried on about a third reach into a gold span (PTC gold often stops
# at the adjective) but a reader sees a whole phrase. Carrying every span on over one word gave
# 0.4352: SI F1 favours longer spans, so the small gain is no evidence for the rule itself.
_NEXT_WORD = re.compile(r"[ \t]+(\w+(?:['\u2019\-]\w+)*)")
_VERB_ENDING = re.compile(r"(?:ed|ing|ly)$")
# The key of ``Span.attrs`` where the span model leaves the technique head's probability of a
# span's technique: a joined piece's technique goes to the joined span's ``also`` with it (the
# span tagger removes the key once the phrases are whole).
TECHNIQUE_PROBABILITY = "technique_probability"
# Techniques whose span is a whole utterance, often of function words alone (PTC training gold:
# "then so be it", "that's about it", "we will"): a sentence standing alone with one of these
# labels is kept whole, as the tagger marked it. On the out-of-fold spans of the grouped folds
# (7,312 spans of 371 PTC training articles) it keeps one span more ("We are with you!", Slogans)
# and changes no other.
UTTERANCE_TECHNIQUES = frozenset({"Thought-terminating_Cliches", "Slogans"})
# What may stand between a sentence's end mark and the next sentence's first word, or after a
# sentence's last word: quotes, brackets and white space.
_OPENERS = "\"'\u201c\u2018([ \t\r\u00a0"
_CLOSERS = "\"'\u201d\u2019)]"
_QUOTES = "\"'\u201c\u201d\u2018\u2019"


def whole_phrases(text: str, spans: Iterable[Span], *, max_gap_words: int | None = None) -> list[Span]:
    """``spans`` of ``text`` as whole phrases (see the module docstring), sorted by position.

    ``max_gap_words``: the most words between two pieces of one phrase (default
    :data:`MAX_GAP_WORDS`; 0: pieces are joined across punctuation only, -1: never).
    Spans of different techniques are trimmed and joined apart (two techniques may share words),
    then pieces of one phrase of two techniques are joined (:func:`join_techniques`); a span that
    is left empty is dropped. Scores and other fields are kept (a joined span: the length-weighted
    mean score, the first piece's other fields, or the likelier piece's with the other's technique
    in ``also`` where the techniques differ). Raises nothing; offsets outside ``text`` are clipped.
    """
    spans = [
        part if (a, b) == (part.start, part.end) else replace(part, start=a, end=b)
        for span in spans
        for piece in line_pieces(text, span)
        for part in quotation_pieces(text, piece)
        for a, b in exclamation_pieces(text, part.start, part.end)
    ]
    # a cliché of function words alone ("It is what it is") is kept whole, untrimmed
    whole = [s for s in (_utterance_span(text, span) for span in spans) if s is not None]
    kept = {(s.start, s.end, s.label) for s in whole}
    # a marker is dropped before joining (no phrase is joined to "In fact"), and before trimming
    # ("In fact" would be "fact")
    trimmed = whole + [
        s
        for s in (
            _trim_span(text, piece)
            for span in spans
            for piece in sentence_pieces(text, span)
            if is_finding(text[piece.start : piece.end])
        )
        if s is not None and is_finding(s.text_in(text))
    ]
    starts = sorted(s.start for s in trimmed)
    trimmed = [_to_noun(text, s, starts) for s in trimmed]
    taken = sorted((s.start, s.end) for s in trimmed)
    gap_words = MAX_GAP_WORDS if max_gap_words is None else max_gap_words
    out: list[Span] = []
    for label in dict.fromkeys(s.label for s in trimmed):
        same = sorted((s for s in trimmed if s.label == label), key=_position)
        out += _join(text, same, taken, gap_words)
    out = join_techniques(text, sorted(out, key=_position), taken, gap_words)
    out = _whole_starts(text, out)
    return sorted(
        (s for s in out if (s.start, s.end, s.label) in kept or is_finding(s.text_in(text))), key=_position
    )


# Particles of phrasal verbs: a span starting on one right after a verb ('have sold |out our
# country once again') starts on the verb ('sold out our country once again'). PTC training gold
# spans never start on one of these after a lower-case word; 46 hold a verb and its particle
# ('stamped out', 'dumbing down', 'ending up in a hell hole'), 11 start after the particle, on its
# object ('called out |the traitors'). Out-of-fold spans of the grouped folds (7,502 spans of 371
# PTC training articles, each fold model's technique head): 13 spans start on their verb, SI F1 per
# fold 0.42887 / 0.42583 / 0.45123 -> 0.42882 / 0.42583 / 0.45131 (mean 0.43531 -> 0.43532; the
# first fold's four spans overlapping gold lose precision where PTC marks the object alone, 'set
# off |a firestorm of outrage'); without the guard against reaching into another span, 0.43526.
PARTICLES = frozenset({"out", "up", "off", "down", "away", "back"})
# The most words of a short exclamation whose last words after a comma a span holds ('Wake up,
# |people!'): the span takes the whole exclamation (a call and the one it calls on are one phrase).
# The out-of-fold spans of the grouped folds hold no such case (a quotation after the comma, 'I was
# like, |'Whoa!', was one, and is left out).
EXCLAMATION_WORDS = 5
_WORD_BEFORE = re.compile(r"(\w+(?:['\u2019\-]\w+)*)[ \t]+$")
_AFTER_COMMA = re.compile(r",[ \t]+$")


def _whole_starts(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` whose start is moved back to the start of their phrase: to the verb of a particle
    they start on (:func:`verb_start`), to the start of a short exclamation they close
    (:func:`exclamation_start`); never into another span."""
    out = []
    for span in spans:
        start = exclamation_start(text, span.start, span.end)
        if start == span.start:
            start = verb_start(text, span.start)
        if start < span.start and not any(
            o is not span and o.start < span.start and o.end > start for o in spans
        ):
            span = replace(span, start=start)
        out.append(span)
    return out


def verb_start(text: str, start: int) -> int:
    """``start``, or the start of the word before it when the word at ``start`` is one of
    :data:`PARTICLES` and the word before (spaces between, no punctuation) reads as its verb: a word
    of letters that is no function word (:data:`FUNCTION_WORDS`, :data:`END_WORDS`), in lower case
    or opening a sentence ('Speaking |out against hate' -> 'Speaking out against hate')."""
    particle = WORD.match(text, start)
    if particle is None or particle.group().lower() not in PARTICLES:
        return start
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if before is None:
        return start
    word = before.group(1)
    if not word.isalpha() or not _is_content_word(word.lower()):
        return start
    if not word[0].islower():
        opening = text[: before.start()].rstrip(" \t\"'\u201c\u2018(")
        if opening and opening[-1] not in ".!?\n":
            return start  # a name or a noun in capitals ('the CIA |over a barrel')
    return before.start()


def exclamation_start(text: str, start: int, end: int) -> int:
    """``start``, or the start of its sentence when ``[start, end)`` holds at most two words and
    closes, after a comma, an exclamation of at most :data:`EXCLAMATION_WORDS` words that stands
    alone (:func:`utterance`): 'Wake up, |people!' -> 'Wake up, people!'."""
    if end <= start or text[end - 1] != "!" or not _AFTER_COMMA.search(text, max(0, start - 8), start):
        return start
    if len(WORD.findall(text, start, end)) > 2 or text[start] in _QUOTES:
        return start  # a quotation after the comma is what was said ('I was like, |'Whoa!')
    sentence_start = _sentence_start(text, start)
    words = len(WORD.findall(text, sentence_start, end))
    if words > EXCLAMATION_WORDS or not utterance(text, sentence_start, end):
        return start
    return sentence_start


def _sentence_start(text: str, index: int) -> int:
    """The start of the sentence ``text[index]`` lies in: after the last end mark (closing quotes
    or brackets and white space after it) before ``index`` on its line, else the line's start;
    edge white space and punctuation stripped."""
    line_start = text.rfind("\n", 0, index) + 1
    breaks = list(_SENTENCE_BREAK.finditer(text, line_start, index))
    return _strip(text, breaks[-1].end() if breaks else line_start, index)[0]


_SENTENCE_BREAK = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+")
# A short exclamation is an utterance of its own: a span running on past its "!" into a sentence
# that is no exclamation ('Enough is enough! The council must act', a slogan and a call the head
# reads apart) is cut after it, each piece kept; a run of exclamations ('Jobs, not cuts! Jobs, not
# cuts!') stays one span (PTC gold: 'Whoa! Whoa! Whoa!', 'Stay in the fight! Keep the Faith. Never
# surrender!'). It cuts 1 of the 6,128 PTC training gold spans (a quoted scripture) and none of
# the out-of-fold spans of the grouped folds (SI F1 per fold unchanged, 0.42882 / 0.42638 /
# 0.45150): their texts hold a sentence a line. The most words of such an exclamation, as
# unspun.models.span_candidates.EXCLAMATION_WORDS.
RUN_ON_EXCLAMATION_WORDS = 8
_EXCLAMATION_MARK = re.compile(r"!+[\"'\u201d\u2019)\]]*(?=\s)")
_NEXT_END_MARK = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s|$)|\n")


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
    exclamation (at most :data:`RUN_ON_EXCLAMATION_WORDS` words, not closed by a bracket: 'William
    ("nighty-night baby!") Tobin' goes on) and the next opens with no lower-case letter ('Yahoo!
    reported' goes on) and ends on no ``!`` (a run of exclamations is one utterance); else None."""
    after = WORD.search(text, mark.end(), end)
    if after is None or after.group()[0].islower() or ")" in mark.group():
        return None
    words = len(WORD.findall(text, _sentence_start(text, mark.start()), mark.start()))
    if not 0 < words <= RUN_ON_EXCLAMATION_WORDS:
        return None
    following = _NEXT_END_MARK.search(text, after.start())
    if following is not None and text[following.start()] == "!":
        return None
    return after.start() - (text[after.start() - 1] in _QUOTES + "(")


def utterance(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` of ``text`` (edge white space and punctuation aside) is one or more
    whole sentences standing alone: it opens the text, a line or the sentence after an end mark
    (``.``, ``!``, ``?``; quotes and brackets may come between) or a quotation after a colon or
    comma, and ends with an end mark, a line break, the text or the comma closing its quotation."""
    start, end = _strip(text, *snap_to_words(text, max(0, start), min(len(text), end)))
    if end <= start or not WORD.search(text[start:end]):
        return False
    before = start
    while before > 0 and text[before - 1] in _OPENERS:
        before -= 1
    quoted = any(c in _QUOTES for c in text[before:start])
    while before > 0 and text[before - 1] in _CLOSERS:
        before -= 1
    opens = before == 0 or text[before - 1] in ".!?\n" or (quoted and text[before - 1] in ":,")
    # a quoted sentence the reporting clause follows: "It is what it is," he said
    comma_quote = text[end : end + 2]
    if len(comma_quote) == 2 and comma_quote[0] == "," and comma_quote[1] in _QUOTES:
        return opens
    after = end
    while after < len(text) and text[after] in _CLOSERS:
        after += 1
    return opens and (text[end - 1] in "!?" or after == len(text) or text[after] in ".!?\n")


def _utterance_span(text: str, span: Span) -> Span | None:
    """``span`` stripped of its edge white space and punctuation (quotes kept balanced), when it
    holds no word but function words (:func:`is_finding` is false: it would be dropped) yet is a
    sentence standing alone (:func:`utterance`) labelled as one of :data:`UTTERANCE_TECHNIQUES`;
    else None (the span goes through the usual trimming)."""
    if span.label not in UTTERANCE_TECHNIQUES or is_finding(text[span.start : span.end]):
        return None
    if not utterance(text, span.start, span.end):
        return None
    start, end = _strip(text, *snap_to_words(text, max(0, span.start), min(len(text), span.end)))
    start, end = balanced_quotes(text, start, end)
    return span if (start, end) == (span.start, span.end) else replace(span, start=start, end=end)


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
    if not _SENTENCE_END.search(text, start, end):
        return [span]
    pieces = [(start + r.start, start + r.end) for r in split_sentences(text[start:end])]
    findings = [i for i, (a, b) in enumerate(pieces) if _holds_finding(text, a, b)]
    if not findings or (findings[0] == 0 and findings[-1] == len(pieces) - 1):
        return [span]
    return [replace(span, start=pieces[findings[0]][0], end=pieces[findings[-1]][1])]


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
# fmt: off
REPORTING_VERBS = frozenset({
    "said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "claimed", "claims",
    "argued", "argues", "asked", "asks", "warned", "warns", "insisted", "insists", "stated",
    "states", "tweeted", "tweets", "explained", "explains", "noted", "notes", "declared",
    "declares", "replied", "replies", "continued", "emphasized", "emphasised", "stressed",
    "alleged", "admitted", "complained", "posted", "charged", "according",
})
# fmt: on
_REPORTING = re.compile(
    r"[ \t\u00a0]*,?[ \t\u00a0]+(?:[\w'\u2019.\-]+,?[ \t\u00a0]+){0,6}?(?:"
    + "|".join(sorted(REPORTING_VERBS))
    + r")\b",
    re.IGNORECASE,
)
_OPENING_MARKS = "\u201c\u00ab\u201e"
_CLOSING_MARK = re.compile('[,.!?\u2026]["\u201d\u00bb]')


def quotation_pieces(text: str, span: Span) -> list[Span]:
    """``span`` without the reporting clause it runs into after a quotation
    ('"The experts lied again," critics said' -> the quotation; its words after the clause, in a
    quotation that goes on, are a second piece), each piece with the span's fields (trimmed later);
    a span crossing no closing quotation mark followed by a reporting verb is kept as it is."""
    start, end = max(0, span.start), min(len(text), span.end)
    pieces, cursor = [], start
    for mark in _CLOSING_MARK.finditer(text, start, end - 1):
        i = mark.start() + 1
        clause = _reporting_clause(text, i) if i >= cursor else None
        if clause is None:
            continue
        pieces.append((cursor, i + 1))
        reopen = next((j for j in range(clause.end(), end) if text[j] in _OPENING_MARKS + '"'), end)
        cursor = (
            reopen if reopen < end and not BREAK.search(text[clause.end() : reopen].replace('"', "")) else end
        )
    if not pieces:
        return [span]
    pieces.append((cursor, end))
    return [replace(span, start=a, end=b) for a, b in pieces if WORD.search(text[a:b])]


def _reporting_clause(text: str, i: int) -> re.Match[str] | None:
    """The reporting clause after ``text[i]`` when that closes a quoted sentence (a curly, angle
    or straight closing mark after ``,``, ``.``, ``!``, ``?`` or an ellipsis: a quoted phrase
    inside a sentence, 'a "Harry Potter" novel', is no quotation of a speaker); else None."""
    if text[i] not in '\u201d\u00bb"' or i == 0 or text[i - 1] not in ",.!?\u2026":
        return None
    if text[i] == '"' and i + 1 < len(text) and text[i + 1].isalnum():
        return None
    return _REPORTING.match(text, i + 1)


def whole_phrase_ranges(
    text: str, ranges: Sequence[tuple[int, int, float]], *, max_gap_words: int | None = None
) -> list[tuple[int, int, float]]:
    """:func:`whole_phrases` for unlabelled ``(start, end, score)`` spans (span identification
    alone: all taken as one technique)."""
    spans = [Span(s, e, "", score) for s, e, score in ranges if 0 <= s < e]
    return [(s.start, s.end, s.score) for s in whole_phrases(text, spans, max_gap_words=max_gap_words)]


def phrase_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` snapped to whole words, with the edge punctuation, the trailing
    :data:`END_WORDS` and the leading :data:`START_WORDS` cut off (at least one word stays);
    ``(x, x)`` when no word is left."""
    start, end = snap_to_words(text, max(0, start), min(len(text), end))
    start, end = _strip(text, *balanced_brackets(text, *_strip(text, start, end)))
    words = [(m.start() + start, m.end() + start, m.group().lower()) for m in WORD.finditer(text[start:end])]
    if not words:
        return start, start
    first, last = 0, len(words) - 1
    while last > first and (
        _normal(words[last][2]) in END_WORDS
        or (words[last][2] in SUBJECT_AFTER and words[last - 1][2] in OPENS_CLAUSE)
    ):
        last -= 1
    while (
        first < last
        and (
            _normal(words[first][2]) in START_WORDS
            or (words[first][2] in LOWER_START_WORDS and text[words[first][0]].islower())
        )
        and not _opens_expression([w for _, _, w in words[first:]])
    ):
        first += 1
    if first or last < len(words) - 1:
        start = words[first][0] if first else start
        end = words[last][1] if last < len(words) - 1 else end
        start, end = _strip(text, start, end)
    start = _expression_start(text, start, [w for _, _, w in words[first:]])
    return balanced_quotes(text, start, _past_possessive(text, end))


def _opens_expression(words: Sequence[str]) -> bool:
    """Whether the lower-case ``words`` open with one of :data:`FIXED_EXPRESSIONS`."""
    return bool(words) and any(tuple(words[: len(e)]) == e for e in _EXPRESSIONS_BY_HEAD.get(words[0], ()))


_INNER_WORDS = frozenset(w for e in FIXED_EXPRESSIONS for w in e[:-1])
# one of the expressions, in words joined by single spaces (longest first)
_EXPRESSION = re.compile(
    r"(?<!\S)(?:" + "|".join(re.escape(" ".join(e)) for e in FIXED_EXPRESSIONS) + r")(?!\S)"
)


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
_OWNED = re.compile(r"['’][ \t]+(\w+(?:['’\-]\w+)*)")
_SENTENCE_END = re.compile(r"[.!?]\s|\n")
_OPENING_SINGLE = re.compile(r"‘|(?:^|(?<=[\s(\[“\"]))'")


def _past_possessive(text: str, end: int) -> int:
    """``end``, or past the word owned when a span would end between a word and its plural
    possessive mark ("waste of taxpayers|' money" -> "waste of taxpayers' money": the model's own
    spans of that sentence end on "money"; PTC gold spans hold such a mark inside 13 times and
    never end on it). The out-of-fold spans of the grouped folds never end there (SI F1 the same)."""
    owned = _OWNED.match(text, end) if possessive_mark(text, end) else None
    return owned.end(1) if owned else end


def possessive_mark(text: str, end: int) -> bool:
    """Whether ``text[end]`` is the apostrophe of a plural possessive ("taxpayers' money", "the
    Jones' house"): a word ending in "s" before it, a word after it on the same line, and no single
    quotation mark opened earlier in the sentence (a quotation closing on "...s'")."""
    if not 0 < end < len(text) or text[end - 1] not in "sS" or not _OWNED.match(text, end):
        return False
    sentence = text[max(0, end - 300) : end]
    breaks = list(_SENTENCE_END.finditer(sentence))
    if breaks:
        sentence = sentence[breaks[-1].end() :]
    return not _OPENING_SINGLE.search(sentence)


# A quotation mark a span opens (or closes) without the other: the span grows over the other mark
# when it is at most this many words away in the same sentence, else the lone mark is cut off.
QUOTE_REACH_WORDS = 3
_OPENING, _CLOSING = "\u201c\u2018\u00ab\u201e", "\u201d\u2019\u00bb"
# Each opening mark and the marks that close it (German „ closes with “ or ”).
_PAIRS = {"\u201c": "\u201d", "\u00ab": "\u00bb", "\u201e": "\u201c\u201d"}
_OPENING_OF = {"\u201d": "\u201c", "\u00bb": "\u00ab"}


def balanced_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without a lone quotation mark: a span holding an opening mark it does not
    close (``"solid`` of ``"solid majority"``, ``called them "fake``) takes the closing mark when it
    is near, else a lone mark at its start is cut off; the same, mirrored, for a closing mark."""
    if end <= start:
        return start, end
    piece = text[start:end]
    straight = piece.count('"') % 2 == 1
    opened = [o for o in _PAIRS if piece.count(o) > sum(piece.count(c) for c in _PAIRS[o] if c != o)]
    if opened or (straight and piece.lstrip()[:1] == '"') or (straight and '"' not in piece.rstrip()[-1:]):
        marks = _PAIRS[opened[0]] if opened else '"'
        near = _mark_after(text, end, marks)
        if near is not None:
            return start, near
        if piece[0] in _OPENING or piece[0] == '"':
            return _strip(text, start + 1, end)
        return start, end
    closed = [c for c in "\u201d\u00bb" if piece.count(c) > piece.count(_OPENING_OF[c])]
    if closed or straight:
        marks = _OPENING_OF[closed[0]] if closed else '"'
        near = _mark_before(text, start, marks)
        if near is not None:
            return near, end
        if piece[-1] in _CLOSING or piece[-1] == '"':
            return _strip(text, start, end - 1)
    return start, end


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


def content_word_count(covered: str) -> int:
    """The words of a span's text ``covered`` that are neither function words
    (:data:`FUNCTION_WORDS`) nor words a phrase does not end on (:data:`END_WORDS`), the lists
    :func:`is_finding` reads; unlike it, a negated auxiliary or a word of a fixed expression counts
    (the span calibration's one-word term was fitted so)."""
    return sum(1 for w in _lowered_words(covered) if _is_content_word(w))


def is_finding(covered: str) -> bool:
    """Whether a span's text holds a word that is not a function word (:data:`FUNCTION_WORDS`,
    :data:`END_WORDS`) and is not a discourse marker standing alone ("In fact", "Of course")."""
    words = _without_expressions(_lowered_words(covered))
    content = [w for w in words if _is_content_word(w) and w not in NEGATED_AUXILIARIES]
    if not content:
        return False
    return " ".join(words) not in DISCOURSE_MARKERS and " ".join(content) not in DISCOURSE_MARKERS


def _lowered_words(covered: str) -> list[str]:
    """The words of ``covered`` (:data:`WORD`), in lower case, curly apostrophes as straight."""
    return [_normal(w.lower()) for w in WORD.findall(covered)]


def _is_content_word(word: str) -> bool:
    return word not in FUNCTION_WORDS and word not in END_WORDS


def _without_expressions(words: list[str]) -> list[str]:
    """``words`` with each fixed expression (:data:`FIXED_EXPRESSIONS`) of several words left out."""
    if _EXPRESSIONS_BY_HEAD.keys().isdisjoint(words):
        return words
    joined = " ".join(words)
    return _EXPRESSION.sub(" ", joined).split() if _EXPRESSION.search(joined) else words


def ends_on_function_word(covered: str) -> bool:
    """Whether a span's text ends on one of :data:`END_WORDS` (a cut phrase)."""
    words = WORD.findall(covered)
    return bool(words) and _normal(words[-1].lower()) in END_WORDS


def cuts_word(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` starts or ends inside a word of ``text``."""
    return snap_to_words(text, start, end) != (start, end)


def boundary_figures(texts: Sequence[str], spans: Sequence[Sequence[Span]]) -> dict[str, float]:
    """How whole the spans of ``texts`` are (``spans[i]`` those of ``texts[i]``):
    ``function_word_end_share``, the share of spans ending on one of :data:`END_WORDS`, and
    ``inside_word_cuts``, the number of spans starting or ending inside a word; ``spans``, their
    number."""
    count = ends = cuts = 0
    for text, text_spans in zip(texts, spans, strict=True):
        for span in text_spans:
            count += 1
            ends += ends_on_function_word(span.text_in(text))
            cuts += cuts_word(text, span.start, span.end)
    return {
        "function_word_end_share": ends / count if count else 0.0,
        "inside_word_cuts": cuts,
        "spans": count,
    }


def _normal(word: str) -> str:
    return word.replace("\u2019", "'")


def _position(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.label


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in LEADING_CHARS:
        start += 1
    while end > start and text[end - 1] in TRAILING_CHARS:
        end -= 1
    return start, end


def _trim_span(text: str, span: Span) -> Span | None:
    start, end = phrase_bounds(text, span.start, span.end)
    if end <= start:
        return None
    return span if (start, end) == (span.start, span.end) else replace(span, start=start, end=end)


def _join(text: str, spans: list[Span], taken: list[tuple[int, int]], max_gap_words: int) -> list[Span]:
    """Spans of one technique, in order: overlapping ones merged, and pieces of one phrase (at most
    ``max_gap_words`` words apart, no break between, no other span in the gap) joined."""
    out: list[Span] = []
    for span in spans:
        if out and (
            span.start <= out[-1].end or _one_phrase(text, out[-1].end, span.start, taken, max_gap_words)
        ):
            last = out[-1]
            a, b = last.end - last.start, span.end - span.start
            score = (last.score * a + span.score * b) / max(a + b, 1)
            out[-1] = replace(last, end=max(last.end, span.end), score=score)
            continue
        out.append(span)
    return out


def noun_phrase_end(text: str, end: int, limit: int | None = None) -> int:
    """``end``, or further when the text before it ends on an adjective (:data:`MODIFIER_ENDING`)
    followed, after spaces, by lower-case words that carry on its noun phrase: at most
    :data:`NOUN_REACH_WORDS` of them, none a function word, negated auxiliary, reporting verb or
    word ending "ed", "ing" or "ly" (likely a verb or adverb), none past ``limit``."""
    last = WORD.findall(text[max(0, end - 40) : end])
    if not last or not MODIFIER_ENDING.search(last[-1].lower()) or not text[end - 1].isalnum():
        return end
    limit = len(text) if limit is None else limit
    new_end = end
    for _ in range(NOUN_REACH_WORDS):
        match = _NEXT_WORD.match(text, new_end)
        if match is None or match.end(1) > limit:
            break
        word = match.group(1)
        lowered = _normal(word.lower())
        if (
            not word[0].islower()
            or not _is_content_word(lowered)
            or lowered in NEGATED_AUXILIARIES
            or lowered in REPORTING_VERBS
            or _VERB_ENDING.search(lowered)
        ):
            break
        new_end = match.end(1)
    return new_end


def _to_noun(text: str, span: Span, starts: Sequence[int]) -> Span:
    """``span`` carried on to its noun phrase's end (:func:`noun_phrase_end`), short of the next
    span's start (``starts``: all spans' starts, sorted); a span of one word, an adjective alone
    ('disgraceful'), is a whole finding and stays (PTC loaded language often is one)."""
    if len(WORD.findall(text, span.start, span.end)) < 2:
        return span
    following = bisect.bisect_right(starts, span.start)
    limit = starts[following] if following < len(starts) else len(text)
    end = noun_phrase_end(text, span.end, max(limit, span.end))
    return span if end == span.end else replace(span, end=end)


def join_techniques(
    text: str, spans: Sequence[Span], taken: Sequence[tuple[int, int]], max_gap_words: int = MAX_GAP_WORDS
) -> list[Span]:
    """``spans`` (in order, each technique's pieces already joined) with the pieces of one phrase
    of two techniques joined: at most ``max_gap_words`` words apart in one clause, no span of
    ``taken`` in the gap, and the second not opening a phrase of its own
    (:data:`PHRASE_OPENERS`). The joined span takes the technique and fields of its likelier piece
    (higher score) and the length-weighted mean score; the other piece's technique goes first
    into its ``also``, with the technique head's probability of it (``attrs``
    :data:`TECHNIQUE_PROBABILITY`, else the piece's score), then the pieces' own ``also`` (the
    highest probability of each technique kept). Pieces of one technique that a piece of another
    kept apart are joined here too. Spans that overlap stay apart (two techniques may share
    words)."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (
            last is None
            or span.start < last.end
            or not _one_phrase(text, last.end, span.start, taken, max_gap_words)
            or (last.label != span.label and _opens_phrase(text, span))
        ):
            out.append(span)
            continue
        a, b = last.end - last.start, span.end - span.start
        score = (last.score * a + span.score * b) / max(a + b, 1)
        likelier, other = (last, span) if last.score >= span.score else (span, last)
        out[-1] = replace(
            likelier, start=last.start, end=span.end, score=score, also=_joined_also(likelier, other)
        )
    return out


def _opens_phrase(text: str, span: Span) -> bool:
    first = WORD.search(text, span.start, span.end)
    return first is not None and _normal(first.group().lower()) in PHRASE_OPENERS


def _joined_also(likelier: Span, other: Span) -> list[Label]:
    """The ``also`` of two pieces joined into one span of ``likelier``'s technique."""
    labels = [*likelier.also, *other.also]
    if other.label != likelier.label:
        labels.insert(0, Label(other.label, float(other.attrs.get(TECHNIQUE_PROBABILITY, other.score))))
    best: dict[str, Label] = {}
    for label in labels:
        if label.name != likelier.label and (label.name not in best or label.score > best[label.name].score):
            best[label.name] = label
    return list(best.values())


def _one_phrase(
    text: str, gap_start: int, gap_end: int, taken: Sequence[tuple[int, int]], max_gap_words: int
) -> bool:
    gap = text[gap_start:gap_end]
    if max_gap_words < 0 or BREAK.search(gap) or len(WORD.findall(gap)) > max_gap_words:
        return False
    if gap_start > 0 and text[gap_start - 1] == "!":  # not across a cut of exclamation_pieces
        mark = _EXCLAMATION_MARK.match(text, gap_start - 1)
        if mark is not None and exclamation_cut(text, mark, len(text)) is not None:
            return False
    if gap_start > 0 and _reporting_clause(text, gap_start - 1) is not None:
        return False  # a quotation and the next, around the reporting clause
    return not any(s < gap_end and e > gap_start for s, e in taken)
