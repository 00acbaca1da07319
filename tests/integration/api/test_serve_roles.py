"""Each process role serves only its routes: cameras never reach the operator API or console
through an ingest process, and a web process takes no camera traffic."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from platewarden.api.app import create_app
from platewarden.bootstrap import Container
from support.factories import make_container

pytestmark = pytest.mark.integration

CAMERA = ("POST", "/api/v1/ingest/read")
OPERATOR = ("GET", "/api/v1/violations")
CONSOLE = ("GET", "/console/")


@pytest.fixture
def container(tmp_path: Path) -> Iterator[Container]:
    container = make_container(tmp_path / "data")
    yield container
    container.stop()


def statuses(container: Container, role: str) -> dict[tuple[str, str], int]:
    app = create_app(container, role=role)  # type: ignore[arg-type]

    async def probe() -> dict[tuple[str, str], int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://127.0.0.1") as client:
            return {(m, p): (await client.request(m, p)).status_code
                    for m, p in (CAMERA, OPERATOR, CONSOLE, ("GET", "/healthz"))}
    return asyncio.run(probe())


def test_ingest_serves_cameras_and_health_only(container: Container) -> None:
    found = statuses(container, "ingest")
    assert found[CAMERA] != 404
    assert (found[OPERATOR], found[CONSOLE], found[("GET", "/healthz")]) == (404, 404, 200)


def test_web_serves_operators_and_the_console_but_no_cameras(container: Container) -> None:
    found = statuses(container, "web")
    assert found[CAMERA] == 404
    assert found[OPERATOR] == 401
    assert found[CONSOLE] != 404


def test_all_serves_everything(container: Container) -> None:
    found = statuses(container, "all")
    assert 404 not in (found[CAMERA], found[OPERATOR], found[CONSOLE])
