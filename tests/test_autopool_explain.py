"""Explanations, the funnel and the dry run of a criteria change (EN3, EN5, AP6).

One store in Brno and ten candidates who applied elsewhere, each built to fail
exactly one criterion of the pool (one, ``expired``, fails two: an expired
submission neither qualifies nor satisfies the structure, AP6), so every
exclusion is visible in :meth:`Autopooling.explain` and in the funnel.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from talentpool import (
    AutopoolCriteria,
    Autopooling,
    CandidateId,
    CandidatePage,
    ConfigurationError,
    Consent,
    Dimension,
    FeatureDisabledError,
    GeoPoint,
    Keywords,
    Permission,
    PermissionDeniedError,
    RequisitionId,
    RequisitionTemplate,
    ResidenceWithin,
    Role,
    StructureTree,
    SubmissionsInStructure,
    SubmissionStatus,
    TemplateId,
    UserId,
)
from talentpool.testing import World

BRNO = GeoPoint(49.1951, 16.6068)
PRAHA = GeoPoint(50.0755, 14.4378)
NEAR_BRNO = GeoPoint(49.285, 16.6068)  # about 10 km north of the store
REQ = RequisitionId("brno")
DEFINER = UserId("definer")

CRITERIA = AutopoolCriteria(
    exclude_in_selection_process=True,
    profile_language_must_match=True,
    exclude_rejected_within_days=60,
    radius=ResidenceWithin(40),
    structure=SubmissionsInStructure(job_fields={"sales"}),
    require_valid_consent=True,
    advanced=Keywords("prodavačka"),
)
"""Every basic criterion on, plus one keyword; expired and hired-in-30-days keep their defaults."""

FAILS = {
    "ok": None,
    "noconsent": "data-processing consent is valid",
    "expired": "has an unexpired submission elsewhere",
    "busy": "not in a selection process",
    "hired": "not hired in the last 30 days",
    "rejected": "not rejected in the last 60 days",
    "german": "profile language matches the requisition's",
    "warehouse": "applied within job field in sales",
    "far": "lives within 40 km of the job",
    "nohome": "lives within 40 km of the job",
    "nokeyword": "keywords 'prodavačka'",
}
"""Each candidate and the one criterion they are built to fail."""


def _store(world: World, criteria: AutopoolCriteria | None = CRITERIA) -> Autopooling:
    world.user(
        "definer",
        "Roman",
        Role.RECRUITER,
        [Permission.DEFINE_AUTOPOOL_CRITERIA, Permission.VIEW_OTHER_APPLICATIONS],
    )
    world.user("manager", "Marek", Role.HIRING_MANAGER, [])
    world.uow.structures.save(
        StructureTree(
            Dimension.JOB_FIELD,
            {"sales": None, "cashier": "sales", "assistant": "sales", "warehouse": None},
        )
    )
    world.requisition("praha-cashier", "Cashier, Praha", job_field="cashier")
    world.requisition("olomouc-warehouse", "Warehouse, Olomouc", job_field="warehouse")
    world.requisition(
        "brno",
        "Store assistant, Brno",
        location=BRNO,
        language="cs",
        job_field="assistant",
        autopool=criteria,
    )
    consent = Consent(world.ago(100))
    for cid in FAILS:
        world.candidate(
            cid,
            "Jana",
            cid.title(),
            residence={"far": PRAHA, "nohome": None}.get(cid, NEAR_BRNO),
            profile_language="de" if cid == "german" else "cs",
            consent=None if cid == "noconsent" else consent,
            text="skladník" if cid == "nokeyword" else "Prodavačka, pokladní",
        )
        status = {
            "busy": SubmissionStatus.IN_PROCESS,
            "hired": SubmissionStatus.HIRED,
            "rejected": SubmissionStatus.REJECTED,
        }.get(cid, SubmissionStatus.INACTIVE)
        world.apply(
            cid,
            "olomouc-warehouse" if cid == "warehouse" else "praha-cashier",
            status=status,
            submitted_days_ago=40,
            status_changed_days_ago={"hired": 12, "rejected": 20}.get(cid, 35),
            expires_in_days=-1 if cid == "expired" else None,
        )
    return Autopooling(world.uow, world.clock)


# --- EN3: explain ------------------------------------------------------------------------


@pytest.mark.parametrize("cid", sorted(FAILS))
def test_explain_names_the_criterion_each_candidate_fails(world: World, cid: str) -> None:
    """EN3: the verdicts say which criteria fail, and only those."""
    pool = _store(world)

    why = pool.explain(REQ, CandidateId(cid))

    expected = FAILS[cid]
    assert why.universe.passed
    failed = [v.label for v in why.failed]
    if expected is None:
        assert why.in_pool
        assert failed == []
    elif cid == "expired":
        # AP6: an expired submission does not satisfy the structure either.
        assert failed == [expected, "applied within job field in sales"]
    else:
        assert not why.in_pool
        assert failed == [expected]
    assert why.in_pool is pool.in_pool(REQ, CandidateId(cid))


REASONS = {
    "noconsent": "no data-processing consent recorded",
    "expired": "every submission on another requisition has expired",
    "busy": "in a selection process on 'Cashier, Praha' (in_process)",
    "hired": "hired on 'Cashier, Praha' 12 days ago; window is 30 days",
    "rejected": "rejected on 'Cashier, Praha' 20 days ago; window is 60 days",
    "german": "profile language de; requisition language cs",
    "warehouse": (
        "no submission on another requisition inside the selected structure "
        "(expired submissions do not count)"
    ),
    "nohome": "no known residence",
    "nokeyword": "profile lacks 'prodavacka'",
}


@pytest.mark.parametrize("cid", sorted(REASONS))
def test_explain_gives_reasons_a_manager_can_read(world: World, cid: str) -> None:
    """EN3: the reason names the evidence: the requisition, the days, the window, the value."""
    pool = _store(world)
    why = pool.explain(REQ, CandidateId(cid), viewer_id=DEFINER)
    assert why.failed[0].reason == REASONS[cid]
    assert (why.viewer_id, why.other_applications_shown) == (DEFINER, True)


HIDDEN = {
    **REASONS,
    "busy": "in a selection process on another requisition",
    "hired": "hired on another requisition in the last 30 days",
    "rejected": "rejected on another requisition in the last 60 days",
}
"""The same reasons for a viewer who may not see other applications (AP11)."""


@pytest.mark.parametrize("cid", sorted(HIDDEN))
@pytest.mark.parametrize("viewer", [UserId("manager"), None])
def test_ap11_without_the_permission_reasons_name_no_other_requisition(
    world: World, cid: str, viewer: UserId | None
) -> None:
    """AP11: a viewer without the permission (or no viewer) reads "on another requisition":
    no title, no status or step, no dates."""
    pool = _store(world)
    why = pool.explain(REQ, CandidateId(cid), viewer_id=viewer)
    assert why.failed[0].reason == HIDDEN[cid]
    assert (why.viewer_id, why.other_applications_shown) == (viewer, False)
    assert "Cashier" not in str(why)


def test_explain_gives_the_distance_against_the_radius(world: World) -> None:
    """EN3: the radius verdict gives the distance in the radius's unit."""
    pool = _store(world)
    reason = pool.explain(REQ, CandidateId("far")).failed[0].reason
    assert reason.startswith("lives 18")
    assert reason.endswith("km from the job; radius is 40 km")
    passed = next(v for v in pool.explain(REQ, CandidateId("ok")).verdicts if "40 km" in v.label)
    assert passed.passed
    assert passed.reason.startswith("lives 10.0 km")


