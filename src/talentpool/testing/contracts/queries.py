"""Differential contracts for the query ports (ST4, EN4): every read a store answers whole.

Besides the pool page of :class:`~talentpool.testing.contracts.CandidateQueryContract`,
the services read through these ports, and each has a contract here:

* :class:`PoolIdsQueryContract`: :meth:`~talentpool.ports.CandidateRepository.find_ids`,
  every candidate of a pool whatever the query's page (EN5's dry runs);
* :class:`CandidateDatabaseQueryContract`:
  :meth:`~talentpool.ports.CandidateRepository.search` and ``search_ids``, the
  candidate database as one viewer sees it (MP2, MP3, MP5, MP6);
* :class:`ResponsesQueryContract`: :meth:`~talentpool.ports.SubmissionRepository.responses`,
  the "Candidates on positions" view (MP3);
* :class:`IdleSubmissionsQueryContract`: :meth:`~talentpool.ports.SubmissionRepository.idle`,
  what repooling reads (AP12);
* :class:`StructureTreesQueryContract`: :meth:`~talentpool.ports.StructureRepository.trees`,
  what bind expands structure selections over.

Each loads generated accounts (:func:`~talentpool.testing.contracts.contract_worlds`,
with users who own, share and track) into a fresh store, asks it a generated
query, and compares the answer with the reference computed from the generated
data alone: the same ids, in the same order, with the same total. Who owns which
candidate is worked out from the generated requisitions and submissions (their
owners and shares), never read from the store; the listings then go through
the one reference pipeline of :mod:`talentpool.adapters.reference`. A few
example-based tests pin the edges: an empty store, a boundary instant, a
micro-pool the viewer does not track.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.adapters.reference import listing_matches, listing_page, responses_page
from talentpool.clock import utc
from talentpool.criteria import (
    Criterion,
    ExcludeExpiredSubmissions,
    ExcludeHiredWithin,
    ExcludeInSelectionProcess,
    ExcludeRejectedWithin,
    HasTag,
    ProfileLanguageMatchesRequisition,
    ResidenceWithin,
)
from talentpool.engine import EvaluationContext, bind
from talentpool.errors import ConfigurationError
from talentpool.ids import CandidateId, NodeId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    Application,
    Dimension,
    Permission,
    StructureTree,
    SubmissionStatus,
    Tag,
    User,
)
from talentpool.queries import (
    CandidateDatabaseQuery,
    CandidateQuery,
    ListingOrder,
    ListingPage,
    ListingSortKey,
    ResponsesPage,
    ResponsesQuery,
    Viewer,
)
from talentpool.results import Ordering
from talentpool.testing.contracts.autopool import (
    _POOL_CRITERIA,
    _orderings,
    _records,
    _touched,
    _trees,
    _windows,
    contract_worlds,
    reference_page,
)
from talentpool.testing.contracts.base import (
    _NOW,
    _PRAGUE,
    AdapterContract,
    _candidate,
    _every_store,
    _requisition,
    _submission,
    _user,
)
from talentpool.testing.contracts.micropools import _Data, _expected_shares
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.strategies import (
    KEYWORDS,
    STRUCTURES,
    TAG_LABELS,
    UNCARRIED_TAG_LABELS,
    WorldSpec,
    criteria,
    leaves,
)

__all__ = [
    "CandidateDatabaseQueryContract",
    "IdleSubmissionsQueryContract",
    "PoolIdsQueryContract",
    "ResponsesQueryContract",
    "StructureTreesQueryContract",
]


# Small accounts with users: a few candidates keep each example cheap, and three
# users are enough for owners, shares and trackers to overlap.
_WORLDS = contract_worlds(max_candidates=6, max_users=3)
_NEW_YORK = ZoneInfo("America/New_York")
_ZONES = (ZoneInfo("UTC"), _PRAGUE, _NEW_YORK)
_TAGS = (*TAG_LABELS, *UNCARRIED_TAG_LABELS)


# --- the reference, from the generated data alone -----------------------------------------


def _owned(spec: WorldSpec) -> Callable[[UserId], Collection[CandidateId]]:
    """Who owns which candidate of *spec* through positions and responses (MP2), by brute force.

    Worked out from the generated requisitions (owner, shared with) and
    submissions (shared with), never from a store's index.
    """
    data = _Data(
        {c.id: c for c in spec.candidates},
        spec.requisitions,
        {s.id: s for s in spec.submissions},
    )
    found: dict[UserId, frozenset[CandidateId]] = {}

    def owned(user_id: UserId) -> Collection[CandidateId]:
        if user_id not in found:
            found[user_id] = frozenset(
                c.id for c in spec.candidates if _expected_shares(data, user_id, c.id)
            )
        return found[user_id]

    return owned


def _sees_whole_database(user: User) -> bool:
    # MP2: an administrator, or anyone granted the permission, owns every candidate.
    return user.has(Permission.SEE_WHOLE_DATABASE)


def _tracked(spec: WorldSpec, user_id: UserId) -> frozenset[str]:
    return frozenset(s.tag.key for s in spec.subscriptions if s.user_id == user_id)


def _reference_listing(spec: WorldSpec, query: CandidateDatabaseQuery) -> ListingPage:
    return listing_page(query, _trees(spec), _records(spec), _owned(spec))


def _reference_listing_ids(
    spec: WorldSpec, query: CandidateDatabaseQuery
) -> frozenset[CandidateId]:
    hits = listing_matches(query, _trees(spec), _records(spec), _owned(spec))
    return frozenset(c.id for c in hits)


def _reference_responses(spec: WorldSpec, query: ResponsesQuery) -> ResponsesPage:
    viewer = query.viewer
    mine = _owned(spec)(viewer.user_id)
    records = [r for r in _records(spec) if viewer.whole_database or r.candidate.id in mine]
    return responses_page(query, records)


def _reference_idle(spec: WorldSpec, before: datetime) -> list[Application]:
    """AP12: open submissions last active strictly before *before*, compared in UTC, by id."""
    requisitions = spec.requisitions
    return [
        Application(s, requisitions[s.requisition_id])
        for s in sorted(spec.submissions, key=lambda s: s.id)
        if s.status.is_open and utc(s.last_activity_at) < utc(before)
    ]


# --- what the queries are drawn from ------------------------------------------------------


_KEYS = tuple(sorted({Tag(label).key for label in _TAGS}))


def _true_viewer(spec: WorldSpec, user: User) -> Viewer:
    """*user* as the services see them: their role's scope and the tags they track."""
    return Viewer(user.id, _sees_whole_database(user), _tracked(spec, user.id))


