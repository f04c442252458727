"""Functions, operators and casts clients use to read the catalog (issue 4).

Registered into expr.py's tables on import (expr.py imports this module at its end).
Functions that need the schema read the session's snapshot through the evaluation
context (`ctx.catalog()`), the same snapshot the statement was translated against.
"""

from __future__ import annotations

import datetime as dt

from kuzugres.proxy import types as _T
from kuzugres.proxy.types import (
    BOOL,
    CHAR,
    DOMAIN_BASE,
    INT2,
    INT4,
    INT8,
    NAME,
    NUMERIC,
    OID,
    OID_ALIASES,
    PG_NODE_TREE,
    REGCLASS,
    TEXT,
    TIMESTAMPTZ,
    XID,
)
from kuzugres.translator import pgcatalog, viewdef
from kuzugres.translator.catalog import Catalog

from .expr import (
    _IMPLICIT,
    Impl,
    _Call,
    _ctx_call,
    _format_any_type,
    _function,
    _register_comparisons,
    _simple,
)

_STARTED = dt.datetime.now(dt.UTC)

# -- operators and implicit casts of the catalog types

_register_comparisons((CHAR, CHAR), str, str)
_register_comparisons((XID, XID), int, int)
for _t in OID_ALIASES:
    _register_comparisons((_t, _t), int, int)
    _IMPLICIT.update({(_t, OID), (OID, _t), (INT2, _t), (INT4, _t), (INT8, _t)})
for _domain, _base in DOMAIN_BASE.items():
    _IMPLICIT.add((_domain, _base))
    if _base != INT4:
        _IMPLICIT.add((_domain, TEXT))
_IMPLICIT.add((CHAR, TEXT))
_IMPLICIT.add((PG_NODE_TREE, TEXT))


def _catalog(call: _Call) -> Catalog:
    """The session's schema snapshot (an empty one for a context without a session)."""
    snapshot = getattr(call.env.ctx, "catalog", None)
    return snapshot() if snapshot is not None else Catalog()


# -- who and where

_function(
    "pg_get_userbyid",
    (OID,),
    NAME,
    lambda call, oid: pgcatalog.role_name(oid, call.env.ctx.user) or f"unknown (OID={oid})",
)
_function("pg_encoding_to_char", (INT4,), NAME, _simple(lambda n: "UTF8" if n == 6 else ""))
_function("pg_is_in_recovery", (), BOOL, _simple(lambda: False))
_function("pg_postmaster_start_time", (), TIMESTAMPTZ, _simple(lambda: _STARTED))
_function("txid_current", (), INT8, _ctx_call(lambda ctx: ctx.transaction_id()))
_function(
    "current_schema",
    (),
    NAME,
    lambda call: next(iter(_catalog(call).path_schemas()), None),
    strict=False,
)
_function(
    "current_schemas",
    (BOOL,),
    1003,
    lambda call, implicit: (
        (["pg_catalog"] if implicit and "pg_catalog" not in _catalog(call).search_path else [])
        + list(_catalog(call).path_schemas())
    ),
)

# -- visibility and privileges (kuzugres has one role: everything is visible and allowed)

_function(
    "pg_table_is_visible", (OID,), BOOL, lambda call, oid: pgcatalog.is_visible(_catalog(call), oid)
)
_function(
    "pg_type_is_visible",
    (OID,),
    BOOL,
    lambda call, oid: pgcatalog.type_is_visible(_catalog(call), oid),
)
for _name in (
    "pg_function_is_visible",
    "pg_operator_is_visible",
    "pg_collation_is_visible",
    "pg_conversion_is_visible",
    "pg_opclass_is_visible",
    "pg_ts_config_is_visible",
):
    _function(_name, (OID,), BOOL, _simple(lambda oid: True))
for _name, _arity in (
    ("has_table_privilege", 2),
    ("has_table_privilege", 3),
    ("has_schema_privilege", 2),
    ("has_schema_privilege", 3),
    ("has_database_privilege", 2),
    ("has_database_privilege", 3),
    ("has_sequence_privilege", 2),
    ("has_sequence_privilege", 3),
    ("has_function_privilege", 2),
    ("has_function_privilege", 3),
    ("has_any_column_privilege", 2),
    ("has_any_column_privilege", 3),
):
    # (object, privilege) and (user, object, privilege), objects by name or OID
    for _first in (TEXT, OID):
        _args = (_first, TEXT) if _arity == 2 else (NAME, _first, TEXT)
        _function(_name, _args, BOOL, _simple(lambda *a: True))
_function("has_column_privilege", (TEXT, TEXT, TEXT), BOOL, _simple(lambda *a: True))
_function("has_column_privilege", (OID, INT2, TEXT), BOOL, _simple(lambda *a: True))
_function("has_column_privilege", (OID, TEXT, TEXT), BOOL, _simple(lambda *a: True))

