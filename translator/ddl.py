"""DDL: CREATE TABLE, DROP TABLE, TRUNCATE -> a new catalog plus the Kuzu DDL that matches.

A `DdlPlan` is pure: `apply(catalog)` validates against the catalog current at execution
time and returns the next catalog, the Cypher to run and any notices. The executor runs
both in one Kuzu write transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pglast import ast, enums
from pglast.stream import RawStream

from kuzugres.errcodes import (
    DependentObjectsStillExist,
    DuplicateTable,
    FeatureNotSupported,
    InvalidTableDefinition,
    UndefinedColumn,
    UndefinedTable,
)
from kuzugres.errors import PgError
from kuzugres.proxy.types import type_by_name
from kuzugres.translator.catalog import (
    ROWID,
    Catalog,
    ColumnDef,
    ConstraintDef,
    SequenceDef,
    TableDef,
    keyable,
    kuzu_table_name,
    stable_oid,
)


@dataclass(frozen=True)
class DdlResult:
    """What a DDL statement does: the next catalog, Kuzu statements, notices."""

    catalog: Catalog
    cypher: tuple[str, ...] = ()
    notices: tuple[PgError, ...] = ()
    sequences: tuple[str, ...] = ()  # sequences to create in the sequence table


@dataclass(frozen=True)
class DdlPlan:
    """A DDL statement, applied against the catalog at execution time."""

    tag: str
    apply: Callable[[Catalog], DdlResult] = field(compare=False)


def quote(name: str) -> str:
    """A Kuzu identifier, quoted (names come from the parser; backticks are refused)."""
    if "`" in name or "\0" in name or not name:
        raise PgError(f'invalid name "{name}"', sqlstate="42602")
    return f"`{name}`"


_SERIALS = {
    "serial": "int4",
    "serial4": "int4",
    "bigserial": "int8",
    "serial8": "int8",
    "smallserial": "int2",
    "serial2": "int2",
}


def _type_of(tn: Any) -> tuple[int, int, bool]:
    """(type oid, typmod, is_serial) of a TypeName."""
    names = [n.sval for n in tn.names]
    base = names[-1]
    serial = base in _SERIALS and len(names) == 1
    if serial:
        base = _SERIALS[base]
    if tn.arrayBounds:
        base += "[]"
    pgtype = type_by_name(base)
    mods = [int(getattr(m.val, "ival", 0)) for m in (tn.typmods or ()) if _is_const(m)]
    typmod = -1
    if mods:
        if pgtype.name in ("varchar", "bpchar"):
            typmod = mods[0] + 4
        elif pgtype.name == "numeric":
            precision, scale = mods[0], mods[1] if len(mods) > 1 else 0
            typmod = ((precision << 16) | (scale & 0xFFFF)) + 4
        elif pgtype.name in ("timestamp", "timestamptz", "time", "interval"):
            typmod = mods[0]
    elif pgtype.name == "bpchar" and base in ("bpchar", "char", "character"):
        typmod = 1 + 4  # char without length is char(1)
    return pgtype.oid, typmod, serial


def deparse(node: Any) -> str:
    """An expression back to SQL text (how defaults and checks are stored)."""
    return str(RawStream()(node))


_FK_ACTIONS = {"a": "a", "r": "r", "c": "c", "n": "n", "d": "d"}


def create_table(node: Any, position: int) -> DdlPlan:
    """CREATE TABLE: parse once now, validate and build at execution."""
    rel = node.relation
    schema = rel.schemaname or "public"
    name = rel.relname
    if node.inhRelations or node.partspec or node.ofTypename:
        raise FeatureNotSupported(
            "CREATE TABLE with INHERITS, PARTITION BY or OF is not supported", position=position
        )
    if rel.relpersistence == "t":
        raise FeatureNotSupported("temporary tables are not supported yet", position=position)
    columns: list[ColumnDef] = []
    constraints: list[ConstraintDef] = []
    sequences: list[SequenceDef] = []
    pending_pk: list[tuple[str, ...]] = []
    attnum = 0
    for elt in node.tableElts or ():
        if isinstance(elt, ast.ColumnDef):
            attnum += 1
            oid, typmod, serial = _type_of(elt.typeName)
            col = ColumnDef(elt.colname, oid, typmod, attnum=attnum)
            if serial:
                seq = SequenceDef(
                    schema, f"{name}_{elt.colname}_seq", owned_by=f"{schema}.{name}.{elt.colname}"
                )
                sequences.append(seq)
                col = replace(col, not_null=True, default=f"nextval('{seq.qualified}')")
            for con in elt.constraints or ():
                col = _column_constraint(con, col, name, schema, constraints, sequences, pending_pk)
            if any(c.name == col.name for c in columns):
                raise PgError(
                    f'column "{col.name}" specified more than once',
                    sqlstate="42701",
                    position=position,
                )
            columns.append(col)
        elif isinstance(elt, ast.Constraint):
            _table_constraint(elt, name, constraints, pending_pk)
        else:
            raise FeatureNotSupported(
                f"{type(elt).__name__} in CREATE TABLE is not supported", position=position
            )
    if len(pending_pk) > 1:
        raise InvalidTableDefinition(
            f'multiple primary keys for table "{name}" are not allowed', position=position
        )
    names = {c.name for c in columns}
    for con in constraints:
        for cn in con.columns:
            if cn not in names:
                raise UndefinedColumn(
                    f'column "{cn}" named in key does not exist', position=position
                )
    if pending_pk:
        pk_cols = set(pending_pk[0])
        columns = [replace(c, not_null=True) if c.name in pk_cols else c for c in columns]

    def apply(catalog: Catalog) -> DdlResult:
        qualified = f"{schema}.{name}"
        if schema not in catalog.schemas:
            raise PgError(f'schema "{schema}" does not exist', sqlstate="3F000")
        if qualified in catalog.tables:
            if node.if_not_exists:
                notice = PgError(
                    f'relation "{name}" already exists, skipping',
                    sqlstate="42P07",
                    severity="NOTICE",
                )
                return DdlResult(catalog, (), (notice,))
            raise DuplicateTable(f'relation "{name}" already exists')
        # foreign keys must point at a unique key of an existing table (or this one)
        resolved = [
            replace(
                con, ref_columns=_check_fk_target(catalog, con, qualified, columns, constraints)
            )
            if con.kind == "f"
            else con
            for con in constraints
        ]
        pk = next((c for c in resolved if c.kind == "p"), None)
        key = ROWID
        if pk is not None and len(pk.columns) == 1:
            pk_col = next(c for c in columns if c.name == pk.columns[0])
            if keyable(pk_col):
                key = pk_col.name
        kuzu_name = kuzu_table_name(schema, name)
        props = [f"{quote(c.name)} {c.kuzu_type}" for c in columns]
        if key == ROWID:
            props.insert(0, f"{quote(ROWID)} SERIAL")
        cypher = [
            f"CREATE NODE TABLE {quote(kuzu_name)}({', '.join(props)}, PRIMARY KEY({quote(key)}))"
        ]
        table = TableDef(
            schema=schema,
            name=name,
            columns=tuple(columns),
            constraints=tuple(resolved),
            oid=stable_oid("table", qualified),
            kuzu_name=kuzu_name,
            key=key,
            next_attnum=attnum + 1,
        )
        cat = catalog.with_table(table)
        for seq in sequences:
            cat = cat.with_sequence(seq)
        return DdlResult(cat, tuple(cypher), (), tuple(s.qualified for s in sequences))

    return DdlPlan("CREATE TABLE", apply)


def _check_fk_target(
    catalog: Catalog,
    con: ConstraintDef,
    qualified: str,
    columns: Sequence[ColumnDef],
    constraints: Sequence[ConstraintDef],
) -> tuple[str, ...]:
    """Check a foreign key's target; returns the referenced columns (default: its key)."""
    assert con.ref_table is not None
    if con.ref_table == qualified:
        target_cols = {c.name for c in columns}
        target_cons: Sequence[ConstraintDef] = constraints
    else:
        schema, _, name = con.ref_table.partition(".")
        target = catalog.find(name, schema)
        if target is None:
            raise UndefinedTable(f'relation "{name}" does not exist')
        target_cols = {c.name for c in target.columns}
        target_cons = target.constraints
    ref_cols = con.ref_columns
    if not ref_cols:
        pk = next((c for c in target_cons if c.kind == "p"), None)
        if pk is None:
            raise PgError(
                f'there is no primary key for referenced table "{con.ref_table.split(".")[-1]}"',
                sqlstate="42830",
            )
        ref_cols = pk.columns
    for rc in ref_cols:
        if rc not in target_cols:
            raise UndefinedColumn(
                f'column "{rc}" referenced in foreign key constraint does not exist'
            )
    if not any(c.kind in ("p", "u") and set(c.columns) == set(ref_cols) for c in target_cons):
        raise PgError(
            "there is no unique constraint matching given keys for referenced table "
            f'"{con.ref_table.split(".")[-1]}"',
            sqlstate="42830",
        )
    if len(ref_cols) != len(con.columns):
        raise PgError(
            "number of referencing and referenced columns for foreign key disagree",
            sqlstate="42830",
        )
    return tuple(ref_cols)


