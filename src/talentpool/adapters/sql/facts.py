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

The candidates' full-text index is in :mod:`talentpool.adapters.sql.fulltext`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    func,
    select,
    update,
)

from talentpool.adapters.sql.schema import Schema
from talentpool.model import SubmissionStatus

__all__ = [
    "FACT_COLUMNS",
    "NEVER",
    "refresh",
    "refresh_all",
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
