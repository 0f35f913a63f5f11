"""House checks: the shape of the package, checked on every run.

Each check is a small function over plain data (an import graph, a list of files, a set of
names) run once on the real package and once on a planted case it must catch, so that none
of them can pass by being blind. Allow-lists name each exception and why it is there.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.metadata
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import matchcore as mc

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "matchcore"

# -- the module import graph -----------------------------------------------------------------


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_imports(tree: ast.AST) -> Iterable[ast.Import | ast.ImportFrom]:
    """Every import statement that runs, at any depth (in functions too: an import deferred
    into a function still ties the two modules together), except under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                stack.extend(child.orelse)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child
            stack.append(child)


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports (``from p import m`` counts as p.m when
    m is a module, else as p)."""
    files = {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        out: set[str] = set()
        is_pkg = path.name == "__init__.py"
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:  # relative import
                    anchor = name.split(".")
                    anchor = anchor[: len(anchor) - node.level + (1 if is_pkg else 0)]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names
                ]
            for t in targets:
                while t and t not in files:  # a name inside a module: the module
                    t = t.rpartition(".")[0]
                if not t or t == name or not (t == package or t.startswith(package + ".")):
                    continue
                out.add(t)
                # Importing a.b.c runs the package a.b first, unless the importer is inside it
                # (then a.b is already running): a circle through a package's __init__ is real.
                parent = t.rpartition(".")[0]
                while parent and parent != package:
                    if not (name == parent or name.startswith(parent + ".")):
                        out.add(parent)
                    parent = parent.rpartition(".")[0]
        graph[name] = out
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The import circles of ``graph``: one closed path (first module repeated at the end)
    through each strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(_closed_path(graph, set(comp)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _closed_path(graph: Mapping[str, Iterable[str]], comp: set[str]) -> list[str]:
    """A shortest path from the first module of ``comp`` back to itself (breadth first)."""
    start = min(comp)
    prev: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph.get(v, ())):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return [start, *reversed(path[:-1]), start] if v != start else [start, start]
                if w in comp and w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"not a cycle: {sorted(comp)}")  # pragma: no cover


#: Import circles that are being taken apart on other branches, each a list of module patterns
#: (fnmatch) all of whose members the circle must lie within. The lead removes an entry when the
#: branch that breaks it is merged.
ALLOWED_CYCLES: dict[str, tuple[str, ...]] = {}


def _allowed(cycle: list[str]) -> bool:
    return any(
        all(any(fnmatch.fnmatchcase(m, p) for p in patterns) for m in cycle)
        for patterns in ALLOWED_CYCLES.values()
    )


def test_no_import_circles():
    found = [c for c in cycles(import_graph(ROOT, "matchcore")) if not _allowed(c)]
    assert not found, "import circles: " + "; ".join(" -> ".join(c) for c in found)


def test_cycle_finder_names_a_planted_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e2"}, "e2": {"e"}}
    assert cycles(graph) == [["a", "b", "c", "a"], ["e", "e2", "e"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_import_graph_sees_imports_inside_functions_and_skips_type_checking(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "_a.py").write_text("from pkg._b import f\n")
    (pkg / "_b.py").write_text("def f():\n    from pkg import _c\n    return _c\n")
    (pkg / "_c.py").write_text("def g():\n    from ._a import f\n")
    (pkg / "_d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg._a import f\n"
    )
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg._d"] == set()
    assert cycles(graph) == [["pkg._a", "pkg._b", "pkg._c", "pkg._a"]]
    assert not _allowed(["pkg._a", "pkg._b", "pkg._c"])


def test_import_graph_sees_a_circle_through_a_package_init(tmp_path):
    # pkg.a imports pkg.sub._y, which runs pkg/sub/__init__.py first; that imports pkg.sub._z,
    # which imports pkg.a: a circle no single import line shows (as assign -> synth was).
    for rel, text in {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.sub._y import f\n",
        "pkg/sub/__init__.py": "from pkg.sub._z import g\n",
        "pkg/sub/_y.py": "def f():\n    return 1\n",
        "pkg/sub/_z.py": "from pkg.a import f\ng = f\n",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert cycles(import_graph(tmp_path, "pkg")) == [["pkg.a", "pkg.sub", "pkg.sub._z", "pkg.a"]]
    # inside the package its own __init__ is already running: no circle
    (tmp_path / "pkg/sub/_z.py").write_text("from pkg.sub._y import f\ng = f\n")
    assert cycles(import_graph(tmp_path, "pkg")) == []


# -- module size --------------------------------------------------------------------------------

MAX_LINES = 1000

#: Modules over MAX_LINES for now, each with the reason and the work that shrinks it.
ALLOWED_LONG: dict[str, str] = {}


def long_modules(paths: Iterable[Path], root: Path, limit: int = MAX_LINES) -> dict[str, int]:
    out = {}
    for p in paths:
        n = len(p.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out[p.relative_to(root).as_posix()] = n
    return out


def test_no_module_over_a_thousand_lines():
    found = long_modules(sorted(PACKAGE.rglob("*.py")), ROOT)
    over = {k: v for k, v in found.items() if k not in ALLOWED_LONG}
    assert not over, f"modules over {MAX_LINES} lines (split them along a seam): {over}"


def test_long_module_check_catches_a_planted_module(tmp_path):
    (tmp_path / "big.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "ok.py").write_text("x = 1\n" * MAX_LINES)
    assert long_modules(sorted(tmp_path.glob("*.py")), tmp_path) == {"big.py": MAX_LINES + 1}


# -- synthetic data lives in synth/ ---------------------------------------------------------------

#: Files outside matchcore/synth/ that may draw random numbers, and why.
ALLOWED_RANDOM: dict[str, str] = {
    "matchcore/normalize/*coder*": "the coder's cross-validation folds (evaluation, not data)",
}


def draws_random(source: str) -> list[str]:
    """The random-number machinery ``source`` uses: the ``random`` module or ``numpy.random``
    (imported, or reached as ``np.random``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name in ("random", "numpy.random")]
        elif isinstance(node, ast.ImportFrom):
            if node.module in ("random", "numpy.random"):
                found.append(f"from {node.module}")
            elif node.module == "numpy" and any(a.name == "random" for a in node.names):
                found.append("from numpy import random")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "random"
            and ast.unparse(node.value) in ("np", "numpy")
        ):
            found.append(ast.unparse(node))
    return found


