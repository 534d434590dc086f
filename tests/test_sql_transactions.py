"""ST3: the SQL store's units of work, on their own connection or inside a host's transaction.

The unit of work keeps the promises of
:class:`~talentpool.testing.contracts.UnitOfWorkContract`, on its own connection
and joined to a host's (``tests/test_contracts_sqlite.py``, ``..._postgres.py``).
Joined to a host's SQLAlchemy connection, its blocks are savepoints of the
host's transaction, and the host's commit or rollback decides for everything the
services wrote: entities, audit events and notifications alike. ``World`` builds
on the store, and scenarios written against the reference hold on SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, create_engine, select

import micropools_support
import test_autopool_service as autopool_scenarios
import test_micropools_scenarios as micropool_scenarios
from talentpool.actions import AutopoolActions
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.adapters.sql import SqlStore
from talentpool.audit import CandidateMatched, SubmissionInactivated
from talentpool.criteria import AutopoolCriteria
from talentpool.errors import ConflictError, StoreBusyError
from talentpool.ids import CandidateId, RepoolingRuleId, RequisitionId, UserId
from talentpool.micropools import MicroPools, TagShareGranted
from talentpool.model import (
    Candidate,
    RepoolingRule,
    Requisition,
    Role,
)
from talentpool.repooling import Repooling
from talentpool.testing import World

WHEN = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class BoomError(Exception):
    """Raised midway through an action, or a host's request."""


def _candidate(cid: str) -> Candidate:
    return Candidate(CandidateId(cid), "Eva", cid.title(), created_at=WHEN)


def _requisition(rid: str = "r1") -> Requisition:
    return Requisition(RequisitionId(rid), rid.upper(), created_at=WHEN)


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'talent.db'}"


# --- what only a database shows --------------------------------------------------------------


def test_after_a_commit_the_block_holds_no_lock_until_it_works_again(tmp_path: Path) -> None:
    """ST3: a committed block does not take SQLite's write lock again until its next statement.

    Otherwise its commit would wait for the lock a second time, and report a busy
    database for writes it had already made permanent.
    """
    uow = SqlStore(_url(tmp_path)).unit_of_work("acme")
    other = SqlStore(_url(tmp_path), busy_timeout=0.2).unit_of_work("acme")
    with uow:
        uow.candidates.save(_candidate("c1"))
        uow.commit()
        other.candidates.save(_candidate("c2"))  # another process, while the block is open
        uow.candidates.save(_candidate("c3"))  # the block's next transaction begins here
    assert [c.id for c in other.candidates] == ["c1", "c2"]


def test_another_connections_write_waits_for_the_action_and_is_not_undone(
    tmp_path: Path,
) -> None:
    """ST3: a failing action undoes its own writes only; a write made meanwhile waits, lands."""
    uow = SqlStore(_url(tmp_path)).unit_of_work("acme")
    loader = SqlStore(_url(tmp_path)).unit_of_work("acme")
    inside = threading.Event()
    errors: list[BaseException] = []

    def load() -> None:
        inside.wait(5)
        try:
            loader.candidates.save(_candidate("c9"))  # a fixture load, outside any unit of work
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    loading = threading.Thread(target=load)
    loading.start()

    def action() -> None:
        with uow:
            uow.candidates.save(_candidate("c2"))
            inside.set()
            loading.join(0.2)  # the load waits for this action's lock
            assert loading.is_alive()
            raise BoomError

    with pytest.raises(BoomError):
        action()
    loading.join()
    assert errors == []
    assert [c.id for c in uow.candidates] == ["c9"]


def test_units_of_work_serialise_read_modify_write(tmp_path: Path) -> None:
    """ST3: sixteen threads each add one pool exclusion through one unit of work; none is lost."""
    uow = SqlStore(_url(tmp_path)).unit_of_work("acme")
    uow.requisitions.save(_requisition())
    barrier = threading.Barrier(16)
    errors: list[BaseException] = []

    def exclude(n: int) -> None:
        barrier.wait()
        try:
            with uow:
                requisition = uow.requisitions.get(RequisitionId("r1"))
                excluded = requisition.pool_exclusions | {CandidateId(f"c{n}")}
                uow.requisitions.save(attrs.evolve(requisition, pool_exclusions=excluded))
                uow.commit()
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=exclude, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(uow.requisitions.get(RequisitionId("r1")).pool_exclusions) == 16


