"""Match (AP9) and match and reject (AP10) from a requisition's autopool."""

from __future__ import annotations

import itertools
from functools import partial

import attrs
import pytest

from racing import race
from talentpool.actions import AutopoolActions, validate_rejection
from talentpool.audit import AccountSettingChanged, CandidateMatched, CandidateMatchedAndRejected
from talentpool.autopool import Autopooling
from talentpool.criteria import AutopoolCriteria, ResidenceWithin
from talentpool.errors import (
    ActionValidationError,
    ConfigurationError,
    ConflictError,
    DomainError,
    FeatureDisabledError,
    NotFoundError,
    PermissionDeniedError,
)
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import (
    AccountSettings,
    Permission,
    Rejection,
    Role,
    SubmissionStatus,
    Workflow,
)
from talentpool.testing import World

BARISTA = RequisitionId("barista")
PETRA = CandidateId("petra")  # applied as a cook 10 days ago: in the barista pool
OLGA = CandidateId("olga")  # hired as a cook 5 days ago: not in the pool (hired in 30 days)
STEPS = ("Phone screen", "Interview", "Offer")
STRICT = Workflow(
    steps=STEPS,
    rejection_motives=("Not qualified", "Not available", "Salary expectations"),
    motive_required=True,
    comment_required=True,
)


def _scene(world: World, workflow: Workflow | None = None) -> AutopoolActions:
    world.requisition("cook", "Cook")
    world.requisition(
        "barista", "Barista", autopool=AutopoolCriteria(), workflow=workflow or Workflow(STEPS)
    )
    world.candidate("petra", "Petra", "Nová")
    world.apply("petra", "cook", submitted_days_ago=10)
    world.candidate("olga", "Olga", "Malá")
    world.apply("olga", "cook", status=SubmissionStatus.HIRED, status_changed_days_ago=5)
    world.user("hana")  # a hiring manager with no permissions
    world.user("rita", role=Role.RECRUITER, permissions=[Permission.MATCH_CANDIDATES])
    world.user("mia", permissions=[Permission.MATCH_AND_REJECT])
    world.user("admin", role=Role.ADMINISTRATOR)
    return AutopoolActions(world.uow, world.clock, world.ids)


@pytest.fixture
def actions(world: World) -> AutopoolActions:
    return _scene(world)


def _written(world: World) -> tuple[object, ...]:
    uow = world.uow
    return (list(uow.submissions), list(uow.requisitions), list(uow.events))


def _in_pool(world: World, candidate: CandidateId) -> bool:
    return Autopooling(world.uow, world.clock).in_pool(BARISTA, candidate)


# --- match (AP9) -------------------------------------------------------------------------


def test_match_creates_a_new_submission_at_the_workflows_first_step(
    world: World, actions: AutopoolActions
) -> None:
    """AP9: status new, first step, the clock's time, an id from the id generator."""
    assert _in_pool(world, PETRA)
    submission = actions.match(UserId("hana"), BARISTA, PETRA)
    assert submission.id == "submission-3"  # the world's generator made submissions 1 and 2
    assert (submission.candidate_id, submission.requisition_id) == (PETRA, BARISTA)
    assert submission.status is SubmissionStatus.NEW
    assert submission.step == "Phone screen"
    assert submission.submitted_at == submission.status_changed_at == world.now
    assert submission.last_activity_at == world.now
    assert submission.rejection is None
    assert world.uow.submissions.for_requisition(BARISTA) == [submission]


def test_a_matched_candidate_leaves_the_pool(world: World, actions: AutopoolActions) -> None:
    """AP9: after the match the candidate is on the requisition, so out of its pool."""
    pool = Autopooling(world.uow, world.clock)
    assert PETRA in pool.results(BARISTA).candidate_ids
    actions.match(UserId("hana"), BARISTA, PETRA)
    assert PETRA not in pool.results(BARISTA).candidate_ids
    assert not pool.in_pool(BARISTA, PETRA)
    assert pool.explain(BARISTA, PETRA).universe.reason == "already on this requisition"


