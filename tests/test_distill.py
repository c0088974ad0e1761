"""Teacher soft targets: offsets alignment across tokenizers, label re-ordering, soft loss."""

from __future__ import annotations

import numpy as np
import pytest

from extras import need
from unspun.training.distill import align_tag_probs, technique_targets


def test_align_same_tokenization_copies_the_teacher() -> None:
    offsets = np.array([[0, 3], [4, 9], [10, 12]])
    probs = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.1, 0.7]], dtype=np.float32)
    assert np.allclose(align_tag_probs(offsets, probs, offsets), probs)


def test_align_moves_begin_mass_inside_a_split_teacher_token() -> None:
    teacher = np.array([[0, 3], [4, 12]])  # "the", "wordpiece"
    probs = np.array([[1.0, 0.0, 0.0], [0.1, 0.7, 0.2]], dtype=np.float32)
    student = np.array([[0, 3], [4, 8], [8, 12]])  # "the", "word", "##piece"
    out = align_tag_probs(teacher, probs, student)
    assert np.allclose(out[0], [1.0, 0.0, 0.0])
    assert np.allclose(out[1], [0.1, 0.7, 0.2])  # the first piece keeps "begin"
    assert np.allclose(out[2], [0.1, 0.0, 0.9])  # the continuation cannot begin a span
    assert np.allclose(out.sum(axis=1), 1.0)


def test_align_without_teacher_tokens_is_outside() -> None:
    out = align_tag_probs(np.zeros((0, 2), dtype=np.int64), np.zeros((0, 3)), np.array([[0, 2]]))
    assert np.allclose(out, [[1.0, 0.0, 0.0]])


class _Labels:
    def __init__(self, labels: list[str]):
        self.labels = labels


def test_technique_targets_reorders_and_renormalises() -> None:
    teacher = _Labels(["Doubt", "Slogans", "Flag-Waving"])
    probs = np.array([[0.2, 0.5, 0.3]], dtype=np.float32)
    out = technique_targets(teacher, ["Slogans", "Doubt"], probs)  # type: ignore[arg-type]
    assert np.allclose(out, [[0.5 / 0.7, 0.2 / 0.7]])
    with pytest.raises(ValueError, match="share no technique"):
        technique_targets(teacher, ["Repetition"], probs)  # type: ignore[arg-type]


@pytest.mark.torch
def test_soft_cross_entropy_is_lowest_at_the_teacher_and_skips_empty_rows() -> None:
    torch = need("torch")
    from unspun.training.train_spans import soft_cross_entropy

    targets = torch.tensor([[0.7, 0.2, 0.1], [0.0, 0.0, 0.0]])
    matching = torch.log(torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]))
    other = torch.log(torch.tensor([[0.1, 0.2, 0.7], [0.7, 0.2, 0.1]]))
    assert soft_cross_entropy(matching, targets) < soft_cross_entropy(other, targets)
    entropy = -(targets[0] * targets[0].log()).sum()
    assert torch.isclose(soft_cross_entropy(matching, targets), entropy)
    assert soft_cross_entropy(matching, torch.zeros_like(targets)) == 0
