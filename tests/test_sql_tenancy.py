"""ST6: one SQLite database, two accounts with the same ids; neither ever sees the other.

Both accounts use the same candidate, requisition, submission, user, tag, rule
and quick-filter ids, with different people and histories behind them, so a
query that forgot the account would answer with the other's rows. Each account
is built twice: alone in the in-memory reference, and beside the other in one
SQLite database, its steps interleaved with the other's. Every service read
(pool results, quick filters, funnel, explanations, dry runs, the candidate
file, listings, counts, access levels, "Candidates on positions", folders,
bells, subscriptions, repooling previews, rules, the audit trail) gives the same
answer in both. Writes in one account (a repooling run, tag changes, a match,
subscriptions, settings) leave every row of the other byte-identical.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from talentpool.actions import AutopoolActions
from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.adapters.sql import DEFAULT_PREFIX, Schema, SqlStore
from talentpool.audit import event_to_dict
from talentpool.autopool import Autopooling
from talentpool.criteria import AutopoolCriteria, HasTag, QuickFilter
from talentpool.errors import DomainError, TalentpoolError
from talentpool.ids import CandidateId, QuickFilterId, RepoolingRuleId, RequisitionId, UserId
from talentpool.micropools import MicroPools
from talentpool.model import Candidate, Permission, RepoolingRule, Role, SubmissionStatus
from talentpool.notifications import NotificationChannel
from talentpool.repooling import Repooling
from talentpool.testing import World
from talentpool.testing.fixtures import FixtureStore
from talentpool.visibility import Visibility

ACME, BRNO = "acme", "brno"
ADMIN, HANA, RITA = UserId("admin"), UserId("hana"), UserId("rita")
USERS = (ADMIN, HANA, RITA)
COOK, BARISTA = RequisitionId("cook"), RequisitionId("barista")
PEOPLE = tuple(CandidateId(f"c{n}") for n in range(1, 6))
QF = QuickFilterId("brno")
STALE = RepoolingRule(RepoolingRuleId("stale"), "Stale after 30 days", 30)


class Account:
    """One account's world and every service over it."""

    def __init__(self, uow: FixtureStore) -> None:
        self.world = World(uow=uow)
        self.uow = uow
        clock, ids = self.world.clock, self.world.ids
        self.outbox = MemoryOutbox()
        self.autopool = Autopooling(uow, clock)
        self.actions = AutopoolActions(uow, clock, ids)
        self.repooling = Repooling(uow, clock)
        self.pools = MicroPools(uow, clock, ids, self.outbox)
        self.vis = Visibility(uow, clock)


def _build(acc: Account, account: str) -> Iterator[None]:
    """The account's history, one step at a time; same ids in both, different people."""
    w, acme = acc.world, account == ACME
    w.user("admin", "Alena" if acme else "Bohdana", Role.ADMINISTRATOR)
    yield
    w.user("hana", "Hana Acme" if acme else "Hana Brno")
    w.user("rita", "Rita", Role.RECRUITER, [Permission.VIEW_OTHER_APPLICATIONS])
    yield
    w.requisition("cook", "Cook" if acme else "Kuchař", owner="rita")
    w.requisition("barista", "Barista", autopool=AutopoolCriteria())
    yield
    acc.pools.subscribe(ADMIN, HANA, "Brno")
    if acme:
        acc.pools.subscribe(ADMIN, RITA, "Praha")
    yield
    if acme:
        w.candidate("c1", "Petra", "Nová", tags=["brno"])
        w.apply("c1", "cook", submitted_days_ago=10)
    else:
        w.candidate("c1", "Jan", "Novák", tags=["praha"])
        w.apply("c1", "cook", status=SubmissionStatus.HIRED, status_changed_days_ago=3)
    yield
    if acme:
        w.candidate("c2", "Olga", "Malá", tags=["praha"])
        w.apply("c2", "cook", status=SubmissionStatus.HIRED, status_changed_days_ago=5)
    else:
        w.candidate("c2", "Karel", "Malý", tags=["brno"])
        w.apply("c2", "cook", submitted_days_ago=50)
    yield
    if acme:
        w.candidate("c3", "Eva", "Krátká", tags=["brno"])
        w.apply("c3", "cook", submitted_days_ago=45)
    else:
        w.candidate("c3", "Lenka", "Dlouhá")
    yield
    acc.repooling.save_rule(ADMIN, STALE)
    acc.autopool.define_quick_filter(ADMIN, QuickFilter(QF, "Brno", HasTag("brno")))
    yield
    newcomer = "c4" if acme else "c5"
    acc.pools.add_candidate(Candidate(CandidateId(newcomer), "Lída", "Nová", w.now, tags=["Brno"]))
    yield


