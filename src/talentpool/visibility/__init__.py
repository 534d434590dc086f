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

**Colleague shares (MP11).** :class:`ColleagueShares` shares one response or a
whole position with a colleague and withdraws either: only a user who owns the
response or position, or an administrator, may; each grant and withdrawal is an
audit event (MP9), and :meth:`ColleagueShares.access_history` answers who could see
a candidate, since when and why, for colleague shares and tag shares alike.
"""

from __future__ import annotations

from talentpool.model import (
    AccessLevel,
    position_shares,
    response_shares,
)
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
    Response,
    SharedAttachment,
    TagShareCandidateCard,
    TagShareCandidateRow,
)
from talentpool.visibility.service import (
    Visibility,
)
from talentpool.visibility.sharing import (
    AccessPeriod,
    ColleagueShares,
    access_history,
    owns_position,
    owns_response,
)

__all__ = [
    "AccessDecision",
    "AccessLevel",
    "AccessPeriod",
    "CandidateCard",
    "CandidateOnPosition",
    "CandidateRow",
    "CandidatesPage",
    "ColleagueShares",
    "OwnerCandidateCard",
    "OwnerCandidateRow",
    "PositionOperation",
    "PositionOverview",
    "Response",
    "SharedAttachment",
    "TagShareCandidateCard",
    "TagShareCandidateRow",
    "Visibility",
    "access_history",
    "check_position_operation",
    "decide_access",
    "owns_position",
    "owns_response",
    "position_shares",
    "response_shares",
    "sees_whole_database",
]
