"""``unspun predict``: write predictions in the official SemEval formats, one file per run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from unspun.cli.common import (
    ArticleFolderArgument,
    ArticleModelOption,
    LangOption,
    ModelOption,
    OutputOption,
    check_writable,
    checked_lang,
    cli_settings,
    progress,
    report_skipped,
    user_errors,
    warn_misread,
    write_lines,
)
from unspun.cli.predict_attributions import predict_attributions
from unspun.cli.predict_whosays import (
    predict_checkworthy_cmd,
    predict_entity_roles_cmd,
    predict_target_sentiment_cmd,
)

# SI does not detect: PTC articles are English, and a short one misread as another language would
# be refused or read by the wrong model.
EnglishDefaultLangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language code (en, fr, de, it, pl, ru); default: en (not detected: a text that reads as another "
        "language is named on stderr; give --lang for it).",
        callback=checked_lang,
    ),
]

predict_app = typer.Typer(help="Write predictions in the official SemEval formats.", no_args_is_help=True)


def _ptc_articles(directory: Path, settings: Any) -> list[Any]:
    from unspun.readers.dispatch import read_folder

    return list(read_folder(directory, max_bytes=settings.max_input_bytes, on_error=report_skipped))


@predict_app.command("si", short_help="Span identification (SemEval-2020 SI): start, end.")
def predict_si(
    directory: ArticleFolderArgument,
    output: OutputOption,
    model: ModelOption = None,
    lang: EnglishDefaultLangOption = None,
) -> None:
    """Span identification: write article_id<TAB>start<TAB>end for every span unspun analyze shows
    (the same span tagger: whole phrases, a "what about ...?" question the model confirms included;
    two spans may overlap, as the scorer allows). English (the default) uses the PTC span model; fr,
    de, it, pl and ru the multilingual span model (the [multilingual] extra), as unspun analyze does."""
    from unspun.tasks.ptc import si_line

    with user_errors():
        check_writable(output)
        settings = cli_settings(model=model)
        articles = _ptc_articles(directory, settings)
        find = _multilingual_ranges() if lang not in (None, "en") else _english_ranges(settings.model)
        lines: list[str] = []
        with progress(len(articles), "detecting spans") as advance:
            for start in range(0, len(articles), settings.batch_size):
                batch = articles[start : start + settings.batch_size]
                for article in batch:
                    article.language = lang or "en"
                    if lang is None:  # English unless told: a French folder is named, not refused
                        warn_misread(
                            article, "en", "read with the English span model (give --lang for another)"
                        )
                for article, spans in zip(batch, find(batch), strict=True):
                    lines.extend(si_line((article.id, s, e)) for s, e in spans)
                advance(len(batch))
        write_lines(output, lines)


def _english_ranges(model: str | None) -> Callable[[list[Any]], list[list[tuple[int, int]]]]:
    from unspun.pipeline.spans import SpanTagger

    # The span tagger unspun analyze runs, so the file holds the spans analyze shows: whole phrases,
    # with the "what about ...?" questions and other sentences the technique head confirms (the
    # tagger's decoded spans alone left them out). These spans' SI F1 out of fold is what
    # benchmarks/ptc.py reports as si_f1_whole_phrases (0.4365 in reports/ptc.json).
    tagger = SpanTagger(model=model, candidates=False, reasons=False)

    def find(articles: list[Any]) -> list[list[tuple[int, int]]]:
        return [
            [(s.start, s.end) for s in f.spans] if f is not None else [] for f in tagger.predict(articles)
        ]

    return find


def _multilingual_ranges() -> Callable[[list[Any]], list[list[tuple[int, int]]]]:
    from unspun.errors import MissingExtraError
    from unspun.pipeline.multilingual_spans import MultilingualSpanTagger

    tagger = MultilingualSpanTagger(evidence=False)

    def find(articles: list[Any]) -> list[list[tuple[int, int]]]:
        found = tagger.predict(articles)
        if tagger.missing is not None:
            raise MissingExtraError(tagger.missing)
        return [[(s.start, s.end) for s in f.spans] if f is not None else [] for f in found]

    return find


@predict_app.command("tc", short_help="Technique classification: fill a PTC TC template.")
def predict_tc(
    directory: ArticleFolderArgument,
    spans: Annotated[Path, typer.Option("--spans", help="A TC template: id<TAB>?<TAB>start<TAB>end.")],
    output: OutputOption,
    model: ModelOption = None,
) -> None:
    """Technique classification: fill the technique of every line of a TC template, in its order."""
    from unspun.models.span_model import load_span_model
    from unspun.tasks.prediction import fill_tc_template

    with user_errors():
        check_writable(output)
        settings = cli_settings(model=model)
        span_model = load_span_model(settings.model)
        texts = {a.id: a.text for a in _ptc_articles(directory, settings)}
        with progress(None, "classifying spans"):
            lines = fill_tc_template(spans, texts, span_model.classify_spans)
        write_lines(output, lines)


def _write_article_predictions(
    directory: Path,
    output: Path,
    article_model: str | None,
    predict: Callable[[list[Any], str | None], list[Any]],
    line: Callable[[Any], str],
) -> None:
    """Read the articles of ``directory``, predict with the article models the settings name
    (``--article-model`` over ``UNSPUN_ARTICLE_MODEL`` over the config file), write one line per row."""
    with user_errors():
        check_writable(output)
        settings = cli_settings(article_model=article_model)
        rows = predict(_ptc_articles(directory, settings), settings.article_model)
        write_lines(output, [line(row) for row in rows])


@predict_app.command("genre", short_help="Genre per article (SemEval-2023 subtask 1).")
def predict_genre_cmd(
    directory: ArticleFolderArgument,
    output: OutputOption,
    lang: LangOption = None,
    article_model: ArticleModelOption = None,
) -> None:
    """Genre of each article (opinion, reporting, satire): id<TAB>label."""
    from unspun.article_level import predict_genre
    from unspun.tasks.semeval2023 import genre_line

    _write_article_predictions(
        directory,
        output,
        article_model,
        lambda articles, model_dir: predict_genre(articles, model_dir=model_dir, lang=lang),
        genre_line,
    )


@predict_app.command("frames", short_help="Frames per article (SemEval-2023 subtask 2).")
def predict_frames_cmd(
    directory: ArticleFolderArgument,
    output: OutputOption,
    lang: LangOption = None,
    article_model: ArticleModelOption = None,
) -> None:
    """Frames of each article (multi-label): id<TAB>frame1,frame2."""
    from unspun.article_level import predict_frames
    from unspun.tasks.semeval2023 import frames_line

    _write_article_predictions(
        directory,
        output,
        article_model,
        lambda articles, model_dir: predict_frames(articles, model_dir=model_dir, lang=lang),
        frames_line,
    )


@predict_app.command("paragraphs", short_help="Techniques per paragraph (SemEval-2023 subtask 3).")
def predict_paragraphs_cmd(
    directory: ArticleFolderArgument,
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
    from unspun.tasks.semeval2023 import paragraph_line

    _write_article_predictions(
        directory,
        output,
        article_model,
        lambda articles, model_dir: predict_paragraphs(
            articles,
            template=template,
            model_dir=model_dir,
            lang=lang,
            span_model=cli_settings(model=model).model,
        ),
        paragraph_line,
    )


# The who-says-what commands are defined in their own modules (which import nothing of this one),
# and listed here after the SemEval ones.
predict_app.command("attributions", short_help="Quotes per article (PolNeAR): source, cue, content.")(
    predict_attributions
)
predict_app.command("checkworthy", short_help="Check-worthy sentences (CheckThat! 2024 Task 1).")(
    predict_checkworthy_cmd
)
predict_app.command("target-sentiment", short_help="Each target's polarity in NewsMTSC rows.")(
    predict_target_sentiment_cmd
)
predict_app.command("entity-roles", short_help="Entity roles (SemEval-2025 Task 10 subtask 1).")(
    predict_entity_roles_cmd
)
