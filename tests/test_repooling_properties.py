"""Properties of repooling (AP12) over random worlds of submissions and rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given
from hypothesis import strategies as st

from talentpool.ids import RepoolingRuleId, UserId
from talentpool.model import (
    Dimension,
    RepoolingRule,
    Role,
    StructureTree,
    SubmissionStatus,
)
from talentpool.repooling import Repooling, idle_beyond
from talentpool.testing import DEFAULT_NOW, World

ORGANIZATIONS = (None, "cz", "prague", "de")
OPEN = (SubmissionStatus.NEW, SubmissionStatus.IN_PROCESS)


@attrs.frozen
class SubmissionSpec:
    """One random submission: who, where, in what state, idle for how long.

    Attributes:
        candidate: Candidate index.
        requisition: Requisition index.
        status: Its status.
        idle_minutes: Minutes since its last activity.
        expires_in_days: Days until it expires (negative: expired), or ``None``.
    """

    candidate: int
    requisition: int
    status: SubmissionStatus
    idle_minutes: int
    expires_in_days: int | None


@attrs.frozen
class Spec:
    """A random account.

    Attributes:
        zone: The clock's time zone.
        submissions: The submissions.
        rules: The repooling rules.
    """

    zone: str
    submissions: tuple[SubmissionSpec, ...]
    rules: tuple[RepoolingRule, ...]


submission_specs = st.builds(
    SubmissionSpec,
    candidate=st.integers(0, 3),
    requisition=st.integers(0, len(ORGANIZATIONS) - 1),
    status=st.sampled_from(SubmissionStatus),
    # Up to 90 days, with extra weight on whole days: the boundary is where bugs live.
    idle_minutes=st.one_of(
        st.integers(0, 90 * 1440),
        st.integers(0, 90).map(lambda d: d * 1440),
        st.integers(0, 90).map(lambda d: d * 1440 + 1),
    ),
    expires_in_days=st.none() | st.integers(-10, 10),
)


@st.composite
def rules(draw: st.DrawFn) -> tuple[RepoolingRule, ...]:
    count = draw(st.integers(0, 3))
    out = []
    for n in range(count):
        out.append(
            RepoolingRule(
                RepoolingRuleId(f"rule-{n}"),
                f"Rule {n}",
                draw(st.integers(1, 60)),
                statuses=draw(st.sets(st.sampled_from(OPEN), min_size=1)),
                organizations=draw(st.sampled_from([(), ("cz",), ("de",), ("prague",)])),
            )
        )
    return tuple(out)


specs = st.builds(
    Spec,
    zone=st.sampled_from(["UTC", "Europe/Prague", "America/New_York"]),
    submissions=st.lists(submission_specs, max_size=25).map(tuple),
    rules=rules(),
)


def _build(spec: Spec, now: datetime | None = None) -> tuple[World, Repooling]:
    zone = ZoneInfo(spec.zone)
    world = World((now or DEFAULT_NOW).astimezone(zone))
    world.user("admin", role=Role.ADMINISTRATOR)
    world.uow.structures.save(
        StructureTree(Dimension.ORGANIZATION, {"cz": None, "prague": "cz", "de": None})
    )
    for r, organization in enumerate(ORGANIZATIONS):
        world.requisition(f"req{r}", organization=organization)
    for c in range(4):
        world.candidate(f"cand{c}")
    for n, s in enumerate(spec.submissions):
        submission = world.apply(
            f"cand{s.candidate}",
            f"req{s.requisition}",
            status=s.status,
            submitted_days_ago=100,
            expires_in_days=s.expires_in_days,
            submission_id=f"s{n:02}",
        )
        idle_since = world.now - timedelta(minutes=s.idle_minutes)
        world.uow.submissions.save(attrs.evolve(submission, last_activity_at=idle_since))
    repooling = Repooling(world.uow, world.clock)
    for rule in spec.rules:
        repooling.save_rule(UserId("admin"), rule)
    return world, repooling


def _statuses(world: World) -> dict[str, SubmissionStatus]:
    return {s.id: s.status for s in world.uow.submissions}


@given(specs)
def test_repooling_twice_equals_repooling_once(spec: Spec) -> None:
    """AP12: the second run changes nothing: no submission, no event, an empty report."""
    world, repooling = _build(spec)
    first = repooling.run()
    after_once = (list(world.uow.submissions), list(world.uow.events))
    second = repooling.run()
    assert second.changes == ()
    assert (list(world.uow.submissions), list(world.uow.events)) == after_once
    assert len(first) == len({c.submission_id for c in first.changes})


@given(specs)
def test_repooling_changes_exactly_the_idle_open_submissions_a_rule_covers(spec: Spec) -> None:
    """AP12: an oracle written from the rule's words.

    "More than X days idle" is checked with Python's own aware-datetime
    subtraction, which in one zone is wall-clock, calendar-day arithmetic —
    the library's definition (DM3) — independently of ``window_start``.
    Whatever no rule covers is left exactly as it was.
    """
    world, repooling = _build(spec)
    before = {s.id: s for s in world.uow.submissions}
    report = repooling.run()
    changed = set(report.submission_ids)
    for sid, old in before.items():
        requisition = world.uow.requisitions.get(old.requisition_id)
        covered = any(
            old.status in rule.statuses
            and old.last_activity_at < world.now - timedelta(days=rule.inactive_after_days)
            and (
                not rule.organizations
                or (
                    requisition.organization is not None
                    and (
                        requisition.organization in rule.organizations
                        or (requisition.organization == "prague" and "cz" in rule.organizations)
                    )
                )
            )
            for rule in spec.rules
        )
        assert (sid in changed) is covered, sid
        now = world.uow.submissions.get(sid)
        if covered:
            assert now.status is SubmissionStatus.INACTIVE
            assert now.last_activity_at == old.last_activity_at
        else:
            assert now == old


@given(specs, st.integers(0, 40 * 1440))
def test_running_earlier_then_later_leaves_the_same_statuses_as_running_later(
    spec: Spec, minutes_later: int
) -> None:
    """A missed nightly run loses nothing: two runs end where one later run ends."""
    later = DEFAULT_NOW + timedelta(minutes=minutes_later)
    world, repooling = _build(spec)
    repooling.run()
    world.clock.set(later.astimezone(ZoneInfo(spec.zone)))
    repooling.run()
    once_world, once = _build(spec)
    once_world.clock.set(later.astimezone(ZoneInfo(spec.zone)))
    once.run()
    assert _statuses(world) == _statuses(once_world)
    for submission in world.uow.submissions:
        if submission.status.is_open:
            assert not any(
                submission.status in rule.statuses
                and idle_beyond(submission, rule.inactive_after_days, world.now)
                and not rule.organizations
                for rule in spec.rules
            )
