"""The HTML report renders in a real browser (US4): headless Chromium from the distribution.

``.ci/run`` installs Chromium when the machine has none; here a missing or broken
Chromium fails the test, it never skips. Chromium loads the page from a file
with every network feature off, and its rendered DOM (``--dump-dom``) and a
screenshot are checked: the funnel's bars, the radius map's circle and dots on
both sides of it, and the results table.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from talentpool.adapters.sql import SqlStore
from talentpool.clock import FixedClock
from talentpool.demo.database import build_database
from talentpool.demo.dataset import DEMO_NOW
from talentpool.demo.story import POOL_REQUISITION
from talentpool.html import pool_report

_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium is not installed: apt-get install chromium (.ci/run does it)")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    store = SqlStore(f"sqlite:///{folder / 'demo.db'}")
    account, _ = build_database(store, candidates=1500)
    html = pool_report(store.unit_of_work(account), FixedClock(DEMO_NOW), POOL_REQUISITION)
    store.dispose()
    path = folder / "pool.html"
    path.write_text(html, encoding="utf-8")
    return path


def _browse(page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = page.parent / "profile"
    done = subprocess.run(
        [_chromium(), *_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_the_page_renders_with_its_funnel_map_and_results(page: Path) -> None:
    """US4: Chromium renders the bars, the circle, dots in and out of it, and the table."""
    dom = _browse(page, "--dump-dom").stdout
    assert "<h1>Pool of Store assistant, Brno Vaňkovka</h1>" in dom
    bars = re.findall(r'<rect class="bar"[^>]*data-remaining="(\d+)"', dom)
    assert len(bars) == 7  # the template's seven criteria
    assert [int(b) for b in bars] == sorted((int(b) for b in bars), reverse=True)
    summary = re.search(r"(\d+) candidates matched", dom)
    assert summary is not None
    assert int(bars[-1]) == int(summary[1])

    radius = float(re.search(r'data-radius-km="([\d.]+)"', dom)[1])  # type: ignore[index]
    circle = re.search(r'<circle id="radius" cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', dom)
    assert circle is not None
    cx, cy, r = (float(v) for v in circle.groups())
    for kind in ("inside", "outside"):
        dots = re.findall(
            rf'<circle class="{kind}" cx="([\d.]+)" cy="([\d.]+)" r="3" data-km="([\d.]+)"', dom
        )
        assert dots, kind
        for x, y, km in dots:
            # Each dot lies on its side of the circle, as its distance says (the map's
            # flat projection bends the edge by well under a kilometre at this scale).
            on_map = math.dist((float(x), float(y)), (cx, cy)) / r * radius
            assert abs(on_map - float(km)) < 1.0 + float(km) * 0.01
            assert (float(km) <= radius) == (kind == "inside")
    assert len(re.findall(r'<circle class="inside"', dom)) == int(summary[1])
    rows = re.findall(r'<tr data-candidate="([^"]+)">', dom)
    assert 0 < len(rows) <= 20


def test_the_page_needs_no_network_and_draws_pixels(page: Path) -> None:
    """US4: no external resource; the screenshot is a real picture of the page."""
    html = page.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script" not in html
    shot = page.parent / "shot.png"
    _browse(page, f"--screenshot={shot}", "--window-size=1000,1400")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    assert len(data) > 20_000  # text, bars and a map, not a blank page
