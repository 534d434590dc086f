"""The ``talentpool`` sub-commands against a temporary database, and every error path (US2, US4).

Each test checks what a command prints and its exit status. The failures print
one line on standard error, never a traceback: a bad argument, a missing
database, an unknown id, an output that cannot be encoded or written, an absurd
size.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from talentpool.adapters.sql import SCHEMA_VERSION, SqlStore
from talentpool.cli import (
    EXIT_DATABASE,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_ROWS,
    EXIT_USAGE,
    main,
)
from talentpool.demo.dataset import DEMO_NOW, WIDE_REQUISITION
from talentpool.demo.story import POOL_REQUISITION

NOW = DEMO_NOW.isoformat()
ACCOUNT = "koruna-2026-600"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database of 600 candidates, built once; tests that write copy it."""
    path = tmp_path_factory.mktemp("built") / "demo.db"
    store = SqlStore(f"sqlite:///{path}")
    from talentpool.demo.database import build_database

    build_database(store, candidates=600)
    store.dispose()
    return path


@pytest.fixture
def copy(built: Path, tmp_path: Path) -> Path:
    """A copy of the built database that a test may write to."""
    target = tmp_path / "copy.db"
    shutil.copy(built, target)
    return target


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _failed(err: str) -> str:
    """The one line a failure prints, checked to be one line and no traceback."""
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def _json(out: str) -> object:
    assert out.isascii()
    return json.loads(out)


# --- help ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    ["demo", "autopool", "explain", "funnel", "repool", "digests", "migrate", "import", "report"],
)
def test_every_command_has_help_with_a_database_option(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """US2: each command explains itself and takes --database."""
    code, out, _ = _run(capsys, command, "--help")
    assert code == EXIT_OK
    assert out.startswith(f"usage: talentpool {command}")
    assert "--database URL" in out


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """US2: ``talentpool --help`` names every exit code."""
    _, out, _ = _run(capsys, "--help")
    for code in range(6):
        assert f"{code} " in out.split("exit codes:", 1)[1]


# --- autopool, explain, funnel -------------------------------------------------------------


def test_autopool_lists_the_pool(capsys: pytest.CaptureFixture[str], built: Path) -> None:
    """AP7, AP15: the rows, the total and the cap, as text and as JSON."""
    db = ("--database", str(built), "--now", NOW)
    code, out, err = _run(capsys, "autopool", POOL_REQUISITION, *db, "--json")
    assert (code, err) == (EXIT_OK, "")
    pool = _json(out)
    assert isinstance(pool, dict)
    assert pool["shown"] == len(pool["rows"]) == min(pool["total"], 300) > 0
    dates = [r["latest_submission_at"] for r in pool["rows"]]
    assert dates == sorted(dates, reverse=True)  # latest submission first
    assert all(r["distance_km"] <= 40 for r in pool["rows"])

    code, out, _ = _run(capsys, "autopool", POOL_REQUISITION, *db, "--limit", "2")
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0].startswith(f"{pool['total']} candidates matched; 2 shown (at most 2)")
    assert [line.split()[1] for line in lines[2:]] == [r["candidate"] for r in pool["rows"][:2]]


def test_autopool_sorts(capsys: pytest.CaptureFixture[str], built: Path) -> None:
    """AP8: --sort distance lists the nearest first; a leading '-' reverses it."""
    db = ("--database", str(built), "--now", NOW, "--json")
    near = _json(_run(capsys, "autopool", POOL_REQUISITION, *db, "--sort", "distance")[1])
    far = _json(_run(capsys, "autopool", POOL_REQUISITION, *db, "--sort=-distance")[1])
    assert isinstance(near, dict)
    assert isinstance(far, dict)
    km = [r["distance_km"] for r in near["rows"]]
    assert km == sorted(km)
    assert [r["distance_km"] for r in far["rows"]] == sorted(km, reverse=True)


