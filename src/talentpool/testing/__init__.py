"""The test kit for hosts and for talentpool's own tests (ST4).

Three pieces, each for one job:

* :class:`World` builds a small account in a few lines: users, requisitions,
  candidates and their submissions, with a fixed clock at :data:`DEFAULT_NOW`.
  It works on the in-memory reference by default, or on any store a host
  passes in, writing only through the unit-of-work protocol::

      >>> from talentpool.adapters.memory import MemoryUnitOfWork
      >>> from talentpool.testing import World
      >>> world = World(uow=MemoryUnitOfWork())  # or the host's own unit of work
      >>> eva = world.candidate("eva", "Eva", "Nováková")
      >>> job = world.requisition("r-1", "Cashier")
      >>> _ = world.apply(eva, job, submitted_days_ago=3)
      >>> with world.uow:
      ...     [s.candidate_id for s in world.uow.submissions.for_requisition("r-1")]
      ['eva']

* :mod:`talentpool.testing.contracts` is the pytest contract suite that proves
  a host's own store keeps the ports' promises: subclass
  :class:`~talentpool.testing.contracts.AdapterContract` once with a
  ``make_uow`` that returns an empty store, then each contract in one line::

      from talentpool.testing import contracts

      class MyStore(contracts.AdapterContract):
          def make_uow(self): return SqlUnitOfWork(empty_database())

      class TestCandidates(MyStore, contracts.CandidateRepositoryContract): ...
      class TestCandidateQueries(MyStore, contracts.CandidateQueryContract): ...

* :mod:`talentpool.testing.strategies` holds the hypothesis strategies the
  contracts draw from (criteria, saved settings, documents, whole accounts),
  for a host's own property tests.

This package needs only the core: importing it, and using :class:`World`,
never imports pytest or hypothesis. The ``contracts`` and ``strategies``
submodules do, so they need the ``test`` extra (``pip install "talentpool[test]"``)
and are imported by name, never by ``from talentpool.testing import *``.
"""

from __future__ import annotations

from talentpool.testing.world import DEFAULT_NOW, World

__all__ = ["DEFAULT_NOW", "World"]
