"""``unspun techniques``: list the technique taxonomies and the frames."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.text import Text

from unspun.cli.common import TextOrJson, out, write


def techniques(
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """List the technique taxonomies (PTC-14, SemEval-2023) and the frames, with definitions."""
    from dataclasses import asdict

    from rich.table import Table

    from unspun.techniques import FRAMES, PTC14, SEMEVAL23

    if format is TextOrJson.json:
        taxonomies = {"ptc14": [asdict(t) for t in PTC14], "semeval2023": [asdict(t) for t in SEMEVAL23]}
        write(json.dumps({**taxonomies, "frames": FRAMES}, ensure_ascii=False, indent=2))
        return
    for title, items in (("PTC-14 (SemEval-2020 Task 11)", PTC14), ("SemEval-2023 Task 3 (23)", SEMEVAL23)):
        table = Table(title=title)
        table.add_column("label", overflow="fold")
        table.add_column("definition")
        for item in items:
            table.add_row(Text.assemble(("  ", f"on {item.colour}"), " ", item.label), item.definition)
        out.print(table)
    frames = Table(title="Frames (SemEval-2023 Task 3)")
    frames.add_column("frame", overflow="fold")
    frames.add_column("what it covers")
    for name, description in FRAMES.items():
        frames.add_row(name, description)
    out.print(frames)
