"""Contracts for the ports automatic candidate pooling reads and writes (ST4, EN4).

Candidates and their records, submissions and the AP9 guard of ``add``,
requisitions, templates, users, structure trees, quick filters, account
settings, attachments and repooling rules: what ``get``, ``save``, ``add`` and
``remove`` do and the orders listings come in. Above all,
:class:`CandidateQueryContract` checks that
:meth:`~talentpool.ports.CandidateRepository.find` answers the same page and the
same exact total as :func:`reference_page`, the reference pipeline of
:mod:`talentpool.adapters.reference` over records built from the generated
account, for generated accounts (:func:`contract_worlds`), criteria, orderings,
limits and offsets. The other query ports have their differential contracts in
:mod:`talentpool.testing.contracts.queries`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.adapters.reference import pool_page
from talentpool.criteria import (
    EVERYONE,
    AutopoolCriteria,
    Criterion,
    ExcludeRejectedWithin,
    HasTag,
    QuickFilter,
    ResidenceWithin,
    SpeaksLanguage,
)
from talentpool.errors import ConflictError, NotFoundError
from talentpool.geo import DistanceUnit, GeoPoint
from talentpool.ids import (
    AttachmentId,
    CandidateId,
    NodeId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.model import (
    AccountSettings,
    Application,
    Attachment,
    Candidate,
    CandidateRecord,
    Consent,
    Dimension,
    Permission,
    Rejection,
    RepoolingRule,
    Requisition,
    RequisitionTemplate,
    Role,
    StructureTree,
    Submission,
    SubmissionStatus,
    Tag,
    User,
    Workflow,
)
from talentpool.ports import CandidatePage, CandidateQuery
from talentpool.results import Ordering, PoolRow, SortKey
from talentpool.testing.contracts.base import (
    _NOW,
    _PRAGUE,
    _STATUSES,
    AdapterContract,
    _candidate,
    _every_store,
    _requisition,
    _submission,
    _user,
)
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.strategies import (
    CENTRE,
    STRUCTURES,
    WorldSpec,
    autopool_criteria,
    criteria,
    quick_filters,
    templates,
    worlds,
)
from talentpool.testing.world import DEFAULT_NOW

__all__ = [
    "AttachmentRepositoryContract",
    "CandidateQueryContract",
    "CandidateRepositoryContract",
    "QuickFilterRepositoryContract",
    "RepoolingRuleRepositoryContract",
    "RequisitionRepositoryContract",
    "SettingsRepositoryContract",
    "StructureRepositoryContract",
    "SubmissionRepositoryContract",
    "TemplateRepositoryContract",
    "UserRepositoryContract",
    "contract_worlds",
    "reference_page",
]


# Instants the generated accounts are evaluated at: a plain UTC morning, and a
# Prague morning the day after clocks went forward, so "the last 1 / 7 days"
# windows span a 23-hour day and must be counted in the query's zone.
_NOWS = (DEFAULT_NOW, datetime(2026, 3, 30, 9, 0, tzinfo=_PRAGUE))
# How close two distances must be to count as one: a millimetre, as the radius edge.
_DISTANCE_TOLERANCE_KM = 1e-6


# --- the reference semantics ----------------------------------------------------------


def contract_worlds(max_candidates: int = 8, max_users: int = 0) -> st.SearchStrategy[WorldSpec]:
    """Generated accounts a store must hold: the strategies' worlds, valid for AP9.

    A candidate has at most one submission per requisition, as
    :func:`~talentpool.testing.strategies.worlds` guarantees (a database backs
    that with a unique constraint), every id a world names is saved before it
    is named (see :meth:`~talentpool.testing.strategies.WorldSpec.load`), and
    the account is evaluated either at
    :data:`~talentpool.testing.DEFAULT_NOW` or on a Prague morning just after
    the clocks went forward. With *max_users* the account has users who own
    requisitions, are shared positions and responses, and track tags (MP1, MP2).
    """
    return st.sampled_from(_NOWS).flatmap(
        lambda now: worlds(now=now, max_candidates=max_candidates, max_users=max_users)
    )


def _records(spec: WorldSpec) -> list[CandidateRecord]:
    """Every candidate of *spec* with their submissions and requisitions, built from the spec."""
    requisitions = spec.requisitions
    return [
        CandidateRecord(
            candidate,
            [
                Application(s, requisitions[s.requisition_id])
                for s in spec.submissions_of(candidate.id)
            ],
        )
        for candidate in spec.candidates
    ]


def _trees(spec: WorldSpec) -> dict[Dimension, StructureTree]:
    """The trees of *spec* by dimension, as a store's ``trees()`` answers them."""
    return {tree.dimension: tree for tree in spec.structures}


def reference_page(spec: WorldSpec, query: CandidateQuery) -> CandidatePage:
    """Return what :meth:`~talentpool.ports.CandidateRepository.find` must answer for *spec*.

    Computed from the generated data alone, never from a store: the records are
    built from *spec* and handed to :func:`talentpool.adapters.reference.pool_page`,
    the one reference pipeline the in-memory store answers with too (the universe
    and the bound criteria, the rows, the order and the page).
    """
    return pool_page(query, _trees(spec), _records(spec))


