"""Portrayal: sentiment and roles on entities (overfit, save, reload), the role decision and the
shipped models through the predict commands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from extras import need
from unspun.document import Article, Entity, TextRange
from unspun.models.linear_head import fit_linear_head
from unspun.pipeline.portrayal import PortrayalTagger, decide_roles
from unspun.whosays.encoding import encode_texts
from unspun.whosays.entity_roles import ALL_FINE_ROLES, MAIN_ROLES
from unspun.whosays.heads import HeadModel, block_rows
from unspun.whosays.newsmtsc import SENTIMENTS

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
