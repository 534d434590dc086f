"""Versioned migrations of the SQL store's tables (ST3).

A small runner rather than Alembic, for three reasons. The tables must live
inside a host's database under a prefix the host chooses, and most hosts already
run Alembic for their own tables, with its one ``alembic_version`` table and one
history: a second history in the same database fights the host's. The store
also migrates inside whatever connection it is given (its own, or a host's
transaction), which Alembic's environment scripts do not expect. And the
library's schema is small and only grows forward, so an ordered list of steps,
each a function of a connection, is all it needs (about sixty lines, against an
``env.py``, a script template, a versions folder and prefix plumbing).

The version lives in the prefix's ``meta`` table. Opening a database:

* with no talentpool tables creates the newest schema and stamps its version;
* of an older version runs every later step, in order, in one transaction;
* of a newer version raises :class:`~talentpool.errors.SchemaVersionError`
  and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection, bindparam, inspect, select, text, update

from talentpool.adapters.sql.facts import FACT_COLUMNS, refresh_all
from talentpool.adapters.sql.fulltext import candidate_tokens, create_full_text, drop_words_index
from talentpool.adapters.sql.schema import Schema
from talentpool.adapters.sql.tagcounts import fill_tag_counts
from talentpool.errors import SchemaVersionError

__all__ = ["SCHEMA_VERSION", "UPGRADES", "current_version", "migrate"]

Step = Callable[[Connection, Schema], None]


def _facts_and_full_text(connection: Connection, schema: Schema) -> None:
    """Version 2: the per-candidate facts the pools read.

    Version 2 also made a full-text index of the words alone; version 7 replaces
    it (:func:`_full_text_tokens`), so an upgrade makes only the newest one.
    """
    table = schema.candidates
    preparer = connection.dialect.identifier_preparer
    name = preparer.format_table(table)
    for column in FACT_COLUMNS:
        connection.execute(text(f"ALTER TABLE {name} ADD COLUMN {column} BIGINT"))
    index = preparer.quote(f"{schema.prefix}submissions_candidate")
    submissions = preparer.format_table(schema.submissions)
    connection.execute(
        text(f"CREATE INDEX IF NOT EXISTS {index} ON {submissions} (account, candidate_id, status)")
    )
    refresh_all(connection, schema)
    # version 1 kept pool exclusions as rows too; the requisition's own list decides
    exclusions = preparer.quote(f"{schema.prefix}pool_exclusions")
    if schema.metadata.schema is not None:
        exclusions = f"{preparer.quote_schema(schema.metadata.schema)}.{exclusions}"
    connection.execute(text(f"DROP TABLE IF EXISTS {exclusions}"))


def _pool_indexes(connection: Connection, schema: Schema) -> None:
    """Version 3: indexes the pushed-down pool and listing read (PF2, PF3).

    Each index of :data:`POOL_INDEXES` is dropped if an older version had it with
    other columns, and created as the schema defines it now.
    """
    _redefine(connection, schema, POOL_INDEXES)


def _redefine(connection: Connection, schema: Schema, names: Sequence[str]) -> None:
    """Drop the indexes *names* (without the prefix) and create them as the schema defines them."""
    preparer = connection.dialect.identifier_preparer
    in_schema = schema.metadata.schema
    for table in schema.metadata.tables.values():
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if str(index.name).removeprefix(schema.prefix) not in names:
                continue
            name = preparer.quote(str(index.name))
            if in_schema is not None:
                name = f"{preparer.quote_schema(in_schema)}.{name}"
            connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
            index.create(connection)


POOL_INDEXES = ("candidates_place", "submissions_reach", "submissions_requisition")
"""The indexes (without the prefix) version 3 creates or redefines."""


def _digests_and_erasure(connection: Connection, schema: Schema) -> None:
    """Version 4: the digest queue (MP10).

    Creates the tables version 4 adds, with their indexes; the older tables keep
    their rows.
    """
    for table in VERSION_4_TABLES:
        schema.metadata.tables[_qualified(schema, table)].create(connection, checkfirst=True)


def _qualified(schema: Schema, table: str) -> str:
    name = f"{schema.prefix}{table}"
    return name if schema.metadata.schema is None else f"{schema.metadata.schema}.{name}"


VERSION_4_TABLES = ("digest_entries",)
"""The tables (without the prefix) version 4 adds."""


def _pool_alerts(connection: Connection, schema: Schema) -> None:
    """Version 5: pool watches and the members each watched pool announced (AP16).

    Creates the tables of :data:`VERSION_5_TABLES`, with their indexes; the older
    tables keep their rows. Self-contained, so it can be renumbered on its own.
    """
    for table in VERSION_5_TABLES:
        schema.metadata.tables[_qualified(schema, table)].create(connection, checkfirst=True)


VERSION_5_TABLES = ("alert_watches", "alert_pools", "alert_members")
"""The tables (without the prefix) version 5 adds."""


def _alert_reentry(connection: Connection, schema: Schema) -> None:
    """Version 6: when each pool alert member was last announced, and that they left (AP16).

    Adds the columns of :data:`VERSION_6_COLUMNS` to ``alert_members`` where they
    are missing (a database the fifth step just created has them already). The
    rows kept have no announcement time: a re-entry after the upgrade is
    announced, as before it. Self-contained, so it can be renumbered on its own.
    """
    table = schema.alert_members
    held = {c["name"] for c in inspect(connection).get_columns(table.name, schema=table.schema)}
    name = connection.dialect.identifier_preparer.format_table(table)
    for column in VERSION_6_COLUMNS:
        if column not in held:
            connection.execute(text(f"ALTER TABLE {name} ADD COLUMN {column} BIGINT"))


VERSION_6_COLUMNS = ("announced_at", "left_at")
"""The columns version 6 adds to ``alert_members``."""


def _full_text_tokens(connection: Connection, schema: Schema) -> None:
    """Version 7: each candidate's account, tags and words as tokens of one full-text row (PF3).

    Adds the candidates' ``tokens`` column, fills it from the rows' words and tag
    rows, drops the index of the words alone (SQLite's FTS5 table, PostgreSQL's
    ``tsvector`` column), and builds the index of the tokens from the rows.
    Self-contained, so it can be renumbered on its own.
    """
    preparer = connection.dialect.identifier_preparer
    table = preparer.format_table(schema.candidates)
    connection.execute(text(f"ALTER TABLE {table} ADD COLUMN tokens TEXT NOT NULL DEFAULT ''"))
    c, t = schema.candidates.c, schema.candidate_tags.c
    tags: dict[tuple[str, str], list[str]] = {}
    for row in connection.execute(select(t.account, t.candidate_id, t.key)):
        tags.setdefault((row.account, row.candidate_id), []).append(row.key)
    rows = [
        {
            "_account": r.account,
            "_id": r.id,
            "tokens": candidate_tokens(r.account, tags.get((r.account, r.id), ()), r.words.split()),
        }
        for r in connection.execute(select(c.account, c.id, c.words))
    ]
    write = (
        update(schema.candidates)
        .where(c.account == bindparam("_account"), c.id == bindparam("_id"))
        .values(tokens=bindparam("tokens"))
    )
    for start in range(0, len(rows), 5000):
        connection.execute(write, rows[start : start + 5000])
    drop_words_index(connection, schema)
    create_full_text(connection, schema)


def _place_cells(connection: Connection, schema: Schema) -> None:
    """Version 8: the place index reads a pool's box cell by cell of its latitudes (PF2).

    The candidates' place index is made again with the latitude's cell
    (:func:`~talentpool.adapters.sql.schema.latitude_cell`) after the account, so a
    radius reads the residences of its box, not of the box's whole band of
    latitudes. Self-contained, so it can be renumbered on its own.
    """
    _redefine(connection, schema, ("candidates_place",))


def _tag_counts(connection: Connection, schema: Schema) -> None:
    """Version 9: how many candidates carry each tag, kept per account and key (PF3, MP5).

    Creates the ``tag_counts`` table and fills it from the ``candidate_tags`` rows
    (see :mod:`talentpool.adapters.sql.tagcounts`). Self-contained, so it can be
    renumbered on its own.
    """
    schema.tag_counts.create(connection, checkfirst=True)
    fill_tag_counts(connection, schema)


UPGRADES: Sequence[Step] = (
    _facts_and_full_text,
    _pool_indexes,
    _digests_and_erasure,
    _pool_alerts,
    _alert_reentry,
    _full_text_tokens,
    _place_cells,
    _tag_counts,
)
"""``UPGRADES[i]`` brings a database from version *i + 1* to *i + 2*; version 1 is the
first release's tables."""
SCHEMA_VERSION = 1 + len(UPGRADES)
"""The newest schema version this talentpool knows."""


def current_version(connection: Connection, schema: Schema) -> int | None:
    """Return the schema version the database holds, or ``None`` if it has no tables yet."""
    if not inspect(connection).has_table(schema.meta.name, schema=schema.metadata.schema):
        return None
    row = connection.execute(
        select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
    ).first()
    return None if row is None else int(row[0])


def migrate(connection: Connection, schema: Schema) -> int:
    """Bring the database on *connection* to :data:`SCHEMA_VERSION`; return the version found.

    Runs in the caller's transaction: commit it to keep the upgrade.
    """
    if connection.dialect.name == "postgresql":
        # Two processes opening a new database at once create its tables once.
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": schema.prefix}
        )
    found = current_version(connection, schema)
    if found is not None and found > SCHEMA_VERSION:
        raise SchemaVersionError(found, SCHEMA_VERSION)
    if found is None:
        schema.metadata.create_all(connection)
        create_full_text(connection, schema)
        connection.execute(
            schema.meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
        )
        return 0
    for step in UPGRADES[found - 1 :]:
        step(connection, schema)
    if found < SCHEMA_VERSION:
        connection.execute(
            schema.meta.update()
            .where(schema.meta.c.key == "schema_version")
            .values(value=str(SCHEMA_VERSION))
        )
    return found
