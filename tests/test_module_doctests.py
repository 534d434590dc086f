"""Every ``>>>`` example in the package's docstrings runs (US3)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import talentpool

MODULES = sorted(m.name for m in pkgutil.walk_packages(talentpool.__path__, prefix="talentpool."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0
