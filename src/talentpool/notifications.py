"""Notifications (MP7, MP8): what a user is told, and on which channels.

A :class:`Notification` is one message to one user. The only type so far is
:attr:`NotificationType.NEW_CANDIDATE_IN_MICRO_POOL`, raised by
:class:`~talentpool.micropools.MicroPools` when a candidate enters one or more of
a user's micro-pools; one event gives a user at most one notification, naming
every micro-pool the candidate entered.

**Channels.** The in-app bell always receives it. Email, mobile push and Slack
follow the user's notification-centre settings (:class:`NotificationSettings`),
one switch per type and channel; Slack is used only when the account has Slack
integrated (:attr:`~talentpool.model.AccountSettings.slack_integrated`). The
defaults, for a user who never changed a setting, are in
:data:`DEFAULT_CHANNELS`: every channel **on**, as for any other notification
type, so a new hiring manager hears about new candidates without visiting the
settings first::

    >>> settings = NotificationSettings("u-hm")
    >>> [c.value for c in channels_for(settings, slack_integrated=False)]
    ['bell', 'email', 'mobile_push']
    >>> quiet = settings.with_channel(NotificationChannel.EMAIL, False)
    >>> [c.value for c in channels_for(quiet, slack_integrated=True)]
    ['bell', 'mobile_push', 'slack']

Delivery goes through the :class:`NotificationDelivery` port, one call per
notification and channel (the bell included, so a host can push the badge
count live), after the service's own unit of work has committed. A host that
wraps the service call in an outer unit of work and then rolls it back undoes
the data, but cannot recall what was already delivered: deliver-then-rollback
is the host's choice to avoid. A delivery that raises does not stop the others:
every notification is offered on every channel, then the failures are raised
together as one :class:`~talentpool.errors.DeliveryError` (the change itself is
saved). The in-memory :class:`~talentpool.adapters.outbox.MemoryOutbox`
implements the port for tests.

**Digests (MP10).** Each channel but the bell may instead gather a user's
notifications into an hourly or daily :class:`Digest`
(:meth:`NotificationSettings.with_mode`); the default, :data:`DEFAULT_MODE`, is
immediate delivery everywhere. :func:`digest_due` says when a notification's
digest falls due; :class:`~talentpool.micropools.DigestJob` sends digests
through the :class:`DigestDelivery` port::

    >>> hourly = settings.with_mode(NotificationChannel.EMAIL, DeliveryMode.HOURLY)
    >>> hourly.mode(NotificationChannel.EMAIL).value, hourly.mode(NotificationChannel.SLACK).value
    ('hourly', 'immediate')
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, time, timedelta
from types import MappingProxyType
from typing import Protocol, TypeVar

import attrs

from talentpool.clock import require_aware
from talentpool.errors import DomainError
from talentpool.ids import CandidateId, NotificationId, RequisitionId, UserId
from talentpool.model import Tag
from talentpool.validators import aware, aware_or_none

__all__ = [
    "DAILY_DIGEST_HOUR",
    "DEFAULT_CHANNELS",
    "DEFAULT_MODE",
    "DeliveryMode",
    "Digest",
    "DigestDelivery",
    "DigestEntry",
    "Notification",
    "NotificationChannel",
    "NotificationDelivery",
    "NotificationSettings",
    "NotificationType",
    "PoolRef",
    "channels_for",
    "digest_due",
]


class NotificationType(enum.Enum):
    """What a notification is about; the notification centre has one row per type."""

    NEW_CANDIDATE_IN_MICRO_POOL = "new_candidate_in_micro_pool"
    """A candidate entered one or more of the user's micro-pools (MP7)."""
    NEW_CANDIDATE_IN_AUTOPOOL = "new_candidate_in_autopool"
    """A candidate entered the autopool of one or more requisitions the user watches (AP16)."""


class NotificationChannel(enum.Enum):
    """Where a notification is delivered (MP8)."""

    BELL = "bell"
    """The in-app bell: always on, cannot be switched off."""
    EMAIL = "email"
    MOBILE_PUSH = "mobile_push"
    SLACK = "slack"
    """Only where the account has Slack integrated."""


