"""ST3, PF2, PF3: the SQL store answers pools and listings in the database, from its indexes.

A radius is decided by the indexed box, then the spherical distance in SQL, and
the exact geodesic only for the candidates of the edge band, which the store
measures first. These tests put candidates on both sides of the edge, a hair
apart, and check every store answers as the reference pipeline does, with the
radius alone, negated and under an ``OR``; then that the pool's and the
listing's statements read the candidates through an index, not a full scan
(SQLite's ``EXPLAIN QUERY PLAN``, PostgreSQL's ``EXPLAIN``). How fast is
measured by ``benchmarks/scaling.py``, not here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from geopy.distance import geodesic
from sqlalchemy import event

from talentpool.adapters.reference import pool_page
from talentpool.adapters.sql import SqlStore, SqlUnitOfWork
from talentpool.adapters.sql.compiler import Dialect
from talentpool.criteria import Criterion, Keywords, ResidenceWithin
from talentpool.geo import GeoPoint
from talentpool.model import Candidate, Requisition, Submission, SubmissionStatus, Tag
from talentpool.queries import CandidateDatabaseQuery, CandidateQuery, Viewer

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
BRNO = GeoPoint(49.1951, 16.6068)
JOB = Requisition("job", "Cashier", NOW - timedelta(days=3), primary_location=BRNO)
OTHER = Requisition("other", "Storekeeper", NOW - timedelta(days=30))
KM = 25.0
# geodesic distances from the job: on the edge, a millimetre and a micrometre either
# side of it, well inside and well outside, and through the spherical band
DISTANCES = (
    0.0,
    1.0,
    KM * 0.99,
    KM * 0.996,
    KM - 1e-6,
    KM,
    KM + 5e-7,
    KM + 2e-6,
    KM + 1e-3,
    KM * 1.004,
    KM * 1.01,
    60.0,
)
BEARINGS = (0.0, 45.0, 90.0, 135.0, 180.0, 270.0)


def _people() -> list[Candidate]:
    out = []
    for i, km in enumerate(DISTANCES):
        for j, bearing in enumerate(BEARINGS):
            there = geodesic(kilometers=km).destination(BRNO.as_tuple(), bearing)
            out.append(
                Candidate(
                    f"c-{i:02d}-{j}",
                    "Eva",
                    f"Nová {i}",
                    NOW - timedelta(days=40 - i),
                    residence=GeoPoint(there.latitude, there.longitude),
                    tags=["Brno"] if j % 2 else [],
                    text="pokladna" if i % 3 else "sklad",
                )
            )
    out.append(Candidate("c-nowhere", "Jan", "Novák", NOW - timedelta(days=50)))
    return out


def _fill(uow: SqlUnitOfWork) -> None:
    uow.requisitions.save(JOB)
    uow.requisitions.save(OTHER)
    people = _people()
    uow.candidates.save_all(people)
    uow.submissions.save_all(
        [
            Submission(
                f"s-{p.id}",
                p.id,
                OTHER.id,
                NOW - timedelta(days=20),
                status_changed_at=NOW - timedelta(days=20),
                last_activity_at=NOW - timedelta(days=20),
            )
            for p in people
        ]
    )


CRITERIA: dict[str, Criterion] = {
    "radius": ResidenceWithin(KM),
    "not radius": ~ResidenceWithin(KM),
    "radius or keyword": ResidenceWithin(KM) | Keywords("sklad"),
    "two radii": ResidenceWithin(KM) & ~ResidenceWithin(KM * 0.996),
    "radius and keyword": ResidenceWithin(KM) & Keywords("pokladna"),
}


def _assert_as_the_reference(uow: SqlUnitOfWork) -> None:
    records = [uow.candidates.record(p.id) for p in _people()]
    trees = uow.structures.trees()
    for name, criterion in CRITERIA.items():
        query = CandidateQuery(JOB, NOW, criterion, limit=None)
        expected = pool_page(query, trees, records)
        got = uow.candidates.find(query)
        ids = [row.candidate_id for row in expected.rows]
        assert [row.candidate_id for row in got.rows] == ids, name
        assert got.total == expected.total, name
        assert uow.candidates.find_ids(query) == frozenset(ids), name
    inside = uow.candidates.find(CandidateQuery(JOB, NOW, ResidenceWithin(KM), limit=None))
    # the edge is inside, to a millimetre: 0, 1, 0.99, 0.996, -1e-6, 0, +5e-7 km in six bearings
    assert inside.total == 7 * len(BEARINGS)


def test_st3_pf2_sqlite_decides_the_radius_edge_as_the_reference() -> None:
    uow = SqlStore("sqlite://").unit_of_work("acme")
    _fill(uow)
    _assert_as_the_reference(uow)


def test_st3_pf2_sqlite_without_its_geodesic_decides_the_edge_as_the_reference() -> None:
    store = SqlStore("sqlite://")
    store.dialect = Dialect(store.dialect.name)
    uow = store.unit_of_work("acme")
    _fill(uow)
    _assert_as_the_reference(uow)


@pytest.fixture(scope="module")
def postgres(postgres_url: str) -> Iterator[SqlStore]:
    store = SqlStore(postgres_url, prefix="pushdown_")
    yield store
    store.dispose()


def test_st5_pf2_postgresql_decides_the_radius_edge_as_the_reference(postgres: SqlStore) -> None:
    uow = postgres.unit_of_work("edge")
    _fill(uow)
    _assert_as_the_reference(uow)


# --- the plans ---------------------------------------------------------------------------


class _Statements:
    """The statements a store runs, with their parameters."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.seen: list[tuple[str, Any]] = []
        event.listen(store.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        self.seen.append((statement, params))

    def page(self) -> tuple[str, Any]:
        """The statement that read the page: the one with the window count, if any, else
        the one cutting a page (a listing the full-text index counts, PF3)."""
        found = [s for s in self.seen if "OVER ()" in s[0]] or [
            s for s in self.seen if "ORDER BY" in s[0] and "LIMIT" in s[0]
        ]
        assert len(found) == 1, [s[0][:80] for s in self.seen]
        return found[0]

    def plan(self, statement: str, params: Any) -> str:
        with self.store.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            cursor = raw.cursor()
            if self.store.dialect.name == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + statement, params)
                return "\n".join(str(row[-1]) for row in cursor.fetchall())
            # a table this small is read whole whatever its indexes; forbidding that
            # shows whether the statement can be answered from an index at all
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + statement, params)
            return "\n".join(str(row[0]) for row in cursor.fetchall())


