"""The SPEC's performance benchmark: every read on every store against the naive baseline (PF1–PF5).

Generates the SPEC's dataset with the demo's generator
(:func:`talentpool.demo.dataset.performance_spec`: a country's real towns, 70% of
residences clustered around them or, with ``--spread``, none; five languages;
about 3 submissions a candidate, a quarter of them active; 50 tags with
Zipf-like popularity), streamed from :func:`~talentpool.demo.dataset.generate_applicants`
without the CVs, and loads it into

* (b) the in-memory store, :class:`talentpool.adapters.memory.MemoryUnitOfWork`,
  through its repositories, then its ``build_indexes()`` if it has one (timed);
* (c) the SQL store on an SQLite file, :class:`talentpool.adapters.sql.SqlStore`,
  through :class:`~talentpool.adapters.sql.Sync` (the bulk import, timed; with
  ``--db FILE --reuse`` once per dataset, and the file kept as imported), then
  :meth:`~talentpool.adapters.sql.SqlStore.optimize` (timed in the "index build"
  column; ``--no-optimize`` skips it);
* (d) PostgreSQL through ``Sync``, then ``optimize()`` likewise: a throwaway server per size
  (:func:`talentpool.testing.postgres.throwaway_postgres`) or ``--postgres-url``
  (with ``--reuse``, imported once per dataset and kept, as for SQLite).

Then it times, through the public API, on (a) the naive baseline (a full scan
over the generated entities that applies the cheap criteria first and geopy's
geodesic last) and on every store:

* autopools (``Autopooling(uow, clock).results``) at 25 and 100 km around the
  country's largest city and around the town nearest the country's centre
  (where residents are spread out), with the "Store assistant" criteria:
  profile language, not in a selection process, not rejected in 90 days, not
  hired in 30, a few pool exclusions, submissions in retail sales; the top 300 by
  latest submission and the exact total;
* the folder counts of a user tracking the 20 most popular tags (``MicroPools.folders``);
* one visibility decision (``Visibility.level``, timed over 1,000 calls);
* one micro-pool listing with a full-text term, first page of 20
  (``Visibility.candidates``).

Every path must return the same candidates in the same order with the same
total (the same counts, the same level); the script prints what differs and
exits with 1 otherwise. Then one write of each kind (a new candidate, a new tag,
a status change) on each store, timed over ``--writes`` writes. It prints one
Markdown table of the reads (median and spread per query, path and size, and the
baseline's time over the path's median in the same run) and one of the costs
(load, index build, memory, per-write upkeep)::

    python benchmarks/perf.py --size 10000,100000 --stores memory,sqlite,postgres --runs 5

``--queries listing`` (or ``pools``, ``folders``, ``decision``, comma-separated)
runs only those queries, on the baseline too.

Memory: ``held`` is how much the process grew while a store loaded (the
entities themselves are counted once, in "generated"); ``peak`` is the most the
process grew above its size before the store's queries, while they ran.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
from geopy.distance import geodesic

from talentpool import Autopooling, FixedClock, MicroPools, ResidenceWithin, Visibility
from talentpool.adapters.memory import MemoryIds, MemoryUnitOfWork
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.adapters.sql import SqlStore, Sync
from talentpool.clock import utc, window_start
from talentpool.criteria import AutopoolCriteria, SubmissionsInStructure
from talentpool.demo.dataset import (
    BRNO_MANAGER,
    STORE_MANAGER,
    Applicant,
    Country,
    Dataset,
    DatasetSpec,
    generate,
    generate_applicants,
    performance_spec,
)
from talentpool.geo import EDGE_TOLERANCE_KM, GeoPoint
from talentpool.ids import CandidateId, NodeId, RequisitionId
from talentpool.model import (
    Dimension,
    Requisition,
    Submission,
    SubmissionStatus,
    Subscription,
    Tag,
)
from talentpool.testing.postgres import PostgresUnavailableError, throwaway_postgres
from talentpool.text import matches_keywords, words

RADII = (25, 100)
"""The radii of the autopools, in km."""
STORES = ("memory", "sqlite", "postgres")
PATHS = ("baseline", *STORES)
NAMES = {"baseline": "baseline", "memory": "memory", "sqlite": "SQLite", "postgres": "PostgreSQL"}
TRACKER = BRNO_MANAGER
"""The user who tracks the 20 most popular tags: a hiring manager who owns no position."""
TRACKED = 20
IMPORT_BATCH = 5000
"""Entities per transaction of the SQL import: fewer, larger transactions than Sync's
default of 1,000, as a host's one-off backfill would choose (about a tenth less work)."""
PAGE = 20
DECISIONS = 1000
"""Visibility decisions per timed run: one takes microseconds."""
FOLDERS = "folder counts, 20 tags"
DECISION = "visibility decision"
LISTING = "micro-pool listing, full text, first page"
KINDS = ("pools", "folders", "decision", "listing")
"""What ``--queries`` chooses from: the autopools, and each micro-pool query."""
KIND_QUERY = {"folders": FOLDERS, "decision": DECISION, "listing": LISTING}
TERMS = {"de": "Kasse", "cs": "pokladna"}
"""The full-text term of the micro-pool listing, by the country's language."""