DEFAULT_CHANNELS: Mapping[NotificationType, Mapping[NotificationChannel, bool]] = MappingProxyType(
    {
        kind: MappingProxyType(
            {
                NotificationChannel.BELL: True,
                NotificationChannel.EMAIL: True,
                NotificationChannel.MOBILE_PUSH: True,
                NotificationChannel.SLACK: True,
            }
        )
        for kind in NotificationType
    }
)
"""The setting of each type and channel for a user who never changed it (MP8).

Every channel is on, for micro-pool notifications and pool alerts (AP16) alike:
the new type behaves like the others, and a user turns a
channel off in the notification centre. Slack still needs the account's Slack
integration; the bell cannot be turned off.
"""

_Choices = Mapping[tuple[NotificationType, NotificationChannel], bool]


class DeliveryMode(enum.Enum):
    """When a channel delivers a user's notifications (MP10)."""

    IMMEDIATE = "immediate"
    """Each notification on its own, as soon as it is raised."""
    HOURLY = "hourly"
    """One digest an hour, on the hour, gathering the hour's notifications."""
    DAILY = "daily"
    """One digest a day, at :data:`DAILY_DIGEST_HOUR` in the clock's time zone."""


DEFAULT_MODE = DeliveryMode.IMMEDIATE
"""The delivery mode of every channel for a user who never chose one (MP10).

Immediate, as before digests existed: a user opts into a digest per channel.
The bell is always immediate and cannot be set to a digest.
"""

DAILY_DIGEST_HOUR = 8
"""The local hour (in the time zone of the job's clock) a daily digest falls due."""

_Modes = Mapping[tuple[NotificationType, NotificationChannel], DeliveryMode]


_V = TypeVar("_V")
_Key = tuple[NotificationType, NotificationChannel]


def _per_channel(
    field: str,
    value: Mapping[_Key, _V] | Iterable[tuple[_Key, _V]],
    kind_of_value: type[_V],
    expected: str,
    bell: Callable[[_V], str | None],
) -> Mapping[_Key, _V]:
    """Read a setting per notification type and channel, read-only (MP8, MP10).

    Each key must be a ``(NotificationType, NotificationChannel)`` pair and each
    value a *kind_of_value*; *bell* says why a value cannot be the bell's, if it cannot.
    """
    items = value.items() if isinstance(value, Mapping) else value
    out: dict[_Key, _V] = {}
    for key, setting in items:
        kind, channel = key
        if not isinstance(kind, NotificationType) or not isinstance(channel, NotificationChannel):
            raise DomainError(
                field, key, "must be keyed by (NotificationType, NotificationChannel)"
            )
        if not isinstance(setting, kind_of_value):
            raise DomainError(f"{field}.{kind.value}.{channel.value}", setting, expected)
        refused = bell(setting) if channel is NotificationChannel.BELL else None
        if refused is not None:
            shown = setting.value if isinstance(setting, enum.Enum) else setting
            raise DomainError(f"{field}.{kind.value}.bell", shown, refused)
        out[kind, channel] = setting
    return MappingProxyType(out)


def _modes(value: _Modes | Iterable[tuple[_Key, DeliveryMode]]) -> _Modes:
    def bell(mode: DeliveryMode) -> str | None:
        if mode is DeliveryMode.IMMEDIATE:
            return None
        return "must be immediate: the bell always shows notifications at once"

    return _per_channel("modes", value, DeliveryMode, "must be a DeliveryMode", bell)


def _choices(value: _Choices | Iterable[tuple[_Key, bool]]) -> _Choices:
    def bell(on: bool) -> str | None:
        return None if on else "cannot be off: the bell always shows notifications"

    return _per_channel("choices", value, bool, "must be true or false", bell)


