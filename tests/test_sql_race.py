"""AP9, ST3: racing to match on the SQL store, between processes and threads, and a busy file.

The in-memory store serialises units of work with a lock (``tests/test_actions.py``).
On SQLite the lock is the database file's: every unit of work begins with
``BEGIN IMMEDIATE`` and waits up to the store's busy timeout for it, and a unique
constraint on (account, candidate, requisition) stands behind ``add``. So
managers matching the same candidate at once, from separate processes or threads,
leave one submission; each other one gets ``ConflictError``, or ``StoreBusyError``
if it really waited longer than the timeout, and never a raw database error.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc

from racing import race
from talentpool.actions import AutopoolActions
from talentpool.adapters.sql import SqlStore
from talentpool.audit import CandidateMatched, CandidateMatchedAndRejected
from talentpool.clock import FixedClock
from talentpool.criteria import AutopoolCriteria
from talentpool.errors import ConflictError, StoreBusyError
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import Candidate, Permission
from talentpool.testing import DEFAULT_NOW, World

ROUNDS = 30
PROCESSES = 4
PETRA = CandidateId("petra")  # applied as a cook 10 days ago: in every job's pool
LIBRARY_ERRORS = {"talentpool.errors.ConflictError", "talentpool.errors.StoreBusyError"}


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'talent.db'}"


def _job(n: int) -> RequisitionId:
    return RequisitionId(f"job-{n}")


def _scene(world: World, *, jobs: int, managers: int) -> None:
    """Petra in the pool of every job; managers without any permission (AP9: the pool is enough)."""
    world.requisition("cook", "Cook")
    for n in range(jobs):
        world.requisition(_job(n), f"Job {n}", autopool=AutopoolCriteria())
    world.candidate("petra", "Petra", "Nová")
    world.apply("petra", "cook", submitted_days_ago=10)
    for n in range(managers):
        world.user(f"manager{n}")


def _kind(error: BaseException) -> str:
    return f"{type(error).__module__}.{type(error).__qualname__}"


class _ProcessIds:
    """Submission ids no other process hands out: each carries its process's number."""

    def __init__(self, number: int) -> None:
        self._prefix = f"p{number}"
        self._count = 0

    def new_id(self, kind: str) -> str:
        self._count += 1
        return f"{kind}-{self._prefix}-{self._count}"


def _match_in_rounds(url: str, number: int, barrier: Any, outcomes: Any) -> None:
    """One process: its own store on the file; each round, match Petra when all are ready."""
    try:
        store = SqlStore(url)
        actions = AutopoolActions(
            store.unit_of_work("acme"), FixedClock(DEFAULT_NOW), _ProcessIds(number)
        )
    except BaseException as e:  # reported to the test, which fails on it
        barrier.abort()
        outcomes.put((-1, number, _kind(e), str(e)))
        return
    try:
        for n in range(ROUNDS):
            barrier.wait()
            try:
                submission = actions.match(UserId(f"manager{number}"), _job(n), PETRA)
            except Exception as e:  # every outcome is reported and asserted on
                outcomes.put((n, number, _kind(e), str(e)))
            else:
                outcomes.put((n, number, "won", submission.id))
    except threading.BrokenBarrierError:
        outcomes.put((-1, number, "broken barrier", "another process failed"))
    finally:
        store.dispose()


