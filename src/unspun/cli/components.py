"""``unspun components``: list the registered pipeline components."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from unspun.cli.common import TextOrJson, out, write


def components(
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """List the registered pipeline components (built-in and installed plugins): what each needs,
    what it writes, and its place in the default pipeline. Add one by name with the
    extra_components setting."""
    from rich.table import Table

    from unspun.analysis import describe_components

    rows = describe_components()
    if format is TextOrJson.json:
        write(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title="Registered components and their place in the default pipeline")
    table.add_column("name", no_wrap=True)  # names are copied into configs: never cut
    # Nothing cut with an ellipsis in an 80-column terminal ("attributio…", "in unspun.Who…"): a
    # field name is never folded, and a part of a component is shown by that component's place.
    table.add_column("needs", min_width=13, overflow="fold")
    table.add_column("writes", min_width=13, overflow="fold")
    table.add_column("place", overflow="fold")
    places = {row["name"]: row["default"] for row in rows}
    for row in rows:
        place = f"#{row['default']}" if row["default"] is not None else ""
        if row["part_of"]:
            place = f"in #{places[row['part_of']]}" if places.get(row["part_of"]) else f"in {row['part_of']}"
        table.add_row(row["name"], ", ".join(row["needs"]), ", ".join(row["writes"]), place)
    out.print(table)
