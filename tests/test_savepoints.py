"""Savepoints on a real node (docs/decisions/0022-savepoints.md): what ROLLBACK TO undoes
is never logged nor seen by others, the block keeps the writer lock across a failed
statement, and what commits after a ROLLBACK TO survives kill -9 and replays to the
same state. PostgreSQL's answers are compared in tests/differential/cases/savepoints.sql."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from tests.serverproc import start_node, verify_data


def test_failed_block_with_savepoint_keeps_other_writers_out(tmp_path: Path) -> None:
    """Between a failed statement and ROLLBACK TO, no other transaction commits: the
    block's earlier writes are applied again on exactly the state they were made on."""
    node = start_node(tmp_path / "node")
    try:
        with (
            psycopg.connect(node.dsn, autocommit=True) as a,
            psycopg.connect(node.dsn, autocommit=True) as b,
        ):
            a.execute("CREATE TABLE acct (id int PRIMARY KEY, owner text UNIQUE, n int)")
            a.execute("INSERT INTO acct VALUES (1, 'ada', 0)")
            a.execute("BEGIN")
            a.execute("UPDATE acct SET n = n + 1 WHERE id = 1")
            a.execute("INSERT INTO acct VALUES (2, 'grace', 0)")
            a.execute("SAVEPOINT s")
            with pytest.raises(errors.UniqueViolation):
                a.execute("INSERT INTO acct VALUES (3, 'ada', 0)")
            b.execute("SET lock_timeout = '300ms'")
            with pytest.raises(errors.LockNotAvailable):
                b.execute("INSERT INTO acct VALUES (2, 'other', 0)")
            # others read the committed state meanwhile
            assert b.execute("SELECT id, n FROM acct ORDER BY id").fetchall() == [(1, 0)]
            a.execute("ROLLBACK TO SAVEPOINT s")
            assert a.execute("SELECT id, n FROM acct ORDER BY id").fetchall() == [(1, 1), (2, 0)]
            a.execute("INSERT INTO acct VALUES (3, 'edsger', 0)")
            a.execute("COMMIT")
            with pytest.raises(errors.UniqueViolation):
                b.execute("INSERT INTO acct VALUES (2, 'other', 0)")
            rows = b.execute("SELECT id, owner, n FROM acct ORDER BY id").fetchall()
            assert rows == [(1, "ada", 1), (2, "grace", 0), (3, "edsger", 0)]
            # a failed block rolled back whole gives the lock back
            a.execute("BEGIN")
            a.execute("UPDATE acct SET n = 5 WHERE id = 1")
            a.execute("SAVEPOINT s")
            with pytest.raises(errors.DivisionByZero):
                a.execute("SELECT 1 / 0")
            a.execute("ROLLBACK")
            b.execute("UPDATE acct SET n = 7 WHERE id = 1")
            assert b.execute("SELECT n FROM acct WHERE id = 1").fetchone() == (7,)
    finally:
        node.stop()


def test_rolled_back_part_is_not_logged_and_the_rest_survives_kill_9(tmp_path: Path) -> None:
    data = tmp_path / "node"
    node = start_node(data)
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE orders (id int PRIMARY KEY, status text, qty int)")
        c.execute("INSERT INTO orders VALUES (1, 'new', 1), (2, 'new', 2)")
        c.execute("BEGIN")
        c.execute("UPDATE orders SET status = 'paid' WHERE id = 1")
        c.execute("SAVEPOINT a")
        c.execute("UPDATE orders SET status = 'lost', qty = 0 WHERE id = 1")
        c.execute("DELETE FROM orders WHERE id = 2")
        c.execute("CREATE TABLE scratch (id int PRIMARY KEY)")
        c.execute("INSERT INTO orders VALUES (3, 'ghost', 3)")
        c.execute("ROLLBACK TO SAVEPOINT a")
        c.execute("INSERT INTO orders VALUES (4, 'new', 4)")
        c.execute("SAVEPOINT b")
        with pytest.raises(errors.UniqueViolation):
            c.execute("INSERT INTO orders VALUES (4, 'dup', 4)")
        c.execute("ROLLBACK TO SAVEPOINT b")
        c.execute("UPDATE orders SET qty = 40 WHERE id = 4")
        c.execute("COMMIT")
    node.kill()
    node = start_node(data)
    try:
        with psycopg.connect(node.dsn, autocommit=True) as c:
            rows = c.execute("SELECT id, status, qty FROM orders ORDER BY id").fetchall()
            assert rows == [(1, "paid", 1), (2, "new", 2), (4, "new", 40)]
            assert c.execute("SELECT to_regclass('scratch')").fetchone() == (None,)
            # history holds the committed versions only
            versions = c.execute(
                "SELECT id, status, qty, operation FROM kuzugres.history('orders') "
                "ORDER BY id, valid_from"
            ).fetchall()
            assert versions == [
                (1, "new", 1, "INSERT"),
                (1, "paid", 1, "UPDATE"),
                (2, "new", 2, "INSERT"),
                (4, "new", 4, "INSERT"),
                (4, "new", 40, "UPDATE"),
            ]
    finally:
        node.stop()
    verify_data(data)
