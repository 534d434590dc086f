"""ST7, ST6: the sync API keeps the SQL store current from a host's data, idempotently.

Every test runs on a fresh in-memory SQLite database (a file where transactions
are counted). "The same rows" is checked literally: every row of every table
of the account, all columns, compared before and after.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, select, text

from talentpool.adapters.sql import SqlStore, Sync
from talentpool.criteria import EVERYONE, AutopoolCriteria, Criterion
from talentpool.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    StorageError,
    TalentpoolError,
)
from talentpool.geo import GeoPoint
from talentpool.ids import (
    AttachmentId,
    CandidateId,
    NodeId,
    RequisitionId,
    SubmissionId,
    UserId,
)
from talentpool.model import (
    Attachment,
    Candidate,
    Dimension,
    Requisition,
    Role,
    Share,
    ShareKind,
    StructureTree,
    Submission,
    SubmissionStatus,
    Subscription,
    Tag,
    User,
)
from talentpool.notifications import NotificationChannel, NotificationSettings, NotificationType
from talentpool.queries import (
    CandidateDatabaseQuery,
    CandidateQuery,
    ResponsesQuery,
    Viewer,
)
from talentpool.results import Ordering, SortKey
from talentpool.testing.strategies import (
    TAG_LABELS,
    UNCARRIED_TAG_LABELS,
    WorldSpec,
    criteria,
    worlds,
)

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _candidate(cid: str, **changes: Any) -> Candidate:
    base = Candidate(
        CandidateId(cid),
        "Eva",
        "Nováková",
        NOW - timedelta(days=30),
        city="Brno",
        residence=GeoPoint(49.1951, 16.6068),
        profile_language="cs",
        languages={"cs", "de"},
        tags=["Brno"],
        fields={"driving_licence": "B"},
        text="prodavačka, pokladní",
    )
    return attrs.evolve(base, **changes)


def _requisition(rid: str, **changes: Any) -> Requisition:
    return attrs.evolve(Requisition(RequisitionId(rid), f"Cashier {rid}", NOW), **changes)


def _submission(sid: str, cid: str, rid: str, **changes: Any) -> Submission:
    base = Submission(SubmissionId(sid), CandidateId(cid), RequisitionId(rid), NOW)
    return attrs.evolve(base, **changes)


def _user(uid: str, role: Role = Role.HIRING_MANAGER) -> User:
    return User(UserId(uid), f"User {uid}", role)


_E = TypeVar("_E")


def _forged(entity: _E, **changes: Any) -> _E:
    """A copy of *entity* with *changes* set past its own checks, as a buggy host might.

    Entities refuse wrong types when built (DM1); the sync checks every field again.
    """
    out = copy.copy(entity)
    for name, value in changes.items():
        object.__setattr__(out, name, value)
    return out


TREE = StructureTree(Dimension.LOCATION, {NodeId("cz"): None, NodeId("brno"): NodeId("cz")})


def _dump(store: SqlStore, account: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of *account*, all columns, in a fixed order."""
    out = {}
    with store.engine.connect() as c:
        for table in store.schema.metadata.sorted_tables:
            if "account" not in table.c:
                continue
            columns = list(table.c)
            rows = c.execute(
                select(*columns).where(table.c.account == account).order_by(*columns)
            ).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def _seeded(store: SqlStore, account: str = "acme") -> Sync:
    """An account with users, a tree, two positions, two candidates and their submissions."""
    sync = Sync(store, account)
    sync.save_users([_user("hana"), _user("petr"), _user("admin", Role.ADMINISTRATOR)])
    sync.save_structure(TREE)
    sync.save_requisitions(
        [_requisition("r-1", owner_id="hana", location="brno"), _requisition("r-2")]
    )
    sync.save_candidates([_candidate("c-1"), _candidate("c-2", tags=["call"])])
    sync.save_submissions(
        [
            _submission("s-1", "c-1", "r-1"),
            _submission("s-2", "c-2", "r-2", shared_with={"petr"}),
            _submission("s-3", "c-1", "r-2", status=SubmissionStatus.REJECTED),
        ]
    )
    sync.save_attachment(
        Attachment(AttachmentId("cv-1"), CandidateId("c-1"), "cv.pdf", NOW, RequisitionId("r-1"))
    )
    return sync


