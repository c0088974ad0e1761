"""Quotations that the sentence before them introduces: news sets a speaker's words apart from
the sentence that names the speaker, and no cue of their own stands beside them.

- after a sentence whose verb says that its subject spoke, with nothing said in it: "Team captain
  Leo Park agreed. “We trained hard all week.”" (:func:`after_speaker`);
- after a colon ending a clause about a named speaker: "The club's chairman, Raj Patel, was more
  cautious: “Finals are never easy.”" (:func:`after_colon`).

PolNeAR's model finds neither (the first verb has no content in its sentence, the second is no
verb of saying: probability 0.18); the attribution component adds them to the article's quotes
(:func:`introduced_quotes`, probability 1, as the headline's and an interview's quotes), never to
PolNeAR's rows. Only a quotation that ends its sentence (one closing on a comma has a cue of its
own after it) and that no kept attribution holds. Pure functions over a spaCy parse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from unspun.whosays.attribution_rules import Found, first_token_from, source_of, token_range
from unspun.whosays.boundary import closed_source
from unspun.whosays.cue import cue_tokens
from unspun.whosays.parsing import Chunks, doc_text
from unspun.whosays.quotation import ends_sentence, quotations
from unspun.whosays.speech import SAYING, SUBJECTS, reports_speech

Range = tuple[int, int]
Token = Any  # spacy.tokens.Token
INTRODUCED_RULE = "introduced"
# What a verb of saying that introduces the next sentence's quotation may have besides its
# subject: when, how and to whom it spoke ("agreed on Thursday", "told reporters"), no content.
BARE_DEPS = frozenset({*SUBJECTS, "aux", "neg", "advmod", "npadvmod", "prep", "punct", "dative"})
ADDRESSING = frozenset({"tell", "ask"})  # their object is the one spoken to
SPEAKER_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
SPEAKER_PRONOUNS = frozenset({"he", "she", "they", "i", "we"})


def introduced_quotes(
    doc: Any, include: dict[str, float], held: Sequence[Range], cues: Sequence[Range] = ()
) -> list[Found]:
    """The quotations of ``doc`` its sentences introduce (see the module docstring) as direct
    attributions, in text order; ``held`` are the contents (offsets into ``doc``) of the
    attributions already kept, whose quotations are left alone, ``cues`` their cues, which
    introduce nothing more ('“X,” she said in an interview. “Y.”': the model kept "said" for X);
    ``include`` the model's cue inclusion rates."""
    text = doc_text(doc)
    found = []
    for quote in quotations(text):
        if _overlaps_any(quote, held) or not _closes(text, quote):
            continue
        before = _token_before(doc, quote[0])
        if before is None:
            continue
        f = (
            after_colon(doc, before, quote)
            if before.text == ":"
            else after_speaker(doc, before, quote, include)
        )
        if f is not None and _speaker_outside_quotes(text, f) and not _overlaps_any(f.cue, cues):
            found.append(f)
    return found


def _overlaps_any(r: Range, ranges: Sequence[Range]) -> bool:
    return any(start < r[1] and r[0] < end for start, end in ranges)


def _speaker_outside_quotes(text: str, found: Found) -> bool:
    """Whether the source and cue hold no quotation mark: a subject that is itself a quotation
    ('“Happy Cinco de Mayo!” tweeted ...') or runs into one is no speaker."""
    words = "".join(text[r[0] : r[1]] for r in (found.source, found.cue) if r is not None)
    return not any(mark in words for mark in '"“”„«»')


def _closes(text: str, quote: Range) -> bool:
    """Whether a quotation ends its sentence: a full stop, question or exclamation mark before
    its closing mark ("X.”", not "X,” she said")."""
    return ends_sentence(text, quote) or (quote[1] >= 2 and text[quote[1] - 2] in "!?")


def _token_before(doc: Any, at: int) -> Token | None:
    """The last token before character ``at`` that is no white space, in the same paragraph (no
    blank line between), or ``None``."""
    i = first_token_from(doc, at) - 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    if i < 0 or "\n\n" in doc_text(doc)[doc[i].idx : at]:
        return None
    return doc[i]


