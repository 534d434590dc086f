"""The ports micro-pools and visibility read and write (MP1–MP11, ST1).

A host that uses only micro-pools implements :class:`MicroPoolStore`: candidates
with the candidate-database query, the "Candidates on positions" query, tag
tracking, the visibility index, notification settings, the bell and the digest
queue.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from talentpool.events import EventLog
from talentpool.ids import CandidateId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    Candidate,
    CandidateRecord,
    Requisition,
    Share,
    Submission,
    Subscription,
    Tag,
)
from talentpool.notifications import (
    DigestEntry,
    Notification,
    NotificationChannel,
    NotificationSettings,
)
from talentpool.ports.common import (
    AttachmentRepository,
    RequisitionReader,
    SettingsRepository,
    Transaction,
    UserRepository,
)
from talentpool.queries import CandidateDatabaseQuery, ListingPage, ResponsesPage, ResponsesQuery

__all__ = [
    "DatabaseCandidates",
    "DigestQueue",
    "MicroPoolStore",
    "NotificationRepository",
    "NotificationSettingsRepository",
    "ResponseRepository",
    "ShareRepository",
    "SubscriptionRepository",
    "VisibilityIndex",
]


class DatabaseCandidates(Protocol):
    """**Protocol:** candidates as the candidate database shows them, and tagging (MP5–MP7)."""

    def get(self, candidate_id: CandidateId) -> Candidate:
        """Return the candidate, or raise ``NotFoundError``."""
        ...

    def save(self, candidate: Candidate) -> None:
        """Insert or replace the candidate (a new one, or new tags)."""
        ...

    def record(self, candidate_id: CandidateId) -> CandidateRecord:
        """Return the candidate with every submission and its requisition."""
        ...

    def search(self, query: CandidateDatabaseQuery) -> ListingPage:
        """Answer a candidate-database query: the ordered page and the exact total (MP5, MP6)."""
        ...

    def search_ids(self, query: CandidateDatabaseQuery) -> frozenset[CandidateId]:
        """Return the ids of every candidate the listing holds, whatever its page (EN5)."""
        ...


class ResponseRepository(Protocol):
    """**Protocol:** the responses of the candidates a viewer owns (MP3)."""

    def responses(self, query: ResponsesQuery) -> ResponsesPage:
        """Answer the "Candidates on positions" view: a page of responses and the total."""
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


class ShareRepository(Protocol):
    """**Protocol:** "share with colleague" and position shares, the writes MP11 makes.

    A response's and a position's shares are otherwise the host's data (the sync
    API upserts them); :class:`~talentpool.visibility.ColleagueShares` changes them
    through this port, after its permission check and with its audit event, and
    the adapter keeps the :class:`VisibilityIndex` current in the same unit of work.
    """

    def response(self, submission_id: SubmissionId) -> Submission:
        """Return the response (submission), or raise ``NotFoundError``."""
        ...

    def share_response(
        self, submission_id: SubmissionId, user_id: UserId, *, shared: bool
    ) -> Submission:
        """Add *user_id* to the response's shares, or remove them; return it as saved.

        Raises ``NotFoundError`` for an unknown response. Adding a user who is there,
        or removing one who is not, writes nothing.
        """
        ...

    def share_position(
        self, requisition_id: RequisitionId, user_id: UserId, *, shared: bool
    ) -> Requisition:
        """Add *user_id* to the position's shares, or remove them; return it as saved.

        Raises ``NotFoundError`` for an unknown requisition; otherwise as
        :meth:`share_response`.
        """
        ...

    def registered(self, requisition_id: RequisitionId) -> Sequence[CandidateId]:
        """Return the candidates with a submission on the requisition, each once, by id."""
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


class DigestQueue(Protocol):
    """**Protocol:** notifications waiting for a digest, per user and channel (MP10).

    An entry is claimed by one digest job before it is sent, so two jobs never
    send it twice: claiming takes only entries nobody holds (or whose claim is
    older than *stale_before*: a job that died mid-send), inside the caller's
    unit of work, and the store makes two units claiming the same entry at once
    fail but one (the loser gets ``StoreBusyError``, or finds nothing to claim).
    """

    def add(self, entries: Sequence[DigestEntry]) -> None:
        """Queue *entries*; one already queued for its notification and channel is replaced."""
        ...

    def due(
        self, now: datetime, stale_before: datetime
    ) -> Sequence[tuple[UserId, NotificationChannel]]:
        """Return each user and channel with a claimable entry due by *now*, by user and channel."""
        ...

    def claim(
        self,
        user_id: UserId,
        channel: NotificationChannel,
        claim_id: str,
        now: datetime,
        stale_before: datetime,
    ) -> Sequence[Notification]:
        """Claim the user's due, claimable entries on *channel* for *claim_id*.

        Returns their notifications, oldest first (ties in the order saved); empty
        when another job holds them all.
        """
        ...

    def release(self, claim_id: str) -> None:
        """Put the entries of *claim_id* back in the queue: its digest failed."""
        ...

    def sent(self, claim_id: str) -> None:
        """Remove the entries of *claim_id*: its digest went out."""
        ...

    def waiting(self, user_id: UserId) -> Sequence[DigestEntry]:
        """Return the user's queued entries, by due time, channel and notification order."""
        ...


class MicroPoolStore(Transaction, Protocol):
    """**Protocol:** everything micro-pools and visibility read and write, in one transaction.

    :class:`~talentpool.visibility.Visibility` and :class:`~talentpool.micropools.MicroPools`
    need only this.
    """

    @property
    def candidates(self) -> DatabaseCandidates:
        """The candidates, and the candidate-database query."""
        ...

    @property
    def submissions(self) -> ResponseRepository:
        """The responses, for the "Candidates on positions" view."""
        ...

    @property
    def requisitions(self) -> RequisitionReader:
        """The requisitions, for the titles a tag share may show."""
        ...

    @property
    def users(self) -> UserRepository:
        """The users."""
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
    def shares(self) -> ShareRepository:
        """Colleague shares of responses and positions (MP11)."""
        ...

    @property
    def digests(self) -> DigestQueue:
        """Notifications waiting for a digest (MP10)."""
        ...

    @property
    def events(self) -> EventLog:
        """The audit trail."""
        ...
