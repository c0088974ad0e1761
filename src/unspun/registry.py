"""Registries of named, versioned factories (``"unspun.SpanTagger.v1"``).

A behaviour change gets a new version name so old configs and saved models keep
loading. Built-in components register themselves exactly as a plugin would; a package adds its
own through the ``unspun.components`` entry point group, the entry point's name being the
registered name and its object the factory (a component class or a function making one)::

    [project.entry-points."unspun.components"]
    "acme.ToneScorer.v1" = "acme_unspun:ToneScorer"
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

from unspun.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])

ENTRY_POINT_GROUP = "unspun.components"

_FACTORIES: dict[str, Callable[..., Any]] = {}
_loaded = False

# Modules whose import registers the built-in components; imported on first lookup so
# that importing unspun stays cheap.
_BUILTIN_MODULES = (
    "unspun.pipeline.spans",
    "unspun.pipeline.language",
    "unspun.pipeline.genre",
    "unspun.pipeline.framing",
    "unspun.pipeline.paragraphs",
    "unspun.pipeline.persuasion",
    "unspun.pipeline.voice",
    "unspun.pipeline.entities",
    "unspun.pipeline.attribution",
    "unspun.pipeline.claims",
    "unspun.pipeline.portrayal",
    "unspun.pipeline.whosays_layer",
    "unspun.pipeline.multilingual_spans",
)


def _load_builtins() -> None:
    """Import the built-in components and the installed packages' ones (once)."""
    global _loaded
    if _loaded:
        return
    for module in _BUILTIN_MODULES:
        importlib.import_module(module)
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            factory = entry.load()
        except Exception as exc:
            raise ConfigError(
                f"the component {entry.name!r} of the {ENTRY_POINT_GROUP} entry points ({entry.value}) "
                f"cannot be imported ({type(exc).__name__}: {exc}); reinstall or remove the package that "
                "declares it"
            ) from exc
        _FACTORIES.setdefault(entry.name, factory)
    _loaded = True


def register(name: str) -> Callable[[F], F]:
    """Decorator: register ``factory`` under ``name`` (e.g. ``"unspun.SpanTagger.v1"``)."""

    def wrap(factory: F) -> F:
        if name in _FACTORIES and _FACTORIES[name] is not factory:
            raise ConfigError(f"the name {name!r} is already registered; pick a new version name")
        _FACTORIES[name] = factory
        return factory

    return wrap


def resolve(name: str) -> Callable[..., Any]:
    """The factory registered under ``name``; raise :class:`ConfigError` listing known names."""
    if name not in _FACTORIES:
        _load_builtins()
    try:
        return _FACTORIES[name]
    except KeyError:
        known = ", ".join(sorted(_FACTORIES)) or "none"
        raise ConfigError(f"no component registered as {name!r}; known: {known}") from None


def names() -> list[str]:
    """All registered names (built-ins included), sorted."""
    _load_builtins()
    return sorted(_FACTORIES)
