"""Portrayal: sentiment and roles on entities (overfit, save, reload), the role decision and the
shipped models through the predict commands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from extras import need
from portrayal_fixtures import portrayed
from unspun.document import Article, Attribution, Entity, Label, TextRange
from unspun.models.linear_head import LinearHead, fit_linear_head
from unspun.models.sentence_classifier import SentenceClassifier, target_window
from unspun.pipeline.portrayal import (
    ACTOR_DEPS,
    PortrayalTagger,
    Roles,
    cast_as_actor,
    decide_roles,
    entity_sentiment,
    load_sentiment_model,
    role_features,
    role_given,
    role_possible,
    sentiment_cast,
    shift_prior,
    target_inputs,
    target_scores,
)
from unspun.tasks.entity_roles import ALL_FINE_ROLES, MAIN_OF, MAIN_ROLES
from unspun.tasks.newsmtsc import SENTIMENTS
from unspun.whosays.encoding import block_rows, encode_texts
from unspun.whosays.heads import HeadModel, load_heads

HERO = "Smith heroically saved the drowning children and was praised by everyone."
VILLAIN = "Jones brutally murdered the villagers and lied about it to the court."
BLOCKS = ["mention", "before", "after", "window_mean", "window_max"]


@pytest.fixture(scope="module")
def tiny_models() -> tuple[HeadModel, HeadModel]:
    """Sentiment and role heads fitted on two mentions (Smith, Jones)."""
    need("sklearn")  # fitting a head needs the [train] extra
    states = encode_texts([HERO, VILLAIN])
    x = np.concatenate([block_rows(s, [(0, 5)], BLOCKS) for s in states])
    sentiment = fit_linear_head(x, ["positive", "negative"], SENTIMENTS, multi_label=False, c=1.0)
    main = fit_linear_head(x, ["Protagonist", "Antagonist"], MAIN_ROLES, multi_label=False, c=1.0)
    fine = fit_linear_head(x, ["Guardian", "Tyrant"], ALL_FINE_ROLES, multi_label=False, c=1.0)
    return (
        HeadModel({"task": "target-sentiment", "blocks": BLOCKS}, {"sentiment": sentiment}),
        HeadModel({"task": "entity-roles", "blocks": BLOCKS}, {"main": main, "fine": fine}),
    )


def _articles() -> list[Article]:
    return [
        Article(id="h", text=HERO, entities=[Entity("e1", "Smith", "PERSON", [TextRange(0, 5)])]),
        Article(id="v", text=VILLAIN, entities=[Entity("e1", "Jones", "PERSON", [TextRange(0, 5)])]),
        Article(id="n", text="Nobody is named here.", entities=[]),
    ]


def _portrayal(article: Article) -> list[tuple[str | None, str | None, list[str]]]:
    return [
        (
            e.sentiment.name if e.sentiment else None,
            e.role.name if e.role else None,
            [f.name for f in e.fine_roles],
        )
        for e in article.entities
    ]


def test_portrayal_overfit_save_reload(tiny_models: tuple[HeadModel, HeadModel], tmp_path: Path) -> None:
    sentiment, roles = tiny_models
    articles = PortrayalTagger(sentiment_model=sentiment, roles_model=roles)(_articles())
    assert _portrayal(articles[0]) == [("positive", "Protagonist", ["Guardian"])]
    assert _portrayal(articles[1]) == [("negative", "Antagonist", ["Tyrant"])]
    assert articles[2].entities == []
    sentiment.to_disk(tmp_path / "s")
    roles.to_disk(tmp_path / "r")
    again = PortrayalTagger(sentiment_model=str(tmp_path / "s"), roles_model=str(tmp_path / "r"))(_articles())
    assert [a.entities for a in again] == [a.entities for a in articles]


def test_decide_roles_keeps_fine_roles_within_the_main_role(tiny_models: tuple[HeadModel, HeadModel]) -> None:
    _, roles = tiny_models
    main = np.array([0.1, 0.8, 0.1])  # Antagonist
    fine = np.zeros(len(ALL_FINE_ROLES))
    fine[ALL_FINE_ROLES.index("Victim")] = 0.9  # an Innocent role: not allowed under Antagonist
    fine[ALL_FINE_ROLES.index("Deceiver")] = 0.05
    decided = decide_roles(roles, main, fine)
    assert decided.main.name == "Antagonist" and [f.name for f in decided.fine] == ["Deceiver"]
    by_fine = HeadModel({**roles.config, "main_from": "fine"}, roles.heads)
    assert decide_roles(by_fine, main, fine).main.name == "Innocent"


TRAIN_MIX = {"Protagonist": 0.19, "Antagonist": 0.70, "Innocent": 0.11}
TARGET_MIX = {"Protagonist": 0.124, "Antagonist": 0.80, "Innocent": 0.076}


def _shifting(roles: HeadModel, target: dict[str, float] | None = TARGET_MIX) -> HeadModel:
    config = {**roles.config, "train_prior": TRAIN_MIX}
    return HeadModel({**config, "target_prior": target} if target else config, roles.heads)


def test_shift_prior_moves_a_borderline_role_toward_the_target_majority(
    tiny_models: tuple[HeadModel, HeadModel],
) -> None:
    roles = _shifting(tiny_models[1])
    fine = np.full(len(ALL_FINE_ROLES), 0.01)
    borderline = np.array([0.48, 0.44, 0.08])  # Protagonist by a little under the training mix
    assert decide_roles(roles, borderline, fine).main.name == "Protagonist"  # the pipeline's roles
    moved = decide_roles(roles, borderline, fine, target_mix=True)
    assert moved.main.name == "Antagonist" and MAIN_OF[moved.fine[0].name] == "Antagonist"
    shifted = shift_prior(roles, borderline)
    assert abs(float(shifted.sum()) - 1.0) < 1e-6 and shifted[1] > borderline[1]
    confident = np.array([0.9, 0.07, 0.03])
    kept = decide_roles(roles, confident, fine, target_mix=True)
    assert kept.main.name == "Protagonist" and 0.8 < kept.main.score < 0.9  # a little less sure
    rows = shift_prior(roles, np.stack([borderline, confident]))  # rows at once, the same result
    assert np.allclose(rows, [shift_prior(roles, borderline), shift_prior(roles, confident)], atol=1e-6)
    assert shift_prior(_shifting(tiny_models[1], None), borderline) is borderline  # no target: unmoved
    assert np.allclose(shift_prior(_shifting(tiny_models[1], TRAIN_MIX), borderline), borderline, atol=1e-6)


def test_target_prior_round_trips_through_the_model_folder(
    tiny_models: tuple[HeadModel, HeadModel], tmp_path: Path
) -> None:
    roles = _shifting(tiny_models[1])
    roles.to_disk(tmp_path / "r")
    again = load_heads(str(tmp_path / "r"), "entity-roles-en")
    assert again.config["target_prior"] == TARGET_MIX and again.config["train_prior"] == TRAIN_MIX
    row = np.array([0.48, 0.44, 0.08])
    assert np.allclose(shift_prior(again, row), shift_prior(roles, row), atol=1e-6)


def test_mix_figures_weight_mentions_to_the_target_mix() -> None:
    from unspun.training.role_mix import mix_figures, mix_weights, target_prior

    prior = np.array([0.2, 0.6, 0.2])
    goal = target_prior(prior, 0.8)
    assert np.allclose(goal, [0.1, 0.8, 0.1]) and np.allclose(
        mix_weights(np.array([0, 1]), prior, goal), [0.5, 4 / 3]
    )
    # five mentions, one fold each: two Antagonists, two Protagonists, one Innocent
    y = np.array([1, 1, 0, 0, 2])
    p = np.array([[0.1, 0.8, 0.1], [0.55, 0.4, 0.05], [0.7, 0.2, 0.1], [0.5, 0.45, 0.05], [0.1, 0.1, 0.8]])
    fine = np.zeros((5, len(ALL_FINE_ROLES)))
    fine[:, ALL_FINE_ROLES.index("Deceiver")] = fine[:, ALL_FINE_ROLES.index("Guardian")] = 1.0
    fine[:, ALL_FINE_ROLES.index("Victim")] = 1.0
    gold = [["Deceiver"], ["Deceiver"], ["Guardian"], ["Hero"], ["Victim"]]
    folds = [np.array([i]) for i in range(5)]
    out = mix_figures(p, fine, y, gold, folds, {"Protagonist": 0.1, "Antagonist": 0.8, "Innocent": 0.1})
    train = out["train_mix"]
    # hand-counted: the most probable role is right on mentions 0, 2, 3, 4; the fine set on 0, 2, 4
    assert (
        abs(train["calibrated"]["main_accuracy"] - 0.8) < 1e-3
        and abs(train["calibrated"]["emr"] - 0.6) < 1e-3
    )
    assert abs(train["majority"]["main_accuracy"] - 0.4) < 1e-3  # Protagonist and Antagonist tie: the first
    # target mix: weights 2 per Antagonist, 0.25 per Protagonist, 0.5 per Innocent (sum 5)
    target = out["target_mix"]
    assert abs(target["calibrated"]["main_accuracy"] - 3 / 5) < 1e-3
    # each fold's prior from the other four: the shift makes Antagonists of mentions 1 (right),
    # 2 and 3 (wrong, light in this mix); mention 4's Innocent is missing from its folds: unmoved
    assert abs(target["shifted"]["main_accuracy"] - 4.5 / 5) < 1e-3
    assert abs(train["shifted"]["main_accuracy"] - 0.6) < 1e-3  # under the training mix it costs


def test_predict_target_sentiment_and_entity_roles_cli(tmp_path: Path) -> None:
    from unspun.cli import app

    rows = tmp_path / "in.jsonl"
    row = {
        "primary_gid": "g",
        "sentence_normalized": VILLAIN,
        "targets": [{"from": 0, "to": 5, "mention": "Jones"}],
    }
    rows.write_text(json.dumps(row) + "\n", "utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["predict", "target-sentiment", str(rows), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "out.jsonl").read_text("utf-8"))
    assert written["targets"][0]["polarity"] in (2.0, 4.0, 6.0) and written["primary_gid"] == "g"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "EN_1.txt").write_bytes(VILLAIN.replace(" and ", "\r\nand ").encode("utf-8"))
    (tmp_path / "mentions.txt").write_text("EN_1.txt\tJones\t0\t4\n", "utf-8")
    out = tmp_path / "roles.txt"
    result = runner.invoke(
        app,
        ["predict", "entity-roles", str(docs), "--mentions", str(tmp_path / "mentions.txt"), "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    fields = out.read_text("utf-8").rstrip("\n").split("\t")
    assert fields[:4] == ["EN_1.txt", "Jones", "0", "4"] and fields[4] in MAIN_ROLES
    result = runner.invoke(app, ["evaluate", "entity-roles", "--gold", str(out), "--pred", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.split()[:2] == ["roles_emr", "1.0000"]


def test_predict_entity_roles_warns_of_a_mention_its_offsets_miss(tmp_path: Path) -> None:
    """QA: a mention whose offsets cover other words ("d we cannot" for Jane Porter) was given a
    role without a word; it is still predicted (the official data has such rows), with a warning."""
    from unspun.cli import app

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "EN_1.txt").write_text(VILLAIN, "utf-8")
    mentions = tmp_path / "mentions.txt"
    mentions.write_text("EN_1.txt\tJones\t0\t4\nEN_1.txt\tJones\t8\t12\n", "utf-8")
    out = tmp_path / "roles.txt"
    result = CliRunner().invoke(
        app, ["predict", "entity-roles", str(docs), "--mentions", str(mentions), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert len(out.read_text("utf-8").splitlines()) == 2
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert (
        len(warnings) == 1 and f"{mentions}, line 2: the offsets 8-12 of 'Jones' cover 'utall'" in warnings[0]
    )


def _roles(main: str, p: float) -> Roles:
    return Roles(Label(main, p), (Label("Conspirator", 0.3),))


def test_role_given_needs_the_threshold_and_more_than_a_passing_mention() -> None:
    model = HeadModel(
        {
            "blocks": BLOCKS,
            "role_thresholds": {"Protagonist": 0.5, "Antagonist": 0.8, "Innocent": 0.5},
            "passing": {"min_mentions": 2, "types": ["GPE", "NORP", "LOC"], "margin": 0.1},
        },
        {},
    )
    twice = [TextRange(0, 5), TextRange(10, 15)]
    assert not role_given(model, _roles("Antagonist", 0.7))  # below the Antagonist threshold
    assert role_given(model, _roles("Antagonist", 0.85)) and role_given(model, _roles("Innocent", 0.55))
    assert role_given(model, _roles("Antagonist", 0.85), Entity("e1", "Jones", "PERSON", twice))
    assert not role_given(model, _roles("Antagonist", 0.85), Entity("e1", "Jones", "PERSON", twice[:1]))
    assert not role_given(model, _roles("Antagonist", 0.85), Entity("e2", "Gulf", "LOC", twice))
    assert role_given(model, _roles("Antagonist", 0.95), Entity("e2", "Gulf", "LOC", twice))
    assert role_given(HeadModel({"blocks": BLOCKS}, {}), _roles("Antagonist", 0.4))  # no rule: always
    acting = HeadModel({**model.config, "passing": {"min_mentions": 2, "actor_deps": list(ACTOR_DEPS)}}, {})
    jones = Entity("e1", "Jones", "PERSON", twice)
    assert role_given(acting, _roles("Antagonist", 0.85), jones, actor=True)
    assert not role_given(acting, _roles("Antagonist", 0.99), jones, actor=False)  # only in passing
    assert role_given(acting, _roles("Antagonist", 0.85), jones, actor=None)  # no parse: rule not applied
    # cast as an actor only as who speaks: the place margin more
    assert not role_given(
        model, _roles("Antagonist", 0.85), Entity("e1", "Jones", "PERSON", twice), True, True
    )
    assert role_given(model, _roles("Antagonist", 0.95), Entity("e1", "Jones", "PERSON", twice), True, True)


PASSING = (
    "The fighting went on near Musa Qala for a week. Commander Ahmad Shah attacked the town again "
    "on Monday, and Ahmad Shah said his men would stay in Helmand. In Helmand the roads were closed."
)


def _always_antagonist(width: int) -> HeadModel:
    """Role heads whose every mention is an Antagonist (probability ~1): the rule alone decides."""
    zeros, ones = np.zeros(width, np.float32), np.ones(width, np.float32)

    def head(labels: tuple[str, ...], best: str) -> LinearHead:
        bias = np.array([20.0 if label == best else 0.0 for label in labels], np.float32)
        return LinearHead(labels, np.zeros((width, len(labels)), np.float32), bias, zeros, ones, False)

    config = {
        "task": "entity-roles",
        "blocks": BLOCKS,
        "role_thresholds": {"Protagonist": 0.5, "Antagonist": 0.5, "Innocent": 0.5},
        "passing": {
            "min_mentions": 1,
            "types": ["GPE", "NORP", "LOC"],
            "margin": 0.0,
            "actor_deps": list(ACTOR_DEPS),
        },
    }
    return HeadModel(
        config, {"main": head(MAIN_ROLES, "Antagonist"), "fine": head(ALL_FINE_ROLES, "Conspirator")}
    )


def test_portrayal_gives_no_role_to_what_is_named_only_in_passing(
    tiny_models: tuple[HeadModel, HeadModel],
) -> None:
    from unspun.pipeline.entities import EntityRecognizer
    from unspun.whosays.parsing import PARSE_KEY

    sentiment, roles = tiny_models
    article = EntityRecognizer()([Article(id="p", text=PASSING, language="en")])[0]
    by_name = {e.name: e for e in article.entities}
    assert {"Musa Qala", "Ahmad Shah", "Helmand"} <= set(by_name)
    chunks = article.vectors[PARSE_KEY]
    assert cast_as_actor(chunks, by_name["Ahmad Shah"]) is True  # the subject of "attacked", "said"
    assert cast_as_actor(chunks, by_name["Musa Qala"]) is False  # "near Musa Qala" only
    assert cast_as_actor(chunks, by_name["Helmand"]) is False  # "in Helmand" twice
    assert cast_as_actor(None, by_name["Helmand"]) is None
    always = _always_antagonist(roles.head("main").n_features)
    PortrayalTagger(sentiment_model=sentiment, roles_model=always)([article])
    assert by_name["Ahmad Shah"].role is not None and by_name["Ahmad Shah"].role.name == "Antagonist"
    assert by_name["Musa Qala"].role is None and by_name["Musa Qala"].fine_roles == []
    assert by_name["Helmand"].role is None


SPEAKERS = (
    "In fact, as the Daily Telegraph revealed yesterday, MI6 agents have been meeting with Taleban "
    "leaders. Those who spoke to the Telegraph were unworried.\n\nMayor John Smith said the talks had "
    "failed. Smith added that he would resign.\n\nThe police freed Jane Doe on Friday, and Jane Doe "
    "went home."
)


def test_a_cited_source_is_cast_in_no_role_and_a_speaker_needs_more_evidence(
    tiny_models: tuple[HeadModel, HeadModel],
) -> None:
    from unspun.pipeline.attribution import whosays_components
    from unspun.pipeline.portrayal import speaking_ranges
    from unspun.whosays.parsing import PARSE_KEY

    sentiment, roles = tiny_models
    article = Article(id="s", text=SPEAKERS, language="en")
    for component in whosays_components():
        component([article])
    by_name = {e.name: e for e in article.entities}
    assert {"Daily Telegraph", "John Smith", "Jane Doe"} <= set(by_name)
    sources, cited = speaking_ranges(article)
    assert [SPEAKERS[s:e] for s, e in cited] == ["the Daily Telegraph"]  # "as the Daily Telegraph revealed"
    chunks = article.vectors[PARSE_KEY]
    telegraph, smith, doe = by_name["Daily Telegraph"], by_name["John Smith"], by_name["Jane Doe"]
    assert cast_as_actor(chunks, telegraph) is True  # the subject of "revealed"
    assert cast_as_actor(chunks, telegraph, outside=cited) is False  # else "spoke to the Telegraph"
    assert cast_as_actor(chunks, smith, outside=cited) is True
    assert cast_as_actor(chunks, smith, outside=sources) is False  # only who "said" and "added"
    assert cast_as_actor(chunks, doe, outside=sources) is True  # "freed Jane Doe", "Jane Doe went"
    # Every mention an Antagonist with probability ~1: a margin of 0.6 over the 0.5 threshold is
    # out of reach, so only an entity cast by what it does (not by what it says) gets the role.
    always = _always_antagonist(roles.head("main").n_features)
    strict = HeadModel(
        {**always.config, "passing": {**always.config["passing"], "margin": 0.6}}, always.heads
    )
    PortrayalTagger(sentiment_model=sentiment, roles_model=strict)([article])
    assert telegraph.role is None and smith.role is None
    assert doe.role is not None and doe.role.name == "Antagonist"
    PortrayalTagger(sentiment_model=sentiment, roles_model=always)([article])
    assert telegraph.role is None  # cited: no role however strong the score
    # Smith only speaks: no sentence says anything about him, so none takes a side towards him
    assert smith.role is None
    PortrayalTagger(sentiment_model=sentiment, roles_model=always, cast_level=None)([article])
    assert smith.role is not None and smith.role.name == "Antagonist"  # without the sentiment gate


def test_portrayal_leaves_role_empty_where_it_is_not_given(tiny_models: tuple[HeadModel, HeadModel]) -> None:
    sentiment, roles = tiny_models
    never = HeadModel({**roles.config, "role_thresholds": dict.fromkeys(MAIN_ROLES, 1.01)}, roles.heads)
    articles = PortrayalTagger(sentiment_model=sentiment, roles_model=never)(_articles())
    assert _portrayal(articles[0]) == [("positive", None, [])]
    assert _portrayal(articles[1]) == [("negative", None, [])]


def test_role_thresholds_give_a_role_only_where_it_beats_the_prior() -> None:
    need("sklearn")
    from unspun.training.train_whosays import role_thresholds

    rng = np.random.default_rng(0)
    n = 2000
    p_antagonist = rng.uniform(0.4, 1.0, n)  # calibrated: right as often as it says
    y = np.where(rng.uniform(size=n) < p_antagonist, 1, 0)
    p = np.stack([1 - p_antagonist, p_antagonist, np.zeros(n)], axis=1)
    prior = np.bincount(y, minlength=3) / n  # Antagonist about 0.7
    t_protagonist, t_antagonist, t_innocent = role_thresholds(p, y, prior)
    assert abs(t_antagonist - prior[1]) < 0.1  # given where its probability exceeds its prior
    assert t_innocent > 1.0  # never the most probable: never given
    chosen = p[:, 1] >= t_antagonist
    assert (y[chosen] == 1).mean() > prior[1]


def test_fit_temperature_undoes_a_flattened_softmax() -> None:
    need("scipy")
    from unspun.training.train_whosays import fit_temperature

    rng = np.random.default_rng(1)
    logits = rng.normal(0, 2, (3000, 3))
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in p])
    a, c = fit_temperature(logits / 3, y)  # a model three times too unsure
    assert 2.4 < a < 3.6 and np.abs(c - c.mean()).max() < 0.3


def _write_role_corpus(folder: Path, articles: int, template: str) -> list[str]:
    """SemEval-2025 role annotations in ``folder`` (``docs/EN_<i>.txt`` and ``roles.txt``): each
    article is ``template`` with a hero ``Smith<i>`` (Protagonist: Guardian, at the start) and a
    villain ``Jones<i>`` (Antagonist: Deceiver, at its first mention). Returns the annotation lines."""
    docs = folder / "docs"
    docs.mkdir()
    lines = []
    for i in range(articles):
        hero, villain = f"Smith{i}", f"Jones{i}"
        text = template.format(hero=hero, villain=villain)
        (docs / f"EN_{i}.txt").write_text(text, "utf-8")
        lines.append(f"EN_{i}.txt\t{hero}\t0\t{len(hero) - 1}\tProtagonist\tGuardian")
        start = text.index(villain)
        lines.append(f"EN_{i}.txt\t{villain}\t{start}\t{start + len(villain) - 1}\tAntagonist\tDeceiver")
    (folder / "roles.txt").write_text("\n".join(lines) + "\n", "utf-8")
    return lines


@pytest.mark.needs("sklearn")
def test_train_entity_roles_calibrates_and_chooses_role_thresholds(tmp_path: Path) -> None:
    from unspun.training.train_whosays import train_whosays

    _write_role_corpus(
        tmp_path, 8, "{hero} saved the children. {villain} lied to the court. {villain} stole the money."
    )
    config = tmp_path / "c.toml"
    config.write_text(
        '[data]\nannotations = "roles.txt"\ndocuments = "docs"\n\n'
        '[model]\nblocks = ["mention", "window_mean"]\nc = 1.0\nfolds = 2\nseed = 1\n\n'
        '[decision]\nmin_mentions = 2\nmargin = 0.1\nactor_deps = ["nsubj", "dobj"]\n'
        'against_tone = { Antagonist = "positive" }\nneeds_side = { Antagonist = "negative" }\n',
        "utf-8",
    )
    report = train_whosays("entity-roles", config, tmp_path, tmp_path / "model", cache=tmp_path / "cache")
    main = report["main_role"]
    assert main["majority_accuracy"] == 0.5 and main["accuracy_calibrated"] >= 0.5
    assert 0.0 <= main["thresholds_rule"]["coverage"] <= 1.0
    assert set(report["role_thresholds"]) == set(MAIN_ROLES)
    saved = json.loads((tmp_path / "model" / "config.json").read_text("utf-8"))
    assert saved["role_thresholds"] == report["role_thresholds"]
    assert saved["passing"] == {
        "min_mentions": 2,
        "types": ["GPE", "NORP", "LOC"],
        "margin": 0.1,
        "actor_deps": ["nsubj", "dobj"],
        "against_tone": {"Antagonist": "positive"},
        "needs_side": {"Antagonist": "negative"},
        "side_level": 0.65,
    }
    # no target_prior in the config: 80% Antagonist, the rest as in train (here all Protagonist)
    assert saved["train_prior"] == {"Protagonist": 0.5, "Antagonist": 0.5, "Innocent": 0.0}
    assert abs(saved["target_prior"]["Antagonist"] - 0.8) < 1e-9
    assert abs(saved["target_prior"]["Protagonist"] - 0.2) < 1e-9
    assert {"train_mix", "target_mix", "pipeline_rule"} <= set(report["mix"])
    rule = main["thresholds_and_passing"]  # measured on the entity step's entities
    assert 0.0 <= rule["coverage"] <= main["thresholds_rule"]["coverage"] + 1e-9


def test_train_entity_roles_with_sentiment_reads_it_in_training_and_predicting(tmp_path: Path) -> None:
    """Heads trained with ``sentiment_weight`` read three sentiment columns after the blocks; the
    fine head only its ``fine_blocks`` (zero weights elsewhere); `predict` and the pipeline feed
    them the same columns."""
    from unspun.tasks.entity_roles import read_mentions
    from unspun.training.train_whosays import train_whosays
    from unspun.training.whosays_predictions import predict_entity_roles

    lines = _write_role_corpus(
        tmp_path, 6, "{hero} bravely saved the children. {villain} cruelly lied to the court."
    )
    docs = tmp_path / "docs"
    config = tmp_path / "c.toml"
    config.write_text(
        '[data]\nannotations = "roles.txt"\ndocuments = "docs"\n\n'
        '[model]\nblocks = ["mention", "window_mean", "sentence_mean"]\nc = 1.0\nfolds = 2\nseed = 1\n'
        'sentiment_weight = 3.0\nfine_blocks = ["mention"]\nfine_c = 1.0\n',
        "utf-8",
    )
    train_whosays("entity-roles", config, tmp_path, tmp_path / "model", cache=tmp_path / "cache")
    model = HeadModel.from_disk(tmp_path / "model")
    assert model.config["sentiment_features"] and model.config["fine_blocks"] == ["mention"]
    dim = model.head("main").n_features - 3
    assert dim % 3 == 0 and model.head("fine").n_features == dim + 3
    assert not model.head("fine").weights[dim // 3 :].any()  # the fine head reads the mention only
    (tmp_path / "mentions.txt").write_text(
        "\n".join(line.rsplit("\t", 2)[0] for line in lines) + "\n", "utf-8"
    )
    predicted = predict_entity_roles(docs, read_mentions(tmp_path / "mentions.txt"), tmp_path / "model")
    assert [m.main_role for m in predicted] == ["Protagonist", "Antagonist"] * 6
    always = HeadModel({**model.config, "role_thresholds": dict.fromkeys(MAIN_ROLES, 0.0)}, model.heads)
    article = Article(id="v", text=VILLAIN, entities=[Entity("e1", "Jones", "PERSON", [TextRange(0, 5)])])
    PortrayalTagger(roles_model=always)([article])
    jones = article.entities[0]
    assert jones.sentiment is not None and jones.role is not None and len(jones.fine_roles) == 1


def test_fit_linear_head_column_weight_lets_a_weighted_column_speak_past_the_penalty() -> None:
    """Under a strong penalty a lone informative column is all but silenced among noise; weighted,
    its coefficient costs less and the head moves further from the prior where it says so."""
    need("sklearn")
    rng = np.random.default_rng(0)
    y = np.array([0, 1] * 40)
    x = np.hstack([rng.normal(size=(80, 50)), (y + rng.normal(scale=0.5, size=80))[:, None]])
    labels = ["Protagonist", "Antagonist"]
    targets = [labels[v] for v in y]
    plain = fit_linear_head(x, targets, labels, multi_label=False, c=0.001)
    weighted = fit_linear_head(
        x, targets, labels, multi_label=False, c=0.001, column_weight=np.r_[np.ones(50), 5.0]
    )
    probe = np.zeros((1, 51))
    probe[0, 50] = 1.5
    assert weighted.scores(probe)[0, 1] > plain.scores(probe)[0, 1] + 0.05
    assert np.allclose(weighted.mean, plain.mean)  # the weight sits in the scale: same input rows


def test_role_features_append_the_entity_sentiment_in_the_training_order() -> None:
    rows = np.ones((2, 4), dtype=np.float32)
    sentiment = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])  # positive, neutral, negative
    order = ("positive", "neutral", "negative")
    plain = HeadModel({"blocks": BLOCKS}, {})
    assert role_features(plain, rows, sentiment, order) is rows  # an older model reads no sentiment
    reading = HeadModel({"blocks": BLOCKS, "sentiment_features": True}, {})
    out = role_features(reading, rows, sentiment, order)
    assert out.shape == (2, 7)
    assert np.allclose(out[:, 4:], sentiment[:, ::-1])  # negative, neutral, positive (SENTIMENTS)
    assert role_features(reading, rows[:0], sentiment[:0], order).shape == (0, 7)


WIRE = (
    "Water board approves new treatment plant\n\n"
    "SPRINGFIELD, March 3 (Wire) - The Springfield water board on Tuesday approved a $40 million "
    'treatment plant, its chair, Maria Lopez, said. "The plant will serve 80,000 homes when it opens '
    'in 2026," Lopez told reporters after the vote. City engineer David Chen said construction would '
    "begin in March and take two years. Lopez said the board had reviewed three bids. Chen added that "
    "the old plant, built in 1962, would close after the new one opens."
)


def test_shipped_roles_make_no_antagonists_of_officials_quoted_in_a_wire_report() -> None:
    from unspun.pipeline.entities import EntityRecognizer

    article = Article(id="wire", text=WIRE, language="en")
    PortrayalTagger()(EntityRecognizer()([article]))
    people = {e.name: e for e in article.entities if e.type == "PERSON"}
    assert {"Maria Lopez", "David Chen"} <= set(people)
    assert all(e.role is None or e.role.name != "Antagonist" for e in article.entities)
    for entity in article.entities:  # a fine role only under a given main role, and one of its own
        assert entity.fine_roles == [] if entity.role is None else len(entity.fine_roles) == 1
    places = [e for e in article.entities if e.type in ("GPE", "NORP", "LOC") and len(e.mentions) < 2]
    assert all(e.role is None for e in places)  # named in passing: no role


def test_shipped_roles_give_no_role_to_a_place_named_once_in_passing() -> None:
    from unspun.pipeline.entities import EntityRecognizer

    article = Article(id="p", text=PASSING, language="en")
    PortrayalTagger()(EntityRecognizer()([article]))
    by_name = {e.name: e for e in article.entities}
    assert by_name["Musa Qala"].role is None and by_name["Musa Qala"].fine_roles == []
    assert by_name["Helmand"].role is None  # twice, but only inside prepositional phrases


def test_passing_figures_hold_a_speaker_to_the_margin() -> None:
    from unspun.training.role_casting import Casting, passing_figures

    twice = [TextRange(0, 5), TextRange(10, 15)]
    actor = Entity("e1", "Jones", "PERSON", twice)
    speaker = Entity("e2", "Smith", "PERSON", twice)
    cast = [Casting(actor, True), Casting(speaker, True, speaker=True), Casting(speaker, True, speaker=True)]
    probabilities = np.array([[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1]])
    y = np.array([MAIN_ROLES.index("Antagonist")] * 3)
    folds = [np.arange(3)]
    figures = passing_figures(probabilities, y, cast, [[0.5, 0.7, 0.5]], folds, {"margin": 0.2})
    assert figures["coverage"] == pytest.approx(1 / 3, abs=1e-3) and figures["accuracy_given"] == 1.0
    figures = passing_figures(probabilities, y, cast, [[0.5, 0.55, 0.5]], folds, {"margin": 0.2})
    assert figures["coverage"] == 1.0  # 0.8 clears 0.55 + 0.2


def _shipped_sentiment() -> SentenceClassifier:
    model = load_sentiment_model()
    assert isinstance(model, SentenceClassifier) and model.config.get("target_markers")
    return model


def test_target_window_centres_the_target_and_keeps_the_special_tokens() -> None:
    model = _shipped_sentiment()
    text = "One two three four five six seven Smith eight nine ten eleven twelve thirteen fourteen."
    start = text.index("Smith")
    encoding = model.whole.encode(model.mark(text, start, start + 5))
    a, b = model.marked_range(start, start + 5)
    target = encoding.ids[encoding.char_to_token(a) : encoding.char_to_token(b - 1) + 1]
    ids = target_window(encoding, a, b, 12)
    assert len(ids) == 12 and ids[0] == encoding.ids[0] and ids[-1] == encoding.ids[-1]
    at = next(i for i in range(len(ids)) if ids[i : i + len(target)] == target)
    before, after = at - 1, len(ids) - 1 - (at + len(target))
    assert abs(before - after) <= 1  # the words around the target, as many on each side
    assert target_window(encoding, a, b, 200) == encoding.ids  # short enough: unchanged
    # a target longer than the window: read from its start
    assert target_window(encoding, a, b, len(target))[1] == target[0]


def test_a_target_late_in_a_long_sentence_is_read_around_it() -> None:
    model = _shipped_sentiment()
    tail = "Jones brutally murdered the villagers and lied about it to the court."
    long = "the " * 150 + tail
    start = long.index("Jones")
    marked = model.mark(long, start, start + 5)
    marker = set(model.whole.encode(model.config["target_markers"][0], add_special_tokens=False).ids)
    assert marker and not marker & set(model.tokenizer.encode(marked).ids)  # truncation cut it off
    # the window: as many of the words before as fit, then the target and the rest of the sentence
    fits = model.max_length - len(model.whole.encode(model.mark(tail, 0, 5)).ids)
    short = "the " * fits + tail
    assert len(
        model.whole.encode(model.mark(short, len(short) - len(tail), len(short) - len(tail) + 5)).ids
    ) == (model.max_length)
    got = target_scores(
        model, [long, short], [(start, start + 5), (len(short) - len(tail), len(short) - len(tail) + 5)]
    )
    assert np.array_equal(got[0], got[1])
    # a sentence that fits is read as marked, exactly as before
    assert np.array_equal(
        target_scores(model, [tail], [(0, 5)])[0], model.probabilities([model.mark(tail, 0, 5)])[0]
    )


def test_target_inputs_read_each_entity_once_a_sentence() -> None:
    from unspun.sentences import split_sentences
    from unspun.whosays.encoding import SentenceStates

    text = "Smith met Jones. Smith thanked Smith's aide."
    states = SentenceStates(hash(text), tuple(split_sentences(text)), ())
    ranges = [(0, 5), (10, 15), (17, 22), (31, 36)]
    inputs = target_inputs(text, states, ranges, groups=[0, 1, 0, 0])
    first, second = "Smith met Jones.", "Smith thanked Smith's aide."
    assert inputs.sentences == [first, first, second]
    assert inputs.targets == [(0, 5), (10, 15), (0, 5)] and inputs.of_mention == [0, 1, 2, 2]
    apart = target_inputs(text, states, ranges)  # no entities: every mention its own input
    assert apart.targets == [(0, 5), (10, 15), (0, 5), (14, 19)] and apart.of_mention == [0, 1, 2, 3]


def _spy_on_sentences_at(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The mention positions portrayal asks the role heads' sentence encoder for, as it asks."""
    import unspun.pipeline.portrayal as portrayal
    from unspun.whosays import encoding

    asked: list[list[int]] = []

    def spy(articles: list[Article], positions: list[list[int]]) -> object:
        asked.extend(list(p) for p in positions)
        return encoding.sentences_at(articles, positions)

    monkeypatch.setattr(portrayal, "sentences_at", spy)
    return asked


