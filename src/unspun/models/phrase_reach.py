"""A span carried on to its phrase's start or end (:mod:`unspun.models.phrases`).

On to the noun after the adjective it ends on (:func:`noun_phrase_end`), back to the verb of the
particle it starts on (:func:`verb_start`), back to the determiner of the subject whose head noun
it starts on (:func:`noun_phrase_start`), back to the gerund opening the subject that its
preposition "to" lies in (:func:`gerund_start`), back to the first word of a name
(:func:`name_start`) and to the start of the short exclamation whose last
words it holds (:func:`exclamation_start`). Adjectives and verbs read by their endings, no tagger.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import replace

from unspun.document import Span
from unspun.models.phrase_bounds import ELLIPTICAL_AUXILIARIES, strip_edges
from unspun.models.phrase_joins import Occupied
from unspun.models.phrase_pieces import QUOTES, sentence_start, utterance
from unspun.models.phrase_words import (
    NEGATED_AUXILIARIES,
    QUESTION_WORDS,
    REPORTING_VERBS,
    WORD,
    is_content_word,
    normal_word,
)

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
# In a line written in title case (a headline: :func:`title_case_line`) the noun is capitalised
# too ('Still More Blatant| MI6 Lies', where PTC gold holds 'Blatant MI6 Lies'): there a capitalised
# word carries the span on as a lower-case one does elsewhere. Out-of-fold spans of the grouped
# folds: 1 of 7,494 spans changes, SI F1 per fold 0.42815 / 0.42583 / 0.45492 -> 0.42830 / 0.42583 /
# 0.45492.
_NEXT_WORD = re.compile(rf"[ \t]+({WORD.pattern})")
# A possessive ends no noun phrase either: 'the openly partisan intent of Google’s| actions' (so PTC
# gold, 'Google’s actions'), 'have profaned God’s| name'. Out-of-fold spans of the grouped folds
# (7,494 spans of 371 PTC training articles): 22 articles' spans go on to the noun, SI F1 per fold
# 0.42835 / 0.42581 / 0.45487 -> 0.42835 / 0.42584 / 0.45503 (mean 0.43634 -> 0.43641).
_POSSESSIVE = re.compile(r"['\u2019]s$")
_VERB_ENDING = re.compile(r"(?:ed|ing|ly)$")


def noun_phrase_end(text: str, end: int, limit: int | None = None) -> int:
    """``end``, or further when the text before it ends on an adjective (:data:`MODIFIER_ENDING`),
    a participle used as one (:func:`_attributive_participle`: "a terrifying") or a possessive followed, after spaces, by lower-case words (any capitalised word too in a line in title case:
    :func:`title_case_line`) that carry on its noun phrase: at most
    :data:`NOUN_REACH_WORDS` of them, none a function word, negated auxiliary, reporting verb or
    word ending "ed", "ing" or "ly" (likely a verb or adverb), none past ``limit``."""
    last = WORD.findall(text[max(0, end - 40) : end])
    if not last or not (_modifier(last[-1]) or _attributive_participle(last)) or not text[end - 1].isalnum():
        return end
    limit = len(text) if limit is None else limit
    if last[-1].lower() == "so-called":
        named = _name_end(text, end, limit)
        if named > end:
            return named
    titled = title_case_line(text, end)
    new_end = start_at = end
    other = _COORDINATED.match(text, end)
    if other is not None and (_modifier(other.group(1)) or other.group(1).isupper()):
        new_end = start_at = other.end(1)  # 'The British| and US workers': both modify "workers"
    for _ in range(NOUN_REACH_WORDS):
        match = _NEXT_WORD.match(text, new_end)
        if match is None or match.end(1) > limit:
            break
        word = match.group(1)
        lowered = normal_word(word.lower())
        if (
            not (word[0].islower() or (titled and word[0].isupper()))
            or not is_content_word(lowered)
            or lowered in NEGATED_AUXILIARIES
            or lowered in REPORTING_VERBS
            or _VERB_ENDING.search(lowered)
        ):
            break
        new_end = match.end(1)
    return new_end if new_end > start_at else end


# A second modifier coordinated with the one a span ends on ("and US", "or Scottish"): the span goes
# on over it to their noun, or not at all.
_COORDINATED = re.compile(rf"[ \t]+(?:and|or)[ \t]+({WORD.pattern})")


# "so-called" always comes before what it labels, a name as often as not: 'The so-called| Minister
# of Health' (QA s47: the span was "The so-called", name calling) goes on over the name, its
# capitalised words and the "of" / "the" / "and" between them, at most NAME_REACH_WORDS words.
NAME_REACH_WORDS = 5
_NAME_JOINS = frozenset({"of", "the", "and", "for"})


def _name_end(text: str, end: int, limit: int) -> int:
    """The end of the name that starts after spaces at ``end``: words of a name (:func:`_name_word`,
    as :func:`name_start` reads them) with :data:`_NAME_JOINS` between them, at most
    :data:`NAME_REACH_WORDS` words and none past ``limit``; ``end`` when no such word follows."""
    new_end, position = end, end
    for _ in range(NAME_REACH_WORDS):
        match = _NEXT_WORD.match(text, position)
        if match is None or match.end(1) > limit:
            break
        word = match.group(1)
        if _name_word(word):
            new_end = position = match.end(1)
        elif word in _NAME_JOINS and new_end > end:
            position = match.end(1)
        else:
            break
    return new_end


def title_case_line(text: str, index: int) -> bool:
    """Whether the line ``text[index]`` lies in is written in title case: at least three words, each
    of four letters or more capitalised ("City Hall's Shameful Deal")."""
    start, end = text.rfind("\n", 0, index) + 1, text.find("\n", index)
    words = WORD.findall(text, start, len(text) if end < 0 else end)
    long = [w for w in words if len(w) >= 4]
    return len(words) >= 3 and bool(long) and all(w[0].isupper() for w in long)


# A hyphenated word ending "ed" is an adjective too ('obviously ill-trained| young men', 'the new
# man-centered| theology', as PTC gold holds it): 8 articles' out-of-fold spans go on to the noun,
# SI F1 per fold 0.42835 / 0.42584 / 0.45503 -> 0.42841 / 0.42584 / 0.45507 (mean 0.43641 ->
# 0.43644).
def _modifier(word: str) -> bool:
    """Whether ``word`` reads as a noun's modifier: an adjective (:data:`MODIFIER_ENDING`, or
    hyphenated and ending "ed": "ill-trained") or a possessive ("Google’s")."""
    lowered = word.lower()
    return (
        MODIFIER_ENDING.search(lowered) is not None
        or _POSSESSIVE.search(word) is not None
        or ("-" in lowered and lowered.endswith("ed"))
    )


# A word ending "ing" after a determiner, an adjective or "most", "very" ... (an adverb ending "ly"
# between them too) is its noun's modifier ('a terrifying| prospect', 'this shocking| interview',
# 'his most theologically unsettling| point', as PTC gold holds them); after anything else it is
# more often a verb ('are probably panicking| right about now', 'is asking| amid') and ends the
# span where it is. Out-of-fold spans of the grouped folds (7,501 spans of 371 PTC training
# articles): 23 articles' spans go on to the noun, SI F1 per fold 0.42848 / 0.42587 / 0.45496 ->
# 0.42870 / 0.42587 / 0.45528 (mean 0.43644 -> 0.43662); every "-ing" word so read, 0.43674, but
# with the verbs ('what God himself is asking amid').
def _attributive_participle(words: Sequence[str]) -> bool:
    """Whether the last of ``words`` ends "ing" and reads as a modifier of the noun after it: after
    a determiner, "most", "very" ... (:data:`_BEFORE_PARTICIPLE`) or an adjective
    (:func:`_modifier`), an adverb ending "ly" allowed between ("a highly amusing")."""
    last = words[-1].lower()
    if not last.endswith("ing") or len(last) < 6 or len(words) < 2:
        return False
    before = normal_word(words[-2].lower())
    if before.endswith("ly") and len(words) >= 3:
        before = normal_word(words[-3].lower())
    return before in _BEFORE_PARTICIPLE or _modifier(words[-2])


def to_noun_phrase(text: str, span: Span, starts: Sequence[int]) -> Span:
    """``span`` carried on to its noun phrase's end (:func:`noun_phrase_end`), short of the next
    span's start (``starts``: all spans' starts, sorted); a span of one word, an adjective alone
    ('disgraceful'), is a whole finding and stays (PTC loaded language often is one)."""
    if len(WORD.findall(text, span.start, span.end)) < 2:
        return span
    end = noun_phrase_end(text, span.end, max(_next_start(starts, span.start, len(text)), span.end))
    return span if end == span.end else replace(span, end=end)


def _next_start(starts: Sequence[int], start: int, none: int) -> int:
    """The first of the sorted span starts ``starts`` after ``start``; ``none`` when there is none."""
    following = bisect.bisect_right(starts, start)
    return starts[following] if following < len(starts) else none


# A black-and-white choice is one phrase from "either" to the end of its sentence: PTC gold holds
# 'Either you stand with BDS, Hamas, ... or with Jews' whole, where the tagger stops inside it ('You
# are either with the American people or you| are with the criminals', QA; 'Either that or they
# can go whine| to the New York Times ...', an out-of-fold span). A span holding "either" whose
# sentence goes on to an "or" goes on to its sentence's end: at most EITHER_OR_REACH_WORDS words
# further, never into the next span.
EITHER_OR_REACH_WORDS = 25
_EITHER = re.compile(r"\beither\b", re.IGNORECASE)
_OR = re.compile(r"\bor\b")
_SENTENCE_END = re.compile(r"[.!?;:]|\n")


def either_or_end(text: str, span: Span, starts: Sequence[int]) -> Span:
    """``span`` carried on to the end of its sentence when it holds "either" and the sentence has
    an "or" after it (a black-and-white choice is one phrase), at most
    :data:`EITHER_OR_REACH_WORDS` words further and short of the next span's start (``starts``:
    all spans' starts, sorted)."""
    either = _EITHER.search(text, span.start, span.end)
    if either is None:
        return span
    stop = _SENTENCE_END.search(text, span.end)
    end = stop.start() if stop is not None else len(text)
    if _OR.search(text, either.end(), end) is None:
        return span
    if _next_start(starts, span.start, end) < end:
        return span
    end = strip_edges(text, span.start, end)[1]
    if end <= span.end or len(WORD.findall(text, span.end, end)) > EITHER_OR_REACH_WORDS:
        return span
    return replace(span, end=end)


