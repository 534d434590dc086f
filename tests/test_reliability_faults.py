"""ST3, ST5: faults on the SQL store — killed writers, a full disk, a read-only database.

* A process killed (SIGKILL) while its write transaction is open leaves nothing
  of it: no submission, no audit event, the candidate still in the pool, the
  database intact and writable at once — on SQLite and PostgreSQL.
* A process killed at a random moment while it matches job after job leaves
  each job either fully matched (its submission and its event) or untouched, and
  the matched jobs are exactly the first ones.
* A full disk (SQLite's own "database or disk is full", met through a page limit;
  on PostgreSQL the server's ``disk_full`` error, raised where the row is written)
  and a read-only database (SQLite opened read-only; a PostgreSQL session in
  read-only mode) give ``StorageError`` saying so, and everything committed
  before reads back unchanged.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import random
import signal
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, event, text

from reliability import record, sized
from talentpool.actions import AutopoolActions
from talentpool.adapters.sql import SqlStore
from talentpool.audit import CandidateMatched
from talentpool.autopool import Autopooling
from talentpool.clock import FixedClock
from talentpool.criteria import AutopoolCriteria
from talentpool.errors import StorageError
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import Candidate
from talentpool.testing import DEFAULT_NOW, World
from talentpool.testing.fixtures import FixtureStore

PETRA = CandidateId("petra")
JOBS = 40
KILLS = sized(ci=2, deep=20)
_RUN = uuid.uuid4().hex[:8]


def _job(n: int) -> RequisitionId:
    return RequisitionId(f"job-{n}")


def _scene(world: World, jobs: int = JOBS) -> None:
    world.requisition("cook", "Cook")
    for n in range(jobs):
        world.requisition(_job(n), f"Job {n}", autopool=AutopoolCriteria())
    world.candidate("petra", "Petra", "Nová")
    world.apply("petra", "cook", submitted_days_ago=10)
    world.user("hana")


_NUMBERS = itertools.count(1)


class _Ids:
    """Ids no other process, and no other writer of this one, hands out."""

    def new_id(self, kind: str) -> str:
        return f"{kind}-{os.getpid()}-{next(_NUMBERS)}"


def _processes() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["talentpool.actions", "talentpool.adapters.sql", "psycopg"])
    return context


def _open_and_wait(url: str, prefix: str, account: str, ready: Any) -> None:
    """Match Petra onto job 0 inside an open transaction, say so, and wait to be killed."""
    store = SqlStore(url, prefix=prefix)
    uow = store.unit_of_work(account)
    actions = AutopoolActions(uow, FixedClock(DEFAULT_NOW), _Ids())
    with uow:
        actions.match(UserId("hana"), _job(0), PETRA)  # joins the open block: not committed
        uow.candidates.save(Candidate(CandidateId("half"), "Half", "Written", DEFAULT_NOW))
        ready.put("open")
        time.sleep(600)


def _match_job_after_job(url: str, prefix: str, account: str, ready: Any) -> None:
    """Match Petra onto every job in turn, each its own transaction, saying each done."""
    store = SqlStore(url, prefix=prefix)
    actions = AutopoolActions(store.unit_of_work(account), FixedClock(DEFAULT_NOW), _Ids())
    ready.put("started")
    for n in range(JOBS):
        actions.match(UserId("hana"), _job(n), PETRA)
        ready.put(f"matched {n}")
    time.sleep(600)


def _kill(
    target: Any, url: str, prefix: str, account: str, *, delay: float = 0.0, after: int = 0
) -> None:
    """Start *target* in a process; once it says it is ready and has done *after* writes,
    wait *delay* seconds (into the next write) and SIGKILL it."""
    context = _processes()
    ready = context.Queue()
    process = context.Process(target=target, args=(url, prefix, account, ready))
    process.start()
    try:
        assert ready.get(timeout=120) in ("open", "started")
        for _ in range(after):
            ready.get(timeout=120)
        time.sleep(delay)
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join(timeout=60)
    finally:
        if process.is_alive():
            process.kill()
    assert process.exitcode == -signal.SIGKILL


def _consistent(world: World) -> int:
    """Each job fully matched or untouched, the matched ones first; return how many."""
    uow = world.uow
    pool = Autopooling(uow, world.clock)
    with uow:
        matched_events = {e.requisition_id for e in uow.events if isinstance(e, CandidateMatched)}
        matched = []
        for n in range(JOBS):
            submissions = uow.submissions.for_requisition(_job(n))
            assert len(submissions) <= 1
            assert (_job(n) in matched_events) is bool(submissions), n
            assert pool.in_pool(_job(n), PETRA) is not bool(submissions), n
            matched.append(bool(submissions))
    assert matched == sorted(matched, reverse=True)  # a prefix: jobs are matched in order
    return sum(matched)


def _integrity(url: str) -> None:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str, str]:
    """(URL, table prefix, name) of an SQLite file or of fresh tables on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'talent.db'}", "talentpool_", "sqlite"
    url = request.getfixturevalue("postgres_url")
    return url, f"faults_{uuid.uuid4().hex[:8]}_", "postgres"


