"""numeric(p <= 18, s) stored as scaled INT64 units, and the text form older data
directories keep (decision 0014): both storages give the same values and the same
Kuzu-computed aggregates, on a real embedded Kuzu database."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import kuzu
import pglast
import pytest

from kuzugres.proxy import types as T
from kuzugres.proxy.types import FormatContext
from kuzugres.tables import from_kuzu, rows_from_kuzu, to_kuzu
from kuzugres.translator.catalog import (
    SCALED,
    SCALED_NAN,
    Catalog,
    ColumnDef,
    ConstraintDef,
    TableDef,
    storage_for,
)
from kuzugres.translator.ddl import quote
from kuzugres.translator.expr import ParamTypes
from kuzugres.translator.pushdown import GroupedScan, finish, scan_constants, scan_cypher
from kuzugres.translator.query import compile_query


def _typmod(p: int, s: int) -> int:
    return ((p << 16) | s) + 4


CTX = FormatContext()
VALUES = [Decimal("12.50"), Decimal("-0.01"), Decimal("0.00"), Decimal("NaN"), None]


def test_new_columns_scaled_only_up_to_precision_18() -> None:
    assert storage_for(T.NUMERIC, _typmod(18, 0)) == SCALED
    assert storage_for(T.NUMERIC, _typmod(10, 2)) == SCALED
    assert storage_for(T.NUMERIC, _typmod(3, 3)) == SCALED
    assert storage_for(T.NUMERIC, _typmod(19, 2)) == ""
    assert storage_for(T.NUMERIC, -1) == ""  # unconstrained numeric keeps its text form
    assert storage_for(T.INT4, -1) == ""


def test_catalog_of_an_older_data_directory_reads_as_text() -> None:
    col = ColumnDef("price", T.NUMERIC, _typmod(10, 2), attnum=1)
    table = TableDef("public", "t", (col,), oid=1, kuzu_name="t")
    doc = json.loads(Catalog(tables={"public.t": table}).to_json())
    for t in doc["tables"]:
        for c in t["columns"]:
            c.pop("storage")  # written before decision 0014
    old = Catalog.from_json(json.dumps(doc)).tables["public.t"].columns[0]
    assert old.storage == "" and old.kuzu_type == "STRING"
    assert replace_storage(old).kuzu_type == "INT64"


def replace_storage(col: ColumnDef) -> ColumnDef:
    from dataclasses import replace

    return replace(col, storage=SCALED)


@pytest.mark.parametrize("storage", ["", SCALED])
def test_codec_roundtrip(storage: str) -> None:
    col = ColumnDef("v", T.NUMERIC, _typmod(10, 2), storage=storage)
    stored = [to_kuzu(col, v, CTX) for v in VALUES]
    if storage == SCALED:
        assert stored == [1250, -1, 0, SCALED_NAN, None]
    else:
        assert stored == ["12.50", "-0.01", "0.00", "NaN", None]
    back = [None if s is None else from_kuzu(col, s, CTX) for s in stored]
    assert [str(b) for b in back] == [str(v) for v in VALUES]


def _table(storage: str) -> TableDef:
    cols = (
        ColumnDef("id", T.INT4, attnum=1),
        ColumnDef("g", T.TEXT, attnum=2),
        ColumnDef("v", T.NUMERIC, _typmod(10, 2), attnum=3, storage=storage),
        ColumnDef("q", T.INT4, attnum=4),
    )
    pk = ConstraintDef("t_pkey", "p", ("id",))
    return TableDef("public", "t", cols, (pk,), kuzu_name="t", key="id")


def _load(tmp: Path, table: TableDef, rows: list[tuple[Any, ...]]) -> kuzu.Connection:
    conn = kuzu.Connection(kuzu.Database(str(tmp / "db")))
    props = ", ".join(f"{quote(c.name)} {c.kuzu_type}" for c in table.columns)
    conn.execute(f"CREATE NODE TABLE t({props}, PRIMARY KEY(id))")
    for r in rows:
        params = {c.name: to_kuzu(c, v, CTX) for c, v in zip(table.columns, r, strict=True)}
        sets = ", ".join(
            f"{quote(c.name)}: CAST(${c.name} AS {c.kuzu_type})" for c in table.columns
        )
        conn.execute(f"CREATE (:t {{{sets}}})", params)
    return conn


def _grouped(table: TableDef, conn: kuzu.Connection, sql: str) -> Any:
    catalog = Catalog(tables={"public.t": table})
    plan = compile_query(pglast.parse_sql(sql)[0].stmt, sql, ParamTypes([]), catalog)
    (scan,) = plan.scans
    assert isinstance(scan, GroupedScan)
    result = conn.execute(scan_cypher(scan), scan_constants(scan))
    rows = []
    while result.has_next():
        rows.append(result.get_next())
    return finish(scan, rows, lambda col, v: from_kuzu(col, v, CTX))


def _text(v: Any) -> str:
    """A value in PostgreSQL's text output."""
    if isinstance(v, Decimal):
        return T.encode_text(T.NUMERIC, v, CTX).decode()
    return str(v)


ROWS = [
    (1, "a", Decimal("12.50"), 3),
    (2, "a", Decimal("-0.01"), 2),
    (3, "b", Decimal("0.00"), 1),
    (4, "b", None, 5),
    (5, "c", Decimal("99999999.99"), 7),
]


@pytest.mark.parametrize("storage", ["", SCALED])
def test_both_storages_aggregate_alike_in_kuzu(tmp_path: Path, storage: str) -> None:
    table = _table(storage)
    conn = _load(tmp_path, table, ROWS)
    sql = "SELECT g, sum(v), avg(v), min(v), max(v), count(v), sum(q * v) FROM t GROUP BY g"
    got = sorted(_grouped(table, conn, sql))
    assert [tuple(_text(x) for x in r) for r in got] == [
        ("a", "12.49", "6.2450000000000000", "-0.01", "12.50", "2", "37.48"),
        ("b", "0.00", "0.00000000000000000000", "0.00", "0.00", "1", "0.00"),
        ("c", "99999999.99", "99999999.990000000000", "99999999.99", "99999999.99", "1",
         "699999999.93"),
    ]  # fmt: skip
    scan = conn.execute("MATCH (n:t) RETURN n.id, n.g, n.v, n.q, n.id AS k ORDER BY n.id")
    stored = []
    while scan.has_next():
        stored.append(scan.get_next())
    assert [r[:4] for r in rows_from_kuzu(table, stored, CTX)] == [r[:4] for r in ROWS]


@pytest.mark.parametrize("storage", ["", SCALED])
def test_a_nan_makes_kuzu_decline(tmp_path: Path, storage: str) -> None:
    table = _table(storage)
    conn = _load(tmp_path, table, [*ROWS, (6, "a", Decimal("NaN"), 1)])
    assert _grouped(table, conn, "SELECT g, sum(v) FROM t GROUP BY g") is None
    assert _grouped(table, conn, "SELECT max(v) FROM t") is None
