"""The SQL side of kuzugres's audit functions (the event log's side is
`kuzugres.history`, docs/decisions/0017-history.md): their result columns, the table
name argument, and the plan of `SELECT kuzugres.revert_to(...)`. Pure, like the rest
of the translator."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pglast import ast

from kuzugres.errors import make_error
from kuzugres.proxy import types as T
from kuzugres.translator.expr import Column

#: The columns history() adds after the table's own.
VERSION_COLUMNS = (
    Column("valid_from", T.TIMESTAMPTZ),
    Column("valid_to", T.TIMESTAMPTZ),
    Column("operation", T.TEXT),
    Column("author", T.TEXT),
    Column("change_reason", T.TEXT),
    Column("txid", T.INT8),
)

#: schema_history()'s columns: one row per DDL statement.
SCHEMA_COLUMNS = (
    Column("executed_at", T.TIMESTAMPTZ),
    Column("sql", T.TEXT),
    Column("author", T.TEXT),
    Column("change_reason", T.TEXT),
    Column("txid", T.INT8),
)


def split_name(text: str, position: int | None = None) -> tuple[str | None, str]:
    """('schema' or None, 'name') of a possibly qualified, possibly quoted relation name
    (identifiers fold to lower case unless quoted, as in SQL)."""
    parts: list[str] = []
    i, n = 0, len(text)
    while True:
        if i < n and text[i] == '"':
            j = i + 1
            buf = []
            while True:
                k = text.find('"', j)
                if k < 0:
                    raise make_error("22P02", f'invalid name syntax: "{text}"', position=position)
                buf.append(text[j:k])
                if k + 1 < n and text[k + 1] == '"':
                    buf.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            parts.append("".join(buf))
        else:
            k = text.find(".", i)
            k = n if k < 0 else k
            part = text[i:k].strip()
            if not part:
                raise make_error("22P02", f'invalid name syntax: "{text}"', position=position)
            parts.append(part.lower())
            i = k
        if i >= n:
            break
        if text[i] != ".":
            raise make_error("22P02", f'invalid name syntax: "{text}"', position=position)
        i += 1
    if len(parts) == 1:
        return None, parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    raise make_error("42601", f'improper relation name: "{text}"', position=position)


#: revert_to()'s result: how many rows it inserted, updated or deleted.
REVERT_COLUMNS = (Column("revert_to", T.INT8),)


def _is_revert(call: Any) -> bool:
    return [n.sval for n in call.funcname or ()] == ["kuzugres", "revert_to"]


def _walk(node: Any) -> Iterable[Any]:
    if isinstance(node, tuple | list):
        for n in node:
            yield from _walk(n)
    elif isinstance(node, ast.Node):
        yield node
        for name in node:
            yield from _walk(getattr(node, name))


def revert_plan(node: Any, sql: str, params: Any) -> Any:
    """The plan of `SELECT kuzugres.revert_to(moment, tables)` (nothing else in the
    statement), None for any other SELECT."""
    if "revert_to" not in sql.lower():
        return None
    alone = (
        not node.fromClause
        and node.whereClause is None
        and node.targetList is not None
        and len(node.targetList) == 1
        and node.op == 0
    )
    call = node.targetList[0].val if alone else None
    if not (isinstance(call, ast.FuncCall) and _is_revert(call)):
        for n in _walk(node):
            if isinstance(n, ast.FuncCall) and _is_revert(n):
                raise make_error(
                    "0A000",
                    "kuzugres.revert_to() must be called alone: "
                    "SELECT kuzugres.revert_to(moment, tables)",
                    position=(n.location or 0) + 1,
                )
        return None
    from kuzugres.translator import expr
    from kuzugres.translator.plans import RevertPlan

    args = call.args or ()
    if len(args) != 2:
        raise make_error(
            "42883",
            "function kuzugres.revert_to() takes a timestamptz and an array of table names",
            position=(call.location or 0) + 1,
        )

    def cast(arg: Any, typname: str, array: bool) -> Any:
        type_name = ast.TypeName(
            names=(ast.String(sval="pg_catalog"), ast.String(sval=typname)),
            typemod=-1,
            arrayBounds=(ast.Integer(ival=-1),) if array else None,
            location=-1,
        )
        return ast.TypeCast(arg=arg, typeName=type_name, location=-1)

    select = ast.SelectStmt(
        targetList=(
            ast.ResTarget(val=cast(args[0], "timestamptz", False), location=-1),
            ast.ResTarget(val=cast(args[1], "text", True), location=-1),
        ),
        op=0,
        limitOption=0,
    )
    return RevertPlan(expr.compile_select(select, sql, params))
