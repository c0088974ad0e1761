"""Persuasion techniques per paragraph (SemEval-2023 subtask 3, 23 techniques, multi-label).

Writes ``article.paragraphs = split_paragraphs(article.text)`` (the official paragraph rule:
line k of ``text.split("\\n")``, kept if not blank), each with ``.techniques = [Label...]``,
highest probability first. Features per paragraph: its vector, the article's mean vector,
the mean of its two neighbours, and its position and length
(:func:`unspun.models.sentence_encoder.paragraph_features`). A technique is kept when its
probability reaches its threshold, tuned per technique and per language by cross-validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from unspun.document import Article, Label, Paragraph
from unspun.models.sentence_encoder import ParagraphEmbedder, paragraph_features
from unspun.pipeline.genre import ArticleHeadComponent
from unspun.registry import register

HEAD_FILE = "paragraphs.npz"


class ParagraphTechniqueTagger(ArticleHeadComponent):
    """Splits each article into paragraphs and predicts the techniques of each one."""

    name = "paragraphs"
    head_file = HEAD_FILE

    def paragraph_rows(self, article: Article) -> tuple[list[Paragraph], np.ndarray]:
        """The article's paragraphs (official rule) and their feature rows."""
        paragraphs, vectors = self.embedder(article.text)
        return paragraphs, paragraph_features(paragraphs, vectors, article.text)

    def predict(self, articles: Sequence[Article]) -> list[list[Paragraph]]:
        """Per article, new :class:`Paragraph` objects carrying their predicted techniques."""
        out = []
        for article in articles:
            paragraphs, rows = self.paragraph_rows(article)
            texts = [article.text[p.start : p.end].strip() for p in paragraphs]
            labelled = self.head.decide(self.mixed_scores(rows, texts), article.language) if len(rows) else []
            out.append(
                [
                    Paragraph(p.index, p.start, p.end, [Label(name, score) for name, score in techniques])
                    for p, techniques in zip(paragraphs, labelled, strict=True)
                ]
            )
        return out

    def set_annotations(self, articles: Sequence[Article], outputs: list[list[Paragraph]]) -> None:
        for article, paragraphs in zip(articles, outputs, strict=True):
            article.paragraphs = paragraphs


@register("unspun.ParagraphTechniqueTagger.v1")
def make_paragraph_tagger(
    *, model_dir: str | Path | None = None, embedder: ParagraphEmbedder | None = None
) -> ParagraphTechniqueTagger:
    """Factory registered as ``unspun.ParagraphTechniqueTagger.v1`` (packaged model by default)."""
    return ParagraphTechniqueTagger(model_dir=model_dir, embedder=embedder)
