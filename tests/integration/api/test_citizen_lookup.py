"""The citizen look-up through the real server: both fields, one refusal, throttled."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from platewarden.bootstrap import Container
from platewarden.config_notices import NoticeSettings
from platewarden.domain.access import Role
from platewarden.domain.notices import Notice, notice_number
from platewarden.services.citizen import CitizenView
from support.factories import PASSWORD, jpeg_bytes, make_container, make_user
from support.mfa import api_login
from support.notices import add_confirmed_violation
from support.server import running_server

pytestmark = pytest.mark.integration
PLATE = "01A123BC"


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Container, str]]:
    limits = getattr(request, "param", {"lookups_per_client_per_min": 1000,
                                        "lookups_per_notice_per_h": 1000})
    container = make_container(tmp_path / "data", notices=NoticeSettings(**limits))
    with running_server(container) as url:
        yield container, url
    container.stop()


def issue(container: Container, read_id: str = "r1") -> Notice:
    vid = add_confirmed_violation(container, plate=PLATE, read_id=read_id)
    return container.notices.issuing.issue(vid, actor="test")


def look_up(url: str, number: str, plate: str) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/public/notices/lookup",
                      json={"number": number, "plate": plate}, timeout=10)


def test_the_holder_of_number_and_plate_sees_the_notice_and_nothing_personal(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    response = look_up(url, notice.number.lower(), "01 a 123 bc")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [f.name for f in dataclasses.fields(CitizenView)]  # all, and only
    assert (body["number"], body["status"]) == (notice.number, "issued")
    assert (body["amount_som"], body["payment_reference"]) == (
        notice.fine.amount_som, notice.payment_reference)
    # The overview is disclosed only redacted (re-encoded by the redactor), the crop as is.
    assert sorted(i["role"] for i in body["images"]) == ["overview", "plate"]
    for image in body["images"]:
        assert base64.b64decode(image["data_base64"])[:2] == b"\xff\xd8"
    overview = next(i for i in body["images"] if i["role"] == "overview")
    assert base64.b64decode(overview["data_base64"]) != jpeg_bytes(seed=1)
    assert "keeper" not in response.text
    assert notice.verification_code not in response.text
    verified = httpx.post(f"{url}/api/v1/public/notices/verify",
                          json={"code": notice.verification_code.lower()})
    assert verified.json() == {"valid": True}
    forged = httpx.post(f"{url}/api/v1/public/notices/verify", json={"code": "A" * 19})
    assert forged.json() == {"valid": False}


def typo_of(number: str) -> str:
    """The number with its last digit changed (always a different number)."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_every_wrong_field_gets_the_same_answer(served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    other = notice_number(year=2026, random_digits="123456789")
    answers = [look_up(url, notice.number, "01A999ZZ"),  # right number, wrong plate
               look_up(url, other, PLATE),  # well-formed number of no notice, right plate
               look_up(url, "PW-2026-1", PLATE),  # malformed number
               look_up(url, typo_of(notice.number), PLATE)]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    missing = httpx.post(f"{url}/api/v1/public/notices/lookup", json={"number": notice.number})
    assert missing.status_code == 422  # both fields are required


@pytest.mark.parametrize("served", [{"lookups_per_client_per_min": 5,
                                     "lookups_per_notice_per_h": 1000}], indirect=True)
