"""Console pages show only the user's regions, and plate text only to roles that may see it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from platewarden.api.cookies import csrf_token_for
from platewarden.bootstrap import Container
from platewarden.camera.client import CameraClient
from platewarden.domain.access import EVERYWHERE, RegionScope, Role
from support.console import console_token
from support.factories import PASSWORD, make_container, make_read, make_user, register_camera
from support.server import running_server

pytestmark = pytest.mark.integration
SAMARKAND, TASHKENT = "30", "10"
PLATE = "30B222BB"


@dataclass
class World:
    container: Container
    url: str
    camera_id: str

    def client(self, *roles: Role, regions: RegionScope) -> httpx.Client:
        token = console_token(self.url, make_user(self.container, *roles, regions=regions),
                              PASSWORD)
        return httpx.Client(base_url=self.url, cookies={"pw_session": token}, timeout=10)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    container = make_container(tmp_path_factory.mktemp("pages") / "data")
    expires = datetime.now(UTC) + timedelta(days=9)
    container.hotlists.import_csv("plate,list,reason,source,legal_basis,expires_at,priority\n"
                                  f"{PLATE},stolen,theft,police,law,{expires},1\n")
    with running_server(container) as url:
        camera_id, key = register_camera(container, kind="spot-speed", speed_limit_kmh=60,
                                         region_code=SAMARKAND)
        with CameraClient(base_url=url, camera_id=camera_id, private_key=key) as client:
            client.send_reads([make_read(plate=PLATE, speed_kmh=99.0)])
        container.bus.wait_idle()
        yield World(container=container, url=url, camera_id=camera_id)
    container.stop()


def test_pages_show_only_the_granted_regions(world: World) -> None:
    with world.client(Role.REVIEWER, regions=RegionScope.of([SAMARKAND])) as local:
        review = local.get("/console/review")
        assert PLATE in review.text
        evidence = re.findall(r'src="(/console/evidence/[0-9a-f]{64})"', review.text)
        assert evidence
        assert local.get(evidence[0]).status_code == 200
        alerts = local.get("/console/alerts").text
        assert PLATE in alerts
        assert "/console/evidence/" in alerts  # the read's plate image, to compare by eye
        assert re.search(r'class="listed-since">[^<—]*\d', alerts)  # how old the listing is
        assert world.camera_id in local.get("/console/cameras").text
        assert 'id="violation"' in review.text
    with world.client(Role.REVIEWER, regions=RegionScope.of([TASHKENT])) as other:
        assert 'id="queue-empty"' in other.get("/console/review").text
        assert PLATE not in other.get("/console/alerts").text
        assert world.camera_id not in other.get("/console/cameras").text
        assert other.get(evidence[0]).status_code == 404
        violation_id = re.search(r'data-violation="([0-9a-f]+)"', review.text)
        assert violation_id
        token = other.cookies["pw_session"]
        decided = other.post(f"/console/review/{violation_id.group(1)}", data={
            "csrf_token": csrf_token_for(token), "decision": "confirmed"})
        assert decided.status_code == 404
        assert 'data-code="not_found"' in decided.text


def test_no_page_shows_plate_text_to_auditors_or_admins(world: World) -> None:
    with world.client(Role.AUDITOR, Role.ADMIN, regions=EVERYWHERE) as client:
        for path in ("/console/", "/console/audit", "/console/cameras"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert PLATE not in page.text, path
        for path in ("/console/review", "/console/alerts", "/console/search"):
            assert client.get(path).status_code == 403, path


def first_state(client: httpx.Client) -> dict[str, Any]:
    """The first state event of the live overview's stream."""
    with client.stream("GET", "/console/live/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                assert PLATE not in line
                state: dict[str, Any] = json.loads(line.removeprefix("data: "))
                return state
    raise AssertionError("the stream sent no state")


def test_the_live_stream_counts_only_the_granted_regions(world: World) -> None:
    with world.client(Role.ADMIN, regions=RegionScope.of([SAMARKAND])) as local:
        state = first_state(local)
        assert [c["id"] for c in state["cameras"]] == [world.camera_id]
        assert state["cameras"][0]["status"] == "ok"
        assert state["reads_per_minute"] >= 1
        assert {e["kind"] for e in state["events"]} == {"violation", "alert"}
        page = local.get("/console/live")
        assert 'id="map"' in page.text
        assert PLATE not in page.text
    with world.client(Role.ADMIN, regions=RegionScope.of([TASHKENT])) as other:
        state = first_state(other)
        assert (state["cameras"], state["events"], state["reads_per_minute"]) == ([], [], 0)


def test_a_person_confirms_an_alert_of_their_region(world: World) -> None:
    (alert,) = world.container.queries.alerts(limit=5, offset=0, scope=EVERYWHERE)
    with world.client(Role.INVESTIGATOR, regions=RegionScope.of([TASHKENT])) as other:
        token = other.cookies["pw_session"]
        refused = other.post(f"/console/alerts/{alert.id}", data={
            "csrf_token": csrf_token_for(token), "decision": "confirm"})
        assert refused.status_code == 404
    with world.client(Role.INVESTIGATOR, regions=RegionScope.of([SAMARKAND])) as local:
        token = local.cookies["pw_session"]
        page = local.get("/console/alerts").text
        assert f'action="/console/alerts/{alert.id}"' in page
        confirmed = local.post(f"/console/alerts/{alert.id}", data={
            "csrf_token": csrf_token_for(token), "decision": "confirm"})
        assert confirmed.status_code == 303
        assert 'data-status="confirmed"' in local.get("/console/alerts").text
    entries = world.container.audit.recent(limit=5, viewer="test")
    assert any(r.entry.action.value == "alert-reviewed" and r.entry.target == alert.id
               for r in entries)


def test_a_supervisor_takes_the_entry_behind_an_alert_off_its_list(world: World) -> None:
    (alert,) = world.container.queries.alerts(limit=5, offset=0, scope=EVERYWHERE)
    action = f'action="/console/hotlist-entries/{alert.hotlist_entry_id}/remove"'
    with world.client(Role.INVESTIGATOR, regions=EVERYWHERE) as investigator:
        assert action not in investigator.get("/console/alerts").text  # may not remove
        token = investigator.cookies["pw_session"]
        refused = investigator.post(f"/console/hotlist-entries/{alert.hotlist_entry_id}/remove",
                                    data={"csrf_token": csrf_token_for(token),
                                          "reason": "vehicle recovered"})
        assert refused.status_code == 403
    listing = world.container.hotlists.listed_at({alert.hotlist_entry_id})
    try:
        with world.client(Role.SUPERVISOR, regions=EVERYWHERE) as supervisor:
            token = supervisor.cookies["pw_session"]
            assert action in supervisor.get("/console/alerts").text
            path = f"/console/hotlist-entries/{alert.hotlist_entry_id}/remove"
            short = supervisor.post(path, data={"csrf_token": csrf_token_for(token),
                                                "reason": "x"})
            assert (short.status_code, 'role="alert"' in short.text) == (422, True)
            removed = supervisor.post(path, data={"csrf_token": csrf_token_for(token),
                                                  "reason": "vehicle recovered"})
            assert removed.status_code == 200, removed.text
            assert 'id="entry-removed"' in removed.text
            assert action not in removed.text  # nothing left to remove
            again = supervisor.post(path, data={"csrf_token": csrf_token_for(token),
                                                "reason": "vehicle recovered"})
            assert again.status_code == 404
        assert world.container.hotlists.listed_at({alert.hotlist_entry_id}) == {}
    finally:  # the module's other tests expect the entry listed
        expires = datetime.now(UTC) + timedelta(days=9)
        world.container.hotlists.import_csv(
            "plate,list,reason,source,legal_basis,expires_at,priority\n"
            f"{PLATE},stolen,theft,police,law,{expires},1\n")
    assert world.container.hotlists.listed_at({alert.hotlist_entry_id}).keys() == listing.keys()