def _same_row(got: PoolRow, expected: PoolRow) -> bool:
    if got.distance_km is None or expected.distance_km is None:
        return got == expected
    close = math.isclose(got.distance_km, expected.distance_km, abs_tol=_DISTANCE_TOLERANCE_KM)
    return close and attrs.evolve(got, distance_km=expected.distance_km) == expected


def _assert_same_page(got: CandidatePage, expected: CandidatePage, query: CandidateQuery) -> None:
    ids = [r.candidate_id for r in got.rows]
    want = [r.candidate_id for r in expected.rows]
    assert got.total == expected.total, f"total {got.total}, expected {expected.total}: {query}"
    assert ids == want, f"rows {ids}, expected {want}: {query}"
    for row, expected_row in zip(got.rows, expected.rows, strict=True):
        assert _same_row(row, expected_row), f"row {row}, expected {expected_row}"


def _rich_candidate(cid: str) -> Candidate:
    """A candidate with every field set, to odd but valid values."""
    return Candidate(
        CandidateId(cid),
        "Ľubomír",
        "Kováč",
        _NOW - timedelta(days=400, microseconds=123_456),
        email="lubo@example.com",
        city="Žilina",
        residence=GeoPoint(49.223_456_789, 18.739_012_345),
        profile_language="sk",
        languages=frozenset({"sk", "cs", "de"}),
        tags=frozenset({Tag(" PRAHA "), Tag("ｃａｌｌ"), Tag("prepare contract")}),
        fields={"driving_licence": "B", "shift": "Noc"},
        text="Cashier, night-shift; C++ and Žilina",
        consent=Consent(
            _NOW - timedelta(days=300),
            expires_at=_NOW + timedelta(days=65),
            withdrawn_at=_NOW + timedelta(days=1, seconds=1),
        ),
    )


def _rich_requisition(rid: str) -> Requisition:
    """A requisition with every field set, its own autopool criteria included."""
    return Requisition(
        RequisitionId(rid),
        "Cashier, Praha 1",
        _NOW - timedelta(days=20),
        language="cs",
        primary_location=CENTRE,
        organization=NodeId("retail-cz"),
        location=NodeId("praha"),
        job_field=NodeId("cashier"),
        owner_id=UserId("u-owner"),
        shared_with=frozenset({UserId("u-a"), UserId("u-b")}),
        template_id=TemplateId("t-cashier"),
        workflow=Workflow(("New", "Call", "Offer"), ("Too far",), True, False),
        autopool=AutopoolCriteria(
            exclude_rejected_within_days=30,
            radius=ResidenceWithin(12.5, DistanceUnit.MILES),
            advanced=HasTag("Praha") & ~SpeaksLanguage("de"),
        ),
        pool_exclusions=frozenset({CandidateId("c-1"), CandidateId("c-2")}),
    )


def _named_by_rich_requisition() -> tuple[object, ...]:
    """What :func:`_rich_requisition` names, to save before it: users, template, candidates."""
    return (
        _user("u-owner"),
        _user("u-a"),
        _user("u-b"),
        RequisitionTemplate(TemplateId("t-cashier"), "Cashier"),
        _candidate("c-1"),
        _candidate("c-2"),
    )


def _labels(candidate: Candidate) -> set[str]:
    # Tags compare by key alone; a store must keep what a person typed, for display.
    return {tag.label for tag in candidate.tags}


# --- candidates -------------------------------------------------------------------------


