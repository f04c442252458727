"""SELECT over tables: table scans on Kuzu plus the residual pipeline over their rows.

The plan is pure: `TableScan`s say what to read from Kuzu (with equality predicates
pushed down, so a primary-key lookup is an index lookup), and `QueryPlan.run()` finishes
the query in Python with PostgreSQL's semantics (expr.py): joins, WHERE, GROUP BY and
aggregates, HAVING, projection, DISTINCT, ORDER BY, OFFSET/LIMIT. See
docs/decisions/0006-residual-engine.md for why the residual part is not DuckDB.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, enums
from pglast.stream import RawStream

from kuzugres.errcodes import (
    FeatureNotSupported,
    GroupingError,
    InvalidColumnReference,
    PgSyntaxError,
)
from kuzugres.proxy import types as T
from kuzugres.translator.catalog import Catalog, ColumnDef, TableDef
from kuzugres.translator.expr import (
    AggregateSpec,
    Column,
    EvalContext,
    ParamTypes,
    RowExpr,
    Scope,
    ScopeColumn,
    column_label,
    compile_aggregate,
    compile_condition,
    compile_expr,
    is_aggregate_call,
    sort_key,
)

KEY_SLOT = "__key"  # hidden slot holding a table row's Kuzu primary-key value

Rows = list[tuple[Any, ...]]


@dataclass(frozen=True)
class TableScan:
    """Read a table's rows from Kuzu: visible columns, then the hidden key."""

    table: TableDef
    alias: str
    # Pushed-down equality predicates: (column, expression without column references).
    equals: tuple[tuple[ColumnDef, RowExpr], ...] = ()


@dataclass(frozen=True)
class QueryPlan:
    """A SELECT over tables."""

    scans: tuple[TableScan, ...]
    columns: tuple[Column, ...]
    run: Callable[[list[Rows], Sequence[Any], EvalContext], Rows] = field(compare=False)
    scope: Scope = field(compare=False, default_factory=lambda: Scope(()))


def _deparse(node: Any) -> str:
    return str(RawStream()(node))


def _walk(node: Any) -> Any:
    """Every pglast node below `node` (pre-order), not descending into subqueries."""
    if isinstance(node, tuple | list):
        for n in node:
            yield from _walk(n)
        return
    if not isinstance(node, ast.Node):
        return
    yield node
    if isinstance(node, ast.SubLink | ast.SelectStmt):
        return
    for name in node:
        yield from _walk(getattr(node, name))


def table_scope(table: TableDef, alias: str) -> list[ScopeColumn]:
    """The row layout of a scan: the visible columns, then the hidden key."""
    cols = [ScopeColumn(alias, c.name, c.type_oid, c.typmod) for c in table.columns]
    cols.append(ScopeColumn(alias, KEY_SLOT, T.TEXT, hidden=True))
    return cols


# ---------------------------------------------------------------------------- FROM


@dataclass
class _From:
    """A FROM item while compiling: its scope columns, scans and row producer."""

    columns: list[ScopeColumn]
    scans: list[TableScan]
    rows: Callable[[list[Rows], Sequence[Any], EvalContext], Rows]