PRAGUE = GeoPoint(50.0755, 14.4378)


def _fill_country(uow: SqlUnitOfWork) -> None:
    """The job's candidates and many more far from it, as in a real database, analysed."""
    _fill(uow)
    far = [
        Candidate(
            f"far-{i:04d}",
            "Petr",
            f"Dvořák {i}",
            NOW - timedelta(days=i % 90),
            residence=GeoPoint(PRAGUE.latitude + (i % 40) / 100, PRAGUE.longitude + i / 2000),
            tags=["Praha"],
            text="sklad",
        )
        for i in range(3000)
    ]
    uow.candidates.save_all(far)
    with uow.store.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def _pool_plan(store: SqlStore, account: str) -> str:
    uow = store.unit_of_work(account)
    _fill_country(uow)
    statements = _Statements(store)
    query = CandidateQuery(JOB, NOW, ResidenceWithin(KM))
    uow.candidates.find(query)
    return statements.plan(*statements.page())


def _listing_plan(store: SqlStore, account: str) -> str:
    uow = store.unit_of_work(account)
    _fill_country(uow)
    statements = _Statements(store)
    viewer = Viewer("admin", whole_database=True)
    query = CandidateDatabaseQuery(viewer, NOW, micro_pool=Tag("Brno"), text="pokladna", limit=50)
    assert uow.candidates.search(query).total > 0
    return statements.plan(*statements.page())


MANAGERS = {
    # tracks the micro-pool: every candidate in it is shared with them
    "tracking the micro-pool": Viewer("mgr", tracked=frozenset({"brno"})),
    # owns a position and tracks another tag: ownership and tag shares both count
    "owning a position": Viewer("owner", tracked=frozenset({"praha"})),
}


def _manager_listing_plan(store: SqlStore, account: str, viewer: Viewer) -> str:
    uow = store.unit_of_work(account)
    _fill_country(uow)
    uow.requisitions.save(Requisition("owned", "Cashier", NOW, owner_id="owner"))
    statements = _Statements(store)
    query = CandidateDatabaseQuery(viewer, NOW, micro_pool=Tag("Brno"), text="pokladna", limit=20)
    uow.candidates.search(query)
    return statements.plan(*statements.page())


@pytest.mark.parametrize("who", sorted(MANAGERS))
def test_pf3_sqlite_reads_a_managers_listing_without_a_probe_per_candidate(who: str) -> None:
    plan = _manager_listing_plan(SqlStore("sqlite://"), "acme", MANAGERS[who])
    assert "CORRELATED" not in plan, plan
    assert "SCAN talentpool_candidates" not in plan, plan


@pytest.mark.parametrize("who", sorted(MANAGERS))
def test_pf3_postgresql_reads_a_managers_listing_without_a_probe_per_candidate(
    postgres: SqlStore, who: str
) -> None:
    plan = _manager_listing_plan(postgres, f"plan-manager-{who[:5]}", MANAGERS[who])
    # a condition runs a subplan per candidate as "(SubPlan n)", or reads it once and
    # probes it as "(hashed SubPlan n)"
    used = re.findall(r"(hashed )?SubPlan \d+\)", plan)
    assert all(used), plan
    assert "Seq Scan on pushdown_candidates" not in plan, plan


