"""What every ``unspun`` command shares: the consoles, the error handling, settings, options.

There is one ``out`` (stdout) and one ``err`` (stderr) console and one ``state`` (set by the
``--debug`` / ``--config`` callback); every command module imports them from here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from unspun.errors import UnspunError
from unspun.extras import extra_of, missing_extra

if TYPE_CHECKING:
    from unspun.document import Article

# No markup or emoji codes: article text, titles, paths and messages print as they are.
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

state: dict[str, Any] = {"debug": False, "config": None}

EXIT_ERROR = 2


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


class EvaluateTask(StrEnum):
    si = "si"
    tc = "tc"
    genre = "genre"
    frames = "frames"
    paragraphs = "paragraphs"
    attributions = "attributions"
    checkworthy = "checkworthy"
    target_sentiment = "target-sentiment"
    entity_roles = "entity-roles"


class TrainTask(StrEnum):
    spans = "spans"
    article = "article"
    attributions = "attributions"
    checkworthy = "checkworthy"
    target_sentiment = "target-sentiment"
    entity_roles = "entity-roles"


ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="Span model: a model folder or a shipped model's name (ptc-minilm). Default: ptc-minilm.",
    ),
]
ArticleModelOption = Annotated[
    str | None,
    typer.Option(
        "--article-model",
        help="Genre/framing/paragraph models: a folder or a shipped name (semeval2023). Default: semeval2023.",
    ),
]


def checked_lang(value: str | None) -> str | None:
    """``--lang`` refused as it is parsed when no model reads it, as the API's ``lang`` is: an
    unknown code was refused only once an article was to be analysed, so a rerun with nothing
    new to analyse (ingest, batch, reanalyze) took it silently."""
    if not value:
        return value
    from unspun.errors import LanguageNotSupportedError
    from unspun.languages import normalise_language

    try:
        normalise_language(value)
    except LanguageNotSupportedError as error:
        raise fail(error.message) from None
    return value


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang", help="Language code (en, fr, de, it, pl, ru); default: detect.", callback=checked_lang
    ),
]
MaxInputOption = Annotated[
    float | None, typer.Option("--max-input-mb", help="Largest input file to read, in MB (default 10).")
]
OutputOption = Annotated[Path, typer.Option("--output", "-o", help="File to write the predictions to.")]
ArticleFolderArgument = Annotated[Path, typer.Argument(help="Folder of article<ID>.txt files.")]


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 article``, ``2 articles``, ``1,200 words``, ``1 analysis`` / ``2 analyses`` (with
    ``plural``): a count with its noun, singular for exactly one."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def say(label: str, style: str, message: str) -> None:
    """One line on stderr: ``label`` styled, then ``message`` exactly as given."""
    err.print(Text.assemble((label, style), " ", message))


def warn_misread(article: Article, language: str, reader: str, *, name: str | None = None) -> None:
    """A ``warning:`` line on stderr when ``article``, read as ``language``, reads as another
    (:func:`unspun.pipeline.language.misread_warning`; ``reader`` says what read it and what to
    do, ``name`` names it, default its file). Nothing is refused."""
    from unspun.pipeline.language import misread_warning
    from unspun.runner import where

    line = misread_warning(article.text, language, name=name or where(article), reader=reader)
    if line is not None:
        say("warning:", "yellow", line)


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` and return the exit to raise (status 2)."""
    say("error:", "bold red", message)
    return typer.Exit(EXIT_ERROR)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn unspun's own errors (and unexpected ones) into a one-line message and exit status 2."""
    try:
        yield
    except UnspunError as error:
        if state["debug"]:
            raise
        raise fail(error.message) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as error:
        if state["debug"]:
            raise
        missing = error.name if isinstance(error, ModuleNotFoundError) else None
        extra = extra_of(missing)
        if extra is not None:  # an optional import no library code translated
            raise fail(missing_extra(f"this command ({missing})", extra).message) from None
        say(
            "internal error:", "bold red", f"{type(error).__name__}: {error} (rerun with --debug for details)"
        )
        raise typer.Exit(EXIT_ERROR) from None


def cli_settings(**overrides: Any) -> Any:
    """The settings of ``--config``, the environment and the command's flags ``overrides`` (by
    setting name; a bad value is said with its flag: "--max-input-mb must be greater than 0")."""
    from unspun.config import load_settings

    flags = {name: "--" + name.replace("_", "-") for name in overrides}
    return load_settings(state["config"], flags=flags, **overrides)


def report_skipped(path: Path | str, error: UnspunError) -> None:
    """The reader's error handler: the message already names the file (and line) it is about;
    told as ``unspun analyze`` tells it (:attr:`unspun.runner.Failure.line`: "a.txt: it is empty ...")."""
    from unspun.runner import Failure

    say("skipped", "yellow", Failure.of_read(path, error).line)