# --- the services inside a host's transaction -----------------------------------------------

HANA, ADMIN = UserId("hana"), UserId("admin")
PETRA, OLGA = CandidateId("petra"), CandidateId("olga")
BARISTA = RequisitionId("barista")


@attrs.define
class Host:
    """A host's database: its own table beside talentpool's, under the prefix ``tp_``."""

    engine: Engine
    store: SqlStore
    world: World
    requests: Table


@pytest.fixture
def host(tmp_path: Path) -> Host:
    engine = create_engine(_url(tmp_path))
    store = SqlStore(engine, prefix="tp_")  # first: it configures the connections the engine opens
    own = MetaData()
    requests = Table("web_requests", own, Column("id", String(32), primary_key=True))
    own.create_all(engine)
    world = World(uow=store.unit_of_work("acme"))
    world.user("admin", role=Role.ADMINISTRATOR)
    world.user("hana", "Hana")
    world.requisition("cook", "Cook")
    world.requisition("barista", "Barista", autopool=AutopoolCriteria())
    world.candidate("petra", "Petra", "Nová")
    world.apply("petra", "cook", submitted_days_ago=10)
    world.candidate("olga", "Olga", "Malá")
    world.apply("olga", "cook", submitted_days_ago=45)  # idle for 45 days: repooling's
    Repooling(world.uow, world.clock).save_rule(
        ADMIN, RepoolingRule(RepoolingRuleId("stale"), "Stale after 30 days", 30)
    )
    MicroPools(world.uow, world.clock, world.ids, MemoryOutbox()).subscribe(ADMIN, HANA, "Brno")
    return Host(engine, store, world, requests)


def _request(host: Host, connection: Connection, outbox: MemoryOutbox) -> None:
    """One web request's work: a match, a tag (a notification) and a repooling run."""
    uow = host.store.unit_of_work("acme", connection=connection)
    clock, ids = host.world.clock, host.world.ids
    connection.execute(host.requests.insert().values(id="req-1"))
    AutopoolActions(uow, clock, ids).match(HANA, BARISTA, PETRA)
    MicroPools(uow, clock, ids, outbox).tag(None, OLGA, "brno")
    assert Repooling(uow, clock).run().candidate_ids == (OLGA,)


def _everything(host: Host) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the database, table by table."""
    with host.engine.connect() as c:
        tables = [*host.store.schema.metadata.sorted_tables, host.requests]
        return {
            t.name: [tuple(r) for r in c.execute(select(t).order_by(*t.primary_key.columns))]
            for t in tables
        }


def test_a_hosts_commit_keeps_the_services_writes_events_and_notifications(host: Host) -> None:
    """ST3: everything the services wrote inside the host's transaction commits with it."""
    outbox = MemoryOutbox()
    with host.engine.begin() as connection:
        _request(host, connection, outbox)
    uow = host.world.uow  # its own connection: sees only what was committed
    assert [s.candidate_id for s in uow.submissions.for_requisition(BARISTA)] == [PETRA]
    assert {t.key for t in uow.candidates.get(OLGA).tags} == {"brno"}
    assert [n.candidate_id for n in uow.notifications.for_user(HANA)] == [OLGA]
    kinds = [type(e) for e in uow.events]
    assert {CandidateMatched, TagShareGranted, SubmissionInactivated} <= set(kinds)
    with host.engine.connect() as c:
        assert c.execute(select(host.requests.c.id)).scalars().all() == ["req-1"]


def test_a_hosts_rollback_takes_the_services_writes_events_and_notifications_with_it(
    host: Host,
) -> None:
    """ST3: the host's request fails after the services ran: not a row of it stays."""
    before = _everything(host)
    outbox = MemoryOutbox()

    def failing_request() -> None:
        with host.engine.begin() as connection:
            _request(host, connection, outbox)
            raise BoomError

    with pytest.raises(BoomError):
        failing_request()
    assert _everything(host) == before
    uow = host.world.uow
    assert uow.submissions.for_requisition(BARISTA) == []
    assert uow.notifications.for_user(HANA) == []
    # sent when the service's block ended: a host defers delivery to its commit (docs/storage.md)
    assert outbox.messages(HANA) == ["Olga Malá is new in your micro-pool Brno."]


