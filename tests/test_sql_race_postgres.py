"""AP9, ST5: eight connections racing to match on PostgreSQL leave one submission a round.

Each of eight threads has its own connection (the unit of work keeps one per
thread), and all eight are released at once onto the same candidate and
requisition, a hundred times over. The unique constraint on (account,
candidate, requisition) decides: every round leaves exactly one submission and
one audit event, and every loser gets a library error (``ConflictError``, or
``StoreBusyError`` saying to retry), never a database error.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable
from functools import partial

import attrs
import pytest

from racing import race
from talentpool import AutopoolActions, AutopoolCriteria
from talentpool.adapters.sql import SqlStore
from talentpool.errors import ConflictError, StoreBusyError
from talentpool.events import CandidateMatched
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.testing import World

ROUNDS = 100
MANAGERS = 8
_RUN = uuid.uuid4().hex[:8]  # a server named by TALENTPOOL_TEST_POSTGRES may outlive a run
_ACCOUNTS = itertools.count(1)


def test_ap9_eight_connections_times_a_hundred_rounds_leave_one_submission_each(
    postgres_url: str,
) -> None:
    store = SqlStore(postgres_url, prefix="race_")
    world = World(uow=store.unit_of_work(f"race-{_RUN}-{next(_ACCOUNTS)}"))
    world.requisition("cook", "Cook")
    for n in range(ROUNDS):
        world.requisition(f"barista-{n}", "Barista", autopool=AutopoolCriteria())
    world.candidate("petra", "Petra", "Nová")
    world.apply("petra", "cook", submitted_days_ago=10)
    for m in range(MANAGERS):
        world.user(f"manager{m}")
    actions = AutopoolActions(world.uow, world.clock, world.ids)
    petra = CandidateId("petra")
    for n in range(ROUNDS):
        target = RequisitionId(f"barista-{n}")
        calls: list[Callable[[], object]] = [
            partial(actions.match, UserId(f"manager{m}"), target, petra) for m in range(MANAGERS)
        ]
        won, lost = race(calls)
        assert len(won) == 1, f"round {n}: {lost}"
        assert len(lost) == MANAGERS - 1
        # A loser that read before the winner committed is refused by the unique
        # constraint (ConflictError); one whose snapshot the winner's write touched is
        # refused by the database, to retry (StoreBusyError). Never a raw database error.
        strays = [repr(e)[:300] for e in lost if not isinstance(e, ConflictError | StoreBusyError)]
        assert strays == []
        with world.uow:
            assert len(world.uow.submissions.for_requisition(target)) == 1
    matched = [e for e in world.uow.events if isinstance(e, CandidateMatched)]
    assert len(matched) == ROUNDS
    store.dispose()


def test_st5_a_write_over_a_concurrent_change_is_store_busy_and_writes_nothing(
    postgres_url: str,
) -> None:
    """ST5: a serialization failure reaches the caller as StoreBusyError, never raw.

    The first unit of work reads the candidate (its snapshot begins); a second one
    changes the candidate and commits; the first one's write over that change is
    refused by the database and surfaces as ``StoreBusyError``, which says to retry.
    """
    store = SqlStore(postgres_url, prefix="race_")
    account = f"busy-{_RUN}-{next(_ACCOUNTS)}"
    world = World(uow=store.unit_of_work(account))
    eva = world.candidate("eva", "Eva", "Nováková")
    first, second = store.unit_of_work(account), store.unit_of_work(account)
    done = threading.Event()

    def meanwhile() -> None:
        with second:
            second.candidates.save(attrs.evolve(eva, text="changed meanwhile"))
            second.commit()
        done.set()

    with first:
        assert first.candidates.get(CandidateId("eva")) == eva
        worker = threading.Thread(target=meanwhile)
        worker.start()
        worker.join()
        assert done.is_set()
        with pytest.raises(StoreBusyError, match="Retry the action"):
            first.candidates.save(attrs.evolve(eva, text="my change"))
    with world.uow:
        assert world.uow.candidates.get(CandidateId("eva")).text == "changed meanwhile"
    store.dispose()


def test_st7_two_syncs_of_one_new_candidate_at_once_never_conflict(postgres_url: str) -> None:
    """ST7, ST5: concurrent upserts of the same new row insert it once, never ConflictError.

    Each writer's batch is one ``INSERT ... ON CONFLICT DO UPDATE``; a writer whose
    snapshot the other's insert overtook is told to retry (StoreBusyError).
    """
    from talentpool.adapters.sql import Sync
    from talentpool.model import Candidate

    store = SqlStore(postgres_url, prefix="race_")
    account = f"sync-{_RUN}-{next(_ACCOUNTS)}"
    when = World().now
    calls: list[Callable[[], object]] = [
        partial(Sync(store, account).save_candidates, [Candidate("c1", "Eva", f"Nová{n}", when)])
        for n in range(MANAGERS)
    ]
    won, lost = race(calls)
    assert won, lost
    assert [e for e in lost if not isinstance(e, StoreBusyError)] == []
    uow = store.unit_of_work(account)
    with uow:
        assert [c.id for c in uow.candidates] == ["c1"]
    store.dispose()


def test_st5_records_of_many_candidates_are_read_in_slices(postgres_url: str) -> None:
    """ST5: a whole-database view reads thousands of records without one huge statement."""
    from datetime import timedelta

    from talentpool.adapters.sql import Sync
    from talentpool.model import Candidate, Requisition, Submission
    from talentpool.queries import ResponsesQuery, Viewer

    store = SqlStore(postgres_url, prefix="race_")
    account = f"many-{_RUN}-{next(_ACCOUNTS)}"
    sync, when = Sync(store, account), World().now
    sync.save_requisition(Requisition("r", "Cashier", when - timedelta(days=30)))
    size = 1_300  # more than two slices of ids
    sync.save_candidates(Candidate(f"c{i:04d}", "Eva", "Nová", when) for i in range(size))
    sync.save_submissions(
        Submission(f"s{i:04d}", f"c{i:04d}", "r", when - timedelta(minutes=i)) for i in range(size)
    )
    uow = store.unit_of_work(account)
    with uow:
        page = uow.submissions.responses(ResponsesQuery(Viewer("admin", whole_database=True)))
    assert page.total == size
    assert [a.submission.id for _, a in page.rows][:3] == ["s0000", "s0001", "s0002"]
    store.dispose()
