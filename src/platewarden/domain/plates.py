"""Plate grammar for Uzbekistan with a generic fallback, and the canonical matching key.

Formats follow ``shared/reference/uz-plates.md``. The grammar resolves most confusable
characters by position (a digit slot cannot hold ``O``); the canonical key folds the rest so
that hotlist and search matching treat ``0/O/D/Q``, ``1/I``, ``2/Z``, ``5/S``, ``8/B`` and
``6/G`` as possibly the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REGIONS: tuple[tuple[int, int, str], ...] = (
    (1, 9, "Tashkent city"),
    (10, 19, "Tashkent region"),
    (20, 24, "Sirdaryo"),
    (25, 29, "Jizzakh"),
    (30, 39, "Samarkand"),
    (40, 49, "Fergana"),
    (50, 59, "Namangan"),
    (60, 69, "Andijan"),
    (70, 74, "Kashkadarya"),
    (75, 79, "Surkhandarya"),
    (80, 84, "Bukhara"),
    (85, 89, "Navoiy"),
    (90, 94, "Khorezm"),
    (95, 99, "Karakalpakstan"),
)

# Slot pattern letters: R region digit, D digit, L letter, and literal upper-case markers
# written in lower case here (m -> "M", h -> "H").
UZ_FORMATS: dict[str, str] = {
    "private": "RRLDDDLL",
    "organisation": "RRDDDLLL",
    "trailer": "RRDDDDLL",
    "motorcycle": "RRDDDLL",
    "foreign-company": "RRmDDDDDD",
    "foreign-resident": "RRhDDDDDD",
}
_PREFIX_FORMATS: dict[str, re.Pattern[str]] = {
    "diplomatic": re.compile(r"^(?:D|X)\d{6}$|^CMD\d{1,4}$"),
    "temporary-or-diplomatic": re.compile(r"^T\d{6}$"),
}
_GENERIC = re.compile(r"^[A-Z0-9]{2,10}$")

TO_DIGIT = {"O": "0", "D": "0", "Q": "0", "I": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
TO_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G"}
# Each confusable group folds onto one representative for the canonical key.
_FOLD = str.maketrans({"O": "0", "D": "0", "Q": "0", "I": "1", "Z": "2", "S": "5",
                       "B": "8", "G": "6"})
_STRIP = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True, slots=True)
class PlateParse:
    """A plate text matched against the grammar.

    Attributes:
        text: Normalised text (upper case, only letters and digits), after any
            positional correction of confusable characters.
        country: ``UZ`` for Uzbek formats, ``??`` for the generic fallback.
        format: Format name (``private``, ``organisation`` ..., or ``generic``).
        region_code: Two-digit region code for regional formats.
        region: Region name for regional formats.
        corrected: Whether a confusable character was changed to fit the format.
    """

    text: str
    country: str
    format: str
    region_code: str | None
    region: str | None
    corrected: bool


def normalise(text: str) -> str:
    """Upper-case ``text`` and drop spaces, dashes and any other separator."""
    return _STRIP.sub("", text.upper())


def canonical_key(text: str) -> str:
    """Key under which plates that differ only by confusable characters collide."""
    return normalise(text).translate(_FOLD)


def region_name(code: str) -> str | None:
    """Region owning two-digit ``code``, or ``None`` when the code is not assigned."""
    if len(code) != 2 or not code.isdigit():
        return None
    number = int(code)
    for low, high, name in REGIONS:
        if low <= number <= high:
            return name
    return None


def _fit(text: str, pattern: str) -> tuple[str, bool] | None:
    """Fit ``text`` to a slot pattern, correcting confusables by slot; ``None`` if impossible."""
    if len(text) != len(pattern):
        return None
    out: list[str] = []
    corrected = False
    for char, slot in zip(text, pattern, strict=True):
        if slot in "RD":
            fixed = char if char.isdigit() else TO_DIGIT.get(char)
        elif slot == "L":
            fixed = char if char.isalpha() else TO_LETTER.get(char)
        else:
            fixed = slot.upper() if char == slot.upper() else None
        if fixed is None:
            return None
        corrected = corrected or fixed != char
        out.append(fixed)
    return "".join(out), corrected


def parse(text: str) -> PlateParse:
    """Match ``text`` against the Uzbek formats, then the generic fallback.

    An exact fit beats a fit that needed corrections, and formats are tried in order of
    how common they are, so ``01A123BC`` is always a private plate.

    Args:
        text: Plate text in any case, with or without separators.

    Returns:
        The best parse; ``format == "invalid"`` when nothing, not even the generic
        fallback, accepts the text.
    """
    plain = normalise(text)
    best: PlateParse | None = None
    for name, pattern in UZ_FORMATS.items():
        fitted = _fit(plain, pattern)
        if fitted is None:
            continue
        fixed, corrected = fitted
        region = region_name(fixed[:2])
        if region is None:
            continue
        candidate = PlateParse(fixed, "UZ", name, fixed[:2], region, corrected)
        if not corrected:
            return candidate
        best = best or candidate
    for name, regex in _PREFIX_FORMATS.items():
        if regex.match(plain):
            return PlateParse(plain, "UZ", name, None, None, False)
    if best is not None:
        return best
    # Personalised Uzbek plates (from 2026) have no pattern, and only the flag tells them
    # from foreign ones, so both fall to the generic format.
    if _GENERIC.match(plain):
        return PlateParse(plain, "??", "generic", None, None, False)
    return PlateParse(plain, "??", "invalid", None, None, False)


def is_valid_uz(text: str) -> bool:
    """Whether ``text`` is exactly (without corrections) one of the Uzbek regional formats."""
    result = parse(text)
    return result.country == "UZ" and not result.corrected


def format_display(parsed: PlateParse) -> str:
    """Spaced form for people, e.g. ``01 A 123 BC``."""
    t = parsed.text
    layouts = {
        "private": (2, 1, 3, 2),
        "organisation": (2, 3, 3),
        "trailer": (2, 4, 2),
        "motorcycle": (2, 3, 2),
        "foreign-company": (2, 1, 6),
        "foreign-resident": (2, 1, 6),
        "diplomatic": (1, 6),
        "temporary-or-diplomatic": (1, 6),
    }
    widths = layouts.get(parsed.format)
    if widths is None or sum(widths) != len(t):
        return t
    parts, start = [], 0
    for width in widths:
        parts.append(t[start:start + width])
        start += width
    return " ".join(parts)


# Runs of letters and digits, single spaces or hyphens allowed between them ("01 A 123 BC").
_PLATE_LIKE = re.compile(r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*")
PLATE_MASK = "[plate]"
_MAX_PLATE_WORDS = 4


def mask_plates(text: str) -> str:
    """``text`` with everything that may be a plate replaced by ``[plate]``.

    For free text kept where plate text must not be (the audit trail: a reason someone
    typed). A word counts when, without hyphens, it is 5 to 10 characters mixing letters
    and digits, or an Uzbek format; words written apart ("01 A 123 BC") count together when
    they make an Uzbek format. Plain words and numbers are kept. Errs towards masking: a
    case reference such as ``CASE2026`` goes too.
    """
    def masked(run: str) -> str:
        words = run.split(" ")
        out, start = [], 0
        # Try the longest span of words first, so "01 A 123 BC" goes as one plate; no
        # plate is written in more than _MAX_PLATE_WORDS groups.
        while start < len(words):
            for end in range(min(len(words), start + _MAX_PLATE_WORDS), start, -1):
                span = words[start:end]
                if (_is_plate_like(span[0]) if len(span) == 1
                        else is_valid_uz("".join(span))):
                    out.append(PLATE_MASK)
                    start = end
                    break
            else:
                out.append(words[start])
                start += 1
        return " ".join(out)

    return _PLATE_LIKE.sub(lambda m: masked(m.group(0)), text)


def _is_plate_like(run: str) -> bool:
    compact = normalise(run)
    if not 5 <= len(compact) <= 10:
        return False
    mixed = any(c.isdigit() for c in compact) and any(c.isalpha() for c in compact)
    return mixed or is_valid_uz(compact)
