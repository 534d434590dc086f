"""The in-memory reference adapter (ST2): every port over plain dictionaries.

It is a real implementation, not a mock: tests and examples assert on what it
holds. Writes inside ``with uow:`` are journalled and undone unless committed,
and one lock serialises units of work, so two managers acting at once see each
other's writes in turn::

    >>> from datetime import datetime, timezone
    >>> from talentpool.model import Candidate
    >>> uow = MemoryUnitOfWork()
    >>> when = datetime(2026, 11, 2, tzinfo=timezone.utc)
    >>> with uow:
    ...     uow.candidates.save(Candidate("c1", "Eva", "Nováková", created_at=when))
    ...     # no commit: the write is undone
    >>> len(uow.candidates)
    0
    >>> with uow:
    ...     uow.candidates.save(Candidate("c1", "Eva", "Nováková", created_at=when))
    ...     uow.commit()
    >>> uow.candidates.get("c1").name
    'Eva Nováková'
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import (
    Callable,
    Collection,
    Hashable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from datetime import datetime
from types import TracebackType
from typing import Self, TypeVar

import attrs

from talentpool.adapters.memory_alerts import AlertTables, MemoryAlerts
from talentpool.adapters.memory_bits import slots_of
from talentpool.adapters.memory_columns import SubmissionTable
from talentpool.adapters.memory_index import CandidateIndex
from talentpool.adapters.memory_micropools import (
    AccessTables,
    MemoryDigestQueue,
    MemoryNotifications,
    MemoryNotificationSettings,
    MemorySubscriptions,
    MemoryVisibilityIndex,
)
from talentpool.adapters.reference import (
    listing_order,
    pool_rows,
    responses_page,
)
from talentpool.clock import require_aware, utc
from talentpool.criteria import AutopoolCriteria, QuickFilter
from talentpool.errors import ConflictError, NotFoundError
from talentpool.events import DomainEvent
from talentpool.ids import (
    CandidateId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    TemplateId,
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
    StructureTree,
    Submission,
    User,
    with_share,
)
from talentpool.ports.alerts import AfterCommit, judge
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
from talentpool.results import SortKey, row_of

__all__ = ["MemoryIds", "MemoryUnitOfWork"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MISSING = object()


class _Journal:
    """Undo steps for the writes of the current unit of work.

    Only the thread inside the unit of work journals its writes: a write another
    thread makes outside any unit takes effect at once and is never undone by
    this unit's rollback. ``marks`` holds, per open ``with`` block (outermost
    first), where that block's uncommitted writes begin.
    """

    def __init__(self) -> None:
        self.steps: list[Callable[[], None]] = []
        self.marks: list[int] = []
        self.owner: int | None = None
        self.touched: set[CandidateId] = set()  # written in this unit of work (AP16)
        self.at_once: Callable[[Iterable[CandidateId]], None] | None = None
        """Judges the candidates a write outside any unit of work wrote, as it is made."""
        self.lock = threading.RLock()

    @property
    def active(self) -> bool:
        """Whether the calling thread is inside a unit of work."""
        return self.owner is not None and self.owner == threading.get_ident()

    def record(self, step: Callable[[], None]) -> None:
        """Remember how to undo a write, when inside a unit of work."""
        if self.active:
            self.steps.append(step)

    def touch(self, ids: Iterable[CandidateId]) -> None:
        """Note candidates this unit of work wrote, for the pool alerts' check (AP16).

        A write outside any unit of work takes effect at once, and so is judged at
        once, as the SQL store judges its single-statement transactions.
        """
        if self.active:
            self.touched.update(ids)
        elif self.at_once is not None:
            self.at_once(ids)

    def put(self, table: MutableMapping[K, V], key: K, value: V) -> None:
        old = table.get(key, _MISSING)
        table[key] = value
        self.record(lambda: _restore(table, key, old))

    def undo(self, mark: int = 0) -> None:
        """Undo the writes journalled after position *mark*, newest first."""
        while len(self.steps) > mark:
            self.steps.pop()()


def _restore(table: MutableMapping[K, V], key: K, old: object) -> None:
    if old is _MISSING:
        table.pop(key, None)
    else:
        table[key] = old  # type: ignore[assignment]


def _get(table: MutableMapping[K, V], key: K, kind: str) -> V:
    try:
        return table[key]
    except KeyError:
        raise NotFoundError(kind, key) from None


class _Tables:
    """The dictionaries and secondary indexes one store holds."""

    def __init__(self) -> None:
        self.candidates: dict[CandidateId, Candidate] = {}
        self.submissions = SubmissionTable()  # as columns (PF4)
        self.requisitions: dict[RequisitionId, Requisition] = {}
        self.templates: dict[TemplateId, RequisitionTemplate] = {}
        self.users: dict[UserId, User] = {}
        self.structures: dict[Dimension, StructureTree] = {}
        self.quick_filters: dict[QuickFilterId, QuickFilter] = {}
        self.settings: dict[str, AccountSettings] = {}
        self.attachments: dict[str, Attachment] = {}
        self.repooling_rules: dict[RepoolingRuleId, RepoolingRule] = {}
        # secondary indexes: parent id -> {child id: None}, insertion-ordered sets
        self.subs_by_candidate: dict[CandidateId, tuple[SubmissionId, ...]] = {}  # small: tuples
        self.subs_by_requisition: dict[RequisitionId, dict[SubmissionId, None]] = {}
        self.attachments_by_candidate: dict[CandidateId, dict[str, None]] = {}
        # micro-pools: subscriptions, notifications and the visibility index (MP2, PF3)
        self.access = AccessTables()
        # the candidate index pools and listings are answered from (PF1, PF3)
        self.index = CandidateIndex(self)
        # pool watches and announced members (AP16)
        self.alerts = AlertTables()

    def record(self, candidate: Candidate) -> CandidateRecord:
        """Return *candidate* with every submission and its requisition."""
        subs = (self.submissions[s] for s in self.subs_by_candidate.get(candidate.id, ()))
        apps = tuple(Application(s, self.requisitions[s.requisition_id]) for s in subs)
        return CandidateRecord(candidate, apps)


class MemoryCandidates:
    """Candidates in memory; answers pool queries with the core's evaluator."""

    def __init__(self, t: _Tables, journal: _Journal) -> None:
        self._t, self._j = t, journal

    def get(self, candidate_id: CandidateId) -> Candidate:
        """Return the candidate, or raise ``NotFoundError``."""
        return _get(self._t.candidates, candidate_id, "candidate")

    def save(self, candidate: Candidate) -> None:
        """Insert or replace the candidate, keeping the indexes current."""
        t = self._t
        old = t.candidates.get(candidate.id)
        # journalled before the write, so a rollback re-indexes after restoring the row
        self._j.record(lambda: t.index.candidate_saved(candidate, old))
        self._j.put(t.candidates, candidate.id, candidate)
        self._j.touch((candidate.id,))
        t.index.candidate_saved(old, candidate)
        t.access.candidate_saved(old, candidate, self._j)

    def record(self, candidate_id: CandidateId) -> CandidateRecord:
        """Return the candidate with every submission and its requisition."""
        return self._record(self.get(candidate_id))

    def _record(self, candidate: Candidate) -> CandidateRecord:
        return self._t.record(candidate)

    def _index(self) -> CandidateIndex:
        index = self._t.index
        if not index.built:
            index.build()
        return index

    def find(self, query: CandidateQuery) -> CandidatePage:
        """Answer a pool query from the candidate index (the reference's answer, PF1)."""
        t = self._t
        with self._j.lock:
            index = self._index()
            tree = query.bound(t.structures)
            hits = index.matching(tree, clean=query.requisition.id)
            total = hits.bit_count()
            if query.limit == 0:
                return CandidatePage((), total)
            ctx = query.context(t.structures)
            order, subs = query.order, t.subs_by_candidate.get
            if order.key is SortKey.LATEST_SUBMISSION:
                end = total if query.limit is None else query.offset + query.limit
                chosen = index.first(hits, end, "latest", descending=order.descending)
                chosen = chosen[query.offset :]
                rows = tuple(
                    row_of(t.candidates[c], ctx, *t.submissions.latest(subs(c, ()), ctx.elsewhere))
                    for c in index.candidate_ids(chosen)
                )
                return CandidatePage(rows, total)
            records = (t.record(t.candidates[c]) for c in index.candidate_ids(slots_of(hits)))
            return CandidatePage(pool_rows(query, ctx, records), total)

    def find_ids(self, query: CandidateQuery) -> frozenset[CandidateId]:
        """Return the ids of every candidate in the pool."""
        with self._j.lock:
            index = self._index()
            hits = index.matching(query.bound(self._t.structures), clean=query.requisition.id)
            return frozenset(index.candidate_ids(slots_of(hits)))

    def _owned(self, user_id: UserId) -> Collection[CandidateId]:
        return self._t.access.shares.get(user_id, {}).keys()

    def _hits(self, query: CandidateDatabaseQuery) -> tuple[CandidateIndex, int]:
        index = self._index()
        tree = query.bound(self._t.structures)
        return index, index.matching(tree, clean=None, owned=self._owned)

    def search(self, query: CandidateDatabaseQuery) -> ListingPage:
        """Answer a candidate-database query from the candidate index (PF3)."""
        cands = self._t.candidates
        with self._j.lock:
            index, hits = self._hits(query)
            total = hits.bit_count()
            if query.limit is None:
                found = (cands[c] for c in index.candidate_ids(slots_of(hits)))
                ordered = listing_order(query, found)[query.offset :]
            else:
                by = "name" if query.order.key is ListingSortKey.NAME else "created"
                end = query.offset + query.limit
                chosen = index.first(hits, end, by, descending=query.order.descending)
                ordered = [cands[c] for c in index.candidate_ids(chosen[query.offset :])]
        return ListingPage(tuple(ordered), total)

    def search_ids(self, query: CandidateDatabaseQuery) -> frozenset[CandidateId]:
        """Return the ids of every candidate the listing holds."""
        with self._j.lock:
            index, hits = self._hits(query)
            return frozenset(index.candidate_ids(slots_of(hits)))

    def __iter__(self) -> Iterator[Candidate]:
        """Iterate over every candidate, in id order."""
        return iter(sorted(self._t.candidates.values(), key=lambda c: c.id))

    def __len__(self) -> int:
        return len(self._t.candidates)


