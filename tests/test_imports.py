"""The package's modules import one another without a circle.

Every import statement counts, wherever it stands: at the top, inside a function (a deferred
import hides a circle, it does not break one) or under `if TYPE_CHECKING:`. `from a.b import c`
is an edge to the module a.b.c when c is a module, else to a.b. The parent packages Python runs
first are not edges: a package's __init__ importing its own modules is not a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ladder_sheets

PACKAGE = Path(ladder_sheets.__file__).resolve().parent


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that `name` (at `path`) imports anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in known else base)
    out = set()
    for target in targets:
        while target and target not in known:  # `import a.b.c` of a name inside a module
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)
    return out


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each as one circle path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(_path(sorted(group), edges))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _path(group: list[str], edges: dict[str, set[str]]) -> list[str]:
    """One circle through the group's first module, for the failure message."""
    start, members = group[0], set(group)
    trail = [start]
    seen = {start}
    while True:
        nxt = sorted(edges[trail[-1]] & members)
        if start in nxt and len(trail) > 1:
            return [*trail, start]
        step = next((m for m in nxt if m not in seen), None)
        if step is None:
            return [*trail, "..."]
        trail.append(step)
        seen.add(step)


def test_no_import_circle():
    known = modules()
    edges = {name: imported(name, path, known) for name, path in known.items()}
    found = circles(edges)
    assert not found, "import circles (move the shared part to a module both can import):\n" + (
        "\n".join(" -> ".join(c) for c in found)
    )


def test_the_walk_sees_function_level_and_type_checking_imports(tmp_path: Path):
    """The checker itself: a circle hidden in a function or under TYPE_CHECKING is found."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from pkg.b import g\n    return g\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n"
    )
    (pkg / "c.py").write_text("from pkg import a\n")
    known = {
        "pkg": pkg / "__init__.py",
        "pkg.a": pkg / "a.py",
        "pkg.b": pkg / "b.py",
        "pkg.c": pkg / "c.py",
    }
    edges = {name: imported(name, path, known) for name, path in known.items()}
    assert edges == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}, "pkg.c": {"pkg.a"}}
    assert circles(edges) == [["pkg.a", "pkg.b", "pkg.a"]]