@st.composite
def _viewers(draw: st.DrawFn, spec: WorldSpec) -> Viewer:
    """A user of *spec* as the services see them, or with a reach of their own.

    Half the time the viewer is a generated user with their true scope (the
    whole database by role or permission, their tracked tag keys); otherwise a
    user, or someone who owns nothing, with any scope and keys the candidates
    carry or any keys, tags nobody carries among them: the port answers
    whatever viewer it is handed.
    """
    user = draw(st.sampled_from(spec.users))
    if draw(st.booleans()):
        return _true_viewer(spec, user)
    who = draw(st.sampled_from((user.id, UserId("user-nobody"))))
    carried = sorted({t.key for c in spec.candidates for t in c.tags})
    among_carried = draw(st.booleans())
    if carried and among_carried:
        keys = draw(st.frozensets(st.sampled_from(carried), min_size=1, max_size=2))
    else:
        keys = draw(st.frozensets(st.sampled_from(_KEYS), max_size=3))
    return Viewer(who, draw(st.sampled_from((False, False, True))), keys)


def _accepted_by_the_database(criterion: Criterion) -> bool:
    # The shape only (structures=None): the world's trees decide its nodes, and a store
    # must refuse an unknown one as the reference does (AP4).
    try:
        bind(criterion, EvaluationContext(None, _NOW, structures=None))
    except ConfigurationError:
        return False
    return True


# The leaves that read submissions, alone or negated: what MP3 changes for a tag share,
# judged as if they had applied nowhere, while an owned candidate's submissions count.
_ON_SUBMISSIONS = st.one_of(
    st.just(ExcludeInSelectionProcess()),
    st.just(ExcludeExpiredSubmissions()),
    st.sampled_from((1, 7, 30)).map(ExcludeRejectedWithin),
    st.sampled_from((1, 7, 30)).map(ExcludeHiredWithin),
).flatmap(lambda leaf: st.sampled_from((leaf, ~leaf)))
# Single leaves as often as trees, so that a listing is seldom empty; mostly criteria
# the database accepts, the rest may measure against a position (a radius, a language
# match), which the store must refuse as the reference does.
_LISTING_CRITERIA = st.one_of(
    _ON_SUBMISSIONS,
    leaves(vocabulary=True).filter(_accepted_by_the_database),
    criteria(vocabulary=True, max_leaves=3).filter(_accepted_by_the_database),
    criteria(vocabulary=True, max_leaves=3),
)
_MICRO_POOLS = st.one_of(st.none(), st.none(), st.sampled_from(_TAGS).map(Tag))
_TEXTS = st.one_of(st.none(), st.none(), st.none(), st.sampled_from(("", "  ", *KEYWORDS)))
_LISTING_ORDERS = st.builds(ListingOrder, st.sampled_from(ListingSortKey), st.booleans())


# (offset, limit) of a listing: mostly from the start, as people page, and now and
# then past the end; every page of a few rows, or all rows, or the total alone.
_PAGES = st.tuples(
    st.sampled_from((0, 0, 0, 1, 2, 9)), st.sampled_from((None, None, 0, 1, 2, 3, 5))
)


