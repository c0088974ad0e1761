"""The "who and what" section of the text view: the entities with their mention counts (and how
the text portrays each: tone, role), the quotes as source — cue — content, and the check-worthy
claims. The first of the sections of :mod:`unspun.render` (which imports this module), so
``unspun analyze`` prints it after the paragraphs.
"""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from unspun.document import Analysis, Attribution, Entity, TextRange
from unspun.pipeline.whosays_layer import COVERAGE
from unspun.terminal import printable

QUOTE_LIMIT = 160  # characters of a quote's content shown
MAX_ENTITIES = 25  # entities listed, most mentioned first
MAX_CLAIMS = 10  # check-worthy claims listed, most check-worthy first


def _piece(text: str, r: TextRange | None, limit: int = 80) -> str:
    return "—" if r is None else _shorten(text[r.start : r.end], limit)


def _shorten(piece: str, limit: int) -> str:
    piece = " ".join(printable(piece).split())
    return piece if len(piece) <= limit else piece[: limit - 1] + "…"


# A quote is shown once in marks, in the text view as on the page (whosays-panel.js, whose <q>
# adds the marks): the marks its own words carry (a content range that takes in the text's
# "...") are taken off first, so no quote is shown ""doubled"".
OPENING = "\"“„«‹‘‚'「"
DOUBLE_CLOSING = '"”“»›」'
SINGLE_CLOSING = "’‘'"


# The marks a closing mark closes (German „ closes with “).
OPENED_BY = {'"': '"', "”": "“", "“": "„", "»": "«", "›": "‹", "」": "「"}


def unquote(text: str) -> str:
    """``text`` without the quote marks around it: an opening mark at its start, and a closing
    mark at its end (a single one only after a single opening one, so "the workers'" keeps its
    apostrophe; not one that closes a mark opened inside, so 'it was "prudent"' keeps its last
    mark). The page's ``unquote`` does the same."""
    core = text.strip()
    single = False
    if core and core[0] in OPENING:
        single = core[0] in "‘‚'"
        core = core[1:]
    closing = core and (core[-1] in DOUBLE_CLOSING or (single and core[-1] in SINGLE_CLOSING))
    if closing and not _closes_inner(core):
        core = core[:-1]
    return core.strip()


def _closes_inner(core: str) -> bool:
    """Whether ``core``'s last mark closes a double mark opened inside it ('... "prudent"')."""
    last, rest = core[-1], core[:-1]
    opening = OPENED_BY.get(last)
    if opening is None:
        return False
    if opening == last:  # '"' opens and closes: one left open before it
        return rest.count(last) % 2 == 1
    return rest.count(opening) > rest.count(last)


def quoted(text: str) -> str:
    """``text`` in quote marks, once: “…”."""
    return f"“{unquote(text)}”"


def entity_table(analysis: Analysis) -> Table | None:
    """Entities, most mentioned first: name, type, mentions (None when there are none)."""
    entities = sorted(analysis.article.entities, key=lambda e: (-len(e.mentions), e.name))
    if not entities:
        return None
    portrayed = any(e.sentiment is not None or e.role is not None for e in entities)
    table = Table(title="Who: entities", title_justify="left")
    table.add_column("entity")
    table.add_column("type")
    table.add_column("mentions", justify="right")
    if portrayed:
        table.add_column("tone")
        table.add_column("portrayed as")
    for entity in entities[:MAX_ENTITIES]:
        row: list[Text | str] = [Text(printable(entity.name)), entity.type, str(len(entity.mentions))]
        if portrayed:
            row += [_tone(entity), _role(entity)]
        table.add_row(*row)
    if len(entities) > MAX_ENTITIES:
        table.caption = f"and {len(entities) - MAX_ENTITIES} more"
    return table


def _tone(entity: Entity) -> str:
    return f"{entity.sentiment.name} {entity.sentiment.score:.2f}" if entity.sentiment else "—"


def _role(entity: Entity) -> str:
    if entity.role is None:
        return "—"
    fine = ", ".join(label.name for label in entity.fine_roles)
    return f"{entity.role.name}: {fine}" if fine else entity.role.name


