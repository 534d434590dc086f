"""MP11 colleague shares, MP9 audited grants and the access history, on every store.

"Share with colleague" (one response) and sharing a whole position are services:
only a user who owns the response or the position, or an administrator, may share
or withdraw; anyone else gets a permission error and nothing changes. Each grant and
withdrawal is an audit event, and the access history answers who could see a
candidate, since when and why, for ownership as well as tag shares.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentpool import ColleagueShares, MicroPools, Visibility
from talentpool.adapters.outbox import MemoryOutbox
from talentpool.errors import NotFoundError, PermissionDeniedError
from talentpool.events import ColleagueShareGranted, ColleagueShareWithdrawn, DomainEvent
from talentpool.ids import CandidateId, RequisitionId, SubmissionId, UserId
from talentpool.model import AccessLevel, Permission, Role, Share, ShareKind
from talentpool.testing import World

ADMIN, HANA, PETR, RITA, OTA = (UserId(u) for u in ("admin", "hana", "petr", "rita", "ota"))
COOK, BARISTA = RequisitionId("cook"), RequisitionId("barista")
EVA, JAN, LUCIE = CandidateId("eva"), CandidateId("jan"), CandidateId("lucie")
EVA_ON_COOK = SubmissionId("s-eva-cook")


def _account(w: World) -> World:
    """Hana owns the cook position, Eva applied to it; Jan applied to the barista one.

    Petr is a colleague with no access; Rita sees the whole database; Ota is nobody.
    """
    w.user("admin", "Ada Admin", Role.ADMINISTRATOR)
    w.user("hana", "Hana Horáková")
    w.user("petr", "Petr Pokorný")
    w.user("rita", "Rita Říhová", Role.RECRUITER, [Permission.SEE_WHOLE_DATABASE])
    w.user("ota", "Ota Otáhal")
    w.requisition("cook", "Cook", owner="hana")
    w.requisition("barista", "Barista", owner="rita")
    w.apply(w.candidate("eva", "Eva", tags=["Brno"]), "cook", submission_id=EVA_ON_COOK)
    w.apply(w.candidate("jan", "Jan"), "barista", submission_id="s-jan-barista")
    return w


@pytest.fixture
def w(any_world: World) -> World:
    return _account(any_world)


def _shares(w: World) -> ColleagueShares:
    return ColleagueShares(w.uow, w.clock)


def _level(w: World, user: UserId, candidate: CandidateId) -> AccessLevel:
    return Visibility(w.uow, w.clock).decide(user, candidate).level


def _events(w: World) -> list[DomainEvent]:
    with w.uow:
        return [
            e
            for e in w.uow.events
            if isinstance(e, ColleagueShareGranted | ColleagueShareWithdrawn)
        ]


def _state(w: World) -> tuple[object, ...]:
    with w.uow:
        return (
            w.uow.requisitions.get(COOK).shared_with,
            w.uow.requisitions.get(BARISTA).shared_with,
            w.uow.submissions.get(EVA_ON_COOK).shared_with,
            len(w.uow.events),
        )


# --- sharing and withdrawing --------------------------------------------------------------


def test_mp11_an_owner_shares_a_response_and_withdraws_it(w: World) -> None:
    """MP11: Hana shares Eva's response with Petr, who owns Eva until it is withdrawn."""
    shares = _shares(w)
    assert _level(w, PETR, EVA) is AccessLevel.NONE
    saved = shares.share_response(HANA, EVA_ON_COOK, PETR)
    assert saved.shared_with == {PETR}
    decision = Visibility(w.uow, w.clock).decide(PETR, EVA)
    assert decision.level is AccessLevel.OWNER
    share = Share(ShareKind.RESPONSE_SHARED, COOK, EVA_ON_COOK)
    assert decision.shares == (share,)
    assert _level(w, PETR, JAN) is AccessLevel.NONE  # one response, one candidate
    (granted,) = _events(w)
    assert isinstance(granted, ColleagueShareGranted)
    assert (granted.actor_id, granted.user_id, granted.share) == (HANA, PETR, share)
    assert granted.candidate_ids == (EVA,)
    assert granted.occurred_at == w.now
    assert "hana shared response s-eva-cook" in granted.reason

    w.clock.advance(hours=1)
    assert shares.withdraw_response(HANA, EVA_ON_COOK, PETR).shared_with == frozenset()
    assert _level(w, PETR, EVA) is AccessLevel.NONE
    withdrawn = _events(w)[-1]
    assert isinstance(withdrawn, ColleagueShareWithdrawn)
    assert (withdrawn.user_id, withdrawn.share, withdrawn.candidate_ids) == (PETR, share, (EVA,))


