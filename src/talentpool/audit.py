"""The audit trail of acting on pools (AP9–AP12, AP11): the events and their stored form.

Every write that matching, match-and-reject and repooling make appends one of
these events to ``uow.events`` in the same unit of work, so an event exists
exactly when its write does. Each event answers four questions:

* **who** — ``actor_id``, the user; ``None`` for the repooling batch job;
* **what** — the event's type and its fields (candidate, requisition, submission…);
* **when** — ``occurred_at``, from the service's clock;
* **why** — ``reason``, a sentence a person reads.

Opening a candidate file from pool results is recorded as well
(:class:`CandidateFileViewed`): it is a read, but a read of personal data that
a host must be able to account for.

Hosts store events in their own way; :func:`event_to_dict` gives every event a
JSON-ready form, its type under ``"event"``::

    >>> from datetime import datetime, timezone
    >>> viewed = CandidateFileViewed(
    ...     occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc),
    ...     actor_id="hana",
    ...     reason="opened from the autopool of 'Barista'",
    ...     candidate_id="petra",
    ...     requisition_id="barista",
    ...     other_applications_shown=False,
    ... )
    >>> event_to_dict(viewed)["event"], event_to_dict(viewed)["occurred_at"]
    ('CandidateFileViewed', '2026-11-02T09:00:00+00:00')
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from talentpool.criteria import AutopoolCriteria, QuickFilter
from talentpool.events import DomainEvent
from talentpool.ids import (
    CandidateId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    TemplateId,
)
from talentpool.model import RepoolingRule, SubmissionStatus
from talentpool.serialization import autopool_to_dict, quick_filter_to_dict

__all__ = [
    "AccountSettingChanged",
    "AutopoolCriteriaSaved",
    "CandidateFileViewed",
    "CandidateMatched",
    "CandidateMatchedAndRejected",
    "QuickFilterRemoved",
    "QuickFilterSaved",
    "RepoolingRuleRemoved",
    "RepoolingRuleSaved",
    "RequisitionOpened",
    "SubmissionInactivated",
    "event_to_dict",
]


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
    last_activity_at: datetime
    idle_days: int


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


def _plain(value: object) -> Any:
    if isinstance(value, AutopoolCriteria):
        return autopool_to_dict(value)
    if isinstance(value, QuickFilter):
        return quick_filter_to_dict(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    cls = type(value)
    if attrs.has(cls):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(cls)}
    if isinstance(value, frozenset | set):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def event_to_dict(event: DomainEvent) -> dict[str, Any]:
    """Return *event* as a JSON-ready dict: ``"event"`` (its type name), then its fields.

    Datetimes become ISO 8601 strings, enums their values, sets sorted lists and
    nested entities dicts, so the result can be stored as a JSON document.
    """
    if not isinstance(event, DomainEvent):
        msg = f"'event' must be a DomainEvent (got {event!r})."
        raise TypeError(msg)
    out: dict[str, Any] = {"event": type(event).__name__}
    out.update(_plain(event))
    return out