def test_a_services_failure_inside_the_hosts_transaction_undoes_only_its_own_block(
    host: Host,
) -> None:
    """ST3: a refused match is one savepoint; the host's transaction goes on and commits."""
    actions = AutopoolActions
    with host.engine.begin() as connection:
        uow = host.store.unit_of_work("acme", connection=connection)
        first = actions(uow, host.world.clock, host.world.ids).match(HANA, BARISTA, PETRA)
        with pytest.raises(ConflictError, match="already on requisition 'barista'"):
            actions(uow, host.world.clock, host.world.ids).match(HANA, BARISTA, PETRA)
        connection.execute(host.requests.insert().values(id="req-2"))
    assert host.world.uow.submissions.for_requisition(BARISTA) == [first]
    with host.engine.connect() as c:
        assert c.execute(select(host.requests.c.id)).scalars().all() == ["req-2"]


def test_a_hosts_long_transaction_keeps_other_stores_waiting_then_busy(host: Host) -> None:
    """ST3: the host's open transaction holds SQLite's write lock; another store waits for it."""
    url = host.engine.url.render_as_string()
    other = SqlStore(url, prefix="tp_", busy_timeout=0.2).unit_of_work("acme")
    with host.engine.begin() as connection:
        AutopoolActions(
            host.store.unit_of_work("acme", connection=connection),
            host.world.clock,
            host.world.ids,
        ).match(HANA, BARISTA, PETRA)
        with pytest.raises(StoreBusyError):
            other.candidates.save(_candidate("c1"))
    assert [s.candidate_id for s in other.submissions.for_requisition(BARISTA)] == [PETRA]


# --- World on the store, and scenarios written against the reference ------------------------


def test_world_builds_an_account_on_sqlite(tmp_path: Path) -> None:
    """ST4: ``World(uow=...)`` writes through the protocol alone; the store holds it all."""
    store = SqlStore(_url(tmp_path))
    world = World(uow=store.unit_of_work("acme"))
    eva = world.candidate("eva", "Eva", "Nováková", tags=["Brno"])
    job = world.requisition("r-1", "Cashier")
    submission = world.apply(eva, job, submitted_days_ago=3)
    reader = store.unit_of_work("acme")  # a fresh unit of work: only what was committed
    assert reader.candidates.get(eva.id) == eva
    assert reader.requisitions.get(job.id) == job
    assert reader.submissions.for_requisition(job.id) == [submission]
    assert reader.settings.get().autopool_enabled


@pytest.fixture
def sqlite_world(tmp_path: Path) -> World:
    return World(uow=SqlStore(_url(tmp_path)).unit_of_work("acme"))


@pytest.mark.parametrize(
    "scenario",
    [
        autopool_scenarios.test_only_candidates_who_applied_elsewhere_are_considered,
        autopool_scenarios.test_matched_and_rejected_candidates_never_appear,
        autopool_scenarios.test_file_shows_other_applications_with_the_permission,
        autopool_scenarios.test_a_candidate_outside_the_pool_cannot_be_opened,
    ],
    ids=lambda f: f.__name__.removeprefix("test_"),
)
def test_autopool_scenarios_give_the_references_answers_on_sqlite(
    sqlite_world: World, scenario: Callable[[World], None]
) -> None:
    """ST3, ST4: tests written for the in-memory reference pass unchanged on a SQLite world."""
    scenario(sqlite_world)


@pytest.mark.parametrize(
    "scenario",
    [
        micropool_scenarios.test_use_case_1_collection_form_applicant_reaches_the_regional_managers,
        micropool_scenarios.test_use_case_2_a_skill_tag_reaches_the_teams_that_need_it,
        micropool_scenarios.test_use_case_3_call_and_prepare_contract_hand_candidates_to_other_teams,
    ],
    ids=lambda f: f.__name__.removeprefix("test_")[:10],
)
def test_micro_pool_use_cases_give_the_references_answers_on_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: Callable[[], None]
) -> None:
    """ST3, ST4, MP1–MP9: the seed's three use cases, their accounts built on SQLite."""
    store = SqlStore(_url(tmp_path))
    monkeypatch.setattr(micropools_support, "World", lambda: World(uow=store.unit_of_work("acme")))
    scenario()
