"""Contracts for the micro-pool ports (ST4, MP1, MP2, MP4, MP5, MP7, MP8).

Tag tracking (``uow.subscriptions``), the derived visibility index
(``uow.visibility``), which must follow every write and every undo,
notification settings and the notifications each user's bell lists. Two
differential contracts (EN4) compare the micro-pool queries with the reference
computed from generated accounts: who tracks a set of tags
(:class:`TrackersQueryContract`, MP7) and how many candidates carry each
(:class:`TagCountsQueryContract`, MP5's folder counts).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.errors import NotFoundError
from talentpool.ids import CandidateId, NotificationId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    Candidate,
    Requisition,
    Share,
    ShareKind,
    Submission,
    Subscription,
    Tag,
    User,
)
from talentpool.notifications import (
    DEFAULT_CHANNELS,
    DeliveryMode,
    DigestEntry,
    Notification,
    NotificationChannel,
    NotificationSettings,
    NotificationType,
)
from talentpool.testing.contracts.autopool import contract_worlds
from talentpool.testing.contracts.base import (
    _NOW,
    _PRAGUE,
    _STATUSES,
    AdapterContract,
    _BoomError,
    _candidate,
    _every_store,
    _requisition,
    _submission,
    _user,
)
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.strategies import TAG_LABELS, UNCARRIED_TAG_LABELS, WorldSpec

__all__ = [
    "DigestQueueContract",
    "NotificationRepositoryContract",
    "NotificationSettingsRepositoryContract",
    "ShareRepositoryContract",
    "SubscriptionRepositoryContract",
    "TagCountsQueryContract",
    "TrackersQueryContract",
    "VisibilityIndexContract",
]


# --- micro-pools: subscriptions, the visibility index, notifications (MP) -----------------


def _subscription(uid: str, label: str, minutes: int = 0, **changes: Any) -> Subscription:
    base = Subscription(
        UserId(uid), Tag(label), _NOW + timedelta(minutes=minutes), UserId("u-admin")
    )
    return attrs.evolve(base, **changes)


class SubscriptionRepositoryContract(AdapterContract):
    """``uow.subscriptions``: tag tracking, keyed by user and tag key, read both ways (MP1)."""

    def base(self) -> FixtureStore:
        """A store with every user the subscriptions name: u-0 to u-3, u-admin and u-boss."""
        return self.stored(*(_user(uid) for uid in (*_MP_USERS, "u-3", "u-admin", "u-boss")))

    def test_subscriptions_round_trip_by_tag_key(self) -> None:
        """A saved subscription reads back equal under any spelling of its tag, label kept."""
        sub = _subscription("u-1", " Praha ", created_by=None)
        other = _subscription("u-1", "ｃａｌｌ", 5)
        uow = self.base()
        self.commit(uow, lambda u: u.subscriptions.save(sub), lambda u: u.subscriptions.save(other))
        with uow:
            got = uow.subscriptions.get(UserId("u-1"), Tag("PRAHA"))
            assert got == sub
            assert got.tag.label == "Praha"
            assert got.created_by is None
            assert uow.subscriptions.get(UserId("u-1"), Tag("call")) == other
            with pytest.raises(NotFoundError):
                uow.subscriptions.get(UserId("u-2"), Tag("praha"))
            with pytest.raises(NotFoundError):
                uow.subscriptions.get(UserId("u-1"), Tag("brno"))

    def test_subscriptions_save_replaces_the_one_of_the_same_tag_key(self) -> None:
        """Saving a user's tag again under another spelling replaces it, in every listing."""
        uow = self.base()
        self.store_subscriptions(uow, _subscription("u-1", "praha"))
        respelled = _subscription("u-1", "PRAHA", 30, created_by=UserId("u-boss"))
        self.commit(uow, lambda u: u.subscriptions.save(respelled))
        with uow:
            assert uow.subscriptions.get(UserId("u-1"), Tag("praha")) == respelled
            assert list(uow.subscriptions.for_user(UserId("u-1"))) == [respelled]
            assert [s.tag.label for s in uow.subscriptions] == ["PRAHA"]
            tracked = dict(uow.subscriptions.tracked(UserId("u-1")))
            assert list(tracked) == ["praha"]
            assert tracked["praha"].label == "PRAHA"
            assert set(uow.subscriptions.trackers(Tag("Praha"))) == {"u-1"}
            assert len(uow.subscriptions.trackers(Tag("Praha"))) == 1

    def test_subscriptions_remove(self) -> None:
        """``remove`` forgets it in every listing; an unknown one raises ``NotFoundError``."""
        uow = self.base()
        keep = _subscription("u-1", "Brno")
        self.store_subscriptions(uow, _subscription("u-1", "Praha"), keep)
        self.store_subscriptions(uow, _subscription("u-2", "Praha"))
        self.commit(uow, lambda u: u.subscriptions.remove(UserId("u-1"), Tag(" PRAHA")))
        with uow:
            with pytest.raises(NotFoundError):
                uow.subscriptions.get(UserId("u-1"), Tag("praha"))
            with pytest.raises(NotFoundError):
                uow.subscriptions.remove(UserId("u-1"), Tag("praha"))
            with pytest.raises(NotFoundError):
                uow.subscriptions.remove(UserId("u-404"), Tag("praha"))
            assert list(uow.subscriptions.for_user(UserId("u-1"))) == [keep]
            assert list(uow.subscriptions.tracked(UserId("u-1"))) == ["brno"]
            assert set(uow.subscriptions.trackers(Tag("praha"))) == {"u-2"}
        self.commit(uow, lambda u: u.subscriptions.remove(UserId("u-2"), Tag("praha")))
        with uow:
            assert list(uow.subscriptions.trackers(Tag("praha"))) == []
            assert list(uow.subscriptions) == [keep]

    def test_subscriptions_listings_are_by_user_and_tag_key(self) -> None:
        """``for_user`` goes by tag key, iteration by user then key, whatever the saving order."""
        uow = self.base()
        subs = [
            _subscription("u-2", "call"),
            _subscription("u-1", "Praha"),
            _subscription("u-1", "brno"),
            _subscription("u-1", "Call"),
            _subscription("u-3", "Ábc"),
        ]
        self.store_subscriptions(uow, *subs)
        with uow:
            assert [s.tag.key for s in uow.subscriptions.for_user(UserId("u-1"))] == [
                "brno",
                "call",
                "praha",
            ]
            assert [(s.user_id, s.tag.key) for s in uow.subscriptions] == [
                ("u-1", "brno"),
                ("u-1", "call"),
                ("u-1", "praha"),
                ("u-2", "call"),
                ("u-3", "ábc"),
            ]
            assert list(uow.subscriptions.for_user(UserId("u-404"))) == []
            assert dict(uow.subscriptions.tracked(UserId("u-404"))) == {}
            assert set(uow.subscriptions.trackers(Tag("CALL"))) == {"u-1", "u-2"}
            assert list(uow.subscriptions.trackers(Tag("python"))) == []

    def test_subscriptions_undone_with_the_unit_of_work(self) -> None:
        """Saves and removals a block does not commit leave every listing as it was."""
        uow = self.base()
        praha = _subscription("u-1", "Praha")
        self.store_subscriptions(uow, praha)
        with uow:
            uow.subscriptions.save(_subscription("u-1", "PRAHA", 9))
            uow.subscriptions.save(_subscription("u-2", "Praha"))
            uow.subscriptions.remove(UserId("u-1"), Tag("praha"))
            uow.subscriptions.save(_subscription("u-1", "Brno"))
        with uow:
            assert list(uow.subscriptions) == [praha]
            assert uow.subscriptions.get(UserId("u-1"), Tag("praha")).tag.label == "Praha"
            assert dict(uow.subscriptions.tracked(UserId("u-1"))) == {"praha": Tag("Praha")}
            assert list(uow.subscriptions.tracked(UserId("u-2"))) == []
            assert set(uow.subscriptions.trackers(Tag("praha"))) == {"u-1"}
            assert list(uow.subscriptions.trackers(Tag("brno"))) == []

    @_every_store
    @given(st.data())
    def test_subscriptions_listings_agree_after_any_writes(self, data: st.DataObject) -> None:
        """After random saves and removals, committed or not, every read agrees with the rest.

        ``get``, ``for_user``, ``tracked``, ``trackers`` and iteration all answer
        from the subscriptions as they are, kept or undone with the unit of work.
        """
        uow = self.base()
        kept: dict[tuple[UserId, str], Subscription] = {}
        for _ in range(data.draw(st.integers(1, 5), label="units of work")):
            pending = dict(kept)
            with uow:
                for _ in range(data.draw(st.integers(1, 4), label="writes")):
                    uid = UserId(data.draw(st.sampled_from(_MP_USERS), label="user"))
                    label = data.draw(st.sampled_from(_MP_LABELS), label="tag")
                    key = (uid, Tag(label).key)
                    if key in pending and data.draw(st.booleans(), label="remove"):
                        uow.subscriptions.remove(uid, Tag(label))
                        del pending[key]
                    else:
                        sub = _subscription(uid, label, data.draw(st.integers(0, 9)))
                        uow.subscriptions.save(sub)
                        pending[key] = sub
                    self._assert_subscriptions(uow, pending)
                if data.draw(st.booleans(), label="commit"):
                    uow.commit()
                    kept = pending
            with uow:
                self._assert_subscriptions(uow, kept)

    def _assert_subscriptions(
        self, uow: FixtureStore, expected: dict[tuple[UserId, str], Subscription]
    ) -> None:
        subs = uow.subscriptions
        assert list(subs) == [expected[k] for k in sorted(expected)]
        assert [s.tag.label for s in subs] == [expected[k].tag.label for k in sorted(expected)]
        for uid in (*_MP_USERS, "u-404"):
            mine = sorted(k for k in expected if k[0] == uid)
            assert list(subs.for_user(UserId(uid))) == [expected[k] for k in mine]
            tracked = dict(subs.tracked(UserId(uid)))
            assert sorted(tracked) == [key for _, key in mine]
            assert [tracked[key].label for _, key in mine] == [expected[k].tag.label for k in mine]
        for probe in _MP_PROBES:
            want = {uid for uid, key in expected if key == probe.key}
            got = subs.trackers(probe)
            assert set(got) == want, f"trackers of {probe.label!r}"
            assert len(got) == len(want), f"trackers of {probe.label!r} repeat a user"
        for (uid, key), sub in expected.items():
            assert subs.get(uid, Tag(key.upper())) == sub

    def store_subscriptions(self, uow: FixtureStore, *subscriptions: Subscription) -> None:
        """Save *subscriptions* in one committed unit of work."""
        with uow:
            for subscription in subscriptions:
                uow.subscriptions.save(subscription)
            uow.commit()


