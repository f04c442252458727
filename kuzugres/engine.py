"""The one place that talks to Kuzu: the Database, a bounded connection pool, the
single-writer lock, timeouts and cancel.

Kuzu allows one write transaction at a time and fails a second writer at once
(after which the connection may be unusable), so writers queue here on a fair
asyncio lock. Every Kuzu call runs in a worker thread; Kuzu releases the GIL.
Keeping all of Kuzu behind this module lets a maintained fork replace it in one place.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import gc
import os
import queue
import re
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import kuzu
import pyarrow as pa

from kuzugres.errcodes import (
    InternalError,
    LockNotAvailable,
    QueryCanceled,
    TooManyConnections,
)
from kuzugres.errors import PgError, make_error

T = TypeVar("T")


class DataDirError(Exception):
    """The data directory cannot be used (one clear line for the CLI)."""


@dataclass(frozen=True)
class KuzuResult:
    """A finished Kuzu query: column names, Kuzu type names and all rows."""

    names: list[str]
    types: list[str]
    rows: list[list[Any]]


# Cypher clauses that write. A query is a write if any appears as a keyword outside
# string literals and comments; when unsure we treat it as a write (it only queues).
_WRITE_WORDS = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|ALTER|COPY|IMPORT|INSTALL|LOAD|"
    r"ATTACH|DETACH|CALL|BEGIN|COMMIT|ROLLBACK|CHECKPOINT|EXPORT)\b",
    re.IGNORECASE,
)
_STRIP = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def cypher_is_write(cypher: str) -> bool:
    """Whether a Cypher statement may write (decides if it needs the writer lock)."""
    code = _STRIP.sub(" ", cypher)
    for m in _WRITE_WORDS.finditer(code):
        word = m.group(1).upper()
        if word == "CALL":
            # CALL of read-only table functions (show_tables, table_info, ...) is a read.
            rest = code[m.end() :].lstrip()
            if re.match(
                r"(show_|table_info|current_setting|db_version|show_connection|"
                r"show_functions|show_indexes|show_sequences|show_warnings)",
                rest,
                re.IGNORECASE,
            ):
                continue
        return True
    return False


# Statements that are not planned queries: DDL, transaction control, COPY, extensions.
_NOT_PREPARABLE = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|CHECKPOINT|CREATE\s+(NODE|REL|MACRO|SEQUENCE|TYPE|GRAPH)|"
    r"DROP|ALTER|COPY|IMPORT|EXPORT|INSTALL|LOAD|ATTACH|DETACH\s+\w|USE|CALL)\b",
    re.IGNORECASE,
)


def split_cypher_statements(cypher: str) -> int:
    """How many statements a Cypher text holds (semicolons outside literals)."""
    code = _STRIP.sub(" ", cypher)
    return len([p for p in code.split(";") if p.strip()])


# Kuzu's error texts -> PostgreSQL's SQLSTATEs, most specific first.
_KUZU_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), code)
    for pattern, code in (
        (r"duplicated primary key", "23505"),
        (r"already exists in catalog", "42P07"),
        (r"^Binder exception: Table \S+ does not exist", "42P01"),
        (r"Cannot find property|is not in scope", "42703"),
        (r"function \S+ does not exist", "42883"),
        (r"Divide by zero", "22012"),
        (r"^Conversion exception", "22P02"),
        (r"^Overflow exception", "22003"),
        (r"^Parser exception", "42601"),
        (r"not supported", "0A000"),
        (r"^(Binder|Catalog) exception", "42000"),
        (r"^(Runtime|Copy) exception", "22000"),
    )
)


def _map_kuzu_error(exc: Exception) -> PgError:
    """A Kuzu exception as the PgError PostgreSQL would raise for the same mistake."""
    msg = str(exc)
    for pattern, code in _KUZU_ERRORS:
        if pattern.search(msg):
            return make_error(code, msg)
    return InternalError(msg)


class EngineConnection:
    """One pooled Kuzu connection, borrowed by a session for a statement or a transaction."""

    def __init__(self, engine: Engine, conn: kuzu.Connection) -> None:
        self.engine = engine
        self.conn = conn
        # Kuzu plans a statement on every execute(text); prepared statements skip that.
        # Keyed by the engine's schema epoch so DDL never leaves a stale plan behind.
        self._plans: OrderedDict[tuple[int, str], Any] = OrderedDict()
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="kuzu-conn", daemon=True)
        self._thread.start()
        self._running = False
        self._cancel_reason: str | None = None
        self._lock = threading.Lock()

    def _execute_sync(
        self, cypher: str, params: dict[str, Any], timeout_ms: int, fetch: Callable[[Any], T]
    ) -> T:
        with self._lock:
            self._running = True
            self._cancel_reason = None
        try:
            if timeout_ms:
                self.conn.set_query_timeout(timeout_ms)
            result = self.conn.execute(self._prepared(cypher), params)
            if isinstance(result, list):  # several statements: keep the last result
                result = result[-1]
            return fetch(result)
        except PgError:
            raise
        except RuntimeError as exc:
            if str(exc).startswith("Interrupted"):
                if self._cancel_reason == "user":
                    raise QueryCanceled("canceling statement due to user request") from None
                raise QueryCanceled("canceling statement due to statement timeout") from None
            raise _map_kuzu_error(exc) from None
        except Exception as exc:  # noqa: BLE001  (Kuzu raises several kinds)
            raise _map_kuzu_error(exc) from None
        finally:
            with self._lock:
                self._running = False
            if timeout_ms:
                with contextlib.suppress(Exception):
                    self.conn.set_query_timeout(0)

    def _prepared(self, cypher: str) -> Any:
        """A cached Kuzu prepared statement for reads, else the text itself.

        Writes are not prepared: Kuzu 0.11.3 reports a false "write-write conflict" when
        a prepared write statement runs again after a transaction that used it rolled
        back (reproduced in tests/test_engine.py).
        """
        if cypher_is_write(cypher):
            if _NOT_PREPARABLE.search(cypher):
                self.engine.schema_epoch += 1  # DDL changes the world
                self._plans.clear()
            return cypher
        if _NOT_PREPARABLE.search(cypher):
            self.engine.schema_epoch += 1  # DDL and transaction control change the world
            self._plans.clear()
            return cypher
        key = (self.engine.schema_epoch, cypher)
        ps = self._plans.get(key)
        if ps is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ps = self.conn.prepare(cypher)
            if not ps.is_success():
                return cypher  # let execute() raise Kuzu's error for it
            self._plans[key] = ps
            if len(self._plans) > 256:
                self._plans.popitem(last=False)
        else:
            self._plans.move_to_end(key)
        return ps

    async def run(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout_ms: int = 0,
        fetch: Callable[[Any], T] | None = None,
    ) -> T:
        """Run one Cypher statement in a worker thread; `fetch` turns the result into T.

        Cancelling the awaiting task interrupts the query and waits for Kuzu to stop,
        so the connection is never used by two threads at once.
        """
        fetch_fn: Callable[[Any], Any] = fetch if fetch is not None else fetch_all
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()
        cancelled = threading.Event()  # set before the job starts: it never runs
        self._jobs.put((loop, fut, cypher, params or {}, timeout_ms, fetch_fn, cancelled))
        try:
            return await asyncio.shield(fut)  # type: ignore[no-any-return]
        except asyncio.CancelledError:
            cancelled.set()
            # Interrupt until Kuzu stops: an interrupt that lands just before Kuzu starts
            # executing can be lost, so it is repeated while the job runs.
            while not fut.done():
                self.interrupt("user")
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(asyncio.shield(fut), 0.2)
            raise

    def _work(self) -> None:
        """The connection's own worker thread: Kuzu calls never run on the event loop.

        A dedicated thread per pooled connection (rather than a shared executor) costs
        the same number of threads and halves the hand-off latency (measured: ~35 µs vs
        ~100 µs per round trip on this hardware).
        """
        while True:
            job = self._jobs.get()
            if job is None:
                return
            loop, fut, cypher, params, timeout_ms, fetch, cancelled = job
            try:
                if cancelled.is_set():
                    raise QueryCanceled("canceling statement due to user request")
                value = self._execute_sync(cypher, params, timeout_ms, fetch)
            except BaseException as exc:  # noqa: BLE001  (handed to the awaiting task)
                loop.call_soon_threadsafe(_settle, fut, None, exc)
            else:
                loop.call_soon_threadsafe(_settle, fut, value, None)

    def stop(self) -> None:
        """End the worker thread (after the running job) and close the Kuzu connection."""
        self._jobs.put(None)
        self._thread.join()
        with contextlib.suppress(Exception):
            self.conn.close()

    def interrupt(self, reason: str = "user") -> None:
        """Interrupt the running query (cancel request or timeout)."""
        with self._lock:
            if self._running:
                self._cancel_reason = reason
                self.conn.interrupt()


def _settle(fut: asyncio.Future[Any], value: Any, exc: BaseException | None) -> None:
    if fut.done():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(value)


def fetch_all(result: Any) -> KuzuResult:
    """Read a whole Kuzu QueryResult (runs in the worker thread).

    Large results of plain types come through Arrow, column by column (decision 0013:
    several times less per row than `get_next`); the values are the same Python objects
    `get_next` returns. Anything else is read row by row. The cyclic garbage collector
    pauses meanwhile: the rows are new containers without cycles, and collections
    triggered by allocating them cost more than building them.
    """
    names = list(result.get_column_names())
    types = list(result.get_column_data_types())
    with _gc_paused():
        if (
            types
            and result.get_num_tuples() >= ARROW_MIN_ROWS
            and all(_arrow_type(t) for t in types)
        ):
            table = result.get_as_arrow(chunk_size=0)
            columns = [_column_values(table.column(i), t) for i, t in enumerate(types)]
            return KuzuResult(names, types, [list(r) for r in zip(*columns, strict=True)])
        rows = []
        while result.has_next():
            rows.append(result.get_next())
        return KuzuResult(names, types, rows)


_gc_lock = threading.Lock()
_gc_pausers = 0


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while any worker thread is reading a result (a GC disabled
    by someone else stays disabled)."""
    global _gc_pausers
    with _gc_lock:
        pause = _gc_pausers > 0 or gc.isenabled()
        if pause:
            _gc_pausers += 1
            gc.disable()
    try:
        yield
    finally:
        if pause:
            with _gc_lock:
                _gc_pausers -= 1
                if _gc_pausers == 0:
                    gc.enable()


