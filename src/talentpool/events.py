"""Domain events: the audit trail every write leaves (MP9, and the actions of AP9–AP12).

Services never call out to notify anyone directly; they append events to the
unit of work's :class:`EventLog`, in the same transaction as the write they
describe, so a host that stores them can answer who did what, when and why.
Each event is an immutable ``attrs`` class deriving from :class:`DomainEvent`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

import attrs

from talentpool.clock import require_aware
from talentpool.ids import UserId

__all__ = ["DomainEvent", "EventLog"]


def _aware(instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    require_aware(attribute.name, value)


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Something that happened, recorded for the audit trail.

    Attributes:
        occurred_at: When it happened.
        actor_id: Who made it happen, or ``None`` for the system (a batch job).
        reason: Why, in words a person reads.
    """

    occurred_at: datetime = attrs.field(validator=_aware)
    actor_id: UserId | None
    reason: str = ""


class EventLog(Protocol):
    """**Protocol:** where events are appended, inside the unit of work that caused them."""

    def append(self, event: DomainEvent) -> None:
        """Record *event*; it is undone with the unit of work if that is not committed."""
        ...

    def __iter__(self) -> Iterator[DomainEvent]:
        """Iterate over every recorded event, oldest first."""
        ...
