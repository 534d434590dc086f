"""The domain model: DM1 entities, DM2 tags, DM3 aware timestamps, DM5 submissions.

Also consent (AP14) and the structure trees of AP4, which the criteria stand on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.autopool import Autopooling
from talentpool.clock import FixedClock
from talentpool.errors import DomainError
from talentpool.events import DomainEvent
from talentpool.geo import GeoPoint, Radius
from talentpool.ids import (
    AttachmentId,
    CandidateId,
    NodeId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.model import (
    AccountSettings,
    Attachment,
    Candidate,
    Consent,
    Dimension,
    Permission,
    Rejection,
    Requisition,
    RequisitionTemplate,
    Role,
    StructureTree,
    Submission,
    SubmissionStatus,
    Subscription,
    Tag,
    User,
    Workflow,
)
from talentpool.ports import CandidateQuery
from talentpool.tags import MAX_TAG_LENGTH
from talentpool.testing import World
from talentpool.text import tag_key

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PRAGUE = ZoneInfo("Europe/Prague")
NAIVE = datetime(2026, 11, 2, 9, 0)


def candidate(**changes: Any) -> Candidate:
    fields: dict[str, Any] = {
        "id": CandidateId("c1"),
        "given_name": "Eva",
        "family_name": "Nováková",
        "created_at": NOW,
    }
    fields.update(changes)
    return Candidate(**fields)


def requisition(**changes: Any) -> Requisition:
    fields: dict[str, Any] = {"id": RequisitionId("r1"), "title": "Cashier", "created_at": NOW}
    fields.update(changes)
    return Requisition(**fields)


def submission(**changes: Any) -> Submission:
    fields: dict[str, Any] = {
        "id": SubmissionId("s1"),
        "candidate_id": CandidateId("c1"),
        "requisition_id": RequisitionId("r1"),
        "submitted_at": NOW - timedelta(days=3),
    }
    fields.update(changes)
    return Submission(**fields)


# --- DM1: entities are immutable values ------------------------------------------------

ENTITIES: list[tuple[object, str, object]] = [
    (Tag("Praha"), "label", "Brno"),
    (User(UserId("u1"), "Eva"), "name", "Jana"),
    (candidate(), "given_name", "Jana"),
    (Consent(NOW), "given_at", NOW - timedelta(days=1)),
    (requisition(), "title", "Barista"),
    (RequisitionTemplate(TemplateId("t1"), "Retail"), "name", "Logistics"),
    (submission(), "status", SubmissionStatus.HIRED),
    (Rejection(("Other",), "no"), "comment", "yes"),
    (Attachment(AttachmentId("a1"), CandidateId("c1"), "cv.pdf", NOW), "filename", "cv2.pdf"),
    (Workflow(), "steps", ("New", "Hired")),
    (AccountSettings(), "autopool_enabled", True),
    (GeoPoint(50.0, 14.0), "latitude", 49.0),
    (Radius(10), "distance", 20),
]


@pytest.mark.parametrize(("entity", "field", "value"), ENTITIES, ids=lambda v: type(v).__name__)
def test_dm1_entities_are_frozen(entity: object, field: str, value: object) -> None:
    """DM1: assigning to a field raises and leaves the entity as it was."""
    before = getattr(entity, field)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(entity, field, value)
    assert getattr(entity, field) == before


@pytest.mark.parametrize(("entity", "field", "value"), ENTITIES, ids=lambda v: type(v).__name__)
def test_dm1_entities_are_slotted(entity: object, field: str, value: object) -> None:
    """DM1: entities are slotted, so a misspelt attribute cannot be added either."""
    assert not hasattr(entity, "__dict__")
    with pytest.raises(AttributeError):
        entity.no_such_field = 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(("entity", "field", "value"), ENTITIES, ids=lambda v: type(v).__name__)
def test_dm1_evolve_makes_a_changed_copy(entity: object, field: str, value: object) -> None:
    """DM1: a change is a new object; the original is untouched."""
    before = getattr(entity, field)
    changed = attrs.evolve(entity, **{field: value})  # type: ignore[misc]
    assert getattr(changed, field) == value
    assert getattr(entity, field) == before
    assert changed is not entity


def test_dm1_evolve_still_validates() -> None:
    """DM1: evolve runs the validators, so it cannot smuggle in a naive timestamp."""
    with pytest.raises(DomainError) as caught:
        attrs.evolve(candidate(), created_at=NAIVE)
    assert caught.value.field == "created_at"


def test_dm1_evolving_a_tag_recomputes_its_key() -> None:
    """DM1, DM2: the key is derived, so an evolved tag compares by its new label."""
    assert attrs.evolve(Tag("Praha"), label="BRNO") == Tag("brno")


# --- DM2: tag identity ----------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling", ["Praha", " praha ", "PRAHA", "praha\t", "\n pRaHa", "ＰＲＡＨＡ", "\u00a0Praha"]
)
def test_dm2_spellings_of_one_tag_are_equal(spelling: str) -> None:
    """DM2: "Praha", " praha ", "PRAHA" (and full-width letters, by NFKC) are one tag."""
    assert Tag(spelling) == Tag("Praha")
    assert hash(Tag(spelling)) == hash(Tag("Praha"))
    assert Tag(spelling).key == "praha"


def test_dm2_one_tag_in_a_set() -> None:
    """DM2: a set (and a candidate's tags) hold one tag for all its spellings."""
    assert len({Tag("Praha"), Tag(" praha "), Tag("PRAHA")}) == 1
    c = candidate(tags=["Praha", "PRAHA", " praha", "Brno"])
    assert len(c.tags) == 2
    assert c.has_tag("  pRAHA ")
    assert c.has_tag(Tag("brno"))
    assert not c.has_tag("Kladno")


def test_dm2_label_is_kept_for_display() -> None:
    """DM2: the label keeps the typed case; only surrounding and repeated spaces go."""
    assert Tag("PRAHA").label == "PRAHA"
    assert Tag(" praha ").label == "praha"
    assert Tag("  Prepare   contract ").label == "Prepare contract"
    assert str(Tag("Žilina")) == "Žilina"


def test_dm2_inner_whitespace_is_collapsed() -> None:
    """DM2: any run of whitespace inside a tag counts as one space."""
    assert Tag("prepare   contract") == Tag("Prepare\tContract")
    assert Tag("prepare contract") != Tag("preparecontract")


def test_dm2_nfkc_compatibility_forms() -> None:
    """DM2: NFKC folds ligatures, full-width letters and composed/decomposed accents."""
    assert Tag("ﬁle") == Tag("file")  # the "fi" ligature
    assert Tag("ｃａｌｌ") == Tag("call")  # full-width
    assert Tag("Z\u030cilina") == Tag("Žilina")  # Z + combining caron
    assert Tag("Straße") == Tag("STRASSE")  # case folding, not lower()


def test_dm2_accents_are_part_of_a_tag() -> None:
    """DM2: the rule is NFKC + case-folding, not accent stripping: Žilina is not Zilina."""
    assert Tag("Žilina") != Tag("Zilina")


@pytest.mark.parametrize("blank", ["", " ", "\t\n", "\u3000", "\u00a0 "])
def test_dm2_blank_tag_is_refused(blank: str) -> None:
    """DM2: a blank tag (also ideographic and no-break spaces) is a DomainError naming the field."""
    with pytest.raises(DomainError) as caught:
        Tag(blank)
    assert caught.value.field == "tag"
    assert "'tag'" in str(caught.value)
    assert "blank" in str(caught.value)


def test_dm2_non_string_tag_is_refused() -> None:
    """DM2: a tag label must be text."""
    with pytest.raises(DomainError) as caught:
        Tag(42)  # type: ignore[arg-type]
    assert caught.value.field == "tag"


def test_dm2_blank_tag_on_a_candidate_is_refused() -> None:
    """DM2: a candidate cannot carry a blank tag either."""
    with pytest.raises(DomainError, match="'tags'"):  # the candidate's field
        candidate(tags=["Praha", "  "])


def test_dm2_tags_must_be_a_collection_not_one_string() -> None:
    """DM2: passing one string as the tags (which would be split into letters) is refused."""
    with pytest.raises(DomainError) as caught:
        candidate(tags="Praha")
    assert caught.value.field == "tags"


@given(st.text(max_size=MAX_TAG_LENGTH).filter(lambda s: bool(tag_key(s))))
def test_dm2_key_is_a_fixed_point(label: str) -> None:
    """DM2: a tag made from another tag's key is the same tag (the key is normal)."""
    tag = Tag(label)
    assert Tag(tag.key) == tag
    assert Tag(tag.label) == tag


@given(
    st.text(max_size=MAX_TAG_LENGTH).filter(lambda s: bool(tag_key(s))),
    st.sampled_from([" ", "\t", "\n", "  "]),
)
def test_dm2_surrounding_whitespace_never_matters(label: str, pad: str) -> None:
    """DM2: padding a label with whitespace never changes the tag."""
    assert Tag(pad + label + pad) == Tag(label)


# --- DM3: every timestamp is aware; naive ones are refused, naming the field ----------

NaiveCase = tuple[str, Callable[[datetime], object]]

NAIVE_CASES: list[NaiveCase] = [
    ("created_at", lambda t: candidate(created_at=t)),
    ("created_at", lambda t: requisition(created_at=t)),
    ("submitted_at", lambda t: submission(submitted_at=t)),
    ("status_changed_at", lambda t: submission(status_changed_at=t)),
    ("last_activity_at", lambda t: submission(last_activity_at=t)),
    ("expires_at", lambda t: submission(expires_at=t)),
    ("given_at", Consent),
    ("expires_at", lambda t: Consent(NOW, expires_at=t)),
    ("withdrawn_at", lambda t: Consent(NOW, withdrawn_at=t)),
    ("uploaded_at", lambda t: Attachment(AttachmentId("a"), CandidateId("c"), "cv.pdf", t)),
    ("created_at", lambda t: Subscription(UserId("u"), Tag("Praha"), t)),
    ("current", FixedClock),
    ("when", lambda t: FixedClock(NOW).set(t)),
    ("occurred_at", lambda t: DomainEvent(occurred_at=t, actor_id=None)),
    ("now", lambda t: CandidateQuery(requisition(), t)),
]


@pytest.mark.parametrize(("field", "make"), NAIVE_CASES, ids=[f for f, _ in NAIVE_CASES])
def test_dm3_naive_datetime_is_refused_naming_the_field(
    field: str, make: Callable[[datetime], object]
) -> None:
    """DM3: a naive datetime raises DomainError whose field and message name the field."""
    with pytest.raises(DomainError) as caught:
        make(NAIVE)
    assert caught.value.field == field
    assert caught.value.value == NAIVE
    assert f"'{field}'" in str(caught.value)
    assert "naive" in str(caught.value)


@pytest.mark.parametrize(("field", "make"), NAIVE_CASES, ids=[f for f, _ in NAIVE_CASES])
def test_dm3_aware_datetime_in_any_zone_is_accepted(
    field: str, make: Callable[[datetime], object]
) -> None:
    """DM3: the same instant written in Prague time is accepted by every entity."""
    make(NOW.astimezone(PRAGUE))


@pytest.mark.parametrize(("field", "make"), NAIVE_CASES[:3], ids=[f for f, _ in NAIVE_CASES[:3]])
def test_dm3_a_string_is_not_a_timestamp(field: str, make: Callable[[Any], object]) -> None:
    """DM3: an ISO string is refused too, not parsed behind the caller's back."""
    with pytest.raises(DomainError, match="must be a datetime"):
        make("2026-11-02T09:00:00+00:00")


def test_dm3_an_offset_free_tzinfo_counts_as_naive() -> None:
    """DM3: a tzinfo whose utcoffset() is None does not make a datetime aware."""

    class Floating(tzinfo):
        def utcoffset(self, dt: datetime | None) -> None:
            return None

    floating = datetime(2026, 11, 2, 9, 0, tzinfo=Floating())
    with pytest.raises(DomainError, match="naive"):
        candidate(created_at=floating)


# --- DM5: submissions ------------------------------------------------------------------


def test_dm5_statuses() -> None:
    """DM5: new, in selection process, rejected, hired, withdrawn and inactive exist."""
    assert {s.value for s in SubmissionStatus} >= {
        "new",
        "in_process",
        "rejected",
        "hired",
        "withdrawn",
        "inactive",
    }
    assert {s for s in SubmissionStatus if s.is_open} == {
        SubmissionStatus.NEW,
        SubmissionStatus.IN_PROCESS,
    }


def test_dm5_timestamps_default_from_submission() -> None:
    """DM5: a new submission's status change and last activity default to when it was made."""
    s = submission()
    assert s.status_changed_at == s.submitted_at
    assert s.last_activity_at == s.submitted_at
    changed = submission(status_changed_at=NOW - timedelta(days=1))
    assert changed.last_activity_at == NOW - timedelta(days=1)


def test_dm5_expiry_instant_counts_as_expired() -> None:
    """DM5, AP6: a submission is expired from its expiry instant on, not a moment later."""
    s = submission(expires_at=NOW)
    assert s.is_expired(NOW)
    assert not s.is_expired(NOW - timedelta(microseconds=1))
    assert s.is_expired(NOW + timedelta(days=400))


def test_dm5_no_expiry_never_expires() -> None:
    """DM5: a submission without an expiry never expires."""
    assert not submission().is_expired(NOW + timedelta(days=36_500))


def test_dm5_expiry_compares_instants_across_zones() -> None:
    """DM5: an expiry written in Prague time compares with a UTC clock by instant."""
    expires = datetime(2026, 11, 2, 10, 0, tzinfo=PRAGUE)  # 09:00 UTC
    s = submission(expires_at=expires)
    assert s.is_expired(NOW)
    assert not s.is_expired(NOW - timedelta(seconds=1))


def test_dm5_expiry_in_the_repeated_autumn_hour() -> None:
    """DM5: in the hour that repeats on 25 Oct 2026, order is by instant, not wall clock.

    02:45 summer time (00:45 UTC) comes before 02:30 winter time (01:30 UTC), so
    a submission expiring at the first is expired at the second.
    """
    expires = datetime(2026, 10, 25, 2, 45, tzinfo=PRAGUE, fold=0)
    now = datetime(2026, 10, 25, 2, 30, tzinfo=PRAGUE, fold=1)
    assert expires.utcoffset() == timedelta(hours=2)
    assert now.utcoffset() == timedelta(hours=1)
    assert submission(expires_at=expires).is_expired(now)


@pytest.mark.parametrize("status", list(SubmissionStatus), ids=lambda s: s.value)
def test_dm5_only_open_unexpired_submissions_are_active(status: SubmissionStatus) -> None:
    """DM5, AP6: active = new or in process and unexpired; every other status is not active."""
    open_ = status in (SubmissionStatus.NEW, SubmissionStatus.IN_PROCESS)
    assert submission(status=status).is_active(NOW) is open_
    assert submission(status=status, expires_at=NOW + timedelta(seconds=1)).is_active(NOW) is open_
    assert not submission(status=status, expires_at=NOW).is_active(NOW)


# --- consent (AP14) -----------------------------------------------------------------


def test_ap14_consent_without_end_is_valid() -> None:
    """AP14: consent given and neither expired nor withdrawn holds."""
    assert Consent(NOW - timedelta(days=700)).is_valid(NOW)


def test_ap14_consent_expiry_boundary() -> None:
    """AP14: consent lapses at its expiry instant; a microsecond earlier it holds."""
    consent = Consent(NOW - timedelta(days=700), expires_at=NOW)
    assert not consent.is_valid(NOW)
    assert consent.is_valid(NOW - timedelta(microseconds=1))


def test_ap14_consent_withdrawal_boundary() -> None:
    """AP14: consent withdrawn at (or before) now is invalid; a future withdrawal is not yet."""
    assert not Consent(NOW - timedelta(days=7), withdrawn_at=NOW).is_valid(NOW)
    assert not Consent(NOW - timedelta(days=7), withdrawn_at=NOW - timedelta(days=1)).is_valid(NOW)
    assert Consent(NOW - timedelta(days=7), withdrawn_at=NOW + timedelta(seconds=1)).is_valid(NOW)


def test_ap14_withdrawal_wins_over_a_later_expiry() -> None:
    """AP14: a withdrawn consent stays invalid even though it has not expired."""
    consent = Consent(
        NOW - timedelta(days=7),
        expires_at=NOW + timedelta(days=300),
        withdrawn_at=NOW - timedelta(hours=1),
    )
    assert not consent.is_valid(NOW)


# --- users and other entities ------------------------------------------------------------


def test_blank_names_are_refused_naming_the_field() -> None:
    """DM1: blank names and titles raise DomainError naming the field."""
    cases: list[tuple[str, Callable[[], object]]] = [
        ("name", lambda: User(UserId("u"), "  ")),
        ("title", lambda: requisition(title="")),
        ("name", lambda: RequisitionTemplate(TemplateId("t"), "\t")),
        ("filename", lambda: Attachment(AttachmentId("a"), CandidateId("c"), " ", NOW)),
    ]
    for field, make in cases:
        with pytest.raises(DomainError) as caught:
            make()
        assert caught.value.field == field


def test_administrators_hold_every_permission() -> None:
    """DM1: an administrator has every permission; others only those granted."""
    admin = User(UserId("a"), "Admin", Role.ADMINISTRATOR)
    manager = User(UserId("m"), "Manager", permissions=[Permission.MATCH_CANDIDATES])
    assert all(admin.has(p) for p in Permission)
    assert manager.has(Permission.MATCH_CANDIDATES)
    assert not manager.has(Permission.DEFINE_AUTOPOOL_CRITERIA)
    assert isinstance(manager.permissions, frozenset)


def test_languages_compare_case_insensitively() -> None:
    """DM1: language codes are stored trimmed and case-folded."""
    c = candidate(profile_language=" CS ", languages=["DE", "en", "de"])
    assert c.profile_language == "cs"
    assert c.languages == frozenset({"de", "en"})
    assert requisition(language="SK").language == "sk"
    with pytest.raises(DomainError) as caught:
        candidate(languages="de")
    assert caught.value.field == "languages"
    with pytest.raises(DomainError) as caught:
        requisition(language="  ")
    assert caught.value.field == "language"


def test_candidate_fields_are_named_case_insensitively() -> None:
    """DM1: profile field names are case-folded; values must be strings."""
    c = candidate(fields={"Driving_Licence": "B"})
    assert c.field("driving_licence") == "B"
    assert c.field(" DRIVING_LICENCE ") == "B"
    assert c.field("shift") is None
    with pytest.raises(DomainError) as caught:
        candidate(fields={"shift": 3})
    assert caught.value.field == "fields.shift"
    with pytest.raises(DomainError):
        candidate(fields={" ": "x"})


def test_candidate_searchable_text_and_names() -> None:
    """AP4: keywords search names, city, field values and the profile text."""
    c = candidate(city="Žilina", fields={"shift": "night"}, text="Forklift driver")
    assert c.name == "Eva Nováková"
    assert c.sort_name == ("novakova", "eva")
    assert {"eva", "novakova", "zilina", "night", "forklift", "driver"} <= c.words


def test_candidate_with_tags_replaces_them() -> None:
    """DM1: with_tags returns a copy carrying exactly the given tags."""
    c = candidate(tags=["Praha"])
    d = c.with_tags(["call"])
    assert d.tags == frozenset({Tag("call")})
    assert c.tags == frozenset({Tag("Praha")})


def test_requisition_nodes_by_dimension() -> None:
    """AP4: a requisition names one node in each structure tree."""
    r = requisition(
        organization=NodeId("retail"), location=NodeId("praha"), job_field=NodeId("cashier")
    )
    assert r.node(Dimension.ORGANIZATION) == "retail"
    assert r.node(Dimension.LOCATION) == "praha"
    assert r.node(Dimension.JOB_FIELD) == "cashier"
    assert requisition().node(Dimension.LOCATION) is None


def test_workflow_needs_a_step() -> None:
    """DM1: a workflow has at least one step; a match lands on the first."""
    assert Workflow(("Applied", "Interview")).first_step == "Applied"
    with pytest.raises(DomainError) as caught:
        Workflow(())
    assert caught.value.field == "steps"


def test_account_settings_default_off() -> None:
    """AP1, AP10, AP14: autopooling, match-and-reject and enforced consent are off by default."""
    settings = AccountSettings()
    assert not settings.autopool_enabled
    assert not settings.match_and_reject_enabled
    assert not settings.enforce_consent


# --- structure trees (AP4) -------------------------------------------------------------

LOCATIONS = StructureTree(
    Dimension.LOCATION,
    {"cz": None, "praha": "cz", "praha-1": "praha", "brno": "cz", "sk": None},
    names={NodeId("cz"): "Czechia"},
)


def test_structure_lineage_is_nearest_first() -> None:
    """AP4: a node's lineage is itself, then its parent, up to the root."""
    assert LOCATIONS.lineage(NodeId("praha-1")) == ("praha-1", "praha", "cz")
    assert LOCATIONS.lineage(NodeId("sk")) == ("sk",)


def test_structure_at_or_below() -> None:
    """AP4: a node matches a selection of itself or of any ancestor, never of a sibling or child."""
    assert LOCATIONS.is_at_or_below(NodeId("praha-1"), [NodeId("cz")])
    assert LOCATIONS.is_at_or_below(NodeId("praha"), [NodeId("praha")])
    assert not LOCATIONS.is_at_or_below(NodeId("praha"), [NodeId("praha-1")])
    assert not LOCATIONS.is_at_or_below(NodeId("brno"), [NodeId("praha")])
    assert not LOCATIONS.is_at_or_below(NodeId("sk"), [NodeId("cz")])
    assert not LOCATIONS.is_at_or_below(None, [NodeId("cz")])
    assert LOCATIONS.is_at_or_below(NodeId("brno"), [NodeId("sk"), NodeId("cz")])


def test_structure_names_and_membership() -> None:
    """AP4: display names fall back to the id; `in` tells known nodes."""
    assert LOCATIONS.name(NodeId("cz")) == "Czechia"
    assert LOCATIONS.name(NodeId("brno")) == "brno"
    assert "praha" in LOCATIONS
    assert "wien" not in LOCATIONS


def test_structure_unknown_parent_is_refused() -> None:
    """AP4: a node whose parent is not in the tree is a DomainError naming node and parent."""
    with pytest.raises(DomainError) as caught:
        StructureTree(Dimension.LOCATION, {"praha": "cz"})
    assert caught.value.field == "location.praha"
    assert caught.value.value == "cz"
    assert "is not a node" in str(caught.value)


@pytest.mark.parametrize(
    "parents",
    [{"a": "a"}, {"a": "b", "b": "a"}, {"root": None, "a": "c", "b": "a", "c": "b"}],
    ids=["self", "two", "three"],
)
def test_structure_cycles_are_refused(parents: dict[str, str | None]) -> None:
    """AP4: a cycle is refused when the tree is built, not found later at query time."""
    with pytest.raises(DomainError, match="cycle"):
        StructureTree(Dimension.ORGANIZATION, parents)


# --- review fixes: enum values as strings, booleans, workflows ---------------------------


def test_dm1_account_settings_refuse_non_bool_switches() -> None:
    """AP1: ``"false"`` is truthy; a non-bool switch is a DomainError naming the field."""
    for field in (
        "autopool_enabled",
        "match_and_reject_enabled",
        "enforce_consent",
        "slack_integrated",
    ):
        with pytest.raises(DomainError) as caught:
            AccountSettings(**{field: "false"})  # type: ignore[arg-type]
        assert caught.value.field == field
    assert AccountSettings(autopool_enabled=True).autopool_enabled is True


def test_dm1_switching_a_setting_to_a_string_writes_nothing() -> None:
    """AP1: ``set_enabled(admin, "false")`` is refused before anything is written."""
    world = World(autopool_enabled=False)
    world.user("admin", "Alena", Role.ADMINISTRATOR)
    pool = Autopooling(world.uow, world.clock)

    with pytest.raises(DomainError) as caught:
        pool.set_enabled(UserId("admin"), "false")  # type: ignore[arg-type]

    assert caught.value.field == "autopool_enabled"
    assert world.uow.settings.get().autopool_enabled is False
    assert list(world.uow.events) == []


def test_dm1_user_role_and_permissions_accept_enum_values() -> None:
    """DM1: hosts load enums from databases as their value strings."""
    user = User(UserId("u"), "Uma", role="administrator", permissions={"match_candidates"})
    assert user.role is Role.ADMINISTRATOR
    assert user.permissions == {Permission.MATCH_CANDIDATES}
    assert user.is_administrator


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": "admin"}, "role"),
        ({"role": 1}, "role"),
        ({"permissions": {"match"}}, "permissions"),
        ({"permissions": "match_candidates"}, "permissions"),
        ({"permissions": Permission.MATCH_CANDIDATES}, "permissions"),
        ({"permissions": [None]}, "permissions"),
    ],
)
def test_dm1_user_refuses_unknown_roles_and_permissions(kwargs: dict[str, Any], field: str) -> None:
    """DM1: anything but the enum or its value is a DomainError naming the field."""
    with pytest.raises(DomainError) as caught:
        User(UserId("u"), "Uma", **kwargs)
    assert caught.value.field == field


