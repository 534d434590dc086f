"""The ``talentpool`` command (US1, US2), and the demo's micro-pools (MP3, MP5, MP7, MP8, EN5)."""

from __future__ import annotations

import re

import pytest

from talentpool.cli import COMMANDS, build_parser, main
from talentpool.demo import (
    ADMIN,
    BRNO_MANAGER,
    BRNO_TAG,
    CONTRACT_TAG,
    HR_OFFICER,
    RECRUITER,
    STORE_MANAGER,
    WAREHOUSE_LEAD,
    Demo,
    build_demo,
    render_micro_pools,
)
from talentpool.errors import PermissionDeniedError
from talentpool.micropools import SubscriptionAdded, TagShareCause, TagShareGranted
from talentpool.notifications import NotificationChannel
from talentpool.visibility import AccessLevel, PositionOperation


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """US2: ``talentpool --help`` exits with 0 and names every command."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: talentpool")
    for command in COMMANDS:
        assert command.name in out
    assert "demo" in out


def test_demo_help(capsys: pytest.CaptureFixture[str]) -> None:
    """US2: every command has its own help."""
    assert main(["demo", "--help"]) == 0
    assert "--candidates" in capsys.readouterr().out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """US2: a bare ``talentpool`` says what is missing and returns 2."""
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().err


def test_bad_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """US2: an impossible size is refused before any work is done."""
    assert main(["demo", "--candidates", "0"]) == 2
    assert "must be at least 1" in capsys.readouterr().err


def _demo(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["demo", *args]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def test_demo_prints_the_pool_funnel_and_explanations(capsys: pytest.CaptureFixture[str]) -> None:
    """US1/US2: the demo shows results with total and truncation, the funnel and why-nots."""
    out = _demo(capsys)

    assert "Autopool of 'Store assistant, Brno Vaňkovka'" in out
    assert "Criteria inherited from template 'store-assistant'; overrides: none" in out
    matched = re.search(
        r"^(\d+) candidates matched; (\d+) in the list \(at most 300\); "
        r"truncated: (yes|no)",
        out,
        re.MULTILINE,
    )
    assert matched is not None
    total, listed, truncated = int(matched[1]), int(matched[2]), matched[3]
    assert listed == min(total, 300)
    assert truncated == ("yes" if total > 300 else "no")
    # Ten result rows, numbered 1 to 10.
    assert re.findall(r"^\s+(\d+)  \S", out, re.MULTILINE)[:10] == [str(i) for i in range(1, 11)]

    # The funnel starts from everyone who applied elsewhere and ends at the total.
    funnel = out.split("Funnel\n------\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert funnel[0].split()[:2] == ["applied", "elsewhere"]
    assert int(funnel[-1].split()[-2]) == total
    removed = sum(int(m) for m in re.findall(r"\(-(\d+)\)", "\n".join(funnel)))
    assert int(funnel[0].split()[-1]) - removed == total

    # Explanations: each names the criterion the candidate fails, with a FAIL line.
    why = out.split("Why not? (explanations)", 1)[1]
    headers = re.findall(r"^  \S.* \(cand-\d{4}\) fails '(.+)':$", why, re.MULTILINE)
    assert 1 <= len(headers) <= 3
    assert len(set(headers)) == len(headers)
    assert why.count("FAIL") >= len(headers)


def test_demo_shows_an_honest_cap(capsys: pytest.CaptureFixture[str]) -> None:
    """AP15: the wide pool of the demo is over 300, listed as 300 and flagged truncated."""
    out = _demo(capsys)
    wide = re.search(
        r"default criteria only: (\d+) matched, (\d+) in the list, truncated: yes", out
    )
    assert wide is not None
    assert int(wide[1]) > 300
    assert int(wide[2]) == 300


def test_demo_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    """US1: the same seed gives the same report; another seed gives other people."""
    first = _demo(capsys, "--candidates", "120", "--top", "5")
    again = _demo(capsys, "--candidates", "120", "--top", "5")
    other = _demo(capsys, "--candidates", "120", "--top", "5", "--seed", "7")
    assert first == again
    assert first != other


def test_parser_knows_every_registered_command() -> None:
    """US2: the registry and the parser agree, so a new command is one entry."""
    parser = build_parser()
    for command in COMMANDS:
        assert parser.parse_args([command.name]).command == command.name


def test_demo_report_shows_the_pool_the_service_returns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """US1: the rows printed are the service's rows, latest submission first."""
    demo = build_demo(candidates=150)
    rows = demo.autopooling.results(demo.requisition_id).rows[:3]

    out = _demo(capsys, "--candidates", "150", "--top", "3")

    printed = re.findall(r"^\s+\d+  (.+?)\s{2,}", out, re.MULTILINE)[:3]
    assert len(rows) == 3
    assert printed == [row.name for row in rows]


# --- the micro-pools section -------------------------------------------------------------

_SIZE = 150


@pytest.fixture(scope="module")
def micro() -> tuple[Demo, str]:
    """A demo and its micro-pools section, rendered once for the tests below."""
    demo = build_demo(candidates=_SIZE)
    return demo, render_micro_pools(demo)


