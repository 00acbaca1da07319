"""Constants shared by training and the synthetic benchmark (no heavy imports)."""

from __future__ import annotations

ONE_LINE_UZ_KINDS = ("private", "organisation", "foreign-company", "foreign-resident",
                     "diplomatic", "temporary-or-diplomatic")


def one_line_uz_kinds() -> tuple[str, ...]:
    """Uzbek formats printed on one line (the reader handles one text line)."""
    return ONE_LINE_UZ_KINDS
