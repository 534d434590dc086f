"""The automatic candidate pooling service: switch, permissions, templates, universe, file.

Covers AP1 (feature switch), AP2 (criteria permission), AP3 (template
inheritance), AP5 (who is considered), AP11 (candidate file), AP13 (template
overrides), AP14 (consent) and the configuration errors of AP6. Results,
sorting and quick filters are in ``test_autopool_results.py``; explanations,
the funnel and the dry run in ``test_autopool_explain.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import attrs
import pytest

from talentpool import (
    EVERYONE,
    Attachment,
    AttachmentId,
    AutopoolCriteria,
    Autopooling,
    CandidateId,
    ConfigurationError,
    ConflictError,
    Consent,
    DomainError,
    FeatureDisabledError,
    GeoPoint,
    NotFoundError,
    Permission,
    PermissionDeniedError,
    QuickFilter,
    QuickFilterId,
    RequisitionId,
    RequisitionTemplate,
    ResidenceWithin,
    Role,
    SpeaksLanguage,
    SubmissionStatus,
    TemplateId,
    UserId,
    requisition_from_template,
)
from talentpool.audit import RequisitionOpened
from talentpool.testing import World

BRNO = GeoPoint(49.1951, 16.6068)
OLOMOUC = GeoPoint(49.5938, 17.2509)

EVERYONE_ELSEWHERE = AutopoolCriteria(
    exclude_expired_submissions=False, exclude_hired_within_days=None
)
"""Criteria with every basic switch off: the pool is exactly the universe (AP5)."""

ADMIN = UserId("admin")
DEFINER = UserId("definer")
MANAGER = UserId("manager")
REQ = RequisitionId("brno")


def _people(world: World) -> None:
    world.user("admin", "Alena Adminová", Role.ADMINISTRATOR)
    world.user("definer", "Roman Rekrutér", Role.RECRUITER, [Permission.DEFINE_AUTOPOOL_CRITERIA])
    # A manager with every permission except the one AP2 asks for.
    world.user(
        "manager",
        "Marek Manažer",
        Role.HIRING_MANAGER,
        [p for p in Permission if p is not Permission.DEFINE_AUTOPOOL_CRITERIA],
    )


def _account(world: World, criteria: AutopoolCriteria | None = EVERYONE_ELSEWHERE) -> Autopooling:
    """An account with users, a template, one requisition in Brno and one elsewhere."""
    _people(world)
    world.uow.templates.save(RequisitionTemplate(TemplateId("assistant"), "Store assistant"))
    world.requisition("olomouc", "Cashier, Olomouc", location=OLOMOUC)
    world.requisition("brno", "Store assistant, Brno", location=BRNO, autopool=criteria)
    eva = world.candidate("eva", "Eva", "Nováková", residence=BRNO)
    world.apply(eva, "olomouc")
    return Autopooling(world.uow, world.clock)


# --- AP1: the feature switch ----------------------------------------------------------

POOL_OPERATIONS: dict[str, Callable[[Autopooling], object]] = {
    "results": lambda p: p.results(REQ),
    "explain": lambda p: p.explain(REQ, CandidateId("eva")),
    "funnel": lambda p: p.funnel(REQ),
    "in_pool": lambda p: p.in_pool(REQ, CandidateId("eva")),
    "candidate_file": lambda p: p.candidate_file(ADMIN, REQ, CandidateId("eva")),
    "dry_run": lambda p: p.dry_run(ADMIN, REQ, AutopoolCriteria()),
    "set_requisition_criteria": lambda p: p.set_requisition_criteria(
        ADMIN, REQ, AutopoolCriteria()
    ),
    "set_template_criteria": lambda p: p.set_template_criteria(
        ADMIN, TemplateId("assistant"), AutopoolCriteria()
    ),
}


def test_the_feature_is_off_until_an_administrator_enables_it() -> None:
    """AP1: a fresh account has automatic candidate pooling switched off."""
    world = World(autopool_enabled=False)
    pool = _account(world)

    assert world.uow.settings.get().autopool_enabled is False
    with pytest.raises(FeatureDisabledError, match="system administrator can enable it"):
        pool.results(REQ)


@pytest.mark.parametrize("operation", sorted(POOL_OPERATIONS))
def test_while_off_every_pool_operation_is_refused(operation: str) -> None:
    """AP1: defining criteria and reading pools give "feature disabled", even to an admin."""
    world = World(autopool_enabled=False)
    pool = _account(world)
    before_req = world.uow.requisitions.get(REQ)
    before_tpl = world.uow.templates.get(TemplateId("assistant"))

    with pytest.raises(FeatureDisabledError) as caught:
        POOL_OPERATIONS[operation](pool)

    # A host catching PermissionError keeps working, and nothing was saved.
    assert isinstance(caught.value, PermissionError)
    assert world.uow.requisitions.get(REQ) == before_req
    assert world.uow.templates.get(TemplateId("assistant")) == before_tpl


@pytest.mark.parametrize("user", [DEFINER, MANAGER])
def test_only_administrators_switch_the_feature(user: UserId) -> None:
    """AP1: a recruiter, even one who may define criteria, cannot switch the feature."""
    world = World(autopool_enabled=False)
    pool = _account(world)

    with pytest.raises(PermissionDeniedError, match="only system administrators"):
        pool.set_enabled(user, True)
    assert world.uow.settings.get().autopool_enabled is False

    pool.set_enabled(ADMIN, True)
    with pytest.raises(PermissionDeniedError):
        pool.set_enabled(user, False)
    assert world.uow.settings.get().autopool_enabled is True


def test_enabling_and_disabling_takes_effect_at_once() -> None:
    """AP1: after an administrator enables it pools answer; after disabling they refuse."""
    world = World(autopool_enabled=False)
    pool = _account(world)

    pool.set_enabled(ADMIN, True)
    assert pool.results(REQ).candidate_ids == ("eva",)

    pool.set_enabled(ADMIN, False)
    with pytest.raises(FeatureDisabledError):
        pool.results(REQ)
    # Switching off keeps the saved criteria: switching on again restores the pool.
    pool.set_enabled(ADMIN, True)
    assert pool.results(REQ).candidate_ids == ("eva",)


def test_switching_leaves_other_account_settings_alone(world: World) -> None:
    """AP1: the switch changes only ``autopool_enabled``."""
    pool = _account(world)
    world.settings(enforce_consent=True, match_and_reject_enabled=True)

    pool.set_enabled(ADMIN, False)

    settings = world.uow.settings.get()
    assert (settings.autopool_enabled, settings.enforce_consent) == (False, True)
    assert settings.match_and_reject_enabled is True


# --- AP2: the criteria permission -------------------------------------------------------


def test_requisition_criteria_need_the_permission(world: World) -> None:
    """AP2: without DEFINE_AUTOPOOL_CRITERIA the change is refused and nothing is saved."""
    pool = _account(world)
    wider = AutopoolCriteria(radius=ResidenceWithin(50))

    with pytest.raises(PermissionDeniedError, match="define_autopool_criteria"):
        pool.set_requisition_criteria(MANAGER, REQ, wider)
    with pytest.raises(PermissionDeniedError):
        pool.set_requisition_criteria(MANAGER, REQ, None)
    assert world.uow.requisitions.get(REQ).autopool == EVERYONE_ELSEWHERE

    saved = pool.set_requisition_criteria(DEFINER, REQ, wider)
    assert saved.autopool == wider
    assert world.uow.requisitions.get(REQ).autopool == wider


def test_template_criteria_need_the_permission(world: World) -> None:
    """AP2: the same permission guards a template's criteria."""
    pool = _account(world)
    tid = TemplateId("assistant")
    criteria = AutopoolCriteria(exclude_in_selection_process=True)

    with pytest.raises(PermissionDeniedError):
        pool.set_template_criteria(MANAGER, tid, criteria)
    assert world.uow.templates.get(tid).autopool is None

    pool.set_template_criteria(DEFINER, tid, criteria)
    assert world.uow.templates.get(tid).autopool == criteria
    # Administrators hold every permission.
    pool.set_template_criteria(ADMIN, tid, None)
    assert world.uow.templates.get(tid).autopool is None


