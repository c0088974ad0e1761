"""Whole sentences offered to the technique head as spans: repeated sentences, short
exclamations and "what about" questions (issue 29), on hand-made texts."""

from __future__ import annotations

import numpy as np

from unspun.document import Article
from unspun.models.span_candidates import (
    RECURRING_TECHNIQUES,
    WHATABOUT_TECHNIQUES,
    Candidate,
    candidates,
    either_or_sentences,
    exclamations,
    recurring_sentences,
    whatabout_questions,
    whole_recurring,
)
from unspun.models.span_model import second_techniques

WHATABOUT = "Whataboutism,Straw_Men,Red_Herring"
LABELS = ["Doubt", "Loaded_Language", "Repetition", "Slogans", WHATABOUT]


def _covered(text: str, ranges: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in ranges]


def test_short_sentences_said_again_word_for_word_are_found() -> None:
    text = (
        'Workers march on city hall\n\nThousands marched on Friday. "Jobs, not cuts!" they chanted. '
        "The mayor said the budget is balanced. Union leaders promised more protests. Jobs, not cuts!"
    )
    assert _covered(text, recurring_sentences(text)) == ["Jobs, not cuts!"] * 2
    # either apostrophe; not inside a longer sentence, a speaker's label, a note or one word alone
    text = (
        "HANNITY: All right. HANNITY: All right. [emphasis added] [emphasis added]. Wait. Wait. "
        "I don't know. The Church. I don\u2019t know! The Church. We love the Church. Our Church."
    )
    assert _covered(text, recurring_sentences(text)) == [
        "I don't know",
        "The Church",
        "I don\u2019t know!",
        "The Church",
    ]
    assert recurring_sentences("In fact. In fact. Jobs, not cuts!") == []


def test_the_shipped_tagger_marks_a_slogan_said_three_times() -> None:
    from unspun.document import Article
    from unspun.pipeline.spans import SpanTagger

    text = (
        'Workers march on city hall\n\nThousands marched on Friday. "Jobs, not cuts!" they chanted. '
        'The mayor said the budget is balanced. "Jobs, not cuts!" the crowd answered. Union leaders '
        "promised more protests. Jobs, not cuts!"
    )
    article = Article(id="1", text=text)
    SpanTagger(candidates=False)([article])
    spans = article.layer("technique")
    start = 0
    for _ in range(3):
        start = text.index("Jobs, not cuts", start + 1)
        covering = [s for s in spans if s.start <= start < s.end]
        assert {s.label for s in covering} & {"Slogans", "Repetition"}
        assert all(0.0 <= s.score <= 1.0 and s.reason and not s.attrs for s in covering)


def test_the_shipped_tagger_ends_a_slogan_at_its_exclamation_mark() -> None:
    from unspun.pipeline.spans import SpanTagger

    tagger = SpanTagger(candidates=False)
    text = "Enough is enough! The council must act."
    article = Article(id="1", text=text)
    tagger([article])
    spans = article.layer("technique")
    assert ("Enough is enough!", "Slogans") in [(s.text_in(text), s.label) for s in spans]
    # the words after it are a span of their own, labelled by the head on their own
    assert all(s.end <= text.index("!") + 1 or s.start > text.index("!") for s in spans)
    for text in ["End The Korean War!", "Wake up, people!", "Jobs, not cuts! Jobs, not cuts!"]:
        article = Article(id="1", text=text)
        tagger([article])
        assert [(s.text_in(text), s.label) for s in article.layer("technique")] == [(text, "Slogans")]


def test_a_fragment_of_a_recurring_sentence_becomes_the_sentence() -> None:
    text = "Take back control. Take back control of our borders, our laws. Take back control!"
    first, last = text.index("Take back control"), text.rindex("Take back control!")
    take, control = (0, 4, 0.4), (first + 10, first + 17, 0.6)  # "Take", "control" of the first
    across = (text.index("our borders"), text.index("our laws") + 8, 0.5)  # not in a recurring one
    widened = whole_recurring(text, [take, control, across, (last, last + 4, 0.3)])
    assert _covered(text, [(a, b) for a, b, _ in widened]) == [
        "Take back control",
        "our borders, our laws",
        "Take back control!",
    ]
    assert [si for _, _, si in widened] == [0.6, 0.5, 0.3]
    assert whole_recurring("Take back control. We will.", [(0, 4, 0.4)]) == [(0, 4, 0.4)]


def test_the_shipped_tagger_marks_a_repeated_phrase_whole() -> None:
    from unspun.pipeline.spans import SpanTagger

    # QA (s46): "⟦Take⟧ back control." as Repetition, cut mid-phrase
    text = "Take back control. Take back control of our borders, our laws, our future. Take back control!"
    article = Article(id="1", text=text)
    SpanTagger(candidates=False)([article])
    shown = [s.text_in(text) for s in article.layer("technique")]
    assert "Take" not in shown and shown[0].startswith("Take back control")