# The small universe the micro-pool properties draw from: few ids, so writes collide.
_MP_USERS = ("u-0", "u-1", "u-2")
_MP_CANDIDATES = ("c-0", "c-1", "c-2", "c-3")
_MP_REQUISITIONS = ("r-0", "r-1", "r-2")
_MP_SUBMISSIONS = ("s-0", "s-1", "s-2", "s-3", "s-4")
# Several spellings of each key; the probes spell each key yet another way, and "python"
# is never saved.
_MP_LABELS = ("Praha", " praha", "BRNO", "Brno", "call", "Call ", "ｃａｌｌ")
_MP_PROBES = (Tag("PRAHA"), Tag("brno"), Tag("CALL"), Tag("Python"))


@attrs.define
class _Data:
    """What the candidates, requisitions and submissions repositories should hold."""

    candidates: dict[CandidateId, Candidate] = attrs.Factory(dict)
    requisitions: dict[RequisitionId, Requisition] = attrs.Factory(dict)
    submissions: dict[SubmissionId, Submission] = attrs.Factory(dict)

    def copy(self) -> _Data:
        return _Data(dict(self.candidates), dict(self.requisitions), dict(self.submissions))


def _read_data(uow: FixtureStore) -> _Data:
    return _Data(
        {c.id: c for c in uow.candidates},
        {r.id: r for r in uow.requisitions},
        {s.id: s for s in uow.submissions},
    )


def _expected_shares(data: _Data, uid: UserId, cid: CandidateId) -> set[Share]:
    """MP2 by brute force: the positions and responses through which *uid* owns *cid*."""
    out: set[Share] = set()
    for s in data.submissions.values():
        if s.candidate_id != cid:
            continue
        r = data.requisitions[s.requisition_id]
        if r.owner_id == uid:
            out.add(Share(ShareKind.POSITION_OWNED, r.id))
        if uid in r.shared_with:
            out.add(Share(ShareKind.POSITION_SHARED, r.id))
        if uid in s.shared_with:
            out.add(Share(ShareKind.RESPONSE_SHARED, r.id, s.id))
    return out


