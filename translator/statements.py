"""SQL text -> statements with plans: parsing with pglast and one handler per statement node.

The translator is pure: no I/O, no session state. Every node class it understands
has exactly one handler registered with `@handles`; any other statement raises
FeatureNotSupported (0A000) naming the construct and its position.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, enums, parse_sql
from pglast.parser import ParseError

from kuzugres.engine import cypher_is_write, split_cypher_statements
from kuzugres.errcodes import (
    FeatureNotSupported,
    IndeterminateDatatype,
    InvalidParameterValue,
    PgSyntaxError,
    UndefinedColumn,
)
from kuzugres.errors import PgError
from kuzugres.proxy import types as T
from kuzugres.proxy.types import format_type, type_by_names
from kuzugres.registry import registrar
from kuzugres.translator import ddl, ddl_alter, ddl_objects, ddl_types, dml, expr, pushdown, query
from kuzugres.translator.audit import REVERT_COLUMNS, revert_plan
from kuzugres.translator.catalog import Catalog
from kuzugres.translator.expr import Column, ParamTypes
from kuzugres.translator.pgcatalog import quote_ident
from kuzugres.translator.plans import (
    CloseCursorPlan,
    ConstantPlan,
    ConstraintsSetPlan,
    CopyOptions,
    CopyPlan,
    CypherArg,
    CypherPlan,
    DeallocatePlan,
    DeclareCursorPlan,
    DiscardPlan,
    EmptyPlan,
    ErrorPlan,
    ExplainPlan,
    FetchPlan,
    Plan,
    ResetAllPlan,
    RevertPlan,
    SetPlan,
    SetTransactionPlan,
    ShowPlan,
    Statement,
    TableAsPlan,
    TransactionPlan,
)

JSON_OID = 114


@dataclass
class Source:
    """The SQL being translated, for error positions (1-based characters, as PostgreSQL)."""

    sql: str
    catalog: Catalog = field(default_factory=Catalog)

    def position(self, offset: int | None) -> int:
        """1-based position from pglast's 0-based character offset (None: end of input)."""
        if offset is None or offset < 0:
            return len(self.sql) + 1
        return offset + 1


Handler = Callable[[Any, Source, int, ParamTypes], Plan]
_HANDLERS: dict[type, Handler] = {}


def _is(node: Any, cls: type) -> bool:
    """isinstance() for pglast nodes without narrowing (their stubs make every field Optional)."""
    return isinstance(node, cls)


#: `@handles(NodeClass)` registers the one handler for a pglast statement node class.
handles = registrar(_HANDLERS, "handler")


# Names of statements we do not translate yet, for the 0A000 message.
_CONSTRUCTS: dict[str, str] = {
    "MergeStmt": "MERGE",
    "PrepareStmt": "PREPARE",
    "ExecuteStmt": "EXECUTE",
    "DeclareCursorStmt": "DECLARE CURSOR",
    "FetchStmt": "FETCH",
    "ClosePortalStmt": "CLOSE",
    "ListenStmt": "LISTEN",
    "NotifyStmt": "NOTIFY",
    "UnlistenStmt": "UNLISTEN",
    "LockStmt": "LOCK",
    "VacuumStmt": "VACUUM",
    "GrantStmt": "GRANT",
    "CreateRoleStmt": "CREATE ROLE",
    "CreatedbStmt": "CREATE DATABASE",
    "DoStmt": "DO",
    "CreateFunctionStmt": "CREATE FUNCTION",
    "CallStmt": "CALL",
    "CreateTableAsStmt": "CREATE TABLE AS",
}


def _unsupported(node: Any, src: Source, offset: int) -> FeatureNotSupported:
    name = type(node).__name__
    construct = _CONSTRUCTS.get(name, name.removesuffix("Stmt"))
    return FeatureNotSupported(
        f"{construct} is not supported yet",
        position=src.position(offset),
        hint="kuzugres answers SELECT without tables, SET/SHOW, transactions, COPY and "
        "cypher() at this stage; see docs/compatibility.md.",
    )


