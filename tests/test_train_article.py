"""`unspun train article` in one command: it builds the fold span models, the out-of-fold span
predictions and the sentence vectors it needs into $UNSPUN_CACHE, and reuses what is there.

The recipe is a tiny one (a 2-layer, 32-wide BERT, four PTC articles, two folds, a few epochs), so
that the whole orchestration runs in seconds; the shipped recipe runs the same code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from article_fixtures import TINY_CONFIG, tiny_bert, write_semeval_data
from unspun.document import CANDIDATE_LAYER, TECHNIQUE_LAYER, Analysis
from unspun.paths import cache_dir, packaged_configs_dir

PTC_IDS = ["1", "2", "3", "4"]  # SemEval-2023 English articles of write_semeval_data with these ids
SPAN_RECIPE = """base = "{base}"
[model]
base_model = "{bert}"
max_tokens = 16
stride = 8
[training]
epochs = 3
threads = 1
lr = 3e-3
head_lr = 1e-2
warmup = 0.0
dropout = 0.0
train_stride = 10
[decoding]
threshold = 0.3
[export]
quantize = false
"""


def _ptc_folder(folder: Path, semeval: Path) -> Path:
    """The SemEval articles ``PTC_IDS`` as a PTC folder: their loaded language as gold spans."""
    (folder / "articles").mkdir(parents=True)
    labels = []
    for i in PTC_IDS:
        text = (semeval / "en" / "train" / "train-articles-subtask-3" / f"article{i}.txt").read_text("utf-8")
        (folder / "articles" / f"article{i}.txt").write_text(text, encoding="utf-8")
        if "disgrace" in text:
            start = text.index("disgrace")
            labels.append(f"{i}\tLoaded_Language\t{start}\t{start + len('disgrace shameful')}\n")
    (folder / "labels-tc.tsv").write_text("".join(labels), encoding="utf-8")
    return folder


@pytest.fixture
def recipe(tmp_path: Path) -> dict[str, Path]:
    """A SemEval folder, a PTC folder beside it, a tiny span recipe and an article config using it."""
    semeval = tmp_path / "shared" / "semeval2023"
    write_semeval_data(semeval)
    _ptc_folder(tmp_path / "shared" / "ptc" / "train", semeval)
    span_recipe = tmp_path / "tiny-spans.toml"
    base = (packaged_configs_dir() / "ptc-minilm.toml").as_posix()
    span_recipe.write_text(
        SPAN_RECIPE.format(base=base, bert=tiny_bert(tmp_path / "bert").as_posix()), encoding="utf-8"
    )
    config = tmp_path / "article.toml"
    config.write_text(
        TINY_CONFIG + '[paragraphs.spans]\npredictions = "p.jsonl"\nspan_config = "tiny-spans.toml"\n'
        "folds = 2\nfold_seed = 13\nc = 10.0\nshare = 0.5\nvector_c = 1.0\nvector_share = 0.3\n",
        encoding="utf-8",
    )
    return {"data": semeval, "config": config, "out": tmp_path / "model"}


def _train(recipe: dict[str, Path], *extra: str) -> str:
    from typer.testing import CliRunner

    from unspun.cli import app

    args = ["train", "article", "--data", str(recipe["data"]), "--out", str(recipe["out"]), *extra]
    result = CliRunner().invoke(app, [*args, "--train-config", str(recipe["config"])])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stderr


def _spans(line: str) -> list[tuple[str, int, int, str, float | None]]:
    """The spans and candidates of one analysis line (not the models' paths)."""
    article = Analysis.from_dict(json.loads(line)).article
    return [(k, s.start, s.end, s.label, s.score) for k in sorted(article.spans) for s in article.spans[k]]


def _mtimes(folder: Path, skip: str = "//") -> dict[str, int]:
    """Modification times of the files under ``folder``, but those whose path starts with ``skip``."""
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not str(p.relative_to(folder)).startswith(skip)
    }


