"""Constants shared by training and the synthetic benchmark (no heavy imports)."""

from __future__ import annotations

ONE_LINE_UZ_KINDS = ("private", "organisation", "foreign-company", "foreign-resident",
                     "diplomatic", "temporary-or-diplomatic")

TWO_LINE_UZ_KINDS = ("trailer", "motorcycle")
# Two-line plates are 170 mm tall against 110 mm: at the same distance they are ~1.5 x
# taller in pixels, so their lowest resolution (and their drawn height) scale the same way.
TWO_LINE_MIN_HEIGHT_PX = 22
TWO_LINE_HEIGHT_PX = (60, 135)


def one_line_uz_kinds() -> tuple[str, ...]:
    """Uzbek formats printed on one line (the reader handles one text line)."""
    return ONE_LINE_UZ_KINDS
