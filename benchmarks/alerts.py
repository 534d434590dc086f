"""The cost of one write with watched pools, against the same write with none (AP16, PF4).

Loads the SPEC's dataset with ``perf.py``'s generator and loaders (the same
seed, the same candidates), then, on each store, times one write of each kind
``perf.py`` times (a new candidate, a new tag, a status change; each its own
committed unit of work, median of ``--writes``) twice: first with no pool
watched, then with ``--pools`` requisitions' autopools watched by the account's
administrator. The watched pools are copies of ``perf.py``'s four autopool
queries (25 and 100 km around the largest city and around a spread-out town,
the "Store assistant" criteria), each under its own requisition id. Every write
then runs the pool alerts' commit check: the written candidate judged against
every watched pool, no pool read whole. It prints one Markdown table: the median
of each write without and with the watched pools, and their ratio::

    python benchmarks/alerts.py --size 100000 --pools 1000 --stores memory,sqlite

A smoke run is in the test suite (tests/test_benchmarks.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

sys.path.insert(0, str(Path(__file__).parent))

import perf

from talentpool.adapters.memory import MemoryIds
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.adapters.sql import SqlStore, Sync
from talentpool.autopool.alerts import PoolAlerts
from talentpool.demo.dataset import ADMIN
from talentpool.ids import RequisitionId
from talentpool.model import Requisition

STORES = ("memory", "sqlite")
WRITES = ("new candidate", "new tag", "status change")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="candidates")
    parser.add_argument("--pools", type=int, default=1000, help="watched pools")
    parser.add_argument("--writes", type=int, default=20, help="timed writes of each kind")
    parser.add_argument("--seed", type=int, default=7, help="the generator's seed")
    parser.add_argument("--country", default="DE", help="ISO code of the country: DE or CZ")
    parser.add_argument("--stores", default=",".join(STORES), help="of " + ", ".join(STORES))
    return parser


def _watched(run: perf.SizeRun, count: int) -> list[Requisition]:
    """*count* requisitions whose pools are copies of perf.py's autopool queries."""
    queries = [p.requisition for p in run.pools]
    return [
        attrs.evolve(queries[i % len(queries)], id=RequisitionId(f"watched-{i}"))
        for i in range(count)
    ]


def _store(name: str, run: perf.SizeRun, folder: str) -> tuple[Any, float]:
    start = time.perf_counter()
    if name == "memory":
        uow: Any = perf.load_memory(run.data, run.applicants)
        uow.build_indexes()
    else:
        store = SqlStore(f"sqlite:///{folder}/alerts.db")
        perf.load_sql(store, "bench", run.data, run.applicants)
        uow = store.unit_of_work("bench")
    return uow, time.perf_counter() - start


def _watch(name: str, uow: Any, run: perf.SizeRun, count: int, folder: str) -> float:
    """Save and watch *count* pools; return how long watching took (each pool read whole once)."""
    requisitions = _watched(run, count)
    if name == "memory":
        with uow:
            for requisition in requisitions:
                uow.requisitions.save(requisition)
            uow.commit()
    else:
        Sync(SqlStore(f"sqlite:///{folder}/alerts.db"), "bench").save_requisitions(requisitions)
    alerts = PoolAlerts(uow, run.clock, MemoryIds(), MemoryOutbox())
    start = time.perf_counter()
    for requisition in requisitions:
        alerts.watch(ADMIN, requisition.id)
    return time.perf_counter() - start


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    args = _parser().parse_args(argv)
    stores = [s for s in args.stores.split(",") if s]
    unknown = sorted(set(stores) - set(STORES))
    if unknown:
        print(f"unknown stores: {', '.join(unknown)}", file=sys.stderr)
        return 2
    run = perf.prepare(args.size, args.seed, args.country, 0.7, 1)
    print(
        f"{args.size:,} candidates ({args.country}), {args.pools:,} watched pools, "
        f"median of {args.writes} writes of each kind\n"
    )
    print("| store | write | no watched pool | watched pools | × no watched pool |")
    print("| --- | --- | --- | --- | --- |")
    notes = []
    for name in stores:
        with tempfile.TemporaryDirectory() as folder:
            uow, loaded = _store(name, run, folder)
            before = perf.measure_writes(uow, run, f"{name}-none", args.writes)
            watching = _watch(name, uow, run, args.pools, folder)
            after = perf.measure_writes(uow, run, f"{name}-watched", args.writes)
            for write in WRITES:
                ratio = after[write] / before[write] if before[write] else float("nan")
                print(
                    f"| {name} | {write} | {_us(before[write])} | {_us(after[write])} "
                    f"| {ratio:,.1f}× |"
                )
            notes.append(
                f"{name}: loaded in {loaded:,.1f} s; watching {args.pools:,} pools took "
                f"{watching:,.1f} s (each pool read whole once)"
            )
    print()
    for note in notes:
        print(f"* {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
