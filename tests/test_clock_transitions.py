"""DM3: the "last X days" window when its opening falls in a spring-forward gap or a repeated hour.

The window opens at the same wall-clock time X calendar days before now; when
that wall-clock time does not exist (the clocks jumped over it) the window opens
at the first instant after the gap, and when it happens twice it opens at the
earlier of the two. Both zones change in 2026:

* Europe/Prague: 29 March 02:00 CET -> 03:00 CEST; 25 October 03:00 CEST -> 02:00 CET.
* America/New_York: 8 March 02:00 EST -> 03:00 EDT; 1 November 02:00 EDT -> 01:00 EST.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.autopool import Autopooling
from talentpool.clock import days_between, utc, window_start, within_last_days
from talentpool.criteria import AutopoolCriteria
from talentpool.ids import RepoolingRuleId, RequisitionId, SubmissionId, UserId
from talentpool.model import RepoolingRule, Role, SubmissionStatus
from talentpool.repooling import Repooling
from talentpool.testing import World

PRAGUE = ZoneInfo("Europe/Prague")
NEW_YORK = ZoneInfo("America/New_York")
US = timedelta(microseconds=1)


def reference_window_start(now: datetime, days: int) -> datetime:
    """The DM3 rule written independently, by scanning real instants minute by minute.

    The candidates are every whole-minute UTC instant within a day of the naive
    wall-clock target, and each of those moved by the target's seconds (the
    zones change on whole minutes); the opening is the earliest instant whose wall-clock time
    is the target, or, if none has it (a gap), the earliest whose wall-clock time
    is later than the target. Zero days back is now itself.
    """
    zone = now.tzinfo
    assert zone is not None
    if days == 0:
        return now
    target = datetime.combine(now.date() - timedelta(days=days), now.time())
    base = target.replace(tzinfo=UTC).replace(second=0, microsecond=0)
    instants = [base + timedelta(minutes=m) for m in range(-26 * 60, 26 * 60)]
    offset = timedelta(seconds=target.second, microseconds=target.microsecond)
    instants += [i + offset for i in instants]
    walls = [(i, i.astimezone(zone).replace(tzinfo=None)) for i in instants]
    exact = [i for i, wall in walls if wall == target]
    if exact:
        return min(exact)
    return min(i for i, wall in walls if wall > target)


# (zone, now, days, expected opening as (wall-clock, fold), what kind of opening)
CASES = [
    pytest.param(
        PRAGUE, datetime(2026, 4, 5, 2, 30), 7, datetime(2026, 3, 29, 3, 0), id="prague-gap"
    ),
    pytest.param(
        NEW_YORK, datetime(2026, 3, 15, 2, 30), 7, datetime(2026, 3, 8, 3, 0), id="new-york-gap"
    ),
    pytest.param(
        PRAGUE, datetime(2026, 11, 1, 2, 30), 7, datetime(2026, 10, 25, 2, 30), id="prague-fold"
    ),
    pytest.param(
        NEW_YORK, datetime(2026, 11, 8, 1, 30), 7, datetime(2026, 11, 1, 1, 30), id="new-york-fold"
    ),
]


@pytest.mark.parametrize(("zone", "now", "days", "opens"), CASES)
def test_dm3_window_opening_in_a_gap_or_a_repeated_hour(
    zone: ZoneInfo, now: datetime, days: int, opens: datetime
) -> None:
    """DM3: in a gap the window opens at the first instant after it, in a fold at the earlier."""
    now = now.replace(tzinfo=zone)
    expected = opens.replace(tzinfo=zone, fold=0)  # fold=0 is the earlier of a repeated time
    start = window_start(now, days)
    assert utc(start) == utc(expected)
    assert start.tzinfo is zone
    assert within_last_days(expected, now, days)
    assert not within_last_days(utc(expected) - US, now, days)


@pytest.mark.parametrize(
    ("zone", "now", "gap_end"),
    [
        pytest.param(PRAGUE, datetime(2026, 4, 5, 2, 30), datetime(2026, 3, 29, 3, 0), id="prague"),
        pytest.param(
            NEW_YORK, datetime(2026, 3, 15, 2, 30), datetime(2026, 3, 8, 3, 0), id="new-york"
        ),
    ],
)
def test_dm3_hired_just_after_the_gap_is_within_7_days(
    world: World, zone: ZoneInfo, now: datetime, gap_end: datetime
) -> None:
    """DM3, AP4: a hire at 03:10 on the day of the change is inside "hired within 7 days".

    Now is 02:30 a week later; 02:30 on the day of the change does not exist, so
    the window opens at 03:00, the first instant after the gap. A hire just
    before the gap (01:59) is outside it.
    """
    world = World(now.replace(tzinfo=zone))
    world.requisition("job", "Cashier")
    world.requisition("other", "Barista")
    for cid, hired_at in [
        ("inside", gap_end.replace(minute=10, tzinfo=zone)),
        ("edge", gap_end.replace(tzinfo=zone)),
        ("outside", gap_end.replace(hour=1, minute=59, tzinfo=zone)),
    ]:
        world.candidate(cid)
        hire = world.apply(cid, "other", status=SubmissionStatus.HIRED, submission_id=f"s-{cid}")
        world.uow.submissions.save(attrs.evolve(hire, status_changed_at=hired_at))
    job = world.uow.requisitions.get(RequisitionId("job"))
    criteria = AutopoolCriteria(exclude_expired_submissions=False, exclude_hired_within_days=7)
    world.uow.requisitions.save(attrs.evolve(job, autopool=criteria))
    pooled = set(Autopooling(world.uow, world.clock).results(RequisitionId("job")).candidate_ids)
    assert pooled == {"outside"}


@pytest.mark.parametrize(
    ("zone", "now", "gap_end"),
    [
        pytest.param(PRAGUE, datetime(2026, 4, 5, 2, 30), datetime(2026, 3, 29, 3, 0), id="prague"),
        pytest.param(
            NEW_YORK, datetime(2026, 3, 15, 2, 30), datetime(2026, 3, 8, 3, 0), id="new-york"
        ),
    ],
)
def test_dm3_repooling_does_not_count_6_days_23_hours_as_7_days(
    zone: ZoneInfo, now: datetime, gap_end: datetime
) -> None:
    """DM3, AP12: idle since 03:10 on the change day is 6 days 23 hours — not idle for 7 days.

    Idle since 01:59 (before the gap) is beyond 7 days and is reported as 7 idle days.
    """
    world = World(now.replace(tzinfo=zone))
    world.user("admin", role=Role.ADMINISTRATOR)
    world.requisition("cook")
    world.candidate("petra")
    repooling = Repooling(world.uow, world.clock)
    repooling.save_rule(
        UserId("admin"), RepoolingRule(RepoolingRuleId("week"), "Stale after a week", 7)
    )
    recent_at = gap_end.replace(minute=10, tzinfo=zone)
    stale_at = gap_end.replace(hour=1, minute=59, tzinfo=zone)
    assert utc(world.now) - utc(recent_at) == timedelta(days=6, hours=23, minutes=20)
    for sid, last in [("recent", recent_at), ("stale", stale_at)]:
        submission = world.apply("petra", "cook", submission_id=sid)
        world.uow.submissions.save(attrs.evolve(submission, last_activity_at=last))
    report = repooling.run()
    assert report.submission_ids == (SubmissionId("stale"),)
    (change,) = report.changes
    assert change.idle_days == 7
    assert "idle 7 days" in str(change)


def _change_days(zone: ZoneInfo, years: range) -> list[date]:
    """The days in *years* on which *zone* changes its UTC offset."""
    day, end = date(years.start, 1, 1), date(years.stop, 1, 1)
    found = []
    while day < end:
        midnight = datetime.combine(day, time(), zone)
        if midnight.utcoffset() != (midnight + timedelta(days=1)).utcoffset():
            found.append(day)
        day += timedelta(days=1)
    return found


CHANGES = [
    (zone, day) for zone in (PRAGUE, NEW_YORK) for day in _change_days(zone, range(2000, 2040))
]


@st.composite
def _openings_near_a_change(draw: st.DrawFn) -> tuple[datetime, int]:
    """A "now" whose window opens between 00:00 and 04:00 on a day the clocks change."""
    zone, day = draw(st.sampled_from(CHANGES))
    at = draw(st.times(time(0, 0), time(3, 59, 59, 999999)))
    days = draw(st.integers(0, 400))
    now = datetime.combine(day + timedelta(days=days), at).replace(tzinfo=zone)
    return now, days


@given(
    case=st.one_of(
        _openings_near_a_change(),
        st.tuples(
            st.datetimes(
                datetime(2000, 1, 1),
                datetime(2100, 1, 1),
                timezones=st.sampled_from([PRAGUE, NEW_YORK]),
            ),
            st.integers(0, 400),
        ),
    )
)
def test_dm3_window_never_opens_later_than_the_reference(case: tuple[datetime, int]) -> None:
    """DM3 property: the opening is never later than the independent rule (nor earlier)."""
    now, days = case
    start = utc(window_start(now, days))
    reference = utc(reference_window_start(now, days))
    assert start <= reference
    assert start == reference


@given(
    now=st.datetimes(
        datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.sampled_from([PRAGUE, NEW_YORK])
    ),
    days=st.integers(1, 400),
    back=st.timedeltas(timedelta(0), timedelta(days=401)),
)
def test_dm3_idle_days_agree_with_the_window(now: datetime, days: int, back: timedelta) -> None:
    """DM3, AP12: a submission idle beyond X days is reported as at least X idle days."""
    last = (utc(now) - back).astimezone(now.tzinfo)
    if utc(last) < utc(window_start(now, days)):
        assert days_between(last, now) >= days


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        pytest.param(
            datetime(2026, 10, 25, 2, 40, tzinfo=PRAGUE),
            datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=PRAGUE),
            id="prague",
        ),
        pytest.param(
            datetime(2026, 11, 1, 1, 40, tzinfo=NEW_YORK),
            datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
            id="new-york",
        ),
    ],
)
def test_dm3_days_between_in_the_repeated_hour_is_never_negative(
    earlier: datetime, later: datetime
) -> None:
    """DM3: 50 minutes across the autumn change is 0 whole days, not -1."""
    assert utc(later) - utc(earlier) == timedelta(minutes=50)
    assert days_between(earlier, later) == 0
    # A day later the 1-day window opens at the first 02:30 (01:30 in New York), after 02:20.
    assert days_between(earlier, later + timedelta(days=1)) == 0
    assert days_between(earlier - timedelta(minutes=20), later + timedelta(days=1)) == 1
