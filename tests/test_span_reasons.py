"""A reason for every technique span, read off the model's heads (issue 29, item 5)."""

from __future__ import annotations

import numpy as np
from rich.console import Console

from extras import need
from unspun.document import Analysis, Article, Span
from unspun.models.decoding import N_SPAN_FEATURES
from unspun.models.phrases import cuts_word, ends_on_function_word
from unspun.models.span_ngrams import fit_span_ngram_head
from unspun.models.span_reasons import NO_SIGNAL, SpanExplainer, word_weights
from unspun.models.span_words import WordTagHead
from unspun.render import render_analysis

LABELS = ["Loaded_Language", "Name_Calling,Labeling", "Repetition", "Slogans"]
SPANS = [
    ("Make America great again", "Slogans"),
    ("Keep America great", "Slogans"),
    ("corrupt thugs", "Name_Calling,Labeling"),
    ("lying thugs and crooks", "Name_Calling,Labeling"),
    ("crooks", "Name_Calling,Labeling"),
    ("a devastating, horrific disaster", "Loaded_Language"),
    ("horrific", "Loaded_Language"),
]


def _head():  # type: ignore[no-untyped-def]
    need("sklearn")  # the [train] extra fits the head
    texts, labels = [t for t, _ in SPANS], [label for _, label in SPANS]
    return fit_span_ngram_head(texts, labels, LABELS, min_df_words=1, min_df_chars=1)


def test_the_words_that_weigh_for_the_technique_are_named_heaviest_first() -> None:
    head = _head()
    ranked = word_weights(head, "those corrupt thugs, again", "Name_Calling,Labeling")
    assert ranked[0][0] in {"thugs", "corrupt"}
    assert "those" not in dict(ranked)  # a function word names nothing
    assert dict(ranked)["thugs"] > dict(ranked)["again"]
    text = "Those corrupt thugs lie."
    (span,) = SpanExplainer(LABELS, ngrams=head).explain(text, [Span(6, 19, "Name_Calling,Labeling", 0.4)])
    assert span.reason is not None and span.reason.endswith("for Name calling / labelling")
    assert "“thugs”" in span.reason and span.score == 0.4 and (span.start, span.end) == (6, 19)


def test_a_word_is_named_as_the_text_writes_it() -> None:
    head = _head()
    ranked = dict(word_weights(head, "Those Corrupt THUGS and corrupt crooks", "Name_Calling,Labeling"))
    assert {"Corrupt", "THUGS", "crooks"} <= set(ranked) and "corrupt" not in ranked  # once, as first written
    text = "Those Corrupt THUGS lie."
    (span,) = SpanExplainer(LABELS, ngrams=head).explain(text, [Span(6, 19, "Name_Calling,Labeling", 0.4)])
    assert span.reason is not None and "“THUGS”" in span.reason and "“thugs”" not in span.reason


def test_a_dash_or_an_ellipsis_is_never_named_as_a_word() -> None:
    head = _head()
    ranked = dict(
        word_weights(
            head, "Their thugs \u2014 the crooks\u2026 \u2013 corrupt\u2014lying", "Name_Calling,Labeling"
        )
    )
    assert ranked and all(any(c.isalnum() for c in word) for word in ranked)
    assert {"thugs", "crooks"} <= set(ranked) and "corrupt\u2014lying" in ranked  # a word's inner dash stays
    text = "Their thugs \u2014 there is no other word \u2014 lie."
    (span,) = SpanExplainer(LABELS, ngrams=head).explain(text, [Span(0, 28, "Name_Calling,Labeling", 0.4)])
    assert span.reason is not None and "\u2014" not in span.reason


