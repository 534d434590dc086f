"""The seed's three use cases for micro-pools, end to end (MP1–MP9).

Each test walks one use case of ``seeds/000_…``: who sees the candidate in the
"Candidates" view, the "Candidates on positions" view and the candidate card,
and who is notified on which channel.
"""

from __future__ import annotations

import pytest

from micropools_support import Account, ids
from talentpool.criteria import Keywords
from talentpool.errors import PermissionDeniedError
from talentpool.ids import AttachmentId, CandidateId, RequisitionId
from talentpool.micropools import TagShareCause, TagShareGranted, TagShareRevoked
from talentpool.model import Attachment, Candidate, Role
from talentpool.notifications import NotificationChannel
from talentpool.visibility import (
    AccessLevel,
    OwnerCandidateCard,
    PositionOperation,
    TagShareCandidateCard,
    TagShareCandidateRow,
)

BELL, EMAIL, PUSH, SLACK = (
    NotificationChannel.BELL,
    NotificationChannel.EMAIL,
    NotificationChannel.MOBILE_PUSH,
    NotificationChannel.SLACK,
)


def test_use_case_1_collection_form_applicant_reaches_the_regional_managers() -> None:
    """Use case 1 (MP1, MP2, MP3, MP5, MP7, MP8).

    A candidate applies through a collection form (no position) and picks the
    preferred location "Brno" themselves; the hiring managers for the Brno branch
    track "Brno", see the candidate in their micro-pool and are told about them.
    """
    acc = Account()
    w, pools, vis, outbox = acc.world, acc.pools, acc.vis, acc.outbox
    brno_1 = w.user("hm-brno-1", "Bára Brněnská").id
    brno_2 = w.user("hm-brno-2", "Bohdan Brněnský").id
    praha = w.user("hm-praha", "Pavla Pražská").id
    recruiter = w.user("rec", "Rita Recruiter", Role.RECRUITER).id
    for manager in (brno_1, brno_2):
        pools.subscribe(acc.admin.id, manager, "Brno")
    pools.subscribe(acc.admin.id, praha, "Praha")
    pools.set_slack_integrated(acc.admin.id, True)
    pools.set_notification_channel(brno_2, EMAIL, False)
    pools.set_notification_channel(brno_2, SLACK, False)

    applicant = Candidate(
        CandidateId("c-lucie"), "Lucie", "Horáková", w.now, tags=["brno"], text="prodavačka"
    )
    pools.add_candidate(applicant)  # the candidate herself: no actor

    # who sees what
    assert vis.level(brno_1, applicant.id) is AccessLevel.TAG_SHARE
    assert vis.level(brno_2, applicant.id) is AccessLevel.TAG_SHARE
    assert vis.level(praha, applicant.id) is AccessLevel.NONE
    assert vis.level(recruiter, applicant.id) is AccessLevel.NONE
    assert ids(vis.candidates(brno_1, micro_pool="Brno").rows) == {"c-lucie"}
    assert vis.candidates(praha).total == 0
    assert [(f.label, f.count) for f in pools.folders(brno_1)] == [("Brno", 1)]

    # who is notified on which channel
    assert outbox.channels(brno_1) == {BELL, EMAIL, PUSH, SLACK}
    assert outbox.channels(brno_2) == {BELL, PUSH}
    assert outbox.to(praha) == []
    assert outbox.messages(brno_1) == ["Lucie Horáková is new in your micro-pool Brno."]

    # the recruiter later registers her on a Brno position: the managers still do
    # not see the position, only its title
    w.requisition("r-shop", "Prodavač/ka Brno", owner="rec")
    w.apply("c-lucie", "r-shop", submission_id="s-shop")
    w.uow.attachments.save(
        Attachment(AttachmentId("a-cv"), applicant.id, "cv.pdf", w.now, RequisitionId("r-shop"))
    )
    card = vis.candidate_card(brno_1, applicant.id)
    assert isinstance(card, TagShareCandidateCard)
    assert card.position_titles == ("Prodavač/ka Brno",)
    assert [a.filename for a in card.attachments] == ["cv.pdf"]
    assert vis.candidates_on_positions(brno_1) == ()
    with pytest.raises(PermissionDeniedError):
        vis.require_position_access(brno_1, applicant.id, PositionOperation.OPEN_POSITION)
    owner_card = vis.candidate_card(recruiter, applicant.id)
    assert isinstance(owner_card, OwnerCandidateCard)
    assert [r.submission_id for r in owner_card.responses] == ["s-shop"]


