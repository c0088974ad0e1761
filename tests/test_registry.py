from __future__ import annotations

import pytest

from unspun import registry
from unspun.errors import ConfigError


def test_builtin_components_resolve_without_importing_them_first() -> None:
    from unspun.pipeline.spans import SpanTagger

    assert registry.resolve("unspun.SpanTagger.v1") is SpanTagger
    assert "unspun.GenreClassifier.v1" in registry.names()


def test_unknown_name_lists_known_ones() -> None:
    with pytest.raises(ConfigError, match="unspun.SpanTagger.v1"):
        registry.resolve("unspun.Nope.v1")


def test_registering_a_taken_name_twice_is_refused() -> None:
    registry.register("test.Thing.v1")(dict)
    with pytest.raises(ConfigError, match="already registered"):
        registry.register("test.Thing.v1")(list)
