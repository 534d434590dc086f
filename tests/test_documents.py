"""ST3, MP9: entities read back from their documents equal to what was written."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.documents import from_document, to_document
from talentpool.errors import CriteriaError
from talentpool.model import Candidate, Requisition, Submission
from talentpool.notifications import NotificationChannel, NotificationSettings, NotificationType
from talentpool.structure import Dimension, StructureTree
from talentpool.testing.strategies import WorldSpec, aware_datetimes, worlds

PRAGUE = ZoneInfo("Europe/Prague")


@given(worlds())
def test_st3_every_entity_of_a_world_reads_back_equal(spec: WorldSpec) -> None:
    for kind, items in (
        (Candidate, spec.candidates),
        (Requisition, spec.requisitions.values()),
        (Submission, spec.submissions),
    ):
        for item in items:
            back = from_document(kind, to_document(item))
            assert back == item
            assert to_document(back) == to_document(item)


@given(aware_datetimes())
def test_st3_an_instant_keeps_its_wall_time_zone_and_fold(moment: datetime) -> None:
    back = from_document(datetime, to_document(moment))
    assert back == moment
    assert back.replace(tzinfo=None) == moment.replace(tzinfo=None)
    assert back.utcoffset() == moment.utcoffset()
    assert to_document(back) == to_document(moment)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (
            datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=PRAGUE),
            "2026-10-25T02:30:00+01:00[Europe/Prague]",
        ),
        (datetime(2026, 10, 25, 2, 30, tzinfo=PRAGUE), "2026-10-25T02:30:00+02:00[Europe/Prague]"),
        (datetime(2026, 3, 29, 2, 30, tzinfo=PRAGUE), "2026-03-29T02:30:00+01:00[Europe/Prague]"),
    ],
)
def test_dm3_the_repeated_and_the_skipped_hour_read_back_as_written(
    moment: datetime, text: str
) -> None:
    assert to_document(moment) == text
    back = from_document(datetime, text)
    assert (back.fold, back.utcoffset(), back.tzinfo) == (moment.fold, moment.utcoffset(), PRAGUE)


def test_st3_mappings_and_trees_read_back() -> None:
    tree = StructureTree(Dimension.LOCATION, {"cz": None, "brno": "cz"}, {"brno": "Brno"})
    assert from_document(StructureTree, to_document(tree)) == tree
    assert dict(from_document(StructureTree, to_document(tree)).parents) == dict(tree.parents)
    settings = NotificationSettings("hana").with_channel(
        NotificationChannel.EMAIL, False, NotificationType.NEW_CANDIDATE_IN_MICRO_POOL
    )
    back = from_document(NotificationSettings, to_document(settings))
    assert dict(back.choices) == dict(settings.choices)


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"id": "c", "given_name": "E", "family_name": "N"}, "created_at: is required"),
        ({"id": "c", "given_name": "E", "family_name": "N", "created_at": "x"}, "created_at:"),
        (
            {
                "id": "c",
                "given_name": "E",
                "family_name": "N",
                "created_at": "2026-01-01T00:00:00+00:00[Mars/Olympus]",
            },
            "created_at:",
        ),
        (
            {
                "id": 1,
                "given_name": "E",
                "family_name": "N",
                "created_at": "2026-01-01T00:00:00+00:00",
            },
            "id:",
        ),
        ([], "document:"),
    ],
)
def test_st3_a_bad_document_names_its_path(doc: object, path: str) -> None:
    with pytest.raises(CriteriaError) as caught:
        from_document(Candidate, doc)
    assert str(caught.value).startswith(path)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_st3_any_document_reads_or_raises_the_one_error(doc: object) -> None:
    try:
        got = from_document(Candidate, doc)
    except CriteriaError as e:
        assert e.path  # noqa: PT017 - the one error, naming where the fault is
        return
    assert isinstance(got, Candidate)


def test_st3_a_type_no_document_holds_is_refused_with_the_one_error() -> None:
    with pytest.raises(CriteriaError, match=r"^where: is of a type no stored document holds"):
        from_document(complex, [1, 2], "where")