def test_autopool_quick_filter(capsys: pytest.CaptureFixture[str], copy: Path) -> None:
    """AP8: --quick-filter applies an administrator's filter before the cap."""
    from talentpool.autopool import Autopooling
    from talentpool.clock import FixedClock
    from talentpool.criteria import HasTag, QuickFilter
    from talentpool.demo.dataset import ADMIN
    from talentpool.demo.story import FORKLIFT_TAG

    store = SqlStore(f"sqlite:///{copy}")
    uow = store.unit_of_work(ACCOUNT)
    Autopooling(uow, FixedClock(DEMO_NOW)).define_quick_filter(
        ADMIN, QuickFilter("forklift", "Forklift licence", HasTag(FORKLIFT_TAG))
    )
    db = ("--database", str(copy), "--now", NOW, "--json")
    everyone = _json(_run(capsys, "autopool", WIDE_REQUISITION, *db, "--limit", "100")[1])
    some = _json(_run(capsys, "autopool", WIDE_REQUISITION, *db, "--quick-filter", "forklift")[1])
    assert isinstance(everyone, dict)
    assert isinstance(some, dict)
    tagged = [
        r["candidate"]
        for r in everyone["rows"]
        if uow.candidates.get(r["candidate"]).has_tag(FORKLIFT_TAG)
    ]
    assert [r["candidate"] for r in some["rows"]][: len(tagged)] == tagged
    assert 0 < some["total"] < everyone["total"]
    store.dispose()
    code, _, err = _run(capsys, "autopool", POOL_REQUISITION, *db, "--quick-filter", "nope")
    assert code == EXIT_FAILED
    assert "nope" in _failed(err)


def test_explain_and_funnel(capsys: pytest.CaptureFixture[str], built: Path) -> None:
    """EN3: explain says why, funnel counts; both agree with the pool."""
    db = ("--database", str(built), "--now", NOW)
    pool = _json(_run(capsys, "autopool", POOL_REQUISITION, *db, "--json")[1])
    assert isinstance(pool, dict)
    member = pool["rows"][0]["candidate"]
    code, out, _ = _run(capsys, "explain", POOL_REQUISITION, member, *db)
    assert code == EXIT_OK
    assert out.startswith(f"candidate {member} for requisition {POOL_REQUISITION}: in the pool")
    assert "FAIL" not in out
    outsider = _json(_run(capsys, "explain", POOL_REQUISITION, "cand-0000", *db, "--json")[1])
    assert isinstance(outsider, dict)
    assert outsider["in_pool"] is False
    assert any(not v["passed"] for v in outsider["verdicts"])

    funnel = _json(_run(capsys, "funnel", POOL_REQUISITION, *db, "--json")[1])
    assert isinstance(funnel, dict)
    assert funnel["matched"] == funnel["stages"][-1]["remaining"] == pool["total"]
    removed = sum(s["removed"] for s in funnel["stages"])
    assert funnel["considered"] - removed == pool["total"]
    code, out, _ = _run(capsys, "funnel", POOL_REQUISITION, *db)
    assert out.splitlines()[0].split() == ["applied", "elsewhere", str(funnel["considered"])]


# --- repool, migrate ----------------------------------------------------------------------


def test_repool_dry_run_writes_nothing_and_the_run_applies(
    capsys: pytest.CaptureFixture[str], copy: Path
) -> None:
    """AP12: --dry-run prints what would change; the run changes it; a second run nothing."""
    db = ("--database", str(copy), "--now", NOW, "--json")
    preview = _json(_run(capsys, "repool", "--dry-run", *db)[1])
    again = _json(_run(capsys, "repool", "--dry-run", *db)[1])
    assert isinstance(preview, dict)
    assert preview == again  # the preview wrote nothing
    assert preview["applied"] is False
    assert len(preview["changes"]) > 0
    run = _json(_run(capsys, "repool", *db)[1])
    assert isinstance(run, dict)
    assert run["applied"] is True
    assert run["changes"] == preview["changes"]
    code, out, _ = _run(capsys, "repool", "--database", str(copy), "--now", NOW)
    assert code == EXIT_OK
    assert out.startswith("repooling at 2026-11-02T09:00:00+01:00: 0 submission(s) set inactive")


def test_repool_dry_run_needs_an_administrator(
    capsys: pytest.CaptureFixture[str], built: Path
) -> None:
    """AP12: previewing as someone else is refused, in one line."""
    code, _, err = _run(capsys, "repool", "--dry-run", "--admin", "marek", "--database", str(built))
    assert code == EXIT_FAILED
    assert "administrator" in _failed(err)


def test_migrate(capsys: pytest.CaptureFixture[str], built: Path, tmp_path: Path) -> None:
    """ST3: migrate says the version; --create makes a new file; without it a missing one fails."""
    code, out, _ = _run(capsys, "migrate", "--database", str(built))
    assert (code, out) == (
        EXIT_OK,
        f"schema version {SCHEMA_VERSION}: already current, nothing to do\n",
    )
    new = tmp_path / "new.db"
    code, _, err = _run(capsys, "migrate", "--database", str(new))
    assert code == EXIT_DATABASE
    assert f"no database at {new}" in _failed(err)
    assert not new.exists()
    code, out, _ = _run(capsys, "migrate", "--database", str(new), "--create", "--json")
    assert code == EXIT_OK
    assert _json(out) == {"found": 0, "version": SCHEMA_VERSION}


