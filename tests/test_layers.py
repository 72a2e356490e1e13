"""The grader is built as floors: no module imports one above its floor, and no modules import each other in a circle.

The floors are the numbered list in ``grader/__init__.py``'s docstring; this
test reads it, reads every import of every module with ``ast`` (module level,
inside functions and under ``TYPE_CHECKING`` alike: a lazy import is still a
dependency), and fails on:

- a module that no floor lists (place a new module when it is written);
- an import of a module on a higher floor;
- a circle of imports, on one floor or across floors;
- an import of the grader from the reference implementations.

Nothing is imported or run: the checker works on source text, so it also
checks a tree that would not import.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_FLOOR = re.compile(r"^(\d+)\. \*\*(\w+)\*\* -- (.*)$")


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int


def module_names(package_folder: Path) -> dict[str, Path]:
    """Every module of the package in ``package_folder``, by dotted name (a package by its own name)."""
    base = package_folder.parent
    modules = {}
    for path in sorted(package_folder.rglob("*.py")):
        parts = list(path.relative_to(base).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imports_of(name: str, path: Path, known: set[str]) -> list[Import]:
    """What the module ``name`` at ``path`` imports of the ``known`` modules, wherever the import statement is."""
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            # ``from grader.sandbox import Limits`` imports the package; ``from grader.sandbox import sandbox``
            # imports the package too (its __init__ runs first) and then the module.
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
        for target in targets:
            # ``import grader.sandbox.wire`` depends on the deepest module named that exists.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.append(Import(name, target, node.lineno))
    return found


def import_graph(package_folder: Path) -> tuple[dict[str, Path], list[Import]]:
    modules = module_names(package_folder)
    known = set(modules)
    return modules, [found for name, path in modules.items() for found in imports_of(name, path, known)]


def circles(modules: set[str], imports: list[Import]) -> list[list[str]]:
    """The groups of modules that import each other in a circle (strongly connected components of two or more)."""
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for found in imports:
        edges[found.importer].add(found.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(start: str) -> None:
        # Tarjan's algorithm, iterative so that a long chain cannot overflow the recursion limit.
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(edges[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))

    for name in sorted(edges):
        if name not in index:
            visit(name)
    return groups


def floors_from_docstring(package_init: Path) -> dict[str, tuple[int, str]]:
    """``grader.<name>`` -> (floor number, floor name), from the numbered list of the package's docstring."""
    docstring = ast.get_docstring(ast.parse(package_init.read_text(encoding="utf-8"))) or ""
    package = package_init.parent.name
    floors: dict[str, tuple[int, str]] = {}
    current: tuple[int, str] | None = None
    for line in docstring.splitlines():
        match = _FLOOR.match(line.strip())
        if match:
            current = (int(match.group(1)), match.group(2))
            text = match.group(3)
        elif current is not None and line.startswith("   ") and line.strip():
            text = line
        else:
            current = None
            continue
        for name in re.findall(r"``(\w+)``", text):
            dotted = package if name == package else f"{package}.{name}"
            assert dotted not in floors, f"{dotted} is listed on two floors"
            floors[dotted] = current
    return floors


def floor_of(module: str, floors: dict[str, tuple[int, str]]) -> tuple[int, str] | None:
    """A module's floor: its own entry, or that of the nearest package that holds it.

    The top package (``grader``) stands for its own ``__init__`` only, never for the modules under it.
    """
    if module in floors:
        return floors[module]
    parts = module.split(".")
    for end in range(len(parts) - 1, 1, -1):
        package = ".".join(parts[:end])
        if package in floors:
            return floors[package]
    return None


def layering_problems(package_folder: Path) -> list[str]:
    """Every breach of the floors of the package in ``package_folder``, as sentences; empty when it is layered."""
    modules, imports = import_graph(package_folder)
    floors = floors_from_docstring(package_folder / "__init__.py")
    problems = []
    if not floors:
        return [f"{package_folder / '__init__.py'} lists no floors"]
    for name in sorted(modules):
        if floor_of(name, floors) is None:
            problems.append(f"{name} is on no floor: list it (or its package) in {package_folder.name}/__init__.py")
    for listed in sorted(floors):
        if listed not in modules:
            problems.append(f"the floors list {listed}, which is not a module")
    for found in imports:
        mine, theirs = floor_of(found.importer, floors), floor_of(found.imported, floors)
        if mine is not None and theirs is not None and theirs[0] > mine[0]:
            where = modules[found.importer].relative_to(package_folder.parent)
            problems.append(
                f"{where}:{found.line}: {found.importer} (floor {mine[0]}, {mine[1]}) imports "
                f"{found.imported} (floor {theirs[0]}, {theirs[1]}), a floor above it"
            )
    for group in circles(set(modules), imports):
        problems.append(f"these modules import each other in a circle: {', '.join(group)}")
    return problems


