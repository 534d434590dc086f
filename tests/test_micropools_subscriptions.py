"""Tag tracking (MP1), audited grants (MP9) and the subscription dry run (EN5)."""

from __future__ import annotations

import pytest

from micropools_support import Account
from talentpool.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from talentpool.events import DomainEvent
from talentpool.ids import CandidateId, UserId
from talentpool.micropools import (
    SubscriptionAdded,
    SubscriptionRemoved,
    TagShareCause,
    TagShareGranted,
    TagShareRevoked,
)
from talentpool.model import Candidate, Permission, Role, Tag
from talentpool.visibility import AccessLevel

HM = UserId("hm")


@pytest.fixture
def acc() -> Account:
    """Three candidates in Praha; the hiring manager owns one and tracks Python."""
    acc = Account()
    w = acc.world
    w.user("hm", "Hana Manager")
    w.user("rec", "Rita Recruiter", Role.RECRUITER, [Permission.SEE_WHOLE_DATABASE])
    w.user("admin2", "Adam Admin", Role.ADMINISTRATOR)
    w.requisition("r-hm", "Developer", owner="hm")
    w.candidate("c1", "Eva", tags=["Praha"])
    w.candidate("c2", "Jan", tags=["Praha", "Python"])
    w.candidate("c3", "Ota", tags=["Praha"])
    w.candidate("c4", "Ivo", tags=["Brno"])
    w.apply("c3", "r-hm")
    acc.pools.subscribe(acc.admin.id, HM, "Python")
    acc.uow.events.recorded.clear()
    return acc


# --- MP1: only administrators ----------------------------------------------------------------


def test_an_administrator_subscribes_a_colleague_mp1(acc: Account) -> None:
    """MP1: an administrator sets up tag tracking for a colleague."""
    sub = acc.pools.subscribe(acc.admin.id, HM, "Praha")
    assert sub.user_id == HM
    assert sub.tag == Tag("praha")
    assert sub.created_by == acc.admin.id
    assert sub.created_at == acc.world.now
    assert [s.tag.label for s in acc.pools.subscriptions(HM)] == ["Praha", "Python"]


def test_an_administrator_subscribes_themselves_mp1(acc: Account) -> None:
    """MP1: administrators may track tags themselves."""
    acc.pools.subscribe(acc.admin.id, acc.admin.id, "Brno")
    assert [f.label for f in acc.pools.folders(acc.admin.id)] == ["Brno"]


@pytest.mark.parametrize("actor", ["hm", "rec"])
def test_anyone_else_may_not_subscribe_and_nothing_changes_mp1(acc: Account, actor: str) -> None:
    """MP1: a non-administrator (even one who sees the whole database) is refused."""
    before_subs, before_events = list(acc.uow.subscriptions), len(acc.uow.events)
    with pytest.raises(PermissionDeniedError, match="only system administrators"):
        acc.pools.subscribe(UserId(actor), HM, "Praha")
    with pytest.raises(PermissionDeniedError, match="only system administrators"):
        acc.pools.subscribe(UserId(actor), UserId(actor), "Praha")
    assert list(acc.uow.subscriptions) == before_subs
    assert len(acc.uow.events) == before_events


@pytest.mark.parametrize("actor", ["hm", "rec"])
def test_anyone_else_may_not_unsubscribe_and_nothing_changes_mp1(acc: Account, actor: str) -> None:
    """MP1: removing a subscription is refused to non-administrators, themselves included."""
    with pytest.raises(PermissionDeniedError):
        acc.pools.unsubscribe(UserId(actor), HM, "Python")
    assert [s.tag.label for s in acc.pools.subscriptions(HM)] == ["Python"]
    assert len(acc.uow.events) == 0


def test_permission_errors_are_builtin_permission_errors_mp1(acc: Account) -> None:
    """MP1: hosts catching PermissionError keep working."""
    with pytest.raises(PermissionError):
        acc.pools.subscribe(HM, HM, "Praha")


def test_another_administrator_may_remove_a_subscription_mp1(acc: Account) -> None:
    """MP1: any administrator manages any colleague's tracking."""
    acc.pools.unsubscribe(UserId("admin2"), HM, "python")
    assert acc.pools.subscriptions(HM) == ()


def test_subscribing_twice_changes_nothing_mp1(acc: Account) -> None:
    """MP1: a tag is tracked once, whatever its spelling; no second event."""
    first = acc.pools.subscriptions(HM)[0]
    assert acc.pools.subscribe(acc.admin.id, HM, " PYTHON ") == first
    assert len(acc.uow.events) == 0


