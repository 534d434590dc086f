"""What the in-memory store holds: entities, tables and index, as the process sees it (PF4).

``perf.py`` keeps the generated entities for its baseline, so the store's share
of the process is hard to tell there. This script streams the SPEC's dataset
(the same generator, the same seed) straight into a new in-memory store, so the
store holds the only copy, then builds the index. It prints the resident size
the store added with its entities, then with its index; the index build time and
``index_sizes()``; and, as the baseline of the same run, the resident size of the
same candidates and submissions held as objects in lists. Each part runs in a
process of its own.

    python benchmarks/footprint.py --size 1000000

A smoke run is in the test suite (tests/test_benchmarks.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import perf

from talentpool.demo.dataset import (
    Applicant,
    Dataset,
    DatasetSpec,
    generate,
    generate_applicants,
    performance_spec,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="candidates")
    parser.add_argument("--seed", type=int, default=7, help="the generator's seed")
    parser.add_argument("--country", default="DE", help="ISO code of the country: DE or CZ")
    parser.add_argument("--part", choices=("store", "objects"), help=argparse.SUPPRESS)
    return parser


def _store(spec: DatasetSpec, account: Dataset) -> dict[str, object]:
    """Stream the dataset into a new in-memory store and build its index."""
    start_mb = perf.rss_mb()
    counted = [0]

    def streamed() -> Iterator[Applicant]:
        for applicant in generate_applicants(spec):  # the store holds the only reference
            counted[0] += len(applicant.submissions)
            yield applicant

    started = time.perf_counter()
    uow = perf.load_memory(account, streamed())
    load_s = time.perf_counter() - started
    gc.collect()
    stored_mb = perf.rss_mb() - start_mb
    started = time.perf_counter()
    uow.build_indexes()
    build_s = time.perf_counter() - started
    gc.collect()
    return {
        "submissions": counted[0],
        "stored_mb": stored_mb,
        "indexed_mb": perf.rss_mb() - start_mb,
        "load_s": load_s,
        "build_s": build_s,
        "sizes": uow.index_sizes(),
    }


def _objects(spec: DatasetSpec) -> dict[str, object]:
    """Hold the same candidates and submissions as objects in two lists."""
    start_mb = perf.rss_mb()
    candidates, submissions = [], []
    for applicant in generate_applicants(spec):
        candidates.append(applicant.candidate)
        submissions.extend(applicant.submissions)
    gc.collect()
    return {"objects_mb": perf.rss_mb() - start_mb, "held": len(candidates) + len(submissions)}


def _child(args: argparse.Namespace) -> dict[str, Any]:
    """Run one part in a process of its own, so no part reuses another's freed memory."""
    command = [sys.executable, __file__, "--size", str(args.size), "--seed", str(args.seed)]
    command += ["--country", args.country, "--part", args.part]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run the measurement and print its table; return the exit status."""
    args = _parser().parse_args(argv)
    spec = performance_spec(args.size, seed=args.seed, country=args.country)
    if args.part is not None:
        gc.collect()
        if args.part == "store":
            account = generate(performance_spec(0, seed=args.seed, country=args.country))
            print(json.dumps(_store(spec, account)))
        else:
            print(json.dumps(_objects(spec)))
        return 0
    store = _child(argparse.Namespace(**{**vars(args), "part": "store"}))
    objects = _child(argparse.Namespace(**{**vars(args), "part": "objects"}))
    print(f"* {spec.size:,} candidates, {store['submissions']:,} submissions, seed {spec.seed}\n")
    print("| what | MB | per candidate |")
    print("| --- | ---: | ---: |")
    rows = [
        ("the store with its entities", store["stored_mb"]),
        ("the store, its entities and its index", store["indexed_mb"]),
        ("baseline: the candidates and submissions as objects in lists", objects["objects_mb"]),
    ]
    for label, mb in rows:
        print(f"| {label} | {mb:,.0f} | {mb * 1e6 / max(spec.size, 1):,.0f} B |")
    print(f"\nload {store['load_s']:,.1f} s, index build {store['build_s']:,.1f} s")
    sizes = store["sizes"]
    print("index_sizes(): " + ", ".join(f"{k} {v / 1e6:,.1f} MB" for k, v in sizes.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
