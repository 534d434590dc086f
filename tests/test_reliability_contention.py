"""AP9, AP10, AP12, ST3, ST5: writes under contention, on every store.

Managers race, round after round, to match the same candidate onto the same
requisition: half of them match, half match and reject. 16 workers × 200 rounds
under the deep profile (fewer in CI, ``tests/reliability.py``), as threads on the
in-memory store, SQLite and PostgreSQL, and as processes on SQLite and
PostgreSQL. Every round must leave exactly one submission and one audit event,
named by the one winner; a match-and-reject winner leaves it rejected; the
candidate leaves that requisition's pool; every loser gets a library error
(``ConflictError``, or ``StoreBusyError`` saying to retry), never a database
error.

Repooling: several runs of the job at once, in threads and in processes, each
retried while the store says it is busy, leave exactly what one run leaves —
each idle submission inactive once, with one event.
"""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import attrs
import pytest

from reliability import record, sized
from talentpool.actions import AutopoolActions
from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.sql import SqlStore
from talentpool.audit import CandidateMatched, CandidateMatchedAndRejected, SubmissionInactivated
from talentpool.autopool import Autopooling
from talentpool.clock import FixedClock
from talentpool.criteria import AutopoolCriteria
from talentpool.errors import StoreBusyError
from talentpool.ids import CandidateId, RepoolingRuleId, RequisitionId, UserId
from talentpool.model import Permission, RepoolingRule, Role, SubmissionStatus
from talentpool.repooling import Repooling
from talentpool.testing import DEFAULT_NOW, World
from talentpool.testing.fixtures import FixtureStore

WORKERS = 16
ROUNDS = sized(ci=6, deep=200)
PROCESSES = sized(ci=4, deep=16)
PROCESS_ROUNDS = sized(ci=4, deep=200)
PETRA = CandidateId("petra")  # applied as a cook ten days ago: in every job's pool
LIBRARY = ("talentpool.errors.ConflictError", "talentpool.errors.StoreBusyError")
_RUN = uuid.uuid4().hex[:8]


def _processes() -> Any:
    """Processes from a fork server that has the store's modules loaded: each starts fast.

    Not plain ``fork``: a child must not inherit the test's open database connections.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["talentpool.actions", "talentpool.adapters.sql", "psycopg"])
    return context


_ACCOUNTS = itertools.count(1)


@attrs.frozen
class Where:
    """A store to race on: its name, URL and table prefix (none for memory), and an account."""

    name: str
    url: str | None = None
    prefix: str = "talentpool_"
    account: str = "acme"

    def store(self) -> SqlStore:
        assert self.url is not None
        return SqlStore(self.url, prefix=self.prefix)


def _job(n: int) -> RequisitionId:
    return RequisitionId(f"job-{n}")


def _scene(world: World, *, jobs: int, managers: int) -> None:
    """Petra in the pool of every job; managers with no permission but match-and-reject."""
    world.settings(match_and_reject_enabled=True)
    world.requisition("cook", "Cook")
    for n in range(jobs):
        world.requisition(_job(n), f"Job {n}", autopool=AutopoolCriteria())
    world.candidate("petra", "Petra", "Nová")
    world.apply("petra", "cook", submitted_days_ago=10)
    for m in range(managers):
        world.user(f"manager{m}", permissions=[Permission.MATCH_AND_REJECT] if m % 2 else [])


class _Ids:
    """Ids no other worker hands out: each carries its worker's number."""

    def __init__(self, number: int) -> None:
        self._prefix, self._count = f"w{number}", itertools.count(1)

    def new_id(self, kind: str) -> str:
        return f"{kind}-{self._prefix}-{next(self._count)}"


def _kind(error: BaseException) -> str:
    return f"{type(error).__module__}.{type(error).__qualname__}"


def _attempt(actions: AutopoolActions, worker: int, n: int) -> tuple[int, int, str, str]:
    """Worker *worker*'s try in round *n*: even workers match, odd ones match and reject."""
    manager = UserId(f"manager{worker}")
    try:
        if worker % 2:
            submission = actions.match_and_reject(manager, _job(n), PETRA)
        else:
            submission = actions.match(manager, _job(n), PETRA)
    except Exception as e:  # every outcome is reported and asserted on
        return (n, worker, _kind(e), str(e)[:300])
    return (n, worker, "won", submission.id)


