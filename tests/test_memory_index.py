"""PF1, PF3, EN4: the in-memory store's index gives the reference pipeline's answer.

The contract suite compares every store with the reference on small generated
worlds; these tests add what small worlds do not reach: thousands of candidates
packed around a town, so the quadtree's cells are taken whole, dropped and
split; instants on and around the day boundaries the thresholds cut at; writes
after the index was built, and rollbacks of them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import timedelta

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.memory_bits import Bits, Ranges, from_slots, slots_of
from talentpool.adapters.memory_index import _DenseThreshold, _Order, _Threshold
from talentpool.adapters.reference import listing_page, pool_page
from talentpool.criteria import (
    AutopoolCriteria,
    ExcludeHiredWithin,
    HasTag,
    ResidenceWithin,
    SpeaksLanguage,
    SubmissionsInStructure,
)
from talentpool.demo.dataset import DEMO_NOW, DatasetSpec, generate
from talentpool.geo import ChordBand, GeoPoint, distance_km, ecef
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import Candidate, Requisition, SubmissionStatus
from talentpool.queries import (
    CandidateDatabaseQuery,
    CandidateQuery,
    ListingOrder,
    ListingSortKey,
    Viewer,
)
from talentpool.results import Ordering, SortKey

BRNO = GeoPoint(49.1951, 16.6068)


@pytest.fixture(scope="module")
def store() -> MemoryUnitOfWork:
    """3,000 generated candidates, 60% living around the demo's towns, the rest anywhere."""
    data = generate(DatasetSpec(seed=11, size=3000, clustered=0.6))
    uow = MemoryUnitOfWork()
    for tree in data.structures:
        uow.structures.save(tree)
    for user in data.users:
        uow.users.save(user)
    for requisition in data.requisitions:
        uow.requisitions.save(requisition)
    for applicant in data.applicants:
        uow.candidates.save(applicant.candidate.with_tags(_tags(applicant.candidate.id)))
        for submission in applicant.submissions:
            uow.submissions.save(submission)
    uow.build_indexes()  # as a host does at start-up; the other tests build on first use
    return uow


def _tags(cid: str) -> list[str]:
    n = int(cid.rsplit("-", 1)[1])
    return [f"tag {k}" for k in range(5) if n % (k + 2) == 0]


def _records(uow: MemoryUnitOfWork) -> Iterator[object]:
    return (uow.candidates.record(c.id) for c in uow.candidates)


def _pool(uow: MemoryUnitOfWork, query: CandidateQuery) -> None:
    expected = pool_page(query, uow.structures.trees(), _records(uow))  # type: ignore[arg-type]
    assert uow.candidates.find(query) == expected
    assert uow.candidates.find_ids(query) == {
        r.candidate_id
        for r in pool_page(
            attrs.evolve(query, limit=None, offset=0), uow.structures.trees(), _records(uow)
        ).rows  # type: ignore[arg-type]
    }


def _requisition(km: float, centre: GeoPoint = BRNO) -> Requisition:
    return Requisition(
        RequisitionId("probe"),
        "Probe",
        DEMO_NOW - timedelta(days=3),
        language="cs",
        primary_location=centre,
    )


_CRITERIA = st.sampled_from(
    [
        AutopoolCriteria(),
        AutopoolCriteria(exclude_in_selection_process=True, exclude_rejected_within_days=90),
        AutopoolCriteria(
            exclude_in_selection_process=True,
            profile_language_must_match=True,
            structure=SubmissionsInStructure(organizations={"retail-cz"}, job_fields={"sales"}),
        ),
        AutopoolCriteria(
            exclude_expired_submissions=False,
            structure=SubmissionsInStructure(job_fields={"cashier"}, include_expired=True),
        ),
    ]
)


