"""Access decisions, projections and the position guard (MP2, MP3, MP4)."""

from __future__ import annotations

import attrs
import pytest

from micropools_support import Account
from talentpool.errors import NotFoundError, PermissionDeniedError
from talentpool.ids import AttachmentId, CandidateId, RequisitionId, UserId
from talentpool.model import (
    Attachment,
    Permission,
    Role,
    Share,
    ShareKind,
    SubmissionStatus,
    Tag,
)
from talentpool.visibility import (
    AccessLevel,
    OwnerCandidateCard,
    OwnerCandidateRow,
    PositionOperation,
    TagShareCandidateCard,
    TagShareCandidateRow,
)

C1 = CandidateId("c1")
HM = UserId("hm")


@pytest.fixture
def acc() -> Account:
    """An account with a hiring manager, a recruiter, two positions and a tagged candidate."""
    acc = Account()
    w = acc.world
    w.user("hm", "Hana Manager")
    w.user("rec", "Rita Recruiter", Role.RECRUITER)
    w.requisition("r1", "Cashier Brno", owner="rec")
    w.requisition("r2", "Warehouse Praha", owner="rec")
    w.candidate("c1", "Eva", "Nováková", tags=["Praha"], text="cashier forklift")
    w.apply("c1", "r1", submission_id="s1", status=SubmissionStatus.IN_PROCESS)
    w.apply("c1", "r2", submission_id="s2")
    w.uow.attachments.save(
        Attachment(AttachmentId("a-cv"), C1, "cv.pdf", w.ago(20), RequisitionId("r1"))
    )
    w.uow.attachments.save(Attachment(AttachmentId("a-photo"), C1, "photo.jpg", w.ago(25)))
    return acc


# --- MP2: the decision and its reasons ---------------------------------------------------


def test_no_share_no_tag_means_none_mp2(acc: Account) -> None:
    """MP2: a hiring manager with no share and no tracked tag sees nothing."""
    decision = acc.vis.decide(HM, C1)
    assert decision.level is AccessLevel.NONE
    assert decision.shares == ()
    assert decision.micro_pools == ()
    assert str(decision) == "hm may not see c1"


def test_tracked_tag_gives_a_tag_share_naming_the_micro_pool_mp2(acc: Account) -> None:
    """MP2: a tracked tag gives TAG_SHARE; the reason names the micro-pool as tracked."""
    acc.pools.subscribe(acc.admin.id, HM, " PRAHA ")
    decision = acc.vis.decide(HM, C1)
    assert decision.level is AccessLevel.TAG_SHARE
    assert [t.label for t in decision.micro_pools] == ["PRAHA"]
    assert decision.reasons == ("in micro-pool PRAHA",)


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        ("response", Share(ShareKind.RESPONSE_SHARED, RequisitionId("r1"), "s1")),  # type: ignore[arg-type]
        ("position_shared", Share(ShareKind.POSITION_SHARED, RequisitionId("r2"))),
        ("position_owned", Share(ShareKind.POSITION_OWNED, RequisitionId("r2"))),
        ("role", Share(ShareKind.WHOLE_DATABASE)),
        ("permission", Share(ShareKind.WHOLE_DATABASE)),
    ],
)
def test_every_ownership_path_gives_owner_with_its_reason_mp2(
    acc: Account, share: str, expected: Share
) -> None:
    """MP2: response shared, position shared or owned, or a whole-database role: OWNER."""
    if share == "response":
        acc.share_response("s1", "hm")
    elif share == "position_shared":
        acc.share_position("r2", "hm")
    elif share == "position_owned":
        acc.uow.requisitions.save(attrs.evolve(acc.uow.requisitions.get("r2"), owner_id=HM))
    elif share == "role":
        acc.world.user("hm", "Hana Manager", Role.ADMINISTRATOR)
    else:
        acc.world.user("hm", "Hana Manager", permissions=[Permission.SEE_WHOLE_DATABASE])
    decision = acc.vis.decide(HM, C1)
    assert decision.level is AccessLevel.OWNER
    assert decision.shares == (expected,)


