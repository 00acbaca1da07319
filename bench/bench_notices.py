"""Benchmark: notices on the embedded default (SQLite, local evidence store), no HTTP.

Run: ``.venv/bin/python bench/bench_notices.py [--violations 200]``.

Measures, each with its baseline in the same run:
- issuing: ``notices issue`` for N confirmed violations (keeper look-up, fine, unique insert,
  audit entry), against reading the same violations back (the floor of one unit of work each);
- PDF: rendering one notice with two evidence images, against assembling its document alone;
- citizen look-up: a matching look-up (plate crop only; redaction is measured in
  bench_privacy.py) and a mismatching one, against reading the notice by number;
- appeal attachments: cleaning a PDF (pypdf rewrite without scripts, metadata or files),
  against parsing it alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from platewarden.adapters.crypto import Argon2PasswordHasher
from platewarden.adapters.pdf.cleaner import PypdfCleaner
from platewarden.bootstrap import Container, bootstrap
from platewarden.config import Settings
from platewarden.domain.notices import Addressee
from platewarden.domain.plates import canonical_key
from platewarden.domain.reads import ImageRef
from platewarden.domain.rules.ids import violation_id
from platewarden.domain.violations import Violation, ViolationStatus, ViolationType
from platewarden.services.notice_ports import KeeperRecord

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from unit.rules.factories import make_camera, make_speed_read  # noqa: E402

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


def jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "JPEG")
    return out.getvalue()


def plate(n: int) -> str:
    return f"01A{n % 1000:03d}{'ABCDEFGHJK'[n // 1000 % 10]}{'ABCDEFGHJK'[n // 10000 % 10]}"


def seed(container: Container, count: int) -> list[str]:
    overview, crop = container.evidence.put(jpeg((640, 400))), container.evidence.put(
        jpeg((120, 40)))
    images = (ImageRef(role="overview", sha256=overview.sha256, content_type="image/jpeg",
                       size_bytes=overview.size_bytes),
              ImageRef(role="plate", sha256=crop.sha256, content_type="image/jpeg",
                       size_bytes=crop.size_bytes))
    ids = []
    with container.notices.uow_factory() as uow:
        uow.cameras.add(make_camera(id="cam-1"), created_at=AT)
        for n in range(count):
            read = dataclasses.replace(make_speed_read(95.0, plate=plate(n), read_id=f"r{n}",
                                                       captured_at=AT), images=images)
            vid = violation_id(ViolationType.SPOT_SPEED, (read.id,), scope="")
            uow.reads.add(read, payload_sha256="d" * 64, received_at=AT, duplicate_of=None)
            uow.violations.add_if_absent(Violation(
                id=vid, type=ViolationType.SPOT_SPEED, plate=plate(n),
                plate_key=canonical_key(plate(n)), camera_id="cam-1", occurred_at=AT,
                read_ids=(read.id,), measured=95.0, limit=60.0, tolerance="limit + 3 km/h",
                clock_sync="synced"), created_at=AT)
            uow.violations.set_status(vid, ViolationStatus.CONFIRMED, by="r", at=AT, note=None)
            ids.append(vid)
        uow.commit()
    container.notices.keepers.replace_all([KeeperRecord(
        plate_key=canonical_key(plate(n)), keeper=Addressee(name=f"Keeper {n}", address="x"),
        valid_from=date(2020, 1, 1)) for n in range(count)])
    return ids


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """p50 and p99 of ``fn`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * .99))]


def appeal_pdf(pages: int, *, scanned: bool) -> bytes:
    """An appeal attachment: ``pages`` pages of text, or of a 1600 x 1200 photo each."""
    document = FPDF()
    document.set_font("helvetica", size=12)
    photo = Image.open(io.BytesIO(jpeg((1600, 1200)))) if scanned else None
    for n in range(pages):
        document.add_page()
        if photo is not None:
            document.image(photo, w=180)
        else:
            document.multi_cell(w=0, text=f"Page {n + 1}: I was not driving that day. " * 20)
    return bytes(document.output())


def appeal_pdf_rows() -> list[tuple[str, str, str]]:
    """Cleaning appeal PDFs (scripts, metadata, files stripped) beside parsing them alone."""
    cleaner, rows = PypdfCleaner(), []
    for label, data in (("2 pages of text", appeal_pdf(2, scanned=False)),
                        ("10 scanned pages", appeal_pdf(10, scanned=True))):
        size = f"{label}, {len(data) // 1024} KB"
        for what, fn in ((f"parse an appeal PDF ({size}; baseline)",
                          lambda d=data: len(PdfReader(io.BytesIO(d)).pages)),
                         (f"clean an appeal PDF ({size})",
                          lambda d=data: cleaner.clean(d, max_pages=50))):
            p50, p99 = timed(fn, 50)
            rows.append((what, f"p50 {p50:.1f} ms", f"p99 {p99:.1f} ms"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--violations", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        container = bootstrap(Settings(data_dir=Path(tmp)),
                              hasher=Argon2PasswordHasher(fast_for_tests=True))
        ids = seed(container, args.violations)
        container.notices.citizen.redactor = None  # redaction is bench_privacy.py's
        start = time.perf_counter()
        for vid in ids:
            with container.notices.uow_factory(read_only=True) as uow:
                uow.violations.get(vid)
        floor = args.violations / (time.perf_counter() - start)
        start = time.perf_counter()
        report = container.notices.issuing.issue_pending(actor="bench")
        rate = len(report.issued) / (time.perf_counter() - start)
        number = report.issued[0]
        notice = container.notices.cases.notice(number)
        holder = plate(ids.index(notice.violation_id))
        assert container.notices.citizen.look_up(number, holder) is not None
        rows = [("read a violation (baseline)", f"{floor:.0f}/s", ""),
                ("issue a notice", f"{rate:.0f}/s", "")]
        for label, fn, repeat in (
                ("assemble the document (baseline)",
                 lambda: container.notices.documents.document(number), 50),
                ("render the PDF (2 images)",
                 lambda: container.notices.documents.pdf(number, actor="bench"), 50),
                ("read the notice by number (baseline)",
                 lambda: container.notices.cases.notice(number), 200),
                ("citizen look-up, match",
                 lambda: container.notices.citizen.look_up(number, holder), 100),
                ("citizen look-up, wrong plate",
                 lambda: container.notices.citizen.look_up(number, "99Z999ZZ"), 200)):
            p50, p99 = timed(fn, repeat)
            rows.append((label, f"p50 {p50:.1f} ms", f"p99 {p99:.1f} ms"))
        pdf_bytes = len(container.notices.documents.pdf(number, actor="bench"))
        container.stop()
    rows.extend(appeal_pdf_rows())
    print(f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
          f"{os.cpu_count()} cores, CPython {platform.python_version()}, load average "
          f"{os.getloadavg()[0]:.1f}; {args.violations} violations; one PDF "
          f"{pdf_bytes} bytes; fine {notice.fine.amount_som} som.")
    print("| what | rate or p50 | p99 |\n|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")


if __name__ == "__main__":
    main()
