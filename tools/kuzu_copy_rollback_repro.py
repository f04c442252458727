"""Kuzu 0.11.3: COPY into a node table inside a transaction that is rolled back leaves
the table's state corrupt; the next COPY into it aborts the process (heap corruption).
Why kuzugres never uses Kuzu's COPY on its write path (docs/decisions/0015).

Usage: python tools/kuzu_copy_rollback_repro.py 1000   (expect: the process aborts)
"""

from __future__ import annotations

import sys
import tempfile

import kuzu
import pyarrow as pa


def main(rows: int) -> None:
    conn = kuzu.Connection(kuzu.Database(tempfile.mkdtemp() + "/db"))
    conn.execute("CREATE NODE TABLE ch(id INT64, PRIMARY KEY(id))")
    conn.execute("CREATE (:ch {id: 1})")
    df = pa.table({"id": pa.array(range(1000, 1000 + rows), pa.int64())})
    copy = "COPY ch FROM (LOAD FROM $df RETURN *)"
    conn.execute("BEGIN TRANSACTION")
    conn.execute(copy, {"df": df})
    conn.execute("ROLLBACK")
    print("after rollback:", conn.execute("MATCH (a:ch) RETURN count(*)").get_all())  # type: ignore[union-attr]
    conn.execute(copy, {"df": df})  # aborts the process in Kuzu 0.11.3
    print("after the second COPY:", conn.execute("MATCH (a:ch) RETURN count(*)").get_all())  # type: ignore[union-attr]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
