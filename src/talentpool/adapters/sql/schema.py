"""The SQL store's tables (ST3, ST6), optionally under a name prefix or schema.

Every table carries the account, and every key starts with it, so one database
holds many accounts and a store opened for one never reads another's rows (ST6).
Each entity is kept whole as a JSON document (:mod:`talentpool.documents`), beside
the columns the queries filter and sort on; instants are whole microseconds
since the epoch in UTC, so they compare as instants on every database.

The tables a host's data lands in (candidates, their tags, languages and
fields, submissions, requisitions and the shares of both) are what the compiler
(:mod:`talentpool.adapters.sql.compiler`) reads; the rest are documents by key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    cast,
    literal_column,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = [
    "CELLS_PER_DEGREE",
    "DEFAULT_PREFIX",
    "CodePointText",
    "Schema",
    "escape",
    "latitude_cell",
    "unescape",
]

DEFAULT_PREFIX = "talentpool_"
"""The prefix of every table name unless the host chooses another."""


_ESCAPES = str.maketrans({"\x00": "\x01\x01", "\x01": "\x01\x02"})


def escape(value: str) -> str:
    """Write NUL, which PostgreSQL cannot store, as ``\\x01\\x01``, keeping the order of strings.

    ``\\x01`` becomes ``\\x01\\x02``; every other character stays. The code is prefix-free
    and keeps the order of single characters, so strings keep their order.
    """
    return value.translate(_ESCAPES) if "\x00" in value or "\x01" in value else value


def unescape(value: str) -> str:
    """Undo :func:`escape`."""
    if "\x01" not in value:
        return value
    out, chars = [], iter(value)
    for ch in chars:
        out.append(("\x00" if next(chars) == "\x01" else "\x01") if ch == "\x01" else ch)
    return "".join(out)


class CodePointText(TypeDecorator[str]):
    """Text compared by code point, as Python compares strings, on every database.

    SQLite compares text byte by byte (UTF-8 keeps code-point order); PostgreSQL
    compares by the database's locale unless told otherwise, which would order
    ``"Z"`` and ``"a"`` differently from the reference, so there the column is
    ``COLLATE "C"``. Values are written through :func:`escape`, so any Python
    string, NUL included, is stored and read back unchanged.
    """

    impl = Text
    cache_ok = True

    def __init__(self, length: int | None = None) -> None:
        super().__init__()
        self.length = length

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """String of the length, code-point collated on PostgreSQL."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(
                Text(collation="C") if self.length is None else String(self.length, collation="C")
            )
        return dialect.type_descriptor(Text() if self.length is None else String(self.length))

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Escape the value for the database."""
        return None if value is None else escape(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """Read the value back as it was written."""
        return None if value is None else unescape(value)


CELLS_PER_DEGREE = 10
"""The latitude cells of a degree in the place index (about 11 km each)."""


def latitude_cell(latitude: ColumnElement[float]) -> ColumnElement[int]:
    """The place index's cell of *latitude*: ``CAST(latitude * 10 AS INTEGER)``.

    SQLite truncates and PostgreSQL rounds, so a cell is the latitude's tenth of a
    degree, give or take one; either way the cell grows with the latitude, so the
    latitudes from *south* to *north* lie in the cells from ``floor(10 * south)`` to
    ``ceil(10 * north)`` on both (:meth:`~talentpool.adapters.sql.compiler.Compiler.cells`).
    The constant is written into the statement, never bound, so the databases match
    the condition to the index's expression.
    """
    return cast(latitude * literal_column(str(CELLS_PER_DEGREE)), Integer)


_PLACE_COLUMNS = (
    "longitude",
    "latitude",
    "profile_language",
    "open_until",
    "unexpired_until",
    "hired_at",
    "rejected_at",
    "submitted_at",
    "active_at",
    "consent_given",
    "consent_expires_at",
    "consent_withdrawn_at",
    "id",
)
"""The columns of the candidates' place index after the account and the latitude's cell:
the box, then what pools read."""


def _key(length: int) -> CodePointText:
    return CodePointText(length)


def _words() -> CodePointText:
    return CodePointText()


def _account() -> Column[str]:
    return Column("account", _key(64), nullable=False)


class Schema:
    """Every table of the store, named with *prefix*, optionally in a database *schema*.

    Args:
        prefix: Put before every table name, so the tables can live inside a
            host's database beside its own.
        schema: The database schema (PostgreSQL) the tables live in, if not the default.
    """

    def __init__(self, prefix: str = DEFAULT_PREFIX, schema: str | None = None) -> None:
        self.prefix = prefix
        self.metadata = MetaData(schema=schema)
        m, p = self.metadata, prefix

        self.meta = Table(
            f"{p}meta",
            m,
            Column("key", _key(64), primary_key=True),
            Column("value", _key(255), nullable=False),
        )
        self.candidates = Table(
            f"{p}candidates",
            m,
            _account(),
            Column("id", _key(255), nullable=False),
            Column("created_at", BigInteger, nullable=False),
            Column("family_key", _words(), nullable=False),
            Column("given_key", _words(), nullable=False),
            Column("city_key", _words()),
            Column("latitude", Float),
            Column("longitude", Float),
            Column("profile_language", _key(64)),
            Column("consent_given", Boolean, nullable=False),
            Column("consent_expires_at", BigInteger),
            Column("consent_withdrawn_at", BigInteger),
            Column("words", _words(), nullable=False),
            Column("doc", _words(), nullable=False),
            # facts (schema version 2): see talentpool.adapters.sql.facts
            Column("open_until", BigInteger),
            Column("unexpired_until", BigInteger),
            Column("hired_at", BigInteger),
            Column("rejected_at", BigInteger),
            Column("submitted_at", BigInteger),
            Column("active_at", BigInteger),
            # schema version 7: the account, tags and words as full-text tokens (PF3),
            # see talentpool.adapters.sql.fulltext
            Column("tokens", Text, nullable=False, server_default=""),
            PrimaryKeyConstraint("account", "id"),
            Index(f"{p}candidates_created", "account", "created_at"),
        )
        # A pool's radius reads its box from here, cell by cell of its latitudes, each
        # cell from the box's west to its east, and every fact and profile column the
        # pools filter and sort on, never the candidate's row (PF2). Schema version 8:
        # the cells (before, the box's whole band of latitudes was read, coast to coast).
        place = self.candidates.c
        Index(
            f"{p}candidates_place",
            place.account,
            latitude_cell(place.latitude),
            *(place[name] for name in _PLACE_COLUMNS),
        )
        self.candidate_tags = Table(
            f"{p}candidate_tags",
            m,
            _account(),
            Column("candidate_id", _key(255), nullable=False),
            Column("key", _words(), nullable=False),
            PrimaryKeyConstraint("account", "candidate_id", "key"),
            Index(f"{p}candidate_tags_key", "account", "key", "candidate_id"),
        )
        # schema version 9: how many candidates carry each tag, kept (PF3), see
        # talentpool.adapters.sql.tagcounts; a tag's count is the sum of its rows
        self.tag_counts = Table(
            f"{p}tag_counts",
            m,
            _account(),
            Column("key", _words(), nullable=False),
            Column("shard", Integer, nullable=False),
            Column("tagged", BigInteger, nullable=False),
            PrimaryKeyConstraint("account", "key", "shard"),
        )
        self.candidate_languages = Table(
            f"{p}candidate_languages",
            m,
            _account(),
            Column("candidate_id", _key(255), nullable=False),
            Column("code", _key(64), nullable=False),
            PrimaryKeyConstraint("account", "candidate_id", "code"),
            Index(f"{p}candidate_languages_code", "account", "code", "candidate_id"),
        )
        self.candidate_fields = Table(
            f"{p}candidate_fields",
            m,
            _account(),
            Column("candidate_id", _key(255), nullable=False),
            Column("name", _words(), nullable=False),
            Column("value_key", _words(), nullable=False),
            PrimaryKeyConstraint("account", "candidate_id", "name"),
            Index(f"{p}candidate_fields_value", "account", "name", "value_key"),
        )
        self.requisitions = Table(
            f"{p}requisitions",
            m,
            _account(),
            Column("id", _key(255), nullable=False),
            Column("owner_id", _key(255)),
            Column("organization", _key(255)),
            Column("location", _key(255)),
            Column("job_field", _key(255)),
            Column("doc", _words(), nullable=False),
            PrimaryKeyConstraint("account", "id"),
            Index(f"{p}requisitions_owner", "account", "owner_id"),
        )
        self.requisition_shares = Table(
            f"{p}requisition_shares",
            m,
            _account(),
            Column("requisition_id", _key(255), nullable=False),
            Column("user_id", _key(255), nullable=False),
            PrimaryKeyConstraint("account", "requisition_id", "user_id"),
            Index(f"{p}requisition_shares_user", "account", "user_id"),
        )
        self.submissions = Table(
            f"{p}submissions",
            m,
            _account(),
            Column("id", _key(255), nullable=False),
            Column("candidate_id", _key(255), nullable=False),
            Column("requisition_id", _key(255), nullable=False),
            Column("submitted_at", BigInteger, nullable=False),
            Column("status", _key(32), nullable=False),
            Column("status_changed_at", BigInteger, nullable=False),
            Column("last_activity_at", BigInteger, nullable=False),
            Column("expires_at", BigInteger),
            Column("doc", _words(), nullable=False),
            PrimaryKeyConstraint("account", "id"),
            # AP9: one submission per candidate and requisition, even from two processes
            UniqueConstraint("account", "candidate_id", "requisition_id", name=f"{p}one_per_pair"),
            # a requisition's candidates, read from the index alone (the pool's universe)
            Index(f"{p}submissions_requisition", "account", "requisition_id", "candidate_id"),
            Index(f"{p}submissions_idle", "account", "status", "last_activity_at"),
            # whether a candidate has an unexpired submission on given requisitions (the
            # structure criterion), read from the index alone
            Index(
                f"{p}submissions_reach", "account", "candidate_id", "requisition_id", "expires_at"
            ),
            # what the facts of one candidate are recomputed from, by status (facts.refresh)
            Index(f"{p}submissions_candidate", "account", "candidate_id", "status"),
        )
        self.submission_shares = Table(
            f"{p}submission_shares",
            m,
            _account(),
            Column("submission_id", _key(255), nullable=False),
            Column("user_id", _key(255), nullable=False),
            PrimaryKeyConstraint("account", "submission_id", "user_id"),
            Index(f"{p}submission_shares_user", "account", "user_id"),
        )
        self.templates = _documents(m, f"{p}templates")
        self.users = _documents(m, f"{p}users")
        self.structures = _documents(m, f"{p}structures")
        self.repooling_rules = _documents(m, f"{p}repooling_rules")
        self.settings = _documents(m, f"{p}settings")
        self.quick_filters = Table(
            f"{p}quick_filters",
            m,
            _account(),
            Column("id", _key(255), nullable=False),
            Column("name_key", _words(), nullable=False),
            Column("doc", _words(), nullable=False),
            PrimaryKeyConstraint("account", "id"),
        )
        self.attachments = Table(
            f"{p}attachments",
            m,
            _account(),
            Column("id", _key(255), nullable=False),
            Column("candidate_id", _key(255), nullable=False),
            Column("uploaded_at", BigInteger, nullable=False),
            Column("doc", _words(), nullable=False),
            PrimaryKeyConstraint("account", "id"),
            Index(f"{p}attachments_candidate", "account", "candidate_id"),
        )
        self.subscriptions = Table(
            f"{p}subscriptions",
            m,
            _account(),
            Column("user_id", _key(255), nullable=False),
            Column("tag_key", _words(), nullable=False),
            Column("doc", _words(), nullable=False),
            PrimaryKeyConstraint("account", "user_id", "tag_key"),
            Index(f"{p}subscriptions_tag", "account", "tag_key"),
        )
        self.notification_settings = _documents(m, f"{p}notification_settings")
        self.notifications = Table(
            f"{p}notifications",
            m,
            _account(),
            Column("id", _key(255), nullable=False),
            Column("user_id", _key(255), nullable=False),
            Column("created_at", BigInteger, nullable=False),
            Column("seq", BigInteger, nullable=False),
            Column("user_seq", BigInteger, nullable=False),
            Column("doc", _words(), nullable=False),
            PrimaryKeyConstraint("account", "id"),
            Index(f"{p}notifications_user", "account", "user_id", "created_at"),
        )
        # schema version 4: notifications waiting for a digest (MP10)
        self.digest_entries = Table(
            f"{p}digest_entries",
            m,
            _account(),
            Column("notification_id", _key(255), nullable=False),
            Column("channel", _key(32), nullable=False),
            Column("user_id", _key(255), nullable=False),
            Column("due_at", BigInteger, nullable=False),
            Column("claim_id", _key(255)),
            Column("claimed_at", BigInteger),
            PrimaryKeyConstraint("account", "notification_id", "channel"),
            Index(f"{p}digest_entries_due", "account", "due_at"),
            Index(f"{p}digest_entries_user", "account", "user_id", "channel", "due_at"),
            Index(f"{p}digest_entries_claim", "account", "claim_id"),
        )
        # schema version 5: pool alerts (AP16)
        self.alert_watches = Table(
            f"{p}alert_watches",
            m,
            _account(),
            Column("requisition_id", _key(255), nullable=False),
            Column("user_id", _key(255), nullable=False),
            Column("since", BigInteger, nullable=False),
            Column("doc", _words(), nullable=False),
            PrimaryKeyConstraint("account", "requisition_id", "user_id"),
            Index(f"{p}alert_watches_user", "account", "user_id"),
        )
        self.alert_pools = Table(
            f"{p}alert_pools",
            m,
            _account(),
            Column("requisition_id", _key(255), nullable=False),
            Column("criteria_key", _key(64), nullable=False),
            PrimaryKeyConstraint("account", "requisition_id"),
        )
        self.alert_members = Table(
            f"{p}alert_members",
            m,
            _account(),
            Column("requisition_id", _key(255), nullable=False),
            Column("candidate_id", _key(255), nullable=False),
            Column("since", BigInteger, nullable=False),
            # schema version 6: re-entry within a digest period (AP16)
            Column("announced_at", BigInteger),
            Column("left_at", BigInteger),
            PrimaryKeyConstraint("account", "requisition_id", "candidate_id"),
            Index(f"{p}alert_members_candidate", "account", "candidate_id", "requisition_id"),
        )
        self.events = Table(
            f"{p}events",
            m,
            _account(),
            Column("seq", BigInteger, nullable=False),
            Column("doc", _words(), nullable=False),
            PrimaryKeyConstraint("account", "seq"),
        )
        self.counters = Table(
            f"{p}counters",
            m,
            _account(),
            Column("name", _key(64), nullable=False),
            Column("value", Integer, nullable=False),
            PrimaryKeyConstraint("account", "name"),
        )


def _documents(metadata: MetaData, name: str) -> Table:
    """A table of documents by account and key."""
    return Table(
        name,
        metadata,
        _account(),
        Column("key", _key(255), nullable=False),
        Column("doc", _words(), nullable=False),
        PrimaryKeyConstraint("account", "key"),
    )
