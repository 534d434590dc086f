"""DM6: an erased candidate appears nowhere, on every store; the trail keeps a pseudonym.

Every test runs on the in-memory store, SQLite (a file) and PostgreSQL. "Nowhere"
is checked twice: through every read a host makes (pools, listings, folders,
bells, digests, submissions, attachments, exclusions, the audit trail), and by
scanning what the store holds underneath: every row of every table of the
account (SQLite's full-text index included), or every value the in-memory
tables and indexes reach.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from micropools_support import Account
from talentpool import AutopoolActions, AutopoolCriteria, Autopooling, Keywords, Visibility
from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.sql import SqlStore, SqlUnitOfWork
from talentpool.audit import event_to_dict
from talentpool.erasure import Erasure, pseudonymised
from talentpool.errors import DomainError, NotFoundError, PermissionDeniedError, StorageError
from talentpool.events import CandidateErased, TagShareCause, TagShareGranted
from talentpool.ids import AttachmentId, CandidateId, RequisitionId, UserId
from talentpool.model import AccessLevel, Attachment, Candidate, Permission, Role, Tag
from talentpool.notifications import DeliveryMode, NotificationChannel
from talentpool.testing import World

EVA, PETR = CandidateId("eva"), CandidateId("petr")
EVA_NAME = "Eva Nováková"
HM, REC = UserId("hm"), UserId("rec")


class Scene:
    """Eva everywhere a candidate can be; Petr beside her, to show he is untouched."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.acc = Account(world)
        self.uow = world.uow
        w = world
        w.user("hm", "Hana Manager")
        w.user("rec", "Rita Recruiter", Role.RECRUITER, [Permission.MATCH_CANDIDATES])
        w.requisition("cook", "Cook", owner="rec")
        w.requisition("chef", "Chef", owner="rec", autopool=AutopoolCriteria())
        w.requisition("baker", "Baker", owner="rec", autopool=AutopoolCriteria())
        w.requisition("waiter", "Waiter", owner="rec", autopool=AutopoolCriteria())
        self.acc.pools.subscribe(self.acc.admin.id, HM, "Praha")
        self.acc.pools.set_delivery_mode(HM, NotificationChannel.EMAIL, DeliveryMode.DAILY)
        pools = self.acc.pools
        for cid, first, family in [(EVA, "Eva", "Nováková"), (PETR, "Petr", "Malý")]:
            pools.add_candidate(
                Candidate(cid, first, family, w.ago(30), city="Praha", tags=["Praha"])
            )
            w.apply(cid, "cook", submitted_days_ago=10)
        self.uow.attachments.save(
            Attachment(AttachmentId("cv-eva"), EVA, "eva-cv.pdf", w.ago(10), RequisitionId("cook"))
        )
        self.uow.requisitions.exclude_from_pool(RequisitionId("baker"), EVA)
        AutopoolActions(self.uow, w.clock, w.ids).match(REC, RequisitionId("chef"), EVA)
        self.erasure = Erasure(self.uow, w.clock, w.ids)
        self.vis = Visibility(self.uow, w.clock)
        self.pool = Autopooling(self.uow, w.clock)


@pytest.fixture
def scene(make_world: Callable[[], World]) -> Scene:
    return Scene(make_world())


def _trail(uow: Any) -> list[str]:
    with uow:
        return [json.dumps(event_to_dict(e), ensure_ascii=False) for e in uow.events]


