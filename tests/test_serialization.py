"""EN2: criteria, autopool settings, quick filters and templates as versioned JSON documents.

Round trips are identity; every malformed document raises the one
:class:`~talentpool.errors.CriteriaError` with the exact path of the fault; no
other exception escapes, whatever the input.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.criteria import (
    EVERYONE,
    AllOf,
    AnyOf,
    AutopoolCriteria,
    ConsentValid,
    Criterion,
    ExcludeHiredWithin,
    HasTag,
    Keywords,
    Not,
    QuickFilter,
    ResidenceWithin,
    SpeaksLanguage,
    SubmissionsInStructure,
)
from talentpool.errors import CriteriaError
from talentpool.geo import DistanceUnit
from talentpool.ids import QuickFilterId, TemplateId
from talentpool.model import RequisitionTemplate, Workflow
from talentpool.serialization import (
    MAX_DEPTH,
    SCHEMA_VERSION,
    autopool_from_dict,
    autopool_to_dict,
    criteria_from_dict,
    criteria_to_dict,
    quick_filter_from_dict,
    quick_filter_to_dict,
    template_from_dict,
    template_to_dict,
)
from talentpool.tags import MAX_TAG_LENGTH
from talentpool.testing.strategies import (
    autopool_criteria,
    criteria,
    json_values,
    mutated_documents,
    quick_filters,
    templates,
)

Reader = Callable[[Any], object]
READERS: dict[str, Reader] = {
    "criteria": criteria_from_dict,
    "autopool": autopool_from_dict,
    "quick_filter": quick_filter_from_dict,
    "template": template_from_dict,
}


def through_json(doc: dict[str, Any]) -> Any:
    """The document as another process would read it: strict JSON text and back."""
    return json.loads(json.dumps(doc, allow_nan=False))


def crit(node: Any) -> dict[str, Any]:
    return {"schema": 1, "criteria": node}


def auto(body: Any) -> dict[str, Any]:
    return {"schema": 1, "autopool": body}


def nested(kind: str, levels: int) -> Any:
    node: Any = {"language": {"code": "de"}}
    for _ in range(levels):
        node = {kind: [node]} if kind in ("all", "any") else {kind: node}
    return node


# --- the documents -----------------------------------------------------------------------


def test_en2_document_shape() -> None:
    """EN2: a versioned envelope; each node one key, its kind; NOT included."""
    doc = criteria_to_dict(SpeaksLanguage("de") & ~Keywords("night shift"))
    assert doc == {
        "schema": SCHEMA_VERSION,
        "criteria": {
            "all": [
                {"language": {"code": "de"}},
                {"not": {"keywords": {"text": "night shift"}}},
            ]
        },
    }
    assert SCHEMA_VERSION == 1


def test_en2_every_leaf_kind_has_a_form() -> None:
    """EN2: each leaf's fields, radius units by name and structure nodes sorted."""
    assert criteria_to_dict(ResidenceWithin(10, DistanceUnit.MILES))["criteria"] == {
        "radius": {"distance": 10, "unit": "miles"}
    }
    assert criteria_to_dict(SubmissionsInStructure(locations=["sk", "cz"]))["criteria"] == {
        "structure": {
            "organizations": [],
            "locations": ["cz", "sk"],
            "job_fields": [],
            "include_expired": False,
        }
    }
    assert criteria_to_dict(ConsentValid())["criteria"] == {"consent_valid": {}}
    assert criteria_to_dict(EVERYONE)["criteria"] == {"everyone": {}}
    assert criteria_to_dict(~EVERYONE)["criteria"] == {"not": {"everyone": {}}}


def test_en2_autopool_defaults_document() -> None:
    """EN2, AP4: the default settings as a document, and an empty body reads as the defaults."""
    doc = autopool_to_dict(AutopoolCriteria())
    assert doc == {
        "schema": 1,
        "autopool": {
            "exclude_in_selection_process": False,
            "profile_language_must_match": False,
            "exclude_expired_submissions": True,
            "exclude_rejected_within_days": None,
            "exclude_hired_within_days": 30,
            "radius": None,
            "structure": None,
            "require_valid_consent": False,
            "advanced": {"everyone": {}},
        },
    }
    assert autopool_from_dict(auto({})) == AutopoolCriteria()
    assert autopool_from_dict(auto({"exclude_hired_within_days": None})) == AutopoolCriteria(
        exclude_hired_within_days=None
    )


