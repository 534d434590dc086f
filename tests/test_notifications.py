"""Notifications of candidates entering micro-pools (MP7) and their channels (MP8)."""

from __future__ import annotations

import itertools

import pytest

from micropools_support import Account
from talentpool.errors import DomainError
from talentpool.ids import CandidateId, UserId
from talentpool.model import Candidate, Role
from talentpool.notifications import (
    DEFAULT_CHANNELS,
    NotificationChannel,
    NotificationSettings,
    NotificationType,
    channels_for,
)

BELL, EMAIL, PUSH, SLACK = (
    NotificationChannel.BELL,
    NotificationChannel.EMAIL,
    NotificationChannel.MOBILE_PUSH,
    NotificationChannel.SLACK,
)
HM, HM2, REC = UserId("hm"), UserId("hm2"), UserId("rec")
NEW_IN_POOL = NotificationType.NEW_CANDIDATE_IN_MICRO_POOL


@pytest.fixture
def acc() -> Account:
    """Two hiring managers tracking Praha (and one of them Python), and a recruiter."""
    acc = Account()
    w = acc.world
    w.user("hm", "Hana Manager")
    w.user("hm2", "Honza Manager")
    w.user("rec", "Rita Recruiter", Role.RECRUITER)
    w.requisition("r1", "Developer", owner="rec")
    w.candidate("c1", "Eva", "Nováková")
    w.apply("c1", "r1")
    for user, tag in [(HM, "Praha"), (HM, "python"), (HM2, "PRAHA"), (REC, "Praha")]:
        acc.pools.subscribe(acc.admin.id, user, tag)
    return acc


def _new(acc: Account, cid: str, *tags: str) -> Candidate:
    return Candidate(CandidateId(cid), "Petra", "Nová", acc.world.now, tags=tags)


# --- MP7: who is told, and how often ------------------------------------------------------------


def test_one_notification_per_user_however_many_tags_match_mp7(acc: Account) -> None:
    """MP7: a candidate entering two of a user's micro-pools gives that user one notification."""
    acc.pools.add_candidate(_new(acc, "c9", "praha", "Python", "Kladno"))
    notes = acc.outbox.notifications(HM)
    assert len(notes) == 1
    assert [t.label for t in notes[0].micro_pools] == ["Praha", "python"]
    assert notes[0].message == "Petra Nová is new in your micro-pools Praha and python."
    assert notes[0].kind is NEW_IN_POOL
    assert notes[0].candidate_id == "c9"
    assert len(acc.outbox.notifications(HM2)) == 1
    assert acc.outbox.messages(HM2) == ["Petra Nová is new in your micro-pool PRAHA."]


def test_each_tracker_is_notified_once_when_the_candidate_is_created_mp7(acc: Account) -> None:
    """MP7: created by a collection form (no actor), every tracker is told once."""
    acc.pools.add_candidate(_new(acc, "c9", "Praha"))
    assert acc.outbox.recipients() == {HM, HM2, REC}
    assert all(len(acc.outbox.notifications(u)) == 1 for u in (HM, HM2, REC))


def test_tagging_later_notifies_the_trackers_once_mp7(acc: Account) -> None:
    """MP7: a tag added later ("call", "prepare contract") also counts as entering."""
    acc.pools.set_tags(acc.admin.id, CandidateId("c1"), ["Praha", "Python", "VIP"])
    assert len(acc.outbox.notifications(HM)) == 1
    assert [t.label for t in acc.outbox.notifications(HM)[0].micro_pools] == ["Praha", "python"]
    assert acc.outbox.notifications(HM)[0].actor_id == "admin"


def test_the_person_who_made_the_change_is_not_notified_mp7(acc: Account) -> None:
    """MP7: the recruiter who tags the candidate is not told about their own action."""
    acc.pools.tag(REC, CandidateId("c1"), "Praha")
    assert acc.outbox.to(REC) == []
    assert acc.pools.bell(REC) == ()
    assert acc.outbox.recipients() == {HM, HM2}


def test_owners_are_notified_too_the_candidate_entered_their_micro_pool_mp7(
    acc: Account,
) -> None:
    """MP7: the recruiter owns c1 but tracks Praha, so c1 entering Praha is news to them."""
    acc.pools.tag(acc.admin.id, CandidateId("c1"), "Praha")
    assert len(acc.outbox.notifications(REC)) == 1


@pytest.mark.parametrize(
    "change",
    ["untag", "retag_same", "untracked_tag", "subscribe", "unsubscribe", "nothing_tracked"],
)
def test_changes_where_no_candidate_enters_a_micro_pool_notify_nobody_mp7(
    acc: Account, change: str
) -> None:
    """MP7: only entering a micro-pool notifies; subscriptions notify nobody."""
    acc.pools.tag(None, CandidateId("c1"), "Praha")
    acc.outbox.clear()
    c1 = CandidateId("c1")
    if change == "untag":
        acc.pools.untag(None, c1, "Praha")
    elif change == "retag_same":
        acc.pools.tag(None, c1, "PRAHA")
    elif change == "untracked_tag":
        acc.pools.tag(None, c1, "Brno")
    elif change == "subscribe":
        acc.pools.subscribe(acc.admin.id, HM2, "Python")
    elif change == "unsubscribe":
        acc.pools.unsubscribe(acc.admin.id, HM2, "Praha")
    else:
        acc.pools.add_candidate(_new(acc, "c9", "Ostrava"))
    assert len(acc.outbox) == 0