def _oldest_first(submission: Submission) -> tuple[datetime, str]:
    return (utc(submission.submitted_at), submission.id)


class MemorySubmissions:
    """Submissions in memory, indexed by candidate and by requisition."""

    def __init__(self, t: _Tables, journal: _Journal) -> None:
        self._t, self._j = t, journal

    def get(self, submission_id: SubmissionId) -> Submission:
        """Return the submission, or raise ``NotFoundError``."""
        return _get(self._t.submissions, submission_id, "submission")

    def save(self, submission: Submission) -> None:
        """Insert or replace the submission, keeping both indexes current."""
        t = self._t
        if submission.requisition_id not in t.requisitions:
            raise NotFoundError("requisition", submission.requisition_id)
        if submission.candidate_id not in t.candidates:
            raise NotFoundError("candidate", submission.candidate_id)
        old = t.submissions.get(submission.id)
        touched = {submission.candidate_id} | ({old.candidate_id} if old is not None else set())
        self._j.record(lambda: t.index.submissions_changed(touched))
        if old is not None:
            self._unindex(old)
        self._j.put(t.submissions, submission.id, submission)
        self._index(submission)
        self._j.record(lambda: self._reindex(submission, old))
        t.index.submissions_changed(touched)
        self._j.touch(touched)
        t.access.submission_saved(old, submission, t.requisitions, self._j)

    def _index(self, s: Submission) -> None:
        by_candidate = self._t.subs_by_candidate
        by_candidate[s.candidate_id] = (*by_candidate.get(s.candidate_id, ()), s.id)
        self._t.subs_by_requisition.setdefault(s.requisition_id, {})[s.id] = None

    def _unindex(self, s: Submission) -> None:
        by_candidate = self._t.subs_by_candidate
        kept = tuple(sid for sid in by_candidate.get(s.candidate_id, ()) if sid != s.id)
        if kept:
            by_candidate[s.candidate_id] = kept
        else:
            by_candidate.pop(s.candidate_id, None)
        self._t.subs_by_requisition.get(s.requisition_id, {}).pop(s.id, None)

    def _reindex(self, new: Submission, old: Submission | None) -> None:
        self._unindex(new)
        if old is not None:
            self._index(old)

    def add(self, submission: Submission) -> None:
        """Insert a new submission; raise ``ConflictError`` if the pair is already taken.

        The check and the insert happen under the store's lock, so two threads
        adding the same candidate to the same requisition insert one submission.
        """
        with self._j.lock:
            if submission.id in self._t.submissions:
                raise ConflictError(f"submission {submission.id!r} already exists; nothing written")
            for sid in self._t.subs_by_candidate.get(submission.candidate_id, ()):
                if self._t.submissions[sid].requisition_id == submission.requisition_id:
                    msg = (
                        f"candidate {submission.candidate_id!r} is already on requisition "
                        f"{submission.requisition_id!r} (submission {sid!r}); nothing written"
                    )
                    raise ConflictError(msg)
            self.save(submission)

    def for_candidate(self, candidate_id: CandidateId) -> Sequence[Submission]:
        """Return the candidate's submissions, oldest first."""
        ids = self._t.subs_by_candidate.get(candidate_id, ())
        return sorted(
            (self._t.submissions[i] for i in ids), key=lambda s: (utc(s.submitted_at), s.id)
        )

    def for_requisition(self, requisition_id: RequisitionId) -> Sequence[Submission]:
        """Return the requisition's submissions, oldest first."""
        ids = self._t.subs_by_requisition.get(requisition_id, {})
        return sorted(
            (self._t.submissions[i] for i in ids), key=lambda s: (utc(s.submitted_at), s.id)
        )

    def responses(self, query: ResponsesQuery) -> ResponsesPage:
        """Answer the "Candidates on positions" view from the ownership index."""
        t = self._t
        viewer = query.viewer
        if viewer.whole_database:
            ids: Iterable[CandidateId] = t.candidates
        else:
            ids = t.access.shares.get(viewer.user_id, {})
        return responses_page(query, (t.record(t.candidates[i]) for i in ids))

    def idle(self, before: datetime) -> Sequence[Application]:
        """Return the open submissions last active before *before*, by submission id."""
        t = self._t
        idle = t.submissions.idle(require_aware("before", before))
        return [
            Application(s, t.requisitions[s.requisition_id])
            for s in sorted(idle, key=lambda s: s.id)
        ]

    def __iter__(self) -> Iterator[Submission]:
        """Iterate over every submission, in id order."""
        return iter(sorted(self._t.submissions.values(), key=lambda s: s.id))

    def __len__(self) -> int:
        return len(self._t.submissions)


