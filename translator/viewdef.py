"""pg_get_viewdef: a view's query as PostgreSQL 15's ruleutils deparses it.

PostgreSQL stores a view as its analyzed query tree and prints it back with
ruleutils.c: every column qualified by its range variable, the coercions the
parser added shown as casts, literals labelled with their type, IN lists as
`= ANY (ARRAY[...])`, BETWEEN expanded, and a fixed line layout. kuzugres keeps
the view's SQL text, so this module redoes that in two passes:

* `_Analyzer` turns the pglast tree into a small typed tree (`Query`, `Var`,
  `Const`, `OpExpr` ...) mirroring the parts of PostgreSQL's Query that ruleutils
  reads; types, operator and function choice come from translator/expr.py's
  resolution tables, so the coercions shown are the ones kuzugres applies.
* `_Printer` prints that tree with ruleutils' rules, in the non-pretty form
  (`pg_get_viewdef(oid)`: every expression parenthesised) or the pretty one
  (`pg_get_viewdef(oid, true)`: parentheses only where needed).

A construct the analyzer does not know raises `Unsupported`; `view_definition`
then answers the stored text, as before (docs/decisions/0021-view-definitions.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pglast
from pglast import ast, enums

from kuzugres.errors import PgError
from kuzugres.proxy import types as T
from kuzugres.proxy.types import FormatContext, decode_text, encode_text, format_type
from kuzugres.translator.catalog import Catalog, TableDef, ViewDef

from . import expr as _expr

_STD, _JOIN, _VAR, _LIMIT = 8, 4, 4, 40  # ruleutils' PRETTYINDENT_* amounts


class Unsupported(Exception):
    """The view's query uses something this deparser does not print."""


# ---------------------------------------------------------------- the typed tree


@dataclass
class Rte:
    """A range table entry: a table or view, a WITH query or a subquery in FROM."""

    wanted: str  # its alias, else the relation's (WITH query's) name
    columns: list[tuple[str, int, int]]  # (name, type, typmod)
    relation: str = ""  # the FROM text of a relation ("sales.regions")
    subquery: Query | None = None
    explicit_alias: bool = False
    name: str | None = None  # the unique refname, set when printed


# The typed tree: PostgreSQL's analyzed nodes (Var, Const, OpExpr ...), as much of them
# as ruleutils reads. Casts cover FuncExpr/RelabelType/CoerceViaIO coercions alike.


@dataclass
class Var:
    rte: Rte
    column: str
    type: int
    typmod: int = -1


@dataclass
class Const:
    type: int
    text: str | None  # output text; None for NULL
    typmod: int = -1


@dataclass
class Cast:
    """A coercion: `implicit` ones (added by the parser) hide where ruleutils hides them."""

    arg: Any
    type: int
    typmod: int = -1
    implicit: bool = False


@dataclass
class OpExpr:
    name: str
    args: list[Any]  # one (prefix) or two
    type: int


@dataclass
class FuncExpr:
    name: str
    args: list[Any]
    type: int
    star: bool = False
    distinct: bool = False
    aggregate: bool = False
    syntax: str = ""  # EXTRACT, TRIM(BOTH|LEADING|TRAILING, POSITION, SUBSTRING: SQL syntax
    order: list[SortItem] = field(default_factory=list)  # an aggregate's ORDER BY
    filter: Any = None
    over: Window | None = None


@dataclass
class Window:
    """An OVER clause (default frame only)."""

    partition: list[Any]
    order: list[SortItem]


@dataclass
class BoolExpr:
    op: str  # AND, OR, NOT
    args: list[Any]
    type: int = T.BOOL


@dataclass
class NullTest:
    arg: Any
    negated: bool
    type: int = T.BOOL


@dataclass
class BooleanTest:
    arg: Any
    test: str  # "IS TRUE", "IS NOT FALSE", ...
    type: int = T.BOOL


@dataclass
class DistinctExpr:
    args: list[Any]
    type: int = T.BOOL


@dataclass
class ScalarArrayOp:
    name: str
    use_or: bool
    args: list[Any]
    type: int = T.BOOL


@dataclass
class ArrayExpr:
    elements: list[Any]
    type: int


@dataclass
class CaseExpr:
    arg: Any
    whens: list[tuple[Any, Any]]
    default: Any
    type: int


@dataclass
class Coalesce:
    args: list[Any]
    type: int


@dataclass
class NullIf:
    args: list[Any]
    type: int


@dataclass
class MinMax:
    name: str  # GREATEST, LEAST
    args: list[Any]
    type: int


@dataclass
class SubLink:
    kind: str  # EXISTS, ANY, ALL, EXPR
    test: Any  # left operand of ANY/ALL
    operator: str
    query: Query
    type: int


@dataclass
class Keyword:
    """SQL-syntax value functions: CURRENT_DATE, CURRENT_TIMESTAMP, ..."""

    text: str
    type: int


@dataclass
class Target:
    expr: Any
    name: str
    from_unknown: bool = False  # an unknown-typed literal made text


@dataclass
class SetOpColumn:
    """An output column of a set operation (never printed: its leaves are)."""

    type: int
    typmod: int = -1


@dataclass
class SortItem:
    expr: Any
    descending: bool
    nulls: str  # "", " NULLS FIRST", " NULLS LAST"


@dataclass
class Join:
    kind: str  # JOIN, LEFT JOIN, RIGHT JOIN, FULL JOIN, CROSS JOIN
    left: Any
    right: Any
    quals: Any = None
    using: list[str] = field(default_factory=list)


@dataclass
class SetOp:
    op: str  # UNION, UNION ALL, INTERSECT, ...
    left: Query | SetOp
    right: Query | SetOp


@dataclass
class Cte:
    """A WITH query (not recursive)."""

    name: str
    columns: list[str]  # its column alias list, if written
    materialized: str  # "", "MATERIALIZED ", "NOT MATERIALIZED "
    query: Query


@dataclass
class Query:
    ctes: list[Cte] = field(default_factory=list)
    rtes: list[Rte] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    from_items: list[Any] = field(default_factory=list)  # Rte or Join
    where: Any = None
    group: list[Any] = field(default_factory=list)
    having: Any = None
    order: list[SortItem] = field(default_factory=list)
    limit: Any = None
    offset: Any = None
    distinct: bool = False
    distinct_on: list[Any] = field(default_factory=list)
    setop: SetOp | None = None  # a UNION of queries instead of the above


def _type_of(node: Any) -> int:
    return int(node.type) if not isinstance(node, Query) else T.RECORD


def _typmod_of(node: Any) -> int:
    return int(getattr(node, "typmod", -1))


# ---------------------------------------------------------------- dispatch tables

# one analyzer per pglast expression class, one printer per typed-tree class
_ANALYZERS: dict[type, Callable[..., Any]] = {}
_PRINTERS: dict[type, Callable[..., None]] = {}

_F = TypeVar("_F", bound=Callable[..., Any])


def _registers(table: dict[type, Callable[..., Any]], *classes: type) -> Callable[[_F], _F]:
    def register(method: _F) -> _F:
        for cls in classes:
            if cls in table:
                raise RuntimeError(f"{cls.__name__} is registered twice")
            table[cls] = method
        return method

    return register


def _analyzes(*classes: type) -> Callable[[_F], _F]:
    """Register an `_Analyzer` method for pglast nodes of `classes`."""
    return _registers(_ANALYZERS, *classes)


def _prints(*classes: type) -> Callable[[_F], _F]:
    """Register a `_Printer` method for typed-tree nodes of `classes`."""
    return _registers(_PRINTERS, *classes)


# ---------------------------------------------------------------- analysis


@dataclass
class _Level:
    """One query level's visible range variables (and the levels around it)."""

    query: Query
    visible: list[Rte] = field(default_factory=list)
    merged: dict[str, Var] = field(default_factory=dict)  # JOIN USING columns, unqualified
    outer: _Level | None = None
    ctes: dict[str, Cte] = field(default_factory=dict)

    def cte(self, name: str) -> Cte | None:
        """The WITH query `name` refers to here or in an enclosing level."""
        level: _Level | None = self
        while level is not None:
            if name in level.ctes:
                return level.ctes[name]
            level = level.outer
        return None


