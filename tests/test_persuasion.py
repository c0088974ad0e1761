from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from unspun.document import Article, Label, Paragraph, Span, split_paragraphs
from unspun.errors import ModelError
from unspun.pipeline.persuasion import (
    PSEUDO_CHARS,
    PSEUDO_PARAGRAPHS,
    LinearScore,
    PersuasionScorer,
    learnt_persuasion_score,
    paragraph_share,
    persuasion_score,
    shipped_fit,
    span_density,
    span_features,
)

TEXT = " ".join(["word"] * 200)  # 200 words: W = 2


def article(spans: list[Span] | None = None, paragraphs: list[Paragraph] | None = None, text: str = TEXT):
    a = Article(id="a", text=text)
    if spans is not None:
        a.set_layer("technique", spans)
    if paragraphs is not None:
        a.paragraphs = paragraphs
    return a


def span(start: int, score: float = 1.0) -> Span:
    return Span(start, start + 4, "Loaded_Language", score)


def para(*scores: float) -> Paragraph:
    return Paragraph(1, 0, 4, [Label("Loaded_Language", s) for s in scores])


def test_span_density_follows_the_definition() -> None:
    # 4 spans of score 0.25 in 200 words: I = 1 / 2 = 0.5 per 100 words, S = 1 - exp(-0.5 / 0.5)
    value = span_density(article([span(0, 0.25), span(5, 0.25), span(10, 0.25), span(15, 0.25)]))
    assert value == pytest.approx(1 - math.exp(-1))
    # the same with an explicit scale of 2: I = 0.5, S = 1 - exp(-0.25)
    spans = [span(0, 0.25), span(5, 0.25), span(10, 0.25), span(15, 0.25)]
    assert span_density(article(spans), span_scale=2.0) == pytest.approx(1 - math.exp(-0.25))


def test_paragraph_share_is_mean_of_best_scores() -> None:
    assert paragraph_share(article(paragraphs=[para(0.8, 0.3), para()])) == pytest.approx(0.4)


def test_no_analysis_gives_no_score() -> None:
    assert persuasion_score(article()) is None
    a = article()
    PersuasionScorer()([a])
    assert "persuasion" not in a.scores


def test_empty_span_layer_counts_as_zero() -> None:
    assert persuasion_score(article([])) == 0.0


def test_adding_a_span_never_lowers_the_score() -> None:
    spans: list[Span] = []
    previous = persuasion_score(article(list(spans), [para(0.5)]))
    for start in range(0, 400, 20):
        spans.append(span(start, 0.7))
        current = persuasion_score(article(list(spans), [para(0.5)]))
        assert current is not None and previous is not None
        assert current > previous
        previous = current


def test_raising_a_span_score_never_lowers_the_score() -> None:
    scores = [persuasion_score(article([span(0, s)])) for s in (0.1, 0.4, 0.9)]
    assert scores == sorted(scores)
    assert len(set(scores)) == 3


def test_more_paragraph_techniques_never_lower_the_score() -> None:
    low = persuasion_score(article([span(0)], [para(), para(0.4)]))
    mid = persuasion_score(article([span(0)], [para(0.3), para(0.4)]))
    high = persuasion_score(article([span(0)], [para(0.3), para(0.9, 0.1)]))
    assert low is not None and mid is not None and high is not None
    assert low < mid < high


def test_same_spans_in_a_longer_text_never_raise_the_score() -> None:
    short = persuasion_score(article([span(0), span(10)]))
    longer = persuasion_score(article([span(0), span(10)], text=TEXT + " more" * 300))
    assert short is not None and longer is not None
    assert longer < short


def test_score_stays_in_unit_interval() -> None:
    crowded = [Span(i, i + 1, "Doubt", 1.0) for i in range(0, 999)]
    value = persuasion_score(article(crowded, [para(1.0)], text="x " * 500))
    assert value is not None and 0.0 <= value <= 1.0
    assert value == pytest.approx(1.0, abs=1e-6)


def test_component_writes_the_score() -> None:
    a = article([span(0)], [para(0.5)])
    PersuasionScorer()([a])
    assert a.scores["persuasion"] == pytest.approx(persuasion_score(a))


# --- v2: the learnt score over the span evidence -------------------------------------------------


def _fit() -> LinearScore:
    from unspun.pipeline.persuasion import SPAN_FEATURES

    width = len(SPAN_FEATURES)
    return LinearScore(np.zeros(width), np.full(width, 0.5), np.full(width, 0.05), 0.1)


