"""Properties of pool results over generated accounts (AP7, AP15, EN3).

Each example is a small account: a requisition in Brno with random saved
criteria, three other requisitions, and candidates with random residences,
languages, consent and submissions. Whatever the data:

* the page never exceeds the limit and the total is exact: it equals the number
  of candidates for whom the single check :meth:`Autopooling.in_pool` says yes
  (a list must never disagree with the single check);
* the page is the head of the full order, sorted by the chosen column with ties
  by candidate id and unknown values last, and the same on every call;
* the funnel ends at the total, and every explanation agrees with ``in_pool``.

The strategies are local to this module because they build a whole ``World``;
value-level strategies belong in :mod:`talentpool.testing.strategies`.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from talentpool import (
    EVERYONE,
    AutopoolCriteria,
    Autopooling,
    CandidateId,
    Consent,
    Dimension,
    GeoPoint,
    Ordering,
    Permission,
    RequisitionId,
    ResidenceWithin,
    SortKey,
    SpeaksLanguage,
    StructureTree,
    SubmissionsInStructure,
    SubmissionStatus,
    UserId,
)
from talentpool.testing import World

BRNO = GeoPoint(49.1951, 16.6068)
REQ = RequisitionId("pool")
OTHERS = ("cashier", "assistant", "warehouse")
FAMILY_NAMES = ("Novák", "Nováková", "Dvořák", "Černá", "Šťastný", "Müller")
CITIES = (None, "Brno", "brno", "Čáslav", "Olomouc", "Wien")


@st.composite
def criteria(draw: st.DrawFn) -> AutopoolCriteria:
    """Saved criteria with every basic switch drawn; the radius needs the Brno location."""
    window = st.none() | st.integers(1, 60)
    return AutopoolCriteria(
        exclude_in_selection_process=draw(st.booleans()),
        profile_language_must_match=draw(st.booleans()),
        exclude_expired_submissions=draw(st.booleans()),
        exclude_rejected_within_days=draw(window),
        exclude_hired_within_days=draw(window),
        radius=draw(st.none() | st.integers(5, 120).map(ResidenceWithin)),
        structure=draw(
            st.none()
            | st.sampled_from(["sales", "warehouse", "cashier"]).map(
                lambda f: SubmissionsInStructure(job_fields={f})
            )
        ),
        require_valid_consent=draw(st.booleans()),
        advanced=draw(st.sampled_from([EVERYONE, SpeaksLanguage("de"), ~SpeaksLanguage("de")])),
    )


@st.composite
def accounts(draw: st.DrawFn) -> tuple[World, Autopooling]:
    """A small account whose pool requisition carries drawn criteria."""
    world = World()
    world.uow.structures.save(
        StructureTree(
            Dimension.JOB_FIELD,
            {"sales": None, "cashier": "sales", "assistant": "sales", "warehouse": None},
        )
    )
    for name in OTHERS:
        world.requisition(name, name.title(), job_field=name)
    world.requisition(
        "pool",
        "Pool",
        location=BRNO,
        language="cs",
        job_field="assistant",
        autopool=draw(criteria()),
    )
    n = draw(st.integers(0, 18))
    for i in range(n):
        home = draw(st.none() | st.builds(GeoPoint, st.floats(48.6, 49.8), st.floats(15.9, 17.4)))
        consent_state = draw(st.sampled_from(["none", "valid", "expired", "withdrawn"]))
        consent = {
            "none": None,
            "valid": Consent(world.ago(50)),
            "expired": Consent(world.ago(400), expires_at=world.ago(3)),
            "withdrawn": Consent(world.ago(50), withdrawn_at=world.ago(1)),
        }[consent_state]
        world.candidate(
            f"c{i:02d}",
            "Jana",
            draw(st.sampled_from(FAMILY_NAMES)),
            residence=home,
            city=draw(st.sampled_from(CITIES)),
            profile_language=draw(st.sampled_from([None, "cs", "de"])),
            languages=draw(st.sets(st.sampled_from(["cs", "de", "sk"]))),
            consent=consent,
        )
        for _ in range(draw(st.integers(0, 3))):
            submitted = draw(st.integers(0, 90))
            world.apply(
                f"c{i:02d}",
                draw(st.sampled_from((*OTHERS, "pool") if i % 7 == 3 else OTHERS)),
                status=draw(st.sampled_from(list(SubmissionStatus))),
                submitted_days_ago=submitted,
                status_changed_days_ago=draw(st.integers(0, submitted)),
                last_activity_days_ago=draw(st.integers(0, submitted)),
                expires_in_days=draw(st.none() | st.integers(-20, 20)),
            )
    # Who reads the rows with their dates: a viewer allowed to see other applications (AP11).
    world.user("viewer", permissions=[Permission.VIEW_OTHER_APPLICATIONS])
    return world, Autopooling(world.uow, world.clock)


orderings = st.builds(Ordering, st.sampled_from(list(SortKey)), st.booleans())


def _members(world: World, pool: Autopooling) -> set[CandidateId]:
    return {c.id for c in world.uow.candidates if pool.in_pool(REQ, c.id)}


@given(accounts(), orderings, st.integers(1, 8))
def test_page_never_exceeds_the_limit_and_the_total_is_exact(
    account: tuple[World, Autopooling], order: Ordering, limit: int
) -> None:
    """AP7/AP15: rows <= limit; total = candidates the single check admits; truncated honest."""
    world, pool = account
    members = _members(world, pool)

    results = pool.results(REQ, order=order, limit=limit)

    assert len(results.rows) == min(limit, len(members))
    assert results.total == len(members)
    assert set(results.candidate_ids) <= members
    assert len(set(results.candidate_ids)) == len(results.rows)
    assert results.truncated is (len(members) > limit)


@given(accounts(), orderings, st.integers(1, 8))
def test_the_page_is_the_head_of_one_deterministic_order(
    account: tuple[World, Autopooling], order: Ordering, limit: int
) -> None:
    """AP7: the cap cuts the sorted list; the full list holds every member; calls agree."""
    world, pool = account

    full = pool.results(REQ, order=order)
    page = pool.results(REQ, order=order, limit=limit)

    assert page.rows == full.rows[:limit]
    assert set(full.candidate_ids) == _members(world, pool)
    assert pool.results(REQ, order=order) == full


@given(accounts(), orderings)
def test_rows_follow_the_column_with_id_tie_break_and_unknowns_last(
    account: tuple[World, Autopooling], order: Ordering
) -> None:
    """AP7: adjacent rows never break the order; equal values keep candidate ids ascending."""
    _, pool = account
    rows = pool.results(REQ, order=order, viewer_id=UserId("viewer")).rows
    values: list[Any] = [r.value(order.key) for r in rows]

    seen_unknown = False
    for (a, va), (b, vb) in itertools.pairwise(zip(rows, values, strict=True)):
        if va is None:
            seen_unknown = True
            assert vb is None, "a known value after an unknown one"
            assert a.candidate_id < b.candidate_id
            continue
        assert not seen_unknown
        if vb is None:
            continue
        if va == vb:
            assert a.candidate_id < b.candidate_id
        elif order.descending:
            assert va > vb
        else:
            assert va < vb


@given(accounts())
def test_funnel_and_explanations_agree_with_the_results(
    account: tuple[World, Autopooling],
) -> None:
    """EN3: the funnel ends at the total; each explanation's verdict matches ``in_pool``."""
    world, pool = account
    results = pool.results(REQ)
    funnel = pool.funnel(REQ)

    assert funnel.matched == results.total
    assert funnel.considered - sum(s.removed for s in funnel.stages) == funnel.matched
    for cand in world.uow.candidates:
        why = pool.explain(REQ, cand.id)
        assert why.in_pool is pool.in_pool(REQ, cand.id)
        assert why.in_pool is (not why.failed)
