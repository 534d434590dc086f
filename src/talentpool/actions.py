"""Acting on the pool (AP9, AP10): match, and match and reject.

:class:`AutopoolActions` is what a host calls when a manager clicks *Match* or
*Match and reject* in a requisition's autopool results. Each action is one unit
of work: every check, the writes and the audit event happen inside it, so either
all of them take effect or none does.

**Match** (AP9) creates a submission on the requisition at its workflow's first
step, status new, timestamped by the clock; the candidate is then "already on
this requisition" and leaves the pool (AP5). A manager may match a candidate who
is in the pool without the general permission to match candidates; matching a
candidate who is *not* in the pool needs that permission. A candidate already on
the requisition is refused with ``ConflictError`` — the second of two clicks, or
of two managers at once, never creates a second submission.

**Match and reject** (AP10) does the same and rejects at once. It needs its own
permission and the account setting ``match_and_reject_enabled`` (off by
default). The rejection must carry the motives and the comment the workflow
requires; if anything is missing or unknown, one ``ActionValidationError``
lists every item and nothing is written. On success the candidate is added to
the requisition's pool exclusions, so they never reappear in its pool.

Checks run in this order, and the first that fails decides the error:
the feature switch (``FeatureDisabledError``); for match and reject the account
setting (``FeatureDisabledError``) and the permission (``PermissionDeniedError``);
unknown ids (``NotFoundError``); a candidate already on the requisition
(``ConflictError``); a candidate outside the pool without the general permission
(``PermissionDeniedError``); then the rejection (``ActionValidationError``).

A requisition whose pool cannot be read (no autopool criteria, or a radius
without a primary location) has nobody in its pool. A user with the general
permission to match candidates may still match onto it (the event records
``from_pool=False``); anyone else gets the pool's ``ConfigurationError``, which
says what to fix, rather than a permission error about a pool that does not
exist.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from talentpool.autopool import Autopooling
from talentpool.clock import Clock, checked
from talentpool.errors import (
    ActionValidationError,
    ConfigurationError,
    ConflictError,
    DomainError,
    FeatureDisabledError,
    PermissionDeniedError,
)
from talentpool.events import CandidateMatched, CandidateMatchedAndRejected
from talentpool.guards import require_autopool_enabled, require_permission, switch_setting
from talentpool.ids import CandidateId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    Permission,
    Rejection,
    Requisition,
    Submission,
    SubmissionStatus,
    User,
    Workflow,
)
from talentpool.ports import AutopoolStore, IdGenerator

__all__ = ["AutopoolActions", "validate_rejection"]


def _motive_key(label: str) -> str:
    return " ".join(label.split()).casefold()


def validate_rejection(
    workflow: Workflow, motives: Iterable[str] | None, comment: str
) -> Rejection:
    """Return the rejection *workflow* accepts, or raise ``ActionValidationError`` (AP10).

    Motives are matched to the workflow's own ignoring case and extra spaces, and
    come back spelled as the workflow spells them, in the order given, without
    duplicates; blank ones are ignored, and ``None`` means no motives. The error
    lists every problem at once, each item starting with the field it concerns
    (``motives`` or ``comment``). *motives* that is not a collection raises
    ``DomainError``. (A workflow cannot require a motive and offer none: it is
    refused when it is built.)
    """
    if motives is None:
        motives = ()
    elif isinstance(motives, str):
        motives = (motives,)
    elif not isinstance(motives, Iterable):
        raise DomainError("motives", motives, "must be a collection of rejection motives")
    offered = {_motive_key(m): m for m in workflow.rejection_motives}
    choices = " / ".join(repr(m) for m in workflow.rejection_motives)
    problems: list[str] = []
    chosen: list[str] = []
    for motive in motives:
        if not isinstance(motive, str):
            problems.append(f"motives: {motive!r} is not a rejection motive (choose {choices})")
            continue
        if not motive.strip():
            continue
        known = offered.get(_motive_key(motive))
        if known is None:
            problems.append(f"motives: {motive!r} is not a rejection motive (choose {choices})")
        elif known not in chosen:
            chosen.append(known)
    if workflow.motive_required and not chosen and not problems:
        problems.append(f"motives: at least one rejection motive (choose {choices})")
    text = comment.strip() if isinstance(comment, str) else ""
    if workflow.comment_required and not text:
        problems.append("comment: a rejection comment")
    if problems:
        raise ActionValidationError("match and reject", problems)
    return Rejection(tuple(chosen), text)


class AutopoolActions:
    """Match, and match and reject, from a requisition's autopool (AP9, AP10).

    Args:
        uow: Where everything is read and written; each action is one unit of work.
        clock: Where "now" comes from (the new submission's timestamps, the event's time).
        ids: Where the new submission's id comes from.
    """

    def __init__(self, uow: AutopoolStore, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._clock = checked(clock)
        self._ids = ids

    # --- checks ------------------------------------------------------------------

    def _require_match_and_reject(self, user_id: UserId) -> User:
        if not self._uow.settings.get().match_and_reject_enabled:
            msg = (
                "match and reject is disabled for this account; "
                "a system administrator can enable it in the account settings"
            )
            raise FeatureDisabledError(msg)
        return require_permission(
            self._uow.users, user_id, Permission.MATCH_AND_REJECT, "match and reject"
        )

    def _check_match(self, user: User, requisition: Requisition, candidate_id: CandidateId) -> bool:
        """Refuse a candidate already on the requisition; return whether they are in the pool."""
        for submission in self._uow.submissions.for_candidate(candidate_id):
            if submission.requisition_id == requisition.id:
                msg = (
                    f"candidate {candidate_id!r} is already on requisition {requisition.id!r} "
                    f"(submission {submission.id!r}, {submission.status.value}); nothing written"
                )
                raise ConflictError(msg)
        try:
            from_pool = Autopooling(self._uow, self._clock).in_pool(requisition.id, candidate_id)
        except ConfigurationError:
            # No readable pool: nobody is in it. The general permission still matches.
            if not user.has(Permission.MATCH_CANDIDATES):
                raise
            from_pool = False
        if not from_pool and not user.has(Permission.MATCH_CANDIDATES):
            msg = (
                f"candidate {candidate_id!r} is not in the pool of requisition "
                f"{requisition.id!r}; matching a candidate from outside the pool needs the "
                f"permission {Permission.MATCH_CANDIDATES.value!r}"
            )
            raise PermissionDeniedError(msg)
        return from_pool

    def _new_submission(self, requisition: Requisition, candidate_id: CandidateId) -> Submission:
        now = self._clock.now()
        return Submission(
            SubmissionId(self._ids.new_id("submission")),
            candidate_id,
            requisition.id,
            submitted_at=now,
            status=SubmissionStatus.NEW,
            status_changed_at=now,
            last_activity_at=now,
            step=requisition.workflow.first_step,
        )

    # --- administration ------------------------------------------------------------

    def set_match_and_reject_enabled(self, admin_id: UserId, enabled: bool) -> None:
        """Offer match and reject in this account, or stop offering it (AP10; administrators).

        The setting is independent of the autopool switch, so an administrator
        can prepare it before enabling autopooling.
        """
        switch_setting(
            self._uow,
            self._clock,
            admin_id,
            setting="match_and_reject_enabled",
            enabled=enabled,
            label="match and reject",
        )

    # --- the actions ---------------------------------------------------------------

    def match(
        self, user_id: UserId, requisition_id: RequisitionId, candidate_id: CandidateId
    ) -> Submission:
        """Match the candidate to the requisition; return the new submission (AP9).

        Raises ``ConflictError`` when the candidate is already on the requisition,
        and ``PermissionDeniedError`` when they are not in its pool and the user
        lacks the general permission to match candidates. See the module docs for
        the order of the checks.
        """
        with self._uow:
            require_autopool_enabled(self._uow.settings)
            user = self._uow.users.get(user_id)
            requisition = self._uow.requisitions.get(requisition_id)
            self._uow.candidates.get(candidate_id)
            from_pool = self._check_match(user, requisition, candidate_id)
            submission = self._new_submission(requisition, candidate_id)
            self._uow.submissions.add(submission)
            reason = (
                f"matched from the autopool of {requisition.title!r}"
                if from_pool
                else f"matched with the permission to match candidates; not in the autopool "
                f"of {requisition.title!r}"
            )
            self._uow.events.append(
                CandidateMatched(
                    occurred_at=submission.submitted_at,
                    actor_id=user.id,
                    reason=reason,
                    candidate_id=candidate_id,
                    requisition_id=requisition.id,
                    submission_id=submission.id,
                    step=requisition.workflow.first_step,
                    from_pool=from_pool,
                )
            )
            self._uow.commit()
        return submission

    def match_and_reject(
        self,
        user_id: UserId,
        requisition_id: RequisitionId,
        candidate_id: CandidateId,
        *,
        motives: Iterable[str] | None = (),
        comment: str = "",
    ) -> Submission:
        """Match and reject the candidate in one action; return the rejected submission (AP10).

        *motives* are chosen from the workflow's rejection motives; *comment* is
        free text. Where the workflow requires them and they are missing, or a
        motive is unknown, one ``ActionValidationError`` lists every problem and
        nothing is written. On success the candidate joins the requisition's pool
        exclusions and never reappears in its pool.
        """
        with self._uow:
            require_autopool_enabled(self._uow.settings)
            user = self._require_match_and_reject(user_id)
            requisition = self._uow.requisitions.get(requisition_id)
            self._uow.candidates.get(candidate_id)
            from_pool = self._check_match(user, requisition, candidate_id)
            rejection = validate_rejection(requisition.workflow, motives, comment)
            submission = attrs.evolve(
                self._new_submission(requisition, candidate_id),
                status=SubmissionStatus.REJECTED,
                rejection=rejection,
            )
            self._uow.submissions.add(submission)
            self._uow.requisitions.exclude_from_pool(requisition.id, candidate_id)
            why = "; ".join(filter(None, (", ".join(rejection.motives), rejection.comment)))
            reason = f"matched and rejected from the autopool of {requisition.title!r}" + (
                f": {why}" if why else ""
            )
            self._uow.events.append(
                CandidateMatchedAndRejected(
                    occurred_at=submission.submitted_at,
                    actor_id=user.id,
                    reason=reason,
                    candidate_id=candidate_id,
                    requisition_id=requisition.id,
                    submission_id=submission.id,
                    step=submission.step or requisition.workflow.first_step,
                    from_pool=from_pool,
                    motives=rejection.motives,
                    comment=rejection.comment,
                )
            )
            self._uow.commit()
        return submission