def _fk(
    con: Any, table: str, cols: tuple[str, ...], constraints: list[ConstraintDef]
) -> ConstraintDef:
    ref = con.pktable
    name = con.conname or _unique_name(constraints, f"{table}_{'_'.join(cols)}_fkey")
    return ConstraintDef(
        name,
        "f",
        cols,
        ref_table=f"{ref.schemaname or 'public'}.{ref.relname}",
        ref_columns=tuple(s.sval for s in con.pk_attrs or ()),
        on_delete=_FK_ACTIONS.get(con.fk_del_action, "a"),
        on_update=_FK_ACTIONS.get(con.fk_upd_action, "a"),
    )


def _unique_name(constraints: Sequence[ConstraintDef], base: str) -> str:
    name, n = base, 0
    while any(c.name == name for c in constraints):
        n += 1
        name = f"{base}{n}"
    return name


def _column_constraint(
    con: Any,
    col: ColumnDef,
    table: str,
    schema: str,
    constraints: list[ConstraintDef],
    sequences: list[SequenceDef],
    pending_pk: list[tuple[str, ...]],
) -> ColumnDef:
    K = enums.ConstrType
    kind = con.contype
    if kind == K.CONSTR_NOTNULL:
        return replace(col, not_null=True)
    if kind == K.CONSTR_NULL:
        return col
    if kind == K.CONSTR_DEFAULT:
        return replace(col, default=deparse(con.raw_expr))
    if kind == K.CONSTR_PRIMARY:
        pending_pk.append((col.name,))
        constraints.append(ConstraintDef(con.conname or f"{table}_pkey", "p", (col.name,)))
        return replace(col, not_null=True)
    if kind == K.CONSTR_UNIQUE:
        name = con.conname or _unique_name(constraints, f"{table}_{col.name}_key")
        constraints.append(ConstraintDef(name, "u", (col.name,)))
        return col
    if kind == K.CONSTR_CHECK:
        name = con.conname or _unique_name(constraints, f"{table}_{col.name}_check")
        constraints.append(ConstraintDef(name, "c", (col.name,), check=deparse(con.raw_expr)))
        return col
    if kind == K.CONSTR_FOREIGN:
        constraints.append(_fk(con, table, (col.name,), constraints))
        return col
    if kind == K.CONSTR_IDENTITY:
        seq = SequenceDef(
            schema, f"{table}_{col.name}_seq", owned_by=f"{schema}.{table}.{col.name}"
        )
        sequences.append(seq)
        return replace(
            col, not_null=True, identity=con.generated_when, default=f"nextval('{seq.qualified}')"
        )
    raise FeatureNotSupported(f"column constraint {kind.name} is not supported yet")


