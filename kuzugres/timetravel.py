"""Time travel (`SET kuzugres.as_of`): the database as it was at a past moment.

The event log holds every committed transaction with its HLC timestamp, in commit
order. The state as of a moment T is the replay of the transactions with
`hlc <= from_datetime(T)` into an empty database, through the one apply path
(`kuzugres.journal.apply_transaction`), exactly as `kuzugres rebuild` replays the whole
log. A `Snapshot` is such a replay, materialized in its own data directory
`DATA/asof/<last seq>/` and opened as a separate Kuzu engine with its own catalog
(read from the snapshot's `_kuzugres_catalog`).

Snapshots are keyed by the seq of the last transaction they hold, not by T: every T
between the same two commits maps to one snapshot. `SnapshotCache` builds each one once
(concurrent sessions asking for it share the build), keeps the most recently used ones
up to a bound, closes and removes the others once no session uses them, and removes the
whole `DATA/asof` directory at node start and stop (docs/decisions/0018-time-travel.md).
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import itertools
import shutil
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kuzugres.catalogstore import CatalogStore
from kuzugres.engine import Engine, KuzuResult
from kuzugres.errcodes import ConfigurationLimitExceeded
from kuzugres.journal import apply_transaction
from kuzugres.proxy.types import TIMESTAMPTZ, FormatContext, decode_text
from kuzugres.sync.events import Ddl, Transaction
from kuzugres.sync.hlc import from_datetime
from kuzugres.sync.log import EventLog
from kuzugres.translator.catalog import APPLIED_TABLE, Catalog

#: How many unused snapshots stay open for reuse.
DEFAULT_CAPACITY = 4
#: Snapshots open at once, in use or not (see `_make_room`).
MAX_OPEN = 10
#: Logged transactions replayed per Kuzu transaction while a snapshot is built.
REPLAY_BATCH = 500
#: Kuzu connections per snapshot engine (reads only; sessions share them).
SNAPSHOT_POOL = 4


@dataclass(eq=False)
class Snapshot:
    """The database replayed up to (and including) event `seq`."""

    seq: int
    path: Path
    engine: Engine
    store: CatalogStore
    users: int = 0


class SnapshotCache:
    """The node's time-travel snapshots: resolved from moments, built once, reused."""

    def __init__(
        self,
        data: Path,
        log: EventLog,
        origin: str,
        live: Engine,
        capacity: int = DEFAULT_CAPACITY,
    ) -> None:
        self.directory = data / "asof"
        self.log = log
        self.origin = origin
        self.live = live
        self.capacity = capacity
        self._snapshots: OrderedDict[int, Snapshot] = OrderedDict()  # LRU order
        self._building: dict[int, asyncio.Future[Snapshot]] = {}
        # The log's committed transactions as (hlc, last seq), in commit order (HLC
        # timestamps of one node strictly increase), read incrementally.
        self._hlcs: list[int] = []
        self._seqs: list[int] = []
        self._indexed = 0
        self._indexing = asyncio.Lock()

    # ------------------------------------------------------------------ lifecycle
    def clear(self) -> None:
        """Close every snapshot and remove `DATA/asof` (node start and stop)."""
        for snap in self._snapshots.values():
            snap.engine.close()
        self._snapshots.clear()
        shutil.rmtree(self.directory, ignore_errors=True)

    # ------------------------------------------------------------------ resolving
    async def _watermark(self) -> int:
        """The last seq committed in the live state (frames after it may still abort)."""
        conn = await self.live.acquire()
        try:
            found: KuzuResult = await conn.run(
                f"MATCH (w:{APPLIED_TABLE}) WHERE w.origin = $o RETURN w.seq",
                {"o": self.origin},
            )
        finally:
            self.live.release(conn)
        return int(found.rows[0][0]) if found.rows else 0

    async def resolve(self, moment: dt.datetime) -> int:
        """The seq of the last transaction committed at or before `moment` (0: none).

        A moment after the last commit gives the latest committed state now.
        """
        watermark = await self._watermark()
        async with self._indexing:
            if watermark > self._indexed:
                # reading and decoding log segments runs off the event loop
                new = await asyncio.to_thread(self._read_index, self._indexed, watermark)
                for hlc, last_seq in new:
                    self._hlcs.append(hlc)
                    self._seqs.append(last_seq)
                    self._indexed = last_seq
        at = bisect.bisect_right(self._hlcs, from_datetime(moment))
        return self._seqs[at - 1] if at else 0

    def _read_index(self, after: int, upto: int) -> list[tuple[int, int]]:
        out = []
        for tx in self.log.transactions(after_seq=after):
            if tx.last_seq > upto:
                break
            out.append((tx.hlc, tx.last_seq))
        return out

    # ------------------------------------------------------------------ snapshots
    async def acquire(self, moment: dt.datetime) -> Snapshot:
        """The snapshot of the state as of `moment`, marked in use until `release`."""
        seq = await self.resolve(moment)
        while (snap := self._snapshots.get(seq)) is None:
            # (a loop: a snapshot finished for other waiters may be evicted before this
            # one resumes, when every other snapshot is in use)
            building = self._building.get(seq)
            if building is None:
                self._make_room()
                building = asyncio.ensure_future(self._build(seq))
                self._building[seq] = building
                building.add_done_callback(lambda _: self._building.pop(seq, None))
            await asyncio.shield(building)
        self._snapshots.move_to_end(seq)
        snap.users += 1
        self._trim()
        return snap

    def release(self, snap: Snapshot) -> None:
        """A session stopped using `snap`."""
        snap.users -= 1
        self._trim()

    def _make_room(self) -> None:
        """Before a build: stay under MAX_OPEN Kuzu databases (each reserves 8 TB of
        address space: a process holds 15 at most, the live one included)."""
        self._trim(limit=MAX_OPEN - 1 - len(self._building))
        if len(self._snapshots) + len(self._building) >= MAX_OPEN:
            raise ConfigurationLimitExceeded(
                f"too many time-travel snapshots are in use ({MAX_OPEN})",
                hint="Sessions reading the same moment share one; RESET kuzugres.as_of "
                "in sessions that no longer need theirs.",
            )

    def _trim(self, limit: int | None = None) -> None:
        """Close the least recently used unused snapshots beyond the capacity (or
        `limit`)."""
        excess = len(self._snapshots) - (self.capacity if limit is None else limit)
        for seq, snap in list(self._snapshots.items()):
            if excess <= 0:
                break
            if snap.users > 0:
                continue
            del self._snapshots[seq]
            snap.engine.close()
            shutil.rmtree(snap.path, ignore_errors=True)
            excess -= 1

    async def _build(self, seq: int) -> Snapshot:
        path = self.directory / str(seq)
        shutil.rmtree(path, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = Engine(path, pool_size=SNAPSHOT_POOL)
        try:
            store = CatalogStore(engine)
            await store.load()
            conn = await engine.acquire()
            try:

                async def run(cypher: str, params: dict[str, Any]) -> Any:
                    return await conn.run(cypher, params)

                # Consecutive transactions without DDL are applied together, in one
                # Kuzu transaction, so runs of row changes of one table batch across
                # them (a Kuzu statement costs about a millisecond).
                catalog = store.catalog
                pending: list[Transaction] = []

                async def flush(catalog: Catalog) -> Catalog:
                    await conn.run("BEGIN TRANSACTION")
                    # one transaction of their changes: apply_transaction batches runs
                    # of row changes across them (a row changed twice ends a run)
                    changes = tuple(c for t in pending for c in t.changes)
                    catalog = await apply_transaction(
                        replace(pending[-1], changes=changes), run, catalog
                    )
                    await conn.run("COMMIT")
                    pending.clear()
                    return catalog

                log = iter(self.log.transactions())

                def chunk() -> list[Transaction]:
                    return list(itertools.islice(log, REPLAY_BATCH))

                # reading and decoding log segments runs off the event loop
                while seq and (txs := await asyncio.to_thread(chunk)):
                    for tx in txs:
                        if tx.last_seq > seq:
                            break
                        ddl = any(isinstance(c, Ddl) for c in tx.changes)
                        if pending and (ddl or len(pending) >= REPLAY_BATCH):
                            catalog = await flush(catalog)
                        pending.append(tx)
                        if ddl:
                            catalog = await flush(catalog)
                    if txs[-1].last_seq > seq:
                        break
                if pending:
                    catalog = await flush(catalog)
            finally:
                engine.release(conn)
            await store.load()
        except BaseException:
            engine.close()
            shutil.rmtree(path, ignore_errors=True)
            raise
        snap = Snapshot(seq, path, engine, store)
        self._snapshots[seq] = snap
        return snap


def parse_as_of(value: str, timezone: str = "UTC") -> dt.datetime:
    """A `kuzugres.as_of` value as an instant: timestamptz input (22007/22008 errors);
    a value without a zone is in `timezone`."""
    moment: dt.datetime = decode_text(TIMESTAMPTZ, value.encode(), FormatContext(timezone=timezone))
    return moment


def format_as_of(moment: dt.datetime) -> str:
    """The shown (normalized, UTC) form of an as_of instant."""
    text = moment.astimezone(dt.UTC).isoformat(sep=" ")
    return text[:-6] + "+00" if text.endswith("+00:00") else text
