"""Micro-pools, use case 3: "call" and "prepare contract" hand a candidate to another team.

The call centre tracks "call", HR tracks "prepare contract". The recruiter tags
Karel "call": the call centre sees him and is told, but may not move him in the
workflow. Two hours later the recruiter swaps the tag for "prepare contract":
access through tags is derived from the current tags, never copied, so the call
centre loses Karel at once and HR gains him; the audit trail says who could see
him, since when and why.

Run it with ``python examples/micropool_handover.py``.
"""

from __future__ import annotations

from talentpool import (
    MemoryOutbox,
    MicroPools,
    PermissionDeniedError,
    PositionOperation,
    Role,
    TagShareGranted,
    TagShareRevoked,
    Visibility,
)
from talentpool.testing import World


def main() -> None:
    world = World()
    world.user("alena", "Alena Adamová", Role.ADMINISTRATOR)
    world.user("roman", "Roman Řehoř", Role.RECRUITER)
    world.user("petr", "Petr Volný")  # the call centre
    world.user("anna", "Anna Smluvní")  # HR
    world.requisition("driver", "Řidič/ka", owner="roman")
    outbox = MemoryOutbox()
    pools = MicroPools(world.uow, world.clock, world.ids, outbox)
    visibility = Visibility(world.uow, world.clock)
    pools.subscribe("alena", "petr", "call")
    pools.subscribe("alena", "anna", "prepare contract")
    karel = world.candidate("karel", "Karel", "Dvořák")
    world.apply(karel, "driver")

    pools.tag("roman", karel.id, "Call")
    print(f"Roman tags Karel 'Call': petr {visibility.level('petr', karel.id).value}")
    print(f"  told {outbox.messages('petr')}")
    try:
        visibility.require_position_access("petr", karel.id, PositionOperation.MOVE_IN_WORKFLOW)
    except PermissionDeniedError as refused:
        print(f"  refused: {refused}")

    world.clock.advance(hours=2)
    outbox.clear()
    pools.set_tags("roman", karel.id, ["prepare contract"])
    levels = {u: visibility.level(u, karel.id).value for u in ("petr", "anna", "roman")}
    print(f"Two hours later Roman swaps the tag for 'prepare contract': {levels}")
    print(f"  told {sorted(outbox.recipients())}: {outbox.messages('anna')}")
    print("Audit trail:")
    for e in world.uow.events:
        if isinstance(e, TagShareGranted | TagShareRevoked):
            when = e.occurred_at.strftime("%H:%M")
            print(f"  {type(e).__name__} {e.user_id} {when} {e.reason}")


if __name__ == "__main__":
    main()
