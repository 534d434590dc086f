"""The pool alerts contract (AP16): watches, announced members and the commit check.

It drives :class:`~talentpool.autopool.alerts.PoolAlerts` over the adapter under
test, so it proves together what the service needs of the store: the watches and
announced members of :class:`~talentpool.ports.PoolAlertRepository`, the
candidates a unit of work wrote reaching the commit check, and erasure reaching
the announced members.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from talentpool.adapters.memory import MemoryIds
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.autopool.alerts import PoolAlerts
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
        uow = self._account()
        alerts, pools, outbox = self._services(uow)
        alerts.watch(HM, POOL)
        pools.untag(None, CandidateId("c-in"), "Python")
        assert outbox.sent == []
        pools.tag(None, CandidateId("c-in"), "Python")
        assert [n.candidate_id for n in outbox.notifications(HM)] == ["c-in"]

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
        uow = self._account()
        alerts, pools, _ = self._services(uow)
        alerts.watch(HM, POOL)
        pools.tag(None, CandidateId("c-out"), "Python")
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
