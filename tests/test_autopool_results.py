"""Pool results: the cap, the total, sorting and quick filters (AP7, AP8, AP15).

The crowd used here has one candidate per hour of submissions: ``c000`` applied
most recently, ``c349`` longest ago, so "latest submission first" and its
reverse pick different candidates for the 300 shown.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given

from talentpool import (
    MAX_RESULTS,
    AutopoolCriteria,
    Autopooling,
    CandidateId,
    DomainError,
    GeoPoint,
    HasTag,
    NotFoundError,
    Ordering,
    PermissionDeniedError,
    QuickFilter,
    QuickFilterId,
    RequisitionId,
    Role,
    SortKey,
    SpeaksLanguage,
    SubmissionStatus,
    UserId,
)
from talentpool.results import PoolRow
from talentpool.testing import World
from talentpool.testing.strategies import pool_rows

BRNO = GeoPoint(49.1951, 16.6068)
REQ = RequisitionId("brno")
ADMIN = UserId("admin")
GERMAN = QuickFilterId("german")
DRIVER = QuickFilterId("driver")


def _cid(i: int) -> str:
    return f"c{i:03d}"


def _crowd(world: World, n: int) -> Autopooling:
    """*n* matching candidates; every 5th speaks German, every 3rd is tagged "řidič".

    Family names are a permutation of the submission order, so sorting by name
    and by date choose different candidates.
    """
    world.user("admin", "Alena Adminová", Role.ADMINISTRATOR)
    world.requisition("elsewhere", "Cashier, Olomouc")
    world.requisition("brno", "Store assistant, Brno", location=BRNO, autopool=AutopoolCriteria())
    for i in range(n):
        c = world.candidate(
            _cid(i),
            "Jana",
            f"Nováková {(i * 7919) % n:03d}",
            languages=["de"] if i % 5 == 0 else ["cs"],
            tags=["řidič"] if i % 3 == 0 else [],
        )
        world.apply(c, "elsewhere", submitted_days_ago=1 + i / 24)
    return Autopooling(world.uow, world.clock)


def _define_filters(pool: Autopooling) -> None:
    pool.define_quick_filter(ADMIN, QuickFilter(GERMAN, "Speaks German", SpeaksLanguage("de")))
    pool.define_quick_filter(ADMIN, QuickFilter(DRIVER, "Driver", HasTag("Řidič")))


# --- AP7 / AP15: the cap and the exact total ---------------------------------------------


def test_at_most_300_are_shown_with_the_exact_total(world: World) -> None:
    """AP7/AP15: 350 match; 300 are shown, the total says 350 and the page is truncated."""
    pool = _crowd(world, 350)

    results = pool.results(REQ)

    assert MAX_RESULTS == 300
    assert len(results.rows) == 300
    assert results.total == 350
    assert results.truncated
    assert results.limit == 300


def test_default_order_is_latest_submission_first(world: World) -> None:
    """AP7: by default the 300 most recent applicants are shown, newest first."""
    pool = _crowd(world, 350)

    results = pool.results(REQ, viewer_id=ADMIN)

    assert results.order == Ordering(SortKey.LATEST_SUBMISSION, descending=True)
    assert results.candidate_ids == tuple(_cid(i) for i in range(300))
    stamps = [r.latest_submission_at for r in results.rows]
    assert stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]


def test_sorting_before_the_cap_chooses_which_300_are_shown(world: World) -> None:
    """AP7: oldest-first shows the 300 oldest; by name shows the first 300 names."""
    pool = _crowd(world, 350)

    oldest = pool.results(REQ, order=Ordering(SortKey.LATEST_SUBMISSION, descending=False))
    by_name = pool.results(REQ, order=Ordering(SortKey.NAME, descending=False))

    assert oldest.candidate_ids == tuple(_cid(i) for i in range(349, 49, -1))
    assert oldest.total == by_name.total == 350
    # The family name of c_i carries (i * 7919) % 350, so the first 300 names are those < 300.
    expected = sorted((i * 7919) % 350 for i in range(350))[:300]
    shown = [int(r.name.rsplit(" ", 1)[1]) for r in by_name.rows]
    assert shown == expected
    assert set(by_name.candidate_ids) != set(pool.results(REQ).candidate_ids)


@pytest.mark.parametrize(("n", "truncated"), [(299, False), (300, False), (301, True)])
def test_truncated_exactly_when_more_matched_than_are_shown(
    world: World, n: int, truncated: bool
) -> None:
    """AP15: the flag is total > shown; exactly 300 is a complete page."""
    pool = _crowd(world, n)
    results = pool.results(REQ)
    assert results.total == n
    assert len(results.rows) == min(n, 300)
    assert results.truncated is truncated


def test_a_smaller_limit_truncates_honestly(world: World) -> None:
    """AP15: asking for 10 rows of 20 says truncated, with the total of 20."""
    pool = _crowd(world, 20)
    results = pool.results(REQ, limit=10)
    assert (len(results.rows), results.total, results.truncated) == (10, 20, True)
    assert results.candidate_ids == pool.results(REQ).candidate_ids[:10]


@pytest.mark.parametrize("limit", [0, -1, 301, True])
def test_limits_outside_1_to_300_are_refused(world: World, limit: int) -> None:
    """AP7: the cap cannot be raised, and an empty page is not a limit."""
    pool = _crowd(world, 3)
    with pytest.raises(DomainError, match="limit"):
        pool.results(REQ, limit=limit)


def test_a_pool_over_the_cap_keeps_working(world: World) -> None:
    """AP15: candidates beyond the 300 shown are still in the pool: explained, opened, counted."""
    pool = _crowd(world, 350)
    hidden = CandidateId(_cid(340))
    assert hidden not in pool.results(REQ).candidate_ids

    assert pool.in_pool(REQ, hidden)
    assert pool.explain(REQ, hidden).in_pool
    assert pool.candidate_file(ADMIN, REQ, hidden).candidate.id == hidden
    assert pool.funnel(REQ).matched == 350


def test_results_are_generated_on_demand(world: World) -> None:
    """AP7: a change in the data shows up in the next results, nothing is cached."""
    pool = _crowd(world, 5)
    assert pool.results(REQ).total == 5
    world.apply(_cid(0), "elsewhere", status=SubmissionStatus.HIRED, submitted_days_ago=0)
    assert pool.results(REQ).total == 4
    assert _cid(0) not in pool.results(REQ).candidate_ids


# --- AP7: sorting by every column -------------------------------------------------------


def _table(world: World) -> Autopooling:
    """Five candidates with hand-picked column values, ties and unknowns.

    ======  ==================  =======  ========  =========  =============
    id      name                city     distance  submitted  last activity
    ======  ==================  =======  ========  =========  =============
    a1      Šťastná, Eva        Čáslav   ~10 km    5 d ago    1 d ago
    b2      Novák, Adam         brno     unknown   3 d ago    4 d ago
    c3      Dvořák, Petr        Olomouc  ~50 km    5 d ago    2 d ago
    d4      Černá, Jana         (none)   ~20 km    1 d ago    3 d ago
    e5      Novák, Adam         Brno     ~10 km    2 d ago    4 d ago
    ======  ==================  =======  ========  =========  =============
    """
    world.requisition("elsewhere", "Cashier")
    world.requisition("brno", "Assistant", location=BRNO, autopool=AutopoolCriteria())
    near, mid, far = GeoPoint(49.285, 16.6068), GeoPoint(49.375, 16.6068), GeoPoint(49.645, 16.6)
    rows = [
        ("a1", "Eva", "Šťastná", "Čáslav", near, 5, 1),
        ("b2", "Adam", "Novák", "brno", None, 3, 4),
        ("c3", "Petr", "Dvořák", "Olomouc", far, 5, 2),
        ("d4", "Jana", "Černá", None, mid, 1, 3),
        ("e5", "Adam", "Novák", "Brno", near, 2, 4),
    ]
    # Inserted in reverse so that insertion order cannot pass for the tie-break.
    for cid, given_name, family, city, home, submitted, activity in reversed(rows):
        c = world.candidate(cid, given_name, family, city=city, residence=home)
        world.apply(
            c,
            "elsewhere",
            submitted_days_ago=submitted,
            status_changed_days_ago=submitted,
            last_activity_days_ago=activity,
        )
    return Autopooling(world.uow, world.clock)


SORTED = {
    (SortKey.LATEST_SUBMISSION, True): "d4 e5 b2 a1 c3",
    (SortKey.LATEST_SUBMISSION, False): "a1 c3 b2 e5 d4",
    (SortKey.LAST_ACTIVITY, True): "a1 c3 d4 b2 e5",
    (SortKey.LAST_ACTIVITY, False): "b2 e5 d4 c3 a1",
    # names ignore accents: Černá < Dvořák < Novák = Novák < Šťastná
    (SortKey.NAME, False): "d4 c3 b2 e5 a1",
    (SortKey.NAME, True): "a1 b2 e5 c3 d4",
    # no known residence sorts last in both directions
    (SortKey.DISTANCE, False): "a1 e5 d4 c3 b2",
    (SortKey.DISTANCE, True): "c3 d4 a1 e5 b2",
    # cities ignore case and accents (brno = Brno < Čáslav < Olomouc); no city is last
    (SortKey.CITY, False): "b2 e5 a1 c3 d4",
    (SortKey.CITY, True): "c3 a1 b2 e5 d4",
}


@pytest.mark.parametrize(("key", "descending"), sorted(SORTED, key=lambda k: (k[0].value, k[1])))
def test_sorting_by_every_column(world: World, key: SortKey, descending: bool) -> None:
    """AP7: every column sorts both ways; ties by candidate id ascending; unknowns last."""
    pool = _table(world)
    results = pool.results(REQ, order=Ordering(key, descending))
    assert " ".join(results.candidate_ids) == SORTED[key, descending]
    assert results.order == Ordering(key, descending)


NATURAL = {
    SortKey.LATEST_SUBMISSION: True,  # newest first
    SortKey.LAST_ACTIVITY: True,  # newest first
    SortKey.NAME: False,  # A to Z
    SortKey.DISTANCE: False,  # nearest first
    SortKey.CITY: False,  # A to Z
}


@pytest.mark.parametrize("key", list(SortKey), ids=lambda k: k.value)
def test_an_ordering_without_a_direction_reads_naturally(any_world: World, key: SortKey) -> None:
    """AP7: names and cities A to Z, distance nearest first, dates newest first, on every store."""
    pool = _table(any_world)
    natural = Ordering(key)
    assert natural == Ordering(key, NATURAL[key])
    results = pool.results(REQ, order=natural)
    assert " ".join(results.candidate_ids) == SORTED[key, NATURAL[key]]
    assert results.order.descending is NATURAL[key]


def test_a_listing_order_without_a_direction_reads_naturally(any_world: World) -> None:
    """AP7: the candidate database lists the newest first by default, and names A to Z."""
    from talentpool import ListingOrder, ListingSortKey, Visibility

    assert ListingOrder().descending
    assert not ListingOrder(ListingSortKey.NAME).descending
    _table(any_world)
    any_world.user("admin", role=Role.ADMINISTRATOR)
    listing = Visibility(any_world.uow, any_world.clock)
    by_name = listing.candidates(ADMIN, order=ListingOrder(ListingSortKey.NAME))
    assert " ".join(by_name.candidate_ids) == SORTED[SortKey.NAME, False]


def test_every_sort_key_is_covered() -> None:
    """AP7: the table above names every column in both directions."""
    assert {k for k, _ in SORTED} == set(SortKey)
    assert len(SORTED) == 2 * len(SortKey)


def test_distance_column_is_the_geodesic_distance(world: World) -> None:
    """AP7: the distance shown is kilometres from the residence to the job, or None."""
    pool = _table(world)
    rows = {r.candidate_id: r for r in pool.results(REQ).rows}
    assert rows[CandidateId("b2")].distance_km is None
    assert rows[CandidateId("a1")].distance_km == pytest.approx(10.0, abs=0.1)
    assert rows[CandidateId("c3")].distance_km == pytest.approx(50.0, abs=0.5)


def test_results_do_not_depend_on_insertion_order() -> None:
    """AP7: the same data loaded in another order gives the same page (deterministic)."""
    first, second = World(), World()
    _crowd(first, 40)
    _crowd(second, 40)
    # Reload the second world's candidates in reverse; same data, new dict order.
    for cand in reversed(list(second.uow.candidates)):
        second.uow.candidates.save(cand)
    for order in (Ordering(), Ordering(SortKey.NAME, False), Ordering(SortKey.DISTANCE)):
        a = Autopooling(first.uow, first.clock).results(REQ, order=order, limit=25)
        b = Autopooling(second.uow, second.clock).results(REQ, order=order, limit=25)
        assert a == b


# --- AP8: quick filters ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.HIRING_MANAGER])
def test_only_administrators_define_quick_filters(world: World, role: Role) -> None:
    """AP8: anyone else is refused and nothing is saved or removed."""
    pool = _crowd(world, 3)
    world.user("someone", "Soňa", role, [])
    german = QuickFilter(GERMAN, "Speaks German", SpeaksLanguage("de"))

    with pytest.raises(PermissionDeniedError, match="only system administrators"):
        pool.define_quick_filter(UserId("someone"), german)
    assert pool.quick_filters() == ()

    pool.define_quick_filter(ADMIN, german)
    with pytest.raises(PermissionDeniedError):
        pool.remove_quick_filter(UserId("someone"), GERMAN)
    assert pool.quick_filters() == (german,)


def test_quick_filters_are_listed_by_name(world: World) -> None:
    """AP8: users pick from the administrator's filters, listed by name."""
    pool = _crowd(world, 3)
    _define_filters(pool)
    assert [q.name for q in pool.quick_filters()] == ["Driver", "Speaks German"]


