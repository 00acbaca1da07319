"""The vehicle registry fake: keepers in a list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from platewarden.domain.notices import Addressee
from platewarden.services.notice_ports import KeeperRecord


class MemoryVehicleRegistry:
    """``VehicleRegistry`` and ``KeeperTable`` in memory; counts look-ups for tests."""

    def __init__(self) -> None:
        self._records: list[KeeperRecord] = []
        self.lookups = 0

    def keeper_at(self, plate_key: str, *, on: date) -> Addressee | None:
        self.lookups += 1
        found = [r for r in self._records if r.plate_key == plate_key and r.valid_from <= on
                 and (r.valid_to is None or on < r.valid_to)]
        return max(found, key=lambda r: r.valid_from).keeper if found else None

    def replace_all(self, records: Sequence[KeeperRecord]) -> int:
        if len({(r.plate_key, r.valid_from) for r in records}) != len(records):
            raise ValueError("two registry rows for one plate and day")
        self._records = list(records)
        return len(records)