# --- the queries ---------------------------------------------------------------------------


@attrs.frozen
class Pool:
    """One autopool query: a requisition around a place."""

    key: str
    place: str
    km: int
    requisition: Requisition


def _spread_out_town(country: Country) -> tuple[str, GeoPoint]:
    """The town nearest the centre of the country's box, where residents are spread out."""
    sw, ne = country.south_west, country.north_east
    mid = ((sw.latitude + ne.latitude) / 2, (sw.longitude + ne.longitude) / 2)
    town = min(
        country.towns,
        key=lambda t: (t.centre.latitude - mid[0]) ** 2 + (t.centre.longitude - mid[1]) ** 2,
    )
    return town.name, town.centre


def pools(spec: DatasetSpec) -> tuple[Pool, ...]:
    """The four autopools: 25 and 100 km around a clustered city and around a spread-out one."""
    country = spec.country
    city = max(country.towns, key=lambda t: (t.weight, t.name))
    places = [("city", city.name, city.centre), ("spread", *_spread_out_town(country))]
    cc = country.code
    # A few candidates matched and rejected from the pools before (AP10).
    excluded = frozenset(CandidateId(f"cand-{i:04d}") for i in range(0, spec.size, 97)[:40])
    out = []
    for kind, name, point in places:
        for km in RADII:
            criteria = AutopoolCriteria(
                exclude_in_selection_process=True,
                exclude_rejected_within_days=90,
                profile_language_must_match=True,
                radius=ResidenceWithin(km),
                structure=SubmissionsInStructure(
                    organizations={f"retail-{cc}"}, job_fields={"sales"}
                ),
            )
            requisition = Requisition(
                RequisitionId(f"perf-{kind}-{km}km"),
                f"Store assistant, {name} ({km} km)",
                spec.now - timedelta(days=7),
                language=country.language,
                primary_location=point,
                organization=NodeId(f"retail-{cc}"),
                job_field=NodeId("assistant"),
                owner_id=STORE_MANAGER,
                autopool=criteria,
                pool_exclusions=excluded,
            )
            out.append(Pool(f"autopool {kind} {km} km", name, km, requisition))
    return tuple(out)


# --- the baseline --------------------------------------------------------------------------


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
    assert requisition.primary_location is not None
    trees = {t.dimension: t for t in data.structures}
    by_id = {r.id: r for r in data.requisitions}
    organizations = trees[Dimension.ORGANIZATION].expand(
        criteria.structure.selected(Dimension.ORGANIZATION)
    )
    job_fields = trees[Dimension.JOB_FIELD].expand(criteria.structure.selected(Dimension.JOB_FIELD))
    hired_opens = utc(window_start(now, criteria.exclude_hired_within_days or 0))
    rejected_opens = utc(window_start(now, criteria.exclude_rejected_within_days or 0))
    here = requisition.id
    centre = (requisition.primary_location.latitude, requisition.primary_location.longitude)
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


def baseline_folders(applicants: Sequence[Applicant], tags: Sequence[Tag]) -> dict[str, int]:
    """Folder counts by a scan: how many candidates carry each tag."""
    counts = dict.fromkeys((t.key for t in tags), 0)
    for applicant in applicants:
        for tag in applicant.candidate.tags:
            if tag.key in counts:
                counts[tag.key] += 1
    return counts