def _table_constraint(
    con: Any, table: str, constraints: list[ConstraintDef], pending_pk: list[tuple[str, ...]]
) -> None:
    K = enums.ConstrType
    kind = con.contype
    keys = tuple(s.sval for s in con.keys or ())
    if kind == K.CONSTR_PRIMARY:
        pending_pk.append(keys)
        constraints.append(ConstraintDef(con.conname or f"{table}_pkey", "p", keys))
    elif kind == K.CONSTR_UNIQUE:
        name = con.conname or _unique_name(constraints, f"{table}_{'_'.join(keys)}_key")
        constraints.append(ConstraintDef(name, "u", keys))
    elif kind == K.CONSTR_CHECK:
        name = con.conname or _unique_name(constraints, f"{table}_check")
        constraints.append(ConstraintDef(name, "c", (), check=deparse(con.raw_expr)))
    elif kind == K.CONSTR_FOREIGN:
        cols = tuple(s.sval for s in con.fk_attrs or ())
        constraints.append(_fk(con, table, cols, constraints))
    else:
        raise FeatureNotSupported(f"table constraint {kind.name} is not supported yet")


def drop_table(node: Any, position: int) -> DdlPlan:
    """DROP TABLE [IF EXISTS] a, b [CASCADE | RESTRICT]."""
    if node.removeType != enums.ObjectType.OBJECT_TABLE:
        raise FeatureNotSupported(
            f"DROP {node.removeType.name.removeprefix('OBJECT_')} is not supported yet",
            position=position,
        )
    targets = []
    for obj in node.objects:
        names = [s.sval for s in obj]
        targets.append((names[0] if len(names) > 1 else "public", names[-1]))
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE

    def apply(catalog: Catalog) -> DdlResult:
        cat = catalog
        cypher: list[str] = []
        notices: list[PgError] = []
        dropping = {f"{s}.{n}" for s, n in targets}
        for schema, name in targets:
            table = cat.find(name, schema)
            if table is None:
                if node.missing_ok:
                    notices.append(
                        PgError(
                            f'table "{name}" does not exist, skipping',
                            sqlstate="00000",
                            severity="NOTICE",
                        )
                    )
                    continue
                raise UndefinedTable(f'table "{name}" does not exist')
            for other, con in cat.referencing(table.qualified):
                if other.qualified in dropping:
                    continue
                if not cascade:
                    raise DependentObjectsStillExist(
                        f"cannot drop table {name} because other objects depend on it",
                        detail=f"constraint {con.name} on table {other.name} depends on "
                        f"table {name}",
                        hint="Use DROP ... CASCADE to drop the dependent objects too.",
                    )
                notices.append(
                    PgError(
                        f"drop cascades to constraint {con.name} on table {other.name}",
                        sqlstate="00000",
                        severity="NOTICE",
                    )
                )
                cat = cat.with_table(
                    replace(other, constraints=tuple(c for c in other.constraints if c is not con))
                )
            cypher.append(f"DROP TABLE {quote(table.kuzu_name)}")
            cat = cat.without_table(table.qualified)
        return DdlResult(cat, tuple(cypher), tuple(notices))

    return DdlPlan("DROP TABLE", apply)


