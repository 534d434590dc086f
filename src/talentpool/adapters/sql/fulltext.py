"""The candidates' full-text index: account, tags and words as tokens of one row (ST3, PF3).

Each candidate row holds, in its ``tokens`` column, one token for its account,
one for each tag it carries and one for each word of its searchable text
(:func:`talentpool.text.words`), separated by spaces. A token is a letter saying
what it stands for and the value's UTF-8 bytes in lower-case hex::

    >>> token(ACCOUNT, "acme"), token(TAG, "forklift licence"), token(WORD, "kasse")
    ('x61636d65', 't666f726b6c696674206c6963656e6365', 'w6b61737365')

So every tokenizer keeps a token whole and folds nothing in it: two tokens are
equal exactly when the two values are, whatever characters a tag or a word holds
(spaces, ``+``, accents already folded by talentpool). A value of more than
:data:`LONG` bytes is written as its BLAKE2b digest under a letter of its own
(``y``, ``s``, ``v``); a term with such a token is confirmed on the candidate's
row, so even a collision of digests could not change an answer.

A conjunction of tags and words (a micro-pool with a full-text term, MP6) is then
one query of the index: on SQLite an FTS5 table over the ``tokens`` column (its
rows are the candidate rows' own rowids, so a match is a candidate row without a
lookup, and the index alone counts the matches); on PostgreSQL a GIN index over
the column's tokens as an array. Every write of a candidate keeps the entry
current in the same transaction (:func:`forget_tokens`, :func:`index_tokens`), so a rollback
undoes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from sqlalchemy import (
    ARRAY,
    Boolean,
    ColumnElement,
    Connection,
    Integer,
    Text,
    and_,
    bindparam,
    func,
    literal_column,
    text,
)

from talentpool.adapters.sql.schema import Schema, escape

__all__ = [
    "ACCOUNT",
    "INDEXED",
    "LONG",
    "TAG",
    "WORD",
    "Terms",
    "candidate_tokens",
    "count_matches",
    "create_full_text",
    "drop_words_index",
    "exact",
    "forget_tokens",
    "full_text_matches",
    "index_tokens",
    "rebuild_full_text",
    "token",
]

INDEXED = ("sqlite", "postgresql")
"""The databases with an index of the tokens."""
ACCOUNT, TAG, WORD = "x", "t", "w"
"""The letters of the three kinds of token (none is a hex digit)."""
_DIGESTED = {ACCOUNT: "y", TAG: "s", WORD: "v"}
LONG = 64
"""The most UTF-8 bytes a value is written with in full; a longer one is digested."""


def token(kind: str, value: str) -> str:
    """The token of *value* of *kind* (:data:`ACCOUNT`, :data:`TAG` or :data:`WORD`)."""
    raw = value.encode("utf-8", "surrogatepass")
    if len(raw) <= LONG:
        return kind + raw.hex()
    return _DIGESTED[kind] + hashlib.blake2b(raw, digest_size=16).hexdigest()


def exact(token_: str) -> bool:
    """Whether *token_* holds its value in full (not a digest)."""
    return token_[0] not in _DIGESTED.values()


def candidate_tokens(account: str, tag_keys: Iterable[str], words: Iterable[str]) -> str:
    """The ``tokens`` column of a candidate: account first, then tags and words, sorted."""
    rest = sorted({token(TAG, k) for k in tag_keys} | {token(WORD, w) for w in words})
    return " ".join([token(ACCOUNT, account), *rest])


@attrs.frozen
class Terms:
    """What a candidate's tokens must hold: every group, each by one of its tokens.

    Attributes:
        groups: ANDed; each group's tokens ORed (a group of one is one tag or word).
    """

    groups: tuple[tuple[str, ...], ...]

    @property
    def exact(self) -> bool:
        """Whether the index decides the terms alone (no digested token)."""
        return all(exact(t) for group in self.groups for t in group)

    def and_(self, other: Terms) -> Terms:
        """Both terms."""
        return Terms(self.groups + other.groups)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _name(schema: Schema, name: str) -> str:
    """*name*, quoted, in the store's schema: a host's prefix may hold any character."""
    table = _quote(name)
    return table if schema.metadata.schema is None else f"{_quote(schema.metadata.schema)}.{table}"


def _table(schema: Schema) -> str:
    """The SQLite full-text table's name, quoted."""
    return _name(schema, f"{schema.prefix}candidate_tokens")


def _candidates(schema: Schema) -> str:
    return _name(schema, schema.candidates.name)


def _gin(schema: Schema) -> str:
    return _quote(f"{schema.prefix}candidates_tokens")


