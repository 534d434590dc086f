"""AP4–AP6, AP14, EN3: what each autopool criterion means, at its boundaries, and why.

Every test builds a small account with :class:`talentpool.testing.World` (the
clock stands at Monday 2 November 2026, 09:00 UTC): a requisition ``job``
("Cashier, Praha", primary location in Prague, language cs) whose pool is
asked for, and other requisitions candidates applied to. Timestamps are set to
the exact instant a boundary is about, so "exactly 30 days ago" means
``now - 30 days`` to the microsecond.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs
import pytest
from geopy.distance import geodesic

from talentpool.autopool import Autopooling, Explanation
from talentpool.criteria import (
    EVERYONE,
    AutopoolCriteria,
    ConsentValid,
    Criterion,
    ExcludeExpiredSubmissions,
    ExcludeHiredWithin,
    ExcludeInSelectionProcess,
    FieldEquals,
    HasTag,
    Keywords,
    ProfileLanguageMatchesRequisition,
    ResidenceWithin,
    SpeaksLanguage,
    SubmissionsInStructure,
)
from talentpool.engine import (
    EvaluationContext,
    check_configuration,
    explain,
    filter_records,
    in_universe,
    matches,
)
from talentpool.errors import ConfigurationError
from talentpool.geo import DistanceUnit, GeoPoint
from talentpool.ids import CandidateId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    Candidate,
    CandidateRecord,
    Consent,
    Dimension,
    Permission,
    StructureTree,
    Submission,
    SubmissionStatus,
)
from talentpool.ports import CandidateQuery
from talentpool.testing import World

PRAGUE = GeoPoint(50.0755, 14.4378)
JOB = RequisitionId("job")
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)

#: every basic criterion off, so one at a time can be switched on
NOTHING = AutopoolCriteria(exclude_expired_submissions=False, exclude_hired_within_days=None)


@pytest.fixture
def w(world: World) -> World:
    """The account every test starts from: the job and two other requisitions."""
    world.requisition("job", "Cashier, Praha", location=PRAGUE, language="cs")
    world.requisition("other", "Barista, Brno")
    world.requisition("third", "Stocker, Kladno")
    return world


_counter = iter(range(1_000_000))


def submit(
    w: World,
    candidate: Candidate | str,
    requisition: str = "other",
    status: SubmissionStatus = SubmissionStatus.NEW,
    *,
    changed: datetime | None = None,
    submitted: datetime | None = None,
    expires: datetime | None = None,
    step: str | None = None,
) -> Submission:
    """Save a submission with exact instants (default: submitted 40 days ago, changed then)."""
    cid = candidate.id if isinstance(candidate, Candidate) else CandidateId(candidate)
    submitted_at = submitted or w.now - timedelta(days=40)
    s = Submission(
        SubmissionId(f"s{next(_counter)}"),
        cid,
        RequisitionId(requisition),
        submitted_at,
        status,
        status_changed_at=changed or submitted_at,
        expires_at=expires,
        step=step,
    )
    w.uow.submissions.save(s)
    return s


def applicant(w: World, cid: str, **candidate_fields: object) -> Candidate:
    """A candidate with one plain, open, unexpired submission on ``other``."""
    c = w.candidate(cid, **candidate_fields)
    submit(w, c)
    return c


def use(w: World, criteria: AutopoolCriteria) -> Autopooling:
    """Save *criteria* on the job and return the service."""
    job = w.uow.requisitions.get(JOB)
    w.uow.requisitions.save(attrs.evolve(job, autopool=criteria))
    return Autopooling(w.uow, w.clock)


def pool(w: World, criteria: AutopoolCriteria) -> set[str]:
    """The ids in the job's pool under *criteria*, through the service."""
    return set(use(w, criteria).results(JOB).candidate_ids)


def found(w: World, criterion: Criterion, requisition: str = "job") -> set[str]:
    """The ids that pass *criterion* through the repository's query port."""
    req = w.uow.requisitions.get(RequisitionId(requisition))
    page = w.uow.candidates.find(CandidateQuery(req, w.now, criterion, limit=None))
    assert page.total == len(page.rows)
    return {r.candidate_id for r in page.rows}


def why(w: World, criteria: AutopoolCriteria, cid: str) -> Explanation:
    """The explanation a viewer who may see other applications reads (AP11)."""
    w.user("viewer", permissions=[Permission.VIEW_OTHER_APPLICATIONS])
    return use(w, criteria).explain(JOB, CandidateId(cid), viewer_id=UserId("viewer"))


def verdict_reason(explanation: Explanation, label: str) -> str:
    (v,) = [v for v in explanation.verdicts if v.label == label]
    return v.reason


def record_and_context(w: World, cid: str) -> tuple[CandidateRecord, EvaluationContext]:
    structures = {d: t for d in Dimension if (t := w.uow.structures.tree(d)) is not None}
    ctx = EvaluationContext(w.uow.requisitions.get(JOB), w.now, structures)
    return w.uow.candidates.record(CandidateId(cid)), ctx


# --- the defaults -------------------------------------------------------------------------


