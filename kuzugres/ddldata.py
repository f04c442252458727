"""The data side of DDL: what ALTER TABLE and CREATE UNIQUE INDEX do to existing rows.

`translator.ddl` describes it as `DataStep`s (pure); this runs them inside the DDL's
Kuzu write transaction, after the Kuzu schema change and before the catalog is saved:
backfilling an added column's DEFAULT (in kuzugres's storage form, one value per row
for volatile defaults such as nextval) and validating existing rows against a new
NOT NULL, CHECK, UNIQUE, PRIMARY KEY or FOREIGN KEY with PostgreSQL's SQLSTATEs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from kuzugres.errcodes import CheckViolation, NotNullViolation, StringDataRightTruncation
from kuzugres.proxy.types import FormatContext, encode_text, format_type
from kuzugres.tables import RunCypher, TableWriter, rows_from_kuzu, scan_cypher, to_kuzu
from kuzugres.translator.catalog import ROWID, TableDef
from kuzugres.translator.ddl import (
    Backfill,
    DataStep,
    RequireNotNull,
    ValidateConstraint,
    ValidateLength,
    parse_expr,
    quote,
)
from kuzugres.translator.ddl_objects import unique_duplicate
from kuzugres.translator.expr import ParamTypes, compile_condition, compile_expr
from kuzugres.translator.query import TableScan, table_scope

NextVals = Callable[[str, int], Awaitable[list[int]]]


class DataSteps:
    """Runs DataSteps with the session's Cypher runner, formats and sequences."""

    def __init__(
        self, run: RunCypher, fmt: FormatContext, eval_ctx: Any, nextvals: NextVals
    ) -> None:
        self.run = run
        self.fmt = fmt
        self.eval_ctx = eval_ctx
        self.nextvals = nextvals

    async def run_all(self, steps: Sequence[DataStep]) -> None:
        for step in steps:
            if isinstance(step, Backfill):
                await self.backfill(step)
            elif isinstance(step, RequireNotNull):
                await self.require_not_null(step)
            elif isinstance(step, ValidateConstraint):
                await self.validate(step)
            elif isinstance(step, ValidateLength):
                await self.validate_length(step)

    async def _rows(self, table: TableDef) -> list[tuple[Any, ...]]:
        result = await self.run(scan_cypher(TableScan(table, table.name)), {})
        return rows_from_kuzu(table, result.rows, self.fmt)

    def _key_cast(self, table: TableDef) -> str:
        col = table.column(table.key)
        return "INT64" if table.key == ROWID or col is None else col.kuzu_type

    async def backfill(self, step: Backfill) -> None:
        table, col = step.table, step.column
        text = col.default or ""
        if text.startswith("nextval('") and text.endswith("')"):
            result = await self.run(
                f"MATCH (n:{quote(table.kuzu_name)}) RETURN n.{quote(table.key)}", {}
            )
            keys = [r[0] for r in result.rows]
            values = await self.nextvals(text[len("nextval('") : -2], len(keys))
            pairs = [
                {"k": k, "v": to_kuzu(col, v, self.fmt)} for k, v in zip(keys, values, strict=True)
            ]
            if pairs:
                await self.run(
                    f"UNWIND $rows AS r MATCH (n:{quote(table.kuzu_name)}) "
                    f"WHERE n.{quote(table.key)} = CAST(r.k AS {self._key_cast(table)}) "
                    f"SET n.{quote(col.name)} = CAST(r.v AS {col.kuzu_type})",
                    {"rows": pairs},
                )
            return
        sql = f"SELECT {text}"
        expr = compile_expr(
            parse_expr(text),
            sql,
            ParamTypes([]),
            None,
            expected_oid=col.type_oid,
            expected_typmod=col.typmod,
            target_name=col.name,
        )
        value = expr.evaluate((), (), self.eval_ctx)
        if value is None:
            return
        await self.run(
            f"MATCH (n:{quote(table.kuzu_name)}) SET n.{quote(col.name)} = "
            f"CAST($v AS {col.kuzu_type})",
            {"v": to_kuzu(col, value, self.fmt)},
        )

    async def require_not_null(self, step: RequireNotNull) -> None:
        table, col = step.table, step.column
        result = await self.run(
            f"MATCH (n:{quote(table.kuzu_name)}) WHERE n.{quote(col.name)} IS NULL RETURN count(*)",
            {},
        )
        if result.rows and result.rows[0][0]:
            raise NotNullViolation(
                f'column "{col.name}" of relation "{table.name}" contains null values',
            ).about(table, column=col.name)

    async def validate_length(self, step: ValidateLength) -> None:
        table, col = step.table, step.column
        limit = col.typmod - 4
        result = await self.run(
            f"MATCH (n:{quote(table.kuzu_name)}) WHERE size(n.{quote(col.name)}) > "
            f"CAST($m AS INT64) RETURN n.{quote(col.name)} LIMIT 1",
            {"m": limit},
        )
        for (value,) in result.rows:
            if col.type_oid == 1042 and len(value.rstrip(" ")) <= limit:
                continue
            raise StringDataRightTruncation(
                f"value too long for type {format_type(col.type_oid, col.typmod)}"
            )

    async def validate(self, step: ValidateConstraint) -> None:
        table, con = step.table, step.constraint
        if con.kind == "c" and con.check is not None:
            sql = f"SELECT {con.check}"
            from kuzugres.translator.expr import Scope

            cond = compile_condition(
                parse_expr(con.check),
                sql,
                ParamTypes([]),
                Scope(tuple(table_scope(table, table.name))),
                clause="CHECK",
            )
            for row in await self._rows(table):
                if cond.evaluate(row, (), self.eval_ctx) is False:
                    raise CheckViolation(
                        f'check constraint "{con.name}" of relation "{table.name}" is '
                        "violated by some row",
                    ).about(table, constraint=con.name)
        elif con.kind in ("p", "u"):
            idx = [next(i for i, c in enumerate(table.columns) if c.name == n) for n in con.columns]
            seen: set[tuple[Any, ...]] = set()
            for row in await self._rows(table):
                key = tuple(row[i] for i in idx)
                if any(v is None for v in key):
                    continue
                if key in seen:
                    shown = [
                        encode_text(table.columns[i].type_oid, v, self.fmt).decode()
                        for i, v in zip(idx, key, strict=True)
                    ]
                    raise unique_duplicate(con.name, con.columns, shown)
                seen.add(key)
        elif con.kind == "f":
            rows = [list(r[:-1]) for r in await self._rows(table)]
            writer = TableWriter(step.catalog, table, self.run, self.fmt)
            await writer.check_references(rows)
