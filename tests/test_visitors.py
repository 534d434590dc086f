"""EN1, EN4: one walk of the criteria tree; every visitor covers every kind."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

import talentpool
from talentpool.criteria import CRITERION_KINDS, Criterion, CriterionVisitor, Visitor, missing_kinds
from talentpool.engine import BOUND_KINDS, Bound, BoundVisitor


def _import_everything() -> None:
    for info in pkgutil.walk_packages(talentpool.__path__, "talentpool."):
        importlib.import_module(info.name)


def _subclasses(base: type[Any]) -> set[type[Any]]:
    out: set[type[Any]] = set()
    for sub in base.__subclasses__():
        out |= {sub} | _subclasses(sub)
    return out


def _concrete_kinds(base: type[Any]) -> set[str]:
    return {k for c in _subclasses(base) if isinstance(k := c.__dict__.get("kind"), str)}


def test_en1_criterion_kinds_are_every_kind_a_tree_can_hold() -> None:
    _import_everything()
    assert set(CRITERION_KINDS) == _concrete_kinds(Criterion)
    assert len(CRITERION_KINDS) == len(set(CRITERION_KINDS))


def test_en4_bound_kinds_are_every_kind_a_bound_tree_can_hold() -> None:
    _import_everything()
    assert set(BOUND_KINDS) == _concrete_kinds(Bound)
    # every leaf of a criterion has a bound leaf of the same kind
    assert set(CRITERION_KINDS) - {"everyone"} <= set(BOUND_KINDS)


def test_en1_every_visitor_covers_every_kind_of_its_family() -> None:
    _import_everything()
    families = {CriterionVisitor: CRITERION_KINDS, BoundVisitor: BOUND_KINDS}
    visitors = _subclasses(Visitor) - set(families)
    names = {v.__name__ for v in visitors}
    # the walks the design names: matcher, explainer, writer, reader, bind, nowhere, strategies
    assert {"Matcher", "Explainer", "_Writer", "_Reader", "_Binder", "_Nowhere", "_Drawer"} <= names
    for visitor in visitors:
        assert visitor.kinds, visitor.__name__
        assert missing_kinds(visitor) == [], visitor.__name__
    for family, kinds in families.items():
        assert family.kinds == kinds


def test_en1_a_visitor_missing_a_kind_cannot_be_defined() -> None:
    with pytest.raises(TypeError, match="must handle every kind; it has no visit_everyone"):

        class _Partial(CriterionVisitor[int]):
            def visit_all(self, node: object) -> int:
                return 0

    with pytest.raises(TypeError, match="visit_constant"):

        class _PartialBound(BoundVisitor[int]):
            pass
