"""Shared test set-up: hypothesis profiles and a fresh world per test.

Profiles: ``ci`` (the default, fast), ``dev`` (``HYPOTHESIS_PROFILE=dev``, more
examples) and ``deep`` (``HYPOTHESIS_PROFILE=deep``: 50 times the examples, and the
reliability suite at full size, see ``tests/reliability.py`` and
``docs/reliability.md``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from postgres import postgres_server
from talentpool.testing import World

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("deep", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def world() -> World:
    """A fresh account with automatic candidate pooling enabled."""
    return World()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL server for this session, started if need be (ST5)."""
    yield from postgres_server()
