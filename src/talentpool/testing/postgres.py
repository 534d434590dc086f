"""A throwaway PostgreSQL server, started from the distribution's binaries (ST5).

For tests and benchmarks of the SQL store on PostgreSQL, in CI and in a
developer's checkout alike. :func:`throwaway_postgres` runs ``initdb`` in a
temporary folder, starts the server listening only on a Unix socket in that
folder, with durability off (a test server loses nothing it needs), yields an
SQLAlchemy URL, and stops the server and removes the folder afterwards.
PostgreSQL refuses to run as root, so as root (as CI runs) the server binaries
run as the distribution's unprivileged ``postgres`` user.

When no server can be started it raises :class:`PostgresUnavailableError` saying
what to install; a test fixture should fail on it, never skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["PostgresUnavailableError", "throwaway_postgres"]


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL server could be started here; the message says what to install."""


def _binaries() -> Path:
    found = shutil.which("pg_ctl")
    if found is not None:
        return Path(os.path.realpath(found)).parent
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "pg_ctl").exists():
            return folder
    msg = (
        "PostgreSQL's server binaries (initdb, pg_ctl) were not found: install the "
        "distribution's server package (apt-get install postgresql)"
    )
    raise PostgresUnavailableError(msg)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def throwaway_postgres(settings: Sequence[str] = ()) -> Iterator[str]:
    """Start a server for the block; yield its SQLAlchemy URL (psycopg 3).

    *settings* are extra ``name=value`` server settings, such as ``"shared_buffers=256MB"``.
    """
    bin_dir = _binaries()
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    base = Path(tempfile.mkdtemp(prefix="talentpool-postgres-"))
    data = base / "data"
    if prefix:
        shutil.chown(base, "postgres", "postgres")
    port = _free_port()

    def run(*command: str) -> None:
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            msg = f"could not start PostgreSQL: {command[0]} said\n{done.stdout}{done.stderr}"
            raise PostgresUnavailableError(msg)

    options = " ".join(
        [
            f"-k {base} -p {port} -c listen_addresses=''",
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "-c max_connections=50",
            *(f"-c {setting}" for setting in settings),
        ]
    )
    try:
        run(
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
        )
        log = str(base / "log")
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", log, "-w", "start")
        yield f"postgresql+psycopg://postgres@/postgres?host={base}&port={port}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(base, ignore_errors=True)
