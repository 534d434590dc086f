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

import enum
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import attrs

from talentpool.criteria import AutopoolCriteria, QuickFilter
from talentpool.errors import CriteriaError, DomainError
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

# _object and _show are the document readers' shared checks: stored events refuse a
# non-object and show a bad value exactly as criteria documents do.
from talentpool.serialization import (
    _object,
    _show,
    autopool_from_dict,
    autopool_to_dict,
    quick_filter_from_dict,
    quick_filter_to_dict,
)

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


def _plain(value: object) -> Any:
    if isinstance(value, AutopoolCriteria):
        return autopool_to_dict(value)
    if isinstance(value, QuickFilter):
        return quick_filter_to_dict(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    cls = type(value)
    if attrs.has(cls):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(cls)}
    if isinstance(value, frozenset | set):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


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
    out.update(_plain(event))
    return out


# --- reading -------------------------------------------------------------------------
#
# The reader walks the same attrs fields the writer does, led by each field's type:
# a new event whose fields are of the kinds below is read without new code, and
# the round-trip property test over every event type proves it.

_BY_NAME: Mapping[str, type[DomainEvent]] = {kind.__name__: kind for kind in EVENT_TYPES}


def _join(path: str, key: str) -> str:
    where = key if key.strip() else repr(key)  # a path must show even a blank key
    return f"{path}.{where}" if path else where


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    # Resolving the annotations evaluates their strings; once per class is enough.
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _document(read: Callable[[Json], Any], value: Json, path: str) -> Any:
    """Read a nested versioned document, naming faults from the event's root."""
    try:
        return read(value)
    except CriteriaError as e:
        inner = "" if e.path == "document" else e.path
        raise CriteriaError(f"{path}.{inner}" if inner else path, e.reason) from None


def _datetime(value: Json, path: str) -> datetime:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.utcoffset() is None:
                raise CriteriaError(
                    path, f"must carry its UTC offset, not be naive (got {_show(value)})"
                )
            return moment
    raise CriteriaError(
        path, f"must be an ISO 8601 date and time with its UTC offset (got {_show(value)})"
    )


def _member(kind: type[enum.Enum], value: Json, path: str) -> enum.Enum:
    for member in kind:
        if type(value) is type(member.value) and value == member.value:
            return member
    choices = ", ".join(repr(m.value) for m in kind)
    raise CriteriaError(path, f"must be one of {choices} (got {_show(value)})")


def _items(value: Json, path: str) -> list[Json]:
    if not isinstance(value, list):
        raise CriteriaError(path, f"must be a list (got {_show(value)})")
    return value


def _read(kind: Any, value: Json, path: str) -> Any:
    """Read *value* found at *path* as a value of the type *kind*."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Union or origin is types.UnionType:
        options = [a for a in args if a is not type(None)]
        if value is None and len(options) < len(args):
            return None
        if len(options) == 1:
            return _read(options[0], value, path)
    elif isinstance(kind, typing.NewType):
        return _read(kind.__supertype__, value, path)
    elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return tuple(_read(args[0], v, f"{path}[{i}]") for i, v in enumerate(_items(value, path)))
    elif origin is frozenset:
        return frozenset(
            _read(args[0], v, f"{path}[{i}]") for i, v in enumerate(_items(value, path))
        )
    elif kind is bool:
        if not isinstance(value, bool):
            raise CriteriaError(path, f"must be true or false (got {_show(value)})")
        return value
    elif kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise CriteriaError(path, f"must be a whole number (got {_show(value)})")
        return value
    elif kind is str:
        if not isinstance(value, str):
            raise CriteriaError(path, f"must be a string (got {_show(value)})")
        return value
    elif kind is datetime:
        return _datetime(value, path)
    elif isinstance(kind, type) and issubclass(kind, enum.Enum):
        return _member(kind, value, path)
    elif kind is AutopoolCriteria:
        return _document(autopool_from_dict, value, path)
    elif kind is QuickFilter:
        return _document(quick_filter_from_dict, value, path)
    elif isinstance(kind, type) and attrs.has(kind):
        return _entity(kind, value, path)
    # A field of a type the reader was not taught is a bug in the library, not in
    # the document; the round-trip test over every event type finds it first.
    msg = f"cannot read a stored {kind!r} (at {path!r})"
    raise NotImplementedError(msg)


def _entity(cls: type[Any], value: Json, path: str, extra: tuple[str, ...] = ()) -> Any:
    """Read an attrs instance: its constructor's fields, each by its type.

    Fields the constructor derives (a tag's key) are written for readers of the
    document, and are accepted and recomputed here.
    """
    body = _object(value, path or "document")
    fields = attrs.fields(cls)
    known = {*extra, *(f.name for f in fields)}
    for key in body:
        if key not in known:
            allowed = ", ".join([*extra, *(f.name for f in fields if f.init)])
            raise CriteriaError(_join(path, key), f"unknown field (allowed: {allowed})")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for field in fields:
        if not field.init:
            continue
        here = _join(path, field.name)
        if field.name in body:
            kwargs[field.name] = _read(hints[field.name], body[field.name], here)
        elif field.default is attrs.NOTHING:
            raise CriteriaError(here, "is required")
    try:
        return cls(**kwargs)
    except DomainError as e:
        # The constructor's own checks (a rule's days >= 1, open statuses only).
        if e.field in known:
            reason = f"{e.reason} (got {_show(e.value)})"
            raise CriteriaError(_join(path, e.field), reason) from None
        raise CriteriaError(path or "document", str(e)) from None
    except (TypeError, ValueError) as e:
        raise CriteriaError(path or "document", str(e)) from None


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
    event: DomainEvent = _entity(kind, body, "", extra=("event",))
    return event
