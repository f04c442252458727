"""DDL: CREATE TABLE, DROP TABLE, TRUNCATE -> a new catalog plus the Kuzu DDL that matches.

A `DdlPlan` is pure: `apply(catalog)` validates against the catalog current at execution
time and returns the next catalog, the Cypher to run, the checks and backfills that need
the existing rows (`DataStep`s, run by kuzugres.ddldata), sequence restarts and notices.
The executor runs all of it in one Kuzu write transaction. ALTER TABLE is in
translator.ddl_alter; schemas, sequences, views, indexes and comments in
translator.ddl_objects. docs/decisions/0007-ddl-on-kuzu.md says what each does to Kuzu.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from pglast import ast, enums, parse_sql
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
from kuzugres.proxy import types as T
from kuzugres.proxy.types import type_by_names
from kuzugres.translator.catalog import (
    ROWID,
    Catalog,
    ColumnDef,
    ConstraintDef,
    SequenceDef,
    TableDef,
    keyable,
    kuzu_table_name,
    relation_kind,
    split_dotted,
    stable_oid,
    storage_for,
)

_Rel = TypeVar("_Rel", TableDef, SequenceDef)


def _isa(node: Any, cls: type) -> bool:
    """isinstance() without narrowing (pglast's stubs make every field Optional)."""
    return isinstance(node, cls)


@dataclass(frozen=True)
class Backfill:
    """ADD COLUMN with a DEFAULT: existing rows get the default (volatile: one per row)."""

    table: TableDef
    column: ColumnDef


@dataclass(frozen=True)
class RequireNotNull:
    """SET NOT NULL / ADD COLUMN NOT NULL / ADD PRIMARY KEY: no existing row may be null."""

    table: TableDef
    column: ColumnDef


@dataclass(frozen=True)
class ValidateConstraint:
    """ADD CONSTRAINT CHECK/UNIQUE/PRIMARY KEY/FOREIGN KEY, CREATE UNIQUE INDEX."""

    table: TableDef
    constraint: ConstraintDef
    catalog: Catalog  # for a foreign key's parent


@dataclass(frozen=True)
class ValidateLength:
    """ALTER COLUMN TYPE to a shorter varchar/char: existing values must fit (22001)."""

    table: TableDef
    column: ColumnDef


DataStep = Backfill | RequireNotNull | ValidateConstraint | ValidateLength


@dataclass(frozen=True)
class DdlResult:
    """What a DDL statement does: the next catalog, Kuzu statements, notices."""

    catalog: Catalog
    cypher: tuple[str, ...] = ()
    notices: tuple[PgError, ...] = ()
    sequences: tuple[str, ...] = ()  # new sequences (their next value is their start)
    data: tuple[DataStep, ...] = ()  # run after `cypher`, in the same transaction
    restarts: tuple[tuple[str, int], ...] = ()  # (sequence, next value) to set


def notice(message: str, sqlstate: str = "00000") -> PgError:
    """A NOTICE sent with the statement's result."""
    return PgError(message, sqlstate=sqlstate, severity="NOTICE")


def scoped(
    path: tuple[str, ...], inner: Callable[[Catalog], DdlResult]
) -> Callable[[Catalog], DdlResult]:
    """`inner` resolving names through the session's search_path; the catalog it returns
    keeps the executor's (path-less) view."""

    def apply(catalog: Catalog) -> DdlResult:
        view = catalog.with_search_path(path)
        with T.user_types(view):  # type names resolve in this snapshot, through `path`
            result = inner(view)
        if result.catalog is view:
            return replace(result, catalog=catalog)
        return replace(result, catalog=result.catalog.with_search_path(catalog.search_path))

    return apply


def parse_expr(text: str) -> Any:
    """The expression of stored SQL text (a DEFAULT or CHECK)."""
    stmt: Any = parse_sql(f"SELECT {text}")[0].stmt
    return stmt.targetList[0].val


def parse_select(text: str) -> Any:
    stmt: Any = parse_sql(text)[0].stmt
    return stmt


def normalize_default(text: str, catalog: Catalog) -> str:
    """A stored DEFAULT: nextval('seq'[::regclass]) becomes nextval('schema.seq')."""
    if "nextval" not in text:
        return text
    node = parse_expr(text)
    if not _isa(node, ast.FuncCall) or node.funcname[-1].sval != "nextval":
        return text
    args: Any = node.args or ()
    if len(args) != 1:
        return text
    arg = args[0]
    if _isa(arg, ast.TypeCast):
        arg = arg.arg
    if not (_isa(arg, ast.A_Const) and _isa(arg.val, ast.String)):
        return text
    parts = split_dotted(arg.val.sval)
    schema, name = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[-1])
    seq = catalog.sequence(name, schema)
    if seq is None:
        shown = f"{schema}.{name}" if schema else name
        raise UndefinedTable(f'relation "{shown}" does not exist')
    return f"nextval('{seq.qualified}')"


