"""The import graph of ``src/unspun``: no circles, and layers that point one way.

The graph is read from the AST of every module: every ``import`` and ``from ... import`` at any
depth (inside functions and ``if TYPE_CHECKING:`` blocks too), an edge to the module a statement
names (``from unspun.x import y`` reaches ``unspun.x.y`` when that is a module, else ``unspun.x``).

- no circle between modules, and none between the top-level parts (``unspun.store``,
  ``unspun.render``, ...), but the ones listed below with the reason they are still there;
- the library below the front-ends (``models/``, ``pipeline/``, ``tasks/``, ``readers/``,
  ``whosays/`` and the top-level modules) never imports the CLI, the server, the batch engine
  (``scale``), the store or training code;
- above it, the store sits under the server, the batch engine and the CLI; training is read only
  by the CLI; the server and the batch engine do not read each other.

``whosays/`` holds the runtime of who-says-what only (its corpora and scorers moved to ``tasks/``,
its training and test-set prediction to ``training/``): its modules are listed here, so that a
new one is placed on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "unspun"


def _module_name(file: Path) -> str:
    parts = list(file.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


FILES = {_module_name(f): f for f in sorted(SRC.rglob("*.py"))}


def _owner(name: str) -> str | None:
    """The module ``name`` is or lies in (``unspun.x.attr`` -> ``unspun.x``), None outside ours."""
    while name and name not in FILES:
        name = name.rpartition(".")[0]
    return name or None


def _edges(module: str) -> dict[str, int]:
    """The modules of ours that ``module`` imports, each with the line of its first import."""
    file = FILES[module]
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in FILES else base for alias in node.names
            ]
        for name in names:
            target = _owner(name) if name == "unspun" or name.startswith("unspun.") else None
            if target is not None and target != module:
                found.setdefault(target, node.lineno)
    return found


GRAPH = {module: _edges(module) for module in FILES}


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected parts of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.add(member)
                    if member == node:
                        break
                if len(part) > 1:
                    found.append(frozenset(part))
    return found


def _describe(part: frozenset[str], graph: dict[str, dict[str, int]]) -> str:
    return "; ".join(
        f"{a} -> {b}" + (f" (line {graph[a][b]})" if graph[a][b] else "")
        for a in sorted(part)
        for b in sorted(graph[a])
        if b in part
    )


# Circles still there, each with why it is not broken yet. A circle broken must leave this list.
KNOWN_MODULE_CIRCLES: dict[frozenset[str], str] = {}
KNOWN_PART_CIRCLES: dict[frozenset[str], str] = {}
# Imports from the library into what sits above it, still there.
KNOWN_HOLES: set[str] = set()


def test_the_graph_sees_every_kind_of_import() -> None:
    assert "unspun.schema" in GRAPH["unspun.document"]  # a top-level from-import
    assert "unspun.whosays.heads" in GRAPH["unspun.pipeline.claims"]
    assert "unspun.techniques" in GRAPH["unspun.document"]  # an import inside a function
    assert "unspun.cli" in GRAPH["unspun.docs"]  # `from unspun.cli import app`: the package
    assert len(GRAPH) > 150


def test_no_import_circles_between_modules() -> None:
    graph = {module: set(edges) for module, edges in GRAPH.items()}
    found = _circles(graph)
    new = [_describe(part, GRAPH) for part in found if part not in KNOWN_MODULE_CIRCLES]
    assert not new, "import circles:\n" + "\n".join(new)
    gone = [sorted(part) for part in KNOWN_MODULE_CIRCLES if part not in found]
    assert not gone, f"no longer circles, take them off KNOWN_MODULE_CIRCLES: {gone}"


def _part(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _part_graph() -> dict[str, dict[str, int]]:
    graph: dict[str, dict[str, int]] = {}
    for module, edges in GRAPH.items():
        for target in edges:
            a, b = _part(module), _part(target)
            # the package __init__ re-exports the public API from the parts below it
            if a != b and "unspun" not in (a, b):
                graph.setdefault(a, {}).setdefault(b, 0)
                graph.setdefault(b, {})
    return graph


def test_no_import_circles_between_top_level_parts() -> None:
    lines = _part_graph()
    found = _circles({part: set(edges) for part, edges in lines.items()})
    new = [_describe(part, lines) for part in found if part not in KNOWN_PART_CIRCLES]
    assert not new, "import circles between parts:\n" + "\n".join(new)
    gone = [sorted(part) for part in KNOWN_PART_CIRCLES if part not in found]
    assert not gone, f"no longer circles, take them off KNOWN_PART_CIRCLES: {gone}"


WHOSAYS_RUNTIME = {
    "attribution_model",
    "attribution_rules",
    "content_ranker",
    "content_span",
    "boundary",
    "casting",
    "cue",
    "cue_context",
    "cue_span",
    "encoding",
    "gender",
    "headline",
    "heads",
    "interview",
    "introduced",
    "parsing",
    "quotation",
    "quoted",
    "sentiment",
    "shown",
    "speech",
    "stance",
}
LIBRARY = ("unspun.models", "unspun.pipeline", "unspun.tasks", "unspun.readers", "unspun.whosays")
FRONT_ENDS = ("unspun.cli", "unspun.server", "unspun.scale", "unspun.store", "unspun.training")


def test_every_package_has_a_place_in_the_layers() -> None:
    """A new package is placed on purpose: in the library or among the parts on top of it."""
    packages = {m for m, file in FILES.items() if file.name == "__init__.py" and m.count(".") == 1}
    assert packages == set(LIBRARY) | set(FRONT_ENDS)


def _whosays(names: set[str]) -> set[str]:
    return {f"unspun.whosays.{name}" for name in names}


def test_every_whosays_module_is_runtime() -> None:
    placed = _whosays(WHOSAYS_RUNTIME)
    modules = {m for m in GRAPH if _within(m, "unspun.whosays") and m != "unspun.whosays"}
    assert modules == placed


def _above_the_library(name: str) -> bool:
    return any(_within(name, front) for front in FRONT_ENDS)


def test_the_library_never_imports_front_ends_store_or_training() -> None:
    library = [
        m
        for m in GRAPH
        if any(_within(m, p) for p in LIBRARY if p != "unspun.whosays")
        or m in _whosays(WHOSAYS_RUNTIME)
        # the top-level modules (docs renders the CLI reference from the CLI)
        or (m.count(".") == 1 and FILES[m].name != "__init__.py" and m != "unspun.docs")
        or m == "unspun"
    ]
    assert {"unspun.document", "unspun.schema", "unspun.pipeline.attribution", "unspun.readers"} <= set(
        library
    )
    holes = {
        f"{module} imports {target}"
        for module in library
        for target in GRAPH[module]
        if _above_the_library(target)
    }
    assert not holes - KNOWN_HOLES, "\n".join(sorted(holes - KNOWN_HOLES))
    assert not KNOWN_HOLES - holes, f"fixed, take them off KNOWN_HOLES: {sorted(KNOWN_HOLES - holes)}"


def test_the_whosays_runtime_never_imports_the_pipeline() -> None:
    """The pipeline's parts read the runtime modules of whosays/, which sit below them."""
    holes = sorted(
        f"{module}:{line} imports {target}"
        for module in _whosays(WHOSAYS_RUNTIME)
        for target, line in GRAPH[module].items()
        if _within(target, "unspun.pipeline") or _within(target, "unspun.analysis")
    )
    assert not holes, "\n".join(holes)


@pytest.mark.parametrize(
    ("part", "above"),
    [
        ("unspun.store", ("unspun.cli", "unspun.server", "unspun.scale", "unspun.training")),
        ("unspun.training", ("unspun.cli", "unspun.server", "unspun.scale", "unspun.store")),
        ("unspun.server", ("unspun.cli", "unspun.scale", "unspun.training")),
        ("unspun.scale", ("unspun.cli", "unspun.server", "unspun.training")),
    ],
)
def test_the_parts_on_top_point_one_way(part: str, above: tuple[str, ...]) -> None:
    """The store sits under the server, the batch engine and the CLI; training beside them, read
    only by the CLI; the server and the batch engine do not read each other; only the CLI is on top."""
    importers = [m for m in GRAPH if _within(m, part)]
    assert importers
    holes = sorted(
        f"{module}:{line} imports {target}"
        for module in importers
        for target, line in GRAPH[module].items()
        if any(_within(target, a) for a in above)
    )
    assert not holes, "\n".join(holes)
