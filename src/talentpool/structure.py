"""The organization, location and job-field trees, and the one "at or below" rule (AP4, AP12)."""

from __future__ import annotations

import enum
import types
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from talentpool.errors import DomainError
from talentpool.ids import NodeId

__all__ = ["Dimension", "StructureTree", "node_ids"]


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