def test_dm5_submission_status_accepts_its_value_and_refuses_others() -> None:
    """DM5: ``"in_process"`` is IN_PROCESS; an unknown status is a DomainError naming it."""
    when = datetime(2026, 11, 2, tzinfo=UTC)
    s = Submission(SubmissionId("s"), CandidateId("c"), RequisitionId("r"), when, "in_process")
    assert s.status is SubmissionStatus.IN_PROCESS
    assert s.is_active(when)
    with pytest.raises(DomainError) as caught:
        Submission(SubmissionId("s"), CandidateId("c"), RequisitionId("r"), when, "active")
    assert caught.value.field == "status"


@pytest.mark.parametrize(
    "steps", ["New", ("",), ("New", "  "), ("New", 3), None, iter(["New"])], ids=repr
)
def test_ap9_workflow_steps_are_a_list_of_non_blank_names(steps: Any) -> None:
    """AP9: a bare string is not iterated as letters; blank steps are refused."""
    with pytest.raises(DomainError) as caught:
        Workflow(steps=steps)
    assert caught.value.field == "steps"
    assert Workflow(steps=["New", "Offer"]).steps == ("New", "Offer")


def test_ap10_a_workflow_requiring_a_motive_must_offer_one() -> None:
    """AP10: a required motive with none to choose could never be satisfied."""
    with pytest.raises(DomainError) as caught:
        Workflow(motive_required=True, rejection_motives=())
    assert caught.value.field == "rejection_motives"
    assert Workflow(motive_required=True, rejection_motives=("Other",)).motive_required


