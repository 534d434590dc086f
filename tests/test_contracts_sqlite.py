"""ST3, ST4, EN4: the SQL store on SQLite passes every contract of the test kit.

Each contract is subclassed in one line, after :class:`SqliteStore`, exactly as a
host's adapter tests do; every test gets a new, empty in-memory SQLite database.
"""

from __future__ import annotations

from talentpool.adapters.sql import SqlStore, SqlUnitOfWork
from talentpool.adapters.sql.compiler import Dialect
from talentpool.testing import contracts


class SqliteStore(contracts.AdapterContract):
    """Stores for the contracts: a new, empty SQLite database each time."""

    def make_uow(self) -> SqlUnitOfWork:
        """Return a unit of work over an empty database."""
        return SqlStore("sqlite://").unit_of_work("acme")


class TestSqliteCandidates(SqliteStore, contracts.CandidateRepositoryContract): ...


class TestSqliteSubmissions(SqliteStore, contracts.SubmissionRepositoryContract): ...


class TestSqliteRequisitions(SqliteStore, contracts.RequisitionRepositoryContract): ...


class TestSqliteTemplates(SqliteStore, contracts.TemplateRepositoryContract): ...


class TestSqliteUsers(SqliteStore, contracts.UserRepositoryContract): ...


class TestSqliteStructures(SqliteStore, contracts.StructureRepositoryContract): ...


class TestSqliteQuickFilters(SqliteStore, contracts.QuickFilterRepositoryContract): ...


class TestSqliteSettings(SqliteStore, contracts.SettingsRepositoryContract): ...


class TestSqliteAttachments(SqliteStore, contracts.AttachmentRepositoryContract): ...


class TestSqliteRepoolingRules(SqliteStore, contracts.RepoolingRuleRepositoryContract): ...


class TestSqliteEvents(SqliteStore, contracts.EventLogContract): ...


class TestSqliteUnitOfWork(SqliteStore, contracts.UnitOfWorkContract): ...


class SqliteJoinedToAHost(contracts.AdapterContract):
    """Units of work joined to a host's open transaction on its own connection (ST3).

    Every block is then a savepoint inside the host's transaction: the unit of
    work's promises must hold there too.
    """

    def make_uow(self) -> SqlUnitOfWork:
        """Return a unit of work over an empty database, on a connection the host has begun."""
        store = SqlStore("sqlite://")
        connection = store.engine.connect()
        connection.begin()
        self.connections = [*getattr(self, "connections", []), connection]
        return store.unit_of_work("acme", connection=connection)

    def teardown_method(self) -> None:
        """The host ends its transactions: the test is over."""
        for connection in getattr(self, "connections", []):
            connection.close()


class TestSqliteUnitOfWorkJoinedToAHost(SqliteJoinedToAHost, contracts.UnitOfWorkContract): ...


class TestSqliteCandidateQueries(SqliteStore, contracts.CandidateQueryContract): ...


class TestSqlitePoolIds(SqliteStore, contracts.PoolIdsQueryContract): ...


class TestSqliteCandidateDatabase(SqliteStore, contracts.CandidateDatabaseQueryContract): ...


class TestSqliteResponses(SqliteStore, contracts.ResponsesQueryContract): ...


class TestSqliteIdleSubmissions(SqliteStore, contracts.IdleSubmissionsQueryContract): ...


class TestSqliteStructureTrees(SqliteStore, contracts.StructureTreesQueryContract): ...


class TestSqliteTrackers(SqliteStore, contracts.TrackersQueryContract): ...


class TestSqliteTagCounts(SqliteStore, contracts.TagCountsQueryContract): ...


class TestSqliteSubscriptions(SqliteStore, contracts.SubscriptionRepositoryContract): ...


class TestSqliteShares(SqliteStore, contracts.ShareRepositoryContract): ...


class TestSqliteVisibilityIndex(SqliteStore, contracts.VisibilityIndexContract): ...


class TestSqliteNotificationSettings(
    SqliteStore, contracts.NotificationSettingsRepositoryContract
): ...


class TestSqliteNotifications(SqliteStore, contracts.NotificationRepositoryContract): ...


class SqliteWithoutGeodesic(contracts.AdapterContract):
    """A database with no geodesic function, as PostgreSQL without PostGIS (ST3).

    A radius then compiles to its bounding box, the compiler reports the condition
    inexact, and the store decides the remaining rows with the reference matcher:
    the pool must still be exactly the reference's.
    """

    def make_uow(self) -> SqlUnitOfWork:
        """Return a unit of work over an empty database whose dialect has no distance."""
        store = SqlStore("sqlite://")
        store.dialect = Dialect(store.dialect.name)
        return store.unit_of_work("acme")


class TestSqliteRadiusDecidedOnTheRemainingRows(
    SqliteWithoutGeodesic, contracts.CandidateQueryContract
): ...


class TestSqlitePoolIdsDecidedOnTheRemainingRows(
    SqliteWithoutGeodesic, contracts.PoolIdsQueryContract
): ...


def test_st3_a_radius_without_geodesic_is_inexact_and_decided_on_the_rows() -> None:
    """The fallback is taken: the compiler says inexact for a radius, exact without one."""
    from datetime import UTC, datetime

    from talentpool.adapters.sql.compiler import Compiler
    from talentpool.criteria import Keywords, ResidenceWithin
    from talentpool.geo import GeoPoint
    from talentpool.model import Requisition
    from talentpool.queries import CandidateQuery

    store = SqlStore("sqlite://")
    now = datetime(2026, 11, 2, tzinfo=UTC)
    job = Requisition("job", "Cashier", now, primary_location=GeoPoint(49.2, 16.6))
    bare = Compiler(store.schema, "acme", Dialect("sqlite"))
    near = CandidateQuery(job, now, ResidenceWithin(25) | Keywords("cashier")).bound({})
    assert not bare.compile(near).exact
    assert bare.compile(CandidateQuery(job, now, Keywords("cashier")).bound({})).exact
    full = Compiler(store.schema, "acme", store.dialect)
    assert full.compile(near).exact


def test_st3_two_keyword_criteria_in_one_statement_keep_their_own_words() -> None:
    """Each full-text condition binds its own words, however many a tree holds (AP4)."""
    from datetime import UTC, datetime

    from talentpool.criteria import Keywords
    from talentpool.model import Candidate
    from talentpool.queries import CandidateDatabaseQuery, Viewer

    now = datetime(2026, 11, 2, tzinfo=UTC)
    uow = SqlStore("sqlite://").unit_of_work("acme")
    with uow:
        for cid, text in (("a", "cashier"), ("b", ""), ("c", "C++"), ("d", "C++ cashier")):
            uow.candidates.save(Candidate(cid, "Eva", "Nováková", now, text=text))
        everyone = Viewer("admin", whole_database=True)
        query = CandidateDatabaseQuery(everyone, now, Keywords("C++") & ~Keywords("cashier"))
        assert uow.candidates.search(query).candidate_ids == ("c",)


class TestSqliteDigestQueue(SqliteStore, contracts.DigestQueueContract): ...


class TestSqliteCandidateEraser(SqliteStore, contracts.CandidateEraserContract): ...


class TestSqlitePoolAlerts(SqliteStore, contracts.PoolAlertContract): ...
