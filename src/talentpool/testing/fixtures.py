"""The writes a test makes to set up an account, which the ports leave out (ST4).

Users, structure trees, attachments and requisitions are the host's own data:
the ports only read them (:mod:`talentpool.ports`). To build an account for a
test, :class:`~talentpool.testing.World` and the contract suite write them too,
and read whole tables back to compare; :class:`FixtureStore` is the unit of
work they need for that: every port of :class:`~talentpool.ports.UnitOfWork`,
plus ``save`` for the host's data and iteration over each table. The in-memory
store is one; a host proves its own store by offering the same (for a database,
the sync API's upserts and plain ``SELECT``\\ s are enough).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from talentpool.model import (
    Attachment,
    Candidate,
    Requisition,
    StructureTree,
    Submission,
    Subscription,
    User,
)
from talentpool.notifications import Notification
from talentpool.ports import (
    AttachmentRepository,
    CandidateRepository,
    NotificationRepository,
    RequisitionRepository,
    StructureRepository,
    SubmissionRepository,
    SubscriptionRepository,
    UnitOfWork,
    UserRepository,
)

__all__ = [
    "FixtureAttachments",
    "FixtureCandidates",
    "FixtureNotifications",
    "FixtureRequisitions",
    "FixtureStore",
    "FixtureStructures",
    "FixtureSubmissions",
    "FixtureSubscriptions",
    "FixtureUsers",
]


class FixtureCandidates(CandidateRepository, Protocol):
    """**Protocol:** candidates, iterable for comparison."""

    def __iter__(self) -> Iterator[Candidate]:
        """Iterate over every candidate, in id order."""
        ...


class FixtureSubmissions(SubmissionRepository, Protocol):
    """**Protocol:** submissions, iterable for comparison."""

    def __iter__(self) -> Iterator[Submission]:
        """Iterate over every submission, in id order."""
        ...


class FixtureRequisitions(RequisitionRepository, Protocol):
    """**Protocol:** requisitions, writable and iterable for fixtures."""

    def save(self, requisition: Requisition) -> None:
        """Insert or replace the requisition, as the host's own write would."""
        ...

    def __iter__(self) -> Iterator[Requisition]:
        """Iterate over every requisition, in id order."""
        ...


class FixtureUsers(UserRepository, Protocol):
    """**Protocol:** users, writable and iterable for fixtures."""

    def save(self, user: User) -> None:
        """Insert or replace the user."""
        ...

    def __iter__(self) -> Iterator[User]:
        """Iterate over every user, in id order."""
        ...


class FixtureStructures(StructureRepository, Protocol):
    """**Protocol:** structure trees, writable for fixtures."""

    def save(self, tree: StructureTree) -> None:
        """Insert or replace the tree of ``tree.dimension``."""
        ...


class FixtureAttachments(AttachmentRepository, Protocol):
    """**Protocol:** attachments, writable for fixtures."""

    def save(self, attachment: Attachment) -> None:
        """Insert or replace the attachment."""
        ...


class FixtureSubscriptions(SubscriptionRepository, Protocol):
    """**Protocol:** tag tracking, iterable for comparison."""

    def __iter__(self) -> Iterator[Subscription]:
        """Iterate over every subscription, by user id and tag key."""
        ...


class FixtureNotifications(NotificationRepository, Protocol):
    """**Protocol:** notifications, iterable for comparison."""

    def __iter__(self) -> Iterator[Notification]:
        """Iterate over every notification, oldest first."""
        ...


class FixtureStore(UnitOfWork, Protocol):
    """**Protocol:** a unit of work a test can set an account up in and read back whole."""

    @property
    def candidates(self) -> FixtureCandidates:
        """The candidates."""
        ...

    @property
    def submissions(self) -> FixtureSubmissions:
        """The submissions."""
        ...

    @property
    def requisitions(self) -> FixtureRequisitions:
        """The requisitions."""
        ...

    @property
    def users(self) -> FixtureUsers:
        """The users."""
        ...

    @property
    def structures(self) -> FixtureStructures:
        """The structure trees."""
        ...

    @property
    def attachments(self) -> FixtureAttachments:
        """The attachments."""
        ...

    @property
    def subscriptions(self) -> FixtureSubscriptions:
        """Tag tracking."""
        ...

    @property
    def notifications(self) -> FixtureNotifications:
        """Notifications raised."""
        ...
