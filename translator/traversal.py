"""WITH RECURSIVE over a foreign key as one Kuzu variable-length pattern.

A recursive CTE whose recursive term joins one table to the working table along a
foreign key walks a graph: down an org chart (`e.manager_id = r.id`), up it
(`e.id = r.manager_id`), or across a link table (`f.follower = r.id`, see
docs/decisions/0010-recursive-traversal.md). `recognize` finds these shapes; the plan
then reads every walk from the start nodes with one Kuzu pattern (`TraversalScan`,
run by the executor) instead of joining the whole table once per iteration.

Exactness: the non-recursive term still runs as a normal query, and each of its rows is
joined to the walks from its start key in the residual engine (`Traversal.expand`): the
working-table row of the last step is rebuilt from the walk (depth columns count steps,
path columns append the walked nodes' values) and the recursive term's target list is
evaluated on it, so the rows are the fixpoint's (its WHERE holds by construction: the
depth bound limits the walks' length, the cycle check is applied to their paths). The Kuzu start filter is only
a superset of the start nodes. Walk semantics (one row per walk) is UNION ALL's; UNION
dedupes like the fixpoint. Anything else stays on the fixpoint (`recognize` -> None).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pglast import ast, enums

from kuzugres.errcodes import FeatureNotSupported
from kuzugres.proxy import types as T
from kuzugres.translator.catalog import Catalog, ColumnDef, TableDef, key_type, link_of
from kuzugres.translator.ddl import quote
from kuzugres.translator.expr import (
    Column,
    EvalContext,
    ParamTypes,
    RowExpr,
    Scope,
    ScopeColumn,
    compile_expr,
    group_key,
)
from kuzugres.translator.query import TableScan, _push_down, table_scope

Rows = list[tuple[Any, ...]]

#: Kuzu's largest variable-length upper bound; longer walks continue in another round.
KUZU_MAX_HOPS = 30
#: The fixpoint's guard against runaway recursion, shared so both fail alike.
MAX_ROWS = 10_000_000
_INTS = (T.INT2, T.INT4, T.INT8)
_KEY_TYPES = (*_INTS, T.TEXT, T.VARCHAR)
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def runaway() -> FeatureNotSupported:
    """The error of a recursive query that does not stop (the fixpoint raises it too)."""
    return FeatureNotSupported(
        f"recursive query produced more than {MAX_ROWS} rows (cycle without UNION?)"
    )


class Counted(list[tuple[Any, ...]]):
    """What the executor read for a counted traversal (`TraversalScan.count`): per start
    value, (start value, reached nodes), instead of the walks."""


@dataclass(frozen=True)
class TraversalScan:
    """Every walk from the start nodes over `rel`, for the residual engine.

    Rows: (start value, steps, path values, node columns..., node key), where the walk
    `s -> ... -> b` has `steps` steps of the recursive term (its length, plus `offset`:
    1 when the first step yields `s` itself), `start value` is `s.<start_column>` (what
    the non-recursive term's start key is compared with) and `path values` are
    `<path_column>` of the walk's nodes from `s` on.
    """

    table: TableDef  # the node table walked
    rel: str  # its REL table (a foreign key's or a link table's)
    forward: bool  # walk along the edges (child -> parent, or link from -> to)
    start: TableScan  # the start nodes: equalities pushed down as for a scan
    start_nulls: tuple[ColumnDef, ...]  # ... and `col IS NULL` conditions
    start_column: ColumnDef
    offset: int
    mode: str  # "walk" (every walk), "trail" (paths checked in Python), "shortest"
    path_column: ColumnDef
    bound: RowExpr | None = None  # N of `r.depth < N`: steps <= N - start depth
    start_depth: RowExpr | None = None  # the non-recursive term's depth (a constant)
    inclusive: bool = False  # `r.depth <= N`
    # link tables: (link table, REL table of the walked-from key, the other key column)
    dangling: tuple[TableDef, str, str] | None = None
    # whether the rows need the path values (path columns, cycle checks, a link row's
    # source) and the node's columns (a link table's rows read only the node's key):
    # Kuzu builds paths 4x slower than it walks
    with_path: bool = True
    with_columns: bool = True
    # the statement is only `count(*)` ("star") or `count(DISTINCT <walked key>)`
    # ("distinct") over the CTE (`Traversal.counting`): read reached-node counts
    count: str | None = None

    def max_steps(self, params: Sequence[Any], ctx: EvalContext) -> int | None:
        """How many steps a walk may take (None: no bound); a validated int."""
        if self.bound is None or self.start_depth is None:
            return None
        n = self.bound.evaluate((), params, ctx)
        d = self.start_depth.evaluate((), params, ctx)
        if n is None or d is None:
            return 0  # `r.depth < NULL` is never true
        return max(0, int(n) - int(d) + (1 if self.inclusive else 0))

    def cypher(self, lo: int, hi: int, from_keys: bool) -> str:
        """The pattern for walks of `lo..hi` edges, from the start filter or from the
        nodes whose keys are `$keys` (a later round); values are typed parameters."""
        t = self.table
        node = quote(t.kuzu_name)
        key = quote(t.key)
        head, start = self._head(from_keys)
        if hi == 0:  # the start nodes themselves (Kuzu's `*0..n` is unreliable on cycles)
            b, walk, length, path = "s", "", "0", f"[s.{quote(self.path_column.name)}]"
        else:
            kind = {"walk": "", "trail": " TRAIL ", "shortest": " SHORTEST "}[self.mode]
            edge = f"[:{quote(self.rel)}*{kind}{lo}..{hi}]"
            arrow = f"-{edge}->" if self.forward else f"<-{edge}-"
            b, walk, length = "b", f" MATCH p = (s){arrow}(b:{node})", "length(p)"
            path = f"properties(nodes(p), '{self.path_column.name}')"
        if not self.with_path:
            path = "[]"
        cols = [
            f"{b}.{quote(c.name)} AS c{i}" if self.with_columns else f"NULL AS c{i}"
            for i, c in enumerate(t.columns)
        ]
        ret = ", ".join(
            [f"{start} AS s", f"{length} AS n", f"{path} AS v", *cols, f"{b}.{key} AS k"]
        )
        return f"{head}{walk} RETURN {ret}"

    def _head(self, from_keys: bool) -> tuple[str, str]:
        """The MATCH of the start nodes `s`, and the start value's expression."""
        from kuzugres.translator.explain import equals_cypher  # explain shows traversals

        t = self.table
        node, key = quote(t.kuzu_name), quote(t.key)
        if from_keys:
            return (
                f"UNWIND CAST($keys AS {key_type(t)}[]) AS k MATCH (s:{node}) WHERE s.{key} = k",
                f"s.{key}",
            )
        where = [equals_cypher(self.start, "s")] if self.start.equals else []
        where += [f"s.{quote(c.name)} IS NULL" for c in self.start_nulls]
        return (
            f"MATCH (s:{node}) WHERE {' AND '.join(where)}",
            f"s.{quote(self.start_column.name)}",
        )

    def count_cypher(self, hi: int, lengths: bool) -> str:
        """Per start value: how many other nodes a shortest path of 1..hi steps reaches
        (`lengths`: per start value and path length, to see whether one reaches `hi`).

        Kuzu's SHORTEST yields one path per (start, end) pair, even where parallel
        edges or equal-length routes give several, so `count(*)` counts distinct ends
        (3x faster than count(DISTINCT) at 100k nodes). Without `lengths` the path is not
        bound: tracking it costs ~7x on a 4-hop reachability."""
        t = self.table
        head, start = self._head(False)
        edge = f"[:{quote(self.rel)}* SHORTEST 1..{hi}]"
        arrow = f"-{edge}->" if self.forward else f"<-{edge}-"
        end = f"(b:{quote(t.kuzu_name)})"
        if lengths:
            return f"{head} MATCH p = (s){arrow}{end} RETURN {start} AS s, length(p) AS l, count(*) AS n"
        return f"{head} MATCH (s){arrow}{end} RETURN {start} AS s, count(*) AS n"

    def into_start_cypher(self) -> str:
        """(start key, key of a node with an edge into the start node along the walk)."""
        key = quote(self.table.key)
        edge = f"[:{quote(self.rel)}]"
        arrow = f"<-{edge}-" if self.forward else f"-{edge}->"
        head, _ = self._head(False)
        return f"{head} MATCH (s){arrow}(x:{quote(self.table.kuzu_name)}) RETURN s.{key}, x.{key}"

    def dangling_cypher(self) -> str | None:
        """Link tables: per node, how many link rows lead from it to NULL (each is a
        recursive-term row with a NULL key but no edge)."""
        if self.dangling is None:
            return None
        link, rel, column = self.dangling
        return (
            f"MATCH (c:{quote(link.kuzu_name)})-[:{quote(rel)}]->(a:{quote(self.table.kuzu_name)})"
            f" WHERE c.{quote(column)} IS NULL RETURN a.{quote(self.table.key)}, count(*)"
        )


@dataclass
class Traversal:
    """A recognized recursive term: the scan, and how to finish its rows."""

    scan: TraversalScan
    join_slot: int  # the working-table column the next step joins on
    depth_slots: list[int]  # `r.d + 1` columns
    path_slots: list[int]  # `r.p || x.c` columns
    link: tuple[int, int] | None  # link table: x's (from, to) key slots
    width: int  # x's row width (columns + key)
    targets: list[RowExpr]  # over x's row + the working-table row
    # how each output column is made, the common ones without the expression engine:
    # ("x", slot of x's row), ("r", carried column), ("d", depth column), ("e", -1)
    kinds: list[tuple[str, int]]
    distinct: bool
    types: list[int]
    cycle_slot: int | None = None  # `NOT x.key = ANY(r.p)`: the path column p

    def counting(self, star: bool, column: int | None) -> bool:
        """Whether `count(*)` (star) or `count(DISTINCT <column>)` over this CTE can be
        computed from reached-node counts (`counted`): a UNION over a link table from
        one start row, the counted column the walked key, no path or cycle columns, and
        output columns that cannot fail (a depth bounded by `r.d < N` stays in range)."""
        s = self.scan
        if not self.distinct or self.link is None or s.offset != 0 or s.mode == "trail":
            return False
        if self.path_slots or self.cycle_slot is not None:
            return False
        for kind, _ in self.kinds:
            if kind == "e" or (kind == "d" and (s.bound is None or s.inclusive)):
                return False
        if star:
            column = 0
            if len(self.kinds) != 1:
                return False  # count(*) counts distinct whole rows
        return column == self.join_slot and self.kinds[column] == ("x", self.link[1])

    def counted(self, base: Rows, groups: Rows, star: bool) -> Rows:
        """The count from the one non-recursive row and the reached-node counts per start
        value (`TraversalScan.count_cypher`; a shortest path never ends at its start, so
        the reached keys differ from the start row's key, which is the counted value)."""
        (b,) = base
        v = b[self.join_slot]
        if v is None:  # no walk starts from NULL; count(DISTINCT) skips it
            return [(1 if star else 0,)]
        reached = {g[0]: g[1] for g in groups}
        return [(1 + reached.get(v, 0),)]

    def _acyclic(self, work: tuple[Any, ...], vals: Sequence[Any]) -> bool:
        """Whether every step of the walk passed the cycle check (vals: node keys)."""
        if self.cycle_slot is None:
            return True
        path = work[self.cycle_slot]
        if path is None or None in path:
            return False  # `x = ANY(NULL)` is NULL, not true: the step is not taken
        prior = set(path)
        for v in vals[1 - self.scan.offset :]:
            if v is None or v in prior:  # NULL = ANY(...) is not false
                return False
            prior.add(v)
        return True

    def expand(self, base: Rows, walks: Rows, params: Sequence[Any], ctx: EvalContext) -> Rows:
        """The CTE's rows: the non-recursive rows, then each walk's recursive-term row.

        The recursive term's WHERE is not evaluated: the walks already satisfy it (the
        depth bound limits the pattern's length, `_acyclic` is the cycle check).
        """
        seen: set[Any] = set()
        plain = all(t in _PLAIN for t in self.types)

        def fresh(rows: Rows) -> Rows:
            if not self.distinct:
                return rows
            out = []
            for r in rows:
                k = (
                    r
                    if plain
                    else tuple(group_key(t, v) for t, v in zip(self.types, r, strict=True))
                )
                if k not in seen:
                    seen.add(k)
                    out.append(r)
            return out

        base = fresh(base)
        by_start: dict[Any, list[tuple[Any, ...]]] = {}
        for w in walks:
            by_start.setdefault(w[0], []).append(w)
        first = 1 - self.scan.offset  # index in the path values of step 1's node
        kinds = self.kinds
        produced: list[tuple[int, int, tuple[Any, ...]]] = []
        for bi, b in enumerate(base):
            for w in by_start.get(b[self.join_slot], ()):
                steps, vals, node = w[1], w[2], w[3:]
                if self.cycle_slot is not None and not self._acyclic(b, vals):
                    continue
                if self.link is not None:
                    row: list[Any] = [None] * self.width
                    row[self.link[0]] = vals[-2] if len(vals) > 1 else None
                    row[self.link[1]] = node[-1]
                    x = tuple(row)
                else:
                    x = tuple(node)
                out = []
                env: tuple[Any, ...] | None = None
                for i, (kind, slot) in enumerate(kinds):
                    if kind == "x":
                        out.append(x[slot])
                    elif kind == "r":
                        out.append(b[slot])
                    elif (
                        kind == "d"
                        and b[slot] is not None
                        and _fits(self.types[i], b[slot] + steps)
                    ):
                        out.append(b[slot] + steps)
                    else:
                        if env is None:
                            env = x + self._work(b, steps, vals, first)
                        out.append(self.targets[i].evaluate(env, params, ctx))
                produced.append((steps, bi, tuple(out)))
                if len(produced) > MAX_ROWS:
                    raise runaway()
        produced.sort(key=lambda p: (p[0], p[1]))  # the fixpoint's order: step by step
        return base + fresh([r for _, _, r in produced])

    def _work(
        self, b: tuple[Any, ...], steps: int, vals: Sequence[Any], first: int
    ) -> tuple[Any, ...]:
        """The working-table row the walk's last step joined: `b` after steps - 1 steps."""
        work = list(b)
        for d in self.depth_slots:
            if work[d] is not None:
                work[d] = work[d] + steps - 1
        for p in self.path_slots:
            if work[p] is not None:
                work[p] = list(work[p]) + list(vals[first:-1])
        return tuple(work)


_LIMITS = {T.INT2: 2**15, T.INT4: 2**31, T.INT8: 2**63}
_PLAIN = (*_INTS, T.BOOL, T.TEXT, T.VARCHAR)  # types whose values are their group keys


def _fits(type_oid: int, value: int) -> bool:
    limit = _LIMITS[type_oid]
    return -limit <= value < limit


def _conjuncts(node: Any) -> list[Any]:
    if node is None:
        return []
    if isinstance(node, ast.BoolExpr) and node.boolop == enums.BoolExprType.AND_EXPR:
        return [c for a in node.args or () for c in _conjuncts(a)]
    return [node]


def _ref(node: Any) -> tuple[str, ...] | None:
    fields: tuple[Any, ...] = getattr(node, "fields", None) or ()
    if isinstance(node, ast.ColumnRef) and all(isinstance(f, ast.String) for f in fields):
        return tuple(f.sval for f in fields)
    return None


def _op(node: Any, *names: str) -> bool:
    return _op_name(node, enums.A_Expr_Kind.AEXPR_OP) in names


def _op_name(node: Any, kind: Any) -> str | None:
    """The operator of an A_Expr of this kind (`=`, `<` ...), else None."""
    if not isinstance(node, ast.A_Expr) or node.kind != kind:
        return None
    name: tuple[Any, ...] = node.name or ()
    return str(name[0].sval) if len(name) == 1 else None


def _nodes(node: Any) -> list[Any]:
    out: list[Any] = []

    def walk(n: Any) -> None:
        if isinstance(n, tuple | list):
            for m in n:
                walk(m)
        elif isinstance(n, ast.Node):
            out.append(n)
            for name in n:
                walk(getattr(n, name))

    walk(node)
    return out


def _constant(node: Any, sql: str, params: ParamTypes) -> RowExpr | None:
    """`node` compiled when it reads no column and calls nothing volatile."""
    if any(isinstance(n, ast.ColumnRef | ast.SubLink | ast.FuncCall) for n in _nodes(node)):
        return None
    try:
        return compile_expr(node, sql, params, None)
    except Exception:  # noqa: BLE001  (the normal plan reports errors)
        return None


@dataclass
class _Step:
    """What the recursive term says, in terms of its two FROM items."""

    x_alias: str
    table: TableDef
    r_alias: str
    conjuncts: list[Any]


def _step_from(node: Any, cte_name: str, catalog: Catalog, ctes: set[str]) -> _Step | None:
    """`FROM t x JOIN r ON ...` or `FROM t x, r WHERE ...` (either order)."""
    items = list(node.fromClause or ())
    conj = _conjuncts(node.whereClause)
    if len(items) == 1 and isinstance(items[0], ast.JoinExpr):
        j = items[0]
        if j.jointype != enums.JoinType.JOIN_INNER or j.usingClause or j.isNatural or j.alias:
            return None
        items = [j.larg, j.rarg]
        conj = _conjuncts(j.quals) + conj
    if len(items) != 2 or not all(isinstance(i, ast.RangeVar) for i in items):
        return None
    if any(i.alias is not None and i.alias.colnames for i in items):
        return None
    refs = [i for i in items if i.schemaname is None and i.relname == cte_name]
    tables = [i for i in items if i not in refs]
    if len(refs) != 1 or len(tables) != 1:
        return None
    if tables[0].schemaname is None and tables[0].relname in ctes:
        return None  # another WITH query, not the table
    table = catalog.find(tables[0].relname, tables[0].schemaname)
    if table is None:
        return None
    alias = tables[0].alias.aliasname if tables[0].alias else tables[0].relname
    r_alias = refs[0].alias.aliasname if refs[0].alias else refs[0].relname
    if alias == r_alias:
        return None
    return _Step(alias, table, r_alias, conj)


def recognize(
    node: Any,
    cte_name: str,
    columns: list[Column],
    distinct: bool,
    catalog: Catalog,
    sql: str,
    params: ParamTypes,
    ctes: set[str],
) -> Traversal | None:
    """The traversal plan of a recursive CTE (`node`: its UNION), or None.

    `columns`: the CTE's columns; `ctes`: the WITH query names visible to it.
    """
    base_node, step_node = node.larg, node.rarg
    for n in (base_node, step_node):
        if (
            n.op != enums.SetOperation.SETOP_NONE
            or n.withClause is not None
            or n.distinctClause
            or n.groupClause
            or n.havingClause is not None
            or n.windowClause
            or n.valuesLists
            or n.sortClause
            or n.limitCount is not None
            or n.limitOffset is not None
            or n.lockingClause
            or n.intoClause is not None
        ):
            return None
    step = _step_from(step_node, cte_name, catalog, ctes)
    if step is None or len(step_node.targetList) != len(columns):
        return None
    if any(isinstance(n, ast.SubLink | ast.FuncCall) for n in _nodes(step_node.targetList)):
        return None
    if any(isinstance(n, ast.SubLink | ast.FuncCall) for n in _nodes(step.conjuncts)):
        return None
    x_scope = table_scope(step.table, step.x_alias)
    r_cols = [ScopeColumn(step.r_alias, c.name, c.type_oid, c.typmod) for c in columns]
    scope = Scope(tuple(x_scope) + tuple(r_cols))
    width = len(x_scope)

    def slot(ref: tuple[str, ...] | None) -> tuple[str, int] | None:
        """("x", column index) or ("r", CTE column index) of a column reference."""
        if ref is None:
            return None
        try:
            i = scope.resolve(ref, None)
        except Exception:  # noqa: BLE001
            return None
        return ("x", i) if i < width else ("r", i - width)

    def x_column(n: Any) -> ColumnDef | None:
        s = slot(_ref(n))
        if s is None or s[0] != "x" or x_scope[s[1]].hidden:
            return None
        return step.table.column(x_scope[s[1]].name)

    # the join: x.a = r.j
    join: tuple[ColumnDef, int] | None = None
    rest: list[Any] = []
    for c in step.conjuncts:
        if join is None and _op(c, "="):
            sides = [(c.lexpr, c.rexpr), (c.rexpr, c.lexpr)]
            found = False
            for xs, rs in sides:
                xc, rslot = x_column(xs), slot(_ref(rs))
                if xc is not None and rslot is not None and rslot[0] == "r":
                    join = (xc, rslot[1])
                    found = True
                    break
            if found:
                continue
        rest.append(c)
    if join is None:
        return None
    join_col, j = join
    out = x_column(step_node.targetList[j].val)
    if out is None or out.type_oid not in _KEY_TYPES or join_col.type_oid not in _KEY_TYPES:
        return None
    t = step.table
    link = link_of(catalog, t)
    fks = {
        c.columns[0]: c
        for c in t.constraints
        if c.kind == "f"
        and c.rel_table is not None
        and len(c.columns) == 1
        and c.ref_table == t.qualified
        and c.ref_columns == (t.key,)
    }
    names = [c.name for c in t.columns]
    link_slots: tuple[int, int] | None = None
    dangling: tuple[TableDef, str, str] | None = None
    if link is not None and {join_col.name, out.name} == {link[0].columns[0], link[1].columns[0]}:
        first, second, node_table = link
        forward = join_col.name == first.columns[0]
        rel = t.link_rel
        offset = 0
        src, dst = (first, second) if forward else (second, first)
        link_slots = (names.index(src.columns[0]), names.index(dst.columns[0]))
        dangling = (t, src.rel_table or "", dst.columns[0])
    elif join_col.name in fks and out.name == t.key:  # down: e.fk = r.key
        node_table, rel, forward, offset = t, fks[join_col.name].rel_table, False, 0
    elif join_col.name == t.key and out.name in fks:  # up: e.key = r.fk
        node_table, rel, forward, offset = t, fks[out.name].rel_table, True, 1
    else:
        return None
    if rel is None or node_table.key == "_rowid":
        return None
    key_col = node_table.column(node_table.key)
    if key_col is None or key_col.type_oid not in _KEY_TYPES:
        return None

    # the target list: x-only expressions, `r.d + 1`, `r.p || x.c`
    depth_slots: list[int] = []
    path_slots: list[int] = []
    kinds: list[tuple[str, int]] = []
    path_col: ColumnDef | None = None
    for i, target in enumerate(step_node.targetList):
        kinds.append(("e", -1))
        own = slot(_ref(target.val))
        refs = [slot(_ref(n)) for n in _nodes(target.val) if isinstance(n, ast.ColumnRef)]
        if any(s is None for s in refs):
            return None
        if link_slots is not None and any(
            s is not None and s[0] == "x" and s[1] not in link_slots for s in refs
        ):
            return None  # only the link table's two keys are known on a walk
        if not any(s is not None and s[0] == "r" for s in refs):
            if own is not None:
                kinds[i] = own  # ("x", slot): a column of the walked row
            continue
        v = target.val
        if own == ("r", i):
            kinds[i] = own  # carried unchanged from the non-recursive row
            continue
        if (
            _op(v, "+")
            and slot(_ref(v.lexpr)) == ("r", i)
            and isinstance(v.rexpr, ast.A_Const)
            and isinstance(v.rexpr.val, ast.Integer)
            and v.rexpr.val.ival == 1
            and columns[i].type_oid in _INTS
        ):
            depth_slots.append(i)
            kinds[i] = ("d", i)
        elif _op(v, "||") and slot(_ref(v.lexpr)) == ("r", i) and x_column(v.rexpr) is not None:
            col = x_column(v.rexpr)
            assert col is not None
            if path_col is not None and path_col.name != col.name:
                return None
            path_col = col
            path_slots.append(i)
        else:
            return None
    if path_col is not None and link_slots is not None:
        if path_col.name != out.name:
            return None
        path_col = key_col
    elif path_col is None:
        path_col = key_col
    if path_col.type_oid not in _KEY_TYPES or not _PLAIN_NAME.match(path_col.name):
        return None
    uses_source = link_slots is not None and any(
        slot(_ref(n)) == ("x", link_slots[0])
        for n in _nodes(step_node.targetList)
        if isinstance(n, ast.ColumnRef)
    )

    # the other conditions: `r.d < N`, `r.d <= N`, `NOT x.c = ANY(r.p)`
    bound: tuple[RowExpr, int, bool] | None = None
    cycle_slot: int | None = None
    for c in rest:
        if _op(c, "<", "<=") and slot(_ref(c.lexpr)) in [("r", d) for d in depth_slots]:
            n = _constant(c.rexpr, sql, params)
            if n is None or n.type_oid not in _INTS or bound is not None:
                return None
            sl = slot(_ref(c.lexpr))
            assert sl is not None
            bound = (n, sl[1], c.name[0].sval == "<=")
            continue
        args: tuple[Any, ...] = getattr(c, "args", None) or ()
        if (
            isinstance(c, ast.BoolExpr)
            and c.boolop == enums.BoolExprType.NOT_EXPR
            and _op_name(args[0], enums.A_Expr_Kind.AEXPR_OP_ANY) == "="
        ):
            a = args[0]
            col = x_column(a.lexpr)
            ps = slot(_ref(a.rexpr))
            # the value checked must be the one the path collects: the walked node's key
            checked = out.name if link_slots is not None else path_col.name
            if col is None or col.name != checked or ps is None or ps[1] not in path_slots:
                return None
            if ps[0] != "r":
                return None
            cycle_slot = ps[1]
            continue
        return None
    try:
        targets = [compile_expr(t.val, sql, params, scope) for t in step_node.targetList]
    except Exception:  # noqa: BLE001  (the normal plan reports errors)
        return None
    if any(e.type_oid != c.type_oid for e, c in zip(targets, columns, strict=True)):
        return None

    # the non-recursive term: where the walks start
    if len(base_node.targetList or ()) != len(columns) or any(
        isinstance(n, ast.A_Star) for n in _nodes(base_node.targetList)
    ):
        return None
    # down and link tables walk from the start key's node; up walks from the row itself
    start_name = node_table.key if link_slots is not None else out.name
    start = _start(base_node, j, node_table, start_name, offset, ctes, sql, params, catalog)
    if start is None:
        return None
    scan_start, nulls, start_col, offset = start
    start_depth = None
    if bound is not None:
        start_depth = _constant(base_node.targetList[bound[1]].val, sql, params)
        if start_depth is None:
            return None
    if cycle_slot is not None and path_col.name != key_col.name:
        return None  # cycle checks compare node keys (never NULL)
    if cycle_slot is not None:
        mode = "trail"
    elif (
        distinct
        and not depth_slots
        and not path_slots
        and not uses_source
        and bound is None
        and offset == 0
        and start_col.name == node_table.key
    ):
        mode = "shortest"
    else:
        mode = "walk"
    scan = TraversalScan(
        node_table,
        rel,
        forward,
        scan_start,
        nulls,
        start_col,
        offset,
        mode,
        path_col,
        bound[0] if bound is not None else None,
        start_depth,
        bound[2] if bound is not None else False,
        dangling,
        with_path=bool(path_slots) or cycle_slot is not None or uses_source,
        with_columns=link_slots is None,
    )
    return Traversal(
        scan,
        j,
        depth_slots,
        path_slots,
        link_slots,
        width,
        targets,
        kinds,
        distinct,
        [c.type_oid for c in columns],
        cycle_slot,
    )


def _start(
    base: Any,
    j: int,
    table: TableDef,
    column: str,
    offset: int,
    ctes: set[str],
    sql: str,
    params: ParamTypes,
    catalog: Catalog,
) -> tuple[TableScan, tuple[ColumnDef, ...], ColumnDef, int] | None:
    """The start nodes of the walks (as a Kuzu filter), the column whose value is the
    start key, and the steps offset; None when Cypher cannot select them.

    `SELECT <constant>, ...` (no FROM) starts at the node whose key is the constant
    (walking up, that node is the first step's row). `SELECT ... FROM <table> WHERE ...`
    starts at its rows, filtered by the WHERE's equalities and IS NULL tests on native
    columns (a superset: the residual join keeps the exact rows).
    """
    key = table.column(table.key)
    assert key is not None
    target = base.targetList[j].val
    if not base.fromClause:
        value = _constant(target, sql, params)
        if value is None:
            return None
        if value.type_oid != key.type_oid and not (
            value.type_oid in _INTS and key.type_oid in _INTS
        ):
            return None
        return TableScan(table, "s", ((key, value),)), (), key, offset
    items = base.fromClause
    if len(items) != 1 or not isinstance(items[0], ast.RangeVar):
        return None
    rv = items[0]
    if (rv.schemaname is None and rv.relname in ctes) or (rv.alias and rv.alias.colnames):
        return None
    if catalog.find(rv.relname, rv.schemaname) is not table:
        return None
    alias = rv.alias.aliasname if rv.alias else rv.relname
    cols = table_scope(table, alias)
    ref = _ref(target)
    if ref is None:
        return None
    try:
        i = Scope(tuple(cols)).resolve(ref, None)
    except Exception:  # noqa: BLE001
        return None
    if cols[i].hidden or cols[i].name != column:
        return None
    start_col = table.column(column)
    assert start_col is not None
    pushed = _push_down([TableScan(table, alias)], base.whereClause, cols, sql, params)[0]
    nulls = []
    for c in _conjuncts(base.whereClause):
        if isinstance(c, ast.NullTest) and c.nulltesttype == enums.NullTestType.IS_NULL:
            ref = _ref(c.arg)
            try:
                k = Scope(tuple(cols)).resolve(ref, None) if ref is not None else None
            except Exception:  # noqa: BLE001
                k = None
            col = table.column(cols[k].name) if k is not None and not cols[k].hidden else None
            if col is not None and col.native:
                nulls.append(col)
    if not pushed.equals and not nulls:
        return None  # no start filter: walking from every row is the fixpoint's job
    return TableScan(table, "s", pushed.equals), tuple(nulls), start_col, 0
