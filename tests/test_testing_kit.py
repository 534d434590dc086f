"""ST4: the test kit itself: a World on any store, a core-only import, one contract facade."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from types import TracebackType
from typing import Any, Self

import pytest

from talentpool.adapters.memory import MemoryIds, MemoryUnitOfWork
from talentpool.ids import CandidateId, RequisitionId, UserId
from talentpool.model import SubmissionStatus
from talentpool.testing import DEFAULT_NOW, World, contracts

# --- World over a store passed in ---------------------------------------------------------


def test_world_builds_on_the_store_passed_in() -> None:
    uow, ids = MemoryUnitOfWork(), MemoryIds()
    world = World(DEFAULT_NOW, uow=uow, ids=ids, autopool_enabled=False)
    assert world.uow is uow
    assert world.ids is ids
    world.user("u-1", "Jana Manager")
    job = world.requisition("r-1", "Cashier", owner="u-1")
    eva = world.candidate("eva", "Eva", "Nováková")
    submission = world.apply(eva, job, status=SubmissionStatus.IN_PROCESS)
    world.settings(match_and_reject_enabled=True)
    with uow:
        assert uow.users.get(UserId("u-1")).name == "Jana Manager"
        assert uow.requisitions.get(RequisitionId("r-1")).owner_id == "u-1"
        assert uow.candidates.get(CandidateId("eva")) == eva
        assert list(uow.submissions.for_requisition(RequisitionId("r-1"))) == [submission]
        settings = uow.settings.get()
    assert not settings.autopool_enabled
    assert settings.match_and_reject_enabled
    assert submission.id == "submission-1"


def test_world_makes_its_own_memory_store_by_default() -> None:
    world = World()
    assert isinstance(world.uow, MemoryUnitOfWork)
    assert world.now == DEFAULT_NOW
    with world.uow:
        assert world.uow.settings.get().autopool_enabled


class _Watched:
    """A repository that refuses a write outside a unit of work."""

    def __init__(self, inner: Any, uow: _ProtocolOnly) -> None:
        self._inner, self._uow = inner, uow

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name not in {"save", "add", "append", "remove"}:
            return attribute

        def write(*args: Any) -> Any:
            assert self._uow.depth > 0, f"{name} outside a unit of work"
            self._uow.writes += 1
            return attribute(*args)

        return write

    def __iter__(self) -> Iterator[Any]:
        return iter(self._inner)


class _ProtocolOnly:
    """A host's store, as far as the World can tell: the ``UnitOfWork`` protocol and nothing else.

    It is not a ``MemoryUnitOfWork`` and has none of its attributes; it counts the
    blocks that wrote and the ones that committed what they wrote.
    """

    REPOSITORIES = (
        "candidates",
        "submissions",
        "requisitions",
        "templates",
        "users",
        "structures",
        "quick_filters",
        "settings",
        "attachments",
        "repooling_rules",
        "subscriptions",
        "visibility",
        "notification_settings",
        "notifications",
        "events",
    )

    def __init__(self) -> None:
        self._store = MemoryUnitOfWork()
        self.depth = self.writes = 0
        self.blocks: list[tuple[int, bool]] = []  # (writes, committed) per outermost block
        self._committed = False

    def __getattr__(self, name: str) -> Any:
        if name not in self.REPOSITORIES:
            raise AttributeError(name)
        return _Watched(getattr(self._store, name), self)

    def __enter__(self) -> Self:
        self._store.__enter__()
        if self.depth == 0:
            self.writes, self._committed = 0, False
        self.depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.blocks.append((self.writes, self._committed))
        self._store.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        self._committed = True
        self._store.commit()

    def rollback(self) -> None:
        self._store.rollback()


def test_world_writes_only_through_committed_units_of_work() -> None:
    """Every builder writes inside ``with uow:`` and commits; no adapter internals are touched."""
    store = _ProtocolOnly()
    world = World(uow=store)  # only the protocol: no attribute of the memory adapter
    world.user("u-1")
    world.requisition("r-1", owner="u-1")
    world.candidate("c-1")
    world.apply("c-1", "r-1")
    world.settings(enforce_consent=True)
    writing = [block for block in store.blocks if block[0]]
    assert len(writing) == 6  # the settings the World starts with, and one per builder
    assert all(committed for _, committed in writing)
    with store:
        assert [s.candidate_id for s in store.submissions.for_requisition("r-1")] == ["c-1"]
        assert store.settings.get().enforce_consent


# --- the core alone is enough for the World -------------------------------------------------


def _run_without_test_tools(code: str) -> subprocess.CompletedProcess[str]:
    blocked = "import sys\nfor name in ('hypothesis', 'pytest', '_pytest'):\n"
    blocked += "    sys.modules[name] = None  # an import of it now raises ImportError\n"
    return subprocess.run(
        [sys.executable, "-c", blocked + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_talentpool_testing_imports_and_builds_without_hypothesis_or_pytest() -> None:
    done = _run_without_test_tools(
        """
        from talentpool.testing import *
        from talentpool.testing import DEFAULT_NOW, World

        world = World()
        world.user("u-1")
        job = world.requisition("r-1", owner="u-1")
        world.apply(world.candidate("c-1"), job)
        with world.uow:
            assert [s.candidate_id for s in world.uow.submissions.for_candidate("c-1")] == ["c-1"]
        assert sys.modules["hypothesis"] is None and sys.modules["pytest"] is None
        print("built")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "built"


@pytest.mark.parametrize(
    "module", ["talentpool.testing.contracts", "talentpool.testing.strategies"]
)
def test_the_contracts_and_strategies_need_the_test_extra(module: str) -> None:
    """The check above means something: blocked, hypothesis and pytest really cannot be imported."""
    done = _run_without_test_tools(f"import {module}")
    assert done.returncode != 0
    assert "ImportError" in done.stderr or "ModuleNotFoundError" in done.stderr


# --- one facade for the contracts -----------------------------------------------------------

_CONTRACT_MODULES = (
    "alerts",
    "autopool",
    "base",
    "micropools",
    "privacy",
    "queries",
    "unit_of_work",
)


def test_the_contracts_facade_re_exports_every_contract_module() -> None:
    names: set[str] = set()
    for short in _CONTRACT_MODULES:
        module = importlib.import_module(f"talentpool.testing.contracts.{short}")
        assert module.__all__ == sorted(module.__all__), short
        names |= set(module.__all__)
        for name, obj in vars(module).items():
            public_contract = (
                inspect.isclass(obj)
                and issubclass(obj, contracts.AdapterContract)
                and not name.startswith("_")
                and obj.__module__ == module.__name__
            )
            assert not public_contract or name in module.__all__, f"{short}.{name}"
    assert contracts.__all__ == sorted(names)
    for name in contracts.__all__:
        assert inspect.getdoc(getattr(contracts, name)), name
