"""``platewarden registry`` and ``notices`` as an operator runs them, on a real installation."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from platewarden.bootstrap import bootstrap
from platewarden.cli.demo import _notices
from platewarden.config import load_settings
from platewarden.domain.notices import NoticeStatus
from platewarden.domain.plates import canonical_key
from platewarden.domain.rules.ids import violation_id
from platewarden.domain.violations import Violation, ViolationStatus, ViolationType
from support.cli import platewarden
from unit.rules.factories import make_camera, make_speed_read

pytestmark = pytest.mark.e2e
PLATE = "01A123BC"
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


def add_confirmed_violation(data: Path) -> str:
    container = bootstrap(load_settings(data_dir=data))
    read = dataclasses.replace(make_speed_read(95.0, plate=PLATE, captured_at=AT), images=())
    vid = violation_id(ViolationType.SPOT_SPEED, (read.id,), scope="")
    try:
        with container.notices.uow_factory() as uow:
            uow.cameras.add(make_camera(id="cam-1"), created_at=AT)
            uow.reads.add(read, payload_sha256="d" * 64, received_at=AT, duplicate_of=None)
            uow.violations.add_if_absent(Violation(
                id=vid, type=ViolationType.SPOT_SPEED, plate=PLATE,
                plate_key=canonical_key(PLATE), camera_id="cam-1", occurred_at=AT,
                read_ids=(read.id,), measured=95.0, limit=60.0, tolerance="limit + 3 km/h",
                clock_sync="synced"), created_at=AT)
            uow.violations.set_status(vid, ViolationStatus.CONFIRMED, by="rev", at=AT,
                                      note=None)
            uow.commit()
    finally:
        container.stop()
    return vid


def test_registry_import_issue_print_and_pay_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    platewarden(data, "init")
    vid = add_confirmed_violation(data)
    keepers = tmp_path / "keepers.csv"
    platewarden(data, "registry", "demo-csv", PLATE, "--out", str(keepers))
    assert "fictitious" in keepers.read_text()
    assert "Imported 1 registry row" in platewarden(data, "registry", "import",
                                                    str(keepers)).stdout
    issued = platewarden(data, "notices", "issue", "--language", "ru").stdout
    assert "Issued 1 notice" in issued
    number = issued.strip().splitlines()[-1]
    assert "Issued 0 notice" in platewarden(data, "notices", "issue").stdout
    out = tmp_path / "notice.pdf"
    platewarden(data, "notices", "pdf", number, "--out", str(out))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert number in text
    assert "Постановление" in text
    container = bootstrap(load_settings(data_dir=data))
    try:
        notice = container.notices.issuing.notices_for([vid])[0]
    finally:
        container.stop()
    assert notice.addressee is not None
    payments = tmp_path / "click.csv"
    payments.write_text("transaction_id,reference,amount_som,paid_at\n"
                        f"t-1,{notice.payment_reference},{notice.fine.discounted_som},"
                        "2026-03-02T10:00:00+05:00\n"
                        "t-2,000000000000000,1000,2026-03-02T10:00:00+05:00\n")
    first = platewarden(data, "notices", "payments", str(payments), "--provider", "click")
    assert "Applied 1, held for a person 1, already imported 0" in first.stdout
    again = platewarden(data, "notices", "payments", str(payments), "--provider", "click")
    assert "Applied 0, held for a person 0, already imported 2" in again.stdout
    held = platewarden(data, "notices", "held").stdout
    assert "t-2" in held
    assert "unknown reference" in held
    refunded = platewarden(data, "notices", "resolve", "click", "t-2", "--resolution",
                           "refund", "--reason", "no such notice; sent back to the payer")
    assert "click/t-2: refunded" in refunded.stdout
    assert "0 payment(s) held" in platewarden(data, "notices", "held").stdout
    refused = platewarden(data, "notices", "status", number, "--to",
                          NoticeStatus.DELIVERED.value, "--reason", "late post", check=False)
    assert refused.returncode == 1
    assert "conflict" in refused.stderr
    assert platewarden(data, "audit", "verify").stdout.startswith("verified")


def test_the_demo_keeps_fictitious_keepers_and_issues_notices_for_confirmed_violations(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    platewarden(data, "init")
    add_confirmed_violation(data)
    (data / "demo").mkdir()
    container = bootstrap(load_settings(data_dir=data))
    try:
        first = _notices(container, plates=["01B777CC", PLATE], data_dir=data)
        second = _notices(container, plates=[PLATE, "10C555DD"], data_dir=data)
        [number] = first.issued
        notice = container.notices.cases.notice(number)
    finally:
        container.stop()
    assert second.issued == ()
    assert (data / "demo" / "plates.txt").read_text().split() == [
        "01B777CC", PLATE, "10C555DD"]
    assert notice.addressee is not None
    assert "fictitious" in notice.addressee.address