@settings(max_examples=25, deadline=None)
@given(
    criteria=_CRITERIA,
    place=st.tuples(
        st.sampled_from([1.0, 3.5, 12.0, 25.0, 60.0, 140.0, 400.0]),
        st.floats(-0.3, 0.3),
        st.floats(-0.4, 0.4),
    ),
    hours=st.integers(-24 * 200, 24 * 30),
    page=st.tuples(
        st.sampled_from(
            [
                Ordering(),
                Ordering(SortKey.LATEST_SUBMISSION, False),
                Ordering(SortKey.DISTANCE, False),
                Ordering(SortKey.NAME),
            ]
        ),
        st.sampled_from([0, 5, 300, None]),
    ),
)
def test_pools_agree_with_the_reference(
    store: MemoryUnitOfWork,
    criteria: AutopoolCriteria,
    place: tuple[float, float, float],
    hours: int,
    page: tuple[Ordering, int | None],
) -> None:
    order, limit = page
    km, dlat, dlon = place
    centre = GeoPoint(BRNO.latitude + dlat, BRNO.longitude + dlon)
    criteria = attrs.evolve(criteria, radius=ResidenceWithin(km))
    query = CandidateQuery(
        _requisition(km, centre),
        DEMO_NOW + timedelta(hours=hours),
        criteria.criterion(enforce_consent=True),
        order=order,
        limit=limit,
    )
    _pool(store, query)


@settings(max_examples=15, deadline=None)
@given(
    pool=st.tuples(
        st.sampled_from(["", "pokladna", "kasse", "skladnik", "brno", "nothing-here"]),
        st.sampled_from([None, "tag 0", "tag 3"]),
    ),
    whole=st.booleans(),
    tracked=st.sets(st.sampled_from(["tag 1", "tag 2", "tag 4"]), max_size=2),
    page=st.tuples(
        st.sampled_from([ListingOrder(), ListingOrder(ListingSortKey.CREATED, False)])
        | st.builds(ListingOrder, st.just(ListingSortKey.NAME), st.booleans()),
        st.sampled_from([0, 1, 20, 400, None]),
        st.sampled_from([0, 7]),
    ),
)
def test_listings_agree_with_the_reference(
    store: MemoryUnitOfWork,
    pool: tuple[str, str | None],
    whole: bool,
    tracked: set[str],
    page: tuple[ListingOrder, int | None, int],
) -> None:
    (word, tag), (order, limit, offset) = pool, page
    query = CandidateDatabaseQuery(
        Viewer(UserId("roman"), whole_database=whole, tracked=frozenset(tracked)),
        DEMO_NOW,
        criterion=ExcludeHiredWithin(30) | SpeaksLanguage("de"),
        micro_pool=tag,
        text=None if word == "" else word,
        order=order,
        limit=limit,
        offset=offset,
    )
    owned = store.candidates._owned
    expected = listing_page(query, store.structures.trees(), _records(store), owned)  # type: ignore[arg-type]
    assert store.candidates.search(query) == expected
    assert store.candidates.search_ids(attrs.evolve(query, limit=None, offset=0)) == set(
        listing_page(
            attrs.evolve(query, limit=None, offset=0),
            store.structures.trees(),
            _records(store),
            owned,  # type: ignore[arg-type]
        ).candidate_ids
    )