def _verify(
    uow: FixtureStore, got: list[tuple[int, int, str, str]], workers: int, rounds: int
) -> dict[str, int]:
    """Each round: one winner, library errors for the rest, one submission, one event."""
    assert len(got) == workers * rounds
    events = list(uow.events)
    acted = {
        e.requisition_id: e
        for e in events
        if isinstance(e, CandidateMatched | CandidateMatchedAndRejected)
    }
    assert len(acted) == len(
        [e for e in events if isinstance(e, CandidateMatched | CandidateMatchedAndRejected)]
    )
    pool = Autopooling(uow, FixedClock(DEFAULT_NOW))
    kinds: dict[str, int] = {}
    for n in range(rounds):
        of_round = [o for o in got if o[0] == n]
        winners = [o for o in of_round if o[2] == "won"]
        assert len(winners) == 1, of_round
        (_, worker, _, sid) = winners[0]
        strays = [o for o in of_round if o[2] not in ("won", *LIBRARY)]
        assert strays == [], strays
        for o in of_round:
            kinds[o[2]] = kinds.get(o[2], 0) + 1
        (submission,) = uow.submissions.for_requisition(_job(n))
        assert submission.id == sid
        rejected = worker % 2 == 1
        assert (submission.status is SubmissionStatus.REJECTED) is rejected
        event = acted[_job(n)]
        assert isinstance(event, CandidateMatchedAndRejected if rejected else CandidateMatched)
        assert event.submission_id == sid
        assert not pool.in_pool(_job(n), PETRA)
    return kinds


def _race_threads(
    make: Callable[[int], AutopoolActions], workers: int, rounds: int
) -> list[tuple[int, int, str, str]]:
    """*workers* threads, each with its own actions; every round released at once."""
    barrier = threading.Barrier(workers, timeout=120)
    got: list[tuple[int, int, str, str]] = []
    lock = threading.Lock()
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            actions = make(worker)
            for n in range(rounds):
                barrier.wait()
                outcome = _attempt(actions, worker, n)
                with lock:
                    got.append(outcome)
        except BaseException as e:  # reported below
            failures.append(e)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    return got


def _race_in_process(where: Where, number: int, rounds: int, barrier: Any, outcomes: Any) -> None:
    """One process: its own store; each round, try when all are ready."""
    store = None
    try:
        store = where.store()
        actions = AutopoolActions(
            store.unit_of_work(where.account), FixedClock(DEFAULT_NOW), _Ids(number)
        )
        for n in range(rounds):
            barrier.wait()
            outcomes.put(_attempt(actions, number, n))
    except BaseException as e:  # reported to the test, which fails on it
        barrier.abort()
        outcomes.put((-1, number, _kind(e), str(e)[:300]))
    finally:
        if store is not None:
            store.dispose()


def _race_processes(where: Where, workers: int, rounds: int) -> list[tuple[int, int, str, str]]:
    context = _processes()
    barrier = context.Barrier(workers, timeout=180)
    outcomes = context.Queue()
    processes = [
        context.Process(target=_race_in_process, args=(where, n, rounds, barrier, outcomes))
        for n in range(workers)
    ]
    for p in processes:
        p.start()
    got: list[tuple[int, int, str, str]] = []
    try:
        while len(got) < workers * rounds:
            got.append(outcomes.get(timeout=240))
            assert got[-1][0] >= 0, got[-1]
    finally:
        for p in processes:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in processes] == [0] * workers
    return got


