"""An article-level persuasion score in [0, 1], from the span and paragraph analyses.

Definition (also in docs/persuasion-score.md). Let ``words`` be the number of
whitespace-separated tokens of ``article.text`` and ``W = max(1, words / 100)``.

* **Span density** (only if the ``"technique"`` span layer was written, even empty):
  ``I = sum(span.score for span in article.layer("technique")) / W``, the expected number of
  technique spans per 100 words, and ``S = 1 - exp(-I / span_scale)``. ``span_scale`` = 0.5
  is set for the shipped span model, whose span scores (detection x technique probability)
  mostly lie between 0.05 and 0.4: with it the median PTC training article (news from outlets
  known for propaganda) gets S = 0.52 and the median unlabelled OpenWebText article 0.37.
* **Paragraph share** (only if ``article.paragraphs`` is not empty):
  ``P = mean over paragraphs of (the highest technique score in the paragraph, 0 if none)``.
* **Score**: ``1 - sqrt((1 - S) * (1 - P))`` when both are available, ``S`` or ``P`` alone when
  only one is, and no score at all (``article.scores`` untouched) when neither is.

Properties (tested): the score lies in [0, 1]; adding a span, raising a span's score, adding a
technique to a paragraph or raising its score never lowers it; the same spans in a longer text
never raise it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from unspun.document import TECHNIQUE_LAYER, Article, ModelInfo
from unspun.pipeline.base import Component, ErrorHandler, raise_error
from unspun.registry import register

SPAN_SCALE = 0.5


def span_density(article: Article, *, layer: str = TECHNIQUE_LAYER, span_scale: float = SPAN_SCALE) -> float:
    """``S = 1 - exp(-I / span_scale)`` with ``I`` the score-weighted spans per 100 words."""
    hundreds = max(1.0, len(article.text.split()) / 100)
    intensity = sum(max(0.0, min(1.0, s.score)) for s in article.layer(layer)) / hundreds
    return 1.0 - math.exp(-intensity / span_scale)


def paragraph_share(article: Article) -> float:
    """``P``: the mean over paragraphs of their highest technique score (0 for none)."""
    if not article.paragraphs:
        return 0.0
    best = [max((max(0.0, min(1.0, t.score)) for t in p.techniques), default=0.0) for p in article.paragraphs]
    return sum(best) / len(best)


def persuasion_score(
    article: Article, *, layer: str = TECHNIQUE_LAYER, span_scale: float = SPAN_SCALE
) -> float | None:
    """The persuasion score of an analysed article, or ``None`` if neither analysis ran."""
    parts = []
    if layer in article.spans:
        parts.append(span_density(article, layer=layer, span_scale=span_scale))
    if article.paragraphs:
        parts.append(paragraph_share(article))
    if not parts:
        return None
    remaining = math.prod(1.0 - part for part in parts) ** (1.0 / len(parts))
    return min(1.0, max(0.0, 1.0 - remaining))


class PersuasionScorer(Component):
    """Writes ``article.scores["persuasion"]`` after the span and paragraph components."""

    name = "persuasion"

    def __init__(
        self,
        *,
        layer: str = TECHNIQUE_LAYER,
        span_scale: float = SPAN_SCALE,
        error_handler: ErrorHandler = raise_error,
    ) -> None:
        super().__init__(error_handler=error_handler)
        self.layer = layer
        self.span_scale = span_scale

    def model_info(self) -> list[ModelInfo]:
        """The formula's name and version (it has no weights)."""
        return [ModelInfo(component=self.name, name="persuasion-formula", version="1")]

    def predict(self, articles: Sequence[Article]) -> list[float | None]:
        """The score of each article (``None`` where nothing was analysed)."""
        return [persuasion_score(a, layer=self.layer, span_scale=self.span_scale) for a in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: list[float | None]) -> None:
        for article, score in zip(articles, outputs, strict=True):
            if score is not None:
                article.scores["persuasion"] = score


@register("unspun.PersuasionScorer.v1")
def make_persuasion_scorer(
    *, layer: str = TECHNIQUE_LAYER, span_scale: float = SPAN_SCALE
) -> PersuasionScorer:
    """Factory registered as ``unspun.PersuasionScorer.v1``."""
    return PersuasionScorer(layer=layer, span_scale=span_scale)
