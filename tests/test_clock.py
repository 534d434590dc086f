"""DM3: the injectable clock, "within the last X days" and whole days between instants.

Europe/Prague changes clocks on Sunday 29 March 2026 (02:00 CET becomes 03:00
CEST) and on Sunday 25 October 2026 (03:00 CEST becomes 02:00 CET, so 02:00–03:00
happens twice). The window rule is calendar days at the same wall-clock time,
so a 7-day window spanning the spring change is 167 hours long and one spanning
the autumn change 169 hours.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.clock import (
    FixedClock,
    SystemClock,
    days_between,
    utc,
    window_start,
    within_last_days,
)
from talentpool.errors import DomainError
from talentpool.testing.strategies import aware_datetimes

PRAGUE = ZoneInfo("Europe/Prague")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
US = timedelta(microseconds=1)


# --- the clock -----------------------------------------------------------------------


def test_dm3_fixed_clock_says_what_it_is_told() -> None:
    """DM3: a FixedClock returns its instant, moves when advanced and when set."""
    clock = FixedClock(NOW)
    assert clock.now() == NOW
    clock.advance(days=1, hours=2)
    assert clock.now() == NOW + timedelta(days=1, hours=2)
    later = datetime(2027, 1, 1, tzinfo=PRAGUE)
    clock.set(later)
    assert clock.now() is later


def test_dm3_fixed_clock_refuses_naive_instants() -> None:
    """DM3: a FixedClock cannot be started or set naive."""
    with pytest.raises(DomainError) as caught:
        FixedClock(datetime(2026, 1, 1))
    assert caught.value.field == "current"
    clock = FixedClock(NOW)
    with pytest.raises(DomainError) as caught:
        clock.set(datetime(2026, 1, 1))
    assert caught.value.field == "when"
    assert clock.now() == NOW


def test_dm3_system_clock_is_aware() -> None:
    """DM3: the real clock returns aware instants, in UTC unless told otherwise."""
    assert SystemClock().now().utcoffset() == timedelta(0)
    assert SystemClock(PRAGUE).now().tzinfo is PRAGUE


def test_dm3_utc_refuses_naive() -> None:
    """DM3: converting a naive datetime to UTC is refused, not guessed."""
    with pytest.raises(DomainError) as caught:
        utc(datetime(2026, 1, 1))
    assert caught.value.field == "moment"


# --- the window ----------------------------------------------------------------------


def test_dm3_window_is_calendar_days_at_the_same_wall_clock_time() -> None:
    """DM3: the last 30 days before 2 Nov 09:00 open on 3 Oct 09:00."""
    assert window_start(NOW, 30) == datetime(2026, 10, 3, 9, 0, tzinfo=UTC)


def test_dm3_window_boundaries_are_inclusive() -> None:
    """DM3: the window's opening and now are inside; a microsecond earlier, or later, is not."""
    start = window_start(NOW, 7)
    assert within_last_days(start, NOW, 7)
    assert not within_last_days(start - US, NOW, 7)
    assert within_last_days(NOW, NOW, 7)
    assert not within_last_days(NOW + US, NOW, 7)


def test_dm3_day_x_vs_x_plus_one() -> None:
    """DM3: exactly 14 days ago is in the last 14 days; 14 days and a second is not."""
    assert within_last_days(NOW - timedelta(days=14), NOW, 14)
    assert not within_last_days(NOW - timedelta(days=14, seconds=1), NOW, 14)
    assert not within_last_days(NOW - timedelta(days=15), NOW, 14)
    assert within_last_days(NOW - timedelta(days=15), NOW, 15)


def test_dm3_window_across_month_ends_and_leap_days() -> None:
    """DM3: calendar arithmetic: 1 March 2028 minus one day is 29 February (leap year)."""
    assert window_start(datetime(2028, 3, 1, 12, tzinfo=UTC), 1) == datetime(
        2028, 2, 29, 12, tzinfo=UTC
    )
    assert window_start(datetime(2026, 3, 2, 12, tzinfo=UTC), 30) == datetime(
        2026, 1, 31, 12, tzinfo=UTC
    )