class _Builder:
    def __init__(self, sql: str, params: ParamTypes, catalog: Catalog) -> None:
        self.sql = sql
        self.params = params
        self.catalog = catalog
        self.scans: list[TableScan] = []

    def pos(self, node: Any) -> int | None:
        loc = getattr(node, "location", None)
        return loc + 1 if isinstance(loc, int) and loc >= 0 else None

    # -- FROM items
    def from_item(self, node: Any) -> _From:
        if isinstance(node, ast.RangeVar):
            table = self.catalog.lookup(node.relname, node.schemaname, position=self.pos(node))
            alias = node.alias.aliasname if node.alias else node.relname
            if node.alias and node.alias.colnames:
                raise FeatureNotSupported(
                    "column aliases in FROM are not supported yet", position=self.pos(node)
                )
            index = len(self.scans)
            self.scans.append(TableScan(table, alias))

            def rows(scanned: list[Rows], params: Sequence[Any], ctx: EvalContext) -> Rows:
                return scanned[index]

            return _From(table_scope(table, alias), [self.scans[-1]], rows)
        if isinstance(node, ast.JoinExpr):
            return self.join(node)
        if isinstance(node, ast.RangeSubselect):
            raise FeatureNotSupported(
                "subqueries in FROM are not supported yet", position=self.pos(node.subquery)
            )
        if isinstance(node, ast.RangeFunction):
            raise FeatureNotSupported(
                "functions in FROM are not supported yet", position=self.pos(node)
            )
        raise FeatureNotSupported(f"{type(node).__name__} in FROM is not supported yet")

    def join(self, node: Any) -> _From:
        if node.isNatural or node.usingClause:
            raise FeatureNotSupported(
                "NATURAL joins and JOIN ... USING are not supported yet", position=self.pos(node)
            )
        left, right = self.from_item(node.larg), self.from_item(node.rarg)
        columns = left.columns + right.columns
        nl, nr = len(left.columns), len(right.columns)
        kind = node.jointype
        J = enums.JoinType
        cond: RowExpr | None = None
        if node.quals is not None:
            cond = compile_condition(
                node.quals, self.sql, self.params, Scope(tuple(columns)), clause="JOIN/ON"
            )
        equi = _equi_join(node.quals, left.columns, right.columns)

        def rows(scanned: list[Rows], params: Sequence[Any], ctx: EvalContext) -> Rows:
            lrows = left.rows(scanned, params, ctx)
            rrows = right.rows(scanned, params, ctx)
            out: Rows = []
            rmatched = [False] * len(rrows)
            index: dict[Any, list[int]] | None = None
            if equi is not None:
                li, ri = equi
                index = {}
                for j, r in enumerate(rrows):
                    if r[ri] is not None:
                        index.setdefault(_hashable(r[ri]), []).append(j)
            for lrow in lrows:
                matched = False
                candidates: Sequence[int]
                if index is not None and equi is not None:
                    key = lrow[equi[0]]
                    candidates = index.get(_hashable(key), []) if key is not None else []
                else:
                    candidates = range(len(rrows))
                for j in candidates:
                    row = lrow + rrows[j]
                    if cond is None or cond.evaluate(row, params, ctx) is True:
                        out.append(row)
                        matched = True
                        rmatched[j] = True
                if not matched and kind in (J.JOIN_LEFT, J.JOIN_FULL):
                    out.append(lrow + (None,) * nr)
            if kind in (J.JOIN_RIGHT, J.JOIN_FULL):
                for j, r in enumerate(rrows):
                    if not rmatched[j]:
                        out.append((None,) * nl + r)
            return out

        if kind not in (J.JOIN_INNER, J.JOIN_LEFT, J.JOIN_RIGHT, J.JOIN_FULL):
            raise FeatureNotSupported(f"{kind.name} is not supported yet", position=self.pos(node))
        return _From(columns, left.scans + right.scans, rows)

    def from_list(self, items: Sequence[Any]) -> _From:
        parts = [self.from_item(i) for i in items]
        result = parts[0]
        for part in parts[1:]:
            result = _cross(result, part)
        return result


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _cross(a: _From, b: _From) -> _From:
    def rows(scanned: list[Rows], params: Sequence[Any], ctx: EvalContext) -> Rows:
        right = b.rows(scanned, params, ctx)
        return [x + y for x in a.rows(scanned, params, ctx) for y in right]

    return _From(a.columns + b.columns, a.scans + b.scans, rows)


def _equi_join(
    quals: Any, left: list[ScopeColumn], right: list[ScopeColumn]
) -> tuple[int, int] | None:
    """Slots (left, right) of a `l.x = r.y` conjunct of same-typed columns, for a hash join."""
    conjuncts = [quals]
    if isinstance(quals, ast.BoolExpr) and quals.boolop == enums.BoolExprType.AND_EXPR:
        conjuncts = list(quals.args)
    for c in conjuncts:
        if not (
            isinstance(c, ast.A_Expr)
            and c.kind == enums.A_Expr_Kind.AEXPR_OP
            and [n.sval for n in c.name] == ["="]
            and isinstance(c.lexpr, ast.ColumnRef)
            and isinstance(c.rexpr, ast.ColumnRef)
        ):
            continue
        a, b = _slot(c.lexpr, left), _slot(c.rexpr, right)
        if a is None or b is None:
            a, b = _slot(c.rexpr, left), _slot(c.lexpr, right)
        if a is not None and b is not None and left[a].type_oid == right[b].type_oid:
            return a, b
    return None


def _slot(ref: Any, columns: list[ScopeColumn]) -> int | None:
    names = [f.sval for f in ref.fields if isinstance(f, ast.String)]
    if len(names) != len(ref.fields):
        return None
    hits = [
        i
        for i, c in enumerate(columns)
        if c.name == names[-1] and (len(names) == 1 or c.relation == names[-2])
    ]
    return hits[0] if len(hits) == 1 else None


