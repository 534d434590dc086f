"""EN1: criteria are immutable, comparable, hashable data trees; AP4: the basic set and defaults."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest
from hypothesis import given

from talentpool.criteria import (
    EVERYONE,
    AllOf,
    AnyOf,
    AutopoolCriteria,
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
    QuickFilter,
    ResidenceWithin,
    SpeaksLanguage,
    SubmissionsInStructure,
    all_of,
    any_of,
    not_,
)
from talentpool.errors import CriteriaError
from talentpool.geo import DistanceUnit
from talentpool.ids import NodeId, QuickFilterId
from talentpool.testing.strategies import criteria

GERMAN = SpeaksLanguage("de")
CASHIER = Keywords("cashier")
BRNO = HasTag("Brno")
NEAR = ResidenceWithin(25)


def is_normal(c: Criterion) -> bool:
    """The shape the combinators promise: flat, no double negation, no EVERYONE inside."""
    if isinstance(c, AllOf):
        return len(c.children) >= 2 and all(
            not isinstance(k, AllOf | Everyone) and is_normal(k) for k in c.children
        )
    if isinstance(c, AnyOf):
        return len(c.children) >= 2 and all(
            not isinstance(k, AnyOf | Everyone) and is_normal(k) for k in c.children
        )
    if isinstance(c, Not):
        return not isinstance(c.child, Not) and is_normal(c.child)
    return True


# --- composition -----------------------------------------------------------------------


def test_en1_operators_build_nodes() -> None:
    """EN1: & builds AllOf, | builds AnyOf, ~ builds Not."""
    assert AllOf((GERMAN, CASHIER)) == GERMAN & CASHIER
    assert AnyOf((GERMAN, CASHIER)) == GERMAN | CASHIER
    assert Not(GERMAN) == ~GERMAN


def test_en1_named_helpers_match_operators() -> None:
    """EN1: all_of, any_of and not_ are the operators by name."""
    assert all_of(GERMAN, CASHIER, BRNO) == GERMAN & CASHIER & BRNO
    assert any_of(GERMAN, CASHIER, BRNO) == GERMAN | CASHIER | BRNO
    assert not_(GERMAN) == ~GERMAN


def test_en1_same_connector_nesting_is_flattened() -> None:
    """EN1: (a & b) & c and a & (b & c) are one AllOf of three; likewise for |."""
    flat_and = AllOf((GERMAN, CASHIER, BRNO))
    assert flat_and == (GERMAN & CASHIER) & BRNO
    assert flat_and == GERMAN & (CASHIER & BRNO)
    assert all_of(GERMAN & CASHIER, BRNO & NEAR) == AllOf((GERMAN, CASHIER, BRNO, NEAR))
    flat_or = AnyOf((GERMAN, CASHIER, BRNO))
    assert flat_or == (GERMAN | CASHIER) | BRNO
    assert flat_or == GERMAN | (CASHIER | BRNO)


def test_en1_different_connectors_nest() -> None:
    """EN1: an OR inside an AND stays a child (only same-connector nesting is squashed)."""
    tree = (GERMAN | CASHIER) & BRNO
    assert tree == AllOf((AnyOf((GERMAN, CASHIER)), BRNO))
    assert AnyOf((AllOf((GERMAN, CASHIER)), BRNO)) == (GERMAN & CASHIER) | BRNO


def test_en1_identity_and_single_arguments() -> None:
    """EN1: all_of() is EVERYONE; one argument is returned itself; EVERYONE is &'s identity."""
    assert all_of() is EVERYONE
    assert all_of(GERMAN) is GERMAN
    assert any_of(GERMAN) is GERMAN
    assert EVERYONE & GERMAN is GERMAN
    assert GERMAN & EVERYONE is GERMAN
    assert all_of(EVERYONE, EVERYONE) is EVERYONE
    assert Everyone() == EVERYONE