@pytest.fixture
def store() -> Iterator[SqlStore]:
    """A fresh in-memory database."""
    made = SqlStore("sqlite://")
    yield made
    made.dispose()


# --- one entity at a time -------------------------------------------------------------------


def test_st7_a_synced_candidate_is_stored_as_the_unit_of_work_stores_it() -> None:
    by_uow, by_sync = SqlStore("sqlite://"), SqlStore("sqlite://")
    people = [_candidate("c-1"), _candidate("c-2", residence=None, consent=None, tags=[])]
    with by_uow.unit_of_work("acme") as uow:
        for person in people:
            uow.candidates.save(person)
        uow.commit()
    sync = Sync(by_sync, "acme")
    sync.save_candidate(people[0])
    sync.save_candidates(people[1:])
    assert _dump(by_sync, "acme") == _dump(by_uow, "acme")
    with by_sync.unit_of_work("acme") as uow:
        assert list(uow.candidates) == people


def test_st7_saving_a_candidate_again_replaces_the_whole_profile(store: SqlStore) -> None:
    sync = Sync(store, "acme")
    sync.save_candidate(_candidate("c-1"))
    changed = _candidate("c-1", tags=["Praha"], languages={"en"}, fields={}, text="barista")
    sync.save_candidate(changed)
    with store.unit_of_work("acme") as uow:
        assert uow.candidates.get(CandidateId("c-1")) == changed
        assert uow.visibility.tagged(Tag("Brno")) == set()
        assert uow.visibility.tagged(Tag("praha")) == {"c-1"}
    rows = _dump(store, "acme")
    assert [r[2] for r in rows["talentpool_candidate_languages"]] == ["en"]
    assert rows["talentpool_candidate_fields"] == []


def test_st7_set_tags_gives_the_candidate_exactly_these_tags(store: SqlStore) -> None:
    sync = _seeded(store)
    saved = sync.set_tags(CandidateId("c-1"), ["call", Tag("Prepare contract")])
    assert saved.tags == {Tag("call"), Tag("prepare contract")}
    with store.unit_of_work("acme") as uow:
        assert uow.candidates.get(CandidateId("c-1")) == saved
        counts = uow.visibility.tag_counts([Tag("Brno"), Tag("call"), Tag("prepare contract")])
    assert counts == {"brno": 0, "call": 2, "prepare contract": 1}
    before = _dump(store, "acme")
    assert sync.set_tags(CandidateId("c-1"), [" CALL ", "prepare  contract"]).tags == saved.tags
    after = _dump(store, "acme")
    assert after != before  # the labels typed are kept for display (DM2)
    sync.set_tags(CandidateId("c-1"), [" CALL ", "prepare  contract"])
    assert _dump(store, "acme") == after
    assert sync.set_tags(CandidateId("c-1"), []).tags == frozenset()


def test_st7_set_tags_refuses_an_unknown_candidate_and_bad_tags(store: SqlStore) -> None:
    sync = _seeded(store)
    before = _dump(store, "acme")
    with pytest.raises(NotFoundError) as missing:
        sync.set_tags(CandidateId("nobody"), ["call"])
    assert missing.value.key == "nobody"
    with pytest.raises(DomainError) as one_string:
        sync.set_tags(CandidateId("c-1"), "call")
    assert one_string.value.field == "tags"
    with pytest.raises(DomainError) as blank:
        sync.set_tags(CandidateId("c-1"), ["call", "   "])
    assert blank.value.field == "tag"
    assert _dump(store, "acme") == before


