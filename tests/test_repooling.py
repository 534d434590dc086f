"""Repooling (AP12): rules that set idle submissions Inactive, and the batch job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

from talentpool.audit import RepoolingRuleRemoved, RepoolingRuleSaved, SubmissionInactivated
from talentpool.autopool import Autopooling
from talentpool.criteria import AutopoolCriteria
from talentpool.errors import (
    DomainError,
    FeatureDisabledError,
    NotFoundError,
    PermissionDeniedError,
)
from talentpool.ids import CandidateId, RepoolingRuleId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    Dimension,
    Permission,
    RepoolingRule,
    Role,
    StructureTree,
    Submission,
    SubmissionStatus,
)
from talentpool.repooling import Repooling, idle_beyond
from talentpool.testing import World

ADMIN = UserId("admin")
STALE = RepoolingRule(RepoolingRuleId("stale"), "Stale after 30 days", 30)


@pytest.fixture
def repooling(world: World) -> Repooling:
    world.user("admin", role=Role.ADMINISTRATOR)
    world.user("rita", role=Role.RECRUITER, permissions=list(Permission))
    world.requisition("cook", "Cook")
    world.requisition("barista", "Barista")
    world.candidate("petra", "Petra", "Nová")
    return Repooling(world.uow, world.clock)


def _status(world: World, submission: Submission) -> SubmissionStatus:
    return world.uow.submissions.get(submission.id).status


def _written(world: World) -> tuple[object, ...]:
    uow = world.uow
    return (list(uow.submissions), list(uow.repooling_rules), list(uow.events))


# --- who may define rules, and the feature switch --------------------------------------------


def _calls(
    repooling: Repooling, user: UserId, *, system_run: bool = False
) -> dict[str, Callable[[], object]]:
    return {
        "save": lambda: repooling.save_rule(user, STALE),
        "remove": lambda: repooling.remove_rule(user, STALE.id),
        "preview": lambda: repooling.preview(user),
        "run": lambda: repooling.run(None if system_run else user),
    }


def test_administrators_define_list_and_remove_rules(world: World, repooling: Repooling) -> None:
    """AP12: rules are the administrator's; each change is an audited event."""
    assert repooling.save_rule(ADMIN, STALE) == STALE
    changed = attrs.evolve(STALE, inactive_after_days=45)
    repooling.save_rule(ADMIN, changed)
    assert repooling.rules() == (changed,)
    repooling.remove_rule(ADMIN, STALE.id)
    assert repooling.rules() == ()
    saved, resaved, removed = world.uow.events
    assert isinstance(saved, RepoolingRuleSaved)
    assert (saved.actor_id, saved.rule, saved.previous) == (ADMIN, STALE, None)
    assert "created" in saved.reason
    assert isinstance(resaved, RepoolingRuleSaved)
    assert (resaved.rule, resaved.previous) == (changed, STALE)
    assert isinstance(removed, RepoolingRuleRemoved)
    assert removed.rule == changed
    assert removed.occurred_at == world.now


@pytest.mark.parametrize("call", ["save", "remove", "preview", "run"])
def test_only_administrators_manage_and_start_repooling(
    world: World, repooling: Repooling, call: str
) -> None:
    """AP12: a recruiter holding every permission is still not an administrator."""
    repooling.save_rule(ADMIN, STALE)
    before = _written(world)
    with pytest.raises(PermissionDeniedError, match="only system administrators"):
        _calls(repooling, UserId("rita"))[call]()
    assert _written(world) == before


@pytest.mark.parametrize("call", ["save", "remove", "preview", "run"])
def test_repooling_needs_the_feature_enabled(world: World, repooling: Repooling, call: str) -> None:
    """AP1 and AP12: repooling is part of autopooling; rules are kept while it is off."""
    repooling.save_rule(ADMIN, STALE)
    world.apply("petra", "cook", submitted_days_ago=90)
    world.settings(autopool_enabled=False)
    before = _written(world)
    with pytest.raises(FeatureDisabledError, match="disabled"):
        _calls(repooling, ADMIN, system_run=True)[call]()
    assert _written(world) == before
    assert repooling.rules() == (STALE,)
    world.settings(autopool_enabled=True)
    assert len(repooling.run()) == 1


