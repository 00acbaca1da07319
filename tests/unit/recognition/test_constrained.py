"""Grammar-constrained CTC decoding: the best reading of each Uzbek slot pattern."""

from __future__ import annotations

import math
import string
from typing import Any

import numpy as np
import pytest

from platewarden.recognition.backends.constrained import (
    UZ_PATTERNS,
    best_fits,
    with_grammar_fits,
)
from platewarden.recognition.backends.ctc import ALPHABET, decode

PRIVATE = (string.digits, string.digits, string.ascii_uppercase, *[string.digits] * 3,
           string.ascii_uppercase, string.ascii_uppercase)


def _probs(text: str, *, peak: float = 0.9, blank_between: bool = True) -> Any:
    """A CTC probability matrix that spells ``text`` (class 0 = blank)."""
    rows = []
    for ch in text:
        row = np.full(len(ALPHABET) + 1, (1 - peak) / len(ALPHABET))
        row[ALPHABET.index(ch) + 1] = peak
        rows.append(row)
        if blank_between:
            blank = np.full(len(ALPHABET) + 1, 0.001)
            blank[0] = 1.0
            rows.append(blank / blank.sum())
    return np.array(rows)


def _confuse(probs: Any, frame: int, right: str, wrong: str, *, p_right: float,
             p_wrong: float) -> None:
    probs[frame, ALPHABET.index(right) + 1] = p_right
    probs[frame, ALPHABET.index(wrong) + 1] = p_wrong


def test_a_text_that_fits_comes_back_unchanged() -> None:
    probs = _probs("01A123BC")
    [fit] = best_fits(np.log(probs), (PRIVATE,))
    assert fit is not None
    assert fit.text == "01A123BC"
    assert fit.confidence == pytest.approx(0.9 ** 8, rel=1e-6)
    assert fit.log_prob == pytest.approx(float(np.log(probs).max(axis=1).sum()), rel=1e-9)


def test_digits_in_letter_slots_become_the_best_letters() -> None:
    probs = _probs("50N73964")
    _confuse(probs, 12, "G", "6", p_right=0.3, p_wrong=0.6)  # frames: char, blank, ...
    _confuse(probs, 14, "A", "4", p_right=0.2, p_wrong=0.7)
    assert decode(probs).text == "50N73964"
    [fit] = best_fits(np.log(probs), (PRIVATE,))
    assert fit is not None
    assert fit.text == "50N739GA"
    assert fit.char_confidences[-2:] == pytest.approx((0.3, 0.2))


def test_repeated_characters_need_a_blank_between_them() -> None:
    two_digits = (string.digits, string.digits)
    [fit] = best_fits(np.log(_probs("11", blank_between=False)), (two_digits,))
    assert fit is not None
    assert fit.text != "11"  # one run of 1s is a single 1
    [fit] = best_fits(np.log(_probs("11")), (two_digits,))
    assert fit is not None
    assert fit.text == "11"


def test_a_pattern_longer_than_the_frames_does_not_fit() -> None:
    assert best_fits(np.log(_probs("01A", blank_between=False)), (PRIVATE,)) == [None]


def test_fits_become_alternatives_scaled_by_their_path_probability() -> None:
    probs = _probs("50N73964")
    _confuse(probs, 12, "G", "6", p_right=0.3, p_wrong=0.6)
    _confuse(probs, 14, "A", "4", p_right=0.2, p_wrong=0.7)
    greedy = decode(probs)
    out = with_grammar_fits(greedy, np.log(probs))
    fit = {a.text: a.confidence for a in out.alternatives}["50N739GA"]
    assert fit == pytest.approx(greedy.confidence * (0.3 / 0.6) * (0.2 / 0.7), rel=1e-6)
    assert out.text == greedy.text


def test_a_greedy_text_in_an_uzbek_format_is_left_alone() -> None:
    probs = _probs("01A123BC")
    greedy = decode(probs)
    assert with_grammar_fits(greedy, np.log(probs)) is greedy


def test_every_uzbek_pattern_is_decodable() -> None:
    lengths = sorted(len(p) for p in UZ_PATTERNS)
    assert lengths == [7, 7, 8, 8, 8, 9, 9]
    fits = best_fits(np.log(_probs("01M123456")), UZ_PATTERNS)
    texts = {f.text for f in fits if f is not None and math.isfinite(f.log_prob)}
    assert "01M123456" in texts