def nextval_sql(seq: SequenceDef) -> str:
    """The DEFAULT of a serial or identity column, as SQL (normalize_default stores it)."""
    quoted = ".".join('"' + part.replace('"', '""') + '"' for part in (seq.schema, seq.name))
    return "nextval('" + quoted.replace("'", "''") + "')"


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
        names = [_SERIALS[base]]
    pgtype = type_by_names(names, bool(tn.arrayBounds))
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
    """An expression back to SQL text (how defaults, checks and views are stored), with
    each bare user-defined type name qualified with the schema it resolves to now: as
    PostgreSQL binds a stored expression's types when it is created, so another
    search_path later reads the same types."""
    return str(RawStream()(_bound_types(node)))


def _bound_types(node: Any) -> Any:
    types = T.active_user_types()
    if not isinstance(types, Catalog) or not types.enums:
        return node
    bare: list[Any] = []
    walk_ast(node, ast.TypeName, lambda tn: bare.append(tn) if len(tn.names) == 1 else None)
    if not bare:
        return node
    node = copy.deepcopy(node)  # the parse tree belongs to a cached plan

    def bind(tn: Any) -> None:
        if len(tn.names) != 1:
            return
        name = tn.names[0].sval
        enum = types.enum_type(name)
        if enum is not None and type_by_names([name]).oid == enum.oid:  # not a built-in's
            tn.names = (ast.String(sval=enum.schema), ast.String(sval=enum.name))

    walk_ast(node, ast.TypeName, bind)
    return node


def walk_ast(node: Any, leaf: type, visit: Callable[[Any], None]) -> None:
    """Call `visit` on every `leaf` node in the tree under `node` (not inside those)."""
    if isinstance(node, leaf):
        visit(node)
    elif isinstance(node, list | tuple):
        for x in node:
            walk_ast(x, leaf, visit)
    elif isinstance(node, ast.Node):
        for f in node:
            walk_ast(getattr(node, f), leaf, visit)


_FK_ACTIONS = {"a": "a", "r": "r", "c": "c", "n": "n", "d": "d"}


