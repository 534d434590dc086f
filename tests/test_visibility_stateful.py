"""Random sequences of tag, untag, subscribe, unsubscribe, share and unshare (MP1–MP9).

A hypothesis state machine drives the services and the repositories and keeps a
plain reference model of its own: who tracks which tag key, which tag keys each
candidate carries, which responses and positions are shared with whom and who
owns which position. After every step it checks that

* every access level equals the reference model's, with the right micro-pools;
* no tag-share projection holds positions-overview or response data, or any
  position or response id, anywhere inside it;
* every listing (the database, folder counts, each micro-pool opened, a
  micro-pool combined with keywords or another tag, "Candidates on positions")
  returns exactly the candidates the single decision allows;
* folding the grant and revocation events gives exactly the current tag shares;

and, at the step itself, that tagging notifies each tracker of a new tag exactly
once (never the actor), that refused changes change nothing, and that a unit of
work that does not commit leaves every index as it was.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from micropools_support import Account
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.criteria import HasTag, Keywords
from talentpool.errors import NotFoundError, PermissionDeniedError
from talentpool.ids import AttachmentId, CandidateId, RequisitionId, UserId
from talentpool.micropools import MicroPools, TagShareGranted, TagShareRevoked
from talentpool.model import (
    Attachment,
    Permission,
    Requisition,
    Role,
    Submission,
)
from talentpool.text import tag_key
from talentpool.visibility import (
    AccessLevel,
    OwnerCandidateCard,
    OwnerCandidateRow,
    PositionOverview,
    Response,
    TagShareCandidateCard,
    TagShareCandidateRow,
)

MANAGERS = ["u0", "u1", "u2"]
WHOLE = "ux"  # a recruiter with the permission to see the whole database
ADMIN = "admin"
USERS = [ADMIN, WHOLE, *MANAGERS]
CANDIDATES = ["c0", "c1", "c2", "c3", "c4"]
REQUISITIONS = ["r0", "r1", "r2"]
LABELS = ["Praha", " praha", "BRNO", "Brno", "call", "Call ", "Python"]
KEYS = sorted({tag_key(label) for label in LABELS})
TEXTS = {"c0": "alpha", "c1": "beta", "c2": "alpha beta", "c3": "gamma", "c4": "alpha"}

users = st.sampled_from(USERS)
managers = st.sampled_from(MANAGERS)
candidates = st.sampled_from(CANDIDATES)
requisitions = st.sampled_from(REQUISITIONS)
labels = st.sampled_from(LABELS)
actors = st.sampled_from([None, *USERS])

FORBIDDEN_TYPES = (PositionOverview, Response, Submission, Requisition, Attachment)


def _walk(value: object) -> Iterator[object]:
    """Yield *value* and everything inside it: attrs fields, collections, mappings."""
    yield value
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _walk(getattr(value, field.name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(k)
            yield from _walk(v)
    elif isinstance(value, tuple | list | set | frozenset):
        for item in value:
            yield from _walk(item)


class MicroPoolMachine(RuleBasedStateMachine):
    """The services against a reference model written out by hand."""

    @initialize(
        first_subscriptions=st.lists(st.tuples(users, labels), max_size=6),
        first_tags=st.lists(st.tuples(candidates, labels), max_size=8),
    )
    def set_up(
        self, first_subscriptions: list[tuple[str, str]], first_tags: list[tuple[str, str]]
    ) -> None:
        self.acc = Account()
        w = self.acc.world
        for u in MANAGERS:
            w.user(u, f"Manager {u}")
        w.user(WHOLE, "Whole", Role.RECRUITER, [Permission.SEE_WHOLE_DATABASE])
        for r in REQUISITIONS:
            w.requisition(r, f"Position {r[1:]}")
        for c in CANDIDATES:
            w.candidate(c, c.upper(), text=TEXTS[c])
            w.uow.attachments.save(
                Attachment(
                    AttachmentId(f"a-{c}"), CandidateId(c), "cv.pdf", w.ago(1), RequisitionId("r0")
                )
            )
        # the reference model
        self.tags: dict[str, set[str]] = {c: set() for c in CANDIDATES}
        self.subs: dict[str, set[str]] = {u: set() for u in USERS}
        self.responses: dict[str, tuple[str, str, set[str]]] = {}  # sid -> (c, r, shared)
        self.owner: dict[str, str | None] = dict.fromkeys(REQUISITIONS)
        self.position_shared: dict[str, set[str]] = {r: set() for r in REQUISITIONS}
        self.count = 0
        # start from a random micro-pool landscape, built through the services
        for u, label in first_subscriptions:
            self.acc.pools.subscribe(UserId(ADMIN), UserId(u), label)
            self.subs[u].add(tag_key(label))
        for c, label in first_tags:
            self.acc.pools.tag(None, CandidateId(c), label)
            self.tags[c].add(tag_key(label))

    # --- the reference model -----------------------------------------------------------

    def ref_level(self, u: str, c: str) -> AccessLevel:
        if u in (ADMIN, WHOLE):
            return AccessLevel.OWNER
        for cand, r, shared in self.responses.values():
            if cand == c and (u in shared or self.owner[r] == u or u in self.position_shared[r]):
                return AccessLevel.OWNER
        if self.tags[c] & self.subs[u]:
            return AccessLevel.TAG_SHARE
        return AccessLevel.NONE

    def ref_pools(self, u: str, c: str) -> list[str]:
        return sorted(self.tags[c] & self.subs[u])

    @property
    def pools(self) -> MicroPools:
        return self.acc.pools

    # --- rules: tags -------------------------------------------------------------------------

    @rule(actor=actors, c=candidates, label=labels, second=st.none() | labels)
    def tag(self, actor: str | None, c: str, label: str, second: str | None) -> None:
        new = {tag_key(label)} | ({tag_key(second)} if second else set())
        added = new - self.tags[c]
        outbox = self.acc.outbox
        outbox.clear()
        events = len(self.acc.uow.events)
        given = [label] if second is None else [label, second]
        # MP3: a tag share is view-only, so only an owner may change tags
        # (a tag-share viewer used to be allowed: that was the bug).
        if actor is not None and self.ref_level(actor, c) is not AccessLevel.OWNER:
            try:
                self.pools.tag(UserId(actor), CandidateId(c), *given)
            except PermissionDeniedError:
                assert len(outbox) == 0
                assert len(self.acc.uow.events) == events
                return
            raise AssertionError("a user who does not own the candidate tagged them")
        self.pools.tag(None if actor is None else UserId(actor), CandidateId(c), *given)
        self.tags[c] |= new
        # MP7: exactly one notification per tracker of a new tag, never the actor
        expected = {u for u in USERS if self.subs[u] & added} - {actor}
        assert outbox.recipients() == expected
        for u in expected:
            (note,) = outbox.notifications(UserId(u))
            assert sorted(t.key for t in note.micro_pools) == sorted(self.subs[u] & added)
            assert note.candidate_id == c

    @rule(c=candidates, label=labels)
    def untag(self, c: str, label: str) -> None:
        self.acc.outbox.clear()
        self.pools.untag(None, CandidateId(c), label)
        self.tags[c].discard(tag_key(label))
        assert len(self.acc.outbox) == 0

    # --- rules: subscriptions ------------------------------------------------------------------

    @rule(user=users, label=labels)
    def subscribe(self, user: str, label: str) -> None:
        run = self.pools.dry_run_subscribe(UserId(ADMIN), UserId(user), label)
        before = {c: self.ref_level(user, c) for c in CANDIDATES}
        self.pools.subscribe(UserId(ADMIN), UserId(user), label)
        self.subs[user].add(tag_key(label))
        gained = [
            c
            for c in CANDIDATES
            if before[c] is AccessLevel.NONE and self.ref_level(user, c) is not AccessLevel.NONE
        ]
        assert list(run.gaining) == gained  # EN5: the dry run said so
        assert run.losing == ()

    @rule(user=users, label=labels)
    def unsubscribe(self, user: str, label: str) -> None:
        key = tag_key(label)
        if key not in self.subs[user]:
            try:
                self.pools.unsubscribe(UserId(ADMIN), UserId(user), label)
            except NotFoundError:
                return
            raise AssertionError("removed a subscription that did not exist")
        run = self.pools.dry_run_unsubscribe(UserId(ADMIN), UserId(user), label)
        before = {c: self.ref_level(user, c) for c in CANDIDATES}
        self.pools.unsubscribe(UserId(ADMIN), UserId(user), label)
        self.subs[user].discard(key)
        lost = [
            c
            for c in CANDIDATES
            if before[c] is not AccessLevel.NONE and self.ref_level(user, c) is AccessLevel.NONE
        ]
        assert list(run.losing) == lost
        assert run.gaining == ()

    @rule(actor=managers, user=users, label=labels)
    def refused_subscription_change(self, actor: str, user: str, label: str) -> None:
        """MP1: a non-administrator changes nothing."""
        before = list(self.acc.uow.subscriptions)
        try:
            self.pools.subscribe(UserId(actor), UserId(user), label)
        except PermissionDeniedError:
            pass
        else:
            raise AssertionError("a non-administrator subscribed someone")
        try:
            self.pools.unsubscribe(UserId(actor), UserId(user), label)
        except PermissionDeniedError:
            pass
        else:
            raise AssertionError("a non-administrator unsubscribed someone")
        assert list(self.acc.uow.subscriptions) == before

    # --- rules: responses and positions ----------------------------------------------------------

    @rule(c=candidates, r=requisitions)
    def apply(self, c: str, r: str) -> None:
        self.count += 1
        sid = f"s{self.count}"
        self.acc.world.apply(c, r, submission_id=sid)
        self.responses[sid] = (c, r, set())

    @rule(data=st.data(), user=managers)
    def share_response(self, data: st.DataObject, user: str) -> None:
        if not self.responses:
            return
        sid = data.draw(st.sampled_from(sorted(self.responses)))
        self.acc.share_response(sid, user)
        self.responses[sid][2].add(user)

    @rule(data=st.data(), user=managers)
    def unshare_response(self, data: st.DataObject, user: str) -> None:
        if not self.responses:
            return
        sid = data.draw(st.sampled_from(sorted(self.responses)))
        self.acc.unshare_response(sid, user)
        self.responses[sid][2].discard(user)

    @rule(r=requisitions, user=managers)
    def share_position(self, r: str, user: str) -> None:
        self.acc.share_position(r, user)
        self.position_shared[r].add(user)

    @rule(r=requisitions, user=managers)
    def unshare_position(self, r: str, user: str) -> None:
        self.acc.unshare_position(r, user)
        self.position_shared[r].discard(user)

    @rule(r=requisitions, user=st.none() | managers)
    def hand_over_position(self, r: str, user: str | None) -> None:
        uow = self.acc.uow
        current = uow.requisitions.get(RequisitionId(r))
        uow.requisitions.save(
            attrs.evolve(current, owner_id=None if user is None else UserId(user))
        )
        self.owner[r] = user

    @rule(c=candidates, label=labels, r=requisitions, user=managers)
    def abandoned_unit_of_work(self, c: str, label: str, r: str, user: str) -> None:
        """ST2, MP4: writes in a unit of work that does not commit leave no trace."""
        uow = self.acc.uow
        events, notes = len(uow.events), len(list(uow.notifications))
        with uow:
            candidate = uow.candidates.get(CandidateId(c))
            uow.candidates.save(candidate.with_tags({*candidate.tags, label, "Brno"}))
            self.acc.share_position(r, user)
            self.acc.world.apply(c, r, submission_id="s-abandoned")
            self.acc.share_response("s-abandoned", user)
            spare = MicroPools(uow, self.acc.world.clock, self.acc.world.ids, MemoryOutbox())
            spare.subscribe(UserId(ADMIN), UserId(user), "call")
            uow.rollback()
        assert len(uow.events) == events
        assert len(list(uow.notifications)) == notes

    # --- invariants ------------------------------------------------------------------

    @invariant()
    def levels_match_the_reference_model(self) -> None:
        if not hasattr(self, "acc"):
            return
        for u in USERS:
            for c in CANDIDATES:
                decision = self.acc.vis.decide(UserId(u), CandidateId(c))
                assert decision.level is self.ref_level(u, c), (u, c, decision)
                assert self.acc.vis.level(UserId(u), CandidateId(c)) is decision.level
                assert [t.key for t in decision.micro_pools] == self.ref_pools(u, c)

    @invariant()
    def tag_share_projections_hold_no_position_data(self) -> None:
        if not hasattr(self, "acc"):
            return
        vis = self.acc.vis
        ids = {*REQUISITIONS, *self.responses, "s-abandoned"}
        for u in USERS:
            for c in CANDIDATES:
                level = self.ref_level(u, c)
                if level is not AccessLevel.TAG_SHARE:
                    continue
                row = vis.candidate_row(UserId(u), CandidateId(c))
                card = vis.candidate_card(UserId(u), CandidateId(c))
                assert isinstance(row, TagShareCandidateRow)
                assert isinstance(card, TagShareCandidateCard)
                for item in (*_walk(row), *_walk(card)):
                    assert not isinstance(item, FORBIDDEN_TYPES), (u, c, item)
                    assert not (isinstance(item, str) and item in ids), (u, c, item)
                assert vis.positions_of(UserId(u), CandidateId(c)) == ()
                assert len(card.position_titles) == sum(
                    1 for cand, _, _ in self.responses.values() if cand == c
                )

    @invariant()
    def every_listing_agrees_with_the_single_decision(self) -> None:
        if not hasattr(self, "acc"):
            return
        vis, pools = self.acc.vis, self.acc.pools
        for u in USERS:
            uid = UserId(u)
            levels = {c: self.ref_level(u, c) for c in CANDIDATES}
            visible = {c for c, lvl in levels.items() if lvl is not AccessLevel.NONE}
            page = vis.candidates(uid)
            assert set(page.candidate_ids) == visible
            assert page.total == len(visible)
            for row in page.rows:
                owner = levels[row.candidate.id] is AccessLevel.OWNER
                assert isinstance(row, OwnerCandidateRow if owner else TagShareCandidateRow)
            on_positions = {r.candidate.id for r in vis.candidates_on_positions(uid)}
            assert on_positions == {
                c
                for c in CANDIDATES
                if levels[c] is AccessLevel.OWNER
                and any(cand == c for cand, _, _ in self.responses.values())
            }
            folders = pools.folders(uid)
            assert [f.tag.key for f in folders] == sorted(self.subs[u])
            for folder in folders:
                key = folder.tag.key
                members = {c for c in CANDIDATES if key in self.ref_pools(u, c)}
                assert folder.count == len(members)
                assert set(vis.candidates(uid, micro_pool=folder.tag).candidate_ids) == members
                assert vis.count(uid, micro_pool=folder.label) == len(members)
                alpha = {c for c in members if "alpha" in TEXTS[c].split()}
                opened = vis.candidates(uid, Keywords("alpha"), micro_pool=folder.tag)
                assert set(opened.candidate_ids) == alpha
                for other in KEYS:
                    both = {c for c in visible if key in self.tags[c] and other in self.tags[c]}
                    combined = vis.candidates(uid, folder.criterion & HasTag(other))
                    assert set(combined.candidate_ids) == both
            for c in CANDIDATES:
                card_or_none = None
                if levels[c] is not AccessLevel.NONE:
                    card_or_none = vis.candidate_card(uid, CandidateId(c))
                    owner = levels[c] is AccessLevel.OWNER
                    assert isinstance(
                        card_or_none, OwnerCandidateCard if owner else TagShareCandidateCard
                    )
                else:
                    try:
                        vis.candidate_card(uid, CandidateId(c))
                    except PermissionDeniedError:
                        pass
                    else:
                        raise AssertionError("a card was shown to a user who may not see it")

    @invariant()
    def grant_events_fold_to_the_current_tag_shares(self) -> None:
        if not hasattr(self, "acc"):
            return
        current: set[tuple[str, str, str]] = set()
        for e in self.acc.uow.events:
            if isinstance(e, TagShareGranted):
                path = (e.user_id, e.candidate_id, e.micro_pool.key)
                assert path not in current, path
                current.add(path)
            elif isinstance(e, TagShareRevoked):
                current.remove((e.user_id, e.candidate_id, e.micro_pool.key))
        expected = {
            (u, c, k) for u in USERS for c in CANDIDATES for k in self.tags[c] & self.subs[u]
        }
        assert current == expected


MicroPoolMachine.TestCase.settings = settings(
    MicroPoolMachine.TestCase.settings, stateful_step_count=40
)
TestMicroPools = MicroPoolMachine.TestCase
