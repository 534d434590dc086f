"""The automatic candidate pooling service (AP1–AP8, AP11, AP13–AP15, EN3, EN5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from talentpool.autopool.arguments import filter_ids, ordering_or_default, require_criteria
from talentpool.autopool.reports import (
    ApplicationSummary,
    CandidateFile,
    DryRun,
    Explanation,
    Funnel,
    FunnelStage,
    PoolResults,
    TemplateOverrides,
)
from talentpool.autopool.templates import requisition_from_template
from talentpool.clock import Clock, checked, utc
from talentpool.criteria import AutopoolCriteria, Criterion, QuickFilter, all_of
from talentpool.engine import (
    EvaluationContext,
    check_configuration,
    check_structure,
    explain,
    in_universe,
    matches,
)
from talentpool.errors import (
    ConfigurationError,
    ConflictError,
    CriteriaError,
    DomainError,
    NotFoundError,
    PermissionDeniedError,
)
from talentpool.events import (
    AutopoolCriteriaSaved,
    CandidateFileViewed,
    DomainEvent,
    QuickFilterRemoved,
    QuickFilterSaved,
    RequisitionOpened,
)
from talentpool.guards import (
    require_administrator,
    require_autopool_enabled,
    require_permission,
    switch_setting,
)
from talentpool.ids import CandidateId, QuickFilterId, RequisitionId, TemplateId, UserId
from talentpool.model import (
    CandidateRecord,
    Dimension,
    Permission,
    Requisition,
    RequisitionTemplate,
    StructureTree,
)
from talentpool.ports import AutopoolStore, CandidateQuery
from talentpool.results import MAX_RESULTS, Ordering

__all__ = [
    "Autopooling",
]

# --- the service ----------------------------------------------------------------------


class Autopooling:
    """Automatic candidate pooling over a unit of work.

    Args:
        uow: Where everything is read and written.
        clock: Where "now" comes from.
    """

    def __init__(self, uow: AutopoolStore, clock: Clock) -> None:
        self._uow = uow
        self._clock = checked(clock)

    # --- administration (AP1, AP8, AP14) -------------------------------------------

    def set_enabled(self, admin_id: UserId, enabled: bool) -> None:
        """Switch automatic candidate pooling on or off for the account (AP1)."""
        switch_setting(
            self._uow,
            self._clock,
            admin_id,
            setting="autopool_enabled",
            enabled=enabled,
            label="automatic candidate pooling",
        )

    def set_enforce_consent(self, admin_id: UserId, enforce: bool) -> None:
        """Make every pool exclude candidates without valid consent, or stop (AP14)."""
        switch_setting(
            self._uow,
            self._clock,
            admin_id,
            setting="enforce_consent",
            enabled=enforce,
            label="the consent criterion in every pool",
        )

    def define_quick_filter(self, admin_id: UserId, quick_filter: QuickFilter) -> QuickFilter:
        """Save a quick filter users can apply to any pool's results (AP8).

        Anything but a :class:`~talentpool.criteria.QuickFilter` raises ``CriteriaError``.
        """
        if not isinstance(quick_filter, QuickFilter):
            raise CriteriaError("quick_filter", f"must be a QuickFilter (got {quick_filter!r})")
        with self._uow:
            require_administrator(self._uow.users, admin_id, "define quick filters")
            check_structure(quick_filter.criterion, self._uow.structures.trees())
            self._uow.quick_filters.save(quick_filter)
            self._record(
                QuickFilterSaved,
                admin_id,
                f"quick filter {quick_filter.name!r} saved",
                quick_filter=quick_filter,
            )
            self._uow.commit()
        return quick_filter

    def remove_quick_filter(self, admin_id: UserId, filter_id: QuickFilterId) -> None:
        """Remove a quick filter (AP8)."""
        with self._uow:
            require_administrator(self._uow.users, admin_id, "remove quick filters")
            self._uow.quick_filters.remove(filter_id)
            self._record(
                QuickFilterRemoved,
                admin_id,
                f"quick filter {filter_id!r} removed",
                quick_filter_id=filter_id,
            )
            self._uow.commit()

    def _record(
        self, event: type[DomainEvent], actor_id: UserId | None, reason: str, **fields: object
    ) -> None:
        """Append an audit event of type *event*, stamped now, to the unit of work."""
        self._uow.events.append(
            event(occurred_at=self._clock.now(), actor_id=actor_id, reason=reason, **fields)
        )

    def quick_filters(self) -> tuple[QuickFilter, ...]:
        """Return every quick filter, by name."""
        with self._uow:  # reads are isolated from concurrent writers; nothing is written
            return tuple(self._uow.quick_filters)

    # --- defining criteria (AP2, AP3) ---------------------------------------------------

    def set_template_criteria(
        self, user_id: UserId, template_id: TemplateId, criteria: AutopoolCriteria | None
    ) -> RequisitionTemplate:
        """Save (or with ``None`` remove) a template's criteria; requisitions keep theirs.

        Anything but :class:`~talentpool.criteria.AutopoolCriteria` or ``None``
        raises ``CriteriaError`` and nothing is saved.
        """
        require_criteria(criteria, allow_none=True)
        with self._uow:
            self._may_define_criteria(user_id)
            before = self._uow.templates.get(template_id)
            if criteria is not None:
                check_structure(criteria.criterion(), self._uow.structures.trees())
            template = attrs.evolve(before, autopool=criteria)
            self._uow.templates.save(template)
            self._record(
                AutopoolCriteriaSaved,
                user_id,
                f"autopool criteria of template {before.name!r} "
                + ("saved" if criteria is not None else "removed"),
                template_id=template_id,
                criteria=criteria,
                previous=before.autopool,
            )
            self._uow.commit()
        return template

    def set_requisition_criteria(
        self, user_id: UserId, requisition_id: RequisitionId, criteria: AutopoolCriteria | None
    ) -> Requisition:
        """Save (or with ``None`` remove) a requisition's own criteria.

        Raises ``ConfigurationError`` before saving criteria the requisition cannot
        evaluate (a radius without a primary location), and ``CriteriaError`` for
        anything but :class:`~talentpool.criteria.AutopoolCriteria` or ``None``.
        """
        require_criteria(criteria, allow_none=True)
        with self._uow:
            self._may_define_criteria(user_id)
            before = self._uow.requisitions.get(requisition_id)
            if criteria is not None:
                check_configuration(criteria.criterion(), before, self._uow.structures.trees())
            requisition = self._uow.requisitions.set_autopool(requisition_id, criteria)
            self._record(
                AutopoolCriteriaSaved,
                user_id,
                f"autopool criteria of requisition {before.title!r} "
                + ("saved" if criteria is not None else "removed"),
                requisition_id=requisition_id,
                criteria=criteria,
                previous=before.autopool,
            )
            self._uow.commit()
        return requisition

    def _may_define_criteria(self, user_id: UserId) -> None:
        require_autopool_enabled(self._uow.settings)
        require_permission(
            self._uow.users,
            user_id,
            Permission.DEFINE_AUTOPOOL_CRITERIA,
            "define autopool criteria",
        )

    def open_requisition(
        self,
        template_id: TemplateId,
        *,
        requisition_id: RequisitionId,
        title: str,
        actor_id: UserId | None = None,
        **fields: object,
    ) -> Requisition:
        """Create and save a requisition from a template, inheriting its criteria (AP3).

        *actor_id* is who opened it, recorded on the
        :class:`~talentpool.audit.RequisitionOpened` event. An existing requisition
        with the same id is never replaced (its criteria, pool exclusions and
        shares would be lost): that raises ``ConflictError`` and nothing is written.
        """
        with self._uow:
            template = self._uow.templates.get(template_id)
            try:
                self._uow.requisitions.get(requisition_id)
            except NotFoundError:
                pass
            else:
                msg = f"requisition {requisition_id!r} already exists; nothing written"
                raise ConflictError(msg)
            requisition = requisition_from_template(
                template,
                requisition_id=requisition_id,
                title=title,
                created_at=self._clock.now(),
                **fields,
            )
            self._uow.requisitions.add(requisition)
            self._record(
                RequisitionOpened,
                actor_id,
                f"requisition {title!r} opened from template {template.name!r}",
                requisition_id=requisition_id,
                template_id=template_id,
                inherited_criteria=template.autopool is not None,
            )
            self._uow.commit()
        return requisition

    def overrides(self, requisition_id: RequisitionId) -> TemplateOverrides:
        """Return which of the requisition's criteria differ from its template's (AP13)."""
        with self._uow:  # reads are isolated from concurrent writers; nothing is written
            requisition = self._uow.requisitions.get(requisition_id)
            if requisition.template_id is None:
                return TemplateOverrides(requisition_id, None, ())
            template = self._uow.templates.get(requisition.template_id)
        mine, theirs = requisition.autopool, template.autopool
        if mine is None and theirs is None:
            fields: tuple[str, ...] = ()
        elif mine is None or theirs is None:
            fields = ("autopool",)
        else:
            fields = mine.differences(theirs)
        return TemplateOverrides(requisition_id, template.id, fields)

    # --- reading the pool ---------------------------------------------------------

    def _terms(
        self, requisition: Requisition, criteria: AutopoolCriteria | None = None
    ) -> tuple[Criterion, ...]:
        """The pool's criteria in funnel order, plus consent where the account enforces it."""
        chosen = criteria if criteria is not None else requisition.autopool
        if chosen is None:
            msg = f"requisition {requisition.id!r} has no autopool criteria; define them first"
            raise ConfigurationError(msg)
        return chosen.terms(enforce_consent=self._uow.settings.get().enforce_consent)

    def _pool(
        self, requisition: Requisition, criteria: AutopoolCriteria | None = None
    ) -> Criterion:
        """The pool's criteria as one tree."""
        return all_of(*self._terms(requisition, criteria))

    def _context(
        self, requisition: Requisition, trees: Mapping[Dimension, StructureTree]
    ) -> EvaluationContext:
        return EvaluationContext(requisition, self._clock.now(), trees)

    def results(
        self,
        requisition_id: RequisitionId,
        *,
        viewer_id: UserId | None = None,
        order: Ordering | None = None,
        quick_filters: Iterable[QuickFilterId] = (),
        limit: int = MAX_RESULTS,
    ) -> PoolResults:
        """Return the pool of the requisition, generated now, as *viewer_id* sees it (AP7–AP15).

        Quick filters and the order are applied before the cap, so they choose
        which candidates are shown; the total counts every match. A wrong type for
        *order* (not an :class:`~talentpool.results.Ordering`), *quick_filters* (a
        collection of ids, not one string) or *limit* raises ``DomainError``.

        The rows carry the dates of the candidates' submissions on other
        requisitions only for a viewer with
        :attr:`~talentpool.model.Permission.VIEW_OTHER_APPLICATIONS`; for anyone
        else, and for ``None`` (no one in particular), those columns are ``None``
        (AP11). Viewing results needs no permission (AP2); an unknown viewer raises
        ``NotFoundError``.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_RESULTS:
            raise DomainError("limit", limit, f"must be a whole number from 1 to {MAX_RESULTS}")
        order = ordering_or_default(order)
        chosen = filter_ids(quick_filters)
        with self._uow:  # reads are isolated from concurrent writers; nothing is written
            require_autopool_enabled(self._uow.settings)
            requisition = self._uow.requisitions.get(requisition_id)
            filters = [self._uow.quick_filters.get(f).criterion for f in chosen]
            criterion = all_of(self._pool(requisition), *filters)
            # Checked here, not left to the adapter: a misconfigured pool is reported,
            # never [] (AP4, AP6), with the trees as they are now, whatever they were
            # when the criteria were saved.
            check_configuration(criterion, requisition, self._uow.structures.trees())
            names = self._names_others(viewer_id)
            query = CandidateQuery(requisition, self._clock.now(), criterion, order, limit)
            found = self._uow.candidates.find(query)
        rows = found.rows if names else tuple(r.without_other_applications() for r in found.rows)
        return PoolResults(
            requisition_id, rows, found.total, limit, order, chosen, viewer_id, names
        )

    def _names_others(self, viewer_id: UserId | None) -> bool:
        """Whether what the pool shows *viewer_id* may name another requisition (AP11)."""
        if viewer_id is None:
            return False
        return self._uow.users.get(viewer_id).has(Permission.VIEW_OTHER_APPLICATIONS)

    def explain(
        self,
        requisition_id: RequisitionId,
        candidate_id: CandidateId,
        *,
        viewer_id: UserId | None = None,
    ) -> Explanation:
        """Say which criteria the candidate passes or fails for the pool, and why (EN3).

        The reasons name another requisition (its title, its submission's status,
        their dates) only for a viewer with
        :attr:`~talentpool.model.Permission.VIEW_OTHER_APPLICATIONS`; for anyone
        else, and for ``None`` (no one in particular), they read "on another
        requisition" (AP11). An unknown viewer raises ``NotFoundError``.
        """
        with self._uow:  # reads are isolated from concurrent writers; nothing is written
            require_autopool_enabled(self._uow.settings)
            names = self._names_others(viewer_id)
            requisition = self._uow.requisitions.get(requisition_id)
            terms = self._terms(requisition)
            trees = self._uow.structures.trees()
            for term in terms:
                check_configuration(term, requisition, trees)
            record = self._uow.candidates.record(candidate_id)
            ctx = self._context(requisition, trees)
        universe = in_universe(record, requisition)
        verdicts = tuple(explain(t, record, ctx, names_others=names) for t in terms)
        in_pool = universe.passed and all(v.passed for v in verdicts)
        return Explanation(
            candidate_id, requisition_id, universe, verdicts, in_pool, viewer_id, names
        )

    def funnel(self, requisition_id: RequisitionId, *, viewer_id: UserId | None = None) -> Funnel:
        """Count how many candidates each criterion removes, in order (EN3).

        The funnel says which viewer it is for; it counts and describes criteria, so
        it names no other requisition for anyone (AP11). An unknown viewer raises
        ``NotFoundError``.
        """
        with self._uow:  # one consistent state for every stage; nothing is written
            funnel = self._funnel(requisition_id)
            if viewer_id is not None:
                self._uow.users.get(viewer_id)
            return attrs.evolve(funnel, viewer_id=viewer_id)

    def _funnel(self, requisition_id: RequisitionId) -> Funnel:
        require_autopool_enabled(self._uow.settings)
        requisition = self._uow.requisitions.get(requisition_id)
        terms = self._terms(requisition)
        check_configuration(all_of(*terms), requisition, self._uow.structures.trees())
        now = self._clock.now()

        def count(criteria: Sequence[Criterion]) -> int:
            query = CandidateQuery(requisition, now, all_of(*criteria), limit=0)
            return self._uow.candidates.find(query).total

        considered = previous = count(())
        stages = []
        for i, term in enumerate(terms):
            remaining = count(terms[: i + 1])
            stages.append(FunnelStage(term.describe(), previous - remaining, remaining))
            previous = remaining
        return Funnel(considered, tuple(stages))

    def dry_run(
        self, user_id: UserId, requisition_id: RequisitionId, criteria: AutopoolCriteria
    ) -> DryRun:
        """Say who would join and who would leave the pool if *criteria* were saved (EN5).

        *criteria* that is not :class:`~talentpool.criteria.AutopoolCriteria` raises
        ``CriteriaError``.
        """
        require_criteria(criteria, allow_none=False)
        with self._uow:  # reads are isolated from concurrent writers; nothing is written
            return self._dry_run(user_id, requisition_id, criteria)

    def _dry_run(
        self, user_id: UserId, requisition_id: RequisitionId, criteria: AutopoolCriteria
    ) -> DryRun:
        self._may_define_criteria(user_id)
        requisition = self._uow.requisitions.get(requisition_id)
        now = self._clock.now()

        def members(criterion: Criterion | None) -> frozenset[CandidateId]:
            if criterion is None:
                return frozenset()
            return self._uow.candidates.find_ids(CandidateQuery(requisition, now, criterion))

        trees = self._uow.structures.trees()
        proposed = self._pool(requisition, criteria)
        check_configuration(proposed, requisition, trees)
        current = self._pool(requisition) if requisition.autopool is not None else None
        if current is not None:
            try:
                check_configuration(current, requisition, trees)
            except ConfigurationError:
                current = None  # a pool that cannot be read has no members; the fix may join all
        before, after = members(current), members(proposed)
        return DryRun(
            tuple(sorted(after - before)), tuple(sorted(before - after)), len(before), len(after)
        )

    def in_pool(self, requisition_id: RequisitionId, candidate_id: CandidateId) -> bool:
        """Return whether the candidate is in the requisition's pool now.

        Raises ``ConfigurationError`` when the requisition has no criteria or
        criteria it cannot evaluate.
        """
        with self._uow:  # reads are isolated from concurrent writers; nothing is written
            return self._membership(requisition_id, candidate_id)[0]

    def _membership(
        self, requisition_id: RequisitionId, candidate_id: CandidateId
    ) -> tuple[bool, CandidateRecord]:
        """Whether the candidate is in the pool, and the record that decided it."""
        require_autopool_enabled(self._uow.settings)
        requisition = self._uow.requisitions.get(requisition_id)
        criterion = self._pool(requisition)
        trees = self._uow.structures.trees()
        check_configuration(criterion, requisition, trees)
        record = self._uow.candidates.record(candidate_id)
        ctx = self._context(requisition, trees)
        member = in_universe(record, requisition).passed and matches(criterion, record, ctx)
        return member, record

    def candidate_file(
        self, user_id: UserId, requisition_id: RequisitionId, candidate_id: CandidateId
    ) -> CandidateFile:
        """Open the file of a candidate in the pool (AP11).

        The candidate's other applications are included only for users with
        :attr:`~talentpool.model.Permission.VIEW_OTHER_APPLICATIONS`. Without it the
        attachments are limited too: only profile attachments (no requisition) and
        those that came with this requisition are returned, since an attachment
        from another requisition would reveal that application. A candidate
        outside the pool cannot be opened this way: viewing results needs no
        permission, so the pool must not become a window onto the whole database.
        Each opening is recorded in the audit trail as a
        :class:`~talentpool.audit.CandidateFileViewed` event.
        """
        # One unit of work: the reads see one state, and reading personal data is
        # audited, so the event is a write committed with it.
        with self._uow:
            user = self._uow.users.get(user_id)
            member, record = self._membership(requisition_id, candidate_id)
            if not member:
                msg = (
                    f"candidate {candidate_id!r} is not in the pool "
                    f"of requisition {requisition_id!r}"
                )
                raise PermissionDeniedError(msg)
            attachments = tuple(self._uow.attachments.for_candidate(candidate_id))
            others: tuple[ApplicationSummary, ...] | None = None
            if user.has(Permission.VIEW_OTHER_APPLICATIONS):
                others = tuple(
                    ApplicationSummary(
                        a.requisition.id,
                        a.requisition.title,
                        a.submission.status,
                        a.submission.submitted_at,
                    )
                    for a in sorted(
                        record.applications,
                        key=lambda a: (utc(a.submission.submitted_at), a.submission.id),
                    )
                    if a.requisition.id != requisition_id
                )
            else:
                attachments = tuple(
                    a for a in attachments if a.requisition_id in (None, requisition_id)
                )
            self._uow.events.append(
                CandidateFileViewed(
                    occurred_at=self._clock.now(),
                    actor_id=user.id,
                    reason=f"opened from the autopool of requisition {requisition_id!r}",
                    candidate_id=candidate_id,
                    requisition_id=requisition_id,
                    other_applications_shown=others is not None,
                )
            )
            self._uow.commit()
        return CandidateFile(record.candidate, attachments, others)
