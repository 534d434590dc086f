"""PF2, PF3, PF4: the database's bookkeeping after a bulk import, and the planner's settings.

On PostgreSQL every unit of work plans serially and without JIT, for its transaction only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from talentpool.adapters.sql import SqlStore, Sync
from talentpool.adapters.sql.store import PLANNER_SETTINGS
from talentpool.errors import StorageError
from talentpool.ids import CandidateId
from talentpool.model import Candidate

ENTERED = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _people(count: int) -> list[Candidate]:
    return [
        Candidate(f"c-{i}", "Jan", f"Novák {i}", ENTERED, text="Kasse " * 50) for i in range(count)
    ]


def _names(store: SqlStore, account: str) -> list[str]:
    with store.unit_of_work(account) as uow:
        return sorted(uow.candidates.get(CandidateId(f"c-{i}")).family_name for i in range(300))


def test_pf4_optimize_empties_the_log_of_an_sqlite_file_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "pool.db"
    store = SqlStore(f"sqlite:///{path}")
    Sync(store, "acme").save_candidates(_people(300), batch_size=50)
    before = _names(store, "acme")
    log = Path(f"{path}-wal")
    assert log.stat().st_size > 0
    store.optimize()
    assert log.stat().st_size == 0
    assert _names(store, "acme") == before
    store.optimize()  # again: nothing to do, nothing changes
    assert _names(store, "acme") == before
    store.dispose()


def test_pf4_optimize_on_an_sqlite_database_in_memory_changes_nothing() -> None:
    store = SqlStore("sqlite://")
    Sync(store, "acme").save_candidates(_people(300), batch_size=50)
    before = _names(store, "acme")
    store.optimize()
    assert _names(store, "acme") == before


def test_pf2_optimize_vacuums_and_analyzes_every_table_on_postgres(postgres_url: str) -> None:
    store = SqlStore(postgres_url, prefix="optimize_")
    account = f"acme-{datetime.now(UTC).timestamp()}"
    Sync(store, account).save_candidates(_people(300), batch_size=50)
    before = _names(store, account)
    store.optimize()
    assert _names(store, account) == before
    tables = {t.name for t in store.schema.metadata.sorted_tables}
    with store.engine.connect() as c:
        rows = c.execute(
            text("SELECT relname, last_vacuum, last_analyze FROM pg_stat_user_tables")
        ).all()
    seen = {name: (vacuumed, analyzed) for name, vacuumed, analyzed in rows if name in tables}
    assert set(seen) == tables
    assert all(
        vacuumed is not None and analyzed is not None for vacuumed, analyzed in seen.values()
    )
    store.dispose()


def test_pf4_optimize_names_what_failed_in_the_store_error(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'pool.db'}")
    store.dispose()
    (tmp_path / "pool.db").unlink()
    (tmp_path / "pool.db").mkdir()  # the file is gone and a folder stands in its place
    with pytest.raises(StorageError) as failed:
        store.optimize()
    assert "optimize the tables" in str(failed.value)


def test_pf2_pf3_a_unit_of_work_on_postgres_plans_serially_without_jit(postgres_url: str) -> None:
    """A page's statements read a few hundred rows; the settings end with the transaction."""
    assert PLANNER_SETTINGS == {
        "max_parallel_workers_per_gather": "0",
        "jit": "off",
        "work_mem": "32MB",
    }
    store = SqlStore(postgres_url, prefix="serial_")

    def shown(c: Connection) -> dict[str, str]:
        return {name: str(c.exec_driver_sql(f"SHOW {name}").scalar()) for name in PLANNER_SETTINGS}

    with store.engine.connect() as c:
        server_default = shown(c)
    uow = store.unit_of_work("acme")
    with uow:
        inside = uow.run("read the settings", shown)
        with uow:  # a nested block keeps its transaction's settings
            nested = uow.run("read the settings", shown)
    assert inside == nested == dict(PLANNER_SETTINGS)
    assert all(server_default[name] != value for name, value in PLANNER_SETTINGS.items())
    for _ in range(3):  # every pooled connection is as the server set it, once the unit ends
        with store.engine.connect() as c:
            assert shown(c) == server_default
    store.dispose()
