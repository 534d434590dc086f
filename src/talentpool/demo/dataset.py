"""The demo's dataset: Koruna Market, a Czech grocery chain, as plain domain entities.

:func:`generate` returns a deterministic, realistic account as entities of
:mod:`talentpool.model` and writes them nowhere: no unit of work, no service, no
adapter. :mod:`talentpool.demo.story` loads them into a store; a benchmark can
generate 10k, 100k or 1M candidates the same way, from a :class:`DatasetSpec`
(the seed and the size, the country and how its residents cluster)::

    >>> data = generate(DatasetSpec(seed=7, size=50))
    >>> len(data.candidates), len(data.requisitions), len(data.structures)
    (50, 6, 3)
    >>> data == generate(DatasetSpec(seed=7, size=50))
    True
    >>> data.candidates == generate(DatasetSpec(seed=8, size=50)).candidates
    False

The account has automatic candidate pooling enabled; organization, location and
job-field trees; a system administrator, a recruiter, a store manager who owns
the open positions in Brno, Praha and Olomouc, and four colleagues who will track
tags; a "Store assistant" template with :data:`STORE_ASSISTANT_CRITERIA`; and a
requisition :data:`WIDE_REQUISITION` with only the default criteria. Candidates
have Czech, Slovak and German names, speak their language (and often Czech),
live in and around the towns of a :class:`Country` (:data:`CZECHIA` by
default), and applied to one to three positions, each application with a CV;
their submissions are new, in process, rejected, hired, withdrawn or inactive,
and expire half a year after they were made. Every fourth candidate living in
Brno or Praha picked that city as a location tag (:data:`BRNO_TAG`,
:data:`PRAHA_TAG`).

A residence is clustered around a town, or, for the share of candidates the
spec's ``clustered`` leaves over, anywhere in the country::

    >>> spread = generate(DatasetSpec(size=200, clustered=0.0))
    >>> {c.city for c in spread.candidates}
    {None}
    >>> all(CZECHIA.contains(c.residence) for c in spread.candidates if c.residence)
    True

For millions of candidates, stream them instead of holding them all:
:func:`generate_applicants` yields the same candidates, one :class:`Applicant`
at a time, and ``generate(attrs.evolve(spec, size=0))`` gives the account
without them::

    >>> first = next(generate_applicants(DatasetSpec(seed=7, size=1_000_000)))
    >>> first == generate(DatasetSpec(seed=7, size=1)).applicants[0]
    True
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import TypeVar

import attrs

from talentpool.criteria import AutopoolCriteria, ResidenceWithin, SubmissionsInStructure
from talentpool.errors import DomainError
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
from talentpool.validators import aware

__all__ = [
    "ADMIN",
    "BRNO_MANAGER",
    "BRNO_TAG",
    "CET",
    "CZECHIA",
    "DEMO_NOW",
    "HR_OFFICER",
    "PRAHA_MANAGER",
    "PRAHA_TAG",
    "RECRUITER",
    "STORE_ASSISTANT_CRITERIA",
    "STORE_ASSISTANT_TEMPLATE",
    "STORE_MANAGER",
    "WAREHOUSE_LEAD",
    "WIDE_REQUISITION",
    "Applicant",
    "Country",
    "Dataset",
    "DatasetSpec",
    "Town",
    "generate",
    "generate_applicants",
]

_T = TypeVar("_T")

CET = timezone(timedelta(hours=1), "CET")
"""Central European (winter) time, a fixed offset so the demo needs no time-zone database."""
DEMO_NOW = datetime(2026, 11, 2, 9, 0, tzinfo=CET)
"""The demo's fixed "now": Monday 2 November 2026, 09:00 in Central Europe (winter time)."""

WIDE_REQUISITION = RequisitionId("christmas-helper")
"""A requisition with only the default criteria: its pool is larger than the cap of 300."""
STORE_ASSISTANT_TEMPLATE = TemplateId("store-assistant")
"""The "Store assistant" template, with :data:`STORE_ASSISTANT_CRITERIA`."""

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
"""Bohdan Bednář, team lead at the Brno Modřice warehouse; tracks "forklift licence"."""
HR_OFFICER = UserId("anna")
"""Anna Smluvní, HR, who prepares employment contracts; tracks "prepare contract"."""

BRNO_TAG = "Brno"
"""A location tag candidates pick on the career page's collection form."""
PRAHA_TAG = "Praha"
"""The other location tag of the collection form."""

