"""Fine-tuning the e5 top layers with the multilingual span head: a tiny BERT layer over made-up
window states learns its token labels, and a run killed mid-way resumes to the same result."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from killed_runs import kill_then_resume, run_killable  # noqa: E402
from unspun.training.multilingual_finetune import window_states  # noqa: E402

# A tiny BERT layer, six articles whose token labels follow the sign of one state dimension.
SCRIPT = """
import json, sys
import numpy as np
import torch
from transformers import BertConfig, BertModel
from unspun.models.windowing import make_windows
from unspun.training.multilingual_finetune import Example, FinetuneRecipe, make_tagger, run_folds
from unspun.training.runs import open_run, run_folder

def examples():
    rng = np.random.default_rng(0)
    out = []
    for k in range(6):
        n = 20 + 3 * k
        ranges = np.asarray(make_windows(n, 8, 6), np.int64)
        windows = rng.normal(size=(int((ranges[:, 1] - ranges[:, 0] + 3).sum()), 16)).astype(np.float16)
        sentence_of = np.arange(n) // 5
        inside = np.zeros(n, bool)
        first = 0
        for a, b in ranges.tolist():
            inside[a:b] |= windows[first + 2 : first + 2 + b - a, 0] > 0
            first += b - a + 3
        out.append(Example(f"xx/{k}", windows, ranges, 2, sentence_of, inside))
    return out

torch.manual_seed(0)
torch_config = BertConfig(hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32)
model = BertModel(torch_config, add_pooling_layer=False)
recipe = FinetuneRecipe(epochs=int(sys.argv[2]), head_lr=0.05, lr=1e-3, articles_per_step=2, stats_articles=3)
with open_run(run_folder("tiny-finetune", {"recipe": 1})) as run:
    found = run_folds(
        run,
        lambda: make_tagger(model.encoder.layer[1:2], 16, 8),
        examples(),
        [[0, 2, 4], [1, 3, 5]],
        recipe,
        max_minutes=float(sys.argv[3]) if len(sys.argv) > 3 else None,
    )
    labels = {e.key: e.inside.tolist() for e in examples()}
json.dump(None if found is None else {k: [v.tolist(), labels[k]] for k, v in found.items()}, open(sys.argv[1], "w"))
"""


def _read(path: Path) -> dict[str, list[list[float]]] | None:
    found = json.loads(path.read_text("utf-8"))
    return None if found is None else dict(found)


@pytest.mark.slow
def test_finetune_killed_mid_run_resumes_to_the_uninterrupted_result(tmp_path: Path) -> None:
    whole = run_killable(SCRIPT, [str(tmp_path / "whole.json"), "6"], tmp_path / "a")
    assert whole.returncode == 0, whole.stderr
    work, units, resumed = kill_then_resume(
        SCRIPT, [str(tmp_path / "resumed.json"), "6"], tmp_path / "b", kill_at="fold0/epoch2"
    )
    assert "resuming at epoch 4" in resumed.stdout
    # no epoch or fold was done twice, and each was done once
    assert sorted(units) == sorted(set(units))
    assert {f"fold{k}/epoch{e}" for k in (0, 1) for e in range(6)} | {"fold0", "fold1"} == set(units)
    first, second = _read(tmp_path / "whole.json"), _read(tmp_path / "resumed.json")
    assert first is not None and second is not None
    assert first.keys() == second.keys() == {f"xx/{k}" for k in range(6)}
    for key in first:
        assert np.allclose(first[key][0], second[key][0], atol=1e-5)
    # it learnt: held-out tokens inside score above those outside
    probs = np.concatenate([np.asarray(v[0]) for v in first.values()])
    inside = np.concatenate([np.asarray(v[1], bool) for v in first.values()])
    assert probs[inside].mean() > probs[~inside].mean() + 0.1


@pytest.mark.slow
def test_finetune_stops_at_its_time_budget_and_goes_on(tmp_path: Path) -> None:
    stopped = run_killable(SCRIPT, [str(tmp_path / "out.json"), "2", "0"], tmp_path / "c")
    assert stopped.returncode == 0, stopped.stderr
    assert "run the same command again to go on" in stopped.stdout
    assert _read(tmp_path / "out.json") is None
    (work,) = (tmp_path / "c" / "runs").iterdir()
    assert (work / "fold0" / "last.pt").is_file()
    finished = run_killable(SCRIPT, [str(tmp_path / "out.json"), "2"], tmp_path / "c")
    assert finished.returncode == 0, finished.stderr
    assert "resuming at epoch 1, article 0" in finished.stdout
    assert len(_read(tmp_path / "out.json") or {}) == 6


def test_window_states_are_computed_once_and_kept_by_content_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNSPUN_CACHE", str(tmp_path))
    calls: list[list[int]] = []

    def run(window: list[int]) -> np.ndarray:
        calls.append(window)
        return np.full((len(window), 4), float(sum(window)), np.float32)

    def windows_of(text: str) -> list[list[int]]:
        return [[len(text), 1], [2]]

    first = window_states(run, windows_of, ["abc", "de"], "e5-windows-test", log=lambda _: None)
    assert [a.shape for a in first] == [(3, 4), (3, 4)]
    assert first[0].dtype == np.float16 and float(first[0][0, 0]) == 4.0
    again = window_states(run, windows_of, ["de", "abc"], "e5-windows-test", log=lambda _: None)
    assert len(calls) == 4  # nothing encoded the second time
    assert np.array_equal(again[1], first[0])
    assert isinstance(again[0], np.memmap)
