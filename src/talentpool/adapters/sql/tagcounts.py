"""How many candidates carry each tag, kept per account and tag key (PF3, MP5).

A user's folders show, for each tag they track, how many candidates carry it.
Counting the ``candidate_tags`` rows of twenty tags reads every row of them
each time (tens of milliseconds at a million candidates), so the store keeps the
counts in a table of their own, ``tag_counts``, and a folder count reads a few
rows by primary key.

Every write of a candidate's tags goes through :func:`retag`, in the write's own
transaction: it deletes the candidates' tag rows, learning from the same statement
(``DELETE ... RETURNING``, one per 500 candidates) which keys they carried,
inserts the new rows, and applies, per key whose count changes, the difference:
one upsert per key, not per candidate. A rollback undoes the counts with the rows.

**Spread over a few rows.** On PostgreSQL a unit of work reads one snapshot
(``REPEATABLE READ``): two units of work that overlap in time and both change one
row refuse the second (a serialization failure, ``StoreBusyError`` to retry).
One row per tag would make every two overlapping writers of candidates with a
popular tag meet there, even writers of different candidates. So on PostgreSQL a
tag's count is the sum of up to :data:`SHARDS` rows; each database connection
writes its differences into one of them, taken in turn as connections are first
used (from a random start per process), so writers on different connections
rarely meet. A row holds the difference its connections wrote, which may be
below zero; only the sum is a count. SQLite lets one writer at a time in, so it
keeps one row per tag. Each write applies its keys in sorted order, so two writers
that do meet wait for each other rather than deadlock within one write.

Counts that fall to zero keep their rows (at 0); a tag never counted has none,
and reads as 0.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from talentpool.adapters.sql.schema import Schema

__all__ = ["SHARDS", "fill_tag_counts", "read_tag_counts", "retag"]

SHARDS = 16
"""The most rows one tag's count is spread over on PostgreSQL (see the module)."""

_TURNS = itertools.count(random.randrange(SHARDS))
_TURN = "talentpool_tag_count_turn"
_CHUNK = 500
_UPSERTS: dict[str, Any] = {"sqlite": sqlite_insert, "postgresql": pg_insert}


def _shard(connection: Connection) -> int:
    """The row of a tag's count this connection writes its differences into."""
    if connection.dialect.name != "postgresql":
        return 0
    turn: int = connection.info.setdefault(_TURN, next(_TURNS))
    return turn % SHARDS


def _untag(connection: Connection, schema: Schema, account: str, ids: list[str]) -> Counter[str]:
    """Delete the tag rows of the candidates *ids*; return how many of them carried each key.

    One statement per 500 candidates where the database returns what it deletes
    (SQLite 3.35 and later, PostgreSQL); elsewhere a count first.
    """
    t = schema.candidate_tags
    held: Counter[str] = Counter()
    returning = connection.dialect.delete_returning
    for start in range(0, len(ids), _CHUNK):
        mine = and_(t.c.account == account, t.c.candidate_id.in_(ids[start : start + _CHUNK]))
        if returning:
            gone = connection.execute(delete(t).where(mine).returning(t.c.key))
            held.update(row[0] for row in gone)
            continue
        rows = connection.execute(select(t.c.key, func.count()).where(mine).group_by(t.c.key))
        held.update({row[0]: int(row[1]) for row in rows})
        connection.execute(delete(t).where(mine))
    return held


def retag(
    connection: Connection,
    schema: Schema,
    account: str,
    keys_by_candidate: Mapping[str, Collection[str]],
) -> None:
    """Give each candidate exactly the tag keys given, as ``candidate_tags`` rows, and recount.

    The candidates' rows are replaced (an erased candidate is given none), and
    each key's count changes by how many more, or fewer, of them carry it now.
    """
    held = _untag(connection, schema, account, list(keys_by_candidate))
    rows = [
        {"account": account, "candidate_id": cid, "key": key}
        for cid, keys in keys_by_candidate.items()
        for key in keys
    ]
    if rows:
        connection.execute(insert(schema.candidate_tags), rows)
    wanted: Counter[str] = Counter()
    for keys in keys_by_candidate.values():
        wanted.update(set(keys))
    changes = {k: wanted[k] - held[k] for k in wanted.keys() | held.keys()}
    _add(connection, schema, account, {k: d for k, d in changes.items() if d})


def _add(connection: Connection, schema: Schema, account: str, changes: Mapping[str, int]) -> None:
    """Add each of *changes* to its key's count: one upsert per key, in key order."""
    if not changes:
        return
    t, shard = schema.tag_counts, _shard(connection)
    rows = [
        {"account": account, "key": key, "shard": shard, "tagged": changes[key]}
        for key in sorted(changes)
    ]
    dialect = connection.dialect.name
    if dialect in _UPSERTS:
        statement = _UPSERTS[dialect](t)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["account", "key", "shard"],
                set_={"tagged": t.c.tagged + statement.excluded.tagged},
            ),
            rows,
        )
        return
    for row in rows:
        where = and_(t.c.account == account, t.c.key == row["key"], t.c.shard == shard)
        changed = update(t).where(where).values(tagged=t.c.tagged + row["tagged"])
        if connection.execute(changed).rowcount == 0:
            connection.execute(insert(t).values(**row))


def read_tag_counts(
    connection: Connection, schema: Schema, account: str, keys: Collection[str]
) -> dict[str, int]:
    """How many of *account*'s candidates carry each of *keys* (0 for a tag none carries)."""
    t = schema.tag_counts
    wanted = sorted(set(keys))
    counted: dict[str, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = connection.execute(
            select(t.c.key, func.sum(t.c.tagged))
            .where(t.c.account == account, t.c.key.in_(wanted[start : start + _CHUNK]))
            .group_by(t.c.key)
        )
        counted.update({row[0]: int(row[1]) for row in rows})
    return {key: counted.get(key, 0) for key in wanted}


def fill_tag_counts(connection: Connection, schema: Schema) -> None:
    """Count every account's tags from the ``candidate_tags`` rows (into an empty table)."""
    t = schema.candidate_tags
    counted = select(t.c.account, t.c.key, literal(0), func.count()).group_by(t.c.account, t.c.key)
    connection.execute(
        insert(schema.tag_counts).from_select(["account", "key", "shard", "tagged"], counted)
    )