def test_mp11_an_owner_shares_a_position_with_everyone_on_it(w: World) -> None:
    """MP11: a shared position gives its candidates to the colleague, later ones too."""
    shares = _shares(w)
    shares.share_position(HANA, COOK, PETR)
    assert _level(w, PETR, EVA) is AccessLevel.OWNER
    assert _level(w, PETR, JAN) is AccessLevel.NONE
    (granted,) = _events(w)
    assert granted.share == Share(ShareKind.POSITION_SHARED, COOK)
    assert granted.candidate_ids == (EVA,)
    w.apply(w.candidate("lucie", "Lucie"), "cook")  # registers after the share
    assert _level(w, PETR, LUCIE) is AccessLevel.OWNER
    shares.withdraw_position(HANA, COOK, PETR)
    assert _level(w, PETR, EVA) is AccessLevel.NONE
    assert _level(w, PETR, LUCIE) is AccessLevel.NONE
    assert _events(w)[-1].candidate_ids == (EVA, LUCIE)  # type: ignore[attr-defined]


def test_mp11_whoever_owns_the_response_or_position_may_share_it(w: World) -> None:
    """MP11: a colleague a response was shared with may pass it on; so may an administrator,
    and a colleague a position was shared with may share it further."""
    shares = _shares(w)
    shares.share_response(HANA, EVA_ON_COOK, PETR)
    shares.share_response(PETR, EVA_ON_COOK, OTA)  # Petr owns the response now
    assert _level(w, OTA, EVA) is AccessLevel.OWNER
    shares.withdraw_response(ADMIN, EVA_ON_COOK, OTA)  # an administrator may withdraw
    shares.share_position(ADMIN, BARISTA, PETR)
    shares.share_position(PETR, BARISTA, OTA)
    assert _level(w, OTA, JAN) is AccessLevel.OWNER
    assert [type(e).__name__ for e in _events(w)] == [
        "ColleagueShareGranted",
        "ColleagueShareGranted",
        "ColleagueShareWithdrawn",
        "ColleagueShareGranted",
        "ColleagueShareGranted",
    ]


@pytest.mark.parametrize("actor", [PETR, RITA, OTA])
def test_mp11_anyone_else_is_refused_and_nothing_changes(w: World, actor: UserId) -> None:
    """MP11: a user who owns neither the response nor its position is refused, even one who
    sees the whole database, and a tag share owns nothing."""
    shares = _shares(w)
    if actor == PETR:
        MicroPools(w.uow, w.clock, w.ids, MemoryOutbox()).subscribe(ADMIN, PETR, "Brno")
        assert _level(w, PETR, EVA) is AccessLevel.TAG_SHARE
    shares.share_response(HANA, EVA_ON_COOK, RITA if actor != RITA else PETR)
    before = _state(w)
    for attempt in (
        lambda: shares.share_response(actor, EVA_ON_COOK, OTA),
        lambda: shares.withdraw_response(actor, EVA_ON_COOK, RITA),
        lambda: shares.withdraw_response(actor, EVA_ON_COOK, PETR),
        lambda: shares.share_position(actor, COOK, OTA),
        lambda: shares.withdraw_position(actor, COOK, OTA),
    ):
        with pytest.raises(PermissionDeniedError, match=f"user '{actor}' may not"):
            attempt()
    assert _state(w) == before


def test_mp11_unknown_users_and_ids_are_not_found_and_nothing_changes(w: World) -> None:
    """MP11: an unknown actor, colleague, response or position raises NotFoundError."""
    shares = _shares(w)
    before = _state(w)
    with pytest.raises(NotFoundError, match="'nobody'"):
        shares.share_response(HANA, EVA_ON_COOK, UserId("nobody"))
    with pytest.raises(NotFoundError, match="'nobody'"):
        shares.share_position(UserId("nobody"), COOK, PETR)
    with pytest.raises(NotFoundError, match="submission"):
        shares.share_response(HANA, SubmissionId("s-none"), PETR)
    with pytest.raises(NotFoundError, match="requisition"):
        shares.withdraw_position(HANA, RequisitionId("r-none"), PETR)
    assert _state(w) == before


def test_mp11_sharing_twice_or_withdrawing_nothing_records_nothing(w: World) -> None:
    """MP9: only a change of access is an event: a repeated share or an idle withdrawal is not."""
    shares = _shares(w)
    shares.share_position(HANA, COOK, PETR)
    shares.share_position(HANA, COOK, PETR)
    shares.withdraw_response(HANA, EVA_ON_COOK, PETR)  # never shared: nothing to withdraw
    assert len(_events(w)) == 1
    with w.uow:
        assert w.uow.requisitions.get(COOK).shared_with == {PETR}


# --- the access history -----------------------------------------------------------------


