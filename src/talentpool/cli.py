"""The ``talentpool`` command (US1, US2, US4): the demo, and the jobs a host runs outside requests.

``talentpool --help`` lists the commands and ``talentpool COMMAND --help``
describes one. Every command but ``demo`` works on an existing database, given as
``--database URL`` (any SQLAlchemy URL the SQL store supports, or a plain path of
an SQLite file; :data:`DEFAULT_DATABASE` in the current directory by default), and
on one account of it (``--account``; the only one the database holds by default):

* ``demo`` builds Koruna Market, a Czech grocery chain, into the database (or
  reuses the account built before with the same ``--seed`` and ``--candidates``)
  and prints its autopool, micro-pools, a match, a repooling run and the pool
  after them (:mod:`talentpool.demo.database`);
* ``autopool`` lists a requisition's pool (``--sort``, ``--quick-filter``, ``--limit``);
* ``explain`` says why a candidate is or is not in a requisition's pool;
* ``funnel`` counts what each criterion of a pool removes;
* ``repool`` runs the repooling job (``--dry-run`` previews it, writing nothing);
* ``digests`` sends every digest that is due, once, by printing it (MP10);
* ``migrate`` brings the database to the newest schema version;
* ``import`` loads candidates or submissions from CSV or JSON Lines through the
  sync API, reporting every bad row by its line number and keeping the good ones;
* ``report --html FILE`` writes one self-contained page: the funnel as a bar
  chart, the radius as a map of candidates in and out of the circle, the top results.

``--json`` prints what a script reads (``autopool``, ``explain``, ``funnel``,
``repool``, ``migrate``, ``import``) as one JSON document, ASCII only.

Exit codes
----------

== =====================================================================================
0  done
1  the library refused the request: an unknown requisition, candidate or account, a
   pool without criteria, a feature turned off, a permission missing
2  a bad argument: an unknown option, a value out of range (``--candidates 1000000000``)
3  the database: no file at the path, not a database, a newer schema, locked too long
4  the output: it cannot be encoded for the terminal (``PYTHONIOENCODING=ascii``) or
   written (a full disk, a closed pipe)
5  ``import`` kept the good rows but refused some (each is reported with its line)
== =====================================================================================

Each failure prints one line on standard error, saying what to do, and never a
traceback. :func:`main` returns the exit status instead of exiting, so tests and
other programs can call it.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import attrs

from talentpool.errors import (
    NotFoundError,
    StorageError,
    TalentpoolError,
)
from talentpool.ids import UserId

if TYPE_CHECKING:
    from talentpool.adapters.sql import SqlStore, SqlUnitOfWork
    from talentpool.clock import Clock
    from talentpool.notifications import Digest, Notification, NotificationChannel

__all__ = [
    "COMMANDS",
    "DEFAULT_DATABASE",
    "EXIT_DATABASE",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_ROWS",
    "EXIT_USAGE",
    "Command",
    "build_parser",
    "main",
]

EXIT_OK = 0
"""Done."""
EXIT_FAILED = 1
"""The library refused the request (an unknown id, a feature off, a permission missing)."""
EXIT_USAGE = 2
"""A bad argument."""
EXIT_DATABASE = 3
"""The database is missing, is not a database, is of a newer schema, or stayed locked."""
EXIT_OUTPUT = 4
"""The output could not be encoded or written."""
EXIT_ROWS = 5
"""``import`` refused some rows (the good ones were kept)."""

DEFAULT_DATABASE = "talentpool-demo.db"
"""The SQLite file every command uses unless given ``--database``, in the current directory."""

DEFAULT_CANDIDATES = 3000
"""The demo's default size: built in a few seconds."""


