"""The author's voice apart from the quoted voices: persuasion in each, counted separately.

An article speaks in two voices: the author's own text, and what it quotes others as saying. The
**quoted** text is the content of every attribution (``article.attributions``: direct and indirect
speech, as the who-says-what layer found it; of a quote its own source and cue interrupt, only the
parts either side of them, as the page and text view show it:
:func:`unspun.whosays.shown.content_pieces`) plus every stretch between quotation marks
(:func:`unspun.whosays.quotation.quotations`) that no attribution covers; the **author's**
text is everything else. For each voice :func:`voice_persuasion` counts

* ``chars``: its code points;
* ``spans``: the technique spans that lie mostly in it (a span goes to the voice that holds more
  than half of its characters, to the author's on a tie);
* ``span_share``: the share of its characters inside one of *its* spans (the whole text's
  ``span_share`` of :data:`unspun.pipeline.persuasion.SPAN_FEATURES`, within one voice; 0 for a
  voice with no characters).

A span that straddles a quotation's edge counts whole in the voice that holds most of it: the
characters it has in the other voice count there as outside any span. So the two figures agree:
a voice has a share above 0 exactly when it has a span (a span mostly inside a quote had made the
author's text "26% of characters (0 spans)").

:class:`VoiceScorer` writes these as flat keys of ``article.scores`` (``author_span_share``,
``author_spans``, ``author_chars``, ``quoted_span_share``, ``quoted_spans``, ``quoted_chars``), which
the JSON ``scores``, the text view, the page and the store's outlet profiles read. The split
itself is :mod:`unspun.whosays.quoted`'s, which the persuasion score reads too (a quoted span
counts its fit's ``quoted_weight`` there); this component does not change that score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from unspun.document import TECHNIQUE_LAYER, Article
from unspun.pipeline.base import Component
from unspun.pipeline.language import ranges_outside
from unspun.registry import register
from unspun.whosays.quoted import attribution_ranges, mostly_quoted, quoted_mask, range_mask

VOICES = ("author", "quoted")
# The keys VoiceScorer writes on article.scores, per voice: f"{voice}_{field}".
FIELDS = ("span_share", "spans", "chars")


@dataclass(frozen=True, slots=True)
class VoiceCount:
    """The persuasion in one voice: its characters, the spans counted in it, the share of its
    characters inside a technique span."""

    chars: int
    spans: int
    span_share: float


@dataclass(frozen=True, slots=True)
class Voices:
    """The author's voice and the quoted voices of one article."""

    author: VoiceCount
    quoted: VoiceCount

    def scores(self) -> dict[str, float]:
        """The flat ``article.scores`` keys (``author_span_share``, ..., ``quoted_chars``)."""
        return {
            f"{voice}_{name}": float(getattr(getattr(self, voice), name))
            for voice in VOICES
            for name in FIELDS
        }

    @classmethod
    def from_scores(cls, scores: dict[str, float]) -> Voices | None:
        """The voices written on ``scores`` by :class:`VoiceScorer`, or ``None`` when absent."""
        try:
            author, quoted = (
                VoiceCount(
                    chars=int(scores[f"{v}_chars"]),
                    spans=int(scores[f"{v}_spans"]),
                    span_share=float(scores[f"{v}_span_share"]),
                )
                for v in VOICES
            )
        except KeyError:
            return None
        return cls(author=author, quoted=quoted)


def voice_persuasion(article: Article, *, layer: str = TECHNIQUE_LAYER) -> Voices:
    """The persuasion in the author's text and in the quoted text of an analysed ``article``
    (the spans of ``layer``, the attributions' contents and the quotation marks of its text),
    over the paragraphs in the article's language: a paragraph in another language (read by
    another span model, in another taxonomy, or by none) is left out of both voices, as the
    persuasion score leaves it out."""
    spans = [(s.start, s.end) for s in article.layer(layer)]
    left_out = ranges_outside(article, (article.language or "en",))
    return count_voices(article.text, attribution_ranges(article), spans, left_out=left_out)


def count_voices(
    text: str,
    quoted: Sequence[tuple[int, int]],
    spans: Sequence[tuple[int, int]],
    *,
    left_out: Sequence[tuple[int, int]] = (),
) -> Voices:
    """:func:`voice_persuasion` from plain ranges: ``quoted`` the attribution contents, ``spans``
    the technique spans, each ``(start, end)`` into ``text``; the characters of the ``left_out``
    ranges, and the spans mostly inside them, count in neither voice."""
    unread = range_mask(len(text), left_out)
    in_quote = quoted_mask(text, quoted)
    # per voice, the characters inside its own spans (a span is the voice's that holds most of it)
    covered = {voice: np.zeros(len(text), dtype=bool) for voice in VOICES}
    counts = dict.fromkeys(VOICES, 0)
    for start, end in spans:
        start, end = max(start, 0), min(end, len(text))
        if end <= start or mostly_quoted(unread, start, end):
            continue
        voice = "quoted" if mostly_quoted(in_quote, start, end) else "author"
        covered[voice][start:end] = True
        counts[voice] += 1
    return Voices(
        author=_count(covered["author"][~in_quote & ~unread], counts["author"]),
        quoted=_count(covered["quoted"][in_quote & ~unread], counts["quoted"]),
    )


def _count(covered: np.ndarray, spans: int) -> VoiceCount:
    chars = len(covered)
    return VoiceCount(chars=chars, spans=spans, span_share=float(covered.mean()) if chars else 0.0)


class VoiceScorer(Component):
    """Writes :meth:`Voices.scores` of :func:`voice_persuasion` on ``article.scores``, after the
    span and who-says-what components (nothing when the span layer did not run)."""

    name = "voices"
    needs = ("spans", "attributions")
    writes = ("scores",)

    def __init__(self, *, layer: str = TECHNIQUE_LAYER) -> None:
        super().__init__()
        self.layer = layer

    def predict(self, articles: Sequence[Article]) -> list[Voices | None]:
        """The voices of each article (``None`` where no technique spans were looked for)."""
        return [voice_persuasion(a, layer=self.layer) if self.layer in a.spans else None for a in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: list[Voices | None]) -> None:
        for article, voices in zip(articles, outputs, strict=True):
            if voices is not None:
                article.scores.update(voices.scores())


@register("unspun.VoiceScorer.v1")
def make_voice_scorer(*, layer: str = TECHNIQUE_LAYER) -> VoiceScorer:
    """Factory registered as ``unspun.VoiceScorer.v1``."""
    return VoiceScorer(layer=layer)