# ---------------------------------------------------------------------------- grouping


class _GroupedScope(Scope):
    """After GROUP BY, a plain column reference must be a grouping expression."""

    def resolve(self, names: tuple[str, ...], location: int | None) -> int:
        inner = self.outer
        assert inner is not None
        inner.resolve(names, location)  # 42703/42702/42P01 first, like PostgreSQL
        shown = ".".join(names)
        raise GroupingError(
            f'column "{shown}" must appear in the GROUP BY clause or be used in an '
            "aggregate function",
            position=location + 1 if location is not None else None,
        )


@dataclass
class _Grouping:
    keys: list[RowExpr]
    key_nodes: list[Any]
    key_texts: list[str]
    key_slots: list[int | None]  # input-scope slots of plain column keys
    aggregates: list[AggregateSpec] = field(default_factory=list)
    agg_nodes: list[Any] = field(default_factory=list)


def _slots_for(node: Any, grouping: _Grouping, scope: Scope) -> dict[int, int]:
    """id(subnode) -> grouped-row slot for grouping keys and aggregate calls under `node`."""
    slots: dict[int, int] = {}
    nkeys = len(grouping.keys)
    for sub in _walk(node):
        if is_aggregate_call(sub):
            for j, agg_node in enumerate(grouping.agg_nodes):
                if agg_node is sub:
                    slots[id(sub)] = nkeys + j
            continue
        if isinstance(sub, ast.ColumnRef) and not isinstance(sub.fields[-1], ast.A_Star):
            names = tuple(f.sval for f in sub.fields)
            try:
                idx = scope.resolve(names, sub.location)
            except Exception:  # noqa: BLE001  (errors are raised when compiling)
                continue
            for k, ks in enumerate(grouping.key_slots):
                if ks == idx:
                    slots[id(sub)] = k
                    break
            continue
        text = _deparse(sub) if isinstance(sub, ast.Node) else None
        if text is not None and text in grouping.key_texts:
            slots[id(sub)] = grouping.key_texts.index(text)
    return slots


# ---------------------------------------------------------------------------- SELECT


@dataclass
class _Target:
    expr: RowExpr
    name: str