def test_ap4_default_pool_applies_only_the_two_default_criteria(w: World) -> None:
    """AP4: by default, people in a selection process, rejected recently, speaking another
    language, living far away or without consent all stay in the pool."""
    applicant(w, "busy")  # open submission elsewhere: in a selection process
    c = w.candidate("rejected")
    submit(w, c, status=SubmissionStatus.REJECTED, changed=w.now - DAY)
    applicant(w, "german", profile_language="de")
    applicant(w, "far", residence=GeoPoint(48.1486, 17.1077))  # Bratislava
    applicant(w, "nowhere")
    assert pool(w, AutopoolCriteria()) == {"busy", "rejected", "german", "far", "nowhere"}


def test_ap4_defaults_exclude_recent_hires_and_expired_submissions(w: World) -> None:
    """AP4: the two defaults that are on: hired in the last 30 days, and only-expired."""
    applicant(w, "plain")
    hired = w.candidate("hired")
    submit(w, hired, status=SubmissionStatus.HIRED, changed=w.now - timedelta(days=12))
    expired = w.candidate("expired")
    submit(w, expired, expires=w.now - DAY)
    assert pool(w, AutopoolCriteria()) == {"plain"}


# --- hired / rejected within the last X days -----------------------------------------------


@pytest.mark.parametrize(
    ("ago", "in_pool"),
    [
        (timedelta(0), False),
        (timedelta(days=29, hours=23), False),
        (timedelta(days=30), False),
        (timedelta(days=30) + SECOND, True),
        (timedelta(days=31), True),
        (timedelta(days=400), True),
    ],
    ids=["today", "29d23h", "exactly-30d", "30d+1s", "31d", "400d"],
)
def test_ap4_hired_within_30_days_boundary(w: World, ago: timedelta, in_pool: bool) -> None:
    """AP4: a hire exactly 30 days ago is inside the default window; a second more is not."""
    c = w.candidate("c")
    submit(w, c, status=SubmissionStatus.HIRED, changed=w.now - ago)
    assert ("c" in pool(w, AutopoolCriteria())) is in_pool


@pytest.mark.parametrize(
    ("ago", "in_pool"),
    [
        (timedelta(days=14), False),
        (timedelta(days=14) + SECOND, True),
        (timedelta(days=15), True),
        (timedelta(days=13), False),
    ],
    ids=["exactly-14d", "14d+1s", "15d", "13d"],
)
def test_ap4_rejected_within_x_days_boundary(w: World, ago: timedelta, in_pool: bool) -> None:
    """AP4: with "rejected within 14 days" on, day 14 is inside and 14 days + 1 s outside."""
    c = w.candidate("c")
    submit(w, c, status=SubmissionStatus.REJECTED, changed=w.now - ago)
    assert ("c" in pool(w, AutopoolCriteria(exclude_rejected_within_days=14))) is in_pool


def test_ap4_rejected_within_is_off_by_default(w: World) -> None:
    """AP4: rejected a minute ago, the candidate is in the default pool."""
    c = w.candidate("c")
    submit(w, c, status=SubmissionStatus.REJECTED, changed=w.now - timedelta(minutes=1))
    assert pool(w, AutopoolCriteria()) == {"c"}


def test_ap4_hired_window_is_configurable_and_switchable(w: World) -> None:
    """AP4: the hire window takes its X, and can be switched off."""
    c = w.candidate("c")
    submit(w, c, status=SubmissionStatus.HIRED, changed=w.now - timedelta(days=45))
    assert pool(w, AutopoolCriteria(exclude_hired_within_days=60)) == set()
    assert pool(w, AutopoolCriteria(exclude_hired_within_days=45)) == set()
    assert pool(w, AutopoolCriteria(exclude_hired_within_days=44)) == {"c"}
    assert pool(w, AutopoolCriteria(exclude_hired_within_days=None)) == {"c"}


def test_ap4_any_recent_hire_counts(w: World) -> None:
    """AP4: an old hire does not hide a recent one on another requisition."""
    c = w.candidate("c")
    submit(w, c, "other", SubmissionStatus.HIRED, changed=w.now - timedelta(days=300))
    submit(w, c, "third", SubmissionStatus.HIRED, changed=w.now - timedelta(days=3))
    assert pool(w, AutopoolCriteria()) == set()


def test_ap4_window_counts_from_the_status_change_not_the_submission(w: World) -> None:
    """AP4: applied a year ago and hired last week is "hired within 30 days"."""
    c = w.candidate("c")
    submit(
        w,
        c,
        status=SubmissionStatus.HIRED,
        submitted=w.now - timedelta(days=365),
        changed=w.now - timedelta(days=7),
    )
    assert pool(w, AutopoolCriteria()) == set()


def test_en3_hired_reason_reads_well(w: World) -> None:
    """EN3: the seed-style reason: "hired … 12 days ago; window is 30 days"."""
    c = w.candidate("c")
    submit(w, c, status=SubmissionStatus.HIRED, changed=w.now - timedelta(days=12, hours=3))
    e = why(w, AutopoolCriteria(), "c")
    assert not e.in_pool
    reason = verdict_reason(e, "not hired in the last 30 days")
    assert reason == "hired on 'Barista, Brno' 12 days ago; window is 30 days"
    assert "FAIL  not hired in the last 30 days: hired on 'Barista, Brno' 12 days ago" in str(e)