@st.composite
def _listing_queries(draw: st.DrawFn, spec: WorldSpec) -> CandidateDatabaseQuery:
    offset, limit = draw(_PAGES, label="offset, limit")
    return CandidateDatabaseQuery(
        draw(_viewers(spec), label="viewer"),
        spec.now,
        draw(_LISTING_CRITERIA, label="criterion"),
        draw(_MICRO_POOLS, label="micro-pool"),
        draw(_TEXTS, label="text"),
        draw(_LISTING_ORDERS, label="order"),
        limit,
        offset,
    )


_RETAGGED = st.frozensets(st.sampled_from(TAG_LABELS).map(Tag), max_size=3)


@st.composite
def _reshared(draw: st.DrawFn, spec: WorldSpec) -> WorldSpec:
    """*spec* after a manager's afternoon: retagged candidates, positions and responses reshared.

    Requisitions and submissions keep their ids and pairs (AP9), so the saves
    replace them in place.
    """
    ids = st.sampled_from([u.id for u in spec.users])
    some = st.frozensets(ids, max_size=2)
    candidates = tuple(
        attrs.evolve(c, tags=draw(_RETAGGED)) if draw(st.booleans()) else c for c in spec.candidates
    )
    requisitions = [
        attrs.evolve(r, owner_id=draw(st.none() | ids), shared_with=draw(some))
        if draw(st.booleans())
        else r
        for r in (spec.target, *spec.others)
    ]
    submissions = tuple(
        attrs.evolve(s, shared_with=draw(some)) if draw(st.booleans()) else s
        for s in spec.submissions
    )
    return attrs.evolve(
        spec,
        target=requisitions[0],
        others=tuple(requisitions[1:]),
        candidates=candidates,
        submissions=submissions,
    )


def _changes(after: WorldSpec, before: WorldSpec) -> list[object]:
    """The saves that turn the store of *before* into that of *after*, in a safe order."""
    pairs: list[tuple[Iterable[object], Iterable[object]]] = [
        (after.candidates, before.candidates),
        ((after.target, *after.others), (before.target, *before.others)),
        (after.submissions, before.submissions),
    ]
    return [new for news, olds in pairs for new, old in zip(news, olds, strict=True) if new != old]


@st.composite
def _instants(draw: st.DrawFn, spec: WorldSpec) -> datetime:
    """An instant to ask for idle submissions: often a submission's last activity exactly.

    Written in any of several zones, and nudged by a microsecond or a second
    either way now and then, so the strict boundary of AP12 is hit on both sides.
    """
    exactly = draw(st.booleans())
    if spec.submissions and exactly:
        base = draw(st.sampled_from(spec.submissions)).last_activity_at
    else:
        base = spec.now - timedelta(days=draw(st.integers(0, 90)))
    nudge = draw(st.sampled_from((0, 0, 1, -1, 1_000_000, -1_000_000)))
    zone = draw(st.sampled_from(_ZONES))
    return (base + timedelta(microseconds=nudge)).astimezone(zone)


# --- assertions -----------------------------------------------------------------------------


def _assert_same_listing(got: ListingPage, expected: ListingPage, query: object) -> None:
    assert got.total == expected.total, f"total {got.total}, expected {expected.total}: {query}"
    ids, want = list(got.candidate_ids), list(expected.candidate_ids)
    assert ids == want, f"candidates {ids}, expected {want}: {query}"
    assert got.candidates == expected.candidates, f"candidates differ in their data: {query}"


def _response_ids(page: ResponsesPage) -> list[tuple[CandidateId, str]]:
    return [(c.id, a.submission.id) for c, a in page.rows]


def _assert_same_responses(got: ResponsesPage, expected: ResponsesPage, query: object) -> None:
    assert got.total == expected.total, f"total {got.total}, expected {expected.total}: {query}"
    ids, want = _response_ids(got), _response_ids(expected)
    assert ids == want, f"responses {ids}, expected {want}: {query}"
    assert got.rows == expected.rows, f"responses differ in their data: {query}"


# --- the pool's ids (EN5) ------------------------------------------------------------------


