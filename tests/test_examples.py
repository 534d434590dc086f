"""Every script in ``examples/`` runs as a host engineer would run it (US3).

Each example runs in a fresh interpreter (the one running the tests), from the
repository root, and must exit with 0 and print its headline. A new example is
picked up automatically and must at least print something; an entry in
``HEADLINES`` says which lines it must print.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from talentpool.testing import World

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))

HEADLINES = {
    # Micro-pools, the three use cases of the product brief (MP1-MP9).
    "micropool_collection_form.py": [
        "  bara: access tag_share; folders Brno (1); told by bell, email, mobile_push, slack",
        "  bohdan: access tag_share; folders Brno (1); told by bell, mobile_push, slack",
        "  pavla: access none; folders Praha (0); told by nothing",
    ],
    "micropool_skill.py": [
        "  told: ['dana', 'vojta']; dana reads ['Tomáš Král is new in your micro-pool Python.']",
        "  dana's Python folder and 'django': ['tomas']",
        "  dana still: tag_share",
    ],
    "micropool_handover.py": [
        "Roman tags Karel 'Call': petr tag_share",
        "{'petr': 'none', 'anna': 'tag_share', 'roman': 'owner'}",
        "  TagShareRevoked petr 11:00 tag 'Call' removed from karel by roman; petr tracks 'call'",
    ],
    # The demo's account on an SQLite file: the pool, a match from it, and the file after it.
    "sql_autopool_session.py": [
        "Pool of 'Store assistant, Brno Vaňkovka' on SQLite: 7 candidate(s), 7 shown, "
        "truncated: False",
        "Matched cand-0404: submission submission-1, new",
        "Pool after the match: 6 candidate(s)",
        "On the file, the requisition's submissions: ['cand-0404']",
    ],
    # The pool of the example's store: only Eva is available, qualified and near.
    "retail_autopool.py": [
        "Pool of 'Store assistant, Brno Vaňkovka': 1 candidate(s), truncated: False",
        "hana: not hired in the last 30 days -> hired on 'Cashier, Olomouc' 12 days ago",
    ],
}


def test_there_are_examples() -> None:
    """US3: the examples folder is not empty, and no expected headline names a missing script."""
    assert SCRIPTS
    assert set(HEADLINES) <= {s.name for s in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(script: Path) -> None:
    """US3: the example exits with 0, writes nothing to stderr and prints its headline."""
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=EXAMPLES.parent,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip(), "an example should show what it did"
    for line in HEADLINES.get(script.name, []):
        assert line in done.stdout


README = EXAMPLES.parent / "README.md"


def test_readme_gives_no_candidate_two_submissions_on_one_requisition() -> None:
    """US3, AP5: the README's data loads into a store with a unique (candidate, requisition).

    A host database holds that constraint; an example that broke it could not be
    reproduced there. The README's blocks run here in one namespace, in order.
    """
    text = README.read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    world = namespace["world"]
    assert isinstance(world, World)
    pairs = [(s.candidate_id, s.requisition_id) for s in world.uow.submissions]
    assert len(pairs) == len(set(pairs))
