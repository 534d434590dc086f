"""Criteria, autopool settings, quick filters and templates as JSON-compatible dicts (EN2).

Every document carries ``"schema": 1``. A criterion node is a dict with exactly
one key, the node's kind, whose value holds its fields; ``all`` and ``any`` take
lists and ``not`` takes one node::

    >>> from talentpool.criteria import Keywords, ResidenceWithin, SpeaksLanguage
    >>> doc = criteria_to_dict(SpeaksLanguage("de") & ~Keywords("night shift"))
    >>> doc["schema"], doc["criteria"]["all"][0]
    (1, {'language': {'code': 'de'}})
    >>> doc["criteria"]["all"][1]
    {'not': {'keywords': {'text': 'night shift'}}}
    >>> criteria_from_dict(doc) == SpeaksLanguage("de") & ~Keywords("night shift")
    True

Reading is strict. Anything malformed, unknown or out of range raises
:class:`~talentpool.errors.CriteriaError`, whose message starts with the path of
the fault; no other exception escapes, whatever the input::

    >>> criteria_from_dict({"schema": 1, "criteria": {"all": [
    ...     {"language": {"code": "de"}}, {"tag": {"label": "Brno"}},
    ...     {"radius": {"distance": 0, "unit": "km"}}]}})
    Traceback (most recent call last):
    ...
    talentpool.errors.CriteriaError: criteria.all[2].radius.distance: must be a number > 0 (got 0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from talentpool.criteria import (
    CRITERION_KINDS,
    EVERYONE,
    MAX_DEPTH,
    MAX_TEXT_LENGTH,
    AllOf,
    AutopoolCriteria,
    ConsentValid,
    Criterion,
    CriterionVisitor,
    Everyone,
    ExcludeExpiredSubmissions,
    ExcludeHiredWithin,
    ExcludeInSelectionProcess,
    ExcludeRejectedWithin,
    FieldEquals,
    HasTag,
    Keywords,
    Not,
    ProfileLanguageMatchesRequisition,
    QuickFilter,
    ResidenceWithin,
    SpeaksLanguage,
    SubmissionsInStructure,
    Visitor,
    all_of,
    any_of,
    not_,
    show,
)
from talentpool.errors import CriteriaError, DomainError
from talentpool.geo import DistanceUnit
from talentpool.ids import NodeId, QuickFilterId, TemplateId
from talentpool.model import RequisitionTemplate, Workflow

__all__ = [
    "MAX_DEPTH",
    "SCHEMA_VERSION",
    "autopool_from_dict",
    "autopool_to_dict",
    "criteria_from_dict",
    "criteria_to_dict",
    "quick_filter_from_dict",
    "quick_filter_to_dict",
    "template_from_dict",
    "template_to_dict",
]

SCHEMA_VERSION = 1
"""The version of the documents this library writes and reads."""

Json = Any


# --- writing -----------------------------------------------------------------------


class _Writer(CriterionVisitor[dict[str, Json]]):
    """The criterion visitor that writes each node as ``{kind: fields}``."""

    def visit_everyone(self, node: Everyone) -> dict[str, Json]:
        return {node.kind: {}}

    def visit_all(self, node: AllOf) -> dict[str, Json]:
        return {node.kind: [self.visit(c) for c in node.children]}

    visit_any = visit_all

    def visit_not(self, node: Not) -> dict[str, Json]:
        return {node.kind: self.visit(node.child)}

    def _bare(self, node: Criterion) -> dict[str, Json]:
        return {node.kind: {}}

    visit_exclude_in_selection_process = _bare
    visit_profile_language_matches_requisition = _bare
    visit_exclude_expired_submissions = _bare
    visit_consent_valid = _bare

    def visit_keywords(self, node: Keywords) -> dict[str, Json]:
        return {node.kind: {"text": node.text}}

    def visit_tag(self, node: HasTag) -> dict[str, Json]:
        return {node.kind: {"label": node.label}}

    def visit_language(self, node: SpeaksLanguage) -> dict[str, Json]:
        return {node.kind: {"code": node.code}}

    def visit_field(self, node: FieldEquals) -> dict[str, Json]:
        return {node.kind: {"name": node.name, "value": node.value}}

    def visit_exclude_rejected_within(self, node: ExcludeRejectedWithin) -> dict[str, Json]:
        return {node.kind: {"days": node.days}}

    def visit_exclude_hired_within(self, node: ExcludeHiredWithin) -> dict[str, Json]:
        return {node.kind: {"days": node.days}}

    def visit_radius(self, node: ResidenceWithin) -> dict[str, Json]:
        return {node.kind: {"distance": node.distance, "unit": node.unit.value}}

    def visit_structure(self, node: SubmissionsInStructure) -> dict[str, Json]:
        return {
            node.kind: {
                "organizations": sorted(node.organizations),
                "locations": sorted(node.locations),
                "job_fields": sorted(node.job_fields),
                "include_expired": node.include_expired,
            }
        }


_WRITER = _Writer()


def node_to_dict(criterion: Criterion) -> dict[str, Json]:
    """Return the JSON form of one criterion node (no schema envelope)."""
    return _WRITER.visit(criterion)


def _fields_of(leaf: Criterion) -> Json:
    """Return the fields of *leaf*'s node, without the kind around them."""
    return node_to_dict(leaf)[leaf.kind]