def test_pf2_sqlite_reads_the_pool_from_the_place_index() -> None:
    plan = _pool_plan(SqlStore("sqlite://"), "acme")
    assert "USING COVERING INDEX talentpool_candidates_place" in plan, plan
    assert "SCAN talentpool_candidates" not in plan, plan


def test_pf3_sqlite_reads_a_micro_pool_with_text_by_key_not_by_scan() -> None:
    plan = _listing_plan(SqlStore("sqlite://"), "acme")
    assert "SCAN talentpool_candidates" not in plan, plan
    assert "talentpool_candidate_tokens VIRTUAL TABLE" in plan, plan


def test_pf2_postgresql_reads_the_pool_from_the_place_index(postgres: SqlStore) -> None:
    plan = _pool_plan(postgres, "plan-pool")
    assert "pushdown_candidates_place" in plan, plan
    assert "Seq Scan on pushdown_candidates" not in plan, plan


def test_pf3_postgresql_reads_a_micro_pool_with_text_by_key_not_by_scan(
    postgres: SqlStore,
) -> None:
    plan = _listing_plan(postgres, "plan-listing")
    assert "Seq Scan on pushdown_candidates" not in plan, plan


def test_pf2_sqlite_tests_a_pools_cheap_conditions_first() -> None:
    """SQLite tests an AND's terms in the order written: the box and the facts first."""
    store = SqlStore("sqlite://")
    uow = store.unit_of_work("acme")
    _fill_country(uow)
    statements = _Statements(store)
    query = CandidateQuery(JOB, NOW, ResidenceWithin(KM) & Keywords("pokladna"))
    assert uow.candidates.find(query).total > 0
    statement, _ = statements.page()
    where = statement.split("WHERE", 1)[1]
    order = [
        where.index("talentpool_candidates.latitude BETWEEN"),  # the radius's box
        where.index("talentpool_candidates.submitted_at IS NOT NULL"),  # the universe's fact
        where.index("sin("),  # the radius's distance
        where.index("NOT IN (SELECT"),  # the universe's set
        where.index("MATCH"),  # the keyword's set
    ]
    assert max(order[:2]) < order[2] < min(order[3:]), where


PRAGUE_TIME = ZoneInfo("Europe/Prague")


def test_pf2_a_pools_rows_read_only_the_latest_submissions_and_show_them_as_written() -> None:
    """A pool row's dates are its latest submission elsewhere, as written, ties in order."""
    store = SqlStore("sqlite://")
    uow = store.unit_of_work("acme")
    uow.requisitions.save(JOB)
    places = [Requisition(f"r-{i}", "Storekeeper", NOW - timedelta(days=60)) for i in range(4)]
    for place in places:
        uow.requisitions.save(place)
    uow.candidates.save_all(_people()[:6])
    applied = NOW - timedelta(days=9)
    # c-00-0: two submissions tie for the latest instant, written in two zones; its latest
    # activity is on an older one. c-00-1: one submission on the job itself (out of the pool).
    writes = [
        Submission("s-a", "c-00-0", "r-0", applied.astimezone(PRAGUE_TIME)),
        Submission("s-b", "c-00-0", "r-1", applied),
        Submission(
            "s-c",
            "c-00-0",
            "r-2",
            applied - timedelta(days=5),
            status=SubmissionStatus.REJECTED,
            status_changed_at=NOW - timedelta(days=200),
            last_activity_at=(NOW - timedelta(hours=1)).astimezone(PRAGUE_TIME),
        ),
        Submission("s-d", "c-00-1", "job", applied),
        Submission("s-e", "c-00-1", "r-3", applied - timedelta(days=1)),
        Submission("s-f", "c-00-2", "r-3", applied - timedelta(days=2)),
    ]
    uow.submissions.save_all(writes)
    trees = uow.structures.trees()
    query = CandidateQuery(JOB, NOW, ResidenceWithin(60), limit=None)
    records = [uow.candidates.record(p.id) for p in _people()[:6]]
    expected = pool_page(query, trees, records)
    got = uow.candidates.find(query)
    assert got == expected
    shown = [(r.latest_submission_at, r.last_activity_at) for r in got.rows]
    wanted = [(r.latest_submission_at, r.last_activity_at) for r in expected.rows]
    # equal instants are not enough: the zone they were written in shows too
    assert [tuple(map(repr, pair)) for pair in shown] == [tuple(map(repr, p)) for p in wanted]
    assert "c-00-1" not in [r.candidate_id for r in got.rows]