@pytest.mark.torch
@pytest.mark.slow
def test_train_article_builds_what_it_needs_once_and_reuses_it(recipe: dict[str, Path]) -> None:
    first = _train(recipe)
    assert "2 of 2 fold span models to train" in first and "min on 2 CPU cores" in first
    folds = list((cache_dir() / "runs").glob("tiny-spans-folds-*"))
    assert len(folds) == 1 and folds[0].name.startswith("tiny-spans-folds-")
    assert sorted(p.name for p in folds[0].glob("fold*")) == ["fold0", "fold1"]  # no checkpoint left
    assert all((folds[0] / f"fold{k}" / "fold.json").is_file() for k in (0, 1))
    # the out-of-fold predictions: one analysis per PTC article, through the one serialiser
    lines = (cache_dir() / "p.jsonl").read_text(encoding="utf-8").splitlines()
    analyses = [Analysis.from_dict(json.loads(line)) for line in lines]
    assert [a.id for a in analyses] == PTC_IDS
    assert all(a.article.language == "en" and TECHNIQUE_LAYER in a.article.spans for a in analyses)
    assert all(CANDIDATE_LAYER in a.article.spans for a in analyses)
    assert {a.models[0].name for a in analyses} == {"fold0", "fold1"}
    assert (cache_dir() / "p.vectors.npz").is_file()
    assert list(cache_dir().glob("semeval2023-usem3-vectors.npz"))  # the sentence vectors, cached
    report = json.loads((recipe["out"] / "training.json").read_text(encoding="utf-8"))
    assert report["rows"]["paragraphs_with_span_evidence"] == 3 * len(PTC_IDS)
    heads = (recipe["out"] / "paragraphs.npz").read_bytes()

    finished = _train(recipe)  # the same command again: the finished model is only copied
    assert "reusing the article model already trained" in finished and "span predictions" not in finished
    assert (recipe["out"] / "paragraphs.npz").read_bytes() == heads

    before = _mtimes(cache_dir(), skip="runs/article-")
    again = _train(recipe, "--fresh")  # the heads again, from what is cached: nothing is remade
    assert "fold 0: reusing" not in again  # not even looked at: the predictions are there
    assert "span predictions: reusing" in again and "training the span model" not in again
    assert _mtimes(cache_dir(), skip="runs/article-") == before
    assert (recipe["out"] / "paragraphs.npz").read_bytes() == heads

    # a run stopped in fold 1 (no stamp) and before the predictions: fold 0 is reused, fold 1
    # trained again, and the predictions come out as before
    (folds[0] / "fold1" / "fold.json").unlink()
    (cache_dir() / "p.jsonl").unlink()
    third = _train(recipe, "--fresh")
    assert "fold 0: reusing" in third and "fold 1 of 2: training" in third
    fold0 = f"runs/{folds[0].name}/fold0/"
    after = _mtimes(cache_dir())
    assert {k: v for k, v in after.items() if k.startswith(fold0)} == {
        k: v for k, v in before.items() if k.startswith(fold0)
    }
    assert (cache_dir() / "p.jsonl").read_text(encoding="utf-8").splitlines() == lines
    assert (recipe["out"] / "paragraphs.npz").read_bytes() == heads

    # fold models of the earlier layout (ptc-folds/<recipe>-<key of recipe and split>, where the
    # cross-validation of an older checkout leaves them) are read where they are, not retrained
    from unspun.training.folds import plan_folds

    plan = plan_folds(
        recipe["config"].parent / "tiny-spans.toml", recipe["data"].parent / "ptc" / "train", folds=2
    )
    assert plan.legacy is not None
    plan.legacy.parent.mkdir(parents=True)
    folds[0].rename(plan.legacy)
    (cache_dir() / "p.jsonl").unlink()
    fourth = _train(recipe, "--fresh")
    assert "training the span model" not in fourth and f"reusing the span model in {plan.legacy}" in fourth
    again_lines = (cache_dir() / "p.jsonl").read_text(encoding="utf-8").splitlines()
    assert [_spans(line) for line in again_lines] == [_spans(line) for line in lines]