def test_a_quick_filter_is_applied_before_the_cap(world: World) -> None:
    """AP8/AP7: filtering brings in candidates the unfiltered 300 left out."""
    pool = _crowd(world, 350)
    _define_filters(pool)
    unfiltered = set(pool.results(REQ).candidate_ids)

    german = pool.results(REQ, quick_filters=[GERMAN])

    expected = {_cid(i) for i in range(350) if i % 5 == 0}
    assert set(german.candidate_ids) == expected
    assert german.total == 70
    assert not german.truncated
    assert german.quick_filters == (GERMAN,)
    # c300, c305, … are German speakers among the 50 oldest, missing from the unfiltered page.
    assert {_cid(300), _cid(345)} <= set(german.candidate_ids) - unfiltered


def test_several_quick_filters_combine_with_and(world: World) -> None:
    """AP8: German speakers who are also tagged "řidič" (the tag compares case-insensitively)."""
    pool = _crowd(world, 350)
    _define_filters(pool)

    both = pool.results(REQ, quick_filters=[GERMAN, DRIVER])

    assert set(both.candidate_ids) == {_cid(i) for i in range(350) if i % 15 == 0}
    assert both.total == 24
    assert pool.results(REQ, quick_filters=[DRIVER]).total == 117


def test_a_quick_filter_sorts_like_any_result(world: World) -> None:
    """AP8/AP7: filter and order together, both before the cap."""
    pool = _crowd(world, 350)
    _define_filters(pool)
    oldest_germans = pool.results(
        REQ,
        quick_filters=[GERMAN],
        order=Ordering(SortKey.LATEST_SUBMISSION, descending=False),
        limit=3,
    )
    assert oldest_germans.candidate_ids == (_cid(345), _cid(340), _cid(335))
    assert oldest_germans.total == 70