class Translator:
    """Parses SQL and builds plans, caching by text and declared parameter types."""

    def __init__(self, cache_size: int = 1024) -> None:
        self._cache: OrderedDict[
            tuple[str, tuple[int, ...], int, tuple[str, ...]], list[Statement]
        ] = OrderedDict()
        self._cache_size = cache_size

    def translate(
        self, sql: str, param_types: Sequence[int] = (), catalog: Catalog | None = None
    ) -> list[Statement]:
        """All statements of `sql` (empty list for an empty query string)."""
        version = catalog.version if catalog is not None else -1
        path = catalog.search_path if catalog is not None else ()
        key = (sql, tuple(param_types), version, path)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        out = translate(sql, param_types, catalog)
        self._cache[key] = out
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return out


def translate(
    sql: str, param_types: Sequence[int] = (), catalog: Catalog | None = None
) -> list[Statement]:
    """Parse and translate every statement in `sql` against a catalog snapshot (pure)."""
    src = Source(sql, catalog or Catalog())
    with T.user_types(src.catalog):  # type names resolve in this snapshot
        return _translate(src, param_types)


def _translate(src: Source, param_types: Sequence[int]) -> list[Statement]:
    sql = src.sql
    try:
        raws = parse_sql(sql)
    except ParseError as exc:
        message = exc.args[0]
        offset = exc.args[1] if len(exc.args) > 1 else None
        raise PgSyntaxError(str(message), position=src.position(offset)) from None
    out: list[Statement] = []
    for raw in raws:
        start = raw.stmt_location or 0
        length = raw.stmt_len or (len(sql) - start)
        text = sql[start : start + length].strip()
        params = ParamTypes(list(param_types))
        try:
            handler = _HANDLERS.get(type(raw.stmt))
            if handler is None:
                raise _unsupported(raw.stmt, src, start)
            plan = handler(raw.stmt, src, start, params)
        except PgError as err:
            if not out:
                raise
            out.append(Statement(text, ErrorPlan(err)))  # the statements before it run first
            break
        columns = _plan_columns(plan)
        out.append(Statement(text, plan, tuple(params.oids), columns))
    return out


def _plan_columns(plan: Plan) -> tuple[Column, ...] | None:
    if isinstance(plan, ConstantPlan):
        return plan.select.columns
    if isinstance(plan, dml.SelectPlan):
        return plan.query.columns
    if isinstance(plan, dml.InsertPlan | dml.UpdatePlan | dml.DeletePlan):
        return plan.returning.columns if plan.returning is not None else None
    if isinstance(plan, CypherPlan):
        if plan.projection is None:
            return plan.columns
        return tuple(plan.columns[i] for i in plan.projection)
    if isinstance(plan, RevertPlan):
        return REVERT_COLUMNS
    if isinstance(plan, ExplainPlan):
        return (Column("QUERY PLAN", 25),)
    if isinstance(plan, ShowPlan):
        if plan.name == "all":
            return (Column("name", 25), Column("setting", 25), Column("description", 25))
        return (Column(plan.name, 25),)
    return None


def empty_statement() -> Statement:
    return Statement("", EmptyPlan())


# ---------------------------------------------------------------- transactions


def _tx_options(options: Sequence[Any] | None) -> tuple[str | None, bool | None]:
    isolation: str | None = None
    read_only: bool | None = None
    for opt in options or ():
        value = _const_value(opt.arg)
        if opt.defname == "transaction_isolation":
            isolation = str(value)
        elif opt.defname == "transaction_read_only":
            read_only = bool(int(value)) if not isinstance(value, bool) else value
    return isolation, read_only


_TX_ACTIONS = {
    enums.TransactionStmtKind.TRANS_STMT_BEGIN: "begin",
    enums.TransactionStmtKind.TRANS_STMT_START: "begin",
    enums.TransactionStmtKind.TRANS_STMT_COMMIT: "commit",
    enums.TransactionStmtKind.TRANS_STMT_ROLLBACK: "rollback",
    enums.TransactionStmtKind.TRANS_STMT_SAVEPOINT: "savepoint",
    enums.TransactionStmtKind.TRANS_STMT_RELEASE: "release",
    enums.TransactionStmtKind.TRANS_STMT_ROLLBACK_TO: "rollback_to",
    enums.TransactionStmtKind.TRANS_STMT_PREPARE: "prepare",
    enums.TransactionStmtKind.TRANS_STMT_COMMIT_PREPARED: "commit_prepared",
    enums.TransactionStmtKind.TRANS_STMT_ROLLBACK_PREPARED: "rollback_prepared",
}


