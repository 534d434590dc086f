"""What the queries need of each candidate, kept beside them: facts and full text (ST3).

**Facts.** Pools ask of every candidate whether they are in a selection process,
have an unexpired submission, were hired or rejected lately, and when they last
applied. Those answers depend on all of the candidate's submissions, so the store
keeps them as columns of the candidate's row, recomputed from the submissions in
the same transaction as every write that changes them (:func:`refresh`):

* ``open_until`` — the latest expiry of an open (new, in-process) submission,
  :data:`NEVER` for one that never expires; in a selection process at *now* when
  it is later than *now* (AP6);
* ``unexpired_until`` — the same over every submission: one is unexpired at *now*
  when it is later than *now*;
* ``hired_at`` / ``rejected_at`` — the latest move to hired / rejected;
* ``submitted_at`` / ``active_at`` — the latest submission and the latest activity.

They read "on any requisition". A pool considers only candidates with no
submission on its own requisition (AP5), so for them "any" is "another", and the
compiler uses the facts there; elsewhere it asks the submissions themselves.

**Full text.** On SQLite the folded words of every candidate are also in an FTS5
table, so a keyword finds its candidates from the index; the compiler then
confirms each whole word on the candidate's row, so the answer is exactly the
reference's whatever the tokenizer makes of a word (AP4).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Integer,
    and_,
    bindparam,
    func,
    literal_column,
    select,
    text,
    update,
)

from talentpool.adapters.sql.schema import Schema, escape
from talentpool.model import SubmissionStatus

__all__ = [
    "FACT_COLUMNS",
    "NEVER",
    "create_full_text",
    "forget_words",
    "full_text_matches",
    "refresh",
    "refresh_all",
    "write_words",
]

NEVER = 2**62
"""Stands for "never expires" among expiry instants (microseconds), later than any real one."""
FACT_COLUMNS = (
    "open_until",
    "unexpired_until",
    "hired_at",
    "rejected_at",
    "submitted_at",
    "active_at",
)
"""The fact columns of the candidates table."""

_OPEN = [s.value for s in SubmissionStatus if s.is_open]


def _facts(schema: Schema) -> dict[str, ColumnElement[int]]:
    c, s = schema.candidates, schema.submissions
    mine = and_(s.c.account == c.c.account, s.c.candidate_id == c.c.id)
    expiry = func.coalesce(s.c.expires_at, NEVER)

    def latest(column: ColumnElement[int], *where: ColumnElement[bool]) -> ColumnElement[int]:
        return select(func.max(column)).where(mine, *where).scalar_subquery()

    return {
        "open_until": latest(expiry, s.c.status.in_(_OPEN)),
        "unexpired_until": latest(expiry),
        "hired_at": latest(s.c.status_changed_at, s.c.status == SubmissionStatus.HIRED.value),
        "rejected_at": latest(s.c.status_changed_at, s.c.status == SubmissionStatus.REJECTED.value),
        "submitted_at": latest(s.c.submitted_at),
        "active_at": latest(s.c.last_activity_at),
    }


def refresh(connection: Connection, schema: Schema, account: str, ids: Iterable[str]) -> None:
    """Recompute the facts of the candidates *ids* of *account* from their submissions."""
    chosen = sorted(set(ids))
    if not chosen:
        return
    c = schema.candidates
    connection.execute(
        update(c).where(c.c.account == account, c.c.id.in_(chosen)).values(**_facts(schema))
    )


def refresh_all(connection: Connection, schema: Schema) -> None:
    """Recompute the facts of every candidate of every account (a migration's backfill)."""
    connection.execute(update(schema.candidates).values(**_facts(schema)))


# --- full text ---------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_name(schema: Schema, name: str) -> str:
    """*name*, quoted, in the store's schema: a host's prefix may hold any character."""
    table = _quote(name)
    return table if schema.metadata.schema is None else f"{_quote(schema.metadata.schema)}.{table}"


def _words_table(schema: Schema) -> str:
    """The full-text table's name, quoted."""
    return _quote_name(schema, f"{schema.prefix}candidate_words")


def create_full_text(connection: Connection, schema: Schema) -> None:
    """Create the full-text index (SQLite's FTS5, PostgreSQL's ``tsvector`` with GIN), filled."""
    if connection.dialect.name == "postgresql":
        table = _quoted(connection, schema)
        connection.execute(
            text(
                f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS words_tsv tsvector "
                "GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED"
            )
        )
        index = connection.dialect.identifier_preparer.quote(f"{schema.prefix}candidates_words")
        connection.execute(
            text(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING GIN (words_tsv)")
        )
        return
    if connection.dialect.name != "sqlite":
        return
    table = _words_table(schema)
    connection.execute(
        text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
            "account UNINDEXED, candidate_id UNINDEXED, words, "
            "tokenize = \"unicode61 tokenchars '+#'\")"
        )
    )
    # Each candidate's words sit under the candidate row's own rowid, so one candidate's
    # entry is replaced through the index, not by scanning the table's unindexed columns.
    candidates = _quote_name(schema, schema.candidates.name)
    connection.execute(
        text(
            f"INSERT INTO {table} (rowid, account, candidate_id, words) "
            f"SELECT rowid, account, id, words FROM {candidates}"
        )
    )


def write_words(connection: Connection, schema: Schema, account: str, ids: Sequence[str]) -> None:
    """Index again the words of the candidates *ids*, as their rows now hold them.

    Two statements per slice of ids, whatever their number: the old entries go by
    the rows' own rowids, and the new ones are copied from the rows (a bulk load
    fills the index as it goes).
    """
    if connection.dialect.name != "sqlite" or not ids:
        return
    table = _words_table(schema)
    candidates = _quote_name(schema, schema.candidates.name)
    for own, params in _slices(account, ids):
        _forget(connection, schema, own, params)
        connection.execute(
            text(
                f"INSERT INTO {table} (rowid, account, candidate_id, words) "
                f"SELECT rowid, account, id, words FROM {candidates} WHERE {own}"
            ),
            params,
        )


def forget_words(connection: Connection, schema: Schema, account: str, ids: Sequence[str]) -> None:
    """Remove the full-text entries of the candidates *ids*, before their rows go (DM6)."""
    if connection.dialect.name != "sqlite" or not ids:
        return
    for own, params in _slices(account, ids):
        _forget(connection, schema, own, params)


def _slices(account: str, ids: Sequence[str]) -> list[tuple[str, dict[str, str]]]:
    """The ``WHERE`` text and parameters selecting *ids*' candidate rows, per slice of 500."""
    out = []
    for start in range(0, len(ids), 500):
        chunk = [escape(cid) for cid in ids[start : start + 500]]
        own = f"account = :account AND id IN ({', '.join(f':c{i}' for i in range(len(chunk)))})"
        out.append((own, {"account": escape(account), **{f"c{i}": c for i, c in enumerate(chunk)}}))
    return out


def _forget(connection: Connection, schema: Schema, own: str, params: dict[str, str]) -> None:
    table = _words_table(schema)
    candidates = _quote_name(schema, schema.candidates.name)
    connection.execute(
        text(f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {candidates} WHERE {own})"),
        params,
    )


def _quoted(connection: Connection, schema: Schema) -> str:
    return connection.dialect.identifier_preparer.format_table(schema.candidates)


def full_text_matches(
    schema: Schema, dialect: str, account: str, words: Sequence[str]
) -> ColumnElement[bool] | None:
    """A condition on the candidates table that the index holds all *words*, or ``None``.

    It may hold a few candidates too many (the index's tokenizer splits some words
    the way talentpool does not); the compiler's whole-word check decides.
    """
    if not words:
        return None
    if dialect == "postgresql":
        vector: ColumnElement[Any] = literal_column("words_tsv")
        found: ColumnElement[bool] = vector.op("@@", return_type=Boolean)(
            func.plainto_tsquery("simple", " ".join(words))
        )
        return found
    if dialect != "sqlite":
        return None
    phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
    table = _words_table(schema)
    # Each entry sits under its candidate row's own rowid (create_full_text), so the
    # matches are read from the index alone, with no lookup of their stored columns;
    # the candidate rows are the account's by the query's own condition (ST6).
    indexed = text(f"SELECT rowid FROM {table} WHERE {table} MATCH :phrase").bindparams(
        # unique: a statement may hold several of these (two keyword criteria, say)
        bindparam("phrase", phrase, unique=True)
    )
    rowid: ColumnElement[int] = literal_column(
        f"{_quote_name(schema, schema.candidates.name)}.rowid", Integer
    )
    return rowid.in_(indexed.columns(rowid=Integer))
