"""The ``unspun`` command line: thin commands over library functions.

Every command parses its options, calls one library function and renders the
result. Errors that unspun raises on purpose print as one line on stderr with a
non-zero exit status (2); ``--debug`` shows the traceback instead.

The shared consoles, error handling and options live in ``unspun.cli.common``; each command
lives in a module of its own and is registered here, on the one ``app``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from unspun.cli import analyze, batch, components, evaluate, schema, serve, techniques, train
from unspun.cli import store as store_commands
from unspun.cli.common import err, out, state, write
from unspun.cli.predict import predict_app
from unspun.cli.store import feedback_app

__all__ = ["app", "err", "main", "out", "predict_app"]


class _DebugAnywhere(TyperGroup):
    """The root group, reading ``--debug`` after the command too (``unspun analyze x --debug``,
    as the README's "--debug shows the traceback" reads): it is moved before the command unless
    it is the value of the option before it (``--outlet --debug``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if "--debug" in args[1:]:
            args = _debug_first(self, args)
        result: list[str] = super().parse_args(ctx, args)
        return result

    def invoke(self, ctx: Any) -> Any:
        # A bad option value reads in its own words: typer checks a choice through pydantic, whose
        # "Value error, " stood before them ("--format' / '-f': Value error, 'xml' is not one of").
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if type(exc).__name__ == "BadParameter" and isinstance(getattr(exc, "message", None), str):
                exc.message = exc.message.removeprefix("Value error, ")  # type: ignore[attr-defined]
            raise


def _debug_first(group: Any, args: list[str]) -> list[str]:
    # Typer bundles its own click, so commands are told apart by what they have, not their class.
    command, valued, kept = group, set(), []
    for index, token in enumerate(args):
        if token == "--":
            kept.extend(args[index:])
            break
        if token in (getattr(command, "commands", None) or {}):
            command = command.commands[token]
            valued = {
                name
                for param in command.params
                if param.param_type_name == "option" and not param.is_flag and not param.count
                for name in param.opts
            }
        if token == "--debug" and command is not group and (index == 0 or args[index - 1] not in valued):
            continue
        kept.append(token)
    return ["--debug", *kept] if len(kept) < len(args) else args


app = typer.Typer(
    cls=_DebugAnywhere,
    name="unspun",
    help="Show how a news or opinion article tries to persuade.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Each command's line in `unspun --help` (short_help): click cut the docstring's first sentence to
# the terminal's width ("Analyse a corpus into a Parquet dataset (one row per...").
app.add_typer(predict_app, name="predict", short_help="Write predictions in the official SemEval formats.")


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


app.command(short_help="Analyse articles: techniques, genre, frames, who says what.")(analyze.analyze)
app.command(short_help="Analyse a corpus into a Parquet dataset (local or Ray).")(batch.batch)
app.command(short_help="Score predictions with each task's official scorer.")(evaluate.evaluate)
app.command(short_help="Train a model; the defaults reproduce a shipped one.")(train.train)
app.command(short_help="List the technique taxonomies, frames and genres.")(techniques.techniques)
app.command(short_help="List the registered pipeline components.")(components.components)
app.command(short_help="Print the JSON Schema of analyze --format json.")(schema.schema)
app.command(short_help="Serve the REST API (/api, docs at /docs) and the web page.")(serve.serve)

# The corpus store (issue 16): ingest, query, export, reanalyse, feedback.
app.command(short_help="Read, analyse and keep articles in the store.")(store_commands.ingest)
app.command(short_help="Find stored articles by words and filters.")(store_commands.search)
app.command(short_help="List the stored outlets with their counts and dates.")(store_commands.outlets)
app.command(short_help="How an outlet persuades: techniques, genres, frames.")(store_commands.profile)
app.command(short_help="Print stored articles as search finds them (jsonl, ptc, ...).")(store_commands.export)
app.command(short_help="Analyse stored articles again with the current models.")(store_commands.reanalyze)
app.command(short_help="Take articles out of the store with their analyses.")(store_commands.delete)
app.add_typer(
    feedback_app, name="feedback", short_help="Feedback on stored analyses: import a review, list it."
)
