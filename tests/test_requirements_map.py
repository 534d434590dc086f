"""docs/requirements.md stays honest: every requirement ID is there, every test it names exists."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "docs" / "requirements.md"

IDS = (
    [f"DM{i}" for i in range(1, 7)]
    + [f"MP{i}" for i in range(1, 12)]
    + [f"AP{i}" for i in range(1, 17)]
    + [f"EN{i}" for i in range(1, 6)]
    + [f"ST{i}" for i in range(1, 8)]
    + [f"US{i}" for i in range(1, 5)]
    + [f"PF{i}" for i in range(1, 6)]
)
ROW = re.compile(r"^\| (?P<id>[A-Z]{2}\d+) \| (?P<covered>.*) \|$", re.MULTILINE)
TEST_REF = re.compile(r"(tests/[\w/]+\.py)::(\w+)")
DOC_REF = re.compile(r"\b((?:docs/[\w-]+|README)\.md)\b")


def _rows() -> dict[str, str]:
    return {m["id"]: m["covered"] for m in ROW.finditer(MAP.read_text(encoding="utf-8"))}


@functools.cache
def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    names |= {
        t.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    return names


def test_every_requirement_id_has_a_row() -> None:
    rows = _rows()
    assert [i for i in IDS if i not in rows] == []
    assert [i for i in rows if i not in IDS] == []


def test_every_row_names_tests_or_says_what_is_not_built() -> None:
    for req, covered in _rows().items():
        assert TEST_REF.search(covered) or covered.startswith("Not yet built"), req


def test_every_named_test_exists() -> None:
    missing = []
    for req, covered in _rows().items():
        for file, name in TEST_REF.findall(covered):
            path = ROOT / file
            if not path.is_file() or name not in _test_names(path):
                missing.append(f"{req}: {file}::{name}")
    assert missing == []


def test_every_named_document_exists() -> None:
    for req, covered in _rows().items():
        for doc in DOC_REF.findall(covered):
            assert (ROOT / doc).is_file(), f"{req}: {doc}"
