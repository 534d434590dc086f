"""The sync API (ST7): a host keeps the SQL store current from its own data.

A host application has its own tables and its own write paths. Each write path
that changes what talentpool reads tells :class:`Sync` the new state of the
entity, whole (a candidate's profile, a submission, a requisition, a user, a
structure tree), or one change the host made (a candidate's tags, a share, a
position's owner, a deletion). Every method is an idempotent upsert: calling it
again with the same data changes nothing, so a host may replay a write, or a
whole backfill, whenever it is unsure it arrived::

    >>> from datetime import UTC, datetime
    >>> from talentpool.adapters.sql import SqlStore, Sync
    >>> from talentpool.model import Candidate
    >>> store = SqlStore("sqlite://")
    >>> sync = Sync(store, "acme")
    >>> entered = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    >>> sync.save_candidate(Candidate("eva", "Eva", "Nováková", entered, tags=["Brno"]))
    >>> sorted(t.label for t in sync.set_tags("eva", ["Brno", "call"]).tags)
    ['Brno', 'call']

A backfill is a stream of entities, written in batches of one transaction each;
the progress callback hears ``(done, total)`` after every committed batch, with
``total`` ``None`` for a generator of unknown length::

    >>> seen = []
    >>> people = (Candidate(f"c-{i}", "Jan", "Novák", entered) for i in range(5))
    >>> sync.save_candidates(people, batch_size=2, progress=lambda *p: seen.append(p))
    5
    >>> seen
    [(2, None), (4, None), (5, None)]
    >>> with store.unit_of_work("acme") as uow:
    ...     len(uow.candidates)
    6

What it writes, and what it does not:

* **The same rows as the unit of work.** Candidates, submissions and
  attachments go through their repositories' ``save_all``
  (:meth:`SqlCandidates.save_all <talentpool.adapters.sql.store.SqlCandidates.save_all>` …),
  the very code their ``save`` runs, a few statements per batch; everything
  else through the repositories' own ``save``. Syncing an account and saving
  it through a unit of work give the same rows and the same answers to every
  query.
* **Only the account's rows** (ST6): a ``Sync`` writes through a unit of work
  for its account, and every statement it runs is scoped by that account.
* **The library's own state is kept.** A requisition's autopool criteria and
  pool exclusions are saved by talentpool's services (AP2, AP10), not by the
  host, so syncing a requisition that is already stored keeps them
  (``keep_pool=False`` replaces them too).
* **A mirror, not an action.** The host has already made the change, checked
  its permissions and recorded it; a sync raises no notification and records no
  event. Where a person's change should notify trackers and be audited (a
  recruiter tags a candidate: MP7, MP9; shares a response: MP11), call the
  service (``MicroPools.set_tags`` …) on a unit of work of the same store
  instead: it writes the same rows.
* **No candidate deletion.** A candidate leaves the store through erasure
  (DM6), which also rewrites the audit trail and notifications; the sync API
  removes what a host deletes in the ordinary run of things: a submission, a
  requisition, a user, an attachment, a structure tree.

Bad input raises one library error before anything of its batch is written:
:class:`~talentpool.errors.DomainError` naming the field (``candidates[3].residence``)
for a value of the wrong type, an id that is blank or too long for its
column; :class:`~talentpool.errors.NotFoundError` for a submission whose
candidate or requisition is not stored; :class:`~talentpool.errors.ConflictError`
for a second submission of one candidate to one requisition (AP9). No
database error escapes raw (:mod:`talentpool.adapters.sql.store`). In a
stream, the batches before the failing one stay committed, and a note on the
error says how many; replaying the stream from the start is safe.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence, Sized
from contextlib import nullcontext
from typing import Any, TypeVar

import attrs
from sqlalchemy import Connection, Table, delete, select

from talentpool.adapters import collector
from talentpool.adapters.sql.store import SqlStore, SqlUnitOfWork
from talentpool.documents import from_document, to_document
from talentpool.errors import CriteriaError, DomainError, NotFoundError, TalentpoolError
from talentpool.ids import AttachmentId, CandidateId, RequisitionId, SubmissionId, UserId
from talentpool.model import (
    Attachment,
    Candidate,
    Dimension,
    Requisition,
    StructureTree,
    Submission,
    Tag,
    User,
)

__all__ = ["DEFAULT_BATCH_SIZE", "Sync", "SyncProgress"]

T = TypeVar("T")
E = TypeVar("E")

SyncProgress = Callable[[int, int | None], None]
"""A bulk stream's progress callback: ``progress(done, total)``.

