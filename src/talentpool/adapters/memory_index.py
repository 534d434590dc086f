"""The in-memory store's candidate index: pools and listings at page speed (PF1, PF3–PF5).

The reference pipeline (:mod:`talentpool.adapters.reference`) judges every
candidate with the :class:`~talentpool.engine.Matcher`; at a million candidates
that takes a minute. This index answers the same bound tree with set
arithmetic instead, and the contract suite checks that it gives the reference's
answer on every query it generates.

**Slots.** Every candidate has a slot, and a set of candidates is an integer
with one bit per slot (:mod:`talentpool.adapters.memory_bits`). When the index
is built, slots are handed out in the order of a quadtree over residences (a
Morton code), so the candidates of any grid cell hold consecutive slots; a
candidate added later, or who moves, takes the next free slot, and the queries
check those few one by one.

**What each bound leaf reads.**

* Tags, languages, the profile language, profile fields and the words of the
  searchable text: postings, one set of slots per value.
* The universe (AP5): who applied at all, less the candidates on the
  requisition and its exclusions.
* "In a selection process", "has an unexpired submission", "hired or rejected
  within X days", a valid consent: per candidate one instant each (the latest
  expiry of an open submission, of any submission, the latest hire, the latest
  rejection, the end of the consent) in a :class:`_Threshold`, which answers
  "whose instant is at or after *t*" from day-aligned cuts kept current by every
  write, and for the day *t* falls in from that day's instants in order.
* A structure selection: the same, per combination of organization, location
  and job field a requisition has.
* A radius: the quadtree's cells well inside the circle are taken whole, those
  well outside dropped, and each candidate in a cell on the edge is decided by
  the straight line to the job (:class:`~talentpool.geo.ChordBand`), with the
  geodesic only for the rare candidate within centimetres of the edge.

A leaf that reads "submissions elsewhere" is answered from these facts over
all submissions when the query's universe already dropped every candidate with
a submission on the requisition itself, which is what every pool does; any
other leaf, and any leaf in a shape the index has no facts for, is decided by
the reference :class:`~talentpool.engine.Matcher` on the candidates still in
play, so the answer is always the reference's.

**Order.** A pool by latest submission and a listing by creation or by name
read the first page from a list of slots sorted once (later changes are merged
in from a small tail), stopping after the page; a small result is sorted
directly. Any other order sorts the pool's rows as the reference does.

Every write keeps the index current (a candidate's facts are recomputed from
the store's tables) and the unit of work's journal undoes it with the write.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import operator
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from talentpool.adapters import collector
from talentpool.adapters.memory_bits import Bits, Ranges, from_slots, slots_of
from talentpool.adapters.memory_columns import ALWAYS, NEVER
from talentpool.clock import micros
from talentpool.engine import Matcher
from talentpool.engine.bound import (
    Bound,
    BoundAll,
    BoundAny,
    BoundConsent,
    BoundField,
    BoundHiredWithin,
    BoundInSelectionProcess,
    BoundKeywords,
    BoundLanguage,
    BoundNot,
    BoundOwnedBy,
    BoundProfileLanguage,
    BoundRadius,
    BoundRejectedWithin,
    BoundStructure,
    BoundTag,
    BoundTracked,
    BoundUnexpired,
    BoundUniverse,
    BoundVisitor,
    Constant,
)
from talentpool.engine.evaluate import within_radius
from talentpool.geo import ChordBand, GeoPoint, ecef, ecef_degrees
from talentpool.ids import CandidateId, NodeId, RequisitionId, UserId
from talentpool.model import Candidate, Dimension, Requisition
from talentpool.tags import Tag
from talentpool.text import fold, words

if TYPE_CHECKING:
    from talentpool.adapters.memory import _Tables

__all__ = ["CandidateIndex"]

_DAY = 86_400_000_000
_CUTS_KEPT = 6
_SHARED_PLACES = 65_536
"""How many day-aligned cuts each threshold keeps current (a few days' queries)."""


Triple = tuple[NodeId | None, NodeId | None, NodeId | None]
"""A requisition's place in the structure: organization, location, job field."""
_SubmissionFacts = tuple[int, int, int, int, int, dict[Triple, int]]
"""The latest expiry of an open submission and of any, the latest rejection, the latest
submission, the latest hire, and the latest expiry per place in the structure."""
_DIMENSIONS = (Dimension.ORGANIZATION, Dimension.LOCATION, Dimension.JOB_FIELD)


# --- building blocks ------------------------------------------------------------------------


class _Postings:
    """The slots that carry one value (a tag, a word…): in order in an array while few, then bits.

    A few slots take 8 bytes each in the array, where a set took about 30 (PF4).
    """

    __slots__ = ("_bits", "_slots", "_value")
    _LIMIT = 2048

    def __init__(self) -> None:
        self._slots: array[int] | None = array("l")
        self._bits: Bits | None = None
        self._value: int | None = 0

    @classmethod
    def of(cls, groups: list[array[int]], *, apart: bool) -> _Postings:
        """The postings of the slots of *groups*, each group in increasing order.

        The build gathers the slots of candidates alike (in a signature, or in one
        searchable part) into groups, and each value's postings are the union of
        its groups, made with C loops only (PF4). When the groups lie *apart*
        (no slot in two of them) their slots need no test for repeats.
        """
        postings = cls()
        if len(groups) == 1:
            postings._slots = array("l", groups[0])  # a copy: other values hold the group too
        elif sum(map(len, groups)) <= cls._LIMIT:
            slots = itertools.chain.from_iterable(groups)
            postings._slots = array("l", sorted(slots if apart else set(slots)))
        else:
            postings._slots = None
            postings._bits = Bits.of(from_slots(list(itertools.chain.from_iterable(groups))))
            return postings
        postings._value = None
        if len(postings._slots) > cls._LIMIT:
            postings._bits, postings._slots = Bits.of(from_slots(postings._slots)), None
        return postings

    def add(self, slot: int) -> None:
        slots = self._slots
        if slots is None:
            assert self._bits is not None
            self._bits.add(slot)
            return
        i = bisect.bisect_left(slots, slot)
        if i < len(slots) and slots[i] == slot:
            return
        slots.insert(i, slot)
        self._value = None
        if len(slots) > self._LIMIT:
            self._bits, self._slots = Bits.of(from_slots(slots)), None

    def discard(self, slot: int) -> None:
        slots = self._slots
        if slots is None:
            assert self._bits is not None
            self._bits.discard(slot)
            return
        i = bisect.bisect_left(slots, slot)
        if i < len(slots) and slots[i] == slot:
            del slots[i]
            self._value = None

    def is_empty(self) -> bool:
        if self._slots is not None:
            return not self._slots
        assert self._bits is not None
        return self._bits.value == 0

    def memory(self) -> int:
        if self._bits is not None:
            return self._bits.memory()
        assert self._slots is not None
        cached = 0 if self._value is None else self._value.bit_length() // 8
        return sys.getsizeof(self._slots) + cached

    @property
    def value(self) -> int:
        if self._bits is not None:
            return self._bits.value
        if self._value is None:
            assert self._slots is not None
            self._value = from_slots(self._slots)
        return self._value


class _Index(dict[object, _Postings]):
    """Postings by value."""

    def put(self, value: object, slot: int) -> None:
        postings = self.get(value)
        if postings is None:
            postings = self[value] = _Postings()
        postings.add(slot)

    def drop(self, value: object, slot: int) -> None:
        postings = self.get(value)
        if postings is not None:
            postings.discard(slot)
            if postings.is_empty():
                # a value nobody carries any more is forgotten: an erased candidate's
                # words must not stay behind as keys (DM6)
                del self[value]

    def bits(self, value: object) -> int:
        postings = self.get(value)
        return 0 if postings is None else postings.value


class _Threshold:
    """Per slot one instant (or :data:`NEVER`); answers "whose instant is at or after *t*".

    The answer is a day-aligned cut (a set of the slots at or after midnight
    UTC) kept current by every write, with the slots of the day of *t* from that
    day's instants in order. A cut and a day are made the first time a query
    needs them, from one pass over the instants, and the last few are kept. The
    few slots that have an instant are kept in order in one array and their
    instants in another: 12 bytes a slot, where a dictionary took about 100 (PF4).
    """

    __slots__ = ("_cuts", "_days", "_instants", "_slots", "version")

    def __init__(self) -> None:
        self._slots = array("l")
        self._instants = array("q")
        self._cuts: dict[int, Bits] = {}
        self._days: dict[int, list[tuple[int, int]]] = {}  # (instant, slot) of a day, sorted
        self.version = 0
        """Counts the changes, so a union of cuts can be kept until one of them changes."""

    def append(self, slot: int, value: int) -> None:
        """Give *slot*, above every slot held, the instant *value*: how the build adds them."""
        self._slots.append(slot)
        self._instants.append(value)

    def get(self, slot: int) -> int:
        slots = self._slots
        i = bisect.bisect_left(slots, slot)
        return self._instants[i] if i < len(slots) and slots[i] == slot else NEVER

    def memory(self) -> int:
        # the slots and instants, the cuts and the days' sorted instants
        held = sys.getsizeof(self._slots) + sys.getsizeof(self._instants)
        cuts = sum(b.memory() for b in self._cuts.values())
        days = sum(sys.getsizeof(d) + 120 * len(d) for d in self._days.values())
        return held + cuts + days

    def _put(self, slot: int, value: int) -> None:
        slots, instants = self._slots, self._instants
        i = bisect.bisect_left(slots, slot)
        if i < len(slots) and slots[i] == slot:
            if value == NEVER:
                del slots[i], instants[i]
            else:
                instants[i] = value
        elif value != NEVER:
            slots.insert(i, slot)
            instants.insert(i, value)

    def _scan(self, bound: int) -> list[int]:
        return [s for s, v in zip(self._slots, self._instants, strict=True) if v >= bound]

    def set(self, slot: int, value: int) -> None:
        old = self.get(slot)
        if old == value:
            return
        self.version += 1
        self._put(slot, value)
        for bound, bits in self._cuts.items():
            if value >= bound:
                bits.add(slot)
            elif old >= bound:
                bits.discard(slot)
        for day, within in self._days.items():
            if day <= old < day + _DAY:
                del within[bisect.bisect_left(within, (old, slot))]
            if day <= value < day + _DAY:
                bisect.insort(within, (value, slot))

    def cut(self, bound: int) -> int:
        """The slots whose instant is at or after *bound*, a midnight (UTC)."""
        bits = self._cuts.pop(bound, None)
        if bits is None:
            bits = Bits.of(from_slots(self._scan(bound)))
            if len(self._cuts) >= _CUTS_KEPT:
                del self._cuts[next(iter(self._cuts))]
        self._cuts[bound] = bits  # most recently used last
        return bits.value

    def at_least(self, moment: int) -> int:
        """The slots whose instant is at or after *moment*."""
        bound, extra = self.parts(moment)
        return self.cut(bound) | from_slots(extra)

    def parts(self, moment: int) -> tuple[int, list[int]]:
        """The answer of :meth:`at_least` in two parts: a cut's bound and a few more slots."""
        day = moment // _DAY * _DAY
        if day == moment:
            return day, []
        within = self._day(day)
        start = bisect.bisect_left(within, (moment, -1))
        return day + _DAY, [s for _, s in within[start:]]

    def _day(self, day: int) -> list[tuple[int, int]]:
        """The slots whose instant falls on the day from *day*, by instant."""
        within = self._days.pop(day, None)
        if within is None:
            get = self.get
            on_the_day = self.cut(day) & ~self.cut(day + _DAY)
            within = sorted((get(s), s) for s in slots_of(on_the_day))
            if len(self._days) >= _CUTS_KEPT:
                del self._days[next(iter(self._days))]
        self._days[day] = within  # most recently used last
        return within

    def after(self, moment: int) -> int:
        """The slots whose instant is strictly after *moment*."""
        return self.at_least(moment + 1)


class _DenseThreshold(_Threshold):
    """A threshold most slots have an instant in: the instants in an array, 8 bytes a slot."""

    __slots__ = ("_array",)

    def __init__(self) -> None:
        super().__init__()
        self._array = array("q")

    @classmethod
    def of(cls, values: array[int]) -> _DenseThreshold:
        """The threshold of *values*, one per slot (the array is kept, not copied)."""
        threshold = cls()
        threshold._array = values
        return threshold

    def get(self, slot: int) -> int:
        return self._array[slot] if slot < len(self._array) else NEVER

    def memory(self) -> int:
        held = sys.getsizeof(self._slots) + sys.getsizeof(self._instants)
        return super().memory() - held + sys.getsizeof(self._array)

    def _put(self, slot: int, value: int) -> None:
        values = self._array
        if slot >= len(values):
            values.extend([NEVER] * (slot + 1 - len(values)))
        values[slot] = value

    def _scan(self, bound: int) -> list[int]:
        return [s for s, v in enumerate(self._array) if v >= bound]


# --- the quadtree over residences ---------------------------------------------------------

_LEVELS = 16
_SIDE = 1 << _LEVELS
_SPREAD = tuple(sum(((i >> b) & 1) << (2 * b) for b in range(8)) for i in range(256))
_FEW = 48
"""An edge cell with at most this many candidates is not divided further: checking each
of them costs less than looking at four smaller cells."""
_CLASSIFIED = 5
"""Cells above this level are too large to judge against a circle; they are divided."""


def _code(point: GeoPoint) -> int:
    """The Morton code of *point*'s cell, in one call (the build codes every residence)."""
    side = _SIDE
    i = min(side - 1, int((point.latitude + 90.0) / 180.0 * side))
    j = min(side - 1, int((point.longitude + 180.0) / 360.0 * side))
    return _morton(i, j)


_NOWHERE = 1 << (2 * _LEVELS)
"""Above every cell's code: where the layout puts candidates without a residence."""
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


def _morton(i: int, j: int) -> int:
    spread = _SPREAD
    return spread[i & 0xFF] | spread[i >> 8] << 16 | (spread[j & 0xFF] | spread[j >> 8] << 16) << 1


class CandidateIndex:
    """The index of one in-memory store's candidates (see the module docs)."""

    def __init__(self, tables: _Tables) -> None:
        self._t = tables
        self.built = False
        self._reset()

    def _reset(self) -> None:
        self._slot: dict[CandidateId, int] = {}
        self._ids: list[CandidateId | None] = []
        self._alive = Bits()
        self._tags = _Index()
        self._languages = _Index()
        self._profile = _Index()
        self._fields = _Index()
        self._words = _Index()
        self._applied = Bits()
        self._active = _DenseThreshold()  # latest expiry of an open submission
        self._unexpired = _DenseThreshold()  # latest expiry of any submission
        self._hired = _Threshold()  # latest move to hired
        self._rejected = _DenseThreshold()  # latest move to rejected
        self._consent = _DenseThreshold()  # when the consent stops being valid
        # one object per place and per combination of places, however many slots hold it
        # (combinations only up to _SHARED_PLACES: past that most are held once)
        self._triples: dict[Triple, Triple] = {}
        self._places: dict[tuple[Triple, ...], tuple[Triple, ...]] = {}
        self._unions: dict[object, tuple[tuple[int, ...], int]] = {}
        self._structure: dict[Triple, _Threshold] = {}
        self._latest = array("q")  # latest submission per slot
        self._where: list[tuple[Triple, ...]] = []  # the structure a slot applied in
        self._x = array("d")
        self._y = array("d")
        self._z = array("d")
        self._codes = array("Q")  # Morton codes of the slots laid out at build, in order
        self._tail: dict[int, None] = {}  # slots with a residence taken after the build
        self._orders = {
            "latest": _Order(self._latest_keys, self._ids_keys),
            "created": _Order(lambda: self._created_key, self._ids_keys),
            "name": _Order(lambda: self._name_key, self._ids_keys),
        }

    # --- building and keeping current -----------------------------------------------------

    def build(self) -> None:
        """Lay out every candidate of the tables and index them (done once, on first use).

        Everything is gathered straight into arrays, one per fact and one per
        value posted, and turned into postings and cuts at the end: a tenth of
        the work of adding the candidates one by one, and no object per slot
        left behind in the allocator (PF4), with the cyclic garbage collector
        paused (:mod:`talentpool.adapters.collector`).
        """
        with collector.paused():
            self._lay_out()

    def _lay_out(self) -> None:
        self._reset()
        cands = self._t.candidates
        by_id = sorted(cands.items())  # one run when saved in the order of their ids
        keys = [_NOWHERE if c.residence is None else _code(c.residence) for _, c in by_id]
        # by the quadtree's code, ties by id; the homeless last, by id
        order = sorted(range(len(by_id)), key=keys.__getitem__)
        placed = len(keys) - keys.count(_NOWHERE)
        self._codes = array("Q", [keys[i] for i in itertools.islice(order, placed)])
        laid_out = list(map(by_id.__getitem__, order))
        del keys, order
        ids: list[CandidateId | None] = list(map(_FIRST, laid_out))
        self._ids = ids
        self._slot = dict(zip(map(_FIRST, laid_out), range(len(ids)), strict=True))
        self._alive = Bits.of((1 << len(ids)) - 1)
        self._gather(list(map(_SECOND, laid_out)))
        self.built = True
        by_tie = list(map(self._slot.__getitem__, map(_FIRST, by_id)))
        self._orders["latest"].build(self._alive.value, by_tie)

    def _gather(self, laid_out: list[Candidate]) -> None:
        """Gather the facts of every slot laid out, in two passes (see :meth:`build`).

        The submissions first (:meth:`_sum_up`). Then the profiles slot by slot,
        gathered into groups of slots (see :meth:`_post`), and the thresholds,
        which are made in the order of the slots; each slot's places and their
        expiries wait between the passes in two arrays.
        """
        count = len(self._ids)
        nowhere, never = array("d", [math.nan]), array("q", [NEVER])
        xs, ys, zs, consent = nowhere * count, nowhere * count, nowhere * count, never * count
        alike: defaultdict[_Signature, array[int]] = defaultdict(_no_slots)
        texts: list[defaultdict[str, array[int]]] = []  # per place among the searchable parts
        hired = _Threshold()
        structure: defaultdict[Triple, _Threshold] = defaultdict(_Threshold)
        hires, where, first, expiries = self._sum_up(count)
        for slot, candidate in enumerate(laid_out):
            if candidate.residence is not None:
                xs[slot], ys[slot], zs[slot] = ecef(candidate.residence)
            alike[_signature(candidate)].append(slot)
            parts = candidate.searchable_parts
            if len(parts) > len(texts):
                texts.extend(defaultdict(_no_slots) for _ in range(len(parts) - len(texts)))
            for found, part in zip(texts, parts):  # noqa: B905
                found[part].append(slot)
            consent[slot] = _consent_end(candidate)
            if hires[slot] != NEVER:
                hired.append(slot, hires[slot])
            at = first[slot]
            for place in where[slot]:
                structure[place].append(slot, expiries[at])
                at += 1
        self._x, self._y, self._z = xs, ys, zs
        self._post(alike, texts)
        self._consent = _DenseThreshold.of(consent)
        self._hired = hired
        self._structure = dict(structure)
        self._where = where

    def _sum_up(
        self, count: int
    ) -> tuple[array[int], list[tuple[Triple, ...]], array[int], array[int]]:
        """Sum up the submissions of the *count* slots laid out, in the order of their rows.

        :meth:`~talentpool.adapters.memory_columns.SubmissionTable.summaries`
        reads the rows along memory rather than leaping about it, with no id
        looked up but each candidate's (PF4); a candidate whose submissions were
        saved apart is summed up again from all of them. Returns each slot's
        latest hire, places, and where its expiries start in the last array.
        """
        never = array("q", [NEVER])
        active, unexpired, rejected, latest, hires = (never * count for _ in range(5))
        applied = array("l")
        where: list[tuple[Triple, ...]] = [()] * count
        first, expiries = array("l", [0]) * count, array("q")
        places = _Places(self._t.requisitions, self._triples)  # each read once
        slot_of, whole = self._slot.get, set()
        for cid, run in self._t.submissions.summaries(places):
            slot = slot_of(cid)
            if slot is None:
                continue  # submissions of no candidate in the store
            summary = run
            if where[slot]:
                # submissions saved apart from its others: summed up from all of them, once
                if slot in whole:
                    continue
                whole.add(slot)
                summary = self._submissions_of(cid, places)
            else:
                applied.append(slot)
            active[slot], unexpired[slot], rejected[slot], latest[slot], hires[slot], triples = (
                summary
            )
            where[slot] = self._shared_places(triples)
            first[slot] = len(expiries)
            expiries.extend(triples.values())
        self._active = _DenseThreshold.of(active)
        self._unexpired = _DenseThreshold.of(unexpired)
        self._rejected = _DenseThreshold.of(rejected)
        self._applied = Bits.of(from_slots(applied))
        self._latest = latest
        return hires, where, first, expiries

    def _post(
        self,
        alike: Mapping[_Signature, array[int]],
        texts: list[defaultdict[str, array[int]]],
    ) -> None:
        """Make the profile's postings from the build's groups of slots (see :meth:`build`).

        A signature's :func:`_traits` are worked out once and its group posted
        under each, and so are the words of each distinct searchable part:
        a candidate's words are the words of its parts (``Candidate.words``).
        """
        groups: tuple[defaultdict[object, list[array[int]]], ...]
        groups = tuple(defaultdict(list) for _ in range(5))
        for signature, slots in alike.items():
            for posted, values in zip(groups, _traits(*signature)):  # noqa: B905
                for value in values:
                    posted[value].append(slots)
        cut: dict[str, frozenset[str]] = {}
        first: dict[str, int] = {}  # the first place among the parts each word is found in
        mixed: set[object] = set()  # words found in two places: a slot may be in two groups
        for place, parts in enumerate(texts):
            for part, slots in parts.items():
                cut_words = cut.get(part)
                if cut_words is None:
                    cut_words = cut[part] = frozenset(words(part))
                for word in cut_words:
                    groups[4][word].append(slots)
                    if first.setdefault(word, place) != place:
                        mixed.add(word)
        # a slot has one signature, and one part in each place: other groups lie apart
        overlapping: tuple[Collection[object], ...] = (_NONE, _NONE, _NONE, _NONE, mixed)
        for index, posted, overlap in zip(
            self._profile_indexes(), groups, overlapping, strict=True
        ):
            for value, held in posted.items():
                index[value] = _Postings.of(held, apart=value not in overlap)

    def _profile_indexes(self) -> tuple[_Index, ...]:
        """The postings of the profile, in the order of :func:`_profile_values`."""
        return (self._tags, self._languages, self._profile, self._fields, self._words)

    def _new_slot(self, cid: CandidateId) -> int:
        slot = len(self._ids)
        self._ids.append(cid)
        self._slot[cid] = slot
        self._alive.add(slot)
        self._x.append(math.nan)
        self._y.append(math.nan)
        self._z.append(math.nan)
        self._latest.append(NEVER)
        self._where.append(())
        return slot

    def _add(self, cid: CandidateId, *, tail: bool = True) -> None:
        candidate = self._t.candidates[cid]
        slot = self._new_slot(cid)
        if candidate.residence is not None:
            self._x[slot], self._y[slot], self._z[slot] = ecef(candidate.residence)
            if tail:
                self._tail[slot] = None
        self._profile_facts(slot, None, candidate)
        self._submission_facts(slot, cid)
        for order in self._orders.values():
            order.moved(slot)

    def _remove(self, slot: int, candidate: Candidate) -> None:
        self._profile_facts(slot, candidate, None)
        for threshold in (self._active, self._unexpired, self._hired, self._rejected):
            threshold.set(slot, NEVER)
        self._set_facts(slot, False, NEVER, {})
        self._alive.discard(slot)
        self._tail.pop(slot, None)
        del self._slot[candidate.id]
        self._ids[slot] = None
        for order in self._orders.values():
            order.moved(slot)  # no key to read any more: out of every order's ranks

    def candidate_saved(self, old: Candidate | None, new: Candidate | None) -> None:
        """Follow a candidate from *old* to *new* (``None``: not in the store)."""
        if not self.built:
            return
        if old is None or old.id not in self._slot:
            if new is not None and new.id not in self._slot:
                self._add(new.id)
            return
        slot = self._slot[old.id]
        if new is None or new.residence != old.residence:
            self._remove(slot, old)
            if new is not None:
                self._add(new.id)
            return
        self._profile_facts(slot, old, new)
        if new.created_at != old.created_at:
            self._orders["created"].moved(slot)
        if new.sort_name != old.sort_name:
            self._orders["name"].moved(slot)

    def submissions_changed(self, candidate_ids: Iterable[CandidateId]) -> None:
        """Recompute the submission facts of *candidate_ids* from the tables."""
        if not self.built:
            return
        for cid in candidate_ids:
            slot = self._slot.get(cid)
            if slot is not None:
                self._submission_facts(slot, cid)

    def _profile_facts(self, slot: int, old: Candidate | None, new: Candidate | None) -> None:
        before, after = _profile_values(old), _profile_values(new)
        for index, was, now in zip(self._profile_indexes(), before, after, strict=True):
            if was == now:
                continue
            for value in was - now:
                index.drop(value, slot)
            for value in now - was:
                index.put(value, slot)
        self._consent.set(slot, _consent_end(new))

    def _submissions_of(self, cid: CandidateId, places: _Places | None = None) -> _SubmissionFacts:
        """What the index holds of *cid*'s submissions, read from the tables.

        *places* keeps the requisitions' places already read, for a caller that
        reads many candidates while no requisition changes (the build).
        """
        t = self._t
        if places is None:
            places = _Places(t.requisitions, self._triples)
        return t.submissions.summary(t.subs_by_candidate.get(cid, ()), places)

    def _submission_facts(self, slot: int, cid: CandidateId) -> None:
        active, unexpired, rejected, latest, hired, triples = self._submissions_of(cid)
        self._active.set(slot, active)
        self._unexpired.set(slot, unexpired)
        self._hired.set(slot, hired)
        self._rejected.set(slot, rejected)
        self._set_facts(slot, bool(triples), latest, triples)

    def _set_facts(self, slot: int, applied: bool, latest: int, triples: dict[Triple, int]) -> None:
        if self._latest[slot] != latest:
            self._latest[slot] = latest
            self._orders["latest"].moved(slot)
        if applied:
            self._applied.add(slot)
        else:
            self._applied.discard(slot)
        for where in self._where[slot]:
            if where not in triples:
                self._structure[where].set(slot, NEVER)
        for where, expires in triples.items():
            threshold = self._structure.get(where)
            if threshold is None:
                threshold = self._structure[where] = _Threshold()
            threshold.set(slot, expires)
        self._where[slot] = self._shared_places(triples)

    def _shared_places(self, triples: Iterable[Triple]) -> tuple[Triple, ...]:
        places = tuple(triples)
        found = self._places.get(places)
        if found is not None:
            return found
        if len(self._places) < _SHARED_PLACES:
            self._places[places] = places
        return places

    # --- answering -----------------------------------------------------------------------

    def matching(
        self, tree: Bound, *, clean: RequisitionId | None, owned: _Owned | None = None
    ) -> int:
        """Return the slots of the candidates who pass *tree*.

        *clean* names the requisition whose submissions no candidate still in play
        has, once the universe of its pool is applied first.
        """
        planner = _Planner(self, clean, owned or _no_one)
        return planner.run(tree)

    def candidate_ids(self, slots: Iterable[int]) -> Iterator[CandidateId]:
        """Return the candidates of *slots*."""
        ids = self._ids
        for slot in slots:
            cid = ids[slot]
            assert cid is not None
            yield cid

    def union_of_cuts(
        self, places: tuple[tuple[Triple, _Threshold], ...], bounds: list[int]
    ) -> int:
        """The union of the cuts of several places' thresholds, kept until one changes.

        A structure selection covers many places (every organization, location and
        job field below the ones selected); their union is the same for every query
        of the day until a write changes one of them.
        """
        key = (tuple(where for where, _ in places), tuple(bounds))
        versions = tuple(threshold.version for _, threshold in places)
        kept = self._unions.get(key)
        if kept is not None and kept[0] == versions:
            return kept[1]
        union = 0
        for (_, threshold), bound in zip(places, bounds, strict=True):
            union |= threshold.cut(bound)
        if len(self._unions) >= 16:
            del self._unions[next(iter(self._unions))]
        self._unions[key] = (versions, union)
        return union

    def sizes(self) -> dict[str, int]:
        """Roughly how many bytes each part of the index holds, for capacity planning (PF4)."""
        ids = sys.getsizeof(self._ids) + sys.getsizeof(self._slot) + self._alive.memory()
        postings = sum(
            sys.getsizeof(index) + sum(p.memory() for p in index.values())
            for index in self._profile_indexes()
        )
        thresholds = [self._active, self._unexpired, self._hired, self._rejected, self._consent]
        instants = sum(t.memory() for t in thresholds) + self._applied.memory()
        structure = (
            sum(t.memory() for t in self._structure.values())
            + sum(sys.getsizeof(w) for w in self._places)
            + sum(union.bit_length() // 8 for _, union in self._unions.values())
        )
        grid = sum(sys.getsizeof(a) for a in (self._codes, self._x, self._y, self._z))
        orders = sum(o.memory() for o in self._orders.values()) + sys.getsizeof(self._latest)
        return {
            "slots": ids,
            "profile postings": postings,
            "instants and cuts": instants,
            "structure": structure + sys.getsizeof(self._where),
            "quadtree": grid + sys.getsizeof(self._tail),
            "orders": orders,
        }

    def first(self, hits: int, count: int, by: str, *, descending: bool) -> list[int]:
        """Return the first *count* slots of *hits* by *by* (ties by candidate id ascending).

        *by* is ``"latest"`` (the latest submission), ``"created"`` or ``"name"``.
        """
        order = self._orders[by]
        if not order.built:
            order.build(self._alive.value)
        return order.first(hits, count, descending=descending)

    def _latest_keys(self) -> Callable[[int], object]:
        return self._latest.__getitem__  # a C call per slot: the arrays are replaced on build

    def _ids_keys(self) -> Callable[[int], str]:
        return self._ids.__getitem__  # type: ignore[return-value]

    def _created_key(self, slot: int) -> object:
        return micros(self._t.candidates[self._cid(slot)].created_at)

    def _name_key(self, slot: int) -> object:
        return self._t.candidates[self._cid(slot)].sort_name

    def _cid(self, slot: int) -> CandidateId:
        cid = self._ids[slot]
        assert cid is not None
        return cid


class _Order:
    """The candidates in one order, for the first page of a large pool or listing (PF1, PF3).

    The slots are sorted once, by the key and then the candidate id, on first
    use; a slot whose key changed since, or that is new, is *moved* and merged
    in when a page is cut. Reading the sorted slots from either end until the
    page is full touches about ``count × candidates ÷ hits`` of them, so a small
    result is sorted directly instead, by each slot's rank in the order (its
    position, read from an array made with the sorted slots): one sort of whole
    numbers rather than two of keys and ids.
    """

    __slots__ = ("_key", "_moved", "_ranks", "_slots", "_tie", "built")

    def __init__(
        self, key: Callable[[], Callable[[int], object]], tie: Callable[[], Callable[[int], str]]
    ) -> None:
        # each gives the function of the moment: a slot's key, its candidate id
        self._key, self._tie = key, tie
        self._slots = array("q")
        self._ranks: dict[bool, array[int]] = {}  # by direction: each slot's place
        self._moved: dict[int, None] = {}
        self.built = False

    def build(self, alive: int, by_tie: list[int] | None = None) -> None:
        """Sort the slots of *alive*; *by_tie*, when given, holds them already in the order
        of the tie (the index's build has them so)."""
        key = self._key()
        if by_tie is None:
            live = slots_of(alive)
            live.sort(key=self._tie())
        else:
            live = by_tie
        live.sort(key=key)  # type: ignore[arg-type]
        self._slots = array("q", live)
        self._ranks.clear()
        self._moved.clear()
        self.built = True

    def _rank(self, descending: bool) -> array[int]:
        """Each slot's place in the order, made on first use (about 0.3 s at 1M, PF1)."""
        ranks = self._ranks.get(descending)
        if ranks is not None:
            return ranks
        ordered = self._slots
        ranks = self._ranks[descending] = array("i", [0]) * (max(ordered, default=-1) + 1)
        if not descending:
            for place, slot in enumerate(ordered):
                ranks[slot] = place
            return ranks
        # the keys from the largest down, and slots of equal keys still by id ascending;
        # a moved slot's key is not the one its place was sorted by, so it is left out
        key, place, run, moved = self._key(), 0, array("q"), self._moved
        previous: object = None
        for slot in reversed(ordered):
            if slot in moved:
                continue
            value = key(slot)
            if run and value != previous:
                for held in reversed(run):
                    ranks[held] = place
                    place += 1
                del run[:]
            previous = value
            run.append(slot)
        for held in reversed(run):
            ranks[held] = place
            place += 1
        return ranks

    def _ranked(self, slots: list[int], count: int, descending: bool) -> list[int]:
        """The first *count* of *slots* in the order: by rank, the moved ones by their keys."""
        moved = self._moved
        extra = [s for s in slots if s in moved] if moved else []
        if extra:
            slots = [s for s in slots if s not in moved]
        slots.sort(key=self._rank(descending).__getitem__)
        if extra:
            return self._sorted(slots[:count] + extra, descending)[:count]
        return slots[:count]

    def memory(self) -> int:
        ranks = sum(sys.getsizeof(r) for r in self._ranks.values())
        return sys.getsizeof(self._slots) + sys.getsizeof(self._moved) + ranks

    def moved(self, slot: int) -> None:
        """Note that *slot*'s key changed, or that it is new."""
        if self.built:
            self._moved[slot] = None

    def _sorted(self, slots: list[int], descending: bool) -> list[int]:
        slots.sort(key=self._tie())
        slots.sort(key=self._key(), reverse=descending)  # type: ignore[arg-type]
        return slots

    def first(self, hits: int, count: int, *, descending: bool) -> list[int]:
        total = hits.bit_count()
        if count >= total or total * total <= count * len(self._slots):
            return self._ranked(slots_of(hits), count, descending)
        data = hits.to_bytes((hits.bit_length() + 7) // 8, "little")
        size = len(data)
        moved, key = self._moved, self._key()

        def holds(slot: int) -> bool:
            i = slot >> 3
            return i < size and bool(data[i] >> (slot & 7) & 1)

        ordered = self._slots
        positions = range(len(ordered) - 1, -1, -1) if descending else range(len(ordered))
        taken: list[int] = []
        last: object = None
        for position in positions:
            slot = ordered[position]
            if not holds(slot) or slot in moved:
                continue
            if last is not None and key(slot) != last:
                break  # past the ties of the last slot the page needs
            taken.append(slot)
            if last is None and len(taken) >= count:
                last = key(slot)
        extra = [s for s in moved if holds(s)]
        if last is not None:
            limit = last
            extra = [
                s
                for s in extra
                if (key(s) >= limit if descending else key(s) <= limit)  # type: ignore[operator]
            ]
        return self._sorted(taken + extra, descending)[:count]


_Owned = Callable[[UserId], Collection[CandidateId]]


class _Places(dict[RequisitionId, Triple]):
    """The place in the structure of each requisition asked for, read from the table once.

    Each place is one object however many requisitions share it (*interned*).
    """

    __slots__ = ("_interned", "_requisitions")

    def __init__(
        self, requisitions: Mapping[RequisitionId, Requisition], interned: dict[Triple, Triple]
    ) -> None:
        super().__init__()
        self._requisitions = requisitions
        self._interned = interned

    def __missing__(self, key: RequisitionId) -> Triple:
        r = self._requisitions[key]
        place = (r.organization, r.location, r.job_field)
        place = self[key] = self._interned.setdefault(place, place)
        return place


def _no_slots() -> array[int]:
    return array("l")


def _no_one(user_id: UserId) -> Collection[CandidateId]:
    return ()


_NONE: frozenset[object] = frozenset()
_NOTHING: tuple[frozenset[object], ...] = (_NONE,) * 5


@functools.lru_cache(maxsize=256)
def _one(value: object) -> frozenset[object]:
    return frozenset((value,))


_Signature = tuple[frozenset[Tag], frozenset[str], str | None, tuple[tuple[str, str], ...]]
"""What a candidate's postings other than the words are made from (see :func:`_traits`)."""


def _signature(c: Candidate) -> _Signature:
    """The parts of *c* that :func:`_traits` reads: its tags, languages, profile language
    and profile fields. Candidates alike in them are posted under the same values, so the
    build works their values out once per signature (PF4)."""
    return (c.tags, c.languages, c.profile_language, c.fields)


def _traits(
    tags: frozenset[Tag],
    languages: frozenset[str],
    language: str | None,
    fields: tuple[tuple[str, str], ...],
) -> tuple[frozenset[object], ...]:
    """The values a :func:`_signature` is posted under: tag keys, languages, profile
    language and profile fields (name and folded value)."""
    return (
        frozenset([t.key for t in tags]) if tags else _NONE,
        languages,
        _NONE if language is None else _one(language),
        frozenset([(name, fold(value).strip()) for name, value in fields]) if fields else _NONE,
    )


def _profile_values(c: Candidate | None) -> tuple[frozenset[object], ...]:
    """The values a candidate is posted under, in the order of the profile's indexes: its
    :func:`_traits` and the words of its searchable parts."""
    if c is None:
        return _NOTHING
    return (*_traits(*_signature(c)), c.words)


def _consent_end(c: Candidate | None) -> int:
    consent = None if c is None else c.consent
    if consent is None:
        return NEVER
    withdrawn, expires = consent.withdrawn_at, consent.expires_at
    if withdrawn is None:
        return ALWAYS if expires is None else micros(expires)
    return micros(withdrawn) if expires is None else min(micros(withdrawn), micros(expires))


# --- the planner ------------------------------------------------------------------------------

_COST: Mapping[str, int] = {
    "constant": 0,
    "universe": 1,
    "tag": 1,
    "language": 1,
    "profile_language_matches_requisition": 1,
    "field": 1,
    "keywords": 1,
    "tracked": 1,
    "owned_by": 2,
    "exclude_in_selection_process": 3,
    "exclude_expired_submissions": 3,
    "exclude_rejected_within": 3,
    "exclude_hired_within": 3,
    "consent_valid": 3,
    "structure": 4,
    "radius": 5,
    "all": 6,
    "any": 6,
    "not": 6,
}


class _Planner(BoundVisitor[int]):
    """Answers a bound tree over a domain of slots: ``visit`` returns its subset that passes."""

    def __init__(self, index: CandidateIndex, clean: RequisitionId | None, owned: _Owned) -> None:
        self._x = index
        self._clean = clean
        self._owned = owned
        self._matcher = Matcher(owned)
        self._domain = 0

    def run(self, tree: Bound) -> int:
        return self._within(tree, self._x._alive.value)

    def _within(self, node: Bound, domain: int) -> int:
        if not domain:
            return 0
        saved, self._domain = self._domain, domain
        try:
            return self.visit(node)
        finally:
            self._domain = saved

    def _judge(self, node: Bound) -> int:
        """Decide *node* with the reference matcher, one candidate in play at a time."""
        t, ids = self._x._t, self._x._ids
        passed = []
        for slot in slots_of(self._domain):
            cid = ids[slot]
            assert cid is not None
            if self._matcher.matches(node, t.record(t.candidates[cid])):
                passed.append(slot)
        return from_slots(passed)

    def _clean_for(self, elsewhere: RequisitionId | None) -> bool:
        return elsewhere is None or elsewhere == self._clean

    # composites

    def visit_constant(self, node: Constant) -> int:
        return self._domain if node.value else 0

    def visit_all(self, node: BoundAll) -> int:
        domain = self._domain
        for child in sorted(node.children, key=lambda c: _COST[c.kind]):
            domain = self._within(child, domain)
            if not domain:
                break
        return domain

    def visit_any(self, node: BoundAny) -> int:
        rest, passed = self._domain, 0
        for child in sorted(node.children, key=lambda c: _COST[c.kind]):
            hits = self._within(child, rest)
            passed |= hits
            rest &= ~hits
            if not rest:
                break
        return passed

    def visit_not(self, node: BoundNot) -> int:
        return self._domain & ~self._within(node.child, self._domain)

    # the profile

    def visit_keywords(self, node: BoundKeywords) -> int:
        hits = self._domain
        for word in node.words:
            hits &= self._x._words.bits(word)
        return hits

    def visit_tag(self, node: BoundTag) -> int:
        return self._domain & self._x._tags.bits(node.key)

    def visit_tracked(self, node: BoundTracked) -> int:
        tags = self._x._tags
        shared = 0
        for key in node.keys:
            shared |= tags.bits(key)
        return self._domain & shared

    def visit_language(self, node: BoundLanguage) -> int:
        return self._domain & self._x._languages.bits(node.code)

    def visit_profile_language_matches_requisition(self, node: BoundProfileLanguage) -> int:
        return self._domain & self._x._profile.bits(node.language)

    def visit_field(self, node: BoundField) -> int:
        return self._domain & self._x._fields.bits((node.name.strip().casefold(), node.value))

    def visit_consent_valid(self, node: BoundConsent) -> int:
        return self._domain & self._x._consent.after(micros(node.now))

    def visit_owned_by(self, node: BoundOwnedBy) -> int:
        slot = self._x._slot
        owned = (slot[c] for c in self._owned(node.user_id) if c in slot)
        return self._domain & from_slots(owned)

    # submissions

    def visit_universe(self, node: BoundUniverse) -> int:
        t, slot = self._x._t, self._x._slot
        on_it = {
            t.submissions[s].candidate_id
            for s in t.subs_by_requisition.get(node.requisition_id, {})
        }
        out = from_slots(slot[c] for c in on_it | node.exclusions if c in slot)
        return self._domain & self._x._applied.value & ~out

    def visit_exclude_in_selection_process(self, node: BoundInSelectionProcess) -> int:
        if not self._clean_for(node.elsewhere):
            return self._judge(node)
        return self._domain & ~self._x._active.after(micros(node.now))

    def visit_exclude_expired_submissions(self, node: BoundUnexpired) -> int:
        if not self._clean_for(node.elsewhere):
            return self._judge(node)
        return self._domain & self._x._unexpired.after(micros(node.now))

    def visit_exclude_rejected_within(self, node: BoundRejectedWithin) -> int:
        return self._domain & ~self._x._rejected.at_least(micros(node.opens_at))

    def visit_exclude_hired_within(self, node: BoundHiredWithin) -> int:
        return self._domain & ~self._x._hired.at_least(micros(node.opens_at))

    def visit_structure(self, node: BoundStructure) -> int:
        if not self._clean_for(node.elsewhere):
            return self._judge(node)
        wanted = dict(node.nodes)
        moment = NEVER + 1 if node.include_expired else micros(node.now) + 1
        places = tuple(
            (where, threshold)
            for where, threshold in self._x._structure.items()
            if all(where[i] in wanted[dim] for i, dim in enumerate(_DIMENSIONS) if dim in wanted)
        )
        extra: list[int] = []
        bounds = []
        for _, threshold in places:
            bound, more = threshold.parts(moment)
            bounds.append(bound)
            extra.extend(more)
        return self._domain & (self._x.union_of_cuts(places, bounds) | from_slots(extra))

    def visit_radius(self, node: BoundRadius) -> int:
        x = self._x
        inside, edge = Ranges(), Ranges()
        _cover(x._codes, node, inside, edge)
        edge.add_slots(list(x._tail))
        hits = self._domain & inside.value
        doubtful = self._domain & edge.value
        if not doubtful:
            return hits
        band = ChordBand.around(node.km)
        centre = ecef(node.centre)
        xs, ys, zs, ids, cands = x._x, x._y, x._z, x._ids, x._t.candidates
        passed = []
        for slot in slots_of(doubtful):
            verdict = band.decide(centre, (xs[slot], ys[slot], zs[slot]))
            if verdict is None:
                cid = ids[slot]
                assert cid is not None
                verdict = within_radius(cands[cid], node)
            if verdict:
                passed.append(slot)
        return hits | from_slots(passed)


def _cover(codes: array[int], node: BoundRadius, inside: Ranges, edge: Ranges) -> None:
    """Sort the laid-out slots near *node*'s circle into cells well inside and on the edge."""
    if not codes:
        return
    box = node.box
    centre = ecef(node.centre)
    band = ChordBand.around(node.km)
    inner = math.sqrt(band.inside) if band.inside > 0 else -1.0
    outer = math.sqrt(band.outside)
    stack = [(0, 0, 0)]
    while stack:
        level, ci, cj = stack.pop()
        span = 1 << (_LEVELS - level)
        south = ci * span * 180.0 / _SIDE - 90.0
        north = (ci + 1) * span * 180.0 / _SIDE - 90.0
        west = cj * span * 360.0 / _SIDE - 180.0
        east = (cj + 1) * span * 360.0 / _SIDE - 180.0
        if north < box.south or south > box.north or east < box.west or west > box.east:
            continue
        shift = 2 * (_LEVELS - level)
        prefix = _morton(ci, cj) if level else 0
        lo = bisect.bisect_left(codes, prefix << shift)
        hi = bisect.bisect_left(codes, (prefix + 1) << shift, lo)
        if lo == hi:
            continue
        if level >= _CLASSIFIED:
            verdict = _classify(centre, inner, outer, (south, north, west, east))
            if verdict is True:
                inside.add(lo, hi)
                continue
            if verdict is False:
                continue
        if level == _LEVELS or hi - lo <= _FEW:
            edge.add(lo, hi)
            continue
        for a in (0, 1):
            for b in (0, 1):
                stack.append((level + 1, 2 * ci + a, 2 * cj + b))


def _classify(
    centre: tuple[float, float, float],
    inner: float,
    outer: float,
    cell: tuple[float, float, float, float],
) -> bool | None:
    """Whether a cell lies well inside (``True``), well outside (``False``) or on the edge.

    *cell* is its south, north, west and east edge; *inner* and *outer* are the
    chords (km) from the centre within which a point is surely inside, beyond
    which surely outside. The straight line from the centre to any point of the
    cell is within the cell's reach (the farthest corner from its middle, with
    a margin) of the line to its middle.
    """
    south, north, west, east = cell
    mx, my, mz = ecef_degrees((south + north) / 2, (west + east) / 2)
    reach = 0.0
    for lat in (south, north):
        for lon in (west, east):
            x, y, z = ecef_degrees(lat, lon)
            reach = max(reach, (x - mx) ** 2 + (y - my) ** 2 + (z - mz) ** 2)
    reach = math.sqrt(reach) * 1.05 + 1e-6
    to_middle = math.sqrt((centre[0] - mx) ** 2 + (centre[1] - my) ** 2 + (centre[2] - mz) ** 2)
    if to_middle + reach <= inner:
        return True
    if to_middle - reach > outer:
        return False
    return None