# --- import -------------------------------------------------------------------------------


CSV = """id,given_name,family_name,created_at,email,city,latitude,longitude,languages,tags
new-1,Eva,Nováková,2026-10-01T09:00:00+02:00,eva@example.org,Brno,49.2,16.6,cs,Brno;call
new-2,,Dvořák,2026-10-01T09:00:00+02:00,,Brno,49.2,16.6,cs,
new-3,Jana,Horáková,yesterday,,Olomouc,49.6,17.2,cs,
new-4,Petr,Malý,2026-10-01T09:00:00+02:00,,Brno,north,16.6,cs,
new-5,Lucie,Veselá,2026-10-02T09:00:00+02:00,,Praha,50.08,14.43,cs;de,
"""


def test_import_csv_keeps_the_good_rows_and_reports_the_bad(
    capsys: pytest.CaptureFixture[str], copy: Path, tmp_path: Path
) -> None:
    """ST7: each bad row is reported by its line; the good ones are in the store."""
    source = tmp_path / "people.csv"
    source.write_text(CSV, encoding="utf-8")
    code, out, err = _run(capsys, "import", str(source), "--database", str(copy))
    assert (code, err) == (EXIT_ROWS, "")
    lines = out.splitlines()
    assert lines[0] == f"2 candidates imported into {ACCOUNT!r}; 3 rows refused"
    assert lines[1] == "  line 3: given_name: is required"
    assert lines[2].startswith("  line 4: created_at: must be an ISO 8601 date and time")
    assert lines[3].startswith("  line 5: latitude and longitude must be numbers")
    store = SqlStore(f"sqlite:///{copy}")
    uow = store.unit_of_work(ACCOUNT)
    eva = uow.candidates.get("new-1")
    assert sorted(t.label for t in eva.tags) == ["Brno", "call"]
    assert uow.candidates.get("new-5").languages == frozenset({"cs", "de"})
    store.dispose()


def test_import_json_lines_reports_rows_the_store_refuses(
    capsys: pytest.CaptureFixture[str], copy: Path, tmp_path: Path
) -> None:
    """ST7: bad JSON, a wrong field, an unknown candidate: each by line; the rest kept."""
    good = {
        "id": "sub-new-1",
        "candidate_id": "cand-0001",
        "requisition_id": POOL_REQUISITION,
        "submitted_at": "2026-10-30T10:00:00+01:00",
        "status_changed_at": "2026-10-30T10:00:00+01:00",
        "last_activity_at": "2026-10-30T10:00:00+01:00",
    }
    rows = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "id": "sub-new-2", "status": "thinking"}),
        json.dumps({**good, "id": "sub-new-3", "candidate_id": "nobody"}),
        "",
        json.dumps({**good, "id": "sub-new-4", "candidate_id": "cand-0002"}),
    ]
    source = tmp_path / "subs.jsonl"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = ("--database", str(copy), "--kind", "submissions", "--json")
    code, out, _ = _run(capsys, "import", str(source), *db)
    assert code == EXIT_ROWS
    report = _json(out)
    assert isinstance(report, dict)
    assert report["kept"] == 2
    assert [r["line"] for r in report["refused"]] == [2, 3, 4]
    assert "not JSON" in report["refused"][0]["reason"]
    assert "status" in report["refused"][1]["reason"]
    assert "nobody" in report["refused"][2]["reason"]
    store = SqlStore(f"sqlite:///{copy}")
    stored = store.unit_of_work(ACCOUNT).submissions.for_requisition(POOL_REQUISITION)
    assert sorted(s.id for s in stored) == ["sub-new-1", "sub-new-4"]
    store.dispose()


def test_import_errors(capsys: pytest.CaptureFixture[str], copy: Path, tmp_path: Path) -> None:
    """US2: an unknown format and a missing file are one line each."""
    code, _, err = _run(capsys, "import", str(tmp_path / "x.txt"), "--database", str(copy))
    assert code == EXIT_USAGE
    assert "--format" in _failed(err)
    code, _, err = _run(capsys, "import", str(tmp_path / "none.csv"), "--database", str(copy))
    assert code == EXIT_USAGE
    assert "cannot read" in _failed(err)


# --- report -------------------------------------------------------------------------------


