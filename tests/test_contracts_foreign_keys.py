"""ST4: the contract suite passes unchanged on a store that enforces foreign keys.

A host's database refuses a submission whose candidate it does not hold, a
requisition owned by an unknown user, a notification for nobody. So the
contracts' fixtures must save what they refer to before they refer to it.
:class:`ForeignKeyUnitOfWork` is the in-memory reference with those foreign
keys added: every write that names a user, template, candidate, requisition or
submission the store does not hold (uncommitted writes of the same unit of work
count, as in a transaction) raises :class:`ForeignKeyError`. Every contract runs
against it here, one line each, as a host's adapter tests would.

Structure nodes are not checked: a tree is saved whole, and nothing in the ports
asks a store to refuse a node no tree holds yet.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.audit import CandidateMatched
from talentpool.errors import NotFoundError
from talentpool.events import DomainEvent
from talentpool.ids import (
    AttachmentId,
    CandidateId,
    NotificationId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.model import (
    Attachment,
    Candidate,
    Requisition,
    Submission,
    Subscription,
    Tag,
    User,
)
from talentpool.notifications import (
    DigestEntry,
    Notification,
    NotificationSettings,
    NotificationType,
)
from talentpool.testing import World, contracts

_WHEN = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class ForeignKeyError(Exception):
    """A write named an id the store does not hold."""


class _Checked:
    """A repository whose writes are checked first; every read goes to the one it wraps."""

    def __init__(self, inner: Any, check: Callable[[Any], None]) -> None:
        self._inner, self._check = inner, check

    def save(self, item: Any) -> None:
        """Check *item*'s references, then save it."""
        self._check(item)
        self._inner.save(item)

    def add(self, item: Any) -> None:
        """Check *item*'s references, then add it."""
        self._check(item)
        self._inner.add(item)

    def append(self, item: Any) -> None:
        """Check *item*'s references, then append it."""
        self._check(item)
        self._inner.append(item)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)


class ForeignKeyUnitOfWork(MemoryUnitOfWork):
    """The in-memory reference, refusing any write that names an id it does not hold."""

    def __init__(self) -> None:
        super().__init__()
        self.requisitions = _Checked(self.requisitions, self._requisition)  # type: ignore[assignment]
        self.submissions = _Checked(self.submissions, self._submission)  # type: ignore[assignment]
        self.attachments = _Checked(self.attachments, self._attachment)  # type: ignore[assignment]
        self.subscriptions = _Checked(self.subscriptions, self._subscription)  # type: ignore[assignment]
        self.notification_settings = _Checked(  # type: ignore[assignment]
            self.notification_settings, self._notification_settings
        )
        self.notifications = _Checked(self.notifications, self._notification)  # type: ignore[assignment]
        self.digests = _Checked(self.digests, self._digest_entries)  # type: ignore[assignment]
        self.events = _Checked(self.events, self._event)  # type: ignore[assignment]

    def _refuse_unknown(self, what: object, kind: str, ids: tuple[Any, ...]) -> None:
        getters: dict[str, Callable[[Any], object]] = {
            "user": self.users.get,
            "template": self.templates.get,
            "candidate": self.candidates.get,
            "requisition": self.requisitions.get,
            "submission": self.submissions.get,
        }
        get = getters[kind]
        for ref in ids:
            if ref is None:
                continue
            try:
                get(ref)
            except NotFoundError:
                msg = f"{kind} {ref!r} is not in the store, so it cannot be named by {what!r}"
                raise ForeignKeyError(msg) from None

    def _requisition(self, r: Requisition) -> None:
        self._refuse_unknown(r, "user", (r.owner_id, *sorted(r.shared_with)))
        self._refuse_unknown(r, "template", (r.template_id,))
        self._refuse_unknown(r, "candidate", tuple(sorted(r.pool_exclusions)))

    def _submission(self, s: Submission) -> None:
        self._refuse_unknown(s, "candidate", (s.candidate_id,))
        self._refuse_unknown(s, "requisition", (s.requisition_id,))
        self._refuse_unknown(s, "user", tuple(sorted(s.shared_with)))

    def _attachment(self, a: Attachment) -> None:
        self._refuse_unknown(a, "candidate", (a.candidate_id,))
        self._refuse_unknown(a, "requisition", (a.requisition_id,))

    def _subscription(self, s: Subscription) -> None:
        self._refuse_unknown(s, "user", (s.user_id, s.created_by))

    def _notification_settings(self, s: NotificationSettings) -> None:
        self._refuse_unknown(s, "user", (s.user_id,))

    def _notification(self, n: Notification) -> None:
        self._refuse_unknown(n, "user", (n.user_id, n.actor_id))
        self._refuse_unknown(n, "candidate", (n.candidate_id,))

    def _digest_entries(self, entries: Sequence[DigestEntry]) -> None:
        for e in entries:
            self._refuse_unknown(e, "user", (e.user_id,))
            if all(n.id != e.notification_id for n in self.notifications):
                msg = f"notification {e.notification_id!r} is not in the store"
                raise ForeignKeyError(msg)

    def _event(self, e: DomainEvent) -> None:
        self._refuse_unknown(e, "user", (e.actor_id,))
        for kind in ("template", "candidate", "requisition", "submission"):
            self._refuse_unknown(e, kind, (getattr(e, f"{kind}_id", None),))


