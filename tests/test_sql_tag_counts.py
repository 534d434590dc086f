"""PF3, MP5: the SQL store's kept tag counts equal the tag rows, on SQLite and PostgreSQL.

A folder count reads ``tag_counts`` (``talentpool.adapters.sql.tagcounts``), kept
by every write that changes a candidate's tags. Here random runs of writes
(saves that add, remove and replace tags, bulk sync batches, erasures, units of
work rolled back by an exception, two accounts) are applied to the in-memory
reference and to the SQL stores, and after each one the kept counts must equal
the reference's counts and a fresh ``GROUP BY`` over the tag rows. A database of
schema version 7 gets its counts from its rows when it is opened. On PostgreSQL,
writers of the same tag at once lose no update: spread over rows, they do not
even meet; on one row, the loser is told to retry and the count is still right.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.sql import SqlStore, SqlUnitOfWork, Sync, tagcounts
from talentpool.adapters.sql.migrations import current_version
from talentpool.errors import StoreBusyError
from talentpool.ids import CandidateId
from talentpool.model import Candidate, Tag

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LABELS = ("Praha", "praha", "forklift licence", "C++ / C#", "Žilina  Nord", "a", "x" * 80)
KEYS = sorted({Tag(label).key for label in LABELS} | {Tag("never carried").key})
PROBES = [Tag(label) for label in LABELS] + [Tag("never carried")]
_RUN = uuid.uuid4().hex[:8]  # a server named by TALENTPOOL_TEST_POSTGRES may outlive a run
_ACCOUNTS = itertools.count(1)


def _person(number: int, labels: list[str]) -> Candidate:
    return Candidate(CandidateId(f"c-{number}"), "Eva", "Nováková", NOW, tags=labels)


_labels = st.lists(st.sampled_from(LABELS), max_size=4)
_people = st.builds(_person, st.integers(0, 4), _labels)
_writes = st.one_of(
    st.tuples(st.just("save"), st.sampled_from([0, 1]), _people),
    st.tuples(st.just("sync"), st.sampled_from([0, 1]), st.lists(_people, max_size=6)),
    st.tuples(st.just("erase"), st.sampled_from([0, 1]), st.integers(0, 4)),
    st.tuples(st.just("undo"), st.sampled_from([0, 1]), st.lists(_people, min_size=1, max_size=3)),
)


class _UndoneError(Exception):
    """Raised inside a unit of work to roll it back."""


def _undone(uow: Any, people: list[Candidate]) -> None:
    with uow:
        for person in people:
            uow.candidates.save(person)
        uow.erasure.erase(CandidateId("c-0"))
        raise _UndoneError


def _grouped(store: SqlStore, account: str) -> dict[str, int]:
    """How many of *account*'s candidates carry each key, counted afresh from the tag rows."""
    t = store.schema.candidate_tags
    with store.engine.connect() as c:
        rows = c.execute(
            select(t.c.key, func.count()).where(t.c.account == account).group_by(t.c.key)
        )
        found = {r[0]: int(r[1]) for r in rows}
    return {key: found.get(key, 0) for key in KEYS}


def _kept(uow: Any) -> dict[str, int]:
    counts = uow.visibility.tag_counts(PROBES)
    return {key: counts.get(key, 0) for key in KEYS}


Write = tuple[str, int, Any]


def _apply(write: Write, memory: MemoryUnitOfWork, sql: SqlUnitOfWork) -> None:
    kind, _, value = write
    if kind == "sync":
        with memory:
            for person in value:  # a candidate given twice ends as the last one given
                memory.candidates.save(person)
            memory.commit()
        Sync(sql.store, sql.account).save_candidates(value, batch_size=4)
        return
    uow: Any
    for uow in (memory, sql):
        if kind == "undo":
            with pytest.raises(_UndoneError):
                _undone(uow, value)
            continue
        with uow:
            if kind == "save":
                uow.candidates.save(value)
            else:
                uow.erasure.erase(CandidateId(f"c-{value}"))
            uow.commit()


