"""The import graph of a package, read from the AST of every module (nothing is imported or run).

Every `import` / `from ... import` counts, at any depth: a lazy import inside a function still loads
the module when the function runs. `if TYPE_CHECKING:` blocks do not count (they never run). Imports
written at module level (outside functions, classes' bodies included) are also kept apart: they are
what importing the module costs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Module:
    name: str
    path: Path
    imports: set[str] = field(default_factory=set)
    """Every module name it imports, absolute (our own and third-party), at any depth."""
    eager: set[str] = field(default_factory=set)
    """Those imported when the module itself is imported (module level, TYPE_CHECKING excluded)."""


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(node: ast.AST, eager: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement under `node`, with whether it runs when the module is imported."""
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        for stmt in node.orelse:
            yield from _statements(stmt, eager)
        return
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node, eager
        return
    inner = eager and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
    for child in ast.iter_child_nodes(node):
        yield from _statements(child, inner)


def _imports(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[str, bool]]:
    """(absolute module name, imported at module level) for every import statement."""
    package = module if is_package else module.rpartition(".")[0]
    for node, eager in _statements(tree, True):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, eager
            continue
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            anchor = parts[: len(parts) - (node.level - 1)]
            base = ".".join([*anchor, *([base] if base else [])])
        yield base, eager
        for alias in node.names:  # `from pkg import submodule`: maybe a module too
            yield f"{base}.{alias.name}", eager


def read_package(root: Path) -> dict[str, Module]:
    """Every module of the package in folder `root`, by dotted name, with what it imports."""
    modules: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        name = _module_name(root, path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        module = Module(name, path)
        for imported, eager in _imports(tree, name, path.name == "__init__.py"):
            module.imports.add(imported)
            if eager:
                module.eager.add(imported)
        modules[name] = module
    # `from pkg import name` where name is not a module is only `pkg`: keep our own names real.
    ours = set(modules)
    top = root.name
    for module in modules.values():
        for names in (module.imports, module.eager):
            names -= {n for n in names if n.split(".")[0] == top and n not in ours}
    return modules


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def top_level(name: str) -> str:
    return name.split(".")[0]


def reachable(modules: dict[str, Module], start: str, *, eager_only: bool) -> set[str]:
    """Every module name `start` imports, directly or through our own modules (importing a module runs
    its parent packages' __init__ too). Third-party names are reported, not followed."""
    seen: set[str] = set()
    todo = [start, *_parents(start)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        module = modules.get(name)
        if module is None:
            continue
        for imported in module.eager if eager_only else module.imports:
            if imported not in seen:
                todo.append(imported)
                todo.extend(p for p in _parents(imported) if p in modules)
    return seen - {start}


def importers(modules: dict[str, Module], package: str) -> set[str]:
    """Our modules that import third-party `package` (or one of its submodules) themselves."""
    return {m.name for m in modules.values() if any(top_level(i) == package for i in m.imports)}


def chain(modules: dict[str, Module], start: str, target: str, *, eager_only: bool = False) -> list[str]:
    """One import path from `start` to a module of top-level package `target` (for failure messages)."""
    paths: dict[str, list[str]] = {start: [start]}
    queue = [start, *(p for p in _parents(start) if p in modules)]
    for p in queue[1:]:
        paths[p] = [start, p]
    while queue:
        name = queue.pop(0)
        module = modules.get(name)
        if module is None:
            continue
        for imported in sorted(module.eager if eager_only else module.imports):
            if top_level(imported) == target:
                return [*paths[name], imported]
            if imported in modules and imported not in paths:
                paths[imported] = [*paths[name], imported]
                queue.append(imported)
    return []
