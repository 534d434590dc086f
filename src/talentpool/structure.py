"""The organization, location and job-field trees, and the one "at or below" rule (AP4, AP12)."""

from __future__ import annotations

import enum
import types
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from talentpool.errors import ConfigurationError, DomainError
from talentpool.ids import NodeId

__all__ = ["Dimension", "StructureTree", "expand_saved", "node_ids"]


class Dimension(enum.Enum):
    """The three trees a requisition is placed in (AP4)."""

    ORGANIZATION = "organization"
    LOCATION = "location"
    JOB_FIELD = "job_field"


def _is_node(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _mapping(field: str, values: object) -> Mapping[Any, Any]:
    if not isinstance(values, Mapping):
        raise DomainError(field, values, "must be a mapping of node ids")
    return values


def _parents(
    values: Mapping[str, str | None] | Mapping[NodeId, NodeId | None],
) -> Mapping[NodeId, NodeId | None]:
    """A read-only copy: the caller's dict cannot add a cycle after the checks."""
    out: dict[NodeId, NodeId | None] = {}
    for node, parent in _mapping("parents", values).items():
        if not _is_node(node):
            raise DomainError("parents", node, "must have non-blank node ids")
        if parent is not None and not _is_node(parent):
            raise DomainError(f"parents.{node}", parent, "must be a non-blank node id or None")
        out[NodeId(node)] = None if parent is None else NodeId(parent)
    return types.MappingProxyType(out)


def _names(values: Mapping[str, str] | Mapping[NodeId, str]) -> Mapping[NodeId, str]:
    out: dict[NodeId, str] = {}
    for node, name in _mapping("names", values).items():
        if not _is_node(node):
            raise DomainError("names", node, "must have non-blank node ids")
        if not isinstance(name, str):
            raise DomainError(f"names.{node}", name, "must be a string")
        out[NodeId(node)] = name
    return types.MappingProxyType(out)


def _dimension(instance: object, attribute: attrs.Attribute[Dimension], value: object) -> None:
    if not isinstance(value, Dimension):
        raise DomainError(attribute.name, value, "must be a Dimension")


@attrs.frozen
class StructureTree:
    """One dimension's tree: each node names its parent (roots have none).

    Attributes:
        dimension: Which tree this is.
        parents: Node id to parent node id, ``None`` for a root; a read-only copy of
            the mapping given, so no cycle can be added after the checks (DM1).
        names: Display names by node id (optional); a read-only copy too.
    """

    dimension: Dimension = attrs.field(validator=_dimension)
    parents: Mapping[NodeId, NodeId | None] = attrs.field(converter=_parents, hash=False)
    names: Mapping[NodeId, str] = attrs.field(factory=dict, converter=_names, hash=False)

    def __attrs_post_init__(self) -> None:
        for node, parent in self.parents.items():
            if parent is not None and parent not in self.parents:
                raise DomainError(f"{self.dimension.value}.{node}", parent, "is not a node")
        for node in self.parents:
            self.lineage(node)  # refuses cycles now rather than at query time

    def __contains__(self, node: object) -> bool:
        return node in self.parents

    def lineage(self, node: NodeId) -> tuple[NodeId, ...]:
        """Return *node* and its ancestors, nearest first."""
        out: list[NodeId] = []
        current: NodeId | None = node
        while current is not None:
            if current in out:
                raise DomainError(f"{self.dimension.value}.{node}", current, "is in a cycle")
            out.append(current)
            current = self.parents.get(current)
        return tuple(out)

    def is_at_or_below(self, node: NodeId | None, selected: Iterable[NodeId]) -> bool:
        """Return whether *node* is one of *selected* or lies below one of them."""
        if node is None:
            return False
        chosen = frozenset(selected)
        return any(n in chosen for n in self.lineage(node))

    def expand(self, selected: Iterable[NodeId]) -> frozenset[NodeId]:
        """Return the nodes "at or below" *selected*: the one structure rule (AP4, AP12).

        A node of this tree is in the result when it or one of its ancestors is
        selected. A selected node this tree does not hold stays in the result as
        it is, so it still matches a requisition placed on exactly that node.
        """
        chosen = frozenset(selected)
        below = (n for n in self.parents if any(a in chosen for a in self.lineage(n)))
        return chosen | frozenset(below)

    def name(self, node: NodeId) -> str:
        """Return the display name of *node*, or its id."""
        return self.names.get(node, node)


def expand_saved(
    selected: frozenset[NodeId],
    dimension: Dimension,
    trees: Mapping[Dimension, StructureTree],
    where: str,
) -> frozenset[NodeId]:
    """Return the nodes at or below *selected* in the account's saved tree (AP4, AP12).

    Every selected node must be in the saved tree of *dimension*: a node the tree
    does not hold, or a selection in a dimension with no saved tree, would match
    nothing and silently narrow a pool, so it raises ``ConfigurationError`` naming
    the node and *where* it was selected (a criterion, a repooling rule).

    >>> tree = StructureTree(Dimension.LOCATION, {"cz": None, "brno": "cz"})
    >>> sorted(expand_saved(frozenset({NodeId("cz")}), Dimension.LOCATION,
    ...                     {Dimension.LOCATION: tree}, "the criterion"))
    ['brno', 'cz']
    >>> expand_saved(frozenset({NodeId("praha")}), Dimension.LOCATION,  # doctest: +ELLIPSIS
    ...              {Dimension.LOCATION: tree}, "the criterion")
    Traceback (most recent call last):
    ...
    talentpool.errors.ConfigurationError: location node 'praha' of the criterion is not in ...
    """
    label = dimension.value.replace("_", "-")
    tree = trees.get(dimension)
    unknown = sorted(n for n in selected if tree is None or n not in tree)
    if unknown:
        nodes = ", ".join(repr(n) for n in unknown)
        one = len(unknown) == 1
        named = f"{label} {'node' if one else 'nodes'} {nodes} of {where}"
        if tree is None:
            msg = (
                f"{named} {'is' if one else 'are'} selected, but the account has no saved "
                f"{label} tree; save the tree or remove the selection."
            )
        else:
            msg = (
                f"{named} {'is' if one else 'are'} not in the account's saved {label} "
                "tree; add it to the tree or remove it from the selection."
            )
        raise ConfigurationError(msg)
    return selected if tree is None else tree.expand(selected)  # no tree: nothing was selected


def node_ids(values: Any, field: str = "nodes") -> frozenset[NodeId]:
    """Return *values* as a set of node ids; the one rule for a selection of nodes (AP4, AP12).

    A selection is a collection of non-blank strings: one bare string (which would
    be read as its letters), a blank id or anything but a string raises
    ``DomainError`` naming *field*, for criteria and repooling rules alike.
    """
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise DomainError(field, values, "must be a collection of node ids, not one value")
    out = frozenset(values)
    for node in out:
        if not isinstance(node, str) or not node.strip():
            raise DomainError(field, node, "must be non-blank node ids")
    return frozenset(NodeId(n) for n in out)
