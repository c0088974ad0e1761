"""Shared helper of the portrayal tests: an article run through the shipped who-says-what models."""

from __future__ import annotations

from unspun.document import Article


def portrayed(text: str, article_id: str = "a") -> Article:
    """An English article of ``text`` with its entities, attributions and portrayal (sentiment,
    roles) from the shipped models: the who-says-what components, then the portrayal tagger."""
    from unspun.pipeline.attribution import whosays_components
    from unspun.pipeline.portrayal import PortrayalTagger

    article = Article(id=article_id, text=text, language="en")
    for component in [*whosays_components(), PortrayalTagger()]:
        component([article])
    return article