def test_en1_everyone_absorbs_or() -> None:
    """EN1: anything OR everyone is everyone."""
    assert GERMAN | EVERYONE is EVERYONE
    assert any_of(CASHIER, EVERYONE, GERMAN) is EVERYONE


def test_en1_there_is_no_empty_any_of() -> None:
    """EN1: an OR of nothing would match no one, which no saved search means: it is refused."""
    with pytest.raises(TypeError):
        any_of()  # type: ignore[call-arg]


def test_en1_double_negation_cancels() -> None:
    """EN1: ~~x == x, and not_ of a Not returns the original object."""
    assert ~~GERMAN == GERMAN
    assert ~~GERMAN is GERMAN
    assert ~(~(GERMAN & CASHIER)) == GERMAN & CASHIER
    assert Not(GERMAN) == ~~~GERMAN


def test_en1_structural_equality_and_hashing() -> None:
    """EN1: trees built apart are equal and hash alike, so they work as keys and set members."""
    one = (SpeaksLanguage("de") | Keywords("cashier")) & ~HasTag("Brno")
    two = (SpeaksLanguage("de") | Keywords("cashier")) & ~HasTag("Brno")
    assert one == two
    assert one is not two
    assert hash(one) == hash(two)
    assert len({one, two}) == 1
    names = {one: "German cashiers outside Brno"}
    assert names[two] == "German cashiers outside Brno"


def test_en1_order_matters_for_equality() -> None:
    """EN1: equality is structural, so a & b and b & a are different trees (same meaning)."""
    assert GERMAN & CASHIER != CASHIER & GERMAN


def test_en1_leaves_compare_by_meaning() -> None:
    """EN1, DM2: a tag criterion compares by the tag's key; codes and field names fold case."""
    assert HasTag("Praha") == HasTag(" PRAHA ")
    assert hash(HasTag("Praha")) == hash(HasTag("praha"))
    assert HasTag(" PRAHA ").label == " PRAHA "
    assert SpeaksLanguage(" DE ") == SpeaksLanguage("de")
    assert FieldEquals("Driving_Licence", "B") == FieldEquals("driving_licence", "B")
    assert ResidenceWithin(25) == ResidenceWithin(25.0, DistanceUnit.KM)
    assert ResidenceWithin(25) != ResidenceWithin(25, DistanceUnit.MILES)
    assert ExcludeHiredWithin(30) != ExcludeRejectedWithin(30)
    assert SubmissionsInStructure(locations=["cz", "sk"]) == SubmissionsInStructure(
        locations=["sk", "cz"]
    )


@pytest.mark.parametrize(
    "operation",
    [
        lambda: GERMAN & 1,
        lambda: 1 & GERMAN,
        lambda: GERMAN | "cashier",
        lambda: "cashier" | GERMAN,
        lambda: GERMAN & (lambda candidate: True),
        lambda: all_of(GERMAN, "cashier"),
        lambda: any_of("cashier"),
        lambda: not_(3),
        lambda: AllOf((GERMAN, 1)),
        lambda: AnyOf(["x", GERMAN]),
        lambda: Not("x"),
    ],
    ids=[
        "and-int",
        "int-and",
        "or-str",
        "str-or",
        "and-callable",
        "all_of",
        "any_of",
        "not_",
        "AllOf",
        "AnyOf",
        "Not",
    ],
)
def test_en1_non_criterion_operand_is_a_type_error(operation: object) -> None:
    """EN1: a non-criterion operand (even a callable) is a TypeError, never a silent node."""
    with pytest.raises(TypeError):
        operation()  # type: ignore[operator]


def test_en1_composites_are_never_empty() -> None:
    """EN1, EN2: an empty AllOf/AnyOf (which no document could hold) cannot be built."""
    with pytest.raises(ValueError, match="EVERYONE"):
        AllOf(())
    with pytest.raises(ValueError, match="EVERYONE"):
        AnyOf([])