@pytest.mark.parametrize(
    ("feature", "general_permission", "in_pool"),
    list(itertools.product([True, False], repeat=3)),
)
def test_match_permission_and_setting_combinations(
    world: World, feature: bool, general_permission: bool, in_pool: bool
) -> None:
    """AP9 with AP1: the switch first; a pool candidate needs no permission; others need it."""
    actions = _scene(world)
    permissions = [Permission.MATCH_CANDIDATES] if general_permission else []
    world.user("u", permissions=permissions)
    world.settings(autopool_enabled=feature)
    candidate = PETRA if in_pool else OLGA
    before = _written(world)
    if not feature:
        with pytest.raises(FeatureDisabledError, match="disabled"):
            actions.match(UserId("u"), BARISTA, candidate)
    elif not in_pool and not general_permission:
        with pytest.raises(PermissionDeniedError, match=r"not in the pool.*'match_candidates'"):
            actions.match(UserId("u"), BARISTA, candidate)
    else:
        submission = actions.match(UserId("u"), BARISTA, candidate)
        assert submission.status is SubmissionStatus.NEW
        (event,) = [e for e in world.uow.events if isinstance(e, CandidateMatched)]
        assert event.from_pool is in_pool
        return
    assert _written(world) == before


def test_the_match_and_reject_permission_does_not_let_anyone_match_outside_the_pool(
    world: World, actions: AutopoolActions
) -> None:
    world.settings(match_and_reject_enabled=True)
    with pytest.raises(PermissionDeniedError):
        actions.match(UserId("mia"), BARISTA, OLGA)


def test_administrators_match_outside_the_pool(world: World, actions: AutopoolActions) -> None:
    """Administrators hold every permission, the general match permission included."""
    assert actions.match(UserId("admin"), BARISTA, OLGA).candidate_id == OLGA


def test_matching_twice_is_a_conflict_and_leaves_one_submission(
    world: World, actions: AutopoolActions
) -> None:
    """AP9: the second match reports the candidate is already on the requisition."""
    first = actions.match(UserId("hana"), BARISTA, PETRA)
    before = _written(world)
    with pytest.raises(ConflictError, match=r"'petra' is already on requisition 'barista'"):
        actions.match(UserId("rita"), BARISTA, PETRA)
    assert _written(world) == before
    assert world.uow.submissions.for_requisition(BARISTA) == [first]


def test_a_candidate_who_applied_to_the_requisition_is_a_conflict(
    world: World, actions: AutopoolActions
) -> None:
    """The conflict wins over "not in the pool": the user learns the candidate is there."""
    world.apply("petra", "barista", status=SubmissionStatus.WITHDRAWN)
    with pytest.raises(ConflictError, match=r"already on requisition 'barista'.*withdrawn"):
        actions.match(UserId("hana"), BARISTA, PETRA)


@pytest.mark.parametrize(
    ("user", "requisition", "candidate"),
    [("nobody", "barista", "petra"), ("hana", "nowhere", "petra"), ("hana", "barista", "nobody")],
)
def test_unknown_ids_are_not_found_and_nothing_is_written(
    world: World, actions: AutopoolActions, user: str, requisition: str, candidate: str
) -> None:
    before = _written(world)
    with pytest.raises(NotFoundError):
        actions.match(UserId(user), RequisitionId(requisition), CandidateId(candidate))
    assert _written(world) == before


def test_a_requisition_without_criteria_has_no_pool_to_match_from(
    world: World, actions: AutopoolActions
) -> None:
    world.requisition("plain", "Plain")
    with pytest.raises(ConfigurationError, match="no autopool criteria"):
        actions.match(UserId("hana"), RequisitionId("plain"), PETRA)


def test_matching_leaves_the_candidates_other_submissions_alone(
    world: World, actions: AutopoolActions
) -> None:
    before = list(world.uow.submissions.for_candidate(PETRA))
    actions.match(UserId("hana"), BARISTA, PETRA)
    after = world.uow.submissions.for_candidate(PETRA)
    assert [s for s in after if s.requisition_id != BARISTA] == before


def test_eight_managers_matching_at_once_create_one_submission(
    world: World, actions: AutopoolActions
) -> None:
    """AP9: a threaded race on match; one wins, the others get ConflictError."""
    for n in range(8):
        world.user(f"manager{n}")
    calls = [partial(actions.match, UserId(f"manager{n}"), BARISTA, PETRA) for n in range(8)]
    results, errors = race(calls)
    assert len(results) == 1
    assert len(errors) == 7
    assert all(isinstance(e, ConflictError) for e in errors)
    assert all("already on requisition 'barista'" in str(e) for e in errors)
    assert world.uow.submissions.for_requisition(BARISTA) == results
    assert len([e for e in world.uow.events if isinstance(e, CandidateMatched)]) == 1