def test_st3_a_process_killed_inside_its_write_transaction_leaves_nothing(
    database: tuple[str, str, str],
) -> None:
    """ST3: SIGKILL while the transaction is open; nothing of it is stored; writes go on."""
    url, prefix, name = database
    store = SqlStore(url, prefix=prefix)
    world = World(uow=store.unit_of_work("acme"))
    _scene(world)
    _kill(_open_and_wait, url, prefix, "acme")
    _integrity(url)
    assert _consistent(world) == 0
    with world.uow:
        assert [c.id for c in world.uow.candidates] == [PETRA]
    # the lock died with the process: a write goes through at once
    started = time.monotonic()
    AutopoolActions(world.uow, world.clock, world.ids).match(UserId("hana"), _job(0), PETRA)
    assert time.monotonic() - started < 5
    assert _consistent(world) == 1
    record("killed inside a transaction", name, kills=1, failures=0)
    store.dispose()


def test_st3_processes_killed_at_random_moments_leave_whole_writes_only(
    database: tuple[str, str, str],
) -> None:
    """ST3: KILLS writers killed at random moments; each job all or nothing, in order."""
    url, prefix, name = database
    chance = random.Random(20261201)
    matched = []
    store = SqlStore(url, prefix=prefix)
    for k in range(KILLS):
        account = f"kill-{_RUN}-{k}"
        world = World(uow=store.unit_of_work(account))
        _scene(world)
        # after 0 to 30 whole matches, and a little into the next one
        after, delay = chance.randint(0, 30), chance.uniform(0.0, 0.02)
        _kill(_match_job_after_job, url, prefix, account, delay=delay, after=after)
        _integrity(url)
        matched.append(_consistent(world))
        assert matched[-1] >= after  # killed no sooner than meant
        AutopoolActions(world.uow, world.clock, world.ids).match(
            UserId("hana"), _job(JOBS - 1), PETRA
        )
    record(
        "killed at random moments", name, kills=KILLS, jobs_matched_before_kill=matched, failures=0
    )
    store.dispose()


# --- a full disk and a read-only database ------------------------------------------------------


def _committed(uow: FixtureStore) -> tuple[list[str], list[str], list[str], tuple[str, ...]]:
    """Everything the account holds, as the services read it."""
    with uow:
        return (
            sorted(c.id for c in uow.candidates),
            sorted(s.id for s in uow.submissions),
            [type(e).__name__ for e in uow.events],
            Autopooling(uow, FixedClock(DEFAULT_NOW)).results(_job(1)).candidate_ids,
        )


def _try_writes(uow: FixtureStore, job: int = 0) -> list[StorageError]:
    """A match and a batch of big candidates; every failure must be a StorageError.

    Each write is whole or absent: the match's submission comes with its event,
    and none of the batch is stored unless all of it is.
    """
    errors: list[StorageError] = []
    actions = AutopoolActions(uow, FixedClock(DEFAULT_NOW), _Ids())
    try:
        actions.match(UserId("hana"), _job(job), PETRA)
    except StorageError as e:
        errors.append(e)
    try:
        with uow:
            uow.candidates.get(PETRA)  # the batch replaces any of an earlier batch
            for n in range(200):
                uow.candidates.save(
                    Candidate(CandidateId(f"big-{n}"), "Big", "Text", DEFAULT_NOW, text="x " * 4000)
                )
            uow.commit()
    except StorageError as e:
        errors.append(e)
    with uow:
        matched = [e for e in uow.events if isinstance(e, CandidateMatched)]
        on_job = [e for e in matched if e.requisition_id == _job(job)]
        assert len(uow.submissions.for_requisition(_job(job))) == len(on_job) <= 1
        assert len([c for c in uow.candidates if c.id.startswith("big-")]) in (0, 200)
    return errors


def _kept(
    before: tuple[list[str], list[str], list[str], tuple[str, ...]], uow: FixtureStore
) -> None:
    """Everything committed *before* is still there."""
    now = _committed(uow)
    assert set(before[0]) <= set(now[0])
    assert set(before[1]) <= set(now[1])
    assert now[2][: len(before[2])] == before[2]


