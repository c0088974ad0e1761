"""The fine-tuned target-sentiment recipe: the split by article, a tiny run that resumes after
SIGKILL without redoing an epoch, its ONNX folder (three probabilities a target, without torch),
and portrayal and ``unspun predict target-sentiment`` reading it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from killed_runs import kill_then_resume
from tiny_encoder import tiny_wordpiece_bert
from unspun.models.onnx_graph import UNFUSED_KEY
from unspun.models.sentence_classifier import SentenceClassifier, is_sentence_classifier, mark_target
from unspun.tasks.newsmtsc import iter_targets

GOOD = "{} heroically saved the drowning children"
BAD = "{} brutally attacked the poor villagers"
PLAIN = "{} spoke to reporters on tuesday"
NAMES = ["smith", "jones", "brown", "green", "white", "black"]
POLARITY = {GOOD: 6.0, BAD: 2.0, PLAIN: 4.0}
WORDS = sorted({w for text in (GOOD, BAD, PLAIN) for w in text.split() if w != "{}"} | {*NAMES, "<", ">"})
# The [finetune] keys of the shipped recipe, made tiny and quick (an fp32 export).
TUNING = {"epochs": 2, "batch_size": 4, "max_length": 16, "lr": 3e-3, "seed": 3, "threads": 1}


def _recipe(bert: Path) -> str:
    keys = {"encoder": str(bert), **TUNING, "held_out": 0.34, "quantize": False}
    return '[data]\ntrain = "train.jsonl"\n[finetune]\n' + "".join(
        f"{k} = {json.dumps(v)}\n" for k, v in keys.items()
    )


SCRIPT = """
from unspun.training.target_sentiment_finetune import train_target_sentiment_finetune

