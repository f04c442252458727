"""Kuzu 0.11.3's primary-key index and parameters (docs/decisions/0023).

Loads a node table of N rows with COPY into a temporary database, then prints the median
time of a primary-key lookup written with a literal key, the same lookup with the key
as a parameter (the index is not used: a scan), the same from an UNWOUND list (how
INSERT used to check its keys), and a one-row CREATE by parameter,
whose duplicate check does use the index.

Usage: .venv/bin/python tools/kuzu_pk_lookup_probe.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import kuzu


def median_ms(conn: kuzu.Connection, cypher: str, params: dict[str, Any], reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        conn.execute(cypher, params).get_all()  # type: ignore[union-attr]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "t.csv"
        csv.write_text("".join(f"{i},{i}\n" for i in range(args.rows)))
        conn = kuzu.Connection(kuzu.Database(str(Path(tmp) / "db")))
        conn.execute("CREATE NODE TABLE T(id INT64, v STRING, PRIMARY KEY(id))")
        conn.execute(f"COPY T FROM '{csv}'")
        key = args.rows // 2
        literal = median_ms(conn, f"MATCH (n:T) WHERE n.id = {key} RETURN n.v", {}, args.reps)
        param = median_ms(conn, "MATCH (n:T) WHERE n.id = $k RETURN n.v", {"k": key}, args.reps)
        unwind = median_ms(
            conn,
            "UNWIND CAST($ks AS INT64[]) AS k MATCH (n:T) WHERE n.id = k RETURN n.id",
            {"ks": [key]},
            args.reps,
        )
        conn.execute("BEGIN TRANSACTION")
        create = median_ms(
            conn, "CREATE (n:T {id: $k, v: 'x'})", {"k": args.rows + 1}, 1
        )  # one row: a second run would be a duplicate
        conn.execute("ROLLBACK")
        print(f"{args.rows} rows: lookup by literal {literal:.2f} ms, by parameter {param:.2f} ms")
        print(f"keys UNWOUND from a list parameter (the old INSERT check): {unwind:.2f} ms")
        print(f"one-row CREATE by parameter (index checks the key): {create:.2f} ms")


if __name__ == "__main__":
    main()
