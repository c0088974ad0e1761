"""``unspun schema``: print the JSON Schema of ``unspun analyze --format json``."""

from __future__ import annotations

import json

from unspun.cli.common import write


def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of one analysis as ``unspun analyze --format json``
    writes it (a folder or JSONL input gives a list of these)."""
    from unspun.document import json_schema

    write(json.dumps(json_schema(), ensure_ascii=False, indent=2))