class _Analyzer:
    """Builds the typed tree of a SELECT the way PostgreSQL's parser analyzes it."""

    def __init__(
        self, catalog: Catalog, depends: Sequence[str] = (), fmt: FormatContext | None = None
    ) -> None:
        self.catalog = catalog
        self.depends = depends  # qualified names of the relations the view reads
        self.fmt = fmt or FormatContext()

    # -- queries
    def query(self, node: Any, outer: _Level | None, names: Sequence[str] = ()) -> Query:
        if not isinstance(node, ast.SelectStmt):
            raise Unsupported(type(node).__name__)
        if node.intoClause or node.lockingClause or node.windowClause:
            raise Unsupported("INTO/locking/WINDOW")
        if node.valuesLists:
            raise Unsupported("VALUES")
        if node.withClause is not None:
            return self.with_query(node, outer, names)
        if node.op != enums.SetOperation.SETOP_NONE:
            return self.setop(node, outer, names)
        q = Query()
        level = _Level(q, outer=outer)
        for item in node.fromClause or ():
            q.from_items.append(self.from_item(item, level))
        q.targets = self.targets(node.targetList or (), level)
        if node.whereClause is not None:
            q.where = self.condition(node.whereClause, level)
        for g in node.groupClause or ():
            q.group.append(self.sort_group_expr(g, q, level, order=False))
        if node.havingClause is not None:
            q.having = self.condition(node.havingClause, level)
        if node.distinctClause is not None:
            exprs = [d for d in node.distinctClause if d is not None]
            q.distinct = not exprs
            q.distinct_on = [self.sort_group_expr(d, q, level) for d in exprs]
        self.tail(node, q, level)
        for target, name in zip(q.targets, names, strict=False):
            target.name = name  # CREATE VIEW v (a, b): applied after the query's analysis
        return q

    def with_query(self, node: Any, outer: _Level | None, names: Sequence[str]) -> Query:
        """A SELECT with WITH queries: each visible to the later ones and to the body."""
        if node.withClause.recursive:
            raise Unsupported("WITH RECURSIVE")
        scope = _Level(Query(), outer=outer)
        ctes: list[Cte] = []
        for c in node.withClause.ctes:
            if c.search_clause is not None or c.cycle_clause is not None:
                raise Unsupported("SEARCH/CYCLE")
            sub = self.query(c.ctequery, scope)
            columns = [a.sval for a in c.aliascolnames or ()]
            materialized = {0: "", 1: "MATERIALIZED ", 2: "NOT MATERIALIZED "}
            cte = Cte(c.ctename, columns, materialized[int(c.ctematerialized or 0)], sub)
            scope.ctes[c.ctename] = cte
            ctes.append(cte)
        body = ast.SelectStmt(**{k: getattr(node, k) for k in node if k != "withClause"})
        q = self.query(body, scope, names)
        if q.setop is not None:
            raise Unsupported("WITH over a set operation")
        q.ctes = ctes
        return q

    def setop(self, node: Any, outer: _Level | None, names: Sequence[str]) -> Query:
        if node.sortClause or node.limitCount is not None or node.limitOffset is not None:
            raise Unsupported("ORDER BY/LIMIT over a set operation")
        leaves: list[Query] = []
        tree = self.setop_tree(node, outer, names, leaves)
        assert isinstance(tree, SetOp)
        first = leaves[0].targets
        if any(len(leaf.targets) != len(first) for leaf in leaves):
            raise Unsupported("set operation arity")
        q = Query(setop=tree)
        for i, target in enumerate(first):
            column = [leaf.targets[i] for leaf in leaves]
            types = {_type_of(t.expr) for t in column}
            if len(types) > 1 and any(t.from_unknown for t in column):
                raise Unsupported("a literal the set operation coerces")
            common = self.common_type([t.expr for t in column])
            if names:  # the view's own set operation: every branch shows its column names
                for t in column:
                    t.name = target.name
            q.targets.append(Target(SetOpColumn(common), target.name))
        # the set operation's own range table names its branches
        q.rtes = [Rte(f"*SELECT* {i}", []) for i in range(1, len(leaves) + 1)]
        return q

    def setop_tree(
        self, node: Any, outer: _Level | None, names: Sequence[str], leaves: list[Query]
    ) -> Query | SetOp:
        if node.op == enums.SetOperation.SETOP_NONE:
            leaf = self.query(node, outer, names if not leaves else ())
            leaves.append(leaf)
            return leaf
        if node.sortClause or node.limitCount is not None or node.limitOffset is not None:
            raise Unsupported("ORDER BY/LIMIT in a set operation branch")
        op = {
            enums.SetOperation.SETOP_UNION: "UNION",
            enums.SetOperation.SETOP_INTERSECT: "INTERSECT",
            enums.SetOperation.SETOP_EXCEPT: "EXCEPT",
        }[node.op]
        left = self.setop_tree(node.larg, outer, names, leaves)
        right = self.setop_tree(node.rarg, outer, names, leaves)
        return SetOp(op + (" ALL" if node.all else ""), left, right)

    def tail(self, node: Any, q: Query, level: _Level) -> None:
        q.order = [self.sort_item(s, q, level) for s in node.sortClause or ()]
        if node.limitOption == enums.LimitOption.LIMIT_OPTION_WITH_TIES:
            raise Unsupported("FETCH ... WITH TIES")
        if node.limitCount is not None:
            q.limit = self.coerced(self.expr(node.limitCount, level), T.INT8)
        if node.limitOffset is not None:
            q.offset = self.coerced(self.expr(node.limitOffset, level), T.INT8)

    def sort_item(self, s: Any, q: Query | None, level: _Level) -> SortItem:
        """One ORDER BY item (of the query `q`, or of an aggregate or window: q None)."""
        if s.useOp:
            raise Unsupported("ORDER BY USING")
        desc = s.sortby_dir == enums.SortByDir.SORTBY_DESC
        nulls = ""
        if s.sortby_nulls == enums.SortByNulls.SORTBY_NULLS_FIRST and not desc:
            nulls = " NULLS FIRST"
        elif s.sortby_nulls == enums.SortByNulls.SORTBY_NULLS_LAST and desc:
            nulls = " NULLS LAST"
        if q is None:
            return SortItem(self.finalize(self.expr(s.node, level)), desc, nulls)
        return SortItem(self.sort_group_expr(s.node, q, level), desc, nulls)

    def sort_group_expr(self, node: Any, q: Query, level: _Level, order: bool = True) -> Any:
        """A GROUP BY/ORDER BY item: an output column number or name, or an expression.

        A bare name is an output column first for ORDER BY, an input column first for
        GROUP BY (PostgreSQL's findTargetlistEntrySQL92)."""
        val: Any = node.val if isinstance(node, ast.A_Const) else None
        if isinstance(val, ast.Integer):
            n = int(val.ival or 0)
            if not 1 <= n <= len(q.targets):
                raise Unsupported("position out of range")
            return q.targets[n - 1].expr
        fields: Any = node.fields if isinstance(node, ast.ColumnRef) else ()
        if len(fields) == 1 and isinstance(fields[0], ast.String):
            name = fields[0].sval
            hits = [t for t in q.targets if t.name == name]
            if len(hits) == 1 and (order or not self.in_scope(name, level)):
                return hits[0].expr
        return self.finalize(self.expr(node, level))

    def in_scope(self, name: str | None, level: _Level) -> bool:
        return any(name == c[0] for rte in level.visible for c in rte.columns)

    # -- FROM
    def from_item(self, node: Any, level: _Level) -> Any:
        if isinstance(node, ast.RangeVar):
            return self.relation(node, level)
        if isinstance(node, ast.RangeSubselect):
            if node.lateral or node.alias is None or node.alias.colnames:
                raise Unsupported("subquery form")
            # not LATERAL: it sees the enclosing levels (and WITH queries), not this one
            sub = self.query(node.subquery, level.outer)
            cols = [(t.name, _type_of(t.expr), _typmod_of(t.expr)) for t in sub.targets]
            rte = Rte(str(node.alias.aliasname), cols, subquery=sub, explicit_alias=True)
            return self.add_rte(rte, level)
        if isinstance(node, ast.JoinExpr):
            return self.join(node, level)
        raise Unsupported(type(node).__name__)

    def relation(self, node: Any, level: _Level) -> Rte:
        if node.catalogname or not node.inh or node.relpersistence not in ("p", None):
            raise Unsupported("relation form")
        cte = level.cte(node.relname) if node.schemaname is None else None
        if cte is not None:
            if node.alias is not None and node.alias.colnames:
                raise Unsupported("column aliases")
            cols = [(t.name, _type_of(t.expr), _typmod_of(t.expr)) for t in cte.query.targets]
            for i, column in enumerate(cte.columns[: len(cols)]):
                cols[i] = (column, *cols[i][1:])
            alias = node.alias.aliasname if node.alias is not None else None
            rte = Rte(alias or cte.name, cols, relation=_quote(cte.name))
            rte.explicit_alias = alias is not None
            return self.add_rte(rte, level)
        rel = self.bound_relation(node.relname, node.schemaname)
        if not isinstance(rel, TableDef | ViewDef):
            raise Unsupported("not a table or view")
        if node.alias is not None and node.alias.colnames:
            raise Unsupported("column aliases")
        shown = _quote(rel.name)
        if self.catalog.resolve(rel.name) is not rel:
            shown = f"{_quote(rel.schema)}.{shown}"
        cols = [(c.name, c.type_oid, c.typmod) for c in rel.columns]
        alias = node.alias.aliasname if node.alias is not None else None
        rte = Rte(alias or rel.name, cols, relation=shown, explicit_alias=alias is not None)
        return self.add_rte(rte, level)

    def bound_relation(self, name: str, schema: str | None) -> Any:
        """The relation a name in the view's text meant when the view was made: one the
        view depends on (PostgreSQL binds names at CREATE VIEW, whatever search_path is
        now), else the one the name resolves to now."""
        if schema is None:
            for qualified in self.depends:
                if qualified.rpartition(".")[2] == name:
                    return self.catalog.relation_at(qualified)
        return self.catalog.resolve(name, schema)

    def add_rte(self, rte: Rte, level: _Level) -> Rte:
        level.query.rtes.append(rte)
        level.visible.append(rte)
        return rte

    def join(self, node: Any, level: _Level) -> Join:
        if node.isNatural or node.alias is not None or node.join_using_alias is not None:
            raise Unsupported("NATURAL or aliased join")
        kinds = {
            enums.JoinType.JOIN_INNER: "JOIN",
            enums.JoinType.JOIN_LEFT: "LEFT JOIN",
            enums.JoinType.JOIN_RIGHT: "RIGHT JOIN",
            enums.JoinType.JOIN_FULL: "FULL JOIN",
        }
        kind = kinds[node.jointype]
        left = self.from_item(node.larg, level)
        right = self.from_item(node.rarg, level)
        j = Join(kind, left, right)
        if node.usingClause:
            if kind in ("FULL JOIN", "RIGHT JOIN"):
                raise Unsupported("FULL/RIGHT JOIN USING")
            for n in node.usingClause:
                name = n.sval
                lvar = self.column_of(left, name)
                rvar = self.column_of(right, name)
                if _type_of(lvar) != _type_of(rvar):
                    raise Unsupported("USING columns of different types")
                j.using.append(name)
                level.merged[name] = lvar
        elif node.quals is not None:
            j.quals = self.condition(node.quals, level)
        elif kind == "JOIN":
            j.kind = "CROSS JOIN"
        return j

    def column_of(self, item: Any, name: str) -> Var:
        rtes = [item] if isinstance(item, Rte) else self.rtes_of(item)
        hits = [Var(r, c[0], c[1], c[2]) for r in rtes for c in r.columns if c[0] == name]
        if len(hits) != 1:
            raise Unsupported("USING column")
        return hits[0]

    def rtes_of(self, item: Any) -> list[Rte]:
        if isinstance(item, Rte):
            return [item]
        return self.rtes_of(item.left) + self.rtes_of(item.right)

    # -- target list
    def targets(self, items: Sequence[Any], level: _Level) -> list[Target]:
        out: list[Target] = []
        for res in items:
            val = res.val
            fields: Any = val.fields if isinstance(val, ast.ColumnRef) else ()
            if fields and isinstance(fields[-1], ast.A_Star):
                out += self.star(val, level)
                continue
            e = self.expr(val, level)
            unknown = _type_of(e) == T.UNKNOWN
            out.append(Target(self.finalize(e), res.name or _expr.column_label(val), unknown))
        return out

    def star(self, node: Any, level: _Level) -> list[Target]:
        """`*` (every FROM item's columns, as joins output them) or `rel.*`."""
        if len(node.fields) == 2:
            rel = node.fields[0].sval
            rtes = [r for r in level.visible if r.wanted == rel]
            if len(rtes) != 1:
                raise Unsupported("star")
            return [Target(v, v.column) for v in _columns_of(rtes[0])]
        if len(node.fields) != 1:
            raise Unsupported("qualified star")
        return [Target(v, v.column) for item in level.query.from_items for v in _columns_of(item)]

    # -- expressions
    def condition(self, node: Any, level: _Level) -> Any:
        e = self.expr(node, level)
        return self.coerced(e, T.BOOL)

    def finalize(self, e: Any) -> Any:
        """An unknown literal at the top of a target list becomes text."""
        return self.coerced(e, T.TEXT) if _type_of(e) == T.UNKNOWN else e

    def coerced(self, e: Any, target: int, typmod: int = -1) -> Any:
        """`e` as `target`, as the parser's implicit coercion leaves it."""
        src = _type_of(e)
        if target in _expr._POLY or src == target:
            return e
        if src == T.UNKNOWN:
            if isinstance(e, Const):
                return self.literal(e.text, target, typmod)
            raise Unsupported("unknown-typed expression")
        if isinstance(e, ArrayExpr) and T.type_by_oid(target).is_array:
            return Cast(e, target, implicit=True)
        if not _expr._can_implicit(src, target):
            raise Unsupported(f"coercion {src} -> {target}")
        return Cast(e, target, implicit=True)

    def literal(self, text: str | None, target: int, typmod: int = -1) -> Const:
        if text is None:
            return Const(target, None, typmod)
        if target in (T.TEXT, T.VARCHAR, T.BPCHAR, T.NAME, T.UNKNOWN):
            return Const(target, text, typmod)
        if T.is_enum(target):
            if text not in T.ENUM_LABELS.get(target, ()):
                raise Unsupported("not a label of the enum")
            return Const(target, text, typmod)
        if target in T.OID_ALIASES:
            raise Unsupported("literal of an OID alias type")
        try:
            # printed by the type's output function under the session's settings
            value = decode_text(target, text.encode(), self.fmt)
            shown = encode_text(target, value, self.fmt).decode()
        except PgError as err:
            raise Unsupported("literal") from err
        return Const(target, shown, typmod)

    def expr(self, node: Any, level: _Level) -> Any:
        """The typed tree of a pglast expression (its class's `@_analyzes` method)."""
        handler = _ANALYZERS.get(type(node))
        if handler is None:
            raise Unsupported(type(node).__name__)
        return handler(self, node, level)

    @_analyzes(ast.A_Const)
    def a_const(self, node: Any, level: _Level) -> Any:
        if node.isnull:
            return Const(T.UNKNOWN, None)
        val = node.val
        if isinstance(val, ast.Integer):
            return Const(T.INT4, str(val.ival))
        if isinstance(val, ast.Float):
            text = str(val.fval)
            if re.fullmatch(r"-?\d+", text):
                n = int(text)
                if -(2**31) <= n < 2**31:
                    return Const(T.INT4, str(n))
                if -(2**63) <= n < 2**63:
                    return Const(T.INT8, str(n))
            return self.literal(text, T.NUMERIC)
        if isinstance(val, ast.String):
            return Const(T.UNKNOWN, str(val.sval))
        if isinstance(val, ast.Boolean):
            return Const(T.BOOL, "true" if val.boolval else "false")
        raise Unsupported("constant")

    @_analyzes(ast.ColumnRef)
    def column_ref(self, node: Any, level: _Level) -> Any:
        fields = node.fields
        if not all(isinstance(f, ast.String) for f in fields) or len(fields) > 2:
            raise Unsupported("column reference")
        names = [f.sval for f in fields]
        scope: _Level | None = level
        while scope is not None:
            found = self.resolve(names, scope)
            if found is not None:
                return found
            scope = scope.outer
        raise Unsupported(f"column {'.'.join(names)}")

    def resolve(self, names: list[str], level: _Level) -> Var | None:
        column = names[-1]
        if len(names) == 1 and column in level.merged:
            return level.merged[column]
        hits = [
            Var(rte, c[0], c[1], c[2])
            for rte in level.visible
            if len(names) == 1 or rte.wanted == names[0]
            for c in rte.columns
            if c[0] == column
        ]
        if len(hits) > 1:
            raise Unsupported("ambiguous column")
        return hits[0] if hits else None

    @_analyzes(ast.TypeCast)
    def type_cast(self, node: Any, level: _Level) -> Any:
        oid, typmod = _expr._resolve_type_name(node.typeName, "")
        arg = self.expr(node.arg, level)
        if isinstance(arg, ArrayExpr):
            raise Unsupported("array cast")
        if isinstance(arg, Const) and arg.type == T.UNKNOWN:
            if arg.text is None:
                return Const(oid, None, typmod)
            c = self.literal(arg.text, oid)
            return Cast(c, oid, typmod) if typmod >= 0 else c
        if _type_of(arg) == oid:
            return arg if typmod < 0 or typmod == _typmod_of(arg) else Cast(arg, oid, typmod)
        if typmod >= 0:  # the length coercion hides the type coercion under it
            return Cast(Cast(arg, oid, implicit=True), oid, typmod)
        return Cast(arg, oid, typmod)

    @_analyzes(ast.A_Expr)
    def a_expr(self, node: Any, level: _Level) -> Any:
        K = enums.A_Expr_Kind
        name = str(node.name[-1].sval) if node.name else ""
        if node.kind in (K.AEXPR_OP, K.AEXPR_LIKE, K.AEXPR_ILIKE):
            if len(node.name) > 1:
                raise Unsupported("qualified operator")
            left = self.expr(node.lexpr, level) if node.lexpr is not None else None
            return self.operator(name, left, self.expr(node.rexpr, level))
        if node.kind in (K.AEXPR_DISTINCT, K.AEXPR_NOT_DISTINCT):
            op = self.operator("=", self.expr(node.lexpr, level), self.expr(node.rexpr, level))
            d = DistinctExpr(op.args)
            return d if node.kind == K.AEXPR_DISTINCT else BoolExpr("NOT", [d])
        if node.kind == K.AEXPR_IN:
            return self.in_list(node, name, level)
        if node.kind in (K.AEXPR_OP_ANY, K.AEXPR_OP_ALL):
            left = self.expr(node.lexpr, level)
            use_or = node.kind == K.AEXPR_OP_ANY
            return self.array_op(name, use_or, left, self.expr(node.rexpr, level))
        if node.kind in (K.AEXPR_BETWEEN_SYM, K.AEXPR_NOT_BETWEEN_SYM):
            lo, hi = node.rexpr
            plain = K.AEXPR_BETWEEN if node.kind == K.AEXPR_BETWEEN_SYM else K.AEXPR_NOT_BETWEEN
            first = self.a_expr(ast.A_Expr(kind=plain, lexpr=node.lexpr, rexpr=(lo, hi)), level)
            second = self.a_expr(ast.A_Expr(kind=plain, lexpr=node.lexpr, rexpr=(hi, lo)), level)
            return BoolExpr("OR" if plain == K.AEXPR_BETWEEN else "AND", [first, second])
        if node.kind in (K.AEXPR_BETWEEN, K.AEXPR_NOT_BETWEEN):
            lo, hi = node.rexpr
            left = node.lexpr
            if node.kind == K.AEXPR_BETWEEN:
                parts = [self.operator(">=", self.expr(left, level), self.expr(lo, level))]
                parts.append(self.operator("<=", self.expr(left, level), self.expr(hi, level)))
                return BoolExpr("AND", parts)
            parts = [self.operator("<", self.expr(left, level), self.expr(lo, level))]
            parts.append(self.operator(">", self.expr(left, level), self.expr(hi, level)))
            return BoolExpr("OR", parts)
        if node.kind == K.AEXPR_NULLIF:
            op = self.operator("=", self.expr(node.lexpr, level), self.expr(node.rexpr, level))
            return NullIf(op.args, _type_of(op.args[0]))
        raise Unsupported(f"A_Expr kind {node.kind}")

    def operator(self, name: str, left: Any, right: Any) -> Any:
        args = [right] if left is None else [left, right]
        if name in _COMPARISONS and (_type_of(args[0]), _type_of(args[-1])) in _DATETIME_PAIRS:
            return OpExpr("<>" if name == "!=" else name, args, T.BOOL)
        candidates = [c for c in _expr._OPERATORS.get(name, []) if len(c.args) == len(args)]
        chosen = _expr._select_overload(candidates, [_type_of(a) for a in args])
        if chosen is None or isinstance(chosen, list):
            raise Unsupported(f"operator {name}")
        ov, types = chosen
        coerced = [self.coerced(a, t) for a, t in zip(args, types, strict=True)]
        result = _expr._result_type(ov, tuple(_type_of(a) for a in coerced))
        shown = "<>" if name == "!=" else name
        return OpExpr(shown, coerced, result)

    def in_list(self, node: Any, name: str, level: _Level) -> Any:
        """transformAExprIn: the items without Vars of this level as one `op ANY (ARRAY[...])`
        (when more than one), then each other item compared on its own, OR-ed (AND-ed)
        one at a time."""
        use_or = name == "="
        items = list(node.rexpr)
        with_vars = [x for x in items if self.has_var(x, level)]
        without = [x for x in items if x not in with_vars]
        result: Any = None
        if len(without) > 1:
            left = self.expr(node.lexpr, level)
            values = [self.expr(x, level) for x in without]
            common = self.common_type([left, *values])
            array = ArrayExpr([self.coerced(v, common) for v in values], _array_type(common))
            result = self.array_op(name, use_or, left, array)
            items = with_vars
        for x in items:
            cmp = self.operator(name, self.expr(node.lexpr, level), self.expr(x, level))
            result = cmp if result is None else BoolExpr("OR" if use_or else "AND", [result, cmp])
        return result

    def array_op(self, name: str, use_or: bool, left: Any, array: Any) -> ScalarArrayOp:
        """make_scalar_array_op: `left name ANY|ALL (array)`, coercing both sides."""
        atype = _type_of(array)
        if atype == T.UNKNOWN:
            elem = T.UNKNOWN
        elif T.type_by_oid(atype).is_array:
            elem = T.type_by_oid(atype).elem_oid
        else:
            raise Unsupported("ANY over a non-array")
        op = self.operator(name, left, Const(elem, None))
        if _type_of(op) != T.BOOL:
            raise Unsupported("array operator result")
        target = _array_type(_type_of(op.args[1]))
        if isinstance(array, ArrayExpr) and atype != target:
            array = Cast(array, target, implicit=True)
        else:
            array = self.coerced(array, target)
        return ScalarArrayOp(op.name, use_or, [op.args[0], array])

    def has_var(self, node: Any, level: _Level) -> bool:
        """Whether an expression reads a column of this query level (contain_vars_of_level)."""
        found: list[Any] = []
        _walk(node, found)
        for ref in found:
            if isinstance(ref, ast.SubLink):
                raise Unsupported("subquery in an IN list")
            names = [str(f.sval) for f in ref.fields if isinstance(f, ast.String)]
            if self.resolve(names, level) is None:
                raise Unsupported("outer reference in an IN list")
        return bool(found)

    @_analyzes(ast.A_ArrayExpr)
    def array_expr(self, node: Any, level: _Level) -> Any:
        elements = [self.expr(x, level) for x in node.elements or ()]
        if not elements:
            raise Unsupported("empty ARRAY[]")
        common = self.common_type(elements)
        if T.type_by_oid(common).is_array:
            raise Unsupported("multidimensional ARRAY[]")
        return ArrayExpr([self.coerced(e, common) for e in elements], _array_type(common))

    def common_type(self, exprs: Sequence[Any]) -> int:
        c = _expr._Compiler("", _expr.ParamTypes([]))
        probes = [_expr.Expr(_type_of(e), lambda env: None) for e in exprs]
        try:
            return c.common_type(probes, "IN")
        except PgError as err:
            raise Unsupported("IN list types") from err

    @_analyzes(ast.BoolExpr)
    def bool_expr(self, node: Any, level: _Level) -> Any:
        op = {0: "AND", 1: "OR", 2: "NOT"}[int(node.boolop)]
        return BoolExpr(op, [self.condition(a, level) for a in node.args])

    @_analyzes(ast.NullTest)
    def null_test(self, node: Any, level: _Level) -> Any:
        arg = self.expr(node.arg, level)
        if _type_of(arg) == T.UNKNOWN:
            arg = self.coerced(arg, T.TEXT)
        return NullTest(arg, node.nulltesttype == enums.NullTestType.IS_NOT_NULL)

    @_analyzes(ast.BooleanTest)
    def boolean_test(self, node: Any, level: _Level) -> Any:
        tests = {
            0: "IS TRUE",
            1: "IS NOT TRUE",
            2: "IS FALSE",
            3: "IS NOT FALSE",
            4: "IS UNKNOWN",
            5: "IS NOT UNKNOWN",
        }
        return BooleanTest(self.condition(node.arg, level), tests[int(node.booltesttype)])

    @_analyzes(ast.FuncCall)
    def func_call(self, node: Any, level: _Level) -> Any:
        names = [n.sval for n in node.funcname]
        if len(names) > 1 and names[0] != "pg_catalog":
            raise Unsupported("qualified function")
        if node.agg_within_group or node.func_variadic:
            raise Unsupported("function call form")
        name = names[-1]
        syntax = ""
        # The stored text is pglast's deparse, which writes TRIM(...) and SUBSTRING(x FROM
        # ...) as pg_catalog.btrim(...) and pg_catalog.substring(...): a pg_catalog-qualified
        # call stands for the SQL syntax it came from (and only known ones are printed).
        if len(names) > 1 and name in _PLAIN_IN_PG:
            pass
        elif node.funcformat == enums.CoercionForm.COERCE_SQL_SYNTAX or len(names) > 1:
            syntax = _SQL_SYNTAX.get((name, len(node.args or ())), "")
            if not syntax:
                raise Unsupported(f"{name} in SQL syntax")
        elif node.funcformat != enums.CoercionForm.COERCE_EXPLICIT_CALL:
            raise Unsupported("function call form")
        aggregate = name in _expr._AGGREGATE_OVERLOADS
        window = node.over is not None and not aggregate
        if node.agg_star:
            if name != "count":
                raise Unsupported("star")
            f = FuncExpr("count", [], T.INT8, star=True, aggregate=True)
        elif window:
            f = self.window_function(name, node, level)
        else:
            table = _expr._AGGREGATE_OVERLOADS if aggregate else _expr._FUNCTIONS
            f = self.call(name, [self.expr(a, level) for a in node.args or ()], table)
            f.aggregate, f.syntax = aggregate, syntax
            if syntax == "SUBSTRING" and any(_type_of(a) != T.INT4 for a in f.args[1:]):
                raise Unsupported("SUBSTRING over a pattern")
        f.distinct = bool(node.agg_distinct)
        if node.agg_filter is not None:
            f.filter = self.condition(node.agg_filter, level)
        if node.agg_order:
            if not aggregate:
                raise Unsupported("ORDER BY in a call")
            f.order = [self.sort_item(s, None, level) for s in node.agg_order]
        if node.over is not None:
            f.over = self.window(node.over, level)
        return f

    def call(self, name: str, args: list[Any], table: dict[str, Any]) -> FuncExpr:
        """A call resolved like PostgreSQL's func_select_candidate, arguments coerced."""
        chosen = _expr._select_overload(table.get(name, []), [_type_of(a) for a in args])
        if chosen is None or isinstance(chosen, list):
            raise Unsupported(f"function {name}")
        ov, types = chosen
        if ov.variadic:
            raise Unsupported("variadic function")
        coerced = [
            self.finalize(a) if t == T.ANY else self.coerced(a, t)
            for a, t in zip(args, types, strict=True)
        ]
        return FuncExpr(name, coerced, _expr._result_type(ov, tuple(_type_of(a) for a in coerced)))

    def window_function(self, name: str, node: Any, level: _Level) -> FuncExpr:
        args = [self.expr(a, level) for a in node.args or ()]
        if name in _RANKING and not args:
            return FuncExpr(name, [], _RANKING[name])
        if name == "ntile" and len(args) == 1:
            return FuncExpr(name, [self.coerced(args[0], T.INT4)], T.INT4)
        if name in ("first_value", "last_value") and len(args) == 1:
            arg = self.finalize(args[0])
            return FuncExpr(name, [arg], _type_of(arg))
        if name in ("lag", "lead") and len(args) in (1, 2):
            arg = self.finalize(args[0])
            rest = [self.coerced(a, T.INT4) for a in args[1:]]
            return FuncExpr(name, [arg, *rest], _type_of(arg))
        raise Unsupported(f"window function {name}")

    def window(self, node: Any, level: _Level) -> Window:
        if node.name or node.refname or node.frameOptions != _DEFAULT_FRAME:
            raise Unsupported("named window or frame clause")
        partition = [self.finalize(self.expr(p, level)) for p in node.partitionClause or ()]
        order = [self.sort_item(s, None, level) for s in node.orderClause or ()]
        return Window(partition, order)

    @_analyzes(ast.CoalesceExpr)
    def coalesce(self, node: Any, level: _Level) -> Any:
        args = [self.expr(a, level) for a in node.args]
        common = self.common_type(args)
        return Coalesce([self.coerced(a, common) for a in args], common)

    @_analyzes(ast.MinMaxExpr)
    def min_max(self, node: Any, level: _Level) -> Any:
        args = [self.expr(a, level) for a in node.args]
        common = self.common_type(args)
        name = "GREATEST" if node.op == enums.MinMaxOp.IS_GREATEST else "LEAST"
        return MinMax(name, [self.coerced(a, common) for a in args], common)

    @_analyzes(ast.CaseExpr)
    def case_expr(self, node: Any, level: _Level) -> Any:
        results = [self.expr(w.result, level) for w in node.args]
        default = (
            self.expr(node.defresult, level)
            if node.defresult is not None
            else Const(T.UNKNOWN, None)
        )
        common = self.common_type([default, *results])  # PostgreSQL weighs ELSE first
        arg = self.expr(node.arg, level) if node.arg is not None else None
        whens = []
        for w, r in zip(node.args, results, strict=True):
            if arg is not None:
                # "CaseTestExpr = value": ruleutils prints the value only
                cond = self.operator("=", arg, self.expr(w.expr, level)).args[1]
            else:
                cond = self.condition(w.expr, level)
            whens.append((cond, self.coerced(r, common)))
        return CaseExpr(arg, whens, self.coerced(default, common), common)

    @_analyzes(ast.SubLink)
    def sublink(self, node: Any, level: _Level) -> Any:
        S = enums.SubLinkType
        sub = self.query(node.subselect, level)
        if node.subLinkType == S.EXISTS_SUBLINK:
            return SubLink("EXISTS", None, "", sub, T.BOOL)
        if node.subLinkType == S.EXPR_SUBLINK:
            if len(sub.targets) != 1:
                raise Unsupported("scalar subquery")
            return SubLink("EXPR", None, "", sub, _type_of(sub.targets[0].expr))
        if node.subLinkType in (S.ANY_SUBLINK, S.ALL_SUBLINK):
            if len(sub.targets) != 1:
                raise Unsupported("row subquery")
            name = str(node.operName[-1].sval) if node.operName else "="
            left = self.expr(node.testexpr, level)
            op = self.operator(name, left, sub.targets[0].expr)
            if op.args[1] is not sub.targets[0].expr:
                raise Unsupported("subquery coercion")
            kind = "ANY" if node.subLinkType == S.ANY_SUBLINK else "ALL"
            return SubLink(kind, op.args[0], op.name, sub, T.BOOL)
        raise Unsupported("sublink type")

    @_analyzes(ast.SQLValueFunction)
    def value_function(self, node: Any, level: _Level) -> Any:
        op = enums.SQLValueFunctionOp
        known = {
            op.SVFOP_CURRENT_DATE: ("CURRENT_DATE", T.DATE),
            op.SVFOP_CURRENT_TIME: ("CURRENT_TIME", T.TIMETZ),
            op.SVFOP_CURRENT_TIMESTAMP: ("CURRENT_TIMESTAMP", T.TIMESTAMPTZ),
            op.SVFOP_LOCALTIME: ("LOCALTIME", T.TIME),
            op.SVFOP_LOCALTIMESTAMP: ("LOCALTIMESTAMP", T.TIMESTAMP),
            op.SVFOP_CURRENT_USER: ("CURRENT_USER", T.NAME),
            op.SVFOP_SESSION_USER: ("SESSION_USER", T.NAME),
            op.SVFOP_USER: ("USER", T.NAME),
            op.SVFOP_CURRENT_ROLE: ("CURRENT_ROLE", T.NAME),
            op.SVFOP_CURRENT_CATALOG: ("CURRENT_CATALOG", T.NAME),
            op.SVFOP_CURRENT_SCHEMA: ("CURRENT_SCHEMA", T.NAME),
        }
        if node.op not in known:
            raise Unsupported("SQL value function")
        text, oid = known[node.op]
        return Keyword(text, oid)


