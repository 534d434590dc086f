"""DM4: WGS-84 points, geodesic distances in kilometres and miles, and radii (AP6 edge).

Reference values are independent of the code under test: the length of one
degree of longitude on the equator is pi * a / 180 with a = 6378.137 km, one
degree of latitude from the equator is 110.574 km, and the quarter meridian is
10,001.966 km (WGS-84 figures); Prague–Brno is checked against a haversine on
the mean Earth radius, which a geodesic may differ from by well under 0.5 %.
"""

from __future__ import annotations

import math

import pytest
from geopy.distance import geodesic
from hypothesis import given
from hypothesis import strategies as st

from talentpool.errors import DomainError
from talentpool.geo import (
    EDGE_TOLERANCE_KM,
    BoundingBox,
    DistanceUnit,
    EdgeBand,
    GeoPoint,
    Radius,
    distance_km,
    spherical_km,
)

PRAGUE = GeoPoint(50.0755, 14.4378)
BRNO = GeoPoint(49.1951, 16.6068)
WGS84_A_KM = 6378.137


def haversine_km(a: GeoPoint, b: GeoPoint, radius: float = 6371.0088) -> float:
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dp, dl = p2 - p1, math.radians(b.longitude - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(h))


def at(centre: GeoPoint, km: float, bearing: float) -> GeoPoint:
    """The point *km* kilometres from *centre* along *bearing*, by geopy's geodesic."""
    p = geodesic(kilometers=km).destination(centre.as_tuple(), bearing=bearing)
    return GeoPoint(p.latitude, p.longitude)


# --- points --------------------------------------------------------------------------


@pytest.mark.parametrize(("lat", "lon"), [(90, 180), (-90, -180), (0, 0), (50.0755, 14.4378)])
def test_dm4_points_in_range(lat: float, lon: float) -> None:
    """DM4: latitudes -90..90 and longitudes -180..180 are accepted, bounds included."""
    assert GeoPoint(lat, lon).as_tuple() == (lat, lon)


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (90.000001, 0, "latitude"),
        (-90.5, 0, "latitude"),
        (0, 180.000001, "longitude"),
        (0, -181, "longitude"),
        (math.nan, 0, "latitude"),
        (0, math.inf, "longitude"),
        (True, 0, "latitude"),
        ("50", 0, "latitude"),
        (0, None, "longitude"),
    ],
)
def test_dm4_points_out_of_range_are_refused(lat: object, lon: object, field: str) -> None:
    """DM4: anything outside the WGS-84 ranges (or not a number) names the coordinate."""
    with pytest.raises(DomainError) as caught:
        GeoPoint(lat, lon)  # type: ignore[arg-type]
    assert caught.value.field == field


# --- distances -----------------------------------------------------------------------


def test_dm4_prague_brno_is_184_8_km() -> None:
    """DM4: Prague–Brno is 184.8 km by geodesic, within 0.5 % of a haversine."""
    d = distance_km(PRAGUE, BRNO)
    assert round(d, 1) == 184.8
    assert d == pytest.approx(haversine_km(PRAGUE, BRNO), rel=0.005)


def test_dm4_wgs84_reference_lengths() -> None:
    """DM4: the distances are on the WGS-84 ellipsoid, not a sphere."""
    equator = distance_km(GeoPoint(0, 0), GeoPoint(0, 1))
    assert equator == pytest.approx(math.pi * WGS84_A_KM / 180, abs=1e-6)
    assert distance_km(GeoPoint(0, 0), GeoPoint(1, 0)) == pytest.approx(110.574, abs=0.001)
    assert distance_km(GeoPoint(0, 0), GeoPoint(90, 0)) == pytest.approx(10001.966, abs=0.001)


