"""Domain events, all in one place: the audit trail every write leaves (AP9–AP12, MP9).

Services never call out to notify anyone directly; they append events to the
unit of work's :class:`EventLog`, in the same transaction as the write they
describe, so a host that stores them can answer who did what, when and why.
Each event is an immutable ``attrs`` class deriving from :class:`DomainEvent`,
and each answers four questions:

* **who** — ``actor_id``, the user; ``None`` for the system (the repooling batch job);
* **what** — the event's type and its fields (candidate, requisition, submission…);
* **when** — ``occurred_at``, from the service's clock;
* **why** — ``reason``, a sentence a person reads.

The events, by the feature that records them:

* **account settings**: :class:`AccountSettingChanged`;
* **autopool criteria and quick filters** (AP2, AP3, AP8):
  :class:`AutopoolCriteriaSaved`, :class:`RequisitionOpened`,
  :class:`QuickFilterSaved`, :class:`QuickFilterRemoved`;
* **acting on pools** (AP9–AP11): :class:`CandidateMatched`,
  :class:`CandidateMatchedAndRejected`, :class:`CandidateFileViewed` (a read, but
  a read of personal data that a host must be able to account for);
* **repooling** (AP12): :class:`RepoolingRuleSaved`, :class:`RepoolingRuleRemoved`,
  :class:`SubmissionInactivated`;
* **micro-pools** (MP1, MP9): :class:`TagShareGranted` and :class:`TagShareRevoked`
  with their :class:`TagShareCause`, :class:`SubscriptionAdded`,
  :class:`SubscriptionRemoved`;
* **colleague shares** (MP9, MP11): :class:`ColleagueShareGranted` and
  :class:`ColleagueShareWithdrawn`.

:data:`EVENT_TYPES` lists them all. Their stored, JSON-ready form and the way
back are :func:`talentpool.audit.event_to_dict` and
:func:`talentpool.audit.event_from_dict`.

This module sits just above the model and the criteria: event fields hold ids,
tags, enums, entities and saved criteria, never a service, so every service can
import it and it imports none of them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import datetime
from typing import Protocol

import attrs

from talentpool.clock import utc
from talentpool.criteria import AutopoolCriteria, QuickFilter
from talentpool.ids import (
    CandidateId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.model import AccessLevel, RepoolingRule, Share, SubmissionStatus, Tag
from talentpool.validators import aware

__all__ = [
    "EVENT_TYPES",
    "AccountSettingChanged",
    "AutopoolCriteriaSaved",
    "CandidateErased",
    "CandidateFileViewed",
    "CandidateMatched",
    "CandidateMatchedAndRejected",
    "ColleagueShareGranted",
    "ColleagueShareWithdrawn",
    "DomainEvent",
    "EventLog",
    "QuickFilterRemoved",
    "QuickFilterSaved",
    "RepoolingRuleRemoved",
    "RepoolingRuleSaved",
    "RequisitionOpened",
    "SubmissionInactivated",
    "SubscriptionAdded",
    "SubscriptionRemoved",
    "TagShareCause",
    "TagShareGranted",
    "TagShareRevoked",
]


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Something that happened, recorded for the audit trail.

    Events compare their datetimes as instants, in UTC, as the rest of the
    library does: an event read back from its stored form, whose datetimes carry
    a fixed UTC offset, equals the event recorded in a named zone, even in the
    hour a daylight-saving change repeats or skips (where Python's own ``==``
    between two zones is always false).

    Attributes:
        occurred_at: When it happened.
        actor_id: Who made it happen, or ``None`` for the system (a batch job).
        reason: Why, in words a person reads.
    """

    occurred_at: datetime = attrs.field(validator=aware, eq=utc)
    actor_id: UserId | None
    reason: str = ""


class EventLog(Protocol):
    """**Protocol:** where events are appended, inside the unit of work that caused them."""

    def append(self, event: DomainEvent) -> None:
        """Record *event*; it is undone with the unit of work if that is not committed."""
        ...

    def __iter__(self) -> Iterator[DomainEvent]:
        """Iterate over every recorded event, oldest first."""
        ...

    def rewrite(
        self, mentioning: Collection[str], change: Callable[[DomainEvent], DomainEvent]
    ) -> int:
        """Replace each event by ``change(event)``, in place, keeping its position (DM6).

        Only events that may mention one of *mentioning* need be offered (a
        database looks for the text in its stored documents); *change* returns the
        event itself when nothing in it is to change. Returns how many changed.
        Undone with the unit of work if that is not committed.
        """
        ...


# --- account settings -----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AccountSettingChanged(DomainEvent):
    """A system administrator switched an account setting (such as match and reject, AP10).

    Attributes:
        setting: The :class:`~talentpool.model.AccountSettings` field, such as
            ``"match_and_reject_enabled"``.
        enabled: Its new value.
    """

    setting: str
    enabled: bool


# --- autopool criteria and quick filters (AP2, AP3, AP8) ------------------------------


