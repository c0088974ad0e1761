"""Check-worthy claims: the sentences of an article a fact-checker should look at.

Each sentence (:func:`unspun.sentences.split_sentences`) gets the probability that it is
check-worthy from a logistic head over the span model's view of it, encoded alone as the training
sentences were (mean and max of its token states), calibrated on held-out folds of CheckThat! 2024 (English debate sentences). A sentence at
or over the model's threshold becomes a :class:`~unspun.document.Claim` (``score`` = that
probability) in ``article.claims``. Sentences of fewer than ``min_words`` words are skipped, so is
the text's title line (a headline is not a claim sentence:
:func:`unspun.sentences.title_line`, or a first sentence that is the article's ``title``),
and so are articles in another language than English.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from unspun.document import Article, Claim, ModelInfo
from unspun.pipeline.base import Component
from unspun.registry import register
from unspun.sentences import title_end
from unspun.whosays.encoding import (
    SentenceStates,
    TokenStates,
    article_sentences,
    block_rows,
    encode_texts,
)
from unspun.whosays.heads import HeadModel, load_heads

DEFAULT_MODEL = "checkworthy-en"
YES = "Yes"


def yes_probabilities(model: HeadModel, states: TokenStates, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """The calibrated probability that each character range of an encoded text is check-worthy."""
    if not ranges:
        return np.zeros(0, dtype=np.float32)
    head = model.head("checkworthy")
    scores = head.scores(block_rows(states, ranges, model.blocks))
    return scores[:, head.labels.index(YES)]


def score_sentences(texts: Sequence[str], model: str | Path | HeadModel | None = None) -> list[float]:
    """The check-worthiness probability of each stand-alone sentence (``unspun predict
    checkworthy``). Raises :class:`unspun.errors.ModelError` if the model cannot be loaded."""
    heads = load_heads(model or DEFAULT_MODEL, DEFAULT_MODEL)
    out = []
    for text, states in zip(texts, encode_texts(texts), strict=True):
        out.append(float(yes_probabilities(heads, states, [(0, len(text))])[0]) if text.strip() else 0.0)
    return out


@register("unspun.ClaimDetector.v1")
class ClaimDetector(Component):
    """Writes ``article.claims``: the check-worthy sentences with their probability."""

    name = "claims"
    needs = ("language",)
    writes = ("claims",)

    def __init__(
        self,
        *,
        model: str | Path | HeadModel | None = None,
        min_words: int = 4,
        threshold: float | None = None,
        skip_title: bool = True,
        languages: tuple[str, ...] = ("en",),
    ) -> None:
        super().__init__()
        self._model_arg = model
        self._model: HeadModel | None = model if isinstance(model, HeadModel) else None
        self.min_words = min_words
        self._threshold = threshold
        self.skip_title = skip_title
        self.languages = languages

    @property
    def model(self) -> HeadModel:
        """The check-worthiness heads, loaded on first use (raises :class:`unspun.errors.ModelError`)."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = load_heads(self._model_arg or DEFAULT_MODEL, DEFAULT_MODEL)
        return self._model

    @property
    def threshold(self) -> float:
        """The probability from which a sentence is a claim (the model's, unless given)."""
        return self.model.threshold if self._threshold is None else self._threshold

    def load(self) -> None:
        self.model  # noqa: B018 - the property loads it

    def model_info(self) -> list[ModelInfo]:
        return [self.model.model_info(self.name)]

    def covers(self, article: Article) -> bool:
        """Whether the model reads the article's language (unknown counts as covered)."""
        return article.language is None or article.language in self.languages

    def title_end(self, text: str, title: str | None = None) -> int:
        """Where the text's headline ends (0: none, or titles are not skipped; see
        :func:`unspun.sentences.title_end`)."""
        return title_end(text, title) if self.skip_title else 0

    def claims(self, text: str, sentences: SentenceStates, title: str | None = None) -> list[Claim]:
        """The sentences of ``text`` with at least ``min_words`` words whose probability reaches the
        threshold, as claims ``c1``, ``c2``, ... in text order; the title line is no claim."""
        heads = self.model
        headline_end = self.title_end(text, title)
        keep = [
            k
            for k, s in enumerate(sentences.sentences)
            if len(text[s.start : s.end].split()) >= self.min_words and s.end > headline_end
        ]
        out: list[Claim] = []
        for k in keep:
            s = sentences.sentences[k]
            p = float(yes_probabilities(heads, sentences.states[k], [(0, s.end - s.start)])[0])
            if p >= self.threshold:
                out.append(Claim(f"c{len(out) + 1}", s.start, s.end, round(p, 4)))
        return out

    def predict(self, articles: Sequence[Article]) -> list[list[Claim] | None]:
        """Per article, its claims (``None`` for a language the model does not read); changes
        nothing but the cached sentence states (``article.vectors``)."""
        covered = [a for a in articles if self.covers(a) and a.text.strip()]
        states = dict(zip(map(id, covered), article_sentences(covered), strict=True))
        return [self.claims(a.text, states[id(a)], a.title) if id(a) in states else None for a in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: list[list[Claim] | None]) -> None:
        for article, claims in zip(articles, outputs, strict=True):
            if claims is not None:
                article.claims = claims
