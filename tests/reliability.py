"""Sizes and figures of the reliability suite (not collected).

The suite runs small under the default ``ci`` hypothesis profile and at full
size under ``HYPOTHESIS_PROFILE=deep``; :func:`sized` picks the number. Each test
reports what it ran through :func:`record`; with ``TALENTPOOL_RELIABILITY_REPORT``
naming a file, the figures are appended to it as JSON lines, one per test, which
is where ``docs/reliability.md`` takes its figures from.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

__all__ = ["DEEP", "PROFILE", "record", "sized"]

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
DEEP = PROFILE == "deep"
REPORT = "TALENTPOOL_RELIABILITY_REPORT"


def sized(ci: int, deep: int) -> int:
    """The number of cases to run: *deep* under the deep profile, *ci* otherwise."""
    return deep if DEEP else ci


def record(test: str, store: str, **figures: object) -> None:
    """Append what *test* ran on *store* to the report file, if one is named."""
    target = os.environ.get(REPORT)
    if not target:
        return
    line = {"test": test, "store": store, "profile": PROFILE, "at": time.time(), **figures}
    with Path(target).open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, sort_keys=True) + "\n")
