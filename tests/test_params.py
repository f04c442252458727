"""Parameter and result types before execution (Describe), compared with PostgreSQL 15.

pgjdbc and psycopg rely on ParameterDescription and RowDescription being right before a
statement runs; unknown-typed parameters must be resolved from context the way
PostgreSQL resolves them.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.pgserver import PostgresUnavailable, start_postgres
from tests.serverproc import NodeProcess
from tests.wire import RawClient, cstr, msg

SCHEMA = [
    "CREATE TABLE items (id int PRIMARY KEY, name varchar(20) NOT NULL, price numeric(10,2), "
    "qty smallint, big bigint, ok boolean, born date, at timestamptz, tags text[], doc jsonb)",
]

STATEMENTS = [
    "SELECT name FROM items WHERE id = $1",
    "SELECT * FROM items WHERE name = $1 AND price > $2",
    "SELECT id + $1 FROM items",
    "SELECT count(*) FROM items WHERE big BETWEEN $1 AND $2",
    "INSERT INTO items (id, name, price) VALUES ($1, $2, $3)",
    "INSERT INTO items (id, name, qty, ok, born, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    "UPDATE items SET price = $1 WHERE id = $2",
    "UPDATE items SET name = $1, tags = $2 WHERE id = $3 RETURNING name, tags",
    "DELETE FROM items WHERE born < $1",
    "SELECT $1::int8 AS a, $2 AS b",
    "SELECT id, name FROM items WHERE name LIKE $1 ORDER BY id LIMIT $2",
    "SELECT doc -> $1 FROM items",
]


def describe(port: int, sql: str, user: str, database: str) -> tuple[Any, Any]:
    c = RawClient(port, user=user, database=database)
    c.send(
        msg(b"P", cstr("") + cstr(sql) + struct.pack("!h", 0))
        + msg(b"D", b"S" + cstr(""))
        + msg(b"S")
    )
    out = c.until_ready()
    c.close()
    params = next((v for n, v in out if n == "ParameterDescription"), None)
    rows = next((v for n, v in out if n in ("RowDescription", "NoData")), None)
    error = next((v.get("C") for n, v in out if n == "ErrorResponse"), None)
    if error is not None:
        return ("error", error), None
    cols = None if not isinstance(rows, list) else [(f.name, f.type_oid) for f in rows]
    return params, cols


@pytest.fixture(scope="module")
def pg() -> Iterator[Any]:
    try:
        server = start_postgres()
    except PostgresUnavailable:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("PostgreSQL 15 is not available")
    with psycopg.connect(server.dsn, autocommit=True) as c:
        for stmt in SCHEMA:
            c.execute(stmt)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def kz(node: NodeProcess) -> NodeProcess:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("DROP TABLE IF EXISTS items")
        for stmt in SCHEMA:
            c.execute(stmt)
    return node


@pytest.mark.parametrize("sql", STATEMENTS)
def test_describe_matches_postgresql(pg: Any, kz: NodeProcess, sql: str) -> None:
    expected = describe(pg.port, sql, "postgres", "postgres")
    got = describe(kz.port, sql, "tester", "kuzugres")
    assert got == expected
