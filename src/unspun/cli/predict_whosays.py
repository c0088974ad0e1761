"""``unspun predict checkworthy|target-sentiment|entity-roles``: the official formats of CheckThat!
2024 Task 1, NewsMTSC and SemEval-2025 Task 10 subtask 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from unspun.cli.common import OutputOption, check_writable, progress, say, user_errors, write_lines

HeadsOption = Annotated[
    str | None,
    typer.Option("--model", "-m", help="Model folder or shipped name (default: the shipped model)."),
]


def predict_checkworthy_cmd(
    sentences: Annotated[
        Path, typer.Argument(help="CheckThat! TSV: a header, then Sentence_id<TAB>Text[<TAB>label].")
    ],
    output: OutputOption,
    model: HeadsOption = None,
    run_id: Annotated[str, typer.Option("--run-id", help="The run_id column of the submission.")] = "unspun",
) -> None:
    """Check-worthiness: write the submission (id<TAB>class_label<TAB>run_id, Yes or No, with a header)."""
    from unspun.tasks.checkthat import read_checkthat, submission_lines
    from unspun.training.whosays_predictions import predict_checkworthy

    with user_errors():
        check_writable(output)
        rows = read_checkthat(sentences)
        with progress(None, "scoring sentences"):
            predicted = predict_checkworthy(rows, model)
        write_lines(output, submission_lines([(i, label) for i, label, _ in predicted], run_id))


def predict_target_sentiment_cmd(
    rows: Annotated[Path, typer.Argument(help="NewsMTSC JSONL: primary_gid, sentence_normalized, targets.")],
    output: OutputOption,
    model: HeadsOption = None,
) -> None:
    """Target sentiment: the input rows with each target's polarity set to 2.0, 4.0 or 6.0."""
    from unspun.tasks.newsmtsc import read_rows
    from unspun.training.whosays_predictions import predict_target_sentiment

    with user_errors():
        check_writable(output)
        data = read_rows(rows)
        with progress(None, "classifying targets"):
            predicted = predict_target_sentiment(data, model)
        write_lines(output, [json.dumps(row, ensure_ascii=False) for row in predicted])


def predict_entity_roles_cmd(
    documents: Annotated[Path, typer.Argument(help="Folder of the articles (<article_id> files).")],
    mentions: Annotated[
        Path, typer.Option("--mentions", help="article_id<TAB>mention<TAB>start<TAB>end per line.")
    ],
    output: OutputOption,
    model: HeadsOption = None,
) -> None:
    """Entity roles: article_id<TAB>mention<TAB>start<TAB>end<TAB>main_role<TAB>fine_role per mention."""
    from unspun.tasks.entity_roles import read_mentions, role_lines
    from unspun.training.whosays_predictions import predict_entity_roles

    with user_errors():
        check_writable(output)
        items = read_mentions(mentions)
        with progress(None, "classifying mentions"):
            predicted = predict_entity_roles(
                documents, items, model, warn=lambda message: say("warning:", "yellow", message)
            )
        write_lines(output, role_lines(predicted))
