"""``unspun analyze``: analyse articles and print the analyses (text, JSON or JSONL)."""

from __future__ import annotations

import json
from contextlib import nullcontext
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING, Annotated, Any

import typer

from unspun.cli.common import (
    ArticleModelOption,
    Bar,
    LangOption,
    MaxInputOption,
    ModelOption,
    OutputFormat,
    cli_settings,
    counted,
    err,
    fail,
    long_work,
    out,
    output_files,
    progress,
    say,
    state,
    typing_hint,
    user_errors,
    warn_misread,
    write,
)
from unspun.errors import AnalysisError, EmptyInputError, InputError, UnspunError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from unspun.document import Analysis, Article


def analyze(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Text, HTML, Markdown, JSONL or RSS/Atom files, folders, http(s) URLs, or - for stdin "
            "(alone).",
        ),
    ],
    format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="Output format. json: one object for a single article (a text, HTML or Markdown file, "
            "a URL of a page, or stdin holding one), else a list (several paths, a folder, a JSONL or feed "
            "file: always a list).",
        ),
    ] = OutputFormat.text,
    model: ModelOption = None,
    article_model: ArticleModelOption = None,
    lang: LangOption = None,
    max_input_mb: MaxInputOption = None,
    min_score: Annotated[
        float,
        typer.Option(
            "--min-score",
            min=0.0,
            max=1.0,
            help="Leave spans scoring below this out of the output (the persuasion score still counts them).",
        ),
    ] = 0.0,
    workers: Annotated[
        str,
        typer.Option(
            "--workers",
            help="Processes analysing at once, each with the models loaded (about 2 GB): auto (one per "
            "CPU, each given 4 articles or more; 1 for a single article) or a number.",
        ),
    ] = "auto",
) -> None:
    """Analyse articles: technique spans, genre, frames, paragraph techniques, persuasion score,
    and who says what (entities and how each is portrayed, quotes, claims worth checking).

    An article that cannot be analysed is reported and skipped; the exit status is 2 when no
    article could be analysed."""
    from unspun.parallel import auto_workers, open_pipeline, parse_workers
    from unspun.readers.dispatch import iter_articles
    from unspun.readers.folder import count_inputs, holds_many
    from unspun.render import render_analysis
    from unspun.runner import STDIN, Failure, RunReport, run, told_warnings

    # A record read in part (a date that is none) is one warning line; the article is analysed.
    with user_errors(), told_warnings(lambda message: say("warning:", "yellow", message)):
        settings = cli_settings(model=model, article_model=article_model, max_input_mb=max_input_mb)
        report = RunReport(notify=lambda kind, message: say(kind, "yellow", message))
        exclude = output_files()
        asked = parse_workers(workers)
        if "-" in paths and len(paths) > 1:
            raise InputError(f"{STDIN} is read alone; give - as the only path, or save it to a file")
        if paths == ["-"]:
            typing_hint()
        # Each path checked (a missing one is the one-line error) and the first article read before
        # loading any model, so bad input fails fast.
        sources = [
            iter_articles(
                path,
                max_bytes=settings.max_input_bytes,
                on_error=report.on_error,
                on_skip=report.skip,
                exclude=exclude,
            )
            for path in paths
        ]
        articles = sources[0] if len(paths) == 1 else each_read(paths, sources, report.on_error)
        first = next(articles, None)
        if first is None:
            where = STDIN if paths == ["-"] else ", ".join(paths)  # it said '- holds no readable article'
            why = "; every entry was left out (above)" if report.unread or report.skips else ""
            raise EmptyInputError(f"{where} holds no readable article{why}")
        collected: list[dict[str, Any]] = []

        def show(analysis: Analysis, bar: Bar) -> None:
            if lang and analysis.article.language:  # forced, and taken; a text reading as another is named
                warn_misread(
                    analysis.article,
                    analysis.article.language,
                    "analysed in it as --lang asks (leave --lang out to detect the language)",
                    name=STDIN if paths == ["-"] else None,
                )
            shown = analysis.above(min_score)
            if format is OutputFormat.json:
                collected.append(shown.to_dict())
                return
            with bar.paused() if out.is_terminal else nullcontext():  # one terminal, two streams
                if format is OutputFormat.text:
                    out.print(render_analysis(shown, colour=out.is_terminal), soft_wrap=False)
                    # the header's span counts include the hidden spans: say why the tables hold fewer
                    if shown.hidden and shown.hidden.count:
                        out.print(
                            f"{shown.hidden.count} of {counted(len(analysis.spans), 'span')} score below "
                            f"--min-score {min_score:g} "
                            "and are not shown; the persuasion score and the by-voice shares count them all.",
                            style="dim",
                            markup=False,
                        )
                else:
                    write(json.dumps(shown.to_dict(), ensure_ascii=False))

        def bug(failure: Failure) -> None:
            if state["debug"] or not isinstance(failure.exception, UnspunError | None):
                raise failure.exception or AnalysisError(failure.reason)

        counts = [count_inputs(path, exclude=exclude) for path in paths]
        total = None if None in counts else sum(c for c in counts if c is not None)
        if asked is None:  # auto
            listed = len(paths) > 1 or holds_many(paths[0])
            # One process with --debug (its tracebacks are whole) and with added components (one
            # registered in this process alone would be unknown to a worker's registry).
            alone = state["debug"] or settings.extra_components
            asked = 1 if alone else auto_workers(total, many=listed)
        with progress(total, "analysing") as bar, long_work(bar):
            # A model that cannot load is one error up front, not one per article; loading takes
            # some seconds, which the bar tells.
            bar.stage("loading the models" + (f" in {asked} processes" if asked > 1 else ""))
            with open_pipeline(settings, lang=lang, workers=asked) as pipeline:
                run(
                    chain([first], articles),
                    pipeline,
                    partial(show, bar=bar),
                    report=report,
                    batch_size=settings.batch_size,
                    on_progress=bar,
                    on_failure=bug,
                )
        failure = report.failure()
        if failure is not None:
            raise fail(failure)
        if format is OutputFormat.json:
            many = len(paths) > 1 or report.seen > 1 or holds_many(paths[0])
            write(json.dumps(collected if many else collected[0], ensure_ascii=False, indent=2))
        if report.worth_summarising():
            for line in report.summary():
                err.print(line)


def each_read(
    paths: list[str], sources: list[Iterator[Article]], on_error: Callable[[Path | str, UnspunError], None]
) -> Iterator[Article]:
    """The articles of several inputs in turn: an input that cannot be read (a binary or empty
    file) is reported to ``on_error`` and the next one read, as a folder's bad file is."""
    for path, source in zip(paths, sources, strict=True):
        try:
            yield from source
        except UnspunError as error:
            on_error(path, error)
