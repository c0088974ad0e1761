"""The shipped default pipeline says exactly what it said at 0cf4bdd on a few fixed texts.

``tests/fixtures/regression/expected.json`` was written by ``tests/fixtures/regression/outputs.py``
with the code of commit 0cf4bdd (and checked identical with the code that followed): spans, scores,
genre, frames, paragraph techniques and the persuasion score. A refactoring must not change them; a
deliberate model or decoding change rewrites the fixture with that script and says so in its commit.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "regression"


def _outputs_module() -> Any:
    spec = importlib.util.spec_from_file_location("regression_outputs", FIXTURES / "outputs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def actual() -> dict[str, Any]:
    return _outputs_module().outputs()


def test_regression_texts_give_the_recorded_outputs(actual: dict[str, Any]) -> None:
    expected = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    assert sorted(actual) == sorted(expected)
    for name in expected:
        assert actual[name] == expected[name], name


def test_regression_texts_exercise_every_output(actual: dict[str, Any]) -> None:
    # a fixture of empty outputs would compare equal and prove nothing
    assert sum(len(v["spans"]) for v in actual.values()) >= 10
    assert {v["genre"] for v in actual.values()} >= {"opinion", "reporting"}
    assert all(v["frames"] and v["paragraphs"] for v in actual.values())