def _learnt(spans: list[Span], text: str = TEXT, paragraphs: list[Paragraph] | None = None) -> float:
    value = learnt_persuasion_score(article(spans, paragraphs, text=text), _fit())
    assert value is not None
    return value


def test_learnt_score_grows_with_spans_and_scores_and_shrinks_with_length() -> None:
    previous = _learnt([])
    spans: list[Span] = []
    for start in range(0, 200, 20):
        spans.append(span(start, 0.3))
        current = _learnt(list(spans))
        assert current >= previous
        previous = current
    assert _learnt([span(0, 0.9)]) > _learnt([span(0, 0.2)])
    assert _learnt([span(0), span(10)], text=TEXT + " more" * 300) < _learnt([span(0), span(10)])
    crowded = [Span(i, i + 1, "Doubt", 1.0) for i in range(0, 999)]
    assert 0.0 <= _learnt(crowded, text="x " * 500) <= 1.0


def test_learnt_score_falls_back_to_paragraphs_without_a_span_layer() -> None:
    a = article(None, [para(0.8, 0.3), para()])
    assert learnt_persuasion_score(a, _fit()) == pytest.approx(0.4)
    assert learnt_persuasion_score(article(), _fit()) is None


def test_span_features_count_paragraphs_touched_and_cover_the_union() -> None:
    text = "aaaa bbbb\ncccc dddd\n\neeee"
    row = span_features(text, [(0, 4, 0.5), (2, 9, 0.2), (10, 14, 0.9)])
    # 0-9 and 10-14, once each; a short text counts PSEUDO_CHARS more characters without a span
    assert row[0] == pytest.approx(13 / (len(text) + PSEUDO_CHARS))
    # two of three paragraphs hold a span, and PSEUDO_PARAGRAPHS more hold none
    assert row[3] == pytest.approx(2 / (3 + PSEUDO_PARAGRAPHS))
    assert row[4] == pytest.approx((0.5 + 0.9) / (3 + PSEUDO_PARAGRAPHS))


def test_one_weak_span_in_a_one_line_text_is_not_the_densest_article() -> None:
    fit = shipped_fit()
    line = "Critics called the plan a disgrace."
    one = float(fit(span_features(line, [(24, 34, 0.2)]))[0])
    assert 0.3 < one < 0.8  # it scored 1.0 when a one-line text's shares were taken as they are
    paragraphs = "\n\n".join([line] * 12)
    spread = [(i * (len(line) + 2) + 24, i * (len(line) + 2) + 34, 0.2) for i in range(12)]
    assert float(fit(span_features(paragraphs, spread))[0]) > one  # the same density, more evidence


@pytest.mark.needs("scipy")
def test_non_negative_fit_ranks_held_out_rows_and_keeps_weights_non_negative() -> None:
    from unspun.training.persuasion_fit import cross_validated_non_negative, fit_non_negative

    rng = np.random.default_rng(3)
    n = 240
    density = rng.beta(2, 4, n)
    x = np.column_stack([density + rng.normal(0, 0.05, n), -density + rng.normal(0, 0.3, n)])
    x = np.column_stack([x, rng.normal(0, 1, (n, 3))])
    fit = fit_non_negative(x, density)
    assert (fit.weights >= 0).all() and fit.weights[0] > 0 and fit.weights[1] == 0
    folds = np.arange(n) % 4
    assert cross_validated_non_negative(x, density, folds).spearman > 0.85


def test_component_with_a_fit_writes_the_learnt_score_and_names_it(tmp_path: Path) -> None:
    fit = _fit()
    weights = tmp_path / "weights.json"
    weights.write_text(json.dumps(fit.to_dict()), encoding="utf-8")
    scorer = PersuasionScorer(fit=LinearScore.from_file(weights))
    a = article([span(0, 0.6)], [para(0.5)])
    scorer([a])
    assert a.scores["persuasion"] == pytest.approx(learnt_persuasion_score(a, fit))
    assert scorer.model_info()[0].version == "2"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**fit.to_dict(), "weights": [-1.0] * 5}), encoding="utf-8")
    with pytest.raises(ModelError):
        LinearScore.from_file(broken)


