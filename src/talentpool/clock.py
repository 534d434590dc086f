"""Time: timezone-aware instants, an injectable clock and "within the last X days".

Every timestamp the library holds is timezone-aware; a naive one is refused by
:func:`require_aware` with a :class:`~talentpool.errors.DomainError` naming the
field.

"Within the last X days" is calendar arithmetic in the clock's time zone, done
with python-dateutil's ``relativedelta``: the window opens at the same wall-clock
time X calendar days before now, and an instant exactly on that opening is
inside the window. Across a daylight-saving change "7 days ago" is still 7
calendar days ago at the same wall-clock time, which is 167 or 169 hours::

    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> prague = ZoneInfo("Europe/Prague")
    >>> clock = FixedClock(datetime(2026, 4, 1, 9, 0, tzinfo=prague))
    >>> window_start(clock.now(), 7)
    datetime.datetime(2026, 3, 25, 9, 0, tzinfo=zoneinfo.ZoneInfo(key='Europe/Prague'))
    >>> within_last_days(datetime(2026, 3, 25, 9, 0, tzinfo=prague), clock.now(), 7)
    True
    >>> within_last_days(datetime(2026, 3, 25, 8, 59, tzinfo=prague), clock.now(), 7)
    False
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

import attrs
from dateutil.relativedelta import relativedelta

from talentpool.errors import DomainError

__all__ = [
    "AwareClock",
    "Clock",
    "FixedClock",
    "SystemClock",
    "checked",
    "days_between",
    "micros",
    "require_aware",
    "utc",
    "window_start",
    "within_last_days",
]


class Clock(Protocol):
    """**Protocol:** where the library reads "now" from.

    Hosts pass their own clock, tests pass a :class:`FixedClock`.
    """

    def now(self) -> datetime:
        """Return the current instant, timezone-aware."""
        ...


@attrs.frozen
class SystemClock:
    """The real clock, in UTC unless another zone is given.

    Attributes:
        tz: The zone "now" is expressed in, which is the zone calendar days are counted in.
    """

    tz: tzinfo = attrs.field(default=UTC)

    @tz.validator
    def _check(self, attribute: attrs.Attribute[tzinfo], value: tzinfo) -> None:
        # tz=None would make now() naive (DM3)
        if not isinstance(value, tzinfo):
            raise DomainError("tz", value, "must be a time zone (a tzinfo), not naive")

    def now(self) -> datetime:
        """Return the current instant in :attr:`tz`."""
        return datetime.now(self.tz)


@attrs.frozen
class AwareClock:
    """A host's clock whose every "now" is checked: a naive one is refused (DM3).

    The services wrap the clock they are given in one, so a clock that returns
    naive instants fails at the first call, naming the ``clock`` argument,
    rather than only when some data happens to need a timestamp.

    Attributes:
        clock: The host's clock.
    """

    clock: Clock

    def now(self) -> datetime:
        """Return the wrapped clock's "now"; raise ``DomainError`` naming ``clock`` if naive."""
        return require_aware("clock", self.clock.now())


def checked(clock: Clock) -> Clock:
    """Return *clock* wrapped in an :class:`AwareClock` (once)."""
    return clock if isinstance(clock, AwareClock) else AwareClock(clock)


@attrs.define
class FixedClock:
    """A clock that says what it is told; tests and doc examples use it.

    Attributes:
        current: The instant :meth:`now` returns.
    """

    current: datetime = attrs.field()

    @current.validator
    def _check(self, attribute: attrs.Attribute[datetime], value: datetime) -> None:
        require_aware("current", value)

    def now(self) -> datetime:
        """Return :attr:`current`."""
        return self.current

    def advance(self, **delta: float) -> None:
        """Move the clock forward by a ``timedelta(**delta)``."""
        self.current = self.current + timedelta(**delta)

    def set(self, when: datetime) -> None:
        """Set the clock to *when*, which must be timezone-aware."""
        self.current = require_aware("when", when)


