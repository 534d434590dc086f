"""Ports (ST1): the protocols through which the core reads and writes, scoped by feature.

The core never imports storage code. A host implements these protocols over its
own database, or uses a store the library ships (:mod:`talentpool.adapters`).
Each ``get`` raises :class:`~talentpool.errors.NotFoundError` for an unknown
id; each ``save`` inserts or replaces.

**Scoped by feature.** A host that uses only micro-pools implements
:class:`MicroPoolStore` (:mod:`talentpool.ports.micropools`); one that uses only
automatic candidate pooling implements :class:`AutopoolStore`
(:mod:`talentpool.ports.autopool`); one that erases candidates (DM6) implements
:class:`ErasureStore` (:mod:`talentpool.ports.privacy`); :class:`UnitOfWork` is
all three, with the pool alerts of :mod:`talentpool.ports.alerts` (AP16). What they all need
(the transaction, users, settings, attachments) is in
:mod:`talentpool.ports.common`.

**Host-owned data is read-only.** Users, structure trees, attachments and
requisitions belong to the host: the ports only read them, except the
library's own fields of a requisition (its autopool criteria and pool
exclusions, and a requisition opened from a template). Writes a test makes to
set up an account are in :mod:`talentpool.testing.fixtures`.

**Every read is a query.** Each read a service makes is one call a store
answers whole: a pool (:meth:`PoolCandidates.find`, a
:class:`~talentpool.queries.CandidateQuery`), the candidate database as a viewer
sees it (:meth:`DatabaseCandidates.search`), ids alone for dry runs, folder
counts, idle submissions for repooling, the trackers of a set of tags and the
"Candidates on positions" view. A database compiles each into one statement
and the in-memory reference answers from its indexes; each binds the query
with its ``bound`` method first, so they agree (EN4). The services never
iterate a whole repository, so a page costs the same number of calls whatever
the size of the database.
"""

from __future__ import annotations

from typing import Protocol

from talentpool.ports.alerts import (
    AfterCommit,
    CommitCheck,
    PoolAlertRepository,
    PoolWatch,
    WatchedPool,
)
from talentpool.ports.autopool import (
    AutopoolStore,
    PoolCandidates,
    PoolSubmissions,
    QuickFilterRepository,
    RepoolingRuleRepository,
    RequisitionRepository,
    StructureRepository,
    TemplateRepository,
)
from talentpool.ports.common import (
    AttachmentRepository,
    EventLog,
    IdGenerator,
    RequisitionReader,
    SettingsRepository,
    Transaction,
    UserRepository,
)
from talentpool.ports.micropools import (
    DatabaseCandidates,
    DigestQueue,
    MicroPoolStore,
    NotificationRepository,
    NotificationSettingsRepository,
    ResponseRepository,
    ShareRepository,
    SubscriptionRepository,
    VisibilityIndex,
)
from talentpool.ports.privacy import CandidateEraser, CandidateReader, ErasedRows, ErasureStore
from talentpool.queries import (
    CandidateDatabaseQuery,
    CandidatePage,
    CandidateQuery,
    ListingPage,
    ResponsesPage,
    ResponsesQuery,
)

__all__ = [
    "AfterCommit",
    "AttachmentRepository",
    "AutopoolStore",
    "CandidateDatabaseQuery",
    "CandidateEraser",
    "CandidatePage",
    "CandidateQuery",
    "CandidateReader",
    "CandidateRepository",
    "CommitCheck",
    "DatabaseCandidates",
    "DigestQueue",
    "ErasedRows",
    "ErasureStore",
    "EventLog",
    "IdGenerator",
    "ListingPage",
    "MicroPoolStore",
    "NotificationRepository",
    "NotificationSettingsRepository",
    "PoolAlertRepository",
    "PoolCandidates",
    "PoolSubmissions",
    "PoolWatch",
    "QuickFilterRepository",
    "RepoolingRuleRepository",
    "RequisitionReader",
    "RequisitionRepository",
    "ResponseRepository",
    "ResponsesPage",
    "ResponsesQuery",
    "SettingsRepository",
    "ShareRepository",
    "StructureRepository",
    "SubmissionRepository",
    "SubscriptionRepository",
    "TemplateRepository",
    "Transaction",
    "UnitOfWork",
    "UserRepository",
    "VisibilityIndex",
    "WatchedPool",
]


class CandidateRepository(PoolCandidates, DatabaseCandidates, Protocol):
    """**Protocol:** candidates for both features: the pool query and the database query."""


class SubmissionRepository(PoolSubmissions, ResponseRepository, Protocol):
    """**Protocol:** submissions for both features."""


class UnitOfWork(AutopoolStore, MicroPoolStore, ErasureStore, Protocol):
    """**Protocol:** every repository of both features, and the transaction around them."""

    @property
    def candidates(self) -> CandidateRepository:
        """The candidates."""
        ...

    @property
    def submissions(self) -> SubmissionRepository:
        """The submissions."""
        ...

    @property
    def requisitions(self) -> RequisitionRepository:
        """The requisitions."""
        ...

    @property
    def alerts(self) -> PoolAlertRepository:
        """Pool watches and their announced members (AP16)."""
        ...
