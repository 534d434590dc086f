"""EN4: the services give the same answers on the SQL store as on the reference.

The port-level differential properties are the contract suite
(``tests/test_contracts_sqlite.py``); these go through the public services, the
way a host calls them: the same generated account loaded into the in-memory
reference and into SQLite gives the same pool (ids, order, total, truncation),
the same funnel, the same explanations, the same candidate-database listings
and the same micro-pool folders, on SQLite and on a real PostgreSQL server (ST5).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentpool import Autopooling, MicroPools, Visibility
from talentpool.adapters.memory import MemoryIds, MemoryUnitOfWork
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.adapters.sql import SqlStore
from talentpool.clock import FixedClock
from talentpool.criteria import AutopoolCriteria, Criterion
from talentpool.engine import EvaluationContext, bind
from talentpool.errors import ConfigurationError
from talentpool.model import AccountSettings
from talentpool.results import Ordering, SortKey
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.strategies import TARGET_ID, WorldSpec, autopool_criteria, criteria, worlds

_RUN = uuid.uuid4().hex[:8]  # a server named by TALENTPOOL_TEST_POSTGRES may outlive a run
_ACCOUNTS = itertools.count(1)
Store = Callable[[], FixtureStore]


def _sqlite() -> FixtureStore:
    return SqlStore("sqlite://").unit_of_work("acme")


@pytest.fixture(scope="module")
def postgres(postgres_url: str) -> Iterator[Store]:
    """New accounts on one store on the session's PostgreSQL server."""
    store = SqlStore(postgres_url, prefix="differential_")
    yield lambda: store.unit_of_work(f"account-{_RUN}-{next(_ACCOUNTS)}")
    store.dispose()


def _both(spec: WorldSpec, saved: AutopoolCriteria, sql: Store) -> list[FixtureStore]:
    stores: list[FixtureStore] = [MemoryUnitOfWork(), sql()]
    for uow in stores:
        spec.load(uow)
        with uow:
            uow.settings.save(AccountSettings(autopool_enabled=True))
            uow.requisitions.save(attrs.evolve(spec.target, autopool=saved))
            uow.commit()
    return stores


_POOLS = (
    worlds(max_users=3),
    autopool_criteria(vocabulary=True),
    st.builds(Ordering, st.sampled_from(SortKey), st.booleans()),
    st.integers(1, 6),
)


@given(*_POOLS)
def test_en4_pools_funnels_and_explanations_agree_on_sqlite(
    spec: WorldSpec, saved: AutopoolCriteria, order: Ordering, limit: int
) -> None:
    _pools_agree(_sqlite, spec, saved, order, limit)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(*_POOLS)
def test_en4_pools_funnels_and_explanations_agree_on_postgres(
    postgres: Store, spec: WorldSpec, saved: AutopoolCriteria, order: Ordering, limit: int
) -> None:
    _pools_agree(postgres, spec, saved, order, limit)


def _pools_agree(
    sql: Store, spec: WorldSpec, saved: AutopoolCriteria, order: Ordering, limit: int
) -> None:
    answers = []
    for uow in _both(spec, saved, sql):
        pool = Autopooling(uow, FixedClock(spec.now))
        results = pool.results(TARGET_ID, order=order, limit=limit)
        funnel = pool.funnel(TARGET_ID)
        why = [str(pool.explain(TARGET_ID, c.id)) for c in spec.candidates]
        answers.append((results.candidate_ids, results.total, results.truncated, funnel, why))
    assert answers[0] == answers[1]


_LISTINGS = (worlds(max_users=4), criteria(vocabulary=True, max_leaves=4))


@given(*_LISTINGS)
def test_en4_listings_and_folders_agree_on_sqlite(spec: WorldSpec, c: Criterion) -> None:
    _listings_agree(_sqlite, spec, c)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(*_LISTINGS)
def test_en4_listings_and_folders_agree_on_postgres(
    postgres: Store, spec: WorldSpec, c: Criterion
) -> None:
    _listings_agree(postgres, spec, c)


def _listings_agree(sql: Store, spec: WorldSpec, c: Criterion) -> None:
    database_criterion: Criterion | None = c
    try:
        bind(c, EvaluationContext(None, spec.now, {t.dimension: t for t in spec.structures}))
    except ConfigurationError:
        database_criterion = None  # measured against a position: the listing refuses it
    answers = []
    for uow in _both(spec, AutopoolCriteria(), sql):
        clock = FixedClock(spec.now)
        visibility = Visibility(uow, clock)
        micro = MicroPools(uow, clock, MemoryIds(), MemoryOutbox())
        seen = []
        for user in spec.users:
            folders = micro.folders(user.id)
            if database_criterion is None:
                seen.append((user.id, folders))
                continue
            page = visibility.candidates(user.id, database_criterion, limit=3)
            pools = [
                visibility.candidates(user.id, database_criterion, micro_pool=f.tag).candidate_ids
                for f in folders
            ]
            seen.append((user.id, folders, page.candidate_ids, page.total, pools))
        answers.append(seen)
    assert answers[0] == answers[1]
