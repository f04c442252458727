"""Time travel: `SET kuzugres.as_of` shows the database (data and schema) as it was at a
moment, from snapshots replayed from the event log; writes under it answer 25006.

One node, one history (decision 0018):
- t0: nothing exists;
- t1: tables dept, emp (a serial key, a foreign key), old, and a view;
- t2: after an UPDATE, a DELETE, ALTER TABLE ... ADD COLUMN, DROP TABLE old, CREATE TABLE
  newt.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from kuzugres import timetravel
from kuzugres.engine import Engine
from kuzugres.errcodes import ConfigurationLimitExceeded
from kuzugres.node import node_id_for
from kuzugres.sync.log import FileLog
from kuzugres.timetravel import SnapshotCache
from tests.serverproc import NodeProcess, start_node


def _moment() -> str:
    """Now, between two commits (HLC timestamps are wall-clock milliseconds)."""
    time.sleep(0.02)
    moment = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    time.sleep(0.02)
    return moment


@pytest.fixture(scope="module")
def history(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[NodeProcess, dict[str, str]]]:
    data = tmp_path_factory.mktemp("asof") / "node"
    node = start_node(data)
    moments: dict[str, str] = {}
    try:
        with psycopg.connect(node.dsn, autocommit=True) as conn:
            moments["t0"] = _moment()
            conn.execute("CREATE TABLE dept (id int PRIMARY KEY, name text NOT NULL)")
            conn.execute(
                "CREATE TABLE emp (id serial PRIMARY KEY, name text, "
                "dept int REFERENCES dept (id), salary int)"
            )
            conn.execute("CREATE TABLE old (k int PRIMARY KEY, v text)")
            conn.execute("INSERT INTO dept VALUES (1, 'eng'), (2, 'ops')")
            conn.execute(
                "INSERT INTO emp (name, dept, salary) VALUES "
                "('ann', 1, 100), ('bob', 1, 200), ('cid', 2, 300)"
            )
            conn.execute("INSERT INTO old VALUES (1, 'x'), (2, 'y')")
            conn.execute(
                "CREATE VIEW dept_pay AS SELECT d.name, sum(e.salary) AS total "
                "FROM dept d JOIN emp e ON e.dept = d.id GROUP BY d.name"
            )
            moments["t1"] = _moment()
            moments["t1b"] = _moment()  # no commit between t1 and t1b
            conn.execute("UPDATE emp SET salary = salary + 1000 WHERE name = 'ann'")
            with conn.transaction():  # one row updated twice in one transaction
                conn.execute("UPDATE emp SET salary = 250 WHERE name = 'bob'")
                conn.execute("UPDATE emp SET name = 'bobby' WHERE id = 2")
            conn.execute("DELETE FROM emp WHERE name = 'cid'")
            conn.execute("ALTER TABLE emp ADD COLUMN bonus int DEFAULT 7")
            conn.execute("DROP TABLE old")
            conn.execute("CREATE TABLE newt (a int)")
            conn.execute("INSERT INTO newt VALUES (42)")
            moments["t2"] = _moment()
        yield node, moments
    finally:
        node.stop()
    assert not (data / "asof").exists(), "snapshots are removed when the node stops"


def _rows(conn: psycopg.Connection[Any], sql: str) -> list[tuple[Any, ...]]:
    return conn.execute(sql).fetchall()


def _sqlstate(conn: psycopg.Connection[Any], sql: str) -> str | None:
    with pytest.raises(psycopg.Error) as info:
        conn.execute(sql)
    return info.value.sqlstate


def test_past_data_and_schema(history: tuple[NodeProcess, dict[str, str]]) -> None:
    node, t = history
    with psycopg.connect(node.dsn, autocommit=True) as conn:
        conn.execute(f"SET kuzugres.as_of = '{t['t1']}'")
        assert _rows(conn, "SELECT name, salary FROM emp ORDER BY id") == [
            ("ann", 100),
            ("bob", 200),
            ("cid", 300),
        ]
        assert _rows(conn, "SELECT k, v FROM old ORDER BY k") == [(1, "x"), (2, "y")]
        assert _sqlstate(conn, "SELECT bonus FROM emp") == "42703"
        assert _sqlstate(conn, "SELECT * FROM newt") == "42P01"
        assert _rows(
            conn,
            "SELECT d.name, count(*), sum(e.salary) FROM dept d JOIN emp e ON e.dept = d.id "
            "GROUP BY d.name ORDER BY d.name",
        ) == [("eng", 2, 300), ("ops", 1, 300)]
        assert _rows(conn, "SELECT name, total FROM dept_pay ORDER BY name") == [
            ("eng", 300),
            ("ops", 300),
        ]
        cols = _rows(
            conn,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'emp' ORDER BY ordinal_position",
        )
        assert cols == [("id",), ("name",), ("dept",), ("salary",)]
        tables = _rows(
            conn,
            "SELECT relname FROM pg_catalog.pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace ORDER BY relname",
        )
        assert tables == [("dept",), ("emp",), ("old",)]

        conn.execute(f"SET kuzugres.as_of = '{t['t2']}'")
        assert _rows(conn, "SELECT name, salary, bonus FROM emp ORDER BY id") == [
            ("ann", 1100, 7),
            ("bobby", 250, 7),
        ]
        assert _sqlstate(conn, "SELECT * FROM old") == "42P01"
        assert _rows(conn, "SELECT a FROM newt") == [(42,)]

        conn.execute(f"SET kuzugres.as_of = '{t['t0']}'")
        assert _sqlstate(conn, "SELECT * FROM emp") == "42P01"
        assert _rows(
            conn,
            "SELECT count(*) FROM pg_catalog.pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace",
        ) == [(0,)]

        conn.execute("RESET kuzugres.as_of")
        assert _rows(conn, "SELECT count(*) FROM emp") == [(2,)]
        assert _sqlstate(conn, "SELECT * FROM old") == "42P01"


def test_show_normalizes_and_bad_values(history: tuple[NodeProcess, dict[str, str]]) -> None:
    node, _ = history
    with psycopg.connect(node.dsn, autocommit=True) as conn:
        assert _rows(conn, "SHOW kuzugres.as_of") == [("",)]
        conn.execute("SET TimeZone = 'Europe/Paris'")
        conn.execute("SET kuzugres.as_of = '2026-01-01 12:00:00'")
        assert _rows(conn, "SHOW kuzugres.as_of") == [("2026-01-01 11:00:00+00",)]
        assert _sqlstate(conn, "SET kuzugres.as_of = 'yesterday-ish'") == "22007"
        assert _sqlstate(conn, "SET kuzugres.as_of = '2026-13-01 00:00'") == "22008"
        assert _rows(conn, "SHOW kuzugres.as_of") == [("2026-01-01 11:00:00+00",)]
        conn.execute("RESET kuzugres.as_of")
        assert _rows(conn, "SHOW kuzugres.as_of") == [("",)]


def test_writes_are_refused(history: tuple[NodeProcess, dict[str, str]]) -> None:
    node, t = history
    with psycopg.connect(node.dsn, autocommit=True) as conn:
        conn.execute(f"SET kuzugres.as_of = '{t['t1']}'")
        for sql in (
            "INSERT INTO dept VALUES (9, 'x')",
            "UPDATE emp SET salary = 0",
            "DELETE FROM dept",
            "CREATE TABLE z (a int)",
            "DROP TABLE old",
            "ALTER TABLE emp ADD COLUMN c int",
            "SELECT nextval('emp_id_seq')",
            "SELECT * FROM emp FOR UPDATE",
        ):
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction) as info:
                conn.execute(sql)
            assert "kuzugres.as_of" in str(info.value), sql
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction) as info:
            conn.execute("CREATE TABLE z (a int)")
        assert str(info.value).startswith("cannot execute CREATE TABLE while kuzugres.as_of")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            with conn.cursor().copy("COPY dept FROM STDIN") as copy:
                copy.write_row((5, "q"))
        # nothing was written: the present is unchanged
        conn.execute("RESET kuzugres.as_of")
        assert _rows(conn, "SELECT count(*) FROM dept") == [(2,)]
        assert _rows(conn, "SELECT count(*) FROM emp") == [(2,)]
        conn.execute("INSERT INTO dept VALUES (3, 'new')")  # writable again
        conn.execute("DELETE FROM dept WHERE id = 3")


def test_set_local_and_other_sessions(history: tuple[NodeProcess, dict[str, str]]) -> None:
    node, t = history
    with (
        psycopg.connect(node.dsn, autocommit=True) as conn,
        psycopg.connect(node.dsn, autocommit=True) as other,
    ):
        conn.execute("BEGIN")
        conn.execute(f"SET LOCAL kuzugres.as_of = '{t['t1']}'")
        assert _rows(conn, "SELECT count(*) FROM emp") == [(3,)]
        assert _rows(other, "SELECT count(*) FROM emp") == [(2,)]
        assert _sqlstate(other, "SELECT * FROM old") == "42P01"
        conn.execute("COMMIT")
        assert _rows(conn, "SHOW kuzugres.as_of") == [("",)]
        assert _rows(conn, "SELECT count(*) FROM emp") == [(2,)]

        conn.execute(f"SET kuzugres.as_of = '{t['t1']}'")
        assert _rows(conn, "SELECT count(*) FROM old") == [(2,)]
        assert _rows(other, "SELECT count(*) FROM emp") == [(2,)]
        other.execute("INSERT INTO newt VALUES (43)")  # others still write
        assert _sqlstate(conn, "SELECT * FROM newt") == "42P01"
        other.execute("DELETE FROM newt WHERE a = 43")

        # SET inside a transaction is undone by ROLLBACK
        conn.execute("RESET kuzugres.as_of")
        conn.execute("BEGIN")
        conn.execute(f"SET kuzugres.as_of = '{t['t1']}'")
        assert _rows(conn, "SELECT count(*) FROM old") == [(2,)]
        conn.execute("ROLLBACK")
        assert _sqlstate(conn, "SELECT * FROM old") == "42P01"


def test_future_moment_is_the_latest_state(history: tuple[NodeProcess, dict[str, str]]) -> None:
    node, _ = history
    with psycopg.connect(node.dsn, autocommit=True) as conn:
        conn.execute("SET kuzugres.as_of = '2999-01-01 00:00:00+00'")
        assert _rows(conn, "SELECT a FROM newt ORDER BY a") == [(42,)]
        assert _rows(conn, "SELECT count(*) FROM emp") == [(2,)]


def test_snapshots_are_shared_between_moments(
    history: tuple[NodeProcess, dict[str, str]],
) -> None:
    node, t = history
    asof = Path(node.data) / "asof"
    with (
        psycopg.connect(node.dsn, autocommit=True) as a,
        psycopg.connect(node.dsn, autocommit=True) as b,
    ):
        a.execute(f"SET kuzugres.as_of = '{t['t1']}'")
        before = {p.name for p in asof.iterdir()}
        b.execute(f"SET kuzugres.as_of = '{t['t1b']}'")  # no commit in between
        assert {p.name for p in asof.iterdir()} == before
        assert _rows(a, "SELECT count(*) FROM old") == _rows(b, "SELECT count(*) FROM old")


def test_cache_builds_once_and_evicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SnapshotCache on a stopped node's data: concurrent requests for moments between
    the same two commits share one build; unused snapshots beyond the capacity go."""
    data = tmp_path / "node"
    node = start_node(data)
    moments = []
    try:
        with psycopg.connect(node.dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (a int)")
            for i in range(3):
                conn.execute("INSERT INTO t VALUES (%s)", (i,))
                moments.append(dt.datetime.fromisoformat(_moment()))
    finally:
        node.stop()

    async def scenario() -> None:
        engine = Engine(data, pool_size=2)
        log = FileLog(data / "events")
        cache = SnapshotCache(data, log, node_id_for(data, None), engine, capacity=1)
        try:
            later = moments[0] + dt.timedelta(milliseconds=5)
            a, b = await asyncio.gather(cache.acquire(moments[0]), cache.acquire(later))
            assert a is b and a.users == 2
            assert [p.name for p in cache.directory.iterdir()] == [str(a.seq)]
            conn = await a.engine.acquire()
            try:
                found = await conn.run("MATCH (n:t) RETURN count(*)")
                assert found.rows == [[1]]
            finally:
                a.engine.release(conn)
            c = await cache.acquire(moments[2])
            assert c.seq > a.seq  # a is still used: both stay
            assert len(list(cache.directory.iterdir())) == 2
            monkeypatch.setattr(timetravel, "MAX_OPEN", 2)  # both in use: no third
            with pytest.raises(ConfigurationLimitExceeded):
                await cache.acquire(moments[1])
            monkeypatch.undo()
            cache.release(a)
            cache.release(b)
            assert not a.path.exists()  # evicted once unused
            assert c.path.exists()
            empty = await cache.acquire(moments[0] - dt.timedelta(days=1))
            assert empty.seq == 0 and empty.store.catalog.tables == {}
            cache.release(empty)
            cache.release(c)
        finally:
            cache.clear()
            log.close()
            engine.close()
        assert not cache.directory.exists()

    asyncio.run(scenario())


def test_in_transactions_and_multi_statement_queries(
    history: tuple[NodeProcess, dict[str, str]],
) -> None:
    node, t = history
    with psycopg.connect(node.dsn, autocommit=True) as conn:
        # one simple Query: the SELECT was translated before the SET ran
        conn.execute(f"SET kuzugres.as_of = '{t['t1']}'; SELECT 1")
        assert _rows(conn, "SELECT count(*) FROM old") == [(2,)]
        conn.execute("RESET kuzugres.as_of")
        cur = conn.execute(f"SET kuzugres.as_of = '{t['t1']}'; SELECT v FROM old ORDER BY k")
        assert cur.nextset() and cur.fetchall() == [("x",), ("y",)]
        conn.execute("RESET kuzugres.as_of")

        # REPEATABLE READ reads under a snapshot in a read-only Kuzu transaction
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        conn.execute(f"SET LOCAL kuzugres.as_of = '{t['t1']}'")
        assert _rows(conn, "SELECT count(*) FROM emp") == [(3,)]
        assert _rows(conn, "SELECT sum(salary) FROM emp") == [(600,)]
        # the engine cannot change under an open Kuzu transaction: 25001
        assert _sqlstate(conn, f"SET kuzugres.as_of = '{t['t2']}'") == "25001"
        conn.execute("ROLLBACK")
        assert _rows(conn, "SHOW kuzugres.as_of") == [("",)]
        assert _rows(conn, "SELECT count(*) FROM emp") == [(2,)]

    # a session default from the startup options applies from the first statement
    # executed (one that translates against the present, decision 0018)
    options = f"options='-c kuzugres.as_of={t['t1'].replace(' ', 'T')}'"
    with psycopg.connect(f"{node.dsn} {options}", autocommit=True) as conn:
        assert _rows(conn, "SELECT count(*) FROM emp") == [(3,)]
        assert _rows(conn, "SELECT count(*) FROM old") == [(2,)]


def test_snapshots_of_a_killed_node_are_removed_at_start(tmp_path: Path) -> None:
    data = tmp_path / "node"
    node = start_node(data)
    try:
        with psycopg.connect(node.dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (a int)")
            conn.execute("INSERT INTO t VALUES (1)")
            conn.execute(f"SET kuzugres.as_of = '{_moment()}'")
            assert _rows(conn, "SELECT a FROM t") == [(1,)]
            assert any((data / "asof").iterdir())
    finally:
        node.kill()
    assert (data / "asof").exists()
    node = start_node(data)
    try:
        assert not (data / "asof").exists()
        with psycopg.connect(node.dsn, autocommit=True) as conn:
            assert _rows(conn, "SELECT a FROM t") == [(1,)]
    finally:
        node.stop()


def test_concurrent_sessions_share_one_build(history: tuple[NodeProcess, dict[str, str]]) -> None:
    node, _ = history
    asof = Path(node.data) / "asof"
    with psycopg.connect(node.dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO newt VALUES (7)")
        moment = _moment()
        conn.execute("DELETE FROM newt WHERE a = 7")
    before = {p.name for p in asof.iterdir()} if asof.exists() else set()
    results: list[Any] = []

    def reader() -> None:
        with psycopg.connect(node.dsn, autocommit=True) as c:
            c.execute(f"SET kuzugres.as_of = '{moment}'")
            results.append(_rows(c, "SELECT a FROM newt ORDER BY a"))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [[(7,), (42,)]] * 4
    assert len({p.name for p in asof.iterdir()} - before) == 1


def test_cypher_and_prepared_statements(history: tuple[NodeProcess, dict[str, str]]) -> None:
    node, t = history
    with psycopg.connect(node.dsn, autocommit=True) as conn:
        cur = conn.cursor()
        same = "SELECT name FROM emp WHERE id = %s"
        star = "SELECT * FROM emp WHERE id = %s"
        assert cur.execute(same, (1,), prepare=True).fetchall() == [("ann",)]
        assert len(cur.execute(star, (1,), prepare=True).fetchall()[0]) == 5
        conn.execute(f"SET kuzugres.as_of = '{t['t1']}'")
        # a prepared statement returning the same columns runs against the past...
        assert cur.execute(same, (3,), prepare=True).fetchall() == [("cid",)]
        # ...one whose columns differ there answers like PostgreSQL after DDL
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="cached plan"):
            cur.execute(star, (1,), prepare=True)
        assert _rows(
            conn, "SELECT * FROM cypher('MATCH (n:old) RETURN n.v ORDER BY n.v') AS (v text)"
        ) == [("x",), ("y",)]
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("SELECT * FROM cypher('CREATE (n:old {k: 9})') AS (v text)")


def test_too_many_snapshots_in_use(history: tuple[NodeProcess, dict[str, str]]) -> None:
    node, _ = history
    moments = []
    with psycopg.connect(node.dsn, autocommit=True) as conn:
        for i in range(timetravel.MAX_OPEN + 1):
            conn.execute("INSERT INTO newt VALUES (%s)", (100 + i,))
            moments.append(_moment())
        conn.execute("DELETE FROM newt WHERE a >= 100")
    sessions = [psycopg.connect(node.dsn, autocommit=True) for _ in moments]
    try:
        for conn, moment in zip(sessions[:-1], moments, strict=False):
            conn.execute(f"SET kuzugres.as_of = '{moment}'")
        last = sessions[-1]
        with pytest.raises(psycopg.errors.ConfigurationLimitExceeded):
            last.execute(f"SET kuzugres.as_of = '{moments[-1]}'")
        assert _rows(last, "SHOW kuzugres.as_of") == [("",)]  # the SET did not happen
        assert _rows(last, "SELECT count(*) FROM newt") == [(1,)]
        sessions[0].execute("RESET kuzugres.as_of")  # frees one
        last.execute(f"SET kuzugres.as_of = '{moments[-1]}'")
        assert _rows(last, "SELECT count(*) FROM newt") == [(timetravel.MAX_OPEN + 2,)]
    finally:
        for conn in sessions:
            conn.close()