def test_other_languages_paragraph_part_is_put_on_the_english_scale(tmp_path: Path) -> None:
    from unspun.pipeline.persuasion import ParagraphScale, make_learnt_persuasion_scorer, shipped_scale

    scale = shipped_scale()
    assert scale is not None and set(scale.points) == {"fr", "de", "it", "pl", "ru"}
    for lang in scale.points:  # monotone maps over [0, 1] into [0, 1]
        values = [scale(p, lang) for p in np.linspace(0, 1, 21)]
        assert values == sorted(values) and 0.0 <= values[0] < 0.3 and values[-1] <= 1.0
    assert scale(0.3, "en") == 0.3 and scale(0.3, None) == 0.3  # English has its own fit
    french = Article(id="fr", text="Un texte.\n\nUn autre.", language="fr")
    french.paragraphs = [
        Paragraph(1, 0, 9, techniques=[Label("Loaded_Language", 0.6)]),
        Paragraph(3, 11, 20, techniques=[]),
    ]
    scorer = make_learnt_persuasion_scorer()
    assert scorer.scale == scale
    assert scorer.predict([french])[0] == pytest.approx(scale(0.3, "fr"))
    broken = tmp_path / "paragraph-scale.json"
    broken.write_text(json.dumps({"languages": {"fr": {"x": [0, 1], "y": [0.5, 0.2]}}}), encoding="utf-8")
    with pytest.raises(ModelError, match="not monotone"):
        ParagraphScale.from_file(broken)
    assert ParagraphScale.from_file(tmp_path / "none.json") is None


# --- the quoted voice: a span inside a quotation counts quoted_weight of one in the author's text ---

QUOTED = 'The minister spoke on Monday.\n\nCritics called it "a shameful betrayal" of voters.\n'
AUTHOR = "The minister spoke on Monday.\n\nCritics called it a shameful betrayal of voters.\n"


def _phrase(text: str, score: float = 0.6) -> Span:
    start = text.index("shameful betrayal")
    return Span(start, start + len("shameful betrayal"), "Loaded_Language", score)


def _quoted_fit(quoted_weight: float) -> LinearScore:
    from dataclasses import replace

    return replace(_fit(), quoted_weight=quoted_weight)


def _score(text: str, spans: list[Span], quoted_weight: float, attributions: list | None = None) -> float:
    a = Article(id="q", text=text)
    a.set_layer("technique", spans)
    a.attributions = attributions or []
    value = learnt_persuasion_score(a, _quoted_fit(quoted_weight))
    assert value is not None and 0.0 <= value <= 1.0
    return value


def test_span_features_count_a_quoted_span_at_its_weight() -> None:
    from unspun.whosays.quoted import quoted_mask

    text = 'aaaa "bbbb"\n\ncccc'
    mask = quoted_mask(text, [])
    assert mask[5:11].all() and not mask[:5].any()  # the quotation with its marks
    row = span_features(text, [(6, 10, 0.8), (13, 17, 0.5)], quoted=mask, quoted_weight=0.25)
    n = 2 + PSEUDO_PARAGRAPHS
    assert row[0] == pytest.approx((0.25 * 4 + 4) / (len(text) + PSEUDO_CHARS))
    assert row[1] == pytest.approx(math.log1p(1.25))  # 2 words: one hundred words' worth
    assert row[2] == pytest.approx(math.log1p(0.25 * 0.8 + 0.5))
    assert row[3] == pytest.approx((0.25 + 1) / n)  # the quoted span's paragraph holds 0.25 of one
    assert row[4] == pytest.approx((0.25 * 0.8 + 0.5) / n)
    whole = span_features(text, [(6, 10, 0.8), (13, 17, 0.5)])
    assert span_features(
        text, [(6, 10, 0.8), (13, 17, 0.5)], quoted=mask, quoted_weight=1.0
    ) == pytest.approx(whole)


def test_a_quoted_span_raises_the_score_less_than_the_same_span_in_the_authors_text() -> None:
    # no who-says-what layer: the quotation marks alone make the quoted voice
    plain = _score(QUOTED, [], 0.5)
    quoted = _score(QUOTED, [_phrase(QUOTED)], 0.5)
    author = _score(AUTHOR, [_phrase(AUTHOR)], 0.5)
    assert plain < quoted < author
    # the weight 1 is the score before the voices: the quotation marks change nothing
    assert _score(QUOTED, [_phrase(QUOTED)], 1.0) == pytest.approx(
        _score(AUTHOR, [_phrase(AUTHOR)], 1.0), abs=0.01
    )
    # a lower weight never raises the score
    by_weight = [_score(QUOTED, [_phrase(QUOTED)], q) for q in (0.0, 0.25, 0.5, 1.0)]
    assert by_weight == sorted(by_weight) and by_weight[0] == pytest.approx(plain)


