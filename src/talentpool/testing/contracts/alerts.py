"""The pool alerts contract (AP16): watches, announced members and the commit check.

It drives :class:`~talentpool.autopool.alerts.PoolAlerts` over the adapter under
test, so it proves together what the service needs of the store: the watches and
announced members of :class:`~talentpool.ports.PoolAlertRepository`, the
candidates a unit of work wrote reaching the commit check, and erasure reaching
the announced members.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

from talentpool.adapters.memory import MemoryIds
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.autopool.alerts import LONGEST_PERIOD, AlertSweep, PoolAlerts
from talentpool.clock import FixedClock
from talentpool.criteria import AutopoolCriteria, HasTag
from talentpool.erasure import Erasure
from talentpool.errors import ConfigurationError, NotFoundError, PermissionDeniedError
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.micropools import DigestJob, MicroPools
from talentpool.model import AccountSettings, Role, SubmissionStatus
from talentpool.notifications import DeliveryMode, NotificationChannel, NotificationType
from talentpool.ports.alerts import PoolWatch
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

__all__ = ["PoolAlertContract"]

POOL = RequisitionId("r-pool")
OTHER = RequisitionId("r-other")
HM = UserId("u-hm")
ADMIN = UserId("u-admin")
STRANGER = UserId("u-stranger")
_CRITERIA = AutopoolCriteria(advanced=HasTag("Python"))


class PoolAlertContract(AdapterContract):
    """Pool alerts over the adapter under test (AP16, DM6, MP10)."""

    def _account(self) -> FixtureStore:
        return self.stored(
            AccountSettings(autopool_enabled=True),
            _user(HM),
            _user(ADMIN, role=Role.ADMINISTRATOR),
            _user(STRANGER),
            _requisition(POOL, owner_id=HM, autopool=_CRITERIA),
            _requisition(OTHER),
            _candidate("c-in", tags=["Python"]),
            _candidate("c-out"),
            _submission("s-in", "c-in", OTHER, 10),
            _submission("s-out", "c-out", OTHER, 10),
        )

    def _services(
        self, uow: FixtureStore, clock: FixedClock | None = None
    ) -> tuple[PoolAlerts, MicroPools, MemoryOutbox]:
        clock = clock or FixedClock(_NOW)
        ids, outbox = MemoryIds(), MemoryOutbox()
        return (
            PoolAlerts(uow, clock, ids, outbox),
            MicroPools(uow, clock, ids, outbox),
            outbox,
        )

    def _announced(
        self, clock: FixedClock
    ) -> tuple[FixtureStore, PoolAlerts, MicroPools, MemoryOutbox]:
        """The account, HM watching the pool, and c-out tagged into it: announced at once."""
        uow = self._account()
        alerts, pools, outbox = self._services(uow, clock)
        alerts.watch(HM, POOL)
        pools.tag(None, CandidateId("c-out"), "Python")
        return uow, alerts, pools, outbox

    def test_a_candidate_entering_a_watched_pool_is_announced_once(self) -> None:
        uow = self._account()
        alerts, pools, outbox = self._services(uow)
        watch = alerts.watch(HM, POOL)
        assert watch == PoolWatch(HM, POOL, _NOW)
        assert outbox.sent == []  # already in the pool: no news
        pools.tag(None, CandidateId("c-out"), "python")
        assert [n.candidate_id for n in outbox.notifications(HM)] == ["c-out"]
        note = outbox.notifications(HM)[0]
        assert note.kind is NotificationType.NEW_CANDIDATE_IN_AUTOPOOL
        assert note.message == "Eva Nováková is new in the pool of Position r-pool."
        assert outbox.channels(HM) == {
            NotificationChannel.BELL,
            NotificationChannel.EMAIL,
            NotificationChannel.MOBILE_PUSH,
        }
        pools.tag(None, CandidateId("c-out"), "Java")  # still in: no second alert
        assert len(outbox.notifications(HM)) == 1
        with uow:
            assert [n.id for n in uow.notifications.for_user(HM)] == [note.id]

    def test_a_candidate_who_leaves_and_re_enters_is_announced_again(self) -> None:
        """c-in was taken silently with the pool: never announced, so their return is news."""
        uow = self._account()
        alerts, pools, outbox = self._services(uow)
        alerts.watch(HM, POOL)
        pools.untag(None, CandidateId("c-in"), "Python")
        assert outbox.sent == []
        pools.tag(None, CandidateId("c-in"), "Python")
        assert [n.candidate_id for n in outbox.notifications(HM)] == ["c-in"]

    # --- re-entry within a digest period (AP16, MP10) ------------------------------------

    def _leave_and_return(self, pools: MicroPools, clock: FixedClock, at: datetime) -> None:
        """c-out leaves the pool (losing the tag) and, at *at*, re-enters it."""
        pools.untag(None, CandidateId("c-out"), "Python")
        clock.set(at)
        pools.tag(None, CandidateId("c-out"), "Python")

    def test_a_re_entry_within_the_hour_is_not_announced_twice(self) -> None:
        clock = FixedClock(_NOW)
        uow, _, pools, outbox = self._announced(clock)
        assert [n.candidate_id for n in outbox.notifications(HM)] == ["c-out"]
        with uow:
            assert uow.alerts.last_announced([CandidateId("c-out")]) == {POOL: {"c-out": _NOW}}
        pools.untag(None, CandidateId("c-out"), "Python")
        with uow:  # out of the pool, but when they were announced is kept
            assert uow.alerts.members(POOL) == {"c-in"}
            assert uow.alerts.members_among([CandidateId("c-out")]) == {}
            assert uow.alerts.last_announced([CandidateId("c-out")]) == {POOL: {"c-out": _NOW}}
        clock.set(_NOW + timedelta(minutes=59))
        pools.tag(None, CandidateId("c-out"), "Python")
        assert len(outbox.notifications(HM)) == 1  # the same hour: no second alert
        with uow:
            assert uow.alerts.members(POOL) == {"c-in", "c-out"}
            assert uow.alerts.last_announced([CandidateId("c-out")]) == {POOL: {"c-out": _NOW}}
        self._leave_and_return(pools, clock, _NOW + timedelta(hours=1, minutes=1))
        assert [n.candidate_id for n in outbox.notifications(HM)] == ["c-out", "c-out"]
        with uow:
            later = _NOW + timedelta(hours=1, minutes=1)
            assert uow.alerts.last_announced([CandidateId("c-out")]) == {POOL: {"c-out": later}}

    def test_each_watcher_hears_again_once_per_own_period(self) -> None:
        """Daily e-mail: once a day (8:00 to 8:00); hourly e-mail or all immediate: once an hour."""
        uow = self._account()
        quick = UserId("u-quick")
        self.store(uow, _user(quick, role=Role.ADMINISTRATOR))
        clock = FixedClock(_NOW)  # 9:00 UTC
        alerts, pools, outbox = self._services(uow, clock)
        kind = NotificationType.NEW_CANDIDATE_IN_AUTOPOOL
        pools.set_delivery_mode(HM, NotificationChannel.EMAIL, DeliveryMode.DAILY, kind)
        pools.set_delivery_mode(ADMIN, NotificationChannel.EMAIL, DeliveryMode.HOURLY, kind)
        for user in (HM, ADMIN, quick):
            alerts.watch(user, POOL)
        pools.tag(None, CandidateId("c-out"), "Python")

        def heard() -> list[int]:
            return [len(outbox.notifications(u)) for u in (HM, ADMIN, quick)]

        assert heard() == [1, 1, 1]
        self._leave_and_return(pools, clock, _NOW + timedelta(minutes=30))
        assert heard() == [1, 1, 1]
        self._leave_and_return(pools, clock, _NOW + timedelta(hours=1, minutes=30))
        assert heard() == [1, 2, 2]  # a new hour, the same day from 8:00
        self._leave_and_return(pools, clock, _NOW + timedelta(hours=22, minutes=59))  # 7:59
        assert heard() == [1, 3, 3]
        self._leave_and_return(pools, clock, _NOW + timedelta(hours=23, minutes=1))  # 8:01
        assert heard() == [2, 4, 4]
        with uow:
            assert len(uow.notifications.for_user(HM)) == 2

    def test_the_daily_period_keeps_its_local_hour_across_a_daylight_saving_change(self) -> None:
        """Europe/Prague moves to summer time on 28 March 2027: 8:00 local is 6:00 UTC then."""
        uow = self._account()
        prague = ZoneInfo("Europe/Prague")
        start = datetime(2027, 3, 27, 9, 0, tzinfo=prague)  # 8:00 UTC, winter time
        clock = FixedClock(start)
        alerts, pools, outbox = self._services(uow, clock)
        kind = NotificationType.NEW_CANDIDATE_IN_AUTOPOOL
        pools.set_delivery_mode(HM, NotificationChannel.EMAIL, DeliveryMode.DAILY, kind)
        alerts.watch(HM, POOL)
        pools.tag(None, CandidateId("c-out"), "Python")
        assert len(outbox.notifications(HM)) == 1
        # 7:30 summer time is 5:30 UTC: still before the day's 8:00, no alert
        self._leave_and_return(pools, clock, datetime(2027, 3, 28, 7, 30, tzinfo=prague))
        assert len(outbox.notifications(HM)) == 1
        # 8:30 summer time is 6:30 UTC: less than 24 hours after the first alert, a new day
        self._leave_and_return(pools, clock, datetime(2027, 3, 28, 8, 30, tzinfo=prague))
        assert len(outbox.notifications(HM)) == 2

    def test_the_sweep_follows_the_period_too(self) -> None:
        clock = FixedClock(_NOW)
        uow, alerts, pools, outbox = self._announced(clock)
        uow.alerts.set_commit_check(None)  # from now on only the sweep sees the writes
        pools.untag(None, CandidateId("c-out"), "Python")
        assert alerts.sweep().left == 1
        clock.set(_NOW + timedelta(minutes=40))
        pools.tag(None, CandidateId("c-out"), "Python")
        assert alerts.sweep() == AlertSweep()
        with uow:
            assert uow.alerts.members(POOL) == {"c-in", "c-out"}
        pools.untag(None, CandidateId("c-out"), "Python")
        assert alerts.sweep().left == 1
        clock.set(_NOW + timedelta(hours=1))
        pools.tag(None, CandidateId("c-out"), "Python")
        assert alerts.sweep().entered == ((POOL, "c-out"),)
        assert [n.candidate_id for n in outbox.notifications(HM)] == ["c-out", "c-out"]

    def test_new_criteria_keep_when_a_candidate_was_announced(self) -> None:
        """Members taken again silently; one who left then re-enters within the hour: silent."""
        clock = FixedClock(_NOW)
        uow, alerts, pools, outbox = self._announced(clock)
        pools.untag(None, CandidateId("c-out"), "Python")
        java = AutopoolCriteria(advanced=HasTag("Python") | HasTag("Java"))
        self.store(uow, _requisition(POOL, owner_id=HM, autopool=java))
        assert alerts.sweep() == AlertSweep()
        clock.set(_NOW + timedelta(minutes=10))
        pools.tag(None, CandidateId("c-out"), "Java")
        assert len(outbox.notifications(HM)) == 1
        with uow:
            assert uow.alerts.members(POOL) == {"c-in", "c-out"}

    def test_the_sweep_forgets_who_left_before_every_period(self) -> None:
        clock = FixedClock(_NOW)
        uow, alerts, pools, outbox = self._announced(clock)
        pools.untag(None, CandidateId("c-out"), "Python")
        clock.set(_NOW + LONGEST_PERIOD)
        alerts.sweep()
        with uow:  # announced exactly LONGEST_PERIOD ago: kept
            assert uow.alerts.last_announced([CandidateId("c-out")]) == {POOL: {"c-out": _NOW}}
        clock.set(_NOW + LONGEST_PERIOD + timedelta(microseconds=1))
        alerts.sweep()
        with uow:
            assert uow.alerts.last_announced([CandidateId("c-out")]) == {}
            assert uow.alerts.members(POOL) == {"c-in"}
        pools.tag(None, CandidateId("c-out"), "Python")
        assert len(outbox.notifications(HM)) == 2  # a day on: news again

    def test_erasure_removes_what_was_kept_of_one_who_left(self) -> None:
        uow, _, pools, _ = self._announced(FixedClock(_NOW))
        pools.untag(None, CandidateId("c-out"), "Python")
        Erasure(uow, FixedClock(_NOW), MemoryIds()).erase(ADMIN, CandidateId("c-out"))
        with uow:
            assert uow.alerts.last_announced([CandidateId("c-out")]) == {}
            assert uow.alerts.members(POOL) == {"c-in"}

    def test_a_status_change_and_a_new_submission_count(self) -> None:
        uow = self._account()
        crit = AutopoolCriteria(exclude_in_selection_process=True)
        self.store(uow, _requisition(POOL, owner_id=HM, autopool=crit))
        alerts, _, outbox = self._services(uow)
        alerts.watch(HM, POOL)  # both are in a selection process on OTHER: nobody inside
        with uow:
            active = uow.submissions.get(_submission("s-in", "c-in", OTHER, 10).id)
            uow.submissions.save(attrs.evolve(active, status=SubmissionStatus.INACTIVE))
            uow.commit()
        assert [n.candidate_id for n in outbox.notifications(HM)] == ["c-in"]
        self.store(
            uow,
            _candidate("c-new"),
            _submission("s-new", "c-new", OTHER, 1, status=SubmissionStatus.WITHDRAWN),
        )
        assert [n.candidate_id for n in outbox.notifications(HM)] == ["c-in", "c-new"]

    def test_one_alert_per_watcher_and_candidate_naming_every_pool(self) -> None:
        uow = self._account()
        second = RequisitionId("r-second")
        self.store(uow, _requisition(second, owner_id=HM, autopool=_CRITERIA))
        alerts, pools, outbox = self._services(uow)
        alerts.watch(HM, POOL)
        alerts.watch(HM, second)
        alerts.watch(ADMIN, POOL)
        pools.tag(None, CandidateId("c-out"), "Python")
        [note] = outbox.notifications(HM)
        assert [p.requisition_id for p in note.pools] == [POOL, second]
        assert [n.candidate_id for n in outbox.notifications(ADMIN)] == ["c-out"]

    def test_only_who_may_see_the_requisition_may_watch(self) -> None:
        uow = self._account()
        alerts, _, _ = self._services(uow)
        with pytest.raises(PermissionDeniedError, match="u-stranger"):
            alerts.watch(STRANGER, POOL)
        assert alerts.watching(STRANGER) == ()
        assert alerts.watch(ADMIN, POOL).user_id == ADMIN
        with pytest.raises(ConfigurationError, match="no autopool criteria"):
            alerts.watch(ADMIN, OTHER)
        with pytest.raises(NotFoundError):
            alerts.unwatch(STRANGER, POOL)

    def test_unwatching_stops_the_alerts(self) -> None:
        uow = self._account()
        alerts, pools, outbox = self._services(uow)
        alerts.watch(HM, POOL)
        alerts.unwatch(HM, POOL)
        assert alerts.watching(HM) == ()
        pools.tag(None, CandidateId("c-out"), "Python")
        assert outbox.sent == []

    def test_an_erased_candidate_is_never_announced_and_their_alerts_go(self) -> None:
        uow, alerts, _, _ = self._announced(FixedClock(_NOW))
        Erasure(uow, FixedClock(_NOW), MemoryIds()).erase(ADMIN, CandidateId("c-out"))
        with uow:
            assert uow.notifications.for_user(HM) == []
            assert uow.alerts.members(POOL) == {"c-in"}
        assert alerts.sweep().entered == ()

    def test_alerts_follow_the_digest_settings(self) -> None:
        uow = self._account()
        alerts, pools, outbox = self._services(uow)
        kind = NotificationType.NEW_CANDIDATE_IN_AUTOPOOL
        pools.set_delivery_mode(HM, NotificationChannel.EMAIL, DeliveryMode.HOURLY, kind)
        alerts.watch(HM, POOL)
        pools.tag(None, CandidateId("c-out"), "Python")
        assert NotificationChannel.EMAIL not in outbox.channels(HM)
        later = FixedClock(_NOW + timedelta(hours=2))
        ids = MemoryIds()
        job = DigestJob(uow, later, ids, outbox, alerts=PoolAlerts(uow, later, ids, outbox))
        run = job.run()
        [digest] = run.sent
        assert digest.title == "1 new candidate in your watched pools"
        assert "Position r-pool" in digest.message
        assert job.run().sent == ()

    def test_the_sweep_finds_what_time_alone_changed(self) -> None:
        uow = self._account()
        crit = AutopoolCriteria(exclude_rejected_within_days=5)
        self.store(
            uow,
            _requisition(POOL, owner_id=HM, autopool=crit),
            _submission(
                "s-out",
                "c-out",
                OTHER,
                10,
                status=SubmissionStatus.REJECTED,
                status_changed_at=_NOW - timedelta(days=4),
            ),
        )
        alerts, _, outbox = self._services(uow)
        alerts.watch(HM, POOL)
        assert alerts.sweep().entered == ()
        later = PoolAlerts(uow, FixedClock(_NOW + timedelta(days=2)), MemoryIds(), outbox)
        assert later.sweep().entered == ((POOL, "c-out"),)
        assert later.sweep().entered == ()
        assert [n.candidate_id for n in outbox.notifications(HM)] == ["c-out"]

    def test_new_criteria_take_the_members_again_silently(self) -> None:
        uow = self._account()
        alerts, _, outbox = self._services(uow)
        alerts.watch(HM, POOL)
        self.store(uow, _requisition(POOL, owner_id=HM, autopool=AutopoolCriteria()))
        assert alerts.sweep().entered == ()
        assert outbox.sent == []
        with uow:
            assert uow.alerts.members(POOL) == {"c-in", "c-out"}

    def test_a_changed_requisition_takes_the_members_again_silently(self) -> None:
        """A new language or pool exclusion changes the pool, not the candidates: no alert."""
        uow = self._account()
        alerts, _, outbox = self._services(uow)
        criteria = AutopoolCriteria(profile_language_must_match=True)
        self.store(
            uow,
            _candidate("c-in", tags=["Python"], profile_language="cs"),
            _candidate("c-out", profile_language="cs"),
            _requisition(POOL, owner_id=HM, autopool=criteria, language="en"),
        )
        alerts.watch(HM, POOL)
        with uow:
            assert uow.alerts.members(POOL) == set()  # the candidates' profiles are in Czech
        czech = _requisition(POOL, owner_id=HM, autopool=criteria, language="cs")
        self.store(uow, czech)
        assert alerts.sweep().entered == ()
        self.store(uow, attrs.evolve(czech, pool_exclusions={CandidateId("c-in")}))
        assert alerts.sweep().entered == ()
        assert outbox.sent == []
        with uow:
            assert uow.alerts.members(POOL) == {"c-out"}

    def test_a_commit_retried_after_a_failed_check_judges_the_same_candidates(self) -> None:
        """The candidates a block wrote stay noted until a check has judged them."""
        uow = self._account()
        seen: list[frozenset[CandidateId]] = []

        def check(_: object, touched: frozenset[CandidateId]) -> None:
            seen.append(touched)
            if len(seen) == 1:
                raise _BoomError

        uow.alerts.set_commit_check(check)
        with uow:
            uow.candidates.save(_candidate("c-new"))
            with pytest.raises(_BoomError):
                uow.commit()
            uow.commit()
        assert seen == [frozenset({CandidateId("c-new")})] * 2
        with uow:
            assert uow.candidates.get(CandidateId("c-new")) == _candidate("c-new")

    def test_a_write_outside_a_unit_of_work_counts_as_it_is_made(self) -> None:
        """A single write takes effect at once, and is judged at once (AP16)."""
        uow = self._account()
        alerts, _, outbox = self._services(uow)
        alerts.watch(HM, POOL)
        uow.candidates.save(_candidate("c-out", tags=["Python"]))  # in no `with` block
        assert [n.candidate_id for n in outbox.notifications(HM)] == ["c-out"]
        uow.submissions.save(_submission("s-out", "c-out", OTHER, 11))  # still in: no news
        assert len(outbox.notifications(HM)) == 1
        with uow:
            assert uow.alerts.members(POOL) == {"c-in", "c-out"}
