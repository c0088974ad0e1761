"""The genre an outlet declares in its headline ("Opinion: ...") is the article's genre."""

from __future__ import annotations

import pytest

from unspun.document import Article
from unspun.pipeline.genre_labels import declared_genre


@pytest.mark.parametrize(
    ("title", "genre"),
    [
        ("Opinion: The city's budget is a missed chance", "opinion"),
        ("OPINION | Our parks deserve better", "opinion"),
        ("The budget is a missed chance | Opinion | The Daily Post", "opinion"),
        ("Editorial: Vote no on the bond", "opinion"),
        ("Satire - Area Man Reads Entire Terms and Conditions", "satire"),
        ("Kommentar: Die Bahn muss pünktlicher werden", "opinion"),
        ("Мнение: бюджет города", "opinion"),
        ("L’editoriale: la riforma delle pensioni", "opinion"),  # a typographic apostrophe
        ("Opinion polls show the mayor ahead", None),  # a word of the headline, not a label
        ("The editorial board resigns", None),
        ("Opinion", None),  # a section page's title, no headline
        ("Trump: I will win", None),
        (None, None),
    ],
)
def test_a_label_segment_of_the_title_declares_the_genre(title: str | None, genre: str | None) -> None:
    assert declared_genre(title) == genre


def test_without_a_title_the_first_line_of_the_text_is_read() -> None:
    assert (
        declared_genre(None, "\n\nOpinion: The budget is a disgrace\n\nIt ducks every choice.") == "opinion"
    )
    assert declared_genre("", "The council met on Monday.\n\nOpinion: later") is None


def test_a_label_on_its_own_line_above_the_headline_declares_the_genre() -> None:
    # Review (s44): a page copied as text opens with its section kicker on a line of its own
    # ("Opinion", then the headline); the label alone is no section page when an article follows.
    text = "Opinion\n\nThe budget is a disgrace\n\nIt ducks every choice this city faces."
    assert declared_genre(None, text) == "opinion"
    assert declared_genre("The budget is a disgrace", text) == "opinion"  # a page title without it
    assert declared_genre(None, "OPINION\n") is None  # nothing after it: a section page
    assert declared_genre(None, "Reporting\n\nThe council met on Monday.") is None


SHORT_OP_ED = (
    "The council's new budget, approved on Monday, is a timid document that ducks every hard choice "
    "this city faces.\n\nFor years, residents have asked for safer streets and better buses. Instead, "
    "the council has chosen to spend on consultants and ribbon-cuttings.\n\nThe council can still "
    "amend the plan before the final vote next month. It should."
)


def test_the_genre_component_follows_the_headline_label() -> None:
    from unspun.models.packaged import model_folder
    from unspun.pipeline.genre import DECLARED_SCORE, GenreClassifier

    genre = GenreClassifier(model_dir=model_folder("semeval2023"))
    labelled = Article(
        id="a", text=SHORT_OP_ED, title="Opinion: The city's budget is a missed chance", language="en"
    )
    plain = Article(id="b", text=SHORT_OP_ED, title="The city's budget", language="en")
    [(label, score), (_, _)] = genre.predict([labelled, plain])
    assert label == "opinion" and DECLARED_SCORE <= score <= 1.0
    satire = Article(id="c", text=SHORT_OP_ED, title="Satire | Council Approves Budget", language="en")
    [(label, _)] = genre.predict([satire])
    assert label == "satire"
