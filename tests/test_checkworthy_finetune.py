"""The fine-tuned check-worthiness recipe: a tiny run finishes, resumes after SIGKILL without
redoing an epoch, and its exported ONNX folder loads and scores without torch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from killed_runs import kill_then_resume
from tiny_encoder import tiny_wordpiece_bert
from unspun.models.sentence_classifier import SentenceClassifier, is_sentence_classifier

CLAIMS = [
    "unemployment rose by 12 percent in 2019",
    "we cut taxes by 3 million",
    "the rate rose 5 percent under this government",
    "we cut 7 million jobs in 2020",
]
CHAT = [
    "thank you all so much",
    "good evening everyone",
    "great to see you all tonight",
    "thank you for being here",
]
WORDS = sorted({word for text in CLAIMS + CHAT for word in text.split() if not word.isdigit()})
# Three debates of ids (runs of consecutive ids, far apart): fit, inner, late.
ROWS = [
    (base + k, text, label)
    for base, texts in (
        (100, CLAIMS[:2] + CHAT[:2]),
        (200, CLAIMS[2:3] + CHAT[2:3]),
        (300, CLAIMS[3:] + CHAT[3:]),
    )
    for k, text in enumerate(texts)
    for label in ["Yes" if text in CLAIMS else "No"]
]
RECIPE = """
[data]
train = "train.tsv"
dev_test = "dev-test.tsv"

[finetune]
encoder = "{bert}"
epochs = 2
batch_size = 2
max_length = 16
lr = 1e-3
seed = 3
threads = 1
late_debates = 1
inner_debates = 1
quantize = false
"""
SCRIPT = """
from unspun.training.checkworthy_finetune import train_checkworthy_finetune