def test_an_attributions_content_is_quoted_without_quotation_marks() -> None:
    from unspun.document import Attribution, TextRange

    text = "Critics said it was a shameful betrayal of voters.\n"
    content = TextRange(text.index("it was"), text.index(" of voters") + len(" of voters"))
    said = TextRange(text.index("said"), text.index("said") + 4)
    reported = [Attribution(id="A1", content=content, cue=said)]
    assert _score(text, [_phrase(text)], 0.0, reported) == pytest.approx(_score(text, [], 0.0))
    assert _score(text, [_phrase(text)], 0.0) > _score(text, [], 0.0)  # without it, the author's


def test_quoted_spans_keep_the_score_monotone() -> None:
    spans: list[Span] = []
    text = " ".join(f'"w{i}"' for i in range(200))  # every word quoted
    previous = _score(text, [], 0.5)
    for i in range(0, 40, 4):
        start = text.index(f'"w{i}"') + 1
        spans.append(Span(start, start + len(f"w{i}"), "Loaded_Language", 0.4))
        current = _score(text, list(spans), 0.5)
        assert current >= previous
        previous = current
    raised = [Span(s.start, s.end, s.label, 0.9) for s in spans]
    assert _score(text, raised, 0.5) >= previous


def test_the_quoted_weight_is_read_from_the_weights_and_bounded(tmp_path: Path) -> None:
    weights = tmp_path / "weights.json"
    weights.write_text(json.dumps(_quoted_fit(0.4).to_dict()), encoding="utf-8")
    assert LinearScore.from_file(weights).quoted_weight == pytest.approx(0.4)
    assert "quoted_weight" not in _fit().to_dict()  # a fit without it counts every span whole
    weights.write_text(json.dumps({**_fit().to_dict(), "quoted_weight": 1.5}), encoding="utf-8")
    with pytest.raises(ModelError):
        LinearScore.from_file(weights)


@pytest.mark.parametrize("bad", [{"quoted_weight": "high"}, {"quoted_weight": None}, {"weights": None}])
def test_weights_of_the_wrong_type_are_a_model_error(tmp_path: Path, bad: dict[str, object]) -> None:
    weights = tmp_path / "weights.json"
    weights.write_text(json.dumps({**_fit().to_dict(), **bad}), encoding="utf-8")
    with pytest.raises(ModelError, match="reinstall unspun"):
        LinearScore.from_file(weights)


def test_a_paragraph_in_another_language_does_not_dilute_the_english_score() -> None:
    # an English op-ed of two paragraphs with its spans, then the same op-ed with a long German
    # paragraph the English span model did not read: the score is that of what was read
    english = "The reckless plan is a disaster for our town.\n\nThe traitors sold out every worker here."
    german = "\n\n" + " ".join(["Die Stadt hat heute einen neuen Haushalt beschlossen."] * 12)
    spans = [Span(4, 18, "Loaded_Language", 0.6), Span(50, 62, "Name_Calling,Labeling", 0.5)]
    alone = Article(id="en", text=english, language="en")
    alone.set_layer("technique", spans)
    mixed = Article(id="mixed", text=english + german, language="en")
    mixed.set_layer("technique", spans)
    paragraphs = split_paragraphs(mixed.text)
    mixed.paragraphs = [*paragraphs[:2], replace(paragraphs[2], language="de")]
    fit = shipped_fit()
    # (the blank line before the German paragraph still counts: two characters)
    assert learnt_persuasion_score(mixed, fit) == pytest.approx(learnt_persuasion_score(alone, fit), abs=1e-3)
    # the German paragraph counts when it was read (an unknown language is taken as the article's)
    mixed.paragraphs = paragraphs
    assert learnt_persuasion_score(mixed, fit) < learnt_persuasion_score(alone, fit)


def test_span_features_leave_out_the_unread_ranges() -> None:
    text = "one two three four\n\nfünf sechs sieben acht"
    read = span_features(text[:20], [(0, 3, 0.5)])  # the blank line between counts
    assert np.allclose(span_features(text, [(0, 3, 0.5)], left_out=[(20, len(text))]), read)