def test_viewing_results_needs_no_permission(world: World) -> None:
    """AP2: a hiring manager with no permissions at all reads the pool and opens a file."""
    pool = _account(world)
    world.user("nobody", "Nina Nováčková", Role.HIRING_MANAGER, [])

    assert pool.results(REQ).candidate_ids == ("eva",)
    assert pool.explain(REQ, CandidateId("eva")).in_pool
    assert pool.funnel(REQ).matched == 1
    opened = pool.candidate_file(UserId("nobody"), REQ, CandidateId("eva"))
    assert opened.candidate.id == "eva"


def test_unknown_user_is_not_found(world: World) -> None:
    """AP2: an id the account does not hold is a lookup error, not a permission grant."""
    pool = _account(world)
    with pytest.raises(NotFoundError):
        pool.set_requisition_criteria(UserId("ghost"), REQ, AutopoolCriteria())


# --- AP3: templates ----------------------------------------------------------------------

STORE = AutopoolCriteria(exclude_in_selection_process=True, radius=ResidenceWithin(25))


def _template_account(world: World) -> Autopooling:
    pool = _account(world)
    template = RequisitionTemplate(
        TemplateId("assistant"), "Store assistant", language="cs", organization="retail"
    )
    world.uow.templates.save(template)
    pool.set_template_criteria(DEFINER, TemplateId("assistant"), STORE)
    return pool