def _section(text: str, title: str) -> list[str]:
    """The lines under the section *title* (underlined with dashes), up to the next blank line."""
    start = re.search(rf"^{re.escape(title)}.*\n-+\n", text, re.MULTILINE)
    assert start is not None, title
    return text[start.end() :].split("\n\n", 1)[0].splitlines()


def test_demo_prints_the_micro_pools_after_the_autopool(capsys: pytest.CaptureFixture[str]) -> None:
    """US1: ``talentpool demo`` shows micro-pools too, from the same demo as the autopool."""
    out = _demo(capsys, "--candidates", str(_SIZE))
    demo = build_demo(candidates=_SIZE)
    assert out.index("Autopool of") < out.index("\nMicro-pools\n===========\n")
    assert out.endswith(render_micro_pools(demo))


def test_demo_folders_are_the_services_folders(micro: tuple[Demo, str]) -> None:
    """MP5: each tracking user's folders and counts are MicroPools.folders, and count the tag."""
    demo, text = micro
    names = {u.id: u.name for u in demo.uow.users}
    printed = {}
    for line in _section(text, "Micro-pool folders"):
        found = re.fullmatch(r"  (\S+ \S+)  +((?:.+ \(\d+\)(?:, )?)+)", line)
        if found:
            printed[found[1]] = re.findall(r"(.+?) \((\d+)\)(?:, |$)", found[2])
    expected = {
        names[u]: [(f.label, str(f.count)) for f in demo.micro_pools.folders(u)]
        for u in names
        if demo.micro_pools.subscriptions(u)
    }
    assert printed == expected
    assert len(printed) == 4  # the two regional managers, the team lead and HR
    # A folder holds exactly the candidates carrying its tag, whether or not anyone was told.
    for folders in expected.values():
        for label, count in folders:
            assert int(count) == sum(c.has_tag(label) for c in demo.uow.candidates)
    brno = dict(printed[names[BRNO_MANAGER]])[BRNO_TAG]
    assert int(brno) > 1  # earlier form applicants as well as this morning's one


def test_demo_notifications_are_the_outboxs(micro: tuple[Demo, str]) -> None:
    """MP7, MP8: the table per user and channel is what the outbox delivered."""
    demo, text = micro
    outbox, pools = demo.outbox, demo.micro_pools
    ids = {u.name: u.id for u in demo.uow.users}
    lines = _section(text, "Notifications")
    header = lines[1].split()
    assert header == ["user", "bell", "email", "mobile", "push", "Slack"]
    channels = list(NotificationChannel)  # bell, email, mobile push, Slack: the column order
    table = {}
    for line in lines[2:]:
        row = re.fullmatch(r"  (\S+ \S+) +(\S+) +(\S+) +(\S+) +(\S+)(   .*)?", line)
        if row:
            table[ids[row[1]]] = ([0 if c == "-" else int(c) for c in row.groups()[1:5]], row[6])
    assert set(table) == set(outbox.recipients())
    for uid, (counts, _) in table.items():
        assert counts == [len(outbox.to(uid, c)) for c in channels]
        assert counts[0] == len(pools.bell(uid))  # what was sent is what the bell lists

    # Everyone tracking a tag that a candidate entered was told once; the recruiter who
    # tagged was not (he tracks nothing), and the form applicants had no actor at all.
    assert set(outbox.recipients()) == {u for u in ids.values() if pools.subscriptions(u)}
    assert RECRUITER not in outbox.recipients()
    form = {n.candidate_id for u in outbox.recipients() for n in outbox.notifications(u)}
    assert set(demo.story.form_applicants) <= form
    # Bohdan turned email off, so his email column is empty and says why; Slack reaches
    # everyone only because the account integrated it.
    bohdan_counts, bohdan_note = table[WAREHOUSE_LEAD]
    assert bohdan_counts[1] == 0
    assert bohdan_note.strip() == "email turned off"
    assert not pools.notification_settings(WAREHOUSE_LEAD).is_on(NotificationChannel.EMAIL)
    assert all(counts[1] > 0 for uid, (counts, _) in table.items() if uid != WAREHOUSE_LEAD)
    assert demo.uow.settings.get().slack_integrated
    assert all(counts[3] == counts[0] for counts, _ in table.values())
    assert "only because the account has Slack integrated" in "\n".join(lines)

    # One message line per notification, saying who caused it.
    names = {u.id: u.name for u in demo.uow.users}
    expected = sorted(
        f"  {n.created_at:%H:%M}  {names[n.user_id]}: {n.message} "
        f"({'collection form' if n.actor_id is None else 'by ' + names[n.actor_id]})"
        for u in outbox.recipients()
        for n in outbox.notifications(u)
    )
    assert sorted(m for m in lines if re.match(r"  \d\d:\d\d  ", m)) == expected


