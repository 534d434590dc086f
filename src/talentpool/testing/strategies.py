"""Hypothesis strategies for talentpool's values (ST4).

Hosts use these to check their own repository implementations against the
reference ones, and talentpool's own property tests use them. This module
imports hypothesis, so it needs the ``test`` extra
(``pip install "talentpool[test]"``); in the package only the contracts of
:mod:`talentpool.testing.contracts` import it.

What there is:

* **criteria**: :func:`leaves` and :func:`criteria`. With ``vocabulary=True``
  they draw from the small vocabulary the generated worlds use
  (:data:`TAG_LABELS`, :data:`LANGUAGES`, :data:`KEYWORDS`, the trees in
  :data:`STRUCTURES`, radii around :data:`CENTRE`), so a criterion splits a world
  instead of missing it; without it they draw arbitrary valid values, which is
  what a serialisation round trip needs. Trees are built with the public
  combinators (``all_of``, ``any_of``, ``not_``), so they are in the normal form
  a criteria document reads back to.
* **saved settings**: :func:`autopool_criteria`, :func:`quick_filters`,
  :func:`templates`, :func:`workflows`, :func:`repooling_rules`.
* **events**: :func:`domain_events`, any event of any type (or of the types
  asked for), as an event store must keep it and read it back.
* **documents**: :func:`json_values` (anything JSON-like) and
  :func:`mutated_documents` (a valid document with one thing broken).
* **worlds**: :func:`worlds` draws a small account around :data:`CENTRE` as a
  :class:`WorldSpec`, which :meth:`WorldSpec.load` saves into any unit of work.
* **time**: :func:`aware_datetimes`.
* **results**: :func:`pool_rows`, lists of result rows full of ties and unknown
  values, for checking an ordering.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from hypothesis import strategies as st

from talentpool.criteria import (
    CRITERION_KINDS,
    EVERYONE,
    LEAF_TYPES,
    MAX_WINDOW_DAYS,
    AutopoolCriteria,
    ConsentValid,
    Criterion,
    ExcludeExpiredSubmissions,
    ExcludeHiredWithin,
    ExcludeInSelectionProcess,
    ExcludeRejectedWithin,
    FieldEquals,
    HasTag,
    Keywords,
    ProfileLanguageMatchesRequisition,
    QuickFilter,
    ResidenceWithin,
    SpeaksLanguage,
    SubmissionsInStructure,
    Visitor,
    all_of,
    any_of,
    not_,
)
from talentpool.events import (
    EVENT_TYPES,
    AccountSettingChanged,
    AutopoolCriteriaSaved,
    CandidateErased,
    CandidateFileViewed,
    CandidateMatched,
    CandidateMatchedAndRejected,
    ColleagueShareGranted,
    ColleagueShareWithdrawn,
    DomainEvent,
    QuickFilterRemoved,
    QuickFilterSaved,
    RepoolingRuleRemoved,
    RepoolingRuleSaved,
    RequisitionOpened,
    SubmissionInactivated,
    SubscriptionAdded,
    SubscriptionRemoved,
    TagShareCause,
    TagShareGranted,
    TagShareRevoked,
)
from talentpool.geo import MAX_RADIUS_KM, DistanceUnit, GeoPoint
from talentpool.ids import (
    CandidateId,
    NodeId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.model import (
    AccessLevel,
    AccountSettings,
    Candidate,
    Consent,
    Dimension,
    Permission,
    RepoolingRule,
    Requisition,
    RequisitionTemplate,
    Role,
    Share,
    ShareKind,
    StructureTree,
    Submission,
    SubmissionStatus,
    Subscription,
    Tag,
    User,
    Workflow,
)
from talentpool.results import PoolRow
from talentpool.testing.fixtures import FixtureStore
from talentpool.testing.world import DEFAULT_NOW
from talentpool.text import tag_key, words
from talentpool.validators import aware

__all__ = [
    "CENTRE",
    "FIELD_VALUES",
    "KEYWORDS",
    "LANGUAGES",
    "STRUCTURES",
    "TAG_LABELS",
    "TARGET_ID",
    "TEXT_WORDS",
    "UNCARRIED_TAG_LABELS",
    "WorldSpec",
    "autopool_criteria",
    "aware_datetimes",
    "criteria",
    "domain_events",
    "json_values",
    "leaves",
    "mutated_documents",
    "pool_rows",
    "quick_filters",
    "repooling_rules",
    "templates",
    "workflows",
    "worlds",
]

# --- the vocabulary worlds are drawn from --------------------------------------------

CENTRE = GeoPoint(50.0755, 14.4378)
"""Prague's centre: where a generated world's requisition is, and its candidates live around."""

TAG_LABELS: tuple[str, ...] = ("Praha", " PRAHA ", "call", "prepare contract", "Žilina", "ｃａｌｌ")
"""Tag labels, among them two spellings each of one tag: Praha and call (full width)."""

UNCARRIED_TAG_LABELS: tuple[str, ...] = ("Python", "forklift")
"""Tag labels no generated candidate carries: users may track them, and nobody is counted."""

LANGUAGES: tuple[str, ...] = ("cs", "de", "en", "sk")
"""Language codes candidates speak and requisitions are written in."""

KEYWORDS: tuple[str, ...] = ("cashier", "zilina", "forklift night", "C++", "Barista", "zilin")
"""Keyword queries; ``"zilin"`` is a prefix that must never match ``"Žilina"``."""

TEXT_WORDS: tuple[str, ...] = (
    "Cashier",
    "cashiers",
    "Žilina",
    "ŽILINĚ",
    "forklift",
    "night-shift",
    "night",
    "C++",
    "C",
    "barista",
    "Praha",
)
"""Words candidates' profile texts are made of."""

