"""Review fixes for micro-pools: tag-change rights, isolated reads, delivery, bad input.

Each test names the requirement it guards (MP1, MP3, MP5–MP8, EN5).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, Self, cast

import pytest

from micropools_support import Account
from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.errors import (
    CriteriaError,
    DeliveryError,
    DomainError,
    PermissionDeniedError,
    TalentpoolError,
)
from talentpool.ids import AttachmentId, CandidateId, NotificationId, RequisitionId, UserId
from talentpool.micropools import MicroPools, SubscriptionAdded, TagShareGranted
from talentpool.model import Attachment, Candidate, Role, Tag
from talentpool.notifications import (
    Notification,
    NotificationChannel,
    NotificationSettings,
    NotificationType,
    channels_for,
)
from talentpool.ports import UnitOfWork
from talentpool.visibility import TagShareCandidateCard, TagShareCandidateRow

HM, HM2, REC = UserId("hm"), UserId("hm2"), UserId("rec")
C1 = CandidateId("c1")
EMAIL = NotificationChannel.EMAIL


@pytest.fixture
def acc() -> Account:
    """hm and hm2 track Praha; rec owns c1 (tagged Praha) through position r1."""
    acc = Account()
    w = acc.world
    w.user("hm", "Hana Manager")
    w.user("hm2", "Honza Manager")
    w.user("rec", "Rita Recruiter", Role.RECRUITER)
    w.requisition("r1", "Developer", owner="rec")
    w.candidate("c1", "Eva", "Nováková", tags=["Praha"])
    w.apply("c1", "r1")
    for user in (HM, HM2):
        acc.pools.subscribe(acc.admin.id, user, "Praha")
    return acc


def _tags(acc: Account, cid: CandidateId = C1) -> set[str]:
    return {t.key for t in acc.uow.candidates.get(cid).tags}


# --- 1. a tag share is view-only (MP3) -----------------------------------------------------------


def test_a_tag_share_viewer_may_not_change_tags_mp3(acc: Account) -> None:
    """MP3: a tag share is view-only; a viewer may not tag, untag or set tags; nothing written.

    Untagging used to be allowed, which let a viewer cut colleagues off.
    """
    events = len(acc.uow.events)
    attempts: list[Callable[[], object]] = [
        lambda: acc.pools.untag(HM, C1, "Praha"),
        lambda: acc.pools.tag(HM, C1, "Brno"),
        lambda: acc.pools.set_tags(HM, C1, []),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError, match="view-only"):
            attempt()
    assert _tags(acc) == {"praha"}
    assert len(acc.uow.events) == events
    assert len(acc.outbox) == 0
    assert acc.vis.candidates(HM2).candidate_ids == ("c1",)  # hm2 still sees Eva


def test_owners_and_the_system_still_change_tags_mp3(acc: Account) -> None:
    """MP3, MP7: the owner and ``actor_id=None`` (system, collection form) may change tags."""
    acc.pools.tag(REC, C1, "Brno")
    acc.pools.untag(None, C1, "Brno")
    acc.pools.set_tags(acc.admin.id, C1, ["Praha", "Python"])
    assert _tags(acc) == {"praha", "python"}


# --- 2. reads are isolated (MP5, MP6) ------------------------------------------------------------


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Switch threads very often, so a race shows up in a short test."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("fast_switching")
def test_listings_run_while_another_thread_tags_mp5() -> None:
    """MP5, MP6: listings and folder counts never fail while a writer tags through the service.

    Readers used to iterate the live tag index without the store's lock and could
    raise ``RuntimeError: dictionary changed size during iteration``.
    """
    acc = Account()
    w = acc.world
    w.user("hm", "Hana Manager")
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    for i in range(150):
        w.candidate(f"c{i:03}", "Eva", tags=["Praha"] if i % 2 else [])
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                for i in range(0, 150, 2):
                    acc.pools.tag(None, CandidateId(f"c{i:03}"), "Praha")
                for i in range(0, 150, 2):
                    acc.pools.untag(None, CandidateId(f"c{i:03}"), "Praha")
        except BaseException as exc:  # report in the main thread
            errors.append(exc)

    def reader() -> None:
        try:
            for _ in range(40):
                page = acc.vis.candidates(HM, micro_pool="Praha")
                assert page.total == len(page.rows) >= 75
                acc.vis.count(HM)
                acc.vis.visible_candidates(HM)
                acc.pools.folders(HM)
        except BaseException as exc:  # report in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=reader) for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads[1:]:
        t.join(timeout=60)
    stop.set()
    threads[0].join(timeout=60)
    assert errors == []


def test_listings_do_not_see_another_threads_uncommitted_writes_mp5(acc: Account) -> None:
    """MP5: a folder count waits for a writer's unit of work and never sees what it undoes."""
    inside, release = threading.Event(), threading.Event()

    def writer() -> None:
        with acc.uow:
            acc.uow.candidates.save(Candidate(CandidateId("c-dirty"), "X", "Y", acc.world.now))
            acc.pools.tag(None, CandidateId("c-dirty"), "Praha")  # joins; undone below
            inside.set()
            release.wait(timeout=10)
            # no commit: everything above is undone

    seen: list[int] = []
    w = threading.Thread(target=writer)
    w.start()
    assert inside.wait(timeout=10)
    r = threading.Thread(target=lambda: seen.append(acc.vis.count(HM, micro_pool="Praha")))
    r.start()
    r.join(timeout=0.3)
    release.set()
    w.join(timeout=10)
    r.join(timeout=10)
    assert seen == [1]


