"""DDL of user-defined types: CREATE TYPE ... AS ENUM, ALTER TYPE, DROP TYPE, COMMENT ON TYPE.

Enum types live in the catalog snapshot (`EnumDef`); columns of an enum type store the
label as a Kuzu STRING (see docs/types.md), so none of these statements touches Kuzu's
schema except DROP TYPE ... CASCADE, which drops the columns that use the type.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from pglast import enums

from kuzugres.errcodes import FeatureNotSupported, UndefinedObject, UniqueViolation
from kuzugres.errors import PgError
from kuzugres.proxy import types as T
from kuzugres.translator.catalog import Catalog, EnumDef, enum_oids
from kuzugres.translator.ddl import (
    DdlPlan,
    DdlResult,
    cascade_notices,
    dependents_exist,
    notice,
    quote,
    scoped,
    undefined_schema,
)

Path = tuple[str, ...]
_NAMEDATALEN = 64
#: A label that array text neither quotes nor escapes, and no regular expression reads.
_PLAIN_LABEL = re.compile(r"[A-Za-z0-9_]+")


def _names(type_name: Any) -> tuple[str | None, str]:
    """(schema or None, name) of a list of String nodes or a TypeName."""
    parts = [n.sval for n in (getattr(type_name, "names", None) or type_name)]
    if len(parts) > 1 and parts[0] == "pg_catalog" and len(parts) == 2:
        return "pg_catalog", parts[1]
    return (parts[-2] if len(parts) > 1 else None, parts[-1])


def _shown(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _check_label(label: str) -> None:
    if len(label.encode("utf-8")) >= _NAMEDATALEN:
        raise PgError(
            f'invalid enum label "{label}"',
            sqlstate="22023",
            detail=f"Labels must be {_NAMEDATALEN - 1} bytes or less.",
        )


def _builtin_type(name: str) -> bool:
    try:
        return T.type_by_name(name).category != "E"
    except PgError:
        return False


def _lookup(catalog: Catalog, schema: str | None, name: str) -> EnumDef:
    found = catalog.enum_type(name, schema)
    if found is None:
        if _builtin_type(name) and schema in (None, "pg_catalog"):
            raise PgError(f"{name} is not an enum", sqlstate="42809")
        raise UndefinedObject(f'type "{_shown(schema, name)}" does not exist')
    return found


def create_enum(node: Any, position: int, path: Path) -> DdlPlan:
    """CREATE TYPE [schema.]name AS ENUM ('label', ...)."""
    schema_given, name = _names(node.typeName)
    labels = tuple(v.sval for v in (node.vals or ()))

    def inner(catalog: Catalog) -> DdlResult:
        schema = schema_given or catalog.creation_schema()
        if schema not in catalog.schemas:
            raise undefined_schema(schema)
        qualified = f"{schema}.{name}"
        if qualified in catalog.enums or catalog.relation_at(qualified) is not None:
            raise PgError(f'type "{name}" already exists', sqlstate="42710")
        seen: set[str] = set()
        for label in labels:
            _check_label(label)
            if label in seen:
                raise UniqueViolation(
                    'duplicate key value violates unique constraint "pg_enum_typid_label_index"'
                )
            seen.add(label)
        oid, array_oid = enum_oids(schema, name)
        enum = EnumDef(
            schema,
            name,
            labels,
            tuple(float(i + 1) for i in range(len(labels))),
            oid=oid,
            array_oid=array_oid,
        )
        return DdlResult(catalog.with_enum(enum))

    return DdlPlan("CREATE TYPE", scoped(path, inner))


def alter_enum(node: Any, position: int, path: Path) -> DdlPlan:
    """ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'x' [BEFORE | AFTER 'y'] and
    ALTER TYPE name RENAME VALUE 'x' TO 'y'."""
    schema, name = _names(node.typeName)

    def inner(catalog: Catalog) -> DdlResult:
        enum = _lookup(catalog, schema, name)
        labels, orders = list(enum.labels), list(enum.sort_orders)
        if node.oldVal is not None:  # RENAME VALUE
            old, new = node.oldVal, node.newVal
            if old not in labels:
                raise PgError(f'"{old}" is not an existing enum label', sqlstate="22023")
            if new in labels and new != old:
                raise PgError(f'enum label "{new}" already exists', sqlstate="42710")
            _check_label(new)
            labels[labels.index(old)] = new
            return DdlResult(
                catalog.with_enum(replace(enum, labels=tuple(labels))),
                cypher=_relabel(catalog, enum, old, new),
            )
        new = node.newVal
        if new in labels:
            if node.skipIfNewValExists:
                return DdlResult(
                    catalog,
                    notices=(notice(f'enum label "{new}" already exists, skipping', "42710"),),
                )
            raise PgError(f'enum label "{new}" already exists', sqlstate="42710")
        _check_label(new)
        ordered = sorted(orders)
        if node.newValNeighbor is None:
            order = (ordered[-1] if ordered else 0.0) + 1.0
        else:
            neighbor = node.newValNeighbor
            if neighbor not in labels:
                raise PgError(f'"{neighbor}" is not an existing enum label', sqlstate="22023")
            at = orders[labels.index(neighbor)]
            i = ordered.index(at)
            if node.newValIsAfter:
                order = ordered[i + 1] if i + 1 < len(ordered) else at + 2.0
                order = (at + order) / 2
            else:
                before = ordered[i - 1] if i > 0 else at - 2.0
                order = (before + at) / 2
        labels.append(new)
        orders.append(order)
        return DdlResult(
            catalog.with_enum(replace(enum, labels=tuple(labels), sort_orders=tuple(orders)))
        )

    return DdlPlan("ALTER TYPE", scoped(path, inner))


def _cypher_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _relabel(catalog: Catalog, enum: EnumDef, old: str, new: str) -> tuple[str, ...]:
    """The Kuzu statements renaming a label in the rows (they store labels, not OIDs)."""
    out = []
    for t in catalog.tables.values():
        for c in t.columns:
            if c.type_oid == enum.array_oid:  # stored as array text: '{sad,ok}'
                if not (_PLAIN_LABEL.fullmatch(old) and _PLAIN_LABEL.fullmatch(new)):
                    raise FeatureNotSupported(
                        f'RENAME VALUE of type {enum.name} used by array column "{c.name}" '
                        f'of table "{t.name}" is supported for plain labels only'
                    )
                col = f"n.{quote(c.name)}"
                # twice: a match takes the delimiter after it, which the next one needs
                pattern = _cypher_string(f"([{{,]){old}([,}}])")
                replacement = _cypher_string("\\1" + new + "\\2")
                for _ in range(2):
                    out.append(
                        f"MATCH (n:{quote(t.kuzu_name)}) WHERE {col} IS NOT NULL SET {col} = "
                        f"regexp_replace({col}, {pattern}, {replacement}, 'g')"
                    )
            if c.type_oid == enum.oid:
                col = f"n.{quote(c.name)}"
                out.append(
                    f"MATCH (n:{quote(t.kuzu_name)}) WHERE {col} = {_cypher_string(old)} "
                    f"SET {col} = {_cypher_string(new)}"
                )
    return tuple(out)


def rename_type(node: Any, position: int, path: Path) -> DdlPlan:
    """ALTER TYPE name RENAME TO new (the OIDs stay: columns keep referring to it)."""
    schema, name = _names(node.object)

    def inner(catalog: Catalog) -> DdlResult:
        enum = _lookup(catalog, schema, name)
        new = node.newname
        if f"{enum.schema}.{new}" in catalog.enums:
            raise PgError(f'type "{new}" already exists', sqlstate="42710")
        renamed = replace(enum, name=new)
        return DdlResult(catalog.without_enum(enum.qualified).with_enum(renamed))

    return DdlPlan("ALTER TYPE", scoped(path, inner))


def drop_types(node: Any, position: int, path: Path) -> DdlPlan:
    """DROP TYPE [IF EXISTS] name, ... [CASCADE | RESTRICT]: 2BP01 while a column uses it,
    unless CASCADE, which drops those columns."""
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    targets = [_names(obj) for obj in node.objects]

    def inner(catalog: Catalog) -> DdlResult:
        notices: list[PgError] = []
        cypher: list[str] = []
        for schema, name in targets:
            enum = catalog.enum_type(name, schema)
            if enum is None:
                if node.missing_ok:
                    notices.append(
                        notice(f'type "{_shown(schema, name)}" does not exist, skipping')
                    )
                    continue
                if _builtin_type(name):
                    raise FeatureNotSupported(f"cannot drop built-in type {name}")
                raise UndefinedObject(f'type "{_shown(schema, name)}" does not exist')
            catalog, more, dropped = drop_enum_from(catalog, enum, cascade)
            notices.extend(cascade_notices(dropped))
            cypher.extend(more)
        return DdlResult(catalog, cypher=tuple(cypher), notices=tuple(notices))

    return DdlPlan("DROP TYPE", scoped(path, inner))


def drop_enum_from(
    catalog: Catalog, enum: EnumDef, cascade: bool
) -> tuple[Catalog, list[str], list[str]]:
    """`catalog` without `enum`, the Kuzu statements dropping the columns that use it
    (2BP01 unless `cascade`), and what was dropped with it, as CASCADE notices say."""
    users = [
        (t, c)
        for t in catalog.tables.values()
        for c in t.columns
        if c.type_oid in (enum.oid, enum.array_oid)
    ]
    what = [f"column {c.name} of table {t.name}" for t, c in users]
    if users and not cascade:
        raise dependents_exist(
            f"type {enum.name}", [f"{w} depends on type {enum.name}" for w in what]
        )
    cypher = []
    for t, c in users:
        if c.name == t.key:
            raise FeatureNotSupported(
                f'cannot drop column "{c.name}": it is the Kuzu primary key of table "{t.name}"'
            )
        t = catalog.tables[t.qualified]
        cols = tuple(x for x in t.columns if x.name != c.name)
        cons = tuple(k for k in t.constraints if c.name not in k.columns)
        catalog = catalog.with_table(replace(t, columns=cols, constraints=cons))
        cypher.append(f"ALTER TABLE {quote(t.kuzu_name)} DROP {quote(c.name)}")
    return catalog.without_enum(enum.qualified), cypher, what


def comment_on_type(node: Any, path: Path) -> DdlPlan:
    """COMMENT ON TYPE name IS 'text' | NULL."""
    schema, name = _names(node.object)
    text = node.comment or None

    def inner(catalog: Catalog) -> DdlResult:
        enum = _lookup(catalog, schema, name)
        return DdlResult(catalog.with_enum(replace(enum, comment=text)))

    return DdlPlan("COMMENT", scoped(path, inner))
