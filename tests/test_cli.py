"""The ``talentpool`` command (US1, US2), and the demo's micro-pools (MP3, MP5, MP7, MP8, EN5)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from talentpool.adapters.sql import SqlStore
from talentpool.autopool import Autopooling
from talentpool.cli import COMMANDS, build_parser, main
from talentpool.clock import FixedClock
from talentpool.demo import (
    ADMIN,
    BRNO_MANAGER,
    BRNO_TAG,
    CONTRACT_TAG,
    DEMO_NOW,
    HR_OFFICER,
    POOL_REQUISITION,
    RECRUITER,
    STORE_MANAGER,
    WAREHOUSE_LEAD,
    Demo,
    build_demo,
    render_micro_pools,
)
from talentpool.demo.report import REPOOLING_RULE
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
    """US2: an impossible size is refused before any work is done, in one line."""
    assert main(["demo", "--candidates", "0"]) == 2
    err = capsys.readouterr().err
    assert "must be at least 1" in err
    assert err.count("\n") == 1


_SQL_SIZE = 1000


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file the demo built once, at 400 candidates, for the tests that only read."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["demo", "--database", str(path), "--candidates", str(_SQL_SIZE)]) == 0
    return path


def _demo(capsys: pytest.CaptureFixture[str], database: Path, *args: str) -> str:
    assert main(["demo", "--database", str(database), *args]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


@pytest.fixture(scope="module")
def demo_out(demo_file: Path) -> str:
    """What ``talentpool demo`` prints on the built file (it reuses the account)."""
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream):
        assert main(["demo", "--database", str(demo_file), "--candidates", str(_SQL_SIZE)]) == 0
    return stream.getvalue()


def test_demo_prints_the_pool_funnel_and_explanations(demo_out: str) -> None:
    """US1/US2: the demo shows results with total and truncation, the funnel and explanations."""
    out = demo_out
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
    # Ten result rows, numbered 1 to 10, each with its distance and latest submission.
    table = out.split("Results\n", 1)[1].split("For comparison", 1)[0]
    rows = re.findall(r"^\s+(\d+)  \S.*  (\d+\.\d) +(\d{4}-\d\d-\d\d)$", table, re.MULTILINE)
    assert [r[0] for r in rows] == [str(i) for i in range(1, min(10, listed) + 1)]
    assert all(float(r[1]) <= 40 for r in rows)  # inside the template's radius

    # The funnel starts from everyone who applied elsewhere and ends at the total.
    funnel = out.split("Funnel\n------\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert funnel[0].split()[:2] == ["applied", "elsewhere"]
    assert int(funnel[-1].split()[-2]) == total
    removed = sum(int(m) for m in re.findall(r"\(-(\d+)\)", "\n".join(funnel)))
    assert int(funnel[0].split()[-1]) - removed == total

    # One included candidate passes every criterion; the excluded each fail one.
    why_in = out.split("Why in? (explanation)", 1)[1].split("Why not?", 1)[0]
    assert "FAIL" not in why_in
    assert why_in.count("pass") == 8  # the universe and the template's seven criteria
    why = out.split("Why not? (explanations)", 1)[1].split("\nMicro-pools\n", 1)[0]
    headers = re.findall(r"^  \S.* \(cand-\d{4}\) fails '(.+)':$", why, re.MULTILINE)
    assert 1 <= len(headers) <= 3
    assert len(set(headers)) == len(headers)
    assert why.count("FAIL") >= len(headers)


def test_demo_shows_an_honest_cap(demo_out: str) -> None:
    """AP15: the wide pool of the demo is over 300, listed as 300 and flagged truncated."""
    wide = re.search(
        r"default criteria only: (\d+) matched, (\d+) in the list, truncated: yes", demo_out
    )
    assert wide is not None
    assert int(wide[1]) > 300
    assert int(wide[2]) == 300


def test_demo_shows_every_section_in_order(demo_out: str) -> None:
    """US1: autopool, then micro-pools, then a match, a repooling run and the pool after them."""
    titles = [
        "Autopool of",
        "Funnel\n",
        "Why in?",
        "Why not?",
        "\nMicro-pools\n",
        "Micro-pool folders",
        "Notifications\n",
        "Tag share versus owner",
        "Dry run:",
        "\nActions\n",
        "Match\n",
        "Repooling run",
        "Pool after the match and the repooling run",
    ]
    places = [demo_out.index(t) for t in titles]
    assert places == sorted(places)
    assert "(account 'koruna-2026-1000', reused)" in demo_out


def test_demo_match_and_repooling_change_the_pool(demo_out: str) -> None:
    """AP9, AP12: the match takes the first candidate out; repooling brings others back."""
    first = re.search(r"^    1  (.+?)\s{2,}", demo_out, re.MULTILINE)
    assert first is not None
    match = re.search(r"no longer in its pool: (\d+) -> (\d+) candidates", demo_out)
    assert match is not None
    assert int(match[2]) == int(match[1]) - 1
    assert f"matches {first[1]} (" in demo_out
    run = re.search(r"runs the job: (\d+) submissions in process on Brno's positions", demo_out)
    assert run is not None
    assert int(run[1]) > 0
    after = re.search(
        r"(\d+) candidates matched \(before: (\d+); after the match: (\d+)\)", demo_out
    )
    assert after is not None
    assert (int(after[2]), int(after[3])) == (int(match[1]), int(match[2]))
    assert int(after[1]) >= int(after[3])  # inactive submissions no longer keep anyone out


def test_demo_rolls_back_its_morning(demo_file: Path, demo_out: str) -> None:
    """US1: the demo leaves the file as built: no subscription, no match, the rule only."""
    store = SqlStore(f"sqlite:///{demo_file}")
    uow = store.unit_of_work("koruna-2026-1000")
    assert uow.submissions.for_requisition(POOL_REQUISITION) == []
    assert not uow.subscriptions.for_user(BRNO_MANAGER)
    assert [r.id for r in uow.repooling_rules] == [REPOOLING_RULE.id]
    store.dispose()


def test_demo_is_deterministic(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """US1: the same seed gives the same report, built or reused; another seed other people."""
    first = _demo(capsys, tmp_path / "a.db", "--candidates", "120", "--top", "5")
    again = _demo(capsys, tmp_path / "a.db", "--candidates", "120", "--top", "5")
    fresh = _demo(capsys, tmp_path / "b.db", "--candidates", "120", "--top", "5")
    other = _demo(capsys, tmp_path / "a.db", "--candidates", "120", "--top", "5", "--seed", "7")
    assert "built" in first.splitlines()[1]
    assert "reused" in again.splitlines()[1]
    body = first.split("\n", 3)[3]
    assert again.split("\n", 3)[3] == body
    assert fresh.split("\n", 3)[3] == body
    assert other.split("\n", 3)[3] != body


def test_parser_knows_every_registered_command() -> None:
    """US2: the registry and the parser agree, so a new command is one entry."""
    parser = build_parser()
    needs = {"autopool": ["r"], "funnel": ["r"], "explain": ["r", "c"], "import": ["f.csv"]}
    for command in COMMANDS:
        args = [command.name, *needs.get(command.name, [])]
        if command.name == "report":
            args += ["r", "--html", "x.html"]
        assert parser.parse_args(args).command == command.name


def test_demo_report_shows_the_pool_the_service_returns(demo_file: Path, demo_out: str) -> None:
    """US1: the rows printed are the service's rows, latest submission first."""
    store = SqlStore(f"sqlite:///{demo_file}")
    uow = store.unit_of_work("koruna-2026-1000")
    rows = Autopooling(uow, FixedClock(DEMO_NOW)).results(POOL_REQUISITION).rows[:3]
    printed = re.findall(r"^\s+\d+  (.+?)\s{2,}", demo_out, re.MULTILINE)[:3]
    assert len(rows) == 3
    assert printed == [row.name for row in rows]
    store.dispose()


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
