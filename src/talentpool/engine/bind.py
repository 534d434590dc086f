"""Bind: lower a criterion for one query into bound leaves with concrete parameters.

Every boundary of AP6 is decided here and nowhere else:

* a "within the last X days" window opens at the same wall-clock time X calendar
  days before now, in the clock's zone (DM3), and is bound as that instant in UTC;
* a radius binds to its centre (the requisition's primary location), its
  kilometres and a bounding box; the edge is inside, to within a millimetre;
* a structure selection binds to every node at or below a selected one in the
  account's saved tree (:meth:`~talentpool.model.StructureTree.expand`); a
  selected node that tree does not hold, or a selection in a dimension with no
  saved tree, is a :class:`~talentpool.errors.ConfigurationError` naming the node
  (AP4), never a pool silently narrowed to nothing;
* keywords bind to their folded words, tags to their keys, a profile field's
  value to its folded form;
* a criterion measured against a position (a radius, a language match) on a
  requisition that lacks what it needs, or on the candidate database, which has
  no position, is a :class:`~talentpool.errors.ConfigurationError` raised here,
  so a misconfigured pool is reported, never empty.

>>> from datetime import datetime, timezone
>>> from talentpool.criteria import ExcludeHiredWithin
>>> now = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
>>> bind(ExcludeHiredWithin(30), EvaluationContext(None, now)).opens_at
datetime.datetime(2026, 10, 3, 9, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from talentpool.clock import utc, window_start
from talentpool.criteria import (
    AllOf,
    AnyOf,
    ConsentValid,
    Criterion,
    CriterionVisitor,
    Everyone,
    ExcludeExpiredSubmissions,
    ExcludeHiredWithin,
    ExcludeInSelectionProcess,
    ExcludeRejectedWithin,
    FieldEquals,
    HasTag,
    Keywords,
    Not,
    ProfileLanguageMatchesRequisition,
    ResidenceWithin,
    SpeaksLanguage,
    SubmissionsInStructure,
)
from talentpool.engine.bound import (
    Bound,
    BoundAll,
    BoundAny,
    BoundConsent,
    BoundField,
    BoundHiredWithin,
    BoundInSelectionProcess,
    BoundKeywords,
    BoundLanguage,
    BoundNot,
    BoundProfileLanguage,
    BoundRadius,
    BoundRejectedWithin,
    BoundStructure,
    BoundTag,
    BoundUnexpired,
    BoundUniverse,
    Constant,
    bound_all,
)
from talentpool.errors import ConfigurationError, CriteriaError, DomainError
from talentpool.geo import BoundingBox
from talentpool.ids import NodeId, RequisitionId
from talentpool.model import Dimension, Requisition, StructureTree
from talentpool.structure import expand_saved
from talentpool.text import fold
from talentpool.validators import aware

__all__ = [
    "EvaluationContext",
    "bind",
    "bind_pool",
    "check_configuration",
    "check_structure",
    "expand_structure",
    "universe",
]


@attrs.frozen
class EvaluationContext:
    """Where criteria are evaluated: for which requisition, when, over which trees.

    Attributes:
        requisition: The requisition whose pool this is, or ``None`` for the
            candidate database, where submission criteria read "on another
            requisition" as "on any requisition".
        now: The instant "within the last X days" and expiry are measured from.
        structures: The account's saved organization, location and job-field trees;
            every selected structure node must be in them (AP4). ``None`` only
            where a criterion's shape is checked before the trees are read: its
            selections then bind as they are, unchecked, and such a binding is
            never evaluated.
    """

    requisition: Requisition | None
    now: datetime = attrs.field(validator=aware)
    structures: Mapping[Dimension, StructureTree] | None = attrs.field(factory=dict)

    @property
    def elsewhere(self) -> RequisitionId | None:
        """The requisition whose own submissions do not count, if any."""
        return None if self.requisition is None else self.requisition.id


def expand_structure(
    selected: frozenset[NodeId],
    dimension: Dimension,
    trees: Mapping[Dimension, StructureTree],
    where: str = "the criterion",
) -> frozenset[NodeId]:
    """Return the nodes at or below *selected* in *dimension*'s saved tree (AP4, AP12).

    A node the saved tree does not hold, or a selection in a dimension with no
    saved tree, raises ``ConfigurationError`` naming the node and *where* it was
    selected (:func:`~talentpool.structure.expand_saved`).
    """
    return expand_saved(selected, dimension, trees, where)


def check_structure(criterion: Criterion, trees: Mapping[Dimension, StructureTree]) -> None:
    """Raise ``ConfigurationError`` if *criterion* selects a node *trees* do not hold (AP4).

    For criteria saved where no requisition is at hand (a template, a quick
    filter); a requisition's criteria are checked whole by
    :func:`check_configuration`.
    """
    for node in criterion.walk():
        if isinstance(node, SubmissionsInStructure):
            for dim in Dimension:
                if node.selected(dim):
                    expand_structure(node.selected(dim), dim, trees, _where(node))


def _where(node: SubmissionsInStructure) -> str:
    return f"the criterion '{node.describe()}'"


def universe(requisition: Requisition) -> BoundUniverse:
    """Return who *requisition*'s pool considers (AP5), as a bound node."""
    return BoundUniverse(requisition.id, requisition.pool_exclusions)


