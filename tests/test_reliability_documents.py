"""EN2: criteria documents from anywhere give a value or the one criteria error, fast and small.

A seeded fuzzer (no hypothesis: it must make 100,000 documents in minutes, and
each is reproducible from its seed and number) feeds the four readers — criteria,
autopool settings, quick filters and templates — with:

* arbitrary JSON-like values, non-string keys and all;
* valid envelopes around arbitrary bodies;
* valid documents with one to three things broken (values replaced by near
  misses, removed, given unknown keys, wrapped in lists, moved);
* nesting thousands deep, of criteria and of plain lists and objects;
* NaN, infinite, negative-zero, denormal and huge numbers (5,000 digits) as
  distances, coordinates and days;
* unknown schema versions;
* strings of megabytes, of characters that NFKC expands eighteen-fold, or
  invisible ones, as labels, keys and ids.

For every document: the reader returns a value (which then round-trips through
its writer) or raises :class:`~talentpool.errors.CriteriaError` with a path and a
short message; nothing else escapes. Each read must take at most
:data:`SECONDS` of processor time and allocate at most :data:`MEGABYTES`
(measured by ``tracemalloc``).
"""

from __future__ import annotations

import copy
import math
import random
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from reliability import record, sized
from talentpool.errors import CriteriaError
from talentpool.serialization import (
    autopool_from_dict,
    autopool_to_dict,
    criteria_from_dict,
    criteria_to_dict,
    quick_filter_from_dict,
    quick_filter_to_dict,
    template_from_dict,
    template_to_dict,
)

SHARDS = sized(ci=1, deep=4)  # the deep run's documents, in parts run side by side
DOCUMENTS = sized(ci=2_000, deep=100_000) // SHARDS  # per shard
SEED = 20261201  # shard k draws from SEED + k
SECONDS = 1.0  # of processor time per document: wall time on a loaded shared machine says
# more about the other programs than about the reader; the figures give both maxima
MEGABYTES = 64  # allocated while reading one document (documents themselves reach 8 MB)

Reader = Callable[[Any], object]
Writer = Callable[[Any], dict[str, Any]]
READERS: dict[str, tuple[Reader, Writer]] = {
    "criteria": (criteria_from_dict, criteria_to_dict),
    "autopool": (autopool_from_dict, autopool_to_dict),
    "quick_filter": (quick_filter_from_dict, quick_filter_to_dict),
    "template": (template_from_dict, template_to_dict),
}

KINDS = (
    "everyone", "all", "any", "not", "keywords", "tag", "language", "field",
    "exclude_in_selection_process", "profile_language_matches_requisition",
    "exclude_expired_submissions", "exclude_rejected_within", "exclude_hired_within",
    "radius", "structure", "consent_valid",
)  # fmt: skip
KEYS = (
    *KINDS, "schema", "criteria", "autopool", "quick_filter", "template", "label", "text",
    "code", "name", "value", "days", "distance", "unit", "organizations", "locations",
    "job_fields", "include_expired", "id", "workflow", "steps", "rejection_motives",
    "advanced", "radius", "lat", "lon", "latitude", "longitude", "centre",
)  # fmt: skip
NUMBERS: tuple[Any, ...] = (
    0, -1, 1, 7, 30, 36_500, 36_501, 2**31, 2**63, -(2**63), 10**19, 1.5, -0.0, 0.5,
    math.nan, -math.nan, math.inf, -math.inf, 1e308, 1.7976931348623157e308, 5e-324,
    -1e-300, 20_037.5, 40_075.0,
)  # fmt: skip
TEXTS = (
    "", " ", "\u200b", "\u00ad", "\ufeff", "\u3164", "\u200b\u00ad\ufeff", "Praha", " PRAHA ",
    "Pra\u00adha", "ｃａｌｌ", "Žilina", "km", "miles", "KM", "de", "cs", "x" * 300,
    "\ufdfa" * 40, "\x00", "\ud800", "𝔭𝔯𝔞𝔥𝔞", "a\nb", "1", "null", "NaN",
)  # fmt: skip
HUGE_CHARACTERS = ("x", "\ufdfa", "\u200b", "é", "𝔭")


