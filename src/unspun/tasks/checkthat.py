"""CLEF CheckThat! 2024 Task 1 (English check-worthiness) files.

Input rows are ``Sentence_id<TAB>Text[<TAB>class_label]`` after a header line; the official
submission is ``id<TAB>class_label<TAB>run_id`` after the header ``id	class_label	run_id``, with
``class_label`` ``Yes`` or ``No``. Texts are read verbatim: no quote handling (the debate
sentences carry literal double quotes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspun.errors import FormatError, InputNotFoundError

YES, NO = "Yes", "No"
SUBMISSION_HEADER = "id\tclass_label\trun_id"
DEFAULT_RUN_ID = "unspun"


@dataclass(frozen=True, slots=True)
class CheckworthyRow:
    """One sentence: its id, its text and its gold label (``Yes``/``No``; ``None`` when unlabelled)."""

    id: str
    text: str
    label: str | None = None


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise InputNotFoundError(f"file {path} does not exist; check the path and try again")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [line.rstrip("\r\n") for line in handle if line.strip()]


def normalise_label(value: str, where: str) -> str:
    """``Yes``/``No`` whatever the case; raise FormatError naming ``where`` otherwise."""
    label = value.strip().capitalize()
    if label not in (YES, NO):
        raise FormatError(f"{where}: class_label must be Yes or No, got {value!r}")
    return label


def read_checkthat(path: str | Path) -> list[CheckworthyRow]:
    """Read a CheckThat! sentence file (a header line, then ``Sentence_id<TAB>Text[<TAB>class_label]``).

    Raises InputNotFoundError for a missing file and FormatError for a first line that is not a
    header (its first field not an id column's name, such as ``Sentence_id``: a sentence would be
    dropped unseen), a file with no sentence, a line with fewer than 2 or more than 3 fields, a bad
    label or a repeated id.
    """
    path = Path(path)
    lines = _lines(path)
    if not lines:
        raise FormatError(
            f"{path} is empty; give a CheckThat! TSV (Sentence_id<TAB>Text lines under a header)"
        )
    if not lines[0].split("\t")[0].strip().casefold().endswith("id"):
        raise FormatError(
            f"{path}, line 1: expected the header 'Sentence_id<TAB>Text[<TAB>class_label]', "
            f"got {lines[0][:60]!r}; add that header line"
        )
    if len(lines) == 1:
        raise FormatError(f"{path} has a header but no sentence; add Sentence_id<TAB>Text lines")
    rows: list[CheckworthyRow] = []
    seen: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if not 2 <= len(fields) <= 3:
            raise FormatError(
                f"{path}, line {number}: expected 'Sentence_id<TAB>Text[<TAB>class_label]', "
                f"got {len(fields)} field(s)"
            )
        sentence_id = fields[0].strip()
        if sentence_id in seen:
            raise FormatError(f"{path}, line {number}: sentence id {sentence_id!r} appears twice")
        seen.add(sentence_id)
        label = normalise_label(fields[2], f"{path}, line {number}") if len(fields) == 3 else None
        rows.append(CheckworthyRow(sentence_id, fields[1], label))
    return rows


def read_submission(path: str | Path) -> dict[str, str]:
    """Read an official submission or a gold file as ``{id: Yes|No}``.

    Accepts the submission format (``id<TAB>class_label<TAB>run_id``) and the labelled input
    format (``Sentence_id<TAB>Text<TAB>class_label``): a 3-field line whose 2nd field is not a
    label is read as the input format. The first line is a header. Raises FormatError.
    """
    path = Path(path)
    labels: dict[str, str] = {}
    for number, line in enumerate(_lines(path)[1:], start=2):
        fields = line.split("\t")
        where = f"{path}, line {number}"
        if len(fields) == 3 and fields[1].strip().capitalize() in (YES, NO):
            labels[fields[0].strip()] = normalise_label(fields[1], where)
        elif len(fields) == 3:
            labels[fields[0].strip()] = normalise_label(fields[2], where)
        elif len(fields) == 2:
            labels[fields[0].strip()] = normalise_label(fields[1], where)
        else:
            raise FormatError(
                f"{where}: expected 'id<TAB>class_label<TAB>run_id', got {len(fields)} field(s)"
            )
    return labels


def submission_lines(rows: Iterable[tuple[str, str]], run_id: str = DEFAULT_RUN_ID) -> list[str]:
    """The official submission: the header, then ``id<TAB>Yes|No<TAB>run_id`` per ``(id, label)``."""
    return [SUBMISSION_HEADER, *(f"{sentence_id}\t{label}\t{run_id}" for sentence_id, label in rows)]


def labels_of(rows: Sequence[CheckworthyRow]) -> list[int]:
    """1 for ``Yes``, 0 for ``No``; raise FormatError if a row has no label (training needs them)."""
    if any(row.label is None for row in rows):
        raise FormatError("the sentences carry no class_label; training and evaluation need labelled files")
    return [int(row.label == YES) for row in rows]


# The decision thresholds on the calibrated probability that a check-worthiness trainer chooses
# from (:func:`best_threshold`).
THRESHOLDS = [round(0.1 + 0.05 * i, 2) for i in range(15)]


def f1_yes(y: np.ndarray, p: np.ndarray, threshold: float) -> float:
    """F1 of the Yes class (the official metric, :func:`unspun.tasks.whosays_scorer.score_checkworthy`)
    of the 0/1 labels ``y`` against probabilities ``p`` cut at ``threshold``."""
    pred = np.asarray(p) >= threshold
    gold = np.asarray(y) == 1
    tp = int((pred & gold).sum())
    wrong = int((pred != gold).sum())
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The threshold of :data:`THRESHOLDS` with the best :func:`f1_yes` (ties: the one nearer 0.5)."""
    return max(THRESHOLDS, key=lambda t: (round(f1_yes(y, p, t), 6), -abs(t - 0.5)))


DEBATE_GAP = 20  # a jump of more ids than this between sorted sentence ids starts another debate


def debate_groups(ids: Sequence[str], gap: int = DEBATE_GAP) -> list[int]:
    """The debate of each sentence id: CheckThat! English ids count the sentences of one debate
    in a run, and the runs of two debates are apart by more than ``gap`` ids (the 22,501 training
    sentences fall into 33 runs, the 33 ClaimBuster debates). Debates are numbered in id order;
    ids that are not integers each make a debate of their own."""
    numbers = {i: int(i) for i in ids if i.strip().isdigit()}
    order = sorted(set(numbers.values()))
    debate_of: dict[int, int] = {}
    debate = 0
    for k, n in enumerate(order):
        if k and n - order[k - 1] > gap:
            debate += 1
        debate_of[n] = debate
    out, extra = [], debate + 1
    for i in ids:
        if i in numbers:
            out.append(debate_of[numbers[i]])
        else:
            out.append(extra)
            extra += 1
    return out
