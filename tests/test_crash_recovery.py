"""kill -9 during a write load: every acknowledged transaction survives whole, no
unacknowledged one is partly visible, and the event log and the state agree.

Several clients write while the node is killed with SIGKILL at a random moment, over
several rounds on the same data directory. Each transaction leaves a unique marker:
- single-statement transactions insert one `items` row;
- multi-statement transactions add 1 to their client's `acct.v`, insert an `items` row
  and a `notes` row (a table without a primary key: hidden row ids) with the marker.
After the last restart: every acknowledged marker is present; every multi-statement
marker is in both tables or in neither; each `acct.v` equals the number of its
client's multi-statement markers; and `kuzugres verify` (the log replayed into a fresh
directory gives the same state digest, and the watermark is the log's end) passes.
"""

from __future__ import annotations

import random
import subprocess
import threading
import time
from pathlib import Path

import psycopg

from tests.serverproc import NodeProcess, kuzugres_cmd, start_node, verify_data

CLIENTS = 4
ROUNDS = 4


def _client(node: NodeProcess, cid: int, rnd: int, stop: threading.Event, acked: set[str]) -> None:
    try:
        conn = psycopg.connect(node.dsn, autocommit=True, connect_timeout=5)
    except psycopg.Error:
        return
    n = 0
    try:
        while not stop.is_set():
            n += 1
            if n % 2:
                marker = f"s-{rnd}-{cid}-{n}"
                conn.execute("INSERT INTO items (acct, marker) VALUES (%s, %s)", (cid + 1, marker))
            else:
                marker = f"m-{rnd}-{cid}-{n}"
                with conn.transaction():
                    conn.execute("UPDATE acct SET v = v + 1 WHERE id = %s", (cid + 1,))
                    conn.execute(
                        "INSERT INTO items (acct, marker) VALUES (%s, %s)", (cid + 1, marker)
                    )
                    conn.execute("INSERT INTO notes VALUES (%s, %s)", (marker, n))
            acked.add(marker)  # COMMIT was acknowledged
    except (psycopg.Error, OSError):
        pass  # the node was killed
    finally:
        conn.close()


def test_kill_9_during_writes_keeps_acknowledged_transactions(tmp_path: Path) -> None:
    data = tmp_path / "node"
    node = start_node(data)
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE acct (id int PRIMARY KEY, v int NOT NULL)")
        c.execute("INSERT INTO acct SELECT g, 0 FROM generate_series(1, %s) g", (CLIENTS,))
        c.execute(
            "CREATE TABLE items (id serial PRIMARY KEY, acct int REFERENCES acct (id), "
            "marker text UNIQUE)"
        )
        c.execute("CREATE TABLE notes (marker text, n int)")
    acked: set[str] = set()
    rng = random.Random(7)
    for rnd in range(ROUNDS):
        stop = threading.Event()
        threads = [
            threading.Thread(target=_client, args=(node, cid, rnd, stop, acked))
            for cid in range(CLIENTS)
        ]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.8, 2.0))
        node.kill()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        node = start_node(data)

    with psycopg.connect(node.dsn, autocommit=True) as c:
        items = {m: a for a, m in c.execute("SELECT acct, marker FROM items").fetchall()}
        notes = [m for (m,) in c.execute("SELECT marker FROM notes").fetchall()]
        accounts = dict(c.execute("SELECT id, v FROM acct").fetchall())
    node.stop()

    print(f"{len(acked)} acknowledged, {len(items)} items, {len(notes)} multi-statement")
    assert len(acked) > 20, "the load did not run"
    missing = acked - set(items)
    assert not missing, f"acknowledged but lost: {sorted(missing)[:5]}"
    multi_in_items = {m for m in items if m.startswith("m-")}
    assert len(notes) == len(set(notes)), "a transaction was applied twice"
    assert multi_in_items == set(notes), "a multi-statement transaction is partly visible"
    for cid in range(CLIENTS):
        mine = [m for m in multi_in_items if items[m] == cid + 1]
        assert accounts[cid + 1] == len(mine)

    verify_data(data)


def test_restart_replays_frames_the_state_lacks(tmp_path: Path) -> None:
    """A frame appended to the log whose Kuzu commit never happened (kill -9 between
    the two) is applied at restart, with its watermark; a frame followed by an Abort
    (its commit failed) is not."""
    from kuzugres.sync.events import Abort, Op, RowChange, Transaction
    from kuzugres.sync.log import FileLog

    data = tmp_path / "node"
    node = start_node(data)
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE t (id int PRIMARY KEY, name text, n numeric(6,2))")
        c.execute("INSERT INTO t VALUES (1, 'one', 1.5), (2, 'two', NULL)")
        oid = c.execute("SELECT 't'::regclass::oid").fetchone()[0]  # type: ignore[index]
    node.stop()
    log = FileLog(data / "events")
    seq, hlc = log.last_seq, log.last_hlc

    def tx(first: int, *changes: RowChange) -> Transaction:
        return Transaction("x", first, hlc + first, first, "tester", "replay", 3, changes)

    log.append(tx(seq + 1, RowChange(oid, Op.INSERT, 3, {1: 3, 2: "three", 3: "3.25"})))
    log.append(tx(seq + 2, RowChange(oid, Op.UPDATE, 1, {2: "uno"})))
    log.append(tx(seq + 3, RowChange(oid, Op.DELETE, 2)))
    log.append(Abort(seq + 3))
    log.append(tx(seq + 4, RowChange(oid, Op.UPDATE, 3, {3: None})))
    # one transaction updating a row twice: both changes count
    log.append(
        tx(
            seq + 5,
            RowChange(oid, Op.UPDATE, 1, {2: "eins"}),
            RowChange(oid, Op.UPDATE, 1, {3: "9"}),
        )
    )
    log.sync_now()
    log.close()

    node = start_node(data)
    with psycopg.connect(node.dsn, autocommit=True) as c:
        rows = c.execute("SELECT id, name, n::text FROM t ORDER BY id").fetchall()
        c.execute("INSERT INTO t VALUES (4, 'four', 4)")  # the log goes on after replay
    node.stop()
    assert rows == [(1, "eins", "9.00"), (2, "two", None), (3, "three", None)]
    assert "replayed 4 transaction(s)" in node.output()
    verify_data(data)


def test_rebuild_links_children_written_before_their_parent(tmp_path: Path) -> None:
    """The edges a deferred foreign key makes at COMMIT (the child came first) are in the
    log, so a rebuilt node has them too."""
    data = tmp_path / "node"
    node = start_node(data)
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE a (id int PRIMARY KEY)")
        c.execute(
            "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id) "
            "DEFERRABLE INITIALLY DEFERRED)"
        )
        c.execute("BEGIN")
        c.execute("INSERT INTO b VALUES (10, 1), (11, 2)")
        c.execute("INSERT INTO a VALUES (1), (2)")
        c.execute("COMMIT")
    node.stop()
    rebuilt = tmp_path / "rebuilt"
    done = subprocess.run(
        [*kuzugres_cmd(), "rebuild", "--data", str(data), "--into", str(rebuilt)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    node = start_node(rebuilt)
    with psycopg.connect(node.dsn, autocommit=True) as c:
        rows = c.execute(
            "SELECT * FROM cypher($$ MATCH (x)-[:_fk_b_b_a_id_fkey]->(y) RETURN x.id, y.id "
            "ORDER BY x.id $$) AS (b int8, a int8)"
        ).fetchall()
    node.stop()
    assert rows == [(10, 1), (11, 2)]
