"""The audit trail (AP9–AP12, AP11): every write leaves an event — who, what, when, why."""

from __future__ import annotations

import json

import pytest

from talentpool.actions import AutopoolActions
from talentpool.audit import (
    CandidateFileViewed,
    CandidateMatched,
    CandidateMatchedAndRejected,
    RepoolingRuleRemoved,
    RepoolingRuleSaved,
    SubmissionInactivated,
    event_to_dict,
)
from talentpool.autopool import Autopooling
from talentpool.criteria import AutopoolCriteria
from talentpool.errors import PermissionDeniedError
from talentpool.events import DomainEvent
from talentpool.ids import CandidateId, RepoolingRuleId, RequisitionId, UserId
from talentpool.model import Permission, RepoolingRule, Role, SubmissionStatus, Workflow
from talentpool.repooling import Repooling
from talentpool.testing import World

BARISTA = RequisitionId("barista")
PETRA, JANA = CandidateId("petra"), CandidateId("jana")
HANA, MIA, ADMIN = UserId("hana"), UserId("mia"), UserId("admin")


@pytest.fixture
def scene(world: World) -> World:
    world.settings(match_and_reject_enabled=True)
    world.requisition("cook", "Cook")
    world.requisition(
        "barista",
        "Barista",
        autopool=AutopoolCriteria(),
        workflow=Workflow(("Phone screen", "Interview"), rejection_motives=("Not qualified",)),
    )
    for cid in ("petra", "jana", "olga"):
        world.candidate(cid)
        world.apply(cid, "cook", submitted_days_ago=40)
    world.user("hana")
    world.user("mia", permissions=[Permission.MATCH_AND_REJECT, Permission.VIEW_OTHER_APPLICATIONS])
    world.user("admin", role=Role.ADMINISTRATOR)
    return world


def test_a_match_records_who_what_when_and_why(scene: World) -> None:
    submission = AutopoolActions(scene.uow, scene.clock, scene.ids).match(HANA, BARISTA, PETRA)
    assert list(scene.uow.events) == [
        CandidateMatched(
            occurred_at=scene.now,
            actor_id=HANA,
            reason="matched from the autopool of 'Barista'",
            candidate_id=PETRA,
            requisition_id=BARISTA,
            submission_id=submission.id,
            step="Phone screen",
            from_pool=True,
        )
    ]


def test_a_match_and_reject_records_the_motives_and_comment(scene: World) -> None:
    actions = AutopoolActions(scene.uow, scene.clock, scene.ids)
    submission = actions.match_and_reject(
        MIA, BARISTA, PETRA, motives=["Not qualified"], comment="No espresso experience"
    )
    assert list(scene.uow.events) == [
        CandidateMatchedAndRejected(
            occurred_at=scene.now,
            actor_id=MIA,
            reason=(
                "matched and rejected from the autopool of 'Barista': "
                "Not qualified; No espresso experience"
            ),
            candidate_id=PETRA,
            requisition_id=BARISTA,
            submission_id=submission.id,
            step="Phone screen",
            from_pool=True,
            motives=("Not qualified",),
            comment="No espresso experience",
        )
    ]


@pytest.mark.parametrize(("user", "shown"), [(HANA, False), (MIA, True)])
def test_opening_a_candidate_file_is_recorded(scene: World, user: UserId, shown: bool) -> None:
    """AP11: a read of personal data from the pool leaves an event too."""
    opened = Autopooling(scene.uow, scene.clock).candidate_file(user, BARISTA, PETRA)
    assert (opened.other_applications is not None) is shown
    assert list(scene.uow.events) == [
        CandidateFileViewed(
            occurred_at=scene.now,
            actor_id=user,
            reason="opened from the autopool of requisition 'barista'",
            candidate_id=PETRA,
            requisition_id=BARISTA,
            other_applications_shown=shown,
        )
    ]


def test_a_refused_candidate_file_records_nothing(scene: World) -> None:
    scene.requisition("stranger-req")
    scene.candidate("stranger")  # never applied elsewhere: not in any pool
    with pytest.raises(PermissionDeniedError):
        Autopooling(scene.uow, scene.clock).candidate_file(HANA, BARISTA, CandidateId("stranger"))
    assert list(scene.uow.events) == []