def _where(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Where:
    """The in-memory store, an SQLite file, or a new account on the PostgreSQL server."""
    if name == "memory":
        return Where("memory")
    if name == "sqlite":
        return Where("sqlite", f"sqlite:///{tmp_path / 'talent.db'}")
    url = request.getfixturevalue("postgres_url")
    return Where("postgres", url, "contention_", f"race-{_RUN}-{next(_ACCOUNTS)}")


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Where:
    """Where to race: each store in turn."""
    return _where(request.param, request, tmp_path)


def _world(where: Where, build: Callable[[World], None]) -> tuple[World, SqlStore | None]:
    store = None if where.url is None else where.store()
    world = World(uow=MemoryUnitOfWork() if store is None else store.unit_of_work(where.account))
    build(world)
    return world, store


def test_ap9_sixteen_threads_match_and_match_and_reject_round_after_round(where: Where) -> None:
    """AP9, AP10: WORKERS threads × ROUNDS rounds; one submission and one event a round."""
    world, store = _world(where, partial(_scene, jobs=ROUNDS, managers=WORKERS))

    def make(worker: int) -> AutopoolActions:
        uow = world.uow if store is None else store.unit_of_work(where.account)
        return AutopoolActions(uow, world.clock, _Ids(worker))

    got = _race_threads(make, WORKERS, ROUNDS)
    kinds = _verify(world.uow, got, WORKERS, ROUNDS)
    record("contention threads", where.name, workers=WORKERS, rounds=ROUNDS, failures=0, **kinds)
    if store is not None:
        store.dispose()


@pytest.mark.parametrize("sql", ["sqlite", "postgres"])
def test_ap9_processes_match_and_match_and_reject_round_after_round(
    sql: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """AP9, AP10, ST3: PROCESSES processes × PROCESS_ROUNDS rounds, each its own store."""
    where = _where(sql, request, tmp_path)
    world, store = _world(where, partial(_scene, jobs=PROCESS_ROUNDS, managers=PROCESSES))
    got = _race_processes(where, PROCESSES, PROCESS_ROUNDS)
    kinds = _verify(world.uow, got, PROCESSES, PROCESS_ROUNDS)
    record(
        "contention processes",
        where.name,
        workers=PROCESSES,
        rounds=PROCESS_ROUNDS,
        failures=0,
        **kinds,
    )
    assert store is not None
    store.dispose()


# --- repooling twice equals once, concurrently too (AP12) ---------------------------------

RUNS = sized(ci=4, deep=16)
IDLE = 12


def _repooling_scene(world: World) -> None:
    """Twelve idle submissions a 30-day rule covers, and two fresh ones it does not."""
    world.user("admin", role=Role.ADMINISTRATOR)
    world.requisition("cook", "Cook")
    for n in range(IDLE + 2):
        world.candidate(f"c{n:02d}")
        submission = world.apply(
            f"c{n:02d}", "cook", submitted_days_ago=90, submission_id=f"s{n:02d}"
        )
        idle = world.now - timedelta(days=45 if n < IDLE else 5)
        world.uow.submissions.save(attrs.evolve(submission, last_activity_at=idle))
    Repooling(world.uow, world.clock).save_rule(
        UserId("admin"), RepoolingRule(RepoolingRuleId("stale"), "Stale after 30 days", 30)
    )


def _run_repooling(uow: FixtureStore) -> tuple[str, ...]:
    """One run as a scheduler makes it: retried while the store is busy."""
    repooling = Repooling(uow, FixedClock(DEFAULT_NOW))
    for _ in range(50):
        try:
            return repooling.run().submission_ids
        except StoreBusyError:
            continue
    raise AssertionError("the store stayed busy for 50 tries")


def _repooled(uow: FixtureStore) -> tuple[list[Any], list[Any]]:
    with uow:
        statuses = sorted((s.id, s.status.value, s.status_changed_at) for s in uow.submissions)
        events = sorted(e.submission_id for e in uow.events if isinstance(e, SubmissionInactivated))
    return statuses, events


def _repool_in_process(where: Where, barrier: Any, outcomes: Any) -> None:
    store = None
    try:
        store = where.store()
        uow = store.unit_of_work(where.account)
        barrier.wait()
        outcomes.put(("ran", _run_repooling(uow)))
    except BaseException as e:  # reported to the test
        barrier.abort()
        outcomes.put((_kind(e), (str(e)[:300],)))
    finally:
        if store is not None:
            store.dispose()


@pytest.mark.parametrize(
    ("name", "how"),
    [
        ("memory", "threads"),  # the in-memory store lives in one process
        ("sqlite", "threads"),
        ("sqlite", "processes"),
        ("postgres", "threads"),
        ("postgres", "processes"),
    ],
)
def test_ap12_repooling_at_once_equals_repooling_once(
    name: str, how: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """AP12: RUNS runs at once, then one more, leave what one run leaves; each change once."""
    where = _where(name, request, tmp_path)
    world, store = _world(where, _repooling_scene)
    once = World(uow=MemoryUnitOfWork())
    _repooling_scene(once)
    first = _run_repooling(once.uow)
    assert len(first) == IDLE
    want = _repooled(once.uow)
    if how == "threads":

        def uow_for_thread() -> FixtureStore:
            return world.uow if store is None else store.unit_of_work(where.account)

        reports: list[tuple[str, ...]] = []
        barrier = threading.Barrier(RUNS, timeout=120)

        def run() -> None:
            uow = uow_for_thread()
            barrier.wait()
            reports.append(_run_repooling(uow))

        threads = [threading.Thread(target=run) for _ in range(RUNS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        context = _processes()
        barrier = context.Barrier(RUNS, timeout=180)
        outcomes = context.Queue()
        processes = [
            context.Process(target=_repool_in_process, args=(where, barrier, outcomes))
            for _ in range(RUNS)
        ]
        for p in processes:
            p.start()
        got = [outcomes.get(timeout=240) for _ in range(RUNS)]
        for p in processes:
            p.join(timeout=60)
        assert [k for k, _ in got] == ["ran"] * RUNS, got
        reports = [r for _, r in got]
    assert len(reports) == RUNS
    changed = sorted(sid for report in reports for sid in report)
    assert changed == sorted(first)  # each idle submission set inactive by exactly one run
    assert _run_repooling(world.uow) == ()  # and once more changes nothing
    assert _repooled(world.uow) == want
    record("repooling at once", where.name, runs=RUNS, how=how, idle=IDLE, failures=0)
    if store is not None:
        store.dispose()
