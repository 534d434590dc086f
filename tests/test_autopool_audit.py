"""The audit trail of autopool administration: settings, quick filters, criteria, new requisitions.

Every write the :class:`Autopooling` service makes appends one event in the same
unit of work (who, what, when, why); a refused write appends none (AP1, AP2,
AP3, AP8, AP14).
"""

from __future__ import annotations

import json

import pytest

from talentpool.audit import (
    AccountSettingChanged,
    AutopoolCriteriaSaved,
    QuickFilterRemoved,
    QuickFilterSaved,
    RequisitionOpened,
    event_to_dict,
)
from talentpool.autopool import Autopooling
from talentpool.criteria import AutopoolCriteria, QuickFilter, SpeaksLanguage
from talentpool.errors import PermissionDeniedError
from talentpool.ids import QuickFilterId, RequisitionId, TemplateId, UserId
from talentpool.model import Permission, RequisitionTemplate, Role
from talentpool.serialization import autopool_to_dict
from talentpool.testing import World

ADMIN, HANA, REKA = UserId("admin"), UserId("hana"), UserId("reka")


@pytest.fixture
def pool(world: World) -> Autopooling:
    world.user("admin", role=Role.ADMINISTRATOR)
    world.user("hana")
    world.user("reka", permissions=[Permission.DEFINE_AUTOPOOL_CRITERIA])
    return Autopooling(world.uow, world.clock)


def test_switching_the_feature_is_audited(world: World, pool: Autopooling) -> None:
    """AP1: the switch records who turned it, when, and to what."""
    pool.set_enabled(ADMIN, False)
    assert list(world.uow.events) == [
        AccountSettingChanged(
            occurred_at=world.now,
            actor_id=ADMIN,
            reason="automatic candidate pooling disabled",
            setting="autopool_enabled",
            enabled=False,
        )
    ]
    assert world.uow.settings.get().autopool_enabled is False


def test_enforcing_consent_is_for_administrators_and_audited(
    world: World, pool: Autopooling
) -> None:
    """AP14: only an administrator makes consent part of every pool; the change is an event."""
    with pytest.raises(PermissionDeniedError, match="only system administrators"):
        pool.set_enforce_consent(HANA, True)
    assert world.uow.settings.get().enforce_consent is False
    assert list(world.uow.events) == []

    pool.set_enforce_consent(ADMIN, True)
    assert world.uow.settings.get().enforce_consent is True
    (event,) = world.uow.events
    assert isinstance(event, AccountSettingChanged)
    assert (event.setting, event.enabled, event.actor_id) == ("enforce_consent", True, ADMIN)


def test_quick_filters_saved_and_removed_are_audited(world: World, pool: Autopooling) -> None:
    """AP8: defining and removing a quick filter each leave one event."""
    german = QuickFilter(QuickFilterId("de"), "Speaks German", SpeaksLanguage("de"))
    pool.define_quick_filter(ADMIN, german)
    pool.remove_quick_filter(ADMIN, german.id)
    saved, removed = world.uow.events
    assert isinstance(saved, QuickFilterSaved)
    assert saved.quick_filter == german
    assert saved.reason == "quick filter 'Speaks German' saved"
    assert isinstance(removed, QuickFilterRemoved)
    assert removed.quick_filter_id == german.id


def test_a_refused_quick_filter_leaves_no_event(world: World, pool: Autopooling) -> None:
    """AP8: a hiring manager cannot define quick filters; nothing is saved or recorded."""
    with pytest.raises(PermissionDeniedError):
        pool.define_quick_filter(HANA, QuickFilter(QuickFilterId("x"), "X", SpeaksLanguage("cs")))
    assert list(world.uow.quick_filters) == []
    assert list(world.uow.events) == []


def test_criteria_changes_record_before_and_after(world: World, pool: Autopooling) -> None:
    """AP2: saving criteria on a requisition records the old and new criteria."""
    world.requisition("r1", "Cashier", autopool=AutopoolCriteria())
    wider = AutopoolCriteria(exclude_hired_within_days=None)
    pool.set_requisition_criteria(REKA, RequisitionId("r1"), wider)
    (event,) = world.uow.events
    assert isinstance(event, AutopoolCriteriaSaved)
    assert (event.requisition_id, event.template_id) == ("r1", None)
    assert (event.previous, event.criteria) == (AutopoolCriteria(), wider)
    assert event.actor_id == REKA
    stored = event_to_dict(event)
    assert stored["criteria"] == autopool_to_dict(wider)
    assert json.loads(json.dumps(stored)) == stored


def test_template_criteria_and_new_requisitions_are_audited(
    world: World, pool: Autopooling
) -> None:
    """AP3: template criteria edits and requisitions opened from the template are events."""
    world.uow.templates.save(RequisitionTemplate(TemplateId("t"), "Store assistant"))
    criteria = AutopoolCriteria(exclude_in_selection_process=True)
    pool.set_template_criteria(REKA, TemplateId("t"), criteria)
    pool.open_requisition(TemplateId("t"), requisition_id=RequisitionId("r9"), title="Brno")
    saved, opened = world.uow.events
    assert isinstance(saved, AutopoolCriteriaSaved)
    assert (saved.template_id, saved.previous, saved.criteria) == ("t", None, criteria)
    assert isinstance(opened, RequisitionOpened)
    assert (opened.requisition_id, opened.template_id, opened.inherited_criteria) == (
        "r9",
        "t",
        True,
    )


def test_refused_criteria_change_leaves_no_event(world: World, pool: Autopooling) -> None:
    """AP2: without the permission nothing is saved and nothing recorded."""
    world.requisition("r1", "Cashier", autopool=AutopoolCriteria())
    with pytest.raises(PermissionDeniedError):
        pool.set_requisition_criteria(HANA, RequisitionId("r1"), None)
    assert world.uow.requisitions.get(RequisitionId("r1")).autopool == AutopoolCriteria()
    assert list(world.uow.events) == []
