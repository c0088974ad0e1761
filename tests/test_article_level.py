from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from article_fixtures import TINY_CONFIG, HashEncoder, blank_head, write_semeval_data
from extras import need
from unspun.article_level import (
    load_article_components,
    predict_frames,
    predict_genre,
    predict_paragraphs,
    run_components,
)
from unspun.document import Article
from unspun.errors import FormatError, ModelError
from unspun.models.linear_head import LinearHead, NgramHead, fit_linear_head, fit_ngram_head
from unspun.models.sentence_encoder import ParagraphEmbedder, USEEncoder
from unspun.pipeline.framing import FrameClassifier
from unspun.pipeline.genre import GenreClassifier
from unspun.pipeline.language import LanguageDetector
from unspun.pipeline.paragraphs import ParagraphTechniqueTagger
from unspun.tasks.semeval2023 import GENRES, write_frames, write_genre, write_paragraphs
from unspun.techniques import FRAME_LABELS, SEMEVAL23_LABELS
from unspun.training.thresholds import reweighted_macro_f1, tune_thresholds

OPINION = Article(
    id="1",
    text="Outrage!\n\nI think this shameful plan is a disgrace.\nWe must stop them now!",
    language="en",
)
REPORTING = Article(
    id="2",
    text="Council votes budget\r\n\r\nThe council approved the budget on Monday, officials said.\r\n",
    language="en",
)


@pytest.fixture()
def embedder() -> ParagraphEmbedder:
    return ParagraphEmbedder(HashEncoder())


@pytest.mark.needs("sklearn")
def test_genre_head_overfits_two_articles_and_round_trips(
    tmp_path: Path, embedder: ParagraphEmbedder
) -> None:
    articles = [OPINION, REPORTING]
    genre = GenreClassifier(head=blank_head(GENRES, 1, False), embedder=embedder)
    genre.prior_words = 0  # two-line texts: the head's own view, not the short-text prior
    genre.head = fit_linear_head(
        genre.features(articles), ["opinion", "reporting"], GENRES, multi_label=False, c=100
    )
    first = genre.predict(articles)
    assert [name for name, _ in first] == ["opinion", "reporting"]
    genre.to_disk(tmp_path)
    reloaded = GenreClassifier(model_dir=tmp_path, embedder=embedder)
    reloaded.prior_words = 0
    assert reloaded.predict(articles) == first


@pytest.mark.needs("sklearn")
def test_frame_head_overfits_two_articles_and_round_trips(
    tmp_path: Path, embedder: ParagraphEmbedder
) -> None:
    articles = [OPINION, REPORTING]
    frames = FrameClassifier(head=blank_head(FRAME_LABELS, 1, True), embedder=embedder)
    frames.min_words = 0  # two-line texts: the head's own view, not the headline rule
    targets = np.zeros((2, len(FRAME_LABELS)), dtype=int)
    targets[0, FRAME_LABELS.index("Morality")] = 1
    targets[1, FRAME_LABELS.index("Economic")] = 1
    frames.head = fit_linear_head(frames.features(articles), targets, FRAME_LABELS, multi_label=True, c=100)
    first = frames.predict(articles)
    assert [[name for name, _ in row] for row in first] == [["Morality"], ["Economic"]]
    frames.to_disk(tmp_path)
    reloaded = FrameClassifier(model_dir=tmp_path, embedder=embedder)
    reloaded.min_words = 0
    assert reloaded.predict(articles) == first


def test_a_headline_alone_gets_no_frame(embedder: ParagraphEmbedder) -> None:
    # QA s48: "Just a headline" was given Security and defence (0.75): the heads always name one
    head = blank_head(FRAME_LABELS, 2 * HashEncoder.dim + 7, True)  # every score is 0.5
    frames = FrameClassifier(head=head, embedder=embedder)
    headline = Article(id="h", text="Just a headline", language="en")
    body = Article(id="b", text=" ".join(["The council approved the budget on Monday."] * 3), language="en")
    assert frames.predict([headline, body]) == [[], frames.predict([body])[0]]
    assert len(frames.predict([body])[0]) >= 1


