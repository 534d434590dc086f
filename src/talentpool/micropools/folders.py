"""Micro-pools as folders (MP5) and what a subscription change would do (EN5)."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from talentpool.criteria import Criterion, HasTag
from talentpool.ids import CandidateId, UserId
from talentpool.model import Tag

__all__ = [
    "MicroPoolFolder",
    "SubscriptionDryRun",
]

# --- results -----------------------------------------------------------------------------


@attrs.frozen
class MicroPoolFolder:
    """A micro-pool as a virtual folder of the candidate database (MP5).

    Attributes:
        tag: The tracked tag; its label names the folder.
        count: How many candidates are in it.
    """

    tag: Tag
    count: int

    @property
    def label(self) -> str:
        """The folder's name."""
        return self.tag.label

    @property
    def criterion(self) -> Criterion:
        """The folder as a filter, to combine with any other criterion (MP6)."""
        return HasTag(self.tag.label)


def _ids(value: Iterable[CandidateId]) -> tuple[CandidateId, ...]:
    return tuple(value)


@attrs.frozen
class SubscriptionDryRun:
    """What saving a subscription change would do to a user's access (EN5).

    Attributes:
        user_id: Whose access.
        tag: The tag tracked or untracked.
        subscribing: ``True`` for a new subscription, ``False`` for a removal.
        gaining: Candidates the user could not see and would see through the tag.
        losing: Candidates the user sees only through this tag and would no longer see.
        in_micro_pool: The candidates carrying the tag, who would enter (or leave)
            the micro-pool folder; empty when nothing would change.
    """

    user_id: UserId
    tag: Tag
    subscribing: bool
    gaining: tuple[CandidateId, ...] = attrs.field(converter=_ids)
    losing: tuple[CandidateId, ...] = attrs.field(converter=_ids)
    in_micro_pool: tuple[CandidateId, ...] = attrs.field(converter=_ids)

    @property
    def changes(self) -> bool:
        """Whether saving would move any candidate into or out of the user's micro-pool (EN5).

        This is about the folder's contents and so who the user can see through
        the tag, not about whether anything is written: a new subscription to a
        tag no candidate carries gives ``False``, yet saving it still creates the
        (empty) folder and records :class:`SubscriptionAdded`. Whether the
        user's access changes is :attr:`gaining` or :attr:`losing` (an owner
        gains and loses nothing even when this is ``True``).
        """
        return bool(self.in_micro_pool)
