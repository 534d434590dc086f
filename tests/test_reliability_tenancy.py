"""ST6: generated two-account worlds in one SQL database; nothing crosses between them.

Two accounts are drawn independently from the test kit's ``worlds(max_users=3)``,
so they use the same ids (``cand-00``, ``req-1``, ``user-0`` …) for different
people and histories, and are loaded side by side into one database (SQLite and
PostgreSQL); the first is also loaded alone into the in-memory reference. Then:

* every visibility read of each account (decisions, cards, rows, listings and
  totals, folder counts, micro-pools, "Candidates on positions") matches the
  brute-force reference of that account alone (``tests/visibility_reference.py``);
* its pool and its count match the reference store's;
* writes in the first account (tags that notify trackers, a match, a new
  subscription) notify exactly whom the reference notifies, with the same
  notifications, and leave every row of the second account byte-identical,
  its answers unchanged.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from reliability import record, sized
from talentpool.actions import AutopoolActions
from talentpool.adapters.memory import MemoryIds, MemoryUnitOfWork
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.adapters.sql import SqlStore
from talentpool.autopool import Autopooling
from talentpool.clock import FixedClock
from talentpool.criteria import AutopoolCriteria
from talentpool.micropools import MicroPools
from talentpool.model import AccountSettings, Subscription, Tag
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.strategies import TAG_LABELS, TARGET_ID, WorldSpec, worlds
from visibility_reference import check, from_spec, load

PAIRS = sized(ci=3, deep=30)
_RUN = uuid.uuid4().hex[:8]
_PAIRS = itertools.count(1)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> Iterator[tuple[str, SqlStore]]:
    """One database that holds every pair of accounts."""
    if request.param == "sqlite":
        store = SqlStore("sqlite://")
    else:
        store = SqlStore(request.getfixturevalue("postgres_url"), prefix="tenancy_generated_")
    yield request.param, store
    store.dispose()


def _rows(store: SqlStore, account: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of *account*, table by table, exactly as stored."""
    with store.engine.connect() as c:
        return {
            t.name: [
                tuple(r)
                for r in c.execute(
                    select(t).where(t.c.account == account).order_by(*t.primary_key.columns)
                )
            ]
            for t in store.schema.metadata.sorted_tables
            if "account" in t.c
        }


def _loaded(spec: WorldSpec, uow: FixtureStore) -> None:
    load(from_spec(spec), uow)
    with uow:
        uow.settings.save(AccountSettings(autopool_enabled=True))
        uow.requisitions.save(attrs.evolve(spec.target, autopool=AutopoolCriteria()))
        uow.commit()


def _pool(spec: WorldSpec, uow: FixtureStore) -> tuple[tuple[str, ...], int]:
    found = Autopooling(uow, FixedClock(spec.now)).results(TARGET_ID)
    return found.candidate_ids, found.total


def _writes(spec: WorldSpec, uow: FixtureStore, labels: list[str]) -> dict[str, Any]:
    """Tag, match and subscribe in one account; return whom it notified and how."""
    clock, outbox = FixedClock(spec.now), MemoryOutbox()
    pools = MicroPools(uow, clock, MemoryIds(), outbox)
    for candidate, label in zip(spec.candidates, itertools.cycle(labels), strict=False):
        pools.tag(None, candidate.id, label)
    ids, _ = _pool(spec, uow)
    if ids and spec.users:
        AutopoolActions(uow, clock, MemoryIds()).match(spec.users[0].id, TARGET_ID, ids[0])
    with uow:
        uow.subscriptions.save(Subscription(spec.users[-1].id, Tag("forklift"), spec.now))
        uow.commit()
    with uow:
        bells = {
            u.id: [(n.candidate_id, n.micro_pools) for n in uow.notifications.for_user(u.id)]
            for u in spec.users
        }
    return {"delivered": [(u.id, outbox.to(u.id)) for u in spec.users], "bells": bells}


@settings(max_examples=PAIRS, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    first=worlds(max_candidates=5, max_users=3),
    second=worlds(max_candidates=5, max_users=3),
    labels=st.lists(st.sampled_from(TAG_LABELS), min_size=1, max_size=3),
)
def _pair(store: SqlStore, first: WorldSpec, second: WorldSpec, labels: list[str]) -> None:
    n = next(_PAIRS)
    a, b = f"a-{_RUN}-{n}", f"b-{_RUN}-{n}"
    ua, ub, alone = store.unit_of_work(a), store.unit_of_work(b), MemoryUnitOfWork()
    _loaded(first, ua)
    _loaded(second, ub)
    _loaded(first, alone)
    # reads: each account answers as if it were alone
    check(from_spec(first), ua, thorough=False)
    check(from_spec(second), ub, thorough=False)
    assert _pool(first, ua) == _pool(first, alone)
    # writes in the first: the same notifications as alone, nothing of the second touched
    before, second_pool = _rows(store, b), _pool(second, ub)
    assert _writes(first, ua, labels) == _writes(first, alone, labels)
    assert _rows(store, b) == before
    assert _pool(second, ub) == second_pool
    check(from_spec(second), ub, thorough=False)
    with ua, alone:
        assert [s.id for s in ua.submissions] == [s.id for s in alone.submissions]
        assert [n.id for n in ua.notifications] == [n.id for n in alone.notifications]


def test_st6_generated_pairs_of_accounts_never_cross(database: tuple[str, SqlStore]) -> None:
    """ST6: PAIRS generated pairs of accounts with the same ids, side by side in one database."""
    name, store = database
    start = next(_PAIRS)
    _pair(store)
    pairs = next(_PAIRS) - start - 1
    assert pairs >= PAIRS
    record("tenancy generated pairs", name, pairs=pairs, failures=0)