QUESTION_REACH_WORDS = 25
_QUESTION_WORD = re.compile(r"\W*(\w+)\W*", re.IGNORECASE)


def question_end(text: str, span: Span, starts: Sequence[int]) -> Span:
    """``span`` carried on to its question mark when it holds a question word alone ('⟦How⟧ could
    Ryan possibly know this?' -> the question, as PTC gold marks it), at most
    :data:`QUESTION_REACH_WORDS` words further and short of the next span's start; else ``span``
    (a question word alone is then no finding: :data:`unspun.models.phrase_words.QUESTION_WORDS`).
    Out-of-fold spans of the grouped folds (7,499 spans of 371 PTC training articles): of 18 a
    question word alone, 7 take their question (3 of them overlapping a gold question), the rest
    are dropped; with the fragment cut of :func:`unspun.models.phrase_pieces.sentence_pieces` SI F1
    per fold 0.42869 / 0.42597 / 0.45528 -> 0.42920 / 0.42627 / 0.45544 (mean 0.43665 -> 0.43697)."""
    alone = _QUESTION_WORD.fullmatch(text, span.start, span.end)
    if alone is None or alone.group(1).lower() not in QUESTION_WORDS:
        return span
    stop = _SENTENCE_END.search(text, span.end)
    if stop is None or stop.group() != "?":
        return span
    if _next_start(starts, span.start, stop.start()) < stop.start():
        return span
    if not 0 < len(WORD.findall(text, span.end, stop.start())) <= QUESTION_REACH_WORDS:
        return span
    return replace(span, end=stop.end())


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
VOCATIVE_EXCLAMATION_WORDS = 5
_WORD_BEFORE = re.compile(rf"({WORD.pattern})[ \t]+$")
_AFTER_COMMA = re.compile(r",[ \t]+$")


