"""Pool results (AP7, AP15): the rows a manager sees, their order and the cap.

Every row carries the columns a results table sorts by. The default order is
the most recent submission first; any column can be sorted ascending or
descending, and an ordering that names only its column reads naturally: names
and cities A to Z, distance nearest first, dates newest first
(:attr:`SortKey.natural_descending`). Rows without a value in that column (no
known residence for distance, say) always come last, and ties are broken by candidate id ascending,
so the same data always gives the same page. Sorting happens before the cap of
300, so the order chooses which 300 are shown, and the total counts every
candidate that matched.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

from talentpool.clock import utc
from talentpool.engine.bind import EvaluationContext
from talentpool.engine.evaluate import residence_distance_km
from talentpool.errors import DomainError
from talentpool.ids import CandidateId
from talentpool.model import Candidate, CandidateRecord
from talentpool.text import fold
from talentpool.validators import aware_or_none

__all__ = ["MAX_RESULTS", "Ordering", "PoolRow", "SortKey", "make_row", "row_of", "sort_rows"]

MAX_RESULTS = 300
"""At most this many candidates are shown in a pool (AP7)."""


class SortKey(enum.Enum):
    """The result columns a pool can be sorted by."""

    LATEST_SUBMISSION = "latest_submission"
    """When the candidate last applied on another requisition."""
    LAST_ACTIVITY = "last_activity"
    """The last activity on any of their submissions elsewhere."""
    NAME = "name"
    """Family name, then given name, ignoring case and accents."""
    DISTANCE = "distance"
    """Distance from their residence to the job's primary location."""
    CITY = "city"
    """The city they live in, ignoring case and accents."""

    @property
    def natural_descending(self) -> bool:
        """The direction an ordering by this column takes when none is given (AP7).

        Dates newest first; names and cities A to Z, distance nearest first.
        """
        return self in (SortKey.LATEST_SUBMISSION, SortKey.LAST_ACTIVITY)


def _sort_key(instance: object, attribute: attrs.Attribute[SortKey], value: object) -> None:
    if not isinstance(value, SortKey):
        hint = ""
        if isinstance(value, str) and value in {k.value for k in SortKey}:
            hint = f"; use SortKey({value!r})"
        raise DomainError(attribute.name, value, f"must be a SortKey{hint}")


def _descending(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise DomainError(attribute.name, value, "must be True or False")


def _natural_direction(order: Any) -> bool:
    # A wrong key is left to the key's validator, which names it.
    return order.key.natural_descending if isinstance(order.key, SortKey) else True


@attrs.frozen
class Ordering:
    """How results are ordered. The default is the latest submission first.

    >>> Ordering(SortKey.NAME).descending, Ordering(SortKey.DISTANCE).descending
    (False, False)
    >>> Ordering(SortKey.LAST_ACTIVITY).descending, Ordering(SortKey.NAME, True).descending
    (True, True)

    Attributes:
        key: The column.
        descending: Whether larger values come first; when not given, the key's
            natural direction (:attr:`SortKey.natural_descending`): names A to Z,
            distance nearest first, dates newest first.
    """

    key: SortKey = attrs.field(default=SortKey.LATEST_SUBMISSION, validator=_sort_key)
    descending: bool = attrs.field(
        default=attrs.Factory(_natural_direction, takes_self=True),
        validator=_descending,
    )


@attrs.frozen
class PoolRow:
    """One candidate in a pool's results.

    Attributes:
        candidate_id: The candidate.
        name: Their display name.
        sort_name: Folded family and given names, what the name column sorts by.
        city: Where they live, for display.
        distance_km: Geodesic distance from their residence to the job, if both are known.
        latest_submission_at: Their latest submission on another requisition.
        last_activity_at: The latest activity on their submissions elsewhere.
    """

    candidate_id: CandidateId
    name: str
    sort_name: tuple[str, str]
    city: str | None
    distance_km: float | None
    latest_submission_at: datetime | None = attrs.field(validator=aware_or_none)
    last_activity_at: datetime | None = attrs.field(validator=aware_or_none)

    def without_other_applications(self) -> PoolRow:
        """The row for a viewer who may not see the candidate's other applications (AP11).

        The latest submission and the last activity are the dates of submissions on
        other requisitions, so they are left out; the order they chose stays.
        """
        # built directly: attrs.evolve costs several times as much, once per row (PF1)
        return PoolRow(
            self.candidate_id, self.name, self.sort_name, self.city, self.distance_km, None, None
        )

    def value(self, key: SortKey) -> object:
        """Return the value of the column *key*, ``None`` when unknown."""
        # Instants sort in UTC: two in one zone would otherwise compare by wall clock.
        if key is SortKey.LATEST_SUBMISSION:
            return None if self.latest_submission_at is None else utc(self.latest_submission_at)
        if key is SortKey.LAST_ACTIVITY:
            return None if self.last_activity_at is None else utc(self.last_activity_at)
        if key is SortKey.NAME:
            return self.sort_name
        if key is SortKey.DISTANCE:
            return self.distance_km
        return None if self.city is None else fold(self.city)


def make_row(record: CandidateRecord, ctx: EvaluationContext) -> PoolRow:
    """Return the result row for *record* in the pool of *ctx*.

    Its dates are those of the latest submission and the latest activity on other
    requisitions (the first of equal instants, in the record's order).
    """
    others = record.elsewhere(ctx.elsewhere)
    return row_of(
        record.candidate,
        ctx,
        max((a.submission.submitted_at for a in others), key=utc, default=None),
        max((a.submission.last_activity_at for a in others), key=utc, default=None),
    )


def row_of(
    cand: Candidate,
    ctx: EvaluationContext,
    latest_submission_at: datetime | None,
    last_activity_at: datetime | None,
) -> PoolRow:
    """Return the row of *cand* in the pool of *ctx* with the dates of :func:`make_row`.

    For a store that finds those dates without building the candidate's record.
    """
    centre = None if ctx.requisition is None else ctx.requisition.primary_location
    return PoolRow(
        candidate_id=cand.id,
        name=cand.name,
        sort_name=cand.sort_name,
        city=cand.city,
        distance_km=residence_distance_km(cand, centre),
        latest_submission_at=latest_submission_at,
        last_activity_at=last_activity_at,
    )


def sort_rows(rows: Iterable[PoolRow], ordering: Ordering) -> list[PoolRow]:
    """Return *rows* in *ordering*: unknown values last, ties by candidate id ascending."""
    by_id = sorted(rows, key=lambda r: r.candidate_id)
    known = [r for r in by_id if r.value(ordering.key) is not None]
    unknown = [r for r in by_id if r.value(ordering.key) is None]
    # list.sort is stable, also with reverse=True, so equal values keep id order.
    known.sort(key=lambda r: r.value(ordering.key), reverse=ordering.descending)  # type: ignore[arg-type,return-value]
    return known + unknown


def page(rows: Sequence[PoolRow], offset: int, limit: int | None) -> tuple[PoolRow, ...]:
    """Return the slice of *rows* from *offset*, at most *limit* long (all when ``None``)."""
    end = None if limit is None else offset + limit
    return tuple(rows[offset:end])