def test_requisition_opened_from_a_template_inherits_its_criteria(world: World) -> None:
    """AP3: the template's criteria and defaults are copied into the new requisition."""
    pool = _template_account(world)

    req = pool.open_requisition(
        TemplateId("assistant"),
        requisition_id=RequisitionId("praha-1"),
        title="Store assistant, Praha",
        primary_location=GeoPoint(50.0755, 14.4378),
    )

    assert req.autopool == STORE
    assert req.template_id == "assistant"
    assert (req.language, req.organization) == ("cs", "retail")
    assert req.created_at == world.now
    assert world.uow.requisitions.get(RequisitionId("praha-1")) == req


def test_requisition_from_template_copies_without_saving(world: World) -> None:
    """AP3: the pure helper builds the same requisition, and fields override defaults."""
    _template_account(world)
    template = world.uow.templates.get(TemplateId("assistant"))

    req = requisition_from_template(
        template,
        requisition_id=RequisitionId("r9"),
        title="Store assistant, Olomouc",
        created_at=world.now,
        language="de",
    )

    assert req.autopool == STORE
    assert req.language == "de"  # overridden by the caller
    with pytest.raises(NotFoundError):
        world.uow.requisitions.get(RequisitionId("r9"))
    with pytest.raises(DomainError, match="fields"):
        requisition_from_template(
            template,
            requisition_id=RequisitionId("r9"),
            title="x",
            created_at=world.now,
            salary="high",
        )


def test_the_requisition_may_change_its_own_copy(world: World) -> None:
    """AP3: editing the requisition's criteria leaves the template as it was."""
    pool = _template_account(world)
    pool.open_requisition(
        TemplateId("assistant"),
        requisition_id=RequisitionId("r1"),
        title="Assistant",
        primary_location=BRNO,
    )

    mine = attrs.evolve(STORE, radius=ResidenceWithin(60))
    pool.set_requisition_criteria(DEFINER, RequisitionId("r1"), mine)

    assert world.uow.requisitions.get(RequisitionId("r1")).autopool == mine
    assert world.uow.templates.get(TemplateId("assistant")).autopool == STORE


def test_later_template_edits_do_not_rewrite_existing_requisitions(world: World) -> None:
    """AP3: only requisitions opened after the edit get the new criteria."""
    pool = _template_account(world)
    tid = TemplateId("assistant")
    before = pool.open_requisition(tid, requisition_id=RequisitionId("r1"), title="Before")

    edited = attrs.evolve(STORE, exclude_in_selection_process=False, radius=None)
    pool.set_template_criteria(DEFINER, tid, edited)
    after = pool.open_requisition(tid, requisition_id=RequisitionId("r2"), title="After")

    assert world.uow.requisitions.get(before.id).autopool == STORE
    assert after.autopool == edited


