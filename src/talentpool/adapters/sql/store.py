"""The SQL store (ST3, ST6): every port of the core over SQLAlchemy Core.

:class:`SqlStore` is one database holding talentpool's tables (under a prefix,
optionally in a schema); :meth:`SqlStore.unit_of_work` opens a
:class:`SqlUnitOfWork` for one account, the unit of work every service takes.
Inside ``with uow:`` every read and write of the calling thread goes through one
connection and one transaction; a nested ``with`` is a savepoint; ``commit``
keeps what was written so far. Outside a ``with`` each call is its own short
transaction, as the in-memory store's writes take effect at once.

A unit of work can also join a connection the host already has open, inside the
host's own transaction (``SqlStore.unit_of_work(account, connection=...)``): its
``with`` blocks are then savepoints of the host's transaction, and the host's
commit or rollback decides for both.

Every query port is answered by one statement compiled from the bound query
(:mod:`talentpool.adapters.sql.compiler`); rows are then built from the page's
own records only. No database error reaches the caller raw: a lock held too
long is :class:`~talentpool.errors.StoreBusyError`, a write that contradicts
what is stored is :class:`~talentpool.errors.ConflictError`, anything else
:class:`~talentpool.errors.StorageError`.
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self, TypeVar

import attrs
from sqlalchemy import (
    Connection,
    Engine,
    NestedTransaction,
    RootTransaction,
    Select,
    Table,
    and_,
    bindparam,
    create_engine,
    delete,
    desc,
    event,
    func,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from talentpool.adapters.reference import responses_page
from talentpool.adapters.sql.compiler import Compiled, Compiler, Dialect, Edges, pool_of
from talentpool.adapters.sql.facts import refresh
from talentpool.adapters.sql.fulltext import (
    Terms,
    candidate_tokens,
    count_matches,
    forget_tokens,
    full_text_matches,
    index_tokens,
)
from talentpool.adapters.sql.migrations import migrate
from talentpool.adapters.sql.schema import DEFAULT_PREFIX, Schema
from talentpool.adapters.sql.tagcounts import read_tag_counts, retag
from talentpool.audit import event_from_dict, event_to_dict
from talentpool.clock import micros, require_aware
from talentpool.criteria import AutopoolCriteria, QuickFilter
from talentpool.documents import from_document, to_document
from talentpool.engine import (
    Bound,
    BoundAll,
    BoundAny,
    BoundNot,
    BoundOwnedBy,
    BoundRadius,
    Matcher,
)
from talentpool.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    StorageError,
    StoreBusyError,
)
from talentpool.events import EVENT_TYPES, DomainEvent
from talentpool.geo import GeoPoint, distance_km
from talentpool.ids import (
    CandidateId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    UserId,
)
from talentpool.model import (
    AccountSettings,
    Application,
    Attachment,
    Candidate,
    CandidateRecord,
    Dimension,
    RepoolingRule,
    Requisition,
    RequisitionTemplate,
    Share,
    ShareKind,
    StructureTree,
    Submission,
    SubmissionStatus,
    Subscription,
    Tag,
    User,
    with_share,
)
from talentpool.notifications import (
    DigestEntry,
    Notification,
    NotificationChannel,
    NotificationSettings,
)
from talentpool.ports.alerts import AfterCommit, CommitCheck, PoolWatch, WatchedPool, judge
from talentpool.ports.privacy import ErasedRows
from talentpool.queries import (
    CandidateDatabaseQuery,
    CandidatePage,
    CandidateQuery,
    ListingPage,
    ListingSortKey,
    ResponsesPage,
    ResponsesQuery,
)
from talentpool.results import SortKey, make_row, page, sort_rows
from talentpool.text import fold

__all__ = ["SqlStore", "SqlUnitOfWork"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

T = TypeVar("T")
_DISTANCE_FUNCTION = "talentpool_distance_km"
PLANNER_SETTINGS: Mapping[str, str] = {
    # A page reads a few hundred rows: starting a parallel worker costs more than it
    # saves, and far more on a busy server (PF2).
    "max_parallel_workers_per_gather": "0",
    # The count of a listing with a word at 1M is costed above jit_above_cost: compiling
    # its expressions took 15 ms and made the count no faster (PF3, docs/scaling.md).
    "jit": "off",
    # The count of a listing with a word reads its matches through a bitmap of the GIN
    # index's rows: in 4 MB (the server's default) the bitmap of 110,000 matches at 1M
    # goes lossy and every row of a third of the table's pages is tested again; in 32 MB
    # it stays exact (PF3, docs/scaling.md).
    "work_mem": "32MB",
}
"""The planner settings of every PostgreSQL unit of work, for its transaction only."""
_PLANNER_SETTINGS = text(
    "SELECT " + ", ".join(f"set_config('{k}', '{v}', true)" for k, v in PLANNER_SETTINGS.items())
)
_UPSERTS: dict[str, Callable[[Table], Any]] = {"sqlite": sqlite_insert, "postgresql": pg_insert}
_EVENTS = {kind.__name__: kind for kind in EVENT_TYPES}


def _dumps(value: object, documents: Mapping[str, Any] | None = None) -> str:
    """The JSON text of *value*'s document, or of the one *documents* holds for its id."""
    key = getattr(value, "id", None)
    document = documents.get(key) if documents is not None and isinstance(key, str) else None
    return json.dumps(
        to_document(value) if document is None else document, sort_keys=True, ensure_ascii=False
    )


def _loads(kind: type[T], text: str) -> T:
    loaded: T = from_document(kind, json.loads(text))
    return loaded


@functools.lru_cache(maxsize=4096)
def _requisition(text: str) -> Requisition:
    """A requisition read from its stored text; the same text is read once (entities are frozen)."""
    return _loads(Requisition, text)


def _geodesic(lat: float | None, lon: float | None, clat: float, clon: float) -> float | None:
    if lat is None or lon is None:
        return None
    return distance_km(GeoPoint(clat, clon), GeoPoint(lat, lon))


def _sqlite_distance(lat: Any, lon: Any, clat: float, clon: float) -> Any:
    return func.talentpool_distance_km(lat, lon, literal(clat), literal(clon))


def _dialect(name: str) -> Dialect:
    if name == "sqlite":
        return Dialect(name, _sqlite_distance)
    return Dialect(name)


_MATH = {
    "sin": (1, math.sin),
    "cos": (1, math.cos),
    "asin": (1, math.asin),
    "sqrt": (1, math.sqrt),
}
"""SQLite's math functions the compiler's spherical distance uses, for a build without them."""


def _register_math(dbapi_connection: Any) -> None:
    try:
        dbapi_connection.execute("SELECT sin(0), cos(0), asin(0), sqrt(0)").fetchall()
    except sqlite3.OperationalError:
        for name, (arity, function) in _MATH.items():
            dbapi_connection.create_function(name, arity, _nullable(function), deterministic=True)


def _nullable(function: Callable[[float], float]) -> Callable[[float | None], float | None]:
    def call(x: float | None) -> float | None:
        return None if x is None else function(x)

    return call


def _prepare_sqlite(dbapi_connection: Any, busy_timeout: float, *, wal: bool) -> None:
    # The standard driver begins transactions itself, late and DEFERRED; talentpool
    # begins its own (BEGIN IMMEDIATE, below), so the driver must not.
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function(_DISTANCE_FUNCTION, 4, _geodesic, deterministic=True)
    _register_math(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    cursor.execute("PRAGMA foreign_keys = OFF")
    if wal:
        # Here, before any transaction: SQLite refuses to change the journal mode inside
        # one, and every transaction of this engine begins at once (BEGIN IMMEDIATE).
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


class SqlStore:
    """A database holding talentpool's tables, for any number of accounts (ST3, ST6).

    Args:
        url: An SQLAlchemy URL (``"sqlite:///talent.db"``) or an engine the host made.
        prefix: Put before every table name, so the tables can share a host's database.
        schema: The database schema the tables live in (PostgreSQL), if not the default.
        busy_timeout: How long, in seconds, a write waits for another process's lock
            before :class:`~talentpool.errors.StoreBusyError`.
        migrate: Whether to create or upgrade the tables now (the default); a host
            that migrates at deploy time calls :meth:`migrate` itself.

    On SQLite the store turns on write-ahead logging, sets the busy timeout and
    begins every unit of work with ``BEGIN IMMEDIATE``, so two processes writing
    at once wait for each other instead of failing.
    """

    def __init__(
        self,
        url: str | Engine,
        *,
        prefix: str = DEFAULT_PREFIX,
        schema: str | None = None,
        busy_timeout: float = 5.0,
        migrate: bool = True,
    ) -> None:
        self.schema = Schema(prefix, schema)
        self.busy_timeout = busy_timeout
        self._bulk: ContextVar[bool] = ContextVar(f"talentpool_bulk_{id(self)}", default=False)
        self.commit_checks: dict[str, CommitCheck] = {}
        """The pool alerts' commit check of each account (AP16)."""
        self.engine = create_engine(url) if isinstance(url, str) else url
        self.dialect = _dialect(self.engine.dialect.name)
        if self.dialect.name == "sqlite":
            self._configure_sqlite()
        if migrate:
            self.migrate()

    def _configure_sqlite(self) -> None:
        timeout = self.busy_timeout
        wal = self.engine.url.database not in (None, "", ":memory:")

        @event.listens_for(self.engine, "connect")
        def _connect(dbapi_connection: Any, record: Any) -> None:
            _prepare_sqlite(dbapi_connection, timeout, wal=wal)

        @event.listens_for(self.engine, "begin")
        def _begin(connection: Connection) -> None:
            if connection.get_execution_options().get(_OUTSIDE):
                return
            # A bulk stream's transactions skip the wait for the disk at each commit and
            # copy the log into the database less often (SQLite changes the first only
            # between transactions, so both are set here, before BEGIN).
            bulk = self._bulk.get()
            if connection.info.get(_BULK) is not bulk:
                synchronous, checkpoint = _BULK_SETTINGS if bulk else _USUAL_SETTINGS
                connection.exec_driver_sql(f"PRAGMA synchronous = {synchronous}")
                connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {checkpoint}")
                connection.info[_BULK] = bulk
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Within the block, this thread's SQLite transactions commit without waiting for the disk.

        For a bulk stream (:class:`~talentpool.adapters.sql.Sync`'s ``save_*`` of
        many batches, PF4): in write-ahead logging a commit then returns once the
        log holds it, and the disk catches up at the next checkpoint, which comes
        once the log holds about 100 MB rather than 4 MB. Every batch is still
        atomic and the database consistent; what a power cut may lose is the last
        batches, which replaying the stream writes again. Outside the block, every
        commit waits for the disk as before. No effect elsewhere than on an SQLite
        file.
        """
        token = self._bulk.set(True)
        try:
            yield
        finally:
            self._bulk.reset(token)

    def optimize(self) -> None:
        """Bring the database's own bookkeeping up to date, after a bulk import (PF2, PF4).

        On PostgreSQL, ``VACUUM (ANALYZE)`` of the store's tables: the planner
        learns their sizes and the spread of their values, and the visibility map
        lets an index answer a pool without visiting the table for every freshly
        written row. On an SQLite file, the write-ahead log is copied into the
        database and emptied (a bulk stream leaves up to about 100 MB in it).
        Readers and writers carry on meanwhile; on a large database it takes a
        while (``docs/performance.md``).
        """
        with _translated(self.busy_timeout, "optimize the tables"):
            if self.dialect.name == "postgresql":
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    quote = c.dialect.identifier_preparer.format_table
                    for table in self.schema.metadata.sorted_tables:
                        c.exec_driver_sql(f"VACUUM (ANALYZE) {quote(table)}")
            elif self.engine.url.database not in (None, "", ":memory:"):
                with self.engine.connect().execution_options(**{_OUTSIDE: True}) as c:
                    c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def migrate(self) -> int:
        """Create or upgrade the tables; return the schema version the database had (0: none)."""
        with _translated(self.busy_timeout, "migrate the tables"), self.engine.begin() as c:
            return migrate(c, self.schema)

    def unit_of_work(self, account: str, *, connection: Connection | None = None) -> SqlUnitOfWork:
        """Return a unit of work over *account*'s rows.

        With *connection*, the unit of work joins the host's open connection: its
        blocks become savepoints of the host's transaction.
        """
        return SqlUnitOfWork(self, account, connection)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


_BULK = "talentpool_bulk"
_OUTSIDE = "talentpool_outside_transactions"
"""The execution option of a connection whose statements run outside any transaction."""
"""Where a pooled SQLite connection remembers whether it was last set up for a bulk stream."""
_USUAL_SETTINGS = ("FULL", 1000)
"""SQLite's ``synchronous`` and ``wal_autocheckpoint`` (pages) outside a bulk stream."""
_BULK_SETTINGS = ("NORMAL", 25_000)
"""The same inside one: no wait for the disk at a commit, and the write-ahead log copied
into the database once it holds about 100 MB rather than 4 MB, so a page written by
many batches (an index's) is copied once rather than once per batch."""

_BUSY = ("locked", "busy", "deadlock", "could not serialize", "lock timeout")
"""What a database says when another transaction is in the way: retrying helps."""

_FULL = ("SQLITE_FULL", "53100", "53200")  # SQLite; PostgreSQL's disk_full, out_of_memory
_READ_ONLY = ("SQLITE_READONLY", "25006")  # SQLite; PostgreSQL's read_only_sql_transaction


def _code(orig: BaseException | None) -> str:
    """The driver's error code: SQLite's name (``SQLITE_FULL``) or PostgreSQL's SQLSTATE."""
    name = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None)
    return name if isinstance(name, str) else ""