@attrs.frozen
class NotificationSettings:
    """A user's notification-centre settings: one switch per type and channel (MP8).

    Only what the user changed is stored; everything else is the default of
    :data:`DEFAULT_CHANNELS` and :data:`DEFAULT_MODE`.

    Attributes:
        user_id: Whose settings these are.
        choices: ``(type, channel) -> on`` for every switch the user changed.
        modes: ``(type, channel) -> delivery mode`` for every channel the user set
            to a digest or back (MP10).
    """

    user_id: UserId
    choices: _Choices = attrs.field(factory=dict, converter=_choices, hash=False)
    modes: _Modes = attrs.field(factory=dict, converter=_modes, hash=False)

    def is_on(
        self,
        channel: NotificationChannel,
        kind: NotificationType = NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
    ) -> bool:
        """Return whether *channel* is on for notifications of *kind* (the bell always is)."""
        _require_kind(kind)
        if channel is NotificationChannel.BELL:
            return True
        chosen = self.choices.get((kind, channel))
        return DEFAULT_CHANNELS[kind][channel] if chosen is None else chosen

    def with_channel(
        self,
        channel: NotificationChannel,
        on: bool,
        kind: NotificationType = NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
    ) -> NotificationSettings:
        """Return a copy with *channel* switched *on* or off for *kind*.

        Raises ``DomainError`` for an attempt to switch the bell off.
        """
        return attrs.evolve(self, choices={**self.choices, (kind, channel): on})

    def mode(
        self,
        channel: NotificationChannel,
        kind: NotificationType = NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
    ) -> DeliveryMode:
        """Return when *channel* delivers notifications of *kind* (the bell: immediately)."""
        _require_kind(kind)
        if not isinstance(channel, NotificationChannel):
            raise DomainError("channel", channel, "must be a NotificationChannel")
        return self.modes.get((kind, channel), DEFAULT_MODE)

    def with_mode(
        self,
        channel: NotificationChannel,
        mode: DeliveryMode,
        kind: NotificationType = NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
    ) -> NotificationSettings:
        """Return a copy delivering *kind* on *channel* in *mode* (MP10).

        Raises ``DomainError`` for a digest on the bell, which is always immediate.
        """
        _require_kind(kind)
        return attrs.evolve(self, modes={**self.modes, (kind, channel): mode})


def _require_kind(kind: object) -> None:
    if not isinstance(kind, NotificationType):
        raise DomainError("kind", kind, "must be a NotificationType")


def channels_for(
    settings: NotificationSettings,
    *,
    slack_integrated: bool,
    kind: NotificationType = NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
) -> tuple[NotificationChannel, ...]:
    """Return the channels a notification of *kind* goes to, bell first (MP8).

    Raises ``DomainError`` when *kind* is not a :class:`NotificationType`.
    """
    _require_kind(kind)
    return tuple(
        channel
        for channel in NotificationChannel
        if settings.is_on(channel, kind)
        and (channel is not NotificationChannel.SLACK or slack_integrated)
    )


