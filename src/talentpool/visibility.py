"""Visibility (MP2–MP4, MP6): who may see a candidate, how much, and why.

**The decision.** For a user and a candidate, :func:`decide_access` returns one
:class:`AccessLevel` with its reasons:

* ``OWNER`` — the user owns the candidate: their role or permission sees the
  whole database, a position the candidate is registered on is theirs or was
  shared with them, or one of the candidate's responses was shared with them
  ("share with colleague");
* ``TAG_SHARE`` — the candidate carries a tag the user tracks (a micro-pool);
* ``NONE`` — neither.

Ownership wins where both apply. Nothing is copied: the decision reads the
current tags, subscriptions and shares through the
:class:`~talentpool.ports.VisibilityIndex`, so removing the tag or the
subscription removes a tag share at once (MP4), and tags never touch ownership::

    >>> from talentpool.model import Role, Share, ShareKind, Tag, User
    >>> hm = User("u-hm", "Hana", Role.HIRING_MANAGER)
    >>> tracked = {"praha": Tag("Praha")}
    >>> decide_access(hm, "c-1", {Tag("PRAHA")}, (), tracked).level
    <AccessLevel.TAG_SHARE: 'tag_share'>
    >>> owns_position = Share(ShareKind.POSITION_OWNED, "r-1")
    >>> print(decide_access(hm, "c-1", {Tag("PRAHA")}, [owns_position], tracked))
    u-hm owns c-1: owns position r-1; also in micro-pool Praha
    >>> decide_access(hm, "c-1", {Tag("Brno")}, (), tracked).level
    <AccessLevel.NONE: 'none'>

**What a tag share shows (MP3).** The projections are different classes for
different levels, so data a tag-share viewer must not see is *absent*, not
flagged hidden:

* "Candidates" view: :class:`OwnerCandidateRow` carries the positions overview
  (the "beak"); :class:`TagShareCandidateRow` has no such field. Both carry the
  attachments from all positions, a tag-share row as :class:`SharedAttachment`
  without the position's id;
* "Candidates on positions" view: rows exist only for owners; a tag-share
  viewer gets nothing;
* candidate card: :class:`OwnerCandidateCard` carries every response;
  :class:`TagShareCandidateCard` carries the titles of the positions the
  candidate is registered on (no ids, nothing to open) and no response data at
  all, as if the candidate had applied to no position.

Every position-level operation (:class:`PositionOperation`) is refused with
:class:`~talentpool.errors.PermissionDeniedError` unless the user owns the
candidate: hosts call :meth:`Visibility.require_position_access` before opening a
position, reading or changing a response, or moving the candidate in a workflow.

**Listings (MP5, MP6).** :meth:`Visibility.candidates` lists the user's candidate
database, or one micro-pool of it, filtered by any criterion (AND), full-text
keywords included. A candidate is listed exactly when their single decision lets
the user see them and the criterion holds. For a tag-share candidate the
criterion is evaluated as if they had applied to no position, so a filter on
submissions ("in a selection process", "hired within 30 days") cannot reveal
response data either. The database has no position of its own: criteria
relative to one (radius, profile language matching the requisition) are a
:class:`~talentpool.errors.ConfigurationError` here, and submission criteria
read "on another requisition" as "on any requisition".
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from talentpool.clock import Clock, utc
from talentpool.criteria import (
    EVERYONE,
    Criterion,
)
from talentpool.engine import EvaluationContext, bind
from talentpool.errors import (
    NotFoundError,
    PermissionDeniedError,
)
from talentpool.ids import AttachmentId, CandidateId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    AccessLevel,
    Attachment,
    Candidate,
    Permission,
    Rejection,
    Requisition,
    Share,
    ShareKind,
    Submission,
    SubmissionStatus,
    Tag,
    User,
    position_shares,
    response_shares,
)
from talentpool.ports import MicroPoolStore
from talentpool.queries import CandidateDatabaseQuery, ListingOrder, ResponsesQuery, Viewer

__all__ = [
    "AccessDecision",
    "AccessLevel",
    "CandidateCard",
    "CandidateOnPosition",
    "CandidateRow",
    "CandidatesPage",
    "OwnerCandidateCard",
    "OwnerCandidateRow",
    "PositionOperation",
    "PositionOverview",
    "Response",
    "SharedAttachment",
    "TagShareCandidateCard",
    "TagShareCandidateRow",
    "Visibility",
    "check_position_operation",
    "decide_access",
    "position_shares",
    "response_shares",
    "sees_whole_database",
]


# --- the decision -------------------------------------------------------------------


_WHOLE_DATABASE = Share(ShareKind.WHOLE_DATABASE)
_KIND_ORDER = {kind: i for i, kind in enumerate(ShareKind)}


def _share_key(share: Share) -> tuple[int, str, str]:
    return (_KIND_ORDER[share.kind], share.requisition_id or "", share.submission_id or "")


def _tags(value: Iterable[Tag]) -> tuple[Tag, ...]:
    return tuple(value)


def _shares(value: Iterable[Share]) -> tuple[Share, ...]:
    return tuple(value)


@attrs.frozen
class AccessDecision:
    """One user's access to one candidate, with its reasons (MP2).

    Attributes:
        user_id: Who is looking.
        candidate_id: At whom.
        level: The access level; ``OWNER`` whenever :attr:`shares` is not empty.
        shares: Why the user owns the candidate, in the order of
            :class:`~talentpool.model.ShareKind` (whole database first), then by
            position and response id; empty unless the level is ``OWNER``.
        micro_pools: The user's micro-pools the candidate is in, by tag key, as
            the user tracks them; listed for owners too, though ownership decides.
    """

    user_id: UserId
    candidate_id: CandidateId
    level: AccessLevel
    shares: tuple[Share, ...] = attrs.field(default=(), converter=_shares)
    micro_pools: tuple[Tag, ...] = attrs.field(default=(), converter=_tags)

    @property
    def owns(self) -> bool:
        """Whether the user owns the candidate."""
        return self.level is AccessLevel.OWNER

    @property
    def sees_candidate(self) -> bool:
        """Whether the candidate appears in the user's candidate database."""
        return self.level is not AccessLevel.NONE

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every reason, in words: each share, then each micro-pool."""
        pools = tuple(f"in micro-pool {t.label}" for t in self.micro_pools)
        return tuple(str(s) for s in self.shares) + pools

    def __str__(self) -> str:
        u, c = self.user_id, self.candidate_id
        pools = ", ".join(t.label for t in self.micro_pools)
        noun = "micro-pool" if len(self.micro_pools) == 1 else "micro-pools"
        if self.level is AccessLevel.OWNER:
            text = f"{u} owns {c}: " + "; ".join(str(s) for s in self.shares)
            return text + (f"; also in {noun} {pools}" if pools else "")
        if self.level is AccessLevel.TAG_SHARE:
            return f"{u} sees {c} through a tag share: {noun} {pools}"
        return f"{u} may not see {c}"


def sees_whole_database(user: User) -> bool:
    """Whether *user*'s role or permissions own every candidate (MP2)."""
    return user.has(Permission.SEE_WHOLE_DATABASE)


