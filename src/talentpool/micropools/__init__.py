"""Micro-pools (MP1, MP5, MP7–MP9, EN5): tag tracking that shares candidates automatically.

A user who tracks a tag has a micro-pool: every candidate carrying the tag
appears in their candidate database (a *tag share*, see
:mod:`talentpool.visibility`) and in a virtual folder named after the tag.
:class:`MicroPools` is the service a host calls:

* **Tag tracking (MP1).** Only administrators set up or remove a subscription,
  for themselves or for any colleague (:meth:`MicroPools.subscribe`,
  :meth:`MicroPools.unsubscribe`); anyone else gets
  :class:`~talentpool.errors.PermissionDeniedError` and nothing changes.
  Before saving, :meth:`MicroPools.dry_run_subscribe` and
  :meth:`MicroPools.dry_run_unsubscribe` say which candidates the user would gain
  or lose (EN5): only candidates they could not see before, or could see only
  through this tag, count; owners gain and lose nothing.
* **Folders (MP5).** :meth:`MicroPools.folders` lists a user's micro-pools with
  their candidate counts; each folder's :attr:`MicroPoolFolder.criterion`
  combines with any other criterion, and
  :meth:`~talentpool.visibility.Visibility.candidates` opens it (MP6).
* **Tagging and notifications (MP7, MP8).** Candidates enter micro-pools when
  they are created with a tracked tag (:meth:`MicroPools.add_candidate`, for
  example from a collection form) or tagged later (:meth:`MicroPools.tag`,
  :meth:`MicroPools.set_tags`). Each tracker gets **one** notification per call,
  naming every micro-pool the candidate entered, on the channels of
  :mod:`talentpool.notifications`. The person who made the change is **not**
  notified of their own action: they already know. A candidate created by the
  system or by themselves (``actor_id=None``) notifies every tracker. Setting up a
  subscription notifies nobody about the candidates already in the micro-pool:
  the dry run shows them to the administrator and the audit trail records them.
  Only an owner of the candidate may change their tags: a tag share is
  view-only (MP3), so a viewer who sees the candidate only through a micro-pool
  gets :class:`~talentpool.errors.PermissionDeniedError`.
* **Delivery after commit.** Notifications are delivered only after the
  service's own unit of work committed. Every notification is offered on every
  channel even if one delivery fails; failures are then raised together as one
  :class:`~talentpool.errors.DeliveryError`, and the change itself stays saved.
  A host that wraps the call in an outer unit of work and then rolls that back
  undoes the data but cannot recall notifications already sent.
* **Digests (MP10).** Each user chooses, per channel, immediate delivery (the
  default) or an hourly or daily digest
  (:meth:`MicroPools.set_delivery_mode`); the bell is always immediate. A
  channel set to a digest queues the notification instead of sending it, and
  :class:`DigestJob`, run by the host on a schedule, sends each due digest once,
  naming every candidate and micro-pool it gathers (:mod:`talentpool.micropools.digests`).
* **Audited grants (MP9).** Every tag share gained or lost, whether through a tag or
  a subscription, is a :class:`~talentpool.events.TagShareGranted` or
  :class:`~talentpool.events.TagShareRevoked` event in the same unit of work,
  one per user, candidate and micro-pool, with its cause, the actor and the
  user's access level afterwards. Folding them answers "who could see this
  candidate through a tag, since when, and why". The events live with every
  other in :mod:`talentpool.events` and are importable from here too.

Hosts must change tags through this service (not by saving candidates
directly) for notifications and grant events to happen; visibility itself is
derived from current data and needs no service call (MP4).
"""

from __future__ import annotations

from talentpool.events import (
    SubscriptionAdded,
    SubscriptionRemoved,
    TagShareCause,
    TagShareGranted,
    TagShareRevoked,
)
from talentpool.micropools.digests import DEFAULT_LEASE, DigestJob, DigestRun
from talentpool.micropools.folders import (
    MicroPoolFolder,
    SubscriptionDryRun,
)
from talentpool.micropools.service import (
    MicroPools,
)

__all__ = [
    "DEFAULT_LEASE",
    "DigestJob",
    "DigestRun",
    "MicroPoolFolder",
    "MicroPools",
    "SubscriptionAdded",
    "SubscriptionDryRun",
    "SubscriptionRemoved",
    "TagShareCause",
    "TagShareGranted",
    "TagShareRevoked",
]
