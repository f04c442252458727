"""SELECT over tables: table scans on Kuzu plus the residual pipeline over their rows.

The plan is pure: `TableScan`s say what to read from Kuzu (with equality predicates
pushed down, so a primary-key lookup is an index lookup), and `QueryPlan.run()` finishes
the query in Python with PostgreSQL's semantics (expr.py): joins (hash joins on an
equality), subqueries, WITH [RECURSIVE], WHERE, GROUP BY and aggregates, HAVING, window
functions, projection, DISTINCT, ORDER BY, OFFSET/LIMIT and set operations. See
docs/decisions/0006-residual-engine.md for why the residual part is not DuckDB.

Every query level compiles to a `_Query` whose `rows(run, outer)` produces its rows;
`outer` is the row of the enclosing query level (empty at the top) and is appended to
this level's rows when expressions are evaluated, so correlated references are plain
slot reads (`_QScope` resolves names first locally, then in the enclosing scope).
Subqueries that reference no outer row are evaluated once per execution (memoized);
a correlated one tied to the outer row by a column equality over rows that are not
indexes those rows by the column once per execution (`_OuterKey`).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pglast import ast, enums
from pglast.stream import RawStream

from kuzugres.errcodes import (
    DatatypeMismatch,
    FeatureNotSupported,
    GroupingError,
    InvalidColumnReference,
    PgSyntaxError,
    UndefinedColumn,
    UndefinedTable,
)
from kuzugres.errors import PgError, make_error
from kuzugres.proxy import types as T
from kuzugres.translator import pgcatalog
from kuzugres.translator.catalog import Catalog, TableDef, ViewDef
from kuzugres.translator.expr import (
    AggregateSpec,
    Column,
    EvalContext,
    ParamTypes,
    RowExpr,
    Scope,
    ScopeColumn,
    SubqueryRows,
    column_label,
    common_type,
    compile_aggregate,
    compile_condition,
    compile_expr,
    group_key,
    is_aggregate_call,
    record_shape,
    record_typmod,
    sort_key,
)
from kuzugres.translator.pushdown import (
    GroupedRows,
    GroupedScan,
    JoinScan,
    MergedScan,
    Scan,
    ScanColumn,
    TableScan,
    column_equalities,
    column_slot,
    conjuncts,
    fk_link,
    groupable,
    pushed_aggregate,
    same_equality,
    scan_layout,
)

if TYPE_CHECKING:
    from kuzugres.translator.traversal import TraversalScan

KEY_SLOT = "__key"  # hidden slot holding a table row's Kuzu primary-key value

Rows = list[tuple[Any, ...]]
Outer = tuple[Any, ...]


@dataclass(frozen=True)
class QueryPlan:
    """A SELECT over tables."""

    scans: tuple[Scan, ...]
    columns: tuple[Column, ...]
    run: Callable[[list[Rows], Sequence[Any], EvalContext], Rows] = field(compare=False)
    scope: Scope = field(compare=False, default_factory=lambda: Scope(()))
    # Data-modifying statements of the top-level WITH (dml.py Insert/Update/DeletePlan).
    # The executor scans `scans` first, then executes these once, in order, in one write
    # transaction with the query, and passes their RETURNING rows to `run` after the
    # scanned rows: run(scanned + [rows of pre_dml[0], rows of pre_dml[1], ...], ...).
    pre_dml: tuple[Any, ...] = ()
    # Recursive CTEs run as Kuzu traversals (translator/traversal.py): their walks follow
    # the scans' rows, before the pre_dml rows.
    traversals: tuple[TraversalScan, ...] = ()
    # SELECT ... FOR UPDATE/SHARE: "wait" or "nowait". Kuzu has no row locks; the
    # executor takes the node's writer lock for the rest of the transaction instead,
    # which excludes every other writer (see docs/compatibility.md, "Row locks").
    lock: str | None = None


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


def _walk_all(node: Any) -> Iterator[Any]:
    """Every pglast node below `node`, subqueries included."""
    if isinstance(node, tuple | list):
        for n in node:
            yield from _walk_all(n)
        return
    if not isinstance(node, ast.Node):
        return
    yield node
    for name in node:
        yield from _walk_all(getattr(node, name))


def needs_query(node: Any) -> bool:
    """Whether a FROM-less SELECT needs the query engine: it reads tables (WITH,
    subqueries, set operation branches), returns a set (`SELECT unnest(...)`) or has
    FOR UPDATE/SHARE (checked and locked there)."""
    if getattr(node, "lockingClause", None):
        return True
    return any(
        isinstance(n, ast.RangeVar | ast.SubLink | ast.WithClause | ast.RangeSubselect)
        for n in _walk_all(node)
    ) or any(
        _is_select_list_srf(rt.val.arg if isinstance(rt.val, ast.A_Indirection) else rt.val)
        for rt in getattr(node, "targetList", None) or ()
    )


def table_scope(table: TableDef, alias: str) -> list[ScopeColumn]:
    """The row layout of a scan: the visible columns, then the hidden key."""
    cols = [
        ScopeColumn(alias, c.name, c.type_oid, c.typmod, table_oid=table.oid, column=c.attnum)
        for c in table.columns
    ]
    cols.append(ScopeColumn(alias, KEY_SLOT, T.TEXT, hidden=True))
    return cols


# ---------------------------------------------------------------------------- execution state


@dataclass
class _Run:
    """One execution: the scanned rows, parameters, session, memoized subquery results."""

    scanned: list[Rows]
    params: Sequence[Any]
    ctx: EvalContext
    memo: dict[Any, Rows] = field(default_factory=dict)
    work: dict[int, Rows] = field(default_factory=dict)  # recursive CTE working tables
    #: correlated levels' uncorrelated rows by the value of an outer equality (_OuterKey)
    lookups: dict[int, dict[Any, Rows]] = field(default_factory=dict)


_RUN: ContextVar[_Run | None] = ContextVar("kuzugres_query_run", default=None)


def _current_run() -> _Run:
    run = _RUN.get()
    if run is None:
        raise RuntimeError("subquery evaluated outside a query run")
    return run


def _with_run(
    fn: Callable[[_Run], Rows],
) -> Callable[[list[Rows], Sequence[Any], EvalContext], Rows]:
    def run(scanned: list[Rows], params: Sequence[Any], ctx: EvalContext) -> Rows:
        r = _Run(scanned, params, ctx)
        token = _RUN.set(r)
        try:
            return fn(r)
        finally:
            _RUN.reset(token)

    return run


@contextlib.contextmanager
def evaluation(scanned: list[Rows], params: Sequence[Any], ctx: EvalContext) -> Iterator[None]:
    """Evaluate expressions with subqueries outside QueryPlan.run (DML's WHERE and SET)."""
    token = _RUN.set(_Run(scanned, params, ctx))
    try:
        yield
    finally:
        _RUN.reset(token)


RowsFn = Callable[[_Run, Outer], Rows]


@dataclass
class _Query:
    """A compiled query level: output columns and a row producer."""

    columns: list[Column]
    rows: RowsFn
    unknown: list[bool]  # output column is an untyped literal (for set operation typing)
    correlated: bool


def _memoized(q: _Query) -> RowsFn:
    if q.correlated:
        return q.rows
    key = id(q)
    inner = q.rows

    def rows(run: _Run, outer: Outer) -> Rows:
        got = run.memo.get(key)
        if got is None:
            got = inner(run, ())
            run.memo[key] = got
        return got

    return rows


# ---------------------------------------------------------------------------- scopes


@dataclass(frozen=True)
class _QScope(Scope):
    """Columns of one query level; names not found here resolve in `outer` (correlation).

    Rows evaluated under this scope are `local row + outer row`. `shadowed` slots (the
    inputs of JOIN ... USING columns) resolve only qualified; `hits` records references
    that went to the outer scope (the query level is then correlated).
    """

    shadowed: frozenset[int] = frozenset()
    hits: list[int] = field(default_factory=list, compare=False, hash=False)

    def local(self, names: tuple[str, ...], location: int | None) -> int:
        if self.shadowed and len(names) == 1:
            view = tuple(
                ScopeColumn(c.relation, "\0" + c.name, c.type_oid) if i in self.shadowed else c
                for i, c in enumerate(self.columns)
            )
            return Scope(view).resolve(names, location)
        return Scope.resolve(self, names, location)

    def resolve(self, names: tuple[str, ...], location: int | None) -> int:
        try:
            return self.local(names, location)
        except (UndefinedColumn, UndefinedTable):
            if self.outer is None:
                raise
            try:
                idx = self.outer.resolve(names, location)
            except (UndefinedColumn, UndefinedTable):
                pass
            else:
                self.hits.append(1)
                return len(self.columns) + idx
            raise


@dataclass(frozen=True)
class _GroupedScope(_QScope):
    """After GROUP BY, a plain column reference must be a grouping key (or outer)."""

    inner: Scope | None = None
    key_slots: tuple[int | None, ...] = ()

    def resolve(self, names: tuple[str, ...], location: int | None) -> int:
        inner = self.inner
        assert inner is not None
        idx = inner.resolve(names, location)  # 42703/42702/42P01 first, like PostgreSQL
        n_inner = len(inner.columns)
        if idx >= n_inner:
            return len(self.columns) + idx - n_inner
        if idx in self.key_slots:
            return self.key_slots.index(idx)
        shown = ".".join(names)
        c = inner.columns[idx]
        if len(names) == 1 and c.relation:
            shown = f"{c.relation}.{names[0]}"
        raise GroupingError(
            f'column "{shown}" must appear in the GROUP BY clause or be used in an '
            "aggregate function",
            position=location + 1 if location is not None else None,
        )


# ---------------------------------------------------------------------------- FROM


@dataclass
class _From:
    """Legacy FROM item for dml.py (UPDATE ... FROM, DELETE ... USING)."""

    columns: list[ScopeColumn]
    scans: list[Scan]
    rows: Callable[[list[Rows], Sequence[Any], EvalContext], Rows]


@dataclass
class _Src:
    """A FROM item while compiling: its columns and row producer.

    `rows(run, outer)` gets the enclosing row; for a LATERAL item that is the row of the
    FROM items to its left followed by the enclosing row.
    """

    columns: list[ScopeColumn]
    rows: RowsFn
    tables: dict[str, TableDef] = field(default_factory=dict)
    scan_ids: list[int] = field(default_factory=list)
    shadowed: frozenset[int] = frozenset()
    lateral: bool = False
    # The rows are exactly those of the table or join scan at this index (`filters`, the
    # residual ON conditions of a join scan, applied), in its layout: see `_fk_join`.
    scan_index: int | None = None
    filters: tuple[RowExpr, ...] = ()
    guaranteed: frozenset[int] = frozenset()  # ids of the conjuncts its edges guarantee


@dataclass
class _Cte:
    name: str
    node: Any
    colnames: list[str]
    recursive: bool
    outer: Scope | None
    query: _Query | None = None
    state: str = ""  # "" | "nonrecursive" | "recursive" while compiling
    work_columns: list[Column] = field(default_factory=list)
    work_hits: list[list[int]] = field(default_factory=list)
    search: Any = None  # CTESearchClause
    cycle: Any = None  # CTECycleClause
    work_hidden: list[Column] = field(default_factory=list)  # SEARCH/CYCLE carry columns
    dml: int | None = None  # index in _Builder.pre_dml of a data-modifying statement
    dml_columns: list[Column] | None = None  # its RETURNING columns (None: no RETURNING)


_J = enums.JoinType
_F = enums  # frame option flags live in enums


class _Builder:
    def __init__(self, sql: str, params: ParamTypes, catalog: Catalog) -> None:
        self.sql = sql
        self.params = params
        self.catalog = catalog
        self.scans: list[Scan] = []
        self.ctes: list[dict[str, _Cte]] = []
        self.top_scope: Scope = Scope(())
        self.top: Any = None  # the statement's top-level SelectStmt
        self.pre_dml: list[Any] = []
        self._named: tuple[frozenset[str], frozenset[str]] | None = None
        self.traversals: list[TraversalScan] = []
        self.traverse = False  # whether the executor runs `traversals` (compile_query)
        # recursive CTEs run as traversals: (plan, index in traversals, base rows, columns)
        self.walked: dict[int, tuple[Any, int, RowsFn, list[Column]]] = {}
        self.lock: str | None = None  # QueryPlan.lock

    def pos(self, node: Any) -> int | None:
        loc = getattr(node, "location", None)
        return loc + 1 if isinstance(loc, int) and loc >= 0 else None

    # -- legacy FROM API (dml.py)
    def from_item(self, node: Any) -> _From:
        return self._legacy(self.item(node, None, [], None))

    def from_list(self, items: Sequence[Any]) -> _From:
        return self._legacy(self.items(items, None, []))

    def _legacy(self, src: _Src) -> _From:
        return _From(src.columns, list(self.scans), _with_run(lambda run: src.rows(run, ())))

    # -- subqueries in expressions
    def subquery(self, node: ast.SubLink, scope: Scope | None) -> SubqueryRows:
        q = self.query(node.subselect, scope)
        rows = _memoized(q)

        def run(outer: Sequence[object], params: Sequence[object], ctx: EvalContext) -> Rows:
            return rows(_current_run(), tuple(outer))

        return SubqueryRows(tuple(c.type_oid for c in q.columns), run)

    # -- query levels
    def query(self, node: Any, outer: Scope | None, want: list[int | None] | None = None) -> _Query:
        if not isinstance(node, ast.SelectStmt):
            raise FeatureNotSupported(
                f"{type(node).__name__} as a subquery is not supported yet", position=self.pos(node)
            )
        if node.withClause is not None:
            return self.with_query(node, outer, want)
        if node.lockingClause:
            self.locking(node)
        if node.op != enums.SetOperation.SETOP_NONE:
            return self.setop(node, outer, want)
        if node.valuesLists:
            return self.values(node, outer, want)
        return self.select(node, outer, want)

    def with_query(self, node: Any, outer: Scope | None, want: list[int | None] | None) -> _Query:
        w = node.withClause
        frame: dict[str, _Cte] = {}
        self.ctes.append(frame)
        try:
            for cte in w.ctes:
                if isinstance(cte.ctequery, ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt):
                    if cte.ctename in frame:
                        raise make_error(
                            "42712",
                            f'WITH query name "{cte.ctename}" specified more than once',
                            position=self.pos(cte),
                        )
                    frame[cte.ctename] = self.dml_cte(node, cte, outer)
                    continue
                if not isinstance(cte.ctequery, ast.SelectStmt):
                    raise FeatureNotSupported(
                        f"{type(cte.ctequery).__name__} in WITH is not supported",
                        position=self.pos(cte),
                    )
                has_search_cycle = cte.search_clause is not None or cte.cycle_clause is not None
                if has_search_cycle and not (
                    w.recursive and _references(cte.ctequery, cte.ctename)
                ):
                    raise PgSyntaxError("WITH query is not recursive", position=self.pos(cte))
                if cte.ctename in frame:
                    raise make_error(
                        "42712",
                        f'WITH query name "{cte.ctename}" specified more than once',
                        position=self.pos(cte),
                    )
                names = [c.sval for c in cte.aliascolnames or ()]
                frame[cte.ctename] = _Cte(
                    cte.ctename,
                    cte.ctequery,
                    names,
                    bool(w.recursive),
                    outer,
                    search=cte.search_clause,
                    cycle=cte.cycle_clause,
                )
            body = copy.copy(node)
            body.withClause = None
            q = self.query(body, outer, want)
            plain = outer is None and want is None
            counted = self.counted_walks(body, frame, q) if plain else None
            return counted if counted is not None else q
        finally:
            self.ctes.pop()

    def counted_walks(self, body: Any, frame: dict[str, _Cte], q: _Query) -> _Query | None:
        """`SELECT count(*) | count(DISTINCT c) FROM <traversal CTE>` from reached-node
        counts instead of the walks, when that is exact (`Traversal.counting`); the
        executor may still read the walks (then `q` answers)."""
        from kuzugres.translator.traversal import Counted

        shape = _count_over(body)
        if shape is None:
            return None
        name, star, column_name = shape
        cte = frame.get(name)
        walked = self.walked.get(id(cte)) if cte is not None else None
        if cte is None or walked is None or not _constant_row(cte.node.larg):
            return None
        plan, index, base_rows, columns = walked
        names = cte.colnames + [c.name for c in columns[len(cte.colnames) :]]
        column = None
        if column_name is not None:
            if names.count(column_name) != 1:
                return None
            column = names.index(column_name)
        if not plan.counting(star, column):
            return None
        self.traversals[index] = dataclasses.replace(
            plan.scan, count="star" if star else "distinct"
        )
        scans, full = self.scans, q.rows

        def rows(run: _Run, outer: Outer) -> Rows:
            walks = run.scanned[len(scans) + index]
            if isinstance(walks, Counted):
                return plan.counted(list(base_rows(run, outer)), walks, star)
            return full(run, outer)

        return _Query(q.columns, rows, q.unknown, q.correlated)

    def dml_cte(self, node: Any, cte: Any, outer: Scope | None) -> _Cte:
        """A data-modifying statement in WITH: compiled by dml.py, run by the executor."""
        from kuzugres.translator import dml

        if node is not self.top or outer is not None:
            raise FeatureNotSupported(
                "WITH clause containing a data-modifying statement must be at the top level",
                position=self.pos(cte),
            )
        stmt = cte.ctequery
        compile_dml = {
            ast.InsertStmt: dml.compile_insert,
            ast.UpdateStmt: dml.compile_update,
            ast.DeleteStmt: dml.compile_delete,
        }[type(stmt)]
        plan = compile_dml(stmt, self.sql, self.params, self.catalog)
        names = [c.sval for c in cte.aliascolnames or ()]
        result = _Cte(cte.ctename, stmt, names, False, outer, dml=len(self.pre_dml))
        if plan.returning is not None:
            result.dml_columns = list(plan.returning.columns)
        self.pre_dml.append(plan)
        return result

    def find_cte(self, name: str) -> tuple[_Cte, int] | None:
        for depth, frame in enumerate(reversed(self.ctes)):
            if name in frame:
                return frame[name], len(self.ctes) - 1 - depth
        return None

    def compile_cte(self, cte: _Cte, level: int) -> _Query:
        if cte.query is not None:
            return cte.query
        saved = self.ctes
        self.ctes = saved[: level + 1]  # a CTE sees its WITH and the enclosing ones
        try:
            node = cte.node
            if cte.recursive and _references(node, cte.name):
                q = self.recursive_cte(cte)
            else:
                if not cte.recursive:
                    # not visible to itself: hide it while compiling its body
                    self.ctes = saved[:level] + [
                        {k: v for k, v in saved[level].items() if k != cte.name}
                    ]
                q = self.query(node, cte.outer)
        finally:
            self.ctes = saved
        if cte.colnames:
            if len(cte.colnames) > len(q.columns):
                raise make_error(
                    "42P10",
                    f'WITH query "{cte.name}" has {len(q.columns)} columns available but '
                    f"{len(cte.colnames)} columns specified",
                )
        cte.query = q
        return q

    def recursive_cte(self, cte: _Cte) -> _Query:
        node = cte.node
        if node.op != enums.SetOperation.SETOP_UNION:
            raise make_error(
                "42P19",
                f'recursive query "{cte.name}" does not have the form non-recursive-term '
                "UNION [ALL] recursive-term",
            )
        if node.sortClause:
            raise FeatureNotSupported("ORDER BY in a recursive query is not implemented")
        if node.limitCount is not None or node.limitOffset is not None:
            raise FeatureNotSupported("OFFSET/LIMIT in a recursive query is not implemented")
        _check_recursion(node, cte.name)
        cte.state = "nonrecursive"
        base = self.query(node.larg, cte.outer)
        names = cte.colnames or [c.name for c in base.columns]
        base_cols = [
            Column(names[i] if i < len(names) else c.name, c.type_oid, c.typmod)
            for i, c in enumerate(base.columns)
        ]
        cte.work_columns = base_cols
        carry = (
            _SearchCycle.compile(self, cte, node, base_cols) if cte.search or cte.cycle else None
        )
        rarg = node.rarg
        if carry is not None:
            cte.work_hidden = carry.hidden
            rarg = carry.step_node
        cte.state = "recursive"
        mark = len(self.scans)
        step = self.query(rarg, cte.outer)
        n_extra = len(carry.hidden) if carry is not None else 0
        if len(step.columns) - n_extra != len(base.columns):
            raise PgSyntaxError("each UNION query must have the same number of columns")
        want: list[int | None] = []
        for i, (bc, sc) in enumerate(zip(base_cols, step.columns, strict=False)):
            if bc.type_oid == sc.type_oid:
                want.append(None)
            elif step.unknown[i]:
                want.append(bc.type_oid)
            else:
                raise DatatypeMismatch(
                    f'recursive query "{cte.name}" column {i + 1} has type '
                    f"{_type_name(bc.type_oid, bc.typmod)} in non-recursive term but type "
                    f"{_type_name(sc.type_oid, -1)} overall",
                    hint="Cast the output of the non-recursive term to the correct type.",
                )
        if any(w is not None for w in want):
            del self.scans[mark:]
            step = self.query(rarg, cte.outer, want + [None] * n_extra)
        cte.state = ""
        distinct = not node.all
        if carry is None and cte.outer is None and not any(w is not None for w in want):
            walked = self.traversal(cte, base, base_cols, distinct, mark)
            if walked is not None:
                return walked
        key = id(cte)
        out_cols = base_cols + (carry.columns if carry is not None else [])
        types = [c.type_oid for c in out_cols]
        correlated = base.correlated
        base_rows, step_rows = base.rows, step.rows
        if carry is not None:
            base_rows, step_rows = carry.wrap(base_rows, step_rows)
        feed = carry.feed if carry is not None else None

        def rows(run: _Run, outer: Outer) -> Rows:
            return _recursive_fixpoint(run, outer, key, base_rows, step_rows, types, distinct, feed)

        return _Query(out_cols, rows, [False] * len(out_cols), correlated)

    def traversal(
        self, cte: _Cte, base: _Query, columns: list[Column], distinct: bool, mark: int
    ) -> _Query | None:
        """The recursive CTE as a Kuzu traversal (translator/traversal.py), if its
        recursive term walks a foreign key; replaces the recursive term's scans."""
        from kuzugres.translator.traversal import recognize

        if not self.traverse:
            return None
        names = {name for frame in self.ctes for name in frame}
        plan = recognize(
            cte.node, cte.name, columns, distinct, self.catalog, self.sql, self.params, names
        )
        if plan is None:
            return None
        del self.scans[mark:]
        index = len(self.traversals)
        self.traversals.append(plan.scan)
        scans, base_rows = self.scans, base.rows
        self.walked[id(cte)] = (plan, index, base_rows, columns)

        def rows(run: _Run, outer: Outer) -> Rows:
            walks = run.scanned[len(scans) + index]
            return plan.expand(list(base_rows(run, outer)), walks, run.params, run.ctx)

        return _Query(columns, rows, [False] * len(columns), base.correlated)

    def setop(self, node: Any, outer: Scope | None, want: list[int | None] | None) -> _Query:
        word = {
            enums.SetOperation.SETOP_UNION: "UNION",
            enums.SetOperation.SETOP_INTERSECT: "INTERSECT",
        }.get(node.op, "EXCEPT")
        mark = len(self.scans)
        left = self.query(node.larg, outer)
        right = self.query(node.rarg, outer)
        if len(left.columns) != len(right.columns):
            raise PgSyntaxError(
                f"each {word} query must have the same number of columns",
                position=_first_target_pos(node.rarg),
            )
        types: list[int] = []
        for i, (lc, rc) in enumerate(zip(left.columns, right.columns, strict=True)):
            if want is not None and want[i] is not None:
                types.append(want[i])  # type: ignore[arg-type]
                continue
            lt = T.UNKNOWN if left.unknown[i] else lc.type_oid
            rt = T.UNKNOWN if right.unknown[i] else rc.type_oid
            types.append(common_type([lt, rt], word, self.sql, [None, _target_loc(node.rarg, i)]))
        lwant = [t if t != c.type_oid else None for t, c in zip(types, left.columns, strict=True)]
        rwant = [t if t != c.type_oid else None for t, c in zip(types, right.columns, strict=True)]
        if any(w is not None for w in lwant + rwant):
            del self.scans[mark:]
            left = self.query(node.larg, outer, lwant if any(lwant) else None)
            right = self.query(node.rarg, outer, rwant if any(rwant) else None)
        columns = [
            Column(lc.name, t, lc.typmod if lc.typmod == rc.typmod else -1)
            for lc, rc, t in zip(left.columns, right.columns, types, strict=True)
        ]
        op, all_ = node.op, bool(node.all)
        lrows, rrows = left.rows, right.rows

        def keyf(row: tuple[Any, ...]) -> Any:
            return tuple(group_key(t, v) for t, v in zip(types, row, strict=True))

        def rows(run: _Run, outer_row: Outer) -> Rows:
            return _set_operation(op, all_, lrows(run, outer_row), rrows(run, outer_row), keyf)

        q = _Query(columns, rows, [False] * len(columns), left.correlated or right.correlated)
        return self.finish_output(q, node, word)

    def finish_output(self, q: _Query, node: Any, word: str) -> _Query:
        """ORDER BY / OFFSET / LIMIT over output columns (set operations, VALUES)."""
        names = [c.name for c in q.columns]
        order: list[tuple[int, bool, bool | None]] = []
        for sb in node.sortClause or ():
            n = sb.node
            col: int | None = None
            if isinstance(n, ast.A_Const) and isinstance(n.val, ast.Integer):
                k = n.val.ival
                if not 1 <= k <= len(names):
                    raise InvalidColumnReference(
                        f"ORDER BY position {k} is not in select list", position=self.pos(n)
                    )
                col = k - 1
            elif (
                isinstance(n, ast.ColumnRef)
                and len(n.fields) == 1
                and isinstance(n.fields[0], ast.String)
                and n.fields[0].sval in names
            ):
                col = names.index(n.fields[0].sval)
            if col is None:
                raise FeatureNotSupported(
                    f"invalid {word} ORDER BY clause",
                    detail="Only result column names can be used, not expressions or functions.",
                    hint="Add the expression/function to every SELECT, or move the UNION into "
                    "a FROM clause.",
                    position=self.pos(n),
                )
            nulls = None
            if sb.sortby_nulls == enums.SortByNulls.SORTBY_NULLS_FIRST:
                nulls = True
            elif sb.sortby_nulls == enums.SortByNulls.SORTBY_NULLS_LAST:
                nulls = False
            order.append((col, sb.sortby_dir == enums.SortByDir.SORTBY_DESC, nulls))
        limit = _limit_expr(node.limitCount, self.sql, self.params)
        offset = _limit_expr(node.limitOffset, self.sql, self.params)
        if not order and limit is None and offset is None:
            return q
        types = [c.type_oid for c in q.columns]
        inner = q.rows

        def rows(run: _Run, outer: Outer) -> Rows:
            result = inner(run, outer)
            if order:
                result = sorted(
                    result,
                    key=lambda r: tuple(
                        sort_key(types[c], r[c], descending=d, nulls_first=nf) for c, d, nf in order
                    ),
                )
            return _slice(result, offset, limit, run)

        return _Query(q.columns, rows, q.unknown, q.correlated)

    def values(self, node: Any, outer: Scope | None, want: list[int | None] | None) -> _Query:
        hits: list[int] = []
        scope = _QScope((), outer=outer, hits=hits)
        lists = node.valuesLists
        width = len(lists[0])
        for row in lists:
            if len(row) != width:
                raise PgSyntaxError("VALUES lists must all be the same length")
        types: list[int] = []
        unknown: list[bool] = []
        mark = len(self.scans)
        for i in range(width):
            if want is not None and want[i] is not None:
                types.append(want[i])  # type: ignore[arg-type]
                unknown.append(False)
                continue
            col_types = []
            for row in lists:
                e = compile_expr(row[i], self.sql, self.params, scope, subquery=self.subquery)
                col_types.append(T.UNKNOWN if _is_untyped(row[i]) else e.type_oid)
            del self.scans[mark:]
            types.append(common_type(col_types, "VALUES", self.sql))
            unknown.append(all(t == T.UNKNOWN for t in col_types))
        compiled = [
            [
                compile_expr(
                    row[i],
                    self.sql,
                    self.params,
                    scope,
                    expected_oid=types[i],
                    target_name=f"column{i + 1}",
                    subquery=self.subquery,
                )
                for i in range(width)
            ]
            for row in lists
        ]
        columns = [Column(f"column{i + 1}", t) for i, t in enumerate(types)]

        def rows(run: _Run, outer_row: Outer) -> Rows:
            return [
                tuple(e.evaluate(outer_row, run.params, run.ctx) for e in row) for row in compiled
            ]

        q = _Query(columns, rows, unknown, bool(hits))
        return self.finish_output(q, node, "VALUES")

    # -- FROM items
    def items(
        self, nodes: Sequence[Any], outer: Scope | None, hits: list[int], where: Any = None
    ) -> _Src:
        """The FROM list; a table joined to the items before it along a foreign key whose
        equalities are in `where` (a comma join) becomes part of their join scan."""
        acc: _Src | None = None
        for node in nodes:
            item = self.item(node, outer, hits, acc)
            if acc is None:
                acc = item
            else:
                joined = self.fk_join(acc, item, where, None) if where is not None else None
                acc = joined if joined is not None else self.comma_join(acc, item, where)
        assert acc is not None
        return acc

    def comma_join(self, left: _Src, right: _Src, where: Any) -> _Src:
        """Comma in FROM: the cross product, narrowed while it is built by the WHERE
        conjuncts that need nothing but the columns of these two sides (the SELECT still
        applies all of WHERE, so this only drops rows WHERE would drop); a `l.x = r.y`
        among them makes it a hash join. A FROM list of catalog relations (pgjdbc's
        getImportedKeys names nine) would otherwise multiply out before WHERE."""
        if where is None or right.lateral:
            return _combine(left, right)
        scope = _QScope(
            tuple(left.columns + right.columns),
            shadowed=frozenset(left.shadowed | {len(left.columns) + i for i in right.shadowed}),
            hits=[],
        )
        conds: list[RowExpr] = []
        for c in conjuncts(where):
            if not all(isinstance(n, _PLAIN_CONDITION_NODES) for n in _walk(c)):
                continue  # subqueries, function calls (volatile ones): for WHERE alone
            try:
                conds.append(compile_condition(c, self.sql, self.params, scope))
            except PgError:
                continue  # needs a column of a later item or of an enclosing query
        if not conds:
            return _combine(left, right)
        pair = _equi_join(where, left.columns, right.columns)
        lrows_fn, rrows_fn = left.rows, right.rows

        def rows(run: _Run, outer: Outer) -> Rows:
            params, ctx = run.params, run.ctx
            rrows = rrows_fn(run, outer)
            index: dict[Any, list[tuple[Any, ...]]] | None = None
            if pair is not None:
                index = {}
                for r in rrows:
                    if r[pair[1]] is not None:
                        index.setdefault(_hashable(r[pair[1]]), []).append(r)
            out: Rows = []
            for lrow in lrows_fn(run, outer):
                if index is not None:
                    key = lrow[pair[0]] if pair is not None else None
                    candidates = index.get(_hashable(key), []) if key is not None else []
                else:
                    candidates = rrows
                for rrow in candidates:
                    row = lrow + rrow
                    if all(c.evaluate(row, params, ctx) is True for c in conds):
                        out.append(row)
            return out

        return _Src(
            left.columns + right.columns,
            rows,
            {**left.tables, **right.tables},
            left.scan_ids + right.scan_ids,
            scope.shadowed,
            left.lateral,
        )

    def lateral_scope(
        self, left: _Src | None, outer: Scope | None, hits: list[int]
    ) -> Scope | None:
        if left is None:
            return outer
        return _QScope(tuple(left.columns), outer=outer, shadowed=left.shadowed, hits=hits)

    def item(self, node: Any, outer: Scope | None, hits: list[int], left: _Src | None) -> _Src:
        if isinstance(node, ast.RangeVar):
            return self.range_var(node, hits)
        if isinstance(node, ast.JoinExpr):
            return self.join(node, outer, hits)
        if isinstance(node, ast.RangeSubselect):
            if node.alias is None:
                raise PgSyntaxError(
                    "subquery in FROM must have an alias",
                    hint="For example, FROM (SELECT ...) [AS] foo.",
                    position=self.pos(node.subquery),
                )
            lateral = bool(node.lateral) and left is not None
            enclosing = self.lateral_scope(left, outer, hits) if lateral else outer
            q = self.query(node.subquery, enclosing)
            if q.correlated and not lateral:
                hits.append(1)
            alias = node.alias.aliasname
            cols = _renamed(q.columns, node.alias.colnames, alias, self.pos(node))
            return _Src(cols, _memoized(q), lateral=lateral)
        if isinstance(node, ast.RangeFunction):
            return self.range_function(node, outer, hits, left)
        raise FeatureNotSupported(f"{type(node).__name__} in FROM is not supported yet")

    def range_var(self, node: Any, hits: list[int]) -> _Src:
        alias = node.alias.aliasname if node.alias else node.relname
        colnames = node.alias.colnames if node.alias else None
        found = self.find_cte(node.relname) if node.schemaname is None else None
        if found is not None:
            cte, level = found
            if cte.state == "nonrecursive":
                raise make_error(
                    "42P19",
                    f'recursive reference to query "{cte.name}" must not appear within its '
                    "non-recursive term",
                    position=self.pos(node),
                )
            if cte.state == "recursive":
                hits.append(1)
                key = id(cte)
                cols = _renamed(cte.work_columns, colnames, alias, self.pos(node))
                cols += [
                    ScopeColumn(alias, c.name, c.type_oid, c.typmod, hidden=True)
                    for c in cte.work_hidden
                ]

                def work(run: _Run, outer: Outer) -> Rows:
                    return run.work.get(key, [])

                return _Src(cols, work)
            if cte.dml is not None:
                return self.dml_source(cte, alias, colnames, node)
            q = self.compile_cte(cte, level)
            names = cte.colnames + [c.name for c in q.columns[len(cte.colnames) :]]
            base = [Column(n, c.type_oid, c.typmod) for n, c in zip(names, q.columns, strict=True)]
            if q.correlated:
                hits.append(1)
            return _Src(_renamed(base, colnames, alias, self.pos(node)), _memoized(q))
        if node.schemaname in pgcatalog.SYSTEM_SCHEMAS or (
            node.schemaname is None
            and pgcatalog.shadows_user_relation(
                node.relname, self.catalog.search_path, self.catalog
            )
        ):
            return self.catalog_relation(node, alias, colnames)
        view = self.catalog.view(node.relname, node.schemaname)
        if view is not None:
            return self.view(view, alias, colnames, self.pos(node))
        table = self.catalog.lookup(node.relname, node.schemaname, position=self.pos(node))
        index = len(self.scans)
        self.scans.append(TableScan(table, alias, read=None if colnames else self.read(alias)))
        cols = table_scope(table, alias)
        if colnames:
            if len(colnames) > len(table.columns):
                raise make_error(
                    "42P10",
                    f'table "{alias}" has {len(table.columns)} columns available but '
                    f"{len(colnames)} columns specified",
                    position=self.pos(node),
                )
            cols = [
                ScopeColumn(c.relation, colnames[i].sval, c.type_oid, c.typmod, c.hidden)
                if i < len(colnames)
                else c
                for i, c in enumerate(cols)
            ]

        def rows(run: _Run, outer: Outer) -> Rows:
            return run.scanned[index]

        tables = {alias: table} if not colnames else {}
        return _Src(cols, rows, tables, [index], scan_index=index)

    def read(self, alias: str) -> frozenset[str] | None:
        """Column pruning: the columns a table scan under `alias` must read, None for all.

        Only for the statement compile_query compiles (views and DML read everything):
        every name the statement's text uses anywhere, unless it has `*`, `t.*`, NATURAL
        JOIN or a whole-row reference to `alias`."""
        if self.top is None:
            return None
        if self._named is None:
            names: set[str] = set()
            rows: set[str] = set()
            for n in _walk_all(self.top):
                if isinstance(n, ast.A_Star) or (isinstance(n, ast.JoinExpr) and n.isNatural):
                    rows.add("*")
                elif isinstance(n, ast.String):
                    names.add(n.sval)
                elif isinstance(n, ast.ColumnRef) and len(n.fields) == 1:
                    field = n.fields[0]
                    rows.add(field.sval if isinstance(field, ast.String) else "*")
            self._named = frozenset(names), frozenset(rows)
        names_, rows_ = self._named
        return None if "*" in rows_ or alias in rows_ else names_

    def dml_source(self, cte: _Cte, alias: str, colnames: Any, node: Any) -> _Src:
        """A reference to a data-modifying WITH query: its RETURNING rows."""
        if cte.dml_columns is None:
            raise FeatureNotSupported(
                f'WITH query "{cte.name}" does not have a RETURNING clause',
                position=self.pos(node),
            )
        cols = cte.dml_columns
        if len(cte.colnames) > len(cols):
            raise make_error(
                "42P10",
                f'WITH query "{cte.name}" has {len(cols)} columns available but '
                f"{len(cte.colnames)} columns specified",
            )
        names = cte.colnames + [c.name for c in cols[len(cte.colnames) :]]
        base = [Column(n, c.type_oid, c.typmod) for n, c in zip(names, cols, strict=True)]
        index = cte.dml
        assert index is not None
        # final lengths known at run time: the DML rows follow the scans and traversals
        scans, traversals = self.scans, self.traversals

        def rows(run: _Run, outer: Outer) -> Rows:
            return run.scanned[len(scans) + len(traversals) + index]

        return _Src(_renamed(base, colnames, alias, self.pos(node)), rows)

    def catalog_relation(self, node: Any, alias: str, colnames: Any) -> _Src:
        """A pg_catalog or information_schema relation (translator/pgcatalog.py)."""
        shape = pgcatalog.lookup(node.relname, node.schemaname, self.catalog.search_path)
        if shape is None:
            raise UndefinedTable(
                f'relation "{node.schemaname}.{node.relname}" does not exist',
                position=self.pos(node),
            )
        if not shape.served:
            raise FeatureNotSupported(
                f"reading {shape.schema}.{shape.name} is not supported yet",
                position=self.pos(node),
                hint="kuzugres lists every catalog relation PostgreSQL has, but answers "
                "queries over the ones clients read; see docs/compatibility.md.",
            )
        base = [
            Column(name, oid, typmod, table_oid=shape.oid, column=i)
            for i, (name, oid, typmod) in enumerate(shape.columns, start=1)
        ]
        catalog = self.catalog

        def rows(run: _Run, outer: Outer) -> Rows:
            ctx = run.ctx
            built = pgcatalog.rows(shape, pgcatalog.Env(catalog, ctx.user, ctx.database, ctx))
            return [r + (shape.oid,) for r in built]  # the hidden system column tableoid

        # `tableoid` (psql's \dd reads it) is hidden: not part of `*`.
        cols = _renamed(base, colnames, alias, self.pos(node))
        cols.append(ScopeColumn(alias, "tableoid", T.OID, -1, hidden=True))
        return _Src(cols, rows)

    def view(self, view: ViewDef, alias: str, colnames: Any, position: int | None) -> _Src:
        """A view in FROM: its defining SELECT expanded as a subquery (compiled in its text)."""
        from pglast import parse_sql

        stmt = parse_sql(view.sql)[0].stmt
        catalog = self.catalog
        if view.search_path is not None:  # its names resolve as at CREATE VIEW
            catalog = catalog.with_search_path(view.search_path)
        sub = _Builder(view.sql, self.params, catalog)
        sub.scans = self.scans  # the view's scans are this plan's scans
        sub.traversals, sub.traverse = self.traversals, self.traverse
        q = sub.query(stmt, None)
        base = [
            Column(view.columns[i].name if i < len(view.columns) else c.name, c.type_oid, c.typmod)
            for i, c in enumerate(q.columns)
        ]
        return _Src(_renamed(base, colnames, alias, position), _memoized(q))

    def join(self, node: Any, outer: Scope | None, hits: list[int]) -> _Src:
        kind = node.jointype
        if kind not in (_J.JOIN_INNER, _J.JOIN_LEFT, _J.JOIN_RIGHT, _J.JOIN_FULL):
            raise FeatureNotSupported(f"{kind.name} is not supported yet", position=self.pos(node))
        if node.alias is not None:
            raise FeatureNotSupported(
                "aliases on JOIN are not supported yet", position=self.pos(node)
            )
        left = self.item(node.larg, outer, hits, None)
        right = self.item(node.rarg, outer, hits, left)
        if right.lateral and kind in (_J.JOIN_RIGHT, _J.JOIN_FULL):
            raise make_error(
                "42601",
                "The combining JOIN type must be INNER or LEFT for a LATERAL reference.",
                position=self.pos(node.rarg),
            )
        nl, nr = len(left.columns), len(right.columns)
        # JOIN ... USING / NATURAL JOIN: merged columns first, inputs shadowed
        using: list[str] = []
        if node.usingClause:
            using = [s.sval for s in node.usingClause]
        elif node.isNatural:
            lnames = [c.name for i, c in enumerate(left.columns) if _visible(left, i)]
            rnames = {c.name for i, c in enumerate(right.columns) if _visible(right, i)}
            using = [n for n in lnames if n in rnames]
        pairs: list[tuple[int, int]] = []
        merged: list[ScopeColumn] = []
        for name in using:
            li = _using_slot(left, name, "left", self.pos(node))
            ri = _using_slot(right, name, "right", self.pos(node))
            lc, rc = left.columns[li], right.columns[ri]
            t = common_type([lc.type_oid, rc.type_oid], "JOIN/USING", self.sql)
            typmod = lc.typmod if lc.typmod == rc.typmod else -1
            merged.append(ScopeColumn(None, name, t, typmod))
            pairs.append((li, ri))
        nm = len(merged)
        columns = merged + left.columns + right.columns
        shadowed = frozenset(
            {nm + li for li, _ in pairs}
            | {nm + nl + ri for _, ri in pairs}
            | {nm + i for i in left.shadowed}
            | {nm + nl + i for i in right.shadowed}
        )
        cond: RowExpr | None = None
        hits_before = len(hits)
        if node.quals is not None:
            on_scope = _QScope(
                tuple(left.columns + right.columns),
                outer=outer,
                shadowed=frozenset(left.shadowed | {nl + i for i in right.shadowed}),
                hits=hits,
            )
            cond = compile_condition(
                node.quals,
                self.sql,
                self.params,
                on_scope,
                clause="JOIN/ON",
                subquery=self.subquery,
            )
            eq = _equi_join(node.quals, left.columns, right.columns)
            if eq is not None:
                pairs = [eq]
        elif not using:
            pairs = []
        if kind == _J.JOIN_INNER and cond is not None and not using and len(hits) == hits_before:
            pushed = self.fk_join(left, right, node.quals, cond)
            if pushed is not None:
                return pushed
        use_index = bool(pairs) and not right.lateral
        lrows_fn, rrows_fn, rlateral = left.rows, right.rows, right.lateral
        from_right = kind == _J.JOIN_RIGHT
        coalesce = kind == _J.JOIN_FULL
        merged_pairs = [(li, ri) for li, ri in pairs] if using else []

        def combine(lrow: tuple[Any, ...], rrow: tuple[Any, ...]) -> tuple[Any, ...]:
            if not merged_pairs:
                return lrow + rrow
            vals = []
            for li, ri in merged_pairs:
                lv, rv = lrow[li], rrow[ri]
                if from_right:
                    vals.append(rv)
                elif coalesce:
                    vals.append(lv if lv is not None else rv)
                else:
                    vals.append(lv)
            return tuple(vals) + lrow + rrow

        lnull, rnull = (None,) * nl, (None,) * nr

        def rows(run: _Run, outer_row: Outer) -> Rows:
            params, ctx = run.params, run.ctx
            lrows = lrows_fn(run, outer_row)
            shared = None if rlateral else rrows_fn(run, outer_row)
            out: Rows = []
            index: dict[Any, list[int]] | None = None
            if use_index and shared is not None:
                index = {}
                for j, r in enumerate(shared):
                    k = tuple(_hashable(r[ri]) for _, ri in pairs)
                    if None not in k:
                        index.setdefault(k, []).append(j)
            rmatched = [False] * (len(shared) if shared is not None else 0)
            for lrow in lrows:
                rrows = shared if shared is not None else rrows_fn(run, lrow + outer_row)
                matched = False
                candidates: Sequence[int]
                if index is not None:
                    k = tuple(_hashable(lrow[li]) for li, _ in pairs)
                    candidates = index.get(k, ()) if None not in k else ()
                else:
                    candidates = range(len(rrows))
                for j in candidates:
                    rrow = rrows[j]
                    if using and index is None:
                        if any(lrow[li] is None or lrow[li] != rrow[ri] for li, ri in merged_pairs):
                            continue
                    if cond is not None:
                        ok = cond.evaluate(lrow + rrow + outer_row, params, ctx)
                        if ok is not True:
                            continue
                    out.append(combine(lrow, rrow))
                    matched = True
                    if shared is not None:
                        rmatched[j] = True
                if not matched and kind in (_J.JOIN_LEFT, _J.JOIN_FULL):
                    out.append(combine(lrow, rnull))
            if kind in (_J.JOIN_RIGHT, _J.JOIN_FULL) and shared is not None:
                for j, r in enumerate(shared):
                    if not rmatched[j]:
                        out.append(combine(lnull, r))
            return out

        tables = {**left.tables, **right.tables}
        return _Src(columns, rows, tables, left.scan_ids + right.scan_ids, shadowed)

    def fk_join(self, left: _Src, right: _Src, quals: Any, cond: RowExpr | None) -> _Src | None:
        """An inner join of a table (or join) scan with a table along a foreign key whose
        column equalities are all conjuncts of `quals`: one JoinScan over the foreign
        key's REL TABLE.

        The REL TABLE has an edge exactly when the child's key is not NULL and equals the
        parent's (decision 0008), so the edges are the join's rows. The conjuncts the
        edge guarantees need no check; when others remain, `cond` (the compiled ON; None
        for a comma join, whose WHERE the SELECT applies) stays as a filter.
        """
        li, ri = left.scan_index, right.scan_index
        if li is None or ri is None or right.lateral:
            return None
        lscan, rscan = self.scans[li], self.scans[ri]
        if not isinstance(lscan, TableScan | JoinScan) or not isinstance(rscan, TableScan):
            return None
        segs = lscan.segments + (rscan,)
        new = len(segs) - 1
        layout = scan_layout(lscan) + [
            ScanColumn(new, c.column) if c is not None else None for c in scan_layout(rscan)
        ]
        columns = left.columns + right.columns
        equalities: list[tuple[Any, tuple[ScanColumn, ScanColumn]]] = []
        for a, b in column_equalities(quals):
            sa, sb = column_slot(a, columns), column_slot(b, columns)
            ca = layout[sa] if sa is not None else None
            cb = layout[sb] if sb is not None else None
            if ca is not None and cb is not None and same_equality(ca.column, cb.column):
                equalities.append(((a, b), (ca, cb)))
        found = fk_link([p for _, p in equalities], segs, new)
        if found is None:
            return None
        link, con = found
        fk_pairs = {
            (link.child, c, link.parent, p)
            for c, p in zip(con.columns, con.ref_columns, strict=True)
        }
        guaranteed = {
            id(refs[0])
            for refs, (ca, cb) in equalities
            if (ca.segment, ca.column.name, cb.segment, cb.column.name) in fk_pairs
            or (cb.segment, cb.column.name, ca.segment, ca.column.name) in fk_pairs
        }
        done = frozenset(
            id(c)
            for c in conjuncts(quals)
            if isinstance(c, ast.A_Expr) and id(c.lexpr) in guaranteed
        )
        links = (lscan.links if isinstance(lscan, JoinScan) else ()) + (link,)
        self.scans[li] = JoinScan(segs, links)
        self.scans[ri] = MergedScan(li)
        rest = len(done) < len(conjuncts(quals))
        filters = left.filters + ((cond,) if rest and cond is not None else ())

        def rows(run: _Run, outer: Outer) -> Rows:
            got = run.scanned[li]
            if not filters:
                return got
            params, ctx = run.params, run.ctx
            return [
                r for r in got if all(f.evaluate(r + outer, params, ctx) is True for f in filters)
            ]

        nl = len(left.columns)
        return _Src(
            columns,
            rows,
            {**left.tables, **right.tables},
            [li],
            frozenset(left.shadowed | {nl + i for i in right.shadowed}),
            scan_index=li,
            filters=filters,
            guaranteed=left.guaranteed | done,
        )

    def range_function(
        self, node: Any, outer: Scope | None, hits: list[int], left: _Src | None
    ) -> _Src:
        if len(node.functions) != 1 or node.is_rowsfrom:
            raise FeatureNotSupported("ROWS FROM is not supported yet", position=self.pos(node))
        call, coldefs = node.functions[0]
        if coldefs or not isinstance(call, ast.FuncCall):
            raise FeatureNotSupported("column definition lists are not supported yet")
        name = call.funcname[-1].sval
        # With nothing to its left the arguments may still reference an enclosing query:
        # a _QScope records that in `hits`, so the enclosing subquery is correlated.
        scope = (
            self.lateral_scope(left, outer, hits)
            if left is not None
            else _QScope((), outer=outer, hits=hits)
        )
        args = [
            compile_expr(a, self.sql, self.params, scope, subquery=self.subquery)
            for a in call.args or ()
        ]
        audit = _audit_function(call, args, self.catalog, self.pos(call), self.whole_scan)
        if audit is not None:
            gen_run, cols = audit
        else:
            gen, cols = _table_function(name, args, self.pos(call))
            gen_run = lambda vals, run: gen(vals)  # noqa: E731
        alias = node.alias.aliasname if node.alias else name
        colnames = (
            [c.sval for c in node.alias.colnames] if node.alias and node.alias.colnames else []
        )
        if len(cols) == 1 and node.alias and not colnames and name not in _RECORD_FUNCTIONS:
            cols = [Column(alias, cols[0].type_oid, cols[0].typmod)]
        if node.ordinality:
            cols = cols + [Column("ordinality", T.INT8)]
        if len(colnames) > len(cols):
            raise make_error(
                "42P10",
                f'table "{alias}" has {len(cols)} columns available but {len(colnames)} '
                "columns specified",
                position=self.pos(node),
            )
        scols = [
            ScopeColumn(alias, colnames[i] if i < len(colnames) else c.name, c.type_oid, c.typmod)
            for i, c in enumerate(cols)
        ]
        ordinality = bool(node.ordinality)

        def rows(run: _Run, outer_row: Outer) -> Rows:
            vals = [a.evaluate(outer_row, run.params, run.ctx) for a in args]
            produced = gen_run(vals, run)
            if ordinality:
                return [r + (i + 1,) for i, r in enumerate(produced)]
            return produced

        return _Src(scols, rows, lateral=left is not None)

    def whole_scan(self, table: TableDef) -> int:
        """Scan every row of `table` for a table function (kuzugres.history); returns
        the scan's index in what the executor scans."""
        self.scans.append(TableScan(table, table.name))
        return len(self.scans) - 1

    def locking(self, node: Any) -> None:
        """Check FOR UPDATE/SHARE as PostgreSQL's CheckSelectLocking does; note the lock."""
        for clause in node.lockingClause:
            what = _LOCK_STRENGTH[clause.strength]
            if clause.waitPolicy == enums.LockWaitPolicy.LockWaitSkip:
                # Kuzu locks the whole node, not rows: which rows another
                # transaction holds cannot be told, so none could be skipped honestly.
                raise FeatureNotSupported(f"{what} SKIP LOCKED is not supported")
            problem = None
            if node.op != enums.SetOperation.SETOP_NONE:
                problem = "UNION/INTERSECT/EXCEPT"
            elif node.distinctClause:
                problem = "DISTINCT clause"
            elif node.groupClause:
                problem = "GROUP BY clause"
            elif node.havingClause is not None:
                problem = "HAVING clause"
            elif any(is_aggregate_call(x) for x in _walk(node.targetList)):
                problem = "aggregate functions"
            elif any(isinstance(x, ast.FuncCall) and x.over for x in _walk(node.targetList)):
                problem = "window functions"
            if problem is not None:
                raise FeatureNotSupported(f"{what} is not allowed with {problem}")
            self.locked_relations(node, clause, what)
            nowait = clause.waitPolicy == enums.LockWaitPolicy.LockWaitError
            if self.lock != "nowait":
                self.lock = "nowait" if nowait else "wait"

    def locked_relations(self, node: Any, clause: Any, what: str) -> None:
        """Check what FOR UPDATE [OF ...] names, as PostgreSQL's transformLockingClause and
        planner do (the lock itself covers the whole node either way)."""
        items: dict[str, tuple[str, bool]] = {}  # FROM name -> (kind, on a nullable side)

        def walk(item: Any, nullable: bool) -> None:
            if isinstance(item, ast.JoinExpr):
                jt = item.jointype
                walk(item.larg, nullable or jt in (_J.JOIN_RIGHT, _J.JOIN_FULL))
                walk(item.rarg, nullable or jt in (_J.JOIN_LEFT, _J.JOIN_FULL))
                if item.alias is not None:
                    items[item.alias.aliasname] = ("join", nullable)
                return
            if isinstance(item, ast.RangeVar):
                cte = item.schemaname is None and any(item.relname in f for f in self.ctes)
                name = item.alias.aliasname if item.alias is not None else item.relname
                items[name] = ("a WITH query" if cte else "", nullable)
            elif isinstance(item, ast.RangeSubselect):
                if item.alias is not None:
                    items[item.alias.aliasname] = ("", nullable)
            elif isinstance(item, ast.RangeFunction):
                if item.alias is not None:
                    items[item.alias.aliasname] = ("a function", nullable)

        for item in node.fromClause or ():
            walk(item, False)
        if not clause.lockedRels:
            locked = [k for k, (kind, _) in items.items() if not kind]
        else:
            locked = []
            for rv in clause.lockedRels:
                if rv.schemaname is not None:
                    raise PgSyntaxError(
                        f"{what} must specify unqualified relation names", position=self.pos(rv)
                    )
                if rv.relname not in items:
                    raise make_error(
                        "42P01",
                        f'relation "{rv.relname}" in {what} clause not found in FROM clause',
                        position=self.pos(rv),
                    )
                kind = items[rv.relname][0]
                if kind:
                    raise FeatureNotSupported(
                        f"{what} cannot be applied to {kind}", position=self.pos(rv)
                    )
                locked.append(rv.relname)
        if any(items[name][1] for name in locked):
            raise FeatureNotSupported(
                f"{what} cannot be applied to the nullable side of an outer join"
            )

    def outer_key(self, node: Any, scope: _QScope) -> _OuterKey | None:
        """A `local column = outer column` conjunct of the WHERE of a correlated level
        whose FROM does not depend on the outer row (catalog clients' `c.reltype = t.oid`),
        to look its rows up by value instead of scanning them once per outer row."""
        for item in _walk(node.fromClause):
            if isinstance(item, ast.RangeVar) and item.schemaname is None:
                if self.find_cte(item.relname) is not None:
                    return None  # a recursive CTE's working table changes during the run
        width = len(scope.columns)
        for a, b in column_equalities(node.whereClause):
            inner_names, outer_names = _ref_names(a), _ref_names(b)
            if inner_names is None or outer_names is None:
                continue
            for inner_ref, outer_ref in ((a, b), (b, a)):
                try:
                    inner_slot = scope.resolve(_ref_names(inner_ref) or (), None)
                    outer_slot = scope.resolve(_ref_names(outer_ref) or (), None)
                except PgError:
                    return None
                if inner_slot >= width or outer_slot < width:
                    continue
                inner = compile_expr(inner_ref, self.sql, self.params, scope)
                outer = compile_expr(outer_ref, self.sql, self.params, scope)
                if _hash_comparable(inner.type_oid, outer.type_oid):
                    return _OuterKey(inner, outer, width)
        return None

    # -- SELECT
    def select(self, node: Any, outer: Scope | None, want: list[int | None] | None) -> _Query:
        sql, params = self.sql, self.params
        if node.intoClause:
            raise FeatureNotSupported("SELECT INTO is not supported yet")
        hits: list[int] = []
        hook = self.subquery
        if node.fromClause:
            source = self.items(node.fromClause, outer, hits, node.whereClause)
        else:
            source = _Src([], lambda run, o: [()])
        from_correlated = bool(hits)
        scope = _QScope(tuple(source.columns), outer=outer, shadowed=source.shadowed, hits=hits)
        if not self.ctes or outer is None:
            self.top_scope = scope
        for sub in _walk(node.whereClause):
            if is_aggregate_call(sub):
                raise GroupingError(
                    "aggregate functions are not allowed in WHERE", position=self.pos(sub)
                )
            if isinstance(sub, ast.FuncCall) and sub.over is not None:
                raise make_error(
                    "42P20", "window functions are not allowed in WHERE", position=self.pos(sub)
                )
        where = (
            compile_condition(node.whereClause, sql, params, scope, subquery=hook)
            if node.whereClause is not None
            else None
        )
        taken: set[int] = set()
        if source.scan_ids and node.whereClause is not None:
            equalities = _equalities(
                node.whereClause,
                [c for i, c in enumerate(source.columns) if i not in source.shadowed],
                sql,
                params,
            )
            for i in source.scan_ids:
                self.scans[i], got = _push_into(self.scans[i], equalities)
                taken |= got
        taken |= source.guaranteed
        where_in_scan = all(id(c) in taken for c in conjuncts(node.whereClause))
        outer_key = (
            self.outer_key(node, scope)
            if where is not None and outer is not None and not from_correlated
            else None
        )

        # expand * and t.*
        target_nodes: list[tuple[Any, str]] = []
        star_slots: list[int | None] = []
        for rt in node.targetList or ():
            val = rt.val
            if isinstance(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.A_Star):
                relation = val.fields[-2].sval if len(val.fields) > 1 else None
                for i in _star(scope, relation, self.pos(val)):
                    target_nodes.append((None, scope.columns[i].name))
                    star_slots.append(i)
                continue
            target_nodes.append((val, column_label(rt)))
            star_slots.append(None)
        exprs = [t for t, _ in target_nodes]

        wnodes = [
            s
            for s in _walk((exprs, node.sortClause))
            if isinstance(s, ast.FuncCall) and s.over is not None
        ]
        has_aggs = any(
            is_aggregate_call(s) for s in _walk((exprs, node.havingClause, node.sortClause))
        )
        group_items = list(node.groupClause or ())
        grouping: _Grouping | None = None
        grouped_index: int | None = None  # the GroupedScan computing the groups, if any
        pre_scope: _QScope = scope
        post_scope: _QScope = scope
        if group_items or has_aggs or node.havingClause is not None:
            grouping = _compile_grouping(group_items, target_nodes, scope, sql, params, self)
            _add_dependent_keys(grouping, scope, source)
            for sub in _walk((exprs, node.havingClause, node.sortClause)):
                if is_aggregate_call(sub):
                    grouping.agg_nodes.append(sub)
                    grouping.aggregates.append(
                        compile_aggregate(sub, sql, params, scope, subquery=hook)
                    )
            if where_in_scan:
                grouped_index = self.grouped_scan(source, scope, grouping)
            gcols = tuple(
                ScopeColumn(None, f"__g{i}", k.type_oid, k.typmod)
                for i, k in enumerate(grouping.keys)
            ) + tuple(
                ScopeColumn(None, f"__a{j}", a.type_oid, a.typmod)
                for j, a in enumerate(grouping.aggregates)
            )
            pre_scope = _GroupedScope(
                gcols, outer=outer, hits=hits, inner=scope, key_slots=tuple(grouping.key_slots)
            )
            for i in (s for s in star_slots if s is not None):
                if i not in grouping.key_slots:
                    c = scope.columns[i]
                    raise GroupingError(
                        f'column "{c.relation}.{c.name}" must appear in the GROUP BY clause '
                        "or be used in an aggregate function"
                    )

        def gslots(n: Any) -> dict[int, int] | None:
            return _slots_for(n, grouping, scope) if grouping is not None else None

        windows = [self.window(w, node, pre_scope, gslots) for w in wnodes]
        wbase = len(pre_scope.columns)
        wslots = {id(w): wbase + j for j, w in enumerate(wnodes)}
        if wnodes:
            wcols = tuple(
                ScopeColumn(None, f"__w{j}", w.type_oid, w.typmod) for j, w in enumerate(windows)
            )
            if isinstance(pre_scope, _GroupedScope):
                post_scope = _GroupedScope(
                    pre_scope.columns + wcols,
                    outer=outer,
                    hits=hits,
                    inner=scope,
                    key_slots=pre_scope.key_slots,
                )
            else:
                post_scope = _QScope(
                    scope.columns + wcols, outer=outer, shadowed=scope.shadowed, hits=hits
                )
        else:
            post_scope = pre_scope

        def tslots(n: Any) -> dict[int, int]:
            return {**(gslots(n) or {}), **wslots}

        targets: list[_Target] = []
        for i, ((tnode, label), slot) in enumerate(zip(target_nodes, star_slots, strict=True)):
            forced = want[i] if want is not None else None
            origin = (
                scope.columns[slot]
                if slot is not None
                else _origin(tnode, scope.columns)
                if isinstance(tnode, ast.ColumnRef)
                else None
            )
            if slot is not None and forced is None:
                if grouping is not None:
                    k = grouping.key_slots.index(slot)
                    targets.append(_Target(_SlotExpr(k, scope.columns[slot]), label, origin))
                else:
                    targets.append(_Target(_SlotExpr(slot, scope.columns[slot]), label, origin))
                continue
            if slot is not None:
                c = scope.columns[slot]
                names = (c.relation, c.name) if c.relation else (c.name,)
                tnode = ast.ColumnRef(fields=tuple(ast.String(sval=n) for n in names))
            srf = self.set_returning(tnode, post_scope, tslots(tnode))
            if srf is not None:
                targets.append(_Target(srf, label))
                continue
            e = compile_expr(
                tnode,
                sql,
                params,
                post_scope,
                slots=tslots(tnode),
                subquery=hook,
                expected_oid=forced,
                target_name=label,
            )
            targets.append(_Target(e, label, origin if e.type_oid == origin_type(origin) else None))
        having = None
        if node.havingClause is not None:
            assert grouping is not None
            having = compile_condition(
                node.havingClause,
                sql,
                params,
                pre_scope,
                clause="HAVING",
                slots=gslots(node.havingClause),
                subquery=hook,
            )

        distinct = node.distinctClause
        distinct_all = distinct is not None and len(distinct) == 1 and distinct[0] is None
        order = _compile_order(
            node,
            targets,
            target_nodes,
            post_scope,
            scope,
            tslots,
            sql,
            params,
            hook,
            distinct_all,
        )
        distinct_on: list[RowExpr] = []
        if distinct and not distinct_all:
            for d in distinct:
                distinct_on.append(
                    _order_or_output_expr(
                        d, targets, target_nodes, post_scope, scope, tslots, sql, params, hook
                    )
                )
        limit = _limit_expr(node.limitCount, sql, params)
        offset = _limit_expr(node.limitOffset, sql, params)
        columns = [
            Column(
                t.name,
                t.expr.type_oid,
                t.expr.typmod,
                table_oid=t.origin.table_oid if t.origin is not None else 0,
                column=t.origin.column if t.origin is not None else 0,
            )
            for t in targets
        ]
        unknown = [_is_untyped(t) if t is not None else False for t, _ in target_nodes]
        source_rows = source.rows
        has_group_by = bool(group_items)

        def rows(run: _Run, outer_row: Outer) -> Rows:
            params_, ctx = run.params, run.ctx
            got = run.scanned[grouped_index] if grouped_index is not None else None
            if isinstance(got, GroupedRows):
                rows = list(got)  # grouped by Kuzu (WHERE was all pushed into the scan)
            else:
                if outer_key is not None:
                    rows = outer_key.candidates(run, source_rows, outer_row)
                else:
                    rows = source_rows(run, outer_row)
                if where is not None:
                    rows = [r for r in rows if where.evaluate(r + outer_row, params_, ctx) is True]
            if grouping is not None:
                if not isinstance(got, GroupedRows):
                    rows = _group(rows, grouping, has_group_by, outer_row, params_, ctx)
                if having is not None:
                    rows = [r for r in rows if having.evaluate(r + outer_row, params_, ctx) is True]
            if windows:
                rows = _apply_windows(rows, windows, outer_row, params_, ctx)
            produced = []
            for r in rows:
                rr = r + outer_row
                for out in _project(targets, rr, params_, ctx):
                    keys = tuple(
                        o.expr.evaluate(out if o.on_output else rr, params_, ctx) for o in order
                    )
                    don = tuple(
                        e.evaluate(
                            out if isinstance(e, _SlotExpr) and e.output else rr, params_, ctx
                        )
                        for e in distinct_on
                    )
                    produced.append((out, keys, don))
            if order:
                produced.sort(
                    key=lambda p: tuple(
                        sort_key(
                            o.expr.type_oid, v, descending=o.descending, nulls_first=o.nulls_first
                        )
                        for o, v in zip(order, p[1], strict=True)
                    )
                )
            if distinct_all:
                seen: set[Any] = set()
                unique = []
                for p in produced:
                    k = tuple(group_key(c.type_oid, v) for c, v in zip(columns, p[0], strict=True))
                    if k not in seen:
                        seen.add(k)
                        unique.append(p)
                produced = unique
            elif distinct_on:
                seen_on: set[Any] = set()
                unique = []
                for p in produced:
                    k = tuple(
                        group_key(e.type_oid, v) for e, v in zip(distinct_on, p[2], strict=True)
                    )
                    if k not in seen_on:
                        seen_on.add(k)
                        unique.append(p)
                produced = unique
            return _slice([p[0] for p in produced], offset, limit, run)

        return _Query(columns, rows, unknown, bool(hits))

    def grouped_scan(self, source: _Src, scope: _QScope, grouping: _Grouping) -> int | None:
        """Let Kuzu group the source's scan when it can do so exactly (keys of types it
        groups like PostgreSQL, aggregates `pushed_aggregate` accepts): replace the scan
        with a GroupedScan and return its index. The caller has checked that WHERE is
        entirely in the scan."""
        index = source.scan_index
        if index is None or source.filters or not grouping.aggregates:
            return None
        base = self.scans[index]
        if not isinstance(base, TableScan | JoinScan):
            return None
        layout = scan_layout(base)
        local = len(scope.columns)

        def column(slot: int | None) -> ScanColumn | None:
            if slot is None or slot >= local or slot in scope.shadowed:
                return None
            return layout[slot]

        def resolve(ref: Any) -> ScanColumn | None:
            names = tuple(f.sval for f in ref.fields if isinstance(f, ast.String))
            if len(names) != len(ref.fields):
                return None
            try:
                return column(scope.resolve(names, ref.location))
            except (UndefinedColumn, UndefinedTable):
                return None

        keys = []
        for slot, key_node in zip(grouping.key_slots, grouping.key_nodes, strict=True):
            col = column(slot)
            # a functionally dependent key (None node) has one value per group
            if col is None or (key_node is not None and not groupable(col.column)):
                return None
            keys.append(col)
        aggregates = []
        for agg in grouping.agg_nodes:
            pushed = pushed_aggregate(agg, resolve)
            if pushed is None:
                return None
            aggregates.append(pushed)
        self.scans[index] = GroupedScan(base, tuple(keys), tuple(aggregates))
        return index

    def set_returning(self, node: Any, scope: Scope, slots: dict[int, int]) -> _SetReturning | None:
        """A set-returning function called at the top of a select-list item (PostgreSQL's
        ProjectSet): each input row yields as many rows as its longest such function."""
        field = None  # `(f(...)).field`: one output column of the function
        if (
            isinstance(node, ast.A_Indirection)
            and len(node.indirection) == 1
            and isinstance(node.indirection[0], ast.String)
            and _is_select_list_srf(node.arg)
        ):
            node, field = node.arg, node.indirection[0].sval
        if not _is_select_list_srf(node):
            return None
        args = [
            compile_expr(a, self.sql, self.params, scope, slots=slots, subquery=self.subquery)
            for a in node.args or ()
        ]
        name = node.funcname[-1].sval
        gen, cols = _table_function(name, args, self.pos(node))
        if field is not None:
            picked = [i for i, c in enumerate(cols) if c.name == field]
            if not picked:
                raise UndefinedColumn(
                    f'column "{field}" not found in data type record', position=self.pos(node)
                )
            col = cols[picked[0]]
            return _SetReturning(args, gen, col.type_oid, col.typmod, picked[0])
        if len(cols) != 1:
            # a record of the function's output columns, e.g. _pg_expandarray's (x, n)
            shape = tuple((c.name, c.type_oid, c.typmod) for c in cols)
            return _SetReturning(args, gen, T.RECORD, record_typmod(shape), None)
        return _SetReturning(args, gen, cols[0].type_oid, cols[0].typmod)

    # -- window functions
    def window(
        self,
        node: Any,
        stmt: Any,
        scope: Scope,
        gslots: Callable[[Any], dict[int, int] | None],
    ) -> _Window:
        sql, params = self.sql, self.params
        name = node.funcname[-1].sval
        over = _resolve_window(node.over, stmt, self.pos(node))
        partition = [
            compile_expr(p, sql, params, scope, slots=gslots(p), subquery=self.subquery)
            for p in over.partitionClause or ()
        ]
        order: list[tuple[RowExpr, bool, bool | None]] = []
        for sb in over.orderClause or ():
            e = compile_expr(
                sb.node, sql, params, scope, slots=gslots(sb.node), subquery=self.subquery
            )
            nulls = None
            if sb.sortby_nulls == enums.SortByNulls.SORTBY_NULLS_FIRST:
                nulls = True
            elif sb.sortby_nulls == enums.SortByNulls.SORTBY_NULLS_LAST:
                nulls = False
            order.append((e, sb.sortby_dir == enums.SortByDir.SORTBY_DESC, nulls))
        opts = over.frameOptions
        if opts & (
            enums.FRAMEOPTION_GROUPS
            | enums.FRAMEOPTION_EXCLUDE_CURRENT_ROW
            | enums.FRAMEOPTION_EXCLUDE_GROUP
            | enums.FRAMEOPTION_EXCLUDE_TIES
        ):
            raise FeatureNotSupported(
                "GROUPS frames and EXCLUDE are not supported yet", position=self.pos(node)
            )
        if opts & enums.FRAMEOPTION_RANGE and opts & (
            enums.FRAMEOPTION_START_OFFSET_PRECEDING
            | enums.FRAMEOPTION_START_OFFSET_FOLLOWING
            | enums.FRAMEOPTION_END_OFFSET_PRECEDING
            | enums.FRAMEOPTION_END_OFFSET_FOLLOWING
        ):
            raise FeatureNotSupported(
                "RANGE frames with an offset are not supported yet", position=self.pos(node)
            )
        start = _limit_expr(over.startOffset, sql, params)
        end = _limit_expr(over.endOffset, sql, params)
        plain = copy.copy(node)
        plain.over = None
        if is_aggregate_call(plain):
            if plain.agg_distinct:
                raise FeatureNotSupported(
                    "DISTINCT is not implemented for window functions", position=self.pos(node)
                )
            agg = compile_aggregate(
                plain, sql, params, scope, slots=gslots(plain), subquery=self.subquery
            )
            return _Window(
                "aggregate", [], agg, partition, order, opts, start, end, agg.type_oid, agg.typmod
            )
        if name not in _WINDOW_FUNCTIONS:
            raise make_error(
                "42809",
                f"OVER specified, but {name} is not a window function nor an aggregate function",
                position=self.pos(node),
            )
        if node.agg_star or node.agg_distinct or node.agg_filter is not None or node.agg_order:
            raise FeatureNotSupported(
                f"{name}() with * / DISTINCT / FILTER / ORDER BY is not supported yet"
            )
        arity = _WINDOW_FUNCTIONS[name]
        argn = list(node.args or ())
        if not arity[0] <= len(argn) <= arity[1]:
            raise make_error(
                "42883",
                f"function {name}({', '.join('?' for _ in argn)}) does not exist",
                position=self.pos(node),
            )
        args: list[RowExpr] = []
        for i, a in enumerate(argn):
            expected = None
            if (
                name in ("lag", "lead")
                and i == 1
                or name in ("ntile", "nth_value")
                and i == len(argn) - 1
            ):
                expected = T.INT4
            if name in ("lag", "lead") and i == 2:
                expected = args[0].type_oid
            args.append(
                compile_expr(
                    a,
                    sql,
                    params,
                    scope,
                    slots=gslots(a),
                    subquery=self.subquery,
                    expected_oid=expected,
                )
            )
        rtype, rmod = {
            "row_number": (T.INT8, -1),
            "rank": (T.INT8, -1),
            "dense_rank": (T.INT8, -1),
            "percent_rank": (T.FLOAT8, -1),
            "cume_dist": (T.FLOAT8, -1),
            "ntile": (T.INT4, -1),
        }.get(name, (args[0].type_oid if args else T.INT8, args[0].typmod if args else -1))
        return _Window(name, args, None, partition, order, opts, start, end, rtype, rmod)


# ---------------------------------------------------------------------------- window functions

# name -> (min args, max args)
_WINDOW_FUNCTIONS = {
    "row_number": (0, 0),
    "rank": (0, 0),
    "dense_rank": (0, 0),
    "percent_rank": (0, 0),
    "cume_dist": (0, 0),
    "ntile": (1, 1),
    "lag": (1, 3),
    "lead": (1, 3),
    "first_value": (1, 1),
    "last_value": (1, 1),
    "nth_value": (2, 2),
}


@dataclass
class _Window:
    kind: str
    args: list[RowExpr]
    agg: AggregateSpec | None
    partition: list[RowExpr]
    order: list[tuple[RowExpr, bool, bool | None]]
    options: int
    start: RowExpr | None
    end: RowExpr | None
    type_oid: int
    typmod: int


def _resolve_window(over: Any, stmt: Any, position: int | None) -> Any:
    named = {w.name: w for w in stmt.windowClause or ()}

    def lookup(name: str) -> Any:
        if name not in named:
            raise make_error("42704", f'window "{name}" does not exist', position=position)
        return named[name]

    if over.name and not over.partitionClause and not over.orderClause and over.name in named:
        return lookup(over.name)
    if over.refname:
        base = lookup(over.refname)
        merged = copy.copy(over)
        merged.partitionClause = base.partitionClause
        if not over.orderClause:
            merged.orderClause = base.orderClause
        if not over.frameOptions & enums.FRAMEOPTION_NONDEFAULT:
            merged.frameOptions = base.frameOptions
            merged.startOffset, merged.endOffset = base.startOffset, base.endOffset
        return merged
    if over.name and over.name not in named and not over.partitionClause and not over.orderClause:
        lookup(over.name)
    return over


def _apply_windows(
    rows: Rows, windows: list[_Window], outer: Outer, params: Sequence[Any], ctx: EvalContext
) -> Rows:
    ext = [r + outer for r in rows] if outer else rows
    columns = [_window_values(w, ext, params, ctx) for w in windows]
    return [r + tuple(col[i] for col in columns) for i, r in enumerate(rows)]


def _window_values(w: _Window, rows: Rows, params: Sequence[Any], ctx: EvalContext) -> list[Any]:
    out: list[Any] = [None] * len(rows)
    parts: dict[Any, list[int]] = {}
    for i, r in enumerate(rows):
        pkey = tuple(group_key(p.type_oid, p.evaluate(r, params, ctx)) for p in w.partition)
        parts.setdefault(pkey, []).append(i)
    opts = w.options
    start_off = _bound(w.start, params, ctx, "frame starting offset") if w.start else None
    end_off = _bound(w.end, params, ctx, "frame ending offset") if w.end else None
    for idxs in parts.values():
        okeys = {
            i: tuple(
                sort_key(e.type_oid, e.evaluate(rows[i], params, ctx), descending=d, nulls_first=nf)
                for e, d, nf in w.order
            )
            for i in idxs
        }
        idxs.sort(key=lambda i: okeys[i])
        n = len(idxs)
        peer_start = [0] * n
        peer_end = [0] * n
        group_no = [0] * n
        s = 0
        g = 0
        for k in range(1, n + 1):
            if k == n or okeys[idxs[k]] != okeys[idxs[s]]:
                for m in range(s, k):
                    peer_start[m], peer_end[m], group_no[m] = s, k, g
                s = k
                g += 1

        kind = w.kind
        if kind == "aggregate":
            agg = w.agg
            assert agg is not None
            frames = [
                _frame(opts, k, n, peer_start, peer_end, start_off, end_off) for k in range(n)
            ]
            if all(a == 0 for a, _ in frames) and all(
                frames[k][1] <= frames[k + 1][1] for k in range(n - 1)
            ):
                state = agg.new_state()
                p = 0
                for k in range(n):
                    while p < frames[k][1]:
                        state = agg.step(state, rows[idxs[p]], params, ctx)
                        p += 1
                    value = agg.final(state, params, ctx)
                    out[idxs[k]] = list(value) if isinstance(value, list) else value
            else:
                for k in range(n):
                    a, b = frames[k]
                    state = agg.new_state()
                    for m in range(a, b):
                        state = agg.step(state, rows[idxs[m]], params, ctx)
                    out[idxs[k]] = agg.final(state, params, ctx)
            continue
        for k in range(n):
            i = idxs[k]
            row = rows[i]
            if kind == "row_number":
                v: Any = k + 1
            elif kind == "rank":
                v = peer_start[k] + 1
            elif kind == "dense_rank":
                v = group_no[k] + 1
            elif kind == "percent_rank":
                v = peer_start[k] / (n - 1) if n > 1 else 0.0
            elif kind == "cume_dist":
                v = peer_end[k] / n
            elif kind == "ntile":
                buckets = w.args[0].evaluate(row, params, ctx)
                if buckets is None:
                    v = None
                else:
                    if int(buckets) <= 0:  # type: ignore[call-overload]
                        raise make_error("22014", "argument of ntile must be greater than zero")
                    v = _ntile(k, n, int(buckets))  # type: ignore[call-overload]
            elif kind in ("lag", "lead"):
                off = w.args[1].evaluate(row, params, ctx) if len(w.args) > 1 else 1
                if off is None:
                    v = None
                else:
                    j = k - int(off) if kind == "lag" else k + int(off)  # type: ignore[call-overload]
                    if 0 <= j < n:
                        v = w.args[0].evaluate(rows[idxs[j]], params, ctx)
                    else:
                        v = w.args[2].evaluate(row, params, ctx) if len(w.args) > 2 else None
            else:
                a, b = _frame(opts, k, n, peer_start, peer_end, start_off, end_off)
                if kind == "first_value":
                    j = a
                elif kind == "last_value":
                    j = b - 1
                else:
                    nth = w.args[1].evaluate(row, params, ctx)
                    if nth is None:
                        out[i] = None
                        continue
                    if int(nth) <= 0:  # type: ignore[call-overload]
                        raise make_error("22016", "argument of nth_value must be greater than zero")
                    j = a + int(nth) - 1  # type: ignore[call-overload]
                v = w.args[0].evaluate(rows[idxs[j]], params, ctx) if a <= j < b else None
            out[i] = v
    return out


def _frame(
    opts: int,
    k: int,
    n: int,
    peer_start: list[int],
    peer_end: list[int],
    start_off: int | None,
    end_off: int | None,
) -> tuple[int, int]:
    """The frame [start, end) of partition position k."""
    rows_mode = bool(opts & enums.FRAMEOPTION_ROWS)
    if opts & enums.FRAMEOPTION_START_UNBOUNDED_PRECEDING:
        a = 0
    elif opts & enums.FRAMEOPTION_START_CURRENT_ROW:
        a = k if rows_mode else peer_start[k]
    elif opts & enums.FRAMEOPTION_START_OFFSET_PRECEDING:
        a = max(0, k - (start_off or 0))
    elif opts & enums.FRAMEOPTION_START_OFFSET_FOLLOWING:
        a = k + (start_off or 0)
    else:
        a = n
    if opts & enums.FRAMEOPTION_END_UNBOUNDED_FOLLOWING:
        b = n
    elif opts & enums.FRAMEOPTION_END_CURRENT_ROW:
        b = k + 1 if rows_mode else peer_end[k]
    elif opts & enums.FRAMEOPTION_END_OFFSET_PRECEDING:
        b = k - (end_off or 0) + 1
    elif opts & enums.FRAMEOPTION_END_OFFSET_FOLLOWING:
        b = min(n, k + (end_off or 0) + 1)
    else:
        b = 0
    return a, max(a, min(b, n))


def _ntile(k: int, n: int, buckets: int) -> int:
    per, extra = divmod(n, buckets)
    if per == 0:
        return k + 1
    big = extra * (per + 1)
    if k < big:
        return k // (per + 1) + 1
    return extra + (k - big) // per + 1


# ---------------------------------------------------------------------------- helpers


# ---------------------------------------------------------------------------- SEARCH / CYCLE

RECORD_ARRAY = 2287  # record[]: SEARCH DEPTH FIRST sequences and CYCLE paths


class _Record:
    """An anonymous ROW value (SEARCH/CYCLE): typed fields, compared like PostgreSQL's record."""

    __slots__ = ("fields", "key")

    def __init__(self, fields: tuple[tuple[int, Any], ...]) -> None:
        self.fields = fields
        self.key = tuple(
            _hashable(sort_key(oid, v, descending=False, nulls_first=False)) for oid, v in fields
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Record) and self.key == other.key

    def __lt__(self, other: _Record) -> bool:
        return self.key < other.key

    def __gt__(self, other: _Record) -> bool:
        return self.key > other.key

    def __le__(self, other: _Record) -> bool:
        return self.key <= other.key

    def __ge__(self, other: _Record) -> bool:
        return self.key >= other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"ROW{tuple(v for _, v in self.fields)!r}"


@dataclass
class _SearchCycle:
    """SEARCH/CYCLE of a recursive CTE, as PostgreSQL's rewriteSearchAndCycle.

    The extra output columns (search sequence, cycle mark, cycle path, in that order) are
    computed here; the recursive term gets them from the working-table row it joined as
    hidden trailing columns (`hidden`), which `step_node` (the recursive term with extra
    target entries) passes through.
    """

    n: int  # CTE columns
    columns: list[Column]  # the extra output columns
    hidden: list[Column]  # the same, as hidden working-table columns
    step_node: Any
    search_slots: list[int]
    search_oids: list[int]
    breadth_first: bool
    cycle_slots: list[int]
    cycle_oids: list[int]
    mark_value: RowExpr | None
    mark_default: RowExpr | None

    @staticmethod
    def compile(b: _Builder, cte: _Cte, node: Any, base_cols: list[Column]) -> _SearchCycle:
        names = [c.name for c in base_cols]
        extra: list[Column] = []
        search_slots: list[int] = []
        cycle_slots: list[int] = []
        breadth_first = False
        mark_value = mark_default = None

        def slots(cols: Any, what: str) -> list[int]:
            out: list[int] = []
            for c in cols:
                if c.sval not in names:
                    raise PgSyntaxError(f'{what} column "{c.sval}" not in WITH query column list')
                if names.index(c.sval) in out:
                    raise PgSyntaxError(f'{what} column "{c.sval}" specified more than once')
                out.append(names.index(c.sval))
            return out

        def fresh_name(name: str, what: str) -> None:
            if name in names:
                raise make_error("42702", f'column reference "{name}" is ambiguous')

        if cte.search is not None:
            sc = cte.search
            search_slots = slots(sc.search_col_list, "search")
            fresh_name(sc.search_seq_column, "search sequence")
            breadth_first = bool(sc.search_breadth_first)
            extra.append(
                Column(sc.search_seq_column, T.RECORD if breadth_first else RECORD_ARRAY, -1)
            )
        if cte.cycle is not None:
            cc = cte.cycle
            cycle_slots = slots(cc.cycle_col_list, "cycle")
            fresh_name(cc.cycle_mark_column, "cycle mark")
            fresh_name(cc.cycle_path_column, "cycle path")
            if cc.cycle_mark_column == cc.cycle_path_column:
                raise PgSyntaxError(
                    "cycle mark column name and cycle path column name are the same"
                )
            if cte.search is not None:
                seq = cte.search.search_seq_column
                for col, what in ((cc.cycle_mark_column, "mark"), (cc.cycle_path_column, "path")):
                    if col == seq:
                        raise PgSyntaxError(
                            f"search sequence column name and cycle {what} column name are the same"
                        )
            v_node, d_node = cc.cycle_mark_value, cc.cycle_mark_default
            mtype = common_type(
                [_literal_type(v_node, b), _literal_type(d_node, b)],
                "CYCLE",
                b.sql,
                [getattr(v_node, "location", None), getattr(d_node, "location", None)],
            )
            if mtype == T.UNKNOWN:
                mtype = T.TEXT
            mark_value = compile_expr(v_node, b.sql, b.params, None, expected_oid=mtype)
            mark_default = compile_expr(d_node, b.sql, b.params, None, expected_oid=mtype)
            extra.append(Column(cc.cycle_mark_column, mtype, -1))
            extra.append(Column(cc.cycle_path_column, RECORD_ARRAY, -1))
        rarg = node.rarg
        if node.larg.op != enums.SetOperation.SETOP_NONE:
            raise FeatureNotSupported(
                "with a SEARCH or CYCLE clause, the left side of the UNION must be a SELECT"
            )
        if rarg.op != enums.SetOperation.SETOP_NONE:
            raise FeatureNotSupported(
                "with a SEARCH or CYCLE clause, the right side of the UNION must be a SELECT"
            )
        refs = [
            n
            for n in _walk(rarg.fromClause)
            if isinstance(n, ast.RangeVar) and n.schemaname is None and n.relname == cte.name
        ]
        if len(refs) != 1:
            raise FeatureNotSupported(
                "SEARCH and CYCLE need the recursive reference directly in the recursive "
                "term's FROM clause"
            )
        alias = refs[0].alias.aliasname if refs[0].alias else refs[0].relname
        hidden = [Column("\0" + c.name, c.type_oid, -1) for c in extra]
        step_node = copy.deepcopy(rarg)
        step_node.targetList = tuple(step_node.targetList or ()) + tuple(
            ast.ResTarget(val=ast.ColumnRef(fields=(ast.String(alias), ast.String(h.name))))
            for h in hidden
        )
        types = [c.type_oid for c in base_cols]
        return _SearchCycle(
            len(base_cols),
            extra,
            hidden,
            step_node,
            search_slots,
            [types[i] for i in search_slots],
            breadth_first,
            cycle_slots,
            [types[i] for i in cycle_slots],
            mark_value,
            mark_default,
        )

    def _marks(self, run: _Run) -> tuple[Any, Any]:
        if self.mark_value is None or self.mark_default is None:
            return None, None
        v = self.mark_value.evaluate((), run.params, run.ctx)
        d = self.mark_default.evaluate((), run.params, run.ctx)
        return v, d

    def _rec(self, row: tuple[Any, ...], slots: list[int], oids: list[int]) -> _Record:
        return _Record(tuple((o, row[i]) for i, o in zip(slots, oids, strict=True)))

    def wrap(self, base: RowsFn, step: RowsFn) -> tuple[RowsFn, RowsFn]:
        n = self.n
        searching = bool(self.search_slots)
        cycling = bool(self.cycle_slots)

        def base_rows(run: _Run, outer: Outer) -> Rows:
            _, d = self._marks(run)
            out: Rows = []
            for r in base(run, outer):
                ext: list[Any] = []
                if searching:
                    rec = self._rec(r, self.search_slots, self.search_oids)
                    if self.breadth_first:
                        ext.append(_Record(((T.INT8, 0),) + rec.fields))
                    else:
                        ext.append([rec])
                if cycling:
                    ext += [d, [self._rec(r, self.cycle_slots, self.cycle_oids)]]
                out.append(tuple(r) + tuple(ext))
            return out

        def step_rows(run: _Run, outer: Outer) -> Rows:
            v, d = self._marks(run)
            out: Rows = []
            for r in step(run, outer):
                row = tuple(r[:n])
                carried = list(r[n:])
                ext: list[Any] = []
                if searching:
                    seq = carried.pop(0)
                    rec = self._rec(row, self.search_slots, self.search_oids)
                    if self.breadth_first:
                        ext.append(_Record(((T.INT8, seq.fields[0][1] + 1),) + rec.fields))
                    else:
                        ext.append([*seq, rec])
                if cycling:
                    path = carried[1]
                    rec = self._rec(row, self.cycle_slots, self.cycle_oids)
                    ext += [v if rec in path else d, [*path, rec]]
                out.append(row + tuple(ext))
            return out

        return base_rows, step_rows

    def feed(self, work: Rows) -> Rows:
        """The working-table rows the recursive term sees: not those marked as a cycle."""
        if not self.cycle_slots:
            return work
        run = _current_run()
        v, _ = self._marks(run)
        slot = self.n + (1 if self.search_slots else 0)
        mtype = self.columns[-2].type_oid
        if v is None:
            return []
        key = group_key(mtype, v)
        return [r for r in work if r[slot] is not None and group_key(mtype, r[slot]) != key]


def _literal_type(node: Any, b: _Builder) -> int:
    """The type of a CYCLE mark value: UNKNOWN for an untyped string literal."""
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.String):
        return T.UNKNOWN
    return compile_expr(node, b.sql, b.params, None).type_oid