#: Below this many rows `get_next` is as fast as Arrow's fixed cost.
ARROW_MIN_ROWS = 64

#: Kuzu types whose Arrow values `to_pylist` turns into exactly what `get_next` returns
#: (DATE is converted from its day number; UUID, INT128, DECIMAL, intervals, nodes,
#: rels, structs and maps are read row by row).
_ARROW_SCALARS = frozenset(
    {
        "BOOL",
        "INT8",
        "INT16",
        "INT32",
        "INT64",
        "UINT8",
        "UINT16",
        "UINT32",
        "UINT64",
        "FLOAT",
        "DOUBLE",
        "STRING",
        "DATE",
        "TIMESTAMP",
    }
)


def _arrow_type(kuzu_type: str) -> bool:
    if kuzu_type.endswith("[]"):  # lists of plain values (traversal paths)
        inner = kuzu_type[:-2]
        return inner in _ARROW_SCALARS and inner != "DATE"
    return kuzu_type in _ARROW_SCALARS


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _column_values(column: pa.ChunkedArray, kuzu_type: str) -> list[Any]:
    if kuzu_type == "DATE":  # to_pylist builds dates ~20x slower than fromordinal
        days = column.cast(pa.int32()).to_pylist()
        ordinal = date.fromordinal
        base = _EPOCH_ORDINAL
        return [None if d is None else ordinal(base + d) for d in days]
    return column.to_pylist()  # type: ignore[no-any-return]


