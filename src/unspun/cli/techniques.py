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
        table.add_column("id", no_wrap=True)  # ids are looked up and copied: never cut
        table.add_column(f"name ({other} id)")
        table.add_column("definition")
        for item in items:
            shown = ", ".join(semeval23_for(item.id)) if other == "SemEval-2023" else ptc14_for(item.id) or ""
            name = Text(item.name)
            if shown:
                name.append(f"\n{shown}", style="dim")
            table.add_row(Text.assemble(("  ", f"on {item.colour}"), " ", item.id), name, item.definition)
        out.print(table)
    for title, categories in (
        ("Frames (SemEval-2023 Task 3)", FRAME_INFO),
        ("Genres (SemEval-2023 Task 3)", GENRE_INFO),
    ):
        table = Table(title=title)
        table.add_column("id", no_wrap=True)
        table.add_column("name")
        table.add_column("what it covers")
        for category in categories:
            table.add_row(category.id, category.name, category.description)
        out.print(table)
