"""The console's notices: a region's list, one notice with its case, each look audited."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from platewarden.domain.access import RegionScope, Role
from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import NoticeStatus
from support.console import console_token
from support.factories import PASSWORD, make_container, make_user
from support.notices import add_confirmed_violation
from support.server import running_server

pytestmark = pytest.mark.integration


def test_notices_are_listed_filtered_and_opened_within_the_users_regions(
        tmp_path: Path) -> None:
    container = make_container(tmp_path / "data")
    first = container.notices.issuing.issue(add_confirmed_violation(container), actor="t")
    second = container.notices.issuing.issue(
        add_confirmed_violation(container, read_id="r2"), actor="t")
    container.notices.cases.change(second.number, NoticeStatus.DELIVERED, actor="clerk",
                                   reason="signed for by post")
    with running_server(container) as url:
        tokens = {name: console_token(url, make_user(container, role, regions=scope), PASSWORD)
                  for name, role, scope in (
                      ("reviewer", Role.REVIEWER, RegionScope.of(["01"])),
                      ("elsewhere", Role.SUPERVISOR, RegionScope.of(["14"])),
                      ("auditor", Role.AUDITOR, RegionScope.of(["*"])))}
        answers = {}
        for name, token in tokens.items():
            with httpx.Client(base_url=url, cookies={"pw_session": token}, timeout=10) as c:
                answers[name] = (c.get("/console/notices"),
                                 c.get("/console/notices?status=delivered"),
                                 c.get(f"/console/notices/{second.number}"))
    all_, delivered, detail = answers["reviewer"]
    assert all_.text.index(second.number) < all_.text.index(first.number)  # newest first
    assert second.number in delivered.text
    assert first.number not in delivered.text
    assert detail.status_code == 200
    assert "signed for by post" in detail.text
    # The console's default language is Uzbek: statuses are named in it, not stored values.
    assert '<dd id="notice-status">topshirilgan</dd>' in detail.text
    assert ">delivered<" not in all_.text
    assert detail.text.count('src="/console/evidence/') == 2
    with container.notices.uow_factory(read_only=True) as uow:
        viewed = [r.entry.target for r in uow.audit.find([AuditAction.RECORD_VIEWED])]
    assert second.number in viewed
    elsewhere = answers["elsewhere"]
    assert elsewhere[0].status_code == 200
    assert first.number not in elsewhere[0].text
    assert elsewhere[2].status_code == 404
    assert [a.status_code for a in answers["auditor"]] == [403, 403, 403]
    container.stop()