def test_dm2_a_label_at_the_limit_may_be_padded() -> None:
    """DM2: the length limit counts the label with its surrounding whitespace trimmed."""
    label = "x" * MAX_TAG_LENGTH
    assert Tag(f"  {label}\n") == Tag(label)
    with pytest.raises(DomainError, match="at most"):
        Tag(label + "y")


# --- shared values (PF4) ---------------------------------------------------------------


def _person(i: int, **fields: Any) -> Candidate:
    return Candidate(f"c-{i}", "Eva", "Nová", datetime(2026, 1, 1, tzinfo=UTC), **fields)


def test_pf4_candidates_with_the_same_values_share_one_object_of_each() -> None:
    a = _person(
        1, tags=["Praha", "sklad"], languages=["CS"], profile_language="CS", fields={"b": "1"}
    )
    b = _person(
        2, tags=["sklad", "Praha"], languages=["cs"], profile_language="cs", fields=[("B", "1")]
    )
    assert a.tags is b.tags
    assert a.languages is b.languages
    assert a.profile_language is b.profile_language
    assert a.fields is b.fields


def test_pf4_tags_equal_by_key_keep_their_own_labels_when_shared() -> None:
    a = _person(1, tags=["Praha"])
    b = _person(2, tags=["PRAHA"])
    assert a.tags == b.tags  # equal by key (DM2) ...
    assert {t.label for t in a.tags} == {"Praha"}  # ... each with the labels it was given
    assert {t.label for t in b.tags} == {"PRAHA"}


