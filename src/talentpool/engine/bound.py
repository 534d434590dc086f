"""Bound criteria: a criterion lowered for one query, with concrete parameters (EN1, EN4).

:func:`~talentpool.engine.bind` turns a :class:`~talentpool.criteria.Criterion` into
a tree of these nodes. Where a criterion says "hired within the last 30 days",
its bound leaf holds the instant the window opens; where it says "within 25 km
of the job", the centre, the kilometres and a bounding box; where it selects a
structure node, every node at or below it in the saved tree. Everything that
decides a boundary (AP6) is decided in bind, once, so every walk of the bound
tree (the matcher, the explainer, a store's SQL compiler or index planner)
only compares values and agrees with the others by construction.

Each leaf keeps the criterion it came from as :attr:`Bound.source`, so an
explanation names the criterion the manager saved. Three kinds have no
criterion of their own: the universe of a pool (AP5), ownership and the tag
shares of a viewer (MP2), which scope a query rather than filter it.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, TypeVar

import attrs

from talentpool.criteria import CRITERION_KINDS, Criterion, ResidenceWithin, Visitor
from talentpool.geo import EDGE_TOLERANCE_KM, BoundingBox, EdgeBand, GeoPoint, distance_km
from talentpool.ids import CandidateId, NodeId, RequisitionId, UserId
from talentpool.model import Dimension, SubmissionStatus, Tag
from talentpool.validators import aware

__all__ = [
    "BOUND_KINDS",
    "Bound",
    "BoundAll",
    "BoundAny",
    "BoundConsent",
    "BoundField",
    "BoundHiredWithin",
    "BoundInSelectionProcess",
    "BoundKeywords",
    "BoundLanguage",
    "BoundNot",
    "BoundOwnedBy",
    "BoundProfileLanguage",
    "BoundRadius",
    "BoundRejectedWithin",
    "BoundStructure",
    "BoundTag",
    "BoundTracked",
    "BoundUnexpired",
    "BoundUniverse",
    "BoundVisitor",
    "Constant",
    "bound_all",
    "bound_any",
    "bound_not",
]


class Bound:
    """Base of every bound node."""

    __slots__ = ()

    kind: ClassVar[str]
    """The kind a :class:`BoundVisitor` dispatches on."""
    reads_submissions: ClassVar[bool] = False
    """Whether the node looks at the candidate's submissions (MP3 folds these away)."""

    @property
    def label(self) -> str:
        """What the node checks, in words: its criterion's description."""
        source: Criterion | None = getattr(self, "source", None)
        return "applied elsewhere" if source is None else source.describe()


@attrs.frozen
class Constant(Bound):
    """A node whose answer is known without looking at a candidate.

    ``Constant(True)`` is what :data:`~talentpool.criteria.EVERYONE` binds to; a
    criterion on submissions evaluated for a tag-share viewer, who sees the
    candidate as if they had applied nowhere, folds to a constant too.

    Attributes:
        value: The answer.
        reason: Why, in words.
        source: The criterion it stands for, if any.
    """

    kind: ClassVar[str] = "constant"
    value: bool
    reason: str = ""
    source: Criterion | None = None


@attrs.frozen
class BoundAll(Bound):
    """Every child holds."""

    kind: ClassVar[str] = "all"
    children: tuple[Bound, ...]
    source: Criterion | None = None


@attrs.frozen
class BoundAny(Bound):
    """At least one child holds."""

    kind: ClassVar[str] = "any"
    children: tuple[Bound, ...]
    source: Criterion | None = None


@attrs.frozen
class BoundNot(Bound):
    """The child does not hold."""

    kind: ClassVar[str] = "not"
    child: Bound
    source: Criterion | None = None


@attrs.frozen
class BoundKeywords(Bound):
    """Every one of :attr:`words` (folded) is a word of the candidate's text (AP4)."""

    kind: ClassVar[str] = "keywords"
    words: tuple[str, ...]
    source: Criterion


