"""PF2: the place index reads a pool's box cell by cell of its latitudes, and answers as before.

The SQL store's place index starts with the account and the latitude's cell
(``CAST(latitude * 10 AS INTEGER)``: SQLite truncates, PostgreSQL rounds), and a
radius lists the cells of its box's latitudes beside the box itself
(``Compiler.cells``). These properties check that the cells listed hold every
latitude of the box on both databases, and that pools around centres on either
side of a cell's edge, in both hemispheres, with residences a hair either side of
the edges and just inside the radius due north and south, answer as the reference
pipeline does on SQLite and PostgreSQL.
"""

from __future__ import annotations

import itertools
import math
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Float, literal, select

from talentpool.adapters.reference import pool_page
from talentpool.adapters.sql import SqlStore
from talentpool.adapters.sql.compiler import Compiler
from talentpool.adapters.sql.schema import CELLS_PER_DEGREE, latitude_cell
from talentpool.criteria import ResidenceWithin
from talentpool.geo import GeoPoint
from talentpool.model import Candidate, Requisition, Submission
from talentpool.queries import CandidateQuery

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
_RUN = uuid.uuid4().hex[:8]
_ACCOUNTS = itertools.count(1)
# centres on a cell's edge and beside it, north and south of the equator
CENTRES = (49.2, 49.25, -33.9, -33.95, 0.0, 0.04, 60.0, -0.1)
# how far a residence lies from a cell's edge, in degrees: a hair either side, on it, inside
NUDGES = (-1e-9, 0.0, 1e-9, 0.05)


@pytest.fixture(scope="module")
def sqlite_store() -> Iterator[SqlStore]:
    store = SqlStore("sqlite://")
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def postgres_store(postgres_url: str) -> Iterator[SqlStore]:
    store = SqlStore(postgres_url, prefix="cells_")
    yield store
    store.dispose()


_latitudes = st.floats(-89.9, 89.9, allow_nan=False)


def _cells_hold(store: SqlStore, south: float, north: float, inside: list[float]) -> None:
    first, last = math.floor(south * CELLS_PER_DEGREE), math.ceil(north * CELLS_PER_DEGREE)
    with store.engine.connect() as c:
        for latitude in inside:
            cell = c.execute(select(latitude_cell(literal(latitude, Float)))).scalar_one()
            assert first <= cell <= last, (south, north, latitude, cell)


@settings(max_examples=60)
@given(_latitudes, st.floats(0, 12, allow_nan=False), st.lists(st.floats(0, 1), max_size=6))
def test_pf2_the_cells_of_a_box_hold_every_latitude_of_it_on_sqlite(
    south: float, height: float, where: list[float]
) -> None:
    north = min(south + height, 90.0)
    inside = [south, north, *(south + w * (north - south) for w in where)]
    _cells_hold(SqlStore("sqlite://"), south, north, inside)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(_latitudes, st.floats(0, 12, allow_nan=False), st.lists(st.floats(0, 1), max_size=6))
def test_pf2_the_cells_of_a_box_hold_every_latitude_of_it_on_postgres(
    postgres_store: SqlStore, south: float, height: float, where: list[float]
) -> None:
    north = min(south + height, 90.0)
    inside = [south, north, *(south + w * (north - south) for w in where)]
    _cells_hold(postgres_store, south, north, inside)


def test_pf2_a_box_of_more_than_a_hundred_cells_reads_its_band_instead() -> None:
    store = SqlStore("sqlite://")
    compiler = Compiler(store.schema, "acme", store.dialect)
    assert len(compiler.cells(40.0, 49.9)) == 1  # 400 … 499: a hundred cells
    assert compiler.cells(40.0, 50.05) == []


_people = st.lists(
    st.tuples(
        st.integers(-12, 12),  # cells north or south of the centre's
        st.sampled_from(NUDGES),
        st.floats(-0.5, 0.5),  # degrees east or west of the centre
    ),
    max_size=25,
)
_pools = st.tuples(
    st.sampled_from(CENTRES),
    st.sampled_from([1.0, 11.1, 25.0, 100.0, 2_000.0]),  # the last: more than 100 cells
    _people,
)


def _agree(store: SqlStore, pool: tuple[float, float, list[tuple[int, float, float]]]) -> None:
    centre_latitude, km, people = pool
    centre = GeoPoint(centre_latitude, 16.6)
    base = math.floor(centre_latitude * CELLS_PER_DEGREE)
    candidates = [
        Candidate(
            f"c-{i}",
            "Eva",
            "Nová",
            NOW - timedelta(days=i),
            residence=GeoPoint(
                max(-90.0, min(90.0, (base + cells) / CELLS_PER_DEGREE + nudge)),
                16.6 + east,
            ),
        )
        for i, (cells, nudge, east) in enumerate(people)
    ]
    # and due north and south, just inside the radius: in the box's first and last cells
    for bearing, share in itertools.product((0.0, 180.0), (1 - 1e-6, 0.995)):
        there = geodesic(kilometers=km * share).destination(centre.as_tuple(), bearing)
        residence = GeoPoint(there.latitude, there.longitude)
        candidates.append(
            Candidate(f"edge-{bearing}-{share}", "Jan", "Novák", NOW, residence=residence)
        )
    job = Requisition("job", "Cashier", NOW - timedelta(days=3), primary_location=centre)
    other = Requisition("other", "Storekeeper", NOW - timedelta(days=30))
    # a submission elsewhere each: a pool's universe is the candidates applying elsewhere
    applied = NOW - timedelta(days=20)
    submissions = [
        Submission(f"s-{c.id}", c.id, other.id, applied, last_activity_at=applied)
        for c in candidates
    ]
    uow = store.unit_of_work(f"cells-{_RUN}-{next(_ACCOUNTS)}")
    with uow:
        uow.requisitions.save(job)
        uow.requisitions.save(other)
        uow.candidates.save_all(candidates)
        uow.submissions.save_all(submissions)
        uow.commit()
    query = CandidateQuery(job, NOW, ResidenceWithin(km), limit=None)
    records = [uow.candidates.record(c.id) for c in candidates]
    expected = pool_page(query, uow.structures.trees(), records)
    got = uow.candidates.find(query)
    ids = [row.candidate_id for row in expected.rows]
    assert len(ids) >= 2  # at least the two just inside the radius due north and south
    assert [row.candidate_id for row in got.rows] == ids
    assert got.total == expected.total
    assert uow.candidates.find_ids(query) == frozenset(ids)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(_pools)
def test_pf2_pools_read_by_cells_agree_with_the_reference_on_sqlite(
    sqlite_store: SqlStore, pool: tuple[float, float, list[tuple[int, float, float]]]
) -> None:
    _agree(sqlite_store, pool)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=15)
@given(_pools)
def test_pf2_pools_read_by_cells_agree_with_the_reference_on_postgres(
    postgres_store: SqlStore, pool: tuple[float, float, list[tuple[int, float, float]]]
) -> None:
    _agree(postgres_store, pool)