def test_fold_models_are_keyed_by_the_recipe_and_the_split(tmp_path: Path) -> None:
    from unspun.training.folds import plan_folds

    semeval = tmp_path / "semeval2023"
    write_semeval_data(semeval)
    ptc = _ptc_folder(tmp_path / "ptc", semeval)
    recipe = packaged_configs_dir() / "ptc-minilm.toml"
    plan = plan_folds(recipe, ptc, folds=2, seed=13)
    assert plan.work.parent == cache_dir() / "runs" and plan.work.name.startswith("ptc-minilm-folds-")
    assert sorted(i for fold in plan.held_out for i in fold) == PTC_IDS
    assert plan.missing() == [0, 1]
    assert sorted(plan.train_ids(0) + plan.held_out[0]) == PTC_IDS
    # the estimate follows the articles and epochs (4 epochs of 2 articles at the measured rate)
    assert plan.estimate_seconds(0) == pytest.approx(1.2 * 2 * 4)
    assert plan_folds(recipe, ptc, folds=2, seed=13).work == plan.work
    assert plan_folds(recipe, ptc, folds=2, seed=14).work != plan.work
    assert plan_folds(recipe, ptc, folds=2, seed=13, overrides={"training.epochs": 1}).work != plan.work
    (plan.model_dir(0)).mkdir(parents=True)  # a folder without its stamp is not a trained fold
    assert plan.missing() == [0, 1]
    # a fold model of the earlier layout (ptc-folds/<recipe>-<key of recipe and split>) is read
    # where it is, and counts as trained
    assert plan.legacy is not None and plan.legacy.parent == cache_dir() / "ptc-folds"
    (plan.legacy / "fold1").mkdir(parents=True)
    (plan.legacy / "fold1" / "fold.json").write_text("{}", encoding="utf-8")
    assert plan.missing() == [0] and plan.model_dir(1) == plan.legacy / "fold1"
    assert plan.model_dir(0) == plan.work / "fold0"


def test_missing_ptc_folder_is_named(tmp_path: Path) -> None:
    from unspun.errors import InputNotFoundError
    from unspun.training.train_semeval2023 import ensure_span_evidence, load_config

    write_semeval_data(tmp_path / "semeval2023")
    config = tmp_path / "article.toml"
    config.write_text(TINY_CONFIG + '[paragraphs.spans]\npredictions = "p.jsonl"\n', encoding="utf-8")
    with pytest.raises(InputNotFoundError, match="ptc/train"):
        ensure_span_evidence(tmp_path / "semeval2023", load_config(config), log=lambda _: None)


@pytest.mark.shared_data
def test_the_shipped_recipe_finds_its_corpora_and_the_benchmark_folds(shared_data: Path) -> None:
    from unspun.training.folds import plan_folds
    from unspun.training.train_semeval2023 import load_config, ptc_data_dir

    cfg = load_config(packaged_configs_dir() / "semeval2023.toml")
    spans = cfg["paragraphs"]["spans"]
    ptc = ptc_data_dir(spans, shared_data / "semeval2023")
    assert ptc == shared_data / "ptc" / "train"
    plan = plan_folds(Path(spans["span_config"]), ptc, folds=spans["folds"], seed=spans["fold_seed"])
    assert [len(fold) for fold in plan.held_out] == [124, 124, 123]  # the 371 PTC training articles
    # the estimate of a shipped fold: about 20 minutes on 2 CPU cores, as measured
    assert 15 * 60 < plan.estimate_seconds(0) < 25 * 60


def test_a_predictions_file_of_the_old_private_format_is_refused_with_what_to_do(tmp_path: Path) -> None:
    from unspun.errors import ConfigError
    from unspun.training.span_predictions import read_predictions

    old = tmp_path / "p.jsonl"
    old.write_text('{"lang": "en", "id": "1", "spans": [[0, 3, "Doubt", 0.5]], "candidates": []}\n', "utf-8")
    with pytest.raises(
        ConfigError, match=r"line 1: not an analysis .*remove it and run `unspun train article`"
    ):
        read_predictions(old)
