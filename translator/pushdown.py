"""What kuzugres reads from Kuzu: table scans, joins along foreign keys, pushed aggregates.

A query plan reads its rows through scans (`QueryPlan.scans`); the residual pipeline in
query.py finishes the query. Three kinds of scan:

- `TableScan`: one node table's rows (pushed-down equalities, pruned columns).
- `JoinScan`: an INNER JOIN of tables along foreign keys, read as ONE Kuzu pattern over
  the foreign keys' REL TABLEs (`MATCH (n1:orders)-[:fk]->(n0:customers) ...`). Its rows
  are the joined tables' rows side by side, so the residual scope is unchanged. The
  TableScans merged into it stay in the list as `MergedScan`s (indices are captured by
  the compiled pipeline), which read nothing.
- `GroupedScan`: GROUP BY and aggregates computed by Kuzu over a TableScan or JoinScan
  (`RETURN keys, count(*), sum(...)`), finished into PostgreSQL's values by `finish`.
  When Kuzu's answer could differ from PostgreSQL's (NaN, float overflow, int8
  overflow), `finish` declines and the executor reads the source scan instead, and the
  residual pipeline groups (see docs/decisions/0009-fk-join-and-aggregate-pushdown.md).

The Cypher of every scan is built here (`scan_cypher`); values always travel as typed
Kuzu parameters (`scan_equalities`, `scan_constants`), never in the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

from pglast import ast, enums

from kuzugres.proxy import types as T
from kuzugres.translator.catalog import SCALED, SCALED_NAN, ColumnDef, ConstraintDef, TableDef
from kuzugres.translator.ddl import quote
from kuzugres.translator.expr import RowExpr, ScopeColumn, numeric_average

# ---------------------------------------------------------------------------- scans


@dataclass(frozen=True)
class TableScan:
    """Read a table's rows from Kuzu: visible columns, then the hidden key."""

    table: TableDef
    alias: str
    # Pushed-down equality predicates: (column, expression without column references).
    equals: tuple[tuple[ColumnDef, RowExpr], ...] = ()
    # Column pruning: the names of the columns to read (None: all). The others come back
    # as NULL; the key is always read.
    read: frozenset[str] | None = None

    @property
    def segments(self) -> tuple[TableScan, ...]:
        return (self,)


@dataclass(frozen=True)
class FkLink:
    """Segment `child` references segment `parent` through foreign key REL TABLE `rel`."""

    child: int
    parent: int
    rel: str


@dataclass(frozen=True)
class JoinScan:
    """An INNER JOIN along foreign keys as one Kuzu pattern: the segments' rows side by side."""

    segments: tuple[TableScan, ...]
    links: tuple[FkLink, ...]


@dataclass(frozen=True)
class MergedScan:
    """A table scan merged into the JoinScan at index `into`: reads nothing."""

    into: int

    @property
    def segments(self) -> tuple[TableScan, ...]:
        return ()


@dataclass(frozen=True)
class ScanColumn:
    """A column of one segment of a scan."""

    segment: int
    column: ColumnDef


@dataclass(frozen=True)
class PushedAggregate:
    """An aggregate Kuzu computes: count(*) (`args` empty), count/sum/avg/min/max.

    `args` is one column, or for sum/avg an integer column times a numeric column.
    `kind` says how Kuzu sees the argument: 'int' (int2/int4), 'int8', 'float'
    (float8), 'scaled' (numeric(p<=18, s) as an integer of units of 10^-scale) or
    'plain' (min/max of a natively stored column, count of anything).
    """

    func: str
    args: tuple[ScanColumn, ...] = ()
    kind: str = "plain"
    scale: int = 0


@dataclass(frozen=True)
class GroupedScan:
    """GROUP BY `keys` and `aggregates` computed by Kuzu over `source`."""

    source: TableScan | JoinScan
    keys: tuple[ScanColumn, ...]
    aggregates: tuple[PushedAggregate, ...]

    @property
    def segments(self) -> tuple[TableScan, ...]:
        return self.source.segments


Scan: TypeAlias = TableScan | JoinScan | MergedScan | GroupedScan