def test_dm4_distances_in_miles() -> None:
    """DM4: a mile is 1.609344 km: Prague–Brno is 114.8 miles; 100 miles are 160.9344 km."""
    d = distance_km(PRAGUE, BRNO)
    assert round(DistanceUnit.MILES.from_km(d), 1) == 114.8
    assert Radius(100, DistanceUnit.MILES).km == pytest.approx(160.9344)
    assert Radius(100).km == 100
    assert DistanceUnit.KM.from_km(d) == d


@given(st.floats(0, 1e6, allow_nan=False), st.sampled_from(DistanceUnit))
def test_dm4_unit_conversion_round_trips(amount: float, unit: DistanceUnit) -> None:
    """DM4: converting to kilometres and back gives the amount again."""
    assert unit.from_km(unit.to_km(amount)) == pytest.approx(amount, rel=1e-12, abs=1e-12)


points = st.builds(GeoPoint, st.floats(-89.9, 89.9), st.floats(-179.9, 179.9))


@given(points, points)
def test_dm4_distance_is_symmetric_and_non_negative(a: GeoPoint, b: GeoPoint) -> None:
    """DM4: the distance from a to b is the distance from b to a, and zero only at one point."""
    assert distance_km(a, b) == pytest.approx(distance_km(b, a), abs=1e-9)
    assert distance_km(a, b) >= 0
    assert distance_km(a, a) == 0


# --- radii ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "distance", [0, -1, -0.0, math.nan, math.inf, -math.inf, True, "5", None, 10**400]
)
def test_dm4_radius_must_be_a_finite_positive_number(distance: object) -> None:
    """DM4: zero, negative, NaN, infinite, boolean, text and overflowing radii are refused."""
    with pytest.raises(DomainError) as caught:
        Radius(distance)  # type: ignore[arg-type]
    assert caught.value.field == "distance"


@given(
    st.sampled_from([0.5, 5.0, 25.0, 100.0, 250.0]),
    st.floats(0, 360, exclude_max=True),
)
def test_ap6_point_exactly_on_the_edge_is_inside(km: float, bearing: float) -> None:
    """AP6: a candidate placed exactly d km away (by geodesic) is within a radius of d km."""
    point = at(PRAGUE, km, bearing)
    assert distance_km(PRAGUE, point) == pytest.approx(km, abs=1e-9)
    assert Radius(km).contains(PRAGUE, point)


@given(
    st.sampled_from([0.5, 5.0, 25.0, 100.0, 250.0]),
    st.floats(0, 360, exclude_max=True),
)
def test_ap6_just_beyond_the_edge_is_outside(km: float, bearing: float) -> None:
    """AP6: a metre beyond the edge is outside, and so is 2 mm (twice the tolerance)."""
    assert not Radius(km).contains(PRAGUE, at(PRAGUE, km + 0.001, bearing))
    assert not Radius(km).contains(PRAGUE, at(PRAGUE, km + 2 * EDGE_TOLERANCE_KM, bearing))
    assert Radius(km).contains(PRAGUE, at(PRAGUE, km - 0.001, bearing))


def test_ap6_edge_tolerance_is_a_millimetre() -> None:
    """AP6: distances up to one millimetre past the edge count as on it, beyond that not."""
    assert EDGE_TOLERANCE_KM == 1e-6
    r = Radius(25)
    assert r.includes(25.0)
    assert r.includes(25.0 + EDGE_TOLERANCE_KM / 2)
    assert not r.includes(25.0 + 2 * EDGE_TOLERANCE_KM)
    assert r.includes(0.0)


def test_ap6_radius_in_miles() -> None:
    """AP4: ten miles reach a candidate 16 km away; ten kilometres do not."""
    point = at(PRAGUE, 16.0, 90)
    assert Radius(10, DistanceUnit.MILES).contains(PRAGUE, point)
    assert not Radius(10, DistanceUnit.KM).contains(PRAGUE, point)
    edge = at(PRAGUE, 16.09344, 200)
    assert Radius(10, DistanceUnit.MILES).contains(PRAGUE, edge)
    assert not Radius(10, DistanceUnit.MILES).contains(PRAGUE, at(PRAGUE, 16.0944, 200))


