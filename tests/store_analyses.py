"""Hand-made analyses for the store tests (fast: no model is loaded)."""

from __future__ import annotations

import datetime as dt

from unspun.document import (
    TECHNIQUE_LAYER,
    Analysis,
    Article,
    Attribution,
    Entity,
    Label,
    ModelInfo,
    Span,
    TextRange,
    split_paragraphs,
)
from unspun.version import analysis_version

MODELS = [ModelInfo("spans", "ptc-minilm", "1.0", "abc123"), ModelInfo("genre", "semeval2023", "1.0", None)]
NEWER = [ModelInfo("spans", "ptc-minilm", "2.0", "def456"), ModelInfo("genre", "semeval2023", "1.0", None)]


def find(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def make_analysis(
    text: str,
    *,
    id: str = "a1",
    title: str | None = "A title",
    outlet: str | None = "The Daily Example",
    published: dt.date | None = dt.date(2024, 3, 5),
    spans: list[tuple[str, str, float]] | None = None,
    genre: str | None = "opinion",
    frames: tuple[str, ...] = ("Political", "Security_and_defense"),
    persuasion: float | None = 0.5,
    models: list[ModelInfo] | None = None,
    language: str = "en",
    quotes: list[tuple[str, str, str]] | None = None,
) -> Analysis:
    """An analysis of ``text``: ``spans`` are (quoted part, technique, score); ``quotes`` are
    (source part, cue part, content part), the source an entity of type PERSON."""
    article = Article(id=id, text=text, title=title, outlet=outlet, published=published, language=language)
    article.unspun_version = analysis_version()  # as a pipeline of this code records it
    found = [Span(*find(text, part), technique, score) for part, technique, score in (spans or [])]
    article.set_layer(TECHNIQUE_LAYER, found)
    if genre is not None:
        article.labels["genre"] = [Label(genre, 0.9)]
    article.labels["frames"] = [Label(f, 0.7) for f in frames]
    article.paragraphs = split_paragraphs(text)
    if article.paragraphs and found:
        article.paragraphs[0].techniques = [Label(found[0].label, 0.8)]
    if persuasion is not None:
        article.scores["persuasion"] = persuasion
    for number, (source, cue, content) in enumerate(quotes or [], start=1):
        entity_id = f"E{number}"
        article.entities.append(
            Entity(
                entity_id,
                source,
                "PERSON",
                [TextRange(*find(text, source))],
                sentiment=Label("negative", 0.8),
                role=Label("Antagonist", 0.6),
            )
        )
        article.attributions.append(
            Attribution(
                f"Q{number}",
                TextRange(*find(text, content)),
                source=TextRange(*find(text, source)),
                cue=TextRange(*find(text, cue)),
                kind="direct",
                source_entity=entity_id,
                score=0.9,
            )
        )
    article.models = list(models if models is not None else MODELS)
    return Analysis(article)


TRICKY = "\ufeffFirst line with an emoji \U0001f600 here.\r\nשלום עולם, a right-to-left line.\r\n\r\nThe radical extremists will destroy everything we love!\r\n"
