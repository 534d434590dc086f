"""Pool alerts in memory (AP16): watches, announced members, and the commit check."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from talentpool.clock import require_aware
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import Requisition
from talentpool.ports.alerts import CommitCheck, PoolWatch, WatchedPool

__all__ = ["AlertTables", "MemoryAlerts"]


class _Journal(Protocol):
    def record(self, step: Callable[[], None]) -> None: ...


K = TypeVar("K")
V = TypeVar("V")


def _put(table: MutableMapping[K, V], key: K, value: V, j: _Journal) -> None:
    if key in table:
        old = table[key]
        j.record(lambda: table.__setitem__(key, old))
    else:

        def undo() -> None:
            table.pop(key, None)

        j.record(undo)
    table[key] = value


def _pop(table: MutableMapping[K, V], key: K, j: _Journal) -> None:
    if key in table:
        old = table.pop(key)
        j.record(lambda: table.__setitem__(key, old))


class AlertTables:
    """What the in-memory store holds for pool alerts.

    Attributes:
        members: Per watched pool, its members and since when.
        announced: Per watched pool, when each candidate was last announced there,
            members and those who left alike (AP16).
        pools_of: Per candidate, every pool holding a row of theirs in either.
    """

    def __init__(self) -> None:
        self.watches: dict[tuple[RequisitionId, UserId], PoolWatch] = {}
        self.keys: dict[RequisitionId, str] = {}
        self.members: dict[RequisitionId, dict[CandidateId, datetime]] = {}
        self.announced: dict[RequisitionId, dict[CandidateId, datetime]] = {}
        self.pools_of: dict[CandidateId, dict[RequisitionId, None]] = {}
        self.check: CommitCheck | None = None

    def forget_candidate(self, candidate_id: CandidateId, j: _Journal) -> int:
        """Remove the candidate from every pool's members and announcements (DM6)."""
        pools = list(self.pools_of.get(candidate_id, {}))
        for req in pools:
            _pop(self.members.get(req, {}), candidate_id, j)
            _pop(self.announced.get(req, {}), candidate_id, j)
        _pop(self.pools_of, candidate_id, j)
        return len(pools)


