"""The official-style scorers of the who-says-what tasks: pure functions on labels in memory.

========================= ================================================ ===============================
task                      pairs gold and predictions by                    metric keys
========================= ================================================ ===============================
checkworthy               sentence id                                      checkworthy_f1 (F1 of Yes, the
                                                                           official one), _precision,
                                                                           _recall, _accuracy
target-sentiment          ``<primary_gid>#<target index>``                 sentiment_macro_f1 (official),
                                                                           sentiment_accuracy,
                                                                           sentiment_f1 (per class)
entity-roles              ``(article_id, start, end)``                     roles_emr (exact match ratio of
                                                                           the fine-grained role sets,
                                                                           official), roles_micro_precision,
                                                                           roles_micro_recall,
                                                                           roles_micro_f1, roles_main_accuracy
========================= ================================================ ===============================

As the organisers' scorers do, every gold item must be predicted (FormatError otherwise);
predicted items that are not in the gold are ignored. An F1 with nothing predicted and nothing
gold is 0, as scikit-learn's ``zero_division=0``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from unspun.errors import FormatError
from unspun.tasks.checkthat import YES, read_submission
from unspun.tasks.entity_roles import ALL_FINE_ROLES, RoleMention, read_roles
from unspun.tasks.newsmtsc import SENTIMENTS, polarity_labels

Metrics = dict[str, float | dict[str, float]]


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _paired(gold: Mapping[Any, object], pred: Mapping[Any, object], what: str) -> None:
    if not gold:
        raise FormatError(f"the gold file holds no {what}; check that it is the right file")
    missing = [key for key in gold if key not in pred]
    if missing:
        raise FormatError(
            f"{len(missing)} of {len(gold)} gold {what} have no prediction (first: {missing[0]!r}); "
            "predict every item of the gold file"
        )


def score_checkworthy(gold: Mapping[str, str], pred: Mapping[str, str]) -> Metrics:
    """CheckThat! 2024 Task 1 on ``{sentence_id: "Yes" | "No"}``: F1 of the Yes class (official),
    its precision and recall, and accuracy. Raises FormatError if a gold sentence is not predicted."""
    _paired(gold, pred, "sentences")
    tp = sum(gold[k] == YES and pred[k] == YES for k in gold)
    fp = sum(gold[k] != YES and pred[k] == YES for k in gold)
    fn = sum(gold[k] == YES and pred[k] != YES for k in gold)
    precision, recall, f1 = _f1(tp, fp, fn)
    accuracy = sum(gold[k] == pred[k] for k in gold) / len(gold)
    return {
        "checkworthy_f1": f1,
        "checkworthy_precision": precision,
        "checkworthy_recall": recall,
        "checkworthy_accuracy": accuracy,
    }


def score_target_sentiment(gold: Mapping[str, str], pred: Mapping[str, str]) -> Metrics:
    """NewsMTSC on ``{target key: negative | neutral | positive}``: macro-F1 over the three classes
    (official), accuracy and the per-class F1. Raises FormatError if a gold target is not predicted."""
    _paired(gold, pred, "targets")
    per_class = {}
    for name in SENTIMENTS:
        tp = sum(gold[k] == name and pred[k] == name for k in gold)
        fp = sum(gold[k] != name and pred[k] == name for k in gold)
        fn = sum(gold[k] == name and pred[k] != name for k in gold)
        per_class[name] = _f1(tp, fp, fn)[2]
    return {
        "sentiment_macro_f1": sum(per_class.values()) / len(per_class),
        "sentiment_accuracy": sum(gold[k] == pred[k] for k in gold) / len(gold),
        "sentiment_f1": per_class,
    }


RoleKey = tuple[str, int, int]


def role_map(mentions: Sequence[RoleMention]) -> dict[RoleKey, tuple[str | None, tuple[str, ...]]]:
    """``{(article_id, start, end): (main_role, fine_roles)}``; a later line for a key replaces an earlier."""
    return {(m.article_id, m.start, m.end): (m.main_role, m.fine_roles) for m in mentions}


def score_entity_roles(
    gold: Mapping[RoleKey, tuple[str | None, Collection[str]]],
    pred: Mapping[RoleKey, tuple[str | None, Collection[str]]],
) -> Metrics:
    """SemEval-2025 Task 10 subtask 1 on ``{(article_id, start, end): (main_role, fine_roles)}``:
    the exact match ratio of the fine-grained role sets (official), micro precision / recall / F1
    over the 22 fine-grained roles and the main-role accuracy. Raises FormatError if a gold mention
    is not predicted."""
    _paired(gold, pred, "mentions")
    exact = tp = fp = fn = main = 0
    for key, (gold_main, gold_fine) in gold.items():
        pred_main, pred_fine = pred[key]
        g = set(gold_fine) & set(ALL_FINE_ROLES)
        p = set(pred_fine) & set(ALL_FINE_ROLES)
        exact += g == p
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
        main += gold_main == pred_main
    precision, recall, f1 = _f1(tp, fp, fn)
    return {
        "roles_emr": exact / len(gold),
        "roles_micro_precision": precision,
        "roles_micro_recall": recall,
        "roles_micro_f1": f1,
        "roles_main_accuracy": main / len(gold),
    }


# ----------------------------------------------------------------------------- files


def evaluate_checkworthy_files(gold: Path, pred: Path) -> Metrics:
    """Score a CheckThat! submission (``id<TAB>class_label<TAB>run_id``) against a labelled file."""
    return score_checkworthy(read_submission(gold), read_submission(pred))


def evaluate_target_sentiment_files(gold: Path, pred: Path) -> Metrics:
    """Score NewsMTSC predictions (the input rows with polarities set) against the gold rows."""
    return score_target_sentiment(polarity_labels(gold), polarity_labels(pred))


def evaluate_entity_roles_files(gold: Path, pred: Path) -> Metrics:
    """Score SemEval-2025 subtask 1 predictions against the annotations file."""
    return score_entity_roles(role_map(read_roles(gold)), role_map(read_roles(pred)))


FILE_SCORERS: dict[str, Callable[[Path, Path], Metrics]] = {
    "checkworthy": evaluate_checkworthy_files,
    "target-sentiment": evaluate_target_sentiment_files,
    "entity-roles": evaluate_entity_roles_files,
}