def _recursive_fixpoint(
    run: _Run,
    outer: Outer,
    key: int,
    base: RowsFn,
    step: RowsFn,
    types: list[int],
    distinct: bool,
    feed: Callable[[Rows], Rows] | None = None,
) -> Rows:
    """WITH RECURSIVE by iteration to a fixpoint, as PostgreSQL's working-table algorithm.

    `feed` filters the working table before each step (CYCLE: rows marked as a cycle
    are not followed).

    Recursive CTEs that walk a foreign key run as a Kuzu traversal instead
    (`_Builder.traversal`, translator/traversal.py), with the same rows.
    """
    seen: set[Any] = set()

    def fresh(rows: Rows) -> Rows:
        if not distinct:
            return rows
        out = []
        for r in rows:
            k = tuple(group_key(t, v) for t, v in zip(types, r, strict=True))
            if k not in seen:
                seen.add(k)
                out.append(r)
        return out

    result = fresh(list(base(run, outer)))
    work = result
    saved = run.work.get(key)
    try:
        while work:
            run.work[key] = work if feed is None else feed(work)
            work = fresh(step(run, outer))
            result = result + work
            if len(result) > 10_000_000:
                raise FeatureNotSupported(
                    "recursive query produced more than 10000000 rows (cycle without UNION?)"
                )
    finally:
        if saved is None:
            run.work.pop(key, None)
        else:
            run.work[key] = saved
    return result