def test_unknown_subscription_user_or_blank_tag_is_refused_mp1(acc: Account) -> None:
    """MP1: errors name what is wrong; nothing is written."""
    with pytest.raises(NotFoundError, match="subscription"):
        acc.pools.unsubscribe(acc.admin.id, HM, "Brno")
    with pytest.raises(NotFoundError, match="user"):
        acc.pools.subscribe(acc.admin.id, UserId("ghost"), "Brno")
    with pytest.raises(DomainError, match="blank"):
        acc.pools.subscribe(acc.admin.id, HM, "  ")
    assert len(acc.uow.events) == 0


# --- MP9: every grant and revocation is an event with its reason -------------------------------


def test_subscribing_grants_a_tag_share_per_tagged_candidate_mp9(acc: Account) -> None:
    """MP9: a new subscription records one grant per candidate carrying the tag."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    added = acc.events(SubscriptionAdded)
    assert [(e.user_id, e.tag.label, e.actor_id) for e in added] == [(HM, "Praha", "admin")]
    grants = acc.events(TagShareGranted)
    assert [(e.candidate_id, e.level_after) for e in grants] == [
        ("c1", AccessLevel.TAG_SHARE),
        ("c2", AccessLevel.TAG_SHARE),
        ("c3", AccessLevel.OWNER),
    ]
    first = grants[0]
    assert first.cause is TagShareCause.SUBSCRIBED
    assert first.micro_pool.label == "Praha"
    assert first.occurred_at == acc.world.now
    assert first.reason == "c1 carries tag 'Praha', which admin subscribed hm to"


def test_unsubscribing_revokes_each_with_the_level_left_mp9(acc: Account) -> None:
    """MP9: removal records one revocation per candidate and what access remains."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    acc.uow.events.recorded.clear()
    acc.pools.unsubscribe(acc.admin.id, HM, "PRAHA")
    assert [e.tag.label for e in acc.events(SubscriptionRemoved)] == ["Praha"]
    revoked = acc.events(TagShareRevoked)
    assert [(e.candidate_id, e.level_after) for e in revoked] == [
        ("c1", AccessLevel.NONE),
        ("c2", AccessLevel.TAG_SHARE),  # still in the Python micro-pool
        ("c3", AccessLevel.OWNER),
    ]
    assert {e.cause for e in revoked} == {TagShareCause.UNSUBSCRIBED}
    assert revoked[0].reason == "admin removed hm's tracking of tag 'Praha', which c1 carries"


def test_tagging_and_untagging_are_granted_and_revoked_mp9(acc: Account) -> None:
    """MP9: a tag appearing or going records grants and revocations with the actor."""
    acc.pools.tag(UserId("rec"), CandidateId("c4"), "python")
    acc.pools.untag(None, CandidateId("c2"), "Python")
    granted, revoked = acc.events(TagShareGranted), acc.events(TagShareRevoked)
    assert [(e.user_id, e.candidate_id, e.cause, e.actor_id) for e in granted] == [
        (HM, "c4", TagShareCause.TAGGED, "rec")
    ]
    assert granted[0].reason == "c4 tagged by rec with tag 'Python', which hm tracks"
    assert [(e.candidate_id, e.cause, e.actor_id, e.level_after) for e in revoked] == [
        ("c2", TagShareCause.UNTAGGED, None, AccessLevel.NONE)
    ]
    assert revoked[0].reason == "tag 'Python' removed from c2 by the system; hm tracks 'Python'"


def test_a_candidate_created_with_a_tracked_tag_is_granted_mp9(acc: Account) -> None:
    """MP9: a new candidate carrying a tracked tag records a grant caused by creation."""
    new = Candidate(CandidateId("c9"), "Petra", "Nová", acc.world.now, tags=["python", "Kladno"])
    acc.pools.add_candidate(new)
    granted = acc.events(TagShareGranted)
    assert [(e.candidate_id, e.cause, e.level_after) for e in granted] == [
        ("c9", TagShareCause.CREATED_WITH_TAG, AccessLevel.TAG_SHARE)
    ]
    assert granted[0].reason == "c9 created with tag 'Python', which hm tracks"


def test_adding_an_existing_candidate_is_a_conflict_and_writes_nothing_mp7(acc: Account) -> None:
    """MP7: add_candidate is for new candidates only."""
    existing = acc.uow.candidates.get(CandidateId("c1")).with_tags(["Python"])
    with pytest.raises(ConflictError, match="already exists"):
        acc.pools.add_candidate(existing)
    assert acc.uow.candidates.get(CandidateId("c1")).tags == {Tag("Praha")}
    assert list(acc.uow.events) == []


def test_changes_that_touch_no_tracked_tag_record_nothing_mp9(acc: Account) -> None:
    """MP9: only tag shares gained or lost are events; other tag changes are not."""
    acc.pools.tag(None, CandidateId("c4"), "Ostrava")
    acc.pools.tag(None, CandidateId("c2"), "Python")  # already carried: no change at all
    assert list(acc.uow.events) == []


