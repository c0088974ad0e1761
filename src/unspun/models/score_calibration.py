"""Span scores as the probability that a span is right: a Platt mapping fitted out of fold.

The span model's raw score (detection x technique probability) ranks spans but is not a
probability: on out-of-fold PTC articles most right spans scored under 0.3. ``calibration.json``
beside a span model (written by ``benchmarks/span_calibration.py``) holds ``a``, ``b`` and ``c`` of
``p = sigmoid(a * logit(score) + b + c * one_word)``, fitted on the out-of-fold spans of the model's
recipe (the fold models of the grouped span cross-validation), where a span is right when it
overlaps a gold span of the same technique and ``one_word`` is 1 for a span with one content word
(:func:`content_word_count`): such spans were right less often than their score said. A file
without ``c`` (written before it) maps as ``c = 0``. For spans of one kind (one content word, or
not) the mapping is monotonic in the score, so it changes no span and no ranking among them; it
changes what a score, a ``--min-score`` and the persuasion score read.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

from unspun.document import Span
from unspun.errors import ModelError
from unspun.models.phrase_words import content_word_count

__all__ = ["FILE", "SpanCalibration", "content_word_count"]

FILE = "calibration.json"


@dataclass(frozen=True, slots=True)
class SpanCalibration:
    """``sigmoid(a * logit(score) + b + c * one_word)``; ``a > 0`` keeps it monotonic in the score."""

    a: float
    b: float
    c: float = 0.0

    def probability(self, score: float, one_word: bool = False) -> float:
        """The calibrated probability of a raw span score (``one_word``: the span has one
        content word)."""
        q = min(max(score, 1e-6), 1 - 1e-6)
        z = self.a * math.log(q / (1 - q)) + self.b + (self.c if one_word else 0.0)
        z = max(-50.0, min(50.0, z))
        return 1.0 / (1.0 + math.exp(-z))

    def apply(self, text: str, spans: list[Span]) -> list[Span]:
        """The spans of ``text`` with calibrated scores."""
        return [
            replace(s, score=self.probability(s.score, content_word_count(s.text_in(text)) == 1))
            for s in spans
        ]

    @classmethod
    def from_folder(cls, folder: Path) -> SpanCalibration | None:
        """The calibration of the span model in ``folder``, ``None`` if it has none. Raises
        :class:`ModelError` for an unreadable file."""
        path = Path(folder) / FILE
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(float(data["a"]), float(data["b"]), float(data.get("c", 0.0)))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"cannot read the span calibration {path}: {exc}; reinstall unspun") from exc
