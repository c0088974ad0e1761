"""The shipped default pipeline says what it said when the fixture was recorded, on a few fixed texts.

``tests/fixtures/regression/expected.json`` holds the spans, scores, genre, frames, paragraph
techniques and persuasion score of the default pipeline on a few texts (written by
``tests/fixtures/regression/outputs.py``). A refactoring must not change them; a deliberate model
or decoding change re-records the fixture and says so in its commit::

    UNSPUN_RECORD_REGRESSION=1 python -m pytest -q tests/test_regression_outputs.py

(the same run as the check, in the suite's hermetic environment: it writes the fixture, then
compares with it). ``git diff tests/fixtures/regression/expected.json`` then shows what changed.

The comparison holds on any x86-64 CPU: the int8 ONNX kernels give slightly different floats on
CPUs with other instruction sets (a persuasion score of 0.8440 against 0.8334 recorded, a span cut in
two), and the encoders already run on one thread each. So labels are compared exactly (language,
genre, frames, paragraph boundaries), scores within :data:`SCORE_TOLERANCE`, and spans by technique
and boundaries: each span on one side has a span of the same technique on the other, both of its
boundaries within :data:`BOUNDARY_TOLERANCE` characters (a span cut in two is joined first).
Only a low-scored span or paragraph technique (below :data:`LOW_SCORE`), one per text at most, may
appear on one side alone. A new model, a changed decoding or a shifted offset breaks these.
"""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "regression"
EXPECTED = FIXTURES / "expected.json"
RECORD = os.environ.get("UNSPUN_RECORD_REGRESSION", "") not in {"", "0"}

SCORE_TOLERANCE = 0.05  # scores differ by ~0.01 between CPUs; a retrained head moves them further
BOUNDARY_TOLERANCE = 5  # characters: a boundary moved by a word is a real change
LOW_SCORE = 0.2  # a label on one side alone must score below this (near the decision thresholds)

Span = tuple[int, int, str, float]


def _outputs_module() -> Any:
    spec = importlib.util.spec_from_file_location("regression_outputs", FIXTURES / "outputs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def actual() -> dict[str, Any]:
    result: dict[str, Any] = _outputs_module().outputs()
    if RECORD:
        EXPECTED.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return result


@dataclass(frozen=True)
class Difference:
    """One output beyond the tolerances; ``one_sided`` is the score of a span or paragraph
    technique found on one side alone (``None`` for any other difference)."""

    what: str
    one_sided: float | None = None


def joined(spans: list[Span]) -> list[Span]:
    """``spans`` with spans of one technique at most :data:`BOUNDARY_TOLERANCE` characters apart
    joined into one (scored by the highest): a span cut in two on another CPU is the same finding."""
    result: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[2], s[0])):
        last = result[-1] if result else None
        if last is not None and last[2] == span[2] and span[0] - last[1] <= BOUNDARY_TOLERANCE:
            result[-1] = (last[0], max(last[1], span[1]), last[2], max(last[3], span[3]))
        else:
            result.append(span)
    return result


def unmatched_spans(ours: list[Span], theirs: list[Span], side: str) -> list[Difference]:
    """The spans of ``ours`` that no span of ``theirs`` reproduces: one of the same technique with
    both boundaries within :data:`BOUNDARY_TOLERANCE` and its score within :data:`SCORE_TOLERANCE`
    (spans cut in two are joined first, on both sides)."""
    missing = []
    theirs = joined(theirs)
    for start, end, technique, score in joined(ours):
        same = [s for s in theirs if s[2] == technique and s[0] < end and s[1] > start]
        if not same:
            missing.append(Difference(f"span {start}-{end} {technique} {score} {side} only", score))
        elif not any(
            abs(s[0] - start) <= BOUNDARY_TOLERANCE
            and abs(s[1] - end) <= BOUNDARY_TOLERANCE
            and abs(s[3] - score) <= SCORE_TOLERANCE
            for s in same
        ):
            missing.append(Difference(f"span {start}-{end} {technique} {score} {side}, other side {same}"))
    return missing


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[Difference]:
    """What differs between two outputs of one text beyond the tolerances above."""
    found = [
        Difference(f"{name}: {actual[name]!r}, recorded {expected[name]!r}")
        for name in ("language", "genre", "frames")
        if (set(actual[name]) != set(expected[name]) if name == "frames" else actual[name] != expected[name])
    ]
    scores = [("genre_score", actual["genre_score"], expected["genre_score"])]
    scores += [("persuasion_score", actual["persuasion_score"], expected["persuasion_score"])]
    scores += [(f"frame {f}", actual["frame_scores"].get(f), s) for f, s in expected["frame_scores"].items()]
    found += [
        Difference(f"{what}: {a}, recorded {e}")
        for what, a, e in scores
        if a is None or abs(a - e) > SCORE_TOLERANCE
    ]
    recorded = [(s[0], s[1], s[2], s[3]) for s in expected["spans"]]
    predicted = [(s[0], s[1], s[2], s[3]) for s in actual["spans"]]
    found += unmatched_spans(recorded, predicted, "recorded") + unmatched_spans(predicted, recorded, "found")
    if [p[:2] for p in actual["paragraphs"]] != [p[:2] for p in expected["paragraphs"]]:
        return [*found, Difference("paragraph boundaries differ")]
    for (start, _, _, theirs), (_, _, _, ours) in zip(
        expected["paragraphs"], actual["paragraphs"], strict=True
    ):
        for technique in sorted(set(theirs) | set(ours)):
            a, e = ours.get(technique), theirs.get(technique)
            if a is not None and e is not None and abs(a - e) <= SCORE_TOLERANCE:
                continue
            one_sided = a if e is None else e if a is None else None
            found.append(Difference(f"paragraph at {start}, {technique}: {a}, recorded {e}", one_sided))
    return found


