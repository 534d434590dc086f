"""Raising a notification and sending it: one place for micro-pools and pool alerts (MP8, MP10).

:func:`raise_notification` saves a notification in the bell and, per channel,
either returns it for immediate delivery or queues it for the user's digest;
:func:`deliver` offers each immediate one on its channel once the unit of work
committed, collecting the failures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from talentpool.clock import require_aware
from talentpool.errors import DeliveryFailure
from talentpool.notifications import (
    DeliveryMode,
    DigestEntry,
    Notification,
    NotificationChannel,
    NotificationDelivery,
    NotificationSettings,
    digest_due,
)
from talentpool.ports import MicroPoolStore

__all__ = ["Outgoing", "deliver", "raise_notification"]

Outgoing = list[tuple[Notification, NotificationChannel]]
"""Notifications to offer at once, each with its channel."""


def raise_notification(
    uow: MicroPoolStore, note: Notification, settings: NotificationSettings, now: datetime
) -> Outgoing:
    """Save *note* in the bell; return its immediate channels and queue the rest (MP10)."""
    require_aware("now", now)
    uow.notifications.save(note)
    out: Outgoing = []
    queued = []
    for channel in note.channels:
        mode = settings.mode(channel, note.kind)
        if mode is DeliveryMode.IMMEDIATE:
            out.append((note, channel))
        else:
            queued.append(DigestEntry(note.id, note.user_id, channel, digest_due(mode, now)))
    if queued:
        uow.digests.add(queued)
    return out


def deliver(
    delivery: NotificationDelivery, notes: Sequence[tuple[Notification, NotificationChannel]]
) -> list[DeliveryFailure]:
    """Offer every note on its channel; return the failures (MP7, MP8).

    Runs after the unit of work committed, so a failing sender cannot undo the
    change, and does not keep the other recipients or channels from theirs.
    """
    failures: list[DeliveryFailure] = []
    for note, channel in notes:
        try:
            delivery.deliver(note, channel)
        except Exception as exc:  # any sender fault: collected for the caller
            failures.append(DeliveryFailure(note.id, note.user_id, channel.value, exc))
    return failures