def test_mp9_the_history_says_who_could_see_a_candidate_since_when_and_why(w: World) -> None:
    """MP9, MP11: tag shares and colleague shares alike, with their start, end and grantor."""
    start = w.now
    pools = MicroPools(w.uow, w.clock, w.ids, MemoryOutbox())
    pools.subscribe(ADMIN, PETR, "Brno")  # Petr sees Eva through his micro-pool
    w.clock.advance(hours=1)
    shares = _shares(w)
    shares.share_response(HANA, EVA_ON_COOK, PETR)
    w.clock.advance(hours=1)
    shares.share_position(HANA, COOK, OTA)
    w.clock.advance(hours=1)
    shares.withdraw_response(HANA, EVA_ON_COOK, PETR)
    w.clock.advance(days=1)
    w.apply(w.candidate("lucie", "Lucie"), "cook", submitted_days_ago=0)
    history = shares.access_history(ADMIN, EVA)
    assert [(p.user_id, p.reason, p.since, p.until, p.granted_by) for p in history] == [
        ("petr", "in micro-pool Brno", start, None, ADMIN),
        ("petr", "response s-eva-cook shared with them", start + _h(1), start + _h(3), HANA),
        ("ota", "position cook shared with them", start + _h(2), None, HANA),
    ]
    assert history[1].withdrawn_by == HANA
    assert history[0].micro_pool is not None
    assert history[2].share == Share(ShareKind.POSITION_SHARED, COOK)
    assert [p.user_id for p in history if p.current] == ["petr", "ota"]
    # Lucie registered on the shared position a day later: Ota owns her from then on.
    (lucie,) = shares.access_history(ADMIN, LUCIE)
    assert (lucie.user_id, lucie.since) == ("ota", w.now)
    assert shares.access_history(ADMIN, JAN) == ()


def test_mp9_a_share_withdrawn_at_once_is_still_in_the_history(w: World) -> None:
    """MP9: a grant and its withdrawal at the same instant leave a period of no length; a
    position share withdrawn before a candidate registered leaves them none."""
    shares = _shares(w)
    shares.share_response(HANA, EVA_ON_COOK, PETR)
    shares.withdraw_response(HANA, EVA_ON_COOK, PETR)
    shares.share_position(HANA, COOK, OTA)
    shares.withdraw_position(HANA, COOK, OTA)
    history = shares.access_history(ADMIN, EVA)
    assert [(p.user_id, p.since, p.until) for p in history] == [  # same instant: by user
        (OTA, w.now, w.now),
        (PETR, w.now, w.now),
    ]
    w.clock.advance(days=1)
    w.apply(w.candidate("lucie", "Lucie"), "cook", submitted_days_ago=0)
    assert shares.access_history(ADMIN, LUCIE) == ()


def test_mp9_only_administrators_read_the_history(w: World) -> None:
    """MP9: the access history is the administrators' audit view."""
    with pytest.raises(PermissionDeniedError, match="only system administrators"):
        _shares(w).access_history(HANA, EVA)
    with pytest.raises(NotFoundError):
        _shares(w).access_history(ADMIN, CandidateId("nobody"))


def _h(hours: float) -> timedelta:
    return timedelta(hours=hours)


# --- a property: the events and the history follow every change -------------------------

_USERS = st.sampled_from((ADMIN, HANA, PETR, RITA, OTA))
_STEPS = st.lists(
    st.tuples(st.sampled_from(("response", "position")), st.booleans(), _USERS, _USERS),
    max_size=8,
)


@settings(max_examples=30)
@given(_STEPS)
def test_mp11_property_ownership_events_and_history_agree(
    steps: list[tuple[str, bool, UserId, UserId]],
) -> None:
    """MP9, MP11: after any sequence of shares and withdrawals, by anyone, a user owns Eva
    exactly when a response or position share the history calls current says so; each
    effective change left one event and each refused one nothing."""
    w = _account(World())
    shares = _shares(w)
    response: set[UserId] = set()
    position: set[UserId] = set()
    changes = 0
    for what, share, actor, colleague in steps:
        held = response if what == "response" else position
        may = (
            actor in (ADMIN, HANA)
            or actor in position
            or (what == "response" and actor in response)
        )
        try:
            if what == "response":
                (shares.share_response if share else shares.withdraw_response)(
                    actor, EVA_ON_COOK, colleague
                )
            else:
                (shares.share_position if share else shares.withdraw_position)(
                    actor, COOK, colleague
                )
        except PermissionDeniedError:
            assert not may
            continue
        assert may
        if (colleague in held) is not share:
            changes += 1
            (held.add if share else held.discard)(colleague)
    assert len(_events(w)) == changes
    current = {
        (p.user_id, p.share.kind)
        for p in shares.access_history(ADMIN, EVA)
        if p.current and p.share is not None
    }
    assert current == {(u, ShareKind.RESPONSE_SHARED) for u in response} | {
        (u, ShareKind.POSITION_SHARED) for u in position
    }
    for user in (PETR, RITA, OTA):
        owned = user in response | position or user == RITA  # Rita sees the whole database
        assert (_level(w, user, EVA) is AccessLevel.OWNER) is owned