def test_demo_micro_pool_writes_went_through_the_service(micro: tuple[Demo, str]) -> None:
    """MP7, MP9: subscriptions, form applicants and tags left their events and bell entries."""
    demo, _ = micro
    events = list(demo.uow.events)
    added = {(e.user_id, e.tag.label) for e in events if isinstance(e, SubscriptionAdded)}
    assert (HR_OFFICER, CONTRACT_TAG) in added
    assert len(added) == 4
    grants = [e for e in events if isinstance(e, TagShareGranted)]
    contract = demo.story.contract_candidate
    assert any(
        g.candidate_id == contract
        and g.user_id == HR_OFFICER
        and g.cause is TagShareCause.TAGGED
        and g.actor_id == RECRUITER
        for g in grants
    )
    for cid in demo.story.form_applicants:
        created = [g for g in grants if g.candidate_id == cid]
        assert created
        assert all(g.cause is TagShareCause.CREATED_WITH_TAG for g in created)
        assert all(g.actor_id is None for g in created)


def test_demo_tag_share_view_shows_no_response_data(micro: tuple[Demo, str]) -> None:
    """MP3: the tag-share viewer's lines carry titles and attachments, never response data."""
    demo, text = micro
    cid = demo.story.contract_candidate
    uow = demo.uow
    section = _section(text, "Tag share versus owner")
    anna_name, marek_name = uow.users.get(HR_OFFICER).name, uow.users.get(STORE_MANAGER).name
    split = next(i for i, line in enumerate(section) if line.startswith(f"  {marek_name}: "))
    anna, marek = "\n".join(section[:split]), "\n".join(section[split:])
    assert section[0].startswith(f"  {anna_name}: tag share (in micro-pool {CONTRACT_TAG})")
    assert marek.startswith(f"  {marek_name}: owner (")

    submissions = uow.submissions.for_candidate(cid)
    assert submissions  # the example candidate applied somewhere, so there is data to hide
    assert demo.visibility.level(HR_OFFICER, cid) is AccessLevel.TAG_SHARE
    response_data = {
        *(s.id for s in submissions),
        *(s.requisition_id for s in submissions),
        *(s.status.value.replace("_", " ") for s in submissions),
        *(s.step for s in submissions if s.step),
        *(f"{s.submitted_at:%Y-%m-%d}" for s in submissions),
    }
    for item in response_data:
        assert not re.search(rf"\b{re.escape(item)}\b", anna), item
    # The owner's lines do show the ids and statuses, so the check above can fail.
    for s in submissions:
        assert s.id in marek
        assert s.requisition_id in marek
        assert s.status.value.replace("_", " ") in marek

    # The card names every position by title only; the row's attachments come from all of them.
    titles = [uow.requisitions.get(s.requisition_id).title for s in submissions]
    card_line = next(line for line in section[:split] if line.startswith("    card: "))
    assert card_line == (
        f"    card: registered on {'; '.join(titles)} (titles only, no links); no response data"
    )
    row_line = next(line for line in section[:split] if '"Candidates" row' in line)
    assert "no positions overview" in row_line
    assert sorted(re.findall(r"\(([^()]+)\)", row_line)) == sorted(
        uow.requisitions.get(a.requisition_id).title if a.requisition_id else "profile"
        for a in uow.attachments.for_candidate(cid)
    )
    assert '"Candidates on positions": 0 rows' in anna

    # Every position-level operation is refused to the tag-share viewer, none to the owner.
    refused = next(line for line in section[:split] if line.startswith("    refused: "))
    assert refused == "    refused: " + ", ".join(op.value for op in PositionOperation)
    for op in PositionOperation:
        with pytest.raises(PermissionDeniedError, match="only through a tag share"):
            demo.visibility.require_position_access(HR_OFFICER, cid, op)
        demo.visibility.require_position_access(STORE_MANAGER, cid, op)
    assert "which gives no rights to positions" in anna


def test_demo_dry_run_is_the_services_and_saves_nothing() -> None:
    """EN5: the dry run reports MicroPools.dry_run_subscribe; rendering writes and sends nothing."""
    demo = build_demo(candidates=_SIZE)
    pools, uow = demo.micro_pools, demo.uow
    events, sent = len(list(uow.events)), len(demo.outbox)

    text = render_micro_pools(demo)

    assert len(list(uow.events)) == events
    assert len(demo.outbox) == sent
    assert pools.subscriptions(STORE_MANAGER) == ()
    run = pools.dry_run_subscribe(ADMIN, STORE_MANAGER, BRNO_TAG)
    lines = _section(text, "Dry run:")
    found = re.fullmatch(
        rf"  (\d+) candidates carry '{BRNO_TAG}'; .+ would gain (\d+): (.+)\.", lines[0]
    )
    assert found is not None
    assert int(found[1]) == len(run.in_micro_pool)
    assert int(found[2]) == len(run.gaining)
    assert found[3] == ", ".join(uow.candidates.get(c).name for c in run.gaining)
    # The store manager owns every position, so he would gain exactly the Brno-tagged
    # candidates who applied to none: this morning's collection-form applicant.
    assert set(run.gaining) == {
        c.id
        for c in uow.candidates
        if c.has_tag(BRNO_TAG) and not uow.submissions.for_candidate(c.id)
    }
    assert len(run.gaining) == 1
    assert run.gaining[0] in demo.story.form_applicants
    assert lines[-1].endswith("tracks after the dry run: none.")