@attrs.frozen
class BoundTag(Bound):
    """The candidate carries :attr:`tag` (by key, DM2)."""

    kind: ClassVar[str] = "tag"
    tag: Tag
    source: Criterion | None = None

    @property
    def key(self) -> str:
        """The tag's key, what stores index."""
        return self.tag.key


@attrs.frozen
class BoundLanguage(Bound):
    """The candidate speaks :attr:`code`."""

    kind: ClassVar[str] = "language"
    code: str
    source: Criterion


@attrs.frozen
class BoundField(Bound):
    """The profile field :attr:`name`, folded and trimmed, equals :attr:`value`."""

    kind: ClassVar[str] = "field"
    name: str
    value: str
    source: Criterion


@attrs.frozen
class BoundInSelectionProcess(Bound):
    """No active submission outside :attr:`elsewhere` at :attr:`now` (AP6).

    Attributes:
        elsewhere: The requisition whose own submissions do not count, or
            ``None`` (the candidate database: every submission counts).
        now: Active means open and not expired at this instant.
    """

    kind: ClassVar[str] = "exclude_in_selection_process"
    reads_submissions: ClassVar[bool] = True
    elsewhere: RequisitionId | None
    now: datetime = attrs.field(validator=aware)
    source: Criterion


@attrs.frozen
class BoundProfileLanguage(Bound):
    """The candidate's profile language is :attr:`language`, the requisition's (AP4)."""

    kind: ClassVar[str] = "profile_language_matches_requisition"
    language: str
    source: Criterion


@attrs.frozen
class BoundUnexpired(Bound):
    """At least one submission outside :attr:`elsewhere` is unexpired at :attr:`now`."""

    kind: ClassVar[str] = "exclude_expired_submissions"
    reads_submissions: ClassVar[bool] = True
    elsewhere: RequisitionId | None
    now: datetime = attrs.field(validator=aware)
    source: Criterion


@attrs.frozen
class _StatusWindow(Bound):
    """The latest move to :attr:`status` happened before :attr:`opens_at` (or never).

    Attributes:
        opens_at: The instant the "last X days" window opens, in UTC: the same
            wall-clock time X calendar days before now, in the clock's zone (DM3).
            A status change at this instant is inside the window.
        now: The instant the window ends, for explanations.
        days: X, for explanations.
    """

    reads_submissions: ClassVar[bool] = True
    status: ClassVar[SubmissionStatus]
    opens_at: datetime = attrs.field(validator=aware)
    now: datetime = attrs.field(validator=aware)
    days: int
    source: Criterion


@attrs.frozen
class BoundRejectedWithin(_StatusWindow):
    """Not rejected anywhere since :attr:`opens_at` (AP4)."""

    kind: ClassVar[str] = "exclude_rejected_within"
    status: ClassVar[SubmissionStatus] = SubmissionStatus.REJECTED


@attrs.frozen
class BoundHiredWithin(_StatusWindow):
    """Not hired anywhere since :attr:`opens_at` (AP4)."""

    kind: ClassVar[str] = "exclude_hired_within"
    status: ClassVar[SubmissionStatus] = SubmissionStatus.HIRED


@attrs.frozen
class BoundRadius(Bound):
    """The residence lies within :attr:`km` of :attr:`centre`, the edge inside (AP6).

    Attributes:
        centre: The requisition's primary location.
        km: The radius in kilometres.
        box: A box holding the whole circle: outside it, certainly outside the circle.
        band: The spherical distances that decide without a geodesic: inside the
            box, a point at most ``band.inner`` spherical km away is inside, one
            beyond ``band.outer`` outside; between them :meth:`includes` decides.
    """

    kind: ClassVar[str] = "radius"
    centre: GeoPoint
    km: float
    box: BoundingBox
    source: ResidenceWithin
    band: EdgeBand = attrs.field(init=False)

    @band.default
    def _band(self) -> EdgeBand:
        return EdgeBand.around(self.km)

    def includes(self, point: GeoPoint) -> bool:
        """Return whether *point* is within the radius by the exact geodesic, the edge inside."""
        return distance_km(self.centre, point) <= self.km + EDGE_TOLERANCE_KM


