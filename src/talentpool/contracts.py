"""Contract tests for repository adapters (ST4, EN4): prove a store behaves like the reference.

A host that keeps talentpool's data in its own database implements the ports of
:mod:`talentpool.ports`. This module is the pytest suite that says whether that
implementation keeps the promises the core relies on: what ``get``, ``save``,
``add`` and ``remove`` do, the orders listings come in, what a unit of work
keeps and undoes, and, above all, that :meth:`~talentpool.ports.CandidateRepository.find`
returns the same page and the same exact total as the reference semantics
(:func:`talentpool.engine.filter_records` and :mod:`talentpool.results`)
for generated accounts, criteria, orderings, limits and offsets (EN4).

Each contract is a base class whose tests call :meth:`AdapterContract.make_uow`
for a fresh, empty unit of work over the adapter under test. A host's tests
subclass each contract in one line, after a mixin that says how to make a
store; pytest collects the subclasses (their names start with ``Test``) and
never the contracts themselves::

    # tests/test_my_store.py
    from talentpool import contracts
    from myapp.talent import SqlUnitOfWork, empty_database


    class MyStore(contracts.AdapterContract):
        def make_uow(self) -> SqlUnitOfWork:
            return SqlUnitOfWork(empty_database())


    class TestCandidates(MyStore, contracts.CandidateRepositoryContract): ...
    class TestCandidateQueries(MyStore, contracts.CandidateQueryContract): ...
    class TestUnitOfWork(MyStore, contracts.UnitOfWorkContract): ...
    # ... one line per port the store implements (see ``__all__``)

The tests write only inside ``with uow:`` blocks that call ``commit()``, and
read inside blocks too, so an adapter that needs a transaction for every access
is served. :meth:`~AdapterContract.make_uow` is called once per test and once
per hypothesis example, and must return a store that holds nothing. The
property tests take their settings from the hypothesis profile the host loads;
a database adapter will want ``deadline=None`` there.

This module imports pytest and hypothesis, so it needs the ``test`` extra
(``pip install "talentpool[test]"``).
"""

from __future__ import annotations

import abc
import math
from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from talentpool.engine import EvaluationContext, filter_records
from talentpool.errors import ConflictError, NotFoundError
from talentpool.events import (
    AccountSettingChanged,
    CandidateMatched,
    DomainEvent,
    RepoolingRuleRemoved,
)
from talentpool.geo import DistanceUnit, GeoPoint
from talentpool.ids import (
    AttachmentId,
    CandidateId,
    NodeId,
    NotificationId,
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
    Share,
    ShareKind,
    StructureTree,
    Submission,
    SubmissionStatus,
    Subscription,
    Tag,
    User,
    Workflow,
)
from talentpool.notifications import (
    DEFAULT_CHANNELS,
    Notification,
    NotificationChannel,
    NotificationSettings,
    NotificationType,
)
from talentpool.ports import CandidatePage, CandidateQuery, UnitOfWork
from talentpool.results import Ordering, PoolRow, SortKey, make_row, page, sort_rows
from talentpool.strategies import (
    CENTRE,
    STRUCTURES,
    WorldSpec,
    autopool_criteria,
    criteria,
    quick_filters,
    templates,
    worlds,
)
from talentpool.testing import DEFAULT_NOW

__all__ = [
    "AdapterContract",
    "AttachmentRepositoryContract",
    "CandidateQueryContract",
    "CandidateRepositoryContract",
    "EventLogContract",
    "NotificationRepositoryContract",
    "NotificationSettingsRepositoryContract",
    "QuickFilterRepositoryContract",
    "RepoolingRuleRepositoryContract",
    "RequisitionRepositoryContract",
    "SettingsRepositoryContract",
    "StructureRepositoryContract",
    "SubmissionRepositoryContract",
    "SubscriptionRepositoryContract",
    "TemplateRepositoryContract",
    "UnitOfWorkContract",
    "UserRepositoryContract",
    "VisibilityIndexContract",
    "contract_worlds",
    "reference_page",
]

_NOW = DEFAULT_NOW
_PRAGUE = ZoneInfo("Europe/Prague")
# Instants the generated accounts are evaluated at: a plain UTC morning, and a
# Prague morning the day after clocks went forward, so "the last 1 / 7 days"
# windows span a 23-hour day and must be counted in the query's zone.
_NOWS = (DEFAULT_NOW, datetime(2026, 3, 30, 9, 0, tzinfo=_PRAGUE))
# How close two distances must be to count as one: a millimetre, as the radius edge.
_DISTANCE_TOLERANCE_KM = 1e-6


# --- the reference semantics ----------------------------------------------------------


def contract_worlds(max_candidates: int = 8) -> st.SearchStrategy[WorldSpec]:
    """Generated accounts a store must hold: :func:`~talentpool.strategies.worlds`, valid for AP9.

    A candidate has at most one submission per requisition, as
    :func:`~talentpool.strategies.worlds` guarantees (a database backs that with
    a unique constraint), and the account is evaluated either at
    :data:`~talentpool.testing.DEFAULT_NOW` or on a Prague morning just after
    the clocks went forward.
    """
    return st.sampled_from(_NOWS).flatmap(
        lambda now: worlds(now=now, max_candidates=max_candidates)
    )


def _records(spec: WorldSpec) -> list[CandidateRecord]:
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


def reference_page(spec: WorldSpec, query: CandidateQuery) -> CandidatePage:
    """Return what :meth:`~talentpool.ports.CandidateRepository.find` must answer for *spec*.

    Computed from the reference semantics alone, never from a store: the
    universe and criteria of :func:`~talentpool.engine.filter_records`, the
    rows of :func:`~talentpool.results.make_row`, the order of
    :func:`~talentpool.results.sort_rows` and the slice of
    :func:`~talentpool.results.page`.
    """
    structures = {tree.dimension: tree for tree in spec.structures}
    ctx = EvaluationContext(query.requisition, query.now, structures)
    hits = filter_records(query.criterion, _records(spec), ctx)
    rows = sort_rows((make_row(r, ctx) for r in hits), query.order)
    return CandidatePage(page(rows, query.offset, query.limit), len(hits))


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


# --- building blocks --------------------------------------------------------------------


def _candidate(cid: str, **changes: Any) -> Candidate:
    base = Candidate(CandidateId(cid), "Eva", "Nováková", _NOW - timedelta(days=400))
    return attrs.evolve(base, **changes)


def _requisition(rid: str, **changes: Any) -> Requisition:
    base = Requisition(RequisitionId(rid), f"Position {rid}", _NOW - timedelta(days=100))
    return attrs.evolve(base, **changes)


def _submission(sid: str, cid: str, rid: str, days_ago: int, **changes: Any) -> Submission:
    when = _NOW - timedelta(days=days_ago)
    base = Submission(SubmissionId(sid), CandidateId(cid), RequisitionId(rid), when)
    return attrs.evolve(base, **changes)


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


def _labels(candidate: Candidate) -> set[str]:
    # Tags compare by key alone; a store must keep what a person typed, for display.
    return {tag.label for tag in candidate.tags}


class AdapterContract(abc.ABC):
    """The base of every contract: how its tests get a store of the adapter under test.

    A host writes one subclass that implements :meth:`make_uow` and lists it
    before each contract it runs (see the module docs).
    """

    @abc.abstractmethod
    def make_uow(self) -> UnitOfWork:
        """Return a fresh unit of work over an empty store of the adapter under test.

        Called once per test and once per hypothesis example.
        """

    def commit(self, uow: UnitOfWork, *writes: Callable[[UnitOfWork], object]) -> None:
        """Run *writes* on *uow* in one unit of work and commit it."""
        with uow:
            for write in writes:
                write(uow)
            uow.commit()

    def store(self, uow: UnitOfWork, *items: object) -> None:
        """Save *items* into *uow*, in order, in one committed unit of work.

        Each goes to the repository of its type; a :class:`~talentpool.events.DomainEvent`
        is appended to the audit trail.
        """
        with uow:
            for item in items:
                _save(uow, item)
            uow.commit()

    def stored(self, *items: object) -> UnitOfWork:
        """Return a fresh store holding *items* (see :meth:`store`)."""
        uow = self.make_uow()
        self.store(uow, *items)
        return uow