def test_report_writes_one_page(
    capsys: pytest.CaptureFixture[str], built: Path, tmp_path: Path
) -> None:
    """US4: the page is written, and says where."""
    page = tmp_path / "pool.html"
    code, out, _ = _run(
        capsys, "report", POOL_REQUISITION, "--html", str(page), "--database", str(built)
    )
    assert code == EXIT_OK
    assert out.startswith(f"wrote {page} (")
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert 'id="funnel"' in text
    assert 'id="map"' in text
    assert 'id="results"' in text


def test_report_to_an_unwritable_file(capsys: pytest.CaptureFixture[str], built: Path) -> None:
    """US2: a full disk while writing the page is one line and exit 4."""
    code, _, err = _run(
        capsys, "report", POOL_REQUISITION, "--html", "/dev/full", "--database", str(built)
    )
    assert code == EXIT_OUTPUT
    assert "No space left on device" in _failed(err)


# --- errors -------------------------------------------------------------------------------


def test_missing_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """US2: a missing file says how to make one, and creates nothing."""
    missing = tmp_path / "none.db"
    for command in (["autopool", "r"], ["funnel", "r"], ["explain", "r", "c"], ["repool"]):
        code, out, err = _run(capsys, *command, "--database", str(missing))
        assert (code, out) == (EXIT_DATABASE, "")
        assert "run 'talentpool demo'" in _failed(err)
    assert not missing.exists()


def test_not_a_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """US2: a file that is not a database is exit 3, in one line."""
    text = tmp_path / "notes.db"
    text.write_text("shopping list\n" * 100, encoding="utf-8")
    code, _, err = _run(capsys, "funnel", "r", "--database", str(text))
    assert code == EXIT_DATABASE
    _failed(err)


def test_bad_database_url(capsys: pytest.CaptureFixture[str]) -> None:
    """US2: a URL SQLAlchemy cannot read is a bad argument."""
    code, _, err = _run(capsys, "funnel", "r", "--database", "nosuch://x/y")
    assert code in (EXIT_USAGE, EXIT_DATABASE)
    _failed(err)


def test_unknown_ids(capsys: pytest.CaptureFixture[str], built: Path) -> None:
    """US2: an unknown requisition, candidate or account is exit 1, naming it."""
    db = ("--database", str(built))
    for args, name in (
        (["autopool", "nope"], "nope"),
        (["funnel", "nope"], "nope"),
        (["explain", POOL_REQUISITION, "nobody"], "nobody"),
        (["report", "nope", "--html", os.devnull], "nope"),
        (["funnel", POOL_REQUISITION, "--account", "acme"], "acme"),
    ):
        code, out, err = _run(capsys, *args, *db)
        assert (code, out) == (EXIT_FAILED, ""), args
        assert name in _failed(err)


def test_bad_arguments(capsys: pytest.CaptureFixture[str], built: Path) -> None:
    """US2: a value out of range is exit 2 and one line, before any work."""
    db = ("--database", str(built))
    for args, words in (
        (["autopool", "r", "--limit", "301"], "at most 300"),
        (["autopool", "r", "--limit", "x"], "whole number"),
        (["autopool", "r", "--sort", "age"], "not one of"),
        (["autopool", "r", "--now", "2026-11-02T09:00"], "UTC offset"),
        (["autopool"], "requisition"),
        (["frobnicate"], "invalid choice"),
    ):
        code, out, err = _run(capsys, *args, *db)
        assert (code, out) == (EXIT_USAGE, ""), args
        assert words in _failed(err)


def test_absurd_size_is_refused_at_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """US2: a billion candidates is refused before anything is built (no unbounded memory)."""
    db = tmp_path / "big.db"
    code, out, err = _run(capsys, "demo", "--candidates", "1000000000", "--database", str(db))
    assert (code, out) == (EXIT_USAGE, "")
    assert "must be at most 100,000 (got 1,000,000,000)" in _failed(err)
    assert not db.exists()


def test_several_accounts_need_one_chosen(capsys: pytest.CaptureFixture[str], copy: Path) -> None:
    """ST6: with two accounts in the file, a command asks which."""
    from talentpool.demo.database import build_database

    store = SqlStore(f"sqlite:///{copy}")
    build_database(store, candidates=30)
    store.dispose()
    code, _, err = _run(capsys, "funnel", POOL_REQUISITION, "--database", str(copy))
    assert code == EXIT_USAGE
    assert "koruna-2026-30, koruna-2026-600" in _failed(err)
    code, out, _ = _run(
        capsys, "funnel", POOL_REQUISITION, "--database", str(copy), "--account", "koruna-2026-30"
    )
    assert code == EXIT_OK
    assert out.startswith("applied elsewhere")


