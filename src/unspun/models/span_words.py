"""A lexical span-identification head, blended with the span model's O/B/I probabilities.

Some words mark propaganda whatever their context ("thugs", "disgrace", "so-called"), and their
neighbours, a quotation around them or capitals add to it. :class:`WordTagHead` is a binary
logistic regression that gives each word the probability of lying inside a propaganda span, from
sparse indicator features: the word, its neighbours one and two away, the pairs it forms with
them, its last three characters, capitalisation and whether it sits inside quotation marks. The
features it knows are a vocabulary (those seen at least ``min_count`` times in training), so the
runtime needs numpy only.

:meth:`WordTagHead.blend` mixes the word probability into the neural "inside" probability
``p = P(B) + P(I)`` of each sub-word token in log-odds, ``logit p' = (1 - share) logit p +
share logit p_word``, and rescales B and I so that they keep their ratio.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from unspun.errors import ModelError
from unspun.models.linear_head import sigmoid
from unspun.models.tfidf import read_head_file, write_head_file

FILE_NAME = "si_words.npz"
WORD = re.compile(r"\w+|[^\w\s]")
QUOTES = frozenset('"“”')
EPSILON = 1e-6
# Words scored at a time by WordTagHead.word_probs: a word costs some 400 bytes of Python objects
# while it is scored (a 1 MB text's 206,518 words at once: 80 MB), so the two million words of a
# 10 MB text, scored at once for the spans' reasons, held 800 MB.
WORDS_AT_ONCE = 20_000


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """The words and punctuation marks of ``text``: ``(start, end, word)`` in order."""
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def _blocks(matches: Iterator[re.Match[str]], size: int) -> Iterator[list[re.Match[str]]]:
    """``matches`` in lists of ``size`` (the last one shorter)."""
    while block := list(islice(matches, size)):
        yield block


def word_features(words: Sequence[str]) -> list[list[tuple[str, float]]]:
    """Indicator features ``(name, value)`` of each word of a text, given all its words in order."""
    low = [w.lower() for w in words]
    out: list[list[tuple[str, float]]] = []
    quoted = False
    for i, word in enumerate(words):
        if word in QUOTES:
            quoted = not quoted
        prev1 = low[i - 1] if i else "<s>"
        next1 = low[i + 1] if i + 1 < len(low) else "</s>"
        prev2 = low[i - 2] if i > 1 else "<s>"
        next2 = low[i + 2] if i + 2 < len(low) else "</s>"
        features = [
            (f"w={low[i]}", 1.0),
            (f"p={prev1}", 1.0),
            (f"n={next1}", 1.0),
            (f"pw={prev1}_{low[i]}", 1.0),
            (f"wn={low[i]}_{next1}", 1.0),
            (f"p2={prev2}", 0.5),
            (f"n2={next2}", 0.5),
            (f"suf={low[i][-3:]}", 1.0),
        ]
        if quoted:
            features.append(("quoted", 1.0))
        if word[:1].isupper():
            features.append(("capital", 1.0))
        if len(word) > 1 and word.isupper():
            features.append(("all_capitals", 1.0))
        out.append(features)
    return out


@dataclass(slots=True)
class WordTagHead:
    """Per-word probability of lying inside a propaganda span (logistic regression)."""

    vocabulary: dict[str, int]
    weights: np.ndarray  # (len(vocabulary),)
    bias: float
    share: float = 0.3

    def word_probs(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The start offsets of the words of ``text`` and their inside-a-span probabilities.

        Computes the logistic regression over :func:`word_features` without building them: the
        weights of the single-word templates are looked up once per distinct word, those of word
        pairs once per adjacent pair, then gathered with numpy. A long text is scored
        :data:`WORDS_AT_ONCE` words at a time, each block with its neighbours and the quotation
        marks before it, so the result is the same as in one go.
        """
        blocks = _blocks(WORD.finditer(text), max(WORDS_AT_ONCE, 2))  # two words after a block
        block = next(blocks, None)
        if block is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        starts, probs = [], []
        before, quotes = ["<s>", "<s>"], 0
        while block is not None:
            following = next(blocks, None)
            words = [m.group() for m in block]
            after = [m.group().lower() for m in following[:2]] if following is not None else []
            after += ["</s>", "</s>"][len(after) :]
            starts.append(np.array([m.start() for m in block], dtype=np.int64))
            probs.append(self._block_probs(words, before, after, quotes))
            before = [*before, *(w.lower() for w in words[-2:])][-2:]
            quotes += sum(w in QUOTES for w in words)
            block = following
        return np.concatenate(starts), np.concatenate(probs)

    def _block_probs(self, words: list[str], before: list[str], after: list[str], quotes: int) -> np.ndarray:
        """Probabilities of ``words``, a block of a text's words, given the two lower-cased words
        ``before`` and ``after`` it (or the text's edge marks) and the quotation marks before it."""
        padded = [*before, *(w.lower() for w in words), *after]
        types = {t: i for i, t in enumerate(dict.fromkeys(padded))}
        weight = self._weight
        single = ("w=", "p=", "n=", "p2=", "n2=")
        table = np.array(
            [[weight(f"{prefix}{t}") for prefix in single] + [weight(f"suf={t[-3:]}")] for t in types]
        )
        ids = np.array([types[t] for t in padded])
        n = len(words)
        middle = ids[2 : n + 2]
        logits = self.bias + table[middle, 0] + table[middle, 5]
        logits += table[ids[1 : n + 1], 1] + table[ids[3 : n + 3], 2]
        logits += 0.5 * table[ids[0:n], 3] + 0.5 * table[ids[4 : n + 4], 4]
        pairs = [
            f"{padded[i]}_{padded[i + 1]}" for i in range(1, n + 2)
        ]  # word i: (previous, word) = pairs[i]
        logits += np.array([weight(f"pw={pairs[i]}") + weight(f"wn={pairs[i + 1]}") for i in range(n)])
        quoted = (quotes + np.cumsum([w in QUOTES for w in words])) % 2 == 1
        logits += quoted * weight("quoted")
        logits += np.array([w[:1].isupper() for w in words]) * weight("capital")
        logits += np.array([len(w) > 1 and w.isupper() for w in words]) * weight("all_capitals")
        return sigmoid(logits)

    def _weight(self, name: str) -> float:
        index = self.vocabulary.get(name)
        return float(self.weights[index]) if index is not None else 0.0

    def blend(self, text: str, probs: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """``probs`` (sub-word tokens × O/B/I, tokens at character ``offsets`` of ``text``) with the
        word head mixed into the inside probability; each token takes the word it starts in."""
        starts, word = self.word_probs(text)
        if not len(starts) or not len(probs):
            return probs
        index = np.clip(np.searchsorted(starts, offsets[:, 0], side="right") - 1, 0, len(starts) - 1)
        p = probs.astype(np.float64)
        inside = np.clip(p[:, 1] + p[:, 2], EPSILON, 1 - EPSILON)
        lexical = np.clip(word[index], EPSILON, 1 - EPSILON)
        logit = (1 - self.share) * np.log(inside / (1 - inside)) + self.share * np.log(
            lexical / (1 - lexical)
        )
        mixed = sigmoid(logit)
        out = np.empty_like(p)
        out[:, 0] = 1.0 - mixed
        out[:, 1] = p[:, 1] / inside * mixed
        out[:, 2] = p[:, 2] / inside * mixed
        return out.astype(probs.dtype)

    def to_disk(self, path: str | Path) -> None:
        """One ``.npz``: the feature names in a JSON header (order = index), float16 weights."""
        header = {
            "share": self.share,
            "bias": self.bias,
            "features": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
        }
        write_head_file(path, header, {"weights": self.weights.astype(np.float16)})

    @classmethod
    def from_disk(cls, path: str | Path) -> WordTagHead:
        """Load a head saved by :meth:`to_disk`; raises :class:`ModelError` if missing or damaged."""
        with read_head_file(Path(path)) as (header, data):
            features = header["features"]
            weights = data["weights"].astype(np.float32)
            if len(features) != len(weights):
                raise ValueError(f"{len(features)} features but {len(weights)} weights")
            return cls(
                vocabulary={name: i for i, name in enumerate(features)},
                weights=weights,
                bias=float(header["bias"]),
                share=float(header["share"]),
            )


def inside_words(text: str, spans: Sequence[tuple[int, int]]) -> tuple[list[str], np.ndarray]:
    """The words of ``text`` and, per word, whether it overlaps one of the character ``spans``."""
    words = word_spans(text)
    starts = np.array([s for s, _, _ in words], dtype=np.int64)
    ends = np.array([e for _, e, _ in words], dtype=np.int64)
    inside = np.zeros(len(words), dtype=bool)
    for start, end in spans:
        inside |= (starts < end) & (ends > start)
    return [w for _, _, w in words], inside


def fit_word_tag_head(
    texts: Sequence[str],
    spans: Sequence[Sequence[tuple[int, int]]],
    *,
    c: float = 0.3,
    min_count: int = 2,
    share: float = 0.3,
) -> WordTagHead:
    """Train a :class:`WordTagHead` on texts and their gold propaganda spans (scikit-learn, lazily).

    Raises :class:`ModelError` without scikit-learn, or when the words are all inside or all outside.
    """
    try:
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise ModelError("training needs scikit-learn: pip install 'unspun[train]'") from exc
    rows: list[list[tuple[str, float]]] = []
    targets: list[np.ndarray] = []
    for text, text_spans in zip(texts, spans, strict=True):
        words, inside = inside_words(text, text_spans)
        rows.extend(word_features(words))
        targets.append(inside)
    y = np.concatenate(targets) if targets else np.zeros(0, dtype=bool)
    if y.all() or not y.any():
        raise ModelError("the word SI head needs words both inside and outside propaganda spans")
    counts = Counter(name for features in rows for name, _ in features)
    vocabulary = {name: i for i, name in enumerate(sorted(n for n, k in counts.items() if k >= min_count))}
    indices, values, pointers = [], [], [0]
    for features in rows:
        for name, value in features:
            index = vocabulary.get(name)
            if index is not None:
                indices.append(index)
                values.append(value)
        pointers.append(len(indices))
    x = csr_matrix((values, indices, pointers), shape=(len(rows), len(vocabulary)))
    model = LogisticRegression(C=c, solver="liblinear", max_iter=300).fit(x, y)
    return WordTagHead(
        vocabulary=vocabulary,
        weights=model.coef_[0].astype(np.float32),
        bias=float(model.intercept_[0]),
        share=share,
    )