def test_the_span_features_are_named_when_they_pushed_towards_the_technique() -> None:
    text = "Build the wall!\nThey say: build the wall. We say: build the wall?"
    span = Span(text.rindex("build"), text.rindex("?"), "Repetition", 0.5)
    weights = np.zeros((len(LABELS), N_SPAN_FEATURES))
    weights[LABELS.index("Repetition"), 0] = 2.0  # repeats push towards Repetition
    weights[LABELS.index("Slogans"), 3] = 2.0  # a question pushes towards Slogans, not Repetition
    (explained,) = SpanExplainer(LABELS, feature_weights=weights).explain(text, [span])
    assert explained.reason == "repeated 2 more times in the article"
    (other,) = SpanExplainer(LABELS, feature_weights=weights).explain(text, [Span(0, 14, "Slogans")])
    assert other.reason == NO_SIGNAL  # repeated and in the title, but neither weighs for Slogans here


def test_the_title_is_named_only_where_the_text_has_one() -> None:
    weights = np.zeros((len(LABELS), N_SPAN_FEATURES))
    weights[LABELS.index("Slogans"), 2] = 2.0  # the title pushes towards Slogans
    text = "Pupils at Hillside School won the award."  # one line: by default all of it is the title
    span = Span(0, 6, "Slogans", 0.3)
    (default,) = SpanExplainer(LABELS, feature_weights=weights).explain(text, [span])
    assert default.reason == "in the title"
    (apart,) = SpanExplainer(LABELS, feature_weights=weights).explain(text, [span], title_end=0)
    assert apart.reason == NO_SIGNAL


def test_a_first_line_read_as_a_headline_is_no_title_where_the_article_has_none() -> None:
    # QA (s46): `echo 'Lies!' | unspun analyze - --lang en` had title null and the span's reason
    # said "in the title": the model reads a lone headline-like line as a title, the reader did not.
    weights = np.zeros((len(LABELS), N_SPAN_FEATURES))
    weights[LABELS.index("Slogans"), 2] = 2.0
    span = Span(0, 5, "Slogans", 0.3)
    (untitled,) = SpanExplainer(LABELS, feature_weights=weights).explain("Lies!", [span], titled=False)
    assert untitled.reason == "on the first line, read as a headline"
    (titled,) = SpanExplainer(LABELS, feature_weights=weights).explain("Lies!", [span], titled=True)
    assert titled.reason == "in the title"


def test_the_span_tagger_names_no_title_for_an_article_without_one() -> None:
    from unspun.pipeline.spans import SpanTagger

    untitled = Article(id="a", text="Lies!")
    SpanTagger(candidates=False)([untitled])
    assert untitled.title is None
    for span in untitled.layer("technique"):
        assert "in the title" not in (span.reason or ""), span.reason


def test_a_title_given_apart_does_not_make_the_first_paragraph_the_title() -> None:
    from unspun.pipeline.spans import SpanTagger

    title = "School wins science award"
    body = (
        "Pupils at Hillside School won the regional science award for a project on river pollution, "
        "their teacher said."
    )
    apart, inline = Article(id="a", title=title, text=body), Article(id="b", text=f"{title}\n{body}")
    SpanTagger(candidates=False)([apart, inline])
    scores = {s.text_in(inline.text): s.score for s in inline.layer("technique")}
    for span in apart.layer("technique"):
        assert "in the title" not in (span.reason or "")
        words = span.text_in(apart.text)
        if words in scores:  # scored as when the title is the text's first line
            assert abs(span.score - scores[words]) < 0.03


def test_the_lexical_span_heads_likeliest_word_is_named() -> None:
    words = WordTagHead(vocabulary={"w=disgraceful": 0, "w=the": 1}, weights=np.array([6.0, 9.0]), bias=-3.0)
    text = "the disgraceful bill"
    (span,) = SpanExplainer(LABELS, words=words).explain(text, [Span(0, 20, "Loaded_Language", 0.3)])
    assert span.reason is not None and span.reason.startswith(
        "“disgraceful” is its word likeliest to be propaganda"
    )
    # a word's probability is not printed beside the span's score (the probability it is right)
    assert "%" not in span.reason and not any(ch.isdigit() for ch in span.reason)