# PostgreSQL has comparison operators between these types (date_lt_timestamp ...):
# no coercion is added, where kuzugres's own resolution converts one side
_COMPARISONS = frozenset({"=", "<>", "!=", "<", "<=", ">", ">="})
_DATETIME_PAIRS = frozenset(
    (a, b)
    for a in (T.DATE, T.TIMESTAMP, T.TIMESTAMPTZ)
    for b in (T.DATE, T.TIMESTAMP, T.TIMESTAMPTZ)
    if a != b
)

# functions written in SQL syntax, printed back in it (ruleutils' get_func_sql_syntax):
# (name, number of arguments) -> form
_SQL_SYNTAX = {
    ("extract", 2): "EXTRACT",
    ("btrim", 1): "TRIM(BOTH",
    ("btrim", 2): "TRIM(BOTH",
    ("ltrim", 1): "TRIM(LEADING",
    ("ltrim", 2): "TRIM(LEADING",
    ("rtrim", 1): "TRIM(TRAILING",
    ("rtrim", 2): "TRIM(TRAILING",
    ("position", 2): "POSITION",
    ("substring", 2): "SUBSTRING",
    ("substring", 3): "SUBSTRING",
}

# functions pglast's deparse qualifies with pg_catalog (LIKE ... ESCAPE) that ruleutils
# prints as plain calls
_PLAIN_IN_PG = frozenset({"like_escape"})

