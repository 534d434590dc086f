"""The port pool alerts read and write (AP16).

A host that offers pool alerts implements :class:`PoolAlertRepository`
(``uow.alerts``): who watches which requisition's autopool, the members each
watched pool has already announced, and the commit check through which every
write that changes a candidate reaches the alerts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import attrs

from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import Requisition
from talentpool.validators import aware

__all__ = [
    "AfterCommit",
    "CommitCheck",
    "PoolAlertRepository",
    "PoolWatch",
    "WatchedPool",
    "judge",
]

AfterCommit = Callable[[], None]
"""What a commit check leaves to run once the unit of work committed (the deliveries)."""

CommitCheck = Callable[[Any, frozenset[CandidateId]], AfterCommit | None]
"""Called by the store inside a unit of work, just before its outermost commit, with that
unit of work (a :class:`~talentpool.ports.UnitOfWork`; any unit of work over the same
store and account, a host's sync included) and the candidates it wrote (their rows,
tags, residence or submissions)."""


def judge(check: CommitCheck | None, uow: Any, written: Iterable[str]) -> AfterCommit | None:
    """Run *check* over the candidates *uow* wrote, if there is a check and any were written.

    What each store calls as a unit of work commits (and the in-memory store for a
    write outside one); it returns what to run once the write is kept.
    """
    if check is None:
        return None
    touched = frozenset(CandidateId(c) for c in written)
    return check(uow, touched) if touched else None


@attrs.frozen
class PoolWatch:
    """One user watching one requisition's autopool (AP16).

    Attributes:
        user_id: Who watches.
        requisition_id: Whose pool.
        since: When they began.
    """

    user_id: UserId
    requisition_id: RequisitionId
    since: datetime = attrs.field(validator=aware)


@attrs.frozen
class WatchedPool:
    """A requisition's autopool that somebody watches, and what its members were taken with.

    Attributes:
        requisition: The requisition, as stored now.
        watchers: Who watches it, by id; at least one.
        criteria_key: The criteria its announced members were computed with
            (:func:`talentpool.autopool.alerts.criteria_key`); other criteria
            mean the members are taken again, silently.
    """

    requisition: Requisition
    watchers: tuple[UserId, ...]
    criteria_key: str


class PoolAlertRepository(Protocol):
    """**Protocol:** watches, announced members and the commit check (AP16).

    The announced members of a watched pool are the candidates already in it as
    far as alerts know: taken whole when the first user starts watching, then
    kept current by each write's check and the sweep. A candidate enters them
    (announced, or silently), and leaves them when they leave the pool. A member
    who was announced and left keeps a row with when they were last announced,
    so that a re-entry within a watcher's digest period is not announced again;
    such rows are no members (:meth:`members` leaves them out).
    """

    def watch(self, watch: PoolWatch) -> bool:
        """Record *watch*; return ``False`` (changing nothing) if the user already watches."""
        ...

    def unwatch(self, user_id: UserId, requisition_id: RequisitionId) -> bool:
        """Stop the user watching; return whether they did."""
        ...

    def watching(self, user_id: UserId) -> Sequence[PoolWatch]:
        """Return the user's watches, by requisition id."""
        ...

    def watched(self) -> Sequence[WatchedPool]:
        """Return every watched pool with its requisition and watchers, by requisition id.

        One call, whatever the number of pools: every write's check reads it. A
        pool whose requisition is no longer stored is left out.
        """
        ...

    def members(
        self, requisition_id: RequisitionId, among: Collection[CandidateId] | None = None
    ) -> frozenset[CandidateId]:
        """Return the pool's announced members, only those *among* when given.

        A candidate who left the pool is no member, whenever they were announced.
        """
        ...

    def members_among(
        self, candidate_ids: Collection[CandidateId]
    ) -> Mapping[RequisitionId, frozenset[CandidateId]]:
        """Return, for every watched pool holding any of *candidate_ids*, those it holds."""
        ...

    def last_announced(
        self, candidate_ids: Collection[CandidateId]
    ) -> Mapping[RequisitionId, Mapping[CandidateId, datetime]]:
        """Return when each of *candidate_ids* was last announced, per watched pool.

        Members and those who left alike; a candidate never announced in a pool
        (taken silently) is not listed for it.
        """
        ...

    def enter(
        self,
        requisition_id: RequisitionId,
        candidate_ids: Collection[CandidateId],
        at: datetime,
        *,
        announced: bool,
    ) -> None:
        """Make *candidate_ids* members of the pool from *at* (those already members stay).

        With *announced*, *at* becomes when they were last announced there;
        without, an earlier announcement's time is kept (a silent re-entry).
        """
        ...

    def leave(
        self, requisition_id: RequisitionId, candidate_ids: Collection[CandidateId], at: datetime
    ) -> None:
        """Take *candidate_ids* out of the pool's members, as of *at*.

        One who was announced keeps a row with when; one never announced is forgotten.
        """
        ...

    def reset(
        self,
        requisition_id: RequisitionId,
        criteria_key: str,
        members: Collection[CandidateId],
        at: datetime,
    ) -> None:
        """Make *members* the pool's members, silently; record the criteria they were taken with.

        Members not among *members* leave as :meth:`leave` says; when each
        candidate was last announced is kept.
        """
        ...

    def prune(self, before: datetime) -> int:
        """Forget those who left a pool after being announced last before *before*; return how many.

        Past every digest period, such a row changes nothing: a re-entry is announced.
        """
        ...

    def forget(self, requisition_id: RequisitionId) -> None:
        """Drop the pool's members and what it announced: nobody watches it any more."""
        ...

    def set_commit_check(self, check: CommitCheck | None) -> None:
        """Make *check* run before each outermost commit that wrote candidates (``None``: none).

        The store collects the candidates a unit of work writes and, if there are
        any, calls *check* with the unit of work and them inside it, then commits,
        then runs what *check* returned. The check holds for every unit of work
        over the same store and account, not only this one. A write made outside
        any unit of work takes effect at once and is judged at once, as if it were
        a unit of work of its own.
        """
        ...
