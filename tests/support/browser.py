"""Debian's headless Chromium driven by Playwright (never a browser Playwright downloads).

``make test`` installs the ``chromium`` package when it is missing (``make chromium``). Where
it is still missing, browser tests skip, except in CI (``PLATEWARDEN_TEST_REQUIRE_SERVICES=1``),
where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.services import REQUIRE_ENV

CHROMIUM = Path("/usr/bin/chromium")
# Set to docs/screenshots to refresh the README's pictures of the console.
SCREENSHOTS_ENV = "PLATEWARDEN_SCREENSHOTS"


def need_chromium() -> Path:
    """The Chromium binary, or skip (fail in CI) when it is not installed."""
    if CHROMIUM.is_file():
        return CHROMIUM
    message = f"{CHROMIUM} is missing: run `make chromium`"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(message)
    pytest.skip(message)


def screenshot_dir(fallback: Path) -> Path:
    """Where page screenshots go: the env's folder, else the test's own temporary one."""
    chosen = os.environ.get(SCREENSHOTS_ENV)
    folder = Path(chosen) if chosen else fallback
    folder.mkdir(parents=True, exist_ok=True)
    return folder
