"""Entities check the types of their fields, freeze what they hold, bound their numbers.

DM1: one bad row from a host's database must fail where it is built, with a
``DomainError`` naming the field, not later as a raw ``TypeError`` in every pool.
AP4 and AP12: radii and repooling days have documented bounds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.criteria import MAX_WINDOW_DAYS, QuickFilter, ResidenceWithin, SpeaksLanguage
from talentpool.errors import CriteriaError, DomainError
from talentpool.geo import MAX_RADIUS_KM, DistanceUnit, GeoPoint, Radius
from talentpool.ids import (
    AttachmentId,
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
    Consent,
    Dimension,
    Rejection,
    RepoolingRule,
    Requisition,
    RequisitionTemplate,
    Share,
    ShareKind,
    StructureTree,
    Submission,
    Subscription,
    User,
    Workflow,
)

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
_CANDIDATE = Candidate(CandidateId("eva"), "Eva", "Nováková", NOW)
_REQUISITION = Requisition(RequisitionId("job"), "Barista", NOW)
_SUBMISSION = Submission(SubmissionId("s-1"), _CANDIDATE.id, _REQUISITION.id, NOW)

VALID: dict[type[Any], dict[str, Any]] = {
    User: {"id": UserId("u"), "name": "Ann"},
    Consent: {"given_at": NOW},
    Candidate: {
        "id": CandidateId("eva"),
        "given_name": "Eva",
        "family_name": "N",
        "created_at": NOW,
    },
    Workflow: {},
    RequisitionTemplate: {"id": TemplateId("t"), "name": "Barista"},
    Requisition: {"id": RequisitionId("job"), "title": "Barista", "created_at": NOW},
    Rejection: {},
    Submission: {
        "id": SubmissionId("s"),
        "candidate_id": CandidateId("eva"),
        "requisition_id": RequisitionId("job"),
        "submitted_at": NOW,
    },
    RepoolingRule: {"id": RepoolingRuleId("r"), "name": "Idle", "inactive_after_days": 30},
    Attachment: {
        "id": AttachmentId("a"),
        "candidate_id": CandidateId("eva"),
        "filename": "cv.pdf",
        "uploaded_at": NOW,
    },
    AccountSettings: {},
    Share: {"kind": ShareKind.WHOLE_DATABASE},
    Subscription: {"user_id": UserId("u"), "tag": "Praha", "created_at": NOW},
    Application: {"submission": _SUBMISSION, "requisition": _REQUISITION},
    CandidateRecord: {"candidate": _CANDIDATE, "applications": ()},
    StructureTree: {"dimension": Dimension.LOCATION, "parents": {"cz": None}},
}

_STRINGS_ACCEPTED = {
    # A string is a valid value of these fields (text, ids, codes, a tag's label).
    (User, "id"),
    (User, "name"),
    (User, "email"),
    (Candidate, "id"),
    (Candidate, "given_name"),
    (Candidate, "family_name"),
    (Candidate, "email"),
    (Candidate, "city"),
    (Candidate, "profile_language"),
    (Candidate, "text"),
    (RequisitionTemplate, "id"),
    (RequisitionTemplate, "name"),
    (RequisitionTemplate, "language"),
    (RequisitionTemplate, "organization"),
    (RequisitionTemplate, "location"),
    (RequisitionTemplate, "job_field"),
    (Requisition, "id"),
    (Requisition, "title"),
    (Requisition, "language"),
    (Requisition, "organization"),
    (Requisition, "location"),
    (Requisition, "job_field"),
    (Requisition, "owner_id"),
    (Requisition, "template_id"),
    (Rejection, "comment"),
    (Submission, "id"),
    (Submission, "candidate_id"),
    (Submission, "requisition_id"),
    (Submission, "step"),
    (RepoolingRule, "id"),
    (RepoolingRule, "name"),
    (Attachment, "id"),
    (Attachment, "candidate_id"),
    (Attachment, "filename"),
    (Attachment, "requisition_id"),
    (Share, "requisition_id"),
    (Share, "submission_id"),
    (Subscription, "user_id"),
    (Subscription, "tag"),
    (Subscription, "created_by"),
}

_FIELDS = [(cls, f.name, str(f.type)) for cls in VALID for f in attrs.fields(cls) if f.init]


class _Opaque:
    def __repr__(self) -> str:
        return "<opaque>"


def _wrong_values(cls: type[Any], name: str, annotation: str) -> st.SearchStrategy[Any]:
    """Values of a type the field never holds."""
    bad: list[Any] = [_Opaque(), 3.5, b"raw", complex(1, 2)]
    if "None" not in annotation and "Iterable" not in annotation:
        bad.append(None)
    if (cls, name) not in _STRINGS_ACCEPTED:
        bad.append("yes")
    if "int" not in annotation:
        bad.append(7)
    if "tuple" not in annotation and "frozenset" not in annotation:
        bad.append(("a", "b"))
    return st.sampled_from(bad)


@pytest.mark.parametrize(
    ("cls", "name", "annotation"), _FIELDS, ids=[f"{c.__name__}.{n}" for c, n, _ in _FIELDS]
)
@given(data=st.data())
def test_dm1_every_field_refuses_a_wrong_type_naming_it(
    cls: type[Any], name: str, annotation: str, data: st.DataObject
) -> None:
    value = data.draw(_wrong_values(cls, name, annotation), label=name)
    kwargs = {**VALID[cls], name: value}
    if name == "autopool":  # criteria are the criteria layer's: CriteriaError with the path
        with pytest.raises(CriteriaError, match=r"^autopool"):
            cls(**kwargs)
        return
    with pytest.raises(DomainError) as raised:
        cls(**kwargs)
    assert raised.value.field.split(".")[0] == name, raised.value.field


def test_dm1_the_valid_examples_are_valid() -> None:
    for cls, kwargs in VALID.items():
        cls(**kwargs)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", None),
        ("given_name", None),
        ("residence", (50.0, 14.0)),
        ("consent", "yes"),
        ("fields", "yes"),
        ("languages", 7),
        ("tags", None),
    ],
)
def test_dm1_a_bad_candidate_row_is_refused_naming_the_field(field: str, value: object) -> None:
    kwargs = {**VALID[Candidate], field: value}
    with pytest.raises(DomainError) as raised:
        Candidate(**kwargs)
    assert raised.value.field.split(".")[0] == field


# --- mutable "frozen" values ------------------------------------------------------


def test_dm1_a_structure_tree_cannot_be_changed_after_its_checks() -> None:
    parents: dict[str, str | None] = {"cz": None, "praha": "cz"}
    names = {"cz": "Czechia"}
    tree = StructureTree(Dimension.LOCATION, parents, names)
    parents["cz"] = "praha"  # the caller's dict: a cycle, had the tree kept it
    names["cz"] = "Changed"
    assert tree.lineage("praha") == ("praha", "cz")  # type: ignore[arg-type]
    assert tree.name("cz") == "Czechia"  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        tree.parents["cz"] = "praha"  # type: ignore[index]
    with pytest.raises(TypeError):
        tree.names["cz"] = "x"  # type: ignore[index]


def test_dm1_workflow_motives_and_rejection_motives_are_tuples() -> None:
    motives = ["Not qualified", "Other"]
    workflow = Workflow(rejection_motives=motives)  # type: ignore[arg-type]
    rejection = Rejection(motives=motives)  # type: ignore[arg-type]
    motives.append("Changed")
    assert workflow.rejection_motives == ("Not qualified", "Other")
    assert rejection.motives == ("Not qualified", "Other")
    assert isinstance(workflow.rejection_motives, tuple)
    assert isinstance(rejection.motives, tuple)


@pytest.mark.parametrize("motives", ["Other", [None], [""], 7])
def test_dm1_motives_must_be_a_collection_of_non_blank_strings(motives: object) -> None:
    with pytest.raises(DomainError, match="rejection_motives"):
        Workflow(rejection_motives=motives)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="motives"):
        Rejection(motives=motives)  # type: ignore[arg-type]


# --- blank ids ---------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   "])
def test_dm1_blank_ids_are_refused_naming_the_field(blank: str) -> None:
    with pytest.raises(CriteriaError, match=r"quick_filter\.id"):
        QuickFilter(QuickFilterId(blank), "Speaks German", SpeaksLanguage("de"))
    with pytest.raises(DomainError, match="'id'"):
        RequisitionTemplate(TemplateId(blank), "Barista")
    with pytest.raises(DomainError, match="parents"):
        StructureTree(Dimension.LOCATION, {blank: None})
    with pytest.raises(DomainError, match="parents"):
        StructureTree(Dimension.LOCATION, {"cz": blank})
    for cls, kwargs in VALID.items():
        for f in attrs.fields(cls):
            if f.name == "id" or f.name.endswith("_id"):
                with pytest.raises(DomainError, match=f"'{f.name}'"):
                    cls(**{**kwargs, f.name: blank})


# --- bounded numbers ---------------------------------------------------------------


def test_ap12_repooling_days_are_bounded_like_criteria_windows() -> None:
    RepoolingRule(RepoolingRuleId("r"), "Idle", MAX_WINDOW_DAYS)
    with pytest.raises(DomainError, match="inactive_after_days"):
        RepoolingRule(RepoolingRuleId("r"), "Idle", MAX_WINDOW_DAYS + 1)
    with pytest.raises(DomainError, match="inactive_after_days"):
        RepoolingRule(RepoolingRuleId("r"), "Idle", 3_650_000)


def test_ap4_a_radius_is_at_most_half_the_earths_circumference() -> None:
    assert Radius(MAX_RADIUS_KM).km == MAX_RADIUS_KM
    Radius(MAX_RADIUS_KM / 1.609344, DistanceUnit.MILES)
    for distance, unit in [
        (MAX_RADIUS_KM * 1.0001, DistanceUnit.KM),
        (MAX_RADIUS_KM, DistanceUnit.MILES),
        (1.5e308, DistanceUnit.MILES),
        (10**400, DistanceUnit.KM),
    ]:
        with pytest.raises(DomainError, match="distance"):
            Radius(distance, unit)
        with pytest.raises(CriteriaError, match=r"radius\.distance"):
            ResidenceWithin(distance, unit)
    centre = GeoPoint(50.0, 14.0)
    antipode = GeoPoint(-50.0, -166.0)
    assert Radius(MAX_RADIUS_KM).contains(centre, antipode)
