"""Files that feed notices: the registry's keeper CSV and a payment provider's CSV.

Both are parsed whole before anything is stored, so a bad line stores nothing and names
its line number.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime

from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import NOTICE_LANGUAGES, Addressee
from platewarden.domain.plates import canonical_key
from platewarden.services.audit import AuditService
from platewarden.services.errors import ServiceError
from platewarden.services.notice_cases import PaymentLine
from platewarden.services.notice_ports import KeeperRecord, KeeperTable
from platewarden.services.unit_of_work import UnitOfWorkFactory

KEEPER_COLUMNS = ("plate", "name", "address", "kind", "valid_from", "valid_to")
PAYMENT_COLUMNS = ("transaction_id", "reference", "amount_som", "paid_at")
MAX_ROWS = 1_000_000


def _rows(text: str, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ServiceError("invalid_csv", f"The header lacks {', '.join(missing)}.")
    rows = [(n, {k: (v or "").strip() for k, v in row.items() if k})
            for n, row in enumerate(reader, start=2)]
    if len(rows) > MAX_ROWS:
        raise ServiceError("invalid_csv", f"At most {MAX_ROWS} rows per file.")
    return rows


def parse_keepers(text: str) -> list[KeeperRecord]:
    """Keeper rows: ``plate,name,address,kind,valid_from,valid_to`` (ISO days, to optional),
    and optionally ``language`` (uz, ru or en): the language of the keeper's notices."""
    records: list[KeeperRecord] = []
    seen: set[tuple[str, date]] = set()
    for line, row in _rows(text, KEEPER_COLUMNS):
        try:
            record = KeeperRecord(
                plate_key=canonical_key(row["plate"]),
                keeper=Addressee(name=row["name"], address=row["address"],
                                 kind=row["kind"] or "person",
                                 language=row.get("language") or None),
                valid_from=date.fromisoformat(row["valid_from"]),
                valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None)
        except ValueError as exc:
            raise ServiceError("invalid_csv", f"Line {line}: {exc}") from exc
        if not record.plate_key or not record.keeper.name or \
                record.keeper.kind not in ("person", "company") or \
                (record.valid_to is not None and record.valid_to <= record.valid_from):
            raise ServiceError("invalid_csv", f"Line {line}: plate, name, kind (person or "
                               "company) and a valid_to after valid_from are needed.")
        if record.keeper.language not in (None, *NOTICE_LANGUAGES):
            raise ServiceError("invalid_csv", f"Line {line}: language is one of "
                               f"{', '.join(NOTICE_LANGUAGES)}, or empty.")
        if (record.plate_key, record.valid_from) in seen:
            raise ServiceError("invalid_csv", f"Line {line}: a second row for that plate "
                               "and day.")
        seen.add((record.plate_key, record.valid_from))
        records.append(record)
    return records


def parse_payments(text: str) -> list[PaymentLine]:
    """Payment rows: ``transaction_id,reference,amount_som,paid_at`` (ISO time with zone)."""
    lines: list[PaymentLine] = []
    for line, row in _rows(text, PAYMENT_COLUMNS):
        try:
            paid_at = datetime.fromisoformat(row["paid_at"])
            amount = int(row["amount_som"])
        except ValueError as exc:
            raise ServiceError("invalid_csv", f"Line {line}: {exc}") from exc
        if paid_at.tzinfo is None or amount <= 0 or not row["transaction_id"] or \
                not row["reference"]:
            raise ServiceError("invalid_csv", f"Line {line}: a transaction id, a reference, "
                               "a positive amount and a time with its zone are needed.")
        lines.append(PaymentLine(transaction_id=row["transaction_id"],
                                 reference=row["reference"], amount_som=amount,
                                 paid_at=paid_at.astimezone(UTC)))
    return lines


def import_keepers(text: str, *, keepers: KeeperTable, uow_factory: UnitOfWorkFactory,
                   audit: AuditService, actor: str) -> int:
    """Replace the embedded registry with the rows of ``text``; audited with the count."""
    records = parse_keepers(text)
    count = keepers.replace_all(records)
    with uow_factory() as uow:
        audit.record(uow, actor=actor, action=AuditAction.REGISTRY_IMPORTED,
                     details={"rows": str(count)})
        uow.commit()
    return count


_GIVEN = ("Aziz", "Dilnoza", "Bekzod", "Malika", "Jasur", "Nilufar", "Sardor", "Gulnora")
_FAMILY = ("Karimov", "Yusupova", "Rahimov", "Tosheva", "Qodirov", "Aliyeva", "Ergashev")
_STREETS = ("Amir Temur", "Navoiy", "Bobur", "Mustaqillik", "Shota Rustaveli", "Beruniy")


def demo_keepers_csv(plates: Sequence[str], *, seed: int = 0) -> str:
    """A keeper CSV of fictitious people (and a few companies) for ``plates`` (the demo)."""
    rng = random.Random(seed)  # noqa: S311 - made-up names, not secrets
    pick = rng.choice
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow((*KEEPER_COLUMNS, "language"))
    for index, plate in enumerate(plates):
        company = index % 7 == 6
        name = (f"{pick(_FAMILY)} Logistika MChJ" if company
                else f"{pick(_GIVEN)} {pick(_FAMILY)}")
        address = f"{pick(_STREETS)} ko'chasi {rng.randint(1, 120)}, Toshkent (fictitious)"
        # Some keepers correspond in Russian; companies get the installation's default.
        language = "" if company else ("ru" if index % 4 == 3 else "uz")
        writer.writerow([plate, name, address, "company" if company else "person",
                         "2020-01-01", "", language])
    return out.getvalue()
