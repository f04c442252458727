"""Differential tests: expressions, aggregates and sort keys over table rows vs PostgreSQL 15.

A small table lives in the throwaway PostgreSQL (see pgserver.py); its rows are
read back as Python values and fed to `compile_expr()`, `compile_aggregate()`
and `sort_key()`. Types, text output, column labels, errors (SQLSTATE, message,
position) and row orders must match what PostgreSQL returns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pglast
import pytest

from kuzugres.errors import PgError
from kuzugres.proxy.types import (
    BOOL,
    DATE,
    FLOAT8,
    INT4,
    INT8,
    JSONB,
    NUMERIC,
    TEXT,
    VARCHAR,
    FormatContext,
    decode_text,
    encode_text,
)
from kuzugres.translator.expr import (
    ParamTypes,
    Scope,
    ScopeColumn,
    column_label,
    compare,
    compile_aggregate,
    compile_condition,
    compile_expr,
    group_key,
    is_aggregate_call,
    sort_key,
    values_equal_for_grouping,
)
from translator.tests.test_expr import FakeSession, Outcome, pg_conn, pg_server, run_pg

__all__ = ["pg_conn", "pg_server"]  # fixtures used by this module

psycopg = pytest.importorskip("psycopg")

TABLE = """
CREATE TEMP TABLE t(id int, a int, b text, c numeric(10,2), d float8, e date, f bool, g int8, h varchar(5));
INSERT INTO t VALUES
 (1, 1, 'apple', 1.50, 1.5, '2024-01-31', true, 10, 'x'),
 (2, -3, 'Banana', 2.25, -0.5, '2023-12-01', false, 9000000000000000000, 'yy'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 7, 'cherry', 100.00, 'NaN', '2000-02-29', true, -5, 'zzz'),
 (5, 0, '', 0.10, 'Infinity', '1999-12-31', NULL, 0, ''),
 (6, 7, 'apple', 1.5, 0, '2024-02-29', false, 7, 'x'),
 (7, 2147483647, 'Äpfel', -42.42, -1e300, '2024-01-01', true, NULL, 'ab'),
 (8, NULL, 'éclair', 99999999.99, 3.25, NULL, true, 3, NULL),
 (9, -2147483648, 'zebra', -0.01, 1e-300, '1970-01-01', false, -9000000000000000000, 'zebra'),
 (10, 5, 'ß 😀', 3, '-Infinity', '2024-03-10', NULL, 42, 'ß');
CREATE TEMP TABLE words(id int, w text);
INSERT INTO words VALUES (1, 'a'), (2, 'B'), (3, 'é'), (4, 'Z'), (5, 'ä'), (6, '€'), (7, '😀'),
 (8, ''), (9, NULL), (10, 'ab'), (11, 'a b'), (12, 'A'), (13, 'z'), (14, 'É'), (15, 'aa');
CREATE TEMP TABLE docs(id int, j jsonb);
INSERT INTO docs VALUES (1, 'null'), (2, '1'), (3, '"a"'), (4, 'true'), (5, '[]'), (6, '[1]'),
 (7, '[1, 2]'), (8, '{}'), (9, '{"a": 1}'), (10, '{"b": 1, "a": 2}'), (11, '2.50'), (12, '"B"'),
 (13, '[null]'), (14, '[[1]]'), (15, '{"aa": 1}'), (16, '{"b": 0}'), (17, NULL), (18, 'false'),
 (19, '["a"]'), (20, '[true]'), (21, '{"a": [1]}'), (22, '-1'), (23, '""');