FIELD_VALUES: Mapping[str, tuple[str, ...]] = {
    "driving_licence": ("B", "C", "b"),
    "shift": ("night", "Noc", "day"),
}
"""Profile fields and the values they take."""

STRUCTURES: tuple[StructureTree, ...] = (
    StructureTree(
        Dimension.ORGANIZATION,
        {
            "group": None,
            "retail": "group",
            "retail-cz": "retail",
            "retail-sk": "retail",
            "logistics": "group",
        },
    ),
    StructureTree(
        Dimension.LOCATION,
        {"cz": None, "praha": "cz", "brno": "cz", "sk": None, "zilina": "sk"},
    ),
    StructureTree(
        Dimension.JOB_FIELD,
        {
            "sales": None,
            "cashier": "sales",
            "barista": "sales",
            "logistics": None,
            "warehouse": None,
        },
    ),
)
"""The organization, location and job-field trees of a generated world."""

TARGET_ID = RequisitionId("job")
"""The id of the requisition whose pool a generated world is asked about."""

_WINDOWS = (1, 7, 14, 30, 60)
_RADII_KM = (2.0, 5.0, 10.0, 25.0, 50.0)
_GIVEN = ("Eva", "Jana", "Tomáš", "Petr", "Zuzana", "Ľubomír")
_FAMILY = ("Nováková", "Novák", "Dvořák", "Černá", "Kováč", "novak")
_CITIES = ("Praha", "Brno", "Kladno", "Beroun", "Žilina")
_ZONES = (UTC, ZoneInfo("Europe/Prague"), ZoneInfo("America/New_York"))


def _nodes(tree: StructureTree) -> tuple[NodeId, ...]:
    return tuple(sorted(tree.parents))


def _tree(dimension: Dimension) -> StructureTree:
    return next(t for t in STRUCTURES if t.dimension is dimension)


# --- time ---------------------------------------------------------------------------


_EARLIEST = datetime(2000, 1, 1)
_LATEST = datetime(2100, 1, 1)