def test_a_word_both_weighing_and_likeliest_is_named_once() -> None:
    # QA s48: "“disgraceful” weighs for Loaded language; “disgraceful” is its word likeliest ..."
    head = _head()
    text = "a horrific bill"
    (ranked_word, _), *_ = word_weights(head, text, "Loaded_Language")
    assert ranked_word == "horrific"
    words = WordTagHead(vocabulary={"w=horrific": 0, "w=bill": 1}, weights=np.array([6.0, -9.0]), bias=-3.0)
    explainer = SpanExplainer(LABELS, ngrams=head, words=words)
    (span,) = explainer.explain(text, [Span(2, 10, "Loaded_Language", 0.3)])
    assert span.reason == "“horrific” weighs for Loaded language and is its word likeliest to be propaganda"
    # another word likeliest: both named, each once
    words = WordTagHead(vocabulary={"w=horrific": 0, "w=bill": 1}, weights=np.array([-9.0, 6.0]), bias=-3.0)
    (span,) = SpanExplainer(LABELS, ngrams=head, words=words).explain(
        text, [Span(2, 15, "Loaded_Language", 0.3)]
    )
    assert (
        span.reason is not None and span.reason.count("“horrific”") == 1 and span.reason.count("“bill”") == 1
    )


def test_without_any_signal_the_reason_says_the_context_decided() -> None:
    (span,) = SpanExplainer(LABELS).explain("Nothing here.", [Span(0, 7, "Loaded_Language", 0.2)])
    assert span.reason == NO_SIGNAL


ISSUE_TEXTS = [
    "Our border, our future\n\nThe so-called experts and their fake news friends will lie to you again. If this disgraceful "
    "border bill passes, our cities will burn. In fact, the spineless globalist traitors are weakening "
    "imperialism to the point of collapse.",
    "They never learn\n\nAnd what about the opposition? When they were in power they did nothing. Where was their outrage "
    "then? The so-called scientists are bought and paid for by big pharma. Wake up, people!",
]


def test_every_span_of_the_shipped_model_has_a_reason_and_is_a_whole_phrase() -> None:
    from unspun.pipeline.spans import SpanTagger

    tagger = SpanTagger(candidates=False)
    articles = [Article(id=str(i), text=text) for i, text in enumerate(ISSUE_TEXTS)]
    tagger(articles)
    spans = [(a.text, s) for a in articles for s in a.layer("technique")]
    assert spans
    for text, span in spans:
        assert span.reason and span.reason.strip() == span.reason
        assert "%" not in span.reason  # the span's score is the one probability shown
        assert 0 <= span.start < span.end <= len(text) and 0.0 <= span.score <= 1.0
        assert not cuts_word(text, span.start, span.end)
        assert not ends_on_function_word(span.text_in(text))
        assert span.text_in(text).lower() not in {"in fact", "of course"}
    data = Analysis(articles[0]).to_dict()
    assert all(s["reason"] for s in data["spans"])
    console = Console(record=True, width=200, color_system=None)
    console.print(render_analysis(Analysis(articles[0]), colour=False))
    shown = console.export_text()
    assert "why" in shown and all((s.reason or "")[:12] in shown for s in articles[0].layer("technique"))


def test_when_nothing_stands_out_the_spans_likeliest_word_is_still_named() -> None:
    # "It is a scandal": no n-gram weighs for the technique and no word reaches even odds, yet the
    # loaded word is there; the reason names it beside the encoder's reading of the context
    words = WordTagHead(vocabulary={"w=scandal": 0, "w=it": 1}, weights=np.array([1.5, 0.5]), bias=-3.0)
    text = "It is a scandal."
    (span,) = SpanExplainer(LABELS, words=words).explain(text, [Span(0, 15, "Loaded_Language", 0.3)])
    assert span.reason is not None and span.reason != NO_SIGNAL
    assert span.reason.startswith("the encoder's reading of the context") and "“scandal”" in span.reason
    assert not any(ch.isdigit() for ch in span.reason)
    # a span of function words alone names none
    (span,) = SpanExplainer(LABELS, words=words).explain(text, [Span(0, 7, "Loaded_Language", 0.3)])
    assert span.reason == NO_SIGNAL
