"""Audit history from the event log: every version of every row, and the schema changes.

`kuzugres.history('t')` (a table function in FROM) returns one row per version of each
row of `t` (docs/decisions/0017-history.md):
- an INSERT or UPDATE event makes a version holding the whole row after it;
- a DELETE event makes a version with operation DELETE holding the last values;
- a version is valid from its transaction's commit time (HLC) until the next event of
  the same row (`valid_to`), NULL for a row's latest version.

Values are decoded by attnum with the table's *current* columns: a column added later
is NULL in older versions, a dropped column is gone, and a renamed table keeps its
history because events name tables by OID.

`HistoryIndex` keeps, per table OID, the row events of the log in commit order. It is
shared by the node's sessions (one per log) and catches up from the log's tail before
each query, so a query reads only what was committed since the previous one.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, parse_sql

from kuzugres.errors import make_error
from kuzugres.eventcodec import from_wire, key_from_wire, to_wire
from kuzugres.proxy import types as T
from kuzugres.sync.events import Abort, Ddl, Op, RowChange, Transaction
from kuzugres.sync.hlc import from_datetime, to_datetime
from kuzugres.sync.log import EventLog, FileLog, LogTail
from kuzugres.translator.audit import split_name
from kuzugres.translator.catalog import CATALOG_TABLE, Catalog, ColumnDef, TableDef
from kuzugres.translator.expr import ParamTypes, compile_expr

_OPERATION = {Op.INSERT: "INSERT", Op.UPDATE: "UPDATE", Op.DELETE: "DELETE"}


@dataclass(frozen=True)
class Header:
    """What a transaction's events share (one object per transaction)."""

    hlc: int
    txid: int
    author: str
    reason: str | None

    @classmethod
    def of(cls, tx: Transaction) -> Header:
        return cls(tx.hlc, tx.txid, tx.author, tx.reason)


@dataclass(frozen=True)
class Version:
    """One version of one row: its key, every column's wire value by attnum after the
    event (the last values for a DELETE), the operation and the transaction."""

    key: Any
    op: Op
    values: dict[int, Any]
    tx: Header
    born: int = 0  # when the row's current life began (its INSERT), 0 if unknown


@dataclass
class _Changes:
    events: dict[int, list[tuple[Header, RowChange]]] = field(default_factory=dict)
    ddl: list[tuple[Header, Ddl]] = field(default_factory=list)
    # table OID -> attnum -> (when the column appeared: the DDL's clock timestamp, its
    # DEFAULT then)
    added: dict[int, dict[int, tuple[int, str | None]]] = field(default_factory=dict)

    def add(self, tx: Transaction) -> None:
        header = Header.of(tx)
        for change in tx.changes:
            if isinstance(change, RowChange):
                self.events.setdefault(change.table_id, []).append((header, change))
            elif isinstance(change, Ddl):
                self.ddl.append((header, change))
                self._columns_of(change, tx.hlc)

    def _columns_of(self, ddl: Ddl, hlc: int) -> None:
        """Note the columns the catalog document a DDL stored holds for the first time."""
        for s in ddl.statements:
            doc = s.params.get("doc")
            if CATALOG_TABLE not in s.cypher or not isinstance(doc, str):
                continue
            try:
                catalog = Catalog.from_json(doc)
            except (ValueError, KeyError, TypeError):
                continue  # a document this code cannot read: no backfill for its columns
            for table in catalog.tables.values():
                known = self.added.setdefault(table.oid, {})
                for c in table.columns:
                    known.setdefault(c.attnum, (hlc, c.default))