def test_a_candidate_file_opened_inside_a_failing_host_action_leaves_no_event(
    scene: World,
) -> None:
    """The file's event joins a unit of work the host already opened, and goes with it."""
    pool = Autopooling(scene.uow, scene.clock)

    def host_action() -> None:
        with scene.uow:
            pool.candidate_file(HANA, BARISTA, PETRA)
            raise LookupError("the host's own step failed")

    with pytest.raises(LookupError):
        host_action()
    assert list(scene.uow.events) == []


def test_every_write_leaves_exactly_one_event_in_order(scene: World) -> None:
    """Audit: one event per write, appended in the unit of work that made it."""
    actions = AutopoolActions(scene.uow, scene.clock, scene.ids)
    repooling = Repooling(scene.uow, scene.clock)
    actions.match(HANA, BARISTA, PETRA)
    actions.match_and_reject(MIA, BARISTA, JANA)
    rule = RepoolingRule(RepoolingRuleId("stale"), "Stale", 30)
    repooling.save_rule(ADMIN, rule)
    report = repooling.run()
    repooling.remove_rule(ADMIN, rule.id)
    kinds = [type(e) for e in scene.uow.events]
    assert kinds == [
        CandidateMatched,
        CandidateMatchedAndRejected,
        RepoolingRuleSaved,
        *[SubmissionInactivated] * len(report),
        RepoolingRuleRemoved,
    ]
    assert len(report) == 3  # the three cook submissions, idle for 40 days
    assert all(e.occurred_at == scene.now for e in scene.uow.events)
    assert all(e.reason for e in scene.uow.events)


class _BrokenLog:
    """An audit store that cannot be written."""

    def append(self, event: DomainEvent) -> None:
        raise OSError("audit store unavailable")

    def __iter__(self) -> object:
        return iter(())


def test_no_event_no_write(scene: World) -> None:
    """A write whose event cannot be recorded does not happen."""
    actions = AutopoolActions(scene.uow, scene.clock, scene.ids)
    real = scene.uow.events
    scene.uow.events = _BrokenLog()  # type: ignore[assignment]
    with pytest.raises(OSError, match="audit store unavailable"):
        actions.match(HANA, BARISTA, PETRA)
    scene.uow.events = real
    assert scene.uow.submissions.for_requisition(BARISTA) == []


def test_every_event_has_a_json_ready_form(scene: World) -> None:
    actions = AutopoolActions(scene.uow, scene.clock, scene.ids)
    repooling = Repooling(scene.uow, scene.clock)
    Autopooling(scene.uow, scene.clock).candidate_file(MIA, BARISTA, PETRA)
    actions.match(HANA, BARISTA, PETRA)
    actions.match_and_reject(MIA, BARISTA, JANA, motives=["Not qualified"])
    rule = RepoolingRule(RepoolingRuleId("stale"), "Stale", 30)
    repooling.save_rule(ADMIN, rule)
    repooling.run()
    repooling.remove_rule(ADMIN, rule.id)
    stored = [json.loads(json.dumps(event_to_dict(e))) for e in scene.uow.events]
    assert {d["event"] for d in stored} == {
        "CandidateFileViewed",
        "CandidateMatched",
        "CandidateMatchedAndRejected",
        "RepoolingRuleSaved",
        "SubmissionInactivated",
        "RepoolingRuleRemoved",
    }
    inactivated = next(d for d in stored if d["event"] == "SubmissionInactivated")
    assert inactivated["actor_id"] is None
    assert inactivated["previous_status"] == SubmissionStatus.NEW.value
    assert inactivated["occurred_at"] == "2026-11-02T09:00:00+00:00"
    saved = next(d for d in stored if d["event"] == "RepoolingRuleSaved")
    assert saved["rule"]["statuses"] == ["in_process", "new"]
    assert saved["previous"] is None
    rejected = next(d for d in stored if d["event"] == "CandidateMatchedAndRejected")
    assert rejected["motives"] == ["Not qualified"]
    assert list(rejected)[:4] == ["event", "occurred_at", "actor_id", "reason"]


def test_event_to_dict_refuses_what_is_not_an_event() -> None:
    with pytest.raises(TypeError, match="must be a DomainEvent"):
        event_to_dict({"event": "forged"})  # type: ignore[arg-type]