def test_an_unknown_quick_filter_is_not_found(world: World) -> None:
    """AP8: a filter id the account does not hold is an error, not an ignored filter."""
    pool = _crowd(world, 3)
    _define_filters(pool)
    with pytest.raises(NotFoundError, match="quick filter"):
        pool.results(REQ, quick_filters=[GERMAN, QuickFilterId("night-shift")])

    pool.remove_quick_filter(ADMIN, GERMAN)
    with pytest.raises(NotFoundError):
        pool.results(REQ, quick_filters=[GERMAN])
    with pytest.raises(NotFoundError):
        pool.remove_quick_filter(ADMIN, GERMAN)


def test_a_quick_filter_does_not_change_the_saved_pool(world: World) -> None:
    """AP8: filters narrow one view; the funnel and the unfiltered total stay the pool's."""
    pool = _crowd(world, 30)
    _define_filters(pool)
    pool.results(REQ, quick_filters=[GERMAN])
    assert pool.results(REQ).total == pool.funnel(REQ).matched == 30


@given(pool_rows(max_size=4))
def test_ap11_a_row_without_other_applications_keeps_everything_else(rows: list[PoolRow]) -> None:
    """Only the dates of submissions elsewhere go; every other column stays as it was."""
    for row in rows:
        hidden = row.without_other_applications()
        assert hidden == attrs.evolve(row, latest_submission_at=None, last_activity_at=None)
