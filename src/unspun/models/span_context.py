"""The article around a span, for its technique: a correction of the TC probabilities.

The neural and lexical TC heads read the span itself. What generalises to new articles is often
around it: whether its words recur elsewhere in the article (Repetition), whether its line is a
question, how much of its line it covers, exclamation marks and capitals (Slogans), where it sits.
:class:`SpanContextHead` adds a learnt linear term over :func:`context_features` to the log of the
blended TC probabilities: ``p ∝ p_blend · exp(W·z + b)``, ``z`` the standardised features. It is
fitted out of fold (:mod:`unspun.training.span_context`) on the blended probabilities of the
cross-validation fold models, so it corrects what the heads get wrong on articles they never saw.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspun.models.tfidf import read_head_file, write_head_file

FILE_NAME = "tc_context.npz"
FEATURES = (
    "repeats",  # log(1 + other occurrences of the span text in the article)
    "seen_before",  # the span text occurs earlier in the article
    "words_elsewhere",  # share of the span's content words found outside it
    "word_recurrence",  # mean log(1 + occurrences outside the span) of its content words
    "words",  # log(1 + words in the span)
    "line_cover",  # share of its line that the span covers
    "line_question",  # its line ends with a question mark
    "span_question",  # a question mark inside the span
    "paragraph_questions",  # log(1 + question marks in its paragraph)
    "exclamation",  # an exclamation mark in the span or just after it
    "capitals",  # share of its letters in upper case
    "quoted",  # inside quotation marks
    "line_words",  # log(1 + words in its line)
    "in_title",  # in the title (the first line)
    "position",  # where it starts, as a share of the text
)
_WORD = re.compile(r"\w+")
_QUOTE_BEFORE = re.compile(r"[\"“”']")
_QUOTE_INSIDE = re.compile(r"[\"“”]")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "with",
        "as",
        "by",
        "from",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "not",
        "no",
        "so",
        "if",
        "than",
        "then",
        "there",
        "here",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "just",
        "also",
        "very",
    ]
)


def context_features(
    text: str, spans: Sequence[tuple[int, int]], *, title_end: int | None = None
) -> np.ndarray:
    """``(len(spans), len(FEATURES))`` features of character spans of ``text`` (see :data:`FEATURES`).

    ``title_end``: where the title ends when ``text`` is a piece of a longer text (default: the
    first line of ``text``; no line break: all of it). The text is indexed once, so the cost is
    linear in the text plus the spans.
    """
    lowered = text.lower()
    counts = Counter(_WORD.findall(lowered))
    first_line_end = text.find("\n") if title_end is None else title_end
    rows = []
    for start, end in spans:
        span, low = text[start:end], lowered[start:end]
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end]
        para_start = text.rfind("\n\n", 0, start)
        para_start = 0 if para_start < 0 else para_start + 2
        para_end = text.find("\n\n", end)
        para_end = len(text) if para_end < 0 else para_end
        words = _WORD.findall(low)
        inside = Counter(words)
        content = [w for w in words if w not in _STOP and len(w) > 2]
        # max(0): a span cut inside a word holds a word the text's own split does not
        elsewhere = [max(counts[w] - inside[w], 0) for w in content]
        key = low.strip()
        first = lowered.find(key) if key else -1
        letters = sum(c.isalpha() for c in span)
        rows.append(
            [
                np.log1p(max(lowered.count(key) - 1, 0)) if key else 0.0,
                1.0 if 0 <= first < start else 0.0,
                float(np.mean([n > 0 for n in elsewhere])) if content else 0.0,
                float(np.mean(np.log1p(elsewhere))) if content else 0.0,
                np.log1p(len(words)),
                (end - start) / max(len(line.strip()), 1),
                1.0 if line.rstrip().endswith("?") else 0.0,
                1.0 if "?" in span else 0.0,
                np.log1p(text.count("?", para_start, para_end)),
                1.0 if "!" in text[start : min(end + 2, len(text))] else 0.0,
                sum(c.isupper() for c in span) / max(letters, 1),
                1.0
                if _QUOTE_BEFORE.search(text[max(start - 2, 0) : start]) or _QUOTE_INSIDE.search(span)
                else 0.0,
                np.log1p(len(_WORD.findall(line))),
                1.0 if first_line_end < 0 or start < first_line_end else 0.0,
                start / max(len(text), 1),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


@dataclass(slots=True)
class SpanContextHead:
    """A linear correction of TC log-probabilities from :func:`context_features`."""

    labels: tuple[str, ...]
    mean: np.ndarray  # (n_features,) standardisation
    scale: np.ndarray
    weight: np.ndarray  # (n_features, n_labels)
    bias: np.ndarray  # (n_labels,)

    def adjust(
        self,
        probs: np.ndarray,
        text: str,
        spans: Sequence[tuple[int, int]],
        labels: Sequence[str],
        *,
        title_end: int | None = None,
    ) -> np.ndarray:
        """``probs`` (columns in ``labels`` order) of ``spans`` of ``text``, corrected by the context."""
        if not len(spans):
            return probs
        z = (context_features(text, spans, title_end=title_end) - self.mean) / self.scale
        order = [self.labels.index(label) for label in labels]
        logits = np.log(probs.astype(np.float64) + 1e-9) + (z @ self.weight + self.bias)[:, order]
        logits -= logits.max(axis=1, keepdims=True)
        out = np.exp(logits)
        return (out / out.sum(axis=1, keepdims=True)).astype(np.float32)

    def to_disk(self, path: str | Path) -> None:
        """One ``.npz`` with the labels and feature names in a JSON header."""
        header = {"labels": list(self.labels), "features": list(FEATURES)}
        arrays = {"mean": self.mean, "scale": self.scale, "weight": self.weight, "bias": self.bias}
        write_head_file(path, header, {k: v.astype(np.float32) for k, v in arrays.items()})

    @classmethod
    def from_disk(cls, path: str | Path) -> SpanContextHead:
        """Read a head written by :meth:`to_disk`; :class:`ModelError` if it is damaged or was
        written for other features."""
        with read_head_file(Path(path)) as (header, data):
            if tuple(header["features"]) != FEATURES:
                raise ValueError(f"features {header['features']} are not this version's")
            return cls(
                labels=tuple(header["labels"]),
                mean=data["mean"].astype(np.float64),
                scale=data["scale"].astype(np.float64),
                weight=data["weight"].astype(np.float64),
                bias=data["bias"].astype(np.float64),
            )
