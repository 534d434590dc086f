"""What the criteria mean (AP4–AP6, AP14, EN3): evaluation and explanation in memory.

This module is the reference semantics every adapter must reproduce. Each leaf's
rule lives in one *evidence* function that returns what decides it (the
submission that puts a candidate in a selection process, the hire inside the
window, the distance to the job); :func:`matches` turns the evidence into a yes
or no and :func:`explain` into a sentence a manager reads, so the two can never
disagree.

The universe (AP5) comes before any criterion: a candidate is considered only
if they applied on another requisition, have no submission on this one and
were not matched and rejected from this pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

import attrs

from talentpool.clock import days_between, utc, window_start
from talentpool.criteria import (
    AllOf,
    AnyOf,
    ConsentValid,
    Criterion,
    Everyone,
    ExcludeExpiredSubmissions,
    ExcludeHiredWithin,
    ExcludeInSelectionProcess,
    ExcludeRejectedWithin,
    FieldEquals,
    HasTag,
    Keywords,
    Not,
    ProfileLanguageMatchesRequisition,
    ResidenceWithin,
    SpeaksLanguage,
    SubmissionsInStructure,
)
from talentpool.errors import ConfigurationError
from talentpool.geo import distance_km
from talentpool.model import (
    Candidate,
    Dimension,
    Requisition,
    StructureTree,
    Submission,
    SubmissionStatus,
)
from talentpool.text import fold, words

__all__ = [
    "Application",
    "CandidateRecord",
    "EvaluationContext",
    "Verdict",
    "check_configuration",
    "explain",
    "filter_records",
    "in_universe",
    "matches",
]


@attrs.frozen
class Application:
    """A submission together with the requisition it was made to.

    Attributes:
        submission: The submission.
        requisition: Its requisition.
    """

    submission: Submission
    requisition: Requisition


def _applications(value: Iterable[Application]) -> tuple[Application, ...]:
    return tuple(value)


@attrs.frozen
class CandidateRecord:
    """Everything the criteria look at for one candidate.

    Attributes:
        candidate: The candidate.
        applications: All their submissions, each with its requisition.
        words: The folded words of their searchable text.
    """

    candidate: Candidate
    applications: tuple[Application, ...] = attrs.field(converter=_applications)
    words: frozenset[str] = attrs.field()

    @words.default
    def _words(self) -> frozenset[str]:
        return frozenset(words(self.candidate.searchable_text))

    def elsewhere(self, requisition: Requisition) -> tuple[Application, ...]:
        """Return the applications to requisitions other than *requisition*."""
        return tuple(a for a in self.applications if a.requisition.id != requisition.id)


@attrs.frozen
class EvaluationContext:
    """Where a pool is evaluated: for which requisition, when, over which trees.

    Attributes:
        requisition: The requisition whose pool this is.
        now: The instant "within the last X days" and expiry are measured from.
        structures: The organization, location and job-field trees.
    """

    requisition: Requisition
    now: datetime
    structures: Mapping[Dimension, StructureTree] = attrs.field(factory=dict)


@attrs.frozen
class Verdict:
    """Whether a candidate passes one criterion, and why (EN3).

    Attributes:
        criterion: The criterion judged.
        passed: Whether the candidate passes it.
        reason: Why, in words a manager reads.
        children: The verdicts of a composite's children.
    """

    criterion: Criterion | None
    passed: bool
    reason: str
    children: tuple[Verdict, ...] = ()

    @property
    def label(self) -> str:
        """What was judged, such as ``"not hired in the last 30 days"``."""
        return "applied elsewhere" if self.criterion is None else self.criterion.describe()


# --- configuration -------------------------------------------------------------


def check_configuration(criterion: Criterion, requisition: Requisition) -> None:
    """Raise ``ConfigurationError`` if *criterion* cannot be evaluated for *requisition* (AP6).

    A radius needs the requisition's primary location and a language match needs
    its language: without them the pool would silently be empty.
    """
    for node in criterion.walk():
        if isinstance(node, ResidenceWithin) and requisition.primary_location is None:
            msg = (
                f"requisition {requisition.id!r} has no primary location, so the criterion "
                f"'{node.describe()}' cannot be evaluated; set a primary location or remove "
                "the radius."
            )
            raise ConfigurationError(msg)
        if isinstance(node, ProfileLanguageMatchesRequisition) and requisition.language is None:
            msg = (
                f"requisition {requisition.id!r} has no language, so the criterion "
                f"'{node.describe()}' cannot be evaluated; set its language or remove "
                "the criterion."
            )
            raise ConfigurationError(msg)


# --- the universe -------------------------------------------------------------


def in_universe(record: CandidateRecord, requisition: Requisition) -> Verdict:
    """Return whether the candidate is considered for *requisition*'s pool at all (AP5)."""
    if record.candidate.id in requisition.pool_exclusions:
        return Verdict(None, False, "matched and rejected from this pool")
    if any(a.requisition.id == requisition.id for a in record.applications):
        return Verdict(None, False, "already on this requisition")
    others = record.elsewhere(requisition)
    if not others:
        return Verdict(None, False, "has not applied on another requisition")
    return Verdict(None, True, f"applied on {len(others)} other requisition(s)")