def aware_datetimes(
    min_value: datetime = _EARLIEST, max_value: datetime = _LATEST
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes in UTC, Europe/Prague or America/New_York.

    The bounds are naive, as :func:`hypothesis.strategies.datetimes` takes them.
    """
    return st.datetimes(min_value, max_value, timezones=st.sampled_from(_ZONES))


# --- criteria -----------------------------------------------------------------------


def _non_blank_text() -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=20).filter(lambda s: bool(s.strip()))


def _keyword_text() -> st.SearchStrategy[str]:
    word = st.from_regex(r"[A-Za-z0-9ÁČĎÉĚÍŇÓŘŠŤÚŮÝŽáčďéěíňóřšťúůýžß]{1,8}", fullmatch=True)
    text = st.tuples(st.text(max_size=6), word, st.text(max_size=6)).map("".join)
    return text.filter(lambda s: bool(words(s)))


def _days() -> st.SearchStrategy[int]:
    return st.integers(1, MAX_WINDOW_DAYS)


def _structure_leaves(vocabulary: bool) -> st.SearchStrategy[SubmissionsInStructure]:
    def selection(dimension: Dimension) -> st.SearchStrategy[frozenset[NodeId]]:
        if vocabulary:
            return st.frozensets(st.sampled_from(_nodes(_tree(dimension))), max_size=2)
        return st.frozensets(_non_blank_text().map(NodeId), max_size=3)

    chosen = st.tuples(
        selection(Dimension.ORGANIZATION),
        selection(Dimension.LOCATION),
        selection(Dimension.JOB_FIELD),
    ).filter(any)

    def build(
        nodes: tuple[frozenset[NodeId], frozenset[NodeId], frozenset[NodeId]], include: bool
    ) -> SubmissionsInStructure:
        return SubmissionsInStructure(nodes[0], nodes[1], nodes[2], include)

    return st.builds(build, chosen, st.booleans())


def _radius_leaves(vocabulary: bool) -> st.SearchStrategy[ResidenceWithin]:
    if vocabulary:
        distance: st.SearchStrategy[float] = st.sampled_from(_RADII_KM)
        return st.builds(ResidenceWithin, distance, st.sampled_from(DistanceUnit))

    def within(unit: DistanceUnit) -> st.SearchStrategy[ResidenceWithin]:
        # up to MAX_RADIUS_KM in the unit, the bound itself included
        most = unit.from_km(MAX_RADIUS_KM)
        distance = st.floats(
            min_value=0.0, max_value=most, exclude_min=True, allow_nan=False
        ) | st.integers(1, int(most)).map(float)
        return st.builds(ResidenceWithin, distance, st.just(unit))

    return st.sampled_from(DistanceUnit).flatmap(within)


class _Drawer(Visitor[st.SearchStrategy[Criterion]]):
    """Draws a criterion of each kind: one ``draw_<kind>`` per kind a tree can hold (EN1).

    A walk of the criteria family that starts from a kind rather than a node, so
    a new kind of criterion cannot be left out of the generated trees.
    """

    kinds = CRITERION_KINDS
    prefix = "draw_"

    def __init__(
        self, vocabulary: bool, children: st.SearchStrategy[Criterion] | None = None
    ) -> None:
        self._vocabulary = vocabulary
        self._children = children

    def draw(self, kind: str) -> st.SearchStrategy[Criterion]:
        """Return a strategy for nodes of *kind*."""
        return self.for_kind(kind)()

    def _group(self) -> st.SearchStrategy[list[Criterion]]:
        children = self._children if self._children is not None else st.just(EVERYONE)
        return st.lists(children, min_size=1, max_size=4)

    def draw_everyone(self) -> st.SearchStrategy[Criterion]:
        return st.just(EVERYONE)

    def draw_all(self) -> st.SearchStrategy[Criterion]:
        return self._group().map(lambda cs: all_of(*cs))

    def draw_any(self) -> st.SearchStrategy[Criterion]:
        return self._group().map(lambda cs: any_of(cs[0], *cs[1:]))

    def draw_not(self) -> st.SearchStrategy[Criterion]:
        children = self._children if self._children is not None else st.just(EVERYONE)
        return children.map(not_)

    def _days(self) -> st.SearchStrategy[int]:
        return st.sampled_from(_WINDOWS) if self._vocabulary else _days()

    def draw_keywords(self) -> st.SearchStrategy[Criterion]:
        if self._vocabulary:
            return st.sampled_from(KEYWORDS).map(Keywords)
        return _keyword_text().map(Keywords)

    def draw_tag(self) -> st.SearchStrategy[Criterion]:
        if self._vocabulary:
            return st.sampled_from(TAG_LABELS).map(HasTag)
        return st.text(min_size=1, max_size=20).filter(lambda s: bool(tag_key(s))).map(HasTag)

    def draw_language(self) -> st.SearchStrategy[Criterion]:
        if self._vocabulary:
            return st.sampled_from(LANGUAGES).map(SpeaksLanguage)
        return _non_blank_text().map(SpeaksLanguage)

    def draw_field(self) -> st.SearchStrategy[Criterion]:
        if self._vocabulary:
            return st.sampled_from(sorted(FIELD_VALUES)).flatmap(
                lambda name: st.sampled_from(FIELD_VALUES[name]).map(
                    lambda value: FieldEquals(name, value)
                )
            )
        return st.builds(FieldEquals, _non_blank_text(), _non_blank_text())

    def draw_exclude_in_selection_process(self) -> st.SearchStrategy[Criterion]:
        return st.just(ExcludeInSelectionProcess())

    def draw_profile_language_matches_requisition(self) -> st.SearchStrategy[Criterion]:
        return st.just(ProfileLanguageMatchesRequisition())

    def draw_exclude_expired_submissions(self) -> st.SearchStrategy[Criterion]:
        return st.just(ExcludeExpiredSubmissions())

    def draw_exclude_rejected_within(self) -> st.SearchStrategy[Criterion]:
        return self._days().map(ExcludeRejectedWithin)

    def draw_exclude_hired_within(self) -> st.SearchStrategy[Criterion]:
        return self._days().map(ExcludeHiredWithin)

    def draw_radius(self) -> st.SearchStrategy[Criterion]:
        return _radius_leaves(self._vocabulary)

    def draw_structure(self) -> st.SearchStrategy[Criterion]:
        return _structure_leaves(self._vocabulary)

    def draw_consent_valid(self) -> st.SearchStrategy[Criterion]:
        return st.just(ConsentValid())


_LEAF_KINDS = tuple(t.kind for t in LEAF_TYPES)


def leaves(*, vocabulary: bool = False) -> st.SearchStrategy[Criterion]:
    """Any single criterion: advanced-search leaves and every leaf of the basic set.

    With ``vocabulary=True`` the values come from the vocabulary generated worlds
    use; otherwise they are arbitrary valid values (any text, any radius).
    """
    drawer = _Drawer(vocabulary)
    return st.one_of(*(drawer.draw(kind) for kind in _LEAF_KINDS))


def criteria(*, vocabulary: bool = False, max_leaves: int = 8) -> st.SearchStrategy[Criterion]:
    """Criteria trees of up to *max_leaves* leaves, composed with AND, OR and NOT.

    Built with :func:`~talentpool.criteria.all_of`, :func:`~talentpool.criteria.any_of`
    and :func:`~talentpool.criteria.not_`, so nesting is flattened and double
    negations cancel, as in every tree a host builds or a document reads back to.
    """

    def compose(children: st.SearchStrategy[Criterion]) -> st.SearchStrategy[Criterion]:
        drawer = _Drawer(vocabulary, children)
        return st.one_of(drawer.draw("all"), drawer.draw("any"), drawer.draw("not"))

    return st.recursive(leaves(vocabulary=vocabulary), compose, max_leaves=max_leaves)


# --- saved settings -----------------------------------------------------------------


def autopool_criteria(*, vocabulary: bool = False) -> st.SearchStrategy[AutopoolCriteria]:
    """Saved autopool criteria (AP4): any basic set, with an advanced tree or none."""
    if vocabulary:
        days: st.SearchStrategy[int] = st.sampled_from(_WINDOWS)
    else:
        days = _days()
    return st.builds(
        AutopoolCriteria,
        exclude_in_selection_process=st.booleans(),
        profile_language_must_match=st.booleans(),
        exclude_expired_submissions=st.booleans(),
        exclude_rejected_within_days=st.none() | days,
        exclude_hired_within_days=st.none() | days,
        radius=st.none() | _radius_leaves(vocabulary),
        structure=st.none() | _structure_leaves(vocabulary),
        require_valid_consent=st.booleans(),
        advanced=st.just(EVERYONE) | criteria(vocabulary=vocabulary, max_leaves=4),
    )


def quick_filters() -> st.SearchStrategy[QuickFilter]:
    """Quick filters (AP8) with arbitrary ids, names and criteria."""
    return st.builds(
        QuickFilter,
        _non_blank_text().map(QuickFilterId),
        _non_blank_text(),
        criteria(max_leaves=4),
    )


def workflows() -> st.SearchStrategy[Workflow]:
    """Valid workflows: at least one non-blank step; a required motive has motives to choose."""
    steps = st.text(min_size=1, max_size=12).filter(lambda s: bool(s.strip()))
    motives = st.lists(steps, max_size=3).map(tuple)
    return st.builds(
        lambda steps, motives, motive_required, comment_required: Workflow(
            steps, motives, motive_required and bool(motives), comment_required
        ),
        st.lists(steps, min_size=1, max_size=4).map(tuple),
        motives,
        st.booleans(),
        st.booleans(),
    )


def templates() -> st.SearchStrategy[RequisitionTemplate]:
    """Requisition templates, with autopool criteria or without (AP3)."""
    node = st.none() | _non_blank_text().map(NodeId)
    return st.builds(
        RequisitionTemplate,
        id=_non_blank_text().map(TemplateId),
        name=_non_blank_text(),
        language=st.none() | _non_blank_text(),
        organization=node,
        location=node,
        job_field=node,
        workflow=workflows(),
        autopool=st.none() | autopool_criteria(),
    )


# --- events -------------------------------------------------------------------------


def repooling_rules() -> st.SearchStrategy[RepoolingRule]:
    """Repooling rules (AP12) as a system administrator could save them."""
    nodes = st.frozensets(_non_blank_text().map(NodeId), max_size=3)
    open_statuses = (SubmissionStatus.NEW, SubmissionStatus.IN_PROCESS)
    return st.builds(
        RepoolingRule,
        id=_non_blank_text().map(RepoolingRuleId),
        name=_non_blank_text(),
        inactive_after_days=st.integers(1, 3650) | st.just(MAX_WINDOW_DAYS),
        statuses=st.frozensets(st.sampled_from(open_statuses), min_size=1),
        organizations=nodes,
        locations=nodes,
        job_fields=nodes,
    )


def _tags() -> st.SearchStrategy[Tag]:
    labels = st.text(min_size=1, max_size=20).filter(lambda s: bool(tag_key(s)))
    return (st.sampled_from(TAG_LABELS) | labels).map(Tag)


def _event(kind: type[DomainEvent], **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(
        kind,
        occurred_at=aware_datetimes(),
        actor_id=st.none() | st.text(max_size=12).map(UserId),
        reason=st.text(max_size=40),
        **fields,
    )


def _colleague_shares() -> st.SearchStrategy[Share]:
    """What "share with colleague" shares: one response, or a whole position (MP11)."""
    ident = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)
    response = st.builds(
        Share, st.just(ShareKind.RESPONSE_SHARED), ident.map(RequisitionId), ident.map(SubmissionId)
    )
    position = st.builds(Share, st.just(ShareKind.POSITION_SHARED), ident.map(RequisitionId))
    return response | position


@functools.cache  # strategies are immutable; building these once is enough
def _event_strategies() -> Mapping[type[DomainEvent], st.SearchStrategy[DomainEvent]]:
    user = st.text(max_size=12).map(UserId)
    candidate = st.text(max_size=12).map(CandidateId)
    requisition = st.text(max_size=12).map(RequisitionId)
    submission = st.text(max_size=12).map(SubmissionId)
    template = st.text(max_size=12).map(TemplateId)
    step = st.text(max_size=20)
    criteria_or_none = st.none() | autopool_criteria()
    granted = (TagShareCause.CREATED_WITH_TAG, TagShareCause.TAGGED, TagShareCause.SUBSCRIBED)
    revoked = (TagShareCause.UNTAGGED, TagShareCause.UNSUBSCRIBED)
    # A grant leaves the user seeing the candidate; a revocation may leave them anything.
    seen = (AccessLevel.OWNER, AccessLevel.TAG_SHARE)
    settings = [f.name for f in attrs.fields(AccountSettings)]
    return {
        AccountSettingChanged: _event(
            AccountSettingChanged, setting=st.sampled_from(settings), enabled=st.booleans()
        ),
        # Exactly one of the template and the requisition is named.
        AutopoolCriteriaSaved: _event(
            AutopoolCriteriaSaved,
            template_id=template,
            requisition_id=st.none(),
            criteria=criteria_or_none,
            previous=criteria_or_none,
        )
        | _event(
            AutopoolCriteriaSaved,
            template_id=st.none(),
            requisition_id=requisition,
            criteria=criteria_or_none,
            previous=criteria_or_none,
        ),
        CandidateFileViewed: _event(
            CandidateFileViewed,
            candidate_id=candidate,
            requisition_id=requisition,
            other_applications_shown=st.booleans(),
        ),
        CandidateErased: _event(CandidateErased, pseudonym=st.text(max_size=16)),
        CandidateMatched: _event(
            CandidateMatched,
            candidate_id=candidate,
            requisition_id=requisition,
            submission_id=submission,
            step=step,
            from_pool=st.booleans(),
        ),
        CandidateMatchedAndRejected: _event(
            CandidateMatchedAndRejected,
            candidate_id=candidate,
            requisition_id=requisition,
            submission_id=submission,
            step=step,
            from_pool=st.booleans(),
            motives=st.lists(st.text(max_size=12), max_size=3).map(tuple),
            comment=st.text(max_size=40),
        ),
        ColleagueShareGranted: _event(
            ColleagueShareGranted,
            user_id=user,
            share=_colleague_shares(),
            candidate_ids=st.lists(candidate, max_size=3).map(tuple),
        ),
        ColleagueShareWithdrawn: _event(
            ColleagueShareWithdrawn,
            user_id=user,
            share=_colleague_shares(),
            candidate_ids=st.lists(candidate, max_size=3).map(tuple),
        ),
        QuickFilterRemoved: _event(
            QuickFilterRemoved, quick_filter_id=st.text(max_size=12).map(QuickFilterId)
        ),
        QuickFilterSaved: _event(QuickFilterSaved, quick_filter=quick_filters()),
        RepoolingRuleRemoved: _event(RepoolingRuleRemoved, rule=repooling_rules()),
        RepoolingRuleSaved: _event(
            RepoolingRuleSaved, rule=repooling_rules(), previous=st.none() | repooling_rules()
        ),
        RequisitionOpened: _event(
            RequisitionOpened,
            requisition_id=requisition,
            template_id=template,
            inherited_criteria=st.booleans(),
        ),
        SubmissionInactivated: _event(
            SubmissionInactivated,
            submission_id=submission,
            candidate_id=candidate,
            requisition_id=requisition,
            rule_id=st.text(max_size=12).map(RepoolingRuleId),
            previous_status=st.sampled_from((SubmissionStatus.NEW, SubmissionStatus.IN_PROCESS)),
            last_activity_at=aware_datetimes(),
            idle_days=st.integers(1, 3650),
        ),
        SubscriptionAdded: _event(SubscriptionAdded, user_id=user, tag=_tags()),
        SubscriptionRemoved: _event(SubscriptionRemoved, user_id=user, tag=_tags()),
        TagShareGranted: _event(
            TagShareGranted,
            user_id=user,
            candidate_id=candidate,
            micro_pool=_tags(),
            cause=st.sampled_from(granted),
            level_after=st.sampled_from(seen),
        ),
        TagShareRevoked: _event(
            TagShareRevoked,
            user_id=user,
            candidate_id=candidate,
            micro_pool=_tags(),
            cause=st.sampled_from(revoked),
            level_after=st.sampled_from(AccessLevel),
        ),
    }


def domain_events(*kinds: type[DomainEvent]) -> st.SearchStrategy[DomainEvent]:
    """Domain events of the given types, or of every type in :data:`~talentpool.events.EVENT_TYPES`.

    Every field is drawn, nested rules, tags, saved criteria and quick filters
    included, with datetimes in several zones, as a service could record them;
    what a host's event store must keep, and what
    :func:`~talentpool.audit.event_from_dict` must read back.

    Raises:
        ValueError: One of *kinds* is not an event type these strategies draw.
    """
    available = _event_strategies()
    chosen = kinds or EVENT_TYPES
    missing = [kind.__name__ for kind in chosen if kind not in available]
    if missing:
        msg = f"no strategy for {', '.join(missing)}; add one to talentpool.testing.strategies."
        raise ValueError(msg)
    return st.one_of([available[kind] for kind in chosen])


# --- documents ----------------------------------------------------------------------


def json_values(keys: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    """Anything JSON-like: null, booleans, numbers (NaN and infinities too), text, lists, objects.

    *keys* draws the keys of objects (text by default); pass another strategy to
    get objects that JSON could not hold, such as integer keys.
    """
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
    key_strategy = keys if keys is not None else st.text(max_size=8)
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(key_strategy, inner, max_size=4)
        ),
        max_leaves=12,
    )


_NEAR_MISSES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1.5,
    float("nan"),
    float("inf"),
    10**400,
    "",
    " ",
    "km",
    [],
    {},
    [{}],
    {"everyone": {}},
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(value, dict):
        for key, child in value.items():
            out.extend(_paths(child, (*here, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out.extend(_paths(child, (*here, index)))
    return out


def _at(value: Any, path: Sequence[Any]) -> Any:
    for step in path:
        value = value[step]
    return value


@st.composite
def mutated_documents(draw: st.DrawFn, documents: st.SearchStrategy[Any]) -> Any:
    """A document from *documents* with one thing broken.

    One place in it is picked, and its value replaced (by a near miss such as
    ``0``, ``NaN``, ``""`` or ``10**400``, or by any JSON-like value), removed,
    given an unknown key, or wrapped in a list. The result may happen to be valid.
    """
    doc = copy.deepcopy(draw(documents))
    paths = _paths(doc)
    path = draw(st.sampled_from(paths))
    replacement = draw(st.sampled_from(_NEAR_MISSES) | json_values())
    operation = draw(st.sampled_from(("replace", "remove", "add_key", "wrap")))
    if not path:
        return [doc] if operation == "wrap" else replacement
    parent, last = _at(doc, path[:-1]), path[-1]
    if operation == "remove":
        del parent[last]
    elif operation == "add_key" and isinstance(parent[last], dict):
        parent[last][draw(st.text(max_size=8))] = replacement
    elif operation == "wrap":
        parent[last] = [parent[last]]
    else:
        parent[last] = replacement
    return doc


# --- worlds -------------------------------------------------------------------------


@attrs.frozen
class WorldSpec:
    """A small generated account: one requisition whose pool is asked for, and its world.

    Attributes:
        now: The instant the pool is evaluated at.
        target: The requisition whose pool is asked for (id :data:`TARGET_ID`),
            with a primary location at :data:`CENTRE` and a language.
        others: The other requisitions candidates applied to.
        candidates: The candidates, ids in sorted order.
        submissions: Every submission, to the target or to the others.
        structures: The organization, location and job-field trees.
        users: The account's users, ids in sorted order: the owners of the
            requisitions, those positions and responses are shared with, and
            the trackers of tags (empty unless :func:`worlds` was asked for users).
        subscriptions: Who tracks which tag: at most one per user and tag key.
    """

    now: datetime = attrs.field(validator=aware)
    target: Requisition
    others: tuple[Requisition, ...]
    candidates: tuple[Candidate, ...]
    submissions: tuple[Submission, ...]
    structures: tuple[StructureTree, ...] = STRUCTURES
    users: tuple[User, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()

    @property
    def requisitions(self) -> dict[RequisitionId, Requisition]:
        """Every requisition by id, the target included."""
        return {r.id: r for r in (self.target, *self.others)}

    def submissions_of(self, candidate_id: CandidateId) -> tuple[Submission, ...]:
        """The submissions of one candidate."""
        return tuple(s for s in self.submissions if s.candidate_id == candidate_id)

    def load(self, uow: FixtureStore) -> None:
        """Save the whole world into *uow*'s repositories and commit it.

        Everything is saved after what it refers to, so a store with foreign
        keys takes it: the users, the trees, the candidates, the requisitions
        (whose owners and shares name users and pool exclusions name
        candidates), the submissions, then the subscriptions.
        """
        with uow:
            for user in self.users:
                uow.users.save(user)
            for tree in self.structures:
                uow.structures.save(tree)
            for candidate in self.candidates:
                uow.candidates.save(candidate)
            for requisition in (self.target, *self.others):
                uow.requisitions.save(requisition)
            for submission in self.submissions:
                uow.submissions.save(submission)
            for subscription in self.subscriptions:
                uow.subscriptions.save(subscription)
            uow.commit()


def _ago(now: datetime, days: int, seconds: int) -> datetime:
    return now - timedelta(days=days, seconds=seconds)


# The strategies a world is drawn from are built once: building them afresh for
# every candidate and submission made hypothesis validate each again, which was
# most of the time a property test on worlds took.
_CONSENT_KINDS = st.sampled_from(("none", "open", "expires", "withdrawn"))
_CONSENT_DAYS = st.integers(-3, 3)
_SECOND_NUDGES = st.sampled_from((-1, 0, 1))


@st.composite
def _consents(draw: st.DrawFn, now: datetime) -> Consent | None:
    kind = draw(_CONSENT_KINDS)
    if kind == "none":
        return None
    given = now - timedelta(days=400)
    if kind == "open":
        return Consent(given)
    shift = timedelta(days=draw(_CONSENT_DAYS), seconds=draw(_SECOND_NUDGES))
    if kind == "expires":
        return Consent(given, expires_at=now + shift)
    return Consent(given, withdrawn_at=now + shift)


_NEAR = st.builds(
    GeoPoint,
    st.floats(CENTRE.latitude - 0.6, CENTRE.latitude + 0.6),
    st.floats(CENTRE.longitude - 0.9, CENTRE.longitude + 0.9),
)
_RESIDENCES = st.none() | _NEAR | st.just(CENTRE)
_FIELD_NAMES = st.lists(st.sampled_from(sorted(FIELD_VALUES)), unique=True)
_FIELD_VALUE = {name: st.sampled_from(values) for name, values in FIELD_VALUES.items()}
_GIVEN_NAMES = st.sampled_from(_GIVEN)
_FAMILY_NAMES = st.sampled_from(_FAMILY)
_CITY = st.none() | st.sampled_from(_CITIES)
_PROFILE_LANGUAGE = st.none() | st.sampled_from(LANGUAGES)
_SPOKEN = st.frozensets(st.sampled_from(LANGUAGES), max_size=3)
_CANDIDATE_TAGS = st.frozensets(st.sampled_from(TAG_LABELS).map(Tag), max_size=3)
_TEXT = st.lists(st.sampled_from(TEXT_WORDS), max_size=5)


@st.composite
def _candidates(draw: st.DrawFn, index: int, now: datetime) -> Candidate:
    field_names = draw(_FIELD_NAMES)
    return Candidate(
        CandidateId(f"cand-{index:02d}"),
        draw(_GIVEN_NAMES),
        draw(_FAMILY_NAMES),
        now - timedelta(days=500),
        city=draw(_CITY),
        residence=draw(_RESIDENCES),
        profile_language=draw(_PROFILE_LANGUAGE),
        languages=draw(_SPOKEN),
        tags=draw(_CANDIDATE_TAGS),
        fields={name: draw(_FIELD_VALUE[name]) for name in field_names},
        text=" ".join(draw(_TEXT)),
        consent=draw(_consents(now)),
    )


# Whole days, nudged by a second either way, so windows of 1, 7, 14, 30 and 60
# days are hit exactly on their edges as well as just inside and outside.
_NUDGE = st.sampled_from((-1, 0, 0, 1))
_SUBMITTED_DAYS = st.integers(0, 90)
_CHANGED_DAYS = st.sampled_from((*_WINDOWS, 0, 2)) | st.integers(0, 90)
_EXPIRY_DAYS = st.integers(-30, 30)
_STATUSES = st.sampled_from(SubmissionStatus)


@st.composite
def _submissions(
    draw: st.DrawFn,
    index: int,
    candidate_id: CandidateId,
    requisition_id: RequisitionId,
    now: datetime,
) -> Submission:
    submitted_days = draw(_SUBMITTED_DAYS)
    submitted = _ago(now, submitted_days, max(0, draw(_NUDGE)))
    changed_days = draw(_CHANGED_DAYS)
    changed = max(submitted, _ago(now, changed_days, draw(_NUDGE)))
    changed = min(changed, now)
    expires: datetime | None = None
    if draw(st.booleans()):
        expires = now + timedelta(days=draw(_EXPIRY_DAYS), seconds=draw(_NUDGE))
    return Submission(
        SubmissionId(f"sub-{index:03d}"),
        candidate_id,
        requisition_id,
        submitted,
        draw(_STATUSES),
        status_changed_at=changed,
        last_activity_at=changed,
        expires_at=expires,
    )


_NODE_OR_NONE = {
    dimension: st.none() | st.sampled_from(_nodes(_tree(dimension))) for dimension in Dimension
}


def _node_or_none(dimension: Dimension) -> st.SearchStrategy[NodeId | None]:
    return _NODE_OR_NONE[dimension]


_REQUISITION_LANGUAGE = st.sampled_from(LANGUAGES)
_PRIMARY_LOCATION = st.none() | st.just(CENTRE)


@st.composite
def _requisitions(draw: st.DrawFn, requisition_id: RequisitionId, now: datetime) -> Requisition:
    return Requisition(
        requisition_id,
        f"Position {requisition_id}",
        now - timedelta(days=120),
        language=draw(_REQUISITION_LANGUAGE),
        primary_location=draw(_PRIMARY_LOCATION),
        organization=draw(_node_or_none(Dimension.ORGANIZATION)),
        location=draw(_node_or_none(Dimension.LOCATION)),
        job_field=draw(_node_or_none(Dimension.JOB_FIELD)),
    )


_APPLICATIONS = st.integers(1, 3)
_ONE_IN_SIX = st.integers(0, 5)


@st.composite
def worlds(
    draw: st.DrawFn,
    *,
    now: datetime = DEFAULT_NOW,
    min_candidates: int = 2,
    max_candidates: int = 8,
    max_requisitions: int = 3,
    max_users: int = 0,
) -> WorldSpec:
    """Small accounts around :data:`CENTRE` for property tests.

    From *min_candidates* to *max_candidates* candidates living within roughly
    70 km of the centre (or nowhere known), each with one to three submissions
    (never two to one requisition),
    mostly to up to *max_requisitions* other requisitions and now and then to
    the target (which takes them out of its universe); statuses, expiries,
    consents and timestamps are drawn to land on, just inside and just outside
    the windows the vocabulary criteria use. The target has a primary location
    at :data:`CENTRE` and a language, so every vocabulary criterion can be
    evaluated for it; now and then a candidate is in its pool exclusions.

    With *max_users* above zero the account also has one to *max_users* users:
    administrators, recruiters and hiring managers, a few holding
    ``SEE_WHOLE_DATABASE``, who own requisitions, have positions and responses
    shared with them and track tags, among them tags nobody carries; the
    candidates then entered the database at instants full of ties, written in
    several zones (Prague's repeated autumn hour among them). Without users
    nothing more is drawn, so those worlds are the same as before.
    """
    n_others = draw(st.integers(1, max_requisitions))
    others = tuple(
        draw(_requisitions(RequisitionId(f"req-{i}"), now)) for i in range(1, n_others + 1)
    )
    n_candidates = draw(st.integers(min_candidates, max_candidates))
    candidates = tuple(draw(_candidates(i, now)) for i in range(n_candidates))
    other_ids = [r.id for r in others]
    submissions: list[Submission] = []
    for candidate in candidates:
        applied: set[RequisitionId] = set()
        for _ in range(draw(_APPLICATIONS)):
            # one draw in six goes to the target, and the simplest (shrunk) draw does not
            on_target = draw(_ONE_IN_SIX) == 5
            where = TARGET_ID if on_target else draw(st.sampled_from(other_ids))
            if where in applied:
                continue  # one submission per candidate and requisition, as hosts store them
            applied.add(where)
            submissions.append(draw(_submissions(len(submissions), candidate.id, where, now)))
    ids = [c.id for c in candidates]
    excluded = draw(st.frozensets(st.sampled_from(ids), max_size=1)) if ids else frozenset()
    target = Requisition(
        TARGET_ID,
        "Cashier, Praha",
        now - timedelta(days=10),
        language=draw(_REQUISITION_LANGUAGE),
        primary_location=CENTRE,
        organization=draw(_node_or_none(Dimension.ORGANIZATION)),
        location=draw(_node_or_none(Dimension.LOCATION)),
        job_field=draw(_node_or_none(Dimension.JOB_FIELD)),
        pool_exclusions=excluded,
    )
    spec = WorldSpec(now, target, others, candidates, tuple(submissions))
    if max_users < 1:
        return spec
    return draw(_with_users(spec, max_users))


# About one user in six is an administrator, and about one in six of the rest holds
# SEE_WHOLE_DATABASE: most users see their own candidates and their micro-pools.
_USER_ROLES = (
    Role.HIRING_MANAGER,
    Role.RECRUITER,
    Role.HIRING_MANAGER,
    Role.RECRUITER,
    Role.HIRING_MANAGER,
    Role.ADMINISTRATOR,
)
_CREATED_DAYS_AGO = (500, 500, 200, 30, 30, 0)
# Prague's repeated autumn hour: 02:45 summer time comes 45 minutes before 02:30
# winter time, though its wall clock reads later; only instants compared in UTC say so.
_REPEATED_HOUR = (
    datetime(2025, 10, 26, 2, 45, tzinfo=ZoneInfo("Europe/Prague")),
    datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Prague")),
)


_ROLES = st.sampled_from(_USER_ROLES)
_OTHER_PERMISSIONS = st.frozensets(
    st.sampled_from([p for p in Permission if p is not Permission.SEE_WHOLE_DATABASE]),
    max_size=2,
)


@st.composite
def _permissions(draw: st.DrawFn) -> frozenset[Permission]:
    whole = draw(_ONE_IN_SIX) == 5
    others = draw(_OTHER_PERMISSIONS)
    return others | {Permission.SEE_WHOLE_DATABASE} if whole else others


_PERMISSIONS = _permissions()
_CREATED_AGO = st.sampled_from(_CREATED_DAYS_AGO)
_CREATED_ZONES = st.sampled_from(_ZONES)
_CREATED_REPEATED = st.sampled_from(_REPEATED_HOUR)
_SOME_TRACKED = st.lists(
    st.sampled_from((*TAG_LABELS, *UNCARRIED_TAG_LABELS)).map(Tag),
    min_size=1,
    max_size=3,
    unique_by=lambda t: t.key,
)
# Two users in three track a tag or more; the third tracks none.
_NONE_TRACKED: list[Tag] = []
_TRACKED_LABELS = st.one_of(_SOME_TRACKED, _SOME_TRACKED, st.just(_NONE_TRACKED))


@st.composite
def _created(draw: st.DrawFn, now: datetime) -> datetime:
    """When a candidate entered the database: many ties, one instant in several zones."""
    if draw(st.integers(0, 4)) == 4:
        return draw(_CREATED_REPEATED)
    return (now - timedelta(days=draw(_CREATED_AGO))).astimezone(draw(_CREATED_ZONES))


@st.composite
def _with_users(draw: st.DrawFn, spec: WorldSpec, max_users: int) -> WorldSpec:
    """*spec* with users who own, share and track: who sees which candidate (MP1, MP2).

    Each user is an administrator, a recruiter or a hiring manager, with a few
    permissions (``SEE_WHOLE_DATABASE`` among them, now and then); each
    requisition may have an owner and be shared with users; each submission may
    be shared with users ("share with colleague"); each user tracks a few tags,
    spelled as :data:`TAG_LABELS` spell them or from :data:`UNCARRIED_TAG_LABELS`,
    at most one per tag key, set up by nobody or by an administrator.
    """
    now = spec.now
    users = tuple(
        User(
            UserId(f"user-{i}"),
            f"User {i}",
            draw(_ROLES),
            draw(_PERMISSIONS),
        )
        for i in range(draw(st.integers(1, max_users)))
    )
    ids = st.sampled_from([u.id for u in users])
    # Sparse: most positions reach one user or none, so that a user owns some
    # candidates and sees others only through the tags they track.
    nobody: frozenset[UserId] = frozenset()
    some = st.one_of(st.just(nobody), st.just(nobody), st.frozensets(ids, max_size=2))

    def placed(requisition: Requisition) -> Requisition:
        return attrs.evolve(requisition, owner_id=draw(st.none() | ids), shared_with=draw(some))

    submissions = tuple(
        attrs.evolve(s, shared_with=draw(some)) if draw(_ONE_IN_SIX) == 5 else s
        for s in spec.submissions
    )
    candidates = tuple(attrs.evolve(c, created_at=draw(_created(now))) for c in spec.candidates)
    admins = [u.id for u in users if u.is_administrator]
    creator = (st.none() | st.sampled_from(admins)) if admins else st.none()
    subscriptions = tuple(
        Subscription(user.id, tag, now, draw(creator))
        for user in users
        for tag in draw(_TRACKED_LABELS)
    )
    return attrs.evolve(
        spec,
        target=placed(spec.target),
        others=tuple(placed(r) for r in spec.others),
        candidates=candidates,
        submissions=submissions,
        users=users,
        subscriptions=subscriptions,
    )


# --- results ------------------------------------------------------------------------


def pool_rows(max_size: int = 12) -> st.SearchStrategy[list[PoolRow]]:
    """Lists of result rows with distinct candidate ids and many ties and unknown values."""
    moments = st.none() | st.sampled_from([DEFAULT_NOW - timedelta(days=d) for d in (0, 1, 1, 5)])
    names = st.sampled_from([("novak", "jana"), ("novak", "eva"), ("dvorak", "petr")])
    row = st.builds(
        PoolRow,
        candidate_id=st.sampled_from([f"c{i:02d}" for i in range(30)]).map(CandidateId),
        name=st.just("someone"),
        sort_name=names,
        city=st.none() | st.sampled_from(["Praha", "praha", "Brno", "Žilina", "Zilina"]),
        distance_km=st.none() | st.sampled_from([0.0, 1.5, 1.5, 12.0]),
        latest_submission_at=moments,
        last_activity_at=moments,
    )
    return st.lists(row, max_size=max_size, unique_by=lambda r: r.candidate_id)
