"""AP16: random writes of every kind; each alert announces exactly who entered a pool.

A hypothesis state machine watches four pools (a tag, "not in a selection
process", a radius, a rejection window with a NOT) and makes random writes: new
candidates (with or without a submission), tags added and removed, moves of
residence, new submissions on any requisition (a watched one too: AP5 takes the
candidate out of that pool), status changes and repooling. After each write the
set of (pool, candidate) the write's alerts announce must equal, pool by pool,
the pool after the write minus the pool before it, less the candidates who
re-enter a pool within the digest period they were last announced in there, on
the in-memory store and on SQLite, and on PostgreSQL. The clock moves on (by
minutes, hours or a day, after which the sweep runs) and the watcher switches
their e-mail for pool alerts between immediate, hourly and daily, so re-entries
fall within and across hourly and daily periods; the model keeps each (pool,
candidate)'s last announcement and works the periods out by itself.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timedelta

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from talentpool.adapters.memory import MemoryIds, MemoryUnitOfWork
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.adapters.sql import SqlStore
from talentpool.autopool import Autopooling
from talentpool.autopool.alerts import PoolAlerts
from talentpool.clock import FixedClock
from talentpool.criteria import AutopoolCriteria, HasTag, ResidenceWithin
from talentpool.errors import ConflictError
from talentpool.geo import GeoPoint
from talentpool.ids import CandidateId, RepoolingRuleId, RequisitionId, SubmissionId, UserId
from talentpool.micropools import MicroPools
from talentpool.model import (
    AccountSettings,
    Candidate,
    RepoolingRule,
    Requisition,
    Role,
    Submission,
    SubmissionStatus,
    User,
)
from talentpool.notifications import DeliveryMode, NotificationChannel, NotificationType
from talentpool.repooling import Repooling
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.world import DEFAULT_NOW

NOW = DEFAULT_NOW
ADMIN = UserId("admin")
BRNO = GeoPoint(49.1951, 16.6068)
PLACES = [BRNO, GeoPoint(49.25, 16.6), GeoPoint(50.0755, 14.4378), None]
POOLS = {
    RequisitionId("r-tag"): AutopoolCriteria(advanced=HasTag("Python")),
    RequisitionId("r-idle"): AutopoolCriteria(exclude_in_selection_process=True),
    RequisitionId("r-near"): AutopoolCriteria(radius=ResidenceWithin(25)),
    RequisitionId("r-calm"): AutopoolCriteria(
        exclude_rejected_within_days=30, advanced=~HasTag("Java")
    ),
}
REQUISITIONS = [*POOLS, RequisitionId("r-a"), RequisitionId("r-b")]
LABELS = ["Python", "Java", "Brno"]
STATUSES = list(SubmissionStatus)
CANDIDATES = [CandidateId(f"c{i}") for i in range(3)]
WAITS = [
    timedelta(minutes=20),
    timedelta(minutes=50),
    timedelta(hours=3),
    timedelta(hours=23),
    timedelta(days=1),
]


class AlertMachine(RuleBasedStateMachine):
    """Random writes; after each, the alerts equal the pools' growth (AP16)."""

    def make_uow(self) -> FixtureStore:
        raise NotImplementedError

    @initialize(mode=st.sampled_from(list(DeliveryMode)))
    def account(self, mode: DeliveryMode) -> None:
        self.uow = uow = self.make_uow()
        self.clock = FixedClock(NOW)
        self.ids = MemoryIds()
        self.outbox = MemoryOutbox()
        with uow:
            uow.settings.save(AccountSettings(autopool_enabled=True))
            uow.users.save(User(ADMIN, "Admin", role=Role.ADMINISTRATOR))
            for rid in REQUISITIONS:
                uow.requisitions.save(
                    Requisition(
                        rid,
                        f"Position {rid}",
                        NOW - timedelta(days=100),
                        primary_location=BRNO,
                        autopool=POOLS.get(rid),
                    )
                )
            uow.commit()
        self.alerts = PoolAlerts(uow, self.clock, self.ids, self.outbox)
        self.micropools = MicroPools(uow, self.clock, self.ids, self.outbox)
        self.pooling = Autopooling(uow, self.clock)
        for rid in POOLS:
            self.alerts.watch(ADMIN, rid)
        self.before = self._pools()
        self.serial = 0
        self.set_mode(mode)
        self.last: dict[tuple[RequisitionId, CandidateId], datetime] = {}

    def _pools(self) -> dict[RequisitionId, frozenset[CandidateId]]:
        return {
            rid: frozenset(r.candidate_id for r in self.pooling.results(rid).rows) for rid in POOLS
        }

    def _after_write(self) -> None:
        after = self._pools()
        announced = {
            (ref.requisition_id, d.notification.candidate_id)
            for d in self.outbox.sent
            if d.channel is NotificationChannel.BELL
            for ref in d.notification.pools
        }
        now = self.clock.now()
        expected = set()
        for rid in POOLS:
            for c in sorted(after[rid] - self.before[rid]):
                last = self.last.get((rid, c))
                if last is not None and _period(self.mode, last) == _period(self.mode, now):
                    continue  # re-entered within the period it was announced in
                expected.add((rid, c))
                self.last[rid, c] = now
        assert announced == expected
        assert len([d for d in self.outbox.sent if d.channel is NotificationChannel.BELL]) == len(
            {c for _, c in expected}
        )
        self.outbox.clear()
        self.before = after

    def _known(self) -> list[CandidateId]:
        with self.uow:
            out = []
            for cid in CANDIDATES:
                try:
                    self.uow.candidates.get(cid)
                except Exception:
                    continue
                out.append(cid)
            return out

    @rule(
        cid=st.sampled_from(CANDIDATES),
        tags=st.sets(st.sampled_from(LABELS)),
        place=st.sampled_from(PLACES),
        applied=st.none() | st.tuples(st.sampled_from(REQUISITIONS), st.sampled_from(STATUSES)),
    )
    def new_candidate(
        self,
        cid: CandidateId,
        tags: set[str],
        place: GeoPoint | None,
        applied: tuple[RequisitionId, SubmissionStatus] | None,
    ) -> None:
        if cid in self._known():
            return
        candidate = Candidate(
            cid, "Eva", f"Nováková {cid}", NOW - timedelta(days=50), tags=tags, residence=place
        )
        with self.uow:
            self.uow.candidates.save(candidate)
            if applied is not None:
                self.uow.submissions.save(self._submission(cid, *applied))
            self.uow.commit()
        self._after_write()

    def _submission(
        self, cid: CandidateId, rid: RequisitionId, status: SubmissionStatus
    ) -> Submission:
        self.serial += 1
        at = NOW - timedelta(days=3)
        return Submission(
            SubmissionId(f"s{self.serial}"),
            cid,
            rid,
            at,
            status=status,
            status_changed_at=at,
            last_activity_at=at - timedelta(days=200 * (self.serial % 2)),
        )

    @rule(cid=st.sampled_from(CANDIDATES), label=st.sampled_from(LABELS), add=st.booleans())
    def tag(self, cid: CandidateId, label: str, add: bool) -> None:
        if cid not in self._known():
            return
        if add:
            self.micropools.tag(None, cid, label)
        else:
            self.micropools.untag(None, cid, label)
        self._after_write()

    @rule(cid=st.sampled_from(CANDIDATES), place=st.sampled_from(PLACES))
    def move(self, cid: CandidateId, place: GeoPoint | None) -> None:
        if cid not in self._known():
            return
        with self.uow:
            moved = attrs.evolve(self.uow.candidates.get(cid), residence=place)
            self.uow.candidates.save(moved)
            self.uow.commit()
        self._after_write()

    @rule(
        cid=st.sampled_from(CANDIDATES),
        rid=st.sampled_from(REQUISITIONS),
        status=st.sampled_from(STATUSES),
    )
    def submit(self, cid: CandidateId, rid: RequisitionId, status: SubmissionStatus) -> None:
        if cid not in self._known():
            return
        try:
            with self.uow:
                self.uow.submissions.add(self._submission(cid, rid, status))
                self.uow.commit()
        except ConflictError:
            return  # already on that requisition: nothing written
        self._after_write()

    @rule(cid=st.sampled_from(CANDIDATES), status=st.sampled_from(STATUSES))
    def change_status(self, cid: CandidateId, status: SubmissionStatus) -> None:
        with self.uow:
            subs = list(self.uow.submissions.for_candidate(cid))
            if not subs:
                return
            changed = attrs.evolve(
                subs[0], status=status, status_changed_at=NOW - timedelta(days=1)
            )
            self.uow.submissions.save(changed)
            self.uow.commit()
        self._after_write()

    @rule()
    def repool(self) -> None:
        job = Repooling(self.uow, self.clock)
        job.save_rule(ADMIN, RepoolingRule(RepoolingRuleId("idle"), "Idle", 100))
        job.run()
        self._after_write()

    @rule(step=st.sampled_from(WAITS))
    def wait(self, step: timedelta) -> None:
        """Time passes; the sweep announces what time alone changed (AP16)."""
        self.clock.advance(seconds=step.total_seconds())
        self.alerts.sweep()
        self._after_write()

    @rule(data=st.data(), gap=st.none() | st.sampled_from(WAITS))
    def leave_and_return(self, data: st.DataObject, gap: timedelta | None) -> None:
        """A member of the tag pool loses the tag and gets it back, with or without time between."""
        members = sorted(self.before[RequisitionId("r-tag")])
        if not members:
            return
        cid = data.draw(st.sampled_from(members))
        self.tag(cid, "Python", False)
        if gap is not None:
            self.wait(gap)
        self.tag(cid, "Python", True)

    @rule(mode=st.sampled_from(list(DeliveryMode)))
    def set_mode(self, mode: DeliveryMode) -> None:
        kind = NotificationType.NEW_CANDIDATE_IN_AUTOPOOL
        self.micropools.set_delivery_mode(ADMIN, NotificationChannel.EMAIL, mode, kind)
        self.mode = mode