class CliError(Exception):
    """A failure the command reports in one line, with its exit status."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@attrs.frozen
class Command:
    """One sub-command of ``talentpool``.

    Attributes:
        name: What is typed after ``talentpool``.
        help: One line for ``talentpool --help``.
        configure: Adds the command's own options to its parser.
        run: Does the work with the parsed arguments, writing to the stream; returns
            the exit status.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, TextIO], int]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on standard error (and exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _size(text: str) -> int:
    from talentpool.demo.database import MAX_CANDIDATES

    value = _positive(text)
    if value > MAX_CANDIDATES:
        raise argparse.ArgumentTypeError(
            f"must be at most {MAX_CANDIDATES:,} (got {value:,}); the benchmarks "
            "(benchmarks/perf.py) generate the million-candidate datasets"
        )
    return value


def _limit(text: str) -> int:
    from talentpool.results import MAX_RESULTS

    value = _positive(text)
    if value > MAX_RESULTS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_RESULTS} (got {value})")
    return value


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be an ISO 8601 instant such as 2026-11-02T09:00+01:00 (got {text!r})"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"must carry its UTC offset, such as +01:00 (got {text!r})"
        )
    return value


# --- the database ---------------------------------------------------------------------------


def _database_options(parser: argparse.ArgumentParser, *, account: bool = True) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        default=DEFAULT_DATABASE,
        help=(
            "an SQLAlchemy URL (sqlite:///talent.db, postgresql+psycopg://...) or the path of "
            f"an SQLite file (default: {DEFAULT_DATABASE} in the current directory)"
        ),
    )
    if account:
        parser.add_argument(
            "--account", help="the account to work on (default: the only one in the database)"
        )


def _clock_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now",
        type=_instant,
        metavar="INSTANT",
        help="the instant to evaluate at, ISO 8601 with its offset (default: the system clock)",
    )


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def _viewer_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--viewer",
        metavar="USER",
        help="whom the pool is shown to: other requisitions are named, and their dates shown, "
        "only to a user allowed to see other applications (AP11) "
        "(default: the account's first administrator)",
    )


def _viewer(args: argparse.Namespace, uow: SqlUnitOfWork) -> UserId | None:
    """The user given with ``--viewer``, else the account's first administrator, else nobody."""
    from talentpool.model import Role

    if args.viewer is not None:
        return UserId(args.viewer)
    with uow:
        admins = sorted(u.id for u in uow.users if u.role is Role.ADMINISTRATOR)
    return admins[0] if admins else None


def _url(database: str) -> str:
    return database if "://" in database else f"sqlite:///{database}"


def _checked_url(database: str, *, create: bool = False) -> str:
    """The URL of *database*; a missing SQLite file is an error unless *create*."""
    try:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError
    except ImportError:
        raise CliError(
            EXIT_DATABASE, "the SQL store needs SQLAlchemy: pip install 'talentpool[sql]'"
        ) from None
    url = _url(database)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CliError(EXIT_USAGE, f"--database: {database!r} is not a database URL") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not create and not path.is_file():
            raise CliError(
                EXIT_DATABASE,
                f"no database at {path}: run 'talentpool demo' to build one there, or pass "
                "--database URL",
            )
        if create and not path.parent.is_dir():
            raise CliError(EXIT_DATABASE, f"cannot create {path}: no folder {path.parent}")
    return url


def _open(database: str, *, create: bool = False, migrate: bool = True) -> SqlStore:
    """Open the store at *database* (see :func:`_checked_url`)."""
    url = _checked_url(database, create=create)
    from sqlalchemy.exc import SQLAlchemyError

    from talentpool.adapters.sql import SqlStore

    try:
        store = SqlStore(url, migrate=migrate)
    except StorageError as e:
        raise CliError(EXIT_DATABASE, f"{database}: {_one_line(e)}") from None
    except SQLAlchemyError as e:
        raise CliError(EXIT_DATABASE, f"cannot open {database}: {_one_line(e)}") from None
    _OPENED.append(store)
    return store


_OPENED: list[SqlStore] = []
"""The stores this run of :func:`main` opened; it closes them when the command ends."""


def _accounts(store: SqlStore) -> list[str]:
    from sqlalchemy import select

    settings = store.schema.settings
    with store.engine.connect() as connection:
        query = select(settings.c.account).distinct().order_by(settings.c.account)
        rows = connection.execute(query)
        return [str(r[0]) for r in rows]


