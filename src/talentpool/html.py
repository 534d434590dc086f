"""A requisition's pool as one self-contained HTML page (US4): ``talentpool report --html``.

:func:`pool_report` returns a page with no script, no stylesheet link, no font
and no image from anywhere: everything it shows is inline HTML and SVG, so it
opens offline and can be mailed as it is. It holds:

* **the funnel** as a bar chart: one bar per criterion, as long as the
  candidates left after it, with the number it removed;
* **the radius** as a map drawn from the coordinates: the circle around the
  job's primary location, the candidates in the pool inside it, and the
  candidates who meet every other criterion but live outside it (up to twice the
  radius), each a dot at its residence;
* **the top results**: name, city, distance and latest submission.

Elements carry ids and classes a test (or a stylesheet) finds: ``#funnel`` with
one ``rect.bar`` per stage, ``#map`` with ``circle#radius``, ``circle.inside``
and ``circle.outside``, and ``table#results``::

    >>> from talentpool.demo.story import build_demo
    >>> demo = build_demo(candidates=80)
    >>> page = pool_report(demo.uow, demo.clock, demo.requisition_id, top=5)
    >>> page.startswith("<!DOCTYPE html>") and "http" not in page.split("</head>")[0]
    True
    >>> page.count('class="bar"') == len(demo.autopooling.funnel(demo.requisition_id).stages)
    True
"""

from __future__ import annotations

import math
from html import escape

import attrs

from talentpool.autopool import Autopooling, PoolResults
from talentpool.clock import Clock
from talentpool.criteria import all_of
from talentpool.geo import GeoPoint, distance_km
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import Requisition
from talentpool.ports import AutopoolStore
from talentpool.queries import CandidateQuery

__all__ = ["MAP_POINTS", "pool_report"]

MAP_POINTS = 600
"""The most candidates the map draws on each side of the circle."""

_STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; } td, th { padding: 0.2em 0.8em; text-align: left; }
th { border-bottom: 1px solid #888; } td.num { text-align: right; }
svg text { font: 12px system-ui, sans-serif; }
rect.bar { fill: #3b7dd8; } circle.inside { fill: #1a9850; } circle.outside { fill: #d73027; }
circle#radius { fill: #1a985010; stroke: #1a9850; stroke-width: 2; }
circle#job { fill: #222; } .legend { color: #555; }
"""


def _bars(stages: list[tuple[str, int, int]]) -> str:
    label_width, bar_width, row = 420, 360, 26
    top = max((n for _, n, _ in stages), default=0) or 1
    height = row * len(stages) + 10
    grey = ' fill="#888"'
    parts = [
        f'<svg id="funnel" xmlns="http://www.w3.org/2000/svg"'
        f' width="{label_width + bar_width + 120}" height="{height}"'
        ' role="img" aria-label="funnel">'
    ]
    for i, (label, remaining, removed) in enumerate(stages):
        y = 5 + i * row
        width = max(1.0, bar_width * remaining / top)
        note = f"{remaining:,}" + (f" (-{removed:,})" if removed else "")
        kind = "considered" if i == 0 else "bar"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="{kind}" x="{label_width}" y="{y + 3}" width="{width:.1f}" height="18"'
            f' data-remaining="{remaining}"{grey if i == 0 else ""}>'
            f"<title>{escape(label)}: {note}</title></rect>"
            f'<text x="{label_width + width + 6:.1f}" y="{y + 16}">{note}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@attrs.frozen
class _Dot:
    candidate_id: CandidateId
    name: str
    point: GeoPoint
    km: float


def _wider(
    uow: AutopoolStore, clock: Clock, requisition: Requisition
) -> tuple[float, GeoPoint, list[CandidateId]] | None:
    """The radius in km, the job's place, and who meets every criterion within twice it."""
    criteria, centre = requisition.autopool, requisition.primary_location
    if criteria is None or criteria.radius is None or centre is None:
        return None
    radius = criteria.radius.radius.km
    wide = attrs.evolve(
        criteria, radius=attrs.evolve(criteria.radius, distance=2 * criteria.radius.distance)
    )
    with uow:
        enforce = uow.settings.get().enforce_consent
        criterion = all_of(*wide.terms(enforce_consent=enforce))
        query = CandidateQuery(requisition, clock.now(), criterion, limit=None)
        ids = sorted(uow.candidates.find_ids(query))
    return radius, centre, ids


def _map_svg(
    uow: AutopoolStore, clock: Clock, requisition: Requisition, pool: set[CandidateId]
) -> str:
    found = _wider(uow, clock, requisition)
    if found is None:
        return '<p id="map">The pool has no radius criterion, so there is no map.</p>'
    radius, centre, ids = found
    dots: list[_Dot] = []
    with uow:
        for cid in ids:
            candidate = uow.candidates.get(cid)
            if candidate.residence is not None:
                dots.append(
                    _Dot(
                        cid,
                        candidate.name,
                        candidate.residence,
                        distance_km(candidate.residence, centre),
                    )
                )
    inside = [d for d in dots if d.candidate_id in pool][:MAP_POINTS]
    outside = [d for d in dots if d.candidate_id not in pool][:MAP_POINTS]
    size, reach = 520, 2.1 * radius  # the picture spans twice the radius each way, and a margin
    scale = size / 2 / reach
    cos = math.cos(math.radians(centre.latitude))

    def xy(p: GeoPoint) -> tuple[float, float]:
        east = (p.longitude - centre.longitude) * 111.32 * cos
        north = (p.latitude - centre.latitude) * 110.57
        return size / 2 + east * scale, size / 2 - north * scale

    parts = [
        f'<svg id="map" xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}"'
        f' viewBox="0 0 {size} {size}" role="img" aria-label="radius map"'
        f' data-radius-km="{radius:.1f}">',
        f'<rect width="{size}" height="{size}" fill="#f6f6f2"/>',
        f'<circle id="radius" cx="{size / 2}" cy="{size / 2}" r="{radius * scale:.1f}"/>',
    ]
    for kind, group in (("outside", outside), ("inside", inside)):
        for d in group:
            x, y = xy(d.point)
            parts.append(
                f'<circle class="{kind}" cx="{x:.1f}" cy="{y:.1f}" r="3" data-km="{d.km:.1f}">'
                f"<title>{escape(d.name)}: {d.km:.1f} km</title></circle>"
            )
    parts.append(
        f'<circle id="job" cx="{size / 2}" cy="{size / 2}" r="5"><title>the job</title></circle>'
    )
    parts.append(
        f'<text x="10" y="{size - 10}">{radius:.0f} km radius; '
        f"{size / 2 / scale:.0f} km from the centre to the edge</text>"
    )
    parts.append("</svg>")
    legend = (
        f'<p class="legend">{len(inside):,} candidates of the pool inside the circle (green); '
        f"{len(outside):,} who meet every other criterion but live outside it, up to "
        f"{2 * radius:.0f} km away (red).</p>"
    )
    return "".join(parts) + legend


def _results_table(results: PoolResults, top: int) -> str:
    rows = [
        '<table id="results"><thead><tr><th>#</th><th>name</th><th>city</th>'
        "<th>km</th><th>latest submission</th></tr></thead><tbody>"
    ]
    for i, r in enumerate(results.rows[:top], start=1):
        km = "" if r.distance_km is None else f"{r.distance_km:.1f}"
        when = "" if r.latest_submission_at is None else f"{r.latest_submission_at:%Y-%m-%d}"
        rows.append(
            f'<tr data-candidate="{escape(r.candidate_id)}"><td class="num">{i}</td>'
            f"<td>{escape(r.name)}</td><td>{escape(r.city or '')}</td>"
            f'<td class="num">{km}</td><td>{when}</td></tr>'
        )
    rows.append("</tbody></table>")
    return "".join(rows)


def pool_report(
    uow: AutopoolStore,
    clock: Clock,
    requisition_id: RequisitionId,
    *,
    top: int = 20,
    viewer_id: UserId | None = None,
) -> str:
    """Return the pool of *requisition_id* as one self-contained HTML page (US4).

    The page shows the pool as *viewer_id* sees it (AP11): the dates of other
    applications only for a viewer allowed to see them.

    Reads only, through :class:`~talentpool.autopool.Autopooling` and the store's
    pool query; raises what they raise (``NotFoundError`` for an unknown
    requisition, ``ConfigurationError`` for a pool without criteria).
    """
    autopooling = Autopooling(uow, clock)
    results = autopooling.results(requisition_id, viewer_id=viewer_id)
    funnel = autopooling.funnel(requisition_id, viewer_id=viewer_id)
    with uow:
        requisition = uow.requisitions.get(requisition_id)
    pool = set(results.candidate_ids)
    if results.truncated:  # the map colours by membership, which the 300 shown do not settle
        with uow:
            enforce = uow.settings.get().enforce_consent
            assert requisition.autopool is not None
            criterion = all_of(*requisition.autopool.terms(enforce_consent=enforce))
            pool = set(
                uow.candidates.find_ids(
                    CandidateQuery(requisition, clock.now(), criterion, limit=None)
                )
            )
    title = escape(requisition.title)
    stages = [("applied elsewhere", funnel.considered, 0)] + [
        (s.label, s.remaining, s.removed) for s in funnel.stages
    ]
    shown = min(top, len(results.rows))
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>Pool of {title}</title>",
            f"<style>{_STYLE}</style></head><body>",
            f"<h1>Pool of {title}</h1>",
            f'<p id="summary">{results.total:,} candidates matched; {len(results.rows):,} in the '
            f"list (at most {results.limit}); truncated: {'yes' if results.truncated else 'no'}. "
            f"Generated {clock.now():%Y-%m-%d %H:%M %Z}.</p>",
            "<h2>Funnel</h2>",
            _bars(stages),
            "<h2>Radius</h2>",
            _map_svg(uow, clock, requisition, pool),
            f"<h2>Top {shown} results</h2>",
            _results_table(results, top),
            "</body></html>",
            "",
        ]
    )
