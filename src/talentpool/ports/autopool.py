"""The ports automatic candidate pooling reads and writes (AP1–AP16, ST1).

A host that uses only automatic candidate pooling implements :class:`AutopoolStore`:
the pool query and ids for dry runs, submissions with the AP9 guard and the
idle ones for repooling, the library's own writes to requisitions (criteria,
pool exclusions, opening one from a template), templates, structure trees,
quick filters and repooling rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from talentpool.criteria import AutopoolCriteria, QuickFilter
from talentpool.events import EventLog
from talentpool.ids import (
    CandidateId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    TemplateId,
)
from talentpool.model import (
    Application,
    Candidate,
    CandidateRecord,
    Dimension,
    RepoolingRule,
    Requisition,
    RequisitionTemplate,
    StructureTree,
    Submission,
)
from talentpool.ports.common import (
    AttachmentRepository,
    RequisitionReader,
    SettingsRepository,
    Transaction,
    UserRepository,
)
from talentpool.queries import CandidatePage, CandidateQuery

__all__ = [
    "AutopoolStore",
    "PoolCandidates",
    "PoolSubmissions",
    "QuickFilterRepository",
    "RepoolingRuleRepository",
    "RequisitionRepository",
    "StructureRepository",
    "TemplateRepository",
]


class PoolCandidates(Protocol):
    """**Protocol:** candidates as pools read them: one record, or a whole pool query."""

    def get(self, candidate_id: CandidateId) -> Candidate:
        """Return the candidate, or raise ``NotFoundError``."""
        ...

    def record(self, candidate_id: CandidateId) -> CandidateRecord:
        """Return the candidate with every submission and its requisition."""
        ...

    def find(self, query: CandidateQuery) -> CandidatePage:
        """Answer a pool query: the ordered page and the exact total (AP7, AP15)."""
        ...

    def find_ids(self, query: CandidateQuery) -> frozenset[CandidateId]:
        """Return the ids of every candidate in the pool, whatever the query's page (EN5)."""
        ...


class PoolSubmissions(Protocol):
    """**Protocol:** submissions (responses) as pools, actions and repooling use them."""

    def get(self, submission_id: SubmissionId) -> Submission:
        """Return the submission, or raise ``NotFoundError``."""
        ...

    def save(self, submission: Submission) -> None:
        """Insert or replace the submission."""
        ...

    def add(self, submission: Submission) -> None:
        """Insert a new submission; raise ``ConflictError`` if it cannot be new (AP9).

        Refused, with nothing written, when a submission with its id exists or the
        candidate already has a submission on the requisition. This is the path
        matching takes: a database adapter backs it with a unique constraint on
        (candidate, requisition) and translates the integrity error into
        ``ConflictError``, so two managers matching at once insert one submission.
        """
        ...

    def for_candidate(self, candidate_id: CandidateId) -> Sequence[Submission]:
        """Return the candidate's submissions, oldest first."""
        ...

    def for_requisition(self, requisition_id: RequisitionId) -> Sequence[Submission]:
        """Return the requisition's submissions, oldest first."""
        ...

    def idle(self, before: datetime) -> Sequence[Application]:
        """Return the open submissions whose last activity is before *before* (AP12).

        Open means new or in process; each comes with its requisition, in
        submission id order. Exactly at *before* is not idle.
        """
        ...


class RequisitionRepository(RequisitionReader, Protocol):
    """**Protocol:** the host's requisitions, and the only writes the library makes to them.

    Everything else about a requisition (title, places, owner, shares) is the
    host's and read-only here.
    """

    def add(self, requisition: Requisition) -> None:
        """Insert a requisition opened from a template (AP3); ``ConflictError`` if the id exists."""
        ...

    def set_autopool(
        self, requisition_id: RequisitionId, criteria: AutopoolCriteria | None
    ) -> Requisition:
        """Replace the requisition's autopool criteria (AP2, AP4); return it as saved."""
        ...

    def exclude_from_pool(
        self, requisition_id: RequisitionId, candidate_id: CandidateId
    ) -> Requisition:
        """Add the candidate to the requisition's pool exclusions (AP10); return it as saved."""
        ...


class TemplateRepository(Protocol):
    """**Protocol:** requisition templates."""

    def get(self, template_id: TemplateId) -> RequisitionTemplate:
        """Return the template, or raise ``NotFoundError``."""
        ...

    def save(self, template: RequisitionTemplate) -> None:
        """Insert or replace the template."""
        ...


class StructureRepository(Protocol):
    """**Protocol:** the host's organization, location and job-field trees, read-only."""

    def tree(self, dimension: Dimension) -> StructureTree | None:
        """Return the tree of *dimension*, or ``None`` if the account has none."""
        ...

    def trees(self) -> Mapping[Dimension, StructureTree]:
        """Return every saved tree, by dimension: what bind expands selections over."""
        ...


class QuickFilterRepository(Protocol):
    """**Protocol:** the quick filters system administrators define (AP8)."""

    def get(self, filter_id: QuickFilterId) -> QuickFilter:
        """Return the quick filter, or raise ``NotFoundError``."""
        ...

    def save(self, quick_filter: QuickFilter) -> None:
        """Insert or replace the quick filter."""
        ...

    def remove(self, filter_id: QuickFilterId) -> None:
        """Remove the quick filter, or raise ``NotFoundError``."""
        ...

    def __iter__(self) -> Iterator[QuickFilter]:
        """Iterate over every quick filter, in name order."""
        ...


class RepoolingRuleRepository(Protocol):
    """**Protocol:** the repooling rules system administrators define (AP12)."""

    def get(self, rule_id: RepoolingRuleId) -> RepoolingRule:
        """Return the rule, or raise ``NotFoundError``."""
        ...

    def save(self, rule: RepoolingRule) -> None:
        """Insert or replace the rule."""
        ...

    def remove(self, rule_id: RepoolingRuleId) -> None:
        """Remove the rule, or raise ``NotFoundError``."""
        ...

    def __iter__(self) -> Iterator[RepoolingRule]:
        """Iterate over every rule, in id order."""
        ...


class AutopoolStore(Transaction, Protocol):
    """**Protocol:** everything automatic candidate pooling reads and writes, in one transaction.

    :class:`~talentpool.autopool.Autopooling`, :class:`~talentpool.actions.AutopoolActions`
    and :class:`~talentpool.repooling.Repooling` need only this.
    """

    @property
    def candidates(self) -> PoolCandidates:
        """The candidates, and the pool query."""
        ...

    @property
    def submissions(self) -> PoolSubmissions:
        """The submissions."""
        ...

    @property
    def requisitions(self) -> RequisitionRepository:
        """The requisitions."""
        ...

    @property
    def templates(self) -> TemplateRepository:
        """The requisition templates."""
        ...

    @property
    def users(self) -> UserRepository:
        """The users."""
        ...

    @property
    def structures(self) -> StructureRepository:
        """The structure trees."""
        ...

    @property
    def quick_filters(self) -> QuickFilterRepository:
        """The quick filters."""
        ...

    @property
    def settings(self) -> SettingsRepository:
        """The account settings."""
        ...

    @property
    def attachments(self) -> AttachmentRepository:
        """The attachments."""
        ...

    @property
    def repooling_rules(self) -> RepoolingRuleRepository:
        """The repooling rules (AP12)."""
        ...

    @property
    def events(self) -> EventLog:
        """The audit trail."""
        ...