def _account(store: SqlStore, chosen: str | None) -> str:
    accounts = _accounts(store)
    if chosen is not None:
        if chosen not in accounts:
            known = ", ".join(accounts) or "none"
            raise CliError(
                EXIT_FAILED, f"no account {chosen!r} in the database (it holds: {known})"
            )
        return chosen
    if not accounts:
        raise CliError(
            EXIT_DATABASE, "the database holds no account yet: run 'talentpool demo' or 'import'"
        )
    if len(accounts) > 1:
        raise CliError(
            EXIT_USAGE,
            f"the database holds {len(accounts)} accounts ({', '.join(accounts)}): "
            "choose one with --account",
        )
    return accounts[0]


def _unit_of_work(args: argparse.Namespace) -> SqlUnitOfWork:
    store = _open(args.database)
    return store.unit_of_work(_account(store, args.account))


def _clock(args: argparse.Namespace) -> Clock:
    from talentpool.clock import FixedClock, SystemClock

    now: datetime | None = getattr(args, "now", None)
    return SystemClock() if now is None else FixedClock(now)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=True) + "\n"


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# --- demo -----------------------------------------------------------------------------------


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seed", type=int, default=2026, help="seed of the generated data (default: 2026)"
    )
    parser.add_argument(
        "--candidates",
        type=_size,
        default=DEFAULT_CANDIDATES,
        help=f"how many candidates to generate (default: {DEFAULT_CANDIDATES:,})",
    )
    parser.add_argument(
        "--top", type=_positive, default=10, help="how many result rows to print (default: 10)"
    )
    _database_options(parser, account=False)