def test_en1_trees_are_immutable() -> None:
    """EN1: nodes are frozen; children are held in a tuple even when given a list."""
    tree = AllOf([GERMAN, CASHIER])
    assert tree.children == (GERMAN, CASHIER)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        tree.children = ()  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        GERMAN.code = "en"  # type: ignore[misc]
    hash(tree)


def test_en1_repr_is_readable() -> None:
    """EN1: the repr shows the tree as code that would build it."""
    assert repr(GERMAN & CASHIER & BRNO) == (
        "AllOf(children=(SpeaksLanguage(code='de'), Keywords(text='cashier'), "
        "HasTag(label='Brno')))"
    )
    assert repr(~ExcludeHiredWithin(30)) == "Not(child=ExcludeHiredWithin(days=30))"
    assert repr(EVERYONE) == "Everyone()"


def test_en3_describe_reads_as_a_sentence() -> None:
    """EN3: every node describes itself in words a manager reads."""
    assert (GERMAN & ~BRNO).describe() == "all of: speaks de; not (tagged 'Brno')"
    assert (GERMAN | CASHIER).describe() == "any of: speaks de; keywords 'cashier'"
    assert ResidenceWithin(10, DistanceUnit.MILES).describe() == "lives within 10 miles of the job"
    assert ExcludeHiredWithin(30).describe() == "not hired in the last 30 days"
    assert ExcludeRejectedWithin(7).describe() == "not rejected in the last 7 days"
    assert SubmissionsInStructure(
        organizations=["retail"], job_fields=["cashier", "barista"]
    ).describe() == ("applied within organization in retail; job field in barista, cashier")
    assert FieldEquals("shift", "night").describe() == "shift is 'night'"
    assert ConsentValid().describe() == "data-processing consent is valid"


def test_en1_walk_visits_every_node_depth_first() -> None:
    """EN1: walk yields the node and everything below it, in order."""
    tree = (GERMAN | ~CASHIER) & BRNO
    assert list(tree.walk()) == [
        tree,
        GERMAN | ~CASHIER,
        GERMAN,
        ~CASHIER,
        CASHIER,
        BRNO,
    ]


@given(criteria(), criteria())
def test_en1_combinators_keep_trees_normal(a: Criterion, b: Criterion) -> None:
    """EN1: &, | and ~ of normal trees are normal: flat, no double negation, no EVERYONE inside."""
    assert is_normal(a)
    assert is_normal(b)
    for combined in (a & b, a | b, ~a, ~(a & b), all_of(a, EVERYONE, b)):
        assert is_normal(combined)


@given(criteria(max_leaves=4), criteria(max_leaves=4), criteria(max_leaves=4))
def test_en1_and_or_are_associative_as_trees(a: Criterion, b: Criterion, c: Criterion) -> None:
    """EN1: flattening makes grouping invisible: (a & b) & c == a & (b & c), same for |."""
    assert (a & b) & c == a & (b & c)
    assert (a | b) | c == a | (b | c)


@given(criteria())
def test_en1_identities_hold_for_any_tree(c: Criterion) -> None:
    """EN1: ~~c == c, c & EVERYONE == c, c | EVERYONE is EVERYONE, for every tree."""
    assert ~~c == c
    assert c & EVERYONE == c
    assert c | EVERYONE is EVERYONE
    assert hash(~~c) == hash(c)