def test_writes_after_the_build_and_their_rollback_reach_the_index() -> None:
    """New candidates, moves, tags, status changes and requisition moves; then a rollback."""
    data = generate(DatasetSpec(seed=5, size=800, clustered=0.8))
    uow = MemoryUnitOfWork()
    for item in (*data.structures, *data.users, *data.requisitions):
        _save(uow, item)
    for a in data.applicants:
        uow.candidates.save(a.candidate)
        for s in a.submissions:
            uow.submissions.save(s)
    criteria = AutopoolCriteria(
        exclude_in_selection_process=True,
        radius=ResidenceWithin(30),
        structure=SubmissionsInStructure(organizations={"moravia"}),
    ).criterion() & ~HasTag("moved")
    query = CandidateQuery(_requisition(30), DEMO_NOW, criteria, limit=None)
    assert uow.index_sizes() == {}
    _pool(uow, query)  # builds the index
    sizes = uow.index_sizes()
    assert set(sizes) >= {"slots", "profile postings", "quadtree", "orders"}
    assert all(size > 0 for size in sizes.values())
    before = uow.candidates.find(query)
    rng = random.Random(3)
    candidates = list(uow.candidates)
    with uow:
        for c in rng.sample(candidates, 60):
            lat = BRNO.latitude + rng.uniform(-0.4, 0.4)
            moved = attrs.evolve(
                c, residence=GeoPoint(lat, BRNO.longitude + rng.uniform(-0.5, 0.5))
            )
            uow.candidates.save(moved if rng.random() < 0.7 else moved.with_tags(["moved"]))
        for c in rng.sample(candidates, 60):
            renamed = attrs.evolve(
                uow.candidates.get(c.id), family_name="Aaronová", created_at=DEMO_NOW
            )
            uow.candidates.save(renamed)
        for s in rng.sample(list(uow.submissions), 80):
            status = rng.choice(list(SubmissionStatus))
            uow.submissions.save(attrs.evolve(s, status=status, status_changed_at=DEMO_NOW))
        for i in range(40):
            c = candidates[i]
            new = attrs.evolve(c, id=CandidateId(f"new-{i}"), residence=c.residence or BRNO)
            uow.candidates.save(new)
            sub = (
                uow.submissions.for_candidate(c.id)[0]
                if uow.submissions.for_candidate(c.id)
                else None
            )
            if sub is not None:
                uow.submissions.save(attrs.evolve(sub, id=f"new-sub-{i}", candidate_id=new.id))
        brno = uow.requisitions.get(RequisitionId("brno-cashier"))
        uow.requisitions.save(attrs.evolve(brno, organization="bohemia"))
        _pool(uow, query)
        _pool(uow, attrs.evolve(query, limit=300))
        _pool(uow, attrs.evolve(query, limit=40, order=Ordering(SortKey.LATEST_SUBMISSION, False)))
        _listings(uow)
        assert uow.candidates.find(query) != before
        # no commit: everything above is undone, in the index too
    assert uow.candidates.find(query) == before
    _pool(uow, query)
    _listings(uow)


def _listings(uow: MemoryUnitOfWork) -> None:
    """Every listing order's first pages agree with the reference."""
    owned = uow.candidates._owned
    for key in ListingSortKey:
        for descending in (True, False):
            query = CandidateDatabaseQuery(
                Viewer(UserId("roman"), whole_database=True),
                DEMO_NOW,
                order=ListingOrder(key, descending),
                limit=25,
                offset=3,
            )
            expected = listing_page(query, uow.structures.trees(), _records(uow), owned)  # type: ignore[arg-type]
            assert uow.candidates.search(query) == expected


def _save(uow: MemoryUnitOfWork, item: object) -> None:
    from talentpool.model import StructureTree, User

    if isinstance(item, StructureTree):
        uow.structures.save(item)
    elif isinstance(item, User):
        uow.users.save(item)
    else:
        assert isinstance(item, Requisition)
        uow.requisitions.save(item)


# --- the building blocks ------------------------------------------------------------------


