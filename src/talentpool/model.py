"""The domain model (DM1–DM5): immutable entities the rules are stated over.

Every entity is an ``attrs`` frozen, slotted class; a change is a new object
made with :func:`attrs.evolve` (or the entity's own ``with_…`` helper), never an
assignment. Timestamps are timezone-aware (a naive one raises
:class:`~talentpool.errors.DomainError` naming the field), places are WGS-84
points, and tags compare by their normalised key while keeping the label a
person typed::

    >>> Tag("Praha") == Tag(" praha ") == Tag("PRAHA")
    True
    >>> Tag(" praha ").label
    'praha'
"""

from __future__ import annotations

import enum
import functools
import sys
from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from typing import TypeVar

import attrs

from talentpool.clock import require_aware, utc
from talentpool.criteria import MAX_TEXT_LENGTH, MAX_WINDOW_DAYS, AutopoolCriteria
from talentpool.errors import CriteriaError, DomainError
from talentpool.geo import GeoPoint
from talentpool.ids import (
    AttachmentId,
    CandidateId,
    NodeId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.structure import Dimension, StructureTree, node_ids
from talentpool.tags import Tag
from talentpool.text import fold, words
from talentpool.validators import (
    at_most,
    aware,
    aware_or_none,
    boolean,
    collection,
    identifier,
    identifier_or_none,
    identifiers,
    instance_of,
    non_blank,
    non_blank_strings,
    optional_instance_of,
    string,
    string_or_none,
    whole_number,
)

__all__ = [
    "AccessLevel",
    "AccountSettings",
    "Application",
    "Attachment",
    "Candidate",
    "CandidateRecord",
    "Consent",
    "Dimension",
    "Permission",
    "Rejection",
    "RepoolingRule",
    "Requisition",
    "RequisitionTemplate",
    "Role",
    "Share",
    "ShareKind",
    "StructureTree",
    "Submission",
    "SubmissionStatus",
    "Subscription",
    "Tag",
    "User",
    "Workflow",
    "position_shares",
    "response_shares",
    "with_share",
]


# --- validators -------------------------------------------------------------


MAX_LANGUAGE_LENGTH = 200
"""The longest language code an entity holds: the criteria's bound for codes (EN2)."""


def _language(value: str | None, field: str = "language") -> str | None:
    """Language codes compare case-insensitively (``"DE"`` is ``"de"``)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise DomainError(field, value, "must be a non-blank language code")
    if len(value) > MAX_LANGUAGE_LENGTH:  # before folding a copy of it (EN2)
        raise DomainError(
            field, f"{value[:20]}...", f"must be at most {MAX_LANGUAGE_LENGTH} characters"
        )
    return sys.intern(value.strip().casefold())


_bounded = at_most(MAX_TEXT_LENGTH)
"""Text a document reader reads back: at most 200 characters (EN2)."""


def _profile_language(value: str | None) -> str | None:
    return _language(value, "profile_language")


_V = TypeVar("_V")
_SHARED_MOST = 65_536
"""How many distinct values of one kind :func:`_shared` keeps; later ones are not shared."""
_SHARED_LANGUAGES: dict[Hashable, frozenset[str]] = {}
_SHARED_TAGS: dict[Hashable, frozenset[Tag]] = {}
_SHARED_FIELDS: dict[Hashable, tuple[tuple[str, str], ...]] = {}


def _shared(table: dict[Hashable, _V], key: Hashable, value: _V) -> _V:
    """One object per combination *key* names: a million candidates hold a few thousand.

    Languages, tags and profile fields repeat across candidates; sharing one
    immutable object per combination saves its bytes per candidate (PF4). Only
    the first :data:`_SHARED_MOST` combinations are kept, so the tables stay
    bounded whatever a host stores.
    """
    found = table.get(key)
    if found is not None:
        return found
    if len(table) < _SHARED_MOST:
        table[key] = value
    return value


def _languages(values: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for value in collection("languages", values, "language codes"):
        if not isinstance(value, str) or not value.strip():
            raise DomainError("languages", value, "must be non-blank language codes")
        out.add(value.strip().casefold())
    codes = frozenset(out)
    return _shared(_SHARED_LANGUAGES, codes, codes)


E = TypeVar("E", bound=enum.Enum)


def _member(kind: type[E], field: str, value: object) -> E:
    """Return the member of *kind* that *value* is or names by value; else ``DomainError``.

    Hosts load enums from databases as their value strings (``"administrator"``),
    so those are accepted; anything else would pass silently and break later.
    """
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    choices = ", ".join(repr(m.value) for m in kind)
    raise DomainError(field, value, f"must be a {kind.__name__} or one of {choices}")


def _role(value: Role | str) -> Role:
    return _member(Role, "role", value)


def _permissions(values: Iterable[Permission | str]) -> frozenset[Permission]:
    if isinstance(values, str | enum.Enum) or not isinstance(values, Iterable):
        raise DomainError("permissions", values, "must be a collection of permissions, not one")
    return frozenset(_member(Permission, "permissions", v) for v in values)


def _status(value: SubmissionStatus | str) -> SubmissionStatus:
    return _member(SubmissionStatus, "status", value)


def _autopool(
    instance: object, attribute: attrs.Attribute[AutopoolCriteria | None], value: object
) -> None:
    if value is not None and not isinstance(value, AutopoolCriteria):
        raise CriteriaError("autopool", f"must be AutopoolCriteria or None (got {value!r})")


def _user_ids(values: Iterable[UserId]) -> frozenset[UserId]:
    return identifiers("shared_with", values)


def _candidate_ids(values: Iterable[CandidateId]) -> frozenset[CandidateId]:
    return identifiers("pool_exclusions", values)


def _tags(values: Iterable[Tag | str]) -> frozenset[Tag]:
    out: set[Tag] = set()
    for value in collection("tags", values, "tags"):
        if isinstance(value, Tag):
            out.add(value)
            continue
        try:
            out.add(Tag(value))
        except DomainError as error:
            raise DomainError("tags", value, error.reason) from None
    # tags equal by key may differ in label: the shared set is the one with these labels
    return _shared(_SHARED_TAGS, frozenset((t.key, t.label) for t in out), frozenset(out))


# --- users and permissions ---------------------------------------------------


class Role(enum.Enum):
    """What a user is in the account."""

    ADMINISTRATOR = "administrator"
    """A system administrator: holds every permission and sees the whole database."""
    RECRUITER = "recruiter"
    HIRING_MANAGER = "hiring_manager"


class Permission(enum.Enum):
    """Rights granted to a user type; administrators hold all of them."""

    DEFINE_AUTOPOOL_CRITERIA = "define_autopool_criteria"
    """Define or change autopool criteria on a requisition or template (AP2)."""
    MATCH_CANDIDATES = "match_candidates"
    """Match candidates to requisitions in general (autopool matching needs none, AP9)."""
    MATCH_AND_REJECT = "match_and_reject"
    """Match and reject in one action from the autopool (AP10)."""
    VIEW_OTHER_APPLICATIONS = "view_other_applications"
    """See a candidate's other applications in the candidate file (AP11)."""
    SEE_WHOLE_DATABASE = "see_whole_database"
    """Own every candidate in the database (MP2)."""


@attrs.frozen
class User:
    """A person using the host application.

    Attributes:
        id: The user's id.
        name: Display name.
        role: Administrator, recruiter or hiring manager.
        permissions: Rights granted beyond the role.
        email: Where email notifications go, if anywhere.
    """

    id: UserId = attrs.field(validator=identifier)
    name: str = attrs.field(validator=non_blank)
    role: Role = attrs.field(default=Role.HIRING_MANAGER, converter=_role)
    permissions: frozenset[Permission] = attrs.field(default=frozenset(), converter=_permissions)
    email: str | None = attrs.field(default=None, validator=string_or_none)

    @property
    def is_administrator(self) -> bool:
        """Whether the user is a system administrator."""
        return self.role is Role.ADMINISTRATOR

    def has(self, permission: Permission) -> bool:
        """Return whether the user holds *permission* (administrators hold all)."""
        return self.is_administrator or permission in self.permissions


# --- candidates ---------------------------------------------------------------


@attrs.frozen
class Consent:
    """A candidate's data-processing consent (AP14).

    Attributes:
        given_at: When the candidate gave it.
        expires_at: When it lapses, if ever.
        withdrawn_at: When the candidate withdrew it, if they did.
    """

    given_at: datetime = attrs.field(validator=aware)
    expires_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    withdrawn_at: datetime | None = attrs.field(default=None, validator=aware_or_none)

    def is_valid(self, now: datetime) -> bool:
        """Return whether the consent holds at *now*: not withdrawn, not yet expired."""
        require_aware("now", now)
        if self.withdrawn_at is not None and utc(self.withdrawn_at) <= utc(now):
            return False
        return self.expires_at is None or utc(now) < utc(self.expires_at)


def _fields(values: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = values.items() if isinstance(values, Mapping) else collection("fields", values, "pairs")
    out: dict[str, str] = {}
    for item in items:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise DomainError("fields", item, "must be (name, value) pairs")
        name, value = item
        if not isinstance(name, str) or not name.strip():
            raise DomainError("fields", name, "must have non-blank string names")
        if not isinstance(value, str):
            raise DomainError(f"fields.{name}", value, "must be a string")
        out[name.strip().casefold()] = value
    pairs = tuple(sorted(out.items()))
    return _shared(_SHARED_FIELDS, pairs, pairs)


@attrs.frozen
class Candidate:
    """A person in the candidate database.

    Attributes:
        id: The candidate's id.
        given_name: First name.
        family_name: Surname.
        created_at: When the candidate entered the database.
        email: Contact address.
        city: Where they live, for display.
        residence: Where they live, as a point, if known (DM4).
        profile_language: The language of their general profile (AP4).
        languages: Languages they speak, as lower-case codes.
        tags: Their tags (DM2).
        fields: Other searchable profile fields, name to value (names case-folded).
        text: Free profile and CV text searched by keywords.
        consent: Their data-processing consent, if recorded (AP14).
    """

    id: CandidateId = attrs.field(validator=identifier)
    given_name: str = attrs.field(validator=string)
    family_name: str = attrs.field(validator=string)
    created_at: datetime = attrs.field(validator=aware)
    email: str | None = attrs.field(default=None, validator=string_or_none)
    city: str | None = attrs.field(default=None, validator=string_or_none)
    residence: GeoPoint | None = attrs.field(default=None, validator=optional_instance_of(GeoPoint))
    profile_language: str | None = attrs.field(default=None, converter=_profile_language)
    languages: frozenset[str] = attrs.field(default=frozenset(), converter=_languages)
    tags: frozenset[Tag] = attrs.field(default=frozenset(), converter=_tags)
    fields: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_fields)
    text: str = attrs.field(default="", validator=string)
    consent: Consent | None = attrs.field(default=None, validator=optional_instance_of(Consent))

    @property
    def name(self) -> str:
        """Given name and family name."""
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def sort_name(self) -> tuple[str, str]:
        """The key names sort by: folded family name, then folded given name."""
        return (fold(self.family_name), fold(self.given_name))

    @property
    def searchable_parts(self) -> tuple[str, ...]:
        """Everything keywords search, one text each: names, city, profile text, field values."""
        parts = (self.given_name, self.family_name, self.city or "", self.text)
        return parts + tuple([value for _, value in self.fields]) if self.fields else parts

    @property
    def searchable_text(self) -> str:
        """:attr:`searchable_parts` as one text, a line each."""
        return "\n".join(self.searchable_parts)

    @property
    def words(self) -> frozenset[str]:
        """The folded whole words of :attr:`searchable_parts` (see :mod:`talentpool.text`).

        They are the words of :attr:`searchable_text`: no word runs across a line
        break. Cut part by part, a store that indexes many candidates cuts each
        distinct name, city or text once (PF4).
        """
        return frozenset().union(*map(words, self.searchable_parts))

    def field(self, name: str) -> str | None:
        """Return the value of the profile field *name*, or ``None``."""
        key = name.strip().casefold()
        for field_name, value in self.fields:
            if field_name == key:
                return value
        return None

    def has_tag(self, tag: Tag | str) -> bool:
        """Return whether the candidate carries *tag* (compared by key)."""
        return (tag if isinstance(tag, Tag) else Tag(tag)) in self.tags

    def with_tags(self, tags: Iterable[Tag | str]) -> Candidate:
        """Return a copy carrying exactly *tags*."""
        return attrs.evolve(self, tags=_tags(tags))


# --- requisitions -----------------------------------------------------------


def _steps(values: Iterable[str]) -> tuple[str, ...]:
    # A bare string would be iterated as its characters: Workflow(steps="New") starts at "N".
    if not isinstance(values, tuple | list):
        raise DomainError("steps", values, "must be a tuple or list of step names")
    return non_blank_strings("steps", values, MAX_TEXT_LENGTH)


def _motives(values: Iterable[str]) -> tuple[str, ...]:
    return non_blank_strings("motives", values)


def _rejection_motives(values: Iterable[str]) -> tuple[str, ...]:
    return non_blank_strings("rejection_motives", values, MAX_TEXT_LENGTH)


@attrs.frozen
class Workflow:
    """A requisition's workflow: its steps and what a rejection needs (AP9, AP10).

    Attributes:
        steps: Step names in order; a match lands on the first.
        rejection_motives: The motives (qualifiers) a rejection may name.
        motive_required: Whether a rejection must name at least one motive.
        comment_required: Whether a rejection must carry a comment.
    """

    steps: tuple[str, ...] = attrs.field(
        default=("New", "Screening", "Interview", "Offer"), converter=_steps
    )
    rejection_motives: tuple[str, ...] = attrs.field(
        default=("Not qualified", "Not available", "Other"),
        converter=_rejection_motives,
    )
    motive_required: bool = attrs.field(default=False, validator=boolean)
    comment_required: bool = attrs.field(default=False, validator=boolean)

    def __attrs_post_init__(self) -> None:
        if not self.steps:
            raise DomainError("steps", self.steps, "must name at least one step")
        if self.motive_required and not self.rejection_motives:
            msg = "must offer at least one motive when a motive is required"
            raise DomainError("rejection_motives", self.rejection_motives, msg)

    @property
    def first_step(self) -> str:
        """The step a new submission starts at."""
        return self.steps[0]


@attrs.frozen
class RequisitionTemplate:
    """A template requisitions are created from; its autopool criteria are inherited (AP3).

    Attributes:
        id: The template's id.
        name: Display name.
        language: The language requisitions from it default to.
        organization: Default organization node.
        location: Default location node.
        job_field: Default job-field node.
        workflow: The workflow requisitions from it use.
        autopool: The autopool criteria requisitions inherit, if any.
    """

    # at most MAX_TEXT_LENGTH characters each, as the template's document is read back (EN2)
    id: TemplateId = attrs.field(validator=[identifier, _bounded])
    name: str = attrs.field(validator=[non_blank, _bounded])
    language: str | None = attrs.field(default=None, converter=_language)
    organization: NodeId | None = attrs.field(
        default=None, validator=[identifier_or_none, _bounded]
    )
    location: NodeId | None = attrs.field(default=None, validator=[identifier_or_none, _bounded])
    job_field: NodeId | None = attrs.field(default=None, validator=[identifier_or_none, _bounded])
    workflow: Workflow = attrs.field(factory=Workflow, validator=instance_of(Workflow))
    autopool: AutopoolCriteria | None = attrs.field(default=None, validator=_autopool)


@attrs.frozen
class Requisition:
    """A position (job opening) candidates apply to.

    Attributes:
        id: The requisition's id.
        title: The job title.
        created_at: When it was opened.
        language: Its language (AP4 "profile language must match").
        primary_location: Where the job is, for radius criteria (DM4).
        organization: Its node in the organization tree.
        location: Its node in the location tree.
        job_field: Its node in the job-field tree.
        owner_id: The user who owns it (owns its candidates, MP2).
        shared_with: Users the whole position is shared with (they own its candidates).
        template_id: The template it was created from, if any (AP3, AP13).
        workflow: Its workflow.
        autopool: Its own autopool criteria (a copy of the template's at creation).
        pool_exclusions: Candidates matched and rejected from its pool (AP10).
    """

    id: RequisitionId = attrs.field(validator=identifier)
    title: str = attrs.field(validator=non_blank)
    created_at: datetime = attrs.field(validator=aware)
    language: str | None = attrs.field(default=None, converter=_language)
    primary_location: GeoPoint | None = attrs.field(
        default=None, validator=optional_instance_of(GeoPoint)
    )
    organization: NodeId | None = attrs.field(default=None, validator=identifier_or_none)
    location: NodeId | None = attrs.field(default=None, validator=identifier_or_none)
    job_field: NodeId | None = attrs.field(default=None, validator=identifier_or_none)
    owner_id: UserId | None = attrs.field(default=None, validator=identifier_or_none)
    shared_with: frozenset[UserId] = attrs.field(default=frozenset(), converter=_user_ids)
    template_id: TemplateId | None = attrs.field(default=None, validator=identifier_or_none)
    workflow: Workflow = attrs.field(factory=Workflow, validator=instance_of(Workflow))
    autopool: AutopoolCriteria | None = attrs.field(default=None, validator=_autopool)
    pool_exclusions: frozenset[CandidateId] = attrs.field(
        default=frozenset(), converter=_candidate_ids
    )

    def node(self, dimension: Dimension) -> NodeId | None:
        """Return the requisition's node in *dimension*'s tree."""
        if dimension is Dimension.ORGANIZATION:
            return self.organization
        if dimension is Dimension.LOCATION:
            return self.location
        return self.job_field


# --- submissions ------------------------------------------------------------


class SubmissionStatus(enum.Enum):
    """Where a submission stands (DM5)."""

    NEW = "new"
    IN_PROCESS = "in_process"
    """In the selection process: at any active workflow step after the first."""
    REJECTED = "rejected"
    HIRED = "hired"
    WITHDRAWN = "withdrawn"
    INACTIVE = "inactive"
    """Set by repooling after a stretch without activity (AP12)."""

    @property
    def is_open(self) -> bool:
        """Whether the submission is still being worked on (new or in process)."""
        return self in (SubmissionStatus.NEW, SubmissionStatus.IN_PROCESS)


@attrs.frozen
class Rejection:
    """Why a submission was rejected.

    Attributes:
        motives: The qualifiers chosen from the workflow's list.
        comment: Free text.
    """

    motives: tuple[str, ...] = attrs.field(default=(), converter=_motives)
    comment: str = attrs.field(default="", validator=string)


@attrs.frozen
class Submission:
    """A candidate's application to one requisition (a "response").

    Attributes:
        id: The submission's id.
        candidate_id: Who applied.
        requisition_id: To what.
        submitted_at: When.
        status: Where it stands.
        status_changed_at: When the status last changed.
        last_activity_at: The last time anyone worked on it.
        expires_at: When it expires, if it does (an expired submission is not active).
        step: The workflow step it is at.
        shared_with: Users this response was shared with ("share with colleague", MP2).
        rejection: The motives and comment, when rejected.
    """

    id: SubmissionId = attrs.field(validator=identifier)
    candidate_id: CandidateId = attrs.field(validator=identifier)
    requisition_id: RequisitionId = attrs.field(validator=identifier)
    submitted_at: datetime = attrs.field(validator=aware)
    status: SubmissionStatus = attrs.field(default=SubmissionStatus.NEW, converter=_status)
    status_changed_at: datetime = attrs.field(validator=aware)
    last_activity_at: datetime = attrs.field(validator=aware)
    expires_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    step: str | None = attrs.field(default=None, validator=string_or_none)
    shared_with: frozenset[UserId] = attrs.field(default=frozenset(), converter=_user_ids)
    rejection: Rejection | None = attrs.field(
        default=None, validator=optional_instance_of(Rejection)
    )

    @status_changed_at.default
    def _status_changed_default(self) -> datetime:
        return self.submitted_at

    @last_activity_at.default
    def _last_activity_default(self) -> datetime:
        return self.status_changed_at

    def is_expired(self, now: datetime) -> bool:
        """Whether the submission has expired at *now* (expiry instant included)."""
        require_aware("now", now)
        return self.expires_at is not None and utc(now) >= utc(self.expires_at)

    def is_active(self, now: datetime) -> bool:
        """Whether it puts the candidate "in a selection process" (AP6): open and unexpired."""
        return self.status.is_open and not self.is_expired(now)


# --- repooling (AP12) -------------------------------------------------------------


_rule_days = whole_number(1, MAX_WINDOW_DAYS, "days")
"""X of a repooling rule: 1 to :data:`~talentpool.criteria.MAX_WINDOW_DAYS` days, as windows."""


def _open_statuses(values: Iterable[SubmissionStatus]) -> frozenset[SubmissionStatus]:
    if isinstance(values, SubmissionStatus):
        raise DomainError("statuses", values, "must be a collection of statuses, not one")
    statuses: frozenset[SubmissionStatus] = frozenset(collection("statuses", values, "statuses"))
    for status in statuses:
        if not isinstance(status, SubmissionStatus) or not status.is_open:
            raise DomainError("statuses", status, "must be open statuses (new, in_process)")
    if not statuses:
        raise DomainError("statuses", values, "must name at least one open status")
    return statuses


def _organizations(values: Iterable[str]) -> frozenset[NodeId]:
    return node_ids(values, "organizations")


def _locations(values: Iterable[str]) -> frozenset[NodeId]:
    return node_ids(values, "locations")


def _job_fields(values: Iterable[str]) -> frozenset[NodeId]:
    return node_ids(values, "job_fields")


@attrs.frozen
class RepoolingRule:
    """A system administrator's rule that sets idle open submissions Inactive (AP12).

    A submission the rule covers becomes inactive once **more than**
    :attr:`inactive_after_days` calendar days have passed since its last
    activity, counted in the clock's time zone: idle for exactly X days it is
    left alone, a moment longer and it is set inactive (the same boundary as
    "within the last X days", whose opening instant is inside the window).

    Attributes:
        id: The rule's id.
        name: What administrators call it.
        inactive_after_days: X, the days without activity after which a submission
            becomes inactive; a whole number from 1 to
            :data:`~talentpool.criteria.MAX_WINDOW_DAYS` (36,500, a hundred years).
        statuses: The open statuses the rule applies to; new and in-process by default.
        organizations: Only submissions to requisitions at or below one of these
            organization nodes; every organization when empty.
        locations: The same for the location tree.
        job_fields: The same for the job-field tree.
    """

    id: RepoolingRuleId = attrs.field(validator=identifier)
    name: str = attrs.field(validator=non_blank)
    inactive_after_days: int = attrs.field(validator=_rule_days)
    statuses: frozenset[SubmissionStatus] = attrs.field(
        default=frozenset({SubmissionStatus.NEW, SubmissionStatus.IN_PROCESS}),
        converter=_open_statuses,
    )
    organizations: frozenset[NodeId] = attrs.field(default=frozenset(), converter=_organizations)
    locations: frozenset[NodeId] = attrs.field(default=frozenset(), converter=_locations)
    job_fields: frozenset[NodeId] = attrs.field(default=frozenset(), converter=_job_fields)

    def selected(self, dimension: Dimension) -> frozenset[NodeId]:
        """Return the nodes the rule is restricted to in *dimension* (empty: all)."""
        if dimension is Dimension.ORGANIZATION:
            return self.organizations
        if dimension is Dimension.LOCATION:
            return self.locations
        return self.job_fields


@attrs.frozen
class Attachment:
    """A file attached to a candidate, from one of their submissions or their profile.

    Attributes:
        id: The attachment's id.
        candidate_id: Whose file it is.
        filename: The file's name.
        uploaded_at: When it was uploaded.
        requisition_id: The position it came with, or ``None`` for the profile.
    """

    id: AttachmentId = attrs.field(validator=identifier)
    candidate_id: CandidateId = attrs.field(validator=identifier)
    filename: str = attrs.field(validator=non_blank)
    uploaded_at: datetime = attrs.field(validator=aware)
    requisition_id: RequisitionId | None = attrs.field(default=None, validator=identifier_or_none)


@attrs.frozen
class AccountSettings:
    """Switches a system administrator sets for the whole account.

    Attributes:
        autopool_enabled: Automatic candidate pooling is available (AP1); off by default.
        match_and_reject_enabled: "Match and reject" is offered (AP10); off by default.
        enforce_consent: Every pool excludes candidates without valid consent (AP14);
            off by default, on for hosts that must honour the GDPR everywhere.
        slack_integrated: The account has Slack connected, so notifications may go
            to Slack where a user's settings allow it (MP8); off by default.
    """

    autopool_enabled: bool = attrs.field(default=False, validator=boolean)
    match_and_reject_enabled: bool = attrs.field(default=False, validator=boolean)
    enforce_consent: bool = attrs.field(default=False, validator=boolean)
    slack_integrated: bool = attrs.field(default=False, validator=boolean)


# --- micro-pools: shares and tag tracking -------------------------------------


class AccessLevel(enum.Enum):
    """How much of a candidate a user may see (MP2).

    Decided by :func:`talentpool.visibility.decide_access`; it lives here, with the
    shares it is decided from, so the events that record it need nothing above the
    model.
    """

    OWNER = "owner"
    """Everything, positions and responses included."""
    TAG_SHARE = "tag_share"
    """The candidate in the candidate database, nothing on positions (MP3)."""
    NONE = "none"
    """Nothing."""

    @property
    def sees_candidate(self) -> bool:
        """Whether the candidate appears in the user's candidate database at all."""
        return self is not AccessLevel.NONE


class ShareKind(enum.Enum):
    """How a user came to own a candidate (MP2); a tag share is not one of these."""

    WHOLE_DATABASE = "whole_database"
    """The user's role or permission sees the whole candidate database."""
    RESPONSE_SHARED = "response_shared"
    """A response of the candidate was shared with the user ("share with colleague")."""
    POSITION_OWNED = "position_owned"
    """The candidate is registered on a position the user owns."""
    POSITION_SHARED = "position_shared"
    """The candidate is registered on a position shared with the user."""


def _share_kind(value: ShareKind | str) -> ShareKind:
    return _member(ShareKind, "kind", value)


@attrs.frozen
class Share:
    """One reason a user owns a candidate (MP2).

    Attributes:
        kind: What kind of share it is.
        requisition_id: The position concerned, if any.
        submission_id: The response shared, for :attr:`ShareKind.RESPONSE_SHARED`.
    """

    kind: ShareKind = attrs.field(converter=_share_kind)
    requisition_id: RequisitionId | None = attrs.field(default=None, validator=identifier_or_none)
    submission_id: SubmissionId | None = attrs.field(default=None, validator=identifier_or_none)

    def __str__(self) -> str:
        if self.kind is ShareKind.WHOLE_DATABASE:
            return "sees the whole candidate database"
        if self.kind is ShareKind.RESPONSE_SHARED:
            return f"response {self.submission_id} shared with them"
        if self.kind is ShareKind.POSITION_OWNED:
            return f"owns position {self.requisition_id}"
        return f"position {self.requisition_id} shared with them"


def position_shares(requisition: Requisition) -> list[tuple[UserId, Share]]:
    """Return who owns the candidates registered on *requisition*, and through which share."""
    out: list[tuple[UserId, Share]] = []
    if requisition.owner_id is not None:
        out.append((requisition.owner_id, Share(ShareKind.POSITION_OWNED, requisition.id)))
    out.extend(
        (user, Share(ShareKind.POSITION_SHARED, requisition.id))
        for user in sorted(requisition.shared_with)
    )
    return out


_SharedEntity = TypeVar("_SharedEntity", Submission, Requisition)


def with_share(entity: _SharedEntity, user_id: UserId, *, shared: bool) -> _SharedEntity:
    """Return *entity* shared with *user_id*, or withdrawn from them (MP11).

    *entity* itself when that changes nothing, so a store saves only a change.
    """
    users = entity.shared_with | {user_id} if shared else entity.shared_with - {user_id}
    return entity if users == entity.shared_with else attrs.evolve(entity, shared_with=users)


def response_shares(submission: Submission) -> list[tuple[UserId, Share]]:
    """Return who the response was shared with ("share with colleague"), as shares."""
    share = Share(ShareKind.RESPONSE_SHARED, submission.requisition_id, submission.id)
    return [(user, share) for user in sorted(submission.shared_with)]


def _one_tag(value: Tag | str) -> Tag:
    return value if isinstance(value, Tag) else Tag(value)


@attrs.frozen
class Subscription:
    """A user tracking a tag: the tag is one of their micro-pools (MP1).

    Attributes:
        user_id: Who tracks the tag.
        tag: The tag tracked; identity is its key, the label is the folder's name.
        created_at: When an administrator set it up.
        created_by: The administrator who set it up.
    """

    user_id: UserId = attrs.field(validator=identifier)
    tag: Tag = attrs.field(converter=_one_tag)
    created_at: datetime = attrs.field(validator=aware)
    created_by: UserId | None = attrs.field(default=None, validator=identifier_or_none)


# --- what the criteria read of one candidate -------------------------------------


@attrs.frozen
class Application:
    """A submission together with the requisition it was made to.

    Attributes:
        submission: The submission.
        requisition: Its requisition.
    """

    submission: Submission = attrs.field(validator=instance_of(Submission))
    requisition: Requisition = attrs.field(validator=instance_of(Requisition))


def _applications(values: Iterable[Application]) -> tuple[Application, ...]:
    out = tuple(collection("applications", values, "applications"))
    for value in out:
        if not isinstance(value, Application):
            raise DomainError("applications", value, "must be Application values")
    return out


@attrs.frozen
class CandidateRecord:
    """Everything the criteria look at for one candidate: the profile and every application.

    Attributes:
        candidate: The candidate.
        applications: All their submissions, each with its requisition.
    """

    candidate: Candidate = attrs.field(validator=instance_of(Candidate))
    applications: tuple[Application, ...] = attrs.field(converter=_applications)

    @functools.cached_property
    def words(self) -> frozenset[str]:
        """The folded words of the searchable text, cut when first asked for (PF1)."""
        return self.candidate.words

    def elsewhere(self, requisition_id: RequisitionId | None) -> tuple[Application, ...]:
        """Return the applications to requisitions other than *requisition_id*.

        ``None`` stands for no requisition (the candidate database): every application.
        """
        if requisition_id is None:
            return self.applications
        return tuple(a for a in self.applications if a.requisition.id != requisition_id)
