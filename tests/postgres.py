"""The PostgreSQL server of a test session (ST5).

The tests that need PostgreSQL take the session fixture ``postgres_url``. It uses
the server named by ``TALENTPOOL_TEST_POSTGRES`` (an SQLAlchemy URL) when set;
otherwise it starts a throwaway one with
:func:`talentpool.testing.postgres.throwaway_postgres` for the session. When no
server can be started the tests fail, loudly, with what to install; they never
skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from talentpool.testing.postgres import PostgresUnavailableError, throwaway_postgres

__all__ = ["postgres_server"]

ENVIRONMENT = "TALENTPOOL_TEST_POSTGRES"


def postgres_server() -> Iterator[str]:
    """Yield the URL of a PostgreSQL server for the session, starting one if needed."""
    given = os.environ.get(ENVIRONMENT)
    if given:
        yield given
        return
    try:
        server = throwaway_postgres()
        url = server.__enter__()
    except PostgresUnavailableError as e:
        pytest.fail(f"{e}; or set {ENVIRONMENT} to the URL of a server to use", pytrace=False)
    try:
        yield url
    finally:
        server.__exit__(None, None, None)
