"""The console's appeal queue: the case with evidence and files, decided with a reason."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from platewarden.adapters.pdf.cleaner import PypdfCleaner
from platewarden.config_notices import NoticeSettings
from platewarden.domain.access import RegionScope, Role
from platewarden.domain.notices import NoticeStatus
from support.console import console_token, csrf_in
from support.factories import PASSWORD, make_container, make_user, pdf_bytes
from support.notices import add_confirmed_violation
from support.server import running_server

pytestmark = pytest.mark.integration
PLATE = "01A123BC"
PDF = pdf_bytes("Sale contract")


def test_a_reviewer_reads_the_case_opens_the_files_and_decides_with_a_reason(
        tmp_path: Path) -> None:
    container = make_container(tmp_path / "data", notices=NoticeSettings(
        lookups_per_client_per_min=1000))
    notice = container.notices.issuing.issue(add_confirmed_violation(container, plate=PLATE),
                                             actor="test")
    with running_server(container) as url:
        filed = httpx.post(f"{url}/api/v1/public/notices/appeal", data={
            "number": notice.number, "plate": PLATE, "text": "Sold the car.\nContract attached."},
            files=[("attachments", ("A&B contract.pdf", PDF, "application/pdf"))])
        assert filed.status_code == 201
        [appeal] = container.notices.cases.appeals()
        session = console_token(url, make_user(container, Role.REVIEWER), PASSWORD)
        other = console_token(url, make_user(container, Role.REVIEWER,
                                             regions=RegionScope.of(["14"])), PASSWORD)
        investigator = console_token(url, make_user(container, Role.INVESTIGATOR), PASSWORD)
        with httpx.Client(base_url=url, cookies={"pw_session": session}, timeout=10) as c:
            listed = c.get("/console/appeals")
            page = c.get(f"/console/appeals/{appeal.id}")
            link = f"/console/appeals/{appeal.id}/attachments/" + \
                container.notices.attachments.of_appeal(appeal.id)[0].id
            download = c.get(link)
            no_reason = c.post(f"/console/appeals/{appeal.id}", data={
                "csrf_token": csrf_in(page.text), "decision": "cancel", "reason": " "})
            no_csrf = c.post(f"/console/appeals/{appeal.id}", data={
                "decision": "cancel", "reason": "x"})
            decided = c.post(f"/console/appeals/{appeal.id}", data={
                "csrf_token": csrf_in(page.text), "decision": "cancel",
                "reason": "sale contract predates the offence"}, follow_redirects=True)
        with httpx.Client(base_url=url, cookies={"pw_session": other}, timeout=10) as c:
            hidden = [c.get("/console/appeals"), c.get(f"/console/appeals/{appeal.id}"),
                      c.get(link)]
        with httpx.Client(base_url=url, cookies={"pw_session": investigator}, timeout=10) as c:
            refused = c.get("/console/appeals")
    container.stop()
    assert listed.status_code == 200
    assert notice.number in listed.text
    assert 'href="/console/appeals"' in listed.text  # in the navigation
    assert page.status_code == 200
    assert "Sold the car." in page.text
    assert "A&amp;B contract.pdf" in page.text  # the appellant's name, escaped
    assert page.text.count('src="/console/evidence/') == 2
    assert (download.status_code, download.content) == (
        200, PypdfCleaner().clean(PDF, max_pages=50))  # stored rewritten
    assert download.headers["content-disposition"].startswith("attachment;")
    assert no_reason.status_code == 422
    assert no_csrf.status_code == 403
    assert decided.status_code == 200
    assert 'id="appeal-done"' in decided.text
    assert container.notices.cases.notice(notice.number).status is NoticeStatus.CANCELLED
    assert hidden[0].status_code == 200
    assert notice.number not in hidden[0].text
    assert [h.status_code for h in hidden[1:]] == [404, 404]
    assert refused.status_code == 403
