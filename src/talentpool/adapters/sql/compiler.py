"""One compiler from bound criteria to SQL (ST3, EN4): a visitor over the bound tree.

Each kind of bound node becomes one SQLAlchemy Core condition on the candidates
table, with every user value a bound parameter. The boundaries were decided by
:func:`~talentpool.engine.bind` (window openings, node sets, the radius and its
box), so the compiler only compares columns with them. Submissions are reached
with correlated ``EXISTS`` subqueries, which read "on another requisition" as
the bound leaf says; a viewer's owned candidates are one set, read once.

A radius reads the indexed bounding box first, then the spherical distance
(computed in SQL): inside the leaf's :class:`~talentpool.geo.EdgeBand` it is
decided there, and only a candidate near the edge needs the exact geodesic. The
store finds those few first (:meth:`Compiler.compile` with ``ring``, the band's
candidates), measures them in Python, and compiles the query again with the
ones inside (``edges``), so the whole query, its order and its page, runs in SQL.

A dialect changes only what it must (:class:`Dialect`): how a geodesic is
computed, if it can be. Where a database has none and the edge is not given, a
radius compiles to its box and band, which hold every candidate inside the circle
and maybe some just outside it; the compiler then reports the tree as *inexact*,
and the store evaluates the bound tree on the rows that remain, so the answer is
never wrong.
Under a ``NOT`` an inexact leaf would drop candidates, so there it compiles to
``TRUE`` (everyone), again leaving the decision to the rows that remain.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping

import attrs
from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    union,
)

from talentpool.adapters.sql.fulltext import (
    INDEXED,
    TAG,
    WORD,
    Terms,
    exact,
    full_text_matches,
    token,
)
from talentpool.adapters.sql.schema import CELLS_PER_DEGREE, Schema, latitude_cell
from talentpool.clock import micros
from talentpool.engine import (
    Bound,
    BoundAll,
    BoundAny,
    BoundConsent,
    BoundField,
    BoundHiredWithin,
    BoundInSelectionProcess,
    BoundKeywords,
    BoundLanguage,
    BoundNot,
    BoundOwnedBy,
    BoundProfileLanguage,
    BoundRadius,
    BoundRejectedWithin,
    BoundStructure,
    BoundTag,
    BoundTracked,
    BoundUnexpired,
    BoundUniverse,
    BoundVisitor,
    Constant,
)
from talentpool.geo import EDGE_TOLERANCE_KM, SPHERE_KM
from talentpool.ids import RequisitionId
from talentpool.model import Dimension, SubmissionStatus

__all__ = ["Compiled", "Compiler", "Dialect", "Edges", "pool_of"]


def pool_of(node: Bound) -> RequisitionId | None:
    """The requisition whose universe the whole tree is ANDed with, if any."""
    if isinstance(node, BoundUniverse):
        return node.requisition_id
    if isinstance(node, BoundAll):
        for child in node.children:
            if isinstance(child, BoundUniverse):
                return child.requisition_id
    return None


_OPEN = [s.value for s in SubmissionStatus if s.is_open]
_DIMENSION_COLUMN = {
    Dimension.ORGANIZATION: "organization",
    Dimension.LOCATION: "location",
    Dimension.JOB_FIELD: "job_field",
}


def _haversine_of(km: float) -> float:
    """The haversine at which the spherical distance is *km*: above it, the distance is more.

    Past half the Earth's circumference every point is nearer, so the bound is above
    any haversine (at most 1, rounding aside).
    """
    angle = km / (2 * SPHERE_KM)
    return 2.0 if angle >= math.pi / 2 else math.sin(angle) ** 2


_MAX_CELLS = 100
"""The most latitude cells a box lists (10 degrees); a taller box reads its band of latitudes."""
_OWN, _COMPUTED, _SETS, _PROBES = range(4)
"""What a condition costs a candidate, cheapest first (:meth:`Compiler.visit_all`): a
comparison of the row's own columns, arithmetic on them (a distance), a set read once
and probed (``IN``), and a subquery run for each candidate."""

_OWN_LEAVES = (
    BoundProfileLanguage,
    BoundConsent,
    BoundRejectedWithin,
    BoundHiredWithin,
    Constant,
)


Distance = Callable[
    [ColumnElement[float], ColumnElement[float], float, float], ColumnElement[float]
]
"""Builds the geodesic distance in km from (latitude, longitude) columns to a centre."""


@attrs.frozen
class Dialect:
    """What one database does its own way.

    Attributes:
        name: The SQLAlchemy dialect's name.
        distance: Builds the exact geodesic distance in kilometres between the
            candidate's residence and a centre, or ``None`` when the database has
            none (the radius is then its bounding box, and the store decides the rest).
    """

    name: str
    distance: Distance | None = None


Edges = Mapping[BoundRadius, Collection[str]]
"""For a radius leaf, the candidates of its edge band that the geodesic puts inside."""


@attrs.frozen
class Compiled:
    """A bound tree as one SQL condition.

    Attributes:
        where: The condition on the candidates table.
        exact: Whether it decides the tree by itself; when not, it holds every
            candidate that passes and the store checks each row it returns.
    """

    where: ColumnElement[bool]
    exact: bool


class Compiler(BoundVisitor["ColumnElement[bool]"]):
    """Compiles a bound tree for one account of one schema.

    Args:
        schema: The tables.
        account: Whose rows: every subquery is scoped by it (ST6).
        dialect: The database's own ways.
    """

    def __init__(self, schema: Schema, account: str, dialect: Dialect) -> None:
        self._s = schema
        self._c = schema.candidates.c
        self._account = account
        self._dialect = dialect
        self._exact = True
        self._negated = 0
        self._pool: RequisitionId | None = None
        self._edges: Edges = {}
        self._ring: BoundRadius | None = None

    def compile(
        self, node: Bound, *, edges: Edges | None = None, ring: BoundRadius | None = None
    ) -> Compiled:
        """Return the condition for *node* and whether it is exact.

        Args:
            node: The bound tree.
            edges: For radius leaves whose edge band was measured, the candidates
                of the band inside the radius: the leaf is then decided in SQL.
            ring: A radius leaf to compile as its edge band alone (inside the box,
                spherically between ``band.inner`` and ``band.outer``): the
                candidates whose geodesic the store must measure.
        """
        self._exact, self._negated = True, 0
        self._pool = pool_of(node)
        self._edges, self._ring = edges or {}, ring
        where = self.visit(node)
        return Compiled(where, self._exact)

    def cells(self, south: float, north: float) -> list[ColumnElement[bool]]:
        """The place index's cells of the latitudes from *south* to *north*, as a condition.

        Implied by the box's own latitudes, so it changes no answer: it lets the index
        read the box cell by cell, each from west to east, rather than every residence
        of the band of latitudes, the country's width across (PF2). Empty for a box
        of more than :data:`_MAX_CELLS` cells.
        """
        first = math.floor(south * CELLS_PER_DEGREE)
        last = math.ceil(north * CELLS_PER_DEGREE)
        if last - first + 1 > _MAX_CELLS:
            return []
        return [latitude_cell(self._c.latitude).in_(range(first, last + 1))]

    def haversine(self, centre_latitude: float, centre_longitude: float) -> ColumnElement[float]:
        """The haversine of the angle from the residence to a centre, in SQL.

        :func:`~talentpool.geo.spherical_km` is ``2 R asin(sqrt(h))`` of it, which grows
        with *h*; so a spherical distance is compared through :func:`_haversine_of`,
        with no inverse function per row.
        """
        c, rad = self._c, math.pi / 180
        dlat = func.sin((c.latitude - centre_latitude) * (rad / 2))
        dlon = func.sin((c.longitude - centre_longitude) * (rad / 2))
        half: ColumnElement[float] = (
            dlat * dlat + func.cos(c.latitude * rad) * math.cos(centre_latitude * rad) * dlon * dlon
        )
        return half

    def _facts(self, elsewhere: RequisitionId | None) -> bool:
        """Whether "on another requisition" may be read from the facts, which say "on any".

        It may for the candidate database, and inside a pool, whose universe holds
        only candidates with no submission on the pool's own requisition (AP5).
        """
        return elsewhere is None or elsewhere == self._pool

    # --- helpers --------------------------------------------------------------------

    def _submissions(
        self, elsewhere: RequisitionId | None, *conditions: ColumnElement[bool]
    ) -> ColumnElement[bool]:
        s = self._s.submissions.c
        where = [s.account == self._account, s.candidate_id == self._c.id, *conditions]
        if elsewhere is not None:
            where.append(s.requisition_id != elsewhere)
        return exists(select(literal(1)).where(*where))

    def _active(self, now_micros: int) -> ColumnElement[bool]:
        s = self._s.submissions.c
        return or_(s.expires_at.is_(None), s.expires_at > now_micros)

    # --- composites ---------------------------------------------------------------------

    def visit_constant(self, node: Constant) -> ColumnElement[bool]:
        return true() if node.value else false()

    def visit_all(self, node: BoundAll) -> ColumnElement[bool]:
        # Cheapest first: SQLite tests the terms of an AND in the order written, so the
        # row's own columns (the box, the facts) turn most candidates away before a
        # distance is computed, a set probed or a subquery run (PF2). A radius and the
        # universe are split into their parts, each placed by its own cost. The tags and
        # keywords among the children are one query of the full-text index (PF3).
        indexed = [child for child in node.children if self._tokens(child) is not None]
        rest = [child for child in node.children if self._tokens(child) is None]
        terms = [term for child in rest for term in self._terms(child)]
        if len(indexed) > 1 or (indexed and isinstance(indexed[0], BoundKeywords)):
            terms.append((_SETS, self._indexed(indexed)))
        else:
            terms.extend(term for child in indexed for term in self._terms(child))
        terms.sort(key=lambda term: term[0])
        return and_(*(where for _, where in terms))

    def _tokens(self, node: Bound) -> Terms | None:
        """The full-text terms of a tag or keywords leaf, where the database has the index."""
        if self._dialect.name not in INDEXED:
            return None
        if isinstance(node, BoundTag):
            return Terms(((token(TAG, node.key),),))
        if isinstance(node, BoundKeywords) and node.words:
            return Terms(tuple((token(WORD, w),) for w in node.words))
        return None

    def _indexed(self, leaves: list[Bound]) -> ColumnElement[bool]:
        """Tag and keyword *leaves*, ANDed, as one query of the full-text index.

        A term the index holds as a digest (a value of more than
        :data:`~talentpool.adapters.sql.fulltext.LONG` bytes) is confirmed on the row.
        """
        found = Terms(())
        for leaf in leaves:
            terms = self._tokens(leaf)
            assert terms is not None
            found = found.and_(terms)
        where = full_text_matches(self._s, self._dialect.name, found)
        assert where is not None
        confirmed = [self._confirmed(leaf) for leaf in leaves]
        return and_(where, *(c for c in confirmed if c is not None))

    def _confirmed(self, leaf: Bound) -> ColumnElement[bool] | None:
        """The row's own test of a leaf the index holds as a digest, or ``None``."""
        if isinstance(leaf, BoundTag):
            return None if exact(token(TAG, leaf.key)) else self.visit_tag(leaf)
        assert isinstance(leaf, BoundKeywords)
        long = tuple(w for w in leaf.words if not exact(token(WORD, w)))
        return self._whole_words(long) if long else None

    def full_text_only(self, node: Bound) -> Terms | None:
        """The terms when *node* is tags and keywords ANDed that the index decides alone.

        Such a tree is counted by the full-text index and its page read by row id
        (:meth:`~talentpool.adapters.sql.store.SqlCandidates.search`).
        """
        leaves = node.children if isinstance(node, BoundAll) else (node,)
        found = Terms(())
        for leaf in leaves:
            terms = self._tokens(leaf)
            if terms is None or not terms.exact:
                return None
            found = found.and_(terms)
        return found

    def _terms(self, node: Bound) -> list[tuple[int, ColumnElement[bool]]]:
        """*node*'s condition as ANDed parts, each with its cost (``_OWN`` … ``_PROBES``)."""
        if isinstance(node, BoundRadius):
            box, distance = self._radius(node)
            return [(_OWN, box), (_COMPUTED, distance)]
        if isinstance(node, BoundUniverse):
            applied, *sets = self._universe(node)
            return [(_OWN, applied), *((_SETS, where) for where in sets)]
        return [(self._cost(node), self.visit(node))]

    def _cost(self, node: Bound) -> int:
        """How much *node*'s condition costs a candidate: its dearest part."""
        if isinstance(node, BoundAll | BoundAny):
            return max((self._cost(c) for c in node.children), default=_OWN)
        if isinstance(node, BoundNot):
            return self._cost(node.child)
        if isinstance(node, _OWN_LEAVES):
            return _OWN
        if isinstance(node, BoundInSelectionProcess | BoundUnexpired):
            return _OWN if self._facts(node.elsewhere) else _PROBES
        if isinstance(node, BoundRadius):
            return _COMPUTED
        if isinstance(node, BoundStructure):
            return _PROBES
        return _SETS

    def visit_any(self, node: BoundAny) -> ColumnElement[bool]:
        return or_(*(self.visit(c) for c in node.children))

    def visit_not(self, node: BoundNot) -> ColumnElement[bool]:
        self._negated += 1
        exact_before = self._exact
        self._exact = True
        inner = self.visit(node.child)
        inner_exact = self._exact
        self._negated -= 1
        self._exact = exact_before and inner_exact
        # An inexact child holds too many candidates; its negation would hold too
        # few, so the store decides every row instead.
        return not_(inner) if inner_exact else true()

    # --- the profile ----------------------------------------------------------------------

    def visit_keywords(self, node: BoundKeywords) -> ColumnElement[bool]:
        if self._tokens(node) is None:
            return self._whole_words(node.words)
        return self._indexed([node])

    def _whole_words(self, words: tuple[str, ...]) -> ColumnElement[bool]:
        """The row holds every one of *words* (the store's own test, without the index)."""
        # Whole words of the space-joined folded words: no word holds a space, % or _.
        padded = literal(" ") + self._c.words + literal(" ")
        return and_(*(padded.like(f"% {word} %") for word in words))

    def _holding(self, table: Table, *where: ColumnElement[bool]) -> ColumnElement[bool]:
        """The candidate has a row of *table* (tags, languages, fields) meeting *where*.

        An ``IN`` over the table's index rather than a probe per candidate, so the
        database may read the few holders first and the candidates by key (PF3).
        """
        t = table.c
        return self._c.id.in_(select(t.candidate_id).where(t.account == self._account, *where))

    def visit_tag(self, node: BoundTag) -> ColumnElement[bool]:
        t = self._s.candidate_tags
        return self._holding(t, t.c.key == node.key)

    def visit_tracked(self, node: BoundTracked) -> ColumnElement[bool]:
        if not node.keys:
            return false()
        t = self._s.candidate_tags
        return self._holding(t, t.c.key.in_(sorted(node.keys)))

    def visit_language(self, node: BoundLanguage) -> ColumnElement[bool]:
        t = self._s.candidate_languages
        return self._holding(t, t.c.code == node.code)

    def visit_field(self, node: BoundField) -> ColumnElement[bool]:
        t = self._s.candidate_fields
        return self._holding(t, t.c.name == node.name, t.c.value_key == node.value)

    def visit_profile_language_matches_requisition(
        self, node: BoundProfileLanguage
    ) -> ColumnElement[bool]:
        # Never NULL: a candidate without a profile language fails, and NOT of it passes.
        column = self._c.profile_language
        return and_(column.is_not(None), column == node.language)

    def visit_consent_valid(self, node: BoundConsent) -> ColumnElement[bool]:
        now = micros(node.now)
        c = self._c
        return and_(
            c.consent_given.is_(True),
            or_(c.consent_withdrawn_at.is_(None), c.consent_withdrawn_at > now),
            or_(c.consent_expires_at.is_(None), c.consent_expires_at > now),
        )

    def visit_radius(self, node: BoundRadius) -> ColumnElement[bool]:
        box, distance = self._radius(node)
        return and_(box, distance)

    def _radius(self, node: BoundRadius) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
        """The radius as its indexed box and its distance test, ANDed by the caller."""
        c, box, band = self._c, node.box, node.band
        inside_box = and_(
            c.latitude.is_not(None),
            c.longitude.is_not(None),
            *self.cells(box.south, box.north),
            c.latitude.between(box.south, box.north),
            c.longitude.between(box.west, box.east),
        )
        half = self.haversine(node.centre.latitude, node.centre.longitude)
        if node is self._ring:
            return inside_box, and_(
                half > _haversine_of(band.inner), half <= _haversine_of(band.outer)
            )
        inner = half <= _haversine_of(band.inner)
        near = half <= _haversine_of(band.outer)
        if node in self._edges:
            edge = sorted(self._edges[node])
            inside = c.id.in_(edge) if edge else false()
            return inside_box, or_(inner, and_(near, inside))
        distance = self._dialect.distance
        if distance is None:
            self._exact = False
            return inside_box, near
        exact = distance(c.latitude, c.longitude, node.centre.latitude, node.centre.longitude)
        return inside_box, or_(inner, and_(near, exact <= node.km + EDGE_TOLERANCE_KM))

    # --- submissions ------------------------------------------------------------------

    def visit_exclude_in_selection_process(
        self, node: BoundInSelectionProcess
    ) -> ColumnElement[bool]:
        if self._facts(node.elsewhere):
            until = self._c.open_until
            return or_(until.is_(None), until <= micros(node.now))
        s = self._s.submissions.c
        active = self._submissions(
            node.elsewhere, s.status.in_(_OPEN), self._active(micros(node.now))
        )
        return not_(active)

    def visit_exclude_expired_submissions(self, node: BoundUnexpired) -> ColumnElement[bool]:
        if self._facts(node.elsewhere):
            until = self._c.unexpired_until
            return and_(until.is_not(None), until > micros(node.now))
        return self._submissions(node.elsewhere, self._active(micros(node.now)))

    def _window(self, node: BoundRejectedWithin | BoundHiredWithin) -> ColumnElement[bool]:
        # Any requisition counts, so the facts always answer.
        latest = self._c.hired_at if node.status is SubmissionStatus.HIRED else self._c.rejected_at
        return or_(latest.is_(None), latest < micros(node.opens_at))

    def visit_exclude_rejected_within(self, node: BoundRejectedWithin) -> ColumnElement[bool]:
        return self._window(node)

    def visit_exclude_hired_within(self, node: BoundHiredWithin) -> ColumnElement[bool]:
        return self._window(node)

    def visit_structure(self, node: BoundStructure) -> ColumnElement[bool]:
        s, r = self._s.submissions.c, self._s.requisitions.c
        placed = [
            getattr(r, _DIMENSION_COLUMN[dim]).in_(sorted(nodes)) for dim, nodes in node.nodes
        ]
        where = [
            s.account == self._account,
            s.candidate_id == self._c.id,
            r.account == self._account,
            r.id == s.requisition_id,
            *placed,
        ]
        if node.elsewhere is not None:
            where.append(s.requisition_id != node.elsewhere)
        if not node.include_expired:
            where.append(self._active(micros(node.now)))
        return exists(select(literal(1)).where(*where))

    def visit_universe(self, node: BoundUniverse) -> ColumnElement[bool]:
        return and_(*self._universe(node))

    def _universe(self, node: BoundUniverse) -> list[ColumnElement[bool]]:
        """The universe's parts: the facts' test first, then the sets it is not in."""
        s = self._s.submissions.c
        here = select(s.candidate_id).where(
            s.account == self._account, s.requisition_id == node.requisition_id
        )
        # With no submission here, a candidate who applied at all (the facts' latest
        # submission) applied elsewhere. The requisition's own candidates are one
        # small set, read once rather than probed per candidate.
        parts: list[ColumnElement[bool]] = [
            self._c.submitted_at.is_not(None),
            self._c.id.not_in(here),
        ]
        # The exclusions are the query's requisition's, as given (a preview may change them).
        if node.exclusions:
            parts.append(self._c.id.not_in(sorted(node.exclusions)))
        return parts

    def visit_owned_by(self, node: BoundOwnedBy) -> ColumnElement[bool]:
        # The viewer's candidates as one set, read once from the owners' and the shares'
        # indexes rather than probed per candidate: a correlated probe per row made a
        # manager's listing read every candidate's submissions (PF3).
        s, r = self._s.submissions.c, self._s.requisitions.c
        rs, ss = self._s.requisition_shares.c, self._s.submission_shares.c
        account, user = self._account, node.user_id
        positions = union(
            select(r.id).where(r.account == account, r.owner_id == user),
            select(rs.requisition_id).where(rs.account == account, rs.user_id == user),
        )
        on_positions = select(s.candidate_id).where(
            s.account == account, s.requisition_id.in_(positions)
        )
        responses = select(s.candidate_id).where(
            s.account == account,
            s.id.in_(select(ss.submission_id).where(ss.account == account, ss.user_id == user)),
        )
        return self._c.id.in_(union(on_positions, responses))
