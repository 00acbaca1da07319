"""PostgreSQL's COPY for the group commit's bulk inserts.

One COPY streams a whole group's rows in a single round trip and skips the per-row executor
work of INSERT; it runs on the unit of work's own connection, inside its transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import JSON, Connection, Table


def _statement(table: Table, names: Sequence[str]) -> sql.Composed:
    columns = sql.SQL(", ").join(sql.Identifier(name) for name in names)
    return sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name), columns)


def copy_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (column name to value, the same columns in each) into ``table``.

    Columns the rows leave out get their defaults, as with INSERT.
    """
    if not rows:
        return
    names = list(rows[0])
    # COPY's text format takes JSON as its text; psycopg would send a list as an array.
    as_json = {c.name for c in table.columns if isinstance(c.type, JSON)}
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(_statement(table, names)) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n], separators=(",", ":")) if n in as_json
                            else row[n] for n in names])
