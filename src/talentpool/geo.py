"""Places and distances: WGS-84 points and geodesic distances, typed.

geopy and geographiclib ship no type hints, so this small module is the only place that calls them.
Distances are geodesic on the WGS-84 ellipsoid (geopy's ``geodesic``), in
kilometres or miles::

    >>> prague = GeoPoint(50.0755, 14.4378)
    >>> brno = GeoPoint(49.1951, 16.6068)
    >>> round(distance_km(prague, brno), 1)
    184.8
    >>> Radius(100, DistanceUnit.MILES).km
    160.9344
"""

from __future__ import annotations

import enum
import math

import attrs
from geographiclib.geodesic import Geodesic
from geopy.distance import ELLIPSOIDS

from talentpool.errors import DomainError

__all__ = [
    "EDGE_TOLERANCE_KM",
    "MAX_RADIUS_KM",
    "SPHERE_KM",
    "BoundingBox",
    "ChordBand",
    "DistanceUnit",
    "EdgeBand",
    "GeoPoint",
    "Radius",
    "distance_km",
    "ecef",
    "ecef_degrees",
    "spherical_km",
]

KM_PER_MILE = 1.609344
MAX_RADIUS_KM = 20_037.5
"""The largest radius accepted, in kilometres: half the Earth's equatorial circumference.

No two points on the Earth are further apart, so a larger radius means nothing more;
an unbounded one (``1.5e308`` miles) becomes infinite kilometres (AP4). In miles the
bound is the same distance, about 12,450.7 miles.
"""
EDGE_TOLERANCE_KM = 1e-6
"""How far past a radius's edge (one millimetre) still counts as on it.

A geodesic computed in floating point is off by around a nanometre, to either
side: a point placed exactly *d* km from the job is measured as *d* plus or minus
that. Without a tolerance "the edge is inside" would hold for half such points.
"""


class DistanceUnit(enum.Enum):
    """The unit a radius is given in."""

    KM = "km"
    MILES = "miles"

    def to_km(self, amount: float) -> float:
        """Return *amount* of this unit in kilometres."""
        return amount if self is DistanceUnit.KM else amount * KM_PER_MILE

    def from_km(self, km: float) -> float:
        """Return *km* kilometres expressed in this unit."""
        return km if self is DistanceUnit.KM else km / KM_PER_MILE


