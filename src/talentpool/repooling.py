"""Repooling (AP12): rules that set idle submissions Inactive, and the batch job that applies them.

A system administrator defines :class:`~talentpool.model.RepoolingRule` s: "after
X days without activity, set the submission Inactive", optionally only for some
open statuses or for requisitions in parts of the organization, location or
job-field trees. The host runs :meth:`Repooling.run` as a batch job (nightly,
say); it returns a :class:`RepoolingReport` listing every submission it changed,
with the rule that applied and how long the submission had been idle.

An inactive submission is not "in a selection process" (AP6), so a candidate
whose only open submission was set inactive returns to the pools of other
requisitions that exclude candidates in a selection process.

The rules, precisely:

* **Boundary.** A submission is idle beyond X days when its ``last_activity_at``
  lies *before* the opening of the "last X days" window (the same wall-clock
  time X calendar days earlier in the clock's zone, so daylight-saving changes
  do not shift it). Idle for exactly X days it is left alone; a moment longer
  and it is set inactive. "After X days" means once X days are over.
* **What is touched.** Only open submissions (new, in process) whose status the
  rule names. Rejected, hired, withdrawn and inactive ones are never changed.
  Expiry does not matter: an expired but open submission is set inactive too.
* **What changes.** The status becomes inactive and ``status_changed_at`` the
  run's instant; ``last_activity_at`` is left alone (the job is not activity),
  and so is the workflow step.
* **Several rules.** A submission covered by several rules is changed once; the
  report names the rule with the fewest days that applies (ties by rule id).
* **Idempotent.** A second run at the same instant changes nothing: every
  submission the first run could change is no longer open.
* **Who.** Only system administrators define, remove or preview rules. The job
  runs as the system (no actor) or on behalf of an administrator.
* **Feature switch.** Repooling is part of automatic candidate pooling:
  defining rules, previewing and running them need the feature enabled
  (``FeatureDisabledError`` otherwise). Rules are kept while the feature is
  off and apply again once it is back on; listing them needs no switch.
* **Atomic.** A run is one unit of work: every change and its
  :class:`~talentpool.audit.SubmissionInactivated` event, or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from talentpool.clock import Clock, checked, days_between, utc, window_start
from talentpool.engine import expand_structure
from talentpool.errors import NotFoundError
from talentpool.events import RepoolingRuleRemoved, RepoolingRuleSaved, SubmissionInactivated
from talentpool.guards import require_administrator, require_autopool_enabled
from talentpool.ids import CandidateId, RepoolingRuleId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    Dimension,
    RepoolingRule,
    Requisition,
    StructureTree,
    Submission,
    SubmissionStatus,
)
from talentpool.ports import AutopoolStore
from talentpool.validators import aware

__all__ = [
    "Repooling",
    "RepoolingChange",
    "RepoolingReport",
    "check_rule_structure",
    "idle_beyond",
    "rule_covers",
]


def idle_beyond(submission: Submission, days: int, now: datetime) -> bool:
    """Return whether *submission* has had no activity for more than *days* days at *now*.

    Exactly *days* calendar days idle is not enough (see the module docs).
    """
    return utc(submission.last_activity_at) < utc(window_start(now, days))


def rule_covers(
    rule: RepoolingRule,
    submission: Submission,
    requisition: Requisition,
    structures: Mapping[Dimension, StructureTree],
) -> bool:
    """Return whether *rule* applies to *submission* on *requisition*, idleness aside.

    The submission's status must be one the rule names, and in every dimension
    the rule restricts, the requisition's node must be a selected node or lie
    below one: the structure rule criteria use too
    (:meth:`~talentpool.model.StructureTree.expand`). A selected node the saved
    trees do not hold raises ``ConfigurationError`` naming it (AP4).
    """
    if submission.status not in rule.statuses:
        return False
    return all(
        requisition.node(dim) in expand_structure(rule.selected(dim), dim, structures, _where(rule))
        for dim in Dimension
        if rule.selected(dim)
    )


def check_rule_structure(
    rule: RepoolingRule, structures: Mapping[Dimension, StructureTree]
) -> None:
    """Raise ``ConfigurationError`` if *rule* selects a node the saved trees do not hold (AP4)."""
    for dim in Dimension:
        if rule.selected(dim):
            expand_structure(rule.selected(dim), dim, structures, _where(rule))


def _where(rule: RepoolingRule) -> str:
    return f"repooling rule {rule.name!r}"


@attrs.frozen
class RepoolingChange:
    """One submission the job set Inactive, and why.

    Attributes:
        submission_id: The submission.
        candidate_id: Its candidate.
        requisition_id: Its requisition.
        rule_id: The rule that applied.
        rule_name: That rule's name.
        inactive_after_days: That rule's X.
        idle_days: Whole calendar days from the last activity to the run (at least X).
        last_activity_at: The submission's last activity.
        previous_status: Its status before (new or in process).
    """

    submission_id: SubmissionId
    candidate_id: CandidateId
    requisition_id: RequisitionId
    rule_id: RepoolingRuleId
    rule_name: str
    inactive_after_days: int
    idle_days: int
    last_activity_at: datetime = attrs.field(validator=aware)
    previous_status: SubmissionStatus

    def __str__(self) -> str:
        return (
            f"{self.submission_id} ({self.candidate_id} on {self.requisition_id}): "
            f"{self.previous_status.value} -> inactive, idle {self.idle_days} days; "
            f"rule {self.rule_name!r} (after {self.inactive_after_days} days)"
        )


@attrs.frozen
class RepoolingReport:
    """What one run of the repooling job changed (or, previewed, would change).

    Attributes:
        ran_at: The instant idleness was measured at.
        changes: One entry per submission set Inactive, in submission id order.
        applied: ``False`` for a preview, which writes nothing.
    """

    ran_at: datetime = attrs.field(validator=aware)
    changes: tuple[RepoolingChange, ...]
    applied: bool = True

    def __len__(self) -> int:
        return len(self.changes)

    @property
    def submission_ids(self) -> tuple[SubmissionId, ...]:
        """The submissions changed, in order."""
        return tuple(c.submission_id for c in self.changes)

    @property
    def candidate_ids(self) -> tuple[CandidateId, ...]:
        """The candidates whose submissions changed, each once, in order of first change."""
        return tuple(dict.fromkeys(c.candidate_id for c in self.changes))

    def __str__(self) -> str:
        verb = "set inactive" if self.applied else "would be set inactive"
        head = f"repooling at {self.ran_at.isoformat()}: {len(self.changes)} submission(s) {verb}"
        return "\n".join([head, *(f"  {c}" for c in self.changes)])


class Repooling:
    """Repooling rules and the batch job that applies them (AP12).

    Args:
        uow: Where everything is read and written; each call is one unit of work.
        clock: Where "now" comes from; idleness is measured in its time zone.
    """

    def __init__(self, uow: AutopoolStore, clock: Clock) -> None:
        self._uow = uow
        self._clock = checked(clock)

    def _require_enabled(self) -> None:
        require_autopool_enabled(
            self._uow.settings, "automatic candidate pooling, and with it repooling,"
        )

    # --- rules ----------------------------------------------------------------------

    def save_rule(self, admin_id: UserId, rule: RepoolingRule) -> RepoolingRule:
        """Create or replace a repooling rule (administrators only); return it.

        A rule selecting a structure node the account's saved trees do not hold
        raises ``ConfigurationError`` naming the node, and nothing is saved (AP4);
        so do :meth:`preview` and :meth:`run` if the trees lost it since.
        """
        with self._uow:
            self._require_enabled()
            require_administrator(self._uow.users, admin_id, "define repooling rules")
            check_rule_structure(rule, self._uow.structures.trees())
            try:
                previous: RepoolingRule | None = self._uow.repooling_rules.get(rule.id)
            except NotFoundError:
                previous = None
            self._uow.repooling_rules.save(rule)
            verb = "created" if previous is None else "changed"
            self._uow.events.append(
                RepoolingRuleSaved(
                    occurred_at=self._clock.now(),
                    actor_id=admin_id,
                    reason=(
                        f"repooling rule {rule.name!r} {verb}: submissions idle for more than "
                        f"{rule.inactive_after_days} days become inactive"
                    ),
                    rule=rule,
                    previous=previous,
                )
            )
            self._uow.commit()
        return rule

    def remove_rule(self, admin_id: UserId, rule_id: RepoolingRuleId) -> None:
        """Remove a repooling rule (administrators only); ``NotFoundError`` if unknown."""
        with self._uow:
            self._require_enabled()
            require_administrator(self._uow.users, admin_id, "remove repooling rules")
            rule = self._uow.repooling_rules.get(rule_id)
            self._uow.repooling_rules.remove(rule_id)
            self._uow.events.append(
                RepoolingRuleRemoved(
                    occurred_at=self._clock.now(),
                    actor_id=admin_id,
                    reason=f"repooling rule {rule.name!r} removed",
                    rule=rule,
                )
            )
            self._uow.commit()

    def rules(self) -> tuple[RepoolingRule, ...]:
        """Return every rule, in id order."""
        return tuple(self._uow.repooling_rules)

    # --- the job ----------------------------------------------------------------------

    def _plan(self, now: datetime) -> list[tuple[RepoolingChange, Submission]]:
        """Every change a run at *now* makes, with the submission it changes.

        One query reads the open submissions idle beyond the shortest window of
        any rule; only those can change, whatever the size of the database.
        """
        rules = sorted(self._uow.repooling_rules, key=lambda r: (r.inactive_after_days, r.id))
        if not rules:
            return []
        trees = self._uow.structures.trees()
        changes: list[tuple[RepoolingChange, Submission]] = []
        for app in self._uow.submissions.idle(window_start(now, rules[0].inactive_after_days)):
            submission, requisition = app.submission, app.requisition
            for rule in rules:
                if idle_beyond(submission, rule.inactive_after_days, now) and rule_covers(
                    rule, submission, requisition, trees
                ):
                    change = RepoolingChange(
                        submission_id=submission.id,
                        candidate_id=submission.candidate_id,
                        requisition_id=requisition.id,
                        rule_id=rule.id,
                        rule_name=rule.name,
                        inactive_after_days=rule.inactive_after_days,
                        idle_days=days_between(submission.last_activity_at, now),
                        last_activity_at=submission.last_activity_at,
                        previous_status=submission.status,
                    )
                    changes.append((change, submission))
                    break
        return changes

    def preview(self, admin_id: UserId) -> RepoolingReport:
        """Say which submissions a run now would set Inactive, writing nothing (administrators)."""
        with self._uow:
            self._require_enabled()
            require_administrator(self._uow.users, admin_id, "preview repooling")
            now = self._clock.now()
            return RepoolingReport(now, tuple(c for c, _ in self._plan(now)), applied=False)

    def run(self, actor_id: UserId | None = None) -> RepoolingReport:
        """Set every idle submission a rule covers Inactive; return what changed.

        *actor_id* is ``None`` when the host's scheduler runs the job, or the
        administrator who started it by hand. Running again at the same instant
        changes nothing and returns an empty report.
        """
        with self._uow:
            self._require_enabled()
            if actor_id is not None:
                require_administrator(self._uow.users, actor_id, "run the repooling job")
            now = self._clock.now()
            plan = self._plan(now)
            for change, submission in plan:
                self._uow.submissions.save(
                    attrs.evolve(
                        submission, status=SubmissionStatus.INACTIVE, status_changed_at=now
                    )
                )
                since = change.last_activity_at.date().isoformat()
                self._uow.events.append(
                    SubmissionInactivated(
                        occurred_at=now,
                        actor_id=actor_id,
                        reason=(
                            f"no activity for {change.idle_days} days (since {since}); "
                            f"repooling rule {change.rule_name!r} sets submissions inactive "
                            f"after {change.inactive_after_days} days"
                        ),
                        submission_id=change.submission_id,
                        candidate_id=change.candidate_id,
                        requisition_id=change.requisition_id,
                        rule_id=change.rule_id,
                        previous_status=change.previous_status,
                        last_activity_at=change.last_activity_at,
                        idle_days=change.idle_days,
                    )
                )
            self._uow.commit()
        return RepoolingReport(now, tuple(c for c, _ in plan))