# --- the store refuses what it should, so passing the suite means something -----------------


def _candidate(cid: str) -> Candidate:
    return Candidate(CandidateId(cid), "Eva", "Nováková", _WHEN)


def _requisition(rid: str, **changes: Any) -> Requisition:
    return Requisition(RequisitionId(rid), "Cashier", _WHEN, **changes)


def _submission(sid: str, cid: str, rid: str, **changes: Any) -> Submission:
    return Submission(SubmissionId(sid), CandidateId(cid), RequisitionId(rid), _WHEN, **changes)


def _notification(uid: str, cid: str, actor: str | None = None) -> Notification:
    return Notification(
        NotificationId("n-1"),
        UserId(uid),
        NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
        _WHEN,
        CandidateId(cid),
        "Eva Nováková",
        (Tag("Praha"),),
        actor_id=None if actor is None else UserId(actor),
    )


def _matched(actor: str, cid: str, rid: str, sid: str) -> CandidateMatched:
    return CandidateMatched(
        occurred_at=_WHEN,
        actor_id=UserId(actor),
        candidate_id=CandidateId(cid),
        requisition_id=RequisitionId(rid),
        submission_id=SubmissionId(sid),
        step="New",
        from_pool=True,
    )


def _known_world(uow: MemoryUnitOfWork) -> None:
    """What the refusals below may name: u-1, candidate c-1, requisition r-1, submission s-1."""
    with uow:
        uow.users.save(User(UserId("u-1"), "Jan"))
        uow.candidates.save(_candidate("c-1"))
        uow.requisitions.save(_requisition("r-1"))
        uow.submissions.add(_submission("s-1", "c-1", "r-1"))
        uow.commit()


