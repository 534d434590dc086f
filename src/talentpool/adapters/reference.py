"""The reference answer to each query port, over candidate records (EN4, ST4).

One function per query: bind the query, keep the records the
:class:`~talentpool.engine.Matcher` accepts, order them, cut the page. The
in-memory store answers its ports with these, and the contract suite compares
every other store's answers with them, so there is one reference pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from talentpool.clock import utc
from talentpool.engine import Matcher
from talentpool.engine.bind import EvaluationContext
from talentpool.engine.evaluate import Owned
from talentpool.ids import CandidateId
from talentpool.model import Candidate, CandidateRecord, Dimension, StructureTree
from talentpool.queries import (
    CandidateDatabaseQuery,
    CandidatePage,
    CandidateQuery,
    ListingPage,
    ResponsesPage,
    ResponsesQuery,
)
from talentpool.results import PoolRow, make_row, page, sort_rows

__all__ = [
    "listing_matches",
    "listing_order",
    "listing_page",
    "pool_matches",
    "pool_page",
    "pool_rows",
    "responses_page",
]

Trees = Mapping[Dimension, StructureTree]


def pool_matches(
    query: CandidateQuery, trees: Trees, records: Iterable[CandidateRecord]
) -> list[CandidateRecord]:
    """Return the records in the pool of *query*, in input order."""
    tree = query.bound(trees)
    matcher = Matcher()
    return [r for r in records if matcher.matches(tree, r)]


def pool_page(
    query: CandidateQuery, trees: Trees, records: Iterable[CandidateRecord]
) -> CandidatePage:
    """Return the page and exact total of the pool of *query* (AP7, AP15)."""
    hits = pool_matches(query, trees, records)
    if query.limit == 0:
        return CandidatePage((), len(hits))
    return CandidatePage(pool_rows(query, query.context(trees), hits), len(hits))


def pool_rows(
    query: CandidateQuery, ctx: EvaluationContext, hits: Iterable[CandidateRecord]
) -> tuple[PoolRow, ...]:
    """Return the page of *query* among the records *hits* of its pool, in its order."""
    rows = sort_rows((make_row(r, ctx) for r in hits), query.order)
    return page(rows, query.offset, query.limit)


def listing_matches(
    query: CandidateDatabaseQuery,
    trees: Trees,
    records: Iterable[CandidateRecord],
    owned: Owned,
) -> list[Candidate]:
    """Return the candidates the listing of *query* holds, in its order.

    *owned* says which candidates a user owns through positions and responses.
    """
    tree = query.bound(trees)
    matcher = Matcher(owned)
    return listing_order(query, (r.candidate for r in records if matcher.matches(tree, r)))


def listing_order(query: CandidateDatabaseQuery, hits: Iterable[Candidate]) -> list[Candidate]:
    """Return the candidates *hits* in the order of *query*, ties by id."""
    ordered = sorted(hits, key=_id)
    # sorted() is stable, also in reverse, so equal values keep id order.
    ordered.sort(key=query.order.sort_key, reverse=query.order.descending)  # type: ignore[arg-type]
    return ordered


def listing_page(
    query: CandidateDatabaseQuery,
    trees: Trees,
    records: Iterable[CandidateRecord],
    owned: Owned,
) -> ListingPage:
    """Return the page and exact total of the listing of *query* (MP5, MP6)."""
    hits = listing_matches(query, trees, records, owned)
    end = None if query.limit is None else query.offset + query.limit
    return ListingPage(tuple(hits[query.offset : end]), len(hits))


def responses_page(query: ResponsesQuery, owned: Iterable[CandidateRecord]) -> ResponsesPage:
    """Return the page of responses of the *owned* candidates' records (MP3).

    *owned* holds the records of the candidates the viewer owns (every candidate
    for a viewer who sees the whole database).
    """
    wanted = query.requisition_id
    rows = [
        (r.candidate, a)
        for r in owned
        for a in r.applications
        if wanted is None or a.requisition.id == wanted
    ]
    rows.sort(key=lambda row: row[1].submission.id)
    rows.sort(key=lambda row: utc(row[1].submission.submitted_at), reverse=True)
    end = None if query.limit is None else query.offset + query.limit
    return ResponsesPage(tuple(rows[query.offset : end]), len(rows))


def _id(candidate: Candidate) -> CandidateId:
    return candidate.id