class PoolIdsQueryContract(AdapterContract):
    """``uow.candidates.find_ids``: every candidate of the pool, whatever the page (EN4, EN5)."""

    def find_ids(self, uow: FixtureStore, query: CandidateQuery) -> frozenset[CandidateId]:
        """Run *query* for ids inside a unit of work."""
        with uow:
            return uow.candidates.find_ids(query)

    @_every_store
    @given(contract_worlds(max_candidates=6), _POOL_CRITERIA, _orderings(), _windows())
    def test_find_ids_agree_with_the_reference(
        self,
        spec: WorldSpec,
        criterion: Criterion,
        order: Ordering,
        window: tuple[int, int | None],
    ) -> None:
        """EN4: the ids are the reference pool's, whatever the order, limit and offset asked."""
        uow = self.make_uow()
        spec.load(uow)
        offset, limit = window
        query = CandidateQuery(spec.target, spec.now, criterion, order, limit, offset)
        everyone = reference_page(spec, attrs.evolve(query, limit=None, offset=0))
        want = frozenset(row.candidate_id for row in everyone.rows)
        got = self.find_ids(uow, query)
        assert got == want, f"ids {sorted(got)}, expected {sorted(want)}: {query}"

    def test_find_ids_of_an_empty_store_are_none(self) -> None:
        """A store that holds nothing has nobody in any pool."""
        uow = self.make_uow()
        job = _requisition("job")
        assert self.find_ids(uow, CandidateQuery(job, _NOW)) == frozenset()

    def test_find_ids_ignore_the_page(self) -> None:
        """Limit 0, an offset past the end or a page of one still give every id of the pool.

        Candidates on the requisition, matched and rejected from its pool, or
        who never applied elsewhere are not in it (AP5).
        """
        job = _requisition("job", pool_exclusions=frozenset({CandidateId("c-excluded")}))
        people = ("c-1", "c-2", "c-3", "c-on-job", "c-excluded", "c-nowhere")
        uow = self.stored(
            *(_candidate(cid) for cid in people),
            _requisition("r-1"),
            job,
            *(_submission(f"s-{cid}", cid, "r-1", i) for i, cid in enumerate(people[:3])),
            _submission("s-on-job", "c-on-job", "job", 1),
            _submission("s-excluded", "c-excluded", "r-1", 1),
        )
        pool = frozenset(map(CandidateId, ("c-1", "c-2", "c-3")))
        for limit, offset in ((0, 0), (None, 0), (1, 0), (2, 7), (300, 1)):
            query = CandidateQuery(job, _NOW, limit=limit, offset=offset)
            assert self.find_ids(uow, query) == pool, f"limit {limit}, offset {offset}"


# --- the candidate database (MP2, MP3, MP5, MP6) ---------------------------------------------


