"""MP10, ST3: digest jobs in separate processes on one SQLite file send each digest once.

Four processes, each with its own store on the file, run the digest job at the
same moment, round after round; each reports the notifications every digest it
sent gathered. Across all of them, every queued notification goes out exactly
once on each channel.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from micropools_support import Account
from talentpool.adapters.sql import SqlStore
from talentpool.clock import FixedClock
from talentpool.ids import CandidateId, UserId
from talentpool.micropools import DigestJob
from talentpool.model import Candidate
from talentpool.notifications import DeliveryMode, Digest, NotificationChannel
from talentpool.testing import DEFAULT_NOW, World

PROCESSES = 4
ROUNDS = 3
USERS = 5
CHANNELS = (NotificationChannel.EMAIL, NotificationChannel.MOBILE_PUSH)


class _ProcessIds:
    """Digest ids no other process hands out."""

    def __init__(self, number: int) -> None:
        self._prefix, self._count = f"p{number}", 0

    def new_id(self, kind: str) -> str:
        self._count += 1
        return f"{kind}-{self._prefix}-{self._count}"


class _Reporter:
    """A sender that takes a moment and reports what it sent to the test."""

    def __init__(self, outcomes: Any, number: int) -> None:
        self.outcomes, self.number = outcomes, number

    def deliver_digest(self, digest: Digest) -> None:
        time.sleep(0.002)
        for note in digest.notifications:
            self.outcomes.put((self.number, digest.user_id, digest.channel.value, note.id))


def _run_in_rounds(url: str, number: int, barrier: Any, outcomes: Any) -> None:
    store = SqlStore(url)
    try:
        for rnd in range(ROUNDS):
            clock = FixedClock(DEFAULT_NOW + timedelta(hours=rnd + 1))
            job = DigestJob(
                store.unit_of_work("acme"),
                clock,
                _ProcessIds(number * 100 + rnd),
                _Reporter(outcomes, number),
            )
            barrier.wait()
            job.run()
            barrier.wait()  # the test queues the next round's notifications meanwhile
            barrier.wait()
    except threading.BrokenBarrierError:
        outcomes.put((number, "broken barrier", "", ""))
    except BaseException as e:  # reported to the test, which fails on it
        outcomes.put((number, "error", type(e).__name__, str(e)))
        barrier.abort()
    finally:
        outcomes.put((number, "done", "", ""))
        store.dispose()


def test_mp10_digest_jobs_in_four_processes_send_each_notification_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'talent.db'}"
    world = World(uow=SqlStore(url).unit_of_work("acme"))
    acc = Account(world)
    users = [UserId(f"u{n}") for n in range(USERS)]
    for user in users:
        world.user(user)
        acc.pools.subscribe(acc.admin.id, user, "Praha")
        for channel in CHANNELS:
            acc.pools.set_delivery_mode(user, channel, DeliveryMode.HOURLY)
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(PROCESSES + 1, timeout=120)
    outcomes = spawn.Queue()
    workers = [
        spawn.Process(target=_run_in_rounds, args=(url, n, barrier, outcomes))
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    try:
        for rnd in range(ROUNDS):
            for k in range(2):
                cid = CandidateId(f"c{rnd}-{k}")
                acc.pools.add_candidate(Candidate(cid, "Eva", cid, world.ago(1), tags=["Praha"]))
            world.clock.advance(hours=1)
            barrier.wait()  # all jobs run
            barrier.wait()  # all jobs ran
            barrier.wait()
        got = []
        done = 0
        while done < PROCESSES:
            item = outcomes.get(timeout=120)
            if item[1] == "done":
                done += 1
            else:
                got.append(item)
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    assert [g for g in got if g[1] in ("error", "broken barrier")] == []
    sent = Counter((user, channel, note) for _, user, channel, note in got)
    assert [k for k, n in sent.items() if n > 1] == []
    # whatever a busy job skipped waits for the next run; one calm run sends it
    left = DigestJob(world.uow, world.clock, world.ids, acc.outbox).run()
    for digest in left.sent:
        for note in digest.notifications:
            sent[digest.user_id, digest.channel.value, note.id] += 1
    assert [k for k, n in sent.items() if n > 1] == []
    assert len(sent) == USERS * len(CHANNELS) * ROUNDS * 2
    assert got, "the processes sent nothing"
