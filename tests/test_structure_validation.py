"""AP4, AP6: a structure node must be in the account's saved tree, on every store.

Selecting a node the saved tree of its dimension does not hold, or selecting in a
dimension with no saved tree, would narrow a pool to nothing without a word. It is
a configuration error naming the node: when criteria are saved on a requisition, a
template or a quick filter, when a repooling rule is saved, and again when a pool
is read (or the repooling job runs) after the tree lost the node.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentpool import Autopooling, Repooling
from talentpool.criteria import (
    AutopoolCriteria,
    HasTag,
    QuickFilter,
    SubmissionsInStructure,
)
from talentpool.errors import ConfigurationError
from talentpool.ids import (
    CandidateId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    TemplateId,
    UserId,
)
from talentpool.model import (
    Dimension,
    RepoolingRule,
    RequisitionTemplate,
    Role,
    StructureTree,
)
from talentpool.testing import World

ADMIN = UserId("admin")
JOB, ELSEWHERE = RequisitionId("job"), RequisitionId("elsewhere")
TEMPLATE = TemplateId("tpl")
ORGANIZATION = StructureTree(
    Dimension.ORGANIZATION, {"group": None, "retail": "group", "logistics": "group"}
)
NO_DEFAULTS = AutopoolCriteria(exclude_expired_submissions=False, exclude_hired_within_days=None)


def within(**selection: list[str]) -> AutopoolCriteria:
    """The pool of candidates who applied within *selection*, nothing else."""
    return AutopoolCriteria(
        exclude_expired_submissions=False,
        exclude_hired_within_days=None,
        structure=SubmissionsInStructure(**selection),
    )


def _account(w: World) -> World:
    w.user("admin", role=Role.ADMINISTRATOR)
    with w.uow:
        w.uow.structures.save(ORGANIZATION)
        w.uow.templates.save(RequisitionTemplate(TEMPLATE, "Cashier template"))
        w.uow.commit()
    w.requisition("job", "Cashier")
    w.requisition("elsewhere", "Stocker", organization="retail")
    w.apply(w.candidate("eva", "Eva"), "elsewhere")
    return w


@pytest.fixture
def w(any_world: World) -> World:
    return _account(any_world)


def test_ap4_a_saved_node_selects_its_subtree(w: World) -> None:
    """AP4: a node of the saved tree is accepted everywhere and selects what lies below it."""
    pool = Autopooling(w.uow, w.clock)
    pool.set_requisition_criteria(ADMIN, JOB, within(organizations=["group"]))
    assert pool.results(JOB).candidate_ids == (CandidateId("eva"),)
    pool.set_template_criteria(ADMIN, TEMPLATE, within(organizations=["retail"]))
    pool.define_quick_filter(
        ADMIN, QuickFilter(QuickFilterId("qf"), "Retail", SubmissionsInStructure(["retail"]))
    )
    Repooling(w.uow, w.clock).save_rule(
        ADMIN, RepoolingRule(RepoolingRuleId("r"), "Retail", 30, organizations=["retail"])
    )


@pytest.mark.parametrize(
    ("selection", "named"),
    [
        ({"organizations": ["franchise"]}, r"organization node 'franchise' .* not in the account"),
        (
            {"organizations": ["group", "zeta", "alpha"]},
            r"organization nodes 'alpha', 'zeta' .* not in the account's saved organization tree",
        ),
        ({"locations": ["praha"]}, r"location node 'praha' .* no saved location tree"),
        (
            {"organizations": ["group"], "job_fields": ["sales"]},
            r"job-field node 'sales' .* no saved job-field tree",
        ),
    ],
)
def test_ap4_unknown_nodes_are_refused_when_saved(
    w: World, selection: dict[str, list[str]], named: str
) -> None:
    """AP4: requisitions, templates, quick filters and repooling rules refuse unknown nodes,
    naming them, and nothing is saved."""
    pool, repooling = Autopooling(w.uow, w.clock), Repooling(w.uow, w.clock)
    with pytest.raises(ConfigurationError, match=named):
        pool.set_requisition_criteria(ADMIN, JOB, within(**selection))
    with pytest.raises(ConfigurationError, match=named):
        pool.set_template_criteria(ADMIN, TEMPLATE, within(**selection))
    nested = HasTag("Brno") | ~SubmissionsInStructure(**selection)  # found wherever it sits
    with pytest.raises(ConfigurationError, match=named):
        pool.define_quick_filter(ADMIN, QuickFilter(QuickFilterId("qf"), "Somewhere", nested))
    with pytest.raises(ConfigurationError, match=named):
        repooling.save_rule(ADMIN, RepoolingRule(RepoolingRuleId("r"), "Idle", 30, **selection))
    with w.uow:
        assert w.uow.requisitions.get(JOB).autopool is None
        assert w.uow.templates.get(TEMPLATE).autopool is None
        assert tuple(w.uow.quick_filters) == ()
        assert tuple(w.uow.repooling_rules) == ()
        assert len(tuple(w.uow.events)) == 0  # no criteria-saved event either


def test_ap4_a_tree_that_lost_a_node_is_reported_when_the_pool_is_read(w: World) -> None:
    """AP4: criteria saved against the old tree are a configuration error on every read,
    never an empty pool; saving the node again brings the pool back."""
    pool, repooling = Autopooling(w.uow, w.clock), Repooling(w.uow, w.clock)
    pool.set_requisition_criteria(ADMIN, JOB, within(organizations=["retail"]))
    repooling.save_rule(
        ADMIN, RepoolingRule(RepoolingRuleId("r"), "Retail", 1, organizations=["retail"])
    )
    smaller = StructureTree(Dimension.ORGANIZATION, {"group": None, "logistics": "group"})
    with w.uow:
        w.uow.structures.save(smaller)
        w.uow.commit()
    eva = CandidateId("eva")
    reads = {
        "results": lambda: pool.results(JOB),
        "explain": lambda: pool.explain(JOB, eva),
        "funnel": lambda: pool.funnel(JOB),
        "in_pool": lambda: pool.in_pool(JOB, eva),
        "candidate_file": lambda: pool.candidate_file(ADMIN, JOB, eva),
        "dry_run of the saved criteria": lambda: pool.dry_run(
            ADMIN, JOB, within(organizations=["retail"])
        ),
        "repooling preview": lambda: repooling.preview(ADMIN),
        "repooling run": repooling.run,
    }
    for name, read in reads.items():
        with pytest.raises(ConfigurationError, match="node 'retail'") as caught:
            read()
        assert "saved organization tree" in str(caught.value), name
    # a proposed fix is judged against a pool that cannot be read: everyone it keeps joins
    assert pool.dry_run(ADMIN, JOB, NO_DEFAULTS).joining == (eva,)
    with w.uow:
        w.uow.structures.save(ORGANIZATION)
        w.uow.commit()
    assert pool.results(JOB).candidate_ids == (eva,)


def test_ap4_the_candidate_database_refuses_unknown_nodes_too(w: World) -> None:
    """AP4: a listing filtered by a structure the saved trees do not hold is reported."""
    from talentpool import Visibility

    listing = Visibility(w.uow, w.clock)
    inside = listing.candidates(ADMIN, SubmissionsInStructure(organizations=["retail"]))
    assert inside.total == 1
    with pytest.raises(ConfigurationError, match="organization node 'franchise'"):
        listing.candidates(ADMIN, SubmissionsInStructure(organizations=["franchise"]))


_NODES = st.sampled_from(("group", "retail", "logistics", "franchise", "atlantis"))


@settings(max_examples=25)
@given(st.frozensets(_NODES, min_size=1, max_size=3))
def test_ap4_saving_succeeds_exactly_when_every_node_is_in_the_tree(
    selected: frozenset[str],
) -> None:
    """AP4 property: a selection is saved iff the saved tree holds every node; otherwise the
    error names exactly the missing ones."""
    w = _account(World())
    pool = Autopooling(w.uow, w.clock)
    missing = sorted(selected - {"group", "retail", "logistics"})
    criteria = within(organizations=sorted(selected))
    if not missing:
        pool.set_requisition_criteria(ADMIN, JOB, criteria)
        return
    with pytest.raises(ConfigurationError) as caught:
        pool.set_requisition_criteria(ADMIN, JOB, criteria)
    noun = "node" if len(missing) == 1 else "nodes"
    named = ", ".join(repr(n) for n in missing)
    assert str(caught.value).startswith(f"organization {noun} {named} of the criterion ")
