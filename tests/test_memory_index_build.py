"""PF4: the index the build lays out holds what the index kept current by writes holds.

The build works each value out once per group of candidates alike (a
signature of tags, languages and fields; a distinct searchable part) and makes
sets in bulk; a write recomputes one candidate's values. These tests save
candidates and submissions into a store whose index is already built, so every
fact arrives by a write, then build it afresh and compare the two, candidate by
candidate rather than slot by slot.
"""

from __future__ import annotations

import math
from datetime import timedelta

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.adapters.memory_bits import slots_of
from talentpool.adapters.memory_columns import NEVER
from talentpool.demo.dataset import DEMO_NOW, DatasetSpec, generate
from talentpool.geo import GeoPoint
from talentpool.ids import CandidateId, SubmissionId
from talentpool.model import Candidate, Consent, Submission, SubmissionStatus

_ACCOUNT = generate(DatasetSpec(seed=3, size=0))
_REQUISITIONS = [r.id for r in _ACCOUNT.requisitions]

# few values, so candidates share them and one candidate repeats one in two parts
_TEXTS = st.sampled_from(["", "Eva", "Novák", "Brno", "Žilina C++", "eva brno", "B", "Łódź"])


@st.composite
def _candidates(draw: st.DrawFn, index: int) -> Candidate:
    name = draw(_TEXTS.filter(bool))
    home = draw(st.none() | st.builds(GeoPoint, st.floats(48.5, 50.5), st.floats(14.0, 18.0)))
    consent = draw(
        st.none()
        | st.builds(
            Consent,
            st.just(DEMO_NOW - timedelta(days=30)),
            st.none() | st.just(DEMO_NOW + timedelta(days=300)),
            st.none() | st.just(DEMO_NOW - timedelta(days=2)),
        )
    )
    return Candidate(
        CandidateId(f"c-{draw(st.integers(0, 40)) if index < 0 else index:03d}"),
        name,
        draw(st.just(name) | _TEXTS.filter(bool)),
        DEMO_NOW - timedelta(days=draw(st.integers(0, 400))),
        city=draw(st.none() | _TEXTS),
        residence=home,
        profile_language=draw(st.none() | st.sampled_from(["cs", "de"])),
        languages=draw(st.frozensets(st.sampled_from(["cs", "de", "sk"]), max_size=2)),
        tags=draw(st.lists(st.sampled_from(["Praha", "praha ", "call", "Brno"]), max_size=3)),
        fields=draw(st.dictionaries(st.sampled_from(["shift", "licence"]), _TEXTS, max_size=2)),
        text=draw(_TEXTS),
        consent=consent,
    )


@st.composite
def _submissions(draw: st.DrawFn, candidate_ids: list[CandidateId]) -> list[Submission]:
    out = []
    for n in range(draw(st.integers(0, 3 * len(candidate_ids)))):
        at = DEMO_NOW - timedelta(days=draw(st.integers(0, 300)))
        out.append(
            Submission(
                SubmissionId(f"s-{draw(st.integers(0, n))}"),  # some saved again, changed
                draw(st.sampled_from(candidate_ids)),
                draw(st.sampled_from(_REQUISITIONS)),
                at,
                draw(st.sampled_from(list(SubmissionStatus))),
                at + timedelta(days=draw(st.integers(0, 20))),
                at,
                draw(st.none() | st.just(at + timedelta(days=draw(st.integers(1, 400))))),
            )
        )
    return out


def _held(uow: MemoryUnitOfWork) -> dict[str, object]:
    """What the index holds, by candidate id."""
    x = uow._tables.index
    ids = x._ids

    def who(bits: int) -> frozenset[object]:
        return frozenset(ids[s] for s in slots_of(bits))

    live = [s for s, cid in enumerate(ids) if cid is not None]
    for index in x._profile_indexes():
        for p in index.values():  # a few slots in order, each once, or a set
            assert p._slots is None or list(p._slots) == sorted(set(p._slots))
    thresholds = {
        "active": x._active,
        "unexpired": x._unexpired,
        "hired": x._hired,
        "rejected": x._rejected,
        "consent": x._consent,
        **{str(place): t for place, t in x._structure.items()},
    }
    return {
        "alive": who(x._alive.value),
        "applied": who(x._applied.value),
        "postings": [
            {value: who(p.value) for value, p in index.items()} for index in x._profile_indexes()
        ],
        "instants": {
            name: {ids[s]: t.get(s) for s in live if t.get(s) != NEVER}
            for name, t in thresholds.items()
        },
        "facts": {
            ids[s]: (x._latest[s], frozenset(x._where[s]), _point(x._x[s], x._y[s], x._z[s]))
            for s in live
        },
        "codes": sorted(x._codes),
    }


def _point(*xyz: float) -> tuple[float, ...] | None:
    return None if any(math.isnan(v) for v in xyz) else xyz


def _without_empty(held: dict[str, object]) -> dict[str, object]:
    instants = held["instants"]
    assert isinstance(instants, dict)
    return {**held, "instants": {k: v for k, v in instants.items() if v}, "codes": None}


@settings(max_examples=40, deadline=None)
@given(data=st.data(), count=st.integers(1, 25))
def test_pf4_the_built_index_holds_what_writes_keep(data: st.DataObject, count: int) -> None:
    """Candidates alike and not, parts repeated within one candidate, submissions of one
    candidate saved apart and saved again, profiles changed: built or kept, the same."""
    uow = MemoryUnitOfWork()
    for item in (*_ACCOUNT.structures, *_ACCOUNT.users, *_ACCOUNT.requisitions):
        getattr(
            uow,
            {"StructureTree": "structures", "User": "users"}.get(
                type(item).__name__, "requisitions"
            ),
        ).save(item)
    uow.build_indexes()  # empty: from here on every fact arrives by a write
    candidates = [data.draw(_candidates(i)) for i in range(count)]
    for c in candidates:
        uow.candidates.save(c)
    for s in data.draw(_submissions([c.id for c in candidates])):
        uow.submissions.save(s)
    for c in data.draw(st.lists(st.sampled_from(candidates), max_size=4)):
        changed = data.draw(_candidates(int(c.id[2:])))
        uow.candidates.save(attrs.evolve(changed, created_at=c.created_at))
    kept = _held(uow)
    uow.build_indexes()
    built = _held(uow)
    assert _without_empty(built) == _without_empty(kept)
    # the build lays out every residence in the quadtree, in order; writes put them in a tail
    homes = sum(c.residence is not None for c in uow.candidates)
    assert len(uow._tables.index._codes) == homes
    assert built["codes"] == uow._tables.index._codes.tolist()
    uow.build_indexes()
    assert _held(uow) == built  # building again gives the same index