class CandidateDatabaseQueryContract(AdapterContract):
    """``uow.candidates.search`` and ``search_ids``: the database as one viewer sees it (EN4).

    A candidate is listed when the viewer owns them (the whole database, or
    through a position or a response) or they carry a tag the viewer tracks,
    they carry the micro-pool's tag if one is asked for, and they pass the
    criterion and the text; a candidate seen only through a tag share is judged
    as if they had applied nowhere (MP3).
    """

    def search(self, uow: FixtureStore, query: CandidateDatabaseQuery) -> ListingPage:
        """Run *query* inside a unit of work."""
        with uow:
            return uow.candidates.search(query)

    def search_ids(
        self, uow: FixtureStore, query: CandidateDatabaseQuery
    ) -> frozenset[CandidateId]:
        """Run *query* for ids inside a unit of work."""
        with uow:
            return uow.candidates.search_ids(query)

    def _assert_agrees(
        self, uow: FixtureStore, spec: WorldSpec, query: CandidateDatabaseQuery
    ) -> None:
        try:
            expected = _reference_listing(spec, query)
        except ConfigurationError:
            # measured against a position: the database has none, and says so (MP6)
            with uow:
                with pytest.raises(ConfigurationError):
                    uow.candidates.search(query)
                with pytest.raises(ConfigurationError):
                    uow.candidates.search_ids(query)
            return
        _assert_same_listing(self.search(uow, query), expected, query)
        got, want = self.search_ids(uow, query), _reference_listing_ids(spec, query)
        assert got == want, f"ids {sorted(got)}, expected {sorted(want)}: {query}"

    @_every_store
    @given(_WORLDS, st.data())
    def test_search_agrees_with_the_reference(self, spec: WorldSpec, data: st.DataObject) -> None:
        """EN4: for any viewer, micro-pool, criterion, text, order and page, the answers agree.

        The page holds the reference's candidates in its order with its exact
        total; ``search_ids`` holds every candidate of the listing, whatever the
        page. Each query is also asked as every user of the account sees it.
        """
        uow = self.make_uow()
        spec.load(uow)
        # Several queries per account, each for every user too: loading costs more than asking.
        for i in range(data.draw(st.integers(1, 3), label="queries")):
            query = data.draw(_listing_queries(spec), label=f"query {i}")
            for viewer in (query.viewer, *(_true_viewer(spec, user) for user in spec.users)):
                self._assert_agrees(uow, spec, attrs.evolve(query, viewer=viewer))

    @_every_store
    @given(_WORLDS, st.data())
    def test_search_sees_every_later_write(self, spec: WorldSpec, data: st.DataObject) -> None:
        """MP4: after candidates are retagged and positions and responses reshared, it follows.

        A store that keeps who owns whom, or who carries which tag, in its own
        tables or indexes must keep them current on every save.
        """
        uow = self.make_uow()
        spec.load(uow)
        self._assert_agrees(uow, spec, data.draw(_listing_queries(spec), label="query"))
        changed = data.draw(_reshared(spec), label="changed world")
        self.store(uow, *_changes(changed, spec))
        self._assert_agrees(uow, changed, data.draw(_listing_queries(changed), label="query"))

    def test_search_of_an_empty_store_lists_nobody(self) -> None:
        """Nothing saved, nothing listed, for any viewer and any micro-pool."""
        uow = self.make_uow()
        for viewer in (Viewer(UserId("u-1")), Viewer(UserId("u-1"), True, {"praha"})):
            for micro_pool in (None, Tag("Praha")):
                query = CandidateDatabaseQuery(viewer, _NOW, micro_pool=micro_pool)
                assert self.search(uow, query) == ListingPage((), 0)
                assert self.search_ids(uow, query) == frozenset()

    def base(self) -> FixtureStore:
        """u-1 owns position r-own (c-own, c-own-2 on it); c-tagged is only tagged; c-none neither.

        c-own carries "call", c-tagged carries "Praha" and "call", c-none "call".
        Every candidate is in a selection process on a position.
        """
        u1 = UserId("u-1")
        call, praha = Tag("call"), Tag("Praha")
        return self.stored(
            _user("u-1"),
            _user("u-2"),
            _candidate("c-own", family_name="Adamová", tags=frozenset({call})),
            _candidate("c-own-2", family_name="Bílá"),
            _candidate("c-tagged", family_name="Cibulková", tags=frozenset({praha, call})),
            _candidate("c-none", family_name="Dvořáková", tags=frozenset({call})),
            _requisition("r-own", owner_id=u1),
            _requisition("r-other", owner_id=UserId("u-2")),
            _submission("s-1", "c-own", "r-own", 3, status=SubmissionStatus.IN_PROCESS),
            _submission("s-2", "c-own-2", "r-own", 2, status=SubmissionStatus.IN_PROCESS),
            _submission("s-3", "c-tagged", "r-other", 1, status=SubmissionStatus.IN_PROCESS),
            _submission("s-4", "c-none", "r-other", 1, status=SubmissionStatus.IN_PROCESS),
        )

    def _ids(self, uow: FixtureStore, query: CandidateDatabaseQuery) -> list[CandidateId]:
        """The ids of the page of *query*; ``search_ids`` must hold those of every page."""
        everyone = self.search(uow, attrs.evolve(query, limit=None, offset=0))
        assert frozenset(everyone.candidate_ids) == self.search_ids(uow, query), query
        return list(self.search(uow, query).candidate_ids)

    def test_search_a_micro_pool_not_tracked_is_just_a_tag_filter(self) -> None:
        """MP6: at the port a micro-pool filters by its tag in the viewer's scope, tracked or not.

        u-1 tracks only "Praha"; opening "call" lists the owned c-own and the
        Praha-tagged c-tagged (both carry "call"), never c-none, which u-1 neither
        owns nor sees through a tracked tag. A whole-database viewer gets every
        candidate carrying the tag.
        """
        uow = self.base()
        by_name = ListingOrder(ListingSortKey.NAME, descending=False)
        viewer = Viewer(UserId("u-1"), tracked={"praha"})
        call = CandidateDatabaseQuery(viewer, _NOW, micro_pool="call", order=by_name)
        assert self._ids(uow, call) == ["c-own", "c-tagged"]
        untracked = CandidateDatabaseQuery(Viewer(UserId("u-1")), _NOW, micro_pool="CALL")
        assert self._ids(uow, untracked) == ["c-own"]
        everyone = Viewer(UserId("u-2"), whole_database=True)
        all_call = CandidateDatabaseQuery(everyone, _NOW, micro_pool=" Call ", order=by_name)
        assert self._ids(uow, all_call) == ["c-own", "c-tagged", "c-none"]
        nobody = CandidateDatabaseQuery(everyone, _NOW, micro_pool="Python")
        assert self.search(uow, nobody) == ListingPage((), 0)

    def test_search_judges_a_tag_share_as_if_applied_nowhere(self) -> None:
        """MP3: a candidate seen only through a tag share has, for every filter, no submission.

        All four are in a selection process. For u-1, who owns c-own and c-own-2
        and tracks "Praha", "not in a selection process" drops the owned ones and
        keeps c-tagged; "has an unexpired submission" keeps the owned ones and
        drops c-tagged. A whole-database viewer owns them all, so every filter
        reads their submissions.
        """
        uow = self.base()
        by_name = ListingOrder(ListingSortKey.NAME, descending=False)
        viewer = Viewer(UserId("u-1"), tracked={"praha"})

        def listed(who: Viewer, criterion: Criterion) -> list[CandidateId]:
            return self._ids(uow, CandidateDatabaseQuery(who, _NOW, criterion, order=by_name))

        assert listed(viewer, ExcludeInSelectionProcess()) == ["c-tagged"]
        assert listed(viewer, ExcludeExpiredSubmissions()) == ["c-own", "c-own-2"]
        assert listed(viewer, ~ExcludeInSelectionProcess() & HasTag("call")) == ["c-own"]
        everyone = Viewer(UserId("u-2"), whole_database=True)
        assert listed(everyone, ExcludeInSelectionProcess()) == []

    def test_search_refuses_criteria_measured_against_a_position(self) -> None:
        """MP6: a radius or a language match needs a position; the database has none."""
        uow = self.base()
        viewer = Viewer(UserId("u-1"), whole_database=True)
        for criterion in (ResidenceWithin(10), ProfileLanguageMatchesRequisition()):
            query = CandidateDatabaseQuery(viewer, _NOW, HasTag("call") | criterion)
            with uow:
                with pytest.raises(ConfigurationError):
                    uow.candidates.search(query)
                with pytest.raises(ConfigurationError):
                    uow.candidates.search_ids(query)

    def test_search_orders_by_instant_and_folded_name_ties_by_id(self) -> None:
        """Entry instants compare in UTC (the repeated autumn hour too), names folded; ties by id.

        c-b entered at 02:30 winter time, 45 minutes after c-a's 02:45 summer
        time; c-c entered at c-b's instant written in New York, a tie.
        """
        summer = datetime(2025, 10, 26, 2, 45, tzinfo=_PRAGUE)
        winter = datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=_PRAGUE)
        uow = self.stored(
            _candidate("c-a", created_at=summer, family_name="Žák"),
            _candidate("c-b", created_at=winter, family_name="zak"),
            _candidate("c-c", created_at=winter.astimezone(_NEW_YORK), family_name="Adam"),
        )
        viewer = Viewer(UserId("u-1"), whole_database=True)

        def ordered(
            key: ListingSortKey, descending: bool, limit: int | None = None, offset: int = 0
        ) -> list[CandidateId]:
            order = ListingOrder(key, descending)
            query = CandidateDatabaseQuery(viewer, _NOW, order=order, limit=limit, offset=offset)
            return self._ids(uow, query)

        assert ordered(ListingSortKey.CREATED, True) == ["c-b", "c-c", "c-a"]
        assert ordered(ListingSortKey.CREATED, False) == ["c-a", "c-b", "c-c"]
        assert ordered(ListingSortKey.NAME, False) == ["c-c", "c-a", "c-b"]
        assert ordered(ListingSortKey.NAME, True) == ["c-a", "c-b", "c-c"]
        assert ordered(ListingSortKey.CREATED, True, limit=1, offset=1) == ["c-c"]
        query = CandidateDatabaseQuery(viewer, _NOW, limit=0)
        assert self.search(uow, query) == ListingPage((), 3)
        assert self.search_ids(uow, query) == frozenset(map(CandidateId, ("c-a", "c-b", "c-c")))


