"""Evaluate predictions with the official scorers, from files or from memory.

``evaluate(task, gold, pred)`` is what ``unspun evaluate`` calls; the ``score_*`` functions take
rows already in memory (the benchmarks use them). All return flat metric dicts:

========== ======================================================= =========================
task       files                                                   metric keys
========== ======================================================= =========================
si         ``id<TAB>start<TAB>end``                                si_f1, si_precision, si_recall
tc         ``id<TAB>technique<TAB>start<TAB>end``                  tc_micro_f1, tc_per_technique
genre      ``id<TAB>genre``                                        genre_macro_f1, genre_micro_f1
frames     ``id<TAB>frame,frame,...``                              frames_micro_f1, frames_macro_f1
paragraphs ``id<TAB>paragraph_no<TAB>tech,tech,...``               paragraphs_micro_f1, paragraphs_macro_f1
========== ======================================================= =========================

``attributions`` reads JSONL rows ``{"id", "source", "cue", "content"}`` on both sides (the gold
made by :func:`unspun.tasks.polnear.polnear_to_jsonl`) and gives exact-match
``attribution_{source,cue,content}_{f1,precision,recall}`` (:mod:`unspun.tasks.attribution_scorer`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from unspun.errors import ConfigError
from unspun.tasks import ptc_scorer as ptc
from unspun.tasks import semeval2023_scorer as se23
from unspun.tasks.whosays_scorer import FILE_SCORERS

Metrics = dict[str, float | dict[str, float]]
MultiLabels = Mapping[str, Sequence[str]] | Sequence[tuple[str, Sequence[str]]]
ParagraphLabels = Mapping[str, Sequence[str]] | Sequence[tuple[str, int | str, Sequence[str]]]


def score_si(gold: Sequence[tuple[str, int, int]], pred: Sequence[tuple[str, int, int]]) -> Metrics:
    """SemEval-2020 SI on ``(article_id, start, end)`` rows; overlapping spans are merged.

    Raises FormatError for bad offsets or more predicted articles than gold articles.
    """
    score = ptc.score_si_rows(gold, pred, merge=True)
    return {"si_f1": score.f1, "si_precision": score.precision, "si_recall": score.recall}


def score_tc(gold: Sequence[tuple[str, str, int, int]], pred: Sequence[tuple[str, str, int, int]]) -> Metrics:
    """SemEval-2020 TC on ``(article_id, technique, start, end)`` rows in file order.

    Raises FormatError when the predictions do not follow the gold's articles and spans.
    """
    score = ptc.score_tc_rows(gold, pred)
    return {"tc_micro_f1": score.micro_f1, "tc_per_technique": score.per_technique}


def score_genre(
    gold: Mapping[str, str] | Sequence[tuple[str, str]], pred: Mapping[str, str] | Sequence[tuple[str, str]]
) -> Metrics:
    """SemEval-2023 subtask 1 on ``{id: genre}`` (or ``(id, genre)`` pairs, last one wins).

    Raises FormatError for an unknown genre or differing article sets.
    """
    macro, micro = se23.score_genre_labels(dict(gold), dict(pred))
    return {"genre_macro_f1": macro, "genre_micro_f1": micro}


def score_frames(gold: MultiLabels, pred: MultiLabels) -> Metrics:
    """SemEval-2023 subtask 2 on ``{id: [frames]}`` (or ``(id, frames)`` pairs).

    Raises FormatError for an unknown frame or differing article sets.
    """
    micro, macro = se23.score_frame_labels(dict(gold), dict(pred))
    return {"frames_micro_f1": micro, "frames_macro_f1": macro}


def _paragraph_keys(labels: ParagraphLabels) -> dict[str, Sequence[str]]:
    if isinstance(labels, Mapping):
        return dict(labels)
    return {f"{article}_{paragraph}": techniques for article, paragraph, techniques in labels}


def score_paragraphs(gold: ParagraphLabels, pred: ParagraphLabels) -> Metrics:
    """SemEval-2023 subtask 3 on ``(id, paragraph_no, [techniques])`` rows or ``{"id_no": [...]}``.

    Raises FormatError for an unknown technique or differing paragraph sets.
    """
    micro, macro = se23.score_paragraph_labels(_paragraph_keys(gold), _paragraph_keys(pred))
    return {"paragraphs_micro_f1": micro, "paragraphs_macro_f1": macro}


def _si(gold: Path, pred: Path) -> Metrics:
    return score_si(ptc.read_si_file(gold), ptc.read_si_file(pred))


def _tc(gold: Path, pred: Path) -> Metrics:
    return score_tc(ptc.read_tc_file(gold), ptc.read_tc_file(pred))


def _genre(gold: Path, pred: Path) -> Metrics:
    return score_genre(se23.read_genre_file(gold), se23.read_genre_file(pred))


def _frames(gold: Path, pred: Path) -> Metrics:
    return score_frames(se23.read_frames_file(gold), se23.read_frames_file(pred))


def _paragraphs(gold: Path, pred: Path) -> Metrics:
    return score_paragraphs(se23.read_paragraphs_file(gold), se23.read_paragraphs_file(pred))


def _attributions(gold: Path, pred: Path) -> Metrics:
    from unspun.tasks.attribution_scorer import read_attribution_jsonl, score_attribution_rows

    return dict(score_attribution_rows(read_attribution_jsonl(gold), read_attribution_jsonl(pred)))


TASKS: dict[str, Callable[[Path, Path], Metrics]] = {
    "si": _si,
    "tc": _tc,
    "genre": _genre,
    "frames": _frames,
    "paragraphs": _paragraphs,
    "attributions": _attributions,
    **FILE_SCORERS,  # checkworthy, target-sentiment, entity-roles (unspun.tasks.whosays_scorer)
}


def evaluate(task: str, gold: Path, pred: Path) -> Metrics:
    """Score the prediction file ``pred`` against the gold file ``gold`` for one task.

    ``task`` is one of ``si``, ``tc`` (SemEval-2020 Task 11), ``genre``, ``frames``,
    ``paragraphs`` (SemEval-2023 Task 3 subtasks 1-3). Returns flat metric keys (see the module
    docstring). Raises ConfigError for an unknown task, InputNotFoundError for a missing file and
    FormatError for a malformed or mismatched file.
    """
    try:
        scorer = TASKS[task]
    except KeyError:
        raise ConfigError(f"unknown evaluation task {task!r}; use one of {', '.join(TASKS)}") from None
    return scorer(Path(gold), Path(pred))