@pytest.mark.needs("sklearn")
def test_paragraph_head_overfits_and_round_trips(tmp_path: Path, embedder: ParagraphEmbedder) -> None:
    tagger = ParagraphTechniqueTagger(head=blank_head(SEMEVAL23_LABELS, 1, True), embedder=embedder)
    paragraphs, rows = tagger.paragraph_rows(OPINION)
    assert [p.index for p in paragraphs] == [1, 3, 4]
    targets = np.zeros((3, len(SEMEVAL23_LABELS)), dtype=int)
    targets[0, SEMEVAL23_LABELS.index("Loaded_Language")] = 1
    targets[2, SEMEVAL23_LABELS.index("Slogans")] = 1
    tagger.head = fit_linear_head(rows, targets, SEMEVAL23_LABELS, multi_label=True, c=100)
    tagger([OPINION])
    got = [[t.name for t in p.techniques] for p in OPINION.paragraphs]
    assert got == [["Loaded_Language"], [], ["Slogans"]]
    tagger.to_disk(tmp_path)
    again = ParagraphTechniqueTagger(model_dir=tmp_path, embedder=embedder).predict([OPINION])[0]
    assert [[t.name for t in p.techniques] for p in again] == got


def test_per_language_thresholds_are_used(embedder: ParagraphEmbedder) -> None:
    head = blank_head(FRAME_LABELS, 2 * HashEncoder.dim + 7, True)  # every score is 0.5
    head.thresholds = {"default": np.full(14, 0.9, np.float32), "en": np.full(14, 0.4, np.float32)}
    frames = FrameClassifier(head=head, embedder=embedder, min_frames=0)
    frames.min_words = 0
    german = Article(id="3", text=REPORTING.text, language="de")
    english, other = frames.predict([REPORTING, german])
    assert len(english) == 14 and other == []
    forced = FrameClassifier(head=head, embedder=embedder)
    forced.min_words = 0
    assert len(forced.predict([german])[0]) == 1  # min_frames


def test_missing_model_is_a_model_error(tmp_path: Path, embedder: ParagraphEmbedder) -> None:
    with pytest.raises(ModelError, match="holds no genre.npz.*unspun train article"):
        GenreClassifier(model_dir=tmp_path, embedder=embedder)
    with pytest.raises(ModelError, match="'nope' not found.*semeval2023"):
        GenreClassifier(model_dir="nope", embedder=embedder)
    with pytest.raises(ModelError, match=r"sp\.model"):
        USEEncoder(tmp_path)


def test_wrong_feature_width_is_a_model_error(embedder: ParagraphEmbedder) -> None:
    genre = GenreClassifier(head=blank_head(GENRES, 5, False), embedder=embedder)
    with pytest.raises(ModelError, match="do not match"):
        genre.predict([OPINION])


def test_predict_paragraphs_follows_the_template(tmp_path: Path, embedder: ParagraphEmbedder) -> None:
    tagger = ParagraphTechniqueTagger(head=blank_head(SEMEVAL23_LABELS, 3 * 32 + 3, True), embedder=embedder)
    components = [LanguageDetector(lang="en"), tagger]
    article = Article(id="2", text=REPORTING.text)
    rows = predict_paragraphs([article], components=components)
    assert [(i, p) for i, p, _ in rows] == [("2", 1), ("2", 3)]
    template = tmp_path / "t.template"
    template.write_text(
        "2\t3\tThe council approved\n2\t1\tCouncil votes budget\n2\t9\tgone\n", encoding="utf-8"
    )
    rows = predict_paragraphs([article], template, components=components)
    assert [(i, p) for i, p, _ in rows] == [("2", 3), ("2", 1), ("2", 9)]
    assert rows[2][2] == []
    template.write_text("7\t1\tx\n", encoding="utf-8")
    with pytest.raises(FormatError, match="article 7"):
        predict_paragraphs([article], template, components=components)


def test_writers_produce_official_lines() -> None:
    out = io.StringIO()
    write_genre([("1", "opinion")], out)
    write_frames([("1", ["Economic", "Political"]), ("2", [])], out)
    write_paragraphs([("1", 1, []), ("1", 3, ["Doubt", "Slogans"])], out)
    assert out.getvalue() == "1\topinion\n1\tEconomic,Political\n2\t\n1\t1\t\n1\t3\tDoubt,Slogans\n"