# What the progress bar calls a stage (a pipeline component's name, :mod:`unspun.progress`).
STAGE_LABELS = {
    "whosays": "who says what",
    "spans": "technique spans",
    "multilingual-spans": "technique spans (other languages)",
    "framing": "frames",
    "paragraphs": "paragraph techniques",
    "persuasion": "persuasion score",
}


class Bar:
    """A progress bar on stderr: called with ``n``, it advances by ``n`` items; :meth:`stage`
    names what is running. It draws nothing when stderr is not a terminal."""

    def __init__(self, progress: Any, description: str, total: int | None) -> None:
        self._progress = progress
        self._description = description
        self._task = progress.add_task(description, total=total)
        self._off = False  # taken off the terminal by paused(), until the next stage runs

    def __call__(self, n: int) -> None:
        self._progress.advance(self._task, n)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The bar taken off the terminal while stdout prints there: Rich moves only what its own
        console (stderr) prints above the bar, so an analysis printed on stdout had followed the
        bar's line ("analysing: voices ━━━ 0/1language  en") and the bar's last redraw cut into it.

        The bar comes back when the next :meth:`stage` runs, not when the printing ends: after
        the last article's analysis no stage runs, and the bar redrawn below it ("voices 0/1",
        then "1/1") stayed there until the command ended."""
        if self._progress.disable or not self._progress.live.is_started:
            yield
            return
        self._progress.stop()
        self._off = True
        yield

    def stage(self, name: str, done: str = "") -> None:
        """Show that stage ``name`` runs (``done``: how far it is, e.g. ``" 40%"``)."""
        label = STAGE_LABELS.get(name, name)
        # Drawn at once (a stage may hold the bar for seconds); by start() when the bar comes
        # back below a printed analysis, as more work starts.
        refresh = not self._progress.disable and not self._off
        self._progress.update(self._task, description=f"{self._description}: {label}{done}", refresh=refresh)
        if self._off:
            self._off = False
            self._progress.start()


@contextmanager
def progress(total: int | None, description: str) -> Iterator[Bar]:
    """A progress bar on stderr (hidden when stderr is not a terminal), ``total`` items long
    (``None``: unknown)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as shown:
        yield Bar(shown, description, total)


def output_files() -> list[os.stat_result]:
    """The file stdout writes to, when it is a regular file (``> folder/out.jsonl``): the reader
    must never read it back as input."""
    import stat
    import sys

    try:
        found = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real stdout (a test runner's buffer)
        return []
    return [found] if stat.S_ISREG(found.st_mode) else []


@contextmanager
def long_work(bar: Bar) -> Iterator[None]:
    """Show in ``bar`` which stage of the analysis runs (who says what, technique spans, genre,
    ...) and how far long work is (the characters of a very long article), as the library tells
    them (:mod:`unspun.progress`); like the bar, nothing shows when stderr is not a terminal."""
    from unspun.progress import listening

    def units(stage: str, done: int, total: int) -> None:
        bar.stage(stage, f" {done * 100 // max(total, 1)}%")

    with listening(units, stages=bar.stage):
        yield


def typing_hint() -> None:
    """Say how to end the article when standard input is the terminal (``unspun analyze -`` typed
    without a pipe waited with no word), on stderr when it is a terminal too."""
    import sys

    if err.is_terminal and sys.stdin is not None and sys.stdin.isatty():
        say(
            "reading",
            "dim",
            "the article from standard input: type or paste it, then press Ctrl-D on a new line",
        )


def write(line: str) -> None:
    """``line`` on stdout exactly as given (no markup, emoji codes or wrapping)."""
    try:
        out.file.write(line + "\n")
        out.file.flush()
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as Rich does
        out.on_broken_pipe()


def check_writable(path: Path) -> None:
    """Fail before any work if ``path`` cannot be written: it is a folder, or its nearest existing
    folder is a file or not writable. Missing folders are made when the file is written."""
    from unspun.errors import ConfigError

    if path.is_dir():
        raise ConfigError(f"{path} is a folder; give a file name to write the predictions to")
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ConfigError(f"cannot write {path}: {ancestor} is a file, not a folder; choose another --output")
    if not os.access(ancestor, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ConfigError(f"cannot write {path} (permission denied); choose another --output")


def write_lines(path: Path, lines: list[str]) -> None:
    from unspun.errors import ConfigError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write {path} ({error.strerror}); choose another --output") from None
    err.print(f"wrote {len(lines)} line{'' if len(lines) == 1 else 's'} to {path}")