def test_en3_rejected_and_never_reasons(w: World) -> None:
    """EN3: a rejection's reason gives where and when; a clean record says "never"."""
    c = w.candidate("c")
    submit(w, c, status=SubmissionStatus.REJECTED, changed=w.now - timedelta(days=1))
    e = why(w, AutopoolCriteria(exclude_rejected_within_days=14), "c")
    assert (
        verdict_reason(e, "not rejected in the last 14 days")
        == "rejected on 'Barista, Brno' 1 day ago; window is 14 days"
    )
    assert verdict_reason(e, "not hired in the last 30 days") == "never hired"
    assert [v.label for v in e.failed] == ["not rejected in the last 14 days"]


# --- expired submissions (AP4, AP6) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("expires_in", "in_pool"),
    [(timedelta(0), False), (SECOND, True), (-DAY, False), (timedelta(days=30), True)],
    ids=["expires-exactly-now", "in-1s", "yesterday", "in-30d"],
)
def test_ap6_expiry_boundary(w: World, expires_in: timedelta, in_pool: bool) -> None:
    """AP6: an expired submission does not qualify; the expiry instant itself counts as expired."""
    c = w.candidate("c")
    submit(w, c, expires=w.now + expires_in)
    assert ("c" in pool(w, AutopoolCriteria())) is in_pool


def test_ap6_one_unexpired_submission_elsewhere_qualifies(w: World) -> None:
    """AP6: an expired submission does not hide an unexpired one on another requisition."""
    c = w.candidate("c")
    submit(w, c, "other", expires=w.now - DAY)
    submit(w, c, "third", SubmissionStatus.WITHDRAWN)
    assert pool(w, AutopoolCriteria()) == {"c"}


def test_ap6_expired_submissions_qualify_when_the_exclusion_is_off(w: World) -> None:
    """AP4: with "exclude expired submissions" off, an expired-only candidate is in the pool."""
    c = w.candidate("c")
    submit(w, c, expires=w.now - timedelta(days=100))
    assert pool(w, AutopoolCriteria()) == set()
    assert pool(w, AutopoolCriteria(exclude_expired_submissions=False)) == {"c"}


def test_ap6_an_unexpired_submission_on_this_requisition_does_not_qualify(w: World) -> None:
    """AP6: only submissions elsewhere count (and being on the job removes the candidate anyway)."""
    c = w.candidate("c")
    submit(w, c, "other", expires=w.now - DAY)
    submit(w, c, "job")
    record, ctx = record_and_context(w, "c")
    assert not matches(ExcludeExpiredSubmissions(), record, ctx)


def test_en3_expired_reason(w: World) -> None:
    """EN3: an expired-only candidate is told so."""
    c = w.candidate("c")
    submit(w, c, expires=w.now)
    e = why(w, AutopoolCriteria(), "c")
    assert (
        verdict_reason(e, "has an unexpired submission elsewhere")
        == "every submission on another requisition has expired"
    )


# --- in a selection process (AP4, AP6) --------------------------------------------------------

IN_PROCESS = attrs.evolve(NOTHING, exclude_in_selection_process=True)


@pytest.mark.parametrize(
    ("status", "in_pool"),
    [
        (SubmissionStatus.NEW, False),
        (SubmissionStatus.IN_PROCESS, False),
        (SubmissionStatus.REJECTED, True),
        (SubmissionStatus.HIRED, True),
        (SubmissionStatus.WITHDRAWN, True),
        (SubmissionStatus.INACTIVE, True),
    ],
    ids=lambda v: getattr(v, "value", v),
)
def test_ap6_only_new_and_in_process_are_a_selection_process(
    w: World, status: SubmissionStatus, in_pool: bool
) -> None:
    """AP6: inactive, rejected, hired and withdrawn submissions are not active."""
    c = w.candidate("c")
    submit(w, c, status=status)
    assert ("c" in pool(w, IN_PROCESS)) is in_pool


@pytest.mark.parametrize(
    ("expires_in", "in_pool"),
    [(timedelta(0), True), (-DAY, True), (SECOND, False), (None, False)],
    ids=["expires-now", "expired", "expires-in-1s", "never-expires"],
)
def test_ap6_an_expired_open_submission_is_not_active(
    w: World, expires_in: timedelta | None, in_pool: bool
) -> None:
    """AP6: an open submission that has expired (at its expiry instant) is not active."""
    c = w.candidate("c")
    expires = None if expires_in is None else w.now + expires_in
    submit(w, c, "other", SubmissionStatus.IN_PROCESS, expires=expires)
    assert ("c" in pool(w, IN_PROCESS)) is in_pool


def test_ap6_selection_process_means_on_another_requisition(w: World) -> None:
    """AP6: an open submission on this requisition is not "a selection process elsewhere"."""
    c = w.candidate("c")
    submit(w, c, "job", SubmissionStatus.IN_PROCESS)
    submit(w, c, "other", SubmissionStatus.WITHDRAWN)
    record, ctx = record_and_context(w, "c")
    assert matches(ExcludeInSelectionProcess(), record, ctx)


def test_ap4_selection_process_is_off_by_default(w: World) -> None:
    """AP4: by default a candidate in another selection process is still in the pool."""
    applicant(w, "c")
    assert pool(w, AutopoolCriteria()) == {"c"}
    assert pool(w, attrs.evolve(AutopoolCriteria(), exclude_in_selection_process=True)) == set()