def test_owner_wins_over_a_tag_share_and_both_reasons_are_kept_mp2(acc: Account) -> None:
    """MP2: where both apply OWNER wins; the micro-pool is still listed as a reason."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    acc.share_position("r1", "hm")
    decision = acc.vis.decide(HM, C1)
    assert decision.level is AccessLevel.OWNER
    assert str(decision) == "hm owns c1: position r1 shared with them; also in micro-pool Praha"


def test_reasons_list_whole_database_first_then_shares_by_id_mp2(acc: Account) -> None:
    """MP2: several shares are all reasons, in the order of ShareKind, then by id."""
    acc.world.user("hm", "Hana", permissions=[Permission.SEE_WHOLE_DATABASE])
    acc.share_position("r2", "hm")
    acc.share_response("s1", "hm")
    kinds = [s.kind for s in acc.vis.decide(HM, C1).shares]
    assert kinds == [ShareKind.WHOLE_DATABASE, ShareKind.RESPONSE_SHARED, ShareKind.POSITION_SHARED]


def test_the_rec_owning_both_positions_owns_through_each_mp2(acc: Account) -> None:
    """MP2: owning the positions the candidate is on makes the recruiter an owner."""
    shares = acc.vis.decide(UserId("rec"), C1).shares
    assert {s.requisition_id for s in shares} == {"r1", "r2"}
    assert {s.kind for s in shares} == {ShareKind.POSITION_OWNED}


def test_a_response_shared_twice_on_one_position_counts_until_both_go_mp2(acc: Account) -> None:
    """MP2: the index counts grants, so losing one of two shares keeps the other."""
    acc.world.apply("c1", "r1", submission_id="s1b")
    acc.share_position("r1", "hm")
    acc.unshare_position("r1", "hm")
    assert acc.vis.level(HM, C1) is AccessLevel.NONE
    acc.share_position("r1", "hm")
    acc.uow.submissions.save(
        attrs.evolve(acc.uow.submissions.get("s1b"), status=SubmissionStatus.HIRED)
    )
    assert acc.vis.level(HM, C1) is AccessLevel.OWNER


# --- MP4: derived, not copied -----------------------------------------------------------------


def test_removing_the_tag_removes_the_tag_share_at_once_mp4(acc: Account) -> None:
    """MP4: untagging the candidate ends the tag share immediately."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    acc.pools.untag(None, C1, "praha")
    assert acc.vis.level(HM, C1) is AccessLevel.NONE


def test_removing_the_subscription_removes_the_tag_share_at_once_mp4(acc: Account) -> None:
    """MP4: unsubscribing ends the tag share immediately."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    acc.pools.unsubscribe(acc.admin.id, HM, "Praha")
    assert acc.vis.level(HM, C1) is AccessLevel.NONE


def test_a_tag_saved_directly_by_the_host_is_seen_too_mp4(acc: Account) -> None:
    """MP4: visibility reads current data, whoever wrote it."""
    acc.pools.subscribe(acc.admin.id, HM, "Brno")
    candidate = acc.uow.candidates.get(C1)
    acc.uow.candidates.save(candidate.with_tags({*candidate.tags, "brno"}))
    assert acc.vis.level(HM, C1) is AccessLevel.TAG_SHARE


def test_ownership_is_unaffected_by_tags_mp4(acc: Account) -> None:
    """MP4: removing every tag and subscription leaves ownership as it was."""
    acc.share_response("s2", "hm")
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    acc.pools.unsubscribe(acc.admin.id, HM, "Praha")
    acc.pools.set_tags(None, C1, [])
    assert acc.vis.level(HM, C1) is AccessLevel.OWNER


def test_unsharing_ends_ownership_and_falls_back_to_the_tag_share_mp4(acc: Account) -> None:
    """MP4: ownership and tag share are independent paths; the better one is shown."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    acc.share_response("s1", "hm")
    assert acc.vis.level(HM, C1) is AccessLevel.OWNER
    acc.unshare_response("s1", "hm")
    assert acc.vis.level(HM, C1) is AccessLevel.TAG_SHARE


def test_rolled_back_writes_leave_the_visibility_index_as_it_was_mp4(acc: Account) -> None:
    """MP4, ST2: a unit of work that does not commit undoes index changes too."""
    uow = acc.uow
    acc.pools.subscribe(acc.admin.id, HM, "Brno")
    with uow:
        acc.share_position("r1", "hm")
        acc.share_response("s2", "hm")
        candidate = uow.candidates.get(C1)
        uow.candidates.save(candidate.with_tags({"Brno"}))
        assert acc.vis.level(HM, C1) is AccessLevel.OWNER
    assert acc.vis.level(HM, C1) is AccessLevel.NONE
    assert list(uow.visibility.owned(HM)) == []
    assert list(uow.visibility.tagged(Tag("Brno"))) == []
    assert list(uow.visibility.tagged(Tag("Praha"))) == [C1]


# --- MP3: what each level shows -------------------------------------------------------------------


def _field_names(obj: object) -> set[str]:
    return {f.name for f in attrs.fields(type(obj))}


def test_owner_row_has_the_positions_overview_and_every_attachment_mp3(acc: Account) -> None:
    """MP3: an owner's "Candidates" row carries the beak and all attachments."""
    row = acc.vis.candidate_row(UserId("rec"), C1)
    assert isinstance(row, OwnerCandidateRow)
    assert [p.requisition_id for p in row.positions] == ["r1", "r2"]
    assert [p.status for p in row.positions] == [SubmissionStatus.IN_PROCESS, SubmissionStatus.NEW]
    assert [a.filename for a in row.attachments] == ["photo.jpg", "cv.pdf"]


