"""Run the whole pipeline over articles: the library function behind ``unspun analyze``.

The pipeline is a list of components (see :mod:`unspun.pipeline.base`): the span
tagger (PTC-14 technique spans), then the article-level components (language, genre,
framing, paragraph techniques) and finally the persuasion score, which reads what
the others wrote. Loaded pipelines are cached per model choice, so repeated calls to
:func:`analyze` pay the model loading once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice

from unspun.document import Analysis, Article
from unspun.errors import EmptyInputError
from unspun.pipeline.base import Component, ErrorHandler, raise_error


class Pipeline:
    """An ordered list of components applied to batches of articles."""

    def __init__(self, components: Sequence[Component]) -> None:
        self.components = list(components)

    def __call__(self, articles: Sequence[Article]) -> list[Article]:
        """Annotate ``articles`` in place with every component, in order."""
        batch = list(articles)
        for component in self.components:
            component(batch)
        return batch

    def load(self) -> None:
        """Load every component's model now rather than on first use, so that a model that
        cannot load fails here, once (:class:`unspun.errors.ModelError`)."""
        for component in self.components:
            component.load()

    def set_error_handler(self, handler: ErrorHandler) -> None:
        """Route per-article failures of every component to ``handler``."""
        for component in self.components:
            component.error_handler = handler

    def analyze_stream(self, articles: Iterable[Article], *, batch_size: int = 8) -> Iterator[Analysis]:
        """Analyse ``articles`` lazily, ``batch_size`` at a time, yielding one Analysis each."""
        iterator = iter(articles)
        while batch := list(islice(iterator, batch_size)):
            yield from (Analysis(article) for article in self(batch))


def build_pipeline(
    *,
    model: str | None = None,
    article_model: str | None = None,
    lang: str | None = None,
    article_level: bool = True,
) -> Pipeline:
    """Build the default pipeline.

    ``model`` names the span model (None: the packaged default; else a folder path or the
    name of a packaged model), ``article_model`` the genre/framing/paragraph models (the
    same way), ``lang`` forces the
    language instead of detecting it. Raises :class:`unspun.errors.ModelError` when a
    model cannot be loaded.
    """
    from unspun.pipeline.spans import SpanTagger

    spans = SpanTagger(model=model)
    if not article_level:
        return Pipeline([spans])
    from unspun.article_level import load_article_components
    from unspun.pipeline.language import LanguageDetector
    from unspun.pipeline.persuasion import PersuasionScorer

    article_components = load_article_components(article_model, lang=lang)
    # Language first: the span tagger skips texts in languages its model does not read.
    language = [c for c in article_components if isinstance(c, LanguageDetector)]
    others = [c for c in article_components if not isinstance(c, LanguageDetector)]
    return Pipeline([*language, spans, *others, PersuasionScorer()])


@lru_cache(maxsize=4)
def _cached_pipeline(model: str | None, article_model: str | None, lang: str | None) -> Pipeline:
    return build_pipeline(model=model, article_model=article_model, lang=lang)


def analyze(
    text: str | Article,
    *,
    model: str | None = None,
    article_model: str | None = None,
    lang: str | None = None,
) -> Analysis:
    """Analyse one article (a string, or an :class:`Article`) and return its :class:`Analysis`.

    Raises :class:`unspun.errors.EmptyInputError` for blank text and the errors of the
    components (an unsupported language, a missing model) otherwise.
    """
    from unspun.reader import read_text

    if not isinstance(text, str | Article):
        raise TypeError(f"analyze() takes the article text (a str) or an Article, not {type(text).__name__}")
    article = read_text(text) if isinstance(text, str) else text
    if not article.text.strip():
        raise EmptyInputError("the article has no text; pass the article text")
    pipeline = _cached_pipeline(model, article_model, lang)
    for component in pipeline.components:
        component.error_handler = raise_error
    return Analysis(pipeline([article])[0])