def tolerable(found: list[Difference]) -> bool:
    """At most one one-sided span and one one-sided paragraph technique, each scored low, and
    nothing else: a label near its decision threshold may flip on another CPU."""
    spans = [d for d in found if d.what.startswith("span ")]
    return (
        all(d.one_sided is not None and d.one_sided < LOW_SCORE for d in found)
        and len(spans) <= 1
        and len(found) - len(spans) <= 1
    )


def test_regression_texts_give_the_recorded_outputs(actual: dict[str, Any]) -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert sorted(actual) == sorted(expected)
    for name in expected:
        found = differences(expected[name], actual[name])
        assert tolerable(found), (name, [d.what for d in found])


def test_regression_texts_exercise_every_output(actual: dict[str, Any]) -> None:
    # a fixture of empty outputs would compare equal and prove nothing
    assert sum(len(v["spans"]) for v in actual.values()) >= 10
    assert {v["genre"] for v in actual.values()} >= {"opinion", "reporting"}
    assert all(v["frames"] and v["paragraphs"] for v in actual.values())


def test_comparison_tolerates_another_cpu_and_catches_real_changes() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))["sample-article.txt"]

    def changed(**fields: Any) -> list[Difference]:
        return differences(expected, {**json.loads(json.dumps(expected)), **fields})

    # What another CPU gave at the commit that first recorded the fixture: the persuasion score
    # moved by ~0.01 (0.844 against 0.8334) and the span 411-496 cut in two, its pieces scored
    # ~0.01 either side of the whole (relative to what is recorded now).
    spans = [s for s in expected["spans"] if s[0] != 411]
    whole = next(s for s in expected["spans"] if s[0] == 411)
    split = [[411, 450, whole[2], whole[3] + 0.012], [452, 496, whole[2], whole[3] - 0.007]]
    other_cpu = changed(persuasion_score=expected["persuasion_score"] + 0.0106, spans=sorted(spans + split))
    assert tolerable(other_cpu) and not other_cpu
    low = [189, 233, "Repetition", 0.12]  # a low-scored span near the threshold, on one side only
    assert tolerable(changed(spans=sorted(expected["spans"] + [low])))

    moved = [[s[0] + 12 if s[0] == 411 else s[0], *s[1:]] for s in expected["spans"]]
    renamed = [[*s[:2], "Doubt" if s[0] == 235 else s[2], s[3]] for s in expected["spans"]]
    rescored = [[*s[:3], s[3] + 0.1 if s[0] == 595 else s[3]] for s in expected["spans"]]
    for broken in (
        changed(spans=moved),
        changed(spans=renamed),
        changed(spans=rescored),
        changed(spans=expected["spans"][1:]),  # a span of 0.4476 lost
        changed(genre="reporting"),
        changed(frames=["Political"]),
        changed(persuasion_score=expected["persuasion_score"] - 0.07),
        changed(paragraphs=[[p[0] + 1, *p[1:]] for p in expected["paragraphs"]]),
        changed(spans=sorted(expected["spans"] + [low, [0, 52, "Doubt", 0.11]])),  # two one-sided
    ):
        assert broken and not tolerable(broken), broken
