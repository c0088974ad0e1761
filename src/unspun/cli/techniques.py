"""``unspun techniques``: list the technique taxonomies, the frames and the genres."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.text import Text

from unspun.cli.common import TextOrJson, out, write


def techniques(
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """List the technique taxonomies (PTC-14, SemEval-2023), the frames and the genres: ids,
    display names and definitions."""
    from rich.table import Table

    from unspun.techniques import (
        FRAME_INFO,
        GENRE_INFO,
        PTC14,
        SEMEVAL23,
        catalogue,
        ptc14_for,
        semeval23_for,
    )

    if format is TextOrJson.json:
        write(json.dumps(catalogue(), ensure_ascii=False, indent=2))
        return
    taxonomies = (
        ("PTC-14 (SemEval-2020 Task 11)", PTC14, "SemEval-2023"),
        ("SemEval-2023 Task 3 (23)", SEMEVAL23, "PTC-14"),
    )
    for title, items, other in taxonomies:
        table = Table(title=title)
        # Ids are looked up and copied: never cut, the other taxonomy's too (they were cut to
        # "Appeal_to_Autho…" in the name column of an 80-column terminal), one per line under the id.
        table.add_column(f"id ({other} id)", no_wrap=True)
        table.add_column("name: definition", overflow="fold")  # a long word folded, not cut with "…"
        for item in items:
            shown = semeval23_for(item.id) if other == "SemEval-2023" else [ptc14_for(item.id) or ""]
            ids = Text.assemble(("  ", f"on {item.colour}"), " ", item.id)
            for other_id in filter(None, shown):
                ids.append(f"\n   \u2192 {other_id}", style="dim")
            table.add_row(ids, _named(item.name, item.definition))
        out.print(table)
    for title, categories in (
        ("Frames (SemEval-2023 Task 3)", FRAME_INFO),
        ("Genres (SemEval-2023 Task 3)", GENRE_INFO),
    ):
        table = Table(title=title)
        table.add_column("id", no_wrap=True)
        table.add_column("name: what it covers", overflow="fold")
        for category in categories:
            table.add_row(category.id, _named(category.name, category.description))
        out.print(table)


def _named(name: str, text: str) -> Text:
    """A name in bold with its definition after it, in one column: beside the ids (never cut,
    up to 44 characters) two narrow columns folded words in two at 80 columns
    ("oversimplificati" / "on", "constitutiona" / "lity")."""
    return Text.assemble((name, "bold"), f": {text}")
