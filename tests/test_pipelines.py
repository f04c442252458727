"""Pipelines of the extended protocol (psycopg's pipeline mode and executemany, asyncpg's
executemany) against kuzugres and PostgreSQL 15: the same rows, errors and transaction
outcomes. kuzugres runs consecutive executions of one INSERT as a single multi-row
INSERT and, when that fails, again one by one (proxy/session.py `_flush_batch`)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import psycopg
import pytest

from tests.pgserver import PostgresUnavailable, start_postgres
from tests.serverproc import start_node

SCHEMA = [
    "CREATE TABLE acct (id serial PRIMARY KEY, owner text UNIQUE NOT NULL, n int CHECK (n >= 0))",
    "CREATE TABLE entry (id bigint PRIMARY KEY, acct_id int REFERENCES acct (id), v text)",
]


def _error(exc: psycopg.Error) -> tuple[Any, ...]:
    return (exc.sqlstate, exc.diag.message_primary, exc.diag.message_detail)


def _scenarios(conn: psycopg.Connection[Any]) -> list[Any]:
    out: list[Any] = []
    cur = conn.cursor()

    def rows() -> list[Any]:
        return [
            conn.execute("SELECT id, owner, n FROM acct ORDER BY id").fetchall(),
            conn.execute("SELECT id, acct_id, v FROM entry ORDER BY id").fetchall(),
        ]

    def attempt(work: Callable[[], None]) -> None:
        try:
            work()
            out.append("ok")
        except psycopg.Error as exc:
            out.append(_error(exc))
        out.append(str(conn.info.transaction_status))
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        out.append(rows())

    # autocommit: one executemany is one transaction
    attempt(
        lambda: cur.executemany(
            "INSERT INTO acct (owner, n) VALUES (%s, %s)", [(f"o{i}", i) for i in range(50)]
        )
    )
    attempt(
        lambda: cur.executemany(
            "INSERT INTO acct (owner, n) VALUES (%s, %s)", [("x1", 1), ("o7", 2), ("x2", 3)]
        )
    )
    attempt(
        lambda: cur.executemany(
            "INSERT INTO acct (owner, n) VALUES (%s, %s)", [("y1", 1), ("y2", -1)]
        )
    )
    attempt(
        lambda: cur.executemany(
            "INSERT INTO entry VALUES (%s, %s, %s)",
            [(1, 1, "a"), (2, 2, "b"), (3, 999, "orphan"), (4, 1, "d")],
        )
    )
    attempt(
        lambda: cur.executemany(
            "INSERT INTO entry VALUES (%s, %s, %s)", [(10, 1, "a"), (11, None, "b"), (10, 2, "dup")]
        )
    )
    attempt(
        lambda: cur.executemany(
            "INSERT INTO entry VALUES (%s, %s, %s)", [(20, 1, "ok"), (21, 2, "ok")]
        )
    )

    # a pipeline mixing statements: INSERTs of two tables, an UPDATE, a SELECT
    def mixed() -> None:
        with conn.pipeline():
            conn.execute("INSERT INTO entry VALUES (%s, %s, %s)", (30, 1, "p"))
            conn.execute("INSERT INTO entry VALUES (%s, %s, %s)", (31, 1, "p"))
            conn.execute("INSERT INTO acct (owner, n) VALUES (%s, %s)", ("z1", 5))
            conn.execute("UPDATE acct SET n = n + 1 WHERE owner = %s", ("z1",))
            seen = conn.execute("SELECT count(*) FROM entry WHERE v = %s", ("p",))
            conn.execute("INSERT INTO entry VALUES (%s, %s, %s)", (32, 1, "p"))
        out.append(seen.fetchall())

    attempt(mixed)

    def mixed_failing() -> None:
        with conn.pipeline():
            conn.execute("INSERT INTO entry VALUES (%s, %s, %s)", (40, 1, "q"))
            conn.execute("INSERT INTO entry VALUES (%s, %s, %s)", (41, 1, "q"))
            conn.execute("INSERT INTO entry VALUES (%s, %s, %s)", (40, 1, "dup"))
            conn.execute("INSERT INTO acct (owner, n) VALUES (%s, %s)", ("never", 1))

    attempt(mixed_failing)

    # inside a transaction block: the failing row fails the block
    conn.autocommit = False
    attempt(
        lambda: cur.executemany(
            "INSERT INTO acct (owner, n) VALUES (%s, %s)", [("t1", 1), ("t1", 2), ("t3", 3)]
        )
    )
    attempt(
        lambda: cur.executemany(
            "INSERT INTO acct (owner, n) VALUES (%s, %s)", [("t4", 1), ("t5", 2)]
        )
    )
    conn.commit()
    out.append(rows())
    conn.commit()
    conn.autocommit = True
    return out


async def _asyncpg(url: str) -> list[Any]:
    conn = await asyncpg.connect(url)
    out: list[Any] = []
    try:
        for batch in ([(100, 1, "a"), (101, 1, "b")], [(102, 1, "c"), (100, 2, "dup")]):
            try:
                await conn.executemany("INSERT INTO entry VALUES ($1, $2, $3)", batch)
                out.append("ok")
            except asyncpg.PostgresError as exc:
                out.append((exc.sqlstate, exc.args[0]))
            got = await conn.fetch("SELECT id, v FROM entry WHERE id >= 100 ORDER BY id")
            out.append([tuple(r) for r in got])
    finally:
        await conn.close()
    return out


def _run(dsn: str, url: str) -> list[Any]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for stmt in SCHEMA:
            conn.execute(stmt)
        out = _scenarios(conn)
    return out + asyncio.run(_asyncpg(url))


@pytest.fixture(scope="module")
def postgres_results() -> Iterator[list[Any]]:
    try:
        server = start_postgres()
    except PostgresUnavailable:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("PostgreSQL 15 is not available")
    try:
        url = f"postgresql://{server.user}@127.0.0.1:{server.port}/postgres"
        yield _run(server.dsn, url)
    finally:
        server.stop()


def test_pipelines_match_postgresql(tmp_path: Path, postgres_results: list[Any]) -> None:
    node = start_node(tmp_path / "node")
    try:
        mine = _run(node.dsn, node.url)
    finally:
        node.stop()
    assert len(mine) == len(postgres_results)
    for got, expected in zip(mine, postgres_results, strict=True):
        assert got == expected
