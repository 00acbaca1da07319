"""The transparency report: aggregate counts that add up, small counts hidden, no plate text."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from platewarden.cli.transparency import render_html
from platewarden.domain.access import EVERYWHERE
from platewarden.domain.search import QueryKind
from platewarden.domain.violations import ViolationStatus
from platewarden.services.search_types import SearchRequest
from platewarden.services.unit_of_work import ViolationFilter
from platewarden.wiring_privacy import transparency_service
from support.privacy import T0, Camera, Clock, clocked_container

from .test_crypto_shredding import INVESTIGATOR

pytestmark = pytest.mark.integration
PLATES = [f"01A{n:03d}BC" for n in range(7)]


def test_report_counts_what_happened_and_shows_nothing_personal(tmp_path: Path) -> None:
    clock = Clock()
    container = clocked_container(tmp_path / "data", clock)
    try:
        container.hotlists.import_csv(
            "plate,list,reason,source,legal_basis,expires_at,priority\n"
            f"{PLATES[0]},stolen,stolen car,police,court 1/26,2030-01-01T00:00:00+00:00,1\n")
        Camera(container, clock, region_code="01").send(*PLATES)  # 7 reads, 1 hit
        Camera(container, clock, region_code="30").send("30X999ZZ", "30X998ZZ")  # 2 reads
        Camera(container, clock, kind="spot-speed", speed_limit_kmh=60, region_code="30").send(
            "30Y111AA", speed_kmh=130.0, speed_method="radar")
        [violation] = container.queries.violations(ViolationFilter(), scope=EVERYWHERE)
        container.queries.review(violation.id, decision=ViolationStatus.CONFIRMED,
                                 reviewer="r", note=None, scope=EVERYWHERE)
        notice = container.notices.issuing.issue(violation.id, actor="clerk")
        assert container.notices.citizen.appeal(notice.number, "30Y111AA", text="Not me.")
        container.search.search(INVESTIGATOR, SearchRequest(
            query=PLATES[1], kind=QueryKind.EXACT, reason_code="stolen-vehicle",
            case_reference="CR-2026-9", since=T0 - timedelta(days=1), until=clock.now))
        clock.advance(days=4)
        container.retention.run()  # pseudonymises the 8 non-hit reads
        container.audit.checkpoint()
        report = transparency_service(container.engine, clock=clock).report(
            since=T0 - timedelta(days=1), until=clock.now).document
    finally:
        container.stop()

    day = f"{T0:%Y-%m-%d}"
    assert report["reads_per_region_day"] == [{"region": "01", "day": day, "reads": 7},
                                              {"region": "30", "day": day, "reads": "<5"}]
    assert report["hotlist_hits_per_region"] == {"01": "<5"}
    assert report["violations_by_type"] == {violation.type.value: {"confirmed": "<5"}}
    assert report["searches_by_reason"] == {"stolen-vehicle": "<5"}
    assert report["notices_by_status"] == {"appealed": "<5"}
    assert report["appeals_by_status"] == {"open": "<5"}
    assert report["deletions"]["reads_pseudonymised"] == 8
    assert report["audit_checkpoint"]["entry_hash"]
    text = json.dumps(report) + render_html(report)
    for plate in [*PLATES, "30X999ZZ", "30Y111AA", "CR-2026-9", INVESTIGATOR.user_id,
                  notice.number, notice.payment_reference]:
        assert plate not in text
    assert "cam-" not in text  # no camera ids: regions only
