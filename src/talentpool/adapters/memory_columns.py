"""The in-memory store's submissions, held as columns rather than objects (PF4).

A million candidates bring about three million submissions. As objects each took
about 330 bytes: the object, its id and three or four ``datetime`` objects. The
:class:`SubmissionTable` keeps one row of columns per submission instead: the
instants as whole microseconds in arrays with a one-byte code for their time
zone, the status as one byte, the ids as references to the strings the store
already holds. A read builds the :class:`~talentpool.model.Submission` again,
equal to the one saved and in the same zones, without validating it again: it
was valid when saved.

An instant comes back in its zone as the zone itself would name it. The few
that would not (a wall time inside a zone's spring-forward gap, a zone object
the table has no code left for) are kept as they were given, so every read
gives back exactly what was saved.

The store's index reads the columns directly (:meth:`SubmissionTable.summary`),
never building a submission, and so does the repooling job's scan for idle
submissions (:meth:`SubmissionTable.idle`).

    >>> from datetime import UTC, datetime
    >>> from talentpool.model import Submission
    >>> table = SubmissionTable()
    >>> saved = Submission("s-1", "c-1", "r-1", datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    >>> table["s-1"] = saved
    >>> table["s-1"] == saved, len(table)
    (True, 1)
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Hashable, Iterable, Iterator, Mapping, MutableMapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TypeVar, cast

from talentpool.clock import micros, require_aware
from talentpool.ids import CandidateId, RequisitionId, SubmissionId
from talentpool.model import Rejection, Submission, SubmissionStatus

__all__ = ["ALWAYS", "NEVER", "SubmissionSummary", "SubmissionTable"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_STATUSES = tuple(SubmissionStatus)
_STATUS_CODE = {status: code for code, status in enumerate(_STATUSES)}
_AS_GIVEN = 255
"""The zone code of an instant kept as given (see the module's notes)."""
_NO_ZONE = 254
"""The zone code of a missing instant (no expiry)."""
_ZONES_MOST = 254

_P = TypeVar("_P", bound=Hashable)
_K = TypeVar("_K")

SubmissionSummary = tuple[int, int, int, int, int, dict[_P, int]]
"""What :meth:`SubmissionTable.summary` gives: five instants and the expiry per place."""

_DAY = 86_400_000_000
NEVER = -(2**62 // _DAY) * _DAY
"""No instant: before every other (a candidate never hired, say)."""
ALWAYS = (2**62 // _DAY) * _DAY
"""After every instant: a submission that never expires."""
_OPEN = frozenset(_STATUS_CODE[s] for s in SubmissionStatus if s.is_open)
_HIRED = _STATUS_CODE[SubmissionStatus.HIRED]
_REJECTED = _STATUS_CODE[SubmissionStatus.REJECTED]

_Extra = tuple[str | None, frozenset[str], Rejection | None]


class SubmissionTable(MutableMapping[SubmissionId, Submission]):
    """Submissions by id, one row of columns each, in the order first saved."""

    def __init__(self) -> None:
        self._rows: dict[SubmissionId, int] = {}
        self._ids: list[SubmissionId | None] = []  # None: a free row
        self._free: list[int] = []
        self._candidates: list[CandidateId] = []
        self._requisitions: list[RequisitionId] = []
        self._statuses = bytearray()
        # submitted, status changed, last activity, expires
        self._instants = tuple(array("q") for _ in range(4))
        self._zone_codes = tuple(bytearray() for _ in range(4))
        self._extras: list[_Extra | None] = []  # step, shares and rejection, when any
        self._given: dict[tuple[int, int], datetime] = {}  # (row, column): kept as given
        self._zones: list[tzinfo] = []
        self._zone_code: dict[int, int] = {}  # id of a zone object -> its code

    # --- the mapping ------------------------------------------------------------------

    def __getitem__(self, key: SubmissionId) -> Submission:
        return self._build(self._rows[key])

    def __setitem__(self, key: SubmissionId, value: Submission) -> None:
        row = self._rows.get(key)
        if row is None:
            row = self._new_row(key)
        self._write(row, value)

    def __delitem__(self, key: SubmissionId) -> None:
        row = self._rows.pop(key)
        # a freed row keeps nothing of what it held: an erased candidate's id included (DM6)
        self._ids[row] = None
        self._candidates[row] = CandidateId("")
        self._requisitions[row] = RequisitionId("")
        self._extras[row] = None
        for column in range(4):
            self._given.pop((row, column), None)
        self._free.append(row)

    def __iter__(self) -> Iterator[SubmissionId]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    # --- reads without building a submission ------------------------------------------

    def summary(
        self, keys: Iterable[SubmissionId], place_of: Mapping[RequisitionId, _P]
    ) -> SubmissionSummary[_P]:
        """What the store's index holds of one candidate's submissions *keys*.

        The latest expiry of an open submission and of any (:data:`ALWAYS`: one
        never expires), the latest move to rejected, the latest submission, the
        latest move to hired (each :data:`NEVER` when there is none), and the
        latest expiry per place applied in: *place_of* maps each requisition to
        its place (the requisition itself, or its place in the structure).
        """
        rows = map(self._rows.__getitem__, keys)
        for _, found in self._summaries(zip(itertools.repeat(None), rows), place_of):
            return found  # one run: every row is of the same owner here
        return (NEVER, NEVER, NEVER, NEVER, NEVER, {})

    def summaries(
        self, place_of: Mapping[RequisitionId, _P]
    ) -> Iterator[tuple[CandidateId, SubmissionSummary[_P]]]:
        """The :meth:`summary` of every candidate's submissions, in one pass over the rows.

        The rows are read in the order first saved, without looking an id up
        (PF4's index build). A candidate whose submissions were saved together,
        as an import saves them, comes once; one whose were saved apart comes
        once for each run of them, each time with that run's summary only.
        """
        rows = self._rows.values()
        owned = zip(map(self._candidates.__getitem__, rows), rows, strict=True)
        return self._summaries(owned, place_of)

    def _summaries(
        self, owned: Iterable[tuple[_K, int]], place_of: Mapping[RequisitionId, _P]
    ) -> Iterator[tuple[_K, SubmissionSummary[_P]]]:
        """The summary of each run of rows of one owner in *owned* (owner, row), with it."""
        statuses, codes = self._statuses, self._zone_codes[3]
        submitted, changed, ends = self._instants[0], self._instants[1], self._instants[3]
        requisitions = self._requisitions
        owner: _K | None = None
        started = False
        active = unexpired = rejected = latest = hired = NEVER
        by_place: dict[_P, int] = {}
        # comparisons rather than max(): a call each costs more than the rest (PF4's build)
        for key, row in owned:
            if key != owner or not started:
                if started:
                    yield cast(_K, owner), (active, unexpired, rejected, latest, hired, by_place)
                owner, started = key, True
                active = unexpired = rejected = latest = hired = NEVER
                by_place = {}
            expires = ALWAYS if codes[row] == _NO_ZONE else ends[row]
            if expires > unexpired:  # noqa: PLR1730
                unexpired = expires
            status = statuses[row]
            if status in _OPEN:
                if expires > active:  # noqa: PLR1730
                    active = expires
            elif status == _HIRED:
                if changed[row] > hired:  # noqa: PLR1730
                    hired = changed[row]
            elif status == _REJECTED and changed[row] > rejected:
                rejected = changed[row]
            if submitted[row] > latest:  # noqa: PLR1730
                latest = submitted[row]
            place = place_of[requisitions[row]]
            if expires > by_place.get(place, NEVER):
                by_place[place] = expires
        if started:
            yield cast(_K, owner), (active, unexpired, rejected, latest, hired, by_place)

    def latest(
        self, keys: Iterable[SubmissionId], excluding: RequisitionId | None
    ) -> tuple[datetime | None, datetime | None]:
        """When the latest of *keys* not on *excluding* was submitted, and the latest activity.

        The dates of a pool's row (:func:`~talentpool.results.make_row`), read from the
        columns: of equal instants the first in *keys* wins, each in its own zone.
        """
        rows, requisitions = self._rows, self._requisitions
        submitted, activity = self._instants[0], self._instants[2]
        first = last = -1
        for key in keys:
            row = rows[key]
            if requisitions[row] == excluding:
                continue
            if first < 0 or submitted[row] > submitted[first]:
                first = row
            if last < 0 or activity[row] > activity[last]:
                last = row
        if first < 0:
            return None, None
        return self._moment(first, 0), self._moment(last, 2)

    def idle(self, before: datetime) -> list[Submission]:
        """The open submissions last active strictly before *before*, in the order saved."""
        cutoff = micros(require_aware("before", before))
        activity, statuses = self._instants[2], self._statuses
        return [
            self._build(row)
            for row in self._rows.values()
            if _STATUSES[statuses[row]].is_open and activity[row] < cutoff
        ]

    # --- rows -------------------------------------------------------------------------

    def _new_row(self, key: SubmissionId) -> int:
        if self._free:
            row = self._free.pop()
            self._ids[row] = key
        else:
            row = len(self._ids)
            self._ids.append(key)
            self._candidates.append(CandidateId(""))
            self._requisitions.append(RequisitionId(""))
            self._statuses.append(0)
            for values, codes in zip(self._instants, self._zone_codes, strict=True):
                values.append(0)
                codes.append(_NO_ZONE)
            self._extras.append(None)
        self._rows[key] = row
        return row

    def _write(self, row: int, s: Submission) -> None:
        self._candidates[row] = s.candidate_id
        self._requisitions[row] = s.requisition_id
        self._statuses[row] = _STATUS_CODE[s.status]
        moments = (s.submitted_at, s.status_changed_at, s.last_activity_at, s.expires_at)
        for column, moment in enumerate(moments):
            self._put_instant(row, column, moment)
        plain = s.step is None and not s.shared_with and s.rejection is None
        self._extras[row] = None if plain else (s.step, s.shared_with, s.rejection)

    def _put_instant(self, row: int, column: int, moment: datetime | None) -> None:
        self._given.pop((row, column), None)
        values, codes = self._instants[column], self._zone_codes[column]
        if moment is None:
            values[row], codes[row] = 0, _NO_ZONE
            return
        value = micros(moment)
        values[row] = value
        code = self._code(moment.tzinfo)
        if code is not None and _same(self._instant(value, code), moment):
            codes[row] = code
        else:
            codes[row] = _AS_GIVEN
            self._given[row, column] = moment

    def _code(self, zone: tzinfo | None) -> int | None:
        """The code of *zone*, given one now if there is room; ``None`` when there is not."""
        assert zone is not None  # submissions hold aware instants only
        code = self._zone_code.get(id(zone))
        if code is None and len(self._zones) < _ZONES_MOST:
            code = self._zone_code[id(zone)] = len(self._zones)
            self._zones.append(zone)  # held, so its id stays its own
        return code

    def _instant(self, value: int, code: int) -> datetime:
        moment = _EPOCH + timedelta(microseconds=value)
        zone = self._zones[code]
        return moment if zone is UTC else moment.astimezone(zone)

    def _moment(self, row: int, column: int) -> datetime | None:
        code = self._zone_codes[column][row]
        if code == _NO_ZONE:
            return None
        if code == _AS_GIVEN:
            return self._given[row, column]
        return self._instant(self._instants[column][row], code)

    def _build(self, row: int) -> Submission:
        s = object.__new__(Submission)
        put = object.__setattr__
        put(s, "id", self._ids[row])
        put(s, "candidate_id", self._candidates[row])
        put(s, "requisition_id", self._requisitions[row])
        put(s, "submitted_at", self._moment(row, 0))
        put(s, "status", _STATUSES[self._statuses[row]])
        put(s, "status_changed_at", self._moment(row, 1))
        put(s, "last_activity_at", self._moment(row, 2))
        put(s, "expires_at", self._moment(row, 3))
        extra = self._extras[row]
        step, shared, rejection = (None, frozenset(), None) if extra is None else extra
        put(s, "step", step)
        put(s, "shared_with", shared)
        put(s, "rejection", rejection)
        return s


def _same(rebuilt: datetime, given: datetime) -> bool:
    """Whether *rebuilt* is *given* to the letter: the same instant, wall time and fold."""
    return (
        rebuilt.tzinfo is given.tzinfo
        and rebuilt.replace(tzinfo=None) == given.replace(tzinfo=None)
        and rebuilt.fold == given.fold
    )
