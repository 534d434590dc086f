"""An autopool session on the SQL store: a recruiter's morning on an SQLite file.

The demo's account (Koruna Market, 800 candidates in real Czech towns) is built
into a new SQLite file through the sync API; then, as a host would on every
request, the services run on a unit of work of that file: the pool of a store's
requisition with its total against the cap of 300, a sort by distance, the
funnel, why one candidate is in and another is not, a match from the pool, and
the pool after it. The file is the database: a second store opened on it sees
the match.

Run it with ``python examples/sql_autopool_session.py`` (it needs the ``demo``
extra: ``pip install 'talentpool[demo]'``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from talentpool import AutopoolActions, Autopooling, FixedClock, MemoryIds
from talentpool.adapters.sql import SqlStore
from talentpool.demo.database import build_database
from talentpool.demo.dataset import DEMO_NOW, STORE_MANAGER
from talentpool.demo.story import POOL_REQUISITION
from talentpool.results import Ordering, SortKey


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'koruna.db'}"
        store = SqlStore(url)
        account, _ = build_database(store, candidates=800)
        uow = store.unit_of_work(account)
        clock = FixedClock(DEMO_NOW)
        pool = Autopooling(uow, clock)

        results = pool.results(POOL_REQUISITION)
        title = uow.requisitions.get(POOL_REQUISITION).title
        print(
            f"Pool of {title!r} on SQLite: {results.total} candidate(s), "
            f"{len(results.rows)} shown, truncated: {results.truncated}"
        )
        nearest = pool.results(POOL_REQUISITION, order=Ordering(SortKey.DISTANCE, False), limit=3)
        for row in nearest.rows:
            print(f"  nearest: {row.name}, {row.city}, {row.distance_km:.1f} km")

        print("Funnel:")
        print("\n".join(f"  {line}" for line in str(pool.funnel(POOL_REQUISITION)).splitlines()))

        member = results.rows[0].candidate_id
        print(str(pool.explain(POOL_REQUISITION, member)).splitlines()[0])
        outsider = pool.explain(POOL_REQUISITION, "cand-0000")
        print(
            f"cand-0000 not in the pool: {outsider.failed[0].label} -> {outsider.failed[0].reason}"
        )

        actions = AutopoolActions(uow, clock, MemoryIds())
        submission = actions.match(STORE_MANAGER, POOL_REQUISITION, member)
        print(f"Matched {member}: submission {submission.id}, {submission.status.value}")
        after = pool.results(POOL_REQUISITION)
        print(f"Pool after the match: {after.total} candidate(s)")

        second = SqlStore(url)  # another process opening the file sees the same
        stored = second.unit_of_work(account).submissions.for_requisition(POOL_REQUISITION)
        print(f"On the file, the requisition's submissions: {[s.candidate_id for s in stored]}")
        second.dispose()
        store.dispose()


if __name__ == "__main__":
    main()
