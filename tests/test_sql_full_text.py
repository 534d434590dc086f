"""PF3, MP6, AP4: the SQL store's full-text index of tokens answers as the reference does.

A micro-pool listing with words is one query of the full-text index (tags, words
and the account as tokens of one row), counted by the index and its page read by
row id (``talentpool.adapters.sql.fulltext``). These properties load the same
candidates into the in-memory reference and into SQLite (and PostgreSQL) and ask
both for the same listings: tags with spaces and odd characters, words that fold,
values too long to be written in full (digested), pages read both ways (by row id
and along the creation index), after a tag is removed, a candidate erased (DM6)
or a write rolled back, with a second account holding the same candidates.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, text

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.sql import SqlStore
from talentpool.adapters.sql import store as sql_store
from talentpool.adapters.sql.fulltext import LONG, TAG, WORD, candidate_tokens, exact, token
from talentpool.ids import CandidateId
from talentpool.model import Candidate, Tag
from talentpool.queries import CandidateDatabaseQuery, ListingOrder, ListingSortKey, Viewer

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung" * 2
LONG_TAG = "Gabelstapler-Führerschein für Schmalgangstapler und Hochregallager, Stufe 3"
TAGS = ("Praha", "forklift licence", "C++ / C#", "Žilina  Nord", "ŁÓDŹ", "a", LONG_TAG)
WORDS = ("Kasse", "KASSE", "Straße", "strasse", "Žilině", "C++", "c#", "Lodz", "sklad", LONG_WORD)
_RUN = uuid.uuid4().hex[:8]
_ACCOUNTS = itertools.count(1)


def test_pf3_a_token_is_the_value_in_hex_or_a_digest_past_long() -> None:
    assert token(WORD, "kasse") == "w" + b"kasse".hex()
    assert token(TAG, "c++ / c#") == "t" + b"c++ / c#".hex()
    assert exact(token(TAG, "x" * LONG))
    assert not exact(token(TAG, "x" * (LONG + 1)))
    assert token(TAG, "x" * 65) != token(WORD, "x" * 65) != token(TAG, "x" * 66)
    # the account first, then every tag and word once, sorted: nothing the tokenizer splits
    written = candidate_tokens("acme", ["b", "a", "a"], ["zilina", "c++"])
    assert written.split()[0] == "x" + b"acme".hex()
    assert len(written.split()) == 5
    assert all(part.isalnum() and part.isascii() for part in written.split())


_candidates = st.lists(
    st.builds(
        lambda i, tags, words, age: Candidate(
            CandidateId(f"c-{i}"),
            "Eva",
            "Nováková",
            NOW - timedelta(days=age),
            tags=list(tags),
            text=" ".join(words),
        ),
        st.integers(0, 10_000),
        st.lists(st.sampled_from(TAGS), max_size=3),
        st.lists(st.sampled_from(WORDS), max_size=4),
        st.integers(0, 3),  # ties of the creation instant are common
    ),
    max_size=14,
    unique_by=lambda c: c.id,
)
_listings = st.tuples(
    st.sampled_from(TAGS),
    st.lists(st.sampled_from(WORDS), min_size=0, max_size=2),
    st.sampled_from(
        [ListingOrder(), ListingOrder(ListingSortKey.NAME), ListingOrder(descending=False)]
    ),
    st.sampled_from([None, 0, 1, 3]),
    st.integers(0, 4),
)


def _answers(uows: list[object], queries: list[CandidateDatabaseQuery]) -> list[list[object]]:
    out = []
    for uow in uows:
        seen = []
        for query in queries:
            page = uow.candidates.search(query)  # type: ignore[attr-defined]
            seen.append((page.candidate_ids, page.total))
        out.append(seen)
    return out


Listing = tuple[str, list[str], ListingOrder, int | None, int]
Case = tuple[list[Candidate], list[Listing], int, int]


def _queries(listings: list[Listing]) -> list[CandidateDatabaseQuery]:
    out = []
    for tag, words, order, limit, offset in listings:
        for viewer in (
            Viewer("admin", whole_database=True),
            Viewer("mgr", tracked=frozenset({tag})),
        ):
            out.append(
                CandidateDatabaseQuery(
                    viewer,
                    NOW,
                    micro_pool=tag,
                    text=" ".join(words) or None,
                    order=order,
                    limit=limit,
                    offset=offset,
                )
            )
    return out


@pytest.fixture(scope="module")
def sqlite_store() -> Iterator[SqlStore]:
    store = SqlStore("sqlite://")
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def postgres_store(postgres_url: str) -> Iterator[SqlStore]:
    store = SqlStore(postgres_url, prefix="fulltext_")
    yield store
    store.dispose()


def _agree(store: SqlStore, case: Case) -> None:
    people, listings, removed, erased = case
    account = f"acct-{_RUN}-{next(_ACCOUNTS)}"
    memory, sql = MemoryUnitOfWork(), store.unit_of_work(account)
    # another account holds the same candidates, with every tag: none of them may show
    other = store.unit_of_work(account + "-other")
    other.candidates.save_all([c.with_tags(TAGS) for c in people])
    for uow in (memory, sql):
        with uow:
            for person in people:
                uow.candidates.save(person)
            uow.commit()
    queries = _queries(listings)
    answers = _answers([memory, sql], queries)
    assert answers[0] == answers[1]
    if not people:
        return
    # a tag removed, a candidate erased: the index follows
    changed = people[removed % len(people)]
    gone = people[erased % len(people)].id
    for uow in (memory, sql):
        with uow:
            uow.candidates.save(changed.with_tags([t.label for t in changed.tags][1:]))
            uow.erasure.erase(gone)
            uow.commit()
    answers = _answers([memory, sql], queries)
    assert answers[0] == answers[1]
    # a write rolled back leaves the index as it was
    for uow in (memory, sql):
        with uow:
            for person in people:
                uow.candidates.save(person.with_tags(TAGS))
            uow.rollback()
    assert _answers([memory, sql], queries) == answers


_CASES = st.tuples(
    _candidates,
    st.lists(_listings, min_size=1, max_size=3),
    st.integers(0, 20),
    st.integers(0, 20),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(_CASES)
@pytest.mark.parametrize("few", [0, 10_000], ids=["walk", "by-rowid"])
def test_pf3_mp6_sqlite_listings_with_words_agree_with_the_reference(
    sqlite_store: SqlStore, monkeypatch: pytest.MonkeyPatch, few: int, case: Case
) -> None:
    """Both ways of reading the page: along the creation index and by the matches' row ids."""
    monkeypatch.setattr(sql_store, "_FEW_MATCHES", few)
    _agree(sqlite_store, case)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=15)
