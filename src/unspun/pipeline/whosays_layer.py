"""The who-says-what components as one bounded layer of the pipeline.

Entities, attributions, claims and portrayal parse and encode the text sentence by sentence and
keep those parses and encodings on the article while they run (``article.vectors``): a few
hundred megabytes for a megabyte of text. :class:`WhoSaysLayer` runs them in order and bounds
what they cost:

* a text longer than ``max_chars`` is read by them up to the last paragraph break before that
  limit (offsets stay those of the whole text, since it is a prefix); the analysis then says how
  much was covered, ``article.scores["whosays_coverage"]`` (the share of characters read);
* the parses and encodings they left on the article are dropped once the layer is done.

Every real article is far below the default limit (200,000 characters, about 35,000 words), so
only a very long input (a book, a dump of many articles as one text) is read in part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from unspun.document import Article, ModelInfo
from unspun.pipeline.base import Component, ErrorHandler, make_component, raise_error
from unspun.registry import register

DEFAULT_MAX_CHARS = 200_000
COVERAGE = "whosays_coverage"
# The layer of the default pipeline, in order: portrayal reads the entities, and shares their
# sentence encoding with the claims.
WHOSAYS_COMPONENTS = (
    "unspun.EntityRecognizer.v1",
    "unspun.AttributionTagger.v1",
    "unspun.ClaimDetector.v1",
    "unspun.PortrayalTagger.v1",
)


def prefix_end(text: str, max_chars: int) -> int:
    """Where a bounded reading of ``text`` stops: the last line break at or before ``max_chars``
    (the whole text when it is not longer; ``max_chars`` when there is no line break)."""
    if len(text) <= max_chars:
        return len(text)
    cut = text.rfind("\n", 0, max_chars + 1)
    return cut if cut > 0 else max_chars


class WhoSaysLayer(Component):
    """Runs ``components`` (entities, attributions, claims, portrayal) in order, bounded."""

    name = "whosays"
    # Those of the default layer; an instance declares its own components' (see __init__).
    needs: tuple[str, ...] = ("language",)
    writes: tuple[str, ...] = ("entities", "attributions", "claims", "portrayal", "scores")

    def __init__(
        self,
        components: Sequence[Component],
        *,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        super().__init__()
        self.components = list(components)
        self.max_chars = max_chars
        # The layer needs what its components need and none of them writes before; it writes
        # what they write, and the coverage score.
        written: set[str] = set()
        needs: list[str] = []
        for component in self.components:
            needs += [need for need in component.needs if need not in written and need not in needs]
            written.update(component.writes)
        self.needs = tuple(needs)
        self.writes = tuple(dict.fromkeys([w for c in self.components for w in c.writes] + ["scores"]))

    def load(self) -> None:
        """Load every component's model now."""
        for component in self.components:
            component.load()

    def warm_up(self) -> None:
        """Load every component's model, those only some articles use included."""
        for component in self.components:
            component.warm_up()

    def prefetch(self, articles: Sequence[Article]) -> None:
        """What the layer's components can do ahead (the parse) for the articles it reads whole
        (a longer text is read as a prefix: its own copy, see :meth:`__call__`)."""
        whole = [a for a in articles if prefix_end(a.text, self.max_chars) == len(a.text)]
        for component in self.components:
            component.prefetch(whole)

    def forget(self, articles: Sequence[Article]) -> None:
        """Drop what the layer's components keep from :meth:`prefetch` for ``articles``."""
        for component in self.components:
            component.forget(articles)

    def model_info(self) -> list[ModelInfo]:
        """The models of every component of the layer."""
        return [info for component in self.components for info in component.model_info()]

    def __call__(self, articles: Sequence[Article], *, on_error: ErrorHandler | None = None) -> list[Article]:
        """Annotate ``articles`` in place with every component of the layer and return them."""
        handler = on_error if on_error is not None else raise_error
        articles = list(articles)
        before = [set(article.vectors) for article in articles]
        read = [self._reading(article) for article in articles]
        for component in self.components:
            live = [article for article in read if not article.errors]
            if live:
                component(live, on_error=handler)
        for article, reading, kept in zip(articles, read, before, strict=True):
            if reading is not article:
                article.entities, article.attributions = reading.entities, reading.attributions
                article.claims = reading.claims
                article.errors.extend(reading.errors)
                article.scores[COVERAGE] = len(reading.text) / len(article.text)
            for key in set(article.vectors) - kept:
                del article.vectors[key]
        return articles

    def _reading(self, article: Article) -> Article:
        end = prefix_end(article.text, self.max_chars)
        if end == len(article.text):
            return article
        # A copy over the prefix, with its own lists and caches: the original's are left alone.
        return replace(
            article,
            text=article.text[:end],
            entities=[],
            attributions=[],
            claims=[],
            errors=[],
            models=[],
            vectors={},
            paragraphs=[p for p in article.paragraphs if p.end <= end],
            spans={name: [s for s in spans if s.end <= end] for name, spans in article.spans.items()},
        )


@register("unspun.WhoSaysLayer.v1")
def make_whosays_layer(
    *,
    components: Sequence[str] = WHOSAYS_COMPONENTS,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> WhoSaysLayer:
    """Factory registered as ``unspun.WhoSaysLayer.v1``: the registered ``components`` (names, in
    order; each made with its ``settings``) run as one bounded layer. Raises
    :class:`unspun.errors.ConfigError` for an unknown name."""
    made = [make_component(name, (settings or {}).get(name, {})) for name in components]
    return WhoSaysLayer(made, max_chars=max_chars)
