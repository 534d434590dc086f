"""Who may see what, by brute force from the SPEC's words alone (MP2–MP4; not collected).

Nothing here calls the library's decision, index or listing code. A world is
plain data (users, positions, candidates, responses, tracked tags), the rules
are written out from the SPEC:

* MP2: a user OWNS a candidate when a response of the candidate was shared with
  them, when the candidate is registered on (has any response to) a position
  that is theirs or was shared with them, or when their role sees the whole
  database (administrators, and anyone holding "see the whole database");
  otherwise a TAG_SHARE when the candidate carries a tag the user tracks;
  otherwise NONE. OWNER wins; the decision names every share and micro-pool.
* DM2: tags compare after NFKC, case folding and collapsing whitespace.
* MP3: a tag share shows the candidate in the database and nothing on
  positions; "Candidates on positions" lists the responses of owned candidates.
* MP4: everything is computed from the current tags and subscriptions.
* MP5: each tracked tag is a folder counting the candidates that carry it.

:func:`check` asks a store every question about a world and compares each
answer with the reference's. :func:`load` writes the world into any store
through its repositories; :func:`from_spec` reads a generated
:class:`~talentpool.testing.strategies.WorldSpec`; :func:`exhaustive_worlds`
enumerates every world of a small grammar.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from talentpool.adapters.outbox import MemoryOutbox
from talentpool.clock import FixedClock
from talentpool.errors import PermissionDeniedError
from talentpool.ids import AttachmentId, CandidateId, RequisitionId, SubmissionId, UserId
from talentpool.micropools import MicroPools
from talentpool.model import (
    Attachment,
    Candidate,
    Permission,
    Requisition,
    Role,
    Submission,
    Subscription,
    Tag,
    User,
)
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.strategies import WorldSpec
from talentpool.visibility import (
    OwnerCandidateCard,
    OwnerCandidateRow,
    PositionOperation,
    TagShareCandidateCard,
    TagShareCandidateRow,
    Visibility,
)

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
OWNER, TAG_SHARE, NONE = "owner", "tag_share", "none"


def key(label: str) -> str:
    """DM2 from the SPEC: NFKC, case folding, whitespace collapsed (no invisible characters)."""
    return " ".join(unicodedata.normalize("NFKC", label).casefold().split())


@dataclass(frozen=True)
class Person:
    """A user: their role name and whether they hold "see the whole database"."""

    id: str
    role: str = "hiring_manager"
    whole_permission: bool = False


@dataclass(frozen=True)
class Position:
    """A requisition: its owner and the colleagues it is shared with."""

    id: str
    owner: str | None = None
    shared_with: frozenset[str] = frozenset()
    title: str = ""


@dataclass(frozen=True)
class Person2:
    """A candidate: when they entered the database and the tag labels they carry."""

    id: str
    created_at: datetime
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A response: whose, to which position, when, and shared with whom."""

    id: str
    candidate: str
    position: str
    submitted_at: datetime
    shared_with: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Plain:
    """A world as plain data, and the ready-made entities to store it (if generated)."""

    users: tuple[Person, ...]
    positions: tuple[Position, ...]
    candidates: tuple[Person2, ...]
    responses: tuple[Answer, ...]
    tracks: tuple[tuple[str, str], ...]  # (user, label), one per user and key
    spec: WorldSpec | None = None

    # --- the rules ------------------------------------------------------------------

    def sees_whole(self, u: Person) -> bool:
        return u.role == "administrator" or u.whole_permission

    def shares(self, u: str, c: str) -> set[tuple[str, str | None, str | None]]:
        """MP2: every reason *u* owns *c*, as (kind, position, response)."""
        user = next(p for p in self.users if p.id == u)
        out: set[tuple[str, str | None, str | None]] = set()
        if self.sees_whole(user):
            out.add(("whole_database", None, None))
        positions = {p.id: p for p in self.positions}
        for a in self.responses:
            if a.candidate != c:
                continue
            if u in a.shared_with:
                out.add(("response_shared", a.position, a.id))
            p = positions[a.position]
            if p.owner == u:
                out.add(("position_owned", p.id, None))
            if u in p.shared_with:
                out.add(("position_shared", p.id, None))
        return out

    def pools(self, u: str, c: str) -> list[str]:
        """MP2, DM2: the keys of *u*'s tracked tags that *c* carries, sorted."""
        carried = {key(t) for t in self.candidate(c).tags}
        return sorted({key(label) for who, label in self.tracks if who == u} & carried)

    def level(self, u: str, c: str) -> str:
        if self.shares(u, c):
            return OWNER
        return TAG_SHARE if self.pools(u, c) else NONE

    def candidate(self, c: str) -> Person2:
        return next(p for p in self.candidates if p.id == c)

    def listing(self, u: str) -> list[str]:
        """MP3, MP5: the visible candidates, newest first, ties by id."""
        visible = [p for p in self.candidates if self.level(u, p.id) != NONE]
        visible.sort(key=lambda p: p.id)
        visible.sort(key=lambda p: p.created_at.astimezone(UTC), reverse=True)
        return [p.id for p in visible]

    def folders(self, u: str) -> list[tuple[str, int]]:
        """MP5: each tracked key with how many candidates carry it."""
        keys = sorted({key(label) for who, label in self.tracks if who == u})
        return [(k, sum(1 for p in self.candidates if k in {key(t) for t in p.tags})) for k in keys]

    def responses_of(self, c: str) -> list[Answer]:
        """A candidate's responses, oldest first, ties by id (how cards and rows list them)."""
        mine = sorted((a for a in self.responses if a.candidate == c), key=lambda a: a.id)
        return sorted(mine, key=lambda a: a.submitted_at.astimezone(UTC))

    def on_positions(self, u: str) -> list[tuple[str, str]]:
        """MP3: (candidate, response) of every owned candidate, newest response first."""
        rows = [a for a in self.responses if self.level(u, a.candidate) == OWNER]
        rows.sort(key=lambda a: a.id)
        rows.sort(key=lambda a: a.submitted_at.astimezone(UTC), reverse=True)
        return [(a.candidate, a.id) for a in rows]


