"""What a pool reports (AP7, AP11, AP13, AP15, EN3, EN5).

Results with the cap and the exact total, explanations, the funnel, dry runs, template
overrides and the candidate file: values only.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from talentpool.engine import (
    Verdict,
)
from talentpool.ids import CandidateId, QuickFilterId, RequisitionId, TemplateId, UserId
from talentpool.model import (
    Attachment,
    Candidate,
    SubmissionStatus,
)
from talentpool.results import Ordering, PoolRow
from talentpool.validators import aware

__all__ = [
    "ApplicationSummary",
    "CandidateFile",
    "DryRun",
    "Explanation",
    "Funnel",
    "FunnelStage",
    "PoolResults",
    "TemplateOverrides",
]

# --- results and reports ------------------------------------------------------------


@attrs.frozen
class PoolResults:
    """A pool as a manager sees it (AP7, AP15).

    Attributes:
        requisition_id: Whose pool.
        rows: At most :attr:`limit` candidates, in :attr:`order`.
        total: How many candidates matched in all: exact, however many are shown.
        limit: The most rows shown (300 unless asked for fewer).
        order: The order the rows are in.
        quick_filters: The quick filters applied before the cap.
        viewer_id: Who the rows are for; ``None`` for no one in particular.
        other_applications_shown: Whether the rows carry the dates of the candidates'
            submissions on other requisitions: only for a viewer with the permission
            to see other applications (AP11); otherwise those columns are ``None``,
            though the order they chose stays.
    """

    requisition_id: RequisitionId
    rows: tuple[PoolRow, ...]
    total: int
    limit: int
    order: Ordering
    quick_filters: tuple[QuickFilterId, ...] = ()
    viewer_id: UserId | None = None
    other_applications_shown: bool = False

    @property
    def truncated(self) -> bool:
        """Whether more candidates matched than are shown (AP15)."""
        return self.total > len(self.rows)

    @property
    def candidate_ids(self) -> tuple[CandidateId, ...]:
        """The ids of the rows, in order."""
        return tuple(r.candidate_id for r in self.rows)


@attrs.frozen
class Explanation:
    """Why a candidate is or is not in a requisition's pool (EN3).

    Attributes:
        candidate_id: The candidate.
        requisition_id: The requisition.
        universe: Whether the candidate is considered at all (AP5), and why.
        verdicts: One verdict per criterion, in the funnel's order.
        in_pool: Whether the candidate is in the pool.
        viewer_id: Who the explanation is for; ``None`` for no one in particular.
        other_applications_shown: Whether the reasons may name another requisition
            (title, status, dates): only for a viewer with the permission to see
            other applications (AP11); otherwise they read "on another requisition".
    """

    candidate_id: CandidateId
    requisition_id: RequisitionId
    universe: Verdict
    verdicts: tuple[Verdict, ...]
    in_pool: bool
    viewer_id: UserId | None = None
    other_applications_shown: bool = False

    @property
    def failed(self) -> tuple[Verdict, ...]:
        """The verdicts the candidate fails, universe first."""
        head = () if self.universe.passed else (self.universe,)
        return head + tuple(v for v in self.verdicts if not v.passed)

    def __str__(self) -> str:
        state = "in the pool" if self.in_pool else "not in the pool"
        lines = [f"candidate {self.candidate_id} for requisition {self.requisition_id}: {state}"]
        for v in (self.universe, *self.verdicts):
            lines.append(f"  {'pass' if v.passed else 'FAIL'}  {v.label}: {v.reason}")
        return "\n".join(lines)


@attrs.frozen
class FunnelStage:
    """One criterion of a funnel and what it did.

    Attributes:
        label: The criterion, described.
        removed: Candidates this criterion removed from those left by the ones before it.
        remaining: Candidates left after it.
    """

    label: str
    removed: int
    remaining: int


@attrs.frozen
class Funnel:
    """How many candidates each criterion removes, applied in order (EN3).

    Attributes:
        considered: Candidates in the universe (applied elsewhere, not on this requisition).
        stages: One stage per criterion.
        viewer_id: Who the funnel is for; ``None`` for no one in particular. A funnel
            counts candidates and describes criteria, so it names no other
            requisition for anyone (AP11).
    """

    considered: int
    stages: tuple[FunnelStage, ...]
    viewer_id: UserId | None = None

    @property
    def matched(self) -> int:
        """Candidates left after every criterion: the pool's total."""
        return self.stages[-1].remaining if self.stages else self.considered

    def __str__(self) -> str:
        width = max([len(s.label) for s in self.stages] + [len("applied elsewhere")])
        lines = [f"{'applied elsewhere':<{width}}  {self.considered:>7}"]
        for s in self.stages:
            lines.append(f"{s.label:<{width}}  {s.remaining:>7}  (-{s.removed})")
        return "\n".join(lines)


@attrs.frozen
class DryRun:
    """What saving new criteria would do to a pool (EN5).

    Attributes:
        joining: Candidates who would enter the pool, by id.
        leaving: Candidates who would leave it, by id.
        total_before: The pool's total now.
        total_after: The pool's total with the new criteria.
    """

    joining: tuple[CandidateId, ...]
    leaving: tuple[CandidateId, ...]
    total_before: int
    total_after: int


@attrs.frozen
class TemplateOverrides:
    """Which of a requisition's criteria differ from its template's (AP13).

    Attributes:
        requisition_id: The requisition.
        template_id: Its template, if it has one.
        fields: Names of the :class:`~talentpool.criteria.AutopoolCriteria` fields that differ.
    """

    requisition_id: RequisitionId
    template_id: TemplateId | None
    fields: tuple[str, ...]

    @property
    def overridden(self) -> bool:
        """Whether anything differs."""
        return bool(self.fields)


@attrs.frozen
class ApplicationSummary:
    """One of the candidate's other applications, as the candidate file lists it.

    Attributes:
        requisition_id: The requisition applied to.
        title: Its title.
        status: Where the submission stands.
        submitted_at: When.
    """

    requisition_id: RequisitionId
    title: str
    status: SubmissionStatus
    submitted_at: datetime = attrs.field(validator=aware)


@attrs.frozen
class CandidateFile:
    """The candidate file opened from pool results (AP11).

    Attributes:
        candidate: The candidate's profile.
        attachments: Their attachments.
        other_applications: Their other applications, or ``None`` when the viewer
            lacks the permission to see them: the data is then absent, not hidden.
    """

    candidate: Candidate
    attachments: tuple[Attachment, ...]
    other_applications: tuple[ApplicationSummary, ...] | None