def after_colon(doc: Any, colon: Token, quote: Range) -> Found | None:
    """The attribution of a quotation after a colon that ends a clause about a named speaker
    (:func:`names_speaker`), its verb before the colon: the source is the clause's subject, the
    cue runs from its verb to the colon ("was more cautious:"); ``None`` otherwise ("The problem is
    simple: “...”" names no speaker)."""
    verb = colon.head
    if verb.i >= colon.i or verb.pos_ not in ("VERB", "AUX"):
        return None
    subject = next((c for c in verb.children if c.dep_ in SUBJECTS and c.i < verb.i), None)
    if subject is None or not names_speaker(subject):
        return None
    source = closed_source(doc_text(doc), source_of(verb, [verb]))
    if source is None:
        return None
    cue = token_range([verb, colon])
    return Found(verb.i, cue, source, quote, "direct", INTRODUCED_RULE)


def after_speaker(doc: Any, end: Token, quote: Range, include: dict[str, float]) -> Found | None:
    """The attribution of a quotation that opens the sentence after one whose verb of saying
    (:data:`~unspun.whosays.speech.SAYING`) has a subject and says nothing in it ("Team captain Leo
    Park agreed.", "Park told reporters on Thursday.": :data:`BARE_DEPS`); ``None`` otherwise
    ("Mayor Ortiz said the bridge would reopen." has a content of its own)."""
    if end.text not in ".:" or not text_closes_sentence(doc, end):
        return None
    verb = end.head
    if (
        verb.i >= end.i
        or verb.pos_ != "VERB"
        or verb.lemma_.lower() not in SAYING
        or not reports_speech(verb)
    ):
        return None
    addressing = verb.lemma_.lower() in ADDRESSING
    for child in verb.children:
        if child.dep_ not in BARE_DEPS and not (addressing and child.dep_ == "dobj"):
            return None
    if not any(c.dep_ in SUBJECTS and c.i < verb.i for c in verb.children):
        return None
    cue = cue_tokens(verb, include)
    source = closed_source(doc_text(doc), source_of(verb, cue))
    if source is None:
        return None
    return Found(verb.i, token_range(cue), source, quote, "direct", INTRODUCED_RULE)


def text_closes_sentence(doc: Any, end: Token) -> bool:
    """Whether ``end`` is the full stop or colon closing its verb's sentence, outside any
    quotation (no mark opened before it in its sentence is left open)."""
    sentence = doc_text(doc)[end.sent.start_char : end.idx]
    return sentence.count("“") == sentence.count("”") and sentence.count('"') % 2 == 0


def names_speaker(subject: Token) -> bool:
    """Whether a subject names who may speak: a person, organisation or group the parse tags in
    it ("The club's chairman, Raj Patel"), or a personal pronoun ("She was blunt:")."""
    if subject.lower_ in SPEAKER_PRONOUNS:
        return True
    return any(t.ent_type_ in SPEAKER_ENTITIES for t in subject.subtree)


def with_introduced(
    found: Sequence[tuple[Found, float]], chunks: Chunks, include: dict[str, float], *, start: int = 0
) -> list[tuple[Found, float]]:
    """``found`` (offsets into the whole text) with the quotations the parsed ``chunks`` introduce
    (:func:`introduced_quotes`, probability 1, their cues at or after ``start``: not in the
    headline), in text order."""
    added: list[tuple[Found, float]] = []
    for offset, doc in chunks:
        held = [(f.content[0] - offset, f.content[1] - offset) for f, _ in found if f.content is not None]
        cues = [(f.cue[0] - offset, f.cue[1] - offset) for f, _ in found]
        for f in introduced_quotes(doc, include, held, cues):
            if f.cue[0] + offset >= start:
                added.append((_shifted(f, offset), 1.0))
    return sorted([*found, *added], key=lambda fp: fp[0].cue)


def _shifted(f: Found, by: int) -> Found:
    """``f`` with its ranges moved ``by`` characters (a chunk's offset into the text)."""
    source = None if f.source is None else (f.source[0] + by, f.source[1] + by)
    content = None if f.content is None else (f.content[0] + by, f.content[1] + by)
    return replace(f, cue=(f.cue[0] + by, f.cue[1] + by), source=source, content=content)