def _period(mode: DeliveryMode, at: datetime) -> tuple[int, ...]:
    """The model's digest period of *at* (the clock is in UTC): its hour, or its day from 8:00."""
    if mode is DeliveryMode.DAILY:
        day = (at - timedelta(hours=8)).date()
        return (day.year, day.month, day.day)
    return (at.year, at.month, at.day, at.hour)


settings_ = settings(max_examples=20, stateful_step_count=25, deadline=None)


class MemoryAlertMachine(AlertMachine):
    def make_uow(self) -> FixtureStore:
        return MemoryUnitOfWork()


class SqliteAlertMachine(AlertMachine):
    def make_uow(self) -> FixtureStore:
        return SqlStore("sqlite://").unit_of_work("acme")


# the in-memory machine is cheap: more examples, so re-entries within and across
# hourly and daily periods come up in every run
TestMemoryAlerts = settings(settings_, max_examples=150)(MemoryAlertMachine).TestCase
TestSqliteAlerts = settings_(SqliteAlertMachine).TestCase

_ACCOUNTS = itertools.count(1)
_RUN = uuid.uuid4().hex[:8]  # a server named by TALENTPOOL_TEST_POSTGRES may outlive a run


def test_ap16_postgresql_alerts_equal_the_pools_growth(postgres_url: str) -> None:
    """The same machine on PostgreSQL: a fresh account of one store for each example."""
    store = SqlStore(postgres_url, prefix="alertsm_")

    class PostgresAlertMachine(AlertMachine):
        def make_uow(self) -> FixtureStore:
            return store.unit_of_work(f"alerts-{_RUN}-{next(_ACCOUNTS)}")

    try:
        run_state_machine_as_test(
            PostgresAlertMachine,
            settings=settings(max_examples=10, stateful_step_count=20, deadline=None),
        )
    finally:
        store.dispose()
