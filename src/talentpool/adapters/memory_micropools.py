"""The in-memory reference of the micro-pool ports (MP1, MP2, MP7, MP8, PF3).

:class:`~talentpool.adapters.memory.MemoryUnitOfWork` wires these in; they share
its journal, so their writes are undone with the unit of work like any other.

The visibility index is kept current on every write instead of being rebuilt
per read: saving a candidate moves it between the tag buckets its tags changed
in, saving a submission or a requisition moves the shares it grants, and each
of these steps journals its exact inverse. Reads are then dictionary lookups:

* tag key → candidate ids (``tagged``), for micro-pool listings and folder counts;
* user → candidate → shares (``shares``), for ownership: one share kept as itself,
  several as a tuple that repeats a share granted twice (two submissions of one
  candidate on one position grant the same share twice);
* user → tag key → tag, and tag key → users (the subscriptions), for decisions and
  for who to notify.
"""

from __future__ import annotations

from collections.abc import (
    Callable,
    Collection,
    Hashable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from datetime import datetime
from types import MappingProxyType
from typing import Protocol, TypeVar

import attrs

from talentpool.clock import require_aware, utc
from talentpool.errors import NotFoundError
from talentpool.ids import CandidateId, NotificationId, RequisitionId, UserId
from talentpool.model import (
    Candidate,
    Requisition,
    Share,
    Submission,
    Subscription,
    Tag,
    position_shares,
    response_shares,
)
from talentpool.notifications import (
    DigestEntry,
    Notification,
    NotificationChannel,
    NotificationSettings,
)

__all__ = [
    "AccessTables",
    "MemoryDigestQueue",
    "MemoryNotificationSettings",
    "MemoryNotifications",
    "MemorySubscriptions",
    "MemoryVisibilityIndex",
]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
W = TypeVar("W")

_EMPTY_TAGS: Mapping[str, Tag] = {}
_Held = Share | tuple[Share, ...]
"""The shares one user holds of one candidate: itself when one, else each grant in a tuple."""
_EMPTY_OWNED: Mapping[CandidateId, _Held] = {}
_EMPTY_IDS: Mapping[CandidateId, None] = {}
_EMPTY_USERS: Mapping[UserId, None] = {}


class _Journal(Protocol):
    """What these repositories need of the memory adapter's journal."""

    @property
    def active(self) -> bool: ...

    def record(self, step: Callable[[], None]) -> None: ...

    def put(self, table: MutableMapping[K, V], key: K, value: V) -> None: ...


_Grants = list[tuple[UserId, CandidateId, Share]]
_EntryKey = tuple[NotificationId, NotificationChannel]


class AccessTables:
    """The micro-pool tables and indexes of one in-memory store."""

    def __init__(self) -> None:
        self.tagged: dict[str, dict[CandidateId, None]] = {}
        # a share held once is kept as itself and a few as a tuple, not as a dictionary of
        # counts: most candidates are owned through one to three positions (PF4)
        self.shares: dict[UserId, dict[CandidateId, _Held]] = {}
        self.subscriptions: dict[UserId, dict[str, Subscription]] = {}
        self.tracked: dict[UserId, dict[str, Tag]] = {}
        self.trackers: dict[str, dict[UserId, None]] = {}
        self.notification_settings: dict[UserId, NotificationSettings] = {}
        self.notifications: dict[NotificationId, Notification] = {}
        self.notifications_by_user: dict[UserId, dict[NotificationId, None]] = {}
        # the digest queue (MP10), in the order queued: notifications are saved oldest first
        self.digest_entries: dict[_EntryKey, DigestEntry] = {}
        self.digest_groups: dict[tuple[UserId, NotificationChannel], dict[_EntryKey, None]] = {}
        self.digest_claims: dict[str, dict[_EntryKey, None]] = {}
        self._one_share: dict[Share, Share] = {}  # one object per share, however many hold it

    # --- keeping the visibility index current -------------------------------------

    def candidate_saved(self, old: Candidate | None, new: Candidate, journal: _Journal) -> None:
        """Move the candidate between tag buckets; journal the inverse."""
        before = frozenset() if old is None else old.tags
        after = new.tags
        if before == after:
            return
        cid = new.id
        self._retag(cid, before, after)
        journal.record(lambda: self._retag(cid, after, before))

    def _retag(self, cid: CandidateId, before: frozenset[Tag], after: frozenset[Tag]) -> None:
        for tag in before - after:
            bucket = self.tagged.get(tag.key)
            if bucket is not None:
                bucket.pop(cid, None)
                if not bucket:
                    del self.tagged[tag.key]
        for tag in after - before:
            self.tagged.setdefault(tag.key, {})[cid] = None

    def candidate_removed(self, old: Candidate, journal: _Journal) -> None:
        """Take an erased candidate out of every tag bucket; journal the inverse (DM6)."""
        cid, tags = old.id, old.tags
        self._retag(cid, tags, frozenset())
        journal.record(lambda: self._retag(cid, frozenset(), tags))

    def submission_removed(
        self, old: Submission, requisitions: Mapping[RequisitionId, Requisition], journal: _Journal
    ) -> None:
        """Withdraw the shares an erased submission granted; journal the inverse (DM6)."""
        gone = _grants(old, requisitions[old.requisition_id])
        self._move(gone, [])
        journal.record(lambda: self._move([], gone))

    def forget_notifications(self, candidate_id: CandidateId, journal: _Journal) -> int:
        """Remove every notification about the candidate, and its digest entries (DM6)."""
        about = [n for n in self.notifications.values() if n.candidate_id == candidate_id]
        for note in about:
            _journalled_pop(self.notifications, note.id, journal)
            _journalled_pop(self.notifications_by_user[note.user_id], note.id, journal)
        ids = {n.id for n in about}
        for key in [k for k in self.digest_entries if k[0] in ids]:
            self.digest_drop(key, journal)
        return len(about)

    # --- the digest queue and its indexes by user and channel, and by claim (MP10) -----

    def digest_put(self, entry: DigestEntry, journal: _Journal) -> None:
        """Queue or replace *entry*, keeping both indexes current; journal the inverse."""
        key = (entry.notification_id, entry.channel)
        if key in self.digest_entries:
            self.digest_drop(key, journal)
        journal.put(self.digest_entries, key, entry)
        journal.put(self.digest_groups.setdefault((entry.user_id, entry.channel), {}), key, None)
        if entry.claim_id is not None:
            journal.put(self.digest_claims.setdefault(entry.claim_id, {}), key, None)

    def digest_drop(self, key: _EntryKey, journal: _Journal) -> None:
        """Remove the entry under *key* from the queue and both indexes; journal the inverse."""
        entry = _popped(self.digest_entries, key, journal)
        _popped_from(self.digest_groups, (entry.user_id, entry.channel), key, journal)
        if entry.claim_id is not None:
            _popped_from(self.digest_claims, entry.claim_id, key, journal)

    def submission_saved(
        self,
        old: Submission | None,
        new: Submission,
        requisitions: Mapping[RequisitionId, Requisition],
        journal: _Journal,
    ) -> None:
        """Move the shares a submission grants (its own and its position's); journal the inverse."""
        gone = [] if old is None else _grants(old, requisitions[old.requisition_id])
        came = _grants(new, requisitions[new.requisition_id])
        if gone == came:
            return
        self._move(gone, came)
        journal.record(lambda: self._move(came, gone))

    def requisition_saved(
        self,
        old: Requisition | None,
        new: Requisition,
        submissions: Iterable[Submission],
        journal: _Journal,
    ) -> None:
        """Move the shares a position grants to the candidates on it; journal the inverse."""
        before = [] if old is None else position_shares(old)
        after = position_shares(new)
        if before == after:
            return
        gone: _Grants = []
        came: _Grants = []
        for s in submissions:
            gone.extend((u, s.candidate_id, share) for u, share in before)
            came.extend((u, s.candidate_id, share) for u, share in after)
        self._move(gone, came)
        journal.record(lambda: self._move(came, gone))

    def _move(self, gone: _Grants, came: _Grants) -> None:
        for user, cid, share in gone:
            by_candidate = self.shares[user]
            grants = list(_each(by_candidate[cid]))
            grants.remove(share)
            if grants:
                by_candidate[cid] = grants[0] if len(grants) == 1 else tuple(grants)
            else:
                del by_candidate[cid]
                if not by_candidate:
                    del self.shares[user]
        for user, cid, share in came:
            by_candidate = self.shares.setdefault(user, {})
            one = self._one_share.setdefault(share, share)
            found = by_candidate.get(cid)
            by_candidate[cid] = one if found is None else (*_each(found), one)


def _each(held: _Held) -> tuple[Share, ...]:
    """Every grant *held* counts, a share granted twice twice."""
    return (held,) if isinstance(held, Share) else held


def _grants(submission: Submission, requisition: Requisition) -> _Grants:
    cid = submission.candidate_id
    pairs = response_shares(submission) + position_shares(requisition)
    return [(user, cid, share) for user, share in pairs]


class MemoryVisibilityIndex:
    """The visibility index in memory: reads only, kept current by the other repositories."""

    def __init__(self, a: AccessTables) -> None:
        self._a = a

    def shares(self, user_id: UserId, candidate_id: CandidateId) -> Collection[Share]:
        """Return the positions and responses through which the user owns the candidate."""
        held = self._a.shares.get(user_id, _EMPTY_OWNED).get(candidate_id)
        if held is None:
            return ()
        return (held,) if isinstance(held, Share) else tuple(dict.fromkeys(held))

    def owned(self, user_id: UserId) -> Collection[CandidateId]:
        """Return the candidates the user owns through positions and responses."""
        return self._a.shares.get(user_id, _EMPTY_OWNED).keys()

    def tagged(self, tag: Tag) -> Collection[CandidateId]:
        """Return the candidates carrying *tag*."""
        return self._a.tagged.get(tag.key, _EMPTY_IDS).keys()

    def tag_counts(self, tags: Collection[Tag]) -> Mapping[str, int]:
        """Return how many candidates carry each of *tags*, by tag key."""
        tagged = self._a.tagged
        return {t.key: len(tagged.get(t.key, _EMPTY_IDS)) for t in tags}


class MemorySubscriptions:
    """Tag tracking in memory, indexed both ways (user → tags, tag → users)."""

    def __init__(self, a: AccessTables, journal: _Journal) -> None:
        self._a, self._j = a, journal

    def get(self, user_id: UserId, tag: Tag) -> Subscription:
        """Return the user's subscription to *tag*, or raise ``NotFoundError``."""
        found = self._a.subscriptions.get(user_id, {}).get(tag.key)
        if found is None:
            raise NotFoundError("subscription", f"{user_id}/{tag.label}")
        return found

    def save(self, subscription: Subscription) -> None:
        """Insert or replace the subscription."""
        user, key = subscription.user_id, subscription.tag.key
        old = self._a.subscriptions.get(user, {}).get(key)
        self._put(subscription)
        if old is None:
            self._j.record(lambda: self._drop(user, key))
        else:
            self._j.record(lambda: self._put(old))

    def remove(self, user_id: UserId, tag: Tag) -> None:
        """Remove the user's subscription to *tag*, or raise ``NotFoundError``."""
        old = self.get(user_id, tag)
        self._drop(user_id, tag.key)
        self._j.record(lambda: self._put(old))

    def _put(self, s: Subscription) -> None:
        a, user, key = self._a, s.user_id, s.tag.key
        a.subscriptions.setdefault(user, {})[key] = s
        a.tracked.setdefault(user, {})[key] = s.tag
        a.trackers.setdefault(key, {})[user] = None

    def _drop(self, user: UserId, key: str) -> None:
        a = self._a
        _discard(a.subscriptions, user, key)
        _discard(a.tracked, user, key)
        _discard(a.trackers, key, user)

    def for_user(self, user_id: UserId) -> Sequence[Subscription]:
        """Return the user's subscriptions, by tag key."""
        mine = self._a.subscriptions.get(user_id, {})
        return [mine[k] for k in sorted(mine)]

    def tracked(self, user_id: UserId) -> Mapping[str, Tag]:
        """Return the tags the user tracks, by tag key, as a read-only view.

        A view, not the table itself, so no caller can change the index behind
        the journal's back; it is live, so read it inside a unit of work.
        """
        return MappingProxyType(self._a.tracked.get(user_id, _EMPTY_TAGS))

    def trackers(self, tag: Tag) -> Collection[UserId]:
        """Return the users who track *tag*."""
        return self._a.trackers.get(tag.key, _EMPTY_USERS).keys()

    def trackers_of(self, tags: Collection[Tag]) -> Mapping[UserId, Sequence[Tag]]:
        """Return who tracks any of *tags*, each with those tags as they track them, by key."""
        a = self._a
        out: dict[UserId, list[Tag]] = {}
        for key in sorted({t.key for t in tags}):
            for user in a.trackers.get(key, _EMPTY_USERS):
                out.setdefault(user, []).append(a.tracked[user][key])
        return {user: tuple(out[user]) for user in sorted(out)}

    def __iter__(self) -> Iterator[Subscription]:
        """Iterate over every subscription, by user id and tag key."""
        subs = self._a.subscriptions
        return iter([subs[u][k] for u in sorted(subs) for k in sorted(subs[u])])

    def __len__(self) -> int:
        return sum(len(mine) for mine in self._a.subscriptions.values())


class MemoryNotificationSettings:
    """Users' notification-centre settings in memory."""

    def __init__(self, a: AccessTables, journal: _Journal) -> None:
        self._a, self._j = a, journal

    def get(self, user_id: UserId) -> NotificationSettings:
        """Return the user's settings; the defaults when never saved."""
        return self._a.notification_settings.get(user_id) or NotificationSettings(user_id)

    def save(self, settings: NotificationSettings) -> None:
        """Replace the settings of ``settings.user_id``."""
        self._j.put(self._a.notification_settings, settings.user_id, settings)


class MemoryNotifications:
    """Notifications in memory, indexed by user: what each user's bell lists."""

    def __init__(self, a: AccessTables, journal: _Journal) -> None:
        self._a, self._j = a, journal

    def save(self, notification: Notification) -> None:
        """Insert or replace the notification; a notification moved to another user leaves
        the first user's bell."""
        old = self._a.notifications.get(notification.id)
        if old is not None and old.user_id != notification.user_id:
            previous = self._a.notifications_by_user[old.user_id]
            del previous[old.id]
            self._j.record(lambda: previous.__setitem__(old.id, None))
        self._j.put(self._a.notifications, notification.id, notification)
        index = self._a.notifications_by_user.setdefault(notification.user_id, {})
        self._j.put(index, notification.id, None)

    def for_user(self, user_id: UserId) -> Sequence[Notification]:
        """Return the user's notifications, oldest first (ties in the order saved)."""
        ids = self._a.notifications_by_user.get(user_id, {})
        # sorted() is stable: equal timestamps keep the order they were saved in
        # (ids compared as text would put notification-10 before notification-2).
        return sorted((self._a.notifications[i] for i in ids), key=_created)

    def __iter__(self) -> Iterator[Notification]:
        """Iterate over every notification, oldest first (ties in the order saved)."""
        return iter(sorted(self._a.notifications.values(), key=_created))

    def __len__(self) -> int:
        return len(self._a.notifications)


class MemoryDigestQueue:
    """Notifications waiting for a digest, in memory (MP10).

    The store's lock serialises units of work, so two digest jobs claim in turn
    and the second finds the entries already held.
    """

    def __init__(self, a: AccessTables, journal: _Journal) -> None:
        self._a, self._j = a, journal

    def add(self, entries: Sequence[DigestEntry]) -> None:
        """Queue *entries*; one already queued for its notification and channel is replaced."""
        for entry in entries:
            self._a.digest_put(entry, self._j)

    def _claimable(self, entry: DigestEntry, now: datetime, stale_before: datetime) -> bool:
        if utc(entry.due_at) > utc(now):
            return False
        return entry.claimed_at is None or utc(entry.claimed_at) < utc(stale_before)

    def due(
        self, now: datetime, stale_before: datetime
    ) -> Sequence[tuple[UserId, NotificationChannel]]:
        """Return each user and channel with a claimable entry due by *now*."""
        require_aware("now", now)
        require_aware("stale_before", stale_before)
        a = self._a
        groups = [
            group
            for group, keys in a.digest_groups.items()
            if any(self._claimable(a.digest_entries[k], now, stale_before) for k in keys)
        ]
        return sorted(groups, key=lambda g: (g[0], g[1].value))

    def claim(
        self,
        user_id: UserId,
        channel: NotificationChannel,
        claim_id: str,
        now: datetime,
        stale_before: datetime,
    ) -> Sequence[Notification]:
        """Claim the user's due entries on *channel*; return their notifications, oldest first."""
        require_aware("now", now)
        require_aware("stale_before", stale_before)
        a = self._a
        group = a.digest_groups.get((user_id, channel), {})
        entries = (a.digest_entries[k] for k in group)
        taken = [e for e in entries if self._claimable(e, now, stale_before)]
        for e in taken:
            a.digest_put(attrs.evolve(e, claim_id=claim_id, claimed_at=now), self._j)
        return sorted((a.notifications[e.notification_id] for e in taken), key=_created)

    def _claimed(self, claim_id: str) -> list[DigestEntry]:
        a = self._a
        return [a.digest_entries[k] for k in a.digest_claims.get(claim_id, {})]

    def release(self, claim_id: str) -> None:
        """Put the entries of *claim_id* back in the queue."""
        for e in self._claimed(claim_id):
            self._a.digest_put(attrs.evolve(e, claim_id=None, claimed_at=None), self._j)

    def sent(self, claim_id: str) -> None:
        """Remove the entries of *claim_id*."""
        for e in self._claimed(claim_id):
            self._a.digest_drop((e.notification_id, e.channel), self._j)

    def waiting(self, user_id: UserId) -> Sequence[DigestEntry]:
        """Return the user's queued entries, by due time, channel and notification order."""
        a = self._a
        mine = [
            a.digest_entries[k]
            for (user, _), keys in a.digest_groups.items()
            if user == user_id
            for k in keys
        ]
        saved = {nid: i for i, nid in enumerate(self._a.notifications_by_user.get(user_id, {}))}
        return sorted(
            mine, key=lambda e: (utc(e.due_at), e.channel.value, saved[e.notification_id])
        )

    def __len__(self) -> int:
        return len(self._a.digest_entries)


def _popped(table: dict[K, V], key: K, journal: _Journal) -> V:
    """Remove and return ``table[key]``, journalling its return (where order does not matter)."""
    old = table.pop(key)
    journal.record(lambda: table.__setitem__(key, old))
    return old


def _popped_from(table: dict[K, dict[V, None]], outer: K, key: V, journal: _Journal) -> None:
    """Remove ``table[outer][key]``, and ``table[outer]`` once empty, journalling both."""
    inner = table[outer]
    _popped(inner, key, journal)
    if not inner:
        _popped(table, outer, journal)


def _journalled_pop(table: dict[K, V], key: K, journal: _Journal) -> None:
    """Remove ``table[key]``, journalling its return to the same place in the order.

    The order of a dictionary is the order things were saved in, which listings
    break ties by, so an undone removal puts the entry back where it was.
    """
    position = list(table).index(key) if journal.active else 0
    old = table.pop(key)
    journal.record(lambda: _put_back(table, position, key, old))


def _put_back(table: dict[K, V], position: int, key: K, value: V) -> None:
    items = list(table.items())
    items.insert(position, (key, value))
    table.clear()
    table.update(items)


def _created(notification: Notification) -> datetime:
    return utc(notification.created_at)


def _discard(table: dict[K, dict[V, W]], outer: K, inner: V) -> None:
    """Remove ``table[outer][inner]``, and ``table[outer]`` once it is empty."""
    mine = table[outer]
    del mine[inner]
    if not mine:
        del table[outer]