def test_a_template_without_criteria_gives_a_requisition_without_a_pool(world: World) -> None:
    """AP3: nothing to inherit, so asking for the pool is a configuration error, not []."""
    pool = _account(world)
    req = pool.open_requisition(
        TemplateId("assistant"), requisition_id=RequisitionId("r1"), title="Assistant"
    )

    assert req.autopool is None
    with pytest.raises(ConfigurationError, match="no autopool criteria"):
        pool.results(req.id)


# --- AP13: template overrides ----------------------------------------------------------


def test_no_overrides_right_after_creation(world: World) -> None:
    """AP13: a requisition fresh from its template differs in nothing."""
    pool = _template_account(world)
    pool.open_requisition(TemplateId("assistant"), requisition_id=RequisitionId("r1"), title="A")

    overrides = pool.overrides(RequisitionId("r1"))

    assert overrides.template_id == "assistant"
    assert overrides.fields == ()
    assert not overrides.overridden


def test_overrides_name_the_changed_fields(world: World) -> None:
    """AP13: the fields the requisition changed, in the criteria's field order."""
    pool = _template_account(world)
    rid = RequisitionId("r1")
    pool.open_requisition(
        TemplateId("assistant"), requisition_id=rid, title="A", primary_location=BRNO
    )

    changed = attrs.evolve(
        STORE,
        radius=ResidenceWithin(40),
        exclude_hired_within_days=14,
        advanced=SpeaksLanguage("de"),
    )
    pool.set_requisition_criteria(DEFINER, rid, changed)

    overrides = pool.overrides(rid)
    assert overrides.overridden
    assert overrides.fields == ("exclude_hired_within_days", "radius", "advanced")

    # Changing a field back to the template's value removes it from the list.
    pool.set_requisition_criteria(DEFINER, rid, attrs.evolve(changed, radius=STORE.radius))
    assert pool.overrides(rid).fields == ("exclude_hired_within_days", "advanced")


def test_removing_the_criteria_is_an_override(world: World) -> None:
    """AP13: a requisition that dropped its inherited criteria differs as a whole."""
    pool = _template_account(world)
    rid = RequisitionId("r1")
    pool.open_requisition(TemplateId("assistant"), requisition_id=rid, title="A")

    pool.set_requisition_criteria(DEFINER, rid, None)

    assert pool.overrides(rid).fields == ("autopool",)


def test_overrides_compare_with_the_template_as_it_is_now(world: World) -> None:
    """AP13 with AP3: after a template edit the untouched requisition shows the difference."""
    pool = _template_account(world)
    rid = RequisitionId("r1")
    pool.open_requisition(TemplateId("assistant"), requisition_id=rid, title="A")

    pool.set_template_criteria(
        DEFINER, TemplateId("assistant"), attrs.evolve(STORE, exclude_rejected_within_days=90)
    )

    assert pool.overrides(rid).fields == ("exclude_rejected_within_days",)


def test_a_requisition_without_a_template_has_nothing_to_override(world: World) -> None:
    """AP13: no template, no overrides."""
    pool = _account(world)
    overrides = pool.overrides(REQ)
    assert (overrides.template_id, overrides.fields) == (None, ())


# --- AP5: who is considered ---------------------------------------------------------------


def test_only_candidates_who_applied_elsewhere_are_considered(world: World) -> None:
    """AP5: a candidate in the database who never applied anywhere is not in any pool."""
    pool = _account(world)
    world.candidate("walk-in", "Pavel", "Procházka", residence=BRNO)

    assert pool.results(REQ).candidate_ids == ("eva",)
    why = pool.explain(REQ, CandidateId("walk-in"))
    assert not why.in_pool
    assert why.failed == (why.universe,)
    assert why.universe.reason == "has not applied on another requisition"