def _set_operation(
    op: Any, all_: bool, left: Rows, right: Rows, keyf: Callable[[tuple[Any, ...]], Any]
) -> Rows:
    def dedupe(rows: Rows) -> Rows:
        seen: set[Any] = set()
        out = []
        for r in rows:
            k = keyf(r)
            if k not in seen:
                seen.add(k)
                out.append(r)
        return out

    if op == enums.SetOperation.SETOP_UNION:
        rows = left + right
        return rows if all_ else dedupe(rows)
    counts: dict[Any, int] = {}
    for r in right:
        k = keyf(r)
        counts[k] = counts.get(k, 0) + 1
    out: Rows = []
    if op == enums.SetOperation.SETOP_INTERSECT:
        for r in left if all_ else dedupe(left):
            k = keyf(r)
            if counts.get(k, 0) > 0:
                counts[k] -= 1
                out.append(r)
        return out
    for r in left if all_ else dedupe(left):
        k = keyf(r)
        if counts.get(k, 0) > 0:
            if all_:
                counts[k] -= 1
            continue
        out.append(r)
    return out


def _slice(rows: Rows, offset: RowExpr | None, limit: RowExpr | None, run: _Run) -> Rows:
    start = _bound(offset, run.params, run.ctx, "OFFSET") or 0
    count = _bound(limit, run.params, run.ctx, "LIMIT")
    return rows[start:] if count is None else rows[start : start + count]


