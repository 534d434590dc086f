"""A demo account: Koruna Market, a Czech grocery chain, its micro-pools and one store's autopool.

:func:`load_demo` writes a deterministic, realistic dataset into any
:class:`~talentpool.ports.UnitOfWork` (the in-memory reference here; a database
adapter later): the organization, location and job-field trees, a system
administrator, a recruiter and a store manager, open positions in Brno, Praha
and Olomouc, a "Store assistant" template with autopool criteria, a requisition
opened from it for the new store at Brno Vaňkovka, and a few hundred
candidates with Czech, German and Slovak names living around the three cities,
whose submissions are new, in process, rejected, hired, withdrawn, inactive or
expired. Each application came with a CV. The same seed always gives the same data.

:func:`load_micro_pools` then plays one morning of tag tracking through
:class:`~talentpool.micropools.MicroPools`, so notifications and audit events
happen as in production: the administrator integrates Slack and sets up tag
tracking for two regional managers (locations "Brno" and "Praha"), a warehouse
team lead (the skill "forklift licence") and an HR officer ("prepare
contract"); the team lead turns email off; two people apply through the
career page's collection form, picking their location themselves (no actor);
and the recruiter tags one applicant "forklift licence" and another "prepare
contract".

:func:`render_report` reads a requisition's pool through
:class:`~talentpool.autopool.Autopooling` and returns a readable report: the
top rows, the total and whether the list was truncated, the funnel, and
explanations for a few excluded candidates. :func:`render_micro_pools` reports
the morning: each user's micro-pool folders with their counts, the
notifications sent per user and channel, what a tag-share viewer sees of a
candidate next to what an owner sees, and a dry run of one subscription change.
``talentpool demo`` prints both::

    >>> demo = build_demo(candidates=60)
    >>> report = render_report(demo, top=3)
    >>> "Funnel" in report and "Why not?" in report
    True
    >>> micro = render_micro_pools(demo)
    >>> "Micro-pool folders" in micro and "Notifications" in micro
    True
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import TypeVar

import attrs

from talentpool.adapters.memory import MemoryIds, MemoryUnitOfWork
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.autopool import Autopooling
from talentpool.clock import Clock, FixedClock
from talentpool.criteria import AutopoolCriteria, ResidenceWithin, SubmissionsInStructure
from talentpool.errors import PermissionDeniedError
from talentpool.geo import GeoPoint
from talentpool.ids import (
    AttachmentId,
    CandidateId,
    NodeId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.micropools import MicroPools
from talentpool.model import (
    AccountSettings,
    Attachment,
    Candidate,
    Consent,
    Dimension,
    Permission,
    Requisition,
    RequisitionTemplate,
    Role,
    StructureTree,
    Submission,
    SubmissionStatus,
    User,
)
from talentpool.notifications import NotificationChannel
from talentpool.ports import UnitOfWork
from talentpool.results import MAX_RESULTS
from talentpool.text import fold
from talentpool.visibility import (
    AccessDecision,
    OwnerCandidateCard,
    OwnerCandidateRow,
    PositionOperation,
    TagShareCandidateCard,
    TagShareCandidateRow,
    Visibility,
)

__all__ = [
    "BRNO_TAG",
    "CONTRACT_TAG",
    "DEMO_NOW",
    "FORKLIFT_TAG",
    "POOL_REQUISITION",
    "PRAHA_TAG",
    "STORE_ASSISTANT_CRITERIA",
    "WIDE_REQUISITION",
    "Demo",
    "MicroPoolStory",
    "build_demo",
    "demo_report",
    "load_demo",
    "load_micro_pools",
    "render_micro_pools",
    "render_report",
]

_T = TypeVar("_T")

CET = timezone(timedelta(hours=1), "CET")
"""Central European (winter) time, a fixed offset so the demo needs no time-zone database."""
DEMO_NOW = datetime(2026, 11, 2, 9, 0, tzinfo=CET)
"""The demo's fixed "now": Monday 2 November 2026, 09:00 in Central Europe (winter time)."""

