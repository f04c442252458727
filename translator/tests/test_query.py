"""translator.query without servers: pushdown, recursive CTE checks, SEARCH/CYCLE and
data-modifying statements in WITH (expected values are PostgreSQL 15's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pglast
import pytest

from kuzugres.errors import PgError
from kuzugres.proxy.types import INT2, INT4, INT8, FormatContext, encode_text
from kuzugres.translator.catalog import Catalog, ColumnDef, TableDef
from kuzugres.translator.dml import UpdatePlan
from kuzugres.translator.expr import ParamTypes
from kuzugres.translator.query import QueryPlan, compile_query

EDGES = TableDef(
    "public",
    "edges",
    (ColumnDef("src", INT4, attnum=1), ColumnDef("dst", INT4, attnum=2)),
    kuzu_name="edges",
)
NODES = TableDef(
    "public",
    "nodes",
    (ColumnDef("id", INT4, attnum=1), ColumnDef("small", INT2, attnum=2)),
    kuzu_name="nodes",
    key="id",
)
CATALOG = Catalog(tables={"public.edges": EDGES, "public.nodes": NODES})
# 1 -> 2 -> 3 -> 1, 1 -> 4 (the hidden key slot last)
EDGE_ROWS = [(1, 2, "a"), (2, 3, "b"), (3, 1, "c"), (1, 4, "d")]


class _Ctx:
    timezone = "UTC"
    extra_float_digits = 1

    def setting(self, name: str, missing_ok: bool = False) -> str | None:
        return None

    def transaction_timestamp(self) -> dt.datetime:
        return dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

    statement_timestamp = transaction_timestamp


def plan(sql: str, params: tuple[int, ...] = ()) -> QueryPlan:
    node = pglast.parse_sql(sql)[0].stmt
    return compile_query(node, sql, ParamTypes(list(params)), CATALOG)


def run(sql: str, extra: list[Any] | None = None) -> list[tuple[str | None, ...]]:
    p = plan(sql)
    scanned: list[Any] = [EDGE_ROWS if s.table is EDGES else [] for s in p.scans]
    rows = p.run(scanned + (extra or []), [], _Ctx())  # type: ignore[arg-type]
    fmt = FormatContext("UTC", 1)
    return [
        tuple(
            None if v is None else encode_text(c.type_oid, v, fmt).decode()
            for c, v in zip(p.columns, r, strict=True)
        )
        for r in rows
    ]


def error(sql: str) -> tuple[str, str]:
    with pytest.raises(PgError) as err:
        plan(sql)
    return err.value.code, err.value.message


@pytest.mark.parametrize("param", [INT2, INT4, INT8])
def test_integer_equality_pushed_down_across_widths(param: int) -> None:
    p = plan("SELECT small FROM nodes WHERE id = $1", (param,))
    assert [c.name for c, _ in p.scans[0].equals] == ["id"]
    p = plan("SELECT id FROM nodes WHERE small = 5000000000")
    assert [c.name for c, _ in p.scans[0].equals] == ["small"]


def test_recursive_reference_twice() -> None:
    assert error(
        "WITH RECURSIVE bad AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM bad, bad b2) "
        "SELECT * FROM bad"
    ) == ("42P19", 'recursive reference to query "bad" must not appear more than once')


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("SELECT 1 FROM edges WHERE src IN (SELECT x FROM bad)", "within a subquery"),
        ("SELECT x FROM edges FULL JOIN bad ON true", "within an outer join"),
        ("(SELECT x FROM bad EXCEPT ALL SELECT 1)", "within EXCEPT"),
    ],
)
def test_recursive_reference_misplaced(body: str, where: str) -> None:
    sql = f"WITH RECURSIVE bad AS (SELECT 1 AS x UNION ALL {body}) SELECT * FROM bad"
    assert error(sql) == (
        "42P19",
        f'recursive reference to query "bad" must not appear {where}',
    )


WALK = (
    "WITH RECURSIVE walk(id) AS (SELECT 1 UNION ALL "
    "SELECT e.dst FROM edges e JOIN walk w ON e.src = w.id) "
)


def test_cycle_clause() -> None:
    assert run(WALK + "CYCLE id SET is_cycle USING path SELECT * FROM walk ORDER BY path") == [
        ("1", "f", "{(1)}"),
        ("2", "f", "{(1),(2)}"),
        ("3", "f", "{(1),(2),(3)}"),
        ("1", "t", "{(1),(2),(3),(1)}"),
        ("4", "f", "{(1),(4)}"),
    ]


def test_cycle_clause_marks_and_search_breadth_first() -> None:
    sql = (
        WALK + "SEARCH BREADTH FIRST BY id SET o CYCLE id SET c TO 'Y' DEFAULT 'N' USING p "
        "SELECT id, o, c FROM walk ORDER BY o"
    )
    assert run(sql) == [
        ("1", "(0,1)", "N"),
        ("2", "(1,2)", "N"),
        ("4", "(1,4)", "N"),
        ("3", "(2,3)", "N"),
        ("1", "(3,1)", "Y"),
    ]


def test_search_depth_first_multi_column_quoting() -> None:
    sql = (
        "WITH RECURSIVE t(id, n) AS (SELECT 1, 0 UNION ALL "
        "SELECT e.dst, n + 1 FROM edges e JOIN t ON e.src = t.id WHERE n < 2) "
        "SEARCH DEPTH FIRST BY id, n SET o SELECT id, o FROM t ORDER BY o"
    )
    assert run(sql) == [
        ("1", '{"(1,0)"}'),
        ("2", '{"(1,0)","(2,1)"}'),
        ("3", '{"(1,0)","(2,1)","(3,2)"}'),
        ("4", '{"(1,0)","(4,1)"}'),
    ]


def test_search_cycle_errors() -> None:
    assert error(WALK + "SEARCH DEPTH FIRST BY y SET o SELECT * FROM walk") == (
        "42601",
        'search column "y" not in WITH query column list',
    )
    assert error("WITH w AS (SELECT 1 AS x) CYCLE x SET c USING p SELECT * FROM w") == (
        "42601",
        "WITH query is not recursive",
    )


def test_data_modifying_with() -> None:
    sql = "WITH u AS (UPDATE nodes SET small = 1 WHERE id = 2 RETURNING id) SELECT id FROM u"
    p = plan(sql)
    assert len(p.pre_dml) == 1 and isinstance(p.pre_dml[0], UpdatePlan)
    assert run(sql, [[(2,)]]) == [("2",)]
    assert error("WITH u AS (DELETE FROM nodes) SELECT * FROM u") == (
        "0A000",
        'WITH query "u" does not have a RETURNING clause',
    )
    assert error("SELECT * FROM (WITH u AS (DELETE FROM nodes RETURNING id) SELECT 1) s") == (
        "0A000",
        "WITH clause containing a data-modifying statement must be at the top level",
    )
