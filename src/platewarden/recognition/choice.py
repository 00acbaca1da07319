"""The rule that picks the default preset from figures on tuning data only.

Used by ``bench/recognition/tune_readers.py``; kept here, free of I/O, so that the rule a
decision rests on is tested code rather than a script's last lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple, dataclass

# A figure may fall this many points below the current default's and the candidate still win.
TOLERANCE = 0.5
# A candidate must beat the current default's score by at least this many points: a win by
# one or two plates of 600 is within what a rerun of a wall-clock training budget moves.
MIN_GAIN = 0.5


@dataclass(frozen=True, slots=True)
class TuningFigures:
    """Exact-read percentages of one preset on the tuning sets.

    Attributes:
        train_e2e: The ``train`` split of the real development images, end to end.
        one_line: Synthetic one-line Uzbek plates (seed 555).
        two_line: Synthetic two-line Uzbek plates (seed 556), the set failures are studied on.
        two_line_check: A second two-line set (seed 557) nobody looks into: it only guards
            against a change fitted to seed 556's failures and is not scored.
    """

    train_e2e: float
    one_line: float
    two_line: float
    two_line_check: float

    @property
    def score(self) -> float:
        """The sum the rule maximises."""
        return self.train_e2e + self.one_line + self.two_line

    def holds_against(self, other: TuningFigures, *, tolerance: float) -> bool:
        """No figure more than ``tolerance`` points below ``other``'s."""
        return all(a >= b - tolerance
                   for a, b in zip(astuple(self), astuple(other), strict=True))


def choose_default(figures: Mapping[str, TuningFigures], *, current: str,
                   tolerance: float = TOLERANCE, min_gain: float = MIN_GAIN) -> str:
    """The preset with the highest score that beats ``current`` by ``min_gain``, else it.

    Args:
        figures: Tuning figures of every preset measured, ``current`` among them.
        current: The shipped default.
        tolerance: How far below ``current`` any one figure of a candidate may be.
        min_gain: How far above ``current``'s score a candidate's must be.
    """
    base = figures[current]
    winners = [name for name, f in figures.items()
               if f.score >= base.score + min_gain and f.holds_against(base, tolerance=tolerance)]
    return max(winners, key=lambda name: figures[name].score, default=current)