class CandidateRepositoryContract(AdapterContract):
    """``uow.candidates``: get, save, record and iteration (ST1)."""

    def test_candidates_round_trip_every_field(self) -> None:
        """A saved candidate reads back equal, tag spellings and fractions of a second kept."""
        rich, plain = _rich_candidate("c-rich"), _candidate("c-plain")
        uow = self.stored(rich, plain)
        with uow:
            assert uow.candidates.get(rich.id) == rich
            assert _labels(uow.candidates.get(rich.id)) == _labels(rich)
            assert uow.candidates.get(plain.id) == plain

    def test_candidates_save_replaces(self) -> None:
        """Saving under a known id replaces the candidate, unset fields included."""
        uow = self.stored(_rich_candidate("c-1"))
        replacement = _candidate("c-1", given_name="Jana", tags=frozenset({Tag("call")}))
        self.commit(uow, lambda u: u.candidates.save(replacement))
        with uow:
            assert uow.candidates.get(CandidateId("c-1")) == replacement
            assert _labels(uow.candidates.get(CandidateId("c-1"))) == {"call"}
            assert [c.id for c in uow.candidates] == ["c-1"]

    def test_candidates_get_unknown_raises_not_found(self) -> None:
        """An unknown id raises ``NotFoundError``, also a ``LookupError``."""
        uow = self.stored(_candidate("c-1"))
        with uow, pytest.raises(NotFoundError):
            uow.candidates.get(CandidateId("c-2"))
        with uow, pytest.raises(LookupError):
            uow.candidates.record(CandidateId("c-2"))

    def test_candidates_iterate_in_id_order(self) -> None:
        """Iteration yields every candidate once, by id, whatever the order of saving."""
        uow = self.stored(*(_candidate(cid) for cid in ("c-b", "c-c", "c-a")))
        with uow:
            assert [c.id for c in uow.candidates] == ["c-a", "c-b", "c-c"]

    def test_candidates_record_holds_every_submission_with_its_requisition(self) -> None:
        """``record`` carries the candidate and each of their submissions with its requisition."""
        r1, r2 = _rich_requisition("r-1"), _requisition("r-2")
        s1, s2 = _submission("s-1", "c-1", "r-1", 5), _submission("s-2", "c-1", "r-2", 9)
        other = _submission("s-3", "c-2", "r-1", 1)
        uow = self.stored(*_named_by_rich_requisition(), r1, r2, s1, s2, other)
        with uow:
            record = uow.candidates.record(CandidateId("c-1"))
        assert record.candidate == _candidate("c-1")
        got = sorted(record.applications, key=lambda a: a.submission.id)
        assert got == [Application(s1, r1), Application(s2, r2)]

    def test_candidates_record_of_a_candidate_without_submissions_is_empty(self) -> None:
        """A candidate who never applied has a record with no applications."""
        uow = self.stored(_candidate("c-1"))
        with uow:
            assert uow.candidates.record(CandidateId("c-1")).applications == ()

    @_every_store
    @given(contract_worlds())
    def test_candidates_worlds_read_back_equal(self, spec: WorldSpec) -> None:
        """Every generated candidate, requisition and submission reads back equal."""
        uow = self.make_uow()
        spec.load(uow)
        with uow:
            assert list(uow.candidates) == sorted(spec.candidates, key=lambda c: c.id)
            for candidate in spec.candidates:
                assert _labels(uow.candidates.get(candidate.id)) == _labels(candidate)
            assert list(uow.requisitions) == sorted(spec.requisitions.values(), key=lambda r: r.id)
            assert list(uow.submissions) == sorted(spec.submissions, key=lambda s: s.id)


# --- submissions ------------------------------------------------------------------------