def compile_query(node: Any, sql: str, params: ParamTypes, catalog: Catalog) -> QueryPlan:
    """Compile a SELECT with a FROM clause."""
    b = _Builder(sql, params, catalog)
    for clause, what in (
        ("withClause", "WITH"),
        ("windowClause", "WINDOW"),
        ("lockingClause", "FOR UPDATE/SHARE"),
        ("intoClause", "SELECT INTO"),
    ):
        if getattr(node, clause, None):
            raise FeatureNotSupported(f"{what} is not supported yet")
    if node.op != enums.SetOperation.SETOP_NONE:
        raise FeatureNotSupported("UNION/INTERSECT/EXCEPT over tables is not supported yet")
    for sub in _walk((node.targetList, node.whereClause, node.havingClause, node.sortClause)):
        if isinstance(sub, ast.SubLink):
            raise FeatureNotSupported("subqueries are not supported yet", position=b.pos(sub))
        if isinstance(sub, ast.FuncCall) and sub.over is not None:
            raise FeatureNotSupported("window functions are not supported yet", position=b.pos(sub))
    source = b.from_list(node.fromClause)
    scope = Scope(tuple(source.columns))
    where = (
        compile_condition(node.whereClause, sql, params, scope)
        if node.whereClause is not None
        else None
    )
    scans = _push_down(b.scans, node.whereClause, source.columns, sql, params)

    # expand * and t.*
    target_nodes: list[tuple[Any, str]] = []
    star_slots: list[int | None] = []
    for rt in node.targetList or ():
        val = rt.val
        if isinstance(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.A_Star):
            relation = val.fields[-2].sval if len(val.fields) > 1 else None
            for i in _star(scope, relation, b.pos(val)):
                target_nodes.append((None, scope.columns[i].name))
                star_slots.append(i)
            continue
        target_nodes.append((val, column_label(rt)))
        star_slots.append(None)

    has_aggs = any(
        is_aggregate_call(s)
        for s in _walk(([t for t, _ in target_nodes], node.havingClause, node.sortClause))
    )
    group_items = list(node.groupClause or ())
    grouping: _Grouping | None = None
    if group_items or has_aggs or node.havingClause is not None:
        grouping = _compile_grouping(group_items, target_nodes, scope, sql, params, b)
        for sub in _walk(([t for t, _ in target_nodes], node.havingClause, node.sortClause)):
            if is_aggregate_call(sub):
                grouping.agg_nodes.append(sub)
                grouping.aggregates.append(compile_aggregate(sub, sql, params, scope))
    out_scope = scope
    if grouping is not None:
        nkeys = len(grouping.keys)
        gcols = tuple(
            ScopeColumn(None, f"__g{i}", k.type_oid, k.typmod) for i, k in enumerate(grouping.keys)
        ) + tuple(
            ScopeColumn(None, f"__a{j}", a.type_oid, a.typmod)
            for j, a in enumerate(grouping.aggregates)
        )
        out_scope = _GroupedScope(gcols, outer=scope)
        if any(s is not None for s in star_slots):
            for i in (s for s in star_slots if s is not None):
                if i not in grouping.key_slots:
                    c = scope.columns[i]
                    raise GroupingError(
                        f'column "{c.relation}.{c.name}" must appear in the GROUP BY clause '
                        "or be used in an aggregate function"
                    )
        del nkeys

    targets: list[_Target] = []
    for (tnode, label), slot in zip(target_nodes, star_slots, strict=True):
        if slot is not None:
            if grouping is not None:
                k = grouping.key_slots.index(slot)
                targets.append(_Target(_SlotExpr(k, scope.columns[slot]), label))
            else:
                targets.append(_Target(_SlotExpr(slot, scope.columns[slot]), label))
            continue
        slots = _slots_for(tnode, grouping, scope) if grouping is not None else None
        targets.append(_Target(compile_expr(tnode, sql, params, out_scope, slots=slots), label))
    having = None
    if node.havingClause is not None:
        assert grouping is not None
        having = compile_condition(
            node.havingClause,
            sql,
            params,
            out_scope,
            clause="HAVING",
            slots=_slots_for(node.havingClause, grouping, scope),
        )

    order = _compile_order(node, targets, target_nodes, out_scope, scope, grouping, sql, params)
    distinct = node.distinctClause
    distinct_all = distinct is not None and len(distinct) == 1 and distinct[0] is None
    distinct_on: list[RowExpr] = []
    if distinct and not distinct_all:
        for d in distinct:
            distinct_on.append(
                _order_or_output_expr(
                    d, targets, target_nodes, out_scope, scope, grouping, sql, params
                )
            )
    limit = _limit_expr(node.limitCount, sql, params)
    offset = _limit_expr(node.limitOffset, sql, params)
    columns = tuple(Column(t.name, t.expr.type_oid, t.expr.typmod) for t in targets)

    def run(scanned: list[Rows], params_: Sequence[Any], ctx: EvalContext) -> Rows:
        rows = source.rows(scanned, params_, ctx)
        if where is not None:
            rows = [r for r in rows if where.evaluate(r, params_, ctx) is True]
        if grouping is not None:
            rows = _group(rows, grouping, bool(group_items), params_, ctx)
            if having is not None:
                rows = [r for r in rows if having.evaluate(r, params_, ctx) is True]
        produced = []
        for r in rows:
            out = tuple(t.expr.evaluate(r, params_, ctx) for t in targets)
            keys = tuple(o.expr.evaluate(out if o.on_output else r, params_, ctx) for o in order)
            don = tuple(
                e.evaluate(out if isinstance(e, _SlotExpr) and e.output else r, params_, ctx)
                for e in distinct_on
            )
            produced.append((out, keys, don))
        if order:
            produced.sort(
                key=lambda p: tuple(
                    sort_key(o.expr.type_oid, v, descending=o.descending, nulls_first=o.nulls_first)
                    for o, v in zip(order, p[1], strict=True)
                )
            )
        if distinct_all:
            seen: set[Any] = set()
            unique = []
            for p in produced:
                k = tuple(_hashable(v) for v in p[0])
                if k not in seen:
                    seen.add(k)
                    unique.append(p)
            produced = unique
        elif distinct_on:
            seen_on: set[Any] = set()
            unique = []
            for p in produced:
                k = tuple(_hashable(v) for v in p[2])
                if k not in seen_on:
                    seen_on.add(k)
                    unique.append(p)
            produced = unique
        result = [p[0] for p in produced]
        start = _bound(offset, params_, ctx, "OFFSET") or 0
        count = _bound(limit, params_, ctx, "LIMIT")
        return result[start:] if count is None else result[start : start + count]

    return QueryPlan(tuple(scans), columns, run, scope)


