"""ST1: the core knows no storage; everything it reads or writes goes through protocols."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pytest

import talentpool
from talentpool import ports

PACKAGE = Path(talentpool.__file__).resolve().parent
# Everything but the adapters, the pieces built on them for hosts and demos (the test
# kit in testing/: World, strategies, contracts; the demo; the CLI), and the package
# facade, which re-exports the in-memory reference for convenience.
EDGE = {"adapters", "testing", "demo", "cli", "__init__"}
CORE = sorted(
    p
    for p in PACKAGE.rglob("*.py")
    if p.relative_to(PACKAGE).parts[0].removesuffix(".py") not in EDGE
)
STORAGE = ("talentpool.adapters", "sqlite3", "psycopg", "sqlalchemy")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_the_core_imports_no_adapter(path: Path) -> None:
    storage = {m for m in _imports(path) if m.startswith(STORAGE)}
    assert storage == set()


def test_the_core_is_not_empty() -> None:
    names = {p.name for p in CORE}
    assert {"autopool.py", "criteria.py", "evaluation.py", "ports.py", "model.py"} <= names


def test_ports_are_protocols() -> None:
    protocols = [
        obj
        for name, obj in vars(ports).items()
        if inspect.isclass(obj) and name.endswith(("Repository", "UnitOfWork", "Generator"))
    ]
    assert len(protocols) >= 8
    for proto in protocols:
        assert getattr(proto, "_is_protocol", False), proto.__name__
        assert typing.Protocol in proto.__mro__, proto.__name__