class SubmissionRepositoryContract(AdapterContract):
    """``uow.submissions``: get, save, the AP9 guard of ``add``, and the listings."""

    def base(self) -> FixtureStore:
        """A store with candidates c-1 and c-2 and requisitions r-1 and r-2."""
        return self.stored(
            _candidate("c-1"), _candidate("c-2"), _requisition("r-1"), _requisition("r-2")
        )

    def test_submissions_round_trip_every_field(self) -> None:
        """A saved submission reads back equal, every optional field set."""
        uow = self.base()
        full = _submission(
            "s-1",
            "c-1",
            "r-1",
            40,
            status=SubmissionStatus.REJECTED,
            status_changed_at=_NOW - timedelta(days=3, seconds=1),
            last_activity_at=_NOW - timedelta(days=2),
            expires_at=_NOW + timedelta(days=30, microseconds=1),
            step="Interview",
            shared_with=frozenset({UserId("u-1")}),
            rejection=Rejection(("Not qualified", "Other"), "no licence"),
        )
        self.store(uow, _user("u-1"), full)  # u-1: the user it is shared with
        with uow:
            assert uow.submissions.get(full.id) == full

    def test_submissions_get_unknown_raises_not_found(self) -> None:
        """An unknown id raises ``NotFoundError``."""
        uow = self.base()
        with uow, pytest.raises(NotFoundError):
            uow.submissions.get(SubmissionId("s-404"))

    def test_submissions_save_replaces(self) -> None:
        """Saving under a known id replaces the submission."""
        uow = self.base()
        first = _submission("s-1", "c-1", "r-1", 10)
        hired = attrs.evolve(first, status=SubmissionStatus.HIRED, status_changed_at=_NOW)
        self.commit(uow, lambda u: u.submissions.save(first))
        self.commit(uow, lambda u: u.submissions.save(hired))
        with uow:
            assert uow.submissions.get(first.id) == hired
            assert list(uow.submissions) == [hired]
            assert list(uow.submissions.for_candidate(CandidateId("c-1"))) == [hired]

    def test_submissions_add_inserts_a_new_submission(self) -> None:
        """``add`` stores a submission whose id and pair are new."""
        uow = self.base()
        new = _submission("s-1", "c-1", "r-1", 0)
        self.commit(uow, lambda u: u.submissions.add(new))
        with uow:
            assert uow.submissions.get(new.id) == new

    def test_submissions_add_refuses_a_second_submission_for_the_pair(self) -> None:
        """AP9: a second submission of a candidate on one requisition is a ``ConflictError``.

        Nothing is written: the refused id is unknown and the listings are unchanged.
        """
        uow = self.base()
        first = _submission("s-1", "c-1", "r-1", 5)
        self.commit(uow, lambda u: u.submissions.add(first))
        second = _submission("s-2", "c-1", "r-1", 0)
        with uow:
            with pytest.raises(ConflictError):
                uow.submissions.add(second)
            uow.commit()
        with uow:
            with pytest.raises(NotFoundError):
                uow.submissions.get(second.id)
            assert list(uow.submissions.for_candidate(CandidateId("c-1"))) == [first]
            assert list(uow.submissions.for_requisition(RequisitionId("r-1"))) == [first]

    def test_submissions_add_refuses_a_known_id(self) -> None:
        """``add`` with the id of an existing submission is a ``ConflictError``; nothing written."""
        uow = self.base()
        first = _submission("s-1", "c-1", "r-1", 5)
        self.commit(uow, lambda u: u.submissions.add(first))
        elsewhere = _submission("s-1", "c-2", "r-2", 0)
        with uow:
            with pytest.raises(ConflictError):
                uow.submissions.add(elsewhere)
            uow.commit()
        with uow:
            assert uow.submissions.get(first.id) == first
            assert list(uow.submissions.for_candidate(CandidateId("c-2"))) == []

    def test_submissions_add_allows_the_other_pairs(self) -> None:
        """The same candidate on another requisition, or another candidate on it, is fine."""
        uow = self.base()
        subs = [
            _submission("s-1", "c-1", "r-1", 3),
            _submission("s-2", "c-1", "r-2", 2),
            _submission("s-3", "c-2", "r-1", 1),
        ]
        with uow:
            for submission in subs:
                uow.submissions.add(submission)
            uow.commit()
        with uow:
            assert list(uow.submissions) == subs

    def test_submissions_moved_by_save_leave_their_old_pair(self) -> None:
        """A submission saved onto another requisition is listed there only, and frees its pair."""
        uow = self.base()
        first = _submission("s-1", "c-1", "r-1", 5)
        self.commit(uow, lambda u: u.submissions.add(first))
        moved = attrs.evolve(first, requisition_id=RequisitionId("r-2"))
        self.commit(uow, lambda u: u.submissions.save(moved))
        again = _submission("s-2", "c-1", "r-1", 0)
        self.commit(uow, lambda u: u.submissions.add(again))
        with uow:
            assert list(uow.submissions.for_requisition(RequisitionId("r-1"))) == [again]
            assert list(uow.submissions.for_requisition(RequisitionId("r-2"))) == [moved]
            assert list(uow.submissions.for_candidate(CandidateId("c-1"))) == [moved, again]
            with pytest.raises(ConflictError):
                uow.submissions.add(_submission("s-3", "c-1", "r-2", 0))

    def test_submissions_listings_are_oldest_first(self) -> None:
        """``for_candidate`` and ``for_requisition`` go by submission time, not id or insertion."""
        uow = self.stored(
            *(_candidate(f"c-{i}") for i in range(1, 4)),
            *(_requisition(f"r-{i}") for i in range(1, 4)),
        )
        # ids run against time, and the saving order is neither
        by_candidate = [
            _submission("s-3", "c-1", "r-2", 20),
            _submission("s-1", "c-1", "r-3", 2),
            _submission("s-2", "c-1", "r-1", 10),
        ]
        by_requisition = [
            _submission("s-6", "c-3", "r-1", 30),
            _submission("s-4", "c-2", "r-1", 1),
        ]
        self.store(uow, *by_candidate)
        self.store(uow, *by_requisition)
        with uow:
            assert [s.id for s in uow.submissions.for_candidate(CandidateId("c-1"))] == [
                "s-3",
                "s-2",
                "s-1",
            ]
            assert [s.id for s in uow.submissions.for_requisition(RequisitionId("r-1"))] == [
                "s-6",
                "s-2",
                "s-4",
            ]
            assert list(uow.submissions.for_candidate(CandidateId("c-404"))) == []
            assert list(uow.submissions.for_requisition(RequisitionId("r-404"))) == []
            assert [s.id for s in uow.submissions] == ["s-1", "s-2", "s-3", "s-4", "s-6"]


# --- requisitions, templates, users, structures -------------------------------------------


class RequisitionRepositoryContract(AdapterContract):
    """``uow.requisitions``: get, save and iteration."""

    def test_requisitions_round_trip_every_field(self) -> None:
        """A requisition reads back equal: workflow, autopool criteria and exclusions kept."""
        rich, plain = _rich_requisition("r-rich"), _requisition("r-plain")
        uow = self.stored(*_named_by_rich_requisition(), rich, plain)
        with uow:
            assert uow.requisitions.get(rich.id) == rich
            assert uow.requisitions.get(plain.id) == plain

    def test_requisitions_save_replaces_and_iterates_in_id_order(self) -> None:
        """Saving under a known id replaces it; iteration is by id."""
        uow = self.stored(
            *_named_by_rich_requisition(), _rich_requisition("r-b"), _requisition("r-a")
        )
        plain = _requisition("r-b")
        self.commit(uow, lambda u: u.requisitions.save(plain))
        with uow:
            assert uow.requisitions.get(plain.id) == plain
            assert [r.id for r in uow.requisitions] == ["r-a", "r-b"]

    def test_requisitions_get_unknown_raises_not_found(self) -> None:
        """An unknown id raises ``NotFoundError``."""
        uow = self.stored(_requisition("r-1"))
        with uow, pytest.raises(NotFoundError):
            uow.requisitions.get(RequisitionId("r-2"))