def test_an_enumeration_attempt_gets_nothing_and_is_throttled(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    tries = [look_up(url, notice_number(year=2026, random_digits=f"{n:09d}"), PLATE)
             for n in range(12)]
    assert [t.status_code for t in tries] == [404] * 5 + [429] * 7
    assert all("amount_som" not in t.text for t in tries)
    # Throttled means throttled: even the right answer waits.
    assert look_up(url, notice.number, PLATE).status_code == 429
    assert tries[-1].json()["error"]["code"] == "rate_limited"
    page = httpx.post(f"{url}/notice?lang=en", data={"number": notice.number, "plate": PLATE})
    assert page.status_code == 429  # the page counts against the same window
    assert "Too many look-ups; wait a while and try again." in page.text


def test_every_server_process_counts_against_one_allowance(tmp_path: Path) -> None:
    """Two installations' processes on one data dir (``serve --workers 2``, or two web
    processes behind a balancer) share the limit: a guesser gets it once, not once each."""
    limits = NoticeSettings(lookups_per_client_per_min=4, lookups_per_notice_per_h=1000)
    first = make_container(tmp_path / "data", notices=limits)
    second = make_container(tmp_path / "data", notices=limits)
    try:
        with running_server(first) as url_1, running_server(second) as url_2:
            tries = [look_up(url, notice_number(year=2026, random_digits=f"{n:09d}"), PLATE)
                     for n in range(5) for url in (url_1, url_2)]
    finally:
        first.stop()
        second.stop()
    assert [t.status_code for t in tries] == [404] * 4 + [429] * 6


@pytest.mark.parametrize("served", [{"lookups_per_client_per_min": 1000,
                                     "lookups_per_notice_per_h": 3}], indirect=True)
def test_guessing_one_notices_plate_is_throttled_per_notice(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    guesses = [look_up(url, notice.number, f"01A{n:03d}AA") for n in range(5)]
    assert [g.status_code for g in guesses] == [404, 404, 404, 429, 429]
    assert look_up(url, notice.number, PLATE).status_code == 429
    another = issue(container, read_id="r2")
    assert look_up(url, another.number, PLATE).status_code == 200


def test_an_appeal_reaches_the_reviewers_who_decide_it_with_a_reason(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    wrong = httpx.post(f"{url}/api/v1/public/notices/appeal",
                       json={"number": notice.number, "plate": "01A999ZZ", "text": "x"})
    assert wrong.status_code == 404
    filed = httpx.post(f"{url}/api/v1/public/notices/appeal",
                       json={"number": notice.number, "plate": PLATE,
                             "text": "I sold the car on 20 February."})
    assert filed.status_code == 201
    assert look_up(url, notice.number, PLATE).json()["status"] == "appealed"
    reviewer = {"Authorization": "Bearer " + api_login(
        url, make_user(container, Role.REVIEWER), PASSWORD)}
    queue = httpx.get(f"{url}/api/v1/appeals", headers=reviewer).json()
    assert [(a["number"], a["text"]) for a in queue] == [
        (notice.number, "I sold the car on 20 February.")]
    evidence = httpx.get(f"{url}/api/v1/violations/{queue[0]['violation_id']}",
                         headers=reviewer)
    assert evidence.status_code == 200
    decided = httpx.post(f"{url}/api/v1/appeals/{queue[0]['id']}/decision", headers=reviewer,
                         json={"uphold": False, "reason": "sale contract dated 20 Feb"})
    assert decided.json()["status"] == "cancelled"
    seen = look_up(url, notice.number, PLATE).json()
    assert seen["status"] == "cancelled"
    assert seen["appeals"][0]["reason"] == "sale contract dated 20 Feb"
    investigator = {"Authorization": "Bearer " + api_login(
        url, make_user(container, Role.INVESTIGATOR), PASSWORD)}
    assert httpx.get(f"{url}/api/v1/appeals", headers=investigator).status_code == 403


def test_the_page_printed_on_notices_looks_up_and_appeals_without_cookies(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    page = httpx.get(f"{url}/notice?lang=ru")
    assert page.status_code == 200
    assert "Номер постановления" in page.text
    assert "set-cookie" not in page.headers
    assert "<script" not in page.text
    default = httpx.get(f"{url}/notice")
    assert "Bildirishnomani tekshirish" in default.text  # Uzbek unless asked otherwise
    english = httpx.get(f"{url}/notice", headers={"accept-language": "en-GB,en;q=0.9"})
    assert "Check a notice" in english.text
    wrong = [httpx.post(f"{url}/notice?lang=en", data={"number": n, "plate": p})
             for n, p in ((notice.number, "01A999ZZ"), ("PW-2026-1", PLATE))]
    assert {w.status_code for w in wrong} == {404}
    assert len({w.text for w in wrong}) == 1
    assert "No notice matches" in wrong[0].text
    found = httpx.post(f"{url}/notice?lang=en", data={"number": notice.number, "plate": PLATE})
    assert found.status_code == 200
    assert notice.payment_reference in found.text
    assert "data:image/jpeg;base64," in found.text
    assert "script-src 'self'" in found.headers["content-security-policy"]
    appealed = httpx.post(f"{url}/notice/appeal?lang=en", data={
        "number": notice.number, "plate": PLATE, "text": "The car was stolen that week."})
    assert appealed.status_code == 200
    assert "Your appeal has been filed." in appealed.text
    assert container.notices.cases.notice(notice.number).status.value == "appealed"
    valid = httpx.post(f"{url}/notice/verify?lang=en", data={"code": notice.verification_code})
    assert "belongs to a notice issued" in valid.text
    assert notice.number not in valid.text  # valid or not, nothing else
    forged = httpx.post(f"{url}/notice/verify?lang=en", data={"code": "AAAA-AAAA-AAAA-AAAA"})
    assert "does not belong" in forged.text