def _first_line(orig: BaseException | None) -> str:
    # The driver's own words, without the statement and parameters SQLAlchemy appends:
    # those may hold a candidate's personal data and make the message unreadable.
    return str(orig).strip().splitlines()[0] if orig is not None and str(orig).strip() else ""


@contextmanager
def _translated(busy_timeout: float, what: str) -> Iterator[None]:
    """Turn database errors into library errors that say what to do."""
    try:
        yield
    except sa_exc.IntegrityError as e:
        raise ConflictError(
            f"could not {what}: it contradicts what is stored ({_first_line(e.orig)})"
        ) from e
    except sa_exc.DBAPIError as e:
        code, said = _code(e.orig), _first_line(e.orig)
        lowered = said.lower()
        if code.startswith(_FULL) or "disk is full" in lowered or "no space left" in lowered:
            msg = (
                f"the database is full (no space left on its disk, or its size limit reached) "
                f"and could not {what}; nothing of this unit of work was written. Free space "
                f"and retry ({said})."
            )
            raise StorageError(msg) from e
        if code.startswith(_READ_ONLY) or "readonly" in lowered or "read-only" in lowered:
            msg = (
                f"the database is read-only (opened read-only, a read-only file or a "
                f"standby server) and could not {what}; nothing was written. Open the store "
                f"on a writable database ({said})."
            )
            raise StorageError(msg) from e
        if isinstance(e, sa_exc.OperationalError) and any(w in lowered for w in _BUSY):
            raise StoreBusyError(busy_timeout, what) from e
        raise StorageError(
            f"the database refused to {what}: {said or type(e.orig).__name__}"
        ) from e
    except sa_exc.SQLAlchemyError as e:
        raise StorageError(f"the database failed to {what}: {_first_line(e)}") from e


@attrs.define
class _Thread:
    """One thread's open unit of work: its connection, transaction and savepoints."""

    connection: Connection | None = None
    transaction: RootTransaction | NestedTransaction | None = None
    savepoints: list[NestedTransaction] = attrs.field(factory=list)
    depth: int = 0
    touched: set[str] = attrs.field(factory=set)  # candidates written, for pool alerts (AP16)

    def open(self) -> Connection:
        """The connection of the open block."""
        if self.connection is None:
            msg = "no unit of work is open on this thread; use it inside `with uow:`"
            raise StorageError(msg)
        return self.connection


class SqlUnitOfWork:
    """Every port of the core over one account's rows (see the module docs).

    Args:
        store: The database.
        account: Whose rows; nothing else is ever read or written (ST6).
        connection: A host's open connection to join, if any.
    """

    def __init__(self, store: SqlStore, account: str, connection: Connection | None = None) -> None:
        if not isinstance(account, str) or not account.strip():
            raise DomainError("account", account, "must be a non-blank account id")
        self.store = store
        self.account = account
        self._host = connection
        if connection is not None and store.dialect.name == "sqlite":
            _register_functions(connection)
        self._local = threading.local()
        self.candidates = SqlCandidates(self)
        self.submissions = SqlSubmissions(self)
        self.requisitions = SqlRequisitions(self)
        self.templates = _DocumentRepository(
            self, store.schema.templates, RequisitionTemplate, "template"
        )
        self.users = SqlUsers(self)
        self.structures = SqlStructures(self)
        self.quick_filters = SqlQuickFilters(self)
        self.settings = SqlSettings(self)
        self.attachments = SqlAttachments(self)
        self.repooling_rules = SqlRepoolingRules(self)
        self.subscriptions = SqlSubscriptions(self)
        self.visibility = SqlVisibilityIndex(self)
        self.notification_settings = SqlNotificationSettings(self)
        self.notifications = SqlNotifications(self)
        self.shares = SqlShares(self)
        self.digests = SqlDigestQueue(self)
        self.erasure = SqlEraser(self)
        self.events = SqlEvents(self)
        self.alerts = SqlAlerts(self)

    # --- transactions -------------------------------------------------------------------

    @property
    def _thread(self) -> _Thread:
        state: _Thread | None = getattr(self._local, "state", None)
        if state is None:
            state = _Thread()
            self._local.state = state
        return state

    def __enter__(self) -> Self:
        """Begin an action; a nested block is a savepoint of the outer one."""
        t = self._thread
        with _translated(self.store.busy_timeout, "begin a unit of work"):
            if t.depth == 0:
                t.touched.clear()
                connection = self._host if self._host is not None else self._connect()
                try:
                    t.transaction = self._begin(connection)
                except BaseException:
                    # Busy, say: give the connection back, or this thread's later calls
                    # would run on it outside any transaction.
                    if self._host is None:
                        connection.close()
                    raise
                t.connection = connection
            else:
                t.savepoints.append(self._begun(t).begin_nested())
        t.depth += 1
        return self

    def _connect(self) -> Connection:
        """A connection of the store's own for one unit of work.

        On PostgreSQL its transaction reads one snapshot from its first statement to
        its commit (``REPEATABLE READ``), so a unit of work sees one consistent state,
        as the port promises; a write that another transaction changed meanwhile is
        refused by the database and reaches the caller as ``StoreBusyError``, to retry.
        SQLite's ``BEGIN IMMEDIATE`` already makes every unit of work wait its turn.
        """
        connection = self.store.engine.connect()
        if self.store.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        return connection

    def _begin(self, connection: Connection) -> RootTransaction | NestedTransaction:
        if self._host is not None and connection.in_transaction():
            return connection.begin_nested()
        transaction = connection.begin()
        if self.store.dialect.name == "postgresql":
            # Only this transaction's plans (PF2, PF3): see PLANNER_SETTINGS.
            connection.execute(_PLANNER_SETTINGS)
        return transaction

    def _begun(self, t: _Thread) -> Connection:
        """The open block's connection, in a transaction.

        A commit or rollback of the outermost block ends its transaction; the next
        one begins with the block's next statement, not at once: on SQLite that
        takes the write lock again, and a commit that had to wait for it would
        report a busy database for writes it had already made permanent.
        """
        connection = t.open()
        if t.transaction is None:
            t.transaction = self._begin(connection)
        return connection

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End the block, undoing what it did not commit."""
        t = self._thread
        t.depth -= 1
        try:
            with _translated(self.store.busy_timeout, "roll back"):
                if t.depth > 0:
                    savepoint = t.savepoints.pop()
                    if savepoint.is_active:
                        savepoint.rollback()
                    return
                if t.transaction is not None and t.transaction.is_active:
                    t.transaction.rollback()
        finally:
            if t.depth == 0:
                if t.connection is not None and self._host is None:
                    t.connection.close()
                t.connection, t.transaction, t.savepoints = None, None, []

    def commit(self) -> None:
        """Keep the block's writes so far: permanent in the outermost block of its own connection.

        Joined to a host's transaction, the outermost commit releases the
        savepoint; the host's commit makes it permanent.
        """
        t = self._thread
        if t.depth == 0:
            return
        after = self._check() if t.depth == 1 else None
        with _translated(self.store.busy_timeout, "commit"):
            if t.depth == 1:
                if t.transaction is not None:
                    t.transaction.commit()
                    t.transaction = None  # the next statement begins the next (see _begun)
            else:
                t.savepoints.pop().commit()
                t.savepoints.append(t.open().begin_nested())
        if after is not None:
            after()

    def touch(self, ids: Iterable[str]) -> None:
        """Note candidates this unit of work wrote, for the pool alerts' check (AP16)."""
        self._thread.touched.update(ids)

    def _check(self) -> AfterCommit | None:
        """Run the pool alerts' check over the candidates written, if any (AP16)."""
        t = self._thread
        after = judge(self.store.commit_checks.get(self.account), self, t.touched)
        t.touched.clear()  # only once judged: a commit retried after a failed check judges again
        return after

    def rollback(self) -> None:
        """Undo the block's writes since its last commit."""
        t = self._thread
        if t.depth == 0:
            return
        with _translated(self.store.busy_timeout, "roll back"):
            if t.depth == 1:
                if t.transaction is not None:
                    t.transaction.rollback()
                    t.transaction = None
            else:
                t.savepoints.pop().rollback()
                t.savepoints.append(t.open().begin_nested())

    def run(self, what: str, work: Callable[[Connection], T]) -> T:
        """Run *work* on this thread's connection (its own transaction outside a block)."""
        t = self._thread
        with _translated(self.store.busy_timeout, what):
            if t.connection is not None:
                return work(self._begun(t) if t.depth > 0 else t.connection)
            if self._host is not None:
                # A savepoint: a write that fails halfway leaves nothing of itself in the
                # host's transaction, and the host's transaction goes on. The host commits
                # it, so the alerts' sweep, not a commit check, sees what it wrote (AP16).
                with self._host.begin_nested():
                    try:
                        return work(self._host)
                    finally:
                        t.touched.clear()
            with self.store.engine.begin() as connection:
                # Calls made by *work* reuse this transaction instead of opening another,
                # which on SQLite would wait for this one's lock.
                t.connection = connection
                try:
                    done = work(connection)
                    # judged as a unit of work of its own: the check's blocks are savepoints
                    t.transaction, t.depth = connection.get_transaction(), 1
                    after = self._check()
                finally:
                    t.connection, t.transaction, t.depth = None, None, 0
                    t.touched.clear()
        if after is not None:
            after()
        return done

    @property
    def schema(self) -> Schema:
        """The tables."""
        return self.store.schema

    def full_text_only(self, node: Bound) -> Terms | None:
        """The full-text terms when the index alone decides *node* (see :class:`Compiler`)."""
        compiler = Compiler(self.schema, self.account, self.store.dialect)
        return compiler.full_text_only(node)

    def compile(
        self, node: Any, *, edges: Edges | None = None, ring: BoundRadius | None = None
    ) -> Compiled:
        """Compile a bound tree for this account (see :meth:`Compiler.compile`)."""
        compiler = Compiler(self.schema, self.account, self.store.dialect)
        return compiler.compile(node, edges=edges, ring=ring)


def _register_functions(connection: Connection) -> None:
    raw = connection.connection.driver_connection
    if raw is not None:
        raw.create_function(_DISTANCE_FUNCTION, 4, _geodesic, deterministic=True)
        _register_math(raw)


# --- shared pieces -------------------------------------------------------------------------


