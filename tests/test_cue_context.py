"""The cue rescorer (unspun.whosays.cue_context): context rows, trees stored as lists, a refit model."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from unspun.errors import ModelError
from unspun.tasks.polnear import GoldAttribution
from unspun.whosays.attribution_model import AttributionModel, fit
from unspun.whosays.attribution_rules import Found
from unspun.whosays.cue_context import CATEGORICAL, NUMERIC, CueRescorer, context_rows, fit_rescorer
from unspun.whosays.parsing import load_spacy


@pytest.fixture(scope="module")
def nlp() -> object:
    return load_spacy()


def _row(p: float, lemma: str) -> tuple[list[float], list[str]]:
    numeric = [0.0] * len(NUMERIC)
    numeric[1] = p
    categorical = ["-"] * len(CATEGORICAL)
    categorical[CATEGORICAL.index("lemma")] = lemma
    return numeric, categorical


@pytest.mark.needs("sklearn")
def test_rescorer_trees_split_on_numbers_and_categories_and_round_trip() -> None:
    # a cue when the lemma is "say" and the first probability is high: both kinds of split
    rng = random.Random(0)
    rows, labels = [], []
    for _ in range(400):
        lemma, p = rng.choice(["say", "vote", "know"]), rng.random()
        rows.append(_row(p, lemma))
        labels.append(int(lemma == "say" and p > 0.5))
    rescorer = fit_rescorer(rows, labels, floor=0.0, trees=30)
    assert rescorer.score(rescorer.encode(_row(0.9, "say"))) > 0.9
    assert rescorer.score(rescorer.encode(_row(0.2, "say"))) < 0.1
    assert rescorer.score(rescorer.encode(_row(0.9, "vote"))) < 0.1
    unseen = rescorer.score(rescorer.encode(_row(0.9, "tweet")))  # an unknown value is missing
    assert 0.0 < unseen < 1.0
    again = CueRescorer.from_json(rescorer.to_json())
    for row in (_row(0.9, "say"), _row(0.3, "know"), _row(0.9, "tweet")):
        assert again.score(again.encode(row)) == rescorer.score(rescorer.encode(row))


def test_context_rows_see_the_likelier_attribution_around_a_cue(nlp: object) -> None:
    text = "“Taxes will rise,” she said, adding that the mayor agreed."
    doc = nlp(text)  # type: ignore[operator]

    def at(piece: str) -> tuple[int, int]:
        start = text.index(piece)
        return start, start + len(piece)

    agreed = Found(
        doc.char_span(*at("agreed")).root.i, at("agreed"), at("the mayor"), None, "indirect", "ccomp"
    )
    said = Found(doc.char_span(*at("said")).root.i, at("said"), at("she"), (0, len(text)), "direct", "quote")
    (outer, _), (inner, _) = context_rows(doc, [(said, 0.9), (agreed, 0.3)])
    at_feature = NUMERIC.index
    assert inner[at_feature("inside_content_of")] == 0.9  # "agreed" lies in the content of "said"
    assert outer[at_feature("holds_cue_of")] == 0.3
    assert outer[at_feature("best_same_sentence")] == 0.3
    assert inner[at_feature("rank_in_sentence")] == 1.0


def _gold(text: str, source: str, cue: str, content: str) -> GoldAttribution:
    def at(piece: str) -> tuple[int, int]:
        start = text.index(piece)
        return start, start + len(piece)

    return GoldAttribution(content=at(content), source=at(source), cue=at(cue))


NAMES = ["Smith", "Jones", "Brown", "Green", "Lopez", "Young"]


@pytest.mark.needs("sklearn")
def test_attribution_model_with_rescorer_overfits_and_round_trips(nlp: object, tmp_path: Path) -> None:
    texts, golds = [], []
    for n, name in enumerate(NAMES):
        other = NAMES[n - 1]
        text = f"Senator {name} said that taxes would rise next year. {other} said goodbye to the crowd."
        texts.append(text)
        golds.append([_gold(text, f"Senator {name}", "said", "that taxes would rise next year")])
    docs = [nlp(text) for text in texts]  # type: ignore[operator]
    model = fit(docs, golds, min_count=1, c=100.0, threshold=0.5, rescore_threshold=0.5)
    assert model.rescorer is not None
    found = [[(f.source, f.cue, f.content) for f, _ in model.find(doc)] for doc in docs]
    assert found == [[(g.source, g.cue, g.content) for g in gold] for gold in golds]
    model.to_disk(tmp_path / "m")
    again = AttributionModel.from_disk(tmp_path / "m")
    assert [again.find(doc) for doc in docs] == [model.find(doc) for doc in docs]


def test_rescorer_with_nothing_above_its_floor_says_what_to_do() -> None:
    with pytest.raises(ModelError, match="rescore_threshold"):
        fit_rescorer([_row(0.01, "say"), _row(0.02, "vote")], [1, 0], floor=0.05)