class _Progress:
    """A progress bar on standard error while the demo builds (tqdm, when it is a terminal)."""

    def __init__(self, total: int | None, *, draw: bool = True) -> None:
        self._bar: Any = None
        if draw and sys.stderr is not None and sys.stderr.isatty():
            try:
                from tqdm import tqdm
            except ImportError:  # the bar is a nicety of the demo extra
                return
            self._bar = tqdm(total=total, unit=" candidates", desc="building the demo")

    def __call__(self, done: int) -> None:
        if self._bar is not None:
            self._bar.update(done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _run_demo(args: argparse.Namespace, out: TextIO) -> int:
    from talentpool.demo.database import build_database, demo_account, is_built, play
    from talentpool.demo.dataset import DEMO_NOW

    store = _open(args.database, create=True)
    reused = is_built(store, demo_account(args.seed, args.candidates))
    progress = _Progress(None if reused else args.candidates, draw=not reused)
    try:
        account, built = build_database(
            store, seed=args.seed, candidates=args.candidates, progress=progress
        )
    except ImportError as e:
        raise CliError(
            EXIT_FAILED, f"the demo needs its extra ({e.name}): pip install 'talentpool[demo]'"
        ) from None
    finally:
        progress.close()
    how = "built" if built else "reused"
    header = [
        "talentpool demo: Koruna Market, a Czech grocery chain, on the SQL store",
        f"database: {args.database} (account {account!r}, {how}); "
        f"{args.candidates:,} candidates; seed {args.seed}",
        f"now: {DEMO_NOW:%Y-%m-%d %H:%M %Z}. Every run plays the morning in one transaction "
        "and rolls it back, so the database stays as built.",
        "",
    ]
    out.write("\n".join(header) + play(store, account, top=args.top))
    return EXIT_OK


# --- autopool, explain, funnel -------------------------------------------------------------


_SORTS = ("latest_submission", "last_activity", "name", "distance", "city")


def _configure_autopool(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("requisition", help="the requisition's id")
    parser.add_argument(
        "--sort",
        default="latest_submission",
        help=(
            f"the column to sort by: {', '.join(_SORTS)}; a leading '-' reverses it "
            "(--sort=-distance) "
            "(default: latest_submission, newest first)"
        ),
    )
    parser.add_argument(
        "--quick-filter",
        action="append",
        default=[],
        metavar="ID",
        help="apply an administrator's quick filter (repeat for several)",
    )
    parser.add_argument(
        "--limit", type=_limit, default=300, help="the most rows to list (default and most: 300)"
    )
    _database_options(parser)
    _clock_option(parser)
    _viewer_option(parser)
    _json_option(parser)


def _ordering(text: str) -> Any:
    from talentpool.results import Ordering, SortKey

    key = text.lstrip("-")
    if key not in _SORTS:
        raise CliError(EXIT_USAGE, f"--sort: {text!r} is not one of {', '.join(_SORTS)}")
    natural = Ordering(SortKey(key))  # names A to Z, distance nearest, dates newest first
    return Ordering(natural.key, natural.descending != text.startswith("-"))


def _run_autopool(args: argparse.Namespace, out: TextIO) -> int:
    from talentpool.autopool import Autopooling

    order = _ordering(args.sort)
    uow = _unit_of_work(args)
    results = Autopooling(uow, _clock(args)).results(
        args.requisition,
        order=order,
        quick_filters=args.quick_filter,
        limit=args.limit,
        viewer_id=_viewer(args, uow),
    )
    if args.json:
        out.write(
            _json(
                {
                    "requisition": results.requisition_id,
                    "total": results.total,
                    "shown": len(results.rows),
                    "truncated": results.truncated,
                    "rows": [
                        {
                            "candidate": r.candidate_id,
                            "name": r.name,
                            "city": r.city,
                            "distance_km": r.distance_km,
                            "latest_submission_at": _when(r.latest_submission_at),
                            "last_activity_at": _when(r.last_activity_at),
                        }
                        for r in results.rows
                    ],
                }
            )
        )
        return EXIT_OK
    lines = [
        f"{results.total} candidates matched; {len(results.rows)} shown (at most {args.limit}); "
        f"truncated: {'yes' if results.truncated else 'no'}",
        f"{'#':>4}  {'candidate':<14} {'name':<28} {'city':<18} {'km':>7}  latest submission",
    ]
    for i, r in enumerate(results.rows, start=1):
        km = "-" if r.distance_km is None else f"{r.distance_km:.1f}"
        when = "-" if r.latest_submission_at is None else f"{r.latest_submission_at:%Y-%m-%d}"
        lines.append(
            f"{i:>4}  {r.candidate_id:<14} {r.name:<28} {r.city or '-':<18} {km:>7}  {when}"
        )
    out.write("\n".join(lines) + "\n")
    return EXIT_OK


def _configure_explain(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("requisition", help="the requisition's id")
    parser.add_argument("candidate", help="the candidate's id")
    _database_options(parser)
    _clock_option(parser)
    _viewer_option(parser)
    _json_option(parser)


def _verdict(v: Any) -> dict[str, object]:
    return {"criterion": v.label, "passed": v.passed, "reason": v.reason}


def _run_explain(args: argparse.Namespace, out: TextIO) -> int:
    from talentpool.autopool import Autopooling

    uow = _unit_of_work(args)
    explanation = Autopooling(uow, _clock(args)).explain(
        args.requisition, args.candidate, viewer_id=_viewer(args, uow)
    )
    if args.json:
        out.write(
            _json(
                {
                    "requisition": explanation.requisition_id,
                    "candidate": explanation.candidate_id,
                    "in_pool": explanation.in_pool,
                    "verdicts": [
                        _verdict(v) for v in (explanation.universe, *explanation.verdicts)
                    ],
                }
            )
        )
    else:
        out.write(f"{explanation}\n")
    return EXIT_OK


def _configure_funnel(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("requisition", help="the requisition's id")
    _database_options(parser)
    _clock_option(parser)
    _json_option(parser)


def _run_funnel(args: argparse.Namespace, out: TextIO) -> int:
    from talentpool.autopool import Autopooling

    funnel = Autopooling(_unit_of_work(args), _clock(args)).funnel(args.requisition)
    if args.json:
        stages = [
            {"criterion": s.label, "removed": s.removed, "remaining": s.remaining}
            for s in funnel.stages
        ]
        out.write(
            _json({"considered": funnel.considered, "matched": funnel.matched, "stages": stages})
        )
    else:
        out.write(f"{funnel}\n")
    return EXIT_OK


# --- digests ----------------------------------------------------------------------------------


def _configure_digests(parser: argparse.ArgumentParser) -> None:
    _database_options(parser)
    _clock_option(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help="print each digest as one JSON line as it is sent, then one line of totals",
    )


class _Printed:
    """Sends each digest by writing it to standard output, for a host's script to mail or post.

    Each digest is written and flushed while the job holds it, not kept for the end
    like other commands' output: if it cannot be encoded or written, the job puts its
    notifications back for the next run (MP10).
    """

    def __init__(self, as_json: bool) -> None:
        self._json = as_json

    def deliver_digest(self, digest: Digest) -> None:
        if self._json:
            line = {
                "digest": digest.id,
                "user": digest.user_id,
                "channel": digest.channel.value,
                "title": digest.title,
                "candidates": [{"id": c, "name": n} for c, n in digest.candidates],
                "micro_pools": [t.label for t in digest.micro_pools],
                "pools": [p.requisition_id for p in digest.watched_pools],
                "message": digest.message,
            }
            _emit(json.dumps(line, ensure_ascii=True) + "\n", sys.stdout)
        else:
            _emit(
                f"To {digest.user_id} by {digest.channel.value}:\n{digest.message}\n\n", sys.stdout
            )

    def deliver(self, note: Notification, channel: NotificationChannel) -> None:
        """Write an immediate pool alert the sweep raised (AP16); the bell keeps it anyway."""
        if channel.value == "bell":
            return
        if self._json:
            line = {
                "notification": note.id,
                "user": note.user_id,
                "channel": channel.value,
                "title": note.title,
                "candidates": [{"id": note.candidate_id, "name": note.candidate_name}],
                "pools": [p.requisition_id for p in note.pools],
                "message": note.message,
            }
            _emit(json.dumps(line, ensure_ascii=True) + "\n", sys.stdout)
        else:
            _emit(f"To {note.user_id} by {channel.value}:\n{note.message}\n\n", sys.stdout)


class _UniqueIds:
    """Digest ids unique across runs of the command: a sender may recognise a resend by them."""

    def new_id(self, kind: str) -> str:
        import uuid

        return f"{kind}-{uuid.uuid4().hex[:16]}"


def _run_digests(args: argparse.Namespace, out: TextIO) -> int:
    from talentpool.autopool.alerts import PoolAlerts
    from talentpool.micropools import DigestJob

    uow, clock, ids, printed = _unit_of_work(args), _clock(args), _UniqueIds(), _Printed(args.json)
    alerts = PoolAlerts(uow, clock, ids, printed)  # swept first: alerts only time raised (AP16)
    run = DigestJob(uow, clock, ids, printed, alerts=alerts).run()
    if run.failed:
        # the output refused a digest: it waits in the queue for the next run
        first = run.failed[0]
        raise CliError(EXIT_OUTPUT, f"cannot write the digests: {_one_line(first.error)}")
    totals = {"sent": len(run.sent), "failed": len(run.failed), "skipped": len(run.skipped)}
    if args.json:
        out.write(json.dumps(totals) + "\n")
    else:
        out.write(
            f"{totals['sent']} digest(s) sent; {totals['skipped']} left to a job running "
            "at the same time\n"
        )
    return EXIT_OK


# --- repool, migrate --------------------------------------------------------------------------


def _configure_repool(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would change, writing nothing"
    )
    parser.add_argument(
        "--admin",
        metavar="USER",
        help="the administrator a dry run is previewed by, or the run made on behalf of "
        "(default: a dry run takes the first administrator; a run is the system's)",
    )
    _database_options(parser)
    _clock_option(parser)
    _json_option(parser)


def _run_repool(args: argparse.Namespace, out: TextIO) -> int:
    from talentpool.model import Role
    from talentpool.repooling import Repooling

    uow = _unit_of_work(args)
    repooling = Repooling(uow, _clock(args))
    admin = args.admin
    if args.dry_run:
        if admin is None:
            admins = sorted(u.id for u in uow.users if u.role is Role.ADMINISTRATOR)
            if not admins:
                raise CliError(EXIT_FAILED, "the account has no administrator to preview as")
            admin = admins[0]
        report = repooling.preview(admin)
    else:
        report = repooling.run(admin)
    if args.json:
        changes = [
            {
                "submission": c.submission_id,
                "candidate": c.candidate_id,
                "requisition": c.requisition_id,
                "rule": c.rule_id,
                "idle_days": c.idle_days,
                "previous_status": c.previous_status.value,
            }
            for c in report.changes
        ]
        out.write(
            _json({"ran_at": _when(report.ran_at), "applied": report.applied, "changes": changes})
        )
    else:
        out.write(f"{report}\n")
    return EXIT_OK


def _configure_migrate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--create", action="store_true", help="create the SQLite file when there is none"
    )
    _database_options(parser, account=False)
    _json_option(parser)


def _run_migrate(args: argparse.Namespace, out: TextIO) -> int:
    from talentpool.adapters.sql import SCHEMA_VERSION

    store = _open(args.database, create=args.create, migrate=False)
    try:
        found = store.migrate()
    except StorageError as e:
        raise CliError(EXIT_DATABASE, f"{args.database}: {_one_line(e)}") from None
    if args.json:
        out.write(_json({"found": found, "version": SCHEMA_VERSION}))
    elif found == SCHEMA_VERSION:
        out.write(f"schema version {SCHEMA_VERSION}: already current, nothing to do\n")
    else:
        out.write(f"schema version {found} -> {SCHEMA_VERSION}\n")
    return EXIT_OK


# --- import ------------------------------------------------------------------------------


def _configure_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a .csv or .jsonl file ('-' reads standard input)")
    parser.add_argument(
        "--kind",
        choices=("candidates", "submissions"),
        default="candidates",
        help="what each row is (default: candidates)",
    )
    parser.add_argument(
        "--format",
        choices=("csv", "jsonl"),
        help="the file's format (default: from its suffix)",
    )
    parser.add_argument(
        "--create",
        action="store_true",
        help="create the SQLite file when there is none, and the account when it is new",
    )
    _database_options(parser, account=False)
    parser.add_argument(
        "--account",
        help="the account to import into (default: the only one; with --create into an empty "
        "database, 'default')",
    )
    _json_option(parser)


_CSV_LISTS = {"languages", "tags", "shared_with"}


def _tag(label: str) -> object:
    from talentpool.documents import to_document
    from talentpool.model import Tag

    return to_document(Tag(label))


def _csv_document(kind: str, row: dict[str, str | None]) -> dict[str, object]:
    """A CSV row as the entity's document: blanks are absent, lists are ';'-separated."""
    document: dict[str, object] = {}
    for name, raw in row.items():
        if name is None:
            raise TypeError("more cells than the header names")
        value = (raw or "").strip()
        if name in ("latitude", "longitude"):
            continue
        if name in _CSV_LISTS:
            parts = [part.strip() for part in value.split(";") if part.strip()]
            document[name] = [_tag(p) for p in parts] if name == "tags" else parts
        elif value:
            document[name] = value
    if kind == "candidates":
        lat, lon = (row.get("latitude") or "").strip(), (row.get("longitude") or "").strip()
        if lat or lon:
            try:
                document["residence"] = {"latitude": float(lat), "longitude": float(lon)}
            except ValueError:
                raise ValueError(
                    f"latitude and longitude must be numbers (got {lat!r}, {lon!r})"
                ) from None
    else:
        submitted = document.get("submitted_at")
        document.setdefault("status_changed_at", submitted)
        document.setdefault("last_activity_at", submitted)
    return document


def _rows(file: TextIO, fmt: str, kind: str) -> Iterator[tuple[int, object]]:
    """Yield ``(line, document or error)`` for each row of *file*."""
    if fmt == "jsonl":
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except ValueError as e:
                yield number, ValueError(f"not JSON: {e}")
        return
    reader = csv.DictReader(file)
    for row in reader:
        try:
            yield reader.line_num, _csv_document(kind, row)
        except (TypeError, ValueError) as e:
            yield reader.line_num, ValueError(str(e))


_IMPORT_BATCH = 500  # rows checked and written per transaction


def _load(
    rows: Iterator[tuple[int, object]],
    kind: type[Any],
    save: Callable[[list[Any]], int],
    progress: _Progress,
) -> tuple[int, list[tuple[int, str]]]:
    """Read each row as a *kind*, save the good ones in batches; return kept and refused rows."""
    from talentpool.documents import from_document

    refused: list[tuple[int, str]] = []
    kept = 0
    batch: list[tuple[int, Any]] = []

    def flush() -> None:
        nonlocal kept
        try:
            save([entity for _, entity in batch])
            kept += len(batch)
        except TalentpoolError:  # find the rows the store refused, one by one
            for number, entity in batch:
                try:
                    save([entity])
                    kept += 1
                except TalentpoolError as e:
                    refused.append((number, _one_line(e).split(" (got ")[0]))
        progress(len(batch))
        batch.clear()

    for number, document in rows:
        if isinstance(document, Exception):
            refused.append((number, str(document)))
            continue
        try:
            batch.append((number, from_document(kind, document)))
        except (TalentpoolError, TypeError, ValueError) as e:
            refused.append((number, _one_line(e)))
            continue
        if len(batch) >= _IMPORT_BATCH:
            flush()
    if batch:
        flush()
    refused.sort()
    return kept, refused


def _run_import(args: argparse.Namespace, out: TextIO) -> int:
    from talentpool.adapters.sql import Sync
    from talentpool.model import Candidate, Submission

    fmt = args.format or {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(
        Path(args.file).suffix.lower()
    )
    if fmt is None:
        raise CliError(EXIT_USAGE, f"cannot tell the format of {args.file!r}: pass --format")
    store = _open(args.database, create=args.create)
    if args.create and (args.account or not _accounts(store)):
        account = args.account or "default"
        uow = store.unit_of_work(account)
        with uow:  # the account's settings row is what the other commands find it by
            uow.settings.save(uow.settings.get())
            uow.commit()
    else:
        account = _account(store, args.account)
    sync = Sync(store, account)
    kind: type[Any] = Candidate if args.kind == "candidates" else Submission
    save = sync.save_candidates if args.kind == "candidates" else sync.save_submissions
    try:
        file = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as e:
        raise CliError(EXIT_USAGE, f"cannot read {args.file}: {e.strerror}") from None
    progress = _Progress(None)
    try:
        with file:
            kept, refused = _load(_rows(file, fmt, args.kind), kind, save, progress)
    except UnicodeDecodeError:
        raise CliError(EXIT_USAGE, f"{args.file} is not UTF-8 text") from None
    finally:
        progress.close()
    if args.json:
        out.write(
            _json(
                {
                    "account": account,
                    "kind": args.kind,
                    "kept": kept,
                    "refused": [{"line": n, "reason": r} for n, r in refused],
                }
            )
        )
    else:
        out.write(f"{kept} {args.kind} imported into {account!r}; {len(refused)} rows refused\n")
        out.write("".join(f"  line {n}: {r}\n" for n, r in refused))
    return EXIT_ROWS if refused else EXIT_OK


# --- report --------------------------------------------------------------------------------


def _configure_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("requisition", help="the requisition's id")
    parser.add_argument(
        "--html", metavar="FILE", required=True, help="where to write the page ('-': stdout)"
    )
    parser.add_argument(
        "--top", type=_limit, default=20, help="how many result rows to list (default: 20)"
    )
    _database_options(parser)
    _clock_option(parser)
    _viewer_option(parser)


def _run_report(args: argparse.Namespace, out: TextIO) -> int:
    from talentpool.html import pool_report

    uow = _unit_of_work(args)
    page = pool_report(
        uow, _clock(args), args.requisition, top=args.top, viewer_id=_viewer(args, uow)
    )
    if args.html == "-":
        out.write(page)
        return EXIT_OK
    try:
        Path(args.html).write_text(page, encoding="utf-8")
    except OSError as e:
        raise CliError(EXIT_OUTPUT, f"cannot write {args.html}: {e.strerror}") from None
    out.write(f"wrote {args.html} ({len(page.encode('utf-8')):,} bytes)\n")
    return EXIT_OK


COMMANDS: tuple[Command, ...] = (
    Command(
        "demo",
        "build (or reuse) a demo grocery chain in an SQLite file and print its autopool, "
        "micro-pools, a match, a repooling run and the pool after them",
        _configure_demo,
        _run_demo,
    ),
    Command("autopool", "list a requisition's pool", _configure_autopool, _run_autopool),
    Command(
        "explain",
        "say why a candidate is or is not in a requisition's pool",
        _configure_explain,
        _run_explain,
    ),
    Command(
        "funnel", "count what each criterion of a pool removes", _configure_funnel, _run_funnel
    ),
    Command(
        "repool",
        "run the repooling job (--dry-run: print what would change)",
        _configure_repool,
        _run_repool,
    ),
    Command(
        "digests",
        "send every digest that is due, once, by printing it (MP10)",
        _configure_digests,
        _run_digests,
    ),
    Command("migrate", "bring the database to the newest schema", _configure_migrate, _run_migrate),
    Command(
        "import",
        "load candidates or submissions from CSV or JSON Lines, keeping the good rows",
        _configure_import,
        _run_import,
    ),
    Command(
        "report",
        "write a requisition's pool as one self-contained HTML page",
        _configure_report,
        _run_report,
    ),
)
"""Every sub-command, in the order ``--help`` lists them."""


def _version() -> str:
    try:
        return version("talentpool")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``talentpool``, with every sub-command of :data:`COMMANDS`."""
    parser = _Parser(
        prog="talentpool",
        description=(
            "Micro-pools and automatic candidate pooling for applicant-tracking systems: "
            "the demo, and the jobs a host runs outside requests."
        ),
        epilog=(
            "exit codes: 0 done; 1 refused (unknown id, feature off, permission); 2 bad "
            "argument; 3 database missing, not a database, newer or locked; 4 output cannot be "
            "encoded or written; 5 import refused some rows"
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return parser


def _emit(text: str, stream: TextIO) -> None:
    """Write *text* whole, or raise :class:`CliError` before writing anything it cannot encode."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError as e:
        raise CliError(
            EXIT_OUTPUT,
            f"the output holds {e.object[e.start]!r}, which this terminal's encoding "
            f"({encoding}) cannot show: set PYTHONIOENCODING=utf-8 or use a UTF-8 locale",
        ) from None
    except LookupError:
        pass
    try:
        stream.write(text)
        stream.flush()
    except OSError as e:
        _silence(stream)
        reason = e.strerror or type(e).__name__
        raise CliError(EXIT_OUTPUT, f"cannot write the output: {reason}") from None


def _silence(stream: TextIO) -> None:
    """Point a failed standard output at the null device, so exiting does not fail again."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``talentpool`` with *argv* (the process's arguments by default); return the exit status.

    ``--help`` and ``--version`` return 0; the other statuses are the module's
    exit codes, each failure explained in one line on standard error.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits on --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else EXIT_FAILED
    run: Callable[[argparse.Namespace, TextIO], int] = args.run
    buffer = io.StringIO()
    try:
        try:
            code = run(args, buffer)
        finally:
            while _OPENED:
                _OPENED.pop().dispose()
        _emit(buffer.getvalue(), sys.stdout)
    except CliError as e:
        code = e.code
        message = str(e)
    except NotFoundError as e:
        code, message = EXIT_FAILED, _one_line(e)
    except StorageError as e:
        code, message = EXIT_DATABASE, _one_line(e)
    except TalentpoolError as e:
        code, message = EXIT_FAILED, _one_line(e)
    except ImportError as e:  # an extra the command needs is not installed
        missing = e.name or str(e)
        code, message = EXIT_FAILED, f"{missing} is not installed: pip install 'talentpool[demo]'"
    except KeyboardInterrupt:
        code, message = 130, "interrupted"
    else:
        return code
    if code != EXIT_OUTPUT and buffer.getvalue():
        with contextlib.suppress(CliError):  # what was done before the failure
            _emit(buffer.getvalue(), sys.stdout)
    sys.stderr.write(f"talentpool {args.command}: {message}\n")
    return code


if __name__ == "__main__":  # pragma: no cover - ``python -m talentpool.cli``
    sys.exit(main())
