"""The operator console in a real headless Chromium: sign-in with MFA, review, search, audit.

One server and one browser serve the whole module (CPU is scarce); each test opens its own
browser context, so cookies never leak between the people it plays.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from platewarden.bootstrap import Container
from platewarden.camera.keys import private_key_from_raw
from platewarden.camera.payloads import build_envelope
from platewarden.domain.access import EVERYWHERE, Role
from platewarden.domain.violations import ViolationStatus
from platewarden.services.unit_of_work import ViolationFilter
from support.browser import need_chromium, screenshot_dir
from support.console import console_token
from support.factories import PASSWORD, make_container, make_read, make_user, register_camera
from support.server import running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
VIEWPORT = {"width": 1366, "height": 768}
PLATE = "01A777BC"
CASE = "CR-2026-0042"


@dataclass(frozen=True, slots=True, kw_only=True)
class Console:
    container: Container
    url: str
    browser: Browser
    shots: Path

    def context(self, *roles: Role, language: str = "en") -> tuple[BrowserContext, str]:
        """A browser context already signed in as a new user holding ``roles``."""
        username = make_user(self.container, *roles)
        token = console_token(self.url, username, PASSWORD)
        context = self.browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        context.add_cookies([
            {"name": "pw_session", "value": token, "url": self.url, "httpOnly": True,
             "sameSite": "Strict"},
            {"name": "pw_lang", "value": language, "url": self.url}])
        return context, username

    def shot(self, page: Page, name: str) -> None:
        page.screenshot(path=str(self.shots / f"{name}.png"))


def drive_traffic(container: Container, url: str) -> None:
    """Two speeding vehicles (two violations to review) and reads to search for."""
    camera_id, key = register_camera(container, camera_id="tas-m39-01", kind="spot-speed",
                                     speed_limit_kmh=70, region_code="10")
    now = datetime.now(UTC)
    reads = [make_read(plate=PLATE, speed_kmh=96.0, captured_at=now - timedelta(minutes=3)),
             make_read(plate="10B555CD", speed_kmh=88.0, captured_at=now - timedelta(minutes=2)),
             make_read(plate=PLATE, speed_kmh=64.0, captured_at=now - timedelta(minutes=1))]
    envelope = build_envelope(camera_id=camera_id, private_key=private_key_from_raw(key),
                              reads=reads, sent_at=now, nonce=secrets.token_hex(16))
    response = httpx.post(f"{url}/api/v1/ingest/batch", json=envelope, timeout=30)
    assert response.status_code == 200, response.text
    container.bus.wait_idle()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    chromium = need_chromium()
    expect.set_options(timeout=15_000)  # a loaded CI machine renders slowly
    container = make_container(tmp_path_factory.mktemp("console") / "data")
    try:
        with running_server(container) as url, sync_playwright() as playwright:
            drive_traffic(container, url)
            browser = playwright.chromium.launch(executable_path=str(chromium))
            try:
                yield Console(container=container, url=url, browser=browser,
                              shots=screenshot_dir(tmp_path_factory.mktemp("shots")))
            finally:
                browser.close()
    finally:
        container.stop()


def pending(container: Container) -> list[str]:
    return [v.id for v in container.queries.violations(
        ViolationFilter(status=ViolationStatus.PENDING, limit=10), scope=EVERYWHERE)]


def test_sign_in_enrols_a_second_factor_then_asks_for_it(console: Console) -> None:
    from platewarden.domain.totp import totp
    from platewarden.services.second_factor import decode_secret

    username = make_user(console.container, Role.REVIEWER)
    context = console.browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{console.url}/console/review")  # not signed in: to the sign-in form
    expect(page).to_have_url(f"{console.url}/console/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    console.shot(page, "sign-in")
    page.click("button[type=submit]")
    secret = page.inner_text("#totp-secret")  # enrolment: the secret to add to an app
    page.fill("#code", totp(decode_secret(secret), datetime.now(UTC)))
    console.shot(page, "enrol")
    page.click("main button[type=submit]")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) >= 8
    page.click("#continue")
    expect(page.locator("header .who")).to_have_text(username)
    page.click("#logout")
    expect(page).to_have_url(f"{console.url}/console/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{console.url}/console/login/mfa")
    page.fill("#code", codes[0])  # a recovery code stands in for the app's code
    page.click("main button[type=submit]")
    expect(page.locator("header .who")).to_have_text(username)
    cookie = next(c for c in context.cookies() if c["name"] == "pw_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Strict"
    context.close()


def test_a_reviewer_confirms_with_a_correction_and_rejects_by_keyboard(
        console: Console) -> None:
    before = pending(console.container)
    assert len(before) == 2
    context, _ = console.context(Role.REVIEWER)
    page = context.new_page()
    page.goto(f"{console.url}/console/review")
    first = page.get_attribute("#violation", "data-violation")
    expect(page.locator("figure.plate img")).to_be_visible()
    console.shot(page, "review")
    page.keyboard.press("p")  # correct the plate, then leave the field and confirm
    page.keyboard.type("01A777BO")
    page.keyboard.press("Escape")
    page.keyboard.press("c")
    expect(page.locator("#review-done")).to_be_visible()
    second = page.get_attribute("#violation", "data-violation")
    assert second != first
    page.keyboard.press("r")  # reject: choose a reason (required), then submit
    page.select_option("#reject-reason", "measurement-doubt")
    page.click("#reject")
    expect(page.locator("#queue-empty")).to_be_visible()
    context.close()
    decided = {vid: console.container.queries.violation(vid, scope=EVERYWHERE).violation
               for vid in before}
    assert decided[first].status is ViolationStatus.CONFIRMED
    assert decided[first].details["corrected_plate"] == "01A777BO"
    assert decided[second].status is ViolationStatus.REJECTED


def test_search_asks_for_its_reason_first_and_the_auditor_sees_it(console: Console) -> None:
    context, investigator = console.context(Role.INVESTIGATOR)
    page = context.new_page()
    page.goto(f"{console.url}/console/search")
    expect(page.locator("#query")).to_have_count(0)  # no plate field before the purpose
    page.fill("#case", CASE)
    page.click("#purpose-next")  # the reason is still missing: the browser holds it back
    expect(page.locator("#query")).to_have_count(0)
    page.goto(f"{console.url}/console/search?reason=&case={CASE}")
    expect(page.locator("#query")).to_have_count(0)
    page.select_option("#reason", "stolen-vehicle")
    page.click("#purpose-next")
    page.fill("#query", PLATE)
    page.click("#search")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    expect(page.locator("#map .leaflet-places-pane path")).to_have_count(1)  # one camera
    console.shot(page, "search")
    context.close()

    context, _ = console.context(Role.AUDITOR)
    page = context.new_page()
    page.goto(f"{console.url}/console/audit")
    expect(page.locator("#verification")).to_have_attribute("data-ok", "true")
    row = page.locator("#entries tr[data-action=search]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CASE)
    expect(row).to_contain_text(investigator)
    expect(row).to_contain_text("results=2")
    assert PLATE not in page.content()  # auditors never see plate text
    console.shot(page, "audit")
    context.close()


def test_a_role_is_denied_a_page_it_may_not_open(console: Console) -> None:
    context, _ = console.context(Role.AUDITOR, language="ru")
    page = context.new_page()
    response = page.goto(f"{console.url}/console/review")
    assert response is not None
    assert response.status == 403
    expect(page.locator("#refused")).to_have_attribute("data-code", "forbidden")
    expect(page.locator("#violation")).to_have_count(0)
    expect(page.locator("header nav a[href='/console/review']")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    context.close()


def test_the_live_overview_maps_the_regions_and_streams(console: Console) -> None:
    context, _ = console.context(Role.ADMIN)
    page = context.new_page()
    page.goto(f"{console.url}/console/live")
    # The first state event and the regions' GeoJSON arrive on their own time (slow CI).
    expect(page.locator("#stream-state")).to_have_attribute("data-connected", "true",
                                                            timeout=20_000)
    # Fourteen regions (some drawn in several parts), all from local files, and the camera.
    expect(page.locator("#map .leaflet-overlay-pane path").nth(13)).to_be_attached(
        timeout=20_000)
    expect(page.locator("#map .leaflet-cameras-pane path")).to_have_count(1)
    expect(page.locator("#camera-health tr[data-camera]")).to_have_count(1)
    expect(page.locator("#recent-events li")).to_have_count(2)  # the two violations
    assert PLATE not in page.content()
    console.shot(page, "live")
    context.close()
