"""Contracts for the unit of work and its audit trail (ST4).

A commit keeps a block's writes; leaving it, an exception or ``rollback``
undoes them, across every repository. ``uow.events`` keeps each event, in the
order appended.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from talentpool.audit import AccountSettingChanged, CandidateMatched, RepoolingRuleRemoved
from talentpool.criteria import QuickFilter, SpeaksLanguage
from talentpool.errors import NotFoundError
from talentpool.events import DomainEvent
from talentpool.ids import (
    AttachmentId,
    CandidateId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.model import (
    AccountSettings,
    Attachment,
    Dimension,
    RepoolingRule,
    RequisitionTemplate,
    SubmissionStatus,
    User,
)
from talentpool.testing.contracts.base import (
    _NOW,
    AdapterContract,
    _BoomError,
    _candidate,
    _requisition,
    _submission,
    _user,
)
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.strategies import STRUCTURES

__all__ = ["EventLogContract", "UnitOfWorkContract"]


def _events() -> list[DomainEvent]:
    rule = RepoolingRule(RepoolingRuleId("rr-1"), "Idle", 30)
    return [
        AccountSettingChanged(
            occurred_at=_NOW, actor_id=UserId("u-admin"), setting="autopool_enabled", enabled=True
        ),
        CandidateMatched(
            occurred_at=_NOW + timedelta(minutes=1),
            actor_id=UserId("u-1"),
            reason="strong fit",
            candidate_id=CandidateId("c-1"),
            requisition_id=RequisitionId("r-1"),
            submission_id=SubmissionId("s-1"),
            step="New",
            from_pool=True,
        ),
        RepoolingRuleRemoved(occurred_at=_NOW - timedelta(days=1), actor_id=None, rule=rule),
    ]


def _named_by_events() -> list[object]:
    """What :func:`_events` names, to save before appending them."""
    return [
        _user("u-admin"),
        _user("u-1"),
        _candidate("c-1"),
        _requisition("r-1"),
        _submission("s-1", "c-1", "r-1", 1),
    ]


class EventLogContract(AdapterContract):
    """``uow.events``: the audit trail keeps each event, in the order appended."""

    def test_events_read_back_in_the_order_appended(self) -> None:
        """Events of several kinds come back equal and in appending order, not by time."""
        events = _events()
        uow = self.stored(*_named_by_events())
        self.store(uow, *events[:2])
        self.store(uow, events[2])
        with uow:
            assert list(uow.events) == events
            assert [type(e) for e in uow.events] == [type(e) for e in events]

    def test_events_rewrite_replaces_in_place_and_is_undone_without_commit(self) -> None:
        """``rewrite`` (DM6) changes the events offered, keeps their places, counts them."""
        events = _events()
        uow = self.stored(*_named_by_events())
        self.store(uow, *events)

        def rename(event: DomainEvent) -> DomainEvent:
            if isinstance(event, CandidateMatched) and event.candidate_id == "c-1":
                return attrs.evolve(event, candidate_id=CandidateId("erased-1"), reason="x")
            return event

        with uow:
            assert uow.events.rewrite(("c-1",), rename) == 1
        with uow:
            assert list(uow.events) == events  # not committed: undone
            assert uow.events.rewrite(("c-1",), rename) == 1
            uow.commit()
        with uow:
            got = list(uow.events)
            assert [type(e) for e in got] == [type(e) for e in events]
            assert got[1] == rename(events[1])
            assert got[0] == events[0]
            assert got[2] == events[2]
            assert uow.events.rewrite(("c-1",), rename) == 0
            assert uow.events.rewrite((), rename) == 0


# --- the unit of work ---------------------------------------------------------------------


class UnitOfWorkContract(AdapterContract):
    """The unit of work: a commit keeps the block's writes; anything else undoes them."""

    def test_uow_commit_keeps_the_writes(self) -> None:
        """Writes of a committed block are there in the next block."""
        uow = self.make_uow()
        with uow:
            uow.users.save(_user("u-admin"))  # the first event's actor
            uow.candidates.save(_candidate("c-1"))
            uow.requisitions.save(_requisition("r-1"))
            uow.submissions.add(_submission("s-1", "c-1", "r-1", 1))
            uow.events.append(_events()[0])
            uow.commit()
        with uow:
            assert uow.candidates.get(CandidateId("c-1")) == _candidate("c-1")
            assert uow.submissions.get(SubmissionId("s-1")).candidate_id == "c-1"
            assert list(uow.events) == [_events()[0]]

    def test_uow_leaving_without_commit_undoes_every_write(self) -> None:
        """New, replaced and removed entities, added submissions and events all revert."""
        german = QuickFilter(QuickFilterId("q-1"), "Speaks German", SpeaksLanguage("de"))
        uow = self.stored(_user("u-admin"), _candidate("c-1"), _requisition("r-1"))
        self.commit(
            uow, lambda u: u.quick_filters.save(german), lambda u: u.events.append(_events()[0])
        )
        with uow:
            uow.candidates.save(_candidate("c-1", given_name="Jana"))
            uow.candidates.save(_candidate("c-2"))
            uow.requisitions.save(_requisition("r-1", title="Renamed"))
            uow.submissions.add(_submission("s-1", "c-1", "r-1", 0))
            uow.quick_filters.remove(german.id)
            uow.settings.save(AccountSettings(autopool_enabled=True))
            uow.repooling_rules.save(RepoolingRule(RepoolingRuleId("rr-1"), "Idle", 30))
            uow.templates.save(RequisitionTemplate(TemplateId("t-1"), "Cashier"))
            uow.users.save(User(UserId("u-1"), "Jan"))
            uow.structures.save(STRUCTURES[0])
            uow.attachments.save(Attachment(AttachmentId("a-1"), CandidateId("c-1"), "cv", _NOW))
            uow.events.append(_events()[1])
        self._assert_untouched(uow, german)

    def _assert_untouched(self, uow: FixtureStore, german: QuickFilter) -> None:
        with uow:
            assert uow.candidates.get(CandidateId("c-1")) == _candidate("c-1")
            assert [c.id for c in uow.candidates] == ["c-1"]
            assert uow.requisitions.get(RequisitionId("r-1")) == _requisition("r-1")
            assert list(uow.submissions) == []
            assert list(uow.submissions.for_candidate(CandidateId("c-1"))) == []
            assert uow.quick_filters.get(german.id) == german
            assert uow.settings.get() == AccountSettings()
            assert list(uow.repooling_rules) == []
            assert list(uow.users) == [_user("u-admin")]
            assert uow.structures.tree(Dimension.ORGANIZATION) is None
            assert list(uow.attachments.for_candidate(CandidateId("c-1"))) == []
            assert list(uow.events) == [_events()[0]]
            with pytest.raises(NotFoundError):
                uow.templates.get(TemplateId("t-1"))
        # the undone submission no longer holds its pair
        self.commit(uow, lambda u: u.submissions.add(_submission("s-2", "c-1", "r-1", 0)))
        with uow:
            assert [s.id for s in uow.submissions.for_requisition(RequisitionId("r-1"))] == ["s-2"]

    def test_uow_an_exception_undoes_the_writes_and_propagates(self) -> None:
        """An error inside the block undoes its writes and reaches the caller unchanged."""
        uow = self.make_uow()

        def fail_midway() -> None:
            with uow:
                uow.users.save(_user("u-admin"))
                uow.candidates.save(_candidate("c-1"))
                uow.events.append(_events()[0])
                raise _BoomError

        with pytest.raises(_BoomError):
            fail_midway()
        with uow:
            assert list(uow.candidates) == []
            assert list(uow.events) == []

    def test_uow_writes_after_a_commit_are_undone(self) -> None:
        """A commit keeps what came before it; what the block writes later is undone."""
        uow = self.make_uow()
        with uow:
            uow.users.save(_user("u-admin"))
            uow.candidates.save(_candidate("c-1"))
            uow.commit()
            uow.candidates.save(_candidate("c-2"))
            uow.events.append(_events()[0])
        with uow:
            assert [c.id for c in uow.candidates] == ["c-1"]
            assert list(uow.events) == []

    def test_uow_rollback_undoes_the_writes_so_far(self) -> None:
        """``rollback`` undoes the block's uncommitted writes at once."""
        uow = self.stored(_candidate("c-1"))
        with uow:
            uow.candidates.save(_candidate("c-1", given_name="Jana"))
            uow.candidates.save(_candidate("c-2"))
            uow.rollback()
            assert uow.candidates.get(CandidateId("c-1")) == _candidate("c-1")
            with pytest.raises(NotFoundError):
                uow.candidates.get(CandidateId("c-2"))

    def test_uow_rollback_after_a_commit_keeps_what_was_committed(self) -> None:
        """``rollback`` undoes only what came after the block's last commit."""
        uow = self.stored(_user("u-admin"), _candidate("c-1"), _requisition("r-1"))
        with uow:
            uow.submissions.add(_submission("s-1", "c-1", "r-1", 1))
            uow.commit()
            uow.submissions.save(
                _submission("s-1", "c-1", "r-1", 1, status=SubmissionStatus.INACTIVE)
            )
            uow.rollback()
            assert uow.submissions.get(SubmissionId("s-1")).status is SubmissionStatus.NEW
            uow.events.append(_events()[0])
            uow.commit()
        with uow:
            assert uow.submissions.get(SubmissionId("s-1")).status is SubmissionStatus.NEW
            assert list(uow.events) == [_events()[0]]

    def test_uow_an_undone_replacement_restores_the_listings(self) -> None:
        """A submission moved to another requisition, then undone, is listed where it was."""
        uow = self.stored(
            _candidate("c-1"),
            _requisition("r-1"),
            _requisition("r-2"),
            _submission("s-1", "c-1", "r-1", 1),
        )

        def move() -> None:
            with uow:
                uow.submissions.save(_submission("s-1", "c-1", "r-2", 1))
                raise _BoomError

        with pytest.raises(_BoomError):
            move()
        with uow:
            assert [s.id for s in uow.submissions.for_requisition(RequisitionId("r-1"))] == ["s-1"]
            assert list(uow.submissions.for_requisition(RequisitionId("r-2"))) == []
            assert [s.id for s in uow.submissions.for_candidate(CandidateId("c-1"))] == ["s-1"]

    def test_uow_undoing_an_event_keeps_an_equal_one_committed_earlier(self) -> None:
        """Undo removes the event appended in the block, not an equal one already kept."""
        event = _events()[0]
        uow = self.stored(_user("u-admin"), event)
        with uow:
            uow.events.append(event)
        with uow:
            assert list(uow.events) == [event]

    def test_uow_an_inner_commit_does_not_commit_the_outer_block(self) -> None:
        """Nested blocks join the outermost one, which alone decides."""
        uow = self.stored(_user("u-admin"))

        def action() -> None:
            with uow:
                uow.candidates.save(_candidate("c-1"))
                with uow:
                    uow.events.append(_events()[0])
                    uow.commit()
                raise _BoomError

        with pytest.raises(_BoomError):
            action()
        with uow:
            assert list(uow.candidates) == []
            assert list(uow.events) == []

    def test_uow_an_inner_block_that_fails_is_undone_and_the_outer_may_commit(self) -> None:
        """An exception leaving an inner block undoes its writes only; the outer goes on."""
        uow = self.make_uow()

        def inner() -> None:
            with uow:
                uow.candidates.save(_candidate("c-2"))
                raise _BoomError

        with uow:
            uow.candidates.save(_candidate("c-1"))
            with pytest.raises(_BoomError):
                inner()
            uow.commit()
        with uow:
            assert [c.id for c in uow.candidates] == ["c-1"]

    def test_uow_a_nested_block_after_a_commit_joins_the_next_transaction(self) -> None:
        """After the outermost commit an inner block's commit keeps nothing on its own."""
        uow = self.make_uow()
        with uow:
            uow.candidates.save(_candidate("c-1"))
            uow.commit()
            with uow:
                uow.candidates.save(_candidate("c-2"))
                uow.commit()  # joins the outer block, which never commits again
        with uow:
            assert [c.id for c in uow.candidates] == ["c-1"]

    def test_uow_commit_and_rollback_outside_a_block_touch_nothing(self) -> None:
        """Outside a block a write takes effect at once; commit and rollback do nothing."""
        uow = self.make_uow()
        uow.candidates.save(_candidate("c-1"))
        uow.rollback()
        uow.commit()
        with uow:
            assert [c.id for c in uow.candidates] == ["c-1"]