def test_explain_reports_the_universe_first(world: World) -> None:
    """EN3/AP5: a candidate outside the universe is explained by it, verdicts still given."""
    pool = _store(world)
    world.apply("ok", "brno", submitted_days_ago=1)

    why = pool.explain(REQ, CandidateId("ok"))

    assert not why.in_pool
    assert why.failed == (why.universe,)
    assert why.universe.label == "applied elsewhere"
    assert why.universe.reason == "already on this requisition"
    assert len(why.verdicts) == len(CRITERIA.terms())


def test_explanation_reads_as_text(world: World) -> None:
    """EN3: ``str()`` gives one line per criterion with pass or FAIL."""
    pool = _store(world)
    text = str(pool.explain(REQ, CandidateId("hired"), viewer_id=DEFINER))
    lines = text.splitlines()
    assert lines[0] == "candidate hired for requisition brno: not in the pool"
    assert "  FAIL  not hired in the last 30 days: hired on 'Cashier, Praha' 12 days ago" in text
    assert sum(line.startswith("  FAIL") for line in lines) == 1
    assert len(lines) == 2 + len(CRITERIA.terms())  # header, universe, one per criterion


def test_hired_window_boundary_through_the_service(world: World) -> None:
    """EN3/AP4: hired exactly 30 days ago is inside the window; a second earlier is not."""
    pool = _store(world, AutopoolCriteria())
    on_edge = world.candidate("edge", "Eva", "Hranová")
    world.apply(on_edge, "praha-cashier", status=SubmissionStatus.HIRED, status_changed_days_ago=30)
    before = world.candidate("before", "Eva", "Předčasná")
    world.apply(
        before,
        "praha-cashier",
        status=SubmissionStatus.HIRED,
        status_changed_days_ago=30 + 1 / 86_400,
    )

    assert not pool.in_pool(REQ, CandidateId("edge"))
    assert (
        pool.explain(REQ, CandidateId("edge"), viewer_id=DEFINER)
        .failed[0]
        .reason.endswith("30 days ago; window is 30 days")
    )
    assert pool.in_pool(REQ, CandidateId("before"))


