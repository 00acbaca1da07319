"""Free text kept in the audit trail has anything plate-like masked."""

from __future__ import annotations

import pytest

from platewarden.domain.plates import PLATE_MASK, mask_plates


@pytest.mark.parametrize(("text", "expected"), [
    ("paid at the counter for 01A123BC", f"paid at the counter for {PLATE_MASK}"),
    ("driver of 01 A 123 BC appealed", f"driver of {PLATE_MASK} appealed"),
    ("trailer 10 1234 AB", f"trailer {PLATE_MASK}"),
    ("read 40m739ga, not 40M738GA", f"read {PLATE_MASK}, not {PLATE_MASK}"),
    ("a French car, AB123CD", f"a French car, {PLATE_MASK}"),
    ("case CASE2026", f"case {PLATE_MASK}"),  # errs towards masking
])
def test_plates_are_masked(text: str, expected: str) -> None:
    assert mask_plates(text) == expected


@pytest.mark.parametrize("text", [
    "vehicle recovered", "paid 375000 som on 2026-11-26", "rule 7.3 applies", "room 12",
    "B2B", "handed over, receipt 77", "",
])
def test_words_and_numbers_are_kept(text: str) -> None:
    assert mask_plates(text) == text
