"""The span tagging component: writes propaganda-technique spans onto each article."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from unspun.document import CANDIDATE_LAYER, PARAGRAPH_VECTORS, TECHNIQUE_LAYER, Article, ModelInfo, Span
from unspun.models.decoding import separate_title_end
from unspun.models.packaged import folder_model_info
from unspun.models.phrase_joins import TECHNIQUE_PROBABILITY
from unspun.models.phrases import whole_phrases
from unspun.models.score_calibration import SpanCalibration
from unspun.models.span_model import SpanFindings, SpanModel, load_span_model
from unspun.models.span_reasons import SpanExplainer, explainer_of
from unspun.pipeline.base import Component
from unspun.pipeline.language import ranges_outside
from unspun.progress import reporter
from unspun.registry import register


@register("unspun.SpanTagger.v1")
class SpanTagger(Component):
    """Detect technique spans (SI + TC) and write them to the ``"technique"`` layer.

    ``model`` is a loaded :class:`SpanModel`, a model folder or name, or ``None`` for the packaged
    default (loaded on first use). Spans scoring below ``min_score`` are dropped. With
    ``candidates`` (the default) the permissive candidate spans of
    :meth:`SpanModel.find` go to the ``"technique-candidates"`` layer, which
    the paragraph techniques head reads as evidence, with the span model's pooled view of each
    paragraph (``article.vectors["span-paragraphs"]``). The PTC span
    model reads English only: an article whose ``language`` is known and not in ``languages`` is
    left without a technique layer rather than given meaningless spans.

    With ``phrases`` (the default) the spans are whole phrases
    (:func:`unspun.models.phrases.whole_phrases`: never cut inside a word, no trailing function
    word, pieces of one phrase joined, lone discourse markers dropped); with ``reasons`` (the
    default) each span's ``reason`` names the words and signals that weighed most for its
    technique (:mod:`unspun.models.span_reasons`); with ``second_techniques`` (the default) a span
    keeps in ``also`` its second-best technique where the TC head gives it at least
    :data:`unspun.models.span_model.SECOND_TECHNIQUE_MIN` (the same words, not a second span: span
    counts and the persuasion score do not change). Pieces of one phrase that the model labelled
    with two techniques are one span with the other technique in ``also`` whether or not
    ``second_techniques`` is on: it is a finding, not a second guess. When the model folder holds a
    ``calibration.json`` (:mod:`unspun.models.score_calibration`), each span's score is the
    probability that the span is right, fitted out of fold; ``min_score`` reads that probability.
    """

    name = "spans"
    # The language is read where it is set (an unknown one counts as covered): not a need.
    needs = ()
    writes = ("spans",)

    def __init__(
        self,
        *,
        model: SpanModel | str | Path | None = None,
        min_score: float = 0.0,
        candidates: bool = True,
        languages: tuple[str, ...] = ("en",),
        phrases: bool = True,
        reasons: bool = True,
        second_techniques: bool = True,
    ) -> None:
        super().__init__()
        self.languages = languages
        self._model = model if isinstance(model, SpanModel) else None
        self._model_name = None if isinstance(model, SpanModel) else model
        self.min_score = min_score
        self.candidates = candidates
        self.phrases = phrases
        self.reasons = reasons
        self.second_techniques = second_techniques
        self._explainer: SpanExplainer | None = None
        self._calibration: SpanCalibration | None | bool = False  # False: not read yet

    @property
    def model(self) -> SpanModel:
        """The span model, loaded on first use (raises :class:`unspun.errors.ModelError`)."""
        if self._model is None:
            with self._load_lock:  # threads sharing the pipeline load it once
                if self._model is None:
                    self._model = load_span_model(self._model_name)
        return self._model

    def load(self) -> None:
        """Load the span model now (see :attr:`model`)."""
        self.model  # noqa: B018 - the property loads it

    def model_info(self) -> list[ModelInfo]:
        """The span model's name, version and digest (one entry; none for an in-memory model)."""
        path = self.model.path
        return [folder_model_info(self.name, path)] if path is not None else []

    def covers(self, article: Article) -> bool:
        """Whether the span model reads the article's language (unknown counts as covered) or one
        of its paragraphs' (an English paragraph in a French text)."""
        if article.language is None or article.language in self.languages:
            return True
        return any(p.language in self.languages for p in article.paragraphs)

    def skipped(self, article: Article) -> list[tuple[int, int]]:
        """The ranges of the paragraphs in a language the model does not read (the paragraph's own
        ``Paragraph.language``, else the article's): the tagger leaves them out."""
        return ranges_outside(article, self.languages)

    def predict(self, articles: Sequence[Article]) -> list[SpanFindings | None]:
        """Per article, its technique spans, candidate spans and paragraph vectors (``None`` for a
        language the model does not read; no candidates or vectors when ``candidates`` is off);
        paragraphs in another language are left out. Long texts are read in bounded pieces, with
        progress reported to :mod:`unspun.progress` (stage ``"spans"``). Changes nothing."""
        covered = [article for article in articles if self.covers(article)]
        if not covered:
            found: list[SpanFindings] = []
        else:
            texts = [article.text for article in covered]
            skip = [self.skipped(article) for article in covered]
            # a title given apart from a text that does not open with it: no part of the text is
            # the title (the model's texts opened with their title; see separate_title_end)
            title_ends = [separate_title_end(a.text, a.title) for a in covered]
            found = self.model.find(texts, skip=skip, progress=reporter("spans"), title_ends=title_ends)
            found = [
                SpanFindings(
                    self._finished(a.text, f.spans, title_end, titled=bool(a.title and a.title.strip())),
                    f.candidates,
                    f.paragraph_vectors,
                )
                for a, f, title_end in zip(covered, found, title_ends, strict=True)
            ]
            if not self.candidates:
                empty = np.zeros((0, 0), dtype=np.float32)
                found = [SpanFindings(f.spans, [], empty) for f in found]
        results = iter(found)
        return [next(results) if self.covers(article) else None for article in articles]

    def _finished(
        self, text: str, spans: list[Span], title_end: int | None = None, *, titled: bool = True
    ) -> list[Span]:
        """The model's spans of ``text`` as whole phrases, each with its reason (as configured;
        ``title_end``: see :meth:`SpanModel.find`; ``titled``: the article has a title, see
        :meth:`SpanExplainer.explain`)."""
        if not self.second_techniques:
            spans = [replace(s, also=[]) if s.also else s for s in spans]
        if self.phrases:
            spans = whole_phrases(text, spans)
        spans = [_without_technique_probability(s) for s in spans]
        if self.reasons:
            if self._explainer is None:
                model = self.model
                self._explainer = explainer_of(model.labels, model.ngrams, model.words, model.tc_weight)
            spans = self._explainer.explain(text, spans, title_end=title_end, titled=titled)
        calibration = self.calibration
        return calibration.apply(text, spans) if calibration is not None else spans

    @property
    def calibration(self) -> SpanCalibration | None:
        """The span model folder's score calibration, ``None`` if it has none (read once)."""
        if self._calibration is False:
            path = self.model.path
            self._calibration = SpanCalibration.from_folder(path) if path is not None else None
        return self._calibration if isinstance(self._calibration, SpanCalibration) else None

    def set_annotations(self, articles: Sequence[Article], outputs: list[SpanFindings | None]) -> None:
        """Replace each article's technique layer (and candidate layer and paragraph vectors) with
        what was found."""
        for article, result in zip(articles, outputs, strict=True):
            if result is None:
                continue
            article.set_layer(TECHNIQUE_LAYER, [s for s in result.spans if s.score >= self.min_score])
            if self.candidates:
                article.set_layer(CANDIDATE_LAYER, result.candidates)
                article.vectors[PARAGRAPH_VECTORS] = result.paragraph_vectors


def _without_technique_probability(span: Span) -> Span:
    """``span`` without the span model's working value :data:`TECHNIQUE_PROBABILITY` in its
    ``attrs`` (read by :func:`whole_phrases`; not part of the analysis)."""
    if TECHNIQUE_PROBABILITY not in span.attrs:
        return span
    return replace(span, attrs={k: v for k, v in span.attrs.items() if k != TECHNIQUE_PROBABILITY})
