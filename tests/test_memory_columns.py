"""PF4: the in-memory store's submissions as columns give back exactly what was saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.adapters.memory_columns import ALWAYS, NEVER, SubmissionTable, micros
from talentpool.clock import utc
from talentpool.ids import RequisitionId, SubmissionId
from talentpool.model import Rejection, Submission, SubmissionStatus
from talentpool.testing.strategies import aware_datetimes

PRAGUE = ZoneInfo("Europe/Prague")
T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
FIELDS = ("submitted_at", "status_changed_at", "last_activity_at", "expires_at")


def _to_the_letter(got: Submission, saved: Submission) -> None:
    """Equal, and each instant in the same zone object with the same wall time and fold."""
    assert got == saved
    for name in FIELDS:
        a, b = getattr(got, name), getattr(saved, name)
        if b is None:
            assert a is None
            continue
        assert a.tzinfo is b.tzinfo, name
        assert (a.replace(tzinfo=None), a.fold) == (b.replace(tzinfo=None), b.fold), name


@st.composite
def submissions(draw: st.DrawFn, sid: str = "s-1") -> Submission:
    submitted = draw(aware_datetimes())
    status = draw(st.sampled_from(list(SubmissionStatus)))
    rejected = status is SubmissionStatus.REJECTED and draw(st.booleans())
    return Submission(
        sid,
        draw(st.sampled_from(["c-1", "c-2"])),
        draw(st.sampled_from(["r-1", "r-2"])),
        submitted,
        status,
        status_changed_at=draw(aware_datetimes()),
        last_activity_at=draw(aware_datetimes()),
        expires_at=draw(st.none() | aware_datetimes()),
        step=draw(st.none() | st.sampled_from(["Interview", "Offer"])),
        shared_with=draw(st.frozensets(st.sampled_from(["u-1", "u-2"]))),
        rejection=Rejection(("too far",), "moved") if rejected else None,
    )


@given(st.lists(submissions(), min_size=1, max_size=4))
def test_pf4_every_submission_comes_back_to_the_letter(versions: list[Submission]) -> None:
    """Saved, replaced again and again: the last one saved comes back, zones, gaps and folds too."""
    table = SubmissionTable()
    for version in versions:
        table["s-1"] = version
        _to_the_letter(table["s-1"], version)
    assert list(table) == ["s-1"]


def _filled(saved: list[Submission]) -> tuple[SubmissionTable, list[SubmissionId]]:
    """A table holding *saved*, each under an id of its own, and those ids in order."""
    table = SubmissionTable()
    keys = [SubmissionId(f"s-{n}") for n in range(len(saved))]
    for key, submission in zip(keys, saved, strict=True):
        table[key] = attrs.evolve(submission, id=key)
    return table, keys


@given(st.lists(submissions(), max_size=6))
def test_pf4_the_index_reads_the_instants_of_the_columns(saved: list[Submission]) -> None:
    table, keys = _filled(saved)
    expiries = [ALWAYS if s.expires_at is None else micros(s.expires_at) for s in saved]
    # two requisitions may share a place: the latest expiry per place is kept
    place_of = {s.requisition_id: len(s.requisition_id) % 2 for s in saved}
    by_place: dict[int, int] = {}
    for s, expires in zip(saved, expiries, strict=True):
        place = place_of[s.requisition_id]
        by_place[place] = max(by_place.get(place, NEVER), expires)

    def latest(values: list[int]) -> int:
        return max(values, default=NEVER)

    def changed(status: SubmissionStatus) -> list[int]:
        return [micros(s.status_changed_at) for s in saved if s.status is status]

    assert table.summary(keys, place_of) == (
        latest([e for s, e in zip(saved, expiries, strict=True) if s.status.is_open]),
        latest(expiries),
        latest(changed(SubmissionStatus.REJECTED)),
        latest([micros(s.submitted_at) for s in saved]),
        latest(changed(SubmissionStatus.HIRED)),
        by_place,
    )


@given(st.lists(submissions(), max_size=6), st.sampled_from([None, "r-1", "r-2"]))
def test_pf1_a_rows_dates_read_from_the_columns_are_the_records(
    saved: list[Submission], excluding: str | None
) -> None:
    """The latest submission and activity elsewhere: the same instants, zones and firsts."""
    table, keys = _filled(saved)
    others = [s for s in saved if s.requisition_id != excluding]
    submitted = max((s.submitted_at for s in others), key=utc, default=None)
    active = max((s.last_activity_at for s in others), key=utc, default=None)
    got = table.latest(keys, None if excluding is None else RequisitionId(excluding))
    assert got == (submitted, active)
    for mine, theirs in zip(got, (submitted, active), strict=True):
        assert (mine is None) == (theirs is None)
        if mine is not None and theirs is not None:
            assert mine.tzinfo is theirs.tzinfo
            assert mine.replace(tzinfo=None) == theirs.replace(tzinfo=None)


def test_pf4_a_wall_time_in_a_spring_gap_is_kept_as_given() -> None:
    # 02:30 on 29 March 2026 does not exist in Prague: rebuilt from its instant it reads 03:30
    gap = datetime(2026, 3, 29, 2, 30, tzinfo=PRAGUE)
    saved = Submission("s-1", "c-1", "r-1", gap)
    table = SubmissionTable()
    table["s-1"] = saved
    _to_the_letter(table["s-1"], saved)
    assert table["s-1"].submitted_at.hour == 2


def test_pf4_the_later_of_a_repeated_hour_keeps_its_fold() -> None:
    later = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=PRAGUE)
    saved = Submission("s-1", "c-1", "r-1", later)
    table = SubmissionTable()
    table["s-1"] = saved
    _to_the_letter(table["s-1"], saved)


def test_pf4_zones_past_the_codes_are_kept_as_given() -> None:
    table = SubmissionTable()
    saved = [
        Submission(f"s-{i}", "c-1", "r-1", T0.astimezone(timezone(timedelta(minutes=i))))
        for i in range(300)
    ]
    for s in saved:
        table[s.id] = s
    for s in saved:
        _to_the_letter(table[s.id], s)


def test_pf4_removed_rows_are_reused_and_forget_what_they_held() -> None:
    table = SubmissionTable()
    shared = Submission("s-1", "c-1", "r-1", T0, step="Offer", shared_with={"u-1"})
    table["s-1"] = shared
    table["s-2"] = Submission("s-2", "c-2", "r-2", T0)
    del table["s-1"]
    with pytest.raises(KeyError):
        table["s-1"]
    plain = Submission("s-3", "c-3", "r-1", T0 + timedelta(days=1))
    table["s-3"] = plain
    _to_the_letter(table["s-3"], plain)
    assert list(table) == ["s-2", "s-3"]
    assert len(table) == 2
    assert "s-1" not in table


def test_pf4_idle_reads_open_submissions_last_active_before_the_cutoff() -> None:
    table = SubmissionTable()
    cutoff = T0
    rows = {
        "open, idle": (SubmissionStatus.NEW, cutoff - timedelta(microseconds=1)),
        "open, at the cutoff": (SubmissionStatus.IN_PROCESS, cutoff),
        "closed, idle": (SubmissionStatus.HIRED, cutoff - timedelta(days=9)),
        "open, idle elsewhere in time": (
            SubmissionStatus.IN_PROCESS,
            (cutoff - timedelta(hours=1)).astimezone(PRAGUE),
        ),
    }
    for sid, (status, active) in rows.items():
        table[sid] = Submission(
            sid, "c-1", "r-1", active - timedelta(days=1), status, last_activity_at=active
        )
    idle = {s.id for s in table.idle(cutoff.astimezone(PRAGUE))}
    assert idle == {"open, idle", "open, idle elsewhere in time"}
