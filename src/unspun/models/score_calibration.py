"""Span scores as the probability that a span is right: a Platt mapping fitted out of fold.

The span model's raw score (detection x technique probability) ranks spans but is not a
probability: on out-of-fold PTC articles most right spans scored under 0.3. ``calibration.json``
beside a span model (written by ``benchmarks/span_calibration.py``) holds ``a`` and ``b`` of
``p = sigmoid(a * logit(score) + b)``, fitted on the out-of-fold spans of the model's recipe (the
fold models of the grouped span cross-validation), where a span is right when it overlaps a gold
span of the same technique. The mapping is monotonic, so it changes no ranking and no span; it
changes what a score, a ``--min-score`` and the persuasion score read.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

from unspun.document import Span
from unspun.errors import ModelError

FILE = "calibration.json"


@dataclass(frozen=True, slots=True)
class SpanCalibration:
    """``sigmoid(a * logit(score) + b)``."""

    a: float
    b: float

    def probability(self, score: float) -> float:
        """The calibrated probability of a raw span score."""
        q = min(max(score, 1e-6), 1 - 1e-6)
        z = max(-50.0, min(50.0, self.a * math.log(q / (1 - q)) + self.b))
        return 1.0 / (1.0 + math.exp(-z))

    def apply(self, spans: list[Span]) -> list[Span]:
        """The spans with calibrated scores."""
        return [replace(s, score=self.probability(s.score)) for s in spans]

    @classmethod
    def from_folder(cls, folder: Path) -> SpanCalibration | None:
        """The calibration of the span model in ``folder``, ``None`` if it has none. Raises
        :class:`ModelError` for an unreadable file."""
        path = Path(folder) / FILE
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(float(data["a"]), float(data["b"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"cannot read the span calibration {path}: {exc}; reinstall unspun") from exc