def test_dm3_window_across_the_spring_change_is_167_hours() -> None:
    """DM3: seven days back from 1 April 2026 09:00 CEST is 25 March 09:00 CET: 167 hours."""
    now = datetime(2026, 4, 1, 9, 0, tzinfo=PRAGUE)
    start = window_start(now, 7)
    assert start == datetime(2026, 3, 25, 9, 0, tzinfo=PRAGUE)
    assert utc(now) - utc(start) == timedelta(hours=167)
    # 167 h 30 min before now is 25 March 08:30 CET, before the opening: outside,
    # although it is less than 7 × 24 hours ago
    assert not within_last_days(utc(now) - timedelta(hours=167, minutes=30), now, 7)
    assert within_last_days(utc(now) - timedelta(hours=167), now, 7)


def test_dm3_window_across_the_autumn_change_is_169_hours() -> None:
    """DM3: seven days back from 28 Oct 2026 09:00 CET is 21 Oct 09:00 CEST: 169 hours."""
    now = datetime(2026, 10, 28, 9, 0, tzinfo=PRAGUE)
    start = window_start(now, 7)
    assert start == datetime(2026, 10, 21, 9, 0, tzinfo=PRAGUE)
    assert utc(now) - utc(start) == timedelta(hours=169)
    # 168 h 30 min before now is more than 7 × 24 h, yet inside the calendar week
    assert within_last_days(utc(now) - timedelta(hours=168, minutes=30), now, 7)
    assert within_last_days(utc(now) - timedelta(hours=169), now, 7)
    assert not within_last_days(utc(now) - timedelta(hours=169) - US, now, 7)


def test_dm3_the_repeated_autumn_hour_is_ordered_by_instant() -> None:
    """DM3: at 02:30 CET on 25 Oct 2026, 02:45 CEST (45 minutes earlier) is in the last day.

    Python compares two datetimes that share a zone by wall-clock time, which
    would put 02:45 after 02:30; the window compares instants.
    """
    now = datetime(2026, 10, 25, 2, 30, tzinfo=PRAGUE, fold=1)
    earlier = datetime(2026, 10, 25, 2, 45, tzinfo=PRAGUE, fold=0)
    assert utc(earlier) < utc(now)
    assert within_last_days(earlier, now, 1)
    assert within_last_days(utc(earlier), now, 1)


@given(
    aware_datetimes(datetime(2026, 3, 1), datetime(2026, 12, 1)),
    st.datetimes(datetime(2026, 3, 20), datetime(2026, 11, 5), timezones=st.just(PRAGUE)),
    st.integers(1, 60),
)
def test_dm3_answer_does_not_depend_on_the_zone_an_instant_is_written_in(
    instant: datetime, now: datetime, days: int
) -> None:
    """DM3: the same instant in UTC, Prague or New York time is inside or outside alike."""
    expected = within_last_days(instant, now, days)
    for zone in (UTC, PRAGUE, NEW_YORK):
        assert within_last_days(instant.astimezone(zone), now, days) is expected


def _around_the_repeated_hour(day: int) -> st.SearchStrategy[datetime]:
    # 01:59–03:01 Prague time; between 02:00 and 03:00 hypothesis draws both folds
    low, high = datetime(2026, 10, day, 1, 59), datetime(2026, 10, day, 3, 1)
    return st.datetimes(low, high, timezones=st.just(PRAGUE))


@given(_around_the_repeated_hour(25), _around_the_repeated_hour(25) | _around_the_repeated_hour(26))
def test_dm3_zone_independence_in_the_repeated_hour(instant: datetime, now: datetime) -> None:
    """DM3: in and a day after the hour that happens twice, the zone still does not matter."""
    expected = utc(window_start(now, 1)) <= utc(instant) <= utc(now)
    for zone in (UTC, PRAGUE, NEW_YORK):
        assert within_last_days(instant.astimezone(zone), now, 1) is expected


