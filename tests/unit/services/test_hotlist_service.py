"""HotlistService: CSV import, all or nothing, with a line number for every error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platewarden.adapters.memory import InMemoryUnitOfWorkFactory
from platewarden.domain.plates import canonical_key
from platewarden.services.errors import ServiceError
from platewarden.services.hotlists import HotlistService
from unit.rules.factories import T0

from .factories import FixedClock

HEADER = "plate,list,reason,source,legal_basis,expires_at,priority"
GOOD = "01 A 123 BC,stolen,reported stolen,police,Art. 12,2026-12-31T00:00:00+00:00,1"
OTHER = "01B999CC,wanted,warrant,court,Order 7,2026-06-30T12:00:00+05:00,"


def make_service() -> tuple[HotlistService, InMemoryUnitOfWorkFactory]:
    factory = InMemoryUnitOfWorkFactory()
    return HotlistService(uow_factory=factory, clock=FixedClock()), factory


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def test_import_stores_every_entry_and_changes_the_version() -> None:
    service, factory = make_service()
    with factory(read_only=True) as uow:
        before = uow.hotlist.version()
    assert service.import_csv(csv_text(GOOD, OTHER)) == 2
    with factory(read_only=True) as uow:
        entries = {e.plate: e for e in uow.hotlist.active(at=T0)}
        assert uow.hotlist.version() != before
    stolen, wanted = entries["01A123BC"], entries["01B999CC"]
    assert (stolen.list_name, stolen.priority, stolen.plate_key) == (
        "stolen", 1, canonical_key("01A123BC"))
    assert stolen.expires_at == datetime(2026, 12, 31, tzinfo=UTC)
    assert wanted.priority == 3  # an empty priority means the default
    assert wanted.expires_at == datetime(2026, 6, 30, 7, tzinfo=UTC)


def test_importing_the_same_entry_again_replaces_it() -> None:
    service, factory = make_service()
    service.import_csv(csv_text(GOOD))
    service.import_csv(csv_text(GOOD.replace("reported stolen", "stolen again")))
    with factory(read_only=True) as uow:
        assert [e.reason for e in uow.hotlist.active(at=T0)] == ["stolen again"]


def test_a_naive_expiry_is_utc_and_priority_column_is_optional() -> None:
    service, factory = make_service()
    header = HEADER.removesuffix(",priority")
    service.import_csv(csv_text("01A123BC,stolen,r,s,l,2026-12-31 08:00", header=header))
    with factory(read_only=True) as uow:
        (entry,) = uow.hotlist.active(at=T0)
    assert (entry.expires_at, entry.priority) == (datetime(2026, 12, 31, 8, tzinfo=UTC), 3)


@pytest.mark.parametrize(("row", "message"), [
    ("01A123BC,stolen,,police,law,2026-12-31T00:00:00+00:00,1", "Line 3: reason must be"),
    ("!!,stolen,r,police,law,2026-12-31T00:00:00+00:00,1", "Line 3: the plate is not"),
    ("01A123BC,stolen,r,police,law,next tuesday,1", "Line 3: expires_at is not"),
    ("01A123BC,stolen,r,police,law,2026-12-31T00:00:00+00:00,high", "Line 3: priority"),
    ("01A123BC,stolen,r,police,law,2026-12-31T00:00:00+00:00,0", "Line 3: priority"),
    ("01A123BC,stolen,r,police,law,2026-12-31T00:00:00+00:00,6", "Line 3: priority"),
])
def test_a_bad_row_refuses_the_whole_file(row: str, message: str) -> None:
    service, factory = make_service()
    with pytest.raises(ServiceError) as caught:
        service.import_csv(csv_text(GOOD, row))
    assert caught.value.code == "invalid_csv"
    assert caught.value.message.startswith(message)
    with factory(read_only=True) as uow:
        assert uow.hotlist.active(at=T0) == []
        assert uow.hotlist.version() == "empty"


def test_missing_columns_are_named() -> None:
    service, _ = make_service()
    with pytest.raises(ServiceError) as caught:
        service.import_csv("plate,list,reason\n01A123BC,stolen,x\n")
    assert caught.value.code == "invalid_csv"
    assert caught.value.message == "Missing column(s): source, legal_basis, expires_at."


def test_an_empty_file_is_refused() -> None:
    service, _ = make_service()
    with pytest.raises(ServiceError) as caught:
        service.import_csv("")
    assert caught.value.code == "invalid_csv"


def test_a_byte_order_mark_is_ignored() -> None:
    service, _ = make_service()
    assert service.import_csv("\ufeff" + csv_text(GOOD)) == 1
