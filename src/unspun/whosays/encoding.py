"""Token states of the span model, shared by the claim and portrayal components, and the feature
vectors built on them (one definition for training and inference, so they cannot drift apart).

The encoder is the shipped span model's MiniLM (``ptc-minilm``, int8 ONNX): its last hidden state
per word piece, with character offsets. The training sentences of CheckThat! and NewsMTSC come
alone, without their article, and a transformer's states depend on the context it sees; so an
article is encoded *one sentence at a time* (:func:`article_sentences`), once, and the result is
kept on the article (``article.vectors["whosays-sentences"]``) for the next component. Features of
a mention come from the states of the sentence it starts in. The entity-role heads, trained on
whole articles (SemEval-2025), read the whole article's states instead (:func:`article_states`;
a model's ``"context"`` says which).

Features (``H`` = the hidden size, 384):

* :func:`sentence_vector` ``(2H,)``: mean and max over a sentence's tokens (check-worthiness);
* :func:`mention_vector` ``(5H,)``: mean over the mention's tokens, mean of the 6 tokens before
  and of the 6 after, mean and max over the tokens within 30 of it (target sentiment, roles);
* :func:`article_vector` ``(H,)``: mean over all tokens.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from unspun.document import Article, TextRange
from unspun.errors import ModelError
from unspun.sentences import split_sentences

if TYPE_CHECKING:
    from unspun.models.span_model import SpanModel

SENTENCE_STATES = "whosays-sentences"  # keys of Article.vectors (never serialised)
ARTICLE_STATES = "whosays-article"
NEAR = 6  # tokens of immediate context on each side of a mention
WINDOW = 30  # tokens of wider context on each side


@dataclass(frozen=True, slots=True)
class TokenStates:
    """One text's word pieces: character ``offsets`` ``(n, 2)`` and ``hidden`` states ``(n, H)``."""

    offsets: np.ndarray
    hidden: np.ndarray

    @property
    def dim(self) -> int:
        return int(self.hidden.shape[1]) if self.hidden.ndim == 2 else 0


_model: SpanModel | None = None
_model_lock = threading.Lock()


def default_encoder() -> SpanModel:
    """The packaged span model, loaded once per process (raises :class:`unspun.errors.ModelError`)."""
    global _model
    with _model_lock:
        if _model is None:
            from unspun.models.span_model import load_span_model

            _model = load_span_model()
    return _model


def encode_texts(texts: Sequence[str], model: SpanModel | None = None) -> list[TokenStates]:
    """Encode ``texts`` with ``model`` (default: the packaged span model): one :class:`TokenStates` each."""
    model = model if model is not None else default_encoder()
    return [TokenStates(enc.offsets, enc.hidden) for enc in model.encode(list(texts), blend_words=False)]


@dataclass(frozen=True, slots=True)
class SentenceStates:
    """An article's sentences and the token states of each, encoded alone (offsets relative to
    the sentence's start)."""

    text_key: int  # hash of the text it was made from, to notice a changed text
    sentences: tuple[TextRange, ...]
    states: tuple[TokenStates, ...]

    def locate(self, start: int) -> int:
        """The index of the sentence that character ``start`` falls in (the one before, between
        sentences; 0 before the first)."""
        return max(bisect.bisect_right([s.start for s in self.sentences], start) - 1, 0)

    def rows(self, ranges: Sequence[tuple[int, int]], blocks: Sequence[str]) -> np.ndarray:
        """Feature rows of character ranges of the article (see :func:`block_rows`),
        each from the sentence it starts in."""
        if not ranges or not self.sentences:
            dim = self.states[0].dim if self.states else 0
            return np.zeros((len(ranges), len(blocks) * dim), dtype=np.float32)
        out = []
        for start, end in ranges:
            k = self.locate(start)
            base = self.sentences[k].start
            out.append(block_rows(self.states[k], [(start - base, end - base)], blocks)[0])
        return np.stack(out)


def sentence_states(texts: Sequence[str], model: SpanModel | None = None) -> list[SentenceStates]:
    """Split each text into sentences and encode them all (in one call), each sentence alone."""
    split = [split_sentences(text) for text in texts]
    pieces = [text[s.start : s.end] for text, sentences in zip(texts, split, strict=True) for s in sentences]
    encoded = iter(encode_texts(pieces, model) if pieces else [])
    return [
        SentenceStates(hash(text), tuple(sentences), tuple(next(encoded) for _ in sentences))
        for text, sentences in zip(texts, split, strict=True)
    ]


def kept_sentences(article: Article) -> SentenceStates | None:
    """The :class:`SentenceStates` kept on ``article`` when its text has not changed since."""
    kept = article.vectors.get(SENTENCE_STATES)
    return kept if isinstance(kept, SentenceStates) and kept.text_key == hash(article.text) else None


def article_sentences(articles: Sequence[Article], model: SpanModel | None = None) -> list[SentenceStates]:
    """The :class:`SentenceStates` of each article: those kept on it when its text has not changed,
    else made now (all missing articles in one call) and kept on it."""
    out = [kept_sentences(article) for article in articles]
    missing = [i for i, kept in enumerate(out) if kept is None]
    for i, made in zip(missing, sentence_states([articles[i].text for i in missing], model), strict=True):
        articles[i].vectors[SENTENCE_STATES] = made
        out[i] = made
    return [kept for kept in out if kept is not None]