@dataclass(frozen=True)
class _SlotExpr:
    """A row slot read directly (for * expansion and ORDER BY of output columns)."""

    slot: int
    column: ScopeColumn
    output: bool = False

    @property
    def type_oid(self) -> int:
        return self.column.type_oid

    @property
    def typmod(self) -> int:
        return self.column.typmod

    def evaluate(self, row: Sequence[Any], params: Sequence[Any], ctx: EvalContext) -> Any:
        return row[self.slot]


@dataclass(frozen=True)
class _Order:
    expr: Any
    on_output: bool
    descending: bool
    nulls_first: bool | None


def _star(scope: Scope, relation: str | None, position: int | None) -> list[int]:
    if relation is None:
        cols = [i for i, c in enumerate(scope.columns) if not c.hidden]
        if not cols:
            raise PgSyntaxError("SELECT * with no tables specified is not valid", position=position)
        return cols
    return [i for i in scope.star(relation)]


def _compile_grouping(
    items: list[Any],
    target_nodes: list[tuple[Any, str]],
    scope: Scope,
    sql: str,
    params: ParamTypes,
    b: _Builder,
) -> _Grouping:
    g = _Grouping([], [], [], [])
    for item in items:
        node = item
        if isinstance(item, ast.A_Const) and isinstance(item.val, ast.Integer):
            n = item.val.ival
            if not 1 <= n <= len(target_nodes) or target_nodes[n - 1][0] is None:
                raise InvalidColumnReference(
                    f"GROUP BY position {n} is not in select list", position=b.pos(item)
                )
            node = target_nodes[n - 1][0]
        elif (
            isinstance(item, ast.ColumnRef)
            and len(item.fields) == 1
            and isinstance(item.fields[0], ast.String)
        ):
            name = item.fields[0].sval
            if not any(c.name == name for c in scope.columns):
                for tnode, label in target_nodes:
                    if label == name and tnode is not None:
                        node = tnode
                        break
        if isinstance(node, ast.GroupingSet):
            raise FeatureNotSupported("GROUPING SETS, ROLLUP and CUBE are not supported yet")
        slot = None
        if isinstance(node, ast.ColumnRef):
            slot = scope.resolve(tuple(f.sval for f in node.fields), node.location)
        g.keys.append(compile_expr(node, sql, params, scope))
        g.key_nodes.append(node)
        g.key_texts.append(_deparse(node))
        g.key_slots.append(slot)
    return g


def _group(
    rows: Rows, g: _Grouping, has_group_by: bool, params: Sequence[Any], ctx: EvalContext
) -> Rows:
    groups: dict[Any, tuple[tuple[Any, ...], list[Any]]] = {}
    for r in rows:
        keyvals = tuple(k.evaluate(r, params, ctx) for k in g.keys)
        hk = tuple(_hashable(v) for v in keyvals)
        entry = groups.get(hk)
        if entry is None:
            entry = (keyvals, [a.new_state() for a in g.aggregates])
            groups[hk] = entry
        states = entry[1]
        for i, a in enumerate(g.aggregates):
            states[i] = a.step(states[i], r, params, ctx)
    if not groups and not has_group_by:
        groups[()] = ((), [a.new_state() for a in g.aggregates])
    return [
        keyvals + tuple(a.final(s, params, ctx) for a, s in zip(g.aggregates, states, strict=True))
        for keyvals, states in groups.values()
    ]


def _order_or_output_expr(
    node: Any,
    targets: list[_Target],
    target_nodes: list[tuple[Any, str]],
    out_scope: Scope,
    scope: Scope,
    grouping: _Grouping | None,
    sql: str,
    params: ParamTypes,
) -> Any:
    """An ORDER BY / DISTINCT ON expression: an output column (ordinal or name) or an expr."""
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.Integer):
        n = node.val.ival
        if not 1 <= n <= len(targets):
            raise InvalidColumnReference(
                f"ORDER BY position {n} is not in select list",
                position=node.location + 1 if node.location is not None else None,
            )
        t = targets[n - 1]
        return _SlotExpr(
            n - 1, ScopeColumn(None, t.name, t.expr.type_oid, t.expr.typmod), output=True
        )
    if (
        isinstance(node, ast.ColumnRef)
        and len(node.fields) == 1
        and isinstance(node.fields[0], ast.String)
    ):
        name = node.fields[0].sval
        hits = [i for i, t in enumerate(targets) if t.name == name]
        if len(hits) == 1 or (hits and not any(c.name == name for c in scope.columns)):
            t = targets[hits[0]]
            return _SlotExpr(
                hits[0], ScopeColumn(None, t.name, t.expr.type_oid, t.expr.typmod), output=True
            )
    slots = _slots_for(node, grouping, scope) if grouping is not None else None
    return compile_expr(node, sql, params, out_scope, slots=slots)