CREATE TEMP TABLE as_int(x int); CREATE TEMP TABLE as_text(x text);
CREATE TEMP TABLE as_vc(x varchar(3)); CREATE TEMP TABLE as_num(x numeric(5,2));
CREATE TEMP TABLE as_i2(x smallint); CREATE TEMP TABLE as_date(x date);
CREATE TEMP TABLE as_f4(x real); CREATE TEMP TABLE as_bool(x boolean);
"""

COLUMNS = {"id": INT4, "a": INT4, "b": TEXT, "c": NUMERIC, "d": FLOAT8, "e": DATE, "f": BOOL}
COLUMNS |= {"g": INT8, "h": VARCHAR}
TYPMODS = {"c": ((10 << 16) | 2) + 4, "h": 5 + 4}
SCOPE = Scope(tuple(ScopeColumn("t", n, oid, TYPMODS.get(n, -1)) for n, oid in COLUMNS.items()))
JOINED = Scope(SCOPE.columns + tuple(ScopeColumn("u", n, oid) for n, oid in COLUMNS.items()))
CTX = FormatContext("UTC", 1)


@pytest.fixture(scope="module")
def table(pg_conn: Any) -> Iterator[dict[str, list[tuple[object, ...]]]]:
    pg_conn.execute(TABLE)
    out = {}
    for name, types in (
        ("t", list(COLUMNS.values())),
        ("words", [INT4, TEXT]),
        ("docs", [INT4, JSONB]),
    ):
        res = pg_conn.execute(f"SELECT * FROM {name} ORDER BY id").pgresult
        out[name] = [
            tuple(
                None if (raw := res.get_value(r, i)) is None else decode_text(oid, raw, CTX)
                for i, oid in enumerate(types)
            )
            for r in range(res.ntuples)
        ]
    yield out


def _stmt(sql: str) -> Any:
    return pglast.parse_sql(sql)[0].stmt


def _target(sql: str) -> Any:
    return _stmt(sql).targetList[0]


def _error(err: PgError) -> Outcome:
    return Outcome(error=(err.code, err.message, err.position))


def _text(oid: int, value: object) -> bytes | None:
    return None if value is None else encode_text(oid, value, CTX)


EXPRESSIONS = [
    "a",
    "t.a",
    "a + 1",
    "a * 2",
    "a - g",
    "-a",
    "a / 2",
    "a % 3",
    "c * 2",
    "c / 3",
    "c + a",
    "d * 2",
    "d + a",
    "b || '!'",
    "b || a",
    "upper(b)",
    "lower(b)",
    "length(b)",
    "substr(b, 2, 3)",
    "b < 'b'",
    "b > 'B'",
    "b = 'apple'",
    "b LIKE 'a%'",
    "b ILIKE 'A%'",
    "b ~ '^[a-z]'",
    "h || '|'",
    "length(h)",
    "h = 'x'",
    "e + 1",
    "e - date '2000-01-01'",
    "e > '2020-01-01'",
    "date_trunc('month', e)",
    "f",
    "NOT f",
    "f AND a > 0",
    "f OR a > 0",
    "f IS TRUE",
    "f IS NOT FALSE",
    "a IS NULL",
    "b IS NOT NULL",
    "a IS DISTINCT FROM 7",
    "coalesce(a, -1)",
    "coalesce(b, 'none')",
    "nullif(a, 7)",
    "greatest(a, 1, g)",
    "least(c, 2)",
    "CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END",
    "CASE b WHEN 'apple' THEN 1 ELSE 0 END",
    "a IN (1, 7, NULL)",
    "a NOT IN (1, 7)",
    "a BETWEEN 0 AND 10",
    "b = ANY(ARRAY['apple', 'zebra'])",
    "ARRAY[a, 1]",
    "a::text",
    "c::int",
    "d::numeric",
    "g::float8",
    "h::varchar(2)",
    "b::varchar(3)",
    "a::numeric(5,1) / 3",
    "round(c, 1)",
    "abs(a)",
    "c > 1.5",
    "d < 0",
    "d = 'NaN'",
    "d > 1e300",
    "g * 2",
    "a + 1 > 5 AND b IS NOT NULL",
    "'const'",
    "1 + 1",
    "pg_typeof(c)",
    "concat(a, b, c)",
    "concat_ws('-', b, h)",
    "replace(b, 'a', 'A')",
    "b || NULL",
    "a + '1'",
    "t.h",
    "g + a",
    "c::float8",
    "a * 1000000",
    "zz",
    "t.zz",
    "u.a",
    "b + 1",
    "a + 'x'",
    "1 / (a - a)",
    "'é' || zz",
    "substr(b, 'x')",
    "t.*",
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_expression_over_rows(expr: str, table: Any, pg_conn: Any) -> None:
    sql = f"SELECT {expr} FROM t ORDER BY id"
    expected = run_pg(pg_conn, sql)
    target = _target(sql)
    session = FakeSession()
    try:
        compiled = compile_expr(target.val, sql, ParamTypes([]), SCOPE)
        rows = tuple(
            (_text(compiled.type_oid, compiled.evaluate(row, [], session)),) for row in table["t"]
        )
        ours = Outcome(((column_label(target), compiled.type_oid),), rows)
    except PgError as err:
        ours = _error(err)
    if expected.error is not None and ours.error is None:
        pytest.fail(f"PostgreSQL raised {expected.error}, we returned {ours}")
    if expected.error is None and ours.error is not None and ours.error[0] == "0A000":
        pytest.skip(f"not supported: {ours.error}")
    assert ours == expected


@pytest.mark.parametrize(
    "expr",
    ["a", "t.a", "u.b", "v.a", "t.zz", "zz", "b || u.b", "t.a + u.a"],
)
def test_resolution_over_two_relations(expr: str, table: Any, pg_conn: Any) -> None:
    sql = f"SELECT {expr} FROM t, t AS u WHERE t.id = 1 AND u.id = 2"
    expected = run_pg(pg_conn, sql)
    target = _target(sql)
    try:
        compiled = compile_expr(target.val, sql, ParamTypes([]), JOINED)
        row = table["t"][0] + table["t"][1]
        value = compiled.evaluate(row, [], FakeSession())
        ours = Outcome(
            ((column_label(target), compiled.type_oid),), ((_text(compiled.type_oid, value),),)
        )
    except PgError as err:
        ours = _error(err)
    assert ours == expected


@pytest.mark.parametrize(
    "cond",
    ["a > 0", "f", "b LIKE '%a%'", "a IS NULL OR f", "c BETWEEN 1 AND 3", "a", "NULL", "'t'"],
)
def test_conditions(cond: str, table: Any, pg_conn: Any) -> None:
    sql = f"SELECT id FROM t WHERE {cond} ORDER BY id"
    expected = run_pg(pg_conn, sql)
    where = _stmt(sql).whereClause
    try:
        compiled = compile_condition(where, sql, ParamTypes([]), SCOPE)
        ids = tuple(
            (_text(INT4, row[0]),)
            for row in table["t"]
            if compiled.evaluate(row, [], FakeSession()) is True
        )
        ours = Outcome((("id", INT4),), ids)
    except PgError as err:
        ours = _error(err)
    assert ours == expected


ASSIGNMENTS = [
    ("as_int", INT4, -1, "'5'"),
    ("as_int", INT4, -1, "1.7"),
    ("as_int", INT4, -1, "2.5"),
    ("as_int", INT4, -1, "g"),
    ("as_int", INT4, -1, "c"),
    ("as_int", INT4, -1, "d"),
    ("as_int", INT4, -1, "b"),
    ("as_int", INT4, -1, "e"),
    ("as_int", INT4, -1, "'x'"),
    ("as_int", INT4, -1, "NULL"),
    ("as_text", TEXT, -1, "a"),
    ("as_text", TEXT, -1, "c"),
    ("as_text", TEXT, -1, "e"),
    ("as_text", TEXT, -1, "f"),
    ("as_text", TEXT, -1, "h"),
    ("as_vc", VARCHAR, 3 + 4, "b"),
    ("as_vc", VARCHAR, 3 + 4, "'abcdef'"),
    ("as_vc", VARCHAR, 3 + 4, "'ab    '"),
    ("as_vc", VARCHAR, 3 + 4, "'abcdef'::varchar(3)"),
    ("as_vc", VARCHAR, 3 + 4, "a"),
    ("as_num", NUMERIC, ((5 << 16) | 2) + 4, "c"),
    ("as_num", NUMERIC, ((5 << 16) | 2) + 4, "1.005"),
    ("as_num", NUMERIC, ((5 << 16) | 2) + 4, "a"),
    ("as_num", NUMERIC, ((5 << 16) | 2) + 4, "d"),
    ("as_i2", 21, -1, "a"),
    ("as_i2", 21, -1, "'40000'"),
    ("as_date", DATE, -1, "'2024-02-30'"),
    ("as_date", DATE, -1, "timestamp '2024-03-10 23:00'"),
    ("as_date", DATE, -1, "a"),
    ("as_f4", 700, -1, "d"),
    ("as_f4", 700, -1, "c"),
    ("as_bool", BOOL, -1, "a"),
    ("as_bool", BOOL, -1, "'yes'"),
]


@pytest.mark.parametrize(("table_name", "oid", "typmod", "expr"), ASSIGNMENTS)
def test_assignment_casts(
    table_name: str, oid: int, typmod: int, expr: str, table: Any, pg_conn: Any
) -> None:
    session = FakeSession()
    sql = f"SELECT {expr} FROM t"
    node = _target(sql).val
    for row in table["t"]:
        insert = f"INSERT INTO {table_name}(x) SELECT {expr} FROM t WHERE id = {row[0]} RETURNING x"
        expected = run_pg(pg_conn, insert)
        try:
            # Positions differ between the two statements: compile the INSERT's text.
            ins_node = _stmt(insert).selectStmt.targetList[0].val
            compiled = compile_expr(
                ins_node,
                insert,
                ParamTypes([]),
                SCOPE,
                expected_oid=oid,
                expected_typmod=typmod,
                target_name="x",
            )
            value = compiled.evaluate(row, [], session)
            ours = Outcome((("x", oid),), ((_text(oid, value),),))
        except PgError as err:
            ours = _error(err)
        if expected.error is None and ours.error is not None and ours.error[0] == "0A000":
            pytest.skip(f"not supported: {ours.error}")
        assert ours == expected, (expr, row)
    assert node is not None


AGGREGATES = [
    "count(*)",
    "count(a)",
    "count(b)",
    "count(DISTINCT a)",
    "count(DISTINCT h)",
    "count(*) FILTER (WHERE a > 0)",
    "sum(a)",
    "sum(g)",
    "sum(c)",
    "sum(d)",
    "sum(a::int2)",
    "sum(a::float4)",
    "sum(DISTINCT a)",
    "sum(a) FILTER (WHERE f)",
    "avg(a)",
    "avg(c)",
    "avg(g)",
    "avg(d)",
    "avg(a::float4)",
    "avg(DISTINCT c)",
    "avg(a::int2)",
    "avg(c) FILTER (WHERE c < 50)",
    "min(a)",
    "max(a)",
    "min(b)",
    "max(b)",
    "min(c)",
    "max(d)",
    "min(d)",
    "min(e)",
    "max(e)",
    "max(h)",
    "min(g)",
    "max(ARRAY[a, 1])",
    "min(f)",
    "bool_and(f)",
    "bool_or(f)",
    "every(a > -5)",
    "string_agg(b, ',')",
    "string_agg(b, ',' ORDER BY b)",
    "string_agg(b, ',' ORDER BY b DESC NULLS LAST)",
    "string_agg(DISTINCT b, '|' ORDER BY b)",
    "string_agg(h, NULL)",
    "string_agg(b, ',' ORDER BY a, b)",
    "string_agg(a::text, ';' ORDER BY d)",
    "array_agg(a)",
    "array_agg(a ORDER BY a DESC)",
    "array_agg(b ORDER BY b NULLS FIRST)",
    "array_agg(DISTINCT a)",
    "array_agg(c ORDER BY c)",
    "array_agg(ARRAY[a, 2])",
    "array_agg(e ORDER BY e) FILTER (WHERE e IS NOT NULL)",
    "json_agg(b)",
    "json_agg(a ORDER BY a)",
    "jsonb_agg(c)",
    "jsonb_agg(b ORDER BY id DESC)",
    "sum(a) + 1",
    "sum(b)",
    "avg(e)",
    "sum(sum(a))",
    "count(DISTINCT a ORDER BY b)",
    "count()",
    "sum(*)",
    "nosuch(a)",
    "count(*) FILTER (WHERE a)",
    "sum(a + 'x')",
    "sum(d * 1e300)",
    "sum(g * 2)",
    "stddev(a)",
    "stddev_samp(c)",
    "stddev_pop(d)",
    "variance(g)",
    "var_samp(d)",
    "var_pop(a)",
    "var_pop(c)",
    "json_object_agg(b, a)",
    "jsonb_object_agg(b, c)",
    "json_object_agg(id, e)",
]


def _run_aggregate(expr: str, where: str, rows: list[Any]) -> Outcome:
    sql = f"SELECT {expr} FROM t{where}"
    target = _target(sql)
    session = FakeSession()
    try:
        spec = compile_aggregate(target.val, sql, ParamTypes([]), SCOPE)
        state = spec.new_state()
        for row in rows:
            state = spec.step(state, row, [], session)
        value = spec.final(state, [], session)
    except PgError as err:
        return _error(err)
    return Outcome(((spec.name, spec.type_oid),), ((_text(spec.type_oid, value),),))


@pytest.mark.parametrize("expr", AGGREGATES)
@pytest.mark.parametrize("where", ["", " WHERE false"])
def test_aggregates(expr: str, where: str, table: Any, pg_conn: Any) -> None:
    expected = run_pg(pg_conn, f"SELECT {expr} FROM t{where}")
    sql = f"SELECT {expr} FROM t{where}"
    if not is_aggregate_call(_target(sql).val):
        # Not a bare aggregate call: only errors it raises are compared.
        assert expected.error is None or expected.error[0] != "42803"
        return
    ours = _run_aggregate(expr, where, [] if where else table["t"])
    if expected.error is None and ours.error is not None and ours.error[0] == "0A000":
        pytest.skip(f"not supported: {ours.error}")
    assert ours == expected


SORTED_COLUMNS = ["a", "b", "c", "d", "e", "f", "g", "h"]
DIRECTIONS = [
    "",
    " DESC",
    " NULLS FIRST",
    " DESC NULLS LAST",
    " ASC NULLS LAST",
    " DESC NULLS FIRST",
]


def _order(rows: list[Any], index: int, oid: int, direction: str) -> list[object]:
    descending = "DESC" in direction
    nulls_first = (
        True if "NULLS FIRST" in direction else False if "NULLS LAST" in direction else None
    )
    return [
        r[0]
        for r in sorted(
            rows,
            key=lambda r: (
                sort_key(oid, r[index], descending=descending, nulls_first=nulls_first),
                r[0],
            ),
        )
    ]


@pytest.mark.parametrize("column", SORTED_COLUMNS)
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_sort_key_matches_order_by(column: str, direction: str, table: Any, pg_conn: Any) -> None:
    res = pg_conn.execute(f"SELECT id FROM t ORDER BY {column}{direction}, id").fetchall()
    index = list(COLUMNS).index(column)
    assert _order(table["t"], index, COLUMNS[column], direction) == [r[0] for r in res]


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("cast", ["", "::varchar", "::bpchar", "::bytea"])
def test_sort_key_text_is_c_collation(direction: str, cast: str, table: Any, pg_conn: Any) -> None:
    res = pg_conn.execute(f"SELECT id, w{cast} FROM words ORDER BY w{cast}{direction}, id")
    expected = [r[0] for r in res.fetchall()]
    oid = {"": TEXT, "::varchar": VARCHAR, "::bpchar": 1042, "::bytea": 17}[cast]
    rows = [(i, None if w is None else w.encode() if oid == 17 else w) for i, w in table["words"]]
    assert _order(rows, 1, oid, direction) == expected


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_sort_key_jsonb(direction: str, table: Any, pg_conn: Any) -> None:
    res = pg_conn.execute(f"SELECT id FROM docs ORDER BY j{direction}, id").fetchall()
    assert _order(table["docs"], 1, JSONB, direction) == [r[0] for r in res]


@pytest.mark.parametrize("column", SORTED_COLUMNS)
def test_grouping_matches_group_by(column: str, table: Any, pg_conn: Any) -> None:
    res = pg_conn.execute(
        f"SELECT array_agg(id ORDER BY id) FROM t GROUP BY {column} ORDER BY 1"
    ).fetchall()
    index = list(COLUMNS).index(column)
    oid = COLUMNS[column]
    groups: dict[object, list[int]] = {}
    for row in table["t"]:
        groups.setdefault(group_key(oid, row[index]), []).append(row[0])  # type: ignore[arg-type]
    assert sorted(groups.values()) == sorted(r[0] for r in res)
    for g in groups.values():
        first = next(r for r in table["t"] if r[0] == g[0])
        for other in g[1:]:
            row = next(r for r in table["t"] if r[0] == other)
            assert values_equal_for_grouping(oid, first[index], row[index])


def test_grouping_equalities() -> None:
    from decimal import Decimal

    assert values_equal_for_grouping(NUMERIC, Decimal("1.0"), Decimal("1.00"))
    assert group_key(NUMERIC, Decimal("1.0")) == group_key(NUMERIC, Decimal("1.00"))
    assert values_equal_for_grouping(FLOAT8, float("nan"), float("nan"))
    assert group_key(FLOAT8, float("nan")) == group_key(FLOAT8, float("nan"))
    assert values_equal_for_grouping(FLOAT8, -0.0, 0.0)
    assert values_equal_for_grouping(TEXT, None, None)
    assert not values_equal_for_grouping(TEXT, None, "")
    assert compare(TEXT, "B", "a") == -1
    assert compare(TEXT, "é", "z") == 1
    assert compare(FLOAT8, float("nan"), float("inf")) == 1
    assert compare(INT4, 3, 3) == 0


def test_scope_errors_and_star() -> None:
    assert SCOPE.star(None) == list(range(len(COLUMNS)))
    hidden = Scope((ScopeColumn("t", "_id", INT8, hidden=True), ScopeColumn("t", "a", INT4)))
    assert hidden.star(None) == [1]
    assert hidden.star("t") == [1]
    assert hidden.resolve(("_id",), None) == 0
    assert JOINED.star("u") == list(range(len(COLUMNS), 2 * len(COLUMNS)))
    with pytest.raises(PgError) as err:
        JOINED.star("v", 7)
    assert (err.value.code, err.value.message, err.value.position) == (
        "42P01",
        'missing FROM-clause entry for table "v"',
        8,
    )
    with pytest.raises(PgError) as err:
        JOINED.resolve(("a",), 0)
    assert (err.value.code, err.value.position) == ("42702", 1)
    assert JOINED.resolve(("public", "u", "a"), None) == len(COLUMNS) + 1


def test_parameters_over_rows(table: Any) -> None:
    sql = "SELECT a + $1 FROM t"
    params = ParamTypes([0])
    compiled = compile_expr(_target(sql).val, sql, params, SCOPE)
    assert params.oids == [INT4]
    assert compiled.evaluate(table["t"][0], [41], FakeSession()) == 42


def test_slots_replace_nodes(table: Any) -> None:
    sql = "SELECT sum(a) + 1 FROM t"
    node = _target(sql).val
    agg = node.lexpr
    post = Scope((ScopeColumn(None, "sum", INT8),))
    compiled = compile_expr(node, sql, ParamTypes([]), post, slots={id(agg): 0})
    assert compiled.type_oid == INT8
    assert compiled.evaluate((41,), [], FakeSession()) == 42