# --- leaf validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "path"),
    [
        (lambda: Keywords("!!! ..."), "keywords.text"),
        (lambda: Keywords(5), "keywords.text"),
        (lambda: HasTag("   "), "tag.label"),
        (lambda: SpeaksLanguage(" "), "language.code"),
        (lambda: SpeaksLanguage(None), "language.code"),
        (lambda: FieldEquals("", "B"), "field.name"),
        (lambda: FieldEquals("shift", " "), "field.value"),
        (lambda: ExcludeHiredWithin(0), "exclude_hired_within.days"),
        (lambda: ExcludeHiredWithin(36_501), "exclude_hired_within.days"),
        (lambda: ExcludeRejectedWithin(True), "exclude_rejected_within.days"),
        (lambda: ExcludeRejectedWithin(1.5), "exclude_rejected_within.days"),
        (lambda: ResidenceWithin(0), "radius.distance"),
        (lambda: ResidenceWithin(float("nan")), "radius.distance"),
        (lambda: ResidenceWithin(5, "km"), "radius.unit"),
        (SubmissionsInStructure, "structure"),
        (lambda: SubmissionsInStructure(locations="praha"), "structure"),
        (lambda: SubmissionsInStructure(locations=[""]), "structure"),
    ],
)
def test_en2_bad_leaf_values_raise_criteria_error_with_path(make: object, path: str) -> None:
    """EN2: a leaf refuses bad values with the one criteria error, naming kind and field."""
    with pytest.raises(CriteriaError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: ")


def test_en1_window_bounds_are_accepted() -> None:
    """AP4: 1 day and 36,500 days (a hundred years) are the accepted window bounds."""
    assert ExcludeHiredWithin(1).days == 1
    assert ExcludeRejectedWithin(36_500).days == 36_500


# --- AP4: the basic set and its defaults -------------------------------------------------


def test_ap4_defaults_are_those_the_seed_shows() -> None:
    """AP4: exclude expired submissions and hired in the last 30 days are on; the rest off."""
    defaults = AutopoolCriteria()
    assert defaults.exclude_in_selection_process is False
    assert defaults.profile_language_must_match is False
    assert defaults.exclude_expired_submissions is True
    assert defaults.exclude_rejected_within_days is None
    assert defaults.exclude_hired_within_days == 30
    assert defaults.radius is None
    assert defaults.structure is None
    assert defaults.require_valid_consent is False
    assert defaults.advanced is EVERYONE


def test_ap4_default_criteria_as_a_tree() -> None:
    """AP4: the defaults are two terms: an unexpired submission elsewhere, not hired in 30 days."""
    assert AutopoolCriteria().terms() == (ExcludeExpiredSubmissions(), ExcludeHiredWithin(30))
    assert AutopoolCriteria().criterion() == ExcludeExpiredSubmissions() & ExcludeHiredWithin(30)


def test_ap4_every_basic_criterion_in_a_fixed_order() -> None:
    """AP4: with everything on, the terms are the basic set in order, then the advanced parts."""
    structure = SubmissionsInStructure(locations=["cz"])
    saved = AutopoolCriteria(
        exclude_in_selection_process=True,
        profile_language_must_match=True,
        exclude_rejected_within_days=14,
        exclude_hired_within_days=60,
        radius=NEAR,
        structure=structure,
        require_valid_consent=True,
        advanced=GERMAN & CASHIER,
    )
    assert saved.terms() == (
        ConsentValid(),
        ExcludeExpiredSubmissions(),
        ExcludeInSelectionProcess(),
        ExcludeHiredWithin(60),
        ExcludeRejectedWithin(14),
        ProfileLanguageMatchesRequisition(),
        structure,
        NEAR,
        GERMAN,
        CASHIER,
    )


def test_ap4_all_off_matches_everyone() -> None:
    """AP4: with every basic criterion off and no advanced tree the pool is the whole universe."""
    off = AutopoolCriteria(exclude_expired_submissions=False, exclude_hired_within_days=None)
    assert off.terms() == ()
    assert off.criterion() is EVERYONE


def test_ap6_structure_counts_expired_only_when_expired_are_not_excluded() -> None:
    """AP6: the structure term ignores expired submissions exactly when they are excluded."""
    structure = SubmissionsInStructure(locations=["cz"], include_expired=True)
    excluded = AutopoolCriteria(structure=structure)
    assert SubmissionsInStructure(locations=["cz"], include_expired=False) in excluded.terms()
    kept = AutopoolCriteria(structure=structure, exclude_expired_submissions=False)
    assert SubmissionsInStructure(locations=["cz"], include_expired=True) in kept.terms()


def test_ap14_account_can_enforce_consent_everywhere() -> None:
    """AP14: an account that enforces consent adds the consent term to every pool."""
    assert ConsentValid() not in AutopoolCriteria().terms()
    assert AutopoolCriteria().terms(enforce_consent=True)[0] == ConsentValid()
    assert AutopoolCriteria(require_valid_consent=True).terms().count(ConsentValid()) == 1
    assert (
        AutopoolCriteria(require_valid_consent=True)
        .terms(enforce_consent=True)
        .count(ConsentValid())
        == 1
    )


def test_ap4_advanced_or_is_one_term() -> None:
    """AP4: an advanced OR stays one term (its parts are alternatives, not separate filters)."""
    assert AutopoolCriteria(advanced=GERMAN | CASHIER).terms()[-1] == GERMAN | CASHIER


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"exclude_hired_within_days": 0}, "autopool.exclude_hired_within_days"),
        ({"exclude_rejected_within_days": 36_501}, "autopool.exclude_rejected_within_days"),
        ({"exclude_rejected_within_days": True}, "autopool.exclude_rejected_within_days"),
        ({"exclude_in_selection_process": "yes"}, "autopool.exclude_in_selection_process"),
        ({"exclude_expired_submissions": 1}, "autopool.exclude_expired_submissions"),
        ({"profile_language_must_match": None}, "autopool.profile_language_must_match"),
        ({"require_valid_consent": "no"}, "autopool.require_valid_consent"),
        ({"advanced": "cashier"}, "autopool.advanced"),
    ],
)
def test_ap4_bad_settings_name_their_field(changes: dict[str, object], path: str) -> None:
    """AP4, EN2: a bad setting raises the criteria error naming the setting."""
    with pytest.raises(CriteriaError) as caught:
        AutopoolCriteria(**changes)  # type: ignore[arg-type]
    assert caught.value.path == path


