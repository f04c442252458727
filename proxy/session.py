"""One client session after startup: the simple and extended query protocols.

The session turns frontend messages into backend messages. It knows statements,
portals, formats and the protocol's states (after an error in the extended
protocol everything is discarded until Sync, by construction); what a statement
means is the executor's business. Output is buffered in `out`; the server writes
it. Every PgError becomes an ErrorResponse here and nowhere else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kuzugres.errcodes import (
    DuplicateCursor,
    DuplicatePreparedStatement,
    InternalError,
    InvalidCursorName,
    InvalidSqlStatementName,
    PgSyntaxError,
    ProtocolViolation,
    QueryCanceled,
)
from kuzugres.errors import PgError
from kuzugres.proxy import messages as m
from kuzugres.proxy.types import (
    DOMAIN_BASE,
    RECORD,
    FormatContext,
    decode_binary,
    decode_text,
    encode_binary,
    encode_text,
    type_by_oid,
)

UNKNOWN_OID = 705
#: The most executions of one INSERT held back to run as one (`Session._hold`).
_BATCH_ROWS = 5000


class Executor(Protocol):
    """What the session needs from the SQL side (kuzugres.executor.SessionExecutor)."""

    notices: list[PgError]

    @property
    def tx_status(self) -> str: ...

    def prepare(self, sql: str, param_types: Sequence[int] = ()) -> list[Any]: ...

    async def execute(self, stmt: Any, params: Sequence[Any]) -> Any: ...

    async def on_error(self) -> None: ...

    def begin_implicit(self, *, pipeline: bool = False) -> None: ...

    async def end_implicit(self) -> None: ...

    async def finish_copy_in(self, req: Any) -> Any: ...

    def format_context(self) -> FormatContext: ...

    def statement_timeout_ms(self) -> int: ...

    def needs_task(self, stmt: Any) -> bool: ...

    def describe_first(self, stmt: Any) -> bool: ...

    def cursor_columns(self, name: str) -> Sequence[Any] | None: ...

    def batchable(self, stmt: Any) -> bool: ...

    def mark(self) -> Any: ...

    async def undo_batch(self, mark: Any) -> None: ...

    async def execute_batch(self, stmt: Any, params: Sequence[Sequence[Any]]) -> None: ...

    async def close(self) -> None: ...

    @property
    def settings(self) -> Any: ...


@dataclass
class PreparedStatement:
    """A parsed statement (named or unnamed) with its parameter and result types."""

    name: str
    stmt: Any  # translator Statement
    param_types: tuple[int, ...]


@dataclass
class Portal:
    """A bound statement, possibly half-read (Execute with a row limit)."""

    name: str
    prepared: PreparedStatement
    params: list[Any]
    result_formats: tuple[int, ...]
    rows: list[bytes] | None = None  # encoded DataRows once executed
    pos: int = 0
    tag: str = ""
    empty: bool = False


@dataclass
class _Batch:
    """Executions of one INSERT held back to run as one (`Session._flush_batch`): each
    with its portal and the index in `out` where its CommandComplete goes."""

    stmt: Any
    items: list[tuple[Portal, int]] = field(default_factory=list)


@dataclass
class CopyInState:
    """Between CopyInResponse and CopyDone/CopyFail."""

    request: Any
    remaining: list[Any] = field(default_factory=list)  # statements left in a simple Query
    simple: bool = True
    implicit: bool = False  # the simple Query runs in an implicit transaction


def _formats(codes: Sequence[int], n: int, what: str) -> list[int]:
    if len(codes) == 0:
        return [0] * n
    if len(codes) == 1:
        return [codes[0]] * n
    if len(codes) != n:
        raise ProtocolViolation(f"bind message has {len(codes)} {what} formats but {n} {what}s")
    return list(codes)


class Session:
    """The protocol state machine of one connection."""

    def __init__(self, executor: Executor) -> None:
        self.ex = executor
        self.out: list[bytes] = []
        self.prepared: dict[str, PreparedStatement] = {}
        self.portals: dict[str, Portal] = {}
        self.ignore_till_sync = False
        self.copy_in: CopyInState | None = None
        self.closed = False
        self._task: asyncio.Task[Any] | None = None
        self._cancel_requested = False
        self._descriptions: dict[tuple[Any, ...], m.RowDescription] = {}
        self._batch: _Batch | None = None

    # ------------------------------------------------------------------ output
    def send(self, msg: m.BackendMessage) -> None:
        self.out.append(msg.encode())

    def take_output(self) -> bytes:
        assert self._batch is None, "flush the batch first (drain_output)"
        data = b"".join(self.out)
        self.out.clear()
        return data

    @property
    def holding(self) -> bool:
        """Whether executions are held back (their output is not complete yet)."""
        return self._batch is not None

    async def drain_output(self) -> bytes:
        """The output so far, after running the executions held back in a batch."""
        await self._flush_batch()
        return self.take_output()

    def send_error(self, err: PgError) -> None:
        self.send(m.ErrorResponse(err.fields()))

    def _flush_notices(self) -> None:
        """Notices go out as they happen: before the statement's CommandComplete."""
        for notice in self.ex.notices:
            self.send(m.NoticeResponse(notice.fields()))
        self.ex.notices.clear()

    def _after_statement(self) -> None:
        self._flush_notices()

    def ready(self) -> None:
        """ReadyForQuery, preceded (as in PostgreSQL) by ParameterStatus for changed settings."""
        self._flush_notices()
        for name, value in self.ex.settings.changed_reports():
            self.send(m.ParameterStatus(name, value))
        self.send(m.ReadyForQuery(self.ex.tx_status))

    # ------------------------------------------------------------------ cancel
    def cancel(self) -> None:
        """A CancelRequest for this session: interrupt the running statement, if any."""
        if self._task is not None and not self._task.done():
            self._cancel_requested = True
            self._task.cancel()

    async def _run(self, stmt: Any, params: Sequence[Any]) -> Any:
        """Execute in a child task so cancel and statement_timeout can interrupt it."""
        if not self.ex.needs_task(stmt):
            return await self.ex.execute(stmt, params)
        return await self._interruptible(self.ex.execute(stmt, params))

    async def _interruptible(self, work: Any, statements: int = 1) -> Any:
        """Run `work` (a coroutine) as a child task that cancel and statement_timeout
        interrupt (57014); `statements` executions get the timeout each."""
        self._cancel_requested = False
        self._task = asyncio.ensure_future(work)
        timeout_ms = self.ex.statement_timeout_ms() * statements
        try:
            if timeout_ms > 0:
                done, _ = await asyncio.wait({self._task}, timeout=timeout_ms / 1000)
                if not done:
                    self._task.cancel()
                    try:
                        await self._task
                    except asyncio.CancelledError:
                        raise QueryCanceled(
                            "canceling statement due to statement timeout"
                        ) from None
            return await self._task
        except asyncio.CancelledError:
            if self._cancel_requested:
                raise QueryCanceled("canceling statement due to user request") from None
            raise
        finally:
            self._task = None

    async def _fail(self, err: PgError) -> None:
        self._flush_notices()
        self.send_error(err)
        await self.ex.on_error()
        self._after_statement()

    # ------------------------------------------------------------------ dispatch
    async def handle(self, msg: m.FrontendMessage) -> None:
        """Process one frontend message; output accumulates in `out`."""
        if self._batch is not None and not isinstance(
            msg, m.Parse | m.Bind | m.Describe | m.Execute
        ):
            await self._flush_batch()
        if self.copy_in is not None:
            await self._handle_copy(msg)
            return
        if isinstance(msg, m.Query):
            await self._query(msg.sql)
            return
        if isinstance(msg, m.Terminate):
            self.closed = True
            return
        if isinstance(msg, m.Sync):
            await self._sync()
            return
        if isinstance(msg, m.CopyData | m.CopyDone | m.CopyFail):
            return  # stray copy messages outside COPY are ignored, as PostgreSQL does
        if self.ignore_till_sync:
            return
        try:
            if isinstance(msg, m.Parse):
                self._parse(msg)
            elif isinstance(msg, m.Bind):
                self._bind(msg)
            elif isinstance(msg, m.Describe):
                self._describe(msg)
            elif isinstance(msg, m.Execute):
                await self._execute(msg)
            elif isinstance(msg, m.Close):
                self._close(msg)
            elif isinstance(msg, m.Flush):
                pass
            elif isinstance(msg, m.FunctionCall):
                raise PgError(
                    "the fastpath function call protocol is not supported", sqlstate="0A000"
                )
            else:
                raise ProtocolViolation(
                    f"unexpected message {type(msg).__name__} during query processing"
                )
        except PgError as err:
            await self._fail_extended(err)
        except Exception as exc:  # noqa: BLE001  (never crash a session on a bug)
            await self._fail_extended(InternalError(f"internal error: {exc!r}"))

    async def _fail_extended(self, err: PgError) -> None:
        """An error in the extended protocol: the held-back executions run first (they
        came before it); if one of them fails, its error is the one reported."""
        if self._batch is not None:
            await self._flush_batch()
            if self.ignore_till_sync:
                return
        self.ignore_till_sync = True
        await self._fail(err)

    # ------------------------------------------------------------------ simple query
    async def _query(self, sql: str) -> None:
        try:
            stmts = self.ex.prepare(sql)
        except PgError as err:
            await self._fail(err)
            self.ready()
            return
        except Exception as exc:  # noqa: BLE001  (a translator bug must not end the session)
            await self._fail(InternalError(f"internal error: {exc!r}"))
            self.ready()
            return
        if not stmts:
            self.send(m.EmptyQueryResponse())
            self.ready()
            return
        await self._run_simple(list(stmts), implicit=len(stmts) > 1)

    async def _run_simple(self, stmts: list[Any], *, implicit: bool) -> None:
        """Run a simple Query's statements; several share one implicit transaction."""
        while stmts:
            stmt = stmts.pop(0)
            if implicit:
                self.ex.begin_implicit()
            try:
                described = (
                    stmt.columns is not None
                    and self.ex.tx_status != "E"
                    and self.ex.describe_first(stmt)
                )
                if described:
                    # PostgreSQL describes the portal before running it, so an error
                    # during execution comes after the RowDescription.
                    self.send(self._row_description(stmt.columns, [0] * len(stmt.columns)))
                outcome = await self._run(stmt, [])
                if self._emit(
                    outcome, stmt.columns, None, simple=True, remaining=stmts, described=described
                ):
                    assert self.copy_in is not None
                    self.copy_in.implicit = implicit
                    return  # COPY FROM STDIN: continue after CopyDone
            except PgError as err:
                await self._fail(err)
                break
            except Exception as exc:  # noqa: BLE001
                await self._fail(InternalError(f"internal error: {exc!r}"))
                break
            self._after_statement()
        await self._end_simple()

    async def _end_simple(self) -> None:
        """End of a simple Query: close its implicit transaction, then ReadyForQuery."""
        try:
            await self.ex.end_implicit()
        except PgError as err:
            await self._fail(err)
        self.ready()

    def _emit(
        self,
        outcome: Any,
        columns: Any,
        portal: Portal | None,
        *,
        simple: bool,
        remaining: list[Any] | None = None,
        max_rows: int = 0,
        described: bool = True,
    ) -> bool:
        """Send an outcome's messages; True when COPY FROM STDIN has started."""
        from kuzugres.executor import CopyInRequest, CopyOutResult

        self._flush_notices()

        if isinstance(outcome, CopyInRequest):
            n = len(outcome.columns)
            self.send(m.CopyInResponse(0, [0] * n))
            self.copy_in = CopyInState(outcome, remaining or [], simple)
            return True
        if isinstance(outcome, CopyOutResult):
            self.send(m.CopyOutResponse(0, [0] * outcome.ncolumns))
            for chunk in outcome.chunks:
                self.out.append(m.CopyData(chunk).encode())
            self.send(m.CopyDone())
            self.send(m.CommandComplete(outcome.tag))
            return False
        if outcome.tag == "" and outcome.columns is None:
            self.send(m.EmptyQueryResponse())
            return False
        if outcome.session_action is not None:
            self._session_action(*outcome.session_action)
        if outcome.columns is not None:
            formats = (
                _formats(portal.result_formats, len(outcome.columns), "result")
                if portal
                else [0] * len(outcome.columns)
            )
            if simple and not described:
                self.send(self._row_description(outcome.columns, formats))
            rows = self._encode_rows(outcome.columns, outcome.rows, formats)
            if portal is not None:
                portal.rows = rows
                portal.tag = outcome.tag
                self._drain_portal(portal, max_rows)
                return False
            self.out.extend(rows)
        self.send(m.CommandComplete(outcome.tag))
        return False

    def _encode_rows(
        self, columns: Sequence[Any], rows: Sequence[Sequence[Any]], formats: Sequence[int]
    ) -> list[bytes]:
        ctx = self.ex.format_context()
        encoders = []
        for col, fmt in zip(columns, formats, strict=True):
            oid = col.type_oid
            if fmt == 1:
                encoders.append(lambda v, oid=oid: encode_binary(oid, v))
            else:
                encoders.append(lambda v, oid=oid: encode_text(oid, v, ctx))
        out = []
        for row in rows:
            out.append(
                m.encode_data_row(
                    [None if v is None else enc(v) for enc, v in zip(encoders, row, strict=True)]
                )
            )
        return out

    def _row_description(self, columns: Sequence[Any], formats: Sequence[int]) -> m.RowDescription:
        key = (tuple(columns), tuple(formats))
        cached = self._descriptions.get(key)
        if cached is None:
            cached = self._describe_columns(columns, formats)
            if len(self._descriptions) > 256:
                self._descriptions.clear()
            self._descriptions[key] = cached
        return cached

    def _describe_columns(self, columns: Sequence[Any], formats: Sequence[int]) -> m.RowDescription:
        fields = []
        for col, fmt in zip(columns, formats, strict=True):
            # Like PostgreSQL, a domain column is described by its base type.
            type_oid = DOMAIN_BASE.get(col.type_oid, col.type_oid)
            try:
                size = type_by_oid(type_oid).typlen
            except PgError:
                size = -1
            fields.append(
                m.FieldDescription(
                    col.name,
                    type_oid,
                    size,
                    # a record's typmod only names its shape inside the server
                    -1 if col.type_oid == RECORD else getattr(col, "typmod", -1),
                    fmt,
                    getattr(col, "table_oid", 0),
                    getattr(col, "column", 0),
                )
            )
        return m.RowDescription(fields)

    def _session_action(self, action: str, name: str | None) -> None:
        """DEALLOCATE / DISCARD ALL: SQL and protocol prepared statements share a namespace."""
        if action == "deallocate":
            if name is None:
                self.prepared.clear()
                return
            if self.prepared.pop(name, None) is None:
                raise InvalidSqlStatementName(f'prepared statement "{name}" does not exist')

    # ------------------------------------------------------------------ COPY FROM STDIN
    async def _handle_copy(self, msg: m.FrontendMessage) -> None:
        state = self.copy_in
        assert state is not None
        req = state.request
        try:
            if isinstance(msg, m.CopyData):
                req.rows.extend(req.parser.feed(msg.data))
                return
            if isinstance(msg, m.Flush | m.Sync):
                return  # PostgreSQL ignores these during COPY IN
            if isinstance(msg, m.CopyFail):
                raise QueryCanceled(f"COPY from stdin failed: {msg.message}")
            if not isinstance(msg, m.CopyDone):
                raise ProtocolViolation(
                    f"unexpected message type 0x{type(msg).__name__} during COPY from stdin"
                )
            req.rows.extend(req.parser.finish())
            self.copy_in = None
            result = await self._run_copy(req)
            self.send(m.CommandComplete(result.tag))
            self._after_statement()
        except PgError as err:
            self.copy_in = None
            await self._fail(err)
            if not state.simple:
                self.ignore_till_sync = True
                return
            await self._end_simple()
            return
        if state.simple:
            await self._run_simple(state.remaining, implicit=state.implicit)

    async def _run_copy(self, req: Any) -> Any:
        return await self.ex.finish_copy_in(req)

    # ------------------------------------------------------------------ extended protocol
    def _parse(self, msg: m.Parse) -> None:
        if msg.name and msg.name in self.prepared:
            raise DuplicatePreparedStatement(f'prepared statement "{msg.name}" already exists')
        stmts = self.ex.prepare(msg.sql, msg.param_types)
        if len(stmts) > 1:
            raise PgSyntaxError("cannot insert multiple commands into a prepared statement")
        if not stmts:
            from kuzugres.translator.statements import empty_statement

            stmt = empty_statement()
        else:
            stmt = stmts[0]
        from kuzugres.translator.statements import ensure_params_typed

        ensure_params_typed(stmt)
        types = tuple(stmt.param_types)
        if len(types) < len(msg.param_types):
            types = tuple(msg.param_types[: len(msg.param_types)])
        self.prepared[msg.name] = PreparedStatement(msg.name, stmt, types)
        self.send(m.ParseComplete())

    def _bind(self, msg: m.Bind) -> None:
        ps = self.prepared.get(msg.statement)
        if ps is None:
            raise InvalidSqlStatementName(f'prepared statement "{msg.statement}" does not exist')
        if msg.portal and msg.portal in self.portals:
            raise DuplicateCursor(f'portal "{msg.portal}" already exists')
        n = len(ps.param_types)
        if len(msg.params) != n:
            raise ProtocolViolation(
                f"bind message supplies {len(msg.params)} parameters, but prepared statement "
                f'"{msg.statement}" requires {n}'
            )
        formats = _formats(msg.param_formats, n, "parameter")
        ctx = self.ex.format_context()
        values: list[Any] = []
        for oid, fmt, raw in zip(ps.param_types, formats, msg.params, strict=True):
            if raw is None:
                values.append(None)
            elif fmt == 1:
                values.append(decode_binary(oid, raw, ctx))
            else:
                values.append(decode_text(oid if oid != UNKNOWN_OID else 25, raw, ctx))
        if ps.stmt.columns is not None:
            _formats(msg.result_formats, len(ps.stmt.columns), "result")
        self.portals[msg.portal] = Portal(msg.portal, ps, values, tuple(msg.result_formats))
        self.send(m.BindComplete())

    def _describe(self, msg: m.Describe) -> None:
        if msg.kind == "S":
            ps = self.prepared.get(msg.name)
            if ps is None:
                raise InvalidSqlStatementName(f'prepared statement "{msg.name}" does not exist')
            self.send(m.ParameterDescription(ps.param_types))
            cols = self._result_columns(ps.stmt)
            if cols is None:
                self.send(m.NoData())
            else:
                self.send(self._row_description(cols, [0] * len(cols)))
            return
        portal = self.portals.get(msg.name)
        if portal is None:
            # a cursor made by DECLARE is a portal too (results in text format)
            cursor_cols = self.ex.cursor_columns(msg.name)
            if cursor_cols is None:
                raise InvalidCursorName(f'portal "{msg.name}" does not exist')
            self.send(self._row_description(cursor_cols, [0] * len(cursor_cols)))
            return
        cols = self._result_columns(portal.prepared.stmt)
        if cols is None:
            self.send(m.NoData())
        else:
            self.send(
                self._row_description(cols, _formats(portal.result_formats, len(cols), "result"))
            )

    def _result_columns(self, stmt: Any) -> Sequence[Any] | None:
        """The columns a statement returns; FETCH returns its cursor's (if it exists)."""
        from kuzugres.translator.plans import FetchPlan

        if isinstance(stmt.plan, FetchPlan) and not stmt.plan.move:
            return self.ex.cursor_columns(stmt.plan.name)
        columns: Sequence[Any] | None = stmt.columns
        return columns

    async def _execute(self, msg: m.Execute) -> None:
        portal = self.portals.get(msg.portal)
        if portal is None:
            raise InvalidCursorName(f'portal "{msg.portal}" does not exist')
        if portal.rows is not None:
            self._drain_portal(portal, msg.max_rows)
            return
        stmt = portal.prepared.stmt
        # Until Sync, the statements run in one transaction (PostgreSQL's rule): a
        # pipeline of writes commits once, or not at all if one fails.
        self.ex.begin_implicit(pipeline=True)
        if msg.max_rows == 0 and self.ex.batchable(stmt):
            if self._batch is not None and self._batch.stmt.plan is not stmt.plan:
                await self._flush_batch()  # another INSERT: the held ones run first
                if self.ignore_till_sync:
                    return
            self._hold(portal)
            if len(self._batch.items) >= _BATCH_ROWS:  # type: ignore[union-attr]
                await self._flush_batch()
            return
        if self._batch is not None:
            await self._flush_batch()
            if self.ignore_till_sync:
                return
        outcome = await self._run(stmt, portal.params)
        self._emit(outcome, stmt.columns, portal, simple=False, max_rows=msg.max_rows)
        if portal.rows is None and self.copy_in is None:
            portal.rows = []
            portal.tag = ""
            portal.empty = True
        self._after_statement()

    # ------------------------------------------------------------------ batched INSERTs
    def _hold(self, portal: Portal) -> None:
        """Hold an execution of a batchable INSERT back, to run with the next ones of
        the same statement as one multi-row INSERT (`_flush_batch`)."""
        stmt = portal.prepared.stmt
        if self._batch is None:
            self._batch = _Batch(stmt)
        self._batch.items.append((portal, len(self.out)))
        self.out.append(b"")  # where its CommandComplete goes
        portal.rows, portal.tag, portal.empty = [], "", True

    async def _flush_batch(self) -> None:
        """Run the held-back executions as one INSERT; if that fails, go back to before
        it and run them one by one, so the rows before the failing one are written and
        its error is reported in its place, as PostgreSQL would."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        portals = [p for p, _ in batch.items]
        mark = self.ex.mark()
        try:
            await self._interruptible(
                self.ex.execute_batch(batch.stmt, [p.params for p in portals]), len(portals)
            )
        except QueryCanceled as err:  # the first held execution was running: it fails
            await self._in_place(batch.items[0][1], self._failing(err))
            return
        except Exception:  # noqa: BLE001  (one by one, each error reported as it comes)
            await self.ex.undo_batch(mark)
        else:
            done = m.CommandComplete("INSERT 0 1").encode()
            for _, at in batch.items:
                self.out[at] = done
            return
        for portal, at in batch.items:
            if not await self._in_place(at, self._execute_held(batch.stmt, portal)):
                return

    async def _execute_held(self, stmt: Any, portal: Portal) -> bool:
        """One held-back execution, run on its own (`_flush_batch`); False if it failed."""
        try:
            outcome = await self._run(stmt, portal.params)
            self._emit(outcome, stmt.columns, portal, simple=False)
            self._after_statement()
            return True
        except PgError as err:
            return await self._failing(err)
        except Exception as exc:  # noqa: BLE001
            return await self._failing(InternalError(f"internal error: {exc!r}"))

    async def _failing(self, err: PgError) -> bool:
        await self._fail(err)
        return False

    async def _in_place(self, at: int, work: Awaitable[bool]) -> bool:
        """Await `work` with its output going to `out[at]`, the place its execution held.
        When it fails, what followed is discarded (until Sync) and this returns False."""
        before, self.out = self.out, []
        ok = await work
        produced, self.out = self.out, before
        self.out[at] = b"".join(produced)
        if not ok:
            del self.out[at + 1 :]
            self.ignore_till_sync = True
        return ok

    def _drain_portal(self, portal: Portal, max_rows: int) -> None:
        rows = portal.rows or []
        if portal.empty:
            # A statement without rows ran already: executing again returns nothing new.
            return
        start = portal.pos
        end = len(rows) if max_rows <= 0 else min(len(rows), start + max_rows)
        self.out.extend(rows[start:end])
        portal.pos = end
        if end < len(rows) or (max_rows > 0 and end - start == max_rows):
            # Like PostgreSQL, a limit that is reached suspends the portal even when no
            # rows remain; the next Execute then completes with "SELECT 0".
            self.send(m.PortalSuspended())
        elif portal.tag.startswith("SELECT ") and start > 0:
            self.send(m.CommandComplete(f"SELECT {end - start}"))  # rows of this Execute
        else:
            self.send(m.CommandComplete(portal.tag))

    def _close(self, msg: m.Close) -> None:
        if msg.kind == "S":
            self.prepared.pop(msg.name, None)
        else:
            self.portals.pop(msg.name, None)
        self.send(m.CloseComplete())

    async def _sync(self) -> None:
        """Sync: the extended protocol's implicit transaction commits (or, after an
        error, rolls back) before ReadyForQuery."""
        self.ignore_till_sync = False
        try:
            await self.ex.end_implicit()
        except PgError as err:
            await self._fail(err)
        if self.ex.tx_status == "I":
            self.portals.clear()  # portals end with their (implicit) transaction
        self.ready()

    async def close(self) -> None:
        """Connection gone: cancel what runs and roll back."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except BaseException:  # noqa: BLE001
                pass
        await self.ex.close()
