"""The span tagging component: writes propaganda-technique spans onto each article."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from unspun.document import TECHNIQUE_LAYER, Article, Span
from unspun.models.span_model import SpanModel, load_span_model
from unspun.pipeline.base import Component, ErrorHandler, raise_error
from unspun.registry import register


@register("unspun.SpanTagger.v1")
class SpanTagger(Component):
    """Detect technique spans (SI + TC) and write them to the ``"technique"`` layer.

    ``model`` is a loaded :class:`SpanModel`, a model folder or name, or ``None`` for the packaged
    default (loaded on first use). Spans scoring below ``min_score`` are dropped.
    """

    name = "spans"

    def __init__(
        self,
        *,
        model: SpanModel | str | Path | None = None,
        min_score: float = 0.0,
        error_handler: ErrorHandler = raise_error,
    ) -> None:
        super().__init__(error_handler=error_handler)
        self._model = model if isinstance(model, SpanModel) else None
        self._model_name = None if isinstance(model, SpanModel) else model
        self.min_score = min_score

    @property
    def model(self) -> SpanModel:
        """The span model, loaded on first use (raises :class:`unspun.errors.ModelError`)."""
        if self._model is None:
            self._model = load_span_model(self._model_name)
        return self._model

    def predict(self, articles: Sequence[Article]) -> list[list[Span]]:
        """Technique spans per article; changes nothing."""
        if not articles:
            return []
        return self.model.predict_spans([article.text for article in articles])

    def set_annotations(self, articles: Sequence[Article], outputs: list[list[Span]]) -> None:
        """Replace each article's technique layer with its predicted spans."""
        for article, spans in zip(articles, outputs, strict=True):
            article.set_layer(TECHNIQUE_LAYER, [s for s in spans if s.score >= self.min_score])