# ranking window functions without arguments, by result type
_RANKING = {
    "row_number": T.INT8,
    "rank": T.INT8,
    "dense_rank": T.INT8,
    "percent_rank": T.FLOAT8,
    "cume_dist": T.FLOAT8,
}
_DEFAULT_FRAME = 1058  # FRAMEOPTION_DEFAULTS: RANGE UNBOUNDED PRECEDING AND CURRENT ROW


def _columns_of(item: Rte | Join) -> list[Var]:
    """A FROM item's output columns in PostgreSQL's order: a join's USING columns first
    (taken from its left side), then the other columns of its left and right sides."""
    if isinstance(item, Rte):
        return [Var(item, name, oid, typmod) for name, oid, typmod in item.columns]
    left, right = _columns_of(item.left), _columns_of(item.right)
    merged = [next(v for v in left if v.column == name) for name in item.using]
    rest = [v for v in left + right if v.column not in item.using]
    return merged + rest


def _array_type(elem: int) -> int:
    array = T.type_by_oid(elem).array_oid
    if not array:
        raise Unsupported("no array type")
    return int(array)


def _walk(node: Any, found: list[Any]) -> None:
    if isinstance(node, ast.ColumnRef | ast.SubLink):
        found.append(node)
        return
    if isinstance(node, ast.Node):
        for attr in node:
            _walk(getattr(node, attr), found)
    elif isinstance(node, tuple | list):
        for item in node:
            _walk(item, found)


