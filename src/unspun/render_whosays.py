"""The "who and what" section of the text view: the entities with their mention counts (and how
the text portrays each: tone, role), the quotes as source — cue — content, and the check-worthy
claims. The first of the sections of :mod:`unspun.render` (which imports this module), so
``unspun analyze`` prints it after the paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from unspun.document import Analysis, Attribution, Claim, Entity, TextRange
from unspun.pipeline.whosays_layer import COVERAGE
from unspun.terminal import one_line, printable, shortened
from unspun.whosays.shown import content_parts, continued, unquote

QUOTE_LIMIT = 160  # characters of a quote's content shown
# A claim is shown whole, as the page shows it (cut at 160 characters, 'do not exist.' read 'do
# not…'); the limit only bounds a run-on 'sentence' that segmentation failed to split.
CLAIM_LIMIT = 600
MAX_ENTITIES = 25  # entities listed, most mentioned first
MAX_CLAIMS = 10  # check-worthy claims listed, most check-worthy first
# What a claim's score is (QA: a claim at 0.43 was listed with no word on what 0.43 means); the
# page says the same words (whosays-panel.js CLAIM_SCORE_NOTE; a test holds them equal).
CLAIM_SCORE_NOTE = (
    "the probability that fact-checkers would pick the sentence to check (a model of "
    "CheckThat! 2024 debate sentences); a claim to check, not a finding that it is false"
)

# The three lists' headings, the same words on the page (whosays-panel.js HEADINGS; a test holds
# them equal): the text view said "What: quotes and reported statements" where the page said
# "Quotes", and "Check-worthy claims" where it said "What: check-worthy claims".
HEADINGS = {
    "entities": "Who: entities",
    "quotes": "Quotes and reported statements",
    "claims": "Check-worthy claims",
}


# The entity table's columns, the same words on the page (whosays-panel.js ENTITY_COLUMNS; a test
# holds them equal): the page said "Portrayed" for the tone and "Role" for what this view calls
# "portrayed as".
ENTITY_COLUMNS = ("entity", "type", "mentions", "tone", "portrayed as")


def _piece(text: str, r: TextRange | None, limit: int = 80) -> str:
    return "—" if r is None else _shorten(text[r.start : r.end], limit)


def _shorten(piece: str, limit: int) -> str:
    piece = one_line(piece)
    return shortened(piece, limit)


# A quote is shown once in marks, in the text view as on the page (whosays-panel.js, whose <q>
# adds the marks): the marks its own words carry are taken off first (unquote), so no quote is
# shown ""doubled"".


def quoted(text: str) -> str:
    """``text`` in quote marks, once: “…”, a quote inside it in single marks (:func:`inner_marks`)."""
    return f"“{inner_marks(unquote(text))}”"


# A pair of double marks inside a quote: straight ("...") or curly (“...”), on one line.
_INNER_PAIR = re.compile(r'"([^"\n]+)"|“([^“”\n]+)”')


def inner_marks(text: str) -> str:
    """``text`` with each pair of double marks it holds made single (‘…’), as a quote inside a
    quote is written: 'the lanes will "cut journey times"' was shown in the quote's own marks as
    “the lanes will "cut journey times"”. An unpaired mark stays. The page does the same
    (whosays-panel.js ``innerMarks``)."""
    return _INNER_PAIR.sub(lambda m: f"‘{m.group(1) or m.group(2)}’", text)


def entity_order(entities: Iterable[Entity]) -> list[Entity]:
    """``entities`` most mentioned first, then by name, as the text view and the page
    (whosays-panel.js entityOrder) list them."""
    return sorted(entities, key=lambda e: (-len(e.mentions), e.name))


def claim_order(claims: Iterable[Claim]) -> list[Claim]:
    """``claims`` most check-worthy first, then in the text's order, as the text view and the
    page (whosays-panel.js claimOrder) list them."""
    return sorted(claims, key=lambda c: (-c.score, c.start))


def entity_table(analysis: Analysis) -> Table | None:
    """Entities, most mentioned first: name, type, mentions (None when there are none)."""
    entities = entity_order(analysis.article.entities)
    if not entities:
        return None
    portrayed = any(e.sentiment is not None or e.role is not None for e in entities)
    table = Table(title=HEADINGS["entities"], title_justify="left", caption_justify="left")
    name, kind, mentions, tone, role = ENTITY_COLUMNS
    table.add_column(name)
    table.add_column(kind)
    table.add_column(mentions, justify="right")
    if portrayed:
        table.add_column(tone)
        table.add_column(role)
    for entity in entities[:MAX_ENTITIES]:
        row: list[Text | str] = [Text(printable(entity.name)), entity.type, str(len(entity.mentions))]
        if portrayed:
            row += [_tone(entity), role_text(entity) or "—"]
        table.add_row(*row)
    if len(entities) > MAX_ENTITIES:
        table.caption = f"and {len(entities) - MAX_ENTITIES} more (every entity: --format json)"
    return table


def _tone(entity: Entity) -> str:
    return f"{entity.sentiment.name} {entity.sentiment.score:.2f}" if entity.sentiment else "—"


def role_text(entity: Entity) -> str:
    """How ``entity`` is portrayed, as the text view and the page (whosays-panel.js roleText) say
    it: its main role, then its fine roles ("Antagonist: Deceiver, Conspirator"); "" for none."""
    if entity.role is None:
        return ""
    fine = ", ".join(label.name for label in entity.fine_roles)
    return f"{entity.role.name}: {fine}" if fine else entity.role.name


def claim_table(analysis: Analysis) -> Table | None:
    """Check-worthy sentences, most check-worthy first, with their probability (None when none)."""
    claims = claim_order(analysis.article.claims)
    if not claims:
        return None
    table = Table(title=HEADINGS["claims"], title_justify="left", caption_justify="left")
    table.add_column("score", justify="right")
    table.add_column("claim")
    for claim in claims[:MAX_CLAIMS]:
        table.add_row(
            f"{claim.score:.2f}", Text(_piece(analysis.text, TextRange(claim.start, claim.end), CLAIM_LIMIT))
        )
    caption = f"score: {CLAIM_SCORE_NOTE}"
    if len(claims) > MAX_CLAIMS:
        caption += f"; and {len(claims) - MAX_CLAIMS} more (every claim: --format json)"
    table.caption = caption
    return table


def source_label(source: str, name: str | None) -> str:
    """Who a quote's source is: its words, with the name of the entity they refer to when the
    words do not hold it ("She (Maria Lopez)"). The page says the same (``whosays-panel.js``
    ``sourceLabel``). The comma closing an apposition, part of the source as PolNeAR marks it
    ("Her challenger, Mark Dunn, claimed"), is not shown."""
    source = source.rstrip().rstrip(",")
    return f"{source} ({name})".strip() if name and name not in source else source


def quote_table(analysis: Analysis) -> Table | None:
    """Attributions in text order: source — cue — content (None when there are none)."""
    attributions = analysis.article.attributions
    if not attributions:
        return None
    text = analysis.text
    names = {e.id: e.name for e in analysis.article.entities}
    table = Table(title=HEADINGS["quotes"], title_justify="left")
    table.add_column("source")
    table.add_column("cue")
    table.add_column("content")
    for a in attributions:
        source = source_label(_piece(text, a.source, 60), names.get(a.source_entity or ""))
        table.add_row(Text(source), Text(_piece(text, a.cue, 40)), Text(content_shown(text, a)))
    return table


def content_shown(text: str, a: Attribution) -> str:
    """A quote's content in marks, as the quote table shows it: a content its source and cue
    interrupt ('"X," he said on Monday. "Y."', 'X, he said, and Y') as its parts either side of
    them, “X … Y” (:func:`unspun.whosays.shown.content_parts`, the pieces the page shows too:
    ``attrs["content_parts"]``), any other whole."""
    parts = a.attrs.get("content_parts") or content_parts(
        text, (a.content.start, a.content.end), [_pair(a.source), _pair(a.cue)]
    )
    if parts:
        return f"“{inner_marks(_shorten(' … '.join(parts), QUOTE_LIMIT))}”"
    return quoted(_shorten(continued(text[a.content.start : a.content.end]), QUOTE_LIMIT))


def _pair(r: TextRange | None) -> tuple[int, int] | None:
    return None if r is None else (r.start, r.end)


def coverage_note(analysis: Analysis) -> str | None:
    """The sentence saying how much of the text who-says-what read, when it read only the first
    part of a long text (``scores["whosays_coverage"]`` below 1); None when it read it all. The
    page (``whosays-panel.js``) says the same sentence."""
    coverage = analysis.article.scores.get(COVERAGE)
    if coverage is None or coverage >= 1:
        return None
    total = len(analysis.text)
    return (
        f"Who says what was read in the first {int(coverage * 100)}% of the text only (about "
        f"{round(coverage * total):,} of {total:,} characters): entities, quotes and check-worthy "
        "claims after that are not listed; the technique spans, genre and frames cover the whole text."
    )


# The languages the who-says-what components read (their ``languages`` default): spaCy's English
# pipeline, PolNeAR, CheckThat! and NewsMTSC are English.
WHOSAYS_LANGUAGES = frozenset({"en"})
# The sentence of language_note, {language} the text's; the page reads it from its catalogue
# (server/web.py technique_catalogue, whosays-panel.js languageNote) rather than writing it again.
LANGUAGE_NOTE = (
    "Who says what reads English only: entities, quotes and check-worthy claims are not listed "
    "for this text ({language}); the technique spans, genre and frames cover it."
)


def language_note(analysis: Analysis) -> str | None:
    """The sentence saying that who-says-what reads English only, for a text in another language
    (a French op-ed showed no entity, quote or claim table, as if it named no one); None for
    English or an unknown language. The page says the same (``whosays-panel.js``)."""
    language = analysis.article.language
    if language is None or language in WHOSAYS_LANGUAGES:
        return None
    return LANGUAGE_NOTE.format(language=language)


def who_and_what(analysis: Analysis, colour: bool) -> RenderableType | None:
    """The section: how much of the text it covers (when not all), then the entity, quote and
    claim tables; None when there is nothing to show."""
    note = language_note(analysis) or coverage_note(analysis)
    tables = (entity_table(analysis), quote_table(analysis), claim_table(analysis))
    parts: list[RenderableType] = [Text(note, style="bold")] if note is not None else []
    parts += [t for t in tables if t is not None]
    return Group(*parts) if parts else None
