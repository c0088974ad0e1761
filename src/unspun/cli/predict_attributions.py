"""``unspun predict attributions``: one JSONL line per attribution found in a folder of articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from unspun.cli.common import (
    ArticleFolderArgument,
    OutputOption,
    check_writable,
    cli_settings,
    progress,
    report_skipped,
    user_errors,
    warn_misread,
    write_lines,
)

if TYPE_CHECKING:
    from unspun.document import Article


def predict_attributions(
    directory: ArticleFolderArgument,
    output: OutputOption,
    attribution_model: Annotated[
        str | None,
        typer.Option(
            "--attribution-model", help="Attribution model folder or shipped name (attribution-polnear)."
        ),
    ] = None,
) -> None:
    """Attributions (PolNeAR style): {"id": file stem (a JSONL record's or a feed entry's own id),
    "source", "cue", "content"} per line, each a [start, end] range into the text as read (source
    and cue may be null)."""
    from unspun.readers.dispatch import read_folder
    from unspun.training.train_attributions import predict_rows
    from unspun.whosays.attribution_model import load_attribution_model
    from unspun.whosays.parsing import load_spacy

    with user_errors():
        check_writable(output)
        settings = cli_settings()
        model = load_attribution_model(attribution_model)
        nlp = load_spacy(settings.spacy_model)
        articles = list(read_folder(directory, max_bytes=settings.max_input_bytes, on_error=report_skipped))
        for article in articles:  # read all the same: a warning, not a refusal
            warn_misread(article, "en", "the attribution model (PolNeAR) reads English only")
        items = [(_row_id(a), a.text) for a in articles]
        lines: list[str] = []
        with progress(len(items), "finding attributions") as advance:
            for start in range(0, len(items), settings.batch_size):
                batch = items[start : start + settings.batch_size]
                lines += [json.dumps(row) for row in predict_rows(model, nlp, batch)]
                advance(len(batch))
        write_lines(output, lines)


def _row_id(article: Article) -> str:
    """A file's stem, as PolNeAR names its articles ("story-1" for story-1.txt); the article's own
    id for a record of a file holding many (a JSONL dump, a feed), whose rows the stem would not
    tell apart."""
    from unspun.readers.folder import holds_many

    if article.source_path and not holds_many(article.source_path):
        return Path(article.source_path).stem
    return str(article.id)