@handles(ast.TransactionStmt)
def _transaction(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    action = _TX_ACTIONS[node.kind]
    isolation, read_only = _tx_options(node.options)
    start = node.kind == enums.TransactionStmtKind.TRANS_STMT_START
    return TransactionPlan(
        action,
        isolation,
        read_only,
        bool(node.chain),
        getattr(node, "savepoint_name", None),
        tag="START TRANSACTION" if start else "",
    )


# ---------------------------------------------------------------- SET / SHOW / RESET


def _const_value(node: Any) -> Any:
    if _is(node, ast.A_Const):
        if node.isnull:
            return None
        return _const_value(node.val)
    if _is(node, ast.String):
        return node.sval
    if _is(node, ast.Integer):
        return node.ival
    if _is(node, ast.Float):
        return node.fval
    if _is(node, ast.Boolean):
        return node.boolval
    if _is(node, ast.TypeCast):
        return _const_value(node.arg)
    if node is None:
        return None
    raise FeatureNotSupported(f"{type(node).__name__} as a setting value is not supported")


#: Settings whose value is a list of names (PostgreSQL's GUC_LIST_QUOTE): SET quotes each
#: element as an identifier, so `SET search_path = "$user", 'a,b'` shows `"$user", "a,b"`.
_LIST_QUOTED_SETTINGS = frozenset({"search_path", "temp_tablespaces"})


def _setting_text(args: Sequence[Any], quote: bool = False) -> str:
    parts = []
    for a in args:
        v = _const_value(a)
        if isinstance(v, bool):
            v = "on" if v else "off"
        parts.append(quote_ident(v) if quote and isinstance(v, str) else str(v))
    return ", ".join(parts)


@handles(ast.VariableSetStmt)
def _set(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    kind = node.kind
    K = enums.VariableSetKind
    if kind == K.VAR_SET_VALUE:
        name = node.name
        if name == "timezone" and node.args and _is(node.args[0], ast.TypeCast):
            return SetPlan("TimeZone", str(_const_value(node.args[0])).strip(), node.is_local)
        text = _setting_text(node.args or (), quote=name.lower() in _LIST_QUOTED_SETTINGS)
        return SetPlan(name, text, bool(node.is_local))
    if kind in (K.VAR_SET_DEFAULT, K.VAR_SET_CURRENT):
        return SetPlan(node.name, None, bool(node.is_local))
    if kind == K.VAR_RESET:
        return SetPlan(node.name, None, False, tag="RESET")
    if kind == K.VAR_RESET_ALL:
        return ResetAllPlan()
    if kind == K.VAR_SET_MULTI:
        isolation, read_only = _tx_options(node.args)
        if node.name == "TRANSACTION":
            return SetTransactionPlan(isolation, read_only)
        if node.name == "SESSION CHARACTERISTICS":
            return SetTransactionPlan(isolation, read_only, session=True)
    raise _unsupported(node, src, offset)


@handles(ast.ConstraintsSetStmt)
def _constraints_set(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    names = (
        None
        if node.constraints is None
        else tuple((rv.schemaname, rv.relname) for rv in node.constraints)
    )
    return ConstraintsSetPlan(names, bool(node.deferred))


_CURSOR_OPT_BINARY = 0x1
_CURSOR_OPT_NO_SCROLL = 0x4
_CURSOR_OPT_HOLD = 0x20
_FETCH_ALL = 2**63 - 1


@handles(ast.DeclareCursorStmt)
def _declare_cursor(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    inner = node.query
    if not _is(inner, ast.SelectStmt):
        raise FeatureNotSupported(
            f"DECLARE CURSOR for {type(inner).__name__} is not supported", position=None
        )
    if node.options & _CURSOR_OPT_BINARY:
        # FETCH from it would have to answer in binary over the simple protocol
        raise FeatureNotSupported("DECLARE BINARY CURSOR is not supported")
    plan = _select(inner, src, offset, p)
    query = Statement(src.sql, plan, (), _plan_columns(plan))
    return DeclareCursorPlan(
        node.portalname,
        query,
        bool(node.options & _CURSOR_OPT_HOLD),
        # without NO SCROLL PostgreSQL scrolls backward where the plan can, and the
        # rows kept at DECLARE always can
        not node.options & _CURSOR_OPT_NO_SCROLL,
        bool(node.options & _CURSOR_OPT_BINARY),
    )


@handles(ast.FetchStmt)
def _fetch(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    direction = node.direction.name.removeprefix("FETCH_").lower()
    count = None if node.howMany == _FETCH_ALL else int(node.howMany)
    return FetchPlan(node.portalname, direction, count, bool(node.ismove))


@handles(ast.ClosePortalStmt)
def _close_cursor(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return CloseCursorPlan(node.portalname)


@handles(ast.VariableShowStmt)
def _show(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    name = node.name
    if name.lower() == "all":
        return ShowPlan("all")
    from kuzugres.settings import canonical_name

    return ShowPlan(canonical_name(name))


@handles(ast.ExplainStmt)
def _explain(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    options = {
        o.defname: _const_value(o.arg) if o.arg is not None else True for o in node.options or ()
    }
    analyze = bool(options.pop("analyze", False)) and options.get("analyze") is not False
    for name in options:
        if name not in ("verbose", "costs", "buffers", "timing", "summary", "format"):
            raise PgSyntaxError(
                f'unrecognized EXPLAIN option "{name}"', position=src.position(offset)
            )
    if str(options.get("format", "text")).lower() != "text":
        raise FeatureNotSupported("EXPLAIN formats other than TEXT are not supported yet")
    inner_node = node.query
    handler = _HANDLERS.get(type(inner_node))
    if handler is None or isinstance(inner_node, ast.ExplainStmt):
        raise _unsupported(inner_node, src, offset)
    inner = handler(inner_node, src, offset, p)
    return ExplainPlan(inner, analyze, _residual_steps(inner_node, inner))


def _residual_steps(node: Any, plan: Plan) -> tuple[str, ...]:
    """What the residual engine does for a statement, in order (for EXPLAIN)."""
    steps: list[str] = []
    if _is(node, ast.SelectStmt):
        scans = [
            s
            for s in (plan.query.scans if isinstance(plan, dml.SelectPlan) else ())
            if not isinstance(s, pushdown.MergedScan)
        ]
        # one scan that joined (and grouped) in Kuzu: those steps are not residual
        joined = len(scans) == 1 and isinstance(scans[0], pushdown.JoinScan | pushdown.GroupedScan)
        grouped = len(scans) == 1 and isinstance(scans[0], pushdown.GroupedScan)
        if (
            node.fromClause
            and (len(node.fromClause) > 1 or _is(node.fromClause[0], ast.JoinExpr))
            and not joined
        ):
            steps.append("Join (hash join on equalities, else nested loop)")
        if node.whereClause is not None and not grouped:
            steps.append("Filter (WHERE)")
        if grouped:
            if node.havingClause is not None:
                steps.append("Filter (HAVING)")
        elif node.groupClause or node.havingClause is not None:
            steps.append("Aggregate (GROUP BY" + (", HAVING)" if node.havingClause else ")"))
        elif any(expr.is_aggregate_call(rt.val) for rt in node.targetList or ()):
            steps.append("Aggregate")
        steps.append("Project")
        if node.distinctClause:
            steps.append("Unique (DISTINCT)")
        if node.sortClause:
            steps.append("Sort (ORDER BY)")
        if node.limitCount is not None or node.limitOffset is not None:
            steps.append("Limit")
    elif _is(node, ast.InsertStmt):
        steps += ["Evaluate values and defaults", "Check constraints", "Write (Kuzu CREATE)"]
    elif _is(node, ast.UpdateStmt):
        steps += ["Filter (WHERE)", "Compute new rows", "Check constraints", "Write (Kuzu SET)"]
    elif _is(node, ast.DeleteStmt):
        steps += ["Filter (WHERE)", "Foreign keys (parent side)", "Write (Kuzu DETACH DELETE)"]
    return tuple(steps)


@handles(ast.InsertStmt)
def _insert(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return dml.compile_insert(node, src.sql, p, src.catalog)


@handles(ast.UpdateStmt)
def _update(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return dml.compile_update(node, src.sql, p, src.catalog)


@handles(ast.DeleteStmt)
def _delete(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return dml.compile_delete(node, src.sql, p, src.catalog)


@handles(ast.CreateTableAsStmt)
def _create_table_as(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    if node.objtype != enums.ObjectType.OBJECT_TABLE or not isinstance(node.query, ast.SelectStmt):
        raise _unsupported(node, src, offset)
    return _table_as(node.query, node.into, bool(node.if_not_exists), src, offset)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_as(select: Any, into: Any, if_not_exists: bool, src: Source, offset: int) -> Plan:
    """CREATE TABLE AS / SELECT INTO: the table's columns are the query's (PostgreSQL's
    rules: names as the result's, or the given ones; types with their typmods; an
    unknown-typed literal becomes text)."""
    if into.rel.relpersistence == "t":
        raise FeatureNotSupported(
            "temporary tables are not supported yet", position=src.position(offset)
        )
    select_sql = ddl.deparse(select)
    first = translate(select_sql, (), src.catalog)[0]
    if isinstance(first.plan, ErrorPlan):
        raise first.plan.error
    if first.param_types:
        raise FeatureNotSupported(
            "CREATE TABLE AS with parameters is not supported yet",
            position=src.position(offset),
        )
    columns = list(first.columns or ())
    names = [s.sval for s in into.colNames or ()]
    if len(names) > len(columns):
        raise PgError(
            "too many column names were specified",
            sqlstate="42601",
            position=src.position(offset),
        )
    names += [c.name for c in columns[len(names) :]]
    rel = into.rel
    table = ".".join(_quoted(n) for n in (rel.schemaname, rel.relname) if n)
    defs = ", ".join(
        f"{_quoted(name)} {format_type(25 if c.type_oid == 705 else c.type_oid, c.typmod)}"
        for name, c in zip(names, columns, strict=True)
    )
    create = f"CREATE TABLE {'IF NOT EXISTS ' if if_not_exists else ''}{table} ({defs})"
    if into.skipData:
        return TableAsPlan(create, None)
    cols = ", ".join(_quoted(n) for n in names)
    return TableAsPlan(create, f"INSERT INTO {table} ({cols}) {select_sql}")


@handles(ast.CreateStmt)
def _create_table(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return ddl.create_table(node, src.position(offset), src.catalog.search_path)


_DROP_KINDS = {
    enums.ObjectType.OBJECT_VIEW: "view",
    enums.ObjectType.OBJECT_SEQUENCE: "sequence",
    enums.ObjectType.OBJECT_INDEX: "index",
}


@handles(ast.DropStmt)
def _drop(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    kind = node.removeType
    path = src.catalog.search_path
    if kind == enums.ObjectType.OBJECT_TABLE:
        return ddl.drop_table(node, src.position(offset), path)
    if kind == enums.ObjectType.OBJECT_SCHEMA:
        return ddl_objects.drop_schema(node, src.position(offset))
    if kind == enums.ObjectType.OBJECT_TYPE:
        return ddl_types.drop_types(node, src.position(offset), path)
    if kind in _DROP_KINDS:
        return ddl_objects.drop_objects(node, src.position(offset), path, _DROP_KINDS[kind])
    raise FeatureNotSupported(
        f"DROP {kind.name.removeprefix('OBJECT_').replace('_', ' ')} is not supported yet",
        position=src.position(offset),
    )


@handles(ast.TruncateStmt)
def _truncate(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return ddl.truncate(node, src.position(offset), src.catalog.search_path)


@handles(ast.AlterTableStmt)
def _alter_table(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return ddl_alter.alter_table(node, src.position(offset), src.catalog.search_path)


@handles(ast.RenameStmt)
def _rename(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    if node.renameType == enums.ObjectType.OBJECT_TYPE:
        return ddl_types.rename_type(node, src.position(offset), src.catalog.search_path)
    return ddl_alter.rename(node, src.position(offset), src.catalog.search_path)


@handles(ast.CreateSchemaStmt)
def _create_schema(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return ddl_objects.create_schema(node, src.position(offset))


@handles(ast.CreateEnumStmt)
def _create_enum(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return ddl_types.create_enum(node, src.position(offset), src.catalog.search_path)


@handles(ast.AlterEnumStmt)
def _alter_enum(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return ddl_types.alter_enum(node, src.position(offset), src.catalog.search_path)


@handles(ast.CreateSeqStmt)
def _create_sequence(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return ddl_objects.create_sequence(node, src.position(offset), src.catalog.search_path)


@handles(ast.AlterSeqStmt)
def _alter_sequence(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return ddl_objects.alter_sequence(node, src.position(offset), src.catalog.search_path)


@handles(ast.IndexStmt)
def _create_index(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return ddl_objects.create_index(node, src.position(offset), src.catalog.search_path)


@handles(ast.CommentStmt)
def _comment(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    if node.objtype == enums.ObjectType.OBJECT_TYPE:
        return ddl_types.comment_on_type(node, src.catalog.search_path)
    return ddl_objects.comment_on(node, src.position(offset), src.catalog.search_path)


def _view_columns(select: Any, sql: str, catalog: Catalog) -> list[tuple[str, int, int]]:
    """Output columns of a view's SELECT, compiled against `catalog`."""
    select = parse_sql(sql)[0].stmt  # fresh locations for the stored text
    columns = _HANDLERS[ast.SelectStmt](select, Source(sql, catalog), 0, ParamTypes([]))
    cols = _plan_columns(columns)
    if cols is None:
        raise FeatureNotSupported("this view query is not supported yet")
    return [(c.name, c.type_oid, c.typmod) for c in cols]


@handles(ast.ViewStmt)
def _create_view(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return ddl_objects.create_view(
        node, src.position(offset), src.catalog.search_path, src.sql, _view_columns
    )


@handles(ast.DeallocateStmt)
def _deallocate(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return DeallocatePlan(node.name)


@handles(ast.DiscardStmt)
def _discard(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    return DiscardPlan(node.target.name.removeprefix("DISCARD_"))


# ---------------------------------------------------------------- SELECT


def _cypher_call(node: Any) -> Any:
    if not node.fromClause or len(node.fromClause) != 1:
        return None
    rf = node.fromClause[0]
    if not _is(rf, ast.RangeFunction) or len(rf.functions) != 1:
        return None
    call = rf.functions[0][0]
    if not _is(call, ast.FuncCall):
        return None
    names = [n.sval for n in call.funcname]
    if names[-1].lower() != "cypher" or (len(names) > 1 and names[0] != "ag_catalog"):
        return None
    return rf


@handles(ast.SelectStmt)
def _select(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    if node.intoClause is not None:  # SELECT ... INTO new_table
        into = node.intoClause
        node.intoClause = None
        return _table_as(node, into, False, src, offset)
    rf = _cypher_call(node)
    if rf is not None:
        return _cypher(node, rf, src, offset, p)
    revert = revert_plan(node, src.sql, p)
    if revert is not None:
        return revert
    if node.fromClause or query.needs_query(node):
        return dml.SelectPlan(
            query.compile_query(node, src.sql, p, src.catalog), src.catalog.version
        )
    return ConstantPlan(expr.compile_select(node, src.sql, p), _calls_non_immutable(node))


# Functions that PostgreSQL does not fold while planning (stable or volatile).
_NON_IMMUTABLE = frozenset(
    {
        "now",
        "transaction_timestamp",
        "statement_timestamp",
        "clock_timestamp",
        "timeofday",
        "current_setting",
        "set_config",
        "random",
        "nextval",
        "currval",
        "setval",
        "lastval",
        "gen_random_uuid",
        "pg_backend_pid",
        "version",
        "current_database",
        "current_schema",
        "current_schemas",
        "pg_postmaster_start_time",
        "txid_current",
        "to_char",
        "age",
        "date_part",
        "extract",
        "date_trunc",
    }
)
_STABLE_TYPES = frozenset({"timestamptz", "timetz", "regtype", "regclass"})


def _calls_non_immutable(node: Any) -> bool:
    """Whether an expression tree calls a stable or volatile function (or input cast)."""
    if _is(node, ast.FuncCall):
        if node.funcname[-1].sval.lower() in _NON_IMMUTABLE:
            return True
    elif _is(node, ast.SQLValueFunction) or _is(node, ast.ParamRef):
        return True
    elif _is(node, ast.TypeCast) and node.typeName.names[-1].sval in _STABLE_TYPES:
        return True
    if isinstance(node, tuple | list):
        return any(_calls_non_immutable(n) for n in node)
    if isinstance(node, ast.Node):
        return any(_calls_non_immutable(getattr(node, f)) for f in node)
    return False


def _cypher(node: Any, rf: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    call = rf.functions[0][0]
    where = src.position(call.location if call.location is not None else offset)
    for clause in (
        "whereClause",
        "groupClause",
        "havingClause",
        "sortClause",
        "limitCount",
        "limitOffset",
        "windowClause",
        "withClause",
        "distinctClause",
    ):
        if getattr(node, clause, None):
            raise FeatureNotSupported(
                f"{clause.removesuffix('Clause').upper()} over cypher() is not supported yet",
                position=where,
                hint="Put the condition, ordering or limit inside the Cypher query.",
            )
    args = list(call.args or ())
    # AGE form: cypher('graph', $$ query $$ [, params]); a node has one graph, so the name
    # is accepted and ignored.
    if len(args) == 3 or (
        len(args) == 2
        and _is_string(args[0])
        and _is_string(args[1])
        and not str(_const_value(args[1])).lstrip().startswith("{")
    ):
        args = args[1:]
    if not args or not _is_string(args[0]) or len(args) > 2:
        raise FeatureNotSupported(
            "cypher() takes a query string and an optional json object of parameters",
            position=where,
        )
    cypher = str(_const_value(args[0]))
    if split_cypher_statements(cypher) > 1:
        raise FeatureNotSupported("cypher() runs one Cypher statement at a time", position=where)
    forbidden = _SESSION_CYPHER.match(cypher)
    if forbidden:
        raise FeatureNotSupported(
            f"{forbidden.group(1).upper()} is not allowed inside cypher()",
            position=where,
            hint="Use SQL BEGIN/COMMIT/ROLLBACK for transactions; database and connection "
            "settings are the server's.",
        )
    arg: CypherArg | None = None
    if len(args) == 2:
        arg = _cypher_arg(args[1], src, p)
    if not rf.coldeflist:
        raise PgSyntaxError(
            'a column definition list is required for functions returning "record"',
            position=where,
        )
    columns = tuple(
        Column(cd.colname, _type_oid(cd.typeName), _typmod(cd.typeName)) for cd in rf.coldeflist
    )
    projection = _cypher_projection(node, columns, src, rf)
    return CypherPlan(cypher, columns, arg, cypher_is_write(cypher), projection)


# Cypher that would change a pooled connection's state behind the session's back:
# transaction control, attached databases and connection settings (`CALL name = value`).
_SESSION_CYPHER = re.compile(
    r"\s*(BEGIN|COMMIT|ROLLBACK|CHECKPOINT|ATTACH|DETACH\s+(?!DELETE)\w+|USE|"
    r"CALL\s+\w+\s*=)",
    re.IGNORECASE,
)


def _is_string(node: Any) -> bool:
    return _is(node, ast.A_Const) and _is(node.val, ast.String)


def _cypher_arg(node: Any, src: Source, p: ParamTypes) -> CypherArg:
    target = node.arg if _is(node, ast.TypeCast) else node
    if _is(target, ast.ParamRef):
        idx = target.number - 1
        declared = _type_oid(node.typeName) if _is(node, ast.TypeCast) else JSON_OID
        p.resolve(target.number, declared)
        return CypherArg(param_index=idx)
    if _is_string(target):
        text = str(_const_value(target))
        try:
            value = json.loads(text)
        except ValueError:
            raise InvalidParameterValue(
                "invalid input syntax for type json", detail=f"Token in {text!r} is invalid."
            ) from None
        if not isinstance(value, dict):
            raise InvalidParameterValue("cypher() parameters must be a json object")
        return CypherArg(constant=text)
    raise FeatureNotSupported(
        "cypher() parameters must be a $n parameter or a json string constant",
        position=src.position(getattr(target, "location", 0) or 0),
    )


def _type_oid(tn: Any) -> int:
    return type_by_names([n.sval for n in tn.names], bool(tn.arrayBounds)).oid


def _typmod(tn: Any) -> int:
    mods = [m for m in (tn.typmods or ()) if _is(m, ast.A_Const)]
    names = [n.sval for n in tn.names]
    if mods and names[-1] in ("varchar", "bpchar", "character varying", "char", "character"):
        return int(_const_value(mods[0])) + 4
    return -1


def _cypher_projection(
    node: Any, columns: tuple[Column, ...], src: Source, rf: Any
) -> tuple[int, ...] | None:
    targets: Sequence[Any] = node.targetList or ()
    if len(targets) == 1 and _is(targets[0].val, ast.ColumnRef):
        fields = targets[0].val.fields
        if _is(fields[-1], ast.A_Star):
            return None
    names = [c.name for c in columns]
    out = []
    for t in targets:
        val = t.val
        if not _is(val, ast.ColumnRef) or not _is(val.fields[-1], ast.String):
            raise FeatureNotSupported(
                "only column references may be selected from cypher() yet",
                position=src.position(getattr(val, "location", 0) or 0),
            )
        name = val.fields[-1].sval
        if name not in names:
            raise UndefinedColumn(
                f'column "{name}" does not exist', position=src.position(val.location or 0)
            )
        out.append(names.index(name))
    return tuple(out)


# ---------------------------------------------------------------- COPY


@handles(ast.CopyStmt)
def _copy(node: Any, src: Source, offset: int, p: ParamTypes) -> Plan:
    if node.filename is not None or node.is_program:
        raise FeatureNotSupported(
            "COPY to or from a file or program is not supported",
            hint="Use COPY ... FROM STDIN / TO STDOUT (psql's \\copy).",
            position=src.position(offset),
        )
    options = _copy_options(node.options or ())
    columns = tuple(s.sval for s in node.attlist) if node.attlist else None
    if node.query is not None:
        handler = _HANDLERS.get(type(node.query))
        if handler is None:
            raise _unsupported(node.query, src, offset)
        query = handler(node.query, src, offset, p)
        return CopyPlan("to", None, None, query, options)
    table = node.relation.relname
    if node.relation.schemaname not in (None, "public"):
        raise FeatureNotSupported(
            f'schema "{node.relation.schemaname}" is not supported yet',
            position=src.position(offset),
        )
    if node.whereClause is not None:
        raise FeatureNotSupported("COPY FROM ... WHERE is not supported yet")
    return CopyPlan("from" if node.is_from else "to", table, columns, None, options)


def _copy_options(opts: Sequence[Any]) -> CopyOptions:
    fmt = "text"
    values: dict[str, Any] = {}
    for o in opts:
        v = _const_value(o.arg) if o.arg is not None else True
        if o.defname == "format":
            fmt = str(v).lower()
        else:
            values[o.defname] = v
    if fmt not in ("text", "csv"):
        raise FeatureNotSupported(f'COPY format "{fmt}" is not supported yet')
    csv = fmt == "csv"
    header = values.get("header", False)
    if isinstance(header, str):
        header = header.lower() in ("true", "on", "1", "match")
    delimiter = str(values.get("delimiter", "," if csv else "\t"))
    if len(delimiter) != 1:
        raise FeatureNotSupported("COPY delimiter must be a single one-byte character")
    quote = str(values.get("quote", '"'))
    return CopyOptions(
        format=fmt,
        delimiter=delimiter,
        null=str(values.get("null", "" if csv else "\\N")),
        header=bool(header),
        quote=quote,
        escape=str(values.get("escape", quote)),
    )


def ensure_params_typed(stmt: Statement) -> None:
    """PostgreSQL's 42P18 when a parameter's type could not be determined."""
    for i, oid in enumerate(stmt.param_types):
        if oid == 0:
            raise IndeterminateDatatype(f"could not determine data type of parameter ${i + 1}")
