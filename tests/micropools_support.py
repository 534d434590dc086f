"""Shared set-up for the micro-pool, visibility and notification tests (not collected)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import attrs

from talentpool.adapters.outbox import MemoryOutbox
from talentpool.events import DomainEvent
from talentpool.ids import RequisitionId, SubmissionId, UserId
from talentpool.micropools import MicroPools
from talentpool.model import Requisition, Role, Submission
from talentpool.testing import World
from talentpool.visibility import Visibility

E = TypeVar("E", bound=DomainEvent)


class Account:
    """A :class:`World` with the micro-pool services, an outbox and an administrator."""

    def __init__(self, world: World | None = None) -> None:
        self.world = world or World()
        self.uow = self.world.uow
        self.outbox = MemoryOutbox()
        self.pools = MicroPools(self.uow, self.world.clock, self.world.ids, self.outbox)
        self.vis = Visibility(self.uow, self.world.clock)
        self.admin = self.world.user("admin", "Ada Admin", Role.ADMINISTRATOR)

    def share_response(self, submission: Submission | str, *users: str) -> Submission:
        """Share a response with colleagues ("share with colleague")."""
        sid = submission.id if isinstance(submission, Submission) else SubmissionId(submission)
        current = self.uow.submissions.get(sid)
        shared = current.shared_with | {UserId(u) for u in users}
        updated = attrs.evolve(current, shared_with=shared)
        self.uow.submissions.save(updated)
        return updated

    def unshare_response(self, submission: Submission | str, *users: str) -> Submission:
        """Stop sharing a response with colleagues."""
        sid = submission.id if isinstance(submission, Submission) else SubmissionId(submission)
        current = self.uow.submissions.get(sid)
        updated = attrs.evolve(current, shared_with=current.shared_with - set(users))
        self.uow.submissions.save(updated)
        return updated

    def share_position(self, requisition: str, *users: str) -> Requisition:
        """Share a whole position with colleagues."""
        current = self.uow.requisitions.get(RequisitionId(requisition))
        updated = attrs.evolve(current, shared_with=current.shared_with | set(users))
        self.uow.requisitions.save(updated)
        return updated

    def unshare_position(self, requisition: str, *users: str) -> Requisition:
        """Stop sharing a position with colleagues."""
        current = self.uow.requisitions.get(RequisitionId(requisition))
        updated = attrs.evolve(current, shared_with=current.shared_with - set(users))
        self.uow.requisitions.save(updated)
        return updated

    def events(self, kind: type[E]) -> list[E]:
        """Every recorded event of *kind*, oldest first."""
        return [e for e in self.uow.events if isinstance(e, kind)]


def ids(items: Iterable[object]) -> set[str]:
    """The candidate ids of rows, cards or candidates."""
    out = set()
    for item in items:
        candidate = getattr(item, "candidate", item)
        out.add(str(candidate.id))
    return out