class MemoryRequisitions:
    """Requisitions in memory."""

    def __init__(self, t: _Tables, journal: _Journal) -> None:
        self._t, self._j = t, journal

    def get(self, requisition_id: RequisitionId) -> Requisition:
        """Return the requisition, or raise ``NotFoundError``."""
        return _get(self._t.requisitions, requisition_id, "requisition")

    def save(self, requisition: Requisition) -> None:
        """Insert or replace the requisition, moving the shares it grants (MP2)."""
        t = self._t
        old = t.requisitions.get(requisition.id)
        on_it = [t.submissions[s] for s in t.subs_by_requisition.get(requisition.id, {})]
        moved = old is not None and _place(old) != _place(requisition)
        touched = {s.candidate_id for s in on_it} if moved else set()
        self._j.record(lambda: t.index.submissions_changed(touched))
        self._j.put(t.requisitions, requisition.id, requisition)
        t.index.submissions_changed(touched)
        self._j.touch(touched)
        t.access.requisition_saved(old, requisition, on_it, self._j)

    def add(self, requisition: Requisition) -> None:
        """Insert a requisition opened from a template; ``ConflictError`` if the id exists."""
        with self._j.lock:
            if requisition.id in self._t.requisitions:
                msg = f"requisition {requisition.id!r} already exists; nothing written"
                raise ConflictError(msg)
            self.save(requisition)

    def set_autopool(
        self, requisition_id: RequisitionId, criteria: AutopoolCriteria | None
    ) -> Requisition:
        """Replace the requisition's autopool criteria; return it as saved."""
        requisition = attrs.evolve(self.get(requisition_id), autopool=criteria)
        self.save(requisition)
        return requisition

    def exclude_from_pool(
        self, requisition_id: RequisitionId, candidate_id: CandidateId
    ) -> Requisition:
        """Add the candidate to the requisition's pool exclusions; return it as saved."""
        before = self.get(requisition_id)
        requisition = attrs.evolve(before, pool_exclusions=before.pool_exclusions | {candidate_id})
        self.save(requisition)
        return requisition

    def __iter__(self) -> Iterator[Requisition]:
        """Iterate over every requisition, in id order."""
        return iter(sorted(self._t.requisitions.values(), key=lambda r: r.id))


