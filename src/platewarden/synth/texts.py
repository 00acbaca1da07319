"""Random plate texts that follow the Uzbek formats and their observed frequencies."""

from __future__ import annotations

import random
import string

from platewarden.domain.plates import UZ_FORMATS

# Base region codes, most frequent first, with their share in a sample of real plates
# (``shared/reference/uz-plates.md``); other codes of each block are drawn rarely.
_REGION_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("01", 33), ("10", 19), ("40", 7), ("50", 6), ("80", 5), ("30", 5), ("90", 4),
    ("60", 4), ("75", 3), ("70", 3), ("95", 3), ("85", 2), ("25", 2), ("20", 2),
)
_SERIES_LETTERS = string.ascii_uppercase.replace("I", "")
_FORMAT_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("private", 70), ("organisation", 8), ("trailer", 3), ("motorcycle", 3),
    ("foreign-company", 3), ("foreign-resident", 3), ("diplomatic", 3),
    ("temporary-or-diplomatic", 3), ("personalised", 4),
)


def _region(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return f"{rng.randint(1, 99):02d}"
    codes, weights = zip(*_REGION_WEIGHTS, strict=True)
    code: str = rng.choices(codes, weights=weights)[0]
    return code


def _fill(pattern: str, rng: random.Random) -> str:
    """Fill a slot pattern from ``UZ_FORMATS`` (region digits included)."""
    out = [*_region(rng)] if pattern.startswith("RR") else []
    for slot in pattern[len(out):]:
        if slot == "D":
            out.append(rng.choice(string.digits))
        elif slot == "L":
            out.append(rng.choice(_SERIES_LETTERS))
        else:
            out.append(slot.upper())
    return "".join(out)


def random_uz_text(rng: random.Random, *, kind: str | None = None) -> str:
    """A random Uzbek plate text, normalised (no spaces).

    Args:
        rng: Source of randomness.
        kind: A format name from ``UZ_FORMATS``, ``diplomatic``,
            ``temporary-or-diplomatic`` or ``personalised``; ``None`` draws one with
            weights close to the traffic mix (private plates dominate).

    Returns:
        Plate text such as ``01A123BC``.
    """
    if kind is None:
        names, weights = zip(*_FORMAT_WEIGHTS, strict=True)
        kind = rng.choices(names, weights=weights)[0]
    if kind in UZ_FORMATS:
        text = _fill(UZ_FORMATS[kind], rng)
        if kind == "private" and rng.random() < 0.6:
            # The last series letter is almost always A or B on real plates.
            text = text[:-1] + rng.choice("AB")
        return text
    digits = "".join(rng.choice(string.digits) for _ in range(6))
    if kind == "diplomatic":
        if rng.random() < 0.15:
            return "CMD" + digits[: rng.randint(1, 4)]
        return rng.choice("DX") + digits
    if kind == "temporary-or-diplomatic":
        return "T" + digits
    if kind == "personalised":
        alphabet = string.ascii_uppercase + string.digits
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 6)))
    raise ValueError(f"unknown plate kind {kind!r}")