def _save(uow: UnitOfWork, item: object) -> None:
    if isinstance(item, Candidate):
        uow.candidates.save(item)
    elif isinstance(item, Requisition):
        uow.requisitions.save(item)
    elif isinstance(item, Submission):
        uow.submissions.save(item)
    elif isinstance(item, StructureTree):
        uow.structures.save(item)
    elif isinstance(item, User):
        uow.users.save(item)
    elif isinstance(item, RequisitionTemplate):
        uow.templates.save(item)
    elif isinstance(item, QuickFilter):
        uow.quick_filters.save(item)
    elif isinstance(item, AccountSettings):
        uow.settings.save(item)
    elif isinstance(item, Attachment):
        uow.attachments.save(item)
    elif isinstance(item, RepoolingRule):
        uow.repooling_rules.save(item)
    elif isinstance(item, DomainEvent):
        uow.events.append(item)
    else:  # pragma: no cover - a mistake in a contract, not in an adapter
        msg = f"the contracts cannot store {item!r}"
        raise TypeError(msg)


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
        uow = self.stored(r1, r2, _candidate("c-1"), _candidate("c-2"), s1, s2, other)
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

    def base(self) -> UnitOfWork:
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
        self.commit(uow, lambda u: u.submissions.save(full))
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
        uow = self.stored(rich, plain)
        with uow:
            assert uow.requisitions.get(rich.id) == rich
            assert uow.requisitions.get(plain.id) == plain

    def test_requisitions_save_replaces_and_iterates_in_id_order(self) -> None:
        """Saving under a known id replaces it; iteration is by id."""
        uow = self.stored(_rich_requisition("r-b"), _requisition("r-a"))
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


def _events() -> list[DomainEvent]:
    rule = RepoolingRule(RepoolingRuleId("rr-1"), "Idle", 30)
    return [
        AccountSettingChanged(
            occurred_at=_NOW, actor_id=UserId("u-admin"), setting="autopool_enabled", enabled=True
        ),
        CandidateMatched(
            occurred_at=_NOW + timedelta(minutes=1),
            actor_id=UserId("u-1"),
            reason="strong fit",
            candidate_id=CandidateId("c-1"),
            requisition_id=RequisitionId("r-1"),
            submission_id=SubmissionId("s-1"),
            step="New",
            from_pool=True,
        ),
        RepoolingRuleRemoved(occurred_at=_NOW - timedelta(days=1), actor_id=None, rule=rule),
    ]


class EventLogContract(AdapterContract):
    """``uow.events``: the audit trail keeps each event, in the order appended."""

    def test_events_read_back_in_the_order_appended(self) -> None:
        """Events of several kinds come back equal and in appending order, not by time."""
        events = _events()
        uow = self.make_uow()
        self.store(uow, *events[:2])
        self.store(uow, events[2])
        with uow:
            assert list(uow.events) == events
            assert [type(e) for e in uow.events] == [type(e) for e in events]


class _BoomError(Exception):
    """An error no adapter raises, to leave a unit of work by an exception."""


# --- the unit of work ---------------------------------------------------------------------


