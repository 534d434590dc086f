"""What the criteria mean (AP4–AP6, AP14): evaluation of bound criteria in memory.

This module is the reference semantics every store must reproduce (EN4). Each
rule lives in one *evidence* function that returns what decides it (the
submission that puts a candidate in a selection process, the hire inside the
window, the distance to the job); the :class:`Matcher` turns the evidence into a
yes or no and :mod:`talentpool.engine.explain` into a sentence a manager reads,
so the two can never disagree. The parameters (window openings, node sets,
the radius) were fixed by :func:`~talentpool.engine.bind`.

The universe (AP5) is a bound node like the others: a candidate is considered
only if they applied on another requisition, have no submission on this one
and were not matched and rejected from this pool.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime

from talentpool.clock import utc
from talentpool.criteria import Criterion
from talentpool.engine.bind import EvaluationContext, bind, bind_pool
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
    BoundOwnedBy,
    BoundProfileLanguage,
    BoundRadius,
    BoundRejectedWithin,
    BoundStructure,
    BoundTag,
    BoundTracked,
    BoundUnexpired,
    BoundUniverse,
    BoundVisitor,
    Constant,
    bound_all,
    bound_any,
    bound_not,
)
from talentpool.geo import GeoPoint, distance_km
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import Application, Candidate, CandidateRecord
from talentpool.text import fold, matches_keywords

__all__ = [
    "Matcher",
    "active_elsewhere",
    "as_if_applied_nowhere",
    "filter_records",
    "latest_with_status",
    "matches",
    "residence_distance_km",
    "structure_match",
    "unexpired_elsewhere",
]

Owned = Callable[[UserId], Collection[CandidateId]]
"""Where a matcher finds the candidates a user owns through positions and responses."""


# --- evidence: one function per rule ---------------------------------------------


def _newest(app: Application) -> tuple[datetime, str]:
    return (utc(app.submission.submitted_at), app.submission.id)


def _elsewhere(apps: Iterable[Application], excluded: RequisitionId | None) -> list[Application]:
    return [a for a in apps if a.requisition.id != excluded]


def active_elsewhere(
    apps: Iterable[Application], leaf: BoundInSelectionProcess
) -> Application | None:
    """The newest active submission outside the leaf's requisition, if any (AP6)."""
    active = [a for a in _elsewhere(apps, leaf.elsewhere) if a.submission.is_active(leaf.now)]
    return max(active, key=_newest, default=None)


def unexpired_elsewhere(apps: Iterable[Application], leaf: BoundUnexpired) -> Application | None:
    """The newest unexpired submission outside the leaf's requisition, if any."""
    fresh = [a for a in _elsewhere(apps, leaf.elsewhere) if not a.submission.is_expired(leaf.now)]
    return max(fresh, key=_newest, default=None)


def latest_with_status(
    apps: Iterable[Application], leaf: BoundRejectedWithin | BoundHiredWithin
) -> Application | None:
    """The application most recently moved to the leaf's status, on any requisition."""
    hits = [a for a in apps if a.submission.status is leaf.status]
    return max(
        hits, key=lambda a: (utc(a.submission.status_changed_at), a.submission.id), default=None
    )


def in_window(app: Application | None, leaf: BoundRejectedWithin | BoundHiredWithin) -> bool:
    """Whether *app*'s status changed at or after the opening of the leaf's window."""
    return app is not None and leaf.opens_at <= utc(app.submission.status_changed_at)


def residence_distance_km(candidate: Candidate, centre: GeoPoint | None) -> float | None:
    """The geodesic distance from the candidate's residence to *centre*, if both are known."""
    home = candidate.residence
    if home is None or centre is None:
        return None
    return distance_km(centre, home)


def within_radius(candidate: Candidate, leaf: BoundRadius) -> bool:
    """Whether the residence is known and within the radius, the edge inside (AP6)."""
    home = candidate.residence
    return home is not None and leaf.box.contains(home) and leaf.includes(home)


def structure_match(apps: Iterable[Application], leaf: BoundStructure) -> Application | None:
    """The newest application outside the leaf's requisition in the selection, if any."""

    def fits(app: Application) -> bool:
        if not leaf.include_expired and app.submission.is_expired(leaf.now):
            return False
        return all(app.requisition.node(dim) in nodes for dim, nodes in leaf.nodes)

    return max(filter(fits, _elsewhere(apps, leaf.elsewhere)), key=_newest, default=None)


def universe_evidence(record: CandidateRecord, leaf: BoundUniverse) -> tuple[bool, str]:
    """Whether the candidate is considered for the leaf's pool at all (AP5), and why."""
    if record.candidate.id in leaf.exclusions:
        return False, "matched and rejected from this pool"
    if any(a.requisition.id == leaf.requisition_id for a in record.applications):
        return False, "already on this requisition"
    others = record.elsewhere(leaf.requisition_id)
    if not others:
        return False, "has not applied on another requisition"
    return True, f"applied on {len(others)} other requisition(s)"


# --- matching --------------------------------------------------------------------


_NOBODY = Candidate(CandidateId("talentpool:nobody"), "", "", datetime(1970, 1, 1, tzinfo=UTC))
_NO_RECORD = CandidateRecord(_NOBODY, ())
"""A candidate who applied nowhere."""


def _no_one(user_id: UserId) -> Collection[CandidateId]:
    return ()