@pytest.mark.parametrize(
    "status",
    [SubmissionStatus.NEW, SubmissionStatus.REJECTED, SubmissionStatus.WITHDRAWN],
)
def test_candidates_already_on_this_requisition_never_appear(
    world: World, status: SubmissionStatus
) -> None:
    """AP5: whatever became of their submission here, they are not pooled for it again."""
    pool = _account(world)
    world.apply("eva", REQ, status=status, submitted_days_ago=3)

    assert pool.results(REQ).total == 0
    why = pool.explain(REQ, CandidateId("eva"))
    assert not why.universe.passed
    assert why.universe.reason == "already on this requisition"
    assert not pool.in_pool(REQ, CandidateId("eva"))


def test_matched_and_rejected_candidates_never_appear(world: World) -> None:
    """AP5: a candidate matched and rejected from this pool stays out of it (only this one)."""
    pool = _account(world)
    world.requisition("praha", "Store assistant, Praha", autopool=EVERYONE_ELSEWHERE)
    req = world.uow.requisitions.get(REQ)
    world.uow.requisitions.save(attrs.evolve(req, pool_exclusions={CandidateId("eva")}))

    assert pool.results(REQ).total == 0
    assert pool.explain(REQ, CandidateId("eva")).universe.reason == (
        "matched and rejected from this pool"
    )
    assert pool.results(RequisitionId("praha")).candidate_ids == ("eva",)


def test_a_submission_elsewhere_counts_whatever_its_status(world: World) -> None:
    """AP5: "applied on another requisition" is any submission, even an old rejection.

    The exclusions of AP4 are separate criteria; with all of them off the universe
    alone decides.
    """
    pool = _account(world)
    for i, status in enumerate(SubmissionStatus):
        c = world.candidate(f"s{i}", "Jan", f"Status{i}")
        world.apply(c, "olomouc", status=status, submitted_days_ago=400, expires_in_days=-300)

    ids = set(pool.results(REQ).candidate_ids)
    assert ids == {"eva"} | {f"s{i}" for i in range(len(SubmissionStatus))}


# --- AP11: the candidate file -----------------------------------------------------------


def _file_account(world: World) -> Autopooling:
    pool = _account(world)
    world.requisition("praha", "Cashier, Praha")
    world.apply("eva", "praha", status=SubmissionStatus.REJECTED, submitted_days_ago=90)
    world.uow.attachments.save(
        Attachment(AttachmentId("cv"), CandidateId("eva"), "cv.pdf", world.ago(20))
    )
    world.user("viewer", "Věra", Role.HIRING_MANAGER, [Permission.VIEW_OTHER_APPLICATIONS])
    world.user("plain", "Petr", Role.HIRING_MANAGER, [])
    return pool


def test_file_shows_other_applications_with_the_permission(world: World) -> None:
    """AP11: with VIEW_OTHER_APPLICATIONS the file lists every other application, oldest first."""
    pool = _file_account(world)

    opened = pool.candidate_file(UserId("viewer"), REQ, CandidateId("eva"))

    assert opened.other_applications is not None
    assert [(a.title, a.status) for a in opened.other_applications] == [
        ("Cashier, Praha", SubmissionStatus.REJECTED),
        ("Cashier, Olomouc", SubmissionStatus.NEW),
    ]
    assert opened.other_applications[0].submitted_at == world.ago(90)
    assert [a.filename for a in opened.attachments] == ["cv.pdf"]


def test_file_without_the_permission_has_no_applications_at_all(world: World) -> None:
    """AP11: without the permission the applications are absent (None), not an empty list."""
    pool = _file_account(world)

    opened = pool.candidate_file(UserId("plain"), REQ, CandidateId("eva"))

    assert opened.other_applications is None
    assert opened.candidate.name == "Eva Nováková"
    assert [a.filename for a in opened.attachments] == ["cv.pdf"]


def test_administrators_see_other_applications(world: World) -> None:
    """AP11: administrators hold every permission."""
    pool = _file_account(world)
    opened = pool.candidate_file(ADMIN, REQ, CandidateId("eva"))
    assert opened.other_applications is not None
    assert len(opened.other_applications) == 2


