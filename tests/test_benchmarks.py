"""The performance benchmark runs end to end at a small size and every path agrees (PF1–PF5).

A smoke run only: no timing is asserted, the script is kept from rotting.
"""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
QUERIES = (
    "autopool city 25 km",
    "autopool city 100 km",
    "autopool spread 25 km",
    "autopool spread 100 km",
    "folder counts, 20 tags",
    "visibility decision",
    "micro-pool listing, full text, first page",
)


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_benchmark", BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_perf_prints_every_query_on_every_path_and_they_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PF1–PF5: baseline, memory and SQLite give the same answers; one table, costs included."""
    perf = _load("perf")
    out_file = tmp_path / "perf.md"
    code = perf.main(
        ["--size", "2000", "--runs", "1", "--stores", "memory,sqlite", "--out", str(out_file)]
    )
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    assert "DISAGREE" not in out.err
    assert "every path agrees with the baseline: yes" in out.out
    assert "| query | path | 2k: total | 2k: median | 2k: spread | 2k: × baseline |" in out.out
    for query in QUERIES:
        for path in ("baseline", "memory", "SQLite"):
            assert f"| {query} | {path} |" in out.out
    assert "| NO |" not in out.out
    for store in ("memory", "SQLite"):
        assert f"| {store} | 2k |" in out.out
    assert "write: new candidate | write: new tag | write: status change" in out.out
    assert "peak memory of the process:" in out.out
    assert "every path agrees with the baseline: yes" in out_file.read_text(encoding="utf-8")


def test_perf_spread_sizes_side_by_side_on_postgres(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """PF2, PF5: two sizes side by side, residences spread out, PostgreSQL agreeing too."""
    perf = _load("perf")
    code = perf.main(
        [
            "--size",
            "100,150",
            "--spread",
            "--country",
            "CZ",
            "--runs",
            "1",
            "--stores",
            "postgres",
            "--postgres-url",
            postgres_url,
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    assert "Czechia spread over the country" in out.out
    assert "| 100: total | 100: median |" in out.out
    assert "| 150: total | 150: median |" in out.out
    for query in QUERIES:
        assert f"| {query} | PostgreSQL |" in out.out
    assert "| NO |" not in out.out
    assert "every path agrees with the baseline: yes" in out.out


def test_perf_reuses_a_dataset_imported_into_a_postgres_database(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """PF2, PF3: with ``--postgres-url --reuse`` a dataset is imported once, then queried again."""
    perf = _load("perf")
    seed = str(uuid.uuid4().int % 1_000_000)  # a server kept between sessions holds earlier seeds
    argv = ["--size", "200", "--seed", seed, "--runs", "1", "--stores", "postgres"]
    argv += ["--queries", "pools,listing", "--postgres-url", postgres_url, "--reuse"]
    for run in range(2):
        code = perf.main(argv)
        out = capsys.readouterr().out
        assert code == 0, out
        assert "| micro-pool listing, full text, first page | PostgreSQL |" in out
        assert "| NO |" not in out
        assert ("imported by an earlier run" in out) == (run == 1)


def test_perf_fails_loudly_when_a_path_disagrees(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """PF1: a store that answers otherwise than the baseline fails the run and says where."""
    perf = _load("perf")
    honest = perf.baseline_listing

    def off_by_one(*args: object) -> tuple[list[str], int]:
        ids, total = honest(*args)
        return ids, total + 1

    monkeypatch.setattr(perf, "baseline_listing", off_by_one)
    code = perf.main(["--size", "300", "--runs", "1", "--stores", "memory"])
    out = capsys.readouterr()
    assert code == 1
    assert "| micro-pool listing, full text, first page | memory |" in out.out
    assert "| NO |" in out.out
    assert "every path agrees with the baseline: NO" in out.out
    assert "DISAGREE: 300 candidates, micro-pool listing, full text, first page: memory" in out.err


def test_the_scaling_command_runs_the_same_benchmark(capsys: pytest.CaptureFixture[str]) -> None:
    """PF5: the command docs/scaling.md cites still runs, and skips memory above its limit."""
    scaling = _load("scaling")
    code = scaling.main(
        ["--size", "50", "--runs", "1", "--stores", "sqlite,memory", "--memory-max", "10"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "| memory | 50 |" in out
    assert "skipped above 10" in out
    assert "PostgreSQL" not in out


def test_perf_times_the_memory_stores_index_build_when_it_has_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """PF4: a store with ``build_indexes()`` has it called once after the load, and timed."""
    perf = _load("perf")
    built: list[int] = []

    class Indexed(perf.MemoryUnitOfWork):  # type: ignore[name-defined,misc]
        def build_indexes(self) -> None:
            built.append(len(self.candidates))

    monkeypatch.setattr(perf, "MemoryUnitOfWork", Indexed)
    code = perf.main(["--size", "300", "--runs", "1", "--stores", "memory"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert built == [300]
    row = next(line for line in out.splitlines() if line.startswith("| memory | 300 |"))
    assert row.split(" | ")[3] != "–"


def test_footprint_measures_the_store_and_its_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    """PF4: the memory benchmark streams a small dataset into the store and prints each figure."""
    footprint = _load("footprint")
    code = footprint.main(["--size", "300"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "* 300 candidates," in out
    for row in (
        "| the store with its entities |",
        "| the store, its entities and its index |",
        "| baseline: the candidates and submissions as objects in lists |",
    ):
        assert row in out
    assert "index build" in out
    assert "structure" in out


def test_alerts_times_each_write_with_and_without_watched_pools(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """AP16, PF4: the write-cost benchmark of pool alerts runs on both stores, ratios included."""
    alerts = _load("alerts")
    code = alerts.main(["--size", "300", "--pools", "8", "--writes", "3"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "| store | write | no watched pool | watched pools | × no watched pool |" in out
    for store in ("memory", "sqlite"):
        for write in ("new candidate", "new tag", "status change"):
            assert f"| {store} | {write} |" in out
    assert "watching 8 pools took" in out


def test_perf_runs_only_the_chosen_queries_and_reuses_an_imported_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PF3: ``--queries listing`` times the listing alone; ``--reuse`` imports a file once."""
    perf = _load("perf")
    db = str(tmp_path / "perf.db")
    argv = ["--size", "300", "--runs", "1", "--stores", "sqlite", "--queries", "listing"]
    for run in range(2):
        code = perf.main([*argv, "--db", db, "--reuse"])
        out = capsys.readouterr().out
        assert code == 0, out
        assert "| micro-pool listing, full text, first page | SQLite |" in out
        assert "autopool" not in out.split("| query |")[1]
        assert "folder counts" not in out
        assert ("imported by an earlier run" in out) == (run == 1)
    with pytest.raises(SystemExit):
        perf.main([*argv, "--reuse"])  # needs --db or --postgres-url
    with pytest.raises(SystemExit):
        perf.main(["--queries", "everything"])
