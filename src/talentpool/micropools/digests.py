"""The digest job (MP10): each due digest sent once, whatever runs it and how often.

A user who sets a channel to an hourly or daily digest
(:meth:`~talentpool.micropools.MicroPools.set_delivery_mode`) still sees every
notification in the bell at once; on that channel the notification waits in
the store's digest queue (``uow.digests``) until its digest falls due
(:func:`~talentpool.notifications.digest_due`). The host runs the job on a
schedule, every few minutes or at least hourly (``talentpool digests`` runs
it from the command line)::

    job = DigestJob(uow, clock, ids, delivery)
    report = job.run()

Each run, for every user and channel with a due digest:

1. the queued notifications are **claimed** for a new digest id in their own
   unit of work, which commits before anything is sent; a second job running
   at the same time finds them claimed (or, on PostgreSQL, is refused by the
   database and skips them), so no digest is sent twice;
2. the :class:`~talentpool.notifications.Digest` gathering them is handed to
   the host's :class:`~talentpool.notifications.DigestDelivery`;
3. sent, the entries are removed; if the sender raised, they are put back and
   the next run sends them (with whatever was queued since). One failing user
   or channel does not hold up the others.

A job that dies between claiming and recording leaves its claim behind; after
*lease* (one hour by default) another run may claim those entries again. That is
the only way a digest can go out twice: if the job died after sending but before
recording it. The digest's id differs then; a host that must never resend
deduplicates on the notifications' ids, which every digest carries.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from talentpool.clock import Clock, checked
from talentpool.errors import (
    ConflictError,
    DeliveryError,
    DeliveryFailure,
    DomainError,
    StorageError,
    StoreBusyError,
)
from talentpool.ids import UserId
from talentpool.notifications import Digest, DigestDelivery, NotificationChannel
from talentpool.ports import IdGenerator, MicroPoolStore

if TYPE_CHECKING:  # the alerts read notifications through this package: no import cycle
    from talentpool.autopool.alerts import PoolAlerts

__all__ = ["DEFAULT_LEASE", "DigestJob", "DigestRun"]

DEFAULT_LEASE = timedelta(hours=1)
"""How long a claimed digest stays a running job's before another run may claim it."""


@attrs.frozen
class DigestRun:
    """What one run of the digest job did.

    Attributes:
        sent: The digests delivered, by user and channel.
        failed: The digests whose sender raised; their notifications wait for the
            next run. With pool alerts, also the immediate alerts the sweep could not
            deliver (they are in the bell).
        skipped: The users and channels another job was claiming at the same time.
    """

    sent: tuple[Digest, ...] = ()
    failed: tuple[DeliveryFailure, ...] = ()
    skipped: tuple[tuple[UserId, NotificationChannel], ...] = ()


class DigestJob:
    """Sends every due digest once (MP10); see the module docs.

    Args:
        uow: The store holding the digest queue and the notifications.
        clock: Where "now" comes from: a digest is due when its time has come.
        ids: Where digest ids come from.
        delivery: The host's sender of digests.
        lease: How long a claim is held before a later run may take it over.
        alerts: The pool alerts to sweep first (AP16), so the alerts that only time
            or a bulk load raised go out with the digests now due; ``None``: none.
    """

    def __init__(
        self,
        uow: MicroPoolStore,
        clock: Clock,
        ids: IdGenerator,
        delivery: DigestDelivery,
        *,
        lease: timedelta = DEFAULT_LEASE,
        alerts: PoolAlerts | None = None,
    ) -> None:
        if not isinstance(lease, timedelta) or lease <= timedelta(0):
            raise DomainError("lease", lease, "must be a positive timedelta")
        self._uow = uow
        self._clock = checked(clock)
        self._ids = ids
        self._delivery = delivery
        self._lease = lease
        self._alerts = alerts

    def run(self) -> DigestRun:
        """Send every digest due now, once; return what was sent, failed and skipped."""
        uow = self._uow
        failed: list[DeliveryFailure] = []
        if self._alerts is not None:
            try:
                self._alerts.sweep()
            except (StoreBusyError, ConflictError):
                pass  # another job is sweeping the same pools at this moment (AP16)
            except DeliveryError as e:
                failed.extend(e.failures)  # the alerts are saved, in the bell; reported here
        now = self._clock.now()
        stale_before = now - self._lease
        with uow:
            due = list(uow.digests.due(now, stale_before))
        sent: list[Digest] = []
        skipped: list[tuple[UserId, NotificationChannel]] = []
        for user_id, channel in due:
            claim_id = self._ids.new_id("digest")
            try:
                with uow:
                    notes = uow.digests.claim(user_id, channel, claim_id, now, stale_before)
                    uow.commit()
            except StoreBusyError:
                skipped.append((user_id, channel))  # another job is claiming them
                continue
            if not notes:
                skipped.append((user_id, channel))
                continue
            digest = Digest(claim_id, user_id, channel, now, notes)
            try:
                self._delivery.deliver_digest(digest)
            except Exception as exc:  # any sender fault: retried at the next run
                failed.append(DeliveryFailure(claim_id, user_id, channel.value, exc))
                self._settle(claim_id, delivered=False)
                continue
            self._settle(claim_id, delivered=True)
            sent.append(digest)
        return DigestRun(tuple(sent), tuple(failed), tuple(skipped))

    def _settle(self, claim_id: str, *, delivered: bool) -> None:
        """Record the outcome; if the store cannot, the lease hands the claim on later."""
        uow = self._uow
        try:
            with uow:
                if delivered:
                    uow.digests.sent(claim_id)
                else:
                    uow.digests.release(claim_id)
                uow.commit()
        except StorageError:
            # Sent but not recorded: the claim stays until the lease runs out (see the
            # module docs). Failed and not released: retried once the lease runs out.
            return