def require_aware(field: str, value: datetime) -> datetime:
    """Return *value* if it is a timezone-aware datetime; raise ``DomainError`` otherwise."""
    if not isinstance(value, datetime):
        raise DomainError(field, value, "must be a datetime")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise DomainError(field, value, "must be timezone-aware, not naive")
    return value


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """Return *moment* (timezone-aware) as whole microseconds since 1970: exact, unlike floats.

    The stores keep and compare instants in this form.
    """
    try:
        return (moment - _EPOCH) // _MICRO
    except TypeError:  # naive, or not a datetime: say which
        require_aware("moment", moment)
        raise


def utc(moment: datetime) -> datetime:
    """Return *moment* in UTC, the form in which instants are compared.

    Python compares two datetimes that share a ``tzinfo`` by their wall-clock
    times, which misorders the repeated hour when clocks go back (02:45 summer
    time comes before 02:30 winter time). Comparing in UTC orders real instants,
    whatever zone each is written in.
    """
    return require_aware("moment", moment).astimezone(UTC)


def window_start(now: datetime, days: int) -> datetime:
    """Return the opening of the "last *days* days" window that ends at *now*.

    The same wall-clock time *days* calendar days earlier, in *now*'s zone. When
    that wall-clock time falls in a spring-forward gap the window opens at the
    first instant after the gap; when it happens twice (the clocks went back) it
    opens at the earlier of the two instants (DM3). A window of 0 days opens at
    *now* itself::

        >>> from zoneinfo import ZoneInfo
        >>> prague = ZoneInfo("Europe/Prague")
        >>> window_start(datetime(2026, 4, 5, 2, 30, tzinfo=prague), 7)  # 02:30 was skipped
        datetime.datetime(2026, 3, 29, 3, 0, tzinfo=zoneinfo.ZoneInfo(key='Europe/Prague'))
        >>> window_start(datetime(2026, 11, 1, 2, 30, tzinfo=prague), 7).utcoffset()
        datetime.timedelta(seconds=7200)
    """
    require_aware("now", now)
    if days == 0:
        return now  # "the last 0 days" is the instant now, even in a repeated hour
    zone = now.tzinfo
    wall = now.replace(tzinfo=None) - relativedelta(days=days)
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if _exists(first):
        # A repeated wall-clock time: open at the earlier instant.
        return min(first, second, key=utc)
    return _after_gap(first, second)


def _exists(moment: datetime) -> bool:
    """Whether *moment*'s wall-clock time really occurs in its zone (is not in a gap)."""
    back = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return back.replace(tzinfo=None, fold=0) == moment.replace(tzinfo=None, fold=0)


def _after_gap(first: datetime, second: datetime) -> datetime:
    """Return the first instant after the gap that the wall-clock time of *first* falls in.

    Read with the offset after the change (one fold) the time is an instant before
    the change, read with the offset before it an instant after: bisect between them.
    """
    zone = first.tzinfo
    lo, hi = sorted((utc(first), utc(second)))
    after = hi.astimezone(zone).utcoffset()
    while hi - lo > _RESOLUTION:
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return hi.astimezone(zone)


_RESOLUTION = timedelta(microseconds=1)


def within_last_days(instant: datetime, now: datetime, days: int) -> bool:
    """Return whether *instant* lies in the last *days* days before *now*, both ends inclusive."""
    require_aware("instant", instant)
    return utc(window_start(now, days)) <= utc(instant) <= utc(now)


def days_between(earlier: datetime, later: datetime) -> int:
    """Return the whole calendar days from *earlier* to *later*, counted in *later*'s zone.

    Twelve days and a few hours is 12; one second short of a day is 0. It is the
    largest *n* for which the "last *n* days" window ending at *later* opens at or
    after *earlier* (see :func:`window_start`), so an instant outside the last X
    days is always at least X days back, across a daylight-saving change too.
    """
    start = utc(require_aware("earlier", earlier))
    require_aware("later", later)
    whole = (later.date() - earlier.astimezone(later.tzinfo).date()).days
    if utc(window_start(later, whole)) < start:
        while utc(window_start(later, whole)) < start:
            whole -= 1
        return whole
    try:
        while utc(window_start(later, whole + 1)) >= start:
            whole += 1
    except OverflowError:
        pass
    return whole
