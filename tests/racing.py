"""Races for the tests: calls released at once, every outcome collected (AP9)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

__all__ = ["race"]


def race(calls: Sequence[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Run every call in its own thread, all released at once by a barrier.

    Returns what the calls that finished returned and what the others raised.
    """
    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            outcome = call()
        except BaseException as e:  # every outcome is collected and asserted on
            with lock:
                errors.append(e)
        else:
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors
