"""information_schema over the schema snapshot (the SQL standard's catalog views).

Rows follow PostgreSQL 15's definitions of the views (their columns come from
translator/pgdata/relations.json); what a view shows for objects kuzugres does not
have (domains, ...) is empty; routines lists PostgreSQL's built-in functions. Registered with pgcatalog on import.
"""

from __future__ import annotations

from collections.abc import Iterator

from kuzugres.proxy import types as T
from kuzugres.translator.catalog import ColumnDef, TableDef
from kuzugres.translator.expr import _format_any_type
from kuzugres.translator.pgcatalog import (
    Env,
    Row,
    builds,
    builtin_rows,
    builtin_types,
    default_text,
    schema_oid,
    shapes,
    system_attributes,
    system_classes,
    system_constraints,
    unique_constraint_for,
)

_CONSTRAINT_TYPES = {"p": "PRIMARY KEY", "u": "UNIQUE", "f": "FOREIGN KEY", "c": "CHECK"}
_RULES = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def _yes(flag: bool) -> str:
    return "YES" if flag else "NO"


def _visible_schemas(env: Env) -> tuple[str, ...]:
    return ("pg_catalog", "information_schema", *env.catalog.schemas)


@builds("information_schema.schemata")
def _schemata(env: Env) -> Iterator[Row]:
    for name in _visible_schemas(env):
        yield {"catalog_name": env.database, "schema_name": name, "schema_owner": env.user}


@builds("information_schema.tables")
def _tables(env: Env) -> Iterator[Row]:
    def row(schema: str, name: str, kind: str) -> Row:
        return {
            "table_catalog": env.database,
            "table_schema": schema,
            "table_name": name,
            "table_type": kind,
            "is_insertable_into": _yes(kind == "BASE TABLE"),
            "is_typed": "NO",
        }

    for shape in shapes().values():
        yield row(shape.schema, shape.name, "BASE TABLE" if shape.kind == "r" else "VIEW")
    for table in env.catalog.tables.values():
        yield row(table.schema, table.name, "BASE TABLE")
    for view in env.catalog.views.values():
        yield row(view.schema, view.name, "VIEW")


#: information_schema's data_type words where they differ from format_type's
_DATA_TYPE = {T.BPCHAR: "character", T.VARCHAR: "character varying"}
_INT_PRECISION = {T.INT2: 16, T.INT4: 32, T.INT8: 64, T.FLOAT4: 24, T.FLOAT8: 53}
_DATETIME = (T.DATE, T.TIME, T.TIMETZ, T.TIMESTAMP, T.TIMESTAMPTZ, T.INTERVAL)


def data_type(type_oid: int) -> str:
    """The `data_type` column: SQL's name of the type, 'ARRAY' for arrays."""
    pg_type = T.TYPES_BY_OID.get(type_oid)
    if pg_type is not None and pg_type.is_array:
        return "ARRAY"
    if T.is_enum(type_oid):
        return "USER-DEFINED"
    return _DATA_TYPE.get(type_oid) or T.format_type(type_oid)


def type_facts(col: ColumnDef) -> Row:
    """The length, precision and scale columns of a column of this type."""
    oid, mod = col.type_oid, col.typmod
    facts: Row = {}
    if oid in (T.VARCHAR, T.BPCHAR, T.TEXT):
        n = mod - 4 if mod >= 4 else None
        facts["character_maximum_length"] = n
        facts["character_octet_length"] = n * 4 if n is not None else 1073741824
    elif oid in _INT_PRECISION:
        facts.update(numeric_precision=_INT_PRECISION[oid], numeric_precision_radix=2)
        if oid in (T.INT2, T.INT4, T.INT8):
            facts["numeric_scale"] = 0
    elif oid == T.NUMERIC:
        facts["numeric_precision_radix"] = 10
        if mod >= 4:
            facts["numeric_precision"] = ((mod - 4) >> 16) & 0xFFFF
            facts["numeric_scale"] = (mod - 4) & 0xFFFF
    elif oid in _DATETIME:
        facts["datetime_precision"] = 0 if oid == T.DATE else (mod if mod >= 0 else 6)
    return facts


