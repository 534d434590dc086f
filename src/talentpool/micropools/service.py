"""The micro-pool service (MP1, MP5, MP7–MP9, EN5).

Tag tracking, folders, tagging with notifications, and audited grants, over a store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from talentpool.clock import Clock, checked
from talentpool.criteria import HasTag
from talentpool.errors import (
    ConflictError,
    DeliveryError,
    DomainError,
    NotFoundError,
    PermissionDeniedError,
)
from talentpool.events import (
    SubscriptionAdded,
    SubscriptionRemoved,
    TagShareCause,
    TagShareGranted,
    TagShareRevoked,
)
from talentpool.guards import require_administrator, switch_setting
from talentpool.ids import CandidateId, NotificationId, UserId
from talentpool.micropools.folders import MicroPoolFolder, SubscriptionDryRun
from talentpool.micropools.outgoing import deliver, raise_notification
from talentpool.model import Candidate, Subscription, Tag, User
from talentpool.notifications import (
    DeliveryMode,
    Notification,
    NotificationChannel,
    NotificationDelivery,
    NotificationSettings,
    NotificationType,
    channels_for,
)
from talentpool.ports import IdGenerator, MicroPoolStore
from talentpool.queries import CandidateDatabaseQuery
from talentpool.visibility import AccessLevel, Visibility

__all__ = [
    "MicroPools",
]

# --- the service ----------------------------------------------------------------------------


def _tag(value: Tag | str) -> Tag:
    return value if isinstance(value, Tag) else Tag(value)


def _tag_set(values: Iterable[Tag | str], *, allow_empty: bool = False) -> frozenset[Tag]:
    if isinstance(values, str):
        raise DomainError("tags", values, "must be a collection of tags, not one string")
    if not isinstance(values, Iterable):
        raise DomainError("tags", values, "must be a collection of tags")
    tags = frozenset(_tag(v) for v in values)
    if not tags and not allow_empty:
        raise DomainError("tags", (), "must name at least one tag")
    return tags


def _by_key(tags: Iterable[Tag]) -> list[Tag]:
    return sorted(tags, key=lambda t: t.key)


def _by_tag(trackers: Mapping[UserId, Sequence[Tag]]) -> dict[str, list[tuple[UserId, Tag]]]:
    """Turn "who tracks which of these tags" around: tag key to (user, tag as they track it)."""
    out: dict[str, list[tuple[UserId, Tag]]] = {}
    for user_id in sorted(trackers):
        for pool in trackers[user_id]:
            out.setdefault(pool.key, []).append((user_id, pool))
    return out


class MicroPools:
    """Tag tracking, micro-pool folders, tagging with notifications, and audited grants.

    Args:
        uow: Where everything is read and written.
        clock: Where "now" comes from.
        ids: Where notification ids come from.
        delivery: Where notifications are sent once their unit of work committed.

    Reads (subscriptions, dry runs, folders, settings, the bell) run inside
    ``with uow:`` like writes, so they see a consistent state (see
    :class:`~talentpool.visibility.Visibility`).
    """

    def __init__(
        self,
        uow: MicroPoolStore,
        clock: Clock,
        ids: IdGenerator,
        delivery: NotificationDelivery,
    ) -> None:
        self._uow = uow
        self._clock = checked(clock)
        self._ids = ids
        self._delivery = delivery
        self._visibility = Visibility(uow, self._clock)

    # --- checks -------------------------------------------------------------------------

    def _administrator(self, admin_id: UserId, action: str) -> User:
        return require_administrator(self._uow.users, admin_id, action)

    def _require_owner(self, actor_id: UserId | None, candidate_id: CandidateId) -> None:
        """Refuse a tag change unless the actor owns the candidate (MP2, MP3).

        A tag share is view-only: a viewer who sees the candidate only through a
        micro-pool could otherwise untag them and cut colleagues off. ``None`` (the
        system, or the candidate on a collection form) may always change tags.
        """
        if actor_id is None:
            return
        decision = self._visibility.decide(actor_id, candidate_id)
        if decision.owns:
            return
        if decision.level is AccessLevel.TAG_SHARE:
            why = "they see them only through a tag share, which is view-only"
        else:
            why = "they may not see them"
        msg = f"user {actor_id!r} may not change the tags of candidate {candidate_id!r}: {why}"
        raise PermissionDeniedError(msg)

    # --- tag tracking (MP1, MP9) --------------------------------------------------------

    def subscribe(self, admin_id: UserId, user_id: UserId, tag: Tag | str) -> Subscription:
        """Make *user_id* track *tag* (MP1); the administrator may name themselves.

        Records :class:`SubscriptionAdded` and a :class:`TagShareGranted` for every
        candidate carrying the tag (MP9). Subscribing again to a tracked tag
        changes nothing and returns the existing subscription.
        """
        self._administrator(admin_id, "set up tag tracking")  # before the tag: MP1 refuses first
        tag = _tag(tag)
        uow = self._uow
        with uow:
            uow.users.get(user_id)
            try:
                return uow.subscriptions.get(user_id, tag)
            except NotFoundError:
                pass
            now = self._clock.now()
            subscription = Subscription(user_id, tag, now, admin_id)
            uow.subscriptions.save(subscription)
            uow.events.append(
                SubscriptionAdded(
                    occurred_at=now,
                    actor_id=admin_id,
                    user_id=user_id,
                    tag=tag,
                    reason=f"{admin_id} set up tracking of tag {tag.label!r} for {user_id}",
                )
            )
            owned = self._owned_among(user_id, tag)
            for cid in sorted(uow.visibility.tagged(tag)):
                self._share_event(
                    TagShareGranted,
                    TagShareCause.SUBSCRIBED,
                    now=now,
                    actor_id=admin_id,
                    user_id=user_id,
                    candidate_id=cid,
                    micro_pool=tag,
                    level_after=AccessLevel.OWNER if cid in owned else AccessLevel.TAG_SHARE,
                    reason=f"{cid} carries tag {tag.label!r}, which {admin_id} "
                    f"subscribed {user_id} to",
                )
            uow.commit()
        return subscription

    def unsubscribe(self, admin_id: UserId, user_id: UserId, tag: Tag | str) -> None:
        """Stop *user_id* tracking *tag* (MP1); raise ``NotFoundError`` if they do not.

        Records :class:`SubscriptionRemoved` and a :class:`TagShareRevoked` for every
        candidate carrying the tag (MP9).
        """
        self._administrator(admin_id, "remove tag tracking")  # before the tag: MP1 refuses first
        tag = _tag(tag)
        uow = self._uow
        with uow:
            tracked_as = uow.subscriptions.get(user_id, tag).tag
            uow.subscriptions.remove(user_id, tag)
            now = self._clock.now()
            uow.events.append(
                SubscriptionRemoved(
                    occurred_at=now,
                    actor_id=admin_id,
                    user_id=user_id,
                    tag=tracked_as,
                    reason=f"{admin_id} removed tracking of tag {tracked_as.label!r} for {user_id}",
                )
            )
            owned = self._owned_among(user_id, tag)
            still = self._visible_among(user_id, tag)
            for cid in sorted(uow.visibility.tagged(tag)):
                if cid in owned:
                    left = AccessLevel.OWNER
                else:
                    left = AccessLevel.TAG_SHARE if cid in still else AccessLevel.NONE
                self._share_event(
                    TagShareRevoked,
                    TagShareCause.UNSUBSCRIBED,
                    now=now,
                    actor_id=admin_id,
                    user_id=user_id,
                    candidate_id=cid,
                    micro_pool=tracked_as,
                    level_after=left,
                    reason=f"{admin_id} removed {user_id}'s tracking of tag "
                    f"{tracked_as.label!r}, which {cid} carries",
                )
            uow.commit()

    def _share_event(
        self,
        event: type[TagShareGranted | TagShareRevoked],
        cause: TagShareCause,
        *,
        now: datetime,
        actor_id: UserId | None,
        user_id: UserId,
        candidate_id: CandidateId,
        micro_pool: Tag,
        reason: str,
        level_after: AccessLevel | None = None,
    ) -> None:
        """Record that *user_id* gained or lost a tag share, with the level left (MP9).

        *level_after* is the user's access level once the change is saved; it is
        looked up when not given (one user and one candidate: a tag change).
        """
        if level_after is None:
            level_after = self._visibility.level(user_id, candidate_id)
        self._uow.events.append(
            event(
                occurred_at=now,
                actor_id=actor_id,
                user_id=user_id,
                candidate_id=candidate_id,
                micro_pool=micro_pool,
                cause=cause,
                level_after=level_after,
                reason=reason,
            )
        )

    def _among(self, user_id: UserId, tag: Tag, tracked: Iterable[str]) -> frozenset[CandidateId]:
        """The candidates carrying *tag* that *user_id* sees when tracking *tracked* (one query)."""
        viewer = self._visibility.viewer(user_id, tracked)
        query = CandidateDatabaseQuery(viewer, self._clock.now(), HasTag(tag.label))
        return self._uow.candidates.search_ids(query)

    def _owned_among(self, user_id: UserId, tag: Tag) -> frozenset[CandidateId]:
        """The candidates carrying *tag* that *user_id* owns, whatever they track."""
        return self._among(user_id, tag, ())

    def _visible_among(self, user_id: UserId, tag: Tag) -> frozenset[CandidateId]:
        """The candidates carrying *tag* that *user_id* sees with the tags they track now."""
        return self._among(user_id, tag, self._uow.subscriptions.tracked(user_id).keys())

    def subscriptions(self, user_id: UserId) -> tuple[Subscription, ...]:
        """Return the tags *user_id* tracks, by tag key."""
        with self._uow:
            return tuple(self._uow.subscriptions.for_user(user_id))

    def _dry_run(
        self, admin_id: UserId, user_id: UserId, tag: Tag | str, subscribing: bool
    ) -> SubscriptionDryRun:
        with self._uow:
            self._administrator(admin_id, "change tag tracking")
            tag = _tag(tag)
            uow = self._uow
            uow.users.get(user_id)
            before = dict(uow.subscriptions.tracked(user_id))
            if subscribing == (tag.key in before):
                if not subscribing:
                    raise NotFoundError("subscription", f"{user_id}/{tag.label}")
                return SubscriptionDryRun(user_id, tag, subscribing, (), (), ())
            after = dict(before)
            if subscribing:
                after[tag.key] = tag
            else:
                del after[tag.key]
            members = sorted(uow.visibility.tagged(tag))
            # With the tag tracked every member is seen; who is seen without it gains or loses
            # nothing. One query, whatever the number of members.
            without = self._among(user_id, tag, before if subscribing else after)
            unseen = [cid for cid in members if cid not in without]
            gaining, losing = (unseen, []) if subscribing else ([], unseen)
            return SubscriptionDryRun(user_id, tag, subscribing, gaining, losing, members)

    def dry_run_subscribe(
        self, admin_id: UserId, user_id: UserId, tag: Tag | str
    ) -> SubscriptionDryRun:
        """Say which candidates *user_id* would gain by tracking *tag*; nothing is saved (EN5)."""
        return self._dry_run(admin_id, user_id, tag, subscribing=True)

    def dry_run_unsubscribe(
        self, admin_id: UserId, user_id: UserId, tag: Tag | str
    ) -> SubscriptionDryRun:
        """Say which candidates *user_id* would lose by no longer tracking *tag* (EN5).

        Raises ``NotFoundError`` if they do not track it; nothing is saved.
        """
        return self._dry_run(admin_id, user_id, tag, subscribing=False)

    # --- folders (MP5) -------------------------------------------------------------------

    def folders(self, user_id: UserId) -> tuple[MicroPoolFolder, ...]:
        """Return *user_id*'s micro-pools as folders with their candidate counts, by tag key."""
        uow = self._uow
        with uow:
            uow.users.get(user_id)
            tracked = uow.subscriptions.tracked(user_id)
            counts = uow.visibility.tag_counts(tuple(tracked.values()))
            return tuple(MicroPoolFolder(tracked[key], counts[key]) for key in sorted(tracked))

    def folder(self, user_id: UserId, tag: Tag | str) -> MicroPoolFolder:
        """Return one of *user_id*'s micro-pools; ``NotFoundError`` if they do not track it."""
        with self._uow:
            tag = _tag(tag)
            tracked = self._uow.subscriptions.tracked(user_id)
            if tag.key not in tracked:
                raise NotFoundError("micro-pool", f"{user_id}/{tag.label}")
            mine = tracked[tag.key]
            return MicroPoolFolder(mine, self._uow.visibility.tag_counts((mine,))[mine.key])

    # --- tagging (MP7, MP9) ------------------------------------------------------------------

    def add_candidate(self, candidate: Candidate, *, actor_id: UserId | None = None) -> Candidate:
        """Save a new candidate; everyone tracking one of their tags is notified (MP7).

        *actor_id* is whoever entered the candidate, or ``None`` for the candidate
        themselves (a collection form) or the system. Raises ``ConflictError`` if
        the id is taken, and ``DomainError`` for anything but a :class:`Candidate`.
        """
        if not isinstance(candidate, Candidate):
            raise DomainError("candidate", candidate, "must be a Candidate")
        uow = self._uow
        with uow:
            if actor_id is not None:
                uow.users.get(actor_id)
            try:
                uow.candidates.get(candidate.id)
            except NotFoundError:
                pass
            else:
                msg = f"candidate {candidate.id!r} already exists; nothing written"
                raise ConflictError(msg)
            uow.candidates.save(candidate)
            notes = self._entered(
                candidate, candidate.tags, actor_id, TagShareCause.CREATED_WITH_TAG
            )
            uow.commit()
        self._deliver(notes)
        return candidate

    def tag(
        self, actor_id: UserId | None, candidate_id: CandidateId, *tags: Tag | str
    ) -> Candidate:
        """Add *tags* to the candidate; whoever tracks a new one is notified (MP7).

        Tags the candidate already carries are ignored. *actor_id* must own the
        candidate (a tag share is view-only, MP3): anyone else gets
        ``PermissionDeniedError`` and nothing is written. ``None`` stands for the
        system or the candidate themselves (a collection form).
        """
        return self._retag(actor_id, candidate_id, add=_tag_set(tags), remove=frozenset())

    def untag(
        self, actor_id: UserId | None, candidate_id: CandidateId, *tags: Tag | str
    ) -> Candidate:
        """Remove *tags* from the candidate; the tag shares they gave are revoked (MP4, MP9).

        *actor_id* must own the candidate, as for :meth:`tag`.
        """
        return self._retag(actor_id, candidate_id, add=frozenset(), remove=_tag_set(tags))

    def set_tags(
        self, actor_id: UserId | None, candidate_id: CandidateId, tags: Iterable[Tag | str]
    ) -> Candidate:
        """Give the candidate exactly *tags*: one notification per tracker for all tags added.

        The difference from the current tags is taken inside the unit of work, so a
        concurrent change cannot slip between the read and the write.
        """
        wanted = _tag_set(tags, allow_empty=True)
        return self._retag(
            actor_id, candidate_id, add=frozenset(), remove=frozenset(), exactly=wanted
        )

    def _retag(
        self,
        actor_id: UserId | None,
        candidate_id: CandidateId,
        *,
        add: frozenset[Tag],
        remove: frozenset[Tag],
        exactly: frozenset[Tag] | None = None,
    ) -> Candidate:
        uow = self._uow
        with uow:
            candidate = uow.candidates.get(candidate_id)
            self._require_owner(actor_id, candidate_id)
            if exactly is not None:
                add, remove = exactly - candidate.tags, candidate.tags - exactly
            added = frozenset(t for t in add if t not in candidate.tags)
            removed = frozenset(t for t in candidate.tags if t in remove)
            if not added and not removed:
                return candidate
            kept = frozenset(t for t in candidate.tags if t not in removed)
            updated = candidate.with_tags(kept | added)
            uow.candidates.save(updated)
            self._left(updated, removed, actor_id)
            notes = self._entered(updated, added, actor_id, TagShareCause.TAGGED)
            uow.commit()
        self._deliver(notes)
        return updated

    def _left(self, candidate: Candidate, removed: frozenset[Tag], actor_id: UserId | None) -> None:
        uow, now = self._uow, self._clock.now()
        by = actor_id or "the system"
        tracking = _by_tag(uow.subscriptions.trackers_of(removed))
        for tag in _by_key(removed):
            for user_id, pool in tracking.get(tag.key, ()):
                self._share_event(
                    TagShareRevoked,
                    TagShareCause.UNTAGGED,
                    now=now,
                    actor_id=actor_id,
                    user_id=user_id,
                    candidate_id=candidate.id,
                    micro_pool=pool,
                    reason=f"tag {tag.label!r} removed from {candidate.id} by {by}; "
                    f"{user_id} tracks {pool.label!r}",
                )

    def _entered(
        self,
        candidate: Candidate,
        added: Iterable[Tag],
        actor_id: UserId | None,
        cause: TagShareCause,
    ) -> list[tuple[Notification, NotificationChannel]]:
        """Record the grants of *added* tags and raise one notification per tracker.

        Returns what to deliver at once; a channel the user set to a digest queues
        the notification for it instead (MP10).
        """
        uow, now = self._uow, self._clock.now()
        entered = {
            u: list(pools) for u, pools in uow.subscriptions.trackers_of(tuple(added)).items()
        }
        if not entered:
            return []
        by = actor_id or "the system"
        verb = "created with" if cause is TagShareCause.CREATED_WITH_TAG else f"tagged by {by} with"
        slack = uow.settings.get().slack_integrated
        notes = []
        for user_id in sorted(entered):
            pools = entered[user_id]
            for pool in pools:
                self._share_event(
                    TagShareGranted,
                    cause,
                    now=now,
                    actor_id=actor_id,
                    user_id=user_id,
                    candidate_id=candidate.id,
                    micro_pool=pool,
                    reason=f"{candidate.id} {verb} tag {pool.label!r}, which {user_id} tracks",
                )
            if user_id == actor_id:
                continue  # nobody is told about their own action
            settings = uow.notification_settings.get(user_id)
            note = Notification(
                NotificationId(self._ids.new_id("notification")),
                user_id,
                NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
                now,
                candidate.id,
                candidate.name,
                pools,
                actor_id,
                channels_for(settings, slack_integrated=slack),
            )
            notes.extend(raise_notification(uow, note, settings, now))
        return notes

    def _deliver(self, notes: Sequence[tuple[Notification, NotificationChannel]]) -> None:
        """Offer every note on its channel; raise one ``DeliveryError`` afterwards.

        Runs after the unit of work committed, so a failing sender cannot undo the
        change, and must not keep the other recipients or channels from their
        notifications either (MP7, MP8).
        """
        failures = deliver(self._delivery, notes)
        if failures:
            raise DeliveryError(failures) from failures[0].error

    # --- the notification centre (MP8) ------------------------------------------------------

    def notification_settings(self, user_id: UserId) -> NotificationSettings:
        """Return *user_id*'s notification-centre settings (the defaults if never changed)."""
        with self._uow:
            self._uow.users.get(user_id)
            return self._uow.notification_settings.get(user_id)

    def set_notification_channel(
        self,
        user_id: UserId,
        channel: NotificationChannel,
        on: bool,
        kind: NotificationType = NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
    ) -> NotificationSettings:
        """Switch one channel on or off for the user's notifications of *kind* (MP8).

        The bell cannot be switched off (``DomainError``).
        """
        uow = self._uow
        with uow:
            uow.users.get(user_id)
            settings = uow.notification_settings.get(user_id).with_channel(channel, on, kind)
            uow.notification_settings.save(settings)
            uow.commit()
        return settings

    def set_delivery_mode(
        self,
        user_id: UserId,
        channel: NotificationChannel,
        mode: DeliveryMode,
        kind: NotificationType = NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
    ) -> NotificationSettings:
        """Deliver the user's notifications of *kind* on *channel* immediately or by digest (MP10).

        Notifications raised from then on follow the new mode; those already queued
        go out with the digest they were queued for. The bell is always immediate
        (``DomainError``).
        """
        uow = self._uow
        with uow:
            uow.users.get(user_id)
            settings = uow.notification_settings.get(user_id).with_mode(channel, mode, kind)
            uow.notification_settings.save(settings)
            uow.commit()
        return settings

    def set_slack_integrated(self, admin_id: UserId, integrated: bool) -> None:
        """Record whether the account has Slack integrated (MP8); administrators only, audited."""
        switch_setting(
            self._uow,
            self._clock,
            admin_id,
            setting="slack_integrated",
            enabled=integrated,
            label="the Slack integration",
        )

    def bell(self, user_id: UserId) -> tuple[Notification, ...]:
        """Return what *user_id*'s in-app bell lists, oldest first."""
        with self._uow:
            return tuple(self._uow.notifications.for_user(user_id))
