"""Contract tests for repository adapters (ST4, EN4): prove a store behaves like the reference.

A host that keeps talentpool's data in its own database implements the ports of
:mod:`talentpool.ports`. This package is the pytest suite that says whether that
implementation keeps the promises the core relies on: what ``get``, ``save``,
``add`` and ``remove`` do, the orders listings come in, what a unit of work
keeps and undoes, and, above all, that :meth:`~talentpool.ports.CandidateRepository.find`
returns the same page and the same exact total as the reference pipeline
(:mod:`talentpool.adapters.reference`) for generated accounts, criteria,
orderings, limits and offsets (EN4), and so does every other query port: the
pool's ids, the candidate database as a viewer sees it, the responses, idle
submissions, the structure trees, the trackers of tags and the tag counts.

Each contract is a base class whose tests call :meth:`AdapterContract.make_uow`
for a fresh, empty unit of work over the adapter under test. A host's tests
subclass each contract in one line, after a mixin that says how to make a
store; pytest collects the subclasses (their names start with ``Test``) and
never the contracts themselves::

    # tests/test_my_store.py
    from talentpool.testing import contracts
    from myapp.talent import SqlUnitOfWork, empty_database


    class MyStore(contracts.AdapterContract):
        def make_uow(self) -> SqlUnitOfWork:
            return SqlUnitOfWork(empty_database())


    class TestCandidates(MyStore, contracts.CandidateRepositoryContract): ...
    class TestCandidateQueries(MyStore, contracts.CandidateQueryContract): ...
    class TestUnitOfWork(MyStore, contracts.UnitOfWorkContract): ...
    # ... one line per port the store implements (see ``__all__``)

The contracts live in one module per feature:

* :mod:`~talentpool.testing.contracts.base`: :class:`AdapterContract`, the one
  class a host implements, and the fixtures' building blocks;
* :mod:`~talentpool.testing.contracts.autopool`: candidates, submissions,
  requisitions, templates, users, structures, quick filters, settings,
  attachments, repooling rules, and the pool query's differential contract
  with :func:`reference_page` and :func:`contract_worlds`;
* :mod:`~talentpool.testing.contracts.queries`: the differential contracts
  of the other query ports: the pool's ids, the candidate database
  (``search``, ``search_ids``), responses, idle submissions and the trees;
* :mod:`~talentpool.testing.contracts.micropools`: subscriptions, the
  visibility index, colleague shares, notification settings and notifications, and the
  differential contracts of the trackers of tags and the tag counts;
* :mod:`~talentpool.testing.contracts.unit_of_work`: the unit of work and the
  event log;
* :mod:`~talentpool.testing.contracts.alerts`: pool alerts (AP16), watches,
  announced members and the commit check, through the alerts service.

The tests write only inside ``with uow:`` blocks that call ``commit()``, and
read inside blocks too, so an adapter that needs a transaction for every access
is served. Every fixture saves what it refers to before it refers to it (users,
templates, candidates and requisitions before what names them), so a store
with foreign keys passes unchanged. :meth:`~AdapterContract.make_uow` is called
once per test and once per hypothesis example, and must return a store that
holds nothing. The property tests take their settings from the hypothesis
profile the host loads before it imports the contracts (in its ``conftest.py``,
say); a database adapter will want ``deadline=None`` there. One session may
check several stores: each subclass runs the same property tests.

This package imports pytest and hypothesis, so it needs the ``test`` extra
(``pip install "talentpool[test]"``).
"""

from __future__ import annotations

from talentpool.testing.contracts.alerts import PoolAlertContract
from talentpool.testing.contracts.autopool import (
    AttachmentRepositoryContract,
    CandidateQueryContract,
    CandidateRepositoryContract,
    QuickFilterRepositoryContract,
    RepoolingRuleRepositoryContract,
    RequisitionRepositoryContract,
    SettingsRepositoryContract,
    StructureRepositoryContract,
    SubmissionRepositoryContract,
    TemplateRepositoryContract,
    UserRepositoryContract,
    contract_worlds,
    reference_page,
)
from talentpool.testing.contracts.base import AdapterContract
from talentpool.testing.contracts.micropools import (
    DigestQueueContract,
    NotificationRepositoryContract,
    NotificationSettingsRepositoryContract,
    ShareRepositoryContract,
    SubscriptionRepositoryContract,
    TagCountsQueryContract,
    TrackersQueryContract,
    VisibilityIndexContract,
)
from talentpool.testing.contracts.privacy import CandidateEraserContract
from talentpool.testing.contracts.queries import (
    CandidateDatabaseQueryContract,
    IdleSubmissionsQueryContract,
    PoolIdsQueryContract,
    ResponsesQueryContract,
    StructureTreesQueryContract,
)
from talentpool.testing.contracts.unit_of_work import EventLogContract, UnitOfWorkContract

__all__ = [
    "AdapterContract",
    "AttachmentRepositoryContract",
    "CandidateDatabaseQueryContract",
    "CandidateEraserContract",
    "CandidateQueryContract",
    "CandidateRepositoryContract",
    "DigestQueueContract",
    "EventLogContract",
    "IdleSubmissionsQueryContract",
    "NotificationRepositoryContract",
    "NotificationSettingsRepositoryContract",
    "PoolAlertContract",
    "PoolIdsQueryContract",
    "QuickFilterRepositoryContract",
    "RepoolingRuleRepositoryContract",
    "RequisitionRepositoryContract",
    "ResponsesQueryContract",
    "SettingsRepositoryContract",
    "ShareRepositoryContract",
    "StructureRepositoryContract",
    "StructureTreesQueryContract",
    "SubmissionRepositoryContract",
    "SubscriptionRepositoryContract",
    "TagCountsQueryContract",
    "TemplateRepositoryContract",
    "TrackersQueryContract",
    "UnitOfWorkContract",
    "UserRepositoryContract",
    "VisibilityIndexContract",
    "contract_worlds",
    "reference_page",
]
