"""Wire and session overhead: kuzugres vs direct Kuzu vs PostgreSQL 15, in one run.

Measures, over psycopg 3 on loopback (one connection, sequential round trips):
  - `SELECT 1` against kuzugres and against a throwaway PostgreSQL 15;
  - a prepared, parameterized cypher() primary-key point lookup against kuzugres;
  - the same point lookup through Kuzu's Python API in-process (no wire).
Reports median latency (µs), p99 and throughput, plus the wire+session overhead
(kuzugres lookup median minus direct Kuzu lookup median).

Usage: .venv/bin/python benchmarks/wire_latency.py [--n 5000] [--rows 10000] [--write]
With --write the markdown table replaces the results section of benchmarks/RESULTS.md.
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

import kuzu
import psycopg
from psycopg.types.json import Json

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results import write_section  # noqa: E402
from tests.pgserver import start_postgres  # noqa: E402
from tests.serverproc import start_node  # noqa: E402

LOOKUP = "MATCH (p:person) WHERE p.id = $id RETURN p.name, p.age"


def measure(fn: Callable[[int], object], n: int, warmup: int = 200) -> list[float]:
    for i in range(warmup):
        fn(i)
    out = []
    for i in range(n):
        t0 = time.perf_counter_ns()
        fn(i)
        out.append((time.perf_counter_ns() - t0) / 1000)
    return out


def summary(name: str, samples: list[float]) -> dict[str, float | str]:
    s = sorted(samples)
    med = statistics.median(s)
    return {
        "name": name,
        "median_us": med,
        "p99_us": s[int(len(s) * 0.99) - 1],
        "per_s": 1e6 / statistics.mean(s),
    }


def load_people(conn: kuzu.Connection, rows: int) -> None:
    conn.execute("CREATE NODE TABLE person(id INT64, name STRING, age INT64, PRIMARY KEY(id))")
    conn.execute(
        "UNWIND range(0, $n - 1) AS i CREATE (:person {id: i, name: 'p' + string(i), age: i % 90})",
        {"n": rows},
    )


def run(n: int, rows: int) -> list[dict[str, float | str]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        # Direct Kuzu, in-process.
        db = kuzu.Database(str(Path(tmp) / "direct"))
        kc = kuzu.Connection(db)
        load_people(kc, rows)
        ps = kc.prepare(LOOKUP.replace("$id", "CAST($id AS INT64)"))
        results.append(
            summary(
                "Kuzu Python API, point lookup (prepared)",
                measure(lambda i: kc.execute(ps, {"id": i % rows}).get_all(), n),
            )
        )
        kc.close()
        db.close()

        node = start_node(Path(tmp) / "node")
        pg = start_postgres()
        try:
            with psycopg.connect(node.dsn, autocommit=True) as c:
                c.execute(
                    "SELECT * FROM cypher($$ CREATE NODE TABLE person(id INT64, name STRING, "
                    "age INT64, PRIMARY KEY(id)) $$) AS (r text)"
                )
                c.execute(
                    "SELECT * FROM cypher($$ UNWIND range(0, $n - 1) AS i CREATE (:person "
                    "{id: i, name: 'p' + string(i), age: i %% 90}) $$, %s) AS (r text)",
                    [Json({"n": rows})],
                )
                cur = c.cursor()
                results.append(
                    summary(
                        "kuzugres SELECT 1 (psycopg)",
                        measure(lambda i: cur.execute("SELECT 1").fetchall(), n),
                    )
                )
                q = f"SELECT * FROM cypher($$ {LOOKUP} $$, %s) AS (name text, age int8)"
                results.append(
                    summary(
                        "kuzugres cypher() point lookup (psycopg, prepared)",
                        measure(
                            lambda i: cur.execute(
                                q, [Json({"id": i % rows})], prepare=True
                            ).fetchall(),
                            n,
                        ),
                    )
                )
            with psycopg.connect(pg.dsn, autocommit=True) as c:
                cur = c.cursor()
                results.append(
                    summary(
                        "PostgreSQL 15 SELECT 1 (psycopg)",
                        measure(lambda i: cur.execute("SELECT 1").fetchall(), n),
                    )
                )
        finally:
            pg.stop()
            node.stop()
    return results


def table(results: list[dict[str, float | str]]) -> str:
    by = {str(r["name"]): r for r in results}
    lines = [
        "| measurement | median µs | p99 µs | round trips/s |",
        "|---|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {float(r['median_us']):.1f} | {float(r['p99_us']):.1f} "
            f"| {float(r['per_s']):.0f} |"
        )
    direct = float(by["Kuzu Python API, point lookup (prepared)"]["median_us"])
    wire = float(by["kuzugres cypher() point lookup (psycopg, prepared)"]["median_us"])
    s1 = float(by["kuzugres SELECT 1 (psycopg)"]["median_us"])
    pg1 = float(by["PostgreSQL 15 SELECT 1 (psycopg)"]["median_us"])
    lines += [
        "",
        f"- wire + session overhead on the point lookup (kuzugres − direct Kuzu): "
        f"**{wire - direct:.1f} µs** median (goal ≤ 100 µs); ratio {wire / direct:.2f}x. "
        f"Of that, about {pg1:.0f} µs is the client library and loopback TCP (PostgreSQL's "
        f"whole `SELECT 1` round trip), so the server-side layer adds ~{wire - direct - pg1:.0f} µs",
        f"- `SELECT 1`: kuzugres / PostgreSQL 15 = **{s1 / pg1:.2f}x** "
        f"({s1:.1f} µs vs {pg1:.1f} µs)",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=5000, help="round trips per measurement")
    ap.add_argument("--rows", type=int, default=10000, help="rows in the person table")
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = ap.parse_args()
    results = run(args.n, args.rows)
    text = table(results)
    print(text)
    if args.write:
        body = (
            f"Command: `.venv/bin/python benchmarks/wire_latency.py --n {args.n} "
            f"--rows {args.rows} --write`  \n"
            f"Machine: {platform.machine()}, {platform.python_implementation()} "
            f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}; one client, "
            "sequential round trips over loopback TCP.\n\n" + text
        )
        write_section("Wire latency (issue 2)", body)


if __name__ == "__main__":
    main()
