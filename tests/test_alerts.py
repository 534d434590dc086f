"""AP16: pool alerts beyond the contract: the notification they raise, digests, racing jobs.

The contract (:mod:`talentpool.testing.contracts.alerts`) proves what every store
must do; the state machine (``test_alerts_stateful.py``) proves the alerts equal
the pools' growth after random writes. Here: what a pool alert says and refuses,
how it reads in a digest, and that digest jobs racing on one store, each
sweeping the watched pools first, still announce each entry once and send each
digest once.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest

from micropools_support import Account
from racing import race
from talentpool.adapters.sql import SqlStore, Sync
from talentpool.autopool.alerts import PoolAlerts, heard_this_period
from talentpool.criteria import AutopoolCriteria, HasTag, SubmissionsInStructure
from talentpool.documents import from_document, to_document
from talentpool.errors import ConflictError, DomainError, StoreBusyError
from talentpool.ids import CandidateId, NodeId, NotificationId, RequisitionId, SubmissionId, UserId
from talentpool.micropools import DigestJob
from talentpool.model import Dimension, StructureTree, Submission, SubmissionStatus, Tag
from talentpool.notifications import (
    DeliveryMode,
    Digest,
    Notification,
    NotificationChannel,
    NotificationSettings,
    NotificationType,
    PoolRef,
)
from talentpool.testing import DEFAULT_NOW, World

ALERT = NotificationType.NEW_CANDIDATE_IN_AUTOPOOL
MICRO = NotificationType.NEW_CANDIDATE_IN_MICRO_POOL
POOL = PoolRef(RequisitionId("r-1"), "Cashier, Brno")
HM = UserId("hm")


def _alert(**changes: object) -> Notification:
    fields: dict[str, object] = {
        "id": NotificationId("n-1"),
        "user_id": HM,
        "kind": ALERT,
        "created_at": DEFAULT_NOW,
        "candidate_id": CandidateId("c-1"),
        "candidate_name": "Eva Nováková",
        "micro_pools": (),
        "pools": (POOL,),
    }
    fields.update(changes)
    return Notification(**fields)  # type: ignore[arg-type]


# --- what a pool alert says ------------------------------------------------------------------


def test_ap16_a_pool_alert_names_the_candidate_and_every_pool() -> None:
    one = _alert()
    assert one.title == "New candidate in a watched pool"
    assert one.message == "Eva Nováková is new in the pool of Cashier, Brno."
    two = _alert(pools=(POOL, PoolRef(RequisitionId("r-2"), "Cashier, Praha")))
    assert two.message == "Eva Nováková is new in the pools of Cashier, Brno and Cashier, Praha."


def test_ap16_a_pool_alert_without_a_pool_is_refused_naming_the_field() -> None:
    with pytest.raises(DomainError, match="pools") as caught:
        _alert(pools=())
    assert caught.value.field == "pools"
    with pytest.raises(DomainError, match="PoolRef"):
        _alert(pools=("r-1",))
    with pytest.raises(DomainError, match="collection"):
        _alert(pools="r-1")
    # a micro-pool notification still needs its micro-pools, and a pool alert needs none
    with pytest.raises(DomainError, match="micro-pool"):
        _alert(kind=MICRO, pools=())
    assert _alert(kind=ALERT, micro_pools=()).micro_pools == ()


def test_ap16_a_pool_alert_reads_back_from_its_document() -> None:
    note = _alert(channels=(NotificationChannel.BELL, NotificationChannel.EMAIL))
    assert from_document(Notification, to_document(note)) == note


def test_ap16_mp10_a_digest_gathers_alerts_and_micro_pool_notifications() -> None:
    micro = Notification(
        NotificationId("n-2"),
        HM,
        MICRO,
        DEFAULT_NOW,
        CandidateId("c-2"),
        "Petr Novák",
        [Tag("Praha")],
    )
    again = _alert(id=NotificationId("n-3"))  # the same candidate, entering again
    digest = Digest("d-1", HM, NotificationChannel.EMAIL, DEFAULT_NOW, [_alert(), micro, again])
    assert digest.title == "2 new candidates in your micro-pools and watched pools"
    assert digest.message.splitlines() == [
        "2 new candidates in your micro-pools and watched pools:",
        "- Eva Nováková: Cashier, Brno",
        "- Petr Novák: Praha",
    ]
    assert digest.watched_pools == (POOL,)
    alerts_only = Digest("d-2", HM, NotificationChannel.EMAIL, DEFAULT_NOW, [_alert()])
    assert alerts_only.title == "1 new candidate in your watched pools"


# --- racing digest jobs, each sweeping first ------------------------------------------------


def test_ap16_mp10_racing_digest_jobs_announce_each_entry_once_and_send_it_once(
    make_world: Callable[[], World],
) -> None:
    """Four jobs at once, each sweeping first: one alert per entry, one digest line each."""
    acc = Account(make_world())
    world = acc.world
    world.settings(autopool_enabled=True)
    world.user("hm", "Hana Manager")
    world.requisition("r-pool", "Store assistant", owner="hm", autopool=AutopoolCriteria())
    world.requisition("r-other", "Cashier")
    acc.pools.set_delivery_mode(HM, NotificationChannel.EMAIL, DeliveryMode.HOURLY, ALERT)
    ids = world.ids
    PoolAlerts(acc.uow, world.clock, ids, acc.outbox).watch(HM, RequisitionId("r-pool"))
    entered = []
    for rnd in range(3):
        # hired 30 days ago less half an hour: in the pool only once the hour has passed
        cid = f"c{rnd}"
        world.candidate(cid, "Eva", tags=[f"round {rnd}"])
        world.apply(
            cid,
            "r-other",
            status=SubmissionStatus.HIRED,
            submitted_days_ago=40,
            status_changed_days_ago=30 - 1 / 48,
        )
        with acc.uow:
            assert len(acc.uow.notifications.for_user(HM)) == rnd  # not in the pool yet
        entered.append(cid)
        world.clock.advance(hours=1)
        jobs = [
            DigestJob(
                acc.uow,
                world.clock,
                ids,
                acc.outbox,
                alerts=PoolAlerts(acc.uow, world.clock, ids, acc.outbox),
            )
            for _ in range(4)
        ]
        _, errors = race([partial(j.run) for j in jobs])
        assert errors == []
    world.clock.advance(hours=1)
    DigestJob(acc.uow, world.clock, ids, acc.outbox).run()
    with acc.uow:
        bell = list(acc.uow.notifications.for_user(HM))
        assert acc.uow.digests.waiting(HM) == []
    assert sorted(n.candidate_id for n in bell) == entered  # each entry announced once
    sent = Counter(note.id for d in acc.outbox.digests for note in d.notifications)
    assert sorted(sent) == sorted(n.id for n in bell)
    assert set(sent.values()) == {1}  # and each sent once by email


def test_ap16_st7_a_hosts_sync_writes_reach_the_alerts_in_their_own_transaction(
    tmp_path: Path,
) -> None:
    """A submission the host syncs, on a unit of work of its own, is announced once."""
    store = SqlStore(f"sqlite:///{tmp_path / 'sync.db'}")
    world = World(uow=store.unit_of_work("acme"))
    acc = Account(world)
    world.settings(autopool_enabled=True)
    world.user("hm", "Hana Manager")
    world.requisition(
        "r-pool", "Store assistant", owner="hm", autopool=AutopoolCriteria(advanced=HasTag("Brno"))
    )
    world.requisition("r-other", "Cashier")
    alerts = PoolAlerts(acc.uow, world.clock, world.ids, acc.outbox)
    alerts.watch(HM, RequisitionId("r-pool"))
    world.candidate("eva", "Eva", tags=["Brno"])
    assert acc.outbox.sent == []  # no submission yet: in no pool (AP5)
    sync = Sync(store, "acme")
    at = world.ago(3)
    submission = Submission(
        SubmissionId("s-1"),
        CandidateId("eva"),
        RequisitionId("r-other"),
        at,
        status_changed_at=at,
        last_activity_at=at,
    )
    sync.save_submission(submission)
    assert [n.candidate_id for n in acc.outbox.notifications(HM)] == ["eva"]
    sync.save_submission(submission)
    assert len(acc.outbox.notifications(HM)) == 1
    store.dispose()


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_ap16_a_requisition_moved_in_the_structure_brings_its_candidates_in(
    store: str, tmp_path: Path
) -> None:
    """A move of another requisition is a write about its candidates: they are judged again."""
    uow = (
        None if store == "memory" else SqlStore(f"sqlite:///{tmp_path / 'm.db'}").unit_of_work("a")
    )
    world = World(uow=uow)
    acc = Account(world)
    world.settings(autopool_enabled=True)
    world.user("hm", "Hana Manager")
    with acc.uow:
        acc.uow.structures.save(
            StructureTree(
                Dimension.ORGANIZATION, {"company": None, "retail": "company", "depot": "company"}
            )
        )
        acc.uow.commit()
    inside = AutopoolCriteria(structure=SubmissionsInStructure(organizations={"retail"}))
    world.requisition("r-pool", "Store assistant", owner="hm", autopool=inside)
    moving = world.requisition("r-other", "Cashier", organization="depot")
    world.candidate("eva", "Eva")
    world.apply("eva", "r-other")
    alerts = PoolAlerts(acc.uow, world.clock, world.ids, acc.outbox)
    alerts.watch(HM, RequisitionId("r-pool"))
    assert acc.outbox.sent == []
    with acc.uow:
        acc.uow.requisitions.save(attrs.evolve(moving, organization=NodeId("retail")))
        acc.uow.commit()
    assert [n.candidate_id for n in acc.outbox.notifications(HM)] == ["eva"]


# --- re-entry within a digest period: the rule on its own ---------------------------------

_EMAIL, _SLACK = NotificationChannel.EMAIL, NotificationChannel.SLACK


def _heard(settings: NotificationSettings, then: datetime, now: datetime, slack: bool) -> bool:
    return heard_this_period(settings, then, now, slack_integrated=slack)


def test_ap16_every_channel_immediate_means_once_an_hour() -> None:
    mine = NotificationSettings(HM)
    nine = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert _heard(mine, nine, nine + timedelta(minutes=59, seconds=59), False)
    assert not _heard(mine, nine, nine + timedelta(hours=1), False)
    assert not _heard(mine, nine - timedelta(microseconds=1), nine, False)
    assert not heard_this_period(mine, None, nine, slack_integrated=False)  # never announced


def test_ap16_the_longest_digest_among_the_channels_on_sets_the_period() -> None:
    nine = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    tomorrow_seven = nine + timedelta(hours=22)
    daily = NotificationSettings(HM).with_mode(_EMAIL, DeliveryMode.DAILY, ALERT)
    assert _heard(daily, nine, tomorrow_seven, False)  # the day runs to 8:00
    assert not _heard(daily, nine, tomorrow_seven + timedelta(hours=1), False)
    hourly_too = daily.with_mode(NotificationChannel.MOBILE_PUSH, DeliveryMode.HOURLY, ALERT)
    assert _heard(hourly_too, nine, tomorrow_seven, False)  # daily over hourly
    # a daily channel that is off, or Slack without the integration, does not count
    off = daily.with_channel(_EMAIL, False, ALERT)
    assert not _heard(off, nine, nine + timedelta(hours=2), False)
    slack = NotificationSettings(HM).with_mode(_SLACK, DeliveryMode.DAILY, ALERT)
    assert not _heard(slack, nine, nine + timedelta(hours=2), False)
    assert _heard(slack, nine, nine + timedelta(hours=2), True)
    # the micro-pool notifications' settings are another type's
    micro = NotificationSettings(HM).with_mode(_EMAIL, DeliveryMode.DAILY, MICRO)
    assert not _heard(micro, nine, nine + timedelta(hours=2), False)


def test_ap16_periods_are_the_clocks_local_ones_whatever_zone_was_stored() -> None:
    """A store may hand back the announcement in UTC; the period is read in the clock's zone."""
    prague = ZoneInfo("Europe/Prague")
    daily = NotificationSettings(HM).with_mode(_EMAIL, DeliveryMode.DAILY, ALERT)
    announced = datetime(2026, 11, 2, 6, 30, tzinfo=UTC)  # 7:30 in Prague: Monday's 8:00 is due
    assert _heard(daily, announced, datetime(2026, 11, 2, 7, 59, tzinfo=prague), False)
    assert not _heard(daily, announced, datetime(2026, 11, 2, 8, 0, tzinfo=prague), False)
    # the hour back in autumn: 2:30 in summer time and 2:30 in winter time are two hours
    summer = datetime(2026, 10, 25, 2, 30, tzinfo=prague)
    winter = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=prague)
    immediate = NotificationSettings(HM)
    assert not _heard(immediate, summer.astimezone(UTC), winter, False)
    assert _heard(immediate, summer.astimezone(UTC), summer + timedelta(minutes=20), False)