#: Nodes of a WHERE conjunct `comma_join` may also check while joining.
_PLAIN_CONDITION_NODES = (
    ast.A_Expr,
    ast.A_Const,
    ast.A_Indices,
    ast.A_Indirection,
    ast.BoolExpr,
    ast.BooleanTest,
    ast.ColumnRef,
    ast.NullTest,
    ast.String,
    ast.Integer,
    ast.Float,
    ast.Boolean,
    ast.TypeCast,
    ast.TypeName,
)


def _combine(a: _Src, b: _Src) -> _Src:
    """Comma in FROM: a cross product (the right side evaluated per left row if LATERAL)."""
    na = len(a.columns)
    arows, brows = a.rows, b.rows
    if b.lateral:

        def rows(run: _Run, outer: Outer) -> Rows:
            return [x + y for x in arows(run, outer) for y in brows(run, x + outer)]

    else:

        def rows(run: _Run, outer: Outer) -> Rows:
            right = brows(run, outer)
            return [x + y for x in arows(run, outer) for y in right]

    return _Src(
        a.columns + b.columns,
        rows,
        {**a.tables, **b.tables},
        a.scan_ids + b.scan_ids,
        frozenset(a.shadowed | {na + i for i in b.shadowed}),
        a.lateral,
    )


def _cross(a: _From, b: _From) -> _From:
    """Legacy cross product for dml.py."""

    def rows(scanned: list[Rows], params: Sequence[Any], ctx: EvalContext) -> Rows:
        right = b.rows(scanned, params, ctx)
        return [x + y for x in a.rows(scanned, params, ctx) for y in right]

    return _From(a.columns + b.columns, a.scans + b.scans, rows)