# --- evidence: one function per rule ---------------------------------------------


def active_elsewhere(record: CandidateRecord, ctx: EvaluationContext) -> Application | None:
    """The newest active submission on another requisition, if any (AP6)."""
    active = [a for a in record.elsewhere(ctx.requisition) if a.submission.is_active(ctx.now)]
    return max(active, key=_newest, default=None)


def unexpired_elsewhere(record: CandidateRecord, ctx: EvaluationContext) -> Application | None:
    """The newest unexpired submission on another requisition, if any."""
    fresh = [a for a in record.elsewhere(ctx.requisition) if not a.submission.is_expired(ctx.now)]
    return max(fresh, key=_newest, default=None)


def latest_with_status(
    record: CandidateRecord, status: SubmissionStatus, ctx: EvaluationContext
) -> Application | None:
    """The application most recently moved to *status*, if any."""
    hits = [a for a in record.applications if a.submission.status is status]
    return max(
        hits, key=lambda a: (utc(a.submission.status_changed_at), a.submission.id), default=None
    )


def in_window(app: Application | None, days: int, ctx: EvaluationContext) -> bool:
    """Whether *app*'s status changed at or after the opening of the last *days* days."""
    return app is not None and utc(window_start(ctx.now, days)) <= utc(
        app.submission.status_changed_at
    )


def residence_distance_km(record: CandidateRecord, ctx: EvaluationContext) -> float | None:
    """The geodesic distance from the candidate's residence to the job, if both are known."""
    home, job = record.candidate.residence, ctx.requisition.primary_location
    if home is None or job is None:
        return None
    return distance_km(job, home)


def structure_match(
    record: CandidateRecord, node: SubmissionsInStructure, ctx: EvaluationContext
) -> Application | None:
    """The newest application elsewhere whose requisition lies in the selection, if any."""

    def fits(app: Application) -> bool:
        if not node.include_expired and app.submission.is_expired(ctx.now):
            return False
        for dim in Dimension:
            chosen = node.selected(dim)
            if not chosen:
                continue
            tree = ctx.structures.get(dim)
            here = app.requisition.node(dim)
            if tree is None or here is None or here not in tree:
                if here not in chosen:
                    return False
            elif not tree.is_at_or_below(here, chosen):
                return False
        return True

    return max(filter(fits, record.elsewhere(ctx.requisition)), key=_newest, default=None)


def _newest(app: Application) -> tuple[datetime, str]:
    return (utc(app.submission.submitted_at), app.submission.id)


# --- matching --------------------------------------------------------------------


def matches(criterion: Criterion, record: CandidateRecord, ctx: EvaluationContext) -> bool:
    """Return whether the candidate of *record* passes *criterion* (the universe aside)."""
    return _MATCHERS[type(criterion)](criterion, record, ctx)


