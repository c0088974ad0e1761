from __future__ import annotations

import pytest

import unspun
from unspun.document import Analysis, Article, Attribution, Span, TextRange
from unspun.pipeline.voice import Voices, VoiceScorer, count_voices, voice_persuasion

# A quoted loaded phrase, an unquoted one, and an indirect attribution whose content holds none.
TEXT = (
    'Critics called the bill "a reckless gamble" on Monday. '
    "This disastrous plan will fail, and the minister said the costs were known."
)


def _at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def _analysed() -> Article:
    article = Article(id="a", text=TEXT)
    article.set_layer(
        "technique",
        [
            Span(*_at("reckless gamble"), "Loaded_Language", 0.8),
            Span(*_at("disastrous plan"), "Loaded_Language", 0.6),
        ],
    )
    content = TextRange(*_at("the costs were known"))
    article.attributions = [Attribution(id="A1", content=content, cue=TextRange(*_at("said")))]
    return article


def test_a_quoted_and_an_unquoted_loaded_phrase_count_in_their_own_voice() -> None:
    voices = voice_persuasion(_analysed())
    # Quoted: the quotation with its marks ("a reckless gamble", 19 characters) and the
    # attribution's content ("the costs were known", 20).
    assert voices.quoted.chars == 19 + 20
    assert voices.author.chars == len(TEXT) - 39
    assert (voices.author.spans, voices.quoted.spans) == (1, 1)
    assert voices.quoted.span_share == pytest.approx(len("reckless gamble") / 39)
    assert voices.author.span_share == pytest.approx(len("disastrous plan") / (len(TEXT) - 39))


def test_a_span_counts_where_most_of_its_characters_lie() -> None:
    text = 'He wrote "we win" today'
    assert text[9:17] == '"we win"'  # the quotation, with its marks
    mostly_quoted = count_voices(text, [], [(11, 18)])  # 'we win"' plus one space: 6 of 7 quoted
    mostly_author = count_voices(text, [], [(3, 12)])  # 'wrote "we': 3 of 9 quoted
    half = count_voices(text, [(0, 2)], [(0, 4)])  # "He w": 2 quoted, 2 the author's
    assert (mostly_quoted.author.spans, mostly_quoted.quoted.spans) == (0, 1)
    assert (mostly_author.author.spans, mostly_author.quoted.spans) == (1, 0)
    assert (half.author.spans, half.quoted.spans) == (1, 0)


def test_a_straddling_span_gives_its_share_only_to_the_voice_it_counts_in() -> None:
    text = 'He wrote "we win" today'
    mostly_quoted = count_voices(text, [], [(11, 18)])  # 6 of 7 characters quoted
    assert mostly_quoted.quoted.span_share == pytest.approx(6 / 8)  # 'we win"' of '"we win"'
    assert (mostly_quoted.author.spans, mostly_quoted.author.span_share) == (0, 0.0)  # not "x% (0 spans)"
    mostly_author = count_voices(text, [], [(3, 12)])  # 'wrote "we': 3 of 9 quoted
    assert mostly_author.author.span_share == pytest.approx(6 / (len(text) - 8))
    assert (mostly_author.quoted.spans, mostly_author.quoted.span_share) == (0, 0.0)
    both = count_voices(text, [], [(3, 12), (11, 18)])  # one span for each voice
    assert (both.author.spans, both.quoted.spans) == (1, 1)
    assert both.quoted.span_share == pytest.approx(6 / 8)  # the author's span's 3 quoted chars: not here
    for voices in (mostly_quoted, mostly_author, both):
        for voice in (voices.author, voices.quoted):
            assert (voice.spans > 0) == (voice.span_share > 0)


def test_a_text_without_quotes_is_all_the_authors() -> None:
    voices = count_voices("Plain words here.", [], [(0, 5)])
    assert voices.quoted.chars == 0 and voices.quoted.spans == 0 and voices.quoted.span_share == 0.0
    assert voices.author.chars == 17 and voices.author.span_share == pytest.approx(5 / 17)


