"""Criteria as data (EN1): immutable trees composed with ``&``, ``|`` and ``~``.

A criterion is a value, never a callable: the same tree is evaluated in memory
(:mod:`talentpool.engine`), explained to a manager, serialised to JSON
(:mod:`talentpool.serialization`) and compiled by a database adapter. Trees
compare and hash structurally, and composition flattens like Django's ``Q``::

    >>> german = SpeaksLanguage("de")
    >>> cashier = Keywords("cashier")
    >>> german & cashier & HasTag("Brno")
    AllOf(children=(SpeaksLanguage(code='de'), Keywords(text='cashier'), HasTag(label='Brno')))
    >>> (german | cashier) == (german | cashier)
    True
    >>> ~~german == german
    True
    >>> all_of() is EVERYONE
    True

The basic autopool set of AP4 lives in :class:`AutopoolCriteria`, whose fields
carry the defaults the seed shows (exclude expired submissions and exclude
candidates hired in the last 30 days are on, everything else off);
:meth:`AutopoolCriteria.criterion` turns it into one tree.
"""

from __future__ import annotations

import abc
import reprlib
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from talentpool.errors import CriteriaError, DomainError
from talentpool.geo import DistanceUnit, Radius
from talentpool.ids import NodeId, QuickFilterId
from talentpool.structure import Dimension, node_ids
from talentpool.tags import Tag
from talentpool.text import words

__all__ = [
    "CRITERION_TYPES",
    "EVERYONE",
    "MAX_DEPTH",
    "MAX_KEYWORDS_LENGTH",
    "MAX_TEXT_LENGTH",
    "AllOf",
    "AnyOf",
    "AutopoolCriteria",
    "ConsentValid",
    "Criterion",
    "CriterionVisitor",
    "Everyone",
    "ExcludeExpiredSubmissions",
    "ExcludeHiredWithin",
    "ExcludeInSelectionProcess",
    "ExcludeRejectedWithin",
    "FieldEquals",
    "HasTag",
    "Keywords",
    "Leaf",
    "Not",
    "ProfileLanguageMatchesRequisition",
    "QuickFilter",
    "ResidenceWithin",
    "SpeaksLanguage",
    "SubmissionsInStructure",
    "Visitor",
    "all_of",
    "any_of",
    "not_",
]

DEFAULT_HIRED_WINDOW_DAYS = 30
"""The window of "exclude candidates hired within the last X days", on by default."""
MAX_WINDOW_DAYS = 36_500
"""The longest "within the last X days" window accepted: a hundred years."""
MAX_KEYWORDS_LENGTH = 1_000
"""The longest keywords text accepted, in characters, checked before it is folded (EN2)."""
MAX_TEXT_LENGTH = 200
"""The longest language code, profile-field name or value accepted, in characters (EN2).

A tag label is bounded the same way (:data:`talentpool.tags.MAX_TAG_LENGTH`)."""
MAX_DEPTH = 64
"""The deepest tree accepted (EN2): a leaf has depth 0, a composite one more than its
deepest child. Building a deeper tree raises :class:`CriteriaError`, and the JSON
reader refuses a document nested deeper, so every tree that can be built round-trips
(and no walk of it comes near the interpreter's recursion limit)."""


_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


class Criterion(abc.ABC):
    """Base of every criterion node. Compose with ``&`` (and), ``|`` (or), ``~`` (not)."""

    __slots__ = ()

    kind: ClassVar[str]
    """The tag of this node in the JSON form."""

    def __and__(self, other: object) -> Criterion:
        if not isinstance(other, Criterion):
            return NotImplemented
        return all_of(self, other)

    def __or__(self, other: object) -> Criterion:
        if not isinstance(other, Criterion):
            return NotImplemented
        return any_of(self, other)

    def __invert__(self) -> Criterion:
        return not_(self)

    @abc.abstractmethod
    def describe(self) -> str:
        """A short sentence a manager reads, such as ``"speaks de"``."""

    def walk(self) -> Iterable[Criterion]:
        """Yield this node and every node below it, depth first."""
        yield self

    @property
    def depth(self) -> int:
        """How many levels of nodes lie below this one: 0 for a leaf (EN2)."""
        return 0


class Leaf(Criterion):
    """A criterion with no children."""

    __slots__ = ()


def _bad(path: str, reason: str) -> CriteriaError:
    return CriteriaError(path, reason)


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 60, 60
SHOWN_LENGTH = 60
"""The most characters of a refused value an error message shows (EN2)."""


