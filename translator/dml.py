"""INSERT, UPDATE and DELETE on tables: compiled against the catalog, executed by the
executor through the one write path (kuzugres.tables.TableWriter).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pglast import ast, enums, parse_sql

from kuzugres.errcodes import (
    FeatureNotSupported,
    GeneratedAlways,
    PgSyntaxError,
    UndefinedColumn,
)
from kuzugres.errors import PgError
from kuzugres.translator.catalog import Catalog, ColumnDef, ConstraintDef, TableDef
from kuzugres.translator.expr import (
    Column,
    ParamTypes,
    RowExpr,
    Scope,
    ScopeColumn,
    column_label,
    compile_condition,
    compile_expr,
)
from kuzugres.translator.pushdown import Scan, TableScan
from kuzugres.translator.query import QueryPlan, _push_down, compile_query, table_scope

DEFAULT = object()  # marks a DEFAULT in a VALUES row


@dataclass(frozen=True)
class ColumnDefault:
    """How a column gets its value when the statement does not give one."""

    expr: RowExpr | None = None  # a constant-ish expression
    sequence: str | None = None  # nextval('<sequence>')


@dataclass(frozen=True)
class Returning:
    """RETURNING targets over the written rows (table scope: columns, then the key)."""

    exprs: tuple[RowExpr, ...]
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class InsertPlan:
    table: TableDef
    positions: tuple[int, ...]  # column index of each supplied value
    values: tuple[tuple[Any, ...], ...] = ()  # RowExpr or DEFAULT per supplied value
    query: QueryPlan | None = None  # INSERT ... SELECT
    query_casts: tuple[RowExpr, ...] = ()  # assignment casts of the query's columns
    defaults: tuple[ColumnDefault | None, ...] = ()
    checks: tuple[tuple[ConstraintDef, RowExpr], ...] = ()
    returning: Returning | None = None
    on_conflict: str | None = None  # 'nothing' or 'update'
    conflict_columns: tuple[str, ...] = ()
    catalog_version: int = 0
    # ON CONFLICT DO UPDATE: SET and WHERE over (existing row, key, EXCLUDED row)
    conflict_sets: tuple[tuple[int, Any], ...] = ()
    conflict_where: RowExpr | None = None
    value_scans: tuple[Scan, ...] = ()  # tables read by subqueries in VALUES


@dataclass(frozen=True)
class JoinedTarget:
    """UPDATE ... FROM / DELETE ... USING: the target joined with other FROM items.

    Rows are the target's slots (columns, then key; `width` of them) followed by the other
    items' slots; `scans[0]` reads the target.
    """

    scans: tuple[Scan, ...]
    rows: Any = field(compare=False)  # (scanned, params, ctx) -> rows
    width: int = 0


@dataclass(frozen=True)
class UpdatePlan:
    table: TableDef
    scan: TableScan
    where: RowExpr | None
    sets: tuple[tuple[int, Any], ...]  # (column index, RowExpr or DEFAULT)
    defaults: tuple[ColumnDefault | None, ...] = ()
    checks: tuple[tuple[ConstraintDef, RowExpr], ...] = ()
    returning: Returning | None = None
    catalog_version: int = 0
    joined: JoinedTarget | None = None


@dataclass(frozen=True)
class DeletePlan:
    table: TableDef
    scan: TableScan
    where: RowExpr | None
    returning: Returning | None = None
    catalog_version: int = 0
    joined: JoinedTarget | None = None


@dataclass(frozen=True)
class SelectPlan:
    """A SELECT over tables (see translator.query)."""

    query: QueryPlan
    catalog_version: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def _pos(node: Any) -> int | None:
    loc = getattr(node, "location", None)
    return loc + 1 if isinstance(loc, int) and loc >= 0 else None


def _table(catalog: Catalog, rel: Any) -> TableDef:
    return catalog.lookup(rel.relname, rel.schemaname, position=_pos(rel))


def _scope(table: TableDef, alias: str) -> Scope:
    return Scope(tuple(table_scope(table, alias)))


def table_defaults(table: TableDef) -> tuple[ColumnDefault | None, ...]:
    """How each column of `table` gets its value when none is given."""
    out: list[ColumnDefault | None] = []
    for col in table.columns:
        if col.default is None:
            out.append(None)
            continue
        text = col.default
        if text.startswith("nextval('") and text.endswith("')"):
            out.append(ColumnDefault(sequence=text[len("nextval('") : -2]))
            continue
        node = parse_sql(f"SELECT {text}")[0].stmt.targetList[0].val
        out.append(
            ColumnDefault(
                expr=compile_expr(
                    node,
                    f"SELECT {text}",
                    ParamTypes([]),
                    None,
                    expected_oid=col.type_oid,
                    expected_typmod=col.typmod,
                    target_name=col.name,
                )
            )
        )
    return tuple(out)


def table_checks(table: TableDef) -> tuple[tuple[ConstraintDef, RowExpr], ...]:
    """The CHECK constraints of `table`, compiled over its row scope."""
    out = []
    scope = _scope(table, table.name)
    for con in table.constraints:
        if con.kind == "c" and con.check is not None:
            sql = f"SELECT {con.check}"
            node = parse_sql(sql)[0].stmt.targetList[0].val
            out.append((con, compile_condition(node, sql, ParamTypes([]), scope, clause="CHECK")))
    return tuple(out)


def _returning(
    clause: Any, table: TableDef, alias: str, sql: str, params: ParamTypes
) -> Returning | None:
    if clause is None:
        return None
    targets = clause.exprs if hasattr(clause, "exprs") else clause
    scope = _scope(table, alias)
    exprs: list[RowExpr] = []
    cols: list[Column] = []
    for rt in targets:
        val = rt.val
        if isinstance(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.A_Star):
            for i, c in enumerate(table.columns):
                exprs.append(_Slot(i, c.type_oid, c.typmod))
                cols.append(Column(c.name, c.type_oid, c.typmod))
            continue
        e = compile_expr(val, sql, params, scope)
        exprs.append(e)
        cols.append(Column(column_label(rt), e.type_oid, e.typmod))
    return Returning(tuple(exprs), tuple(cols))


@dataclass(frozen=True)
class _Slot:
    slot: int
    type_oid: int
    typmod: int

    def evaluate(self, row: Any, params: Any, ctx: Any) -> Any:
        return row[self.slot]


def compile_insert(node: Any, sql: str, params: ParamTypes, catalog: Catalog) -> InsertPlan:
    """INSERT INTO t [(cols)] VALUES ... | SELECT ... | DEFAULT VALUES [ON CONFLICT] [RETURNING]."""
    if node.withClause:
        raise FeatureNotSupported("WITH in INSERT is not supported yet")
    table = _table(catalog, node.relation)
    alias = node.relation.alias.aliasname if node.relation.alias else table.name
    names = [c.name for c in table.columns]
    if node.cols:
        positions = []
        for rt in node.cols:
            if rt.name not in names:
                raise UndefinedColumn(
                    f'column "{rt.name}" of relation "{table.name}" does not exist',
                    position=_pos(rt),
                )
            if rt.indirection:
                raise FeatureNotSupported(
                    "INSERT into subfields or array elements is not supported yet",
                    position=_pos(rt),
                )
            positions.append(names.index(rt.name))
        if len(set(positions)) != len(positions):
            raise PgError("column specified more than once", sqlstate="42701")
    else:
        positions = list(range(len(names)))
    overriding = node.override == enums.OverridingKind.OVERRIDING_SYSTEM_VALUE
    values: list[tuple[Any, ...]] = []
    value_scans: tuple[Scan, ...] = ()
    query: QueryPlan | None = None
    casts: list[RowExpr] = []
    sel = node.selectStmt
    if sel is None:
        positions = []
        values = [()]
    elif sel.valuesLists:
        hook = None
        if _has_sublink(sel.valuesLists):
            from kuzugres.translator.query import _Builder

            value_builder = _Builder(sql, params, catalog)
            hook = value_builder.subquery
        for vl in sel.valuesLists:
            if len(vl) > len(positions):
                raise PgSyntaxError(
                    "INSERT has more expressions than target columns",
                    position=_pos(vl[len(positions)]),
                )
            row: list[Any] = []
            for i, v in enumerate(vl):
                col = table.columns[positions[i]]
                if isinstance(v, ast.SetToDefault):
                    row.append(DEFAULT)
                    continue
                if col.identity == "a" and not overriding:
                    raise GeneratedAlways(
                        f'cannot insert a non-DEFAULT value into column "{col.name}"',
                        detail=f'Column "{col.name}" is an identity column defined as '
                        "GENERATED ALWAYS.",
                        hint="Use OVERRIDING SYSTEM VALUE to override.",
                    )
                row.append(
                    compile_expr(
                        v,
                        sql,
                        params,
                        None,
                        expected_oid=col.type_oid,
                        expected_typmod=col.typmod,
                        target_name=col.name,
                        subquery=hook,
                    )
                )
            values.append(tuple(row))
        if hook is not None:
            value_scans = tuple(value_builder.scans)
        if node.cols is None:
            positions = positions[: max(len(v) for v in values)]
        elif any(len(v) < len(positions) for v in values):
            raise PgSyntaxError("INSERT has more target columns than expressions")
    else:
        query = compile_query(sel, sql, params, catalog)
        if len(query.columns) > len(positions):
            raise PgSyntaxError("INSERT has more expressions than target columns")
        if node.cols is None:
            positions = positions[: len(query.columns)]
        elif len(query.columns) < len(positions):
            raise PgSyntaxError("INSERT has more target columns than expressions")
        for i, qc in enumerate(query.columns):
            col = table.columns[positions[i]]
            ref = ast.ParamRef(number=0)  # placeholder: cast applied on the value directly
            del ref
            casts.append(assignment_cast(qc.type_oid, col))
    on_conflict = None
    conflict_cols: tuple[str, ...] = ()
    conflict_sets: list[tuple[int, Any]] = []
    conflict_where: RowExpr | None = None
    if node.onConflictClause is not None:
        occ = node.onConflictClause
        if occ.infer is not None and occ.infer.indexElems:
            conflict_cols = tuple(e.name for e in occ.infer.indexElems)
        if occ.infer is not None and occ.infer.conname:
            con = next((c for c in table.constraints if c.name == occ.infer.conname), None)
            if con is None:
                raise PgError(
                    f'constraint "{occ.infer.conname}" for table "{table.name}" does not exist',
                    sqlstate="42704",
                )
            conflict_cols = con.columns
        if occ.action == enums.OnConflictAction.ONCONFLICT_NOTHING:
            on_conflict = "nothing"
        else:
            if not conflict_cols:
                raise PgSyntaxError(
                    "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                    hint="For example, ON CONFLICT (column_name).",
                    position=_pos(occ),
                )
            on_conflict = "update"
            scope = Scope(
                tuple(table_scope(table, alias))
                + tuple(
                    ScopeColumn("excluded", c.name, c.type_oid, c.typmod) for c in table.columns
                )
            )
            for rt in occ.targetList:
                if rt.name not in names:
                    raise UndefinedColumn(
                        f'column "{rt.name}" of relation "{table.name}" does not exist',
                        position=_pos(rt),
                    )
                i = names.index(rt.name)
                col = table.columns[i]
                if isinstance(rt.val, ast.SetToDefault):
                    conflict_sets.append((i, DEFAULT))
                    continue
                conflict_sets.append(
                    (
                        i,
                        compile_expr(
                            rt.val,
                            sql,
                            params,
                            scope,
                            expected_oid=col.type_oid,
                            expected_typmod=col.typmod,
                            target_name=col.name,
                        ),
                    )
                )
            if occ.whereClause is not None:
                conflict_where = compile_condition(occ.whereClause, sql, params, scope)
    returning = _returning(node.returningClause, table, alias, sql, params)
    return InsertPlan(
        table,
        tuple(positions),
        tuple(values),
        query,
        tuple(casts),
        table_defaults(table),
        table_checks(table),
        returning,
        on_conflict,
        conflict_cols,
        catalog.version,
        tuple(conflict_sets),
        conflict_where,
        value_scans,
    )


@dataclass(frozen=True)
class ValueCast:
    """A value of one type stored into a column: PostgreSQL's assignment cast plus the
    column's typmod (char(n) padding, varchar(n) and numeric(p,s) checks)."""

    expr: RowExpr

    def evaluate(self, value: Any, params: Any, ctx: Any) -> Any:
        return None if value is None else self.expr.evaluate((), (value,), ctx)