def test_tracked_tags_are_not_the_adapters_own_table_mp2(acc: Account) -> None:
    """MP2, MP4: a caller cannot change the subscription index behind the journal's back."""
    tracked = acc.uow.subscriptions.tracked(HM)
    with pytest.raises(TypeError):
        tracked["brno"] = Tag("Brno")  # type: ignore[index]
    assert set(acc.uow.subscriptions.tracked(HM)) == {"praha"}


# --- 3. delivery (MP7, MP8) ----------------------------------------------------------------------


class _BrokenEmail(MemoryOutbox):
    """An outbox whose email sender fails for one user."""

    def __init__(self, broken_for: UserId) -> None:
        super().__init__()
        self.broken_for = broken_for

    def deliver(self, notification: Notification, channel: NotificationChannel) -> None:
        if channel is EMAIL and notification.user_id == self.broken_for:
            msg = "SMTP server unreachable"
            raise OSError(msg)
        super().deliver(notification, channel)


def test_one_failing_delivery_does_not_starve_the_others_mp8(acc: Account) -> None:
    """MP7, MP8: every recipient gets every channel; failures come back as one DeliveryError."""
    outbox = _BrokenEmail(HM)
    pools = MicroPools(acc.uow, acc.world.clock, acc.world.ids, outbox)
    new = Candidate(CandidateId("c9"), "Petra", "Nová", acc.world.now, tags=["Praha"])
    with pytest.raises(DeliveryError, match="the change was saved") as caught:
        pools.add_candidate(new)
    err = caught.value
    assert isinstance(err, TalentpoolError)
    assert [(f.user_id, f.channel) for f in err.failures] == [(HM, "email")]
    assert isinstance(err.failures[0].error, OSError)
    assert isinstance(err.__cause__, OSError)
    assert "hm by email (OSError: SMTP server unreachable)" in str(err)
    # the change and the notifications were committed; everyone else was told
    assert acc.uow.candidates.get(CandidateId("c9")).name == "Petra Nová"
    assert len(pools.bell(HM)) == len(pools.bell(HM2)) == 1
    assert outbox.channels(HM) == {NotificationChannel.BELL, NotificationChannel.MOBILE_PUSH}
    assert EMAIL in outbox.channels(HM2)


# --- 4. bad input is a library error (MP1, MP6, MP7, MP8) ----------------------------------------


def test_bad_input_raises_library_errors_mp7(acc: Account) -> None:
    """MP6, MP7, MP8: nonsense input is refused with the library's own errors."""
    with pytest.raises(CriteriaError):
        acc.vis.candidates(HM, None)  # type: ignore[arg-type]
    with pytest.raises(DomainError):
        acc.pools.set_tags(REC, C1, None)  # type: ignore[arg-type]
    for bad in ("c9", None):
        with pytest.raises(DomainError, match="must be a Candidate"):
            acc.pools.add_candidate(bad)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="kind"):
        channels_for(NotificationSettings(HM), slack_integrated=False, kind="x")  # type: ignore[arg-type]
    assert _tags(acc) == {"praha"}


def test_a_notification_names_at_least_one_micro_pool_mp7(acc: Account) -> None:
    """MP7: a notification without a micro-pool is refused when built, not when read."""
    with pytest.raises(DomainError, match="micro_pools"):
        Notification(
            NotificationId("n-1"),
            HM,
            NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
            acc.world.now,
            C1,
            "Eva Nováková",
            (),
        )