# --- candidates on positions (MP3) -------------------------------------------------------


class ResponsesQueryContract(AdapterContract):
    """``uow.submissions.responses``: the responses of the candidates a viewer owns (EN4, MP3).

    Every response of each candidate the viewer owns (every candidate, for a
    whole-database viewer), newest submitted first, ties by submission id; a
    tag share shows nothing here.
    """

    def responses(self, uow: FixtureStore, query: ResponsesQuery) -> ResponsesPage:
        """Run *query* inside a unit of work."""
        with uow:
            return uow.submissions.responses(query)

    @_every_store
    @given(_WORLDS, st.data())
    def test_responses_agree_with_the_reference(self, spec: WorldSpec, data: st.DataObject) -> None:
        """EN4: for any viewer, position filter and page, the rows, their order and total agree."""
        uow = self.make_uow()
        spec.load(uow)
        positions = [*spec.requisitions, RequisitionId("req-404")]
        # Several queries per account: loading it costs more than asking.
        for i in range(data.draw(st.integers(1, 3), label="queries")):
            offset, limit = data.draw(_PAGES, label=f"offset, limit {i}")
            query = ResponsesQuery(
                data.draw(_viewers(spec), label=f"viewer {i}"),
                data.draw(st.none() | st.sampled_from(positions), label=f"requisition {i}"),
                limit,
                offset,
            )
            expected = _reference_responses(spec, query)
            _assert_same_responses(self.responses(uow, query), expected, query)

    def test_responses_of_an_empty_store_are_none(self) -> None:
        """Nothing saved, no responses, for a whole-database viewer too."""
        uow = self.make_uow()
        for viewer in (Viewer(UserId("u-1")), Viewer(UserId("u-1"), True, {"praha"})):
            assert self.responses(uow, ResponsesQuery(viewer)) == ResponsesPage((), 0)

    def test_responses_newest_first_ties_by_id_for_owned_candidates_only(self) -> None:
        """Newest submitted first in UTC, ties by submission id; a tag share or nothing shows none.

        u-1 owns c-1 through position r-1 and c-2 through a response shared with
        them, so every response of both is listed, on others' positions too;
        c-3 carries the "Praha" u-1 tracks and is still not listed. s-2 and s-3
        were submitted at one instant written in two zones.
        """
        u1 = UserId("u-1")
        same = _NOW - timedelta(days=2)
        r3 = _requisition("r-3")
        uow = self.stored(
            _user("u-1"),
            _candidate("c-1"),
            _candidate("c-2"),
            _candidate("c-3", tags=frozenset({Tag("Praha")})),
            _requisition("r-1", owner_id=u1),
            _requisition("r-2"),
            r3,
            _submission("s-1", "c-1", "r-1", 5),
            _submission("s-3", "c-1", "r-2", 2, submitted_at=same.astimezone(_NEW_YORK)),
            _submission("s-2", "c-2", "r-2", 2, submitted_at=same, shared_with=frozenset({u1})),
            _submission("s-4", "c-2", "r-3", 9),
            _submission("s-5", "c-3", "r-2", 0),
        )
        viewer = Viewer(u1, tracked={"praha"})

        def listed(query: ResponsesQuery) -> list[str]:
            return [a.submission.id for _, a in self.responses(uow, query).rows]

        assert listed(ResponsesQuery(viewer)) == ["s-2", "s-3", "s-1", "s-4"]
        assert listed(ResponsesQuery(viewer, RequisitionId("r-2"))) == ["s-2", "s-3"]
        assert listed(ResponsesQuery(viewer, limit=2, offset=1)) == ["s-3", "s-1"]
        assert self.responses(uow, ResponsesQuery(viewer, limit=0)) == ResponsesPage((), 4)
        everyone = Viewer(UserId("u-2"), whole_database=True)
        assert listed(ResponsesQuery(everyone)) == ["s-5", "s-2", "s-3", "s-1", "s-4"]
        assert listed(ResponsesQuery(Viewer(UserId("u-2"), tracked={"praha"}))) == []
        with uow:
            c2 = uow.candidates.get(CandidateId("c-2"))
            s4 = uow.submissions.get(SubmissionId("s-4"))
        on_r3 = self.responses(uow, ResponsesQuery(viewer, r3.id))
        assert on_r3 == ResponsesPage(((c2, Application(s4, r3)),), 1)


