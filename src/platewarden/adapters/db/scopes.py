"""Region scoping shared by the SQL repositories."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from platewarden.adapters.db import tables as t


def cameras_in(regions: frozenset[str]) -> Any:
    """Ids of the cameras in ``regions``, as a sub-query."""
    return select(t.cameras.c.id).where(t.cameras.c.region_code.in_(sorted(regions)))
