"""asyncpg against a kuzugres node (builtin types only: they need no catalog introspection)."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg
import pytest

from tests.serverproc import NodeProcess

T = TypeVar("T")


def run(node: NodeProcess, body: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Connect, run `body(conn)` and close, all inside one asyncio.run()."""

    async def main() -> T:
        conn = await asyncpg.connect(node.url, timeout=10)
        try:
            return await asyncio.wait_for(body(conn), timeout=60)
        finally:
            await conn.close(timeout=10)

    return asyncio.run(main())


async def node_table(conn: asyncpg.Connection, prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    await conn.execute(
        f"SELECT * FROM cypher($$ CREATE NODE TABLE {name}"
        "(id INT64, name STRING, PRIMARY KEY(id)) $$) AS (r text)"
    )
    return name


async def node_ids(conn: asyncpg.Connection, table: str) -> list[int]:
    rows = await conn.fetch(
        f"SELECT * FROM cypher($$ MATCH (p:{table}) RETURN p.id ORDER BY p.id $$) AS (id int8)"
    )
    return [r["id"] for r in rows]


def test_connect_and_simple_fetch(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        assert conn.get_server_version().major == 15
        assert await conn.fetchval("SELECT 1") == 1
        row = await conn.fetchrow("SELECT current_user AS u, current_database() AS d")
        assert row is not None and (row["u"], row["d"]) == ("tester", "kuzugres")
        assert await conn.fetchval("SELECT pg_backend_pid()") == conn.get_server_pid()
        # Simple-query protocol, several statements in one string.
        await conn.execute("SET TimeZone = 'UTC'; SELECT 1; SET application_name = 'apg'")
        assert await conn.fetchval("SHOW application_name") == "apg"

    run(node, body)


TZ = timezone(timedelta(hours=-5))
U = uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
VALUES: list[tuple[str, str, Any]] = [
    ("int", "int8", 2**62),
    ("int4", "int4", -7),
    ("int2", "int2", 300),
    ("str", "text", "héllo ✓ 'q'"),
    ("varchar", "varchar", "vc"),
    ("bool", "bool", True),
    ("float", "float8", 2.5),
    ("float4", "float4", 0.25),
    ("decimal", "numeric", Decimal("-12345.678900")),
    ("bytes", "bytea", b"\x00\xff\\'"),
    ("date", "date", date(2024, 2, 29)),
    ("time", "time", time(23, 59, 58, 999999)),
    ("datetime", "timestamp", datetime(2024, 2, 29, 12, 34, 56, 7)),
    ("datetime-aware", "timestamptz", datetime(2024, 2, 29, 12, 34, 56, tzinfo=TZ)),
    ("timedelta", "interval", timedelta(days=2, seconds=7, microseconds=1)),
    ("uuid", "uuid", U),
    # Only text[] (and oid[]) arrays have builtin asyncpg codecs: int8[] etc. would make
    # asyncpg introspect pg_type with a catalog query.
    (
        "list-str",
        "text[]",
        ["a", "b c", "", None, 'q"u\\o'],
    ),
    ("list-empty", "text[]", []),
    ("none", "text", None),
]


@pytest.mark.parametrize(("cast", "value"), [v[1:] for v in VALUES], ids=[v[0] for v in VALUES])
def test_fetch_parameter_round_trip(node: NodeProcess, cast: str, value: Any) -> None:
    async def body(conn: asyncpg.Connection) -> Any:
        return await conn.fetchval(f"SELECT $1::{cast}", value)

    assert run(node, body) == value


def test_many_parameters_in_one_query(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        sql = "SELECT " + ", ".join(f"${i + 1}::{cast}" for i, (_, cast, _) in enumerate(VALUES))
        row = await conn.fetchrow(sql, *[v for _, _, v in VALUES])
        assert row is not None and list(row.values()) == [v for _, _, v in VALUES]

    run(node, body)


def test_json_as_text(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        doc = {"a": [1, 2], "b": None}
        got = await conn.fetchval("SELECT $1::jsonb", json.dumps(doc))
        assert json.loads(got) == doc
        got = await conn.fetchval("SELECT $1::json", json.dumps(doc))
        assert json.loads(got) == doc

    run(node, body)


def test_prepared_statement(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        stmt = await conn.prepare(
            "SELECT $1::int4 + 1 AS n, $2::text AS s, $3::numeric * 2 AS d, $4::timestamptz AS t"
        )
        assert [t.name for t in stmt.get_parameters()] == ["int4", "text", "numeric", "timestamptz"]
        assert [(a.name, a.type.name) for a in stmt.get_attributes()] == [
            ("n", "int4"),
            ("s", "text"),
            ("d", "numeric"),
            ("t", "timestamptz"),
        ]
        when = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
        for i in range(10):
            rows = await stmt.fetch(i, f"s{i}", Decimal("1.25"), when)
            assert [tuple(r) for r in rows] == [(i + 1, f"s{i}", Decimal("2.50"), when)]
        assert await stmt.fetchval(41, "x", Decimal(0), when) == 42
        row = await stmt.fetchrow(1, None, None, None)
        assert row is not None and tuple(row) == (2, None, None, None)

    run(node, body)


def test_prepared_statement_with_unknown_param_type(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        # Untyped `$1 || 'x'`: PostgreSQL infers text for the parameter.
        stmt = await conn.prepare("SELECT $1 || 'x' AS s")
        assert [t.name for t in stmt.get_parameters()] == ["text"]
        assert await stmt.fetchval("a") == "ax"

    run(node, body)


def test_cypher_with_parameters(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        t = await node_table(conn, "apg_cy")
        create = (
            f"SELECT * FROM cypher($$ CREATE (:{t} {{id: $id, name: $name}}) $$, $1) AS (r text)"
        )
        await conn.executemany(
            create, [(json.dumps({"id": i, "name": f"n{i}"}),) for i in range(5)]
        )
        rows = await conn.fetch(
            f"SELECT * FROM cypher($$ MATCH (p:{t}) WHERE p.id >= $min RETURN p.id, p.name"
            " ORDER BY p.id $$, $1::json) AS (id int8, name text)",
            json.dumps({"min": 3}),
        )
        assert [tuple(r) for r in rows] == [(3, "n3"), (4, "n4")]

    run(node, body)


def test_transactions_commit_and_rollback(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        t = await node_table(conn, "apg_tx")
        create = f"SELECT * FROM cypher($$ CREATE (:{t} {{id: $id}}) $$, $1) AS (r text)"
        async with conn.transaction():
            await conn.execute(create, '{"id": 1}')
            assert conn.is_in_transaction()
        assert not conn.is_in_transaction()
        with pytest.raises(RuntimeError, match="roll me back"):
            async with conn.transaction():
                await conn.execute(create, '{"id": 2}')
                assert await node_ids(conn, t) == [1, 2]
                raise RuntimeError("roll me back")
        assert await node_ids(conn, t) == [1]
        # A failed statement inside the block: the context manager rolls back.
        with pytest.raises(asyncpg.DivisionByZeroError):
            async with conn.transaction():
                await conn.execute(create, '{"id": 3}')
                await conn.fetchval("SELECT 1/0")
        assert not conn.is_in_transaction()
        assert await node_ids(conn, t) == [1]

    run(node, body)


def test_errors_map_to_exceptions(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        cases: list[tuple[str, tuple[Any, ...], type[asyncpg.PostgresError], str]] = [
            ("SELECT 1/0", (), asyncpg.DivisionByZeroError, "22012"),
            ("SELECT $1::int4 / 0", (1,), asyncpg.DivisionByZeroError, "22012"),
            ("SELECT 'abc'::int4", (), asyncpg.InvalidTextRepresentationError, "22P02"),
            ("SELEC 1", (), asyncpg.PostgresSyntaxError, "42601"),
            ("SHOW no_such_setting_xyz", (), asyncpg.UndefinedObjectError, "42704"),
            ("SELECT 2147483647::int4 + 1", (), asyncpg.NumericValueOutOfRangeError, "22003"),
        ]
        for sql, args, exc_type, sqlstate in cases:
            with pytest.raises(exc_type) as exc:
                await conn.fetch(sql, *args)
            assert exc.value.sqlstate == sqlstate, sql
        # The connection survives every error.
        assert await conn.fetchval("SELECT 'alive'") == "alive"

    run(node, body)


def test_failed_transaction_block(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        tr = conn.transaction()
        await tr.start()
        with pytest.raises(asyncpg.DivisionByZeroError):
            await conn.fetchval("SELECT 1/0")
        with pytest.raises(asyncpg.InFailedSQLTransactionError) as exc:
            await conn.fetchval("SELECT 1")
        assert exc.value.sqlstate == "25P02"
        await tr.rollback()
        assert await conn.fetchval("SELECT 3") == 3

    run(node, body)


def test_copy_from_query(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> str:
        buf = io.BytesIO()
        await conn.copy_from_query("SELECT 1 AS a, 'x y' AS b", output=buf, format="csv")
        return buf.getvalue().decode()

    assert run(node, body) == "1,x y\n"


def test_settings_and_timezone(node: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute("SET TimeZone = 'Asia/Tokyo'")
        assert await conn.fetchval("SHOW TimeZone") == "Asia/Tokyo"
        got = await conn.fetchval("SELECT '2026-01-01 00:00:00+00'::timestamptz::text")
        assert got == "2026-01-01 09:00:00+09"
        assert await conn.fetchval("SELECT set_config('myapp.x', $1, false)", "v") == "v"
        assert await conn.fetchval("SELECT current_setting('myapp.x')") == "v"

    run(node, body)