# --- building and loading worlds ------------------------------------------------------


def from_spec(spec: WorldSpec) -> Plain:
    """The plain facts of a generated world (its entities are loaded as they are)."""
    return Plain(
        users=tuple(
            Person(u.id, u.role.value, Permission.SEE_WHOLE_DATABASE in u.permissions)
            for u in spec.users
        ),
        positions=tuple(
            Position(r.id, r.owner_id, frozenset(r.shared_with), r.title)
            for r in spec.requisitions.values()
        ),
        candidates=tuple(
            Person2(c.id, c.created_at, tuple(t.label for t in c.tags)) for c in spec.candidates
        ),
        responses=tuple(
            Answer(s.id, s.candidate_id, s.requisition_id, s.submitted_at, frozenset(s.shared_with))
            for s in spec.submissions
        ),
        tracks=tuple((s.user_id, s.tag.label) for s in spec.subscriptions),
        spec=spec,
    )


def _attachments(world: Plain) -> list[Attachment]:
    """One general attachment per candidate and one per response, on its position."""
    out = [
        Attachment(AttachmentId(f"a-{c.id}"), CandidateId(c.id), "photo.jpg", NOW)
        for c in world.candidates
    ]
    out += [
        Attachment(
            AttachmentId(f"a-{a.id}"),
            CandidateId(a.candidate),
            "cv.pdf",
            NOW,
            RequisitionId(a.position),
        )
        for a in world.responses
    ]
    return out


def load(world: Plain, uow: FixtureStore) -> None:
    """Write *world* into *uow* through its repositories, in one unit of work."""
    if world.spec is not None:
        world.spec.load(uow)
    with uow:
        if world.spec is None:
            for u in world.users:
                perms = {Permission.SEE_WHOLE_DATABASE} if u.whole_permission else set()
                uow.users.save(User(UserId(u.id), u.id.upper(), Role(u.role), perms))
            for c in world.candidates:
                uow.candidates.save(
                    Candidate(
                        CandidateId(c.id),
                        "Eva",
                        c.id.title(),
                        c.created_at,
                        tags=frozenset(Tag(t) for t in c.tags),
                    )
                )
            for p in world.positions:
                uow.requisitions.save(
                    Requisition(
                        RequisitionId(p.id),
                        p.title,
                        NOW - timedelta(days=100),
                        owner_id=None if p.owner is None else UserId(p.owner),
                        shared_with=frozenset(UserId(u) for u in p.shared_with),
                    )
                )
            for a in world.responses:
                uow.submissions.save(
                    Submission(
                        SubmissionId(a.id),
                        CandidateId(a.candidate),
                        RequisitionId(a.position),
                        a.submitted_at,
                        shared_with=frozenset(UserId(u) for u in a.shared_with),
                    )
                )
            for u, label in world.tracks:
                uow.subscriptions.save(Subscription(UserId(u), Tag(label), NOW))
        for attachment in _attachments(world):
            uow.attachments.save(attachment)
        uow.commit()


# --- the exhaustive grammar -----------------------------------------------------------