def test_ap12_inactive_candidates_return_to_the_pool(w: World) -> None:
    """AP12, AP6: once repooling sets the submission inactive, the candidate is back."""
    c = w.candidate("c")
    s = submit(w, c, status=SubmissionStatus.IN_PROCESS)
    assert pool(w, IN_PROCESS) == set()
    w.uow.submissions.save(
        attrs.evolve(s, status=SubmissionStatus.INACTIVE, status_changed_at=w.now)
    )
    assert pool(w, IN_PROCESS) == {"c"}


def test_en3_selection_process_reason(w: World) -> None:
    """EN3: the reason names the requisition, the step and the status."""
    c = w.candidate("c")
    submit(w, c, status=SubmissionStatus.IN_PROCESS, step="Interview")
    e = why(w, IN_PROCESS, "c")
    assert (
        verdict_reason(e, "not in a selection process")
        == "in a selection process on 'Barista, Brno' at step 'Interview' (in_process)"
    )
    d = w.candidate("d")
    submit(w, d, status=SubmissionStatus.INACTIVE)
    e = why(w, IN_PROCESS, "d")
    assert verdict_reason(e, "not in a selection process") == (
        "no active submission on another requisition"
    )
    assert e.in_pool


# --- profile language (AP4) ---------------------------------------------------------------

LANGUAGE = attrs.evolve(NOTHING, profile_language_must_match=True)


def test_ap4_profile_language_must_match(w: World) -> None:
    """AP4: the general profile language must be the requisition's (cs), case aside."""
    applicant(w, "cs", profile_language="cs")
    applicant(w, "CS", profile_language="CS")
    applicant(w, "de", profile_language="de", languages=["cs"])
    applicant(w, "unset")
    assert pool(w, LANGUAGE) == {"cs", "CS"}
    assert pool(w, NOTHING) == {"cs", "CS", "de", "unset"}


def test_ap4_language_match_needs_a_requisition_language(w: World) -> None:
    """AP6 (by analogy): without a requisition language the criterion is a configuration error."""
    w.requisition("nolang", "No language", location=PRAGUE)
    applicant(w, "c", profile_language="cs")
    with pytest.raises(ConfigurationError, match="no language"):
        found(w, ProfileLanguageMatchesRequisition(), "nolang")


def test_en3_language_reason(w: World) -> None:
    """EN3: both languages are named."""
    applicant(w, "c", profile_language="de")
    assert (
        verdict_reason(why(w, LANGUAGE, "c"), "profile language matches the requisition's")
        == "profile language de; requisition language cs"
    )


# --- radius (AP4, AP6) ---------------------------------------------------------------------


def point_at(km: float, bearing: float) -> GeoPoint:
    """A point exactly *km* km from the job, by geopy's geodesic."""
    p = geodesic(kilometers=km).destination(PRAGUE.as_tuple(), bearing=bearing)
    return GeoPoint(p.latitude, p.longitude)


def near(distance: float, unit: DistanceUnit = DistanceUnit.KM) -> AutopoolCriteria:
    return attrs.evolve(NOTHING, radius=ResidenceWithin(distance, unit))


@pytest.mark.parametrize("bearing", [0.0, 45.0, 137.5, 180.0, 271.3])
def test_ap6_radius_edge_is_inclusive(w: World, bearing: float) -> None:
    """AP6: exactly 25 km away is in a 25 km radius; 25.001 km is out; 24.999 km in."""
    applicant(w, "edge", residence=point_at(25, bearing))
    applicant(w, "beyond", residence=point_at(25.001, bearing))
    applicant(w, "inside", residence=point_at(24.999, bearing))
    assert pool(w, near(25)) == {"edge", "inside"}


def test_ap4_radius_in_miles(w: World) -> None:
    """AP4: 10 miles (16.09 km) reach 16 km; 10 km do not; the miles edge is inclusive too."""
    applicant(w, "16km", residence=point_at(16, 90))
    applicant(w, "10mi", residence=point_at(10 * 1.609344, 10))
    applicant(w, "17km", residence=point_at(17, 300))
    assert pool(w, near(10, DistanceUnit.MILES)) == {"16km", "10mi"}
    assert pool(w, near(10)) == set()
    assert pool(w, near(17)) == {"16km", "10mi", "17km"}


def test_ap6_no_known_residence_fails_a_radius(w: World) -> None:
    """AP6: a candidate without a known residence is not within any radius."""
    applicant(w, "home", residence=PRAGUE)
    applicant(w, "unknown")
    assert pool(w, near(20_000)) == {"home"}
    assert pool(w, NOTHING) == {"home", "unknown"}


def test_ap6_radius_without_primary_location_is_a_configuration_error(w: World) -> None:
    """AP6: a radius on a requisition with no primary location is reported, never an empty list."""
    w.requisition("remote", "Remote support")  # no primary location
    applicant(w, "c", residence=PRAGUE)
    service = Autopooling(w.uow, w.clock)
    remote = w.uow.requisitions.get(RequisitionId("remote"))
    w.uow.requisitions.save(attrs.evolve(remote, autopool=near(25)))
    with pytest.raises(ConfigurationError, match="no primary location"):
        service.results(RequisitionId("remote"))
    with pytest.raises(ConfigurationError, match="no primary location"):
        service.explain(RequisitionId("remote"), CandidateId("c"))
    # wherever the radius sits in the tree, and even with no candidate at all
    for criterion in (~ResidenceWithin(5), SpeaksLanguage("cs") | ResidenceWithin(5)):
        with pytest.raises(ConfigurationError):
            check_configuration(criterion, remote, {})
        with pytest.raises(ConfigurationError):
            filter_records(criterion, [], EvaluationContext(remote, w.now))