class MemoryShares:
    """Colleague shares of responses and positions (MP11), through the tables' own saves.

    Each change is a save of the submission or the requisition, so the ownership
    index moves with it and a rollback undoes both.
    """

    def __init__(self, submissions: MemorySubmissions, requisitions: MemoryRequisitions) -> None:
        self._submissions, self._requisitions = submissions, requisitions

    def response(self, submission_id: SubmissionId) -> Submission:
        """Return the response, or raise ``NotFoundError``."""
        return self._submissions.get(submission_id)

    def share_response(
        self, submission_id: SubmissionId, user_id: UserId, *, shared: bool
    ) -> Submission:
        """Add or remove *user_id* in the response's shares; return it as saved."""
        before = self._submissions.get(submission_id)
        after = with_share(before, user_id, shared=shared)
        if after is not before:
            self._submissions.save(after)
        return after

    def share_position(
        self, requisition_id: RequisitionId, user_id: UserId, *, shared: bool
    ) -> Requisition:
        """Add or remove *user_id* in the position's shares; return it as saved."""
        before = self._requisitions.get(requisition_id)
        after = with_share(before, user_id, shared=shared)
        if after is not before:
            self._requisitions.save(after)
        return after

    def registered(self, requisition_id: RequisitionId) -> Sequence[CandidateId]:
        """Return the candidates with a submission on the requisition, each once, by id."""
        return sorted({s.candidate_id for s in self._submissions.for_requisition(requisition_id)})