POOL_REQUISITION = RequisitionId("brno-vankovka")
"""The requisition whose pool the demo reports on."""
WIDE_REQUISITION = RequisitionId("christmas-helper")
"""A requisition with only the default criteria: its pool is larger than the cap of 300."""

ADMIN = UserId("alena")
"""Alena Adamová, the system administrator."""
RECRUITER = UserId("roman")
"""Roman Řehoř, a recruiter who may define autopool criteria and see other applications."""
STORE_MANAGER = UserId("marek")
"""Marek Malý, the Brno store manager, with no special permissions; he owns the open positions."""
BRNO_MANAGER = UserId("bara")
"""Bára Brněnská, regional manager for South Moravia; tracks :data:`BRNO_TAG`."""
PRAHA_MANAGER = UserId("pavla")
"""Pavla Pražská, regional manager for Praha; tracks :data:`PRAHA_TAG`."""
WAREHOUSE_LEAD = UserId("bohdan")
"""Bohdan Bednář, team lead at the Brno Modřice warehouse; tracks :data:`FORKLIFT_TAG`."""
HR_OFFICER = UserId("anna")
"""Anna Smluvní, HR, who prepares employment contracts; tracks :data:`CONTRACT_TAG`."""

BRNO_TAG = "Brno"
"""A location tag candidates pick on the career page's collection form."""
PRAHA_TAG = "Praha"
"""The other location tag of the collection form."""
FORKLIFT_TAG = "forklift licence"
"""A skill tag recruiters give; the warehouse team tracks it."""
CONTRACT_TAG = "prepare contract"
"""A work tag: the recruiter hands a chosen candidate to HR with it."""

# --- places ----------------------------------------------------------------------------

# Where people live: a town, its centre, and how far from it (degrees) homes spread.
_TOWNS: tuple[tuple[str, float, float, float, float], ...] = (
    # name, latitude, longitude, spread, weight
    ("Brno", 49.1951, 16.6068, 0.06, 30),
    ("Šlapanice", 49.1686, 16.7272, 0.02, 4),
    ("Kuřim", 49.2985, 16.5315, 0.02, 4),
    ("Modřice", 49.1277, 16.6144, 0.02, 3),
    ("Blansko", 49.3631, 16.6445, 0.02, 3),
    ("Vyškov", 49.2775, 16.9990, 0.02, 3),
    ("Praha", 50.0755, 14.4378, 0.08, 25),
    ("Kladno", 50.1473, 14.1029, 0.02, 4),
    ("Beroun", 49.9638, 14.0720, 0.02, 3),
    ("Olomouc", 49.5938, 17.2509, 0.04, 12),
    ("Prostějov", 49.4719, 17.1118, 0.02, 4),
    ("Přerov", 49.4551, 17.4509, 0.02, 4),
)

# --- names -------------------------------------------------------------------------------

# (given names of women, of men, family names of women, of men, profile language, weight)
_PEOPLE: tuple[
    tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], str, int], ...
] = (
    (
        ("Jana", "Petra", "Lenka", "Tereza", "Eva", "Lucie", "Kateřina", "Markéta", "Veronika"),
        ("Jakub", "Lukáš", "Tomáš", "David", "Petr", "Jan", "Ondřej", "Martin", "Jiří"),
        (
            "Nováková",
            "Svobodová",
            "Novotná",
            "Dvořáková",
            "Černá",
            "Procházková",
            "Kučerová",
            "Veselá",
            "Horáková",
            "Němcová",
            "Marková",
            "Pokorná",
            "Šťastná",
            "Králová",
        ),
        (
            "Novák",
            "Svoboda",
            "Novotný",
            "Dvořák",
            "Černý",
            "Procházka",
            "Kučera",
            "Veselý",
            "Horák",
            "Němec",
            "Marek",
            "Pokorný",
            "Šťastný",
            "Král",
        ),
        "cs",
        75,
    ),
    (
        ("Zuzana", "Katarína", "Lucia", "Mária", "Simona"),
        ("Peter", "Michal", "Marek", "Juraj", "Matúš"),
        ("Kováčová", "Horváthová", "Vargová", "Tóthová", "Baláková"),
        ("Kováč", "Horváth", "Varga", "Tóth", "Balák"),
        "sk",
        15,
    ),
    (
        ("Anna", "Lea", "Sophie", "Lena"),
        ("Jonas", "Felix", "Lukas", "Maximilian"),
        ("Müller", "Schmidt", "Fischer", "Weber", "Becker"),
        ("Müller", "Schmidt", "Fischer", "Weber", "Becker"),
        "de",
        10,
    ),
)

