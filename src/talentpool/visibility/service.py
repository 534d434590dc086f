"""The visibility service (MP2–MP6): decisions, projections and listings over a store."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime

from talentpool.clock import Clock, checked, utc
from talentpool.criteria import (
    EVERYONE,
    Criterion,
)
from talentpool.engine import EvaluationContext, bind
from talentpool.errors import (
    NotFoundError,
    PermissionDeniedError,
)
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import (
    AccessLevel,
    Candidate,
    Requisition,
    Submission,
    Tag,
)
from talentpool.ports import MicroPoolStore
from talentpool.queries import CandidateDatabaseQuery, ListingOrder, ResponsesQuery, Viewer

# --- the service ----------------------------------------------------------------------
from talentpool.visibility.decisions import (
    AccessDecision,
    PositionOperation,
    check_position_operation,
    decide_access,
    sees_whole_database,
)
from talentpool.visibility.projections import (
    CandidateCard,
    CandidateOnPosition,
    CandidateRow,
    CandidatesPage,
    OwnerCandidateCard,
    OwnerCandidateRow,
    PositionOverview,
    SharedAttachment,
    TagShareCandidateCard,
    TagShareCandidateRow,
    response_of,
)

__all__ = [
    "Visibility",
]


def _check_database_criterion(criterion: Criterion, now: datetime) -> None:
    # Binding for the database refuses criteria measured against a position, and
    # anything but a criterion, as library errors: hosts pass through filters built
    # from user input and catch TalentpoolError (MP6). The saved trees are not at
    # hand here: the store checks structure nodes against them when it binds (AP4).
    bind(criterion, EvaluationContext(None, now, structures=None))


class Visibility:
    """Access decisions, projections and listings over a unit of work (MP2–MP6).

    Every public read except :meth:`level` runs inside ``with uow:``: for the
    in-memory store that takes its lock, so a listing never iterates an index a
    concurrent writer is changing and never sees another thread's uncommitted
    writes; for a database it is one transaction. Nothing is written, so leaving
    the block without a commit undoes nothing; inside a caller's own unit of work
    the block simply joins it.

    Args:
        uow: Where everything is read.
        clock: Where "now" comes from, for criteria with time windows.
    """

    def __init__(self, uow: MicroPoolStore, clock: Clock) -> None:
        self._uow = uow
        self._clock = checked(clock)

    # --- decisions ------------------------------------------------------------------

    def decide(self, user_id: UserId, candidate_id: CandidateId) -> AccessDecision:
        """Return *user_id*'s access to the candidate, with its reasons (MP2)."""
        uow = self._uow
        with uow:
            user = uow.users.get(user_id)
            candidate = uow.candidates.get(candidate_id)
            return decide_access(
                user,
                candidate_id,
                candidate.tags,
                uow.visibility.shares(user_id, candidate_id),
                uow.subscriptions.tracked(user_id),
            )

    def level(self, user_id: UserId, candidate_id: CandidateId) -> AccessLevel:
        """Return *user_id*'s access level to the candidate (MP2).

        The same answer as :meth:`decide`, without gathering the reasons: the
        check a host makes on every request (PF3).

        Unlike the other reads it does not enter a unit of work: that would add
        about a microsecond to a check budgeted at 5 µs. It is safe without one
        because it iterates over nothing the store changes: it makes point
        lookups (a user, a candidate, the size of one share set, membership in
        the tracked tags) and iterates only the candidate's own frozen tag set,
        so a concurrent writer cannot make it fail. It may see another thread's
        write that is still in flight; a host that needs the answer consistent
        with other reads calls it inside its own ``with uow:``.
        """
        uow = self._uow
        user = uow.users.get(user_id)
        tags = uow.candidates.get(candidate_id).tags
        if sees_whole_database(user) or uow.visibility.shares(user_id, candidate_id):
            return AccessLevel.OWNER
        tracked = uow.subscriptions.tracked(user_id)
        if tracked and any(t.key in tracked for t in tags):
            return AccessLevel.TAG_SHARE
        return AccessLevel.NONE

    def require_position_access(
        self, user_id: UserId, candidate_id: CandidateId, operation: PositionOperation
    ) -> AccessDecision:
        """Return the decision if the user may do *operation*; raise ``PermissionDeniedError``.

        Hosts call this before opening a position from the candidate, reading or
        changing a response, or moving the candidate in a workflow (MP3). The
        host's own rights on the position still apply on top.
        """
        with self._uow:
            decision = self.decide(user_id, candidate_id)
            check_position_operation(decision, operation)
            return decision

    def visible_candidates(self, user_id: UserId) -> frozenset[CandidateId]:
        """Return every candidate the user may see: owned ones and those in their micro-pools."""
        with self._uow:
            query = CandidateDatabaseQuery(self.viewer(user_id), self._clock.now())
            return self._uow.candidates.search_ids(query)

    def viewer(self, user_id: UserId, tracked: Iterable[str] | None = None) -> Viewer:
        """Return how far *user_id* sees: the whole database, or what they own and track.

        *tracked* replaces the tag keys they track, to ask what a subscription
        change would do before it is saved (EN5).
        """
        uow = self._uow
        user = uow.users.get(user_id)
        keys = uow.subscriptions.tracked(user_id).keys() if tracked is None else tracked
        return Viewer(user_id, sees_whole_database(user), frozenset(keys))

    # --- projections -------------------------------------------------------------------

    def _refuse(self, decision: AccessDecision, what: str) -> PermissionDeniedError:
        msg = f"user {decision.user_id!r} may not see {what} of candidate {decision.candidate_id!r}"
        return PermissionDeniedError(msg)

    def _applications(self, candidate_id: CandidateId) -> list[tuple[Submission, Requisition]]:
        record = self._uow.candidates.record(candidate_id)
        apps = sorted(
            record.applications, key=lambda a: (utc(a.submission.submitted_at), a.submission.id)
        )
        return [(a.submission, a.requisition) for a in apps]

    def _shared_attachments(self, candidate_id: CandidateId) -> tuple[SharedAttachment, ...]:
        out = []
        for a in self._uow.attachments.for_candidate(candidate_id):
            title = None
            if a.requisition_id is not None:
                # A position that is gone leaves the attachment, untitled (MP3).
                with contextlib.suppress(NotFoundError):
                    title = self._uow.requisitions.get(a.requisition_id).title
            out.append(SharedAttachment(a.id, a.filename, a.uploaded_at, title))
        return tuple(out)

    def _row(self, candidate: Candidate, decision: AccessDecision) -> CandidateRow:
        if decision.owns:
            return OwnerCandidateRow(
                candidate,
                (
                    PositionOverview(r.id, r.title, s.status, s.step)
                    for s, r in self._applications(candidate.id)
                ),
                self._uow.attachments.for_candidate(candidate.id),
                decision,
            )
        return TagShareCandidateRow(
            candidate, self._shared_attachments(candidate.id), decision.micro_pools
        )

    def candidate_row(self, user_id: UserId, candidate_id: CandidateId) -> CandidateRow:
        """Return the candidate's row of the "Candidates" view for *user_id* (MP3).

        Raises ``PermissionDeniedError`` when the user may not see the candidate.
        """
        with self._uow:
            decision = self.decide(user_id, candidate_id)
            if not decision.sees_candidate:
                raise self._refuse(decision, "the row")
            return self._row(self._uow.candidates.get(candidate_id), decision)

    def candidate_card(self, user_id: UserId, candidate_id: CandidateId) -> CandidateCard:
        """Return the candidate card for *user_id* (MP3).

        Raises ``PermissionDeniedError`` when the user may not see the candidate.
        """
        with self._uow:
            decision = self.decide(user_id, candidate_id)
            if not decision.sees_candidate:
                raise self._refuse(decision, "the card")
            candidate = self._uow.candidates.get(candidate_id)
            apps = self._applications(candidate_id)
            if decision.owns:
                return OwnerCandidateCard(
                    candidate,
                    (response_of(s, r) for s, r in apps),
                    self._uow.attachments.for_candidate(candidate_id),
                    decision,
                )
            return TagShareCandidateCard(
                candidate,
                (r.title for _, r in apps),
                self._shared_attachments(candidate_id),
                decision.micro_pools,
            )

    def positions_of(
        self, user_id: UserId, candidate_id: CandidateId
    ) -> tuple[CandidateOnPosition, ...]:
        """Return the candidate's rows of the "Candidates on positions" view (MP3).

        Empty unless the user owns the candidate: a tag share shows nothing here.
        """
        with self._uow:
            decision = self.decide(user_id, candidate_id)
            if not decision.owns:
                return ()
            candidate = self._uow.candidates.get(candidate_id)
            return tuple(
                CandidateOnPosition(candidate, response_of(s, r))
                for s, r in self._applications(candidate_id)
            )

    # --- listings ------------------------------------------------------------------------

    def _query(
        self,
        user_id: UserId,
        criterion: Criterion,
        *,
        micro_pool: Tag | str | None,
        text: str | None,
        order: ListingOrder | None,
        limit: int | None,
        offset: int,
    ) -> CandidateDatabaseQuery:
        now = self._clock.now()
        _check_database_criterion(criterion, now)
        viewer = self.viewer(user_id)
        tag = None
        if micro_pool is not None:
            tag = micro_pool if isinstance(micro_pool, Tag) else Tag(micro_pool)
            if tag.key not in viewer.tracked:
                raise NotFoundError("micro-pool", f"{user_id}/{tag.label}")
        return CandidateDatabaseQuery(
            viewer, now, criterion, tag, text, order or ListingOrder(), limit, offset
        )

    def candidates(
        self,
        user_id: UserId,
        criterion: Criterion = EVERYONE,
        *,
        micro_pool: Tag | str | None = None,
        text: str | None = None,
        order: ListingOrder | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> CandidatesPage:
        """List the user's candidate database, or one of their micro-pools (MP5, MP6).

        *criterion* and the full-text *text* combine with the listing by AND:
        keywords, tags, languages, fields, consent and submission criteria alike.
        Opening *micro_pool* keeps the candidates in that micro-pool; it raises
        ``NotFoundError`` if the user does not track that tag. Rows are
        projections for the viewer's access level, newest candidate first (ties
        by id) unless *order* says otherwise; *limit* and *offset* page them, and
        the total counts every match. The store answers the whole query in one
        call, so a page costs the same whatever the size of the database.
        """
        uow = self._uow
        with uow:
            query = self._query(
                user_id,
                criterion,
                micro_pool=micro_pool,
                text=text,
                order=order,
                limit=limit,
                offset=offset,
            )
            found = uow.candidates.search(query)
            user = uow.users.get(user_id)
            tracked = uow.subscriptions.tracked(user_id)
            rows = []
            for candidate in found.candidates:
                shares = uow.visibility.shares(user_id, candidate.id)
                decision = decide_access(user, candidate.id, candidate.tags, shares, tracked)
                rows.append(self._row(candidate, decision))
            return CandidatesPage(rows, found.total)

    def count(
        self,
        user_id: UserId,
        criterion: Criterion = EVERYONE,
        *,
        micro_pool: Tag | str | None = None,
        text: str | None = None,
    ) -> int:
        """Return how many candidates :meth:`candidates` would list."""
        with self._uow:
            query = self._query(
                user_id, criterion, micro_pool=micro_pool, text=text, order=None, limit=0, offset=0
            )
            return self._uow.candidates.search(query).total

    def candidates_on_positions(
        self,
        user_id: UserId,
        requisition_id: RequisitionId | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[CandidateOnPosition, ...]:
        """List the "Candidates on positions" view: responses of candidates the user owns (MP3).

        Newest response first (ties by submission id); only the responses to
        *requisition_id* when given; *limit* and *offset* page them. Candidates
        the user sees only through a tag share never appear.
        """
        with self._uow:
            query = ResponsesQuery(self.viewer(user_id, ()), requisition_id, limit, offset)
            found = self._uow.submissions.responses(query)
            return tuple(
                CandidateOnPosition(c, response_of(a.submission, a.requisition))
                for c, a in found.rows
            )
