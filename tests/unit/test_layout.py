"""The boundary and the arrows: only the bridge packages touch the generated stubs, and
no module of the host or the SDK imports itself round a circle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# package name -> its folder
PACKAGES = {"stephost_host": ROOT / "host", "stephost": ROOT / "sdk_python" / "stephost"}


def _module_name(path: Path) -> str:
    for package, folder in PACKAGES.items():
        if path.is_relative_to(folder):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            return ".".join((package, *parts))
    raise ValueError(path)


def _sources() -> dict[str, Path]:
    return {
        _module_name(path): path
        for folder in PACKAGES.values()
        for path in folder.rglob("*.py")
        if "v1" not in path.relative_to(folder).parts  # the generated stubs
    }


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ours that ``name`` imports (TYPE_CHECKING and function-level included)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_no_import_circles_in_the_host_or_the_sdk() -> None:
    sources = _sources()
    known = set(sources)
    graph = {name: _imports(name, path, known) for name, path in sources.items()}
    # A package's __init__ importing its own modules is how packages work, not a circle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(f"{t}.")}
    assert _cycles(graph) == []


def _mentions(folder: Path, pattern: str, suffixes: tuple[str, ...]) -> set[str]:
    regex = re.compile(pattern)
    return {
        path.relative_to(ROOT).as_posix()
        for path in folder.rglob("*")
        if path.suffix in suffixes and path.is_file() and regex.search(path.read_text())
    }


def test_only_the_bridges_touch_the_contracts_stubs() -> None:
    """The wire's generated stubs (stephost.v1 / src/gen / stephost/v1) are imported by
    the bridge packages only. (The generators, host/contracts.py and the SDK's loader
    also read protobuf: the descriptors and classes of a project's own contracts/.)"""
    python = _mentions(ROOT / "host", r"stephost\.v1\b", (".py",)) | _mentions(
        ROOT / "sdk_python" / "stephost", r"stephost\.v1\b", (".py",)
    )
    allowed = ("host/bridge/", "sdk_python/stephost/_bridge/", "sdk_python/stephost/v1/")
    assert {path for path in python if not path.startswith(allowed)} == set()
    node = _mentions(ROOT / "bridges" / "node" / "src", r"gen/stephost|bridge/wire", (".ts",))
    assert {p for p in node if not p.startswith("bridges/node/src/bridge/")} == set()
    ruby = _mentions(ROOT / "bridges" / "ruby" / "lib", r"V1::|stephost/v1/", (".rb",))
    assert {
        p
        for p in ruby
        if not p.startswith(("bridges/ruby/lib/stephost/bridge/", "bridges/ruby/lib/stephost/v1/"))
    } == set()