def test_either_or_choices_are_found_but_not_either_as_a_determiner() -> None:
    text = (
        "Either we build the new motorway this year, or our town will die. There is no middle "
        "ground. You are either with us or with the criminals. Troops on either side of the border "
        "or in the capital were tense. Either way, the council or the mayor will decide."
    )
    assert _covered(text, either_or_sentences(text)) == [
        "Either we build the new motorway this year, or our town will die",
        "You are either with us or with the criminals",
    ]


def test_a_choice_is_offered_over_part_of_a_span_not_over_one_covering_it() -> None:
    text = "Either we stop this bill now, or we lose everything we hold dear. Nothing else."
    choice = (0, text.index("."))
    assert [(c.start, c.end) for c in candidates(text, [(text.index("or we"), choice[1])])] == [choice]
    # the tagger marked the sentence whole (its regression fixture): that span is labelled as it is
    assert candidates(text, [(0, choice[1] + 1)]) == []


def test_the_shipped_tagger_calls_a_false_choice_black_and_white() -> None:
    from unspun.pipeline.spans import SpanTagger

    # QA (s46): the two false choices had no black-and-white span (only a fear span on
    # "year, or our town will die"); the paragraph head alone named the technique
    text = (
        "Either we build the new motorway this year, or our town will die. There is no middle ground. "
        "You are either with the families who need jobs or you are with the activists who want us to "
        "stay poor forever."
    )
    article = Article(id="1", text=text)
    SpanTagger(candidates=False)([article])
    shown = {(s.text_in(text), s.label) for s in article.layer("technique")}
    assert (
        "Either we build the new motorway this year, or our town will die",
        "Black-and-White_Fallacy",
    ) in shown
    assert any(
        label == "Black-and-White_Fallacy" and words.startswith("You are either") for words, label in shown
    )


def test_short_exclamations_are_found() -> None:
    text = (
        "Protesters filled the square on Sunday. End the Korean War! Wake up, people! The march "
        "ended at noon, and the police said everything stayed calm and orderly that day for all!\n"
        "HANNITY: Stop it! In fact! [Applause!]"
    )
    assert _covered(text, exclamations(text)) == ["End the Korean War!", "Wake up, people!"]


def test_what_about_questions_are_found_with_their_conjunction() -> None:
    text = (
        "The governing party misused public funds. And what about the opposition? When they were in "
        "power, they flew to Davos every year. What about Bergoglio? They ask: but what about Judith "
        "Miller and The New York Times lying the West into war? What about it."
    )
    assert _covered(text, whatabout_questions(text)) == [
        "And what about the opposition?",
        "but what about Judith Miller and The New York Times lying the West into war?",
    ]


def test_candidates_leave_out_marked_words_but_a_what_about_question() -> None:
    text = "Jobs, not cuts! And what about the opposition? Enough is enough! Jobs, not cuts!"
    found = [
        (text.index("opposition"), text.index("opposition") + 10),
        (text.index("Enough"), len(text) - 17),
    ]
    offered = candidates(text, found)
    assert [(text[c.start : c.end], c.techniques) for c in offered] == [
        ("Jobs, not cuts!", RECURRING_TECHNIQUES),  # a repeated exclamation is offered once
        ("And what about the opposition?", WHATABOUT_TECHNIQUES),
        ("Jobs, not cuts!", RECURRING_TECHNIQUES),
    ]
    assert all(0.0 < c.si <= 1.0 for c in offered)


def test_a_candidate_takes_its_kind_where_the_head_ranks_it_high_enough() -> None:
    question = Candidate(0, 10, frozenset({WHATABOUT}), rank=2, si=0.55, over_spans=True)
    doubt_first = np.array([0.6, 0.1, 0.02, 0.03, 0.25])
    assert question.technique(doubt_first, LABELS) == 4
    third = np.array([0.5, 0.3, 0.02, 0.03, 0.15])
    assert question.technique(third, LABELS) is None
    slogan = Candidate(0, 10, frozenset({"Slogans", "Repetition"}), rank=1, si=0.55)
    assert slogan.technique(np.array([0.1, 0.2, 0.1, 0.6, 0.0]), LABELS) == 3
    assert slogan.technique(np.array([0.1, 0.5, 0.1, 0.3, 0.0]), LABELS) is None
    # the span's second technique is then the head's likeliest
    assert [label.name for label in second_techniques(doubt_first, LABELS, first=4)] == ["Doubt"]