def test_ap6_radius_cannot_be_saved_on_a_requisition_without_location(w: World) -> None:
    """AP6: saving such criteria is refused before anything is written."""
    w.requisition("remote", "Remote support")
    definer = w.user("definer", permissions=[Permission.DEFINE_AUTOPOOL_CRITERIA])
    service = Autopooling(w.uow, w.clock)
    with pytest.raises(ConfigurationError):
        service.set_requisition_criteria(definer.id, RequisitionId("remote"), near(25))
    assert w.uow.requisitions.get(RequisitionId("remote")).autopool is None


def test_en3_radius_reasons(w: World) -> None:
    """EN3: the distance in the criterion's unit, and the radius."""
    applicant(w, "far", residence=point_at(30, 0))
    applicant(w, "none")
    assert (
        verdict_reason(why(w, near(25), "far"), "lives within 25 km of the job")
        == "lives 30.0 km from the job; radius is 25 km"
    )
    assert (
        verdict_reason(
            why(w, near(10, DistanceUnit.MILES), "far"), "lives within 10 miles of the job"
        )
        == "lives 18.6 miles from the job; radius is 10 miles"
    )
    assert verdict_reason(why(w, near(25), "none"), "lives within 25 km of the job") == (
        "no known residence"
    )


# --- structure trees (AP4, AP6) --------------------------------------------------------------


@pytest.fixture
def sw(w: World) -> World:
    """The account with organization and location trees and requisitions placed in them."""
    w.uow.structures.save(
        StructureTree(
            Dimension.ORGANIZATION,
            {"group": None, "retail": "group", "retail-cz": "retail", "logistics": "group"},
        )
    )
    w.uow.structures.save(
        StructureTree(
            Dimension.LOCATION,
            {"cz": None, "praha": "cz", "praha-1": "praha", "brno": "cz", "sk": None},
        )
    )
    w.requisition("retail-praha-1", organization="retail-cz", location_node="praha-1")
    w.requisition("retail-brno", organization="retail-cz", location_node="brno")
    w.requisition("logistics-praha", organization="logistics", location_node="praha")
    w.requisition("group-sk", organization="group", location_node="sk")
    w.requisition("unplaced")
    w.requisition("outside-tree", organization="franchise")
    return w


def structure(**selection: Iterable[str]) -> AutopoolCriteria:
    return attrs.evolve(NOTHING, structure=SubmissionsInStructure(**selection))


def everyone_applying_to_each(sw: World) -> None:
    for rid in (
        "retail-praha-1",
        "retail-brno",
        "logistics-praha",
        "group-sk",
        "unplaced",
        "outside-tree",
    ):
        c = sw.candidate(f"to-{rid}")
        submit(sw, c, rid)


def test_ap4_structure_node_or_below_matches(sw: World) -> None:
    """AP4: a submission matches when its requisition's node is a selected node or below one."""
    everyone_applying_to_each(sw)
    assert pool(sw, structure(organizations=["retail"])) == {"to-retail-praha-1", "to-retail-brno"}
    assert pool(sw, structure(organizations=["retail-cz"])) == {
        "to-retail-praha-1",
        "to-retail-brno",
    }
    assert pool(sw, structure(locations=["praha"])) == {"to-retail-praha-1", "to-logistics-praha"}
    assert pool(sw, structure(locations=["cz"])) == {
        "to-retail-praha-1",
        "to-retail-brno",
        "to-logistics-praha",
    }


def test_ap4_structure_parent_and_sibling_do_not_match(sw: World) -> None:
    """AP4: selecting a node does not select its parent or its siblings."""
    everyone_applying_to_each(sw)
    assert pool(sw, structure(locations=["praha-1"])) == {"to-retail-praha-1"}
    assert pool(sw, structure(organizations=["logistics"])) == {"to-logistics-praha"}
    # group-sk sits at the root of the organization tree: below "group" but not "retail"
    assert "to-group-sk" not in pool(sw, structure(organizations=["retail"]))
    assert "to-group-sk" in pool(sw, structure(organizations=["group"]))


def test_ap4_every_selected_dimension_must_match_on_one_submission(sw: World) -> None:
    """AP4: organization retail AND location praha: one submission must satisfy both."""
    split = sw.candidate("split")
    submit(sw, split, "retail-brno")  # retail, but Brno
    submit(sw, split, "logistics-praha")  # Praha, but logistics
    both = sw.candidate("both")
    submit(sw, both, "retail-praha-1")
    assert pool(sw, structure(organizations=["retail"], locations=["praha"])) == {"both"}
    assert pool(sw, structure(organizations=["retail"])) == {"split", "both"}