def criteria_to_dict(criterion: Criterion) -> dict[str, Json]:
    """Return the versioned document of *criterion*."""
    return {"schema": SCHEMA_VERSION, "criteria": node_to_dict(criterion)}


def _autopool_body(criteria: AutopoolCriteria) -> dict[str, Json]:
    return {
        "exclude_in_selection_process": criteria.exclude_in_selection_process,
        "profile_language_must_match": criteria.profile_language_must_match,
        "exclude_expired_submissions": criteria.exclude_expired_submissions,
        "exclude_rejected_within_days": criteria.exclude_rejected_within_days,
        "exclude_hired_within_days": criteria.exclude_hired_within_days,
        "radius": None if criteria.radius is None else _fields_of(criteria.radius),
        "structure": None if criteria.structure is None else _fields_of(criteria.structure),
        "require_valid_consent": criteria.require_valid_consent,
        "advanced": node_to_dict(criteria.advanced),
    }


def autopool_to_dict(criteria: AutopoolCriteria) -> dict[str, Json]:
    """Return the versioned document of saved autopool criteria."""
    return {"schema": SCHEMA_VERSION, "autopool": _autopool_body(criteria)}


def quick_filter_to_dict(quick_filter: QuickFilter) -> dict[str, Json]:
    """Return the versioned document of a quick filter."""
    return {
        "schema": SCHEMA_VERSION,
        "quick_filter": {
            "id": quick_filter.id,
            "name": quick_filter.name,
            "criteria": node_to_dict(quick_filter.criterion),
        },
    }


def template_to_dict(template: RequisitionTemplate) -> dict[str, Json]:
    """Return the versioned document of a requisition template."""
    wf = template.workflow
    return {
        "schema": SCHEMA_VERSION,
        "template": {
            "id": template.id,
            "name": template.name,
            "language": template.language,
            "organization": template.organization,
            "location": template.location,
            "job_field": template.job_field,
            "workflow": {
                "steps": list(wf.steps),
                "rejection_motives": list(wf.rejection_motives),
                "motive_required": wf.motive_required,
                "comment_required": wf.comment_required,
            },
            "autopool": None if template.autopool is None else _autopool_body(template.autopool),
        },
    }


# --- reading -------------------------------------------------------------------------


def _join(path: str, inner: str) -> str:
    return f"{path}.{inner}" if inner else path


def _object(value: Json, path: str) -> Mapping[str, Json]:
    if not isinstance(value, Mapping):
        raise CriteriaError(path, f"must be an object (got {_show(value)})")
    for key in value:
        if not isinstance(key, str):
            raise CriteriaError(path, f"keys must be strings (got {_show(key)})")
    return value


def _show(value: object) -> str:
    """Return a short repr of *value* for a message: bounded, and never raising (EN2)."""
    return show(value)


def _key(path: str, key: str) -> str:
    """Return the path of field *key* under *path*, the key shown short (EN2).

    A key that is blank, overlong or not plain printable text is shown by its
    bounded repr, so neither a path nor a message ever copies a whole key.
    """
    plain = key.strip() and len(key) <= 40 and key.isprintable() and "." not in key
    return f"{path}.{key if plain else show(key)}"


