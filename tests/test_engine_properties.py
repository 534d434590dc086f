"""Properties of the criteria engine over random small worlds (EN1, AP4–AP7, EN4, AP14).

The worlds come from :func:`talentpool.testing.strategies.worlds`: candidates around
Prague with submissions on, just inside and just outside every window the
vocabulary criteria use. The reference filter below is written from the
requirements, not from the evaluator: its own word splitting (a hand-made
accent table), UTC window arithmetic with ``timedelta``, geopy for distances
and a walk up the parent links of the structure trees.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta
from typing import Any

import attrs
from geopy.distance import geodesic
from hypothesis import given
from hypothesis import strategies as st

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.autopool import Autopooling
from talentpool.clock import FixedClock
from talentpool.criteria import (
    EVERYONE,
    AllOf,
    AnyOf,
    AutopoolCriteria,
    ConsentValid,
    Criterion,
    Everyone,
    ExcludeExpiredSubmissions,
    ExcludeHiredWithin,
    ExcludeInSelectionProcess,
    ExcludeRejectedWithin,
    FieldEquals,
    HasTag,
    Keywords,
    Not,
    ProfileLanguageMatchesRequisition,
    ResidenceWithin,
    SpeaksLanguage,
    SubmissionsInStructure,
)
from talentpool.geo import DistanceUnit
from talentpool.model import AccountSettings, Candidate, Dimension, Submission, SubmissionStatus
from talentpool.ports import CandidateQuery
from talentpool.results import Ordering, PoolRow, SortKey, sort_rows
from talentpool.testing.strategies import (
    STRUCTURES,
    TARGET_ID,
    WorldSpec,
    autopool_criteria,
    criteria,
    pool_rows,
    worlds,
)

# --- the reference, from first principles -------------------------------------------------

STRIP = str.maketrans(
    "áäčďéěíĺľňóôŕřšťúůýžÁÄČĎÉĚÍĹĽŇÓÔŔŘŠŤÚŮÝŽｃａｌｐｒｈ",
    "aacdeeillnoorrstuuyzAACDEEILLNOORRSTUUYZcalprh",
)
TAG_KEYS = {
    "Praha": "praha",
    "PRAHA": "praha",
    "call": "call",
    "ｃａｌｌ": "call",
    "prepare contract": "prepare contract",
    "Žilina": "žilina",
}


def tokens(text: str) -> set[str]:
    """Whole words of the vocabulary's texts: accents off, lower case, C++ and C# kept."""
    return set(re.findall(r"[a-z0-9]+[+#]*", text.translate(STRIP).lower()))


def searchable(c: Candidate) -> set[str]:
    parts = [c.given_name, c.family_name, c.city or "", c.text, *(v for _, v in c.fields)]
    return tokens(" ".join(parts))


def ancestors(dimension: Dimension, node: str) -> set[str]:
    parents = next(t for t in STRUCTURES if t.dimension is dimension).parents
    out: set[str] = set()
    current: str | None = node
    while current is not None:
        out.add(current)
        current = parents.get(current)  # type: ignore[call-overload]
    return out


def expired(s: Submission, now: datetime) -> bool:
    return s.expires_at is not None and s.expires_at <= now


def radius_km(r: ResidenceWithin) -> float:
    return r.distance * (1.609344 if r.unit is DistanceUnit.MILES else 1.0)


