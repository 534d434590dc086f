"""The in-memory outbox: a real :class:`~talentpool.notifications.NotificationDelivery`.

It is a :class:`~talentpool.notifications.DigestDelivery` too: digests land in
:attr:`MemoryOutbox.digests`.

It keeps every delivery in order, so tests and examples assert on what was
sent instead of mocking::

    >>> from datetime import datetime, timezone
    >>> from talentpool.model import Tag
    >>> from talentpool.notifications import (
    ...     Notification, NotificationChannel, NotificationType)
    >>> outbox = MemoryOutbox()
    >>> note = Notification("n-1", "u-hm", NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
    ...     datetime(2026, 11, 2, 9, tzinfo=timezone.utc), "c-1", "Eva Nováková", [Tag("Praha")])
    >>> outbox.deliver(note, NotificationChannel.BELL)
    >>> outbox.channels("u-hm")
    frozenset({<NotificationChannel.BELL: 'bell'>})
    >>> outbox.messages("u-hm")
    ['Eva Nováková is new in your micro-pool Praha.']
"""

from __future__ import annotations

import threading

import attrs

from talentpool.ids import UserId
from talentpool.notifications import Digest, Notification, NotificationChannel

__all__ = ["Delivery", "MemoryOutbox"]


@attrs.frozen
class Delivery:
    """One notification sent on one channel.

    Attributes:
        notification: What was sent.
        channel: Where.
    """

    notification: Notification
    channel: NotificationChannel

    @property
    def user_id(self) -> UserId:
        """Who it was sent to."""
        return self.notification.user_id


class MemoryOutbox:
    """Every delivery, in the order it was made.

    Attributes:
        sent: The deliveries, oldest first.
        digests: The digests sent, oldest first (MP10).
    """

    def __init__(self) -> None:
        self.sent: list[Delivery] = []
        self.digests: list[Digest] = []
        self._lock = threading.Lock()

    def deliver_digest(self, digest: Digest) -> None:
        """Record that *digest* went out on its channel."""
        with self._lock:
            self.digests.append(digest)

    def digests_to(
        self, user_id: UserId, channel: NotificationChannel | None = None
    ) -> list[Digest]:
        """Return the digests sent to *user_id*, on *channel* only if one is given."""
        return [
            d
            for d in self.digests
            if d.user_id == user_id and (channel is None or d.channel is channel)
        ]

    def deliver(self, notification: Notification, channel: NotificationChannel) -> None:
        """Record that *notification* went out on *channel*."""
        with self._lock:
            self.sent.append(Delivery(notification, channel))

    def to(self, user_id: UserId, channel: NotificationChannel | None = None) -> list[Delivery]:
        """Return the deliveries to *user_id*, on *channel* only if one is given."""
        return [
            d
            for d in self.sent
            if d.user_id == user_id and (channel is None or d.channel is channel)
        ]

    def notifications(self, user_id: UserId) -> list[Notification]:
        """Return the distinct notifications sent to *user_id*, oldest first."""
        seen: dict[str, Notification] = {}
        for d in self.to(user_id):
            seen.setdefault(d.notification.id, d.notification)
        return list(seen.values())

    def messages(self, user_id: UserId) -> list[str]:
        """Return the message of each distinct notification sent to *user_id*."""
        return [n.message for n in self.notifications(user_id)]

    def channels(self, user_id: UserId) -> frozenset[NotificationChannel]:
        """Return every channel anything was sent to *user_id* on."""
        return frozenset(d.channel for d in self.to(user_id))

    def recipients(self) -> frozenset[UserId]:
        """Return everyone who was sent anything."""
        return frozenset(d.user_id for d in self.sent)

    def clear(self) -> None:
        """Forget every delivery (between steps of a test)."""
        with self._lock:
            self.sent.clear()
            self.digests.clear()

    def __len__(self) -> int:
        return len(self.sent)