def test_processes_matching_at_once_leave_one_submission_each_round(tmp_path: Path) -> None:
    """AP9, ST3: 4 processes × 30 rounds on one file; one winner a round, the rest refused."""
    url = _url(tmp_path)
    world = World(uow=SqlStore(url).unit_of_work("acme"))
    _scene(world, jobs=ROUNDS, managers=PROCESSES)
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(PROCESSES, timeout=60)
    outcomes = spawn.Queue()
    workers = [
        spawn.Process(target=_match_in_rounds, args=(url, n, barrier, outcomes))
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    got: list[tuple[int, int, str, str]] = []
    try:
        while len(got) < ROUNDS * PROCESSES:
            got.append(outcomes.get(timeout=60))
            assert got[-1][0] >= 0, got[-1]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    assert [w.exitcode for w in workers] == [0] * PROCESSES

    uow = world.uow
    won = {}
    for n in range(ROUNDS):
        outcomes_of_round = [o for o in got if o[0] == n]
        winners = [o for o in outcomes_of_round if o[2] == "won"]
        assert len(winners) == 1, outcomes_of_round
        losers = [o for o in outcomes_of_round if o[2] != "won"]
        assert len(losers) == PROCESSES - 1
        assert {o[2] for o in losers} <= LIBRARY_ERRORS, losers
        won[n] = winners[0][3]
        assert [s.id for s in uow.submissions.for_requisition(_job(n))] == [won[n]]
    conflicts = [o for o in got if o[2] == "talentpool.errors.ConflictError"]
    assert all("already on requisition 'job-" in o[3] for o in conflicts)
    matched = [e for e in uow.events if isinstance(e, CandidateMatched)]
    assert sorted(e.submission_id for e in matched) == sorted(won.values())


# --- threads ------------------------------------------------------------------------------


@pytest.mark.parametrize("units", ["one unit of work", "a unit of work each", "a store each"])
def test_eight_threads_matching_at_once_leave_one_submission(tmp_path: Path, units: str) -> None:
    """AP9, ST3: the memory store's threaded race, on a SQLite file.

    The threads share one unit of work (each thread has its own connection and
    transaction in it), or each opens its own, or each its own store.
    """
    store = SqlStore(_url(tmp_path))
    world = World(uow=store.unit_of_work("acme"))
    _scene(world, jobs=1, managers=8)

    def actions() -> AutopoolActions:
        if units == "one unit of work":
            uow = world.uow
        elif units == "a unit of work each":
            uow = store.unit_of_work("acme")
        else:
            uow = SqlStore(_url(tmp_path)).unit_of_work("acme")
        return AutopoolActions(uow, world.clock, world.ids)

    calls = [partial(actions().match, UserId(f"manager{n}"), _job(0), PETRA) for n in range(8)]
    results, errors = race(calls)
    assert len(results) == 1, errors
    assert len(errors) == 7
    assert all(isinstance(e, ConflictError) for e in errors), errors
    assert all("already on requisition 'job-0'" in str(e) for e in errors)
    assert world.uow.submissions.for_requisition(_job(0)) == results
    assert len([e for e in world.uow.events if isinstance(e, CandidateMatched)]) == 1


def test_match_and_match_and_reject_racing_on_sqlite_leave_one_submission(tmp_path: Path) -> None:
    """AP9, AP10: the two actions racing each other still create one submission."""
    world = World(uow=SqlStore(_url(tmp_path)).unit_of_work("acme"))
    _scene(world, jobs=1, managers=1)
    world.user("mia", permissions=[Permission.MATCH_AND_REJECT])
    world.settings(match_and_reject_enabled=True)
    actions = AutopoolActions(world.uow, world.clock, world.ids)
    calls = [partial(actions.match, UserId("manager0"), _job(0), PETRA)] * 4
    calls += [partial(actions.match_and_reject, UserId("mia"), _job(0), PETRA)] * 4
    results, errors = race(calls)
    assert len(results) == 1, errors
    assert all(isinstance(e, ConflictError) for e in errors), errors
    assert world.uow.submissions.for_requisition(_job(0)) == results
    actions_recorded = [
        e for e in world.uow.events if isinstance(e, CandidateMatched | CandidateMatchedAndRejected)
    ]
    assert len(actions_recorded) == 1


# --- a busy database ----------------------------------------------------------------------


def _hold_the_write_lock(tmp_path: Path) -> sqlite3.Connection:
    """Another program's write transaction on the file (SQLite's locks are the file's)."""
    other = sqlite3.connect(tmp_path / "talent.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_write_kept_waiting_past_the_busy_timeout_is_store_busy_and_writes_nothing(
    tmp_path: Path,
) -> None:
    """ST3: a lock held longer than ``busy_timeout`` is ``StoreBusyError``, saying what to do."""
    world = World(uow=SqlStore(_url(tmp_path)).unit_of_work("acme"))
    _scene(world, jobs=1, managers=1)
    busy = SqlStore(_url(tmp_path), busy_timeout=0.2)
    uow = busy.unit_of_work("acme")
    actions = AutopoolActions(uow, world.clock, world.ids)

    other = _hold_the_write_lock(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusyError) as caught:
            actions.match(UserId("manager0"), _job(0), PETRA)
        waited = time.monotonic() - started
        with pytest.raises(StoreBusyError, match="while trying to save candidate 'eva'"):
            uow.candidates.save(Candidate(CandidateId("eva"), "Eva", "Nová", DEFAULT_NOW))
    finally:
        other.rollback()
        other.close()

    error = caught.value
    assert str(error) == (
        "the database stayed locked for 0.2 s while trying to begin a unit of work; another "
        "process holds a long write transaction. Retry the action, or open the store with a "
        "longer busy_timeout."
    )
    assert error.waited == 0.2
    assert isinstance(error.__cause__, sa_exc.OperationalError)
    assert "database is locked" in str(error.__cause__)
    assert 0.15 <= waited < 5
    assert busy.engine.pool.checkedout() == 0  # the failed block gave its connection back

    # nothing was written, and the same store works once the lock is free
    assert uow.submissions.for_requisition(_job(0)) == []
    assert [e for e in uow.events if isinstance(e, CandidateMatched)] == []
    assert [c.id for c in uow.candidates] == [PETRA]
    submission = actions.match(UserId("manager0"), _job(0), PETRA)
    assert world.uow.submissions.for_requisition(_job(0)) == [submission]


def test_a_write_kept_waiting_less_than_the_busy_timeout_waits_and_goes_through(
    tmp_path: Path,
) -> None:
    """ST3: within the timeout a second writer waits for the first instead of failing."""
    world = World(uow=SqlStore(_url(tmp_path)).unit_of_work("acme"))
    _scene(world, jobs=1, managers=1)
    actions = AutopoolActions(world.uow, world.clock, world.ids)  # busy_timeout: 5 s
    other = _hold_the_write_lock(tmp_path)
    release = threading.Timer(0.3, other.rollback)
    release.start()
    try:
        started = time.monotonic()
        submission = actions.match(UserId("manager0"), _job(0), PETRA)
        waited = time.monotonic() - started
    finally:
        release.join()
        other.close()
    assert waited >= 0.25
    assert world.uow.submissions.for_requisition(_job(0)) == [submission]
