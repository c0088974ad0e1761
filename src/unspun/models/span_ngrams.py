"""A lexical technique classifier for spans, blended with the span model's neural TC head.

The words of a span say much about its technique ("Make America great again" is a slogan, "thugs"
name calling). :class:`SpanNgramHead` is a multinomial logistic regression over two TF-IDF blocks
of the span text: word 1-2-grams and character 2-5-grams inside word boundaries. Features
reproduce scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` with ``analyzer="word"`` and
``analyzer="char_wb"``, each block L2-normalised, so the runtime needs numpy only.

:meth:`SpanNgramHead.blend` mixes it with the neural probabilities geometrically:
``p ∝ p_neural^(1 - share) * p_ngrams^share``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspun.errors import ModelError
from unspun.models.tfidf import char_wb_ngrams, read_head_file, tfidf_row, word_ngrams, write_head_file

FILE_NAME = "tc_ngrams.npz"
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)


@dataclass(slots=True)
class SpanNgramHead:
    """Multinomial logistic regression over word and character TF-IDF of span texts."""

    labels: tuple[str, ...]
    word_vocabulary: dict[str, int]
    char_vocabulary: dict[str, int]
    idf: np.ndarray  # word terms first, then character terms
    weights: np.ndarray  # (n_word_terms + n_char_terms, n_labels)
    bias: np.ndarray
    share: float = 0.3

    def probs(self, texts: Sequence[str]) -> np.ndarray:
        """Technique probabilities ``(len(texts), n_labels)`` of span texts."""
        n_words = len(self.word_vocabulary)
        logits = np.tile(self.bias.astype(np.float64), (len(texts), 1))
        for row, text in enumerate(texts):
            w_idx, w_val = tfidf_row(word_ngrams(text, WORD_NGRAMS), self.word_vocabulary, self.idf[:n_words])
            c_idx, c_val = tfidf_row(
                char_wb_ngrams(text, CHAR_NGRAMS), self.char_vocabulary, self.idf[n_words:]
            )
            logits[row] += w_val @ self.weights[w_idx] + c_val @ self.weights[n_words + c_idx]
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def blend(self, neural: np.ndarray, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        """Geometric mix of ``neural`` probabilities (columns in ``labels`` order) with this head's."""
        if not len(texts):
            return neural
        mine = self.probs(texts)
        order = [self.labels.index(label) for label in labels]
        log_mix = (1.0 - self.share) * np.log(neural + 1e-9) + self.share * np.log(mine[:, order] + 1e-9)
        log_mix -= log_mix.max(axis=1, keepdims=True)
        mixed = np.exp(log_mix)
        return (mixed / mixed.sum(axis=1, keepdims=True)).astype(np.float32)

    def to_disk(self, path: str | Path) -> None:
        """One ``.npz``: vocabularies in a JSON header (term order = index), float16 weights."""
        header = {
            "labels": list(self.labels),
            "share": self.share,
            "word_terms": sorted(self.word_vocabulary, key=self.word_vocabulary.__getitem__),
            "char_terms": sorted(self.char_vocabulary, key=self.char_vocabulary.__getitem__),
        }
        arrays: dict[str, np.ndarray] = {
            "idf": self.idf.astype(np.float32),
            "weights": self.weights.astype(np.float16),
            "bias": self.bias.astype(np.float32),
        }
        write_head_file(path, header, arrays)

    @classmethod
    def from_disk(cls, path: str | Path) -> SpanNgramHead:
        """Read a head written by :meth:`to_disk`; :class:`ModelError` if it is damaged."""
        with read_head_file(Path(path)) as (header, data):
            return cls(
                labels=tuple(header["labels"]),
                word_vocabulary={t: i for i, t in enumerate(header["word_terms"])},
                char_vocabulary={t: i for i, t in enumerate(header["char_terms"])},
                idf=data["idf"].astype(np.float64),
                weights=data["weights"].astype(np.float32),
                bias=data["bias"].astype(np.float64),
                share=float(header["share"]),
            )


def fit_span_ngram_head(
    texts: Sequence[str],
    labels: Sequence[str],
    label_set: Sequence[str],
    *,
    c: float = 16.0,
    share: float = 0.3,
    min_df_words: int = 2,
    min_df_chars: int = 3,
    max_features: int = 0,
    sample_weight: Sequence[float] | None = None,
) -> SpanNgramHead:
    """Train a :class:`SpanNgramHead` on span texts and their techniques (scikit-learn, lazily).

    ``max_features`` > 0 caps each vocabulary at its most frequent terms; under 100 spans every
    term is kept whatever ``min_df``. ``sample_weight`` weighs each span's loss (1 each by
    default; the vocabularies count every span once). Raises
    :class:`ModelError` without scikit-learn or with fewer than two techniques among ``labels``.
    """
    try:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise ModelError("training needs scikit-learn: pip install 'unspun[train]'") from exc
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ModelError("the n-gram TC head needs spans of at least two techniques")
    cap = max_features or None
    small = max(1, len(texts) // 100)  # a few spans (tests, tiny corpora): keep every term
    words = TfidfVectorizer(
        ngram_range=WORD_NGRAMS, min_df=min(min_df_words, small), sublinear_tf=True, max_features=cap
    )
    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=CHAR_NGRAMS,
        min_df=min(min_df_chars, small),
        sublinear_tf=True,
        max_features=cap,
    )
    x = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    model = LogisticRegression(C=c, max_iter=3000).fit(x, list(labels), sample_weight=weight)
    coef = model.coef_ if len(classes) > 2 else np.vstack([-model.coef_[0], model.coef_[0]])
    intercept = (
        model.intercept_ if len(classes) > 2 else np.array([-model.intercept_[0], model.intercept_[0]])
    )
    weights = np.zeros((x.shape[1], len(label_set)), dtype=np.float32)
    bias = np.full(len(label_set), -30.0)  # a technique never seen in training is never proposed
    for row, label in enumerate(model.classes_):
        column = list(label_set).index(label)
        weights[:, column] = coef[row]
        bias[column] = intercept[row]
    return SpanNgramHead(
        labels=tuple(label_set),
        word_vocabulary={t: int(i) for t, i in words.vocabulary_.items()},
        char_vocabulary={t: int(i) for t, i in chars.vocabulary_.items()},
        idf=np.concatenate([words.idf_, chars.idf_]),
        weights=weights,
        bias=bias,
        share=share,
    )
