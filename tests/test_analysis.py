"""The Python API: unspun.analyze on a string, end to end with the shipped models."""

from __future__ import annotations

import threading
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
FRENCH = (
    "Le conseil municipal brade le port\n\n"
    "Le conseil a voté mardi la cession du vieux port à une société amie du maire, sans appel d'offres.\n"
)


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


class Ahead(Component):
    """Counts each text's words, the counting done ahead where it can be; "bad" fails both ways."""

    name = "ahead"

    def __init__(self) -> None:
        super().__init__()
        self.held: dict[int, float] = {}
        self.threads: list[str] = []  # the threads prefetch ran on
        self.taken = 0

    @staticmethod
    def count(article: Article) -> float:
        if "bad" in article.text:
            raise ValueError(f"cannot count {article.id}")
        return float(len(article.text.split()))

    def prefetch(self, articles: Sequence[Article]) -> None:
        self.threads.append(threading.current_thread().name)
        self.held.update({id(a): self.count(a) for a in articles})

    def predict(self, articles: Sequence[Article]) -> list[float]:
        self.taken += sum(id(a) in self.held for a in articles)
        return [self.held.pop(id(a)) if id(a) in self.held else self.count(a) for a in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: list[float]) -> None:
        for article, words in zip(articles, outputs, strict=True):
            article.scores["words"] = words


class Seen(Component):
    """Records the threads alive while it runs (after the component that works ahead)."""

    name = "seen"

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[str] = set()

    def predict(self, articles: Sequence[Article]) -> list[None]:
        self.threads |= {t.name for t in threading.enumerate()}
        return [None for _ in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: Any) -> None:
        for article in articles:
            article.scores["seen"] = 1.0


def _ahead_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("unspun-ahead")]


def _articles(*texts: str) -> list[Article]:
    return [Article(id=str(i), text=text) for i, text in enumerate(texts)]


def test_pipe_works_ahead_on_a_thread_and_an_error_there_lands_on_its_article() -> None:
    from unspun.analysis import Pipeline

    ahead, seen = Ahead(), Seen()
    texts = ["one two", "three", "a bad text", "four five six", "seven"]
    analyses = list(Pipeline([ahead, seen], work_ahead=True).pipe(_articles(*texts), batch_size=2))
    assert [a.article.scores.get("words") for a in analyses] == [2.0, 1.0, None, 3.0, 1.0]
    assert [e.component for e in analyses[2].errors] == ["ahead"] and "cannot count 2" in analyses[2].errors[
        0
    ].message
    assert all(a.ok for i, a in enumerate(analyses) if i != 2)
    assert ahead.threads and all(t.startswith("unspun-ahead") for t in ahead.threads)
    assert ahead.taken == 1  # the batch with "bad" failed ahead and was counted again; the last was taken
    assert any(t.startswith("unspun-ahead") for t in seen.threads) and not _ahead_threads()


def test_pipe_without_work_ahead_reads_lazily_and_starts_no_thread() -> None:
    from unspun.analysis import Pipeline

    read: list[int] = []

    def source() -> Any:
        for i in range(5):
            read.append(i)
            yield Article(id=str(i), text=f"text {i}")

    for pipeline in (Pipeline([Seen()], work_ahead=True), Pipeline([Ahead(), Seen()])):
        read.clear()
        piped = pipeline.pipe(source(), batch_size=2)
        assert next(piped).ok and read == [0, 1]  # nothing read beyond the batch
        assert [a.id for a in piped] == ["1", "2", "3", "4"]
        seen = pipeline.components[-1]
        assert isinstance(seen, Seen) and not any(t.startswith("unspun-ahead") for t in seen.threads)


def test_one_article_starts_no_thread() -> None:
    from unspun.analysis import Pipeline

    ahead, seen = Ahead(), Seen()
    (analysis,) = Pipeline([ahead, seen], work_ahead=True).pipe(_articles("just one"))
    assert analysis.article.scores["words"] == 2.0 and not ahead.threads
    assert not any(t.startswith("unspun-ahead") for t in seen.threads)


def test_the_thread_ends_when_the_run_is_closed_or_fails() -> None:
    from unspun.analysis import Pipeline

    class Stop(BaseException):
        pass

    class StopAtThird(Seen):
        def predict(self, articles: Sequence[Article]) -> list[None]:
            if any(a.id == "2" for a in articles):
                raise Stop  # not an Exception: no error handler keeps it
            return super().predict(articles)

    texts = [f"text number {i}" for i in range(6)]
    piped = Pipeline([Ahead(), Seen()], work_ahead=True).pipe(_articles(*texts), batch_size=2)
    assert next(piped).ok and _ahead_threads()  # the next batch is worked on
    piped.close()
    assert not _ahead_threads()
    with pytest.raises(Stop):
        list(Pipeline([Ahead(), StopAtThird()], work_ahead=True).pipe(_articles(*texts), batch_size=2))
    assert not _ahead_threads()


def test_pipe_hands_out_a_batch_before_the_next_one_fails_to_read() -> None:
    from unspun.analysis import Pipeline

    def source() -> Any:
        yield Article(id="a", text="A first text.")
        raise OSError("the second file cannot be read")

    got = []
    with pytest.raises(OSError, match="second file"):
        for analysis in Pipeline([Ahead()], work_ahead=True).pipe(source(), batch_size=1):
            got.append(analysis.id)
    assert got == ["a"] and not _ahead_threads()  # the batch read before the failing one was handed out


def test_the_default_pipeline_gives_the_same_analyses_working_ahead_or_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from unspun.analysis import Pipeline, shared_pipeline
    from unspun.pipeline.entities import EntityRecognizer
    from unspun.pipeline.whosays_layer import WhoSaysLayer

    text = SAMPLE.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    texts = [text, *(f"{title}\n\n{p}" for p in paragraphs[:4]), "Hi.", FRENCH]
    shared = shared_pipeline()
    assert not shared.work_ahead  # off by default: it did not pay on two cores (benchmarks/speed.py)
    pipeline = Pipeline(shared.components, work_ahead=True)
    (layer,) = [c for c in pipeline.components if isinstance(c, WhoSaysLayer)]
    (recognizer,) = [c for c in layer.components if isinstance(c, EntityRecognizer)]
    taken: list[int] = []
    take = recognizer._ahead.take

    def spy(articles: Sequence[Article]) -> dict[int, Any]:
        held = take(articles)
        taken.append(len(held))
        return held

    monkeypatch.setattr(recognizer._ahead, "take", spy)
    ahead = [a.to_dict() for a in pipeline.pipe(_articles(*texts), batch_size=2)]
    # Batches of two: each after the first parsed ahead; "Hi." fails before the entities (no
    # language), and the French text's parse, made before its language was known, goes unused.
    assert taken == [0, 2, 1, 1]
    alone = Pipeline(pipeline.components, work_ahead=False)
    assert ahead == [a.to_dict() for a in alone.pipe(_articles(*texts), batch_size=2)]
    assert sum(bool(a["entities"]) for a in ahead) >= 2 and not _ahead_threads()