def _place(requisition: Requisition) -> tuple[object, ...]:
    return (requisition.organization, requisition.location, requisition.job_field)


class MemoryTemplates:
    """Requisition templates in memory."""

    def __init__(self, t: _Tables, journal: _Journal) -> None:
        self._t, self._j = t, journal

    def get(self, template_id: TemplateId) -> RequisitionTemplate:
        """Return the template, or raise ``NotFoundError``."""
        return _get(self._t.templates, template_id, "template")

    def save(self, template: RequisitionTemplate) -> None:
        """Insert or replace the template."""
        self._j.put(self._t.templates, template.id, template)


class MemoryUsers:
    """Users in memory."""

    def __init__(self, t: _Tables, journal: _Journal) -> None:
        self._t, self._j = t, journal

    def get(self, user_id: UserId) -> User:
        """Return the user, or raise ``NotFoundError``."""
        return _get(self._t.users, user_id, "user")

    def save(self, user: User) -> None:
        """Insert or replace the user."""
        self._j.put(self._t.users, user.id, user)

    def __iter__(self) -> Iterator[User]:
        """Iterate over every user, in id order."""
        return iter(sorted(self._t.users.values(), key=lambda u: u.id))


class MemoryStructures:
    """The structure trees in memory."""

    def __init__(self, t: _Tables, journal: _Journal) -> None:
        self._t, self._j = t, journal

    def tree(self, dimension: Dimension) -> StructureTree | None:
        """Return the tree of *dimension*, if the account has one."""
        return self._t.structures.get(dimension)

    def trees(self) -> Mapping[Dimension, StructureTree]:
        """Return every saved tree, by dimension."""
        return dict(self._t.structures)

    def save(self, tree: StructureTree) -> None:
        """Insert or replace the tree of ``tree.dimension``."""
        self._j.put(self._t.structures, tree.dimension, tree)