def test_ap4_unplaced_and_unknown_nodes(sw: World) -> None:
    """AP4: a requisition with no node in a selected dimension fails it, and so does one on a
    node outside the tree; selecting a node the saved tree does not hold, or in a dimension
    with no saved tree, is a configuration error naming the node, never an empty pool."""
    everyone_applying_to_each(sw)
    in_group = pool(sw, structure(organizations=["group"]))
    assert "to-unplaced" not in in_group
    assert "to-outside-tree" not in in_group
    # an empty dimension selects everything: only the organization is checked here
    assert "to-unplaced" not in pool(sw, structure(organizations=["group"], locations=[]))
    with pytest.raises(ConfigurationError, match=r"organization node 'franchise' .* not in"):
        pool(sw, structure(organizations=["franchise"]))
    with pytest.raises(ConfigurationError, match=r"nodes 'atlantis', 'franchise' .* not in"):
        pool(sw, structure(organizations=["group", "franchise", "atlantis"]))
    with pytest.raises(ConfigurationError, match=r"job-field node 'sales' .* no saved job-field"):
        pool(sw, structure(organizations=["group"], job_fields=["sales"]))
    with pytest.raises(ConfigurationError, match="franchise"):
        found(sw, SubmissionsInStructure(organizations=["franchise"]))  # the store refuses too


def test_ap6_expired_submission_does_not_satisfy_the_structure(sw: World) -> None:
    """AP6: with expired excluded, an expired submission inside the structure does not count,
    even though the candidate has an unexpired one outside it."""
    c = sw.candidate("c")
    submit(sw, c, "retail-praha-1", expires=sw.now - DAY)
    submit(sw, c, "logistics-praha")
    saved = SubmissionsInStructure(organizations=["retail"])
    excluded = AutopoolCriteria(exclude_hired_within_days=None, structure=saved)
    assert pool(sw, excluded) == set()
    kept = attrs.evolve(excluded, exclude_expired_submissions=False)
    assert pool(sw, kept) == {"c"}


def test_ap6_expired_at_the_instant_does_not_satisfy_the_structure(sw: World) -> None:
    """AP6: the structure's expiry boundary is the same as everywhere: expiry instant = expired."""
    at_now, in_a_second = sw.candidate("at-now"), sw.candidate("in-a-second")
    submit(sw, at_now, "retail-brno", expires=sw.now)
    submit(sw, in_a_second, "retail-brno", expires=sw.now + SECOND)
    criterion = SubmissionsInStructure(organizations=["retail"])
    assert found(sw, criterion) == {"in-a-second"}
    assert found(sw, attrs.evolve(criterion, include_expired=True)) == {"at-now", "in-a-second"}


def test_en3_structure_reasons(sw: World) -> None:
    """EN3: the matching application is named; a miss says expired ones do not count."""
    c = sw.candidate("c")
    submit(sw, c, "retail-brno")
    d = sw.candidate("d")
    submit(sw, d, "retail-brno", expires=sw.now - DAY)
    submit(sw, d, "unplaced")
    saved = structure(organizations=["retail"])
    label = "applied within organization in retail"
    assert verdict_reason(why(sw, saved, "c"), label) == (
        "applied on 'retail-brno', inside the selected structure"
    )
    assert verdict_reason(why(sw, AutopoolCriteria(structure=saved.structure), "d"), label) == (
        "no submission on another requisition inside the selected structure"
        " (expired submissions do not count)"
    )


# --- advanced search: keywords, tags, languages, fields (AP4) ---------------------------------


def test_ap4_keywords_whole_word_case_and_accent_insensitive(w: World) -> None:
    """AP4: "zilina" finds "Žilina"; "zilin" does not; case is ignored."""
    applicant(w, "zilina", text="Prodavačka, prodejna ŽILINA")
    applicant(w, "brno", text="Prodavačka, Brno")
    assert found(w, Keywords("zilina")) == {"zilina"}
    assert found(w, Keywords("Žilina")) == {"zilina"}
    assert found(w, Keywords("zilin")) == set()
    assert found(w, Keywords("prodavacka")) == {"zilina", "brno"}
    assert found(w, Keywords("prodavacka zilina")) == {"zilina"}


def test_ap4_keywords_search_names_city_and_fields(w: World) -> None:
    """AP4: the searchable text is names, city, field values and the profile text."""
    applicant(w, "a", family_name="Kováčová")
    applicant(w, "b", city="Kladno")
    applicant(w, "c", fields={"licence": "forklift"})
    assert found(w, Keywords("kovacova")) == {"a"}
    assert found(w, Keywords("KLADNO")) == {"b"}
    assert found(w, Keywords("forklift")) == {"c"}


def test_ap4_tags_by_key(w: World) -> None:
    """AP4, DM2: a tag criterion finds every spelling of the tag."""
    applicant(w, "upper", tags=["PRAHA "])
    applicant(w, "wide", tags=["ｐｒａｈａ"])
    applicant(w, "other", tags=["Brno"])
    assert found(w, HasTag("praha")) == {"upper", "wide"}
    assert found(w, ~HasTag("Praha")) == {"other"}


def test_ap4_languages(w: World) -> None:
    """AP4: a language criterion finds candidates speaking it, case aside."""
    applicant(w, "de", languages=["DE", "cs"])
    applicant(w, "cs", languages=["cs"])
    assert found(w, SpeaksLanguage("de")) == {"de"}
    assert found(w, SpeaksLanguage("CS")) == {"de", "cs"}
    assert found(w, SpeaksLanguage("de") | SpeaksLanguage("en")) == {"de"}