# --- EN3: the funnel -----------------------------------------------------------------------


def test_funnel_counts_what_each_criterion_removes(world: World) -> None:
    """EN3: criteria applied in order; each stage removes the candidates built to fail it."""
    pool = _store(world)

    funnel = pool.funnel(REQ)

    assert funnel.considered == len(FAILS)
    assert [(s.label, s.removed) for s in funnel.stages] == [
        ("data-processing consent is valid", 1),
        ("has an unexpired submission elsewhere", 1),
        ("not in a selection process", 1),
        ("not hired in the last 30 days", 1),
        ("not rejected in the last 60 days", 1),
        ("profile language matches the requisition's", 1),
        ("applied within job field in sales", 1),  # ``expired`` already went
        ("lives within 40 km of the job", 2),
        ("keywords 'prodavačka'", 1),
    ]
    assert funnel.matched == 1


def test_funnel_stages_add_up_and_end_at_the_results_total(world: World) -> None:
    """EN3: remaining = previous remaining - removed; the last remaining is the pool's total."""
    pool = _store(world)
    # Add people the pool keeps, so the total is not trivially 1.
    for i in range(5):
        world.candidate(
            f"more{i}",
            "Petr",
            f"Další{i}",
            residence=NEAR_BRNO,
            profile_language="cs",
            consent=Consent(world.ago(5)),
            text="prodavačka",
        )
        world.apply(f"more{i}", "praha-cashier", status=SubmissionStatus.WITHDRAWN)

    funnel = pool.funnel(REQ)

    previous = funnel.considered
    for stage in funnel.stages:
        assert stage.remaining == previous - stage.removed
        assert stage.removed >= 0
        previous = stage.remaining
    assert funnel.considered - sum(s.removed for s in funnel.stages) == funnel.matched
    assert funnel.matched == pool.results(REQ).total == 6


def test_funnel_considered_is_the_universe(world: World) -> None:
    """EN3/AP5: who never applied elsewhere, or is on this requisition, is not counted."""
    pool = _store(world)
    world.candidate("walk-in", "Pavel", "Procházka")
    world.apply("busy", "brno")
    assert pool.funnel(REQ).considered == len(FAILS) - 1


def test_funnel_reads_as_a_table(world: World) -> None:
    """EN3: ``str()`` shows the universe, then each stage with what is left and removed."""
    pool = _store(world)
    lines = str(pool.funnel(REQ)).splitlines()
    assert lines[0].split() == ["applied", "elsewhere", str(len(FAILS))]
    assert lines[-1].split()[-2:] == ["1", "(-1)"]
    assert len(lines) == 1 + len(CRITERIA.terms())


# --- EN5: the dry run ----------------------------------------------------------------------


def test_dry_run_says_who_joins(world: World) -> None:
    """EN5: widening the radius to 200 km brings in the candidate from Praha."""
    pool = _store(world)

    dry = pool.dry_run(DEFINER, REQ, attrs.evolve(CRITERIA, radius=ResidenceWithin(200)))

    assert dry.joining == ("far",)
    assert dry.leaving == ()
    assert (dry.total_before, dry.total_after) == (1, 2)


def test_dry_run_says_who_leaves(world: World) -> None:
    """EN5: a 5 km radius loses the candidate who lives 10 km away."""
    pool = _store(world)
    dry = pool.dry_run(DEFINER, REQ, attrs.evolve(CRITERIA, radius=ResidenceWithin(5)))
    assert (dry.joining, dry.leaving) == ((), ("ok",))
    assert (dry.total_before, dry.total_after) == (1, 0)


def test_dry_run_with_joiners_and_leavers(world: World) -> None:
    """EN5: moving the structure from sales to the warehouse swaps who is in the pool."""
    pool = _store(world)
    changed = attrs.evolve(CRITERIA, structure=SubmissionsInStructure(job_fields={"warehouse"}))

    dry = pool.dry_run(DEFINER, REQ, changed)

    assert (dry.joining, dry.leaving) == (("warehouse",), ("ok",))
    assert (dry.total_before, dry.total_after) == (1, 1)


