"""``unspun batch``: analyse a corpus into a Parquet dataset, locally or on Ray."""

from __future__ import annotations

from contextlib import nullcontext
from enum import StrEnum
from typing import Annotated

import typer

from unspun.cli.common import (
    ArticleModelOption,
    LangOption,
    MaxInputOption,
    ModelOption,
    cli_settings,
    counted,
    err,
    fail,
    progress,
    say,
    user_errors,
    write,
)
from unspun.extras import needs_extra


class BatchEngine(StrEnum):
    local = "local"
    ray = "ray"


def batch(
    input: Annotated[
        str,
        typer.Argument(
            help="JSONL or Parquet file, RSS or Atom feed, article file, or a folder of them (path or fsspec URL)."
        ),
    ],
    output: Annotated[str, typer.Argument(help="Output folder: a Parquet dataset, one row per article.")],
    engine: Annotated[
        BatchEngine, typer.Option("--engine", help="local: in this process; ray: on Ray Data.")
    ] = BatchEngine.local,
    address: Annotated[
        str | None,
        typer.Option("--address", help="Ray cluster to join (auto, ray://HOST:10001); default $RAY_ADDRESS."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Ray workers (actors), each loading the models once.")
    ] = 1,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Articles per batch (and per output part).")
    ] = 16,
    db: Annotated[str | None, typer.Option("--db", help="Also add the analyses to this store URL.")] = None,
    model: ModelOption = None,
    article_model: ArticleModelOption = None,
    lang: LangOption = None,
    max_input_mb: MaxInputOption = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="Let Ray log at INFO level (default: its warnings and errors only)."),
    ] = False,
) -> None:
    """Analyse a corpus into a Parquet dataset (one row per article, with the full analysis).

    Running it again skips the articles OUTPUT already holds and finishes the rest. OUTPUT reads
    as a Parquet dataset as it is (pandas.read_parquet(OUTPUT), DuckDB, Spark): failures are
    listed beside it in OUTPUT/_errors.jsonl under their own ids, the run's figures in
    OUTPUT/_report.json. The exit status is 2 when no article could be analysed (every one
    failed or could not be read)."""
    from unspun.runner import told_warnings

    # A record read in part (a date that is none) is one warning line, as unspun analyze says it
    # (local engine; Ray's workers warn in their own logs).
    with user_errors(), told_warnings(lambda message: say("warning:", "yellow", message)):
        with needs_extra("unspun batch", "scale"):
            from unspun.scale import run_batch
        settings = cli_settings(model=model, article_model=article_model, max_input_mb=max_input_mb)
        local = engine is BatchEngine.local
        # Ray draws its own progress bars; a second bar would fight them for the terminal.
        with progress(None, "analysing") if local else nullcontext(None) as advance:
            report = run_batch(
                input,
                output,
                engine=engine.value,
                address=address,
                workers=workers,
                batch_size=batch_size,
                db=db,
                model=settings.model,
                article_model=settings.article_model,
                lang=lang,
                extra_components=settings.extra_components,
                spacy_model=settings.spacy_model,
                max_bytes=settings.max_input_bytes,
                on_progress=advance,
                verbose=verbose,
            )
    from unspun.runner import headline

    for part in report.removed_parts:
        say("removed", "yellow", f"{part}: an incomplete part (its articles were analysed again)")
    write(
        headline(
            f"{report.analysed} article{'' if report.analysed == 1 else 's'} in {report.seconds:.1f} s ({report.articles_per_second:.2f}/s, "
            f"{report.engine}, {report.workers_busy} of {report.workers} worker{'' if report.workers == 1 else 's'} busy), "
            f"{report.skipped} already done",
            report.failed,
            report.left_out,
        )
    )
    write(f"  {counted(report.rows, 'row')} in {report.output}")
    for name, totals in report.workers_detail.items():
        write(
            f"  {name}: {totals['analysed']} article{'' if totals['analysed'] == 1 else 's'}, "
            f"{totals['articles_per_second']:.2f}/s busy, "
            f"models loaded in {totals['load_seconds']:.1f} s"
        )
    if report.stored is not None:
        write(f"  {counted(report.stored, 'analysis', 'analyses')} added to {db}")
    for entry in report.left_out_entries:  # on stderr, as analyze, ingest and reanalyze list them
        err.print(f"  left out {entry['where']}: {entry['message']}")
    failure = report.failure()
    if failure is not None:
        raise fail(failure)
    # Those with a row, each said apart: one failed article and one empty file read "failed 2
    # articles".
    with_rows = {"failed": report.failed, "left out": report.left_out - len(report.left_out_entries)}
    for label, count in with_rows.items():
        if count:
            noun = "article" if count == 1 else "articles"
            say(label, "yellow", f"{count} {noun}; see {report.errors_path}")