def test_re_entering_after_leaving_notifies_again_mp7(acc: Account) -> None:
    """MP7: a candidate untagged and tagged again enters the micro-pool again."""
    acc.pools.tag(None, CandidateId("c1"), "Praha")
    acc.pools.untag(None, CandidateId("c1"), "Praha")
    acc.pools.tag(None, CandidateId("c1"), "Praha")
    assert len(acc.outbox.notifications(HM2)) == 2


def test_the_bell_lists_each_notification_and_ids_are_unique_mp7(acc: Account) -> None:
    """MP7: every notification is stored for the in-app bell, with its own id."""
    acc.pools.add_candidate(_new(acc, "c8", "Praha"))
    acc.pools.add_candidate(_new(acc, "c9", "Python"))
    bell = acc.pools.bell(HM)
    assert [n.candidate_id for n in bell] == ["c8", "c9"]
    assert len({n.id for n in acc.uow.notifications}) == len(list(acc.uow.notifications)) == 4


def test_nothing_is_sent_when_the_change_is_refused_mp7(acc: Account) -> None:
    """MP7: a user who cannot see the candidate may not tag them; nobody is told."""
    with pytest.raises(PermissionError, match="may not change the tags"):
        acc.pools.tag(HM, CandidateId("c1"), "Praha")
    assert len(acc.outbox) == 0
    assert list(acc.uow.notifications) == []


# --- MP8: channels by the notification centre ----------------------------------------------------


@pytest.mark.parametrize(
    ("email", "push", "slack", "integrated"), list(itertools.product([True, False], repeat=4))
)
def test_channel_matrix_mp8(
    acc: Account, email: bool, push: bool, slack: bool, integrated: bool
) -> None:
    """MP8: bell always; email, push and Slack as set; Slack only with the integration."""
    acc.pools.set_notification_channel(HM, EMAIL, email)
    acc.pools.set_notification_channel(HM, PUSH, push)
    acc.pools.set_notification_channel(HM, SLACK, slack)
    acc.pools.set_slack_integrated(acc.admin.id, integrated)
    acc.pools.add_candidate(_new(acc, "c9", "Praha"))
    expected = {BELL}
    expected |= {EMAIL} if email else set()
    expected |= {PUSH} if push else set()
    expected |= {SLACK} if slack and integrated else set()
    assert acc.outbox.channels(HM) == expected
    assert set(acc.outbox.notifications(HM)[0].channels) == expected
    assert len(acc.outbox.to(HM)) == len(expected)  # one delivery per channel, no duplicates
    # the other manager kept the defaults
    assert acc.outbox.channels(HM2) == {BELL, EMAIL, PUSH} | ({SLACK} if integrated else set())


def test_defaults_are_every_channel_on_mp8() -> None:
    """MP8: the documented defaults: email, push and Slack on; Slack needs the integration."""
    assert dict(DEFAULT_CHANNELS[NEW_IN_POOL]) == {BELL: True, EMAIL: True, PUSH: True, SLACK: True}
    settings = NotificationSettings(HM)
    assert channels_for(settings, slack_integrated=False) == (BELL, EMAIL, PUSH)
    assert channels_for(settings, slack_integrated=True) == (BELL, EMAIL, PUSH, SLACK)


def test_the_bell_cannot_be_switched_off_mp8(acc: Account) -> None:
    """MP8: the bell always shows the notification; switching it off is refused."""
    with pytest.raises(DomainError, match="bell"):
        acc.pools.set_notification_channel(HM, BELL, False)
    assert acc.pools.notification_settings(HM) == NotificationSettings(HM)
    assert acc.pools.set_notification_channel(HM, BELL, True).is_on(BELL)


def test_the_bell_is_delivered_even_with_every_other_channel_off_mp8(acc: Account) -> None:
    """MP8: with email, push and Slack off the notification still reaches the bell."""
    for channel in (EMAIL, PUSH, SLACK):
        acc.pools.set_notification_channel(HM, channel, False)
    acc.pools.set_slack_integrated(acc.admin.id, True)
    acc.pools.add_candidate(_new(acc, "c9", "Praha"))
    assert acc.outbox.channels(HM) == {BELL}
    assert [n.candidate_id for n in acc.pools.bell(HM)] == ["c9"]


def test_settings_are_per_user_and_stored_mp8(acc: Account) -> None:
    """MP8: one user's switch does not touch another's; settings persist."""
    acc.pools.set_notification_channel(HM, EMAIL, False)
    assert not acc.pools.notification_settings(HM).is_on(EMAIL)
    assert acc.pools.notification_settings(HM2).is_on(EMAIL)


def test_only_administrators_switch_the_slack_integration_mp8(acc: Account) -> None:
    """MP8: the Slack integration is an account setting."""
    with pytest.raises(PermissionError):
        acc.pools.set_slack_integrated(HM, True)
    assert not acc.uow.settings.get().slack_integrated


def test_settings_reject_malformed_choices_mp8() -> None:
    """MP8: choices are keyed by type and channel and are booleans."""
    with pytest.raises(DomainError, match="true or false"):
        NotificationSettings(HM, {(NEW_IN_POOL, EMAIL): "yes"})  # type: ignore[dict-item]
    with pytest.raises(DomainError, match="keyed by"):
        NotificationSettings(HM, {("email", EMAIL): True})  # type: ignore[dict-item]