def _write(acc: Account) -> None:
    """Writes in one account: repooling, tags, a match, tracking, settings, a quick filter."""
    acc.repooling.run(ADMIN)
    acc.pools.tag(None, CandidateId("c2"), "brno")
    acc.pools.untag(None, CandidateId("c3"), "brno")
    acc.pools.tag(None, CandidateId("c1"), "praha")
    acc.actions.match(HANA, BARISTA, acc.autopool.results(BARISTA).candidate_ids[0])
    acc.pools.subscribe(ADMIN, RITA, "Brno")
    acc.pools.set_notification_channel(HANA, NotificationChannel.EMAIL, False)
    acc.autopool.define_quick_filter(ADMIN, QuickFilter(QuickFilterId("all"), "All", HasTag("x")))


def _run(*histories: Iterator[None]) -> None:
    """Run the histories' steps in turn, one step of each at a time."""
    pending = list(histories)
    while pending:
        for history in list(pending):
            if next(history, StopIteration) is StopIteration:
                pending.remove(history)


def _outcome(call: Callable[[], object]) -> object:
    try:
        return call()
    except TalentpoolError as e:
        return (type(e).__name__, str(e))


def _answers(acc: Account, *, open_files: bool = True) -> dict[str, Any]:
    """What every service read answers for the account.

    Opening a candidate file is recorded in the audit trail (AP11); without
    *open_files* the answers are reads alone, and the same when asked again.
    """
    pool, vis, pools = acc.autopool, acc.vis, acc.pools
    files = (
        [_outcome(partial(pool.candidate_file, RITA, BARISTA, c)) for c in PEOPLE]
        if open_files
        else None
    )
    return {
        "file": files,
        "results": pool.results(BARISTA),
        "quick filter": pool.results(BARISTA, quick_filters=[QF]),
        "quick filters": pool.quick_filters(),
        "funnel": pool.funnel(BARISTA),
        "explain": [_outcome(partial(pool.explain, BARISTA, c)) for c in PEOPLE],
        "in pool": [_outcome(partial(pool.in_pool, BARISTA, c)) for c in PEOPLE],
        "dry run": pool.dry_run(ADMIN, BARISTA, AutopoolCriteria(exclude_hired_within_days=None)),
        "listings": [vis.candidates(u) for u in USERS],
        "counts": [vis.count(u) for u in USERS],
        "micro-pool": [vis.candidates(HANA, micro_pool="brno"), vis.count(HANA, micro_pool="brno")],
        "levels": [_outcome(partial(vis.level, u, c)) for u in USERS for c in PEOPLE],
        "positions": [vis.candidates_on_positions(u) for u in USERS],
        "folders": [pools.folders(u) for u in USERS],
        "bells": [pools.bell(u) for u in USERS],
        "subscriptions": [pools.subscriptions(u) for u in USERS],
        "dry run subscribe": pools.dry_run_subscribe(ADMIN, RITA, "brno"),
        "repooling": acc.repooling.preview(ADMIN),
        "rules": acc.repooling.rules(),
        "events": [event_to_dict(e) for e in acc.uow.events],
        "delivered": [acc.outbox.to(u) for u in USERS],
    }