def test_the_scorer_writes_flat_scores_that_round_trip_through_json() -> None:
    article = _analysed()
    VoiceScorer()([article])
    data = Analysis(article).to_dict()
    assert data["scores"]["author_spans"] == 1 and data["scores"]["quoted_spans"] == 1
    assert data["scores"]["quoted_chars"] == 39
    back = Analysis.from_dict(data)
    assert back.to_dict() == data
    before, after = Voices.from_scores(article.scores), Voices.from_scores(back.article.scores)
    assert before is not None and after is not None
    assert (after.author.chars, after.quoted.spans) == (before.author.chars, before.quoted.spans)
    assert after.author.span_share == pytest.approx(before.author.span_share, abs=1e-4)
    assert "persuasion" not in article.scores


def test_the_scorer_writes_nothing_when_no_spans_were_looked_for() -> None:
    article = Article(id="a", text=TEXT)
    VoiceScorer()([article])
    assert article.scores == {} and Voices.from_scores(article.scores) is None


def test_analyze_gives_both_voices_in_the_json_scores() -> None:
    text = (
        "The mayor's scheme is a shameless betrayal of every family in this town.\n"
        'Residents said the plan was "an absolute disaster that will destroy us all."\n'
    )
    scores = unspun.analyze(text).to_dict()["scores"]
    for voice in ("author", "quoted"):
        assert 0.0 <= scores[f"{voice}_span_share"] <= 1.0
        assert scores[f"{voice}_chars"] > 0
    assert scores["author_chars"] + scores["quoted_chars"] == len(text)


def test_french_and_german_quotations_are_the_quoted_voice() -> None:
    for text, quote in (
        ("Une honte. « C'est une catastrophe », a déclaré Marie Dubois.", "« C'est une catastrophe »"),
        ("Eine Schande. „Das ist eine Katastrophe“, sagte Anna Schmidt.", "„Das ist eine Katastrophe“"),
    ):
        start = text.index("Katastrophe" if "Katastrophe" in text else "catastrophe")
        voices = count_voices(text, [], [(start, start + len("catastrophe"))])
        assert voices.quoted.chars == len(quote), text
        assert (voices.author.spans, voices.quoted.spans) == (0, 1), text


def test_an_interrupted_quote_counts_only_its_quoted_parts() -> None:
    # PolNeAR marks the content of '"X," said S, who ... "Y."' as one range holding its own source
    # and cue; the source's clause between the parts is the author's, not the quote's.
    text = (
        "Area Man Refuses To Read\n\n"
        '"I don\'t need to read it," said Hubbard, who has never once been wrong about anything. '
        '"Those elites want you to read."\n'
    )
    first, second = '"I don\'t need to read it,"', '"Those elites want you to read."'
    clause = text.index("who has never")
    article = Article(id="a", text=text)
    article.set_layer(
        "technique", [Span(clause, clause + len("who has never once been wrong"), "Smears", 0.7)]
    )
    article.attributions = [
        Attribution(
            id="A1",
            content=TextRange(text.index(first), text.index(second) + len(second)),
            source=TextRange(text.index("Hubbard"), text.index(' "Those') - 1),
            cue=TextRange(*_span_of(text, "said")),
        )
    ]
    voices = voice_persuasion(article)
    assert voices.quoted.chars == len(first) + len(second)
    assert (voices.author.spans, voices.quoted.spans) == (1, 0)
    assert voices.author.chars == len(text) - len(first) - len(second)


def _span_of(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def test_a_paragraph_in_another_language_counts_in_neither_voice() -> None:
    # QA (s45): an English op-ed with a French paragraph read "39% of characters (11 spans)" in
    # the author's text, the French paragraph's SemEval-2023 spans counted with the English ones
    from dataclasses import replace

    from unspun.document import split_paragraphs

    french = "Cette réforme scandaleuse est une trahison honteuse de tous les travailleurs du pays."
    article = _analysed()
    english_alone = voice_persuasion(article)
    text = TEXT + "\n\n" + french
    mixed = Article(id="m", text=text, language="en")
    start = text.index("scandaleuse")
    mixed.set_layer(
        "technique", [*article.layer("technique"), Span(start, start + 11, "Loaded_Language", 0.7)]
    )
    mixed.attributions = article.attributions
    paragraphs = split_paragraphs(text)
    mixed.paragraphs = [paragraphs[0], replace(paragraphs[1], language="fr")]
    voices = voice_persuasion(mixed)
    assert (voices.author.spans, voices.quoted.spans) == (1, 1)
    assert voices.author.chars == english_alone.author.chars + 2  # the blank line between counts
    assert voices.quoted == english_alone.quoted