def truncate(node: Any, position: int) -> DdlPlan:
    """TRUNCATE [TABLE] a, b [CASCADE]: delete every row (and its foreign-key edges)."""
    targets = [(r.schemaname or "public", r.relname) for r in node.relations]
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE

    def apply(catalog: Catalog) -> DdlResult:
        tables = [catalog.lookup(n, s) for s, n in targets]
        names = {t.qualified for t in tables}
        if cascade:
            frontier = list(tables)
            while frontier:
                t = frontier.pop()
                for other, _ in catalog.referencing(t.qualified):
                    if other.qualified not in names:
                        names.add(other.qualified)
                        tables.append(other)
                        frontier.append(other)
        else:
            for t in tables:
                for other, _con in catalog.referencing(t.qualified):
                    if other.qualified not in names:
                        raise FeatureNotSupported(
                            "cannot truncate a table referenced in a foreign key constraint",
                            detail=f'Table "{other.name}" references "{t.name}".',
                            hint=f'Truncate table "{other.name}" at the same time, or use '
                            "TRUNCATE ... CASCADE.",
                        )
        cypher = tuple(f"MATCH (n:{quote(t.kuzu_name)}) DETACH DELETE n" for t in tables)
        return DdlResult(catalog, cypher)

    return DdlPlan("TRUNCATE TABLE", apply)


def _is_const(node: Any) -> bool:
    return isinstance(node, ast.A_Const)
