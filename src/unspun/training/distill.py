"""Soft targets from a teacher span model, for distillation and self-training.

A teacher (any :class:`~unspun.models.span_model.SpanModel`: a runtime folder, a fp32 training
checkpoint, a bigger encoder) reads each training text once. Its O/B/I probabilities are carried
over to the *student's* tokens through character offsets, so teacher and student may use different
tokenizers, and its technique probabilities are taken for the spans the student trains TC on: the
gold spans of labelled articles, and the teacher's own detected spans of unlabelled ones
(self-training on news text without labels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from unspun.models.span_model import SpanModel


@dataclass(slots=True)
class SoftTargets:
    """A teacher's view of one article, on the student's tokens.

    ``tags`` has one O/B/I distribution per student token; ``spans`` maps a character span to the
    teacher's technique distribution over the student's labels.
    """

    tags: np.ndarray  # (n_student_tokens, 3)
    spans: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)


def align_tag_probs(
    teacher_offsets: np.ndarray, teacher_probs: np.ndarray, student_offsets: np.ndarray
) -> np.ndarray:
    """O/B/I probabilities for student tokens from teacher tokens, matched by character offsets.

    A student token takes the distribution of the teacher token that holds its first character
    (else the nearest teacher token before it). When several student tokens fall in one teacher
    token, only the first keeps the "begin" mass: the others move it to "inside", since a span
    cannot begin in the middle of a teacher token.
    """
    n = len(student_offsets)
    out = np.zeros((n, 3), dtype=np.float32)
    if n == 0:
        return out
    if len(teacher_offsets) == 0:
        out[:, 0] = 1.0
        return out
    starts = teacher_offsets[:, 0]
    index = np.clip(np.searchsorted(starts, student_offsets[:, 0], side="right") - 1, 0, len(starts) - 1)
    out[:] = teacher_probs[index]
    continuation = np.zeros(n, dtype=bool)
    continuation[1:] = index[1:] == index[:-1]
    out[continuation, 2] += out[continuation, 1]
    out[continuation, 1] = 0.0
    return out


def technique_targets(teacher: SpanModel, student_labels: Sequence[str], probs: np.ndarray) -> np.ndarray:
    """Re-order a teacher's ``(n_spans, n_teacher_labels)`` technique probabilities into the
    student's label order; labels the teacher lacks get zero. Raises ``ValueError`` if the two
    share no label."""
    position = {label: i for i, label in enumerate(teacher.labels)}
    shared = [label for label in student_labels if label in position]
    if not shared:
        raise ValueError("the teacher and the student share no technique label")
    out = np.zeros((len(probs), len(student_labels)), dtype=np.float32)
    for j, label in enumerate(student_labels):
        if label in position:
            out[:, j] = probs[:, position[label]]
    total = out.sum(axis=1, keepdims=True)
    return out / np.where(total > 0, total, 1.0)


def soft_targets(
    teacher: SpanModel,
    texts: Sequence[str],
    student_offsets: Sequence[np.ndarray],
    student_labels: Sequence[str],
    *,
    gold_spans: Sequence[Sequence[tuple[int, int]] | None],
) -> list[SoftTargets]:
    """The teacher's soft targets for each text.

    ``gold_spans[i]`` lists the spans whose techniques the student learns for text ``i``; ``None``
    (an unlabelled text) takes the spans the teacher itself detects there.
    """
    out: list[SoftTargets] = []
    for text, offsets, gold, encoded in zip(
        texts, student_offsets, gold_spans, teacher.encode(texts), strict=True
    ):
        tags = align_tag_probs(encoded.offsets, encoded.probs, offsets)
        spans = list(gold) if gold is not None else [(s, e) for s, e, _ in teacher.decode(text, encoded)]
        spans = list(dict.fromkeys(spans))
        targets = SoftTargets(tags=tags)
        if spans and len(encoded.offsets):
            probs = technique_targets(teacher, student_labels, teacher.technique_probs(text, encoded, spans))
            targets.spans = {span: row for span, row in zip(spans, probs, strict=True)}
        out.append(targets)
    return out
