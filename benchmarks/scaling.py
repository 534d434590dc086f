"""Autopool on SQLite, PostgreSQL and in memory, against the naive baseline (ST5, PF2, PF5).

Generates the demo's dataset (:mod:`talentpool.demo.dataset`) of ``--size``
candidates, Czechia (the generator's only country), 70% of residences clustered
around its towns; adds two requisitions at Brno's centre whose autopool has the
"Store assistant" criteria (available, profile language, not rejected in 90
days, not hired in 30, submissions in retail sales) and a radius of 25 km and of
100 km; imports everything but the CVs into

* an SQLite file, through :class:`talentpool.adapters.sql.Sync`;
* PostgreSQL, through ``Sync`` (``--postgres-url``, or a throwaway server started
  from the distribution's binaries, as the tests do);
* the in-memory reference, through its repositories (skipped above
  ``--memory-max``: it holds every record in Python objects);

then times ``Autopooling(uow, clock).results(requisition)`` ``--runs`` times per
store and radius, and the baseline: a full scan in Python over the generated
data that applies the cheap criteria first and geopy's geodesic last. Every
store must return the baseline's candidates, in its order, and its total; the
script fails otherwise. It prints one Markdown table: import time, median and
spread of the query, each as a ratio to the baseline of the same run, and the
process's peak memory::

    python benchmarks/scaling.py --size 100000

``--stores sqlite,memory`` leaves PostgreSQL out (no server needed).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import attrs
from geopy.distance import geodesic

from talentpool import Autopooling, FixedClock, ResidenceWithin
from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.sql import SqlStore, Sync
from talentpool.clock import utc, window_start
from talentpool.demo.dataset import (
    CZECHIA,
    STORE_ASSISTANT_CRITERIA,
    STORE_MANAGER,
    Applicant,
    Dataset,
    DatasetSpec,
    generate,
    generate_applicants,
)
from talentpool.geo import EDGE_TOLERANCE_KM, GeoPoint
from talentpool.ids import CandidateId, NodeId, RequisitionId
from talentpool.model import Dimension, Requisition, SubmissionStatus
from talentpool.testing.postgres import PostgresUnavailableError, throwaway_postgres

ACCOUNT = "acme"
BRNO = GeoPoint(49.1951, 16.6068)
"""Brno's centre, the largest cluster of the generated residences."""
RADII = (25, 100)
"""The radii of the two pools, in km."""
STORES = ("sqlite", "postgres", "memory")


def _requisition(km: int, now: datetime) -> Requisition:
    return Requisition(
        RequisitionId(f"scaling-brno-{km}km"),
        f"Store assistant, Brno ({km} km)",
        now - timedelta(days=7),
        language="cs",
        primary_location=BRNO,
        organization=NodeId("moravia"),
        location=NodeId("brno"),
        job_field=NodeId("assistant"),
        owner_id=STORE_MANAGER,
        autopool=attrs.evolve(STORE_ASSISTANT_CRITERIA, radius=ResidenceWithin(km)),
    )


# --- the baseline ---------------------------------------------------------------------------


def baseline(
    data: Dataset, applicants: Sequence[Applicant], requisition: Requisition, now: datetime
) -> tuple[list[CandidateId], int]:
    """The obvious implementation: scan everyone, cheap criteria first, geodesic last.

    Returns the first 300 candidate ids by latest submission elsewhere (newest
    first, ties by id) and the total.
    """
    criteria = requisition.autopool
    assert criteria is not None
    assert criteria.radius is not None
    assert criteria.structure is not None
    trees = {t.dimension: t for t in data.structures}
    by_id = {r.id: r for r in data.requisitions}
    organizations = trees[Dimension.ORGANIZATION].expand(
        criteria.structure.selected(Dimension.ORGANIZATION)
    )
    job_fields = trees[Dimension.JOB_FIELD].expand(criteria.structure.selected(Dimension.JOB_FIELD))
    hired_opens = utc(window_start(now, criteria.exclude_hired_within_days or 0))
    rejected_opens = utc(window_start(now, criteria.exclude_rejected_within_days or 0))
    here = requisition.id
    centre = (BRNO.latitude, BRNO.longitude)
    limit_km = criteria.radius.radius.km + EDGE_TOLERANCE_KM
    hired, rejected = SubmissionStatus.HIRED, SubmissionStatus.REJECTED
    hits: list[tuple[datetime, CandidateId]] = []
    for applicant in applicants:
        candidate = applicant.candidate
        if candidate.profile_language != requisition.language or candidate.residence is None:
            continue
        subs = applicant.submissions
        if candidate.id in requisition.pool_exclusions or any(
            s.requisition_id == here for s in subs
        ):
            continue
        others = [s for s in subs if s.requisition_id != here]
        fresh = [s for s in others if not s.is_expired(now)]
        if not fresh or any(s.is_active(now) for s in others):
            continue
        if any(s.status is hired and utc(s.status_changed_at) >= hired_opens for s in subs):
            continue
        if any(s.status is rejected and utc(s.status_changed_at) >= rejected_opens for s in subs):
            continue
        if not any(
            by_id[s.requisition_id].organization in organizations
            and by_id[s.requisition_id].job_field in job_fields
            for s in fresh
        ):
            continue
        home = candidate.residence
        if geodesic(centre, (home.latitude, home.longitude)).km > limit_km:
            continue
        hits.append((max(utc(s.submitted_at) for s in others), candidate.id))
    hits.sort(key=lambda h: h[1])
    hits.sort(key=lambda h: h[0], reverse=True)
    return [c for _, c in hits[:300]], len(hits)


