"""Queries (ST1, ST3, EN4): every read a service makes, as data a store answers whole.

A service never iterates a repository. It builds one of these values and hands
it to a port; the store answers it in one go, a database in one statement, the
in-memory reference from its indexes:

* :class:`CandidateQuery` — a requisition's pool (AP5–AP7): criteria, instant,
  order, limit and offset, answered with a :class:`CandidatePage` (rows and the
  exact total) or, for dry runs, with the matching ids alone;
* :class:`CandidateDatabaseQuery` — the candidate database as one viewer sees it
  (MP2, MP5, MP6): their scope (the whole database, or what they own plus their
  micro-pools), one micro-pool, a criterion, full text, order and page, answered
  with a :class:`ListingPage` or ids alone;
* :class:`ResponsesQuery` — the "Candidates on positions" view (MP3): the
  responses of the candidates a viewer owns, answered with a :class:`ResponsesPage`.

Each query knows how it binds (:meth:`CandidateQuery.bound`,
:meth:`CandidateDatabaseQuery.bound`): the one lowering into a bound tree that
every store walks, so their answers agree by construction (EN4).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from talentpool.clock import utc
from talentpool.criteria import EVERYONE, Criterion, Keywords
from talentpool.engine import (
    Bound,
    BoundOwnedBy,
    BoundTag,
    BoundTracked,
    Constant,
    EvaluationContext,
    as_if_applied_nowhere,
    bind,
    bind_pool,
    bound_all,
    bound_any,
    bound_not,
)
from talentpool.errors import CriteriaError, DomainError
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import Application, Candidate, Dimension, Requisition, StructureTree, Tag
from talentpool.results import MAX_RESULTS, Ordering, PoolRow
from talentpool.validators import aware, boolean, limit, offset

__all__ = [
    "CandidateDatabaseQuery",
    "CandidatePage",
    "CandidateQuery",
    "ListingOrder",
    "ListingPage",
    "ListingSortKey",
    "ResponsesPage",
    "ResponsesQuery",
    "Viewer",
]

Trees = Mapping[Dimension, StructureTree]


def _criterion(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Criterion):
        raise CriteriaError(attribute.name, f"must be a criterion (got {value!r})")


def _ordering(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Ordering):
        raise DomainError(attribute.name, value, "must be an Ordering")


# --- the pool -------------------------------------------------------------------------


@attrs.frozen
class CandidateQuery:
    """A whole pool query, handed to the store in one piece (AP5–AP7).

    Attributes:
        requisition: The requisition whose pool is asked for; its universe rule
            (applied elsewhere, not on it, not matched and rejected from it) applies.
        now: The instant windows and expiry are measured from.
        criterion: What candidates must pass.
        order: How rows are ordered before the limit.
        limit: At most this many rows; ``None`` for all, ``0`` for the total alone.
        offset: Rows to skip first.
    """

    requisition: Requisition
    now: datetime = attrs.field(validator=aware)
    criterion: Criterion = attrs.field(default=EVERYONE, validator=_criterion)
    order: Ordering = attrs.field(factory=Ordering, validator=_ordering)
    limit: int | None = attrs.field(default=MAX_RESULTS, validator=limit)
    offset: int = attrs.field(default=0, validator=offset)

    def context(self, trees: Trees) -> EvaluationContext:
        """Where the criteria are evaluated: this requisition, now, over *trees*."""
        return EvaluationContext(self.requisition, self.now, trees)

    def bound(self, trees: Trees) -> Bound:
        """The universe of the pool and its criterion, bound over the account's *trees*.

        Raises ``ConfigurationError`` when the requisition cannot evaluate the
        criterion (a radius without a primary location, say).
        """
        return bind_pool(self.criterion, self.context(trees))


@attrs.frozen
class CandidatePage:
    """One page of a pool and the exact number of candidates that matched.

    Attributes:
        rows: The rows, in the query's order.
        total: How many candidates matched, however many rows were returned.
    """

    rows: tuple[PoolRow, ...]
    total: int


# --- the candidate database -------------------------------------------------------------


def _keys(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise DomainError("tracked", value, "must be a collection of tag keys, not one string")
    return frozenset(value)


@attrs.frozen
class Viewer:
    """Whose candidate database a listing shows, and how far it reaches (MP2).

    Attributes:
        user_id: The viewer.
        whole_database: Whether their role or permissions own every candidate.
        tracked: The keys of the tags they track: their micro-pools (tag shares).
    """

    user_id: UserId
    whole_database: bool = False
    tracked: frozenset[str] = attrs.field(default=frozenset(), converter=_keys)


class ListingSortKey(enum.Enum):
    """The columns the candidate database can be sorted by."""

    CREATED = "created"
    """When the candidate entered the database."""
    NAME = "name"
    """Family name, then given name, ignoring case and accents."""

    @property
    def natural_descending(self) -> bool:
        """The direction a listing by this column takes when none is given: newest first, A to Z."""
        return self is ListingSortKey.CREATED


def _listing_key(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, ListingSortKey):
        raise DomainError(attribute.name, value, "must be a ListingSortKey")


def _natural_direction(order: Any) -> bool:
    # A wrong key is left to the key's validator, which names it.
    return order.key.natural_descending if isinstance(order.key, ListingSortKey) else True


@attrs.frozen
class ListingOrder:
    """How a listing of the candidate database is ordered; ties by candidate id ascending.

    >>> ListingOrder().descending, ListingOrder(ListingSortKey.NAME).descending
    (True, False)

    Attributes:
        key: The column; the newest candidate first by default.
        descending: Whether larger values come first; when not given, the key's
            natural direction: the newest first, names A to Z.
    """

    key: ListingSortKey = attrs.field(default=ListingSortKey.CREATED, validator=_listing_key)
    descending: bool = attrs.field(
        default=attrs.Factory(_natural_direction, takes_self=True),
        validator=boolean,
    )

    def sort_key(self, candidate: Candidate) -> object:
        """The value of :attr:`key` for *candidate*, as compared (instants in UTC)."""
        if self.key is ListingSortKey.NAME:
            return candidate.sort_name
        # In UTC: two instants in one zone would compare by wall clock, misordering
        # the repeated autumn hour.
        return utc(candidate.created_at)


def _tag_or_none(value: Tag | str | None) -> Tag | None:
    if value is None or isinstance(value, Tag):
        return value
    return Tag(value)


def _listing_order(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, ListingOrder):
        raise DomainError(attribute.name, value, "must be a ListingOrder")


def _viewer(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Viewer):
        raise DomainError(attribute.name, value, "must be a Viewer")


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise DomainError(attribute.name, value, "must be a string or None")


@attrs.frozen
class CandidateDatabaseQuery:
    """The candidate database, or one micro-pool of it, as one viewer sees it (MP2–MP6).

    A candidate is listed when the viewer may see them (they own the candidate, or
    the candidate carries a tag they track), they are in :attr:`micro_pool` if one
    is given, and they pass :attr:`criterion` and :attr:`text`. For a candidate
    the viewer sees only through a tag share, the criterion reads as if the
    candidate had applied nowhere (MP3), so no filter reveals response data.

    Attributes:
        viewer: Who looks, and how far they see.
        now: The instant windows and expiry are measured from.
        criterion: What candidates must pass; nothing measured against a position.
        micro_pool: Only candidates carrying this tag (MP6).
        text: Full-text keywords every listed candidate's text holds (AP4's rule).
        order: How rows are ordered before the page is cut.
        limit: At most this many rows; ``None`` for all, ``0`` for the total alone.
        offset: Rows to skip first.
    """

    viewer: Viewer = attrs.field(validator=_viewer)
    now: datetime = attrs.field(validator=aware)
    criterion: Criterion = attrs.field(default=EVERYONE, validator=_criterion)
    micro_pool: Tag | None = attrs.field(default=None, converter=_tag_or_none)
    text: str | None = attrs.field(default=None, validator=_text)
    order: ListingOrder = attrs.field(factory=ListingOrder, validator=_listing_order)
    limit: int | None = attrs.field(default=None, validator=limit)
    offset: int = attrs.field(default=0, validator=offset)

    def bound(self, trees: Trees) -> Bound:
        """The viewer's scope, the micro-pool, the criterion and the text, bound.

        Raises ``ConfigurationError`` for a criterion measured against a position
        (the database has none) and ``CriteriaError`` for text without a word.
        """
        filters = bind(self.criterion, EvaluationContext(None, self.now, trees))
        if self.text is not None and self.text.strip():
            filters = bound_all(
                filters, bind(Keywords(self.text), EvaluationContext(None, self.now))
            )
        viewer = self.viewer
        if viewer.whole_database:
            scope = filters
        else:
            owned = BoundOwnedBy(viewer.user_id)
            tracked: Bound = BoundTracked(viewer.tracked)
            if self.micro_pool is not None and self.micro_pool.key in viewer.tracked:
                # Every candidate of a micro-pool the viewer tracks is shared with them.
                tracked = Constant(True, "in a micro-pool the viewer tracks")
            nowhere = as_if_applied_nowhere(filters)
            if nowhere == filters:
                # (owned and F) or (not owned and tracked and F) is F and (owned or tracked):
                # each condition read once, and no negated ownership (PF3).
                scope = bound_all(filters, bound_any(owned, tracked))
            else:
                shared = bound_all(bound_not(owned), tracked, nowhere)
                scope = bound_any(bound_all(owned, filters), shared)
        if self.micro_pool is None:
            return scope
        return bound_all(BoundTag(self.micro_pool), scope)


@attrs.frozen
class ListingPage:
    """One page of a candidate-database listing and the exact total.

    Attributes:
        candidates: The candidates, in the query's order.
        total: How many candidates matched, however many were returned.
    """

    candidates: tuple[Candidate, ...]
    total: int

    @property
    def candidate_ids(self) -> tuple[CandidateId, ...]:
        """The ids, in order."""
        return tuple(c.id for c in self.candidates)


# --- candidates on positions -------------------------------------------------------------


@attrs.frozen
class ResponsesQuery:
    """The responses of the candidates a viewer owns: the "Candidates on positions" view (MP3).

    A tag share shows nothing here: only candidates the viewer owns (every
    candidate, for a viewer who sees the whole database) appear. Rows come
    newest response first, ties by submission id.

    Attributes:
        viewer: Who looks; their tracked tags do not matter here.
        requisition_id: Only the responses to this position, if given.
        limit: At most this many rows; ``None`` for all, ``0`` for the total alone.
        offset: Rows to skip first.
    """

    viewer: Viewer = attrs.field(validator=_viewer)
    requisition_id: RequisitionId | None = None
    limit: int | None = attrs.field(default=None, validator=limit)
    offset: int = attrs.field(default=0, validator=offset)


@attrs.frozen
class ResponsesPage:
    """One page of responses and the exact total.

    Attributes:
        rows: Each response's candidate and the response with its requisition, in order.
        total: How many responses matched.
    """

    rows: tuple[tuple[Candidate, Application], ...]
    total: int
