"""Domain events in one place, and their stored form read back (MP9, ST1).

Every event the package defines lives in :mod:`talentpool.events`, and
:func:`~talentpool.audit.event_from_dict` reads back exactly what
:func:`~talentpool.audit.event_to_dict` wrote, for every one of them; anything
else is one :class:`~talentpool.errors.CriteriaError` naming the path of the fault.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import talentpool
from talentpool import audit, events, micropools, model, visibility
from talentpool.audit import event_from_dict, event_to_dict
from talentpool.criteria import AutopoolCriteria, QuickFilter, ResidenceWithin, SpeaksLanguage
from talentpool.errors import CriteriaError
from talentpool.events import (
    EVENT_TYPES,
    AutopoolCriteriaSaved,
    CandidateFileViewed,
    DomainEvent,
    QuickFilterSaved,
    RepoolingRuleSaved,
    SubmissionInactivated,
    TagShareCause,
    TagShareGranted,
)
from talentpool.ids import (
    CandidateId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    UserId,
)
from talentpool.model import AccessLevel, RepoolingRule, SubmissionStatus, Tag
from talentpool.testing.strategies import domain_events, json_values, mutated_documents

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PRAGUE = ZoneInfo("Europe/Prague")


def _package_events() -> list[type[DomainEvent]]:
    """Every ``DomainEvent`` subclass the package defines (tests define their own too)."""
    found: list[type[DomainEvent]] = []
    pending = list(DomainEvent.__subclasses__())
    while pending:
        kind = pending.pop()
        pending.extend(kind.__subclasses__())
        if kind.__module__.split(".")[0] == "talentpool":
            found.append(kind)
    return sorted(found, key=lambda k: k.__name__)


PACKAGE_EVENTS = _package_events()


def _stored(event: DomainEvent) -> Any:
    """The event as a host's JSON column gives it back."""
    return json.loads(json.dumps(event_to_dict(event)))


# --- one place ----------------------------------------------------------------------------


def test_every_event_lives_in_the_events_module() -> None:
    assert [k for k in PACKAGE_EVENTS if k.__module__ != "talentpool.events"] == []
    assert TagShareCause.__module__ == "talentpool.events"


def test_the_catalogue_holds_every_event_sorted_by_name() -> None:
    assert list(EVENT_TYPES) == PACKAGE_EVENTS
    assert len({k.__name__ for k in EVENT_TYPES}) == len(EVENT_TYPES)


def test_the_old_import_locations_still_work() -> None:
    """audit, micropools, visibility and the package re-export what moved."""
    for name in audit.__all__:
        if name[0].isupper():
            assert getattr(audit, name) is getattr(events, name), name
    moved = ("SubscriptionAdded", "SubscriptionRemoved", "TagShareCause", "TagShareGranted")
    for name in (*moved, "TagShareRevoked"):
        assert getattr(micropools, name) is getattr(events, name), name
    assert visibility.AccessLevel is model.AccessLevel is talentpool.AccessLevel
    for kind in EVENT_TYPES:
        assert getattr(talentpool, kind.__name__) is kind
        assert kind.__name__ in talentpool.__all__
    assert talentpool.event_from_dict is event_from_dict
    assert "event_from_dict" in talentpool.__all__


def test_the_strategies_refuse_an_event_they_do_not_know() -> None:
    """A new event without a strategy fails loudly instead of going untested."""

    @attrs.frozen(kw_only=True)
    class Unheard(DomainEvent):
        """An event no strategy was written for."""

    with pytest.raises(ValueError, match="no strategy for Unheard"):
        domain_events(Unheard)


# --- the round trip ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PACKAGE_EVENTS, ids=lambda k: k.__name__)
@given(data=st.data())
def test_every_event_reads_back_equal_mp9(kind: type[DomainEvent], data: st.DataObject) -> None:
    """MP9: a stored event of any type reads back to the event, and to the same document."""
    event = data.draw(domain_events(kind), label="event")
    assert type(event) is kind
    stored = _stored(event)
    back = event_from_dict(stored)
    assert back == event
    assert event_to_dict(back) == stored  # offsets, labels and order of fields all kept


@given(domain_events())
def test_any_event_reads_back_equal(event: DomainEvent) -> None:
    assert event_from_dict(_stored(event)) == event


def test_a_datetime_keeps_its_offset() -> None:
    new_york = datetime(2026, 7, 1, 8, 30, tzinfo=ZoneInfo("America/New_York"))
    event = TagShareGranted(
        occurred_at=new_york,
        actor_id=None,
        user_id=UserId("hana"),
        candidate_id=CandidateId("petra"),
        micro_pool=Tag(" Call  centre "),
        cause=TagShareCause.TAGGED,
        level_after=AccessLevel.TAG_SHARE,
    )
    back = event_from_dict(_stored(event))
    assert isinstance(back, TagShareGranted)
    assert back.occurred_at.utcoffset() == timedelta(hours=-4)
    assert back.occurred_at.isoformat() == "2026-07-01T08:30:00-04:00"
    assert back.micro_pool.label == "Call centre"


