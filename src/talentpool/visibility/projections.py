"""What each access level shows (MP3): a projection class per level.

Data a tag-share viewer must not see is absent from their classes, not flagged hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from talentpool.ids import AttachmentId, CandidateId, RequisitionId, SubmissionId
from talentpool.model import (
    Attachment,
    Candidate,
    Rejection,
    Requisition,
    Submission,
    SubmissionStatus,
    Tag,
)
from talentpool.validators import aware, aware_or_none

# --- projections ---------------------------------------------------------------------
from talentpool.visibility.decisions import AccessDecision, tag_tuple

__all__ = [
    "CandidateCard",
    "CandidateOnPosition",
    "CandidateRow",
    "CandidatesPage",
    "OwnerCandidateCard",
    "OwnerCandidateRow",
    "PositionOverview",
    "Response",
    "SharedAttachment",
    "TagShareCandidateCard",
    "TagShareCandidateRow",
    "response_of",
]


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
    submitted_at: datetime = attrs.field(validator=aware)
    status_changed_at: datetime = attrs.field(validator=aware)
    last_activity_at: datetime = attrs.field(validator=aware)
    expires_at: datetime | None = attrs.field(validator=aware_or_none)
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
    uploaded_at: datetime = attrs.field(validator=aware)
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
    micro_pools: tuple[Tag, ...] = attrs.field(converter=tag_tuple)


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
    micro_pools: tuple[Tag, ...] = attrs.field(converter=tag_tuple)


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


def response_of(s: Submission, r: Requisition) -> Response:
    """Return the response as an owner sees it: the submission on its position."""
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
