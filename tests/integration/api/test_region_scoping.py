"""Several regions share one installation: a user sees only the regions granted to them.

Records of other regions are not listed and are not reachable by id (404, exactly as for an
id that does not exist), through the real server and the SQLite store.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from platewarden.bootstrap import Container
from platewarden.camera.client import CameraClient
from platewarden.domain.access import EVERYWHERE, RegionScope, Role
from support.factories import PASSWORD, make_container, make_read, make_user, register_camera
from support.mfa import api_login
from support.server import running_server

pytestmark = pytest.mark.integration
TASHKENT_REGION, SAMARKAND = "12", "30"
PLATES = {TASHKENT_REGION: "10A111AA", SAMARKAND: "30B222BB"}


@dataclass
class World:
    container: Container
    url: str

    def headers(self, *roles: Role, regions: RegionScope) -> dict[str, str]:
        username = make_user(self.container, *roles, regions=regions)
        return {"Authorization": f"Bearer {api_login(self.url, username, PASSWORD)}"}

    def get(self, path: str, headers: dict[str, str]) -> httpx.Response:
        return httpx.get(f"{self.url}/api/v1{path}", headers=headers, timeout=10)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    container = make_container(tmp_path_factory.mktemp("regions") / "data")
    expires = datetime.now(UTC) + timedelta(days=9)
    container.hotlists.import_csv("plate,list,reason,source,legal_basis,expires_at,priority\n"
                                  + "".join(f"{p},stolen,theft,police,law,{expires},1\n"
                                            for p in PLATES.values()))
    with running_server(container) as url:
        for region, plate in PLATES.items():
            camera_id, key = register_camera(container, kind="spot-speed", speed_limit_kmh=60,
                                             region_code=region)
            with CameraClient(base_url=url, camera_id=camera_id, private_key=key) as client:
                client.send_reads([make_read(plate=plate, speed_kmh=99.0)])
        container.bus.wait_idle()
        yield World(container=container, url=url)
    container.stop()


def plates_of(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(item["plate"] for item in response.json())


def test_lists_show_only_the_granted_region(world: World) -> None:
    nationwide = world.headers(Role.REVIEWER, regions=EVERYWHERE)
    samarkand = world.headers(Role.REVIEWER, regions=RegionScope.of([SAMARKAND]))
    nobody = world.headers(Role.REVIEWER, regions=RegionScope.of([]))
    assert plates_of(world.get("/violations", nationwide)) == sorted(PLATES.values())
    assert plates_of(world.get("/violations", samarkand)) == [PLATES[SAMARKAND]]
    assert plates_of(world.get("/alerts", samarkand)) == [PLATES[SAMARKAND]]
    assert plates_of(world.get("/violations", nobody)) == []
    cameras = world.get("/cameras", samarkand).json()
    assert [c["region_code"] for c in cameras] == [SAMARKAND]


def test_records_of_another_region_are_not_reachable_by_id(world: World) -> None:
    nationwide = world.headers(Role.REVIEWER, regions=EVERYWHERE)
    tashkent = world.headers(Role.REVIEWER, regions=RegionScope.of(["10"]))
    violations = {v["plate"]: v for v in world.get("/violations", nationwide).json()}
    alerts = {a["plate"]: a for a in world.get("/alerts", nationwide).json()}
    other = violations[PLATES[SAMARKAND]]
    detail = world.get(f"/violations/{other['id']}", nationwide).json()
    sha = detail["reads"][0]["images"][0]["sha256"]

    denied = [world.get(f"/violations/{other['id']}", tashkent),
              world.get(f"/alerts/{alerts[PLATES[SAMARKAND]]['id']}", tashkent),
              world.get(f"/evidence/{sha}", tashkent),
              httpx.post(f"{world.url}/api/v1/violations/{other['id']}/review",
                         json={"decision": "confirmed"}, headers=tashkent, timeout=10)]
    assert [(r.status_code, r.json()["error"]["code"]) for r in denied] == [(404, "not_found")] * 4
    absent = world.get(f"/violations/{'0' * 64}", tashkent)
    assert absent.json() == denied[0].json()  # no hint that the id exists elsewhere

    own = violations[PLATES[TASHKENT_REGION]]
    assert world.get(f"/violations/{own['id']}", tashkent).status_code == 200
    assert world.get(f"/evidence/{sha}", nationwide).status_code == 200


def test_search_finds_only_reads_of_the_granted_region(world: World) -> None:
    now = datetime.now(UTC)
    body = {"query": "*", "kind": "wildcard", "reason_code": "stolen-vehicle",
            "case_reference": "CR-2026-77", "since": (now - timedelta(days=1)).isoformat(),
            "until": (now + timedelta(minutes=5)).isoformat()}
    results = {}
    for name, scope in (("all", EVERYWHERE), ("samarkand", RegionScope.of([SAMARKAND]))):
        headers = world.headers(Role.INVESTIGATOR, regions=scope)
        for plate in PLATES.values():
            found = httpx.post(f"{world.url}/api/v1/search/reads",
                               json={**body, "query": plate, "kind": "exact"},
                               headers=headers, timeout=10)
            assert found.status_code == 200, found.text
            results[(name, plate)] = len(found.json()["reads"])
    assert results == {("all", PLATES[TASHKENT_REGION]): 1, ("all", PLATES[SAMARKAND]): 1,
                       ("samarkand", PLATES[TASHKENT_REGION]): 0,
                       ("samarkand", PLATES[SAMARKAND]): 1}