STORE_ASSISTANT_CRITERIA = AutopoolCriteria(
    exclude_in_selection_process=True,
    exclude_rejected_within_days=90,
    profile_language_must_match=True,
    radius=ResidenceWithin(40),
    structure=SubmissionsInStructure(organizations={"retail-cz"}, job_fields={"sales"}),
)
"""The criteria of the "Store assistant" template: available, Czech-speaking, near, in sales."""


# --- places ------------------------------------------------------------------------------


@attrs.frozen
class Town:
    """A town people live in and around.

    Attributes:
        name: The town's name, which its residents give as their city.
        centre: The town's centre.
        spread: How far from the centre homes lie, in degrees of latitude; in
            longitude one and a half times that, so the area is roughly square
            at Central European latitudes.
        weight: The town's share of the country's clustered residents, relative
            to the other towns' weights.
    """

    name: str
    centre: GeoPoint
    spread: float
    weight: float


@attrs.frozen
class Country:
    """Where candidates live: a country's towns and the box around the country.

    Attributes:
        name: The country's name.
        towns: The towns residents cluster around.
        south_west: The south-west corner of the box that holds the country.
        north_east: Its north-east corner; spread residences are drawn uniformly
            in latitude and longitude between the two corners, so a few fall
            in the box's corners outside the border.
    """

    name: str
    towns: tuple[Town, ...]
    south_west: GeoPoint
    north_east: GeoPoint

    def contains(self, point: GeoPoint) -> bool:
        """Return whether *point* lies in the country's box."""
        sw, ne = self.south_west, self.north_east
        return (
            sw.latitude <= point.latitude <= ne.latitude
            and sw.longitude <= point.longitude <= ne.longitude
        )


def _town(name: str, latitude: float, longitude: float, spread: float, weight: float) -> Town:
    return Town(name, GeoPoint(latitude, longitude), spread, weight)


CZECHIA = Country(
    "Czechia",
    (
        _town("Brno", 49.1951, 16.6068, 0.06, 30),
        _town("Šlapanice", 49.1686, 16.7272, 0.02, 4),
        _town("Kuřim", 49.2985, 16.5315, 0.02, 4),
        _town("Modřice", 49.1277, 16.6144, 0.02, 3),
        _town("Blansko", 49.3631, 16.6445, 0.02, 3),
        _town("Vyškov", 49.2775, 16.9990, 0.02, 3),
        _town("Praha", 50.0755, 14.4378, 0.08, 25),
        _town("Kladno", 50.1473, 14.1029, 0.02, 4),
        _town("Beroun", 49.9638, 14.0720, 0.02, 3),
        _town("Olomouc", 49.5938, 17.2509, 0.04, 12),
        _town("Prostějov", 49.4719, 17.1118, 0.02, 4),
        _town("Přerov", 49.4551, 17.4509, 0.02, 4),
    ),
    south_west=GeoPoint(48.55, 12.09),
    north_east=GeoPoint(51.06, 18.86),
)
"""Czechia, with the towns around Koruna Market's stores in Brno, Praha and Olomouc."""


# --- what to generate --------------------------------------------------------------------