class Reference:
    """The pool of a world's target requisition, computed the long way."""

    def __init__(self, spec: WorldSpec) -> None:
        self.spec = spec
        self.now = spec.now
        self.target = spec.target
        self.requisitions = spec.requisitions

    def universe(self, c: Candidate) -> bool:
        subs = self.spec.submissions_of(c.id)
        on_target = any(s.requisition_id == TARGET_ID for s in subs)
        return bool(subs) and not on_target and c.id not in self.target.pool_exclusions

    def elsewhere(self, c: Candidate) -> list[Submission]:
        return [s for s in self.spec.submissions_of(c.id) if s.requisition_id != TARGET_ID]

    def changed_within(self, c: Candidate, status: SubmissionStatus, days: int) -> bool:
        start = self.now - timedelta(days=days)  # the world's clock is UTC: no DST
        return any(
            s.status is status and s.status_changed_at >= start
            for s in self.spec.submissions_of(c.id)
        )

    def in_structure(self, s: Submission, node: SubmissionsInStructure) -> bool:
        if not node.include_expired and expired(s, self.now):
            return False
        requisition = self.requisitions[s.requisition_id]
        for dimension, chosen in (
            (Dimension.ORGANIZATION, node.organizations),
            (Dimension.LOCATION, node.locations),
            (Dimension.JOB_FIELD, node.job_fields),
        ):
            if not chosen:
                continue
            here = requisition.node(dimension)
            if here is None or not ancestors(dimension, here) & chosen:
                return False
        return True

    def passes(self, k: Criterion, c: Candidate) -> bool:
        now = self.now
        if isinstance(k, Everyone):
            return True
        if isinstance(k, AllOf):
            return all(self.passes(child, c) for child in k.children)
        if isinstance(k, AnyOf):
            return any(self.passes(child, c) for child in k.children)
        if isinstance(k, Not):
            return not self.passes(k.child, c)
        if isinstance(k, Keywords):
            return tokens(k.text) <= searchable(c)
        if isinstance(k, HasTag):
            return TAG_KEYS[k.label.strip()] in {TAG_KEYS[t.label] for t in c.tags}
        if isinstance(k, SpeaksLanguage):
            return k.code in c.languages
        if isinstance(k, FieldEquals):
            value = dict(c.fields).get(k.name)
            return value is not None and value.lower() == k.value.lower()
        if isinstance(k, ExcludeInSelectionProcess):
            return not any(
                s.status in (SubmissionStatus.NEW, SubmissionStatus.IN_PROCESS)
                and not expired(s, now)
                for s in self.elsewhere(c)
            )
        if isinstance(k, ProfileLanguageMatchesRequisition):
            return c.profile_language == self.target.language
        if isinstance(k, ExcludeExpiredSubmissions):
            return any(not expired(s, now) for s in self.elsewhere(c))
        if isinstance(k, ExcludeRejectedWithin):
            return not self.changed_within(c, SubmissionStatus.REJECTED, k.days)
        if isinstance(k, ExcludeHiredWithin):
            return not self.changed_within(c, SubmissionStatus.HIRED, k.days)
        if isinstance(k, ResidenceWithin):
            if c.residence is None:
                return False
            job = self.target.primary_location
            assert job is not None
            km = geodesic(job.as_tuple(), c.residence.as_tuple()).km
            return bool(km <= radius_km(k) + 1e-6)  # the edge is in, to the millimetre
        if isinstance(k, SubmissionsInStructure):
            return any(self.in_structure(s, k) for s in self.elsewhere(c))
        if isinstance(k, ConsentValid):
            consent = c.consent
            return (
                consent is not None
                and (consent.withdrawn_at is None or consent.withdrawn_at > now)
                and (consent.expires_at is None or consent.expires_at > now)
            )
        raise AssertionError(f"no reference rule for {k!r}")

    def pool(self, k: Criterion) -> set[str]:
        return {c.id for c in self.spec.candidates if self.universe(c) and self.passes(k, c)}

    def latest_elsewhere(self, cid: str) -> datetime:
        c = next(c for c in self.spec.candidates if c.id == cid)
        return max(s.submitted_at for s in self.elsewhere(c))


# --- the engine ----------------------------------------------------------------------------


def loaded(spec: WorldSpec) -> MemoryUnitOfWork:
    uow = MemoryUnitOfWork()
    spec.load(uow)
    return uow


def members(uow: MemoryUnitOfWork, spec: WorldSpec, criterion: Criterion) -> set[str]:
    page = uow.candidates.find(CandidateQuery(spec.target, spec.now, criterion, limit=None))
    assert page.total == len(page.rows)
    return {r.candidate_id for r in page.rows}


vocabulary_criteria = criteria(vocabulary=True, max_leaves=6)


@given(worlds(), vocabulary_criteria, vocabulary_criteria)
def test_en1_adding_an_and_term_never_grows_the_result(
    spec: WorldSpec, c: Criterion, d: Criterion
) -> None:
    """EN1, AP4: c & d keeps no one c drops; it is exactly the candidates both keep."""
    uow = loaded(spec)
    alone, both = members(uow, spec, c), members(uow, spec, c & d)
    assert both <= alone
    assert both == alone & members(uow, spec, d)


@given(worlds(), vocabulary_criteria, vocabulary_criteria)
def test_en1_adding_an_or_term_never_shrinks_the_result(
    spec: WorldSpec, c: Criterion, d: Criterion
) -> None:
    """EN1, AP4: c | d keeps everyone c keeps; it is exactly the candidates either keeps."""
    uow = loaded(spec)
    alone, either = members(uow, spec, c), members(uow, spec, c | d)
    assert alone <= either
    assert either == alone | members(uow, spec, d)


