"""The ``talentpool`` command (US1, US2)."""

from __future__ import annotations

import re

import pytest

from talentpool.cli import COMMANDS, build_parser, main
from talentpool.demo import build_demo


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
