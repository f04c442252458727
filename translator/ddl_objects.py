"""DDL for the objects around tables: schemas, sequences, views, indexes and comments.

Each is a `DdlPlan` like CREATE TABLE's (translator.ddl): pure, applied to the catalog at
execution time. None of them changes Kuzu's schema except DROP SCHEMA ... CASCADE (its
tables' node tables go); docs/decisions/0007-ddl-on-kuzu.md says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pglast import ast, enums

from kuzugres.errcodes import (
    DependentObjectsStillExist,
    DuplicateSchema,
    DuplicateTable,
    FeatureNotSupported,
    InvalidParameterValue,
    UndefinedColumn,
    UndefinedObject,
    UndefinedTable,
    UniqueViolation,
)
from kuzugres.errors import PgError
from kuzugres.proxy.types import format_type
from kuzugres.translator.catalog import (
    Catalog,
    ColumnDef,
    ConstraintDef,
    IndexDef,
    SequenceDef,
    TableDef,
    ViewDef,
    relation_kind,
    stable_oid,
)
from kuzugres.translator.ddl import (
    DdlPlan,
    DdlResult,
    ValidateConstraint,
    _isa,
    alter_target,
    cascade_notices,
    creation_schema,
    deparse,
    dependents_exist,
    drop_table_from,
    drop_view_from,
    notice,
    object_names,
    relation_taken,
    scoped,
    skip_existing,
    undefined_schema,
    walk_ast,
    wrong_kind,
)
from kuzugres.translator.ddl_types import drop_enum_from

Path = tuple[str, ...]

# ---------------------------------------------------------------- schemas


def create_schema(node: Any, position: int) -> DdlPlan:
    """CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role]."""
    name = node.schemaname or (node.authrole.rolename if node.authrole else None)
    if node.schemaElts:
        raise FeatureNotSupported(
            "CREATE SCHEMA with schema elements is not supported yet", position=position
        )
    if name is None:
        raise FeatureNotSupported("CREATE SCHEMA needs a name", position=position)
    if name.startswith("pg_"):
        raise PgError(
            f'unacceptable schema name "{name}"',
            sqlstate="42939",
            detail='The prefix "pg_" is reserved for system schemas.',
        )

    def apply(catalog: Catalog) -> DdlResult:
        if name in catalog.schemas or name in ("pg_catalog", "information_schema"):
            if node.if_not_exists:
                return DdlResult(
                    catalog, notices=(notice(f'schema "{name}" already exists, skipping', "42P06"),)
                )
            raise DuplicateSchema(f'schema "{name}" already exists')
        return DdlResult(catalog.with_schemas((*catalog.schemas, name)))

    return DdlPlan("CREATE SCHEMA", apply)


def drop_schema(node: Any, position: int) -> DdlPlan:
    """DROP SCHEMA [IF EXISTS] a, b [CASCADE]: CASCADE drops everything in them."""
    names = [obj.sval for obj in node.objects]
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE

    def apply(catalog: Catalog) -> DdlResult:
        cat = catalog
        cypher: list[str] = []
        notices: list[PgError] = []
        for name in names:
            if name not in cat.schemas:
                if node.missing_ok:
                    notices.append(notice(f'schema "{name}" does not exist, skipping'))
                    continue
                raise undefined_schema(name)
            members = [
                r for r in cat.in_schema(name) if not (isinstance(r, SequenceDef) and r.owned_by)
            ]
            members = [
                r
                for r in members
                if not (isinstance(r, IndexDef) and r.table.startswith(name + "."))
            ]
            shown = [f"{relation_kind(r)} {r.qualified}" for r in members]
            types = [e for e in cat.enums.values() if e.schema == name]
            shown += [f"type {e.qualified}" for e in types]
            if shown and not cascade:
                raise dependents_exist(
                    f"schema {name}", [f"{w} depends on schema {name}" for w in shown]
                )
            notices.extend(cascade_notices(shown))
            dropping = {r.qualified for r in members if isinstance(r, TableDef)}
            for rel in members:
                if isinstance(rel, ViewDef) and rel.qualified in cat.views:
                    cat = drop_view_from(cat, rel)
            for rel in members:
                if isinstance(rel, TableDef):
                    cat, more, _ = drop_table_from(cat, cat.tables[rel.qualified], True, dropping)
                    cypher.extend(more)
                elif isinstance(rel, SequenceDef):
                    cat = cat.without_sequence(rel.qualified)
                elif isinstance(rel, IndexDef):
                    cat = _without_index(cat, rel)
            for enum in types:  # after the tables: columns elsewhere that use it go too
                cat, more, _ = drop_enum_from(cat, enum, True)
                cypher.extend(more)
            cat = cat.with_schemas(tuple(s for s in cat.schemas if s != name))
            comments = dict(cat.schema_comments)
            comments.pop(name, None)
            cat = replace(cat, schema_comments=comments)
        return DdlResult(cat, tuple(cypher), tuple(notices))

    return DdlPlan("DROP SCHEMA", apply)


# ---------------------------------------------------------------- sequences


def _int_option(opt: Any) -> int:
    arg: Any = opt.arg
    if _isa(arg, ast.Integer):
        return int(arg.ival)
    if _isa(arg, ast.Float):
        return int(arg.fval)
    if _isa(arg, ast.A_Const):
        return _int_option(type("O", (), {"arg": arg.val})())
    raise InvalidParameterValue(f"{opt.defname} requires a numeric value")


_TYPE_MAX = {"int2": 2**15 - 1, "smallint": 2**15 - 1, "int4": 2**31 - 1, "integer": 2**31 - 1}


def _sequence_options(
    seq: SequenceDef, options: Any, *, creating: bool
) -> tuple[SequenceDef, int | None, str | None]:
    """Apply CREATE/ALTER SEQUENCE options: (sequence, restart value or None, OWNED BY)."""
    given: dict[str, Any] = {}
    restart: int | None = None
    owned: str | None = None
    type_max: int | None = None
    for opt in options or ():
        d = opt.defname
        if d in given or (d == "restart" and restart is not None):
            raise PgError("conflicting or redundant options", sqlstate="42601")
        if d == "as":
            tname = opt.arg.names[-1].sval
            type_max = _TYPE_MAX.get(tname)
            if tname not in ("int2", "int4", "int8", "smallint", "integer", "bigint"):
                raise PgError(
                    "sequence type must be smallint, integer, or bigint", sqlstate="42P17"
                )
            given[d] = tname
        elif d == "restart":
            restart = _int_option(opt) if opt.arg is not None else -(2**70)
        elif d == "owned_by":
            owned = ".".join(s.sval for s in opt.arg)
        elif d == "cycle":
            given[d] = bool(opt.arg.boolval) if opt.arg is not None else True
        elif d in ("minvalue", "maxvalue"):
            given[d] = None if opt.arg is None else _int_option(opt)
        elif d in ("start", "increment", "cache"):
            given[d] = _int_option(opt)
        else:
            raise FeatureNotSupported(f"sequence option {d} is not supported")
    increment = given.get("increment", seq.increment)
    if increment == 0:
        raise InvalidParameterValue("INCREMENT must not be zero")
    top = type_max or 2**63 - 1
    bottom = -(type_max + 1) if type_max else -(2**63)
    if "minvalue" in given and given["minvalue"] is not None:
        min_value = given["minvalue"]
    elif creating or "minvalue" in given or "increment" in given:
        min_value = 1 if increment > 0 else bottom
    else:
        min_value = seq.min_value
    if "maxvalue" in given and given["maxvalue"] is not None:
        max_value = given["maxvalue"]
    elif creating or "maxvalue" in given or "increment" in given or type_max:
        max_value = top if increment > 0 else -1
    else:
        max_value = seq.max_value
    if min_value >= max_value:
        raise InvalidParameterValue(
            f"MINVALUE ({min_value}) must be less than MAXVALUE ({max_value})"
        )
    start = given.get(
        "start", (min_value if increment > 0 else max_value) if creating else seq.start
    )
    if start < min_value:
        raise InvalidParameterValue(
            f"START value ({start}) cannot be less than MINVALUE ({min_value})"
        )
    if start > max_value:
        raise InvalidParameterValue(
            f"START value ({start}) cannot be greater than MAXVALUE ({max_value})"
        )
    if restart == -(2**70):
        restart = start
    if restart is not None and not min_value <= restart <= max_value:
        word = "less than MINVALUE" if restart < min_value else "greater than MAXVALUE"
        bound = min_value if restart < min_value else max_value
        raise InvalidParameterValue(f"RESTART value ({restart}) cannot be {word} ({bound})")
    out = replace(
        seq,
        start=start,
        increment=increment,
        min_value=min_value,
        max_value=max_value,
        cycle=given.get("cycle", seq.cycle),
    )
    return out, restart, owned


def _owned_by(catalog: Catalog, owned: str | None, seq: SequenceDef) -> str | None:
    if owned is None:
        return seq.owned_by
    if owned == "none":
        return None
    parts = owned.split(".")
    if len(parts) < 2:
        raise PgError(
            "invalid OWNED BY option",
            sqlstate="42601",
            hint="Specify OWNED BY table.column or OWNED BY NONE.",
        )
    col = parts[-1]
    table = catalog.lookup(parts[-2], parts[-3] if len(parts) > 2 else None)
    if table.column(col) is None:
        raise UndefinedColumn(f'column "{col}" of relation "{table.name}" does not exist')
    if table.schema != seq.schema:
        raise PgError("sequence must be in same schema as table it is linked to", sqlstate="55000")
    return f"{table.qualified}.{col}"


def create_sequence(node: Any, position: int, path: Path) -> DdlPlan:
    """CREATE SEQUENCE [IF NOT EXISTS] name [options]."""
    rel = node.sequence
    if rel.relpersistence == "t":
        raise FeatureNotSupported("temporary sequences are not supported yet", position=position)

    def inner(catalog: Catalog) -> DdlResult:
        schema = creation_schema(catalog, rel)
        name = rel.relname
        if relation_taken(catalog, schema, name):
            return skip_existing(catalog, name, node.if_not_exists)
        seq, _, owned = _sequence_options(SequenceDef(schema, name), node.options, creating=True)
        seq = replace(
            seq,
            owned_by=_owned_by(catalog, owned, seq),
            oid=stable_oid("sequence", f"{schema}.{name}"),
        )
        return DdlResult(catalog.with_sequence(seq), sequences=(seq.qualified,))

    return DdlPlan("CREATE SEQUENCE", scoped(path, inner))


def alter_sequence(node: Any, position: int, path: Path) -> DdlPlan:
    """ALTER SEQUENCE [IF EXISTS] name RESTART [WITH n] | INCREMENT ... | OWNED BY ..."""
    rel = node.sequence

    def inner(catalog: Catalog) -> DdlResult:
        found = alter_target(catalog, rel, node.missing_ok, SequenceDef, "sequence")
        if isinstance(found, DdlResult):
            return found
        seq, restart, owned = _sequence_options(found, node.options, creating=False)
        seq = replace(seq, owned_by=_owned_by(catalog, owned, seq))
        cat = catalog if seq == found else catalog.with_sequence(seq)
        restarts = ((seq.qualified, restart),) if restart is not None else ()
        return DdlResult(cat, restarts=restarts)

    return DdlPlan("ALTER SEQUENCE", scoped(path, inner))


def _column_defaults_using(catalog: Catalog, seq: SequenceDef) -> list[tuple[TableDef, ColumnDef]]:
    text = f"nextval('{seq.qualified}')"
    return [(t, c) for t in catalog.tables.values() for c in t.columns if c.default == text]


# ---------------------------------------------------------------- DROP VIEW/SEQUENCE/INDEX


def drop_objects(node: Any, position: int, path: Path, kind: str) -> DdlPlan:
    """DROP VIEW | SEQUENCE | INDEX [IF EXISTS] a, b [CASCADE]."""
    targets = [object_names(obj) for obj in node.objects]
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    if getattr(node, "concurrent", False) and kind != "index":
        raise FeatureNotSupported("DROP ... CONCURRENTLY", position=position)

    def inner(catalog: Catalog) -> DdlResult:
        cat = catalog
        notices: list[PgError] = []
        for schema, name in targets:
            shown = f"{schema}.{name}" if schema else name
            rel = cat.resolve(name, schema)
            if rel is None and kind == "index":
                owner = _constraint_index(cat, name, schema)
                if owner is not None:
                    table, con = owner
                    raise DependentObjectsStillExist(
                        f"cannot drop index {name} because constraint {con.name} on table "
                        f"{table.name} requires it",
                        hint=f"You can drop constraint {con.name} on table {table.name} instead.",
                    )
            if rel is None:
                if node.missing_ok:
                    notices.append(notice(f'{kind} "{shown}" does not exist, skipping'))
                    continue
                if kind == "index":
                    raise UndefinedObject(f'index "{shown}" does not exist')
                raise UndefinedTable(f'{kind} "{shown}" does not exist')
            if relation_kind(rel) != kind:
                raise wrong_kind(name, kind, relation_kind(rel))
            if isinstance(rel, ViewDef):
                deps = [v for v in cat.dependent_views(rel.qualified)]
                if deps and not cascade:
                    raise dependents_exist(
                        f"view {name}", [f"view {v.name} depends on view {name}" for v in deps]
                    )
                for v in deps:
                    notices.append(notice(f"drop cascades to view {v.name}"))
                cat = drop_view_from(cat, rel)
            elif isinstance(rel, SequenceDef):
                users = _column_defaults_using(cat, rel)
                if users and not cascade:
                    raise dependents_exist(
                        f"sequence {name}",
                        [
                            f"default value for column {c.name} of table {t.name} depends on "
                            f"sequence {name}"
                            for t, c in users
                        ],
                    )
                for t, c in users:
                    notices.append(
                        notice(
                            f"drop cascades to default value for column {c.name} of table {t.name}"
                        )
                    )
                    current = cat.tables[t.qualified]
                    cat = cat.with_table(
                        replace(
                            current,
                            columns=tuple(
                                replace(x, default=None) if x.name == c.name else x
                                for x in current.columns
                            ),
                        )
                    )
                cat = cat.without_sequence(rel.qualified)
            elif isinstance(rel, IndexDef):
                cat = _without_index(cat, rel)
        return DdlResult(cat, notices=tuple(notices))

    return DdlPlan(f"DROP {kind.upper()}", scoped(path, inner))


def _constraint_index(
    catalog: Catalog, name: str, schema: str | None
) -> tuple[TableDef, ConstraintDef] | None:
    schemas = (schema,) if schema else catalog.path_schemas()
    for t in catalog.tables.values():
        if t.schema in schemas:
            for c in t.constraints:
                if c.name == name and c.kind in ("p", "u") and not c.index_only:
                    return t, c
    return None


def _without_index(cat: Catalog, index: IndexDef) -> Catalog:
    table = cat.tables.get(index.table)
    if table is not None and index.unique:
        cat = cat.with_table(
            replace(
                table,
                constraints=tuple(
                    c for c in table.constraints if not (c.index_only and c.name == index.name)
                ),
            )
        )
    return cat.without_index(index.qualified)


# ---------------------------------------------------------------- indexes


def create_index(node: Any, position: int, path: Path) -> DdlPlan:
    """CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON t (cols): recorded; UNIQUE enforced."""
    rel = node.relation
    keys: list[str] = []
    for elem in node.indexParams or ():
        if elem.name is not None:
            keys.append(elem.name)
        else:
            keys.append("")
    if node.unique and ("" in keys or node.whereClause is not None):
        raise FeatureNotSupported(
            "unique indexes on expressions or with WHERE are not supported yet",
            position=position,
        )
    if node.concurrent:
        pass  # there is no concurrent writer to wait for: same as without
    method = node.accessMethod or "btree"
    elems = ", ".join(_index_elem_sql(e) for e in node.indexParams or ())
    where = f" WHERE ({deparse(node.whereClause)})" if node.whereClause is not None else ""

    def inner(catalog: Catalog) -> DdlResult:
        table = catalog.lookup(rel.relname, rel.schemaname)
        for k in keys:
            if k and table.column(k) is None:
                raise UndefinedColumn(f'column "{k}" does not exist')
        name = node.idxname or _index_name(catalog, table, keys)
        if relation_taken(catalog, table.schema, name):
            return skip_existing(catalog, name, node.if_not_exists)
        unique = "UNIQUE " if node.unique else ""
        index = IndexDef(
            schema=table.schema,
            name=name,
            table=table.qualified,
            columns=tuple(keys),
            unique=bool(node.unique),
            method=method,
            definition=f"CREATE {unique}INDEX {name} ON {table.qualified} USING {method} "
            f"({elems}){where}",
            oid=stable_oid("index", f"{table.schema}.{name}"),
        )
        cat = catalog.with_index(index)
        data: tuple[ValidateConstraint, ...] = ()
        if node.unique:
            con = ConstraintDef(name, "u", tuple(keys), index_only=True)
            table = replace(table, constraints=(*table.constraints, con))
            cat = cat.with_table(table)
            data = (ValidateConstraint(table, con, cat),)
        return DdlResult(cat, data=data)

    return DdlPlan("CREATE INDEX", scoped(path, inner))


def _index_name(catalog: Catalog, table: TableDef, keys: list[str]) -> str:
    base = f"{table.name}_{'_'.join(k or 'expr' for k in keys)}_idx"
    name, n = base, 0
    while relation_taken(catalog, table.schema, name):
        n += 1
        name = f"{base}{n}"
    return name


def _index_elem_sql(elem: Any) -> str:
    text = elem.name if elem.name is not None else f"({deparse(elem.expr)})"
    if elem.ordering == enums.SortByDir.SORTBY_DESC:
        text += " DESC"
    if elem.nulls_ordering == enums.SortByNulls.SORTBY_NULLS_FIRST and (
        elem.ordering != enums.SortByDir.SORTBY_DESC
    ):
        text += " NULLS FIRST"
    elif elem.nulls_ordering == enums.SortByNulls.SORTBY_NULLS_LAST and (
        elem.ordering == enums.SortByDir.SORTBY_DESC
    ):
        text += " NULLS LAST"
    return text


def unique_duplicate(name: str, cols: tuple[str, ...], shown: list[str]) -> UniqueViolation:
    """23505 for an existing duplicate found while creating a unique index or constraint."""
    return UniqueViolation(
        f'could not create unique index "{name}"',
        detail=f"Key ({', '.join(cols)})=({', '.join(shown)}) is duplicated.",
    )


# ---------------------------------------------------------------- views


def create_view(
    node: Any,
    position: int,
    path: Path,
    sql: str,
    columns_of: Callable[[Any, str, Catalog], list[tuple[str, int, int]]],
) -> DdlPlan:
    """CREATE [OR REPLACE] VIEW name [(cols)] AS SELECT ...: stores the SELECT's text and
    output columns (`columns_of` compiles the query to find them)."""
    rel = node.view
    if rel.relpersistence == "t":
        raise FeatureNotSupported("temporary views are not supported yet", position=position)
    if node.withCheckOption != enums.ViewCheckOption.NO_CHECK_OPTION:
        raise FeatureNotSupported("WITH CHECK OPTION is not supported yet", position=position)
    if node.options:
        raise FeatureNotSupported("view options are not supported yet", position=position)
    text = deparse(node.query)
    aliases = [a.sval for a in node.aliases or ()]

    def inner(catalog: Catalog) -> DdlResult:
        schema = creation_schema(catalog, rel)
        name = rel.relname
        out = columns_of(node.query, text, catalog)
        if len(aliases) > len(out):
            raise PgError("CREATE VIEW specifies more column names than columns", sqlstate="42601")
        cols = tuple(
            ColumnDef(aliases[i] if i < len(aliases) else n, oid, typmod, attnum=i + 1)
            for i, (n, oid, typmod) in enumerate(out)
        )
        seen: set[str] = set()
        for c in cols:
            if c.name in seen:
                raise PgError(f'column "{c.name}" specified more than once', sqlstate="42701")
            seen.add(c.name)
        view = ViewDef(
            schema,
            name,
            text,
            cols,
            oid=stable_oid("view", f"{schema}.{name}"),
            depends=_relations_read(node.query, catalog),
            search_path=tuple(catalog.search_path),
        )
        existing = catalog.relation_at(view.qualified)
        if existing is not None or relation_taken(catalog, schema, name):
            if not (node.replace and isinstance(existing, ViewDef)):
                if isinstance(existing, TableDef) and node.replace:
                    raise PgError(f'"{name}" is not a view', sqlstate="42809")
                raise DuplicateTable(f'relation "{name}" already exists')
            _check_replacement(existing, view)
            view = replace(view, comment=existing.comment)
        return DdlResult(catalog.with_view(view))

    return DdlPlan("CREATE VIEW", scoped(path, inner))


def _check_replacement(old: ViewDef, new: ViewDef) -> None:
    if len(new.columns) < len(old.columns):
        raise PgError("cannot drop columns from view", sqlstate="42P16")
    for o, n in zip(old.columns, new.columns, strict=False):
        if o.name != n.name:
            raise PgError(
                f'cannot change name of view column "{o.name}" to "{n.name}"',
                sqlstate="42P16",
                hint="Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.",
            )
        if o.type_oid != n.type_oid:
            raise PgError(
                f'cannot change data type of view column "{o.name}" from '
                f"{format_type(o.type_oid)} to {format_type(n.type_oid)}",
                sqlstate="42P16",
            )


def _relations_read(query: Any, catalog: Catalog) -> tuple[str, ...]:
    """Qualified names of the tables and views a query reads (CTE names excepted)."""
    out: list[str] = []

    def visit(node: Any) -> None:
        rel = catalog.resolve(node.relname, node.schemaname)
        if isinstance(rel, TableDef | ViewDef) and rel.qualified not in out:
            out.append(rel.qualified)

    walk_ast(query, ast.RangeVar, visit)
    return tuple(out)


# ---------------------------------------------------------------- COMMENT ON


def comment_on(node: Any, position: int, path: Path) -> DdlPlan:
    """COMMENT ON TABLE | COLUMN | CONSTRAINT | VIEW | SEQUENCE | INDEX | SCHEMA ... IS 'text'
    | NULL."""
    OT = enums.ObjectType
    kind = node.objtype
    text = node.comment or None  # '' removes the comment too
    kinds = {
        OT.OBJECT_TABLE: "table",
        OT.OBJECT_VIEW: "view",
        OT.OBJECT_SEQUENCE: "sequence",
        OT.OBJECT_INDEX: "index",
    }
    if kind not in (*kinds, OT.OBJECT_COLUMN, OT.OBJECT_SCHEMA, OT.OBJECT_TABCONSTRAINT):
        raise FeatureNotSupported(
            f"COMMENT ON {kind.name.removeprefix('OBJECT_')} is not supported yet",
            position=position,
        )

    def inner(catalog: Catalog) -> DdlResult:
        if kind == OT.OBJECT_SCHEMA:
            name = node.object.sval
            if name not in catalog.schemas:
                raise undefined_schema(name)
            comments = dict(catalog.schema_comments)
            if text is None:
                comments.pop(name, None)
            else:
                comments[name] = text
            return DdlResult(catalog.with_schema_comments(comments))
        if kind == OT.OBJECT_COLUMN:
            names = [s.sval for s in node.object]
            if len(names) < 2:
                raise PgError("column name must be qualified", sqlstate="42601")
            column = names[-1]
            schema, name = object_names(names[:-1] and node.object[:-1])
            table = catalog.lookup(name, schema)
            if table.column(column) is None:
                raise UndefinedColumn(
                    f'column "{column}" of relation "{table.name}" does not exist'
                )
            cols = tuple(replace(c, comment=text) if c.name == column else c for c in table.columns)
            return DdlResult(catalog.with_table(replace(table, columns=cols)))
        if kind == OT.OBJECT_TABCONSTRAINT:
            # COMMENT ON CONSTRAINT name ON [schema.]table
            *table_names, constraint = [s.sval for s in node.object]
            table = catalog.lookup(
                table_names[-1], table_names[0] if len(table_names) > 1 else None
            )
            con = next(
                (c for c in table.constraints if c.name == constraint and not c.index_only), None
            )
            if con is None:
                raise UndefinedObject(
                    f'constraint "{constraint}" for table "{table.name}" does not exist'
                )
            cons = tuple(replace(c, comment=text) if c is con else c for c in table.constraints)
            return DdlResult(catalog.with_table(replace(table, constraints=cons)))
        schema, name = object_names(node.object)
        rel = catalog.resolve(name, schema)
        want = kinds[kind]
        if rel is None:
            shown = f"{schema}.{name}" if schema else name
            raise UndefinedTable(f'relation "{shown}" does not exist')
        if relation_kind(rel) != want:
            raise PgError(f'"{name}" is not a {want}', sqlstate="42809")
        updated = replace(rel, comment=text)
        if isinstance(updated, TableDef):
            return DdlResult(catalog.with_table(updated))
        if isinstance(updated, ViewDef):
            return DdlResult(catalog.with_view(updated))
        if isinstance(updated, SequenceDef):
            return DdlResult(catalog.with_sequence(updated))
        return DdlResult(catalog.with_index(updated))

    return DdlPlan("COMMENT", scoped(path, inner))