def test_en2_reading_optional_parts() -> None:
    """EN2: a radius unit defaults to km; a structure's omitted dimensions select nothing."""
    assert criteria_from_dict(crit({"radius": {"distance": 25}})) == ResidenceWithin(25)
    assert criteria_from_dict(crit({"structure": {"locations": ["cz"]}})) == SubmissionsInStructure(
        locations=["cz"]
    )


def test_en2_reading_normalises_like_the_combinators() -> None:
    """EN2: nested all/any are flattened, one-child lists unwrapped, double NOT cancelled."""
    de, tag = {"language": {"code": "de"}}, {"tag": {"label": "Brno"}}
    assert criteria_from_dict(crit({"all": [{"all": [de, tag]}, de]})) == (
        SpeaksLanguage("de") & HasTag("Brno") & SpeaksLanguage("de")
    )
    assert criteria_from_dict(crit({"any": [de]})) == SpeaksLanguage("de")
    assert criteria_from_dict(crit({"not": {"not": de}})) == SpeaksLanguage("de")
    assert criteria_from_dict(crit({"all": [{"everyone": {}}, de]})) == SpeaksLanguage("de")


# --- round trips ------------------------------------------------------------------------


@given(criteria())
def test_en2_criteria_round_trip(c: Criterion) -> None:
    """EN2: reading a written criteria document gives the same tree, also through JSON text."""
    doc = criteria_to_dict(c)
    assert criteria_from_dict(doc) == c
    assert criteria_from_dict(through_json(doc)) == c


@given(autopool_criteria())
def test_en2_autopool_round_trip(saved: AutopoolCriteria) -> None:
    """EN2: saved autopool criteria survive a round trip, also through JSON text."""
    doc = autopool_to_dict(saved)
    assert autopool_from_dict(doc) == saved
    assert autopool_from_dict(through_json(doc)) == saved


@given(quick_filters())
def test_en2_quick_filter_round_trip(quick_filter: QuickFilter) -> None:
    """EN2, AP8: quick filters survive a round trip, also through JSON text."""
    doc = quick_filter_to_dict(quick_filter)
    assert quick_filter_from_dict(doc) == quick_filter
    assert quick_filter_from_dict(through_json(doc)) == quick_filter


@given(templates())
def test_en2_template_round_trip(template: RequisitionTemplate) -> None:
    """EN2, AP3: templates with their workflow and criteria survive a round trip."""
    doc = template_to_dict(template)
    assert template_from_dict(doc) == template
    assert template_from_dict(through_json(doc)) == template


def test_en2_everyone_round_trips() -> None:
    """EN2: the match-all criterion and its negation have documents too."""
    for c in (EVERYONE, ~EVERYONE, ~EVERYONE & HasTag("x")):
        assert criteria_from_dict(through_json(criteria_to_dict(c))) == c


# --- malformed documents: the exact path ------------------------------------------------

LANG = {"language": {"code": "de"}}
TAG = {"tag": {"label": "Brno"}}
QF: dict[str, Any] = {"id": "de", "name": "German", "criteria": LANG}
TPL: dict[str, Any] = {"id": "t", "name": "Retail"}

