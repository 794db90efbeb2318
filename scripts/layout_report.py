"""Measure the code's layout: module sizes, long functions and routes, commit calls in routes,
import cycles among refurb modules. `.venv/bin/python scripts/layout_report.py [--cycles]`.
tests/test_layout.py asserts the parts that must hold (no import cycle)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "refurb"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every refurb module `name` imports, at module level or inside functions (a deferred
    import still ties the two modules together), TYPE_CHECKING blocks excepted."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name in known:
                        found.add(alias.name)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    candidate = f"{base}.{alias.name}"
                    if candidate in known:
                        found.add(candidate)
                    elif base in known:
                        found.add(base)
            visit(child)

    visit(tree)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _is_route(func: ast.FunctionDef) -> bool:
    for deco in func.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(target, ast.Attribute) and target.attr in {"route", "get", "post", "put",
                                                                  "patch", "delete"}:
            return True
    return False


def measure() -> dict:
    sizes, long_functions, long_routes, commits = {}, [], [], 0
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        sizes[name] = text.count("\n")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > 60:
                    long_functions.append((name, node.name, length))
                if _is_route(node):
                    if length > 25:
                        long_routes.append((name, node.name, length))
                    commits += sum(
                        1 for sub in ast.walk(node)
                        if isinstance(sub, ast.Attribute) and sub.attr in {"commit", "rollback"})
    largest = max(sizes.items(), key=lambda item: item[1])
    return {"largest": largest, "over_400": sorted((n, s) for n, s in sizes.items() if s > 400),
            "long_functions": long_functions, "long_routes": long_routes,
            "commit_calls_in_routes": commits, "cycles": cycles(import_graph())}


def main() -> None:
    figures = measure()
    print(f"largest module: {figures['largest'][0]} ({figures['largest'][1]} lines)")
    print(f"modules over 400 lines: {len(figures['over_400'])}")
    for name, size in figures["over_400"]:
        print(f"  {size:5d} {name}")
    print(f"functions over 60 lines: {len(figures['long_functions'])}")
    print(f"routes over 25 lines: {len(figures['long_routes'])}")
    if "-v" in sys.argv:
        for name, func, length in figures["long_routes"] + figures["long_functions"]:
            print(f"  {length:4d} {name}.{func}")
    print(f"commit/rollback calls in routes: {figures['commit_calls_in_routes']}")
    print(f"import cycles: {len(figures['cycles'])}")
    for component in figures["cycles"]:
        print("  " + " ↔ ".join(component))


if __name__ == "__main__":
    main()
