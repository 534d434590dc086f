"""ST3, ST4, EN4: the SQL store on SQLite passes every contract of the test kit.

Each contract is subclassed in one line, after :class:`SqliteStore`, exactly as a
host's adapter tests do; every test gets a new, empty in-memory SQLite database.
"""

from __future__ import annotations

from talentpool.adapters.sql import SqlStore, SqlUnitOfWork
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


class TestSqliteCandidateQueries(SqliteStore, contracts.CandidateQueryContract): ...


class TestSqlitePoolIds(SqliteStore, contracts.PoolIdsQueryContract): ...


class TestSqliteCandidateDatabase(SqliteStore, contracts.CandidateDatabaseQueryContract): ...


class TestSqliteResponses(SqliteStore, contracts.ResponsesQueryContract): ...


class TestSqliteIdleSubmissions(SqliteStore, contracts.IdleSubmissionsQueryContract): ...


class TestSqliteStructureTrees(SqliteStore, contracts.StructureTreesQueryContract): ...


class TestSqliteTrackers(SqliteStore, contracts.TrackersQueryContract): ...


class TestSqliteTagCounts(SqliteStore, contracts.TagCountsQueryContract): ...


class TestSqliteSubscriptions(SqliteStore, contracts.SubscriptionRepositoryContract): ...


class TestSqliteVisibilityIndex(SqliteStore, contracts.VisibilityIndexContract): ...


class TestSqliteNotificationSettings(
    SqliteStore, contracts.NotificationSettingsRepositoryContract
): ...


class TestSqliteNotifications(SqliteStore, contracts.NotificationRepositoryContract): ...