# -- the project ------------------------------------------------------------------------------


def test_the_grader_keeps_to_its_floors():
    problems = layering_problems(ROOT / "grader")
    assert not problems, "\n".join(problems)


def test_every_floor_holds_a_module_and_the_floors_are_numbered_in_order():
    floors = floors_from_docstring(ROOT / "grader" / "__init__.py")
    numbers = sorted({number for number, _ in floors.values()})
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 8


def test_the_readme_names_the_floors_the_grader_keeps():
    floors = floors_from_docstring(ROOT / "grader" / "__init__.py")
    names = [name for _, name in sorted(set(floors.values()))]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"^Floors, from the bottom up: (.*)$", readme, re.MULTILINE)
    assert listed, "the README's author part lists the floors on a line 'Floors, from the bottom up: ...'"
    assert re.findall(r"\*\*(\w+)\*\*", listed.group(1)) == names


def test_the_references_import_nothing_of_the_grader():
    modules = module_names(ROOT / "reference")
    offending = []
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            imported = []
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                imported = [node.module or ""]
            offending += [f"{name}:{node.lineno} imports {target}" for target in imported if target.split(".")[0] == "grader"]
    assert not offending, "\n".join(offending)


# -- the checker itself -----------------------------------------------------------------------


def _package(folder: Path, floors: str, files: dict[str, str]) -> Path:
    package = folder / "pkg"
    for relative, text in {"__init__.py": f'"""A package.\n\n{floors}\n"""\n', **files}.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


FLOORS = "1. **low** -- ``base``, ``sub``:\n   the bottom.\n2. **high** -- ``top``, ``pkg``: the top."


def test_a_layered_package_has_no_problems(tmp_path):
    package = _package(
        tmp_path,
        FLOORS,
        {
            "base.py": "import os\n",
            "sub/__init__.py": "from pkg.sub.leaf import x\n",
            "sub/leaf.py": "import pkg.base\nx = 1\n",
            "top.py": "from pkg.sub import x\nfrom . import base\n",
        },
    )
    assert layering_problems(package) == []


def test_the_checker_finds_an_upward_import_even_inside_a_function(tmp_path):
    package = _package(
        tmp_path,
        FLOORS,
        {"base.py": "def f():\n    from pkg.top import g\n", "sub/__init__.py": "", "top.py": "def g(): pass\n"},
    )
    (problem,) = layering_problems(package)
    assert problem.startswith("pkg/base.py:2: pkg.base (floor 1, low) imports pkg.top (floor 2, high)")


def test_the_checker_finds_a_circle_on_one_floor_and_a_module_on_no_floor(tmp_path):
    package = _package(
        tmp_path,
        FLOORS,
        {
            "base.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub.leaf import x\n",
            "sub/__init__.py": "",
            "sub/leaf.py": "import pkg.base\nx = 1\n",
            "top.py": "",
            "stray.py": "",
        },
    )
    problems = layering_problems(package)
    assert "pkg.stray is on no floor: list it (or its package) in pkg/__init__.py" in problems
    assert "these modules import each other in a circle: pkg.base, pkg.sub.leaf" in problems
    assert len(problems) == 2


@pytest.mark.parametrize("statement", ["import pkg.top", "from pkg import top", "from pkg.top import g", "from .top import g"])
def test_every_spelling_of_an_import_is_seen(tmp_path, statement):
    package = _package(tmp_path, FLOORS, {"base.py": statement + "\n", "sub/__init__.py": "", "top.py": "g = 1\n"})
    problems = layering_problems(package)
    # ``from pkg import top`` also runs pkg's own __init__, a floor above: that is reported as well.
    assert any("imports pkg.top (floor 2, high)" in problem for problem in problems), problems


def test_importing_a_sibling_through_its_package_counts_the_package(tmp_path):
    """``from pkg.sub import leaf`` runs pkg/sub/__init__.py, which here imports the importer: a circle."""
    package = _package(
        tmp_path,
        FLOORS,
        {
            "base.py": "",
            "sub/__init__.py": "from pkg.sub.leaf import x\n",
            "sub/leaf.py": "x = 1\n",
            "sub/other.py": "from pkg.sub import leaf\n",
            "top.py": "",
        },
    )
    assert layering_problems(package) == []
    (package / "sub" / "__init__.py").write_text("from pkg.sub.leaf import x\nfrom pkg.sub.other import y\n")
    (package / "sub" / "other.py").write_text("from pkg.sub import leaf\ny = leaf.x\n")
    assert layering_problems(package) == ["these modules import each other in a circle: pkg.sub, pkg.sub.other"]