def _compile_order(
    node: Any,
    targets: list[_Target],
    target_nodes: list[tuple[Any, str]],
    out_scope: Scope,
    scope: Scope,
    grouping: _Grouping | None,
    sql: str,
    params: ParamTypes,
) -> list[_Order]:
    out = []
    SB = enums.SortByDir
    SN = enums.SortByNulls
    for sb in node.sortClause or ():
        if sb.useOp:
            raise FeatureNotSupported("ORDER BY ... USING is not supported yet")
        e = _order_or_output_expr(
            sb.node, targets, target_nodes, out_scope, scope, grouping, sql, params
        )
        desc = sb.sortby_dir == SB.SORTBY_DESC
        nulls = None
        if sb.sortby_nulls == SN.SORTBY_NULLS_FIRST:
            nulls = True
        elif sb.sortby_nulls == SN.SORTBY_NULLS_LAST:
            nulls = False
        out.append(_Order(e, isinstance(e, _SlotExpr) and e.output, desc, nulls))
    if node.distinctClause and node.sortClause:
        pass  # PostgreSQL's "ORDER BY expressions must appear in select list" not enforced
    return out


def _limit_expr(node: Any, sql: str, params: ParamTypes) -> RowExpr | None:
    if node is None:
        return None
    if isinstance(node, ast.A_Const) and node.isnull:
        return None
    return compile_expr(node, sql, params, None, expected_oid=T.INT8)


def _bound(e: RowExpr | None, params: Sequence[Any], ctx: EvalContext, what: str) -> int | None:
    if e is None:
        return None
    v = e.evaluate((), params, ctx)
    if v is None:
        return None
    n = int(v)  # type: ignore[call-overload]
    if n < 0:
        from kuzugres.errcodes import (
            InvalidRowCountInLimitClause,
            InvalidRowCountInResultOffsetClause,
        )

        if what == "LIMIT":
            raise InvalidRowCountInLimitClause("LIMIT must not be negative")
        raise InvalidRowCountInResultOffsetClause("OFFSET must not be negative")
    return n


# ---------------------------------------------------------------------------- pushdown


def _push_down(
    scans: list[TableScan],
    where: Any,
    columns: list[ScopeColumn],
    sql: str,
    params: ParamTypes,
) -> list[TableScan]:
    """Move `col = <constant or parameter>` conjuncts into the scans (native columns only).

    The predicate stays in the residual WHERE too, so pushing down only ever saves work.
    """
    if where is None:
        return scans
    conjuncts = [where]
    if isinstance(where, ast.BoolExpr) and where.boolop == enums.BoolExprType.AND_EXPR:
        conjuncts = list(where.args)
    out = list(scans)
    for c in conjuncts:
        if not (
            isinstance(c, ast.A_Expr)
            and c.kind == enums.A_Expr_Kind.AEXPR_OP
            and [n.sval for n in c.name] == ["="]
        ):
            continue
        for ref, other in ((c.lexpr, c.rexpr), (c.rexpr, c.lexpr)):
            if not isinstance(ref, ast.ColumnRef) or any(
                isinstance(s, ast.ColumnRef | ast.SubLink | ast.FuncCall) for s in _walk(other)
            ):
                continue
            slot = _slot(ref, columns)
            if slot is None:
                continue
            sc = columns[slot]
            for i, scan in enumerate(out):
                if scan.alias != sc.relation:
                    continue
                col = scan.table.column(sc.name)
                if col is None or not col.native or col.type_oid in (T.FLOAT4, T.FLOAT8):
                    continue
                try:
                    value = compile_expr(other, sql, params, None)
                except Exception:  # noqa: BLE001  (the residual WHERE reports errors)
                    continue
                if value.type_oid != col.type_oid:
                    continue
                out[i] = TableScan(scan.table, scan.alias, scan.equals + ((col, value),))
            break
    return out