class GroupedRows(list[tuple[Any, ...]]):
    """Rows a GroupedScan produced: grouping keys then aggregate values, already grouped."""


# ---------------------------------------------------------------------------- Cypher


def _var(scan: Scan, k: int) -> str:
    return "n" if isinstance(scan, TableScan) else f"n{k}"


def _prefix(scan: Scan, k: int) -> str:
    return "" if isinstance(scan, TableScan) else f"s{k}_"


def read_columns(seg: TableScan) -> list[int]:
    """Indices of the columns a segment reads from Kuzu (the key is always read too)."""
    return [i for i, c in enumerate(seg.table.columns) if seg.read is None or c.name in seg.read]


def scan_equalities(scan: Scan) -> Iterator[tuple[str, ColumnDef, RowExpr]]:
    """(parameter name, column, value expression) of every pushed-down equality."""
    base = scan.source if isinstance(scan, GroupedScan) else scan
    for k, seg in enumerate(base.segments):
        for i, (col, expr) in enumerate(seg.equals):
            yield f"{_prefix(base, k)}p{i}", col, expr


def _scale_param(scale: int) -> str:
    return f"scale{scale}"


def scan_constants(scan: Scan) -> dict[str, Any]:
    """Constant Kuzu parameters of a scan's Cypher (NaN marker, numeric scale factors)."""
    if not isinstance(scan, GroupedScan):
        return {}
    out: dict[str, Any] = {}
    for a in scan.aggregates:
        if a.kind != "scaled":
            continue
        if a.args[-1].column.storage == SCALED:
            out["nan_units"] = SCALED_NAN
        else:
            out["nan"] = "NaN"
            out[_scale_param(a.scale)] = 10**a.scale
    return out


def _is_nan(prop: str, col: ColumnDef) -> str:
    marker = "CAST($nan_units AS INT64)" if col.storage == SCALED else "$nan"
    return f"{prop} = {marker}"


def _match(scan: TableScan | JoinScan) -> str:
    """MATCH pattern and WHERE of a table or join scan."""
    segs = scan.segments
    label = [f"{_var(scan, k)}:{quote(s.table.kuzu_name)}" for k, s in enumerate(segs)]
    if isinstance(scan, JoinScan):
        seen: set[int] = set()
        parts = []
        for link in scan.links:
            c = label[link.child] if link.child not in seen else _var(scan, link.child)
            p = label[link.parent] if link.parent not in seen else _var(scan, link.parent)
            seen |= {link.child, link.parent}
            parts.append(f"({c})-[:{quote(link.rel)}]->({p})")
        pattern = ", ".join(parts)
    else:
        pattern = f"({label[0]})"
    where = " AND ".join(
        f"{_var(scan, k)}.{quote(c.name)} = CAST(${_prefix(scan, k)}p{i} AS {c.kuzu_type})"
        for k, seg in enumerate(segs)
        for i, (c, _) in enumerate(seg.equals)
    )
    return f"MATCH {pattern}{' WHERE ' + where if where else ''}"


def _prop(scan: Scan, col: ScanColumn) -> str:
    return f"{_var(scan, col.segment)}.{quote(col.column.name)}"


def _kuzu_arg(scan: GroupedScan, a: PushedAggregate) -> str:
    """The Kuzu expression of an aggregate's argument."""
    src = scan.source
    if a.kind != "scaled":
        prop = _prop(src, a.args[0])
        return f"CAST({prop} AS DOUBLE)" if a.kind == "float" else prop
    num = a.args[-1]
    p = _prop(src, num)
    if num.column.storage == SCALED:
        # stored as units already; a NaN's marker goes into the sum, but _nan_checks
        # count it and finish() declines
        scaled = p
    else:
        # text: NaN becomes NULL here (no cast error), counted by _nan_checks
        factor = f"CAST(${_scale_param(a.scale)} AS INT64)"
        scaled = (
            f"CAST(CAST(CASE WHEN {p} = $nan THEN NULL ELSE {p} END "
            f"AS DECIMAL(18,{a.scale})) * {factor} AS INT64)"
        )
    if len(a.args) == 1:
        return scaled
    return f"CAST({_prop(src, a.args[0])} AS INT128) * {scaled}"


