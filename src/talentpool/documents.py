"""Entities and events as JSON-ready documents, and back (ST1, ST3, MP9).

One codec for everything a store keeps as a document: the stored events of the
audit trail (:mod:`talentpool.audit`) and the entities the SQL store writes.
:func:`to_document` walks an ``attrs`` value's fields; :func:`from_document`
reads a document back, led by each field's declared type, so a new entity or
event whose fields are of the kinds below needs no new code::

    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> from talentpool.model import Candidate, Tag
    >>> eva = Candidate("eva", "Eva", "Nováková",
    ...                 datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Prague")),
    ...                 tags=[Tag("Brno")])
    >>> doc = to_document(eva)
    >>> doc["created_at"], doc["tags"]
    ('2026-10-25T02:30:00+01:00[Europe/Prague]', [{'label': 'Brno', 'key': 'brno'}])
    >>> from_document(Candidate, doc) == eva
    True

In a document datetimes are ISO 8601 strings with their UTC offset and, for a
named zone, the zone in brackets (as RFC 9557 writes it), so the repeated
autumn hour reads back as the same instant in the same zone; enums are their
values, sets sorted lists, mappings lists of ``[key, value]`` pairs, other
entities objects of their fields, and saved criteria and quick filters the
versioned documents of :mod:`talentpool.serialization`.

Reading is strict: anything but what :func:`to_document` writes raises
:class:`~talentpool.errors.CriteriaError` whose message starts with the path of
the fault; no other exception escapes.
"""

from __future__ import annotations

import enum
import operator
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from talentpool.criteria import AutopoolCriteria, QuickFilter
from talentpool.errors import CriteriaError, DomainError

# _object and _show are the document readers' shared checks: stored documents
# refuse a non-object and show a bad value exactly as criteria documents do.
from talentpool.serialization import (
    _object,
    _show,
    autopool_from_dict,
    autopool_to_dict,
    quick_filter_from_dict,
    quick_filter_to_dict,
)

__all__ = ["Json", "from_document", "read_entity", "to_document"]

Json = Any
"""A JSON-compatible value: dicts, lists, strings, numbers, booleans and ``None``."""


# --- writing -----------------------------------------------------------------------


def _instant(moment: datetime) -> str:
    text = moment.isoformat()
    zone = moment.tzinfo
    return f"{text}[{zone.key}]" if isinstance(zone, ZoneInfo) else text


_PLAIN = frozenset({str, int, float, bool})


def to_document(value: object) -> Json:
    """Return *value* as a JSON-ready document (see the module docs)."""
    if value is None or type(value) in _PLAIN:  # the commonest, as they are
        return value
    kind = type(value)
    try:
        write = _WRITERS[kind]
    except KeyError:
        write = _WRITERS[kind] = _writer(kind)
    return write(value)


Writer = Callable[[Any], Json]

_WRITERS: dict[type[Any], Writer] = {}
"""The writer of each type written so far: which writing a type needs is decided once."""


def _writer(kind: type[Any]) -> Writer:
    if issubclass(kind, AutopoolCriteria):
        return autopool_to_dict
    if issubclass(kind, QuickFilter):
        return quick_filter_to_dict
    if issubclass(kind, datetime):
        return _instant
    if issubclass(kind, enum.Enum):
        return _enum_value
    if attrs.has(kind):
        names = tuple(f.name for f in attrs.fields(kind))
        values = operator.attrgetter(*names) if len(names) > 1 else None

        def entity(value: object) -> Json:
            if values is None:
                return {name: to_document(getattr(value, name)) for name in names}
            return dict(zip(names, map(to_document, values(value)), strict=True))

        return entity
    if issubclass(kind, frozenset | set):
        return lambda value: sorted(map(to_document, value), key=repr)
    if issubclass(kind, tuple | list):
        return lambda value: list(map(to_document, value))
    if issubclass(kind, Mapping):
        return lambda value: sorted(
            ([to_document(k), to_document(v)] for k, v in value.items()), key=repr
        )
    return _as_is


def _enum_value(value: enum.Enum) -> Json:
    return value.value


def _as_is(value: object) -> Json:
    return value


# --- reading -------------------------------------------------------------------------


def _join(path: str, key: str) -> str:
    where = key if key.strip() else repr(key)  # a path must show even a blank key
    return f"{path}.{where}" if path else where


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    # Resolving the annotations evaluates their strings; once per class is enough.
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _nested(read: Callable[[Json], Any], value: Json, path: str) -> Any:
    """Read a nested versioned document, naming faults from the outer document's root."""
    try:
        return read(value)
    except CriteriaError as e:
        inner = "" if e.path == "document" else e.path
        raise CriteriaError(f"{path}.{inner}" if inner else path, e.reason) from None