DANGLING: dict[str, Callable[[MemoryUnitOfWork], None]] = {
    "submission, unknown candidate": lambda u: u.submissions.add(_submission("s-2", "c-9", "r-1")),
    "submission, unknown requisition": lambda u: u.submissions.save(
        _submission("s-2", "c-1", "r-9")
    ),
    "submission shared with an unknown user": lambda u: u.submissions.save(
        _submission("s-1", "c-1", "r-1", shared_with=frozenset({UserId("u-9")}))
    ),
    "requisition, unknown owner": lambda u: u.requisitions.save(
        _requisition("r-2", owner_id=UserId("u-9"))
    ),
    "requisition shared with an unknown user": lambda u: u.requisitions.save(
        _requisition("r-2", shared_with=frozenset({UserId("u-9")}))
    ),
    "requisition, unknown template": lambda u: u.requisitions.save(
        _requisition("r-2", template_id=TemplateId("t-9"))
    ),
    "requisition excluding an unknown candidate": lambda u: u.requisitions.save(
        _requisition("r-2", pool_exclusions=frozenset({CandidateId("c-9")}))
    ),
    "attachment, unknown candidate": lambda u: u.attachments.save(
        Attachment(AttachmentId("a-1"), CandidateId("c-9"), "cv.pdf", _WHEN)
    ),
    "attachment, unknown requisition": lambda u: u.attachments.save(
        Attachment(AttachmentId("a-1"), CandidateId("c-1"), "cv.pdf", _WHEN, RequisitionId("r-9"))
    ),
    "subscription, unknown user": lambda u: u.subscriptions.save(
        Subscription(UserId("u-9"), Tag("Praha"), _WHEN)
    ),
    "subscription, unknown creator": lambda u: u.subscriptions.save(
        Subscription(UserId("u-1"), Tag("Praha"), _WHEN, UserId("u-9"))
    ),
    "notification settings, unknown user": lambda u: u.notification_settings.save(
        NotificationSettings(UserId("u-9"))
    ),
    "notification, unknown user": lambda u: u.notifications.save(_notification("u-9", "c-1")),
    "notification, unknown candidate": lambda u: u.notifications.save(_notification("u-1", "c-9")),
    "notification, unknown actor": lambda u: u.notifications.save(
        _notification("u-1", "c-1", "u-9")
    ),
    "event, unknown actor": lambda u: u.events.append(_matched("u-9", "c-1", "r-1", "s-1")),
    "event, unknown candidate": lambda u: u.events.append(_matched("u-1", "c-9", "r-1", "s-1")),
    "event, unknown submission": lambda u: u.events.append(_matched("u-1", "c-1", "r-1", "s-9")),
}


@pytest.mark.parametrize("write", DANGLING.values(), ids=DANGLING.keys())
def test_the_store_refuses_a_write_naming_an_unknown_id(
    write: Callable[[MemoryUnitOfWork], None],
) -> None:
    uow = ForeignKeyUnitOfWork()
    _known_world(uow)
    with uow, pytest.raises(ForeignKeyError):
        write(uow)


def test_the_store_takes_what_names_known_ids_uncommitted_ones_too() -> None:
    uow = ForeignKeyUnitOfWork()
    with uow:
        uow.users.save(User(UserId("u-1"), "Jan"))
        uow.candidates.save(_candidate("c-1"))
        uow.requisitions.save(_requisition("r-1", owner_id=UserId("u-1")))
        uow.submissions.add(_submission("s-1", "c-1", "r-1", shared_with={UserId("u-1")}))
        uow.events.append(_matched("u-1", "c-1", "r-1", "s-1"))
        uow.commit()
    with uow:
        assert [s.id for s in uow.submissions.for_candidate(CandidateId("c-1"))] == ["s-1"]
        assert len(list(uow.events)) == 1


def test_an_undone_write_is_no_longer_there_to_name() -> None:
    uow = ForeignKeyUnitOfWork()
    with uow:
        uow.candidates.save(_candidate("c-1"))  # never committed
    with uow:
        uow.requisitions.save(_requisition("r-1"))
        with pytest.raises(ForeignKeyError):
            uow.submissions.add(_submission("s-1", "c-1", "r-1"))


def test_a_world_builds_on_a_store_with_foreign_keys() -> None:
    """``World`` writes through the store's repositories, so the store's refusals reach it."""
    world = World(uow=ForeignKeyUnitOfWork())
    world.user("u-1")
    job = world.requisition("r-1", owner="u-1")
    world.apply(world.candidate("c-1"), job)
    with pytest.raises(ForeignKeyError):
        world.apply("c-404", job)
    with pytest.raises(ForeignKeyError):
        world.requisition("r-2", owner="u-404")
    with world.uow:
        assert [r.id for r in world.uow.requisitions] == ["r-1"]


# --- every contract, one line each ----------------------------------------------------------