def create_full_text(connection: Connection, schema: Schema) -> None:
    """Create the index over the candidates' ``tokens`` (filled from the rows there are)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {_gin(schema)} ON {_candidates(schema)} "
                "USING GIN ((string_to_array(tokens, ' ')))"
            )
        )
    elif dialect == "sqlite":
        # External content: the tokens are read from the candidate rows, not stored twice;
        # ASCII tokens, no positions (a term is a token, never a phrase).
        content = _quote(schema.candidates.name)
        connection.execute(
            text(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {_table(schema)} USING fts5("
                f"tokens, content = {content}, content_rowid = 'rowid', "
                "tokenize = 'ascii', detail = none, columnsize = 0)"
            )
        )
        rebuild_full_text(connection, schema)


def rebuild_full_text(connection: Connection, schema: Schema) -> None:
    """Index again every candidate row's tokens (SQLite; PostgreSQL's index keeps itself)."""
    if connection.dialect.name == "sqlite":
        table = _table(schema)
        connection.execute(text(f"INSERT INTO {table} ({table}) VALUES ('rebuild')"))


def drop_words_index(connection: Connection, schema: Schema) -> None:
    """Drop the full-text index of schema versions 2–5 (the words alone)."""
    if connection.dialect.name == "sqlite":
        words = _name(schema, f"{schema.prefix}candidate_words")
        connection.execute(text(f"DROP TABLE IF EXISTS {words}"))
    elif connection.dialect.name == "postgresql":
        legacy = _quote(f"{schema.prefix}candidates_words")
        if schema.metadata.schema is not None:
            legacy = f"{_quote(schema.metadata.schema)}.{legacy}"
        connection.execute(text(f"DROP INDEX IF EXISTS {legacy}"))
        connection.execute(
            text(f"ALTER TABLE {_candidates(schema)} DROP COLUMN IF EXISTS words_tsv")
        )


def _slices(account: str, ids: Sequence[str]) -> list[tuple[str, dict[str, str]]]:
    """The ``WHERE`` text and parameters selecting *ids*' candidate rows, per slice of 500."""
    out = []
    for start in range(0, len(ids), 500):
        chunk = [escape(cid) for cid in ids[start : start + 500]]
        own = f"account = :account AND id IN ({', '.join(f':c{i}' for i in range(len(chunk)))})"
        out.append((own, {"account": escape(account), **{f"c{i}": c for i, c in enumerate(chunk)}}))
    return out


def forget_tokens(connection: Connection, schema: Schema, account: str, ids: Sequence[str]) -> None:
    """Remove the entries of the candidates *ids*, as their rows hold them now.

    Called before a row's tokens change or the row goes (DM6): the index is told
    what it holds from the row itself.
    """
    _from_rows(connection, schema, account, ids, delete=True)


def index_tokens(connection: Connection, schema: Schema, account: str, ids: Sequence[str]) -> None:
    """Add the entries of the candidates *ids*, as their rows hold them now."""
    _from_rows(connection, schema, account, ids, delete=False)


def _from_rows(
    connection: Connection, schema: Schema, account: str, ids: Sequence[str], *, delete: bool
) -> None:
    """Hand SQLite's index the rows' tokens: to add, or (its ``'delete'`` command) to remove."""
    if connection.dialect.name != "sqlite" or not ids:
        return
    table, candidates = _table(schema), _candidates(schema)
    command, value = (f"{table}, ", "'delete', ") if delete else ("", "")
    for own, params in _slices(account, ids):
        connection.execute(
            text(
                f"INSERT INTO {table} ({command}rowid, tokens) "
                f"SELECT {value}rowid, tokens FROM {candidates} WHERE {own}"
            ),
            params,
        )


def _query(terms: Terms) -> str:
    """The FTS5 query of *terms*: every token quoted, groups ANDed, a group's tokens ORed."""

    def group(tokens_: tuple[str, ...]) -> str:
        inner = " OR ".join(f'"{t}"' for t in tokens_)
        return inner if len(tokens_) == 1 else f"({inner})"

    return " AND ".join(group(g) for g in terms.groups)


def full_text_matches(schema: Schema, dialect: str, terms: Terms) -> ColumnElement[bool] | None:
    """A condition on the candidates table that their tokens hold *terms*, or ``None``.

    ``None`` where the database has no index of tokens. Digested tokens may hold a
    candidate too many; the caller confirms those terms.
    """
    if not terms.groups:
        return None
    if dialect == "postgresql":
        # The index's own expression, so the planner reads the GIN index.
        held = func.string_to_array(schema.candidates.c.tokens, literal_column("' '"))
        singles = sorted({g[0] for g in terms.groups if len(g) == 1})
        found: list[ColumnElement[bool]] = []
        if singles:
            found.append(held.op("@>", return_type=Boolean)(_array(singles)))
        found.extend(
            held.op("&&", return_type=Boolean)(_array(sorted(g)))
            for g in terms.groups
            if len(g) > 1
        )
        return and_(*found)
    if dialect != "sqlite":
        return None
    table = _table(schema)
    indexed = text(f"SELECT rowid FROM {table} WHERE {table} MATCH :terms").bindparams(
        # unique: a statement may hold several of these (two keyword criteria, say)
        bindparam("terms", _query(terms), unique=True)
    )
    rowid: ColumnElement[int] = literal_column(f"{_candidates(schema)}.rowid", Integer)
    return rowid.in_(indexed.columns(rowid=Integer))


def _array(values: list[str]) -> ColumnElement[Any]:
    return bindparam(None, values, type_=ARRAY(Text), unique=True)


def count_matches(connection: Connection, schema: Schema, account: str, terms: Terms) -> int | None:
    """How many of *account*'s candidates hold *terms*, from the index alone (SQLite), or ``None``.

    Exact only for exact terms (:attr:`Terms.exact`); the account is one of the terms,
    so an account too long to be written in full is not counted here (ST6).
    """
    scope = token(ACCOUNT, account)
    if connection.dialect.name != "sqlite" or not exact(scope):
        return None
    table = _table(schema)
    scoped = Terms(((scope,),)).and_(terms)
    found = connection.execute(
        text(f"SELECT count(*) FROM {table} WHERE {table} MATCH :terms"),
        {"terms": _query(scoped)},
    ).scalar_one()
    return int(found)