def test_match_and_match_and_reject_racing_create_one_submission(
    world: World, actions: AutopoolActions
) -> None:
    world.settings(match_and_reject_enabled=True)
    calls = [partial(actions.match, UserId("hana"), BARISTA, PETRA)] * 4
    calls += [partial(actions.match_and_reject, UserId("mia"), BARISTA, PETRA)] * 4
    results, errors = race(calls)
    assert len(results) == 1
    assert len(errors) == 7
    assert all(isinstance(e, ConflictError) for e in errors)
    assert world.uow.submissions.for_requisition(BARISTA) == results
    events = [
        e for e in world.uow.events if isinstance(e, CandidateMatched | CandidateMatchedAndRejected)
    ]
    assert len(events) == 1


# --- match and reject (AP10) --------------------------------------------------------------


def test_match_and_reject_is_off_by_default(world: World, actions: AutopoolActions) -> None:
    """AP10: disabled by default, for administrators too."""
    assert AccountSettings().match_and_reject_enabled is False
    assert world.uow.settings.get().match_and_reject_enabled is False
    with pytest.raises(FeatureDisabledError, match="match and reject is disabled"):
        actions.match_and_reject(UserId("admin"), BARISTA, PETRA)


@pytest.mark.parametrize(
    "combination",
    list(itertools.product([True, False], repeat=5)),
    ids=lambda c: "-".join(
        f"{name}={'on' if flag else 'off'}"
        for name, flag in zip(
            ("feature", "setting", "permission", "general", "in_pool"), c, strict=True
        )
    ),
)
def test_match_and_reject_permission_and_setting_combinations(
    world: World, combination: tuple[bool, bool, bool, bool, bool]
) -> None:
    """AP10: the feature switch, the account setting, its own permission, then the pool rule."""
    feature, setting, permission, general_permission, in_pool = combination
    actions = _scene(world)
    granted = [Permission.MATCH_AND_REJECT] if permission else []
    granted += [Permission.MATCH_CANDIDATES] if general_permission else []
    world.user("u", permissions=granted)
    world.settings(autopool_enabled=feature, match_and_reject_enabled=setting)
    candidate = PETRA if in_pool else OLGA
    before = _written(world)
    expected: type[Exception] | None
    if not feature or not setting:
        expected = FeatureDisabledError
    elif not permission or not (in_pool or general_permission):
        expected = PermissionDeniedError
    else:
        expected = None
    if expected is None:
        submission = actions.match_and_reject(UserId("u"), BARISTA, candidate)
        assert submission.status is SubmissionStatus.REJECTED
        assert candidate in world.uow.requisitions.get(BARISTA).pool_exclusions
    else:
        with pytest.raises(expected):
            actions.match_and_reject(UserId("u"), BARISTA, candidate)
        assert _written(world) == before


def test_match_and_reject_records_a_rejected_submission_and_excludes_the_candidate(
    world: World,
) -> None:
    """AP10: one action, a rejected submission with its rejection, and a pool exclusion."""
    actions = _scene(world, STRICT)
    world.settings(match_and_reject_enabled=True)
    submission = actions.match_and_reject(
        UserId("mia"),
        BARISTA,
        PETRA,
        motives=["not  QUALIFIED", "Salary expectations", "Not qualified", " "],
        comment="  No barista experience.  ",
    )
    assert submission.status is SubmissionStatus.REJECTED
    assert submission.step == "Phone screen"
    assert submission.submitted_at == submission.status_changed_at == world.now
    assert submission.rejection == Rejection(
        ("Not qualified", "Salary expectations"), "No barista experience."
    )
    assert world.uow.submissions.get(submission.id) == submission
    assert world.uow.requisitions.get(BARISTA).pool_exclusions == {PETRA}


def test_a_matched_and_rejected_candidate_never_reappears_in_the_pool(world: World) -> None:
    """AP10 with AP5: the exclusion keeps them out, whatever happens to the submission."""
    actions = _scene(world)
    world.settings(match_and_reject_enabled=True)
    pool = Autopooling(world.uow, world.clock)
    submission = actions.match_and_reject(UserId("mia"), BARISTA, PETRA)
    assert PETRA not in pool.results(BARISTA).candidate_ids
    assert pool.explain(BARISTA, PETRA).universe.reason == "matched and rejected from this pool"
    # A host reopening the rejected submission does not bring them back to this pool.
    world.uow.submissions.save(attrs.evolve(submission, status=SubmissionStatus.WITHDRAWN))
    world.clock.advance(days=400)
    assert PETRA not in pool.results(BARISTA).candidate_ids