@pytest.mark.slow
def test_packaged_models_run_end_to_end() -> None:
    components = load_article_components(lang=None)
    text = (
        "Shameful betrayal by the corrupt elites\n\n"
        "These traitors have sold out our nation once again, and only fools still believe them.\n"
        "The minister said on Monday that the budget would rise by two percent next year.\n"
    )
    articles = run_components([Article(id="9", text=text)], components)
    assert articles[0].language == "en"
    assert predict_genre(articles, components=components)[0][1] in GENRES
    frames = predict_frames(articles, components=components)[0][1]
    assert frames and set(frames) <= set(FRAME_LABELS)
    rows = predict_paragraphs(articles, components=components)
    assert [p for _, p, _ in rows] == [1, 3, 4]
    assert all(set(t) <= set(SEMEVAL23_LABELS) for _, _, t in rows)


def test_ngram_head_matches_scikit_learn_tfidf_and_round_trips(tmp_path: Path) -> None:
    text = need("sklearn.feature_extraction.text")
    texts = [
        "The shameful, CORRUPT elites lie!",
        "Die Regierung sagte am Montag",
        "corrupt elites again",
        "Élites à eux",
    ]
    targets = np.array([[1, 0], [0, 1], [1, 0], [0, 1]])
    head = fit_ngram_head(texts, targets, ["Loaded_Language", "Doubt"], min_df=1, c=100.0)
    reference = text.TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True).fit(texts)
    expected = reference.transform(texts).toarray()
    for row, item in zip(expected, texts, strict=True):
        indices, values = head.vectorise(item)
        mine = np.zeros_like(row)
        mine[indices] = values
        assert mine == pytest.approx(row)
    scores = head.scores(texts)
    assert (scores.argmax(axis=1) == targets.argmax(axis=1)).all()
    head.to_disk(tmp_path / "h.npz")
    again = NgramHead.from_disk(tmp_path / "h.npz")
    assert again.scores(texts) == pytest.approx(scores, abs=1e-3)  # weights are stored as float16


@pytest.mark.needs("sklearn")
def test_paragraph_tagger_mixes_the_ngram_head(tmp_path: Path, embedder: ParagraphEmbedder) -> None:
    paragraphs = [OPINION.text.split("\n")[i] for i in (0, 2, 3)]
    targets = np.zeros((3, len(SEMEVAL23_LABELS)), dtype=int)
    targets[1, SEMEVAL23_LABELS.index("Loaded_Language")] = 1
    ngram = fit_ngram_head(paragraphs, targets, SEMEVAL23_LABELS, min_df=1, c=100.0, share=1.0)
    head = blank_head(SEMEVAL23_LABELS, 3 * 32 + 3, True)
    tagger = ParagraphTechniqueTagger(head=head, ngram_head=ngram, embedder=embedder)
    got = [[t.name for t in p.techniques] for p in tagger.predict([OPINION])[0]]
    assert got == [[], ["Loaded_Language"], []]
    tagger.to_disk(tmp_path)
    again = ParagraphTechniqueTagger(model_dir=tmp_path, embedder=embedder).predict([OPINION])[0]
    assert [[t.name for t in p.techniques] for p in again] == got


def test_tuned_thresholds_maximise_micro_f1() -> None:
    scores = np.array([[0.9, 0.2], [0.6, 0.7], [0.3, 0.8], [0.1, 0.1]])
    truth = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
    limits = tune_thresholds(scores, truth, ["en"] * 4, min_positives=1)
    assert ((scores >= limits["en"]) == truth).all()
    assert set(limits) == {"default", "en"}


@pytest.mark.needs("sklearn")
def test_train_article_models_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import unspun.training.train_semeval2023 as training

    write_semeval_data(tmp_path / "data")
    config = tmp_path / "c.toml"
    config.write_text(TINY_CONFIG, encoding="utf-8")
    monkeypatch.setattr(training, "load_encoder", lambda name: HashEncoder())
    monkeypatch.setenv("UNSPUN_CACHE", str(tmp_path / "cache"))
    report = training.train_article_models(
        tmp_path / "data", tmp_path / "model", config=config, log=lambda _: None
    )
    assert report["rows"] == {"genre": 16, "genre_extra": 0, "frames": 16, "paragraphs": 48}
    assert report["cv"]["paragraphs"]["micro_f1"] == 1.0
    embedder = ParagraphEmbedder(HashEncoder())
    article = Article(id="x", text="Title 99\n\ndisgrace shameful outrage here\n", language="en")
    assert (
        GenreClassifier(model_dir=tmp_path / "model", embedder=embedder).predict([article])[0][0] == "opinion"
    )
    tagger = ParagraphTechniqueTagger(model_dir=tmp_path / "model", embedder=embedder)
    assert tagger.ngram_head is not None
    assert [[t.name for t in p.techniques] for p in tagger.predict([article])[0]] == [[], ["Loaded_Language"]]


