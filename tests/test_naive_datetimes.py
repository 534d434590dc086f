"""DM3: every public entry point that takes a datetime refuses a naive one, naming it.

The enumeration is discovered, not listed by hand: every attrs class a public
module exports is walked for datetime fields, and every public function and
method for datetime parameters. A new one that is not covered here fails
:func:`test_dm3_every_datetime_parameter_is_covered`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

import talentpool
from talentpool import clock as clock_module
from talentpool import validators
from talentpool.actions import AutopoolActions
from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.memory_columns import SubmissionTable
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.autopool import Autopooling
from talentpool.autopool.alerts import heard_this_period
from talentpool.autopool.templates import requisition_from_template
from talentpool.clock import FixedClock, SystemClock
from talentpool.criteria import AutopoolCriteria
from talentpool.demo.story import load_demo
from talentpool.engine.bind import EvaluationContext
from talentpool.errors import DomainError
from talentpool.ids import CandidateId, RequisitionId, TemplateId, UserId
from talentpool.micropools import MicroPools
from talentpool.micropools.outgoing import raise_notification
from talentpool.model import Candidate, Consent, RequisitionTemplate, Role, Submission
from talentpool.notifications import (
    DeliveryMode,
    Notification,
    NotificationChannel,
    NotificationSettings,
    NotificationType,
    digest_due,
)
from talentpool.repooling import Repooling, idle_beyond
from talentpool.results import row_of
from talentpool.testing import World
from talentpool.testing.contracts.queries import IdleSubmissionsQueryContract
from talentpool.visibility import Visibility

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NAIVE = datetime(2026, 11, 2, 9, 0)
EMAIL = NotificationChannel.EMAIL


def _public_modules() -> Iterator[Any]:
    yield talentpool
    for info in pkgutil.walk_packages(talentpool.__path__, "talentpool."):
        yield importlib.import_module(info.name)


def _exports() -> dict[str, object]:
    """Every name a public module lists in ``__all__``, by qualified name, each once."""
    found: dict[str, object] = {}
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            qualified = f"{getattr(obj, '__module__', module.__name__)}.{name}"
            if getattr(obj, "__qualname__", name) == name:
                found.setdefault(qualified, obj)
    return found


def _mentions_datetime(hint: object) -> bool:
    return hint is datetime or datetime in typing.get_args(hint)


def _datetime_fields() -> list[tuple[type, attrs.Attribute[Any]]]:
    fields = []
    for obj in _exports().values():
        if inspect.isclass(obj) and attrs.has(obj):
            hints = typing.get_type_hints(obj)
            fields += [(obj, a) for a in attrs.fields(obj) if _mentions_datetime(hints.get(a.name))]
    return fields


def _datetime_parameters() -> set[str]:
    """``module.function:param`` and ``module.Class.method:param`` for every datetime parameter."""
    found: set[str] = set()

    def add(prefix: str, function: Callable[..., object]) -> None:
        # annotations are strings (postponed evaluation); some name attrs.Attribute[...],
        # which typing.get_type_hints cannot evaluate, so match the annotation text
        for p in inspect.signature(function).parameters.values():
            if re.search(r"\bdatetime\b", str(p.annotation)):
                found.add(f"{prefix}:{p.name}")

    for qualified, obj in _exports().items():
        if inspect.isfunction(obj):
            add(qualified, obj)
        elif inspect.isclass(obj) and not getattr(obj, "_is_protocol", False):
            for name, member in vars(obj).items():
                if not name.startswith("_") and inspect.isfunction(member):
                    add(f"{qualified}.{name}", member)
    return found


FIELDS = _datetime_fields()


def test_dm3_the_walk_finds_the_known_datetime_fields() -> None:
    """The discovery works: it finds fields the defect report named."""
    names = {f"{cls.__name__}.{a.name}" for cls, a in FIELDS}
    assert {
        "PoolRow.latest_submission_at",
        "PoolRow.last_activity_at",
        "RepoolingReport.ran_at",
        "RepoolingChange.last_activity_at",
        "ApplicationSummary.submitted_at",
        "EvaluationContext.now",
        "SubmissionInactivated.occurred_at",
        "Consent.expires_at",
    } <= names


@pytest.mark.parametrize(
    ("cls", "attribute"), FIELDS, ids=[f"{c.__name__}.{a.name}" for c, a in FIELDS]
)
def test_dm3_every_datetime_field_refuses_a_naive_one(
    cls: type, attribute: attrs.Attribute[Any]
) -> None:
    """DM3: each attrs datetime field of a public class has a validator refusing naive values."""
    assert attribute.validator is not None, f"{cls.__name__}.{attribute.name} is not validated"
    with pytest.raises(DomainError) as caught:
        attribute.validator(None, attribute, NAIVE)
    assert caught.value.field == attribute.name
    assert "naive" in str(caught.value)


def _submission(**changes: Any) -> Submission:
    world = World(NOW)
    world.requisition("job")
    world.candidate("c")
    return attrs.evolve(world.apply("c", "job"), **changes)


@attrs.define
class _Holder:
    value: datetime


_VALUE = attrs.fields(_Holder).value
_TEMPLATE = RequisitionTemplate(TemplateId("t"), "Template")
_CANDIDATE = Candidate(CandidateId("c"), "Eva", "Nová", NOW)


def _note() -> Notification:
    kind = NotificationType.NEW_CANDIDATE_IN_MICRO_POOL
    return Notification("n", "u", kind, NOW, "c", "Eva", ["Praha"])  # type: ignore[arg-type]


#: how to call each entry point with a naive datetime for the parameter named
CALLS: dict[str, Callable[[], object]] = {
    "talentpool.clock.days_between:earlier": lambda: clock_module.days_between(NAIVE, NOW),
    "talentpool.clock.days_between:later": lambda: clock_module.days_between(NOW, NAIVE),
    "talentpool.clock.utc:moment": lambda: clock_module.utc(NAIVE),
    "talentpool.clock.window_start:now": lambda: clock_module.window_start(NAIVE, 7),
    "talentpool.clock.within_last_days:instant": lambda: clock_module.within_last_days(
        NAIVE, NOW, 7
    ),
    "talentpool.clock.within_last_days:now": lambda: clock_module.within_last_days(NOW, NAIVE, 7),
    "talentpool.clock.require_aware:value": lambda: clock_module.require_aware("value", NAIVE),
    "talentpool.validators.aware:value": lambda: validators.aware(None, _VALUE, NAIVE),
    "talentpool.validators.aware_or_none:value": lambda: validators.aware_or_none(
        None, _VALUE, NAIVE
    ),
    "talentpool.clock.micros:moment": lambda: clock_module.micros(NAIVE),
    "talentpool.adapters.memory_columns.SubmissionTable.idle:before": (
        lambda: SubmissionTable().idle(NAIVE)
    ),
    "talentpool.demo.story.load_demo:now": lambda: load_demo(MemoryUnitOfWork(), NAIVE),
    "talentpool.testing.contracts.queries.IdleSubmissionsQueryContract.idle:before": (
        lambda: IdleSubmissionsQueryContract.idle(None, MemoryUnitOfWork(), NAIVE)  # type: ignore[arg-type]
    ),
    "talentpool.clock.FixedClock.set:when": lambda: FixedClock(NOW).set(NAIVE),
    "talentpool.notifications.digest_due:raised_at": lambda: digest_due(DeliveryMode.HOURLY, NAIVE),
    "talentpool.adapters.memory_micropools.MemoryDigestQueue.due:now": (
        lambda: MemoryUnitOfWork().digests.due(NAIVE, NOW)
    ),
    "talentpool.adapters.memory_micropools.MemoryDigestQueue.due:stale_before": (
        lambda: MemoryUnitOfWork().digests.due(NOW, NAIVE)
    ),
    "talentpool.adapters.memory_micropools.MemoryDigestQueue.claim:now": (
        lambda: MemoryUnitOfWork().digests.claim(UserId("u"), EMAIL, "d", NAIVE, NOW)
    ),
    "talentpool.adapters.memory_micropools.MemoryDigestQueue.claim:stale_before": (
        lambda: MemoryUnitOfWork().digests.claim(UserId("u"), EMAIL, "d", NOW, NAIVE)
    ),
    "talentpool.model.Consent.is_valid:now": lambda: Consent(NOW).is_valid(NAIVE),
    "talentpool.adapters.memory_alerts.MemoryAlerts.enter:at": (
        lambda: MemoryUnitOfWork().alerts.enter(
            RequisitionId("r"), [CandidateId("c")], NAIVE, announced=True
        )
    ),
    "talentpool.adapters.memory_alerts.MemoryAlerts.prune:before": (
        lambda: MemoryUnitOfWork().alerts.prune(NAIVE)
    ),
    "talentpool.adapters.memory_alerts.MemoryAlerts.leave:at": (
        lambda: MemoryUnitOfWork().alerts.leave(RequisitionId("r"), [CandidateId("c")], NAIVE)
    ),
    "talentpool.autopool.alerts.heard_this_period:last_announced": (
        lambda: heard_this_period(
            NotificationSettings(UserId("u")), NAIVE, NOW, slack_integrated=False
        )
    ),
    "talentpool.autopool.alerts.heard_this_period:now": (
        lambda: heard_this_period(
            NotificationSettings(UserId("u")), NOW, NAIVE, slack_integrated=False
        )
    ),
    "talentpool.adapters.memory_alerts.MemoryAlerts.reset:at": (
        lambda: MemoryUnitOfWork().alerts.reset(RequisitionId("r"), "k", [], NAIVE)
    ),
    "talentpool.micropools.outgoing.raise_notification:now": (
        lambda: raise_notification(
            MemoryUnitOfWork(), _note(), NotificationSettings(UserId("u")), NAIVE
        )
    ),
    "talentpool.model.Submission.is_expired:now": lambda: _submission().is_expired(NAIVE),
    "talentpool.model.Submission.is_active:now": lambda: _submission().is_active(NAIVE),
    "talentpool.repooling.idle_beyond:now": lambda: idle_beyond(_submission(), 7, NAIVE),
    "talentpool.results.row_of:latest_submission_at": (
        lambda: row_of(_CANDIDATE, EvaluationContext(None, NOW), NAIVE, None)
    ),
    "talentpool.results.row_of:last_activity_at": (
        lambda: row_of(_CANDIDATE, EvaluationContext(None, NOW), None, NAIVE)
    ),
    "talentpool.autopool.templates.requisition_from_template:created_at": (
        lambda: requisition_from_template(
            _TEMPLATE, requisition_id=RequisitionId("r"), title="Job", created_at=NAIVE
        )
    ),
}

#: datetime parameters that take naive values on purpose
NOT_INSTANTS = {
    # hypothesis.strategies.datetimes takes naive bounds; the values drawn are aware
    "talentpool.testing.strategies.aware_datetimes:min_value",
    "talentpool.testing.strategies.aware_datetimes:max_value",
}


def test_dm3_every_datetime_parameter_is_covered() -> None:
    """Every public function or method with a datetime parameter is checked below."""
    assert _datetime_parameters() - NOT_INSTANTS == set(CALLS)


@pytest.mark.parametrize("entry", sorted(CALLS))
def test_dm3_every_datetime_parameter_refuses_a_naive_one(entry: str) -> None:
    """DM3: a naive datetime is refused with DomainError naming the argument."""
    with pytest.raises(DomainError) as caught:
        CALLS[entry]()
    assert caught.value.field == entry.rpartition(":")[2]
    assert "naive" in str(caught.value)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda: Consent(NOW, expires_at=NOW + timedelta(days=1)).is_valid(NAIVE),
            id="consent-expires",
        ),
        pytest.param(
            lambda: Consent(NOW, withdrawn_at=NOW).is_valid(NAIVE), id="consent-withdrawn"
        ),
        pytest.param(
            lambda: _submission(expires_at=NOW + timedelta(days=1)).is_expired(NAIVE),
            id="submission-expires",
        ),
    ],
)
def test_dm3_checks_name_the_argument_not_an_internal_one(call: Callable[[], object]) -> None:
    """DM3: with an expiry or a withdrawal set, the error still names "now", not "moment"."""
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.field == "now"


# --- clocks ---------------------------------------------------------------------------------


def test_dm3_system_clock_needs_a_zone() -> None:
    """DM3: ``SystemClock(tz=None)`` would say naive instants; it is refused when made."""
    with pytest.raises(DomainError) as caught:
        SystemClock(tz=None)  # type: ignore[arg-type]
    assert caught.value.field == "tz"
    with pytest.raises(DomainError):
        SystemClock(tz="Europe/Prague")  # type: ignore[arg-type]


class NaiveClock:
    """A host clock that gets it wrong."""

    def now(self) -> datetime:
        return NAIVE


def _world() -> World:
    world = World(NOW)
    world.user("admin", role=Role.ADMINISTRATOR)
    world.user("hm")
    job = world.requisition("job")
    world.uow.requisitions.save(attrs.evolve(job, autopool=AutopoolCriteria()))
    return world


ADMIN = UserId("admin")

SERVICES: dict[str, Callable[[World, NaiveClock], object]] = {
    "autopooling": lambda w, c: Autopooling(w.uow, c).results(RequisitionId("job")),
    "autopooling-settings": lambda w, c: Autopooling(w.uow, c).set_enabled(ADMIN, True),
    "actions": lambda w, c: AutopoolActions(w.uow, c, w.ids).set_match_and_reject_enabled(
        ADMIN, True
    ),
    "repooling": lambda w, c: Repooling(w.uow, c).run(),
    "visibility": lambda w, c: Visibility(w.uow, c).visible_candidates(UserId("hm")),
    "micropools": lambda w, c: MicroPools(w.uow, c, w.ids, MemoryOutbox()).subscribe(
        ADMIN, UserId("hm"), "barista"
    ),
}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_dm3_a_host_clock_saying_naive_instants_is_refused_at_the_service(service: str) -> None:
    """DM3: a naive "now" from the host's clock is refused at once, naming the clock argument."""
    world = _world()
    with pytest.raises(DomainError) as caught:
        SERVICES[service](world, NaiveClock())
    assert caught.value.field == "clock"
    assert "naive" in str(caught.value)