def _nan_checks(scan: GroupedScan) -> list[ScanColumn]:
    cols: list[ScanColumn] = []
    for a in scan.aggregates:
        if a.kind == "scaled" and a.args[-1] not in cols:
            cols.append(a.args[-1])
    return cols


def _aggregate_items(scan: GroupedScan, a: PushedAggregate) -> list[str]:
    if not a.args:
        return ["count(*)"]
    arg = _kuzu_arg(scan, a)
    if a.func == "avg":
        return [f"sum({arg})", f"count({arg})"]
    return [f"{a.func}({arg})"]


def scan_cypher(scan: Scan) -> str:
    """The Cypher of a scan.

    Table and join scans return each segment's read columns then its key; pushed-down
    equalities become `n.col = CAST($p AS <type>)`. Grouped scans return the grouping
    keys, then the Kuzu aggregates, then one NaN count per numeric argument column.
    """
    if isinstance(scan, MergedScan):
        return ""
    if isinstance(scan, GroupedScan):
        src = scan.source
        items = [_prop(src, k) for k in scan.keys]
        for a in scan.aggregates:
            items += _aggregate_items(scan, a)
        items += [
            f"count(CASE WHEN {_is_nan(_prop(src, c), c.column)} THEN 1 END)"
            for c in _nan_checks(scan)
        ]
        grouped = ", ".join(f"{e} AS r{i}" for i, e in enumerate(items))
        return f"{_match(src)} RETURN {grouped}"
    ret: list[str] = []
    for k, seg in enumerate(scan.segments):
        v, pre = _var(scan, k), _prefix(scan, k)
        ret += [f"{v}.{quote(seg.table.columns[i].name)} AS {pre}c{i}" for i in read_columns(seg)]
        ret.append(f"{v}.{quote(seg.table.key)} AS {pre}k")
    return f"{_match(scan)} RETURN {', '.join(ret)}"


def split_rows(scan: TableScan | JoinScan, rows: list[list[Any]]) -> list[list[list[Any]]]:
    """Kuzu's rows of a table or join scan as each segment's full-width rows (columns,
    then key; unread columns NULL), one list per segment."""
    segs = scan.segments
    if len(segs) == 1 and segs[0].read is None:
        return [rows]
    out: list[list[list[Any]]] = []
    pos = 0
    for seg in segs:
        read = read_columns(seg)
        n = len(read) + 1
        width = len(seg.table.columns)
        if len(read) == width:
            out.append([r[pos : pos + n] for r in rows])
        else:
            part = []
            for r in rows:
                full: list[Any] = [None] * (width + 1)
                for j, i in enumerate(read):
                    full[i] = r[pos + j]
                full[width] = r[pos + n - 1]
                part.append(full)
            out.append(part)
        pos += n
    return out


# ---------------------------------------------------------------------------- finishing


class _Decline(Exception):
    """Kuzu's grouped answer may differ from PostgreSQL's: read the source scan instead."""


_INT8_RANGE = range(-(2**63), 2**63)


def _finite(v: float) -> float:
    if v != v or v in (float("inf"), float("-inf")):
        raise _Decline  # PostgreSQL raises "value out of range" or keeps NaN: let it
    return v + 0.0  # PostgreSQL's sum starts from +0, never -0


def _final(a: PushedAggregate, vals: Iterator[Any]) -> Any:
    v = next(vals)
    if a.func == "count":
        return int(v)
    if a.func == "avg":
        n = int(next(vals))
        if n == 0:
            return None
        if a.kind == "float":
            return _finite(float(v)) / n
        avg = Decimal(int(v)).scaleb(-a.scale) if a.kind == "scaled" else Decimal(int(v))
        return numeric_average(avg, n)
    if v is None:
        return None
    if a.kind == "scaled":
        return Decimal(int(v)).scaleb(-a.scale)
    if a.func in ("min", "max"):
        return v
    if a.kind == "float":
        return _finite(float(v))
    if a.kind == "int8":
        return Decimal(int(v))
    if int(v) not in _INT8_RANGE:
        raise _Decline  # the residual engine raises PostgreSQL's bigint overflow
    return int(v)