# -- definitions as text


def _expr_text(call: _Call, tree: str, relid: int, pretty: bool = False) -> str:
    return tree  # pg_node_tree values are kept as their SQL text (pgcatalog)


_function("pg_get_expr", (PG_NODE_TREE, OID), TEXT, _expr_text)
_function("pg_get_expr", (PG_NODE_TREE, OID, BOOL), TEXT, _expr_text)


def _description(call: _Call, objoid: int, catalog_name: str | None = None) -> str | None:
    classoid = {
        "pg_class": pgcatalog.PG_CLASS_OID,
        "pg_namespace": pgcatalog.PG_NAMESPACE_OID,
        "pg_constraint": pgcatalog.PG_CONSTRAINT_OID,
        "pg_type": pgcatalog.PG_TYPE_OID,
    }
    env = pgcatalog.Env(_catalog(call), call.env.ctx.user, call.env.ctx.database)
    for row in pgcatalog.descriptions(env):
        if (
            row["objoid"] == objoid
            and row["objsubid"] == 0
            and (catalog_name is None or classoid.get(catalog_name) == row["classoid"])
        ):
            return str(row["description"])
    return None


def _column_description(call: _Call, relid: int, attnum: int) -> str | None:
    env = pgcatalog.Env(_catalog(call), call.env.ctx.user, call.env.ctx.database)
    for row in pgcatalog.descriptions(env):
        if row["objoid"] == relid and row["objsubid"] == attnum:
            return str(row["description"])
    return None


_function("obj_description", (OID, NAME), TEXT, _description)
_function("obj_description", (OID,), TEXT, _description)
_function("col_description", (OID, INT4), TEXT, _column_description)
_function("shobj_description", (OID, NAME), TEXT, _simple(lambda oid, name: None))
_function(
    "pg_get_constraintdef",
    (OID,),
    TEXT,
    lambda call, oid: pgcatalog.constraint_definition(_catalog(call), oid),
)
_function(
    "pg_get_constraintdef",
    (OID, BOOL),
    TEXT,
    lambda call, oid, pretty: pgcatalog.constraint_definition(_catalog(call), oid, pretty),
)
_function(
    "pg_get_indexdef",
    (OID,),
    TEXT,
    lambda call, oid: pgcatalog.index_definition(_catalog(call), oid),
)
_function(
    "pg_get_indexdef",
    (OID, INT4, BOOL),
    TEXT,
    lambda call, oid, column, pretty: (
        pgcatalog.index_definition_pretty(_catalog(call), oid)
        if pretty and column == 0
        else pgcatalog.index_definition(_catalog(call), oid, column)
    ),
)


def _view_definition(call: _Call, oid: int, pretty: bool = False, wrap: int = 0) -> str | None:
    """pg_get_viewdef(oid [, pretty]) and pg_get_viewdef(oid, wrap column): NULL for an
    OID that names no view."""
    cat = _catalog(call)
    for view in cat.views.values():
        if view.oid == oid:
            return viewdef.view_definition(view, cat, pretty, wrap, call.env.fmt)
    return None


def _view_definition_by_name(call: _Call, name: str, pretty: bool = False) -> str | None:
    from kuzugres.proxy.types import decode_text

    oid = int(decode_text(REGCLASS, name.encode(), call.env.fmt))
    return _view_definition(call, oid, pretty)


_function("pg_get_viewdef", (OID,), TEXT, _view_definition)
_function("pg_get_viewdef", (OID, BOOL), TEXT, _view_definition)
_function(
    "pg_get_viewdef",
    (OID, INT4),
    TEXT,
    lambda call, oid, wrap: _view_definition(call, oid, True, wrap),
)
_function("pg_get_viewdef", (TEXT,), TEXT, _view_definition_by_name)
_function("pg_get_viewdef", (TEXT, BOOL), TEXT, _view_definition_by_name)


def _serial_sequence(call: _Call, table: str, column: str) -> str | None:
    cat = _catalog(call)
    schema, _, name = table.rpartition(".")
    found = cat.find(name.strip('"'), schema.strip('"') or None)
    if found is None:
        from kuzugres.errcodes import UndefinedTable

        raise UndefinedTable(f'relation "{table}" does not exist')
    for seq in cat.sequences.values():
        if seq.owned_by == f"{found.qualified}.{column}":
            return seq.qualified
    return None


_function("pg_get_serial_sequence", (TEXT, TEXT), TEXT, _serial_sequence)

