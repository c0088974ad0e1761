"""``unspun train``: train a span or article model from a config file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from unspun.cli.common import TrainTask, err, say, user_errors, write


def train(
    task: Annotated[
        TrainTask,
        typer.Argument(
            help="spans (PTC SI+TC), article (genre/frames/paragraphs), attributions (PolNeAR), "
            "checkworthy (CheckThat! 2024), target-sentiment (NewsMTSC) or entity-roles (SemEval-2025)."
        ),
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
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh",
            help="Start over: remove the run folder's checkpoints and finished parts (see docs/training.md).",
        ),
    ] = False,
) -> None:
    """Train a model from a config file; the defaults reproduce the shipped model."""
    from unspun.errors import ConfigError
    from unspun.training.defaults import default_train_config, default_train_data
    from unspun.training.finetune import finetune_trainer
    from unspun.training.runs import task_run_folder, train_once

    with user_errors():
        config_path = config_file or default_train_config(task.value)
        if settings and task is not TrainTask.spans:
            raise ConfigError(
                "--set applies to spans training; for article models, edit a copy of the config"
            )
        data_dir = data or default_train_data(task.value)
        if task is TrainTask.spans:
            from unspun.training.train_spans import parse_overrides, train_span_run

            overrides = parse_overrides(settings or [])
            result: Any = train_span_run(
                config_path,
                data_dir,
                out_dir,
                seed=seed,
                overrides=overrides,
                fresh=fresh,
                log=lambda line: say("train:", "bold", line),
            )
        elif (tune := finetune_trainer(task.value, config_path)) is not None:
            # its own run folder, with a checkpoint per epoch (unspun.training.finetune)
            result = tune(
                config_path,
                data_dir,
                out_dir,
                seed=seed,
                fresh=fresh,
                log=lambda line: say("train:", "bold", line),
            )
        else:
            result = train_once(
                task_run_folder(task.value, config_path, data_dir, seed),
                out_dir,
                lambda temp, _run: _train_other(task.value, config_path, data_dir, temp, seed),
                what=task.value,
                fresh=fresh,
                about={
                    "job": f"unspun train {task.value}",
                    "config": str(config_path),
                    "data": str(data_dir),
                },
                log=lambda line: say("train:", "bold", line),
            )
        err.print(f"trained {task.value} model written to {out_dir}")
        if isinstance(result, dict):
            write(json.dumps(result, indent=2, default=str))


def _train_other(task: str, config_path: Path, data_dir: Path, out_dir: Path, seed: int | None) -> Any:
    """Train the article, attribution or who-says-what model of ``task`` into ``out_dir``."""
    log = lambda line: say("train:", "bold", line)  # noqa: E731
    if task in ("checkworthy", "target-sentiment", "entity-roles"):
        from unspun.training.train_whosays import train_whosays

        return train_whosays(task, config_path, data_dir, out_dir, seed=seed, log=log)
    if task == TrainTask.attributions.value:
        from unspun.training.train_attributions import train_attribution_model

        return train_attribution_model(config_path, data_dir, out_dir)
    from unspun.training.train_semeval2023 import train_article_models

    return train_article_models(data_dir, out_dir, config=config_path, seed=seed, log=log)