# --- idle submissions (AP12) ----------------------------------------------------------------


class IdleSubmissionsQueryContract(AdapterContract):
    """``uow.submissions.idle``: open submissions last active strictly before an instant (AP12).

    New and in-process submissions only, compared as instants (in UTC), each
    with its requisition, in submission id order.
    """

    def idle(self, uow: FixtureStore, before: datetime) -> list[Application]:
        """Ask for the submissions idle before *before*, inside a unit of work."""
        with uow:
            return list(uow.submissions.idle(before))

    @_every_store
    @given(contract_worlds(max_candidates=6), st.data())
    def test_idle_agrees_with_the_reference(self, spec: WorldSpec, data: st.DataObject) -> None:
        """EN4: at any instant, in any zone, also after statuses and activity change, they agree."""
        uow = self.make_uow()
        spec.load(uow)
        before = data.draw(_instants(spec), label="before")
        got, want = self.idle(uow, before), _reference_idle(spec, before)
        assert got == want, f"idle {_sub_ids(got)}, expected {_sub_ids(want)} before {before}"
        touched = tuple(
            data.draw(_touched(s, spec.now), label=f"submission {s.id}") for s in spec.submissions
        )
        changed = attrs.evolve(spec, submissions=touched)
        self.store(uow, *(s for s, old in zip(touched, spec.submissions, strict=True) if s != old))
        before = data.draw(_instants(changed), label="before, after the writes")
        got, want = self.idle(uow, before), _reference_idle(changed, before)
        assert got == want, f"idle {_sub_ids(got)}, expected {_sub_ids(want)} before {before}"

    def test_idle_of_an_empty_store_is_empty(self) -> None:
        """Nothing saved, nothing idle."""
        assert self.idle(self.make_uow(), _NOW) == []

    def test_idle_boundary_instant_is_not_idle(self) -> None:
        """Last active exactly at *before* is not idle; a microsecond earlier is (AP12).

        The instant is written in another zone than the activity; closed
        submissions are never idle; each comes with its requisition, by id.
        """
        at = _NOW - timedelta(days=30)
        r1, r2 = _requisition("r-1"), _requisition("r-2")
        closed = [status for status in SubmissionStatus if not status.is_open]
        uow = self.stored(
            _candidate("c-1"),
            _candidate("c-2"),
            *(_candidate(f"c-{status.value}") for status in closed),
            r1,
            r2,
            _submission("s-at", "c-1", "r-1", 40, last_activity_at=at),
            _submission("s-b", "c-2", "r-1", 40, last_activity_at=at - timedelta(microseconds=1)),
            _submission("s-a", "c-1", "r-2", 40, status=SubmissionStatus.IN_PROCESS),
            # one submission per candidate and requisition, as hosts keep them
            *(
                _submission(f"s-{status.value}", f"c-{status.value}", "r-2", 40, status=status)
                for status in closed
            ),
        )
        before = at.astimezone(_NEW_YORK)
        with uow:
            sa = uow.submissions.get(SubmissionId("s-a"))
            sb = uow.submissions.get(SubmissionId("s-b"))
        assert self.idle(uow, before) == [Application(sa, r2), Application(sb, r1)]
        assert [a.submission.id for a in self.idle(uow, before + timedelta(microseconds=1))] == [
            "s-a",
            "s-at",
            "s-b",
        ]

    def test_idle_compares_instants_not_wall_clocks(self) -> None:
        """In Prague's repeated autumn hour, 02:45 summer time is before 02:30 winter time.

        A store comparing the wall clocks of two datetimes in one zone would
        call the submission not yet idle.
        """
        summer = datetime(2025, 10, 26, 2, 45, tzinfo=_PRAGUE)
        winter = datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=_PRAGUE)
        uow = self.stored(
            _candidate("c-1"),
            _requisition("r-1"),
            _submission("s-1", "c-1", "r-1", 0, submitted_at=summer, last_activity_at=summer),
        )
        assert [a.submission.id for a in self.idle(uow, winter)] == ["s-1"]
        assert self.idle(uow, summer) == []


