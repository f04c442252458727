"""Write throughput: kuzugres vs PostgreSQL 15 (synchronous_commit on), in one run.

Over psycopg 3 on loopback, into `w(id int8 PRIMARY KEY, a int4, b text, c float8)`:
  - single-row autocommit INSERT, prepared: per-statement latency, rows/s;
  - executemany batches (`--batch` rows per executemany, one transaction each):
    per-batch latency, rows/s;
  - COPY FROM STDIN of `--copy` rows: rows/s.
kuzugres runs each twice, with synchronous_commit on (the default) and off.
PostgreSQL is the throwaway server of tests/pgserver.py with its defaults
(synchronous_commit on, fsync on).

Usage: .venv/bin/python benchmarks/write_bench.py [--single 1000] [--batches 10]
       [--batch 1000] [--copy 100000] [--write]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results import write_section  # noqa: E402
from tests.pgserver import start_postgres  # noqa: E402
from tests.serverproc import start_node  # noqa: E402

TABLE = "CREATE TABLE w (id int8 PRIMARY KEY, a int4, b text, c float8)"
INSERT = "INSERT INTO w (id, a, b, c) VALUES (%s, %s, %s, %s)"


def row(i: int) -> tuple[int, int, str, float]:
    return (i, i % 1000, f"row {i}", i / 7)


@dataclass(frozen=True)
class Figures:
    """One server's results: medians in µs and rows per second."""

    single_us: float
    single_rows_s: float
    batch_us: float
    batch_rows_s: float
    copy_s: float
    copy_rows_s: float


def run_one(dsn: str, args: argparse.Namespace, sync_off: bool) -> Figures:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS w")
        conn.execute(TABLE)
        if sync_off:
            conn.execute("SET synchronous_commit = off")
        cur = conn.cursor()
        next_id = 0
        single = []
        t_all = time.perf_counter()
        for _ in range(args.single):
            t0 = time.perf_counter()
            cur.execute(INSERT, row(next_id), prepare=True)
            single.append(time.perf_counter() - t0)
            next_id += 1
        single_total = time.perf_counter() - t_all

        batches = []
        for _ in range(args.batches):
            rows = [row(i) for i in range(next_id, next_id + args.batch)]
            next_id += args.batch
            t0 = time.perf_counter()
            with conn.transaction():
                cur.executemany(INSERT, rows)
            batches.append(time.perf_counter() - t0)

        rows = [row(i) for i in range(next_id, next_id + args.copy)]
        t0 = time.perf_counter()
        with conn.transaction(), cur.copy("COPY w (id, a, b, c) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        copy_s = time.perf_counter() - t0
        next_id += args.copy

        got = cur.execute("SELECT count(*) FROM w").fetchone()
        assert got is not None and got[0] == next_id, (got, next_id)
        conn.execute("DROP TABLE w")
    batch_med = statistics.median(batches)
    return Figures(
        single_us=statistics.median(single) * 1e6,
        single_rows_s=args.single / single_total,
        batch_us=batch_med * 1e6,
        batch_rows_s=args.batch * len(batches) / sum(batches),
        copy_s=copy_s,
        copy_rows_s=args.copy / copy_s,
    )


def table(kg: Figures, kg_off: Figures, pg: Figures, args: argparse.Namespace) -> str:
    lines = [
        "| measurement | kuzugres | kuzugres, synchronous_commit off | PostgreSQL 15 "
        "| kuzugres / PostgreSQL |",
        "|---|---:|---:|---:|---:|",
    ]

    def add(name: str, a: float, b: float, c: float, fmt: str, lower_better: bool) -> None:
        ratio = a / c if lower_better else c / a
        lines.append(f"| {name} | {a:{fmt}} | {b:{fmt}} | {c:{fmt}} | {ratio:.2f}x |")

    add(
        "single-row INSERT (prepared, autocommit), median µs",
        kg.single_us,
        kg_off.single_us,
        pg.single_us,
        ".0f",
        True,
    )
    add(
        "single-row INSERT, rows/s",
        kg.single_rows_s,
        kg_off.single_rows_s,
        pg.single_rows_s,
        ".0f",
        False,
    )
    add(
        f"executemany, {args.batch} rows per transaction, median ms",
        kg.batch_us / 1000,
        kg_off.batch_us / 1000,
        pg.batch_us / 1000,
        ".1f",
        True,
    )
    add("executemany, rows/s", kg.batch_rows_s, kg_off.batch_rows_s, pg.batch_rows_s, ".0f", False)
    add(f"COPY FROM STDIN, {args.copy} rows, s", kg.copy_s, kg_off.copy_s, pg.copy_s, ".2f", True)
    add("COPY FROM STDIN, rows/s", kg.copy_rows_s, kg_off.copy_rows_s, pg.copy_rows_s, ".0f", False)
    lines.append("")
    lines.append(
        "Ratios are kuzugres (synchronous_commit on) over PostgreSQL for times and "
        "PostgreSQL over kuzugres for rates, so above 1x means kuzugres is slower."
    )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--single", type=int, default=300, help="single-row INSERTs")
    ap.add_argument("--batches", type=int, default=5, help="executemany batches")
    ap.add_argument("--batch", type=int, default=1000, help="rows per executemany")
    ap.add_argument("--copy", type=int, default=20000, help="rows in the COPY")
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        node = start_node(Path(tmp) / "node")
        pg = start_postgres()
        try:
            kg = run_one(node.dsn, args, sync_off=False)
            kg_off = run_one(node.dsn, args, sync_off=True)
            pgf = run_one(pg.dsn, args, sync_off=False)
        finally:
            pg.stop()
            node.stop()
    text = table(kg, kg_off, pgf, args)
    print(text)
    if args.write:
        body = (
            f"Command: `.venv/bin/python benchmarks/write_bench.py --single {args.single} "
            f"--batches {args.batches} --batch {args.batch} --copy {args.copy} --write`  \n"
            f"Machine: {platform.machine()}, {platform.python_implementation()} "
            f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}; one client over "
            "loopback TCP; PostgreSQL 15 from tests/pgserver.py (synchronous_commit on). "
            f"Load average at the end of the run: {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} cores; compare the ratios within the run.\n\n" + text
        )
        write_section("Writes (issue 5)", body)


if __name__ == "__main__":
    main()
