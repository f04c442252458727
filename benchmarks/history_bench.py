"""History does not slow the latest state down; the size of one update's event.

1. In one kuzugres node, table `h(id int8 PRIMARY KEY, k int4, v int8, pad text)` gets
   `--rows` rows, then `--updates` row updates as batched UPDATE statements: each
   statement is `UPDATE h SET v = v + 1 WHERE id >= $1 AND id < $2` over `--batch`
   consecutive ids, sweeping the table again and again (autocommit, one transaction
   and one event-log frame per statement). A fresh table `f` then gets the same rows
   with the same final values. Both are measured, interleaved, in the same node:
   - a prepared point lookup `SELECT * FROM t WHERE id = $1`;
   - a full scan `SELECT count(*), sum(v) FROM t`;
   - a non-key filter `SELECT * FROM t WHERE k = $1`.
   The goal is that the updated table is within 1.1x of the fresh one.
   The same measurements are repeated after a restart of the node (a clean stop
   checkpoints Kuzu).
2. Event size: the growth of DATA/events for one UPDATE of one column of a 20-column
   row (goal: at most 100 bytes; frames are not compressed).

Usage: .venv/bin/python benchmarks/history_bench.py [--rows 10000] [--updates 1000000]
       [--batch 1000] [--n 200] [--write]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results import write_section  # noqa: E402
from kuzugres.engine import IDLE_CHECKPOINT_S  # noqa: E402
from tests.serverproc import start_node  # noqa: E402

KINDS = 100  # distinct values of the non-key column k


def create(conn: psycopg.Connection, name: str, rows: int, bumps: Callable[[int], int]) -> None:
    conn.execute(f"CREATE TABLE {name} (id int8 PRIMARY KEY, k int4, v int8, pad text)")
    cur = conn.cursor()
    data = [(i, i % KINDS, bumps(i), f"pad {i:08d}") for i in range(rows)]
    with conn.transaction(), cur.copy(f"COPY {name} (id, k, v, pad) FROM STDIN") as copy:
        for r in data:
            copy.write_row(r)


def apply_updates(conn: psycopg.Connection, rows: int, updates: int, batch: int) -> float:
    """UPDATE `updates` rows of h in statements of `batch` rows; returns seconds."""
    cur = conn.cursor()
    done = 0
    start = 0
    t0 = time.perf_counter()
    last_report = t0
    while done < updates:
        size = min(batch, updates - done, rows - start)
        cur.execute(
            "UPDATE h SET v = v + 1 WHERE id >= %s AND id < %s", (start, start + size), prepare=True
        )
        done += size
        start = (start + size) % rows
        if time.perf_counter() - last_report > 30:
            last_report = time.perf_counter()
            rate = done / (last_report - t0)
            print(f"  {done} updates, {rate:.0f}/s", file=sys.stderr, flush=True)
    return time.perf_counter() - t0


def bumps_after(rows: int, updates: int) -> Callable[[int], int]:
    """The value of v each row has after `updates` sweeping updates (v starts at 0)."""
    full, rest = divmod(updates, rows)
    return lambda i: full + (1 if i < rest else 0)


def compare(conn: psycopg.Connection, rows: int, n: int) -> list[tuple[str, float, float]]:
    """(measurement, median µs on h, median µs on f), the two tables interleaved."""
    cur = conn.cursor()
    queries: list[tuple[str, Callable[[str, int], object], int]] = [
        (
            "point lookup (prepared)",
            lambda t, i: cur.execute(
                f"SELECT * FROM {t} WHERE id = %s", ((i * 7919) % rows,), prepare=True
            ).fetchall(),
            n,
        ),
        (
            "SELECT count(*), sum(v)",
            lambda t, i: cur.execute(f"SELECT count(*), sum(v) FROM {t}").fetchall(),
            max(10, n // 10),
        ),
        (
            "SELECT * WHERE k = $1 (non-key filter)",
            lambda t, i: cur.execute(
                f"SELECT * FROM {t} WHERE k = %s", (i % KINDS,), prepare=True
            ).fetchall(),
            max(10, n // 10),
        ),
    ]
    out = []
    for name, query, count in queries:
        for t in ("h", "f"):  # warm up both
            for i in range(5):
                query(t, i)
        samples: dict[str, list[float]] = {"h": [], "f": []}
        for i in range(count):
            for t in ("h", "f"):
                t0 = time.perf_counter()
                query(t, i)
                samples[t].append((time.perf_counter() - t0) * 1e6)
        out.append((name, statistics.median(samples["h"]), statistics.median(samples["f"])))
    return out


def events_bytes(data: Path) -> int:
    return sum(p.stat().st_size for p in (data / "events").iterdir() if p.is_file())


def event_size(conn: psycopg.Connection, data: Path) -> int:
    """Bytes the event log grows by for one one-column UPDATE of a 20-column row."""
    cols = ", ".join(f"c{j} int8" for j in range(1, 20))
    conn.execute(f"CREATE TABLE wide (id int8 PRIMARY KEY, {cols})")
    values = ", ".join(str(j * 1000) for j in range(1, 20))
    conn.execute(f"INSERT INTO wide VALUES (1, {values})")
    before = events_bytes(data)
    conn.execute("UPDATE wide SET c7 = c7 + 1 WHERE id = 1")
    return events_bytes(data) - before


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=10000, help="rows in the table")
    ap.add_argument("--updates", type=int, default=20000, help="row updates applied first")
    ap.add_argument("--batch", type=int, default=1000, help="rows per UPDATE statement")
    ap.add_argument("--n", type=int, default=200, help="point lookups per table")
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "node"
        node = start_node(data)
        try:
            with psycopg.connect(node.dsn, autocommit=True) as conn:
                create(conn, "h", args.rows, lambda i: 0)
                log_before = events_bytes(data)
                seconds = apply_updates(conn, args.rows, args.updates, args.batch)
                log_growth = events_bytes(data) - log_before
                create(conn, "f", args.rows, bumps_after(args.rows, args.updates))
                same = conn.execute(
                    "SELECT (SELECT sum(v) FROM h) = (SELECT sum(v) FROM f)"
                ).fetchone()
                assert same is not None and same[0], "h and f differ"
                # writes pause: the node checkpoints Kuzu after IDLE_CHECKPOINT_S without a
                # write (kuzugres.engine.Engine.wrote), as it would between bursts
                time.sleep(IDLE_CHECKPOINT_S + 1)
                results = compare(conn, args.rows, args.n)
                print("before the restart:", results, flush=True)
                one_update = event_size(conn, data)
                print("event size:", one_update, flush=True)
        finally:
            t0 = time.perf_counter()
            node.stop(timeout=900)
            stop_s = time.perf_counter() - t0
        # A clean stop checkpoints Kuzu: its update versions are folded into the tables.
        t0 = time.perf_counter()
        node = start_node(data, timeout=900)
        start_s = time.perf_counter() - t0
        try:
            with psycopg.connect(node.dsn, autocommit=True) as conn:
                restarted = compare(conn, args.rows, args.n)
        finally:
            node.stop(timeout=900)
    lines = [
        f"- {args.updates} row updates in {-(-args.updates // args.batch)} UPDATE statements "
        f"of {args.batch} rows: {seconds:.1f} s ({args.updates / seconds:.0f} rows/s); "
        f"the event log grew by {log_growth / 1e6:.1f} MB ({log_growth / args.updates:.0f} "
        "bytes per row update)",
        "",
        "| measurement | updated table, median µs | fresh table, median µs | ratio "
        "| after a restart: updated | fresh | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, h, f), (_, h2, f2) in zip(results, restarted, strict=True):
        lines.append(
            f"| {name} | {h:.0f} | {f:.0f} | {h / f:.2f}x | {h2:.0f} | {f2:.0f} | {h2 / f2:.2f}x |"
        )
    lines += [
        "",
        f"- the restart: clean stop {stop_s:.1f} s, start {start_s:.1f} s",
        f"- event size: one one-column UPDATE of a 20-column row grows DATA/events by "
        f"**{one_update} bytes** (goal ≤ 100, frame header and CRC included, uncompressed)",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        body = (
            f"Command: `.venv/bin/python benchmarks/history_bench.py --rows {args.rows} "
            f"--updates {args.updates} --batch {args.batch} --n {args.n} --write`  \n"
            f"Machine: {platform.machine()}, {platform.python_implementation()} "
            f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}; one kuzugres node, "
            "both tables in it, measurements interleaved. The 2 cores were shared with "
            "other jobs during this run, so timings are noisy.\n\n" + text
        )
        write_section("Latest state vs history (issue 5)", body)


if __name__ == "__main__":
    main()