def _agree(store: SqlStore, writes: list[Write]) -> None:
    base = f"counts-{_RUN}-{next(_ACCOUNTS)}"
    accounts = [base, base + "-other"]
    memories = [MemoryUnitOfWork(), MemoryUnitOfWork()]
    sqls = [store.unit_of_work(a) for a in accounts]
    for write in writes:
        which = write[1]
        _apply(write, memories[which], sqls[which])
        for memory, sql, account in zip(memories, sqls, accounts, strict=True):
            want = _kept(memory)
            assert _kept(sql) == want, f"kept counts of {account} after {write[0]}"
            assert _grouped(store, account) == want, f"tag rows of {account} after {write[0]}"


@pytest.fixture(scope="module", params=["returning", "counting-first"])
def sqlite_store(request: pytest.FixtureRequest) -> Iterator[SqlStore]:
    """SQLite, also as a database that cannot return what it deletes (before 3.35) is used."""
    store = SqlStore("sqlite://")
    store.engine.dialect.delete_returning = request.param == "returning"
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def pg_store(postgres_url: str) -> Iterator[SqlStore]:
    store = SqlStore(postgres_url, prefix="tagcounts_")
    yield store
    store.dispose()


_RUNS = st.lists(_writes, min_size=1, max_size=12)
_SEEDS: list[list[Write]] = [
    # a tag added, another removed, a label of the same key replaced
    [
        ("save", 0, _person(1, ["Praha", "a"])),
        ("save", 0, _person(1, ["praha", "forklift licence"])),
        ("save", 1, _person(1, ["a"])),
    ],
    # an erasure, and one of a candidate never stored
    [("save", 0, _person(1, ["Praha"])), ("erase", 0, 1), ("erase", 0, 3)],
    # a unit of work rolled back: saves and an erasure undone
    [("save", 0, _person(0, ["a"])), ("undo", 0, [_person(2, ["a", "Praha"]), _person(0, [])])],
    # bulk batches: a candidate given twice ends as the last one given
    [
        ("sync", 1, [_person(n % 3, ["a", LABELS[n % 7]]) for n in range(9)]),
        ("sync", 1, [_person(0, []), _person(4, ["x" * 80])]),
    ],
]


def _seeded(test: Callable[..., None]) -> Callable[..., None]:
    for seed in _SEEDS:
        test = example(seed)(test)
    return test


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@_seeded
@given(_RUNS)
def test_pf3_mp5_sqlite_kept_tag_counts_equal_the_reference_and_the_rows(
    sqlite_store: SqlStore, writes: list[Write]
) -> None:
    _agree(sqlite_store, writes)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=20)
@_seeded
@given(_RUNS)
def test_pf3_mp5_postgresql_kept_tag_counts_equal_the_reference_and_the_rows(
    pg_store: SqlStore, writes: list[Write]
) -> None:
    _agree(pg_store, writes)


def test_pf3_a_tag_count_spread_over_rows_is_their_sum_and_an_unknown_tag_is_zero(
    sqlite_store: SqlStore,
) -> None:
    account = f"counts-{_RUN}-{next(_ACCOUNTS)}"
    uow = sqlite_store.unit_of_work(account)
    assert uow.visibility.tag_counts([Tag("nobody")]) == {"nobody": 0}
    assert uow.visibility.tag_counts([]) == {}
    uow.candidates.save_all([_person(n, ["Praha"]) for n in range(3)])
    t = sqlite_store.schema.tag_counts
    with sqlite_store.engine.begin() as c:  # as PostgreSQL's connections leave them
        c.execute(t.insert().values(account=account, key="praha", shard=5, tagged=-1))
        c.execute(t.insert().values(account=account, key="praha", shard=9, tagged=4))
    assert uow.visibility.tag_counts([Tag("Praha"), Tag("nobody")]) == {"praha": 6, "nobody": 0}


# --- the migration from schema version 8 ---------------------------------------------------