def _assert_index_current(uow: FixtureStore, expected: _Data, where: str) -> None:
    """The repositories hold *expected*, and the visibility index agrees with what they hold.

    Every disagreement is gathered and reported by one ``assert``, so hypothesis
    sees one failure to shrink, however many reads disagree.
    """
    problems = _index_problems(uow, expected)
    assert not problems, f"{where}: " + "; ".join(problems)


def _differing(got: Mapping[Any, object], want: Mapping[Any, object]) -> list[str]:
    return sorted(k for k in {*got, *want} if got.get(k) != want.get(k))


def _index_problems(uow: FixtureStore, expected: _Data) -> list[str]:
    """What the repositories and the index answer that they should not."""
    data = _read_data(uow)
    problems = [
        f"{name} differ at {_differing(got, want)}"
        for name, got, want in (
            ("candidates", data.candidates, expected.candidates),
            ("requisitions", data.requisitions, expected.requisitions),
            ("submissions", data.submissions, expected.submissions),
        )
        if got != want
    ]

    def check(read: str, got: Collection[object], want: set[Any]) -> None:
        if set(got) != want or len(got) != len(want):
            problems.append(f"{read} is {sorted(map(str, got))}, expected {sorted(map(str, want))}")

    index = uow.visibility
    for probe in _MP_PROBES:
        want = {c.id for c in data.candidates.values() if probe in c.tags}
        check(f"tagged({probe.label!r})", index.tagged(probe), want)
    candidates = sorted({*_MP_CANDIDATES, "c-9", *data.candidates})
    for uid in map(UserId, (*_MP_USERS, "u-9")):
        owned: set[CandidateId] = set()
        for cid in map(CandidateId, candidates):
            shares = _expected_shares(data, uid, cid)
            check(f"shares({uid}, {cid})", index.shares(uid, cid), shares)
            if shares:
                owned.add(cid)
        check(f"owned({uid})", index.owned(uid), owned)
    return problems


_TAG_SETS = st.frozensets(st.sampled_from(_MP_LABELS), max_size=3).map(
    lambda labels: frozenset(Tag(label) for label in labels)
)
_USER_SETS = st.frozensets(st.sampled_from(_MP_USERS).map(UserId), max_size=2)
_OWNERS = st.none() | st.sampled_from(_MP_USERS).map(UserId)


@st.composite
def _mp_write(draw: st.DrawFn, data: _Data) -> Candidate | Requisition | Submission:
    """One write a manager makes: retag a candidate, reassign a position, share or move a response.

    Submissions keep one per candidate and requisition (AP9), as a database's
    unique constraint would demand.
    """
    kind = draw(st.sampled_from(("candidate", "requisition", "submission")))
    if kind == "submission":
        sid = SubmissionId(draw(st.sampled_from(_MP_SUBMISSIONS)))
        taken = {(s.candidate_id, s.requisition_id) for s in data.submissions.values()}
        old = data.submissions.get(sid)
        if old is not None:
            taken.discard((old.candidate_id, old.requisition_id))
        free = [(c, r) for c in sorted(data.candidates) for r in sorted(data.requisitions)]
        free = [pair for pair in free if pair not in taken]
        if free:
            cid, rid = draw(st.sampled_from(free))
            if old is not None and draw(st.booleans()):  # share or unshare in place
                cid, rid = old.candidate_id, old.requisition_id
            return _submission(
                sid,
                cid,
                rid,
                draw(st.integers(0, 9)),
                status=draw(_STATUSES),
                shared_with=draw(_USER_SETS),
            )
        kind = "candidate"
    if kind == "candidate":
        candidate = draw(st.sampled_from((*_MP_CANDIDATES, "c-new")))
        return _candidate(candidate, tags=draw(_TAG_SETS))
    requisition = draw(st.sampled_from((*_MP_REQUISITIONS, "r-new")))
    return _requisition(requisition, owner_id=draw(_OWNERS), shared_with=draw(_USER_SETS))


def _record(data: _Data, write: Candidate | Requisition | Submission) -> None:
    """Record in *data* what *write* leaves in the repositories."""
    if isinstance(write, Candidate):
        data.candidates[write.id] = write
    elif isinstance(write, Requisition):
        data.requisitions[write.id] = write
    else:
        data.submissions[write.id] = write


def _apply(uow: FixtureStore, data: _Data, write: Candidate | Requisition | Submission) -> None:
    """Make *write* through the repositories (``add`` for a new submission) and record it."""
    if isinstance(write, Candidate):
        uow.candidates.save(write)
    elif isinstance(write, Requisition):
        uow.requisitions.save(write)
    elif write.id in data.submissions:
        uow.submissions.save(write)
    else:
        uow.submissions.add(write)
    _record(data, write)


_ENDINGS = ("commit", "leave", "raise", "rollback then commit")


