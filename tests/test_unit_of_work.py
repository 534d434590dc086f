"""The unit of work groups the writes of one action: all happen or none does (AP9, AP10, AP12).

The promises every store keeps (a block without a commit writes nothing, nested
blocks join the outermost, ``rollback`` undoes what came after the last commit)
are :class:`~talentpool.testing.contracts.UnitOfWorkContract`'s, run on every
store. These tests add what only the in-memory reference shows: threads writing
beside an action, and pool reads while one saves.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import attrs
import pytest

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.autopool import Autopooling
from talentpool.criteria import AutopoolCriteria
from talentpool.errors import ConflictError
from talentpool.ids import CandidateId, RequisitionId, SubmissionId
from talentpool.model import Candidate, Requisition, Submission
from talentpool.testing import World

WHEN = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _candidate(cid: str) -> Candidate:
    return Candidate(CandidateId(cid), "Eva", cid.title(), created_at=WHEN)


def _requisition(rid: str = "r1") -> Requisition:
    return Requisition(RequisitionId(rid), rid.upper(), created_at=WHEN)


def _submission(sid: str, cid: str = "c1", rid: str = "r1") -> Submission:
    return Submission(SubmissionId(sid), CandidateId(cid), RequisitionId(rid), submitted_at=WHEN)


class BoomError(Exception):
    """Raised midway through an action."""


@pytest.fixture
def uow() -> MemoryUnitOfWork:
    store = MemoryUnitOfWork()
    store.requisitions.save(_requisition())
    store.candidates.save(_candidate("c1"))
    return store


def test_another_threads_direct_write_is_not_undone_by_this_action(uow: MemoryUnitOfWork) -> None:
    """A failing action undoes its own writes only, never a write another thread made."""
    inside, written = threading.Event(), threading.Event()

    def load() -> None:
        inside.wait()
        uow.candidates.save(_candidate("c9"))  # a fixture load, outside any unit of work
        written.set()

    loader = threading.Thread(target=load)
    loader.start()

    def action() -> None:
        with uow:
            uow.candidates.save(_candidate("c2"))
            inside.set()
            assert written.wait(5)
            raise BoomError

    with pytest.raises(BoomError):
        action()
    loader.join()
    assert [c.id for c in uow.candidates] == ["c1", "c9"]


def test_units_of_work_serialise_read_modify_write(uow: MemoryUnitOfWork) -> None:
    """Sixteen threads each add one exclusion; none is lost."""
    barrier = threading.Barrier(16)

    def exclude(n: int) -> None:
        barrier.wait()
        with uow:
            requisition = uow.requisitions.get(RequisitionId("r1"))
            excluded = requisition.pool_exclusions | {CandidateId(f"c{n}")}
            uow.requisitions.save(attrs.evolve(requisition, pool_exclusions=excluded))
            uow.commit()

    threads = [threading.Thread(target=exclude, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(uow.requisitions.get(RequisitionId("r1")).pool_exclusions) == 16


def test_adding_a_second_submission_for_the_same_pair_is_a_conflict(uow: MemoryUnitOfWork) -> None:
    """``add`` is the insert-only path a database backs with a unique constraint (AP9)."""
    uow.submissions.add(_submission("s1"))
    with pytest.raises(ConflictError, match="already on requisition 'r1'"):
        uow.submissions.add(_submission("s2"))
    with pytest.raises(ConflictError, match="already exists"):
        uow.submissions.add(_submission("s1"))
    assert [s.id for s in uow.submissions] == ["s1"]


def test_add_from_many_threads_outside_a_unit_still_inserts_once(uow: MemoryUnitOfWork) -> None:
    barrier = threading.Barrier(8)
    conflicts: list[ConflictError] = []

    def add(n: int) -> None:
        barrier.wait()
        try:
            uow.submissions.add(_submission(f"s{n}"))
        except ConflictError as e:
            conflicts.append(e)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(uow.submissions.for_requisition(RequisitionId("r1"))) == 1
    assert len(conflicts) == 7


# --- reads through the services run inside a unit of work (review fix) -----------------


def _pool_world() -> tuple[World, Autopooling]:
    world = World()
    everyone = AutopoolCriteria(exclude_expired_submissions=False, exclude_hired_within_days=None)
    world.requisition("elsewhere", "Cashier")
    world.requisition("job", "Store assistant", autopool=everyone)
    world.apply(world.candidate("c0"), "elsewhere")
    return world, Autopooling(world.uow, world.clock)


def test_pool_reads_never_see_another_actions_uncommitted_writes() -> None:
    """AP7, ST2: ``results`` waits for a writer's unit of work and sees only what it committed."""
    world, pool = _pool_world()
    inside, release = threading.Event(), threading.Event()
    seen: list[tuple[CandidateId, ...]] = []

    def writer() -> None:
        with world.uow:
            world.apply(world.candidate("ghost"), "elsewhere")
            inside.set()
            assert release.wait(5)
            # no commit: the candidate and the submission are undone

    def reader() -> None:
        seen.append(pool.results(RequisitionId("job")).candidate_ids)

    writing = threading.Thread(target=writer)
    writing.start()
    assert inside.wait(5)
    reading = threading.Thread(target=reader)
    reading.start()
    reading.join(0.2)  # the read waits for the writer's unit of work to end
    release.set()
    writing.join()
    reading.join()
    assert seen == [("c0",)]


def test_pool_reads_while_a_unit_of_work_saves_candidates_do_not_crash() -> None:
    """AP7, ST2: no ``dictionary changed size during iteration`` under a concurrent writer."""
    world, pool = _pool_world()
    for n in range(200):
        world.apply(world.candidate(f"base{n}"), "elsewhere")
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            with world.uow:
                for _ in range(20):
                    world.uow.candidates.save(_candidate(f"new{n}"))
                    n += 1
                world.uow.commit()
            time.sleep(0.001)  # let the readers in: the store's lock is not fair

    def reader() -> None:
        try:
            for _ in range(10):
                pool.results(RequisitionId("job"))
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    writing = threading.Thread(target=writer)
    readers = [threading.Thread(target=reader) for _ in range(3)]
    writing.start()
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    stop.set()
    writing.join()
    assert errors == []