def _sub_ids(apps: Iterable[Application]) -> list[str]:
    return [a.submission.id for a in apps]


# --- the structure trees ---------------------------------------------------------------------


_NODES = ("cz", "praha", "brno", "sk", "zilina", "retail")


@st.composite
def _structure_trees(draw: st.DrawFn) -> StructureTree:
    """A tree of any dimension: the worlds' own, or a few nodes under random parents, named."""
    if draw(st.booleans()):
        return draw(st.sampled_from(STRUCTURES))
    nodes = draw(st.lists(st.sampled_from(_NODES), unique=True, max_size=5))
    parents: dict[str, str | None] = {}
    for i, node in enumerate(nodes):
        parents[node] = draw(st.none() | st.sampled_from(nodes[:i])) if i else None
    named = draw(st.lists(st.sampled_from(nodes), unique=True)) if nodes else []
    names = {NodeId(node): f"Node {node.upper()}" for node in named}
    return StructureTree(draw(st.sampled_from(Dimension)), parents, names)


def _same_tree(got: StructureTree | None, want: StructureTree) -> bool:
    return (
        got is not None
        and got.dimension is want.dimension
        and dict(got.parents) == dict(want.parents)
        and dict(got.names) == dict(want.names)
    )


class StructureTreesQueryContract(AdapterContract):
    """``uow.structures.trees``: every saved tree by dimension, what bind expands over (AP4)."""

    def trees(self, uow: FixtureStore) -> dict[Dimension, StructureTree]:
        """Read every tree inside a unit of work."""
        with uow:
            return dict(uow.structures.trees())

    def _assert_trees(self, uow: FixtureStore, want: dict[Dimension, StructureTree]) -> None:
        got = self.trees(uow)
        assert set(got) == set(want), f"dimensions {set(got)}, expected {set(want)}"
        for dimension, tree in want.items():
            assert _same_tree(got[dimension], tree), (
                f"{dimension}: {got[dimension]}, expected {tree}"
            )
        with uow:
            for dimension in Dimension:
                one = uow.structures.tree(dimension)
                assert (one is None) == (dimension not in want), dimension
                assert one is None or _same_tree(one, want[dimension]), dimension

    @_every_store
    @given(st.lists(st.tuples(_structure_trees(), st.booleans()), max_size=5))
    def test_trees_agree_with_what_was_kept(self, saves: list[tuple[StructureTree, bool]]) -> None:
        """EN4: after saves kept or undone, ``trees()`` holds the last kept tree per dimension."""
        uow = self.make_uow()
        want: dict[Dimension, StructureTree] = {}
        for tree, keep in saves:
            with uow:
                uow.structures.save(tree)
                if keep:
                    uow.commit()
                    want[tree.dimension] = tree
        self._assert_trees(uow, want)

    def test_trees_of_an_empty_store_are_none(self) -> None:
        """No tree saved, none returned."""
        assert self.trees(self.make_uow()) == {}

    def test_trees_hold_each_saved_dimension_once(self) -> None:
        """Two dimensions saved, two returned; a dimension saved again holds its last tree."""
        uow = self.stored(*STRUCTURES[:2])
        smaller = StructureTree(
            Dimension.LOCATION, {"sk": None, "zilina": "sk"}, {NodeId("sk"): "Slovensko"}
        )
        self.store(uow, smaller)
        self._assert_trees(
            uow, {Dimension.ORGANIZATION: STRUCTURES[0], Dimension.LOCATION: smaller}
        )
