"""SQL tables on Kuzu at run time: value storage, scans, writes and constraint checks.

Every write of a SQL table goes through `TableWriter`, the one write path: it checks
NOT NULL, CHECK, UNIQUE/PRIMARY KEY and FOREIGN KEY constraints with PostgreSQL's
SQLSTATEs and messages, applies the change with parameterized Cypher and returns the
changed rows (what the events issue turns into events).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from kuzugres.errcodes import (
    CheckViolation,
    ForeignKeyViolation,
    NotNullViolation,
    UniqueViolation,
)
from kuzugres.errors import PgError
from kuzugres.eventcodec import RowEvents
from kuzugres.proxy import types as T
from kuzugres.proxy.types import FormatContext, decode_text, encode_text
from kuzugres.translator.catalog import (
    ROWID,
    SCALED,
    SCALED_NAN,
    Catalog,
    ColumnDef,
    ConstraintDef,
    TableDef,
    key_type,
    link_of,
)
from kuzugres.translator.ddl import quote
from kuzugres.translator.explain import columns_with, insert_cypher, scan_cypher
from kuzugres.translator.query import TableScan

RunCypher = Callable[[str, dict[str, Any]], Awaitable[Any]]  # -> KuzuResult


def to_kuzu(col: ColumnDef, value: Any, ctx: FormatContext) -> Any:
    """A PostgreSQL value as the Kuzu property stores it."""
    if value is None:
        return None
    if col.native:
        if col.type_oid in (T.FLOAT4, T.FLOAT8):  # a column's list is all floats, never mixed
            return float(value)
        return value
    if col.storage == SCALED:
        d = Decimal(value)
        return SCALED_NAN if d.is_nan() else int(d.scaleb(col.scale))
    return encode_text(col.type_oid, value, ctx).decode("utf-8")


def _scaled_reader(scale: int) -> Callable[[int], Decimal]:
    nan = Decimal("NaN")
    return lambda v: nan if v == SCALED_NAN else Decimal(v).scaleb(-scale)


def from_kuzu(col: ColumnDef, value: Any, ctx: FormatContext) -> Any:
    """A stored Kuzu property back as the PostgreSQL value."""
    if value is None:
        return None
    if col.native:
        if col.type_oid == T.FLOAT4:
            return T.round_float4(value)
        return value
    if col.storage == SCALED:
        return _scaled_reader(col.scale)(value)
    return decode_text(col.type_oid, value.encode("utf-8"), ctx)


def link_edges(catalog: Catalog, table: TableDef) -> tuple[str, str] | None:
    """(MATCH pattern, CREATE clause) making the link-table edge (decision 0010) of each
    row `c` of a link table whose two keys are set; None if `table` is not one."""
    pair = link_of(catalog, table)
    if pair is None or table.link_rel is None:
        return None
    first, second, parent = pair
    p = quote(parent.kuzu_name)
    return (
        f"(a:{p})<-[:{quote(first.rel_table or '')}]-(c:{quote(table.kuzu_name)})"
        f"-[:{quote(second.rel_table or '')}]->(b:{p})",
        f"CREATE (a)-[:{quote(table.link_rel)} {{k: c.{quote(table.key)}}}]->(b)",
    )


def _cast(col: ColumnDef) -> str:
    return col.kuzu_type


#: Rows per Kuzu write statement (CREATE/SET cost is per row; bigger batches measured
#: ~20% faster up to 20k rows).
_BATCH = 10_000
# Key column types whose Kuzu values are equal exactly when PostgreSQL's are, so Kuzu's
# own primary-key index can tell a duplicate key (`TableWriter.kuzu_key`).
_EXACT_KEY_TYPES = frozenset({T.INT2, T.INT4, T.INT8, T.TEXT, T.VARCHAR, T.UUID, T.DATE})
_KUZU_DUPLICATE = re.compile(r"duplicated primary key value (.*), which violates", re.DOTALL)
#: Keys per statement that finds rows by key (`_for_rows`). Kuzu runs each such
#: statement as a hash join that scans the whole table, so the batches must be large:
#: linking 1M rows took 69 s in batches of 5k and 15 s in batches of 100k.
_KEY_BATCH = 100_000


def _reader(col: ColumnDef, ctx: FormatContext) -> Callable[[Any], Any] | None:
    """How to turn a stored property back into the PostgreSQL value (None: as it is)."""
    if col.native:
        return T.round_float4 if col.type_oid == T.FLOAT4 else None
    if col.storage == SCALED:
        return _scaled_reader(col.scale)
    if col.type_oid == T.NUMERIC:
        return Decimal  # stored in PostgreSQL's canonical output form
    oid = col.type_oid
    return lambda v: decode_text(oid, v.encode("utf-8"), ctx)


def rows_from_kuzu(
    table: TableDef, rows: list[list[Any]], ctx: FormatContext
) -> list[tuple[Any, ...]]:
    """Scanned Kuzu rows (columns, then key) as rows of PostgreSQL values (then key)."""
    readers = [_reader(c, ctx) for c in table.columns]
    if all(r is None for r in readers):
        return [tuple(r) for r in rows]  # every column native: nothing to convert
    convert = [(i, f) for i, f in enumerate(readers) if f is not None]
    out = []
    for r in rows:
        for i, f in convert:
            v = r[i]
            if v is not None:
                r[i] = f(v)
        out.append(tuple(r))
    return out


def failing_row(values: Sequence[Any], table: TableDef, ctx: FormatContext) -> str:
    shown = [
        "null" if v is None else encode_text(c.type_oid, v, ctx).decode("utf-8")
        for c, v in zip(table.columns, values, strict=False)
    ]
    return f"Failing row contains ({', '.join(shown)})."


def _key_text(
    cols: Sequence[str], values: Sequence[Any], table: TableDef, ctx: FormatContext
) -> str:
    shown = []
    for name, v in zip(cols, values, strict=True):
        col = table.column(name)
        assert col is not None
        shown.append("null" if v is None else encode_text(col.type_oid, v, ctx).decode())
    return f"({', '.join(cols)})=({', '.join(shown)})"


@dataclass
class DeferredChecks:
    """The deferred FOREIGN KEY checks of one transaction (SET CONSTRAINTS, COMMIT).

    A deferrable foreign key whose mode is DEFERRED is not checked by the statement;
    the keys it could not vouch for are kept here, by (child table, constraint), and
    `TableWriter.check_deferred` checks them at COMMIT (or SET CONSTRAINTS ... IMMEDIATE)
    against the data as it is then. Keys are kept in the order they were written, so
    the error names the first, as PostgreSQL's queue of trigger events does.
    """

    #: SET CONSTRAINTS ALL: the mode of every deferrable constraint (None: as declared)
    all_deferred: bool | None = None
    #: SET CONSTRAINTS name: the mode of the named ones, by (schema, name)
    modes: dict[tuple[str, str], bool] = field(default_factory=dict)
    #: (child qualified name, constraint name) -> {key: True if a child row was written
    #: (reported as "insert or update"), False if a parent row went (as "update or delete")}
    pending: dict[tuple[str, str], dict[tuple[Any, ...], bool]] = field(default_factory=dict)

    def is_deferred(self, child: TableDef, con: ConstraintDef) -> bool:
        """Whether `con` (a constraint of `child`) is checked at COMMIT now."""
        if not con.deferrable:
            return False
        mode = self.modes.get((child.schema, con.name))
        if mode is not None:
            return mode
        return con.initially_deferred if self.all_deferred is None else self.all_deferred

    def add(
        self,
        child: TableDef,
        con: ConstraintDef,
        keys: Sequence[tuple[Any, ...]],
        *,
        child_side: bool,
    ) -> None:
        """Keep `keys` (values of `con`'s columns) to check later."""
        if not keys:
            return
        kept = self.pending.setdefault((child.qualified, con.name), {})
        for k in keys:
            kept.setdefault(k, child_side)


@dataclass
class TableWriter:
    """Applies checked writes to one table inside the caller's Kuzu write transaction."""

    catalog: Catalog
    table: TableDef
    run: RunCypher
    ctx: FormatContext
    #: Where the row changes go (the transaction's events); None: not recorded (DDL
    #: data steps, which the log keeps as the statements they ran).
    events: RowEvents | None = None
    #: Hands out hidden row ids (tables without a usable key), so that every row's key
    #: is chosen here and written explicitly, and replaying the log writes the same keys.
    rowids: Callable[[TableDef, int], Awaitable[list[int]]] | None = None
    #: The transaction's deferred foreign-key checks; None: every check is immediate.
    deferred: DeferredChecks | None = None

    def for_table(self, table: TableDef) -> TableWriter:
        """A writer of another table in the same transaction (cascades, parents)."""
        return replace(self, table=table)

    # ---------------------------------------------------------------- checks
    def check_row(
        self,
        values: Sequence[Any],
        checks: Sequence[tuple[ConstraintDef, Any]],
        params: Sequence[Any],
        eval_ctx: Any,
    ) -> None:
        """NOT NULL and CHECK constraints of one new row version."""
        t = self.table
        for col, v in zip(t.columns, values, strict=False):
            if v is None and col.not_null:
                raise NotNullViolation(
                    f'null value in column "{col.name}" of relation "{t.name}" violates '
                    "not-null constraint",
                    detail=failing_row(values, t, self.ctx),
                ).about(t, column=col.name)
        for con, expr in checks:
            if expr.evaluate(tuple(values) + (None,), params, eval_ctx) is False:
                raise CheckViolation(
                    f'new row for relation "{t.name}" violates check constraint "{con.name}"',
                    detail=failing_row(values, t, self.ctx),
                ).about(t, constraint=con.name)

    def kuzu_key(self) -> ConstraintDef | None:
        """The PRIMARY KEY that is the Kuzu table's own, when Kuzu's index can check it.

        Kuzu 0.11.3 uses its primary-key index only for a key written literally, and
        values are never pasted into Cypher: looking a key up by parameter scans the
        table (157 ms at 1M rows, against 0.8 ms for the CREATE). So new rows of such a
        table are not looked up: the CREATE fails on a taken key, and `insert` reports
        it as PostgreSQL does.
        """
        t = self.table
        for con in t.constraints:
            if con.kind == "p" and list(con.columns) == [t.key]:
                col = t.column(t.key)
                if col is not None and col.native and col.type_oid in _EXACT_KEY_TYPES:
                    return con
        return None

    async def check_inserted(self, rows: Sequence[Sequence[Any]]) -> None:
        """The UNIQUE and FOREIGN KEY checks of new rows, leaving a taken primary key to
        Kuzu (`kuzu_key`). When one fails, the key is looked up after all, so the error
        is the one the full checks give (the primary key's first)."""
        try:
            await self.check_unique(rows, set(), kuzu_checked=self.kuzu_key())
            await self.check_references(rows)
        except (UniqueViolation, ForeignKeyViolation):
            await self.check_unique(rows, set())
            raise

    async def check_unique(
        self,
        new_rows: Sequence[Sequence[Any]],
        replaced_keys: set[Any],
        kuzu_checked: ConstraintDef | None = None,
    ) -> None:
        """PRIMARY KEY/UNIQUE: no two rows (new or existing, except replaced ones) collide.

        `kuzu_checked`: a constraint checked against existing rows by Kuzu's CREATE."""
        t = self.table
        for con in t.constraints:
            if con.kind not in ("p", "u"):
                continue
            idx = [self._index(c) for c in con.columns]
            seen: dict[tuple[Any, ...], int] = {}
            for row in new_rows:
                key = tuple(row[i] for i in idx)
                if any(v is None for v in key):
                    continue
                if key in seen:
                    raise self._duplicate(con, key)
                seen[key] = 1
            if not seen or con is kuzu_checked:
                continue
            existing = await self._existing(con.columns, list(seen))
            for key, row_key in existing:
                if key in seen and row_key not in replaced_keys:
                    raise self._duplicate(con, key)

    def _taken_key(self, err: PgError, rows: Sequence[Sequence[Any]]) -> PgError:
        """Kuzu's duplicate primary key error as PostgreSQL's (or `err` unchanged)."""
        con = self.kuzu_key()
        found = _KUZU_DUPLICATE.search(err.message)
        if err.code != "23505" or con is None or found is None:
            return err
        i = self._index(con.columns[0])
        col = self.table.columns[i]
        for row in rows:
            if row[i] is not None and str(to_kuzu(col, row[i], self.ctx)) == found.group(1):
                return self._duplicate(con, (row[i],))
        return self._duplicate_text(con, f"({con.columns[0]})=({found.group(1)})")

    def _duplicate(self, con: ConstraintDef, key: tuple[Any, ...]) -> UniqueViolation:
        return self._duplicate_text(con, _key_text(con.columns, key, self.table, self.ctx))

    def _duplicate_text(self, con: ConstraintDef, key_text: str) -> UniqueViolation:
        return UniqueViolation(
            f'duplicate key value violates unique constraint "{con.name}"',
            detail=f"Key {key_text} already exists.",
        ).about(self.table, constraint=con.name)

    async def _existing(
        self, columns: Sequence[str], keys: list[tuple[Any, ...]]
    ) -> list[tuple[tuple[Any, ...], Any]]:
        """Existing rows whose `columns` equal one of `keys`: (values, row key)."""
        t = self.table
        first = t.column(columns[0])
        assert first is not None
        ret = ", ".join(f"n.{quote(c)} AS c{i}" for i, c in enumerate(columns))
        if first.native and first.type_oid not in (T.FLOAT4, T.FLOAT8):
            cypher = (
                f"UNWIND CAST($vals AS {first.kuzu_type}[]) AS v MATCH (n:{quote(t.kuzu_name)}) "
                f"WHERE n.{quote(first.name)} = v RETURN {ret}, n.{quote(t.key)} AS k"
            )
            params = {"vals": list({to_kuzu(first, k[0], self.ctx) for k in keys})}
        else:
            cypher = f"MATCH (n:{quote(t.kuzu_name)}) RETURN {ret}, n.{quote(t.key)} AS k"
            params = {}
        result = await self.run(cypher, params)
        cols = [t.column(c) for c in columns]
        out = []
        for r in result.rows:
            vals = tuple(from_kuzu(c, v, self.ctx) for c, v in zip(cols, r, strict=False))  # type: ignore[arg-type]
            out.append((vals, r[-1]))
        return out

    async def check_references(self, new_rows: Sequence[Sequence[Any]]) -> None:
        """FOREIGN KEY (child side): every non-null key must exist in the parent."""
        t = self.table
        for con in t.constraints:
            if con.kind != "f" or con.ref_table is None:
                continue
            idx = [self._index(c) for c in con.columns]
            keys = {
                tuple(row[i] for i in idx)
                for row in new_rows
                if all(row[i] is not None for i in idx)
            }
            if not keys:
                continue
            schema, _, name = con.ref_table.partition(".")
            parent = self.catalog.lookup(name, schema)
            if parent.qualified == t.qualified:
                present = {
                    k
                    for k in keys
                    if any(tuple(r[self._index(c)] for c in con.ref_columns) == k for r in new_rows)
                }
            else:
                present = set()
            found = await TableWriter(self.catalog, parent, self.run, self.ctx)._existing(
                con.ref_columns, list(keys)
            )
            present |= {k for k, _ in found}
            if self.deferred is not None and self.deferred.is_deferred(t, con):
                self.deferred.add(t, con, [k for k in keys if k not in present], child_side=True)
                continue
            for k in keys:
                if k not in present:
                    raise ForeignKeyViolation(
                        f'insert or update on table "{t.name}" violates foreign key '
                        f'constraint "{con.name}"',
                        detail=f"Key {_key_text(con.columns, k, t, self.ctx)} is not present "
                        f'in table "{parent.name}".',
                    ).about(t, constraint=con.name)

    def _index(self, name: str) -> int:
        for i, c in enumerate(self.table.columns):
            if c.name == name:
                return i
        raise KeyError(name)

    # ---------------------------------------------------------------- writes
    def _props(self) -> list[ColumnDef]:
        return list(self.table.columns)

    async def insert(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        """CREATE the rows; returns their Kuzu keys (assigned for hidden row ids)."""
        t = self.table
        cols = self._props()
        cypher = insert_cypher(t)
        keys: list[Any] = []
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            params = self._columns(cols, batch, range(len(cols)))
            params["n"] = len(batch)
            if t.key == ROWID:
                params["k"] = await self._rowids(len(batch))
            try:
                result = await self.run(cypher, params)
            except PgError as err:
                raise self._taken_key(err, batch) from None
            keys.extend(r[0] for r in result.rows)
        await self.link(list(zip(keys, rows, strict=True)), relink=False)
        if self.events is not None:
            self.events.inserted(t, keys, rows)
        return keys

    async def _rowids(self, n: int) -> list[int]:
        if self.rowids is None:
            raise RuntimeError("a table without a usable key needs a row id source")
        return await self.rowids(self.table, n)

    def _columns(
        self, cols: Sequence[ColumnDef], rows: Sequence[Sequence[Any]], positions: Sequence[int]
    ) -> dict[str, Any]:
        """Kuzu parameters c0, c1, ...: one list per column (see `_columns_with`)."""
        return {
            f"c{i}": [to_kuzu(c, row[p], self.ctx) for row in rows]
            for i, (c, p) in enumerate(zip(cols, positions, strict=True))
        }

    def _key_cast(self) -> str:
        return key_type(self.table)

    async def _for_rows(self, keys: Sequence[Any], pattern: str, rest: str) -> None:
        """Run `MATCH <pattern> WHERE c.<key> = k <rest>` for the rows (`c`) with `keys`.

        The rows are found by key equality from an UNWIND (a hash join), not by
        `c.key IN $keys`: in a Kuzu 0.11.3 transaction that already deleted rows of the
        table, an IN (or list_contains) filter can return another row than the one with
        that key (tests/test_fk_edges.py), and this way is faster too.
        """
        t = self.table
        for start in range(0, len(keys), _KEY_BATCH):
            await self.run(
                f"UNWIND CAST($keys AS {self._key_cast()}[]) AS k MATCH {pattern} "
                f"WHERE c.{quote(t.key)} = k {rest}",
                {"keys": list(keys[start : start + _KEY_BATCH])},
            )

    async def _unlink_rows(self, keys: Sequence[Any]) -> None:
        """Drop the link-table edges (decision 0010) of the rows with these keys; the
        edge is found from the row's first foreign-key edge, so this is index work."""
        t = self.table
        pair = link_of(self.catalog, t)
        if pair is None or t.link_rel is None or not keys:
            return
        first, _, parent = pair
        await self._for_rows(
            keys,
            f"(c:{quote(t.kuzu_name)})-[:{quote(first.rel_table or '')}]->"
            f"(:{quote(parent.kuzu_name)})-[e:{quote(t.link_rel)}]->()",
            f"AND e.k = c.{quote(t.key)} DELETE e",
        )

    async def _link_rows(self, keys: Sequence[Any]) -> None:
        """Create the link-table edges of the rows with these keys (both keys set)."""
        edges = link_edges(self.catalog, self.table)
        if edges is not None:
            await self._for_rows(keys, *edges)

    async def link(self, written: Sequence[tuple[Any, Sequence[Any]]], *, relink: bool) -> None:
        """Keep each foreign key's REL TABLE (and the link REL table) in step: an edge
        child -> parent per row whose key is not NULL (`relink`: the rows existed, drop
        their old edges first).

        Edges are made by set-based joins: the written keys are UNWOUND and matched with
        `WHERE c.key = k`, then `WHERE p.ref = c.fk`, which Kuzu 0.11.3 runs as hash
        joins. Measured on 100k rows: 0.56 s, against 6.5 s for `c.key IN $keys` (a list
        search per row) and minutes for `MATCH (c {key: r.k})` per UNWIND row.
        """
        t = self.table
        if not written:
            return
        keys = [k for k, _ in written]
        child = quote(t.kuzu_name)
        if relink:
            await self._unlink_rows(keys)
        for con in t.constraints:
            if con.kind != "f" or con.rel_table is None or con.ref_table is None:
                continue
            schema, _, name = con.ref_table.partition(".")
            parent = self.catalog.find(name, schema)
            if parent is None:
                continue
            rel = quote(con.rel_table)
            if relink:
                await self._for_rows(keys, f"(c:{child})-[e:{rel}]->()", "DELETE e")
            on = " AND ".join(
                f"c.{quote(a)} = p.{quote(b)}"
                for a, b in zip(con.columns, con.ref_columns, strict=True)
            )
            await self._for_rows(
                keys,
                f"(c:{child})",
                f"MATCH (p:{quote(parent.kuzu_name)}) WHERE {on} CREATE (c)-[:{rel}]->(p)",
            )
        await self._link_rows(keys)

    async def update(
        self,
        changes: Sequence[tuple[Any, Sequence[Any]]],
        old: Sequence[Sequence[Any]] | None = None,
    ) -> None:
        """SET every column of the rows with the given keys (key columns never change here).

        `old`: the rows' previous values, in the same order, so that the events carry only
        the changed columns."""
        t = self.table
        if self.events is not None:
            self.events.updated(t, changes, old)
        cols = [c for c in self._props() if c.name != t.key]
        if not cols:
            return
        values = ", ".join(f"c{i}[j] AS v{i}" for i in range(len(cols)))
        sets = ", ".join(f"n.{quote(c.name)} = v{i}" for i, c in enumerate(cols))
        cypher = (
            f"{columns_with(cols)}, CAST($k AS {self._key_cast()}[]) AS ks "
            f"UNWIND range(1, $n) AS j WITH ks[j] AS k, {values} "
            f"MATCH (n:{quote(t.kuzu_name)}) WHERE n.{quote(t.key)} = k SET {sets}"
        )
        index = {c.name: i for i, c in enumerate(t.columns)}
        positions = [index[c.name] for c in cols]
        for start in range(0, len(changes), _BATCH):
            batch = changes[start : start + _BATCH]
            params = self._columns(cols, [row for _, row in batch], positions)
            params["k"] = [key for key, _ in batch]
            params["n"] = len(batch)
            await self.run(cypher, params)
        await self.link(changes, relink=True)

    async def delete(self, keys: Sequence[Any]) -> None:
        """DETACH DELETE the rows with the given keys (and their link-table edges)."""
        if self.events is not None:
            self.events.deleted(self.table, keys)
        await self._unlink_rows(keys)
        await self._for_rows(keys, f"(c:{quote(self.table.kuzu_name)})", "DETACH DELETE c")

    # ---------------------------------------------------------------- higher-level writes
    async def without_conflicts(
        self, rows: list[list[Any]], target: Sequence[str]
    ) -> list[list[Any]]:
        """ON CONFLICT DO NOTHING: drop rows that collide with existing or earlier rows."""
        t = self.table
        cons = [
            c
            for c in t.constraints
            if c.kind in ("p", "u") and (not target or set(c.columns) == set(target))
        ]
        if target and not cons:
            from kuzugres.errcodes import InvalidColumnReference

            raise InvalidColumnReference(
                "there is no unique or exclusion constraint matching the ON CONFLICT specification"
            )
        taken: dict[str, set[tuple[Any, ...]]] = {}
        for con in cons:
            idx = [self._index(c) for c in con.columns]
            keys = [tuple(r[i] for i in idx) for r in rows]
            found = await self._existing(con.columns, [k for k in keys if None not in k])
            taken[con.name] = {k for k, _ in found}
        kept = []
        for row in rows:
            clash = False
            for con in cons:
                key = tuple(row[self._index(c)] for c in con.columns)
                if None not in key and key in taken[con.name]:
                    clash = True
            if clash:
                continue
            for con in cons:
                key = tuple(row[self._index(c)] for c in con.columns)
                if None not in key:
                    taken[con.name].add(key)
            kept.append(row)
        return kept

    async def _children(
        self, child: TableDef, con: ConstraintDef, keys: set[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """Rows of `child` whose foreign key `con` points at one of `keys`."""
        first = child.column(con.columns[0])
        assert first is not None
        if first.native and first.type_oid not in (T.FLOAT4, T.FLOAT8):
            # the matching rows by a hash join on the key's first column, not a full scan
            ret = ", ".join(
                [f"n.{quote(c.name)} AS c{i}" for i, c in enumerate(child.columns)]
                + [f"n.{quote(child.key)} AS k"]
            )
            vals = list({to_kuzu(first, k[0], self.ctx) for k in keys if k[0] is not None})
            result = await self.run(
                f"UNWIND CAST($vals AS {first.kuzu_type}[]) AS v MATCH (n:"
                f"{quote(child.kuzu_name)}) WHERE n.{quote(first.name)} = v RETURN {ret}",
                {"vals": vals},
            )
        else:
            result = await self.run(scan_cypher(TableScan(child, child.name)), {})
        rows = rows_from_kuzu(child, result.rows, self.ctx)
        idx = [next(i for i, c in enumerate(child.columns) if c.name == n) for n in con.columns]
        return [r for r in rows if tuple(r[i] for i in idx) in keys]

    async def check_referenced_update(
        self, old_rows: Sequence[Sequence[Any]], new_rows: Sequence[Sequence[Any]]
    ) -> None:
        """FOREIGN KEY (parent side) on UPDATE: a referenced key may not change (NO ACTION)."""
        t = self.table
        for child, con in self.catalog.referencing(t.qualified):
            idx = [self._index(c) for c in con.ref_columns]
            changed = {
                tuple(o[i] for i in idx)
                for o, n in zip(old_rows, new_rows, strict=True)
                if tuple(o[i] for i in idx) != tuple(n[i] for i in idx)
            }
            changed.discard(tuple(None for _ in idx))
            if not changed:
                continue
            if (
                con.on_update == "a"
                and self.deferred is not None
                and self.deferred.is_deferred(child, con)
            ):
                self.deferred.add(child, con, list(changed), child_side=False)
                continue
            children = await self._children(child, con, changed)
            if children:
                key = next(iter(changed))
                raise ForeignKeyViolation(
                    f'update or delete on table "{t.name}" violates foreign key constraint '
                    f'"{con.name}" on table "{child.name}"',
                    detail=f"Key {_key_text(con.ref_columns, key, t, self.ctx)} is still "
                    f'referenced from table "{child.name}".',
                ).about(child, constraint=con.name)

    async def replace(
        self, changes: list[tuple[Any, list[Any]]], old: Sequence[Sequence[Any]] | None = None
    ) -> None:
        """Write new versions of rows; a changed Kuzu key means delete and re-create.

        `old`: the rows' previous values, in the same order (see `update`)."""
        t = self.table
        if t.key == ROWID:
            await self.update(changes, old)
            return
        ki = self._index(t.key)
        stay = [i for i, (k, r) in enumerate(changes) if r[ki] == k]
        moved = [(k, r) for k, r in changes if r[ki] != k]
        await self.update(
            [changes[i] for i in stay], None if old is None else [old[i] for i in stay]
        )
        if moved:
            await self.delete([k for k, _ in moved])
            await self.insert([r for _, r in moved])

    async def delete_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """DELETE with the parent side of foreign keys: NO ACTION/RESTRICT, CASCADE, SET NULL."""
        t = self.table
        if not rows:
            return
        deleting = {r[-1] for r in rows}
        for child, con in self.catalog.referencing(t.qualified):
            idx = [self._index(c) for c in con.ref_columns]
            keys = {tuple(r[i] for i in idx) for r in rows}
            children = await self._children(child, con, keys)
            if child.qualified == t.qualified:
                children = [c for c in children if c[-1] not in deleting]
            if not children:
                continue
            writer = self.for_table(child)
            if (
                con.on_delete == "a"
                and self.deferred is not None
                and self.deferred.is_deferred(child, con)
            ):
                cidx = [writer._index(c) for c in con.columns]
                self.deferred.add(
                    child, con, [tuple(ch[i] for i in cidx) for ch in children], child_side=False
                )
                continue
            if con.on_delete == "c":
                await writer.delete_rows(children)
            elif con.on_delete in ("n", "d"):
                cidx = [writer._index(c) for c in con.columns]
                changes = []
                for ch in children:
                    new = list(ch[:-1])
                    for i in cidx:
                        new[i] = None
                    changes.append((ch[-1], new))
                for _, new in changes:
                    writer.check_row(new, (), (), None)
                await writer.replace(changes, [ch[:-1] for ch in children])
            else:
                first = children[0]
                cidx = [writer._index(c) for c in con.columns]
                key = tuple(first[i] for i in cidx)
                raise ForeignKeyViolation(
                    f'update or delete on table "{t.name}" violates foreign key constraint '
                    f'"{con.name}" on table "{child.name}"',
                    detail=f"Key {_key_text(con.ref_columns, key, t, self.ctx)} is still "
                    f'referenced from table "{child.name}".',
                ).about(child, constraint=con.name)
        await self.delete([r[-1] for r in rows])


async def check_deferred(
    state: DeferredChecks,
    catalog: Catalog,
    run: RunCypher,
    ctx: FormatContext,
    only: Callable[[TableDef, ConstraintDef], bool] | None = None,
) -> None:
    """Check the deferred foreign keys `state` holds (those `only` accepts) as
    the data is now, and link the child rows whose parent arrived after them (their REL
    edges could not be made when they were written). Raises ForeignKeyViolation (23503)
    with PostgreSQL's message for the first key that still has no parent.

    `run` should log what it runs, so that replaying the log makes the same edges.
    """
    for (qualified, name), keys in list(state.pending.items()):
        schema, _, tname = qualified.partition(".")
        child = catalog.find(tname, schema)
        con = (
            None
            if child is None
            else next((c for c in child.constraints if c.name == name and c.kind == "f"), None)
        )
        if child is None or con is None or con.ref_table is None:
            del state.pending[(qualified, name)]  # dropped since
            continue
        if only is not None and not only(child, con):
            continue
        del state.pending[(qualified, name)]
        pschema, _, pname = con.ref_table.partition(".")
        parent = catalog.find(pname, pschema)
        if parent is None:
            continue
        writer = TableWriter(catalog, parent, run, ctx)
        values = [k for k in keys if None not in k]
        if not values:
            continue
        parents = writer.for_table(parent)
        found = {k for k, _ in await parents._existing(con.ref_columns, values)}
        missing = {k for k in values if k not in found}
        if missing:
            orphans = await parents._children(child, con, missing)
            cidx = [writer.for_table(child)._index(c) for c in con.columns]
            orphaned = {tuple(r[i] for i in cidx) for r in orphans}
            first = next((k for k in values if k in orphaned), None)
            if first is not None:
                if keys[first]:
                    raise ForeignKeyViolation(
                        f'insert or update on table "{child.name}" violates foreign key '
                        f'constraint "{con.name}"',
                        detail=f"Key {_key_text(con.columns, first, child, writer.ctx)} is not "
                        f'present in table "{parent.name}".',
                    ).about(child, constraint=con.name)
                raise ForeignKeyViolation(
                    f'update or delete on table "{parent.name}" violates foreign key '
                    f'constraint "{con.name}" on table "{child.name}"',
                    detail=f"Key {_key_text(con.ref_columns, first, parent, writer.ctx)} is "
                    f'still referenced from table "{child.name}".',
                ).about(child, constraint=con.name)
        present = {k for k in values if k in found}
        if present and con.rel_table is not None:
            rows = await parents._children(child, con, present)
            await writer.for_table(child).link([(r[-1], list(r[:-1])) for r in rows], relink=True)
