"""asyncpg features that read the catalog: type codecs and its type introspection query.

asyncpg knows the built-in types by OID; for any other OID in a RowDescription or a
parameter (domains such as information_schema's, arrays of them, OID-alias types) it
runs its own introspection query over pg_type/pg_range/pg_attribute on first use.
The expected values are what PostgreSQL 15 returns to the same calls.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import asyncpg
import pytest

from tests.serverproc import NodeProcess, start_node

T = TypeVar("T")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    node = start_node(Path(tmp_path_factory.mktemp("apgi")) / "node")
    try:
        yield node
    finally:
        node.stop()


def run(node: NodeProcess, body: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    async def main() -> T:
        conn = await asyncpg.connect(node.url, timeout=10)
        try:
            return await asyncio.wait_for(body(conn), timeout=60)
        finally:
            await conn.close(timeout=10)

    return asyncio.run(main())


def test_jsonb_codec_and_arrays(fresh: NodeProcess) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        await conn.set_type_codec(
            "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )
        await conn.execute(
            "CREATE TABLE docs (id int PRIMARY KEY, body jsonb, tags text[], nums int[],"
            " fl float8[], days date[])"
        )
        await conn.execute(
            "INSERT INTO docs VALUES ($1, $2, $3, $4, $5, $6)",
            1,
            {"a": [1, 2], "b": None},
            ["x", "y z"],
            [1, None, 3],
            [1.5, -2.0],
            [dt.date(2020, 1, 1)],
        )
        row = await conn.fetchrow("SELECT * FROM docs")
        assert row is not None
        assert dict(row) == {
            "id": 1,
            "body": {"a": [1, 2], "b": None},
            "tags": ["x", "y z"],
            "nums": [1, None, 3],
            "fl": [1.5, -2.0],
            "days": [dt.date(2020, 1, 1)],
        }
        assert await conn.fetchval("SELECT $1::jsonb -> 'k'", {"k": [3]}) == [3]
        arrays = await conn.fetchrow(
            "SELECT ARRAY[1, 2]::int8[] a, ARRAY['a', NULL]::text[] b, ARRAY[true]::bool[] c,"
            " ARRAY[1.5]::numeric[] d, ARRAY[]::int4[] e"
        )
        assert arrays is not None
        assert tuple(arrays) == ([1, 2], ["a", None], [True], [Decimal("1.5")], [])
        assert await conn.fetchval("SELECT $1::text[]", ["a", "b"]) == ["a", "b"]

    run(fresh, body)


def test_introspected_types(fresh: NodeProcess) -> None:
    """Domains (information_schema's), OID-alias types and "char" need asyncpg's query."""

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute("CREATE TABLE intro (id serial PRIMARY KEY, v text)")
        rows = await conn.fetch(
            "SELECT table_name, column_name, ordinal_position, is_nullable"
            " FROM information_schema.columns WHERE table_name = 'intro' ORDER BY 3"
        )
        assert [tuple(r) for r in rows] == [
            ("intro", "id", 1, "NO"),
            ("intro", "v", 2, "YES"),
        ]
        assert await conn.fetchval("SELECT 'intro'::regclass") == "intro"
        assert await conn.fetchval("SELECT 'int4'::regtype") == "integer"
        assert await conn.fetchval("SELECT to_regclass('nope')") is None
        # "char" is sent in binary as one byte; the empty "char" is byte 0.
        row = await conn.fetchrow(
            "SELECT attgenerated, attidentity, 'ab'::\"char\" c FROM pg_attribute"
            " WHERE attrelid = 'intro'::regclass AND attnum = 1"
        )
        assert row is not None and tuple(row) == (b"\x00", b"\x00", b"a")

    run(fresh, body)


def test_definitions_quote_identifiers(fresh: NodeProcess) -> None:
    """pg_get_constraintdef/pg_get_indexdef quote names as PostgreSQL does (SQLAlchemy
    parses foreign keys out of the text)."""

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute('CREATE TABLE "Parent" ("Id" int PRIMARY KEY, "select" int UNIQUE)')
        await conn.execute('CREATE TABLE kid (id int PRIMARY KEY, "Pid" int REFERENCES "Parent")')
        rows = await conn.fetch(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid IN ('kid'::regclass, '\"Parent\"'::regclass) ORDER BY 1"
        )
        assert [tuple(r) for r in rows] == [
            ("Parent_pkey", 'PRIMARY KEY ("Id")'),
            ("Parent_select_key", 'UNIQUE ("select")'),
            ("kid_Pid_fkey", 'FOREIGN KEY ("Pid") REFERENCES "Parent"("Id")'),
            ("kid_pkey", "PRIMARY KEY (id)"),
        ]
        keys = await conn.fetch(
            "SELECT pg_get_indexdef(indexrelid, 1, true) FROM pg_index"
            " WHERE indrelid = '\"Parent\"'::regclass ORDER BY 1"
        )
        assert [r[0] for r in keys] == ['"Id"', '"select"']

    run(fresh, body)


def test_enum_type_introspection(fresh: NodeProcess) -> None:
    """A user-defined enum: asyncpg introspects its OID (typtype 'e'), then sends and
    receives labels as text, in binary, and in arrays; comparisons use the declared order."""

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
        await conn.execute("CREATE TABLE feelings (id int PRIMARY KEY, m mood, ms mood[])")
        await conn.execute("INSERT INTO feelings VALUES ($1, $2, $3)", 1, "happy", ["sad", "happy"])
        await conn.executemany(
            "INSERT INTO feelings (id, m) VALUES ($1, $2)", [(2, "sad"), (3, "ok")]
        )
        row = await conn.fetchrow("SELECT m, ms FROM feelings WHERE id = 1")
        assert row is not None
        assert (row["m"], row["ms"]) == ("happy", ["sad", "happy"])
        assert await conn.fetchval("SELECT 'ok'::mood") == "ok"
        assert [r["id"] for r in await conn.fetch("SELECT id FROM feelings ORDER BY m")] == [
            2,
            3,
            1,
        ]
        ids = await conn.fetch("SELECT id FROM feelings WHERE m > $1 ORDER BY id", "sad")
        assert [r["id"] for r in ids] == [1, 3]
        ids = await conn.fetch(
            "SELECT id FROM feelings WHERE m = ANY($1) ORDER BY id", ["ok", "sad"]
        )
        assert [r["id"] for r in ids] == [2, 3]
        assert await conn.fetchval("SELECT enum_range(NULL::mood)") == ["sad", "ok", "happy"]
        with pytest.raises(asyncpg.InvalidTextRepresentationError, match='enum mood: "meh"'):
            await conn.execute("INSERT INTO feelings (id, m) VALUES ($1, $2)", 9, "meh")
        kind = await conn.fetchrow(
            "SELECT t.typtype, t.typcategory, e.typname AS arr FROM pg_type t"
            " JOIN pg_type e ON e.oid = t.typarray WHERE t.typname = 'mood'"
        )
        assert kind is not None
        assert tuple(kind) == (b"e", b"E", "_mood")  # "char" decodes to bytes

    run(fresh, body)