def test_pf4_only_so_many_combinations_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from talentpool import model

    monkeypatch.setattr(model, "_SHARED_MOST", len(model._SHARED_TAGS))
    first = _person(1, tags=["a tag never seen before"])
    second = _person(2, tags=["a tag never seen before"])
    assert first.tags == second.tags
    assert first.tags is not second.tags  # the table is full: values are right, not shared
    assert len(model._SHARED_TAGS) == model._SHARED_MOST


# --- text a document reads back (EN2) ------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda text: RequisitionTemplate(text, "Cashier"), id="template id"),
        pytest.param(lambda text: RequisitionTemplate("t-1", text), id="template name"),
        pytest.param(
            lambda text: RequisitionTemplate("t-1", "Cashier", organization=text),
            id="template organization",
        ),
        pytest.param(lambda text: Workflow(steps=("New", text)), id="workflow step"),
        pytest.param(lambda text: Workflow(rejection_motives=(text,)), id="rejection motive"),
    ],
)
def test_en2_text_the_reader_would_refuse_is_refused_when_built(
    build: Callable[[str], object],
) -> None:
    """EN2: what a document reader refuses (over 200 characters) is refused by the entity too."""
    build("x" * 200)  # at the bound: accepted
    with pytest.raises(DomainError, match="at most 200 characters"):
        build("x" * 201)


def test_en2_a_template_at_the_bound_reads_back_from_its_document() -> None:
    from talentpool.serialization import template_from_dict, template_to_dict

    longest = RequisitionTemplate("t" * 200, "n" * 200, job_field="j" * 200)
    assert template_from_dict(template_to_dict(longest)) == longest
