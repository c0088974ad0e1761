"""Docs that cannot drift: the generated references match the code, and the README's claims hold."""

from __future__ import annotations

from pathlib import Path

from unspun.docs import cli_reference, command_paths, configuration_reference

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == cli_reference(), "run: python scripts/generate_docs.py"


def test_configuration_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == configuration_reference(), "run: python scripts/generate_docs.py"


def test_every_command_is_in_the_reference_and_readme() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in command_paths():
        assert f"## unspun {path}\n" in reference
        assert f"unspun {path}" in readme, f"README does not mention `unspun {path}`"


def test_readme_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1 : lines.index("```bash") + 3]
    assert "unspun analyze examples/sample-article.txt" in block[0]
    assert "pytest" in block[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1].split("&& ")[-1] in ci, "the README's test command is what CI runs"
