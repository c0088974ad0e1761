"""Why a technique span was flagged: the words and signals that weighed most, read off the model.

A reason is built from what the span model computed, never from a sentence kept per technique:

- the lexical technique head (:class:`~unspun.models.span_ngrams.SpanNgramHead`): the words of the
  span whose word and character n-grams weigh most for the chosen technique against the mean of
  the others (``tf-idf value x (weight[technique] - mean weight)``, each n-gram shared out among
  the words it is drawn from);
- the technique head's hand-made features (:func:`~unspun.models.decoding.span_features`, the last
  columns of its weights): the span's words recurring elsewhere in the article, the title, a
  question mark, each named when it pushed towards the chosen technique;
- the lexical span head (:class:`~unspun.models.span_words.WordTagHead`): the span's word most
  likely to lie inside a propaganda span, when it is at least even odds.

A reason prints no probability: the span's ``score`` is the one number a reader sees, the
probability that the span is right, and any other (a word's, a technique head's) read beside it
contradicts it.

When none of these stands out, the reason says the span rests on the encoder's reading of the
context (the neural heads, whose weights name no word), and names the span's word the lexical span
head rates likeliest to be propaganda however low ('It is a scandal': "scandal" weighs against
Loaded language in the n-gram head, where it is a name-calling word, and reaches 0.25 in the word
head; a reason naming no word where a loaded one is plain to see reads as no reason).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from unspun.document import Span
from unspun.models.decoding import FUNCTION_WORDS, N_SPAN_FEATURES, span_features
from unspun.models.phrase_words import END_WORDS
from unspun.models.span_ngrams import CHAR_NGRAMS, WORD_NGRAMS, SpanNgramHead
from unspun.models.span_words import WordTagHead
from unspun.models.tfidf import char_wb_ngrams, tfidf_row, word_ngrams
from unspun.techniques import display_name

# At most this many words are named for a technique, and each must add at least MIN_WEIGHT to
# its logit (a smaller share is no reason a reader could check).
TOP_WORDS = 3
MIN_WEIGHT = 0.05
# The lexical span head's word is named from this probability on.
MIN_WORD_PROB = 0.5
_SKLEARN_WORD = re.compile(r"(?u)\b\w\w+\b")
_WORD = re.compile(r"\w+|[^\w\s]")  # the lexical span head's words (span_words.WORD)
# Cut from a word's edges before it is named; what is left without a letter or figure (a dash, an
# ellipsis standing alone: '“cowardice”, “—” weigh for Loaded language') names nothing.
_EDGE = "\"'“”‘’«».,:;!?()[]{}*/\u2013\u2014\u2026-"
# Words that weigh in the heads but name nothing a reader could check (beside the function words).
# fmt: off
GENERIC_WORDS = frozenset({
    "all", "any", "some", "more", "most", "such", "own", "same", "other", "off", "up", "out",
    "over", "made", "make", "able", "being", "now", "then", "many", "much", "one", "two", "new",
    "said", "say", "says", "get", "got", "like", "way", "well", "back", "do", "did", "does",
})
# fmt: on
NO_SIGNAL = "the encoder's reading of the context; no single word or signal stands out"


@dataclass(slots=True)
class SpanExplainer:
    """The parts of a span model that a reason is read from (see the module docstring).

    ``feature_weights`` is ``(n_labels, N_SPAN_FEATURES)``: the technique head's weights of the
    hand-made span features, rows in ``labels`` order.
    """

    labels: Sequence[str]
    ngrams: SpanNgramHead | None = None
    words: WordTagHead | None = None
    feature_weights: np.ndarray | None = None

    def explain(
        self, text: str, spans: Sequence[Span], *, title_end: int | None = None, titled: bool = True
    ) -> list[Span]:
        """``spans`` of ``text`` each with its ``reason`` set (a short, non-empty line);
        ``title_end`` as in :func:`~unspun.models.decoding.span_features` (``0``: no title).
        ``titled``: the article has a title (its reader found one). Without, a first line the
        model reads as a headline (a lone line such as "Lies!") is named so, not "the title",
        which the reader would look for and not find."""
        if not spans:
            return []
        word_starts, word_probs = self.words.word_probs(text) if self.words is not None else (None, None)
        lowered = text.lower()
        out = []
        for span in spans:
            named = self._named_words(text[span.start : span.end], span.label)
            parts = [_weighing(named, span.label)] if named else []
            parts += self._feature_signals(text, lowered, span, title_end, titled)
            if word_starts is not None and word_probs is not None:
                likely = _likeliest_word(text, span, word_starts, word_probs, floor=MIN_WORD_PROB)
                if likely is not None and named == [likely]:
                    # the one word named for the technique is the likeliest too: said once
                    parts[0] = f"{parts[0]} and is its word {LIKELIEST}"
                elif likely is not None:
                    parts.append(f"“{likely}” is its word {LIKELIEST}")
                if not parts:
                    parts = _context_word(text, span, word_starts, word_probs)
            out.append(replace(span, reason="; ".join(parts) if parts else NO_SIGNAL))
        return out

    def _named_words(self, covered: str, label: str) -> list[str]:
        """The span's words that weigh most for ``label`` in the n-gram head (at most
        :data:`TOP_WORDS`, each at least :data:`MIN_WEIGHT`)."""
        if self.ngrams is None or label not in self.ngrams.labels:
            return []
        ranked = word_weights(self.ngrams, covered, label)
        return [word for word, weight in ranked[:TOP_WORDS] if weight >= MIN_WEIGHT]

    def _feature_signals(
        self, text: str, lowered: str, span: Span, title_end: int | None, titled: bool
    ) -> list[str]:
        if self.feature_weights is None or span.label not in self.labels:
            return []
        features = span_features(text, span.start, span.end, lowered=lowered, title_end=title_end)
        row = list(self.labels).index(span.label)
        towards = features * (self.feature_weights[row] - self.feature_weights.mean(axis=0))
        parts = []
        repeats = round(float(np.expm1(features[0])))
        if repeats > 0 and towards[0] > 0:
            parts.append(f"repeated {repeats} more time{'s' if repeats > 1 else ''} in the article")
        if features[2] > 0 and towards[2] > 0:
            parts.append("in the title" if titled else "on the first line, read as a headline")
        if features[3] > 0 and towards[3] > 0:
            parts.append("a question")
        return parts


def word_weights(head: SpanNgramHead, covered: str, label: str) -> list[tuple[str, float]]:
    """The words of ``covered`` (white-space separated, edge punctuation cut) ranked by how much
    their n-grams add to ``label``'s logit in ``head`` against the mean of the techniques the head
    was trained on; ``[(word, weight)]``, heaviest first, each word once (as first written in
    ``covered``: "Maliki", not "maliki", so a reader finds it in the text); function words left
    out."""
    column = head.labels.index(label)
    trained = np.flatnonzero(head.bias > -29.0)  # a technique never seen has bias -30, zero weights

    def relative(indices: np.ndarray) -> np.ndarray:
        rows = head.weights[indices]
        return rows[:, column] - rows[:, trained].mean(axis=1)

    tokens = covered.lower().split()
    written = covered.split()
    if len(written) != len(tokens):  # lower() split a token apart: show the lower-case words
        written = tokens
    totals = np.zeros(len(tokens))
    n_words = len(head.word_vocabulary)
    # word n-grams: each sklearn word belongs to the white-space token it sits in
    owners = [i for i, token in enumerate(tokens) for _ in _SKLEARN_WORD.findall(token)]
    grams = word_ngrams(covered, WORD_NGRAMS)
    counts = Counter(grams)
    indices, values = tfidf_row(grams, head.word_vocabulary, head.idf[:n_words])
    share = dict(zip(indices.tolist(), (values * relative(indices)).tolist(), strict=True))
    position = 0
    for n in range(WORD_NGRAMS[0], WORD_NGRAMS[1] + 1):
        for i in range(len(owners) - n + 1):
            gram = grams[position]
            position += 1
            index = head.word_vocabulary.get(gram)
            if index is not None:
                for j in range(i, i + n):
                    totals[owners[j]] += share[index] / n / counts[gram]
    # character n-grams: shared out among the tokens they are drawn from
    char_grams = char_wb_ngrams(covered, CHAR_NGRAMS)
    indices, values = tfidf_row(char_grams, head.char_vocabulary, head.idf[n_words:])
    share = dict(zip(indices.tolist(), (values * relative(n_words + indices)).tolist(), strict=True))
    per_token = [set(char_wb_ngrams(token, CHAR_NGRAMS)) for token in tokens]
    holders: dict[str, int] = {}
    for token_grams in per_token:
        for gram in token_grams:
            holders[gram] = holders.get(gram, 0) + 1
    for i, token_grams in enumerate(per_token):
        for gram in token_grams:
            index = head.char_vocabulary.get(gram)
            if index is not None and index in share:
                totals[i] += share[index] / holders[gram]
    best: dict[str, tuple[str, float]] = {}
    for token, shown, weight in zip(tokens, written, totals.tolist(), strict=True):
        word = token.strip(_EDGE)
        if any(c.isalnum() for c in word) and not _is_function_word(word):
            first = best.get(word)
            if first is None or weight > first[1]:
                best[word] = (first[0] if first else shown.strip(_EDGE), weight)
    return sorted(best.values(), key=lambda item: -item[1])


def _context_word(text: str, span: Span, starts: np.ndarray, probs: np.ndarray) -> list[str]:
    """Where nothing else names a word: :data:`NO_SIGNAL`'s first half and the span's word (not a
    function word) the lexical span head rates likeliest to lie inside a propaganda span, at any
    probability ("the encoder's reading of the context; of its words “scandal” reads most like
    propaganda"); ``[]`` when the span has no such word."""
    word = _likeliest_word(text, span, starts, probs, floor=0.0)
    if word is None:
        return []
    return [f"{NO_SIGNAL.split(';')[0]}; of its words “{word}” reads most like propaganda"]


def _likeliest_word(text: str, span: Span, starts: np.ndarray, probs: np.ndarray, floor: float) -> str | None:
    """The span's word (not a function word) with the highest probability in ``probs`` (the lexical
    span head's, of the words starting at ``starts``), when that is at least ``floor``."""
    lo, hi = int(np.searchsorted(starts, span.start)), int(np.searchsorted(starts, span.end))
    for index in sorted(range(lo, hi), key=lambda i: -probs[i]):
        if probs[index] < floor:
            break
        match = _WORD.match(text, int(starts[index]))
        word = match.group() if match else ""
        if word[:1].isalnum() and not _is_function_word(word):
            return word
    return None


def _weighing(named: Sequence[str], label: str) -> str:
    """'“a”, “b” weigh for <technique>' (one word: "weighs")."""
    quoted = ", ".join(f"“{word}”" for word in named)
    return f"{quoted} weigh{'s' if len(named) == 1 else ''} for {display_name(label)}"


# How a reason names the span's word the lexical span head gives the highest probability of lying
# inside a propaganda span, when that is at least MIN_WORD_PROB. The probability is not shown: it
# is one word's, read alone, and a reader took it for the span's ("reads as propaganda (68%)"
# beside a span scored 0.32, which is the probability that the span is right). Where it is the one
# word named for the technique too, the two are said once (QA s48: "“disgraceful” weighs for
# Loaded language; “disgraceful” is its word likeliest to be propaganda").
LIKELIEST = "likeliest to be propaganda"


def _is_function_word(word: str) -> bool:
    """Function words weigh in the heads too, but name nothing a reader could check."""
    low = word.lower().replace("\u2019", "'")
    return low in FUNCTION_WORDS or low in END_WORDS or low in GENERIC_WORDS


def explainer_of(
    labels: Sequence[str],
    ngrams: SpanNgramHead | None,
    words: WordTagHead | None,
    tc_weight: np.ndarray | None,
) -> SpanExplainer:
    """A :class:`SpanExplainer` from a span model's parts (``tc_weight``: its technique head's
    ``(n_labels, D)`` weights, whose last :data:`N_SPAN_FEATURES` columns weigh the hand-made
    features)."""
    features = None
    if tc_weight is not None and tc_weight.ndim == 2 and tc_weight.shape[1] >= N_SPAN_FEATURES:
        features = np.asarray(tc_weight[:, -N_SPAN_FEATURES:], dtype=np.float64)
    return SpanExplainer(labels=list(labels), ngrams=ngrams, words=words, feature_weights=features)
