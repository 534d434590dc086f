"""ST1, ST2, PF5: every read is a query the store answers; a page costs the same at any size.

A counting wrapper around the store records every port call. For each read the
services make, the number of read calls is the same with 100 candidates as with
2,000, and writes grow only with what changes. This is what lets a database
answer each read in a constant number of statements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, Self

import pytest

from talentpool import Keywords, MemoryOutbox, MicroPools, Repooling, Visibility
from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.model import RepoolingRule, Role, SubmissionStatus
from talentpool.testing import World

WRITES = frozenset({"save", "add", "remove", "append"})
ROLES = ("candidates", "submissions", "requisitions", "templates", "users", "structures")
ROLES += ("quick_filters", "settings", "attachments", "repooling_rules", "subscriptions")
ROLES += ("visibility", "notification_settings", "notifications", "events")


class _Counted:
    """One repository, every call counted as ``role.method``."""

    def __init__(self, inner: Any, role: str, calls: Counter[str]) -> None:
        self._inner, self._role, self._calls = inner, role, calls

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._inner, name)
        if not callable(target):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            self._calls[f"{self._role}.{name}"] += 1
            return target(*args, **kwargs)

        return call

    def __iter__(self) -> Iterator[Any]:
        self._calls[f"{self._role}.__iter__"] += 1
        return iter(self._inner)


class CountingUnitOfWork:
    """A unit of work that counts the calls made to each of its repositories."""

    def __init__(self, inner: MemoryUnitOfWork) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()
        for role in ROLES:
            setattr(self, role, _Counted(getattr(inner, role), role, self.calls))

    def __enter__(self) -> Self:
        self.inner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        self.inner.commit()

    def rollback(self) -> None:
        self.inner.rollback()

    def reads(self) -> Counter[str]:
        return Counter({k: n for k, n in self.calls.items() if k.split(".")[1] not in WRITES})

    def writes(self) -> int:
        return sum(n for k, n in self.calls.items() if k.split(".")[1] in WRITES)


def _account(size: int) -> tuple[World, CountingUnitOfWork]:
    """An account of *size* candidates; the same first page whatever the size."""
    world = World()
    world.user("admin", "Alena", Role.ADMINISTRATOR)
    world.user("hm", "Hana")
    world.user("owner", "Olga")
    world.requisition("r-1", "Cashier", owner="owner")
    world.requisition("r-2", "Warehouse")
    for i in range(size):
        tags = ["Brno"] if i % 2 == 0 else ["Praha"]
        text = "cashier night shift" if i % 3 else "warehouse"
        person = world.candidate(f"c{i:05d}", tags=tags, text=text, created_days_ago=i / 1440)
        world.apply(person, "r-1" if i % 5 == 0 else "r-2", last_activity_days_ago=40 + i % 30)
    counting = CountingUnitOfWork(world.uow)
    micro = MicroPools(counting, world.clock, world.ids, MemoryOutbox())  # type: ignore[arg-type]
    micro.subscribe("admin", "hm", "Brno")
    Repooling(counting, world.clock).save_rule(  # type: ignore[arg-type]
        "admin", RepoolingRule("idle", "Idle for 50 days", 50)
    )
    counting.calls.clear()
    return world, counting


READS: dict[str, Callable[[World, CountingUnitOfWork], object]] = {
    "a micro-pool page with a keyword": lambda w, u: Visibility(u, w.clock).candidates(  # type: ignore[arg-type]
        "hm", Keywords("cashier"), micro_pool="Brno", limit=20
    ),
    "a database page for a whole-database user": lambda w, u: Visibility(u, w.clock).candidates(  # type: ignore[arg-type]
        "admin", limit=20
    ),
    "the folder counts": lambda w, u: MicroPools(u, w.clock, w.ids, MemoryOutbox()).folders("hm"),  # type: ignore[arg-type]
    "the subscription dry run": lambda w, u: MicroPools(  # type: ignore[arg-type]
        u, w.clock, w.ids, MemoryOutbox()
    ).dry_run_subscribe("admin", "hm", "Praha"),
    "a repooling run": lambda w, u: Repooling(u, w.clock).run(),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("read", sorted(READS))
def test_st1_read_calls_do_not_grow_with_the_database(read: str) -> None:
    small_world, small = _account(100)
    large_world, large = _account(2000)
    small_result = READS[read](small_world, small)
    large_result = READS[read](large_world, large)
    assert small.reads() == large.reads()
    # a handful of calls for the query, and at most three for each of the 20 rows shown
    assert sum(small.reads().values()) <= 10 + 3 * 20
    assert small_result is not None
    assert large_result is not None


def test_st1_repooling_writes_grow_only_with_what_changes() -> None:
    for size in (100, 2000):
        world, counting = _account(size)
        report = Repooling(counting, world.clock).run()  # type: ignore[arg-type]
        inactive = [s for s in world.uow.submissions if s.status is SubmissionStatus.INACTIVE]
        assert len(report) == len(inactive) > 0
        # one saved submission and one audit event per change, nothing else
        assert counting.writes() == 2 * len(report)


def test_st1_a_listing_page_holds_the_newest_rows_whatever_the_size() -> None:
    pages = []
    for size in (100, 2000):
        world, counting = _account(size)
        found = Visibility(counting, world.clock).candidates(  # type: ignore[arg-type]
            "hm", Keywords("cashier"), micro_pool="Brno", limit=20
        )
        pages.append(found.candidate_ids)
        expected = [
            f"c{i:05d}" for i in range(size) if i % 2 == 0 and i % 3
        ]  # newest first: the smallest i
        assert found.candidate_ids == tuple(expected[:20])
        assert found.total == len(expected)
    assert pages[0] == pages[1]