def test_dry_run_lists_are_sorted_by_candidate_id(world: World) -> None:
    """EN5: relaxing two exclusions brings in two candidates, listed by id."""
    pool = _store(world)
    relaxed = attrs.evolve(
        CRITERIA, exclude_in_selection_process=False, exclude_hired_within_days=None
    )
    dry = pool.dry_run(DEFINER, REQ, relaxed)
    assert dry.joining == ("busy", "hired")
    assert dry.total_after == pool.results(REQ).total + 2


def test_dry_run_saves_nothing(world: World) -> None:
    """EN5: after the dry run the requisition and its pool are exactly as before."""
    pool = _store(world)
    before = pool.results(REQ)

    pool.dry_run(DEFINER, REQ, AutopoolCriteria(exclude_hired_within_days=None))

    assert world.uow.requisitions.get(REQ).autopool == CRITERIA
    assert pool.results(REQ) == before


def test_dry_run_needs_the_criteria_permission(world: World) -> None:
    """EN5/AP2: previewing a change is part of defining criteria."""
    pool = _store(world)
    with pytest.raises(PermissionDeniedError):
        pool.dry_run(UserId("manager"), REQ, AutopoolCriteria())


def test_dry_run_needs_the_feature(world: World) -> None:
    """EN5/AP1: no dry run while the feature is off."""
    pool = _store(world)
    world.settings(autopool_enabled=False)
    with pytest.raises(FeatureDisabledError):
        pool.dry_run(DEFINER, REQ, AutopoolCriteria())


def test_dry_run_on_a_requisition_without_criteria(world: World) -> None:
    """EN5: with nothing saved yet, everyone the new criteria find would join."""
    pool = _store(world, None)
    dry = pool.dry_run(DEFINER, REQ, CRITERIA)
    assert (dry.joining, dry.leaving, dry.total_before, dry.total_after) == (("ok",), (), 0, 1)


def test_dry_run_of_a_fix_for_unreadable_criteria(world: World) -> None:
    """EN5/AP6: criteria that cannot be evaluated have no members, so their fix can be previewed.

    A requisition opened from a template with a radius but given no primary
    location cannot show its pool; the dry run of criteria without the radius
    says who would join instead of failing on the broken ones.
    """
    pool = _store(world)
    world.uow.templates.save(
        RequisitionTemplate(TemplateId("t"), "Store", language="cs", autopool=CRITERIA)
    )
    broken = pool.open_requisition(TemplateId("t"), requisition_id=RequisitionId("x"), title="X")
    with pytest.raises(ConfigurationError):
        pool.results(broken.id)

    dry = pool.dry_run(DEFINER, broken.id, attrs.evolve(CRITERIA, radius=None))

    assert dry.total_before == 0
    assert dry.joining == ("far", "nohome", "ok")
    with pytest.raises(ConfigurationError, match="primary location"):
        pool.dry_run(DEFINER, broken.id, CRITERIA)


# --- AP6: the service reports configuration errors itself ------------------------------------


class _QuietCandidates:
    """A candidate repository that answers every query with an empty page.

    It stands for an adapter that compiles a radius against a missing location
    to "false" instead of raising: the service must still report the error.
    """

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def find(self, query: object) -> CandidatePage:
        return CandidatePage((), 0)

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


@pytest.mark.parametrize("read", ["results", "funnel"])
def test_configuration_errors_do_not_depend_on_the_adapter(world: World, read: str) -> None:
    """AP6: "reported, never an empty list", whatever the repository would have returned."""
    pool = _store(world)
    world.requisition("nowhere", "Remote", language="cs", autopool=CRITERIA)
    world.uow.candidates = _QuietCandidates(world.uow.candidates)  # type: ignore[assignment]

    with pytest.raises(ConfigurationError, match="primary location"):
        getattr(pool, read)(RequisitionId("nowhere"))


def test_consent_expiring_now_is_no_longer_valid(world: World) -> None:
    """AP14/EN3: consent that lapses at this instant fails, and the reason says when."""
    pool = _store(world)
    cand = world.uow.candidates.get(CandidateId("ok"))
    lapsing = Consent(world.ago(100), expires_at=world.now)
    world.uow.candidates.save(attrs.evolve(cand, consent=lapsing))
    assert not pool.in_pool(REQ, CandidateId("ok"))
    assert pool.explain(REQ, CandidateId("ok")).failed[0].reason == "consent expired today"
    world.clock.set(world.now - timedelta(seconds=1))
    assert pool.in_pool(REQ, CandidateId("ok"))
