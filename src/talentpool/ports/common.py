"""The ports every feature shares: the transaction, users, settings, attachments, ids.

Users, attachments and requisitions are the host's own data: the library only
reads them here (a host keeps them current through its own writes, or through
the SQL store's sync API). Writes a test needs to set up an account live in
:mod:`talentpool.testing.fixtures`, not in the ports.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, Self

from talentpool.events import EventLog
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import AccountSettings, Attachment, Requisition, User

__all__ = [
    "AttachmentRepository",
    "EventLog",
    "IdGenerator",
    "RequisitionReader",
    "SettingsRepository",
    "Transaction",
    "UserRepository",
]


class Transaction(Protocol):
    """**Protocol:** a boundary around the reads and writes of one action.

    Used as a context manager: writes made inside ``with uow:`` take effect when
    :meth:`commit` is called and are undone if the block ends without it.

    The services read inside ``with uow:`` too, so a read sees one consistent
    state and never another action's uncommitted writes (for a database, one
    transaction); a block that writes nothing and ends without a commit undoes
    nothing. A ``with`` block entered inside another joins the outer one.
    """

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


class UserRepository(Protocol):
    """**Protocol:** the host's users, read-only."""

    def get(self, user_id: UserId) -> User:
        """Return the user, or raise ``NotFoundError``."""
        ...


class SettingsRepository(Protocol):
    """**Protocol:** the account's settings."""

    def get(self) -> AccountSettings:
        """Return the settings (defaults when never saved)."""
        ...

    def save(self, settings: AccountSettings) -> None:
        """Replace the settings."""
        ...


class AttachmentRepository(Protocol):
    """**Protocol:** the host's attachments of candidates, read-only."""

    def for_candidate(self, candidate_id: CandidateId) -> Sequence[Attachment]:
        """Return the candidate's attachments, oldest first."""
        ...


class RequisitionReader(Protocol):
    """**Protocol:** the host's requisitions, read-only."""

    def get(self, requisition_id: RequisitionId) -> Requisition:
        """Return the requisition, or raise ``NotFoundError``."""
        ...


class IdGenerator(Protocol):
    """**Protocol:** where new ids come from."""

    def new_id(self, kind: str) -> str:
        """Return a fresh id for an entity of *kind* (such as ``"submission"``)."""
        ...