def baseline_listing(
    applicants: Sequence[Applicant], tag: Tag, term: str
) -> tuple[list[CandidateId], int]:
    """A micro-pool listing with a full-text term by a scan: newest candidate first, ties by id."""
    keywords = words(term)
    hits = [
        a.candidate
        for a in applicants
        if any(t.key == tag.key for t in a.candidate.tags)
        and matches_keywords(a.candidate.words, keywords)
    ]
    hits.sort(key=lambda c: c.id)
    hits.sort(key=lambda c: utc(c.created_at), reverse=True)
    return [c.id for c in hits[:PAGE]], len(hits)


# --- loading -------------------------------------------------------------------------------


def _subscriptions(tags: Sequence[Tag], now: datetime) -> list[Subscription]:
    return [Subscription(TRACKER, tag, now - timedelta(days=30)) for tag in tags]


def load_memory(data: Dataset, applicants: Iterable[Applicant]) -> MemoryUnitOfWork:
    """Load the entities into the in-memory store through its repositories, in one pass.

    *applicants* may be a stream: each candidate is saved before their submissions.
    """
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
        for submission in applicant.submissions:
            uow.submissions.save(submission)
    return uow


def load_sql(store: SqlStore, account: str, data: Dataset, applicants: Sequence[Applicant]) -> None:
    """Bulk-import the account and the candidates with their submissions through Sync."""
    store.unit_of_work(account).settings.save(data.settings)
    sync = Sync(store, account)
    sync.save_structures(data.structures)
    sync.save_users(data.users)
    sync.save_requisitions(data.requisitions)
    sync.save_candidates((a.candidate for a in applicants), batch_size=IMPORT_BATCH)
    sync.save_submissions((s for a in applicants for s in a.submissions), batch_size=IMPORT_BATCH)


def subscribe(uow: Any, subscriptions: Sequence[Subscription]) -> None:
    """Save the tracker's subscriptions in one unit of work."""
    with uow:
        for subscription in subscriptions:
            uow.subscriptions.save(subscription)
        uow.commit()


# --- measuring -----------------------------------------------------------------------------


def _status(field: str) -> float | None:
    """A field of /proc/self/status in MB (Linux), or None."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb() -> float:
    """The process's resident size now, in MB (its peak where the system says no more)."""
    now = _status("VmRSS")
    return peak_mb() if now is None else now


def peak_mb() -> float:
    """The process's peak resident size since the last :func:`reset_peak`, in MB."""
    hwm = _status("VmHWM")
    if hwm is not None:
        return hwm
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


_HIGHEST = [0.0]
"""The highest peak seen before any reset: the process's peak over the whole run."""


def highest_mb() -> float:
    """The process's peak resident size over the whole run, in MB."""
    return max(_HIGHEST[0], peak_mb())


def reset_peak() -> None:
    """Start the peak over from the current size (Linux; elsewhere the peak is the process's)."""
    _HIGHEST[0] = highest_mb()
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass


def timed(run: Callable[[], object], runs: int) -> tuple[list[float], object]:
    """Run *run* *runs* times; return the seconds each took and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return times, result


def duration(seconds: float) -> str:
    """Seconds as the unit that reads best: µs, ms or s."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:,.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:,.1f} ms"
    return f"{seconds:,.2f} s"


@attrs.define
class Measured:
    """One query on one path at one size."""

    times: list[float]
    result: object
    same: bool | None = None  # None: the reference itself


@attrs.define
class Costs:
    """What one store cost at one size."""

    load: float | None = None
    index: float | None = None
    held: float | None = None
    peak: float | None = None
    writes: dict[str, float] = attrs.field(factory=dict)
    note: str = ""


