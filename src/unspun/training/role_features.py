"""Parts of the entity-role training (:func:`unspun.training.train_whosays.train_entity_roles`)
beyond the span model's blocks: a fine head that reads only some of the blocks, and the
main-role head scored on a topic it was not fitted on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from unspun.errors import ConfigError
from unspun.models.linear_head import LinearHead, fit_linear_head
from unspun.tasks.entity_roles import ALL_FINE_ROLES, MAIN_ROLES


def block_columns(blocks: Sequence[str], chosen: Sequence[str], dim: int) -> np.ndarray:
    """The feature columns of the ``chosen`` blocks among rows of ``blocks`` (``dim`` each)."""
    unknown = set(chosen) - set(blocks)
    if unknown:
        raise ConfigError(f"fine_blocks {sorted(unknown)} are not among the config's blocks {list(blocks)}")
    return np.concatenate([np.arange(dim) + dim * list(blocks).index(b) for b in chosen])


def fine_head(x: np.ndarray, y: Sequence[str], columns: np.ndarray, c: float, seed: int) -> LinearHead:
    """The fine-role head fitted on ``columns`` of ``x`` only, over the full rows (zero weights
    on the other columns), so that both heads read the same feature rows."""
    head = fit_linear_head(x[:, columns], y, ALL_FINE_ROLES, multi_label=False, c=c, seed=seed)
    weights = np.zeros((x.shape[1], len(ALL_FINE_ROLES)), dtype=np.float32)
    mean, scale = np.zeros(x.shape[1], dtype=np.float32), np.ones(x.shape[1], dtype=np.float32)
    weights[columns], mean[columns], scale[columns] = head.weights, head.mean, head.scale
    return LinearHead(head.labels, weights, head.bias, mean, scale, multi_label=False)


def topic_of(article_id: str) -> str:
    """The topic part of a SemEval-2025 Task 10 article id (``EN_UA_103`` -> ``EN_UA``; ``EN_CC``:
    climate change, ``EN_UA``: the war in Ukraine)."""
    return "_".join(article_id.split("_")[:2])


def other_topic_figures(
    x: np.ndarray,
    y: np.ndarray,
    article_ids: Sequence[str],
    c: float,
    column_weight: np.ndarray,
    seed: int,
    target: np.ndarray,
) -> dict[str, Any]:
    """Per topic (:func:`topic_of`), the main-role head fitted on the other topics' mentions only,
    its probabilities moved from their mix to ``target`` (as ``predict`` does on unseen data):
    accuracy against the majority role on the topic, and its share of each role."""
    from unspun.training.role_mix import shifted

    topics = np.array([topic_of(a) for a in article_ids])
    out: dict[str, Any] = {}
    for topic in sorted(set(topics)):
        test, train = topics == topic, topics != topic
        if len(set(y[train])) < 2:
            continue
        head = fit_linear_head(
            x[train],
            [MAIN_ROLES[v] for v in y[train]],
            MAIN_ROLES,
            multi_label=False,
            c=c,
            column_weight=column_weight,
            seed=seed,
        )
        prior = np.bincount(y[train], minlength=len(MAIN_ROLES)) / train.sum()
        p = shifted(head.scores(x[test]), prior, target)
        share = np.bincount(y[test], minlength=len(MAIN_ROLES)) / test.sum()
        out[topic] = {
            "mentions": int(test.sum()),
            "main_accuracy": round(float((p.argmax(axis=1) == y[test]).mean()), 4),
            "majority_accuracy": round(float(share.max()), 4),
            "log_loss": round(float(-np.log(np.clip(p[np.arange(len(p)), y[test]], 1e-9, 1)).mean()), 4),
        }
    return out