@builds("information_schema.columns")
def _columns(env: Env) -> Iterator[Row]:
    cat = env.catalog
    relations: list[tuple[str, str, tuple[ColumnDef, ...], TableDef | None]] = [
        (t.schema, t.name, t.columns, t) for t in cat.tables.values()
    ] + [(v.schema, v.name, v.columns, None) for v in cat.views.values()]
    for schema, name, columns, table in relations:
        for position, col in enumerate(columns, start=1):
            pg_type = T.TYPES_BY_OID.get(col.type_oid)
            udt = pg_type.name if pg_type is not None else str(col.type_oid)
            udt_schema = "pg_catalog"
            enum = cat.enum_by_oid(
                pg_type.elem_oid if pg_type and pg_type.is_array else col.type_oid
            )
            if enum is not None:  # a user-defined type: its own schema and name
                udt_schema = enum.schema
                udt = enum.name if enum.oid == col.type_oid else "_" + enum.name
            default = None
            if table is not None and col.default is not None and col.identity is None:
                default = default_text(cat, table, col.default, col.type_oid)
            yield {
                "table_catalog": env.database,
                "table_schema": schema,
                "table_name": name,
                "column_name": col.name,
                "ordinal_position": position,
                "column_default": default,
                "is_nullable": _yes(not col.not_null),
                "data_type": data_type(col.type_oid),
                **type_facts(col),
                "collation_name": None,
                "udt_catalog": env.database,
                "udt_schema": udt_schema,
                "udt_name": udt,
                "dtd_identifier": str(position),
                "is_self_referencing": "NO",
                "is_identity": _yes(col.identity is not None),
                "identity_generation": {"a": "ALWAYS", "d": "BY DEFAULT"}.get(col.identity or ""),
                "is_generated": "NEVER",
                "is_updatable": _yes(table is not None),
            }


@builds("information_schema.views")
def _views(env: Env) -> Iterator[Row]:
    from kuzugres.translator.viewdef import view_definition

    for view in env.catalog.views.values():
        yield {
            "table_catalog": env.database,
            "table_schema": view.schema,
            "table_name": view.name,
            "view_definition": view_definition(view, env.catalog),
            "check_option": "NONE",
            "is_updatable": "NO",
            "is_insertable_into": "NO",
            "is_trigger_updatable": "NO",
            "is_trigger_deletable": "NO",
            "is_trigger_insertable_into": "NO",
        }


def not_null_name(table: TableDef, col: ColumnDef) -> str:
    """PostgreSQL's name for a NOT NULL shown as a CHECK in information_schema."""
    return f"{schema_oid(table.schema)}_{table.oid}_{col.attnum}_not_null"


def _constraint_owner(env: Env, table: TableDef, name: str) -> Row:
    return {
        "constraint_catalog": env.database,
        "constraint_schema": table.schema,
        "constraint_name": name,
    }


def _table_ref(env: Env, table: TableDef) -> Row:
    return {"table_catalog": env.database, "table_schema": table.schema, "table_name": table.name}


# The system catalogs' own constraints: PostgreSQL shows them to a role that owns the
# catalogs, as the session user of kuzugres does (pg_roles: the bootstrap superuser).


def _system_ref(env: Env, relid: int) -> Row:
    schema = "pg_catalog" if system_classes()[relid]["relnamespace"] == 11 else "information_schema"
    return {
        "table_catalog": env.database,
        "table_schema": schema,
        "table_name": system_classes()[relid]["relname"],
    }


def _system_owner(env: Env, schema: str, name: str) -> Row:
    return {
        "constraint_catalog": env.database,
        "constraint_schema": schema,
        "constraint_name": name,
    }


def _system_keys(env: Env) -> Iterator[tuple[Row, Row, tuple[str, ...]]]:
    """(table reference, pg_constraint row, key columns) of every PRIMARY KEY and UNIQUE
    constraint of a system catalog."""
    for con in system_constraints().values():
        if con["contype"] in ("p", "u") and con["conrelid"] in system_classes():
            names = {a["attnum"]: a["attname"] for a in system_attributes()[con["conrelid"]]}
            columns = tuple(str(names[n]) for n in con["conkey"])
            yield _system_ref(env, con["conrelid"]), con, columns


def _system_not_nulls(env: Env) -> Iterator[tuple[Row, str, str]]:
    """(table reference, constraint name, column) of every NOT NULL column of a system
    table, named as information_schema names them."""
    for relid, rel in system_classes().items():
        if rel["relkind"] != "r":
            continue
        for a in system_attributes().get(relid, ()):
            if a["attnum"] > 0 and a["attnotnull"]:
                name = f"{rel['relnamespace']}_{relid}_{a['attnum']}_not_null"
                yield _system_ref(env, relid), name, str(a["attname"])