def _all(c: AllOf, r: CandidateRecord, x: EvaluationContext) -> bool:
    return all(matches(child, r, x) for child in c.children)


def _any(c: AnyOf, r: CandidateRecord, x: EvaluationContext) -> bool:
    return any(matches(child, r, x) for child in c.children)


def _radius(c: ResidenceWithin, r: CandidateRecord, x: EvaluationContext) -> bool:
    if x.requisition.primary_location is None:
        check_configuration(c, x.requisition)
    d = residence_distance_km(r, x)
    return d is not None and c.radius.includes(d)


def _field(c: FieldEquals, r: CandidateRecord, x: EvaluationContext) -> bool:
    value = r.candidate.field(c.name)
    return value is not None and fold(value).strip() == fold(c.value).strip()


def _language_match(
    c: ProfileLanguageMatchesRequisition, r: CandidateRecord, x: EvaluationContext
) -> bool:
    check_configuration(c, x.requisition)
    return r.candidate.profile_language == x.requisition.language


def _consent(c: ConsentValid, r: CandidateRecord, x: EvaluationContext) -> bool:
    consent = r.candidate.consent
    return consent is not None and consent.is_valid(x.now)


_MATCHERS: Mapping[type[Criterion], Callable[..., bool]] = {
    Everyone: lambda c, r, x: True,
    AllOf: _all,
    AnyOf: _any,
    Not: lambda c, r, x: not matches(c.child, r, x),
    Keywords: lambda c, r, x: all(w in r.words for w in c.words),
    HasTag: lambda c, r, x: c.tag in r.candidate.tags,
    SpeaksLanguage: lambda c, r, x: c.code in r.candidate.languages,
    FieldEquals: _field,
    ExcludeInSelectionProcess: lambda c, r, x: active_elsewhere(r, x) is None,
    ProfileLanguageMatchesRequisition: _language_match,
    ExcludeExpiredSubmissions: lambda c, r, x: unexpired_elsewhere(r, x) is not None,
    ExcludeRejectedWithin: lambda c, r, x: (
        not in_window(latest_with_status(r, SubmissionStatus.REJECTED, x), c.days, x)
    ),
    ExcludeHiredWithin: lambda c, r, x: (
        not in_window(latest_with_status(r, SubmissionStatus.HIRED, x), c.days, x)
    ),
    ResidenceWithin: _radius,
    SubmissionsInStructure: lambda c, r, x: structure_match(r, c, x) is not None,
    ConsentValid: _consent,
}


def filter_records(
    criterion: Criterion, records: Iterable[CandidateRecord], ctx: EvaluationContext
) -> list[CandidateRecord]:
    """Return the records in the universe of *ctx* that pass *criterion*, in input order."""
    check_configuration(criterion, ctx.requisition)
    return [
        r for r in records if in_universe(r, ctx.requisition).passed and matches(criterion, r, ctx)
    ]


# --- explaining --------------------------------------------------------------------


def explain(criterion: Criterion, record: CandidateRecord, ctx: EvaluationContext) -> Verdict:
    """Return the verdict on *criterion* for the candidate, with reasons (EN3)."""
    passed = matches(criterion, record, ctx)
    if isinstance(criterion, AllOf | AnyOf):
        kids = tuple(explain(child, record, ctx) for child in criterion.children)
        failing = [k for k in kids if not k.passed]
        passing = [k for k in kids if k.passed]
        if isinstance(criterion, AllOf):
            reason = (
                "passes every part"
                if passed
                else "fails: " + "; ".join(f"{k.label} ({k.reason})" for k in failing)
            )
        else:
            reason = (
                "passes: " + "; ".join(f"{k.label} ({k.reason})" for k in passing)
                if passed
                else "passes no part"
            )
        return Verdict(criterion, passed, reason, kids)
    if isinstance(criterion, Not):
        inner = explain(criterion.child, record, ctx)
        return Verdict(criterion, passed, inner.reason, (inner,))
    return Verdict(criterion, passed, _reason(criterion, record, ctx, passed))


