"""Registry and payment CSVs: parsed whole, a bad line stores nothing and is named."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from platewarden.domain.plates import canonical_key
from platewarden.services.errors import ServiceError
from platewarden.services.notice_files import demo_keepers_csv, parse_keepers, parse_payments

KEEPERS = ("plate,name,address,kind,valid_from,valid_to\n"
           "01 A 123 BC,Aziza Karimova,Amir Temur 1,person,2020-01-01,2026-03-01\n"
           "01A123BC,Avto Lizing MChJ,Navoiy 5,company,2026-03-01,\n")


def test_keepers_parse_with_canonical_plates_and_days() -> None:
    first, second = parse_keepers(KEEPERS)
    assert (first.plate_key, first.valid_to) == (canonical_key("01A123BC"), date(2026, 3, 1))
    assert (second.keeper.kind, second.valid_to) == ("company", None)


@pytest.mark.parametrize("bad", [
    "plate,name\n01A123BC,x\n",
    KEEPERS + "01A123BC,Someone,Else,person,2026-03-01,\n",
    "plate,name,address,kind,valid_from,valid_to\n01A123BC,x,y,robot,2020-01-01,\n",
    "plate,name,address,kind,valid_from,valid_to\n01A123BC,x,y,person,2020-01-01,2019-01-01\n",
    "plate,name,address,kind,valid_from,valid_to\n01A123BC,x,y,person,yesterday,\n",
])
def test_bad_keeper_files_are_refused(bad: str) -> None:
    with pytest.raises(ServiceError) as refused:
        parse_keepers(bad)
    assert refused.value.code == "invalid_csv"


def test_a_language_column_gives_each_keeper_the_language_of_their_notices() -> None:
    first, second, third = parse_keepers(
        "plate,name,address,kind,valid_from,valid_to,language\n"
        "01A123BC,Aziza Karimova,Amir Temur 1,person,2020-01-01,,ru\n"
        "30B456CD,Bobur Aliyev,Navoiy 5,person,2020-01-01,,\n"
        "40C789DE,Avto Lizing MChJ,Navoiy 7,company,2020-01-01,,uz\n")
    assert [r.keeper.language for r in (first, second, third)] == ["ru", None, "uz"]
    assert parse_keepers(KEEPERS)[0].keeper.language is None  # the column is optional


def test_an_unknown_keeper_language_is_refused_with_its_line() -> None:
    with pytest.raises(ServiceError, match="Line 2: language is one of uz, ru, en"):
        parse_keepers("plate,name,address,kind,valid_from,valid_to,language\n"
                      "01A123BC,x,y,person,2020-01-01,,de\n")


def test_payments_parse_times_with_their_zone_into_utc() -> None:
    (line,) = parse_payments("transaction_id,reference,amount_som,paid_at\n"
                             "t1,123,262500,2026-03-16T23:59:59+05:00\n")
    assert line.paid_at == datetime(2026, 3, 16, 18, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("row", ["t1,123,262500,2026-03-16T23:59:59",  # no zone
                                 "t1,123,-5,2026-03-16T23:59:59+05:00",
                                 ",123,5,2026-03-16T23:59:59+05:00",
                                 "t1,123,lots,2026-03-16T23:59:59+05:00"])
def test_bad_payment_lines_are_refused_with_their_line(row: str) -> None:
    with pytest.raises(ServiceError, match="Line 2"):
        parse_payments("transaction_id,reference,amount_som,paid_at\n" + row + "\n")


def test_demo_keepers_are_fictitious_and_parse() -> None:
    records = parse_keepers(demo_keepers_csv(["01A123BC", "30B456CD"], seed=3))
    assert [r.plate_key for r in records] == [canonical_key("01A123BC"), canonical_key("30B456CD")]
    assert all("fictitious" in r.keeper.address for r in records)
    assert {r.keeper.language for r in records} <= {"uz", "ru", None}
