"""The audit trail's stored form (AP9–AP12, MP9): every event as a JSON-ready dict, and back.

Every write the services make appends a domain event to ``uow.events`` in the
same unit of work, so an event exists exactly when its write does; the events
themselves, and what each records, are in :mod:`talentpool.events` (they are
importable from here as well).

Hosts store events in their own way. :func:`event_to_dict` gives every event a
JSON-ready form, its type under ``"event"``, and :func:`event_from_dict` reads
that form back to an equal event::

    >>> from datetime import datetime, timezone
    >>> viewed = CandidateFileViewed(
    ...     occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc),
    ...     actor_id="hana",
    ...     reason="opened from the autopool of 'Barista'",
    ...     candidate_id="petra",
    ...     requisition_id="barista",
    ...     other_applications_shown=False,
    ... )
    >>> stored = event_to_dict(viewed)
    >>> stored["event"], stored["occurred_at"]
    ('CandidateFileViewed', '2026-11-02T09:00:00+00:00')
    >>> event_from_dict(stored) == viewed
    True

In the stored form datetimes are ISO 8601 strings with their UTC offset, enums
their values, sets sorted lists, tags, rules and other entities objects of their
fields, and saved criteria and quick filters the versioned documents of
:mod:`talentpool.serialization`.

Reading is as strict as reading criteria: a document that is not exactly what
:func:`event_to_dict` writes (an unknown event type, a missing or unknown field,
a value of the wrong kind, a naive datetime, a rule a system administrator could
not have saved) raises :class:`~talentpool.errors.CriteriaError`, whose message
starts with the path of the fault; no other exception escapes, whatever the
input::

    >>> event_from_dict({**stored, "occurred_at": "2026-11-02T09:00:00"})
    Traceback (most recent call last):
    ...
    talentpool.errors.CriteriaError: occurred_at: must carry its UTC offset, not be naive (got ...)

Fields an event type gained after a document was written may be absent from it
when they have a default; they take that default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from talentpool.documents import read_entity, to_document
from talentpool.errors import CriteriaError
from talentpool.events import (
    EVENT_TYPES,
    AccountSettingChanged,
    AutopoolCriteriaSaved,
    CandidateFileViewed,
    CandidateMatched,
    CandidateMatchedAndRejected,
    DomainEvent,
    QuickFilterRemoved,
    QuickFilterSaved,
    RepoolingRuleRemoved,
    RepoolingRuleSaved,
    RequisitionOpened,
    SubmissionInactivated,
)
from talentpool.serialization import _object, _show

__all__ = [
    "AccountSettingChanged",
    "AutopoolCriteriaSaved",
    "CandidateFileViewed",
    "CandidateMatched",
    "CandidateMatchedAndRejected",
    "QuickFilterRemoved",
    "QuickFilterSaved",
    "RepoolingRuleRemoved",
    "RepoolingRuleSaved",
    "RequisitionOpened",
    "SubmissionInactivated",
    "event_from_dict",
    "event_to_dict",
]

Json = Any


# --- writing -----------------------------------------------------------------------


def event_to_dict(event: DomainEvent) -> dict[str, Any]:
    """Return *event* as a JSON-ready dict: ``"event"`` (its type name), then its fields.

    Datetimes become ISO 8601 strings, enums their values, sets sorted lists and
    nested entities dicts, so the result can be stored as a JSON document;
    :func:`event_from_dict` reads it back.
    """
    if not isinstance(event, DomainEvent):
        msg = f"'event' must be a DomainEvent (got {event!r})."
        raise TypeError(msg)
    out: dict[str, Any] = {"event": type(event).__name__}
    out.update(to_document(event))
    return out


# --- reading -------------------------------------------------------------------------

_BY_NAME: Mapping[str, type[DomainEvent]] = {kind.__name__: kind for kind in EVENT_TYPES}


def event_from_dict(data: Mapping[str, Any]) -> DomainEvent:
    """Read back an event that :func:`event_to_dict` wrote, for any event type.

    The result equals the event that was written; datetimes keep their UTC
    offset (as a fixed offset; the named zone is not stored).

    Raises:
        CriteriaError: *data* is not such a document; its message starts with
            the path of the fault (``"event"``, ``"occurred_at"``,
            ``"rule.inactive_after_days"``, ``"criteria.autopool.radius.distance"``).
    """
    body = _object(data, "document")
    if "event" not in body:
        raise CriteriaError("event", "is required")
    name = body["event"]
    kind = _BY_NAME.get(name) if isinstance(name, str) else None
    if kind is None:
        known = ", ".join(sorted(_BY_NAME))
        raise CriteriaError("event", f"unknown event type {_show(name)} (known: {known})")
    event: DomainEvent = read_entity(kind, body, "", extra=("event",))
    return event