def test_tag_share_row_has_no_positions_overview_but_every_attachment_mp3(acc: Account) -> None:
    """MP3: the tag-share row has no overview field at all, and attachments without ids."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    row = acc.vis.candidate_row(HM, C1)
    assert isinstance(row, TagShareCandidateRow)
    assert "positions" not in _field_names(row)
    assert not hasattr(row, "positions")
    assert [(a.filename, a.position_title) for a in row.attachments] == [
        ("photo.jpg", None),
        ("cv.pdf", "Cashier Brno"),
    ]
    assert not hasattr(row.attachments[1], "requisition_id")
    assert [t.label for t in row.micro_pools] == ["Praha"]


def test_tag_share_card_lists_position_titles_only_and_no_responses_mp3(acc: Account) -> None:
    """MP3: the card lists titles (nothing to open) and holds no response data at all."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    card = acc.vis.candidate_card(HM, C1)
    assert isinstance(card, TagShareCandidateCard)
    assert card.position_titles == ("Cashier Brno", "Warehouse Praha")
    assert "responses" not in _field_names(card)
    assert _field_names(card) == {"candidate", "position_titles", "attachments", "micro_pools"}
    assert [a.filename for a in card.attachments] == ["photo.jpg", "cv.pdf"]


def test_owner_card_holds_every_response_mp3(acc: Account) -> None:
    """MP3: an owner's card carries each response with its status and step."""
    card = acc.vis.candidate_card(UserId("rec"), C1)
    assert isinstance(card, OwnerCandidateCard)
    assert [(r.submission_id, r.position_title) for r in card.responses] == [
        ("s1", "Cashier Brno"),
        ("s2", "Warehouse Praha"),
    ]


def test_candidates_on_positions_shows_nothing_to_a_tag_share_mp3(acc: Account) -> None:
    """MP3: "Candidates on positions" shows a tag-share viewer nothing, an owner everything."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    assert acc.vis.positions_of(HM, C1) == ()
    assert acc.vis.candidates_on_positions(HM) == ()
    rows = acc.vis.candidates_on_positions(UserId("rec"))
    assert [r.response.submission_id for r in rows] == ["s1", "s2"]
    assert [r.response.submission_id for r in acc.vis.positions_of(UserId("rec"), C1)] == [
        "s1",
        "s2",
    ]
    only_r2 = acc.vis.candidates_on_positions(UserId("rec"), RequisitionId("r2"))
    assert [r.response.submission_id for r in only_r2] == ["s2"]


def test_nothing_at_all_for_none_mp3(acc: Account) -> None:
    """MP3: a viewer with no access is refused the row and the card, and gets no positions."""
    with pytest.raises(PermissionDeniedError, match="may not see the row"):
        acc.vis.candidate_row(HM, C1)
    with pytest.raises(PermissionDeniedError, match="may not see the card"):
        acc.vis.candidate_card(HM, C1)
    assert acc.vis.positions_of(HM, C1) == ()


@pytest.mark.parametrize("operation", list(PositionOperation))
def test_every_position_operation_is_denied_to_a_tag_share_mp3(
    acc: Account, operation: PositionOperation
) -> None:
    """MP3: open a position, read or change a response, move in a workflow: all refused."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    with pytest.raises(PermissionDeniedError, match="only through a tag share"):
        acc.vis.require_position_access(HM, C1, operation)


@pytest.mark.parametrize("operation", list(PositionOperation))
def test_every_position_operation_is_denied_without_access_mp3(
    acc: Account, operation: PositionOperation
) -> None:
    """MP3: the guard refuses users who may not see the candidate, as a PermissionError too."""
    with pytest.raises(PermissionError, match="may not see them"):
        acc.vis.require_position_access(HM, C1, operation)


@pytest.mark.parametrize("operation", list(PositionOperation))
def test_position_operations_are_allowed_to_owners_mp3(
    acc: Account, operation: PositionOperation
) -> None:
    """MP3: the guard lets owners through and returns the decision."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    acc.share_response("s1", "hm")
    assert acc.vis.require_position_access(HM, C1, operation).owns


def test_unknown_user_or_candidate_is_not_found_mp2(acc: Account) -> None:
    """MP2: decisions about ids the repositories do not hold raise NotFoundError."""
    with pytest.raises(NotFoundError):
        acc.vis.decide(UserId("nobody"), C1)
    with pytest.raises(NotFoundError):
        acc.vis.decide(HM, CandidateId("nobody"))
