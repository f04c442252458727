"""The node's journal: every committed write transaction as events in the durable log,
the applied watermark kept with the state, and replay after a crash.

Commit (SessionExecutor, docs/decisions/0016-event-log.md):
1. the transaction's changes become a `Transaction` frame with the next event seqs;
2. the applied watermark (`_kuzugres_applied`: origin -> last applied seq) is set to
   the frame's last seq, in the same Kuzu transaction as the changes;
3. the frame is appended to the log (written, not yet synced);
4. Kuzu commits; if that fails, an `Abort` frame follows (replay skips the frame);
5. the writer lock is released, and COMMIT is acknowledged once an fsync covers the
   frame (group commit), unless the session has `synchronous_commit = off`.

After kill -9 the state is at some watermark W and the log holds every frame written.
`recover` applies the frames after W through `apply_transaction`, the one apply path for
events, each in one Kuzu transaction with its watermark.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from kuzugres.eventcodec import WIRE, from_wire, key_from_wire
from kuzugres.sync.events import Abort, Change, Ddl, Op, RowChange, Statement, Transaction
from kuzugres.sync.hlc import HybridClock
from kuzugres.sync.log import EventLog
from kuzugres.tables import TableWriter, rows_from_kuzu
from kuzugres.translator.catalog import APPLIED_TABLE, CATALOG_TABLE, Catalog, TableDef, key_type
from kuzugres.translator.ddl import quote

RunCypher = Callable[[str, dict[str, Any]], Awaitable[Any]]


class Connection(Protocol):
    """What replay needs of a Kuzu connection (kuzugres.engine.EngineConnection)."""

    async def run(self, cypher: str, params: dict[str, Any] | None = None) -> Any: ...


class StateAheadOfLog(Exception):
    """The Kuzu state has applied events the log does not hold (the log lost its tail,
    which an fsync'd log only does after damage): the node must not start."""


def watermark_statement(origin: str, seq: int) -> tuple[str, dict[str, Any]]:
    return (
        f"MERGE (w:{APPLIED_TABLE} {{origin: CAST($o AS STRING)}}) SET w.seq = CAST($s AS INT64)",
        {"o": origin, "s": seq},
    )


class Journal:
    """The event log, clock and node id shared by the node's sessions."""

    def __init__(self, log: EventLog, origin: str) -> None:
        self.log = log
        self.origin = origin
        self.clock = HybridClock(last=log.last_hlc)

    def frame(
        self,
        changes: Sequence[Change],
        author: str,
        reason: str | None,
        schema_version: int,
    ) -> Transaction:
        """The frame of a committing transaction (called with the writer lock held)."""
        first = self.log.last_seq + 1
        return Transaction(
            self.origin,
            first,
            self.clock.now(),
            first,
            author,
            reason,
            schema_version,
            tuple(changes),
        )

    def append(self, tx: Transaction) -> int:
        return self.log.append(tx)

    def abort(self, tx: Transaction) -> None:
        self.log.append(Abort(tx.first_seq))

    async def sync(self, position: int) -> None:
        await self.log.sync(position)

    async def recover(self, conn: Connection, catalog: Catalog) -> int:
        """Apply the log's frames after the stored watermark, each in one Kuzu write
        transaction on `conn` with its watermark; returns how many."""
        found = await conn.run(
            f"MATCH (w:{APPLIED_TABLE}) WHERE w.origin = CAST($o AS STRING) RETURN w.seq",
            {"o": self.origin},
        )
        watermark = found.rows[0][0] if found.rows else 0
        if watermark > self.log.last_seq:
            raise StateAheadOfLog(
                f"the database has applied events up to {watermark} but the event log ends "
                f"at {self.log.last_seq}"
            )
        applied = 0
        for tx in self.log.transactions(after_seq=watermark):
            await conn.run("BEGIN TRANSACTION")
            catalog = await apply_transaction(tx, conn.run, catalog)
            cypher, params = watermark_statement(self.origin, tx.last_seq)
            await conn.run(cypher, params)
            await conn.run("COMMIT")
            applied += 1
        return applied


async def _read_catalog(run: RunCypher) -> Catalog:
    found = await run(f"MATCH (c:{CATALOG_TABLE}) WHERE c.id = 0 RETURN c.doc", {})
    return Catalog.from_json(found.rows[0][0]) if found.rows else Catalog()


def _table(catalog: Catalog, oid: int) -> TableDef:
    for t in catalog.tables.values():
        if t.oid == oid:
            return t
    raise LookupError(f"event for table {oid}, which the catalog does not hold")


async def apply_transaction(tx: Transaction, run: RunCypher, catalog: Catalog) -> Catalog:
    """Apply a transaction's changes inside the caller's Kuzu write transaction; returns
    the catalog after it (DDL changes it). No constraint is checked again: the events
    were checked where they were made."""
    return await apply_changes(tx.changes, run, catalog)


async def apply_changes(changes: Sequence[Change], run: RunCypher, catalog: Catalog) -> Catalog:
    """Apply changes in order inside the caller's Kuzu write transaction (a frame's, or
    the part of an open transaction that a ROLLBACK TO SAVEPOINT keeps); returns the
    catalog after them."""
    i = 0
    while i < len(changes):
        change = changes[i]
        if isinstance(change, Statement):
            await run(change.cypher, dict(change.params))
            i += 1
            continue
        if isinstance(change, Ddl):
            for s in change.statements:
                await run(s.cypher, dict(s.params))
            catalog = await _read_catalog(run)
            i += 1
            continue
        # a run of row changes of one table and one operation is applied as one batch;
        # a key seen again ends the run (an update reads the row as the run started)
        j = i + 1
        keys = {change.key}  # type: ignore[union-attr]
        while (
            j < len(changes)
            and isinstance(changes[j], RowChange)
            and changes[j].table_id == change.table_id  # type: ignore[union-attr]
            and changes[j].op == change.op  # type: ignore[union-attr]
            and changes[j].key not in keys  # type: ignore[union-attr]
        ):
            keys.add(changes[j].key)  # type: ignore[union-attr]
            j += 1
        batch = [c for c in changes[i:j] if isinstance(c, RowChange)]
        await _apply_rows(batch, run, catalog)
        i = j
    return catalog


async def _apply_rows(batch: list[RowChange], run: RunCypher, catalog: Catalog) -> None:
    table = _table(catalog, batch[0].table_id)
    keys = [key_from_wire(table, c.key) for c in batch]
    given = iter(keys)

    async def rowids(_: TableDef, n: int) -> list[int]:
        return [next(given) for _ in range(n)]

    writer = TableWriter(catalog, table, run, WIRE, rowids=rowids)
    op = batch[0].op
    if op == Op.DELETE:
        await writer.delete(keys)
        return
    by_attnum = {c.attnum: i for i, c in enumerate(table.columns)}
    if op == Op.INSERT:
        rows = []
        for c in batch:
            row: list[Any] = [None] * len(table.columns)
            for attnum, value in c.values.items():
                pos = by_attnum[attnum]
                row[pos] = from_wire(table.columns[pos], value)
            rows.append(row)
        await writer.insert(rows)
        return
    current = await _current_rows(table, keys, run)
    updates = []
    for key, c in zip(keys, batch, strict=True):
        row = list(current[key])
        for attnum, value in c.values.items():
            pos = by_attnum[attnum]
            row[pos] = from_wire(table.columns[pos], value)
        updates.append((key, row))
    await writer.update(updates)


async def _current_rows(
    table: TableDef, keys: list[Any], run: RunCypher
) -> dict[Any, tuple[Any, ...]]:
    ret = "".join(f"n.{quote(c.name)} AS c{i}, " for i, c in enumerate(table.columns))
    result = await run(
        f"UNWIND CAST($keys AS {key_type(table)}[]) AS k MATCH (n:{quote(table.kuzu_name)}) "
        f"WHERE n.{quote(table.key)} = k RETURN {ret}n.{quote(table.key)} AS k",
        {"keys": keys},
    )
    rows = rows_from_kuzu(table, result.rows, WIRE)
    return {r[-1]: r[:-1] for r in rows}
