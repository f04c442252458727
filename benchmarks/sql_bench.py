"""SQL over tables: kuzugres vs direct Kuzu vs PostgreSQL 15, same machine, data and run.

Measures (issue 3's benchmark list):
  1. translation time of a typical statement, cold (parse + translate) and cached;
  2. a prepared primary-key point lookup over psycopg;
  3. a 3-table join with GROUP BY (customers, orders, order_items);
  4. WITH RECURSIVE reachability on a follows graph (up to 4 hops, and unbounded).
Each question also runs as hand-written Cypher through Kuzu's Python API on the same
data (the engine's own cost, without SQL, wire or residual work). Reports medians (ms
or µs) and ratios. A statement kuzugres does not support yet is reported as such
instead of failing the run.

Usage: .venv/bin/python benchmarks/sql_bench.py [--orders 100000] [--users 10000]
       [--edges 100000] [--repeat 3] [--write]
The issue's full sizes are --orders 1000000 --users 100000 --edges 1000000.
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
import warnings
from collections.abc import Callable
from functools import partial
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


Data = dict[str, list[tuple[Any, ...]]]


def generate(n_orders: int, n_users: int, n_edges: int) -> Data:
    """The benchmark's rows, the same for every system (seeded)."""
    rnd = random.Random(42)
    n_customers = max(n_orders // 10, 1)
    countries = ["de", "fr", "us", "jp", "br", "in", "ng", "au"]
    return {
        "customers": [
            (i, f"c{i}", countries[i % len(countries)]) for i in range(1, n_customers + 1)
        ],
        "orders": [(i, rnd.randint(1, n_customers), "2026-01-01") for i in range(1, n_orders + 1)],
        "order_items": [
            (i, rnd.randint(1, n_orders), rnd.randint(1, 5), f"{rnd.randint(100, 9999) / 100:.2f}")
            for i in range(1, n_orders + 1)
        ],
        "users": [(i, f"u{i}") for i in range(1, n_users + 1)],
        "follows": [
            (i, rnd.randint(1, n_users), rnd.randint(1, n_users)) for i in range(1, n_edges + 1)
        ],
    }


def load(conn: psycopg.Connection[Any], data: Data) -> None:
    for stmt in SCHEMA:
        conn.execute(stmt)
    for table, rows in data.items():
        copy_rows(conn, table, rows)


# The same data in Kuzu, modelled as a Kuzu user would: foreign keys as REL tables and the
# follows rows as edges between users. Kuzu has no exact decimal sum, so price is DOUBLE.
KUZU_SCHEMA = [
    "CREATE NODE TABLE customers(id INT32, name STRING, country STRING, PRIMARY KEY(id))",
    "CREATE NODE TABLE orders(id INT32, placed DATE, PRIMARY KEY(id))",
    "CREATE NODE TABLE order_items(id INT32, quantity INT32, price DOUBLE, PRIMARY KEY(id))",
    "CREATE NODE TABLE users(id INT32, name STRING, PRIMARY KEY(id))",
    "CREATE REL TABLE placed_by(FROM orders TO customers)",
    "CREATE REL TABLE item_of(FROM order_items TO orders)",
    "CREATE REL TABLE follows(FROM users TO users, id INT32)",
]
KUZU_LOOKUP = "MATCH (c:customers) WHERE c.id = $id RETURN c.name, c.country"
KUZU_JOIN = (
    "MATCH (c:customers)<-[:placed_by]-(:orders)<-[:item_of]-(i:order_items) "
    "RETURN c.country, count(*) AS items, sum(i.quantity * i.price) AS revenue ORDER BY c.country"
)
KUZU_RECURSIVE_4 = (
    "MATCH (a:users) WHERE a.id = 1 OPTIONAL MATCH (a)-[:follows*1..4]->(b:users) "
    "WITH collect(DISTINCT b.id) + [CAST(1 AS INT32)] AS ids UNWIND ids AS x RETURN count(DISTINCT x)"
)
KUZU_RECURSIVE_ALL = (
    "MATCH (a:users) WHERE a.id = 1 OPTIONAL MATCH (a)-[:follows* SHORTEST 1..30]->(b:users) "
    "WITH collect(DISTINCT b.id) + [CAST(1 AS INT32)] AS ids UNWIND ids AS x RETURN count(DISTINCT x)"
)


def _kuzu_all(conn: Any, cypher: str) -> list[list[Any]]:
    return conn.execute(cypher).get_all()  # type: ignore[no-any-return]


def direct_kuzu(tmp: Path, data: Data, repeat: int) -> dict[str, float]:
    """The benchmark through Kuzu's Python API in process (Kuzu's COPY for loading)."""
    import kuzu

    (tmp / "kuzu").mkdir()
    db = kuzu.Database(str(tmp / "kuzu" / "db"))
    conn = kuzu.Connection(db)
    files = {
        "customers": data["customers"],
        "orders": [(i, placed) for i, _, placed in data["orders"]],
        "order_items": [(i, q, p) for i, _, q, p in data["order_items"]],
        "users": data["users"],
        "placed_by": [(i, c) for i, c, _ in data["orders"]],
        "item_of": [(i, o) for i, o, _, _ in data["order_items"]],
        "follows": [(a, b, i) for i, a, b in data["follows"]],
    }
    t0 = time.perf_counter()
    for stmt in KUZU_SCHEMA:
        conn.execute(stmt)
    for table, rows in files.items():
        path = tmp / f"{table}.csv"
        path.write_text("".join(",".join(str(v) for v in r) + "\n" for r in rows))
        conn.execute(f"COPY {table} FROM '{path}' (header=false)")
    out = {"load": time.perf_counter() - t0}
    n_customers = len(data["customers"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        lookup = conn.prepare(KUZU_LOOKUP)
    samples = []
    for i in range(2000):
        t = time.perf_counter_ns()
        conn.execute(lookup, {"id": 1 + i % n_customers}).get_all()  # type: ignore[union-attr]
        samples.append((time.perf_counter_ns() - t) / 1000)
    out["lookup"] = statistics.median(samples[200:])
    for key, cypher in (
        ("join", KUZU_JOIN),
        ("rec4", KUZU_RECURSIVE_4),
        ("recall", KUZU_RECURSIVE_ALL),
    ):
        out[key] = median_time(partial(_kuzu_all, conn, cypher), repeat) * 1000
    conn.close()
    db.close()
    return out


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
    data = generate(args.orders, args.users, args.edges)
    rows: list[tuple[str, float | str, float | str, float | str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        kuzu_direct = direct_kuzu(Path(tmp), data, args.repeat)
        node = start_node(Path(tmp) / "node")
        pg = start_postgres({"synchronous_commit": "on"})
        try:
            with (
                psycopg.connect(node.dsn, autocommit=True) as kz,
                psycopg.connect(pg.dsn, autocommit=True) as pc,
            ):
                t0 = time.perf_counter()
                load(kz, data)
                load_kz = time.perf_counter() - t0
                t0 = time.perf_counter()
                load(pc, data)
                load_pg = time.perf_counter() - t0
                rows.append(("load (COPY, all tables), s", load_kz, kuzu_direct["load"], load_pg))
                n_customers = len(data["customers"])
                a, b = lookup_us(kz, 2000, n_customers), lookup_us(pc, 2000, n_customers)
                rows.append(("primary-key lookup (prepared), µs", a, kuzu_direct["lookup"], b))
                for label, sql, key in (
                    ("3-table join + GROUP BY, ms", JOIN_QUERY, "join"),
                    ("WITH RECURSIVE ≤ 4 hops, ms", RECURSIVE_4, "rec4"),
                    ("WITH RECURSIVE unbounded, ms", RECURSIVE_ALL, "recall"),
                ):
                    ka = timed_query(kz, sql, args.repeat)
                    pb = timed_query(pc, sql, args.repeat)
                    ka = ka * 1000 if isinstance(ka, float) else ka
                    pb = pb * 1000 if isinstance(pb, float) else pb
                    rows.append((label, ka, kuzu_direct[key], pb))
        finally:
            pg.stop()
            node.stop()
    out = [
        f"Data: {len(data['customers'])} customers, {args.orders} orders, {args.orders} order "
        f"items, {args.users} users, {args.edges} follows edges.",
        "",
        f"- translation of the 3-table join: cold **{cold:.0f} µs**, cached **{cached:.1f} µs** "
        "(goal: cached under 50 µs)",
        "- direct Kuzu: the same data and questions as hand-written Cypher through Kuzu's "
        "Python API in process (foreign keys as REL tables, follows as user-to-user edges, "
        "price as DOUBLE), loaded with Kuzu's COPY from CSV",
        "",
        "| measurement | kuzugres | direct Kuzu | PostgreSQL 15 | kuzugres / Kuzu "
        "| kuzugres / PostgreSQL |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, ours, kuzu_v, pg_v in rows:
        out.append(
            f"| {label} | {fmt(ours, '')} | {fmt(kuzu_v, '')} | {fmt(pg_v, '')} "
            f"| {ratio(ours, kuzu_v)} | {ratio(ours, pg_v)} |"
        )
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