class VisibilityIndexContract(AdapterContract):
    """``uow.visibility``: always what the candidates, submissions and requisitions say (MP2, MP4).

    The index is derived: tagged candidates per tag key, shares per user and
    candidate, owned candidates per user. Whatever the adapter keeps to answer
    fast must follow every write made through the repositories, and every undo.
    """

    def test_visibility_of_an_empty_store_is_empty(self) -> None:
        """Nothing is tagged or owned before anything is saved."""
        uow = self.make_uow()
        with uow:
            assert list(uow.visibility.tagged(Tag("praha"))) == []
            assert list(uow.visibility.owned(UserId("u-1"))) == []
            assert list(uow.visibility.shares(UserId("u-1"), CandidateId("c-1"))) == []

    def test_visibility_shares_name_each_position_and_response(self) -> None:
        """Owning a position, a shared position and a shared response are three shares."""
        u1, u2 = UserId("u-1"), UserId("u-2")
        uow = self.stored(
            _user("u-1"),
            _user("u-2"),
            _candidate("c-1", tags=frozenset({Tag("Praha")})),
            _candidate("c-2"),
            _requisition("r-1", owner_id=u1, shared_with=frozenset({u2})),
            _requisition("r-2", shared_with=frozenset({u1})),
            _submission("s-1", "c-1", "r-1", 3),
            _submission("s-2", "c-1", "r-2", 2, shared_with=frozenset({u1, u2})),
        )
        with uow:
            v = uow.visibility
            assert set(v.shares(u1, CandidateId("c-1"))) == {
                Share(ShareKind.POSITION_OWNED, RequisitionId("r-1")),
                Share(ShareKind.POSITION_SHARED, RequisitionId("r-2")),
                Share(ShareKind.RESPONSE_SHARED, RequisitionId("r-2"), SubmissionId("s-2")),
            }
            assert set(v.shares(u2, CandidateId("c-1"))) == {
                Share(ShareKind.POSITION_SHARED, RequisitionId("r-1")),
                Share(ShareKind.RESPONSE_SHARED, RequisitionId("r-2"), SubmissionId("s-2")),
            }
            assert list(v.shares(u1, CandidateId("c-2"))) == []
            assert set(v.owned(u1)) == {"c-1"}
            assert set(v.tagged(Tag(" PRAHA"))) == {"c-1"}

    def test_visibility_follows_a_moved_submission_and_an_undone_one(self) -> None:
        """Moving a response to another position moves the shares; an undone move leaves them."""
        u1 = UserId("u-1")
        uow = self.stored(
            _user("u-1"),
            _candidate("c-1"),
            _requisition("r-1", owner_id=u1),
            _requisition("r-2"),
            _submission("s-1", "c-1", "r-1", 3),
        )
        moved = _submission("s-1", "c-1", "r-2", 3)
        with uow:
            uow.submissions.save(moved)
            assert list(uow.visibility.owned(u1)) == []
        with uow:
            assert set(uow.visibility.owned(u1)) == {"c-1"}
        self.commit(uow, lambda u: u.submissions.save(moved))
        with uow:
            assert list(uow.visibility.owned(u1)) == []
            assert list(uow.visibility.shares(u1, CandidateId("c-1"))) == []

    @_every_store
    @given(st.data())
    def test_visibility_index_stays_current(self, data: st.DataObject) -> None:
        """MP4: after every write, commit, rollback and nested block, the index is recomputable.

        Random units of work retag candidates, create them, change positions'
        owners and shares, add, share, unshare and move responses; each ends by
        committing, by being left, by an exception, or by ``rollback`` and a
        commit, and some hold a nested block that commits or fails. After every
        write and every block, the repositories hold what was kept and the index
        answers exactly what a brute-force recomputation from them says.
        """
        uow = self.make_uow()
        kept = _Data()
        initial = [
            *(User(UserId(uid), uid) for uid in _MP_USERS),
            *(
                _requisition(rid, owner_id=data.draw(_OWNERS), shared_with=data.draw(_USER_SETS))
                for rid in _MP_REQUISITIONS
            ),
            *(_candidate(cid, tags=data.draw(_TAG_SETS)) for cid in _MP_CANDIDATES),
        ]
        self.store(uow, *initial)
        for item in initial:
            if isinstance(item, Candidate | Requisition):
                _record(kept, item)
        with uow:
            _assert_index_current(uow, kept, "after loading")
        for step in range(data.draw(st.integers(1, 6), label="units of work")):
            kept = self._one_unit(uow, kept, data, step)
            with uow:
                _assert_index_current(uow, kept, f"after unit {step}")

    def _one_unit(self, uow: FixtureStore, kept: _Data, data: st.DataObject, step: int) -> _Data:
        """Run one random unit of work on *uow*; return what it leaves kept."""
        ending = data.draw(st.sampled_from(_ENDINGS), label=f"ending {step}")
        nested = data.draw(st.sampled_from((None, "commit", "raise")), label=f"nested {step}")
        where = f"unit {step}"
        pending = kept.copy()
        with _raises_if(ending == "raise"), uow:
            self._writes(uow, pending, data, where)
            if nested is not None:
                inner = pending.copy()
                with _raises_if(nested == "raise"), uow:
                    self._writes(uow, inner, data, f"{where}, nested")
                    if nested == "raise":
                        raise _BoomError
                    uow.commit()
                if nested == "commit":
                    pending = inner
                _assert_index_current(uow, pending, f"{where}, after the nested block")
            if ending == "rollback then commit":
                uow.rollback()
                pending = kept.copy()
                _assert_index_current(uow, pending, f"{where}, after rollback")
                self._writes(uow, pending, data, f"{where}, after rollback")
            if ending == "raise":
                raise _BoomError
            if ending != "leave":
                uow.commit()
        return kept if ending in ("leave", "raise") else pending

    def _writes(self, uow: FixtureStore, into: _Data, data: st.DataObject, where: str) -> None:
        """Make one to three random writes, checking the index after each."""
        for _ in range(data.draw(st.integers(1, 3), label="writes")):
            write = data.draw(_mp_write(into), label="write")
            _apply(uow, into, write)
            _assert_index_current(uow, into, f"{where}, after saving {write!r}")


def _raises_if(expected: bool) -> AbstractContextManager[object]:
    """Expect a ``_BoomError`` out of the block, or nothing."""
    return pytest.raises(_BoomError) if expected else nullcontext()


