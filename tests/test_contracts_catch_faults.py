"""ST4, EN4: each query port's contract fails on a store that answers it wrongly.

A contract that passes on every store proves nothing. Here the in-memory
reference is wrapped so that one port gives a plausible wrong answer (the kind
of mistake a host's SQL makes: a ``<=`` for a ``<``, a page limit left on a
dry-run query, a forgotten rule), and the contract for that port, run directly
on the wrapped store, must fail with an assertion: a hypothesis failure for the
differential property, whose falsifying example names the query.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import Phase, settings

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.clock import utc
from talentpool.criteria import Keywords
from talentpool.engine import (
    Bound,
    BoundOwnedBy,
    BoundTag,
    BoundTracked,
    EvaluationContext,
    bind,
    bound_all,
    bound_any,
)
from talentpool.ids import CandidateId, UserId
from talentpool.model import Application, Dimension, StructureTree, Tag
from talentpool.queries import (
    CandidateDatabaseQuery,
    CandidatePage,
    CandidateQuery,
    ListingPage,
    ResponsesPage,
    ResponsesQuery,
)
from talentpool.testing import contracts


class _OneWrongAnswer:
    """A repository that answers one method with *wrong* and everything else as *inner* does."""

    def __init__(self, inner: Any, name: str, wrong: Callable[..., Any]) -> None:
        self._inner, self._name, self._wrong = inner, name, wrong

    def __getattr__(self, name: str) -> Any:
        if name == self._name:
            return lambda *args: self._wrong(self._inner, *args)
        return getattr(self._inner, name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)


# --- the wrong answers, one per port --------------------------------------------------------


def _find_from_the_start(inner: Any, query: CandidateQuery) -> CandidatePage:
    """find that cuts its page from the first row, whatever the offset."""
    return inner.find(attrs.evolve(query, offset=0))  # type: ignore[no-any-return]


def _find_ids_of_the_page_only(inner: Any, query: CandidateQuery) -> frozenset[CandidateId]:
    """find_ids that keeps the query's limit and offset, as if it were ``find``."""
    return frozenset(row.candidate_id for row in inner.find(query).rows)


@attrs.frozen
class _ReadsEveryResponse(CandidateDatabaseQuery):
    """The listing query, bound without judging tag shares as if they had applied nowhere."""

    def bound(self, trees: Mapping[Dimension, StructureTree]) -> Bound:
        filters = bind(self.criterion, EvaluationContext(None, self.now, trees))
        if self.text is not None and self.text.strip():
            words = bind(Keywords(self.text), EvaluationContext(None, self.now))
            filters = bound_all(filters, words)
        viewer = self.viewer
        scope = filters
        if not viewer.whole_database:
            seen = bound_any(BoundOwnedBy(viewer.user_id), BoundTracked(viewer.tracked))
            scope = bound_all(seen, filters)
        return scope if self.micro_pool is None else bound_all(BoundTag(self.micro_pool), scope)


def _naive(query: CandidateDatabaseQuery) -> _ReadsEveryResponse:
    return _ReadsEveryResponse(
        **{f.name: getattr(query, f.name) for f in attrs.fields(type(query))}
    )


def _search_reading_every_response(inner: Any, query: CandidateDatabaseQuery) -> ListingPage:
    """search whose filters read a tag-share candidate's submissions (MP3 forgotten)."""
    return inner.search(_naive(query))  # type: ignore[no-any-return]


def _responses_oldest_first(inner: Any, query: ResponsesQuery) -> ResponsesPage:
    """responses in submission order, oldest first, instead of newest first."""
    every = inner.responses(attrs.evolve(query, limit=None, offset=0))
    rows = sorted(
        every.rows, key=lambda row: (utc(row[1].submission.submitted_at), row[1].submission.id)
    )
    end = None if query.limit is None else query.offset + query.limit
    return ResponsesPage(tuple(rows[query.offset : end]), every.total)


def _idle_at_the_boundary_too(inner: Any, before: datetime) -> Sequence[Application]:
    """idle that counts a submission last active exactly at *before* (``<=`` for ``<``)."""
    return inner.idle(before + timedelta(microseconds=1))  # type: ignore[no-any-return]


def _trees_without_names(inner: Any) -> Mapping[Dimension, StructureTree]:
    """trees that keep the parents but lose the display names."""
    return {d: attrs.evolve(t, names={}) for d, t in inner.trees().items()}


def _trackers_with_the_asked_spelling(
    inner: Any, tags: Collection[Tag]
) -> Mapping[UserId, Sequence[Tag]]:
    """trackers_of that answers the tags as asked, not as each user tracks them."""
    asked = {t.key: t for t in tags}
    return {
        user: tuple(asked[t.key] for t in mine) for user, mine in inner.trackers_of(tags).items()
    }


def _tag_counts_off_by_one(inner: Any, tags: Collection[Tag]) -> Mapping[str, int]:
    """tag_counts that counts one candidate too many."""
    return {key: count + 1 for key, count in inner.tag_counts(tags).items()}