def test_st7_a_stored_requisition_keeps_its_pool_criteria_and_exclusions(
    store: SqlStore,
) -> None:
    sync = _seeded(store)
    criteria = AutopoolCriteria(exclude_in_selection_process=True)
    with store.unit_of_work("acme") as uow:
        uow.requisitions.set_autopool(RequisitionId("r-1"), criteria)
        uow.requisitions.exclude_from_pool(RequisitionId("r-1"), CandidateId("c-2"))
        uow.commit()
    renamed = _requisition("r-1", title="Senior cashier", owner_id="hana", location="brno")
    sync.save_requisition(renamed)
    with store.unit_of_work("acme") as uow:
        kept = uow.requisitions.get(RequisitionId("r-1"))
    assert kept == attrs.evolve(renamed, autopool=criteria, pool_exclusions={"c-2"})
    sync.save_requisitions([renamed], keep_pool=False)
    with store.unit_of_work("acme") as uow:
        assert uow.requisitions.get(RequisitionId("r-1")) == renamed


def test_st7_shares_and_owners_decide_who_owns_a_candidate(store: SqlStore) -> None:
    sync = _seeded(store)
    r1, r2, s2 = RequisitionId("r-1"), RequisitionId("r-2"), SubmissionId("s-2")
    hana, petr = UserId("hana"), UserId("petr")

    def owned(user: UserId) -> set[str]:
        with store.unit_of_work("acme") as uow:
            return set(uow.visibility.owned(user))

    assert owned(hana) == {"c-1"}
    assert owned(petr) == {"c-2"}
    assert sync.share_position(r2, hana).shared_with == {hana}
    assert owned(hana) == {"c-1", "c-2"}
    with store.unit_of_work("acme") as uow:
        shares = uow.visibility.shares(hana, CandidateId("c-2"))
    assert shares == {Share(ShareKind.POSITION_SHARED, r2)}
    assert sync.unshare_response(s2, petr).shared_with == frozenset()
    assert owned(petr) == set()
    assert sync.share_response(s2, petr).shared_with == {petr}
    assert sync.set_position_owner(r1, petr).owner_id == petr
    assert owned(petr) == {"c-1", "c-2"}
    assert owned(hana) == {"c-1", "c-2"}  # through r-2, shared with her; c-1 is on r-2 too
    sync.unshare_position(r2, hana)
    assert owned(hana) == set()
    state = _dump(store, "acme")
    sync.unshare_position(r2, hana)
    sync.share_response(s2, petr)
    sync.set_position_owner(r1, petr)
    assert _dump(store, "acme") == state
    assert sync.set_position_owner(r1, None).owner_id is None
    with pytest.raises(NotFoundError):
        sync.share_position(RequisitionId("nowhere"), hana)
    with pytest.raises(NotFoundError):
        sync.share_response(SubmissionId("nothing"), hana)


def test_st7_a_removed_submission_leaves_with_its_shares(store: SqlStore) -> None:
    sync = _seeded(store)
    assert sync.remove_submission(SubmissionId("s-2")) is True
    with store.unit_of_work("acme") as uow:
        assert [s.id for s in uow.submissions.for_candidate(CandidateId("c-2"))] == []
        assert set(uow.visibility.owned(UserId("petr"))) == set()
        pool = uow.candidates.find_ids(CandidateQuery(_requisition("r-1"), NOW))
    assert pool == frozenset()  # c-2 applied nowhere else any more (AP5)
    assert _dump(store, "acme")["talentpool_submission_shares"] == []
    state = _dump(store, "acme")
    assert sync.remove_submission(SubmissionId("s-2")) is False
    assert _dump(store, "acme") == state


