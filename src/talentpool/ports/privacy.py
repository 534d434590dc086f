"""The port erasure writes through (DM6).

A host that erases candidates implements :class:`ErasureStore`: the users (to
check the administrator), the candidates (to find the one to erase), the audit
trail (to pseudonymise it) and a
:class:`CandidateEraser`, which knows every table of the store that holds
something of a candidate.
"""

from __future__ import annotations

from typing import Protocol

import attrs

from talentpool.events import EventLog
from talentpool.ids import CandidateId
from talentpool.model import Candidate
from talentpool.ports.common import Transaction, UserRepository

__all__ = ["CandidateEraser", "CandidateReader", "ErasedRows", "ErasureStore"]


class CandidateReader(Protocol):
    """**Protocol:** reads one candidate."""

    def get(self, candidate_id: CandidateId) -> Candidate:
        """Return the candidate, or raise ``NotFoundError``."""
        ...


@attrs.frozen
class ErasedRows:
    """What a store removed of one candidate (DM6).

    Attributes:
        found: Whether the candidate was stored at all; ``False`` means nothing
            was removed (erased before, or never there).
        submissions: Their submissions removed, with the shares they carried.
        attachments: Their attachments removed.
        notifications: Notifications about them removed from every bell, with
            whatever of them waited for a digest.
        pool_exclusions: Requisitions whose pool exclusions named them.
    """

    found: bool = False
    submissions: int = 0
    attachments: int = 0
    notifications: int = 0
    pool_exclusions: int = 0


class CandidateEraser(Protocol):
    """**Protocol:** removes one candidate from everything the store holds (DM6)."""

    def erase(self, candidate_id: CandidateId) -> ErasedRows:
        """Remove the candidate and every row about them, inside the caller's unit of work.

        That is the candidate (tags, languages, fields, full-text entries and every
        index entry), their submissions and attachments, the notifications about
        them and their digest entries, and their id from every requisition's pool
        exclusions. A candidate the store does not hold is no error: nothing is
        removed and ``found`` is ``False``. The audit trail is not touched here.
        """
        ...


class ErasureStore(Transaction, Protocol):
    """**Protocol:** everything :class:`~talentpool.erasure.Erasure` reads and writes."""

    @property
    def users(self) -> UserRepository:
        """The users, to check the administrator."""
        ...

    @property
    def candidates(self) -> CandidateReader:
        """The candidates, to find the one to erase and their name."""
        ...

    @property
    def erasure(self) -> CandidateEraser:
        """Removes a candidate's rows."""
        ...

    @property
    def events(self) -> EventLog:
        """The audit trail, pseudonymised."""
        ...
