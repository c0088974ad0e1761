"""Regenerate docs/cli.md (from every command's --help), docs/configuration.md (from the settings)
and the README's table of measured figures (from reports/*.json).

Run ``python scripts/generate_docs.py`` after changing a command, a setting or a report;
``tests/test_docs.py`` fails while the committed files differ from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from unspun.docs import cli_reference, configuration_reference, figures_table, with_figures

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    (DOCS / "cli.md").write_text(cli_reference(), encoding="utf-8")
    (DOCS / "configuration.md").write_text(configuration_reference(), encoding="utf-8")
    readme = ROOT / "README.md"
    table = figures_table(ROOT / "reports")
    readme.write_text(with_figures(readme.read_text(encoding="utf-8"), table), encoding="utf-8")
    print(f"wrote {DOCS / 'cli.md'}, {DOCS / 'configuration.md'} and the figures in {readme}")
