"""Ports (ST1): the protocols through which the core reads and writes.

The core never imports storage code. A host implements these protocols over its
own database, or uses a reference adapter (:mod:`talentpool.adapters.memory`).
Each ``get`` raises :class:`~talentpool.errors.NotFoundError` for an unknown
id; each ``save`` inserts or replaces.

Every read a service makes is one call that a store answers whole: a pool
(:meth:`CandidateRepository.find`, a :class:`~talentpool.queries.CandidateQuery`
with the criteria, the requisition, the instant, the order and the page), the
candidate database as a viewer sees it (:meth:`CandidateRepository.search`),
ids alone for dry runs, folder counts, idle submissions for repooling and the
trackers of a set of tags. A database adapter compiles each into one statement
and the in-memory reference answers from its indexes; each binds the query with
:meth:`~talentpool.queries.CandidateQuery.bound` first, so they agree (EN4). The
services never iterate a whole repository, so a page costs the same number of
calls whatever the size of the database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from talentpool.criteria import QuickFilter
from talentpool.events import EventLog
from talentpool.ids import (
    CandidateId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.model import (
    AccountSettings,
    Application,
    Attachment,
    Candidate,
    CandidateRecord,
    Dimension,
    RepoolingRule,
    Requisition,
    RequisitionTemplate,
    Share,
    StructureTree,
    Submission,
    Subscription,
    Tag,
    User,
)
from talentpool.notifications import Notification, NotificationSettings
from talentpool.queries import (
    CandidateDatabaseQuery,
    CandidatePage,
    CandidateQuery,
    ListingPage,
    ResponsesPage,
    ResponsesQuery,
)

__all__ = [
    "AttachmentRepository",
    "CandidateDatabaseQuery",
    "CandidatePage",
    "CandidateQuery",
    "CandidateRepository",
    "IdGenerator",
    "ListingPage",
    "NotificationRepository",
    "NotificationSettingsRepository",
    "QuickFilterRepository",
    "RepoolingRuleRepository",
    "RequisitionRepository",
    "ResponsesPage",
    "ResponsesQuery",
    "SettingsRepository",
    "StructureRepository",
    "SubmissionRepository",
    "SubscriptionRepository",
    "TemplateRepository",
    "UnitOfWork",
    "UserRepository",
    "VisibilityIndex",
]


class CandidateRepository(Protocol):
    """**Protocol:** candidates, and the pool query pushed down whole."""

    def get(self, candidate_id: CandidateId) -> Candidate:
        """Return the candidate, or raise ``NotFoundError``."""
        ...

    def save(self, candidate: Candidate) -> None:
        """Insert or replace the candidate."""
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

    def search(self, query: CandidateDatabaseQuery) -> ListingPage:
        """Answer a candidate-database query: the ordered page and the exact total (MP5, MP6)."""
        ...

    def search_ids(self, query: CandidateDatabaseQuery) -> frozenset[CandidateId]:
        """Return the ids of every candidate the listing holds, whatever its page (EN5)."""
        ...

    def __iter__(self) -> Iterator[Candidate]:
        """Iterate over every candidate, in id order."""
        ...


class SubmissionRepository(Protocol):
    """**Protocol:** submissions (responses)."""

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

    def responses(self, query: ResponsesQuery) -> ResponsesPage:
        """Answer the "Candidates on positions" view: a page of responses and the total (MP3)."""
        ...

    def idle(self, before: datetime) -> Sequence[Application]:
        """Return the open submissions whose last activity is before *before* (AP12).

        Open means new or in process; each comes with its requisition, in
        submission id order.
        """
        ...

    def __iter__(self) -> Iterator[Submission]:
        """Iterate over every submission, in id order."""
        ...


class RequisitionRepository(Protocol):
    """**Protocol:** requisitions."""

    def get(self, requisition_id: RequisitionId) -> Requisition:
        """Return the requisition, or raise ``NotFoundError``."""
        ...

    def save(self, requisition: Requisition) -> None:
        """Insert or replace the requisition."""
        ...

    def __iter__(self) -> Iterator[Requisition]:
        """Iterate over every requisition, in id order."""
        ...


class TemplateRepository(Protocol):
    """**Protocol:** requisition templates."""

    def get(self, template_id: TemplateId) -> RequisitionTemplate:
        """Return the template, or raise ``NotFoundError``."""
        ...

    def save(self, template: RequisitionTemplate) -> None:
        """Insert or replace the template."""
        ...


class UserRepository(Protocol):
    """**Protocol:** users."""

    def get(self, user_id: UserId) -> User:
        """Return the user, or raise ``NotFoundError``."""
        ...

    def save(self, user: User) -> None:
        """Insert or replace the user."""
        ...

    def __iter__(self) -> Iterator[User]:
        """Iterate over every user, in id order."""
        ...


class StructureRepository(Protocol):
    """**Protocol:** the organization, location and job-field trees."""

    def tree(self, dimension: Dimension) -> StructureTree | None:
        """Return the tree of *dimension*, or ``None`` if the account has none."""
        ...

    def trees(self) -> Mapping[Dimension, StructureTree]:
        """Return every saved tree, by dimension: what bind expands selections over."""
        ...

    def save(self, tree: StructureTree) -> None:
        """Insert or replace the tree of ``tree.dimension``."""
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


class SettingsRepository(Protocol):
    """**Protocol:** the account's settings."""

    def get(self) -> AccountSettings:
        """Return the settings (defaults when never saved)."""
        ...

    def save(self, settings: AccountSettings) -> None:
        """Replace the settings."""
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