def test_st7_a_removed_user_reaches_no_candidate_and_is_told_nothing(store: SqlStore) -> None:
    sync = _seeded(store)
    hana, petr = UserId("hana"), UserId("petr")
    sync.share_position(RequisitionId("r-2"), petr)
    sync.share_response(SubmissionId("s-1"), petr)
    with store.unit_of_work("acme") as uow:
        uow.subscriptions.save(Subscription(petr, Tag("call"), NOW, UserId("admin")))
        uow.subscriptions.save(Subscription(hana, Tag("call"), NOW, UserId("admin")))
        uow.notification_settings.save(
            NotificationSettings(
                petr,
                {(NotificationType.NEW_CANDIDATE_IN_MICRO_POOL, NotificationChannel.EMAIL): False},
            )
        )
        uow.commit()
    assert sync.remove_user(petr) is True
    with store.unit_of_work("acme") as uow:
        with pytest.raises(NotFoundError):
            uow.users.get(petr)
        assert set(uow.visibility.owned(petr)) == set()
        assert uow.subscriptions.for_user(petr) == []
        assert uow.subscriptions.trackers(Tag("call")) == [hana]
        assert uow.requisitions.get(RequisitionId("r-2")).shared_with == frozenset()
        assert uow.submissions.get(SubmissionId("s-1")).shared_with == frozenset()
        assert uow.submissions.get(SubmissionId("s-2")).shared_with == frozenset()
        assert uow.notification_settings.get(petr) == NotificationSettings(petr)
        assert set(uow.visibility.owned(hana)) == {"c-1"}
    assert sync.remove_user(hana) is True
    with store.unit_of_work("acme") as uow:
        assert uow.requisitions.get(RequisitionId("r-1")).owner_id is None
    state = _dump(store, "acme")
    assert sync.remove_user(hana) is False
    assert _dump(store, "acme") == state


def test_st7_removed_positions_attachments_and_trees(store: SqlStore) -> None:
    sync = _seeded(store)
    assert sync.remove_requisition(RequisitionId("r-2")) is True
    with store.unit_of_work("acme") as uow:
        assert [r.id for r in uow.requisitions] == ["r-1"]
        assert [s.id for s in uow.submissions] == ["s-1"]
        assert set(uow.visibility.owned(UserId("petr"))) == set()
    assert sync.remove_attachment(AttachmentId("cv-1")) is True
    assert sync.remove_structure("location") is True
    with store.unit_of_work("acme") as uow:
        assert uow.attachments.for_candidate(CandidateId("c-1")) == []
        assert uow.structures.trees() == {}
    state = _dump(store, "acme")
    assert sync.remove_requisition(RequisitionId("r-2")) is False
    assert sync.remove_attachment(AttachmentId("cv-1")) is False
    assert sync.remove_structure(Dimension.LOCATION) is False
    assert _dump(store, "acme") == state
    with pytest.raises(DomainError) as wrong:
        sync.remove_structure("department")
    assert wrong.value.field == "dimension"


# --- streams -----------------------------------------------------------------------------------


def _people(n: int, start: int = 0) -> Iterator[Candidate]:
    for i in range(start, start + n):
        yield _candidate(f"c-{i:04d}", tags=["Brno"] if i % 2 else ["call"])


def test_st7_progress_hears_done_and_the_total_when_it_is_known(store: SqlStore) -> None:
    sync = Sync(store, "acme")
    heard: list[tuple[int, int | None]] = []
    assert sync.save_candidates(list(_people(5)), batch_size=2, progress=_to(heard)) == 5
    assert heard == [(2, 5), (4, 5), (5, 5)]
    heard.clear()
    assert sync.save_candidates(_people(5), batch_size=3, progress=_to(heard)) == 5
    assert heard == [(3, None), (5, None)]
    heard.clear()
    assert sync.save_candidates(_people(4), batch_size=3, progress=_to(heard), total=4) == 4
    assert heard == [(3, 4), (4, 4)]
    heard.clear()
    assert sync.save_candidates(iter(()), progress=_to(heard)) == 0
    assert heard == []


def _to(heard: list[tuple[int, int | None]]) -> Any:
    return lambda done, total: heard.append((done, total))