def _tags(value: Iterable[Tag | str]) -> tuple[Tag, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise DomainError("micro_pools", value, "must be a collection of tags")
    return tuple(v if isinstance(v, Tag) else Tag(v) for v in value)


def _some(instance: object, attribute: attrs.Attribute[tuple[Tag, ...]], value: object) -> None:
    # The message names the micro-pools: a notification without one says nothing (MP7).
    kind = getattr(instance, "kind")  # noqa: B009 - the instance is typed object
    if kind is NotificationType.NEW_CANDIDATE_IN_MICRO_POOL and not value:
        raise DomainError(attribute.name, value, "must name at least one micro-pool")


@attrs.frozen
class PoolRef:
    """A requisition whose autopool a candidate entered, as a pool alert names it (AP16).

    Attributes:
        requisition_id: The requisition.
        title: Its title when the alert was raised, for display.
    """

    requisition_id: RequisitionId
    title: str


def _pool_refs(value: Iterable[PoolRef]) -> tuple[PoolRef, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise DomainError("pools", value, "must be a collection of PoolRef")
    out = tuple(value)
    for ref in out:
        if not isinstance(ref, PoolRef):
            raise DomainError("pools", ref, "must be a PoolRef")
    return out


def _watched(
    instance: object, attribute: attrs.Attribute[tuple[PoolRef, ...]], value: object
) -> None:
    # A pool alert names the pools: one without any says nothing (AP16).
    kind = getattr(instance, "kind")  # noqa: B009 - the instance is typed object
    if kind is NotificationType.NEW_CANDIDATE_IN_AUTOPOOL and not value:
        raise DomainError(attribute.name, value, "must name at least one watched pool")


def _channels(value: Iterable[NotificationChannel]) -> tuple[NotificationChannel, ...]:
    return tuple(value)


@attrs.frozen
class Notification:
    """One message to one user (DM1, MP7).

    Attributes:
        id: The notification's id.
        user_id: Who is notified.
        kind: Its type, the row of the notification centre it follows.
        created_at: When it was raised.
        candidate_id: The candidate it is about.
        candidate_name: The candidate's name when it was raised, for display.
        micro_pools: The micro-pools the candidate entered, as the user tracks them;
            at least one for a micro-pool notification (``DomainError`` otherwise),
            none for a pool alert.
        actor_id: Who made the change, or ``None`` for the system or the candidate
            (a collection form).
        channels: Where it was sent, bell first.
        pools: The watched autopools the candidate entered (AP16); at least one for
            a pool alert, none otherwise.
    """

    id: NotificationId
    user_id: UserId
    kind: NotificationType
    created_at: datetime = attrs.field(validator=aware)
    candidate_id: CandidateId
    candidate_name: str
    micro_pools: tuple[Tag, ...] = attrs.field(converter=_tags, validator=_some)
    actor_id: UserId | None = None
    channels: tuple[NotificationChannel, ...] = attrs.field(
        default=(NotificationChannel.BELL,), converter=_channels
    )
    pools: tuple[PoolRef, ...] = attrs.field(default=(), converter=_pool_refs, validator=_watched)

    @property
    def title(self) -> str:
        """The heading a host shows, such as ``"New candidate in micro-pool"``."""
        if self.kind is NotificationType.NEW_CANDIDATE_IN_AUTOPOOL:
            return "New candidate in a watched pool"
        return "New candidate in micro-pool"

    @property
    def message(self) -> str:
        """One sentence naming the candidate and the micro-pool(s) or watched pool(s)."""
        if self.kind is NotificationType.NEW_CANDIDATE_IN_AUTOPOOL:
            noun = "the pool of" if len(self.pools) == 1 else "the pools of"
            titles = [p.title for p in self.pools]
        else:
            noun = "your micro-pool" if len(self.micro_pools) == 1 else "your micro-pools"
            titles = [t.label for t in self.micro_pools]
        if len(titles) == 1:
            where = f"{noun} {titles[0]}"
        else:
            where = f"{noun} {', '.join(titles[:-1])} and {titles[-1]}"
        return f"{self.candidate_name} is new in {where}."


class NotificationDelivery(Protocol):
    """**Protocol:** sends a notification on one channel; the host implements it (MP8).

    Called after the service's unit of work that raised the notification
    committed, once per channel in :attr:`Notification.channels`. The library
    never calls it for a channel the user switched off, nor for Slack without the
    integration. An exception it raises is collected, the remaining deliveries
    still happen, and the caller then gets one
    :class:`~talentpool.errors.DeliveryError`.
    """

    def deliver(self, notification: Notification, channel: NotificationChannel) -> None:
        """Send *notification* on *channel*."""
        ...


def _notes(value: Iterable[Notification]) -> tuple[Notification, ...]:
    return tuple(value)


def _gathered(
    instance: object,
    attribute: attrs.Attribute[tuple[Notification, ...]],
    value: tuple[Notification, ...],
) -> None:
    # A digest without a notification says nothing; one of someone else's leaks it (MP10).
    if not value:
        raise DomainError(attribute.name, value, "must gather at least one notification")
    user_id = getattr(instance, "user_id")  # noqa: B009 - the instance is typed object
    strangers = sorted({n.id for n in value if n.user_id != user_id})
    if strangers:
        raise DomainError(attribute.name, strangers, f"must all be notifications of {user_id!r}")


@attrs.frozen
class Digest:
    """One message gathering a user's notifications on one channel (MP10).

    Attributes:
        id: The digest's id: a host's sender may use it to recognise a resend.
        user_id: Who it goes to.
        channel: Where.
        created_at: When the digest job gathered it.
        notifications: What it gathers, oldest first; at least one, all the user's.
    """

    id: str
    user_id: UserId
    channel: NotificationChannel
    created_at: datetime = attrs.field(validator=aware)
    notifications: tuple[Notification, ...] = attrs.field(converter=_notes, validator=_gathered)

    @property
    def candidates(self) -> tuple[tuple[CandidateId, str], ...]:
        """Every candidate gathered, as ``(id, name)``, in the order they first appear."""
        seen: dict[CandidateId, str] = {}
        for note in self.notifications:
            seen.setdefault(note.candidate_id, note.candidate_name)
        return tuple(seen.items())

    @property
    def micro_pools(self) -> tuple[Tag, ...]:
        """Every micro-pool gathered, by key, in the order they first appear."""
        seen: dict[str, Tag] = {}
        for note in self.notifications:
            for tag in note.micro_pools:
                seen.setdefault(tag.key, tag)
        return tuple(seen.values())

    @property
    def watched_pools(self) -> tuple[PoolRef, ...]:
        """Every watched pool gathered (AP16), by requisition, in the order they first appear."""
        seen: dict[RequisitionId, PoolRef] = {}
        for note in self.notifications:
            for ref in note.pools:
                seen.setdefault(ref.requisition_id, ref)
        return tuple(seen.values())

    @property
    def title(self) -> str:
        """The heading, such as ``"2 new candidates in your micro-pools"``."""
        n = len(self.candidates)
        kinds = {note.kind for note in self.notifications}
        if kinds == {NotificationType.NEW_CANDIDATE_IN_AUTOPOOL}:
            where = "your watched pools"
        elif NotificationType.NEW_CANDIDATE_IN_AUTOPOOL in kinds:
            where = "your micro-pools and watched pools"
        else:
            where = "your micro-pools"
        return f"{n} new candidate{'' if n == 1 else 's'} in {where}"

    @property
    def message(self) -> str:
        """One line per candidate, naming the micro-pools and watched pools they entered."""
        pools: dict[CandidateId, dict[str, str]] = {}
        for note in self.notifications:
            mine = pools.setdefault(note.candidate_id, {})
            for tag in note.micro_pools:
                mine.setdefault(tag.key, tag.label)
            for ref in note.pools:
                mine.setdefault(f"requisition:{ref.requisition_id}", ref.title)
        lines = [f"{self.title}:"]
        for cid, name in self.candidates:
            lines.append(f"- {name}: {', '.join(pools[cid].values())}")
        return "\n".join(lines)


class DigestDelivery(Protocol):
    """**Protocol:** sends a digest on one channel; the host implements it (MP10).

    The digest job calls it once per due digest, after the digest was claimed in
    its own unit of work, so two jobs never send the same one. An exception it
    raises puts the digest's notifications back in the queue for the next run;
    the other users and channels are sent regardless.
    """

    def deliver_digest(self, digest: Digest) -> None:
        """Send *digest* on ``digest.channel``."""
        ...


def digest_due(mode: DeliveryMode, raised_at: datetime) -> datetime:
    """Return when a notification raised at *raised_at* goes out in a *mode* digest (MP10).

    Hourly: at the start of the next hour. Daily: at the next
    :data:`DAILY_DIGEST_HOUR` o'clock. Both in *raised_at*'s time zone (the
    clock's), so a daily digest keeps its local hour across daylight-saving
    changes. ``DomainError`` for :attr:`DeliveryMode.IMMEDIATE`, which is no digest.
    """
    require_aware("raised_at", raised_at)
    zone = raised_at.tzinfo
    if mode is DeliveryMode.HOURLY:
        hour = raised_at.replace(minute=0, second=0, microsecond=0)
        return (hour.astimezone(UTC) + timedelta(hours=1)).astimezone(zone)
    if mode is DeliveryMode.DAILY:
        at = time(DAILY_DIGEST_HOUR)
        today = datetime.combine(raised_at.date(), at, tzinfo=zone)
        if today.astimezone(UTC) > raised_at.astimezone(UTC):
            return today
        return datetime.combine(raised_at.date() + timedelta(days=1), at, tzinfo=zone)
    raise DomainError("mode", mode, "must be hourly or daily: immediate delivery has no digest")


@attrs.frozen
class DigestEntry:
    """A notification waiting on one channel for its user's digest (MP10).

    Attributes:
        notification_id: The notification, listed in the bell already.
        user_id: Whose digest it waits for.
        channel: The channel set to a digest.
        due_at: When the digest it belongs to falls due (:func:`digest_due`).
        claim_id: The digest a running job claimed it for, or ``None`` while it waits.
        claimed_at: When that job claimed it.
    """

    notification_id: NotificationId
    user_id: UserId
    channel: NotificationChannel
    due_at: datetime = attrs.field(validator=aware)
    claim_id: str | None = None
    claimed_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
