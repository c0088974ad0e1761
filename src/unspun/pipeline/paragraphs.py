"""Persuasion techniques per paragraph (SemEval-2023 subtask 3, 23 techniques, multi-label).

Writes ``article.paragraphs = split_paragraphs(article.text)`` (the official paragraph rule:
line k of ``text.split("\\n")``, kept if not blank), each with ``.techniques = [Label...]``,
highest probability first. Features per paragraph: its vector, the article's mean vector,
the mean of its two neighbours, and its position and length
(:func:`unspun.models.sentence_encoder.paragraph_features`). A technique is kept when its
probability reaches its threshold, tuned per technique and per language by cross-validation.

When the model folder has ``paragraphs-spans.npz`` and the span tagger ran on an article in a
language it covers (English), the spans found in each paragraph are mixed in as evidence
(:mod:`unspun.models.span_evidence`), with the span model's pooled view of each paragraph
when the evidence head has a vector head of the same width (the shipped span model's), and the
thresholds tuned for the mixed scores
(``"en+spans"``) apply.

When it also has ``paragraphs-spans-multilingual.npz`` and the multilingual span tagger left its
evidence on an article in fr, de, it, pl or ru (:mod:`unspun.models.multilingual_evidence`), that
head mixes it in the same way, and the thresholds it carries (``"fr+spans"``, ...) apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from unspun.document import PARAGRAPH_VECTORS, Article, Label, Paragraph
from unspun.models.multilingual_evidence import EVIDENCE_KEY as MULTILINGUAL_EVIDENCE
from unspun.models.multilingual_evidence import FILE_NAME as MULTILINGUAL_FILE
from unspun.models.multilingual_evidence import ParagraphEvidence
from unspun.models.sentence_encoder import ParagraphEmbedder, paragraph_features
from unspun.models.span_evidence import FILE_NAME as EVIDENCE_FILE
from unspun.models.span_evidence import THRESHOLD_SUFFIX, SpanEvidenceHead, article_span_features
from unspun.pipeline.genre import ArticleHeadComponent
from unspun.registry import register
from unspun.wrapping import wrapped_blocks

HEAD_FILE = "paragraphs.npz"
# Paragraphs scored at a time: a paragraph's feature row and the heads' intermediate rows take some
# 23 KB (a 1 MB text's 4,321 paragraphs peaked 53 MB lower in blocks of 2,000), so the 43,000 of
# a 10 MB text scored at once held about 1 GB.
PARAGRAPHS_AT_ONCE = 2000
# The span evidence of an article's paragraphs: the head that reads it, its feature rows and the
# span model's vectors (or None).
Evidence = tuple[SpanEvidenceHead, np.ndarray, np.ndarray | None]


class ParagraphTechniqueTagger(ArticleHeadComponent):
    """Splits each article into paragraphs and predicts the techniques of each one."""

    name = "paragraphs"
    # The span evidence (candidate spans, paragraph vectors) is read where it is there.
    needs = ("language",)
    writes = ("paragraphs",)
    head_file = HEAD_FILE
    evidence_head: SpanEvidenceHead | None = None
    multilingual_head: SpanEvidenceHead | None = None  # over the multilingual span model's evidence

    def from_disk(self, folder: str | Path) -> ParagraphTechniqueTagger:
        """Load the head(s) from ``folder``, with the span evidence heads it has."""
        super().from_disk(folder)
        path = Path(folder) / EVIDENCE_FILE
        self.evidence_head = SpanEvidenceHead.from_disk(path) if path.is_file() else None
        path = Path(folder) / MULTILINGUAL_FILE
        self.multilingual_head = SpanEvidenceHead.from_disk(path) if path.is_file() else None
        return self

    def to_disk(self, folder: str | Path) -> None:
        """Save the head(s) to ``folder``, with the span evidence heads it has."""
        super().to_disk(folder)
        for name, head in ((EVIDENCE_FILE, self.evidence_head), (MULTILINGUAL_FILE, self.multilingual_head)):
            path = Path(folder) / name
            if head is not None:
                head.to_disk(path)
            elif path.exists():
                path.unlink()

    def evidence(self, article: Article, paragraphs: list[Paragraph]) -> Evidence | None:
        """The evidence head that applies to the article, the span evidence rows of its paragraphs
        and the span model's vectors of them (``None`` when they do not fit); ``None`` when no span
        evidence applies to the article."""
        head = self.multilingual_head
        if head is not None and head.covers(article.language):
            return self.multilingual_evidence(head, article, paragraphs)
        if self.evidence_head is None or not self.evidence_head.covers(article.language):
            return None
        rows = article_span_features(article, paragraphs)
        if rows is None:
            return None
        vectors = article.vectors.get(PARAGRAPH_VECTORS)
        vector_head = self.evidence_head.vector_head
        if vectors is not None and (
            len(vectors) != len(paragraphs)  # the text changed after the span tagger ran
            or vector_head is None
            or vectors.shape[1] != vector_head.n_features  # another span model (e.g. the teacher)
        ):
            vectors = None
        return self.evidence_head, rows, vectors

    @staticmethod
    def multilingual_evidence(
        head: SpanEvidenceHead, article: Article, paragraphs: list[Paragraph]
    ) -> Evidence | None:
        """The multilingual span tagger's evidence of the article's paragraphs for ``head``
        (``None`` without it, or when it does not fit the paragraphs)."""
        found = article.vectors.get(MULTILINGUAL_EVIDENCE)
        if not isinstance(found, ParagraphEvidence):
            return None  # no multilingual span tagger ran (or the [multilingual] extra is missing)
        if len(found.features) != len(paragraphs) or found.features.shape[1] != head.head.n_features:
            return None  # the text changed after the span tagger ran
        if head.vector_head is None or found.vectors.shape[1] != head.vector_head.n_features:
            return head, found.features, None
        return head, found.features, found.vectors

    def scores(
        self,
        article: Article,
        paragraphs: list[Paragraph],
        rows: np.ndarray,
        evidence: Evidence | None,
        *,
        start: int = 0,
    ) -> tuple[np.ndarray, str | None]:
        """Technique scores of ``paragraphs[start:start + len(rows)]``, whose feature rows are
        ``rows``, with the article's ``evidence`` mixed in, and the threshold key to decide them with."""
        stop = start + len(rows)
        texts = [article.text[p.start : p.end].strip() for p in paragraphs[start:stop]]
        scores = self.mixed_scores(rows, texts)
        if evidence is None:
            return scores, article.language
        head, features, vectors = evidence
        mixed = head.mix(scores, features[start:stop], vectors[start:stop] if vectors is not None else None)
        if head is self.multilingual_head:
            # A paragraph the multilingual tagger did not read (one in English, in a French text)
            # has an all-zero row, never seen in training (every paragraph read has tokens): it
            # keeps its plain scores.
            unread = ~features[start:stop].any(axis=1)
            mixed[unread] = scores[unread]
        return mixed, f"{article.language}{THRESHOLD_SUFFIX}"

    def decide(self, scores: np.ndarray, key: str | None) -> list[list[tuple[str, float]]]:
        """Labels of score rows under the thresholds of ``key``: those the multilingual evidence
        head carries for its mixed scores (``"fr+spans"``), else the paragraph head's."""
        head = self.multilingual_head
        if head is not None and key in head.thresholds:
            return replace(self.head, thresholds=head.thresholds).decide(scores, key)
        return self.head.decide(scores, key)

    def paragraph_rows(self, article: Article) -> tuple[list[Paragraph], np.ndarray]:
        """The article's paragraphs (official rule) and their feature rows."""
        paragraphs, vectors = self.embedder(article.text)
        return paragraphs, paragraph_features(paragraphs, vectors, article.text)

    def predict(self, articles: Sequence[Article]) -> list[list[Paragraph]]:
        """Per article, new :class:`Paragraph` objects carrying their predicted techniques. A long
        article is scored :data:`PARAGRAPHS_AT_ONCE` paragraphs at a time (the same labels: every
        paragraph's row and scores are its own), so that its feature rows are never all held. A
        hard-wrapped text's lines (:mod:`unspun.wrapping`) are scored as the paragraphs they wrap,
        and each line carries its paragraph's techniques (in English and the languages without
        multilingual span evidence, which is made line by line)."""
        out = []
        for article in articles:
            paragraphs, vectors = self.embedder(article.text)
            blocks = wrapped_blocks(article.text, paragraphs)
            head = self.multilingual_head
            # The multilingual tagger's evidence is made per line: a language it covers keeps that.
            if len(blocks) < len(paragraphs) and not (head is not None and head.covers(article.language)):
                labelled = self._wrapped(article, paragraphs, blocks)
            else:
                labelled = self._labels(article, paragraphs, vectors, self.evidence(article, paragraphs))
            out.append(
                [
                    Paragraph(p.index, p.start, p.end, [Label(name, score) for name, score in techniques])
                    for p, techniques in zip(paragraphs, labelled, strict=True)
                ]
            )
        return out

    def _labels(
        self, article: Article, paragraphs: list[Paragraph], vectors: np.ndarray, evidence: Evidence | None
    ) -> list[list[tuple[str, float]]]:
        labelled: list[list[tuple[str, float]]] = []
        for start in range(0, len(paragraphs), PARAGRAPHS_AT_ONCE):
            rows = paragraph_features(
                paragraphs, vectors, article.text, start=start, stop=start + PARAGRAPHS_AT_ONCE
            )
            labelled += self.decide(*self.scores(article, paragraphs, rows, evidence, start=start))
        return labelled

    def _wrapped(
        self, article: Article, lines: list[Paragraph], blocks: list[list[int]]
    ) -> list[list[tuple[str, float]]]:
        """The labels of each line of a hard-wrapped text: those of the paragraph it wraps, read
        whole (its own vector and span evidence; the span model's per-line vectors are left out)."""
        merged = [Paragraph(lines[b[0]].index, lines[b[0]].start, lines[b[-1]].end) for b in blocks]
        vectors = self.embedder.encoder.encode([article.text[p.start : p.end].strip() for p in merged])
        evidence = None
        if self.evidence_head is not None and self.evidence_head.covers(article.language):
            rows = article_span_features(article, merged)
            evidence = (self.evidence_head, rows, None) if rows is not None else None
        per_block = self._labels(article, merged, vectors, evidence)
        out: list[list[tuple[str, float]]] = [[] for _ in lines]
        for block, techniques in zip(blocks, per_block, strict=True):
            for i in block:
                out[i] = techniques
        return out

    def set_annotations(self, articles: Sequence[Article], outputs: list[list[Paragraph]]) -> None:
        """Replace each article's paragraphs, keeping the ``language`` the language detector gave
        a paragraph in another language."""
        for article, paragraphs in zip(articles, outputs, strict=True):
            languages = {p.index: p.language for p in article.paragraphs if p.language}
            for paragraph in paragraphs:
                paragraph.language = languages.get(paragraph.index, paragraph.language)
            article.paragraphs = paragraphs


@register("unspun.ParagraphTechniqueTagger.v1")
def make_paragraph_tagger(
    *, model_dir: str | Path | None = None, embedder: ParagraphEmbedder | None = None
) -> ParagraphTechniqueTagger:
    """Factory registered as ``unspun.ParagraphTechniqueTagger.v1`` (packaged model by default)."""
    return ParagraphTechniqueTagger(model_dir=model_dir, embedder=embedder)
