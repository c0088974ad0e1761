"""Whole sentences the span tagger may leave unmarked, offered to the technique head as spans.

The token tagger marks words; a few kinds of persuasion are whole utterances whose words it is
seldom sure of, and their shape says what they may be:

- a short sentence said again word for word ("Jobs, not cuts!" three times:
  :func:`recurring_sentences`), a slogan or a repetition;
- a short exclamation ("End the Korean War!": :func:`exclamations`), a slogan;
- a question turning to another party ("And what about the opposition?":
  :func:`whatabout_questions`), whataboutism.

A quoted sentence is each of them too, read by its words (its quotation marks left out, its end
mark kept: '“Jobs, not cuts!” they chanted' -> 'Jobs, not cuts!', :func:`_spoken`).

:func:`candidates` lists them as :class:`Candidate` records for one text, each with the techniques
it may be, how high the technique head must rank one of them, and its SI probability (the share of
such candidates that were right out of fold on the grouped PTC folds);
:meth:`unspun.models.span_model.SpanModel.labelled_spans` (called by ``predict_spans``, and
by ``find`` for each piece of a long text) classifies them with the tagger's spans and keeps
those the head ranks so (:meth:`Candidate.technique`). Plain patterns over the text, no
model: a text with none costs a sentence split.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from unspun.models.letters import WORD
from unspun.models.phrase_bounds import strip_edges
from unspun.models.phrase_pieces import EXCLAMATION_WORDS, utterance
from unspun.models.phrase_words import is_finding, normal_word
from unspun.sentences import split_sentences


@dataclass(frozen=True, slots=True)
class Candidate:
    """A range of a text offered as a span: kept, labelled with one of ``techniques``, where the
    technique head ranks that technique among its ``rank`` likeliest; ``si`` is its SI
    probability (its score is ``si`` times the head's probability of the technique);
    ``over_spans``: offered even where the tagger marked some of its words (else left out there)."""

    start: int
    end: int
    techniques: frozenset[str]
    rank: int
    si: float
    over_spans: bool = False

    def technique(self, probs: np.ndarray, labels: Sequence[str]) -> int | None:
        """The index (into ``labels``) of the likeliest of :attr:`techniques` in one span's
        technique probabilities ``probs``, when the head ranks it among its :attr:`rank`
        likeliest; else None (the candidate is no span)."""
        ranked = [int(j) for j in np.argsort(-probs, kind="stable")[: self.rank]]
        return next((j for j in ranked if labels[j] in self.techniques), None)


# Short sentences said again word for word that no span touches: kept where the head calls them
# one of these (its likeliest). Their SI probability is the share of such spans that were right
# out of fold on the grouped PTC folds: 8 of 14 overlapped a gold span (a small sample; the
# tagger's spans: 25.7%). SI F1 per fold 0.4269 / 0.4258 / 0.4516 -> 0.4289 / 0.4258 / 0.4512
# (mean 0.4348 -> 0.4353; three wrong slogans in the third fold); offering every such sentence,
# whatever the head calls it, 52 spans of which 14 right, 0.4350.
RECURRING_TECHNIQUES = frozenset({"Slogans", "Repetition"})
RECURRING_SENTENCE_SI = 0.55
RECURRING_WORDS = (2, 8)
# A sentence standing alone: after its last word, closing quotes or brackets, then an end mark.
_ENDS_SENTENCE = re.compile(r"[\"'\u201d\u2019)]*[.!?]")
_NOT_SPOKEN = re.compile(r"[:\[\]()]")  # 'HANNITY: All right', '[emphasis added]'


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, line by line, edge white space and
    punctuation stripped (``?`` and ``!`` kept at its end); empty ones left out. The finders below
    take them as ``sentences`` (split once by :func:`candidates`), else split ``text`` here."""
    cursor = 0
    for line in text.split("\n"):
        for piece in split_sentences(line):
            start, end = strip_edges(text, cursor + piece.start, cursor + piece.end)
            if start < end:
                yield start, end
        cursor += len(line) + 1


# The quotation marks that may close a quoted sentence after its end mark
# (unspun.sentences.CLOSING_MARKS but the brackets: 'William ("nighty-night baby!") Tobin' is no utterance), each with the marks that open
# it: the German „...“ and »...«, the French «...» (a space may stand inside: "« Assez ! »").
_OPENERS_OF = {
    '"': '"',
    "'": "'",
    "\u201d": "\u201c\u201e",
    "\u2019": "\u2018\u201a",
    "\u201c": "\u201e",
    "\u00bb": "\u00ab",
    "\u00ab": "\u00bb",
    "\u203a": "\u2039",
    "\u2039": "\u203a",
}
_INNER_SPACES = " \u00a0\u202f"


def _spoken_sentences(
    text: str, sentences: Sequence[tuple[int, int]] | None, *, alone: bool = True
) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (``sentences``, else :func:`_sentences`) as
    it is spoken (:func:`_spoken`); ``alone``: those quoting what does not stand alone left out."""
    for start, end in _sentences(text) if sentences is None else sentences:
        spoken = _spoken(text, start, end, alone=alone)
        if spoken is not None and spoken[0] < spoken[1]:
            yield spoken


def _spoken(text: str, start: int, end: int, *, alone: bool = True) -> tuple[int, int] | None:
    """The sentence ``[start, end)`` (of :func:`_sentences`) as it is spoken: where it ends with an
    end mark (``.``, ``!``, ``?``) and closing quotation marks after it, the quotation's words from
    its first (the sentence's, when the quotation opened before it) to its ``!`` or ``?`` (a
    ``.`` left out, as a sentence's), the marks left out ('“Jobs, not cuts!” they chanted' ->
    'Jobs, not cuts!'; the innermost quotation, where quotes close inside quotes); else the
    sentence as it is. With ``alone``, None where the quotation opens inside the sentence and does
    not stand alone (:func:`utterance`: 'He shouted "Stop it now!"'; 'He said: "Stop it now!"'
    does)."""
    mark = end
    while mark > start and text[mark - 1] in _OPENERS_OF:
        mark -= 1
    if mark == end:
        return start, end
    closing = text[mark]
    if mark > start and text[mark - 1] in _INNER_SPACES:
        mark -= 1
    if mark == start or text[mark - 1] not in ".!?":
        return start, end
    opening = _opening_mark(text, start, mark - 1, _OPENERS_OF[closing])
    if opening is None:
        return strip_edges(text, start, mark)
    spoken = strip_edges(text, opening + 1, mark)
    if alone and opening > start and not utterance(text, *spoken):
        return None
    return spoken


def _opening_mark(text: str, start: int, end: int, marks: str) -> int | None:
    """The index of the last of ``marks`` in ``text[start:end]`` that opens a quotation (a ``'``
    after no letter: not the apostrophe of "don't"), or None."""
    for i in range(end - 1, start - 1, -1):
        if text[i] in marks and (text[i] != "'" or i == 0 or not text[i - 1].isalnum()):
            return i
    return None


def recurring_sentences(
    text: str, sentences: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Where a short sentence of ``text`` recurs word for word (case and the punctuation between
    words aside) at least twice in it: ``(start, end)`` of each occurrence, from its first word to
    its last (a ``!`` or ``?`` after it kept), sorted and disjoint. A sentence counts when it has
    :data:`RECURRING_WORDS` words (2 to 8), stands alone (an end mark after it, on its line), holds
    no colon or bracket (a speaker's label, an editor's note) and holds a finding
    (:func:`is_finding`); each occurrence counted stands alone too (:func:`utterance`: a sentence
    or a quotation of its own, '"Jobs, not cuts!" they chanted'), not inside a longer sentence.

    ``sentences``: those of ``text`` when split already (see :func:`_sentences`). Out of fold on the
    grouped PTC folds, the occurrences no span covered that each fold model's technique head called
    a slogan or a repetition: 11 spans, 7 of them overlapping a gold span."""
    least, most = RECURRING_WORDS
    keys: set[tuple[str, ...]] = set()
    for start, end in _spoken_sentences(text, sentences):
        words = WORD.findall(text[start:end])
        if not least <= len(words) <= most or _NOT_SPOKEN.search(text, start, end):
            continue
        if text[end - 1] not in "!?" and not _ENDS_SENTENCE.match(text, end):
            continue
        if is_finding(text[start:end]):
            keys.add(tuple(normal_word(w.lower()) for w in words))
    if not keys:
        return []
    tokens = [(m.start(), m.end(), normal_word(m.group().lower())) for m in WORD.finditer(text)]
    words_of = [word for _, _, word in tokens]
    heads = {key[0] for key in keys}
    # one pass over the words per key length (2 to 8), not one per key over every place of its
    # first word: a transcript of short sentences opening on "The" was quadratic
    places: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for size in {len(key) for key in keys}:
        for k in range(len(tokens) - size + 1):
            if words_of[k] not in heads:
                continue
            key = tuple(words_of[k : k + size])
            if key not in keys:
                continue
            run = tokens[k : k + size]
            if any("\n" in text[x[1] : y[0]] for x, y in zip(run, run[1:], strict=False)):
                continue
            start, end = run[0][0], run[-1][1]
            if end < len(text) and text[end] in "!?":
                end += 1
            if utterance(text, start, end):
                places.setdefault(key, []).append((start, end))
    found = {place for key_places in places.values() if len(key_places) >= 2 for place in key_places}
    out: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


# Short exclamations (at most EXCLAMATION_WORDS words, ending on "!") that no span touches: kept where the
# head calls them a slogan (its likeliest). Out of fold on the grouped PTC folds (each fold model's
# technique head; 104 such sentences in 371 training articles, 47 untouched by the tagger, 18 of
# those overlapping a gold span): 2 kept, both right ("End The Korean War!", a gold slogan), SI F1
# per fold 0.42882 / 0.42583 / 0.45131 -> 0.42882 / 0.42638 / 0.45131. Measured before the
# phrasal-verb rule (0.42887 / 0.42583 / 0.45123, mean 0.43531): kept whatever the head calls
# them, 44 spans, 17 right, mean 0.43596 (every fold higher), but a reader got "Thank you!" and
# "Subscribe Today!" as loaded language (the head gives them 0.8 and 0.6); as a slogan, loaded
# language or a cliché, 33 spans, 12 right, 0.43581; a slogan at probability 0.2 or more, 4 spans,
# 2 right, the first and third folds lower.
EXCLAMATION_TECHNIQUES = frozenset({"Slogans"})
EXCLAMATION_SI = 0.55


def exclamations(text: str, sentences: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` that ends on ``!`` and holds at most
    :data:`EXCLAMATION_WORDS` words, a finding (:func:`is_finding`) and no colon or bracket (a
    speaker's label, an editor's note), its last ``!`` included; sorted (``sentences``: see
    :func:`_sentences`)."""
    out = []
    for start, end in _spoken_sentences(text, sentences):
        if text[end - 1] != "!" or _NOT_SPOKEN.search(text, start, end):
            continue
        if len(WORD.findall(text, start, end)) <= EXCLAMATION_WORDS and is_finding(text[start:end]):
            out.append((start, end))
    return out


# A question turning to another party ("And what about the opposition?", "but what about Judith
# Miller and The New York Times lying the West into war?"): kept as whataboutism where the head
# ranks that technique among its two likeliest, even over words the tagger marked (PTC gold lays
# the whataboutism span over the other techniques' spans). The head's likeliest for such questions
# is doubt (0.59-0.88); its probability of whataboutism 0.02-0.19, second in 5 of 6. The PTC
# training articles hold 7 such questions, 3 of them gold whataboutism. Out of fold on the grouped
# folds: kept at four words or more and ranked second, 3 spans, all right, SI F1 per fold 0.42882 /
# 0.42638 / 0.45131 -> 0.42882 / 0.42638 / 0.45150; every such question (before the phrasal-verb
# rule), 6 spans, the first fold 0.00017 lower ("What about Bergoglio?" twice in a satire's
# dialogue, and a question about a word's sense); with the head's probability at 0.2 or more, none
# is kept. A sample of six: the evidence is the pattern, not a fitted gate.
WHATABOUT_TECHNIQUES = frozenset({"Whataboutism,Straw_Men,Red_Herring"})
WHATABOUT_SI = 0.55
WHATABOUT_WORDS = (4, 40)
_WHATABOUT = re.compile(r"\b(?:(?:and|but|so|yet|well|then|now|or)\W+)?what\s+about\b", re.IGNORECASE)


def whatabout_questions(
    text: str, sentences: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """``(start, end)`` of each "what about ...?" question of ``text``: from "what about" (a
    conjunction before it included) to the sentence's ``?``, :data:`WHATABOUT_WORDS` words
    (4 to 40: "What about Bergoglio?" alone asks about a person); sorted (``sentences``: see
    :func:`_sentences`)."""
    least, most = WHATABOUT_WORDS
    out = []
    for start, end in _spoken_sentences(text, sentences, alone=False):
        if text[end - 1] != "?":
            continue
        match = _WHATABOUT.search(text, start, end)
        if match and least <= len(WORD.findall(text, match.start(), end)) <= most:
            out.append((match.start(), end))
    return out


# A sentence offering two choices as if there were no other ("Either we build the motorway this
# year, or our town will die.", "You are either with us or with the criminals."): kept as a
# black-and-white fallacy where the head ranks that technique among its two likeliest (it often
# reads the threat first: appeal to fear 0.6, black-and-white 0.3), even over words the tagger
# marked, as a "what about" question is. "Either" as a determiner or pronoun ("on either side",
# "either of them", "either way") is no choice.
EITHER_OR_TECHNIQUES = frozenset({"Black-and-White_Fallacy"})
EITHER_OR_SI = 0.55
EITHER_OR_WORDS = (5, 40)
_EITHER_OR = re.compile(
    r"\beither\b(?!\s+(?:side|sides|way|one|of|case|party|end|hand|direction)\b)[^.?!;]*?[\s,]or\b",
    re.IGNORECASE,
)


def either_or_sentences(
    text: str, sentences: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` holding "either ... or ..." as a choice
    (:data:`EITHER_OR_WORDS` words, 5 to 40), sorted (``sentences``: see :func:`_sentences`)."""
    least, most = EITHER_OR_WORDS
    out = []
    for start, end in _sentences(text) if sentences is None else sentences:
        if _EITHER_OR.search(text, start, end) and least <= len(WORD.findall(text, start, end)) <= most:
            out.append((start, end))
    return out


def whole_recurring(text: str, found: Sequence[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """The tagger's spans ``found`` (``(start, end, si)``), each lying inside an occurrence of a
    recurring sentence (:func:`recurring_sentences`) widened to that occurrence: the tagger marked
    "Take" of "Take back control." said three times, and the span was cut mid-phrase (and, being
    there, kept the sentence from being offered whole). Spans widened to one range are one, with
    the highest SI probability of them; sorted."""
    places = recurring_sentences(text) if found else []
    if not places:
        return list(found)
    out: dict[tuple[int, int], float] = {}
    for start, end, si in found:
        inside = next(((a, b) for a, b in places if a <= start and end <= b), None)
        key = inside or (start, end)
        out[key] = max(si, out.get(key, si))
    return sorted((a, b, si) for (a, b), si in out.items())


def candidates(text: str, found: Sequence[tuple[int, int]] = ()) -> list[Candidate]:
    """The :class:`Candidate` spans of ``text``: its recurring sentences, exclamations and "what
    about" questions, sorted; those overlapping a range of ``found`` (the tagger's spans) left out
    unless offered over spans, and a range offered twice kept once (the first kind listed)."""
    sentences = list(_sentences(text))  # split once for the three kinds
    # (ranges, techniques, rank, SI probability, offered over spans, even over one span covering it)
    kinds = [
        (recurring_sentences(text, sentences), RECURRING_TECHNIQUES, 1, RECURRING_SENTENCE_SI, False, False),
        (exclamations(text, sentences), EXCLAMATION_TECHNIQUES, 1, EXCLAMATION_SI, False, False),
        (whatabout_questions(text, sentences), WHATABOUT_TECHNIQUES, 2, WHATABOUT_SI, True, True),
        # a choice the tagger marked whole is its span, labelled by the head as the tagger's are
        (either_or_sentences(text, sentences), EITHER_OR_TECHNIQUES, 2, EITHER_OR_SI, True, False),
    ]
    out: dict[tuple[int, int], Candidate] = {}
    for ranges, techniques, rank, si, over_spans, over_whole in kinds:
        for start, end in ranges:
            if (start, end) in out or (not over_spans and any(a < end and start < b for a, b in found)):
                continue
            if not over_whole and any(a <= start and end <= b for a, b in found):
                continue
            out[start, end] = Candidate(start, end, techniques, rank, si, over_spans)
    return sorted(out.values(), key=lambda c: (c.start, c.end))