def _fields(
    value: Json, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Mapping[str, Json]:
    body = _object(value, path)
    for key in body:
        if key not in required and key not in optional:
            allowed = ", ".join(required + optional) or "none"
            raise CriteriaError(_key(path, key), f"unknown field (allowed: {allowed})")
    for key in required:
        if key not in body:
            raise CriteriaError(f"{path}.{key}", "is required")
    return body


def _envelope(doc: Json, root: str) -> Json:
    # Paths start at the document's own keys ("schema", "criteria.all[2]…"), so a
    # fault in the envelope is named the same way as one inside it.
    body = _object(doc, "document")
    for key in body:
        if key not in ("schema", root):
            where = _key("", key)[1:]  # a path must show even a blank key, and briefly
            raise CriteriaError(where, f"unknown field (allowed: schema, {root})")
    for key in ("schema", root):
        if key not in body:
            raise CriteriaError(key, "is required")
    version = body["schema"]
    if type(version) is not int or version != SCHEMA_VERSION:
        raise CriteriaError(
            "schema", f"unsupported version {_show(version)} (this library reads {SCHEMA_VERSION})"
        )
    return body[root]


def _build(path: str, make: Callable[[], Any]) -> Any:
    """Call a constructor, turning its complaints into a ``CriteriaError`` at *path*."""
    try:
        return make()
    except CriteriaError as e:
        # A constructor's own path starts with the node kind, which *path* ends with.
        inner = e.path.split(".", 1)[1] if "." in e.path else ""
        raise CriteriaError(_join(path, inner), e.reason) from None
    except DomainError as e:
        raise CriteriaError(_join(path, e.field), f"{e.reason} (got {_show(e.value)})") from None
    except (TypeError, ValueError) as e:
        reason = str(e)  # a host's or a model's message: bounded all the same
        raise CriteriaError(path, reason if len(reason) <= 200 else reason[:197] + "...") from None


def _string(body: Mapping[str, Json], key: str, path: str, limit: int | None = None) -> str:
    value = body[key]
    if not isinstance(value, str):
        raise CriteriaError(f"{path}.{key}", f"must be a string (got {_show(value)})")
    if limit is not None and len(value) > limit:
        # Refused by its length before anything normalises or copies it (EN2).
        raise CriteriaError(
            f"{path}.{key}", f"must be at most {limit} characters (got {len(value)})"
        )
    return value


def _boolean(body: Mapping[str, Json], key: str, path: str) -> bool:
    value = body[key]
    if not isinstance(value, bool):
        raise CriteriaError(f"{path}.{key}", f"must be true or false (got {_show(value)})")
    return value


def _number(body: Mapping[str, Json], key: str, path: str) -> float:
    value = body[key]
    try:
        # an int beyond the float range makes isfinite raise OverflowError
        finite = isinstance(value, int | float) and math.isfinite(value)
    except OverflowError:
        finite = False
    if isinstance(value, bool) or not finite:
        raise CriteriaError(f"{path}.{key}", f"must be a number > 0 (got {_show(value)})")
    return value  # type: ignore[no-any-return]


def _node_list(body: Mapping[str, Json], key: str, path: str) -> tuple[NodeId, ...]:
    value = body.get(key, [])
    if not isinstance(value, list):
        raise CriteriaError(f"{path}.{key}", f"must be a list of node ids (got {_show(value)})")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise CriteriaError(f"{path}.{key}[{i}]", f"must be a node id (got {_show(item)})")
    return tuple(NodeId(v) for v in value)


def _unit(body: Mapping[str, Json], path: str) -> DistanceUnit:
    value = body.get("unit", "km")
    for unit in DistanceUnit:
        if value == unit.value:
            return unit
    raise CriteriaError(f"{path}.unit", f"must be 'km' or 'miles' (got {_show(value)})")


def _radius(value: Json, path: str) -> ResidenceWithin:
    body = _fields(value, path, ("distance",), ("unit",))
    distance = _number(body, "distance", path)
    unit = _unit(body, path)
    built: ResidenceWithin = _build(path, lambda: ResidenceWithin(distance, unit))
    return built


def _structure(value: Json, path: str) -> SubmissionsInStructure:
    body = _fields(value, path, (), ("organizations", "locations", "job_fields", "include_expired"))
    include = _boolean(body, "include_expired", path) if "include_expired" in body else False
    orgs = _node_list(body, "organizations", path)
    locs = _node_list(body, "locations", path)
    fields = _node_list(body, "job_fields", path)
    built: SubmissionsInStructure = _build(
        path, lambda: SubmissionsInStructure(orgs, locs, fields, include)
    )
    return built


def _days(body: Mapping[str, Json], key: str, path: str) -> int:
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise CriteriaError(f"{path}.{key}", f"must be a whole number of days (got {_show(value)})")
    return value


class _Reader(Visitor[Criterion]):
    """Reads one node document by its kind: one ``read_<kind>`` per criterion kind (EN2).

    A reader dispatches on the kind a document names rather than on a node, so it
    is a visitor of its own family, covering every kind a criteria visitor does.
    """

    kinds = CRITERION_KINDS
    prefix = "read_"

    def __init__(self, body: Json, path: str, depth: int) -> None:
        self._body, self._path, self._depth = body, path, depth

    def read(self, kind: str) -> Criterion:
        """Read the body of a node of *kind*."""
        return self.for_kind(kind)()

    def _only(self, *required: str) -> Mapping[str, Json]:
        return _fields(self._body, self._path, required)

    def _children(self) -> list[Criterion]:
        body, here = self._body, self._path
        if not isinstance(body, list) or not body:
            raise CriteriaError(here, f"must be a non-empty list of criteria (got {_show(body)})")
        return [node_from_dict(c, f"{here}[{i}]", self._depth + 1) for i, c in enumerate(body)]

    def read_all(self) -> Criterion:
        return all_of(*self._children())

    def read_any(self) -> Criterion:
        first, *rest = self._children()
        return any_of(first, *rest)

    def read_not(self) -> Criterion:
        return not_(node_from_dict(self._body, self._path, self._depth + 1))

    def read_everyone(self) -> Criterion:
        self._only()
        return EVERYONE

    def read_exclude_in_selection_process(self) -> Criterion:
        self._only()
        return ExcludeInSelectionProcess()

    def read_profile_language_matches_requisition(self) -> Criterion:
        self._only()
        return ProfileLanguageMatchesRequisition()

    def read_exclude_expired_submissions(self) -> Criterion:
        self._only()
        return ExcludeExpiredSubmissions()

    def read_consent_valid(self) -> Criterion:
        self._only()
        return ConsentValid()

    def _build(self, make: Callable[[], Criterion]) -> Criterion:
        built: Criterion = _build(self._path, make)
        return built

    def read_keywords(self) -> Criterion:
        text = _string(self._only("text"), "text", self._path)
        return self._build(lambda: Keywords(text))

    def read_tag(self) -> Criterion:
        label = _string(self._only("label"), "label", self._path)
        return self._build(lambda: HasTag(label))

    def read_language(self) -> Criterion:
        code = _string(self._only("code"), "code", self._path)
        return self._build(lambda: SpeaksLanguage(code))

    def read_field(self) -> Criterion:
        fields = self._only("name", "value")
        name, val = _string(fields, "name", self._path), _string(fields, "value", self._path)
        return self._build(lambda: FieldEquals(name, val))

    def read_exclude_rejected_within(self) -> Criterion:
        days = _days(self._only("days"), "days", self._path)
        return self._build(lambda: ExcludeRejectedWithin(days))

    def read_exclude_hired_within(self) -> Criterion:
        days = _days(self._only("days"), "days", self._path)
        return self._build(lambda: ExcludeHiredWithin(days))

    def read_radius(self) -> Criterion:
        return _radius(self._body, self._path)

    def read_structure(self) -> Criterion:
        return _structure(self._body, self._path)


_KINDS = ", ".join(sorted(CRITERION_KINDS))


def node_from_dict(value: Json, path: str = "criteria", depth: int = 0) -> Criterion:
    """Read one criterion node found at *path*; raise ``CriteriaError`` on any fault."""
    if depth > MAX_DEPTH:
        raise CriteriaError(path, f"criteria are nested deeper than {MAX_DEPTH} levels")
    node = _object(value, path)
    if len(node) != 1:
        raise CriteriaError(
            path, f"must have exactly one key, the criterion kind (got {_show(sorted(node))})"
        )
    ((kind, body),) = node.items()
    if kind not in CRITERION_KINDS:
        raise CriteriaError(path, f"unknown criterion kind {show(kind)} (known: {_KINDS})")
    return _Reader(body, f"{path}.{kind}", depth).read(kind)


def criteria_from_dict(doc: Json) -> Criterion:
    """Read a versioned criteria document."""
    return node_from_dict(_envelope(doc, "criteria"), "criteria")


_AUTOPOOL_FLAGS = (
    "exclude_in_selection_process",
    "profile_language_must_match",
    "exclude_expired_submissions",
    "require_valid_consent",
)
_AUTOPOOL_WINDOWS = ("exclude_rejected_within_days", "exclude_hired_within_days")


def _autopool_from_body(value: Json, path: str) -> AutopoolCriteria:
    optional = (*_AUTOPOOL_FLAGS, *_AUTOPOOL_WINDOWS, "radius", "structure", "advanced")
    body = _fields(value, path, (), optional)
    kwargs: dict[str, Any] = {}
    for key in _AUTOPOOL_FLAGS:
        if key in body:
            kwargs[key] = _boolean(body, key, path)
    for key in _AUTOPOOL_WINDOWS:
        if key in body:
            kwargs[key] = None if body[key] is None else _days(body, key, path)
    if body.get("radius") is not None:
        kwargs["radius"] = _radius(body["radius"], f"{path}.radius")
    if body.get("structure") is not None:
        kwargs["structure"] = _structure(body["structure"], f"{path}.structure")
    if "advanced" in body:
        kwargs["advanced"] = node_from_dict(body["advanced"], f"{path}.advanced")
    built: AutopoolCriteria = _build(path, lambda: AutopoolCriteria(**kwargs))
    return built


def autopool_from_dict(doc: Json) -> AutopoolCriteria:
    """Read a versioned autopool document; absent fields take their defaults (AP4)."""
    return _autopool_from_body(_envelope(doc, "autopool"), "autopool")


def quick_filter_from_dict(doc: Json) -> QuickFilter:
    """Read a versioned quick-filter document."""
    path = "quick_filter"
    body = _fields(_envelope(doc, path), path, ("id", "name", "criteria"))
    filter_id = _string(body, "id", path, MAX_TEXT_LENGTH)
    name = _string(body, "name", path, MAX_TEXT_LENGTH)
    criterion = node_from_dict(body["criteria"], f"{path}.criteria")
    built: QuickFilter = _build(
        path, lambda: QuickFilter(QuickFilterId(filter_id), name, criterion)
    )
    return built


def _optional_string(body: Mapping[str, Json], key: str, path: str) -> str | None:
    if body.get(key) is None:
        return None
    return _string(body, key, path, MAX_TEXT_LENGTH)


def _string_list(body: Mapping[str, Json], key: str, path: str) -> tuple[str, ...]:
    value = body[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CriteriaError(f"{path}.{key}", f"must be a list of strings (got {_show(value)})")
    for i, item in enumerate(value):
        if len(item) > MAX_TEXT_LENGTH:
            reason = f"must be at most {MAX_TEXT_LENGTH} characters (got {len(item)})"
            raise CriteriaError(f"{path}.{key}[{i}]", reason)
    return tuple(value)


def _workflow(value: Json, path: str) -> Workflow:
    body = _fields(
        value, path, ("steps",), ("rejection_motives", "motive_required", "comment_required")
    )
    kwargs: dict[str, Any] = {"steps": _string_list(body, "steps", path)}
    if "rejection_motives" in body:
        kwargs["rejection_motives"] = _string_list(body, "rejection_motives", path)
    for key in ("motive_required", "comment_required"):
        if key in body:
            kwargs[key] = _boolean(body, key, path)
    built: Workflow = _build(path, lambda: Workflow(**kwargs))
    return built


def template_from_dict(doc: Json) -> RequisitionTemplate:
    """Read a versioned requisition-template document."""
    path = "template"
    keys = ("language", "organization", "location", "job_field", "workflow", "autopool")
    body = _fields(_envelope(doc, path), path, ("id", "name"), keys)
    kwargs: dict[str, Any] = {
        "id": TemplateId(_string(body, "id", path, MAX_TEXT_LENGTH)),
        "name": _string(body, "name", path, MAX_TEXT_LENGTH),
    }
    for key in ("language", "organization", "location", "job_field"):
        kwargs[key] = _optional_string(body, key, path)
    if "workflow" in body:
        kwargs["workflow"] = _workflow(body["workflow"], f"{path}.workflow")
    if body.get("autopool") is not None:
        kwargs["autopool"] = _autopool_from_body(body["autopool"], f"{path}.autopool")
    built: RequisitionTemplate = _build(path, lambda: RequisitionTemplate(**kwargs))
    return built