@given(_CASES)
def test_pf3_mp6_postgresql_listings_with_words_agree_with_the_reference(
    postgres_store: SqlStore, case: Case
) -> None:
    _agree(postgres_store, case)


def _statements(store: SqlStore) -> list[tuple[str, object]]:
    """The statements *store* runs from now on, with their parameters."""
    seen: list[tuple[str, object]] = []

    def note(_c: object, _cur: object, statement: str, params: object, *_: object) -> None:
        seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", note)
    return seen


def _plan(store: SqlStore, statement: str, params: object) -> str:
    with store.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        cursor = raw.cursor()
        cursor.execute("EXPLAIN QUERY PLAN " + statement, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_pf3_sqlite_counts_a_micro_pool_with_a_word_from_the_index_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The total is one full-text query; the page is read along the creation index."""
    monkeypatch.setattr(sql_store, "_FEW_MATCHES", 1_000)  # 4,000 matches are many
    store = SqlStore("sqlite://")
    uow = store.unit_of_work("acme")
    people = [
        Candidate(
            CandidateId(f"c-{i:05d}"),
            "Eva",
            "Nováková",
            NOW - timedelta(minutes=i),
            tags=["forklift licence"] if i % 2 else ["Praha"],
            text="Kasse" if i % 3 else "Lager",
        )
        for i in range(12_000)
    ]
    uow.candidates.save_all(people)
    seen = _statements(store)
    viewer = Viewer("admin", whole_database=True)
    query = CandidateDatabaseQuery(
        viewer, NOW, micro_pool="Forklift  Licence", text="KASSE", limit=20
    )
    page = uow.candidates.search(query)
    expected = [p.id for p in people if Tag("forklift licence") in p.tags and "kasse" in p.words]
    assert page.total == len(expected) == 4_000
    assert list(page.candidate_ids) == expected[:20]
    counts = [s for s, _ in seen if "count(" in s]
    assert len(counts) == 1, counts
    assert 'FROM "talentpool_candidate_tokens" WHERE' in counts[0], counts
    assert "talentpool_candidates" not in counts[0], counts
    assert not [s for s, _ in seen if "OVER ()" in s]
    (listing,) = [(s, p) for s, p in seen if "ORDER BY" in s and "LIMIT" in s]
    plan = _plan(store, *listing)
    assert "USING INDEX talentpool_candidates_created" in plan, plan
    assert "talentpool_candidate_tokens VIRTUAL TABLE" in plan, plan
    assert "CORRELATED" not in plan, plan
    store.dispose()


def test_pf3_sqlite_a_tag_too_long_to_write_in_full_is_confirmed_on_the_row() -> None:
    store = SqlStore("sqlite://")
    uow = store.unit_of_work("acme")
    uow.candidates.save_all(
        [
            Candidate(CandidateId("a"), "Eva", "N", NOW, tags=[LONG_TAG], text=LONG_WORD),
            Candidate(CandidateId("b"), "Eva", "N", NOW, tags=["Praha"], text=LONG_WORD),
        ]
    )
    viewer = Viewer("admin", whole_database=True)
    query = CandidateDatabaseQuery(viewer, NOW, micro_pool=LONG_TAG, text=LONG_WORD)
    assert uow.candidates.search(query).candidate_ids == ("a",)
    with store.engine.connect() as c:
        rows = c.execute(text("SELECT tokens FROM talentpool_candidates ORDER BY id")).all()
    assert all(len(part) <= 2 * LONG + 1 for row in rows for part in row[0].split())
    store.dispose()


def test_st6_pf3_an_account_too_long_to_write_in_full_is_counted_on_its_rows() -> None:
    """Two accounts whose tokens are digests never count each other's candidates."""
    store = SqlStore("sqlite://")
    seen = _statements(store)
    long_name = "ü" * 40  # 80 bytes: written as a digest
    people = [Candidate(CandidateId("a"), "Eva", "N", NOW, tags=["Praha"], text="Kasse")]
    for account in (long_name, long_name + "2"):
        store.unit_of_work(account).candidates.save_all(people)
    viewer = Viewer("admin", whole_database=True)
    query = CandidateDatabaseQuery(viewer, NOW, micro_pool="Praha", text="kasse")
    assert store.unit_of_work(long_name).candidates.search(query).total == 1
    counts = [s for s, _ in seen if "count(" in s]
    assert counts, seen
    assert all("talentpool_candidates" in s for s in counts), counts
    store.dispose()