class HistoryIndex:
    """The log's row events per table, kept up to date from the log's tail."""

    def __init__(self, log: EventLog) -> None:
        self._log = log
        self._final = _Changes()
        self._after = 0  # the last seq of the last transaction in `_final`
        # the last transaction read: an Abort may still follow it
        self._pending: Transaction | None = None
        self._tail = LogTail(log.directory) if isinstance(log, FileLog) else None
        self._lock = threading.Lock()  # queries may run in worker threads

    def _refresh(self) -> _Changes:
        """Catch up with the log. The log's last transaction stays tentative (seen, not
        kept): the frame is appended before Kuzu commits, and an `Abort` may follow."""
        with self._lock:
            if self._tail is not None:
                for frame in self._tail.read():
                    if isinstance(frame, Abort):
                        if self._pending is not None and self._pending.first_seq == frame.first_seq:
                            self._pending = None
                        continue
                    if self._pending is not None:
                        self._final.add(self._pending)
                    self._pending = frame
            else:
                txs = list(self._log.transactions(after_seq=self._after))
                for tx in txs[:-1]:
                    self._final.add(tx)
                    self._after = tx.last_seq
                self._pending = txs[-1] if txs else None
            tail = _Changes()
            if self._pending is not None:
                tail.add(self._pending)
            return tail

    def events(self, table_oid: int) -> list[tuple[Header, RowChange]]:
        tail = self._refresh()
        with self._lock:
            kept = list(self._final.events.get(table_oid, ()))
        return kept + tail.events.get(table_oid, [])

    def added(self, table_oid: int) -> dict[int, tuple[int, str | None]]:
        """attnum -> (the clock timestamp of the DDL that added the column, the column's
        DEFAULT then)."""
        tail = self._refresh()
        with self._lock:
            kept = dict(self._final.added.get(table_oid, {}))
        for attnum, added in tail.added.get(table_oid, {}).items():
            kept.setdefault(attnum, added)
        return kept

    def ddl(self) -> list[tuple[Header, Ddl]]:
        tail = self._refresh()
        with self._lock:
            kept = list(self._final.ddl)
        return kept + tail.ddl

    def versions(self, table_oid: int) -> list[Version]:
        """Every version of every row of the table, in commit order."""
        state: dict[Any, dict[int, Any]] = {}
        born: dict[Any, int] = {}
        out = []
        for header, change in self.events(table_oid):
            if change.op == Op.INSERT:
                values = dict(change.values)
                born[change.key] = header.hlc
            elif change.op == Op.UPDATE:
                values = {**state.get(change.key, {}), **change.values}
            else:
                values = state.pop(change.key, {})
            if change.op != Op.DELETE:
                state[change.key] = values
            out.append(Version(change.key, change.op, values, header, born.get(change.key, 0)))
        return out