def test_st7_a_stream_is_one_transaction_per_batch(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'talent.db'}")
    commits: list[int] = []
    event.listen(store.engine, "commit", lambda conn: commits.append(1))
    sync = Sync(store, "acme")
    sync.save_candidates(_people(2500), batch_size=1000)
    assert len(commits) == 3
    sync.save_requisitions([_requisition(f"r-{i}") for i in range(10)], batch_size=4)
    sync.save_submissions(
        (_submission(f"s-{i}", f"c-{i:04d}", f"r-{i % 10}") for i in range(2500)), batch_size=500
    )
    assert len(commits) == 3 + 3 + 5
    with store.unit_of_work("acme") as uow:
        assert len(uow.candidates) == 2500
        assert len(uow.submissions) == 2500
    store.dispose()


def test_pf4_a_streams_batches_commit_without_waiting_for_the_disk(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'talent.db'}")
    levels: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith(("PRAGMA synchronous", "PRAGMA wal_autocheckpoint")):
            levels.append(statement.rsplit(" ", 1)[-1])
        elif statement == "BEGIN IMMEDIATE":
            levels.append("begin")

    event.listen(store.engine, "before_cursor_execute", seen)
    sync = Sync(store, "acme")
    sync.save_candidates(_people(5), batch_size=2)
    # three batches, the level set once before the first (SQLite refuses it inside one)
    assert levels == ["NORMAL", "25000", "begin", "begin", "begin"]
    levels.clear()
    # the next transactions wait for the disk again: one entity is not a stream
    sync.save_candidate(_candidate("c-9"))
    with store.unit_of_work("acme") as uow:
        uow.candidates.save(_candidate("c-10"))
        uow.commit()
    assert levels == ["FULL", "1000", "begin", "begin"]
    with store.unit_of_work("acme") as uow:
        assert len(uow.candidates) == 7
    store.dispose()


def test_pf4_a_stream_joined_to_a_host_leaves_its_commit_alone(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'talent.db'}")
    levels: list[str] = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *_: (
            levels.append(statement) if statement.startswith("PRAGMA synchronous") else None
        ),
    )
    with store.engine.connect() as connection, connection.begin():
        Sync(store, "acme", connection=connection).save_candidates(_people(3), batch_size=1)
    assert not [s for s in levels if s.endswith("NORMAL")]
    store.dispose()


def test_st7_an_entity_given_twice_ends_as_the_last_given(store: SqlStore) -> None:
    sync = _seeded(store)
    first, last = _candidate("c-9", text="first"), _candidate("c-9", text="last", tags=[])
    assert sync.save_candidates([first, _candidate("c-8"), last], batch_size=10) == 3
    moved = _submission("s-1", "c-1", "r-1", status=SubmissionStatus.IN_PROCESS, step="Interview")
    sync.save_submissions([_submission("s-1", "c-1", "r-1"), moved])
    with store.unit_of_work("acme") as uow:
        assert uow.candidates.get(CandidateId("c-9")) == last
        assert uow.visibility.tagged(Tag("Brno")) == {"c-1", "c-8"}
        assert uow.submissions.get(SubmissionId("s-1")) == moved


# --- bad input ---------------------------------------------------------------------------------

_BAD_CANDIDATES = [
    ("not a candidate", "candidates[3]"),
    (_forged(_candidate("c-x"), residence="Brno"), "candidates[3].residence"),
    (_forged(_candidate("c-x"), text=5), "candidates[3].text"),
    (_forged(_candidate("c-x"), consent="yes"), "candidates[3].consent"),
    (_forged(_candidate("c-x"), id=""), "candidates[3].id"),
    (_forged(_candidate("c-x"), id=7), "candidates[3].id"),
    (_candidate("c" * 256), "candidates[3].id"),
    (_candidate("c-x", profile_language="x" * 65), "candidates[3].profile_language"),
    (_candidate("c-x", languages={"y" * 65}), "candidates[3].languages"),
]


