"""A digest of the project code behind a module: cached outputs made by older code are told apart.

A cache keyed by its inputs alone (texts, model files) keeps serving what an older decoder made
after the decoder changed. :func:`code_digest` hashes the source of a module and of every
``unspun`` module it imports, directly or through others, so a key that includes it changes
whenever any of that code does (and only then: a change elsewhere in the project leaves it).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from functools import cache
from pathlib import Path

PACKAGE = "unspun"


def _source_path(module: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):  # a name inside a module ("unspun.document.Span")
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def _imported(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """The ``unspun`` modules ``tree`` (the source of ``module``) imports, at any depth of it."""
    base = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                origin = f"{parent}.{node.module}" if node.module else parent
            else:
                origin = node.module or ""
            found.add(origin)
            found.update(f"{origin}.{alias.name}" for alias in node.names)  # submodules by name
    return {name for name in found if name == PACKAGE or name.startswith(PACKAGE + ".")}


def project_modules(module: str) -> list[str]:
    """``module`` and the ``unspun`` modules it imports, transitively, sorted by name."""
    seen: set[str] = set()
    waiting = [module]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        path = _source_path(name)
        if path is None:  # a name imported from a module, not a module
            continue
        seen.add(name)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        waiting.extend(_imported(tree, name, path.name == "__init__.py") - seen)
    return sorted(seen)


@cache
def code_digest(module: str) -> str:
    """16 hex characters over the source of ``module`` and of the project code it imports."""
    h = hashlib.sha256()
    for name in project_modules(module):
        path = _source_path(name)
        assert path is not None  # project_modules keeps only modules with a source file
        h.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]