def test_an_event_in_the_repeated_autumn_hour_reads_back_equal() -> None:
    """Python's ``==`` is false across zones in a repeated hour; events compare instants."""
    second_half_past_two = datetime(2026, 10, 25, 2, 30, tzinfo=PRAGUE, fold=1)
    event = SubmissionInactivated(
        occurred_at=second_half_past_two,
        actor_id=None,
        reason="idle",
        submission_id=SubmissionId("s-1"),
        candidate_id=CandidateId("petra"),
        requisition_id=RequisitionId("cook"),
        rule_id=RepoolingRuleId("stale"),
        previous_status=SubmissionStatus.NEW,
        last_activity_at=datetime(2026, 10, 25, 2, 30, tzinfo=PRAGUE),
        idle_days=40,
    )
    stored = _stored(event)
    # the offset says which of the two half past twos; the zone keeps the named zone
    assert stored["occurred_at"] == "2026-10-25T02:30:00+01:00[Europe/Prague]"
    assert stored["last_activity_at"] == "2026-10-25T02:30:00+02:00[Europe/Prague]"
    back = event_from_dict(stored)
    assert back == event
    assert back != attrs.evolve(event, occurred_at=datetime(2026, 10, 25, 2, 30, tzinfo=PRAGUE))


def test_nested_entities_and_criteria_read_back() -> None:
    rule = RepoolingRule(RepoolingRuleId("stale"), "Stale", 30, locations=["praha", "brno"])
    saved = RepoolingRuleSaved(
        occurred_at=NOW, actor_id=UserId("eva"), rule=rule, previous=attrs.evolve(rule, name="Old")
    )
    criteria = AutopoolCriteria(
        radius=ResidenceWithin(25), exclude_hired_within_days=None, advanced=SpeaksLanguage("de")
    )
    changed = AutopoolCriteriaSaved(
        occurred_at=NOW,
        actor_id=UserId("eva"),
        requisition_id=RequisitionId("barista"),
        criteria=criteria,
        previous=None,
    )
    quick = QuickFilterSaved(
        occurred_at=NOW,
        actor_id=UserId("eva"),
        quick_filter=QuickFilter(QuickFilterId("de"), "German", SpeaksLanguage("de")),
    )
    for event in (saved, changed, quick):
        assert event_from_dict(_stored(event)) == event


def test_a_field_with_a_default_may_be_absent() -> None:
    """A field an event type gains later, with a default, does not break older documents."""
    stored = _stored(
        AutopoolCriteriaSaved(
            occurred_at=NOW,
            actor_id=None,
            template_id=None,
            requisition_id=RequisitionId("barista"),
            criteria=None,
            previous=None,
        )
    )
    del stored["reason"], stored["template_id"]
    back = event_from_dict(stored)
    assert isinstance(back, AutopoolCriteriaSaved)
    assert (back.reason, back.template_id) == ("", None)


# --- bad documents -------------------------------------------------------------------------

GRANTED = _stored(
    TagShareGranted(
        occurred_at=NOW,
        actor_id=UserId("admin"),
        reason="tagged 'Praha'",
        user_id=UserId("hana"),
        candidate_id=CandidateId("petra"),
        micro_pool=Tag("Praha"),
        cause=TagShareCause.TAGGED,
        level_after=AccessLevel.TAG_SHARE,
    )
)
VIEWED = _stored(
    CandidateFileViewed(
        occurred_at=NOW,
        actor_id=UserId("hana"),
        candidate_id=CandidateId("petra"),
        requisition_id=RequisitionId("barista"),
        other_applications_shown=False,
    )
)
RULE_SAVED = _stored(
    RepoolingRuleSaved(
        occurred_at=NOW,
        actor_id=UserId("eva"),
        rule=RepoolingRule(RepoolingRuleId("stale"), "Stale", 30),
        previous=None,
    )
)
CRITERIA_SAVED = _stored(
    AutopoolCriteriaSaved(
        occurred_at=NOW,
        actor_id=UserId("eva"),
        requisition_id=RequisitionId("barista"),
        criteria=AutopoolCriteria(),
        previous=None,
    )
)


def _with(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**doc, **changes}


def _without(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != key}


def _rule(**changes: Any) -> dict[str, Any]:
    return _with(RULE_SAVED, rule={**RULE_SAVED["rule"], **changes})