class TemplateRepositoryContract(AdapterContract):
    """``uow.templates``: get and save."""

    @_every_store
    @given(templates())
    def test_templates_round_trip(self, template: RequisitionTemplate) -> None:
        """Any template, criteria and workflow included, reads back equal (AP3)."""
        uow = self.make_uow()
        self.commit(uow, lambda u: u.templates.save(template))
        with uow:
            assert uow.templates.get(template.id) == template

    def test_templates_save_replaces_and_unknown_raises(self) -> None:
        """Saving under a known id replaces the template; an unknown id raises ``NotFoundError``."""
        uow = self.make_uow()
        first = RequisitionTemplate(TemplateId("t-1"), "Cashier", autopool=AutopoolCriteria())
        second = RequisitionTemplate(TemplateId("t-1"), "Barista", language="de")
        self.commit(uow, lambda u: u.templates.save(first))
        self.commit(uow, lambda u: u.templates.save(second))
        with uow:
            assert uow.templates.get(TemplateId("t-1")) == second
            with pytest.raises(NotFoundError):
                uow.templates.get(TemplateId("t-2"))


class UserRepositoryContract(AdapterContract):
    """``uow.users``: get, save and iteration."""

    def test_users_round_trip_replace_and_iterate(self) -> None:
        """Users read back equal, a save replaces, iteration is by id."""
        admin = User(
            UserId("u-b"),
            "Petra Admin",
            Role.ADMINISTRATOR,
            frozenset(Permission),
            email="petra@example.com",
        )
        manager = User(UserId("u-a"), "Jan Manager")
        uow = self.stored(admin, manager)
        with uow:
            assert uow.users.get(admin.id) == admin
            assert [u.id for u in uow.users] == ["u-a", "u-b"]
        demoted = attrs.evolve(admin, role=Role.HIRING_MANAGER, permissions=frozenset())
        self.commit(uow, lambda u: u.users.save(demoted))
        with uow:
            assert uow.users.get(admin.id) == demoted
            with pytest.raises(NotFoundError):
                uow.users.get(UserId("u-c"))


class StructureRepositoryContract(AdapterContract):
    """``uow.structures``: one tree per dimension."""

    def test_structures_are_none_until_saved_then_read_back(self) -> None:
        """No tree is ``None``; saved trees read back equal, parents and names included."""
        uow = self.make_uow()
        with uow:
            assert all(uow.structures.tree(d) is None for d in Dimension)
        named = attrs.evolve(STRUCTURES[0], names={NodeId("retail-cz"): "Retail Česko"})
        self.commit(uow, lambda u: u.structures.save(named))
        with uow:
            got = uow.structures.tree(Dimension.ORGANIZATION)
            assert got is not None
            assert dict(got.parents) == dict(named.parents)
            assert dict(got.names) == dict(named.names)
            assert uow.structures.tree(Dimension.LOCATION) is None

    def test_structures_save_replaces_the_dimensions_tree(self) -> None:
        """Saving a dimension's tree again replaces it; other dimensions are untouched."""
        uow = self.stored(*STRUCTURES)
        smaller = StructureTree(Dimension.LOCATION, {"sk": None, "zilina": "sk"})
        self.commit(uow, lambda u: u.structures.save(smaller))
        with uow:
            got = uow.structures.tree(Dimension.LOCATION)
            assert got is not None
            assert dict(got.parents) == dict(smaller.parents)
            for tree in (STRUCTURES[0], STRUCTURES[2]):
                again = uow.structures.tree(tree.dimension)
                assert again is not None
                assert dict(again.parents) == dict(tree.parents)


# --- quick filters, settings, attachments, repooling rules, events ------------------------


class QuickFilterRepositoryContract(AdapterContract):
    """``uow.quick_filters``: get, save, remove and iteration (AP8)."""

    @_every_store
    @given(quick_filters())
    def test_quick_filters_round_trip(self, quick_filter: QuickFilter) -> None:
        """Any quick filter reads back equal, its criteria tree included."""
        uow = self.make_uow()
        self.commit(uow, lambda u: u.quick_filters.save(quick_filter))
        with uow:
            assert uow.quick_filters.get(quick_filter.id) == quick_filter
            assert list(uow.quick_filters) == [quick_filter]

    def test_quick_filters_remove(self) -> None:
        """``remove`` forgets it; get or remove of an unknown id raises ``NotFoundError``."""
        german = QuickFilter(QuickFilterId("q-1"), "Speaks German", SpeaksLanguage("de"))
        local = QuickFilter(QuickFilterId("q-2"), "Lives near", ResidenceWithin(10))
        uow = self.make_uow()
        self.commit(
            uow, lambda u: u.quick_filters.save(german), lambda u: u.quick_filters.save(local)
        )
        self.commit(uow, lambda u: u.quick_filters.remove(german.id))
        with uow:
            with pytest.raises(NotFoundError):
                uow.quick_filters.get(german.id)
            with pytest.raises(NotFoundError):
                uow.quick_filters.remove(german.id)
            assert list(uow.quick_filters) == [local]

    def test_quick_filters_iterate_in_name_order(self) -> None:
        """Iteration is by name, not by id or the order of saving."""
        names = {"q-1": "Speaks German", "q-2": "Available now", "q-3": "Lives near"}
        uow = self.make_uow()
        self.store(uow, *(QuickFilter(QuickFilterId(i), n, EVERYONE) for i, n in names.items()))
        with uow:
            assert [q.name for q in uow.quick_filters] == sorted(names.values())