class UnitOfWorkContract(AdapterContract):
    """The unit of work: a commit keeps the block's writes; anything else undoes them."""

    def test_uow_commit_keeps_the_writes(self) -> None:
        """Writes of a committed block are there in the next block."""
        uow = self.make_uow()
        with uow:
            uow.candidates.save(_candidate("c-1"))
            uow.requisitions.save(_requisition("r-1"))
            uow.submissions.add(_submission("s-1", "c-1", "r-1", 1))
            uow.events.append(_events()[0])
            uow.commit()
        with uow:
            assert uow.candidates.get(CandidateId("c-1")) == _candidate("c-1")
            assert uow.submissions.get(SubmissionId("s-1")).candidate_id == "c-1"
            assert list(uow.events) == [_events()[0]]

    def test_uow_leaving_without_commit_undoes_every_write(self) -> None:
        """New, replaced and removed entities, added submissions and events all revert."""
        german = QuickFilter(QuickFilterId("q-1"), "Speaks German", SpeaksLanguage("de"))
        uow = self.stored(_candidate("c-1"), _requisition("r-1"))
        self.commit(
            uow, lambda u: u.quick_filters.save(german), lambda u: u.events.append(_events()[0])
        )
        with uow:
            uow.candidates.save(_candidate("c-1", given_name="Jana"))
            uow.candidates.save(_candidate("c-2"))
            uow.requisitions.save(_requisition("r-1", title="Renamed"))
            uow.submissions.add(_submission("s-1", "c-1", "r-1", 0))
            uow.quick_filters.remove(german.id)
            uow.settings.save(AccountSettings(autopool_enabled=True))
            uow.repooling_rules.save(RepoolingRule(RepoolingRuleId("rr-1"), "Idle", 30))
            uow.templates.save(RequisitionTemplate(TemplateId("t-1"), "Cashier"))
            uow.users.save(User(UserId("u-1"), "Jan"))
            uow.structures.save(STRUCTURES[0])
            uow.attachments.save(Attachment(AttachmentId("a-1"), CandidateId("c-1"), "cv", _NOW))
            uow.events.append(_events()[1])
        self._assert_untouched(uow, german)

    def _assert_untouched(self, uow: UnitOfWork, german: QuickFilter) -> None:
        with uow:
            assert uow.candidates.get(CandidateId("c-1")) == _candidate("c-1")
            assert [c.id for c in uow.candidates] == ["c-1"]
            assert uow.requisitions.get(RequisitionId("r-1")) == _requisition("r-1")
            assert list(uow.submissions) == []
            assert list(uow.submissions.for_candidate(CandidateId("c-1"))) == []
            assert uow.quick_filters.get(german.id) == german
            assert uow.settings.get() == AccountSettings()
            assert list(uow.repooling_rules) == []
            assert list(uow.users) == []
            assert uow.structures.tree(Dimension.ORGANIZATION) is None
            assert list(uow.attachments.for_candidate(CandidateId("c-1"))) == []
            assert list(uow.events) == [_events()[0]]
            with pytest.raises(NotFoundError):
                uow.templates.get(TemplateId("t-1"))
        # the undone submission no longer holds its pair
        self.commit(uow, lambda u: u.submissions.add(_submission("s-2", "c-1", "r-1", 0)))
        with uow:
            assert [s.id for s in uow.submissions.for_requisition(RequisitionId("r-1"))] == ["s-2"]

    def test_uow_an_exception_undoes_the_writes_and_propagates(self) -> None:
        """An error inside the block undoes its writes and reaches the caller unchanged."""
        uow = self.make_uow()

        def fail_midway() -> None:
            with uow:
                uow.candidates.save(_candidate("c-1"))
                uow.events.append(_events()[0])
                raise _BoomError

        with pytest.raises(_BoomError):
            fail_midway()
        with uow:
            assert list(uow.candidates) == []
            assert list(uow.events) == []

    def test_uow_writes_after_a_commit_are_undone(self) -> None:
        """A commit keeps what came before it; what the block writes later is undone."""
        uow = self.make_uow()
        with uow:
            uow.candidates.save(_candidate("c-1"))
            uow.commit()
            uow.candidates.save(_candidate("c-2"))
            uow.events.append(_events()[0])
        with uow:
            assert [c.id for c in uow.candidates] == ["c-1"]
            assert list(uow.events) == []

    def test_uow_rollback_undoes_the_writes_so_far(self) -> None:
        """``rollback`` undoes the block's uncommitted writes at once."""
        uow = self.stored(_candidate("c-1"))
        with uow:
            uow.candidates.save(_candidate("c-1", given_name="Jana"))
            uow.candidates.save(_candidate("c-2"))
            uow.rollback()
            assert uow.candidates.get(CandidateId("c-1")) == _candidate("c-1")
            with pytest.raises(NotFoundError):
                uow.candidates.get(CandidateId("c-2"))


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

    def find(self, uow: UnitOfWork, query: CandidateQuery) -> CandidatePage:
        """Run *query* inside a unit of work."""
        with uow:
            return uow.candidates.find(query)

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
_STATUSES = st.sampled_from(SubmissionStatus)


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


# --- micro-pools: subscriptions, the visibility index, notifications (MP) -----------------


