"""Which training checkpoint to export when real crops are held back (no PyTorch here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

State = TypeVar("State")


@dataclass
class BestCheckpoint(Generic[State]):
    """The checkpoint with the highest held-back real plus held-out synthetic exact rate.

    Real crops alone are too few to choose by: in the first held-back run the checkpoint that
    read most of 169 real crops (step 900, 94.7 %) read 97.0 % of the synthetic Uzbek
    plates, against 98.8 % at step 1,700, which read 94.1 % of the real ones. The earliest
    step wins a tie.
    """

    step: int = 0
    real: float = 0.0
    synthetic: float = 0.0
    state: State | None = None

    def offer(self, *, step: int, real: float, synthetic: float,
              snapshot: Callable[[], State]) -> bool:
        """Keep ``snapshot()`` as the best checkpoint if it scores higher; say whether it did."""
        if self.state is not None and real + synthetic <= self.real + self.synthetic:
            return False
        self.step, self.real, self.synthetic = step, real, synthetic
        self.state = snapshot()
        return True