def _strings(value: Any, seen: set[int] | None = None) -> Iterator[str]:
    """Every string the in-memory store's tables and indexes reach."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k, seen)
            yield from _strings(v, seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from _strings(v, seen)
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _strings(getattr(value, field.name), seen)
    elif hasattr(value, "__dict__") and type(value).__module__.startswith("talentpool"):
        yield from _strings(vars(value), seen)


def _stored_text(uow: Any) -> list[str]:
    """Everything the store holds for the account, as text (events aside)."""
    if isinstance(uow, MemoryUnitOfWork):
        return list(_strings(uow._tables))
    assert isinstance(uow, SqlUnitOfWork)
    out: list[str] = []
    with uow.store.engine.connect() as c:
        for table in uow.schema.metadata.sorted_tables:
            if table is uow.schema.events or "account" not in table.c:
                continue
            rows = c.execute(select(table).where(table.c.account == uow.account)).all()
            out.extend(str(tuple(r)) for r in rows)
        if uow.store.dialect.name == "sqlite":
            # every term the full-text index still holds a row for, decoded
            tokens = f"{uow.schema.prefix}candidate_tokens"
            c.execute(text(f"CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, {tokens}, row)"))
            for (term,) in c.execute(text("SELECT term FROM temp.vocab WHERE doc > 0")):
                if term[0] in "xtw":
                    out.append(bytes.fromhex(term[1:]).decode("utf-8"))
            c.execute(text("DROP TABLE temp.vocab"))
    return out


def _mentions_eva(texts: list[str]) -> list[str]:
    return [t for t in texts if "'eva'" in t or '"eva"' in t or t == "eva" or "Nováková" in t]


# --- appears nowhere ---------------------------------------------------------------------------


def test_dm6_an_erased_candidate_appears_nowhere(scene: Scene) -> None:
    """DM6: pools, listings, folders, bells, digests, exclusions, rows and indexes."""
    uow, admin = scene.uow, scene.acc.admin.id
    # before: Eva is everywhere the scene put her
    assert scene.pool.results(RequisitionId("waiter")).candidate_ids == (EVA, PETR)
    assert _mentions_eva(_stored_text(uow))
    assert [n.candidate_id for n in scene.acc.pools.bell(HM)] == [EVA, PETR]
    before_events = len(_trail(uow))

    report = scene.erasure.erase(admin, EVA)

    assert report.erased
    assert report.pseudonym == "erased-1"
    assert (report.removed.submissions, report.removed.attachments) == (2, 1)
    assert (report.removed.notifications, report.removed.pool_exclusions) == (1, 1)
    assert report.events_pseudonymised == 2  # her tag share and her match
    with pytest.raises(NotFoundError), uow:
        uow.candidates.get(EVA)
    assert scene.pool.results(RequisitionId("waiter")).candidate_ids == (PETR,)
    assert scene.pool.results(RequisitionId("waiter")).total == 1
    assert scene.pool.results(RequisitionId("baker")).candidate_ids == (PETR,)
    listing = scene.vis.candidates(admin)
    assert listing.candidate_ids == (PETR,)
    assert listing.total == 1
    assert scene.vis.candidates(admin, Keywords("Nováková")).total == 0
    assert scene.vis.candidates(HM, micro_pool="Praha").candidate_ids == (PETR,)
    assert [(f.label, f.count) for f in scene.acc.pools.folders(HM)] == [("Praha", 1)]
    assert [n.candidate_id for n in scene.acc.pools.bell(HM)] == [PETR]
    with uow:
        assert [e.notification_id for e in uow.digests.waiting(HM)] == [
            scene.acc.pools.bell(HM)[0].id
        ]
        assert list(uow.submissions.for_candidate(EVA)) == []
        assert [s.candidate_id for s in uow.submissions.for_requisition(RequisitionId("cook"))] == [
            PETR
        ]
        assert list(uow.attachments.for_candidate(EVA)) == []
        assert uow.requisitions.get(RequisitionId("baker")).pool_exclusions == frozenset()
    # underneath: no row, index entry or full-text entry holds her
    assert _mentions_eva(_stored_text(uow)) == []
    # the trail kept every event, plus one for the erasure; none names her
    trail = _trail(uow)
    assert len(trail) == before_events + 1
    assert [t for t in trail if '"eva"' in t or "Nováková" in t or "eva " in t] == []
    assert sum("erased-1" in t for t in trail) == report.events_pseudonymised + 1
    with uow:
        events = list(uow.events)
    grants = [e for e in events if isinstance(e, TagShareGranted)]
    assert sorted(e.candidate_id for e in grants) == ["erased-1", "petr"]
    assert isinstance(events[-1], CandidateErased)
    assert events[-1].pseudonym == "erased-1"
    assert events[-1].actor_id == admin


def test_dm6_erasing_twice_equals_erasing_once(scene: Scene) -> None:
    admin = scene.acc.admin.id
    scene.erasure.erase(admin, EVA)
    stored, trail = sorted(_stored_text(scene.uow)), _trail(scene.uow)
    again = scene.erasure.erase(admin, EVA)
    assert again.erased is False
    assert again.pseudonym is None
    assert sorted(_stored_text(scene.uow)) == stored
    assert _trail(scene.uow) == trail
    assert scene.erasure.erase(admin, CandidateId("never-there")).erased is False
    assert _trail(scene.uow) == trail


def test_dm6_only_an_administrator_may_erase_and_nothing_changes(scene: Scene) -> None:
    stored, trail = sorted(_stored_text(scene.uow)), _trail(scene.uow)
    for user in (REC, HM):
        with pytest.raises(PermissionDeniedError, match="only system administrators may erase"):
            scene.erasure.erase(user, EVA)
    with pytest.raises(NotFoundError):
        scene.erasure.erase(UserId("nobody"), EVA)
    assert sorted(_stored_text(scene.uow)) == stored
    assert _trail(scene.uow) == trail
    with pytest.raises(DomainError, match="candidate_id"):
        scene.erasure.erase(scene.acc.admin.id, CandidateId(" "))


def test_dm6_an_erasure_that_fails_halfway_erases_nothing(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DM6: one transaction: the trail fails to rewrite, so the rows come back too."""
    stored, trail = sorted(_stored_text(scene.uow)), _trail(scene.uow)

    def broken(*args: object) -> int:
        msg = "the audit trail is read-only today"
        raise StorageError(msg)

    monkeypatch.setattr(scene.uow.events, "rewrite", broken)
    with pytest.raises(StorageError, match="read-only"):
        scene.erasure.erase(scene.acc.admin.id, EVA)
    monkeypatch.undo()
    assert sorted(_stored_text(scene.uow)) == stored
    assert _trail(scene.uow) == trail
    assert scene.vis.candidates(scene.acc.admin.id).total == 2
    # and the erasure then succeeds
    assert scene.erasure.erase(scene.acc.admin.id, EVA).erased