def test_ap4_field_equality(w: World) -> None:
    """AP4: a field equals a value with case and accents ignored; a missing field fails."""
    applicant(w, "b", fields={"Driving_Licence": "B"})
    applicant(w, "c", fields={"driving_licence": "C"})
    applicant(w, "noc", fields={"shift": "Noc"})
    applicant(w, "none")
    assert found(w, FieldEquals("driving_licence", "b")) == {"b"}
    assert found(w, FieldEquals("DRIVING_LICENCE", "B")) == {"b"}
    assert found(w, FieldEquals("shift", "NOC")) == {"noc"}
    assert found(w, ~FieldEquals("driving_licence", "B")) == {"c", "noc", "none"}


def test_ap4_advanced_and_basic_criteria_combine(w: World) -> None:
    """AP4: the advanced tree is ANDed with the basic set."""
    applicant(w, "a", languages=["de"], text="cashier")
    applicant(w, "b", languages=["de"], text="barista")
    hired = w.candidate("hired", languages=["de"], text="cashier")
    submit(w, hired, status=SubmissionStatus.HIRED, changed=w.now - DAY)
    saved = AutopoolCriteria(advanced=SpeaksLanguage("de") & (Keywords("cashier") | HasTag("x")))
    assert pool(w, saved) == {"a"}


def test_en3_keyword_tag_and_field_reasons(w: World) -> None:
    """EN3: advanced-search verdicts say what was found or missing."""
    applicant(w, "c", text="Prodavačka Žilina", tags=["Praha"], fields={"shift": "night"})
    r, ctx = record_and_context(w, "c")
    assert explain(Keywords("zilina zilin"), r, ctx).reason == "profile lacks 'zilin'"
    assert explain(Keywords("ZILINA"), r, ctx).reason == "profile contains 'zilina'"
    assert explain(HasTag("praha"), r, ctx).reason == "tagged 'praha'"
    assert explain(HasTag("Brno"), r, ctx).reason == "not tagged 'Brno'"
    assert explain(FieldEquals("shift", "day"), r, ctx).reason == "shift is 'night'"
    assert explain(FieldEquals("licence", "B"), r, ctx).reason == "has no licence"
    assert explain(SpeaksLanguage("de"), r, ctx).reason == "speaks none recorded"


# --- consent (AP14) -------------------------------------------------------------------------

CONSENT = attrs.evolve(NOTHING, require_valid_consent=True)


def consents(w: World) -> None:
    given = w.now - timedelta(days=400)
    applicant(w, "none")
    applicant(w, "valid", consent=Consent(given))
    applicant(w, "until", consent=Consent(given, expires_at=w.now + SECOND))
    applicant(w, "expired", consent=Consent(given, expires_at=w.now))
    applicant(w, "withdrawn", consent=Consent(given, withdrawn_at=w.now - timedelta(days=3)))
    applicant(w, "withdraws-later", consent=Consent(given, withdrawn_at=w.now + DAY))


def test_ap14_consent_criterion(w: World) -> None:
    """AP14: no consent, expired (at the instant) and withdrawn consent are excluded."""
    consents(w)
    assert pool(w, CONSENT) == {"valid", "until", "withdraws-later"}
    assert found(w, ConsentValid()) == {"valid", "until", "withdraws-later"}
    assert len(pool(w, NOTHING)) == 6


def test_ap14_account_can_enforce_consent_in_every_pool(w: World) -> None:
    """AP14: with the account setting on, pools exclude invalid consent without asking."""
    consents(w)
    w.settings(enforce_consent=True)
    assert pool(w, NOTHING) == {"valid", "until", "withdraws-later"}


def test_en3_consent_reasons(w: World) -> None:
    """EN3: each consent state has a reason a manager reads."""
    consents(w)
    label = "data-processing consent is valid"
    assert verdict_reason(why(w, CONSENT, "none"), label) == "no data-processing consent recorded"
    assert verdict_reason(why(w, CONSENT, "expired"), label) == "consent expired today"
    assert verdict_reason(why(w, CONSENT, "withdrawn"), label) == "consent withdrawn 3 days ago"
    assert verdict_reason(why(w, CONSENT, "valid"), label) == "consent valid"
    assert verdict_reason(why(w, CONSENT, "until"), label) == "consent valid until 2026-11-02"


# --- the universe (AP5) ----------------------------------------------------------------------


def test_ap5_only_candidates_who_applied_elsewhere(w: World) -> None:
    """AP5: never applied → out; only on this requisition → out; also on it → out;
    matched and rejected from this pool → out; applied elsewhere → in."""
    w.candidate("never")
    only_here = w.candidate("only-here")
    submit(w, only_here, "job")
    both = w.candidate("both")
    submit(w, both, "job")
    submit(w, both, "other")
    applicant(w, "excluded")
    applicant(w, "elsewhere")
    job = w.uow.requisitions.get(JOB)
    w.uow.requisitions.save(attrs.evolve(job, pool_exclusions={CandidateId("excluded")}))
    assert pool(w, NOTHING) == {"elsewhere"}
    assert found(w, EVERYONE) == {"elsewhere"}
    assert found(w, ~EVERYONE) == set()