def test_dm4_geopoint_works_with_geopy() -> None:
    """DM4: a GeoPoint's tuple is what geopy takes (geopy-compatible)."""
    assert geodesic(PRAGUE.as_tuple(), BRNO.as_tuple()).km == pytest.approx(
        distance_km(PRAGUE, BRNO)
    )


# --- bounding boxes (AP6, ST3): a conservative pre-filter for the radius ----------------


@given(
    st.floats(-89.9, 89.9),
    st.floats(-180, 180),
    st.floats(0.01, 3000),
    st.floats(0, 360),
    st.floats(0, 1),
)
def test_ap6_the_box_around_a_radius_holds_every_point_inside_it(
    lat: float, lon: float, km: float, bearing: float, share: float
) -> None:
    centre = GeoPoint(lat, lon)
    box = BoundingBox.around(centre, km)
    point = at(centre, km * share, bearing)
    assert box.contains(point), (box, point)


def test_ap6_the_box_is_tight_enough_to_leave_far_points_out() -> None:
    box = BoundingBox.around(BRNO, 25)
    assert box.contains(at(BRNO, 25, 45))
    assert not box.contains(at(BRNO, 30, 0))
    assert not box.contains(at(BRNO, 30, 90))
    assert not box.contains(PRAGUE)


def test_ap6_a_box_over_a_pole_or_the_antimeridian_spans_every_longitude() -> None:
    assert BoundingBox.around(GeoPoint(89.5, 10), 100).west == -180.0
    wrap = BoundingBox.around(GeoPoint(0, 179.9), 50)
    assert (wrap.west, wrap.east) == (-180.0, 180.0)
    assert wrap.contains(GeoPoint(0, -179.9))


@given(
    st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
)
def test_distance_is_geopys_geodesic_to_the_last_bit(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    """AP6, PF1: the faster call is the same geodesic the baseline measures with."""
    assert distance_km(GeoPoint(*a), GeoPoint(*b)) == geodesic(a, b).km


# --- the spherical edge band the SQL store decides most candidates with (ST3, PF2) ---------


@given(points, points)
def test_pf2_the_spherical_distance_is_the_haversine_on_the_mean_radius(
    a: GeoPoint, b: GeoPoint
) -> None:
    assert spherical_km(a, b) == pytest.approx(haversine_km(a, b), rel=1e-9, abs=1e-9)


@given(points, points)
def test_pf2_the_geodesic_stays_within_the_band_of_the_spherical_distance(
    a: GeoPoint, b: GeoPoint
) -> None:
    sphere, geodesic_km = spherical_km(a, b), distance_km(a, b)
    assert 0.9944 * sphere - 1e-9 <= geodesic_km <= 1.0045 * sphere + 1e-9


@given(
    st.floats(0.001, 20_000),
    st.floats(-89.9, 89.9),
    st.floats(-180, 180),
    st.floats(0, 360),
    st.floats(0.98, 1.02),
)
def test_pf2_the_edge_band_never_decides_against_the_geodesic(
    km: float, lat: float, lon: float, bearing: float, stretch: float
) -> None:
    centre = GeoPoint(lat, lon)
    there = geodesic(kilometers=min(km * stretch, 20_000)).destination(centre.as_tuple(), bearing)
    point = GeoPoint(there.latitude, there.longitude)
    decided = EdgeBand.around(km).decides(spherical_km(centre, point))
    if decided is not None:
        assert decided == (distance_km(centre, point) <= km + EDGE_TOLERANCE_KM)


def test_pf2_the_edge_band_is_about_one_per_cent_of_the_radius() -> None:
    band = EdgeBand.around(100)
    assert 99.4 < band.inner < 99.6
    assert 100.5 < band.outer < 100.7
    assert band.decides(0.0) is True
    assert band.decides(100.0) is None
    assert band.decides(101.0) is False