def _process(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "talentpool.cli", *args],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_ascii_terminal(built: Path) -> None:
    """US2: names an ASCII terminal cannot show are one line and exit 4, not a traceback."""
    db = ("--database", str(built), "--now", NOW)
    done = _process("autopool", POOL_REQUISITION, *db, PYTHONIOENCODING="ascii")
    assert done.returncode == EXIT_OUTPUT
    err = done.stderr.decode()
    assert "PYTHONIOENCODING=utf-8" in _failed(err)
    assert done.stdout == b""  # nothing half-written
    # JSON is ASCII, so a script on the same terminal reads it.
    done = _process("autopool", POOL_REQUISITION, *db, "--json", PYTHONIOENCODING="ascii")
    assert done.returncode == EXIT_OK
    assert json.loads(done.stdout)["total"] > 0


def test_full_disk(built: Path) -> None:
    """US2: standard output on a full disk is one line and exit 4, not a traceback."""
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "talentpool.cli",
                "funnel",
                POOL_REQUISITION,
                "--database",
                str(built),
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            env={**os.environ},
            cwd=built.parent,
            timeout=120,
            check=False,
        )
    assert done.returncode == EXIT_OUTPUT
    err = done.stderr.decode()
    assert "cannot write the output: No space left on device" in _failed(err)


def test_demo_and_funnel_on_postgresql(
    capsys: pytest.CaptureFixture[str], postgres_url: str
) -> None:
    """ST5, US2: --database takes any URL the SQL store supports; PostgreSQL answers the same."""
    account = "koruna-2026-150"
    code, out, err = _run(capsys, "demo", "--database", postgres_url, "--candidates", "150")
    assert (code, err) == (EXIT_OK, "")
    assert f"(account {account!r}, " in out
    db = ("--database", postgres_url, "--account", account, "--now", NOW, "--json")
    funnel = _json(_run(capsys, "funnel", POOL_REQUISITION, *db)[1])
    assert isinstance(funnel, dict)
    store = SqlStore("sqlite://")
    from talentpool.autopool import Autopooling
    from talentpool.clock import FixedClock
    from talentpool.demo.database import build_database

    build_database(store, candidates=150)
    twin = Autopooling(store.unit_of_work(account), FixedClock(DEMO_NOW)).funnel(POOL_REQUISITION)
    assert funnel["considered"] == twin.considered
    assert [s["remaining"] for s in funnel["stages"]] == [s.remaining for s in twin.stages]
    store.dispose()


class _Terminal(io.StringIO):
    """Standard error as a terminal, where the progress bar is drawn."""

    def isatty(self) -> bool:
        return True