@pytest.mark.parametrize(("bad", "field"), _BAD_CANDIDATES, ids=[f for _, f in _BAD_CANDIDATES])
def test_st7_bad_input_names_the_field_and_writes_nothing_of_its_batch(
    store: SqlStore, bad: object, field: str
) -> None:
    sync = Sync(store, "acme")
    stream = [*_people(3), bad, *_people(2, start=10)]
    with pytest.raises(DomainError) as refused:
        sync.save_candidates(stream, batch_size=2)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert any("candidates[2:4] was not written" in note for note in refused.value.__notes__)
    with store.unit_of_work("acme") as uow:
        assert [c.id for c in uow.candidates] == ["c-0000", "c-0001"]  # the first batch only
    with pytest.raises(DomainError) as alone:
        sync.save_candidate(bad)  # type: ignore[arg-type]
    assert alone.value.field == field.replace("candidates[3]", "candidate")


def test_st7_bad_entities_of_every_kind_name_their_field(store: SqlStore) -> None:
    sync = _seeded(store)
    before = _dump(store, "acme")
    submission = _submission("s-9", "c-1", "r-1")
    attempts: list[tuple[Any, str]] = [
        (
            lambda: sync.save_submission(_forged(submission, requisition_id="")),
            "submission.requisition_id",
        ),
        (lambda: sync.save_submission(_forged(submission, step=2)), "submission.step"),
        (
            lambda: sync.save_submissions([_forged(submission, shared_with=frozenset({""}))]),
            "submissions[0].shared_with",
        ),
        (
            lambda: sync.save_requisition(_forged(_requisition("r-9"), owner_id=3)),
            "requisition.owner_id",
        ),
        (
            lambda: sync.save_requisitions(
                [_forged(_requisition("r-9"), primary_location=(50, 14))]
            ),
            "requisitions[0].primary_location",
        ),
        (lambda: sync.save_user(_forged(_user("u"), email=5)), "user.email"),
        (lambda: sync.save_users([_candidate("c-1")]), "users[0]"),
        (lambda: sync.save_structure(TREE.dimension), "structure"),
        (
            lambda: sync.save_attachment(
                _forged(
                    Attachment(AttachmentId("a"), CandidateId("c-1"), "cv.pdf", NOW),
                    candidate_id="",
                )
            ),
            "attachment.candidate_id",
        ),
        (lambda: sync.share_position(RequisitionId("r-1"), UserId(" ")), "user_id"),
        (lambda: sync.share_response(SubmissionId(""), UserId("hana")), "submission_id"),
        (lambda: sync.remove_user(None), "user_id"),
        (lambda: sync.remove_submission(5), "submission_id"),
        (lambda: sync.save_candidates("c-1"), "candidates"),
        (lambda: sync.save_candidates(None), "candidates"),
        (lambda: sync.save_candidates([], batch_size=0), "batch_size"),
        (lambda: sync.save_candidates([], batch_size=True), "batch_size"),
        (lambda: sync.save_candidates([], progress="bar"), "progress"),
        (lambda: sync.save_candidates([], total=-1), "total"),
    ]
    for attempt, field in attempts:
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.field == field
        assert field in str(refused.value)
    assert _dump(store, "acme") == before
    with pytest.raises(DomainError) as account:
        Sync(store, "a" * 65)
    assert account.value.field == "account"


def test_st7_a_submission_needs_its_candidate_and_requisition_stored(store: SqlStore) -> None:
    sync = _seeded(store)
    before = _dump(store, "acme")
    with pytest.raises(NotFoundError) as no_candidate:
        sync.save_submissions(
            [_submission("s-8", "c-2", "r-1"), _submission("s-9", "c-404", "r-1")]
        )
    assert (no_candidate.value.kind, no_candidate.value.key) == ("candidate", "c-404")
    with pytest.raises(NotFoundError) as no_requisition:
        sync.save_submission(_submission("s-9", "c-1", "r-404"))
    assert (no_requisition.value.kind, no_requisition.value.key) == ("requisition", "r-404")
    assert _dump(store, "acme") == before