def test_a_candidate_outside_the_pool_cannot_be_opened(world: World) -> None:
    """AP11: the pool is no window onto the database; excluded candidates stay closed."""
    pool = _account(world, AutopoolCriteria())  # hired in the last 30 days are out
    world.user("viewer", "Věra", Role.HIRING_MANAGER, [Permission.VIEW_OTHER_APPLICATIONS])
    hired = world.candidate("hired", "Hana", "Horáková")
    world.apply(hired, "olomouc", status=SubmissionStatus.HIRED, status_changed_days_ago=5)
    world.candidate("never", "Nikola", "Nová")

    for cid in ("hired", "never"):
        with pytest.raises(PermissionDeniedError, match="not in the pool"):
            pool.candidate_file(UserId("viewer"), REQ, CandidateId(cid))
    assert pool.candidate_file(UserId("viewer"), REQ, CandidateId("eva")).candidate.id == "eva"


# --- AP14: consent ------------------------------------------------------------------------


def _consent_account(world: World, criteria: AutopoolCriteria) -> Autopooling:
    pool = _account(world, criteria)
    now = world.now
    people = {
        "valid": Consent(now - timedelta(days=100), expires_at=now + timedelta(days=1)),
        "forever": Consent(now - timedelta(days=100)),
        "expired": Consent(now - timedelta(days=400), expires_at=now - timedelta(days=1)),
        "expires-now": Consent(now - timedelta(days=400), expires_at=now),
        "withdrawn": Consent(now - timedelta(days=100), withdrawn_at=now - timedelta(hours=1)),
        "withdrawn-later": Consent(now - timedelta(days=10), withdrawn_at=now + timedelta(days=1)),
    }
    for cid, consent in people.items():
        c = world.candidate(cid, "Jan", cid.title(), consent=consent)
        world.apply(c, "olomouc")
    return pool


def test_consent_criterion_keeps_only_valid_consent(world: World) -> None:
    """AP14: no consent, expired (expiry instant included) or withdrawn consent is out."""
    pool = _consent_account(world, attrs.evolve(EVERYONE_ELSEWHERE, require_valid_consent=True))

    assert set(pool.results(REQ).candidate_ids) == {"valid", "forever", "withdrawn-later"}
    reasons = {
        cid: pool.explain(REQ, CandidateId(cid)).failed[0].reason
        for cid in ("eva", "expired", "withdrawn")
    }
    assert reasons == {
        "eva": "no data-processing consent recorded",
        "expired": "consent expired 1 day ago",
        "withdrawn": "consent withdrawn today",
    }


def test_consent_is_off_by_default(world: World) -> None:
    """AP14: without the criterion or the account setting, consent is not looked at."""
    pool = _consent_account(world, EVERYONE_ELSEWHERE)
    assert AutopoolCriteria().require_valid_consent is False
    assert pool.results(REQ).total == 7  # eva without consent, and the six above


def test_account_setting_enforces_consent_in_every_pool(world: World) -> None:
    """AP14: ``enforce_consent`` adds the criterion to pools whose criteria lack it."""
    pool = _consent_account(world, EVERYONE_ELSEWHERE)
    world.requisition("praha", "Praha", autopool=AutopoolCriteria(exclude_hired_within_days=None))
    world.settings(enforce_consent=True)

    valid = {"valid", "forever", "withdrawn-later"}
    assert set(pool.results(REQ).candidate_ids) == valid
    assert set(pool.results(RequisitionId("praha")).candidate_ids) == valid
    # The criterion shows up in explanations and the funnel like any other.
    assert [v.label for v in pool.explain(REQ, CandidateId("eva")).failed] == [
        "data-processing consent is valid"
    ]
    stages = pool.funnel(REQ).stages
    assert [(s.label, s.removed) for s in stages] == [("data-processing consent is valid", 4)]
    # The saved criteria themselves are untouched: the setting is applied when reading.
    assert world.uow.requisitions.get(REQ).autopool == EVERYONE_ELSEWHERE


