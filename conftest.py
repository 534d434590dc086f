"""Runs every code block in README.md and docs/*.md as a test (US3).

Python blocks in a Markdown file share one namespace, in order, like a
notebook; ``>>>`` examples are checked as doctests.
"""

from __future__ import annotations

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser
from sybil.parsers.myst import DocTestDirectiveParser

pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
        DocTestDirectiveParser(optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
    ],
    patterns=["*.md"],
).pytest()
