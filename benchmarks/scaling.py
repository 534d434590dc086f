"""The earlier name of ``benchmarks/perf.py``, kept for the commands docs/scaling.md cites.

``python benchmarks/scaling.py --size 100000`` runs ``benchmarks/perf.py`` with the
same options (``--size``, ``--runs``, ``--stores``, ``--postgres-url``, ``--db``,
``--memory-max``): the SPEC's datasets and every query, see that script.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf import baseline, main

__all__ = ["baseline", "main"]

if __name__ == "__main__":
    sys.exit(main())