def show(value: object) -> str:
    """Return a short ``repr`` of *value* for an error message: never long, never raising.

    reprlib bounds strings and the nesting it descends into; an int too long to
    print (the interpreter's digit limit) is shown by its size instead.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"<an integer of {value.bit_length()} bits>"
    try:
        text = _REPR.repr(value)
    except (ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 3] + "..."


# --- composites -------------------------------------------------------------


@attrs.frozen
class Everyone(Criterion):
    """Matches every candidate: the identity of ``&`` and what an empty ``all_of()`` is."""

    kind: ClassVar[str] = "everyone"

    def describe(self) -> str:
        """Describe the node."""
        return "everyone"


EVERYONE = Everyone()
"""The match-all criterion."""


def _require_own(node: object, path: str) -> None:
    """Refuse a node whose class is not one of the library's own (EN1).

    Every walk (the matcher, the explainer, the JSON writer, the SQL compilers)
    knows exactly the library's node classes; a host's subclass of a leaf or its
    own :class:`Criterion` class would pass every check and fail at every read.
    """
    if type(node) not in CRITERION_TYPES:
        raise _bad(
            path,
            f"{type(node).__qualname__} is not one of the library's criteria; build trees "
            "from its node classes (their subclasses and other Criterion classes are refused)",
        )


def _deeper(depth: int) -> int:
    """Return *depth*, refusing a tree deeper than :data:`MAX_DEPTH` (EN2)."""
    if depth > MAX_DEPTH:
        raise _bad("criteria", f"criteria are nested deeper than {MAX_DEPTH} levels")
    return depth


def _children(value: Iterable[Criterion]) -> tuple[Criterion, ...]:
    # An empty composite would be written as ``{"all": []}``, which no reader accepts,
    # and a non-criterion child would only fail later, at evaluation.
    children = tuple(value)
    for child in children:
        if not isinstance(child, Criterion):
            msg = f"composites hold criteria, not {type(child).__name__} ({show(child)})."
            raise TypeError(msg)
        _require_own(child, "criteria")
    if not children:
        msg = "a composite needs at least one child; use EVERYONE to match everyone"
        raise ValueError(msg)
    return children


def _normal(node: AllOf | AnyOf) -> None:
    """Refuse a composite that :func:`all_of` / :func:`any_of` would have written otherwise.

    Every tree that can be built is then in one normal form, the form documents
    are read back into, so a JSON round trip is the identity for every tree.
    """
    name, helper = type(node).__name__, "all_of" if isinstance(node, AllOf) else "any_of"
    if len(node.children) < 2:
        msg = f"{name} needs at least two children; {helper}() returns a single criterion as it is"
        raise ValueError(msg)
    for child in node.children:
        if type(child) is type(node) or isinstance(child, Everyone):
            msg = f"{name} cannot hold {show(child)} directly; {helper}() flattens it"
            raise ValueError(msg)


@attrs.frozen
class AllOf(Criterion):
    """Every child must hold. Build with ``a & b`` or :func:`all_of`, which flatten."""

    kind: ClassVar[str] = "all"
    children: tuple[Criterion, ...] = attrs.field(converter=_children)
    _depth: int = attrs.field(init=False, eq=False, repr=False)

    @_depth.default
    def _depth_default(self) -> int:
        return _deeper(1 + max(c.depth for c in self.children))

    def __attrs_post_init__(self) -> None:
        _normal(self)

    @property
    def depth(self) -> int:
        """How many levels of nodes lie below this one (EN2)."""
        return self._depth

    def describe(self) -> str:
        """Describe the node."""
        return "all of: " + "; ".join(c.describe() for c in self.children)

    def walk(self) -> Iterable[Criterion]:
        """Yield this node and every node below it."""
        yield self
        for child in self.children:
            yield from child.walk()


@attrs.frozen
class AnyOf(Criterion):
    """At least one child must hold. Build with ``a | b`` or :func:`any_of`, which flatten."""

    kind: ClassVar[str] = "any"
    children: tuple[Criterion, ...] = attrs.field(converter=_children)
    _depth: int = attrs.field(init=False, eq=False, repr=False)

    @_depth.default
    def _depth_default(self) -> int:
        return _deeper(1 + max(c.depth for c in self.children))

    def __attrs_post_init__(self) -> None:
        _normal(self)

    @property
    def depth(self) -> int:
        """How many levels of nodes lie below this one (EN2)."""
        return self._depth

    def describe(self) -> str:
        """Describe the node."""
        return "any of: " + "; ".join(c.describe() for c in self.children)

    def walk(self) -> Iterable[Criterion]:
        """Yield this node and every node below it."""
        yield self
        for child in self.children:
            yield from child.walk()


@attrs.frozen
class Not(Criterion):
    """The child must not hold. Build with ``~a`` or :func:`not_`."""

    kind: ClassVar[str] = "not"
    child: Criterion = attrs.field()
    _depth: int = attrs.field(init=False, eq=False, repr=False)

    @_depth.default
    def _depth_default(self) -> int:
        # defaults run before validators: check the child's class before asking its depth
        self._check_child(attrs.fields(Not).child, self.child)
        return _deeper(1 + self.child.depth)

    @property
    def depth(self) -> int:
        """How many levels of nodes lie below this one (EN2)."""
        return self._depth

    @child.validator
    def _check_child(self, attribute: attrs.Attribute[Criterion], value: object) -> None:
        if not isinstance(value, Criterion):
            msg = f"Not holds a criterion, not {type(value).__name__} ({show(value)})."
            raise TypeError(msg)
        _require_own(value, "criteria")
        if isinstance(value, Not):
            msg = f"Not cannot hold {show(value)}; not_() cancels a double negation"
            raise ValueError(msg)

    def describe(self) -> str:
        """Describe the node."""
        return f"not ({self.child.describe()})"

    def walk(self) -> Iterable[Criterion]:
        """Yield this node and every node below it."""
        yield self
        yield from self.child.walk()


def _require_criteria(name: str, items: tuple[object, ...]) -> tuple[Criterion, ...]:
    for item in items:
        if not isinstance(item, Criterion):
            msg = f"{name}() takes criteria, not {type(item).__name__} ({show(item)})."
            raise TypeError(msg)
        _require_own(item, "criteria")
    return items  # type: ignore[return-value]


def all_of(*criteria: Criterion) -> Criterion:
    """Return a criterion that holds when every one of *criteria* does.

    Nested :class:`AllOf` nodes are squashed, :data:`EVERYONE` is dropped, a single
    criterion is returned as it is and none at all gives :data:`EVERYONE`.
    """
    flat: list[Criterion] = []
    for c in _require_criteria("all_of", criteria):
        if isinstance(c, AllOf):
            flat.extend(c.children)
        elif not isinstance(c, Everyone):
            flat.append(c)
    if not flat:
        return EVERYONE
    if len(flat) == 1:
        return flat[0]
    return AllOf(tuple(flat))


def any_of(first: Criterion, *rest: Criterion) -> Criterion:
    """Return a criterion that holds when at least one of the criteria does.

    Nested :class:`AnyOf` nodes are squashed and a single criterion is returned as
    it is. There is no empty ``any_of()``: an OR of nothing matches no one, which
    is never what a saved search means.
    """
    flat: list[Criterion] = []
    for c in _require_criteria("any_of", (first, *rest)):
        if isinstance(c, Everyone):
            return EVERYONE
        flat.extend(c.children if isinstance(c, AnyOf) else (c,))
    if len(flat) == 1:
        return flat[0]
    return AnyOf(tuple(flat))


def not_(criterion: Criterion) -> Criterion:
    """Return the negation of *criterion*; a double negation cancels out."""
    _require_criteria("not_", (criterion,))
    if isinstance(criterion, Not):
        return criterion.child
    return Not(criterion)


# --- advanced-search leaves -----------------------------------------------------


def _keywords(instance: Keywords, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        raise _bad("keywords.text", f"must be a string (got {show(value)})")
    if len(value) > MAX_KEYWORDS_LENGTH:
        raise _bad(
            "keywords.text",
            f"must be at most {MAX_KEYWORDS_LENGTH} characters (got {len(value)})",
        )
    if not words(value):
        raise _bad("keywords.text", f"must contain at least one word (got {show(value)})")


@attrs.frozen
class Keywords(Leaf):
    """Full-text keywords: every word must be a whole word of the candidate's text.

    Case and accents are ignored (see :mod:`talentpool.text` for the exact rule).

    Attributes:
        text: The keywords as typed.
    """

    kind: ClassVar[str] = "keywords"
    text: str = attrs.field(validator=_keywords)

    @property
    def words(self) -> tuple[str, ...]:
        """The folded words every one of which must match."""
        return words(self.text)

    def describe(self) -> str:
        """Describe the node."""
        return f"keywords {self.text!r}"


@attrs.frozen
class HasTag(Leaf):
    """The candidate carries this tag (compared by the tag's key, DM2).

    Attributes:
        label: The tag as typed.
    """

    kind: ClassVar[str] = "tag"
    label: str = attrs.field(eq=False)
    tag: Tag = attrs.field(init=False, repr=False)

    @tag.default
    def _tag_default(self) -> Tag:
        # the one place the label is checked and normalised (once), reported as
        # the criteria error a reader expects
        try:
            return Tag(self.label)
        except DomainError as e:
            raise _bad("tag.label", f"{e.reason} (got {show(self.label)})") from None

    def describe(self) -> str:
        """Describe the node."""
        return f"tagged {self.tag.label!r}"


def _code(path: str) -> _Validator:
    def check(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            raise _bad(path, f"must be a non-blank string (got {show(value)})")
        if len(value) > MAX_TEXT_LENGTH:
            raise _bad(path, f"must be at most {MAX_TEXT_LENGTH} characters (got {len(value)})")

    return check


def _casefold(value: object) -> object:
    return value.strip().casefold() if isinstance(value, str) else value


@attrs.frozen
class SpeaksLanguage(Leaf):
    """The candidate speaks this language.

    Attributes:
        code: A language code such as ``"de"``; compared case-insensitively.
    """

    kind: ClassVar[str] = "language"
    code: str = attrs.field(converter=_casefold, validator=_code("language.code"))

    def describe(self) -> str:
        """Describe the node."""
        return f"speaks {self.code}"


@attrs.frozen
class FieldEquals(Leaf):
    """A profile field has this value (case and accents ignored).

    Attributes:
        name: The field's name, such as ``"driving_licence"``.
        value: The value it must have.
    """

    kind: ClassVar[str] = "field"
    name: str = attrs.field(converter=_casefold, validator=_code("field.name"))
    value: str = attrs.field(validator=_code("field.value"))

    def describe(self) -> str:
        """Describe the node."""
        return f"{self.name} is {self.value!r}"


# --- the basic autopool set -------------------------------------------------------


@attrs.frozen
class ExcludeInSelectionProcess(Leaf):
    """No active submission on another requisition (AP4, AP6).

    Active means new or in process and not expired; rejected, hired, withdrawn,
    inactive and expired submissions are not active.
    """

    kind: ClassVar[str] = "exclude_in_selection_process"

    def describe(self) -> str:
        """Describe the node."""
        return "not in a selection process"


@attrs.frozen
class ProfileLanguageMatchesRequisition(Leaf):
    """The candidate's general profile language is the requisition's language (AP4)."""

    kind: ClassVar[str] = "profile_language_matches_requisition"

    def describe(self) -> str:
        """Describe the node."""
        return "profile language matches the requisition's"


@attrs.frozen
class ExcludeExpiredSubmissions(Leaf):
    """Only unexpired submissions qualify: the candidate needs one on another requisition."""

    kind: ClassVar[str] = "exclude_expired_submissions"

    def describe(self) -> str:
        """Describe the node."""
        return "has an unexpired submission elsewhere"


def _days(path: str) -> _Validator:
    def check(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _bad(path, f"must be a whole number of days (got {show(value)})")
        if not 1 <= value <= MAX_WINDOW_DAYS:
            raise _bad(path, f"must be from 1 to {MAX_WINDOW_DAYS} (got {show(value)})")

    return check


@attrs.frozen
class ExcludeRejectedWithin(Leaf):
    """Not rejected on any requisition in the last :attr:`days` days (AP4).

    Attributes:
        days: The window; a rejection exactly *days* days ago is inside it.
    """

    kind: ClassVar[str] = "exclude_rejected_within"
    days: int = attrs.field(validator=_days("exclude_rejected_within.days"))

    def describe(self) -> str:
        """Describe the node."""
        return f"not rejected in the last {self.days} days"


@attrs.frozen
class ExcludeHiredWithin(Leaf):
    """Not hired on any requisition in the last :attr:`days` days (AP4).

    Attributes:
        days: The window; a hire exactly *days* days ago is inside it.
    """

    kind: ClassVar[str] = "exclude_hired_within"
    days: int = attrs.field(validator=_days("exclude_hired_within.days"))

    def describe(self) -> str:
        """Describe the node."""
        return f"not hired in the last {self.days} days"


def _radius_distance(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    unit = getattr(instance, "unit", DistanceUnit.KM)
    unit = unit if isinstance(unit, DistanceUnit) else DistanceUnit.KM
    try:
        Radius(value, unit)
    except DomainError as error:
        reason = "must be a number > 0" if "> 0" in error.reason else error.reason
        raise _bad("radius.distance", f"{reason} (got {show(value)})") from None


def _radius_unit(instance: object, attribute: attrs.Attribute[DistanceUnit], value: object) -> None:
    if not isinstance(value, DistanceUnit):
        raise _bad("radius.unit", f"must be 'km' or 'miles' (got {show(value)})")


@attrs.frozen
class ResidenceWithin(Leaf):
    """The candidate lives within a radius of the requisition's primary location (AP4, AP6).

    The edge is inside; a candidate with no known residence fails; a requisition
    with no primary location is a configuration error.

    Attributes:
        distance: How far, greater than zero.
        unit: Kilometres or miles.
    """

    kind: ClassVar[str] = "radius"
    distance: float = attrs.field(validator=_radius_distance)
    unit: DistanceUnit = attrs.field(default=DistanceUnit.KM, validator=_radius_unit)

    @property
    def radius(self) -> Radius:
        """The radius as a :class:`~talentpool.geo.Radius`."""
        return Radius(self.distance, self.unit)

    def describe(self) -> str:
        """Describe the node."""
        return f"lives within {self.distance:g} {self.unit.value} of the job"


def _nodes(value: Iterable[str]) -> frozenset[NodeId]:
    try:
        return node_ids(value, "structure")
    except DomainError as e:
        raise _bad("structure", f"{e.reason} (got {show(e.value)})") from None


@attrs.frozen
class SubmissionsInStructure(Leaf):
    """A submission on another requisition lies in the selected structure (AP4).

    A submission matches when, in every dimension with a selection, its
    requisition's node is a selected node or below one. An empty dimension
    selects everything. Expired submissions count only with
    :attr:`include_expired` (off whenever expired submissions are excluded, AP6).

    Attributes:
        organizations: Selected organization nodes.
        locations: Selected location nodes.
        job_fields: Selected job-field nodes.
        include_expired: Whether an expired submission can satisfy it.
    """

    kind: ClassVar[str] = "structure"
    organizations: frozenset[NodeId] = attrs.field(default=frozenset(), converter=_nodes)
    locations: frozenset[NodeId] = attrs.field(default=frozenset(), converter=_nodes)
    job_fields: frozenset[NodeId] = attrs.field(default=frozenset(), converter=_nodes)
    include_expired: bool = False

    def __attrs_post_init__(self) -> None:
        if not (self.organizations or self.locations or self.job_fields):
            raise _bad("structure", "must select at least one organization, location or job field")

    def selected(self, dimension: Dimension) -> frozenset[NodeId]:
        """Return the nodes selected in *dimension*."""
        if dimension is Dimension.ORGANIZATION:
            return self.organizations
        if dimension is Dimension.LOCATION:
            return self.locations
        return self.job_fields

    def describe(self) -> str:
        """Describe the node."""
        parts = []
        for dim in Dimension:
            chosen = self.selected(dim)
            if chosen:
                parts.append(f"{dim.value.replace('_', ' ')} in {', '.join(sorted(chosen))}")
        return "applied within " + "; ".join(parts)


@attrs.frozen
class ConsentValid(Leaf):
    """The candidate's data-processing consent is recorded, unexpired and not withdrawn (AP14)."""

    kind: ClassVar[str] = "consent_valid"

    def describe(self) -> str:
        """Describe the node."""
        return "data-processing consent is valid"


LEAF_TYPES: tuple[type[Leaf], ...] = (
    Keywords,
    HasTag,
    SpeaksLanguage,
    FieldEquals,
    ExcludeInSelectionProcess,
    ProfileLanguageMatchesRequisition,
    ExcludeExpiredSubmissions,
    ExcludeRejectedWithin,
    ExcludeHiredWithin,
    ResidenceWithin,
    SubmissionsInStructure,
    ConsentValid,
)
"""Every leaf kind, in the order the docs list them."""
CRITERION_TYPES: frozenset[type[Criterion]] = frozenset({Everyone, AllOf, AnyOf, Not, *LEAF_TYPES})
"""The classes of every node a tree can hold; no subclass of them, nor any other (EN1)."""


# --- one walk of the tree ---------------------------------------------------------------

COMPOSITE_KINDS = ("everyone", "all", "any", "not")
"""The kinds of the nodes that hold other nodes, and of the match-all identity."""
CRITERION_KINDS: tuple[str, ...] = COMPOSITE_KINDS + tuple(t.kind for t in LEAF_TYPES)
"""Every kind a criteria tree can hold: what every criteria visitor must cover (EN1)."""

R = TypeVar("R")


class Visitor(Generic[R]):
    """A walk over a tree that dispatches on each node's ``kind``.

    ``visit(node)`` calls the method named ``<prefix><kind>``. A *family* of
    visitors (criteria, bound criteria, documents) names the kinds it covers in
    :attr:`kinds`; every concrete visitor of the family must then have a method
    for each kind, or defining the class raises ``TypeError``. A new kind of node
    therefore cannot be forgotten by the matcher, the explainer, the JSON writer,
    the SQL compiler or any other walk (EN1).
    """

    kinds: ClassVar[tuple[str, ...]] = ()
    """The kinds this family of visitors covers."""
    prefix: ClassVar[str] = "visit_"
    """What the name of each kind's method starts with."""

    def __init_subclass__(cls, *, family: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if family:
            return
        missing = missing_kinds(cls)
        if missing:
            msg = f"{cls.__name__} must handle every kind; it has no {cls.prefix}{missing[0]}"
            raise TypeError(msg + (f" (nor {len(missing) - 1} more)" if len(missing) > 1 else ""))

    def visit(self, node: Any) -> R:
        """Return what this walk makes of *node*, by its kind."""
        method: Callable[[Any], R] = getattr(self, self.prefix + node.kind)
        return method(node)

    def for_kind(self, kind: str) -> Callable[..., R]:
        """Return this walk's method for *kind*: for walks that start from a kind, not a node.

        The JSON reader (which reads a document naming its kind) and the
        hypothesis strategies (which draw a node of each kind) dispatch this way.
        """
        method: Callable[..., R] = getattr(self, self.prefix + kind)
        return method


def missing_kinds(visitor: type[Visitor[Any]]) -> list[str]:
    """Return the kinds of *visitor*'s family that it has no method for, in family order."""
    return [k for k in visitor.kinds if not callable(getattr(visitor, visitor.prefix + k, None))]


class CriterionVisitor(Visitor[R], family=True):
    """A walk over a criteria tree: one ``visit_<kind>`` per kind of :data:`CRITERION_KINDS`.

    The JSON writer, :func:`~talentpool.engine.bind` and the hypothesis
    strategies are criterion visitors; the matcher, the explainer and the
    stores' compilers walk the *bound* tree bind returns
    (:class:`~talentpool.engine.BoundVisitor`).
    """

    kinds = CRITERION_KINDS

    def visit(self, node: Any) -> R:
        """Return what this walk makes of *node*; refuse a node of a foreign class (EN1)."""
        _require_own(node, "criteria")
        return super().visit(node)


# --- the saved autopool criteria -----------------------------------------------------


def _optional_days(path: str) -> _Validator:
    check = _days(path)

    def optional(
        instance: object, attribute: attrs.Attribute[int | None], value: int | None
    ) -> None:
        if value is not None:
            check(instance, attribute, value)

    return optional


def _bool(path: str) -> _Validator:
    def check(instance: object, attribute: attrs.Attribute[bool], value: bool) -> None:
        if not isinstance(value, bool):
            raise _bad(path, f"must be true or false (got {show(value)})")

    return check


def _optional_leaf(kind: type[Leaf], path: str) -> _Validator:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and type(value) is not kind:
            raise _bad(path, f"must be a {kind.__name__} or None (got {show(value)})")

    return check


def _criterion(path: str) -> _Validator:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Criterion):
            raise _bad(path, f"must be a criterion (got {show(value)})")
        _require_own(value, path)

    return check


@attrs.frozen
class AutopoolCriteria:
    """The criteria saved on a requisition or template (AP4): the basic set plus a tree.

    Attributes:
        exclude_in_selection_process: Off by default.
        profile_language_must_match: Off by default.
        exclude_expired_submissions: **On** by default.
        exclude_rejected_within_days: Off (``None``) by default.
        exclude_hired_within_days: **On**, 30 days, by default.
        radius: Off (``None``) by default.
        structure: Off (``None``) by default; its ``include_expired`` is set from
            :attr:`exclude_expired_submissions` when the tree is built.
        require_valid_consent: Off by default; an account can enforce it everywhere (AP14).
        advanced: Any advanced-search criterion; :data:`EVERYONE` by default.
    """

    exclude_in_selection_process: bool = attrs.field(
        default=False, validator=_bool("autopool.exclude_in_selection_process")
    )
    profile_language_must_match: bool = attrs.field(
        default=False, validator=_bool("autopool.profile_language_must_match")
    )
    exclude_expired_submissions: bool = attrs.field(
        default=True, validator=_bool("autopool.exclude_expired_submissions")
    )
    exclude_rejected_within_days: int | None = attrs.field(
        default=None, validator=_optional_days("autopool.exclude_rejected_within_days")
    )
    exclude_hired_within_days: int | None = attrs.field(
        default=DEFAULT_HIRED_WINDOW_DAYS,
        validator=_optional_days("autopool.exclude_hired_within_days"),
    )
    radius: ResidenceWithin | None = attrs.field(
        default=None, validator=_optional_leaf(ResidenceWithin, "autopool.radius")
    )
    structure: SubmissionsInStructure | None = attrs.field(
        default=None, validator=_optional_leaf(SubmissionsInStructure, "autopool.structure")
    )
    require_valid_consent: bool = attrs.field(
        default=False, validator=_bool("autopool.require_valid_consent")
    )
    advanced: Criterion = attrs.field(default=EVERYONE, validator=_criterion("autopool.advanced"))

    def terms(self, *, enforce_consent: bool = False) -> tuple[Criterion, ...]:
        """Return the criteria that must all hold, basic set first, in a fixed order."""
        out: list[Criterion] = []
        if self.require_valid_consent or enforce_consent:
            out.append(ConsentValid())
        if self.exclude_expired_submissions:
            out.append(ExcludeExpiredSubmissions())
        if self.exclude_in_selection_process:
            out.append(ExcludeInSelectionProcess())
        if self.exclude_hired_within_days is not None:
            out.append(ExcludeHiredWithin(self.exclude_hired_within_days))
        if self.exclude_rejected_within_days is not None:
            out.append(ExcludeRejectedWithin(self.exclude_rejected_within_days))
        if self.profile_language_must_match:
            out.append(ProfileLanguageMatchesRequisition())
        if self.structure is not None:
            out.append(
                attrs.evolve(self.structure, include_expired=not self.exclude_expired_submissions)
            )
        if self.radius is not None:
            out.append(self.radius)
        advanced = self.advanced
        out.extend(advanced.children if isinstance(advanced, AllOf) else (advanced,))
        return tuple(t for t in out if not isinstance(t, Everyone))

    def criterion(self, *, enforce_consent: bool = False) -> Criterion:
        """Return the whole saved search as one tree (see :meth:`terms`)."""
        return all_of(*self.terms(enforce_consent=enforce_consent))

    def differences(self, other: AutopoolCriteria) -> tuple[str, ...]:
        """Return the names of the fields whose values differ from *other*'s (AP13)."""
        return tuple(
            f.name
            for f in attrs.fields(AutopoolCriteria)
            if getattr(self, f.name) != getattr(other, f.name)
        )


def _filter_id(instance: object, attribute: attrs.Attribute[QuickFilterId], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _bad("quick_filter.id", f"must be a non-blank id (got {show(value)})")
    if len(value) > MAX_TEXT_LENGTH:  # the reader refuses it: it would not read back (EN2)
        raise _bad("quick_filter.id", f"must be at most {MAX_TEXT_LENGTH} characters")


def _filter_name(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _bad("quick_filter.name", f"must be a non-blank string (got {show(value)})")
    if len(value) > MAX_TEXT_LENGTH:
        raise _bad("quick_filter.name", f"must be at most {MAX_TEXT_LENGTH} characters")


@attrs.frozen
class QuickFilter:
    """A named criterion a system administrator defines for pool results (AP8).

    Attributes:
        id: The filter's id.
        name: What users see, such as "Speaks German".
        criterion: What it keeps.
    """

    id: QuickFilterId = attrs.field(validator=_filter_id)
    name: str = attrs.field(validator=_filter_name)
    criterion: Criterion = attrs.field(validator=_criterion("quick_filter.criteria"))
