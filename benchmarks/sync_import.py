"""How fast the sync API imports a backfill into an SQLite file (ST7, PF4).

Generates the demo's dataset (:mod:`talentpool.demo.dataset`) of ``--size``
candidates, about 1.7 submissions and as many CVs each, into memory first, so
only the import is timed; then streams it through
:class:`talentpool.adapters.sql.Sync` into a new SQLite file and prints, for
each kind, the entities written, the table rows they became, the seconds taken
and the rates. A last pass replays the candidates (every row already stored:
the update path)::

    python benchmarks/sync_import.py --size 100000

With ``--lazy`` only the candidates are imported, straight from the generator
(a stream of unknown length, generation time included), so a million fit in
little memory::

    python benchmarks/sync_import.py --size 1000000 --lazy

PF4 asks for 1M candidates in under 5 minutes.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
from sqlalchemy import func, select

from talentpool.adapters.sql import SqlStore, Sync
from talentpool.demo.dataset import DatasetSpec, generate, generate_applicants

_TABLES = {
    "candidates": ("candidates", "candidate_tags", "candidate_languages", "candidate_fields"),
    "submissions": ("submissions", "submission_shares"),
    "attachments": ("attachments",),
}


def _rows(store: SqlStore, kind: str) -> int:
    with store.engine.connect() as c:
        return sum(
            c.execute(select(func.count()).select_from(getattr(store.schema, name))).scalar_one()
            for name in _TABLES[kind]
        )


def _timed(store: SqlStore, label: str, kind: str, run: Callable[[], int]) -> float:
    before = _rows(store, kind)
    start = time.perf_counter()
    written = run()
    seconds = time.perf_counter() - start
    rows = _rows(store, kind) - before or _rows(store, kind)  # a replay rewrites every row
    print(
        f"| {label:<22} | {written:>9,} | {rows:>9,} | {seconds:>8.2f} "
        f"| {written / seconds:>10,.0f} | {rows / seconds:>10,.0f} |"
    )
    return seconds


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="candidates to import")
    parser.add_argument("--batch-size", type=int, default=1000, help="entities per transaction")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a new temporary file)")
    parser.add_argument("--lazy", action="store_true", help="candidates only, from a generator")
    args = parser.parse_args(argv)

    spec = DatasetSpec(seed=7, size=args.size)
    account = generate(attrs.evolve(spec, size=0))
    start = time.perf_counter()
    applicants = [] if args.lazy else list(generate_applicants(spec))
    generated = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "talent.db"
        store = SqlStore(f"sqlite:///{path}")
        sync = Sync(store, "acme")
        sync.save_structures(account.structures)
        sync.save_users(account.users)
        sync.save_requisitions(account.requisitions)
        b = args.batch_size
        print(
            f"{platform.python_implementation()} {platform.python_version()} on "
            f"{platform.machine()}, batch size {b}, "
            + (
                "generated while importing"
                if args.lazy
                else f"generated first in {generated:.1f} s"
            )
        )
        print("| stream | entities | rows | seconds | entities/s | rows/s |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        if args.lazy:
            people = (a.candidate for a in generate_applicants(spec))
            _timed(store, "candidates (new)", "candidates", lambda: sync.save_candidates(people))
            store.dispose()
            return
        candidates = [a.candidate for a in applicants]
        submissions = [s for a in applicants for s in a.submissions]
        attachments = [f for a in applicants for f in a.attachments]
        total = _timed(
            store,
            "candidates (new)",
            "candidates",
            lambda: sync.save_candidates(candidates, batch_size=b),
        )
        total += _timed(
            store,
            "submissions (new)",
            "submissions",
            lambda: sync.save_submissions(submissions, batch_size=b),
        )
        total += _timed(
            store,
            "attachments (new)",
            "attachments",
            lambda: sync.save_attachments(attachments, batch_size=b),
        )
        _timed(
            store,
            "candidates (replayed)",
            "candidates",
            lambda: sync.save_candidates(iter(candidates), batch_size=b),
        )
        print(f"every new row: {total:.1f} s; database {path.stat().st_size / 1e6:.0f} MB")
        store.dispose()


if __name__ == "__main__":
    main()