_INDEXES: weakref.WeakKeyDictionary[Any, HistoryIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def history_index(log: EventLog) -> HistoryIndex:
    """The node's shared index of `log`."""
    with _INDEXES_LOCK:
        index = _INDEXES.get(log)
        if index is None:
            index = _INDEXES[log] = HistoryIndex(log)
        return index


def _decode(table: TableDef, values: dict[int, Any]) -> list[Any]:
    return [from_wire(c, values.get(c.attnum)) for c in table.columns]


def _constant(col: ColumnDef, default: str | None, ctx: Any) -> tuple[bool, Any]:
    """(True, value) when a DEFAULT is a constant (a literal, maybe cast), else False."""
    if default is None:
        return True, None
    try:
        sql = f"SELECT {default}"
        stmt: Any = parse_sql(sql)[0].stmt
        node = stmt.targetList[0].val
        literal = node.arg if isinstance(node, ast.TypeCast) else node
        if not isinstance(literal, ast.A_Const):
            return False, None
        snapshot = getattr(ctx, "catalog", None)  # names a cast's enum type
        with T.user_types(snapshot() if snapshot is not None else None):
            expr = compile_expr(
                node,
                sql,
                ParamTypes([]),
                None,
                expected_oid=col.type_oid,
                expected_typmod=col.typmod,
            )
        return True, expr.evaluate((), (), ctx)
    except Exception:  # noqa: BLE001 - an unreadable default is an unknown value
        return False, None


class _Backfills:
    """Values a DDL data step wrote (ADD COLUMN ... DEFAULT): they are in no row event
    (decision 0016). For a row inserted before the column was added, and while no event
    has set the column since, the value is the row's value now if that row still lives,
    else the column's DEFAULT at ADD COLUMN if that is a constant, else NULL. Before the
    column was added its value is NULL."""

    def __init__(
        self,
        index: HistoryIndex,
        table: TableDef,
        versions: list[Version],
        current: Iterable[tuple[Any, ...]],
        ctx: Any,
    ) -> None:
        self.table = table
        added = index.added(table.oid)
        self.added = {a: hlc for a, (hlc, _) in added.items()}
        by_attnum = {c.attnum: c for c in table.columns}
        self.defaults = {
            a: _constant(by_attnum[a], default, ctx)
            for a, (_, default) in added.items()
            if a in by_attnum
        }
        self.current = {r[-1]: r[:-1] for r in current}
        # the latest version of each key: only its life can still be the row of today
        self.latest: dict[Any, Version] = {}
        for v in versions:
            self.latest[v.key] = v

    def fill(self, v: Version, row: list[Any], until: int | None) -> list[Any]:
        """`row` (version `v`'s values) with the backfilled values of the columns added
        after the row was inserted and before `until` (None: the present)."""
        if not self.added:
            return row
        latest = self.latest.get(v.key)
        now = self.current.get(key_from_wire(self.table, v.key))
        same_life = latest is not None and latest.born == v.born and latest.op != Op.DELETE
        for j, c in enumerate(self.table.columns):
            at = self.added.get(c.attnum)
            if at is None or c.attnum in v.values or at <= v.born:
                continue
            if until is not None and at >= until:
                continue
            if same_life and now is not None and c.attnum not in latest.values:  # type: ignore[union-attr]
                row[j] = now[j]
            else:
                known, value = self.defaults.get(c.attnum, (False, None))
                if known:
                    row[j] = value
        return row


def history_rows(
    index: HistoryIndex, table: TableDef, current: Iterable[tuple[Any, ...]], ctx: Any
) -> list[tuple[Any, ...]]:
    """history(table)'s rows: each version's columns, then VERSION_COLUMNS. `current`:
    the table's rows now (values, then key), for values backfilled by DDL; `ctx`: the
    session's EvalContext."""
    versions = index.versions(table.oid)
    backfills = _Backfills(index, table, versions, current, ctx)
    valid_to: list[int | None] = [None] * len(versions)
    last: dict[Any, int] = {}
    for i, v in enumerate(versions):
        prev = last.get(v.key)
        if prev is not None:
            valid_to[prev] = v.tx.hlc
        last[v.key] = i
    return [
        (
            *backfills.fill(v, _decode(table, v.values), valid_to[i]),
            to_datetime(v.tx.hlc),
            None if valid_to[i] is None else to_datetime(valid_to[i]),  # type: ignore[arg-type]
            _OPERATION[v.op],
            v.tx.author,
            v.tx.reason,
            v.tx.txid,
        )
        for i, v in enumerate(versions)
    ]


def schema_rows(index: HistoryIndex) -> list[tuple[Any, ...]]:
    """schema_history()'s rows: one per DDL statement, in commit order."""
    return [(to_datetime(h.hlc), d.sql, h.author, h.reason, h.txid) for h, d in index.ddl()]


def state_at(
    index: HistoryIndex,
    table: TableDef,
    moment: dt.datetime,
    current: list[tuple[Any, ...]],
    ctx: Any,
) -> RowsAt:
    """The table's rows at `moment` as the log tells them (keys in Kuzu form); `current`
    is the table now (values, then key), for values backfilled by DDL."""
    cutoff = from_datetime(moment)
    live: dict[Any, list[Any]] = {}
    absent: set[Any] = set()
    seen: set[Any] = set()
    versions = index.versions(table.oid)
    backfills = _Backfills(index, table, versions, current, ctx)
    for v in versions:
        key = key_from_wire(table, v.key)
        if v.tx.hlc > cutoff:
            if key not in seen and v.op == Op.INSERT:
                absent.add(key)  # first written after the moment: it did not exist
            seen.add(key)
            continue
        seen.add(key)
        if v.op == Op.DELETE:
            live.pop(key, None)
            absent.add(key)
        else:
            live[key] = backfills.fill(v, _decode(table, v.values), cutoff + 1)
            absent.discard(key)
    return RowsAt(live, absent)


@dataclass(frozen=True)
class RowsAt:
    """A table at a moment: the rows that existed (key -> values) and the keys the log
    shows did not exist then. Keys the log never mentions are in neither."""

    live: dict[Any, list[Any]]
    absent: set[Any]


def changed(
    table: TableDef, current: Iterable[tuple[Any, ...]], target: RowsAt
) -> tuple[list[list[Any]], list[tuple[Any, list[Any]]], list[tuple[Any, ...]]]:
    """What turns `current` (rows as scanned: values, then key) into `target`: (rows to
    insert, (key, new values) to update with, current rows to delete)."""

    def wire(row: Iterable[Any]) -> list[Any]:
        return [to_wire(c, v) for c, v in zip(table.columns, row, strict=False)]

    inserts: list[list[Any]] = []
    updates: list[tuple[Any, list[Any]]] = []
    deletes: list[tuple[Any, ...]] = []
    present = set()
    for row in current:
        key = row[-1]
        present.add(key)
        if key in target.live:
            want = target.live[key]
            if wire(want) != wire(row[:-1]):
                updates.append((key, want))
        elif key in target.absent:
            deletes.append(row)
    for key, values in target.live.items():
        if key not in present:
            inserts.append(values)
    return inserts, updates, deletes


async def revert(
    catalog: Any,
    index: HistoryIndex,
    moment: dt.datetime,
    names: list[str | None],
    writer: Any,
    scan: Any,
    eval_ctx: Any,
) -> int:
    """Write what restores the named tables to their state at `moment`, with the checks
    of INSERT, UPDATE and DELETE (NOT NULL, CHECK, unique, foreign keys); returns how
    many rows it inserted, updated or deleted. Runs inside the caller's write
    transaction, so its changes become events like any other.

    `writer(table)` is the session's TableWriter, `scan(table)` reads the table's rows
    (values, then key) in the transaction."""
    from kuzugres.translator.dml import table_checks

    tables: list[TableDef] = []
    for name in names:
        if name is None:
            raise make_error("22004", "kuzugres.revert_to(): table name must not be null")
        schema, relname = split_name(name)
        table = catalog.lookup(relname, schema)
        if all(t.oid != table.oid for t in tables):
            tables.append(table)
    plans = []
    for table in tables:
        current = await scan(table)
        target = state_at(index, table, moment, current, eval_ctx)
        plans.append((table, changed(table, current, target)))
    total = 0
    # parents' rows come back before their children's, and go after them
    for table, (inserts, _, _) in plans:
        if inserts:
            w = writer(table)
            checks = table_checks(table)
            for row in inserts:
                w.check_row(row, checks, (), eval_ctx)
            await w.check_unique(inserts, set())
            await w.check_references(inserts)
            await w.insert(inserts)
            total += len(inserts)
    for table, (_, updates, _) in plans:
        if updates:
            w = writer(table)
            checks = table_checks(table)
            keys = {k for k, _ in updates}
            old = [r for r in await scan(table) if r[-1] in keys]
            by_key = {r[-1]: r for r in old}
            ordered = [(k, list(v)) for k, v in updates]
            before = [by_key[k] for k, _ in ordered]
            new_rows = [v for _, v in ordered]
            for row in new_rows:
                w.check_row(row, checks, (), eval_ctx)
            await w.check_unique(new_rows, keys)
            await w.check_references(new_rows)
            await w.check_referenced_update(before, new_rows)
            await w.replace(ordered, [b[:-1] for b in before])
            total += len(updates)
    for table, (_, _, deletes) in reversed(plans):
        if deletes:
            await writer(table).delete_rows(deletes)
            total += len(deletes)
    return total