class MemoryQuickFilters:
    """Quick filters in memory."""

    def __init__(self, t: _Tables, journal: _Journal) -> None:
        self._t, self._j = t, journal

    def get(self, filter_id: QuickFilterId) -> QuickFilter:
        """Return the quick filter, or raise ``NotFoundError``."""
        return _get(self._t.quick_filters, filter_id, "quick filter")

    def save(self, quick_filter: QuickFilter) -> None:
        """Insert or replace the quick filter."""
        self._j.put(self._t.quick_filters, quick_filter.id, quick_filter)

    def remove(self, filter_id: QuickFilterId) -> None:
        """Remove the quick filter, or raise ``NotFoundError``."""
        old = self.get(filter_id)
        del self._t.quick_filters[filter_id]
        self._j.record(lambda: self._t.quick_filters.__setitem__(filter_id, old))

    def __iter__(self) -> Iterator[QuickFilter]:
        """Iterate over every quick filter, in name order."""
        return iter(sorted(self._t.quick_filters.values(), key=lambda q: (q.name.casefold(), q.id)))


class MemorySettings:
    """The account settings in memory."""

    def __init__(self, t: _Tables, journal: _Journal) -> None:
        self._t, self._j = t, journal

    def get(self) -> AccountSettings:
        """Return the settings (defaults when never saved)."""
        return self._t.settings.get("account", AccountSettings())

    def save(self, settings: AccountSettings) -> None:
        """Replace the settings."""
        self._j.put(self._t.settings, "account", settings)


class MemoryAttachments:
    """Attachments in memory, indexed by candidate."""

    def __init__(self, t: _Tables, journal: _Journal) -> None:
        self._t, self._j = t, journal

    def save(self, attachment: Attachment) -> None:
        """Insert or replace the attachment, moving it in the index if its candidate changed."""
        t = self._t
        old = t.attachments.get(attachment.id)
        if old is not None and old.candidate_id != attachment.candidate_id:
            previous = t.attachments_by_candidate.get(old.candidate_id, {})
            if attachment.id in previous:
                del previous[attachment.id]
                self._j.record(lambda: previous.__setitem__(attachment.id, None))
        self._j.put(t.attachments, attachment.id, attachment)
        index = t.attachments_by_candidate.setdefault(attachment.candidate_id, {})
        self._j.put(index, attachment.id, None)

    def for_candidate(self, candidate_id: CandidateId) -> Sequence[Attachment]:
        """Return the candidate's attachments, oldest first."""
        ids = self._t.attachments_by_candidate.get(candidate_id, {})
        found = (self._t.attachments[i] for i in ids)
        return sorted(found, key=lambda a: (utc(a.uploaded_at), a.id))


class MemoryRepoolingRules:
    """Repooling rules in memory (AP12)."""

    def __init__(self, t: _Tables, journal: _Journal) -> None:
        self._t, self._j = t, journal

    def get(self, rule_id: RepoolingRuleId) -> RepoolingRule:
        """Return the rule, or raise ``NotFoundError``."""
        return _get(self._t.repooling_rules, rule_id, "repooling rule")

    def save(self, rule: RepoolingRule) -> None:
        """Insert or replace the rule."""
        self._j.put(self._t.repooling_rules, rule.id, rule)

    def remove(self, rule_id: RepoolingRuleId) -> None:
        """Remove the rule, or raise ``NotFoundError``."""
        old = self.get(rule_id)
        del self._t.repooling_rules[rule_id]
        self._j.record(lambda: self._t.repooling_rules.__setitem__(rule_id, old))

    def __iter__(self) -> Iterator[RepoolingRule]:
        """Iterate over every rule, in id order."""
        return iter(sorted(self._t.repooling_rules.values(), key=lambda r: r.id))