def _system_table_constraints(env: Env) -> Iterator[Row]:
    fixed = {"is_deferrable": "NO", "initially_deferred": "NO", "enforced": "YES"}
    for ref, con, _ in _system_keys(env):
        yield {
            **_system_owner(env, ref["table_schema"], con["conname"]),
            **ref,
            "constraint_type": _CONSTRAINT_TYPES[con["contype"]],
            **fixed,
            "nulls_distinct": "YES" if con["contype"] == "u" else None,
        }
    for ref, name, _ in _system_not_nulls(env):
        yield {
            **_system_owner(env, ref["table_schema"], name),
            **ref,
            "constraint_type": "CHECK",
            **fixed,
        }


@builds("information_schema.table_constraints")
def _table_constraints(env: Env) -> Iterator[Row]:
    yield from _system_table_constraints(env)
    for table in env.catalog.tables.values():
        for con in table.constraints:
            if con.index_only:
                continue
            yield {
                **_constraint_owner(env, table, con.name),
                **_table_ref(env, table),
                "constraint_type": _CONSTRAINT_TYPES[con.kind],
                "is_deferrable": "YES" if con.deferrable else "NO",
                "initially_deferred": "YES" if con.initially_deferred else "NO",
                "enforced": "YES",
                "nulls_distinct": "YES" if con.kind == "u" else None,
            }
        for col in table.columns:
            if col.not_null:
                yield {
                    **_constraint_owner(env, table, not_null_name(table, col)),
                    **_table_ref(env, table),
                    "constraint_type": "CHECK",
                    "is_deferrable": "NO",
                    "initially_deferred": "NO",
                    "enforced": "YES",
                }


@builds("information_schema.check_constraints")
def _check_constraints(env: Env) -> Iterator[Row]:
    for ref, name, column in _system_not_nulls(env):
        yield {
            **_system_owner(env, ref["table_schema"], name),
            "check_clause": f"{column} IS NOT NULL",
        }
    for con in system_constraints().values():  # information_schema's domains' CHECKs
        if con["contype"] == "c":
            schema = "pg_catalog" if con["connamespace"] == 11 else "information_schema"
            clause = str(con["condef"]).removeprefix("CHECK ")
            yield {**_system_owner(env, schema, con["conname"]), "check_clause": clause}
    for table in env.catalog.tables.values():
        for con in table.constraints:
            if con.kind == "c":
                yield {**_constraint_owner(env, table, con.name), "check_clause": con.check}
        for col in table.columns:
            if col.not_null:
                yield {
                    **_constraint_owner(env, table, not_null_name(table, col)),
                    "check_clause": f"{col.name} IS NOT NULL",
                }


@builds("information_schema.key_column_usage")
def _key_column_usage(env: Env) -> Iterator[Row]:
    for ref, con, columns in _system_keys(env):
        for i, name in enumerate(columns, start=1):
            yield {
                **_system_owner(env, ref["table_schema"], con["conname"]),
                **ref,
                "column_name": name,
                "ordinal_position": i,
                "position_in_unique_constraint": None,
            }
    cat = env.catalog
    for table in cat.tables.values():
        for con in table.constraints:
            if con.kind not in ("p", "u", "f") or con.index_only:
                continue
            parent = cat.tables.get(con.ref_table or "") if con.kind == "f" else None
            target = unique_constraint_for(parent, con.ref_columns) if parent is not None else None
            for i, name in enumerate(con.columns, start=1):
                position = None
                if target is not None:
                    position = target.columns.index(con.ref_columns[i - 1]) + 1
                yield {
                    **_constraint_owner(env, table, con.name),
                    **_table_ref(env, table),
                    "column_name": name,
                    "ordinal_position": i,
                    "position_in_unique_constraint": position,
                }


@builds("information_schema.constraint_column_usage")
def _constraint_column_usage(env: Env) -> Iterator[Row]:
    for ref, con, columns in _system_keys(env):
        for name in columns:
            yield {
                **ref,
                "column_name": name,
                **_system_owner(env, ref["table_schema"], con["conname"]),
            }
    cat = env.catalog
    for table in cat.tables.values():
        for con in table.constraints:
            if con.index_only:
                continue
            owner = table
            columns = con.columns
            if con.kind == "f":
                parent = cat.tables.get(con.ref_table or "")
                if parent is None:
                    continue
                owner, columns = parent, con.ref_columns
            for name in columns:
                yield {
                    **_table_ref(env, owner),
                    "column_name": name,
                    **_constraint_owner(env, table, con.name),
                }


