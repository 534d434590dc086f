"""AP11: what a pool shows depends on who reads it, on every store.

Result rows, explanations and funnels say which viewer they are for. Another
requisition's title, its submission's status and step, and the dates of that
submission appear only for a viewer with ``VIEW_OTHER_APPLICATIONS``; anyone else
(and no viewer at all) reads "on another requisition". The candidates, their order
and the total are the same for every viewer.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from talentpool import Autopooling
from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.sql import SqlStore
from talentpool.clock import FixedClock
from talentpool.criteria import AutopoolCriteria
from talentpool.engine import Verdict
from talentpool.errors import NotFoundError
from talentpool.ids import UserId
from talentpool.model import AccountSettings, Permission, Role, SubmissionStatus, User
from talentpool.testing import World
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.strategies import TARGET_ID, WorldSpec, autopool_criteria, worlds

Store = Callable[[], FixtureStore]
_RUN = uuid.uuid4().hex[:8]
_ACCOUNTS = itertools.count(1)

WITH, WITHOUT = UserId("viewer-with"), UserId("viewer-without")
VIEWERS = (
    User(WITH, "Roman", Role.RECRUITER, {Permission.VIEW_OTHER_APPLICATIONS}),
    User(WITHOUT, "Marek", Role.HIRING_MANAGER),
)
_STATUS_WORDS = tuple(f"({s.value})" for s in SubmissionStatus)


def _memory() -> FixtureStore:
    return MemoryUnitOfWork()


def _sqlite() -> FixtureStore:
    return SqlStore("sqlite://").unit_of_work("acme")


@pytest.fixture(scope="module")
def postgres(postgres_url: str) -> Iterator[Store]:
    """New accounts on one store on the session's PostgreSQL server."""
    store = SqlStore(postgres_url, prefix="viewers_")
    yield lambda: store.unit_of_work(f"account-{_RUN}-{next(_ACCOUNTS)}")
    store.dispose()


def _reasons(verdict: Verdict) -> Iterator[tuple[str, bool]]:
    """Every reason of the verdict's tree, each with whether it is a leaf's own."""
    yield verdict.reason, not verdict.children
    for child in verdict.children:
        yield from _reasons(child)


def _loaded(make: Store, spec: WorldSpec, saved: AutopoolCriteria) -> Autopooling:
    uow = make()
    spec.load(uow)
    with uow:
        uow.settings.save(AccountSettings(autopool_enabled=True))
        for user in VIEWERS:
            uow.users.save(user)
        uow.requisitions.save(attrs.evolve(spec.target, autopool=saved))
        uow.commit()
    return Autopooling(uow, FixedClock(spec.now))


def _never_named(make: Store, spec: WorldSpec, saved: AutopoolCriteria) -> None:
    pool = _loaded(make, spec, saved)
    titles = [repr(r.title) for r in spec.requisitions.values()]
    shown = pool.results(TARGET_ID, viewer_id=WITH)
    for viewer in (WITHOUT, None):
        results = pool.results(TARGET_ID, viewer_id=viewer)
        assert (results.viewer_id, results.other_applications_shown) == (viewer, False)
        assert results.candidate_ids == shown.candidate_ids
        assert results.total == shown.total
        for row in results.rows:
            assert (row.latest_submission_at, row.last_activity_at) == (None, None)
        assert pool.funnel(TARGET_ID, viewer_id=viewer) == attrs.evolve(
            pool.funnel(TARGET_ID, viewer_id=WITH), viewer_id=viewer
        )
        for candidate in spec.candidates:
            why = pool.explain(TARGET_ID, candidate.id, viewer_id=viewer)
            assert (why.viewer_id, why.other_applications_shown) == (viewer, False)
            full = pool.explain(TARGET_ID, candidate.id, viewer_id=WITH)
            assert why.in_pool is full.in_pool
            assert [v.passed for v in why.verdicts] == [v.passed for v in full.verdicts]
            for verdict in (why.universe, *why.verdicts):
                for reason, leaf in _reasons(verdict):
                    assert not any(t in reason for t in titles), reason
                    assert " at step " not in reason, reason
                    assert not any(w in reason for w in _STATUS_WORDS), reason
                    # A composite joins its parts' reasons: a consent's "3 days ago" may
                    # then sit next to "on another requisition"; a leaf's may not.
                    if leaf and "requisition" in reason and (" ago" in reason or "today" in reason):
                        pytest.fail(f"a date of another application: {reason}")