# How each candidate spells the one tag, and how each user spells it when tracking:
# one key, several spellings (DM2).
CANDIDATE_SPELLINGS = ("Praha", " PRAHA ")
USER_SPELLINGS = ("praha", "PRAHA")


def exhaustive_worlds(
    max_users: int = 2, max_candidates: int = 2, max_positions: int = 2
) -> Iterator[Plain]:
    """Every world of the grammar, from 1 × 1 × 0 up to the sizes given.

    The grammar, for U users, C candidates and P positions (requisitions):

    * the last user holds "see the whole database", or not;
    * each position is owned by nobody, owned by one user, or shared with one user
      (1 + 2U choices);
    * each candidate has no response to each position, a response, or a response
      shared with the first user (3 choices per candidate and position);
    * each candidate carries the one tag (spelled its own way) or not;
    * each user tracks it (spelled their own way) or not.

    Worlds that differ only by the order of their candidates or of their
    positions are the same world and come once.
    """
    for n_users in range(1, max_users + 1):
        for n_cands in range(1, max_candidates + 1):
            for n_pos in range(max_positions + 1):
                yield from _worlds_of(n_users, n_cands, n_pos)


def _worlds_of(n_users: int, n_cands: int, n_pos: int) -> Iterator[Plain]:
    users = [f"u{i}" for i in range(1, n_users + 1)]
    relations: list[tuple[str, int]] = [("nobody", -1)]
    relations += [("owned", i) for i in range(n_users)] + [("shared", i) for i in range(n_users)]
    seen: set[tuple[Any, ...]] = set()
    for whole, rels, answers, tagged, tracking in itertools.product(
        (False, True),
        itertools.product(range(len(relations)), repeat=n_pos),
        itertools.product(range(3), repeat=n_cands * n_pos),
        itertools.product((False, True), repeat=n_cands),
        itertools.product((False, True), repeat=n_users),
    ):
        grid = [answers[c * n_pos : (c + 1) * n_pos] for c in range(n_cands)]
        form = (whole, tracking, _canonical(rels, grid, tagged))
        if form in seen:
            continue
        seen.add(form)
        yield _world(
            users,
            relations=relations,
            whole=whole,
            rels=rels,
            grid=grid,
            tagged=tagged,
            tracking=tracking,
        )


def _canonical(
    rels: tuple[int, ...], grid: list[tuple[int, ...]], tagged: tuple[bool, ...]
) -> tuple[Any, ...]:
    """The smallest form of the world over every order of candidates and positions."""
    forms = []
    for p_order in itertools.permutations(range(len(rels))):
        for c_order in itertools.permutations(range(len(grid))):
            forms.append(
                (
                    tuple(rels[p] for p in p_order),
                    tuple(tuple(grid[c][p] for p in p_order) for c in c_order),
                    tuple(tagged[c] for c in c_order),
                )
            )
    return min(forms)


def _world(
    users: list[str],
    *,
    relations: list[tuple[str, int]],
    whole: bool,
    rels: tuple[int, ...],
    grid: list[tuple[int, ...]],
    tagged: tuple[bool, ...],
    tracking: tuple[bool, ...],
) -> Plain:
    people = tuple(
        Person(u, whole_permission=whole and i == len(users) - 1) for i, u in enumerate(users)
    )
    positions = []
    for p, r in enumerate(rels):
        kind, who = relations[r]
        positions.append(
            Position(
                f"r{p + 1}",
                owner=users[who] if kind == "owned" else None,
                shared_with=frozenset({users[who]}) if kind == "shared" else frozenset(),
                title=f"Position r{p + 1}",
            )
        )
    candidates = tuple(
        Person2(
            f"c{c + 1}",
            NOW - timedelta(days=10 + c % 2),  # ties broken by id when two share a day
            (CANDIDATE_SPELLINGS[c % 2],) if tagged[c] else (),
        )
        for c in range(len(grid))
    )
    responses = []
    for c, row in enumerate(grid):
        for p, state in enumerate(row):
            if state:
                responses.append(
                    Answer(
                        f"s{c + 1}{p + 1}",
                        f"c{c + 1}",
                        f"r{p + 1}",
                        NOW - timedelta(days=5, hours=p),
                        frozenset({users[0]}) if state == 2 else frozenset(),
                    )
                )
    tracks = tuple((u, USER_SPELLINGS[i % 2]) for i, u in enumerate(users) if tracking[i])
    return Plain(people, tuple(positions), candidates, tuple(responses), tracks)


# --- asking a store everything --------------------------------------------------------


