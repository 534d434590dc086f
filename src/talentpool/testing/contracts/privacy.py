"""Contracts for the erasure port (ST4, DM6).

``uow.erasure`` removes one candidate from every table the store holds, inside
the unit of work: what a host reads afterwards through any port finds nothing
of them, a rollback brings all of it back, and an unknown id is no error.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from talentpool.errors import NotFoundError
from talentpool.ids import AttachmentId, CandidateId, NotificationId, RequisitionId, UserId
from talentpool.model import Attachment, Tag
from talentpool.notifications import (
    DigestEntry,
    Notification,
    NotificationChannel,
    NotificationType,
)
from talentpool.ports import ErasedRows
from talentpool.queries import CandidateDatabaseQuery, Viewer
from talentpool.testing.contracts.base import (
    _NOW,
    AdapterContract,
    _candidate,
    _requisition,
    _submission,
    _user,
)
from talentpool.testing.fixtures import FixtureStore

__all__ = ["CandidateEraserContract"]

_C1, _C2 = CandidateId("c-1"), CandidateId("c-2")
_PRAHA = Tag("Praha")


def _note(nid: str, cid: CandidateId) -> Notification:
    return Notification(
        NotificationId(nid),
        UserId("u-1"),
        NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
        _NOW - timedelta(minutes=5),
        cid,
        "Eva Nováková" if cid == _C1 else "Petr Malý",
        (_PRAHA,),
    )


class CandidateEraserContract(AdapterContract):
    """``uow.erasure``: a candidate removed from every table, undone with the unit of work."""

    def scene(self) -> FixtureStore:
        """c-1 and c-2 tagged Praha, both on r-1; c-1 with an attachment, excluded from r-2's
        pool, in u-1's bell and waiting for u-1's email digest."""
        uow = self.stored(
            _user("u-1"),
            _requisition("r-1"),
            _requisition("r-2"),
            _candidate("c-1", tags=frozenset({_PRAHA})),
            _candidate("c-2", tags=frozenset({_PRAHA})),
            _submission("s-1", "c-1", "r-1", 3),
            _submission("s-2", "c-2", "r-1", 2),
            Attachment(AttachmentId("a-1"), _C1, "cv.pdf", _NOW, RequisitionId("r-1")),
        )
        notes = [_note("n-1", _C1), _note("n-2", _C2)]
        self.commit(
            uow,
            lambda u: u.requisitions.exclude_from_pool(RequisitionId("r-2"), _C1),
            *(lambda u, n=n: u.notifications.save(n) for n in notes),
            lambda u: u.digests.add(
                [DigestEntry(n.id, n.user_id, NotificationChannel.EMAIL, _NOW) for n in notes]
            ),
        )
        return uow

    def _everywhere(self, uow: FixtureStore) -> dict[str, object]:
        """What the ports say about c-1 and c-2."""
        with uow:
            listing = CandidateDatabaseQuery(Viewer(UserId("u-1"), whole_database=True), _NOW)
            return {
                "ids": sorted(uow.candidates.search_ids(listing)),
                "tagged": sorted(uow.visibility.tagged(_PRAHA)),
                "counts": dict(uow.visibility.tag_counts((_PRAHA,))),
                "r-1": [s.id for s in uow.submissions.for_requisition(RequisitionId("r-1"))],
                "c-1 subs": [s.id for s in uow.submissions.for_candidate(_C1)],
                "attachments": [a.id for a in uow.attachments.for_candidate(_C1)],
                "bell": [n.id for n in uow.notifications.for_user(UserId("u-1"))],
                "digest": [e.notification_id for e in uow.digests.waiting(UserId("u-1"))],
                "excluded": sorted(uow.requisitions.get(RequisitionId("r-2")).pool_exclusions),
            }

    def test_erase_removes_the_candidate_from_every_table(self) -> None:
        uow = self.scene()
        with uow:
            rows = uow.erasure.erase(_C1)
            uow.commit()
        assert rows == ErasedRows(True, 1, 1, 1, 1)
        assert self._everywhere(uow) == {
            "ids": ["c-2"],
            "tagged": ["c-2"],
            "counts": {"praha": 1},
            "r-1": ["s-2"],
            "c-1 subs": [],
            "attachments": [],
            "bell": ["n-2"],
            "digest": ["n-2"],
            "excluded": [],
        }
        with uow, pytest.raises(NotFoundError):
            uow.candidates.get(_C1)

    def test_erasing_an_unknown_candidate_removes_nothing(self) -> None:
        uow = self.scene()
        before = self._everywhere(uow)
        with uow:
            assert uow.erasure.erase(CandidateId("c-404")) == ErasedRows()
            uow.commit()
        assert self._everywhere(uow) == before

    def test_an_erasure_is_undone_with_its_unit_of_work(self) -> None:
        uow = self.scene()
        before = self._everywhere(uow)
        with uow:
            uow.erasure.erase(_C1)
        assert self._everywhere(uow) == before
        with uow:
            assert uow.candidates.get(_C1).tags == frozenset({_PRAHA})