@attrs.define
class SizeRun:
    """Everything measured at one size."""

    size: int
    spec: DatasetSpec
    data: Dataset
    applicants: list[Applicant]
    pools: tuple[Pool, ...]
    tags: tuple[Tag, ...]
    term: str
    clock: FixedClock
    runs: int
    chosen: frozenset[str] = frozenset(KINDS)
    generated: float = 0.0
    generated_mb: float = 0.0
    reads: dict[tuple[str, str], Measured] = attrs.field(factory=dict)
    costs: dict[str, Costs] = attrs.field(factory=dict)
    problems: list[str] = attrs.field(factory=list)

    @property
    def _chosen_pools(self) -> tuple[Pool, ...]:
        return self.pools if "pools" in self.chosen else ()

    @property
    def queries(self) -> list[str]:
        """The queries chosen (``--queries``), in the order of the table."""
        pools = [p.key for p in self.pools] if "pools" in self.chosen else []
        rest = [query for kind, query in KIND_QUERY.items() if kind in self.chosen]
        return pools + rest

    def _record(self, query: str, path: str, times: list[float], result: object) -> None:
        # The baseline where there is one (not for a single decision), else the first path.
        reference = next(
            (m for (q, _), m in self.reads.items() if q == query and m.same is None), None
        )
        same = None if reference is None else result == reference.result
        self.reads[(query, path)] = Measured(times, result, same)
        if same is False:
            assert reference is not None
            self.problems.append(
                f"{self.size:,} candidates, {query}: {NAMES[path]} returned {_short(result)}, "
                f"expected {_short(reference.result)}"
            )

    def run_baseline(self, runs: int) -> None:
        """Time the naive scans: the reference every store must agree with."""
        now = self.clock.now()
        for pool in self._chosen_pools:
            times, result = timed(
                lambda p=pool: baseline(self.data, self.applicants, p.requisition, now), runs
            )
            self._record(pool.key, "baseline", times, result)
        if "folders" in self.chosen:
            times, result = timed(lambda: baseline_folders(self.applicants, self.tags), runs)
            self._record(FOLDERS, "baseline", times, result)
        if "listing" in self.chosen:
            times, result = timed(
                lambda: baseline_listing(self.applicants, self.tags[0], self.term), runs
            )
            self._record(LISTING, "baseline", times, result)

    def measure(self, path: str, uow: Any, *, writes: bool = True) -> None:
        """Time the chosen queries on *uow*, compare with the baseline, then time the writes."""
        subscribe(uow, _subscriptions(self.tags, self.clock.now()))
        costs = self.costs[path]
        before = rss_mb()
        reset_peak()
        autopool = Autopooling(uow, self.clock)
        for pool in self._chosen_pools:
            rid = pool.requisition.id
            autopool.results(rid)  # warm up: caches, the first connection
            times, result = timed(lambda r=rid: autopool.results(r), self.runs)
            got = (list(result.candidate_ids), result.total)  # type: ignore[attr-defined]
            self._record(pool.key, path, times, got)
        micro = MicroPools(uow, self.clock, MemoryIds(), MemoryOutbox())
        if "folders" in self.chosen:
            micro.folders(TRACKER)
            times, folders = timed(lambda: micro.folders(TRACKER), self.runs)
            counts = {f.tag.key: f.count for f in folders}  # type: ignore[attr-defined]
            self._record(FOLDERS, path, times, counts)
        visibility = Visibility(uow, self.clock)
        if "decision" in self.chosen:
            who = self._tagged_candidate()
            level = visibility.level(TRACKER, who)
            times, _ = timed(
                lambda: [visibility.level(TRACKER, who) for _ in range(DECISIONS)], self.runs
            )
            self._record(DECISION, path, [t / DECISIONS for t in times], level)
        if "listing" in self.chosen:
            visibility.candidates(TRACKER, micro_pool=self.tags[0], text=self.term, limit=PAGE)
            times, page = timed(
                lambda: visibility.candidates(
                    TRACKER, micro_pool=self.tags[0], text=self.term, limit=PAGE
                ),
                self.runs,
            )
            listing = (list(page.candidate_ids), page.total)  # type: ignore[attr-defined]
            self._record(LISTING, path, times, listing)
        costs.peak = max(0.0, peak_mb() - before)
        if writes:
            costs.writes = measure_writes(uow, self, path)

    def _tagged_candidate(self) -> CandidateId:
        """A candidate in one of the tracker's micro-pools: the decision reads the tags."""
        tracked = {t.key for t in self.tags}
        for applicant in self.applicants:
            if any(t.key in tracked for t in applicant.candidate.tags):
                return applicant.candidate.id
        return self.applicants[0].candidate.id


def _short(result: object) -> str:
    text = repr(result)
    return text if len(text) < 300 else text[:300] + "…"


WRITES = ("new candidate", "new tag", "status change")