class NotificationSettingsRepositoryContract(AdapterContract):
    """``uow.notification_settings``: every channel on until a user changes one (MP8)."""

    def base(self) -> FixtureStore:
        """A store with the users whose settings the tests save: u-1, u-2 and u-other."""
        return self.stored(_user("u-1"), _user("u-2"), _user("u-other"))

    def test_notification_settings_default_to_every_channel_on(self) -> None:
        """A user who never changed a switch has the defaults: every channel on."""
        uow = self.base()
        self.commit(
            uow,
            lambda u: u.notification_settings.save(
                NotificationSettings(UserId("u-other"), {_NEW_IN_POOL_EMAIL: False})
            ),
        )
        with uow:
            got = uow.notification_settings.get(UserId("u-1"))
        assert got == NotificationSettings(UserId("u-1"))
        assert got.user_id == "u-1"
        for kind in NotificationType:
            for channel in NotificationChannel:
                assert got.is_on(channel, kind), f"{channel} of {kind} is off by default"
                assert DEFAULT_CHANNELS[kind][channel]

    def test_notification_settings_keep_the_delivery_modes(self) -> None:
        """Digest choices (MP10) read back per channel; the rest stay immediate."""
        uow = self.base()
        chosen = (
            NotificationSettings(UserId("u-1"))
            .with_mode(NotificationChannel.EMAIL, DeliveryMode.DAILY)
            .with_mode(NotificationChannel.SLACK, DeliveryMode.HOURLY)
            .with_channel(NotificationChannel.MOBILE_PUSH, False)
        )
        self.commit(uow, lambda u: u.notification_settings.save(chosen))
        with uow:
            got = uow.notification_settings.get(UserId("u-1"))
        assert got == chosen
        assert got.mode(NotificationChannel.EMAIL) is DeliveryMode.DAILY
        assert got.mode(NotificationChannel.SLACK) is DeliveryMode.HOURLY
        assert got.mode(NotificationChannel.MOBILE_PUSH) is DeliveryMode.IMMEDIATE
        assert not got.is_on(NotificationChannel.MOBILE_PUSH)

    def test_notification_settings_read_back_what_was_saved(self) -> None:
        """Saved switches read back equal, per user; a later save replaces them."""
        uow = self.base()
        quiet = (
            NotificationSettings(UserId("u-1"))
            .with_channel(NotificationChannel.EMAIL, False)
            .with_channel(NotificationChannel.SLACK, False)
        )
        loud = NotificationSettings(UserId("u-2")).with_channel(NotificationChannel.EMAIL, True)
        self.commit(
            uow,
            lambda u: u.notification_settings.save(quiet),
            lambda u: u.notification_settings.save(loud),
        )
        with uow:
            got = uow.notification_settings.get(UserId("u-1"))
            assert got == quiet
            assert dict(got.choices) == dict(quiet.choices)
            assert not got.is_on(NotificationChannel.EMAIL)
            assert not got.is_on(NotificationChannel.SLACK)
            assert got.is_on(NotificationChannel.MOBILE_PUSH)
            assert uow.notification_settings.get(UserId("u-2")) == loud
        push_off = NotificationSettings(UserId("u-1")).with_channel(
            NotificationChannel.MOBILE_PUSH, False
        )
        self.commit(uow, lambda u: u.notification_settings.save(push_off))
        with uow:
            got = uow.notification_settings.get(UserId("u-1"))
            assert got == push_off
            assert got.is_on(NotificationChannel.EMAIL)

    def test_notification_settings_undone_with_the_unit_of_work(self) -> None:
        """A save the block does not commit leaves the earlier settings, or the defaults."""
        uow = self.base()
        quiet = NotificationSettings(UserId("u-1")).with_channel(NotificationChannel.EMAIL, False)
        self.commit(uow, lambda u: u.notification_settings.save(quiet))
        with uow:
            uow.notification_settings.save(NotificationSettings(UserId("u-1")))
            uow.notification_settings.save(quiet.with_channel(NotificationChannel.SLACK, False))
            uow.notification_settings.save(attrs.evolve(quiet, user_id=UserId("u-2")))
        with uow:
            assert uow.notification_settings.get(UserId("u-1")) == quiet
            assert uow.notification_settings.get(UserId("u-2")) == NotificationSettings(
                UserId("u-2")
            )


_NEW_IN_POOL_EMAIL = (NotificationType.NEW_CANDIDATE_IN_MICRO_POOL, NotificationChannel.EMAIL)


def _notification(nid: str, uid: str, when: datetime, **changes: Any) -> Notification:
    base = Notification(
        NotificationId(nid),
        UserId(uid),
        NotificationType.NEW_CANDIDATE_IN_MICRO_POOL,
        when,
        CandidateId("c-1"),
        "Eva Nováková",
        (Tag("Praha"),),
    )
    return attrs.evolve(base, **changes)


class NotificationRepositoryContract(AdapterContract):
    """``uow.notifications``: what each user's bell lists, oldest first (MP7)."""

    def base(self) -> FixtureStore:
        """A store with the users and candidates the notifications name: u-1, u-2, c-1, c-7."""
        return self.stored(_user("u-1"), _user("u-2"), _candidate("c-1"), _candidate("c-7"))

    def test_notifications_round_trip_every_field(self) -> None:
        """A saved notification reads back equal: micro-pools in order, labels and channels kept."""
        full = _notification(
            "n-1",
            "u-1",
            datetime(2026, 3, 30, 9, 0, 0, 123_456, tzinfo=_PRAGUE),
            candidate_id=CandidateId("c-7"),
            candidate_name="Ľubomír Kováč",
            micro_pools=(Tag(" Praha "), Tag("ｃａｌｌ")),
            actor_id=UserId("u-2"),
            channels=(NotificationChannel.BELL, NotificationChannel.EMAIL),
        )
        uow = self.base()
        self.commit(uow, lambda u: u.notifications.save(full))
        with uow:
            (got,) = uow.notifications.for_user(UserId("u-1"))
            assert got == full
            assert [t.label for t in got.micro_pools] == ["Praha", "ｃａｌｌ"]
            assert got.created_at == full.created_at
            assert list(uow.notifications) == [full]

    def test_notifications_per_user_oldest_first_ties_in_saving_order(self) -> None:
        """``for_user`` goes by instant (any zone), and equal instants keep the saving order.

        Ids run against time whether compared as text or as numbers.
        """
        nine_utc = datetime(2026, 3, 30, 7, 0, tzinfo=_NOW.tzinfo)
        same_in_prague = nine_utc.astimezone(_PRAGUE)
        saved = [
            _notification("n-9", "u-1", nine_utc + timedelta(minutes=5)),
            _notification("n-10", "u-1", same_in_prague),
            _notification("n-2", "u-1", nine_utc),
            _notification("n-8", "u-1", datetime(2026, 3, 30, 8, 30, tzinfo=_PRAGUE)),
            _notification("n-3", "u-2", nine_utc - timedelta(days=1)),
            _notification("n-4", "u-1", same_in_prague),
        ]
        uow = self.base()
        self.commit(uow, *(lambda u, n=n: u.notifications.save(n) for n in saved))
        with uow:
            assert [n.id for n in uow.notifications.for_user(UserId("u-1"))] == [
                "n-8",  # 06:30 UTC
                "n-10",
                "n-2",
                "n-4",
                "n-9",
            ]
            assert [n.id for n in uow.notifications.for_user(UserId("u-2"))] == ["n-3"]
            assert list(uow.notifications.for_user(UserId("u-404"))) == []
            assert [n.id for n in uow.notifications] == ["n-3", "n-8", "n-10", "n-2", "n-4", "n-9"]

    def test_notifications_save_replaces(self) -> None:
        """Saving under a known id replaces the notification instead of adding one."""
        first = _notification("n-1", "u-1", _NOW)
        uow = self.base()
        self.commit(uow, lambda u: u.notifications.save(first))
        emailed = attrs.evolve(
            first, channels=(NotificationChannel.BELL, NotificationChannel.EMAIL)
        )
        self.commit(uow, lambda u: u.notifications.save(emailed))
        with uow:
            assert list(uow.notifications.for_user(UserId("u-1"))) == [emailed]
            assert list(uow.notifications) == [emailed]

    def test_notifications_moved_to_another_user_leave_the_first(self) -> None:
        """A notification saved again for another user is listed under that user only."""
        first = _notification("n-1", "u-1", _NOW)
        moved = attrs.evolve(first, user_id=UserId("u-2"))
        uow = self.base()
        self.commit(uow, lambda u: u.notifications.save(first))
        self.commit(uow, lambda u: u.notifications.save(moved))
        with uow:
            assert list(uow.notifications.for_user(UserId("u-1"))) == []
            assert list(uow.notifications.for_user(UserId("u-2"))) == [moved]
            assert list(uow.notifications) == [moved]

    def test_notifications_undone_with_the_unit_of_work(self) -> None:
        """Notifications saved in a block that does not commit are not listed anywhere."""
        first = _notification("n-1", "u-1", _NOW)
        uow = self.base()
        self.commit(uow, lambda u: u.notifications.save(first))
        with uow:
            uow.notifications.save(_notification("n-2", "u-1", _NOW - timedelta(days=1)))
            uow.notifications.save(_notification("n-3", "u-2", _NOW))
            uow.notifications.save(attrs.evolve(first, candidate_name="Jana"))
        with uow:
            assert list(uow.notifications.for_user(UserId("u-1"))) == [first]
            assert list(uow.notifications.for_user(UserId("u-2"))) == []
            assert list(uow.notifications) == [first]


