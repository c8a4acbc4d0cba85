"""The package's layer order (docs/architecture.md, "Layers") and its size limit, held against
the code: every import, module-level or inside a function, must point down or sideways, no two
modules may import each other in a circle, and no module may grow past 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import session_tracker

PACKAGE = Path(session_tracker.__file__).parent

#: Bottom to top. A module may import modules of its own layer or of a lower one.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__init__", "errors", "output"),
    ("git",),
    ("core",),
    ("metrics", "plan", "workflow"),
    ("documents",),
    ("enforce", "agents"),
    ("commands",),
    ("importers",),
    ("views",),
    ("cli", "mcp", "hooks", "web"),
    ("entry", "__main__"),
)
MAX_LINES = 400


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    for number, names in enumerate(LAYERS):
        if top in names:
            return number
    raise AssertionError(f"{module}: its top-level name {top!r} is in no layer; add it to LAYERS and docs/architecture.md")


def _name(path: Path) -> str:
    parts = ["session_tracker", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every session_tracker module ``path`` imports (``from X import y`` counts ``X.y`` when
    that is a module, else ``X``)."""
    module = _name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("session_tracker"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("session_tracker"):
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return {m for m in found if m in MODULES and m != module}


FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = {_name(p) for p in FILES}
GRAPH = {_name(p): _imports(p) for p in FILES}


def upward(graph: dict[str, set[str]]) -> list[str]:
    """The imports of ``graph`` (module -> modules it imports) that run up a layer."""
    return [f"{m} (layer {_layer(m)}) imports {d} (layer {_layer(d)})"
            for m, deps in sorted(graph.items()) for d in sorted(deps) if _layer(d) > _layer(m)]


def test_every_import_points_down_or_sideways() -> None:
    found = upward(GRAPH)
    assert not found, "imports that run up a layer:\n" + "\n".join(found)


def test_no_module_imports_itself_through_others() -> None:
    # Tarjan's strongly connected components: any component of two or more modules is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in GRAPH[node]:
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert not circles, "import circles: " + "; ".join(" <-> ".join(c) for c in circles)


def test_no_module_is_over_the_size_limit() -> None:
    big = [f"{p.relative_to(PACKAGE)}: {n} lines" for p in FILES
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not big, f"modules over {MAX_LINES} lines (split them by concern):\n" + "\n".join(big)


def test_the_checker_reports_an_upward_import_and_reads_function_level_imports() -> None:
    assert upward({"session_tracker.core.model": {"session_tracker.cli"}}) == [
        "session_tracker.core.model (layer 2) imports session_tracker.cli (layer 9)"]
    assert upward({"session_tracker.cli": {"session_tracker.core.model"}}) == []
    # entry imports the CLI only inside a function (the fast path): it must still be seen.
    assert "session_tracker.cli" in GRAPH["session_tracker.entry"]
