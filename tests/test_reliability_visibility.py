"""MP2–MP4, MP5: every store's visibility against a brute-force reference (ST3, ST5).

The reference (``tests/visibility_reference.py``) is written from the SPEC's
rules alone and calls none of the library's decision code. Each world is loaded
into a store and asked every question: decisions with their reasons, rows,
cards, "Candidates on positions", the position guard, the database listing and
its count, folder counts and each micro-pool opened. Two sources of worlds:

* generated ones (the test kit's ``worlds(max_users=4)``: roles, ownership,
  position and response shares, tags in several spellings, tags nobody carries,
  instants full of ties and written in several zones);
* every world of a small grammar, up to 2 users × 2 candidates × 2 positions
  (``exhaustive_worlds``; the CI profile takes a slice of them, the deep
  profile all on the in-memory store and every second one on the SQL stores).

On the in-memory store, SQLite and PostgreSQL. Sizes: ``tests/reliability.py``.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings

from reliability import DEEP, record, sized
from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.sql import SqlStore
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.strategies import WorldSpec, worlds
from visibility_reference import check, exhaustive_worlds, from_spec, load

# Per store: generated worlds, and every n-th exhaustive world (CI: a prime stride, so
# the slice follows no pattern of the enumeration). A world costs the SQL stores tens
# of milliseconds, so their deep run takes every second exhaustive world and asks the
# questions that answer from the same decision again only in CI (``thorough``).
GENERATED = {
    "memory": sized(ci=3, deep=1_000),
    "sqlite": sized(ci=3, deep=100),
    "postgres": sized(ci=3, deep=100),
}
EVERY_NTH = {
    "memory": sized(ci=2999, deep=1),
    "sqlite": sized(ci=2999, deep=2),
    "postgres": sized(ci=2999, deep=2),
}
THOROUGH = {"memory": True, "sqlite": not DEEP, "postgres": not DEEP}
SHARDS = sized(ci=1, deep=4)  # the deep run's exhaustive worlds, in parts run side by side
PROGRESS = 500
_RUN = uuid.uuid4().hex[:8]
_ACCOUNTS = itertools.count(1)
Stores = Callable[[], FixtureStore]


@pytest.fixture(scope="module", params=["memory", "sqlite", "postgres"])
def stores(request: pytest.FixtureRequest) -> Iterator[tuple[str, Stores]]:
    """New, empty units of work on one kind of store: each a new account of one database."""
    if request.param == "memory":
        yield "memory", MemoryUnitOfWork
        return
    if request.param == "sqlite":
        store = SqlStore("sqlite://")
    else:
        store = SqlStore(request.getfixturevalue("postgres_url"), prefix="visibility_")
    yield request.param, lambda: store.unit_of_work(f"world-{_RUN}-{next(_ACCOUNTS)}")
    store.dispose()


def test_mp2_generated_worlds_agree_with_the_reference(stores: tuple[str, Stores]) -> None:
    """MP2–MP5: generated worlds, every question, on every store."""
    name, new = stores
    counted = {"worlds": 0, "questions": 0}

    @settings(
        max_examples=GENERATED[name],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(worlds(max_candidates=6, max_users=4))
    def agree(spec: WorldSpec) -> None:
        world = from_spec(spec)
        uow = new()
        load(world, uow)
        counted["questions"] += check(world, uow, thorough=THOROUGH[name])
        counted["worlds"] += 1

    agree()
    assert counted["worlds"] >= GENERATED[name]
    record("visibility generated worlds", name, **counted, failures=0)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_mp2_every_small_world_agrees_with_the_reference(
    stores: tuple[str, Stores], shard: int
) -> None:
    """MP2–MP5: every world up to 2 users × 2 candidates × 2 positions (CI: a slice).

    The worlds taken are split into SHARDS parts, each its own test.
    """
    name, new = stores
    counted = {"worlds": 0, "questions": 0, "of": 0, "shard": shard, "shards": SHARDS}
    step = EVERY_NTH[name]
    for n, world in enumerate(exhaustive_worlds()):
        counted["of"] += 1
        if n % step or (n // step) % SHARDS != shard:
            continue
        uow = new()
        load(world, uow)
        counted["questions"] += check(world, uow, thorough=THOROUGH[name])
        counted["worlds"] += 1
        if counted["worlds"] % PROGRESS == 0:  # a long run leaves figures as it goes
            record("visibility exhaustive worlds, so far", name, **counted, failures=0)
    assert counted["worlds"] >= counted["of"] // step // SHARDS
    record("visibility exhaustive worlds", name, **counted, failures=0)