_POOLS = (worlds(max_users=2), autopool_criteria(vocabulary=True))


@settings(max_examples=30)
@given(*_POOLS)
def test_ap11_without_the_permission_no_other_requisition_is_named_in_memory(
    spec: WorldSpec, saved: AutopoolCriteria
) -> None:
    """AP11 property: rows, explanations and funnels never name another requisition, its
    status or its dates for a viewer without the permission; the pool is the same."""
    _never_named(_memory, spec, saved)


@settings(max_examples=15)
@given(*_POOLS)
def test_ap11_without_the_permission_no_other_requisition_is_named_on_sqlite(
    spec: WorldSpec, saved: AutopoolCriteria
) -> None:
    """AP11 property, on SQLite."""
    _never_named(_sqlite, spec, saved)


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(*_POOLS)
def test_ap11_without_the_permission_no_other_requisition_is_named_on_postgres(
    postgres: Store, spec: WorldSpec, saved: AutopoolCriteria
) -> None:
    """AP11 property, on PostgreSQL."""
    _never_named(postgres, spec, saved)


# --- examples ---------------------------------------------------------------------------


def _busy(w: World) -> Autopooling:
    w.user("roman", "Roman", Role.RECRUITER, [Permission.VIEW_OTHER_APPLICATIONS])
    w.user("marek", "Marek")
    w.user("alena", "Alena", Role.ADMINISTRATOR)
    w.requisition("cook", "Cook, Brno")
    w.requisition("job", "Barista", autopool=AutopoolCriteria(exclude_in_selection_process=True))
    w.apply(w.candidate("eva", "Eva"), "cook", status=SubmissionStatus.IN_PROCESS)
    w.apply(w.candidate("jan", "Jan"), "cook", status=SubmissionStatus.WITHDRAWN)
    return Autopooling(w.uow, w.clock)


def test_ap11_a_viewer_with_the_permission_reads_the_requisition_named(
    any_world: World,
) -> None:
    """AP11: Roman, with the permission, and an administrator read the title and the dates."""
    pool = _busy(any_world)
    for viewer in (UserId("roman"), UserId("alena")):
        reason = pool.explain("job", "eva", viewer_id=viewer).failed[0].reason
        assert reason == "in a selection process on 'Cook, Brno' (in_process)"
        (row,) = pool.results("job", viewer_id=viewer).rows
        assert row.latest_submission_at == any_world.ago(20)


def test_ap11_a_viewer_without_it_reads_on_another_requisition(any_world: World) -> None:
    """AP11: Marek reads "on another requisition", and his row has no dates."""
    pool = _busy(any_world)
    why = pool.explain("job", "eva", viewer_id=UserId("marek"))
    assert why.failed[0].reason == "in a selection process on another requisition"
    results = pool.results("job", viewer_id=UserId("marek"))
    assert results.viewer_id == "marek"
    (row,) = results.rows
    assert (row.candidate_id, row.latest_submission_at, row.last_activity_at) == ("jan", None, None)
    assert pool.funnel("job", viewer_id=UserId("marek")).viewer_id == "marek"


def test_ap11_an_unknown_viewer_is_not_found(any_world: World) -> None:
    """AP11: a viewer must be a user of the account."""
    pool = _busy(any_world)
    for read in (
        lambda: pool.results("job", viewer_id=UserId("nobody")),
        lambda: pool.explain("job", "eva", viewer_id=UserId("nobody")),
        lambda: pool.funnel("job", viewer_id=UserId("nobody")),
    ):
        with pytest.raises(NotFoundError, match="'nobody'"):
            read()