def test_st7_a_second_submission_of_a_pair_is_a_conflict_naming_both(store: SqlStore) -> None:
    sync = _seeded(store)
    before = _dump(store, "acme")
    with pytest.raises(ConflictError, match=r"'s-1'.*'s-9'"):
        sync.save_submissions([_submission("s-8", "c-2", "r-1"), _submission("s-9", "c-1", "r-1")])
    with pytest.raises(ConflictError, match=r"'s-7'.*'s-8'"):
        sync.save_submissions([_submission("s-7", "c-2", "r-1"), _submission("s-8", "c-2", "r-1")])
    assert _dump(store, "acme") == before
    sync.remove_submission(SubmissionId("s-1"))
    sync.save_submission(_submission("s-9", "c-1", "r-1"))  # the host re-created it


def test_st7_no_database_error_escapes_raw(store: SqlStore) -> None:
    sync = Sync(store, "acme")
    with store.engine.begin() as c:
        c.execute(text("DROP TABLE talentpool_candidate_tags"))
    with pytest.raises(StorageError) as broken:
        sync.save_candidates(_people(3))
    assert isinstance(broken.value, TalentpoolError)
    with store.unit_of_work("acme") as uow:
        assert len(uow.candidates) == 0


# --- tenancy (ST6) -----------------------------------------------------------------------------


def test_st6_a_sync_for_one_account_never_touches_another(store: SqlStore) -> None:
    _seeded(store, "other")
    theirs = _dump(store, "other")
    ours = _seeded(store, "acme")
    hana, petr = UserId("hana"), UserId("petr")
    ours.save_candidates([_candidate("c-1", text="ours"), _candidate("c-2", tags=[])])
    ours.set_tags(CandidateId("c-2"), ["Praha"])
    ours.save_submission(_submission("s-1", "c-1", "r-1", status=SubmissionStatus.HIRED))
    ours.share_position(RequisitionId("r-2"), hana)
    ours.set_position_owner(RequisitionId("r-1"), petr)
    ours.unshare_response(SubmissionId("s-2"), petr)
    ours.save_requisitions([_requisition("r-2", title="Ours")], keep_pool=False)
    ours.remove_submission(SubmissionId("s-3"))
    ours.remove_attachment(AttachmentId("cv-1"))
    ours.remove_user(hana)
    ours.remove_requisition(RequisitionId("r-2"))
    ours.remove_structure(Dimension.LOCATION)
    assert _dump(store, "other") == theirs
    with store.unit_of_work("other") as uow:
        assert uow.candidates.get(CandidateId("c-1")) == _candidate("c-1")
        assert set(uow.visibility.owned(hana)) == {"c-1"}
    with store.unit_of_work("acme") as uow:
        assert uow.candidates.get(CandidateId("c-1")).text == "ours"
        assert [r.id for r in uow.requisitions] == ["r-1"]
    with store.engine.connect() as c:
        accounts = c.execute(text("SELECT DISTINCT account FROM talentpool_candidates")).all()
    assert sorted(a[0] for a in accounts) == ["acme", "other"]


# --- joining a host's transaction --------------------------------------------------------------


def test_st7_joined_to_a_host_transaction_the_host_decides(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'talent.db'}")
    with store.engine.connect() as connection:
        with connection.begin() as host:
            Sync(store, "acme", connection=connection).save_candidates(_people(3))
            host.rollback()
        with store.unit_of_work("acme") as uow:
            assert len(uow.candidates) == 0
        with connection.begin():
            joined = Sync(store, "acme", connection=connection)
            with pytest.raises(DomainError):
                joined.save_candidates([*_people(2), "bad", *_people(1, start=5)], batch_size=2)
            joined.save_candidate(_candidate("c-9"))
    with store.unit_of_work("acme") as uow:
        assert [c.id for c in uow.candidates] == ["c-0000", "c-0001", "c-9"]
    store.dispose()


