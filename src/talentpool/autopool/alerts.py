"""Pool alerts (AP16): a user watches a requisition's autopool and hears of each new member.

:class:`PoolAlerts` is created once over a unit of work. From then on, every
unit of work that writes a candidate (a new candidate, a tag, a move, a new
submission elsewhere, a status change, repooling, a match, a requisition they
applied to moved in the structure), a host's sync included, is checked just
before it commits: the store hands the check the candidates the unit of work
wrote, and only those are judged against each watched pool. Nothing re-reads a
whole pool on a write.

**What is judged.** Each watched pool's criteria are bound for now (the same
:func:`~talentpool.engine.bind_pool` every store answers pools with) and the
reference matcher judges the written candidates' records, read once per write
whatever the number of pools. EN4's differential tests prove the stores'
pushed-down queries agree with that matcher, so the alert says what the pool
says. A candidate with no submission is in no pool (AP5) and costs nothing.

**Announced once.** Each watched pool keeps its announced members, taken whole
when its first watcher starts (those already in the pool are not announced).
A written candidate now in the pool and not among them is announced, once, to
every watcher, and joins them; one no longer in the pool leaves them.

**Re-entry within a digest period.** A member who leaves keeps, in the pool's
record, when they were last announced there (one never announced, taken
silently, is simply forgotten). When they re-enter, each watcher hears of it
again only if that announcement lies in an earlier digest period than now for
them (:func:`heard_this_period`, the one place of the rule): the period of the
watcher's delivery settings for the pool alerts' type, the longest digest among
the channels they have on (daily over hourly), and the hour when every channel
is immediate (the default, and the bell always is). Periods are those of
:func:`~talentpool.notifications.digest_due` in the clock's time zone, so a
daily period runs from one :data:`~talentpool.notifications.DAILY_DIGEST_HOUR`
to the next, across daylight-saving changes too. A re-entry nobody hears of
joins the members silently and keeps the earlier announcement's time; one that
someone hears of records the new time. It is news to a watcher that a candidate
is back, but not twice in one digest or one hour. The sweep forgets those who
left longer than :data:`LONGEST_PERIOD` after their last announcement: past
every period, they are as if never announced.

**What the write check cannot see.** A pool can also change with time alone (a
hire or rejection window closing, a submission expiring, consent lapsing), with
a host's sync joined to its own transaction, or with a change of the account's
structure trees. (A write outside a unit of work is judged as it is made.)
:meth:`PoolAlerts.sweep` compares every watched pool with its announced members
and announces the difference; the digest job runs it
first (``talentpool digests``). A change of a pool's own criteria (or of the
account's consent rule) is no news about candidates: the members are taken
again silently.

**A sweep and a write at once.** On PostgreSQL a sweep and a write (or two
writes) can both see one candidate enter a pool; each unit of work reads its own
snapshot, so no lock taken at the check could show it the other's record. The
second to record the entry collides with the first, and the database refuses
it: nothing is announced twice. A write's check runs in a savepoint, so a
collision undoes only its alerts' part (counted in :attr:`PoolAlerts.deferred`):
the write is kept, the other unit of work announces the entry, and the next
sweep finds anything else the write made new. A sweep that collides is refused
(``ConflictError`` or ``StoreBusyError``), and runs again with the next job.

**Channels.** A pool alert is a notification of the type
:attr:`~talentpool.notifications.NotificationType.NEW_CANDIDATE_IN_AUTOPOOL`
naming the candidate and the pools: the bell at once, the other channels by the
user's settings and digests for that type (MP8, MP10), every channel on and
immediate by default. One write yields one notification per watcher and
candidate, however many of their pools the candidate entered.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from talentpool.clock import Clock, checked, require_aware
from talentpool.criteria import AllOf, Criterion, HasTag
from talentpool.engine import EvaluationContext, Matcher, bind_pool, check_configuration
from talentpool.errors import (
    ConfigurationError,
    ConflictError,
    DeliveryError,
    DeliveryFailure,
    NotFoundError,
    PermissionDeniedError,
    StoreBusyError,
)
from talentpool.geo import BoundingBox
from talentpool.guards import require_autopool_enabled
from talentpool.ids import CandidateId, NotificationId, RequisitionId, UserId
from talentpool.micropools.outgoing import Outgoing, deliver, raise_notification
from talentpool.model import AccountSettings, Candidate, CandidateRecord, Requisition
from talentpool.notifications import (
    DeliveryMode,
    Notification,
    NotificationDelivery,
    NotificationSettings,
    NotificationType,
    PoolRef,
    channels_for,
    digest_due,
)
from talentpool.ports import CandidateQuery, IdGenerator, UnitOfWork
from talentpool.ports.alerts import AfterCommit, PoolWatch, WatchedPool
from talentpool.serialization import autopool_to_dict
from talentpool.visibility.decisions import sees_whole_database
from talentpool.visibility.sharing import owns_position

__all__ = ["LONGEST_PERIOD", "AlertSweep", "PoolAlerts", "criteria_key", "heard_this_period"]

_KIND = NotificationType.NEW_CANDIDATE_IN_AUTOPOOL


def heard_this_period(
    settings: NotificationSettings,
    last_announced: datetime | None,
    now: datetime,
    *,
    slack_integrated: bool,
) -> bool:
    """Return whether a watcher already heard, within their current period, of a pool entry.

    *last_announced* is when the candidate was last announced in that pool
    (``None``: never). The watcher's period comes from *settings* for
    :attr:`~talentpool.notifications.NotificationType.NEW_CANDIDATE_IN_AUTOPOOL`:
    the longest digest mode (daily over hourly) among the channels they have on
    (Slack only where *slack_integrated*), and hourly when every channel is
    immediate (the bell always is). Both instants are compared in *now*'s time
    zone (the clock's), period against period through
    :func:`~talentpool.notifications.digest_due`, so the rule keeps its local
    hours across daylight-saving changes. ``True`` means the re-entry is not
    announced to this watcher again (AP16, MP10).
    """
    if last_announced is None:
        return False
    now = require_aware("now", now)
    channels = channels_for(settings, slack_integrated=slack_integrated, kind=_KIND)
    modes = {settings.mode(channel, _KIND) for channel in channels}
    period = DeliveryMode.DAILY if DeliveryMode.DAILY in modes else DeliveryMode.HOURLY
    then = require_aware("last_announced", last_announced).astimezone(now.tzinfo)
    return digest_due(period, then) == digest_due(period, now)


LONGEST_PERIOD = timedelta(hours=26)
"""Longer than any digest period of :func:`heard_this_period` (a day, 25 hours when the
clocks go back): a candidate who left a pool and was last announced there longer ago is
announced at a re-entry whatever the settings, so the sweep forgets them (AP16)."""


@functools.lru_cache(maxsize=4096)
def criteria_key(requisition: Requisition, enforce_consent: bool) -> str:
    """A short fingerprint of what a pool's members depend on besides candidates (AP16).

    The criteria, and what of the requisition they are bound with: its language
    (a profile language that must match), its primary location (the radius's
    centre) and its pool exclusions. A change to any of them changes the pool
    without any candidate changing, so its members are taken again, silently.
    """
    criteria = requisition.autopool
    document = None if criteria is None else autopool_to_dict(criteria)
    place = requisition.primary_location
    bound = [
        requisition.language,
        None if place is None else [place.latitude, place.longitude],
        sorted(requisition.pool_exclusions),
    ]
    text = json.dumps([document, bound, enforce_consent], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@attrs.frozen
class _Guard:
    """What a candidate must have to be in a pool, whatever the time: checked before binding.

    Each part is implied by the pool's criteria (a necessary condition, never a
    sufficient one), so a candidate it turns away is out of the pool; one it lets
    through is judged by the bound criteria. It spares a write the binding of the
    pools a candidate cannot be in: too far away, in another language, without a
    required tag.
    """

    box: BoundingBox | None = None
    language: str | None = None
    tags: frozenset[str] = frozenset()

    def admits(self, candidate: Candidate) -> bool:
        if self.box is not None and (
            candidate.residence is None or not self.box.contains(candidate.residence)
        ):
            return False
        if self.language is not None and candidate.profile_language != self.language:
            return False
        return not self.tags or self.tags <= {t.key for t in candidate.tags}


def _guard(requisition: Requisition) -> _Guard:
    criteria = requisition.autopool
    if criteria is None:
        return _Guard()
    box = None
    if criteria.radius is not None and requisition.primary_location is not None:
        box = BoundingBox.around(requisition.primary_location, criteria.radius.radius.km)
    language = requisition.language if criteria.profile_language_must_match else None
    advanced = criteria.advanced
    parts = advanced.children if isinstance(advanced, AllOf) else (advanced,)
    tags = frozenset(p.tag.key for p in parts if isinstance(p, HasTag))
    return _Guard(box, language, tags)


def _pool_criterion(requisition: Requisition, settings: AccountSettings) -> Criterion | None:
    if requisition.autopool is None:
        return None
    return requisition.autopool.criterion(enforce_consent=settings.enforce_consent)


@attrs.frozen
class AlertSweep:
    """What one sweep of the watched pools did (AP16).

    Attributes:
        entered: ``(requisition, candidate)`` for every candidate announced, by both
            (a re-entry nobody hears of again within their period is not listed).
        left: How many announced members had left their pools.
        notifications: The notifications raised.
    """

    entered: tuple[tuple[RequisitionId, CandidateId], ...] = ()
    left: int = 0
    notifications: tuple[Notification, ...] = ()


class PoolAlerts:
    """Watching autopools, and the alerts their new members raise (see the module docs).

    Args:
        uow: Where everything is read and written; the alerts check its commits
            from now on (one :class:`PoolAlerts` per unit of work: the last one made
            checks).
        clock: Where "now" comes from.
        ids: Where notification ids come from.
        delivery: Where immediate alerts are sent once their unit of work committed.

    Attributes:
        failures: Immediate deliveries of alerts raised by a write that failed (the
            alert is in the bell); the write itself was saved. Sweeps raise
            ``DeliveryError`` instead, like micro-pool notifications.
        deferred: How many writes left their alerts to the next sweep because a
            concurrent sweep or write recorded some of the same entries first (on
            PostgreSQL); the write itself was saved, and nothing is announced twice.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        ids: IdGenerator,
        delivery: NotificationDelivery,
    ) -> None:
        self._uow = uow
        self._clock = checked(clock)
        self._ids = ids
        self._delivery = delivery
        self.failures: list[DeliveryFailure] = []
        self.deferred = 0
        self._seen: dict[int, tuple[Requisition, bool, str, _Guard]] = {}
        uow.alerts.set_commit_check(self._check)

    # --- watching -----------------------------------------------------------------------

    def watch(self, user_id: UserId, requisition_id: RequisitionId) -> PoolWatch:
        """Make *user_id* watch the requisition's autopool; return the watch (AP16).

        Only a user who may see the requisition's pool may watch it: its owner, a
        user it is shared with, an administrator or a user who sees the whole
        database; anyone else gets ``PermissionDeniedError`` and nothing is
        written. A requisition without criteria, or with criteria it cannot
        evaluate, raises ``ConfigurationError``. Watching again changes nothing.
        The candidates already in the pool are not announced.
        """
        uow = self._uow
        with uow:
            require_autopool_enabled(uow.settings)
            user = uow.users.get(user_id)
            requisition = uow.requisitions.get(requisition_id)
            if not (owns_position(user, requisition) or sees_whole_database(user)):
                msg = (
                    f"user {user_id!r} may not watch the pool of requisition "
                    f"{requisition_id!r}: they may not see the requisition"
                )
                raise PermissionDeniedError(msg)
            settings = uow.settings.get()
            criterion = _pool_criterion(requisition, settings)
            if criterion is None:
                msg = (
                    f"requisition {requisition_id!r} has no autopool criteria; "
                    "define them before watching its pool"
                )
                raise ConfigurationError(msg)
            check_configuration(criterion, requisition, uow.structures.trees())
            now = self._clock.now()
            for existing in uow.alerts.watching(user_id):
                if existing.requisition_id == requisition_id:
                    return existing
            watched = {w.requisition.id for w in uow.alerts.watched()}
            watch = PoolWatch(user_id, requisition_id, now)
            uow.alerts.watch(watch)
            if requisition_id not in watched:
                self._take_members(uow, requisition, criterion, settings, now)
            uow.commit()
        return watch

    def unwatch(self, user_id: UserId, requisition_id: RequisitionId) -> None:
        """Stop *user_id* watching the pool; ``NotFoundError`` if they do not (AP16)."""
        uow = self._uow
        with uow:
            if not uow.alerts.unwatch(user_id, requisition_id):
                raise NotFoundError("pool watch", f"{user_id}/{requisition_id}")
            if not any(w.requisition.id == requisition_id for w in uow.alerts.watched()):
                uow.alerts.forget(requisition_id)
            uow.commit()

    def watching(self, user_id: UserId) -> tuple[PoolWatch, ...]:
        """Return the pools *user_id* watches, by requisition id."""
        with self._uow:
            self._uow.users.get(user_id)
            return tuple(self._uow.alerts.watching(user_id))

    def _take_members(
        self,
        uow: UnitOfWork,
        requisition: Requisition,
        criterion: Criterion,
        settings: AccountSettings,
        now: datetime,
    ) -> None:
        """Take the pool's members whole, announcing none (a first watch, new criteria)."""
        members = uow.candidates.find_ids(CandidateQuery(requisition, now, criterion))
        key = criteria_key(requisition, settings.enforce_consent)
        uow.alerts.reset(requisition.id, key, members, now)

    # --- the check of each write --------------------------------------------------------

    def _check(self, uow: UnitOfWork, touched: frozenset[CandidateId]) -> AfterCommit | None:
        """Judge the candidates *uow* wrote against every watched pool, as it commits (AP16).

        *uow* is the unit of work committing: this service's, or another over the same
        store and account (a host's sync, say), read and written in its transaction.
        """
        settings = uow.settings.get()
        if not settings.autopool_enabled:
            return None
        records: list[CandidateRecord] = []
        for cid in sorted(touched):
            try:
                records.append(uow.candidates.record(cid))
            except NotFoundError:
                continue  # erased in this unit of work: never announced (DM6)
        if not records:
            return None
        applied = [r for r in records if r.applications]  # nobody else is in a pool (AP5)
        before = uow.alerts.members_among([r.candidate.id for r in records])
        if not applied and not before:
            return None  # in no pool before or after: nothing to judge
        watched = uow.alerts.watched()  # read only now: a write of no pool's concern skips it
        if not watched:
            return None
        try:
            with uow:  # a savepoint: a collision undoes the alerts' part, never the write
                notes = self._judge(uow, watched, records, applied, before, settings=settings)
                uow.commit()
        except (ConflictError, StoreBusyError):
            # A concurrent sweep or write recorded some of the same entries first (on
            # PostgreSQL): it announces those; the next sweep finds whatever else is new.
            self.deferred += 1
            return None
        if not notes:
            return None

        def after() -> None:
            self.failures.extend(deliver(self._delivery, notes))

        return after

    def _judge(
        self,
        uow: UnitOfWork,
        watched: Sequence[WatchedPool],
        records: Sequence[CandidateRecord],
        applied: Sequence[CandidateRecord],
        before: Mapping[RequisitionId, frozenset[CandidateId]],
        *,
        settings: AccountSettings,
    ) -> Outgoing:
        """Bring the watched pools' members up to date for the written candidates; announce."""
        now = self._clock.now()
        trees = uow.structures.trees()
        matcher = Matcher()
        entered: dict[RequisitionId, list[CandidateId]] = {}
        for pool in watched:
            requisition = pool.requisition
            if requisition.autopool is None:
                continue
            key, guard = self._facts(requisition, settings.enforce_consent)
            if key != pool.criteria_key:
                self._retake(uow, requisition, settings, now)
                continue
            judged = [r for r in applied if guard.admits(r.candidate)]
            inside: set[CandidateId] = set()
            if judged:
                criterion = requisition.autopool.criterion(enforce_consent=settings.enforce_consent)
                try:
                    tree = bind_pool(criterion, EvaluationContext(requisition, now, trees))
                except ConfigurationError:
                    continue  # a pool that cannot be read has no news; results report it
                inside = {r.candidate.id for r in judged if matcher.matches(tree, r)}
            known = before.get(requisition.id, frozenset())
            _follow(uow, requisition.id, inside=inside, known=known, now=now, entered=entered)
        if not entered:
            return []
        names = {r.candidate.id: r.candidate.name for r in records}
        heard = self._hear(uow, watched, entered, settings=settings, now=now)
        return self._announce(uow, heard, names, settings=settings, now=now)

    def _facts(self, requisition: Requisition, enforce_consent: bool) -> tuple[str, _Guard]:
        """The pool's criteria key and guard, worked out once per requisition value.

        Kept by the requisition object's identity (the stores hand out the same
        frozen object while it is unchanged), so a write costs no hashing of
        criteria trees per pool; a changed requisition is a new object.
        """
        held = self._seen.get(id(requisition))
        if held is not None and held[0] is requisition and held[1] == enforce_consent:
            return held[2], held[3]
        if len(self._seen) > 65_536:
            self._seen.clear()
        key = criteria_key(requisition, enforce_consent)
        guard = _guard(requisition)
        self._seen[id(requisition)] = (requisition, enforce_consent, key, guard)
        return key, guard

    def _retake(
        self, uow: UnitOfWork, requisition: Requisition, settings: AccountSettings, now: datetime
    ) -> None:
        criterion = _pool_criterion(requisition, settings)
        if criterion is None:
            return
        try:
            check_configuration(criterion, requisition, uow.structures.trees())
        except ConfigurationError:
            return
        self._take_members(uow, requisition, criterion, settings, now)

    def _hear(
        self,
        uow: UnitOfWork,
        watched: Sequence[WatchedPool],
        entered: Mapping[RequisitionId, Collection[CandidateId]],
        *,
        settings: AccountSettings,
        now: datetime,
    ) -> _Heard:
        """Decide who hears of each entry, and record the entries (AP16).

        A watcher hears of a candidate entering a pool unless they heard of the
        same candidate there within their current period (:func:`heard_this_period`).
        Entries somebody hears of are recorded as announced now; the others rejoin
        the members silently, keeping the earlier announcement's time.
        """
        heard = _Heard()
        if not entered:
            return heard
        last = uow.alerts.last_announced(sorted({c for ids in entered.values() for c in ids}))
        for pool in watched:
            rid = pool.requisition.id
            ref = PoolRef(rid, pool.requisition.title)
            told: list[CandidateId] = []
            silent: list[CandidateId] = []
            for cid in entered.get(rid, ()):
                when = last.get(rid, {}).get(cid)
                anyone = False
                for user_id in pool.watchers:
                    if when is not None:
                        mine = heard.settings_of(uow, user_id)
                        if heard_this_period(
                            mine, when, now, slack_integrated=settings.slack_integrated
                        ):
                            continue
                    heard.pools.setdefault(user_id, {}).setdefault(cid, []).append(ref)
                    anyone = True
                (told if anyone else silent).append(cid)
            if told:
                uow.alerts.enter(rid, told, now, announced=True)
                heard.pairs.extend((rid, cid) for cid in told)
            if silent:
                uow.alerts.enter(rid, silent, now, announced=False)
        return heard

    def _announce(
        self,
        uow: UnitOfWork,
        heard: _Heard,
        names: Mapping[CandidateId, str],
        *,
        settings: AccountSettings,
        now: datetime,
    ) -> Outgoing:
        """Raise one notification per watcher and candidate, naming every pool they heard of."""
        out: Outgoing = []
        for user_id in sorted(heard.pools):
            mine = heard.settings_of(uow, user_id)
            channels = channels_for(mine, slack_integrated=settings.slack_integrated, kind=_KIND)
            for cid in sorted(heard.pools[user_id]):
                note = Notification(
                    NotificationId(self._ids.new_id("notification")),
                    user_id,
                    _KIND,
                    now,
                    cid,
                    names[cid],
                    (),
                    None,
                    channels,
                    pools=heard.pools[user_id][cid],
                )
                out.extend(raise_notification(uow, note, mine, now))
        return out

    # --- the sweep ----------------------------------------------------------------------

    def sweep(self) -> AlertSweep:
        """Compare every watched pool with its announced members; announce who is new.

        For what writes cannot show (see the module docs): run by the digest job
        before it gathers digests. Each pool is read whole through the store's
        pushed-down query; one unit of work for all. Raises ``DeliveryError``
        after committing if an immediate delivery failed.
        """
        uow = self._uow
        with uow:
            settings = uow.settings.get()
            if not settings.autopool_enabled:
                return AlertSweep()
            watched = uow.alerts.watched()
            now = self._clock.now()
            trees = uow.structures.trees()
            entered: dict[RequisitionId, list[CandidateId]] = {}
            left = 0
            for pool in watched:
                requisition = pool.requisition
                criterion = _pool_criterion(requisition, settings)
                if criterion is None:
                    continue
                try:
                    check_configuration(criterion, requisition, trees)
                except ConfigurationError:
                    continue
                if criteria_key(requisition, settings.enforce_consent) != pool.criteria_key:
                    self._take_members(uow, requisition, criterion, settings, now)
                    continue
                inside = uow.candidates.find_ids(CandidateQuery(requisition, now, criterion))
                known = uow.alerts.members(requisition.id)
                left += _follow(
                    uow, requisition.id, inside=inside, known=known, now=now, entered=entered
                )
            heard = self._hear(uow, watched, entered, settings=settings, now=now)
            uow.alerts.prune(now - LONGEST_PERIOD)
            names = {c: uow.candidates.get(c).name for c in sorted({c for _, c in heard.pairs})}
            notes = self._announce(uow, heard, names, settings=settings, now=now)
            uow.commit()
        failures = deliver(self._delivery, notes)
        raised = tuple(dict.fromkeys(n for n, _ in notes))
        pairs = tuple(sorted(heard.pairs))
        if failures:
            raise DeliveryError(failures) from failures[0].error
        return AlertSweep(pairs, left, raised)