# --- the micro-pool queries (EN4, MP5, MP7) ------------------------------------------------


# Probes spell each tag as the worlds do, upper-cased, or as a tag nobody carries.
_PROBE_LABELS = (*TAG_LABELS, *(label.upper() for label in TAG_LABELS), *UNCARRIED_TAG_LABELS)
_PROBES = st.lists(st.sampled_from(_PROBE_LABELS).map(Tag), max_size=5)


def _reference_trackers(
    spec: WorldSpec, subscriptions: Collection[Subscription], probes: Collection[Tag]
) -> list[tuple[UserId, list[str]]]:
    """MP7 by brute force: each tracking user, in id order, with the labels they track, by key."""
    keys = {t.key for t in probes}
    out: list[tuple[UserId, list[str]]] = []
    for user in sorted({s.user_id for s in subscriptions}):
        mine = sorted((s.tag for s in subscriptions if s.user_id == user), key=lambda t: t.key)
        labels = [t.label for t in mine if t.key in keys]
        if labels:
            out.append((user, labels))
    return out


def _trackers_read(uow: FixtureStore, probes: Collection[Tag]) -> list[tuple[UserId, list[str]]]:
    with uow:
        found = uow.subscriptions.trackers_of(probes)
        return [(user, [t.label for t in tags]) for user, tags in found.items()]


@st.composite
def _resubscribed(draw: st.DrawFn, spec: WorldSpec) -> tuple[list[Subscription], set[int]]:
    """Each subscription of *spec* kept, respelled (upper case, one key) or dropped.

    Returns the subscriptions left and the indexes of those to remove.
    """
    left: list[Subscription] = []
    removed: set[int] = set()
    for i, sub in enumerate(spec.subscriptions):
        fate = draw(st.sampled_from(("keep", "respell", "remove")), label=f"subscription {i}")
        if fate == "remove":
            removed.add(i)
        elif fate == "respell":
            left.append(attrs.evolve(sub, tag=Tag(sub.tag.label.upper())))
        else:
            left.append(sub)
    return left, removed


class TrackersQueryContract(AdapterContract):
    """``uow.subscriptions.trackers_of``: who to notify when tags appear, in one call (EN4, MP7).

    Every user who tracks any of the tags, in user id order, each with those of
    the tags they track, by key and spelled as they track them.
    """

    @_every_store
    @given(contract_worlds(max_candidates=3, max_users=4), _PROBES, st.data())
    def test_trackers_of_agree_with_the_reference(
        self, spec: WorldSpec, probes: list[Tag], data: st.DataObject
    ) -> None:
        """EN4: for any tags, however spelled, also after respelling and removals, they agree."""
        uow = self.make_uow()
        spec.load(uow)
        want = _reference_trackers(spec, spec.subscriptions, probes)
        assert _trackers_read(uow, probes) == want, f"trackers of {probes}"
        left, removed = data.draw(_resubscribed(spec), label="subscriptions after")
        with uow:
            for i in sorted(removed):
                sub = spec.subscriptions[i]
                uow.subscriptions.remove(sub.user_id, sub.tag)
            for sub in left:
                uow.subscriptions.save(sub)
            uow.commit()
        probes = data.draw(_PROBES, label="probes after")
        want = _reference_trackers(spec, left, probes)
        assert _trackers_read(uow, probes) == want, f"trackers of {probes}, after the writes"

    def test_trackers_of_an_empty_store_are_none(self) -> None:
        """Nobody tracks anything in an empty store."""
        assert _trackers_read(self.make_uow(), [Tag("Praha")]) == []

    def test_trackers_of_tags_nobody_tracks_or_no_tags_are_none(self) -> None:
        """Asking for no tags, or for tags nobody tracks, names nobody."""
        uow = self.stored(_user("u-1"), _user("u-admin"))
        with uow:
            uow.subscriptions.save(_subscription("u-1", "Praha"))
            uow.commit()
        assert _trackers_read(uow, []) == []
        assert _trackers_read(uow, [Tag("Python"), Tag("brno")]) == []

    def test_trackers_of_come_by_user_with_their_own_spellings_by_key(self) -> None:
        """Users in id order; each user's tags by key, as they track them, once per key.

        u-2 tracks " PRAHA " and "ｃａｌｌ"; asked for "praha", "Call" and "CALL",
        the answer names each of u-2's tags once, in their spelling, by key.
        """
        uow = self.stored(*(_user(uid) for uid in ("u-1", "u-2", "u-3", "u-admin")))
        with uow:
            for uid, label in (
                ("u-3", "call"),
                ("u-2", "ｃａｌｌ"),
                ("u-2", " PRAHA "),
                ("u-1", "Brno"),
                ("u-2", "Brno"),
            ):
                uow.subscriptions.save(_subscription(uid, label))
            uow.commit()
        probes = [Tag("praha"), Tag("Call"), Tag("CALL")]
        assert _trackers_read(uow, probes) == [("u-2", ["ｃａｌｌ", "PRAHA"]), ("u-3", ["call"])]
        assert _trackers_read(uow, {Tag("brno")}) == [("u-1", ["Brno"]), ("u-2", ["Brno"])]