def bind_pool(criterion: Criterion, ctx: EvaluationContext) -> Bound:
    """The pool of *ctx*'s requisition: its universe (AP5) AND *criterion*, bound."""
    if ctx.requisition is None:
        raise DomainError("requisition", None, "a pool is evaluated for a requisition")
    return bound_all(universe(ctx.requisition), bind(criterion, ctx))


def bind(criterion: Criterion, ctx: EvaluationContext) -> Bound:
    """Lower *criterion* for the pool or listing of *ctx* (see the module docs).

    Raises ``ConfigurationError`` for a criterion that cannot be evaluated there,
    and ``CriteriaError`` for anything but a criterion.
    """
    if not isinstance(criterion, Criterion):
        raise CriteriaError("criterion", f"must be a Criterion (got {criterion!r})")
    return _Binder(ctx).visit(criterion)


def check_configuration(
    criterion: Criterion, requisition: Requisition, trees: Mapping[Dimension, StructureTree]
) -> None:
    """Raise ``ConfigurationError`` if *criterion* cannot be evaluated for *requisition* (AP4, AP6).

    A radius needs the requisition's primary location, a language match needs
    its language, and a structure selection needs its nodes in the account's
    saved *trees*: without them the pool would silently be empty.
    """
    bind(criterion, EvaluationContext(requisition, requisition.created_at, trees))


class _Binder(CriterionVisitor[Bound]):
    """The criterion visitor that binds."""

    def __init__(self, ctx: EvaluationContext) -> None:
        self._ctx = ctx
        self._now = ctx.now
        self._elsewhere = ctx.elsewhere

    def visit_everyone(self, node: Everyone) -> Bound:
        return Constant(True, "everyone passes", node)

    def visit_all(self, node: AllOf) -> Bound:
        return BoundAll(tuple(self.visit(c) for c in node.children), node)

    def visit_any(self, node: AnyOf) -> Bound:
        return BoundAny(tuple(self.visit(c) for c in node.children), node)

    def visit_not(self, node: Not) -> Bound:
        return BoundNot(self.visit(node.child), node)

    def visit_keywords(self, node: Keywords) -> Bound:
        return BoundKeywords(node.words, node)

    def visit_tag(self, node: HasTag) -> Bound:
        return BoundTag(node.tag, node)

    def visit_language(self, node: SpeaksLanguage) -> Bound:
        return BoundLanguage(node.code, node)

    def visit_field(self, node: FieldEquals) -> Bound:
        return BoundField(node.name, fold(node.value).strip(), node)

    def visit_exclude_in_selection_process(self, node: ExcludeInSelectionProcess) -> Bound:
        return BoundInSelectionProcess(self._elsewhere, self._now, node)

    def visit_profile_language_matches_requisition(
        self, node: ProfileLanguageMatchesRequisition
    ) -> Bound:
        requisition = self._position(node)
        if requisition.language is None:
            msg = (
                f"requisition {requisition.id!r} has no language, so the criterion "
                f"'{node.describe()}' cannot be evaluated; set its language or remove "
                "the criterion."
            )
            raise ConfigurationError(msg)
        return BoundProfileLanguage(requisition.language, node)

    def visit_exclude_expired_submissions(self, node: ExcludeExpiredSubmissions) -> Bound:
        return BoundUnexpired(self._elsewhere, self._now, node)

    def _opens(self, days: int) -> datetime:
        return utc(window_start(self._now, days))

    def visit_exclude_rejected_within(self, node: ExcludeRejectedWithin) -> Bound:
        return BoundRejectedWithin(self._opens(node.days), self._now, node.days, node)

    def visit_exclude_hired_within(self, node: ExcludeHiredWithin) -> Bound:
        return BoundHiredWithin(self._opens(node.days), self._now, node.days, node)

    def visit_radius(self, node: ResidenceWithin) -> Bound:
        requisition = self._position(node)
        centre = requisition.primary_location
        if centre is None:
            msg = (
                f"requisition {requisition.id!r} has no primary location, so the criterion "
                f"'{node.describe()}' cannot be evaluated; set a primary location or remove "
                "the radius."
            )
            raise ConfigurationError(msg)
        km = node.radius.km
        return BoundRadius(centre, km, BoundingBox.around(centre, km), node)

    def visit_structure(self, node: SubmissionsInStructure) -> Bound:
        trees = self._ctx.structures
        nodes = tuple(
            (
                dim,
                node.selected(dim)
                if trees is None
                else expand_structure(node.selected(dim), dim, trees, _where(node)),
            )
            for dim in Dimension
            if node.selected(dim)
        )
        return BoundStructure(nodes, node.include_expired, self._elsewhere, self._now, node)

    def visit_consent_valid(self, node: ConsentValid) -> Bound:
        return BoundConsent(self._now, node)

    def _position(self, node: Criterion) -> Requisition:
        requisition = self._ctx.requisition
        if requisition is None:
            msg = (
                f"the criterion '{node.describe()}' is measured against a position, and the "
                "candidate database has none; use it in a requisition's autopool"
            )
            raise ConfigurationError(msg)
        return requisition