# --- AP6: configuration errors ----------------------------------------------------------


def test_radius_without_a_primary_location_is_refused_when_saving(world: World) -> None:
    """AP6: a radius on a requisition with no primary location is a configuration error."""
    pool = _account(world)
    world.requisition("nowhere", "Remote", autopool=EVERYONE_ELSEWHERE)
    radius = AutopoolCriteria(radius=ResidenceWithin(30))

    with pytest.raises(ConfigurationError, match="no primary location"):
        pool.set_requisition_criteria(DEFINER, RequisitionId("nowhere"), radius)
    assert world.uow.requisitions.get(RequisitionId("nowhere")).autopool == EVERYONE_ELSEWHERE


READS: dict[str, Callable[[Autopooling, RequisitionId], object]] = {
    "results": lambda p, r: p.results(r),
    "explain": lambda p, r: p.explain(r, CandidateId("eva")),
    "funnel": lambda p, r: p.funnel(r),
    "in_pool": lambda p, r: p.in_pool(r, CandidateId("eva")),
    "dry_run": lambda p, r: p.dry_run(ADMIN, r, AutopoolCriteria(radius=ResidenceWithin(10))),
}


@pytest.mark.parametrize("read", sorted(READS))
def test_radius_without_a_primary_location_is_reported_not_empty(world: World, read: str) -> None:
    """AP6: a radius inherited by a requisition with no location errors on every read."""
    pool = _account(world)
    world.requisition("nowhere", "Remote", autopool=AutopoolCriteria(radius=ResidenceWithin(30)))

    with pytest.raises(ConfigurationError, match="primary location"):
        READS[read](pool, RequisitionId("nowhere"))


@pytest.mark.parametrize("read", sorted(set(READS) - {"dry_run"}))
def test_a_requisition_without_criteria_has_no_pool(world: World, read: str) -> None:
    """AP3/AP6: no criteria is a configuration error on every read, never an empty pool."""
    pool = _account(world, None)
    with pytest.raises(ConfigurationError, match="no autopool criteria"):
        READS[read](pool, REQ)


def test_language_match_without_a_requisition_language_is_a_configuration_error(
    world: World,
) -> None:
    """AP6: the language criterion needs the requisition's language."""
    pool = _account(world)
    with pytest.raises(ConfigurationError, match="no language"):
        pool.set_requisition_criteria(
            DEFINER, REQ, AutopoolCriteria(profile_language_must_match=True)
        )


def test_quick_filter_with_a_radius_on_a_requisition_without_location(world: World) -> None:
    """AP6/AP8: a quick filter is checked like the saved criteria."""
    pool = _account(world)
    world.requisition("nowhere", "Remote", autopool=EVERYONE_ELSEWHERE)
    pool.define_quick_filter(
        ADMIN, QuickFilter(QuickFilterId("near"), "Near the job", ResidenceWithin(10))
    )
    assert pool.results(RequisitionId("nowhere")).total == 1
    with pytest.raises(ConfigurationError):
        pool.results(RequisitionId("nowhere"), quick_filters=[QuickFilterId("near")])


def test_the_universe_is_the_pool_when_every_switch_is_off(world: World) -> None:
    """AP4/AP5: no basic criterion and no advanced one gives the universe itself."""
    assert EVERYONE_ELSEWHERE.terms() == ()
    assert EVERYONE_ELSEWHERE.criterion() == EVERYONE
    pool = _account(world)
    assert pool.funnel(REQ).stages == ()
    assert pool.funnel(REQ).matched == pool.results(REQ).total == 1


# --- review fixes: opening a requisition twice, attachments in the file ------------------