def _renamed(
    columns: Sequence[Column], colnames: Any, alias: str, position: int | None
) -> list[ScopeColumn]:
    names = [c.sval for c in colnames or ()]
    if len(names) > len(columns):
        raise make_error(
            "42P10",
            f'table "{alias}" has {len(columns)} columns available but {len(names)} columns '
            "specified",
            position=position,
        )
    return [
        ScopeColumn(
            alias,
            names[i] if i < len(names) else c.name,
            c.type_oid,
            c.typmod,
            table_oid=c.table_oid,
            column=c.column,
        )
        for i, c in enumerate(columns)
    ]


def _visible(src: _Src, i: int) -> bool:
    return i not in src.shadowed and not src.columns[i].hidden


def _using_slot(src: _Src, name: str, side: str, position: int | None) -> int:
    hits = [i for i, c in enumerate(src.columns) if c.name == name and _visible(src, i)]
    if not hits:
        raise UndefinedColumn(
            f'column "{name}" specified in USING clause does not exist in {side} table',
            position=position,
        )
    if len(hits) > 1:
        raise make_error(
            "42702",
            f'common column name "{name}" appears more than once in {side} table',
            position=position,
        )
    return hits[0]


_LOCK_STRENGTH = {
    enums.LockClauseStrength.LCS_FORKEYSHARE: "FOR KEY SHARE",
    enums.LockClauseStrength.LCS_FORSHARE: "FOR SHARE",
    enums.LockClauseStrength.LCS_FORNOKEYUPDATE: "FOR NO KEY UPDATE",
    enums.LockClauseStrength.LCS_FORUPDATE: "FOR UPDATE",
}