def whole_starts(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` whose start is moved back to the start of their phrase: to the verb of a particle
    they start on (:func:`verb_start`), to the determiner of a subject whose head noun they start
    on (:func:`noun_phrase_start`), to the gerund of a subject whose "to" they start on
    (:func:`gerund_start`), to the first word of a name they start inside (:func:`name_start`),
    to the start of a short exclamation they close
    (:func:`exclamation_start`); never into another span."""
    occupied = Occupied([(s.start, s.end) for s in spans])
    out = []
    for span in spans:
        start = exclamation_start(text, span.start, span.end)
        if start == span.start:
            start = verb_start(text, span.start)
        if start == span.start:
            start = noun_phrase_start(text, span.start)
        if start == span.start:
            start = gerund_start(text, span.start)
        if start == span.start:
            start = name_start(text, span.start)
        # no span (this one starts at span.start) lies over the words it would take
        if start < span.start and not occupied.overlaps(start, span.start):
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
    if not word.isalpha() or not is_content_word(word.lower()):
        return start
    if not word[0].islower():
        opening = before.start()  # back past the quotes or brackets opening the sentence
        while opening > 0 and text[opening - 1] in " \t\"'\u201c\u2018(":
            opening -= 1
        if opening > 0 and text[opening - 1] not in ".!?\n":
            return start  # a name or a noun in capitals ('the CIA |over a barrel')
    return before.start()


# Determiners that open a noun phrase: a span starting on the head noun of a subject after one and
# its modifiers ('The bridge |plan is nothing but a reckless gamble') starts on it. At most
# NOUN_REACH_WORDS modifiers lie between; the word after the head must be an auxiliary (its verb:
# 'plan is'), so that a verb after its subject ('The people |want change') is no head noun. Not
# yet measured on the folds. Not "that", which opens a clause as often ('claims that government
# |spending is out of control').
# fmt: off
DETERMINERS = frozenset({
    "the", "a", "an", "this", "these", "those", "my", "our", "their", "his", "its", "your",
})
# fmt: on
# Words after which an "-ing" word modifies a noun (:func:`_attributive_participle`).
_BEFORE_PARTICIPLE = frozenset(DETERMINERS | {"most", "more", "very", "so", "too", "less", "least"})
_WORDS_BEFORE = re.compile(rf"((?:{WORD.pattern}[ \t]+)+)$")


def noun_phrase_start(text: str, start: int) -> int:
    """``start``, or the start of the determiner (:data:`DETERMINERS`) before it when the word at
    ``start`` is a lower-case content word followed by an auxiliary (its verb) and preceded, after
    the determiner and spaces alone, by one to :data:`NOUN_REACH_WORDS` lower-case content words
    (its modifiers) that are no reporting verbs: 'The bridge |plan is' -> 'The bridge plan is'. A
    determiner right before the word ('The |plan is') is left out of the span, as the tagger chose."""
    head = WORD.match(text, start)
    if (
        head is None
        or not head.group()[0].islower()
        or not is_content_word(normal_word(head.group().lower()))
    ):
        return start
    verb = _NEXT_WORD.match(text, head.end())
    if verb is None or normal_word(verb.group(1).lower()) not in ELLIPTICAL_AUXILIARIES | NEGATED_AUXILIARIES:
        return start
    run = _WORDS_BEFORE.search(text, max(0, start - 80), start)
    if run is None:
        return start
    words = list(WORD.finditer(run.group(1)))
    for k in range(1, min(NOUN_REACH_WORDS, len(words) - 1) + 1):
        modifier = words[-k].group()
        lowered = normal_word(modifier.lower())
        if not modifier[0].islower() or not is_content_word(lowered) or lowered in REPORTING_VERBS:
            return start
        if normal_word(words[-k - 1].group().lower()) in DETERMINERS:
            return run.start(1) + words[-k - 1].start()
    return start


# A span starting on a preposition "to" before a determiner ('Handing the contract |to a crony of
# the mayor is a disgrace') starts inside the gerund phrase that is its sentence's subject when
# that phrase opens the sentence a few words before: the span starts on the gerund. The most words
# before the "to". The out-of-fold spans of the grouped folds (7,494 spans of 371 PTC training
# articles) hold no such case (SI F1 per fold unchanged, 0.42815 / 0.42583 / 0.45492). Cutting the
# "to" instead, as a leading "of" or "in" is cut, changed 24 articles' spans for SI F1 0.43630 ->
# 0.43621 and kept pieces apart that were joined ('has contributed| to the dumbing down').
GERUND_SUBJECT_WORDS = 3
_TO_OBJECT = frozenset(DETERMINERS | {"that"})


def gerund_start(text: str, start: int) -> int:
    """``start``, or the start of its sentence when the word at ``start`` is a lower-case "to"
    before a determiner (:data:`DETERMINERS`, "that": a preposition, not an infinitive's marker)
    and the sentence opens, at most :data:`GERUND_SUBJECT_WORDS` words before with nothing but
    words and spaces between, on a capitalised word ending in "ing" ('Handing the contract |to a
    crony' -> 'Handing the contract to a crony')."""
    to = WORD.match(text, start)
    if to is None or to.group() != "to":
        return start
    following = _NEXT_WORD.match(text, to.end())
    if following is None or normal_word(following.group(1).lower()) not in _TO_OBJECT:
        return start
    opening = sentence_start(text, start)
    before = text[opening:start]
    words = WORD.findall(before)
    if not 0 < len(words) <= GERUND_SUBJECT_WORDS or before.strip(" \t") != " ".join(words).strip():
        return start
    gerund = words[0]
    if not gerund[0].isupper() or not gerund.lower().endswith("ing") or len(gerund) < 6:
        return start
    return opening


# A span starting on a later word of a name ('Peter |Strzok’s anti-Trump bias', 'our Second
# |Amendment liberties') starts on the name's first word. Out-of-fold spans of the grouped folds
# (7,494 spans of 371 PTC training articles): 47 spans start earlier, SI F1 per fold 0.42830 /
# 0.42583 / 0.45492 -> 0.42835 / 0.42581 / 0.45487 (mean 0.43635 -> 0.43634; PTC gold often leaves
# a title out, 'Archbishop |Viganò’s damning indictment', and as often holds the whole name, 'Brett
# Kavanaugh, the boy who sexually assaulted me'). Taking function words and "I" as part of a name
# too ('“And I don’t think', 'The Obama Administration') gave 0.43641 with such starts. Before a
# possessive the sentence's first word is taken too, in a headline as well ('City |Hall’s Shameful
# Deal', 'Syed Muzaffar Shah |Qadri’s preaching'; 'Yesterday |Trump’s aides' is the price): 7
# articles' spans change, SI F1 per fold 0.42841 / 0.42584 / 0.45507 -> 0.42841 / 0.42583 /
# 0.45512 (mean 0.43644 -> 0.43645).
def name_start(text: str, start: int) -> int:
    """``start``, or the start of the name whose later capitalised word ``start`` is on ('our Second
    |Amendment liberties' -> 'Second Amendment liberties'): back over the capitalised words before
    it, spaces alone between, but not the word opening its sentence nor in a line in title case.
    A possessive is a name's last word ("City |Hall’s Shameful Deal" -> "City Hall’s Shameful
    Deal"): before one, the words opening the sentence or a title-case line are taken too."""
    word = WORD.match(text, start)
    if word is None or not _name_word(word.group()):
        return start
    possessive = _POSSESSIVE.search(word.group()) is not None
    if title_case_line(text, start) and not possessive:
        return start
    opening = sentence_start(text, start)
    new_start = start
    while True:
        before = _WORD_BEFORE.search(text, max(0, new_start - 40), new_start)
        if before is None or not _name_word(before.group(1)):
            return new_start
        if before.start() < opening or (before.start() == opening and not possessive):
            return new_start
        new_start = before.start()


def _name_word(word: str) -> bool:
    """Whether ``word`` may be part of a name: capitalised, a content word, not "I"."""
    return word[0].isupper() and word != "I" and is_content_word(normal_word(word.lower()))


def exclamation_start(text: str, start: int, end: int) -> int:
    """``start``, or the start of its sentence when ``[start, end)`` holds at most two words and
    closes, after a comma, an exclamation of at most :data:`VOCATIVE_EXCLAMATION_WORDS` words that stands
    alone (:func:`utterance`): 'Wake up, |people!' -> 'Wake up, people!'."""
    if end <= start or text[end - 1] != "!" or not _AFTER_COMMA.search(text, max(0, start - 8), start):
        return start
    if len(WORD.findall(text, start, end)) > 2 or text[start] in QUOTES:
        return start  # a quotation after the comma is what was said ('I was like, |'Whoa!')
    opening = sentence_start(text, start)
    words = len(WORD.findall(text, opening, end))
    if words > VOCATIVE_EXCLAMATION_WORDS or not utterance(text, opening, end):
        return start
    return opening