def claim_table(analysis: Analysis) -> Table | None:
    """Check-worthy sentences, most check-worthy first, with their probability (None when none)."""
    claims = sorted(analysis.article.claims, key=lambda c: (-c.score, c.start))
    if not claims:
        return None
    table = Table(title="Check-worthy claims", title_justify="left")
    table.add_column("score", justify="right")
    table.add_column("claim")
    for claim in claims[:MAX_CLAIMS]:
        table.add_row(
            f"{claim.score:.2f}", Text(_piece(analysis.text, TextRange(claim.start, claim.end), QUOTE_LIMIT))
        )
    if len(claims) > MAX_CLAIMS:
        table.caption = f"and {len(claims) - MAX_CLAIMS} more"
    return table


def source_label(source: str, name: str | None) -> str:
    """Who a quote's source is: its words, with the name of the entity they refer to when the
    words do not hold it ("She (Maria Lopez)"). The page says the same (``whosays-panel.js``
    ``sourceLabel``)."""
    return f"{source} ({name})".strip() if name and name not in source else source


def quote_table(analysis: Analysis) -> Table | None:
    """Attributions in text order: source — cue — content (None when there are none)."""
    attributions = analysis.article.attributions
    if not attributions:
        return None
    text = analysis.text
    names = {e.id: e.name for e in analysis.article.entities}
    table = Table(title="What: quotes and reported statements", title_justify="left")
    table.add_column("source")
    table.add_column("cue")
    table.add_column("content")
    for a in attributions:
        source = source_label(_piece(text, a.source, 60), names.get(a.source_entity or ""))
        table.add_row(Text(source), Text(_piece(text, a.cue, 40)), Text(content_shown(text, a)))
    return table


# What follows a source and cue up to an opening mark, when it ends a sentence or is only
# punctuation: the quotation goes on at the mark ('"X," he said on Monday. "Y."', '"X," he
# said, "Y"'); not in 'X, he said, showed the trial "a farce"', where "showed" is content.
_REOPENING = re.compile('(?:[^"“„«‹]*[.!?]|[,:;—–-]*)\\s*(?=["“„«‹])')
_EDGES = " ,;:"


def content_shown(text: str, a: Attribution) -> str:
    """A quote's content in marks, as the quote table shows it. A content its source and cue
    interrupt ('"X," he said on Monday. "Y."', 'X, he said, and Y') is one range holding
    both parts, as PolNeAR marks it; shown whole it repeated the source and cue inside the
    content, so the words from the source or cue to the next quotation mark are left out:
    “X … Y”."""
    inside = [
        r
        for r in (a.source, a.cue)
        if r is not None and a.content.start <= r.start and r.end <= a.content.end
    ]
    whole = _continued(text[a.content.start : a.content.end])
    if not inside:
        return quoted(_shorten(whole, QUOTE_LIMIT))
    before = text[a.content.start : min(r.start for r in inside)]
    after = text[max(r.end for r in inside) : a.content.end]
    reopening = _REOPENING.match(after)
    if reopening is not None:
        after = after[reopening.end() :]
    shown = " … ".join(part for part in (_part(before), _part(after)) if part)
    return f"“{_shorten(shown, QUOTE_LIMIT)}”" if shown else quoted(_shorten(whole, QUOTE_LIMIT))


def _part(piece: str) -> str:
    return unquote(_continued(piece).strip(_EDGES)).strip(_EDGES)


# A quotation going on into the next paragraph: the paragraph before ends with no closing mark
# and the next opens with a mark again, as a multi-paragraph quotation is set. Shown on one line,
# that mark stood inside the quote ('a decade. "Nobody ... choice."”').
_PARAGRAPH_REOPENED = re.compile('(?<=[^"”»’\'\\s])(\\s*\\n\\s*\\n\\s*)["“„«]')


def _continued(piece: str) -> str:
    return _PARAGRAPH_REOPENED.sub(r"\1", piece)


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


def who_and_what(analysis: Analysis, colour: bool) -> RenderableType | None:
    """The section: how much of the text it covers (when not all), then the entity, quote and
    claim tables; None when there is nothing to show."""
    note = coverage_note(analysis)
    tables = (entity_table(analysis), quote_table(analysis), claim_table(analysis))
    parts: list[RenderableType] = [Text(note, style="bold")] if note is not None else []
    parts += [t for t in tables if t is not None]
    return Group(*parts) if parts else None
