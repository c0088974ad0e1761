from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from unspun.errors import ModelError
from unspun.models.packaged import packaged_model_dir
from unspun.training.folds import STAMP, FoldPlan
from unspun.training.out_of_fold import out_of_fold_spans

TEXTS = {
    "1": "The so-called experts and their fake news friends will destroy our great nation. Wake up, people!",
    "2": "The council approved the budget on Tuesday.",
    "3": "These spineless globalist traitors sold us out. Never again!",
}


def _plan(tmp_path: Path) -> FoldPlan:
    work = tmp_path / "run"
    for k in range(2):
        shutil.copytree(packaged_model_dir("ptc-minilm"), work / f"fold{k}")
        (work / f"fold{k}" / STAMP).write_text(json.dumps({"fold": k}), encoding="utf-8")
    return FoldPlan(Path("recipe.toml"), tmp_path, [["1", "2"], ["3"]], {}, work)


def test_out_of_fold_spans_are_made_once_and_read_back(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    first = out_of_fold_spans(plan, TEXTS, name="t", log=lambda _: None)
    assert set(first) == {"1", "2", "3"} and first["1"]
    assert all(0 <= s.start < s.end <= len(TEXTS[i]) for i, spans in first.items() for s in spans)
    for k in range(2):  # the models are gone: a second call must read the file, not the models
        (plan.model_dir(k) / "model.onnx").unlink()
    again = out_of_fold_spans(plan, TEXTS, name="t", log=lambda _: None)
    key = [(s.start, s.end, s.label, round(s.score, 6)) for s in first["1"]]
    assert [(s.start, s.end, s.label, round(s.score, 6)) for s in again["1"]] == key
    changed = {**TEXTS, "2": "Another text entirely, about the weather."}
    with pytest.raises(ModelError):  # other texts: made again, and the models are missing
        out_of_fold_spans(plan, changed, name="t", log=lambda _: None)


def test_out_of_fold_spans_need_every_fold_model(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    (plan.model_dir(1) / STAMP).unlink()
    with pytest.raises(ModelError, match="not trained"):
        out_of_fold_spans(plan, TEXTS, name="t")
