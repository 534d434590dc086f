"""PF4: the stores' bulk work pauses the cyclic garbage collector and gives it back as it was."""

from __future__ import annotations

import gc

import pytest

from talentpool.adapters import collector
from talentpool.adapters.memory import MemoryUnitOfWork


def test_pf4_the_collector_runs_again_after_the_block_however_it_ends() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("stopped")
    assert gc.isenabled()


def test_pf4_a_collector_the_host_paused_stays_paused() -> None:
    gc.disable()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_pf4_the_index_build_leaves_the_collector_running() -> None:
    uow = MemoryUnitOfWork()
    uow.build_indexes()
    assert gc.isenabled()
