"""The SQL store (ST3, ST6): talentpool on a real database, through SQLAlchemy Core.

SQLite is the embedded default; the same store runs on PostgreSQL. Open a store
from a URL (or an engine), then a unit of work per account::

    >>> store = SqlStore("sqlite://")
    >>> uow = store.unit_of_work("acme")
    >>> with uow:
    ...     uow.settings.get().autopool_enabled
    False

* :mod:`~talentpool.adapters.sql.schema` — the tables, under a name prefix;
* :mod:`~talentpool.adapters.sql.migrations` — the versioned migrations;
* :mod:`~talentpool.adapters.sql.compiler` — bound criteria to SQL, one visitor;
* :mod:`~talentpool.adapters.sql.store` — the store and its unit of work;
* :mod:`~talentpool.adapters.sql.tagcounts` — the folders' tag counts, kept with the tags;
* :mod:`~talentpool.adapters.sql.sync` — the sync API a host keeps the store current with (ST7).

It needs the ``sql`` extra (``pip install 'talentpool[sql]'``).
"""

from __future__ import annotations

from talentpool.adapters.sql.migrations import SCHEMA_VERSION
from talentpool.adapters.sql.schema import DEFAULT_PREFIX, Schema
from talentpool.adapters.sql.store import SqlStore, SqlUnitOfWork
from talentpool.adapters.sql.sync import Sync, SyncProgress

__all__ = [
    "DEFAULT_PREFIX",
    "SCHEMA_VERSION",
    "Schema",
    "SqlStore",
    "SqlUnitOfWork",
    "Sync",
    "SyncProgress",
]
