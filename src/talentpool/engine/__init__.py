"""The criteria engine: bind a criterion for one query, then walk the bound tree.

* :mod:`~talentpool.engine.bound` — the bound nodes and :class:`BoundVisitor`;
* :mod:`~talentpool.engine.bind` — :func:`bind`, where every boundary of AP6 is decided;
* :mod:`~talentpool.engine.evaluate` — the evidence functions and the
  :class:`Matcher`: the reference semantics every store reproduces (EN4);
* :mod:`~talentpool.engine.explain` — the :class:`Explainer` and :class:`Verdict` (EN3).
"""

from __future__ import annotations

from talentpool.engine.bind import (
    EvaluationContext,
    bind,
    bind_pool,
    check_configuration,
    check_structure,
    expand_structure,
    universe,
)
from talentpool.engine.bound import (
    BOUND_KINDS,
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
    bound_all,
    bound_any,
    bound_not,
)
from talentpool.engine.evaluate import (
    Matcher,
    active_elsewhere,
    as_if_applied_nowhere,
    filter_records,
    latest_with_status,
    matches,
    residence_distance_km,
    structure_match,
    unexpired_elsewhere,
)
from talentpool.engine.explain import Explainer, Verdict, explain, in_universe

__all__ = [
    "BOUND_KINDS",
    "Bound",
    "BoundAll",
    "BoundAny",
    "BoundConsent",
    "BoundField",
    "BoundHiredWithin",
    "BoundInSelectionProcess",
    "BoundKeywords",
    "BoundLanguage",
    "BoundNot",
    "BoundOwnedBy",
    "BoundProfileLanguage",
    "BoundRadius",
    "BoundRejectedWithin",
    "BoundStructure",
    "BoundTag",
    "BoundTracked",
    "BoundUnexpired",
    "BoundUniverse",
    "BoundVisitor",
    "Constant",
    "EvaluationContext",
    "Explainer",
    "Matcher",
    "Verdict",
    "active_elsewhere",
    "as_if_applied_nowhere",
    "bind",
    "bind_pool",
    "bound_all",
    "bound_any",
    "bound_not",
    "check_configuration",
    "check_structure",
    "expand_structure",
    "explain",
    "filter_records",
    "in_universe",
    "latest_with_status",
    "matches",
    "residence_distance_km",
    "structure_match",
    "unexpired_elsewhere",
    "universe",
]