_RECORD_FUNCTIONS = frozenset(
    {"jsonb_each", "jsonb_each_text", "jsonb_array_elements", "jsonb_array_elements_text"}
)


def _flatten(v: Any) -> list[Any]:
    if isinstance(v, list):
        out: list[Any] = []
        for x in v:
            out.extend(_flatten(x))
        return out
    return [v]


def _audit_function(
    call: Any,
    args: list[RowExpr],
    catalog: Catalog,
    position: int | None,
    whole_scan: Callable[[TableDef], int],
) -> tuple[Callable[[list[Any], _Run], Rows], list[Column]] | None:
    """kuzugres.history('table') and kuzugres.schema_history() (kuzugres.history): the
    rows come from the event log at run time, through the session's EvalContext."""
    from kuzugres.translator import audit

    names = [n.sval for n in call.funcname]
    if len(names) != 2 or names[0] != "kuzugres" or names[1] not in ("history", "schema_history"):
        return None
    if names[1] == "schema_history":
        if args:
            raise make_error(
                "42883", "function kuzugres.schema_history() takes no arguments", position=position
            )
        return (lambda vals, run: run.ctx.schema_history_rows()), list(audit.SCHEMA_COLUMNS)
    arg = call.args[0] if len(args) == 1 else None
    if isinstance(arg, ast.TypeCast):
        arg = arg.arg  # 'orders'::regclass, 'orders'::text
    literal = getattr(arg.val, "sval", None) if isinstance(arg, ast.A_Const) else None
    if literal is None:
        raise make_error(
            "42883",
            "function kuzugres.history() takes one table name, as a string literal",
            position=position,
        )
    schema, relname = audit.split_name(literal, position)
    table = catalog.lookup(relname, schema, position=position)
    cols = [Column(c.name, c.type_oid, c.typmod) for c in table.columns]
    current = whole_scan(table)  # the rows now: values DDL backfilled are in no event

    def versions(vals: list[Any], run: _Run) -> Rows:
        return run.ctx.history_rows(table, run.scanned[current])  # type: ignore[attr-defined,no-any-return]

    return versions, cols + list(audit.VERSION_COLUMNS)