class SettingsRepositoryContract(AdapterContract):
    """``uow.settings``: defaults until saved, then what was saved."""

    def test_settings_default_until_saved(self) -> None:
        """A new account has the default settings: every switch off."""
        uow = self.make_uow()
        with uow:
            assert uow.settings.get() == AccountSettings()

    def test_settings_save_replaces(self) -> None:
        """Saved settings read back equal, and a later save replaces them."""
        uow = self.make_uow()
        first = AccountSettings(autopool_enabled=True, enforce_consent=True)
        second = AccountSettings(match_and_reject_enabled=True, slack_integrated=True)
        self.commit(uow, lambda u: u.settings.save(first))
        with uow:
            assert uow.settings.get() == first
        self.commit(uow, lambda u: u.settings.save(second))
        with uow:
            assert uow.settings.get() == second


class AttachmentRepositoryContract(AdapterContract):
    """``uow.attachments``: save and the per-candidate listing."""

    def test_attachments_listed_per_candidate_oldest_first(self) -> None:
        """A candidate's attachments come oldest first; others' and unknown candidates' apart."""
        uow = self.stored(_candidate("c-1"), _candidate("c-2"), _requisition("r-1"))

        def attachment(aid: str, cid: str, days_ago: int, **changes: Any) -> Attachment:
            base = Attachment(
                AttachmentId(aid), CandidateId(cid), f"{aid}.pdf", _NOW - timedelta(days=days_ago)
            )
            return attrs.evolve(base, **changes)

        newest = attachment("a-1", "c-1", 1, requisition_id=RequisitionId("r-1"))
        oldest = attachment("a-3", "c-1", 9)
        middle = attachment("a-2", "c-1", 5)
        theirs = attachment("a-4", "c-2", 3)
        self.store(uow, newest, oldest, middle, theirs)
        with uow:
            assert list(uow.attachments.for_candidate(CandidateId("c-1"))) == [
                oldest,
                middle,
                newest,
            ]
            assert list(uow.attachments.for_candidate(CandidateId("c-2"))) == [theirs]
            assert list(uow.attachments.for_candidate(CandidateId("c-3"))) == []

    def test_attachments_save_replaces(self) -> None:
        """Saving under a known id replaces the attachment instead of adding one."""
        uow = self.stored(_candidate("c-1"))
        first = Attachment(AttachmentId("a-1"), CandidateId("c-1"), "cv.pdf", _NOW)
        renamed = attrs.evolve(first, filename="cv-2026.pdf")
        self.commit(uow, lambda u: u.attachments.save(first))
        self.commit(uow, lambda u: u.attachments.save(renamed))
        with uow:
            assert list(uow.attachments.for_candidate(CandidateId("c-1"))) == [renamed]

    def test_attachments_moved_to_another_candidate_leave_the_first(self) -> None:
        """An attachment saved again under another candidate is listed under that one only."""
        uow = self.stored(_candidate("c-1"), _candidate("c-2"))
        first = Attachment(AttachmentId("a-1"), CandidateId("c-1"), "cv.pdf", _NOW)
        moved = attrs.evolve(first, candidate_id=CandidateId("c-2"))
        self.store(uow, first)
        self.store(uow, moved)
        with uow:
            assert list(uow.attachments.for_candidate(CandidateId("c-1"))) == []
            assert list(uow.attachments.for_candidate(CandidateId("c-2"))) == [moved]


class RepoolingRuleRepositoryContract(AdapterContract):
    """``uow.repooling_rules``: get, save, remove and iteration (AP12)."""

    def test_repooling_rules_round_trip_remove_and_iterate(self) -> None:
        """Rules read back equal and by id; ``remove`` forgets one; unknown ids raise."""
        narrow = RepoolingRule(
            RepoolingRuleId("rr-b"),
            "Retail, 60 days",
            60,
            statuses=frozenset({SubmissionStatus.IN_PROCESS}),
            organizations=frozenset({NodeId("retail")}),
            locations=frozenset({NodeId("praha"), NodeId("brno")}),
            job_fields=frozenset({NodeId("cashier")}),
        )
        broad = RepoolingRule(RepoolingRuleId("rr-a"), "Everything, 90 days", 90)
        uow = self.make_uow()
        self.commit(
            uow, lambda u: u.repooling_rules.save(narrow), lambda u: u.repooling_rules.save(broad)
        )
        with uow:
            assert uow.repooling_rules.get(narrow.id) == narrow
            assert list(uow.repooling_rules) == [broad, narrow]
        longer = attrs.evolve(broad, inactive_after_days=120)
        self.commit(
            uow,
            lambda u: u.repooling_rules.save(longer),
            lambda u: u.repooling_rules.remove(narrow.id),
        )
        with uow:
            assert list(uow.repooling_rules) == [longer]
            with pytest.raises(NotFoundError):
                uow.repooling_rules.get(narrow.id)
            with pytest.raises(NotFoundError):
                uow.repooling_rules.remove(narrow.id)


