"""Run folders: the lock, atomic writes, finished units, ``--fresh``; and a span training killed
with SIGKILL in the middle of a fold that, run again, finishes as if never stopped."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from article_fixtures import tiny_bert
from killed_runs import run_killable
from unspun.errors import InputNotFoundError, RunLockedError
from unspun.training.runs import (
    atomic_dir,
    atomic_write_json,
    data_identity,
    open_run,
    run_folder,
    train_once,
)

REPO = Path(__file__).resolve().parents[1]

# ----------------------------------------------------------------------------- the run folder


def test_second_run_on_a_folder_is_refused_naming_folder_and_pid(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    with (
        open_run(folder, log=lambda _: None),
        pytest.raises(RunLockedError) as refused,
        open_run(folder, log=lambda _: None),
    ):
        pass
    message = refused.value.message
    assert str(folder) in message and str(os.getpid()) in message and "\n" not in message
    with open_run(folder, log=lambda _: None):  # released when the first run ended
        pass


def test_lock_of_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom unspun.training.runs import open_run\n"
            f"with open_run(Path({str(folder)!r}), log=lambda _: None):\n"
            "    print('locked', flush=True)\n    time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(RunLockedError, match=str(holder.pid)), open_run(folder, log=lambda _: None):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    with open_run(folder, log=lambda _: None) as run:  # kill -9 released it
        assert run.folder == folder


def test_finished_units_are_kept_and_fresh_clears_them(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    lines: list[str] = []
    with open_run(folder, about={"job": "test"}, log=lines.append) as run:
        atomic_write_json(run.path("result.json"), {"value": 1})
        run.mark_done("fold0", seconds=2.0)
        assert run.is_done("fold0") and not run.is_done("fold1")
        run.tell("folds", 1, 3, seconds_per_unit=600)
    assert lines[-1] == "folds: 1 of 3 done, 2 left, about 20 min to go"
    with open_run(folder, log=lines.append) as run:
        assert run.is_done("fold0") and run.info("fold0")["seconds"] == 2.0
        assert run.done_units() == ["fold0"]
    with open_run(folder, fresh=True, log=lines.append) as run:
        assert not run.is_done("fold0") and run.done_units() == []
        assert not run.path("result.json").exists() and not run.path("run.json").exists()
    assert "--fresh" in lines[-1]


def test_atomic_dir_leaves_nothing_when_stopped_and_replaces_when_done(tmp_path: Path) -> None:
    target = tmp_path / "model"
    with pytest.raises(RuntimeError), atomic_dir(target) as temp:
        (temp / "half.bin").write_bytes(b"x")
        raise RuntimeError("stopped")
    assert not target.exists()
    with atomic_dir(target) as temp:  # the stale temporary folder is cleared first
        (temp / "whole.bin").write_bytes(b"y")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    assert [p.name for p in target.iterdir()] == ["whole.bin"]


def test_run_folder_is_named_by_recipe_and_digest_of_content(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_text("one", encoding="utf-8")
    first = run_folder("ptc-minilm", {"recipe": {"epochs": 4}, "data": data_identity(data)})
    copy = shutil.copytree(data, tmp_path / "copy")
    assert run_folder("ptc-minilm", {"recipe": {"epochs": 4}, "data": data_identity(copy)}) == first
    assert first.parent.name == "runs" and first.name.startswith("ptc-minilm-")
    (data / "a.txt").write_text("two", encoding="utf-8")
    assert run_folder("ptc-minilm", {"recipe": {"epochs": 4}, "data": data_identity(data)}) != first
    assert run_folder("ptc-minilm", {"recipe": {"epochs": 5}, "data": data_identity(copy)}) != first
    with pytest.raises(InputNotFoundError):
        data_identity(tmp_path / "missing")


def test_train_once_trains_a_finished_model_once_and_copies_it(tmp_path: Path) -> None:
    calls: list[Path] = []

    def train(out: Path, run: Any) -> dict[str, float]:
        calls.append(out)
        (out / "head.npz").write_bytes(b"weights")
        return {"f1": 0.5}

    folder, lines = tmp_path / "run", []
    assert train_once(folder, tmp_path / "a", train, what="tiny", log=lines.append) == {"f1": 0.5}
    assert train_once(folder, tmp_path / "b", train, what="tiny", log=lines.append) == {"f1": 0.5}
    assert len(calls) == 1 and (tmp_path / "b" / "head.npz").read_bytes() == b"weights"
    assert lines[-1].startswith(f"reusing the tiny model already trained in {folder / 'model'}")
    train_once(folder, tmp_path / "c", train, what="tiny", fresh=True, log=lines.append)
    assert len(calls) == 2 and calls[1] != folder / "model"  # written aside, renamed when whole


# ----------------------------------------------------------------------------- killed and resumed

ARTICLES = {
    "1": "The corrupt traitors lied again. The weather was mild today.\n",
    "2": "Rain fell in the north. Make our nation great again!\n",
    "3": "They are thugs and criminals. The council met on Monday.\n",
    "4": "Only a fool would believe them. Prices rose by two percent.\n",
    "5": "Never forget who betrayed us. The road opens next week.\n",
    "6": "A disgraceful, shameful lie. Schools close at noon on Friday.\n",
}
LABELS = [
    ("1", "Name_Calling,Labeling", 4, 20),
    ("2", "Slogans", 24, 52),
    ("3", "Name_Calling,Labeling", 10, 28),
    ("4", "Loaded_Language", 0, 30),
    ("5", "Slogans", 0, 28),
    ("6", "Loaded_Language", 2, 26),
]
RECIPE = """base = "{base}"
[model]
base_model = "{bert}"
max_tokens = 16
stride = 8
[training]
epochs = 3
threads = 1
lr = 3e-3
head_lr = 1e-2
warmup = 0.1
dropout = 0.1
train_stride = 10
batch_size = 2
[export]
quantize = false
"""
# Trains the fold models of the recipe (after killed_runs.KILL_AFTER_UNIT: with KILL_AT=<unit> the
# process kills itself with SIGKILL right after that unit is recorded, a kill -9 in mid-fold).
FOLDS_SCRIPT = """
from unspun.training.folds import plan_folds, train_fold_models