MALFORMED: list[tuple[str, str, Any, str]] = [
    # (id, reader, document, path)
    ("the-spec-example", "criteria", crit({"all": [LANG, TAG, {"radius": {"distance": 0}}]}),
     "criteria.all[2].radius.distance"),
    ("not-an-object", "criteria", [1, 2], "document"),
    ("none", "criteria", None, "document"),
    ("non-string-key-top", "criteria", {1: "x", "schema": 1}, "document"),
    ("missing-schema", "criteria", {"criteria": LANG}, "schema"),
    ("unsupported-schema", "criteria", {"schema": 2, "criteria": LANG}, "schema"),
    ("schema-as-text", "criteria", {"schema": "1", "criteria": LANG}, "schema"),
    ("schema-as-bool", "criteria", {"schema": True, "criteria": LANG}, "schema"),
    ("missing-root", "criteria", {"schema": 1}, "criteria"),
    ("unknown-top-field", "criteria", {"schema": 1, "criteria": LANG, "x": 1}, "x"),
    ("wrong-root", "criteria", {"schema": 1, "autopool": {}}, "autopool"),
    ("unknown-kind", "criteria", crit({"salary": {"min": 1}}), "criteria"),
    ("unknown-kind-nested", "criteria", crit({"any": [LANG, {"salary": {}}]}), "criteria.any[1]"),
    ("unknown-field", "criteria", crit({"tag": {"label": "x", "colour": "red"}}),
     "criteria.tag.colour"),
    ("missing-field", "criteria", crit({"tag": {}}), "criteria.tag.label"),
    ("missing-field-value", "criteria", crit({"field": {"name": "shift"}}), "criteria.field.value"),
    ("label-not-text", "criteria", crit({"tag": {"label": 5}}), "criteria.tag.label"),
    ("blank-label", "criteria", crit({"tag": {"label": "  "}}), "criteria.tag.label"),
    ("blank-label-nested", "criteria", crit({"not": {"any": [LANG, {"tag": {"label": ""}}]}}),
     "criteria.not.any[1].tag.label"),
    ("no-words", "criteria", crit({"keywords": {"text": "?!"}}), "criteria.keywords.text"),
    ("blank-code", "criteria", crit({"any": [TAG, {"language": {"code": " "}}]}),
     "criteria.any[1].language.code"),
    ("blank-field-name", "criteria", crit({"field": {"name": "", "value": "B"}}),
     "criteria.field.name"),
    ("leaf-body-not-object", "criteria", crit({"language": "de"}), "criteria.language"),
    ("non-string-key", "criteria", crit({"tag": {1: "x"}}), "criteria.tag"),
    ("bool-distance", "criteria", crit({"radius": {"distance": True}}), "criteria.radius.distance"),
    ("text-distance", "criteria", crit({"radius": {"distance": "5"}}), "criteria.radius.distance"),
    ("negative-distance", "criteria", crit({"radius": {"distance": -5}}),
     "criteria.radius.distance"),
    ("zero-distance", "criteria", crit({"radius": {"distance": 0.0}}), "criteria.radius.distance"),
    ("nan-distance", "criteria", crit({"radius": {"distance": math.nan}}),
     "criteria.radius.distance"),
    ("inf-distance", "criteria", crit({"radius": {"distance": math.inf}}),
     "criteria.radius.distance"),
    ("overflowing-distance", "criteria", crit({"radius": {"distance": 10**400}}),
     "criteria.radius.distance"),
    ("bad-unit", "criteria", crit({"radius": {"distance": 5, "unit": "furlongs"}}),
     "criteria.radius.unit"),
    ("unit-case", "criteria", crit({"radius": {"distance": 5, "unit": "KM"}}),
     "criteria.radius.unit"),
    ("days-zero", "criteria", crit({"exclude_hired_within": {"days": 0}}),
     "criteria.exclude_hired_within.days"),
    ("days-huge", "criteria", crit({"exclude_rejected_within": {"days": 36_501}}),
     "criteria.exclude_rejected_within.days"),
    ("days-bool", "criteria", crit({"exclude_hired_within": {"days": True}}),
     "criteria.exclude_hired_within.days"),
    ("days-fraction", "criteria", crit({"exclude_hired_within": {"days": 1.5}}),
     "criteria.exclude_hired_within.days"),
    ("days-text", "criteria", crit({"exclude_hired_within": {"days": "30"}}),
     "criteria.exclude_hired_within.days"),
    ("empty-all", "criteria", crit({"all": []}), "criteria.all"),
    ("all-not-list", "criteria", crit({"any": LANG}), "criteria.any"),
    ("non-dict-node", "criteria", crit({"all": [LANG, "de"]}), "criteria.all[1]"),
    ("list-node", "criteria", crit({"not": [LANG]}), "criteria.not"),
    ("two-keys", "criteria", crit({"language": {"code": "de"}, "tag": {"label": "x"}}),
     "criteria"),
    ("no-keys", "criteria", crit({}), "criteria"),
    ("two-keys-nested", "criteria", crit({"all": [LANG, {**LANG, **TAG}]}), "criteria.all[1]"),
    ("flag-with-fields", "criteria", crit({"consent_valid": {"days": 3}}),
     "criteria.consent_valid.days"),
    ("everyone-with-fields", "criteria", crit({"everyone": {"x": 1}}), "criteria.everyone.x"),
    ("structure-nothing", "criteria", crit({"structure": {}}), "criteria.structure"),
    ("structure-empty-lists", "criteria", crit({"structure": {"locations": [], "job_fields": []}}),
     "criteria.structure"),
    ("structure-string", "criteria", crit({"structure": {"locations": "cz"}}),
     "criteria.structure.locations"),
    ("structure-blank-node", "criteria", crit({"structure": {"organizations": ["a", ""]}}),
     "criteria.structure.organizations[1]"),
    ("structure-flag", "criteria", crit({"structure": {"locations": ["cz"],
                                                       "include_expired": "yes"}}),
     "criteria.structure.include_expired"),
    ("too-deep-all", "criteria", crit(nested("all", MAX_DEPTH + 1)),
     "criteria" + ".all[0]" * (MAX_DEPTH + 1)),
    ("too-deep-not", "criteria", crit(nested("not", MAX_DEPTH + 1)),
     "criteria" + ".not" * (MAX_DEPTH + 1)),
    ("far-too-deep", "criteria", crit(nested("any", 5000)),
     "criteria" + ".any[0]" * (MAX_DEPTH + 1)),
    # autopool settings
    ("autopool-not-object", "autopool", auto([]), "autopool"),
    ("autopool-unknown", "autopool", auto({"colour": "red"}), "autopool.colour"),
    ("autopool-flag-int", "autopool", auto({"exclude_expired_submissions": 1}),
     "autopool.exclude_expired_submissions"),
    ("autopool-flag-null", "autopool", auto({"exclude_in_selection_process": None}),
     "autopool.exclude_in_selection_process"),
    ("autopool-days-zero", "autopool", auto({"exclude_hired_within_days": 0}),
     "autopool.exclude_hired_within_days"),
    ("autopool-days-huge", "autopool", auto({"exclude_rejected_within_days": 10**6}),
     "autopool.exclude_rejected_within_days"),
    ("autopool-days-bool", "autopool", auto({"exclude_rejected_within_days": False}),
     "autopool.exclude_rejected_within_days"),
    ("autopool-radius", "autopool", auto({"radius": {"distance": -1, "unit": "km"}}),
     "autopool.radius.distance"),
    ("autopool-radius-unit", "autopool", auto({"radius": {"distance": 1, "unit": "mi"}}),
     "autopool.radius.unit"),
    ("autopool-structure", "autopool", auto({"structure": {}}), "autopool.structure"),
    ("autopool-advanced", "autopool",
     auto({"advanced": {"all": [LANG, {"radius": {"distance": 0}}]}}),
     "autopool.advanced.all[1].radius.distance"),
    # quick filters
    ("qf-missing-criteria", "quick_filter",
     {"schema": 1, "quick_filter": {"id": "de", "name": "German"}}, "quick_filter.criteria"),
    ("qf-blank-name", "quick_filter", {"schema": 1, "quick_filter": {**QF, "name": " "}},
     "quick_filter.name"),
    ("qf-id-number", "quick_filter", {"schema": 1, "quick_filter": {**QF, "id": 7}},
     "quick_filter.id"),
    ("qf-bad-criteria", "quick_filter",
     {"schema": 1, "quick_filter": {**QF, "criteria": {"tag": {}}}},
     "quick_filter.criteria.tag.label"),
    # templates
    ("tpl-missing-name", "template", {"schema": 1, "template": {"id": "t"}}, "template.name"),
    ("tpl-blank-name", "template", {"schema": 1, "template": {**TPL, "name": ""}},
     "template.name"),
    ("tpl-blank-language", "template", {"schema": 1, "template": {**TPL, "language": " "}},
     "template.language"),
    ("tpl-node-number", "template", {"schema": 1, "template": {**TPL, "location": 3}},
     "template.location"),
    ("tpl-no-steps", "template", {"schema": 1, "template": {**TPL, "workflow": {"steps": []}}},
     "template.workflow.steps"),
    ("tpl-steps-not-text", "template",
     {"schema": 1, "template": {**TPL, "workflow": {"steps": ["New", 2]}}},
     "template.workflow.steps"),
    ("tpl-workflow-flag", "template",
     {"schema": 1, "template": {**TPL, "workflow": {"steps": ["New"], "motive_required": "no"}}},
     "template.workflow.motive_required"),
    ("tpl-autopool-days", "template",
     {"schema": 1, "template": {**TPL, "autopool": {"exclude_rejected_within_days": 99_999_999}}},
     "template.autopool.exclude_rejected_within_days"),
    ("tpl-autopool-advanced", "template",
     {"schema": 1, "template": {**TPL, "autopool": {"advanced": {"any": []}}}},
     "template.autopool.advanced.any"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("reader", "doc", "path"),
    [(r, d, p) for _, r, d, p in MALFORMED],
    ids=[i for i, *_ in MALFORMED],
)
def test_en2_malformed_document_names_the_path(reader: str, doc: Any, path: str) -> None:
    """EN2: every malformed document raises CriteriaError whose path is exactly the fault's."""
    with pytest.raises(CriteriaError) as caught:
        READERS[reader](doc)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: ")
    assert caught.value.reason


def test_en2_messages_say_what_is_wrong() -> None:
    """EN2: the reason says what is expected and what was found."""
    with pytest.raises(CriteriaError) as caught:
        criteria_from_dict(crit({"all": [LANG, TAG, {"radius": {"distance": 0, "unit": "km"}}]}))
    assert str(caught.value) == "criteria.all[2].radius.distance: must be a number > 0 (got 0)"
    with pytest.raises(CriteriaError, match="unknown criterion kind 'salary'") as caught:
        criteria_from_dict(crit({"salary": {}}))
    assert "keywords" in caught.value.reason  # the known kinds are listed
    with pytest.raises(CriteriaError, match=r"unsupported version 2 \(this library reads 1\)"):
        criteria_from_dict({"schema": 2, "criteria": LANG})
    with pytest.raises(CriteriaError, match="allowed: label"):
        criteria_from_dict(crit({"tag": {"label": "x", "colour": "red"}}))


def test_en2_criteria_error_is_a_value_error() -> None:
    """EN2: hosts catching ValueError keep working."""
    with pytest.raises(ValueError, match=r"^criteria\.tag\.label: "):
        criteria_from_dict(crit({"tag": {}}))


def test_en2_nesting_at_the_limit_is_accepted() -> None:
    """EN2: nesting up to the limit is read; only deeper documents are refused."""
    c = criteria_from_dict(crit(nested("all", MAX_DEPTH)))
    assert c == SpeaksLanguage("de")
    assert criteria_from_dict(crit(nested("not", MAX_DEPTH))) == SpeaksLanguage("de")


def test_en2_pathological_values_raise_criteria_error() -> None:
    """EN2: values no JSON parser makes still raise only CriteriaError.

    A list nested thousands deep (whose repr would overflow the stack) and an int
    too long to print (Python refuses to convert it to text).
    """
    deep: Any = []
    for _ in range(20_000):
        deep = [deep]
    for doc in (crit(deep), crit({"tag": {"label": deep}}), deep):
        with pytest.raises(CriteriaError):
            criteria_from_dict(doc)
    with pytest.raises(CriteriaError) as caught:
        criteria_from_dict(crit({"radius": {"distance": 10**5000}}))
    assert caught.value.path == "criteria.radius.distance"
    with pytest.raises(CriteriaError):
        criteria_from_dict(crit({"exclude_hired_within": {"days": 10**5000}}))


def test_en2_valid_documents_from_json_text() -> None:
    """EN2: a document a host stored as JSON text reads back."""
    text = """{"schema": 1, "quick_filter": {"id": "de", "name": "Speaks German",
              "criteria": {"any": [{"language": {"code": "de"}}, {"tag": {"label": "DE"}}]}}}"""
    assert quick_filter_from_dict(json.loads(text)) == QuickFilter(
        QuickFilterId("de"), "Speaks German", SpeaksLanguage("de") | HasTag("de")
    )
    tpl = template_from_dict(
        json.loads(
            '{"schema": 1, "template": {"id": "t", "name": "Retail", "language": "CS",'
            ' "workflow": {"steps": ["New", "Interview"]},'
            ' "autopool": {"exclude_hired_within_days": 14}}}'
        )
    )
    assert tpl == RequisitionTemplate(
        TemplateId("t"),
        "Retail",
        language="cs",
        workflow=Workflow(("New", "Interview")),
        autopool=AutopoolCriteria(exclude_hired_within_days=14),
    )


# --- nothing else escapes ---------------------------------------------------------------


def _read_or_criteria_error(reader: Reader, doc: Any) -> None:
    try:
        reader(doc)
    except CriteriaError as e:
        error = e
    else:
        return
    assert isinstance(error.path, str)
    assert error.path.strip()
    assert error.reason


@given(st.sampled_from(sorted(READERS)), json_values())
def test_en2_arbitrary_json_gives_a_value_or_criteria_error(reader: str, doc: Any) -> None:
    """EN2: any JSON-like value read as any document gives a value or CriteriaError."""
    _read_or_criteria_error(READERS[reader], doc)


@given(
    st.sampled_from(sorted(READERS)),
    st.sampled_from(sorted(READERS)),
    json_values(),
)
def test_en2_arbitrary_body_in_a_valid_envelope(reader: str, root: str, body: Any) -> None:
    """EN2: a correct envelope around any JSON-like body gives a value or CriteriaError."""
    _read_or_criteria_error(READERS[reader], {"schema": 1, root: body})


@given(json_values(keys=st.text(max_size=3) | st.integers() | st.none() | st.booleans()))
def test_en2_non_string_keys_anywhere(body: Any) -> None:
    """EN2: objects with keys JSON cannot hold (numbers, null) give CriteriaError, not TypeError."""
    for reader in READERS.values():
        _read_or_criteria_error(reader, {"schema": 1, "criteria": body})
        _read_or_criteria_error(reader, body)


@given(mutated_documents(criteria(max_leaves=6).map(criteria_to_dict)))
def test_en2_mutated_criteria_documents(doc: Any) -> None:
    """EN2: a valid criteria document with one thing broken gives a value or CriteriaError."""
    _read_or_criteria_error(criteria_from_dict, doc)


@given(mutated_documents(autopool_criteria().map(autopool_to_dict)))
def test_en2_mutated_autopool_documents(doc: Any) -> None:
    """EN2: a broken autopool document gives a value or CriteriaError."""
    _read_or_criteria_error(autopool_from_dict, doc)


@given(mutated_documents(quick_filters().map(quick_filter_to_dict)))
def test_en2_mutated_quick_filter_documents(doc: Any) -> None:
    """EN2: a broken quick-filter document gives a value or CriteriaError."""
    _read_or_criteria_error(quick_filter_from_dict, doc)


@given(mutated_documents(templates().map(template_to_dict)))
def test_en2_mutated_template_documents(doc: Any) -> None:
    """EN2: a broken template document gives a value or CriteriaError."""
    _read_or_criteria_error(template_from_dict, doc)


def test_en2_a_value_read_back_is_the_right_type() -> None:
    """EN2: each reader returns its own kind of value."""
    assert isinstance(criteria_from_dict(crit(LANG)), SpeaksLanguage)
    assert isinstance(autopool_from_dict(auto({})), AutopoolCriteria)
    assert isinstance(quick_filter_from_dict({"schema": 1, "quick_filter": QF}), QuickFilter)
    assert isinstance(template_from_dict({"schema": 1, "template": TPL}), RequisitionTemplate)
    assert criteria_from_dict(crit({"exclude_hired_within": {"days": 30}})) == ExcludeHiredWithin(
        30
    )


@pytest.mark.parametrize("version", [1.0, True, "1"])
def test_en2_schema_version_must_be_the_integer_one(version: object) -> None:
    """EN2: a schema version that merely compares equal to 1 is not version 1."""
    with pytest.raises(CriteriaError, match=r"^schema: unsupported version"):
        criteria_from_dict({"schema": version, "criteria": {"everyone": {}}})


# --- EN2: the builder and the reader accept the same depth --------------------------------

LEAVES = [SpeaksLanguage("de"), HasTag("Brno"), Keywords("cashier"), ExcludeHiredWithin(7)]
EXTRA = ConsentValid()


def deep(levels: int, ops: str = "&|") -> Criterion:
    """A tree *levels* deep, alternating the operators of *ops* (``&``, ``|``, ``~``)."""
    tree: Criterion = SpeaksLanguage("de")
    for i in range(levels):
        op, leaf = ops[i % len(ops)], LEAVES[i % len(LEAVES)]
        tree = tree & leaf if op == "&" else tree | leaf if op == "|" else ~tree
    return tree


@pytest.mark.parametrize("ops", ["&|", "&~", "|~", "&|~"])
def test_en2_builder_refuses_trees_deeper_than_the_reader_reads(ops: str) -> None:
    """EN2: a tree deeper than MAX_DEPTH cannot be built; one at the limit round-trips."""
    tree = deep(MAX_DEPTH, ops)
    assert tree.depth == MAX_DEPTH
    assert criteria_from_dict(through_json(criteria_to_dict(tree))) == tree
    # each operator nests a tree one level deeper unless it flattens or cancels
    deeper: list[Callable[[], Criterion]] = []
    if not isinstance(tree, AllOf):
        deeper += [lambda: tree & LEAVES[1], lambda: LEAVES[1] & tree, lambda: AllOf((tree, EXTRA))]
    if not isinstance(tree, AnyOf):
        deeper += [lambda: tree | LEAVES[1], lambda: LEAVES[1] | tree, lambda: AnyOf((EXTRA, tree))]
    if not isinstance(tree, Not):
        deeper += [lambda: ~tree, lambda: Not(tree)]
    assert len(deeper) >= 5
    for build in deeper:
        with pytest.raises(CriteriaError, match=f"deeper than {MAX_DEPTH} levels") as caught:
            build()
        assert caught.value.path == "criteria"


def test_en2_the_deepest_tree_hashes_describes_and_round_trips() -> None:
    """EN2: at the limit no walk raises RecursionError, and every document form round-trips."""
    tree = deep(MAX_DEPTH, "&|~")
    assert hash(tree) == hash(deep(MAX_DEPTH, "&|~"))
    assert tree == deep(MAX_DEPTH, "&|~")
    assert tree.describe().count("not (") > 10
    assert len(list(tree.walk())) > MAX_DEPTH
    saved = AutopoolCriteria(advanced=tree)
    assert autopool_from_dict(through_json(autopool_to_dict(saved))) == saved
    qf = QuickFilter(QuickFilterId("q"), "Deep", tree)
    assert quick_filter_from_dict(through_json(quick_filter_to_dict(qf))) == qf


@given(
    st.lists(
        st.tuples(st.sampled_from("&|~"), st.sampled_from(LEAVES), st.booleans()),
        min_size=MAX_DEPTH - 4,
        max_size=MAX_DEPTH + 8,
    )
)
def test_en2_every_tree_the_builder_accepts_round_trips(
    steps: list[tuple[str, Criterion, bool]],
) -> None:
    """EN2: whatever the builder accepts the reader reads back; what it refuses is too deep."""
    tree: Criterion = SpeaksLanguage("de")
    for op, leaf, left in steps:
        a, b = (tree, leaf) if left else (leaf, tree)
        refused: CriteriaError | None = None
        try:
            tree = a & b if op == "&" else a | b if op == "|" else ~tree
        except CriteriaError as e:
            refused = e
        if refused is not None:
            assert f"deeper than {MAX_DEPTH} levels" in refused.reason
            continue
        assert tree.depth <= MAX_DEPTH
        assert criteria_from_dict(through_json(criteria_to_dict(tree))) == tree


# --- EN2: hostile documents are read fast and refused briefly ------------------------------

EXPANDS = "\ufdfa"  # one character NFKC writes as eighteen


def _count_normalised(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the length of every text Unicode normalisation is asked to work on."""
    lengths: list[int] = []
    normalize = unicodedata.normalize

    def counting(form: str, text: str) -> str:  # type: ignore[misc]
        lengths.append(len(text))
        return normalize(form, text)  # type: ignore[arg-type]

    monkeypatch.setattr(unicodedata, "normalize", counting)
    return lengths


def test_en2_a_hostile_megabyte_reads_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """EN2: a 1 MB document of labels that NFKC expands 18x is normalised once per label.

    The work is counted, not timed: each label is decomposed once (and composed
    once if it needs to be), never four times over.
    """
    label = EXPANDS * (MAX_TAG_LENGTH - 4)
    nodes = [{"tag": {"label": f"{label}{i:04d}"}} for i in range(1_700)]
    doc = crit({"any": nodes})
    assert len(json.dumps(doc, ensure_ascii=False).encode()) >= 1_000_000
    lengths = _count_normalised(monkeypatch)
    tree = criteria_from_dict(doc)
    assert isinstance(tree, AnyOf)
    assert len(tree.children) == 1_700
    assert sum(lengths) <= 1_700 * MAX_TAG_LENGTH * 2


@pytest.mark.parametrize(
    ("node", "path"),
    [
        ({"tag": {"label": EXPANDS * 1_000_000}}, "criteria.tag.label"),
        ({"keywords": {"text": EXPANDS * 1_000_000}}, "criteria.keywords.text"),
        ({"field": {"name": "x" * 1_000_000, "value": "y"}}, "criteria.field.name"),
        ({"field": {"name": "x", "value": EXPANDS * 1_000_000}}, "criteria.field.value"),
        ({"language": {"code": EXPANDS * 1_000_000}}, "criteria.language.code"),
    ],
    ids=["tag", "keywords", "field-name", "field-value", "language"],
)
def test_en2_overlong_text_is_refused_before_normalising(
    node: Any, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EN2: an overlong label is refused by its length, unnormalised, with a short message."""
    lengths = _count_normalised(monkeypatch)
    with pytest.raises(CriteriaError, match="must be at most") as caught:
        criteria_from_dict(crit(node))
    assert all(n < 10_000 for n in lengths)
    assert caught.value.path == path
    assert len(str(caught.value)) < 200


_TEMPLATE = {"id": "t", "name": "Retail", "workflow": {"steps": ["New"]}}


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        *(
            (
                {"schema": 1, "template": {**_TEMPLATE, key: "\U0001d52d" * 4_000_000}},
                f"template.{key}",
            )
            for key in ("id", "name", "language", "organization", "location", "job_field")
        ),
        (
            {"schema": 1, "template": {**_TEMPLATE, "workflow": {"steps": ["x" * 1_000]}}},
            "template.workflow.steps[0]",
        ),
        (
            {
                "schema": 1,
                "template": {
                    **_TEMPLATE,
                    "workflow": {"steps": ["New"], "rejection_motives": ["ok", EXPANDS * 300]},
                },
            },
            "template.workflow.rejection_motives[1]",
        ),
        *(
            (
                {
                    "schema": 1,
                    "quick_filter": {
                        "id": "q",
                        "name": "n",
                        "criteria": {"everyone": {}},
                        key: EXPANDS * 1_000_000,
                    },
                },
                f"quick_filter.{key}",
            )
            for key in ("id", "name")
        ),
    ],
)
def test_en2_overlong_template_and_quick_filter_text_is_refused_unread(doc: Any, path: str) -> None:
    """EN2: a template's or quick filter's text is bounded too, and refused before it is folded.

    Found by the deep fuzz run: a template whose language was four million
    astral characters was read, case-folding a 16 MB copy (76 MB allocated).
    """
    import tracemalloc

    reader = template_from_dict if "template" in doc else quick_filter_from_dict
    tracemalloc.start()
    try:
        with pytest.raises(CriteriaError, match="must be at most 200 characters") as caught:
            reader(doc)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.path == path
    assert peak < 1_000_000