class Matcher(BoundVisitor[bool]):
    """Whether a candidate passes a bound criterion: the reference semantics (EN4).

    Args:
        owned: The candidates a user owns, for :class:`~talentpool.engine.BoundOwnedBy`.
    """

    def __init__(self, owned: Owned = _no_one) -> None:
        self._owned = owned
        self.record = _NO_RECORD
        """The record being judged."""

    def matches(self, node: Bound, record: CandidateRecord) -> bool:
        """Return whether the candidate of *record* passes *node*."""
        self.record = record
        return self.visit(node)

    def visit_constant(self, node: Constant) -> bool:
        return node.value

    def visit_all(self, node: BoundAll) -> bool:
        return all(self.visit(c) for c in node.children)

    def visit_any(self, node: BoundAny) -> bool:
        return any(self.visit(c) for c in node.children)

    def visit_not(self, node: BoundNot) -> bool:
        return not self.visit(node.child)

    def visit_keywords(self, node: BoundKeywords) -> bool:
        return matches_keywords(self.record.words, node.words)

    def visit_tag(self, node: BoundTag) -> bool:
        return node.tag in self.record.candidate.tags

    def visit_language(self, node: BoundLanguage) -> bool:
        return node.code in self.record.candidate.languages

    def visit_field(self, node: BoundField) -> bool:
        value = self.record.candidate.field(node.name)
        return value is not None and fold(value).strip() == node.value

    def visit_exclude_in_selection_process(self, node: BoundInSelectionProcess) -> bool:
        return active_elsewhere(self.record.applications, node) is None

    def visit_profile_language_matches_requisition(self, node: BoundProfileLanguage) -> bool:
        return self.record.candidate.profile_language == node.language

    def visit_exclude_expired_submissions(self, node: BoundUnexpired) -> bool:
        return unexpired_elsewhere(self.record.applications, node) is not None

    def visit_exclude_rejected_within(self, node: BoundRejectedWithin) -> bool:
        return not in_window(latest_with_status(self.record.applications, node), node)

    def visit_exclude_hired_within(self, node: BoundHiredWithin) -> bool:
        return not in_window(latest_with_status(self.record.applications, node), node)

    def visit_radius(self, node: BoundRadius) -> bool:
        return within_radius(self.record.candidate, node)

    def visit_structure(self, node: BoundStructure) -> bool:
        return structure_match(self.record.applications, node) is not None

    def visit_consent_valid(self, node: BoundConsent) -> bool:
        consent = self.record.candidate.consent
        return consent is not None and consent.is_valid(node.now)

    def visit_universe(self, node: BoundUniverse) -> bool:
        return universe_evidence(self.record, node)[0]

    def visit_owned_by(self, node: BoundOwnedBy) -> bool:
        return self.record.candidate.id in self._owned(node.user_id)

    def visit_tracked(self, node: BoundTracked) -> bool:
        return any(t.key in node.keys for t in self.record.candidate.tags)


# --- "as if they had applied nowhere" (MP3) -------------------------------------------


class _Nowhere(BoundVisitor[Bound]):
    """Folds every node on submissions into what it says of a candidate with none."""

    def __init__(self) -> None:
        self._matcher = Matcher()

    def _fold(self, node: Bound) -> Bound:
        # What a leaf on submissions says does not depend on the profile, so any
        # candidate without applications stands for all of them.
        value = self._matcher.matches(node, _NO_RECORD)
        return Constant(value, "as if applied nowhere", getattr(node, "source", None))

    def _same(self, node: Bound) -> Bound:
        return node

    def visit_all(self, node: BoundAll) -> Bound:
        return bound_all(*(self.visit(c) for c in node.children))

    def visit_any(self, node: BoundAny) -> Bound:
        return bound_any(*(self.visit(c) for c in node.children))

    def visit_not(self, node: BoundNot) -> Bound:
        return bound_not(self.visit(node.child))

    visit_constant = _same
    visit_keywords = _same
    visit_tag = _same
    visit_language = _same
    visit_field = _same
    visit_profile_language_matches_requisition = _same
    visit_radius = _same
    visit_consent_valid = _same
    visit_owned_by = _same
    visit_tracked = _same
    visit_exclude_in_selection_process = _fold
    visit_exclude_expired_submissions = _fold
    visit_exclude_rejected_within = _fold
    visit_exclude_hired_within = _fold
    visit_structure = _fold
    visit_universe = _fold


def as_if_applied_nowhere(node: Bound) -> Bound:
    """Return *node* as it reads for a candidate who applied to no position (MP3).

    A tag-share viewer sees the candidate as if they had applied nowhere, so a
    filter on submissions cannot reveal response data: "in a selection process"
    holds for no one, "has an unexpired submission" for no one, and so on. This
    is decided here, once, for every store: each node on submissions becomes the
    constant it is for a candidate without any.
    """
    return _Nowhere().visit(node)


# --- the reference pipeline ------------------------------------------------------------


def matches(criterion: Criterion, record: CandidateRecord, ctx: EvaluationContext) -> bool:
    """Return whether the candidate of *record* passes *criterion* (the universe aside)."""
    return Matcher().matches(bind(criterion, ctx), record)


def filter_records(
    criterion: Criterion, records: Iterable[CandidateRecord], ctx: EvaluationContext
) -> list[CandidateRecord]:
    """Return the records in the pool of *ctx* that pass *criterion*, in input order."""
    tree = bind_pool(criterion, ctx)
    matcher = Matcher()
    return [r for r in records if matcher.matches(tree, r)]