_STATUSES: tuple[tuple[SubmissionStatus, int], ...] = (
    (SubmissionStatus.NEW, 18),
    (SubmissionStatus.IN_PROCESS, 14),
    (SubmissionStatus.REJECTED, 22),
    (SubmissionStatus.HIRED, 6),
    (SubmissionStatus.WITHDRAWN, 14),
    (SubmissionStatus.INACTIVE, 26),
)

_SUBMISSION_LIFETIME_DAYS = 180
"""Submissions expire half a year after they were made."""


@attrs.frozen
class _Position:
    id: str
    title: str
    point: GeoPoint
    organization: str
    location: str
    job_field: str


_POSITIONS: tuple[_Position, ...] = (
    _Position(
        "praha-cashier",
        "Cashier, Praha Anděl",
        GeoPoint(50.0707, 14.4036),
        "bohemia",
        "praha",
        "cashier",
    ),
    _Position(
        "praha-shift-lead",
        "Shift lead, Praha Chodov",
        GeoPoint(50.0316, 14.4910),
        "bohemia",
        "praha",
        "shift-lead",
    ),
    _Position(
        "olomouc-assistant",
        "Store assistant, Olomouc",
        GeoPoint(49.5938, 17.2509),
        "moravia",
        "olomouc",
        "assistant",
    ),
    _Position(
        "brno-cashier",
        "Cashier, Brno Líšeň",
        GeoPoint(49.2105, 16.6847),
        "moravia",
        "brno",
        "cashier",
    ),
    _Position(
        "brno-warehouse",
        "Warehouse operative, Brno Modřice",
        GeoPoint(49.1277, 16.6144),
        "logistics",
        "brno",
        "warehouse",
    ),
)

STORE_ASSISTANT_CRITERIA = AutopoolCriteria(
    exclude_in_selection_process=True,
    exclude_rejected_within_days=90,
    profile_language_must_match=True,
    radius=ResidenceWithin(40),
    structure=SubmissionsInStructure(organizations={"retail-cz"}, job_fields={"sales"}),
)
"""The criteria of the "Store assistant" template: available, Czech-speaking, near, in sales."""


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

    uow: UnitOfWork
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


def _weighted(rng: random.Random, items: Sequence[tuple[_T, float]]) -> _T:
    return rng.choices([item for item, _ in items], weights=[w for _, w in items])[0]


def _trees() -> Iterator[StructureTree]:
    yield StructureTree(
        Dimension.ORGANIZATION,
        {
            "koruna": None,
            "retail-cz": "koruna",
            "moravia": "retail-cz",
            "bohemia": "retail-cz",
            "logistics": "koruna",
        },
        names={
            NodeId("koruna"): "Koruna Market",
            NodeId("retail-cz"): "Retail Czechia",
            NodeId("moravia"): "Moravia",
            NodeId("bohemia"): "Bohemia",
            NodeId("logistics"): "Logistics",
        },
    )
    yield StructureTree(
        Dimension.LOCATION,
        {
            "cz": None,
            "jmk": "cz",
            "brno": "jmk",
            "olk": "cz",
            "olomouc": "olk",
            "praha": "cz",
        },
    )
    yield StructureTree(
        Dimension.JOB_FIELD,
        {
            "sales": None,
            "cashier": "sales",
            "assistant": "sales",
            "shift-lead": "sales",
            "warehouse": None,
        },
    )


