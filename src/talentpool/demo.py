"""A demo account: Koruna Market, a Czech grocery chain, and the autopool of one store.

:func:`load_demo` writes a deterministic, realistic dataset into any
:class:`~talentpool.ports.UnitOfWork` (the in-memory reference here; a database
adapter later): the organization, location and job-field trees, a system
administrator, a recruiter and a store manager, open positions in Brno, Praha
and Olomouc, a "Store assistant" template with autopool criteria, a requisition
opened from it for the new store at Brno Vaňkovka, and a few hundred
candidates with Czech, German and Slovak names living around the three cities,
whose submissions are new, in process, rejected, hired, withdrawn, inactive or
expired. The same seed always gives the same data.

:func:`render_report` reads a requisition's pool through
:class:`~talentpool.autopool.Autopooling` and returns a readable report: the
top rows, the total and whether the list was truncated, the funnel, and
explanations for a few excluded candidates. ``talentpool demo`` prints it::

    >>> demo = build_demo(candidates=60)
    >>> report = render_report(demo, top=3)
    >>> "Funnel" in report and "Why not?" in report
    True
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import TypeVar

import attrs

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.autopool import Autopooling
from talentpool.clock import Clock, FixedClock
from talentpool.criteria import AutopoolCriteria, ResidenceWithin, SubmissionsInStructure
from talentpool.geo import GeoPoint
from talentpool.ids import (
    CandidateId,
    NodeId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.model import (
    AccountSettings,
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
from talentpool.ports import UnitOfWork
from talentpool.results import MAX_RESULTS

__all__ = [
    "DEMO_NOW",
    "POOL_REQUISITION",
    "STORE_ASSISTANT_CRITERIA",
    "WIDE_REQUISITION",
    "Demo",
    "build_demo",
    "demo_report",
    "load_demo",
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
"""Marek Malý, the Brno store manager, with no special permissions."""

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


@attrs.frozen
class Demo:
    """A loaded demo account and the service to ask it.

    Attributes:
        uow: Where the demo data lives.
        clock: The fixed clock the demo runs at.
        autopooling: The autopool service over :attr:`uow`.
        requisition_id: The requisition whose pool the report shows.
        wide_requisition_id: A requisition whose pool exceeds the cap, if the
            report should show one.
    """

    uow: UnitOfWork
    clock: Clock
    autopooling: Autopooling
    requisition_id: RequisitionId = POOL_REQUISITION
    wide_requisition_id: RequisitionId | None = WIDE_REQUISITION


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
                {Permission.DEFINE_AUTOPOOL_CRITERIA, Permission.VIEW_OTHER_APPLICATIONS},
            )
        )
        uow.users.save(User(STORE_MANAGER, "Marek Malý", Role.HIRING_MANAGER))
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
            uow.candidates.save(candidate)
            for submission in _submissions(rng, candidate, now, serial):
                uow.submissions.save(submission)
        uow.commit()


def build_demo(*, seed: int = 2026, candidates: int = 400) -> Demo:
    """Return the demo account on the in-memory reference adapter, at :data:`DEMO_NOW`."""
    uow = MemoryUnitOfWork()
    clock = FixedClock(DEMO_NOW)
    load_demo(uow, clock.now(), seed=seed, candidates=candidates)
    autopooling = Autopooling(uow, clock)
    autopooling.open_requisition(
        TemplateId("store-assistant"),
        requisition_id=POOL_REQUISITION,
        title="Store assistant, Brno Vaňkovka",
        primary_location=GeoPoint(49.1951, 16.6068),
        location=NodeId("brno"),
        owner_id=STORE_MANAGER,
    )
    return Demo(uow, clock, autopooling)


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


def demo_report(*, seed: int = 2026, candidates: int = 400, top: int = 10) -> str:
    """Build the in-memory demo and return its report (what ``talentpool demo`` prints)."""
    demo = build_demo(seed=seed, candidates=candidates)
    header = [
        "talentpool demo: Koruna Market, a Czech grocery chain (in-memory reference adapter)",
        f"now: {demo.clock.now():%Y-%m-%d %H:%M %Z}; {candidates} candidates; seed {seed}",
        "",
    ]
    return "\n".join(header) + render_report(demo, top=top)
