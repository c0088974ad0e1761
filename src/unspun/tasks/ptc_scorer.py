"""The SemEval-2020 Task 11 scorers (SI: span identification, TC: technique classification).

Pure functions that re-implement the organisers' scorers so that they give the same numbers,
quirks included (see SCORING.md (a) and (b) in the shared data folder):

* SI: spans sharing a character are merged per article, transitively (touching spans are not);
  every (predicted, gold) pair of the same article earns partial-overlap credit.
* TC: predictions must follow the gold's spans; multi-label spans are aligned by the official
  greedy loop, whose skip rule can swallow the start of the next run of identical spans.

Rows are tuples in file order: SI ``(article_id, start, end)``, TC ``(article_id, technique,
start, end)``. Malformed input raises :class:`unspun.errors.FormatError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from unspun.errors import FormatError, InputNotFoundError
from unspun.techniques import PTC14_LABELS

SIRow = tuple[str, int, int]
TCRow = tuple[str, str, int, int]


@dataclass(frozen=True, slots=True)
class SIScore:
    """SI precision, recall and F1, with the span counts (after merging) behind them."""

    precision: float
    recall: float
    f1: float
    pred_spans: int
    gold_spans: int


@dataclass(frozen=True, slots=True)
class TCScore:
    """TC micro-F1 (= accuracy) and, for information, F1 per technique (labels sorted)."""

    micro_f1: float
    per_technique: dict[str, float]


# ----------------------------------------------------------------------------- reading


def _read_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise InputNotFoundError(f"labels file {path} does not exist; check the path and try again")
    with open(path, encoding="utf-8") as handle:
        return handle.readlines()


def _offsets(start: str, end: str, where: str) -> tuple[int, int]:
    try:
        begin, stop = int(start), int(end)
    except ValueError:
        raise FormatError(f"{where}: offsets {start!r}, {end!r} are not integers; fix the line") from None
    check_offsets(begin, stop, where)
    return begin, stop


def check_offsets(start: int, end: int, where: str) -> None:
    """Raise FormatError unless ``0 <= start < end`` (the official abort condition)."""
    if start < 0 or start >= end:
        raise FormatError(f"{where}: span [{start}, {end}) needs 0 <= start < end; fix or drop the line")


def read_si_file(path: Path) -> list[SIRow]:
    """Read an SI labels file (``id<TAB>start<TAB>end`` per line) into rows in file order.

    Raises FormatError naming the file and line when a line has not exactly 3 fields or bad
    offsets, and InputNotFoundError when the file is missing.
    """
    rows: list[SIRow] = []
    for number, line in enumerate(_read_lines(path), start=1):
        where = f"{path}, line {number}"
        fields = line.rstrip().split("\t")
        if len(fields) != 3:
            raise FormatError(f"{where}: expected 3 TAB-separated fields (id, start, end), got {len(fields)}")
        rows.append((fields[0], *_offsets(fields[1], fields[2], where)))
    return rows


def read_tc_file(path: Path, techniques: Iterable[str] = PTC14_LABELS) -> list[TCRow]:
    """Read a TC labels file (``id<TAB>technique<TAB>start<TAB>end`` per line) in file order.

    Raises FormatError naming the file and line for a blank line, a line without exactly 4
    fields, a technique not in ``techniques`` or bad offsets.
    """
    known = set(techniques)
    rows: list[TCRow] = []
    for number, line in enumerate(_read_lines(path), start=1):
        where = f"{path}, line {number}"
        fields = line.rstrip().split("\t")
        if len(fields) != 4:
            raise FormatError(
                f"{where}: expected 4 TAB-separated fields (id, technique, start, end), got {len(fields)}"
            )
        if fields[1] not in known:
            raise FormatError(f"{where}: unknown technique {fields[1]!r}; use one of {sorted(known)}")
        rows.append((fields[0], fields[1], *_offsets(fields[2], fields[3], where)))
    return rows


# ----------------------------------------------------------------------------- SI


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge spans sharing at least one character, transitively; touching spans stay apart.

    ``[(0, 5), (3, 8), (8, 9)]`` -> ``[(0, 8), (8, 9)]``. The result is sorted by start.
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _group_spans(rows: Sequence[SIRow], name: str) -> dict[str, list[tuple[int, int]]]:
    groups: dict[str, list[tuple[int, int]]] = {}
    for number, (article, start, end) in enumerate(rows, start=1):
        check_offsets(start, end, f"{name} row {number}")
        groups.setdefault(article, []).append((start, end))
    return groups


def _has_overlap(spans: list[tuple[int, int]]) -> bool:
    ordered = sorted(spans)
    return any(nxt[0] < cur[1] for cur, nxt in zip(ordered, ordered[1:], strict=False))


def score_si_rows(gold: Sequence[SIRow], pred: Sequence[SIRow], *, merge: bool = True) -> SIScore:
    """Score SI predictions against gold rows exactly as the official scorer with ``-m`` does.

    With ``merge=False`` overlapping predictions of one article are rejected instead of merged.
    Raises FormatError for bad offsets, unmerged overlaps or more predicted articles than gold.
    """
    gold_groups = {a: merge_spans(s) for a, s in _group_spans(gold, "gold").items()}
    pred_raw = _group_spans(pred, "prediction")
    if len(pred_raw) > len(gold_groups):
        raise FormatError(
            f"predictions cover {len(pred_raw)} articles but the gold only {len(gold_groups)}; "
            "predict only the gold articles"
        )
    if not merge:
        for article, spans in pred_raw.items():
            if _has_overlap(spans):
                raise FormatError(f"article {article}: predicted spans overlap; merge them or use merge=True")
    pred_groups = {a: merge_spans(s) for a, s in pred_raw.items()}
    prec_num = rec_num = 0.0
    for article, spans in pred_groups.items():
        for s_start, s_end in spans:
            for t_start, t_end in gold_groups.get(article, []):
                inter = min(s_end, t_end) - max(s_start, t_start)
                if inter > 0:
                    prec_num += inter / (s_end - s_start)
                    rec_num += inter / (t_end - t_start)
    pred_den = sum(len(s) for s in pred_groups.values())
    gold_den = sum(len(s) for s in gold_groups.values())
    precision = prec_num / pred_den if pred_den else 0.0
    recall = rec_num / gold_den if gold_den else 0.0
    if precision > 0 and recall > 0:
        f1 = 2 * precision * recall / (precision + recall)
    else:
        f1 = 1.0 if pred_den == 0 and gold_den == 0 else 0.0
    return SIScore(precision, recall, f1, pred_den, gold_den)


# ----------------------------------------------------------------------------- TC


def _group_tc(rows: Sequence[TCRow], known: set[str], name: str) -> dict[str, list[tuple[str, int, int]]]:
    groups: dict[str, list[tuple[str, int, int]]] = {}  # dicts keep first-appearance order
    for number, (article, label, start, end) in enumerate(rows, start=1):
        where = f"{name} row {number}"
        if label not in known:
            raise FormatError(f"{where}: unknown technique {label!r}; use one of {sorted(known)}")
        check_offsets(start, end, where)
        groups.setdefault(article, []).append((label, start, end))
    return groups


def _check_agreement(
    gold: dict[str, list[tuple[str, int, int]]], pred: dict[str, list[tuple[str, int, int]]]
) -> None:
    if set(gold) != set(pred):
        missing, extra = sorted(set(gold) - set(pred)), sorted(set(pred) - set(gold))
        raise FormatError(
            f"prediction articles differ from the gold (missing {missing[:5]}, extra {extra[:5]}); "
            "fill in the TC template file"
        )
    for article, rows in gold.items():
        if len(rows) != len(pred[article]):
            raise FormatError(
                f"article {article}: {len(pred[article])} predicted lines but {len(rows)} gold lines; "
                "fill in the TC template file"
            )
        for index, (g, p) in enumerate(zip(rows, pred[article], strict=True)):
            if g[1:] != p[1:]:
                raise FormatError(
                    f"article {article}: sorted line {index + 1} has span {p[1:]} but the gold has {g[1:]}; "
                    "predict exactly the template's spans"
                )


def align_labels(gold: list[tuple[str, int, int]], pred: list[tuple[str, int, int]]) -> None:
    """Align one article's multi-label spans in place, emulating the official loop exactly.

    Both lists must be sorted by start (stably) with equal spans position by position. At each
    position i the first equal-label pair within the two runs of identical spans is swapped to
    i; if none exists the loop also skips while pred[i] and pred[i+1] share a span, which can
    swallow the start of the next run (a known quirk that lowers the official score slightly).
    """
    i = 0
    while i < len(gold):
        gold_end = i
        while gold_end + 1 < len(gold) and gold[gold_end + 1][1:] == gold[i][1:]:
            gold_end += 1
        pred_end = i
        while pred_end + 1 < len(pred) and pred[pred_end + 1][1:] == pred[i][1:]:
            pred_end += 1
        pair = next(
            (
                (g, p)
                for g in range(i, gold_end + 1)
                for p in range(i, pred_end + 1)
                if gold[g][0] == pred[p][0]
            ),
            None,
        )
        i += 1
        if pair is None:
            while i + 1 < len(pred) and pred[i][1:] == pred[i + 1][1:]:
                i += 1
        else:
            g, p = pair
            gold[i - 1], gold[g] = gold[g], gold[i - 1]
            pred[i - 1], pred[p] = pred[p], pred[i - 1]


def score_tc_rows(
    gold: Sequence[TCRow], pred: Sequence[TCRow], techniques: Iterable[str] = PTC14_LABELS
) -> TCScore:
    """Score TC predictions against gold rows as the official scorer does.

    Articles are concatenated in each file's own order of first appearance, so predictions must
    list articles in the gold's order to be scored fairly. Raises FormatError when the article
    sets, line counts or sorted spans differ, or a technique is not in ``techniques``.
    """
    labels = sorted(set(techniques))
    known = set(labels)
    gold_groups = _group_tc(gold, known, "gold")
    pred_groups = _group_tc(pred, known, "prediction")
    for groups in (gold_groups, pred_groups):
        for article in groups:
            groups[article] = sorted(groups[article], key=lambda row: row[1])  # stable: ties keep order
    _check_agreement(gold_groups, pred_groups)
    for article, rows in gold_groups.items():
        align_labels(rows, pred_groups[article])
    gold_labels = [row[0] for rows in gold_groups.values() for row in rows]
    pred_labels = [row[0] for rows in pred_groups.values() for row in rows]
    correct = sum(g == p for g, p in zip(gold_labels, pred_labels, strict=True))
    micro = correct / len(gold_labels) if gold_labels else 0.0
    per_technique = {label: _f1_for(label, gold_labels, pred_labels) for label in labels}
    return TCScore(micro, per_technique)


def _f1_for(label: str, gold: list[str], pred: list[str]) -> float:
    tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
    fp = sum(p == label and g != label for g, p in zip(gold, pred, strict=True))
    fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
    denominator = 2 * tp + fp + fn
    return 2 * tp / denominator if denominator else 0.0  # scikit-learn's zero_division default
