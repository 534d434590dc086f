"""Why a candidate passes or fails each criterion (EN3): explanations over bound criteria.

The :class:`Explainer` reads the same evidence functions as the
:class:`~talentpool.engine.evaluate.Matcher` and asks the matcher for the
verdict, so an explanation can never disagree with the pool; it only adds the
words a manager reads ("hired on 'Shift lead' 12 days ago; window is 30 days").

Another requisition's title, its submission's status and step, and the dates of
that submission are named only when the explainer is told the viewer may see the
candidate's other applications (AP11); otherwise a reason reads "on another
requisition" and says nothing more of it ("hired on another requisition in the
last 30 days").
"""

from __future__ import annotations

from datetime import datetime

import attrs

from talentpool.clock import days_between, utc
from talentpool.criteria import Criterion
from talentpool.engine.bind import EvaluationContext, bind, universe
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
)
from talentpool.engine.evaluate import (
    Matcher,
    Owned,
    active_elsewhere,
    latest_with_status,
    residence_distance_km,
    structure_match,
    unexpired_elsewhere,
    universe_evidence,
)
from talentpool.model import Application, CandidateRecord, Requisition

__all__ = ["Explainer", "Verdict", "explain", "in_universe"]


@attrs.frozen
class Verdict:
    """Whether a candidate passes one criterion, and why (EN3).

    Attributes:
        criterion: The criterion judged, or ``None`` for the universe of a pool.
        passed: Whether the candidate passes it.
        reason: Why, in words a manager reads.
        children: The verdicts of a composite's children.
    """

    criterion: Criterion | None
    passed: bool
    reason: str
    children: tuple[Verdict, ...] = ()

    @property
    def label(self) -> str:
        """What was judged, such as ``"not hired in the last 30 days"``."""
        return "applied elsewhere" if self.criterion is None else self.criterion.describe()


def _when(moment: datetime, now: datetime) -> str:
    days = days_between(moment, now)
    if days < 0:
        return f"on {moment.date().isoformat()}"
    return "today" if days == 0 else ("1 day ago" if days == 1 else f"{days} days ago")


_ELSEWHERE = "on another requisition"
"""How a reason names another requisition to a viewer who may not see it (AP11)."""