def _whole(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError(attribute.name, value, "must be a whole number")


def _not_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    _whole(instance, attribute, value)
    if value < 0:
        raise DomainError(attribute.name, value, "must be 0 or more")


def _share(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
        raise DomainError(attribute.name, value, "must be a number from 0 to 1")


def _country(instance: object, attribute: attrs.Attribute[Country], value: Country) -> None:
    if not isinstance(value, Country) or not value.towns:
        raise DomainError(attribute.name, value, "must be a Country with at least one town")


@attrs.frozen
class DatasetSpec:
    """What to generate: the same spec always gives equal entities.

    Attributes:
        seed: Seeds the random choices; another seed gives other people.
        size: How many candidates to generate (each applied one to three times).
        now: The moment the data is generated at: everything happened before it.
        country: Where candidates live.
        clustered: The share of residences clustered around the country's towns,
            from 0 to 1; the others are spread over the whole country and name
            no city. At 1 (the demo's default) every resident lives near a town.
    """

    seed: int = attrs.field(default=2026, validator=_whole)
    size: int = attrs.field(default=400, validator=_not_negative)
    now: datetime = attrs.field(default=DEMO_NOW, validator=aware)
    country: Country = attrs.field(default=CZECHIA, validator=_country)
    clustered: float = attrs.field(default=1.0, validator=_share)


@attrs.frozen
class Applicant:
    """One generated candidate with their applications.

    Attributes:
        candidate: The candidate.
        submissions: Their submissions, one per position they applied to.
        attachments: The CV that came with each submission, in the same order.
    """

    candidate: Candidate
    submissions: tuple[Submission, ...]
    attachments: tuple[Attachment, ...]


@attrs.frozen
class Dataset:
    """A generated account: every entity a store needs to hold it, in the order to save them.

    Attributes:
        spec: What was generated.
        settings: The account's settings: automatic candidate pooling enabled.
        structures: The organization, location and job-field trees.
        users: The people using the account.
        requisitions: The open positions and :data:`WIDE_REQUISITION`.
        templates: The "Store assistant" template.
        applicants: The candidates with their submissions and CVs.
    """

    spec: DatasetSpec
    settings: AccountSettings
    structures: tuple[StructureTree, ...]
    users: tuple[User, ...]
    requisitions: tuple[Requisition, ...]
    templates: tuple[RequisitionTemplate, ...]
    applicants: tuple[Applicant, ...]

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        """Every candidate, in the order generated."""
        return tuple(a.candidate for a in self.applicants)

    @property
    def submissions(self) -> tuple[Submission, ...]:
        """Every submission, in the order generated."""
        return tuple(s for a in self.applicants for s in a.submissions)

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        """Every attachment, in the order generated."""
        return tuple(f for a in self.applicants for f in a.attachments)


# --- the account -------------------------------------------------------------------------


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


def _trees() -> tuple[StructureTree, ...]:
    organizations = StructureTree(
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
    locations = StructureTree(
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
    job_fields = StructureTree(
        Dimension.JOB_FIELD,
        {
            "sales": None,
            "cashier": "sales",
            "assistant": "sales",
            "shift-lead": "sales",
            "warehouse": None,
        },
    )
    return (organizations, locations, job_fields)


def _users() -> tuple[User, ...]:
    recruiter_rights = {
        Permission.DEFINE_AUTOPOOL_CRITERIA,
        Permission.VIEW_OTHER_APPLICATIONS,
        Permission.SEE_WHOLE_DATABASE,
    }
    return (
        User(ADMIN, "Alena Adamová", Role.ADMINISTRATOR),
        User(RECRUITER, "Roman Řehoř", Role.RECRUITER, recruiter_rights),
        User(STORE_MANAGER, "Marek Malý", Role.HIRING_MANAGER),
        User(BRNO_MANAGER, "Bára Brněnská", Role.HIRING_MANAGER),
        User(PRAHA_MANAGER, "Pavla Pražská", Role.HIRING_MANAGER),
        User(WAREHOUSE_LEAD, "Bohdan Bednář", Role.HIRING_MANAGER),
        User(HR_OFFICER, "Anna Smluvní", Role.HIRING_MANAGER),
    )


def _requisitions(now: datetime) -> tuple[Requisition, ...]:
    positions = tuple(
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
        for p in _POSITIONS
    )
    wide = Requisition(
        WIDE_REQUISITION,
        "Christmas helper, any store",
        now - timedelta(days=7),
        language="cs",
        owner_id=STORE_MANAGER,
        autopool=AutopoolCriteria(),  # the defaults: expired and recent hires out
    )
    return (*positions, wide)


def _templates() -> tuple[RequisitionTemplate, ...]:
    return (
        RequisitionTemplate(
            STORE_ASSISTANT_TEMPLATE,
            "Store assistant",
            language="cs",
            organization=NodeId("moravia"),
            job_field=NodeId("assistant"),
            autopool=STORE_ASSISTANT_CRITERIA,
        ),
    )


# --- candidates --------------------------------------------------------------------------


@attrs.frozen
class _Names:
    women: tuple[str, ...]
    men: tuple[str, ...]
    her_family: tuple[str, ...]
    his_family: tuple[str, ...]
    language: str  # the profile language of people with these names
    weight: int


_PEOPLE: tuple[_Names, ...] = (
    _Names(
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
    _Names(
        ("Zuzana", "Katarína", "Lucia", "Mária", "Simona"),
        ("Peter", "Michal", "Marek", "Juraj", "Matúš"),
        ("Kováčová", "Horváthová", "Vargová", "Tóthová", "Baláková"),
        ("Kováč", "Horváth", "Varga", "Tóth", "Balák"),
        "sk",
        15,
    ),
    _Names(
        ("Anna", "Lea", "Sophie", "Lena"),
        ("Jonas", "Felix", "Lukas", "Maximilian"),
        ("Müller", "Schmidt", "Fischer", "Weber", "Becker"),
        ("Müller", "Schmidt", "Fischer", "Weber", "Becker"),
        "de",
        10,
    ),
)

_TEXTS = (
    "Prodavačka s praxí v potravinách, pokladna.",
    "Brigády v obchodě, skladník, řidičský průkaz B.",
    "Student, víkendy a večery, obsluha pokladny.",
    "Verkäuferin, Kasse, Teilzeit.",
    "Predavač, skúsenosti s obsluhou zákazníkov.",
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


def _weighted(rng: random.Random, items: Sequence[tuple[_T, float]]) -> _T:
    return rng.choices([item for item, _ in items], weights=[w for _, w in items])[0]


def _residence(rng: random.Random, spec: DatasetSpec) -> tuple[str | None, GeoPoint | None]:
    """Where a candidate lives: a town and a point near it, a point anywhere, or unknown."""
    town = _weighted(rng, [(t, t.weight) for t in spec.country.towns])
    if rng.random() >= 0.93:
        return None, None
    # At 1 no roll is drawn, so the demo's data stays what it was before residences could spread.
    if spec.clustered < 1 and rng.random() >= spec.clustered:
        sw, ne = spec.country.south_west, spec.country.north_east
        latitude = rng.uniform(sw.latitude, ne.latitude)
        return None, GeoPoint(latitude, rng.uniform(sw.longitude, ne.longitude))
    centre, spread = town.centre, town.spread
    latitude = centre.latitude + rng.uniform(-spread, spread)
    return town.name, GeoPoint(latitude, centre.longitude + rng.uniform(-spread, spread) * 1.5)


def _candidate(rng: random.Random, index: int, spec: DatasetSpec) -> Candidate:
    now = spec.now
    people = _weighted(rng, [(p, p.weight) for p in _PEOPLE])
    language = people.language
    woman = rng.random() < 0.58
    given = rng.choice(people.women if woman else people.men)
    family = rng.choice(people.her_family if woman else people.his_family)
    city, home = _residence(rng, spec)
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
    created_at = now - timedelta(days=rng.randint(1, 900))
    candidate = Candidate(
        CandidateId(f"cand-{index:04d}"),
        given,
        family,
        created_at,
        email=f"{index:04d}@example.org",
        city=city,
        residence=home,
        profile_language=language,
        languages=frozenset(speaks),
        fields=fields,
        text=rng.choice(_TEXTS),
        consent=consent,
    )
    # Picked on the career page's collection form before anyone tracked a tag.
    if city in (BRNO_TAG, PRAHA_TAG) and index % 4 == 0:
        return candidate.with_tags([city])
    return candidate


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


def _cv(submission: Submission) -> Attachment:
    return Attachment(
        AttachmentId(f"cv-{submission.id}"),
        submission.candidate_id,
        "cv.pdf",
        submission.submitted_at,
        submission.requisition_id,
    )


def generate_applicants(spec: DatasetSpec) -> Iterator[Applicant]:
    """Yield the ``spec.size`` candidates of *spec*, each with their submissions and CVs.

    The stream is lazy, so a benchmark can load a million candidates without
    holding them all; it yields exactly the :attr:`Dataset.applicants` of
    :func:`generate`. Candidate ids are ``cand-0000``, ``cand-0001`` …, and
    submission ids count up across candidates from ``sub-00001``.
    """
    rng = random.Random(spec.seed)
    serial = itertools.count(1)
    for index in range(spec.size):
        candidate = _candidate(rng, index, spec)
        submissions = tuple(_submissions(rng, candidate, spec.now, serial))
        yield Applicant(candidate, submissions, tuple(_cv(s) for s in submissions))


def generate(spec: DatasetSpec | None = None) -> Dataset:
    """Return the account *spec* describes (the demo's default spec if none).

    Nothing is written anywhere; save the entities in the order of the
    :class:`Dataset`'s fields (the trees and users before the requisitions, each
    candidate before their submissions and attachments).
    """
    spec = DatasetSpec() if spec is None else spec
    return Dataset(
        spec,
        AccountSettings(autopool_enabled=True),
        _trees(),
        _users(),
        _requisitions(spec.now),
        _templates(),
        tuple(generate_applicants(spec)),
    )