def finish(
    scan: GroupedScan, rows: Sequence[Sequence[Any]], decode: Callable[[ColumnDef, Any], Any]
) -> GroupedRows | None:
    """Kuzu's grouped rows as the residual pipeline's grouped rows (keys, then aggregate
    values, PostgreSQL's types); None when they could differ from PostgreSQL's."""
    nk = len(scan.keys)
    nan = len(_nan_checks(scan))
    out = GroupedRows()
    try:
        for r in rows:
            if nan and any(r[len(r) - nan :]):
                raise _Decline
            keys = tuple(decode(k.column, v) for k, v in zip(scan.keys, r, strict=False))
            vals = iter(r[nk:])
            out.append(keys + tuple(_final(a, vals) for a in scan.aggregates))
    except _Decline:
        return None
    return out


# ---------------------------------------------------------------------------- analysis


def conjuncts(node: Any) -> list[Any]:
    """The top-level AND operands of a condition."""
    if node is None:
        return []
    if isinstance(node, ast.BoolExpr) and node.boolop == enums.BoolExprType.AND_EXPR:
        return list(node.args or ())
    return [node]


def column_slot(ref: Any, columns: Sequence[ScopeColumn]) -> int | None:
    """The slot a ColumnRef names among `columns` (None: not exactly one match)."""
    names = [f.sval for f in ref.fields if isinstance(f, ast.String)]
    if len(names) != len(ref.fields):
        return None
    hits = [
        i
        for i, c in enumerate(columns)
        if c.name == names[-1] and (len(names) == 1 or c.relation == names[-2])
    ]
    return hits[0] if len(hits) == 1 else None


def column_equalities(quals: Any) -> list[tuple[Any, Any]]:
    """The `colref = colref` conjuncts of a condition, as (left ref, right ref)."""
    out = []
    for c in conjuncts(quals):
        if (
            isinstance(c, ast.A_Expr)
            and c.kind == enums.A_Expr_Kind.AEXPR_OP
            and [n.sval for n in c.name or ()] == ["="]
            and isinstance(c.lexpr, ast.ColumnRef)
            and isinstance(c.rexpr, ast.ColumnRef)
        ):
            out.append((c.lexpr, c.rexpr))
    return out


def scan_layout(scan: TableScan | JoinScan) -> list[ScanColumn | None]:
    """Slot -> segment column of a scan's rows (None for each segment's hidden key)."""
    out: list[ScanColumn | None] = []
    for k, seg in enumerate(scan.segments):
        out += [ScanColumn(k, c) for c in seg.table.columns]
        out.append(None)
    return out


_INTS = frozenset({T.INT2, T.INT4, T.INT8})
_TEXTS = frozenset({T.TEXT, T.VARCHAR})
# Natively stored types whose PostgreSQL equality is Kuzu's equality (collation "C").
_EXACT_EQUALITY = _INTS | _TEXTS | {T.BOOL, T.DATE, T.TIMESTAMP, T.UUID}


def same_equality(a: ColumnDef, b: ColumnDef) -> bool:
    """Whether PostgreSQL's `a = b` is exactly Kuzu's `a = b` on the stored values."""
    if a.type_oid not in _EXACT_EQUALITY or b.type_oid not in _EXACT_EQUALITY:
        return False
    return (
        a.type_oid == b.type_oid
        or {a.type_oid, b.type_oid} <= _INTS
        or ({a.type_oid, b.type_oid} <= _TEXTS)
    )


