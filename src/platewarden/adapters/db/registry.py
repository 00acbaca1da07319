"""The embedded vehicle registry: a table of keepers imported from CSV."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine, delete, insert, or_, select

from platewarden.adapters.db.notice_tables import registry_keepers as _k
from platewarden.domain.notices import Addressee
from platewarden.services.notice_ports import KeeperRecord


class SqlVehicleRegistry:
    """``VehicleRegistry`` and ``KeeperTable`` on the installation's database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def keeper_at(self, plate_key: str, *, on: date) -> Addressee | None:
        day = on.isoformat()
        query = (select(_k).where(_k.c.plate_key == plate_key, _k.c.valid_from <= day,
                                  or_(_k.c.valid_to.is_(None), _k.c.valid_to > day))
                 .order_by(_k.c.valid_from.desc()).limit(1))
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Addressee(name=row.name, address=row.address, kind=row.kind,
                         language=row.language)

    def replace_all(self, records: Sequence[KeeperRecord]) -> int:
        rows = [{"plate_key": r.plate_key, "valid_from": r.valid_from.isoformat(),
                 "valid_to": r.valid_to.isoformat() if r.valid_to else None,
                 "name": r.keeper.name, "address": r.keeper.address, "kind": r.keeper.kind,
                 "language": r.keeper.language}
                for r in records]
        with self._engine.begin() as conn:
            conn.execute(delete(_k))
            if rows:
                conn.execute(insert(_k), rows)
        return len(rows)
