"""The import rules that keep the layout's dependencies pointing one way (read from the AST).

- the runtime (``pipeline/``, ``models/``, ``tasks/``, ``whosays/`` and the top-level library
  modules) never imports ``unspun.training``: training sits on top of the runtime and is an
  optional extra;
- the library never imports the CLI (``unspun.cli``): front-ends sit on top and nothing imports
  them (``docs.py`` is the one exception: it renders the CLI reference from the CLI itself);
- ``document`` and ``errors`` import nothing of ours but each other, ``document`` the serialiser
  that makes its records (``schema``, which imports only ``errors``) and the technique names;
- input is read in one package, ``readers/``, which sits under the analysis and every front-end
  (it imports none of them), and every front-end reads through its one dispatch
  (``readers.dispatch`` and the folder rule of ``readers.folder``), never a format module of its own
  choosing.

Imports inside functions count as much as those at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "unspun"


def _module_name(file: Path) -> str:
    parts = list(file.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(file: Path) -> set[str]:
    """Every ``unspun...`` module ``file`` imports, absolute or relative, anywhere in the file."""
    module = _module_name(file)
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "unspun" or name.startswith("unspun.")}


MODULES = {_module_name(f): _imports(f) for f in sorted(SRC.rglob("*.py"))}


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _offenders(importers: list[str], forbidden: str) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module in importers
        for name in MODULES[module]
        if _within(name, forbidden)
    )


def test_the_layout_test_sees_the_package() -> None:
    assert "unspun.tasks.ptc" in MODULES and "unspun.training.train_spans" in MODULES
    assert "unspun.tasks.ptc" in MODULES["unspun.training.train_spans"]


@pytest.mark.parametrize(
    "package",
    ["unspun.pipeline", "unspun.models", "unspun.tasks", "unspun.readers", "unspun.whosays", "unspun"],
)
def test_the_runtime_never_imports_training(package: str) -> None:
    if package == "unspun":  # the top-level library modules
        importers = [m for m in MODULES if m.count(".") == 1 or m == "unspun"]
        importers = [
            m for m in importers if not _within(m, "unspun.training") and not _within(m, "unspun.cli")
        ]
    else:
        importers = [m for m in MODULES if _within(m, package)]
    assert importers
    assert not _offenders(importers, "unspun.training")


def test_the_library_never_imports_the_cli() -> None:
    importers = [m for m in MODULES if not _within(m, "unspun.cli") and m != "unspun.docs"]
    assert not _offenders(importers, "unspun.cli")


def test_the_task_code_imports_neither_training_nor_front_ends() -> None:
    importers = [m for m in MODULES if _within(m, "unspun.tasks")]
    for front in ("unspun.training", "unspun.cli", "unspun.server", "unspun.scale", "unspun.store"):
        assert not _offenders(importers, front)


def test_document_and_errors_stand_alone() -> None:
    assert all(_within(n, "unspun.errors") for n in MODULES["unspun.schema"]), (
        "the serialiser imports errors only"
    )
    for module in ("unspun.document", "unspun.errors"):
        allowed = ("unspun.document", "unspun.errors", "unspun.schema", "unspun.techniques")
        others = {n for n in MODULES[module] if n != "unspun" and not any(_within(n, a) for a in allowed)}
        assert not others, f"{module} imports {sorted(others)}"


def test_the_readers_import_neither_the_analysis_nor_front_ends() -> None:
    importers = [m for m in MODULES if _within(m, "unspun.readers")]
    assert "unspun.readers.dispatch" in importers and "unspun.readers.folder" in importers
    for above in (
        "unspun.analysis",
        "unspun.pipeline",
        "unspun.models",
        "unspun.training",
        "unspun.cli",
        "unspun.server",
        "unspun.scale",
        "unspun.store",
    ):
        assert not _offenders(importers, above)


def test_input_is_read_in_the_readers_package_through_one_dispatch() -> None:
    """No reading module outside ``readers/`` (the eight top-level ones moved there), and no
    front-end picks a format by itself: feeds, pages and URLs are read through the dispatch, so
    that ``analyze``, ``ingest``, the server and the batch engine read every kind the same way."""
    top_level = [m for m in MODULES if m.count(".") == 1]
    assert not [m for m in top_level if m.startswith("unspun.input_") or m == "unspun.read_report"]
    outside = [m for m in MODULES if not _within(m, "unspun.readers")]
    for format_module in ("unspun.readers.feed", "unspun.readers.html", "unspun.readers.url"):
        assert not _offenders(outside, format_module)
    assert "unspun.reader" not in MODULES  # the old single module, gone