def test_dm1_an_entity_refuses_an_overlong_language_code_before_folding_it() -> None:
    """DM1, EN2: a language code longer than the criteria's bound is a DomainError naming it."""
    from talentpool.errors import DomainError

    with pytest.raises(DomainError) as caught:
        RequisitionTemplate(TemplateId("t"), "T", language="de" * 101)
    assert caught.value.field == "language"
    assert RequisitionTemplate(TemplateId("t"), "T", language="DE" * 100).language == "de" * 100


HUGE = "k" * 10_000_000


@pytest.mark.parametrize(
    ("reader", "doc"),
    [
        ("criteria", {"schema": 1, "criteria": {"tag": {"label": "x"}}, HUGE: 1}),
        ("criteria", crit({HUGE: {}})),
        ("criteria", crit({"tag": {"label": "x", HUGE: 1}})),
        ("criteria", crit({"keywords": {"text": "!" * 10_000_000}})),
        ("criteria", crit({"tag": {"label": 10**5000}})),
        ("criteria", crit({"all": [{"language": {"code": "de"}}, "x" * 10_000_000]})),
        ("autopool", auto({HUGE: 1})),
        ("autopool", auto({"radius": {"distance": 1, HUGE: 1}})),
        ("quick_filter", {"schema": 1, "quick_filter": {"id": "q", "name": "n", HUGE: 1}}),
        ("template", {"schema": 1, "template": {"id": "t", "name": "n", HUGE: 1}}),
    ],
)
def test_en2_error_messages_are_short_whatever_the_input(reader: str, doc: Any) -> None:
    """EN2: no value or key of a document is copied whole into an error message."""
    with pytest.raises(CriteriaError) as caught:
        READERS[reader](doc)
    assert len(str(caught.value)) < 600  # the list of known kinds is ~300
    assert len(caught.value.path) < 120


