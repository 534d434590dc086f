"""Micro-pools, use case 1: a collection-form applicant reaches the regional managers.

The administrator sets up tag tracking: the two Brno managers track the location
tag "Brno", the Praha manager "Praha". Lucie applies through the career page's
collection form and picks "Brno" herself, so no user acted: every manager
tracking "Brno" sees her through a tag share, finds her in a "Brno" folder, and
is told (in the bell always; email, mobile push and Slack by their settings).

Run it with ``python examples/micropool_collection_form.py``.
"""

from __future__ import annotations

from talentpool import Candidate, CandidateId, MemoryOutbox, MicroPools, Role, Visibility
from talentpool.notifications import NotificationChannel
from talentpool.testing import World


def main() -> None:
    world = World()  # an account on the in-memory store, the clock at 2 November 2026, 09:00
    world.user("alena", "Alena Adamová", Role.ADMINISTRATOR)
    for uid, name in (("bara", "Bára Brněnská"), ("bohdan", "Bohdan Bednář")):
        world.user(uid, name)
    world.user("pavla", "Pavla Pražská")
    outbox = MemoryOutbox()  # the host's email, push and Slack senders
    pools = MicroPools(world.uow, world.clock, world.ids, outbox)
    visibility = Visibility(world.uow, world.clock)

    pools.set_slack_integrated("alena", True)
    for manager in ("bara", "bohdan"):
        pools.subscribe("alena", manager, "Brno")
    pools.subscribe("alena", "pavla", "Praha")
    pools.set_notification_channel("bohdan", NotificationChannel.EMAIL, False)

    lucie = Candidate(CandidateId("lucie"), "Lucie", "Horáková", world.now, tags=["brno"])
    pools.add_candidate(lucie)  # no actor: she applied through the collection form herself

    print("Lucie applies through the collection form, choosing the location 'Brno'.")
    for uid in ("bara", "bohdan", "pavla"):
        level = visibility.level(uid, lucie.id).value
        folders = ", ".join(f"{f.label} ({f.count})" for f in pools.folders(uid))
        channels = ", ".join(sorted(c.value for c in outbox.channels(uid))) or "nothing"
        print(f"  {uid}: access {level}; folders {folders}; told by {channels}")
    print(f"  bara's bell: {[n.message for n in pools.bell('bara')]}")


if __name__ == "__main__":
    main()
