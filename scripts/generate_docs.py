"""Regenerate docs/cli.md (from every command's --help) and docs/configuration.md (from the settings).

Run ``python scripts/generate_docs.py`` after changing a command or a setting;
``tests/test_docs.py`` fails while the committed files differ from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from unspun.docs import cli_reference, configuration_reference

DOCS = Path(__file__).resolve().parents[1] / "docs"

if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    (DOCS / "cli.md").write_text(cli_reference(), encoding="utf-8")
    (DOCS / "configuration.md").write_text(configuration_reference(), encoding="utf-8")
    print(f"wrote {DOCS / 'cli.md'} and {DOCS / 'configuration.md'}")
