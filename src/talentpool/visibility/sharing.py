"""Colleague shares (MP2, MP9, MP11): "share with colleague" and sharing a position, audited.

A user who owns a response (a submission) may share it with a colleague, who then
owns that candidate; a user who owns a position may share the whole position, and
the colleague owns every candidate registered on it (MP2). :class:`ColleagueShares`
is the service a host calls for both, and for withdrawing either:

* **Who.** Only a user who owns the response or the position, or a system
  administrator, may share or withdraw it. A user owns a *position* when it is
  theirs (its owner) or was shared with them, and a *response* when it was shared
  with them or they own its position. Seeing the whole database through a role or
  permission owns every candidate, not every colleague's work: it does not by itself
  let a user share someone's response. Anyone else gets
  :class:`~talentpool.errors.PermissionDeniedError` and nothing changes.
* **Audited (MP9).** Each grant is a :class:`~talentpool.events.ColleagueShareGranted`
  event and each withdrawal a :class:`~talentpool.events.ColleagueShareWithdrawn`,
  in the same unit of work as the change, naming the colleague, the share and the
  candidates it covers. Sharing what is already shared, or withdrawing what is not,
  changes nothing and records nothing.
* **History.** :meth:`ColleagueShares.access_history` folds those events and the
  tag-share events of :mod:`talentpool.micropools` into periods: who could see a
  candidate, since when, until when, and why. A position share covers a candidate
  who registers on the position later from their submission on.

Shares a host writes through the SQL store's sync API (its own users' actions
replayed into the store) are the host's data and carry no event; to have the
library decide and audit them, call this service instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from talentpool.clock import Clock, checked, utc
from talentpool.errors import PermissionDeniedError
from talentpool.events import (
    ColleagueShareGranted,
    ColleagueShareWithdrawn,
    DomainEvent,
    TagShareGranted,
    TagShareRevoked,
)
from talentpool.guards import require_administrator
from talentpool.ids import CandidateId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    Application,
    Requisition,
    Share,
    ShareKind,
    Submission,
    Tag,
    User,
)
from talentpool.ports import MicroPoolStore
from talentpool.validators import aware, aware_or_none

__all__ = [
    "AccessPeriod",
    "ColleagueShares",
    "access_history",
    "owns_position",
    "owns_response",
]


def owns_position(user: User, requisition: Requisition) -> bool:
    """Whether *user* may share or withdraw *requisition*: it is theirs or shared with them."""
    return user.is_administrator or user.id in (requisition.owner_id, *requisition.shared_with)


def owns_response(user: User, submission: Submission, requisition: Requisition) -> bool:
    """Whether *user* may share or withdraw *submission*: it was shared with them, or they own
    its position (*requisition*)."""
    return user.id in submission.shared_with or owns_position(user, requisition)


# --- the history ----------------------------------------------------------------------


@attrs.frozen
class AccessPeriod:
    """One way one user could see a candidate, from when until when (MP9, MP11).

    Attributes:
        user_id: Who could see the candidate.
        candidate_id: Whom.
        reason: Why, in words: ``"response s-1 shared with them"``,
            ``"position r-1 shared with them"``, ``"in micro-pool Brno"``.
        since: When it began: the grant, or for a position share the candidate's
            submission on the position if that came later.
        until: When it ended, or ``None`` while it lasts.
        granted_by: Who granted it (``None``: the system).
        withdrawn_by: Who ended it, if it ended.
        share: The colleague share behind it (a response or a position), if any.
        micro_pool: The micro-pool behind it (a tag share), if any.
    """

    user_id: UserId
    candidate_id: CandidateId
    reason: str
    since: datetime = attrs.field(validator=aware)
    until: datetime | None = attrs.field(default=None, validator=aware_or_none)
    granted_by: UserId | None = None
    withdrawn_by: UserId | None = None
    share: Share | None = None
    micro_pool: Tag | None = None

    @property
    def current(self) -> bool:
        """Whether the access lasts now."""
        return self.until is None

    def __str__(self) -> str:
        until = "now" if self.until is None else self.until.isoformat()
        return f"{self.user_id}: {self.reason}, {self.since.isoformat()} to {until}"


def _opening(
    event: ColleagueShareGranted, candidate_id: CandidateId, registered: dict[str, datetime]
) -> datetime | None:
    """When *event* began to cover the candidate, or ``None`` if it does not."""
    share = event.share
    if share.kind is ShareKind.POSITION_SHARED:
        since = registered.get(share.requisition_id or "")
        if since is None:
            return None
        return max(event.occurred_at, since, key=utc)
    return event.occurred_at if candidate_id in event.candidate_ids else None


def access_history(
    events: Iterable[DomainEvent],
    candidate_id: CandidateId,
    applications: Iterable[Application] = (),
) -> tuple[AccessPeriod, ...]:
    """Fold the audit trail into who could see *candidate_id*, since when and why (MP9, MP11).

    *events* is the audit trail, oldest first; *applications* are the candidate's
    submissions with their requisitions (``CandidateRecord.applications``), so a
    position share covers the candidate from their submission on. Each colleague
    share or micro-pool opens a period when granted and closes it when withdrawn or
    revoked; a grant while a period is open, or a withdrawal while none is, changes
    nothing. Periods come in order of their start, then by user and reason.
    """
    on: dict[str, datetime] = {}
    for app in applications:
        rid, at = app.requisition.id, app.submission.submitted_at
        if rid not in on or utc(at) < utc(on[rid]):
            on[rid] = at
    open_periods: dict[tuple[object, ...], AccessPeriod] = {}
    done: list[AccessPeriod] = []
    for event in events:
        if isinstance(event, ColleagueShareGranted | ColleagueShareWithdrawn):
            key: tuple[object, ...] = (event.user_id, event.share)
            if isinstance(event, ColleagueShareGranted):
                since = _opening(event, candidate_id, on)
                if since is not None and key not in open_periods:
                    open_periods[key] = AccessPeriod(
                        event.user_id,
                        candidate_id,
                        str(event.share),
                        since,
                        granted_by=event.actor_id,
                        share=event.share,
                    )
            elif key in open_periods:
                period = open_periods.pop(key)
                if utc(period.since) <= utc(event.occurred_at):  # registered after it ended: none
                    done.append(
                        attrs.evolve(period, until=event.occurred_at, withdrawn_by=event.actor_id)
                    )
        elif isinstance(event, TagShareGranted | TagShareRevoked):
            if event.candidate_id != candidate_id:
                continue
            key = (event.user_id, event.micro_pool.key)
            if isinstance(event, TagShareGranted):
                if key not in open_periods:
                    open_periods[key] = AccessPeriod(
                        event.user_id,
                        candidate_id,
                        f"in micro-pool {event.micro_pool.label}",
                        event.occurred_at,
                        granted_by=event.actor_id,
                        micro_pool=event.micro_pool,
                    )
            elif key in open_periods:
                period = open_periods.pop(key)
                done.append(
                    attrs.evolve(period, until=event.occurred_at, withdrawn_by=event.actor_id)
                )
    periods = done + list(open_periods.values())
    return tuple(sorted(periods, key=lambda p: (utc(p.since), p.user_id, p.reason)))


# --- the service ----------------------------------------------------------------------


class ColleagueShares:
    """Share a response or a position with a colleague, withdraw it, and read the history.

    Args:
        uow: Where everything is read and written; each call is one unit of work.
        clock: When each grant and withdrawal happened.
    """

    def __init__(self, uow: MicroPoolStore, clock: Clock) -> None:
        self._uow = uow
        self._clock = checked(clock)

    def share_response(
        self, actor_id: UserId, submission_id: SubmissionId, colleague_id: UserId
    ) -> Submission:
        """Share one response with *colleague_id*, who then owns its candidate (MP11).

        Raises ``PermissionDeniedError`` unless *actor_id* owns the response or is an
        administrator, and ``NotFoundError`` for an unknown user or response;
        nothing is written then. Sharing it again changes nothing.
        """
        return self._response(actor_id, submission_id, colleague_id, shared=True)

    def withdraw_response(
        self, actor_id: UserId, submission_id: SubmissionId, colleague_id: UserId
    ) -> Submission:
        """Withdraw a response shared with *colleague_id* (MP11), as :meth:`share_response`."""
        return self._response(actor_id, submission_id, colleague_id, shared=False)

    def share_position(
        self, actor_id: UserId, requisition_id: RequisitionId, colleague_id: UserId
    ) -> Requisition:
        """Share a whole position with *colleague_id*, who then owns its candidates (MP11).

        Raises ``PermissionDeniedError`` unless *actor_id* owns the position or is an
        administrator, and ``NotFoundError`` for an unknown user or requisition;
        nothing is written then. Sharing it again changes nothing.
        """
        return self._position(actor_id, requisition_id, colleague_id, shared=True)

    def withdraw_position(
        self, actor_id: UserId, requisition_id: RequisitionId, colleague_id: UserId
    ) -> Requisition:
        """Withdraw a position shared with *colleague_id* (MP11), as :meth:`share_position`."""
        return self._position(actor_id, requisition_id, colleague_id, shared=False)

    def access_history(
        self, admin_id: UserId, candidate_id: CandidateId
    ) -> tuple[AccessPeriod, ...]:
        """Who could see the candidate, since when and why: colleague and tag shares (MP9).

        Administrators only (``PermissionDeniedError`` otherwise); ``NotFoundError``
        for an unknown candidate. See :func:`access_history`.
        """
        with self._uow:  # one consistent state; nothing is written
            require_administrator(self._uow.users, admin_id, "read the access history")
            record = self._uow.candidates.record(candidate_id)
            return access_history(self._uow.events, candidate_id, record.applications)

    # --- the writes -------------------------------------------------------------------

    def _actor(self, actor_id: UserId) -> User:
        return self._uow.users.get(actor_id)

    def _response(
        self, actor_id: UserId, submission_id: SubmissionId, colleague_id: UserId, *, shared: bool
    ) -> Submission:
        uow = self._uow
        with uow:
            actor = self._actor(actor_id)
            before = uow.shares.response(submission_id)
            position = uow.requisitions.get(before.requisition_id)
            verb = "share" if shared else "withdraw"
            if not owns_response(actor, before, position):
                msg = (
                    f"user {actor_id!r} may not {verb} response {submission_id!r}: only a user "
                    "who owns the response or its position, or an administrator, may"
                )
                raise PermissionDeniedError(msg)
            uow.users.get(colleague_id)
            if (colleague_id in before.shared_with) is shared:
                return before
            after = uow.shares.share_response(submission_id, colleague_id, shared=shared)
            share = Share(ShareKind.RESPONSE_SHARED, after.requisition_id, after.id)
            self._record(actor_id, colleague_id, share, (after.candidate_id,), shared=shared)
            uow.commit()
        return after

    def _position(
        self, actor_id: UserId, requisition_id: RequisitionId, colleague_id: UserId, *, shared: bool
    ) -> Requisition:
        uow = self._uow
        with uow:
            actor = self._actor(actor_id)
            before = uow.requisitions.get(requisition_id)
            verb = "share" if shared else "withdraw"
            if not owns_position(actor, before):
                msg = (
                    f"user {actor_id!r} may not {verb} position {requisition_id!r}: only a user "
                    "who owns the position, or an administrator, may"
                )
                raise PermissionDeniedError(msg)
            uow.users.get(colleague_id)
            if (colleague_id in before.shared_with) is shared:
                return before
            after = uow.shares.share_position(requisition_id, colleague_id, shared=shared)
            share = Share(ShareKind.POSITION_SHARED, requisition_id)
            covered = tuple(uow.shares.registered(requisition_id))
            self._record(actor_id, colleague_id, share, covered, shared=shared)
            uow.commit()
        return after

    def _record(
        self,
        actor_id: UserId,
        colleague_id: UserId,
        share: Share,
        candidate_ids: tuple[CandidateId, ...],
        *,
        shared: bool,
    ) -> None:
        now = self._clock.now()
        if shared:
            self._uow.events.append(
                ColleagueShareGranted(
                    occurred_at=now,
                    actor_id=actor_id,
                    reason=f"{actor_id} shared {_what(share)} with {colleague_id}",
                    user_id=colleague_id,
                    share=share,
                    candidate_ids=candidate_ids,
                )
            )
        else:
            self._uow.events.append(
                ColleagueShareWithdrawn(
                    occurred_at=now,
                    actor_id=actor_id,
                    reason=f"{actor_id} withdrew {_what(share)} from {colleague_id}",
                    user_id=colleague_id,
                    share=share,
                    candidate_ids=candidate_ids,
                )
            )


def _what(share: Share) -> str:
    if share.kind is ShareKind.RESPONSE_SHARED:
        return f"response {share.submission_id} (position {share.requisition_id})"
    return f"position {share.requisition_id}"