class Fuzzer:
    """Documents from a seed: every call draws the next one."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    # --- pieces ---------------------------------------------------------------

    def number(self) -> Any:
        r = self.r
        pick = r.random()
        if pick < 0.5:
            return r.choice(NUMBERS)
        if pick < 0.7:
            return r.choice((1, -1)) * 10 ** r.randint(15, 5_000)  # up to 5,000 digits
        if pick < 0.85:
            return r.uniform(-1e6, 1e6)
        return r.randint(-100, 100_000)

    def text(self) -> str:
        r = self.r
        if r.random() < 0.6:
            return r.choice(TEXTS)
        return "".join(
            chr(r.choice((r.randint(32, 126), r.randint(0, 0x10FFFF))))
            for _ in range(r.randint(0, 12))
        )

    def huge_text(self, sizes: tuple[int, ...] = (70_000, 300_000, 1_000_000, 4_000_000)) -> str:
        return self.r.choice(HUGE_CHARACTERS) * self.r.choice(sizes)

    def scalar(self) -> Any:
        r = self.r
        pick = r.random()
        if pick < 0.1:
            return None
        if pick < 0.2:
            return r.random() < 0.5
        if pick < 0.55:
            return self.number()
        return self.text()

    def key(self) -> Any:
        r = self.r
        pick = r.random()
        if pick < 0.6:
            return r.choice(KEYS)
        if pick < 0.9:
            return self.text()
        return r.choice((0, 1, None, True, -1.5, ("all",)))  # keys JSON cannot hold

    def value(self, depth: int = 0) -> Any:
        r = self.r
        if depth > 4 or r.random() < 0.4:
            return self.scalar()
        if r.random() < 0.5:
            return [self.value(depth + 1) for _ in range(r.randint(0, 4))]
        return {self.key(): self.value(depth + 1) for _ in range(r.randint(0, 4))}

    def deep(self, inside: Any = None) -> Any:
        """Nesting thousands deep: criteria combinators, lists or objects."""
        r = self.r
        node: Any = inside if inside is not None else {"language": {"code": "de"}}
        style = r.choice(("all", "any", "not", "list", "object", "mixed"))
        for _ in range(r.choice((65, 200, 1_000, 3_000, 10_000))):
            kind = r.choice(("all", "any", "not", "list", "object")) if style == "mixed" else style
            if kind in ("all", "any"):
                node = {kind: [node]}
            elif kind == "not":
                node = {"not": node}
            elif kind == "list":
                node = [node]
            else:
                node = {"all": node} if r.random() < 0.5 else {r.choice(KEYS): node}
        return node

    # --- valid documents --------------------------------------------------------

    def leaf(self) -> dict[str, Any]:
        r = self.r
        pick = r.randrange(12)
        if pick == 0:
            return {"tag": {"label": r.choice(("Praha", "call", "Žilina", "driver"))}}
        if pick == 1:
            return {"keywords": {"text": r.choice(("zilina", "night shift", "forklift"))}}
        if pick == 2:
            return {"language": {"code": r.choice(("de", "cs", "en"))}}
        if pick == 3:
            return {"field": {"name": "licence", "value": r.choice(("B", "C"))}}
        if pick == 4:
            return {
                "radius": {"distance": r.choice((1, 25, 100.5)), "unit": r.choice(("km", "miles"))}
            }
        if pick == 5:
            return {
                r.choice(("exclude_hired_within", "exclude_rejected_within")): {
                    "days": r.randint(1, 365)
                }
            }
        if pick == 6:
            return {
                "structure": {
                    "organizations": ["acme"],
                    "locations": ["cz"],
                    "job_fields": [],
                    "include_expired": False,
                }
            }
        return {
            r.choice(
                (
                    "everyone",
                    "exclude_in_selection_process",
                    "consent_valid",
                    "exclude_expired_submissions",
                    "profile_language_matches_requisition",
                )
            ): {}
        }

    def tree(self, depth: int = 0) -> dict[str, Any]:
        r = self.r
        if depth > 3 or r.random() < 0.45:
            return self.leaf()
        pick = r.random()
        if pick < 0.4:
            return {"all": [self.tree(depth + 1) for _ in range(r.randint(1, 4))]}
        if pick < 0.8:
            return {"any": [self.tree(depth + 1) for _ in range(r.randint(1, 4))]}
        return {"not": self.tree(depth + 1)}

    def valid(self, reader: str) -> dict[str, Any]:
        r = self.r
        if reader == "criteria":
            return {"schema": 1, "criteria": self.tree()}
        if reader == "quick_filter":
            return {
                "schema": 1,
                "quick_filter": {"id": "qf", "name": "Drivers", "criteria": self.tree()},
            }
        body = {
            "exclude_in_selection_process": r.random() < 0.5,
            "profile_language_must_match": r.random() < 0.5,
            "exclude_expired_submissions": r.random() < 0.5,
            "exclude_rejected_within_days": r.choice((None, 14)),
            "exclude_hired_within_days": r.choice((None, 30)),
            "radius": r.choice((None, {"distance": 25, "unit": "km"})),
            "structure": None,
            "require_valid_consent": r.random() < 0.5,
            "advanced": self.tree(),
        }
        if reader == "autopool":
            return {"schema": 1, "autopool": body}
        workflow = {
            "steps": ["New", "Interview"],
            "rejection_motives": ["Salary"],
            "motive_required": True,
            "comment_required": False,
        }
        template = {
            "id": "t",
            "name": "Retail",
            "language": "cs",
            "organization": None,
            "location": None,
            "job_field": None,
            "workflow": workflow,
            "autopool": body if r.random() < 0.7 else None,
        }
        return {"schema": 1, "template": template}

    # --- breaking them -------------------------------------------------------------

    def replacement(self) -> Any:
        r = self.r
        pick = r.random()
        if pick < 0.35:
            return self.number()
        if pick < 0.6:
            return self.text()
        if pick < 0.65:
            return self.huge_text()
        if pick < 0.7:
            return self.deep()
        return self.value()

    def mutate(self, doc: Any) -> Any:
        r = self.r
        for _ in range(r.randint(1, 3)):
            places = _places(doc)
            path = r.choice(places)
            if not path:
                doc = r.choice(([doc], self.replacement(), {"schema": 1, "criteria": doc}))
                continue
            parent, last = _at(doc, path[:-1]), path[-1]
            operation = r.choice(
                ("replace", "replace", "remove", "add_key", "wrap", "deepen", "version")
            )
            if operation == "remove":
                del parent[last]
            elif operation == "add_key" and isinstance(parent[last], dict):
                parent[last][
                    self.key() if r.random() < 0.5 else self.huge_text((70_000, 100_000))
                ] = self.replacement()
            elif operation == "wrap":
                parent[last] = [parent[last]]
            elif operation == "deepen":
                parent[last] = self.deep(parent[last])
            elif operation == "version" and isinstance(doc, dict):
                doc["schema"] = r.choice(
                    (0, 2, -1, 1.0, "1", True, None, 10**100, math.nan, [1], {})
                )
            else:
                parent[last] = self.replacement()
        return doc

    def document(self) -> tuple[str, str, Any]:
        """The next (family, reader, document)."""
        r = self.r
        reader = r.choice(tuple(READERS))
        pick = r.random()
        if pick < 0.15:
            return "arbitrary", reader, self.value()
        if pick < 0.3:
            return "envelope", reader, {"schema": 1, r.choice(tuple(READERS)): self.value()}
        if pick < 0.4:
            root = r.choice(tuple(READERS))
            return "deep", reader, {"schema": 1, root: self.deep()}
        if pick < 0.45:
            return (
                "huge",
                reader,
                {
                    "schema": 1,
                    reader: {self.huge_text(): 1} if r.random() < 0.5 else self.huge_text(),
                },
            )
        if pick < 0.5:
            doc = self.valid(reader)
            doc["schema"] = r.choice((0, 2, -1, 1.5, "1", True, None, 10**100, math.inf))
            return "version", reader, doc
        if pick < 0.55:
            return "valid", reader, self.valid(reader)
        return "mutated", reader, self.mutate(self.valid(reader))


def _places(value: Any, here: tuple[Any, ...] = (), depth: int = 0) -> list[tuple[Any, ...]]:
    out = [here]
    if depth > 12:
        return out
    if isinstance(value, dict):
        for k, child in value.items():
            out += _places(child, (*here, k), depth + 1)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            out += _places(child, (*here, i), depth + 1)
    return out


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _read(reader: str, doc: Any) -> tuple[str, CriteriaError | None]:
    """Read *doc*; check what came out. Returns the outcome and the error, if any."""
    read, write = READERS[reader]
    try:
        value = read(doc)
    except CriteriaError as e:
        error = e
    else:
        error = None
    if error is not None:
        assert isinstance(error.path, str)
        assert error.path.strip()
        assert error.reason
        assert len(str(error)) < 1_000, str(error)[:300]
        return "refused", error
    again = read(copy.deepcopy(write(value)))  # whatever is read, written back, reads equal
    assert again == value
    return "read", None


@pytest.mark.parametrize("shard", range(SHARDS))
def test_en2_fuzzed_documents_give_a_value_or_the_criteria_error(shard: int) -> None:
    """EN2: DOCUMENTS fuzzed documents a shard; only CriteriaError escapes, in time and memory."""
    seed = SEED + shard
    fuzz = Fuzzer(seed)
    outcomes: dict[str, int] = {}
    families: dict[str, int] = {}
    slowest, busiest, largest = 0.0, 0.0, 0
    for n in range(DOCUMENTS):
        family, reader, doc = fuzz.document()
        families[family] = families.get(family, 0) + 1
        # Only the reading is traced: making a document is the fuzzer's cost, not the reader's.
        tracemalloc.start()
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            outcome, _ = _read(reader, doc)
        except Exception as e:
            raise AssertionError(
                f"document {n} of seed {seed} ({family}, read as {reader}) raised "
                f"{type(e).__name__}: {str(e)[:300]}"
            ) from e
        finally:
            elapsed, spent = time.perf_counter() - started, time.thread_time() - cpu
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert spent < SECONDS, f"document {n} ({family}) took {spent:.2f} s of processor time"
        assert peak < MEGABYTES * 2**20, f"document {n} ({family}) took {peak / 2**20:.1f} MB"
        slowest, largest = max(slowest, elapsed), max(largest, peak)
        busiest = max(busiest, spent)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        del doc
    assert sum(outcomes.values()) == DOCUMENTS
    assert outcomes.get("read", 0) > DOCUMENTS // 50  # near-valid ones do read: the fuzzer is near
    assert outcomes.get("refused", 0) > DOCUMENTS // 2
    record(
        "fuzzed documents",
        "none",
        documents=DOCUMENTS,
        seed=seed,
        failures=0,
        slowest_seconds=round(slowest, 4),
        most_processor_seconds=round(busiest, 4),
        largest_megabytes=round(largest / 2**20, 2),
        **{f"outcome {k}": v for k, v in sorted(outcomes.items())},
        **{f"family {k}": v for k, v in sorted(families.items())},
    )


def test_en2_the_fuzzer_makes_what_it_promises() -> None:
    """The fuzzer's families all occur, valid documents read, and a seed repeats itself."""
    fuzz = Fuzzer(7)
    drawn = [fuzz.document() for _ in range(400)]
    assert {f for f, _, _ in drawn} == {
        "arbitrary", "envelope", "deep", "huge", "version", "valid", "mutated",
    }  # fmt: skip
    for family, reader, doc in drawn:
        if family == "valid":
            assert _read(reader, doc)[0] == "read", doc
        if family == "version":
            assert _read(reader, doc)[1] is not None
    again = Fuzzer(7)
    repeated = [again.document() for _ in range(400)]
    assert [(f, r) for f, r, _ in repeated] == [(f, r) for f, r, _ in drawn]
    assert [d for f, _, d in repeated if f == "valid"] == [d for f, _, d in drawn if f == "valid"]