def decide_access(
    user: User,
    candidate_id: CandidateId,
    tags: Iterable[Tag],
    shares: Iterable[Share],
    tracked: Mapping[str, Tag],
) -> AccessDecision:
    """Decide *user*'s access to a candidate from current data (MP2, MP4).

    A plain function over what the indexes hold: the candidate's *tags*, the
    positions and responses that make the user an owner (*shares*, see
    :func:`position_shares` and :func:`response_shares`) and the tags the user
    tracks (*tracked*, by tag key).
    """
    owned = sorted(set(shares), key=_share_key)
    if sees_whole_database(user):
        owned.insert(0, _WHOLE_DATABASE)
    pools = sorted((tracked[t.key] for t in tags if t.key in tracked), key=lambda t: t.key)
    if owned:
        level = AccessLevel.OWNER
    elif pools:
        level = AccessLevel.TAG_SHARE
    else:
        level = AccessLevel.NONE
    return AccessDecision(user.id, candidate_id, level, owned, pools)


# --- position-level operations -----------------------------------------------------


class PositionOperation(enum.Enum):
    """What a user may do on a position only if they own the candidate (MP3)."""

    OPEN_POSITION = "open the position"
    READ_RESPONSE = "read the response"
    CHANGE_RESPONSE = "change the response"
    MOVE_IN_WORKFLOW = "move the candidate in the workflow"