def _tag_counts_read(uow: FixtureStore, probes: Collection[Tag]) -> dict[str, int]:
    with uow:
        return dict(uow.visibility.tag_counts(probes))


def _reference_tag_counts(
    candidates: Collection[Candidate], probes: Collection[Tag]
) -> dict[str, int]:
    """MP5 by brute force: how many candidates carry each probe, by key; 0 for nobody."""
    return {t.key: sum(1 for c in candidates if t in c.tags) for t in probes}


class TagCountsQueryContract(AdapterContract):
    """``uow.visibility.tag_counts``: how many candidates carry each tag, by key (EN4, MP5).

    What a user's micro-pool folders show; a tag nobody carries counts 0, and
    the counts follow every retagging.
    """

    @_every_store
    @given(contract_worlds(max_candidates=6), _PROBES, st.data())
    def test_tag_counts_agree_with_the_reference(
        self, spec: WorldSpec, probes: list[Tag], data: st.DataObject
    ) -> None:
        """EN4: for any tags, however spelled, also after candidates are retagged, they agree."""
        uow = self.make_uow()
        spec.load(uow)
        want = _reference_tag_counts(spec.candidates, probes)
        assert _tag_counts_read(uow, probes) == want, f"counts of {probes}"
        retagged = [
            attrs.evolve(c, tags=data.draw(_TAG_SETS, label=f"tags of {c.id}"))
            if data.draw(st.booleans(), label=f"retag {c.id}")
            else c
            for c in spec.candidates
        ]
        self.store(uow, *(c for c, old in zip(retagged, spec.candidates, strict=True) if c != old))
        probes = data.draw(_PROBES, label="probes after")
        want = _reference_tag_counts(retagged, probes)
        assert _tag_counts_read(uow, probes) == want, f"counts of {probes}, after retagging"

    def test_tag_counts_of_an_empty_store_are_zero(self) -> None:
        """Every tag asked for counts 0 in an empty store; no tags asked, no counts."""
        uow = self.make_uow()
        assert _tag_counts_read(uow, [Tag("Praha"), Tag("call")]) == {"praha": 0, "call": 0}
        assert _tag_counts_read(uow, []) == {}

    def test_tag_counts_by_key_and_zero_for_a_tag_nobody_carries(self) -> None:
        """Spellings of one tag count once, under its key; a tag nobody carries counts 0."""
        uow = self.stored(
            _candidate("c-1", tags=frozenset({Tag("Praha"), Tag("call")})),
            _candidate("c-2", tags=frozenset({Tag(" PRAHA ")})),
            _candidate("c-3"),
        )
        probes = [Tag("praha"), Tag("PRAHA"), Tag("ｃａｌｌ"), Tag("Python")]
        assert _tag_counts_read(uow, probes) == {"praha": 2, "call": 1, "python": 0}


# --- colleague shares (MP11) -------------------------------------------------------------

_SHARE_USERS = ("u-1", "u-2", "u-3")


class ShareRepositoryContract(AdapterContract):
    """``uow.shares``: colleague shares of responses and positions, and who is on a position.

    Each change is kept in the response's or the position's own ``shared_with``,
    reaches the visibility index in the same unit of work, and is undone with it.
    """

    def base(self) -> FixtureStore:
        """Two positions, three candidates, one response each; nothing shared yet."""
        return self.stored(
            *(_user(uid) for uid in _SHARE_USERS),
            _candidate("c-1"),
            _candidate("c-2"),
            _candidate("c-3"),
            _requisition("r-1"),
            _requisition("r-2"),
            _submission("s-1", "c-1", "r-1", 3),
            _submission("s-2", "c-2", "r-1", 2),
            _submission("s-3", "c-3", "r-2", 1),
        )

    def test_a_response_share_is_kept_and_owns_its_candidate(self) -> None:
        """``share_response`` adds the user and ownership follows; the same share again and a
        withdrawal of nobody change nothing; an unknown response is ``NotFoundError``."""
        uow = self.base()
        u1, sid = UserId("u-1"), SubmissionId("s-1")
        with uow:
            saved = uow.shares.share_response(sid, u1, shared=True)
            assert saved.shared_with == {u1}
            assert uow.shares.share_response(sid, u1, shared=True) == saved
            assert uow.shares.share_response(sid, UserId("u-2"), shared=False) == saved
            uow.commit()
        with uow:
            assert uow.shares.response(sid) == saved
            assert uow.submissions.get(sid) == saved
            share = Share(ShareKind.RESPONSE_SHARED, RequisitionId("r-1"), sid)
            assert set(uow.visibility.shares(u1, CandidateId("c-1"))) == {share}
            assert set(uow.visibility.owned(u1)) == {"c-1"}
            with pytest.raises(NotFoundError):
                uow.shares.share_response(SubmissionId("s-none"), u1, shared=True)
            with pytest.raises(NotFoundError):
                uow.shares.response(SubmissionId("s-none"))
        self.commit(uow, lambda u: u.shares.share_response(sid, u1, shared=False))
        with uow:
            assert uow.shares.response(sid).shared_with == frozenset()
            assert set(uow.visibility.owned(u1)) == set()

    def test_a_position_share_owns_everyone_on_it(self) -> None:
        """``share_position`` adds the user to the position; its candidates are owned."""
        uow = self.base()
        u2, rid = UserId("u-2"), RequisitionId("r-1")
        with uow:
            assert list(uow.shares.registered(rid)) == ["c-1", "c-2"]
            assert list(uow.shares.registered(RequisitionId("r-none"))) == []
            saved = uow.shares.share_position(rid, u2, shared=True)
            assert saved.shared_with == {u2}
            uow.commit()
        with uow:
            assert uow.requisitions.get(rid) == saved
            assert set(uow.visibility.owned(u2)) == {"c-1", "c-2"}
            with pytest.raises(NotFoundError):
                uow.shares.share_position(RequisitionId("r-none"), u2, shared=True)
        self.commit(uow, lambda u: u.shares.share_position(rid, u2, shared=False))
        with uow:
            assert uow.requisitions.get(rid).shared_with == frozenset()
            assert set(uow.visibility.owned(u2)) == set()

    @_every_store
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(("s-1", "s-2", "s-3", "r-1", "r-2")),
                st.sampled_from(_SHARE_USERS),
                st.booleans(),
                st.booleans(),
            ),
            max_size=8,
        )
    )
    def test_shares_kept_or_undone_are_what_the_index_owns(
        self, steps: list[tuple[str, str, bool, bool]]
    ) -> None:
        """After shares and withdrawals, kept or rolled back, each user owns exactly the
        candidates of what is shared with them, and the documents say the same."""
        uow = self.base()
        on = {"s-1": {"c-1"}, "s-2": {"c-2"}, "s-3": {"c-3"}, "r-1": {"c-1", "c-2"}, "r-2": {"c-3"}}
        held: dict[str, set[str]] = {key: set() for key in on}
        for key, uid, shared, kept in steps:
            with uow:
                if key.startswith("s-"):
                    uow.shares.share_response(SubmissionId(key), UserId(uid), shared=shared)
                else:
                    uow.shares.share_position(RequisitionId(key), UserId(uid), shared=shared)
                if kept:
                    uow.commit()
                    (held[key].add if shared else held[key].discard)(uid)
        with uow:
            for key, users in held.items():
                if key.startswith("s-"):
                    assert uow.shares.response(SubmissionId(key)).shared_with == users, key
                else:
                    assert uow.requisitions.get(RequisitionId(key)).shared_with == users, key
            for uid in _SHARE_USERS:
                want = {c for key, users in held.items() if uid in users for c in on[key]}
                assert set(uow.visibility.owned(UserId(uid))) == want, uid