plan = plan_folds(Path(sys.argv[1]), Path(sys.argv[2]), folds=3, seed=1, grouping="random")
train_fold_models(plan, progress=False, fresh="--fresh" in sys.argv)
print(plan.work)
"""


@pytest.fixture(scope="module")
def tiny_recipe(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny span recipe (a 2-layer, 32-wide BERT, 3 epochs) and a 6-article PTC folder."""
    root = tmp_path_factory.mktemp("recipe")
    tiny_bert(root / "bert")
    ptc = root / "ptc"
    (ptc / "articles").mkdir(parents=True)
    for article_id, text in ARTICLES.items():
        (ptc / "articles" / f"article{article_id}.txt").write_text(text, encoding="utf-8")
    (ptc / "labels-tc.tsv").write_text("".join(f"{i}\t{t}\t{s}\t{e}\n" for i, t, s, e in LABELS), "utf-8")
    base = REPO / "src" / "unspun" / "configs" / "ptc-minilm.toml"
    recipe = root / "tiny.toml"
    recipe.write_text(RECIPE.format(base=base, bert=root / "bert"), encoding="utf-8")
    return recipe, ptc


def _train_folds(
    recipe: Path, ptc: Path, cache: Path, *extra: str, kill_at: str = ""
) -> subprocess.CompletedProcess[str]:
    return run_killable(FOLDS_SCRIPT, [str(recipe), str(ptc), *extra], cache, kill_at)


def _weights(fold: Path) -> dict[str, np.ndarray]:
    """Every trained array of a fold model: the encoder, the token head and the TC head."""
    from safetensors.numpy import load_file

    arrays = {f"encoder.{k}": v for k, v in load_file(str(fold / "checkpoint" / "model.safetensors")).items()}
    for name in ("checkpoint/token_head.npz", "tc_head.npz"):
        with np.load(fold / name) as npz:
            arrays.update({f"{name}.{k}": npz[k] for k in npz.files})
    return arrays