def assignment_cast(from_oid: int, col: ColumnDef) -> ValueCast:
    """How a value of type `from_oid` becomes a value of column `col` (INSERT ... SELECT,
    COPY)."""
    expr = compile_expr(
        ast.ParamRef(number=1),
        "$1",
        ParamTypes([from_oid]),
        None,
        expected_oid=col.type_oid,
        expected_typmod=col.typmod,
        target_name=col.name,
    )
    return ValueCast(expr)


@dataclass
class _Target:
    """The table an UPDATE/DELETE writes, its row scope and, with FROM/USING or
    subqueries, the builder that reads the other tables."""

    table: TableDef
    alias: str
    scope: Scope
    builder: Any = None
    joined: JoinedTarget | None = None

    @property
    def hook(self) -> Any:
        return self.builder.subquery if self.builder is not None else None


def _target(
    node: Any,
    others: Any,
    clauses: tuple[Any, ...],
    sql: str,
    params: ParamTypes,
    catalog: Catalog,
) -> _Target:
    table = _table(catalog, node.relation)
    alias = node.relation.alias.aliasname if node.relation.alias else table.name
    if others or _has_sublink(*clauses):
        joined, scope, builder = _joined(node.relation, others, sql, params, catalog)
        return _Target(table, alias, scope, builder, joined)
    return _Target(table, alias, _scope(table, alias))


