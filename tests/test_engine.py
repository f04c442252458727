"""The engine boundary: Kuzu errors as SQLSTATEs, write detection, cancel."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kuzugres.engine import DataDirError, Engine, cypher_is_write, split_cypher_statements
from kuzugres.errors import PgError


@pytest.mark.parametrize(
    ("cypher", "sqlstate"),
    [
        ("CREATE NODE TABLE t(id INT64, PRIMARY KEY(id))", "42P07"),
        ("MATCH (n:nope) RETURN n", "42P01"),
        ("MATCH (n:t) RETURN n.nope", "42703"),
        ("RETURN foo(1)", "42883"),
        ("RETURN 1/0", "22012"),
        ("RETURN CAST('x' AS INT64)", "22P02"),
        ("RETURN CAST(200 AS INT8)", "22003"),
        ("MATCH (n:t RETURN n", "42601"),
        ("CREATE (:t {id: 1})", "23505"),
    ],
)
def test_kuzu_errors_map_to_sqlstates(tmp_path: Path, cypher: str, sqlstate: str) -> None:
    async def go() -> None:
        engine = Engine(tmp_path / "data", pool_size=2)
        conn = await engine.acquire()
        try:
            await conn.run("CREATE NODE TABLE t(id INT64, PRIMARY KEY(id))")
            await conn.run("CREATE (:t {id: 1})")
            with pytest.raises(PgError) as e:
                await conn.run(cypher)
            assert e.value.code == sqlstate, e.value.message
        finally:
            engine.release(conn)
            engine.close()

    asyncio.run(go())


@pytest.mark.parametrize(
    ("cypher", "write"),
    [
        ("MATCH (n) RETURN n", False),
        ("MATCH (n) WHERE n.name = 'CREATE' RETURN n", False),
        ("MATCH (n) // DELETE n\nRETURN n", False),
        ("CALL show_tables() RETURN *", False),
        ("CALL table_info('t') RETURN *", False),
        ("MATCH (n) SET n.x = 1", True),
        ("MATCH (n) DETACH DELETE n", True),
        ("MERGE (n:t {id: 1})", True),
        ("CREATE NODE TABLE x(id INT64, PRIMARY KEY(id))", True),
        ("COPY t FROM 'f.csv'", True),
    ],
)
def test_write_detection(cypher: str, write: bool) -> None:
    assert cypher_is_write(cypher) is write


def test_statement_count_ignores_semicolons_in_literals() -> None:
    assert split_cypher_statements("RETURN 'a;b'") == 1
    assert split_cypher_statements("RETURN 1; RETURN 2;") == 2


def test_cancel_interrupts_and_connection_is_reusable(tmp_path: Path) -> None:
    async def go() -> None:
        engine = Engine(tmp_path / "data", pool_size=1)
        conn = await engine.acquire()
        task = asyncio.ensure_future(
            conn.run("UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN sum(x * y)")
        )
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        result = await conn.run("RETURN 41 + 1 AS v")
        assert result.rows == [[42]]
        engine.release(conn)
        engine.close()

    asyncio.run(go())


def test_data_dir_lock(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "data", pool_size=1)
    with pytest.raises(DataDirError, match="in use by another running kuzugres node"):
        Engine(tmp_path / "data", pool_size=1)
    engine.close()
    Engine(tmp_path / "data", pool_size=1).close()


def test_checkpoint_after_rolled_back_write_keeps_updates_working(tmp_path: Path) -> None:
    """Kuzu 0.11.3 sometimes reports a false write-write conflict when a row updated by a
    rolled-back transaction is updated again; the executor checkpoints after such a
    rollback (SessionExecutor._rollback). This is the sequence that shows it."""

    async def go() -> None:
        engine = Engine(tmp_path / "data", pool_size=1)
        conn = await engine.acquire()
        await conn.run("CREATE NODE TABLE s(name STRING, value INT64, PRIMARY KEY(name))")
        await conn.run("CREATE (:s {name: 'a', value: 1})")
        bump = "MATCH (s:s) WHERE s.name = 'a' SET s.value = s.value + 1 RETURN s.value"
        for end in ("COMMIT", "ROLLBACK", "COMMIT", "ROLLBACK", "COMMIT") * 3:
            await conn.run("BEGIN TRANSACTION")
            await conn.run(bump)
            await conn.run(end)
            if end == "ROLLBACK":
                await conn.run("CHECKPOINT")
        assert (await conn.run("MATCH (s:s) RETURN s.value")).rows == [[10]]
        engine.release(conn)
        engine.close()

    asyncio.run(go())


def test_arrow_fetch_returns_get_next_values(tmp_path: Path) -> None:
    """Large results read through Arrow (decision 0013) equal `get_next`'s values."""
    import gc

    import kuzu

    from kuzugres.engine import fetch_all

    db = kuzu.Database(str(tmp_path / "db"))
    conn = kuzu.Connection(db)
    conn.execute(
        "CREATE NODE TABLE t(id INT64, dt DATE, ts TIMESTAMP, b BOOL, s INT16, f FLOAT,"
        " x DOUBLE, st STRING, i8 INT8, PRIMARY KEY(id))"
    )
    conn.execute(
        "UNWIND range(1, 500) AS i CREATE (:t {id: i, dt: CASE WHEN i % 3 = 0 THEN NULL"
        " ELSE date('1900-01-01') + to_days(i * 37) END, ts: timestamp('1960-01-01"
        " 10:00:00.123456') + to_seconds(i * 99991), b: i % 2 = 0, s: CAST(i AS INT16),"
        " f: CAST(i / 7.0 AS FLOAT), x: i / 3.0, st: 'héllo' + CAST(i AS STRING),"
        " i8: CAST(i % 100 AS INT8)})"
    )
    conn.execute(
        "CREATE (:t {id: 0, dt: date('0001-01-01'), ts: timestamp('0001-01-01 00:00:00'),"
        " x: -0.0, f: CAST('nan' AS FLOAT)})"
    )
    conn.execute("CREATE (:t {id: -1, dt: date('9999-12-31'), x: CAST('inf' AS DOUBLE), st: ''})")
    for q in (
        "MATCH (n:t) RETURN n.*",
        "MATCH (n:t) RETURN n.id, [n.id, n.s], [n.st], collect(n.st), [n.f, n.x]",
    ):
        got = fetch_all(conn.execute(q)).rows
        want = conn.execute(q).get_all()
        # two runs of an aggregation may give its groups in different orders
        assert sorted(repr(r) for r in got) == sorted(repr(r) for r in want)
        assert all(isinstance(r, list) for r in got)
    assert gc.isenabled()
    conn.close()
    db.close()