def test_ap16_the_rule_refuses_naive_instants_naming_them() -> None:
    naive = datetime(2026, 11, 2, 9, 0)
    aware = naive.replace(tzinfo=UTC)
    with pytest.raises(DomainError, match="last_announced"):
        _heard(NotificationSettings(HM), naive, aware, False)
    with pytest.raises(DomainError, match="now"):
        _heard(NotificationSettings(HM), aware, naive, False)


# --- PostgreSQL: the sweep and a write racing on the same entry -----------------------------


def test_ap16_postgresql_a_sweep_and_a_write_racing_announce_an_entry_once(
    postgres_store: SqlStore,
) -> None:
    """The candidate enters by time; a sweep and a write on them run at once: one alert.

    Both see the entry; the second to record it collides with the first. The write
    is never refused for it (its alerts' part is undone and left to the next sweep:
    ``deferred``); the sweep may be, as a job that runs again.
    """
    world = World(uow=postgres_store.unit_of_work(f"race-{uuid.uuid4().hex[:12]}"))
    acc = Account(world)
    world.settings(autopool_enabled=True)
    world.user("hm", "Hana Manager")
    world.requisition("r-pool", "Store assistant", owner="hm", autopool=AutopoolCriteria())
    world.requisition("r-other", "Cashier")
    alerts = PoolAlerts(acc.uow, world.clock, world.ids, acc.outbox)
    alerts.watch(HM, RequisitionId("r-pool"))
    refused: list[BaseException] = []

    def sweep() -> None:
        try:
            alerts.sweep()
        except (ConflictError, StoreBusyError) as e:
            refused.append(e)

    for rnd in range(12):
        cid = CandidateId(f"c{rnd}")
        world.candidate(cid, "Eva")
        world.apply(
            cid,
            "r-other",
            status=SubmissionStatus.HIRED,
            submitted_days_ago=40,
            status_changed_days_ago=30 - 1 / 48,
        )
        world.clock.advance(hours=1)  # now in the pool, by time alone
        _, errors = race([sweep, partial(acc.pools.tag, None, cid, "Brno")])
        assert errors == []  # the write was never refused
        with acc.uow:
            about = [n for n in acc.uow.notifications.for_user(HM) if n.candidate_id == cid]
            assert acc.uow.candidates.get(cid).has_tag("Brno")  # and kept
        assert len(about) == 1, (rnd, refused, alerts.deferred)
        assert alerts.sweep().entered == ()  # nothing left unannounced
    assert len(acc.outbox.notifications(HM)) == 12