@attrs.frozen
class _Fault:
    """Which repository answers which method wrongly, and the contract test that must catch it."""

    repository: str
    method: str
    wrong: Callable[..., Any]
    contract: type[contracts.AdapterContract]
    test: str


FAULTS = {
    "find ignores the offset": _Fault(
        "candidates",
        "find",
        _find_from_the_start,
        contracts.CandidateQueryContract,
        "test_find_agrees_with_the_reference",
    ),
    "find_ids honours the page": _Fault(
        "candidates",
        "find_ids",
        _find_ids_of_the_page_only,
        contracts.PoolIdsQueryContract,
        "test_find_ids_agree_with_the_reference",
    ),
    "search ignores as if applied nowhere": _Fault(
        "candidates",
        "search",
        _search_reading_every_response,
        contracts.CandidateDatabaseQueryContract,
        "test_search_agrees_with_the_reference",
    ),
    "search ignores as if applied nowhere (example)": _Fault(
        "candidates",
        "search",
        _search_reading_every_response,
        contracts.CandidateDatabaseQueryContract,
        "test_search_judges_a_tag_share_as_if_applied_nowhere",
    ),
    "responses oldest first": _Fault(
        "submissions",
        "responses",
        _responses_oldest_first,
        contracts.ResponsesQueryContract,
        "test_responses_agree_with_the_reference",
    ),
    "idle includes the boundary instant": _Fault(
        "submissions",
        "idle",
        _idle_at_the_boundary_too,
        contracts.IdleSubmissionsQueryContract,
        "test_idle_agrees_with_the_reference",
    ),
    "idle includes the boundary instant (example)": _Fault(
        "submissions",
        "idle",
        _idle_at_the_boundary_too,
        contracts.IdleSubmissionsQueryContract,
        "test_idle_boundary_instant_is_not_idle",
    ),
    "trees lose their names": _Fault(
        "structures",
        "trees",
        _trees_without_names,
        contracts.StructureTreesQueryContract,
        "test_trees_agree_with_what_was_kept",
    ),
    "trackers_of answers the asked spelling": _Fault(
        "subscriptions",
        "trackers_of",
        _trackers_with_the_asked_spelling,
        contracts.TrackersQueryContract,
        "test_trackers_of_agree_with_the_reference",
    ),
    "tag_counts off by one": _Fault(
        "visibility",
        "tag_counts",
        _tag_counts_off_by_one,
        contracts.TagCountsQueryContract,
        "test_tag_counts_agree_with_the_reference",
    ),
}


def _faulty_store(fault: _Fault) -> Callable[[Any], MemoryUnitOfWork]:
    def make_uow(self: Any) -> MemoryUnitOfWork:
        uow = MemoryUnitOfWork()
        inner = getattr(uow, fault.repository)
        setattr(uow, fault.repository, _OneWrongAnswer(inner, fault.method, fault.wrong))
        return uow

    return make_uow


def _only_assertions(error: BaseException) -> bool:
    if isinstance(error, BaseExceptionGroup):
        return all(_only_assertions(e) for e in error.exceptions)
    return isinstance(error, AssertionError)


# Enough examples to meet each fault, drawn the same way on every run, and no
# shrinking: the first failure is all this needs, and shrinking a whole generated
# account takes seconds per fault. A saved example database would also let one
# fault's failures be replayed against the honest store's run of the same test.
_FIND_A_FAILURE_KW: dict[str, Any] = {
    "max_examples": 500,
    "derandomize": True,
    "database": None,
    "phases": (Phase.explicit, Phase.generate),
    "report_multiple_bugs": False,
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_the_contract_of_each_query_port_catches_a_wrong_answer(
    fault: _Fault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The port's contract, run on a store that answers the port wrongly, fails an assertion.

    The same test passes on the honest store (``tests/test_contracts_memory.py``),
    so the failure is the fault's.
    """
    test = getattr(fault.contract, fault.test)
    if hasattr(test, "hypothesis"):
        # A property test reads its settings from this attribute when it runs (there
        # is no public way to change them after @settings); raising=True (the
        # default) makes a renamed attribute fail loudly rather than go unnoticed.
        current = test._hypothesis_internal_use_settings
        monkeypatch.setattr(
            test, "_hypothesis_internal_use_settings", settings(current, **_FIND_A_FAILURE_KW)
        )
    faulty = type("FaultyStore", (fault.contract,), {"make_uow": _faulty_store(fault)})
    with pytest.raises((AssertionError, BaseExceptionGroup)) as caught:
        getattr(faulty(), fault.test)()
    assert _only_assertions(caught.value), caught.value


def test_every_query_contract_has_a_planted_fault() -> None:
    """A new query contract needs a wrong answer here too, or nothing shows it can fail."""
    query_contracts = {
        getattr(contracts, name) for name in contracts.__all__ if name.endswith("QueryContract")
    }
    assert query_contracts == {f.contract for f in FAULTS.values()}