@pytest.mark.parametrize(
    ("reader", "doc", "path"),
    [
        (
            "criteria",
            crit({"exclude_hired_within": {"days": 10**5000}}),
            "criteria.exclude_hired_within.days",
        ),
        (
            "criteria",
            crit({"exclude_rejected_within": {"days": -(10**5000)}}),
            "criteria.exclude_rejected_within.days",
        ),
        ("criteria", crit({"radius": {"distance": 10**5000}}), "criteria.radius.distance"),
        (
            "autopool",
            auto({"exclude_hired_within_days": 10**5000}),
            "autopool.exclude_hired_within_days",
        ),
        (
            "autopool",
            auto({"exclude_rejected_within_days": 10**5000}),
            "autopool.exclude_rejected_within_days",
        ),
    ],
)
def test_en2_huge_integers_get_their_path_and_a_plain_reason(
    reader: str, doc: Any, path: str
) -> None:
    """EN2: a 5,000-digit number is out of range at its own path, not a digit-limit error."""
    with pytest.raises(CriteriaError) as caught:
        READERS[reader](doc)
    assert caught.value.path == path
    assert "must be" in caught.value.reason
    assert "digit" not in caught.value.reason
    assert "sys.set_int_max_str_digits" not in str(caught.value)
    assert len(str(caught.value)) < 200
