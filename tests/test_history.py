"""kuzugres.history(), kuzugres.schema_history() and kuzugres.revert_to() against a real
node (docs/decisions/0017-history.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.serverproc import NodeProcess, start_node, verify_data


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    n = start_node(Path(tmp_path_factory.mktemp("history")) / "node")
    try:
        yield n
    finally:
        n.stop()


@pytest.fixture
def conn(node: NodeProcess) -> Iterator[psycopg.Connection]:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        yield c


def _history(conn: psycopg.Connection, sql: str, *args: object) -> list[tuple]:
    return conn.execute(sql, args or None).fetchall()


def test_versions_of_insert_update_delete(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_orders (id int PRIMARY KEY, item text, qty int)")
    conn.execute("INSERT INTO h_orders VALUES (42, 'apple', 1), (43, 'pear', 2)")
    conn.execute("UPDATE h_orders SET qty = 5 WHERE id = 42")
    conn.execute("DELETE FROM h_orders WHERE id = 42")
    rows = _history(
        conn,
        "SELECT id, item, qty, operation, valid_from, valid_to, author, txid "
        "FROM kuzugres.history('h_orders') WHERE id = 42 ORDER BY valid_from",
    )
    assert [r[:4] for r in rows] == [
        (42, "apple", 1, "INSERT"),
        (42, "apple", 5, "UPDATE"),
        (42, "apple", 5, "DELETE"),
    ]
    assert rows[0][5] == rows[1][4] and rows[1][5] == rows[2][4]
    assert rows[2][5] is None
    assert all(isinstance(r[4], dt.datetime) and r[4].tzinfo is not None for r in rows)
    assert rows[0][4] < rows[1][4] < rows[2][4]
    assert {r[6] for r in rows} == {"tester"}
    assert len({r[7] for r in rows}) == 3
    # the other row of the same INSERT statement shares its transaction
    other = _history(conn, "SELECT txid, valid_to FROM kuzugres.history('h_orders') WHERE id = 43")
    assert other == [(rows[0][7], None)]
    # an ordinary table function: aggregates, joins, column list
    counts = _history(
        conn,
        "SELECT operation, count(*) FROM kuzugres.history('public.h_orders') AS h "
        "GROUP BY operation ORDER BY operation",
    )
    assert counts == [("DELETE", 1), ("INSERT", 2), ("UPDATE", 1)]
    joined = _history(
        conn,
        "SELECT o.item, h.operation FROM h_orders o JOIN kuzugres.history('h_orders') h "
        "ON h.id = o.id",
    )
    assert joined == [("pear", "INSERT")]


def test_change_reason_and_author(node: NodeProcess, conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_reason (id int PRIMARY KEY, v text)")
    conn.execute("SET kuzugres.change_reason = 'import'")
    conn.execute("INSERT INTO h_reason VALUES (1, 'a')")
    conn.execute("RESET kuzugres.change_reason")
    with conn.transaction():
        conn.execute("SET LOCAL kuzugres.change_reason = 'fix typo'")
        conn.execute("UPDATE h_reason SET v = 'b' WHERE id = 1")
        conn.execute("INSERT INTO h_reason VALUES (2, 'c')")
    conn.execute("UPDATE h_reason SET v = 'd' WHERE id = 1")
    with psycopg.connect(node.dsn.replace("user=tester", "user=alice"), autocommit=True) as other:
        other.execute("DELETE FROM h_reason WHERE id = 2")
    rows = _history(
        conn,
        "SELECT id, v, operation, change_reason, author, txid FROM kuzugres.history('h_reason') "
        "ORDER BY valid_from, id",
    )
    assert [r[:5] for r in rows] == [
        (1, "a", "INSERT", "import", "tester"),
        (1, "b", "UPDATE", "fix typo", "tester"),
        (2, "c", "INSERT", "fix typo", "tester"),
        (1, "d", "UPDATE", None, "tester"),
        (2, "c", "DELETE", None, "alice"),
    ]
    assert rows[1][5] == rows[2][5]  # one transaction, one txid


def test_history_after_add_column_and_rename(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_evolve (id int PRIMARY KEY, a text)")
    conn.execute("INSERT INTO h_evolve VALUES (1, 'x')")
    conn.execute("ALTER TABLE h_evolve ADD COLUMN b int")
    conn.execute("UPDATE h_evolve SET b = 7 WHERE id = 1")
    conn.execute("ALTER TABLE h_evolve RENAME TO h_evolved")
    conn.execute("UPDATE h_evolved SET a = 'y' WHERE id = 1")
    rows = _history(
        conn, "SELECT id, a, b, operation FROM kuzugres.history('h_evolved') ORDER BY valid_from"
    )
    assert rows == [(1, "x", None, "INSERT"), (1, "x", 7, "UPDATE"), (1, "y", 7, "UPDATE")]
    ddl = _history(
        conn,
        "SELECT sql, author FROM kuzugres.schema_history() WHERE sql LIKE '%h_evolve%' "
        "ORDER BY executed_at",
    )
    assert [r[0] for r in ddl] == [
        "CREATE TABLE h_evolve (id int PRIMARY KEY, a text)",
        "ALTER TABLE h_evolve ADD COLUMN b int",
        "ALTER TABLE h_evolve RENAME TO h_evolved",
    ]
    assert {r[1] for r in ddl} == {"tester"}


def test_history_of_typed_values_and_hidden_keys(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_typed (at timestamptz, price numeric(8,2), d date)")
    conn.execute("INSERT INTO h_typed VALUES ('2024-01-02 03:04:05+00', 12.50, '2024-02-29')")
    conn.execute("UPDATE h_typed SET price = 13")
    rows = _history(
        conn, "SELECT at, price, d, operation FROM kuzugres.history('h_typed') ORDER BY valid_from"
    )
    at = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert [(r[0], str(r[1]), r[2], r[3]) for r in rows] == [
        (at, "12.50", dt.date(2024, 2, 29), "INSERT"),
        (at, "13.00", dt.date(2024, 2, 29), "UPDATE"),
    ]


def test_errors(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute("SELECT * FROM kuzugres.history('no_such_table')")
    with pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute("SELECT * FROM kuzugres.history('nosuchschema.h_orders')")
    conn.execute("CREATE TABLE IF NOT EXISTS h_err (id int PRIMARY KEY)")
    with pytest.raises(psycopg.errors.InvalidDatetimeFormat):
        conn.execute("SELECT kuzugres.revert_to('not a time', ARRAY['h_err'])")
    with pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute("SELECT kuzugres.revert_to(now(), ARRAY['no_such_table'])")


def _now(conn: psycopg.Connection) -> dt.datetime:
    moment = conn.execute("SELECT clock_timestamp()").fetchone()
    assert moment is not None
    return moment[0]  # type: ignore[no-any-return]


def test_revert_to_restores_rows(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_rev (id int PRIMARY KEY, v text, n int)")
    conn.execute("INSERT INTO h_rev VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)")
    moment = _now(conn)
    conn.execute("UPDATE h_rev SET v = 'uno', n = 10 WHERE id = 1")
    conn.execute("DELETE FROM h_rev WHERE id = 2")
    conn.execute("INSERT INTO h_rev VALUES (4, 'four', 4)")
    conn.execute("SET kuzugres.change_reason = 'undo'")
    changed = conn.execute("SELECT kuzugres.revert_to(%s, ARRAY['h_rev'])", (moment,)).fetchone()
    conn.execute("RESET kuzugres.change_reason")
    assert changed == (3,)
    assert conn.execute("SELECT * FROM h_rev ORDER BY id").fetchall() == [
        (1, "one", 1),
        (2, "two", 2),
        (3, "three", 3),
    ]
    rows = _history(
        conn,
        "SELECT id, v, operation, change_reason FROM kuzugres.history('h_rev') "
        "ORDER BY valid_from, id",
    )
    assert rows == [
        (1, "one", "INSERT", None),
        (2, "two", "INSERT", None),
        (3, "three", "INSERT", None),
        (1, "uno", "UPDATE", None),
        (2, "two", "DELETE", None),
        (4, "four", "INSERT", None),
        (1, "one", "UPDATE", "undo"),
        (2, "two", "INSERT", "undo"),
        (4, "four", "DELETE", "undo"),
    ]
    txids = conn.execute(
        "SELECT count(DISTINCT txid) FROM kuzugres.history('h_rev') WHERE change_reason = 'undo'"
    ).fetchone()
    assert txids == (1,)
    # reverting to the present changes nothing
    assert conn.execute("SELECT kuzugres.revert_to(now(), ARRAY['h_rev'])").fetchone() == (0,)


def test_revert_to_checks_foreign_keys(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_parent (id int PRIMARY KEY)")
    conn.execute("CREATE TABLE h_child (id int PRIMARY KEY, p int REFERENCES h_parent(id))")
    conn.execute("INSERT INTO h_parent VALUES (1)")
    moment = _now(conn)
    conn.execute("INSERT INTO h_parent VALUES (2)")
    conn.execute("INSERT INTO h_child VALUES (10, 2)")
    # removing parent 2 while child 10 still references it: the FK error rolls back
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("SELECT kuzugres.revert_to(%s, ARRAY['h_parent'])", (moment,))
    assert conn.execute("SELECT id FROM h_parent ORDER BY id").fetchall() == [(1,), (2,)]
    # both tables together: the child goes first
    changed = conn.execute(
        "SELECT kuzugres.revert_to(%s, ARRAY['h_parent', 'h_child'])", (moment,)
    ).fetchone()
    assert changed == (2,)
    assert conn.execute("SELECT id FROM h_parent").fetchall() == [(1,)]
    assert conn.execute("SELECT count(*) FROM h_child").fetchone() == (0,)


def test_revert_inside_a_transaction_rolls_back(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_tx (id int PRIMARY KEY, v int)")
    moment = _now(conn)
    conn.execute("INSERT INTO h_tx VALUES (1, 1)")
    with conn.transaction(force_rollback=True):
        assert conn.execute(
            "SELECT kuzugres.revert_to(%s, ARRAY['h_tx'])", (moment,)
        ).fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM h_tx").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM h_tx").fetchone() == (1,)
    ops = conn.execute("SELECT operation FROM kuzugres.history('h_tx')").fetchall()
    assert ops == [("INSERT",)]


def test_search_path_quoting_and_column_aliases(conn: psycopg.Connection) -> None:
    conn.execute("CREATE SCHEMA h_s")
    conn.execute('CREATE TABLE h_s."Mixed" (id int PRIMARY KEY, v text)')
    conn.execute("INSERT INTO h_s.\"Mixed\" VALUES (1, 'a')")
    assert _history(conn, """SELECT id, v FROM kuzugres.history('h_s."Mixed"')""") == [(1, "a")]
    with pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute("SELECT * FROM kuzugres.history('h_s.mixed')")
    with pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute("""SELECT * FROM kuzugres.history('"Mixed"')""")
    conn.execute("SET search_path = h_s, public")
    try:
        rows = _history(
            conn, """SELECT k, op FROM kuzugres.history('"Mixed"') AS h(k, val, since, until, op)"""
        )
    finally:
        conn.execute("RESET search_path")
    assert rows == [(1, "INSERT")]


def test_key_change_and_table_without_primary_key(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_key (id int PRIMARY KEY, v text)")
    conn.execute("INSERT INTO h_key VALUES (1, 'a')")
    conn.execute("UPDATE h_key SET id = 2 WHERE id = 1")
    rows = _history(conn, "SELECT id, v, operation FROM kuzugres.history('h_key')")
    assert (2, "a") in [r[:2] for r in rows]
    assert rows[-1][2] != "DELETE" or rows[-2][:2] == (2, "a")

    conn.execute("CREATE TABLE h_bag (v text, n int)")
    conn.execute("INSERT INTO h_bag VALUES ('a', 1), ('b', 2)")
    moment = _now(conn)
    conn.execute("UPDATE h_bag SET n = 20 WHERE v = 'b'")
    conn.execute("DELETE FROM h_bag WHERE v = 'a'")
    conn.execute("INSERT INTO h_bag VALUES ('c', 3)")
    assert conn.execute("SELECT kuzugres.revert_to(%s, ARRAY['h_bag'])", (moment,)).fetchone() == (
        3,
    )
    assert conn.execute("SELECT v, n FROM h_bag ORDER BY v").fetchall() == [("a", 1), ("b", 2)]
    ops = _history(
        conn, "SELECT v, operation FROM kuzugres.history('h_bag') ORDER BY valid_from, v"
    )
    assert len(ops) == 8


def test_history_sees_only_committed_transactions(
    node: NodeProcess, conn: psycopg.Connection
) -> None:
    conn.execute("CREATE TABLE h_vis (id int PRIMARY KEY)")
    with psycopg.connect(node.dsn) as other:
        other.execute("INSERT INTO h_vis VALUES (1)")  # open transaction
        assert _history(conn, "SELECT id FROM kuzugres.history('h_vis')") == []
        other.commit()
    assert _history(conn, "SELECT id FROM kuzugres.history('h_vis')") == [(1,)]


def test_values_backfilled_by_add_column(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_fill (id int PRIMARY KEY, v text)")
    conn.execute("INSERT INTO h_fill VALUES (1, 'a'), (2, 'b')")
    conn.execute("ALTER TABLE h_fill ADD COLUMN w int DEFAULT 5")
    moment = _now(conn)
    conn.execute("UPDATE h_fill SET v = 'c' WHERE id = 1")
    conn.execute("INSERT INTO h_fill VALUES (3, 'x')")
    rows = _history(
        conn, "SELECT id, v, w, operation FROM kuzugres.history('h_fill') ORDER BY valid_from, id"
    )
    assert rows == [
        # versions valid when the column was added show the value it was given
        (1, "a", 5, "INSERT"),
        (2, "b", 5, "INSERT"),
        (1, "c", 5, "UPDATE"),  # the backfilled value, which no event holds
        (3, "x", 5, "INSERT"),
    ]
    # reverting keeps the backfilled value
    assert conn.execute("SELECT kuzugres.revert_to(%s, ARRAY['h_fill'])", (moment,)).fetchone() == (
        2,
    )
    assert conn.execute("SELECT id, v, w FROM h_fill ORDER BY id").fetchall() == [
        (1, "a", 5),
        (2, "b", 5),
    ]


def test_versions_before_add_column_stay_null(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_old (id int PRIMARY KEY, v text)")
    conn.execute("INSERT INTO h_old VALUES (1, 'a')")
    conn.execute("UPDATE h_old SET v = 'b'")
    conn.execute("ALTER TABLE h_old ADD COLUMN w int DEFAULT 5")
    rows = _history(conn, "SELECT v, w FROM kuzugres.history('h_old') ORDER BY valid_from")
    assert rows == [("a", None), ("b", 5)]


def test_index_reads_the_tail_and_skips_aborted_frames(tmp_path: Path) -> None:
    from kuzugres.history import HistoryIndex
    from kuzugres.sync.events import Abort, Op, RowChange, Transaction
    from kuzugres.sync.log import FileLog

    def tx(seq: int, key: int) -> Transaction:
        change = RowChange(7, Op.INSERT, key, {1: key})
        return Transaction("n", seq, seq << 16, seq, "u", None, 1, (change,))

    log = FileLog(tmp_path / "events", segment_bytes=200)  # a few frames per segment
    index = HistoryIndex(log)
    assert index.versions(7) == []
    log.append(tx(1, 1))
    assert [v.key for v in index.versions(7)] == [1]  # the last frame: tentative, shown
    log.append(Abort(1))
    assert index.versions(7) == []  # its commit failed
    for seq in range(2, 12):
        log.append(tx(seq, seq))
    assert [v.key for v in index.versions(7)] == list(range(2, 12))
    assert len(list((tmp_path / "events").iterdir())) > 1
    # a frame being written is read once whole
    segment = sorted((tmp_path / "events").iterdir())[-1]
    with segment.open("ab") as f:
        f.write(b"\x10\x00")
    assert [v.key for v in index.versions(7)] == list(range(2, 12))
    log.close()


def test_reverts_replay_from_the_log(tmp_path: Path) -> None:
    """The revert's events rebuild the same state (`kuzugres verify`)."""
    data = tmp_path / "node"
    node = start_node(data)
    try:
        with psycopg.connect(node.dsn, autocommit=True) as c:
            c.execute("CREATE TABLE p (id int PRIMARY KEY, v text)")
            c.execute("CREATE TABLE bag (v text, p int REFERENCES p(id))")
            c.execute("INSERT INTO p VALUES (1, 'a'), (2, 'b')")
            c.execute("INSERT INTO bag VALUES ('x', 1), ('y', 2)")
            c.execute("ALTER TABLE p ADD COLUMN w int DEFAULT 3")
            moment = _now(c)
            c.execute("DELETE FROM bag WHERE p = 2")
            c.execute("DELETE FROM p WHERE id = 2")
            c.execute("UPDATE p SET v = 'z', w = 4 WHERE id = 1")
            c.execute("INSERT INTO bag VALUES ('new', 1)")
            changed = c.execute(
                "SELECT kuzugres.revert_to(%s, %s)", (moment, ["p", "public.bag"])
            ).fetchone()
            assert changed == (4,)
            assert c.execute("SELECT * FROM p ORDER BY id").fetchall() == [
                (1, "a", 3),
                (2, "b", 3),
            ]
            assert c.execute("SELECT v, p FROM bag ORDER BY v").fetchall() == [
                ("x", 1),
                ("y", 2),
            ]
            assert c.execute("SELECT kuzugres.revert_to(NULL, ARRAY['p'])").fetchone() == (None,)
    finally:
        node.stop()
    verify_data(data)


def test_revert_to_must_be_called_alone(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.FeatureNotSupported):
        conn.execute("SELECT kuzugres.revert_to(now(), ARRAY['h_err']) + 1")
    with pytest.raises(psycopg.errors.FeatureNotSupported):
        conn.execute("SELECT 1 FROM h_err WHERE kuzugres.revert_to(now(), ARRAY['h_err']) > 0")


def test_dropped_column_leaves_history(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE h_drop (id int PRIMARY KEY, a text, b text)")
    conn.execute("INSERT INTO h_drop VALUES (1, 'a', 'b')")
    conn.execute("ALTER TABLE h_drop DROP COLUMN a")
    conn.execute("UPDATE h_drop SET b = 'c'")
    cur = conn.execute("SELECT * FROM kuzugres.history('h_drop') ORDER BY valid_from")
    assert [d.name for d in cur.description or ()][:3] == ["id", "b", "valid_from"]
    assert [r[:2] for r in cur.fetchall()] == [(1, "b"), (1, "c")]
