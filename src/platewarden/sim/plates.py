"""Random Uzbek plates with realistic frequencies (``shared/reference/uz-plates.md``).

Every plate produced here is an exact (uncorrected) Uzbek format under
``platewarden.domain.plates.parse``.
"""

from __future__ import annotations

import random
import string

# Base code of each region block, weighted by the share seen in a sample of 5,146 private
# plates: 01 (33 %) and 10 (19 %) first, the others in the observed order of frequency.
REGION_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("01", 33.0), ("10", 19.0), ("40", 8.0), ("50", 7.0), ("80", 6.0), ("30", 5.5),
    ("90", 4.5), ("60", 4.0), ("75", 3.5), ("70", 3.0), ("95", 2.5), ("85", 2.0),
    ("25", 1.5), ("20", 1.0),
)
# Series letters: every letter but I occurs.
SERIES_LETTERS = "".join(c for c in string.ascii_uppercase if c != "I")
KIND_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("private", 90.0), ("organisation", 7.0), ("foreign-resident", 3.0),
)
KINDS = ("private", "organisation", "foreign-resident", "motorcycle")


def random_region(rng: random.Random) -> str:
    """A region code drawn with the observed frequencies."""
    codes = [code for code, _ in REGION_WEIGHTS]
    weights = [weight for _, weight in REGION_WEIGHTS]
    return rng.choices(codes, weights=weights)[0]


def _digits(rng: random.Random, count: int) -> str:
    # An all-zero number is not issued.
    while True:
        number = "".join(rng.choice(string.digits) for _ in range(count))
        if number.strip("0"):
            return number


def _letters(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(SERIES_LETTERS) for _ in range(count))


def _last_series_letter(rng: random.Random) -> str:
    # The last series letter is almost always A or B.
    return rng.choice("AB") if rng.random() < 0.9 else rng.choice(SERIES_LETTERS)


def random_private(rng: random.Random) -> str:
    """``RR L DDD LL``, e.g. ``01A123BA``."""
    return (random_region(rng) + _letters(rng, 1) + _digits(rng, 3) + _letters(rng, 1)
            + _last_series_letter(rng))


def random_organisation(rng: random.Random) -> str:
    """``RR DDD LLL``, e.g. ``01123ABA``."""
    return random_region(rng) + _digits(rng, 3) + _letters(rng, 2) + _last_series_letter(rng)


def random_foreign_resident(rng: random.Random) -> str:
    """``RR H DDDDDD``, e.g. ``01H123456``."""
    return random_region(rng) + "H" + _digits(rng, 6)


def random_motorcycle(rng: random.Random) -> str:
    """``RR DDD LL``, e.g. ``01123AB``."""
    return random_region(rng) + _digits(rng, 3) + _letters(rng, 2)


_MAKERS = {
    "private": random_private,
    "organisation": random_organisation,
    "foreign-resident": random_foreign_resident,
    "motorcycle": random_motorcycle,
}


def random_plate(rng: random.Random, *, kind: str | None = None) -> str:
    """A normalised random plate of ``kind`` (one of ``KINDS``), or of a kind drawn by
    frequency for a car when ``kind`` is ``None``."""
    if kind is None:
        kind = rng.choices([k for k, _ in KIND_WEIGHTS], weights=[w for _, w in KIND_WEIGHTS])[0]
    if kind not in _MAKERS:
        raise ValueError(f"unknown plate kind {kind!r}; expected one of {KINDS}")
    return _MAKERS[kind](rng)