_EMAIL, _SLACK = NotificationChannel.EMAIL, NotificationChannel.SLACK


def _entry(nid: str, uid: str, channel: NotificationChannel, due: datetime) -> DigestEntry:
    return DigestEntry(NotificationId(nid), UserId(uid), channel, due)


class DigestQueueContract(AdapterContract):
    """``uow.digests``: notifications waiting for a digest, claimed once (MP10)."""

    def queued(self) -> FixtureStore:
        """Three notifications of u-1 (n-1 oldest) and one of u-2, queued by channel.

        u-1's n-1 and n-3 wait on email, due at ``_NOW``; n-2 on Slack, due an hour
        later; u-2's n-4 on email, due at ``_NOW``.
        """
        uow = self.stored(_user("u-1"), _user("u-2"), _candidate("c-1"))
        later = _NOW + timedelta(hours=1)
        notes = [
            _notification("n-1", "u-1", _NOW - timedelta(minutes=30)),
            _notification("n-2", "u-1", _NOW - timedelta(minutes=20)),
            _notification("n-3", "u-1", _NOW - timedelta(minutes=10)),
            _notification("n-4", "u-2", _NOW - timedelta(minutes=5)),
        ]
        entries = [
            _entry("n-3", "u-1", _EMAIL, _NOW),
            _entry("n-1", "u-1", _EMAIL, _NOW),
            _entry("n-2", "u-1", _SLACK, later),
            _entry("n-4", "u-2", _EMAIL, _NOW),
        ]
        self.commit(
            uow,
            *(lambda u, n=n: u.notifications.save(n) for n in notes),
            lambda u: u.digests.add(entries),
        )
        return uow

    def test_digest_entries_read_back_and_are_due_by_user_and_channel(self) -> None:
        """``waiting`` lists a user's entries; ``due`` only what is due by now."""
        uow = self.queued()
        with uow:
            waiting = uow.digests.waiting(UserId("u-1"))
            assert [(e.notification_id, e.channel) for e in waiting] == [
                ("n-1", _EMAIL),
                ("n-3", _EMAIL),
                ("n-2", _SLACK),
            ]
            assert waiting[0] == _entry("n-1", "u-1", _EMAIL, _NOW)
            assert uow.digests.due(_NOW - timedelta(seconds=1), _NOW) == []
            assert list(uow.digests.due(_NOW, _NOW)) == [("u-1", _EMAIL), ("u-2", _EMAIL)]
            later = _NOW + timedelta(hours=1)
            assert list(uow.digests.due(later, _NOW)) == [
                ("u-1", _EMAIL),
                ("u-1", _SLACK),
                ("u-2", _EMAIL),
            ]

    def test_a_claim_takes_the_due_entries_once(self) -> None:
        """A claim returns the notifications oldest first; a second claim finds nothing."""
        uow = self.queued()
        with uow:
            got = uow.digests.claim(UserId("u-1"), _EMAIL, "d-1", _NOW, _NOW)
            uow.commit()
        assert [n.id for n in got] == ["n-1", "n-3"]
        with uow:
            assert uow.digests.claim(UserId("u-1"), _EMAIL, "d-2", _NOW, _NOW) == []
            assert list(uow.digests.due(_NOW, _NOW)) == [("u-2", _EMAIL)]
            held = [e for e in uow.digests.waiting(UserId("u-1")) if e.claim_id == "d-1"]
            assert [(e.notification_id, e.claimed_at) for e in held] == [
                ("n-1", _NOW),
                ("n-3", _NOW),
            ]

    def test_a_released_claim_waits_again_and_a_sent_one_is_gone(self) -> None:
        uow = self.queued()
        with uow:
            uow.digests.claim(UserId("u-1"), _EMAIL, "d-1", _NOW, _NOW)
            uow.digests.claim(UserId("u-2"), _EMAIL, "d-2", _NOW, _NOW)
            uow.digests.release("d-1")
            uow.digests.sent("d-2")
            uow.commit()
        with uow:
            assert [e.claim_id for e in uow.digests.waiting(UserId("u-1"))] == [None] * 3
            assert uow.digests.waiting(UserId("u-2")) == []
            again = uow.digests.claim(UserId("u-1"), _EMAIL, "d-3", _NOW, _NOW)
            assert [n.id for n in again] == ["n-1", "n-3"]

    def test_a_stale_claim_may_be_taken_over(self) -> None:
        """A claim older than *stale_before* is claimable again (a job that died)."""
        uow = self.queued()
        self.commit(uow, lambda u: u.digests.claim(UserId("u-1"), _EMAIL, "d-1", _NOW, _NOW))
        later = _NOW + timedelta(hours=2)
        with uow:
            assert uow.digests.claim(UserId("u-1"), _EMAIL, "d-2", later, _NOW) == []
            taken = uow.digests.claim(
                UserId("u-1"), _EMAIL, "d-2", later, _NOW + timedelta(seconds=1)
            )
            assert [n.id for n in taken] == ["n-1", "n-3"]

    def test_a_claim_is_undone_with_its_unit_of_work(self) -> None:
        uow = self.queued()
        with uow:
            uow.digests.claim(UserId("u-1"), _EMAIL, "d-1", _NOW, _NOW)
            uow.digests.sent("d-1")
        with uow:
            assert [e.claim_id for e in uow.digests.waiting(UserId("u-1"))] == [None] * 3