def sentences_at(
    articles: Sequence[Article], positions: Sequence[Sequence[int]], model: SpanModel | None = None
) -> list[SentenceStates]:
    """Per article, the :class:`SentenceStates` of only the sentences its character ``positions``
    fall in (as :meth:`SentenceStates.locate` finds them over all its sentences), each encoded
    alone: the rows of those positions are the same as over every sentence, for the cost of the
    sentences that hold them (portrayal needs those with a mention, a few of an article's).
    States kept on an article (:func:`article_sentences`) are used as they are; none are kept."""
    out: list[SentenceStates | None] = []
    chosen: list[tuple[int, list[TextRange]]] = []
    for i, (article, at) in enumerate(zip(articles, positions, strict=True)):
        out.append(kept_sentences(article))
        if out[-1] is not None:
            continue
        sentences = split_sentences(article.text)
        starts = [s.start for s in sentences]
        picked = sorted({max(bisect.bisect_right(starts, p) - 1, 0) for p in at}) if sentences else []
        chosen.append((i, [sentences[k] for k in picked]))
    pieces = [articles[i].text[s.start : s.end] for i, sentences in chosen for s in sentences]
    encoded = iter(encode_texts(pieces, model) if pieces else [])
    for i, sentences in chosen:
        states = tuple(next(encoded) for _ in sentences)
        out[i] = SentenceStates(hash(articles[i].text), tuple(sentences), states)
    return [states for states in out if states is not None]


def article_states(articles: Sequence[Article], model: SpanModel | None = None) -> list[TokenStates]:
    """The token states of each whole article (windows of the span model): those kept on it when
    its text has not changed, else encoded now (all missing ones in one call) and kept on it."""
    out: list[TokenStates | None] = []
    for article in articles:
        kept = article.vectors.get(ARTICLE_STATES)
        out.append(kept[1] if isinstance(kept, tuple) and kept[0] == hash(article.text) else None)
    missing = [i for i, kept in enumerate(out) if kept is None]
    for i, made in zip(missing, encode_texts([articles[i].text for i in missing], model), strict=True):
        articles[i].vectors[ARTICLE_STATES] = (hash(articles[i].text), made)
        out[i] = made
    return [kept for kept in out if kept is not None]


def token_span(offsets: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """The token range ``[a, b)`` covering characters ``[start, end)``; the nearest token when none
    overlaps (``(0, 0)`` for a text without tokens)."""
    n = len(offsets)
    if n == 0:
        return 0, 0
    a = int(np.searchsorted(offsets[:, 1], start, side="right"))
    b = int(np.searchsorted(offsets[:, 0], end, side="left"))
    if b <= a:
        a = min(a, n - 1)
        return a, a + 1
    return a, b


def _mean(rows: np.ndarray, dim: int) -> np.ndarray:
    return rows.mean(axis=0) if len(rows) else np.zeros(dim, dtype=np.float32)


def _max(rows: np.ndarray, dim: int) -> np.ndarray:
    return rows.max(axis=0) if len(rows) else np.zeros(dim, dtype=np.float32)


def sentence_vector(states: TokenStates, start: int, end: int, dim: int | None = None) -> np.ndarray:
    """``(2H,)``: mean and max of the hidden states of the tokens in ``[start, end)``."""
    dim = dim or states.dim
    a, b = token_span(states.offsets, start, end)
    rows = states.hidden[a:b]
    return np.concatenate([_mean(rows, dim), _max(rows, dim)]).astype(np.float32)


def mention_vector(states: TokenStates, start: int, end: int, dim: int | None = None) -> np.ndarray:
    """``(5H,)``: the mention's mean, the means of the ``NEAR`` tokens before and after it, and the
    mean and max over the tokens within ``WINDOW`` of it."""
    dim = dim or states.dim
    h = states.hidden
    a, b = token_span(states.offsets, start, end)
    window = h[max(0, a - WINDOW) : b + WINDOW]
    parts = [_mean(h[a:b], dim), _mean(h[max(0, a - NEAR) : a], dim), _mean(h[b : b + NEAR], dim)]
    return np.concatenate([*parts, _mean(window, dim), _max(window, dim)]).astype(np.float32)


def article_vector(states: TokenStates, dim: int | None = None) -> np.ndarray:
    """``(H,)``: the mean of every token's hidden state."""
    return _mean(states.hidden, dim or states.dim).astype(np.float32)


MENTION_BLOCKS: tuple[str, ...] = ("mention", "before", "after", "window_mean", "window_max")
SENTENCE_BLOCKS: tuple[str, ...] = ("sentence_mean", "sentence_max")
ARTICLE_BLOCKS: tuple[str, ...] = ("article",)


def block_rows(
    states: TokenStates, ranges: Sequence[tuple[int, int]], blocks: Sequence[str], dim: int | None = None
) -> np.ndarray:
    """Feature rows ``(len(ranges), len(blocks) * H)`` for character ranges of one encoded text:
    the named blocks of :func:`mention_vector`, :func:`sentence_vector` and :func:`article_vector`."""
    dim = dim or states.dim
    names = set(blocks)
    whole = article_vector(states, dim) if names & set(ARTICLE_BLOCKS) else None
    rows = []
    for start, end in ranges:
        parts: dict[str, np.ndarray] = {}
        if names & set(MENTION_BLOCKS):
            vector = mention_vector(states, start, end, dim)
            parts.update({name: vector[i * dim : (i + 1) * dim] for i, name in enumerate(MENTION_BLOCKS)})
        if names & set(SENTENCE_BLOCKS):
            vector = sentence_vector(states, start, end, dim)
            parts.update({name: vector[i * dim : (i + 1) * dim] for i, name in enumerate(SENTENCE_BLOCKS)})
        if whole is not None:
            parts["article"] = whole
        try:
            rows.append(np.concatenate([parts[name] for name in blocks]))
        except KeyError as exc:
            raise ModelError(f"unknown feature block {exc.args[0]!r} in the model config") from None
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, len(blocks) * dim), np.float32)
