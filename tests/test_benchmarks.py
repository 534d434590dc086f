"""The scaling benchmark runs end to end at a tiny size and the stores agree (ST5, PF2, PF5)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "scaling.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scaling_benchmark", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scaling_prints_the_table_and_the_stores_agree(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """ST5, PF5: SQLite, PostgreSQL and memory return the baseline's ids, order and total."""
    scaling = _load()
    code = scaling.main(["--size", "300", "--runs", "1", "--postgres-url", postgres_url])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "| store | radius | import s | pool total | median ms |" in out
    for store in ("baseline (full scan, geopy)", "SQLite", "PostgreSQL", "memory"):
        assert f"| {store} | 25 km |" in out
        assert f"| {store} | 100 km |" in out
    assert "| NO |" not in out
    assert "stores agree with the baseline: yes" in out
    assert "peak memory of the process:" in out


def test_scaling_skips_memory_above_its_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """PF5: a size the in-memory store is not asked to hold is reported as skipped."""
    scaling = _load()
    code = scaling.main(
        ["--size", "50", "--runs", "1", "--stores", "sqlite,memory", "--memory-max", "10"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "| memory | – |" in out
    assert "skipped above 10" in out
    assert "PostgreSQL" not in out