def test_portrayal_encodes_only_the_sentences_of_entities_that_may_get_a_role(
    tiny_models: tuple[HeadModel, HeadModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Jones is named once: no role whatever his scores (min_mentions 2), so the role heads need not
    # read his sentence; the sentiment classifier still reads it, and Smith's roles are those of
    # the rows of both his sentences.
    import unspun.pipeline.portrayal as portrayal

    _, roles = tiny_models
    twice = HeadModel({**roles.config, "passing": {"min_mentions": 2}}, roles.heads)
    text = f"{HERO} {VILLAIN} Smith was thanked."
    smith = [TextRange(0, 5), TextRange(len(HERO) + len(VILLAIN) + 2, len(HERO) + len(VILLAIN) + 7)]
    jones = [TextRange(len(HERO) + 1, len(HERO) + 6)]
    article = Article(
        id="a",
        text=text,
        language="en",
        entities=[Entity("e1", "Smith", "PERSON", smith), Entity("e2", "Jones", "PERSON", jones)],
    )
    from unspun.whosays import encoding

    asked = _spy_on_sentences_at(monkeypatch)
    [done] = PortrayalTagger(sentiment_model=load_sentiment_model(), roles_model=twice)([article])
    assert asked == [[m.start for m in smith]]
    first, second = done.entities
    assert first.sentiment is not None and second.sentiment is not None  # both read
    assert second.role is None and second.fine_roles == []
    states = encoding.sentences_at([Article(id="b", text=text)], [[m.start for m in smith]])[0]
    main, fine = portrayal.role_scores(twice, states.rows([(m.start, m.end) for m in smith], twice.blocks))
    expected = decide_roles(twice, main.mean(axis=0), fine.mean(axis=0))
    assert first.role is not None and first.role.name == expected.main.name
    assert [f.name for f in first.fine_roles] == [f.name for f in expected.fine]


def test_portrayal_encodes_no_sentence_of_an_entity_no_sentence_takes_a_side_towards(
    tiny_models: tuple[HeadModel, HeadModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Brown is named twice, as an actor, in neutral words: the sentiment gate gives him no role,
    # so the role heads need not read his sentences (the classifier reads them first).

    _, roles = tiny_models
    twice = HeadModel({**roles.config, "passing": {"min_mentions": 2}}, roles.heads)
    neutral = "Brown met the committee on Tuesday. Brown said the next meeting is in May."
    text = f"{HERO} {neutral} Smith was thanked."
    at = len(HERO) + 1
    brown = [
        TextRange(at, at + 5),
        TextRange(at + neutral.index("Brown", 5), at + neutral.index("Brown", 5) + 5),
    ]
    smith = [TextRange(0, 5), TextRange(len(text) - 18, len(text) - 13)]
    article = Article(
        id="a",
        text=text,
        language="en",
        entities=[Entity("e1", "Smith", "PERSON", smith), Entity("e2", "Brown", "PERSON", brown)],
    )
    assert [text[m.start : m.end] for m in smith + brown] == ["Smith"] * 2 + ["Brown"] * 2
    asked = _spy_on_sentences_at(monkeypatch)
    [done] = PortrayalTagger(sentiment_model=load_sentiment_model(), roles_model=twice)([article])
    assert asked == [[m.start for m in smith]]
    first, second = done.entities
    assert second.sentiment is not None and second.role is None
    assert first.role is not None


def test_first_sentences_keep_the_mentions_of_an_entitys_first_sentences() -> None:
    import re

    from unspun.pipeline.portrayal import first_sentences
    from unspun.sentences import split_sentences
    from unspun.whosays.encoding import SentenceStates

    text = "Smith met Jones. Smith left. Jones stayed. Smith and Smith returned."
    states = SentenceStates(hash(text), tuple(split_sentences(text)), ())
    smith = [m.start() for m in re.finditer("Smith", text)]
    jones = [m.start() for m in re.finditer("Jones", text)]
    ranges = sorted([(s, s + 5) for s in smith + jones])
    groups = [0 if text[a:b] == "Smith" else 1 for a, b in ranges]
    # Smith: sentences 0, 1, 3 (twice); Jones: 0, 2. Two sentences each: Smith's first two only.
    kept = first_sentences(states, ranges, groups, 2)
    assert [ranges[i] for i in kept] == [
        r for r, g in zip(ranges, groups, strict=True) if g == 1 or r[0] < 20
    ]
    assert first_sentences(states, ranges, groups, 3) == list(range(len(ranges)))


def test_entity_sentiments_of_a_classifier_read_the_first_sentences_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import unspun.pipeline.portrayal as portrayal
    import unspun.whosays.sentiment as sentiment
    from unspun.sentences import split_sentences
    from unspun.whosays.encoding import SentenceStates

    text = "Smith won. Smith lost. Smith cried."
    states = SentenceStates(hash(text), tuple(split_sentences(text)), ())
    ranges = [(0, 5), (11, 16), (23, 28)]
    read: list[list[tuple[int, int]]] = []

    def scores(
        model: object, text: str, states: object, ranges: list[tuple[int, int]], groups: object
    ) -> np.ndarray:
        read.append(list(ranges))
        return np.tile(np.array([[0.2, 0.3, 0.5]], dtype=np.float32), (len(ranges), 1))

    monkeypatch.setattr(sentiment, "mention_sentiments", scores)
    classifier = SentenceClassifier(config={"labels": list(SENTIMENTS)}, session=None, tokenizer=None)
    means = portrayal.entity_sentiments(classifier, text, states, ranges, [0, 0, 0], 1, max_sentences=2)
    assert read == [[(0, 5), (11, 16)]] and np.allclose(means, [[0.2, 0.3, 0.5]])
    portrayal.entity_sentiments(classifier, text, states, ranges, [0, 0, 0], 1, max_sentences=None)
    assert read[-1] == ranges


def test_sentiment_cast_needs_a_mention_whose_sentence_takes_a_side() -> None:
    labels = ("negative", "neutral", "positive")
    scores = np.array([[0.1, 0.8, 0.1], [0.2, 0.5, 0.3], [0.7, 0.2, 0.1], [0.1, 0.2, 0.7]])
    # entity 0: two neutral sentences; entity 1: one damning sentence; entity 2: one praising;
    # entity 3: not read at all
    assert sentiment_cast(scores, [0, 0, 1, 2], 4, labels, 0.65) == [False, True, True, False]
    assert sentiment_cast(scores, [0, 0, 1, 2], 4, labels, 0.75) == [False, False, False, False]
    assert sentiment_cast(scores[:, ::-1], [0, 0, 1, 2], 4, labels[::-1], 0.65) == [False, True, True, False]
    assert sentiment_cast(scores[:0], [], 2, labels) == [False, False]
    model = HeadModel({"role_thresholds": {"Antagonist": 0.5}}, {})
    assert role_given(model, _roles("Antagonist", 0.9), cast=None)  # not asked: as before
    assert role_given(model, _roles("Antagonist", 0.9), cast=True)
    assert not role_given(model, _roles("Antagonist", 0.99), cast=False)  # no sentence takes a side


CAST = (
    "The corrupt regime of Viktor Orban has rigged the elections again. Orban's cronies looted the "
    "treasury while his propaganda machine smeared every critic as a traitor.\n\n"
    "Anna Berg, an economist at the Central Statistics Office, said the budget figures were published "
    'on Tuesday. "The figures will be revised in May," Berg said.'
)


def test_a_role_needs_a_sentence_that_takes_a_side_towards_the_entity(
    tiny_models: tuple[HeadModel, HeadModel],
) -> None:
    """With role heads that call every mention an Antagonist and no margin, the rule gives a role
    to the entity a damning sentence names and none to the expert quoted in neutral words."""
    from unspun.pipeline.attribution import whosays_components

    _, roles = tiny_models
    always = _always_antagonist(roles.head("main").n_features)
    article = Article(id="c", text=CAST, language="en")
    for component in whosays_components():  # entities, attributions
        component([article])
    by_name = {e.name: e for e in article.entities}
    assert {"Viktor Orban", "Anna Berg"} <= set(by_name)
    PortrayalTagger(roles_model=always)([article])  # the shipped sentiment classifier
    orban, berg = by_name["Viktor Orban"], by_name["Anna Berg"]
    assert orban.role is not None and orban.role.name == "Antagonist"
    assert berg.role is None and berg.fine_roles == []
    PortrayalTagger(roles_model=always, cast_level=None)([article])  # without the evidence rule
    assert berg.role is not None and berg.role.name == "Antagonist"


def test_training_measures_the_rule_with_the_sentiment_evidence() -> None:
    """training.json and the benchmark score the shipped rule: an entity no sentence takes a side
    towards gets no role there either (casting reads it as the component does)."""
    from unspun.tasks.entity_roles import RoleMention
    from unspun.training.role_casting import Casting, casting, passing_figures

    orban_at, berg_at = CAST.index("Viktor Orban"), CAST.index("Anna Berg")
    mentions = [
        RoleMention("c", "Viktor Orban", orban_at, orban_at + 11, "Antagonist"),
        RoleMention("c", "Anna Berg", berg_at, berg_at + 8, "Antagonist"),
    ]
    orban, berg = casting(mentions, {"c": CAST})
    assert orban.entity is not None and orban.entity.name == "Viktor Orban" and orban.cast is True
    assert berg.entity is not None and berg.entity.name == "Anna Berg" and berg.cast is False
    assert [c.cast for c in casting(mentions, {"c": CAST}, cast_level=None)] == [None, None]
    probabilities = np.array([[0.1, 0.8, 0.1], [0.1, 0.8, 0.1]])
    y = np.array([MAIN_ROLES.index("Antagonist")] * 2)
    figures = passing_figures(probabilities, y, [orban, berg], [[0.5, 0.7, 0.5]], [np.arange(2)], {})
    assert figures["coverage"] == 0.5 and figures["accuracy_given"] == 1.0  # Berg: none
    unasked = [Casting(orban.entity, True), Casting(berg.entity, True)]
    figures = passing_figures(probabilities, y, unasked, [[0.5, 0.7, 0.5]], [np.arange(2)], {})
    assert figures["coverage"] == 1.0


REPORT = (
    "Council approves budget for new water treatment plant\n\n"
    "OAKHAVEN, March 3 (Reuters) - The Oakhaven city council on Tuesday approved a $42 million budget "
    "for a new water treatment plant, city officials said.\n\n"
    "The plant will replace a facility built in 1961, Mayor Linda Ortiz told reporters after the vote. "
    '"This is an investment the city has needed for decades," Ortiz said.\n\n'
    "Council member David Chen said the project would be financed by municipal bonds. He added that "
    "construction could begin in the autumn.\n\n"
    "Tom Reyes, an economist at the Institute for Fiscal Studies, said the bonds were priced in line "
    'with similar projects. "The terms are ordinary," Reyes said.\n\n'
    "The state environmental agency said it would review the plans next month."
)


def test_shipped_roles_cast_no_one_in_a_neutral_wire_report() -> None:
    """The quoted economist was a Protagonist ('Rebel') and the council a 'Guardian' before a role
    needed a sentence that takes a side."""
    article = portrayed(REPORT, "report")
    assert "Tom Reyes" in {e.name for e in article.entities}
    assert [(e.name, e.role) for e in article.entities if e.role is not None] == []


def test_an_entity_named_once_gets_only_the_role_its_tone_maps_to() -> None:
    once, twice = [TextRange(0, 5)], [TextRange(0, 5), TextRange(10, 15)]
    model = HeadModel(
        {
            "role_thresholds": {"Antagonist": 0.5, "Protagonist": 0.5},
            "passing": {"min_mentions": 2, "fewer_mentions": {"Antagonist": "negative"}},
        },
        {},
    )
    jones = Entity("e1", "Jones", "PERSON", once)
    assert role_given(model, _roles("Antagonist", 0.9), jones, cast=True, tone="negative")
    assert not role_given(model, _roles("Antagonist", 0.9), jones, cast=True, tone="positive")
    assert not role_given(model, _roles("Protagonist", 0.9), jones, cast=True, tone="positive")
    assert not role_given(model, _roles("Antagonist", 0.9), jones)  # no tone: the old rule
    assert role_possible(model, jones, True, "negative") and not role_possible(model, jones, True, "neutral")
    # named twice: the tone does not matter
    assert role_given(
        model, _roles("Antagonist", 0.9), Entity("e1", "Jones", "PERSON", twice), tone="positive"
    )


def test_shipped_roles_cast_a_polemics_target_named_once() -> None:
    """Named once, as the subject of a damning sentence: the text casts him (fewer_mentions; no
    role before); named once in praise, no Antagonist (the heads' prior and names learnt)."""
    text = (
        "Senator Mark Jones is a liar and a coward.\n\n"
        "Created by Rebecca Sugar, the genius behind some of the very best Adventure Time episodes, "
        "Steven Universe is a beautiful show."
    )
    article = portrayed(text, "polemic")
    by_name = {e.name: e for e in article.entities}
    jones, sugar = by_name["Mark Jones"], by_name["Rebecca Sugar"]
    assert jones.role is not None and jones.role.name == "Antagonist"
    assert jones.fine_roles and MAIN_OF[jones.fine_roles[0].name] == "Antagonist"
    assert sugar.role is None or sugar.role.name != "Antagonist"


PRAISED_CEO = (
    "Sarah Lin, the chief executive of Brightwater Foods, has turned a struggling company around. "
    "Under Lin, Brightwater raised wages for its warehouse staff and kept every plant open through the "
    "downturn. Employees describe her as generous and tireless. Lin personally visited each of the "
    "company's twelve sites last year. Analysts credit Lin with saving thousands of jobs, and the town "
    "of Millbrook owes her a debt of gratitude."
)


def test_shipped_roles_make_no_antagonist_of_a_praised_chief_executive() -> None:
    """Issue 31 item 3: the heads read a chief executive the text praises as an Antagonist (0.94,
    Corrupt). An Antagonist needs a sentence against it (``needs_side``); the regime the text
    attacks has one and stays an Antagonist."""
    lin = {e.name: e for e in portrayed(PRAISED_CEO, "ceo").entities}["Sarah Lin"]
    assert lin.role is None or lin.role.name != "Antagonist"
    assert all(MAIN_OF[f.name] != "Antagonist" for f in lin.fine_roles)
    orban = {e.name: e for e in portrayed(CAST, "cast").entities}["Viktor Orban"]
    assert orban.role is not None and orban.role.name == "Antagonist"


def test_an_antagonist_needs_a_sentence_against_it() -> None:
    from unspun.training.role_casting import Casting, passing_figures
    from unspun.whosays.stance import side_maxima

    model = HeadModel(
        {
            "role_thresholds": {"Antagonist": 0.5, "Protagonist": 0.5},
            "passing": {"needs_side": {"Antagonist": "negative"}, "side_level": 0.65},
        },
        {},
    )
    praised = {"negative": 0.2, "neutral": 0.3, "positive": 0.9}
    damned = {"negative": 0.7, "neutral": 0.2, "positive": 0.1}
    assert not role_given(model, _roles("Antagonist", 0.99), sides=praised)
    assert role_given(model, _roles("Antagonist", 0.9), sides=damned)
    assert not role_given(model, _roles("Antagonist", 0.9), sides={"negative": 0.64})
    assert role_given(model, _roles("Protagonist", 0.9), sides=praised)  # asked of an Antagonist only
    assert role_given(model, _roles("Antagonist", 0.9))  # sides not read: not asked
    unasked = HeadModel({"role_thresholds": {"Antagonist": 0.5}}, {})
    assert role_given(unasked, _roles("Antagonist", 0.9), sides=praised)  # no needs_side: as before
    # the most damning and most praising sentence per entity; an entity with no row has none
    rows = np.array([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.8, 0.1, 0.1]])
    assert np.allclose(side_maxima(rows, [0, 0, 1], 3), [[0.6, 0.3, 0.7], [0.8, 0.1, 0.1], [0, 0, 0]])
    # the benchmark's rule reads the sides each annotated mention's entity carries
    twice = [TextRange(0, 5), TextRange(10, 15)]
    lin, jones = Entity("e1", "Lin", "PERSON", twice), Entity("e2", "Jones", "PERSON", twice)
    cast = [Casting(lin, True, cast=True, sides=praised), Casting(jones, True, cast=True, sides=damned)]
    probabilities = np.array([[0.05, 0.9, 0.05], [0.05, 0.9, 0.05]])
    y = np.array([MAIN_ROLES.index("Antagonist")] * 2)
    figures = passing_figures(
        probabilities, y, cast, [[0.5, 0.5, 0.5]], [np.arange(2)], model.config["passing"]
    )
    assert figures["coverage"] == 0.5


def test_a_speaker_is_not_cast_by_the_tone_of_their_own_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sentence where an entity is the source of an attribution does not count towards the side
    the text takes towards it, nor its tone: a speaker is cast by what the text says about them."""
    import unspun.whosays.sentiment as sentiment
    from unspun.whosays.encoding import SentenceStates

    text = '"It is a disgrace," said Costa. Costa runs a shop.'
    costa = Entity("e0", "Costa", "PERSON", [TextRange(25, 30), TextRange(32, 37)])
    said = Attribution(
        "a0", TextRange(0, 19), source=TextRange(25, 30), cue=TextRange(20, 24), source_entity="e0"
    )
    damning, plain = [0.9, 0.05, 0.05], [0.1, 0.8, 0.1]

    cut: list[list[list[tuple[int, int]]] | None] = []

    def scores(
        model: object,
        text: str,
        states: object,
        ranges: list[tuple[int, int]],
        groups: object,
        cuts: list[list[tuple[int, int]]] | None = None,
    ) -> np.ndarray:
        # her first mention's sentence is damning, unless read without her quote
        cut.append(cuts)
        quoted = [start < 31 and not (cuts and cuts[i]) for i, (start, _) in enumerate(ranges)]
        return np.array([damning if q else plain for q in quoted], dtype=np.float32)

    monkeypatch.setattr(sentiment, "mention_sentiments", scores)
    classifier = SentenceClassifier(config={"labels": list(SENTIMENTS)}, session=None, tokenizer=None)
    states = SentenceStates(hash(text), (), ())
    heard = entity_sentiment(classifier, Article(id="s", text=text, entities=[costa]), states)
    assert heard.cast == [True] and heard.tones == ["negative"]  # no attribution: read as described
    quoted = Article(id="s", text=text, entities=[costa], attributions=[said])
    speaking = entity_sentiment(classifier, quoted, states)
    assert speaking.cast == [False] and speaking.tones == ["neutral"]
    side, heard_side = speaking.side(0), heard.side(0)  # the side an Antagonist needs: not her words
    assert side is not None and heard_side is not None
    assert side["negative"] < 0.65 <= heard_side["negative"]
    # her sentence read without what she is quoted saying
    assert [list(c) for c in cut[-1] or ()] == [[(0, 19)], []]
    assert np.allclose(speaking.means, [plain])  # so the sentiment shown is not her quote's
    assert not np.allclose(heard.means, speaking.means)
    said.source_entity = "e9"  # named inside a source that is someone else ("Costa's lawyer said")
    assert entity_sentiment(classifier, quoted, states).cast == [True]


def test_shipped_roles_cast_no_quoted_shopkeeper_by_her_own_complaint() -> None:
    """QA s46: "'It's a disgrace,' said shopkeeper Maria Costa" made her an Antagonist
    ('Incompetent') from the tone of her own words."""
    text = (
        'Mayor Helen Ortiz met transport secretary David Lang on Monday to discuss the closed bridge. "The '
        'bridge will reopen in May," she said after the meeting.\n\n"It\'s a disgrace," said shopkeeper '
        'Maria Costa, whose takings have halved. "They treat us like idiots."'
    )
    article = portrayed(text, "speakers")
    by_name = {e.name: e for e in article.entities}
    assert "Maria Costa" in by_name
    assert by_name["Maria Costa"].role is None and by_name["Maria Costa"].fine_roles == []


def test_shipped_sentiment_of_a_quoted_union_leader_is_not_the_tone_of_his_quote() -> None:
    """QA s46: a union leader only quoted calling a reform "an attack on every worker" was shown
    "negative 0.50": the sentiment read the words he is quoted saying, not what the text says
    about him."""
    text = (
        "Minister: 'We will not back down'\n\nFinance Minister Laura Becker said on Monday that the "
        "government would press ahead with the pension reform despite a week of strikes.\n\n"
        '"We will not back down. This reform is necessary for the next generation," Becker told '
        'parliament. Union leader Paul Novak called the plan "an attack on every worker in this country."\n'
    )
    article = portrayed(text, "colon")
    by_name = {e.name: e for e in article.entities}
    novak = by_name["Paul Novak"]
    assert any(a.source_entity == novak.id for a in article.attributions)  # he speaks
    assert novak.sentiment is not None and novak.sentiment.name != "negative"


def test_target_inputs_read_a_speakers_sentence_without_their_quote() -> None:
    from unspun.sentences import split_sentences
    from unspun.whosays.encoding import SentenceStates

    text = 'Polls opened. Union leader Paul Novak called the plan "an attack on every worker."'
    states = SentenceStates(hash(text), tuple(split_sentences(text)), ())
    novak = (text.index("Paul"), text.index("Paul") + 10)
    content = (text.index("the plan"), len(text))
    inputs = target_inputs(text, states, [novak], [0], [[content]])
    assert inputs.sentences == ["Union leader Paul Novak called "]
    start, end = inputs.targets[0]
    assert inputs.sentences[0][start:end] == "Paul Novak"
    # a quote before the speaker moves the target back; one over the target is not cut
    quote = '"It is a disgrace," said Costa.'
    costa = (quote.index("Costa"), quote.index("Costa") + 5)
    states = SentenceStates(hash(quote), tuple(split_sentences(quote)), ())
    [sentence] = target_inputs(quote, states, [costa], [0], [[(0, 19), (costa[0] - 1, costa[1])]]).sentences
    assert sentence == " said Costa."
