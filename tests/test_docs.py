"""Docs that cannot drift: the generated references match the code, and the README's claims hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspun.docs import (
    Figure,
    cli_reference,
    command_paths,
    configuration_reference,
    figures_table,
    with_figures,
)

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


def test_readme_figures_are_the_reports() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = figures_table(ROOT / "reports")
    assert readme == with_figures(readme, table), "run: python scripts/generate_docs.py"


def test_figures_table_reads_each_number_from_its_report(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"cv": {"f1": 0.6004, "model@0.45": 2}}))
    (tmp_path / "b.json").write_text(json.dumps({"majority": 0.25}))
    row = Figure(
        "F1 over {n} folds",
        "{f1:.3f}",
        {
            "f1": ("a.json", ("cv", "f1")),
            "n": ("a.json", ("cv", "model@0.45")),
            "base": ("b.json", ("majority",)),
        },
        "majority {base:.2f}",
    )
    table = figures_table(tmp_path, [row])
    assert table.splitlines()[2] == (
        "| F1 over 2 folds | 0.600 | majority 0.25 | `reports/a.json`, `reports/b.json` |"
    )
    (tmp_path / "a.json").write_text(json.dumps({"cv": {"f1": 0.7, "model@0.45": 2}}))
    assert "| 0.700 |" in figures_table(tmp_path, [row])
    (tmp_path / "b.json").write_text(json.dumps({"other": 0.25}))
    with pytest.raises(KeyError, match="b.json has no key majority"):
        figures_table(tmp_path, [row])


def test_with_figures_replaces_only_between_the_markers() -> None:
    readme = "top\n<!-- figures:start -->\nold\n<!-- figures:end -->\nbottom\n"
    assert with_figures(readme, "| new |\n") == (
        "top\n<!-- figures:start -->\n| new |\n<!-- figures:end -->\nbottom\n"
    )
    with pytest.raises(ValueError, match="figures:start"):
        with_figures("no markers\n", "| new |\n")


def test_readme_reader_call_with_a_run_report_runs(tmp_path: Path) -> None:
    # The README said "a RunReport passed as its on_error / on_skip handlers": passing the report
    # raised TypeError. The call it writes now is run here as written.
    import re

    from unspun.readers.dispatch import iter_articles
    from unspun.runner import RunReport

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    calls = re.findall(r"`(iter_articles\(path, [^`]*report\.[^`]*\))`", readme)
    assert calls, "the README shows iter_articles(path, ...) with a RunReport's handlers"
    (tmp_path / "a.txt").write_text("The council met on Tuesday and approved the budget.\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "sub").mkdir()
    for call in calls:
        report = RunReport()
        read = list(eval(call, {"iter_articles": iter_articles, "path": str(tmp_path), "report": report}))
        assert [Path(a.source_path).name for a in read if a.source_path] == ["a.txt"]
        assert [f.where for f in report.unread] == [str(tmp_path / "empty.txt")], report.failures
        assert [s.where for s in report.skips] == [str(tmp_path / "sub")]
