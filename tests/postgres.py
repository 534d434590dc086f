"""A throwaway PostgreSQL server for the tests (ST5), started from the distribution's binaries.

The tests that need PostgreSQL take the session fixture ``postgres_url``. It uses
the server named by ``TALENTPOOL_TEST_POSTGRES`` (an SQLAlchemy URL) when set;
otherwise it starts one: ``initdb`` in a temporary folder, the server listening
only on a Unix socket in that folder, with durability off (a test server loses
nothing it needs), and stops it and removes the folder when the session ends.
PostgreSQL refuses to run as root, so as root (as CI runs) the server binaries
run as the distribution's unprivileged ``postgres`` user.

When no server can be started the tests fail, loudly, with what to install;
they never skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["postgres_server"]

ENVIRONMENT = "TALENTPOOL_TEST_POSTGRES"


def _binaries() -> Path:
    found = shutil.which("pg_ctl")
    if found is not None:
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "pg_ctl").exists():
            return Path(folder)
    pytest.fail(
        "PostgreSQL's server binaries (initdb, pg_ctl) were not found: install the "
        "distribution's server package (apt-get install postgresql) or set "
        f"{ENVIRONMENT} to the URL of a server to use",
        pytrace=False,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str], as_postgres: bool) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if as_postgres else []
    done = subprocess.run(prefix + command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(
            f"could not start PostgreSQL for the tests: {' '.join(command)} said\n"
            f"{done.stdout}{done.stderr}",
            pytrace=False,
        )


def postgres_server() -> Iterator[str]:
    """Yield the URL of a PostgreSQL server for the session, starting one if needed."""
    given = os.environ.get(ENVIRONMENT)
    if given:
        yield given
        return
    bin_dir = _binaries()
    as_postgres = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="talentpool-postgres-"))
    data = base / "data"
    if as_postgres:
        shutil.chown(base, "postgres", "postgres")
    port = _free_port()
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            as_postgres,
        )
        options = (
            f"-k {base} -p {port} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(base / "log"),
                "-w",
                "start",
            ],
            as_postgres,
        )
        yield f"postgresql+psycopg://postgres@/postgres?host={base}&port={port}"
    finally:
        if (data / "postmaster.pid").exists():
            prefix = ["runuser", "-u", "postgres", "--"] if as_postgres else []
            subprocess.run(
                [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(base, ignore_errors=True)