def test_removing_an_unknown_rule_is_not_found(repooling: Repooling) -> None:
    with pytest.raises(NotFoundError, match="repooling rule"):
        repooling.remove_rule(ADMIN, RepoolingRuleId("nope"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"inactive_after_days": 0}, "inactive_after_days"),
        ({"inactive_after_days": 2.5}, "inactive_after_days"),
        ({"inactive_after_days": True}, "inactive_after_days"),
        ({"name": "  "}, "name"),
        ({"statuses": {SubmissionStatus.HIRED}}, "statuses"),
        ({"statuses": set()}, "statuses"),
        ({"statuses": SubmissionStatus.NEW}, "statuses"),
        ({"organizations": "cz"}, "organizations"),
        ({"organizations": {""}}, "organizations"),
    ],
)
def test_malformed_rules_are_refused_naming_the_field(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        attrs.evolve(STALE, **changes)  # type: ignore[arg-type]
    assert caught.value.field == field


# --- the boundary ---------------------------------------------------------------------------


def test_exactly_x_days_idle_stays_a_moment_longer_goes_inactive(
    world: World, repooling: Repooling
) -> None:
    """AP12 boundary: "after X days" — exactly 30 days idle is not enough, 30 days + 1 µs is."""
    repooling.save_rule(ADMIN, STALE)
    exact = world.apply("petra", "cook", submitted_days_ago=40, last_activity_days_ago=30)
    beyond = world.apply("petra", "barista", submitted_days_ago=40)
    beyond = attrs.evolve(beyond, last_activity_at=world.ago(30, microseconds=1))
    world.uow.submissions.save(beyond)
    report = repooling.run()
    assert report.submission_ids == (beyond.id,)
    assert _status(world, exact) is SubmissionStatus.NEW
    assert _status(world, beyond) is SubmissionStatus.INACTIVE
    (change,) = report.changes
    assert change.idle_days == 30
    world.clock.advance(microseconds=1)
    assert repooling.run().submission_ids == (exact.id,)


def test_idle_days_are_calendar_days_across_a_daylight_saving_change() -> None:
    """DM3 and AP12: 7 days before 1 April 09:00 Prague is 25 March 09:00, 167 hours back."""
    prague = ZoneInfo("Europe/Prague")
    world = World(datetime(2026, 4, 1, 9, 0, tzinfo=prague))
    world.user("admin", role=Role.ADMINISTRATOR)
    world.requisition("cook")
    world.candidate("petra")
    repooling = Repooling(world.uow, world.clock)
    repooling.save_rule(ADMIN, attrs.evolve(STALE, inactive_after_days=7))
    on_the_edge = world.apply("petra", "cook", submission_id="edge")
    half_hour_earlier = world.apply("petra", "cook", submission_id="earlier")
    world.uow.submissions.save(
        attrs.evolve(on_the_edge, last_activity_at=datetime(2026, 3, 25, 9, 0, tzinfo=prague))
    )
    world.uow.submissions.save(
        attrs.evolve(
            half_hour_earlier, last_activity_at=datetime(2026, 3, 25, 8, 30, tzinfo=prague)
        )
    )
    # 168 elapsed hours back is 08:00 on 25 March: "earlier" would then not yet be idle.
    elapsed_start = world.now.astimezone(UTC) - timedelta(hours=168)
    assert elapsed_start == datetime(2026, 3, 25, 8, 0, tzinfo=prague)
    assert repooling.run().submission_ids == (SubmissionId("earlier"),)


def test_idle_beyond_is_strict() -> None:
    world = World()
    world.requisition("cook")
    world.candidate("petra")
    submission = world.apply("petra", "cook", last_activity_days_ago=10)
    assert not idle_beyond(submission, 10, world.now)
    assert idle_beyond(submission, 9, world.now)
    assert idle_beyond(submission, 10, world.now + timedelta(microseconds=1))


# --- what is changed -------------------------------------------------------------------------


def test_only_open_submissions_with_a_named_status_change(
    world: World, repooling: Repooling
) -> None:
    """AP12: rejected, hired, withdrawn and inactive submissions are never touched."""
    repooling.save_rule(ADMIN, attrs.evolve(STALE, statuses={SubmissionStatus.IN_PROCESS}))
    for status in SubmissionStatus:
        world.apply(
            "petra", "cook", status=status, submission_id=status.value, submitted_days_ago=90
        )
    report = repooling.run()
    assert report.submission_ids == (SubmissionId("in_process"),)
    repooling.save_rule(ADMIN, STALE)
    assert repooling.run().submission_ids == (SubmissionId("new"),)


def test_the_job_changes_status_and_its_time_only(world: World, repooling: Repooling) -> None:
    """Last activity and step stay as they were; status_changed_at is the run's instant."""
    repooling.save_rule(ADMIN, STALE)
    before = attrs.evolve(
        world.apply("petra", "cook", status=SubmissionStatus.IN_PROCESS, submitted_days_ago=40),
        step="Interview",
        expires_at=world.ago(-10),
    )
    world.uow.submissions.save(before)
    repooling.run()
    after = world.uow.submissions.get(before.id)
    assert after == attrs.evolve(
        before, status=SubmissionStatus.INACTIVE, status_changed_at=world.now
    )


def test_expired_open_submissions_are_set_inactive_too(world: World, repooling: Repooling) -> None:
    repooling.save_rule(ADMIN, STALE)
    expired = world.apply("petra", "cook", submitted_days_ago=60, expires_in_days=-5)
    assert repooling.run().submission_ids == (expired.id,)


def test_rules_can_be_restricted_to_part_of_the_organization(world: World) -> None:
    """A rule on "Czechia" covers requisitions in Prague below it, not those in Germany."""
    world.user("admin", role=Role.ADMINISTRATOR)
    world.uow.structures.save(
        StructureTree(Dimension.ORGANIZATION, {"cz": None, "prague": "cz", "de": None})
    )
    world.requisition("prague-cafe", organization="prague")
    world.requisition("berlin-cafe", organization="de")
    world.requisition("unplaced")
    world.candidate("petra")
    in_prague = world.apply("petra", "prague-cafe", submitted_days_ago=60)
    world.apply("petra", "berlin-cafe", submitted_days_ago=60)
    world.apply("petra", "unplaced", submitted_days_ago=60)
    repooling = Repooling(world.uow, world.clock)
    repooling.save_rule(ADMIN, attrs.evolve(STALE, organizations={"cz"}))
    assert repooling.run().submission_ids == (in_prague.id,)


def test_the_rule_with_the_fewest_days_is_named_and_each_submission_changes_once(
    world: World, repooling: Repooling
) -> None:
    repooling.save_rule(
        ADMIN,
        attrs.evolve(STALE, id=RepoolingRuleId("b-long"), name="Long", inactive_after_days=60),
    )
    repooling.save_rule(ADMIN, attrs.evolve(STALE, id=RepoolingRuleId("a-short"), name="Short"))
    very_idle = world.apply("petra", "cook", submitted_days_ago=90)
    idle = world.apply("petra", "barista", submitted_days_ago=45)
    report = repooling.run()
    assert [(c.submission_id, c.rule_id, c.idle_days) for c in report.changes] == [
        (very_idle.id, "a-short", 90),
        (idle.id, "a-short", 45),
    ]
    assert len([e for e in world.uow.events if isinstance(e, SubmissionInactivated)]) == 2


def test_the_report_lists_each_change_with_its_rule_and_idle_days(
    world: World, repooling: Repooling
) -> None:
    """AP12: the job returns what it changed."""
    repooling.save_rule(ADMIN, STALE)
    submission = world.apply(
        "petra",
        "cook",
        status=SubmissionStatus.IN_PROCESS,
        submitted_days_ago=50,
        last_activity_days_ago=41,
    )
    report = repooling.run()
    assert report.applied
    assert report.ran_at == world.now
    assert report.candidate_ids == (CandidateId("petra"),)
    (change,) = report.changes
    assert change.submission_id == submission.id
    assert (change.candidate_id, change.requisition_id) == ("petra", "cook")
    assert (change.rule_id, change.rule_name, change.inactive_after_days) == (
        "stale",
        "Stale after 30 days",
        30,
    )
    assert change.idle_days == 41
    assert change.last_activity_at == world.ago(41)
    assert change.previous_status is SubmissionStatus.IN_PROCESS
    assert str(report) == (
        "repooling at 2026-11-02T09:00:00+00:00: 1 submission(s) set inactive\n"
        f"  {submission.id} (petra on cook): in_process -> inactive, idle 41 days; "
        "rule 'Stale after 30 days' (after 30 days)"
    )


def test_each_change_is_an_event_from_the_system(world: World, repooling: Repooling) -> None:
    """Audit: who (the system), what, when and why, for every submission set inactive."""
    repooling.save_rule(ADMIN, STALE)
    submission = world.apply("petra", "cook", submitted_days_ago=35)
    repooling.run()
    event = list(world.uow.events)[-1]
    assert event == SubmissionInactivated(
        occurred_at=world.now,
        actor_id=None,
        reason=(
            "no activity for 35 days (since 2026-09-28); "
            "repooling rule 'Stale after 30 days' sets submissions inactive after 30 days"
        ),
        submission_id=submission.id,
        candidate_id=CandidateId("petra"),
        requisition_id=RequisitionId("cook"),
        rule_id=STALE.id,
        previous_status=SubmissionStatus.NEW,
        last_activity_at=world.ago(35),
        idle_days=35,
    )
    world.apply("petra", "barista", submitted_days_ago=35)
    repooling.run(ADMIN)
    assert list(world.uow.events)[-1].actor_id == ADMIN


def test_a_second_run_changes_nothing(world: World, repooling: Repooling) -> None:
    """AP12: running the job again changes nothing further."""
    repooling.save_rule(ADMIN, STALE)
    world.apply("petra", "cook", submitted_days_ago=40)
    world.apply("petra", "barista", submitted_days_ago=10)
    assert len(repooling.run()) == 1
    after_first = _written(world)
    second = repooling.run()
    assert second.changes == ()
    assert _written(world) == after_first


def test_preview_says_what_a_run_would_change_and_writes_nothing(
    world: World, repooling: Repooling
) -> None:
    repooling.save_rule(ADMIN, STALE)
    world.apply("petra", "cook", submitted_days_ago=40)
    before = _written(world)
    preview = repooling.preview(ADMIN)
    assert not preview.applied
    assert "would be set inactive" in str(preview)
    assert _written(world) == before
    assert repooling.run().changes == preview.changes


def test_no_rules_no_changes(world: World, repooling: Repooling) -> None:
    world.apply("petra", "cook", submitted_days_ago=400)
    assert repooling.run().changes == ()


class _FailingAfterOne:
    """An event log that fails on its second append: the job breaks midway."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self._count = 0

    def append(self, event: object) -> None:
        self._count += 1
        if self._count == 2:
            raise OSError("audit store unavailable")
        self._inner.append(event)  # type: ignore[attr-defined]

    def __iter__(self) -> object:
        return iter(self._inner)  # type: ignore[call-overload]


def test_a_run_that_fails_midway_changes_nothing(world: World, repooling: Repooling) -> None:
    """A run is one unit of work: every change and its event, or nothing."""
    repooling.save_rule(ADMIN, STALE)
    world.apply("petra", "cook", submitted_days_ago=40)
    world.apply("petra", "barista", submitted_days_ago=40)
    before = _written(world)
    real = world.uow.events
    world.uow.events = _FailingAfterOne(real)  # type: ignore[assignment]
    with pytest.raises(OSError, match="audit store unavailable"):
        repooling.run()
    world.uow.events = real
    assert _written(world) == before


# --- the point of it: candidates return to other pools ----------------------------------------


def test_a_candidate_excluded_as_in_a_selection_process_returns_after_repooling(
    world: World,
) -> None:
    """AP12 with AP6: an inactive submission no longer counts as "in a selection process".

    Petra's submission as a cook has been idle for 40 days; the barista pool
    excludes candidates in a selection process, so she is kept out of it until
    the repooling job sets that submission inactive.
    """
    world.user("admin", role=Role.ADMINISTRATOR)
    world.requisition("cook", "Cook")
    barista = RequisitionId("barista")
    world.requisition(
        "barista", "Barista", autopool=AutopoolCriteria(exclude_in_selection_process=True)
    )
    world.candidate("petra", "Petra", "Nová")
    world.apply(
        "petra",
        "cook",
        status=SubmissionStatus.IN_PROCESS,
        submitted_days_ago=60,
        last_activity_days_ago=40,
    )
    world.candidate("jana", "Jana", "Malá")
    world.apply("jana", "cook", submitted_days_ago=5)  # active: stays out
    pool = Autopooling(world.uow, world.clock)
    petra = CandidateId("petra")
    assert pool.results(barista).candidate_ids == ()
    assert "in a selection process on 'Cook'" in str(pool.explain(barista, petra, viewer_id=ADMIN))

    repooling = Repooling(world.uow, world.clock)
    repooling.save_rule(ADMIN, STALE)
    report = repooling.run()

    assert report.candidate_ids == (petra,)
    assert pool.results(barista).candidate_ids == (petra,)
    assert pool.in_pool(barista, petra)
    assert "no active submission on another requisition" in str(pool.explain(barista, petra))
    assert not pool.in_pool(barista, CandidateId("jana"))