def measure_writes(uow: Any, run: SizeRun, path: str, count: int = 20) -> dict[str, float]:
    """The median time of one write of each kind, each its own committed unit of work."""
    now = run.clock.now()
    template = run.applicants[0].candidate
    newcomers = [
        attrs.evolve(template, id=CandidateId(f"perf-new-{path}-{i}"), email=None)
        for i in range(count)
    ]
    tagged = [a.candidate for a in run.applicants[1 : count + 1]]
    label = "perf new tag"
    open_subs: list[Submission] = [
        s for a in run.applicants[: count * 5] for s in a.submissions if s.status.is_open
    ][:count]

    def each(items: Sequence[Any], write: Callable[[Any], None]) -> float:
        times = []
        for item in items:
            start = time.perf_counter()
            with uow:
                write(item)
                uow.commit()
            times.append(time.perf_counter() - start)
        return statistics.median(times) if times else float("nan")

    return {
        "new candidate": each(newcomers, uow.candidates.save),
        "new tag": each(
            tagged, lambda c: uow.candidates.save(c.with_tags([*(t.label for t in c.tags), label]))
        ),
        "status change": each(
            open_subs,
            lambda s: uow.submissions.save(
                attrs.evolve(
                    s,
                    status=SubmissionStatus.REJECTED,
                    status_changed_at=now,
                    last_activity_at=now,
                    step=None,
                )
            ),
        ),
    }


# --- one size ------------------------------------------------------------------------------


def prepare(size: int, seed: int, country: str, clustered: float, runs: int) -> SizeRun:
    """Generate the dataset of *size* candidates (streamed, without the CVs) and its queries."""
    spec = performance_spec(size, seed=seed, country=country, clustered=clustered)
    account = generate(attrs.evolve(spec, size=0))
    queries = pools(spec)
    data = attrs.evolve(
        account, requisitions=account.requisitions + tuple(p.requisition for p in queries)
    )
    before = rss_mb()
    start = time.perf_counter()
    applicants = [Applicant(a.candidate, a.submissions, ()) for a in generate_applicants(spec)]
    generated = time.perf_counter() - start
    popularity: dict[str, tuple[int, Tag]] = {}
    for applicant in applicants:
        for tag in applicant.candidate.tags:
            seen, _ = popularity.get(tag.key, (0, tag))
            popularity[tag.key] = (seen + 1, tag)
    tags = tuple(
        tag for _, tag in sorted(popularity.values(), key=lambda p: (-p[0], p[1].key))[:TRACKED]
    )
    return SizeRun(
        size,
        spec,
        data,
        applicants,
        queries,
        tags,
        TERMS.get(spec.country.language, "Kasse"),
        FixedClock(spec.now),
        runs,
        generated=generated,
        generated_mb=max(0.0, rss_mb() - before),
    )


@contextmanager
def postgres_server(url: str | None) -> Iterator[str]:
    """The given server, or a throwaway one for the block (exits saying what to install)."""
    if url is not None:
        yield url
        return
    try:
        with throwaway_postgres(["shared_buffers=256MB"]) as started:
            yield started
    except PostgresUnavailableError as e:
        sys.exit(f"{e}; or pass --postgres-url")


def run_size(run: SizeRun, stores: Sequence[str], args: argparse.Namespace) -> None:
    """Measure the baseline and every store at one size."""
    run.run_baseline(args.baseline_runs)
    with tempfile.TemporaryDirectory() as tmp:
        for path in stores:
            costs = run.costs[path] = Costs()
            gc.collect()
            if path == "memory":
                if run.size > args.memory_max:
                    costs.note = f"skipped above {args.memory_max:,}"
                    continue
                before = rss_mb()
                start = time.perf_counter()
                uow = load_memory(run.data, run.applicants)
                costs.load = time.perf_counter() - start
                build = getattr(uow, "build_indexes", None)
                if callable(build):
                    start = time.perf_counter()
                    build()
                    costs.index = time.perf_counter() - start
                costs.held = max(0.0, rss_mb() - before)
                costs.note = f"{run.generated_mb + costs.held:,.0f} MB with the entities"
                sizes = getattr(uow, "index_sizes", None)
                if callable(sizes):
                    parts = sizes()
                    total = sum(parts.values()) / 1e6
                    shown = ", ".join(f"{k} {v / 1e6:,.0f}" for k, v in parts.items())
                    costs.note += f"; index {total:,.0f} MB ({shown})"
                run.measure(path, uow)
                del uow
                continue
            sqlite = path == "sqlite"
            if sqlite:
                db = Path(args.db) if args.db else Path(tmp) / f"perf-{run.size}.db"
                context: Any = nullcontext(f"sqlite:///{db}")
            else:
                context = postgres_server(args.postgres_url)
            with context as url:
                store = SqlStore(url)
                reuse = args.reuse and (sqlite or args.postgres_url is not None)
                account = _sql_account(store, run, costs, args, reuse=reuse)
                if sqlite:
                    costs.note += f"{db.stat().st_size / 1e6:,.0f} MB file"
                run.measure(path, store.unit_of_work(account), writes=not reuse)
                store.dispose()