def test_dm6_a_candidate_re_added_after_erasure_starts_afresh(scene: Scene) -> None:
    scene.erasure.erase(scene.acc.admin.id, EVA)
    scene.world.candidate("eva", "Eva", "Nováková")
    assert EVA in scene.vis.candidates(scene.acc.admin.id).candidate_ids
    with scene.uow:
        assert list(scene.uow.submissions.for_candidate(EVA)) == []


# --- the pseudonym rule --------------------------------------------------------------------------


def test_dm6_the_pseudonym_replaces_the_id_and_name_as_whole_words_only() -> None:
    """DM6: candidate-id fields and whole words of the reason; a user spelled alike stays."""
    event = TagShareGranted(
        occurred_at=World().now,
        actor_id=UserId("eva"),
        user_id=UserId("hm"),
        candidate_id=EVA,
        micro_pool=Tag("Praha"),
        cause=TagShareCause.TAGGED,
        level_after=AccessLevel.TAG_SHARE,
        reason="eva (Eva Nováková) tagged; eva10 and medieval stay",
    )
    got = pseudonymised(event, EVA, (EVA_NAME,), "erased-7")
    assert got.candidate_id == "erased-7"
    assert got.actor_id == "eva"
    assert got.reason == "erased-7 (erased-7) tagged; eva10 and medieval stay"
    untouched = attrs.evolve(event, candidate_id=PETR, actor_id=None, reason="petr tagged")
    assert pseudonymised(untouched, EVA, (EVA_NAME,), "erased-7") is untouched


# --- property: erasing one candidate changes nothing else --------------------------------------

_TAGS = ("Praha", "Brno", "python")


@st.composite
def _accounts(draw: st.DrawFn) -> tuple[list[tuple[str, list[str], list[int]]], int]:
    """Candidates with tags and submissions on jobs 0-2, and which one to erase."""
    n = draw(st.integers(1, 6))
    people = [
        (
            f"c{i}",
            draw(st.lists(st.sampled_from(_TAGS), unique=True, max_size=3)),
            draw(st.lists(st.integers(0, 2), unique=True, max_size=2)),
        )
        for i in range(n)
    ]
    return people, draw(st.integers(0, n - 1))


class _View(NamedTuple):
    pools: dict[int, set[CandidateId]]
    listing: set[CandidateId]
    folders: dict[str, int]
    bell: set[CandidateId]


def _view(world: World, acc: Account) -> _View:
    pool = Autopooling(world.uow, world.clock)
    vis = Visibility(world.uow, world.clock)
    return _View(
        {j: set(pool.results(RequisitionId(f"job{j}")).candidate_ids) for j in range(4)},
        set(vis.candidates(acc.admin.id).candidate_ids),
        {f.label: f.count for f in acc.pools.folders(HM)},
        {n.candidate_id for n in acc.pools.bell(HM)},
    )


@pytest.mark.parametrize("store", ["memory", "sqlite"])
@settings(max_examples=25, deadline=None)
@given(drawn=_accounts())
def test_dm6_property_erasing_one_candidate_removes_them_and_changes_nothing_else(
    store: str, drawn: tuple[list[tuple[str, list[str], list[int]]], int]
) -> None:
    people, victim = drawn
    uow = None if store == "memory" else SqlStore("sqlite://").unit_of_work("acme")
    world = World(uow=uow)
    acc = Account(world)
    world.user("hm", "Hana Manager")
    for tag in _TAGS:
        acc.pools.subscribe(acc.admin.id, HM, tag)
    for j in range(4):
        world.requisition(f"job{j}", autopool=AutopoolCriteria())
    for cid, tags, jobs in people:
        acc.pools.add_candidate(Candidate(CandidateId(cid), "Jana", cid, world.ago(5), tags=tags))
        for j in jobs:
            world.apply(cid, f"job{j}", submitted_days_ago=3)
    gone = CandidateId(people[victim][0])
    before = _view(world, acc)
    Erasure(world.uow, world.clock, world.ids).erase(acc.admin.id, gone)
    after = _view(world, acc)
    assert after.pools == {j: ids - {gone} for j, ids in before.pools.items()}
    assert after.listing == before.listing - {gone}
    assert after.bell == before.bell - {gone}
    carried = set(people[victim][1])
    assert after.folders == {
        label: count - (label in carried) for label, count in before.folders.items()
    }