@pytest.mark.torch
@pytest.mark.slow
def test_training_killed_mid_fold_resumes_to_the_uninterrupted_result(
    tmp_path: Path, tiny_recipe: tuple[Path, Path]
) -> None:
    recipe, ptc = tiny_recipe
    whole = _train_folds(recipe, ptc, tmp_path / "whole")
    assert whole.returncode == 0, whole.stderr
    killed = _train_folds(recipe, ptc, tmp_path / "stopped", kill_at="fold1-epoch1")
    assert killed.returncode == -signal.SIGKILL
    work = next((tmp_path / "stopped" / "runs").iterdir())
    assert (work / "fold0" / "fold.json").is_file() and not (work / "fold1").exists()
    assert (work / "fold1-checkpoint.pt").is_file()

    resumed = _train_folds(recipe, ptc, tmp_path / "stopped")
    assert resumed.returncode == 0, resumed.stderr
    assert "fold 0: reusing" in resumed.stdout
    assert "fold1-resuming after epoch 1 of 3" in resumed.stdout
    assert "folds: 2 of 3 done, 1 left, about " in resumed.stdout  # what is left, and for how long
    units = [line.split("\t") for line in (work / "units.log").read_text("utf-8").splitlines()]
    names = [unit for unit, _ in units]
    assert len(names) == len(set(names)) == 12  # 3 folds x (3 epochs + the fold): nothing redone
    first_pid = units[0][1]
    assert [u for u, pid in units if pid == first_pid] == ["fold0-epoch1", "fold0-epoch2", "fold0-epoch3"] + [
        "fold0",
        "fold1-epoch1",
    ]
    assert not list(work.glob("*checkpoint.pt"))  # dropped once each fold was finished

    reference = Path(whole.stdout.strip().splitlines()[-1])
    for k in range(3):
        expected, got = _weights(reference / f"fold{k}"), _weights(work / f"fold{k}")
        assert expected.keys() == got.keys()
        for name, value in expected.items():  # bit for bit: same CPU, one thread, every state restored
            np.testing.assert_array_equal(got[name], value, err_msg=f"fold{k} {name}")
        stamp = json.loads((work / f"fold{k}" / "fold.json").read_text("utf-8"))
        assert (
            stamp["held_out"]
            == json.loads((reference / f"fold{k}" / "fold.json").read_text("utf-8"))["held_out"]
        )

    again = _train_folds(recipe, ptc, tmp_path / "stopped")  # all done: nothing is trained
    assert again.returncode == 0 and again.stdout.count("reusing") == 3
    assert len((work / "units.log").read_text("utf-8").splitlines()) == 12
    fresh = _train_folds(recipe, ptc, tmp_path / "stopped", "--fresh", kill_at="fold0-epoch1")
    assert fresh.returncode == -signal.SIGKILL
    assert (work / "units.log").read_text("utf-8").splitlines()[0].startswith("fold0-epoch1\t")
    assert not (work / "fold0").exists()  # --fresh removed the finished folds


@pytest.mark.torch
@pytest.mark.slow
def test_train_spans_cli_resumes_refuses_a_second_run_and_starts_over_with_fresh(
    tmp_path: Path, tiny_recipe: tuple[Path, Path]
) -> None:
    from typer.testing import CliRunner

    from unspun.cli import app

    recipe, ptc = tiny_recipe
    command = [
        "train",
        "spans",
        "--data",
        str(ptc),
        "--train-config",
        str(recipe),
        "--out",
        str(tmp_path / "m"),
    ]
    runner = CliRunner()
    first = runner.invoke(app, command)
    assert first.exit_code == 0, first.output
    assert (tmp_path / "m" / "model.onnx").is_file()
    (folder,) = (Path(os.environ["UNSPUN_CACHE"]) / "runs").iterdir()
    assert folder.name.startswith("tiny-") and (folder / "model" / "model.onnx").is_file()
    again = runner.invoke(app, [*command[:-1], str(tmp_path / "m2")])
    assert again.exit_code == 0 and "reusing the span model" in again.output
    assert (tmp_path / "m2" / "model.onnx").is_file()
    with open_run(folder, log=lambda _: None):
        busy = runner.invoke(app, command)
    assert busy.exit_code == 2 and f"run folder {folder} is in use by process {os.getpid()}" in busy.output
    fresh = runner.invoke(app, [*command, "--fresh"])
    assert fresh.exit_code == 0 and "cleared the run folder" in fresh.output
    assert (folder / "units.log").read_text("utf-8").splitlines()[0].startswith("epoch1\t")
