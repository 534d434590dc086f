"""Access decisions (MP2, MP4): one level per user and candidate, with its reasons.

Also the position operations only owners may make (MP3).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs

from talentpool.errors import (
    PermissionDeniedError,
)
from talentpool.ids import CandidateId, UserId
from talentpool.model import (
    AccessLevel,
    Permission,
    Share,
    ShareKind,
    Tag,
    User,
)

__all__ = [
    "AccessDecision",
    "PositionOperation",
    "check_position_operation",
    "decide_access",
    "sees_whole_database",
    "tag_tuple",
]

# --- the decision -------------------------------------------------------------------


_WHOLE_DATABASE = Share(ShareKind.WHOLE_DATABASE)
_KIND_ORDER = {kind: i for i, kind in enumerate(ShareKind)}


def _share_key(share: Share) -> tuple[int, str, str]:
    return (_KIND_ORDER[share.kind], share.requisition_id or "", share.submission_id or "")


def tag_tuple(value: Iterable[Tag]) -> tuple[Tag, ...]:
    """The converter of every tuple-of-tags field of the projections and decisions."""
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
    micro_pools: tuple[Tag, ...] = attrs.field(default=(), converter=tag_tuple)

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