def check_position_operation(decision: AccessDecision, operation: PositionOperation) -> None:
    """Raise ``PermissionDeniedError`` unless *decision* lets the user do *operation* (MP3)."""
    if decision.owns:
        return
    u, c = decision.user_id, decision.candidate_id
    if decision.level is AccessLevel.TAG_SHARE:
        pools = ", ".join(t.label for t in decision.micro_pools)
        msg = (
            f"user {u!r} may not {operation.value} of candidate {c!r}: they see the candidate "
            f"only through a tag share (micro-pool {pools}), which gives no rights to positions"
        )
    else:
        msg = f"user {u!r} may not {operation.value} of candidate {c!r}: they may not see them"
    raise PermissionDeniedError(msg)


# --- projections ---------------------------------------------------------------------


@attrs.frozen
class PositionOverview:
    """One entry of the positions overview (the "beak" left of the photo), for owners.

    Attributes:
        requisition_id: The position, for the link.
        title: Its title.
        status: Where the candidate's response stands.
        step: The workflow step it is at.
    """

    requisition_id: RequisitionId
    title: str
    status: SubmissionStatus
    step: str | None


@attrs.frozen
class Response:
    """A candidate's response to one position, as an owner sees it.

    Attributes:
        submission_id: The response.
        requisition_id: The position.
        position_title: Its title.
        status: Where the response stands.
        step: The workflow step.
        submitted_at: When the candidate applied.
        status_changed_at: When the status last changed.
        last_activity_at: The last activity on it.
        expires_at: When it expires, if it does.
        rejection: The motives and comment, when rejected.
    """

    submission_id: SubmissionId
    requisition_id: RequisitionId
    position_title: str
    status: SubmissionStatus
    step: str | None
    submitted_at: datetime
    status_changed_at: datetime
    last_activity_at: datetime
    expires_at: datetime | None
    rejection: Rejection | None


@attrs.frozen
class SharedAttachment:
    """An attachment as a tag-share viewer sees it: no id of the position it came with.

    Attributes:
        id: The attachment, for download.
        filename: The file's name.
        uploaded_at: When it was uploaded.
        position_title: The title of the position it came with, or ``None`` for the
            profile or for a position that no longer exists.
    """

    id: AttachmentId
    filename: str
    uploaded_at: datetime
    position_title: str | None


def _attachments(value: Iterable[Attachment]) -> tuple[Attachment, ...]:
    return tuple(value)


def _shared_attachments(value: Iterable[SharedAttachment]) -> tuple[SharedAttachment, ...]:
    return tuple(value)


def _overview(value: Iterable[PositionOverview]) -> tuple[PositionOverview, ...]:
    return tuple(value)


def _responses(value: Iterable[Response]) -> tuple[Response, ...]:
    return tuple(value)