Called after each batch is committed, with ``done`` the number of entities
of the stream written so far and ``total`` the number the stream holds: its
``len()`` when it has one, the ``total=`` the host passed, else ``None``.
What it raises propagates; the batches it was told about stay written.
"""

DEFAULT_BATCH_SIZE = 1000
"""Entities a bulk stream writes per transaction unless told otherwise."""

_ID_LENGTH = 255  # the width of every id column (schema.py)
_CODE_LENGTH = 64  # language codes
_ACCOUNT_LENGTH = 64
_GOT = re.compile(r" \(got .*\)$", re.DOTALL)
_STEP = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


# --- checks ---------------------------------------------------------------------------------


def _key(where: str, value: object, limit: int = _ID_LENGTH) -> str:
    """*value* as an id a column can hold: a non-blank string of at most *limit* characters."""
    if not isinstance(value, str) or not value.strip():
        raise DomainError(where, value, "must be a non-blank string id")
    if len(value) > limit:
        raise DomainError(where, value, f"must be at most {limit} characters long")
    return value


def _short(where: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise DomainError(where, value, f"must be at most {limit} characters long")


def _at(entity: object, document: Any, path: str) -> Any:
    """The refused value at *path* (``residence``, ``tags[0].label``), to show in the error.

    A field of the entity itself is shown as given; a value deeper down as its
    document has it (sets are sorted there), or the whole document if not found.
    """
    steps = _STEP.findall(path)
    if len(steps) == 1 and steps[0][1] and hasattr(entity, steps[0][1]):
        return getattr(entity, steps[0][1])
    here = document
    for index, name in steps:
        try:
            here = here[int(index)] if index else here[name]
        except (KeyError, IndexError, TypeError):
            return document
    return here


Documents = dict[str, Any]
"""Checked entities' documents by id, handed to the store so it need not make them again."""


def _readable(kind: type[E], where: str, entity: object, documents: Documents | None = None) -> E:
    """*entity* if it is a *kind* that the store can write and read back; else ``DomainError``.

    The document the store keeps is read back with the strict reader
    (:mod:`talentpool.documents`), so a field of the wrong type (a residence
    given as a town's name) is refused now, naming it, rather than stored and
    refused by every later read. With *documents*, the document is kept there
    under the entity's id, for the store to write.
    """
    if not isinstance(entity, kind):
        raise DomainError(where, entity, f"must be a {kind.__name__}")
    document = to_document(entity)
    try:
        from_document(kind, document)
    except CriteriaError as e:
        field = f"{where}.{e.path}" if e.path and e.path != "document" else where
        raise DomainError(field, _at(entity, document, e.path), _GOT.sub("", e.reason)) from None
    if documents is not None:
        documents[entity.id] = document  # type: ignore[attr-defined]
    return entity


def _user_ids(where: str, users: Iterable[UserId]) -> None:
    for user in sorted(users, key=repr):
        _key(where, user)


def _candidate(where: str, value: object, documents: Documents | None = None) -> Candidate:
    candidate = _readable(Candidate, where, value, documents)
    _key(f"{where}.id", candidate.id)
    if candidate.profile_language is not None:
        _short(f"{where}.profile_language", candidate.profile_language, _CODE_LENGTH)
    for code in sorted(candidate.languages):
        _short(f"{where}.languages", code, _CODE_LENGTH)
    return candidate