@attrs.frozen(kw_only=True)
class AutopoolCriteriaSaved(DomainEvent):
    """Autopool criteria were saved on a template or a requisition (AP2, AP3).

    Exactly one of :attr:`template_id` and :attr:`requisition_id` is set.

    Attributes:
        template_id: The template whose criteria changed, if it was a template.
        requisition_id: The requisition whose criteria changed, if it was one.
        criteria: The criteria now saved, ``None`` when they were removed.
        previous: The criteria before, ``None`` when there were none.
    """

    template_id: TemplateId | None = None
    requisition_id: RequisitionId | None = None
    criteria: AutopoolCriteria | None
    previous: AutopoolCriteria | None


@attrs.frozen(kw_only=True)
class RequisitionOpened(DomainEvent):
    """A requisition was created from a template and inherited its criteria (AP3).

    Attributes:
        requisition_id: The new requisition.
        template_id: The template it came from.
        inherited_criteria: Whether it inherited autopool criteria.
    """

    requisition_id: RequisitionId
    template_id: TemplateId
    inherited_criteria: bool


@attrs.frozen(kw_only=True)
class QuickFilterSaved(DomainEvent):
    """A system administrator created or changed a quick filter (AP8).

    Attributes:
        quick_filter: The filter as saved.
    """

    quick_filter: QuickFilter


@attrs.frozen(kw_only=True)
class QuickFilterRemoved(DomainEvent):
    """A system administrator removed a quick filter (AP8).

    Attributes:
        quick_filter_id: The filter removed.
    """

    quick_filter_id: QuickFilterId


# --- acting on pools (AP9–AP11) -------------------------------------------------------


@attrs.frozen(kw_only=True)
class CandidateMatched(DomainEvent):
    """A candidate was matched to a requisition from its autopool (AP9).

    Attributes:
        candidate_id: Who was matched.
        requisition_id: To which requisition.
        submission_id: The submission the match created.
        step: The workflow step it starts at (the workflow's first).
        from_pool: ``True`` when the candidate was in the pool (no permission
            needed); ``False`` when the actor's general permission to match
            candidates allowed it.
    """

    candidate_id: CandidateId
    requisition_id: RequisitionId
    submission_id: SubmissionId
    step: str
    from_pool: bool


@attrs.frozen(kw_only=True)
class CandidateMatchedAndRejected(DomainEvent):
    """A candidate was matched and rejected in one action (AP10).

    The submission was created rejected, and the candidate was added to the
    requisition's pool exclusions so they never reappear in its pool.

    Attributes:
        candidate_id: Who was matched and rejected.
        requisition_id: From which requisition's pool.
        submission_id: The rejected submission the action created.
        step: The workflow step the submission was created at.
        from_pool: As for :class:`CandidateMatched`.
        motives: The rejection motives, as the workflow spells them.
        comment: The rejection comment.
    """

    candidate_id: CandidateId
    requisition_id: RequisitionId
    submission_id: SubmissionId
    step: str
    from_pool: bool
    motives: tuple[str, ...]
    comment: str


@attrs.frozen(kw_only=True)
class CandidateFileViewed(DomainEvent):
    """A user opened a candidate's file from a requisition's pool results (AP11).

    Attributes:
        candidate_id: Whose file.
        requisition_id: From which requisition's pool.
        other_applications_shown: Whether the file listed the candidate's other
            applications (the viewer held the permission to see them).
    """

    candidate_id: CandidateId
    requisition_id: RequisitionId
    other_applications_shown: bool


# --- repooling (AP12) -----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RepoolingRuleSaved(DomainEvent):
    """A system administrator created or changed a repooling rule (AP12).

    Attributes:
        rule: The rule as saved.
        previous: The rule it replaced, or ``None`` when it is new.
    """

    rule: RepoolingRule
    previous: RepoolingRule | None


@attrs.frozen(kw_only=True)
class RepoolingRuleRemoved(DomainEvent):
    """A system administrator removed a repooling rule (AP12).

    Attributes:
        rule: The rule that was removed.
    """

    rule: RepoolingRule


@attrs.frozen(kw_only=True)
class SubmissionInactivated(DomainEvent):
    """The repooling job set an idle submission Inactive (AP12).

    Attributes:
        submission_id: The submission.
        candidate_id: Its candidate, who may now return to other pools.
        requisition_id: Its requisition.
        rule_id: The rule that applied.
        previous_status: Its status before (new or in process).
        last_activity_at: Its last activity, which the job leaves as it was.
        idle_days: Whole calendar days from the last activity to the run.
    """

    submission_id: SubmissionId
    candidate_id: CandidateId
    requisition_id: RequisitionId
    rule_id: RepoolingRuleId
    previous_status: SubmissionStatus
    last_activity_at: datetime = attrs.field(validator=aware, eq=utc)
    idle_days: int


# --- micro-pools (MP1, MP9) -----------------------------------------------------------


