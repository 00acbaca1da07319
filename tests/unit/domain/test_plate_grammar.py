"""The Uzbek plate grammar, every format, and the canonical key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platewarden.domain.plates import (
    REGIONS,
    canonical_key,
    format_display,
    is_valid_uz,
    normalise,
    parse,
    region_name,
)


@pytest.mark.parametrize(("text", "fmt", "region", "display"), [
    ("01 A 123 BC", "private", "Tashkent city", "01 A 123 BC"),
    ("01 123 ABC", "organisation", "Tashkent city", "01 123 ABC"),
    ("30 1234 AB", "trailer", "Samarkand", "30 1234 AB"),
    ("40 123 AB", "motorcycle", "Fergana", "40 123 AB"),
    ("10 M 123456", "foreign-company", "Tashkent region", "10 M 123456"),
    ("80 H 654321", "foreign-resident", "Bukhara", "80 H 654321"),
    ("D 123456", "diplomatic", None, "D 123456"),
    ("X 123456", "diplomatic", None, "X 123456"),
    ("CMD 12", "diplomatic", None, "CMD12"),
    ("T 012345", "temporary-or-diplomatic", None, "T 012345"),
])
def test_every_uzbek_format(text: str, fmt: str, region: str | None, display: str) -> None:
    parsed = parse(text)
    assert (parsed.country, parsed.format, parsed.region) == ("UZ", fmt, region)
    assert not parsed.corrected
    assert format_display(parsed) == display


@pytest.mark.parametrize(("code", "name"), [
    ("01", "Tashkent city"), ("09", "Tashkent city"), ("10", "Tashkent region"),
    ("20", "Sirdaryo"), ("25", "Jizzakh"), ("30", "Samarkand"), ("40", "Fergana"),
    ("50", "Namangan"), ("60", "Andijan"), ("70", "Kashkadarya"), ("75", "Surkhandarya"),
    ("80", "Bukhara"), ("85", "Navoiy"), ("90", "Khorezm"), ("95", "Karakalpakstan"),
    ("99", "Karakalpakstan"), ("00", None), ("1", None), ("AB", None),
])
def test_region_codes(code: str, name: str | None) -> None:
    assert region_name(code) == name


def test_every_region_code_from_01_to_99_has_a_region() -> None:
    assert all(region_name(f"{n:02d}") for n in range(1, 100))
    assert [low for low, _, _ in REGIONS] == sorted(low for low, _, _ in REGIONS)


def test_confusables_are_corrected_by_position() -> None:
    parsed = parse("O1 A 1Z3 8C")  # O in a digit slot, Z in a digit slot, 8 in a letter slot
    assert (parsed.text, parsed.format, parsed.corrected) == ("01A123BC", "private", True)
    assert not is_valid_uz("O1A123BC")
    assert is_valid_uz("01A123BC")


def test_an_unassigned_region_is_not_uzbek() -> None:
    assert parse("00A123BC").country == "??"


def test_personalised_and_foreign_plates_fall_back_to_generic() -> None:
    assert parse("BUXORO").format == "generic"
    assert parse("ABC-1234").format == "generic"
    assert parse("B-MW 1234").text == "BMW1234"


def test_nonsense_is_invalid() -> None:
    assert parse("!").format == "invalid"
    assert parse("X").format == "invalid"
    assert parse("ABCDEFGHIJK12").format == "invalid"


def test_the_canonical_key_folds_every_confusable_group() -> None:
    assert canonical_key("01A123BC") == canonical_key("O1A1Z38C")
    for group in ("0ODQ", "1I", "2Z", "5S", "8B", "6G"):
        assert len({canonical_key(c) for c in group}) == 1, group
    assert canonical_key("01A123BC") != canonical_key("01A123BE")


@given(st.text(alphabet="ABCDEFGHJKLMNOPQRSTUVWXYZ0123456789 -", max_size=12))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert canonical_key(once) == canonical_key(text)