def test_use_case_2_a_skill_tag_reaches_the_teams_that_need_it() -> None:
    """Use case 2 (MP2, MP3, MP6, MP7, MP8).

    A candidate with a specific skill (Python) is offered to the teams that need
    it; they look at the profile, filter their micro-pool, and one of them selects
    the candidate for their own recruitment.
    """
    acc = Account()
    w, pools, vis, outbox = acc.world, acc.pools, acc.vis, acc.outbox
    data_lead = w.user("hm-data", "Dana Data").id
    web_lead = w.user("hm-web", "Vojta Web").id
    recruiter = w.user("rec", "Rita Recruiter", Role.RECRUITER).id
    for user in (data_lead, web_lead, recruiter):
        pools.subscribe(acc.admin.id, user, "Python")
    pools.set_notification_channel(web_lead, PUSH, False)
    w.requisition("r-backend", "Backend developer", owner="rec")
    w.requisition("r-web", "Web developer", owner="hm-web")
    w.candidate("c-tomas", "Tomáš", "Král", text="python django postgres")
    w.candidate("c-jana", "Jana", "Malá", text="python pandas", tags=["Python"])
    w.apply("c-tomas", "r-backend", submission_id="s-backend")
    w.uow.attachments.save(
        Attachment(
            AttachmentId("a-cv"),
            CandidateId("c-tomas"),
            "cv.pdf",
            w.now,
            RequisitionId("r-backend"),
        )
    )

    pools.tag(recruiter, CandidateId("c-tomas"), "python")

    # notified: both team leads, not the recruiter who tagged
    assert outbox.channels(data_lead) == {BELL, EMAIL, PUSH}
    assert outbox.channels(web_lead) == {BELL, EMAIL}
    assert outbox.to(recruiter) == []
    assert outbox.messages(data_lead) == ["Tomáš Král is new in your micro-pool Python."]

    # the "Candidates" view: no positions overview, attachments from all positions
    row = vis.candidate_row(data_lead, CandidateId("c-tomas"))
    assert isinstance(row, TagShareCandidateRow)
    assert not hasattr(row, "positions")
    assert [(a.filename, a.position_title) for a in row.attachments] == [
        ("cv.pdf", "Backend developer")
    ]
    # the micro-pool combines with full text
    assert vis.candidates(data_lead, Keywords("django"), micro_pool="Python").candidate_ids == (
        "c-tomas",
    )
    assert vis.count(data_lead, micro_pool="python") == 2
    # nothing on positions
    assert vis.positions_of(data_lead, CandidateId("c-tomas")) == ()
    for operation in PositionOperation:
        with pytest.raises(PermissionDeniedError):
            vis.require_position_access(data_lead, CandidateId("c-tomas"), operation)

    # the web team selects Tomáš for its own position: now it owns him
    w.apply("c-tomas", "r-web", submission_id="s-web")
    decision = vis.decide(web_lead, CandidateId("c-tomas"))
    assert decision.level is AccessLevel.OWNER
    assert [t.label for t in decision.micro_pools] == ["Python"]
    assert {r.response.submission_id for r in vis.candidates_on_positions(web_lead)} == {
        "s-backend",
        "s-web",
    }
    # the data team still has only the tag share
    assert vis.level(data_lead, CandidateId("c-tomas")) is AccessLevel.TAG_SHARE


def test_use_case_3_call_and_prepare_contract_hand_candidates_to_other_teams() -> None:
    """Use case 3 (MP4, MP7, MP9).

    Tags like "call" and "prepare contract" pass a candidate to another team for
    one action; when the tag goes, so does that team's access.
    """
    acc = Account()
    w, pools, vis, outbox = acc.world, acc.pools, acc.vis, acc.outbox
    caller = w.user("cc-petr", "Petr Call-centre").id
    hr = w.user("hr-anna", "Anna HR").id
    recruiter = w.user("rec", "Rita Recruiter", Role.RECRUITER).id
    pools.subscribe(acc.admin.id, caller, "call")
    pools.subscribe(acc.admin.id, hr, "prepare contract")
    w.requisition("r-driver", "Driver", owner="rec")
    w.candidate("c-karel", "Karel", "Dvořák")
    w.apply("c-karel", "r-driver", submission_id="s-driver")
    karel = CandidateId("c-karel")

    pools.tag(recruiter, karel, "Call")
    assert vis.level(caller, karel) is AccessLevel.TAG_SHARE
    assert vis.level(hr, karel) is AccessLevel.NONE
    assert outbox.messages(caller) == ["Karel Dvořák is new in your micro-pool call."]
    assert outbox.to(hr) == []
    with pytest.raises(PermissionDeniedError):
        vis.require_position_access(caller, karel, PositionOperation.MOVE_IN_WORKFLOW)
    assert vis.candidates(caller).candidate_ids == ("c-karel",)

    # the call is done: the recruiter hands Karel on to HR in one change
    w.clock.advance(hours=2)
    outbox.clear()
    pools.set_tags(recruiter, karel, ["prepare contract"])
    assert vis.level(caller, karel) is AccessLevel.NONE
    assert vis.candidates(caller).total == 0
    assert [(f.label, f.count) for f in pools.folders(caller)] == [("call", 0)]
    assert vis.level(hr, karel) is AccessLevel.TAG_SHARE
    assert outbox.recipients() == {hr}
    assert outbox.messages(hr) == ["Karel Dvořák is new in your micro-pool prepare contract."]
    assert vis.level(recruiter, karel) is AccessLevel.OWNER  # ownership untouched

    # the audit trail says who could see Karel through a tag, since when and why
    trail = [
        (type(e).__name__, e.user_id, e.micro_pool.label, e.cause, e.occurred_at)
        for e in w.uow.events
        if isinstance(e, TagShareGranted | TagShareRevoked)
    ]
    start = w.ago(hours=2)
    assert trail == [
        ("TagShareGranted", caller, "call", TagShareCause.TAGGED, start),
        ("TagShareRevoked", caller, "call", TagShareCause.UNTAGGED, w.now),
        ("TagShareGranted", hr, "prepare contract", TagShareCause.TAGGED, w.now),
    ]