def test_demo_draws_a_progress_bar_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """US2: building shows progress on a terminal (none when reused, none into a pipe)."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    db = ("--database", str(tmp_path / "bar.db"), "--candidates", "1200")
    assert main(["demo", *db]) == EXIT_OK
    drawn = terminal.getvalue()
    assert "building the demo" in drawn
    assert "1200/1200" in drawn
    terminal.truncate(0)
    assert main(["demo", *db]) == EXIT_OK
    assert terminal.getvalue().strip("\x00") == ""
    monkeypatch.undo()
    capsys.readouterr()


def test_a_newer_schema_is_refused(capsys: pytest.CaptureFixture[str], copy: Path) -> None:
    """ST3: a database written by a later talentpool is exit 3, and is left alone."""
    store = SqlStore(f"sqlite:///{copy}")
    with store.engine.begin() as connection:
        connection.execute(store.schema.meta.update().values(value=str(SCHEMA_VERSION + 1)))
    store.dispose()
    for command in (["funnel", POOL_REQUISITION], ["migrate"]):
        code, out, err = _run(capsys, *command, "--database", str(copy))
        assert (code, out) == (EXIT_DATABASE, "")
        assert "Upgrade talentpool" in _failed(err)


def test_a_missing_extra_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """US2: without the demo extra the command says what to install, not a traceback."""
    monkeypatch.setitem(sys.modules, "talentpool.demo.database", None)  # as if not importable
    code, out, err = _run(capsys, "demo", "--database", str(tmp_path / "x.db"))
    assert (code, out) == (EXIT_FAILED, "")
    assert "pip install 'talentpool[demo]'" in _failed(err)


def test_import_creates_a_database_and_its_account(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """ST7: --create starts a new file; the imported account is what the others then read."""
    source = tmp_path / "people.csv"
    source.write_text(CSV, encoding="utf-8")
    db = ("--database", str(tmp_path / "new.db"))
    code, out, _ = _run(capsys, "import", str(source), *db, "--create", "--json")
    assert code == EXIT_ROWS
    report = _json(out)
    assert isinstance(report, dict)
    assert (report["account"], report["kept"]) == ("default", 2)
    code, out, _ = _run(capsys, "import", str(source), *db, "--create", "--account", "acme")
    assert out.startswith("2 candidates imported into 'acme'")
    code, _, err = _run(capsys, "funnel", "r", *db)  # two accounts now: which one?
    assert code == EXIT_USAGE
    assert "acme, default" in _failed(err)


# --- digests (MP10) ----------------------------------------------------------------------------

MORNING = "2026-11-02T09:10+00:00"
HOUR_LATER = "--now=2026-11-02T10:00+00:00"


def _digest_waiting(path: Path) -> Path:
    """An account where Hana takes email hourly and Petr Novák entered her micro-pool."""
    from datetime import datetime

    from talentpool import DeliveryMode, FixedClock, MicroPools
    from talentpool.adapters.memory import MemoryIds
    from talentpool.adapters.outbox import MemoryOutbox
    from talentpool.model import AccountSettings, Candidate, Role, User
    from talentpool.notifications import NotificationChannel

    morning = datetime.fromisoformat(MORNING)
    store = SqlStore(f"sqlite:///{path}")
    uow = store.unit_of_work("acme")
    uow.settings.save(AccountSettings())
    uow.users.save(User("alena", "Alena Malá", role=Role.ADMINISTRATOR))
    uow.users.save(User("hana", "Hana Nová"))
    pools = MicroPools(uow, FixedClock(morning), MemoryIds(), MemoryOutbox())
    pools.subscribe("alena", "hana", "forklift licence")
    pools.set_delivery_mode("hana", NotificationChannel.EMAIL, DeliveryMode.HOURLY)
    pools.add_candidate(Candidate("petr", "Petr", "Novák", morning, tags=["forklift licence"]))
    store.dispose()
    return path


def test_digests_sends_what_is_due_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """MP10, US2: nothing before the hour; at the hour the digest once; never again."""
    db = ("--database", str(_digest_waiting(tmp_path / "d.db")))
    code, out, err = _run(capsys, "digests", *db, "--now=2026-11-02T09:30+00:00")
    assert (code, err) == (EXIT_OK, "")
    assert out == "0 digest(s) sent; 0 left to a job running at the same time\n"
    code, out, err = _run(capsys, "digests", *db, HOUR_LATER, "--json")
    assert (code, err) == (EXIT_OK, "")
    sent, totals = (json.loads(line) for line in out.splitlines())
    assert (sent["user"], sent["channel"], sent["micro_pools"]) == (
        "hana",
        "email",
        ["forklift licence"],
    )
    assert sent["candidates"] == [{"id": "petr", "name": "Petr Novák"}]
    assert totals == {"sent": 1, "failed": 0, "skipped": 0}
    code, out, _ = _run(capsys, "digests", *db, HOUR_LATER)
    assert (code, out) == (EXIT_OK, "0 digest(s) sent; 0 left to a job running at the same time\n")


def test_digests_an_output_that_fails_keeps_the_digest_for_the_next_run(tmp_path: Path) -> None:
    """MP10, US2: an ASCII terminal or a full disk is exit 4, and the digest waits, not lost."""
    db = ("--database", str(_digest_waiting(tmp_path / "d.db")))
    done = _process("digests", *db, HOUR_LATER, PYTHONIOENCODING="ascii")
    assert done.returncode == EXIT_OUTPUT
    assert "cannot show" in _failed(done.stderr.decode())
    with open("/dev/full", "wb") as full:
        command = [sys.executable, "-m", "talentpool.cli", "digests", *db, HOUR_LATER]
        failed = subprocess.run(
            command, stdout=full, stderr=subprocess.PIPE, timeout=120, check=False
        )
    assert failed.returncode == EXIT_OUTPUT
    assert "No space left on device" in _failed(failed.stderr.decode())
    done = _process("digests", *db, HOUR_LATER)
    assert done.returncode == EXIT_OK
    assert "- Petr Novák: forklift licence" in done.stdout.decode()
    assert done.stdout.decode().endswith(
        "1 digest(s) sent; 0 left to a job running at the same time\n"
    )
