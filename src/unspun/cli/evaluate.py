"""``unspun evaluate``: score predictions with the official scorers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from unspun.cli.common import EvaluateTask, TextOrJson, out, user_errors, write


def evaluate(
    task: Annotated[EvaluateTask, typer.Argument(help="Which official scorer to run.")],
    gold: Annotated[Path, typer.Option("--gold", help="Gold labels file.")],
    pred: Annotated[Path, typer.Option("--pred", help="Predictions file.")],
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """Score predictions with each task's official scorer (SemEval-2020 Task 11, SemEval-2023 Task 3,
    CheckThat! 2024, SemEval-2025 Task 10) or exact match (attributions), macro-F1 (target-sentiment)."""
    from unspun.tasks.evaluation import evaluate as run_evaluation

    with user_errors():
        scores = run_evaluation(task.value, gold, pred)
        if format is TextOrJson.text:
            for key, value in scores.items():
                if isinstance(value, dict):
                    for label, figure in value.items():
                        out.print(f"{key}.{label}\t{figure:.4f}")
                else:
                    out.print(f"{key}\t{value:.4f}" if isinstance(value, float) else f"{key}\t{value}")
        else:
            write(json.dumps(scores, indent=2))
