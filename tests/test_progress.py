"""Progress: the library tells the stage running and the units done; ``unspun analyze`` draws
them in its bar on a terminal, and nothing elsewhere."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from unspun.analysis import Pipeline
from unspun.cli import app
from unspun.document import Article
from unspun.pipeline.base import Component, record_error
from unspun.progress import listening, reporter, starting

runner = CliRunner()


class Stage(Component):
    """A component that does nothing but report long work as the span model does."""

    def __init__(self, name: str, *, fail: bool = False) -> None:
        super().__init__()
        self.name = name
        self.fail = fail

    def predict(self, articles: Sequence[Article]) -> None:
        if self.fail:
            raise ValueError("broken")
        report = reporter(self.name)
        if report is not None:
            report(1, 2)

    def set_annotations(self, articles: Sequence[Article], outputs: object) -> None:
        pass


def test_the_pipeline_tells_each_stage_as_it_starts() -> None:
    pipeline = Pipeline([Stage("whosays"), Stage("spans")])
    stages: list[str] = []
    units: list[tuple[str, int, int]] = []
    with listening(lambda *told: units.append(told), stages=stages.append):
        pipeline([Article(id="a", text="Some text.")])
    assert stages == ["whosays", "spans"]
    assert units == [("whosays", 1, 2), ("spans", 1, 2)]
    pipeline([Article(id="b", text="Nobody listens: nothing is told, nothing fails.")])


def test_a_stage_after_every_article_failed_is_not_told() -> None:
    stages: list[str] = []
    with listening(stages=stages.append):
        Pipeline([Stage("whosays", fail=True), Stage("spans")])(
            [Article(id="a", text="Text.")], on_error=record_error
        )
    assert stages == ["whosays"]  # the failed article is left alone: no stage runs on it


def test_stages_are_heard_only_in_the_context_that_listens() -> None:
    heard: list[str] = []

    def elsewhere() -> None:
        starting("spans")  # another thread (a server's other request): not this listener's

    with listening(stages=heard.append):
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
        starting("genre")
    starting("framing")
    assert heard == ["genre"]


@pytest.fixture
def staged_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    import unspun.analysis

    monkeypatch.setattr(
        unspun.analysis, "load_pipeline", lambda *_, **__: Pipeline([Stage("whosays"), Stage("spans")])
    )


def test_analyze_on_a_terminal_shows_the_stage_running(
    staged_pipeline: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A 27 KB article took some 30 s in unspun analyze with no word on stderr."""
    import unspun.cli.common

    screen = io.StringIO()
    monkeypatch.setattr(unspun.cli.common, "err", Console(file=screen, force_terminal=True, width=100))
    article = tmp_path / "long.txt"
    article.write_text("Title\n\nA long article.\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(article), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "long"
    shown = screen.getvalue()
    assert "analysing: who says what" in shown and "analysing: technique spans" in shown, shown
    assert "analysing: loading the models" in shown
    assert "technique spans 50%" in shown  # long work's share, within its stage


def test_nothing_of_the_bar_follows_the_last_analysis_printed(
    staged_pipeline: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """QA: on a terminal the bar was drawn again below the printed analysis ("voices 0/1", then
    "1/1") before it cleared; between two analyses it still comes back as the next one starts."""
    import unspun.cli.analyze
    import unspun.cli.common

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)  # stdout and stderr: one terminal
    for module in (unspun.cli.common, unspun.cli.analyze):
        monkeypatch.setattr(module, "out", terminal)
    monkeypatch.setattr(unspun.cli.common, "err", terminal)
    monkeypatch.setenv("UNSPUN_BATCH_SIZE", "1")  # a batch per article: the bar between the two
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"Title {name}\n\nA long article.\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path / "a.txt"), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    shown = screen.getvalue()
    printed = shown.index('"id": "a"')
    assert "analysing: technique spans" in shown[:printed]
    assert "analysing" not in shown[printed:] and "1/1" not in shown[printed:], repr(shown[printed:])
    screen.truncate(0)
    screen.seek(0)
    result = runner.invoke(app, ["analyze", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    shown = screen.getvalue()
    first, second = shown.index('"id": "a"'), shown.index('"id": "b"')
    assert "analysing: who says what" in shown[first:second]  # back for the second article
    assert "analysing" not in shown[second:], repr(shown[second:])


def test_analyze_off_a_terminal_writes_nothing_on_stderr(staged_pipeline: None, tmp_path: Path) -> None:
    article = tmp_path / "long.txt"
    article.write_text("Title\n\nA long article.\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(article), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_ingest_on_a_terminal_shows_the_stage_running(
    staged_pipeline: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import unspun.cli.common

    screen = io.StringIO()
    monkeypatch.setattr(unspun.cli.common, "err", Console(file=screen, force_terminal=True, width=100))
    article = tmp_path / "long.txt"
    article.write_text("Title\n\nA long article.\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(article), "--db", f"sqlite:///{tmp_path / 'store.db'}"])
    assert result.exit_code == 0, result.output
    assert (
        "ingesting: who says what" in screen.getvalue() and "ingesting: technique spans" in screen.getvalue()
    )


class Typed(io.BytesIO):
    """Standard input that is the terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("typed", [True, False])
def test_reading_a_typed_article_says_how_to_end_it(monkeypatch: pytest.MonkeyPatch, typed: bool) -> None:
    """`unspun analyze -` typed without a pipe waited with no word; piped input gets none."""
    import unspun.cli.common

    screen = io.StringIO()
    monkeypatch.setattr(unspun.cli.common, "err", Console(file=screen, force_terminal=True, width=200))
    stdin = Typed(b"Typed text.\n") if typed else io.BytesIO(b"Piped text.\n")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(stdin))
    unspun.cli.common.typing_hint()
    assert ("type or paste it, then press Ctrl-D on a new line" in screen.getvalue()) is typed


def test_the_bar_leaves_the_terminal_while_stdout_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    """An analysis printed on stdout had followed the bar's line on the terminal
    ("analysing: voices ━━━ 0/1language  en"): the bar is taken off while it prints."""
    import unspun.cli.common

    screen = io.StringIO()
    monkeypatch.setattr(unspun.cli.common, "err", Console(file=screen, force_terminal=True, width=100))
    with unspun.cli.common.progress(1, "analysing") as bar:
        bar.stage("voices")
        with bar.paused():
            drawn = screen.getvalue()
            assert not bar._progress.live.is_started
            assert drawn.endswith("\x1b[2K")  # the bar's line cleared for what prints next
        bar(1)
        assert not bar._progress.live.is_started  # no more work told: nothing drawn below
        bar.stage("spans")
        assert bar._progress.live.is_started  # more work: the bar is back
    monkeypatch.setattr(unspun.cli.common, "err", Console(file=io.StringIO()))
    with unspun.cli.common.progress(1, "analysing") as off, off.paused():  # off a terminal: a no-op
        pass