def _rows(store: SqlStore, account: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of *account*, table by table, exactly as stored."""
    with store.engine.connect() as c:
        return {
            t.name: [
                tuple(r)
                for r in c.execute(
                    select(t).where(t.c.account == account).order_by(*t.primary_key.columns)
                )
            ]
            for t in store.schema.metadata.sorted_tables
            if "account" in t.c
        }


@pytest.fixture(params=["sqlite", "postgres"])
def shared(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[SqlStore, Account, Account]]:
    """One database holding both accounts, built step by step in turn.

    An SQLite file, or fresh tables on the session's PostgreSQL server (ST5).
    """
    if request.param == "sqlite":
        store = SqlStore(f"sqlite:///{tmp_path / 'shared.db'}")
    else:
        url = request.getfixturevalue("postgres_url")
        store = SqlStore(url, prefix=f"tenancy_{uuid.uuid4().hex[:8]}_")
    acme, brno = Account(store.unit_of_work(ACME)), Account(store.unit_of_work(BRNO))
    _run(_build(acme, ACME), _build(brno, BRNO))
    yield store, acme, brno
    store.dispose()


def _alone(uow: FixtureStore, account: str) -> Account:
    acc = Account(uow)
    _run(_build(acc, account))
    return acc


def test_every_table_but_the_version_carries_the_account_first_in_its_key() -> None:
    """ST6: a row always belongs to one account, and every key starts with it."""
    for table in Schema().metadata.sorted_tables:
        if table.name == f"{DEFAULT_PREFIX}meta":  # the schema version: the database's own
            continue
        assert "account" in table.c, table.name
        assert next(iter(table.primary_key.columns)).name == "account", table.name


def test_a_unit_of_work_needs_an_account() -> None:
    """ST6: there is no unit of work over every account."""
    store = SqlStore("sqlite://")
    for account in ("", "  "):
        with pytest.raises(DomainError, match="non-blank account"):
            store.unit_of_work(account)


def test_each_account_reads_as_if_it_were_alone(shared: tuple[SqlStore, Account, Account]) -> None:
    """ST6: every service read in the shared database answers as the account alone does.

    Alone is the account by itself in the in-memory reference. The two accounts'
    answers differ, so any row read across would show.
    """
    _, acme, brno = shared
    answers = {}
    for account, acc in ((ACME, acme), (BRNO, brno)):
        answers[account] = _answers(acc)
        assert _answers(_alone(MemoryUnitOfWork(), account)) == answers[account]
    # the same ids hold different answers, so a leak could not hide
    assert answers[ACME]["results"].candidate_ids == ("c1", "c3")
    assert answers[BRNO]["results"].candidate_ids == ("c2",)
    assert [f.count for f in answers[ACME]["folders"][1]] == [3]
    assert [f.count for f in answers[BRNO]["folders"][1]] == [2]
    assert [n.candidate_id for n in answers[ACME]["bells"][1]] == ["c4"]
    assert [n.candidate_id for n in answers[BRNO]["bells"][1]] == ["c5"]
    assert answers[ACME]["repooling"].candidate_ids == ("c3",)
    assert answers[BRNO]["repooling"].candidate_ids == ("c2",)
    assert answers[ACME]["events"] != answers[BRNO]["events"]


def test_writes_in_one_account_leave_every_row_of_the_other_byte_identical(
    shared: tuple[SqlStore, Account, Account],
) -> None:
    """ST6: a repooling run, tag changes, a match, tracking and settings stay in their account."""
    store, acme, brno = shared
    alone = _alone(MemoryUnitOfWork(), ACME)  # the same history and writes, in the reference
    brno_answers = _answers(brno, open_files=False)
    brno_rows, acme_rows = _rows(store, BRNO), _rows(store, ACME)

    _write(acme)
    _write(alone)

    assert _rows(store, BRNO) == brno_rows
    assert _answers(brno, open_files=False) == brno_answers
    assert _rows(store, ACME) != acme_rows
    assert _answers(acme) == _answers(alone)
    assert [n.candidate_id for n in acme.pools.bell(HANA)] == ["c4", "c2"]
    assert [n.candidate_id for n in brno.pools.bell(HANA)] == ["c5"]

    # and the other way round
    acme_rows = _rows(store, ACME)
    _write(brno)
    assert _rows(store, ACME) == acme_rows
    assert _answers(acme) == _answers(alone)
