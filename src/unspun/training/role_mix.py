"""Entity roles scored as on a test set with another mix of main roles.

SemEval-2025 Task 10's English train is 70% Antagonist; its dev set about 80% (all-Antagonist
accuracy 0.802 there). Out-of-fold predictions on train are scored twice: as they are (the training
mix) and with each mention weighted by ``target[role] / train[role]`` of its gold main role (the
target mix), beside the majority baseline under each mix; and each with the main-role
probabilities as calibrated and moved to the target's prior (Saerens et al. 2002,
:func:`unspun.pipeline.portrayal.shift_prior`; each fold's training prior from the other folds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from unspun.pipeline.portrayal import prior_ratio
from unspun.tasks.entity_roles import ALL_FINE_ROLES, MAIN_OF, MAIN_ROLES
from unspun.training.calibration import top_class_ece
from unspun.training.role_casting import abstention_figures


def target_prior(prior: np.ndarray, share: float, role: str = "Antagonist") -> np.ndarray:
    """The mix with ``share`` of ``role`` and the rest split between the other roles as in ``prior``."""
    k = MAIN_ROLES.index(role)
    out = np.asarray(prior, dtype=float) * (1.0 - share) / (1.0 - prior[k])
    out[k] = share
    return out


def mix_weights(y: np.ndarray, prior: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per mention (gold main-role index ``y``), the weight that turns the ``prior`` mix into ``target``."""
    return np.asarray(prior_ratio(target, prior)[y], dtype=float)


def shifted(p: np.ndarray, prior: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Rows of probabilities calibrated on the ``prior`` mix, moved to the ``target`` mix."""
    q = p * prior_ratio(target, prior)
    return np.asarray(q / q.sum(axis=1, keepdims=True))


def as_prior(target: Mapping[str, float]) -> np.ndarray:
    """A mix by role name as an array in :data:`MAIN_ROLES` order."""
    return np.array([float(target[r]) for r in MAIN_ROLES])


def shift_folds(p: np.ndarray, y: np.ndarray, folds: Sequence[np.ndarray], target: np.ndarray) -> np.ndarray:
    """Out-of-fold probabilities ``p`` moved to ``target``, each fold from the mix of the other
    folds' gold main roles ``y`` (the mix its calibration was fitted on)."""
    moved = np.zeros_like(p)
    for fold in folds:
        rest = np.setdiff1d(np.arange(len(y)), fold)
        rest_prior = np.bincount(y[rest], minlength=len(MAIN_ROLES)) / len(rest)
        moved[fold] = shifted(p[fold], rest_prior, target)
    return moved


def rule_figures(given: np.ndarray, moved: np.ndarray, y: np.ndarray, target: np.ndarray) -> dict[str, Any]:
    """The pipeline's role-or-none rule under the training mix and the ``target`` mix: coverage,
    right where given and all-Antagonist on the same mentions (:func:`abstention_figures`), for the
    roles it gives (``given``, -1 none) and for the same mentions given the most probable role of
    ``moved`` (entity probabilities shifted to ``target``) instead: the gate unchanged."""
    prior = np.bincount(y, minlength=len(MAIN_ROLES)) / len(y)
    relabelled = np.where(given >= 0, moved.argmax(axis=1), -1)
    antagonist = MAIN_ROLES.index("Antagonist")
    out: dict[str, Any] = {}
    for name, w in (("train_mix", np.ones(len(y))), ("target_mix", mix_weights(y, prior, target))):
        out[name] = {
            "calibrated": abstention_figures(y, given, antagonist, w),
            "shifted": abstention_figures(y, relabelled, antagonist, w),
        }
    return out


def _fine_roles(main: np.ndarray, fine_scores: np.ndarray) -> list[str]:
    """The best fine role of each row's main role (as :func:`~unspun.pipeline.portrayal.decide_roles`)."""
    allowed = {
        k: [j for j, f in enumerate(ALL_FINE_ROLES) if MAIN_OF[f] == role]
        for k, role in enumerate(MAIN_ROLES)
    }
    return [
        ALL_FINE_ROLES[max(allowed[int(k)], key=lambda j: row[j])]
        for k, row in zip(main, fine_scores, strict=True)
    ]


def _scores(
    main: np.ndarray, fine: Sequence[str], y: np.ndarray, gold: Sequence[set[str]], w: np.ndarray
) -> dict[str, float]:
    exact = np.array([{f} == g for f, g in zip(fine, gold, strict=True)], dtype=float)
    return {
        "main_accuracy": round(float(np.average(main == y, weights=w)), 4),
        "emr": round(float(np.average(exact, weights=w)), 4),
    }


def mix_figures(
    calibrated: np.ndarray,
    fine_scores: np.ndarray,
    y: np.ndarray,
    gold_fine: Sequence[Sequence[str]],
    folds: Sequence[np.ndarray],
    target: Mapping[str, float],
) -> dict[str, Any]:
    """Main-role accuracy, exact-match ratio of the fine-role set, ECE of the top role and log loss
    of the main role under the training mix and under ``target`` (by role name), for the
    out-of-fold ``calibrated`` main-role probabilities as they are and shifted to ``target`` (each
    fold from the other folds' prior),
    with the majority baseline (the majority main role and its most frequent lone fine role)."""
    prior = np.bincount(y, minlength=len(MAIN_ROLES)) / len(y)
    goal = as_prior(target)
    moved = shift_folds(calibrated, y, folds, goal)
    gold = [set(g) & set(ALL_FINE_ROLES) for g in gold_fine]
    majority = int(prior.argmax())
    lone = [f for f in ALL_FINE_ROLES if MAIN_OF[f] == MAIN_ROLES[majority]]
    majority_fine = max(lone, key=lambda f: sum(g == {f} for g in gold))
    out: dict[str, Any] = {
        "target_prior": {r: round(float(v), 4) for r, v in zip(MAIN_ROLES, goal, strict=True)},
        "train_prior": {r: round(float(v), 4) for r, v in zip(MAIN_ROLES, prior, strict=True)},
    }
    for name, w in (("train_mix", np.ones(len(y))), ("target_mix", mix_weights(y, prior, goal))):
        figures: dict[str, Any] = {
            "majority": _scores(np.full(len(y), majority), [majority_fine] * len(y), y, gold, w)
        }
        for label, p in (("calibrated", calibrated), ("shifted", moved)):
            main = p.argmax(axis=1)
            right = np.clip(p[np.arange(len(y)), y], 1e-9, 1.0)
            figures[label] = _scores(main, _fine_roles(main, fine_scores), y, gold, w) | {
                "ece": round(top_class_ece(p, y, weights=w), 4),
                "log_loss": round(float(np.average(-np.log(right), weights=w)), 4),
            }
        out[name] = figures
    return out