def test_missing_motive_and_comment_are_listed_together_and_nothing_is_written(
    world: World,
) -> None:
    """AP10: one validation error listing every missing item; no submission, no event."""
    actions = _scene(world, STRICT)
    world.settings(match_and_reject_enabled=True)
    before = _written(world)
    with pytest.raises(ActionValidationError) as caught:
        actions.match_and_reject(UserId("mia"), BARISTA, PETRA, motives=[], comment="   ")
    assert caught.value.missing == (
        "motives: at least one rejection motive "
        "(choose 'Not qualified' / 'Not available' / 'Salary expectations')",
        "comment: a rejection comment",
    )
    assert str(caught.value).startswith("match and reject needs: motives: at least one")
    assert isinstance(caught.value, ValueError)
    assert _written(world) == before
    assert _in_pool(world, PETRA)


def test_unknown_motives_are_listed_with_the_missing_comment(world: World) -> None:
    actions = _scene(world, STRICT)
    world.settings(match_and_reject_enabled=True)
    before = _written(world)
    with pytest.raises(ActionValidationError) as caught:
        actions.match_and_reject(UserId("mia"), BARISTA, PETRA, motives=["Rude", "Late"])
    assert caught.value.missing == (
        "motives: 'Rude' is not a rejection motive "
        "(choose 'Not qualified' / 'Not available' / 'Salary expectations')",
        "motives: 'Late' is not a rejection motive "
        "(choose 'Not qualified' / 'Not available' / 'Salary expectations')",
        "comment: a rejection comment",
    )
    assert _written(world) == before


@pytest.mark.parametrize(
    ("motive_required", "comment_required", "motives", "comment", "missing"),
    [
        (False, False, [], "", ()),
        (True, False, [], "", ("motives",)),
        (False, True, [], "", ("comment",)),
        (True, True, [], "", ("motives", "comment")),
        (True, True, ["Other"], "why", ()),
        (False, False, ["Unknown"], "", ("motives",)),
        (True, False, ["Unknown"], "", ("motives",)),
    ],
)
def test_rejection_requirements_follow_the_workflow(
    motive_required: bool,
    comment_required: bool,
    motives: list[str],
    comment: str,
    missing: tuple[str, ...],
) -> None:
    """AP10: motives and comments are required only where the workflow requires them."""
    workflow = Workflow(motive_required=motive_required, comment_required=comment_required)
    if not missing:
        assert validate_rejection(workflow, motives, comment) == Rejection(tuple(motives), comment)
        return
    with pytest.raises(ActionValidationError) as caught:
        validate_rejection(workflow, motives, comment)
    assert tuple(item.split(":")[0] for item in caught.value.missing) == missing


def test_a_workflow_requiring_a_motive_but_offering_none_cannot_be_built() -> None:
    """AP10: such a workflow could never be satisfied, so it is refused when built.

    Changed in the review fixes: it used to be accepted and fail only at the
    first rejection, with ``ConfigurationError``.
    """
    with pytest.raises(DomainError, match="rejection_motives"):
        Workflow(rejection_motives=(), motive_required=True)


def test_the_pool_rule_is_checked_before_the_rejection(world: World) -> None:
    """A candidate outside the pool is refused for that, not for a missing comment."""
    actions = _scene(world, STRICT)
    world.settings(match_and_reject_enabled=True)
    with pytest.raises(PermissionDeniedError, match="not in the pool"):
        actions.match_and_reject(UserId("mia"), BARISTA, OLGA)


def test_match_and_reject_of_a_candidate_already_on_the_requisition_is_a_conflict(
    world: World, actions: AutopoolActions
) -> None:
    world.settings(match_and_reject_enabled=True)
    actions.match(UserId("hana"), BARISTA, PETRA)
    before = _written(world)
    with pytest.raises(ConflictError, match="already on requisition"):
        actions.match_and_reject(UserId("mia"), BARISTA, PETRA)
    assert _written(world) == before
    assert PETRA not in world.uow.requisitions.get(BARISTA).pool_exclusions