# --- properties --------------------------------------------------------------------------------

_BATCHES = st.sampled_from((1, 2, 3, 1000))
_TAGS = tuple(Tag(label) for label in (*TAG_LABELS, *UNCARRIED_TAG_LABELS))


def _sync_world(store: SqlStore, spec: WorldSpec, batch_size: int) -> None:
    """Load *spec* through the sync API, in the order a host's backfill would."""
    sync = Sync(store, "acme")
    sync.save_users(iter(spec.users), batch_size=batch_size)
    sync.save_structures(spec.structures, batch_size=batch_size)
    sync.save_candidates(iter(spec.candidates), batch_size=batch_size)
    sync.save_requisitions((spec.target, *spec.others), batch_size=batch_size)
    sync.save_submissions(iter(spec.submissions), batch_size=batch_size)


def _subscribe(store: SqlStore, spec: WorldSpec) -> None:
    """Tag tracking is talentpool's own (MP1): saved through the unit of work."""
    with store.unit_of_work("acme") as uow:
        for subscription in spec.subscriptions:
            uow.subscriptions.save(subscription)
        uow.commit()


def _answers(store: SqlStore, spec: WorldSpec, criterion: Criterion, order: Ordering) -> Any:
    """What the store answers about *spec*'s account, through every query port."""
    with store.unit_of_work("acme") as uow:
        pool = CandidateQuery(spec.target, spec.now, criterion, order, limit=None)
        out: list[Any] = [uow.candidates.find(pool), uow.candidates.find_ids(pool)]
        for user in spec.users:
            tracked = frozenset(uow.subscriptions.tracked(user.id))
            viewer = Viewer(user.id, user.is_administrator, tracked)
            listing = CandidateDatabaseQuery(viewer, spec.now, EVERYONE)
            out += [
                uow.candidates.search(listing),
                uow.submissions.responses(ResponsesQuery(viewer)),
                sorted(uow.visibility.owned(user.id)),
            ]
        out += [
            uow.visibility.tag_counts(_TAGS),
            uow.submissions.idle(spec.now),
            uow.structures.trees(),
        ]
        return out


_ORDERS = st.builds(Ordering, st.sampled_from(SortKey), st.booleans())


@given(
    spec=worlds(max_users=3),
    first=_BATCHES,
    again=_BATCHES,
    criterion=criteria(vocabulary=True, max_leaves=4),
    order=_ORDERS,
)
def test_st7_replaying_a_stream_changes_nothing(
    spec: WorldSpec, first: int, again: int, criterion: Criterion, order: Ordering
) -> None:
    store = SqlStore("sqlite://")
    _sync_world(store, spec, first)
    _subscribe(store, spec)
    rows, answers = _dump(store, "acme"), _answers(store, spec, criterion, order)
    _sync_world(store, spec, again)
    assert _dump(store, "acme") == rows
    assert _answers(store, spec, criterion, order) == answers
    store.dispose()


@given(
    spec=worlds(max_users=3),
    batch_size=_BATCHES,
    criterion=criteria(vocabulary=True, max_leaves=4),
    order=_ORDERS,
)
def test_st7_a_synced_world_answers_as_one_loaded_through_the_unit_of_work(
    spec: WorldSpec, batch_size: int, criterion: Criterion, order: Ordering
) -> None:
    loaded, synced = SqlStore("sqlite://"), SqlStore("sqlite://")
    spec.load(loaded.unit_of_work("acme"))
    _sync_world(synced, spec, batch_size)
    _subscribe(synced, spec)
    assert _dump(synced, "acme") == _dump(loaded, "acme")
    assert _answers(synced, spec, criterion, order) == _answers(loaded, spec, criterion, order)
    loaded.dispose()
    synced.dispose()
