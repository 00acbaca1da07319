"""A real S3-protocol server for the test run: ``moto_server`` over HTTP on a free port.

It runs as a separate process and speaks the S3 wire protocol, so the store under test goes
through boto3, HTTP and signing as it would against MinIO or AWS. One server serves the whole
test process; every test makes its own bucket with a random name.
"""

from __future__ import annotations

import atexit
import secrets
import socket
import subprocess
import sys
import time
from typing import Any

import boto3

from support.server import free_port
from support.services import need_service

REGION = "eu-central-1"
# Random for each run: the store refuses well-known placeholder keys.
ACCESS_KEY = f"PWTEST{secrets.token_hex(6).upper()}"
SECRET_KEY = secrets.token_urlsafe(24)
_server: dict[str, Any] = {}


def endpoint() -> str:
    """The server's URL, starting it on first use (stopped when the test process exits)."""
    if "url" not in _server:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        atexit.register(_stop, process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        _server["url"] = f"http://127.0.0.1:{port}"
    need_service("the S3 test server (moto)", "127.0.0.1", int(_server["url"].rsplit(":", 1)[1]))
    return str(_server["url"])


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


def client() -> Any:
    """A boto3 S3 client for the test server."""
    return boto3.client("s3", endpoint_url=endpoint(), region_name=REGION,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)


def new_bucket() -> str:
    """A fresh, empty bucket."""
    name = f"pw-test-{secrets.token_hex(6)}"
    client().create_bucket(Bucket=name,
                           CreateBucketConfiguration={"LocationConstraint": REGION})
    return name