report = train_target_sentiment_finetune(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
print("held_macro_f1", report["validation"]["held_macro_f1"])
"""


def _rows() -> list[dict[str, object]]:
    """Six articles of three sentences, one target each (the name first)."""
    rows = []
    for a, name in enumerate(NAMES):
        for s, template in enumerate((GOOD, BAD, PLAIN)):
            text = template.format(name)
            gid = f"allsides_{a}_7_{s}_{name}_0_{len(name)}"
            target = {
                "Input.gid": gid,
                "from": 0,
                "to": len(name),
                "mention": name,
                "polarity": POLARITY[template],
            }
            rows.append({"primary_gid": gid, "sentence_normalized": text, "targets": [target]})
    return rows


@pytest.fixture(scope="module")
def tiny_setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("ts")
    bert = tiny_wordpiece_bert(root / "bert", WORDS)
    data = root / "data"
    data.mkdir()
    lines = [json.dumps(row) for row in _rows() for _ in range(3)]  # each sentence thrice: quick to fit
    (data / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    recipe = root / "recipe.toml"
    recipe.write_text(_recipe(bert), encoding="utf-8")
    return recipe, data


def test_split_by_article_keeps_every_sentence_of_an_article_on_one_side() -> None:
    from unspun.training.target_sentiment_finetune import article_of, split_articles

    assert article_of("allsides_1000_401_25_Reality Leigh Winner_0_6") == "allsides_1000_401"
    assert article_of("polusa_v1_113708233_-1_112_Alexa_43_48") == "polusa_v1_113708233"
    rows = _rows()
    targets = list(iter_targets(rows, labelled=True))
    fitted, held = split_articles(rows, targets, 0.34, seed=1)
    assert len(fitted) + len(held) == len(targets) and len(held) == 6  # two of six articles
    held_articles = {article_of(str(rows[targets[i].row]["primary_gid"])) for i in held}
    fitted_articles = {article_of(str(rows[targets[i].row]["primary_gid"])) for i in fitted}
    assert len(held_articles) == 2 and not held_articles & fitted_articles


def test_mark_target_wraps_the_mention() -> None:
    assert mark_target("Smith met Jones.", 10, 15, ("<<", ">>")) == "Smith met << Jones >>."


def test_finetune_trainer_follows_the_recipe(tmp_path: Path) -> None:
    from unspun.training.finetune import finetune_trainer
    from unspun.training.target_sentiment_finetune import train_target_sentiment_finetune

    tuned, head = tmp_path / "tuned.toml", tmp_path / "head.toml"
    tuned.write_text('[data]\ntrain = "x"\n[finetune]\nepochs = 1\n', encoding="utf-8")
    head.write_text('[data]\ntrain = "x"\n[model]\nblocks = ["mention"]\n', encoding="utf-8")
    assert finetune_trainer("target-sentiment", tuned) is train_target_sentiment_finetune
    assert finetune_trainer("target-sentiment", head) is None
    assert finetune_trainer("entity-roles", tuned) is None


@pytest.mark.torch
@pytest.mark.slow
def test_finetune_killed_mid_run_resumes_and_exports_a_three_class_model(
    tmp_path: Path, tiny_setup: tuple[Path, Path]
) -> None:
    recipe, data = tiny_setup
    args = [str(recipe), str(data), str(tmp_path / "out")]
    work, units, resumed = kill_then_resume(SCRIPT, args, tmp_path / "cache", "validate/epoch1")
    assert work.name.startswith("target-sentiment-finetune-")
    assert "validate/resuming after epoch 1 of 2" in resumed.stdout
    assert units[:2] == ["validate/epoch1", "validate/epoch2"]  # epoch 1 was not redone
    assert len(units) == len(set(units))
    report = json.loads((tmp_path / "out" / "training.json").read_text("utf-8"))
    assert report["validation"]["chosen_epoch"] in (1, 2) and report["split"] == "articles"
    assert set(report["validation"]["epochs"][0]["f1"]) == {"negative", "neutral", "positive"}
    assert report["int8_agreement"]["decision_agreement"] == pytest.approx(1.0)  # fp32 export here

    out = tmp_path / "out"
    assert is_sentence_classifier(out)
    model = SentenceClassifier.from_disk(out)
    assert model.labels == ("negative", "neutral", "positive") and not model.binary
    assert model.config[UNFUSED_KEY] is True  # the fused skip layer norms were split back (onnx_graph)
    p = model.probabilities(
        [model.mark(GOOD.format("smith"), 0, 5), model.mark(BAD.format("jones"), 0, 5), ""]
    )
    assert p.shape == (3, 3) and np.all(p >= 0) and np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
    _portrayal_reads_the_classifier(out, model)
    _predict_reads_the_classifier(out, tmp_path)


def _portrayal_reads_the_classifier(out: Path, model: SentenceClassifier) -> None:
    from unspun.document import Article, Entity, TextRange
    from unspun.pipeline.portrayal import PortrayalTagger, target_scores

    first, second = GOOD.format("smith") + ".", BAD.format("smith") + "."
    text = f"{first} {second}"
    mentions = [TextRange(0, 5), TextRange(len(first) + 1, len(first) + 6)]
    article = Article(id="a", text=text, language="en", entities=[Entity("e1", "smith", "PERSON", mentions)])
    PortrayalTagger(sentiment_model=str(out))([article])
    sentiment = article.entities[0].sentiment
    assert sentiment is not None and sentiment.name in model.labels
    # the entity's probabilities: the mean over its two mentions, each marked in its own sentence
    mean = target_scores(model, [first, second], [(0, 5), (0, 5)]).mean(axis=0)
    assert sentiment.name == model.labels[int(np.argmax(mean))]
    assert sentiment.score == pytest.approx(float(mean.max()), abs=1e-3)

    # an entity named twice in a sentence is read once there, at its first mention
    from unspun.pipeline.portrayal import mention_sentiments
    from unspun.whosays.encoding import sentences_at

    twice = "smith saved smith."
    (states,) = sentences_at([Article(id="t", text=twice)], [[0]])
    per_mention = mention_sentiments(model, twice, states, [(0, 5), (12, 17)])
    per_entity = mention_sentiments(model, twice, states, [(0, 5), (12, 17)], groups=[0, 0])
    assert not np.array_equal(per_mention[0], per_mention[1])  # the marks differ
    assert np.array_equal(per_entity, per_mention[[0, 0]])


def _predict_reads_the_classifier(out: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from unspun.cli import app

    rows = tmp_path / "in.jsonl"
    rows.write_text("\n".join(json.dumps(r) for r in _rows()) + "\n", "utf-8")
    runner = CliRunner()
    pred = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["predict", "target-sentiment", str(rows), "-m", str(out), "-o", str(pred)])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in pred.read_text("utf-8").splitlines()]
    assert len(written) == 18 and all(r["targets"][0]["polarity"] in (2.0, 4.0, 6.0) for r in written)
    result = runner.invoke(app, ["evaluate", "target-sentiment", "--gold", str(rows), "--pred", str(pred)])
    assert result.exit_code == 0, result.output
    assert "sentiment_macro_f1" in result.output


@pytest.mark.torch
@pytest.mark.slow
def test_without_refit_the_validated_epoch_ships_with_its_held_out_figure(
    tmp_path: Path, tiny_setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from unspun.tasks.newsmtsc import read_rows
    from unspun.training.target_sentiment_finetune import (
        marked,
        scored,
        split_articles,
        train_target_sentiment_finetune,
    )

    recipe, data = tiny_setup
    no_refit = tmp_path / "recipe.toml"
    no_refit.write_text(recipe.read_text("utf-8") + "refit = false\n", encoding="utf-8")
    monkeypatch.setenv("UNSPUN_CACHE", str(tmp_path / "cache"))
    report = train_target_sentiment_finetune(no_refit, data, tmp_path / "out", log=lambda _: None)
    work = next((tmp_path / "cache" / "runs").iterdir())
    units = [line.split("\t")[0] for line in (work / "units.log").read_text("utf-8").splitlines()]
    assert units == ["validate/epoch1", "validate/epoch2"]  # no refit on every target
    assert (work / "validate" / "checkpoint-epoch1.pt").is_file()

    # the shipped model is the chosen epoch's: on the held-out articles it scores what validation said
    rows = read_rows(data / "train.jsonl")
    targets = list(iter_targets(rows, labelled=True))
    _, held = split_articles(rows, targets, 0.34, seed=3)
    model = SentenceClassifier.from_disk(tmp_path / "out")
    texts = marked(targets)
    got = scored([targets[i] for i in held], model.decide(model.probabilities([texts[i] for i in held])))
    assert got["macro_f1"] == pytest.approx(report["validation"]["held_macro_f1"], abs=1e-3)


def test_another_tasks_classifier_is_refused_in_one_line() -> None:
    # The two shipped fine-tuned classifiers load alike; given for the other task, each is named
    # for what it classifies (it had ended in an IndexError / ValueError inside the prediction).
    from unspun.errors import ModelError
    from unspun.pipeline.claims import load_claim_model
    from unspun.pipeline.portrayal import load_sentiment_model

    with pytest.raises(ModelError, match="classifies No / Yes, not negative / neutral / positive"):
        load_sentiment_model("checkworthy-en")
    with pytest.raises(ModelError, match="classifies negative / neutral / positive, not No / Yes"):
        load_claim_model("target-sentiment-en")
    assert load_sentiment_model("target-sentiment-en").labels == ("negative", "neutral", "positive")