def test_the_shipped_tagger_finds_the_whataboutism_question() -> None:
    from unspun.pipeline.spans import SpanTagger

    text = (
        "The Senate Scandal Nobody Wants to Discuss\n\n"
        "The governing party has been accused of misusing public funds for a private retreat. Its "
        "leaders say the trip was official business.\n\n"
        "And what about the opposition? When they were in power, they flew to Davos on the "
        "taxpayer's dime every single year. Where was their outrage then?"
    )
    article = Article(id="1", text=text)
    SpanTagger(candidates=False)([article])
    found = [s for s in article.layer("technique") if s.label == WHATABOUT]
    # its leading "And" trimmed as any span's (unspun.models.phrase_words.START_WORDS)
    assert [s.text_in(text) for s in found] == ["what about the opposition?"]
    assert all(0.0 <= s.score <= 1.0 and s.reason and not s.attrs for s in found)


def test_recurring_sentences_in_a_long_transcript() -> None:
    # 5,000 short sentences all opening on "The": each was matched at every "The" of the text
    # (about 14 s on the 2-core machine); found now by the words of each place, under a second
    words = [
        "state",
        "must",
        "act",
        "now",
        "we",
        "want",
        "jobs",
        "not",
        "cuts",
        "people",
        "power",
        "war",
        "peace",
        "money",
    ]
    sentences = [f"The {words[i % 14]} {words[i * 7 % 13]} {words[i * 5 % 11]}." for i in range(5000)]
    text = " ".join(sentences)
    found = recurring_sentences(text)
    assert len(found) > 100 and all(text[a:b].startswith("The ") for a, b in found)
    first = sentences[0][:-1]
    assert [text[a:b] for a, b in found].count(first) == sentences.count(sentences[0])


def test_a_quoted_sentence_said_again_is_found_without_its_marks() -> None:
    text = "\u201cJobs, not cuts!\u201d they chanted. \u201cJobs, not cuts!\u201d the crowd answered."
    assert _covered(text, recurring_sentences(text)) == ["Jobs, not cuts!"] * 2
    # a quoted statement closed by its full stop; straight and single marks
    text = 'He said "The state must act." Then he said "The state must act." again.'
    assert _covered(text, recurring_sentences(text)) == []  # inside longer sentences
    text = '"The state must act." Nobody listened. "The state must act." she repeated.'
    assert _covered(text, recurring_sentences(text)) == ["The state must act"] * 2
    text = "\u2018Jobs, not cuts!\u2019 they chanted. 'Jobs, not cuts!' Jobs, not cuts!"
    assert _covered(text, recurring_sentences(text)) == ["Jobs, not cuts!"] * 3


def test_a_sentence_closing_quotation_mark_is_known_with_its_opening_marks() -> None:
    from unspun.models.span_candidates import _OPENERS_OF
    from unspun.sentences import CLOSING_MARKS

    assert set(_OPENERS_OF) == set(CLOSING_MARKS) - set(")]")


def test_a_quoted_exclamation_is_found_without_its_marks() -> None:
    text = (
        "Protesters filled the square. \u201cEnd the Korean War!\u201d they shouted. A man said: "
        "'Wake up, people!' The crowd cheered. \u00bbWacht auf!\u00ab riefen sie. \u00ab Assez ! \u00bb"
    )
    assert _covered(text, exclamations(text)) == [
        "End the Korean War!",
        "Wake up, people!",
        "Wacht auf!",
        "Assez !",
    ]
    # a quotation inside a longer sentence stands not alone; nor does one a bracket closes
    text = 'He shouted "Stop it now!" and left. The man (\u201cnighty-night baby!\u201d) left.'
    assert exclamations(text) == []


def test_a_quoted_what_about_question_is_found() -> None:
    text = (
        "The governing party misused public funds. \u201cAnd what about the opposition?\u201d he "
        "asked. She asked: \u00abbut what about the flights to Davos?\u00bb"
    )
    assert _covered(text, whatabout_questions(text)) == [
        "And what about the opposition?",
        "but what about the flights to Davos?",
    ]


def test_candidates_offer_a_quoted_slogan_once() -> None:
    text = "\u201cJobs, not cuts!\u201d they chanted. \u201cJobs, not cuts!\u201d the crowd answered."
    offered = candidates(text)
    assert [(text[c.start : c.end], c.techniques) for c in offered] == [
        ("Jobs, not cuts!", RECURRING_TECHNIQUES),
        ("Jobs, not cuts!", RECURRING_TECHNIQUES),
    ]


def test_a_sentence_quoted_in_german_guillemets_is_found() -> None:
    text = (
        "\u00bbWacht auf!\u00ab riefen sie. Niemand h\u00f6rte. \u00bbWacht auf!\u00ab "
        "Er sagte: \u00bbWir wollen Arbeit!\u00ab"
    )
    assert _covered(text, recurring_sentences(text)) == ["Wacht auf!"] * 2
    assert _covered(text, exclamations(text)) == ["Wacht auf!", "Wacht auf!", "Wir wollen Arbeit!"]
