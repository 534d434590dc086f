"""Ports (ST1): the protocols through which the core reads and writes.

The core never imports storage code. A host implements these protocols over its
own database, or uses a reference adapter (:mod:`talentpool.adapters.memory`).
Each ``get`` raises :class:`~talentpool.errors.NotFoundError` for an unknown
id; each ``save`` inserts or replaces.

The candidate query port receives a whole :class:`CandidateQuery` (the criteria
tree, the requisition it is evaluated for, the instant, the order and the
limit) and returns a :class:`CandidatePage` with the exact total, so a database
adapter can compile the tree to one query and the in-memory reference can
answer from indexes, both without the core knowing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

import attrs

from talentpool.clock import require_aware
from talentpool.criteria import EVERYONE, Criterion, QuickFilter
from talentpool.errors import CriteriaError, DomainError
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
from talentpool.results import MAX_RESULTS, Ordering, PoolRow

__all__ = [
    "AttachmentRepository",
    "CandidatePage",
    "CandidateQuery",
    "CandidateRepository",
    "IdGenerator",
    "NotificationRepository",
    "NotificationSettingsRepository",
    "QuickFilterRepository",
    "RepoolingRuleRepository",
    "RequisitionRepository",
    "SettingsRepository",
    "StructureRepository",
    "SubmissionRepository",
    "SubscriptionRepository",
    "TemplateRepository",
    "UnitOfWork",
    "UserRepository",
    "VisibilityIndex",
]


def _limit(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise DomainError(attribute.name, value, "must be a whole number >= 0 or None")


def _offset(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise DomainError(attribute.name, value, "must be a whole number >= 0")


def _now(instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    require_aware(attribute.name, value)


def _criterion(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Criterion):
        raise CriteriaError(attribute.name, f"must be a criterion (got {value!r})")


def _order(instance: object, attribute: attrs.Attribute[Ordering], value: object) -> None:
    if not isinstance(value, Ordering):
        raise DomainError(attribute.name, value, "must be an Ordering")


@attrs.frozen
class CandidateQuery:
    """A whole pool query, handed to the repository in one piece.

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
    now: datetime = attrs.field(validator=_now)
    criterion: Criterion = attrs.field(default=EVERYONE, validator=_criterion)
    order: Ordering = attrs.field(factory=Ordering, validator=_order)
    limit: int | None = attrs.field(default=MAX_RESULTS, validator=_limit)
    offset: int = attrs.field(default=0, validator=_offset)


@attrs.frozen
class CandidatePage:
    """One page of a pool and the exact number of candidates that matched.

    Attributes:
        rows: The rows, in the query's order.
        total: How many candidates matched, however many rows were returned.
    """

    rows: tuple[PoolRow, ...]
    total: int


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
        """Answer a pool query: the ordered page and the exact total."""
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