def _titles(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class OwnerCandidateRow:
    """A row of the "Candidates" view for an owner (MP3).

    Attributes:
        candidate: The profile.
        positions: The positions overview: every position the candidate is on.
        attachments: Attachments from the profile and all positions.
        decision: Why the viewer may see the row.
    """

    candidate: Candidate
    positions: tuple[PositionOverview, ...] = attrs.field(converter=_overview)
    attachments: tuple[Attachment, ...] = attrs.field(converter=_attachments)
    decision: AccessDecision


@attrs.frozen
class TagShareCandidateRow:
    """A row of the "Candidates" view for a tag-share viewer (MP3).

    There is no positions overview: the field does not exist.

    Attributes:
        candidate: The profile.
        attachments: Attachments from the profile and all positions, without position ids.
        micro_pools: The viewer's micro-pools the candidate is in.
    """

    candidate: Candidate
    attachments: tuple[SharedAttachment, ...] = attrs.field(converter=_shared_attachments)
    micro_pools: tuple[Tag, ...] = attrs.field(converter=_tags)


CandidateRow = OwnerCandidateRow | TagShareCandidateRow
"""A row of the "Candidates" view, whichever the viewer's access."""


@attrs.frozen
class OwnerCandidateCard:
    """The candidate card for an owner (MP3).

    Attributes:
        candidate: The profile.
        responses: Every response, oldest first.
        attachments: Attachments from the profile and all positions.
        decision: Why the viewer may open the card.
    """

    candidate: Candidate
    responses: tuple[Response, ...] = attrs.field(converter=_responses)
    attachments: tuple[Attachment, ...] = attrs.field(converter=_attachments)
    decision: AccessDecision


@attrs.frozen
class TagShareCandidateCard:
    """The candidate card for a tag-share viewer (MP3).

    It holds no response data and nothing to open a position with: the card
    behaves as if the candidate had applied to no position, except for the list
    of position titles.

    Attributes:
        candidate: The profile.
        position_titles: The titles of the positions the candidate is registered
            on, oldest application first; titles only, no ids.
        attachments: Attachments from the profile and all positions, without position ids.
        micro_pools: The viewer's micro-pools the candidate is in.
    """

    candidate: Candidate
    position_titles: tuple[str, ...] = attrs.field(converter=_titles)
    attachments: tuple[SharedAttachment, ...] = attrs.field(converter=_shared_attachments)
    micro_pools: tuple[Tag, ...] = attrs.field(converter=_tags)


CandidateCard = OwnerCandidateCard | TagShareCandidateCard
"""The candidate card, whichever the viewer's access."""


@attrs.frozen
class CandidateOnPosition:
    """A row of the "Candidates on positions" view; only owners get any (MP3).

    Attributes:
        candidate: The profile.
        response: The candidate's response to the position.
    """

    candidate: Candidate
    response: Response


def _rows(value: Iterable[CandidateRow]) -> tuple[CandidateRow, ...]:
    return tuple(value)


@attrs.frozen
class CandidatesPage:
    """One page of the "Candidates" view (MP5, MP6).

    Attributes:
        rows: The rows, newest candidate first (ties by id).
        total: How many candidates matched in all.
    """

    rows: tuple[CandidateRow, ...] = attrs.field(converter=_rows)
    total: int

    @property
    def candidate_ids(self) -> tuple[CandidateId, ...]:
        """The ids of the rows, in order."""
        return tuple(r.candidate.id for r in self.rows)


# --- the service ----------------------------------------------------------------------


def _check_database_criterion(criterion: Criterion, now: datetime) -> None:
    # Binding for the database refuses criteria measured against a position, and
    # anything but a criterion, as library errors: hosts pass through filters built
    # from user input and catch TalentpoolError (MP6).
    bind(criterion, EvaluationContext(None, now))


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
        self._clock = clock

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
                    (_response(s, r) for s, r in apps),
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
                CandidateOnPosition(candidate, _response(s, r))
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
                CandidateOnPosition(c, _response(a.submission, a.requisition))
                for c, a in found.rows
            )


def _response(s: Submission, r: Requisition) -> Response:
    return Response(
        s.id,
        r.id,
        r.title,
        s.status,
        s.step,
        s.submitted_at,
        s.status_changed_at,
        s.last_activity_at,
        s.expires_at,
        s.rejection,
    )
