"""The checks of the arguments hosts pass to the autopool service.

Each wrong type is a library error naming the argument, never a raw TypeError.
"""

from __future__ import annotations

from collections.abc import Iterable

from talentpool.criteria import AutopoolCriteria
from talentpool.errors import (
    CriteriaError,
    DomainError,
)
from talentpool.ids import QuickFilterId
from talentpool.results import Ordering, SortKey

__all__ = [
    "filter_ids",
    "ordering_or_default",
    "require_criteria",
]


def require_criteria(criteria: object, *, allow_none: bool) -> None:
    """Raise ``CriteriaError`` unless *criteria* is ``AutopoolCriteria`` (or allowed ``None``)."""
    if criteria is None and allow_none:
        return
    if not isinstance(criteria, AutopoolCriteria):
        expected = "AutopoolCriteria or None" if allow_none else "AutopoolCriteria"
        raise CriteriaError("criteria", f"must be {expected} (got {criteria!r})")


def ordering_or_default(order: object) -> Ordering:
    """Return *order*, the default for ``None``; raise ``DomainError`` for anything else."""
    if order is None:
        return Ordering()
    if not isinstance(order, Ordering):
        hint = f"; wrap it: Ordering({order})" if isinstance(order, SortKey) else ""
        raise DomainError("order", order, f"must be an Ordering or None{hint}")
    return order


def filter_ids(quick_filters: object) -> tuple[QuickFilterId, ...]:
    """Return the quick filter ids as a tuple; one bare string is refused, not iterated."""
    if isinstance(quick_filters, str) or not isinstance(quick_filters, Iterable):
        raise DomainError(
            "quick_filters", quick_filters, "must be a collection of quick filter ids, not one id"
        )
    chosen = tuple(quick_filters)
    for f in chosen:
        if not isinstance(f, str):
            raise DomainError("quick_filters", f, "must hold quick filter ids (strings)")
    return tuple(QuickFilterId(f) for f in chosen)