# --- the pool query (EN4) -----------------------------------------------------------------


def _orderings() -> st.SearchStrategy[Ordering]:
    return st.builds(Ordering, st.sampled_from(SortKey), st.booleans())


def _windows() -> st.SearchStrategy[tuple[int, int | None]]:
    """(offset, limit): offsets past the end too, and limits of 0, a few, or none."""
    return st.tuples(st.integers(0, 9), st.sampled_from((0, 1, 2, 3, 5, None)))


_POOL_CRITERIA: st.SearchStrategy[Criterion] = criteria(vocabulary=True, max_leaves=6) | (
    autopool_criteria(vocabulary=True).map(AutopoolCriteria.criterion)
)


class CandidateQueryContract(AdapterContract):
    """``uow.candidates.find``: the same page and exact total as the reference (EN4, AP5–AP7)."""

    def find(self, uow: FixtureStore, query: CandidateQuery) -> CandidatePage:
        """Run *query* inside a unit of work."""
        with uow:
            return uow.candidates.find(query)

    @_every_store
    @given(contract_worlds(), _POOL_CRITERIA, _orderings(), _windows())
    def test_find_agrees_with_the_reference(
        self,
        spec: WorldSpec,
        criterion: Criterion,
        order: Ordering,
        window: tuple[int, int | None],
    ) -> None:
        """EN4: for any account, criteria, order, limit and offset, the page and total agree."""
        uow = self.make_uow()
        spec.load(uow)
        offset, limit = window
        query = CandidateQuery(spec.target, spec.now, criterion, order, limit, offset)
        _assert_same_page(self.find(uow, query), reference_page(spec, query), query)

    @_every_store
    @given(contract_worlds(), st.data())
    def test_find_sees_every_later_write(self, spec: WorldSpec, data: st.DataObject) -> None:
        """EN4: after candidates, submissions and the requisition change, the answer follows.

        A store that keeps derived columns or indexes (an "active" flag, the latest
        dates) must keep them current on every save.
        """
        uow = self.make_uow()
        spec.load(uow)
        query = CandidateQuery(spec.target, spec.now, EVERYONE, limit=None)
        _assert_same_page(self.find(uow, query), reference_page(spec, query), query)
        changed = data.draw(_changed(spec), label="changed world")
        self.store(uow, *_changes(changed, spec))
        criterion = data.draw(_POOL_CRITERIA, label="criterion")
        order = data.draw(_orderings(), label="order")
        query = CandidateQuery(changed.target, changed.now, criterion, order, limit=None)
        _assert_same_page(self.find(uow, query), reference_page(changed, query), query)

    def test_find_counts_all_but_returns_no_rows_for_limit_zero(self) -> None:
        """AP15: limit 0 asks for the exact total alone; an offset past the end gives no rows."""
        job = _requisition("job", primary_location=CENTRE, language="cs")
        uow = self.stored(
            job,
            _requisition("r-1"),
            *(_candidate(f"c-{i}") for i in range(5)),
            *(_submission(f"s-{i}", f"c-{i}", "r-1", i) for i in range(5)),
        )
        assert self.find(uow, CandidateQuery(job, _NOW, limit=0)) == CandidatePage((), 5)
        assert self.find(uow, CandidateQuery(job, _NOW, limit=3, offset=7)) == CandidatePage((), 5)
        latest_first = self.find(uow, CandidateQuery(job, _NOW, limit=2, offset=1))
        assert [r.candidate_id for r in latest_first.rows] == ["c-1", "c-2"]
        assert latest_first.total == 5

    def test_find_uses_the_requisition_of_the_query(self) -> None:
        """The universe and the radius come from the query's requisition as given.

        A pool exclusion or a moved primary location takes effect in the query
        before the requisition is saved, as when a manager previews a change.
        """
        job = _requisition("job", primary_location=CENTRE, language="cs")
        near = _candidate("c-near", residence=CENTRE)
        far = _candidate("c-far", residence=GeoPoint(49.2234, 18.7394))
        uow = self.stored(
            job,
            _requisition("r-1"),
            near,
            far,
            _submission("s-1", "c-near", "r-1", 3),
            _submission("s-2", "c-far", "r-1", 2),
        )
        radius = ResidenceWithin(25)
        assert _ids(self.find(uow, CandidateQuery(job, _NOW, radius))) == ["c-near"]
        moved = attrs.evolve(job, primary_location=far.residence)
        assert _ids(self.find(uow, CandidateQuery(moved, _NOW, radius))) == ["c-far"]
        excluding = attrs.evolve(job, pool_exclusions=frozenset({near.id}))
        assert _ids(self.find(uow, CandidateQuery(excluding, _NOW))) == ["c-far"]

    def test_find_counts_windows_in_the_zone_of_now(self) -> None:
        """DM3, AP6: "the last 7 days" are 7 calendar days in the zone of ``query.now``.

        A week before 09:00 on the Monday after Prague's clocks went forward is
        09:00 CET, 08:00 UTC; a store that counts the week in UTC (from 07:00 UTC)
        wrongly drops the candidate rejected at 08:30 CET.
        """
        now = datetime(2026, 3, 30, 9, 0, tzinfo=_PRAGUE)
        job = _requisition("job", primary_location=CENTRE, language="cs")

        def rejected(sid: str, cid: str, when: datetime) -> Submission:
            return Submission(
                SubmissionId(sid),
                CandidateId(cid),
                RequisitionId("r-1"),
                now - timedelta(days=20),
                SubmissionStatus.REJECTED,
                status_changed_at=when,
            )

        uow = self.stored(
            job,
            _requisition("r-1"),
            _candidate("c-before"),
            _candidate("c-inside"),
            rejected("s-1", "c-before", datetime(2026, 3, 23, 8, 30, tzinfo=_PRAGUE)),
            rejected("s-2", "c-inside", datetime(2026, 3, 23, 9, 0, tzinfo=_PRAGUE)),
        )
        query = CandidateQuery(job, now, ExcludeRejectedWithin(7))
        assert _ids(self.find(uow, query)) == ["c-before"]

    def test_find_sorts_text_columns_ignoring_case_and_accents(self) -> None:
        """AP7: city and name sort folded (Žatec by Z, brno beside Brno), ties by id, unknown last.

        A database's binary collation puts "Brno" before "Zlín" before "brno"
        before "Žatec"; the reference compares folded text.
        """
        job = _requisition("job", primary_location=CENTRE, language="cs")
        people = {
            "c-1": ("Zlín", "Černá"),
            "c-2": ("Žatec", "novak"),
            "c-3": ("brno", "Dvořák"),
            "c-4": ("Brno", "Novák"),
            "c-5": (None, "Adamová"),
        }
        uow = self.stored(
            job,
            _requisition("r-1"),
            *(
                _candidate(cid, city=city, family_name=family)
                for cid, (city, family) in people.items()
            ),
            *(_submission(f"s-{cid}", cid, "r-1", 1) for cid in people),
        )

        def ordered(key: SortKey, descending: bool) -> list[CandidateId]:
            return _ids(self.find(uow, CandidateQuery(job, _NOW, order=Ordering(key, descending))))

        assert ordered(SortKey.CITY, False) == ["c-3", "c-4", "c-2", "c-1", "c-5"]
        assert ordered(SortKey.CITY, True) == ["c-1", "c-2", "c-3", "c-4", "c-5"]
        assert ordered(SortKey.NAME, False) == ["c-5", "c-1", "c-3", "c-2", "c-4"]