def _submission(where: str, value: object, documents: Documents | None = None) -> Submission:
    submission = _readable(Submission, where, value, documents)
    _key(f"{where}.id", submission.id)
    _key(f"{where}.candidate_id", submission.candidate_id)
    _key(f"{where}.requisition_id", submission.requisition_id)
    _user_ids(f"{where}.shared_with", submission.shared_with)
    return submission


def _requisition(where: str, value: object) -> Requisition:
    requisition = _readable(Requisition, where, value)
    _key(f"{where}.id", requisition.id)
    if requisition.owner_id is not None:
        _key(f"{where}.owner_id", requisition.owner_id)
    for name in ("organization", "location", "job_field"):
        node = getattr(requisition, name)
        if node is not None:
            _key(f"{where}.{name}", node)
    _user_ids(f"{where}.shared_with", requisition.shared_with)
    return requisition


def _user(where: str, value: object) -> User:
    user = _readable(User, where, value)
    _key(f"{where}.id", user.id)
    return user


def _attachment(where: str, value: object) -> Attachment:
    attachment = _readable(Attachment, where, value)
    _key(f"{where}.id", attachment.id)
    _key(f"{where}.candidate_id", attachment.candidate_id)
    return attachment


def _tree(where: str, value: object) -> StructureTree:
    return _readable(StructureTree, where, value)


def _dimension(value: object) -> Dimension:
    if isinstance(value, Dimension):
        return value
    for dimension in Dimension:
        if value == dimension.value:
            return dimension
    choices = ", ".join(repr(d.value) for d in Dimension)
    raise DomainError("dimension", value, f"must be a Dimension or one of {choices}")


