"""A session's SQL side: runs translated statements on the engine with PostgreSQL's
transaction semantics on top of Kuzu's.

Transactions: PostgreSQL's default READ COMMITTED gives every statement a fresh
snapshot, so reads inside a transaction run as Kuzu auto-commit reads until the
first write; the first write takes the node's writer lock and opens a Kuzu write
transaction that later statements share. REPEATABLE READ and SERIALIZABLE open
the Kuzu transaction at the first statement (READ ONLY ones as a Kuzu read-only
transaction, which never waits for writers). Kuzu rolls a transaction back by
itself on error; the session then stays in the failed state (25P02) until ROLLBACK.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime as dt
import functools
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from kuzugres import PG_SERVER_VERSION, __version__
from kuzugres.catalogstore import CatalogStore
from kuzugres.ddldata import DataSteps
from kuzugres.engine import Engine, EngineConnection, KuzuResult
from kuzugres.errcodes import (
    ActiveSqlTransaction,
    CardinalityViolation,
    DuplicateCursor,
    FeatureNotSupported,
    InFailedSqlTransaction,
    InvalidColumnReference,
    InvalidCursorName,
    InvalidParameterValue,
    InvalidSavepointSpecification,
    InvalidTransactionState,
    LockNotAvailable,
    NoActiveSqlTransaction,
    ObjectNotInPrerequisiteState,
    ReadOnlySqlTransaction,
    UndefinedObject,
    UndefinedTable,
    WrongObjectType,
)
from kuzugres.errors import PgError
from kuzugres.eventcodec import RowEvents
from kuzugres.history import (
    HistoryIndex,
    history_index,
    history_rows,
    revert,
    schema_rows,
)
from kuzugres.journal import Journal, apply_changes, watermark_statement
from kuzugres.proxy import types as T
from kuzugres.proxy.copyformat import CopyFormat, CopyParser, encode_header, encode_row
from kuzugres.proxy.types import (
    FormatContext,
    decode_text,
    encode_text,
    pg_type_for_kuzu,
    python_type_oid,
    value_from_kuzu,
)
from kuzugres.sequences import SessionSequences, currval, lastval, resolve_sequence
from kuzugres.settings import SETTINGS, SessionSettings, parse_duration_ms
from kuzugres.sync.events import Change, Ddl
from kuzugres.sync.events import Statement as LoggedStatement
from kuzugres.tables import (
    DeferredChecks,
    TableWriter,
    check_deferred,
    from_kuzu,
    link_edges,
    rows_from_kuzu,
    to_kuzu,
)
from kuzugres.timetravel import Snapshot, SnapshotCache, format_as_of, parse_as_of
from kuzugres.translator import pgcatalog
from kuzugres.translator.audit import REVERT_COLUMNS
from kuzugres.translator.catalog import (
    ROWID,
    Catalog,
    ConstraintDef,
    SequenceDef,
    TableDef,
    fk_rel_tables,
    key_type,
    link_of,
    search_path_schemas,
    with_rel_tables,
    without_stale_links,
)
from kuzugres.translator.ddl import DdlPlan, DdlResult, quote
from kuzugres.translator.dml import (
    DEFAULT,
    DeletePlan,
    InsertPlan,
    SelectPlan,
    UpdatePlan,
    assignment_cast,
)
from kuzugres.translator.dml import table_checks as dml_checks
from kuzugres.translator.dml import table_defaults as dml_defaults
from kuzugres.translator.explain import explain_lines, plan_scans, scan_cypher, scan_title
from kuzugres.translator.expr import Column
from kuzugres.translator.plans import (
    CloseCursorPlan,
    ConstantPlan,
    ConstraintsSetPlan,
    CopyPlan,
    CypherPlan,
    DeallocatePlan,
    DeclareCursorPlan,
    DiscardPlan,
    EmptyPlan,
    ErrorPlan,
    ExplainPlan,
    FetchPlan,
    Plan,
    ResetAllPlan,
    RevertPlan,
    SetPlan,
    SetTransactionPlan,
    ShowPlan,
    Statement,
    TableAsPlan,
    TransactionPlan,
)
from kuzugres.translator.pushdown import (
    GroupedScan,
    MergedScan,
    Scan,
    TableScan,
    finish,
    scan_constants,
    scan_equalities,
    split_rows,
)
from kuzugres.translator.query import QueryPlan, evaluation
from kuzugres.translator.statements import Translator
from kuzugres.translator.traversal import TraversalScan
from kuzugres.walks import count_reached, read_walks

TEXT_OID = 25
# int2/int4/int8 columns: |value| bound of a pushed-down equality (the value may be wider)
_INT_LIMITS = {21: 2**15, 23: 2**31, 20: 2**63}
T_ = TypeVar("T_")


@dataclass
class ResultSet:
    """Rows of Python values (the model in proxy.types) plus the command tag."""

    columns: tuple[Column, ...] | None
    rows: list[tuple[Any, ...]]
    tag: str
    #: What the protocol layer must do to its own state: ("deallocate", name | None).
    session_action: tuple[str, str | None] | None = None


@dataclass
class Cursor:
    """A cursor made by DECLARE: the query's rows, read at DECLARE, and where FETCH is.

    `pos` counts PostgreSQL's way: 0 before the first row, len(rows) + 1 after the last.
    """

    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    hold: bool
    scroll: bool
    in_tx: bool  # declared in the open transaction block (gone if that rolls back)
    statement: str  # the DECLARE statement, for pg_cursors
    binary: bool
    created: dt.datetime
    pos: int = 0


@dataclass
class Savepoint:
    """What ROLLBACK TO SAVEPOINT restores (docs/decisions/0022-savepoints.md)."""

    name: str
    settings: Any  # SessionSettings.savepoint()
    changes: int  # how many of the block's changes were made before it
    tx: str | None  # the block's Kuzu transaction then: None, 'read' or 'write'
    catalog: Catalog | None  # the block's unpublished DDL then
    deferred: DeferredChecks
    cursors: frozenset[int]  # ids of the cursors open then


@dataclass
class CopyOutResult:
    """COPY ... TO STDOUT: the encoded lines to stream and the final tag."""

    ncolumns: int
    chunks: list[bytes]
    tag: str
    csv: bool


@dataclass
class CopyInRequest:
    """COPY ... FROM STDIN: the session streams CopyData into `parser`, then calls finish."""

    table: str
    columns: tuple[str, ...]
    types: tuple[int, ...]
    kuzu_types: tuple[str, ...]
    parser: CopyParser
    rows: list[list[str | None]] = field(default_factory=list)
    sql_table: TableDef | None = None  # a SQL table: rows go through the checked write path


Outcome = ResultSet | CopyOutResult | CopyInRequest


@dataclass(frozen=True)
class SessionInfo:
    """Who the session is (for current_user, pg_backend_pid() ...)."""

    user: str
    database: str
    backend_pid: int
    node_id: str


_ALLOWED_IN_FAILED = ("rollback", "commit", "rollback_to", "release", "prepare")


class SessionExecutor:
    """Executes statements for one session; owns its transaction state."""

    def __init__(
        self,
        engine: Engine,
        translator: Translator,
        info: SessionInfo,
        settings: SessionSettings,
        store: CatalogStore | None = None,
        journal: Journal | None = None,
        snapshots: SnapshotCache | None = None,
    ) -> None:
        self.engine = engine
        self.journal = journal
        self._txid: int | None = None  # txid_current() of the open transaction
        # Time travel: the snapshot `kuzugres.as_of` names replaces engine and store
        # while it is set (kuzugres.timetravel); the live ones are kept here.
        self.snapshots = snapshots
        self._as_of: tuple[str, Snapshot] | None = None
        self._live_engine = engine
        self._prepared_as_of = ""  # the as_of state the last prepare() translated under
        self._as_of_used = False  # whether this session ever read a snapshot
        self._as_of_mark: Any = None  # settings before a SET kuzugres.as_of
        # The open write transaction's changes, in order (they become its events), and
        # while DDL runs, the Kuzu statements it makes (one Ddl event).
        self._changes: list[Change] = []
        self._ddl_statements: list[LoggedStatement] | None = None
        self.translator = translator
        self.info = info
        self.settings = settings
        self.store = store if store is not None else CatalogStore(engine)
        self._live_store = self.store
        self._tx_catalog: Catalog | None = None  # DDL of the open transaction, unpublished
        self._translation_key: tuple[Catalog, str] | None = None
        self._translation_catalog = Catalog()
        self.notices: list[PgError] = []
        self.session_sequences = SessionSequences()  # currval/lastval of this session
        self.in_block = False  # inside BEGIN ... COMMIT, or an implicit transaction
        self.implicit = False  # the block is a multi-statement Query's implicit transaction
        # ...or the extended protocol's, which lasts until Sync and is no transaction
        # block for the commands that need one (PostgreSQL's TBLOCK_STARTED)
        self.pipeline = False
        self.failed = False
        self.tx_isolation = "read committed"
        self.tx_read_only = False
        self._conn: EngineConnection | None = None  # held while a Kuzu transaction is open
        self._kuzu_tx: str | None = None  # None, 'read' or 'write'
        self._holds_writer = False
        # Savepoints of the open block, innermost last (`_savepoint`).
        self._savepoints: list[Savepoint] = []
        self._deferred = DeferredChecks()  # the block's deferred foreign-key checks
        self.cursors: dict[str, Cursor] = {}  # DECLAREd cursors by name
        # the last batch's sequence values: name -> (state before, state after it)
        self._batch_taken: dict[str, tuple[tuple[int, bool], tuple[int, bool]]] = {}
        self._in_batch = False
        self._tx_start: dt.datetime | None = None
        self._stmt_start = dt.datetime.now(dt.UTC)
        self._format_key: tuple[str, str | None] | None = None
        self._format_catalog: Catalog | None = None
        self._format = FormatContext()

    # ------------------------------------------------------------------ state
    @property
    def tx_status(self) -> str:
        """ReadyForQuery status: I idle, T in a transaction block, E failed block."""
        if not self.in_block or self.implicit:
            return "I"
        return "E" if self.failed else "T"

    def begin_implicit(self, *, pipeline: bool = False) -> None:
        """Open the implicit transaction a multi-statement simple Query runs in, or (with
        `pipeline`) the one the extended protocol's statements run in until Sync."""
        if self.in_block:
            return
        self._open_block(None, None)
        self.implicit = True
        self.pipeline = pipeline

    @property
    def in_tx_block(self) -> bool:
        """Inside a transaction block, for the commands that need one (DECLARE, SET LOCAL,
        SET CONSTRAINTS ...): an explicit block or a multi-statement Query's."""
        return self.in_block and not self.pipeline

    async def end_implicit(self) -> None:
        """Commit the implicit transaction (or roll it back after an error)."""
        if not self.implicit:
            return
        commit = not self.failed
        self.implicit = False
        try:
            await self._end_kuzu_tx(commit=commit)
        except BaseException:
            self._finish_block(commit=False)
            raise
        self._finish_block(commit=commit)

    def format_context(self) -> FormatContext:
        """How values render for this session (TimeZone, extra_float_digits)."""
        key = (self.settings.get("TimeZone") or "UTC", self.settings.get("extra_float_digits"))
        catalog = self.translation_catalog()
        if self._format_key != key or self._format_catalog is not catalog:  # identity
            self._format_key, self._format_catalog = key, catalog
            self._format = pgcatalog.format_context(catalog, key[0], int(key[1] or 1))
        return self._format

    def describe_first(self, stmt: Statement) -> bool:
        """Whether PostgreSQL would send the RowDescription before running the statement.

        It does for everything that runs at execution time; constant expressions it folds
        while planning, so their errors come first.
        """
        if isinstance(stmt.plan, ConstantPlan):
            return stmt.plan.stable
        return stmt.columns is not None and not isinstance(stmt.plan, ErrorPlan)

    def needs_task(self, stmt: Statement) -> bool:
        """Whether a statement can block (Kuzu, locks): only those run as cancellable tasks."""
        return not isinstance(stmt.plan, ConstantPlan | SetPlan | ShowPlan | EmptyPlan)

    def catalog(self) -> Catalog:
        """The schema this session sees: its transaction's DDL, else the committed one."""
        return self._tx_catalog if self._tx_catalog is not None else self.store.catalog

    def translation_catalog(self) -> Catalog:
        """The catalog snapshot statements are translated against: with search_path.

        Memoized: it is asked for on every Parse and Query, and changes only with DDL or
        SET search_path.
        """
        catalog = self.catalog()
        setting = self.settings.get("search_path") or ""
        key = self._translation_key
        if key is None or key[0] is not catalog or key[1] != setting:  # identity: snapshots
            path = search_path_schemas(setting, self.info.user)
            self._translation_key = (catalog, setting)
            self._translation_catalog = catalog.with_search_path(path)
        return self._translation_catalog

    def prepare(self, sql: str, param_types: Sequence[int] = ()) -> list[Statement]:
        """Translate `sql` against the current catalog (cached per catalog version)."""
        if self._as_of is not None and self._conn is None and not self._as_of_value():
            self._leave_as_of()  # SET LOCAL ended with its transaction
        self._prepared_as_of = self._as_of[0] if self._as_of else ""
        return self.translator.translate(sql, param_types, self.translation_catalog())

    def statement_timeout_ms(self) -> int:
        return parse_duration_ms("statement_timeout", self.settings.get("statement_timeout") or "0")

    def lock_timeout_ms(self) -> int:
        return parse_duration_ms("lock_timeout", self.settings.get("lock_timeout") or "0")

    # ------------------------------------------------------------------ execute
    async def execute(self, stmt: Statement, params: Sequence[Any]) -> Outcome:
        """Run one statement; raises PgError (the caller then calls `on_error`)."""
        plan = stmt.plan
        self._stmt_start = dt.datetime.now(dt.UTC)
        if self.failed and not (
            isinstance(plan, TransactionPlan) and plan.action in _ALLOWED_IN_FAILED
        ):
            raise InFailedSqlTransaction(
                "current transaction is aborted, commands ignored until end of transaction block"
            )
        if self._tx_start is None or not self.in_block:
            self._tx_start = self._stmt_start
            self._txid = None
        if self._as_of_changed() and not isinstance(
            plan, SetPlan | ResetAllPlan | TransactionPlan | DiscardPlan
        ):
            await self._follow_as_of()  # changed by ROLLBACK, set_config() ...
        outcome = await self._dispatch(plan, stmt, params)
        await self._save_sequences()
        if self._as_of_changed():
            await self._follow_as_of_set(plan)  # SET, RESET, the end of a SET LOCAL ...
        return outcome

    # ------------------------------------------------------------------ time travel
    def _as_of_value(self) -> str:
        return self.settings.get("kuzugres.as_of") or ""

    def _as_of_changed(self) -> bool:
        """Whether `kuzugres.as_of` names another state than the one in use."""
        if self.snapshots is None:
            return False
        return self._as_of_value() != (self._as_of[0] if self._as_of else "")

    async def _follow_as_of(self) -> None:
        """Read from the snapshot `kuzugres.as_of` names, or the live state when empty.

        Never while a Kuzu transaction holds a connection of the current engine (SET
        refuses that; a value restored by ROLLBACK TO is followed after the block).
        """
        value = self._as_of_value()
        if value == (self._as_of[0] if self._as_of else "") or self._conn is not None:
            return
        snap = None
        if value:
            if self.snapshots is None:
                raise FeatureNotSupported("kuzugres.as_of needs the node's event log")
            snap = await self.snapshots.acquire(parse_as_of(value))
        self._leave_as_of()
        if snap is not None:
            self._as_of_used = True
            self._as_of = (value, snap)
            self.engine, self.store = snap.engine, snap.store

    async def _follow_as_of_set(self, plan: Plan) -> None:
        """Follow the setting after a statement; a SET whose snapshot cannot be made
        (too many, a failed build) fails and leaves the setting as it was."""
        try:
            await self._follow_as_of()
        except BaseException:
            mark = self._as_of_mark
            if isinstance(plan, SetPlan) and plan.name.lower() == "kuzugres.as_of" and mark:
                self.settings.rollback_to(mark)
            raise
        finally:
            self._as_of_mark = None

    def _leave_as_of(self) -> None:
        if self._as_of is not None and self.snapshots is not None:
            self.snapshots.release(self._as_of[1])
        self._as_of = None
        self.engine, self.store = self._live_engine, self._live_store

    def _refuse_write_as_of(self, command: str) -> None:
        if self._as_of is not None:
            raise ReadOnlySqlTransaction(
                f"cannot execute {command} while kuzugres.as_of is set",
                detail=f"The session reads the database as it was at {self._as_of[0]}.",
                hint="RESET kuzugres.as_of to write to the present state.",
            )

    async def _dispatch(self, plan: Plan, stmt: Statement, params: Sequence[Any]) -> Outcome:
        if isinstance(plan, ConstantPlan):
            rows = plan.select.rows(params, _EvalContext(self))
            return ResultSet(plan.select.columns, rows, f"SELECT {len(rows)}")
        if isinstance(plan, CypherPlan):
            return await self._cypher(plan, params)
        if isinstance(plan, RevertPlan):
            return await self._revert(plan, params)
        if isinstance(plan, TransactionPlan):
            return await self._transaction(plan)
        if isinstance(plan, SetPlan):
            return self._set(plan)
        if isinstance(plan, ShowPlan):
            return self._show(plan)
        if isinstance(plan, ResetAllPlan):
            self.settings.reset_all(in_tx=self.in_block)
            return ResultSet(None, [], "RESET")
        if isinstance(plan, SetTransactionPlan):
            return self._set_transaction(plan)
        if isinstance(plan, ConstraintsSetPlan):
            return await self._set_constraints(plan)
        if isinstance(plan, DeclareCursorPlan):
            return await self._declare(plan, stmt, params)
        if isinstance(plan, FetchPlan):
            return self._fetch(plan)
        if isinstance(plan, CloseCursorPlan):
            return self._close_cursor(plan)
        if isinstance(plan, DiscardPlan):
            return await self._discard(plan)
        if isinstance(plan, DeallocatePlan):
            tag = "DEALLOCATE" if plan.name is not None else "DEALLOCATE ALL"
            return ResultSet(None, [], tag, ("deallocate", plan.name))
        if isinstance(plan, CopyPlan):
            return await self._copy(plan, params)
        if isinstance(plan, EmptyPlan):
            return ResultSet(None, [], "")
        if isinstance(plan, ErrorPlan):
            if self._prepared_as_of != (self._as_of[0] if self._as_of else ""):
                # translated before a SET kuzugres.as_of of the same Query took effect
                self._prepared_as_of = self._as_of[0] if self._as_of else ""
                fresh = self.translator.translate(
                    stmt.sql, stmt.param_types, self.translation_catalog()
                )
                return await self._dispatch(fresh[0].plan, fresh[0], params)
            raise plan.error
        if isinstance(plan, DdlPlan):
            return await self._ddl(plan, stmt.sql)
        if isinstance(plan, TableAsPlan):
            return await self._table_as(plan)
        if isinstance(plan, ExplainPlan):
            return await self._explain(plan, stmt, params)
        if isinstance(plan, SelectPlan | InsertPlan | UpdatePlan | DeletePlan):
            if plan.catalog_version != self.catalog().version:
                # The schema changed since this statement was prepared: plan it again.
                fresh = self.translator.translate(
                    stmt.sql, stmt.param_types, self.translation_catalog()
                )
                if self._as_of_used and stmt.columns not in (None, fresh[0].columns):
                    # described with the columns of another state (decision 0018)
                    raise FeatureNotSupported(
                        "cached plan must not change result type",
                        hint="The statement was prepared before kuzugres.as_of changed; "
                        "prepare it again.",
                    )
                return await self._dispatch(fresh[0].plan, fresh[0], params)
            if isinstance(plan, SelectPlan):
                return await self._select(plan, params)
            if isinstance(plan, InsertPlan):
                return await self.write_atomically(lambda: self._insert(plan, params), "INSERT")
            if isinstance(plan, UpdatePlan):
                return await self.write_atomically(lambda: self._update(plan, params), "UPDATE")
            return await self.write_atomically(lambda: self._delete(plan, params), "DELETE")
        raise FeatureNotSupported(f"{type(plan).__name__} is not supported")

    # ------------------------------------------------------------------ transactions
    async def _transaction(self, plan: TransactionPlan) -> ResultSet:
        action = plan.action
        if self.implicit and action == "begin":
            # BEGIN inside a multi-statement Query (or a pipeline) turns its implicit
            # block explicit.
            self.implicit = self.pipeline = False
            if plan.isolation is not None:
                self.tx_isolation = plan.isolation
            if plan.read_only is not None:
                self.tx_read_only = plan.read_only
            self._sync_tx_settings()
            return ResultSet(None, [], plan.tag or "BEGIN")
        if self.implicit and action in ("commit", "rollback"):
            self._warn(NoActiveSqlTransaction("there is no transaction in progress"))
            commit = action == "commit" and not self.failed
            self.implicit = False
            await self._end_block(commit=commit)
            return ResultSet(None, [], "COMMIT" if commit else "ROLLBACK")
        if action == "begin":
            if self.in_block:
                self._warn(ActiveSqlTransaction("there is already a transaction in progress"))
                return ResultSet(None, [], plan.tag or "BEGIN")
            self._open_block(plan.isolation, plan.read_only)
            return ResultSet(None, [], plan.tag or "BEGIN")
        if action in ("commit", "rollback"):
            if not self.in_block:
                self._warn(NoActiveSqlTransaction("there is no transaction in progress"))
                return ResultSet(None, [], action.upper())
            commit = action == "commit" and not self.failed
            await self._end_block(commit=commit)
            if plan.chain:
                await self._transaction(TransactionPlan("begin", None, None))
            return ResultSet(None, [], "COMMIT" if commit else "ROLLBACK")
        if action == "prepare":
            raise FeatureNotSupported("PREPARE TRANSACTION is not supported")
        if action in ("commit_prepared", "rollback_prepared"):
            raise FeatureNotSupported("prepared transactions are not supported")
        if not self.in_block or self.implicit:
            raise NoActiveSqlTransaction(
                f"{action.replace('_', ' ').upper()} can only be used in transaction blocks"
            )
        return await self._savepoint(action, plan.savepoint or "")

    async def _end_block(self, *, commit: bool) -> None:
        """COMMIT or ROLLBACK of the block; a COMMIT that fails (a deferred foreign key)
        rolls the block back and raises."""
        try:
            await self._end_kuzu_tx(commit=commit)
        except BaseException:
            self._finish_block(commit=False)
            raise
        self._finish_block(commit=commit)

    async def _savepoint(self, action: str, name: str) -> ResultSet:
        """SAVEPOINT, RELEASE and ROLLBACK TO (docs/decisions/0022-savepoints.md).

        Kuzu has no savepoints, and an error inside its transaction rolls all of it back.
        The block's changes are kept in order anyway (they become its events), so
        ROLLBACK TO rolls Kuzu's transaction back and applies again, through the one
        apply path of events, the changes made before the savepoint. The writer lock is
        held from the block's first write to its end, also across a failed statement while
        a savepoint is open, so nothing commits in between and the state applied on is the
        state the block began from.
        """
        if action == "savepoint":
            self._refuse_failed()
            self._savepoints.append(self.mark(name))
            return ResultSet(None, [], "SAVEPOINT")
        names = [sp.name for sp in self._savepoints]
        if name not in names:
            raise InvalidSavepointSpecification(f'savepoint "{name}" does not exist')
        at = len(names) - 1 - names[::-1].index(name)
        if action == "release":
            self._refuse_failed()
            del self._savepoints[at:]
            return ResultSet(None, [], "RELEASE")
        del self._savepoints[at + 1 :]
        await self.rewind(self._savepoints[at])
        return ResultSet(None, [], "ROLLBACK")

    def _refuse_failed(self) -> None:
        if self.failed:
            raise InFailedSqlTransaction(
                "current transaction is aborted, commands ignored until end of transaction block"
            )

    def mark(self, name: str = "") -> Savepoint:
        """What `rewind` goes back to: a savepoint, or the state before a batch."""
        return Savepoint(
            name,
            self.settings.savepoint(),
            len(self._changes) if self._kuzu_tx == "write" else 0,
            self._kuzu_tx,
            self._tx_catalog,
            copy.deepcopy(self._deferred),
            frozenset(id(c) for c in self.cursors.values()),
        )

    async def rewind(self, sp: Savepoint) -> None:
        """Back to the state of `mark` (ROLLBACK TO SAVEPOINT, a failed batch), the block
        no longer failed: Kuzu's transaction is rolled back and, unless it was not open
        then, begun again with the changes made before `sp`; settings, unpublished DDL,
        deferred checks and cursors are restored."""
        kept = self._changes[: sp.changes]
        if self._kuzu_tx is not None and self._conn is not None:
            await self._rollback(self._conn)
        self._kuzu_tx = None
        self._changes = []
        if sp.tx is None:
            self._release()
        else:
            write = sp.tx == "write"
            conn = self._conn if self._conn is not None else await self._borrow(write)
            try:
                await conn.run("BEGIN TRANSACTION" if write else "BEGIN TRANSACTION READ ONLY")
                self._kuzu_tx = sp.tx
                await apply_changes(kept, conn.run, self.store.catalog)
            except BaseException:
                await self.on_error()
                raise
            self._changes = kept
        self.settings.rollback_to(sp.settings)
        self._tx_catalog = sp.catalog
        self._deferred = copy.deepcopy(sp.deferred)  # a savepoint can be rewound to again
        self.cursors = {n: c for n, c in self.cursors.items() if id(c) in sp.cursors}
        self.failed = False

    def _open_block(self, isolation: str | None, read_only: bool | None) -> None:
        self.in_block = True
        self.failed = False
        self._savepoints = []
        self._deferred = DeferredChecks()
        self._tx_start = self._stmt_start
        self.settings.begin()
        self.tx_isolation = isolation or (
            self.settings.get("default_transaction_isolation") or "read committed"
        )
        default_ro = self.settings.get("default_transaction_read_only") == "on"
        self.tx_read_only = read_only if read_only is not None else default_ro
        self._sync_tx_settings()

    def _finish_block(self, *, commit: bool) -> None:
        self._end_cursors(commit=commit)
        if commit and self._tx_catalog is not None:
            self.store.catalog = self._tx_catalog
        self._tx_catalog = None
        self.in_block = False
        self.implicit = self.pipeline = False
        self.failed = False
        self.settings.end(commit=commit)
        self.tx_read_only = False
        self._tx_start = None
        self._txid = None
        self._sync_tx_settings()

    def _sync_tx_settings(self) -> None:
        self.settings.force(
            "transaction_isolation",
            self.tx_isolation
            if self.in_block
            else (self.settings.get("default_transaction_isolation") or "read committed"),
        )
        self.settings.force("transaction_read_only", "on" if self.tx_read_only else "off")

    async def _begin_kuzu_tx(self, write: bool) -> EngineConnection:
        if self._conn is not None and self._kuzu_tx is not None:
            return self._conn
        try:
            conn = await self._borrow(write)
            await conn.run("BEGIN TRANSACTION" if write else "BEGIN TRANSACTION READ ONLY")
            self._changes = []
            self._kuzu_tx = "write" if write else "read"
            return conn
        except BaseException:
            self._release()
            raise

    async def _borrow(self, write: bool) -> EngineConnection:
        """Take the writer lock (writes only, waiting in line) and a pooled connection.

        Both are given back by `_release`, also when this raises half-way.
        """
        if write:
            self._refuse_write_as_of("a write")
            await self.engine.lock_writer(self.lock_timeout_ms())
            self._holds_writer = True
        conn = await self.engine.acquire()
        self._conn = conn
        return conn

    async def _end_kuzu_tx(self, *, commit: bool) -> None:
        conn = self._conn
        if conn is None or self._kuzu_tx is None:
            self._release()
            return
        if commit and self._kuzu_tx == "write" and self._deferred.pending:
            try:  # before the events are logged: the checks may fail, and link rows
                await self._check_deferred()
            except BaseException:
                await self.on_error()
                raise
        position = None
        try:
            if commit and self._kuzu_tx == "write" and self._changes and self.journal:
                position = await self._commit_logged(conn, self.journal)
            elif commit:
                await conn.run("COMMIT")
            else:
                await self._rollback(conn)
        finally:
            self._kuzu_tx = None
            self._changes = []
            self._release()
        if position is not None:
            self.engine.wrote()
            if self.settings.get("synchronous_commit") != "off":
                await self.journal.sync(position)  # type: ignore[union-attr]

    async def _check_deferred(
        self, only: Callable[[TableDef, ConstraintDef], bool] | None = None
    ) -> None:
        """Run the block's deferred foreign-key checks (kuzugres.tables.check_deferred);
        the edges they make are logged as statements, so replay makes them too."""

        async def run(cypher: str, kparams: dict[str, Any]) -> KuzuResult:
            return await self.run_cypher(cypher, kparams, write=True)

        await check_deferred(self._deferred, self.catalog(), run, self.format_context(), only)

    async def _commit_logged(self, conn: EngineConnection, journal: Journal) -> int:
        """COMMIT a write transaction with its events (kuzugres.journal): the watermark in
        the same Kuzu transaction, the frame in the log before Kuzu commits. Returns the
        log position COMMIT's acknowledgement waits for."""
        reason = self.settings.get("kuzugres.change_reason", missing_ok=True) or None
        tx = journal.frame(self._changes, self.info.user, reason, self.catalog().version)
        cypher, params = watermark_statement(journal.origin, tx.last_seq)
        await conn.run(cypher, params)
        position = journal.append(tx)
        try:
            await conn.run("COMMIT")
        except BaseException:
            journal.abort(tx)
            raise
        return position

    async def _rollback(self, conn: EngineConnection) -> None:
        """Roll back the Kuzu transaction (it may be gone already after an error).

        After a write transaction rolls back, Kuzu 0.11.3 reports false write-write
        conflicts on rows it touched until a checkpoint (tests/test_engine.py shows it), so
        a checkpoint follows while this session still holds the writer lock.
        """
        with contextlib.suppress(PgError):
            await conn.run("ROLLBACK")
        if self._kuzu_tx == "write":
            with contextlib.suppress(PgError):
                await conn.run("CHECKPOINT")

    def _release(self) -> None:
        if self._conn is not None:
            self.engine.release(self._conn)
            self._conn = None
        if self._holds_writer:
            self._holds_writer = False
            self.engine.unlock_writer()

    async def on_error(self) -> None:
        """After a failed statement: a block becomes failed and Kuzu's transaction is gone."""
        if self.in_block:
            self.failed = True
        if self._kuzu_tx is not None and self._conn is not None:
            await self._rollback(self._conn)  # Kuzu has usually rolled back already
            self._kuzu_tx = None
        if self.in_block and any(sp.tx == "write" for sp in self._savepoints):
            return  # ROLLBACK TO applies the block's changes again (`rewind`)
        self._release()

    async def close(self) -> None:
        """Session end: roll back whatever is open."""
        if self._kuzu_tx is not None and self._conn is not None:
            await self._rollback(self._conn)
            self._kuzu_tx = None
        self._release()
        if self.in_block:
            self._finish_block(commit=False)
        self._leave_as_of()

    # ------------------------------------------------------------------ running Cypher
    async def run_cypher(
        self, cypher: str, params: dict[str, Any], *, write: bool, logged: bool = True
    ) -> KuzuResult:
        """Run Cypher with the right transaction and lock handling.

        A write runs in a write transaction (its own one outside a block) and, unless
        `logged` is false (table writes, which record row changes instead), is recorded
        as it ran: into the running DDL's event, or as a Statement event.
        """
        if write and not self.in_block:
            return await self.write_atomically(
                lambda: self.run_cypher(cypher, params, write=True, logged=logged)
            )
        if write and self.in_block and self.tx_read_only:
            raise ReadOnlySqlTransaction("cannot execute a write in a read-only transaction")
        if self.in_block:
            eager = self.tx_isolation in ("repeatable read", "serializable")
            if write or eager or self._kuzu_tx is not None:
                if self._kuzu_tx == "read" and write:
                    raise ReadOnlySqlTransaction(
                        "cannot execute a write in a read-only transaction"
                    )
                # a snapshot is read only: its transactions too (kuzugres.timetravel)
                writable = not self.tx_read_only and self._as_of is None
                conn = await self._begin_kuzu_tx(write=write or writable)
                result: KuzuResult = await conn.run(cypher, params)
                if write and logged:
                    statement = LoggedStatement(cypher, params)
                    if self._ddl_statements is not None:
                        self._ddl_statements.append(statement)
                    else:
                        self._changes.append(statement)
                return result
        try:
            conn = await self._borrow(write)
            result = await conn.run(cypher, params)
            return result
        finally:
            self._release()

    async def _cypher(self, plan: CypherPlan, params: Sequence[Any]) -> ResultSet:
        values: dict[str, Any] = {}
        if plan.arg is not None:
            raw = (
                params[plan.arg.param_index]
                if plan.arg.param_index is not None
                else plan.arg.constant
            )
            if raw is not None:
                parsed = json.loads(raw) if isinstance(raw, str) else raw
                if not isinstance(parsed, dict):
                    raise InvalidParameterValue("cypher() parameters must be a json object")
                values = parsed
        cypher = typed_cypher(plan.cypher, values)
        result = await self.run_cypher(cypher, values, write=plan.is_write)
        columns = plan.columns
        if result.names and len(result.names) != len(columns):
            raise PgError(
                "return type mismatch in function declared to return record",
                detail=f"Returned row contains {len(result.names)} attributes, "
                f"but query expects {len(columns)}.",
                sqlstate="42804",
            )
        ctx = self.format_context()
        converters = [
            _converter(ktype, col.type_oid, ctx)
            for col, ktype in zip(columns, result.types, strict=False)
        ]
        rows = [
            tuple(None if v is None else conv(v) for conv, v in zip(converters, row, strict=False))
            for row in result.rows
        ]
        if plan.projection is not None:
            rows = [tuple(r[i] for i in plan.projection) for r in rows]
            columns = tuple(columns[i] for i in plan.projection)
        return ResultSet(columns, rows, f"SELECT {len(rows)}")

    # ------------------------------------------------------------------ writes
    async def write_atomically(
        self, work: Callable[[], Awaitable[T_]], command: str = "a write"
    ) -> T_:
        """Run `work` inside one Kuzu write transaction: the block's, or one of its own.

        The writer lock is taken first, so `work` sees the latest committed catalog.
        `command` names the statement in the error of a read-only transaction.
        """
        if self.in_block and self.tx_read_only:
            raise ReadOnlySqlTransaction(f"cannot execute {command} in a read-only transaction")
        if self._as_of is not None:
            self._refuse_write_as_of(command)
        own = not self.in_block
        if own:
            self._open_block(None, None)
        try:
            if self._kuzu_tx == "read":
                raise ReadOnlySqlTransaction("cannot execute a write in a read-only transaction")
            await self._begin_kuzu_tx(write=True)
            result = await work()
            if own:
                await self._end_kuzu_tx(commit=True)
                self._finish_block(commit=True)
            return result
        except BaseException:
            if own:
                await self.on_error()
                self._finish_block(commit=False)
            raise

    def history_index(self) -> HistoryIndex:
        """The node's index of its event log (kuzugres.history)."""
        if self.journal is None:
            raise FeatureNotSupported("history needs the event log, which this node has not")
        return history_index(self.journal.log)

    async def _revert(self, plan: RevertPlan, params: Sequence[Any]) -> ResultSet:
        """SELECT kuzugres.revert_to(moment, tables): compensating writes, in one
        transaction (the block's, or one of its own)."""
        ctx = _EvalContext(self)
        ((moment, names),) = plan.args.rows(params, ctx)
        if moment is None or names is None:
            return ResultSet(REVERT_COLUMNS, [(None,)], "SELECT 1")
        index = self.history_index()

        async def scan(table: TableDef) -> list[tuple[Any, ...]]:
            return await self._scan(TableScan(table, table.name), ())

        async def work() -> int:
            return await revert(self.catalog(), index, moment, names, self._writer, scan, ctx)

        changed = await self.write_atomically(work, "kuzugres.revert_to()")
        return ResultSet(REVERT_COLUMNS, [(changed,)], "SELECT 1")

    async def _table_as(self, plan: TableAsPlan) -> ResultSet:
        """CREATE TABLE AS / SELECT INTO: the CREATE TABLE, then the rows through the
        normal INSERT path, in one transaction (the log keeps both, as they ran)."""

        async def work() -> ResultSet:
            before = self.catalog()
            [create] = self.translator.translate(plan.create_sql, (), self.translation_catalog())
            await self._dispatch(create.plan, create, ())
            if self.catalog() is before:  # IF NOT EXISTS, and it exists
                return ResultSet(None, [], "CREATE TABLE AS")
            if plan.insert_sql is None:
                return ResultSet(None, [], "CREATE TABLE AS")
            [insert] = self.translator.translate(plan.insert_sql, (), self.translation_catalog())
            done = await self._dispatch(insert.plan, insert, ())
            assert isinstance(done, ResultSet)
            return ResultSet(None, [], f"SELECT {done.tag.split()[-1]}")

        return await self.write_atomically(work, "CREATE TABLE AS")

    async def _ddl(self, plan: DdlPlan, sql: str) -> ResultSet:
        async def work() -> DdlResult:
            self._ddl_statements = []
            try:
                result = await apply()
                self._changes.append(Ddl(sql, tuple(self._ddl_statements)))
                return result
            finally:
                self._ddl_statements = None

        async def apply() -> DdlResult:
            before = self.catalog()
            result = plan.apply(before)
            # Foreign-key (and link) REL tables go before the node tables they connect...
            unlinked = without_stale_links(result.catalog)
            for rel in fk_rel_tables(before) - fk_rel_tables(unlinked):
                await self.run_cypher(f"DROP TABLE {quote(rel)}", {}, write=True)
            for cypher in result.cypher:
                await self.run_cypher(cypher, {}, write=True)
            # ...and new foreign keys get theirs once both node tables exist.
            linked = await self._link_foreign_keys(unlinked)
            if linked is not result.catalog:
                result = replace(result, catalog=linked)
            state = self.store.sequences
            for name in result.sequences:
                state.restart(name, result.catalog.sequences[name].start)
            for name, value in result.restarts:
                state.restart(name, value)
            if result.data:
                await self._ddl_data(result)
            steps = CatalogStore.sequence_save_statements(state.dirty())
            if result.catalog is not self.catalog():
                dropped = [n for n in state.values if n not in result.catalog.sequences]
                for name in dropped:
                    state.forget(name)
                steps += CatalogStore.sequence_drop_statements(dropped)
                steps += CatalogStore.save_statements(result.catalog)
                self._tx_catalog = result.catalog
            for cypher, params in steps:
                await self.run_cypher(cypher, params, write=True)
            state.saved(state.dirty())
            return result

        result = await self.write_atomically(work, plan.tag)
        self.notices.extend(result.notices)
        return ResultSet(None, [], plan.tag)

    # ------------------------------------------------------------------ tables
    def _scan_params(self, scan: Scan, params: Sequence[Any]) -> dict[str, Any] | None:
        """The Kuzu parameters of a scan's pushed-down equalities (and its constants);
        None if nothing can match."""
        fmt = self.format_context()
        ctx = _EvalContext(self)
        kparams: dict[str, Any] = scan_constants(scan)
        for name, col, expr in scan_equalities(scan):
            value = expr.evaluate((), params, ctx)
            if value is None:
                return None  # col = NULL is never true
            limit = _INT_LIMITS.get(col.type_oid)
            if limit is not None and not -limit <= value < limit:
                return None  # an int8 value outside an int2/int4 column's range matches nothing
            kparams[name] = to_kuzu(col, value, fmt)
        return kparams

    async def _scan(self, scan: Scan, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """A scan's rows: table rows (a join scan's side by side), or grouped rows.

        A GroupedScan whose answer could differ from PostgreSQL's (see pushdown.finish)
        reads its source's rows instead, and the residual pipeline groups them."""
        if isinstance(scan, MergedScan):
            return []
        kparams = self._scan_params(scan, params)
        if kparams is None:
            return []
        fmt = self.format_context()
        if isinstance(scan, GroupedScan):
            result = await self.run_cypher(scan_cypher(scan), kparams, write=False)
            grouped = finish(scan, result.rows, lambda col, v: from_kuzu(col, v, fmt))
            if grouped is not None:
                return grouped
            constants = scan_constants(scan)
            kparams = {k: v for k, v in kparams.items() if k not in constants}
            scan = scan.source
        result = await self.run_cypher(scan_cypher(scan), kparams, write=False)
        parts = [
            rows_from_kuzu(seg.table, rows, fmt)
            for seg, rows in zip(scan.segments, split_rows(scan, result.rows), strict=True)
        ]
        if len(parts) == 1:
            return parts[0]
        return [sum(r, ()) for r in zip(*parts, strict=True)]

    async def _traverse(self, scan: TraversalScan, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The walks of a recursive CTE run as a Kuzu traversal (kuzugres/walks.py)."""
        kparams = self._scan_params(scan.start, params)
        if kparams is None:
            return []

        async def run(cypher: str, kp: dict[str, Any]) -> KuzuResult:
            return await self.run_cypher(cypher, kp, write=False)

        ctx = _EvalContext(self)
        steps = scan.max_steps(params, ctx)
        if scan.count is not None and _small_depth(scan, params, ctx):
            counted = await count_reached(scan, run, kparams, steps, self.format_context())
            if counted is not None:
                return counted
        return await read_walks(scan, run, kparams, steps, self.format_context())

    async def _read(self, query: QueryPlan, params: Sequence[Any]) -> list[list[tuple[Any, ...]]]:
        """What a query reads from Kuzu: its scans' rows, then its traversals' walks."""
        scanned = [await self._scan(scan, params) for scan in query.scans]
        return scanned + [await self._traverse(t, params) for t in query.traversals]

    async def _select(self, plan: SelectPlan, params: Sequence[Any]) -> ResultSet:
        if plan.query.pre_dml:
            return await self.write_atomically(lambda: self._select_with_dml(plan, params))
        if plan.query.lock is not None:
            return await self._select_locking(plan, params)
        scanned = await self._read(plan.query, params)
        return await self._select_rows(plan, scanned, params)

    async def _select_locking(self, plan: SelectPlan, params: Sequence[Any]) -> ResultSet:
        """SELECT ... FOR UPDATE/SHARE: Kuzu has no row locks, so the statement takes the
        node's writer lock (held until the transaction ends, like a row lock) and reads
        inside the write transaction; no other transaction can change what it read."""
        if self.in_block and self.tx_read_only:
            raise ReadOnlySqlTransaction(
                "cannot execute SELECT FOR UPDATE in a read-only transaction"
            )
        if plan.query.lock == "nowait" and not self._holds_writer and self.engine.writer.locked():
            tables = [t.table.name for s in plan.query.scans for t in s.segments]
            where = f' in relation "{tables[0]}"' if tables else ""
            raise LockNotAvailable(f"could not obtain lock on row{where}")

        async def read() -> ResultSet:
            scanned = await self._read(plan.query, params)
            return await self._select_rows(plan, scanned, params)

        return await self.write_atomically(read)

    async def _select_with_dml(self, plan: SelectPlan, params: Sequence[Any]) -> ResultSet:
        """WITH x AS (INSERT/UPDATE/DELETE ... RETURNING ...) SELECT ...: the query's scans
        see the rows as before the statement; each data-modifying statement runs once and
        the query sees its RETURNING rows (after the scanned rows, see QueryPlan.pre_dml)."""
        scanned = await self._read(plan.query, params)
        for dml in plan.query.pre_dml:
            if isinstance(dml, InsertPlan):
                result = await self._insert(dml, params)
            elif isinstance(dml, UpdatePlan):
                result = await self._update(dml, params)
            else:
                result = await self._delete(dml, params)
            scanned.append(result.rows)
        return await self._select_rows(plan, scanned, params)

    async def _select_rows(
        self, plan: SelectPlan, scanned: list[list[tuple[Any, ...]]], params: Sequence[Any]
    ) -> ResultSet:
        ctx = _EvalContext(self)
        if sum(len(r) for r in scanned) > 2000:
            rows = await asyncio.to_thread(plan.query.run, scanned, params, ctx)
        else:
            rows = plan.query.run(scanned, params, ctx)
        return ResultSet(plan.query.columns, rows, f"SELECT {len(rows)}")

    def _writer(self, table: TableDef) -> TableWriter:
        async def run(cypher: str, kparams: dict[str, Any]) -> KuzuResult:
            return await self.run_cypher(cypher, kparams, write=True, logged=False)

        current = self.catalog().lookup(table.name, table.schema)
        return TableWriter(
            self.catalog(),
            current,
            run,
            self.format_context(),
            events=RowEvents(self._changes),
            rowids=self._rowids,
            deferred=self._deferred,
        )

    async def _rowids(self, table: TableDef, count: int) -> list[int]:
        """Hidden row ids for new rows of a table without a usable key: one past the
        largest in use, remembered per table (ids a rolled-back transaction took stay
        unused)."""
        next_ids = self.store.next_rowids
        first = next_ids.get(table.kuzu_name)
        if first is None:
            found = await self.run_cypher(
                f"MATCH (n:{quote(table.kuzu_name)}) RETURN max(n.{quote(ROWID)})", {}, write=False
            )
            top = found.rows[0][0] if found.rows else None
            first = 0 if top is None else top + 1
        next_ids[table.kuzu_name] = first + count
        return list(range(first, first + count))

    async def _nextvals(self, sequence: str, count: int) -> list[int]:
        """Reserve `count` values of a sequence (column defaults, in a write transaction).

        Like PostgreSQL's, sequences are not transactional: values handed out stay used
        when the transaction rolls back (kuzugres.sequences). The high-water mark is
        stored in the writing transaction.
        """
        seq = self.catalog().sequences.get(sequence)
        if seq is None:
            raise UndefinedTable(f'relation "{sequence}" does not exist')
        state = self.store.sequences
        before = state.current(seq)
        values = state.nextvals(seq, count)
        if values:
            self.session_sequences.got(seq.qualified, values[-1])
            if self._in_batch:  # a failed batch hands them back (`undo_batch`)
                first = self._batch_taken.get(seq.qualified, (before, before))[0]
                self._batch_taken[seq.qualified] = (first, state.current(seq))
        await self._save_sequences()
        return values

    async def _save_sequences(self) -> None:
        """Store the high-water marks of sequences changed by nextval/setval.

        In a write transaction (or outside a block) now; inside a block that has not
        written yet they stay pending until the node's next write.
        """
        state = self.store.sequences
        dirty = state.dirty()
        if not dirty:
            return
        if self.in_block and self._kuzu_tx != "write":
            return
        if self.in_block and self.tx_read_only:
            return
        for cypher, params in CatalogStore.sequence_save_statements(dirty):
            await self.run_cypher(cypher, params, write=True)
        state.saved(dirty)

    async def _link_foreign_keys(self, catalog: Catalog) -> Catalog:
        """Create the REL TABLE (and edges for existing rows) of every new foreign key,
        then of every new link table (decision 0010)."""
        linked = with_rel_tables(catalog)
        for table in linked.tables.values():
            before = catalog.tables[table.qualified].constraints
            for con, was in zip(table.constraints, before, strict=True):
                if con.rel_table is None or was.rel_table is not None:
                    continue
                schema, _, name = (con.ref_table or "").partition(".")
                parent = linked.find(name, schema)
                assert parent is not None
                await self.run_cypher(
                    f"CREATE REL TABLE {quote(con.rel_table)}(FROM {quote(table.kuzu_name)} "
                    f"TO {quote(parent.kuzu_name)})",
                    {},
                    write=True,
                )
                on = " AND ".join(
                    f"c.{quote(a)} = p.{quote(b)}"
                    for a, b in zip(con.columns, con.ref_columns, strict=True)
                )
                await self.run_cypher(
                    f"MATCH (c:{quote(table.kuzu_name)}), (p:{quote(parent.kuzu_name)}) "
                    f"WHERE {on} CREATE (c)-[:{quote(con.rel_table)}]->(p)",
                    {},
                    write=True,
                )
        for table in linked.tables.values():
            edges = link_edges(linked, table)
            if edges is None or catalog.tables[table.qualified].link_rel is not None:
                continue
            pair = link_of(linked, table)
            assert pair is not None and table.link_rel is not None
            p = quote(pair[2].kuzu_name)
            await self.run_cypher(
                f"CREATE REL TABLE {quote(table.link_rel)}(FROM {p} TO {p}, k {key_type(table)})",
                {},
                write=True,
            )
            await self.run_cypher(f"MATCH {edges[0]} {edges[1]}", {}, write=True)
        return linked

    async def _ddl_data(self, result: DdlResult) -> None:
        """Backfill and validate existing rows for ALTER TABLE / CREATE UNIQUE INDEX."""

        async def run(cypher: str, kparams: dict[str, Any]) -> KuzuResult:
            return await self.run_cypher(cypher, kparams, write=True)

        async def nextvals(name: str, count: int) -> list[int]:
            return self.store.sequences.nextvals(result.catalog.sequences[name], count)

        steps = DataSteps(run, self.format_context(), _EvalContext(self), nextvals)
        path = self.translation_catalog().search_path
        with T.user_types(result.catalog.with_search_path(path)):  # defaults, checks
            await steps.run_all(result.data)

    async def _apply_defaults(
        self,
        rows: list[list[Any]],
        missing: list[list[bool]],
        defaults: Sequence[Any],
        params: Sequence[Any],
    ) -> None:
        ctx = _EvalContext(self)
        for ci, default in enumerate(defaults):
            need = [ri for ri, m in enumerate(missing) if m[ci]]
            if not need or default is None:
                continue
            if default.sequence is not None:
                values = await self._nextvals(default.sequence, len(need))
                for ri, v in zip(need, values, strict=True):
                    rows[ri][ci] = v
            else:
                for ri in need:
                    rows[ri][ci] = default.expr.evaluate((), params, ctx)

    def _returning(
        self, plan: Any, rows: Sequence[Sequence[Any]], params: Sequence[Any]
    ) -> ResultSet:
        tag = {InsertPlan: "INSERT 0", UpdatePlan: "UPDATE", DeletePlan: "DELETE"}[type(plan)]
        if plan.returning is None:
            return ResultSet(None, [], f"{tag} {len(rows)}")
        ctx = _EvalContext(self)
        out = [tuple(e.evaluate(r, params, ctx) for e in plan.returning.exprs) for r in rows]
        return ResultSet(plan.returning.columns, out, f"{tag} {len(rows)}")

    # ------------------------------------------------------------------ batched INSERT
    def batchable(self, stmt: Statement) -> bool:
        """Whether executions of `stmt` may run as one batch (`execute_batch`): a
        one-row INSERT ... VALUES of parameters and constants, without RETURNING or ON
        CONFLICT, planned against the current schema, outside time travel."""
        plan = stmt.plan
        return (
            isinstance(plan, InsertPlan)
            and plan.query is None
            and len(plan.values) == 1
            and not plan.value_scans
            and plan.returning is None
            and plan.on_conflict is None
            and plan.catalog_version == self.catalog().version
            and self._as_of is None
            and not self._as_of_changed()
            and not self.failed
        )

    async def undo_batch(self, sp: Savepoint) -> None:
        """Undo a failed `execute_batch`: `rewind` to `sp`, and hand back the sequence
        values it took where no one has taken one since, so running the rows one by one
        numbers them as PostgreSQL would have."""
        state = self.store.sequences
        for name, (before, after) in self._batch_taken.items():
            if state.values.get(name) == after:
                state.values[name] = before
        self._batch_taken = {}
        await self.rewind(sp)

    async def execute_batch(self, stmt: Statement, params: Sequence[Sequence[Any]]) -> None:
        """Run several executions of one `batchable` INSERT as a single multi-row INSERT
        (the protocol's pipelines: executemany, JDBC batches). Each row is what its own
        execution would write; when this raises, the caller rewinds to its `mark` and
        runs the executions one by one, so errors come as PostgreSQL gives them."""
        plan = stmt.plan
        assert isinstance(plan, InsertPlan)
        self._stmt_start = dt.datetime.now(dt.UTC)
        if self._tx_start is None or not self.in_block:
            self._tx_start = self._stmt_start

        async def work() -> ResultSet:
            sources: list[list[Any]] = []
            for p in params:
                sources += await self._insert_sources(plan, p)
            return await self._insert_rows(plan, sources, params[0])

        self._batch_taken, self._in_batch = {}, True
        try:
            await self.write_atomically(work, "INSERT")
        finally:
            self._in_batch = False
        await self._save_sequences()

    async def _insert(self, plan: InsertPlan, params: Sequence[Any]) -> ResultSet:
        return await self._insert_rows(plan, await self._insert_sources(plan, params), params)

    async def _insert_sources(self, plan: InsertPlan, params: Sequence[Any]) -> list[list[Any]]:
        """The values an INSERT's query or VALUES gives, one list per row."""
        ctx = _EvalContext(self)
        sources: list[list[Any]] = []
        if plan.query is not None:
            scanned = await self._read(plan.query, params)
            for qrow in plan.query.run(scanned, params, ctx):
                sources.append(
                    [
                        c.evaluate(v, params, ctx)
                        for c, v in zip(plan.query_casts, qrow, strict=True)
                    ]
                )
        else:
            scanned = [await self._scan(scan, params) for scan in plan.value_scans]
            with evaluation(scanned, params, ctx):
                for vrow in plan.values:
                    sources.append(
                        [DEFAULT if e is DEFAULT else e.evaluate((), params, ctx) for e in vrow]
                    )
        return sources

    async def _insert_rows(
        self, plan: InsertPlan, sources: list[list[Any]], params: Sequence[Any]
    ) -> ResultSet:
        """Insert rows made of `sources` (defaults, checks, keys, RETURNING)."""
        ctx = _EvalContext(self)
        ncols = len(plan.table.columns)
        table = plan.table
        rows: list[list[Any]] = []
        missing: list[list[bool]] = []
        for src in sources:
            row: list[Any] = [None] * ncols
            miss = [True] * ncols
            for pos, value in zip(plan.positions, src, strict=False):
                if value is not DEFAULT:
                    row[pos] = value
                    miss[pos] = False
            rows.append(row)
            missing.append(miss)
        await self._apply_defaults(rows, missing, plan.defaults, params)
        writer = self._writer(table)
        for row in rows:
            writer.check_row(row, plan.checks, params, ctx)
        if plan.on_conflict == "nothing":
            rows = await writer.without_conflicts(rows, plan.conflict_columns)
        updated: list[tuple[Any, list[Any]]] = []
        replaced: list[Sequence[Any]] = []
        if plan.on_conflict == "update":
            rows, updated, replaced = await self._upsert(plan, writer, rows, params)
            for _, new in updated:
                writer.check_row(new, plan.checks, params, ctx)
        if updated:
            await writer.check_unique(rows + [n for _, n in updated], {k for k, _ in updated})
            await writer.check_references(rows + [n for _, n in updated])
        else:
            await writer.check_inserted(rows)
        keys = await writer.insert(rows)
        if updated:
            await writer.replace(updated, replaced)
        written = [tuple(r) + (k,) for r, k in zip(rows, keys, strict=True)]
        written += [tuple(n) + (k,) for k, n in updated]
        return self._returning(plan, written, params)

    async def _upsert(
        self, plan: InsertPlan, writer: TableWriter, rows: list[list[Any]], params: Sequence[Any]
    ) -> tuple[list[list[Any]], list[tuple[Any, list[Any]]], list[Sequence[Any]]]:
        """ON CONFLICT (cols) DO UPDATE: split proposed rows into inserts and updates (and
        the updated rows' previous values)."""
        ctx = _EvalContext(self)
        table = writer.table
        cons = [
            c
            for c in table.constraints
            if c.kind in ("p", "u") and set(c.columns) == set(plan.conflict_columns)
        ]
        if not cons:
            raise InvalidColumnReference(
                "there is no unique or exclusion constraint matching the ON CONFLICT specification"
            )
        idx = [writer._index(c) for c in cons[0].columns]
        existing = await self._scan(TableScan(table, table.name), params)
        current: dict[tuple[Any, ...], tuple[Any, ...] | None] = {}
        for row in existing:
            key = tuple(row[i] for i in idx)
            if None not in key:
                current[key] = row
        inserts: list[list[Any]] = []
        updates: list[tuple[Any, list[Any]]] = []
        olds: list[Sequence[Any]] = []
        touched: set[Any] = set()
        for proposed in rows:
            key = tuple(proposed[i] for i in idx)
            if None in key or key not in current:
                inserts.append(proposed)
                if None not in key:
                    current[key] = None  # inserted by this command
                continue
            old = current[key]
            if old is None or old[-1] in touched:
                raise CardinalityViolation(
                    "ON CONFLICT DO UPDATE command cannot affect row a second time",
                    hint="Ensure that no rows proposed for insertion within the same command "
                    "have duplicate constrained values.",
                )
            touched.add(old[-1])
            combined = tuple(old) + tuple(proposed)
            if plan.conflict_where is not None and (
                plan.conflict_where.evaluate(combined, params, ctx) is not True
            ):
                continue
            new = list(old[:-1])
            for ci, expr in plan.conflict_sets:
                if expr is DEFAULT:
                    default = plan.defaults[ci]
                    new[ci] = None
                    if default is not None:
                        await self._apply_defaults(
                            [new], [[i == ci for i in range(len(new))]], plan.defaults, params
                        )
                else:
                    new[ci] = expr.evaluate(combined, params, ctx)
            updates.append((old[-1], new))
            olds.append(old[:-1])
        return inserts, updates, olds

    async def _matching(
        self, plan: UpdatePlan | DeletePlan, params: Sequence[Any]
    ) -> tuple[list[Any], list[Any]]:
        """The target rows a WHERE selects; with FROM/USING, each target row's first match
        (its slots followed by the joined items' slots). Also returns what was scanned
        (subqueries in SET need it)."""
        ctx = _EvalContext(self)
        scanned: list[Any] = []
        if plan.joined is None:
            rows = await self._scan(plan.scan, params)
        else:
            scanned = [await self._scan(s, params) for s in plan.joined.scans]
            rows = plan.joined.rows(scanned, params, ctx)
        if plan.where is not None:
            where = plan.where
            with evaluation(scanned, params, ctx):
                rows = [r for r in rows if where.evaluate(r, params, ctx) is True]
        if plan.joined is not None:
            first: dict[Any, Any] = {}
            width = plan.joined.width
            for r in rows:
                first.setdefault(r[width - 1], r)
            rows = list(first.values())
        return rows, scanned

    async def _update(self, plan: UpdatePlan, params: Sequence[Any]) -> ResultSet:
        ctx = _EvalContext(self)
        old_rows, scanned = await self._matching(plan, params)
        writer = self._writer(plan.table)
        new_rows: list[list[Any]] = []
        with evaluation(scanned, params, ctx):
            width = plan.joined.width if plan.joined is not None else None
            for old in old_rows:
                new = list(old[: (width - 1) if width else -1])
                defaults_needed = [False] * len(new)
                for ci, expr in plan.sets:
                    if expr is DEFAULT:
                        defaults_needed[ci] = True
                        new[ci] = None
                    else:
                        new[ci] = expr.evaluate(old, params, ctx)
                new_rows.append(new)
                if any(defaults_needed):
                    await self._apply_defaults([new], [defaults_needed], plan.defaults, params)
        for new in new_rows:
            writer.check_row(new, plan.checks, params, ctx)
        if width:
            old_rows = [tuple(o[:width]) for o in old_rows]
        keys = [old[-1] for old in old_rows]
        await writer.check_unique(new_rows, set(keys))
        await writer.check_references(new_rows)
        await writer.check_referenced_update(old_rows, new_rows)
        await writer.replace(list(zip(keys, new_rows, strict=True)), [old[:-1] for old in old_rows])
        written = [tuple(n) + (k,) for n, k in zip(new_rows, keys, strict=True)]
        return self._returning(plan, written, params)

    async def _delete(self, plan: DeletePlan, params: Sequence[Any]) -> ResultSet:
        rows, _ = await self._matching(plan, params)
        if plan.joined is not None:
            rows = [tuple(r[: plan.joined.width]) for r in rows]
        writer = self._writer(plan.table)
        await writer.delete_rows(rows)
        return self._returning(plan, rows, params)

    # ------------------------------------------------------------------ EXPLAIN
    async def _explain(
        self, plan: ExplainPlan, stmt: Statement, params: Sequence[Any]
    ) -> ResultSet:
        inner = plan.inner
        if not isinstance(
            inner, SelectPlan | InsertPlan | UpdatePlan | DeletePlan | CypherPlan | ConstantPlan
        ):
            raise FeatureNotSupported(f"EXPLAIN of {type(inner).__name__} is not supported")
        lines = explain_lines(plan)
        scans = plan_scans(inner)
        if plan.analyze:
            start = time.perf_counter()
            outcome = await self._dispatch(inner, stmt, params)
            elapsed = (time.perf_counter() - start) * 1000
            for scan in scans:
                kparams = self._scan_params(scan, params)
                what = scan_title(scan)
                if kparams is None:
                    lines.append(f"Kuzu {what}: skipped (nothing can match)")
                    continue
                profile = await self.run_cypher(
                    "PROFILE " + scan_cypher(scan), kparams, write=False
                )
                lines.append(f"Kuzu profile of the {what}:")
                lines += str(profile.rows[0][0]).splitlines()
            rows = len(outcome.rows) if isinstance(outcome, ResultSet) else 0
            lines.append(f"Rows: {rows}")
            lines.append(f"Execution Time: {elapsed:.3f} ms")
        return ResultSet((Column("QUERY PLAN", TEXT_OID),), [(line,) for line in lines], "EXPLAIN")

    # ------------------------------------------------------------------ SET / SHOW
    def _set(self, plan: SetPlan) -> ResultSet:
        name = plan.name.lower()
        if name in ("transaction_isolation", "transaction_read_only"):
            if name == "transaction_isolation":
                return self._set_transaction(SetTransactionPlan(plan.value, None))
            ro = plan.value is not None and plan.value.lower() in ("on", "true", "1", "yes")
            return self._set_transaction(SetTransactionPlan(None, ro))
        if plan.local and not self.in_tx_block:
            self._warn(
                NoActiveSqlTransaction("SET LOCAL can only be used in transaction blocks"),
            )
        value = plan.value
        if name == "kuzugres.as_of":
            value = self._check_as_of(value)
            self._as_of_mark = self.settings.savepoint()  # undone if no snapshot results
        self.settings.set(plan.name, value, local=plan.local, in_tx=self.in_block)
        return ResultSet(None, [], plan.tag)

    def _check_as_of(self, value: str | None) -> str | None:
        """SET kuzugres.as_of: the moment (in the session's TimeZone) normalized to UTC;
        refused once the transaction holds a Kuzu transaction of the current state."""
        if self._conn is not None:
            raise ActiveSqlTransaction(
                "SET kuzugres.as_of must be called before any query of a transaction "
                "that reads or writes under a snapshot"
            )
        if value is None or not value.strip():
            return value
        if self.snapshots is None:
            raise FeatureNotSupported("kuzugres.as_of needs the node's event log")
        return format_as_of(parse_as_of(value, self.settings.get("TimeZone") or "UTC"))

    # ------------------------------------------------------------------ cursors
    def cursor_columns(self, name: str) -> tuple[Column, ...] | None:
        """The columns of cursor `name` (None: no such cursor), for Describe."""
        cursor = self.cursors.get(name)
        return cursor.columns if cursor is not None else None

    async def _declare(
        self, plan: DeclareCursorPlan, stmt: Statement, params: Sequence[Any]
    ) -> ResultSet:
        if not plan.hold and not self.in_tx_block:
            raise NoActiveSqlTransaction("DECLARE CURSOR can only be used in transaction blocks")
        if plan.name in self.cursors:
            raise DuplicateCursor(f'cursor "{plan.name}" already exists')
        query = plan.query
        version = getattr(query.plan, "catalog_version", None)
        if version is not None and version != self.catalog().version:
            fresh = self.translator.translate(
                stmt.sql, stmt.param_types, self.translation_catalog()
            )
            assert isinstance(fresh[0].plan, DeclareCursorPlan)
            query = fresh[0].plan.query
        result = await self._dispatch(query.plan, query, params)
        assert isinstance(result, ResultSet) and result.columns is not None
        self.cursors[plan.name] = Cursor(
            result.columns,
            list(result.rows),
            plan.hold,
            plan.scroll,
            self.in_block,
            stmt.sql,
            plan.binary,
            self._stmt_start,
        )
        return ResultSet(None, [], "DECLARE CURSOR")

    def _fetch(self, plan: FetchPlan) -> ResultSet:
        cursor = self.cursors.get(plan.name)
        if cursor is None:
            raise InvalidCursorName(f'cursor "{plan.name}" does not exist')
        n = len(cursor.rows)
        if plan.direction in ("absolute", "relative"):
            return self._fetch_one(cursor, plan)
        count = n + 1 if plan.count is None else plan.count
        if plan.direction == "backward":
            count = -count
        if count < 0 and not cursor.scroll:
            raise ObjectNotInPrerequisiteState(
                "cursor can only scan forward",
                hint="Declare it with SCROLL option to enable backward scan.",
            )
        rows: list[tuple[Any, ...]] = []
        if count > 0:
            rows = cursor.rows[cursor.pos : cursor.pos + count]
            cursor.pos = cursor.pos + count if len(rows) == count else n + 1
        elif count < 0:
            start = max(cursor.pos - 1 + count, 0)
            rows = cursor.rows[start : max(cursor.pos - 1, 0)][::-1]
            cursor.pos = cursor.pos + count if len(rows) == -count else 0
        elif 1 <= cursor.pos <= n:
            rows = [cursor.rows[cursor.pos - 1]]  # FETCH 0: the current row again
        if plan.move:
            return ResultSet(None, [], f"MOVE {len(rows)}")
        return ResultSet(cursor.columns, rows, f"FETCH {len(rows)}")

    def _fetch_one(self, cursor: Cursor, plan: FetchPlan) -> ResultSet:
        """FETCH ABSOLUTE/RELATIVE/FIRST/LAST: to one row (or before/after all rows)."""
        n, count = len(cursor.rows), plan.count or 0
        if plan.direction == "absolute":
            target = count if count >= 0 else n + 1 + count
        else:
            target = cursor.pos + count
        target = max(0, min(target, n + 1))
        if target < cursor.pos and not cursor.scroll:
            raise ObjectNotInPrerequisiteState(
                "cursor can only scan forward",
                hint="Declare it with SCROLL option to enable backward scan.",
            )
        cursor.pos = target
        rows = [cursor.rows[target - 1]] if 1 <= target <= n else []
        if plan.move:
            return ResultSet(None, [], f"MOVE {len(rows)}")
        return ResultSet(cursor.columns, rows, f"FETCH {len(rows)}")

    def _close_cursor(self, plan: CloseCursorPlan) -> ResultSet:
        if plan.name is None:
            self.cursors.clear()
        elif self.cursors.pop(plan.name, None) is None:
            raise InvalidCursorName(f'cursor "{plan.name}" does not exist')
        return ResultSet(None, [], "CLOSE CURSOR" if plan.name is not None else "CLOSE CURSOR ALL")

    def _end_cursors(self, *, commit: bool) -> None:
        """Transaction end: cursors without HOLD close, and those declared in a block that
        rolls back; the rest outlive it."""
        self.cursors = {
            name: c for name, c in self.cursors.items() if c.hold and (commit or not c.in_tx)
        }
        for c in self.cursors.values():
            c.in_tx = False

    async def _set_constraints(self, plan: ConstraintsSetPlan) -> ResultSet:
        """SET CONSTRAINTS: the mode of deferrable constraints for the rest of the block;
        those made IMMEDIATE have their pending checks run now, as in PostgreSQL."""
        if not self.in_tx_block:
            self._warn(
                NoActiveSqlTransaction("SET CONSTRAINTS can only be used in transaction blocks")
            )
        catalog = self.translation_catalog()
        state = self._deferred
        if plan.names is None:
            state.all_deferred = plan.deferred
            state.modes.clear()
        else:
            named: list[tuple[str, str]] = []
            for schema, name in plan.names:
                schemas = (schema,) if schema is not None else catalog.path_schemas()
                found = [
                    (table, con)
                    for table in catalog.tables.values()
                    if table.schema in schemas
                    for con in table.constraints
                    if con.name == name and not con.index_only
                ]
                if not found and not any(
                    t.schema in schemas and t.constraint_name_taken(name)
                    for t in catalog.tables.values()
                ):
                    raise UndefinedObject(f'constraint "{name}" does not exist')
                for table, con in found:
                    if con.deferrable:
                        named.append((table.schema, con.name))
                    elif plan.deferred:
                        raise WrongObjectType(f'constraint "{name}" is not deferrable')
            for key in named:
                state.modes[key] = plan.deferred
        if self.in_block and not plan.deferred and state.pending:
            await self._check_deferred(lambda t, c: not state.is_deferred(t, c))
        return ResultSet(None, [], "SET CONSTRAINTS")

    def _set_transaction(self, plan: SetTransactionPlan) -> ResultSet:
        if plan.session:
            if plan.isolation is not None:
                self.settings.set("default_transaction_isolation", plan.isolation)
            if plan.read_only is not None:
                self.settings.set(
                    "default_transaction_read_only", "on" if plan.read_only else "off"
                )
            return ResultSet(None, [], "SET")
        if not self.in_tx_block:
            self._warn(
                NoActiveSqlTransaction("SET TRANSACTION can only be used in transaction blocks")
            )
            return ResultSet(None, [], "SET")
        if self._kuzu_tx is not None and plan.isolation is not None:
            raise ActiveSqlTransaction(
                "SET TRANSACTION ISOLATION LEVEL must be called before any query"
            )
        if plan.isolation is not None:
            self.tx_isolation = plan.isolation
        if plan.read_only is not None:
            if not plan.read_only and self.tx_read_only and self._kuzu_tx is not None:
                raise InvalidTransactionState(
                    "transaction read-write mode must be set before any query"
                )
            self.tx_read_only = plan.read_only
        self._sync_tx_settings()
        return ResultSet(None, [], "SET")

    def _show(self, plan: ShowPlan) -> ResultSet:
        if plan.name == "all":
            rows = [tuple(r) for r in self.settings.all()]
            cols = (
                Column("name", TEXT_OID),
                Column("setting", TEXT_OID),
                Column("description", TEXT_OID),
            )
            return ResultSet(cols, rows, "SHOW")
        value = self.settings.get(plan.name)
        return ResultSet((Column(plan.name, TEXT_OID),), [(value,)], "SHOW")

    async def _discard(self, plan: DiscardPlan) -> ResultSet:
        if plan.what == "ALL":
            if self.in_block:
                raise ActiveSqlTransaction("DISCARD ALL cannot run inside a transaction block")
            self.settings.reset_all()
            self.session_sequences.reset()
            self.cursors.clear()
            return ResultSet(None, [], "DISCARD ALL", ("deallocate", None))
        if plan.what == "SEQUENCES":
            self.session_sequences.reset()
        return ResultSet(None, [], f"DISCARD {plan.what}")

    def _warn(self, err: PgError) -> None:
        err.severity = "WARNING"
        self.notices.append(err)

    # ------------------------------------------------------------------ COPY
    async def _table_columns(self, table: str) -> list[tuple[str, str]]:
        result = await self.run_cypher("CALL show_tables() RETURN name, type", {}, write=False)
        if not any(r[0] == table and r[1] == "NODE" for r in result.rows):
            raise UndefinedTable(f'relation "{table}" does not exist')
        info = await self.run_cypher(
            f"CALL table_info('{table}') RETURN name, type", {}, write=False
        )
        return [(r[0], r[1]) for r in info.rows]

    async def _copy(self, plan: CopyPlan, params: Sequence[Any]) -> Outcome:
        opts = plan.options
        fmt = CopyFormat(
            format=opts.format,
            delimiter=opts.delimiter,
            null=opts.null,
            header=opts.header,
            quote=opts.quote,
            escape=opts.escape,
        )
        if plan.table is not None and self.catalog().find(plan.table) is not None:
            return await self._copy_table(plan, fmt, params)
        if plan.table is not None:
            _check_identifier(plan.table)
            all_cols = await self._table_columns(plan.table)
            names = [c[0] for c in all_cols]
            wanted = list(plan.columns or names)
            for c in wanted:
                if c not in names:
                    raise PgError(
                        f'column "{c}" of relation "{plan.table}" does not exist',
                        sqlstate="42703",
                    )
            ktypes = {n: t for n, t in all_cols}
            if plan.direction == "from":
                self._refuse_write_as_of("COPY FROM")
                if self.in_block and self.tx_read_only:
                    raise ReadOnlySqlTransaction(
                        "cannot execute COPY FROM in a read-only transaction"
                    )
                return CopyInRequest(
                    plan.table,
                    tuple(wanted),
                    tuple(pg_type_for_kuzu(ktypes[c]).oid for c in wanted),
                    tuple(ktypes[c] for c in wanted),
                    CopyParser(fmt, wanted),
                )
            ret = ", ".join(f"n.{_quote_ident(c)}" for c in wanted)
            result = await self.run_cypher(
                f"MATCH (n:{_quote_ident(plan.table)}) RETURN {ret}", {}, write=False
            )
            columns = tuple(Column(c, pg_type_for_kuzu(ktypes[c]).oid) for c in wanted)
            rows = [
                tuple(
                    None if v is None else value_from_kuzu(ktypes[c], v)
                    for c, v in zip(wanted, r, strict=True)
                )
                for r in result.rows
            ]
            return self._copy_out(columns, rows, fmt)
        assert plan.query is not None
        inner = await self._dispatch(plan.query, Statement("", plan.query), params)
        if not isinstance(inner, ResultSet) or inner.columns is None:
            raise FeatureNotSupported("COPY (query) TO needs a query that returns rows")
        return self._copy_out(inner.columns, inner.rows, fmt)

    def _copy_out(
        self, columns: tuple[Column, ...], rows: list[tuple[Any, ...]], fmt: CopyFormat
    ) -> CopyOutResult:
        ctx = self.format_context()
        chunks = []
        if fmt.header:
            chunks.append(encode_header([c.name for c in columns], fmt))
        for r in rows:
            fields = [
                None if v is None else encode_text(c.type_oid, v, ctx).decode("utf-8")
                for c, v in zip(columns, r, strict=True)
            ]
            chunks.append(encode_row(fields, fmt))
        return CopyOutResult(len(columns), chunks, f"COPY {len(rows)}", fmt.format == "csv")

    async def _copy_table(self, plan: CopyPlan, fmt: CopyFormat, params: Sequence[Any]) -> Outcome:
        """COPY to or from a SQL table (through scans and the checked write path)."""
        assert plan.table is not None
        table = self.catalog().lookup(plan.table)
        names = [c.name for c in table.columns]
        wanted = list(plan.columns or names)
        for c in wanted:
            if c not in names:
                raise PgError(
                    f'column "{c}" of relation "{table.name}" does not exist', sqlstate="42703"
                )
        cols = [table.columns[names.index(c)] for c in wanted]
        if plan.direction == "from":
            self._refuse_write_as_of("COPY FROM")
            return CopyInRequest(
                table.name,
                tuple(wanted),
                tuple(c.type_oid for c in cols),
                tuple(c.kuzu_type for c in cols),
                CopyParser(fmt, wanted),
                sql_table=table,
            )
        rows = await self._scan(TableScan(table, table.name), params)
        idx = [names.index(c) for c in wanted]
        columns = tuple(Column(c.name, c.type_oid, c.typmod) for c in cols)
        return self._copy_out(columns, [tuple(r[i] for i in idx) for r in rows], fmt)

    async def _copy_into_table(self, req: CopyInRequest) -> ResultSet:
        """COPY FROM into a SQL table: defaults, constraints, one write transaction."""
        table = req.sql_table
        assert table is not None
        fmt = self.format_context()
        names = [c.name for c in table.columns]
        positions = [names.index(c) for c in req.columns]
        # the input function, then the column's typmod (char(n), varchar(n), numeric(p,s))
        typmods = [
            assignment_cast(c.type_oid, c) if c.typmod >= 0 else None
            for c in (table.columns[p] for p in positions)
        ]
        ctx = _EvalContext(self)
        rows: list[list[Any]] = []
        missing: list[list[bool]] = []
        for n, line in enumerate(req.rows, start=1):
            row: list[Any] = [None] * len(names)
            miss = [True] * len(names)
            for pos, oid, cast, text in zip(positions, req.types, typmods, line, strict=True):
                miss[pos] = False
                if text is not None:
                    try:
                        value = decode_text(oid, text.encode(), fmt)
                        row[pos] = value if cast is None else cast.evaluate(value, (), ctx)
                    except PgError as err:
                        err.detail = (
                            err.detail
                            or f'COPY {table.name}, line {n}, column {names[pos]}: "{text}"'
                        )
                        raise
            rows.append(row)
            missing.append(miss)

        async def work() -> int:
            await self._apply_defaults(rows, missing, dml_defaults(table), [])
            writer = self._writer(table)
            checks = dml_checks(table)
            ctx = _EvalContext(self)
            for row in rows:
                writer.check_row(row, checks, (), ctx)
            await writer.check_inserted(rows)
            await writer.insert(rows)
            return len(rows)

        count = await self.write_atomically(work)
        return ResultSet(None, [], f"COPY {count}")

    async def finish_copy_in(self, req: CopyInRequest) -> ResultSet:
        """Insert the parsed COPY rows into the node table in batches, as one write."""
        if req.sql_table is not None:
            return await self._copy_into_table(req)
        ctx = self.format_context()
        keys = [f"c{i}" for i in range(len(req.columns))]
        batch = [
            {
                key: None if text is None else decode_text(oid, text.encode(), ctx)
                for key, oid, text in zip(keys, req.types, line, strict=True)
            }
            for line in req.rows
        ]
        sets = ", ".join(
            f"{_quote_ident(c)}: CAST(r.{k} AS {kt})"
            for c, k, kt in zip(req.columns, keys, req.kuzu_types, strict=True)
        )
        cypher = f"UNWIND $rows AS r CREATE (:{_quote_ident(req.table)} {{{sets}}})"

        async def work() -> None:
            for i in range(0, len(batch), 2000):
                await self.run_cypher(cypher, {"rows": batch[i : i + 2000]}, write=True)

        await self.write_atomically(work)  # one Kuzu write transaction for the whole COPY
        return ResultSet(None, [], f"COPY {len(batch)}")


_TXIDS = itertools.count(1)  # txid_current() without an event log (tests)
_IDENT = re.compile(r"^[^\x00`]{1,63}$")


def _small_depth(scan: TraversalScan, params: Sequence[Any], ctx: Any) -> bool:
    """Whether the start depth leaves room for 30 more steps in any integer type (a
    depth column then cannot overflow, so counting the walks gives PostgreSQL's answer)."""
    if scan.start_depth is None:
        return True
    d = scan.start_depth.evaluate((), params, ctx)
    return isinstance(d, int) and -30000 < d < 30000


def _check_identifier(name: str) -> None:
    if not _IDENT.match(name):
        raise PgError(f'invalid name "{name}"', sqlstate="42602")


def _quote_ident(name: str) -> str:
    """Quote a Kuzu identifier (names are validated: no backticks, no NUL)."""
    _check_identifier(name)
    return f"`{name}`"


# Parameters bound into user Cypher: Kuzu narrows Python ints by value (3 becomes
# INT8, so 100 * 100 overflows); wrap each $name in a CAST to a wide type, except where
# Kuzu insists on a bare parameter (SKIP/LIMIT).
_PARAM = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/|"
    r"(?P<skip>\b(?:SKIP|LIMIT)\s+)?\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)",
    re.DOTALL | re.IGNORECASE,
)


def _kuzu_json_type(value: Any) -> str | None:
    if isinstance(value, bool):
        return "BOOL"
    if isinstance(value, int):
        return "INT64" if -(2**63) <= value < 2**63 else None
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, str):
        return "STRING"
    return None


def typed_cypher(cypher: str, values: dict[str, Any]) -> str:
    """Give every scalar parameter an explicit Kuzu type (the text gets no values)."""
    signature = tuple(sorted((k, _kuzu_json_type(v)) for k, v in values.items()))
    return _typed_cypher(cypher, signature)


@functools.lru_cache(maxsize=1024)
def _typed_cypher(cypher: str, signature: tuple[tuple[str, str | None], ...]) -> str:
    types = dict(signature)

    def sub(m: re.Match[str]) -> str:
        name = m.group("name")
        if name is None or m.group("skip") or types.get(name) is None:
            return m.group(0)
        return f"CAST(${name} AS {types[name]})"

    return _PARAM.sub(sub, cypher)


_DIRECT = {
    ("INT64", 20),
    ("INT32", 23),
    ("INT16", 21),
    ("STRING", 25),
    ("DOUBLE", 701),
    ("BOOL", 16),
    ("STRING", 1043),
    ("FLOAT", 700),
}


def _converter(kuzu_type: str, to_oid: int, ctx: FormatContext) -> Any:
    """Per-column conversion of Kuzu values to the declared PostgreSQL type."""
    if (kuzu_type, to_oid) in _DIRECT:
        return lambda v: v
    return lambda v: coerce(value_from_kuzu(kuzu_type, v), to_oid, ctx)


def coerce(value: Any, to_oid: int, ctx: FormatContext) -> Any:
    """Convert a value to the declared column type by I/O conversion (PostgreSQL's rule)."""
    from_oid = python_type_oid(value)
    if from_oid == to_oid or (to_oid in (25, 1043, 114, 3802) and isinstance(value, str)):
        return value
    if to_oid in (20, 21, 23) and isinstance(value, int) and not isinstance(value, bool):
        return decode_text(to_oid, str(value).encode(), ctx)  # range check
    if to_oid in (700, 701) and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return decode_text(to_oid, encode_text(from_oid, value, ctx), ctx)


class _EvalContext:
    """What SQL functions see of the session (translator.expr.EvalContext)."""

    def __init__(self, ex: SessionExecutor) -> None:
        self._ex = ex
        self.user = ex.info.user
        self.database = ex.info.database
        self.backend_pid = ex.info.backend_pid
        self.timezone = ex.settings.get("TimeZone") or "UTC"
        self.extra_float_digits = int(ex.settings.get("extra_float_digits") or 1)

    def setting(self, name: str, missing_ok: bool = False) -> str | None:
        return self._ex.settings.get(name, missing_ok=missing_ok)

    def set_setting(self, name: str, value: str | None, is_local: bool) -> str:
        return self._ex.settings.set(name, value, local=is_local, in_tx=self._ex.in_block)

    def transaction_timestamp(self) -> dt.datetime:
        return self._ex._tx_start or self._ex._stmt_start

    def transaction_id(self) -> int:
        """txid_current(): one id per transaction, taken when first asked for, unique on
        the node and increasing (a hybrid clock reading: never reused, also across
        restarts)."""
        ex = self._ex
        if ex._txid is None:
            ex._txid = ex.journal.clock.now() if ex.journal is not None else next(_TXIDS)
        return ex._txid

    def statement_timestamp(self) -> dt.datetime:
        return self._ex._stmt_start

    def settings_rows(self) -> list[tuple[str, str, str, bool]]:
        """pg_settings: (name, value, description, read only) of every setting."""
        return [
            (name, value, description, SETTINGS[name.lower()].read_only)
            for name, value, description in self._ex.settings.all()
        ]

    def cursor_rows(self) -> list[tuple[str, str, bool, bool, bool, dt.datetime]]:
        """pg_cursors: (name, statement, holdable, binary, scrollable, creation time)."""
        return [
            (name, c.statement, c.hold, c.binary, c.scroll, c.created)
            for name, c in self._ex.cursors.items()
        ]

    def sequence_state(self, seq: SequenceDef) -> tuple[int, bool]:
        """pg_sequences: the sequence's last value and whether it was handed out."""
        return self._ex.store.sequences.current(seq)

    def format_context(self) -> FormatContext:
        """How values print and parse for the session (cached by the executor)."""
        return self._ex.format_context()

    def catalog(self) -> Catalog:
        """The schema snapshot the session's statements are translated against."""
        return self._ex.translation_catalog()

    def history_rows(
        self, table: TableDef, current: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """kuzugres.history(table): every version of every row (kuzugres.history);
        `current` is the table's scanned rows."""
        return history_rows(self._ex.history_index(), table, current, self)

    def schema_history_rows(self) -> list[tuple[Any, ...]]:
        """kuzugres.schema_history(): every DDL statement (kuzugres.history)."""
        return schema_rows(self._ex.history_index())

    def version(self) -> str:
        return (
            f"PostgreSQL {PG_SERVER_VERSION} (kuzugres {__version__} on Kuzu) "
            "on x86_64-pc-linux-gnu, compiled by kuzugres, 64-bit"
        )

    # sequences (kuzugres.sequences); the executor stores changed ones after the statement
    def nextval(self, name: str) -> int:
        seq = resolve_sequence(self._ex.translation_catalog(), name)
        self._ex._refuse_write_as_of("nextval()")
        value = self._ex.store.sequences.nextvals(seq, 1)[0]
        self._ex.session_sequences.got(seq.qualified, value)
        return value

    def currval(self, name: str) -> int:
        seq = resolve_sequence(self._ex.translation_catalog(), name)
        return currval(self._ex.session_sequences, seq)

    def setval(self, name: str, value: int, is_called: bool = True) -> int:
        seq = resolve_sequence(self._ex.translation_catalog(), name)
        self._ex._refuse_write_as_of("setval()")
        self._ex.store.sequences.setval(seq, value, is_called)
        if is_called:
            self._ex.session_sequences.last[seq.qualified] = value
        return value

    def lastval(self) -> int:
        return lastval(self._ex.session_sequences, self._ex.catalog())