def test_random_numbers_only_in_synth():
    offenders = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        rel = p.relative_to(ROOT).as_posix()
        if rel.startswith("matchcore/synth/") or any(
            fnmatch.fnmatchcase(rel, pat) for pat in ALLOWED_RANDOM
        ):
            continue
        used = draws_random(p.read_text(encoding="utf-8"))
        if used:
            offenders[rel] = sorted(set(used))
    assert not offenders, f"random numbers outside matchcore/synth/: {offenders}"


def test_random_check_catches_planted_generators():
    assert draws_random("import numpy as np\nrng = np.random.default_rng(0)\n")
    assert draws_random("import numpy as np\nx = np.random.rand(3)\n")
    assert draws_random("from numpy.random import default_rng\n")
    assert draws_random("import random\nrandom.shuffle(x)\n")
    assert draws_random("def f(rng: np.random.Generator):\n    return rng.random(3)\n")
    assert not draws_random("import numpy as np\nx = np.sort(a)\nrandom_instance = 1\n")


# -- every runtime dependency is used ----------------------------------------------------------


def runtime_dependencies(pyproject: Path) -> list[str]:
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    return [re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].lower() for d in deps]


def imported_top_levels(paths: Iterable[Path]) -> set[str]:
    out = set()
    for p in paths:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                out.add(node.module.split(".")[0])
    return out


def unused_dependencies(deps: Iterable[str], imported: set[str]) -> list[str]:
    """The distributions of ``deps`` none of whose import names is in ``imported``."""
    provides: dict[str, set[str]] = {}
    for top, dists in importlib.metadata.packages_distributions().items():
        for d in dists:
            provides.setdefault(d.lower().replace("_", "-"), set()).add(top)
    unused = []
    for d in deps:
        names = provides.get(d.replace("_", "-"), {d.replace("-", "_")})
        if not names & imported:
            unused.append(d)
    return unused


def test_every_runtime_dependency_is_imported():
    deps = runtime_dependencies(ROOT / "pyproject.toml")
    assert "numpy" in deps and "scikit-learn" in deps
    imported = imported_top_levels(PACKAGE.rglob("*.py"))
    assert unused_dependencies(deps, imported) == []


def test_unused_dependency_check_catches_a_planted_one():
    imported = {"numpy", "sklearn"}
    assert unused_dependencies(["numpy", "scikit-learn", "jieba"], imported) == ["jieba"]


# -- configuration ------------------------------------------------------------------------------


def changes_in_place(mapping: object) -> bool:
    """Whether ``mapping["occupation"] = -5`` (or ``update``/``pop``) is accepted."""
    for change in (
        lambda m: m.__setitem__("occupation", -5.0),
        lambda m: m.update(occupation=-5.0),
        lambda m: m.pop("occupation"),
        lambda m: m.clear(),
    ):
        try:
            change(mapping)
        except (TypeError, AttributeError):
            continue
        return True
    return False


def test_default_weights_cannot_be_changed_in_place():
    cfg = mc.MatchConfig()
    before = dict(cfg.weights)
    assert not changes_in_place(cfg.weights)
    assert dict(cfg.weights) == before
    assert dict(mc.MatchConfig().weights) == before


def test_in_place_check_catches_a_plain_dict():
    assert changes_in_place({"occupation": 1.0})


@pytest.mark.parametrize("path", ["docs/architecture.md"])
def test_architecture_page_is_linked_from_the_readme(path):
    assert (ROOT / path).is_file()
    assert path in (ROOT / "README.md").read_text(encoding="utf-8")