_FORBIDDEN = ("PositionOverview", "Response", "Submission", "Requisition", "Share")


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            yield from _walk(getattr(value, f.name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(k)
            yield from _walk(v)
    elif isinstance(value, tuple | list | set | frozenset):
        for item in value:
            yield from _walk(item)


def _refused(read: Any, *args: Any) -> None:
    try:
        read(*args)
    except PermissionDeniedError:
        return
    raise AssertionError(f"{read.__name__}{args} was allowed")


def check(world: Plain, uow: FixtureStore, *, thorough: bool = True) -> int:
    """Ask *uow* (holding *world*) the visibility questions; return how many were asked.

    Always: the decision (level, shares, micro-pools) for every user and
    candidate, the card (refused to NONE), the database listing with its total,
    the folders, each micro-pool opened, and "Candidates on positions".
    *thorough* adds the questions that answer from the same decision again:
    ``level``, the row, ``positions_of``, the position guard, the counts.
    """
    clock = FixedClock(NOW)
    vis = Visibility(uow, clock)
    pools = MicroPools(uow, clock, _NoIds(), MemoryOutbox())
    asked = 0
    position_ids = {p.id for p in world.positions} | {a.id for a in world.responses}
    titles = {p.id: p.title for p in world.positions}
    for user in world.users:
        u = UserId(user.id)
        for cand in world.candidates:
            c = CandidateId(cand.id)
            want = world.level(user.id, cand.id)
            decision = vis.decide(u, c)
            got_shares = {
                (s.kind.value, s.requisition_id, s.submission_id) for s in decision.shares
            }
            assert decision.level.value == want, (user, cand, decision)
            assert got_shares == world.shares(user.id, cand.id), (user, cand, decision)
            assert [t.key for t in decision.micro_pools] == world.pools(user.id, cand.id)
            asked += 1
            if thorough:
                assert vis.level(u, c).value == want
                asked += 1
            if want == NONE:
                _refused(vis.candidate_card, u, c)
                asked += 1
                if thorough:
                    _refused(vis.candidate_row, u, c)
                    assert vis.positions_of(u, c) == ()
                    _refused(vis.require_position_access, u, c, PositionOperation.READ_RESPONSE)
                    asked += 3
                continue
            card = vis.candidate_card(u, c)
            row = vis.candidate_row(u, c) if thorough else None
            asked += 2 if thorough else 1
            mine = world.responses_of(cand.id)
            if want == OWNER:
                assert isinstance(card, OwnerCandidateCard)
                assert [r.submission_id for r in card.responses] == [a.id for a in mine]
                if row is not None:
                    assert isinstance(row, OwnerCandidateRow)
                    assert [p.requisition_id for p in row.positions] == [a.position for a in mine]
                if thorough:
                    ons = [o.response.submission_id for o in vis.positions_of(u, c)]
                    assert ons == [a.id for a in mine]
                    vis.require_position_access(u, c, PositionOperation.READ_RESPONSE)
                    asked += 2
            else:
                assert isinstance(card, TagShareCandidateCard)
                assert row is None or isinstance(row, TagShareCandidateRow)
                assert card.position_titles == tuple(titles[a.position] for a in mine)
                for item in (*_walk(row), *_walk(card)):
                    assert type(item).__name__ not in _FORBIDDEN, (user, cand, item)
                    assert not (isinstance(item, str) and item in position_ids), (user, cand, item)
                if thorough:
                    assert vis.positions_of(u, c) == ()
                    _refused(vis.require_position_access, u, c, PositionOperation.READ_RESPONSE)
                    asked += 2
            every = {f"a-{cand.id}"} | {f"a-{a.id}" for a in mine}
            assert {a.id for a in card.attachments} == every
            assert row is None or {a.id for a in row.attachments} == every
        listing = world.listing(user.id)
        page = vis.candidates(u)
        assert list(page.candidate_ids) == listing, (user, page.candidate_ids, listing)
        assert page.total == len(listing)
        folders = [(f.tag.key, f.count) for f in pools.folders(u)]
        assert folders == world.folders(user.id), (user, folders)
        rows = [(o.candidate.id, o.response.submission_id) for o in vis.candidates_on_positions(u)]
        assert rows == world.on_positions(user.id), (user, rows)
        asked += 3
        if thorough:
            assert vis.count(u) == len(listing)
            asked += 1
        for folder_key, count in folders:
            members = [c for c in listing if folder_key in world.pools(user.id, c)]
            assert len(members) == count
            assert list(vis.candidates(u, micro_pool=folder_key).candidate_ids) == members
            asked += 1
            if thorough:
                assert vis.count(u, micro_pool=folder_key) == count
                asked += 1
    return asked


class _NoIds:
    def new_id(self, kind: str) -> str:
        raise AssertionError("reading visibility made an id")
