"""Wrong argument types to the public API are our errors, naming the field (review fixes).

Without these checks the values were accepted and failed later, far from the
mistake, as ``AttributeError`` or ``TypeError`` — or, for a template, were even
saved. Each case here is a ``DomainError`` (or a ``CriteriaError`` where criteria
are expected), raised before anything is written. Covers AP2, AP3, AP7, AP8,
AP10, DM4 and EN5.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from talentpool.actions import AutopoolActions, validate_rejection
from talentpool.autopool import Autopooling
from talentpool.criteria import EVERYONE, AutopoolCriteria, HasTag, QuickFilter
from talentpool.errors import CriteriaError, DomainError
from talentpool.geo import GeoPoint, Radius
from talentpool.ids import CandidateId, QuickFilterId, RequisitionId, TemplateId, UserId
from talentpool.model import Requisition, RequisitionTemplate, Role, Workflow
from talentpool.ports import CandidateQuery
from talentpool.results import Ordering, SortKey
from talentpool.testing import World

ADMIN = UserId("admin")
REQ = RequisitionId("job")
WHEN = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.fixture
def pool(world: World) -> Autopooling:
    world.user("admin", "Alena", Role.ADMINISTRATOR)
    world.uow.templates.save(RequisitionTemplate(TemplateId("t"), "Template"))
    world.requisition("elsewhere", "Cashier")
    world.requisition(
        "job", "Assistant", location=GeoPoint(49.2, 16.6), autopool=AutopoolCriteria()
    )
    world.apply(world.candidate("eva", tags=["driver"]), "elsewhere")
    world.uow.quick_filters.save(QuickFilter(QuickFilterId("driver"), "Drivers", HasTag("driver")))
    return Autopooling(world.uow, world.clock)


def _state(world: World) -> tuple[object, ...]:
    uow = world.uow
    return (list(uow.requisitions), uow.templates.get(TemplateId("t")), list(uow.events))


@pytest.mark.parametrize("bad", [{"radius": 25}, "criteria", EVERYONE])
def test_ap2_criteria_setters_refuse_what_is_not_autopool_criteria(
    world: World, pool: Autopooling, bad: Any
) -> None:
    """AP2, AP3: a CriteriaError before anything is saved (the template one used to be saved)."""
    before = _state(world)
    with pytest.raises(CriteriaError) as caught:
        pool.set_template_criteria(ADMIN, TemplateId("t"), bad)
    assert caught.value.path == "criteria"
    with pytest.raises(CriteriaError, match="criteria"):
        pool.set_requisition_criteria(ADMIN, REQ, bad)
    with pytest.raises(CriteriaError, match="criteria"):
        pool.dry_run(ADMIN, REQ, bad)
    assert _state(world) == before


def test_ap3_entities_refuse_autopool_values_that_are_not_criteria() -> None:
    """AP3: Requisition.autopool and RequisitionTemplate.autopool are validated."""
    with pytest.raises(CriteriaError) as caught:
        Requisition(REQ, "Job", WHEN, autopool={"radius": 25})  # type: ignore[arg-type]
    assert caught.value.path == "autopool"
    with pytest.raises(CriteriaError, match="autopool"):
        RequisitionTemplate(TemplateId("t"), "T", autopool=EVERYONE)  # type: ignore[arg-type]
    assert Requisition(REQ, "Job", WHEN, autopool=AutopoolCriteria()).autopool is not None


def test_ap8_define_quick_filter_refuses_what_is_not_a_quick_filter(
    world: World, pool: Autopooling
) -> None:
    """AP8: a criterion alone (no id, no name) is not a quick filter; nothing is saved."""
    before = list(world.uow.quick_filters)
    with pytest.raises(CriteriaError) as caught:
        pool.define_quick_filter(ADMIN, HasTag("driver"))  # type: ignore[arg-type]
    assert caught.value.path == "quick_filter"
    assert list(world.uow.quick_filters) == before


def test_ap7_results_order_must_be_an_ordering(pool: Autopooling) -> None:
    """AP7: ``order=SortKey.NAME`` is a DomainError that says how to wrap it."""
    with pytest.raises(DomainError) as caught:
        pool.results(REQ, order=SortKey.NAME)  # type: ignore[arg-type]
    assert caught.value.field == "order"
    assert "Ordering(" in str(caught.value)
    assert pool.results(REQ, order=Ordering(SortKey.NAME)).candidate_ids == ("eva",)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"key": "name"}, "key"), ({"key": None}, "key"), ({"descending": "no"}, "descending")],
)
def test_ap7_ordering_fields_are_validated(kwargs: dict[str, Any], field: str) -> None:
    """AP7: Ordering(key="name") is refused at once, not as an AttributeError when sorting."""
    with pytest.raises(DomainError) as caught:
        Ordering(**kwargs)
    assert caught.value.field == field


@pytest.mark.parametrize("bad", ["driver", 7, [None]])
def test_ap8_quick_filters_must_be_a_collection_of_ids(pool: Autopooling, bad: Any) -> None:
    """AP8: one bare id is not iterated as its characters."""
    with pytest.raises(DomainError) as caught:
        pool.results(REQ, quick_filters=bad)
    assert caught.value.field == "quick_filters"
    assert pool.results(REQ, quick_filters=[QuickFilterId("driver")]).candidate_ids == ("eva",)


def test_ap7_candidate_query_checks_criterion_and_order(world: World) -> None:
    """AP7, EN4: the query handed to adapters holds a criterion and an ordering."""
    req = Requisition(REQ, "Job", WHEN)
    with pytest.raises(CriteriaError) as caught:
        CandidateQuery(req, WHEN, criterion=AutopoolCriteria())  # type: ignore[arg-type]
    assert caught.value.path == "criterion"
    with pytest.raises(DomainError) as refused:
        CandidateQuery(req, WHEN, order=SortKey.NAME)  # type: ignore[arg-type]
    assert refused.value.field == "order"


def test_dm4_radius_unit_must_be_a_distance_unit() -> None:
    """DM4: Radius(10, "km") is a DomainError naming the unit, not a failure at .km."""
    with pytest.raises(DomainError) as caught:
        Radius(10, "km")  # type: ignore[arg-type]
    assert caught.value.field == "unit"


def test_ap10_motives_none_is_no_motives(world: World, pool: Autopooling) -> None:
    """AP10: ``motives=None`` is not a TypeError; it validates as no motives."""
    assert validate_rejection(Workflow(), None, "").motives == ()
    world.settings(match_and_reject_enabled=True)
    actions = AutopoolActions(world.uow, world.clock, world.ids)
    rejected = actions.match_and_reject(ADMIN, REQ, CandidateId("eva"), motives=None)
    assert rejected.rejection is not None
    assert rejected.rejection.motives == ()