class MemoryEraser:
    """Removes one candidate from every table and index in memory (DM6)."""

    def __init__(self, t: _Tables, journal: _Journal, requisitions: MemoryRequisitions) -> None:
        self._t, self._j, self._requisitions = t, journal, requisitions

    def erase(self, candidate_id: CandidateId) -> ErasedRows:
        """Remove the candidate and every row about them (see the port)."""
        t, j = self._t, self._j
        candidate = t.candidates.get(candidate_id)
        if candidate is None:
            return ErasedRows()
        submissions = [t.submissions[sid] for sid in t.subs_by_candidate.get(candidate_id, ())]
        for s in submissions:
            t.access.submission_removed(s, t.requisitions, j)
            del t.submissions[s.id]
            t.subs_by_requisition.get(s.requisition_id, {}).pop(s.id, None)
            j.record(functools.partial(self._restore_submission, s))
        if submissions:
            t.subs_by_candidate.pop(candidate_id, None)
            j.record(
                lambda: t.subs_by_candidate.__setitem__(
                    candidate_id, tuple(s.id for s in submissions)
                )
            )
        attachments = list(t.attachments_by_candidate.get(candidate_id, {}))
        for aid in attachments:
            old = t.attachments.pop(aid)
            j.record(functools.partial(t.attachments.__setitem__, aid, old))
        if attachments:
            held = t.attachments_by_candidate.pop(candidate_id)
            j.record(lambda: t.attachments_by_candidate.__setitem__(candidate_id, held))
        excluded = 0
        for requisition in list(t.requisitions.values()):
            if candidate_id in requisition.pool_exclusions:
                kept = requisition.pool_exclusions - {candidate_id}
                self._requisitions.save(attrs.evolve(requisition, pool_exclusions=kept))
                excluded += 1
        # journalled before the removal, so a rollback re-indexes after restoring the row
        j.record(lambda: t.index.candidate_saved(None, candidate))
        del t.candidates[candidate_id]
        j.record(lambda: t.candidates.__setitem__(candidate_id, candidate))
        t.index.candidate_saved(candidate, None)
        t.access.candidate_removed(candidate, j)
        notes = t.access.forget_notifications(candidate_id, j)
        t.alerts.forget_candidate(candidate_id, j)
        return ErasedRows(True, len(submissions), len(attachments), notes, excluded)

    def _restore_submission(self, s: Submission) -> None:
        self._t.submissions[s.id] = s
        self._t.subs_by_requisition.setdefault(s.requisition_id, {})[s.id] = None


class MemoryEvents:
    """The audit trail in memory: a list, journalled like every other write."""

    def __init__(self, journal: _Journal) -> None:
        self._j = journal
        self.recorded: list[DomainEvent] = []

    def append(self, event: DomainEvent) -> None:
        """Record *event*."""
        self.recorded.append(event)
        self._j.record(lambda: self._forget(event))

    def _forget(self, event: DomainEvent) -> None:
        # By identity, newest first: an equal event recorded earlier keeps its place.
        for i in range(len(self.recorded) - 1, -1, -1):
            if self.recorded[i] is event:
                del self.recorded[i]
                return

    def __iter__(self) -> Iterator[DomainEvent]:
        """Iterate over every recorded event, oldest first."""
        return iter(list(self.recorded))

    def rewrite(
        self, mentioning: Collection[str], change: Callable[[DomainEvent], DomainEvent]
    ) -> int:
        """Replace each event by ``change(event)`` in place; return how many changed (DM6)."""
        changed = 0
        for i, event in enumerate(self.recorded):
            new = change(event)
            if new is event:
                continue
            self.recorded[i] = new
            self._j.record(functools.partial(self.recorded.__setitem__, i, event))
            changed += 1
        return changed

    def __len__(self) -> int:
        return len(self.recorded)


