from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from unspun.errors import ModelError
from unspun.models.packaged import packaged_model_dir
from unspun.training import out_of_fold
from unspun.training.folds import STAMP, FoldPlan
from unspun.training.out_of_fold import out_of_fold_spans
from unspun.training.span_context import fold_heads

TEXTS = {
    "1": "The so-called experts and their fake news friends will destroy our great nation. Wake up, people!",
    "2": "The council approved the budget on Tuesday.",
    "3": "These spineless globalist traitors sold us out. Never again!",
}


GOLD = [  # (id, technique, span text): what each fold's context head learns from
    ("1", "Loaded_Language", "fake news"),
    ("1", "Slogans", "Wake up, people!"),
    ("3", "Name_Calling,Labeling", "spineless globalist traitors"),
    ("3", "Slogans", "Never again!"),
]


def _plan(tmp_path: Path) -> FoldPlan:
    """Two fold models (copies of the shipped one) over a PTC-style folder of :data:`TEXTS`."""
    data = tmp_path / "ptc"
    (data / "articles").mkdir(parents=True)
    for article_id, text in TEXTS.items():
        (data / "articles" / f"article{article_id}.txt").write_text(text, encoding="utf-8")
    lines = []
    for article_id, technique, words in GOLD:
        start = TEXTS[article_id].index(words)
        lines.append(f"{article_id}\t{technique}\t{start}\t{start + len(words)}\n")
    (data / "labels-tc.tsv").write_text("".join(lines), encoding="utf-8")
    work = tmp_path / "run"
    for k in range(2):
        shutil.copytree(packaged_model_dir("ptc-minilm"), work / f"fold{k}")
        (work / f"fold{k}" / STAMP).write_text(json.dumps({"fold": k}), encoding="utf-8")
    return FoldPlan(Path("recipe.toml"), data, [["1", "2"], ["3"]], {}, work)


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


def test_out_of_fold_spans_are_made_again_after_the_decoder_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _plan(tmp_path)
    out_of_fold_spans(plan, TEXTS, name="t", context=False, log=lambda _: None)
    for k in range(2):
        (plan.model_dir(k) / "model.onnx").unlink()
    out_of_fold_spans(plan, TEXTS, name="t", context=False, log=lambda _: None)  # read back
    monkeypatch.setattr(out_of_fold, "code_digest", lambda module: "other decoder")
    with pytest.raises(ModelError):  # other code: made again, and the models are missing
        out_of_fold_spans(plan, TEXTS, name="t", context=False, log=lambda _: None)


def test_out_of_fold_spans_need_every_fold_model(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    (plan.model_dir(1) / STAMP).unlink()
    with pytest.raises(ModelError, match="not trained"):
        out_of_fold_spans(plan, TEXTS, name="t")


def test_out_of_fold_spans_take_each_folds_context_head(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    plain = out_of_fold_spans(plan, TEXTS, name="plain", context=False, log=lambda _: None)
    corrected = out_of_fold_spans(plan, TEXTS, name="context", log=lambda _: None)
    # the head re-ranks techniques only: the same spans, other technique probabilities
    for i in TEXTS:
        assert [(s.start, s.end) for s in corrected[i]] == [(s.start, s.end) for s in plain[i]]
    pairs = [(a, b) for i in TEXTS for a, b in zip(plain[i], corrected[i], strict=True)]
    assert pairs and any(a.label != b.label or abs(a.score - b.score) > 1e-3 for a, b in pairs)
    assert len(list(plan.work.glob("tc-context-rows-*.npz"))) == 1  # the heads' rows, kept


def test_each_fold_head_learns_from_the_other_folds_only(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    before = fold_heads(plan, log=lambda _: None)
    # relabel the gold of fold 1's article: fold 0's head changes, fold 1's (which never saw it) not
    labels = plan.data_dir / "labels-tc.tsv"
    labels.write_text(labels.read_text().replace("3\tSlogans", "3\tFlag-Waving"), encoding="utf-8")
    after = fold_heads(plan, log=lambda _: None)
    assert len(list(plan.work.glob("tc-context-rows-*.npz"))) == 2  # other gold: rows made again
    assert np.abs(after[0].bias - before[0].bias).max() > 1e-3
    assert np.allclose(after[1].weight, before[1].weight) and np.allclose(after[1].bias, before[1].bias)