class _Repository:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self._s = uow.schema
        self._account = uow.account

    def _run(self, what: str, work: Callable[[Connection], T]) -> T:
        return self._uow.run(what, work)

    def _mine(self, table: Table) -> Any:
        return table.c.account == self._account

    def _upsert(
        self, c: Connection, table: Table, keys: Mapping[str, Any], values: Mapping[str, Any]
    ) -> None:
        """Insert the row, or update it if its key is taken: one statement, race-free."""
        row = {"account": self._account, **keys, **values}
        dialect = c.dialect.name
        if dialect in _UPSERTS:
            statement = _UPSERTS[dialect](table).values(**row)
            key = [col.name for col in table.primary_key.columns]
            c.execute(statement.on_conflict_do_update(index_elements=key, set_=dict(values)))
            return
        where = and_(self._mine(table), *(table.c[k] == v for k, v in keys.items()))
        if c.execute(update(table).where(where).values(**values)).rowcount == 0:
            c.execute(table.insert().values(**row))

    def _replace_rows(
        self,
        c: Connection,
        table: Table,
        owner: str,
        owner_id: str,
        rows: Iterable[Mapping[str, Any]],
    ) -> None:
        c.execute(delete(table).where(self._mine(table), table.c[owner] == owner_id))
        batch = [{"account": self._account, owner: owner_id, **row} for row in rows]
        if batch:
            c.execute(table.insert(), batch)

    def _upsert_many(
        self, c: Connection, table: Table, key: str, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """Insert or update *rows* by their *key* column, a few statements per batch.

        Columns a row leaves out keep what is stored, as with :meth:`_upsert`. On
        SQLite and PostgreSQL one ``INSERT ... ON CONFLICT DO UPDATE`` per batch, so
        two writers of the same new row cannot both insert it.
        """
        if not rows:
            return
        dialect = c.dialect.name
        if dialect in _UPSERTS:
            statement = _UPSERTS[dialect](table)
            changed = {k: statement.excluded[k] for k in rows[0] if k != key}
            pk = [col.name for col in table.primary_key.columns]
            c.execute(
                statement.on_conflict_do_update(index_elements=pk, set_=changed),
                [{"account": self._account, **r} for r in rows],
            )
            return
        keys = [r[key] for r in rows]
        stored: set[Any] = set()
        for chunk in _chunks(keys):
            found = c.execute(
                select(table.c[key]).where(self._mine(table), table.c[key].in_(chunk))
            )
            stored.update(r[0] for r in found)
        old = [
            {"_key": r[key], **{k: v for k, v in r.items() if k != key}}
            for r in rows
            if r[key] in stored
        ]
        new = [{"account": self._account, **r} for r in rows if r[key] not in stored]
        if old:
            where = and_(self._mine(table), table.c[key] == bindparam("_key"))
            c.execute(update(table).where(where), old)
        if new:
            c.execute(table.insert(), new)

    def _replace_rows_many(
        self,
        c: Connection,
        table: Table,
        owner: str,
        rows: Mapping[str, Iterable[Mapping[str, Any]]],
    ) -> None:
        """:meth:`_replace_rows` for many owners at once: *rows* by owner id."""
        for chunk in _chunks(list(rows)):
            c.execute(delete(table).where(self._mine(table), table.c[owner].in_(chunk)))
        batch = [
            {"account": self._account, owner: owner_id, **row}
            for owner_id, owned in rows.items()
            for row in owned
        ]
        if batch:
            c.execute(table.insert(), batch)


def _chunks(keys: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """*keys* in slices small enough for any database's limit on bound parameters."""
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


class _DocumentRepository(_Repository):
    """Documents by key: templates, and the shape of the other keyed tables."""

    def __init__(self, uow: SqlUnitOfWork, table: Table, kind: type[Any], noun: str) -> None:
        super().__init__(uow)
        self._table, self._kind, self._noun = table, kind, noun

    def get(self, key: str) -> Any:
        """Return the document's entity, or raise ``NotFoundError``."""
        t = self._table

        def read(c: Connection) -> Any:
            row = c.execute(select(t.c.doc).where(self._mine(t), t.c.key == key)).first()
            if row is None:
                raise NotFoundError(self._noun, key)
            return _loads(self._kind, row[0])

        return self._run(f"read {self._noun} {key!r}", read)

    def _put(self, key: str, entity: object) -> None:
        t = self._table
        self._run(
            f"save {self._noun} {key!r}",
            lambda c: self._upsert(c, t, {"key": key}, {"doc": _dumps(entity)}),
        )

    def _remove(self, key: str) -> None:
        t = self._table

        def remove(c: Connection) -> None:
            if c.execute(delete(t).where(self._mine(t), t.c.key == key)).rowcount == 0:
                raise NotFoundError(self._noun, key)

        self._run(f"remove {self._noun} {key!r}", remove)

    def _all(self) -> list[Any]:
        t = self._table
        rows = self._run(
            f"list {self._noun}s",
            lambda c: c.execute(select(t.c.doc).where(self._mine(t)).order_by(t.c.key)).all(),
        )
        return [_loads(self._kind, r[0]) for r in rows]

    def save(self, entity: Any) -> None:
        """Insert or replace the entity."""
        self._put(entity.id, entity)


# --- candidates ----------------------------------------------------------------------------

_MAX_EDGE = 10_000
"""The most edge candidates a radius leaf lists as bound parameters; beyond, the
database's own geodesic (SQLite) or the rows that remain (PostgreSQL) decide."""


_FEW_MATCHES = 5_000
"""Up to this many matches, a listing's page is read by the matches' row ids and
sorted; above, along the creation index until the page is full (PF3)."""


def _count(c: Connection, base: Select[Any]) -> int:
    """How many rows *base* selects."""
    return int(c.execute(select(func.count()).select_from(base.subquery())).scalar_one())


def _page_and_total(
    c: Connection, ordered: Select[Any], offset: int, limit: int | None
) -> tuple[list[Any], int]:
    """The first column of *ordered*'s page and the exact number of rows it selects.

    One statement: the total is a window count over every row, taken before the
    page is cut. Only a page past the end needs a second statement to count.
    """
    counted = ordered.add_columns(func.count().over().label("total")).offset(offset)
    if limit is not None:
        counted = counted.limit(limit)
    rows = c.execute(counted).all()
    if rows:
        return [r[0] for r in rows], int(rows[0].total)
    return [], 0 if offset == 0 else _count(c, ordered.order_by(None))


def _radii(tree: Bound) -> list[tuple[BoundRadius, bool]]:
    """Every radius leaf of *tree*, each with whether it is one of the tree's top-level conditions.

    A leaf met once (no equal leaf elsewhere), as the tree itself or a child of its
    top ``AllOf``, filters the whole tree: every candidate who passes the tree passes
    the leaf, so its edge band may be read with the tree's other conditions.
    """
    found: list[BoundRadius] = []

    def walk(node: Bound) -> None:
        if isinstance(node, BoundRadius):
            found.append(node)
        elif isinstance(node, BoundAll | BoundAny):
            for child in node.children:
                walk(child)
        elif isinstance(node, BoundNot):
            walk(node.child)

    walk(tree)
    top = [tree] if not isinstance(tree, BoundAll) else list(tree.children)
    return [
        (leaf, sum(x == leaf for x in found) == 1 and any(x is leaf for x in top)) for leaf in found
    ]


@attrs.frozen
class _Pool:
    """One pool query, bound once and compiled: what the pool's answers read."""

    select: Select[Any]
    compiled: Compiled
    trees: Mapping[Dimension, StructureTree]
    tree: Bound


class SqlCandidates(_Repository):
    """Candidates, with their tags, languages and fields as rows the queries read."""

    def get(self, candidate_id: CandidateId) -> Candidate:
        """Return the candidate, or raise ``NotFoundError``."""
        t = self._s.candidates

        def read(c: Connection) -> Candidate:
            row = c.execute(select(t.c.doc).where(self._mine(t), t.c.id == candidate_id)).first()
            if row is None:
                raise NotFoundError("candidate", candidate_id)
            return _loads(Candidate, row[0])

        return self._run(f"read candidate {candidate_id!r}", read)

    def save(self, candidate: Candidate) -> None:
        """Insert or replace the candidate and the rows the queries read of it."""
        self._run(f"save candidate {candidate.id!r}", lambda c: self._write_all(c, [candidate]))

    def record(self, candidate_id: CandidateId) -> CandidateRecord:
        """Return the candidate with every submission and its requisition."""
        return self._run(
            f"read candidate {candidate_id!r}",
            lambda c: self._records(c, [candidate_id], strict=True)[candidate_id],
        )

    def _records(
        self,
        c: Connection,
        ids: Sequence[CandidateId],
        *,
        strict: bool = False,
        rows_only: bool = False,
    ) -> dict[CandidateId, CandidateRecord]:
        """The records of *ids*: two statements per slice of ids, whatever their number.

        With *rows_only*, for a pool's rows (:func:`~talentpool.results.make_row`),
        a record holds only the submissions the row reads: those whose submission
        or activity is the candidate's latest (the facts). A pool's candidates have
        no submission on its requisition (AP5), so those are the latest elsewhere,
        and every submission that ties for the latest is kept, in order (PF2).
        """
        s = self._s
        if not ids:
            return {}
        people: dict[CandidateId, Candidate] = {}
        for chunk in _chunks(list(ids)):
            found = c.execute(
                select(s.candidates.c.id, s.candidates.c.doc).where(
                    self._mine(s.candidates), s.candidates.c.id.in_(chunk)
                )
            )
            people.update((CandidateId(row.id), _loads(Candidate, row.doc)) for row in found)
        if strict:
            for cid in ids:
                if cid not in people:
                    raise NotFoundError("candidate", cid)
        sub, req = s.submissions, s.requisitions
        found_subs: list[Any] = []
        # In slices: a statement holds a bounded number of parameters on every database.
        for chunk in _chunks(list(people)):
            chosen = select(sub.c.candidate_id, sub.c.requisition_id, sub.c.doc).where(
                self._mine(sub), sub.c.candidate_id.in_(chunk)
            )
            if rows_only:
                cand = s.candidates.c
                chosen = chosen.join(
                    s.candidates, and_(cand.account == sub.c.account, cand.id == sub.c.candidate_id)
                ).where(
                    or_(
                        sub.c.submitted_at == cand.submitted_at,
                        sub.c.last_activity_at == cand.active_at,
                    )
                )
            found_subs.extend(c.execute(chosen.order_by(sub.c.submitted_at, sub.c.id)))
        # Each requisition once, however many of the candidates applied to it.
        positions: dict[str, Requisition] = {}
        for chunk in _chunks(sorted({r.requisition_id for r in found_subs})):
            for r in c.execute(
                select(req.c.id, req.c.doc).where(self._mine(req), req.c.id.in_(chunk))
            ):
                positions[r.id] = _requisition(r.doc)
        apps: dict[str, list[Application]] = {}
        for r in found_subs:
            if r.requisition_id in positions:
                apps.setdefault(r.candidate_id, []).append(
                    Application(_loads(Submission, r.doc), positions[r.requisition_id])
                )
        return {cid: CandidateRecord(p, apps.get(cid, ())) for cid, p in people.items()}

    # --- the pool ----------------------------------------------------------------------

    def _compiled(self, c: Connection, tree: Bound) -> Compiled:
        """*tree* compiled with the edge band of each radius measured first (ST3).

        For each radius leaf the candidates in its edge band are read (with the rest
        of the tree as a filter where the leaf is one of its top-level conditions),
        and the exact geodesic decides each; the tree is then compiled with them,
        so the database decides the whole tree, with its order and page.
        """
        t = self._s.candidates
        edges: dict[BoundRadius, list[str]] = {}
        for leaf, on_top in _radii(tree):
            if leaf in edges:
                continue
            ring = self._uow.compile(tree if on_top else leaf, edges=edges, ring=leaf)
            rows = c.execute(
                select(t.c.id, t.c.latitude, t.c.longitude).where(self._mine(t), ring.where)
            )
            inside = [r.id for r in rows if leaf.includes(GeoPoint(r.latitude, r.longitude))]
            if len(inside) <= _MAX_EDGE:
                edges[leaf] = inside
        return self._uow.compile(tree, edges=edges)

    def _pool(self, query: CandidateQuery, c: Connection) -> _Pool:
        """The pool bound once over the account's trees, and compiled."""
        trees = self._uow.structures._trees(c)
        tree = query.bound(trees)
        compiled = self._compiled(c, tree)
        t = self._s.candidates
        return _Pool(select(t.c.id).where(self._mine(t), compiled.where), compiled, trees, tree)

    def find(self, query: CandidateQuery) -> CandidatePage:
        """Answer a pool query in one statement: the ordered page and the exact total."""

        def answer(c: Connection) -> CandidatePage:
            pool = self._pool(query, c)
            base, ctx = pool.select, query.context(pool.trees)
            by_distance = query.order.key is SortKey.DISTANCE
            if not pool.compiled.exact or (
                by_distance and self._uow.store.dialect.distance is None
            ):
                return self._decided_in_memory(c, pool, query)
            if query.limit == 0:
                return CandidatePage((), _count(c, base))
            ids, total = _page_and_total(c, self._ordered(base, query), query.offset, query.limit)
            pooled = pool_of(pool.tree) == query.requisition.id
            records = self._records(c, ids, rows_only=pooled)
            rows = tuple(make_row(records[i], ctx) for i in ids)
            return CandidatePage(rows, total)

        return self._run("read a pool", answer)

    def _matching(self, c: Connection, pool: _Pool) -> list[CandidateRecord]:
        """The records of the rows the SQL condition kept that the reference matcher accepts."""
        ids = [CandidateId(r[0]) for r in c.execute(pool.select)]
        matcher = Matcher()
        return [r for r in self._records(c, ids).values() if matcher.matches(pool.tree, r)]

    def _decided_in_memory(
        self, c: Connection, pool: _Pool, query: CandidateQuery
    ) -> CandidatePage:
        """The pool decided on the rows the SQL condition kept, then ordered in memory."""
        hits = self._matching(c, pool)
        if query.limit == 0:
            return CandidatePage((), len(hits))
        ctx = query.context(pool.trees)
        rows = sort_rows((make_row(r, ctx) for r in hits), query.order)
        return CandidatePage(page(rows, query.offset, query.limit), len(hits))

    def _ordered(self, base: Select[Any], query: CandidateQuery) -> Select[Any]:
        t = self._s.candidates
        key = query.order.key
        values: list[Any]
        if key in (SortKey.LATEST_SUBMISSION, SortKey.LAST_ACTIVITY):
            # The facts read "on any requisition": for a pool's candidates, "on another" (AP5).
            values = [t.c.submitted_at if key is SortKey.LATEST_SUBMISSION else t.c.active_at]
        elif key is SortKey.NAME:
            values = [t.c.family_key, t.c.given_key]
        elif key is SortKey.CITY:
            values = [t.c.city_key]
        else:
            centre = query.requisition.primary_location
            if centre is None or self._uow.store.dialect.distance is None:
                values = [literal(None)]
            else:
                values = [
                    self._uow.store.dialect.distance(
                        t.c.latitude, t.c.longitude, centre.latitude, centre.longitude
                    )
                ]
        unknown = values[0].is_(None)
        order = [unknown] + [desc(v) if query.order.descending else v for v in values]
        return base.order_by(*order, t.c.id)

    def find_ids(self, query: CandidateQuery) -> frozenset[CandidateId]:
        """Return the ids of every candidate in the pool."""
        unpaged = attrs.evolve(query, limit=None, offset=0)

        def answer(c: Connection) -> frozenset[CandidateId]:
            pool = self._pool(unpaged, c)
            if not pool.compiled.exact:
                return frozenset(r.candidate.id for r in self._matching(c, pool))
            return frozenset(CandidateId(r[0]) for r in c.execute(pool.select))

        return self._run("read a pool", answer)

    # --- the candidate database --------------------------------------------------------

    def _listing(
        self, query: CandidateDatabaseQuery, c: Connection
    ) -> tuple[Select[Any], Compiled]:
        trees = self._uow.structures._trees(c)
        compiled = self._compiled(c, query.bound(trees))
        t = self._s.candidates
        return select(t.c.id).where(self._mine(t), compiled.where), compiled

    def search(self, query: CandidateDatabaseQuery) -> ListingPage:
        """Answer a candidate-database query: the page and the exact total.

        A listing decided by the full-text index alone (a micro-pool with a word,
        MP6) is counted by the index and its page read by row id (PF3); any other in
        one statement.
        """

        def answer(c: Connection) -> ListingPage:
            trees = self._uow.structures._trees(c)
            tree = query.bound(trees)
            t = self._s.candidates
            terms = self._uow.full_text_only(tree)
            if terms is not None:
                return self._indexed(c, query, terms)
            compiled = self._compiled(c, tree)
            chosen = select(t.c.id).where(self._mine(t), compiled.where)
            if query.limit == 0:
                return ListingPage((), _count(c, chosen))
            # The page's ids first: every matching row is counted, only the page's documents
            # are read (PF3).
            ids, total = _page_and_total(
                c, self._listing_order(chosen, query), query.offset, query.limit
            )
            return ListingPage(self._documents(c, ids), total)

        return self._run("list candidates", answer)

    def _listing_order(self, chosen: Select[Any], query: CandidateDatabaseQuery) -> Select[Any]:
        t = self._s.candidates
        if query.order.key is ListingSortKey.NAME:
            values: list[Any] = [t.c.family_key, t.c.given_key]
        else:
            values = [t.c.created_at]
        order = [desc(v) if query.order.descending else v for v in values]
        return chosen.order_by(*order, t.c.id)

    def _documents(self, c: Connection, ids: Sequence[str]) -> tuple[Candidate, ...]:
        t = self._s.candidates
        docs = dict(c.execute(select(t.c.id, t.c.doc).where(self._mine(t), t.c.id.in_(ids))).all())
        return tuple(_loads(Candidate, docs[i]) for i in ids)

    def _indexed(self, c: Connection, query: CandidateDatabaseQuery, terms: Terms) -> ListingPage:
        """A listing of tags and words ANDed: counted by the index, its page read by row id.

        On SQLite the index alone counts the matches, with no candidate row read.
        The page is read newest first along the creation index, each row tested
        against the index's matches, so it stops at the page's last row; when the
        matches are few (or the order is by name) they are read by row id and
        sorted instead, rather than walking the whole index past them.
        """
        t = self._s.candidates
        where = full_text_matches(self._s, c.dialect.name, terms)
        assert where is not None
        chosen = select(t.c.id).where(self._mine(t), where)
        total = count_matches(c, self._s, self._account, terms)
        if total is None:
            total = _count(c, chosen)
        if query.limit == 0 or total <= query.offset:
            return ListingPage((), total)
        walk = query.order.key is ListingSortKey.CREATED and total > _FEW_MATCHES
        if not walk and c.dialect.name == "sqlite":
            # The account compared through a function, so SQLite reads the matches by
            # their row ids rather than every candidate of the account by its index.
            account = func.coalesce(t.c.account, t.c.account) == self._account
            chosen = select(t.c.id).where(account, where)
        ordered = self._listing_order(chosen, query).offset(query.offset)
        if query.limit is not None:
            ordered = ordered.limit(query.limit)
        ids = [r[0] for r in c.execute(ordered)]
        return ListingPage(self._documents(c, ids), total)

    def search_ids(self, query: CandidateDatabaseQuery) -> frozenset[CandidateId]:
        """Return the ids of every candidate the listing holds."""

        def answer(c: Connection) -> frozenset[CandidateId]:
            base, _ = self._listing(query, c)
            return frozenset(CandidateId(r[0]) for r in c.execute(base))

        return self._run("list candidates", answer)

    def __iter__(self) -> Iterator[Candidate]:
        """Iterate over every candidate, in id order."""
        t = self._s.candidates
        rows = self._run(
            "list candidates",
            lambda c: c.execute(select(t.c.doc).where(self._mine(t)).order_by(t.c.id)).all(),
        )
        return iter([_loads(Candidate, r[0]) for r in rows])

    def __len__(self) -> int:
        t = self._s.candidates
        return int(
            self._run(
                "count candidates",
                lambda c: c.execute(select(func.count()).where(self._mine(t))).scalar_one(),
            )
        )

    def save_all(
        self, candidates: Sequence[Candidate], *, documents: Mapping[str, Any] | None = None
    ) -> None:
        """Insert or replace every one of *candidates* as :meth:`save` does, in a few statements.

        The sync API's batches (ST7) go through here; a candidate given twice is
        saved as the last one given. *documents* may hold, by candidate id, the
        documents (:func:`~talentpool.documents.to_document`) the caller has made
        of them already.
        """
        self._run(
            f"save {len(candidates)} candidates",
            lambda c: self._write_all(c, candidates, documents),
        )

    def _write_all(
        self,
        c: Connection,
        candidates: Sequence[Candidate],
        documents: Mapping[str, Any] | None = None,
    ) -> None:
        s = self._s
        latest = {candidate.id: candidate for candidate in candidates}
        rows = []
        for candidate in latest.values():
            consent = candidate.consent
            home = candidate.residence
            family_key, given_key = candidate.sort_name
            rows.append(
                {
                    "id": candidate.id,
                    "created_at": micros(candidate.created_at),
                    "family_key": family_key,
                    "given_key": given_key,
                    "city_key": None if candidate.city is None else fold(candidate.city),
                    "latitude": None if home is None else home.latitude,
                    "longitude": None if home is None else home.longitude,
                    "profile_language": candidate.profile_language,
                    "consent_given": consent is not None,
                    "consent_expires_at": None
                    if consent is None or consent.expires_at is None
                    else micros(consent.expires_at),
                    "consent_withdrawn_at": None
                    if consent is None or consent.withdrawn_at is None
                    else micros(consent.withdrawn_at),
                    "words": " ".join(sorted(candidate.words)),
                    "tokens": candidate_tokens(
                        self._account, (t.key for t in candidate.tags), candidate.words
                    ),
                    "doc": _dumps(candidate, documents),
                }
            )
        ids = [str(r["id"]) for r in rows]
        # The index is told what it holds from the rows as they are, before they change.
        forget_tokens(c, s, self._account, ids)
        self._upsert_many(c, s.candidates, "id", rows)
        people = latest.values()
        retag(c, s, self._account, {p.id: [t.key for t in p.tags] for p in people})
        self._replace_rows_many(
            c,
            s.candidate_languages,
            "candidate_id",
            {p.id: [{"code": code} for code in p.languages] for p in people},
        )
        self._replace_rows_many(
            c,
            s.candidate_fields,
            "candidate_id",
            {
                p.id: [{"name": n, "value_key": fold(v).strip()} for n, v in p.fields]
                for p in people
            },
        )
        index_tokens(c, s, self._account, ids)
        self._uow.touch(ids)


# --- submissions ----------------------------------------------------------------------------


class SqlSubmissions(_Repository):
    """Submissions, unique per candidate and requisition (AP9)."""

    def get(self, submission_id: SubmissionId) -> Submission:
        """Return the submission, or raise ``NotFoundError``."""
        t = self._s.submissions

        def read(c: Connection) -> Submission:
            row = c.execute(select(t.c.doc).where(self._mine(t), t.c.id == submission_id)).first()
            if row is None:
                raise NotFoundError("submission", submission_id)
            return _loads(Submission, row[0])

        return self._run(f"read submission {submission_id!r}", read)

    def _values(self, s: Submission, documents: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {
            "candidate_id": s.candidate_id,
            "requisition_id": s.requisition_id,
            "submitted_at": micros(s.submitted_at),
            "status": s.status.value,
            "status_changed_at": micros(s.status_changed_at),
            "last_activity_at": micros(s.last_activity_at),
            "expires_at": None if s.expires_at is None else micros(s.expires_at),
            "doc": _dumps(s, documents),
        }

    def _shares(self, c: Connection, submission: Submission) -> None:
        self._replace_rows(
            c,
            self._s.submission_shares,
            "submission_id",
            submission.id,
            ({"user_id": u} for u in submission.shared_with),
        )

    def save(self, submission: Submission) -> None:
        """Insert or replace the submission."""
        self._run(f"save submission {submission.id!r}", lambda c: self._write_all(c, [submission]))

    def add(self, submission: Submission) -> None:
        """Insert a new submission; ``ConflictError`` when its id or its pair is taken (AP9).

        The unique constraint on (account, candidate, requisition) decides, so two
        processes matching at once insert one submission.
        """
        t = self._s.submissions

        def write(c: Connection) -> None:
            self._require_parents(c, [submission])
            try:
                with c.begin_nested():
                    c.execute(
                        t.insert().values(
                            account=self._account, id=submission.id, **self._values(submission)
                        )
                    )
            except sa_exc.IntegrityError:
                raise ConflictError(self._conflict(c, submission)) from None
            self._shares(c, submission)
            refresh(c, self._s, self._account, [submission.candidate_id])
            self._uow.touch([submission.candidate_id])

        self._run(f"add submission {submission.id!r}", write)

    def _conflict(self, c: Connection, submission: Submission) -> str:
        t = self._s.submissions
        same_id = c.execute(
            select(literal(1)).where(self._mine(t), t.c.id == submission.id)
        ).first()
        if same_id is not None:
            return f"submission {submission.id!r} already exists; nothing written"
        taken = c.execute(
            select(t.c.id).where(
                self._mine(t),
                t.c.candidate_id == submission.candidate_id,
                t.c.requisition_id == submission.requisition_id,
            )
        ).first()
        held = "another submission" if taken is None else f"submission {taken[0]!r}"
        return (
            f"candidate {submission.candidate_id!r} is already on requisition "
            f"{submission.requisition_id!r} ({held}); nothing written"
        )

    def _listed(self, what: str, where: Any) -> list[Submission]:
        t = self._s.submissions
        rows = self._run(
            what,
            lambda c: c.execute(
                select(t.c.doc).where(self._mine(t), where).order_by(t.c.submitted_at, t.c.id)
            ).all(),
        )
        return [_loads(Submission, r[0]) for r in rows]

    def for_candidate(self, candidate_id: CandidateId) -> Sequence[Submission]:
        """Return the candidate's submissions, oldest first."""
        return self._listed("list submissions", self._s.submissions.c.candidate_id == candidate_id)

    def for_requisition(self, requisition_id: RequisitionId) -> Sequence[Submission]:
        """Return the requisition's submissions, oldest first."""
        return self._listed(
            "list submissions", self._s.submissions.c.requisition_id == requisition_id
        )

    def idle(self, before: datetime) -> Sequence[Application]:
        """Return the open submissions last active before *before*, by submission id."""
        cutoff = micros(require_aware("before", before))
        s, r = self._s.submissions, self._s.requisitions
        opened = [st.value for st in SubmissionStatus if st.is_open]
        rows = self._run(
            "read idle submissions",
            lambda c: c.execute(
                select(s.c.doc, r.c.doc.label("req"))
                .join(r, and_(r.c.account == s.c.account, r.c.id == s.c.requisition_id))
                .where(
                    self._mine(s),
                    s.c.status.in_(opened),
                    s.c.last_activity_at < cutoff,
                )
                .order_by(s.c.id)
            ).all(),
        )
        return [Application(_loads(Submission, x.doc), _loads(Requisition, x.req)) for x in rows]

    def responses(self, query: ResponsesQuery) -> ResponsesPage:
        """Answer the "Candidates on positions" view over the candidates the viewer owns."""
        candidates = self._uow.candidates
        viewer = query.viewer

        def answer(c: Connection) -> ResponsesPage:
            t = self._s.candidates
            where: list[Any] = [self._mine(t)]
            if not viewer.whole_database:
                owned = self._uow.visibility._owned_condition(viewer.user_id)
                where.append(owned)
            ids = [CandidateId(r[0]) for r in c.execute(select(t.c.id).where(*where))]
            records = candidates._records(c, ids)
            return responses_page(query, records.values())

        return self._run("list responses", answer)

    def __iter__(self) -> Iterator[Submission]:
        """Iterate over every submission, in id order."""
        t = self._s.submissions
        rows = self._run(
            "list submissions",
            lambda c: c.execute(select(t.c.doc).where(self._mine(t)).order_by(t.c.id)).all(),
        )
        return iter([_loads(Submission, r[0]) for r in rows])

    def __len__(self) -> int:
        t = self._s.submissions
        return int(
            self._run(
                "count submissions",
                lambda c: c.execute(select(func.count()).where(self._mine(t))).scalar_one(),
            )
        )

    def save_all(
        self, submissions: Sequence[Submission], *, documents: Mapping[str, Any] | None = None
    ) -> None:
        """Insert or replace every one of *submissions* as :meth:`save` does, in a few statements.

        *documents* may hold their documents by id, as :meth:`SqlCandidates.save_all`'s.

        ``NotFoundError`` names the first whose requisition or candidate is not
        stored, ``ConflictError`` the first whose candidate is already on its
        requisition under another id; either way nothing of the batch is written.
        A submission given twice is saved as the last one given.
        """
        self._run(
            f"save {len(submissions)} submissions",
            lambda c: self._write_all(c, submissions, documents),
        )

    def _require_parents(
        self, c: Connection, submissions: Sequence[Submission], moved: Collection[str] = ()
    ) -> None:
        """Raise ``NotFoundError`` for a submission whose requisition or candidate is not stored.

        The candidates are locked, with *moved* (those the submissions leave), so writers
        of one candidate's submissions take turns and the facts each recomputes see the
        other's submissions (PostgreSQL locks the rows, in id order so two writers cannot
        deadlock; SQLite's BEGIN IMMEDIATE already serialises every writer).
        """
        s, latest = self._s, submissions
        for table, noun, key in (
            (s.requisitions, "requisition", "requisition_id"),
            (s.candidates, "candidate", "candidate_id"),
        ):
            wanted = {getattr(x, key) for x in latest}
            locking = table is s.candidates
            stored: set[str] = set()
            for chunk in _chunks(sorted(wanted | set(moved) if locking else wanted)):
                found = select(table.c.id).where(self._mine(table), table.c.id.in_(chunk))
                if locking:
                    found = found.order_by(table.c.id).with_for_update()
                stored.update(r[0] for r in c.execute(found))
            for x in latest:
                if getattr(x, key) not in stored:
                    raise NotFoundError(noun, getattr(x, key))

    def _write_all(
        self,
        c: Connection,
        submissions: Sequence[Submission],
        documents: Mapping[str, Any] | None = None,
    ) -> None:
        s, t = self._s, self._s.submissions
        latest = list({submission.id: submission for submission in submissions}.values())
        # The candidates the submissions belong to now, and those a save moves them from.
        moved: set[str] = set()
        for chunk in _chunks([x.id for x in latest]):
            found = select(t.c.candidate_id).where(self._mine(t), t.c.id.in_(chunk))
            moved.update(r[0] for r in c.execute(found))
        self._require_parents(c, latest, moved)
        try:
            with c.begin_nested():
                rows = [{"id": x.id, **self._values(x, documents)} for x in latest]
                self._upsert_many(c, t, "id", rows)
        except sa_exc.IntegrityError:
            raise ConflictError(self._pair_taken(c, latest)) from None
        refresh(c, s, self._account, {x.candidate_id for x in latest} | moved)
        self._uow.touch({x.candidate_id for x in latest} | moved)
        self._replace_rows_many(
            c,
            s.submission_shares,
            "submission_id",
            {x.id: [{"user_id": u} for u in x.shared_with] for x in latest},
        )

    def _pair_taken(self, c: Connection, submissions: Sequence[Submission]) -> str:
        """Say which of *submissions* met another on its candidate and requisition (AP9)."""
        t = self._s.submissions
        seen: dict[tuple[str, str], str] = {}
        for x in submissions:
            pair = (x.candidate_id, x.requisition_id)
            taken = seen.get(pair)
            if taken is None:
                row = c.execute(
                    select(t.c.id).where(
                        self._mine(t),
                        t.c.candidate_id == x.candidate_id,
                        t.c.requisition_id == x.requisition_id,
                        t.c.id != x.id,
                    )
                ).first()
                taken = None if row is None else row[0]
            if taken is not None and taken != x.id:
                return (
                    f"candidate {x.candidate_id!r} is already on requisition "
                    f"{x.requisition_id!r} (submission {taken!r}), so submission {x.id!r} "
                    "cannot be saved; nothing written"
                )
            seen[pair] = x.id
        return "two submissions would put one candidate on one requisition; nothing written"

    def remove(self, submission_id: SubmissionId) -> bool:
        """Remove the submission and its shares; return whether it was stored.

        For a host that deleted it from its own database (the sync API, ST7);
        removing it again changes nothing.
        """
        s = self._s

        def remove(c: Connection) -> bool:
            shares = s.submission_shares
            c.execute(
                delete(shares).where(self._mine(shares), shares.c.submission_id == submission_id)
            )
            t = s.submissions
            held = c.execute(
                select(t.c.candidate_id).where(self._mine(t), t.c.id == submission_id)
            ).scalar_one_or_none()
            gone = bool(c.execute(delete(t).where(self._mine(t), t.c.id == submission_id)).rowcount)
            if held is not None:
                refresh(c, s, self._account, [held])
                self._uow.touch([held])
            return gone

        return self._run(f"remove submission {submission_id!r}", remove)


# --- requisitions and the host's data ------------------------------------------------------


class SqlRequisitions(_Repository):
    """Requisitions, with their shares and pool exclusions as rows."""

    def get(self, requisition_id: RequisitionId) -> Requisition:
        """Return the requisition, or raise ``NotFoundError``."""
        t = self._s.requisitions

        def read(c: Connection) -> Requisition:
            row = c.execute(select(t.c.doc).where(self._mine(t), t.c.id == requisition_id)).first()
            if row is None:
                raise NotFoundError("requisition", requisition_id)
            return _loads(Requisition, row[0])

        return self._run(f"read requisition {requisition_id!r}", read)

    def _write(self, c: Connection, r: Requisition) -> None:
        s = self._s
        t = s.requisitions
        placed = c.execute(
            select(t.c.organization, t.c.location, t.c.job_field).where(
                self._mine(t), t.c.id == r.id
            )
        ).first()
        if placed is not None and tuple(placed) != (r.organization, r.location, r.job_field):
            # moved in the structure: its candidates may enter or leave pools (AP16)
            subs = s.submissions
            on_it = select(subs.c.candidate_id).where(
                self._mine(subs), subs.c.requisition_id == r.id
            )
            self._uow.touch(row[0] for row in c.execute(on_it))
        self._upsert(
            c,
            s.requisitions,
            {"id": r.id},
            {
                "owner_id": r.owner_id,
                "organization": r.organization,
                "location": r.location,
                "job_field": r.job_field,
                "doc": _dumps(r),
            },
        )
        self._replace_rows(
            c, s.requisition_shares, "requisition_id", r.id, ({"user_id": u} for u in r.shared_with)
        )

    def save(self, requisition: Requisition) -> None:
        """Insert or replace the requisition (the host's write, or a fixture's)."""
        self._run(f"save requisition {requisition.id!r}", lambda c: self._write(c, requisition))

    def add(self, requisition: Requisition) -> None:
        """Insert a requisition opened from a template; ``ConflictError`` if the id exists."""
        t = self._s.requisitions

        def write(c: Connection) -> None:
            taken = c.execute(
                select(literal(1)).where(self._mine(t), t.c.id == requisition.id)
            ).first()
            if taken is not None:
                msg = f"requisition {requisition.id!r} already exists; nothing written"
                raise ConflictError(msg)
            self._write(c, requisition)

        self._run(f"add requisition {requisition.id!r}", write)

    def set_autopool(
        self, requisition_id: RequisitionId, criteria: AutopoolCriteria | None
    ) -> Requisition:
        """Replace the requisition's autopool criteria; return it as saved."""

        def write(c: Connection) -> Requisition:
            changed = attrs.evolve(self.get(requisition_id), autopool=criteria)
            self._write(c, changed)
            return changed

        return self._run(f"save the criteria of {requisition_id!r}", write)

    def exclude_from_pool(
        self, requisition_id: RequisitionId, candidate_id: CandidateId
    ) -> Requisition:
        """Add the candidate to the requisition's pool exclusions; return it as saved."""

        def write(c: Connection) -> Requisition:
            before = self.get(requisition_id)
            changed = attrs.evolve(before, pool_exclusions=before.pool_exclusions | {candidate_id})
            self._write(c, changed)
            return changed

        return self._run(f"exclude {candidate_id!r} from a pool", write)

    def __iter__(self) -> Iterator[Requisition]:
        """Iterate over every requisition, in id order."""
        t = self._s.requisitions
        rows = self._run(
            "list requisitions",
            lambda c: c.execute(select(t.c.doc).where(self._mine(t)).order_by(t.c.id)).all(),
        )
        return iter([_loads(Requisition, r[0]) for r in rows])


class SqlShares(_Repository):
    """Colleague shares of responses and positions (MP11), as the share rows and documents.

    A change locks the response's or the position's row first (PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already serialises writers), so two colleagues shared at
    once both stay shared.
    """

    def _lock(self, c: Connection, table: Table, key: str) -> None:
        c.execute(select(table.c.id).where(self._mine(table), table.c.id == key).with_for_update())

    def response(self, submission_id: SubmissionId) -> Submission:
        """Return the response, or raise ``NotFoundError``."""
        return self._uow.submissions.get(submission_id)

    def share_response(
        self, submission_id: SubmissionId, user_id: UserId, *, shared: bool
    ) -> Submission:
        """Add or remove *user_id* in the response's shares; return it as saved."""

        def work(c: Connection) -> Submission:
            self._lock(c, self._s.submissions, submission_id)
            before = self._uow.submissions.get(submission_id)
            after = with_share(before, user_id, shared=shared)
            if after is not before:
                self._uow.submissions.save(after)
            return after

        return self._run(f"share response {submission_id!r}", work)

    def share_position(
        self, requisition_id: RequisitionId, user_id: UserId, *, shared: bool
    ) -> Requisition:
        """Add or remove *user_id* in the position's shares; return it as saved."""

        def work(c: Connection) -> Requisition:
            self._lock(c, self._s.requisitions, requisition_id)
            before = self._uow.requisitions.get(requisition_id)
            after = with_share(before, user_id, shared=shared)
            if after is not before:
                self._uow.requisitions.save(after)
            return after

        return self._run(f"share position {requisition_id!r}", work)

    def registered(self, requisition_id: RequisitionId) -> Sequence[CandidateId]:
        """Return the candidates with a submission on the requisition, each once, by id."""
        t = self._s.submissions
        found = (
            select(t.c.candidate_id)
            .where(self._mine(t), t.c.requisition_id == requisition_id)
            .distinct()
            .order_by(t.c.candidate_id)
        )
        rows = self._run(
            f"read the candidates on requisition {requisition_id!r}",
            lambda c: c.execute(found).all(),
        )
        return [CandidateId(r[0]) for r in rows]


class SqlUsers(_DocumentRepository):
    """The host's users."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(uow, uow.schema.users, User, "user")

    def __iter__(self) -> Iterator[User]:
        """Iterate over every user, in id order."""
        return iter(self._all())


class SqlStructures(_Repository):
    """The organization, location and job-field trees."""

    def tree(self, dimension: Dimension) -> StructureTree | None:
        """Return the tree of *dimension*, if the account has one."""
        return self.trees().get(dimension)

    def _trees(self, c: Connection) -> dict[Dimension, StructureTree]:
        t = self._s.structures
        rows = c.execute(select(t.c.key, t.c.doc).where(self._mine(t))).all()
        return {Dimension(r.key): _loads(StructureTree, r.doc) for r in rows}

    def trees(self) -> Mapping[Dimension, StructureTree]:
        """Return every saved tree, by dimension."""
        return self._run("read the structure trees", self._trees)

    def save(self, tree: StructureTree) -> None:
        """Insert or replace the tree of ``tree.dimension``."""
        t = self._s.structures
        self._run(
            "save a structure tree",
            lambda c: self._upsert(c, t, {"key": tree.dimension.value}, {"doc": _dumps(tree)}),
        )


class SqlQuickFilters(_Repository):
    """Quick filters (AP8)."""

    def get(self, filter_id: QuickFilterId) -> QuickFilter:
        """Return the quick filter, or raise ``NotFoundError``."""
        t = self._s.quick_filters

        def read(c: Connection) -> QuickFilter:
            row = c.execute(select(t.c.doc).where(self._mine(t), t.c.id == filter_id)).first()
            if row is None:
                raise NotFoundError("quick filter", filter_id)
            return _loads(QuickFilter, row[0])

        return self._run(f"read quick filter {filter_id!r}", read)

    def save(self, quick_filter: QuickFilter) -> None:
        """Insert or replace the quick filter."""
        t = self._s.quick_filters
        values = {"name_key": quick_filter.name.casefold(), "doc": _dumps(quick_filter)}
        self._run(
            "save a quick filter",
            lambda c: self._upsert(c, t, {"id": quick_filter.id}, values),
        )

    def remove(self, filter_id: QuickFilterId) -> None:
        """Remove the quick filter, or raise ``NotFoundError``."""
        t = self._s.quick_filters

        def remove(c: Connection) -> None:
            if c.execute(delete(t).where(self._mine(t), t.c.id == filter_id)).rowcount == 0:
                raise NotFoundError("quick filter", filter_id)

        self._run("remove a quick filter", remove)

    def __iter__(self) -> Iterator[QuickFilter]:
        """Iterate over every quick filter, in name order."""
        t = self._s.quick_filters
        rows = self._run(
            "list quick filters",
            lambda c: c.execute(
                select(t.c.doc).where(self._mine(t)).order_by(t.c.name_key, t.c.id)
            ).all(),
        )
        return iter([_loads(QuickFilter, r[0]) for r in rows])


class SqlSettings(_Repository):
    """The account's settings."""

    def get(self) -> AccountSettings:
        """Return the settings (defaults when never saved)."""
        t = self._s.settings
        row = self._run(
            "read the account settings",
            lambda c: c.execute(select(t.c.doc).where(self._mine(t), t.c.key == "account")).first(),
        )
        return AccountSettings() if row is None else _loads(AccountSettings, row[0])

    def save(self, settings: AccountSettings) -> None:
        """Replace the settings."""
        t = self._s.settings
        self._run(
            "save the account settings",
            lambda c: self._upsert(c, t, {"key": "account"}, {"doc": _dumps(settings)}),
        )


class SqlAttachments(_Repository):
    """The host's attachments of candidates."""

    def save(self, attachment: Attachment) -> None:
        """Insert or replace the attachment."""
        self.save_all([attachment])

    def for_candidate(self, candidate_id: CandidateId) -> Sequence[Attachment]:
        """Return the candidate's attachments, oldest first."""
        t = self._s.attachments
        rows = self._run(
            "list attachments",
            lambda c: c.execute(
                select(t.c.doc)
                .where(self._mine(t), t.c.candidate_id == candidate_id)
                .order_by(t.c.uploaded_at, t.c.id)
            ).all(),
        )
        return [_loads(Attachment, r[0]) for r in rows]

    def save_all(self, attachments: Sequence[Attachment]) -> None:
        """Insert or replace every one of *attachments*, in a few statements (the sync API, ST7)."""
        rows = [
            {
                "id": a.id,
                "candidate_id": a.candidate_id,
                "uploaded_at": micros(a.uploaded_at),
                "doc": _dumps(a),
            }
            for a in {a.id: a for a in attachments}.values()
        ]
        t = self._s.attachments
        self._run("save attachments", lambda c: self._upsert_many(c, t, "id", rows))


class SqlRepoolingRules(_DocumentRepository):
    """Repooling rules (AP12)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(uow, uow.schema.repooling_rules, RepoolingRule, "repooling rule")

    def remove(self, rule_id: RepoolingRuleId) -> None:
        """Remove the rule, or raise ``NotFoundError``."""
        self._remove(rule_id)

    def __iter__(self) -> Iterator[RepoolingRule]:
        """Iterate over every rule, in id order."""
        return iter(self._all())


# --- micro-pools ------------------------------------------------------------------------------


class SqlSubscriptions(_Repository):
    """Tag tracking (MP1), by user and tag key."""

    def get(self, user_id: UserId, tag: Tag) -> Subscription:
        """Return the user's subscription to *tag*, or raise ``NotFoundError``."""
        t = self._s.subscriptions
        row = self._run(
            "read a subscription",
            lambda c: c.execute(
                select(t.c.doc).where(self._mine(t), t.c.user_id == user_id, t.c.tag_key == tag.key)
            ).first(),
        )
        if row is None:
            raise NotFoundError("subscription", f"{user_id}/{tag.label}")
        return _loads(Subscription, row[0])

    def save(self, subscription: Subscription) -> None:
        """Insert or replace the subscription of its user to its tag."""
        t = self._s.subscriptions
        keys = {"user_id": subscription.user_id, "tag_key": subscription.tag.key}
        self._run(
            "save a subscription",
            lambda c: self._upsert(c, t, keys, {"doc": _dumps(subscription)}),
        )

    def remove(self, user_id: UserId, tag: Tag) -> None:
        """Remove the user's subscription to *tag*, or raise ``NotFoundError``."""
        t = self._s.subscriptions

        def remove(c: Connection) -> None:
            gone = c.execute(
                delete(t).where(self._mine(t), t.c.user_id == user_id, t.c.tag_key == tag.key)
            )
            if gone.rowcount == 0:
                raise NotFoundError("subscription", f"{user_id}/{tag.label}")

        self._run("remove a subscription", remove)

    def _rows(self, *where: Any) -> list[Subscription]:
        t = self._s.subscriptions
        rows = self._run(
            "list subscriptions",
            lambda c: c.execute(
                select(t.c.doc).where(self._mine(t), *where).order_by(t.c.user_id, t.c.tag_key)
            ).all(),
        )
        return [_loads(Subscription, r[0]) for r in rows]

    def for_user(self, user_id: UserId) -> Sequence[Subscription]:
        """Return the user's subscriptions, by tag key."""
        return self._rows(self._s.subscriptions.c.user_id == user_id)

    def tracked(self, user_id: UserId) -> Mapping[str, Tag]:
        """Return the tags the user tracks, by tag key."""
        return {s.tag.key: s.tag for s in self.for_user(user_id)}

    def trackers(self, tag: Tag) -> Collection[UserId]:
        """Return the users who track *tag*."""
        return [s.user_id for s in self._rows(self._s.subscriptions.c.tag_key == tag.key)]

    def trackers_of(self, tags: Collection[Tag]) -> Mapping[UserId, Sequence[Tag]]:
        """Return who tracks any of *tags*, each with those tags as they track them, by key."""
        keys = sorted({t.key for t in tags})
        if not keys:
            return {}
        out: dict[UserId, list[Tag]] = {}
        for s in self._rows(self._s.subscriptions.c.tag_key.in_(keys)):
            out.setdefault(s.user_id, []).append(s.tag)
        return {u: tuple(sorted(out[u], key=lambda t: t.key)) for u in sorted(out)}

    def __iter__(self) -> Iterator[Subscription]:
        """Iterate over every subscription, by user id and tag key."""
        return iter(self._rows())


class SqlVisibilityIndex(_Repository):
    """The indexed reads visibility is decided from, as queries over the share rows (MP2)."""

    def _owned_condition(self, user_id: UserId) -> Any:
        return self._uow.compile(BoundOwnedBy(user_id)).where

    def shares(self, user_id: UserId, candidate_id: CandidateId) -> Collection[Share]:
        """Return the positions and responses through which the user owns the candidate."""
        s, r = self._s.submissions, self._s.requisitions
        rs, ss = self._s.requisition_shares, self._s.submission_shares

        def read(c: Connection) -> set[Share]:
            on = c.execute(
                select(s.c.id, r.c.id.label("rid"), r.c.owner_id)
                .join(r, and_(r.c.account == s.c.account, r.c.id == s.c.requisition_id))
                .where(self._mine(s), s.c.candidate_id == candidate_id)
            ).all()
            out: set[Share] = set()
            rids = {row.rid for row in on}
            sids = {row.id for row in on}
            for row in on:
                if row.owner_id == user_id:
                    out.add(Share(ShareKind.POSITION_OWNED, RequisitionId(row.rid)))
            if rids:
                for row in c.execute(
                    select(rs.c.requisition_id).where(
                        self._mine(rs),
                        rs.c.user_id == user_id,
                        rs.c.requisition_id.in_(sorted(rids)),
                    )
                ):
                    out.add(Share(ShareKind.POSITION_SHARED, RequisitionId(row.requisition_id)))
            if sids:
                rid_of = {row.id: row.rid for row in on}
                for row in c.execute(
                    select(ss.c.submission_id).where(
                        self._mine(ss),
                        ss.c.user_id == user_id,
                        ss.c.submission_id.in_(sorted(sids)),
                    )
                ):
                    out.add(
                        Share(
                            ShareKind.RESPONSE_SHARED,
                            RequisitionId(rid_of[row.submission_id]),
                            SubmissionId(row.submission_id),
                        )
                    )
            return out

        return self._run("read shares", read)

    def owned(self, user_id: UserId) -> Collection[CandidateId]:
        """Return the candidates the user owns through positions and responses."""
        t = self._s.candidates
        where = self._owned_condition(user_id)
        rows = self._run(
            "read owned candidates",
            lambda c: c.execute(select(t.c.id).where(self._mine(t), where)).all(),
        )
        return {CandidateId(r[0]) for r in rows}

    def tagged(self, tag: Tag) -> Collection[CandidateId]:
        """Return the candidates carrying *tag*."""
        t = self._s.candidate_tags
        rows = self._run(
            "read tagged candidates",
            lambda c: c.execute(
                select(t.c.candidate_id).where(self._mine(t), t.c.key == tag.key)
            ).all(),
        )
        return {CandidateId(r[0]) for r in rows}

    def tag_counts(self, tags: Collection[Tag]) -> Mapping[str, int]:
        """Return how many candidates carry each of *tags*, by tag key, from the kept counts."""
        keys = {tag.key for tag in tags}
        if not keys:
            return {}
        return self._run(
            "count micro-pools", lambda c: read_tag_counts(c, self._s, self._account, keys)
        )


class SqlNotificationSettings(_Repository):
    """Users' notification-centre settings (MP8)."""

    def get(self, user_id: UserId) -> NotificationSettings:
        """Return the user's settings; the defaults when never saved."""
        t = self._s.notification_settings
        row = self._run(
            "read notification settings",
            lambda c: c.execute(select(t.c.doc).where(self._mine(t), t.c.key == user_id)).first(),
        )
        return (
            NotificationSettings(user_id) if row is None else _loads(NotificationSettings, row[0])
        )

    def save(self, settings: NotificationSettings) -> None:
        """Replace the settings of ``settings.user_id``."""
        t = self._s.notification_settings
        self._run(
            "save notification settings",
            lambda c: self._upsert(c, t, {"key": settings.user_id}, {"doc": _dumps(settings)}),
        )


class SqlNotifications(_Repository):
    """Notifications raised, what each user's bell lists (MP7)."""

    def _next(self, c: Connection, name: str) -> int:
        t = self._s.counters
        current = c.execute(
            select(t.c.value).where(self._mine(t), t.c.name == name)
        ).scalar_one_or_none()
        value = 1 if current is None else int(current) + 1
        self._upsert(c, t, {"name": name}, {"value": value})
        return value

    def save(self, notification: Notification) -> None:
        """Insert or replace the notification; one moved to another user leaves the first bell."""
        t = self._s.notifications

        def write(c: Connection) -> None:
            old = c.execute(
                select(t.c.user_id, t.c.seq, t.c.user_seq).where(
                    self._mine(t), t.c.id == notification.id
                )
            ).first()
            seq = self._next(c, "notification") if old is None else old.seq
            if old is not None and old.user_id == notification.user_id:
                user_seq = old.user_seq
            else:
                user_seq = self._next(c, "notification")
            self._upsert(
                c,
                t,
                {"id": notification.id},
                {
                    "user_id": notification.user_id,
                    "created_at": micros(notification.created_at),
                    "seq": seq,
                    "user_seq": user_seq,
                    "doc": _dumps(notification),
                },
            )

        self._run("save a notification", write)

    def for_user(self, user_id: UserId) -> Sequence[Notification]:
        """Return the user's notifications, oldest first (ties in the order saved)."""
        t = self._s.notifications
        rows = self._run(
            "list notifications",
            lambda c: c.execute(
                select(t.c.doc)
                .where(self._mine(t), t.c.user_id == user_id)
                .order_by(t.c.created_at, t.c.user_seq)
            ).all(),
        )
        return [_loads(Notification, r[0]) for r in rows]

    def __iter__(self) -> Iterator[Notification]:
        """Iterate over every notification, oldest first (ties in the order saved)."""
        t = self._s.notifications
        rows = self._run(
            "list notifications",
            lambda c: c.execute(
                select(t.c.doc).where(self._mine(t)).order_by(t.c.created_at, t.c.seq)
            ).all(),
        )
        return iter([_loads(Notification, r[0]) for r in rows])

    def __len__(self) -> int:
        t = self._s.notifications
        return int(
            self._run(
                "count notifications",
                lambda c: c.execute(select(func.count()).where(self._mine(t))).scalar_one(),
            )
        )


def _instant(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


class SqlDigestQueue(_Repository):
    """Notifications waiting for a digest (MP10).

    Claiming is one ``UPDATE`` of the entries nobody holds. On SQLite units of work
    take the write lock in turn, so a second job finds them held; on PostgreSQL a
    second job whose snapshot predates the first one's claim is refused by the
    database (``StoreBusyError``), and one that began later finds them held.
    """

    def add(self, entries: Sequence[DigestEntry]) -> None:
        """Queue *entries*; one already queued for its notification and channel is replaced."""
        t = self._s.digest_entries

        def write(c: Connection) -> None:
            for e in entries:
                self._upsert(
                    c,
                    t,
                    {"notification_id": e.notification_id, "channel": e.channel.value},
                    {
                        "user_id": e.user_id,
                        "due_at": micros(e.due_at),
                        "claim_id": e.claim_id,
                        "claimed_at": None if e.claimed_at is None else micros(e.claimed_at),
                    },
                )

        self._run("queue notifications for a digest", write)

    def _claimable(self, now: datetime, stale_before: datetime) -> Any:
        require_aware("now", now)
        require_aware("stale_before", stale_before)
        t = self._s.digest_entries
        return and_(
            self._mine(t),
            t.c.due_at <= micros(now),
            (t.c.claim_id.is_(None)) | (t.c.claimed_at < micros(stale_before)),
        )

    def due(
        self, now: datetime, stale_before: datetime
    ) -> Sequence[tuple[UserId, NotificationChannel]]:
        """Return each user and channel with a claimable entry due by *now*."""
        t = self._s.digest_entries
        rows = self._run(
            "list due digests",
            lambda c: c.execute(
                select(t.c.user_id, t.c.channel)
                .where(self._claimable(now, stale_before))
                .distinct()
                .order_by(t.c.user_id, t.c.channel)
            ).all(),
        )
        return [(UserId(r.user_id), NotificationChannel(r.channel)) for r in rows]

    def claim(
        self,
        user_id: UserId,
        channel: NotificationChannel,
        claim_id: str,
        now: datetime,
        stale_before: datetime,
    ) -> Sequence[Notification]:
        """Claim the user's due entries on *channel*; return their notifications, oldest first."""
        t, n = self._s.digest_entries, self._s.notifications

        def write(c: Connection) -> list[Notification]:
            c.execute(
                update(t)
                .where(
                    self._claimable(now, stale_before),
                    t.c.user_id == user_id,
                    t.c.channel == channel.value,
                )
                .values(claim_id=claim_id, claimed_at=micros(now))
            )
            rows = c.execute(
                select(n.c.doc)
                .join(
                    t,
                    and_(t.c.account == n.c.account, t.c.notification_id == n.c.id),
                )
                .where(self._mine(t), t.c.claim_id == claim_id)
                .order_by(n.c.created_at, n.c.seq)
            ).all()
            return [_loads(Notification, r[0]) for r in rows]

        return self._run("claim a digest", write)

    def release(self, claim_id: str) -> None:
        """Put the entries of *claim_id* back in the queue."""
        t = self._s.digest_entries
        self._run(
            "release a digest",
            lambda c: c.execute(
                update(t)
                .where(self._mine(t), t.c.claim_id == claim_id)
                .values(claim_id=None, claimed_at=None)
            ),
        )

    def sent(self, claim_id: str) -> None:
        """Remove the entries of *claim_id*."""
        t = self._s.digest_entries
        self._run(
            "record a sent digest",
            lambda c: c.execute(delete(t).where(self._mine(t), t.c.claim_id == claim_id)),
        )

    def waiting(self, user_id: UserId) -> Sequence[DigestEntry]:
        """Return the user's queued entries, by due time, channel and notification order."""
        t, n = self._s.digest_entries, self._s.notifications
        rows = self._run(
            "list queued notifications",
            lambda c: c.execute(
                select(t)
                .join(
                    n,
                    and_(t.c.account == n.c.account, t.c.notification_id == n.c.id),
                )
                .where(self._mine(t), t.c.user_id == user_id)
                .order_by(t.c.due_at, t.c.channel, n.c.seq)
            ).all(),
        )
        return [
            DigestEntry(
                r.notification_id,
                r.user_id,
                NotificationChannel(r.channel),
                _instant(r.due_at),
                r.claim_id,
                None if r.claimed_at is None else _instant(r.claimed_at),
            )
            for r in rows
        ]

    def __len__(self) -> int:
        t = self._s.digest_entries
        return int(
            self._run(
                "count queued notifications",
                lambda c: c.execute(select(func.count()).where(self._mine(t))).scalar_one(),
            )
        )


def _mention(value: str) -> str:
    """*value* as it appears inside a stored JSON document (without the quotes)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


class SqlEraser(_Repository):
    """Removes one candidate from every table, in the unit of work's transaction (DM6)."""

    def erase(self, candidate_id: CandidateId) -> ErasedRows:
        """Remove the candidate and every row about them (see the port)."""
        return self._run(
            f"erase candidate {candidate_id!r}", lambda c: self._erase(c, candidate_id)
        )

    def _erase(self, c: Connection, cid: CandidateId) -> ErasedRows:
        s = self._s
        if (
            c.execute(
                select(literal(1)).where(self._mine(s.candidates), s.candidates.c.id == cid)
            ).first()
            is None
        ):
            return ErasedRows()
        subs = s.submissions
        sids = [
            r[0]
            for r in c.execute(
                select(subs.c.id).where(self._mine(subs), subs.c.candidate_id == cid)
            )
        ]
        shares = s.submission_shares
        for chunk in _chunks(sids):
            c.execute(delete(shares).where(self._mine(shares), shares.c.submission_id.in_(chunk)))
        c.execute(delete(subs).where(self._mine(subs), subs.c.candidate_id == cid))
        att = s.attachments
        attachments = c.execute(
            delete(att).where(self._mine(att), att.c.candidate_id == cid)
        ).rowcount
        forget_tokens(c, s, self._account, [cid])
        retag(c, s, self._account, {cid: ()})
        for table in (s.candidate_languages, s.candidate_fields):
            c.execute(delete(table).where(self._mine(table), table.c.candidate_id == cid))
        c.execute(delete(s.candidates).where(self._mine(s.candidates), s.candidates.c.id == cid))
        notes = self._forget_notifications(c, cid)
        excluded = self._forget_exclusions(c, cid)
        m = s.alert_members
        c.execute(delete(m).where(self._mine(m), m.c.candidate_id == cid))
        return ErasedRows(True, len(sids), int(attachments), notes, excluded)

    def _forget_notifications(self, c: Connection, cid: CandidateId) -> int:
        n, d = self._s.notifications, self._s.digest_entries
        rows = c.execute(
            select(n.c.id, n.c.doc).where(
                self._mine(n), n.c.doc.contains(_mention(cid), autoescape=True)
            )
        ).all()
        ids = [r.id for r in rows if _loads(Notification, r.doc).candidate_id == cid]
        for chunk in _chunks(ids):
            c.execute(delete(d).where(self._mine(d), d.c.notification_id.in_(chunk)))
            c.execute(delete(n).where(self._mine(n), n.c.id.in_(chunk)))
        return len(ids)

    def _forget_exclusions(self, c: Connection, cid: CandidateId) -> int:
        t = self._s.requisitions
        rows = c.execute(
            select(t.c.doc).where(self._mine(t), t.c.doc.contains(_mention(cid), autoescape=True))
        ).all()
        excluded = 0
        for row in rows:
            requisition = _requisition(row.doc)
            if cid in requisition.pool_exclusions:
                kept = requisition.pool_exclusions - {cid}
                self._uow.requisitions._write(c, attrs.evolve(requisition, pool_exclusions=kept))
                excluded += 1
        return excluded


class SqlEvents(_Repository):
    """The audit trail, in the order appended."""

    def append(self, event: DomainEvent) -> None:
        """Record *event*; it is undone with the unit of work if that is not committed."""
        t = self._s.events

        def write(c: Connection) -> None:
            last = c.execute(select(func.max(t.c.seq)).where(self._mine(t))).scalar_one_or_none()
            seq = 1 if last is None else int(last) + 1
            doc = json.dumps(event_to_dict(event), sort_keys=True, ensure_ascii=False)
            c.execute(t.insert().values(account=self._account, seq=seq, doc=doc))

        self._run("record an event", write)

    def __iter__(self) -> Iterator[DomainEvent]:
        """Iterate over every recorded event, oldest first."""
        t = self._s.events
        rows = self._run(
            "read the audit trail",
            lambda c: c.execute(select(t.c.doc).where(self._mine(t)).order_by(t.c.seq)).all(),
        )
        return iter([event_from_dict(json.loads(r[0])) for r in rows])

    def rewrite(
        self, mentioning: Collection[str], change: Callable[[DomainEvent], DomainEvent]
    ) -> int:
        """Replace each event that mentions one of *mentioning* by ``change(event)`` (DM6).

        The stored documents are searched for the text, so only those events are read.
        """
        t = self._s.events

        def write(c: Connection) -> int:
            found = [t.c.doc.contains(_mention(m), autoescape=True) for m in mentioning if m]
            if not found:
                return 0
            rows = c.execute(
                select(t.c.seq, t.c.doc).where(self._mine(t), or_(*found)).order_by(t.c.seq)
            ).all()
            changed = 0
            for row in rows:
                event = event_from_dict(json.loads(row.doc))
                new = change(event)
                if new is event:
                    continue
                doc = json.dumps(event_to_dict(new), sort_keys=True, ensure_ascii=False)
                c.execute(update(t).where(self._mine(t), t.c.seq == row.seq).values(doc=doc))
                changed += 1
            return changed

        return self._run("pseudonymise the audit trail", write)

    def __len__(self) -> int:
        t = self._s.events
        return int(
            self._run(
                "count events",
                lambda c: c.execute(select(func.count()).where(self._mine(t))).scalar_one(),
            )
        )


class SqlAlerts(_Repository):
    """Pool watches and the members each watched pool announced (AP16)."""

    def watch(self, watch: PoolWatch) -> bool:
        """Record *watch*; ``False`` if the user already watches."""
        t = self._s.alert_watches

        def write(c: Connection) -> bool:
            held = c.execute(
                select(literal(1)).where(
                    self._mine(t),
                    t.c.requisition_id == watch.requisition_id,
                    t.c.user_id == watch.user_id,
                )
            ).first()
            if held is not None:
                return False
            c.execute(
                t.insert().values(
                    account=self._account,
                    requisition_id=watch.requisition_id,
                    user_id=watch.user_id,
                    since=micros(watch.since),
                    doc=_dumps(watch),
                )
            )
            return True

        return self._run("watch a pool", write)

    def unwatch(self, user_id: UserId, requisition_id: RequisitionId) -> bool:
        """Stop the user watching; return whether they did."""
        t = self._s.alert_watches
        return self._run(
            "stop watching a pool",
            lambda c: bool(
                c.execute(
                    delete(t).where(
                        self._mine(t), t.c.requisition_id == requisition_id, t.c.user_id == user_id
                    )
                ).rowcount
            ),
        )

    def watching(self, user_id: UserId) -> Sequence[PoolWatch]:
        """Return the user's watches, by requisition id."""
        t = self._s.alert_watches
        rows = self._run(
            "list watched pools",
            lambda c: c.execute(
                select(t.c.doc)
                .where(self._mine(t), t.c.user_id == user_id)
                .order_by(t.c.requisition_id)
            ).all(),
        )
        return [_loads(PoolWatch, r[0]) for r in rows]

    def watched(self) -> Sequence[WatchedPool]:
        """Return every watched pool with its requisition and watchers, in one statement."""
        w, r, p = self._s.alert_watches, self._s.requisitions, self._s.alert_pools
        query = (
            select(w.c.requisition_id, w.c.user_id, r.c.doc, p.c.criteria_key)
            .join(r, and_(r.c.account == w.c.account, r.c.id == w.c.requisition_id))
            .outerjoin(
                p, and_(p.c.account == w.c.account, p.c.requisition_id == w.c.requisition_id)
            )
            .where(self._mine(w))
            .order_by(w.c.requisition_id, w.c.user_id)
        )
        rows = self._run("list watched pools", lambda c: c.execute(query).all())
        out: list[WatchedPool] = []
        watchers: list[UserId] = []
        for i, row in enumerate(rows):
            watchers.append(UserId(row.user_id))
            last = i + 1 == len(rows) or rows[i + 1].requisition_id != row.requisition_id
            if last:
                key = row.criteria_key or ""
                out.append(WatchedPool(_requisition(row.doc), tuple(watchers), key))
                watchers = []
        return out

    def members(
        self, requisition_id: RequisitionId, among: Collection[CandidateId] | None = None
    ) -> frozenset[CandidateId]:
        """Return the pool's announced members, only those *among* when given."""
        m = self._s.alert_members

        def read(c: Connection) -> frozenset[CandidateId]:
            base = select(m.c.candidate_id).where(
                self._mine(m), m.c.requisition_id == requisition_id, m.c.left_at.is_(None)
            )
            if among is None:
                return frozenset(CandidateId(x[0]) for x in c.execute(base))
            found: set[CandidateId] = set()
            for chunk in _chunks(sorted(among)):
                found.update(
                    CandidateId(x[0]) for x in c.execute(base.where(m.c.candidate_id.in_(chunk)))
                )
            return frozenset(found)

        return self._run("read a pool's announced members", read)

    def members_among(
        self, candidate_ids: Collection[CandidateId]
    ) -> Mapping[RequisitionId, frozenset[CandidateId]]:
        """Return, per watched pool holding any of *candidate_ids*, those it holds."""
        m = self._s.alert_members

        def read(c: Connection) -> Mapping[RequisitionId, frozenset[CandidateId]]:
            out: dict[RequisitionId, set[CandidateId]] = {}
            for chunk in _chunks(sorted(candidate_ids)):
                rows = c.execute(
                    select(m.c.requisition_id, m.c.candidate_id).where(
                        self._mine(m), m.c.candidate_id.in_(chunk), m.c.left_at.is_(None)
                    )
                )
                for req, cid in rows:
                    out.setdefault(RequisitionId(req), set()).add(CandidateId(cid))
            return {req: frozenset(ids) for req, ids in out.items()}

        return self._run("read announced members", read)

    def last_announced(
        self, candidate_ids: Collection[CandidateId]
    ) -> Mapping[RequisitionId, Mapping[CandidateId, datetime]]:
        """Return when each of *candidate_ids* was last announced, per watched pool."""
        m = self._s.alert_members

        def read(c: Connection) -> Mapping[RequisitionId, Mapping[CandidateId, datetime]]:
            out: dict[RequisitionId, dict[CandidateId, datetime]] = {}
            for chunk in _chunks(sorted(candidate_ids)):
                rows = c.execute(
                    select(m.c.requisition_id, m.c.candidate_id, m.c.announced_at).where(
                        self._mine(m), m.c.candidate_id.in_(chunk), m.c.announced_at.is_not(None)
                    )
                )
                for req, cid, at in rows:
                    out.setdefault(RequisitionId(req), {})[CandidateId(cid)] = _instant(at)
            return out

        return self._run("read when candidates were announced", read)

    def _rows(
        self, c: Connection, requisition_id: RequisitionId, among: Collection[CandidateId]
    ) -> set[CandidateId]:
        """The candidates *among* with a row in the pool, members or not."""
        m = self._s.alert_members
        base = select(m.c.candidate_id).where(self._mine(m), m.c.requisition_id == requisition_id)
        found: set[CandidateId] = set()
        for chunk in _chunks(sorted(among)):
            rows = c.execute(base.where(m.c.candidate_id.in_(chunk)))
            found.update(CandidateId(x[0]) for x in rows)
        return found

    def enter(
        self,
        requisition_id: RequisitionId,
        candidate_ids: Collection[CandidateId],
        at: datetime,
        *,
        announced: bool,
    ) -> None:
        """Make *candidate_ids* members of the pool from *at*; record *at* if *announced*."""
        m = self._s.alert_members
        when = micros(at)
        wanted = set(candidate_ids)

        def write(c: Connection) -> None:
            held = self._rows(c, requisition_id, wanted)
            rows = [
                {
                    "account": self._account,
                    "requisition_id": requisition_id,
                    "candidate_id": cid,
                    "since": when,
                    "announced_at": when if announced else None,
                    "left_at": None,
                }
                for cid in sorted(wanted - held)
            ]
            for chunk in _chunks(rows):
                c.execute(m.insert(), list(chunk))
            mine = and_(self._mine(m), m.c.requisition_id == requisition_id)
            for ids in _chunks(sorted(held)):
                chosen = and_(mine, m.c.candidate_id.in_(ids))
                # one who had left rejoins from now; a member stays one since they joined
                back = update(m).where(chosen, m.c.left_at.is_not(None))
                c.execute(back.values(left_at=None, since=when))
                if announced:
                    c.execute(update(m).where(chosen).values(announced_at=when))

        if wanted:
            self._run("record announced members", write)

    def leave(
        self, requisition_id: RequisitionId, candidate_ids: Collection[CandidateId], at: datetime
    ) -> None:
        """Take *candidate_ids* out of the members; forget those never announced."""
        m = self._s.alert_members
        when = micros(at)

        def write(c: Connection) -> None:
            mine = and_(self._mine(m), m.c.requisition_id == requisition_id)
            for chunk in _chunks(sorted(candidate_ids)):
                chosen = and_(mine, m.c.candidate_id.in_(chunk))
                c.execute(delete(m).where(chosen, m.c.announced_at.is_(None)))
                c.execute(update(m).where(chosen, m.c.left_at.is_(None)).values(left_at=when))

        self._run("forget announced members", write)

    def reset(
        self,
        requisition_id: RequisitionId,
        criteria_key: str,
        members: Collection[CandidateId],
        at: datetime,
    ) -> None:
        """Make *members* the pool's members, silently; record the criteria."""
        p = self._s.alert_pools
        before = self.members(requisition_id)
        after = set(members)
        self.leave(requisition_id, before - after, at)
        self._run(
            "record a watched pool",
            lambda c: self._upsert(
                c, p, {"requisition_id": requisition_id}, {"criteria_key": criteria_key}
            ),
        )
        self.enter(requisition_id, after - before, at, announced=False)

    def prune(self, before: datetime) -> int:
        """Forget those who left a pool after being announced last before *before*."""
        m = self._s.alert_members
        cutoff = micros(require_aware("before", before))
        stale = and_(self._mine(m), m.c.left_at.is_not(None), m.c.announced_at < cutoff)
        return int(
            self._run(
                "forget who left the watched pools long ago",
                lambda c: c.execute(delete(m).where(stale)).rowcount,
            )
        )

    def forget(self, requisition_id: RequisitionId) -> None:
        """Drop the pool's members and what it announced."""
        m, p = self._s.alert_members, self._s.alert_pools

        def write(c: Connection) -> None:
            c.execute(delete(m).where(self._mine(m), m.c.requisition_id == requisition_id))
            c.execute(delete(p).where(self._mine(p), p.c.requisition_id == requisition_id))

        self._run("forget a watched pool", write)

    def set_commit_check(self, check: CommitCheck | None) -> None:
        """Make *check* run before each outermost commit of the account that wrote candidates."""
        checks = self._uow.store.commit_checks
        if check is None:
            checks.pop(self._account, None)
        else:
            checks[self._account] = check  # every unit of work of the account runs it
