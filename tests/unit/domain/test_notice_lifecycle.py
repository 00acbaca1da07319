"""The notice lifecycle: every allowed transition, and every other one refused."""

from __future__ import annotations

import itertools

import pytest

from platewarden.domain.notices import (
    ForbiddenTransition,
    NoticeStatus,
    check_digit,
    check_transition,
    has_valid_check_digit,
    notice_number,
    number_is_well_formed,
)

S = NoticeStatus
EXPECTED_ALLOWED = {
    (S.ISSUED, S.DELIVERED), (S.ISSUED, S.PAID), (S.ISSUED, S.APPEALED), (S.ISSUED, S.OVERDUE),
    (S.ISSUED, S.CANCELLED),
    (S.DELIVERED, S.PAID), (S.DELIVERED, S.APPEALED), (S.DELIVERED, S.OVERDUE),
    (S.DELIVERED, S.CANCELLED),
    (S.APPEALED, S.UPHELD), (S.APPEALED, S.CANCELLED),
    (S.UPHELD, S.PAID), (S.UPHELD, S.OVERDUE),
    (S.OVERDUE, S.PAID), (S.OVERDUE, S.APPEALED), (S.OVERDUE, S.CANCELLED),
}


@pytest.mark.parametrize(("current", "target"), sorted(EXPECTED_ALLOWED))
def test_allowed_transitions(current: NoticeStatus, target: NoticeStatus) -> None:
    check_transition(current, target)


FORBIDDEN = sorted(set(itertools.product(S, S)) - EXPECTED_ALLOWED)


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_every_other_transition_is_forbidden(current: NoticeStatus,
                                             target: NoticeStatus) -> None:
    with pytest.raises(ForbiddenTransition):
        check_transition(current, target)


def test_paid_and_cancelled_are_final() -> None:
    assert all(c not in (S.PAID, S.CANCELLED) for c, _ in EXPECTED_ALLOWED)
    assert (S.APPEALED, S.PAID) in FORBIDDEN  # an appeal is decided before payment


def test_notice_numbers_carry_a_check_digit_that_catches_typos() -> None:
    number = notice_number(year=2026, random_digits="482139075")
    assert number.startswith("PW-2026-482139075")
    assert number_is_well_formed(number)
    typo = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    assert not number_is_well_formed(typo)
    swapped = number[:9] + number[10] + number[9] + number[11:]
    assert number[9] == number[10] or not number_is_well_formed(swapped)
    assert not number_is_well_formed("PW-2026-123")
    assert not number_is_well_formed("XX-2026-4821390755")


def test_luhn_check_digit_known_value() -> None:
    assert check_digit("7992739871") == "3"
    assert has_valid_check_digit("79927398713")
    assert not has_valid_check_digit("79927398710")
