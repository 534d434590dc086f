"""The demo's story: Koruna Market's account in a store, its micro-pools and one store's autopool.

:func:`load_demo` writes the account of :mod:`talentpool.demo.dataset` into any
:class:`~talentpool.ports.UnitOfWork` (the in-memory reference here; a database
adapter later) with :func:`save_dataset`. :func:`load_micro_pools` then plays one
morning of tag tracking through :class:`~talentpool.micropools.MicroPools`, so
notifications and audit events happen as in production: the administrator
integrates Slack and sets up tag tracking for two regional managers (locations
"Brno" and "Praha"), a warehouse team lead (the skill :data:`FORKLIFT_TAG`) and
an HR officer (:data:`CONTRACT_TAG`); the team lead turns email off; two people
apply through the career page's collection form, picking their location
themselves (no actor); and the recruiter tags one applicant "forklift licence"
and another "prepare contract". :func:`build_demo` does all of it on the
in-memory reference and opens the requisition :data:`POOL_REQUISITION` from the
"Store assistant" template, whose pool :mod:`talentpool.demo.report` shows::

    >>> demo = build_demo(candidates=60)
    >>> demo.uow.requisitions.get(POOL_REQUISITION).template_id
    'store-assistant'
    >>> len(demo.story.form_applicants), len(demo.outbox) > 0
    (2, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

import attrs

from talentpool.adapters.memory import MemoryIds, MemoryUnitOfWork
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.autopool import Autopooling
from talentpool.clock import Clock, FixedClock
from talentpool.demo.dataset import (
    ADMIN,
    BRNO_MANAGER,
    BRNO_TAG,
    DEMO_NOW,
    HR_OFFICER,
    PRAHA_MANAGER,
    PRAHA_TAG,
    RECRUITER,
    STORE_ASSISTANT_TEMPLATE,
    STORE_MANAGER,
    WAREHOUSE_LEAD,
    WIDE_REQUISITION,
    Dataset,
    DatasetSpec,
    generate,
)
from talentpool.geo import GeoPoint
from talentpool.ids import CandidateId, NodeId, RequisitionId, UserId
from talentpool.micropools import MicroPools
from talentpool.model import Candidate, Consent, Submission, SubmissionStatus
from talentpool.notifications import NotificationChannel
from talentpool.testing.fixtures import FixtureStore
from talentpool.visibility import Visibility

__all__ = [
    "CONTRACT_TAG",
    "FORKLIFT_TAG",
    "POOL_REQUISITION",
    "Demo",
    "MicroPoolStory",
    "build_demo",
    "load_demo",
    "load_micro_pools",
    "save_dataset",
]

POOL_REQUISITION = RequisitionId("brno-vankovka")
"""The requisition whose pool the demo reports on."""

FORKLIFT_TAG = "forklift licence"
"""A skill tag recruiters give; the warehouse team tracks it."""
CONTRACT_TAG = "prepare contract"
"""A work tag: the recruiter hands a chosen candidate to HR with it."""


def _steps(value: Iterable[tuple[datetime, str]]) -> tuple[tuple[datetime, str], ...]:
    return tuple(value)


@attrs.frozen
class MicroPoolStory:
    """What :func:`load_micro_pools` did, for the report and for tests.

    Attributes:
        steps: What happened, in order: when, and in words.
        form_applicants: The candidates who came through the collection form, with
            a location tag they picked themselves.
        forklift_candidate: The applicant the recruiter tagged :data:`FORKLIFT_TAG`.
        contract_candidate: The applicant the recruiter tagged :data:`CONTRACT_TAG`:
            the HR officer sees them through a tag share, the store manager owns them.
    """

    steps: tuple[tuple[datetime, str], ...] = attrs.field(converter=_steps)
    form_applicants: tuple[CandidateId, ...]
    forklift_candidate: CandidateId
    contract_candidate: CandidateId


@attrs.frozen
class Demo:
    """A loaded demo account and the services to ask it.

    Attributes:
        uow: Where the demo data lives.
        clock: The fixed clock the demo runs at.
        autopooling: The autopool service over :attr:`uow`.
        requisition_id: The requisition whose pool the report shows.
        wide_requisition_id: A requisition whose pool exceeds the cap, if the
            report should show one.
        micro_pools: The micro-pool service over :attr:`uow`, delivering to :attr:`outbox`.
        outbox: Every notification delivered, on every channel.
        story: What the morning of tag tracking did.
    """

    uow: FixtureStore
    clock: Clock
    autopooling: Autopooling
    requisition_id: RequisitionId = POOL_REQUISITION
    wide_requisition_id: RequisitionId | None = WIDE_REQUISITION
    micro_pools: MicroPools = attrs.field(kw_only=True)
    outbox: MemoryOutbox = attrs.field(kw_only=True)
    story: MicroPoolStory = attrs.field(kw_only=True)

    @property
    def visibility(self) -> Visibility:
        """The visibility service over :attr:`uow`: who sees which candidate, and how much."""
        return Visibility(self.uow, self.clock)


def save_dataset(uow: FixtureStore, dataset: Dataset) -> None:
    """Write every entity of *dataset* into *uow*, in one unit of work, and commit.

    Nobody tracks a tag yet, so writing the candidates' tags here misses no
    notification nor audit event: :func:`load_micro_pools` sets up the tracking.
    """
    with uow:
        uow.settings.save(dataset.settings)
        for tree in dataset.structures:
            uow.structures.save(tree)
        for user in dataset.users:
            uow.users.save(user)
        for requisition in dataset.requisitions:
            uow.requisitions.save(requisition)
        for template in dataset.templates:
            uow.templates.save(template)
        for applicant in dataset.applicants:
            uow.candidates.save(applicant.candidate)
            for submission, cv in zip(applicant.submissions, applicant.attachments, strict=True):
                uow.submissions.save(submission)
                uow.attachments.save(cv)
        uow.commit()


def load_demo(
    uow: FixtureStore, now: datetime = DEMO_NOW, *, seed: int = 2026, candidates: int = 400
) -> None:
    """Write the demo account into *uow*: deterministic for a given *seed* and size.

    The data is :func:`~talentpool.demo.dataset.generate`'s for that seed, size and
    *now*: automatic candidate pooling enabled, the "Store assistant" template with
    :data:`~talentpool.demo.dataset.STORE_ASSISTANT_CRITERIA`, every application
    with a CV, and every fourth candidate living in Brno or Praha tagged with that
    city, picked earlier on the career page's collection form.
    """
    save_dataset(uow, generate(DatasetSpec(seed=seed, size=candidates, now=now)))


_TRACKING: tuple[tuple[UserId, str], ...] = (
    (BRNO_MANAGER, BRNO_TAG),
    (PRAHA_MANAGER, PRAHA_TAG),
    (WAREHOUSE_LEAD, FORKLIFT_TAG),
    (HR_OFFICER, CONTRACT_TAG),
)
"""Who tracks which tag: set up by the administrator through :class:`MicroPools`."""

# (id, given name, family name, town, latitude, longitude, minutes after 08:00)
_FORM_APPLICANTS: tuple[tuple[str, str, str, str, float, float, int], ...] = (
    ("form-0001", "Klára", "Benešová", BRNO_TAG, 49.2002, 16.6331, 10),
    ("form-0002", "Ondřej", "Malina", PRAHA_TAG, 50.0833, 14.4167, 25),
)


_Preference = Callable[[Candidate, Sequence[Submission]], bool]


def _applied(_: Candidate, submissions: Sequence[Submission]) -> bool:
    return bool(submissions)


def _pick(
    uow: FixtureStore,
    people: Sequence[Candidate],
    *preferences: _Preference,
    avoid: frozenset[CandidateId] = frozenset(),
) -> CandidateId:
    """Return the first of *people* (by id) meeting the first preference any of them meets.

    Falls back to anyone who applied, then to anyone, so small demos work too. A
    candidate's submissions are read only when a preference looks at them, so a
    large account answers from its first few candidates.
    """
    submissions: dict[CandidateId, Sequence[Submission]] = {}

    def subs(candidate: Candidate) -> Sequence[Submission]:
        if candidate.id not in submissions:
            submissions[candidate.id] = uow.submissions.for_candidate(candidate.id)
        return submissions[candidate.id]

    for wanted in (*preferences, _applied):
        for candidate in people:
            if candidate.id not in avoid and wanted(candidate, subs(candidate)):
                return candidate.id
    return people[0].id


def load_micro_pools(uow: FixtureStore, pools: MicroPools, clock: FixedClock) -> MicroPoolStory:
    """Play one morning of tag tracking on the account :func:`load_demo` wrote (MP1, MP7, MP8).

    Every write goes through *pools*, so notifications are delivered and tag
    shares are audited; *pools* must run on *clock*, which is set to each step's
    time (from an hour before its current time) and put back afterwards.
    """
    now = clock.now()
    start = now - timedelta(hours=1)
    steps: list[tuple[datetime, str]] = []
    names = {u.id: u.name for u in (uow.users.get(uid) for uid, _ in _TRACKING)}
    admin, recruiter = uow.users.get(ADMIN).name, uow.users.get(RECRUITER).name

    def at(minutes: int, what: str) -> None:
        clock.set(start + timedelta(minutes=minutes))
        steps.append((clock.now(), what))

    at(0, f"{admin} (administrator) integrates Slack for the account.")
    pools.set_slack_integrated(ADMIN, True)
    at(1, f"{admin} sets up tag tracking:")
    for uid, tag in _TRACKING:
        pools.subscribe(ADMIN, uid, tag)
        steps.append((clock.now(), f"    {names[uid]} tracks {tag!r}"))
    at(5, f"{names[WAREHOUSE_LEAD]} turns email off for new candidates in micro-pools.")
    pools.set_notification_channel(WAREHOUSE_LEAD, NotificationChannel.EMAIL, False)

    form_applicants = []
    for cid, given, family, town, lat, lon, minutes in _FORM_APPLICANTS:
        at(
            minutes,
            f"{given} {family} applies on the career page's collection form, choosing "
            f"the location {town!r} (no user acted, so every tracker is told).",
        )
        applicant = Candidate(
            CandidateId(cid),
            given,
            family,
            clock.now(),
            email=f"{cid}@example.org",
            city=town,
            residence=GeoPoint(lat, lon),
            profile_language="cs",
            languages={"cs"},
            tags=[town],
            text="Hledám práci v prodejně, i na zkrácený úvazek.",
            consent=Consent(clock.now(), expires_at=clock.now() + timedelta(days=730)),
        )
        pools.add_candidate(applicant)  # no actor: the candidate did it
        form_applicants.append(applicant.id)

    def in_process(_: Candidate, subs: Sequence[Submission]) -> bool:
        return any(s.status is SubmissionStatus.IN_PROCESS for s in subs)

    people = sorted(uow.candidates, key=lambda c: c.id)
    contract = _pick(
        uow,
        people,
        lambda c, subs: len(subs) >= 2 and in_process(c, subs) and not c.tags,
        in_process,
    )
    forklift = _pick(
        uow,
        people,
        lambda c, subs: (
            c.field("driving_licence") is not None
            and any(s.requisition_id == "brno-warehouse" for s in subs)
        ),
        avoid=frozenset({contract}),
    )
    for minutes, cid, tag in ((40, forklift, FORKLIFT_TAG), (55, contract, CONTRACT_TAG)):
        at(minutes, f"{recruiter} (recruiter) tags {uow.candidates.get(cid).name} {tag!r}.")
        pools.tag(RECRUITER, cid, tag)
    clock.set(now)
    return MicroPoolStory(steps, tuple(form_applicants), forklift, contract)


def build_demo(*, seed: int = 2026, candidates: int = 400) -> Demo:
    """Return the demo account on the in-memory reference adapter, at ``DEMO_NOW``.

    The account holds :func:`load_demo`'s data and :func:`load_micro_pools`'s morning,
    and the requisition :data:`POOL_REQUISITION` is opened at
    :data:`~talentpool.demo.dataset.DEMO_NOW` from the "Store assistant" template.
    """
    uow = MemoryUnitOfWork()
    clock = FixedClock(DEMO_NOW)
    load_demo(uow, clock.now(), seed=seed, candidates=candidates)
    outbox = MemoryOutbox()
    micro_pools = MicroPools(uow, clock, MemoryIds(), outbox)
    story = load_micro_pools(uow, micro_pools, clock)
    autopooling = Autopooling(uow, clock)
    autopooling.open_requisition(
        STORE_ASSISTANT_TEMPLATE,
        requisition_id=POOL_REQUISITION,
        title="Store assistant, Brno Vaňkovka",
        primary_location=GeoPoint(49.1951, 16.6068),
        location=NodeId("brno"),
        owner_id=STORE_MANAGER,
    )
    return Demo(uow, clock, autopooling, micro_pools=micro_pools, outbox=outbox, story=story)
