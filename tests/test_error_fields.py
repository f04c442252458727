"""Constraint violations carry PostgreSQL's error fields (schema, table, column,
constraint: clients such as psycopg's `diag` and asyncpg's exception attributes read
them), compared with PostgreSQL 15's for the same statements."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.pgserver import PostgresUnavailable, start_postgres
from tests.serverproc import start_node

SCHEMA = [
    "CREATE TABLE parents (id integer PRIMARY KEY, code text UNIQUE, n integer CHECK (n > 0))",
    "CREATE TABLE children (id bigint PRIMARY KEY, parent_id integer "
    "CONSTRAINT children_parent_fk REFERENCES parents (id), label varchar(10) NOT NULL)",
    "CREATE TABLE words (w varchar(20) PRIMARY KEY)",
    "INSERT INTO parents VALUES (1, 'a', 1), (2, 'b', 2)",
    "INSERT INTO children VALUES (10, 1, 'x')",
    "INSERT INTO words VALUES ('alpha')",
]

VIOLATIONS = [
    "INSERT INTO parents VALUES (1, 'z', 1)",
    "INSERT INTO parents VALUES (3, 'c', 3), (2, 'd', 2)",
    "INSERT INTO parents VALUES (5, 'a', 5)",
    "INSERT INTO parents VALUES (6, 'f', 0)",
    "UPDATE parents SET n = -1 WHERE id = 2",
    "INSERT INTO children VALUES (11, 99, 'y')",
    "INSERT INTO children VALUES (12, 1, NULL)",
    "INSERT INTO children VALUES (10, 99, 'dup and orphan')",
    "DELETE FROM parents WHERE id = 1",
    "UPDATE parents SET id = 7 WHERE id = 1",
    "INSERT INTO words VALUES ('alpha')",
    "ALTER TABLE parents ADD CONSTRAINT n_small CHECK (n < 2)",
    "ALTER TABLE children ALTER COLUMN parent_id SET NOT NULL",
]


def _fields(dsn: str) -> list[tuple[Any, ...]]:
    out = []
    with psycopg.connect(dsn, autocommit=True) as c:
        for stmt in SCHEMA:
            c.execute(stmt)
        c.execute("INSERT INTO children VALUES (13, NULL, 'z')")
        for stmt in VIOLATIONS:
            try:
                c.execute(stmt)
                out.append((stmt, "no error"))
            except psycopg.Error as exc:
                d = exc.diag
                out.append(
                    (
                        stmt,
                        exc.sqlstate,
                        d.message_primary,
                        d.message_detail,
                        d.schema_name,
                        d.table_name,
                        d.column_name,
                        d.constraint_name,
                    )
                )
    return out


@pytest.fixture(scope="module")
def postgres_fields() -> Iterator[list[tuple[Any, ...]]]:
    try:
        server = start_postgres()
    except PostgresUnavailable:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("PostgreSQL 15 is not available")
    try:
        yield _fields(server.dsn)
    finally:
        server.stop()


def test_violation_fields_match_postgresql(
    tmp_path: Path, postgres_fields: list[tuple[Any, ...]]
) -> None:
    node = start_node(tmp_path / "node")
    try:
        mine = _fields(node.dsn)
    finally:
        node.stop()
    for got, expected in zip(mine, postgres_fields, strict=True):
        assert got == expected
