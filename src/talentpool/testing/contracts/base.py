"""What every contract shares: :class:`AdapterContract` and the fixtures' building blocks (ST4).

:class:`AdapterContract` is the one class a host implements: its
:meth:`~AdapterContract.make_uow` returns a fresh, empty unit of work over the
adapter under test, and every contract in :mod:`talentpool.testing.contracts`
derives from it. The helpers here build the small, plain entities the
contracts' fixtures are made of, all at :data:`~talentpool.testing.DEFAULT_NOW`.

Fixtures save what they refer to first (users, then templates, candidates,
requisitions, submissions, and what hangs off those), so a store that enforces
foreign keys runs every contract unchanged.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from talentpool.criteria import QuickFilter
from talentpool.events import DomainEvent
from talentpool.ids import CandidateId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    AccountSettings,
    Attachment,
    Candidate,
    RepoolingRule,
    Requisition,
    RequisitionTemplate,
    StructureTree,
    Submission,
    SubmissionStatus,
    User,
)
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.world import DEFAULT_NOW

__all__ = ["AdapterContract"]


_NOW = DEFAULT_NOW
_PRAGUE = ZoneInfo("Europe/Prague")
_STATUSES = st.sampled_from(SubmissionStatus)
_T = TypeVar("_T")


# --- building blocks --------------------------------------------------------------------


def _candidate(cid: str, **changes: Any) -> Candidate:
    base = Candidate(CandidateId(cid), "Eva", "Nováková", _NOW - timedelta(days=400))
    return attrs.evolve(base, **changes)


def _requisition(rid: str, **changes: Any) -> Requisition:
    base = Requisition(RequisitionId(rid), f"Position {rid}", _NOW - timedelta(days=100))
    return attrs.evolve(base, **changes)


def _submission(sid: str, cid: str, rid: str, days_ago: int, **changes: Any) -> Submission:
    when = _NOW - timedelta(days=days_ago)
    base = Submission(SubmissionId(sid), CandidateId(cid), RequisitionId(rid), when)
    return attrs.evolve(base, **changes)


def _user(uid: str, **changes: Any) -> User:
    # Every user, subscriber, sharer and actor a fixture names is saved with one of these first.
    return attrs.evolve(User(UserId(uid), uid), **changes)


class AdapterContract(abc.ABC):
    """The base of every contract: how its tests get a store of the adapter under test.

    A host writes one subclass that implements :meth:`make_uow` and lists it
    before each contract it runs (see :mod:`talentpool.testing.contracts`).
    """

    @abc.abstractmethod
    def make_uow(self) -> FixtureStore:
        """Return a fresh unit of work over an empty store of the adapter under test.

        Called once per test and once per hypothesis example.
        """

    def commit(self, uow: FixtureStore, *writes: Callable[[FixtureStore], object]) -> None:
        """Run *writes* on *uow* in one unit of work and commit it."""
        with uow:
            for write in writes:
                write(uow)
            uow.commit()

    def store(self, uow: FixtureStore, *items: object) -> None:
        """Save *items* into *uow*, in order, in one committed unit of work.

        Each goes to the repository of its type; a :class:`~talentpool.events.DomainEvent`
        is appended to the audit trail.
        """
        with uow:
            for item in items:
                _save(uow, item)
            uow.commit()

    def stored(self, *items: object) -> FixtureStore:
        """Return a fresh store holding *items* (see :meth:`store`)."""
        uow = self.make_uow()
        self.store(uow, *items)
        return uow


def _save(uow: FixtureStore, item: object) -> None:
    if isinstance(item, Candidate):
        uow.candidates.save(item)
    elif isinstance(item, Requisition):
        uow.requisitions.save(item)
    elif isinstance(item, Submission):
        uow.submissions.save(item)
    elif isinstance(item, StructureTree):
        uow.structures.save(item)
    elif isinstance(item, User):
        uow.users.save(item)
    elif isinstance(item, RequisitionTemplate):
        uow.templates.save(item)
    elif isinstance(item, QuickFilter):
        uow.quick_filters.save(item)
    elif isinstance(item, AccountSettings):
        uow.settings.save(item)
    elif isinstance(item, Attachment):
        uow.attachments.save(item)
    elif isinstance(item, RepoolingRule):
        uow.repooling_rules.save(item)
    elif isinstance(item, DomainEvent):
        uow.events.append(item)
    else:  # pragma: no cover - a mistake in a contract, not in an adapter
        msg = f"the contracts cannot store {item!r}"
        raise TypeError(msg)


def _every_store(test: _T) -> _T:
    """Let one property test run for each store a session checks.

    Every host subclass is another executor of the same ``@given`` test, which
    hypothesis's ``differing_executors`` health check refuses; here that is by
    design (what is drawn never depends on the store), so it is suppressed.
    Every other setting comes, as for any ``@given`` test, from the hypothesis
    profile loaded when the contracts are imported.
    """
    # settings() copies the profile loaded now, as @given does when it wraps the test
    suppressed = [*settings().suppress_health_check, HealthCheck.differing_executors]
    return settings(suppress_health_check=suppressed)(test)


class _BoomError(Exception):
    """An error no adapter raises, to leave a unit of work by an exception."""
