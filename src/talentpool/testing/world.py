"""A small account in a few lines, on any store (ST4).

:class:`World` builds users, requisitions, candidates and their submissions
with a fixed clock. It writes only through the
:class:`~talentpool.ports.UnitOfWork` protocol, one committed unit of work per
builder, so it works on the in-memory reference (the default) and on a host's
own store alike. Hypothesis strategies live in
:mod:`talentpool.testing.strategies`.

This module needs only the core; the strategies need the ``test`` extra.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

import attrs

from talentpool.adapters.memory import MemoryIds, MemoryUnitOfWork
from talentpool.clock import FixedClock
from talentpool.criteria import AutopoolCriteria
from talentpool.geo import GeoPoint
from talentpool.ids import CandidateId, NodeId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    AccountSettings,
    Candidate,
    Consent,
    Permission,
    Requisition,
    Role,
    Submission,
    SubmissionStatus,
    Tag,
    User,
    Workflow,
)
from talentpool.ports import IdGenerator
from talentpool.testing.fixtures import FixtureStore

__all__ = ["DEFAULT_NOW", "World"]

DEFAULT_NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
"""The instant a :class:`World`'s clock starts at: Monday 2 November 2026, 09:00 UTC."""


class World:
    """A small account on any store, for tests and examples.

    Every builder saves what it makes, in a unit of work it commits, and
    returns it. Times are given in days before the clock's "now" so tests read
    like the rules they check. A store with foreign keys wants what a builder
    refers to saved first: users before the requisitions they own, candidates
    and requisitions before their submissions.

    Args:
        now: The fixed clock's instant.
        uow: The store to build in; a new, empty in-memory reference when
            ``None``. The world saves the account settings into it at once.
        ids: Where submission ids come from; sequential in-memory ids when
            ``None``.
        autopool_enabled: Whether the account has automatic candidate pooling on.
    """

    def __init__(
        self,
        now: datetime = DEFAULT_NOW,
        *,
        uow: FixtureStore | None = None,
        ids: IdGenerator | None = None,
        autopool_enabled: bool = True,
    ) -> None:
        self.clock = FixedClock(now)
        self.uow: FixtureStore = MemoryUnitOfWork() if uow is None else uow
        self.ids: IdGenerator = MemoryIds() if ids is None else ids
        self._save(lambda u: u.settings.save(AccountSettings(autopool_enabled=autopool_enabled)))

    def _save(self, write: Callable[[FixtureStore], None]) -> None:
        """Make *write* in one unit of work on the store and commit it."""
        with self.uow:
            write(self.uow)
            self.uow.commit()

    @property
    def now(self) -> datetime:
        """The clock's current instant."""
        return self.clock.now()

    def ago(self, days: float = 0, **delta: float) -> datetime:
        """Return the instant *days* (plus any ``timedelta`` keywords) before now."""
        return self.now - timedelta(days=days, **delta)

    def settings(self, **changes: bool) -> AccountSettings:
        """Change account settings and return them."""
        with self.uow:
            settings = attrs.evolve(self.uow.settings.get(), **changes)
            self.uow.settings.save(settings)
            self.uow.commit()
        return settings

    def user(
        self,
        user_id: str,
        name: str | None = None,
        role: Role = Role.HIRING_MANAGER,
        permissions: Iterable[Permission] = (),
    ) -> User:
        """Save and return a user."""
        user = User(UserId(user_id), name or user_id, role, frozenset(permissions))
        self._save(lambda u: u.users.save(user))
        return user

    def requisition(
        self,
        requisition_id: str,
        title: str | None = None,
        *,
        location: GeoPoint | None = None,
        language: str | None = None,
        autopool: AutopoolCriteria | None = None,
        organization: str | None = None,
        location_node: str | None = None,
        job_field: str | None = None,
        owner: str | None = None,
        workflow: Workflow | None = None,
        created_days_ago: float = 60,
    ) -> Requisition:
        """Save and return a requisition."""
        requisition = Requisition(
            RequisitionId(requisition_id),
            title or requisition_id,
            self.ago(created_days_ago),
            language=language,
            primary_location=location,
            organization=None if organization is None else NodeId(organization),
            location=None if location_node is None else NodeId(location_node),
            job_field=None if job_field is None else NodeId(job_field),
            owner_id=None if owner is None else UserId(owner),
            workflow=workflow or Workflow(),
            autopool=autopool,
        )
        self._save(lambda u: u.requisitions.save(requisition))
        return requisition

    def candidate(
        self,
        candidate_id: str,
        given_name: str = "Jana",
        family_name: str | None = None,
        *,
        residence: GeoPoint | None = None,
        city: str | None = None,
        profile_language: str | None = None,
        languages: Iterable[str] = (),
        tags: Iterable[str | Tag] = (),
        fields: dict[str, str] | None = None,
        text: str = "",
        consent: Consent | None = None,
        created_days_ago: float = 30,
    ) -> Candidate:
        """Save and return a candidate."""
        candidate = Candidate(
            CandidateId(candidate_id),
            given_name,
            family_name if family_name is not None else candidate_id.title(),
            self.ago(created_days_ago),
            city=city,
            residence=residence,
            profile_language=profile_language,
            languages=frozenset(languages),
            tags=frozenset(tags),
            fields=fields or {},
            text=text,
            consent=consent,
        )
        self._save(lambda u: u.candidates.save(candidate))
        return candidate

    def apply(
        self,
        candidate: Candidate | str,
        requisition: Requisition | str,
        *,
        status: SubmissionStatus = SubmissionStatus.NEW,
        submitted_days_ago: float = 20,
        status_changed_days_ago: float | None = None,
        last_activity_days_ago: float | None = None,
        expires_in_days: float | None = None,
        submission_id: str | None = None,
    ) -> Submission:
        """Save and return a submission of *candidate* to *requisition*.

        ``expires_in_days`` may be negative for a submission that has expired.
        """
        cid = candidate.id if isinstance(candidate, Candidate) else CandidateId(candidate)
        rid = requisition.id if isinstance(requisition, Requisition) else RequisitionId(requisition)
        changed = submitted_days_ago if status_changed_days_ago is None else status_changed_days_ago
        activity = changed if last_activity_days_ago is None else last_activity_days_ago
        submission = Submission(
            SubmissionId(submission_id or self.ids.new_id("submission")),
            cid,
            rid,
            self.ago(submitted_days_ago),
            status,
            status_changed_at=self.ago(changed),
            last_activity_at=self.ago(activity),
            expires_at=None if expires_in_days is None else self.ago(-expires_in_days),
        )
        self._save(lambda u: u.submissions.save(submission))
        return submission