BAD: list[tuple[str, Any, str, str]] = [
    ("not an object", ["TagShareGranted"], "document", "must be an object"),
    ("no type", _without(GRANTED, "event"), "event", "is required"),
    ("unknown type", _with(GRANTED, event="TagShareLent"), "event", "unknown event type"),
    ("type not a string", _with(GRANTED, event=7), "event", "unknown event type"),
    ("unknown field", _with(GRANTED, colour="red"), "colour", "unknown field"),
    ("blank unknown field", {**GRANTED, " ": 1}, "' '", "unknown field"),
    ("missing field", _without(GRANTED, "candidate_id"), "candidate_id", "is required"),
    ("id not a string", _with(GRANTED, user_id=5), "user_id", "must be a string"),
    ("reason not a string", _with(GRANTED, reason=None), "reason", "must be a string"),
    ("not a datetime", _with(GRANTED, occurred_at="yesterday"), "occurred_at", "ISO 8601"),
    ("epoch seconds", _with(GRANTED, occurred_at=1_793_610_000), "occurred_at", "ISO 8601"),
    (
        "naive datetime",
        _with(GRANTED, occurred_at="2026-11-02T09:00:00"),
        "occurred_at",
        "UTC offset",
    ),
    ("unknown cause", _with(GRANTED, cause="borrowed"), "cause", "must be one of"),
    ("enum by name", _with(GRANTED, level_after="TAG_SHARE"), "level_after", "must be one of"),
    ("tag not an object", _with(GRANTED, micro_pool="Praha"), "micro_pool", "must be an object"),
    ("blank tag", _with(GRANTED, micro_pool={"label": " "}), "micro_pool", "must not be blank"),
    ("tag without label", _with(GRANTED, micro_pool={}), "micro_pool.label", "is required"),
    ("another type's fields", _with(GRANTED, event="CandidateFileViewed"), "user_id", "unknown"),
    (
        "flag not a bool",
        _with(VIEWED, other_applications_shown="false"),
        "other_applications_shown",
        "must be true or false",
    ),
    ("rule days zero", _rule(inactive_after_days=0), "rule.inactive_after_days", ">= 1"),
    (
        "rule days a bool",
        _rule(inactive_after_days=True),
        "rule.inactive_after_days",
        "whole number",
    ),
    ("rule blank name", _rule(name=""), "rule.name", "non-blank"),
    ("rule closed status", _rule(statuses=["rejected"]), "rule.statuses", "open statuses"),
    ("rule status unknown", _rule(statuses=["new", 1]), "rule.statuses[1]", "must be one of"),
    ("rule nodes not a list", _rule(locations="praha"), "rule.locations", "must be a list"),
    ("rule unknown field", _rule(owner="eva"), "rule.owner", "unknown field"),
    (
        "criteria out of range",
        _with(CRITERIA_SAVED, criteria={"schema": 1, "autopool": {"radius": {"distance": 0}}}),
        "criteria.autopool.radius.distance",
        "must be a number > 0",
    ),
    (
        "criteria of another version",
        _with(CRITERIA_SAVED, criteria={"schema": 2, "autopool": {}}),
        "criteria.schema",
        "unsupported version",
    ),
    (
        "criteria not a document",
        _with(CRITERIA_SAVED, criteria=[]),
        "criteria",
        "must be an object",
    ),
]


@pytest.mark.parametrize(("doc", "path", "reason"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_document_names_the_path_of_its_fault(doc: Any, path: str, reason: str) -> None:
    with pytest.raises(CriteriaError) as caught:
        event_from_dict(doc)
    assert caught.value.path == path
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{path}: ")


def _value_or_criteria_error(read: Callable[[Any], object], doc: Any) -> None:
    try:
        value = read(doc)
    except CriteriaError as e:
        error = e
    else:
        assert isinstance(value, DomainEvent)
        return
    assert error.path.strip()
    assert error.reason


@given(mutated_documents(domain_events().map(event_to_dict)))
def test_a_stored_event_with_one_thing_broken_gives_an_event_or_criteria_error(doc: Any) -> None:
    """No KeyError, TypeError or ValueError escapes, whatever was broken."""
    _value_or_criteria_error(event_from_dict, doc)


@given(
    st.sampled_from([k.__name__ for k in EVENT_TYPES]),
    st.dictionaries(st.sampled_from(["occurred_at", "rule", "criteria", "tag"]), json_values()),
)
def test_any_json_body_gives_an_event_or_criteria_error(name: str, body: dict[str, Any]) -> None:
    _value_or_criteria_error(event_from_dict, {"event": name, **body})
    _value_or_criteria_error(event_from_dict, body)