@attrs.frozen
class BoundStructure(Bound):
    """A submission outside :attr:`elsewhere` lies in the selected structure (AP4).

    Attributes:
        nodes: Per dimension with a selection, every node at or below a selected
            one in the saved tree: a submission's requisition must be on one of
            them in every listed dimension.
        include_expired: Whether an expired submission counts.
        elsewhere: The requisition whose own submissions do not count, or ``None``.
        now: Expiry is measured at this instant.
    """

    kind: ClassVar[str] = "structure"
    reads_submissions: ClassVar[bool] = True
    nodes: tuple[tuple[Dimension, frozenset[NodeId]], ...]
    include_expired: bool
    elsewhere: RequisitionId | None
    now: datetime = attrs.field(validator=aware)
    source: Criterion


@attrs.frozen
class BoundConsent(Bound):
    """The data-processing consent is recorded and valid at :attr:`now` (AP14)."""

    kind: ClassVar[str] = "consent_valid"
    now: datetime = attrs.field(validator=aware)
    source: Criterion


@attrs.frozen
class BoundUniverse(Bound):
    """Who a requisition's pool considers at all (AP5).

    The candidate applied on another requisition, has no submission on this
    one and was not matched and rejected from its pool.

    Attributes:
        requisition_id: The requisition whose pool it is.
        exclusions: The candidates matched and rejected from the pool.
    """

    kind: ClassVar[str] = "universe"
    reads_submissions: ClassVar[bool] = True
    requisition_id: RequisitionId
    exclusions: frozenset[CandidateId]


@attrs.frozen
class BoundOwnedBy(Bound):
    """The user owns the candidate through a position or a response (MP2)."""

    kind: ClassVar[str] = "owned_by"
    user_id: UserId


@attrs.frozen
class BoundTracked(Bound):
    """The candidate carries one of the tags the viewer tracks (a tag share, MP2).

    Attributes:
        keys: The tracked tags' keys.
    """

    kind: ClassVar[str] = "tracked"
    keys: frozenset[str]


BOUND_KINDS: tuple[str, ...] = (
    "constant",
    *(k for k in CRITERION_KINDS if k != "everyone"),
    "universe",
    "owned_by",
    "tracked",
)
"""Every kind a bound tree can hold: what every bound visitor must cover (EN4)."""

R = TypeVar("R")


class BoundVisitor(Visitor[R], family=True):
    """A walk over a bound tree: one ``visit_<kind>`` per kind of :data:`BOUND_KINDS`.

    The matcher and the explainer are bound visitors, and so is every store's
    compiler: a database adapter turns each kind into SQL, the in-memory store
    into index lookups.
    """

    kinds = BOUND_KINDS


def bound_all(*children: Bound, source: Criterion | None = None) -> Bound:
    """Return the bound AND of *children*, with constants folded and nesting flattened."""
    kept: list[Bound] = []
    for child in children:
        if isinstance(child, Constant):
            if not child.value:
                return child
            continue
        kept.extend(child.children if isinstance(child, BoundAll) else (child,))
    if not kept:
        return Constant(True, "everyone passes", source)
    if len(kept) == 1 and source is None:
        return kept[0]
    return BoundAll(tuple(kept), source)


def bound_any(*children: Bound, source: Criterion | None = None) -> Bound:
    """Return the bound OR of *children*, with constants folded and nesting flattened."""
    kept: list[Bound] = []
    for child in children:
        if isinstance(child, Constant):
            if child.value:
                return child
            continue
        kept.extend(child.children if isinstance(child, BoundAny) else (child,))
    if not kept:
        return Constant(False, "passes no part", source)
    if len(kept) == 1 and source is None:
        return kept[0]
    return BoundAny(tuple(kept), source)


def bound_not(child: Bound, source: Criterion | None = None) -> Bound:
    """Return the bound negation of *child*; a constant is negated at once."""
    if isinstance(child, Constant):
        return Constant(not child.value, child.reason, source or child.source)
    return BoundNot(child, source)