#: Seconds without a committed write after which the node checkpoints Kuzu.
IDLE_CHECKPOINT_S = 2.0


class Engine:
    """The node's Kuzu database: pool, writer lock and worker threads."""

    def __init__(self, data_dir: Path, *, pool_size: int = 16) -> None:
        self.data_dir = data_dir
        self.pool_size = pool_size
        self._lock_file = _lock_data_dir(data_dir)
        try:
            self.db = kuzu.Database(str(data_dir / "kuzu"))
        except Exception as exc:
            self._lock_file.close()
            raise DataDirError(f"cannot open Kuzu database in {data_dir}: {exc}") from None
        self._idle: list[EngineConnection] = []
        self._available = asyncio.Semaphore(pool_size)
        self.writer = asyncio.Lock()  # FIFO-fair: waiters are served in arrival order
        self.schema_epoch = 0  # bumped by DDL; keys the prepared-statement caches
        self.closed = False
        self._last_write = 0.0
        self._checkpointer: asyncio.Task[None] | None = None

    async def acquire(self, timeout: float | None = None) -> EngineConnection:
        """Borrow a pooled connection (waits while all are busy)."""
        if timeout is None:
            await self._available.acquire()
        else:
            try:
                async with asyncio.timeout(timeout):
                    await self._available.acquire()
            except TimeoutError:
                raise TooManyConnections("no Kuzu connection available") from None
        if self._idle:
            return self._idle.pop()
        return EngineConnection(self, kuzu.Connection(self.db))

    def release(self, conn: EngineConnection) -> None:
        """Return a connection to the pool."""
        self._idle.append(conn)
        self._available.release()

    async def lock_writer(self, lock_timeout_ms: int) -> None:
        """Take the single-writer lock, waiting in line; lock_timeout gives 55P03."""
        if lock_timeout_ms <= 0:
            await self.writer.acquire()
            return
        try:
            async with asyncio.timeout(lock_timeout_ms / 1000):
                await self.writer.acquire()
        except TimeoutError:
            raise LockNotAvailable("canceling statement due to lock timeout") from None

    def unlock_writer(self) -> None:
        self.writer.release()

    def wrote(self) -> None:
        """A write transaction committed: checkpoint once writes pause.

        Kuzu 0.11.3 keeps updated values as versions beside the table until a checkpoint,
        and reads of them pay for it: after 1M updates of 10k rows, lookups and scans of
        that table were 2.8x-6.2x slower than of a fresh one until a checkpoint, and equal
        after it (benchmarks/history_bench.py). Kuzu's own checkpoint comes only when its
        WAL reaches a size, so the node checkpoints when no write has come for
        IDLE_CHECKPOINT_S seconds.
        """
        self._last_write = time.monotonic()
        if self._checkpointer is None or self._checkpointer.done():
            self._checkpointer = asyncio.get_running_loop().create_task(self._checkpoint_idle())

    async def _checkpoint_idle(self) -> None:
        while not self.closed:
            await asyncio.sleep(IDLE_CHECKPOINT_S)
            if time.monotonic() - self._last_write < IDLE_CHECKPOINT_S or self.writer.locked():
                continue  # writes go on: wait for the pause
            await self.writer.acquire()  # no write transaction runs during the checkpoint
            try:
                if self.closed:
                    return
                conn = await self.acquire()
                try:
                    with contextlib.suppress(PgError):
                        await conn.run("CHECKPOINT")
                finally:
                    self.release(conn)
            finally:
                self.writer.release()
            if time.monotonic() - self._last_write >= IDLE_CHECKPOINT_S:
                return

    async def stop_checkpoints(self) -> None:
        """End the idle checkpointer (before `close`, on the event loop)."""
        task, self._checkpointer = self._checkpointer, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def close(self) -> None:
        """Close Kuzu cleanly (checkpoint) and release the data directory."""
        if self.closed:
            return
        self.closed = True
        for c in self._idle:
            c.stop()
        self._idle.clear()
        with contextlib.suppress(Exception):
            self.db.close()
        self._lock_file.close()


def _lock_data_dir(data_dir: Path) -> Any:
    """Create/check the data dir and hold an exclusive lock on it while the node runs."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(f"data directory {data_dir} is not usable: {exc.strerror}") from None
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise DataDirError(f"data directory {data_dir} is not writable")
    try:
        f = open(data_dir / "node.lock", "a+")  # noqa: SIM115  (held for the node's life)
    except OSError as exc:
        raise DataDirError(f"data directory {data_dir} is not usable: {exc.strerror}") from None
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.seek(0)
        holder = f.read().strip()
        f.close()
        who = f" (pid {holder})" if holder else ""
        raise DataDirError(
            f"data directory {data_dir} is in use by another running kuzugres node{who}"
        ) from None
    f.seek(0)
    f.truncate()
    f.write(str(os.getpid()))
    f.flush()
    return f
