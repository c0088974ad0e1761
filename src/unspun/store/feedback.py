"""Feedback on an analysis: checked against the article, and applied for display.

:func:`apply_feedback` gives the analysis as its readers corrected it: a span marked wrong
stays, carrying ``attrs["feedback"] = "wrong"``; a corrected span takes the new technique and
carries ``"corrected"`` (and ``attrs["original"]``, the technique it had; the new technique leaves
its ``also``); a missing span that
was added appears with ``"added"`` and score 1.0. Who and when are in ``attrs["feedback_by"]`` /
``attrs["feedback_at"]``. The stored analysis itself is never changed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from unspun.document import PTC14, SEMEVAL23, TECHNIQUE_LAYER, Analysis, Span
from unspun.errors import FormatError
from unspun.store.base import FEEDBACK_KINDS, Feedback, unknown_id
from unspun.techniques import PTC14_LABELS, SEMEVAL23_LABELS

_LABELS = {PTC14: PTC14_LABELS, SEMEVAL23: SEMEVAL23_LABELS}
_NAMES = {PTC14: "PTC-14", SEMEVAL23: "SemEval-2023"}


def _taxonomy(analysis: Analysis, span: Span | None, at: int | None = None) -> str:
    """The taxonomy feedback names techniques in: the span's; else, for a span added at ``at`` in
    an article with a paragraph in another language, that of the language of the paragraph holding
    it (a German paragraph of an English article: SemEval-2023, as its spans are); else the
    analysis's spans' (a French article's are SemEval-2023), else PTC-14 for English and
    SemEval-2023 for the other languages. The page's menus follow the same rule (app.js)."""
    if span is not None:
        return span.taxonomy
    paragraphs = analysis.article.paragraphs
    if at is not None and any(p.language for p in paragraphs):
        holding = next((p for p in paragraphs if p.start <= at < p.end), None)
        language = (holding.language if holding else None) or analysis.article.language or "en"
        return PTC14 if language == "en" else SEMEVAL23
    found = {s.taxonomy for s in analysis.spans}
    if len(found) == 1:
        return found.pop()
    return PTC14 if (analysis.article.language or "en") == "en" else SEMEVAL23


def taxonomy_of(technique: str, preferred: str) -> str:
    """The taxonomy of a feedback ``technique``: ``preferred`` when the id is one of its own (some
    ids, such as Doubt, are in both), else the other."""
    if technique in _LABELS.get(preferred, ()):
        return preferred
    return PTC14 if technique in PTC14_LABELS else SEMEVAL23


def check_feedback(feedback: Feedback, analysis: Analysis) -> Feedback:
    """``feedback`` completed from the analysis (a span's offsets and original technique from its
    ``span_id``, or the span at the same offsets), or :class:`FormatError` saying what is wrong."""
    if feedback.kind not in FEEDBACK_KINDS:
        raise FormatError(f"feedback kind {feedback.kind!r} is not one of {', '.join(FEEDBACK_KINDS)}")
    spans = analysis.spans
    span: Span | None = None
    if feedback.span_id is not None:
        span = next((s for s in spans if s.id == feedback.span_id), None)
        if span is None:
            raise FormatError(
                f"the analysis has no span {feedback.span_id!r}; give a span id of the article's analysis"
            )
        feedback = replace(feedback, start=span.start, end=span.end)
    n = len(analysis.text)
    if feedback.start < 0:
        raise FormatError(f"feedback start {feedback.start} is negative; offsets count code points from 0")
    if feedback.start >= feedback.end:
        raise FormatError(
            f"feedback start {feedback.start} must be before its end {feedback.end} "
            "(code-point offsets, end exclusive)"
        )
    if feedback.end > n:
        raise FormatError(
            f"feedback offsets [{feedback.start}, {feedback.end}) are outside the article's "
            f"{n} characters (code points, end exclusive)"
        )
    if feedback.kind == "wrong" and feedback.technique:
        raise FormatError(
            "'wrong' feedback says a span is no technique, so it takes none; to give the span "
            f"another technique ({feedback.technique!r}), send kind 'corrected'"
        )
    if feedback.kind in ("added", "corrected") and not feedback.technique:
        raise FormatError(f"{feedback.kind} feedback needs the technique (its id, e.g. Loaded_Language)")
    if feedback.kind != "added" and span is None:
        span = next((s for s in spans if (s.start, s.end) == (feedback.start, feedback.end)), None)
    if feedback.kind in ("added", "corrected") and feedback.technique not in (
        *PTC14_LABELS,
        *SEMEVAL23_LABELS,
    ):
        # PTC-14 (English) or SemEval-2023 (the other languages) ids: the span's taxonomy is named
        taxonomy = _taxonomy(analysis, span, feedback.start)
        labels = _LABELS.get(taxonomy, PTC14_LABELS)
        raise unknown_id(
            "technique",
            feedback.technique or "",
            labels,
            f"give a {_NAMES.get(taxonomy, taxonomy)} technique id ({', '.join(labels)}; see unspun techniques)",
        )
    if feedback.kind != "added" and span is None:
        raise FormatError(
            f"the analysis has no span at [{feedback.start}, {feedback.end}); "
            "mark a span it has, or add the missing span as 'added'"
        )
    if span is not None:
        feedback = replace(feedback, span_id=span.id, original=feedback.original or span.label)
    return feedback


def _marks(item: Feedback) -> dict[str, Any]:
    marks: dict[str, Any] = {"feedback": item.kind}
    if item.author:
        marks["feedback_by"] = item.author
    if item.created_at:
        marks["feedback_at"] = item.created_at.isoformat()
    if item.note:
        marks["feedback_note"] = item.note
    return marks


def apply_feedback(analysis: Analysis, feedback: list[Feedback]) -> Analysis:
    """The analysis as its feedback corrects it (see the module docstring); later feedback on a
    span wins over earlier. Feedback given on another analysis of the article applies by offsets."""
    if not feedback:
        return analysis
    spans = {(s.start, s.end, s.id): s for s in analysis.spans}
    by_range: dict[tuple[int, int], list[tuple[int, int, str | None]]] = {}
    for key in spans:
        by_range.setdefault((key[0], key[1]), []).append(key)
    added: list[Span] = []
    for item in feedback:
        keys = [k for k in by_range.get((item.start, item.end), []) if item.span_id in (None, k[2])]
        if not keys:
            keys = by_range.get((item.start, item.end), [])
        if item.kind == "added" or not keys:
            if item.kind == "wrong":
                continue  # the span is not in this analysis: nothing to mark
            added.append(
                Span(
                    item.start,
                    item.end,
                    item.technique or "",
                    1.0,
                    taxonomy=taxonomy_of(item.technique or "", _taxonomy(analysis, None, item.start)),
                    reason="added by a reader",
                    attrs={**_marks(item), "feedback": "added"},
                )
            )
            continue
        for key in keys:
            span = spans[key]
            attrs = {**span.attrs, **_marks(item)}
            if item.kind == "corrected" and item.technique:
                attrs.setdefault("original", span.label)
                # the second technique the reader chose is no longer "also possible" beside itself
                also = [label for label in span.also if label.name != item.technique]
                taxonomy = taxonomy_of(item.technique, span.taxonomy)
                spans[key] = replace(span, label=item.technique, also=also, attrs=attrs, taxonomy=taxonomy)
            else:
                spans[key] = replace(span, attrs=attrs)
    article = replace(
        analysis.article,
        spans={**analysis.article.spans},
    )
    article.spans[TECHNIQUE_LAYER] = []
    article.set_layer(TECHNIQUE_LAYER, [*spans.values(), *added])
    return Analysis(article)