class MemoryAlerts:
    """Pool watches and announced members in memory (see the port)."""

    def __init__(
        self, t: AlertTables, journal: _Journal, requisitions: Mapping[RequisitionId, Requisition]
    ) -> None:
        self._t, self._j, self._requisitions = t, journal, requisitions

    def watch(self, watch: PoolWatch) -> bool:
        """Record *watch*; ``False`` if the user already watches."""
        key = (watch.requisition_id, watch.user_id)
        if key in self._t.watches:
            return False
        _put(self._t.watches, key, watch, self._j)
        return True

    def unwatch(self, user_id: UserId, requisition_id: RequisitionId) -> bool:
        """Stop the user watching; return whether they did."""
        key = (requisition_id, user_id)
        if key not in self._t.watches:
            return False
        _pop(self._t.watches, key, self._j)
        return True

    def watching(self, user_id: UserId) -> Sequence[PoolWatch]:
        """Return the user's watches, by requisition id."""
        mine = [w for (_, u), w in self._t.watches.items() if u == user_id]
        return sorted(mine, key=lambda w: w.requisition_id)

    def watched(self) -> Sequence[WatchedPool]:
        """Return every watched pool with its requisition and watchers, by requisition id."""
        watchers: dict[RequisitionId, list[UserId]] = {}
        for req, user in self._t.watches:
            watchers.setdefault(req, []).append(user)
        out = []
        for req in sorted(watchers):
            requisition = self._requisitions.get(req)
            if requisition is not None:
                key = self._t.keys.get(req, "")
                out.append(WatchedPool(requisition, tuple(sorted(watchers[req])), key))
        return out

    def members(
        self, requisition_id: RequisitionId, among: Collection[CandidateId] | None = None
    ) -> frozenset[CandidateId]:
        """Return the pool's announced members, only those *among* when given."""
        held = self._t.members.get(requisition_id, {})
        if among is None:
            return frozenset(held)
        return frozenset(c for c in among if c in held)

    def members_among(
        self, candidate_ids: Collection[CandidateId]
    ) -> Mapping[RequisitionId, frozenset[CandidateId]]:
        """Return, per watched pool holding any of *candidate_ids*, those it holds."""
        out: dict[RequisitionId, set[CandidateId]] = {}
        members = self._t.members
        for cid in candidate_ids:
            for req in self._t.pools_of.get(cid, {}):
                if cid in members.get(req, {}):
                    out.setdefault(req, set()).add(cid)
        return {req: frozenset(ids) for req, ids in out.items()}

    def last_announced(
        self, candidate_ids: Collection[CandidateId]
    ) -> Mapping[RequisitionId, Mapping[CandidateId, datetime]]:
        """Return when each of *candidate_ids* was last announced, per watched pool."""
        out: dict[RequisitionId, dict[CandidateId, datetime]] = {}
        announced = self._t.announced
        for cid in candidate_ids:
            for req in self._t.pools_of.get(cid, {}):
                when = announced.get(req, {}).get(cid)
                if when is not None:
                    out.setdefault(req, {})[cid] = when
        return out

    def enter(
        self,
        requisition_id: RequisitionId,
        candidate_ids: Collection[CandidateId],
        at: datetime,
        *,
        announced: bool,
    ) -> None:
        """Make *candidate_ids* members of the pool from *at*; record *at* if *announced*."""
        require_aware("at", at)
        t, j = self._t, self._j
        for table in (t.members, t.announced) if announced else (t.members,):
            if requisition_id not in table:
                _put(table, requisition_id, {}, j)
        held = t.members[requisition_id]
        for cid in candidate_ids:
            if cid not in held:
                _put(held, cid, at, j)
            if announced:
                _put(t.announced[requisition_id], cid, at, j)
            if cid not in t.pools_of:
                _put(t.pools_of, cid, {}, j)
            if requisition_id not in t.pools_of[cid]:
                _put(t.pools_of[cid], requisition_id, None, j)

    def leave(
        self, requisition_id: RequisitionId, candidate_ids: Collection[CandidateId], at: datetime
    ) -> None:
        """Take *candidate_ids* out of the members; forget those never announced."""
        require_aware("at", at)
        t, j = self._t, self._j
        held = t.members.get(requisition_id, {})
        announced = t.announced.get(requisition_id, {})
        for cid in candidate_ids:
            _pop(held, cid, j)
            if cid not in announced:
                _pop(t.pools_of.get(cid, {}), requisition_id, j)

    def reset(
        self,
        requisition_id: RequisitionId,
        criteria_key: str,
        members: Collection[CandidateId],
        at: datetime,
    ) -> None:
        """Make *members* the pool's members, silently; record the criteria."""
        require_aware("at", at)
        before = set(self._t.members.get(requisition_id, {}))
        after = set(members)
        self.leave(requisition_id, sorted(before - after), at)
        _put(self._t.keys, requisition_id, criteria_key, self._j)
        self.enter(requisition_id, sorted(after - before), at, announced=False)

    def prune(self, before: datetime) -> int:
        """Forget those who left a pool after being announced last before *before*."""
        require_aware("before", before)
        t, j = self._t, self._j
        gone = 0
        for req, announced in t.announced.items():
            held = t.members.get(req, {})
            for cid in [c for c, at in announced.items() if c not in held and at < before]:
                _pop(announced, cid, j)
                _pop(t.pools_of.get(cid, {}), req, j)
                gone += 1
        return gone

    def forget(self, requisition_id: RequisitionId) -> None:
        """Drop the pool's members and what it announced."""
        t, j = self._t, self._j
        rows = set(t.members.get(requisition_id, {})) | set(t.announced.get(requisition_id, {}))
        for cid in rows:
            _pop(t.pools_of.get(cid, {}), requisition_id, j)
        _pop(t.members, requisition_id, j)
        _pop(t.announced, requisition_id, j)
        _pop(t.keys, requisition_id, j)

    def set_commit_check(self, check: CommitCheck | None) -> None:
        """Make *check* run before each outermost commit that wrote candidates."""
        self._t.check = check