class TagShareCause(enum.Enum):
    """What made a tag share appear or go (MP9)."""

    CREATED_WITH_TAG = "created_with_tag"
    """The candidate entered the database carrying the tag."""
    TAGGED = "tagged"
    """The tag was added to the candidate."""
    UNTAGGED = "untagged"
    """The tag was removed from the candidate."""
    SUBSCRIBED = "subscribed"
    """An administrator set up tracking of the tag for the user."""
    UNSUBSCRIBED = "unsubscribed"
    """An administrator removed the user's tracking of the tag."""


@attrs.frozen(kw_only=True)
class TagShareGranted(DomainEvent):
    """A user began to see a candidate through one of their micro-pools (MP9).

    Attributes:
        user_id: Who gained the tag share.
        candidate_id: Whom they can now see.
        micro_pool: The tag, as the user tracks it.
        cause: A tag or a subscription appeared.
        level_after: The user's access level to the candidate afterwards (``OWNER``
            if they own the candidate anyway).
    """

    user_id: UserId
    candidate_id: CandidateId
    micro_pool: Tag
    cause: TagShareCause
    level_after: AccessLevel


@attrs.frozen(kw_only=True)
class TagShareRevoked(DomainEvent):
    """A user stopped seeing a candidate through one of their micro-pools (MP9).

    Attributes:
        user_id: Who lost the tag share.
        candidate_id: Whom.
        micro_pool: The tag, as the user tracked it.
        cause: A tag or a subscription went.
        level_after: The user's access level afterwards: ``NONE`` if this was their
            only way to see the candidate.
    """

    user_id: UserId
    candidate_id: CandidateId
    micro_pool: Tag
    cause: TagShareCause
    level_after: AccessLevel


@attrs.frozen(kw_only=True)
class SubscriptionAdded(DomainEvent):
    """An administrator set up tracking of a tag for a user (MP1).

    Attributes:
        user_id: Who tracks the tag now.
        tag: The tag.
    """

    user_id: UserId
    tag: Tag


@attrs.frozen(kw_only=True)
class SubscriptionRemoved(DomainEvent):
    """An administrator removed a user's tracking of a tag (MP1).

    Attributes:
        user_id: Who no longer tracks the tag.
        tag: The tag.
    """

    user_id: UserId
    tag: Tag


# --- colleague shares (MP9, MP11) -----------------------------------------------------


def _candidate_ids(value: Iterable[str]) -> tuple[CandidateId, ...]:
    # Sorted and each once, so two records of one grant compare equal.
    return tuple(sorted({CandidateId(c) for c in value}))


@attrs.frozen(kw_only=True)
class ColleagueShareGranted(DomainEvent):
    """A response or a whole position was shared with a colleague (MP9, MP11).

    The colleague owns the candidates it covers from now on (MP2): the response's
    candidate, or everyone registered on the position (and, for a position, whoever
    registers on it later, from their submission on).

    Attributes:
        user_id: The colleague it was shared with.
        share: What was shared: :attr:`~talentpool.model.ShareKind.RESPONSE_SHARED`
            with the requisition and the submission, or
            :attr:`~talentpool.model.ShareKind.POSITION_SHARED` with the requisition.
        candidate_ids: The candidates the colleague owns through it now, by id.
    """

    user_id: UserId
    share: Share
    candidate_ids: tuple[CandidateId, ...] = attrs.field(converter=_candidate_ids)


@attrs.frozen(kw_only=True)
class ColleagueShareWithdrawn(DomainEvent):
    """A colleague's share of a response or a position was withdrawn (MP9, MP11).

    Attributes:
        user_id: The colleague who no longer has it.
        share: What had been shared, as :class:`ColleagueShareGranted` records it.
        candidate_ids: The candidates it covered until now, by id; the colleague may
            still own some of them through another share.
    """

    user_id: UserId
    share: Share
    candidate_ids: tuple[CandidateId, ...] = attrs.field(converter=_candidate_ids)


# --- erasure ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CandidateErased(DomainEvent):
    """An administrator erased a candidate (DM6).

    It names the candidate only by the pseudonym their other events now carry.

    Attributes:
        pseudonym: What stands for the candidate in the audit trail from now on.
    """

    pseudonym: str


# --- the catalogue --------------------------------------------------------------------

EVENT_TYPES: tuple[type[DomainEvent], ...] = (
    AccountSettingChanged,
    AutopoolCriteriaSaved,
    CandidateErased,
    CandidateFileViewed,
    CandidateMatched,
    CandidateMatchedAndRejected,
    ColleagueShareGranted,
    ColleagueShareWithdrawn,
    QuickFilterRemoved,
    QuickFilterSaved,
    RepoolingRuleRemoved,
    RepoolingRuleSaved,
    RequisitionOpened,
    SubmissionInactivated,
    SubscriptionAdded,
    SubscriptionRemoved,
    TagShareGranted,
    TagShareRevoked,
)
"""Every event type the library records, sorted by name: what
:func:`talentpool.audit.event_from_dict` reads back.

A test checks that it holds every :class:`DomainEvent` subclass of the package.
"""