def _datetime(value: Json, path: str) -> datetime:
    if isinstance(value, str):
        text, _, zone = value.partition("[")
        try:
            moment = datetime.fromisoformat(text)
            where = ZoneInfo(zone.removesuffix("]")) if zone else None
        except (ValueError, ZoneInfoNotFoundError):
            pass
        else:
            if moment.utcoffset() is None:
                raise CriteriaError(
                    path, f"must carry its UTC offset, not be naive (got {_show(value)})"
                )
            return moment if where is None else _in_zone(moment, where)
    raise CriteriaError(
        path, f"must be an ISO 8601 date and time with its UTC offset (got {_show(value)})"
    )


def _in_zone(moment: datetime, zone: ZoneInfo) -> datetime:
    """*moment*'s wall time in *zone*, with the fold that gives its offset.

    The wall time and fold are kept as written, so even a time in the spring
    gap or the repeated autumn hour reads back equal to the one written.
    """
    wall = moment.replace(tzinfo=None)
    for fold in (0, 1):
        candidate = wall.replace(tzinfo=zone, fold=fold)
        if candidate.utcoffset() == moment.utcoffset():
            return candidate
    return moment.astimezone(zone)


_MEMBERS: dict[type[enum.Enum], dict[tuple[type, Json], enum.Enum]] = {}


def _member(kind: type[enum.Enum], value: Json, path: str) -> enum.Enum:
    members = _MEMBERS.get(kind)
    if members is None:
        members = {}
        for member in kind:
            members.setdefault((type(member.value), member.value), member)
        _MEMBERS[kind] = members
    try:
        return members[type(value), value]
    except (KeyError, TypeError):  # not a value, or not one that can be (a list)
        choices = ", ".join(repr(m.value) for m in kind)
        raise CriteriaError(path, f"must be one of {choices} (got {_show(value)})") from None


def _items(value: Json, path: str) -> list[Json]:
    if not isinstance(value, list):
        raise CriteriaError(path, f"must be a list (got {_show(value)})")
    return value


def _pair(value: Json, path: str) -> tuple[Json, Json]:
    if not isinstance(value, list) or len(value) != 2:
        raise CriteriaError(path, f"must be a [key, value] pair (got {_show(value)})")
    return value[0], value[1]


Reader = Callable[[Json, str], Any]
"""Reads a value found at a path as one type: what :func:`from_document` does for a kind."""

_READERS: dict[Any, Reader] = {}


def from_document(kind: Any, value: Json, path: str = "") -> Any:
    """Read *value*, found at *path*, as a value of the type *kind* (a class or type hint)."""
    # Each kind's reader is made once: the entities have a few dozen field types, and
    # deciding which reading a type needs costs more than the reading (PF2, PF4).
    return _reader_of(kind)(value, path)


def _reader_of(kind: Any) -> Reader:
    """The reader of *kind*, made on first need; readers of nested kinds hold theirs."""
    try:
        reader = _READERS[kind]
    except KeyError:
        reader = _READERS[kind] = _reader(kind)
    except TypeError:  # an unhashable hint
        reader = _reader(kind)
    return reader


def _read_str(value: Json, path: str) -> str:
    if not isinstance(value, str):
        raise CriteriaError(path, f"must be a string (got {_show(value)})")
    return value


def _read_bool(value: Json, path: str) -> bool:
    if not isinstance(value, bool):
        raise CriteriaError(path, f"must be true or false (got {_show(value)})")
    return value