@given(worlds(), vocabulary_criteria)
def test_en1_not_partitions_the_universe(spec: WorldSpec, c: Criterion) -> None:
    """EN1, AP5: c and ~c split the universe: no one in both, no one in neither."""
    uow = loaded(spec)
    kept, dropped, universe = (
        members(uow, spec, c),
        members(uow, spec, ~c),
        members(uow, spec, EVERYONE),
    )
    assert kept & dropped == set()
    assert kept | dropped == universe


@given(worlds(), vocabulary_criteria)
def test_en4_query_port_agrees_with_the_reference(spec: WorldSpec, c: Criterion) -> None:
    """AP4–AP6, AP14: the in-memory query answers what the requirements say, for any tree."""
    assert members(loaded(spec), spec, c) == Reference(spec).pool(c)


@given(worlds(), autopool_criteria(vocabulary=True))
def test_ap4_saved_criteria_agree_with_the_reference(
    spec: WorldSpec, saved: AutopoolCriteria
) -> None:
    """AP4, AP6: the service's pool for any saved basic set is the reference's, and its
    default order is the latest submission elsewhere first, ties by candidate id."""
    uow = loaded(spec)
    uow.settings.save(AccountSettings(autopool_enabled=True))
    uow.requisitions.save(attrs.evolve(spec.target, autopool=saved))
    results = Autopooling(uow, FixedClock(spec.now)).results(TARGET_ID)
    reference = Reference(spec)
    expected = reference.pool(saved.criterion())
    assert set(results.candidate_ids) == expected
    assert results.total == len(expected)
    assert not results.truncated
    newest_first = sorted(
        expected,
        key=functools.cmp_to_key(
            lambda a, b: (
                _compare(reference.latest_elsewhere(b), reference.latest_elsewhere(a))
                or _compare(a, b)
            )
        ),
    )
    assert list(results.candidate_ids) == newest_first


def _compare(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


@given(
    worlds(),
    vocabulary_criteria,
    st.builds(Ordering, st.sampled_from(SortKey), st.booleans()),
    st.tuples(st.integers(0, 5), st.none() | st.integers(0, 5)),
)
def test_ap7_a_page_is_a_slice_of_the_whole_ordered_result(
    spec: WorldSpec, c: Criterion, order: Ordering, window: tuple[int, int | None]
) -> None:
    """AP7: any page is the same slice of the full ordered result, and the total is exact."""
    uow = loaded(spec)
    offset, limit = window
    whole = uow.candidates.find(CandidateQuery(spec.target, spec.now, c, order, None))
    part = uow.candidates.find(CandidateQuery(spec.target, spec.now, c, order, limit, offset))
    end = None if limit is None else offset + limit
    assert part.total == whole.total == len(whole.rows)
    assert limit == 0 or part.rows == whole.rows[offset:end]


# --- sorting -------------------------------------------------------------------------------


def _expected_order(rows: list[PoolRow], ordering: Ordering) -> list[PoolRow]:
    """Known values in the asked direction, ties by id ascending, unknown values last by id."""

    def compare(a: PoolRow, b: PoolRow) -> int:
        va, vb = a.value(ordering.key), b.value(ordering.key)
        if va is None or vb is None:
            return _compare(va is None, vb is None) or _compare(a.candidate_id, b.candidate_id)
        by_value = _compare(va, vb) * (-1 if ordering.descending else 1)
        return by_value or _compare(a.candidate_id, b.candidate_id)

    return sorted(rows, key=functools.cmp_to_key(compare))


@given(pool_rows(), st.sampled_from(SortKey), st.booleans(), st.randoms(use_true_random=False))
def test_ap7_sorting_is_deterministic_with_unknowns_last_and_id_tie_break(
    rows: list[PoolRow], key: SortKey, descending: bool, rnd: Any
) -> None:
    """AP7: shuffled input gives the same output; None last both ways; ties by id ascending."""
    ordering = Ordering(key, descending)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    first, second = sort_rows(rows, ordering), sort_rows(shuffled, ordering)
    assert first == second
    assert first == _expected_order(rows, ordering)
    values = [r.value(key) for r in first]
    known = [v for v in values if v is not None]
    assert values == known + [None] * (len(values) - len(known))


def test_ap7_default_ordering_is_latest_submission_first() -> None:
    """AP7: the documented default order."""
    assert Ordering() == Ordering(SortKey.LATEST_SUBMISSION, descending=True)
