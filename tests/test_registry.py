from __future__ import annotations

from collections.abc import Sequence

import pytest

from unspun import registry
from unspun.analysis import Pipeline, build_pipeline, describe_components
from unspun.document import Article
from unspun.errors import ConfigError
from unspun.pipeline.base import Component, make_component


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


class WordCounter(Component):
    """A third-party component as a plugin would write one: reads the spans, writes a score key."""

    name = "word-counter"
    needs = ("spans",)
    writes = ("scores",)

    def __init__(self, *, key: str = "test_words") -> None:
        super().__init__()
        self.key = key

    def predict(self, articles: Sequence[Article]) -> list[int]:
        return [len(article.text.split()) for article in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: list[int]) -> None:
        for article, words in zip(articles, outputs, strict=True):
            # Which built-in scores were there when it ran: it runs after them.
            article.scores[self.key] = float(words + 1000 * ("persuasion" in article.scores))


class EntityReader(Component):
    name = "entity-reader"
    needs = ("entities",)
    writes = ("scores",)


registry.register("test.WordCounter.v1")(WordCounter)
registry.register("test.EntityReader.v1")(EntityReader)


@registry.register("test.NotAComponent.v1")
def make_text() -> str:
    return "a registered factory that makes no component"


def test_every_default_component_resolves_and_the_default_order_meets_every_need() -> None:
    from unspun.analysis import DEFAULT_COMPONENTS

    classes = [row for row in describe_components() if row["name"] in DEFAULT_COMPONENTS]
    assert [row["default"] for row in sorted(classes, key=lambda r: r["default"])] == list(
        range(1, len(DEFAULT_COMPONENTS) + 1)
    )
    written: set[str] = set()
    for row in sorted(classes, key=lambda r: r["default"]):
        assert set(row["needs"]) <= written, row
        assert row["writes"], row
        written.update(row["writes"])


def test_a_component_whose_need_is_not_written_before_it_is_refused_by_name() -> None:
    spans = make_component("unspun.SpanTagger.v1")
    with pytest.raises(ConfigError, match=r"'word-counter' needs spans, which no component before it writes"):
        Pipeline([WordCounter(), spans])
    assert [c.name for c in Pipeline([spans, WordCounter()]).components] == ["spans", "word-counter"]
    # Added by name after the built-ins, a need that none of them writes is refused up front.
    with pytest.raises(ConfigError, match="'entity-reader' needs entities"):
        build_pipeline(article_level=False, extra_components=["test.EntityReader.v1"])


def test_an_unknown_component_name_or_setting_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no component registered as 'test.Nope.v1'"):
        build_pipeline(article_level=False, extra_components=["test.Nope.v1"])
    with pytest.raises(ConfigError, match="'test.WordCounter.v1' does not take the settings given"):
        make_component("test.WordCounter.v1", {"colour": "red"})
    with pytest.raises(ConfigError, match="not a pipeline component"):
        make_component("test.NotAComponent.v1")


def test_the_whosays_layer_declares_what_its_components_need_and_write() -> None:
    layer = make_component("unspun.WhoSaysLayer.v1")
    assert [c.name for c in layer.components] == ["entities", "attributions", "claims", "portrayal"]
    assert layer.needs == ("language",)
    assert set(layer.writes) >= {"entities", "attributions", "claims", "scores"}
    alone = make_component("unspun.WhoSaysLayer.v1", {"components": ["unspun.AttributionTagger.v1"]})
    assert alone.needs == ("language", "entities")


def test_an_entry_point_adds_a_component_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    plugin = importlib.metadata.EntryPoint(
        name="test.PluginVoices.v1",
        value="unspun.pipeline.voice:VoiceScorer",
        group=registry.ENTRY_POINT_GROUP,
    )
    broken = importlib.metadata.EntryPoint(
        name="test.Broken.v1", value="unspun_no_such_plugin:Thing", group=registry.ENTRY_POINT_GROUP
    )
    found = [plugin]

    def entry_points(*, group: str) -> list[importlib.metadata.EntryPoint]:
        return found if group == registry.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    monkeypatch.setattr(registry, "_FACTORIES", dict(registry._FACTORIES))
    monkeypatch.setattr(registry, "_loaded", False)
    from unspun.pipeline.voice import VoiceScorer

    assert registry.resolve("test.PluginVoices.v1") is VoiceScorer
    assert "test.PluginVoices.v1" in [row["name"] for row in describe_components()]
    found.append(broken)
    monkeypatch.setattr(registry, "_loaded", False)
    with pytest.raises(ConfigError, match="'test.Broken.v1'.*cannot be imported"):
        registry.names()