# --- the stores -----------------------------------------------------------------------------


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL for the run (the test kit's), or exit saying what to install."""
    try:
        with throwaway_postgres(["shared_buffers=256MB"]) as url:
            yield url
    except PostgresUnavailableError as e:
        sys.exit(f"{e}; or pass --postgres-url")


def load_sql(store: SqlStore, data: Dataset, applicants: Sequence[Applicant]) -> None:
    """Import the account and the candidates with their submissions (no CVs) through Sync."""
    store.unit_of_work(ACCOUNT).settings.save(data.settings)
    sync = Sync(store, ACCOUNT)
    sync.save_structures(data.structures)
    sync.save_users(data.users)
    sync.save_requisitions(data.requisitions)
    sync.save_candidates((a.candidate for a in applicants), batch_size=1000)
    sync.save_submissions((s for a in applicants for s in a.submissions), batch_size=1000)


def load_memory(data: Dataset, applicants: Sequence[Applicant]) -> MemoryUnitOfWork:
    """Load the same entities into the in-memory reference through its repositories."""
    uow = MemoryUnitOfWork()
    uow.settings.save(data.settings)
    for tree in data.structures:
        uow.structures.save(tree)
    for user in data.users:
        uow.users.save(user)
    for requisition in data.requisitions:
        uow.requisitions.save(requisition)
    for applicant in applicants:
        uow.candidates.save(applicant.candidate)
    for applicant in applicants:
        for submission in applicant.submissions:
            uow.submissions.save(submission)
    return uow


# --- measuring ------------------------------------------------------------------------------


def _timed(run: Callable[[], object], runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return times, result


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="candidates to generate")
    parser.add_argument("--seed", type=int, default=7, help="the generator's seed")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query")
    parser.add_argument(
        "--stores", default=",".join(STORES), help="comma-separated, of " + ", ".join(STORES)
    )
    parser.add_argument("--postgres-url", help="an SQLAlchemy URL (default: start a server)")
    parser.add_argument(
        "--memory-max", type=int, default=1_000_000, help="largest size loaded in memory"
    )
    parser.add_argument("--db", type=Path, help="SQLite file (default: a new temporary file)")
    return parser


@attrs.define
class _Run:
    """One run of the benchmark: the data, the baseline's answers and the table's rows."""

    data: Dataset
    applicants: list[Applicant]
    requisitions: tuple[Requisition, ...]
    clock: FixedClock
    runs: int
    expected: dict[int, tuple[list[CandidateId], int]] = attrs.field(factory=dict)
    base_time: dict[int, float] = attrs.field(factory=dict)
    rows: list[str] = attrs.field(factory=list)
    agree: bool = True

    def run_baseline(self) -> None:
        """Time the baseline once per radius: it is the slow one."""
        now = self.clock.now()
        for km, requisition in zip(RADII, self.requisitions, strict=True):
            start = time.perf_counter()
            self.expected[km] = baseline(self.data, self.applicants, requisition, now)
            self.base_time[km] = time.perf_counter() - start

    def measure(self, name: str, uow: object, imported: float | None, note: str = "") -> None:
        """Time the pools on *uow* and compare them with the baseline's."""
        pool = Autopooling(uow, self.clock)  # type: ignore[arg-type]
        for km, requisition in zip(RADII, self.requisitions, strict=True):
            pool.results(requisition.id)  # warm up (caches, the first connection)
            times, result = _timed(lambda r=requisition.id: pool.results(r), self.runs)
            got = (list(result.candidate_ids), result.total)  # type: ignore[attr-defined]
            same = got == self.expected[km]
            self.agree = self.agree and same
            median = statistics.median(times)
            self.rows.append(
                f"| {name} | {km} km | {'' if imported is None else f'{imported:,.1f}'} "
                f"| {self.expected[km][1]:,} | {_ms(median)} "
                f"| {_ms(min(times))}–{_ms(max(times))} "
                f"| {self.base_time[km] / median:,.1f}× | {'yes' if same else 'NO'} | {note} |"
            )
            imported = None

    def sqlite(self, path: Path) -> None:
        """Import into an SQLite file through Sync, and measure."""
        store = SqlStore(f"sqlite:///{path}")
        start = time.perf_counter()
        load_sql(store, self.data, self.applicants)
        imported = time.perf_counter() - start
        size = f"{path.stat().st_size / 1e6:,.0f} MB file"
        self.measure("SQLite", store.unit_of_work(ACCOUNT), imported, size)
        store.dispose()

    def postgres(self, url: str | None) -> None:
        """Import into PostgreSQL through Sync, and measure."""
        with postgres_server() if url is None else _given(url) as server:
            store = SqlStore(server)
            start = time.perf_counter()
            load_sql(store, self.data, self.applicants)
            imported = time.perf_counter() - start
            self.measure("PostgreSQL", store.unit_of_work(ACCOUNT), imported)
            store.dispose()

    def memory(self) -> None:
        """Load the in-memory reference through its repositories, and measure."""
        start = time.perf_counter()
        uow = load_memory(self.data, self.applicants)
        imported = time.perf_counter() - start
        self.measure("memory", uow, imported)

    def print_table(self) -> None:
        """Print the table, the peak memory and whether every store agreed."""
        print()
        print(
            "| store | radius | import s | pool total | median ms | spread ms "
            "| baseline ÷ store | same as baseline | note |"
        )
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
        for km in RADII:
            print(
                f"| baseline (full scan, geopy) | {km} km | | {self.expected[km][1]:,} "
                f"| {_ms(self.base_time[km])} | | 1.0× | – | one run |"
            )
        for row in self.rows:
            print(row)
        print()
        print(f"peak memory of the process: {_peak_mb():,.0f} MB")
        print("stores agree with the baseline: " + ("yes" if self.agree else "NO"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return 1 if a store disagrees with the baseline."""
    parser = _parser()
    args = parser.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = set(stores) - set(STORES)
    if unknown:
        parser.error(f"unknown stores: {', '.join(sorted(unknown))}")

    spec = DatasetSpec(seed=args.seed, size=args.size, country=CZECHIA, clustered=0.7)
    account = generate(attrs.evolve(spec, size=0))
    requisitions = tuple(_requisition(km, spec.now) for km in RADII)
    data = attrs.evolve(account, requisitions=account.requisitions + requisitions)
    start = time.perf_counter()
    applicants = list(generate_applicants(spec))
    generated = time.perf_counter() - start
    submissions = sum(len(a.submissions) for a in applicants)
    print(
        f"{args.size:,} candidates, {submissions:,} submissions ({spec.country.name}, "
        f"70% clustered, seed {args.seed}), generated in {generated:.1f} s; "
        f"{platform.python_implementation()} {platform.python_version()} on "
        f"{platform.machine()}, {os.cpu_count()} cores; {args.runs} runs per query",
        flush=True,
    )
    run = _Run(data, applicants, requisitions, FixedClock(spec.now), args.runs)
    run.run_baseline()
    with tempfile.TemporaryDirectory() as tmp:
        if "sqlite" in stores:
            run.sqlite(args.db or Path(tmp) / "talent.db")
        if "postgres" in stores:
            run.postgres(args.postgres_url)
        if "memory" in stores:
            if args.size > args.memory_max:
                run.rows.append(f"| memory | – | | | | | | | skipped above {args.memory_max:,} |")
            else:
                run.memory()
    run.print_table()
    return 0 if run.agree else 1


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    sys.exit(main())
