"""`kuzugres verify` and `kuzugres rebuild`: the log and the state agree, by construction
checked.

The state digest is a SHA-256 over what a PostgreSQL client can observe, in a fixed
order and encoding: the catalog document, every sequence's stored value, and every SQL
table's rows (each value in the event log's wire form, rows sorted by their encoding).
It does not depend on how values are stored in Kuzu or in which order rows were
written, so a node, its rebuild and (later) its peers give the same digest.

`rebuild` replays the whole log into a fresh data directory through the one apply
path (kuzugres.journal). `verify` rebuilds into a temporary directory and compares
the two digests; it also checks that the watermark equals the log's last event.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import msgpack

from kuzugres.catalogstore import CatalogStore
from kuzugres.engine import Engine, EngineConnection, KuzuResult
from kuzugres.eventcodec import WIRE, key_to_wire, to_wire
from kuzugres.journal import Journal
from kuzugres.sync.log import FileLog
from kuzugres.tables import rows_from_kuzu
from kuzugres.translator.catalog import APPLIED_TABLE, SEQUENCE_TABLE, Catalog
from kuzugres.translator.explain import scan_cypher
from kuzugres.translator.query import TableScan


def _node_id(data: Path) -> str:
    return str(json.loads((data / "node.json").read_text())["node_id"])


async def _digest(conn: EngineConnection, catalog: Catalog) -> str:
    h = hashlib.sha256()
    h.update(json.dumps(json.loads(catalog.to_json()), sort_keys=True).encode())
    seqs: KuzuResult = await conn.run(
        f"MATCH (s:{SEQUENCE_TABLE}) RETURN s.name, s.value, s.called"
    )
    h.update(msgpack.packb(sorted(tuple(r) for r in seqs.rows)))
    for table in sorted(catalog.tables.values(), key=lambda t: t.oid):
        result: KuzuResult = await conn.run(scan_cypher(TableScan(table, table.name)))
        rows = rows_from_kuzu(table, result.rows, WIRE)
        encoded = sorted(
            msgpack.packb(
                [key_to_wire(table, r[-1])]
                + [to_wire(c, v) for c, v in zip(table.columns, r, strict=False)]
            )
            for r in rows
        )
        h.update(msgpack.packb([table.oid, len(encoded)]))
        for e in encoded:
            h.update(e)
    return h.hexdigest()


async def _state(data: Path) -> tuple[str, int]:
    """(digest, watermark) of a stopped node's data directory."""
    engine = Engine(data, pool_size=1)
    try:
        store = CatalogStore(engine)
        await store.load()
        conn = await engine.acquire()
        try:
            found: KuzuResult = await conn.run(
                f"MATCH (w:{APPLIED_TABLE}) WHERE w.origin = $o RETURN w.seq",
                {"o": _node_id(data)},
            )
            watermark = found.rows[0][0] if found.rows else 0
            return await _digest(conn, store.catalog), watermark
        finally:
            engine.release(conn)
    finally:
        engine.close()


async def rebuild(data: Path, into: Path) -> tuple[str, int]:
    """Replay `data`'s event log into the fresh directory `into`; (digest, events)."""
    if not (data / "events").is_dir() or not (data / "node.json").is_file():
        raise FileNotFoundError(f"{data} holds no kuzugres node with an event log")
    into.mkdir(parents=True, exist_ok=False)
    try:
        return await _rebuild(data, into)
    except BaseException:
        shutil.rmtree(into, ignore_errors=True)
        raise


async def _rebuild(data: Path, into: Path) -> tuple[str, int]:
    shutil.copy(data / "node.json", into / "node.json")
    log = FileLog(data / "events")
    engine = Engine(into, pool_size=2)
    try:
        store = CatalogStore(engine)
        await store.load()
        journal = Journal(log, _node_id(data))
        conn = await engine.acquire()
        try:
            await journal.recover(conn, store.catalog)
            await store.load()
            digest = await _digest(conn, store.catalog)
        finally:
            engine.release(conn)
    finally:
        engine.close()
        log.close()
    shutil.copytree(data / "events", into / "events")
    return digest, log.last_seq


def cmd_verify(data: Path) -> int:
    if not (data / "events").is_dir() or not (data / "node.json").is_file():
        raise FileNotFoundError(f"{data} holds no kuzugres node with an event log")
    digest, watermark = asyncio.run(_state(data))
    log = FileLog(data / "events")
    last = log.last_seq
    log.close()
    with tempfile.TemporaryDirectory() as tmp:
        rebuilt, _ = asyncio.run(rebuild(data, Path(tmp) / "rebuilt"))
    ok = True
    if watermark != last:
        print(f"watermark {watermark} != last event {last} in the log", file=sys.stderr)
        ok = False
    if rebuilt != digest:
        print(f"the state differs from the log replayed: {rebuilt}", file=sys.stderr)
        ok = False
    print(f"events: {last}")
    print(f"digest: {digest}")
    return 0 if ok else 1


def cmd_rebuild(data: Path, into: Path) -> int:
    digest, events = asyncio.run(rebuild(data, into))
    print(f"events: {events}")
    print(f"digest: {digest}")
    return 0