@builds("information_schema.referential_constraints")
def _referential_constraints(env: Env) -> Iterator[Row]:
    cat = env.catalog
    for table in cat.tables.values():
        for con in table.constraints:
            if con.kind != "f":
                continue
            parent = cat.tables.get(con.ref_table or "")
            target = unique_constraint_for(parent, con.ref_columns) if parent is not None else None
            yield {
                **_constraint_owner(env, table, con.name),
                "unique_constraint_catalog": env.database if target is not None else None,
                "unique_constraint_schema": parent.schema if parent and target else None,
                "unique_constraint_name": target.name if target is not None else None,
                "match_option": "NONE",
                "update_rule": _RULES[con.on_update],
                "delete_rule": _RULES[con.on_delete],
            }


@builds("information_schema.sequences")
def _sequences(env: Env) -> Iterator[Row]:
    for seq in env.catalog.sequences.values():
        yield {
            "sequence_catalog": env.database,
            "sequence_schema": seq.schema,
            "sequence_name": seq.name,
            "data_type": "bigint",
            "numeric_precision": 64,
            "numeric_precision_radix": 2,
            "numeric_scale": 0,
            "start_value": str(seq.start),
            "minimum_value": str(seq.min_value),
            "maximum_value": str(seq.max_value),
            "increment": str(seq.increment),
            "cycle_option": _yes(seq.cycle),
        }


@builds("information_schema.character_sets")
def _character_sets(env: Env) -> Iterator[Row]:
    yield {
        "character_set_name": "UTF8",
        "character_repertoire": "UCS",
        "form_of_use": "UTF8",
        "default_collate_catalog": env.database,
        "default_collate_schema": "pg_catalog",
        "default_collate_name": "C.UTF-8",
    }


@builds("information_schema.routines")
def _routines(env: Env) -> Iterator[Row]:
    """Every function and procedure (the session user is the superuser, who may call
    them all), as PostgreSQL 15's view shows them."""
    spaces = {schema_oid(n): n for n in _visible_schemas(env)}
    languages = {r["oid"]: r["lanname"] for r in builtin_rows("pg_language")}
    types = builtin_types()
    for p in builtin_rows("pg_proc"):
        schema = spaces.get(p["pronamespace"])
        if schema is None:
            continue
        kind = p["prokind"]
        lang = languages.get(p["prolang"], "")
        t = types.get(p["prorettype"]) if kind != "p" else None
        type_schema = spaces.get(t["typnamespace"]) if t is not None else None
        if kind == "p" or t is None:
            data_type = None
        elif t["typelem"] and t["typlen"] == -1:
            data_type = "ARRAY"
        elif type_schema == "pg_catalog":
            data_type = _format_any_type(t["oid"], None)
        else:
            data_type = "USER-DEFINED"
        yield {
            "specific_catalog": env.database,
            "specific_schema": schema,
            "specific_name": f"{p['proname']}_{p['oid']}",
            "routine_catalog": env.database,
            "routine_schema": schema,
            "routine_name": p["proname"],
            "routine_type": {"f": "FUNCTION", "p": "PROCEDURE"}.get(kind),
            "data_type": data_type,
            "type_udt_catalog": env.database if type_schema is not None else None,
            "type_udt_schema": type_schema,
            "type_udt_name": t["typname"] if t is not None else None,
            "dtd_identifier": "0" if kind != "p" else None,
            "routine_body": "SQL" if lang == "sql" else "EXTERNAL",
            "routine_definition": p["prosrc"],
            "external_name": p["prosrc"] if lang == "c" else None,
            "external_language": lang.upper(),
            "parameter_style": "GENERAL",
            "is_deterministic": _yes(p["provolatile"] == "i"),
            "sql_data_access": "MODIFIES",
            "is_null_call": _yes(bool(p["proisstrict"])) if kind != "p" else None,
            "schema_level_routine": "YES",
            "max_dynamic_result_sets": 0,
            "security_type": "DEFINER" if p["prosecdef"] else "INVOKER",
            "as_locator": "NO",
            "is_udt_dependent": "NO",
        }