def test_reweighted_macro_f1_counts_rows_by_the_target_mix() -> None:
    # truth: three of class 0, one of class 1; one class-0 row is predicted as class 1.
    truth = np.array([0, 0, 0, 1])
    predicted = np.array([0, 0, 1, 1])
    # observed mix: plain counts. class 0: P 1, R 2/3, F1 0.8; class 1: P 1/2, R 1, F1 2/3.
    plain, per_class = reweighted_macro_f1(truth, predicted, {0: 0.75, 1: 0.25})
    assert plain == pytest.approx((0.8 + 2 / 3) / 2)
    assert per_class[0] == pytest.approx((1.0, 2 / 3))
    # 50/50 mix: class-0 rows weigh 2/3 each, the class-1 row weighs 2.
    # class 0: tp 4/3, fn 2/3 -> F1 0.8; class 1: tp 2, fp 2/3 -> F1 6/7.
    shifted, per_class = reweighted_macro_f1(truth, predicted, {0: 0.5, 1: 0.5})
    assert shifted == pytest.approx((0.8 + 6 / 7) / 2)
    assert per_class[1] == pytest.approx((0.75, 1.0))


def test_reweighted_macro_f1_rejects_a_mix_class_absent_from_truth() -> None:
    with pytest.raises(ValueError, match="drop it from the mix"):
        reweighted_macro_f1(np.array([0, 0]), np.array([0, 1]), {0: 0.5, 1: 0.5})


def test_single_label_offsets_apply_per_language_and_survive_saving(tmp_path: Path) -> None:
    head = LinearHead(
        labels=("opinion", "reporting", "satire"),
        weights=np.zeros((2, 3), dtype=np.float32),
        bias=np.log(np.array([0.5, 0.3, 0.2], dtype=np.float32)),
        mean=np.zeros(2, dtype=np.float32),
        scale=np.ones(2, dtype=np.float32),
        multi_label=False,
        offsets={"en": np.array([0.0, 1.0, 0.0], dtype=np.float32)},
    )
    # log 0.3 + 1 = -0.20 beats log 0.5 = -0.69 for English only; the score printed is the chosen
    # label's probability under the shifted prior: 0.3e / (0.5 + 0.3e + 0.2)
    shifted = 0.3 * np.e / (0.5 + 0.3 * np.e + 0.2)
    assert head.predict(np.zeros((1, 2)), "en") == [[("reporting", pytest.approx(shifted))]]
    assert head.shifted(head.scores(np.zeros((1, 2))), "en").sum() == pytest.approx(1.0)
    assert head.predict(np.zeros((1, 2)), "fr") == [[("opinion", pytest.approx(0.5))]]
    head.to_disk(tmp_path / "genre.npz")
    again = LinearHead.from_disk(tmp_path / "genre.npz")
    assert again.predict(np.zeros((1, 2)), "en")[0][0][0] == "reporting"
    assert again.predict(np.zeros((1, 2)), None)[0][0][0] == "opinion"


def test_genre_shift_reads_global_and_per_language_tables() -> None:
    from unspun.training.train_semeval2023 import genre_shift, shift_rows

    shifts = genre_shift({"genre": {"logit_shift": {"satire": -0.5, "en": {"reporting": 1.0}}}})
    assert GENRES == ("opinion", "reporting", "satire")
    assert shifts["en"].tolist() == [0.0, 1.0, 0.0]
    assert shifts["default"].tolist() == [0.0, 0.0, -0.5]
    rows = shift_rows(shifts, ["en", "de"])
    assert rows.tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, -0.5]]