def test_a_non_administrator_is_refused_before_the_tag_is_checked_mp1(acc: Account) -> None:
    """MP1: a non-administrator gets a permission error, even with a blank tag."""
    calls: list[Any] = [
        acc.pools.subscribe,
        acc.pools.unsubscribe,
        acc.pools.dry_run_subscribe,
        acc.pools.dry_run_unsubscribe,
    ]
    for call in calls:
        with pytest.raises(PermissionDeniedError):
            call(HM, HM, "   ")
    with pytest.raises(DomainError):  # an administrator still learns the tag is blank
        acc.pools.subscribe(acc.admin.id, HM, "   ")


# --- 5. an attachment from a position that is gone (MP3) -----------------------------------------


def test_an_attachment_from_a_missing_position_is_shown_untitled_mp3(acc: Account) -> None:
    """MP3: a tag-share viewer still lists the candidate; the attachment has no title."""
    acc.uow.attachments.save(
        Attachment(AttachmentId("a-old"), C1, "old-cv.pdf", acc.world.now, RequisitionId("r-gone"))
    )
    (row,) = acc.vis.candidates(HM).rows
    assert isinstance(row, TagShareCandidateRow)
    assert [(a.filename, a.position_title) for a in row.attachments] == [("old-cv.pdf", None)]
    card = acc.vis.candidate_card(HM, C1)
    assert isinstance(card, TagShareCandidateCard)
    assert [a.position_title for a in card.attachments] == [None]


# --- 6. set_tags is one unit of work (MP7) -------------------------------------------------------


class _Racing:
    """A unit of work where another writer commits right after any read made outside a unit."""

    def __init__(self, inner: MemoryUnitOfWork, race: Any) -> None:
        self._inner, self._race, self._depth = inner, race, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def candidates(self) -> Any:
        outer = self

        class Candidates:
            def __getattr__(self, name: str) -> Any:
                return getattr(outer._inner.candidates, name)

            def get(self, cid: CandidateId) -> Candidate:
                found = outer._inner.candidates.get(cid)
                if outer._depth == 0 and outer._race is not None:
                    race, outer._race = outer._race, None
                    race()  # lands between this read and the next unit of work
                return found

        return Candidates()

    def __enter__(self) -> Self:
        self._inner.__enter__()
        self._depth += 1
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._depth -= 1
        self._inner.__exit__(t, e, tb)


def test_set_tags_computes_the_difference_inside_its_unit_of_work_mp7(acc: Account) -> None:
    """MP7: ``set_tags`` gives exactly the tags asked for, whatever was committed just before.

    It used to read the current tags outside its unit of work, so a tag added in
    between survived a ``set_tags`` that should have removed it.
    """

    def race() -> None:
        acc.pools.tag(None, C1, "Brno")

    uow = cast(UnitOfWork, _Racing(acc.uow, race))
    pools = MicroPools(uow, acc.world.clock, acc.world.ids, acc.outbox)
    pools.set_tags(REC, C1, ["Praha"])
    assert _tags(acc) == {"praha"}


# --- 7. the bell keeps the order notifications were raised in (MP8) ------------------------------


def test_bell_ties_keep_the_order_raised_mp8(acc: Account) -> None:
    """MP8: notifications raised at the same instant stay in the order raised.

    Ties used to be broken by id text, so ``notification-10`` came before ``notification-2``.
    """
    for i in range(12):
        acc.pools.add_candidate(
            Candidate(CandidateId(f"n{i:02}"), "Petra", "Nová", acc.world.now, tags=["Praha"])
        )
    assert [n.candidate_id for n in acc.pools.bell(HM)] == [f"n{i:02}" for i in range(12)]
    mine = [n.candidate_id for n in acc.uow.notifications if n.user_id == HM]
    assert mine == [f"n{i:02}" for i in range(12)]


# --- 8. what a dry run's ``changes`` means (EN5) -------------------------------------------------


def test_changes_is_about_the_micro_pool_not_about_writing_en5(acc: Account) -> None:
    """EN5: ``changes`` is False for an unused tag, yet saving still adds the subscription.

    Pins the reworded docstring (it used to promise "whether saving would change
    anything at all").
    """
    dry = acc.pools.dry_run_subscribe(acc.admin.id, HM, "Unused")
    assert not dry.changes
    assert "anything at all" not in (type(dry).changes.__doc__ or "")
    acc.pools.subscribe(acc.admin.id, HM, "Unused")
    assert [(f.label, f.count) for f in acc.pools.folders(HM)] == [("Praha", 1), ("Unused", 0)]
    assert acc.events(SubscriptionAdded)[-1].tag.label == "Unused"
    assert not [e for e in acc.events(TagShareGranted) if e.micro_pool.label == "Unused"]
