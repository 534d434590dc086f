"""ST4, EN4: the in-memory reference passes every contract of :mod:`talentpool.testing.contracts`.

Each contract is subclassed in one line, after :class:`MemoryStore`, exactly as a
host's adapter tests do.
"""

from __future__ import annotations

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.testing import contracts


class MemoryStore(contracts.AdapterContract):
    """Stores for the contracts: a new, empty in-memory unit of work each time."""

    def make_uow(self) -> MemoryUnitOfWork:
        """Return an empty in-memory store."""
        return MemoryUnitOfWork()


class TestMemoryCandidates(MemoryStore, contracts.CandidateRepositoryContract): ...


class TestMemorySubmissions(MemoryStore, contracts.SubmissionRepositoryContract): ...


class TestMemoryRequisitions(MemoryStore, contracts.RequisitionRepositoryContract): ...


class TestMemoryTemplates(MemoryStore, contracts.TemplateRepositoryContract): ...


class TestMemoryUsers(MemoryStore, contracts.UserRepositoryContract): ...


class TestMemoryStructures(MemoryStore, contracts.StructureRepositoryContract): ...


class TestMemoryQuickFilters(MemoryStore, contracts.QuickFilterRepositoryContract): ...


class TestMemorySettings(MemoryStore, contracts.SettingsRepositoryContract): ...


class TestMemoryAttachments(MemoryStore, contracts.AttachmentRepositoryContract): ...


class TestMemoryRepoolingRules(MemoryStore, contracts.RepoolingRuleRepositoryContract): ...


class TestMemoryEvents(MemoryStore, contracts.EventLogContract): ...


class TestMemoryUnitOfWork(MemoryStore, contracts.UnitOfWorkContract): ...


class TestMemoryCandidateQueries(MemoryStore, contracts.CandidateQueryContract): ...


class TestMemoryPoolIds(MemoryStore, contracts.PoolIdsQueryContract): ...


class TestMemoryCandidateDatabase(MemoryStore, contracts.CandidateDatabaseQueryContract): ...


class TestMemoryResponses(MemoryStore, contracts.ResponsesQueryContract): ...


class TestMemoryIdleSubmissions(MemoryStore, contracts.IdleSubmissionsQueryContract): ...


class TestMemoryStructureTrees(MemoryStore, contracts.StructureTreesQueryContract): ...


class TestMemoryTrackers(MemoryStore, contracts.TrackersQueryContract): ...


class TestMemoryTagCounts(MemoryStore, contracts.TagCountsQueryContract): ...


class TestMemorySubscriptions(MemoryStore, contracts.SubscriptionRepositoryContract): ...


class TestMemoryShares(MemoryStore, contracts.ShareRepositoryContract): ...


class TestMemoryVisibilityIndex(MemoryStore, contracts.VisibilityIndexContract): ...


class TestMemoryNotificationSettings(
    MemoryStore, contracts.NotificationSettingsRepositoryContract
): ...


class TestMemoryNotifications(MemoryStore, contracts.NotificationRepositoryContract): ...


class TestMemoryDigestQueue(MemoryStore, contracts.DigestQueueContract): ...


class TestMemoryCandidateEraser(MemoryStore, contracts.CandidateEraserContract): ...


class TestMemoryPoolAlerts(MemoryStore, contracts.PoolAlertContract): ...
