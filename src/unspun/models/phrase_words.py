"""The word lists and word tests the phrase rules read (:mod:`unspun.models.phrases`).

Which words a phrase does not end on (:data:`END_WORDS`) or seldom starts on
(:data:`START_WORDS`, :data:`LOWER_START_WORDS`), which carry no content of their own (negated
auxiliaries, discourse markers, fixed expressions such as "of course"), which report speech
(:data:`REPORTING_VERBS`), and whether a span's text holds a finding
(:func:`is_finding`) or how many content words it holds (:func:`content_word_count`). Plain word
lists drawn from the PTC training gold spans (figures beside each list), no tagger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from unspun.models.decoding import FUNCTION_WORDS
from unspun.models.letters import WORD
from unspun.titles import PERSON_TITLES

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
        | {"at least", "at all", "by far", "on the other hand", "for example", "for instance", "in order to"},
        key=lambda m: -len(m.split()),
    )
)
_EXPRESSIONS_BY_HEAD: dict[str, list[tuple[str, ...]]] = {}
for _expression in FIXED_EXPRESSIONS:  # longest first, as FIXED_EXPRESSIONS
    _EXPRESSIONS_BY_HEAD.setdefault(_expression[0], []).append(_expression)
# fmt: on


# Verbs that report what someone said ('"... lied again," critics said'): a span is cut before the
# reporting clause they open (unspun.models.phrase_pieces.quotation_pieces) and not carried on
# over one (unspun.models.phrase_reach.noun_phrase_end).
# fmt: off
REPORTING_VERBS = frozenset({
    "said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "claimed", "claims",
    "argued", "argues", "asked", "asks", "warned", "warns", "insisted", "insists", "stated",
    "states", "tweeted", "tweets", "explained", "explains", "noted", "notes", "declared",
    "declares", "replied", "replies", "continued", "emphasized", "emphasised", "stressed",
    "alleged", "admitted", "complained", "posted", "charged", "according",
})
# fmt: on


def opens_expression(words: Sequence[str]) -> bool:
    """Whether the lower-case ``words`` open with one of :data:`FIXED_EXPRESSIONS`."""
    return bool(words) and any(tuple(words[: len(e)]) == e for e in _EXPRESSIONS_BY_HEAD.get(words[0], ()))


# one of the expressions, in words joined by single spaces (longest first)
_EXPRESSION = re.compile(
    r"(?<!\S)(?:" + "|".join(re.escape(" ".join(e)) for e in FIXED_EXPRESSIONS) + r")(?!\S)"
)


def content_word_count(covered: str) -> int:
    """The words of a span's text ``covered`` that are neither function words
    (:data:`FUNCTION_WORDS`) nor words a phrase does not end on (:data:`END_WORDS`), the lists
    :func:`is_finding` reads; unlike it, a negated auxiliary or a word of a fixed expression counts
    (the span calibration's one-word term was fitted so)."""
    return sum(1 for w in _lowered_words(covered) if is_content_word(w))


# A person's title alone ("Mayor", "the Governor", "Mr.") is no finding: the tagger marks one now
# and then from its context ('⟦Mayor⟧ Lee said', QA s46), and no PTC training gold span nor any of
# the 7,501 out-of-fold spans of the grouped folds is a lone title (:data:`PERSON_TITLES`). The
# most words of such a span ("the Mayor"): a longer one is a phrase whose one content word happens
# to be a title ('the “Who Am I to Judge”', an out-of-fold span).
TITLE_ALONE_WORDS = 2
# A question word alone is no span ('⟦Why⟧' as a headline, QA s49): of the PTC training gold spans
# one is "why" alone, of the grouped folds' out-of-fold spans 14 "why" and 4 "how" (all wrong).
QUESTION_WORDS = frozenset({"why", "how", "what", "who", "whom", "when", "where", "which", "whether"})


def is_finding(covered: str) -> bool:
    """Whether a span's text holds a word that is not a function word (:data:`FUNCTION_WORDS`,
    :data:`END_WORDS`) and is not a discourse marker standing alone ("In fact", "Of course") nor
    a person's title alone, an article at most beside it ("the Mayor":
    :data:`unspun.titles.PERSON_TITLES`, :data:`TITLE_ALONE_WORDS`)."""
    words = _without_expressions(_lowered_words(covered))
    content = [w for w in words if is_content_word(w) and w not in NEGATED_AUXILIARIES]
    if (
        not content
        or words == content == content[:1]
        and content[0] in QUESTION_WORDS
        or (len(words) <= TITLE_ALONE_WORDS and all(w.rstrip(".") in PERSON_TITLES for w in content))
    ):
        return False
    return " ".join(words) not in DISCOURSE_MARKERS and " ".join(content) not in DISCOURSE_MARKERS


def _lowered_words(covered: str) -> list[str]:
    """The words of ``covered`` (:data:`WORD`), in lower case, curly apostrophes as straight."""
    return [normal_word(w.lower()) for w in WORD.findall(covered)]


def is_content_word(word: str) -> bool:
    """Whether a lower-case ``word`` is neither a function word nor one of :data:`END_WORDS`."""
    return word not in FUNCTION_WORDS and word not in END_WORDS


def _without_expressions(words: list[str]) -> list[str]:
    """``words`` with each fixed expression (:data:`FIXED_EXPRESSIONS`) of several words left out."""
    if _EXPRESSIONS_BY_HEAD.keys().isdisjoint(words):
        return words
    joined = " ".join(words)
    return _EXPRESSION.sub(" ", joined).split() if _EXPRESSION.search(joined) else words


def normal_word(word: str) -> str:
    """``word`` with its curly apostrophes straight ("don\u2019t" -> "don't"), as the lists hold it."""
    return word.replace("\u2019", "'")
