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
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Protocol

import attrs

from talentpool.errors import DomainError
from talentpool.ids import CandidateId, NotificationId, UserId
from talentpool.model import Tag
from talentpool.validators import aware

__all__ = [
    "DEFAULT_CHANNELS",
    "Notification",
    "NotificationChannel",
    "NotificationDelivery",
    "NotificationSettings",
    "NotificationType",
    "channels_for",
]


class NotificationType(enum.Enum):
    """What a notification is about; the notification centre has one row per type."""

    NEW_CANDIDATE_IN_MICRO_POOL = "new_candidate_in_micro_pool"
    """A candidate entered one or more of the user's micro-pools (MP7)."""


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
        NotificationType.NEW_CANDIDATE_IN_MICRO_POOL: MappingProxyType(
            {
                NotificationChannel.BELL: True,
                NotificationChannel.EMAIL: True,
                NotificationChannel.MOBILE_PUSH: True,
                NotificationChannel.SLACK: True,
            }
        )
    }
)
"""The setting of each type and channel for a user who never changed it (MP8).

Every channel is on: the new type behaves like the others, and a user turns a
channel off in the notification centre. Slack still needs the account's Slack
integration; the bell cannot be turned off.
"""

_Choices = Mapping[tuple[NotificationType, NotificationChannel], bool]


def _choices(
    value: _Choices | Iterable[tuple[tuple[NotificationType, NotificationChannel], bool]],
) -> _Choices:
    items = value.items() if isinstance(value, Mapping) else value
    out: dict[tuple[NotificationType, NotificationChannel], bool] = {}
    for key, on in items:
        kind, channel = key
        if not isinstance(kind, NotificationType) or not isinstance(channel, NotificationChannel):
            raise DomainError(
                "choices", key, "must be keyed by (NotificationType, NotificationChannel)"
            )
        if not isinstance(on, bool):
            raise DomainError(f"choices.{kind.value}.{channel.value}", on, "must be true or false")
        if channel is NotificationChannel.BELL and not on:
            raise DomainError(
                f"choices.{kind.value}.bell",
                on,
                "cannot be off: the bell always shows notifications",
            )
        out[kind, channel] = on
    return MappingProxyType(out)


@attrs.frozen
class NotificationSettings:
    """A user's notification-centre settings: one switch per type and channel (MP8).

    Only what the user changed is stored; everything else is the default of
    :data:`DEFAULT_CHANNELS`.

    Attributes:
        user_id: Whose settings these are.
        choices: ``(type, channel) -> on`` for every switch the user changed.
    """

    user_id: UserId
    choices: _Choices = attrs.field(factory=dict, converter=_choices, hash=False)

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
        return NotificationSettings(self.user_id, {**self.choices, (kind, channel): on})


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
    if not value:
        raise DomainError(attribute.name, value, "must name at least one micro-pool")


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
            at least one (``DomainError`` otherwise).
        actor_id: Who made the change, or ``None`` for the system or the candidate
            (a collection form).
        channels: Where it was sent, bell first.
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

    @property
    def title(self) -> str:
        """The heading a host shows, such as ``"New candidate in micro-pool"``."""
        return "New candidate in micro-pool"

    @property
    def message(self) -> str:
        """One sentence naming the candidate and the micro-pool(s)."""
        labels = [t.label for t in self.micro_pools]
        if len(labels) == 1:
            where = f"your micro-pool {labels[0]}"
        else:
            where = f"your micro-pools {', '.join(labels[:-1])} and {labels[-1]}"
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
