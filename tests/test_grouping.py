"""Near-duplicate groups kept in one fold, and the leak report (tiny hand-made texts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspun.tasks.ptc import make_folds
from unspun.training.grouping import (
    NearDuplicate,
    duplicate_groups,
    grouped_folds,
    leak_report,
    near_duplicates,
    repeated_lines,
    shingles,
)

STORY = (
    "The city council voted on Tuesday to close the old library on Main Street after a long "
    "and bitter debate about the budget, the future of reading and the cost of heating."
)
UPDATE = STORY + " Update: the mayor said she would veto the decision before the end of the week."
OTHER = (
    "A storm moved across the coast overnight, cutting power to thousands of homes and "
    "closing schools in three counties while crews worked to clear fallen trees from roads."
)
THIRD = (
    "Farmers in the valley expect a smaller harvest this autumn because the spring was dry and "
    "the summer brought hail that flattened whole fields of wheat and barley near the river."
)


def test_shingles_are_runs_of_eight_lowercased_words() -> None:
    assert shingles("one two three four five six seven") == set()  # fewer than 8 words
    assert len(shingles("one two three four five six seven eight")) == 1
    assert shingles("One, two three four five six seven eight!") == shingles(
        "one two three four five six seven eight"
    )
    assert len(shingles("a b c d e f g h i j")) == 3


def test_a_republished_story_is_a_near_duplicate_and_unrelated_stories_are_not() -> None:
    pairs = near_duplicates({"1": STORY, "2": UPDATE, "3": OTHER, "4": THIRD})
    assert [(p.a, p.b) for p in pairs] == [("1", "2")]
    assert pairs[0].share == 1.0  # every shingle of the shorter one is in the update


def test_the_threshold_is_a_share_of_the_shorter_articles_shingles() -> None:
    words = STORY.split()
    half = " ".join(words[: len(words) // 2])
    # the shorter text: the first half of STORY followed by new words of the same length
    mixed = half + " " + " ".join(f"w{i}" for i in range(len(words) - len(words) // 2))
    share = near_duplicates({"a": STORY, "b": mixed}, threshold=0.0)[0].share
    assert 0.3 < share < 0.6
    assert near_duplicates({"a": STORY, "b": mixed}, threshold=share) == []


def test_groups_are_connected_components() -> None:
    pairs = [NearDuplicate("1", "2", 0.5), NearDuplicate("2", "3", 0.4), NearDuplicate("7", "8", 0.9)]
    assert duplicate_groups(["1", "2", "3", "4", "7", "8"], pairs) == [["1", "2", "3"], ["7", "8"]]
    assert duplicate_groups(["1", "2"], [NearDuplicate("1", "9", 0.5)]) == []  # unknown id ignored


def test_without_groups_the_folds_are_the_round_robin_folds() -> None:
    ids = [str(i) for i in range(100, 131)]
    for k in (2, 3, 5):
        assert grouped_folds(ids, k, 13) == make_folds(ids, k, 13)


def test_each_group_sits_in_one_fold_and_the_folds_stay_balanced() -> None:
    ids = [str(i) for i in range(100, 160)]
    groups = [["101", "150", "133"], ["120", "121"], ["140", "141", "142", "143"]]
    folds = grouped_folds(ids, 3, 13, groups)
    assert sorted(i for f in folds for i in f) == sorted(ids)
    where = {i: k for k, f in enumerate(folds) for i in f}
    for g in groups:
        assert len({where[i] for i in g}) == 1
    assert max(map(len, folds)) - min(map(len, folds)) <= 4  # at most one group's size apart
    assert grouped_folds(ids, 3, 13, groups) == folds  # fixed: the same split on every run
    with pytest.raises(ValueError):
        grouped_folds(ids, 0, 13)


def test_leak_report_counts_what_crosses_the_folds() -> None:
    footer = "Follow us on Twitter and Facebook for more news."
    texts = {
        "1": STORY + "\n" + footer,
        "2": UPDATE + "\n" + footer,
        "3": OTHER + "\n" + footer,
        "4": THIRD,
    }
    assert list(repeated_lines(texts)) == ["follow us on twitter and facebook for more news."]
    spans = {"1": ["the future of reading"], "3": ["The future  of reading"], "4": ["dry"]}
    leaky = leak_report([["1", "3"], ["2", "4"]], texts, spans=spans)
    assert leaky["near_duplicate_pairs"] == 1 and leaky["pairs_across_folds"] == 1
    assert leaky["boilerplate_lines_across_folds"] == 1
    assert leaky["repeated_span_texts"] == 1 and leaky["span_texts_across_folds"] == 0
    pairs = near_duplicates(texts)
    folds = grouped_folds(list(texts), 2, 13, duplicate_groups(texts, pairs))
    assert leak_report(folds, texts, pairs=pairs)["pairs_across_folds"] == 0


def test_plan_folds_groups_near_duplicates_of_a_ptc_folder(tmp_path: Path) -> None:
    from unspun.training.folds import fold_split

    articles = tmp_path / "articles"
    articles.mkdir()
    texts = {"111": STORY, "222": UPDATE, "333": OTHER, "444": THIRD, "555": OTHER[::-1], "666": "x"}
    for i, text in texts.items():
        (articles / f"article{i}.txt").write_text(text, encoding="utf-8")
    for seed in range(6):
        folds = fold_split(tmp_path, 3, seed)
        assert any({"111", "222"} <= set(f) for f in folds)
        assert fold_split(tmp_path, 3, seed, "random") == make_folds(list(texts), 3, seed)
    from unspun.errors import ConfigError

    with pytest.raises(ConfigError):
        fold_split(tmp_path, 3, 13, "by-outlet")