def _filter(
    t: _Target, node: Any, sql: str, params: ParamTypes
) -> tuple[RowExpr | None, TableScan, JoinedTarget | None, Returning | None]:
    """WHERE, the (pushed-down) target scan, the joined reads and RETURNING."""
    where = (
        compile_condition(node.whereClause, sql, params, t.scope, subquery=t.hook)
        if node.whereClause is not None
        else None
    )
    scan = _push_down(
        [TableScan(t.table, t.alias)], node.whereClause, list(t.scope.columns), sql, params
    )[0]
    joined = t.joined
    if joined is not None:
        joined = replace(joined, scans=tuple(t.builder.scans))  # subqueries added scans
    returning = _returning(node.returningClause, t.table, t.alias, sql, params)
    return where, scan, joined, returning


def compile_update(node: Any, sql: str, params: ParamTypes, catalog: Catalog) -> UpdatePlan:
    """UPDATE t SET col = expr, ... [WHERE ...] [RETURNING ...]."""
    if node.withClause:
        raise FeatureNotSupported("WITH in UPDATE is not supported yet")
    t = _target(node, node.fromClause, (node.whereClause, node.targetList), sql, params, catalog)
    table, scope, hook = t.table, t.scope, t.hook
    names = [c.name for c in table.columns]
    sets: list[tuple[int, Any]] = []
    for rt in node.targetList:
        if rt.name not in names:
            raise UndefinedColumn(
                f'column "{rt.name}" of relation "{table.name}" does not exist',
                position=_pos(rt),
            )
        if rt.indirection:
            raise FeatureNotSupported(
                "UPDATE of subfields or array elements is not supported yet", position=_pos(rt)
            )
        i = names.index(rt.name)
        col = table.columns[i]
        if isinstance(rt.val, ast.SetToDefault):
            sets.append((i, DEFAULT))
            continue
        if isinstance(rt.val, ast.MultiAssignRef):
            raise FeatureNotSupported("UPDATE SET (a, b) = ... is not supported yet")
        if col.identity == "a":
            raise GeneratedAlways(
                f'column "{col.name}" can only be updated to DEFAULT',
                detail=f'Column "{col.name}" is an identity column defined as GENERATED ALWAYS.',
            )
        sets.append(
            (
                i,
                compile_expr(
                    rt.val,
                    sql,
                    params,
                    scope,
                    expected_oid=col.type_oid,
                    expected_typmod=col.typmod,
                    target_name=col.name,
                    subquery=hook,
                ),
            )
        )
    where, scan, joined, returning = _filter(t, node, sql, params)
    return UpdatePlan(
        table,
        scan,
        where,
        tuple(sets),
        table_defaults(table),
        table_checks(table),
        returning,
        catalog.version,
        joined,
    )


def _joined(
    relation: Any, others: Any, sql: str, params: ParamTypes, catalog: Catalog
) -> tuple[JoinedTarget, Scope, Any]:
    """The target (scan 0) joined with FROM/USING items; also used for subqueries."""
    from kuzugres.translator import query

    b = query._Builder(sql, params, catalog)
    target = b.from_item(relation)
    both = query._cross(target, b.from_list(others)) if others else target
    joined = JoinedTarget(tuple(b.scans), both.rows, len(target.columns))
    return joined, Scope(tuple(both.columns)), b


def _has_sublink(*nodes: Any) -> bool:
    from kuzugres.translator import query

    return any(isinstance(n, ast.SubLink) for n in query._walk(nodes))


def compile_delete(node: Any, sql: str, params: ParamTypes, catalog: Catalog) -> DeletePlan:
    """DELETE FROM t [WHERE ...] [RETURNING ...]."""
    if node.withClause:
        raise FeatureNotSupported("WITH in DELETE is not supported yet")
    t = _target(node, node.usingClause, (node.whereClause,), sql, params, catalog)
    where, scan, joined, returning = _filter(t, node, sql, params)
    return DeletePlan(t.table, scan, where, returning, catalog.version, joined)