def _candidate(rng: random.Random, index: int, now: datetime) -> Candidate:
    women, men, her_family, his_family, language, _ = _weighted(rng, [(p, p[5]) for p in _PEOPLE])
    woman = rng.random() < 0.58
    given = rng.choice(women if woman else men)
    family = rng.choice(her_family if woman else his_family)
    town, lat, lon, spread, _ = _weighted(rng, [(t, t[4]) for t in _TOWNS])
    home = (
        GeoPoint(lat + rng.uniform(-spread, spread), lon + rng.uniform(-spread, spread) * 1.5)
        if rng.random() < 0.93
        else None
    )
    consent_roll = rng.random()
    given_at = now - timedelta(days=rng.randint(30, 700))
    if consent_roll < 0.85:
        consent: Consent | None = Consent(given_at, expires_at=given_at + timedelta(days=730))
    elif consent_roll < 0.92:
        consent = Consent(given_at, withdrawn_at=now - timedelta(days=rng.randint(1, 20)))
    else:
        consent = None
    speaks = {language, "cs"} if language != "cs" and rng.random() < 0.6 else {language}
    fields = {"driving_licence": "B"} if rng.random() < 0.35 else {}
    return Candidate(
        CandidateId(f"cand-{index:04d}"),
        given,
        family,
        now - timedelta(days=rng.randint(1, 900)),
        email=f"{index:04d}@example.org",
        city=town if home is not None else None,
        residence=home,
        profile_language=language,
        languages=frozenset(speaks),
        fields=fields,
        text=rng.choice(
            (
                "Prodavačka s praxí v potravinách, pokladna.",
                "Brigády v obchodě, skladník, řidičský průkaz B.",
                "Student, víkendy a večery, obsluha pokladny.",
                "Verkäuferin, Kasse, Teilzeit.",
                "Predavač, skúsenosti s obsluhou zákazníkov.",
            )
        ),
        consent=consent,
    )


def _submissions(
    rng: random.Random, candidate: Candidate, now: datetime, serial: Iterator[int]
) -> Iterator[Submission]:
    positions = rng.sample(_POSITIONS, k=rng.choice((1, 1, 1, 2, 2, 3)))
    for position in positions:
        submitted = now - timedelta(days=rng.randint(1, 240), hours=rng.randint(0, 23))
        status = _weighted(rng, _STATUSES)
        age = (now - submitted).days
        changed = (
            submitted
            if status is SubmissionStatus.NEW
            else (now - timedelta(days=rng.randint(0, max(age, 0)), hours=rng.randint(0, 12)))
        )
        changed = max(changed, submitted)
        yield Submission(
            SubmissionId(f"sub-{next(serial):05d}"),
            candidate.id,
            RequisitionId(position.id),
            submitted,
            status,
            status_changed_at=changed,
            last_activity_at=changed,
            expires_at=submitted + timedelta(days=_SUBMISSION_LIFETIME_DAYS),
            step="Interview" if status is SubmissionStatus.IN_PROCESS else None,
        )


