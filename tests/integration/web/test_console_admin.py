"""Console forms for admins and supervisors: cameras, users, search approvals, hotlists."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from platewarden.api.cookies import csrf_token_for
from platewarden.bootstrap import Container
from platewarden.domain.access import EVERYWHERE, RegionScope, Role
from platewarden.services.credentials import Principal
from support.console import console_token
from support.factories import PASSWORD, make_container, make_user, register_camera
from support.server import running_server

pytestmark = pytest.mark.integration


@dataclass
class Session:
    client: httpx.Client
    csrf: str

    def post(self, path: str, **data: object) -> httpx.Response:
        return self.client.post(path, data={"csrf_token": self.csrf, **data})


@dataclass
class World:
    container: Container
    url: str

    @contextlib.contextmanager
    def session(self, *roles: Role, regions: RegionScope = EVERYWHERE) -> Iterator[Session]:
        token = console_token(self.url, make_user(self.container, *roles, regions=regions),
                              PASSWORD)
        with httpx.Client(base_url=self.url, cookies={"pw_session": token},
                          timeout=10) as client:
            yield Session(client=client, csrf=csrf_token_for(token))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    container = make_container(tmp_path_factory.mktemp("admin") / "data")
    with running_server(container) as url:
        yield World(container=container, url=url)
    container.stop()


def test_an_admin_registers_a_camera_sees_its_key_once_and_disables_it(world: World) -> None:
    with world.session(Role.ADMIN) as admin:
        registered = admin.post("/console/cameras", camera_id="sam-007", name="Registon",
                                latitude="39.65", longitude="66.97", road="Registon ko'chasi",
                                direction="east", lanes="2", kind="red-light",
                                region_code="30", calibration_expires="2030-01-31")
        assert registered.status_code == 200, registered.text
        key = re.search(r'id="private-key">([A-Za-z0-9+/=]+)<', registered.text)
        assert key
        listing = admin.client.get("/console/cameras").text
        assert 'data-camera="sam-007"' in listing
        assert key.group(1) not in listing  # shown once, never again
        rotated = admin.post("/console/cameras/sam-007/rotate-key")
        new_key = re.search(r'id="private-key">([A-Za-z0-9+/=]+)<', rotated.text)
        assert rotated.status_code == 200, rotated.text
        assert new_key
        assert new_key.group(1) != key.group(1)
        assert admin.post("/console/cameras/sam-007/disable").status_code == 303
    camera = next(c for c in world.container.cameras.all_cameras(scope=EVERYWHERE)
                  if c.id == "sam-007")
    assert not camera.enabled
    other, _ = register_camera(world.container, region_code="10")
    with world.session(Role.ADMIN, regions=RegionScope.of(["30"])) as regional:
        assert regional.post(f"/console/cameras/{other}/disable").status_code == 404
        assert regional.post(f"/console/cameras/{other}/rotate-key").status_code == 404
        assert regional.post("/console/cameras", camera_id="x", name="x", latitude="x",
                             longitude="1", road="r", direction="d", lanes="1",
                             kind="anpr", region_code="30").status_code == 422
    with world.session(Role.REVIEWER) as reviewer:  # may read cameras, not register them
        assert 'id="register-camera"' not in reviewer.client.get("/console/cameras").text
        assert reviewer.post("/console/cameras/sam-007/disable").status_code == 403


def test_an_admin_adds_a_user_and_changes_their_roles(world: World) -> None:
    with world.session(Role.ADMIN) as admin:
        created = admin.post("/console/users", username="dilnoza", roles=["reviewer"],
                             regions="30")
        assert created.status_code == 200, created.text
        assert re.search(r'id="first-password">\S{12,}<', created.text)
        user = next(u for u in world.container.user_admin.users(principal_of(world, admin))
                    if u.username == "dilnoza")
        assert (user.roles, user.regions) == (frozenset({"reviewer"}), frozenset({"30"}))
        changed = admin.post(f"/console/users/{user.id}", roles=["investigator"],
                             regions="30,10", enabled="on")
        assert changed.status_code == 303
        me = admin.client.get("/console/users")
        assert 'data-user="dilnoza"' in me.text
        assert "$argon2" not in me.text  # never a password hash
    after = next(u for u in world.container.user_admin.users(principal_of(world, admin))
                 if u.username == "dilnoza")
    assert (after.roles, after.regions, after.enabled) == (
        frozenset({"investigator"}), frozenset({"10", "30"}), True)


def principal_of(world: World, session: Session) -> Principal:
    principal = world.container.accounts.resolve(session.client.cookies["pw_session"])
    assert principal is not None
    return principal


def test_a_supervisor_approves_a_wider_search_without_seeing_the_plate(world: World) -> None:
    with world.session(Role.INVESTIGATOR) as investigator:
        asked = investigator.post("/console/search/approval", query="01A999ZZ", kind="exact",
                                  reason="court-order", case="CR-77", days="200")
        assert asked.status_code == 200, asked.text
        found = re.search(r'id="approval-asked">[^<]*?(\d+)', asked.text)
        assert found
        approval = found.group(1)
        with world.session(Role.SUPERVISOR) as supervisor:
            page = supervisor.client.get("/console/approvals")
            assert f'data-approval="{approval}"' in page.text
            assert "CR-77" in page.text
            assert "01A999ZZ" not in page.text
            assert supervisor.post(f"/console/approvals/{approval}").status_code == 303
            assert f'data-approval="{approval}"' not in supervisor.client.get(
                "/console/approvals").text
        with world.session(Role.INVESTIGATOR) as stranger:  # someone else's approval
            refused = stranger.post("/console/search", query="01A999ZZ", reason="court-order",
                                    case="CR-77", approval_id=approval)
            assert refused.status_code == 404
        # The approved window, searched later than it was asked for, is still usable.
        searched = investigator.post("/console/search", query="01A999ZZ", kind="exact",
                                     reason="court-order", case="CR-77", approval_id=approval)
        assert searched.status_code == 200, searched.text
        assert 'id="result-count"' in searched.text
        again = investigator.post("/console/search", query="01A999ZZ", kind="exact",
                                  reason="court-order", case="CR-77", approval_id=approval)
        assert again.status_code == 403  # an approval is used once


def test_a_hand_typed_hotlist_entry_needs_a_second_supervisor(world: World) -> None:
    expires = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    with world.session(Role.SUPERVISOR) as proposer:
        proposed = proposer.post("/console/hotlists", plate="01 B 321 CD", list_name="stolen",
                                 reason="theft", source="police", legal_basis="case 5",
                                 expires=expires, priority="2")
        assert 'id="proposed"' in proposed.text
        proposal = re.search(r'data-proposal="([0-9a-f]+)"', proposed.text)
        assert proposal
        own = proposer.post(f"/console/hotlists/{proposal.group(1)}", decision="approve")
        assert own.status_code == 403  # four eyes: not one's own proposal
    with world.session(Role.INVESTIGATOR) as investigator:
        page = investigator.client.get("/console/hotlists")
        assert 'id="propose-entry"' in page.text
        assert 'id="proposals"' not in page.text
    with world.session(Role.SUPERVISOR) as second:
        decided = second.post(f"/console/hotlists/{proposal.group(1)}", decision="approve")
        assert decided.status_code == 303


def test_an_admin_resets_a_lost_second_factor_and_ends_sessions(world: World) -> None:
    with world.session(Role.REVIEWER) as reviewer, world.session(Role.ADMIN) as admin:
        me = principal_of(world, reviewer)
        page = admin.client.get("/console/users").text
        assert f'id="reset-mfa-{me.username}"' in page
        ended = admin.post(f"/console/users/{me.user_id}/end-sessions")
        assert ended.status_code == 200, ended.text
        assert 'id="user-done"' in ended.text
        assert reviewer.client.get("/console/review").status_code in (303, 401)
        reset = admin.post(f"/console/users/{me.user_id}/reset-mfa")
        assert reset.status_code == 200, reset.text
        assert f'id="reset-mfa-{me.username}"' not in reset.text  # nothing left to reset
        own = principal_of(world, admin)
        refused = admin.post(f"/console/users/{own.user_id}/reset-mfa")
        assert (refused.status_code, 'role="alert"' in refused.text) == (409, True)
        forged = admin.client.post(f"/console/users/{me.user_id}/end-sessions",
                                   data={"csrf_token": "forged"})
        assert forged.status_code == 403
    after = next(u for u in world.container.user_admin.users(own) if u.id == me.user_id)
    assert after.second_factor is False
