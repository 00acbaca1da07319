"""Running the real ``platewarden`` command, and a server process, as a user would."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from support.mfa import api_login
from support.server import free_port

ADMIN_PASSWORD = "e2e-admin-password-long-enough"


def cli_env(data_dir: Path) -> dict[str, str]:
    """Environment for CLI runs against ``data_dir``."""
    env = dict(os.environ)
    env.update(PLATEWARDEN_DATA_DIR=str(data_dir), PLATEWARDEN_ADMIN_PASSWORD=ADMIN_PASSWORD,
               PLATEWARDEN_LOG_LEVEL="WARNING", COLUMNS="200")
    return env


def platewarden(data_dir: Path, *args: str, check: bool = True,
                timeout_s: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``platewarden ARGS`` to completion."""
    command = [sys.executable, "-m", "platewarden.cli.main", *args]
    result = subprocess.run(command, env=cli_env(data_dir), capture_output=True, text=True,
                            timeout=timeout_s, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def start_server(data_dir: Path, port: int) -> subprocess.Popen[str]:
    """Start ``platewarden serve`` and wait until it answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "platewarden.cli.main", "serve", "--port", str(port)],
        env=cli_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"server exited: {output}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("server did not start")


@contextlib.contextmanager
def server(data_dir: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A ``platewarden serve`` process for the block; yields its URL and process."""
    port = free_port()
    process = start_server(data_dir, port)
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if process.stdout:
            process.stdout.close()


def login(url: str, password: str = ADMIN_PASSWORD) -> dict[str, str]:
    """Authorization header for the admin (enrolling TOTP at the first login)."""
    return {"Authorization": f"Bearer {api_login(url, 'admin', password)}"}