def _read_int(value: Json, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CriteriaError(path, f"must be a whole number (got {_show(value)})")
    return value


def _read_float(value: Json, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CriteriaError(path, f"must be a number (got {_show(value)})")
    return float(value)


_PLAIN_READERS: tuple[tuple[type, Reader], ...] = (
    (bool, _read_bool),
    (int, _read_int),
    (float, _read_float),
    (datetime, _datetime),
)


def _reader(kind: Any) -> Reader:
    """The reader of *kind*: which of the readings below it needs, decided once."""
    if kind is str:
        return _read_str
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Union or origin is types.UnionType:
        options = [a for a in args if a is not type(None)]
        nullable = len(options) < len(args)
        inner = _reader_of(options[0]) if len(options) == 1 else None

        def union(value: Json, path: str) -> Any:
            if value is None and nullable:
                return None
            if inner is None:
                return _unknown(kind, path)
            return inner(value, path)

        return union
    if isinstance(kind, typing.NewType):
        return _reader_of(kind.__supertype__)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _reader_of(args[0])
        return lambda value, path: tuple(
            [item(v, f"{path}[{i}]") for i, v in enumerate(_items(value, path))]
        )
    if origin is tuple:
        readers = [_reader_of(a) for a in args]

        def fixed(value: Json, path: str) -> tuple[Any, ...]:
            items = _items(value, path)
            if len(items) != len(args):
                raise CriteriaError(path, f"must hold {len(args)} items (got {_show(value)})")
            return tuple(
                [
                    read(v, f"{path}[{i}]")
                    for i, (read, v) in enumerate(zip(readers, items, strict=True))
                ]
            )

        return fixed
    if origin is frozenset:
        member = _reader_of(args[0])
        return lambda value, path: frozenset(
            [member(v, f"{path}[{i}]") for i, v in enumerate(_items(value, path))]
        )
    if origin is Mapping or origin is dict:
        read_key, read_value = _reader_of(args[0]), _reader_of(args[1])

        def mapping(value: Json, path: str) -> dict[Any, Any]:
            out = {}
            for i, item in enumerate(_items(value, path)):
                where = f"{path}[{i}]"
                key, val = _pair(item, where)
                out[read_key(key, where)] = read_value(val, where)
            return out

        return mapping
    for plain, read in _PLAIN_READERS:
        if kind is plain:
            return read
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return lambda value, path: _member(kind, value, path)
    if kind is AutopoolCriteria:
        return lambda value, path: _nested(autopool_from_dict, value, path)
    if kind is QuickFilter:
        return lambda value, path: _nested(quick_filter_from_dict, value, path)
    if isinstance(kind, type) and attrs.has(kind):
        return lambda value, path: read_entity(kind, value, path)
    return lambda value, path: _unknown(kind, path)


def _unknown(kind: Any, path: str) -> Any:
    # Every field type of every entity and event is one of the above (the round-trip
    # tests over all of them prove it); anything else is refused like a bad document.
    name = getattr(kind, "__name__", repr(kind))
    raise CriteriaError(path or "document", f"is of a type no stored document holds ({name})")


@attrs.frozen
class _Layout:
    """What reading an attrs class needs of its fields, found once per class."""

    known: frozenset[str]
    init: tuple[tuple[str, Reader, bool], ...]  # name, the reader of its type, required
    allowed: str


_LAYOUTS: dict[tuple[type[Any], tuple[str, ...]], _Layout] = {}


def _layout(cls: type[Any], extra: tuple[str, ...]) -> _Layout:
    found = _LAYOUTS.get((cls, extra))
    if found is None:
        fields = attrs.fields(cls)
        hints = _hints(cls)
        found = _LAYOUTS[cls, extra] = _Layout(
            frozenset({*extra, *(f.name for f in fields)}),
            tuple(
                (f.name, _reader_of(hints[f.name]), f.default is attrs.NOTHING)
                for f in fields
                if f.init
            ),
            ", ".join([*extra, *(f.name for f in fields if f.init)]),
        )
    return found


def read_entity(cls: type[Any], value: Json, path: str = "", extra: tuple[str, ...] = ()) -> Any:
    """Read an attrs instance: its constructor's fields, each by its type.

    Fields the constructor derives (a tag's key) are written for readers of the
    document, and are accepted and recomputed here; *extra* names other keys the
    document may carry (an event's type).
    """
    body = _object(value, path or "document")
    layout = _layout(cls, extra)
    for key in body:
        if key not in layout.known:
            raise CriteriaError(_join(path, key), f"unknown field (allowed: {layout.allowed})")
    kwargs: dict[str, Any] = {}
    for name, read, required in layout.init:
        if name in body:
            kwargs[name] = read(body[name], f"{path}.{name}" if path else name)
        elif required:
            raise CriteriaError(_join(path, name), "is required")
    try:
        return cls(**kwargs)
    except DomainError as e:
        # The constructor's own checks (a rule's days >= 1, open statuses only).
        if e.field in layout.known:
            reason = f"{e.reason} (got {_show(e.value)})"
            raise CriteriaError(_join(path, e.field), reason) from None
        raise CriteriaError(path or "document", str(e)) from None
    except (TypeError, ValueError) as e:
        raise CriteriaError(path or "document", str(e)) from None