class Explainer(BoundVisitor[Verdict]):
    """The verdict, with its reasons, on each node of a bound criterion (EN3).

    Args:
        record: The candidate judged.
        owned: The candidates a user owns, as for the matcher.
        names_others: Whether the reasons may name another requisition (its title,
            its submission's status and step, their dates): only for a viewer who
            may see the candidate's other applications (AP11).
    """

    def __init__(
        self, record: CandidateRecord, owned: Owned | None = None, *, names_others: bool = True
    ) -> None:
        self._record = record
        self._candidate = record.candidate
        self._apps = record.applications
        self._matcher = Matcher() if owned is None else Matcher(owned)
        self._names = names_others

    def _on(self, app: Application) -> str:
        return f"on {app.requisition.title!r}" if self._names else _ELSEWHERE

    def _passes(self, node: Bound) -> bool:
        return self._matcher.matches(node, self._record)

    def _leaf(self, node: Bound, reason: str) -> Verdict:
        return Verdict(getattr(node, "source", None), self._passes(node), reason)

    def visit_constant(self, node: Constant) -> Verdict:
        return Verdict(node.source, node.value, node.reason)

    def visit_all(self, node: BoundAll) -> Verdict:
        kids = tuple(self.visit(c) for c in node.children)
        failing = [k for k in kids if not k.passed]
        reason = (
            "passes every part"
            if not failing
            else "fails: " + "; ".join(f"{k.label} ({k.reason})" for k in failing)
        )
        return Verdict(node.source, not failing, reason, kids)

    def visit_any(self, node: BoundAny) -> Verdict:
        kids = tuple(self.visit(c) for c in node.children)
        passing = [k for k in kids if k.passed]
        reason = (
            "passes: " + "; ".join(f"{k.label} ({k.reason})" for k in passing)
            if passing
            else "passes no part"
        )
        return Verdict(node.source, bool(passing), reason, kids)

    def visit_not(self, node: BoundNot) -> Verdict:
        inner = self.visit(node.child)
        return Verdict(node.source, not inner.passed, inner.reason, (inner,))

    def visit_keywords(self, node: BoundKeywords) -> Verdict:
        missing = [w for w in node.words if w not in self._record.words]
        if missing:
            return self._leaf(node, f"profile lacks {', '.join(repr(w) for w in missing)}")
        return self._leaf(node, f"profile contains {', '.join(repr(w) for w in node.words)}")

    def visit_tag(self, node: BoundTag) -> Verdict:
        label = node.tag.label
        passed = self._passes(node)
        return Verdict(
            node.source, passed, f"tagged {label!r}" if passed else f"not tagged {label!r}"
        )

    def visit_language(self, node: BoundLanguage) -> Verdict:
        spoken = ", ".join(sorted(self._candidate.languages)) or "none recorded"
        return self._leaf(node, f"speaks {spoken}")

    def visit_field(self, node: BoundField) -> Verdict:
        value = self._candidate.field(node.name)
        reason = f"has no {node.name}" if value is None else f"{node.name} is {value!r}"
        return self._leaf(node, reason)

    def visit_exclude_in_selection_process(self, node: BoundInSelectionProcess) -> Verdict:
        app = active_elsewhere(self._apps, node)
        if app is None:
            return self._leaf(node, "no active submission on another requisition")
        if not self._names:
            return self._leaf(node, f"in a selection process {_ELSEWHERE}")
        sub = app.submission
        where = f" at step {sub.step!r}" if sub.step else ""
        return self._leaf(
            node, f"in a selection process {self._on(app)}{where} ({sub.status.value})"
        )

    def visit_profile_language_matches_requisition(self, node: BoundProfileLanguage) -> Verdict:
        mine = self._candidate.profile_language or "not set"
        return self._leaf(node, f"profile language {mine}; requisition language {node.language}")

    def visit_exclude_expired_submissions(self, node: BoundUnexpired) -> Verdict:
        app = unexpired_elsewhere(self._apps, node)
        if app is not None:
            return self._leaf(node, f"unexpired submission {self._on(app)}")
        if not self._record.elsewhere(node.elsewhere):
            return self._leaf(node, "no submission on another requisition")
        return self._leaf(node, "every submission on another requisition has expired")

    def _window(self, node: BoundRejectedWithin | BoundHiredWithin) -> Verdict:
        app = latest_with_status(self._apps, node)
        verb = node.status.value
        if app is None:
            return self._leaf(node, f"never {verb}")
        if not self._names:
            inside = not self._passes(node)
            return self._leaf(
                node,
                f"{'' if inside else 'not '}{verb} {_ELSEWHERE} in the last {node.days} days",
            )
        when = _when(app.submission.status_changed_at, node.now)
        return self._leaf(node, f"{verb} {self._on(app)} {when}; window is {node.days} days")

    visit_exclude_rejected_within = _window
    visit_exclude_hired_within = _window

    def visit_radius(self, node: BoundRadius) -> Verdict:
        d = residence_distance_km(self._candidate, node.centre)
        if d is None:
            return self._leaf(node, "no known residence")
        unit, radius = node.source.unit, node.source.distance
        away = unit.from_km(d)
        return self._leaf(
            node, f"lives {away:.1f} {unit.value} from the job; radius is {radius:g} {unit.value}"
        )

    def visit_structure(self, node: BoundStructure) -> Verdict:
        app = structure_match(self._apps, node)
        if app is not None:
            return self._leaf(node, f"applied {self._on(app)}, inside the selected structure")
        suffix = "" if node.include_expired else " (expired submissions do not count)"
        return self._leaf(
            node, f"no submission on another requisition inside the selected structure{suffix}"
        )

    def visit_consent_valid(self, node: BoundConsent) -> Verdict:
        consent, now = self._candidate.consent, node.now
        if consent is None:
            return self._leaf(node, "no data-processing consent recorded")
        if consent.withdrawn_at is not None and utc(consent.withdrawn_at) <= utc(now):
            return self._leaf(node, f"consent withdrawn {_when(consent.withdrawn_at, now)}")
        if consent.expires_at is not None and utc(consent.expires_at) <= utc(now):
            return self._leaf(node, f"consent expired {_when(consent.expires_at, now)}")
        until = (
            "" if consent.expires_at is None else f" until {consent.expires_at.date().isoformat()}"
        )
        return self._leaf(node, f"consent valid{until}")

    def visit_universe(self, node: BoundUniverse) -> Verdict:
        passed, reason = universe_evidence(self._record, node)
        return Verdict(None, passed, reason)

    def visit_owned_by(self, node: BoundOwnedBy) -> Verdict:
        passed = self._passes(node)
        return Verdict(None, passed, f"{'owned' if passed else 'not owned'} by {node.user_id}")

    def visit_tracked(self, node: BoundTracked) -> Verdict:
        passed = self._passes(node)
        return Verdict(None, passed, "in a micro-pool" if passed else "in no micro-pool")


def explain(
    criterion: Criterion,
    record: CandidateRecord,
    ctx: EvaluationContext,
    *,
    names_others: bool = True,
) -> Verdict:
    """Return the verdict on *criterion* for the candidate, with reasons (EN3).

    With ``names_others=False`` no reason names another requisition, its status or
    its dates (AP11): what a viewer without the permission to see other
    applications reads.
    """
    return Explainer(record, names_others=names_others).visit(bind(criterion, ctx))


def in_universe(record: CandidateRecord, requisition: Requisition) -> Verdict:
    """Return whether the candidate is considered for *requisition*'s pool at all (AP5)."""
    return Explainer(record).visit(universe(requisition))
