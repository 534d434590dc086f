"""The unit of work groups the writes of one action: all happen or none does (AP9, AP10, AP12).

These tests run against :class:`~talentpool.adapters.memory.MemoryUnitOfWork`,
the reference every other adapter is measured by.
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
from talentpool.events import DomainEvent
from talentpool.ids import CandidateId, RequisitionId, SubmissionId, UserId
from talentpool.model import Candidate, Requisition, Submission, SubmissionStatus
from talentpool.testing import World

WHEN = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@attrs.frozen(kw_only=True)
class Noted(DomainEvent):
    """A test event.

    Attributes:
        note: What happened.
    """

    note: str


def _candidate(cid: str) -> Candidate:
    return Candidate(CandidateId(cid), "Eva", cid.title(), created_at=WHEN)


def _requisition(rid: str = "r1") -> Requisition:
    return Requisition(RequisitionId(rid), rid.upper(), created_at=WHEN)


def _submission(sid: str, cid: str = "c1", rid: str = "r1") -> Submission:
    return Submission(SubmissionId(sid), CandidateId(cid), RequisitionId(rid), submitted_at=WHEN)


def _event(note: str) -> Noted:
    return Noted(occurred_at=WHEN, actor_id=UserId("u1"), note=note)


class BoomError(Exception):
    """Raised midway through an action."""


@pytest.fixture
def uow() -> MemoryUnitOfWork:
    store = MemoryUnitOfWork()
    store.requisitions.save(_requisition())
    store.candidates.save(_candidate("c1"))
    return store


def _state(uow: MemoryUnitOfWork) -> tuple[object, ...]:
    return (
        list(uow.candidates),
        list(uow.submissions),
        uow.submissions.for_candidate(CandidateId("c1")),
        uow.submissions.for_requisition(RequisitionId("r1")),
        list(uow.requisitions),
        uow.settings.get(),
        list(uow.events),
    )


def test_a_failure_midway_leaves_nothing_written_events_included(uow: MemoryUnitOfWork) -> None:
    """A failing action writes nothing: no entity, no index entry, no event."""
    before = _state(uow)

    def action() -> None:
        with uow:
            uow.candidates.save(_candidate("c2"))
            uow.submissions.save(_submission("s1"))
            uow.requisitions.save(attrs.evolve(_requisition(), pool_exclusions={CandidateId("c1")}))
            uow.events.append(_event("half done"))
            raise BoomError

    with pytest.raises(BoomError):
        action()
    assert _state(uow) == before
    assert list(uow.events) == []


def test_a_block_without_commit_writes_nothing(uow: MemoryUnitOfWork) -> None:
    before = _state(uow)
    with uow:
        uow.submissions.save(_submission("s1"))
        uow.events.append(_event("forgotten"))
    assert _state(uow) == before


def test_committed_writes_stay_and_later_uncommitted_ones_go(uow: MemoryUnitOfWork) -> None:
    with uow:
        uow.submissions.save(_submission("s1"))
        uow.events.append(_event("kept"))
        uow.commit()
        uow.submissions.save(_submission("s2"))
        uow.events.append(_event("dropped"))
    assert [s.id for s in uow.submissions] == ["s1"]
    assert [e.note for e in uow.events if isinstance(e, Noted)] == ["kept"]


def test_rollback_undoes_the_writes_since_the_last_commit(uow: MemoryUnitOfWork) -> None:
    with uow:
        uow.submissions.save(_submission("s1"))
        uow.commit()
        uow.submissions.save(attrs.evolve(_submission("s1"), status=SubmissionStatus.INACTIVE))
        uow.rollback()
        assert uow.submissions.get(SubmissionId("s1")).status is SubmissionStatus.NEW
        uow.commit()
    assert uow.submissions.get(SubmissionId("s1")).status is SubmissionStatus.NEW


def test_replacing_a_submission_then_failing_restores_the_indexes(uow: MemoryUnitOfWork) -> None:
    uow.requisitions.save(_requisition("r2"))
    uow.submissions.save(_submission("s1"))

    def action() -> None:
        with uow:
            uow.submissions.save(_submission("s1", rid="r2"))  # moved to another requisition
            raise BoomError

    with pytest.raises(BoomError):
        action()
    assert [s.id for s in uow.submissions.for_requisition(RequisitionId("r1"))] == ["s1"]
    assert uow.submissions.for_requisition(RequisitionId("r2")) == []


def test_undoing_an_event_removes_that_event_not_an_equal_earlier_one(
    uow: MemoryUnitOfWork,
) -> None:
    """Undo works by identity: an equal event committed earlier keeps its place."""
    first, other, again = _event("same"), _event("other"), _event("same")
    assert first == again
    with uow:
        uow.events.append(first)
        uow.events.append(other)
        uow.commit()
    with uow:
        uow.events.append(again)
    recorded = list(uow.events)
    assert recorded == [first, other]
    assert recorded[0] is first


def test_an_inner_commit_does_not_commit_the_outer_action(uow: MemoryUnitOfWork) -> None:
    """Nested blocks join the outer action: the outermost block decides."""

    def action() -> None:
        with uow:
            uow.candidates.save(_candidate("c2"))
            with uow:
                uow.events.append(_event("inner"))
                uow.commit()
            raise BoomError

    with pytest.raises(BoomError):
        action()
    assert [c.id for c in uow.candidates] == ["c1"]
    assert list(uow.events) == []


def test_an_inner_block_that_fails_is_undone_and_the_outer_may_still_commit(
    uow: MemoryUnitOfWork,
) -> None:

    def inner() -> None:
        with uow:
            uow.candidates.save(_candidate("c3"))
            raise BoomError

    with uow:
        uow.candidates.save(_candidate("c2"))
        with pytest.raises(BoomError):
            inner()
        uow.commit()
    assert [c.id for c in uow.candidates] == ["c1", "c2"]


def test_commit_and_rollback_outside_a_unit_of_work_touch_nothing(uow: MemoryUnitOfWork) -> None:
    uow.candidates.save(_candidate("c2"))  # outside a unit: takes effect at once
    uow.rollback()
    uow.commit()
    assert [c.id for c in uow.candidates] == ["c1", "c2"]


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
