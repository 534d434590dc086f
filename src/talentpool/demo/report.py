"""The demo's report: what ``talentpool demo`` prints about the story's account.

:func:`render_report` reads a requisition's pool through
:class:`~talentpool.autopool.Autopooling` and returns a readable report: the
criteria, the top rows, the total and whether the list was truncated, the
funnel, and explanations for a few excluded candidates. :func:`render_micro_pools`
reports the morning of :func:`~talentpool.demo.story.load_micro_pools`: each
user's micro-pool folders with their counts, the notifications sent per user and
channel, what a tag-share viewer sees of a candidate next to what an owner sees,
and a dry run of one subscription change. :func:`demo_report` builds the demo and
returns both::

    >>> from talentpool.demo.story import build_demo
    >>> demo = build_demo(candidates=60)
    >>> report = render_report(demo, top=3)
    >>> "Funnel" in report and "Why not?" in report
    True
    >>> micro = render_micro_pools(demo)
    >>> "Micro-pool folders" in micro and "Notifications" in micro
    True

Rendering only reads: nothing is written, and a dry run saves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from talentpool.actions import AutopoolActions
from talentpool.adapters.memory import MemoryIds
from talentpool.autopool import PoolResults
from talentpool.demo.dataset import ADMIN, BRNO_TAG, HR_OFFICER, RECRUITER, STORE_MANAGER
from talentpool.demo.story import Demo, build_demo
from talentpool.errors import PermissionDeniedError
from talentpool.ids import CandidateId, NodeId, RepoolingRuleId, UserId
from talentpool.model import RepoolingRule, SubmissionStatus
from talentpool.notifications import NotificationChannel
from talentpool.repooling import Repooling
from talentpool.results import MAX_RESULTS
from talentpool.text import fold
from talentpool.visibility import (
    AccessDecision,
    OwnerCandidateCard,
    OwnerCandidateRow,
    PositionOperation,
    TagShareCandidateCard,
    TagShareCandidateRow,
)

__all__ = ["REPOOLING_RULE", "demo_report", "render_actions", "render_micro_pools", "render_report"]


def _rule(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def render_report(demo: Demo, *, top: int = 10, why_not: int = 3) -> str:
    """Return a readable report of the pool of ``demo.requisition_id``.

    The report shows the criteria, the *top* rows (latest submission first),
    the total and whether the list of at most 300 was truncated, the funnel, and
    explanations for up to *why_not* excluded candidates, each failing a
    different criterion first: as the recruiter sees them, who may see the
    candidates' other applications (AP11).
    """
    uow, autopooling, requisition_id = demo.uow, demo.autopooling, demo.requisition_id
    requisition = uow.requisitions.get(requisition_id)
    criteria = requisition.autopool
    results = autopooling.results(requisition_id, viewer_id=RECRUITER)
    funnel = autopooling.funnel(requisition_id, viewer_id=RECRUITER)

    lines = [f"Autopool of {requisition.title!r} ({requisition.id})"]
    if requisition.template_id is not None:
        overrides = autopooling.overrides(requisition_id)
        changed = ", ".join(overrides.fields) or "none"
        lines.append(
            f"Criteria inherited from template {requisition.template_id!r}; overrides: {changed}"
        )
    if criteria is not None:
        enforce = uow.settings.get().enforce_consent
        for term in criteria.terms(enforce_consent=enforce):
            lines.append(f"  - {term.describe()}")

    lines += _rule("Results")
    shown = len(results.rows)
    lines.append(
        f"{results.total} candidates matched; {shown} in the list (at most {MAX_RESULTS}); "
        f"truncated: {'yes' if results.truncated else 'no'}; top {min(top, shown)} by latest "
        "submission:"
    )
    lines.append(f"  {'#':>3}  {'name':<24} {'city':<12} {'km':>6}  latest submission")
    for i, row in enumerate(results.rows[:top], start=1):
        km = "-" if row.distance_km is None else f"{row.distance_km:.1f}"
        when = "-" if row.latest_submission_at is None else f"{row.latest_submission_at:%Y-%m-%d}"
        lines.append(f"  {i:>3}  {row.name:<24} {row.city or '-':<12} {km:>6}  {when}")

    if demo.wide_requisition_id is not None:
        wide = autopooling.results(demo.wide_requisition_id, viewer_id=RECRUITER)
        title = uow.requisitions.get(demo.wide_requisition_id).title
        lines.append(
            f"For comparison, {title!r} keeps the default criteria only: {wide.total} matched, "
            f"{len(wide.rows)} in the list, truncated: {'yes' if wide.truncated else 'no'}."
        )

    lines += _rule("Funnel")
    lines.extend(f"  {line}" for line in str(funnel).splitlines())

    if results.rows:
        leader = results.rows[0]
        lines += _rule("Why in? (explanation)")
        lines.append(f"  {leader.name} ({leader.candidate_id}), first in the list:")
        explanation = autopooling.explain(requisition_id, leader.candidate_id, viewer_id=RECRUITER)
        lines.extend(f"  {line}" for line in str(explanation).splitlines()[1:])

    lines += _rule("Why not? (explanations)")
    seen: set[str] = set()
    members = set(results.candidate_ids)
    for candidate in uow.candidates:
        if len(seen) >= why_not:
            break
        if candidate.id in members:
            continue
        explanation = autopooling.explain(requisition_id, candidate.id, viewer_id=RECRUITER)
        if explanation.in_pool or not explanation.universe.passed:
            continue
        first = explanation.failed[0].label
        if first in seen:
            continue
        seen.add(first)
        lines.append(f"  {candidate.name} ({candidate.id}) fails '{first}':")
        lines.extend(f"  {line}" for line in str(explanation).splitlines()[1:])
    return "\n".join(lines) + "\n"


_CHANNELS: tuple[tuple[NotificationChannel, str], ...] = (
    (NotificationChannel.BELL, "bell"),
    (NotificationChannel.EMAIL, "email"),
    (NotificationChannel.MOBILE_PUSH, "mobile push"),
    (NotificationChannel.SLACK, "Slack"),
)


def _status(text: str) -> str:
    return text.replace("_", " ")


def _access(decision: AccessDecision) -> str:
    """The decision in words, without ids of users or candidates."""
    level = {True: "owner", False: "tag share"}[decision.owns]
    return f"{level} ({'; '.join(decision.reasons)})"


def _by_name(names: dict[UserId, str], users: Iterable[UserId]) -> list[UserId]:
    return sorted(users, key=lambda u: (fold(names[u]), u))


def _tag_share_lines(demo: Demo, viewer: UserId, cid: CandidateId) -> list[str]:
    """What *viewer*, who sees the candidate through a tag share, is shown (MP3)."""
    visibility = demo.visibility
    row = visibility.candidate_row(viewer, cid)
    card = visibility.candidate_card(viewer, cid)
    assert isinstance(row, TagShareCandidateRow)
    assert isinstance(card, TagShareCandidateCard)
    files = ", ".join(f"{a.filename} ({a.position_title or 'profile'})" for a in row.attachments)
    refused, message = [], ""
    for operation in PositionOperation:
        try:
            visibility.require_position_access(viewer, cid, operation)
        except PermissionDeniedError as denied:
            refused.append(operation.value)
            message = message or str(denied)
    lines = [
        f"  {demo.uow.users.get(viewer).name}: {_access(visibility.decide(viewer, cid))}",
        f'    "Candidates" row: no positions overview; attachments: {files or "none"}',
        f"    card: registered on {'; '.join(card.position_titles) or 'no position'}"
        " (titles only, no links); no response data",
        f'    "Candidates on positions": {len(visibility.positions_of(viewer, cid))} rows',
        f"    refused: {', '.join(refused) or 'nothing'}",
    ]
    if message:
        lines.append(f"      {message}")
    return lines


def _owner_lines(demo: Demo, owner: UserId, cid: CandidateId) -> list[str]:
    """What *owner* is shown of the candidate: positions and responses included (MP3)."""
    visibility = demo.visibility
    row = visibility.candidate_row(owner, cid)
    card = visibility.candidate_card(owner, cid)
    assert isinstance(row, OwnerCandidateRow)
    assert isinstance(card, OwnerCandidateCard)
    overview = "; ".join(
        f"{p.title} [{p.requisition_id}]: {_status(p.status.value)}"
        + (f" ({p.step})" if p.step else "")
        for p in row.positions
    )
    lines = [
        f"  {demo.uow.users.get(owner).name}: {_access(visibility.decide(owner, cid))}",
        f'    "Candidates" row: positions overview {overview or "empty"}; '
        f"{len(row.attachments)} attachments",
        f"    card: {len(card.responses)} responses",
    ]
    lines.extend(
        f"      {r.submission_id} {r.position_title} [{r.requisition_id}]: "
        f"{_status(r.status.value)}{f' at {r.step}' if r.step else ''}, "
        f"applied {r.submitted_at:%Y-%m-%d}"
        for r in card.responses
    )
    lines.append(f'    "Candidates on positions": {len(visibility.positions_of(owner, cid))} rows')
    return lines


def render_micro_pools(demo: Demo) -> str:
    """Return a readable report of the demo's micro-pools (MP3, MP5, MP7, MP8, EN5).

    It shows the morning's steps; each tracking user's folders with their counts
    (:meth:`~talentpool.micropools.MicroPools.folders`); the notifications the
    outbox delivered, per user and channel, and their messages; what the HR
    officer sees through a tag share of the candidate tagged "prepare contract",
    next to what the store manager, who owns that candidate, sees; and a dry run
    of the store manager tracking "Brno". Nothing is written.
    """
    uow, pools, outbox, story = demo.uow, demo.micro_pools, demo.outbox, demo.story
    name = {u.id: u.name for u in uow.users}
    lines = ["Micro-pools", "===========", "This morning (Central European time):"]
    lines.extend(f"  {when:%H:%M}  {what}" for when, what in story.steps)

    lines += _rule("Micro-pool folders")
    lines.append("  Each tracked tag is a sub-folder of the user's candidate database.")
    trackers = _by_name(name, (u for u in name if pools.subscriptions(u)))
    width = max((len(name[u]) for u in trackers), default=0) + 2
    for uid in trackers:
        folders = ", ".join(f"{f.label} ({f.count})" for f in pools.folders(uid))
        lines.append(f"  {name[uid]:<{width}}{folders}")
    lines.append(
        "  Candidates tagged before tracking was set up are in the folders, but nobody was "
        "told about them."
    )

    lines += _rule("Notifications")
    lines.append(
        "  One notification per user and event: always in the bell; email, mobile push and "
        "Slack as the user's notification centre says."
    )
    recipients = _by_name(name, outbox.recipients())
    width = max((len(name[u]) for u in recipients), default=4) + 2
    columns = [(channel, label, len(label) + 2) for channel, label in _CHANNELS]
    lines.append(f"  {'user':<{width}}" + "".join(f"{lb:>{w}}" for _, lb, w in columns))
    for uid in recipients:
        counts = "".join(f"{len(outbox.to(uid, c)) or '-':>{w}}" for c, _, w in columns)
        settings = pools.notification_settings(uid)
        off = [label for c, label in _CHANNELS if not settings.is_on(c)]
        note = f"   {', '.join(off)} turned off" if off else ""
        lines.append(f"  {name[uid]:<{width}}{counts}{note}")
    if uow.settings.get().slack_integrated:
        lines.append(
            "  Slack goes out only because the account has Slack integrated; without it, "
            "nobody would get Slack."
        )
    silent = [u for u in trackers if u not in outbox.recipients()]
    if silent:
        lines.append(f"  Not notified: {', '.join(name[u] for u in silent)}.")
    notes = sorted(
        (n for u in recipients for n in outbox.notifications(u)),
        key=lambda n: (n.created_at, fold(name[n.user_id])),
    )
    for n in notes:
        by = "collection form" if n.actor_id is None else f"by {name[n.actor_id]}"
        lines.append(f"  {n.created_at:%H:%M}  {name[n.user_id]}: {n.message} ({by})")

    cid = story.contract_candidate
    lines += _rule(f"Tag share versus owner: {uow.candidates.get(cid).name} ({cid})")
    lines += _tag_share_lines(demo, HR_OFFICER, cid)
    lines += _owner_lines(demo, STORE_MANAGER, cid)

    manager = name[STORE_MANAGER]
    run = pools.dry_run_subscribe(ADMIN, STORE_MANAGER, BRNO_TAG)
    lines += _rule(f"Dry run: {manager} to track {BRNO_TAG!r} (nothing is saved)")
    gained = ", ".join(uow.candidates.get(c).name for c in run.gaining) or "nobody"
    lines.append(
        f"  {len(run.in_micro_pool)} candidates carry {BRNO_TAG!r}; "
        f"{manager} would gain {len(run.gaining)}: {gained}."
    )
    if known := len(run.in_micro_pool) - len(run.gaining):
        lines.append(
            f"  He already owns the other {known} through his positions: they do not count."
        )
    tracked = ", ".join(s.tag.label for s in pools.subscriptions(STORE_MANAGER)) or "none"
    lines.append(f"  Tags {manager} tracks after the dry run: {tracked}.")
    return "\n".join(lines) + "\n"


def demo_report(*, seed: int = 2026, candidates: int = 400, top: int = 10) -> str:
    """Build the in-memory demo and return its report (what ``talentpool demo`` prints).

    The autopool report of :func:`render_report` comes first, then the micro-pools
    of :func:`render_micro_pools`.
    """
    demo = build_demo(seed=seed, candidates=candidates)
    header = [
        "talentpool demo: Koruna Market, a Czech grocery chain (in-memory reference adapter)",
        f"now: {demo.clock.now():%Y-%m-%d %H:%M %Z}; {candidates} candidates; seed {seed}",
        "",
    ]
    return "\n".join(header) + render_report(demo, top=top) + "\n" + render_micro_pools(demo)


REPOOLING_RULE = RepoolingRule(
    RepoolingRuleId("brno-idle-two-months"),
    "Brno: in process, idle for two months",
    60,
    statuses={SubmissionStatus.IN_PROCESS},
    locations={NodeId("brno")},
)
"""The repooling rule the demo's administrator defines before running the job: Brno's
positions only, candidates in process whose submission has had no activity for 60 days."""


def _pool_rows(results: PoolResults, top: int) -> list[str]:
    lines = [f"  {'#':>3}  {'name':<24} {'city':<16} {'km':>6}  latest submission"]
    for i, row in enumerate(results.rows[:top], start=1):
        km = "-" if row.distance_km is None else f"{row.distance_km:.1f}"
        when = "-" if row.latest_submission_at is None else f"{row.latest_submission_at:%Y-%m-%d}"
        lines.append(f"  {i:>3}  {row.name:<24} {row.city or '-':<16} {km:>6}  {when}")
    return lines


def render_actions(demo: Demo, *, shown: int = 5) -> str:
    """Match the pool's first candidate, run repooling, and report the pool after them (AP9, AP12).

    This one writes: the requisition's owner matches the first row (a new
    submission), the administrator saves :data:`REPOOLING_RULE` and the job runs.
    Run it inside a unit of work that is rolled back to leave the data as it was
    (as :func:`talentpool.demo.database.play` does).
    """
    uow, pool, rid = demo.uow, demo.autopooling, demo.requisition_id
    requisition = uow.requisitions.get(rid)
    names = {u.id: u.name for u in uow.users}
    before = pool.results(rid, viewer_id=RECRUITER)
    lines = ["Actions", "=======", "A match, a repooling run, and the pool after them."]

    lines += _rule("Match")
    if not before.rows or requisition.owner_id is None:
        lines.append("  The pool is empty: nobody to match.")
        after_match = before
    else:
        first = before.rows[0]
        owner = requisition.owner_id
        submission = AutopoolActions(uow, demo.clock, MemoryIds()).match(
            owner, rid, first.candidate_id
        )
        after_match = pool.results(rid, viewer_id=RECRUITER)
        lines.append(
            f"  {names[owner]} matches {first.name} ({first.candidate_id}), first in the pool, "
            f"to {requisition.title!r}: submission {submission.id}, "
            f"{_status(submission.status.value)}."
        )
        lines.append(
            f"  {first.name} is on the requisition now, so no longer in its pool: "
            f"{before.total} -> {after_match.total} candidates."
        )

    lines += _rule(f"Repooling run: rule {REPOOLING_RULE.name!r}")
    repooling = Repooling(uow, demo.clock)
    repooling.save_rule(ADMIN, REPOOLING_RULE)
    report = repooling.run(ADMIN)
    after = pool.results(rid, viewer_id=RECRUITER)
    lines.append(
        f"  {names[ADMIN]} runs the job: {len(report)} submissions in process on Brno's positions, "
        f"idle for more than {REPOOLING_RULE.inactive_after_days} days, set inactive, "
        f"for {len(report.candidate_ids)} candidates."
    )
    if report.changes:
        lines.append(f"  {'submission':<12} {'candidate':<24} {'was':<11} {'idle':>9}  in pool now")
        for change in report.changes[:shown]:
            person = uow.candidates.get(change.candidate_id).name
            member = "yes" if pool.in_pool(rid, change.candidate_id) else "no"
            lines.append(
                f"  {change.submission_id:<12} {person:<24} "
                f"{_status(change.previous_status.value):<11} {change.idle_days:>4} days  {member}"
            )
        if len(report) > shown:
            lines.append(f"  … and {len(report) - shown} more.")

    lines += _rule("Pool after the match and the repooling run")
    lines.append(
        f"  {after.total} candidates matched (before: {before.total}; after the match: "
        f"{after_match.total}); {len(after.rows)} in the list (at most {MAX_RESULTS}); "
        f"truncated: {'yes' if after.truncated else 'no'}."
    )
    lines.extend(_pool_rows(after, shown))
    return "\n".join(lines) + "\n"
