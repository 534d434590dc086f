"""ST3: the SQL store's versioned migrations.

``tests/data/sqlite_schema_v1.sql`` is a database written by the first schema
version (two candidates, two requisitions, two submissions, dumped with SQLite's
``.dump``). Opening it upgrades it in place; opening a database of a newer
version is refused and writes nothing.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from sqlalchemy import text

from talentpool import AutopoolCriteria, Autopooling, Keywords
from talentpool.adapters.memory import MemoryIds
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.adapters.sql import SCHEMA_VERSION, SqlStore
from talentpool.adapters.sql.migrations import (
    UPGRADES,
    VERSION_5_TABLES,
    VERSION_6_COLUMNS,
    current_version,
)
from talentpool.autopool.alerts import PoolAlerts
from talentpool.clock import FixedClock
from talentpool.criteria import ResidenceWithin
from talentpool.errors import SchemaVersionError
from talentpool.geo import GeoPoint
from talentpool.ids import CandidateId, NotificationId, RequisitionId, UserId
from talentpool.model import (
    AccountSettings,
    Candidate,
    Requisition,
    Role,
    Submission,
    Tag,
    User,
)
from talentpool.notifications import (
    DigestEntry,
    Notification,
    NotificationChannel,
    NotificationType,
)
from talentpool.queries import CandidateDatabaseQuery, CandidateQuery, Viewer

V1 = Path(__file__).parent / "data" / "sqlite_schema_v1.sql"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
BRNO = GeoPoint(49.1951, 16.6068)


def _database(path: Path, dump: Path = V1) -> str:
    with sqlite3.connect(path) as raw:
        raw.executescript(dump.read_text(encoding="utf-8"))
    return f"sqlite:///{path}"


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as raw:
        return list(raw.iterdump())


def _version(store: SqlStore) -> int | None:
    with store.engine.connect() as connection:
        return current_version(connection, store.schema)


def test_st3_the_newest_version_is_past_the_first() -> None:
    assert SCHEMA_VERSION >= 2


def test_st3_a_database_of_the_first_version_is_upgraded_when_opened(tmp_path: Path) -> None:
    url = _database(tmp_path / "v1.db")
    store = SqlStore(url, migrate=False)
    assert _version(store) == 1
    assert store.migrate() == 1
    assert _version(store) == SCHEMA_VERSION
    uow = store.unit_of_work("acme")
    with uow:
        assert [c.id for c in uow.candidates] == ["eva", "petr"]
        assert uow.submissions.get("s-2").status.value == "hired"
    # the facts were filled from the old submissions: petr was hired five days ago
    uow.settings.save(AccountSettings(autopool_enabled=True))
    uow.requisitions.set_autopool("r-new", AutopoolCriteria())
    pool = Autopooling(uow, FixedClock(NOW))
    assert pool.results("r-new").candidate_ids == ("eva",)
    assert pool.explain("r-new", "petr").failed[0].label == "not hired in the last 30 days"
    # and the words were indexed: "zilina" finds "Žilina"
    query = CandidateDatabaseQuery(Viewer("admin", whole_database=True), NOW, Keywords("zilina"))
    assert uow.candidates.search(query).candidate_ids == ("eva",)
    store.dispose()


def test_st3_opening_an_upgraded_database_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    SqlStore(_database(path)).dispose()
    before = _dump(path)
    again = SqlStore(f"sqlite:///{path}")
    assert again.migrate() == SCHEMA_VERSION
    again.dispose()
    assert _dump(path) == before


def test_st3_a_newer_database_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    SqlStore(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE talentpool_meta SET value = '99' WHERE key = 'schema_version'")
    before = _dump(path)
    with pytest.raises(SchemaVersionError) as caught:
        SqlStore(f"sqlite:///{path}")
    assert (caught.value.found, caught.value.supported) == (99, SCHEMA_VERSION)
    assert "Upgrade talentpool" in str(caught.value)
    assert _dump(path) == before


def test_st3_a_fresh_database_gets_the_newest_schema_under_its_prefix(tmp_path: Path) -> None:
    path = tmp_path / "host.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")  # the host's own table
    first = SqlStore(f"sqlite:///{path}", prefix="tp_")
    second = SqlStore(f"sqlite:///{path}", prefix="other_")
    assert _version(first) == _version(second) == SCHEMA_VERSION
    with sqlite3.connect(path) as raw:
        names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "orders" in names
    assert {"tp_candidates", "other_candidates", "tp_meta", "other_meta"} <= names
    assert not {n for n in names if n.startswith("talentpool_")}
    first.dispose()
    second.dispose()


def _second_version(path: Path) -> SqlStore:
    """A database as the second schema version left it: the first's, upgraded by its step."""
    store = SqlStore(_database(path), migrate=False)
    with store.engine.begin() as connection:
        UPGRADES[0](connection, store.schema)
        connection.execute(
            store.schema.meta.update()
            .where(store.schema.meta.c.key == "schema_version")
            .values(value="2")
        )
    return store