@given(
    keys=st.lists(st.integers(0, 2), min_size=4, max_size=60),
    changes=st.dictionaries(st.integers(0, 59), st.integers(0, 5), max_size=2),
    hits=st.sets(st.integers(0, 59)),
    count=st.integers(0, 70),
    descending=st.booleans(),
)
@example(keys=[1, 1, 1, 2, 2, 0], changes={}, hits=set(range(6)), count=6, descending=True)
@example(keys=[1, 1, 1, 1, 1], changes={2: 5}, hits={0, 1, 3, 4}, count=4, descending=True)
@example(keys=[1, 1, 1, 2, 2, 0], changes={}, hits={0, 1, 2, 3}, count=3, descending=False)
def test_pf1_the_first_page_of_an_order_is_the_head_of_the_sorted_hits(
    keys: list[int],
    changes: dict[int, int],
    hits: set[int],
    count: int,
    descending: bool,
) -> None:
    """By rank or by reading the order, with keys changed since: equal keys by id ascending."""
    ids = [f"c-{slot * 37 % 61:02d}" for slot in range(len(keys))]  # not in slot order
    order = _Order(lambda: keys.__getitem__, lambda: ids.__getitem__)
    order.build(from_slots(range(len(keys))))
    for slot, value in changes.items():
        if slot < len(keys):
            keys[slot] = value
            order.moved(slot)
    chosen = sorted((h for h in hits if h < len(keys)), key=ids.__getitem__)
    chosen.sort(key=keys.__getitem__, reverse=descending)
    for _ in range(2):  # the second time from the ranks made the first
        assert order.first(from_slots(chosen), count, descending=descending) == chosen[:count]


@pytest.mark.parametrize("key", [ListingSortKey.CREATED, ListingSortKey.NAME])
def test_pf3_a_listing_after_an_erasure_reads_every_order_without_the_erased(
    key: ListingSortKey,
) -> None:
    """An erased candidate's slot has no key: no order reads it, either way round (DM6)."""
    uow = MemoryUnitOfWork()
    for n in range(40):
        created = DEMO_NOW - timedelta(days=n % 3)  # ties, which the ids break
        uow.candidates.save(Candidate(CandidateId(f"c{n:02d}"), "Eva", f"Nová {n % 4}", created))
    viewer = Viewer(UserId("roman"), whole_database=True)

    def query(descending: bool) -> CandidateDatabaseQuery:
        # a few of the 40 match: the page is cut by rank (see _Order)
        order = ListingOrder(key, descending)
        return CandidateDatabaseQuery(viewer, DEMO_NOW, text="2", order=order, limit=5)

    uow.candidates.search(query(False))  # the index and the order are built, ranks made
    uow.erasure.erase(CandidateId("c06"))
    for descending in (True, False):
        expected = listing_page(
            query(descending),
            uow.structures.trees(),
            _records(uow),  # type: ignore[arg-type]
            uow.candidates._owned,
        )
        assert uow.candidates.search(query(descending)) == expected


@given(st.sets(st.integers(0, 5000)), st.sets(st.integers(0, 5000)))
def test_slot_sets_round_trip_and_intersect(a: set[int], b: set[int]) -> None:
    assert slots_of(from_slots(a)) == sorted(a)
    assert slots_of(from_slots(a) & from_slots(b)) == sorted(a & b)
    bits = Bits()
    for s in a:
        bits.add(s)
    for s in b:
        bits.discard(s)
    assert bits.value == from_slots(a - b)
    assert all((s in bits) == (s in a - b) for s in a | b)


@given(
    st.lists(st.integers(0, 2000), max_size=300)
    | st.lists(st.integers(0, 70), max_size=100)
    | st.lists(st.integers(0, 7), max_size=20)
)
@example([])
@example([0])
@example([63, 64, 0, 64])
def test_slot_sets_are_their_bits_dense_or_sparse(slots: list[int]) -> None:
    """PF4: a set made in bulk (dense) or bit by bit (sparse), from slots in any order and
    repeated, has exactly the bits of its slots."""
    expected = sum(1 << s for s in set(slots))
    assert from_slots(slots) == expected
    assert from_slots(iter(slots)) == expected
    assert from_slots(sorted(set(slots))) == expected


@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 80))))
def test_ranges_hold_exactly_the_slots_added(runs: list[tuple[int, int]]) -> None:
    ranges = Ranges()
    expected: set[int] = set()
    for start, length in runs:
        ranges.add(start, start + length)
        expected.update(range(start, start + length))
    assert ranges.value == from_slots(expected)


_DAY = 86_400_000_000