def test_st3_a_full_sqlite_disk_is_a_storage_error_and_loses_nothing(tmp_path: Path) -> None:
    """ST3: "database or disk is full" is a StorageError saying so; what was committed stays."""
    url = f"sqlite:///{tmp_path / 'talent.db'}"
    world = World(uow=SqlStore(url).unit_of_work("acme"))
    _scene(world)
    before = _committed(world.uow)
    with sqlite3.connect(tmp_path / "talent.db") as db:
        pages = db.execute("PRAGMA page_count").fetchone()[0]

    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _full(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    full = SqlStore(engine, migrate=False).unit_of_work("acme")
    errors = _try_writes(full)
    assert errors, "nothing failed on a full disk"
    for error in errors:
        assert str(error).startswith("the database is full"), str(error)
        assert "Free space and retry" in str(error)
    _integrity(url)
    _kept(before, world.uow)
    assert _committed(full) == _committed(world.uow)
    engine.dispose()
    assert _try_writes(world.uow, job=2) == []  # with room again, the writes go through
    record("full disk", "sqlite", failures=0, errors=len(errors))


def test_st3_a_read_only_sqlite_database_is_a_storage_error_and_loses_nothing(
    tmp_path: Path,
) -> None:
    """ST3: writing to a database opened read-only is a StorageError; reads still answer."""
    path = tmp_path / "talent.db"
    world = World(uow=SqlStore(f"sqlite:///{path}").unit_of_work("acme"))
    _scene(world)
    before = _committed(world.uow)
    engine = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    )
    read_only = SqlStore(engine, migrate=False).unit_of_work("acme")
    assert _committed(read_only) == before
    errors = _try_writes(read_only)
    assert len(errors) == 2
    for error in errors:
        assert str(error).startswith("the database is read-only"), str(error)
    _integrity(f"sqlite:///{path}")
    assert _committed(world.uow) == before
    engine.dispose()
    record("read-only database", "sqlite", failures=0, errors=len(errors))


def test_st5_a_full_postgres_disk_is_a_storage_error_and_loses_nothing(postgres_url: str) -> None:
    """ST5: the server's disk_full error (SQLSTATE 53100), raised as a row is written."""
    prefix = f"diskfull_{uuid.uuid4().hex[:8]}_"
    store = SqlStore(postgres_url, prefix=prefix)
    world = World(uow=store.unit_of_work("acme"))
    _scene(world)
    before = _committed(world.uow)
    with store.engine.begin() as c:
        c.execute(
            text(
                f"CREATE FUNCTION {prefix}full() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' "
                "USING ERRCODE = 'disk_full'; END $$"
            )
        )
        for table in ("submissions", "candidates"):
            c.execute(
                text(
                    f"CREATE TRIGGER {prefix}full_{table} BEFORE INSERT OR UPDATE ON "
                    f"{prefix}{table} FOR EACH ROW EXECUTE FUNCTION {prefix}full()"
                )
            )
    errors = _try_writes(world.uow)
    assert len(errors) == 2
    for error in errors:
        assert str(error).startswith("the database is full"), str(error)
        assert "No space left on device" in str(error)
    assert _committed(world.uow) == before
    with store.engine.begin() as c:
        for table in ("submissions", "candidates"):
            c.execute(text(f"DROP TRIGGER {prefix}full_{table} ON {prefix}{table}"))
    assert _try_writes(world.uow) == []
    record("full disk", "postgres", failures=0, errors=len(errors))
    store.dispose()


def test_st5_a_read_only_postgres_session_is_a_storage_error_and_loses_nothing(
    postgres_url: str,
) -> None:
    """ST5: a session in read-only mode (a hot standby, a read-only role) refuses writes."""
    prefix = f"readonly_{uuid.uuid4().hex[:8]}_"
    store = SqlStore(postgres_url, prefix=prefix)
    world = World(uow=store.unit_of_work("acme"))
    _scene(world)
    before = _committed(world.uow)
    engine = create_engine(
        postgres_url, connect_args={"options": "-c default_transaction_read_only=on"}
    )
    read_only = SqlStore(engine, prefix=prefix, migrate=False).unit_of_work("acme")
    assert _committed(read_only) == before
    errors = _try_writes(read_only)
    assert len(errors) == 2
    for error in errors:
        assert str(error).startswith("the database is read-only"), str(error)
        assert "[SQL:" not in str(error)  # the statement and its values stay out of it
        assert "parameters" not in str(error)
    assert _committed(world.uow) == before
    engine.dispose()
    record("read-only database", "postgres", failures=0, errors=len(errors))
    store.dispose()