def _sql_account(
    store: SqlStore, run: SizeRun, costs: Costs, args: argparse.Namespace, *, reuse: bool
) -> str:
    """The account the run's dataset is in on *store*, bulk-imported (timed) unless reused."""
    if reuse:
        # One account per dataset, imported once and kept as imported.
        shape = "spread" if args.spread else "clustered"
        account = f"perf-{run.size}-{args.country}-{shape}-seed{args.seed}"
        uow = store.unit_of_work(account)
        with uow:
            imported = len(uow.submissions) == sum(len(a.submissions) for a in run.applicants)
        if imported:
            costs.note = "imported by an earlier run; "
            return account
    else:
        # An account of its own: a given server or file may hold earlier runs.
        account = f"perf-{run.size}-{uuid.uuid4().hex[:12]}"
    start = time.perf_counter()
    load_sql(store, account, run.data, run.applicants)
    costs.load = time.perf_counter() - start
    if args.optimize:  # the database's bookkeeping, as a host does after an import
        start = time.perf_counter()
        store.optimize()
        costs.index = time.perf_counter() - start
    return account


# --- the tables ----------------------------------------------------------------------------


def _size(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return f"{size:,}"


def _ratio(ratio: float) -> str:
    return f"{ratio:,.0f}×" if ratio >= 10 else f"{ratio:.1f}×" if ratio >= 1 else f"{ratio:.2g}×"


def _total(result: object) -> str:
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], int):
        return f"{result[1]:,}"
    if isinstance(result, dict):
        return f"{sum(result.values()):,}"
    return str(getattr(result, "value", result))