class AttachmentRepository(Protocol):
    """**Protocol:** candidates' attachments."""

    def save(self, attachment: Attachment) -> None:
        """Insert or replace the attachment."""
        ...

    def for_candidate(self, candidate_id: CandidateId) -> Sequence[Attachment]:
        """Return the candidate's attachments, oldest first."""
        ...


class SubscriptionRepository(Protocol):
    """**Protocol:** tag tracking, which user tracks which tag (MP1).

    A subscription is identified by its user and its tag's key, so ``"Praha"``
    and ``"praha"`` are one subscription.
    """

    def get(self, user_id: UserId, tag: Tag) -> Subscription:
        """Return the user's subscription to *tag*, or raise ``NotFoundError``."""
        ...

    def save(self, subscription: Subscription) -> None:
        """Insert or replace the subscription of its user to its tag."""
        ...

    def remove(self, user_id: UserId, tag: Tag) -> None:
        """Remove the user's subscription to *tag*, or raise ``NotFoundError``."""
        ...

    def for_user(self, user_id: UserId) -> Sequence[Subscription]:
        """Return the user's subscriptions, by tag key."""
        ...

    def tracked(self, user_id: UserId) -> Mapping[str, Tag]:
        """Return the tags the user tracks, by tag key: read on every visibility decision."""
        ...

    def trackers(self, tag: Tag) -> Collection[UserId]:
        """Return the users who track *tag*."""
        ...

    def trackers_of(self, tags: Collection[Tag]) -> Mapping[UserId, Sequence[Tag]]:
        """Return who tracks any of *tags*, each with those tags as they track them (MP7).

        The tags of each user come by key; one call, whatever the number of users.
        """
        ...

    def __iter__(self) -> Iterator[Subscription]:
        """Iterate over every subscription, by user id and tag key."""
        ...


class VisibilityIndex(Protocol):
    """**Protocol:** the indexed reads visibility is decided from (MP2, MP4, PF3).

    Everything here is derived from the candidates, submissions and requisitions
    as they are now, and the adapter keeps it current on every write (a host
    answers it with indexed queries over its own tables): never a copy that
    could go stale.
    """

    def shares(self, user_id: UserId, candidate_id: CandidateId) -> Collection[Share]:
        """Return why the user owns the candidate through positions and responses.

        That is every position the candidate is registered on that the user owns
        or that is shared with them, and every response of the candidate shared
        with them; empty if none. The user's role is not consulted here.
        """
        ...

    def owned(self, user_id: UserId) -> Collection[CandidateId]:
        """Return the candidates for whom :meth:`shares` is not empty."""
        ...

    def tagged(self, tag: Tag) -> Collection[CandidateId]:
        """Return the candidates carrying *tag* (compared by key)."""
        ...

    def tag_counts(self, tags: Collection[Tag]) -> Mapping[str, int]:
        """Return how many candidates carry each of *tags*, by tag key (MP5)."""
        ...


class NotificationSettingsRepository(Protocol):
    """**Protocol:** users' notification-centre settings (MP8)."""

    def get(self, user_id: UserId) -> NotificationSettings:
        """Return the user's settings; the defaults when they never changed one."""
        ...

    def save(self, settings: NotificationSettings) -> None:
        """Replace the settings of ``settings.user_id``."""
        ...


class NotificationRepository(Protocol):
    """**Protocol:** notifications raised, what the in-app bell lists (MP7)."""

    def save(self, notification: Notification) -> None:
        """Insert or replace the notification."""
        ...

    def for_user(self, user_id: UserId) -> Sequence[Notification]:
        """Return the user's notifications, oldest first."""
        ...

    def __iter__(self) -> Iterator[Notification]:
        """Iterate over every notification, oldest first."""
        ...


class IdGenerator(Protocol):
    """**Protocol:** where new ids come from."""

    def new_id(self, kind: str) -> str:
        """Return a fresh id for an entity of *kind* (such as ``"submission"``)."""
        ...


class UnitOfWork(Protocol):
    """**Protocol:** the repositories, and a boundary around the writes of one action.

    Used as a context manager: writes made inside ``with uow:`` take effect when
    :meth:`commit` is called and are undone if the block ends without it.

    The services read inside ``with uow:`` too, so a read sees one consistent
    state and never another action's uncommitted writes (for a database, one
    transaction); a block that writes nothing and ends without a commit undoes
    nothing. A ``with`` block entered inside another joins the outer one.
    """

    @property
    def candidates(self) -> CandidateRepository:
        """The candidates."""
        ...

    @property
    def submissions(self) -> SubmissionRepository:
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
    def subscriptions(self) -> SubscriptionRepository:
        """Tag tracking (MP1)."""
        ...

    @property
    def visibility(self) -> VisibilityIndex:
        """The indexed reads visibility is decided from (MP2)."""
        ...

    @property
    def notification_settings(self) -> NotificationSettingsRepository:
        """Users' notification-centre settings (MP8)."""
        ...

    @property
    def notifications(self) -> NotificationRepository:
        """Notifications raised (MP7)."""
        ...

    @property
    def events(self) -> EventLog:
        """The audit trail."""
        ...

    def __enter__(self) -> Self:
        """Begin an action."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End the action, undoing every write not committed."""
        ...

    def commit(self) -> None:
        """Make the action's writes permanent."""
        ...

    def rollback(self) -> None:
        """Undo the action's writes."""
        ...
