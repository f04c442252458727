"""What the translator hands the session: one plan per SQL statement.

Plans are values (frozen dataclasses) so a translated statement can be cached and
shared between sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from kuzugres.translator.ddl import DdlPlan
from kuzugres.translator.dml import DeletePlan, InsertPlan, SelectPlan, UpdatePlan

if TYPE_CHECKING:
    from kuzugres.translator.expr import Column, ConstantSelect


@dataclass(frozen=True)
class TransactionPlan:
    """BEGIN/START/COMMIT/END/ROLLBACK/SAVEPOINT ..."""

    action: str  # begin, commit, rollback, savepoint, release, rollback_to, prepare, ...
    isolation: str | None = None
    read_only: bool | None = None
    chain: bool = False
    savepoint: str | None = None
    tag: str = ""  # the command tag when it differs from the action (START TRANSACTION)


@dataclass(frozen=True)
class SetPlan:
    """SET [LOCAL] name = value; value None means DEFAULT (RESET name is the same)."""

    name: str
    value: str | None
    local: bool = False
    tag: str = "SET"


@dataclass(frozen=True)
class SetTransactionPlan:
    """SET TRANSACTION ... / SET SESSION CHARACTERISTICS AS TRANSACTION ..."""

    isolation: str | None
    read_only: bool | None
    session: bool = False


@dataclass(frozen=True)
class TableAsPlan:
    """CREATE TABLE ... AS query [WITH [NO] DATA] and SELECT ... INTO: a CREATE TABLE with
    the query's columns, then (with data) an INSERT ... query, in one transaction; the
    INSERT is translated once the table exists (kuzugres.executor)."""

    create_sql: str
    insert_sql: str | None  # None: WITH NO DATA


@dataclass(frozen=True)
class ConstraintsSetPlan:
    """SET CONSTRAINTS {ALL | name [, ...]} {DEFERRED | IMMEDIATE}: the mode of
    deferrable constraints for the rest of the transaction block."""

    names: tuple[tuple[str | None, str], ...] | None  # (schema, name); None: ALL
    deferred: bool


@dataclass(frozen=True)
class DeclareCursorPlan:
    """DECLARE name [NO SCROLL] CURSOR [WITH HOLD] FOR query.

    kuzugres runs the query at DECLARE and keeps its rows in the session (a cursor of
    PostgreSQL reads lazily; the rows are the same at READ COMMITTED, where the snapshot
    is taken at DECLARE).
    """

    name: str
    query: Statement
    hold: bool
    scroll: bool
    binary: bool = False


@dataclass(frozen=True)
class FetchPlan:
    """FETCH/MOVE [FORWARD|BACKWARD|ABSOLUTE|RELATIVE] [count|ALL] [FROM|IN] name."""

    name: str
    direction: str  # forward, backward, absolute, relative
    count: int | None  # None: ALL
    move: bool


@dataclass(frozen=True)
class CloseCursorPlan:
    """CLOSE name / CLOSE ALL (name None)."""

    name: str | None


@dataclass(frozen=True)
class ResetAllPlan:
    """RESET ALL."""


@dataclass(frozen=True)
class ShowPlan:
    """SHOW name / SHOW ALL."""

    name: str


@dataclass(frozen=True)
class DeallocatePlan:
    """DEALLOCATE [PREPARE] name | ALL (name None): protocol-level statements too."""

    name: str | None


@dataclass(frozen=True)
class DiscardPlan:
    """DISCARD ALL | PLANS | SEQUENCES | TEMP."""

    what: str


@dataclass(frozen=True)
class ConstantPlan:
    """A SELECT without tables, evaluated in the translator's expression engine.

    `stable`: it calls something that is not immutable (now(), current_setting() ...).
    PostgreSQL folds immutable expressions while planning, so their errors come before
    the RowDescription; errors of the others come after it.
    """

    select: ConstantSelect
    stable: bool = False


@dataclass(frozen=True)
class CypherArg:
    """The optional parameter argument of cypher(): a bound $n or a constant JSON text."""

    param_index: int | None = None  # 0-based index of the $n parameter
    constant: str | None = None


@dataclass(frozen=True)
class CypherPlan:
    """SELECT ... FROM cypher($$ ... $$ [, params]) AS (col type, ...)."""

    cypher: str
    columns: tuple[Column, ...]
    arg: CypherArg | None
    is_write: bool
    projection: tuple[int, ...] | None = None  # which coldef columns the SELECT list keeps


@dataclass(frozen=True)
class RevertPlan:
    """SELECT kuzugres.revert_to(moment, tables) (translator.audit): `args` evaluates to
    (timestamptz, text[]); the executor writes the compensating changes."""

    args: ConstantSelect


@dataclass(frozen=True)
class CopyOptions:
    """COPY's WITH options (text and csv formats)."""

    format: str = "text"
    delimiter: str = "\t"
    null: str = "\\N"
    header: bool = False
    quote: str = '"'
    escape: str = '"'


@dataclass(frozen=True)
class CopyPlan:
    """COPY table FROM STDIN / COPY table|(query) TO STDOUT."""

    direction: str  # 'from' or 'to'
    table: str | None
    columns: tuple[str, ...] | None
    query: Plan | None
    options: CopyOptions = field(default_factory=CopyOptions)


@dataclass(frozen=True)
class ErrorPlan:
    """A later statement of a multi-statement query that failed analysis.

    PostgreSQL parses the whole string first but analyzes statement by statement, so
    the statements before it still run; executing this raises the error.
    """

    error: Exception


@dataclass(frozen=True)
class ExplainPlan:
    """EXPLAIN [ANALYZE] <statement>: the Kuzu part (Cypher) and the residual part."""

    inner: Plan
    analyze: bool
    residual: tuple[str, ...]  # the residual steps, in execution order


@dataclass(frozen=True)
class EmptyPlan:
    """An empty query string (EmptyQueryResponse)."""


Plan: TypeAlias = (
    TransactionPlan
    | SetPlan
    | SetTransactionPlan
    | ResetAllPlan
    | ConstraintsSetPlan
    | DeclareCursorPlan
    | FetchPlan
    | CloseCursorPlan
    | ShowPlan
    | DeallocatePlan
    | DiscardPlan
    | ConstantPlan
    | CypherPlan
    | RevertPlan
    | CopyPlan
    | EmptyPlan
    | ErrorPlan
    | DdlPlan
    | SelectPlan
    | InsertPlan
    | UpdatePlan
    | DeletePlan
    | ExplainPlan
)


@dataclass(frozen=True)
class Statement:
    """One translated SQL statement: its text, plan and parameter types."""

    sql: str
    plan: Plan
    param_types: tuple[int, ...] = ()
    columns: tuple[Column, ...] | None = None  # None: the statement returns no rows