class ForeignKeyStore(contracts.AdapterContract):
    """Stores for the contracts: a new, empty foreign-key-checking unit of work each time."""

    def make_uow(self) -> ForeignKeyUnitOfWork:
        """Return an empty store that enforces foreign keys."""
        return ForeignKeyUnitOfWork()


class TestForeignKeyCandidates(ForeignKeyStore, contracts.CandidateRepositoryContract): ...


class TestForeignKeySubmissions(ForeignKeyStore, contracts.SubmissionRepositoryContract): ...


class TestForeignKeyRequisitions(ForeignKeyStore, contracts.RequisitionRepositoryContract): ...


class TestForeignKeyTemplates(ForeignKeyStore, contracts.TemplateRepositoryContract): ...


class TestForeignKeyUsers(ForeignKeyStore, contracts.UserRepositoryContract): ...


class TestForeignKeyStructures(ForeignKeyStore, contracts.StructureRepositoryContract): ...


class TestForeignKeyQuickFilters(ForeignKeyStore, contracts.QuickFilterRepositoryContract): ...


class TestForeignKeySettings(ForeignKeyStore, contracts.SettingsRepositoryContract): ...


class TestForeignKeyAttachments(ForeignKeyStore, contracts.AttachmentRepositoryContract): ...


class TestForeignKeyRepoolingRules(ForeignKeyStore, contracts.RepoolingRuleRepositoryContract): ...


class TestForeignKeyEvents(ForeignKeyStore, contracts.EventLogContract): ...


class TestForeignKeyUnitOfWork(ForeignKeyStore, contracts.UnitOfWorkContract): ...


class TestForeignKeyCandidateQueries(ForeignKeyStore, contracts.CandidateQueryContract): ...


class TestForeignKeyPoolIds(ForeignKeyStore, contracts.PoolIdsQueryContract): ...


class TestForeignKeyCandidateDatabase(
    ForeignKeyStore, contracts.CandidateDatabaseQueryContract
): ...


class TestForeignKeyResponses(ForeignKeyStore, contracts.ResponsesQueryContract): ...


class TestForeignKeyIdleSubmissions(ForeignKeyStore, contracts.IdleSubmissionsQueryContract): ...


class TestForeignKeyStructureTrees(ForeignKeyStore, contracts.StructureTreesQueryContract): ...


class TestForeignKeyTrackers(ForeignKeyStore, contracts.TrackersQueryContract): ...


class TestForeignKeyTagCounts(ForeignKeyStore, contracts.TagCountsQueryContract): ...


class TestForeignKeySubscriptions(ForeignKeyStore, contracts.SubscriptionRepositoryContract): ...


class TestForeignKeyShares(ForeignKeyStore, contracts.ShareRepositoryContract): ...


class TestForeignKeyVisibilityIndex(ForeignKeyStore, contracts.VisibilityIndexContract): ...


class TestForeignKeyNotificationSettings(
    ForeignKeyStore, contracts.NotificationSettingsRepositoryContract
): ...


class TestForeignKeyNotifications(ForeignKeyStore, contracts.NotificationRepositoryContract): ...


class TestForeignKeyDigestQueue(ForeignKeyStore, contracts.DigestQueueContract): ...


class TestForeignKeyCandidateEraser(ForeignKeyStore, contracts.CandidateEraserContract): ...


class TestForeignKeyPoolAlerts(ForeignKeyStore, contracts.PoolAlertContract): ...


def test_every_contract_runs_here() -> None:
    """A contract added to the suite must be added here too, or this proof would miss it."""
    every = {
        obj
        for name in contracts.__all__
        if inspect.isclass(obj := getattr(contracts, name))
        and issubclass(obj, contracts.AdapterContract)
        and obj is not contracts.AdapterContract
    }
    here = {
        base
        for obj in globals().values()
        if inspect.isclass(obj) and obj.__name__.startswith("Test")
        for base in obj.__mro__
    }
    assert every, "the suite has no contracts"
    assert sorted(c.__name__ for c in every - here) == []
