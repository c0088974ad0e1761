"""The SemEval-2023 Task 3 scorers: subtask 1 (genre), 2 (frames) and 3 (paragraph techniques).

Pure functions that reproduce the organisers' scorers and their parsing quirks (SCORING.md (c)):

* subtask 1: macro-F1 over the classes present in gold or predictions; micro-F1 = accuracy;
* subtask 2: micro-F1 over 14 frames; macro-F1 with F1 = 1 for a frame nobody uses;
* subtask 3: keyed by ``article_id + "_" + paragraph_no``; micro-F1 over 23 techniques; macro-F1
  with F1 = 1 for a technique absent from both sides.

Parsed labels are dicts ``{id: label}`` (subtask 1) or ``{id: [labels]}`` (subtasks 2 and 3);
a later line with the same id replaces an earlier one. Problems raise FormatError.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from importlib.resources import files
from pathlib import Path

from unspun.errors import FormatError, InputNotFoundError

GENRES: tuple[str, ...] = ("reporting", "opinion", "satire")


def _inventory(name: str) -> tuple[str, ...]:
    text = files("unspun").joinpath("data", "labels", name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


FRAMES: tuple[str, ...] = _inventory("frames_subtask2.txt")
TECHNIQUES_23: tuple[str, ...] = _inventory("techniques_subtask3.txt")


# ----------------------------------------------------------------------------- reading


def _read_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise InputNotFoundError(f"labels file {path} does not exist; check the path and try again")
    with open(path, encoding="utf-8") as handle:  # universal newlines, as the official scorer
        return handle.readlines()


def read_genre_file(path: Path) -> dict[str, str]:
    """Read subtask-1 labels (``id<TAB>genre``); duplicate ids keep the last line.

    Raises FormatError naming the file and line for a line without exactly 2 fields.
    """
    labels: dict[str, str] = {}
    for number, line in enumerate(_read_lines(path), start=1):
        fields = line.rstrip().split("\t")
        if len(fields) != 2:
            raise FormatError(f"{path}, line {number}: expected 'id<TAB>genre', got {len(fields)} field(s)")
        labels[fields[0]] = fields[1]
    return labels


def read_frames_file(path: Path) -> dict[str, list[str]]:
    """Read subtask-2 labels (``id<TAB>frame,frame,...``); ``id<TAB>`` + newline is an empty list.

    As in the official scorer, a last line ``id<TAB>`` without a final newline yields the label
    "" (rejected later by the frame check). Raises FormatError for a line without a TAB.
    """
    labels: dict[str, list[str]] = {}
    for number, line in enumerate(_read_lines(path), start=1):
        if "\t" not in line:
            raise FormatError(f"{path}, line {number}: expected 'id<TAB>frame,frame,...', found no TAB")
        article, rest = line.split("\t", 1)
        empty = line.index("\t") == len(line) - 2  # the official test: TAB second-to-last
        labels[article] = [] if empty else rest.rstrip().split(",")
    return labels


def read_paragraphs_file(path: Path) -> dict[str, list[str]]:
    """Read subtask-3 labels (``id<TAB>paragraph_no[<TAB>tech,tech,...]``) keyed ``id_paragraph``.

    Two fields or an empty third field mean no technique. Raises FormatError naming the file
    and line when a line has not 2 or 3 fields.
    """
    labels: dict[str, list[str]] = {}
    for number, line in enumerate(_read_lines(path), start=1):
        fields = line.rstrip().split("\t")
        if len(fields) not in (2, 3):
            raise FormatError(
                f"{path}, line {number}: expected 'id<TAB>paragraph_no<TAB>techniques', "
                f"got {len(fields)} field(s)"
            )
        techniques = fields[2].split(",") if len(fields) == 3 and fields[2] else []
        labels[f"{fields[0]}_{fields[1]}"] = techniques
    return labels


# ----------------------------------------------------------------------------- checks


def _check_ids(gold: Collection[str], pred: Collection[str], what: str) -> None:
    """``what`` is the plural noun (``articles``); one is said without its ``s``."""
    if len(gold) != len(pred) or set(gold) != set(pred):
        missing, extra = sorted(set(gold) - set(pred)), sorted(set(pred) - set(gold))

        def counted(n: int) -> str:
            return f"{n} {what.removesuffix('s') if n == 1 else what}"

        raise FormatError(
            f"predictions have {counted(len(pred))} but the gold has {counted(len(gold))} (missing "
            f"{missing[:5]}, extra {extra[:5]}); predict exactly the gold's {what}"
        )


def _check_labels(pred: Mapping[str, Sequence[str]], known: Sequence[str], what: str) -> None:
    allowed = set(known)
    for key, labels in pred.items():
        for label in labels:
            if label not in allowed:
                raise FormatError(
                    f"{key}: unknown {what} {label!r} in the predictions; use one of {list(known)}"
                )


# ----------------------------------------------------------------------------- scoring


def _f1(tp: int, fp: int, fn: int, empty: float) -> float:
    denominator = 2 * tp + fp + fn
    return 2 * tp / denominator if denominator else empty


def score_genre_labels(gold: Mapping[str, str], pred: Mapping[str, str]) -> tuple[float, float]:
    """Subtask 1: return ``(macro_f1, micro_f1)``.

    Macro-F1 averages per-class F1 over the classes found in gold or predictions; micro-F1 is
    accuracy. Raises FormatError for an unknown genre or differing id sets.
    """
    _check_labels({key: [label] for key, label in pred.items()}, GENRES, "genre")
    _check_ids(gold, pred, "articles")
    pairs = [(gold[key], pred[key]) for key in gold]
    classes = sorted({label for pair in pairs for label in pair})
    per_class = [
        _f1(
            sum(g == p == c for g, p in pairs),
            sum(p == c != g for g, p in pairs),
            sum(g == c != p for g, p in pairs),
            0.0,
        )
        for c in classes
    ]
    macro = sum(per_class) / len(per_class) if per_class else 0.0
    micro = sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0
    return macro, micro


def _multilabel(
    gold: Mapping[str, Sequence[str]], pred: Mapping[str, Sequence[str]], labels: Sequence[str]
) -> tuple[float, float]:
    """Micro- and macro-F1 of binarised multi-label data; F1 = 1 where nothing is counted."""
    counts = {label: [0, 0, 0] for label in labels}  # tp, fp, fn; labels outside the list are ignored
    for key, gold_labels in gold.items():
        truth, guess = set(gold_labels), set(pred[key])
        for label, count in counts.items():
            count[0] += int(label in truth and label in guess)
            count[1] += int(label in guess and label not in truth)
            count[2] += int(label in truth and label not in guess)
    tp, fp, fn = (sum(count[i] for count in counts.values()) for i in range(3))
    micro = _f1(tp, fp, fn, empty=1.0)
    macro = sum(_f1(c[0], c[1], c[2], empty=1.0) for c in counts.values()) / len(counts)
    return micro, macro


def score_frame_labels(
    gold: Mapping[str, Sequence[str]], pred: Mapping[str, Sequence[str]]
) -> tuple[float, float]:
    """Subtask 2: return ``(micro_f1, macro_f1)`` over the 14 frames.

    Raises FormatError for a frame not in the inventory or differing id sets.
    """
    _check_labels(pred, FRAMES, "frame")
    _check_ids(gold, pred, "articles")
    return _multilabel(gold, pred, FRAMES)


def score_paragraph_labels(
    gold: Mapping[str, Sequence[str]], pred: Mapping[str, Sequence[str]]
) -> tuple[float, float]:
    """Subtask 3: return ``(micro_f1, macro_f1)`` over the 23 techniques, keys ``id_paragraph``.

    Raises FormatError for a technique not in the inventory or differing paragraph sets.
    """
    _check_labels(pred, TECHNIQUES_23, "technique")
    _check_ids(gold, pred, "paragraphs")
    return _multilabel(gold, pred, TECHNIQUES_23)