@given(
    st.dictionaries(st.integers(0, 300), st.integers(-3 * _DAY, 3 * _DAY)),
    st.lists(st.tuples(st.integers(0, 300), st.integers(-3 * _DAY, 3 * _DAY)), max_size=30),
    st.lists(
        st.one_of(
            st.integers(-3 * _DAY, 3 * _DAY),
            st.sampled_from([-_DAY, 0, _DAY, _DAY - 1, _DAY + 1, -1, 1]),
        ),
        min_size=1,
        max_size=8,
    ),
)
@pytest.mark.parametrize("kind", [_Threshold, _DenseThreshold])
def test_thresholds_answer_exactly_before_and_after_writes(
    kind: type[_Threshold],
    values: dict[int, int],
    writes: list[tuple[int, int]],
    moments: list[int],
) -> None:
    threshold = kind()
    for slot, value in values.items():
        threshold.set(slot, value)
    for moment in moments:  # materialises cuts, which the writes must then keep current
        assert slots_of(threshold.at_least(moment)) == sorted(
            s for s, v in values.items() if v >= moment
        )
    for slot, value in writes:
        threshold.set(slot, value)
        values[slot] = value
    for moment in moments:
        assert slots_of(threshold.at_least(moment)) == sorted(
            s for s, v in values.items() if v >= moment
        )
        assert slots_of(threshold.after(moment)) == sorted(
            s for s, v in values.items() if v > moment
        )


_LATITUDES = st.floats(-89.0, 89.0)
_LONGITUDES = st.floats(-180.0, 180.0)


@given(
    st.tuples(_LATITUDES, _LONGITUDES),
    st.floats(-2.0, 2.0),
    st.floats(-2.0, 2.0),
    st.floats(0.5, 300.0) | st.sampled_from([19_000.0, 20_037.5]),
)
def test_the_chord_band_never_contradicts_the_geodesic(
    centre: tuple[float, float], dlat: float, dlon: float, km: float
) -> None:
    """ChordBand decides a point only where the geodesic agrees (PF1's exact edge)."""
    c = GeoPoint(*centre)
    p = GeoPoint(
        max(-90.0, min(90.0, centre[0] + dlat)), (centre[1] + dlon + 180.0) % 360.0 - 180.0
    )
    verdict = ChordBand.around(km).decide(ecef(c), ecef(p))
    if verdict is not None:
        assert verdict == (distance_km(c, p) <= km + 1e-6)


def test_the_chord_band_leaves_almost_nothing_to_the_geodesic() -> None:
    """Of 2,000 points up to 50 km from the centre, the band leaves at most 2 undecided."""
    rng = random.Random(1)
    band = ChordBand.around(25.0)
    centre = ecef(BRNO)
    undecided = 0
    for _ in range(2000):
        bearing, km = rng.uniform(0, 2 * math.pi), rng.uniform(0, 50)
        lat = BRNO.latitude + km / 111.2 * math.cos(bearing)
        lon = BRNO.longitude + km / 72.7 * math.sin(bearing)
        undecided += band.decide(centre, ecef(GeoPoint(lat, lon))) is None
    assert undecided <= 2


@given(
    st.tuples(_LATITUDES, _LONGITUDES),
    st.floats(0.0, 360.0),
    st.floats(0.5, 500.0),
    st.floats(-1e-3, 1e-3),
)
def test_the_chord_band_is_exact_right_at_the_edge(
    centre: tuple[float, float], azimuth: float, km: float, offset: float
) -> None:
    """A point a hair inside or outside the radius is never decided on the wrong side."""
    from geographiclib.geodesic import Geodesic

    hit = Geodesic.WGS84.Direct(centre[0], centre[1], azimuth, (km + offset) * 1000.0)
    c, p = GeoPoint(*centre), GeoPoint(hit["lat2"], (hit["lon2"] + 180.0) % 360.0 - 180.0)
    verdict = ChordBand.around(km).decide(ecef(c), ecef(p))
    if verdict is not None:
        assert verdict == (distance_km(c, p) <= km + 1e-6)