def load_demo(
    uow: UnitOfWork, now: datetime = DEMO_NOW, *, seed: int = 2026, candidates: int = 400
) -> None:
    """Write the demo account into *uow*: deterministic for a given *seed* and size.

    The account has automatic candidate pooling enabled, the "Store assistant"
    template with :data:`STORE_ASSISTANT_CRITERIA`, and the requisition
    :data:`POOL_REQUISITION` opened from it in Brno (it inherits the criteria).
    Every application carries a CV, and every fourth candidate living in Brno or
    Praha picked that city as a location tag on the career page's collection form
    earlier. Nobody tracks a tag yet, so writing those tags here misses no
    notification nor audit event: :func:`load_micro_pools` sets up the tracking.
    """
    rng = random.Random(seed)
    serial = iter(range(1, 1_000_000))
    with uow:
        uow.settings.save(AccountSettings(autopool_enabled=True))
        for tree in _trees():
            uow.structures.save(tree)
        uow.users.save(User(ADMIN, "Alena Adamová", Role.ADMINISTRATOR))
        uow.users.save(
            User(
                RECRUITER,
                "Roman Řehoř",
                Role.RECRUITER,
                {
                    Permission.DEFINE_AUTOPOOL_CRITERIA,
                    Permission.VIEW_OTHER_APPLICATIONS,
                    Permission.SEE_WHOLE_DATABASE,
                },
            )
        )
        uow.users.save(User(STORE_MANAGER, "Marek Malý", Role.HIRING_MANAGER))
        for uid, name in _MICRO_POOL_USERS:
            uow.users.save(User(uid, name, Role.HIRING_MANAGER))
        for p in _POSITIONS:
            uow.requisitions.save(
                Requisition(
                    RequisitionId(p.id),
                    p.title,
                    now - timedelta(days=250),
                    language="cs",
                    primary_location=p.point,
                    organization=NodeId(p.organization),
                    location=NodeId(p.location),
                    job_field=NodeId(p.job_field),
                    owner_id=STORE_MANAGER,
                )
            )
        uow.requisitions.save(
            Requisition(
                WIDE_REQUISITION,
                "Christmas helper, any store",
                now - timedelta(days=7),
                language="cs",
                owner_id=STORE_MANAGER,
                autopool=AutopoolCriteria(),  # the defaults: expired and recent hires out
            )
        )
        uow.templates.save(
            RequisitionTemplate(
                TemplateId("store-assistant"),
                "Store assistant",
                language="cs",
                organization=NodeId("moravia"),
                job_field=NodeId("assistant"),
                autopool=STORE_ASSISTANT_CRITERIA,
            )
        )
        for i in range(candidates):
            candidate = _candidate(rng, i, now)
            if candidate.city in (BRNO_TAG, PRAHA_TAG) and i % 4 == 0:
                candidate = candidate.with_tags([candidate.city])
            uow.candidates.save(candidate)
            for submission in _submissions(rng, candidate, now, serial):
                uow.submissions.save(submission)
                uow.attachments.save(
                    Attachment(
                        AttachmentId(f"cv-{submission.id}"),
                        candidate.id,
                        "cv.pdf",
                        submission.submitted_at,
                        submission.requisition_id,
                    )
                )
        uow.commit()


_MICRO_POOL_USERS: tuple[tuple[UserId, str], ...] = (
    (BRNO_MANAGER, "Bára Brněnská"),
    (PRAHA_MANAGER, "Pavla Pražská"),
    (WAREHOUSE_LEAD, "Bohdan Bednář"),
    (HR_OFFICER, "Anna Smluvní"),
)

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
    uow: UnitOfWork,
    *preferences: _Preference,
    avoid: frozenset[CandidateId] = frozenset(),
) -> CandidateId:
    """Return the first candidate by id meeting the first preference any candidate meets.

    Falls back to anyone who applied, then to anyone, so small demos work too.
    """
    people = sorted(uow.candidates, key=lambda c: c.id)
    ranked = [(c, uow.submissions.for_candidate(c.id)) for c in people if c.id not in avoid]
    for wanted in (*preferences, _applied):
        for candidate, subs in ranked:
            if wanted(candidate, subs):
                return candidate.id
    return people[0].id