def _indexes(path: Path, table: str) -> dict[str, list[str]]:
    with sqlite3.connect(path) as raw:
        names = [r[1] for r in raw.execute(f"PRAGMA index_list({table})")]
        return {n: [r[2] for r in raw.execute(f"PRAGMA index_info({n})")] for n in names}


def test_st3_pf2_a_database_of_the_second_version_gets_the_pool_indexes(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    store = _second_version(path)
    assert _version(store) == 2
    before = _indexes(path, "talentpool_submissions")
    assert before["talentpool_submissions_requisition"] == ["account", "requisition_id"]
    assert store.migrate() == 2
    assert _version(store) == SCHEMA_VERSION
    after = _indexes(path, "talentpool_submissions")
    assert after["talentpool_submissions_requisition"] == [
        "account",
        "requisition_id",
        "candidate_id",
    ]
    # the same indexes as a database created at the newest version
    fresh = tmp_path / "fresh.db"
    SqlStore(f"sqlite:///{fresh}").dispose()
    for table in ("talentpool_submissions", "talentpool_candidates"):
        assert _indexes(path, table) == _indexes(fresh, table)
    # and the pools read the upgraded rows as before
    uow = store.unit_of_work("acme")
    uow.settings.save(AccountSettings(autopool_enabled=True))
    uow.requisitions.set_autopool("r-new", AutopoolCriteria())
    assert Autopooling(uow, FixedClock(NOW)).results("r-new").candidate_ids == ("eva",)
    store.dispose()


def _third_version(path: Path) -> SqlStore:
    """A database as the third schema version left it: the first's, upgraded by two steps."""
    store = SqlStore(_database(path), migrate=False)
    with store.engine.begin() as connection:
        UPGRADES[0](connection, store.schema)
        UPGRADES[1](connection, store.schema)
        connection.execute(
            store.schema.meta.update()
            .where(store.schema.meta.c.key == "schema_version")
            .values(value="3")
        )
    return store


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as raw:
        return {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_st3_mp10_a_database_of_the_third_version_gets_the_digest_queue(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    store = _third_version(path)
    assert _version(store) == 3
    assert "talentpool_digest_entries" not in _tables(path)
    assert store.migrate() == 3
    assert _version(store) == SCHEMA_VERSION
    fresh = tmp_path / "fresh.db"
    SqlStore(f"sqlite:///{fresh}").dispose()
    assert _tables(path) == _tables(fresh)
    assert _indexes(path, "talentpool_digest_entries") == _indexes(
        fresh, "talentpool_digest_entries"
    )
    # the old rows are kept, and the queue works: a notification waits for its digest
    uow = store.unit_of_work("acme")
    with uow:
        assert [c.id for c in uow.candidates] == ["eva", "petr"]
    note = Notification(
        NotificationId("n-1"),
        UserId("hm"),
        NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
        NOW,
        CandidateId("eva"),
        "Eva",
        [Tag("Praha")],
    )
    uow.notifications.save(note)
    uow.digests.add([DigestEntry(note.id, note.user_id, NotificationChannel.EMAIL, NOW)])
    with uow:
        assert uow.digests.claim(UserId("hm"), NotificationChannel.EMAIL, "d-1", NOW, NOW) == [note]
    store.dispose()


def _fourth_version(path: Path) -> SqlStore:
    """A database as the fourth schema version left it: the first's, upgraded by three steps."""
    store = SqlStore(_database(path), migrate=False)
    with store.engine.begin() as connection:
        for step in UPGRADES[:3]:
            step(connection, store.schema)
        connection.execute(
            store.schema.meta.update()
            .where(store.schema.meta.c.key == "schema_version")
            .values(value="4")
        )
    return store


def test_st3_ap16_a_database_of_the_fourth_version_gets_the_pool_alert_tables(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v4.db"
    store = _fourth_version(path)
    assert _version(store) == 4
    added = {f"talentpool_{t}" for t in VERSION_5_TABLES}
    assert not added & _tables(path)
    assert store.migrate() == 4
    assert _version(store) == SCHEMA_VERSION
    fresh = tmp_path / "fresh.db"
    SqlStore(f"sqlite:///{fresh}").dispose()
    assert _tables(path) == _tables(fresh)
    for table in added:
        assert _indexes(path, table) == _indexes(fresh, table)
    # the old rows are kept, and a watch works on them
    uow = store.unit_of_work("acme")
    uow.settings.save(AccountSettings(autopool_enabled=True))
    uow.users.save(User(UserId("admin"), "Admin", Role.ADMINISTRATOR))
    uow.requisitions.set_autopool("r-new", AutopoolCriteria())
    alerts = PoolAlerts(uow, FixedClock(NOW), MemoryIds(), MemoryOutbox())
    alerts.watch(UserId("admin"), RequisitionId("r-new"))
    with uow:
        assert uow.alerts.members(RequisitionId("r-new")) == {"eva"}
    store.dispose()


def _fifth_version(path: Path) -> SqlStore:
    """A database as the fifth schema version left it: alert members without their history,
    and the index of the words alone."""
    store = _fourth_version(path)
    with store.engine.begin() as connection:
        UPGRADES[3](connection, store.schema)
        for column in VERSION_6_COLUMNS:
            connection.execute(text(f"ALTER TABLE talentpool_alert_members DROP COLUMN {column}"))
        connection.execute(
            text(
                "INSERT INTO talentpool_alert_members"
                " (account, requisition_id, candidate_id, since)"
                " VALUES ('acme', 'r-new', 'eva', 0)"
            )
        )
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE talentpool_candidate_words USING fts5(account UNINDEXED, "
            "candidate_id UNINDEXED, words, tokenize = \"unicode61 tokenchars '+#'\")"
        )
        connection.exec_driver_sql(
            "INSERT INTO talentpool_candidate_words (rowid, account, candidate_id, words) "
            "SELECT rowid, account, id, words FROM talentpool_candidates"
        )
        connection.execute(
            store.schema.meta.update()
            .where(store.schema.meta.c.key == "schema_version")
            .values(value="5")
        )
    return store


def _columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as raw:
        return sorted(row[1] for row in raw.execute(f"PRAGMA table_info({table})"))


def test_st3_ap16_a_database_of_the_fifth_version_keeps_when_members_were_announced(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v5.db"
    store = _fifth_version(path)
    assert _version(store) == 5
    assert set(VERSION_6_COLUMNS).isdisjoint(_columns(path, "talentpool_alert_members"))
    assert store.migrate() == 5
    assert _version(store) == SCHEMA_VERSION
    fresh = tmp_path / "fresh.db"
    SqlStore(f"sqlite:///{fresh}").dispose()
    assert _columns(path, "talentpool_alert_members") == _columns(fresh, "talentpool_alert_members")
    assert store.migrate() == SCHEMA_VERSION  # again: nothing to add
    # the member kept was never announced, as far as the store knows: leaving forgets it
    uow = store.unit_of_work("acme")
    eva, pool = CandidateId("eva"), RequisitionId("r-new")
    with uow:
        assert uow.alerts.members(pool) == {eva}
        assert uow.alerts.last_announced([eva]) == {}
        uow.alerts.leave(pool, [eva], NOW)
        assert uow.alerts.members_among([eva]) == {}
        uow.alerts.enter(pool, [eva], NOW, announced=True)
        assert uow.alerts.last_announced([eva]) == {pool: {eva: NOW}}
    store.dispose()


def test_st3_pf3_a_database_of_the_fifth_version_gets_the_index_of_tokens(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    store = _fifth_version(path)
    assert "talentpool_candidate_words" in _tables(path)
    assert store.migrate() == 5
    assert _version(store) == SCHEMA_VERSION
    fresh = tmp_path / "fresh.db"
    SqlStore(f"sqlite:///{fresh}").dispose()
    assert _tables(path) == _tables(fresh)
    assert "talentpool_candidate_words" not in _tables(path)
    # the tokens were filled from the old rows: a micro-pool with a word, from the index
    uow = store.unit_of_work("acme")
    admin = Viewer("admin", whole_database=True)
    found = CandidateDatabaseQuery(admin, NOW, micro_pool=Tag("Brno"), text="zilina")
    assert uow.candidates.search(found).candidate_ids == ("eva",)
    assert uow.candidates.search(attrs.evolve(found, text="nowhere")).total == 0
    # and the index follows a write: the tag removed, the micro-pool is empty
    with uow:
        eva = uow.candidates.get(CandidateId("eva"))
        uow.candidates.save(eva.with_tags([]))
        uow.commit()
    assert uow.candidates.search(found).total == 0
    other = store.unit_of_work("other")
    assert other.candidates.search(attrs.evolve(found, micro_pool=None)).total == 0
    store.dispose()


def test_st3_pf2_a_database_of_the_seventh_version_gets_the_place_index_by_cells(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v7.db"
    SqlStore(f"sqlite:///{path}").dispose()
    old = (
        "account, latitude, longitude, profile_language, open_until, unexpired_until, hired_at, "
        "rejected_at, submitted_at, active_at, consent_given, consent_expires_at, "
        "consent_withdrawn_at, id"
    )
    with sqlite3.connect(path) as raw:  # the place index as version 7 made it
        raw.execute("DROP INDEX talentpool_candidates_place")
        raw.execute(f"CREATE INDEX talentpool_candidates_place ON talentpool_candidates ({old})")
        raw.execute("UPDATE talentpool_meta SET value = '7' WHERE key = 'schema_version'")
    store = SqlStore(f"sqlite:///{path}", migrate=False)
    uow = store.unit_of_work("acme")
    with uow:
        uow.requisitions.save(Requisition("r", "Cashier", NOW, primary_location=BRNO))
        uow.requisitions.save(Requisition("other", "Storekeeper", NOW))
        uow.candidates.save(Candidate("eva", "Eva", "Nová", NOW, residence=BRNO))
        uow.submissions.save(Submission("s", CandidateId("eva"), RequisitionId("other"), NOW))
        uow.commit()
    assert store.migrate() == 7
    assert _version(store) == SCHEMA_VERSION

    def place(file: Path) -> str:
        with sqlite3.connect(file) as raw:
            found = raw.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'talentpool_candidates_place'"
            ).fetchone()
        return str(found[0])

    fresh = tmp_path / "fresh.db"
    SqlStore(f"sqlite:///{fresh}").dispose()
    assert place(path) == place(fresh)
    assert "CAST(latitude * 10 AS INTEGER), longitude, latitude" in place(path)
    # the pools read the kept rows through the new index
    query = CandidateQuery(Requisition("r", "Cashier", NOW, primary_location=BRNO), NOW)
    within = attrs.evolve(query, criterion=ResidenceWithin(25))
    assert [row.candidate_id for row in uow.candidates.find(within).rows] == ["eva"]
    store.dispose()