def create_table(node: Any, position: int, path: tuple[str, ...] = ("public",)) -> DdlPlan:
    """CREATE TABLE: parse once now, validate and build at execution."""
    rel = node.relation
    name = rel.relname
    if node.inhRelations or node.partspec or node.ofTypename:
        raise FeatureNotSupported(
            "CREATE TABLE with INHERITS, PARTITION BY or OF is not supported", position=position
        )
    if rel.relpersistence == "t":
        raise FeatureNotSupported("temporary tables are not supported yet", position=position)
    elts = node.tableElts or ()
    for elt in elts:
        if not isinstance(elt, ast.ColumnDef | ast.Constraint):
            raise FeatureNotSupported(
                f"{type(elt).__name__} in CREATE TABLE is not supported", position=position
            )

    def inner(catalog: Catalog) -> DdlResult:
        schema = creation_schema(catalog, rel)
        qualified = f"{schema}.{name}"
        if relation_taken(catalog, schema, name):
            return skip_existing(catalog, name, node.if_not_exists)
        if qualified in catalog.enums:  # a table's row type would take the type's name
            raise PgError(
                f'type "{name}" already exists',
                sqlstate="42710",
                hint="A relation has an associated type of the same name, so you must use a "
                "name that doesn't conflict with any existing type.",
            )
        columns, constraints, sequences, attnum = _build_columns(elts, schema, name, position)
        # foreign keys must point at a unique key of an existing table (or this one)
        resolved = [
            replace(
                con,
                ref_table=resolve_fk_table(catalog, con, qualified, name),
            )
            if con.kind == "f"
            else con
            for con in constraints
        ]
        resolved = [
            replace(con, ref_columns=_check_fk_target(catalog, con, qualified, columns, resolved))
            if con.kind == "f"
            else con
            for con in resolved
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
        cat = catalog
        for seq in sequences:
            cat = cat.with_sequence(replace(seq, oid=stable_oid("sequence", seq.qualified)))
        columns = [
            replace(c, default=normalize_default(c.default, cat)) if c.default else c
            for c in columns
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
        cat = cat.with_table(table)
        return DdlResult(cat, tuple(cypher), (), tuple(s.qualified for s in sequences))

    return DdlPlan("CREATE TABLE", scoped(path, inner))


def _build_columns(
    elts: Sequence[Any], schema: str, name: str, position: int
) -> tuple[list[ColumnDef], list[ConstraintDef], list[SequenceDef], int]:
    columns: list[ColumnDef] = []
    constraints: list[ConstraintDef] = []
    sequences: list[SequenceDef] = []
    pending_pk: list[tuple[str, ...]] = []
    attnum = 0
    for elt in elts:
        if isinstance(elt, ast.ColumnDef):
            attnum += 1
            col = column_def(elt, attnum, schema, name, constraints, sequences, pending_pk)
            if any(c.name == col.name for c in columns):
                raise PgError(
                    f'column "{col.name}" specified more than once',
                    sqlstate="42701",
                    position=position,
                )
            columns.append(col)
        else:
            _table_constraint(elt, name, constraints, pending_pk)
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
    return columns, constraints, sequences, attnum


def column_def(
    elt: Any,
    attnum: int,
    schema: str,
    table: str,
    constraints: list[ConstraintDef],
    sequences: list[SequenceDef],
    pending_pk: list[tuple[str, ...]],
) -> ColumnDef:
    """One column of CREATE TABLE / ALTER TABLE ADD COLUMN, with its column constraints."""
    oid, typmod, serial = _type_of(elt.typeName)
    col = ColumnDef(elt.colname, oid, typmod, attnum=attnum, storage=storage_for(oid, typmod))
    if serial:
        seq = SequenceDef(
            schema, f"{table}_{elt.colname}_seq", owned_by=f"{schema}.{table}.{elt.colname}"
        )
        if oid == 23:
            seq = replace(seq, max_value=2**31 - 1)
        elif oid == 21:
            seq = replace(seq, max_value=2**15 - 1)
        sequences.append(seq)
        col = replace(col, not_null=True, default=nextval_sql(seq))
    for con in elt.constraints or ():
        col = _column_constraint(con, col, table, schema, constraints, sequences, pending_pk)
    return col


def undefined_schema(name: str) -> PgError:
    """3F000 for a schema name not in the catalog."""
    return PgError(f'schema "{name}" does not exist', sqlstate="3F000")


def creation_schema(catalog: Catalog, rel: Any) -> str:
    """The schema CREATE puts relation `rel` (a RangeVar) in: its own or search_path's."""
    schema: str = rel.schemaname or catalog.creation_schema()
    if schema not in catalog.schemas:
        raise undefined_schema(schema)
    return schema


def skip_existing(catalog: Catalog, name: str, if_not_exists: bool) -> DdlResult:
    """CREATE of a relation whose name is taken: a notice with IF NOT EXISTS, else 42P07."""
    if not if_not_exists:
        raise DuplicateTable(f'relation "{name}" already exists')
    return DdlResult(
        catalog, notices=(notice(f'relation "{name}" already exists, skipping', "42P07"),)
    )


def skip_missing(catalog: Catalog, name: str, missing_ok: bool) -> DdlResult:
    """ALTER of a relation that does not exist: a notice with IF EXISTS, else 42P01."""
    if not missing_ok:
        raise UndefinedTable(f'relation "{name}" does not exist')
    return DdlResult(catalog, notices=(notice(f'relation "{name}" does not exist, skipping'),))


def alter_target(
    catalog: Catalog, rel: Any, missing_ok: bool, kind: type[_Rel], word: str
) -> _Rel | DdlResult:
    """The `kind` relation ALTER names by RangeVar `rel`; with IF EXISTS a missing one
    gives the DdlResult to return (a notice); else 42P01, or 42809 for another kind."""
    found = catalog.resolve(rel.relname, rel.schemaname)
    if found is None:
        return skip_missing(catalog, rel.relname, missing_ok)
    if not isinstance(found, kind):
        raise PgError(f'"{rel.relname}" is not a {word}', sqlstate="42809")
    return found


def dependents_exist(what: str, details: Sequence[str]) -> DependentObjectsStillExist:
    """2BP01: dropping `what` without CASCADE while other objects depend on it."""
    return DependentObjectsStillExist(
        f"cannot drop {what} because other objects depend on it",
        detail="\n".join(details),
        hint="Use DROP ... CASCADE to drop the dependent objects too.",
    )


def cascade_notices(dropped: Sequence[str]) -> list[PgError]:
    """The NOTICE of a DROP ... CASCADE naming the dependent objects it drops too."""
    if len(dropped) == 1:
        return [notice(f"drop cascades to {dropped[0]}")]
    if not dropped:
        return []
    return [
        PgError(
            f"drop cascades to {len(dropped)} other objects",
            sqlstate="00000",
            severity="NOTICE",
            detail="\n".join(f"drop cascades to {what}" for what in dropped),
        )
    ]


def relation_taken(catalog: Catalog, schema: str, name: str) -> bool:
    """Whether `schema.name` names a relation (tables, views, sequences, indexes, and the
    indexes behind PRIMARY KEY/UNIQUE constraints share one namespace)."""
    if catalog.relation_at(f"{schema}.{name}") is not None:
        return True
    return any(
        c.name == name and c.kind in ("p", "u")
        for t in catalog.tables.values()
        if t.schema == schema
        for c in t.constraints
    )


def resolve_fk_table(catalog: Catalog, con: ConstraintDef, qualified: str, name: str) -> str:
    """The qualified parent of a foreign key ('?.name' is resolved via search_path)."""
    assert con.ref_table is not None
    if not con.ref_table.startswith("?."):
        return con.ref_table
    ref = con.ref_table[2:]
    if ref == name and catalog.find(ref) is None:
        return qualified
    found = catalog.find(ref)
    if found is None:
        if ref == name:
            return qualified
        raise UndefinedTable(f'relation "{ref}" does not exist')
    return found.qualified


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
        ref_table=f"{ref.schemaname or '?'}.{ref.relname}",
        ref_columns=tuple(s.sval for s in con.pk_attrs or ()),
        on_delete=_FK_ACTIONS.get(con.fk_del_action, "a"),
        on_update=_FK_ACTIONS.get(con.fk_upd_action, "a"),
        deferrable=bool(con.deferrable),
        initially_deferred=bool(con.initdeferred),
    )


def _unique_name(constraints: Sequence[ConstraintDef], base: str) -> str:
    name, n = base, 0
    while any(c.name == name for c in constraints):
        n += 1
        name = f"{base}{n}"
    return name


_ATTRS = frozenset(
    (
        enums.ConstrType.CONSTR_ATTR_DEFERRABLE,
        enums.ConstrType.CONSTR_ATTR_NOT_DEFERRABLE,
        enums.ConstrType.CONSTR_ATTR_DEFERRED,
        enums.ConstrType.CONSTR_ATTR_IMMEDIATE,
    )
)


def _constraint_attribute(con: Any, constraints: list[ConstraintDef]) -> None:
    """A column constraint's [NOT] DEFERRABLE / INITIALLY {DEFERRED | IMMEDIATE}: applies
    to the constraint before it, as PostgreSQL's transformConstraintAttrs does."""
    K = enums.ConstrType
    word = {
        K.CONSTR_ATTR_DEFERRABLE: "DEFERRABLE",
        K.CONSTR_ATTR_NOT_DEFERRABLE: "NOT DEFERRABLE",
        K.CONSTR_ATTR_DEFERRED: "INITIALLY DEFERRED",
        K.CONSTR_ATTR_IMMEDIATE: "INITIALLY IMMEDIATE",
    }[con.contype]
    if not constraints or constraints[-1].kind not in ("p", "u", "f"):
        raise PgError(f"misplaced {word} clause", sqlstate="42601")
    last = constraints[-1]
    if con.contype == K.CONSTR_ATTR_DEFERRABLE:
        last = replace(last, deferrable=True)
    elif con.contype == K.CONSTR_ATTR_NOT_DEFERRABLE:
        if last.initially_deferred:
            raise PgError(
                "constraint declared INITIALLY DEFERRED must be DEFERRABLE", sqlstate="42601"
            )
        last = replace(last, deferrable=False)
    elif con.contype == K.CONSTR_ATTR_DEFERRED:
        # INITIALLY DEFERRED implies DEFERRABLE unless NOT DEFERRABLE was said
        last = replace(last, deferrable=True, initially_deferred=True)
    else:
        last = replace(last, initially_deferred=False)
    constraints[-1] = last


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
    if kind in _ATTRS:
        _constraint_attribute(con, constraints)
        return col
    if kind == K.CONSTR_DEFAULT:
        return replace(col, default=deparse(con.raw_expr))
    if kind == K.CONSTR_PRIMARY:
        pending_pk.append((col.name,))
        constraints.append(
            ConstraintDef(
                con.conname or f"{table}_pkey",
                "p",
                (col.name,),
                deferrable=bool(con.deferrable),
                initially_deferred=bool(con.initdeferred),
            )
        )
        return replace(col, not_null=True)
    if kind == K.CONSTR_UNIQUE:
        name = con.conname or _unique_name(constraints, f"{table}_{col.name}_key")
        constraints.append(
            ConstraintDef(
                name,
                "u",
                (col.name,),
                deferrable=bool(con.deferrable),
                initially_deferred=bool(con.initdeferred),
            )
        )
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
        if col.type_oid == 23:  # the sequence's type is the column's, as in PostgreSQL
            seq = replace(seq, max_value=2**31 - 1)
        elif col.type_oid == 21:
            seq = replace(seq, max_value=2**15 - 1)
        sequences.append(seq)
        return replace(col, not_null=True, identity=con.generated_when, default=nextval_sql(seq))
    raise FeatureNotSupported(f"column constraint {kind.name} is not supported yet")


def _table_constraint(
    con: Any, table: str, constraints: list[ConstraintDef], pending_pk: list[tuple[str, ...]]
) -> None:
    K = enums.ConstrType
    kind = con.contype
    keys = tuple(s.sval for s in con.keys or ())
    if kind == K.CONSTR_PRIMARY:
        pending_pk.append(keys)
        constraints.append(
            ConstraintDef(
                con.conname or f"{table}_pkey",
                "p",
                keys,
                deferrable=bool(con.deferrable),
                initially_deferred=bool(con.initdeferred),
            )
        )
    elif kind == K.CONSTR_UNIQUE:
        name = con.conname or _unique_name(constraints, f"{table}_{'_'.join(keys)}_key")
        constraints.append(
            ConstraintDef(
                name,
                "u",
                keys,
                deferrable=bool(con.deferrable),
                initially_deferred=bool(con.initdeferred),
            )
        )
    elif kind == K.CONSTR_CHECK:
        name = con.conname or _unique_name(constraints, f"{table}_check")
        constraints.append(ConstraintDef(name, "c", (), check=deparse(con.raw_expr)))
    elif kind == K.CONSTR_FOREIGN:
        cols = tuple(s.sval for s in con.fk_attrs or ())
        constraints.append(_fk(con, table, cols, constraints))
    else:
        raise FeatureNotSupported(f"table constraint {kind.name} is not supported yet")


def object_names(obj: Any) -> tuple[str | None, str]:
    """(schema or None, name) of a DROP/COMMENT object name list."""
    names = [s.sval for s in obj] if isinstance(obj, list | tuple) else [obj.sval]
    return (names[-2] if len(names) > 1 else None, names[-1])


_DROP_HINTS = {
    "table": "Use DROP TABLE to remove a table.",
    "view": "Use DROP VIEW to remove a view.",
    "sequence": "Use DROP SEQUENCE to remove a sequence.",
    "index": "Use DROP INDEX to remove an index.",
}


def wrong_kind(name: str, want: str, found: str) -> PgError:
    """42809: DROP VIEW on a table and the like."""
    article = "an" if want == "index" else "a"
    return PgError(
        f'"{name}" is not {article} {want}', sqlstate="42809", hint=_DROP_HINTS.get(found)
    )


def drop_table(node: Any, position: int, path: tuple[str, ...] = ("public",)) -> DdlPlan:
    """DROP TABLE [IF EXISTS] a, b [CASCADE | RESTRICT]."""
    targets = [object_names(obj) for obj in node.objects]
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE

    def inner(catalog: Catalog) -> DdlResult:
        cat = catalog
        cypher: list[str] = []
        notices: list[PgError] = []
        tables: list[TableDef] = []
        for schema, name in targets:
            rel = cat.resolve(name, schema)
            if rel is None:
                shown = f"{schema}.{name}" if schema else name
                if node.missing_ok:
                    notices.append(notice(f'table "{shown}" does not exist, skipping'))
                    continue
                raise UndefinedTable(f'table "{shown}" does not exist')
            if not isinstance(rel, TableDef):
                raise wrong_kind(name, "table", relation_kind(rel))
            tables.append(rel)
        dropping = {t.qualified for t in tables}
        for table in tables:
            cat, more_cypher, more = drop_table_from(cat, table, cascade, dropping)
            cypher.extend(more_cypher)
            notices.extend(more)
        return DdlResult(cat, tuple(cypher), tuple(notices))

    return DdlPlan("DROP TABLE", scoped(path, inner))


def drop_table_from(
    cat: Catalog, table: TableDef, cascade: bool, dropping: set[str]
) -> tuple[Catalog, list[str], list[PgError]]:
    """Drop one table: foreign keys and views depending on it go with CASCADE (2BP01
    without), its indexes and owned sequences always."""
    name = table.name
    dependents: list[tuple[str, Any]] = []
    for other, con in cat.referencing(table.qualified):
        if other.qualified in dropping:
            continue
        dependents.append((f"constraint {con.name} on table {other.name}", (other, con)))
    for view in cat.dependent_views(table.qualified):
        if view.qualified not in dropping:
            dependents.append((f"view {view.name}", view))
    if dependents and not cascade:
        raise dependents_exist(
            f"table {name}", [f"{what} depends on table {name}" for what, _ in dependents]
        )
    notices = cascade_notices([what for what, _ in dependents])
    for _, dep in dependents:
        if isinstance(dep, tuple):
            other, con = dep
            current = cat.tables[other.qualified]
            cat = cat.with_table(
                replace(current, constraints=tuple(c for c in current.constraints if c != con))
            )
        else:
            cat = drop_view_from(cat, dep)
    return cat.without_table(table.qualified), [f"DROP TABLE {quote(table.kuzu_name)}"], notices


def drop_view_from(cat: Catalog, view: Any) -> Catalog:
    """Drop a view and, recursively, the views reading it."""
    for dep in cat.dependent_views(view.qualified):
        cat = drop_view_from(cat, dep)
    return cat.without_view(view.qualified)


def truncate(node: Any, position: int, path: tuple[str, ...] = ("public",)) -> DdlPlan:
    """TRUNCATE [TABLE] a, b [RESTART IDENTITY] [CASCADE]: delete every row (and its
    foreign-key edges); RESTART IDENTITY restarts the sequences the tables own."""
    targets = [(r.schemaname, r.relname) for r in node.relations]
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE

    def inner(catalog: Catalog) -> DdlResult:
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
        # link-table edges join two parent rows, so DETACH DELETE of the link rows
        # leaves them: delete them first
        cypher = tuple(
            f"MATCH ()-[e:{quote(t.link_rel)}]->() DELETE e" for t in tables if t.link_rel
        ) + tuple(f"MATCH (n:{quote(t.kuzu_name)}) DETACH DELETE n" for t in tables)
        restarts: list[tuple[str, int]] = []
        if node.restart_seqs:
            for seq in catalog.sequences.values():
                owner = (seq.owned_by or "").rpartition(".")[0]
                if owner in names:
                    restarts.append((seq.qualified, seq.start))
        return DdlResult(catalog, cypher, restarts=tuple(restarts))

    return DdlPlan("TRUNCATE TABLE", scoped(path, inner))


def _is_const(node: Any) -> bool:
    return _isa(node, ast.A_Const)