@attrs.define
class _Heard:
    """Who hears of which entries in one check or sweep, and the settings read for it."""

    pools: dict[UserId, dict[CandidateId, list[PoolRef]]] = attrs.field(factory=dict)
    pairs: list[tuple[RequisitionId, CandidateId]] = attrs.field(factory=list)
    settings: dict[UserId, NotificationSettings] = attrs.field(factory=dict)

    def settings_of(self, uow: UnitOfWork, user_id: UserId) -> NotificationSettings:
        held = self.settings.get(user_id)
        if held is None:
            held = self.settings[user_id] = uow.notification_settings.get(user_id)
        return held


def _follow(
    uow: UnitOfWork,
    requisition_id: RequisitionId,
    *,
    inside: Collection[CandidateId],
    known: Collection[CandidateId],
    now: datetime,
    entered: dict[RequisitionId, list[CandidateId]],
) -> int:
    """Note in *entered* who is in the pool (*inside*) but not among its members (*known*).

    Those who left (*known* but not *inside*) leave the members now; return how many.
    The newcomers join them once :meth:`PoolAlerts._hear` decided who hears of them.
    """
    new = sorted(set(inside) - set(known))
    if new:
        entered[requisition_id] = new
    gone = set(known) - set(inside)
    if gone:
        uow.alerts.leave(requisition_id, gone, now)
    return len(gone)
