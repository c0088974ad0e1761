"""The ``unspun`` command line: thin commands over library functions.

Every command parses its options, calls one library function and renders the
result. Errors that unspun raises on purpose print as one line on stderr with a
non-zero exit status (2); ``--debug`` shows the traceback instead.

The shared consoles, error handling and options live in ``unspun.cli.common``; each command
lives in a module of its own and is registered here, on the one ``app``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unspun.cli import analyze, batch, components, evaluate, schema, serve, techniques, train
from unspun.cli import store as store_commands
from unspun.cli.common import err, out, state, write
from unspun.cli.predict import predict_app
from unspun.cli.store import feedback_app

__all__ = ["app", "err", "main", "out", "predict_app"]

app = typer.Typer(
    name="unspun",
    help="Show how a news or opinion article tries to persuade.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(predict_app, name="predict")


def _print_version(value: bool) -> None:
    if value:
        from unspun import __version__

        write(f"unspun {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")
    ] = False,
    config: Annotated[
        Path | None, typer.Option("--config", help="A TOML settings file ([unspun] table).")
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", is_eager=True, callback=_print_version),
    ] = False,
) -> None:
    """unspun: find persuasion and propaganda techniques in news articles."""
    state["debug"] = debug
    state["config"] = config


app.command()(analyze.analyze)
app.command()(batch.batch)
app.command()(evaluate.evaluate)
app.command()(train.train)
app.command()(techniques.techniques)
app.command()(components.components)
app.command()(schema.schema)
app.command()(serve.serve)

# The corpus store (issue 16): ingest, query, export, reanalyse, feedback.
app.command()(store_commands.ingest)
app.command()(store_commands.search)
app.command()(store_commands.outlets)
app.command()(store_commands.profile)
app.command()(store_commands.export)
app.command()(store_commands.reanalyze)
app.add_typer(feedback_app, name="feedback")