def test_opening_a_requisition_under_a_taken_id_is_a_conflict(world: World) -> None:
    """AP3, AP10: an existing requisition is never replaced; its exclusions survive."""
    pool = _template_account(world)
    tid = TemplateId("assistant")
    pool.open_requisition(tid, requisition_id=RequisitionId("r1"), title="First")
    first = attrs.evolve(
        world.uow.requisitions.get(RequisitionId("r1")),
        pool_exclusions=frozenset({CandidateId("eva")}),
    )
    world.uow.requisitions.save(first)
    events = len(world.uow.events)

    with pytest.raises(ConflictError, match="already exists"):
        pool.open_requisition(tid, requisition_id=RequisitionId("r1"), title="Second")

    assert world.uow.requisitions.get(RequisitionId("r1")) == first
    assert len(world.uow.events) == events  # nothing written, no event


def test_opening_a_requisition_records_who_opened_it(world: World) -> None:
    """AP3: the RequisitionOpened event names the actor when one is given."""
    pool = _template_account(world)
    pool.open_requisition(
        TemplateId("assistant"),
        requisition_id=RequisitionId("r1"),
        title="Assistant",
        actor_id=DEFINER,
    )
    opened = list(world.uow.events)[-1]
    assert isinstance(opened, RequisitionOpened)
    assert opened.actor_id == DEFINER
    assert world.uow.requisitions.get(RequisitionId("r1")).title == "Assistant"


def _attachments_account(world: World) -> Autopooling:
    pool = _file_account(world)  # eva: cv.pdf on her profile, applied to olomouc and praha
    world.uow.attachments.save(
        Attachment(
            AttachmentId("letter-praha"),
            CandidateId("eva"),
            "letter-praha.pdf",
            world.ago(10),
            requisition_id=RequisitionId("praha"),
        )
    )
    world.uow.attachments.save(
        Attachment(
            AttachmentId("letter-brno"),
            CandidateId("eva"),
            "letter-brno.pdf",
            world.ago(5),
            requisition_id=REQ,
        )
    )
    return pool


def test_file_without_the_permission_hides_attachments_of_other_applications(
    world: World,
) -> None:
    """AP11: an attachment from another requisition would reveal that application."""
    pool = _attachments_account(world)

    opened = pool.candidate_file(UserId("plain"), REQ, CandidateId("eva"))

    assert [a.filename for a in opened.attachments] == ["cv.pdf", "letter-brno.pdf"]


def test_file_with_the_permission_shows_every_attachment(world: World) -> None:
    """AP11, MP3: with VIEW_OTHER_APPLICATIONS attachments from all positions are shown."""
    pool = _attachments_account(world)

    opened = pool.candidate_file(UserId("viewer"), REQ, CandidateId("eva"))

    assert [a.filename for a in opened.attachments] == [
        "cv.pdf",
        "letter-praha.pdf",
        "letter-brno.pdf",
    ]


def test_an_attachment_moved_to_another_candidate_leaves_the_first(world: World) -> None:
    """DM1, ST2: re-saving an attachment under another candidate re-indexes it."""
    world.candidate("eva", "Eva", "Nováková")
    world.candidate("jan", "Jan", "Novák")
    cv = Attachment(AttachmentId("cv"), CandidateId("eva"), "cv.pdf", world.ago(1))
    world.uow.attachments.save(cv)

    world.uow.attachments.save(attrs.evolve(cv, candidate_id=CandidateId("jan")))

    assert world.uow.attachments.for_candidate(CandidateId("eva")) == []
    assert [a.candidate_id for a in world.uow.attachments.for_candidate(CandidateId("jan"))] == [
        "jan"
    ]


def test_moving_an_attachment_is_undone_with_its_unit_of_work(world: World) -> None:
    """ST2: the unindexing is journalled like every other write."""
    world.candidate("eva", "Eva", "Nováková")
    world.candidate("jan", "Jan", "Novák")
    cv = Attachment(AttachmentId("cv"), CandidateId("eva"), "cv.pdf", world.ago(1))
    world.uow.attachments.save(cv)

    with world.uow:
        world.uow.attachments.save(attrs.evolve(cv, candidate_id=CandidateId("jan")))
        # no commit: the move is undone

    assert world.uow.attachments.for_candidate(CandidateId("eva")) == [cv]
    assert world.uow.attachments.for_candidate(CandidateId("jan")) == []
