"""Sessions and transactions with PostgreSQL semantics on top of Kuzu's, over real sockets."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from tests.serverproc import NodeProcess, start_node

_names = itertools.count()


def make_table(node: NodeProcess) -> str:
    """A fresh node table `t<n>(id INT64 PK, v INT64)`."""
    name = f"sess{next(_names)}_{int(time.time() * 1000) % 100000}"
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute(
            f"SELECT * FROM cypher($$ CREATE NODE TABLE {name}(id INT64, v INT64, "
            "PRIMARY KEY(id)) $$) AS (r text)"
        )
    return name


def insert(conn: psycopg.Connection, table: str, id: int, v: int = 0) -> None:
    conn.execute(
        f"SELECT * FROM cypher($$ CREATE (:{table} {{id: $id, v: $v}}) $$, %s::json) AS (r text)",
        [f'{{"id": {id}, "v": {v}}}'],
    )


def ids(conn: psycopg.Connection, table: str) -> list[int]:
    rows = conn.execute(
        f"SELECT * FROM cypher($$ MATCH (n:{table}) RETURN n.id ORDER BY n.id $$) AS (id int8)"
    ).fetchall()
    return [r[0] for r in rows]


def test_writers_queue_and_readers_do_not_wait(node: NodeProcess) -> None:
    t = make_table(node)
    a = psycopg.connect(node.dsn)
    insert(a, t, 1)  # a's transaction now holds the writer lock
    done: list[float] = []

    def writer() -> None:
        with psycopg.connect(node.dsn, autocommit=True) as b:
            insert(b, t, 2)
            done.append(time.monotonic())

    th = threading.Thread(target=writer)
    th.start()
    time.sleep(0.5)
    assert not done, "a second writer must wait for the first"
    with psycopg.connect(node.dsn, autocommit=True) as r:
        assert ids(r, t) == []  # a reader does not wait and sees only committed data
    committed = time.monotonic()
    a.commit()
    th.join(10)
    assert done and done[0] >= committed
    with psycopg.connect(node.dsn, autocommit=True) as r:
        assert ids(r, t) == [1, 2]
    a.close()


def test_lock_timeout(node: NodeProcess) -> None:
    t = make_table(node)
    with psycopg.connect(node.dsn) as a, psycopg.connect(node.dsn, autocommit=True) as b:
        insert(a, t, 1)
        b.execute("SET lock_timeout = '200ms'")
        with pytest.raises(errors.LockNotAvailable):
            insert(b, t, 2)
        a.rollback()
        insert(b, t, 3)  # the lock is free again
        assert ids(b, t) == [3]


def test_dropped_connection_releases_the_writer_lock(node: NodeProcess) -> None:
    t = make_table(node)
    a = psycopg.connect(node.dsn)
    insert(a, t, 1)
    a.pgconn.finish()  # vanish without COMMIT, holding the lock
    with psycopg.connect(node.dsn, autocommit=True) as b:
        b.execute("SET lock_timeout = '10s'")
        insert(b, t, 2)
        assert ids(b, t) == [2]  # the abandoned write was rolled back


def test_error_in_write_transaction_rolls_back_and_frees_lock(node: NodeProcess) -> None:
    t = make_table(node)
    with psycopg.connect(node.dsn) as a:
        insert(a, t, 1)
        with pytest.raises(errors.UniqueViolation):
            insert(a, t, 1)  # duplicate primary key: Kuzu rolls back
        with pytest.raises(errors.InFailedSqlTransaction):
            a.execute("SELECT 1")
        a.rollback()
        insert(a, t, 5)
        a.commit()
        assert ids(a, t) == [5]


def test_read_only_transaction(node: NodeProcess) -> None:
    t = make_table(node)
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("BEGIN READ ONLY")
        assert c.execute("SHOW transaction_read_only").fetchone() == ("on",)
        with pytest.raises(errors.ReadOnlySqlTransaction):
            insert(c, t, 1)
        c.execute("ROLLBACK")


def test_repeatable_read_keeps_snapshot(node: NodeProcess) -> None:
    t = make_table(node)
    with (
        psycopg.connect(node.dsn, autocommit=True) as a,
        psycopg.connect(node.dsn, autocommit=True) as b,
    ):
        a.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        assert ids(a, t) == []
        insert(b, t, 1)
        assert ids(a, t) == []  # same snapshot
        a.execute("COMMIT")
        assert ids(a, t) == [1]
        # READ COMMITTED (default): each statement sees the latest commits
        a.execute("BEGIN")
        assert ids(a, t) == [1]
        insert(b, t, 2)
        assert ids(a, t) == [1, 2]
        a.execute("COMMIT")


def test_transaction_sees_its_own_writes(node: NodeProcess) -> None:
    t = make_table(node)
    with psycopg.connect(node.dsn) as a:
        insert(a, t, 1)
        assert ids(a, t) == [1]
        a.rollback()
        assert ids(a, t) == []


def test_set_is_transactional(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("BEGIN")
        c.execute("SET application_name = 'inside'")
        c.execute("ROLLBACK")
        assert c.execute("SHOW application_name").fetchone() != ("inside",)
        c.execute("BEGIN")
        c.execute("SET LOCAL statement_timeout = '5s'")
        assert c.execute("SHOW statement_timeout").fetchone() == ("5s",)
        c.execute("COMMIT")
        assert c.execute("SHOW statement_timeout").fetchone() == ("0",)
        c.execute("SET search_path TO myschema, public")
        assert c.execute("SELECT current_setting('search_path')").fetchone() == (
            "myschema, public",
        )
        assert c.execute("SELECT set_config('myapp.who', 'ann', false)").fetchone() == ("ann",)
        assert c.execute("SHOW myapp.who").fetchone() == ("ann",)
        c.execute("RESET ALL")
        assert c.execute("SHOW search_path").fetchone() == ('"$user", public',)
        c.execute("SET TimeZone = 'Asia/Tokyo'")
        c.execute("DISCARD ALL")
        assert c.execute("SHOW TimeZone").fetchone() == ("UTC",)
        with pytest.raises(errors.CantChangeRuntimeParam):
            c.execute("SET server_version = '1'")
        with pytest.raises(errors.InvalidParameterValue):
            c.execute("SET statement_timeout = 'soon'")


def test_transaction_warnings_and_commands(node: NodeProcess) -> None:
    notices: list[str] = []
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.add_notice_handler(lambda d: notices.append(d.sqlstate or ""))
        c.execute("COMMIT")
        c.execute("START TRANSACTION")
        c.execute("BEGIN")
        c.execute("END")
        assert notices == ["25P01", "25001"]
        with pytest.raises(errors.NoActiveSqlTransaction):
            c.execute("SAVEPOINT s1")
        c.execute("BEGIN")
        c.execute("SAVEPOINT s1")
        c.execute("RELEASE SAVEPOINT s1")
        with pytest.raises(errors.InvalidSavepointSpecification):
            c.execute("RELEASE SAVEPOINT s1")
        c.execute("ROLLBACK")


def test_savepoints_settings_and_writes(node: NodeProcess) -> None:
    """ROLLBACK TO reverts settings and writes made after the savepoint."""
    table = make_table(node)
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("BEGIN")
        c.execute("SET LOCAL application_name = 'outer'")
        c.execute("SAVEPOINT a")
        c.execute("SET application_name = 'inner'")
        with pytest.raises(errors.DivisionByZero):
            c.execute("SELECT 1 / 0")
        with pytest.raises(errors.InFailedSqlTransaction):
            c.execute("SELECT 1")
        c.execute("ROLLBACK TO SAVEPOINT a")
        assert c.execute("SHOW application_name").fetchone() == ("outer",)
        c.execute("SAVEPOINT b")
        c.execute("ROLLBACK TO a")  # b is gone, a stays
        with pytest.raises(errors.InvalidSavepointSpecification):
            c.execute("RELEASE b")
        c.execute("ROLLBACK")
        c.execute("BEGIN")
        c.execute("SAVEPOINT a")
        insert(c, table, 1)
        c.execute("ROLLBACK TO SAVEPOINT a")  # the write is undone alone
        assert ids(c, table) == []
        insert(c, table, 2)
        c.execute("COMMIT")
        assert ids(c, table) == [2]


def test_idle_in_transaction_timeout(node: NodeProcess) -> None:
    c = psycopg.connect(node.dsn)
    c.execute("SET idle_in_transaction_session_timeout = '300ms'")
    c.execute("SELECT 1")  # psycopg opened a transaction block
    time.sleep(1.0)
    with pytest.raises(psycopg.Error) as e:
        c.execute("SELECT 1")
    assert "idle-in-transaction" in str(e.value)
    assert c.closed or c.broken
    c.close()


def test_max_connections(tmp_path: Path) -> None:
    n = start_node(tmp_path / "data", "--max-connections", "3")
    try:
        conns = [psycopg.connect(n.dsn) for _ in range(3)]
        with pytest.raises(psycopg.OperationalError, match="too many clients"):
            psycopg.connect(n.dsn)
        conns.pop().close()
        time.sleep(0.2)
        with psycopg.connect(n.dsn) as c:
            assert c.execute("SELECT 1").fetchone() == (1,)
        for c in conns:
            c.close()
    finally:
        n.stop()


def test_sigterm_lets_running_statement_finish(tmp_path: Path) -> None:
    n = start_node(tmp_path / "data")
    result: list[object] = []
    # about a second of Kuzu work, well inside the 10 s shutdown bound
    q = (
        "SELECT * FROM cypher($$ UNWIND range(1, 8000) AS x UNWIND range(1, 8000) AS y "
        "WITH x, y WHERE (x + y) % 7 = 3 RETURN count(*) $$) AS (n int8)"
    )

    def run() -> None:
        try:
            with psycopg.connect(n.dsn, autocommit=True) as c:
                result.append(c.execute(q).fetchone())
        except Exception as exc:  # noqa: BLE001
            result.append(exc)

    th = threading.Thread(target=run)
    th.start()
    time.sleep(0.3)
    assert n.stop() == 0
    th.join(10)
    assert result and isinstance(result[0], tuple), result
    # no new connections after shutdown
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", n.port), timeout=1):
        pass


def test_txid_current_is_one_per_transaction_and_increases(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        a = c.execute("SELECT txid_current()").fetchone()[0]  # type: ignore[index]
        b = c.execute("SELECT txid_current()").fetchone()[0]  # type: ignore[index]
        with c.transaction():
            x = c.execute("SELECT txid_current()").fetchone()[0]  # type: ignore[index]
            y = c.execute("SELECT txid_current(), txid_current()").fetchone()  # type: ignore[index]
        assert 0 < a < b < x
        assert y == (x, x)
        assert c.execute("SELECT pg_typeof(txid_current())").fetchone() == ("bigint",)


def test_extended_protocol_runs_until_sync_in_one_transaction(node: NodeProcess) -> None:
    """As in PostgreSQL, the statements between two Syncs are one implicit transaction:
    executemany (one pipeline) inserts all rows or, when one fails, none."""
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE pipe_t (id int PRIMARY KEY, v text)")
        with pytest.raises(errors.UniqueViolation):
            c.cursor().executemany(
                "INSERT INTO pipe_t VALUES (%s, %s)", [(1, "a"), (2, "b"), (1, "dup"), (3, "c")]
            )
        assert c.execute("SELECT count(*) FROM pipe_t").fetchone() == (0,)
        c.cursor().executemany("INSERT INTO pipe_t VALUES (%s, %s)", [(1, "a"), (2, "b")])
        assert c.execute("SELECT id FROM pipe_t ORDER BY id").fetchall() == [(1,), (2,)]
        # commands that need a transaction block still see none (PostgreSQL's rules)
        notices: list[str] = []
        c.add_notice_handler(lambda d: notices.append(d.sqlstate or ""))
        c.execute("SET LOCAL work_mem = '8MB'")
        assert notices == ["25P01"]
        with pytest.raises(errors.NoActiveSqlTransaction):
            c.execute("DECLARE cur CURSOR FOR SELECT 1")
        with pytest.raises(errors.NoActiveSqlTransaction):
            c.execute("SAVEPOINT a")
        # BEGIN in a pipeline makes its transaction a block, as in PostgreSQL
        with c.pipeline():
            c.execute("INSERT INTO pipe_t VALUES (3, 'c')")
            c.execute("BEGIN")
            c.execute("INSERT INTO pipe_t VALUES (4, 'd')")
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        c.execute("ROLLBACK")
        assert c.execute("SELECT id FROM pipe_t ORDER BY id").fetchall() == [(1,), (2,)]