def _eighth_version(url: str, prefix: str, accounts: list[str]) -> SqlStore:
    """A database as schema version 8 left it: tagged candidates, no kept counts."""
    store = SqlStore(url, prefix=prefix)
    for n, account in enumerate(accounts):
        Sync(store, account).save_candidates(
            [_person(i, list(LABELS[: (i + n) % len(LABELS)])) for i in range(40)], batch_size=7
        )
    name = store.engine.dialect.identifier_preparer.format_table(store.schema.tag_counts)
    with store.engine.begin() as c:
        c.execute(text(f"DROP TABLE {name}"))
        c.execute(
            store.schema.meta.update()
            .where(store.schema.meta.c.key == "schema_version")
            .values(value="8")
        )
    store.dispose()
    return SqlStore(url, prefix=prefix, migrate=False)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_st3_pf3_a_database_of_the_eighth_version_gets_its_tag_counts_from_the_rows(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if database == "sqlite":
        url, prefix = f"sqlite:///{tmp_path / 'v8.db'}", "talentpool_"
    else:
        url, prefix = request.getfixturevalue("postgres_url"), f"v8{uuid.uuid4().hex[:8]}_"
    accounts = ["acme", "other"]
    store = _eighth_version(url, prefix, accounts)
    with store.engine.connect() as c:
        assert current_version(c, store.schema) == 8
    assert store.migrate() == 8
    for account in accounts:
        want = _grouped(store, account)
        assert sum(want.values()) > 0
        uow = store.unit_of_work(account)
        assert _kept(uow) == want
        # and the counts follow the writes after the upgrade
        uow.candidates.save(_person(0, ["never carried"]))
        assert _kept(uow) == _grouped(store, account)
    store.dispose()


# --- writers of the same tag at once on PostgreSQL -----------------------------------------


def _writers(
    store: SqlStore, account: str, writers: int
) -> tuple[list[Callable[[], None]], list[BaseException]]:
    """*writers* calls, each a unit of work saving a candidate of its own tagged ``hot``.

    Each unit of work reads first, so its snapshot begins, then waits until every
    other has begun too: all of them overlap, and each retries when told to.
    """
    barrier = threading.Barrier(writers)
    refused: list[BaseException] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        uow, first = store.unit_of_work(account), True
        while True:
            try:
                with uow:
                    uow.visibility.tag_counts([Tag("hot")])
                    if first:
                        first = False
                        barrier.wait()
                    uow.candidates.save(_person(n, ["hot", f"own {n}"]))
                    uow.commit()
                return
            except StoreBusyError as e:
                with lock:
                    refused.append(e)

    return [lambda n=n: write(n) for n in range(writers)], refused  # type: ignore[misc]


def _race(calls: list[Callable[[], None]]) -> None:
    failures: list[BaseException] = []

    def run(call: Callable[[], None]) -> None:
        try:
            call()
        except BaseException as e:  # collected and asserted on
            failures.append(e)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert not any(thread.is_alive() for thread in threads)


@pytest.mark.parametrize("shards", [1, tagcounts.SHARDS], ids=["one-row", "spread"])
def test_pf3_postgresql_writers_of_one_tag_at_once_lose_no_update(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, shards: int
) -> None:
    """Eight overlapping units of work, each adding a candidate with the tag ``hot``.

    On one row per tag every writer but the first to commit is refused (to retry)
    and the count still ends right; spread over rows, none of the eight is refused.
    """
    monkeypatch.setattr(tagcounts, "SHARDS", shards)
    writers = 8
    store = SqlStore(postgres_url, prefix="tagrace_")  # 5 connections and 10 more at need
    account = f"race-{_RUN}-{next(_ACCOUNTS)}"
    uow = store.unit_of_work(account)
    uow.candidates.save(_person(99, ["hot"]))  # the count's row exists before the race
    calls, refused = _writers(store, account, writers)
    _race(calls)
    assert uow.visibility.tag_counts([Tag("hot")]) == {"hot": writers + 1}
    t = store.schema.candidate_tags
    with store.engine.connect() as c:
        rows = c.execute(
            select(func.count()).where(t.c.account == account, t.c.key == Tag("hot").key)
        ).scalar_one()
    assert rows == writers + 1
    if shards == 1:
        assert len(refused) >= writers - 1
    else:
        assert refused == []
    store.dispose()