def _table_function(
    name: str, args: list[RowExpr], position: int | None
) -> tuple[Callable[[list[Any]], Rows], list[Column]]:
    types = [a.type_oid for a in args]
    if name == "unnest" and len(args) == 1:
        pt = T.TYPES_BY_OID.get(types[0])
        if pt is None or not pt.elem_oid:
            raise make_error(
                "42883",
                f"function unnest({_type_name(types[0], -1)}) does not exist",
                position=position,
            )

        def unnest(vals: list[Any]) -> Rows:
            return [] if vals[0] is None else [(v,) for v in _flatten(vals[0])]

        return unnest, [Column("unnest", pt.elem_oid)]
    if name == "unnest" and len(args) > 1:
        # unnest(anyarray, anyarray [, ...]) in FROM: the arrays side by side, the
        # shorter ones padded with NULLs (PostgreSQL's ROWS FROM expansion)
        elems: list[int] = []
        for t in types:
            pt = T.TYPES_BY_OID.get(t)
            if pt is None or not pt.elem_oid:
                raise make_error(
                    "42883",
                    f"function unnest({', '.join(_type_name(x, -1) for x in types)}) "
                    "does not exist",
                    position=position,
                )
            elems.append(pt.elem_oid)

        def unnest_many(vals: list[Any]) -> Rows:
            lists = [[] if v is None else _flatten(v) for v in vals]
            n = max(len(x) for x in lists)
            return [tuple(x[i] if i < len(x) else None for x in lists) for i in range(n)]

        return unnest_many, [Column("unnest", e) for e in elems]
    if name == "generate_series" and len(args) in (2, 3):
        if all(t in (T.INT2, T.INT4) for t in types):
            rtype = T.INT4
        elif all(t in (T.INT2, T.INT4, T.INT8) for t in types):
            rtype = T.INT8
        elif all(t in (T.INT2, T.INT4, T.INT8, T.NUMERIC) for t in types):
            rtype = T.NUMERIC
        else:
            raise FeatureNotSupported(
                f"generate_series({', '.join(_type_name(t, -1) for t in types)}) in FROM is "
                "not supported yet",
                position=position,
            )

        def series(vals: list[Any]) -> Rows:
            if any(v is None for v in vals):
                return []
            a, b = vals[0], vals[1]
            step = vals[2] if len(vals) > 2 else 1
            if step == 0:
                raise make_error("22023", "step size cannot equal zero")
            if rtype == T.NUMERIC:
                a, b, step = Decimal(a), Decimal(b), Decimal(step)
            out: Rows = []
            v = a
            while (v <= b) if step > 0 else (v >= b):
                out.append((v,))
                v = v + step
            return out

        return series, [Column("generate_series", rtype)]
    if name == "generate_subscripts" and len(args) in (2, 3):

        def subscripts(vals: list[Any]) -> Rows:
            array, dim = vals[0], vals[1]
            if array is None or dim is None or not array:
                return []
            level: Any = array
            for _ in range(dim - 1):
                if not level or not isinstance(level[0], list):
                    return []
                level = level[0]
            n = len(level)
            order = range(n, 0, -1) if len(vals) > 2 and vals[2] else range(1, n + 1)
            return [(i,) for i in order]

        return subscripts, [Column("generate_subscripts", T.INT4)]
    if name == "pg_partition_ancestors" and len(args) == 1:
        # kuzugres has no partitions: a relation is its own only ancestor

        def ancestors(vals: list[Any]) -> Rows:
            return [] if vals[0] is None else [(vals[0],)]

        return ancestors, [Column("relid", T.REGCLASS)]
    if name == "_pg_expandarray" and len(args) == 1:
        # information_schema._pg_expandarray(anyarray): each element with its position
        pt = T.TYPES_BY_OID.get(types[0])
        if pt is None or not pt.elem_oid:
            raise make_error(
                "42883",
                f"function information_schema._pg_expandarray({_type_name(types[0], -1)}) "
                "does not exist",
                position=position,
            )

        def expand(vals: list[Any]) -> Rows:
            return [] if vals[0] is None else [(v, i + 1) for i, v in enumerate(vals[0])]

        return expand, [Column("x", pt.elem_oid), Column("n", T.INT4)]
    if name == "pg_get_keywords" and not args:
        words = [tuple(r.values()) for r in pgcatalog.builtin_rows("pg_get_keywords")]
        cols = [
            Column("word", T.TEXT),
            Column("catcode", T.CHAR),
            Column("barelabel", T.BOOL),
            Column("catdesc", T.TEXT),
            Column("baredesc", T.TEXT),
        ]
        return (lambda vals: list(words)), cols
    if name in _JSONB_SETS and len(args) == 1 and types[0] in (T.JSONB, T.UNKNOWN, T.TEXT):
        if types[0] != T.JSONB:
            raise make_error(
                "42883",
                f"function {name}({_type_name(types[0], -1)}) does not exist",
                position=position,
            )
        return _jsonb_set(name)
    raise FeatureNotSupported(f"function {name}() in FROM is not supported yet", position=position)


_JSONB_SETS = frozenset(
    {"jsonb_array_elements", "jsonb_array_elements_text", "jsonb_each", "jsonb_each_text"}
)


def _jsonb_set(name: str) -> tuple[Callable[[list[Any]], Rows], list[Column]]:
    from kuzugres.proxy.types import dump_jsonb, parse_json

    as_text = name.endswith("_text")
    vtype = T.TEXT if as_text else T.JSONB

    def value(item: Any) -> Any:
        if as_text:
            if item is None:
                return None
            return item if isinstance(item, str) else dump_jsonb(item)
        return dump_jsonb(item)

    if name.startswith("jsonb_array_elements"):

        def elements(vals: list[Any]) -> Rows:
            if vals[0] is None:
                return []
            doc = parse_json(vals[0])
            if not isinstance(doc, list):
                what = "an object" if isinstance(doc, dict) else "a scalar"
                raise make_error("22023", f"cannot extract elements from {what}")
            return [(value(v),) for v in doc]

        return elements, [Column("value", vtype)]

    def each(vals: list[Any]) -> Rows:
        if vals[0] is None:
            return []
        doc = parse_json(vals[0])
        if not isinstance(doc, dict):
            raise make_error("22023", f"cannot call {name} on a non-object")
        return [(k, value(v)) for k, v in doc.items()]

    return each, [Column("key", T.TEXT), Column("value", vtype)]


def _is_untyped(node: Any) -> bool:
    return isinstance(node, ast.A_Const) and (node.isnull or isinstance(node.val, ast.String))


def _first_target_pos(node: Any) -> int | None:
    while isinstance(node, ast.SelectStmt) and node.op != enums.SetOperation.SETOP_NONE:
        node = node.larg
    if isinstance(node, ast.SelectStmt) and node.targetList:
        loc = getattr(node.targetList[0], "location", None)
        return loc + 1 if isinstance(loc, int) and loc >= 0 else None
    return None


def _target_loc(node: Any, i: int) -> int | None:
    while isinstance(node, ast.SelectStmt) and node.op != enums.SetOperation.SETOP_NONE:
        node = node.larg
    if isinstance(node, ast.SelectStmt) and node.targetList and i < len(node.targetList):
        loc = getattr(node.targetList[i].val, "location", None)
        return loc if isinstance(loc, int) and loc >= 0 else None
    return None


def _type_name(oid: int, typmod: int) -> str:
    from kuzugres.proxy.types import format_type

    return str(format_type(oid, typmod if typmod >= 0 else None))


_CLAUSES = (
    "whereClause",
    "groupClause",
    "havingClause",
    "sortClause",
    "limitCount",
    "limitOffset",
    "distinctClause",
    "windowClause",
    "lockingClause",
    "intoClause",
    "valuesLists",
    "withClause",
)


def _count_over(node: Any) -> tuple[str, bool, str | None] | None:
    """(CTE name, count(*)?, counted column) of exactly `SELECT count(*) FROM cte` or
    `SELECT count(DISTINCT col) FROM cte`, else None."""
    if not isinstance(node, ast.SelectStmt) or node.op != enums.SetOperation.SETOP_NONE:
        return None
    if any(getattr(node, c, None) for c in _CLAUSES):
        return None
    if len(node.fromClause or ()) != 1 or len(node.targetList or ()) != 1:
        return None
    rv, target = node.fromClause[0], node.targetList[0]
    if not isinstance(rv, ast.RangeVar) or rv.schemaname is not None or not rv.inh:
        return None
    if rv.alias is not None and rv.alias.colnames:
        return None
    fc = target.val
    if not isinstance(fc, ast.FuncCall) or [n.sval for n in fc.funcname] != ["count"]:
        return None
    if fc.agg_filter or fc.agg_order or fc.over or fc.agg_within_group or fc.func_variadic:
        return None
    if fc.agg_star and not fc.agg_distinct and not fc.args:
        return str(rv.relname), True, None
    if not fc.agg_distinct or len(fc.args or ()) != 1 or not isinstance(fc.args[0], ast.ColumnRef):
        return None
    fields = fc.args[0].fields
    if not all(isinstance(f, ast.String) for f in fields) or len(fields) > 2:
        return None
    alias = rv.alias.aliasname if rv.alias is not None else rv.relname
    if len(fields) == 2 and fields[0].sval != alias:
        return None
    return str(rv.relname), False, fields[-1].sval


def _constant_row(node: Any) -> bool:
    """Whether a SELECT gives exactly one row of constants (no FROM, no clauses)."""
    if not isinstance(node, ast.SelectStmt) or node.op != enums.SetOperation.SETOP_NONE:
        return False
    if node.fromClause or any(getattr(node, c, None) for c in _CLAUSES):
        return False
    for t in node.targetList or ():
        v = t.val
        if isinstance(v, ast.TypeCast):
            v = v.arg
        if not isinstance(v, ast.A_Const | ast.ParamRef):
            return False
    return bool(node.targetList)


def _references(node: Any, name: str) -> bool:
    return any(
        isinstance(n, ast.RangeVar) and n.schemaname is None and n.relname == name
        for n in _walk_all(node)
    )


_RECURSION_CONTEXT = {
    "nonrecursive": "within its non-recursive term",
    "sublink": "within a subquery",
    "outerjoin": "within an outer join",
    "intersect": "within INTERSECT",
    "except": "within EXCEPT",
}


def _check_recursion(node: Any, name: str) -> None:
    """PostgreSQL's checkWellFormedRecursion for `node` (the UNION of a recursive CTE).

    42P19 for a self-reference in the non-recursive term, more than once in the recursive
    term, or within a subquery, an outer join, INTERSECT or EXCEPT.
    """
    count = [0]

    def fail(ref: Any, what: str) -> None:
        loc = ref.location
        raise make_error(
            "42P19",
            f'recursive reference to query "{name}" must not appear {what}',
            position=loc + 1 if isinstance(loc, int) and loc >= 0 else None,
        )

    def walk(n: Any, ctx: str) -> None:
        if isinstance(n, tuple | list):
            for x in n:
                walk(x, ctx)
            return
        if not isinstance(n, ast.Node):
            return
        if isinstance(n, ast.RangeVar):
            if n.schemaname is None and n.relname == name:
                if ctx == "ok":
                    count[0] += 1
                    if count[0] > 1:
                        fail(n, "more than once")
                else:
                    fail(n, _RECURSION_CONTEXT[ctx])
            return
        if isinstance(n, ast.SelectStmt):
            w = n.withClause
            if w is not None and any(c.ctename == name for c in w.ctes):
                return  # an inner WITH hides the name
            if w is not None:
                walk(w, ctx)
            if n.op == enums.SetOperation.SETOP_INTERSECT:
                inner = "intersect" if ctx == "ok" and n.all else ctx
                walk(n.larg, inner)
                walk(n.rarg, inner)
                return
            if n.op == enums.SetOperation.SETOP_EXCEPT:
                walk(n.larg, "except" if ctx == "ok" and n.all else ctx)
                walk(n.rarg, "except" if ctx == "ok" else ctx)
                return
            for attr in n:
                if attr != "withClause":
                    walk(getattr(n, attr), ctx)
            return
        if isinstance(n, ast.JoinExpr):
            inner = "outerjoin" if ctx == "ok" else ctx
            jt = n.jointype
            walk(n.larg, inner if jt in (_J.JOIN_FULL, _J.JOIN_RIGHT) else ctx)
            walk(n.rarg, inner if jt in (_J.JOIN_FULL, _J.JOIN_LEFT) else ctx)
            walk(n.quals, ctx)
            return
        if isinstance(n, ast.SubLink):
            walk(n.testexpr, ctx)
            walk(n.subselect, "sublink" if ctx == "ok" else ctx)
            return
        for attr in n:
            walk(getattr(n, attr), ctx)

    walk(node.larg, "nonrecursive")
    walk(node.rarg, "ok")