# ---------------------------------------------------------------- printing


def _quote(name: str) -> str:
    from kuzugres.translator.pgcatalog import quote_ident

    return quote_ident(name)


class _Printer:
    """ruleutils' get_query_def and get_rule_expr over the typed tree."""

    def __init__(self, pretty: bool, wrap: int) -> None:
        self.pretty = pretty  # PRETTYFLAG_PAREN (PRETTYFLAG_INDENT is always on)
        self.wrap = wrap
        self.indent = 0
        self.buf: list[str] = []
        self.scope: list[str] = ["old", "new"]  # a PG 15 view's rules name OLD and NEW

    # -- buffer
    def out(self, text: str) -> None:
        self.buf.append(text)

    def text(self) -> str:
        return "".join(self.buf)

    def strip_trailing(self) -> None:
        s = self.text().rstrip(" ")
        self.buf = [s]

    def keyword(self, word: str, before: int, after: int, plus: int) -> None:
        """appendContextKeyword: a new line indented for the current level, then `word`."""
        self.indent += before
        self.strip_trailing()
        self.out("\n")
        if self.indent < _LIMIT:
            amount = max(self.indent, 0) + plus
        else:
            amount = (_LIMIT + (self.indent - _LIMIT) // (_STD // 2)) % _LIMIT + plus
        self.out(" " * amount + word)
        self.indent = max(self.indent + after, 0)

    def capture(self, fn: Any, *args: Any) -> str:
        saved = self.buf
        self.buf = []
        fn(*args)
        text = self.text()
        self.buf = saved
        return text

    # -- queries
    def query(self, q: Query, start: int, top_names: bool) -> None:
        """get_query_def: one query level, its range variables named after the
        enclosing levels' (`self.scope`)."""
        saved_indent, saved_scope = self.indent, self.scope
        self.scope = self.scope + self.name_rtes(q, self.scope)
        self.indent = start
        self.with_clause(q)
        if q.setop is not None:
            self.setop(q.setop, top_names)
        else:
            self.basic_select(q, top_names)
        self.order_limit(q)
        self.indent, self.scope = saved_indent, saved_scope

    def with_clause(self, q: Query) -> None:
        """get_with_clause: each WITH query in parentheses on lines of its own."""
        if not q.ctes:
            return
        self.indent += _STD
        self.out(" ")
        for i, cte in enumerate(q.ctes):
            self.out(", " if i else "WITH ")
            self.out(_quote(cte.name))
            if cte.columns:
                self.out("(" + ", ".join(_quote(c) for c in cte.columns) + ")")
            self.out(" AS " + cte.materialized + "(")
            self.keyword("", 0, 0, 0)
            self.query(cte.query, self.indent, True)
            self.keyword("", 0, 0, 0)
            self.out(")")
        self.indent -= _STD
        self.keyword("", 0, 0, 0)

    def name_rtes(self, q: Query, parents: list[str]) -> list[str]:
        """set_rtable_names: each range variable's name, made unique against the enclosing
        levels' and this level's earlier ones by a `_N` suffix."""
        used = set(parents)
        counters: dict[str, int] = {}
        names = []
        for rte in q.rtes:
            name = rte.wanted
            if name in used:
                n = counters.get(name, 0)
                while True:
                    n += 1
                    candidate = f"{name}_{n}"
                    if candidate not in used:
                        break
                counters[name] = n
                name = candidate
            used.add(name)
            rte.name = name
            names.append(name)
        return names

    def setop(self, node: Query | SetOp, top_names: bool) -> None:
        """get_setop_query: a branch, or two joined by the operator (a left branch of the
        same operator without parentheses, any other nesting in them)."""
        if isinstance(node, Query):
            self.query(node, self.indent, top_names)
            return
        paren = isinstance(node.left, SetOp) and node.left.op != node.op
        sub = _STD if paren else 0
        if paren:
            self.out("(")
            self.keyword("", sub, 0, 0)
        self.setop(node.left, top_names)
        self.keyword(") " if paren else "", -sub, 0, 0)
        self.out(node.op + " ")
        paren = isinstance(node.right, SetOp)
        sub = _STD if paren else 0
        self.out("(" if paren else "")
        self.keyword("", sub, 0, 0)
        self.setop(node.right, False)
        self.indent -= sub
        if paren:
            self.keyword(")", 0, 0, 0)

    def basic_select(self, q: Query, top_names: bool) -> None:
        """get_basic_select_query: SELECT [DISTINCT] ... FROM ... WHERE ... GROUP BY ...
        HAVING ..., one level deeper than the enclosing text."""
        self.indent += _STD
        self.out(" SELECT")
        if q.distinct_on:
            self.out(" DISTINCT ON (")
            for i, e in enumerate(q.distinct_on):
                self.out(", " if i else "")
                self.sort_group(e)
            self.out(")")
        elif q.distinct:
            self.out(" DISTINCT")
        self.target_list(q, top_names)
        self.from_clause(q)
        if q.where is not None:
            self.keyword(" WHERE ", -_STD, _STD, 1)
            self.expr(q.where, False)
        if q.group:
            self.keyword(" GROUP BY ", -_STD, _STD, 1)
            for i, e in enumerate(q.group):
                self.out(", " if i else "")
                self.sort_group(e)
        if q.having is not None:
            self.keyword(" HAVING ", -_STD, _STD, 0)
            self.expr(q.having, False)

    def target_list(self, q: Query, top_names: bool) -> None:
        """get_target_list: `AS name` unless a column keeps its own name (or, where column
        names are not shown, an expression keeps `?column?`); a new line for every item
        past the wrap column or after one spanning lines."""
        sep = " "
        last_multiline = False
        for colno, t in enumerate(q.targets, 1):
            self.out(sep)
            sep = ", "
            item = self.capture(self.expr, t.expr, True)
            attname: str | None = None if top_names else "?column?"
            if isinstance(t.expr, Var):
                attname = t.expr.column
            if attname is None or attname != t.name:
                item += f" AS {_quote(t.name)}"
            if self.wrap >= 0:
                if item.startswith("\n"):
                    self.strip_trailing()
                else:
                    line = self.text().rsplit("\n", 1)[-1]
                    if colno > 1 and (len(line) + len(item) > self.wrap or last_multiline):
                        self.keyword("", -_STD, _STD, _VAR)
                last_multiline = "\n" in (item[1:] if item.startswith("\n") else item)
            self.out(item)

    def from_clause(self, q: Query) -> None:
        """get_from_clause: the FROM items, comma-separated, wrapped like the targets."""
        for i, item in enumerate(q.from_items):
            if i == 0:
                self.keyword(" FROM ", -_STD, _STD, 2)
                self.from_item(item)
                continue
            self.out(", ")
            text = self.capture(self.from_item, item)
            if self.wrap >= 0:
                if text.startswith("\n"):
                    self.strip_trailing()
                else:
                    line = self.text().rsplit("\n", 1)[-1]
                    if len(line) + len(text) > self.wrap:
                        self.keyword("", -_STD, _STD, _VAR)
            self.out(text)

    def from_item(self, item: Any) -> None:
        if isinstance(item, Rte):
            if item.subquery is not None:
                self.out("(")
                self.query(item.subquery, self.indent, True)
                self.out(")")
            else:
                self.out(item.relation)
            if item.explicit_alias or item.name != item.wanted:
                self.out(" " + _quote(item.name or ""))
            return
        paren_right = self.pretty and not isinstance(item.right, Rte)
        if not self.pretty:
            self.out("(")
        self.from_item(item.left)
        self.keyword(f" {item.kind} ", -_STD, _STD, _JOIN)
        if paren_right:
            self.out("(")
        self.from_item(item.right)
        if paren_right:
            self.out(")")
        if item.using:
            self.out(" USING (" + ", ".join(_quote(n) for n in item.using) + ")")
        elif item.quals is not None:
            self.out(" ON ")
            self.out("" if self.pretty else "(")
            self.expr(item.quals, False)
            self.out("" if self.pretty else ")")
        elif item.kind not in ("JOIN", "CROSS JOIN"):
            self.out(" ON TRUE")
        if not self.pretty:
            self.out(")")

    def sort_group(self, e: Any) -> None:
        if isinstance(e, Const):
            self.const(e, True, showtype=1)  # labelled: not read back as a position
            return
        if isinstance(e, Var):
            self.expr(e, True)
            return
        function = isinstance(e, FuncExpr) or (isinstance(e, Cast) and _function_cast(e))
        paren = self.pretty or function
        self.out("(" if paren else "")
        self.expr(e, True)
        self.out(")" if paren else "")

    def sort_items(self, items: list[SortItem]) -> None:
        for i, s in enumerate(items):
            self.out(", " if i else "")
            self.sort_group(s.expr)
            self.out((" DESC" if s.descending else "") + s.nulls)

    def order_limit(self, q: Query) -> None:
        if q.order:
            self.keyword(" ORDER BY ", -_STD, _STD, 1)
            self.sort_items(q.order)
        if q.offset is not None:
            self.keyword(" OFFSET ", -_STD, _STD, 0)
            self.expr(q.offset, False)
        if q.limit is not None:
            self.keyword(" LIMIT ", -_STD, _STD, 0)
            if isinstance(q.limit, Const) and q.limit.text is None:
                self.out("ALL")
            else:
                self.expr(q.limit, False)

    # -- expressions
    def paren_expr(self, node: Any, show_implicit: bool, parent: Any) -> None:
        need = self.pretty and not _is_simple(node, parent, self.pretty)
        self.out("(" if need else "")
        self.expr(node, show_implicit)
        self.out(")" if need else "")

    def open(self) -> None:
        if not self.pretty:
            self.out("(")

    def close(self) -> None:
        if not self.pretty:
            self.out(")")

    def expr(self, node: Any, show_implicit: bool) -> None:
        """get_rule_expr: print an expression (its class's `@_prints` method);
        `show_implicit` shows the casts the parser added."""
        printer = _PRINTERS.get(type(node))
        if printer is None:
            raise Unsupported(f"printing {type(node).__name__}")
        printer(self, node, show_implicit)

    @_prints(Var)
    def var(self, node: Var, show_implicit: bool) -> None:
        self.out(f"{_quote(node.rte.name or '')}.{_quote(node.column)}")

    @_prints(Const)
    def const(self, node: Const, show_implicit: bool, showtype: int = 0) -> None:
        typename = format_type(node.type, node.typmod)
        if node.text is None:
            self.out("NULL" + (f"::{typename}" if showtype >= 0 else ""))
            return
        label = node.type not in (T.BOOL, T.UNKNOWN, T.INT4, T.NUMERIC)
        if node.type == T.INT4:
            if node.text.startswith("-"):
                self.out(f"'{node.text}'")
                label = True
            else:
                self.out(node.text)
        elif node.type == T.NUMERIC:
            if node.text[:1].isdigit() and any(ch in node.text for ch in ".eE"):
                self.out(node.text)
            else:
                self.out(f"'{node.text}'")
                label = True
            label = label or node.typmod >= 0
        elif node.type == T.BOOL:
            self.out("true" if node.text in ("true", "t") else "false")
        else:
            self.out("'" + node.text.replace("'", "''") + "'")
        if showtype >= 0 and (label or showtype > 0):
            self.out(f"::{typename}")

    @_prints(Keyword)
    def sql_keyword(self, node: Keyword, show_implicit: bool) -> None:
        self.out(node.text)

    @_prints(Cast)
    def cast(self, node: Cast, show_implicit: bool) -> None:
        if node.implicit and not show_implicit:
            self.paren_expr(node.arg, False, node)
            return
        arg = node.arg
        if (
            isinstance(arg, Const)
            and arg.type == node.type
            and arg.typmod == -1
            and node.typmod >= 0
        ):
            self.const(arg, False, showtype=-1)
        else:
            self.open()
            self.paren_expr(arg, False, node)
            self.close()
        self.out(f"::{format_type(node.type, node.typmod)}")

    @_prints(OpExpr)
    def op_expr(self, node: OpExpr, show_implicit: bool) -> None:
        self.open()
        if len(node.args) == 2:
            self.paren_expr(node.args[0], True, node)
            self.out(f" {node.name} ")
            self.paren_expr(node.args[1], True, node)
        else:
            self.out(f"{node.name} ")
            self.paren_expr(node.args[0], True, node)
        self.close()

    @_prints(FuncExpr)
    def func_expr(self, node: FuncExpr, show_implicit: bool) -> None:
        if node.syntax:
            self.sql_syntax(node)
            return
        self.out(_quote(node.name) + "(")
        if node.star:
            self.out("*")
        if node.distinct:
            self.out("DISTINCT ")
        for i, a in enumerate(node.args):
            self.out(", " if i else "")
            self.expr(a, True)
        if node.order:
            self.out(" ORDER BY ")
            self.sort_items(node.order)
        if node.filter is not None:
            self.out(") FILTER (WHERE ")
            self.expr(node.filter, False)
        if node.over is None:
            self.out(")")
            return
        self.out(") OVER (")
        sep = ""
        if node.over.partition:
            self.out("PARTITION BY ")
            for i, e in enumerate(node.over.partition):
                self.out(", " if i else "")
                self.sort_group(e)
            sep = " "
        if node.over.order:
            self.out(sep + "ORDER BY ")
            self.sort_items(node.over.order)
        self.out(")")

    def sql_syntax(self, node: FuncExpr) -> None:
        """get_func_sql_syntax: EXTRACT(f FROM x), TRIM(BOTH y FROM x), POSITION((y) IN (x)),
        SUBSTRING(x FROM i FOR n); implicit casts of the arguments hidden."""
        args = node.args
        if node.syntax == "EXTRACT":
            field = args[0]
            if not isinstance(field, Const) or field.text is None:
                raise Unsupported("EXTRACT field")
            self.out(f"EXTRACT({field.text} FROM ")
            self.expr(args[1], False)
        elif node.syntax.startswith("TRIM("):
            self.out(node.syntax)
            if len(args) == 2:
                self.out(" ")
                self.expr(args[1], False)
            self.out(" FROM ")
            self.expr(args[0], False)
        elif node.syntax == "POSITION":
            self.out("POSITION((")
            self.expr(args[1], False)
            self.out(") IN (")
            self.expr(args[0], False)
            self.out(")")
        else:
            self.out("SUBSTRING(")
            self.expr(args[0], False)
            self.out(" FROM ")
            self.expr(args[1], False)
            if len(args) == 3:
                self.out(" FOR ")
                self.expr(args[2], False)
        self.out(")")

    @_prints(BoolExpr)
    def bool_expr(self, node: BoolExpr, show_implicit: bool) -> None:
        self.open()
        if node.op == "NOT":
            self.out("NOT ")
            self.paren_expr(node.args[0], False, node)
        else:
            for i, a in enumerate(node.args):
                self.out(f" {node.op} " if i else "")
                self.paren_expr(a, False, node)
        self.close()

    @_prints(NullTest)
    def null_test(self, node: NullTest, show_implicit: bool) -> None:
        self.open()
        self.paren_expr(node.arg, False, node)
        self.out(" IS NOT NULL" if node.negated else " IS NULL")
        self.close()

    @_prints(BooleanTest)
    def boolean_test(self, node: BooleanTest, show_implicit: bool) -> None:
        self.open()
        self.paren_expr(node.arg, False, node)
        self.out(" " + node.test)
        self.close()

    @_prints(DistinctExpr)
    def distinct_expr(self, node: DistinctExpr, show_implicit: bool) -> None:
        self.open()
        self.paren_expr(node.args[0], True, node)
        self.out(" IS DISTINCT FROM ")
        self.paren_expr(node.args[1], True, node)
        self.close()

    @_prints(ScalarArrayOp)
    def scalar_array_op(self, node: ScalarArrayOp, show_implicit: bool) -> None:
        self.open()
        self.paren_expr(node.args[0], True, node)
        self.out(f" {node.name} {'ANY' if node.use_or else 'ALL'} (")
        self.paren_expr(node.args[1], True, node)
        self.out(")")
        self.close()

    @_prints(ArrayExpr)
    def array_expr(self, node: ArrayExpr, show_implicit: bool) -> None:
        self.out("ARRAY[")
        for i, e in enumerate(node.elements):
            self.out(", " if i else "")
            self.expr(e, True)
        self.out("]")

    @_prints(CaseExpr)
    def case_expr(self, node: CaseExpr, show_implicit: bool) -> None:
        self.keyword("CASE", 0, _VAR, 0)
        if node.arg is not None:
            self.out(" ")
            self.expr(node.arg, True)
        for cond, result in node.whens:
            self.keyword("WHEN ", 0, 0, 0)
            self.expr(cond, False)
            self.out(" THEN ")
            self.expr(result, True)
        if node.default is not None:
            self.keyword("ELSE ", 0, 0, 0)
            self.expr(node.default, True)
        self.keyword("END", -_VAR, 0, 0)

    @_prints(Coalesce)
    def coalesce(self, node: Coalesce, show_implicit: bool) -> None:
        self.out("COALESCE(")
        for i, a in enumerate(node.args):
            self.out(", " if i else "")
            self.expr(a, True)
        self.out(")")

    @_prints(MinMax)
    def min_max(self, node: MinMax, show_implicit: bool) -> None:
        self.out(node.name + "(")
        for i, a in enumerate(node.args):
            self.out(", " if i else "")
            self.expr(a, True)
        self.out(")")

    @_prints(NullIf)
    def null_if(self, node: NullIf, show_implicit: bool) -> None:
        self.out("NULLIF(")
        self.expr(node.args[0], True)
        self.out(", ")
        self.expr(node.args[1], True)
        self.out(")")

    @_prints(SubLink)
    def sublink(self, node: SubLink, show_implicit: bool) -> None:
        self.out("(")
        if node.test is not None:
            self.expr(node.test, True)
        if node.kind == "EXISTS":
            self.out("EXISTS ")
        elif node.kind == "ANY":
            self.out(" IN " if node.operator == "=" else f" {node.operator} ANY ")
        elif node.kind == "ALL":
            self.out(f" {node.operator} ALL ")
        paren = node.kind != "EXPR"
        self.out("(" if paren else "")
        self.query(node.query, self.indent, False)
        self.out("))" if paren else ")")


def _is_simple(node: Any, parent: Any, pretty: bool) -> bool:
    """ruleutils' isSimpleNode: whether `node` under `parent` needs no parentheses."""
    if isinstance(node, Var | Const | Keyword | FuncExpr | Coalesce | NullIf | MinMax | CaseExpr):
        return True
    if isinstance(node, ArrayExpr):
        return True
    if isinstance(node, Cast):
        # a cast done by a function is function-like; a relabelling or an I/O conversion
        # is as simple as what it converts
        return _function_cast(node) or _is_simple(node.arg, node, pretty)
    if isinstance(node, OpExpr) and isinstance(parent, OpExpr):
        op, parent_op = _simple_binary(node), _simple_binary(parent)
        if op is None or parent_op is None:
            return False
        low, high = op in "+-", op in "*/%"
        parent_low, parent_high = parent_op in "+-", parent_op in "*/%"
        if not (low or high) or not (parent_low or parent_high):
            return False
        if high and parent_low:
            return True
        if low and parent_high:
            return False
        return node is parent.args[0]
    if isinstance(node, OpExpr | SubLink | NullTest | BooleanTest | DistinctExpr):
        if isinstance(parent, Cast):
            return False
        return isinstance(
            parent, BoolExpr | FuncExpr | ArrayExpr | Coalesce | NullIf | MinMax | CaseExpr
        )
    if isinstance(node, BoolExpr):
        if isinstance(parent, BoolExpr):
            if node.op in ("NOT", "AND"):
                return parent.op in ("AND", "OR")
            return parent.op == "OR"
        if isinstance(parent, Cast):
            return False
        return isinstance(parent, FuncExpr | ArrayExpr | Coalesce | NullIf | MinMax | CaseExpr)
    return False


_STRINGS = (T.TEXT, T.VARCHAR, T.BPCHAR, T.NAME)
_RELABELLED = frozenset({(T.VARCHAR, T.TEXT), (T.TEXT, T.VARCHAR), (T.TEXT, T.BPCHAR)})


def _function_cast(node: Cast) -> bool:
    """Whether PostgreSQL does this coercion with a cast function (a FuncExpr), not a
    RelabelType or CoerceViaIO."""
    src, dst = _type_of(node.arg), node.type
    if node.typmod >= 0 and dst in (T.VARCHAR, T.BPCHAR, T.NUMERIC, T.TIMESTAMP, T.TIME):
        return True  # a length coercion
    if (src, dst) in _RELABELLED or src == dst:
        return False
    if dst in _STRINGS and src not in _STRINGS:
        return src == T.BOOL
    return not (src in _STRINGS and dst not in _STRINGS)


def _simple_binary(node: OpExpr) -> str | None:
    if len(node.args) != 2 or len(node.name) != 1:
        return None
    return node.name if node.name in "+-*/%" else None


# ---------------------------------------------------------------- entry points


def deparse_view(
    view: ViewDef,
    catalog: Catalog,
    pretty: bool,
    wrap: int = 0,
    fmt: FormatContext | None = None,
) -> str:
    """The view's query as pg_get_viewdef prints it (raises Unsupported); `fmt` holds the
    session settings literals are printed with (DateStyle, TimeZone, ...)."""
    stmt = pglast.parse_sql(view.sql)[0].stmt
    analyzer = _Analyzer(catalog, view.depends, fmt)
    query = analyzer.query(stmt, None, [c.name for c in view.columns])
    if len(query.targets) != len(view.columns):
        raise Unsupported("column count changed")
    printer = _Printer(pretty, wrap)
    printer.query(query, 0, True)
    return printer.text() + ";"


def view_definition(
    view: ViewDef,
    catalog: Catalog,
    pretty: bool = False,
    wrap: int = 0,
    fmt: FormatContext | None = None,
) -> str:
    """pg_get_viewdef's text: PostgreSQL 15's deparsed form, or the stored SELECT text
    for a query this deparser does not cover."""
    try:
        with T.user_types(catalog):  # the view's type names resolve in this snapshot
            return deparse_view(view, catalog, pretty, wrap, fmt)
    except Exception:  # Unsupported, or a deparser bug: never an unreadable catalog
        return " " + view.sql.strip() + ";"