def test_ap8_quick_filter_validation() -> None:
    """AP8: a quick filter needs a name and a criterion."""
    QuickFilter(QuickFilterId("de"), "Speaks German", GERMAN)
    with pytest.raises(CriteriaError) as caught:
        QuickFilter(QuickFilterId("de"), " ", GERMAN)
    assert caught.value.path == "quick_filter.name"
    with pytest.raises(CriteriaError) as caught:
        QuickFilter(QuickFilterId("de"), "German", "de")  # type: ignore[arg-type]
    assert caught.value.path == "quick_filter.criteria"


def test_ap4_structure_selection() -> None:
    """AP4: a structure criterion keeps its selection per dimension as node ids."""
    s = SubmissionsInStructure(organizations=["retail"], locations=("cz", "sk"))
    assert s.organizations == frozenset({NodeId("retail")})
    assert s.locations == frozenset({NodeId("cz"), NodeId("sk")})
    assert s.job_fields == frozenset()
    assert s.include_expired is False


@pytest.mark.parametrize(
    ("field", "value"), [("radius", 5), ("structure", "brno"), ("radius", SpeaksLanguage("de"))]
)
def test_ap4_radius_and_structure_must_be_their_criteria(field: str, value: object) -> None:
    """AP4: a saved radius or structure of the wrong type is refused, naming the field."""
    with pytest.raises(CriteriaError, match=rf"^autopool\.{field}: must be a"):
        AutopoolCriteria(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "build",
    [
        lambda: AllOf((GERMAN,)),
        lambda: AnyOf((GERMAN,)),
        lambda: AllOf((AllOf((GERMAN, CASHIER)), BRNO)),
        lambda: AnyOf((AnyOf((GERMAN, CASHIER)), BRNO)),
        lambda: AllOf((EVERYONE, GERMAN)),
        lambda: AnyOf((EVERYONE, GERMAN)),
        lambda: Not(Not(GERMAN)),
    ],
)
def test_en1_only_normal_trees_can_be_built(build: Callable[[], Criterion]) -> None:
    """EN1, EN2: a tree the combinators would have written otherwise is refused, so every
    tree that exists is in the one form documents read back into (round trip = identity)."""
    with pytest.raises(ValueError, match=r"at least two children|cannot hold"):
        build()