def _when(moment: datetime, now: datetime) -> str:
    days = days_between(moment, now)
    if days < 0:
        return f"on {moment.date().isoformat()}"
    return "today" if days == 0 else ("1 day ago" if days == 1 else f"{days} days ago")


def _on(app: Application) -> str:
    return f"on {app.requisition.title!r}"


def _reason(c: Criterion, r: CandidateRecord, x: EvaluationContext, passed: bool) -> str:
    cand = r.candidate
    if isinstance(c, Everyone):
        return "everyone passes"
    if isinstance(c, Keywords):
        missing = [w for w in c.words if w not in r.words]
        return (
            f"profile contains {', '.join(repr(w) for w in c.words)}"
            if not missing
            else f"profile lacks {', '.join(repr(w) for w in missing)}"
        )
    if isinstance(c, HasTag):
        return f"tagged {c.tag.label!r}" if passed else f"not tagged {c.tag.label!r}"
    if isinstance(c, SpeaksLanguage):
        spoken = ", ".join(sorted(cand.languages)) or "none recorded"
        return f"speaks {spoken}"
    if isinstance(c, FieldEquals):
        value = cand.field(c.name)
        return f"has no {c.name}" if value is None else f"{c.name} is {value!r}"
    if isinstance(c, ExcludeInSelectionProcess):
        app = active_elsewhere(r, x)
        if app is None:
            return "no active submission on another requisition"
        sub = app.submission
        where = f" at step {sub.step!r}" if sub.step else ""
        return f"in a selection process {_on(app)}{where} ({sub.status.value})"
    if isinstance(c, ProfileLanguageMatchesRequisition):
        return (
            f"profile language {cand.profile_language or 'not set'}; "
            f"requisition language {x.requisition.language}"
        )
    if isinstance(c, ExcludeExpiredSubmissions):
        app = unexpired_elsewhere(r, x)
        if app is not None:
            return f"unexpired submission {_on(app)}"
        if not r.elsewhere(x.requisition):
            return "no submission on another requisition"
        return "every submission on another requisition has expired"
    if isinstance(c, ExcludeRejectedWithin | ExcludeHiredWithin):
        status = (
            SubmissionStatus.REJECTED
            if isinstance(c, ExcludeRejectedWithin)
            else SubmissionStatus.HIRED
        )
        app = latest_with_status(r, status, x)
        verb = status.value
        if app is None:
            return f"never {verb}"
        return (
            f"{verb} {_on(app)} {_when(app.submission.status_changed_at, x.now)}; "
            f"window is {c.days} days"
        )
    if isinstance(c, ResidenceWithin):
        d = residence_distance_km(r, x)
        if d is None:
            return "no known residence"
        unit = c.unit.value
        return f"lives {c.unit.from_km(d):.1f} {unit} from the job; radius is {c.distance:g} {unit}"
    if isinstance(c, SubmissionsInStructure):
        app = structure_match(r, c, x)
        if app is not None:
            return f"applied {_on(app)}, inside the selected structure"
        suffix = "" if c.include_expired else " (expired submissions do not count)"
        return f"no submission on another requisition inside the selected structure{suffix}"
    if isinstance(c, ConsentValid):
        consent = cand.consent
        if consent is None:
            return "no data-processing consent recorded"
        if consent.withdrawn_at is not None and utc(consent.withdrawn_at) <= utc(x.now):
            return f"consent withdrawn {_when(consent.withdrawn_at, x.now)}"
        if consent.expires_at is not None and utc(consent.expires_at) <= utc(x.now):
            return f"consent expired {_when(consent.expires_at, x.now)}"
        until = (
            "" if consent.expires_at is None else f" until {consent.expires_at.date().isoformat()}"
        )
        return f"consent valid{until}"
    return "passes" if passed else "fails"  # pragma: no cover - every leaf is handled above
