"""The cyclic garbage collector, paused for the stores' bulk work (PF4).

Building the in-memory index and writing a batch of a bulk import make
millions of objects that either stay (the index) or are freed by their
reference counts as soon as they are done with (a batch's documents). The
collector's passes over them find no cycle to free, and at a million
candidates they cost a tenth or more of the work, so both pause it for as long
as the work lasts. Only the collector is paused, never the freeing of objects;
it runs again as it did when the block ends, however it ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, if it was running."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
