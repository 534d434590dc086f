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
