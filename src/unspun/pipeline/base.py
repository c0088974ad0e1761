"""The component shape every pipeline step follows (after spaCy).

``predict(batch)`` computes and changes nothing; ``set_annotations(batch, outputs)``
writes onto the articles. ``__call__`` runs both over a batch and, if the batch as a
whole fails, falls back to one article at a time so that a single bad article is
handed to the error handler instead of killing the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from unspun.document import Article

ErrorHandler = Callable[[str, Article, Exception], None]


def raise_error(component: str, article: Article, error: Exception) -> None:
    """Default error handler: re-raise."""
    raise error


class Component:
    """Base class of pipeline components."""

    name: str = "component"

    def __init__(self, *, error_handler: ErrorHandler = raise_error) -> None:
        self.error_handler = error_handler

    def load(self) -> None:
        """Load now what the component would load on first use (its model); by default nothing.
        Raises what loading raises (:class:`unspun.errors.ModelError`)."""

    def predict(self, articles: Sequence[Article]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_annotations(self, articles: Sequence[Article], outputs: Any) -> None:  # pragma: no cover
        raise NotImplementedError

    def __call__(self, articles: Sequence[Article]) -> list[Article]:
        """Annotate ``articles`` in place and return them."""
        articles = list(articles)
        try:
            self.set_annotations(articles, self.predict(articles))
        except Exception:
            if len(articles) == 1:
                self.error_handler(self.name, articles[0], _last_error())
                return articles
            for article in articles:
                try:
                    self.set_annotations([article], self.predict([article]))
                except Exception as error:
                    self.error_handler(self.name, article, error)
        return articles


def _last_error() -> Exception:
    import sys

    error = sys.exc_info()[1]
    assert isinstance(error, Exception)
    return error
