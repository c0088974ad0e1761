"""Genre of an article (SemEval-2023 subtask 1): reporting, opinion or satire.

Writes ``article.labels["genre"] = [Label(genre, probability)]``. Features are the article's
pooled paragraph vectors, its title vector and style statistics
(:func:`unspun.models.sentence_encoder.article_features`); the head is a softmax
:class:`~unspun.models.linear_head.LinearHead` stored as ``genre.npz``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from unspun.document import Article, Label
from unspun.models.linear_head import LinearHead, packaged_model_dir
from unspun.models.sentence_encoder import ParagraphEmbedder, article_features, load_encoder
from unspun.pipeline.base import Component, ErrorHandler, raise_error
from unspun.registry import register

HEAD_FILE = "genre.npz"


class ArticleHeadComponent(Component):
    """Shared shape of the article-level components: a head, an embedder, to_disk/from_disk."""

    head_file = HEAD_FILE

    def __init__(
        self,
        *,
        head: LinearHead | None = None,
        model_dir: str | Path | None = None,
        embedder: ParagraphEmbedder | None = None,
        error_handler: ErrorHandler = raise_error,
    ) -> None:
        super().__init__(error_handler=error_handler)
        folder = Path(model_dir) if model_dir is not None else packaged_model_dir()
        self.head = head if head is not None else LinearHead.from_disk(folder / self.head_file)
        self.embedder = embedder if embedder is not None else ParagraphEmbedder(load_encoder())

    def features(self, articles: Sequence[Article]) -> np.ndarray:
        """One article feature row per article."""
        return np.stack([article_features(*self.embedder(a.text), a.text) for a in articles])

    def to_disk(self, folder: str | Path) -> None:
        """Save the head as ``<folder>/<head_file>``."""
        Path(folder).mkdir(parents=True, exist_ok=True)
        self.head.to_disk(Path(folder) / self.head_file)

    def from_disk(self, folder: str | Path) -> ArticleHeadComponent:
        """Load the head from ``<folder>/<head_file>``; returns ``self``."""
        self.head = LinearHead.from_disk(Path(folder) / self.head_file)
        return self


class GenreClassifier(ArticleHeadComponent):
    """Predicts one genre per article with its probability."""

    name = "genre"
    head_file = HEAD_FILE

    def predict(self, articles: Sequence[Article]) -> list[tuple[str, float]]:
        """The ``(genre, probability)`` of each article."""
        if not articles:
            return []
        return [row[0] for row in self.head.predict(self.features(articles))]

    def set_annotations(self, articles: Sequence[Article], outputs: list[tuple[str, float]]) -> None:
        for article, (genre, score) in zip(articles, outputs, strict=True):
            article.labels["genre"] = [Label(genre, score)]


@register("unspun.GenreClassifier.v1")
def make_genre_classifier(
    *, model_dir: str | Path | None = None, embedder: ParagraphEmbedder | None = None
) -> GenreClassifier:
    """Factory registered as ``unspun.GenreClassifier.v1`` (packaged model by default)."""
    return GenreClassifier(model_dir=model_dir, embedder=embedder)
