"""AP16: random writes of every kind; each alert announces exactly who entered a pool.

A hypothesis state machine watches four pools (a tag, "not in a selection
process", a radius, a rejection window with a NOT) and makes random writes: new
candidates (with or without a submission), tags added and removed, moves of
residence, new submissions on any requisition (a watched one too: AP5 takes the
candidate out of that pool), status changes and repooling. After each write the
set of (pool, candidate) the write's alerts announce must equal, pool by pool,
the pool after the write minus the pool before it, on the in-memory store and on
SQLite, and on PostgreSQL. A candidate who leaves and re-enters is announced again.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

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
from talentpool.notifications import NotificationChannel
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


class AlertMachine(RuleBasedStateMachine):
    """Random writes; after each, the alerts equal the pools' growth (AP16)."""

    def make_uow(self) -> FixtureStore:
        raise NotImplementedError

    @initialize()
    def account(self) -> None:
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
        expected = {(rid, c) for rid in POOLS for c in after[rid] - self.before[rid]}
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


settings_ = settings(max_examples=20, stateful_step_count=25, deadline=None)


class MemoryAlertMachine(AlertMachine):
    def make_uow(self) -> FixtureStore:
        return MemoryUnitOfWork()


class SqliteAlertMachine(AlertMachine):
    def make_uow(self) -> FixtureStore:
        return SqlStore("sqlite://").unit_of_work("acme")


TestMemoryAlerts = settings_(MemoryAlertMachine).TestCase
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