class MemoryUnitOfWork:
    """Every repository in memory, with journalled units of work (see the module docs).

    Writes made outside a ``with`` block take effect at once, which is how
    fixtures and examples load data; code that writes from several threads uses
    units of work. A ``with`` block inside another joins it: its :meth:`commit`
    keeps its writes only as far as the outer block commits, and its writes are
    undone if it ends without committing.
    """

    def __init__(self) -> None:
        self._tables = _Tables()
        self._journal = _Journal()
        self._lock = self._journal.lock
        t, j = self._tables, self._journal
        self.candidates = MemoryCandidates(t, j)
        self.submissions = MemorySubmissions(t, j)
        self.requisitions = MemoryRequisitions(t, j)
        self.templates = MemoryTemplates(t, j)
        self.users = MemoryUsers(t, j)
        self.structures = MemoryStructures(t, j)
        self.quick_filters = MemoryQuickFilters(t, j)
        self.settings = MemorySettings(t, j)
        self.attachments = MemoryAttachments(t, j)
        self.repooling_rules = MemoryRepoolingRules(t, j)
        self.subscriptions = MemorySubscriptions(t.access, j)
        self.visibility = MemoryVisibilityIndex(t.access)
        self.notification_settings = MemoryNotificationSettings(t.access, j)
        self.notifications = MemoryNotifications(t.access, j)
        self.shares = MemoryShares(self.submissions, self.requisitions)
        self.digests = MemoryDigestQueue(t.access, j)
        self.events = MemoryEvents(j)
        self.erasure = MemoryEraser(t, j, self.requisitions)
        self.alerts = MemoryAlerts(t.alerts, j, t.requisitions)
        j.at_once = self._judge_at_once

    def _judge_at_once(self, ids: Iterable[CandidateId]) -> None:
        """Run the pool alerts' check on a write made outside any unit of work (AP16)."""
        after = judge(self._tables.alerts.check, self, ids)
        if after is not None:
            after()

    def build_indexes(self) -> None:
        """Build the candidate index now rather than on the first pool or listing (PF1).

        A host that loads a large account at start-up calls this once, so no
        manager's first query waits for it; every later write keeps the index
        current. Building again starts it afresh from the stored rows.
        """
        with self._lock:
            self._tables.index.build()

    def index_sizes(self) -> dict[str, int]:
        """Roughly how many bytes each part of the candidate index holds (PF4); empty if unbuilt."""
        with self._lock:
            index = self._tables.index
            return index.sizes() if index.built else {}

    def __enter__(self) -> Self:
        """Begin an action; nested blocks join the outer one."""
        self._lock.acquire()
        j = self._journal
        if not j.marks:
            j.steps.clear()
            j.touched.clear()
            j.owner = threading.get_ident()
        j.marks.append(len(j.steps))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End the block, undoing the writes it did not commit."""
        j = self._journal
        try:
            j.undo(j.marks.pop())
        finally:
            if not j.marks:
                j.steps.clear()
                j.owner = None
            self._lock.release()

    def commit(self) -> None:
        """Keep the block's writes so far: permanent in the outermost block.

        Outside a unit of work writes already took effect, so this does nothing.
        """
        j = self._journal
        if not j.active:
            return
        if len(j.marks) == 1:
            after = self._check()
            j.steps.clear()
            j.marks[-1] = 0
            if after is not None:
                after()
        else:
            j.marks[-1] = len(j.steps)

    def _check(self) -> AfterCommit | None:
        """Run the pool alerts' check over the candidates written, if any (AP16)."""
        j = self._journal
        after = judge(self._tables.alerts.check, self, j.touched)
        j.touched.clear()  # only once judged: a commit retried after a failed check judges again
        return after

    def rollback(self) -> None:
        """Undo the block's writes since its last commit (nothing outside a unit of work)."""
        j = self._journal
        if j.active:
            j.undo(j.marks[-1])


class MemoryIds:
    """Sequential ids per kind: ``submission-1``, ``submission-2``, …"""

    def __init__(self) -> None:
        self._counters: dict[str, Iterator[int]] = {}
        self._lock = threading.Lock()

    def new_id(self, kind: str) -> str:
        """Return the next id for *kind*."""
        with self._lock:
            counter = self._counters.setdefault(kind, itertools.count(1))
            return f"{kind}-{next(counter)}"