def test_shipped_genre_offsets_are_those_of_the_training_config() -> None:
    from unspun.models.packaged import packaged_model_dir
    from unspun.training.defaults import default_train_config
    from unspun.training.train_semeval2023 import genre_shift, load_config

    shipped = LinearHead.from_disk(packaged_model_dir("semeval2023") / "genre.npz")
    configured = genre_shift(load_config(default_train_config("article")))
    assert sorted(shipped.offsets) == sorted(configured)
    for lang, shift in configured.items():
        assert shipped.offsets[lang].tolist() == pytest.approx(shift.tolist())


@pytest.mark.needs("sklearn")
def test_extra_genre_articles_are_learnt_deduplicated_and_weighted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unspun.training.train_semeval2023 as training

    write_semeval_data(tmp_path / "data")
    news = tmp_path / "news"
    news.mkdir()
    labels = ["# hand labels", "# id\tgenre"]
    for n in range(8):
        genre = "opinion" if n % 2 else "reporting"
        words = "rant tirade diatribe screed" if n % 2 else "wire dispatch agency newswire"
        (news / f"N{n}.txt").write_text(f"Item {n}\n\n{words} here\n", encoding="utf-8")
        labels.append(f"N{n}\t{genre}")
    (news / "COPY.txt").write_text("Item 0\n\nwire  dispatch agency newswire here\n", encoding="utf-8")
    labels.append("COPY\treporting")  # the same article as N0 under another id: skipped
    (tmp_path / "labels.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text(
        TINY_CONFIG + '[genre.extra]\nlabels = "labels.tsv"\ndocuments = "news"\nweight = 2.0\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(training, "load_encoder", lambda name: HashEncoder())
    monkeypatch.setenv("UNSPUN_CACHE", str(tmp_path / "cache"))
    data = training.prepare(tmp_path / "data", training.load_config(config))
    assert data.genre.articles[16:] == [f"news/en/N{n}" for n in range(8)]
    assert data.genre.weights is not None and data.genre.weights.tolist() == [1.0] * 16 + [2.0] * 8
    report = training.train_article_models(
        tmp_path / "data", tmp_path / "model", config=config, log=lambda _: None
    )
    assert report["rows"]["genre_extra"] == 8
    classifier = GenreClassifier(model_dir=tmp_path / "model", embedder=ParagraphEmbedder(HashEncoder()))
    classifier.prior_words = 0  # one-line texts: the head's own view, not the short-text prior
    new_words = [
        Article(id="r", text="Item 50\n\nwire dispatch agency newswire here\n", language="en"),
        Article(id="o", text="Item 51\n\nrant tirade diatribe screed here\n", language="en"),
    ]
    assert [genre for genre, _ in classifier.predict(new_words)] == ["reporting", "opinion"]


def test_extra_genre_labels_fail_with_the_line_or_the_missing_document(tmp_path: Path) -> None:
    from unspun.errors import ConfigError
    from unspun.training.article_tables import extra_genre_table, read_genre_labels

    bad = tmp_path / "bad.tsv"
    bad.write_text("# comment\nA\treporting\nB\tnews\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 3"):
        read_genre_labels(bad)
    good = tmp_path / "good.tsv"
    good.write_text("A\treporting\n", encoding="utf-8")
    assert read_genre_labels(good) == {"A": "reporting"}
    (tmp_path / "docs").mkdir()
    with pytest.raises(ConfigError, match="A.txt"):
        extra_genre_table({"labels": str(good), "documents": "docs"}, tmp_path / "data", cache=None)  # type: ignore[arg-type]


def test_a_long_article_embedded_in_steps_gets_the_vectors_of_one_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from unspun.models import sentence_encoder

    text = "Title\n\n" + "\n".join(f"Paragraph {i} says something else." for i in range(7))
    _, whole = ParagraphEmbedder(HashEncoder())(text)
    monkeypatch.setattr(sentence_encoder, "ENCODE_STEP", 3)
    _, steps = ParagraphEmbedder(HashEncoder())(text)
    assert steps.dtype == np.float32 and np.array_equal(steps, whole.astype(np.float32))


def test_style_features_count_the_words_str_split_gives() -> None:
    from unspun.models.sentence_encoder import style_features

    text = "One two\u00a0three\x1cfour\u2028five\tsix \u200bseven?"  # seven: U+200B is no space
    counted = style_features(text, 1)
    assert counted[1] == pytest.approx(text.count("?") / len(text.split()) * 10)
    assert len(text.split()) == 7 and style_features("", 0)[5] == pytest.approx(np.log1p(1) / 10)
