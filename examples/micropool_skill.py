"""Micro-pools, use case 2: a skill tag reaches the teams that need it.

Two team leads track "Python". A recruiter spots Python in Tomáš's CV and tags
him: both leads are told once, see him in their "Python" folder through a tag
share (his attachments, no overview of his positions), and can combine the
folder with any other filter. When one lead registers him on her own position
she becomes an owner; the other keeps the tag share.

Run it with ``python examples/micropool_skill.py``.
"""

from __future__ import annotations

from talentpool import Keywords, MemoryOutbox, MicroPools, Role, SpeaksLanguage, Visibility
from talentpool.testing import World
from talentpool.visibility import TagShareCandidateRow


def main() -> None:
    world = World()
    world.user("alena", "Alena Adamová", Role.ADMINISTRATOR)
    world.user("roman", "Roman Řehoř", Role.RECRUITER)
    world.user("dana", "Dana Datová")
    world.user("vojta", "Vojta Webový")
    world.requisition("backend", "Backend developer", owner="roman")
    world.requisition("web", "Web developer", owner="vojta")
    outbox = MemoryOutbox()
    pools = MicroPools(world.uow, world.clock, world.ids, outbox)
    visibility = Visibility(world.uow, world.clock)
    for lead in ("dana", "vojta"):
        pools.subscribe("alena", lead, "Python")

    tomas = world.candidate("tomas", "Tomáš", "Král", text="python django postgres")
    world.apply(tomas, "backend")
    pools.tag("roman", tomas.id, "python")

    print("Roman tags Tomáš 'python'.")
    print(f"  told: {sorted(outbox.recipients())}; dana reads {outbox.messages('dana')}")
    row = visibility.candidate_row("dana", tomas.id)
    print(f"  dana's row is a tag-share row: {isinstance(row, TagShareCandidateRow)}")
    hits = visibility.candidates("dana", Keywords("django"), micro_pool="Python").candidate_ids
    print(f"  dana's Python folder and 'django': {list(hits)}")
    folder = pools.folder("dana", "Python")
    german = visibility.count("dana", folder.criterion & SpeaksLanguage("de"))
    print(f"  dana's Python folder and German speakers: {german}")
    world.apply(tomas, "web")
    print(f"  vojta registers him on 'Web developer': {visibility.decide('vojta', tomas.id)}")
    print(f"  dana still: {visibility.level('dana', tomas.id).value}")


if __name__ == "__main__":
    main()
