"""MP10: digests, per user and channel, on every store; each sent once, even by racing jobs.

Every scenario runs on the in-memory store, on SQLite (a file, so threads have
their own connections) and on PostgreSQL. Racing jobs are threads released at
once by a barrier (``racing.race``): on memory they take the store's lock in
turn, on SQLite the file's write lock, and on PostgreSQL the database refuses
the second claim of an entry.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micropools_support import Account
from racing import race
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.errors import DomainError
from talentpool.ids import CandidateId, UserId
from talentpool.micropools import DigestJob
from talentpool.model import Candidate
from talentpool.notifications import (
    DAILY_DIGEST_HOUR,
    DEFAULT_MODE,
    DeliveryMode,
    Digest,
    NotificationChannel,
    NotificationSettings,
    digest_due,
)
from talentpool.testing import World

BELL, EMAIL, PUSH, SLACK = (
    NotificationChannel.BELL,
    NotificationChannel.EMAIL,
    NotificationChannel.MOBILE_PUSH,
    NotificationChannel.SLACK,
)
HOURLY, DAILY, IMMEDIATE = DeliveryMode.HOURLY, DeliveryMode.DAILY, DeliveryMode.IMMEDIATE
HM, HM2 = UserId("hm"), UserId("hm2")
PRAGUE = ZoneInfo("Europe/Prague")


def _account(world: World) -> Account:
    acc = Account(world)
    world.user("hm", "Hana Manager")
    world.user("hm2", "Honza Manager")
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    acc.pools.subscribe(acc.admin.id, HM, "python")
    acc.pools.subscribe(acc.admin.id, HM2, "Praha")
    return acc


def _new(acc: Account, cid: str, given_name: str, *tags: str) -> CandidateId:
    acc.pools.add_candidate(
        Candidate(CandidateId(cid), given_name, "Nová", acc.world.now, tags=tags)
    )
    return CandidateId(cid)


def _job(acc: Account, delivery: object | None = None) -> DigestJob:
    sender = acc.outbox if delivery is None else delivery
    return DigestJob(acc.uow, acc.world.clock, acc.world.ids, sender)  # type: ignore[arg-type]


# --- settings and due times ------------------------------------------------------------------


def test_mp10_every_channel_is_immediate_by_default_and_the_bell_always_is() -> None:
    """MP10: the default is immediate delivery; the bell cannot become a digest."""
    settings = NotificationSettings(HM)
    assert DEFAULT_MODE is IMMEDIATE
    assert all(settings.mode(c) is IMMEDIATE for c in NotificationChannel)
    hourly = settings.with_mode(EMAIL, HOURLY)
    assert hourly.mode(EMAIL) is HOURLY
    assert hourly.mode(PUSH) is IMMEDIATE
    with pytest.raises(DomainError, match="bell"):
        settings.with_mode(BELL, DAILY)
    assert settings.with_mode(BELL, IMMEDIATE).mode(BELL) is IMMEDIATE
    with pytest.raises(DomainError, match="DeliveryMode"):
        NotificationSettings(HM, modes={(next(iter(hourly.modes)), "weekly")})  # type: ignore[arg-type]


def test_mp10_an_hourly_digest_is_due_at_the_next_full_hour() -> None:
    assert digest_due(HOURLY, datetime(2026, 11, 2, 9, 0, tzinfo=UTC)) == datetime(
        2026, 11, 2, 10, 0, tzinfo=UTC
    )
    assert digest_due(HOURLY, datetime(2026, 11, 2, 9, 59, 59, tzinfo=UTC)) == datetime(
        2026, 11, 2, 10, 0, tzinfo=UTC
    )


def test_mp10_a_daily_digest_is_due_at_the_next_morning_hour_in_the_clock_zone() -> None:
    before = datetime(2026, 11, 2, 7, 59, tzinfo=PRAGUE)
    after = datetime(2026, 11, 2, 8, 0, tzinfo=PRAGUE)
    assert digest_due(DAILY, before) == datetime(2026, 11, 2, DAILY_DIGEST_HOUR, tzinfo=PRAGUE)
    assert digest_due(DAILY, after) == datetime(2026, 11, 3, DAILY_DIGEST_HOUR, tzinfo=PRAGUE)
    # across the autumn change the digest keeps its local hour: 25 hours later
    saturday = datetime(2026, 10, 24, 9, 0, tzinfo=PRAGUE)
    due = digest_due(DAILY, saturday)
    assert due.astimezone(UTC) - datetime(2026, 10, 24, 8, tzinfo=PRAGUE).astimezone(UTC) == (
        timedelta(hours=25)
    )
    with pytest.raises(DomainError, match="immediate"):
        digest_due(IMMEDIATE, before)


@given(st.datetimes(timezones=st.just(UTC)), st.sampled_from([HOURLY, DAILY]))
def test_mp10_a_digest_is_due_after_the_notification_and_within_its_period(
    raised: datetime, mode: DeliveryMode
) -> None:
    """Property: due strictly later, and no more than one period later."""
    if raised.year >= 9999:
        return
    due = digest_due(mode, raised)
    period = timedelta(hours=1) if mode is HOURLY else timedelta(days=1)
    assert raised < due <= raised + period


def test_mp10_a_digest_gathers_only_its_users_notifications() -> None:
    acc = _account(World())
    _new(acc, "c1", "Eva", "Praha")
    (mine,) = acc.pools.bell(HM)
    (theirs,) = acc.pools.bell(HM2)
    with pytest.raises(DomainError, match="at least one"):
        Digest("d", HM, EMAIL, acc.world.now, [])
    with pytest.raises(DomainError, match="notifications of 'hm'"):
        Digest("d", HM, EMAIL, acc.world.now, [mine, theirs])


# --- one user's digests on every store ---------------------------------------------------------


def test_mp10_a_digest_channel_waits_while_the_bell_and_others_are_immediate(
    make_world: Callable[[], World],
) -> None:
    """MP10: email set to hourly; the bell and push still come at once, email in the digest."""
    acc = _account(make_world())
    settings = acc.pools.set_delivery_mode(HM, EMAIL, HOURLY)
    assert acc.pools.notification_settings(HM) == settings
    assert acc.pools.notification_settings(HM).mode(EMAIL) is HOURLY
    _new(acc, "c1", "Eva", "Praha", "Python")
    acc.world.clock.advance(minutes=20)
    _new(acc, "c2", "Petra", "python")
    assert {d.channel for d in acc.outbox.to(HM)} == {BELL, PUSH}
    assert len(acc.pools.bell(HM)) == 2
    assert {d.channel for d in acc.outbox.to(HM2)} == {BELL, EMAIL, PUSH}
    waiting = acc.uow.digests.waiting(HM)
    assert [(e.channel, e.due_at) for e in waiting] == [
        (EMAIL, datetime(2026, 11, 2, 10, tzinfo=UTC))
    ] * 2
    # before the hour is up the job sends nothing
    job = _job(acc)
    acc.world.clock.advance(minutes=39)
    assert job.run().sent == ()
    acc.world.clock.advance(minutes=1)
    run = job.run()
    (digest,) = run.sent
    assert acc.outbox.digests == [digest]
    assert (digest.user_id, digest.channel) == (HM, EMAIL)
    assert [c for c, _ in digest.candidates] == ["c1", "c2"]
    assert [t.label for t in digest.micro_pools] == ["Praha", "python"]
    assert digest.title == "2 new candidates in your micro-pools"
    assert digest.message == (
        "2 new candidates in your micro-pools:\n- Eva Nová: Praha, python\n- Petra Nová: python"
    )
    assert acc.uow.digests.waiting(HM) == []
    # running again, or later, sends nothing more
    assert job.run() == type(run)()
    acc.world.clock.advance(days=2)
    assert job.run().sent == ()
    assert len(acc.outbox.digests) == 1


def test_mp10_each_channel_has_its_own_period(make_world: Callable[[], World]) -> None:
    """MP10: email hourly, Slack daily: two digests, each when its period ends."""
    acc = _account(make_world())
    acc.pools.set_slack_integrated(acc.admin.id, True)
    acc.pools.set_delivery_mode(HM, EMAIL, HOURLY)
    acc.pools.set_delivery_mode(HM, SLACK, DAILY)
    _new(acc, "c1", "Eva", "Praha")
    job = _job(acc)
    acc.world.clock.advance(hours=1)
    assert [(d.channel, d.candidates) for d in job.run().sent] == [(EMAIL, (("c1", "Eva Nová"),))]
    acc.world.clock.advance(hours=21)  # 2026-11-03 07:00 UTC: the daily one is due at 08:00
    assert job.run().sent == ()
    acc.world.clock.advance(hours=1)
    assert [d.channel for d in job.run().sent] == [SLACK]
    assert [d.channel for d in acc.outbox.digests_to(HM)] == [EMAIL, SLACK]


def test_mp10_switching_back_to_immediate_still_sends_what_was_queued(
    make_world: Callable[[], World],
) -> None:
    acc = _account(make_world())
    acc.pools.set_delivery_mode(HM, EMAIL, DAILY)
    _new(acc, "c1", "Eva", "Praha")
    acc.pools.set_delivery_mode(HM, EMAIL, IMMEDIATE)
    _new(acc, "c2", "Petra", "Praha")
    assert [d.notification.candidate_id for d in acc.outbox.to(HM, EMAIL)] == ["c2"]
    acc.world.clock.advance(days=1)
    (digest,) = _job(acc).run().sent
    assert [c for c, _ in digest.candidates] == ["c1"]


class _Flaky:
    """A sender whose *broken* channels raise; everything else lands in the outbox."""

    def __init__(self, outbox: MemoryOutbox, *broken: NotificationChannel) -> None:
        self.outbox = outbox
        self.broken = set(broken)

    def deliver_digest(self, digest: Digest) -> None:
        if digest.channel in self.broken:
            msg = f"{digest.channel.value} is down"
            raise ConnectionError(msg)
        self.outbox.deliver_digest(digest)


def test_mp10_a_failed_channel_is_retried_at_the_next_run_and_holds_nobody_up(
    make_world: Callable[[], World],
) -> None:
    """MP10: email fails; push and the other user go out; the next run sends email, once."""
    acc = _account(make_world())
    for user in (HM, HM2):
        for channel in (EMAIL, PUSH):
            acc.pools.set_delivery_mode(user, channel, HOURLY)
    _new(acc, "c1", "Eva", "Praha")
    acc.world.clock.advance(hours=1)
    flaky = _Flaky(acc.outbox, EMAIL)
    run = _job(acc, flaky).run()
    assert sorted((f.user_id, f.channel) for f in run.failed) == [
        ("hm", "email"),
        ("hm2", "email"),
    ]
    assert isinstance(run.failed[0].error, ConnectionError)
    assert sorted((d.user_id, d.channel.value) for d in run.sent) == [
        ("hm", "mobile_push"),
        ("hm2", "mobile_push"),
    ]
    # meanwhile another candidate arrives; the retry gathers both
    _new(acc, "c2", "Petra", "Praha")
    acc.world.clock.advance(hours=1)
    flaky.broken.clear()
    retry = _job(acc, flaky).run()
    assert sorted((d.user_id, d.channel.value, len(d.candidates)) for d in retry.sent) == [
        ("hm", "email", 2),
        ("hm", "mobile_push", 1),
        ("hm2", "email", 2),
        ("hm2", "mobile_push", 1),
    ]
    assert _job(acc, flaky).run().sent == ()
    _assert_each_notification_sent_once(acc.outbox)


def test_mp10_a_claim_left_by_a_job_that_died_is_taken_over_after_the_lease(
    make_world: Callable[[], World],
) -> None:
    acc = _account(make_world())
    acc.pools.set_delivery_mode(HM, EMAIL, HOURLY)
    _new(acc, "c1", "Eva", "Praha")
    acc.world.clock.advance(hours=1)
    now = acc.world.now
    with acc.uow:  # a job claims, commits, and dies before sending
        assert len(acc.uow.digests.claim(HM, EMAIL, "digest-dead", now, now)) == 1
        acc.uow.commit()
    job = _job(acc)
    assert job.run().sent == ()
    acc.world.clock.advance(minutes=59)
    assert job.run().sent == ()
    acc.world.clock.advance(minutes=2)
    (digest,) = job.run().sent
    assert digest.id != "digest-dead"
    assert job.run().sent == ()


def test_mp10_the_lease_must_be_positive() -> None:
    acc = _account(World())
    with pytest.raises(DomainError, match="lease"):
        DigestJob(acc.uow, acc.world.clock, acc.world.ids, acc.outbox, lease=timedelta(0))


# --- racing jobs ---------------------------------------------------------------------------------

USERS = 6
JOBS = 4
CHANNELS = (EMAIL, PUSH, SLACK)


def _assert_each_notification_sent_once(outbox: MemoryOutbox) -> None:
    sent = Counter(
        (d.user_id, d.channel, note.id) for d in outbox.digests for note in d.notifications
    )
    assert [k for k, n in sent.items() if n > 1] == []


class _Slow:
    """A sender that takes a moment, so racing jobs overlap between claiming and recording."""

    def __init__(self, outbox: MemoryOutbox) -> None:
        self.outbox = outbox

    def deliver_digest(self, digest: Digest) -> None:
        time.sleep(0.002)
        self.outbox.deliver_digest(digest)


def test_mp10_racing_jobs_send_every_digest_exactly_once(make_world: Callable[[], World]) -> None:
    """MP10: four jobs at once, several rounds: each queued notification goes out once."""
    acc = _account(make_world())
    acc.pools.set_slack_integrated(acc.admin.id, True)
    users = [UserId(f"u{n}") for n in range(USERS)]
    for user in users:
        acc.world.user(user)
        acc.pools.subscribe(acc.admin.id, user, "Praha")
        for channel in CHANNELS:
            acc.pools.set_delivery_mode(user, channel, HOURLY)
    expected: Counter[tuple[UserId, NotificationChannel]] = Counter()
    for rnd in range(3):
        _new(acc, f"c{rnd}-a", "Eva", "Praha")
        _new(acc, f"c{rnd}-b", "Petra", "praha")
        for user in users:
            for channel in CHANNELS:
                expected[user, channel] += 2
        acc.world.clock.advance(hours=1)
        jobs = [_job(acc, _Slow(acc.outbox)) for _ in range(JOBS)]
        _, errors = race([partial(j.run) for j in jobs])
        assert errors == []
        _assert_each_notification_sent_once(acc.outbox)
    # whatever a busy job skipped, a calm run afterwards sends; then nothing is left
    _job(acc).run()
    assert all(acc.uow.digests.waiting(u) == [] for u in users)
    _assert_each_notification_sent_once(acc.outbox)
    got = Counter()
    for d in acc.outbox.digests:
        if d.user_id in users:
            got[d.user_id, d.channel] += len(d.notifications)
    assert got == expected
