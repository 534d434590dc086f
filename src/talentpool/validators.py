"""attrs validators shared by every entity, event and query: one place for each check.

Each raises :class:`~talentpool.errors.DomainError` naming the field and the
value, so a bad entity coming from a host's database reads the same wherever
it is built::

    >>> import attrs
    >>> from datetime import datetime
    >>> @attrs.frozen
    ... class Seen:
    ...     at: datetime = attrs.field(validator=aware)
    >>> Seen(datetime(2026, 11, 2))
    Traceback (most recent call last):
    ...
    talentpool.errors.DomainError: 'at' must be timezone-aware, not naive (got ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import attrs

from talentpool.clock import require_aware
from talentpool.errors import DomainError

__all__ = [
    "aware",
    "aware_or_none",
    "boolean",
    "collection",
    "identifier",
    "identifier_or_none",
    "identifiers",
    "instance_of",
    "limit",
    "non_blank",
    "non_blank_strings",
    "offset",
    "optional_instance_of",
    "string",
    "string_or_none",
    "whole_number",
]

_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def aware(instance: object, attribute: attrs.Attribute[Any], value: datetime) -> None:
    """A timezone-aware datetime (DM3)."""
    require_aware(attribute.name, value)


def aware_or_none(
    instance: object, attribute: attrs.Attribute[Any], value: datetime | None
) -> None:
    """A timezone-aware datetime, or ``None`` (DM3)."""
    if value is not None:
        require_aware(attribute.name, value)


def non_blank(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A string with something other than whitespace in it."""
    if not isinstance(value, str) or not value.strip():
        raise DomainError(attribute.name, value, "must be a non-blank string")


def boolean(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``True`` or ``False``: ``"false"`` from a form or a database is truthy, so it is refused."""
    if not isinstance(value, bool):
        raise DomainError(attribute.name, value, "must be True or False")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def limit(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """How many rows a page holds at most: a whole number >= 0, or ``None`` for all."""
    if value is not None and not _whole(value):
        raise DomainError(attribute.name, value, "must be a whole number >= 0 or None")


def offset(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """How many rows a page skips: a whole number >= 0."""
    if not _whole(value):
        raise DomainError(attribute.name, value, "must be a whole number >= 0")


def string(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A string (which may be empty)."""
    if not isinstance(value, str):
        raise DomainError(attribute.name, value, "must be a string")


def string_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A string, or ``None``."""
    if value is not None and not isinstance(value, str):
        raise DomainError(attribute.name, value, "must be a string or None")


def _is_id(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An id: a string with something other than whitespace in it."""
    if not _is_id(value):
        raise DomainError(attribute.name, value, "must be a non-blank id")


def identifier_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An id, or ``None``."""
    if value is not None and not _is_id(value):
        raise DomainError(attribute.name, value, "must be a non-blank id or None")


def instance_of(kind: type[Any]) -> _Validator:
    """An instance of *kind*."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            raise DomainError(attribute.name, value, f"must be a {kind.__name__}")

    return check


def optional_instance_of(kind: type[Any]) -> _Validator:
    """An instance of *kind*, or ``None``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, kind):
            raise DomainError(attribute.name, value, f"must be a {kind.__name__} or None")

    return check


def whole_number(low: int, high: int, of: str = "") -> _Validator:
    """A whole number from *low* to *high*, both included (``True`` is not one).

    *of* names what is counted, for the message: ``"days"`` reads "a whole number of days".
    """
    what = f"a whole number of {of}" if of else "a whole number"

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise DomainError(attribute.name, value, f"must be {what} >= {low} and <= {high}")

    return check


def collection(field: str, values: object, what: str) -> Iterable[Any]:
    """Return *values* if it is a collection; one string (its letters) or a scalar is refused."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise DomainError(field, values, f"must be a collection of {what}, not one value")
    return values


def identifiers(field: str, values: object) -> frozenset[Any]:
    """Return *values* as a frozenset of ids; a bare string, a blank id or a non-string is refused.

    For converters: ``converter=lambda v: identifiers("shared_with", v)`` reads as a named one.
    """
    out = frozenset(collection(field, values, "ids"))
    for value in out:
        if not _is_id(value):
            raise DomainError(field, value, "must be non-blank ids")
    return out


def non_blank_strings(field: str, values: object, most: int | None = None) -> tuple[str, ...]:
    """Return *values* as a tuple of non-blank strings (of at most *most* characters each).

    A copy, not the caller's list.
    """
    out = tuple(collection(field, values, "strings"))
    for value in out:
        if not isinstance(value, str) or not value.strip():
            raise DomainError(field, value, "must be non-blank strings")
        if most is not None and len(value) > most:
            raise DomainError(field, f"{value[:20]}...", f"must be at most {most} characters each")
    return out


def at_most(most: int) -> _Validator:
    """A string of at most *most* characters, or ``None``: what a document reader reads back."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, str) and len(value) > most:
            raise DomainError(
                attribute.name, f"{value[:20]}...", f"must be at most {most} characters"
            )

    return check