# A clock's "now" is a real date; near year 1 the window would open before the calendar does.
@given(
    aware_datetimes(),
    st.datetimes(datetime(1900, 1, 1), datetime(2200, 1, 1), timezones=st.just(UTC)),
    st.integers(1, 400),
)
def test_dm3_in_utc_the_window_is_exactly_x_times_24_hours(
    instant: datetime, now: datetime, days: int
) -> None:
    """DM3: with a UTC clock there is no DST, so the window is now - X days … now."""
    expected = now - timedelta(days=days) <= instant <= now
    assert within_last_days(instant, now, days) is expected


@given(
    aware_datetimes(datetime(2026, 1, 1), datetime(2027, 1, 1)),
    st.datetimes(datetime(2026, 1, 1), datetime(2027, 1, 1), timezones=st.just(PRAGUE)),
    st.integers(1, 100),
)
def test_dm3_a_longer_window_holds_everything_a_shorter_one_does(
    instant: datetime, now: datetime, days: int
) -> None:
    """DM3: anything in the last X days is in the last X+1 days."""
    if within_last_days(instant, now, days):
        assert within_last_days(instant, now, days + 1)


def test_dm3_window_refuses_naive() -> None:
    """DM3: a naive now or instant is refused, naming which."""
    with pytest.raises(DomainError) as caught:
        window_start(datetime(2026, 1, 1), 3)
    assert caught.value.field == "now"
    with pytest.raises(DomainError) as caught:
        within_last_days(datetime(2026, 1, 1), NOW, 3)
    assert caught.value.field == "instant"


# --- whole days between ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later", "days"),
    [
        (NOW - timedelta(days=12, hours=5), NOW, 12),
        (NOW - timedelta(days=1) + timedelta(seconds=1), NOW, 0),
        (NOW - timedelta(days=1), NOW, 1),
        (NOW, NOW, 0),
        # 23 hours across the spring change are one calendar day
        (datetime(2026, 3, 28, 12, tzinfo=PRAGUE), datetime(2026, 3, 29, 12, tzinfo=PRAGUE), 1),
        # 24.5 hours across the autumn change are not yet a whole calendar day
        (
            datetime(2026, 10, 24, 12, tzinfo=PRAGUE),
            datetime(2026, 10, 25, 11, 30, tzinfo=PRAGUE),
            0,
        ),
        # counted in the later instant's zone: 23:30 Prague on 1 Nov to 23:00 on 2 Nov
        (datetime(2026, 11, 1, 22, 30, tzinfo=UTC), datetime(2026, 11, 2, 23, tzinfo=PRAGUE), 0),
        (
            datetime(2026, 11, 1, 22, 30, tzinfo=UTC),
            datetime(2026, 11, 2, 23, 45, tzinfo=PRAGUE),
            1,
        ),
    ],
    ids=[
        "12-days-and-hours",
        "a-second-short",
        "one-day",
        "same-instant",
        "spring-23h",
        "autumn-24h30",
        "later-zone-short",
        "later-zone-whole",
    ],
)
def test_dm3_days_between(earlier: datetime, later: datetime, days: int) -> None:
    """DM3: whole calendar days, as explanations print them ("hired 12 days ago")."""
    assert days_between(earlier, later) == days


@given(st.datetimes(timezones=st.just(UTC)), st.timedeltas(timedelta(0), timedelta(days=3000)))
def test_dm3_days_between_in_utc_is_floor_of_elapsed_days(
    earlier: datetime, elapsed: timedelta
) -> None:
    """DM3: without DST, whole days are the elapsed time divided by 24 hours, rounded down."""
    try:
        later = earlier + elapsed
    except OverflowError:
        return
    assert days_between(earlier, later) == elapsed // timedelta(days=1)


def test_dm3_days_between_refuses_naive() -> None:
    """DM3: both ends must be aware."""
    with pytest.raises(DomainError) as caught:
        days_between(datetime(2026, 1, 1), NOW)
    assert caught.value.field == "earlier"
    with pytest.raises(DomainError) as caught:
        days_between(NOW, datetime(2026, 1, 1))
    assert caught.value.field == "later"
