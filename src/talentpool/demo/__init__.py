"""A demo account: Koruna Market, a Czech grocery chain, its micro-pools and one store's autopool.

The package is three modules, one per job:

* :mod:`talentpool.demo.dataset` generates the account as plain domain entities,
  deterministically from a seed and a size, with no store: the demo and
  benchmarks share it.
* :mod:`talentpool.demo.story` loads it into a unit of work and plays a morning
  of tag tracking and one store's autopool through the services.
* :mod:`talentpool.demo.report` renders what ``talentpool demo`` prints.

The names below are re-exported for the CLI and the tests.
"""

from __future__ import annotations

from talentpool.demo.dataset import (
    ADMIN,
    BRNO_MANAGER,
    BRNO_TAG,
    DEMO_NOW,
    HR_OFFICER,
    PRAHA_MANAGER,
    PRAHA_TAG,
    RECRUITER,
    STORE_ASSISTANT_CRITERIA,
    STORE_MANAGER,
    WAREHOUSE_LEAD,
    WIDE_REQUISITION,
)
from talentpool.demo.report import demo_report, render_micro_pools, render_report
from talentpool.demo.story import (
    CONTRACT_TAG,
    FORKLIFT_TAG,
    POOL_REQUISITION,
    Demo,
    MicroPoolStory,
    build_demo,
    load_demo,
    load_micro_pools,
)

__all__ = [
    "ADMIN",
    "BRNO_MANAGER",
    "BRNO_TAG",
    "CONTRACT_TAG",
    "DEMO_NOW",
    "FORKLIFT_TAG",
    "HR_OFFICER",
    "POOL_REQUISITION",
    "PRAHA_MANAGER",
    "PRAHA_TAG",
    "RECRUITER",
    "STORE_ASSISTANT_CRITERIA",
    "STORE_MANAGER",
    "WAREHOUSE_LEAD",
    "WIDE_REQUISITION",
    "Demo",
    "MicroPoolStory",
    "build_demo",
    "demo_report",
    "load_demo",
    "load_micro_pools",
    "render_micro_pools",
    "render_report",
]
