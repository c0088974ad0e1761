"""Article-level analysis (SemEval-2023 Task 3): the library functions the CLI wraps.

* :func:`load_article_components`: language, genre, framing and paragraph components sharing
  one sentence encoder (packaged models by default);
* :func:`predict_genre`, :func:`predict_frames`, :func:`predict_paragraphs`: rows in the
  official shapes, written as submission lines by :mod:`unspun.tasks.semeval2023`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from unspun.document import Article
from unspun.errors import FormatError, LanguageNotSupportedError
from unspun.models.sentence_encoder import ParagraphEmbedder, load_encoder
from unspun.pipeline.base import Component
from unspun.pipeline.framing import FrameClassifier
from unspun.pipeline.genre import GenreClassifier
from unspun.pipeline.language import LanguageDetector, detect_language
from unspun.pipeline.paragraphs import ParagraphTechniqueTagger
from unspun.tasks.semeval2023 import FramesRow, GenreRow, ParagraphRow, read_template

if TYPE_CHECKING:
    from unspun.pipeline.spans import SpanTagger

logger = logging.getLogger(__name__)


def load_article_components(
    model_dir: str | Path | None = None, *, lang: str | None = None
) -> list[Component]:
    """The article-level components in pipeline order: language, genre, framing, paragraphs.

    ``model_dir`` holds ``genre.npz``, ``frames.npz`` and ``paragraphs.npz`` (default: the
    packaged models); ``lang`` skips language detection. Raises ``ModelError`` if a model is
    missing and ``LanguageNotSupportedError`` for an unsupported ``lang``.
    """
    embedder = ParagraphEmbedder(load_encoder())
    return [
        LanguageDetector(lang=lang),
        GenreClassifier(model_dir=model_dir, embedder=embedder),
        FrameClassifier(model_dir=model_dir, embedder=embedder),
        ParagraphTechniqueTagger(model_dir=model_dir, embedder=embedder),
    ]


def assign_languages(articles: Iterable[Article], lang: str | None = None) -> list[Article]:
    """Set each article's language for batch prediction, where every article needs a line.

    With ``lang``, nothing to do (the language component applies it). Otherwise each article
    is detected; one whose language is unsupported or undetectable (a very short text, say)
    gets the batch's most common detected language, with a logged warning, instead of failing
    the whole file. Raises :class:`LanguageNotSupportedError` when no article is supported.
    """
    batch = list(articles)
    if lang is not None:
        return batch
    detected: list[str | None] = []
    failures: list[tuple[Article, LanguageNotSupportedError]] = []
    for article in batch:
        try:
            detected.append(detect_language(article.text)[0])
        except LanguageNotSupportedError as error:
            detected.append(None)
            failures.append((article, error))
    found = [code for code in detected if code is not None]
    if failures and not found:
        raise failures[0][1]
    if not found:
        return batch
    fallback = Counter(found).most_common(1)[0][0]
    for article, code in zip(batch, detected, strict=True):
        article.language = code or fallback
    for article, problem in failures:
        logger.warning("article %s: %s; predicting it as %s", article.id, problem.message, fallback)
    return batch


def run_components(articles: Iterable[Article], components: Sequence[Component]) -> list[Article]:
    """Run ``components`` in order over ``articles`` (annotated in place) and return them."""
    batch = list(articles)
    for component in components:
        batch = component(batch)
    return batch


def _pick(
    components: Sequence[Component] | None,
    kind: type[Component],
    model_dir: str | Path | None,
    lang: str | None,
) -> list[Component]:
    """The language detector and the one component of ``kind`` (loaded if not given)."""
    pool = list(components) if components is not None else load_article_components(model_dir, lang=lang)
    chosen = [c for c in pool if isinstance(c, LanguageDetector | kind)]
    if not any(isinstance(c, kind) for c in chosen):
        raise FormatError(f"no {kind.__name__} among the components given; use load_article_components()")
    return chosen


def predict_genre(
    articles: Iterable[Article],
    *,
    components: Sequence[Component] | None = None,
    model_dir: str | Path | None = None,
    lang: str | None = None,
) -> list[GenreRow]:
    """``(article_id, genre)`` per article, in input order."""
    done = run_components(
        assign_languages(articles, lang), _pick(components, GenreClassifier, model_dir, lang)
    )
    return [(a.id, a.labels["genre"][0].name) for a in done]


def predict_frames(
    articles: Iterable[Article],
    *,
    components: Sequence[Component] | None = None,
    model_dir: str | Path | None = None,
    lang: str | None = None,
) -> list[FramesRow]:
    """``(article_id, [frames])`` per article, in input order."""
    done = run_components(
        assign_languages(articles, lang), _pick(components, FrameClassifier, model_dir, lang)
    )
    return [(a.id, [f.name for f in a.labels["frames"]]) for a in done]


def with_span_tagger(chosen: list[Component], span_model: SpanTagger | str | Path | None) -> list[Component]:
    """``chosen`` with the span taggers before the paragraph tagger when that one reads span evidence.

    ``span_model`` is a span tagger to use, or the span model to make one with (a folder or name;
    None: the packaged model). The tagger only runs on the languages the evidence head reads. When
    the paragraph tagger reads the multilingual span model's evidence too, that model's tagger
    (the packaged one) runs on the paragraphs in its languages.
    """
    from unspun.pipeline.multilingual_spans import MultilingualSpanTagger
    from unspun.pipeline.spans import SpanTagger

    tagger = next((c for c in chosen if isinstance(c, ParagraphTechniqueTagger)), None)
    if tagger is None:
        return chosen
    added: list[Component] = []
    if tagger.evidence_head is not None:
        if isinstance(span_model, SpanTagger):
            added.append(span_model)
        else:
            added.append(SpanTagger(model=span_model, languages=tagger.evidence_head.languages))
    if tagger.multilingual_head is not None:
        added.append(MultilingualSpanTagger())
    at = chosen.index(tagger)
    return [*chosen[:at], *added, *chosen[at:]]


def predict_paragraphs(
    articles: Iterable[Article],
    template: Path | None = None,
    *,
    components: Sequence[Component] | None = None,
    model_dir: str | Path | None = None,
    lang: str | None = None,
    span_model: str | Path | None = None,
) -> list[ParagraphRow]:
    """``(article_id, paragraph_no, [techniques])`` rows.

    If the paragraph model reads span evidence (English), the span model ``span_model`` (None:
    the packaged one) runs first on the articles in its languages; a span tagger among
    ``components`` is used instead. Likewise the multilingual span model on fr / de / it / pl /
    ru articles when the paragraph model reads its evidence.

    Without a template: every paragraph of the official rule, article by article in input order.
    With a ``.template`` file: exactly its ``(id, paragraph_no)`` keys in its order (a key that
    the rule does not find gets no techniques). Raises :class:`FormatError` if the template
    names an article that was not given.
    """
    from unspun.pipeline.spans import SpanTagger

    chosen = _pick(components, ParagraphTechniqueTagger, model_dir, lang)
    span_tagger = next((c for c in components or [] if isinstance(c, SpanTagger)), None)
    done = run_components(
        assign_languages(articles, lang),
        with_span_tagger(chosen, span_tagger if span_tagger is not None else span_model),
    )
    found = {(a.id, p.index): [t.name for t in p.techniques] for a in done for p in a.paragraphs}
    if template is None:
        return [(a.id, p.index, found[(a.id, p.index)]) for a in done for p in a.paragraphs]
    given = {a.id for a in done}
    rows = []
    for article_id, paragraph in read_template(Path(template)):
        if article_id not in given:
            raise FormatError(
                f"the template {template} lists article {article_id}, which is not among the inputs; "
                "pass that article or use the template of the articles given"
            )
        rows.append((article_id, paragraph, found.get((article_id, paragraph), [])))
    return rows