def _subscription(uid: str, label: str, minutes: int = 0, **changes: Any) -> Subscription:
    base = Subscription(
        UserId(uid), Tag(label), _NOW + timedelta(minutes=minutes), UserId("u-admin")
    )
    return attrs.evolve(base, **changes)


class SubscriptionRepositoryContract(AdapterContract):
    """``uow.subscriptions``: tag tracking, keyed by user and tag key, read both ways (MP1)."""

    def test_subscriptions_round_trip_by_tag_key(self) -> None:
        """A saved subscription reads back equal under any spelling of its tag, label kept."""
        sub = _subscription("u-1", " Praha ", created_by=None)
        other = _subscription("u-1", "ｃａｌｌ", 5)
        uow = self.make_uow()
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
        uow = self.make_uow()
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
        uow = self.make_uow()
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
        uow = self.make_uow()
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
        uow = self.make_uow()
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

    @given(st.data())
    def test_subscriptions_listings_agree_after_any_writes(self, data: st.DataObject) -> None:
        """After random saves and removals, committed or not, every read agrees with the rest.

        ``get``, ``for_user``, ``tracked``, ``trackers`` and iteration all answer
        from the subscriptions as they are, kept or undone with the unit of work.
        """
        uow = self.make_uow()
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
        self, uow: UnitOfWork, expected: dict[tuple[UserId, str], Subscription]
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

    def store_subscriptions(self, uow: UnitOfWork, *subscriptions: Subscription) -> None:
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


def _read_data(uow: UnitOfWork) -> _Data:
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


def _assert_index_current(uow: UnitOfWork, expected: _Data, where: str) -> None:
    """The repositories hold *expected*, and the visibility index agrees with what they hold.

    Every disagreement is gathered and reported by one ``assert``, so hypothesis
    sees one failure to shrink, however many reads disagree.
    """
    problems = _index_problems(uow, expected)
    assert not problems, f"{where}: " + "; ".join(problems)


def _differing(got: Mapping[Any, object], want: Mapping[Any, object]) -> list[str]:
    return sorted(k for k in {*got, *want} if got.get(k) != want.get(k))


def _index_problems(uow: UnitOfWork, expected: _Data) -> list[str]:
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


def _apply(uow: UnitOfWork, data: _Data, write: Candidate | Requisition | Submission) -> None:
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

    def _one_unit(self, uow: UnitOfWork, kept: _Data, data: st.DataObject, step: int) -> _Data:
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

    def _writes(self, uow: UnitOfWork, into: _Data, data: st.DataObject, where: str) -> None:
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

    def test_notification_settings_default_to_every_channel_on(self) -> None:
        """A user who never changed a switch has the defaults: every channel on."""
        uow = self.make_uow()
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

    def test_notification_settings_read_back_what_was_saved(self) -> None:
        """Saved switches read back equal, per user; a later save replaces them."""
        uow = self.make_uow()
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
        uow = self.make_uow()
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
        uow = self.make_uow()
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
        uow = self.make_uow()
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
        uow = self.make_uow()
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
        uow = self.make_uow()
        self.commit(uow, lambda u: u.notifications.save(first))
        self.commit(uow, lambda u: u.notifications.save(moved))
        with uow:
            assert list(uow.notifications.for_user(UserId("u-1"))) == []
            assert list(uow.notifications.for_user(UserId("u-2"))) == [moved]
            assert list(uow.notifications) == [moved]

    def test_notifications_undone_with_the_unit_of_work(self) -> None:
        """Notifications saved in a block that does not commit are not listed anywhere."""
        first = _notification("n-1", "u-1", _NOW)
        uow = self.make_uow()
        self.commit(uow, lambda u: u.notifications.save(first))
        with uow:
            uow.notifications.save(_notification("n-2", "u-1", _NOW - timedelta(days=1)))
            uow.notifications.save(_notification("n-3", "u-2", _NOW))
            uow.notifications.save(attrs.evolve(first, candidate_name="Jana"))
        with uow:
            assert list(uow.notifications.for_user(UserId("u-1"))) == [first]
            assert list(uow.notifications.for_user(UserId("u-2"))) == []
            assert list(uow.notifications) == [first]
