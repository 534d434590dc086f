"""The ``talentpool`` command (US2): jobs a host runs outside requests.

Each command is one sub-command of ``talentpool``; ``talentpool --help`` lists
them and ``talentpool COMMAND --help`` describes one:

* ``talentpool demo`` builds the demo account of :mod:`talentpool.demo` (a Czech
  grocery chain on the in-memory reference adapter) and prints the autopool of
  one store: the top rows, the total and whether it was truncated, the funnel,
  and why some candidates are not in it; then its micro-pools: each user's
  folders, the notifications sent per user and channel, what a tag-share viewer
  sees of a candidate next to an owner, and a dry run of a subscription change.

Commands are registered in :data:`COMMANDS`, so new ones (autopool results for a
requisition, explain, the repooling batch job, a demo on SQLite) slot in as one
entry each. :func:`main` returns the exit status instead of exiting, so it can
be called from tests and from other programs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import TextIO

import attrs

__all__ = ["COMMANDS", "Command", "build_parser", "main"]


@attrs.frozen
class Command:
    """One sub-command of ``talentpool``.

    Attributes:
        name: What is typed after ``talentpool``.
        help: One line for ``talentpool --help``.
        configure: Adds the command's own options to its parser.
        run: Does the work with the parsed arguments, writing to the stream; returns
            the exit status.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, TextIO], int]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seed", type=int, default=2026, help="seed of the generated data (default: 2026)"
    )
    parser.add_argument(
        "--candidates",
        type=_positive,
        default=400,
        help="how many candidates to generate (default: 400)",
    )
    parser.add_argument(
        "--top", type=_positive, default=10, help="how many result rows to print (default: 10)"
    )


def _run_demo(args: argparse.Namespace, out: TextIO) -> int:
    from talentpool.demo import demo_report

    out.write(demo_report(seed=args.seed, candidates=args.candidates, top=args.top))
    return 0


COMMANDS: tuple[Command, ...] = (
    Command(
        "demo",
        "print a demo retail chain: an autopool (results, funnel, explanations) and "
        "micro-pools (folders, notifications, tag-share view, dry run)",
        _configure_demo,
        _run_demo,
    ),
)
"""Every sub-command, in the order ``--help`` lists them."""


def _version() -> str:
    try:
        return version("talentpool")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``talentpool``, with every sub-command of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="talentpool",
        description=(
            "Micro-pools and automatic candidate pooling for applicant-tracking systems: "
            "the jobs a host runs outside requests."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``talentpool`` with *argv* (the process's arguments by default); return the exit status.

    ``--help`` and ``--version`` return 0; a usage error prints the usage and returns 2.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits on --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else 1
    run: Callable[[argparse.Namespace, TextIO], int] = args.run
    return run(args, sys.stdout)


if __name__ == "__main__":  # pragma: no cover - ``python -m talentpool.cli``
    sys.exit(main())
