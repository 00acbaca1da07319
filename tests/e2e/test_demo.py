"""`make demo` runs `platewarden demo`: one short round of it, as a user would see it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.server import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_the_demo_serves_and_finds_what_it_drove(tmp_path: Path) -> None:
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "platewarden.cli.main", "demo", "--data-dir",
         str(tmp_path / "data"), "--rounds", "1", "--vehicles", "25", "--port", str(port),
         "--rate", "500"],
        capture_output=True, text=True, timeout=600, check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"http://127.0.0.1:{port}" in out
    assert re.search(r"password \S{16,}", out), "the generated admin password is shown once"
    found = re.search(r"expected (\d+) violations and (\d+) alerts\. In review now: (\d+) "
                      r"pending violations, (\d+) alerts", out)
    assert found, out
    expected_v, expected_a, pending, alerts = map(int, found.groups())
    assert (pending, alerts) == (expected_v, expected_a)
    # Fictitious keepers for every plate driven; nothing confirmed yet, so no notice.
    keepers = re.search(r"Registry: (\d+) fictitious keepers\. Notices issued for confirmed "
                        r"violations: (\d+)\.", out)
    assert keepers, out
    assert int(keepers.group(1)) > 0
    assert keepers.group(2) == "0"
    assert (tmp_path / "data" / "demo" / "camera-keys.json").stat().st_mode & 0o077 == 0
