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
    "Clock",
    "FixedClock",
    "SystemClock",
    "days_between",
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

    tz: tzinfo = UTC

    def now(self) -> datetime:
        """Return the current instant in :attr:`tz`."""
        return datetime.now(self.tz)


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

    The same wall-clock time *days* calendar days earlier, in *now*'s zone.
    """
    require_aware("now", now)
    return now - relativedelta(days=days)


def within_last_days(instant: datetime, now: datetime, days: int) -> bool:
    """Return whether *instant* lies in the last *days* days before *now*, both ends inclusive."""
    require_aware("instant", instant)
    return utc(window_start(now, days)) <= utc(instant) <= utc(now)


def days_between(earlier: datetime, later: datetime) -> int:
    """Return the whole calendar days from *earlier* to *later*, counted in *later*'s zone.

    Twelve days and a few hours is 12; one second short of a day is 0.
    """
    require_aware("earlier", earlier)
    require_aware("later", later)
    start = earlier.astimezone(later.tzinfo)
    whole = (later.date() - start.date()).days
    if later.timetz().replace(tzinfo=None) < start.timetz().replace(tzinfo=None):
        whole -= 1
    return whole