def _latitude(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not -90 <= value <= 90:
        raise DomainError(attribute.name, value, "must be a number from -90 to 90")


def _longitude(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not -180 <= value <= 180:
        raise DomainError(attribute.name, value, "must be a number from -180 to 180")


@attrs.frozen
class GeoPoint:
    """A WGS-84 point, such as a candidate's residence or a requisition's primary location.

    Attributes:
        latitude: Degrees north, -90 to 90.
        longitude: Degrees east, -180 to 180.
    """

    latitude: float = attrs.field(validator=_latitude)
    longitude: float = attrs.field(validator=_longitude)

    def as_tuple(self) -> tuple[float, float]:
        """Return ``(latitude, longitude)``, the form geopy takes."""
        return (self.latitude, self.longitude)


_AXIS_KM, _, _FLATTENING = ELLIPSOIDS["WGS-84"]
_WGS84_KM = Geodesic(_AXIS_KM, _FLATTENING)
"""WGS-84 in kilometres, set up once: what ``geopy.distance.geodesic`` builds on every call."""


def distance_km(a: GeoPoint, b: GeoPoint) -> float:
    """Return the geodesic distance between *a* and *b* in kilometres.

    It is geopy's ``geodesic(a, b).km`` to the last bit (the same solver on the
    same ellipsoid), without building the ellipsoid again for each pair.
    """
    return float(
        _WGS84_KM.Inverse(a.latitude, a.longitude, b.latitude, b.longitude, Geodesic.DISTANCE)[
            "s12"
        ]
    )


def _distance(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    unit = getattr(instance, "unit", DistanceUnit.KM)
    unit = unit if isinstance(unit, DistanceUnit) else DistanceUnit.KM
    try:
        # an int beyond the float range makes isfinite raise OverflowError
        finite = isinstance(value, int | float) and math.isfinite(value)
    except OverflowError:
        finite = False
    if isinstance(value, bool) or not finite or value <= 0:
        raise DomainError(attribute.name, value, "must be a finite number > 0")
    if unit.to_km(value) > MAX_RADIUS_KM:
        limit = f"{unit.from_km(MAX_RADIUS_KM):g} {unit.value}"
        raise DomainError(attribute.name, value, f"must be at most {limit}, half the Earth round")


def _unit(instance: object, attribute: attrs.Attribute[DistanceUnit], value: object) -> None:
    if not isinstance(value, DistanceUnit):
        raise DomainError(attribute.name, value, "must be DistanceUnit.KM or DistanceUnit.MILES")


@attrs.frozen
class Radius:
    """A distance around a point, in kilometres or miles.

    Attributes:
        distance: How far, in :attr:`unit`; greater than zero and at most
            :data:`MAX_RADIUS_KM` (20,037.5 km, about 12,450.7 miles).
        unit: Kilometres or miles.
    """

    distance: float = attrs.field(validator=_distance)
    unit: DistanceUnit = attrs.field(default=DistanceUnit.KM, validator=_unit)

    @property
    def km(self) -> float:
        """The radius in kilometres."""
        return self.unit.to_km(self.distance)

    def includes(self, km: float) -> bool:
        """Return whether a distance of *km* kilometres is within the radius.

        The edge is inside, to within :data:`EDGE_TOLERANCE_KM`.
        """
        return km <= self.km + EDGE_TOLERANCE_KM

    def contains(self, centre: GeoPoint, point: GeoPoint) -> bool:
        """Return whether *point* lies within the radius of *centre*; the edge is inside."""
        return self.includes(distance_km(centre, point))


_MIN_CURVATURE_KM = 6335.0
"""Slightly less than WGS-84's smallest radius of curvature (6,335.44 km, north-south at
the equator): an angle computed from it is never smaller than the true one."""
_MARGIN = 1.01
"""A box one per cent wider than the circle, so rounding never cuts a point off."""


@attrs.frozen
class BoundingBox:
    """A latitude/longitude box that holds every point within a radius of a centre.

    It is conservative: a point outside the box is certainly outside the circle,
    a point inside it may still be outside, so the exact geodesic decides there.
    Stores use it to read only the candidates near a job from an index. A box
    reaching a pole or the antimeridian spans every longitude.

    Attributes:
        south: Smallest latitude.
        north: Largest latitude.
        west: Smallest longitude.
        east: Largest longitude.
    """

    south: float
    north: float
    west: float
    east: float

    @classmethod
    def around(cls, centre: GeoPoint, km: float) -> BoundingBox:
        """Return the box holding every point within *km* kilometres of *centre*."""
        angle = min(math.pi, km / _MIN_CURVATURE_KM * _MARGIN)
        dlat = math.degrees(angle)
        south, north = max(-90.0, centre.latitude - dlat), min(90.0, centre.latitude + dlat)
        widest = max(abs(south), abs(north))
        if widest >= 90.0 or angle >= math.pi / 2:
            return cls(south, north, -180.0, 180.0)
        stretch = math.sin(angle) / math.cos(math.radians(widest))
        if stretch >= 1.0:
            return cls(south, north, -180.0, 180.0)
        dlon = math.degrees(math.asin(stretch)) * _MARGIN
        west, east = centre.longitude - dlon, centre.longitude + dlon
        if west < -180.0 or east > 180.0:
            return cls(south, north, -180.0, 180.0)
        return cls(south, north, west, east)

    def contains(self, point: GeoPoint) -> bool:
        """Return whether *point* lies in the box, edges included."""
        return (
            self.south <= point.latitude <= self.north and self.west <= point.longitude <= self.east
        )


_E2 = _FLATTENING * (2 - _FLATTENING)
_RHO_KM = 6335.0
"""Slightly less than WGS-84's smallest radius of curvature (6,335.44 km, north-south at the
equator): no geodesic on the ellipsoid bends more sharply than a circle of this radius."""
_ROUNDING_KM = 1e-9
"""More than the floating-point error of a chord between two points of the ellipsoid."""


def ecef(point: GeoPoint) -> tuple[float, float, float]:
    """Return *point* in Earth-centred Cartesian coordinates on the WGS-84 ellipsoid, in km."""
    return ecef_degrees(point.latitude, point.longitude)


def ecef_degrees(latitude: float, longitude: float) -> tuple[float, float, float]:
    """Return the Earth-centred coordinates (km) of a latitude and longitude on the ellipsoid."""
    lat, lon = math.radians(latitude), math.radians(longitude)
    sin_lat, cos_lat = math.sin(lat), math.cos(lat)
    normal = _AXIS_KM / math.sqrt(1.0 - _E2 * sin_lat * sin_lat)
    return (
        normal * cos_lat * math.cos(lon),
        normal * cos_lat * math.sin(lon),
        normal * (1.0 - _E2) * sin_lat,
    )


@attrs.frozen
class ChordBand:
    """Most points of a radius decided from the straight line; the geodesic decides the rest.

    Between two points of the ellipsoid the straight line through the Earth (the
    chord, from :func:`ecef`) is never longer than the geodesic, and because no
    geodesic bends more sharply than a circle of 6,335 km, the geodesic is never
    longer than that circle's arc over the same chord. So a point whose chord
    is at most the chord of an arc as long as the radius is inside, a point
    whose chord is longer than the radius is outside, and only the points in the
    band between (a few centimetres wide at 25 km, about a metre at 100 km) need
    the geodesic itself::

        >>> band = ChordBand.around(25.0)
        >>> brno = ecef(GeoPoint(49.1951, 16.6068))
        >>> band.decide(brno, ecef(GeoPoint(49.2951, 16.6068)))
        True
        >>> band.decide(brno, ecef(GeoPoint(49.4200, 16.6068)))
        False

    Attributes:
        inside: At or below this squared chord (km²) a point is within the radius.
        outside: Above this squared chord a point is outside it.
    """

    inside: float
    outside: float

    @classmethod
    def around(cls, km: float) -> ChordBand:
        """Return the band of a radius of *km* kilometres, the edge inside."""
        if km >= math.pi * _RHO_KM:  # longer than any arc the bound holds for
            inside = -1.0
        else:
            inside = max(0.0, 2.0 * _RHO_KM * math.sin(km / (2.0 * _RHO_KM)) - _ROUNDING_KM) ** 2
        return cls(inside, (km + EDGE_TOLERANCE_KM + _ROUNDING_KM) ** 2)

    def decide(
        self, centre: tuple[float, float, float], point: tuple[float, float, float]
    ) -> bool | None:
        """Return whether *point* is within the radius, or ``None`` when the geodesic must say."""
        dx, dy, dz = point[0] - centre[0], point[1] - centre[1], point[2] - centre[2]
        chord = dx * dx + dy * dy + dz * dz
        if chord <= self.inside:
            return True
        if chord > self.outside:
            return False
        return None


SPHERE_KM = 6371.0088
"""The mean Earth radius (IUGG), the sphere :func:`spherical_km` measures on."""
_GEODESIC_OVER_SPHERE = (0.994, 1.005)
"""Bounds on geodesic ÷ spherical distance between the same two points, with a margin.

On WGS-84 every radius of curvature, in any direction, lies between 6,335.44 km
(meridional, at the equator) and 6,399.59 km (polar), so along any path the
ellipsoid's length is between 6,335.44/6,371.0088 = 0.99442 and 6,399.59/6,371.0088
= 1.00449 times the sphere's length of the same path (latitudes read as geodetic).
The geodesic is no longer than the great circle's path measured on the ellipsoid
(at most 1.00449 times the spherical distance), and its own path is at least the
spherical distance long on the sphere (so the geodesic is at least 0.99442 times
it). The margin covers rounding.
"""


def spherical_km(a: GeoPoint, b: GeoPoint) -> float:
    """Return the great-circle distance on the :data:`SPHERE_KM` sphere (haversine), in km.

    Cheap, and within about half a per cent of :func:`distance_km` (see :class:`EdgeBand`).
    """
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    half = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.longitude - a.longitude) / 2) ** 2
    )
    return 2 * SPHERE_KM * math.asin(min(1.0, math.sqrt(half)))


@attrs.frozen
class EdgeBand:
    """The spherical distances at which a radius is decided without a geodesic.

    A point whose :func:`spherical_km` from the centre is at most :attr:`inner` is
    certainly inside the radius (the edge inside, to :data:`EDGE_TOLERANCE_KM`); one
    beyond :attr:`outer` is certainly outside; only between the two does the
    geodesic decide. The band is about one per cent of the radius wide.

    Attributes:
        inner: Spherical km up to which a point is inside.
        outer: Spherical km beyond which a point is outside.
    """

    inner: float
    outer: float

    @classmethod
    def around(cls, km: float) -> EdgeBand:
        """Return the band of a radius of *km* kilometres."""
        low, high = _GEODESIC_OVER_SPHERE
        return cls(km / high, (km + EDGE_TOLERANCE_KM) / low)

    def decides(self, spherical: float) -> bool | None:
        """Return whether a point at *spherical* km is inside, or ``None`` near the edge."""
        if spherical <= self.inner:
            return True
        if spherical > self.outer:
            return False
        return None
