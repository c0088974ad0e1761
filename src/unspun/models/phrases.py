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
  before its noun ('the horrible| crime' -> 'the horrible crime': :func:`noun_phrase_end`), or on
  a participle used as one ('a terrifying| prospect'), and to the end of its sentence when it holds
  an "either" the sentence answers with an "or" (a black-and-white choice: :func:`either_or_end`);
- started on the verb of a phrasal verb's particle they start on ('have sold |out our country'
  -> 'sold out our country': :func:`verb_start`), on the gerund opening the subject whose "to"
  they start on ('Handing the contract |to a crony' -> 'Handing the contract to a crony':
  :func:`gerund_start`), on the first word of a name they start inside ('Peter |Strzok’s bias':
  :func:`name_start`), and on the start of a short exclamation whose
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

This module runs the rules in that order and measures the result (:func:`boundary_figures`); the
rules live beside it, one job each: the word lists and word tests in
:mod:`unspun.models.phrase_words`, the trimming of a span's ends in
:mod:`unspun.models.phrase_bounds`, the cutting into pieces (and :func:`utterance`) in
:mod:`unspun.models.phrase_pieces`, the carrying on to a noun, a verb or an exclamation's start in
:mod:`unspun.models.phrase_reach`, and the joining in :mod:`unspun.models.phrase_joins`.

Plain token rules over word lists, no parser: on 100 PTC training articles they leave no span
ending on a function word, at under 1 ms per article, so a spaCy parse (not tried) would have
nothing left to pay for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from unspun.document import Span
from unspun.models.decoding import snap_to_words
from unspun.models.letters import WORD
from unspun.models.phrase_bounds import balanced_quotes, clipped, phrase_bounds, strip_edges
from unspun.models.phrase_joins import MAX_GAP_WORDS, join_pieces, join_techniques
from unspun.models.phrase_pieces import (
    exclamation_pieces,
    line_pieces,
    quotation_pieces,
    sentence_pieces,
    utterance,
)
from unspun.models.phrase_reach import either_or_end, question_end, to_noun_phrase, whole_starts
from unspun.models.phrase_words import END_WORDS, is_finding, normal_word

# Techniques whose span is a whole utterance, often of function words alone (PTC training gold:
# "then so be it", "that's about it", "we will"): a sentence standing alone with one of these
# labels is kept whole, as the tagger marked it. On the out-of-fold spans of the grouped folds
# (7,312 spans of 371 PTC training articles) it keeps one span more ("We are with you!", Slogans)
# and changes no other.
UTTERANCE_TECHNIQUES = frozenset({"Thought-terminating_Cliches", "Slogans"})


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
    starts = sorted(s.start for s in spans)
    trimmed = whole + [
        s
        for s in (
            _trimmed(text, piece, starts)
            for span in spans
            for piece in sentence_pieces(text, span)
            if is_finding(text[piece.start : piece.end])
        )
        if s is not None and is_finding(s.text_in(text))
    ]
    starts = sorted(s.start for s in trimmed)
    trimmed = [either_or_end(text, to_noun_phrase(text, s, starts), starts) for s in trimmed]
    taken = sorted((s.start, s.end) for s in trimmed)
    gap_words = MAX_GAP_WORDS if max_gap_words is None else max_gap_words
    out: list[Span] = []
    for label in dict.fromkeys(s.label for s in trimmed):
        same = sorted((s for s in trimmed if s.label == label), key=_position)
        out += join_pieces(text, same, taken, gap_words)
    out = join_techniques(text, sorted(out, key=_position), taken, gap_words)
    out = whole_starts(text, out)
    return sorted(
        (s for s in out if (s.start, s.end, s.label) in kept or is_finding(s.text_in(text))), key=_position
    )


def _trimmed(text: str, span: Span, starts: Sequence[int]) -> Span | None:
    """``span`` trimmed (:func:`_trim_span`); a question word it is trimmed to alone goes on to its
    question mark (:func:`question_end`: 'How| could Ryan possibly know this?')."""
    trimmed = _trim_span(text, span)
    return None if trimmed is None else question_end(text, trimmed, starts)


def _utterance_span(text: str, span: Span) -> Span | None:
    """``span`` stripped of its edge white space and punctuation (quotes kept balanced), when it
    holds no word but function words (:func:`is_finding` is false: it would be dropped) yet is a
    sentence standing alone (:func:`utterance`) labelled as one of :data:`UTTERANCE_TECHNIQUES`;
    else None (the span goes through the usual trimming)."""
    if span.label not in UTTERANCE_TECHNIQUES or is_finding(text[span.start : span.end]):
        return None
    if not utterance(text, span.start, span.end):
        return None
    start, end = strip_edges(text, *snap_to_words(text, *clipped(text, span.start, span.end)))
    start, end = balanced_quotes(text, start, end)
    return span if (start, end) == (span.start, span.end) else replace(span, start=start, end=end)


def whole_phrase_ranges(
    text: str, ranges: Sequence[tuple[int, int, float]], *, max_gap_words: int | None = None
) -> list[tuple[int, int, float]]:
    """:func:`whole_phrases` for unlabelled ``(start, end, score)`` spans (span identification
    alone: all taken as one technique)."""
    spans = [Span(s, e, "", score) for s, e, score in ranges if 0 <= s < e]
    return [(s.start, s.end, s.score) for s in whole_phrases(text, spans, max_gap_words=max_gap_words)]


def ends_on_function_word(covered: str) -> bool:
    """Whether a span's text ends on one of :data:`END_WORDS` (a cut phrase)."""
    words = WORD.findall(covered)
    return bool(words) and normal_word(words[-1].lower()) in END_WORDS


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


def _position(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.label


def _trim_span(text: str, span: Span) -> Span | None:
    start, end = phrase_bounds(text, span.start, span.end)
    if end <= start:
        return None
    return span if (start, end) == (span.start, span.end) else replace(span, start=start, end=end)
