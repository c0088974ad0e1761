"""The Python API: unspun.analyze on a string, end to end with the shipped models."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import unspun
from unspun import registry
from unspun.document import TECHNIQUE_LAYER, Article
from unspun.errors import ConfigError, EmptyInputError
from unspun.pipeline.base import Component

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-article.txt"


def test_analyze_returns_spans_inside_the_text_with_known_techniques() -> None:
    from unspun.techniques import PTC14_LABELS

    text = SAMPLE.read_text(encoding="utf-8")
    analysis = unspun.analyze(text)
    assert analysis.text == text
    assert analysis.title == "Town council hands the harbour to its friends, again"
    assert analysis.spans
    for span in analysis.spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.label in PTC14_LABELS
        assert span.text_in(text) == span.text_in(text).strip()
    assert analysis.to_dict()["spans"][0]["text"] == analysis.spans[0].text_in(text)


def test_analyze_same_text_twice_gives_the_same_analysis() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert unspun.analyze(text).to_dict() == unspun.analyze(text).to_dict()


def test_analyze_blank_text_raises_empty_input() -> None:
    from unspun.document import Article

    with pytest.raises(EmptyInputError):
        unspun.analyze("   \n ")
    with pytest.raises(EmptyInputError):
        unspun.analyze(Article(id="empty", text=""))


@pytest.mark.parametrize("value", [None, 42, ["a list"]])
def test_analyze_something_other_than_text_raises_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="str"):
        unspun.analyze(value)  # type: ignore[arg-type]


def test_analyze_reads_windows_line_ends_like_unix_ones() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    unix, windows = unspun.analyze(text), unspun.analyze(text.replace("\n", "\r\n"))
    assert len(windows.spans) == len(unix.spans)
    assert [s.text_in(windows.text) for s in windows.spans] == [s.text_in(unix.text) for s in unix.spans]


def test_a_mostly_english_article_quoting_other_languages_is_analysed_around_them() -> None:
    from tests.test_language import MIXED

    analysis = unspun.analyze(MIXED)
    assert analysis.article.language == "en"
    foreign = [p for p in analysis.paragraphs if p.language]
    assert [p.index for p in foreign] == [7, 9]
    assert analysis.spans, "the English paragraphs are analysed"
    for span in analysis.spans:
        assert not any(p.start < span.end and span.start < p.end for p in foreign)
        assert span.text_in(MIXED) == MIXED[span.start : span.end]
    languages = {p["index"]: p["language"] for p in analysis.to_dict()["paragraphs"]}
    assert languages[7] == "he" and languages[1] is None


def test_long_texts_are_read_in_pieces_with_offsets_of_the_whole_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import numpy as np

    from unspun.document import split_paragraphs
    from unspun.models import span_model
    from unspun.models.span_model import load_span_model, text_pieces

    text = SAMPLE.read_text(encoding="utf-8")
    assert text_pieces(text) == [(0, len(text))]  # a normal article is read whole, as always
    pieces = text_pieces(text, size=200)
    assert len(pieces) > 2 and all(b - a <= 200 for a, b in pieces)
    assert all(text[b - 1] in "\n " for _, b in pieces[:-1])  # cut at line breaks (or spaces)
    skipped = split_paragraphs(text)[1]
    assert all(
        b <= skipped.start or a >= skipped.end
        for a, b in text_pieces(text, skip=[(skipped.start, skipped.end)])
    )

    model = load_span_model()
    whole = model.find([text])[0]
    monkeypatch.setattr(span_model, "PIECE_CHARS", 200)
    monkeypatch.setattr(span_model, "GROUP_CHARS", 400)
    told: list[tuple[int, int]] = []
    cut = model.find([text], progress=lambda done, total: told.append((done, total)))[0]
    assert cut.spans and told and told[-1][0] == told[-1][1]
    for span in cut.spans + cut.candidates:
        assert 0 <= span.start < span.end <= len(text) and text[span.start : span.end].strip()
    assert cut.paragraph_vectors.shape == whole.paragraph_vectors.shape
    assert np.count_nonzero(np.abs(cut.paragraph_vectors).sum(axis=1)) == len(split_paragraphs(text))


def test_pipe_drops_what_components_leave_for_one_another_unless_asked() -> None:
    from unspun.analysis import shared_pipeline
    from unspun.document import CANDIDATE_LAYER, Article

    text = "Corrupt, shameless elites will destroy our great nation.\n\nThe council met on Monday."
    pipeline = shared_pipeline()
    (lean,) = pipeline.pipe([Article(id="a", text=text)])
    assert lean.ok and not lean.article.vectors and CANDIDATE_LAYER not in lean.article.spans
    (kept,) = pipeline.pipe([Article(id="a", text=text)], keep_evidence=True)
    assert kept.article.vectors and CANDIDATE_LAYER in kept.article.spans
    assert lean.to_dict() == kept.to_dict()  # evidence is never part of the findings


def test_a_long_batch_hands_freed_memory_back_after_each_component(monkeypatch: pytest.MonkeyPatch) -> None:
    import unspun.analysis as analysis
    from unspun.pipeline.base import Component

    class Mark(Component):
        name = "mark"

        def predict(self, articles: Sequence[Article]) -> list[None]:
            return [None for _ in articles]

        def set_annotations(self, articles: Sequence[Article], outputs: Any) -> None:
            for article in articles:
                article.scores["mark"] = 1.0

    calls: list[int] = []
    monkeypatch.setattr(analysis, "release_freed_memory", lambda: calls.append(1))
    pipeline = analysis.Pipeline([Mark(), Mark()])
    pipeline([Article(id="short", text="A short text.")])
    assert calls == []  # an ordinary batch pays nothing
    long = Article(id="long", text="word " * (analysis.LONG_BATCH_CHARS // 5 + 1))
    assert pipeline([long])[0].scores["mark"] == 1.0
    assert calls == [1, 1]  # once after each component


def test_release_freed_memory_runs_where_there_is_no_malloc_trim() -> None:
    from unspun.analysis import release_freed_memory

    release_freed_memory()  # glibc here; elsewhere a no-op: it must never raise


class SpanCounter(Component):
    """A third-party component: writes how many technique spans the built-in ones found."""

    name = "span-counter"
    needs = ("spans",)
    writes = ("scores",)

    def predict(self, articles: Sequence[Article]) -> list[int]:
        return [len(article.layer(TECHNIQUE_LAYER)) for article in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: list[int]) -> None:
        for article, found in zip(articles, outputs, strict=True):
            article.scores["test_spans_counted"] = float(found)


registry.register("test.ApiSpanCounter.v1")(SpanCounter)


def test_analyze_runs_the_extra_components_of_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    monkeypatch.setenv("UNSPUN_EXTRA_COMPONENTS", "test.ApiSpanCounter.v1")
    analysis = unspun.analyze(text)
    assert analysis.spans and analysis.article.scores["test_spans_counted"] == len(analysis.spans)
    assert analysis.to_dict()["scores"]["test_spans_counted"] == len(analysis.spans)
    # Given by the caller, the names are the caller's, whatever the settings say.
    assert "test_spans_counted" not in unspun.analyze(text, extra_components=()).article.scores
    monkeypatch.setenv("UNSPUN_EXTRA_COMPONENTS", "test.Nope.v1")
    with pytest.raises(ConfigError, match="no component registered as 'test.Nope.v1'"):
        unspun.analyze(text)


def test_analyze_reads_the_model_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from unspun.errors import UnspunError

    text = SAMPLE.read_text(encoding="utf-8")
    missing = tmp_path / "no-such-model"
    monkeypatch.setenv("UNSPUN_MODEL", str(missing))
    with pytest.raises(UnspunError, match="no-such-model"):
        unspun.analyze(text)
    assert unspun.analyze(text, model="ptc-minilm").spans  # given by the caller, the caller's
    monkeypatch.delenv("UNSPUN_MODEL")
    monkeypatch.setenv("UNSPUN_ARTICLE_MODEL", str(missing))
    with pytest.raises(UnspunError, match="no-such-model"):
        unspun.analyze(text)
