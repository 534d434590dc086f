"""ST5, ST4, EN4: the SQL store on a real PostgreSQL server passes every contract of the test kit.

The server is the session's (``postgres_url``, started by the tests themselves
when CI or a developer has not named one). One store serves the whole module;
each contract test gets a new account in it, so the suite also shows that an
account sees nothing of the others (ST6).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest

from talentpool.adapters.sql import SqlStore, SqlUnitOfWork
from talentpool.testing import contracts

_RUN = uuid.uuid4().hex[:8]  # a server named by TALENTPOOL_TEST_POSTGRES may outlive a run
_ACCOUNTS = itertools.count(1)


@pytest.fixture(scope="module")
def postgres_store(postgres_url: str) -> Iterator[SqlStore]:
    """One store on the server for the module's tests."""
    store = SqlStore(postgres_url, prefix="contracts_")
    yield store
    store.dispose()


class PostgresStore(contracts.AdapterContract):
    """Stores for the contracts: a new, empty account on the PostgreSQL server each time."""

    postgres: SqlStore

    @pytest.fixture(autouse=True)
    def _on_the_server(self, postgres_store: SqlStore) -> None:
        type(self).postgres = postgres_store

    def make_uow(self) -> SqlUnitOfWork:
        """Return a unit of work over an account nobody has written to."""
        return self.postgres.unit_of_work(f"account-{_RUN}-{next(_ACCOUNTS)}")


class TestPostgresAttachmentRepository(PostgresStore, contracts.AttachmentRepositoryContract): ...


class TestPostgresCandidateDatabaseQuery(
    PostgresStore, contracts.CandidateDatabaseQueryContract
): ...


class TestPostgresCandidateQuery(PostgresStore, contracts.CandidateQueryContract): ...


class TestPostgresCandidateRepository(PostgresStore, contracts.CandidateRepositoryContract): ...


class TestPostgresEventLog(PostgresStore, contracts.EventLogContract): ...


class TestPostgresIdleSubmissionsQuery(PostgresStore, contracts.IdleSubmissionsQueryContract): ...


class TestPostgresNotificationRepository(
    PostgresStore, contracts.NotificationRepositoryContract
): ...


class TestPostgresNotificationSettingsRepository(
    PostgresStore, contracts.NotificationSettingsRepositoryContract
): ...


class TestPostgresPoolIdsQuery(PostgresStore, contracts.PoolIdsQueryContract): ...


class TestPostgresQuickFilterRepository(PostgresStore, contracts.QuickFilterRepositoryContract): ...


class TestPostgresRepoolingRuleRepository(
    PostgresStore, contracts.RepoolingRuleRepositoryContract
): ...


class TestPostgresRequisitionRepository(PostgresStore, contracts.RequisitionRepositoryContract): ...


class TestPostgresResponsesQuery(PostgresStore, contracts.ResponsesQueryContract): ...


class TestPostgresSettingsRepository(PostgresStore, contracts.SettingsRepositoryContract): ...


class TestPostgresStructureRepository(PostgresStore, contracts.StructureRepositoryContract): ...


class TestPostgresStructureTreesQuery(PostgresStore, contracts.StructureTreesQueryContract): ...


class TestPostgresSubmissionRepository(PostgresStore, contracts.SubmissionRepositoryContract): ...


class TestPostgresSubscriptionRepository(
    PostgresStore, contracts.SubscriptionRepositoryContract
): ...


class TestPostgresShareRepository(PostgresStore, contracts.ShareRepositoryContract): ...


class TestPostgresTagCountsQuery(PostgresStore, contracts.TagCountsQueryContract): ...


class TestPostgresTemplateRepository(PostgresStore, contracts.TemplateRepositoryContract): ...


class TestPostgresTrackersQuery(PostgresStore, contracts.TrackersQueryContract): ...


class TestPostgresUnitOfWork(PostgresStore, contracts.UnitOfWorkContract): ...


class PostgresJoinedToAHost(PostgresStore):
    """Units of work joined to a host's open transaction on the server (ST3, ST5)."""

    def make_uow(self) -> SqlUnitOfWork:
        """Return a unit of work over a new account, on a connection the host has begun."""
        connection = self.postgres.engine.connect()
        connection.begin()
        self.connections = [*getattr(self, "connections", []), connection]
        account = f"account-{_RUN}-{next(_ACCOUNTS)}"
        return self.postgres.unit_of_work(account, connection=connection)

    def teardown_method(self) -> None:
        """The host ends its transactions (rolled back: nothing of the test stays)."""
        for connection in getattr(self, "connections", []):
            connection.close()


class TestPostgresUnitOfWorkJoinedToAHost(PostgresJoinedToAHost, contracts.UnitOfWorkContract): ...


class TestPostgresUserRepository(PostgresStore, contracts.UserRepositoryContract): ...


class TestPostgresVisibilityIndex(PostgresStore, contracts.VisibilityIndexContract): ...


class TestPostgresDigestQueue(PostgresStore, contracts.DigestQueueContract): ...


class TestPostgresCandidateEraser(PostgresStore, contracts.CandidateEraserContract): ...


class TestPostgresPoolAlerts(PostgresStore, contracts.PoolAlertContract): ...
