"""SQL over tables: kuzugres vs PostgreSQL 15 on the same machine and data, in one run.

Measures (issue 3's benchmark list):
  1. translation time of a typical statement, cold (parse + translate) and cached;
  2. a prepared primary-key point lookup over psycopg;
  3. a 3-table join with GROUP BY (customers, orders, order_items);
  4. WITH RECURSIVE reachability on a follows graph (up to 4 hops, and unbounded).
Reports medians (ms or µs) and the kuzugres / PostgreSQL ratio. A statement kuzugres
does not support yet is reported as such instead of failing the run.

Usage: .venv/bin/python benchmarks/sql_bench.py [--orders 100000] [--users 10000]
       [--edges 100000] [--write]
The issue's full sizes are --orders 1000000 --users 100000 --edges 1000000 (slow: the
residual engine runs joins in Python; see docs/decisions/0006-residual-engine.md).
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results import write_section  # noqa: E402
from kuzugres.translator.catalog import Catalog  # noqa: E402
from kuzugres.translator.statements import Translator, translate  # noqa: E402
from tests.pgserver import start_postgres  # noqa: E402
from tests.serverproc import start_node  # noqa: E402

SCHEMA = [
    "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, country text)",
    "CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers(id), "
    "placed date)",
    "CREATE TABLE order_items (id int PRIMARY KEY, order_id int REFERENCES orders(id), "
    "quantity int, price numeric(10,2))",
    "CREATE TABLE users (id int PRIMARY KEY, name text)",
    "CREATE TABLE follows (id int PRIMARY KEY, follower int REFERENCES users(id), "
    "followee int REFERENCES users(id))",
]
JOIN_QUERY = (
    "SELECT c.country, count(*) AS items, sum(i.quantity * i.price) AS revenue "
    "FROM customers c JOIN orders o ON o.customer_id = c.id "
    "JOIN order_items i ON i.order_id = o.id GROUP BY c.country ORDER BY c.country"
)
RECURSIVE_4 = (
    "WITH RECURSIVE reach(id, depth) AS (SELECT 1, 0 UNION "
    "SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id "
    "WHERE r.depth < 4) SELECT count(DISTINCT id) FROM reach"
)
RECURSIVE_ALL = (
    "WITH RECURSIVE reach(id) AS (SELECT 1 UNION "
    "SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id) "
    "SELECT count(*) FROM reach"
)
LOOKUP = "SELECT name, country FROM customers WHERE id = %s"


def median_time(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def copy_rows(conn: psycopg.Connection[Any], table: str, rows: list[tuple[Any, ...]]) -> None:
    buf = io.StringIO()
    for r in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in r) + "\n")
    with conn.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN") as cp:
        cp.write(buf.getvalue())


def load(conn: psycopg.Connection[Any], n_orders: int, n_users: int, n_edges: int) -> None:
    rnd = random.Random(42)
    n_customers = max(n_orders // 10, 1)
    for stmt in SCHEMA:
        conn.execute(stmt)
    countries = ["de", "fr", "us", "jp", "br", "in", "ng", "au"]
    copy_rows(
        conn,
        "customers",
        [(i, f"c{i}", countries[i % len(countries)]) for i in range(1, n_customers + 1)],
    )
    copy_rows(
        conn,
        "orders",
        [(i, rnd.randint(1, n_customers), "2026-01-01") for i in range(1, n_orders + 1)],
    )
    copy_rows(
        conn,
        "order_items",
        [
            (i, rnd.randint(1, n_orders), rnd.randint(1, 5), f"{rnd.randint(100, 9999) / 100:.2f}")
            for i in range(1, n_orders + 1)
        ],
    )
    copy_rows(conn, "users", [(i, f"u{i}") for i in range(1, n_users + 1)])
    copy_rows(
        conn,
        "follows",
        [(i, rnd.randint(1, n_users), rnd.randint(1, n_users)) for i in range(1, n_edges + 1)],
    )


def timed_query(conn: psycopg.Connection[Any], sql: str, repeat: int) -> float | str:
    try:
        conn.execute(sql).fetchall()
    except psycopg.Error as exc:
        return f"not supported yet ({exc.sqlstate})"
    return median_time(lambda: conn.execute(sql).fetchall(), repeat)


def lookup_us(conn: psycopg.Connection[Any], n: int, n_customers: int) -> float:
    cur = conn.cursor()
    samples = []
    for i in range(n):
        t0 = time.perf_counter_ns()
        cur.execute(LOOKUP, [1 + i % n_customers], prepare=True).fetchall()
        samples.append((time.perf_counter_ns() - t0) / 1000)
    return statistics.median(samples[n // 10 :])


def translation_us() -> tuple[float, float]:
    catalog = Catalog()
    for stmt in SCHEMA:
        result = translate(stmt, (), catalog)[0].plan.apply(catalog)  # type: ignore[union-attr]
        catalog = result.catalog
    sql = JOIN_QUERY
    cold = median_time(lambda: translate(sql, (), catalog), 200) * 1e6
    cache = Translator()
    cache.translate(sql, (), catalog)
    cached = median_time(lambda: cache.translate(sql, (), catalog), 2000) * 1e6
    return cold, cached


def fmt(v: float | str, unit: str) -> str:
    return v if isinstance(v, str) else f"{v:.1f} {unit}"


def ratio(a: float | str, b: float | str) -> str:
    if isinstance(a, str) or isinstance(b, str):
        return "–"
    return f"{a / b:.2f}x"


def run(args: argparse.Namespace) -> str:
    cold, cached = translation_us()
    rows: list[tuple[str, float | str, float | str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        node = start_node(Path(tmp) / "node")
        pg = start_postgres({"synchronous_commit": "on"})
        try:
            with (
                psycopg.connect(node.dsn, autocommit=True) as kz,
                psycopg.connect(pg.dsn, autocommit=True) as pc,
            ):
                t0 = time.perf_counter()
                load(kz, args.orders, args.users, args.edges)
                load_kz = time.perf_counter() - t0
                t0 = time.perf_counter()
                load(pc, args.orders, args.users, args.edges)
                load_pg = time.perf_counter() - t0
                rows.append(
                    ("load (COPY, all tables), s", load_kz, load_pg, ratio(load_kz, load_pg))
                )
                n_customers = max(args.orders // 10, 1)
                a, b = lookup_us(kz, 2000, n_customers), lookup_us(pc, 2000, n_customers)
                rows.append(("primary-key lookup (prepared), µs", a, b, ratio(a, b)))
                for label, sql in (
                    ("3-table join + GROUP BY, ms", JOIN_QUERY),
                    ("WITH RECURSIVE ≤ 4 hops, ms", RECURSIVE_4),
                    ("WITH RECURSIVE unbounded, ms", RECURSIVE_ALL),
                ):
                    ka = timed_query(kz, sql, args.repeat)
                    pb = timed_query(pc, sql, args.repeat)
                    ka = ka * 1000 if isinstance(ka, float) else ka
                    pb = pb * 1000 if isinstance(pb, float) else pb
                    rows.append((label, ka, pb, ratio(ka, pb)))
        finally:
            pg.stop()
            node.stop()
    out = [
        f"Data: {max(args.orders // 10, 1)} customers, {args.orders} orders, {args.orders} order "
        f"items, {args.users} users, {args.edges} follows edges.",
        "",
        f"- translation of the 3-table join: cold **{cold:.0f} µs**, cached **{cached:.1f} µs** "
        "(goal: cached under 50 µs)",
        "",
        "| measurement | kuzugres | PostgreSQL 15 | kuzugres / PostgreSQL |",
        "|---|---:|---:|---:|",
    ]
    for label, a, b, r in rows:
        unit = ""
        out.append(f"| {label} | {fmt(a, unit)} | {fmt(b, unit)} | {r} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--users", type=int, default=10_000)
    ap.add_argument("--edges", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = ap.parse_args()
    text = run(args)
    print(text)
    if args.write:
        cmd = (
            f".venv/bin/python benchmarks/sql_bench.py --orders {args.orders} --users "
            f"{args.users} --edges {args.edges} --repeat {args.repeat} --write"
        )
        write_section(
            "SQL over tables (issue 3)",
            f"Command: `{cmd}`  \n"
            f"Machine: {platform.machine()}, CPython {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d')}; same machine, same data, same run.\n\n" + text,
        )


if __name__ == "__main__":
    main()