report = train_checkworthy_finetune(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
print("late_f1", report["validation"]["late_f1"])
"""


@pytest.fixture(scope="module")
def tiny_setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cw")
    bert = tiny_wordpiece_bert(root / "bert", WORDS)
    data = root / "data"
    data.mkdir()
    lines = ["Sentence_id\tText\tclass_label", *(f"{i}\t{t}\t{y}" for i, t, y in ROWS)]
    (data / "train.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (data / "dev-test.tsv").write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    recipe = root / "recipe.toml"
    recipe.write_text(RECIPE.format(bert=bert), encoding="utf-8")
    return recipe, data


@pytest.mark.torch
@pytest.mark.slow
def test_finetune_killed_mid_run_resumes_and_exports_a_loadable_model(
    tmp_path: Path, tiny_setup: tuple[Path, Path]
) -> None:
    recipe, data = tiny_setup
    args = [str(recipe), str(data), str(tmp_path / "out")]
    work, units, resumed = kill_then_resume(SCRIPT, args, tmp_path / "cache", "validate/epoch1")
    assert work.name.startswith("checkworthy-finetune-")
    assert (work / "validate" / "checkpoint.pt").is_file()
    assert "validate/resuming after epoch 1 of 2" in resumed.stdout
    assert units[:2] == ["validate/epoch1", "validate/epoch2"]  # epoch 1 was not redone
    assert len(units) == len(set(units))
    report = json.loads((tmp_path / "out" / "training.json").read_text("utf-8"))
    assert report["validation"]["chosen_epoch"] in (1, 2)
    assert report["int8_agreement"]["decision_agreement"] == pytest.approx(1.0)  # fp32 export here

    out = tmp_path / "out"
    assert is_sentence_classifier(out)
    model = SentenceClassifier.from_disk(out)
    p = model.probabilities([*CLAIMS, *CHAT, ""])
    assert p.shape == (9,) and np.all((p >= 0) & (p <= 1))
    assert 0.0 < model.threshold < 1.0

    from unspun.document import Article
    from unspun.pipeline.claims import ClaimDetector

    article = Article(id="a", text=f"{CLAIMS[0]}. {CHAT[1]}. {CHAT[0]}.", language="en")
    ClaimDetector(model=str(out), threshold=0.0)([article])  # every sentence of 4+ words
    assert [article.text[c.start : c.end] for c in article.claims] == [f"{CLAIMS[0]}.", f"{CHAT[0]}."]
    assert not article.vectors  # no span-model states: the classifier reads the text


def test_sentence_classifier_refuses_a_folder_of_another_format(tmp_path: Path) -> None:
    from unspun.errors import ModelError

    (tmp_path / "config.json").write_text('{"format": "unspun.whosays-heads/1"}', encoding="utf-8")
    assert not is_sentence_classifier(tmp_path)
    with pytest.raises(ModelError, match="unspun train"):
        SentenceClassifier.from_disk(tmp_path)


@pytest.mark.torch
@pytest.mark.slow
def test_validating_fewer_epochs_trains_the_final_model_for_the_chosen_one(
    tmp_path: Path, tiny_setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from unspun.training.checkworthy_finetune import train_checkworthy_finetune

    recipe, data = tiny_setup
    monkeypatch.setenv("UNSPUN_CACHE", str(tmp_path / "cache"))
    report = train_checkworthy_finetune(recipe, data, tmp_path / "out", validate_epochs=1, log=lambda _: None)
    assert [row["epoch"] for row in report["validation"]["epochs"]] == [1]
    assert report["epochs"] == 1
    work = next((tmp_path / "cache" / "runs").iterdir())
    units = [line.split("\t")[0] for line in (work / "units.log").read_text("utf-8").splitlines()]
    assert units == ["validate/epoch1", "final1/epoch1"]  # the final unit names its schedule
    assert SentenceClassifier.from_disk(tmp_path / "out").probabilities(CLAIMS).shape == (4,)


LATER_RECIPE = """
[data]
train = "train.tsv"
dev = "dev.tsv"
dev_test = "dev-test.tsv"

[finetune]
encoder = "{bert}"
epochs = 2
batch_size = 2
max_length = 16
lr = 1e-3
seed = 3
threads = 1
quantize = false
validate_on = "dev_test"
later_weight = 2
"""


@pytest.mark.torch
@pytest.mark.slow
def test_validating_on_dev_test_resumes_after_a_kill_and_ships_a_model_of_every_file(
    tmp_path: Path, tiny_setup: tuple[Path, Path]
) -> None:
    recipe, data = tiny_setup
    later = tmp_path / "later.toml"
    bert = recipe.read_text("utf-8").split('encoder = "')[1].split('"')[0]
    later.write_text(LATER_RECIPE.format(bert=bert), encoding="utf-8")
    lines = (data / "train.tsv").read_text("utf-8").splitlines()
    (data / "dev.tsv").write_text("\n".join([lines[0], *lines[5:7]]) + "\n", encoding="utf-8")
    later_ids = [f"{1000 + k}\t{line.split(chr(9), 1)[1]}" for k, line in enumerate(lines[1:])]
    (data / "dev-test.tsv").write_text("\n".join([lines[0], *later_ids]) + "\n", encoding="utf-8")
    args = [str(later), str(data), str(tmp_path / "out")]
    script = SCRIPT.replace('report["validation"]["late_f1"]', 'report["validation"]["dev_test_cross_f1"]')
    work, units, resumed = kill_then_resume(script, args, tmp_path / "cache", "validate/epoch1")
    assert "validate/resuming after epoch 1 of 2" in resumed.stdout
    assert units[:2] == ["validate/epoch1", "validate/epoch2"]  # epoch 1 was not redone
    assert len(units) == len(set(units))
    report = json.loads((tmp_path / "out" / "training.json").read_text("utf-8"))
    validation = report["validation"]
    # the validation model learnt from train and dev (8 + 2 sentences), dev-test judged it
    assert validation["held_out"] == "dev_test"
    assert validation["sentences"] == {"fit": 10, "dev_test": 8}
    chosen = validation["epochs"][validation["chosen_epoch"] - 1]
    assert report["threshold"] == chosen["threshold"] and report["calibration"] == chosen["calibration"]
    assert units[-1] == f"final{report['epochs']}/epoch{report['epochs']}"
    assert report["dev_test_seen"] is True
    config = json.loads((tmp_path / "out" / "config.json").read_text("utf-8"))
    assert config["threshold"] == chosen["threshold"]
    assert SentenceClassifier.from_disk(tmp_path / "out").probabilities(CLAIMS).shape == (4,)


def test_cross_fitted_f1_scores_each_half_by_the_other_halfs_threshold() -> None:
    from unspun.training.checkworthy_finetune import cross_fitted_f1

    # The earlier half (ids 1-4) separates at logit 0, the later half (ids 5-8) too: each half's
    # threshold, chosen on the other, gets every sentence right.
    ids = [str(i) for i in (5, 1, 6, 2, 7, 3, 8, 4)]
    z = np.array([3.0, 3.0, -3.0, -3.0, 3.0, 3.0, -3.0, -3.0])
    y = np.array([1, 1, 0, 0, 1, 1, 0, 0])
    assert cross_fitted_f1(ids, z, y) == pytest.approx(1.0)
    # Flip the later half's labels: a threshold learnt on one half is wrong on the other,
    # so no Yes sentence is found (F1 0), where each half's own choice would score 1.
    y_flipped = np.array([0, 1, 1, 0, 0, 1, 1, 0])
    assert cross_fitted_f1(ids, z, y_flipped) == pytest.approx(0.0)


def test_recipe_refuses_an_unknown_validation_and_dev_without_it(tmp_path: Path) -> None:
    from unspun.errors import ConfigError
    from unspun.training.checkworthy_finetune import Recipe, fine_tune_checkworthy

    with pytest.raises(ConfigError, match="validate_on"):
        Recipe.from_config({"validate_on": "dev"})
    with pytest.raises(ConfigError, match="later_weight"):
        Recipe.from_config({"later_weight": 0})
    data = tmp_path / "t.tsv"
    data.write_text("Sentence_id\tText\tclass_label\n1\twe cut taxes\tYes\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="dev"):
        fine_tune_checkworthy({}, {"train": data, "dev": data}, tmp_path / "out")


def test_the_packaged_later_debates_recipe_validates_on_dev_test_and_trains_on_every_file() -> None:
    from unspun.paths import packaged_configs_dir
    from unspun.training.checkworthy_finetune import Recipe
    from unspun.training.train_whosays import load_config

    config = load_config(packaged_configs_dir() / "checkworthy-finetune-all.toml")
    assert set(config["data"]) == {"train", "dev", "dev_test"}
    assert Recipe.from_config(config["finetune"]).validate_on == "dev_test"


@pytest.mark.torch
def test_fine_tuning_threads_wait_passively_unless_told_otherwise() -> None:
    # Two torch threads that spin while the other is descheduled cost 3.6x the CPU a step on a
    # loaded 2-core machine (4.92 against 1.35 CPU s a MiniLM batch of 32); sleeping waits do not.
    import os
    import subprocess
    import sys

    script = (
        "import os; from unspun.training.finetune import _torch; _torch(1); "
        "print(os.environ.get('OMP_WAIT_POLICY'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "PASSIVE"
    mine = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "OMP_WAIT_POLICY": "ACTIVE"},
        capture_output=True,
        text=True,
    )
    assert mine.stdout.strip() == "ACTIVE"