def _whole(where: str, value: object, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise DomainError(where, value, f"must be a whole number >= {least}")
    return value


# --- the API --------------------------------------------------------------------------------


class Sync:
    """Idempotent upserts of a host's data into one account of an :class:`SqlStore` (ST7).

    Each method is one transaction of its own (a stream: one per batch), or,
    with *connection*, a savepoint inside the host's open transaction, which
    then decides for both: a host that writes its own rows and talentpool's in
    one transaction passes the connection it writes its own with.

    Args:
        store: The database.
        account: Whose rows; no other account's row is ever read or written (ST6).
        connection: A host's open SQLAlchemy connection to join, if any.
    """

    def __init__(
        self, store: SqlStore, account: str, *, connection: Connection | None = None
    ) -> None:
        if not isinstance(store, SqlStore):
            raise DomainError("store", store, "must be an SqlStore")
        _key("account", account, _ACCOUNT_LENGTH)
        self._uow: SqlUnitOfWork = store.unit_of_work(account, connection=connection)
        self._joined = connection is not None

    @property
    def account(self) -> str:
        """The account every write goes to."""
        return self._uow.account

    # --- plumbing -----------------------------------------------------------------------------

    def _write(self, what: str, work: Callable[[Connection], T]) -> T:
        """Run *work* in one transaction (a savepoint of the host's, when joined).

        The repositories *work* calls reuse the connection it is handed, so all
        of it commits or rolls back together.
        """

        def run(c: Connection) -> T:
            if not self._joined:
                return work(c)
            with c.begin_nested():
                return work(c)

        return self._uow.run(what, run)

    def _mine(self, table: Table) -> Any:
        return table.c.account == self._uow.account

    def _delete(self, c: Connection, table: Table, where: Any) -> bool:
        """Delete the account's rows of *table* matching *where*; return whether any were."""
        return bool(c.execute(delete(table).where(self._mine(table), where)).rowcount)

    def _ids(self, c: Connection, table: Table, column: str, where: Any) -> set[str]:
        rows = c.execute(select(table.c[column]).where(self._mine(table), where)).all()
        return {r[0] for r in rows}

    def _stream(
        self,
        noun: str,
        items: Iterable[E],
        check: Callable[[str, object], E],
        write: Callable[[Sequence[E]], None],
        *,
        batch_size: int,
        progress: SyncProgress | None,
        total: int | None,
    ) -> int:
        """Check and write *items* in batches of *batch_size*, one transaction each."""
        _whole("batch_size", batch_size, 1)
        if progress is not None and not callable(progress):
            raise DomainError("progress", progress, "must be a callable(done, total) or None")
        if total is not None:
            _whole("total", total, 0)
        if isinstance(items, str | bytes) or not isinstance(items, Iterable):
            raise DomainError(noun, items, "must be an iterable (a list, a generator…)")
        if total is None and isinstance(items, Sized):
            total = len(items)
        stream = iter(items)
        done = 0
        # Batches of its own commit without waiting for the disk (PF4); joined to a
        # host's transaction, the host's commit decides.
        with self._uow.store.bulk() if not self._joined else nullcontext():
            while batch := list(itertools.islice(stream, batch_size)):
                end = done + len(batch)
                try:
                    with collector.paused():  # a batch frees what it makes (PF4)
                        checked = [
                            check(f"{noun}[{done + i}]", item) for i, item in enumerate(batch)
                        ]
                        self._write(f"save {noun}[{done}:{end}]", _writer(write, checked))
                except TalentpoolError as e:
                    e.add_note(
                        f"{noun}[{done}:{end}] was not written; the {done} {noun} before it "
                        "were. Replaying the stream from the start is safe."
                    )
                    raise
                done = end
                if progress is not None:
                    progress(done, total)
        return done

    # --- candidates ---------------------------------------------------------------------------

    def save_candidate(self, candidate: Candidate) -> None:
        """Insert or replace the candidate's whole profile, tags included."""
        checked = _candidate("candidate", candidate)
        self._write(
            f"save candidate {checked.id!r}", lambda _: self._uow.candidates.save_all([checked])
        )

    def save_candidates(
        self,
        candidates: Iterable[Candidate],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: SyncProgress | None = None,
        total: int | None = None,
    ) -> int:
        """Insert or replace every candidate of the stream; return how many were written.

        Written *batch_size* at a time, each batch in one transaction and a few
        statements; a candidate given twice ends as the last one given.
        *progress* is told ``(done, total)`` after each batch (see
        :data:`SyncProgress`); *total* says how many a generator will yield,
        when the host knows.
        """
        documents: Documents = {}

        def write(batch: Sequence[Candidate]) -> None:
            try:
                self._uow.candidates.save_all(batch, documents=documents)
            finally:
                documents.clear()

        return self._stream(
            "candidates",
            candidates,
            lambda where, value: _candidate(where, value, documents),
            write,
            batch_size=batch_size,
            progress=progress,
            total=total,
        )

    def set_tags(self, candidate_id: CandidateId, tags: Iterable[Tag | str]) -> Candidate:
        """Give the stored candidate exactly *tags*; return the candidate as saved.

        Raises ``NotFoundError`` if the candidate is not stored, and
        ``DomainError`` for a bare string (``"Brno"`` rather than ``["Brno"]``)
        or a blank tag.
        """
        cid = _key("candidate_id", candidate_id)
        if isinstance(tags, str) or not isinstance(tags, Iterable):
            raise DomainError("tags", tags, "must be a collection of tags, not one")
        wanted = frozenset(t if isinstance(t, Tag) else Tag(t) for t in tags)

        def work(c: Connection) -> Candidate:
            stored = self._uow.candidates.get(CandidateId(cid))
            changed = stored.with_tags(wanted)
            if _labels(changed) != _labels(stored):
                self._uow.candidates.save_all([changed])
            return changed

        return self._write(f"set the tags of candidate {cid!r}", work)

    # --- submissions --------------------------------------------------------------------------

    def save_submission(self, submission: Submission) -> None:
        """Insert or replace the submission (its status, step, dates and shares).

        Its candidate and requisition must be stored (``NotFoundError``), and
        no other submission may hold the same candidate and requisition
        (``ConflictError``, AP9): remove that one first.
        """
        checked = _submission("submission", submission)
        self._write(
            f"save submission {checked.id!r}", lambda _: self._uow.submissions.save_all([checked])
        )

    def save_submissions(
        self,
        submissions: Iterable[Submission],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: SyncProgress | None = None,
        total: int | None = None,
    ) -> int:
        """Insert or replace every submission of the stream; return how many were written.

        As :meth:`save_candidates`; sync the candidates and requisitions first.
        """
        documents: Documents = {}

        def write(batch: Sequence[Submission]) -> None:
            try:
                self._uow.submissions.save_all(batch, documents=documents)
            finally:
                documents.clear()

        return self._stream(
            "submissions",
            submissions,
            lambda where, value: _submission(where, value, documents),
            write,
            batch_size=batch_size,
            progress=progress,
            total=total,
        )

    def remove_submission(self, submission_id: SubmissionId) -> bool:
        """Remove a submission the host deleted, with its shares; return whether it was stored.

        A submission *withdrawn* by the candidate is not deleted: save it with
        the status ``withdrawn``, which AP6 reads.
        """
        sid = SubmissionId(_key("submission_id", submission_id))
        return self._write(
            f"remove submission {sid!r}", lambda _: self._uow.submissions.remove(sid)
        )

    def share_response(self, submission_id: SubmissionId, user_id: UserId) -> Submission:
        """Record that the response was shared with the user ("share with colleague", MP2)."""
        uid = UserId(_key("user_id", user_id))
        return self._reshare(submission_id, lambda users: users | {uid})

    def unshare_response(self, submission_id: SubmissionId, user_id: UserId) -> Submission:
        """Record that the response is no longer shared with the user."""
        uid = UserId(_key("user_id", user_id))
        return self._reshare(submission_id, lambda users: users - {uid})

    def _reshare(
        self,
        submission_id: SubmissionId,
        change: Callable[[frozenset[UserId]], frozenset[UserId]],
    ) -> Submission:
        sid = SubmissionId(_key("submission_id", submission_id))

        def work(c: Connection) -> Submission:
            stored = self._uow.submissions.get(sid)
            changed = attrs.evolve(stored, shared_with=change(stored.shared_with))
            if changed != stored:
                self._uow.submissions.save_all([changed])
            return changed

        return self._write(f"share submission {sid!r}", work)

    # --- requisitions -------------------------------------------------------------------------

    def _kept(self, requisitions: Sequence[Requisition], keep_pool: bool) -> list[Requisition]:
        """*requisitions* with the autopool criteria and pool exclusions already stored."""
        if not keep_pool:
            return list(requisitions)
        out = []
        for requisition in requisitions:
            try:
                stored = self._uow.requisitions.get(requisition.id)
            except NotFoundError:
                out.append(requisition)
                continue
            out.append(
                attrs.evolve(
                    requisition, autopool=stored.autopool, pool_exclusions=stored.pool_exclusions
                )
            )
        return out

    def _save_requisitions(self, requisitions: Sequence[Requisition], keep_pool: bool) -> None:
        for requisition in self._kept(requisitions, keep_pool):
            self._uow.requisitions.save(requisition)

    def save_requisition(self, requisition: Requisition, *, keep_pool: bool = True) -> None:
        """Insert or replace the requisition: title, dates, places, nodes, owner, shares…

        Once it is stored, its autopool criteria and pool exclusions are
        talentpool's (saved by the autopool service and by "match and reject"),
        and they are kept whatever *requisition* holds; with ``keep_pool=False``
        they are replaced by its own too (for a host that migrates them).
        """
        checked = _requisition("requisition", requisition)
        self._write(
            f"save requisition {checked.id!r}",
            lambda _: self._save_requisitions([checked], keep_pool),
        )

    def save_requisitions(
        self,
        requisitions: Iterable[Requisition],
        *,
        keep_pool: bool = True,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: SyncProgress | None = None,
        total: int | None = None,
    ) -> int:
        """Insert or replace every requisition of the stream, as :meth:`save_requisition` does.

        Batched and reported as :meth:`save_candidates`; returns how many were written.
        """
        return self._stream(
            "requisitions",
            requisitions,
            _requisition,
            lambda batch: self._save_requisitions(batch, keep_pool),
            batch_size=batch_size,
            progress=progress,
            total=total,
        )

    def share_position(self, requisition_id: RequisitionId, user_id: UserId) -> Requisition:
        """Record that the whole position was shared with the user (MP2)."""
        uid = UserId(_key("user_id", user_id))
        return self._replace(requisition_id, lambda r: {"shared_with": r.shared_with | {uid}})

    def unshare_position(self, requisition_id: RequisitionId, user_id: UserId) -> Requisition:
        """Record that the position is no longer shared with the user."""
        uid = UserId(_key("user_id", user_id))
        return self._replace(requisition_id, lambda r: {"shared_with": r.shared_with - {uid}})

    def set_position_owner(
        self, requisition_id: RequisitionId, user_id: UserId | None
    ) -> Requisition:
        """Record who owns the position now (``None``: nobody); they own its candidates (MP2)."""
        uid = None if user_id is None else UserId(_key("user_id", user_id))
        return self._replace(requisition_id, lambda r: {"owner_id": uid})

    def _replace(
        self, requisition_id: RequisitionId, change: Callable[[Requisition], dict[str, Any]]
    ) -> Requisition:
        rid = RequisitionId(_key("requisition_id", requisition_id))

        def work(c: Connection) -> Requisition:
            stored = self._uow.requisitions.get(rid)
            changed = attrs.evolve(stored, **change(stored))
            if changed != stored:
                self._uow.requisitions.save(changed)
            return changed

        return self._write(f"change requisition {rid!r}", work)

    def remove_requisition(self, requisition_id: RequisitionId) -> bool:
        """Remove a position the host deleted, with its shares and submissions.

        Returns whether it was stored. The candidates stay; they leave its pool
        and the positions overview with it.
        """
        rid = RequisitionId(_key("requisition_id", requisition_id))
        s = self._uow.schema

        def work(c: Connection) -> bool:
            for submission in self._uow.submissions.for_requisition(rid):
                self._uow.submissions.remove(submission.id)
            shares = s.requisition_shares
            self._delete(c, shares, shares.c.requisition_id == rid)
            return self._delete(c, s.requisitions, s.requisitions.c.id == rid)

        return self._write(f"remove requisition {rid!r}", work)

    # --- users --------------------------------------------------------------------------------

    def save_user(self, user: User) -> None:
        """Insert or replace the user: name, role, permissions, email."""
        checked = _user("user", user)
        self._write(f"save user {checked.id!r}", lambda _: self._uow.users.save(checked))

    def save_users(
        self,
        users: Iterable[User],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: SyncProgress | None = None,
        total: int | None = None,
    ) -> int:
        """Insert or replace every user of the stream; batched as :meth:`save_candidates`."""
        return self._stream(
            "users",
            users,
            _user,
            _each(self._uow.users.save),
            batch_size=batch_size,
            progress=progress,
            total=total,
        )

    def remove_user(self, user_id: UserId) -> bool:
        """Remove a user the host deleted, and every way they reached candidates.

        Returns whether the user was stored. Positions they owned are left
        without an owner (sync the new one), positions and responses shared
        with them are shared no longer, the tags they tracked are tracked no
        longer (MP1), and their notification settings and notifications are
        removed, so nothing is delivered to someone who is gone. The audit
        trail keeps every event that names them.
        """
        uid = UserId(_key("user_id", user_id))
        s = self._uow.schema
        uow = self._uow

        def work(c: Connection) -> bool:
            r, rs, ss = s.requisitions, s.requisition_shares, s.submission_shares
            positions = self._ids(c, r, "id", r.c.owner_id == uid)
            positions |= self._ids(c, rs, "requisition_id", rs.c.user_id == uid)
            for rid in sorted(positions):
                position = uow.requisitions.get(RequisitionId(rid))
                owner = None if position.owner_id == uid else position.owner_id
                uow.requisitions.save(
                    attrs.evolve(position, owner_id=owner, shared_with=position.shared_with - {uid})
                )
            for sid in sorted(self._ids(c, ss, "submission_id", ss.c.user_id == uid)):
                response = uow.submissions.get(SubmissionId(sid))
                uow.submissions.save_all(
                    [attrs.evolve(response, shared_with=response.shared_with - {uid})]
                )
            for subscription in uow.subscriptions.for_user(uid):
                uow.subscriptions.remove(uid, subscription.tag)
            self._delete(c, s.notification_settings, s.notification_settings.c.key == uid)
            self._delete(c, s.notifications, s.notifications.c.user_id == uid)
            return self._delete(c, s.users, s.users.c.key == uid)

        return self._write(f"remove user {uid!r}", work)

    # --- structure trees and attachments ------------------------------------------------------

    def save_structure(self, tree: StructureTree) -> None:
        """Insert or replace the tree of ``tree.dimension`` (organization, location, job field)."""
        checked = _tree("structure", tree)
        self._write(
            f"save the {checked.dimension.value} tree", lambda _: self._uow.structures.save(checked)
        )

    def save_structures(
        self,
        trees: Iterable[StructureTree],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: SyncProgress | None = None,
        total: int | None = None,
    ) -> int:
        """Insert or replace every tree of the stream; batched as :meth:`save_candidates`."""
        return self._stream(
            "structures",
            trees,
            _tree,
            _each(self._uow.structures.save),
            batch_size=batch_size,
            progress=progress,
            total=total,
        )

    def remove_structure(self, dimension: Dimension | str) -> bool:
        """Remove the tree of *dimension*; return whether one was stored.

        Criteria that select nodes of that dimension then report a
        configuration error naming the node, never a narrower pool (AP4).
        """
        chosen = _dimension(dimension)
        table = self._uow.schema.structures
        return self._write(
            f"remove the {chosen.value} tree",
            lambda c: self._delete(c, table, table.c.key == chosen.value),
        )

    def save_attachment(self, attachment: Attachment) -> None:
        """Insert or replace the attachment (a CV, a certificate) of a candidate."""
        checked = _attachment("attachment", attachment)
        self._write(
            f"save attachment {checked.id!r}", lambda _: self._uow.attachments.save_all([checked])
        )

    def save_attachments(
        self,
        attachments: Iterable[Attachment],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: SyncProgress | None = None,
        total: int | None = None,
    ) -> int:
        """Insert or replace every attachment of the stream; batched as :meth:`save_candidates`."""
        return self._stream(
            "attachments",
            attachments,
            _attachment,
            self._uow.attachments.save_all,
            batch_size=batch_size,
            progress=progress,
            total=total,
        )

    def remove_attachment(self, attachment_id: AttachmentId) -> bool:
        """Remove an attachment the host deleted; return whether it was stored."""
        aid = _key("attachment_id", attachment_id)
        table = self._uow.schema.attachments
        return self._write(
            f"remove attachment {aid!r}", lambda c: self._delete(c, table, table.c.id == aid)
        )


def _writer(
    write: Callable[[Sequence[E]], None], batch: Sequence[E]
) -> Callable[[Connection], None]:
    """A batch's work for :meth:`Sync._write`: *write* applied to *batch*."""
    return lambda _: write(batch)


def _each(save: Callable[[E], None]) -> Callable[[Sequence[E]], None]:
    """Write a batch one entity at a time, for the kinds a host has few of."""

    def write(batch: Sequence[E]) -> None:
        for entity in batch:
            save(entity)

    return write


def _labels(candidate: Candidate) -> list[tuple[str, str]]:
    """The tags as keys and the labels shown (a relabelled tag is a change to save)."""
    return sorted((t.key, t.label) for t in candidate.tags)
