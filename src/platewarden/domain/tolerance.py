"""Speed tolerance: how far over the posted limit a measurement must be to be enforced.

Arithmetic is done in :class:`~decimal.Decimal` on the decimal text of each number, so a
speed that sits exactly on the threshold is never pushed over it by binary rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal


def as_decimal(value: float | int | Decimal) -> Decimal:
    """``value`` as the decimal number a person would write for it (``63.9`` not ``63.89...``)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _text(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeedTolerance:
    """A speed tolerance policy.

    The enforced threshold for a posted limit is
    ``limit + max(absolute_kmh, percent % of limit, min_excess_kmh)`` and only a speed
    strictly above it is a violation. ``absolute_kmh`` and ``percent`` cover the
    measuring device's error (typical police practice: the larger of 3 km/h and 3 %);
    ``min_excess_kmh`` is a legal floor ("more than 10 km/h over"), zero if none.

    Attributes:
        absolute_kmh: Fixed allowance in km/h.
        percent: Allowance as a percentage of the limit.
        min_excess_kmh: Smallest excess over the limit that is enforced at all.
    """

    absolute_kmh: float = 3.0
    percent: float = 3.0
    min_excess_kmh: float = 0.0

    def __post_init__(self) -> None:
        for name in ("absolute_kmh", "percent", "min_excess_kmh"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")

    def allowance_kmh(self, limit_kmh: float) -> float:
        """How many km/h over ``limit_kmh`` are tolerated."""
        return float(self._allowance(as_decimal(limit_kmh)))

    def threshold_kmh(self, limit_kmh: float) -> float:
        """The speed that must be exceeded for a violation at ``limit_kmh``."""
        return float(self._threshold(as_decimal(limit_kmh)))

    def exceeds(self, measured_kmh: float | Decimal, limit_kmh: float) -> bool:
        """Whether ``measured_kmh`` is strictly above the threshold for ``limit_kmh``.

        Args:
            measured_kmh: Measured or computed speed; a ``Decimal`` is used as is.
            limit_kmh: Posted limit.

        Returns:
            ``False`` for non-finite measurements as well as for speeds within tolerance.
        """
        measured = as_decimal(measured_kmh)
        if not measured.is_finite():
            return False
        return measured > self._threshold(as_decimal(limit_kmh))

    def describe(self) -> str:
        """Human-readable policy, recorded with every result it was applied to."""
        text = f"limit + max({_text(self.absolute_kmh)} km/h, {_text(self.percent)}% of limit)"
        if self.min_excess_kmh > 0:
            text += f", at least {_text(self.min_excess_kmh)} km/h over the limit"
        return text

    def _allowance(self, limit: Decimal) -> Decimal:
        relative = limit * as_decimal(self.percent) / 100
        return max(as_decimal(self.absolute_kmh), relative, as_decimal(self.min_excess_kmh))

    def _threshold(self, limit: Decimal) -> Decimal:
        return limit + self._allowance(limit)