@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_ap4_ap12_a_blank_node_is_refused_by_criteria_and_repooling_rules_alike(blank: str) -> None:
    """One rule for a selection of structure nodes (AP4, AP12)."""
    from talentpool.errors import CriteriaError, DomainError
    from talentpool.model import RepoolingRule

    with pytest.raises(CriteriaError, match="structure: must be non-blank node ids"):
        SubmissionsInStructure(organizations=[blank])
    with pytest.raises(DomainError, match="must be non-blank node ids"):
        RepoolingRule("r", "Idle", 30, organizations=[blank])
    with pytest.raises(CriteriaError, match="not one value"):
        SubmissionsInStructure(organizations="retail")  # type: ignore[arg-type]


# --- EN1: only the library's own node classes are criteria -------------------------------


class MyTag(HasTag):
    """A host's subclass of a leaf."""


class Foreign(Criterion):
    """A host's own criterion class."""

    kind = "tag"

    def describe(self) -> str:
        return "foreign"


FOREIGN: list[Callable[[], Criterion]] = [lambda: MyTag("Brno"), Foreign]


@pytest.mark.parametrize("make", FOREIGN, ids=["leaf-subclass", "foreign-criterion"])
def test_en1_foreign_criterion_classes_are_refused_when_built(
    make: Callable[[], Criterion],
) -> None:
    """EN1: a subclass of a leaf or a foreign Criterion is refused by every builder."""
    node = make()
    builders: list[Callable[[], object]] = [
        lambda: all_of(node),
        lambda: all_of(GERMAN, node),
        lambda: any_of(node),
        lambda: any_of(GERMAN, node),
        lambda: not_(node),
        lambda: GERMAN & node,
        lambda: node & GERMAN,
        lambda: GERMAN | node,
        lambda: node | GERMAN,
        lambda: ~node,
        lambda: AllOf((GERMAN, node)),
        lambda: AnyOf((GERMAN, node)),
        lambda: Not(node),
        lambda: AutopoolCriteria(advanced=node),
        lambda: QuickFilter(QuickFilterId("q"), "Q", node),
    ]
    for build in builders:
        with pytest.raises(CriteriaError, match="not one of the library's criteria"):
            build()


def test_en1_foreign_criterion_classes_are_refused_when_saved() -> None:
    """EN1: a foreign node slipped past the builders is refused when written or bound."""
    from talentpool.serialization import autopool_to_dict, criteria_to_dict

    saved = AutopoolCriteria()
    object.__setattr__(saved, "advanced", MyTag("Brno"))
    with pytest.raises(CriteriaError, match="not one of the library's criteria"):
        autopool_to_dict(saved)
    with pytest.raises(CriteriaError, match="not one of the library's criteria"):
        criteria_to_dict(Foreign())


def test_en1_subclasses_of_basic_leaves_are_refused_as_settings() -> None:
    """EN1: the radius and structure settings take exactly their leaf class."""

    class MyRadius(ResidenceWithin):
        pass

    with pytest.raises(CriteriaError, match=r"^autopool\.radius: "):
        AutopoolCriteria(radius=MyRadius(10))


def test_en2_a_quick_filter_the_reader_would_refuse_is_refused_when_built() -> None:
    """EN2: a quick filter's id or name over 200 characters would not read back: refused."""
    from talentpool.criteria import QuickFilter, SpeaksLanguage
    from talentpool.errors import CriteriaError
    from talentpool.serialization import quick_filter_from_dict, quick_filter_to_dict

    longest = QuickFilter("q" * 200, "n" * 200, SpeaksLanguage("de"))
    assert quick_filter_from_dict(quick_filter_to_dict(longest)) == longest
    for bad in (("q" * 201, "German"), ("q-1", "n" * 201)):
        with pytest.raises(CriteriaError, match="at most 200 characters"):
            QuickFilter(*bad, SpeaksLanguage("de"))
