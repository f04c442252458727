"""ALTER TABLE and ALTER ... RENAME: the next catalog, Kuzu's ALTER TABLE statements and
the checks of existing rows (DataSteps). Column numbers (attnum) never change or get
reused: a new column takes `TableDef.next_attnum`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pglast import ast, enums

from kuzugres.errcodes import (
    DuplicateColumn,
    DuplicateObject,
    DuplicateTable,
    FeatureNotSupported,
    InvalidTableDefinition,
    UndefinedColumn,
    UndefinedObject,
)
from kuzugres.errors import PgError
from kuzugres.proxy import types as T
from kuzugres.translator.catalog import (
    Catalog,
    ColumnDef,
    ConstraintDef,
    SequenceDef,
    TableDef,
    ViewDef,
    kuzu_table_name,
    stable_oid,
)
from kuzugres.translator.ddl import (
    Backfill,
    DataStep,
    DdlPlan,
    DdlResult,
    RequireNotNull,
    ValidateConstraint,
    ValidateLength,
    _check_fk_target,
    _isa,
    _table_constraint,
    _type_of,
    alter_target,
    column_def,
    deparse,
    dependents_exist,
    drop_view_from,
    normalize_default,
    notice,
    parse_select,
    quote,
    relation_taken,
    resolve_fk_table,
    scoped,
    skip_missing,
    walk_ast,
)

AT = enums.AlterTableType
Path = tuple[str, ...]


class _Alter:
    """The state of one ALTER TABLE while its subcommands apply in order."""

    def __init__(self, catalog: Catalog, table: TableDef) -> None:
        self.catalog = catalog
        self.table = table
        self.cypher: list[str] = []
        self.notices: list[PgError] = []
        self.data: list[DataStep] = []
        self.sequences: list[str] = []

    def commit(self, table: TableDef) -> None:
        self.table = table
        self.catalog = self.catalog.with_table(table)

    def column(self, name: str) -> ColumnDef:
        col = self.table.column(name)
        if col is None:
            raise UndefinedColumn(f'column "{name}" of relation "{self.table.name}" does not exist')
        return col

    def set_column(self, col: ColumnDef) -> None:
        self.commit(
            replace(
                self.table,
                columns=tuple(col if c.name == col.name else c for c in self.table.columns),
            )
        )

    # ------------------------------------------------------------ subcommands
    def add_column(self, cmd: Any) -> None:
        t = self.table
        elt = cmd.def_
        if t.column(elt.colname) is not None:
            if cmd.missing_ok:
                self.notices.append(
                    notice(
                        f'column "{elt.colname}" of relation "{t.name}" already exists, skipping',
                        "42701",
                    )
                )
                return
            raise DuplicateColumn(f'column "{elt.colname}" of relation "{t.name}" already exists')
        constraints = list(t.constraints)
        before = len(constraints)
        sequences: list[SequenceDef] = []
        pending_pk: list[tuple[str, ...]] = []
        col = column_def(elt, t.next_attnum, t.schema, t.name, constraints, sequences, pending_pk)
        if pending_pk and t.primary_key is not None:
            raise InvalidTableDefinition(
                f'multiple primary keys for table "{t.name}" are not allowed'
            )
        for seq in sequences:
            self.catalog = self.catalog.with_sequence(
                replace(seq, oid=stable_oid("sequence", seq.qualified))
            )
            self.sequences.append(seq.qualified)
        if col.default is not None:
            col = replace(col, default=normalize_default(col.default, self.catalog))
        added = constraints[before:]
        table = replace(
            t,
            columns=(*t.columns, col),
            constraints=tuple(constraints[:before]),
            next_attnum=t.next_attnum + 1,
        )
        self.commit(table)
        self.cypher.append(
            f"ALTER TABLE {quote(t.kuzu_name)} ADD {quote(col.name)} {col.kuzu_type}"
        )
        if col.default is not None:
            self.data.append(Backfill(self.table, col))
        if col.not_null:
            self.data.append(RequireNotNull(self.table, col))
        for con in added:
            self.add_constraint_def(con)

    def drop_column(self, cmd: Any) -> None:
        t = self.table
        col = t.column(cmd.name)
        if col is None:
            if cmd.missing_ok:
                self.notices.append(
                    notice(f'column "{cmd.name}" of relation "{t.name}" does not exist, skipping')
                )
                return
            raise UndefinedColumn(f'column "{cmd.name}" of relation "{t.name}" does not exist')
        if col.name == t.key:
            raise FeatureNotSupported(
                f'cannot drop column "{col.name}": it is the Kuzu primary key of table "{t.name}"',
                hint="Kuzu cannot drop a node table's primary-key property; create a new "
                "table instead.",
            )
        cascade = cmd.behavior == enums.DropBehavior.DROP_CASCADE
        keep: list[ConstraintDef] = []
        for con in t.constraints:
            uses = col.name in con.columns or (
                con.kind == "c" and col.name in _columns_in(con.check or "")
            )
            if not uses:
                keep.append(con)
                continue
            if con.kind in ("p", "u"):
                self._drop_referencing(con, cascade, f"column {col.name} of table {t.name}")
        for view in self.catalog.dependent_views(t.qualified):
            if col.name in _columns_in_query(view.sql):
                if not cascade:
                    raise dependents_exist(
                        f"column {col.name} of table {t.name}",
                        [f"view {view.name} depends on column {col.name} of table {t.name}"],
                    )
                self.notices.append(notice(f"drop cascades to view {view.name}"))
                self.catalog = drop_view_from(self.catalog, view)
        t = self.table
        self.commit(
            replace(
                t,
                columns=tuple(c for c in t.columns if c.name != col.name),
                constraints=tuple(keep),
            )
        )
        for idx in list(self.catalog.indexes.values()):
            if idx.table == t.qualified and col.name in idx.columns:
                self.catalog = self.catalog.without_index(idx.qualified)
        owned = f"{t.qualified}.{col.name}"
        for seq in list(self.catalog.sequences.values()):
            if seq.owned_by == owned:
                self.catalog = self.catalog.without_sequence(seq.qualified)
        self.cypher.append(f"ALTER TABLE {quote(t.kuzu_name)} DROP {quote(col.name)}")

    def _drop_referencing(self, con: ConstraintDef, cascade: bool, what: str) -> None:
        t = self.table
        for other, fk in self.catalog.referencing(t.qualified):
            if set(fk.ref_columns) != set(con.columns):
                continue
            if other.qualified == t.qualified:
                continue
            if not cascade:
                raise dependents_exist(
                    what,
                    [f"constraint {fk.name} on table {other.name} depends on index {con.name}"],
                )
            self.notices.append(
                notice(f"drop cascades to constraint {fk.name} on table {other.name}")
            )
            current = self.catalog.tables[other.qualified]
            self.catalog = self.catalog.with_table(
                replace(current, constraints=tuple(c for c in current.constraints if c != fk))
            )
        self.table = self.catalog.tables[t.qualified]

    def set_default(self, cmd: Any) -> None:
        col = self.column(cmd.name)
        if cmd.def_ is None:
            self.set_column(replace(col, default=None))
            return
        if col.identity:
            raise PgError(
                f'column "{col.name}" of relation "{self.table.name}" is an identity column',
                sqlstate="42601",
                hint="Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead.",
            )
        text = normalize_default(deparse(cmd.def_), self.catalog)
        self.set_column(replace(col, default=text))

    def set_not_null(self, cmd: Any, value: bool) -> None:
        col = self.column(cmd.name)
        if value:
            if not col.not_null:
                self.set_column(replace(col, not_null=True))
                self.data.append(RequireNotNull(self.table, col))
            return
        pk = self.table.primary_key
        if pk is not None and col.name in pk.columns:
            raise InvalidTableDefinition(f'column "{col.name}" is in a primary key')
        if col.identity:
            raise PgError(
                f'column "{col.name}" of relation "{self.table.name}" is an identity column',
                sqlstate="42P16",
            )
        self.set_column(replace(col, not_null=False))

    def alter_type(self, cmd: Any) -> None:
        col = self.column(cmd.name)
        oid, typmod, serial = _type_of(cmd.def_.typeName)
        if serial:
            raise PgError(
                f'type "{cmd.def_.typeName.names[-1].sval}" does not exist', sqlstate="42704"
            )
        strings = (T.TEXT, T.VARCHAR)
        trivial = (oid == col.type_oid and oid not in (T.NUMERIC,)) or (
            col.type_oid in strings and oid in strings
        )
        if cmd.def_.raw_default is not None or not trivial:
            raise FeatureNotSupported(
                f'changing the type of column "{col.name}" from {T.format_type(col.type_oid)} '
                f"to {T.format_type(oid)} is not supported yet",
                hint="Only length changes of varchar/char and varchar <-> text are supported.",
            )
        new = replace(col, type_oid=oid, typmod=typmod)
        self.set_column(new)
        if typmod != -1 and (col.typmod == -1 or typmod < col.typmod):
            self.data.append(ValidateLength(self.table, new))

    def add_constraint(self, cmd: Any) -> None:
        con_node = cmd.def_
        K = enums.ConstrType
        if con_node.contype not in (
            K.CONSTR_CHECK,
            K.CONSTR_UNIQUE,
            K.CONSTR_PRIMARY,
            K.CONSTR_FOREIGN,
        ):
            raise FeatureNotSupported(
                f"ALTER TABLE ADD {con_node.contype.name.removeprefix('CONSTR_')} is not "
                "supported yet"
            )
        if con_node.indexname:
            raise FeatureNotSupported("ADD CONSTRAINT ... USING INDEX is not supported yet")
        t = self.table
        constraints = list(t.constraints)
        before = len(constraints)
        pending: list[tuple[str, ...]] = []
        _table_constraint(con_node, t.name, constraints, pending)
        con = constraints[before]
        if con_node.contype == K.CONSTR_CHECK and not con_node.conname:
            cols = _columns_in(con.check or "")
            base = f"{t.name}_{cols[0]}_check" if cols else f"{t.name}_check"
            from kuzugres.translator.ddl import _unique_name

            con = replace(con, name=_unique_name(t.constraints, base))
        self.add_constraint_def(con)

    def add_constraint_def(self, con: ConstraintDef) -> None:
        t = self.table
        if t.constraint_name_taken(con.name):
            raise DuplicateObject(f'constraint "{con.name}" for relation "{t.name}" already exists')
        for c in con.columns:
            if t.column(c) is None:
                raise UndefinedColumn(f'column "{c}" named in key does not exist')
        if con.kind == "p" and t.primary_key is not None:
            raise InvalidTableDefinition(
                f'multiple primary keys for table "{t.name}" are not allowed'
            )
        if con.kind in ("p", "u") and relation_taken(self.catalog, t.schema, con.name):
            raise DuplicateTable(f'relation "{con.name}" already exists')
        if con.kind == "f":
            ref = resolve_fk_table(self.catalog, con, t.qualified, t.name)
            con = replace(con, ref_table=ref)
            con = replace(
                con,
                ref_columns=_check_fk_target(
                    self.catalog, con, t.qualified, t.columns, t.constraints
                ),
            )
        table = replace(t, constraints=(*t.constraints, con))
        if con.kind == "p":
            for name in con.columns:
                col = table.column(name)
                assert col is not None
                if not col.not_null:
                    self.data.append(RequireNotNull(table, col))
            table = replace(
                table,
                columns=tuple(
                    replace(c, not_null=True) if c.name in con.columns else c for c in table.columns
                ),
            )
        self.commit(table)
        self.data.append(ValidateConstraint(self.table, con, self.catalog))

    def drop_constraint(self, cmd: Any) -> None:
        t = self.table
        con = next((c for c in t.constraints if c.name == cmd.name and not c.index_only), None)
        if con is None:
            if cmd.missing_ok:
                self.notices.append(
                    notice(
                        f'constraint "{cmd.name}" of relation "{t.name}" does not exist, skipping'
                    )
                )
                return
            raise UndefinedObject(f'constraint "{cmd.name}" of relation "{t.name}" does not exist')
        cascade = cmd.behavior == enums.DropBehavior.DROP_CASCADE
        if con.kind in ("p", "u"):
            self._drop_referencing(con, cascade, f"constraint {con.name} on table {t.name}")
        t = self.table
        self.commit(replace(t, constraints=tuple(c for c in t.constraints if c != con)))


def _columns_in(expr_text: str) -> list[str]:
    """Column names an expression refers to (for CHECK constraints)."""
    if not expr_text:
        return []
    return _column_refs(parse_select(f"SELECT {expr_text}"))


def _columns_in_query(sql: str) -> list[str]:
    return _column_refs(parse_select(sql))


def _column_refs(node: Any) -> list[str]:
    """Names of the columns referenced anywhere in `node` ('*' for a star)."""
    out: list[str] = []

    def visit(n: Any) -> None:
        last = n.fields[-1]
        if _isa(last, ast.String) and last.sval not in out:
            out.append(last.sval)
        elif isinstance(last, ast.A_Star):
            out.append("*")

    walk_ast(node, ast.ColumnRef, visit)
    return out


_DISPATCH = {
    AT.AT_AddColumn: lambda a, c: a.add_column(c),
    AT.AT_DropColumn: lambda a, c: a.drop_column(c),
    AT.AT_ColumnDefault: lambda a, c: a.set_default(c),
    AT.AT_SetNotNull: lambda a, c: a.set_not_null(c, True),
    AT.AT_DropNotNull: lambda a, c: a.set_not_null(c, False),
    AT.AT_AlterColumnType: lambda a, c: a.alter_type(c),
    AT.AT_AddConstraint: lambda a, c: a.add_constraint(c),
    AT.AT_DropConstraint: lambda a, c: a.drop_constraint(c),
}


def alter_table(node: Any, position: int, path: Path) -> DdlPlan:
    """ALTER TABLE [IF EXISTS] t <subcommand>, ...: applied in order, all or nothing."""
    if node.objtype != enums.ObjectType.OBJECT_TABLE:
        raise FeatureNotSupported(
            f"ALTER {node.objtype.name.removeprefix('OBJECT_')} is not supported yet",
            position=position,
        )
    for cmd in node.cmds:
        if cmd.subtype not in _DISPATCH:
            raise FeatureNotSupported(
                f"ALTER TABLE {cmd.subtype.name.removeprefix('AT_')} is not supported yet",
                position=position,
            )
    rel = node.relation

    def inner(catalog: Catalog) -> DdlResult:
        found = alter_target(catalog, rel, node.missing_ok, TableDef, "table")
        if isinstance(found, DdlResult):
            return found
        alter = _Alter(catalog, found)
        for cmd in node.cmds:
            _DISPATCH[cmd.subtype](alter, cmd)
        return DdlResult(
            alter.catalog,
            tuple(alter.cypher),
            tuple(alter.notices),
            tuple(alter.sequences),
            tuple(alter.data),
        )

    return DdlPlan("ALTER TABLE", scoped(path, inner))


# ---------------------------------------------------------------- RENAME


def rename(node: Any, position: int, path: Path) -> DdlPlan:
    """ALTER TABLE ... RENAME [COLUMN] / RENAME CONSTRAINT / RENAME TO, ALTER VIEW|INDEX ...
    RENAME TO."""
    OT = enums.ObjectType
    kind = node.renameType
    rel = node.relation
    tags = {
        OT.OBJECT_TABLE: "ALTER TABLE",
        OT.OBJECT_COLUMN: "ALTER TABLE",
        OT.OBJECT_TABCONSTRAINT: "ALTER TABLE",
        OT.OBJECT_VIEW: "ALTER VIEW",
        OT.OBJECT_INDEX: "ALTER INDEX",
    }
    if kind not in tags or rel is None:
        raise FeatureNotSupported(
            f"ALTER {kind.name.removeprefix('OBJECT_')} RENAME is not supported yet",
            position=position,
        )
    tag = tags[kind]
    if kind == OT.OBJECT_COLUMN and node.relationType == OT.OBJECT_VIEW:
        tag = "ALTER VIEW"

    def inner(catalog: Catalog) -> DdlResult:
        found = catalog.resolve(rel.relname, rel.schemaname)
        if found is None:
            return skip_missing(catalog, rel.relname, node.missing_ok)
        if kind == OT.OBJECT_INDEX:
            idx = catalog.index(rel.relname, rel.schemaname)
            if idx is None:
                raise PgError(f'"{rel.relname}" is not an index', sqlstate="42809")
            if relation_taken(catalog, idx.schema, node.newname):
                raise DuplicateTable(f'relation "{node.newname}" already exists')
            new_idx = replace(
                idx,
                name=node.newname,
                definition=idx.definition.replace(
                    f"INDEX {idx.name} ON", f"INDEX {node.newname} ON", 1
                ),
            )
            cat = catalog.without_index(idx.qualified).with_index(new_idx)
            table = cat.tables.get(idx.table)
            if table is not None and idx.unique:
                cat = cat.with_table(
                    replace(
                        table,
                        constraints=tuple(
                            replace(c, name=node.newname)
                            if c.index_only and c.name == idx.name
                            else c
                            for c in table.constraints
                        ),
                    )
                )
            return DdlResult(cat)
        if isinstance(found, ViewDef):
            if kind not in (OT.OBJECT_TABLE, OT.OBJECT_VIEW):
                raise FeatureNotSupported("renaming view columns is not supported yet")
            if relation_taken(catalog, found.schema, node.newname):
                raise DuplicateTable(f'relation "{node.newname}" already exists')
            return DdlResult(
                _rename_in_views(
                    catalog.without_view(found.qualified).with_view(
                        replace(found, name=node.newname)
                    ),
                    found.qualified,
                    found.schema,
                    node.newname,
                )
            )
        if not isinstance(found, TableDef):
            raise PgError(f'"{rel.relname}" is not a table', sqlstate="42809")
        if kind == OT.OBJECT_VIEW:
            raise PgError(f'"{rel.relname}" is not a view', sqlstate="42809")
        if kind == OT.OBJECT_COLUMN:
            return _rename_column(catalog, found, node.subname, node.newname)
        if kind == OT.OBJECT_TABCONSTRAINT:
            return _rename_constraint(catalog, found, node.subname, node.newname)
        return _rename_table(catalog, found, node.newname)

    return DdlPlan(tag, scoped(path, inner))


def _rename_table(catalog: Catalog, table: TableDef, new: str) -> DdlResult:
    if relation_taken(catalog, table.schema, new):
        raise DuplicateTable(f'relation "{new}" already exists')
    old_q = table.qualified
    new_q = f"{table.schema}.{new}"
    kuzu_name = kuzu_table_name(table.schema, new)
    cat = catalog.without_table(old_q)
    # without_table dropped its owned sequences and indexes: put them back, renamed
    for seq in catalog.sequences.values():
        if (seq.owned_by or "").startswith(old_q + "."):
            column = seq.owned_by[len(old_q) + 1 :] if seq.owned_by else ""
            cat = cat.with_sequence(replace(seq, owned_by=f"{new_q}.{column}"))
    for idx in catalog.indexes.values():
        if idx.table == old_q:
            cat = cat.with_index(
                replace(
                    idx,
                    table=new_q,
                    definition=idx.definition.replace(f" ON {old_q} ", f" ON {new_q} ", 1),
                )
            )
    renamed = replace(table, name=new, kuzu_name=kuzu_name)
    cat = cat.with_table(renamed)
    for t in list(cat.tables.values()):
        if any(c.kind == "f" and c.ref_table == old_q for c in t.constraints):
            cat = cat.with_table(
                replace(
                    t,
                    constraints=tuple(
                        replace(c, ref_table=new_q) if c.kind == "f" and c.ref_table == old_q else c
                        for c in t.constraints
                    ),
                )
            )
    cat = _rename_in_views(cat, old_q, table.schema, new)
    cypher = (f"ALTER TABLE {quote(table.kuzu_name)} RENAME TO {quote(kuzu_name)}",)
    return DdlResult(cat, cypher)


def _rename_in_views(cat: Catalog, old_q: str, schema: str, new: str) -> Catalog:
    """Views keep reading a renamed relation (PostgreSQL binds views to OIDs): their
    stored SELECT text is rewritten."""
    old_schema, _, old_name = old_q.partition(".")
    for view in list(cat.views.values()):
        if old_q not in view.depends:
            continue
        stmt = parse_select(view.sql)

        def visit(n: Any) -> None:
            if n.relname == old_name and n.schemaname in (None, old_schema):
                n.relname = new

        walk_ast(stmt, ast.RangeVar, visit)
        depends = tuple(f"{schema}.{new}" if d == old_q else d for d in view.depends)
        cat = cat.with_view(replace(view, sql=deparse(stmt), depends=depends))
    return cat


def _rename_column(catalog: Catalog, table: TableDef, old: str, new: str) -> DdlResult:
    col = table.column(old)
    if col is None:
        raise UndefinedColumn(f'column "{old}" does not exist')
    if table.column(new) is not None:
        raise DuplicateColumn(f'column "{new}" of relation "{table.name}" already exists')

    def cols(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if n == old else n for n in names)

    constraints = tuple(
        replace(
            c,
            columns=cols(c.columns),
            check=_rename_ref(c.check, old, new) if c.check else c.check,
            ref_columns=cols(c.ref_columns) if c.ref_table == table.qualified else c.ref_columns,
        )
        for c in table.constraints
    )
    renamed = replace(
        table,
        columns=tuple(replace(c, name=new) if c.name == old else c for c in table.columns),
        constraints=constraints,
        key=new if table.key == old else table.key,
    )
    cat = catalog.with_table(renamed)
    for t in list(cat.tables.values()):
        if t.qualified == table.qualified:
            continue
        if any(c.kind == "f" and c.ref_table == table.qualified for c in t.constraints):
            cat = cat.with_table(
                replace(
                    t,
                    constraints=tuple(
                        replace(c, ref_columns=cols(c.ref_columns))
                        if c.kind == "f" and c.ref_table == table.qualified
                        else c
                        for c in t.constraints
                    ),
                )
            )
    for idx in list(cat.indexes.values()):
        if idx.table == table.qualified and old in idx.columns:
            cat = cat.with_index(replace(idx, columns=cols(idx.columns)))
    owned = f"{table.qualified}.{old}"
    for seq in list(cat.sequences.values()):
        if seq.owned_by == owned:
            cat = cat.with_sequence(replace(seq, owned_by=f"{table.qualified}.{new}"))
    cypher = (f"ALTER TABLE {quote(table.kuzu_name)} RENAME {quote(old)} TO {quote(new)}",)
    return DdlResult(cat, cypher)


def _rename_ref(text: str, old: str, new: str) -> str:
    stmt = parse_select(f"SELECT {text}")

    def visit(n: Any) -> None:
        last = n.fields[-1]
        if _isa(last, ast.String) and last.sval == old:
            n.fields = (*n.fields[:-1], ast.String(new))

    walk_ast(stmt, ast.ColumnRef, visit)
    return deparse(stmt.targetList[0].val)


def _rename_constraint(catalog: Catalog, table: TableDef, old: str, new: str) -> DdlResult:
    con = next((c for c in table.constraints if c.name == old and not c.index_only), None)
    if con is None:
        raise UndefinedObject(f'constraint "{old}" for table "{table.name}" does not exist')
    if table.constraint_name_taken(new):
        raise DuplicateObject(f'constraint "{new}" for relation "{table.name}" already exists')
    renamed = replace(
        table,
        constraints=tuple(replace(c, name=new) if c == con else c for c in table.constraints),
    )
    return DdlResult(catalog.with_table(renamed))