def tables(runs: Sequence[SizeRun], paths: Sequence[str]) -> str:
    """The reads side by side by size, then the costs of every store."""
    heads = ["query", "path"]
    for r in runs:
        s = _size(r.size)
        heads += [f"{s}: total", f"{s}: median", f"{s}: spread", f"{s}: × baseline", f"{s}: same"]
    lines = ["| " + " | ".join(heads) + " |", "| --- | --- |" + " ---: |" * (len(heads) - 2)]
    for query in runs[0].queries:
        for path in paths:
            cells = [query, NAMES[path]]
            for r in runs:
                m = r.reads.get((query, path))
                if m is None:
                    cells += ["–"] * 5
                    continue
                median = statistics.median(m.times)
                base = r.reads.get((query, "baseline"))
                ratio = "–" if base is None else _ratio(statistics.median(base.times) / median)
                spread = f"{duration(min(m.times))}–{duration(max(m.times))}"
                same = "ref" if m.same is None else "yes" if m.same else "NO"
                cells += [_total(m.result), duration(median), spread, ratio, same]
            lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "| store | size | load | index build | held MB | query peak MB | "
        + " | ".join(f"write: {w}" for w in WRITES)
        + " | note |",
    ]
    lines.append("| --- | --- |" + " ---: |" * (4 + len(WRITES)) + " --- |")
    for path in paths:
        if path == "baseline":
            continue
        for r in runs:
            c = r.costs.get(path)
            if c is None:
                continue
            cells = [
                NAMES[path],
                _size(r.size),
                "–" if c.load is None else duration(c.load),
                "–" if c.index is None else duration(c.index),
                "–" if c.held is None else f"{c.held:,.0f}",
                "–" if c.peak is None else f"{c.peak:,.0f}",
                *(duration(c.writes[w]) if w in c.writes else "–" for w in WRITES),
                c.note,
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- the command ---------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s.replace("_", "").strip()) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of sizes: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are whole numbers from 1")
    return sizes


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument(
        "--size", type=_sizes, default=[10_000], help="candidates, e.g. 10000,100000,1000000"
    )
    p.add_argument("--seed", type=int, default=7, help="the generator's seed")
    p.add_argument("--country", default="DE", help="ISO code of the country: DE or CZ")
    shape = p.add_mutually_exclusive_group()
    shape.add_argument(
        "--spread", action="store_true", help="every residence spread over the country"
    )
    shape.add_argument(
        "--clustered", action="store_true", help="70%% clustered around the towns (the default)"
    )
    p.add_argument("--stores", default=",".join(STORES), help="of " + ", ".join(STORES))
    p.add_argument("--runs", type=int, default=5, help="timed runs per query and store")
    p.add_argument("--baseline-runs", type=int, default=1, help="timed runs of each naive scan")
    p.add_argument("--postgres-url", help="an SQLAlchemy URL (default: start a server per size)")
    p.add_argument("--db", help="the SQLite file (default: a new temporary one)")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="with --db or --postgres-url: import the dataset into the file or database only "
        "if an earlier run has not, and leave it as imported (the writes are not timed)",
    )
    p.add_argument(
        "--queries",
        default=",".join(KINDS),
        help="of " + ", ".join(KINDS) + " (the autopools, folder counts, the visibility "
        "decision, the micro-pool listing with a word)",
    )
    p.add_argument(
        "--memory-max", type=int, default=1_000_000, help="largest size loaded in memory"
    )
    p.add_argument(
        "--no-optimize",
        dest="optimize",
        action="store_false",
        help="query the SQL stores straight after the import, without SqlStore.optimize()",
    )
    p.add_argument("--out", type=Path, help="also write the report to this file")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return 1 if a path disagrees with the baseline."""
    p = parser()
    args = p.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = set(stores) - set(STORES)
    if unknown:
        p.error(f"unknown stores: {', '.join(sorted(unknown))}")
    chosen = frozenset(q.strip() for q in args.queries.split(",") if q.strip())
    if not chosen or chosen - set(KINDS):
        p.error(f"unknown queries: {', '.join(sorted(chosen - set(KINDS))) or '(none)'}")
    if args.reuse and not (args.db or args.postgres_url):
        p.error("--reuse needs --db or --postgres-url")
    if args.runs < 1 or args.baseline_runs < 1:
        p.error("--runs and --baseline-runs must be 1 or more")
    clustered = 0.0 if args.spread else 0.7
    shape = "spread over the country" if args.spread else "70% clustered around its towns"
    report = [
        f"# talentpool performance: {', '.join(_size(s) for s in args.size)} candidates",
        "",
        f"`python benchmarks/perf.py {' '.join(sys.argv[1:] if argv is None else argv)}`",
        "",
        f"{platform.python_implementation()} {platform.python_version()} on "
        f"{platform.machine()}, {os.cpu_count()} cores; {args.runs} runs per query after one "
        f"warm-up, {args.baseline_runs} of each naive scan.",
        "",
    ]
    runs: list[SizeRun] = []
    for size in args.size:
        run = prepare(size, args.seed, args.country, clustered, args.runs)
        run.chosen = chosen
        subs = sum(len(a.submissions) for a in run.applicants)
        active = sum(s.is_active(run.spec.now) for a in run.applicants for s in a.submissions)
        places = sorted({f"{p.place} ({p.key.split()[1]})" for p in run.pools})
        line = (
            f"* {size:,} candidates, {subs:,} submissions ({active / max(subs, 1):.0%} active), "
            f"{run.spec.country.name} {shape}, seed {args.seed}: generated in "
            f"{run.generated:,.1f} s, {run.generated_mb:,.0f} MB; pools around "
            f"{' and '.join(places)}; micro-pool {run.tags[0].label!r} with {run.term!r}"
        )
        print(line, flush=True)
        report.append(line)
        run_size(run, stores, args)
        run.applicants.clear()  # the next size needs the memory; the table needs only results
        runs.append(run)
        gc.collect()
    problems = [problem for r in runs for problem in r.problems]
    report += [
        "",
        tables(runs, ["baseline", *stores]),
        "",
        f"peak memory of the process: {highest_mb():,.0f} MB",
        "every path agrees with the baseline: " + ("NO" if problems else "yes"),
    ]
    text = "\n".join(report)
    print()
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    for problem in problems:
        print("DISAGREE: " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
