"""Shared test set-up: hypothesis profiles and a fresh world per test.

Profiles: ``ci`` (the default, fast), ``dev`` (``HYPOTHESIS_PROFILE=dev``, more
examples) and ``deep`` (``HYPOTHESIS_PROFILE=deep``: 50 times the examples, and the
reliability suite at full size, see ``tests/reliability.py`` and
``docs/reliability.md``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from postgres import postgres_server
from talentpool.adapters.sql import SqlStore
from talentpool.testing import World

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("deep", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def world() -> World:
    """A fresh account with automatic candidate pooling enabled."""
    return World()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL server for this session, started if need be (ST5)."""
    yield from postgres_server()


@pytest.fixture(scope="session")
def postgres_store(postgres_url: str) -> Iterator[SqlStore]:
    """One SQL store on the session's PostgreSQL server; each test takes a new account in it."""
    store = SqlStore(postgres_url, prefix=f"w{uuid.uuid4().hex[:8]}_")
    yield store
    store.dispose()


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def any_world(request: pytest.FixtureRequest) -> Iterator[World]:
    """A fresh account on each store: the in-memory reference, SQLite and PostgreSQL (ST3, ST5)."""
    if request.param == "memory":
        yield World()
    elif request.param == "sqlite":
        store = SqlStore("sqlite://")
        yield World(uow=store.unit_of_work("acme"))
        store.dispose()
    else:
        shared: SqlStore = request.getfixturevalue("postgres_store")
        yield World(uow=shared.unit_of_work(f"acme-{uuid.uuid4().hex[:12]}"))


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def make_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], World]]:
    """Make fresh accounts on each store, each world in a database file or account of its own.

    For tests whose units of work race in threads, which an in-memory SQLite
    database cannot serve: SQLite gets a file per world.
    """
    stores: list[SqlStore] = []

    def make() -> World:
        if request.param == "memory":
            return World()
        if request.param == "sqlite":
            store = SqlStore(f"sqlite:///{tmp_path / f'talent-{len(stores)}.db'}")
            stores.append(store)
            return World(uow=store.unit_of_work("acme"))
        shared: SqlStore = request.getfixturevalue("postgres_store")
        return World(uow=shared.unit_of_work(f"acme-{uuid.uuid4().hex[:12]}"))

    yield make
    for store in stores:
        store.dispose()