def load_micro_pools(uow: UnitOfWork, pools: MicroPools, clock: FixedClock) -> MicroPoolStory:
    """Play one morning of tag tracking on the account :func:`load_demo` wrote (MP1, MP7, MP8).

    Every write goes through *pools*, so notifications are delivered and tag
    shares are audited; *pools* must run on *clock*, which is set to each step's
    time (from an hour before its current time) and put back afterwards.
    """
    now = clock.now()
    start = now - timedelta(hours=1)
    steps: list[tuple[datetime, str]] = []
    names = {u.id: u.name for u in (uow.users.get(uid) for uid, _ in _MICRO_POOL_USERS)}
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

    contract = _pick(
        uow,
        lambda c, subs: len(subs) >= 2 and in_process(c, subs) and not c.tags,
        in_process,
    )
    forklift = _pick(
        uow,
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
    """Return the demo account on the in-memory reference adapter, at :data:`DEMO_NOW`.

    The account holds :func:`load_demo`'s data and :func:`load_micro_pools`'s morning,
    and the requisition :data:`POOL_REQUISITION` is opened at :data:`DEMO_NOW`.
    """
    uow = MemoryUnitOfWork()
    clock = FixedClock(DEMO_NOW)
    load_demo(uow, clock.now(), seed=seed, candidates=candidates)
    outbox = MemoryOutbox()
    micro_pools = MicroPools(uow, clock, MemoryIds(), outbox)
    story = load_micro_pools(uow, micro_pools, clock)
    autopooling = Autopooling(uow, clock)
    autopooling.open_requisition(
        TemplateId("store-assistant"),
        requisition_id=POOL_REQUISITION,
        title="Store assistant, Brno Vaňkovka",
        primary_location=GeoPoint(49.1951, 16.6068),
        location=NodeId("brno"),
        owner_id=STORE_MANAGER,
    )
    return Demo(uow, clock, autopooling, micro_pools=micro_pools, outbox=outbox, story=story)


def _rule(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def render_report(demo: Demo, *, top: int = 10, why_not: int = 3) -> str:
    """Return a readable report of the pool of ``demo.requisition_id``.

    The report shows the criteria, the *top* rows (latest submission first),
    the total and whether the list of at most 300 was truncated, the funnel, and
    explanations for up to *why_not* excluded candidates, each failing a
    different criterion first.
    """
    uow, autopooling, requisition_id = demo.uow, demo.autopooling, demo.requisition_id
    requisition = uow.requisitions.get(requisition_id)
    criteria = requisition.autopool
    results = autopooling.results(requisition_id)
    funnel = autopooling.funnel(requisition_id)

    lines = [f"Autopool of {requisition.title!r} ({requisition.id})"]
    if requisition.template_id is not None:
        overrides = autopooling.overrides(requisition_id)
        changed = ", ".join(overrides.fields) or "none"
        lines.append(
            f"Criteria inherited from template {requisition.template_id!r}; overrides: {changed}"
        )
    if criteria is not None:
        enforce = uow.settings.get().enforce_consent
        for term in criteria.terms(enforce_consent=enforce):
            lines.append(f"  - {term.describe()}")

    lines += _rule("Results")
    shown = len(results.rows)
    lines.append(
        f"{results.total} candidates matched; {shown} in the list (at most {MAX_RESULTS}); "
        f"truncated: {'yes' if results.truncated else 'no'}; top {min(top, shown)} by latest "
        "submission:"
    )
    lines.append(f"  {'#':>3}  {'name':<24} {'city':<12} {'km':>6}  latest submission")
    for i, row in enumerate(results.rows[:top], start=1):
        km = "-" if row.distance_km is None else f"{row.distance_km:.1f}"
        when = "-" if row.latest_submission_at is None else f"{row.latest_submission_at:%Y-%m-%d}"
        lines.append(f"  {i:>3}  {row.name:<24} {row.city or '-':<12} {km:>6}  {when}")

    if demo.wide_requisition_id is not None:
        wide = autopooling.results(demo.wide_requisition_id)
        title = uow.requisitions.get(demo.wide_requisition_id).title
        lines.append(
            f"For comparison, {title!r} keeps the default criteria only: {wide.total} matched, "
            f"{len(wide.rows)} in the list, truncated: {'yes' if wide.truncated else 'no'}."
        )

    lines += _rule("Funnel")
    lines.extend(f"  {line}" for line in str(funnel).splitlines())

    lines += _rule("Why not? (explanations)")
    seen: set[str] = set()
    members = set(results.candidate_ids)
    for candidate in uow.candidates:
        if len(seen) >= why_not:
            break
        if candidate.id in members:
            continue
        explanation = autopooling.explain(requisition_id, candidate.id)
        if explanation.in_pool or not explanation.universe.passed:
            continue
        first = explanation.failed[0].label
        if first in seen:
            continue
        seen.add(first)
        lines.append(f"  {candidate.name} ({candidate.id}) fails '{first}':")
        lines.extend(f"  {line}" for line in str(explanation).splitlines()[1:])
    return "\n".join(lines) + "\n"


_CHANNELS: tuple[tuple[NotificationChannel, str], ...] = (
    (NotificationChannel.BELL, "bell"),
    (NotificationChannel.EMAIL, "email"),
    (NotificationChannel.MOBILE_PUSH, "mobile push"),
    (NotificationChannel.SLACK, "Slack"),
)


def _status(text: str) -> str:
    return text.replace("_", " ")


def _access(decision: AccessDecision) -> str:
    """The decision in words, without ids of users or candidates."""
    level = {True: "owner", False: "tag share"}[decision.owns]
    return f"{level} ({'; '.join(decision.reasons)})"


def _by_name(names: dict[UserId, str], users: Iterable[UserId]) -> list[UserId]:
    return sorted(users, key=lambda u: (fold(names[u]), u))


def _tag_share_lines(demo: Demo, viewer: UserId, cid: CandidateId) -> list[str]:
    """What *viewer*, who sees the candidate through a tag share, is shown (MP3)."""
    visibility = demo.visibility
    row = visibility.candidate_row(viewer, cid)
    card = visibility.candidate_card(viewer, cid)
    assert isinstance(row, TagShareCandidateRow)
    assert isinstance(card, TagShareCandidateCard)
    files = ", ".join(f"{a.filename} ({a.position_title or 'profile'})" for a in row.attachments)
    refused, message = [], ""
    for operation in PositionOperation:
        try:
            visibility.require_position_access(viewer, cid, operation)
        except PermissionDeniedError as denied:
            refused.append(operation.value)
            message = message or str(denied)
    lines = [
        f"  {demo.uow.users.get(viewer).name}: {_access(visibility.decide(viewer, cid))}",
        f'    "Candidates" row: no positions overview; attachments: {files or "none"}',
        f"    card: registered on {'; '.join(card.position_titles) or 'no position'}"
        " (titles only, no links); no response data",
        f'    "Candidates on positions": {len(visibility.positions_of(viewer, cid))} rows',
        f"    refused: {', '.join(refused) or 'nothing'}",
    ]
    if message:
        lines.append(f"      {message}")
    return lines


def _owner_lines(demo: Demo, owner: UserId, cid: CandidateId) -> list[str]:
    """What *owner* is shown of the candidate: positions and responses included (MP3)."""
    visibility = demo.visibility
    row = visibility.candidate_row(owner, cid)
    card = visibility.candidate_card(owner, cid)
    assert isinstance(row, OwnerCandidateRow)
    assert isinstance(card, OwnerCandidateCard)
    overview = "; ".join(
        f"{p.title} [{p.requisition_id}]: {_status(p.status.value)}"
        + (f" ({p.step})" if p.step else "")
        for p in row.positions
    )
    lines = [
        f"  {demo.uow.users.get(owner).name}: {_access(visibility.decide(owner, cid))}",
        f'    "Candidates" row: positions overview {overview or "empty"}; '
        f"{len(row.attachments)} attachments",
        f"    card: {len(card.responses)} responses",
    ]
    lines.extend(
        f"      {r.submission_id} {r.position_title} [{r.requisition_id}]: "
        f"{_status(r.status.value)}{f' at {r.step}' if r.step else ''}, "
        f"applied {r.submitted_at:%Y-%m-%d}"
        for r in card.responses
    )
    lines.append(f'    "Candidates on positions": {len(visibility.positions_of(owner, cid))} rows')
    return lines


def render_micro_pools(demo: Demo) -> str:
    """Return a readable report of the demo's micro-pools (MP3, MP5, MP7, MP8, EN5).

    It shows the morning's steps; each tracking user's folders with their counts
    (:meth:`~talentpool.micropools.MicroPools.folders`); the notifications the
    outbox delivered, per user and channel, and their messages; what the HR
    officer sees through a tag share of the candidate tagged "prepare contract",
    next to what the store manager, who owns that candidate, sees; and a dry run
    of the store manager tracking "Brno". Nothing is written.
    """
    uow, pools, outbox, story = demo.uow, demo.micro_pools, demo.outbox, demo.story
    name = {u.id: u.name for u in uow.users}
    lines = ["Micro-pools", "===========", "This morning (Central European time):"]
    lines.extend(f"  {when:%H:%M}  {what}" for when, what in story.steps)

    lines += _rule("Micro-pool folders")
    lines.append("  Each tracked tag is a sub-folder of the user's candidate database.")
    trackers = _by_name(name, (u for u in name if pools.subscriptions(u)))
    width = max((len(name[u]) for u in trackers), default=0) + 2
    for uid in trackers:
        folders = ", ".join(f"{f.label} ({f.count})" for f in pools.folders(uid))
        lines.append(f"  {name[uid]:<{width}}{folders}")
    lines.append(
        "  Candidates tagged before tracking was set up are in the folders, but nobody was "
        "told about them."
    )

    lines += _rule("Notifications")
    lines.append(
        "  One notification per user and event: always in the bell; email, mobile push and "
        "Slack as the user's notification centre says."
    )
    recipients = _by_name(name, outbox.recipients())
    width = max((len(name[u]) for u in recipients), default=4) + 2
    columns = [(channel, label, len(label) + 2) for channel, label in _CHANNELS]
    lines.append(f"  {'user':<{width}}" + "".join(f"{lb:>{w}}" for _, lb, w in columns))
    for uid in recipients:
        counts = "".join(f"{len(outbox.to(uid, c)) or '-':>{w}}" for c, _, w in columns)
        settings = pools.notification_settings(uid)
        off = [label for c, label in _CHANNELS if not settings.is_on(c)]
        note = f"   {', '.join(off)} turned off" if off else ""
        lines.append(f"  {name[uid]:<{width}}{counts}{note}")
    if uow.settings.get().slack_integrated:
        lines.append(
            "  Slack goes out only because the account has Slack integrated; without it, "
            "nobody would get Slack."
        )
    silent = [u for u in trackers if u not in outbox.recipients()]
    if silent:
        lines.append(f"  Not notified: {', '.join(name[u] for u in silent)}.")
    notes = sorted(
        (n for u in recipients for n in outbox.notifications(u)),
        key=lambda n: (n.created_at, fold(name[n.user_id])),
    )
    for n in notes:
        by = "collection form" if n.actor_id is None else f"by {name[n.actor_id]}"
        lines.append(f"  {n.created_at:%H:%M}  {name[n.user_id]}: {n.message} ({by})")

    cid = story.contract_candidate
    lines += _rule(f"Tag share versus owner: {uow.candidates.get(cid).name} ({cid})")
    lines += _tag_share_lines(demo, HR_OFFICER, cid)
    lines += _owner_lines(demo, STORE_MANAGER, cid)

    manager = name[STORE_MANAGER]
    run = pools.dry_run_subscribe(ADMIN, STORE_MANAGER, BRNO_TAG)
    lines += _rule(f"Dry run: {manager} to track {BRNO_TAG!r} (nothing is saved)")
    gained = ", ".join(uow.candidates.get(c).name for c in run.gaining) or "nobody"
    lines.append(
        f"  {len(run.in_micro_pool)} candidates carry {BRNO_TAG!r}; "
        f"{manager} would gain {len(run.gaining)}: {gained}."
    )
    if known := len(run.in_micro_pool) - len(run.gaining):
        lines.append(
            f"  He already owns the other {known} through his positions: they do not count."
        )
    tracked = ", ".join(s.tag.label for s in pools.subscriptions(STORE_MANAGER)) or "none"
    lines.append(f"  Tags {manager} tracks after the dry run: {tracked}.")
    return "\n".join(lines) + "\n"


def demo_report(*, seed: int = 2026, candidates: int = 400, top: int = 10) -> str:
    """Build the in-memory demo and return its report (what ``talentpool demo`` prints).

    The autopool report of :func:`render_report` comes first, then the micro-pools
    of :func:`render_micro_pools`.
    """
    demo = build_demo(seed=seed, candidates=candidates)
    header = [
        "talentpool demo: Koruna Market, a Czech grocery chain (in-memory reference adapter)",
        f"now: {demo.clock.now():%Y-%m-%d %H:%M %Z}; {candidates} candidates; seed {seed}",
        "",
    ]
    return "\n".join(header) + render_report(demo, top=top) + "\n" + render_micro_pools(demo)