def test_events_are_undone_with_a_unit_of_work_that_fails_mp9(acc: Account) -> None:
    """MP9: events are appended in the same unit of work as the change."""
    uow = acc.uow
    with uow:
        acc.pools.subscribe(acc.admin.id, HM, "Praha")
        assert acc.events(TagShareGranted)
        uow.rollback()
    assert list(uow.events) == []
    assert acc.vis.level(HM, CandidateId("c1")) is AccessLevel.NONE


def test_events_answer_who_could_see_a_candidate_since_when_and_why_mp9(acc: Account) -> None:
    """MP9: folding the events gives the current tag-share paths of a candidate."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    acc.world.clock.advance(days=1)
    acc.pools.untag(None, CandidateId("c2"), "Praha")
    acc.world.clock.advance(days=1)
    acc.pools.tag(None, CandidateId("c2"), "Praha")
    paths: dict[tuple[str, str], DomainEvent] = {}
    for e in acc.uow.events:
        if isinstance(e, TagShareGranted) and e.candidate_id == "c2":
            paths[e.user_id, e.micro_pool.key] = e
        elif isinstance(e, TagShareRevoked) and e.candidate_id == "c2":
            paths.pop((e.user_id, e.micro_pool.key))
    assert sorted(paths) == [("hm", "praha")]
    assert paths["hm", "praha"].occurred_at == acc.world.now


# --- EN5: dry run before saving a subscription change ---------------------------------------------


def test_dry_run_subscribe_lists_only_candidates_the_user_would_newly_see_en5(
    acc: Account,
) -> None:
    """EN5: owned candidates and ones already in another micro-pool are not gained."""
    run = acc.pools.dry_run_subscribe(acc.admin.id, HM, "Praha")
    assert run.subscribing
    assert run.gaining == ("c1",)  # c2 is in Python already, c3 is owned
    assert run.losing == ()
    assert run.in_micro_pool == ("c1", "c2", "c3")
    assert run.changes
    # nothing saved
    assert acc.pools.subscriptions(HM)[0].tag.label == "Python"
    assert len(acc.uow.events) == 0


def test_dry_run_unsubscribe_lists_only_candidates_seen_only_through_the_tag_en5(
    acc: Account,
) -> None:
    """EN5: losing counts only tag-share-only candidates."""
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    acc.pools.tag(None, CandidateId("c4"), "Python")
    run = acc.pools.dry_run_unsubscribe(acc.admin.id, HM, "Python")
    assert not run.subscribing
    assert run.losing == ("c4",)  # c2 stays visible through Praha
    assert run.gaining == ()
    assert run.in_micro_pool == ("c2", "c4")


def test_dry_run_matches_what_saving_then_does_en5(acc: Account) -> None:
    """EN5: the dry run predicts exactly the access the save changes."""
    everyone = [c.id for c in acc.uow.candidates]
    run = acc.pools.dry_run_subscribe(acc.admin.id, HM, "Praha")
    before = {c: acc.vis.level(HM, c) for c in everyone}
    acc.pools.subscribe(acc.admin.id, HM, "Praha")
    after = {c: acc.vis.level(HM, c) for c in everyone}
    gained = [c for c in everyone if before[c] is AccessLevel.NONE and after[c].sees_candidate]
    assert tuple(gained) == run.gaining
    run = acc.pools.dry_run_unsubscribe(acc.admin.id, HM, "Python")
    acc.pools.unsubscribe(acc.admin.id, HM, "Python")
    lost = [
        c for c in everyone if after[c].sees_candidate and not acc.vis.level(HM, c).sees_candidate
    ]
    assert tuple(lost) == run.losing


def test_dry_run_of_a_change_that_changes_nothing_en5(acc: Account) -> None:
    """EN5: subscribing to a tracked tag would change nothing; unsubscribing an untracked fails."""
    run = acc.pools.dry_run_subscribe(acc.admin.id, HM, "PYTHON")
    assert not run.changes
    assert (run.gaining, run.losing) == ((), ())
    with pytest.raises(NotFoundError):
        acc.pools.dry_run_unsubscribe(acc.admin.id, HM, "Brno")


def test_dry_run_for_a_whole_database_user_gains_nothing_en5(acc: Account) -> None:
    """EN5: a user who owns every candidate gains and loses nothing through tags."""
    run = acc.pools.dry_run_subscribe(acc.admin.id, UserId("rec"), "Praha")
    assert run.gaining == ()
    assert run.in_micro_pool == ("c1", "c2", "c3")


def test_dry_run_is_for_administrators_only_en5_mp1(acc: Account) -> None:
    """EN5, MP1: the dry run belongs to the administrators' subscription screen."""
    with pytest.raises(PermissionDeniedError):
        acc.pools.dry_run_subscribe(HM, HM, "Praha")
