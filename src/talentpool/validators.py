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

from datetime import datetime
from typing import Any

import attrs

from talentpool.clock import require_aware
from talentpool.errors import DomainError

__all__ = ["aware", "aware_or_none", "boolean", "limit", "non_blank", "offset"]


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