def _ids(found: CandidatePage) -> list[CandidateId]:
    return [row.candidate_id for row in found.rows]


_CHANGE_DAYS = st.sampled_from((0, 1, 6, 7, 8, 30))


@st.composite
def _changed(draw: st.DrawFn, spec: WorldSpec) -> WorldSpec:
    """*spec* after an afternoon's work: new candidate data, statuses and requisition.

    Some candidates take over another candidate's data under their own id (new
    tags, residence, consent, texts); some submissions change status, activity
    and expiry, staying on their requisition so that no pair is taken twice; the
    target requisition moves in the trees, changes language and excludes others.
    Drawn from the world itself, which is much cheaper than drawing a second one.
    """
    pick = st.sampled_from(spec.candidates)
    candidates = tuple(
        attrs.evolve(draw(pick), id=c.id) if draw(st.booleans()) else c for c in spec.candidates
    )
    submissions = tuple(draw(_touched(s, spec.now)) for s in spec.submissions)
    model = draw(st.sampled_from(spec.others))
    target = attrs.evolve(
        spec.target,
        language=model.language,
        organization=model.organization,
        location=model.location,
        job_field=model.job_field,
        pool_exclusions=draw(st.frozensets(pick.map(lambda c: c.id), max_size=2)),
    )
    return attrs.evolve(spec, target=target, candidates=candidates, submissions=submissions)


@st.composite
def _touched(draw: st.DrawFn, submission: Submission, now: datetime) -> Submission:
    if not draw(st.booleans()):
        return submission
    changed_at = max(submission.submitted_at, now - timedelta(days=draw(_CHANGE_DAYS)))
    expiry = draw(st.sampled_from((None, now, now + timedelta(days=1))))
    return attrs.evolve(
        submission,
        status=draw(_STATUSES),
        status_changed_at=changed_at,
        last_activity_at=changed_at,
        expires_at=expiry,
    )


def _changes(changed: WorldSpec, before: WorldSpec) -> list[object]:
    """The saves that turn the store of *before* into that of *changed*."""
    out: list[object] = [changed.target]
    out += [c for c, old in zip(changed.candidates, before.candidates, strict=True) if c is not old]
    out += [
        s for s, old in zip(changed.submissions, before.submissions, strict=True) if s is not old
    ]
    return out