@pytest.mark.parametrize(
    ("cid", "reason"),
    [
        ("never", "has not applied on another requisition"),
        ("only-here", "already on this requisition"),
        ("both", "already on this requisition"),
        ("excluded", "matched and rejected from this pool"),
        ("elsewhere", "applied on 2 other requisition(s)"),
    ],
)
def test_ap5_universe_reasons(w: World, cid: str, reason: str) -> None:
    """AP5, EN3: explain says why a candidate is or is not considered at all."""
    w.candidate("never")
    submit(w, w.candidate("only-here"), "job")
    both = w.candidate("both")
    submit(w, both, "job")
    submit(w, both, "other")
    applicant(w, "excluded")
    elsewhere = applicant(w, "elsewhere")
    submit(w, elsewhere, "third")
    job = w.uow.requisitions.get(JOB)
    w.uow.requisitions.save(attrs.evolve(job, pool_exclusions={CandidateId("excluded")}))
    e = why(w, NOTHING, cid)
    assert e.universe.reason == reason
    assert e.in_pool is (cid == "elsewhere")
    record, _ = record_and_context(w, cid)
    assert in_universe(record, w.uow.requisitions.get(JOB)).passed is (cid == "elsewhere")


def test_ap5_the_universe_comes_before_every_criterion(w: World) -> None:
    """AP5: even a criterion that excludes no one cannot bring in a candidate already on the job."""
    c = w.candidate("c")
    submit(w, c, "job")
    submit(w, c, "other")
    assert found(w, ~HasTag("anything")) == set()


# --- explanations as a whole (EN3) -------------------------------------------------------------


def test_en3_explanation_lists_every_term_in_order(w: World) -> None:
    """EN3: one verdict per term, in the funnel's order, and a readable summary."""
    applicant(w, "c", profile_language="cs", residence=point_at(5, 0))
    saved = AutopoolCriteria(
        exclude_in_selection_process=True,
        profile_language_must_match=True,
        radius=ResidenceWithin(10),
    )
    e = why(w, saved, "c")
    assert [v.label for v in e.verdicts] == [
        "has an unexpired submission elsewhere",
        "not in a selection process",
        "not hired in the last 30 days",
        "profile language matches the requisition's",
        "lives within 10 km of the job",
    ]
    assert [v.passed for v in e.verdicts] == [True, False, True, True, True]
    assert not e.in_pool
    assert str(e).splitlines()[0] == "candidate c for requisition job: not in the pool"


def test_en3_composite_verdicts_explain_their_parts(w: World) -> None:
    """EN3: an AND names the parts that fail; an OR the parts that pass; NOT its child's reason."""
    applicant(w, "c", languages=["de"], tags=["Praha"])
    record, ctx = record_and_context(w, "c")
    both = explain(SpeaksLanguage("de") & HasTag("Brno"), record, ctx)
    assert not both.passed
    assert both.reason == "fails: tagged 'Brno' (not tagged 'Brno')"
    either = explain(SpeaksLanguage("en") | HasTag("Praha"), record, ctx)
    assert either.passed
    assert either.reason == "passes: tagged 'Praha' (tagged 'Praha')"
    negated = explain(~HasTag("Praha"), record, ctx)
    assert not negated.passed
    assert negated.reason == "tagged 'Praha'"
    assert len(negated.children) == 1


def test_en3_explain_agrees_with_matching(w: World) -> None:
    """EN3: the verdict of explain is the answer of the evaluator, term by term."""
    applicant(w, "a", languages=["de"], text="cashier", residence=point_at(3, 10))
    applicant(w, "b", tags=["call"])
    c = w.candidate("c", residence=point_at(40, 200))
    submit(w, c, status=SubmissionStatus.HIRED, changed=w.now - timedelta(days=2))
    tree = (SpeaksLanguage("de") | HasTag("call")) & ~ResidenceWithin(10) | ExcludeHiredWithin(7)
    for cid in ("a", "b", "c"):
        record, ctx = record_and_context(w, cid)
        assert explain(tree, record, ctx).passed is matches(tree, record, ctx)


def test_ap7_pool_is_a_single_query_with_an_exact_total(w: World) -> None:
    """AP7: the repository's answer carries every row asked for and the exact total."""
    for i in range(5):
        applicant(w, f"c{i}")
    job = w.uow.requisitions.get(JOB)
    page = w.uow.candidates.find(CandidateQuery(job, w.now, EVERYONE, limit=2))
    assert page.total == 5
    assert len(page.rows) == 2
    assert w.uow.candidates.find(CandidateQuery(job, w.now, EVERYONE, limit=0)).rows == ()


def test_en2_the_deepest_tree_is_matched_explained_and_found(w: World) -> None:
    """EN2: a tree at MAX_DEPTH is matched, explained and pushed down without RecursionError."""
    from talentpool.criteria import MAX_DEPTH

    applicant(w, "a", languages=["de"], tags=["Brno"])
    applicant(w, "b", tags=["call"])
    leaves = [HasTag("Brno"), SpeaksLanguage("en"), HasTag("call"), Keywords("cashier")]
    tree: Criterion = SpeaksLanguage("de")
    for i in range(MAX_DEPTH):
        op, leaf = "&|~"[i % 3], leaves[i % len(leaves)]
        tree = tree & leaf if op == "&" else tree | leaf if op == "|" else ~tree
    assert tree.depth == MAX_DEPTH
    for cid in ("a", "b"):
        record, ctx = record_and_context(w, cid)
        assert explain(tree, record, ctx).passed is matches(tree, record, ctx)
    job = w.uow.requisitions.get(JOB)
    page = w.uow.candidates.find(CandidateQuery(job, w.now, tree, limit=10))
    assert page.total == len(page.rows)