class _FailingRequisitions:
    """The memory requisitions, failing to write the pool exclusion: a write that breaks midway."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def exclude_from_pool(self, requisition_id: object, candidate_id: object) -> None:
        raise OSError("disk full")


def test_a_failure_after_the_submission_is_written_undoes_it(world: World) -> None:
    """AP10 is one unit of work: the submission goes when the exclusion cannot be written."""
    actions = _scene(world)
    world.settings(match_and_reject_enabled=True)
    before = _written(world)
    world.uow.requisitions = _FailingRequisitions(world.uow.requisitions)  # type: ignore[assignment]
    with pytest.raises(OSError, match="disk full"):
        actions.match_and_reject(UserId("mia"), BARISTA, PETRA)
    world.uow.requisitions = world.uow.requisitions._inner  # type: ignore[attr-defined]
    assert _written(world) == before
    assert world.uow.submissions.for_requisition(BARISTA) == []


def test_the_new_submission_is_a_plain_submission_hosts_can_move_along(
    world: World, actions: AutopoolActions
) -> None:
    """After matching, the candidate moves along the workflow like any other (seed)."""
    submission = actions.match(UserId("hana"), BARISTA, PETRA)
    moved = attrs.evolve(submission, status=SubmissionStatus.IN_PROCESS, step="Interview")
    world.uow.submissions.save(moved)
    assert world.uow.submissions.get(submission.id).step == "Interview"


def test_administrators_switch_match_and_reject_and_the_switch_is_audited(
    world: World, actions: AutopoolActions
) -> None:
    """AP10: the account setting is the administrator's; switching it is an event."""
    before = _written(world)
    for user in ("hana", "rita", "mia"):
        with pytest.raises(PermissionDeniedError, match="only system administrators"):
            actions.set_match_and_reject_enabled(UserId(user), True)
    assert _written(world) == before
    actions.set_match_and_reject_enabled(UserId("admin"), True)
    assert world.uow.settings.get().match_and_reject_enabled
    assert world.uow.settings.get().autopool_enabled  # the other settings are kept
    actions.match_and_reject(UserId("mia"), BARISTA, PETRA)
    actions.set_match_and_reject_enabled(UserId("admin"), False)
    with pytest.raises(FeatureDisabledError):
        actions.match_and_reject(UserId("mia"), BARISTA, OLGA)
    switched = [e for e in world.uow.events if isinstance(e, AccountSettingChanged)]
    assert [(e.actor_id, e.setting, e.enabled) for e in switched] == [
        ("admin", "match_and_reject_enabled", True),
        ("admin", "match_and_reject_enabled", False),
    ]


# --- review fixes: no readable pool, motives given as None ---------------------------


@pytest.mark.parametrize(
    "autopool",
    [None, AutopoolCriteria(radius=ResidenceWithin(25))],
    ids=["no-criteria", "radius-without-location"],
)
def test_the_general_permission_matches_onto_a_requisition_without_a_readable_pool(
    world: World, actions: AutopoolActions, autopool: AutopoolCriteria | None
) -> None:
    """AP9: no readable pool has nobody in it; MATCH_CANDIDATES still matches (from_pool=False).

    Users without the permission keep getting the pool's ``ConfigurationError``.
    """
    world.requisition("plain", "Plain", autopool=autopool)
    before = _written(world)
    with pytest.raises(ConfigurationError):
        actions.match(UserId("hana"), RequisitionId("plain"), PETRA)
    assert _written(world) == before

    submission = actions.match(UserId("rita"), RequisitionId("plain"), PETRA)

    assert submission.requisition_id == "plain"
    event = list(world.uow.events)[-1]
    assert isinstance(event, CandidateMatched)
    assert event.from_pool is False


def test_match_and_reject_with_motives_none_means_no_motives(world: World) -> None:
    """AP10: ``motives=None`` is no motives, reported as missing, never a TypeError."""
    actions = _scene(world, STRICT)
    world.settings(match_and_reject_enabled=True)
    before = _written(world)

    with pytest.raises(ActionValidationError) as caught:
        actions.match_and_reject(UserId("mia"), BARISTA, PETRA, motives=None, comment="late")

    assert [m.split(":")[0] for m in caught.value.missing] == ["motives"]
    assert _written(world) == before


def test_validate_rejection_treats_none_as_no_motives() -> None:
    """AP10: ``None`` motives validate like an empty list; a non-collection is a DomainError."""
    assert validate_rejection(Workflow(), None, "") == Rejection((), "")
    with pytest.raises(ActionValidationError, match="motives"):
        validate_rejection(STRICT, None, "why")
    with pytest.raises(DomainError, match="motives"):
        validate_rejection(Workflow(), 5, "")  # type: ignore[arg-type]
