"""Joins along foreign keys, aggregates and column pruning pushed into Kuzu scans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pglast
import pytest

from kuzugres.proxy.types import FLOAT4, FLOAT8, INT4, INT8, NUMERIC, TEXT
from kuzugres.translator.catalog import Catalog, ColumnDef, ConstraintDef, TableDef
from kuzugres.translator.expr import ParamTypes
from kuzugres.translator.pushdown import (
    GroupedRows,
    GroupedScan,
    JoinScan,
    MergedScan,
    TableScan,
    finish,
    scan_cypher,
)
from kuzugres.translator.query import QueryPlan, compile_query

NUMERIC_10_2 = ((10 << 16) | 2) + 4


def _table(name: str, cols: list[ColumnDef], *cons: ConstraintDef) -> TableDef:
    pk = ConstraintDef(f"{name}_pkey", "p", ("id",))
    return TableDef("public", name, tuple(cols), (pk, *cons), kuzu_name=name, key="id")


def _fk(name: str, col: str, parent: str, rel: str | None) -> ConstraintDef:
    return ConstraintDef(
        name, "f", (col,), ref_table=f"public.{parent}", ref_columns=("id",), rel_table=rel
    )


CUSTOMERS = _table(
    "customers",
    [ColumnDef("id", INT4), ColumnDef("name", TEXT), ColumnDef("country", TEXT)],
)
ORDERS = _table(
    "orders",
    [ColumnDef("id", INT4), ColumnDef("customer_id", INT4), ColumnDef("note", TEXT)],
    _fk("orders_cfk", "customer_id", "customers", "_fk_orders_cfk"),
)
ITEMS = _table(
    "items",
    [
        ColumnDef("id", INT4),
        ColumnDef("order_id", INT4),
        ColumnDef("quantity", INT4),
        ColumnDef("price", NUMERIC, NUMERIC_10_2),
        ColumnDef("weight", FLOAT8),
        ColumnDef("ratio", FLOAT4),
        ColumnDef("big", INT8),
        ColumnDef("loose", NUMERIC),
    ],
    _fk("items_ofk", "order_id", "orders", "_fk_items_ofk"),
)
STAFF = _table(
    "staff",
    [ColumnDef("id", INT4), ColumnDef("boss", INT4), ColumnDef("name", TEXT)],
    _fk("staff_bfk", "boss", "staff", "_fk_staff_bfk"),
)
NOREL = _table(
    "norel",
    [ColumnDef("id", INT4), ColumnDef("customer_id", INT4)],
    _fk("norel_cfk", "customer_id", "customers", None),
)
CATALOG = Catalog(tables={f"public.{t.name}": t for t in (CUSTOMERS, ORDERS, ITEMS, STAFF, NOREL)})
JOIN3 = "FROM customers c JOIN orders o ON o.customer_id = c.id JOIN items i ON i.order_id = o.id"


def plan(sql: str, params: tuple[int, ...] = ()) -> QueryPlan:
    node = pglast.parse_sql(sql)[0].stmt
    return compile_query(node, sql, ParamTypes(list(params)), CATALOG)


def read(p: QueryPlan) -> list[Any]:
    return [s for s in p.scans if not isinstance(s, MergedScan)]


class _Ctx:
    timezone = "UTC"
    extra_float_digits = 1

    def setting(self, name: str, missing_ok: bool = False) -> str | None:
        return None

    def transaction_timestamp(self) -> dt.datetime:
        return dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

    statement_timestamp = transaction_timestamp


# ---------------------------------------------------------------------------- joins


def test_fk_join_is_one_rel_pattern() -> None:
    p = plan("SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id")
    (scan,) = read(p)
    assert isinstance(scan, JoinScan)
    assert p.scans[1] == MergedScan(0)
    cypher = scan_cypher(scan)
    assert cypher.startswith("MATCH (n0:`orders`)-[:`_fk_orders_cfk`]->(n1:`customers`) RETURN ")
    # rows: each table's columns then its key, side by side
    rows = [(1, 7, None, 1, 7, "Ada", None, 7)]
    assert p.run([rows, []], [], _Ctx()) == [(1, "Ada")]  # type: ignore[arg-type]


def test_three_tables_chain_into_one_pattern() -> None:
    p = plan(f"SELECT c.name, i.quantity {JOIN3}")
    (scan,) = read(p)
    assert isinstance(scan, JoinScan)
    assert [(lk.child, lk.parent) for lk in scan.links] == [(1, 0), (2, 1)]
    assert "(n2:`items`)-[:`_fk_items_ofk`]->(n1)" in scan_cypher(scan)


def test_self_join_along_self_reference() -> None:
    p = plan("SELECT e.name, m.name FROM staff e JOIN staff m ON m.id = e.boss")
    (scan,) = read(p)
    assert isinstance(scan, JoinScan)
    assert "(n0:`staff`)-[:`_fk_staff_bfk`]->(n1:`staff`)" in scan_cypher(scan)


def test_extra_on_conjuncts_stay_as_filter() -> None:
    p = plan(
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id AND c.name = o.note"
    )
    (scan,) = read(p)
    assert isinstance(scan, JoinScan)
    rows = [(1, 7, "x", 1, 7, "Ada", "c", 7), (2, 7, "Ada", 2, 7, "Ada", "c", 7)]
    assert p.run([rows, []], [], _Ctx()) == [(2,)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1 FROM orders o JOIN customers c ON c.name = o.note",  # not a foreign key
        "SELECT 1 FROM orders o LEFT JOIN customers c ON c.id = o.customer_id",  # outer
        "SELECT 1 FROM norel n JOIN customers c ON c.id = n.customer_id",  # no REL TABLE
        "SELECT 1 FROM orders o JOIN customers c USING (id)",
        "SELECT 1 FROM orders o JOIN customers c ON c.id = o.customer_id OR c.id = 1",
        "SELECT 1 FROM staff e JOIN customers c ON e.boss = e.id",  # within one table
    ],
)
def test_other_joins_stay_residual(sql: str) -> None:
    assert all(isinstance(s, TableScan) for s in plan(sql).scans)


def test_comma_join_with_fk_equality_in_where() -> None:
    p = plan("SELECT o.id FROM orders o, customers c WHERE c.id = o.customer_id AND c.name = 'x'")
    (scan,) = read(p)
    assert isinstance(scan, JoinScan)
    p = plan(
        "SELECT c.country, count(*) FROM orders o, customers c "
        "WHERE o.customer_id = c.id GROUP BY c.country"
    )
    (scan,) = read(p)
    assert isinstance(scan, GroupedScan) and isinstance(scan.source, JoinScan)
    p = plan("SELECT 1 FROM orders o, customers c WHERE c.id = o.customer_id OR c.id = 1")
    assert all(isinstance(s, TableScan) for s in p.scans)


def test_where_equality_pushed_into_join_segment() -> None:
    p = plan(f"SELECT i.id {JOIN3} WHERE c.id = $1 AND i.quantity > 2", (INT4,))
    (scan,) = read(p)
    assert isinstance(scan, JoinScan)
    assert [c.name for c, _ in scan.segments[0].equals] == ["id"]
    assert "WHERE n0.`id` = CAST($s0_p0 AS INT32)" in scan_cypher(scan)


# ---------------------------------------------------------------------------- aggregates


def test_benchmark_query_is_grouped_in_kuzu() -> None:
    p = plan(
        f"SELECT c.country, count(*), sum(i.quantity * i.price) {JOIN3} "
        "GROUP BY c.country HAVING count(*) > 1 ORDER BY c.country"
    )
    (scan,) = read(p)
    assert isinstance(scan, GroupedScan)
    cypher = scan_cypher(scan)
    assert "RETURN n0.`country` AS r0, count(*) AS r1, sum(CAST(n2.`quantity` AS INT128) * " in (
        cypher
    )
    # keys, then the aggregates of the SELECT list, then HAVING's
    grouped = GroupedRows([("de", 3, Decimal("1.50"), 3), ("at", 1, Decimal("2.00"), 1)])
    assert p.run([grouped, [], []], [], _Ctx()) == [("de", 3, Decimal("1.50"))]  # type: ignore[arg-type]


def test_fallback_rows_are_grouped_by_the_residual_engine() -> None:
    p = plan("SELECT c.country, count(*) FROM customers c GROUP BY c.country")
    assert isinstance(p.scans[0], GroupedScan)
    rows = [(1, "a", "de", 1), (2, "b", "de", 2), (3, "c", None, 3)]
    got = p.run([rows], [], _Ctx())  # type: ignore[arg-type]
    assert sorted(got, key=str) == sorted([("de", 2), (None, 1)], key=str)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(DISTINCT quantity) FROM items",
        "SELECT count(*) FILTER (WHERE quantity > 1) FROM items",
        "SELECT sum(quantity) FROM items WHERE quantity > 1",  # WHERE not in the scan
        "SELECT quantity + 1, count(*) FROM items GROUP BY quantity + 1",
        "SELECT sum(ratio) FROM items",  # float4: PostgreSQL sums in float4
        "SELECT sum(loose) FROM items",  # numeric without a scale
        "SELECT min(weight) FROM items",  # float ordering of NaN / -0
        "SELECT weight, count(*) FROM items GROUP BY weight",
        "SELECT sum(quantity * quantity) FROM items",
        "SELECT string_agg(note, ',') FROM orders",
        "SELECT o.id FROM orders o GROUP BY o.id",  # no aggregate
        f"SELECT count(*) {JOIN3} AND i.quantity > c.id",  # a residual ON filter
    ],
)
def test_aggregates_not_pushed(sql: str) -> None:
    assert not any(isinstance(s, GroupedScan) for s in plan(sql).scans)


def test_pushed_where_keeps_aggregate_pushdown() -> None:
    p = plan("SELECT sum(quantity), avg(big), max(price) FROM items WHERE order_id = $1", (INT8,))
    (scan,) = read(p)
    assert isinstance(scan, GroupedScan)
    assert [c.name for c, _ in scan.source.segments[0].equals] == ["order_id"]


def _finish(sql: str, row: list[Any]) -> Any:
    (scan,) = read(plan(sql))
    assert isinstance(scan, GroupedScan)
    return finish(scan, [row], lambda col, v: v)


def test_finish_builds_postgres_values() -> None:
    sql = (
        "SELECT count(quantity), sum(quantity), sum(big), sum(price), avg(quantity), "
        "avg(price), sum(weight), min(price), max(big) FROM items"
    )
    row = [2, Decimal(3), Decimal(2**63), Decimal(1050), Decimal(3), 2, Decimal(1050), 2]
    row += [-0.0, Decimal(-5), 7, 0]
    got = _finish(sql, row)
    assert got == [
        (2, 3, Decimal(2**63), Decimal("10.50"), Decimal("1.5000000000000000"),
         Decimal("5.2500000000000000"), 0.0, Decimal("-0.05"), 7)
    ]  # fmt: skip
    assert str(got[0][3]) == "10.50" and str(got[0][7]) == "-0.05"


def test_finish_empty_input() -> None:
    assert _finish(
        "SELECT count(*), sum(quantity), avg(price) FROM items", [0, None, None, 0, 0]
    ) == [(0, None, None)]


@pytest.mark.parametrize(
    ("sql", "row"),
    [
        ("SELECT sum(price) FROM items", [Decimal(5), 1]),  # a NaN
        ("SELECT sum(weight) FROM items", [float("inf")]),  # PostgreSQL: overflow error
        ("SELECT sum(quantity) FROM items", [Decimal(2**63)]),  # bigint out of range
    ],
)
def test_finish_declines_when_postgres_differs(sql: str, row: list[Any]) -> None:
    assert _finish(sql, row) is None


# ---------------------------------------------------------------------------- pruning


def test_scans_read_only_named_columns() -> None:
    p = plan("SELECT name FROM customers WHERE country = 'de'")
    scan = p.scans[0]
    assert isinstance(scan, TableScan) and scan.read is not None
    assert "country" in scan.read and "name" in scan.read
    assert scan_cypher(scan) == (
        "MATCH (n:`customers`) WHERE n.`country` = CAST($p0 AS STRING) "
        "RETURN n.`name` AS c1, n.`country` AS c2, n.`id` AS k"
    )


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM customers",
        "SELECT c.* FROM customers c",
        "SELECT 1 FROM customers NATURAL JOIN orders",
        "SELECT x.a FROM customers AS x(a, b)",
    ],
)
def test_no_pruning_for_whole_rows(sql: str) -> None:
    assert all(s.read is None for s in plan(sql).scans if isinstance(s, TableScan))