def fk_link(
    pairs: Sequence[tuple[ScanColumn, ScanColumn]],
    segments: Sequence[TableScan],
    new: int,
) -> tuple[FkLink, ConstraintDef] | None:
    """A foreign key between segment `new` and an earlier one whose column pairs are all
    among the equalities `pairs` (either order), with a REL TABLE."""
    eq = {(a.segment, a.column.name, b.segment, b.column.name) for a, b in pairs}
    eq |= {(b, bn, a, an) for a, an, b, bn in eq}
    for child in range(len(segments)):
        for con in segments[child].table.constraints:
            if con.kind != "f" or con.rel_table is None:
                continue
            for parent in range(len(segments)):
                if child == parent or new not in (child, parent):
                    continue
                if segments[parent].table.qualified != con.ref_table:
                    continue
                cols = list(zip(con.columns, con.ref_columns, strict=True))
                if cols and all((child, c, parent, p) in eq for c, p in cols):
                    return FkLink(child, parent, con.rel_table), con
    return None


_GROUP_KEY_TYPES = _EXACT_EQUALITY
_MINMAX_TYPES = _INTS | _TEXTS | {T.DATE, T.TIMESTAMP}


def numeric_scale(col: ColumnDef) -> int | None:
    """The scale of a numeric(p, s) column with 0 <= s <= p <= 18 (else None)."""
    if col.type_oid != T.NUMERIC or col.typmod < 4:
        return None
    p, s = ((col.typmod - 4) >> 16) & 0xFFFF, (col.typmod - 4) & 0xFFFF
    return s if 0 <= s <= p <= 18 else None


def pushed_aggregate(
    node: ast.FuncCall, resolve: Callable[[Any], ScanColumn | None]
) -> PushedAggregate | None:
    """The Kuzu form of an aggregate call, or None when Kuzu cannot compute it exactly.

    `resolve` maps a ColumnRef to the scan column it names (None: not a local column).
    """
    func = [n.sval for n in node.funcname or ()][-1]
    if node.agg_distinct or node.agg_filter is not None or node.agg_order or node.over:
        return None
    if node.agg_within_group or node.func_variadic:
        return None
    if node.agg_star:
        return PushedAggregate("count") if func == "count" else None
    args = list(node.args) if node.args else []
    if len(args) != 1 or func not in ("count", "sum", "avg", "min", "max"):
        return None
    arg = args[0]
    if isinstance(arg, ast.ColumnRef):
        col = resolve(arg)
        if col is None:
            return None
        oid = col.column.type_oid
        if func == "count":
            return PushedAggregate("count", (col,))
        scale = numeric_scale(col.column)
        if scale is not None:
            return PushedAggregate(func, (col,), "scaled", scale)
        if func in ("min", "max"):
            return PushedAggregate(func, (col,)) if oid in _MINMAX_TYPES else None
        if oid in (T.INT2, T.INT4):
            return PushedAggregate(func, (col,), "int")
        if oid == T.INT8:
            return PushedAggregate(func, (col,), "int8")
        if oid == T.FLOAT8:
            return PushedAggregate(func, (col,), "float")
        return None
    if (
        func in ("sum", "avg")
        and isinstance(arg, ast.A_Expr)
        and arg.kind == enums.A_Expr_Kind.AEXPR_OP
        and [n.sval for n in arg.name or ()] == ["*"]
        and isinstance(arg.lexpr, ast.ColumnRef)
        and isinstance(arg.rexpr, ast.ColumnRef)
    ):
        a, b = resolve(arg.lexpr), resolve(arg.rexpr)
        if a is None or b is None:
            return None
        if a.column.type_oid not in (T.INT2, T.INT4):
            a, b = b, a
        scale = numeric_scale(b.column)
        if a.column.type_oid in (T.INT2, T.INT4) and scale is not None:
            return PushedAggregate(func, (a, b), "scaled", scale)
    return None


def groupable(col: ColumnDef) -> bool:
    """Whether Kuzu groups a column's stored values exactly as PostgreSQL's GROUP BY.

    char(n) values are stored blank-padded to n, so their bytes are equal exactly when
    PostgreSQL's bpchar equality (which ignores trailing blanks) says so."""
    return (
        col.type_oid in _GROUP_KEY_TYPES
        or (col.type_oid == T.BPCHAR and col.typmod > 4)
        or col.storage == SCALED  # one scale per column: equal units, equal numbers
    )
