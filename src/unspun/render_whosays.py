"""The "who and what" section of the text view: the entities with their mention counts and the
quotes as source — cue — content. Registered with :func:`unspun.render.add_section` on import
(``unspun.render`` imports this module), so ``unspun analyze`` prints it after the paragraphs.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from unspun.document import Analysis, TextRange
from unspun.render import add_section, printable

QUOTE_LIMIT = 160  # characters of a quote's content shown
MAX_ENTITIES = 25  # entities listed, most mentioned first


def _piece(text: str, r: TextRange | None, limit: int = 80) -> str:
    if r is None:
        return "—"
    piece = " ".join(printable(text[r.start : r.end]).split())
    return piece if len(piece) <= limit else piece[: limit - 1] + "…"


def entity_table(analysis: Analysis) -> Table | None:
    """Entities, most mentioned first: name, type, mentions (None when there are none)."""
    entities = sorted(analysis.article.entities, key=lambda e: (-len(e.mentions), e.name))
    if not entities:
        return None
    table = Table(title="Who: entities", title_justify="left")
    table.add_column("entity")
    table.add_column("type")
    table.add_column("mentions", justify="right")
    for entity in entities[:MAX_ENTITIES]:
        table.add_row(Text(printable(entity.name)), entity.type, str(len(entity.mentions)))
    if len(entities) > MAX_ENTITIES:
        table.caption = f"and {len(entities) - MAX_ENTITIES} more"
    return table


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
        source = _piece(text, a.source, 60)
        if a.source_entity in names and names[a.source_entity] not in source:
            source += f" ({names[a.source_entity]})"
        content = _piece(text, a.content, QUOTE_LIMIT)
        table.add_row(Text(source), Text(_piece(text, a.cue, 40)), Text(content))
    return table


@add_section
def who_and_what(analysis: Analysis, colour: bool) -> RenderableType | None:
    """The section: entity and quote tables; None when the article has neither."""
    parts = [t for t in (entity_table(analysis), quote_table(analysis)) if t is not None]
    return Group(*parts) if parts else None
