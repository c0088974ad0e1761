"""The component shape every pipeline step follows (after spaCy).

``predict(batch)`` computes and changes nothing; ``set_annotations(batch, outputs)``
writes onto the articles. ``__call__`` runs both over a batch and, if the batch as a
whole fails, falls back to one article at a time so that a single bad article is
handed to the error handler instead of killing the batch.

The error handler belongs to the call (``component(batch, on_error=...)``), not to the
shared component: a server or a batch engine that shares one loaded pipeline between
threads never changes it. :func:`record_error`, the pipeline's handler, keeps the failure
on the article itself (``article.errors``).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from unspun.document import Article, ComponentError, ModelInfo
from unspun.errors import ConfigError

ErrorHandler = Callable[[str, Article, Exception], None]


def raise_error(component: str, article: Article, error: Exception) -> None:
    """Error handler that re-raises (the default of a component called on its own)."""
    raise error


def record_error(component: str, article: Article, error: Exception) -> None:
    """Error handler that records the failure on the article (``article.errors``).

    An :class:`unspun.errors.UnspunError` keeps its message and code; any other exception
    (a bug) is recorded with the code ``internal_error`` and its type in the message.
    """
    from unspun.errors import UnspunError

    if isinstance(error, UnspunError):
        message, code = error.message, error.code
    else:
        message, code = f"{type(error).__name__}: {error}", "internal_error"
    article.errors.append(ComponentError(component, message, code, exception=error))


class Component:
    """Base class of pipeline components."""

    name: str = "component"
    # What an earlier component must have written, and what this one writes (see the module
    # docstring); a component reading a field only where it is set does not list it as a need.
    needs: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._load_lock = threading.Lock()

    def load(self) -> None:
        """Load now what the component would load on first use (its model); by default nothing.
        Raises what loading raises (:class:`unspun.errors.ModelError`)."""

    def warm_up(self) -> None:
        """Load also what only some articles use (the e5 encoder of long English articles and of
        other languages), so that a server's first such request does not pay for it; a one-shot
        run leaves it to the first article that needs it. By default :meth:`load`."""
        self.load()

    def model_info(self) -> list[ModelInfo]:
        """The models this component runs (recorded on every article it annotates); none by default."""
        return []

    def prefetch(self, articles: Sequence[Article]) -> None:
        """Start, on the calling thread, work for ``articles`` of a later batch that reads nothing
        an earlier component writes (the entity component's parse), so that a pipeline can run it
        beside the other components of the batch before (:meth:`unspun.analysis.Pipeline.pipe`);
        the component keeps it until it annotates those very articles (or :meth:`forget`), and
        makes it itself when there is none. Changes nothing on the articles; by default does
        nothing. May raise: the caller drops the work, and the component meets the error again
        when it runs."""

    def forget(self, articles: Sequence[Article]) -> None:
        """Drop what :meth:`prefetch` keeps for ``articles`` and they did not take: they failed
        before this component, or the run ended before their batch. By default does nothing."""

    def predict(self, articles: Sequence[Article]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_annotations(self, articles: Sequence[Article], outputs: Any) -> None:  # pragma: no cover
        raise NotImplementedError

    def __call__(self, articles: Sequence[Article], *, on_error: ErrorHandler | None = None) -> list[Article]:
        """Annotate ``articles`` in place and return them; a failing article goes to ``on_error``
        (default: :func:`raise_error`, which re-raises)."""
        handler = on_error if on_error is not None else raise_error
        articles = list(articles)
        try:
            self.set_annotations(articles, self.predict(articles))
        except Exception:
            if len(articles) == 1:
                handler(self.name, articles[0], _last_error())
                return articles
            for article in articles:
                try:
                    self.set_annotations([article], self.predict([article]))
                except Exception as error:
                    handler(self.name, article, error)
        return articles


def make_component(name: str, settings: Mapping[str, Any] | None = None) -> Component:
    """The component made by the factory registered as ``name`` (:mod:`unspun.registry`), given
    ``settings`` as keyword arguments. Raises :class:`ConfigError` for an unknown name, settings
    the factory does not take, or a factory that makes no component."""
    import inspect

    from unspun.registry import resolve

    factory = resolve(name)
    given = dict(settings or {})
    try:
        inspect.signature(factory).bind(**given)
    except ValueError:  # a built-in type: no signature to check the settings against
        pass
    except TypeError as exc:
        raise ConfigError(
            f"the component {name!r} does not take the settings given ({exc}); check them"
        ) from None
    component = factory(**given)
    if not isinstance(component, Component):
        raise ConfigError(
            f"{name!r} makes a {type(component).__name__}, not a pipeline component; register a "
            "subclass of unspun.pipeline.base.Component (or a factory of one)"
        )
    return component


def unmet_needs(components: Sequence[Component]) -> list[tuple[Component, list[str]]]:
    """Each component of ``components`` (in order) with the needs no component before it writes;
    only those with some."""
    written: set[str] = set()
    unmet = []
    for component in components:
        missing = [need for need in component.needs if need not in written]
        if missing:
            unmet.append((component, missing))
        written.update(component.writes)
    return unmet


def check_needs(components: Sequence[Component]) -> None:
    """Raise :class:`ConfigError` naming the first component of ``components`` (in order) whose
    needs no component before it writes."""
    for component, missing in unmet_needs(components)[:1]:
        raise ConfigError(
            f"the component {component.name!r} needs {', '.join(missing)}, which no component before it "
            f"writes; add a component that writes {missing[0]} before it, or leave {component.name!r} out"
        )


def _last_error() -> Exception:
    error = sys.exc_info()[1]
    assert isinstance(error, Exception)
    return error