# Objects kuzugres never has (extended statistics, triggers, rules, policies,
# publications): their relations are empty, and these answer NULL for any OID, as
# PostgreSQL's do for an OID that names nothing.
for _name, _sig in (
    ("pg_get_statisticsobjdef_columns", (OID,)),
    ("pg_get_triggerdef", (OID,)),
    ("pg_get_triggerdef", (OID, BOOL)),
    ("pg_get_ruledef", (OID,)),
    ("pg_get_ruledef", (OID, BOOL)),
    ("pg_get_partkeydef", (OID,)),
    ("pg_get_partition_constraintdef", (OID,)),
    ("pg_get_functiondef", (OID,)),
    ("pg_get_function_arguments", (OID,)),
    ("pg_get_function_identity_arguments", (OID,)),
):
    _function(_name, _sig, TEXT, _simple(lambda *a: None), strict=False)


def _function_result(oid: int) -> str | None:
    """pg_get_function_result of a built-in function: its return type, `SETOF type`, or
    `TABLE(name type, ...)` (NULL for an OID that names no function)."""
    proc = pgcatalog.builtin_proc(oid)
    if proc is None:
        return None
    modes = proc["proargmodes"] or []
    if proc["proretset"] and "t" in modes:
        columns = [
            f"{pgcatalog.quote_ident(name)} {_format_any_type(type_oid, None)}"
            for name, type_oid, mode in zip(
                proc["proargnames"], proc["proallargtypes"], modes, strict=True
            )
            if mode == "t"
        ]
        return f"TABLE({', '.join(columns)})"
    result = _format_any_type(proc["prorettype"], None)
    return f"SETOF {result}" if proc["proretset"] else result


_function("pg_get_function_result", (OID,), TEXT, _simple(_function_result))
_function("pg_relation_is_publishable", (REGCLASS,), BOOL, _simple(lambda oid: False))


# ---------------------------------------------------------------------------- psql / catalog clients
# (additions for psql's describe commands; kept together so parallel work merges cleanly)

# Sizes: kuzugres cannot measure one relation's share of the Kuzu file (see
# pgcatalog.relation_size), so every relation reports 0 bytes.
for _name in ("pg_table_size", "pg_relation_size", "pg_total_relation_size", "pg_indexes_size"):
    _function(
        _name, (REGCLASS,), INT8, lambda call, oid: pgcatalog.relation_size(_catalog(call), oid)
    )
_function(
    "pg_relation_size",
    (REGCLASS, TEXT),
    INT8,
    lambda call, oid, fork: pgcatalog.relation_size(_catalog(call), oid),
)
# The built-in tablespaces live in the data directory: their location is '' (DBeaver's
# tablespace list); kuzugres has no others.
_function(
    "pg_tablespace_location",
    (OID,),
    TEXT,
    _simple(lambda oid: "" if oid in pgcatalog.BUILTIN_TABLESPACE_OIDS else None),
)
# kuzugres keeps no access statistics: no index has been scanned (DBeaver's index list).
_function("pg_stat_get_numscans", (OID,), INT8, _simple(lambda oid: 0))
_function("pg_size_pretty", (INT8,), TEXT, _simple(pgcatalog.size_pretty))
_function("pg_size_pretty", (NUMERIC,), TEXT, _simple(lambda n: pgcatalog.size_pretty(int(n))))
for _sig in ((NAME,), (OID,)):
    _function("pg_database_size", _sig, INT8, _simple(lambda db: 0))
# kuzugres has no user functions: no SQL-standard body to show.
_function("pg_get_function_sqlbody", (OID,), TEXT, _simple(lambda oid: None), strict=False)
for _name in (
    "pg_opfamily_is_visible",
    "pg_statistics_obj_is_visible",
    "pg_ts_dict_is_visible",
    "pg_ts_parser_is_visible",
    "pg_ts_template_is_visible",
):
    _function(_name, (OID,), BOOL, _simple(lambda oid: True))


# ---------------------------------------------------------------------------
# ORMs and drivers (SQLAlchemy, Alembic, asyncpg, psycopg's TypeInfo)
# ---------------------------------------------------------------------------


def _to_reg(type_oid: int) -> Impl:
    """to_regclass() and friends: the name's OID, or NULL where the cast would raise 42xxx."""
    from kuzugres.errors import PgError
    from kuzugres.proxy.types import decode_text

    def impl(call: _Call, name: str) -> int | None:
        try:
            return int(decode_text(type_oid, name.encode(), call.env.fmt))
        except PgError as err:
            if err.sqlstate.startswith("42") or err.sqlstate == "3F000":
                return None  # no such object (a syntax error in the name still raises)
            raise

    return impl


for _name, _alias in (
    ("to_regclass", REGCLASS),
    ("to_regtype", _T.REGTYPE),
    ("to_regnamespace", _T.REGNAMESPACE),
    ("to_regproc", _T.REGPROC),
    ("to_regprocedure", _T.REGPROCEDURE),
    ("to_regrole", _T.REGROLE),
):
    _function(_name, (TEXT,), _alias, _to_reg(_alias))