@dataclass(frozen=True, eq=False)
class _OuterKey:
    """`inner = outer` in a correlated level's WHERE, over rows that do not depend on the
    outer row: they are indexed by `inner` once per run and each outer row takes the ones
    its `outer` value matches (a superset of the WHERE's answer, which still applies)."""

    inner: RowExpr
    outer: RowExpr
    width: int  # slots of the level's own rows

    def candidates(self, run: _Run, source: RowsFn, outer_row: Outer) -> Rows:
        params, ctx = run.params, run.ctx
        value = self.outer.evaluate((None,) * self.width + outer_row, params, ctx)
        if value is None:
            return []
        index = run.lookups.get(id(self))
        if index is None:
            index = {}
            for r in source(run, outer_row):
                v = self.inner.evaluate(r + outer_row, params, ctx)
                if v is not None:
                    index.setdefault(_hashable(v), []).append(r)
            run.lookups[id(self)] = index
        return index.get(_hashable(value), [])


#: types whose `=` is Python's equality of their values (no padding, collation or NaN)
_HASH_EQUAL = frozenset(
    {T.INT2, T.INT4, T.INT8, T.OID, T.BOOL, T.TEXT, T.VARCHAR, T.NAME, T.CHAR, T.UUID, T.DATE}
) | frozenset(T.OID_ALIASES)
_INTEGERS = frozenset({T.INT2, T.INT4, T.INT8, T.OID}) | frozenset(T.OID_ALIASES)


def _hash_comparable(a: int, b: int) -> bool:
    return (a == b and a in _HASH_EQUAL) or (a in _INTEGERS and b in _INTEGERS)


def _ref_names(ref: Any) -> tuple[str, ...] | None:
    """The names of a plain column reference (None for `t.*` and the like)."""
    names = tuple(f.sval or "" for f in ref.fields if isinstance(f, ast.String))
    return names if len(names) == len(ref.fields) else None


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


def _equi_join(
    quals: Any, left: list[ScopeColumn], right: list[ScopeColumn]
) -> tuple[int, int] | None:
    """Slots (left, right) of a `l.x = r.y` conjunct of same-typed columns, for a hash join."""
    for lexpr, rexpr in column_equalities(quals):
        a, b = column_slot(lexpr, left), column_slot(rexpr, right)
        if a is None or b is None:
            a, b = column_slot(rexpr, left), column_slot(lexpr, right)
        if (
            a is not None
            and b is not None
            and left[a].type_oid == right[b].type_oid
            and column_slot(lexpr, left + right) is not None
            and column_slot(rexpr, left + right) is not None
        ):
            return a, b
    return None


# ---------------------------------------------------------------------------- grouping


@dataclass
class _Grouping:
    keys: list[RowExpr]
    key_nodes: list[Any]
    key_texts: list[str]
    key_slots: list[int | None]  # input-scope slots of plain column keys
    aggregates: list[AggregateSpec] = field(default_factory=list)
    agg_nodes: list[Any] = field(default_factory=list)


def _slots_for(node: Any, grouping: _Grouping | None, scope: Scope) -> dict[int, int]:
    """id(subnode) -> grouped-row slot for grouping keys and aggregate calls under `node`."""
    slots: dict[int, int] = {}
    if grouping is None:
        return slots
    nkeys = len(grouping.keys)
    for sub in _walk(node):
        if is_aggregate_call(sub):
            for j, agg_node in enumerate(grouping.agg_nodes):
                if agg_node is sub:
                    slots[id(sub)] = nkeys + j
            continue
        if isinstance(sub, ast.ColumnRef):
            continue  # the grouped scope resolves grouping columns
        text = _deparse(sub) if isinstance(sub, ast.Node) else None
        if text is not None and text in grouping.key_texts:
            slots[id(sub)] = grouping.key_texts.index(text)
    return slots


def _add_dependent_keys(g: _Grouping, scope: _QScope, source: _Src) -> None:
    """PostgreSQL's functional dependency: grouping by a table's primary key groups its
    other columns too (they become extra, hidden grouping keys)."""
    for alias, table in source.tables.items():
        pk = table.primary_key
        if pk is None:
            continue
        slots = [
            i
            for i, c in enumerate(scope.columns)
            if c.relation == alias and not c.hidden and i not in scope.shadowed
        ]
        by_name = {scope.columns[i].name: i for i in slots}
        if not all(by_name.get(col) in g.key_slots for col in pk.columns):
            continue
        for i in slots:
            if i not in g.key_slots:
                g.keys.append(_SlotExpr(i, scope.columns[i]))
                g.key_nodes.append(None)
                g.key_texts.append("\0")
                g.key_slots.append(i)


# ---------------------------------------------------------------------------- SELECT


@dataclass
class _Target:
    expr: RowExpr
    name: str
    origin: ScopeColumn | None = None  # the table column a plain column reference reads


def _origin(ref: Any, columns: Sequence[ScopeColumn]) -> ScopeColumn | None:
    """The table column a plain column reference reads (None: computed or ambiguous)."""
    slot = column_slot(ref, columns)
    if slot is None or not columns[slot].table_oid:
        return None
    return columns[slot]


def origin_type(origin: ScopeColumn | None) -> int | None:
    return origin.type_oid if origin is not None else None


def compile_query(node: Any, sql: str, params: ParamTypes, catalog: Catalog) -> QueryPlan:
    """Compile a SELECT that reads tables (or has subqueries, WITH or set operations)."""
    b = _Builder(sql, params, catalog)
    b.top = node
    b.traverse = True
    q = b.query(node, None)
    rows = q.rows
    return QueryPlan(
        tuple(b.scans),
        tuple(q.columns),
        _with_run(lambda run: rows(run, ())),
        b.top_scope,
        tuple(b.pre_dml),
        tuple(b.traversals),
        b.lock,
    )


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
class _SetReturning:
    """A select-list item that is a set-returning function call (see `_project`)."""

    args: list[RowExpr]
    gen: Callable[[list[Any]], Rows]
    type_oid: int
    typmod: int = -1
    column: int | None = 0  # the output column it yields; None: all, as one record

    def values(self, row: Sequence[Any], params: Sequence[Any], ctx: EvalContext) -> list[Any]:
        out = self.gen([a.evaluate(row, params, ctx) for a in self.args])
        if self.column is not None:
            return [r[self.column] for r in out]
        shape = record_shape(self.type_oid, self.typmod)
        assert shape is not None
        return [_Record(tuple((f[1], v) for f, v in zip(shape, r, strict=True))) for r in out]

    def evaluate(self, row: Sequence[Any], params: Sequence[Any], ctx: EvalContext) -> Any:
        raise AssertionError("a set-returning item is expanded by _project")


#: Set-returning functions allowed at the top of a select-list item.
_SELECT_LIST_SRFS = frozenset(
    {
        "unnest",
        "generate_series",
        "generate_subscripts",
        "pg_partition_ancestors",
        "_pg_expandarray",
    }
)


def _is_select_list_srf(node: Any) -> bool:
    """A call of a function of _SELECT_LIST_SRFS (in its schema) fit for the select list."""
    if not (
        isinstance(node, ast.FuncCall)
        and node.over is None
        and not node.agg_star
        and node.funcname[-1].sval in _SELECT_LIST_SRFS
    ):
        return False
    name = node.funcname[-1].sval
    schema = "information_schema" if name == "_pg_expandarray" else "pg_catalog"
    if len(node.funcname) == 1:
        return schema == "pg_catalog"
    return len(node.funcname) == 2 and node.funcname[0].sval == schema


def _project(
    targets: Sequence[_Target], row: Sequence[Any], params: Sequence[Any], ctx: EvalContext
) -> Iterator[tuple[Any, ...]]:
    """The output rows of one input row: one, or with set-returning items as many as the
    longest of them yields, the shorter ones padded with NULL (PostgreSQL 10+)."""
    sets = {
        i: t.expr.values(row, params, ctx)
        for i, t in enumerate(targets)
        if isinstance(t.expr, _SetReturning)
    }
    if not sets:
        yield tuple(t.expr.evaluate(row, params, ctx) for t in targets)
        return
    plain = [
        None if i in sets else t.expr.evaluate(row, params, ctx) for i, t in enumerate(targets)
    ]
    for j in range(max(len(v) for v in sets.values())):
        out = list(plain)
        for i, v in sets.items():
            out[i] = v[j] if j < len(v) else None
        yield tuple(out)


@dataclass(frozen=True)
class _Order:
    expr: Any
    on_output: bool
    descending: bool
    nulls_first: bool | None


def _star(scope: _QScope, relation: str | None, position: int | None) -> list[int]:
    if relation is None:
        cols = [i for i, c in enumerate(scope.columns) if not c.hidden and i not in scope.shadowed]
        if not cols:
            raise PgSyntaxError("SELECT * with no tables specified is not valid", position=position)
        return cols
    return list(scope.star(relation, position - 1 if position else None))


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
        for sub in _walk(node):
            if is_aggregate_call(sub):
                raise GroupingError(
                    "aggregate functions are not allowed in GROUP BY", position=b.pos(sub)
                )
        slot = None
        if isinstance(node, ast.ColumnRef):
            slot = scope.resolve(tuple(f.sval for f in node.fields), node.location)
            if slot >= len(scope.columns):
                slot = None
        g.keys.append(compile_expr(node, sql, params, scope, subquery=b.subquery))
        g.key_nodes.append(node)
        g.key_texts.append(_deparse(node))
        g.key_slots.append(slot)
    return g


def _group(
    rows: Rows,
    g: _Grouping,
    has_group_by: bool,
    outer: Outer,
    params: Sequence[Any],
    ctx: EvalContext,
) -> Rows:
    groups: dict[Any, tuple[tuple[Any, ...], list[Any]]] = {}
    for r in rows:
        rr = r + outer
        keyvals = tuple(k.evaluate(rr, params, ctx) for k in g.keys)
        hk = tuple(group_key(k.type_oid, v) for k, v in zip(g.keys, keyvals, strict=True))
        entry = groups.get(hk)
        if entry is None:
            entry = (keyvals, [a.new_state() for a in g.aggregates])
            groups[hk] = entry
        states = entry[1]
        for i, a in enumerate(g.aggregates):
            states[i] = a.step(states[i], rr, params, ctx)
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
    slots: Callable[[Any], dict[int, int]],
    sql: str,
    params: ParamTypes,
    hook: Any,
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
    return compile_expr(node, sql, params, out_scope, slots=slots(node), subquery=hook)


def _compile_order(
    node: Any,
    targets: list[_Target],
    target_nodes: list[tuple[Any, str]],
    out_scope: Scope,
    scope: Scope,
    slots: Callable[[Any], dict[int, int]],
    sql: str,
    params: ParamTypes,
    hook: Any,
    distinct_all: bool,
) -> list[_Order]:
    out = []
    SB = enums.SortByDir
    SN = enums.SortByNulls
    texts = [_deparse(t) if t is not None else None for t, _ in target_nodes]
    for sb in node.sortClause or ():
        if sb.useOp:
            raise FeatureNotSupported("ORDER BY ... USING is not supported yet")
        e = _order_or_output_expr(
            sb.node, targets, target_nodes, out_scope, scope, slots, sql, params, hook
        )
        if not (isinstance(e, _SlotExpr) and e.output):
            text = _deparse(sb.node)
            if text in texts:
                k = texts.index(text)
                t = targets[k]
                e = _SlotExpr(k, ScopeColumn(None, t.name, t.expr.type_oid, t.expr.typmod), True)
            elif distinct_all:
                raise InvalidColumnReference(
                    "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                    position=_node_pos(sb.node),
                )
        desc = sb.sortby_dir == SB.SORTBY_DESC
        nulls = None
        if sb.sortby_nulls == SN.SORTBY_NULLS_FIRST:
            nulls = True
        elif sb.sortby_nulls == SN.SORTBY_NULLS_LAST:
            nulls = False
        out.append(_Order(e, isinstance(e, _SlotExpr) and e.output, desc, nulls))
    return out


def _node_pos(node: Any) -> int | None:
    loc = getattr(node, "location", None)
    return loc + 1 if isinstance(loc, int) and loc >= 0 else None


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
        if what == "OFFSET":
            raise InvalidRowCountInResultOffsetClause("OFFSET must not be negative")
        raise make_error("22013", f"{what} must not be negative")
    return n


# ---------------------------------------------------------------------------- pushdown


_INT_OIDS = (T.INT2, T.INT4, T.INT8)
_Equality = tuple[Any, str | None, str, RowExpr]  # see _equalities


def _equalities(
    where: Any, columns: list[ScopeColumn], sql: str, params: ParamTypes
) -> list[_Equality]:
    """The `col = <constant or parameter>` conjuncts of a WHERE that a scan can evaluate:
    (conjunct, relation of the column, column name, value expression).

    `_with_equals` keeps those a scan evaluates exactly: the value has the column's type,
    or both are integers (the executor then matches no row when the value is outside
    the column type's range).
    """
    out: list[_Equality] = []
    for c in conjuncts(where):
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
            slot = column_slot(ref, columns)
            if slot is None:
                continue
            sc = columns[slot]
            try:
                value = compile_expr(other, sql, params, None)
            except Exception:  # noqa: BLE001  (the residual WHERE reports errors)
                break
            out.append((c, sc.relation, sc.name, value))
            break
    return out


def _with_equals(scan: TableScan, pushed: list[_Equality]) -> tuple[TableScan, set[int]]:
    """`scan` with the pushed equalities on its columns; the ids of the conjuncts taken."""
    taken: set[int] = set()
    for conjunct, relation, name, value in pushed:
        if relation != scan.alias:
            continue
        col = scan.table.column(name)
        if (
            col is None
            or not col.native
            or col.type_oid in (T.FLOAT4, T.FLOAT8, T.BPCHAR)  # -0/NaN, blank-padding
        ):
            continue
        if value.type_oid != col.type_oid and not (
            value.type_oid in _INT_OIDS and col.type_oid in _INT_OIDS
        ):
            continue  # integers of another width: the executor checks the range
        scan = TableScan(scan.table, scan.alias, scan.equals + ((col, value),), scan.read)
        taken.add(id(conjunct))
    return scan, taken


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
    pushed = _equalities(where, columns, sql, params)
    return [_with_equals(scan, pushed)[0] for scan in scans]


def _push_into(scan: Scan, pushed: list[_Equality]) -> tuple[Scan, set[int]]:
    """Pushed equalities into a table scan or each segment of a join scan."""
    if isinstance(scan, TableScan):
        return _with_equals(scan, pushed)
    if isinstance(scan, JoinScan):
        taken: set[int] = set()
        segs = []
        for seg in scan.segments:
            seg, t = _with_equals(seg, pushed)
            segs.append(seg)
            taken |= t
        return JoinScan(tuple(segs), scan.links), taken
    return scan, set()
