"""Evaluate SELECT statements without FROM the way PostgreSQL 15 does.

`compile_select()` turns a pglast `SelectStmt` (or VALUES, or a UNION of them)
into a `ConstantSelect`: its result columns are fixed at compile time (types
resolved like PostgreSQL's parser does, including the types of `$n`
parameters), and `rows()` evaluates it against a session `EvalContext`.

The code is organised as dispatch tables, so that later work (tables) extends
it rather than rewriting it:

* `_NODE_COMPILERS`: one compiler per pglast expression node class
  (`@_compiles(ast.A_Const)`); registering twice is an error, a missing one
  raises FeatureNotSupported naming the construct and its position.
* `_OPERATORS`: one resolver per operator name (`@_operator("+", "-")`).
* `_FUNCTIONS`: overloads per function name (`_function(...)`), resolved the
  way PostgreSQL's func_select_candidate does, simplified.
* `_SQL_VALUE_FUNCTIONS`: CURRENT_USER, CURRENT_DATE, ...

Over table rows (the residual engine): `compile_expr()` compiles an expression
against a `Scope` (the row layout; ColumnRefs resolve through it) into a
`RowExpr` evaluated per row; `compile_condition()` does the same for WHERE-like
clauses; `compile_aggregate()` gives an `AggregateSpec` (new_state/step/final);
`sort_key()`, `compare()`, `group_key()` and `values_equal_for_grouping()` order
and group values like PostgreSQL's default btree opclasses with collation "C".
`Scope.outer` is reserved for correlated subqueries and not consulted yet.

Values follow the proxy's value model (see proxy/types.py): bool, int, float,
Decimal, str, bytes, date, time (aware for timetz), datetime (naive for
timestamp, aware for timestamptz), Interval, uuid.UUID, the OID for regtype and
lists for arrays. Type OIDs, names and text input/output all come from
proxy/types.py; this module only evaluates.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import random
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, Protocol

from pglast import ast, enums

from kuzugres.errcodes import (
    AmbiguousColumn,
    AmbiguousFunction,
    CannotCoerce,
    DatatypeMismatch,
    DatetimeFieldOverflow,
    DivisionByZero,
    FeatureNotSupported,
    IndeterminateDatatype,
    InvalidEscapeSequence,
    InvalidParameterValue,
    InvalidRegularExpression,
    InvalidRowCountInLimitClause,
    InvalidRowCountInResultOffsetClause,
    NumericValueOutOfRange,
    PgSyntaxError,
    UndefinedColumn,
    UndefinedFunction,
    UndefinedObject,
    UndefinedTable,
)
from kuzugres.errors import PgError, make_error
from kuzugres.proxy.types import (
    ANY,
    ANYARRAY,
    ANYELEMENT,
    ANYNONARRAY,
    BOOL,
    BPCHAR,
    BYTEA,
    DATE,
    DOMAIN_BASE,
    ENUM_LABELS,
    FLOAT4,
    FLOAT8,
    INT2,
    INT4,
    INT8,
    INTERVAL,
    JSON,
    JSONB,
    NAME,
    NUMERIC,
    OID,
    OID_ALIASES,
    RECORD,
    REGTYPE,
    TEXT,
    TIME,
    TIMESTAMP,
    TIMESTAMPTZ,
    TIMETZ,
    TYPES_BY_OID,
    UNKNOWN,
    UUID,
    VARCHAR,
    FormatContext,
    Interval,
    UserTypes,
    decode_text,
    dump_jsonb,
    encode_text,
    enum_order,
    enum_sort_key,
    format_type,
    is_enum,
    normalize_jsonb,
    parse_json,
    round_float4,
    time_zone,
    type_by_names,
)
from kuzugres.registry import registrar

# ---------------------------------------------------------------------------
# Types: the registry, names and text I/O are proxy/types.py's; what is here is
# only how expressions group them.

_INT_TYPES = (INT2, INT4, INT8)
_OID_LIKE = frozenset({OID} | OID_ALIASES)
_NUMERIC_LADDER = (INT2, INT4, INT8, NUMERIC, FLOAT4, FLOAT8)
_STRING_TYPES = (TEXT, VARCHAR, BPCHAR, NAME)


def _is_array(oid: int) -> bool:
    t = TYPES_BY_OID.get(oid)
    return t is not None and t.is_array


def _elem(oid: int) -> int:
    """The element type of array type `oid` (0 for a non-array)."""
    return TYPES_BY_OID[oid].elem_oid


def _array_of(oid: int) -> int:
    t = TYPES_BY_OID.get(oid)
    if t is None or not t.array_oid:
        raise FeatureNotSupported(f"arrays of type {format_type(oid)} are not supported yet")
    return t.array_oid


def _category(oid: int) -> str:
    t = TYPES_BY_OID.get(oid)
    return t.category if t else "U"


def _preferred(oid: int) -> bool:
    return TYPES_BY_OID[oid].preferred


def _to_text(oid: int, value: Any, fmt: FormatContext) -> str:
    """The output function of `oid`."""
    return encode_text(oid, value, fmt).decode()


_SESSION_DEFAULTS = FormatContext()


def _from_text(oid: int, text: str, fmt: FormatContext = _SESSION_DEFAULTS) -> Any:
    """The input function of `oid`, with its errors."""
    return decode_text(oid, text.encode(), fmt)


# ---------------------------------------------------------------------------
# Numeric helpers

_DEC = decimal.Context(prec=4000, rounding=decimal.ROUND_HALF_UP, Emax=999999, Emin=-999999)


def _numeric_norm(value: Decimal) -> Decimal:
    """A numeric with a non-negative display scale (1E+2 -> 100)."""
    exp = value.as_tuple().exponent
    if value.is_finite() and isinstance(exp, int) and exp > 0:
        return value.quantize(Decimal(1), context=_DEC)
    return value


def _dscale(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def _round_numeric(value: Decimal, scale: int) -> Decimal:
    if not value.is_finite():
        return value
    return _numeric_norm(
        value.quantize(Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP, context=_DEC)
    )


def _nbase_weight(value: Decimal) -> tuple[int, int]:
    """Weight and first digit of `value` in PostgreSQL's base-10000 representation."""
    if value.is_zero():
        return 0, 0
    a = abs(value)
    w = a.adjusted() // 4
    return w, int(a.scaleb(-4 * w, _DEC))


def _numeric_div(a: Decimal, b: Decimal) -> Decimal:
    if b.is_zero():
        raise DivisionByZero("division by zero")
    w1, f1 = _nbase_weight(a)
    w2, f2 = _nbase_weight(b)
    qweight = w1 - w2 - (1 if f1 <= f2 else 0)
    rscale = max(16 - qweight * 4, _dscale(a), _dscale(b), 0)
    rscale = min(rscale, 1000)
    return _round_numeric(_DEC.divide(a, b), rscale)


def _numeric_sqrt(a: Decimal) -> Decimal:
    if a < 0:
        raise make_error("2201F", "cannot take square root of a negative number")
    w, _ = _nbase_weight(a)
    sweight = (w + 1) * 4 // 2 - 1 if w + 1 >= 0 else -((-(w + 1) * 4) // 2) - 1
    rscale = min(max(16 - sweight, _dscale(a), 0), 1000)
    return _round_numeric(a.sqrt(_DEC), rscale)


def _numeric_power(a: Decimal, b: Decimal) -> Decimal:
    if a.is_zero() and b < 0:
        raise make_error("2201F", "zero raised to a negative power is undefined")
    if b == b.to_integral_value() and abs(b) < 10000:
        exact = _DEC.power(a, int(b)) if b >= 0 else _DEC.divide(Decimal(1), _DEC.power(a, -int(b)))
    else:
        if a < 0:
            raise make_error(
                "2201F", "a negative number raised to a non-integer power yields a complex result"
            )
        exact = _DEC.power(a, b)
    weight = exact.adjusted() if not exact.is_zero() else 0
    rscale = min(max(16 - weight, _dscale(a), _dscale(b), 0), 1000)
    return _round_numeric(exact, rscale)


# Arithmetic overflow, as the int operators and casts report it.
_INT_LIMITS = {
    INT2: (-(2**15), 2**15 - 1, "smallint out of range"),
    INT4: (-(2**31), 2**31 - 1, "integer out of range"),
    INT8: (-(2**63), 2**63 - 1, "bigint out of range"),
    OID: (-(2**31), 2**32 - 1, "OID out of range"),
}


def _check_int(oid: int, value: int) -> int:
    lo, hi, error = _INT_LIMITS[oid]
    if not lo <= value <= hi:
        raise NumericValueOutOfRange(error)
    return value


def _check_float(oid: int, value: float, *inputs: float) -> float:
    if math.isinf(value) and not any(math.isinf(i) for i in inputs):
        raise NumericValueOutOfRange("value out of range: overflow")
    if oid == FLOAT4:
        value = round_float4(value)
        if math.isinf(value) and not any(math.isinf(i) for i in inputs):
            raise NumericValueOutOfRange("value out of range: overflow")
    if value == 0.0 and inputs and all(i != 0.0 for i in inputs) and len(inputs) == 2:
        raise NumericValueOutOfRange("value out of range: underflow")
    return value


def _float8_to_float4(v: float) -> float:
    """dtof(): overflow and underflow are errors, infinities and NaN pass."""
    r = round_float4(v)
    if math.isinf(r) and not math.isinf(v):
        raise NumericValueOutOfRange("value out of range: overflow")
    if r == 0.0 and v != 0.0:
        raise NumericValueOutOfRange("value out of range: underflow")
    return r


def _int_div(a: int, b: int) -> int:
    if b == 0:
        raise DivisionByZero("division by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _int_mod(a: int, b: int) -> int:
    if b == 0:
        raise DivisionByZero("division by zero")
    return a - b * _int_div(a, b)


# ---------------------------------------------------------------------------
# Session interface and results


class EvalContext(Protocol):
    """What evaluation needs from the session (provided at run time)."""

    user: str
    database: str
    backend_pid: int
    timezone: str
    extra_float_digits: int

    def setting(self, name: str, missing_ok: bool = False) -> str | None:
        """current_setting(): the value of `name` (raises 42704 itself for unknown)."""
        ...

    def set_setting(self, name: str, value: str | None, is_local: bool) -> str:
        """set_config(): set `name` and return its new value."""
        ...

    def transaction_timestamp(self) -> dt.datetime:
        """Start of the current transaction, tz-aware UTC."""
        ...

    def transaction_id(self) -> int:
        """txid_current(): the current transaction's id."""
        ...

    def statement_timestamp(self) -> dt.datetime:
        """Start of the current statement, tz-aware UTC."""
        ...

    def version(self) -> str:
        """The text version() returns."""
        ...

    def nextval(self, name: str) -> int:
        """nextval(): the sequence's next value (kuzugres.sequences)."""
        ...

    def currval(self, name: str) -> int:
        """currval(): this session's last nextval of the sequence (55000 before one)."""
        ...

    def setval(self, name: str, value: int, is_called: bool = True) -> int:
        """setval(): set the sequence's current value; returns `value`."""
        ...

    def lastval(self) -> int:
        """lastval(): this session's last nextval of any sequence."""
        ...


@dataclass(frozen=True)
class Column:
    """One result column: name, type OID and type modifier.

    `table_oid`/`column` name the table column it comes from, as RowDescription reports
    it (pgjdbc and BI tools use them for metadata and updatable result sets); 0 for a
    computed column.
    """

    name: str
    type_oid: int
    typmod: int = -1
    table_oid: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)


@dataclass
class ParamTypes:
    """Types of `$n` parameters; 0 = unspecified (to be inferred from context)."""

    oids: list[int]

    def resolve(self, n: int, oid: int) -> int:
        """Fix the type of unspecified `$n` to `oid` (if still open); return its type."""
        while len(self.oids) < n:
            self.oids.append(0)
        if self.oids[n - 1] == 0:
            self.oids[n - 1] = oid
        return self.oids[n - 1]


@dataclass
class _Env:
    params: Sequence[object]
    ctx: EvalContext
    row: Sequence[object] = ()

    @property
    def fmt(self) -> FormatContext:
        # the session's (cached, resolving OID-alias names in its schema snapshot)
        session_format = getattr(self.ctx, "format_context", None)
        if session_format is not None:
            return session_format()  # type: ignore[no-any-return]
        return FormatContext(self.ctx.timezone, self.ctx.extra_float_digits)

    @property
    def tz(self) -> dt.tzinfo:
        return time_zone(self.ctx.timezone)


Fn = Callable[[_Env], Any]


@dataclass(frozen=True)
class Expr:
    """A compiled, typed expression.

    `literal` is set for an unknown-typed string literal and `param` for a `$n`
    whose type is still open: both take their type from context.
    """

    type: int
    fn: Fn
    location: int | None = -1
    typmod: int = -1
    literal: str | None = None
    param: int | None = None

    @property
    def is_null_literal(self) -> bool:
        return self.type == UNKNOWN and self.literal is None and self.param is None


def _const(oid: int, value: Any, location: int | None = -1, typmod: int = -1) -> Expr:
    return Expr(oid, lambda env: value, location, typmod)


# ---------------------------------------------------------------------------
# Casts

Converter = Callable[[Any, _Env], Any]


def _int_from(dst: int, src: int) -> Converter | None:
    if src in _INT_TYPES or src == OID:
        return lambda v, env: _check_int(dst, v)
    if src in (FLOAT4, FLOAT8):

        def from_float(v: float, env: _Env) -> int:
            if math.isnan(v) or math.isinf(v):
                raise NumericValueOutOfRange(_INT_LIMITS[dst][2])
            return _check_int(dst, round(v))

        return from_float
    if src == NUMERIC:

        def from_numeric(v: Decimal, env: _Env) -> int:
            if v.is_nan():
                raise FeatureNotSupported(f"cannot convert NaN to {format_type(dst)}")
            if v.is_infinite():
                raise FeatureNotSupported(f"cannot convert infinity to {format_type(dst)}")
            return _check_int(dst, int(v.to_integral_value(rounding=decimal.ROUND_HALF_UP)))

        return from_numeric
    if src == BOOL and dst == INT4:
        return lambda v, env: 1 if v else 0
    return None


def _float_to_numeric(v: float, digits: int) -> Decimal:
    if math.isnan(v):
        return Decimal("NaN")
    if math.isinf(v):
        return Decimal("Infinity") if v > 0 else Decimal("-Infinity")
    return _numeric_norm(Decimal(f"{v:.{digits}g}"))


def _tz_local(v: dt.datetime, env: _Env) -> dt.datetime:
    return v.astimezone(env.tz).replace(tzinfo=None)


def _tz_from_local(v: dt.datetime, env: _Env) -> dt.datetime:
    return v.replace(tzinfo=env.tz).astimezone(dt.UTC)


def _jsonb_scalar(dst: int) -> Converter:
    def conv(v: str, env: _Env) -> Any:
        parsed = parse_json(v)
        if dst == BOOL:
            if isinstance(parsed, bool):
                return parsed
            kind = "boolean"
        else:
            if isinstance(parsed, Decimal) and not isinstance(parsed, bool):
                num = _numeric_norm(parsed)
                if dst == NUMERIC:
                    return num
                if dst in (FLOAT4, FLOAT8):
                    return _check_float(dst, float(num))
                conv_int = _int_from(dst, NUMERIC)
                assert conv_int is not None
                return conv_int(num, env)
            kind = "numeric"
        found = {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
            type(parsed), "null"
        )
        if parsed is None:
            found = "null"
        raise InvalidParameterValue(
            f"cannot cast jsonb {found} to type {format_type(dst) if kind else kind}"
        )

    return conv


def _cast_converter(src: int, dst: int) -> Converter | None:
    """How to convert a value of type `src` to `dst` in an explicit cast, or None."""
    if src == dst:
        return lambda v, env: v
    if (src in _OID_LIKE or src in _INT_TYPES) and dst in _OID_LIKE:
        return _int_from(OID, src) if src == INT8 else lambda v, env: v
    if src in _OID_LIKE and dst in _INT_TYPES:
        return _int_from(dst, OID)
    if src in DOMAIN_BASE:  # a domain casts as its base type
        return _cast_converter(DOMAIN_BASE[src], dst)
    src_t, dst_t = TYPES_BY_OID.get(src), TYPES_BY_OID.get(dst)
    if src_t is None or dst_t is None:
        return None
    if dst in _STRING_TYPES:
        if src == BOOL:
            return lambda v, env: "true" if v else "false"
        if src == BPCHAR:
            return lambda v, env: v.rstrip(" ")
        if src in _STRING_TYPES:
            return lambda v, env: v
        if src == UNKNOWN:
            return lambda v, env: v
        return lambda v, env: _to_text(src, v, env.fmt)
    if src in _STRING_TYPES or src == UNKNOWN:
        return lambda v, env: _from_text(dst, v, env.fmt)
    if src_t.elem_oid and dst_t.elem_oid:
        inner = _cast_converter(src_t.elem_oid, dst_t.elem_oid)
        if inner is None:
            return None

        def each(v: list[Any], env: _Env) -> list[Any]:
            return [
                None if x is None else each(x, env) if isinstance(x, list) else inner(x, env)
                for x in v
            ]

        return each
    if dst in _INT_TYPES or dst == OID:
        return _int_from(dst, src) if src != JSONB else _jsonb_scalar(dst)
    if dst == FLOAT4 and src == FLOAT8:
        return lambda v, env: _float8_to_float4(v)
    if dst in (FLOAT4, FLOAT8):
        if src in _NUMERIC_LADDER or src == OID:
            return lambda v, env: _check_float(dst, float(v))
        if src == JSONB:
            return _jsonb_scalar(dst)
        return None
    if dst == NUMERIC:
        if src in _INT_TYPES or src == OID:
            return lambda v, env: Decimal(v)
        if src == FLOAT8:
            return lambda v, env: _float_to_numeric(v, 15)
        if src == FLOAT4:
            return lambda v, env: _float_to_numeric(v, 6)
        if src == JSONB:
            return _jsonb_scalar(dst)
        return None
    if dst == BOOL:
        if src == INT4:
            return lambda v, env: v != 0
        if src == JSONB:
            return _jsonb_scalar(dst)
        return None
    if dst == TIMESTAMP:
        if src == DATE:
            return lambda v, env: dt.datetime(v.year, v.month, v.day)
        if src == TIMESTAMPTZ:
            return _tz_local
        return None
    if dst == TIMESTAMPTZ:
        if src == DATE:
            return lambda v, env: _tz_from_local(dt.datetime(v.year, v.month, v.day), env)
        if src == TIMESTAMP:
            return _tz_from_local
        return None
    if dst == DATE:
        if src == TIMESTAMP:
            return lambda v, env: v.date()
        if src == TIMESTAMPTZ:
            return lambda v, env: _tz_local(v, env).date()
        return None
    if dst == TIME:
        if src == TIMESTAMP:
            return lambda v, env: v.time()
        if src == TIMESTAMPTZ:
            return lambda v, env: _tz_local(v, env).time()
        if src == INTERVAL:
            return lambda v, env: (
                dt.datetime(2000, 1, 1) + dt.timedelta(microseconds=v.microseconds % 86_400_000_000)
            ).time()
        if src == TIMETZ:
            return lambda v, env: v.replace(tzinfo=None)
        return None
    if dst == INTERVAL and src == TIME:
        return lambda v, env: Interval(
            0, 0, ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond
        )
    if dst == JSONB and src == JSON:
        return lambda v, env: normalize_jsonb(v)
    if dst == JSON and src == JSONB:
        return lambda v, env: v
    if dst == OID and src in _INT_TYPES:
        return lambda v, env: v
    if dst == REGTYPE and src in (OID, INT4, INT8):
        return lambda v, env: v  # a regtype is its OID
    return None


_IMPLICIT: set[tuple[int, int]] = set()
for _i, _a in enumerate(_NUMERIC_LADDER):
    for _b in _NUMERIC_LADDER[_i + 1 :]:
        _IMPLICIT.add((_a, _b))
_IMPLICIT |= {
    (VARCHAR, TEXT),
    (BPCHAR, TEXT),
    (NAME, TEXT),
    (TEXT, VARCHAR),
    (TEXT, BPCHAR),
    (TEXT, NAME),
    (VARCHAR, BPCHAR),
    (BPCHAR, VARCHAR),
    (VARCHAR, NAME),
    (BPCHAR, NAME),
    (DATE, TIMESTAMP),
    (DATE, TIMESTAMPTZ),
    (TIMESTAMP, TIMESTAMPTZ),
    (TIME, INTERVAL),
    (TIME, TIMETZ),
    (INT2, OID),
    (INT4, OID),
    (INT8, OID),
    (OID, REGTYPE),
    (INT4, REGTYPE),
    (INT2, REGTYPE),
    (INT8, REGTYPE),
}


def _can_implicit(src: int, dst: int) -> bool:
    if src == dst or src == UNKNOWN:
        return True
    if (src, dst) in _IMPLICIT:
        return True
    s, d = TYPES_BY_OID.get(src), TYPES_BY_OID.get(dst)
    if s and d and s.elem_oid and d.elem_oid:
        return _can_implicit(s.elem_oid, d.elem_oid)
    return False


def _typmod_converter(dst: int, typmod: int, explicit: bool) -> Converter | None:
    """Length/precision coercion for `dst(typmod)` (varchar(n), numeric(p,s), ...)."""
    if typmod < 0:
        return None
    if dst == NUMERIC:
        p, s = ((typmod - 4) >> 16) & 0xFFFF, (typmod - 4) & 0xFFFF

        def numeric_mod(v: Decimal, env: _Env) -> Decimal:
            if not v.is_finite():
                if v.is_nan():
                    return v
                raise NumericValueOutOfRange(
                    "numeric field overflow",
                    detail=f"A field with precision {p}, scale {s} cannot hold an infinite value.",
                )
            r = _round_numeric(v, s)
            if not r.is_zero() and r.adjusted() >= p - s:
                raise NumericValueOutOfRange(
                    "numeric field overflow",
                    detail=f"A field with precision {p}, scale {s} must round to an absolute value less than {'10^' + str(p - s) if p != s else '1'}.",
                )
            return r.quantize(Decimal(1).scaleb(-s), context=_DEC) if s >= 0 else r

        return numeric_mod
    if dst == VARCHAR:
        n = typmod - 4

        def varchar_mod(v: str, env: _Env) -> str:
            if len(v) <= n:
                return v
            if explicit or not v[n:].strip(" "):
                return v[:n]
            raise make_error("22001", f"value too long for type character varying({n})")

        return varchar_mod
    if dst == BPCHAR:
        n = typmod - 4

        def bpchar_mod(v: str, env: _Env) -> str:
            if len(v) > n:
                if explicit or not v[n:].strip(" "):
                    return v[:n]
                raise make_error("22001", f"value too long for type character({n})")
            return v.ljust(n)

        return bpchar_mod
    if dst in (TIMESTAMP, TIMESTAMPTZ, TIME, TIMETZ) and typmod < 6:
        unit = 10 ** (6 - typmod)

        def round_time(v: Any, env: _Env) -> Any:
            us = v.microsecond
            rounded = (
                int(Decimal(us / unit).to_integral_value(rounding=decimal.ROUND_HALF_UP)) * unit
            )
            if isinstance(v, dt.datetime):
                return v.replace(microsecond=0) + dt.timedelta(microseconds=rounded)
            base = dt.datetime(2000, 1, 1, v.hour, v.minute, v.second) + dt.timedelta(
                microseconds=rounded
            )
            return base.time().replace(tzinfo=v.tzinfo)

        return round_time
    return None


# ---------------------------------------------------------------------------
# Overloads: operators and functions share one resolution procedure


@dataclass(frozen=True)
class _Call:
    """What an implementation sees besides argument values."""

    env: _Env
    arg_types: tuple[int, ...]
    result_type: int


Impl = Callable[..., Any]


@dataclass(frozen=True)
class Overload:
    """One signature of a function or operator: argument types, result and implementation.

    `impl(call, *values)`; strict overloads return NULL for any NULL argument
    without calling `impl`. `variadic` repeats the last argument type.
    """

    args: tuple[int, ...]
    result: int
    impl: Impl
    strict: bool = True
    variadic: bool = False


def _simple(f: Callable[..., Any]) -> Impl:
    return lambda call, *values: f(*values)


#: PostgreSQL's anyenum: any user-defined enum type (comparisons, min/max, enum_range).
ANYENUM = 3500
_POLY = (ANY, ANYELEMENT, ANYARRAY, ANYNONARRAY, ANYENUM)
_ELEMENT_LIKE = (ANYELEMENT, ANYNONARRAY, ANYENUM)


def _expand(ov: Overload, n: int) -> tuple[int, ...] | None:
    if ov.variadic:
        if n < len(ov.args):
            return None
        return ov.args[:-1] + (ov.args[-1],) * (n - len(ov.args) + 1)
    return ov.args if len(ov.args) == n else None


def _poly_element(declared: Sequence[int], actual: Sequence[int]) -> int | None:
    """The element type polymorphic arguments agree on: 0 if none, None if they conflict."""
    elem = 0
    for d, a in zip(declared, actual, strict=True):
        if a == UNKNOWN:
            continue
        cand = 0
        if d in _ELEMENT_LIKE:
            cand = a
        elif d == ANYARRAY:
            cand = _elem(a)
        if cand:
            if elem and cand != elem:
                if _can_implicit(cand, elem):
                    continue
                if _can_implicit(elem, cand):
                    elem = cand
                    continue
                return None
            elem = elem or cand
    return elem


def _accepts(declared: int, actual: int) -> bool:
    if declared == ANY or actual == UNKNOWN:
        return True
    if declared == ANYELEMENT:
        return True
    if declared == ANYNONARRAY:
        return not _is_array(actual)
    if declared == ANYENUM:
        return is_enum(actual)
    if declared == ANYARRAY:
        return _is_array(actual)
    return _can_implicit(actual, declared)


def _pick_overload(
    candidates: Any, actual: list[int], name: str, kind: str, position: int | None
) -> Any:
    """The one overload of a function or aggregate for `actual` types, or PostgreSQL's
    42883 (none matches) / 42725 (not unique) with its hints."""
    chosen = _select_overload(candidates, actual) if candidates else None
    shown = f"{name}({', '.join(format_type(t) for t in actual)})"
    if chosen is None:
        raise UndefinedFunction(
            f"function {shown} does not exist",
            hint=f"No {kind} matches the given name and argument types. You might need to "
            "add explicit type casts.",
            position=position,
        )
    if isinstance(chosen, list):
        raise AmbiguousFunction(
            f"function {shown} is not unique",
            hint="Could not choose a best candidate function. You might need to add explicit "
            "type casts.",
            position=position,
        )
    return chosen


def _select_overload(
    candidates: Sequence[Overload], actual: Sequence[int]
) -> tuple[Overload, tuple[int, ...]] | None | list[Overload]:
    """PostgreSQL's func_select_candidate, simplified.

    Returns (overload, concrete argument types), None when nothing matches, or
    the list of tied candidates when the choice is ambiguous.
    """
    viable: list[tuple[Overload, tuple[int, ...]]] = []
    for ov in candidates:
        declared = _expand(ov, len(actual))
        if declared is None or not all(
            _accepts(d, a) for d, a in zip(declared, actual, strict=True)
        ):
            continue
        if any(d in _POLY for d in declared):
            elem = _poly_element(declared, actual)
            if elem is None:
                continue
            if any(d == ANYARRAY for d in declared) or any(d == ANYELEMENT for d in declared):
                if elem == 0:
                    elem = (
                        TEXT
                        if all(a == UNKNOWN for a in actual) and ANYARRAY not in declared
                        else 0
                    )
                if elem == 0 and ANYARRAY in declared:
                    continue
            if elem and any(d == ANYNONARRAY for d in declared) and _is_array(elem):
                continue
            if ANYENUM in declared and not is_enum(elem):
                continue
            if elem and ANYARRAY in declared and _is_array(elem):
                continue
            concrete = []
            for d, a in zip(declared, actual, strict=True):
                if d in _ELEMENT_LIKE:
                    concrete.append(elem or (TEXT if a == UNKNOWN else a))
                elif d == ANYARRAY:
                    concrete.append(_array_of(elem))
                elif d == ANY:
                    concrete.append(a)
                else:
                    concrete.append(d)
            viable.append((ov, tuple(concrete)))
        else:
            viable.append((ov, declared))
    if len(viable) <= 1:
        return viable[0] if viable else None
    # Exact match on known types first.
    for ov, decl in viable:
        if all(d == a for d, a in zip(decl, actual, strict=True)):
            return ov, decl
    known = [a for a in actual if a != UNKNOWN]
    if len(known) == 1 and len(actual) == 2:
        # binary_oper_exact: an unknown beside a known type T prefers (T, T).
        t = known[0]
        for ov, decl in viable:
            if decl == (t, t) and not any(d in _POLY for d in ov.args):
                return ov, decl

    def best(key: Callable[[tuple[Overload, tuple[int, ...]]], int]) -> None:
        nonlocal viable
        top = max(key(v) for v in viable)
        viable = [v for v in viable if key(v) == top]

    def decl_of(v: tuple[Overload, tuple[int, ...]]) -> tuple[int, ...]:
        return _expand(v[0], len(actual)) or v[1]

    # Polymorphic parameters never count as exact or preferred matches.
    best(
        lambda v: sum(1 for d, a in zip(decl_of(v), actual, strict=True) if d == a and a != UNKNOWN)
    )
    best(
        lambda v: sum(
            1
            for d, a in zip(decl_of(v), actual, strict=True)
            if d != a and _preferred(d) and a != UNKNOWN
        )
    )
    for i, a in enumerate(actual):
        if a != UNKNOWN or len(viable) <= 1:
            continue
        cats = {_category(v[0].args[min(i, len(v[0].args) - 1)]) for v in viable}
        if "S" in cats:
            cat = "S"
        elif "P" in cats and len(cats) > 1 or cats == {"P"}:
            concrete_cats = {_category(v[1][i]) for v in viable}
            if "A" not in concrete_cats:
                return [v[0] for v in viable]
            viable = [v for v in viable if _category(v[1][i]) == "A"]
            continue
        elif len(cats) == 1:
            cat = cats.pop()
        else:
            return [v[0] for v in viable]
        viable = [v for v in viable if _category(v[0].args[min(i, len(v[0].args) - 1)]) == cat]
        preferred = [v for v in viable if _preferred(v[1][i])]
        if preferred:
            viable = preferred
    if len(viable) == 1:
        return viable[0]
    return [v[0] for v in viable]


def _apply(
    ov: Overload, result: int, args: list[Expr], types: tuple[int, ...], location: int | None
) -> Expr:
    fns = [a.fn for a in args]
    strict, impl = ov.strict, ov.impl
    arg_types = tuple(types)

    def run(env: _Env) -> Any:
        values = [f(env) for f in fns]
        if strict and any(v is None for v in values):
            return None
        return impl(_Call(env, arg_types, result), *values)

    return Expr(result, run, location)


# ---------------------------------------------------------------------------
# The compiler


def _position(sql: str, location: int | None) -> int | None:
    """1-based character position of a pglast location (pglast counts characters)."""
    if location is None or location < 0:
        return None
    return location + 1


def _chars_at_bytes(sql: str, locations: dict[int, int]) -> dict[int, int]:
    """Turn libpg_query's byte offsets (in its JSON tree) into character offsets."""
    if sql.isascii():
        return locations
    raw = sql.encode()
    return {k: len(raw[:v].decode(errors="ignore")) if v >= 0 else v for k, v in locations.items()}


@dataclass
class _Compiler:
    sql: str
    params: ParamTypes
    used_params: set[int] = field(default_factory=set)
    # pglast's A_Const carries no location: recovered from the JSON parse tree.
    const_locations: dict[int, int] = field(default_factory=dict)
    # Over rows: ColumnRefs resolve through `scope`; nodes whose id() is in
    # `slots` read that row slot instead (aggregates, GROUP BY expressions).
    scope: Scope | None = None
    slots: dict[int, int] = field(default_factory=dict)
    # Compiles the subquery of a SubLink over rows of `scope` (query.py supplies it).
    subquery: SubqueryHook | None = None

    # -- errors
    def pos(self, location: int | None) -> int | None:
        return _position(self.sql, location)

    def unsupported(self, what: str, location: int | None, *, plural: bool = False) -> PgError:
        verb = "are" if plural else "is"
        return FeatureNotSupported(f"{what} {verb} not supported yet", position=self.pos(location))

    def loc(self, node: ast.Node | None) -> int | None:
        """The location of `node` (A_Const's comes from the JSON tree)."""
        if isinstance(node, ast.A_Const):
            return self.const_locations.get(id(node))
        if isinstance(node, ast.A_Expr) and node.lexpr is not None:
            left = self.loc(node.lexpr)
            if left is not None:
                return (
                    min(left, node.location)
                    if node.location is not None and node.location >= 0
                    else left
                )
        return _location(node) if node is not None else None

    # -- dispatch
    def expr(self, node: Any) -> Expr:
        if self.slots and id(node) in self.slots:
            return self.slot_expr(self.slots[id(node)], self.loc(node))
        handler = _NODE_COMPILERS.get(type(node))
        if handler is None:
            raise self.unsupported(f"expression {type(node).__name__}", _location(node))
        return handler(self, node)

    def slot_expr(self, index: int, location: int | None) -> Expr:
        """The value at `index` of the current row (typed by the scope)."""
        if self.scope is None:
            raise RuntimeError(f"row slot {index} is outside the scope")
        col = self.scope.column_at(index)
        return Expr(col.type_oid, lambda env: env.row[index], location, col.typmod)

    # -- coercion
    def coerce(
        self,
        e: Expr,
        target: int,
        typmod: int = -1,
        *,
        explicit: bool = False,
        location: int | None = -1,
    ) -> Expr:
        """Convert `e` to `target(typmod)`; unknown literals and open `$n` take the type."""
        if target in _POLY:
            target = TEXT if e.type == UNKNOWN else e.type
        if e.type == UNKNOWN:
            e = self._resolve_unknown(e, target, location)
            conv: Converter | None = None
        elif e.type == target:
            conv = None
        else:
            if not explicit and not _can_implicit(e.type, target):
                raise CannotCoerce(
                    f"cannot cast type {format_type(e.type)} to {format_type(target)}",
                    position=self.pos(location),
                )
            conv = _cast_converter(e.type, target)
            if conv is None:
                raise CannotCoerce(
                    f"cannot cast type {format_type(e.type)} to {format_type(target)}",
                    position=self.pos(
                        location if location is not None and location >= 0 else e.location
                    ),
                )
        mod = _typmod_converter(target, typmod, explicit)
        if conv is None and mod is None:
            return Expr(target, e.fn, e.location, typmod if typmod >= 0 else e.typmod)
        fn = e.fn
        steps = [c for c in (conv, mod) if c is not None]

        def run(env: _Env) -> Any:
            v = fn(env)
            if v is None:
                return None
            for step in steps:
                v = step(v, env)
            return v

        return Expr(target, run, e.location, typmod)

    def _resolve_unknown(self, e: Expr, target: int, location: int | None) -> Expr:
        if e.param is not None:
            n = e.param
            oid = self.params.resolve(n, target)
            if oid != target:
                return self.coerce(
                    self.param_expr(n, e.location), target, explicit=True, location=location
                )
            return Expr(target, e.fn, e.location)
        if e.literal is None:
            return Expr(target, lambda env: None, e.location)
        text = e.literal
        if target in (UNKNOWN, TEXT, VARCHAR, BPCHAR):
            return Expr(target, lambda env: text, e.location)
        if target in OID_ALIASES:  # a name: resolved in the session's catalog snapshot
            position = self.pos(e.location)

            def resolve(env: _Env) -> Any:
                try:
                    return _from_text(target, text, env.fmt)
                except PgError as err:
                    err.position = err.position or position
                    raise

            return Expr(target, resolve, e.location)
        try:
            value = _from_text(target, text)
        except PgError as err:
            if err.position is None:
                err.position = self.pos(e.location)
            raise
        if target in (TIMESTAMPTZ, TIMETZ) or (
            _is_array(target) and _elem(target) in (TIMESTAMPTZ, TIMETZ)
        ):
            return Expr(target, lambda env: _from_text(target, text, env.fmt), e.location)
        if is_enum(target) or (_is_array(target) and is_enum(_elem(target))):
            # checked again against the labels of the session's snapshot (env.fmt)
            return Expr(target, lambda env: _from_text(target, text, env.fmt), e.location)
        return Expr(target, lambda env: value, e.location)

    def param_expr(self, n: int, location: int | None) -> Expr:
        self.used_params.add(n)
        idx = n - 1

        def get(env: _Env) -> Any:
            return env.params[idx] if idx < len(env.params) else None

        oid = self.params.oids[idx] if idx < len(self.params.oids) else 0
        if oid == 0:
            self.params.resolve(n, 0)
            return Expr(UNKNOWN, get, location, param=n)
        return Expr(oid, get, location)

    def finalize(self, e: Expr) -> Expr:
        """Unknown at the top of a target list becomes text (PostgreSQL 10+)."""
        return self.coerce(e, TEXT) if e.type == UNKNOWN else e

    def common_type(self, exprs: Sequence[Expr], context: str) -> int:
        """select_common_type(): the type CASE/COALESCE/ARRAY/UNION branches agree on."""
        ptype = UNKNOWN
        for e in exprs:
            if e.type == UNKNOWN:
                continue
            if ptype == UNKNOWN:
                ptype = e.type
                continue
            if e.type == ptype:
                continue
            pcat, ncat = _category(ptype), _category(e.type)
            if pcat != ncat:
                raise DatatypeMismatch(
                    f"{context} types {format_type(ptype)} and {format_type(e.type)} cannot be matched",
                    position=self.pos(e.location),
                )
            if (
                not _preferred(ptype)
                and _can_implicit(ptype, e.type)
                and not _can_implicit(e.type, ptype)
            ):
                ptype = e.type
        if ptype == UNKNOWN:
            return TEXT
        return ptype

    def unify(self, exprs: Sequence[Expr], context: str) -> tuple[int, list[Expr]]:
        t = self.common_type(exprs, context)
        out = []
        for e in exprs:
            if e.type != t and e.type != UNKNOWN and not _can_implicit(e.type, t):
                raise CannotCoerce(
                    f"{context} could not convert type {format_type(e.type)} to {format_type(t)}",
                    position=self.pos(e.location),
                )
            out.append(self.coerce(e, t, location=e.location))
        return t, out

    # -- operator and function calls
    def operator(self, name: str, left: Expr | None, right: Expr, location: int | None) -> Expr:
        """Resolve and build `left name right` (prefix operator when `left` is None)."""
        candidates = _OPERATORS.get(name, [])
        args = [right] if left is None else [left, right]
        actual = [a.type for a in args]
        if left is not None:
            candidates = [c for c in candidates if len(c.args) == 2]
        else:
            candidates = [c for c in candidates if len(c.args) == 1]
        chosen = _select_overload(candidates, actual)
        shown = " ".join(
            ([format_type(left.type)] if left is not None else []) + [name, format_type(right.type)]
        )
        if chosen is None:
            raise UndefinedFunction(
                f"operator does not exist: {shown}",
                hint="No operator matches the given name and argument types. You might need to add explicit type casts.",
                position=self.pos(location),
            )
        if isinstance(chosen, list):
            raise make_error(
                "42725",
                f"operator is not unique: {shown}",
                hint="Could not choose a best candidate operator. You might need to add explicit type casts.",
                position=self.pos(location),
            )
        ov, types = chosen
        coerced = [self.coerce(a, t, location=a.location) for a, t in zip(args, types, strict=True)]
        types = tuple(c.type for c in coerced)
        return _apply(ov, _result_type(ov, types), coerced, types, location)

    def call(self, name: str, args: list[Expr], location: int | None) -> Expr:
        """Resolve and build the function call `name(args)`."""
        fdef = _FUNCTIONS.get(name)
        actual = [a.type for a in args]
        ov, types = _pick_overload(fdef, actual, name, "function", self.pos(location))
        coerced = [
            a
            if t == ANY
            or (ov.args and ov.args[-1] == ANY and i >= len(ov.args) - 1 and ov.variadic)
            else self.coerce(a, t, location=a.location)
            for i, (a, t) in enumerate(zip(args, types, strict=True))
        ]
        types = tuple(c.type for c in coerced)
        return _apply(ov, _result_type(ov, types), coerced, types, location)


def _result_type(ov: Overload, types: tuple[int, ...]) -> int:
    if ov.result not in (ANYELEMENT, ANYARRAY, ANYENUM):
        return ov.result
    declared = _expand(ov, len(types)) or ov.args
    elem = 0
    for d, t in zip(declared, types, strict=True):
        if d in _ELEMENT_LIKE:
            elem = t
        elif d == ANYARRAY:
            elem = _elem(t)
        if elem:
            break
    return elem if ov.result in (ANYELEMENT, ANYENUM) else _array_of(elem)


def _location(node: ast.Node) -> int | None:
    loc = getattr(node, "location", None)
    return loc if isinstance(loc, int) and loc >= 0 else None


NodeCompiler = Callable[[_Compiler, Any], Expr]
_NODE_COMPILERS: dict[type, NodeCompiler] = {}


#: `@_compiles(NodeClass, ...)` registers the compiler for pglast node classes.
_compiles = registrar(_NODE_COMPILERS, "compiler")


# ---------------------------------------------------------------------------
# Node compilers


def _resolve_type_name(tn: ast.TypeName, sql: str) -> tuple[int, int]:
    """(type oid, typmod) for a pglast TypeName; 42704 for unknown names."""
    names = [n.sval for n in (tn.names or ())]
    name = names[-1].lower() if names else ""
    try:
        oid = type_by_names(names).oid
    except UndefinedObject:
        shown = ".".join(names)
        raise UndefinedObject(
            f'type "{shown}" does not exist', position=_position(sql, _location(tn))
        ) from None
    mods: list[int] = []
    for m in tn.typmods or ():
        if isinstance(m, ast.A_Const) and isinstance(m.val, ast.Integer):
            mods.append(int(m.val.ival or 0))
        else:
            raise FeatureNotSupported(
                "type modifiers must be simple constants", position=_position(sql, _location(tn))
            )
    typmod = -1
    if oid == NUMERIC and mods:
        p, s = mods[0], mods[1] if len(mods) > 1 else 0
        if not 1 <= p <= 1000:
            raise InvalidParameterValue(
                f"NUMERIC precision {p} must be between 1 and 1000",
                position=_position(sql, _location(tn)),
            )
        typmod = ((p << 16) | (s & 0xFFFF)) + 4
    elif oid in (VARCHAR, BPCHAR) and mods:
        typmod = mods[0] + 4
    elif oid == BPCHAR and name in ("bpchar",) and not mods:
        typmod = -1
    elif oid in (TIMESTAMP, TIMESTAMPTZ, TIME, TIMETZ) and mods:
        typmod = min(mods[0], 6)
    elif oid == FLOAT8 and name == "float" and mods:
        oid = FLOAT4 if mods[0] <= 24 else FLOAT8
    if tn.arrayBounds:
        oid = _array_of(oid)
    return oid, typmod


@_compiles(ast.A_Const)
def _c_const(c: _Compiler, node: Any) -> Expr:
    loc = c.const_locations.get(id(node), -1)
    if node.isnull:
        return Expr(UNKNOWN, lambda env: None, loc)
    val = node.val
    if isinstance(val, ast.Integer):
        return _const(INT4, val.ival, loc)
    if isinstance(val, ast.Float):
        text = str(val.fval)
        if re.fullmatch(r"-?\d+", text):
            n = int(text)
            if -(2**31) <= n < 2**31:
                return _const(INT4, n, loc)
            if -(2**63) <= n < 2**63:
                return _const(INT8, n, loc)
        return _const(NUMERIC, _numeric_norm(Decimal(text)), loc)
    if isinstance(val, ast.String):
        s = val.sval
        return Expr(UNKNOWN, lambda env: s, loc, literal=s)
    if isinstance(val, ast.Boolean):
        b = bool(val.boolval)
        return _const(BOOL, b, loc)
    raise c.unsupported(f"constant {type(val).__name__}", loc)


@_compiles(ast.ParamRef)
def _c_param(c: _Compiler, node: Any) -> Expr:
    n = node.number
    if n < 1 or n > 65535:
        raise make_error("42P02", f"there is no parameter ${n}", position=c.pos(node.location))
    c.params.resolve(n, 0) if n > len(c.params.oids) else None
    return c.param_expr(n, node.location)


@_compiles(ast.TypeCast)
def _c_typecast(c: _Compiler, node: Any) -> Expr:
    assert node.typeName is not None and node.arg is not None
    oid, typmod = _resolve_type_name(node.typeName, c.sql)
    if isinstance(node.arg, ast.A_ArrayExpr) and _is_array(oid):
        # ARRAY[...]::T[] coerces each element to T (and allows ARRAY[]).
        elem = _elem(oid)
        items = [c.coerce(c.expr(x), elem, typmod, explicit=True) for x in node.arg.elements or ()]
        fns = [i.fn for i in items]
        return Expr(oid, lambda env: [f(env) for f in fns], node.arg.location)
    arg = c.expr(node.arg)
    loc = node.location if node.location is not None else -1
    if arg.type == UNKNOWN and arg.literal is not None:
        loc = arg.location
    out = c.coerce(arg, oid, typmod, explicit=True, location=loc)
    return Expr(out.type, out.fn, loc, out.typmod)


@_compiles(ast.ColumnRef)
def _c_columnref(c: _Compiler, node: Any) -> Expr:
    fields = node.fields or ()
    if c.scope is None and any(isinstance(f, ast.A_Star) for f in fields):
        raise PgSyntaxError(
            "SELECT * with no tables specified is not valid", position=c.pos(node.location)
        )
    names = [f.sval for f in fields if isinstance(f, ast.String)]
    if c.scope is not None:
        if any(isinstance(f, ast.A_Star) for f in fields):
            raise c.unsupported('row expansion via "*"', node.location)
        index = c.scope.resolve(tuple(str(n) for n in names), node.location)
        return c.slot_expr(index, node.location)
    if len(names) > 1:
        raise make_error(
            "42P01",
            f'missing FROM-clause entry for table "{names[-2]}"',
            position=c.pos(node.location),
        )
    raise UndefinedColumn(f'column "{names[0]}" does not exist', position=c.pos(node.location))


@dataclass(frozen=True)
class SubqueryRows:
    """A compiled subquery, as the `subquery` hook of compile_expr() returns it.

    `rows(outer_row, params, ctx)` runs it for the row the enclosing expression
    is evaluated on (correlated references read that row).
    """

    types: tuple[int, ...]
    rows: Callable[[Sequence[object], Sequence[object], EvalContext], list[tuple[object, ...]]]


SubqueryHook = Callable[[ast.SubLink, "Scope | None"], SubqueryRows]


@_compiles(ast.SubLink)
def _c_sublink(c: _Compiler, node: Any) -> Expr:
    kinds = enums.SubLinkType
    kind = node.subLinkType
    if c.subquery is None or kind not in (
        kinds.EXISTS_SUBLINK,
        kinds.EXPR_SUBLINK,
        kinds.ARRAY_SUBLINK,
        kinds.ANY_SUBLINK,
        kinds.ALL_SUBLINK,
    ):
        raise c.unsupported("subqueries", node.location, plural=True)
    op = node.operName[-1].sval if node.operName else "="
    row_test = isinstance(node.testexpr, ast.RowExpr)
    if kind in (kinds.ANY_SUBLINK, kinds.ALL_SUBLINK) and row_test and op != "=":
        raise c.unsupported("row comparisons with subqueries", node.location, plural=True)
    sub = c.subquery(node, c.scope)
    rows_fn = sub.rows
    loc = node.location
    if kind == kinds.EXISTS_SUBLINK:
        return Expr(BOOL, lambda env: bool(rows_fn(env.row, env.params, env.ctx)), loc)
    if row_test and kind in (kinds.ANY_SUBLINK, kinds.ALL_SUBLINK):
        return _row_sublink(c, node, sub, kind == kinds.ANY_SUBLINK)
    if len(sub.types) != 1:
        raise PgSyntaxError(
            "subquery must return only one column" if sub.types else "subquery has too few columns",
            position=c.pos(loc),
        )
    t = sub.types[0]
    if kind == kinds.EXPR_SUBLINK:

        def scalar(env: _Env) -> Any:
            rows = rows_fn(env.row, env.params, env.ctx)
            if not rows:
                return None
            if len(rows) > 1:
                raise make_error(
                    "21000", "more than one row returned by a subquery used as an expression"
                )
            return rows[0][0]

        return Expr(t, scalar, loc)
    if kind == kinds.ARRAY_SUBLINK:
        return Expr(
            _array_of(t), lambda env: [r[0] for r in rows_fn(env.row, env.params, env.ctx)], loc
        )
    left = c.expr(node.testexpr)
    if left.type == UNKNOWN:
        left = c.coerce(left, t, location=left.location)
    holder: list[Any] = [None, None]
    cmp = c.operator(
        op,
        Expr(left.type, lambda env: holder[0], left.location, left.typmod),
        Expr(t, lambda env: holder[1], loc),
        loc,
    )
    left_fn, cmp_fn, is_any = left.fn, cmp.fn, kind == kinds.ANY_SUBLINK

    def quantified(env: _Env) -> Any:
        value = left_fn(env)
        saw_null = False
        for r in rows_fn(env.row, env.params, env.ctx):
            holder[0], holder[1] = value, r[0]
            res = cmp_fn(env)
            if res is None:
                saw_null = True
            elif bool(res) is is_any:
                return is_any
        return None if saw_null else not is_any

    return Expr(BOOL, quantified, loc)


def _row_sublink(c: _Compiler, node: Any, sub: SubqueryRows, is_any: bool) -> Expr:
    """`(a, b) = ANY/ALL (SELECT x, y ...)`: rows equal when every pair is (3-valued AND)."""
    lefts = [c.expr(a) for a in node.testexpr.args or ()]
    if len(lefts) != len(sub.types):
        raise PgSyntaxError(
            "subquery has too many columns"
            if len(sub.types) > len(lefts)
            else "subquery has too few columns",
            position=c.pos(node.location),
        )
    holder: list[Any] = [None, None]
    cmps = []
    for i, (left, t) in enumerate(zip(lefts, sub.types, strict=True)):
        if left.type == UNKNOWN:
            lefts[i] = left = c.coerce(left, t, location=left.location)
        cmps.append(
            c.operator(
                "=",
                Expr(left.type, lambda env: holder[0], left.location, left.typmod),
                Expr(t, lambda env: holder[1], node.location),
                node.location,
            ).fn
        )
    rows_fn = sub.rows

    def run(env: _Env) -> Any:
        values = [f.fn(env) for f in lefts]
        saw_null = False
        for r in rows_fn(env.row, env.params, env.ctx):
            res: Any = True
            for cmp, lv, rv in zip(cmps, values, r, strict=True):
                holder[0], holder[1] = lv, rv
                v = cmp(env)
                if v is False:
                    res = False
                    break
                if v is None:
                    res = None
            if res is None:
                saw_null = True
            elif res is is_any:
                return is_any
        return None if saw_null else not is_any

    return Expr(BOOL, run, node.location)


#: The collations kuzugres compares with: byte order of UTF-8, which is "C" (the
#: database's collation, see pg_database) and the same for "POSIX" and ucs_basic.
_COLLATIONS = frozenset({"default", "C", "POSIX", "ucs_basic"})


@_compiles(ast.CollateClause)
def _c_collate(c: _Compiler, node: Any) -> Expr:
    names = [n.sval for n in node.collname]
    if names[-1] not in _COLLATIONS or (len(names) > 1 and names[0] != "pg_catalog"):
        raise make_error(
            "42704",
            f'collation "{".".join(names)}" for encoding "UTF8" does not exist',
            position=c.pos(node.location),
        )
    arg = c.expr(node.arg)
    if arg.type == UNKNOWN:
        arg = c.coerce(arg, TEXT, explicit=False, location=node.location)
    if arg.type not in _STRING_TYPES and arg.type not in DOMAIN_BASE:
        raise make_error(
            "42804",
            f"collations are not supported by type {format_type(arg.type)}",
            position=c.pos(node.location),
        )
    return arg


@_compiles(ast.RowExpr)
def _c_row(c: _Compiler, node: Any) -> Expr:
    raise c.unsupported("ROW expressions", node.location, plural=True)


def _truth(v: Any) -> bool | None:
    return None if v is None else bool(v)


@_compiles(ast.BoolExpr)
def _c_boolexpr(c: _Compiler, node: Any) -> Expr:
    op = node.boolop
    word = {enums.BoolExprType.AND_EXPR: "AND", enums.BoolExprType.OR_EXPR: "OR"}.get(op, "NOT")
    args = []
    for a in node.args or ():
        e = c.expr(a)
        if e.type != BOOL and e.type != UNKNOWN:
            raise DatatypeMismatch(
                f"argument of {word} must be type boolean, not type {format_type(e.type)}",
                position=c.pos(e.location),
            )
        args.append(c.coerce(e, BOOL, location=e.location))
    fns = [a.fn for a in args]
    if op == enums.BoolExprType.NOT_EXPR:
        f = fns[0]
        return Expr(BOOL, lambda env: None if (v := f(env)) is None else not v, node.location)
    stop = op == enums.BoolExprType.OR_EXPR

    def run(env: _Env) -> Any:
        saw_null = False
        for f in fns:
            v = f(env)
            if v is None:
                saw_null = True
            elif bool(v) == stop:
                return stop
        return None if saw_null else not stop

    return Expr(BOOL, run, node.location)


@_compiles(ast.NullTest)
def _c_nulltest(c: _Compiler, node: Any) -> Expr:
    assert node.arg is not None
    e = c.expr(node.arg)
    if e.type == UNKNOWN:
        e = c.coerce(e, TEXT)
    f = e.fn
    if node.nulltesttype == enums.NullTestType.IS_NULL:
        return Expr(BOOL, lambda env: f(env) is None, node.location)
    return Expr(BOOL, lambda env: f(env) is not None, node.location)


_BOOLTESTS: dict[Any, Callable[[Any], bool]] = {
    enums.BoolTestType.IS_TRUE: lambda v: v is True,
    enums.BoolTestType.IS_NOT_TRUE: lambda v: v is not True,
    enums.BoolTestType.IS_FALSE: lambda v: v is False,
    enums.BoolTestType.IS_NOT_FALSE: lambda v: v is not False,
    enums.BoolTestType.IS_UNKNOWN: lambda v: v is None,
    enums.BoolTestType.IS_NOT_UNKNOWN: lambda v: v is not None,
}


@_compiles(ast.BooleanTest)
def _c_booltest(c: _Compiler, node: Any) -> Expr:
    assert node.arg is not None
    e = c.expr(node.arg)
    if e.type not in (BOOL, UNKNOWN):
        word = (
            str(enums.BoolTestType(node.booltesttype).name).replace("IS_", "IS ").replace("_", " ")
        )
        raise DatatypeMismatch(
            f"argument of {word} must be type boolean, not type {format_type(e.type)}",
            position=c.pos(e.location),
        )
    e = c.coerce(e, BOOL, location=e.location)
    test, f = _BOOLTESTS[node.booltesttype], e.fn
    return Expr(BOOL, lambda env: test(_truth(f(env))), node.location)


def _comparison(c: _Compiler, op: str, left: Expr, right: Expr, location: int | None) -> Expr:
    e = c.operator(op, left, right, location)
    if e.type != BOOL:
        raise DatatypeMismatch(f"operator {op} must return type boolean", position=c.pos(location))
    return e


AExprCompiler = Callable[[_Compiler, ast.A_Expr], Expr]
_AEXPR_KINDS: dict[Any, AExprCompiler] = {}


_aexpr = registrar(_AEXPR_KINDS, "A_Expr kind")


@_compiles(ast.A_Expr)
def _c_aexpr(c: _Compiler, node: Any) -> Expr:
    handler = _AEXPR_KINDS.get(node.kind)
    if handler is None:
        raise c.unsupported(
            f"operator construct {enums.A_Expr_Kind(node.kind).name}", node.location
        )
    return handler(c, node)


def _opname(node: ast.A_Expr) -> str:
    return str(node.name[-1].sval) if node.name else ""


@_aexpr(enums.A_Expr_Kind.AEXPR_OP, enums.A_Expr_Kind.AEXPR_LIKE, enums.A_Expr_Kind.AEXPR_ILIKE)
def _ae_op(c: _Compiler, node: Any) -> Expr:
    assert node.rexpr is not None
    left = c.expr(node.lexpr) if node.lexpr is not None else None
    right = c.expr(node.rexpr)
    return c.operator(_opname(node), left, right, node.location)


@_aexpr(enums.A_Expr_Kind.AEXPR_DISTINCT, enums.A_Expr_Kind.AEXPR_NOT_DISTINCT)
def _ae_distinct(c: _Compiler, node: Any) -> Expr:
    left, right = c.expr(node.lexpr), c.expr(node.rexpr)
    eq = _comparison(c, "=", left, right, node.location)
    lf, rf, ef = _peek_args(c, "=", left, right, node.location)
    distinct = node.kind == enums.A_Expr_Kind.AEXPR_DISTINCT

    def run(env: _Env) -> bool:
        a, b = lf(env), rf(env)
        if a is None or b is None:
            same = a is None and b is None
        else:
            same = bool(ef(env))
        return not same if distinct else same

    del eq
    return Expr(BOOL, run, node.location)


def _peek_args(
    c: _Compiler, op: str, left: Expr, right: Expr, location: int | None
) -> tuple[Fn, Fn, Fn]:
    """Functions for both coerced operands and for the operator itself."""
    candidates = [o for o in _OPERATORS.get(op, []) if len(o.args) == 2]
    chosen = _select_overload(candidates, [left.type, right.type])
    assert chosen is not None and not isinstance(chosen, list)
    ov, types = chosen
    l2 = c.coerce(left, types[0], location=left.location)
    r2 = c.coerce(right, types[1], location=right.location)
    lf, rf, impl = l2.fn, r2.fn, ov.impl
    call_types = (l2.type, r2.type)
    return lf, rf, lambda env: impl(_Call(env, call_types, BOOL), lf(env), rf(env))


@_aexpr(enums.A_Expr_Kind.AEXPR_NULLIF)
def _ae_nullif(c: _Compiler, node: Any) -> Expr:
    left, right = c.expr(node.lexpr), c.expr(node.rexpr)
    _comparison(c, "=", left, right, node.location)
    lf, rf, ef = _peek_args(c, "=", left, right, node.location)
    candidates = [o for o in _OPERATORS["="] if len(o.args) == 2]
    chosen = _select_overload(candidates, [left.type, right.type])
    assert chosen is not None and not isinstance(chosen, list)
    rtype = chosen[1][0]

    def run(env: _Env) -> Any:
        a = lf(env)
        if a is None:
            return None
        if rf(env) is not None and ef(env):
            return None
        return a

    return Expr(rtype, run, node.location)


@_aexpr(enums.A_Expr_Kind.AEXPR_IN)
def _ae_in(c: _Compiler, node: Any) -> Expr:
    left = c.expr(node.lexpr)
    items = [c.expr(x) for x in node.rexpr]
    negate = _opname(node) == "<>"
    tests = [_comparison(c, "=", left, item, node.location) for item in items]
    fns = [t.fn for t in tests]

    def run(env: _Env) -> Any:
        saw_null = False
        for f in fns:
            v = f(env)
            if v is None:
                saw_null = True
            elif v:
                return not negate
        return None if saw_null else negate

    return Expr(BOOL, run, node.location)


@_aexpr(
    enums.A_Expr_Kind.AEXPR_BETWEEN,
    enums.A_Expr_Kind.AEXPR_NOT_BETWEEN,
    enums.A_Expr_Kind.AEXPR_BETWEEN_SYM,
    enums.A_Expr_Kind.AEXPR_NOT_BETWEEN_SYM,
)
def _ae_between(c: _Compiler, node: Any) -> Expr:
    kind = node.kind
    x = c.expr(node.lexpr)
    lo, hi = (c.expr(v) for v in node.rexpr)
    loc = node.location
    ge1, le1 = _comparison(c, ">=", x, lo, loc).fn, _comparison(c, "<=", x, hi, loc).fn
    symmetric = kind in (
        enums.A_Expr_Kind.AEXPR_BETWEEN_SYM,
        enums.A_Expr_Kind.AEXPR_NOT_BETWEEN_SYM,
    )
    ge2, le2 = (
        (_comparison(c, ">=", x, hi, loc).fn, _comparison(c, "<=", x, lo, loc).fn)
        if symmetric
        else (ge1, le1)
    )
    negate = kind in (enums.A_Expr_Kind.AEXPR_NOT_BETWEEN, enums.A_Expr_Kind.AEXPR_NOT_BETWEEN_SYM)

    def and3(a: Any, b: Any) -> Any:
        if a is False or b is False:
            return False
        return None if a is None or b is None else True

    def or3(a: Any, b: Any) -> Any:
        if a is True or b is True:
            return True
        return None if a is None or b is None else False

    def run(env: _Env) -> Any:
        r = and3(ge1(env), le1(env))
        if symmetric:
            r = or3(r, and3(ge2(env), le2(env)))
        return None if r is None else (not r if negate else r)

    return Expr(BOOL, run, loc)


@_aexpr(enums.A_Expr_Kind.AEXPR_OP_ANY, enums.A_Expr_Kind.AEXPR_OP_ALL)
def _ae_any(c: _Compiler, node: Any) -> Expr:
    left = c.expr(node.lexpr)
    arr = c.expr(node.rexpr)
    if arr.type == UNKNOWN:
        arr = c.coerce(
            arr, _array_of(TEXT if left.type == UNKNOWN else left.type), location=arr.location
        )
    if not _is_array(arr.type):
        raise make_error(
            "42809",
            "op ANY/ALL (array) requires array on right side",
            position=c.pos(node.location),
        )
    elem = _elem(arr.type)
    probe = Expr(elem, lambda env: None, arr.location)
    op = _opname(node)
    lf, _rf, _ = _peek_args(c, op, left, probe, node.location)
    candidates = [o for o in _OPERATORS.get(op, []) if len(o.args) == 2]
    chosen = _select_overload(candidates, [left.type, elem])
    if chosen is None or isinstance(chosen, list):
        _comparison(c, op, left, probe, node.location)
        raise AssertionError("unreachable")
    ov, types = chosen
    lconv = c.coerce(left, types[0], location=left.location).fn
    econv = _cast_converter(elem, types[1]) or (lambda v, env: v)
    af, impl = arr.fn, ov.impl
    is_all = node.kind == enums.A_Expr_Kind.AEXPR_OP_ALL

    def run(env: _Env) -> Any:
        a, items = lconv(env), af(env)
        if items is None:
            return None
        saw_null = False
        for item in _flatten(items):
            if a is None or item is None:
                saw_null = True
                continue
            r = impl(_Call(env, types, BOOL), a, econv(item, env))
            if is_all and not r:
                return False
            if not is_all and r:
                return True
        return None if saw_null else is_all

    del lf
    return Expr(BOOL, run, node.location)


def _flatten(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for x in items:
        out.extend(_flatten(x) if isinstance(x, list) else [x])
    return out


@_compiles(ast.CaseExpr)
def _c_case(c: _Compiler, node: Any) -> Expr:
    arg = c.expr(node.arg) if node.arg is not None else None
    conds: list[Expr] = []
    results: list[Expr] = []
    for w in node.args or ():
        assert isinstance(w, ast.CaseWhen)
        cond = c.expr(w.expr)
        if arg is not None:
            cond = _comparison(c, "=", arg, cond, w.location if w.location is not None else -1)
        elif cond.type not in (BOOL, UNKNOWN):
            raise DatatypeMismatch(
                f"argument of CASE/WHEN must be type boolean, not type {format_type(cond.type)}",
                position=c.pos(cond.location),
            )
        conds.append(c.coerce(cond, BOOL, location=cond.location))
        results.append(c.expr(w.result))
    default = (
        c.expr(node.defresult) if node.defresult is not None else Expr(UNKNOWN, lambda env: None)
    )
    # PostgreSQL puts the ELSE branch first when choosing the common type.
    rtype, unified = c.unify([default, *results], "CASE")
    pairs = [(cd.fn, r.fn) for cd, r in zip(conds, unified[1:], strict=True)]
    dflt = unified[0].fn

    def run(env: _Env) -> Any:
        for cond, res in pairs:
            if cond(env):
                return res(env)
        return dflt(env)

    return Expr(rtype, run, node.location)


@_compiles(ast.CoalesceExpr)
def _c_coalesce(c: _Compiler, node: Any) -> Expr:
    rtype, args = c.unify([c.expr(a) for a in node.args], "COALESCE")
    fns = [a.fn for a in args]

    def run(env: _Env) -> Any:
        for f in fns:
            v = f(env)
            if v is not None:
                return v
        return None

    return Expr(rtype, run, node.location)


@_compiles(ast.MinMaxExpr)
def _c_minmax(c: _Compiler, node: Any) -> Expr:
    greatest = node.op == enums.MinMaxOp.IS_GREATEST
    word = "GREATEST" if greatest else "LEAST"
    rtype, args = c.unify([c.expr(a) for a in node.args], word)
    probe = Expr(rtype, lambda env: None)
    _, _, _ = _peek_args(c, ">", probe, probe, node.location)
    candidates = [o for o in _OPERATORS[">"] if len(o.args) == 2]
    chosen = _select_overload(candidates, [rtype, rtype])
    assert chosen is not None and not isinstance(chosen, list)
    gt = chosen[0].impl
    fns = [a.fn for a in args]

    def run(env: _Env) -> Any:
        best = None
        call = _Call(env, (rtype, rtype), BOOL)
        for f in fns:
            v = f(env)
            if v is None:
                continue
            if best is None or (gt(call, v, best) if greatest else gt(call, best, v)):
                best = v
        return best

    return Expr(rtype, run, node.location)


@_compiles(ast.A_ArrayExpr)
def _c_array(c: _Compiler, node: Any) -> Expr:
    elems = [c.expr(e) for e in node.elements or ()]
    if not elems:
        raise IndeterminateDatatype(
            "cannot determine type of empty array",
            hint="Explicitly cast to the desired type, for example ARRAY[]::integer[].",
            position=c.pos(node.location),
        )
    nested = all(isinstance(e, ast.A_ArrayExpr) for e in node.elements)
    etype, unified = c.unify(elems, "ARRAY")
    if nested and _is_array(etype):
        atype = etype
    else:
        atype = _array_of(etype)
    fns = [e.fn for e in unified]
    return Expr(atype, lambda env: [f(env) for f in fns], node.location)


# Anonymous record types with known fields (a set-returning function's OUT columns), as
# PostgreSQL's "blessed" record types: the type is `record` and its typmod indexes this
# registry. Shapes are interned and never removed (there are only ever a few).
RecordShape = tuple[tuple[str, int, int], ...]  # (field name, type OID, typmod)
_RECORD_SHAPES: list[RecordShape] = []


def record_typmod(shape: RecordShape) -> int:
    """The typmod of `record` values of this shape."""
    if shape not in _RECORD_SHAPES:
        _RECORD_SHAPES.append(shape)
    return _RECORD_SHAPES.index(shape)


def record_shape(type_oid: int, typmod: int) -> RecordShape | None:
    """The fields of a record type with a known shape (None for any other type)."""
    if type_oid != RECORD or not 0 <= typmod < len(_RECORD_SHAPES):
        return None
    return _RECORD_SHAPES[typmod]


def _field_selection(c: _Compiler, base: Expr, field: str, location: int | None) -> Expr:
    shape = record_shape(base.type, base.typmod)
    if shape is None:
        raise c.unsupported("field selection", location)
    names = [name for name, _, _ in shape]
    if field not in names:
        raise UndefinedColumn(
            f'column "{field}" not found in data type record', position=c.pos(location)
        )
    i, bf = names.index(field), base.fn
    _, oid, typmod = shape[i]

    def run(env: _Env) -> Any:
        rec = bf(env)
        return None if rec is None else rec.fields[i][1]

    return Expr(oid, run, base.location, typmod)


@_compiles(ast.A_Indirection)
def _c_indirection(c: _Compiler, node: Any) -> Expr:
    base = c.expr(node.arg)
    for ind in node.indirection:
        if isinstance(ind, ast.String):
            base = _field_selection(c, base, ind.sval or "", _location(node))
            continue
        if not isinstance(ind, ast.A_Indices):
            raise c.unsupported("field selection", _location(node))
        if not _is_array(base.type):
            raise DatatypeMismatch(
                f"cannot subscript type {format_type(base.type)} because it does not support subscripting",
                position=c.pos(base.location),
            )
        base = _subscript(c, base, ind)
    return base


def _subscript(c: _Compiler, base: Expr, ind: ast.A_Indices) -> Expr:
    def index(n: ast.Node | None) -> Fn | None:
        if n is None:
            return None
        e = c.expr(n)
        if e.type not in _INT_TYPES and e.type != UNKNOWN:
            raise DatatypeMismatch(
                "array subscript must have type integer", position=c.pos(e.location)
            )
        return c.coerce(e, INT4, location=e.location).fn

    lo, hi, bf = index(ind.lidx), index(ind.uidx), base.fn
    if ind.is_slice:

        def run_slice(env: _Env) -> Any:
            arr = bf(env)
            a = lo(env) if lo else 1
            b = hi(env) if hi else (len(arr) if arr is not None else 0)
            if arr is None or a is None or b is None:
                return None
            a, b = max(a, 1), min(b, len(arr))
            return arr[a - 1 : b] if a <= b else []

        return Expr(base.type, run_slice, base.location)
    elem = _elem(base.type)
    assert hi is not None

    def run(env: _Env) -> Any:
        arr, i = bf(env), hi(env)
        if arr is None or i is None or not 1 <= i <= len(arr):
            return None
        return arr[i - 1]

    return Expr(elem, run, base.location)


# SQL value functions: CURRENT_USER, CURRENT_DATE, ...
SvfCompiler = Callable[[_Compiler, ast.SQLValueFunction], Expr]
_SQL_VALUE_FUNCTIONS: dict[Any, tuple[str, SvfCompiler]] = {}


def _svf(op: Any, colname: str) -> Callable[[SvfCompiler], SvfCompiler]:
    def register(fn: SvfCompiler) -> SvfCompiler:
        if op in _SQL_VALUE_FUNCTIONS:
            raise RuntimeError(f"SQL value function {op} registered twice")
        _SQL_VALUE_FUNCTIONS[op] = (colname, fn)
        return fn

    return register


@_compiles(ast.SQLValueFunction)
def _c_svf(c: _Compiler, node: Any) -> Expr:
    entry = _SQL_VALUE_FUNCTIONS.get(node.op)
    if entry is None:
        raise c.unsupported(f"SQL function {enums.SQLValueFunctionOp(node.op).name}", node.location)
    return entry[1](c, node)


_SVF = enums.SQLValueFunctionOp


def _user_svf(c: _Compiler, node: Any) -> Expr:
    return Expr(NAME, lambda env: env.ctx.user, node.location)


for _svf_op, _name in (
    (_SVF.SVFOP_CURRENT_USER, "current_user"),
    (_SVF.SVFOP_CURRENT_ROLE, "current_role"),
    (_SVF.SVFOP_SESSION_USER, "session_user"),
    (_SVF.SVFOP_USER, "user"),
):
    _svf(_svf_op, _name)(_user_svf)


@_svf(_SVF.SVFOP_CURRENT_CATALOG, "current_catalog")
def _svf_catalog(c: _Compiler, node: Any) -> Expr:
    return Expr(NAME, lambda env: env.ctx.database, node.location)


@_svf(_SVF.SVFOP_CURRENT_SCHEMA, "current_schema")
def _svf_schema(c: _Compiler, node: Any) -> Expr:
    return _const(NAME, "public", node.location)


@_svf(_SVF.SVFOP_CURRENT_DATE, "current_date")
def _svf_date(c: _Compiler, node: Any) -> Expr:
    return Expr(
        DATE, lambda env: _tz_local(env.ctx.transaction_timestamp(), env).date(), node.location
    )


def _timed(c: _Compiler, node: ast.SQLValueFunction, oid: int, fn: Fn) -> Expr:
    e = Expr(oid, fn, node.location)
    typmod = node.typmod if node.typmod is not None else -1
    return c.coerce(e, oid, typmod, explicit=True) if typmod >= 0 else e


def _now_timetz(env: _Env) -> dt.time:
    local = env.ctx.transaction_timestamp().astimezone(env.tz)
    return local.time().replace(tzinfo=dt.timezone(local.utcoffset() or dt.timedelta(0)))


for _svf_op in (_SVF.SVFOP_CURRENT_TIME, _SVF.SVFOP_CURRENT_TIME_N):
    _svf(_svf_op, "current_time")(lambda c, node: _timed(c, node, TIMETZ, _now_timetz))
for _svf_op in (_SVF.SVFOP_CURRENT_TIMESTAMP, _SVF.SVFOP_CURRENT_TIMESTAMP_N):
    _svf(_svf_op, "current_timestamp")(
        lambda c, node: _timed(c, node, TIMESTAMPTZ, lambda env: env.ctx.transaction_timestamp())
    )
for _svf_op in (_SVF.SVFOP_LOCALTIME, _SVF.SVFOP_LOCALTIME_N):
    _svf(_svf_op, "localtime")(
        lambda c, node: _timed(
            c, node, TIME, lambda env: _tz_local(env.ctx.transaction_timestamp(), env).time()
        )
    )
for _svf_op in (_SVF.SVFOP_LOCALTIMESTAMP, _SVF.SVFOP_LOCALTIMESTAMP_N):
    _svf(_svf_op, "localtimestamp")(
        lambda c, node: _timed(
            c, node, TIMESTAMP, lambda env: _tz_local(env.ctx.transaction_timestamp(), env)
        )
    )


_AGGREGATES = frozenset(
    "count sum avg min max array_agg string_agg bool_and bool_or every json_agg jsonb_agg json_object_agg "
    "jsonb_object_agg stddev variance stddev_pop stddev_samp var_pop var_samp".split()
)


@_compiles(ast.FuncCall)
def _c_funccall(c: _Compiler, node: Any) -> Expr:
    names = [n.sval for n in node.funcname]
    name = names[-1]
    loc = node.location if node.location is not None else -1
    if node.over is not None:
        raise c.unsupported("window functions", loc, plural=True)
    if (
        node.agg_star
        or node.agg_distinct
        or node.agg_order
        or node.agg_filter
        or name in _AGGREGATES
    ):
        raise c.unsupported(f"aggregate function {name}()", loc)
    if len(names) > 1 and names[0] != "pg_catalog":
        raise make_error("3F000", f'schema "{names[0]}" does not exist', position=c.pos(loc))
    special = _SPECIAL_FUNCTIONS.get(name)
    args = [c.expr(a) for a in node.args or ()]
    if special is not None:
        result = special(c, args, loc)
        if result is not None:
            return result
    return c.call(name, args, loc)


# ---------------------------------------------------------------------------
# Operators

_OPERATORS: dict[str, list[Overload]] = {}


def _operator(
    names: str | Sequence[str], args: tuple[int, ...], result: int, impl: Impl, strict: bool = True
) -> None:
    """Register one overload for each operator name in `names`."""
    for name in [names] if isinstance(names, str) else names:
        _OPERATORS.setdefault(name, []).append(Overload(args, result, impl, strict))


def _arith(oid: int, op: str) -> Callable[[Any, Any], Any]:
    if oid in _INT_TYPES:
        f: Callable[[int, int], int] = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
            "/": _int_div,
            "%": _int_mod,
        }[op]
        return lambda a, b: _check_int(oid, f(a, b))
    if oid in (FLOAT4, FLOAT8):

        def fl(a: float, b: float) -> float:
            a, b = float(a), float(b)
            if op == "/" and b == 0.0:
                raise DivisionByZero("division by zero")
            r = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0.0}[op]
            if op in ("+", "-") and r == 0.0:
                return r
            return _check_float(oid, r, a, b) if op in ("*", "/") else _check_float(oid, r, a)

        return fl
    assert oid == NUMERIC

    def num(a: Decimal, b: Decimal) -> Decimal:
        if op == "+":
            return _DEC.add(a, b)
        if op == "-":
            return _DEC.subtract(a, b)
        if op == "*":
            return _DEC.multiply(a, b)
        if op == "/":
            return _numeric_div(a, b)
        if b.is_zero():
            raise DivisionByZero("division by zero")
        return _DEC.remainder(a, b)

    return num


_MIXED_INT = {
    (INT2, INT4): INT4,
    (INT4, INT2): INT4,
    (INT2, INT8): INT8,
    (INT8, INT2): INT8,
    (INT4, INT8): INT8,
    (INT8, INT4): INT8,
}
for _op in ("+", "-", "*", "/"):
    for _t in (INT2, INT4, INT8, FLOAT4, FLOAT8, NUMERIC):
        _operator(_op, (_t, _t), _t, _simple(_arith(_t, _op)))
    for (_a, _b), _r in _MIXED_INT.items():
        _operator(_op, (_a, _b), _r, _simple(_arith(_r, _op)))
    for _a, _b in ((FLOAT4, FLOAT8), (FLOAT8, FLOAT4)):
        _operator(_op, (_a, _b), FLOAT8, _simple(_arith(FLOAT8, _op)))
for _t in (INT2, INT4, INT8, NUMERIC):
    _operator("%", (_t, _t), _t, _simple(_arith(_t, "%")))
_INT_BITS = {INT2: 16, INT4: 32, INT8: 64}


def _wrap_int(bits: int, v: int) -> int:
    """`v` as a two's-complement integer of `bits` bits (C's shifts wrap, so PG's do)."""
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


# bitwise operators of the integer types (int2and, int4or, int8xor, int2not, int4shl, ...)
for _t, _bits in _INT_BITS.items():
    _operator("&", (_t, _t), _t, _simple(lambda a, b: a & b))
    _operator("|", (_t, _t), _t, _simple(lambda a, b: a | b))
    _operator("#", (_t, _t), _t, _simple(lambda a, b: a ^ b))
    _operator("~", (_t,), _t, _simple(lambda a: ~a))
    _operator("<<", (_t, INT4), _t, _simple(lambda a, b, n=_bits: _wrap_int(n, a << (b % n))))
    _operator(">>", (_t, INT4), _t, _simple(lambda a, b, n=_bits: a >> (b % n)))
for _t in (INT2, INT4, INT8, FLOAT4, FLOAT8, NUMERIC):
    _operator(
        "-", (_t,), _t, _simple(lambda a, _t=_t: _check_int(_t, -a) if _t in _INT_TYPES else -a)
    )
    _operator("+", (_t,), _t, _simple(lambda a: a))


def _dpow(a: float, b: float) -> float:
    if a == 0 and b < 0:
        raise make_error("2201F", "zero raised to a negative power is undefined")
    if a < 0 and b != math.floor(b):
        raise make_error(
            "2201F", "a negative number raised to a non-integer power yields a complex result"
        )
    try:
        r = math.pow(a, b)
    except OverflowError:
        raise NumericValueOutOfRange("value out of range: overflow") from None
    return _check_float(FLOAT8, r, a)


_operator("^", (FLOAT8, FLOAT8), FLOAT8, _simple(_dpow))
_operator("^", (NUMERIC, NUMERIC), NUMERIC, _simple(_numeric_power))


# --- date/time arithmetic


def _add_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + (d.month - 1) + months
    y, m = divmod(total, 12)
    last = [
        31,
        29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][m]
    return dt.date(y, m + 1, min(d.day, last))


def _ts_plus(ts: dt.datetime, iv: Any, sign: int = 1) -> dt.datetime:
    try:
        if iv.months:
            nd = _add_months(ts.date(), sign * iv.months)
            ts = ts.replace(year=nd.year, month=nd.month, day=nd.day)
        return ts + dt.timedelta(days=sign * iv.days, microseconds=sign * iv.microseconds)
    except (OverflowError, ValueError):
        raise DatetimeFieldOverflow("timestamp out of range") from None


def _tstz_plus(call: _Call, ts: dt.datetime, iv: Any, sign: int = 1) -> dt.datetime:
    if iv.months or iv.days:
        local = _tz_local(ts, call.env)
        local = _ts_plus(local, Interval(iv.months, iv.days, 0), sign)
        ts = _tz_from_local(local, call.env)
    return ts + dt.timedelta(microseconds=sign * iv.microseconds)


def _ts_diff(a: dt.datetime, b: dt.datetime) -> Any:
    us = (a - b) // dt.timedelta(microseconds=1)
    days = int(us / 86_400_000_000)
    return Interval(0, days, us - days * 86_400_000_000)


def _iv_mul(iv: Any, factor: float) -> Any:
    if math.isnan(factor) or math.isinf(factor):
        raise NumericValueOutOfRange("interval out of range")
    months_f = iv.months * factor
    months = int(months_f)
    days_f = iv.days * factor
    days = int(days_f)
    month_rem_days = round((months_f - months) * 30 * 1e6) / 1e6
    sec_rem = round((days_f - days + month_rem_days - int(month_rem_days)) * 86400 * 1e6) / 1e6
    if abs(sec_rem) >= 86400:
        days += int(sec_rem / 86400)
        sec_rem -= int(sec_rem / 86400) * 86400
    days += int(month_rem_days)
    return Interval(months, days, round(iv.microseconds * factor + sec_rem * 1e6))


def _iv_key(iv: Any) -> int:
    return (iv.months * 30 + iv.days) * 86_400_000_000 + iv.microseconds


def _time_plus(t: dt.time, iv: Any, sign: int = 1) -> dt.time:
    us = (
        ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000
        + t.microsecond
        + sign * iv.microseconds
    )
    return (dt.datetime(2000, 1, 1) + dt.timedelta(microseconds=us % 86_400_000_000)).time()


def _date_plus_days(d: dt.date, n: int) -> dt.date:
    try:
        return d + dt.timedelta(days=n)
    except OverflowError:
        raise DatetimeFieldOverflow("date out of range") from None


_operator("+", (DATE, INT4), DATE, _simple(_date_plus_days))
_operator("+", (INT4, DATE), DATE, _simple(lambda n, d: _date_plus_days(d, n)))
_operator("-", (DATE, INT4), DATE, _simple(lambda d, n: _date_plus_days(d, -n)))
_operator("-", (DATE, DATE), INT4, _simple(lambda a, b: (a - b).days))
_operator(
    "+",
    (DATE, INTERVAL),
    TIMESTAMP,
    _simple(lambda d, iv: _ts_plus(dt.datetime(d.year, d.month, d.day), iv)),
)
_operator(
    "+",
    (INTERVAL, DATE),
    TIMESTAMP,
    _simple(lambda iv, d: _ts_plus(dt.datetime(d.year, d.month, d.day), iv)),
)
_operator(
    "-",
    (DATE, INTERVAL),
    TIMESTAMP,
    _simple(lambda d, iv: _ts_plus(dt.datetime(d.year, d.month, d.day), iv, -1)),
)
_operator("+", (DATE, TIME), TIMESTAMP, _simple(lambda d, t: dt.datetime.combine(d, t)))
_operator("+", (TIME, DATE), TIMESTAMP, _simple(lambda t, d: dt.datetime.combine(d, t)))
_operator("+", (TIMESTAMP, INTERVAL), TIMESTAMP, _simple(_ts_plus))
_operator("+", (INTERVAL, TIMESTAMP), TIMESTAMP, _simple(lambda iv, ts: _ts_plus(ts, iv)))
_operator("-", (TIMESTAMP, INTERVAL), TIMESTAMP, _simple(lambda ts, iv: _ts_plus(ts, iv, -1)))
_operator("+", (TIMESTAMPTZ, INTERVAL), TIMESTAMPTZ, _tstz_plus)
_operator("+", (INTERVAL, TIMESTAMPTZ), TIMESTAMPTZ, lambda call, iv, ts: _tstz_plus(call, ts, iv))
_operator(
    "-", (TIMESTAMPTZ, INTERVAL), TIMESTAMPTZ, lambda call, ts, iv: _tstz_plus(call, ts, iv, -1)
)
_operator("-", (TIMESTAMP, TIMESTAMP), INTERVAL, _simple(_ts_diff))
_operator("-", (TIMESTAMPTZ, TIMESTAMPTZ), INTERVAL, _simple(_ts_diff))
_operator("+", (TIME, INTERVAL), TIME, _simple(_time_plus))
_operator("-", (TIME, INTERVAL), TIME, _simple(lambda t, iv: _time_plus(t, iv, -1)))
_operator(
    "-",
    (TIME, TIME),
    INTERVAL,
    _simple(lambda a, b: Interval(0, 0, _iv_key(_cast_time_iv(a)) - _iv_key(_cast_time_iv(b)))),
)
_operator(
    "+",
    (INTERVAL, INTERVAL),
    INTERVAL,
    _simple(
        lambda a, b: Interval(a.months + b.months, a.days + b.days, a.microseconds + b.microseconds)
    ),
)
_operator(
    "-",
    (INTERVAL, INTERVAL),
    INTERVAL,
    _simple(
        lambda a, b: Interval(a.months - b.months, a.days - b.days, a.microseconds - b.microseconds)
    ),
)
_operator(
    "-", (INTERVAL,), INTERVAL, _simple(lambda a: Interval(-a.months, -a.days, -a.microseconds))
)
_operator("*", (INTERVAL, FLOAT8), INTERVAL, _simple(_iv_mul))
_operator("*", (FLOAT8, INTERVAL), INTERVAL, _simple(lambda f, iv: _iv_mul(iv, f)))


def _iv_div(iv: Any, f: float) -> Any:
    if f == 0:
        raise DivisionByZero("division by zero")
    return _iv_mul(iv, 1.0 / f)


_operator("/", (INTERVAL, FLOAT8), INTERVAL, _simple(_iv_div))


def _cast_time_iv(t: dt.time) -> Any:
    return Interval(0, 0, ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond)


# --- comparisons


def _jsonb_key(v: Any, top: bool = False) -> Any:
    """jsonb's btree order: null < string < number < boolean < array < object.

    Arrays and objects compare by size first; a top-level scalar is a one-element
    "raw scalar" array that sorts before real arrays of one element.
    """
    if isinstance(v, list):
        return (4, len(v), 1, [_jsonb_key(x) for x in v])
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: (len(k.encode()), k.encode()))
        return (5, len(v), [(k, _jsonb_key(v[k])) for k in keys])
    if v is None:
        scalar: Any = (0, 0)
    elif isinstance(v, bool):
        scalar = (3, v)
    elif isinstance(v, Decimal):
        scalar = (2, v)
    else:
        scalar = (1, v)
    return (4, 1, 0, [scalar]) if top else scalar


def _cmp_key(oid: int) -> Callable[[Any], Any]:
    if is_enum(oid):  # the declared order (pg_enum.enumsortorder), not the labels' text
        order = enum_order(oid)  # the snapshot's it is compiled against
        return lambda v: enum_sort_key(oid, v, order)
    if oid == BPCHAR:
        return lambda v: v.rstrip(" ")
    if oid == INTERVAL:
        return _iv_key
    if oid == JSONB:
        return lambda v: _jsonb_key(parse_json(v), True)
    if oid == TIMETZ:
        return lambda v: (
            dt.datetime.combine(dt.date(2000, 1, 1), v) - (v.utcoffset() or dt.timedelta(0)),
            v.utcoffset(),
        )
    if _is_array(oid):
        inner = _cmp_key(_elem(oid))

        def arr_key(v: list[Any]) -> Any:
            return [
                (1, None) if x is None else (0, arr_key(x) if isinstance(x, list) else inner(x))
                for x in v
            ]

        return arr_key
    if oid in (FLOAT4, FLOAT8):
        return lambda v: (1, 0.0) if math.isnan(v) else (0, v)
    if oid == NUMERIC:
        return lambda v: (1, Decimal(0)) if v.is_nan() else (0, v)
    return lambda v: v


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_COMPARABLE = (
    BOOL,
    BYTEA,
    NAME,
    INT2,
    INT4,
    INT8,
    TEXT,
    OID,
    FLOAT4,
    FLOAT8,
    BPCHAR,
    DATE,
    TIME,
    TIMESTAMP,
    TIMESTAMPTZ,
    INTERVAL,
    TIMETZ,
    NUMERIC,
    UUID,
    JSONB,
)


def _register_comparisons(
    args: tuple[int, int], key_a: Callable[[Any], Any], key_b: Callable[[Any], Any]
) -> None:
    for op, f in _COMPARE.items():
        _operator(op, args, BOOL, _simple(lambda a, b, f=f: f(key_a(a), key_b(b))))
    _operator("!=", args, BOOL, _simple(lambda a, b: key_a(a) != key_b(b)))


for _t in _COMPARABLE:
    _register_comparisons((_t, _t), _cmp_key(_t), _cmp_key(_t))
for (_a, _b), _r in _MIXED_INT.items():
    _register_comparisons((_a, _b), int, int)
for _a, _b in ((FLOAT4, FLOAT8), (FLOAT8, FLOAT4)):
    _register_comparisons((_a, _b), float, float)


def _array_compare(op: str) -> Impl:
    f = _COMPARE["<>" if op == "!=" else op]

    def run(call: _Call, a: list[Any], b: list[Any]) -> bool:
        key = _cmp_key(call.arg_types[0])
        return f(key(a), key(b))

    return run


for _op in (*_COMPARE, "!="):
    _operator(_op, (ANYARRAY, ANYARRAY), BOOL, _array_compare(_op))
    _operator(_op, (ANYENUM, ANYENUM), BOOL, _array_compare(_op))


# --- strings: ||, LIKE, regular expressions


def _textcat(call: _Call, a: Any, b: Any) -> str:
    ta, tb = call.arg_types
    return _as_text(ta, a, call.env) + _as_text(tb, b, call.env)


def _as_text(oid: int, v: Any, env: _Env) -> str:
    if oid == BPCHAR:
        return str(v).rstrip(" ")
    if oid in _STRING_TYPES or oid == UNKNOWN:
        return str(v)
    return _to_text(oid, v, env.fmt)


_operator("||", (TEXT, TEXT), TEXT, _textcat)
_operator("||", (TEXT, ANYNONARRAY), TEXT, _textcat)
_operator("||", (ANYNONARRAY, TEXT), TEXT, _textcat)
_operator("||", (ANYARRAY, ANYARRAY), ANYARRAY, _simple(lambda a, b: a + b), strict=False)
_operator(
    "||",
    (ANYARRAY, ANYELEMENT),
    ANYARRAY,
    _simple(lambda a, b: None if a is None else a + [b]),
    strict=False,
)
_operator(
    "||",
    (ANYELEMENT, ANYARRAY),
    ANYARRAY,
    _simple(lambda a, b: None if b is None else [a] + b),
    strict=False,
)
_operator("||", (BYTEA, BYTEA), BYTEA, _simple(lambda a, b: a + b))


def _jsonb_concat(a: str, b: str) -> str:
    x, y = parse_json(a), parse_json(b)
    if isinstance(x, dict) and isinstance(y, dict):
        return dump_jsonb({**x, **y})
    xs = x if isinstance(x, list) else [x]
    ys = y if isinstance(y, list) else [y]
    return dump_jsonb(xs + ys)


_operator("||", (JSONB, JSONB), JSONB, _simple(_jsonb_concat))

# Array || array is strict-less in PostgreSQL only for NULL arrays; keep NULL || x = x semantics.
for _ov in _OPERATORS["||"]:
    if _ov.args == (ANYARRAY, ANYARRAY):
        object.__setattr__(
            _ov,
            "impl",
            _simple(lambda a, b: None if a is None and b is None else (a or []) + (b or [])),
        )


def _like_regex(pattern: str, escape: str = "\\") -> str:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape:
            i += 1
            if i >= len(pattern):
                raise InvalidEscapeSequence("LIKE pattern must not end with escape character")
            out.append(re.escape(pattern[i]))
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _like(ci: bool, negate: bool) -> Impl:
    def run(call: _Call, s: Any, p: str) -> bool:
        text = _as_text(call.arg_types[0], s, call.env)
        ok = re.fullmatch(_like_regex(p), text, re.S | (re.I if ci else 0)) is not None
        return ok != negate

    return run


for _t in (TEXT, BPCHAR, NAME):
    _operator("~~", (_t, TEXT), BOOL, _like(False, False))
    _operator("!~~", (_t, TEXT), BOOL, _like(False, True))
    _operator("~~*", (_t, TEXT), BOOL, _like(True, False))
    _operator("!~~*", (_t, TEXT), BOOL, _like(True, True))


def _regex(ci: bool, negate: bool) -> Impl:
    def run(call: _Call, s: Any, p: str) -> bool:
        try:
            rx = re.compile(p, re.I if ci else 0)
        except re.error as exc:
            raise InvalidRegularExpression(f"invalid regular expression: {exc}") from exc
        return (rx.search(_as_text(call.arg_types[0], s, call.env)) is not None) != negate

    return run


for _t in (TEXT, BPCHAR, NAME):
    _operator("~", (_t, TEXT), BOOL, _regex(False, False))
    _operator("!~", (_t, TEXT), BOOL, _regex(False, True))
    _operator("~*", (_t, TEXT), BOOL, _regex(True, False))
    _operator("!~*", (_t, TEXT), BOOL, _regex(True, True))


# --- json


def _json_get(as_text: bool, out_json: bool) -> Impl:
    def run(call: _Call, doc: str, key: Any) -> Any:
        value = parse_json(doc)
        if isinstance(key, int):
            if not isinstance(value, list):
                return None
            idx = key if key >= 0 else len(value) + key
            if not 0 <= idx < len(value):
                return None
            item = value[idx]
        else:
            if not isinstance(value, dict) or key not in value:
                return None
            item = value[key]
        if as_text:
            if item is None:
                return None
            return item if isinstance(item, str) else dump_jsonb(item)
        if out_json:
            return json.dumps(item, default=str, ensure_ascii=False)
        return dump_jsonb(item)

    return run


for _t in (JSONB, JSON):
    for _k in (TEXT, INT4):
        _operator("->", (_t, _k), _t, _json_get(False, _t == JSON))
        _operator("->>", (_t, _k), TEXT, _json_get(True, _t == JSON))


def _jsonb_contains(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return all(k in a and _jsonb_contains(a[k], v) for k, v in b.items())
    if isinstance(a, list):
        if isinstance(b, list):
            return all(any(_jsonb_contains(x, y) for x in a) for y in b)
        return any(_jsonb_contains(x, b) for x in a if not isinstance(x, list | dict))
    return type(a) is type(b) and a == b


_operator(
    "@>",
    (JSONB, JSONB),
    BOOL,
    _simple(lambda a, b: _jsonb_contains(parse_json(a), parse_json(b))),
)
_operator(
    "<@",
    (JSONB, JSONB),
    BOOL,
    _simple(lambda a, b: _jsonb_contains(parse_json(b), parse_json(a))),
)
_operator("?", (JSONB, TEXT), BOOL, _simple(lambda a, k: _jsonb_has(parse_json(a), k)))


def _jsonb_has(doc: Any, key: str) -> bool:
    if isinstance(doc, dict):
        return key in doc
    if isinstance(doc, list):
        return key in [x for x in doc if isinstance(x, str)]
    return isinstance(doc, str) and doc == key


_operator(
    "@>",
    (ANYARRAY, ANYARRAY),
    BOOL,
    _simple(
        lambda a, b: (
            all(x in _flatten(a) for x in _flatten(b) if x is not None) and None not in _flatten(b)
        )
    ),
)
_operator(
    "&&",
    (ANYARRAY, ANYARRAY),
    BOOL,
    _simple(lambda a, b: any(x in _flatten(b) for x in _flatten(a) if x is not None)),
)


# ---------------------------------------------------------------------------
# Functions

_FUNCTIONS: dict[str, list[Overload]] = {}


def _function(
    names: str | Sequence[str],
    args: tuple[int, ...],
    result: int,
    impl: Impl,
    *,
    strict: bool = True,
    variadic: bool = False,
) -> None:
    """Register one overload of the functions `names`."""
    for name in [names] if isinstance(names, str) else names:
        _FUNCTIONS.setdefault(name, []).append(Overload(args, result, impl, strict, variadic))


def _ctx_call(f: Callable[[EvalContext], Any]) -> Impl:
    return lambda call: f(call.env.ctx)


def _enum_labels(call: _Call) -> tuple[str, ...]:
    """The labels in sort order, as the session's snapshot has them."""
    oid = call.arg_types[0]
    known = call.env.fmt.enum_labels
    mine = known(oid) if known is not None else None
    return ENUM_LABELS[oid] if mine is None else tuple(mine)


def _enum_range(call: _Call, first: str | None, last: str | None = None) -> list[str]:
    labels = _enum_labels(call)
    lo = 0 if first is None else labels.index(first)
    hi = len(labels) - 1 if last is None else labels.index(last)
    return list(labels[lo : hi + 1])


# enum_first(NULL::mood) is the usual call: the type is the argument, not its value.
_function(
    "enum_first",
    (ANYENUM,),
    ANYENUM,
    lambda call, v: (_enum_labels(call) or (None,))[0],
    strict=False,
)
_function(
    "enum_last",
    (ANYENUM,),
    ANYENUM,
    lambda call, v: (_enum_labels(call) or (None,))[-1],
    strict=False,
)
_function("enum_range", (ANYENUM,), ANYARRAY, lambda call, v: _enum_range(call, None), strict=False)
_function("enum_range", (ANYENUM, ANYENUM), ANYARRAY, _enum_range, strict=False)


_function("version", (), TEXT, _ctx_call(lambda ctx: ctx.version()))
_function("current_database", (), NAME, _ctx_call(lambda ctx: ctx.database))
_function("current_user", (), NAME, _ctx_call(lambda ctx: ctx.user))
_function("session_user", (), NAME, _ctx_call(lambda ctx: ctx.user))
_function(
    ("now", "transaction_timestamp"),
    (),
    TIMESTAMPTZ,
    _ctx_call(lambda ctx: ctx.transaction_timestamp()),
)
_function("statement_timestamp", (), TIMESTAMPTZ, _ctx_call(lambda ctx: ctx.statement_timestamp()))
_function("clock_timestamp", (), TIMESTAMPTZ, _simple(lambda: dt.datetime.now(dt.UTC)))
_function(
    "timeofday",
    (),
    TEXT,
    _simple(lambda: dt.datetime.now(dt.UTC).strftime("%a %b %d %H:%M:%S.%f %Y UTC")),
)
_function("pg_backend_pid", (), INT4, _ctx_call(lambda ctx: ctx.backend_pid))
_function("current_setting", (TEXT,), TEXT, lambda call, name: call.env.ctx.setting(name))
_function(
    "current_setting",
    (TEXT, BOOL),
    TEXT,
    lambda call, name, missing_ok: call.env.ctx.setting(name, bool(missing_ok)),
)


def _set_config(call: _Call, name: str | None, value: str | None, is_local: bool | None) -> str:
    if name is None:
        raise make_error("22004", "SET requires parameter name")
    return call.env.ctx.set_setting(name, value, bool(is_local))


_function("set_config", (TEXT, TEXT, BOOL), TEXT, _set_config, strict=False)
# Sequence functions are volatile: every call goes to the session (kuzugres.sequences).
_function("nextval", (TEXT,), INT8, lambda call, name: call.env.ctx.nextval(name))
_function("currval", (TEXT,), INT8, lambda call, name: call.env.ctx.currval(name))
_function("lastval", (), INT8, _ctx_call(lambda ctx: ctx.lastval()))
_function("setval", (TEXT, INT8), INT8, lambda call, name, value: call.env.ctx.setval(name, value))
_function(
    "setval",
    (TEXT, INT8, BOOL),
    INT8,
    lambda call, name, value, is_called: call.env.ctx.setval(name, value, bool(is_called)),
)
_function(
    "pg_encoding_to_char",
    (INT4,),
    NAME,
    _simple(lambda n: {6: "UTF8", 0: "SQL_ASCII", 8: "LATIN1"}.get(n, "")),
)
_function(
    "format_type",
    (OID, INT4),
    TEXT,
    lambda call, oid, mod: None if oid is None else _format_any_type(oid, mod, _user_types(call)),
    strict=False,
)
_function("gen_random_uuid", (), UUID, _simple(uuid.uuid4))
_function("random", (), FLOAT8, _simple(random.random))
_function("pi", (), FLOAT8, _simple(lambda: math.pi))

# strings
_function(("length", "char_length", "character_length"), (TEXT,), INT4, _simple(len))
_function("length", (BPCHAR,), INT4, _simple(lambda s: len(s.rstrip(" "))))
_function("length", (BYTEA,), INT4, _simple(len))
_function("octet_length", (TEXT,), INT4, _simple(lambda s: len(s.encode())))
_function("octet_length", (BYTEA,), INT4, _simple(len))
_function("octet_length", (BPCHAR,), INT4, _simple(lambda s: len(s.encode())))
_function("bit_length", (TEXT,), INT4, _simple(lambda s: 8 * len(s.encode())))
# Collation "C": case mapping touches ASCII letters only (PostgreSQL's asc_tolower).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_function("lower", (TEXT,), TEXT, _simple(lambda s: s.translate(_ASCII_LOWER)))
_function("upper", (TEXT,), TEXT, _simple(lambda s: s.translate(_ASCII_UPPER)))
_function(
    "initcap",
    (TEXT,),
    TEXT,
    _simple(lambda s: re.sub(r"[A-Za-z0-9]+", lambda m: m.group(0).capitalize(), s)),
)


def _substr(s: str, start: int, count: int | None = None) -> str:
    if count is not None and count < 0:
        raise make_error("22011", "negative substring length not allowed")
    end = None if count is None else start + count
    begin = max(start, 1)
    if end is not None and end <= begin:
        return ""
    return s[begin - 1 : None if end is None else end - 1]


_function(("substr", "substring"), (TEXT, INT4), TEXT, _simple(_substr))
_function(("substr", "substring"), (TEXT, INT4, INT4), TEXT, _simple(_substr))
_function("replace", (TEXT, TEXT, TEXT), TEXT, _simple(lambda s, a, b: s.replace(a, b) if a else s))


def _trim(which: str) -> Callable[..., str]:
    def run(s: str, chars: str = " ") -> str:
        if which == "b":
            return s.strip(chars)
        return s.lstrip(chars) if which == "l" else s.rstrip(chars)

    return run


for _n, _w in (("btrim", "b"), ("ltrim", "l"), ("rtrim", "r")):
    _function(_n, (TEXT,), TEXT, _simple(_trim(_w)))
    _function(_n, (TEXT, TEXT), TEXT, _simple(_trim(_w)))
_function(
    "left", (TEXT, INT4), TEXT, _simple(lambda s, n: s[:n] if n >= 0 else s[: max(len(s) + n, 0)])
)
_function(
    "right",
    (TEXT, INT4),
    TEXT,
    _simple(lambda s, n: (s[-n:] if n > 0 else "") if n >= 0 else s[min(-n, len(s)) :]),
)
_function("repeat", (TEXT, INT4), TEXT, _simple(lambda s, n: s * max(n, 0)))
_function("reverse", (TEXT,), TEXT, _simple(lambda s: s[::-1]))
_function(("position", "strpos"), (TEXT, TEXT), INT4, _simple(lambda s, sub: s.find(sub) + 1))
_function("md5", (TEXT,), TEXT, _simple(lambda s: hashlib.md5(s.encode()).hexdigest()))
_function("md5", (BYTEA,), TEXT, _simple(lambda b: hashlib.md5(b).hexdigest()))
_function("starts_with", (TEXT, TEXT), BOOL, _simple(lambda s, p: s.startswith(p)))
_function("ascii", (TEXT,), INT4, _simple(lambda s: ord(s[0]) if s else 0))
_function("to_hex", (INT4,), TEXT, _simple(lambda n: format(n & 0xFFFFFFFF, "x")))
_function("to_hex", (INT8,), TEXT, _simple(lambda n: format(n & 0xFFFFFFFFFFFFFFFF, "x")))


def _split_part(s: str, sep: str, n: int) -> str:
    if n == 0:
        raise InvalidParameterValue("field position must not be zero")
    parts = s.split(sep) if sep else [s]
    idx = n - 1 if n > 0 else len(parts) + n
    return parts[idx] if 0 <= idx < len(parts) else ""


_function("split_part", (TEXT, TEXT, INT4), TEXT, _simple(_split_part))


def _pad(left: bool) -> Callable[..., str]:
    def run(s: str, n: int, fill: str = " ") -> str:
        if n <= len(s) or not fill:
            return s[: max(n, 0)]
        padding = (fill * n)[: n - len(s)]
        return padding + s if left else s + padding

    return run


for _n, _left in (("lpad", True), ("rpad", False)):
    _function(_n, (TEXT, INT4), TEXT, _simple(_pad(_left)))
    _function(_n, (TEXT, INT4, TEXT), TEXT, _simple(_pad(_left)))


def _concat(call: _Call, *values: Any) -> str:
    return "".join(
        _as_text(t, v, call.env)
        for t, v in zip(call.arg_types, values, strict=True)
        if v is not None
    )


def _concat_ws(call: _Call, sep: str | None, *values: Any) -> str | None:
    if sep is None:
        return None
    types = call.arg_types[1:]
    return sep.join(
        _as_text(t, v, call.env) for t, v in zip(types, values, strict=True) if v is not None
    )


_function("concat", (ANY,), TEXT, _concat, strict=False, variadic=True)
_function("concat_ws", (TEXT, ANY), TEXT, _concat_ws, strict=False, variadic=True)


def _like_escape(pattern: str, escape: str) -> str:
    if escape == "\\":
        return pattern
    if len(escape) > 1:
        raise InvalidEscapeSequence(
            "invalid escape string", hint="Escape string must be empty or one character."
        )
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape:
            i += 1
            if i < len(pattern):
                out.append("\\" + pattern[i])
        elif ch == "\\":
            out.append("\\\\")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


_function("like_escape", (TEXT, TEXT), TEXT, _simple(_like_escape))

# numbers
for _t in (INT2, INT4, INT8):
    _function("abs", (_t,), _t, _simple(lambda a, _t=_t: _check_int(_t, abs(a))))
    _function("mod", (_t, _t), _t, _simple(_arith(_t, "%")))
_function("abs", (FLOAT4,), FLOAT4, _simple(abs))
_function("abs", (FLOAT8,), FLOAT8, _simple(abs))
_function("abs", (NUMERIC,), NUMERIC, _simple(abs))
_function("mod", (NUMERIC, NUMERIC), NUMERIC, _simple(_arith(NUMERIC, "%")))
_function("round", (FLOAT8,), FLOAT8, _simple(lambda x: float(round(x)) if math.isfinite(x) else x))
_function("round", (NUMERIC,), NUMERIC, _simple(lambda x: _round_numeric(x, 0)))
_function("round", (NUMERIC, INT4), NUMERIC, _simple(_round_numeric))
_function(
    "trunc", (FLOAT8,), FLOAT8, _simple(lambda x: float(math.trunc(x)) if math.isfinite(x) else x)
)
_function(
    "trunc",
    (NUMERIC,),
    NUMERIC,
    _simple(
        lambda x: _numeric_norm(x.quantize(Decimal(1), rounding=decimal.ROUND_DOWN, context=_DEC))
    ),
)
_function(
    "trunc",
    (NUMERIC, INT4),
    NUMERIC,
    _simple(
        lambda x, n: _numeric_norm(
            x.quantize(Decimal(1).scaleb(-n), rounding=decimal.ROUND_DOWN, context=_DEC)
        )
    ),
)
_function(
    ("ceil", "ceiling"),
    (FLOAT8,),
    FLOAT8,
    _simple(lambda x: float(math.ceil(x)) if math.isfinite(x) else x),
)
_function(
    ("ceil", "ceiling"),
    (NUMERIC,),
    NUMERIC,
    _simple(
        lambda x: _numeric_norm(
            x.quantize(Decimal(1), rounding=decimal.ROUND_CEILING, context=_DEC)
        )
    ),
)
_function(
    "floor", (FLOAT8,), FLOAT8, _simple(lambda x: float(math.floor(x)) if math.isfinite(x) else x)
)
_function(
    "floor",
    (NUMERIC,),
    NUMERIC,
    _simple(
        lambda x: _numeric_norm(x.quantize(Decimal(1), rounding=decimal.ROUND_FLOOR, context=_DEC))
    ),
)
_function("sign", (FLOAT8,), FLOAT8, _simple(lambda x: float((x > 0) - (x < 0))))
_function("sign", (NUMERIC,), NUMERIC, _simple(lambda x: Decimal((x > 0) - (x < 0))))


def _dsqrt(x: float) -> float:
    if x < 0:
        raise make_error("2201F", "cannot take square root of a negative number")
    return math.sqrt(x)


_function("sqrt", (FLOAT8,), FLOAT8, _simple(_dsqrt))
_function("sqrt", (NUMERIC,), NUMERIC, _simple(_numeric_sqrt))
_function(("power", "pow"), (FLOAT8, FLOAT8), FLOAT8, _simple(_dpow))
_function(("power", "pow"), (NUMERIC, NUMERIC), NUMERIC, _simple(_numeric_power))


def _dlog(f: Callable[[float], float]) -> Callable[[float], float]:
    def run(x: float) -> float:
        if x == 0:
            raise make_error("2201E", "cannot take logarithm of zero")
        if x < 0:
            raise make_error("2201E", "cannot take logarithm of a negative number")
        return f(x)

    return run


_function("ln", (FLOAT8,), FLOAT8, _simple(_dlog(math.log)))
_function("log", (FLOAT8,), FLOAT8, _simple(_dlog(math.log10)))
_function(
    "exp",
    (FLOAT8,),
    FLOAT8,
    _simple(lambda x: _check_float(FLOAT8, math.exp(x) if x < 710 else math.inf, x)),
)

# arrays


def _dims(arr: list[Any]) -> list[int]:
    dims = []
    cur: Any = arr
    while isinstance(cur, list) and cur:
        dims.append(len(cur))
        cur = cur[0]
    return dims


def _array_length(arr: list[Any], dim: int) -> int | None:
    dims = _dims(arr)
    return dims[dim - 1] if 1 <= dim <= len(dims) else None


_function("array_length", (ANYARRAY, INT4), INT4, _simple(_array_length))
_function("array_upper", (ANYARRAY, INT4), INT4, _simple(_array_length))
_function(
    "array_lower", (ANYARRAY, INT4), INT4, _simple(lambda a, d: 1 if _array_length(a, d) else None)
)
_function("array_ndims", (ANYARRAY,), INT4, _simple(lambda a: len(_dims(a)) or None))
_function("cardinality", (ANYARRAY,), INT4, _simple(lambda a: len(_flatten(a))))
_function(
    "array_append",
    (ANYARRAY, ANYELEMENT),
    ANYARRAY,
    _simple(lambda a, x: (a or []) + [x]),
    strict=False,
)
_function(
    "array_prepend",
    (ANYELEMENT, ANYARRAY),
    ANYARRAY,
    _simple(lambda x, a: [x] + (a or [])),
    strict=False,
)
_function(
    "array_cat",
    (ANYARRAY, ANYARRAY),
    ANYARRAY,
    _simple(lambda a, b: None if a is None and b is None else (a or []) + (b or [])),
    strict=False,
)


def _array_to_string(call: _Call, arr: list[Any], sep: str, null: str | None = None) -> str:
    elem = _elem(call.arg_types[0])
    parts = [
        (null if v is None else _as_text(elem, v, call.env))
        for v in _flatten(arr)
        if v is not None or null is not None
    ]
    return sep.join(p for p in parts if p is not None)


_function("array_to_string", (ANYARRAY, TEXT), TEXT, _array_to_string)
_function("array_to_string", (ANYARRAY, TEXT, TEXT), TEXT, _array_to_string)


# json
_function("jsonb_typeof", (JSONB,), TEXT, _simple(lambda d: _json_typeof(parse_json(d))))
_function("json_typeof", (JSON,), TEXT, _simple(lambda d: _json_typeof(parse_json(d))))


def _json_typeof(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, Decimal):
        return "number"
    kinds: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return kinds[type(v)]


def _to_json(call: _Call, v: Any) -> str:
    """JSON text of one json_agg/jsonb_agg element (to_json itself lives in functions_extra)."""
    t = call.arg_types[0]
    if t in (INT2, INT4, INT8, NUMERIC, FLOAT4, FLOAT8):
        return _to_text(t, v, call.env.fmt)
    if t == BOOL:
        return "true" if v else "false"
    if t in (JSON, JSONB):
        return normalize_jsonb(v)
    return dump_jsonb(_as_text(t, v, call.env))


# dates
_function("make_date", (INT4, INT4, INT4), DATE, _simple(lambda y, m, d: _make_date(y, m, d)))


def _make_date(y: int, m: int, d: int) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise DatetimeFieldOverflow(f"date field value out of range: {y}-{m:02d}-{d:02d}") from None


# Functions whose result type depends on the argument itself, or that are not
# ordinary calls: a compiler gets the compiled arguments and returns an Expr,
# or None to fall back to overload resolution.
SpecialFunction = Callable[[_Compiler, list[Expr], int], Expr | None]
_SPECIAL_FUNCTIONS: dict[str, SpecialFunction] = {}


_special = registrar(_SPECIAL_FUNCTIONS, "special function")


@_special("pg_typeof")
def _f_pg_typeof(c: _Compiler, args: list[Expr], location: int | None) -> Expr | None:
    if len(args) != 1:
        return None
    arg = args[0]
    if arg.param is not None:
        arg = c.coerce(arg, TEXT)
    return _const(REGTYPE, arg.type, location)


@_special("num_nulls")
def _f_num_nulls(c: _Compiler, args: list[Expr], location: int | None) -> Expr | None:
    fns = [c.finalize(a).fn for a in args]
    return Expr(INT4, lambda env: sum(1 for f in fns if f(env) is None), location)


@_special("num_nonnulls")
def _f_num_nonnulls(c: _Compiler, args: list[Expr], location: int | None) -> Expr | None:
    fns = [c.finalize(a).fn for a in args]
    return Expr(INT4, lambda env: sum(1 for f in fns if f(env) is not None), location)


# ---------------------------------------------------------------------------
# Column names (PostgreSQL's FigureColname)

ColnameRule = Callable[[Any], tuple[str | None, int]]
_COLNAME_RULES: dict[type, ColnameRule] = {}


_colname_rule = registrar(_COLNAME_RULES, "column name rule")


def _figure_colname(node: ast.Node | None) -> tuple[str | None, int]:
    """(name, strength) like FigureColnameInternal; strength 0 means '?column?'."""
    if node is None:
        return None, 0
    rule = _COLNAME_RULES.get(type(node))
    return rule(node) if rule else (None, 0)


@_colname_rule(ast.ColumnRef)
def _cn_columnref(node: Any) -> tuple[str | None, int]:
    names = [f.sval for f in node.fields or () if isinstance(f, ast.String)]
    return (names[-1], 2) if names else (None, 0)


@_colname_rule(ast.FuncCall)
def _cn_func(node: Any) -> tuple[str | None, int]:
    return node.funcname[-1].sval, 2


@_colname_rule(ast.A_Expr)
def _cn_aexpr(node: Any) -> tuple[str | None, int]:
    return ("nullif", 2) if node.kind == enums.A_Expr_Kind.AEXPR_NULLIF else (None, 0)


@_colname_rule(ast.TypeCast)
def _cn_typecast(node: Any) -> tuple[str | None, int]:
    name, strength = _figure_colname(node.arg)
    if strength <= 1 and node.typeName is not None and node.typeName.names:
        return node.typeName.names[-1].sval, 1
    return name, strength


@_colname_rule(ast.A_Indirection)
def _cn_indirection(node: Any) -> tuple[str | None, int]:
    for ind in reversed(node.indirection):
        if isinstance(ind, ast.String):
            return ind.sval, 2
    return _figure_colname(node.arg)


@_colname_rule(ast.CaseExpr)
def _cn_case(node: Any) -> tuple[str | None, int]:
    name, strength = _figure_colname(node.defresult)
    return ("case", 1) if strength <= 1 else (name, strength)


_colname_rule(ast.A_ArrayExpr)(lambda node: ("array", 2))
_colname_rule(ast.CoalesceExpr)(lambda node: ("coalesce", 2))
_colname_rule(ast.MinMaxExpr)(
    lambda node: ("greatest" if node.op == enums.MinMaxOp.IS_GREATEST else "least", 2)
)
_colname_rule(ast.SQLValueFunction)(
    lambda node: (
        (_SQL_VALUE_FUNCTIONS[node.op][0], 2) if node.op in _SQL_VALUE_FUNCTIONS else (None, 0)
    )
)
_colname_rule(ast.RowExpr)(lambda node: ("row", 2))
_colname_rule(ast.CollateClause)(lambda node: _figure_colname(node.arg))


# ---------------------------------------------------------------------------
# Statements

Row = tuple[object, ...]


@dataclass
class _Leaf:
    """One SELECT (or VALUES) without FROM: rows of expressions and a filter."""

    names: list[str]
    rows: list[list[Expr]]
    where: Expr | None
    distinct: bool = False


@dataclass
class _SetOp:
    op: Any
    all: bool
    left: _Leaf | _SetOp
    right: _Leaf | _SetOp
    location: int


def _check_clauses(c: _Compiler, stmt: ast.SelectStmt) -> None:
    if stmt.withClause is not None:
        raise c.unsupported("WITH", _with_location(stmt.withClause))
    if stmt.fromClause:
        raise c.unsupported("FROM clause", _location(stmt.fromClause[0]))
    if stmt.groupClause:
        raise c.unsupported("GROUP BY", c.loc(stmt.groupClause[0]))
    if stmt.havingClause is not None:
        raise c.unsupported("HAVING", _location(stmt.havingClause))
    if stmt.windowClause:
        raise c.unsupported("WINDOW", _location(stmt.windowClause[0]))
    if stmt.intoClause is not None:
        raise c.unsupported("SELECT INTO", None)
    if stmt.lockingClause:
        raise c.unsupported("FOR UPDATE/SHARE", None)
    if stmt.distinctClause and any(d is not None for d in stmt.distinctClause):
        raise c.unsupported("DISTINCT ON", _location(stmt.distinctClause[0]))


def _compile_leaf(c: _Compiler, stmt: ast.SelectStmt) -> _Leaf:
    _check_clauses(c, stmt)
    if stmt.valuesLists:
        rows = [[c.expr(v) for v in row] for row in stmt.valuesLists]
        width = len(rows[0])
        for row_node, row in zip(stmt.valuesLists, rows, strict=True):
            if len(row) != width:
                raise PgSyntaxError(
                    "VALUES lists must all be the same length",
                    position=c.pos(c.loc(row_node[0])),
                )
        return _Leaf([f"column{i + 1}" for i in range(width)], rows, None)
    names: list[str] = []
    exprs: list[Expr] = []
    for target in stmt.targetList or ():
        assert isinstance(target, ast.ResTarget)
        if isinstance(target.val, ast.ColumnRef) and any(
            isinstance(f, ast.A_Star) for f in target.val.fields or ()
        ):
            raise PgSyntaxError(
                "SELECT * with no tables specified is not valid",
                position=c.pos(_location(target.val)),
            )
        exprs.append(c.expr(target.val))
        names.append(target.name or _figure_colname(target.val)[0] or "?column?")
    where = None
    if stmt.whereClause is not None:
        w = c.expr(stmt.whereClause)
        if w.type not in (BOOL, UNKNOWN):
            raise DatatypeMismatch(
                f"argument of WHERE must be type boolean, not type {format_type(w.type)}",
                position=c.pos(w.location),
            )
        where = c.coerce(w, BOOL, location=w.location)
    return _Leaf(names, [exprs], where, distinct=bool(stmt.distinctClause))


def _compile_query(c: _Compiler, stmt: ast.SelectStmt) -> _Leaf | _SetOp:
    if stmt.op == enums.SetOperation.SETOP_NONE:
        return _compile_leaf(c, stmt)
    assert stmt.larg is not None and stmt.rarg is not None
    for clause in ("sortClause", "limitCount", "limitOffset"):
        for arg in (stmt.larg, stmt.rarg):
            if getattr(arg, clause):
                raise c.unsupported(f"{clause} inside a set operation branch", None)
    left, right = _compile_query(c, stmt.larg), _compile_query(c, stmt.rarg)
    return _SetOp(stmt.op, bool(stmt.all), left, right, -1)


def _leaves(q: _Leaf | _SetOp) -> list[_Leaf]:
    return [q] if isinstance(q, _Leaf) else _leaves(q.left) + _leaves(q.right)


def _width(q: _Leaf | _SetOp) -> int:
    return len(q.names) if isinstance(q, _Leaf) else _width(q.left)


def _unify_columns(c: _Compiler, q: _Leaf | _SetOp, stmt: ast.SelectStmt) -> list[int]:
    """Resolve each output column's type across VALUES rows and set operation branches."""
    leaves = _leaves(q)
    width = len(leaves[0].names)
    if isinstance(q, _SetOp):
        for leaf in leaves[1:]:
            if len(leaf.names) != width:
                word = {
                    enums.SetOperation.SETOP_UNION: "UNION",
                    enums.SetOperation.SETOP_INTERSECT: "INTERSECT",
                }.get(q.op, "EXCEPT")
                raise PgSyntaxError(
                    f"each {word} query must have the same number of columns",
                    position=c.pos(leaf.rows[0][0].location if leaf.rows[0] else -1),
                )
    context = (
        "VALUES"
        if not isinstance(q, _SetOp)
        else {
            enums.SetOperation.SETOP_UNION: "UNION",
            enums.SetOperation.SETOP_INTERSECT: "INTERSECT",
        }.get(q.op, "EXCEPT")
    )
    types: list[int] = []
    for col in range(width):
        column = [row[col] for leaf in leaves for row in leaf.rows]
        if len(column) == 1:
            t = column[0].type if column[0].type != UNKNOWN else TEXT
        else:
            t = c.common_type(column, context)
        types.append(t)
        for leaf in leaves:
            for row in leaf.rows:
                e = row[col]
                if e.type != t and e.type != UNKNOWN and not _can_implicit(e.type, t):
                    raise CannotCoerce(
                        f"{context} could not convert type {format_type(e.type)} to {format_type(t)}",
                        position=c.pos(e.location),
                    )
                row[col] = c.coerce(e, t, location=e.location)
    return types


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return value


def _run_query(q: _Leaf | _SetOp, env: _Env) -> list[Row]:
    if isinstance(q, _Leaf):
        if q.where is not None and not q.where.fn(env):
            return []
        rows = [tuple(e.fn(env) for e in row) for row in q.rows]
        return _dedupe(rows) if q.distinct else rows
    left, right = _run_query(q.left, env), _run_query(q.right, env)
    if q.op == enums.SetOperation.SETOP_UNION:
        rows = left + right
        return rows if q.all else _dedupe(rows)
    right_keys: dict[Any, int] = {}
    for r in right:
        k = _hashable(r)
        right_keys[k] = right_keys.get(k, 0) + 1
    out: list[Row] = []
    if q.op == enums.SetOperation.SETOP_INTERSECT:
        for r in left if q.all else _dedupe(left):
            k = _hashable(r)
            if right_keys.get(k, 0) > 0:
                right_keys[k] -= 1
                out.append(r)
        return out
    for r in left if q.all else _dedupe(left):
        k = _hashable(r)
        if right_keys.get(k, 0) > 0:
            if q.all:
                right_keys[k] -= 1
            continue
        out.append(r)
    return out


def _dedupe(rows: list[Row]) -> list[Row]:
    seen: set[Any] = set()
    out = []
    for r in rows:
        k = _hashable(r)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


@dataclass(frozen=True)
class _SortKey:
    column: int
    descending: bool
    nulls_first: bool


def _compile_sort(
    c: _Compiler, stmt: ast.SelectStmt, names: list[str], q: _Leaf | _SetOp
) -> list[_SortKey]:
    keys: list[_SortKey] = []
    for sortby in stmt.sortClause or ():
        assert isinstance(sortby, ast.SortBy)
        node = sortby.node
        if sortby.useOp:
            raise c.unsupported("ORDER BY ... USING", _location(sortby))
        descending = sortby.sortby_dir == enums.SortByDir.SORTBY_DESC
        if sortby.sortby_nulls == enums.SortByNulls.SORTBY_NULLS_DEFAULT:
            nulls_first = descending
        else:
            nulls_first = sortby.sortby_nulls == enums.SortByNulls.SORTBY_NULLS_FIRST
        column: int | None = None
        if isinstance(node, ast.A_Const) and isinstance(node.val, ast.Integer):
            n = int(node.val.ival or 0)
            if not 1 <= n <= len(names):
                raise make_error(
                    "42P10",
                    f"ORDER BY position {n} is not in select list",
                    position=c.pos(c.loc(node)),
                )
            column = n - 1
        elif (
            isinstance(node, ast.ColumnRef)
            and len(node.fields or ()) == 1
            and isinstance((node.fields or ())[0], ast.String)
        ):
            name = str((node.fields or ())[0].sval)
            if name in names:
                column = names.index(name)
        if column is None:
            if isinstance(q, _SetOp):
                raise FeatureNotSupported(
                    "invalid UNION/INTERSECT/EXCEPT ORDER BY clause",
                    detail="Only result column names can be used, not expressions or functions.",
                    position=c.pos(c.loc(node)),
                )
            # An expression over no table is the same for every row: compile it for its errors only.
            c.finalize(c.expr(node))
            continue
        keys.append(_SortKey(column, descending, nulls_first))
    return keys


def _sort(rows: list[Row], keys: list[_SortKey], types: list[int]) -> list[Row]:
    for key in reversed(keys):
        cmp = _cmp_key(types[key.column])
        present = [r for r in rows if r[key.column] is not None]
        absent = [r for r in rows if r[key.column] is None]
        present.sort(key=lambda r: cmp(r[key.column]), reverse=key.descending)
        rows = absent + present if key.nulls_first else present + absent
    return rows


def _limit_expr(c: _Compiler, node: ast.Node | None, word: str) -> Fn | None:
    if node is None:
        return None
    if isinstance(node, ast.A_Const) and node.isnull:
        return None
    e = c.expr(node)
    if e.type not in (*_INT_TYPES, UNKNOWN, NUMERIC, FLOAT4, FLOAT8):
        raise DatatypeMismatch(
            f"argument of {word} must be type bigint, not type {format_type(e.type)}",
            position=c.pos(e.location),
        )
    return c.coerce(e, INT8, explicit=e.type in (NUMERIC, FLOAT4, FLOAT8), location=e.location).fn


@dataclass(frozen=True)
class ConstantSelect:
    """A compiled SELECT without FROM: fixed result columns, rows computed per execution."""

    columns: tuple[Column, ...]
    _query: _Leaf | _SetOp = field(repr=False)
    _sort: tuple[_SortKey, ...] = field(repr=False, default=())
    _limit: Fn | None = field(repr=False, default=None)
    _offset: Fn | None = field(repr=False, default=None)

    def rows(self, params: Sequence[object], ctx: EvalContext) -> list[tuple[object, ...]]:
        """Evaluate the statement: `params` are decoded values of the parameter types."""
        env = _Env(params, ctx)
        result = _run_query(self._query, env)
        if self._sort:
            result = _sort(result, list(self._sort), [col.type_oid for col in self.columns])
        offset = self._offset(env) if self._offset else None
        if offset is not None:
            if offset < 0:
                raise InvalidRowCountInResultOffsetClause("OFFSET must not be negative")
            result = result[offset:]
        limit = self._limit(env) if self._limit else None
        if limit is not None:
            if limit < 0:
                raise InvalidRowCountInLimitClause("LIMIT must not be negative")
            result = result[:limit]
        return result


def compile_select(stmt: ast.SelectStmt, sql: str, params: ParamTypes) -> ConstantSelect:
    """Compile a FROM-less SELECT/VALUES (or a set operation of them).

    Fixes the type of every parameter the statement uses (unspecified ones
    from context, like PostgreSQL); raises PgError with PostgreSQL's SQLSTATE,
    message and position for what PostgreSQL rejects, and FeatureNotSupported
    for what kuzugres does not do yet.
    """
    c = _Compiler(sql, params, const_locations=_const_locations(stmt, sql))
    if stmt.withClause is not None:
        raise c.unsupported("WITH", _with_location(stmt.withClause))
    q = _compile_query(c, stmt)
    types = _unify_columns(c, q, stmt)
    names = _leaves(q)[0].names
    columns = tuple(
        Column(name, t, _column_typmod(q, i))
        for i, (name, t) in enumerate(zip(names, types, strict=True))
    )
    sort = _compile_sort(c, stmt, names, q)
    limit = _limit_expr(c, stmt.limitCount, "LIMIT")
    offset = _limit_expr(c, stmt.limitOffset, "OFFSET")
    for n, oid in enumerate(params.oids, start=1):
        if oid == 0:
            raise IndeterminateDatatype(f"could not determine data type of parameter ${n}")
    return ConstantSelect(columns, q, tuple(sort), limit, offset)


def _column_typmod(q: _Leaf | _SetOp, i: int) -> int:
    mods = {row[i].typmod for leaf in _leaves(q) for row in leaf.rows}
    return mods.pop() if len(mods) == 1 else -1


def _const_locations(stmt: ast.Node, sql: str) -> dict[int, int]:
    """Map id(A_Const) -> location by walking libpg_query's JSON tree alongside `stmt`."""
    from pglast import parser

    try:
        data = json.loads(parser.parse_sql_json(sql))
    except Exception:  # noqa: BLE001 - positions are best effort
        return {}
    for raw in data.get("stmts", ()):
        out: dict[int, int] = {}
        if _walk_json(stmt, raw.get("stmt"), out):
            return _chars_at_bytes(sql, out)
    return {}


def _walk_json(node: Any, js: Any, out: dict[int, int]) -> bool:
    if isinstance(node, ast.Node):
        if not isinstance(js, dict):
            return False
        # Node-typed fields are wrapped ({"A_Const": {...}}); struct-typed ones are not.
        body = js.get(type(node).__name__, js) if len(js) == 1 else js
        if not isinstance(body, dict):
            return False
        if isinstance(node, ast.A_Const):
            out[id(node)] = int(body.get("location", -1))
            return True
        for slot in getattr(node, "__slots__", ()):
            value = getattr(node, slot, None)
            if isinstance(value, ast.Node | tuple) and not _walk_json(value, body.get(slot), out):
                return False
        return True
    if isinstance(node, tuple):
        if isinstance(js, dict) and "List" in js:
            js = js["List"].get("items", [])
        if not isinstance(js, list) or len(js) != len(node):
            return False
        return all(_walk_json(a, b, out) for a, b in zip(node, js, strict=True))
    return True


def _with_location(clause: ast.WithClause) -> int | None:
    ctes = clause.ctes or ()
    return _location(ctes[0]) if ctes else _location(clause)


# ---------------------------------------------------------------------------
# Expressions over rows (the residual engine's interface)


@dataclass(frozen=True)
class ScopeColumn:
    """One slot of a row: the range variable it belongs to, its name and type (and the
    table column it comes from, see `Column`)."""

    relation: str | None
    name: str
    type_oid: int
    typmod: int = -1
    hidden: bool = False
    table_oid: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)


def _error_position(location: int | None) -> int | None:
    # pglast locations count characters from 0; PostgreSQL positions from 1.
    if location is None or location < 0:
        return None
    return location + 1


@dataclass(frozen=True)
class Scope:
    """The columns a row carries (index i of a row is `columns[i]`), for name resolution."""

    columns: tuple[ScopeColumn, ...]
    outer: Scope | None = None

    def resolve(self, names: tuple[str, ...], location: int | None) -> int:
        """The row index `names` (`x`, `t.x`, `s.t.x`) refers to, as PostgreSQL resolves it.

        `location` is pglast's location of the reference (reported as
        PostgreSQL's 1-based position). Raises 42703 (no such column), 42P01 (no such range variable) or 42702
        (ambiguous).
        """
        position = _error_position(location)
        if not names:
            raise RuntimeError("empty column reference")
        column = names[-1]
        if len(names) == 1:
            hits = [i for i, c in enumerate(self.columns) if c.name == column]
            if not hits:
                if any(c.relation == column for c in self.columns):
                    raise FeatureNotSupported(
                        "whole-row references are not supported yet", position=position
                    )
                raise UndefinedColumn(f'column "{column}" does not exist', position=position)
            if len(hits) > 1:
                raise AmbiguousColumn(
                    f'column reference "{column}" is ambiguous', position=position
                )
            return hits[0]
        relation = names[-2]
        if not any(c.relation == relation for c in self.columns):
            raise UndefinedTable(
                f'missing FROM-clause entry for table "{relation}"', position=position
            )
        hits = [
            i for i, c in enumerate(self.columns) if c.relation == relation and c.name == column
        ]
        if not hits:
            raise UndefinedColumn(f"column {relation}.{column} does not exist", position=position)
        if len(hits) > 1:
            raise AmbiguousColumn(
                f'column reference "{relation}.{column}" is ambiguous', position=position
            )
        return hits[0]

    def column_at(self, index: int) -> ScopeColumn:
        """The column of row slot `index`; slots past `columns` continue into `outer`.

        (A correlated subquery's rows are its own row followed by the outer row.)
        """
        scope: Scope | None = self
        i = index
        while scope is not None:
            if 0 <= i < len(scope.columns):
                return scope.columns[i]
            i -= len(scope.columns)
            scope = scope.outer
        raise RuntimeError(f"row slot {index} is outside the scope")

    def star(self, relation: str | None, location: int | None = None) -> list[int]:
        """Row indexes `*` (relation None) or `relation.*` expands to (hidden columns left out)."""
        position = _error_position(location)
        if relation is None:
            if not self.columns:
                raise PgSyntaxError(
                    "SELECT * with no tables specified is not valid", position=position
                )
            return [i for i, c in enumerate(self.columns) if not c.hidden]
        if not any(c.relation == relation for c in self.columns):
            raise UndefinedTable(
                f'missing FROM-clause entry for table "{relation}"', position=position
            )
        return [i for i, c in enumerate(self.columns) if c.relation == relation and not c.hidden]


class RowExpr(Protocol):
    """A compiled expression over rows of a `Scope`."""

    @property
    def type_oid(self) -> int: ...

    @property
    def typmod(self) -> int: ...

    def evaluate(self, row: Sequence[object], params: Sequence[object], ctx: EvalContext) -> object:
        """The value of the expression for `row` (values in the proxy's value model)."""
        ...


@dataclass(frozen=True)
class CompiledExpr:
    """The `RowExpr` compile_expr() returns."""

    type_oid: int
    typmod: int
    _fn: Fn = field(repr=False)

    def evaluate(self, row: Sequence[object], params: Sequence[object], ctx: EvalContext) -> object:
        """The value of the expression for `row`."""
        return self._fn(_Env(params, ctx, row))


# Assignment casts beyond the implicit ones (pg_cast castcontext 'a'); any type
# also converts to a string type by I/O conversion in assignment.
_ASSIGNMENT: set[tuple[int, int]] = set()
for _i, _a in enumerate(_NUMERIC_LADDER):
    for _b in _NUMERIC_LADDER[:_i]:
        _ASSIGNMENT.add((_a, _b))
_ASSIGNMENT |= {
    (OID, INT4),
    (OID, INT8),
    (JSON, JSONB),
    (JSONB, JSON),
    (TIMESTAMP, DATE),
    (TIMESTAMP, TIME),
    (TIMESTAMPTZ, DATE),
    (TIMESTAMPTZ, TIME),
    (TIMESTAMPTZ, TIMESTAMP),
    (INTERVAL, TIME),
    (TIMETZ, TIME),
}


def _can_assign(src: int, dst: int) -> bool:
    if _can_implicit(src, dst) or (src, dst) in _ASSIGNMENT:
        return True
    if dst in (TEXT, VARCHAR, BPCHAR) and src in TYPES_BY_OID:
        return True
    s, d = TYPES_BY_OID.get(src), TYPES_BY_OID.get(dst)
    if s and d and s.elem_oid and d.elem_oid:
        return _can_assign(s.elem_oid, d.elem_oid)
    return False


@lru_cache(maxsize=64)
def _parse_tree_json(sql: str) -> Any:
    from pglast import parser

    try:
        return json.loads(parser.parse_sql_json(sql))
    except Exception:  # noqa: BLE001 - positions are best effort
        return None


def _node_const_locations(node: ast.Node, sql: str) -> dict[int, int]:
    """Like _const_locations() for a node inside the statement `sql` was parsed from."""
    data = _parse_tree_json(sql)
    if data is None:
        return {}
    name = type(node).__name__
    want = _location(node)
    if want is not None:
        want = len(sql[:want].encode())
    stack: list[Any] = [data]
    while stack:
        js = stack.pop()
        if isinstance(js, dict):
            body = js.get(name)
            if (
                isinstance(body, dict)
                and (want is None or body.get("location") == want)
                and _const_matches(node, body)
            ):
                out: dict[int, int] = {}
                if _walk_json(node, js, out):
                    return _chars_at_bytes(sql, out)
            stack.extend(reversed(list(js.values())))
        elif isinstance(js, list):
            stack.extend(reversed(js))
    return {}


def _const_matches(node: ast.Node, body: dict[str, Any]) -> bool:
    """Whether the JSON body of an A_Const holds the same value as `node`."""
    if not isinstance(node, ast.A_Const):
        return True
    if node.isnull:
        return bool(body.get("isnull"))
    val = node.val
    if isinstance(val, ast.String):
        return bool(body.get("sval", {}).get("sval", "") == val.sval)
    if isinstance(val, ast.Integer):
        return bool(body.get("ival", {}).get("ival", 0) == val.ival)
    if isinstance(val, ast.Float):
        return bool(body.get("fval", {}).get("fval") == val.fval)
    return True


def _row_compiler(
    node: ast.Node,
    sql: str,
    params: ParamTypes,
    scope: Scope | None,
    slots: dict[int, int] | None,
    subquery: SubqueryHook | None = None,
) -> _Compiler:
    return _Compiler(
        sql,
        params,
        const_locations=_node_const_locations(node, sql),
        scope=scope,
        slots=dict(slots or {}),
        subquery=subquery,
    )


def compile_expr(
    node: ast.Node,
    sql: str,
    params: ParamTypes,
    scope: Scope | None,
    *,
    expected_oid: int | None = None,
    expected_typmod: int = -1,
    target_name: str | None = None,
    slots: dict[int, int] | None = None,
    subquery: SubqueryHook | None = None,
) -> RowExpr:
    """Compile the expression `node` (from the statement text `sql`) over rows of `scope`.

    ColumnRefs read the row slot `scope.resolve()` names; `slots` maps id() of
    AST nodes (aggregate calls, GROUP BY expressions) to row slots to read
    instead of compiling them. With `expected_oid` (and `expected_typmod`) the
    result is coerced with assignment-cast rules, as for INSERT values and
    UPDATE SET (`target_name` is the column named in 42804 errors); without it
    an unknown-typed result becomes text. Parameter types are fixed as a side
    effect on `params`, like compile_select(). `subquery` compiles SubLinks
    (without it they raise 0A000).
    """
    c = _row_compiler(node, sql, params, scope, slots, subquery)
    e = c.expr(node)
    if expected_oid is None:
        e = c.finalize(e)
        return CompiledExpr(e.type, e.typmod, e.fn)
    if e.type != UNKNOWN and not _can_assign(e.type, expected_oid):
        raise DatatypeMismatch(
            f'column "{target_name or "?column?"}" is of type {format_type(expected_oid)}'
            f" but expression is of type {format_type(e.type)}",
            hint="You will need to rewrite or cast the expression.",
            position=c.pos(e.location),
        )
    if e.type != UNKNOWN and e.type != expected_oid and not _can_implicit(e.type, expected_oid):
        # An assignment cast: convert as an explicit cast would, but keep the
        # length checks of an implicit one (varchar(n) raises 22001).
        e = c.coerce(e, expected_oid, explicit=True, location=e.location)
    out = c.coerce(e, expected_oid, expected_typmod, location=e.location)
    return CompiledExpr(out.type, expected_typmod if expected_typmod >= 0 else out.typmod, out.fn)


def compile_condition(
    node: ast.Node,
    sql: str,
    params: ParamTypes,
    scope: Scope | None,
    *,
    clause: str = "WHERE",
    slots: dict[int, int] | None = None,
    subquery: SubqueryHook | None = None,
) -> RowExpr:
    """Compile a WHERE/HAVING/ON/FILTER condition: boolean (or unknown), else 42804."""
    c = _row_compiler(node, sql, params, scope, slots, subquery)
    e = _condition(c, c.expr(node), clause)
    return CompiledExpr(BOOL, -1, e.fn)


def common_type(
    type_oids: Sequence[int],
    context: str,
    sql: str = "",
    locations: Sequence[int | None] | None = None,
) -> int:
    """select_common_type() for UNION/VALUES columns; UNKNOWN marks an untyped literal.

    Raises 42804 when the types cannot be matched (as PostgreSQL, naming `context`).
    """
    c = _Compiler(sql, ParamTypes([]))
    locs = list(locations) if locations is not None else [None] * len(type_oids)
    exprs = [Expr(t, lambda env: None, loc) for t, loc in zip(type_oids, locs, strict=True)]
    return c.unify(exprs, context)[0]


def _condition(c: _Compiler, e: Expr, clause: str) -> Expr:
    if e.type not in (BOOL, UNKNOWN):
        raise DatatypeMismatch(
            f"argument of {clause} must be type boolean, not type {format_type(e.type)}",
            position=c.pos(e.location),
        )
    return c.coerce(e, BOOL, location=e.location)


def column_label(node: ast.Node) -> str:
    """PostgreSQL's output column name for a target (ResTarget) or an expression."""
    if isinstance(node, ast.ResTarget):
        if node.name:
            return str(node.name)
        return _figure_colname(node.val)[0] or "?column?"
    return _figure_colname(node)[0] or "?column?"


def is_aggregate_call(node: object) -> bool:
    """Whether `node` is a call of an aggregate kuzugres knows (not a window call)."""
    if not isinstance(node, ast.FuncCall) or node.over is not None:
        return False
    names = [n.sval for n in node.funcname or ()]
    if len(names) > 1 and names[0] != "pg_catalog":
        return False
    return bool(names) and (names[-1] in _AGGREGATES or bool(node.agg_star))


# ---------------------------------------------------------------------------
# Aggregates over rows


@dataclass(frozen=True)
class _AggImpl:
    """One aggregate's transition: `trans(state, args, env)`, `final(state, env)`.

    Strict aggregates skip rows where any argument is NULL (like a strict
    transition function); the initial state is `init()`.
    """

    init: Callable[[], Any]
    trans: Callable[[Any, tuple[Any, ...], _Env], Any]
    final: Callable[[Any, _Env], Any]
    strict: bool = True


def _binary(c: _Compiler, op: str, left: int, right: int) -> Callable[[Any, Any, _Env], Any]:
    """PostgreSQL's operator `op` on (left, right) values, with its overflow checks."""
    a = Expr(left, lambda env: env.row[0])
    b = Expr(right, lambda env: env.row[1])
    fn = c.operator(op, a, b, -1).fn
    return lambda x, y, env: fn(_Env(env.params, env.ctx, (x, y)))


def _agg_count(c: _Compiler, types: tuple[int, ...], result: int) -> _AggImpl:
    return _AggImpl(lambda: 0, lambda s, a, env: s + 1, lambda s, env: s)


def _agg_sum(c: _Compiler, types: tuple[int, ...], result: int) -> _AggImpl:
    t = types[0]
    if t in _INT_TYPES:

        def int_sum(s: Any, a: tuple[Any, ...], env: _Env) -> Any:
            v = a[0] if s is None else s + a[0]
            return _check_int(INT8, v) if result == INT8 else v

        final: Callable[[Any, _Env], Any] = (
            (lambda s, env: s)
            if result == INT8
            else (lambda s, env: None if s is None else Decimal(s))
        )
        return _AggImpl(lambda: None, int_sum, final)
    plus = _binary(c, "+", t, t)
    return _AggImpl(
        lambda: None,
        lambda s, a, env: a[0] if s is None else plus(s, a[0], env),
        lambda s, env: s,
    )


def numeric_average(total: Decimal, n: int) -> Decimal:
    """avg() of numeric (and integer) input: the sum divided by the count (n > 0) with
    PostgreSQL's result scale."""
    if not total.is_finite():
        return total
    return _numeric_div(total, Decimal(n))


def _agg_avg(c: _Compiler, types: tuple[int, ...], result: int) -> _AggImpl:
    t = types[0]
    if t in (FLOAT4, FLOAT8):

        def float_avg(s: Any, a: tuple[Any, ...], env: _Env) -> Any:
            total, n = s
            v = float(a[0])
            return (_check_float(FLOAT8, total + v, total, v), n + 1)

        return _AggImpl(
            lambda: (0.0, 0), float_avg, lambda s, env: None if s[1] == 0 else s[0] / s[1]
        )
    if t == INTERVAL:
        plus = _binary(c, "+", INTERVAL, INTERVAL)
        div = _binary(c, "/", INTERVAL, FLOAT8)
        return _AggImpl(
            lambda: (None, 0),
            lambda s, a, env: (a[0] if s[0] is None else plus(s[0], a[0], env), s[1] + 1),
            lambda s, env: None if s[1] == 0 else div(s[0], float(s[1]), env),
        )
    plus = _binary(c, "+", NUMERIC, NUMERIC)

    def numeric_avg(s: Any, a: tuple[Any, ...], env: _Env) -> Any:
        total, n = s
        v = a[0] if t == NUMERIC else Decimal(a[0])
        return (v if total is None else plus(total, v, env), n + 1)

    def numeric_final(s: Any, env: _Env) -> Any:
        total, n = s
        return None if n == 0 else numeric_average(total, n)

    return _AggImpl(lambda: (None, 0), numeric_avg, numeric_final)


def _agg_minmax(op: str) -> Callable[[_Compiler, tuple[int, ...], int], _AggImpl]:
    def build(c: _Compiler, types: tuple[int, ...], result: int) -> _AggImpl:
        better = _binary(c, op, types[0], types[0])
        return _AggImpl(
            lambda: None,
            lambda s, a, env: a[0] if s is None or better(a[0], s, env) else s,
            lambda s, env: s,
        )

    return build


def _agg_bool(is_and: bool) -> Callable[[_Compiler, tuple[int, ...], int], _AggImpl]:
    def build(c: _Compiler, types: tuple[int, ...], result: int) -> _AggImpl:
        def trans(s: Any, a: tuple[Any, ...], env: _Env) -> Any:
            if s is None:
                return bool(a[0])
            return (s and a[0]) if is_and else (s or a[0])

        return _AggImpl(lambda: None, trans, lambda s, env: s)

    return build


def _agg_string(c: _Compiler, types: tuple[int, ...], result: int) -> _AggImpl:
    def trans(s: Any, a: tuple[Any, ...], env: _Env) -> Any:
        value, sep = a
        if value is None:
            return s
        if s is None:
            return [value]
        if sep is not None:
            s.append(sep)
        s.append(value)
        return s

    empty = b"" if types[0] == BYTEA else ""
    return _AggImpl(
        lambda: None,
        trans,
        lambda s, env: None if s is None else empty.join(s),  # type: ignore[attr-defined]
        strict=False,
    )


def _agg_array(c: _Compiler, types: tuple[int, ...], result: int) -> _AggImpl:
    nested = _is_array(types[0])

    def trans(s: Any, a: tuple[Any, ...], env: _Env) -> Any:
        v = a[0]
        if nested:
            if v is None:
                raise make_error("22004", "cannot accumulate null arrays")
            if not v:
                raise make_error("2202E", "cannot accumulate empty arrays")
            if s and _dims(s[0]) != _dims(v):
                raise make_error("2202E", "cannot accumulate arrays of different dimensionality")
        s.append(v)
        return s

    return _AggImpl(list, trans, lambda s, env: s or None, strict=False)


def _agg_json(binary: bool) -> Callable[[_Compiler, tuple[int, ...], int], _AggImpl]:
    def build(c: _Compiler, types: tuple[int, ...], result: int) -> _AggImpl:
        t = types[0]

        def trans(s: Any, a: tuple[Any, ...], env: _Env) -> Any:
            v = a[0]
            s.append("null" if v is None else _to_json(_Call(env, (t,), JSON), v))
            return s

        def final(s: Any, env: _Env) -> Any:
            if not s:
                return None
            text = "[" + ", ".join(s) + "]"
            return normalize_jsonb(text) if binary else text

        return _AggImpl(list, trans, final, strict=False)

    return build


AggBuilder = Callable[[_Compiler, tuple[int, ...], int], _AggImpl]
_AGGREGATE_OVERLOADS: dict[str, list[Overload]] = {}
_AGGREGATE_BUILDERS: dict[int, AggBuilder] = {}


def _aggregate(name: str, args: tuple[int, ...], result: int, build: AggBuilder) -> None:
    """Register one signature of aggregate `name`."""
    ov = Overload(args, result, lambda call, *values: None)
    _AGGREGATE_OVERLOADS.setdefault(name, []).append(ov)
    _AGGREGATE_BUILDERS[id(ov)] = build


_aggregate("count", (ANY,), INT8, _agg_count)
for _t, _r in ((INT2, INT8), (INT4, INT8), (INT8, NUMERIC), (NUMERIC, NUMERIC)):
    _aggregate("sum", (_t,), _r, _agg_sum)
for _t in (FLOAT4, FLOAT8, INTERVAL):
    _aggregate("sum", (_t,), _t, _agg_sum)
for _t in (INT2, INT4, INT8, NUMERIC):
    _aggregate("avg", (_t,), NUMERIC, _agg_avg)
for _t in (FLOAT4, FLOAT8):
    _aggregate("avg", (_t,), FLOAT8, _agg_avg)
_aggregate("avg", (INTERVAL,), INTERVAL, _agg_avg)
for _t in (
    INT2,
    INT4,
    INT8,
    OID,
    FLOAT4,
    FLOAT8,
    NUMERIC,
    TEXT,
    BPCHAR,
    DATE,
    TIME,
    TIMETZ,
    TIMESTAMP,
    TIMESTAMPTZ,
    INTERVAL,
    ANYARRAY,
    ANYENUM,
):
    _aggregate("min", (_t,), _t, _agg_minmax("<"))
    _aggregate("max", (_t,), _t, _agg_minmax(">"))
_aggregate("bool_and", (BOOL,), BOOL, _agg_bool(True))
_aggregate("every", (BOOL,), BOOL, _agg_bool(True))
_aggregate("bool_or", (BOOL,), BOOL, _agg_bool(False))
_aggregate("string_agg", (TEXT, TEXT), TEXT, _agg_string)
_aggregate("string_agg", (BYTEA, BYTEA), BYTEA, _agg_string)
_aggregate("array_agg", (ANYNONARRAY,), ANYARRAY, _agg_array)
_aggregate("array_agg", (ANYARRAY,), ANYARRAY, _agg_array)
_aggregate("json_agg", (ANYELEMENT,), JSON, _agg_json(False))
_aggregate("jsonb_agg", (ANYELEMENT,), JSONB, _agg_json(True))


@dataclass(frozen=True)
class _AggOrder:
    fn: Fn
    type: int
    descending: bool
    nulls_first: bool | None


@dataclass(frozen=True)
class AggregateSpec:
    """A compiled aggregate call: feed rows with step(), read the result with final().

    The state is opaque; `step` returns the new state (keep using what it returns).
    """

    type_oid: int
    name: str
    typmod: int = -1
    _impl: _AggImpl = field(
        repr=False, default=_AggImpl(lambda: None, lambda s, a, e: s, lambda s, e: s)
    )
    _args: tuple[Fn, ...] = field(repr=False, default=())
    _arg_types: tuple[int, ...] = field(repr=False, default=())
    _filter: Fn | None = field(repr=False, default=None)
    _distinct: bool = field(repr=False, default=False)
    _order: tuple[_AggOrder, ...] = field(repr=False, default=())

    @property
    def _collects(self) -> bool:
        return self._distinct or bool(self._order)

    def new_state(self) -> object:
        """The state before any row."""
        return [] if self._collects else self._impl.init()

    def step(
        self, state: object, row: Sequence[object], params: Sequence[object], ctx: EvalContext
    ) -> object:
        """Account for one input row (FILTER, NULL skipping, DISTINCT and ORDER BY honoured)."""
        env = _Env(params, ctx, row)
        if self._filter is not None and not self._filter(env):
            return state
        args = tuple(f(env) for f in self._args)
        if self._collects:
            keys = tuple(o.fn(env) for o in self._order)
            assert isinstance(state, list)
            state.append((args, keys))
            return state
        if self._impl.strict and any(v is None for v in args):
            return state
        return self._impl.trans(state, args, env)

    def final(self, state: object, params: Sequence[object], ctx: EvalContext) -> object:
        """The aggregate's value for the rows stepped into `state`."""
        env = _Env(params, ctx)
        if self._collects:
            assert isinstance(state, list)
            items = state
            if self._impl.strict:
                items = [it for it in items if not any(v is None for v in it[0])]
            if self._distinct:
                items = sorted(
                    items,
                    key=lambda it: tuple(
                        sort_key(t, v, descending=False, nulls_first=None)
                        for t, v in zip(self._arg_types, it[0], strict=True)
                    ),
                )
            if self._order:
                items = sorted(
                    items,
                    key=lambda it: tuple(
                        sort_key(o.type, v, descending=o.descending, nulls_first=o.nulls_first)
                        for o, v in zip(self._order, it[1], strict=True)
                    ),
                )
            if self._distinct:
                seen: set[Any] = set()
                kept = []
                for it in items:
                    k = tuple(group_key(t, v) for t, v in zip(self._arg_types, it[0], strict=True))
                    if k not in seen:
                        seen.add(k)
                        kept.append(it)
                items = kept
            s = self._impl.init()
            for args, _ in items:
                s = self._impl.trans(s, args, env)
            return self._impl.final(s, env)
        return self._impl.final(state, env)


def _nested_aggregate(node: Any) -> ast.FuncCall | None:
    """The first aggregate call inside `node` (not descending into subqueries)."""
    if isinstance(node, ast.FuncCall) and is_aggregate_call(node):
        return node
    if isinstance(node, ast.SubLink):
        return None
    if isinstance(node, tuple):
        for item in node:
            found = _nested_aggregate(item)
            if found is not None:
                return found
        return None
    if isinstance(node, ast.Node):
        for slot in getattr(node, "__slots__", ()):
            found = _nested_aggregate(getattr(node, slot, None))
            if found is not None:
                return found
    return None


def compile_aggregate(
    node: ast.FuncCall,
    sql: str,
    params: ParamTypes,
    scope: Scope,
    *,
    slots: dict[int, int] | None = None,
    subquery: SubqueryHook | None = None,
) -> AggregateSpec:
    """Compile an aggregate call (arguments, FILTER and ORDER BY evaluated over `scope` rows).

    Raises 42883 for a signature PostgreSQL has no aggregate for, 42803 for
    nested aggregates and 0A000 for aggregates kuzugres does not implement.
    """
    c = _row_compiler(node, sql, params, scope, slots, subquery)
    names = [n.sval for n in node.funcname or ()]
    name = str(names[-1])
    loc = node.location if node.location is not None else -1
    for part in (node.args, node.agg_order, node.agg_filter):
        inner = _nested_aggregate(part)
        if inner is not None:
            raise make_error(
                "42803",
                "aggregate function calls cannot be nested",
                position=c.pos(inner.location),
            )
    if node.over is not None:
        raise c.unsupported("window functions", loc, plural=True)
    if len(names) > 1 and names[0] != "pg_catalog":
        raise make_error("3F000", f'schema "{names[0]}" does not exist', position=c.pos(loc))
    if node.agg_within_group:
        raise c.unsupported("WITHIN GROUP", loc)
    if node.func_variadic:
        raise c.unsupported("VARIADIC aggregate arguments", loc, plural=True)
    label = column_label(node)
    filter_fn = None
    if node.agg_filter is not None:
        filter_fn = _condition(c, c.expr(node.agg_filter), "FILTER").fn
    if node.agg_star:
        if name != "count":
            raise UndefinedFunction(
                f"function {name}() does not exist",
                hint="No function matches the given name and argument types. You might need to add explicit type casts.",
                position=c.pos(loc),
            )
        impl = _agg_count(c, (), INT8)
        return AggregateSpec(INT8, label, -1, impl, (), (), filter_fn)
    args = [c.expr(a) for a in node.args or ()]
    actual = [a.type for a in args]
    candidates = _AGGREGATE_OVERLOADS.get(name)
    if candidates is None:
        if name in _AGGREGATES:
            raise c.unsupported(f"aggregate function {name}()", loc)
        raise UndefinedFunction(
            f"function {name}({', '.join(format_type(t) for t in actual)}) does not exist",
            hint="No function matches the given name and argument types. You might need to add explicit type casts.",
            position=c.pos(loc),
        )
    if name == "count" and not args:
        raise make_error(
            "42809",
            "count(*) must be used to call a parameterless aggregate function",
            position=c.pos(loc),
        )
    ov, types = _pick_overload(candidates, actual, name, "aggregate function", c.pos(loc))
    coerced = [
        a
        if t == ANY and a.type != UNKNOWN
        else c.coerce(a, TEXT if t == ANY else t, location=a.location)
        for a, t in zip(args, types, strict=True)
    ]
    arg_types = tuple(a.type for a in coerced)
    result = _result_type(ov, arg_types)
    impl = _AGGREGATE_BUILDERS[id(ov)](c, arg_types, result)
    order: list[_AggOrder] = []
    for sortby in node.agg_order or ():
        assert isinstance(sortby, ast.SortBy)
        if sortby.useOp:
            raise c.unsupported("ORDER BY ... USING", _location(sortby))
        if node.agg_distinct and not any(sortby.node == a for a in node.args or ()):
            raise make_error(
                "42P10",
                "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list",
                position=c.pos(c.loc(sortby.node)),
            )
        e = c.finalize(c.expr(sortby.node))
        descending = sortby.sortby_dir == enums.SortByDir.SORTBY_DESC
        nulls: bool | None = None
        if sortby.sortby_nulls != enums.SortByNulls.SORTBY_NULLS_DEFAULT:
            nulls = sortby.sortby_nulls == enums.SortByNulls.SORTBY_NULLS_FIRST
        _check_orderable(c, e.type, e.location)
        order.append(_AggOrder(e.fn, e.type, descending, nulls))
    if node.agg_distinct:
        for a in coerced:
            _check_orderable(c, a.type, a.location)
    return AggregateSpec(
        result,
        label,
        -1,
        impl,
        tuple(a.fn for a in coerced),
        arg_types,
        filter_fn,
        bool(node.agg_distinct),
        tuple(order),
    )


def _check_orderable(c: _Compiler, oid: int, location: int | None) -> None:
    if oid == JSON or (_is_array(oid) and _elem(oid) == JSON):
        raise UndefinedFunction(
            f"could not identify an ordering operator for type {format_type(oid)}",
            hint="Use an explicit ordering operator or modify the query.",
            position=c.pos(location),
        )


# ---------------------------------------------------------------------------
# Ordering and grouping of values (btree default opclasses, collation "C")


class _Descending:
    """Wraps a sort key so that Python sorts it in reverse."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Descending) -> bool:
        return bool(other.key < self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and bool(self.key == other.key)

    def __hash__(self) -> int:
        return hash(self.key)


@cache
def _order_key(type_oid: int) -> Callable[[Any], Any]:
    return _cmp_key(type_oid)


def sort_key(type_oid: int, value: object, *, descending: bool, nulls_first: bool | None) -> object:
    """A Python sort key ordering like PostgreSQL's ORDER BY on `type_oid` (collation "C").

    NULLs sort last ascending and first descending unless `nulls_first` says otherwise.
    Keys of one column compare with each other; combine columns in a tuple.
    """
    first = descending if nulls_first is None else nulls_first
    if value is None:
        return (0 if first else 2, None)
    key = _order_key(type_oid)(value)
    return (1, _Descending(key) if descending else key)


def compare(type_oid: int, a: object, b: object) -> int:
    """-1, 0 or 1 as PostgreSQL's btree comparison of two non-NULL values of `type_oid`."""
    key = _order_key(type_oid)
    ka, kb = key(a), key(b)
    return -1 if ka < kb else 1 if kb < ka else 0


def group_key(type_oid: int, value: object) -> object:
    """A hashable key equal for values GROUP BY / DISTINCT put together (NULLs included)."""
    if value is None:
        return None
    return _frozen(_order_key(type_oid)(value))


def _frozen(key: Any) -> Any:
    if isinstance(key, list | tuple):
        return tuple(_frozen(k) for k in key)
    return key


def values_equal_for_grouping(type_oid: int, a: object, b: object) -> bool:
    """Whether GROUP BY / DISTINCT treat `a` and `b` as the same (NULL equals NULL)."""
    if a is None or b is None:
        return a is None and b is None
    return compare(type_oid, a, b) == 0


# ---------------------------------------------------------------------------- psql / catalog clients
# (additions for psql's describe queries; kept together so parallel work merges cleanly)


@_colname_rule(ast.SubLink)
def _cn_sublink(node: Any) -> tuple[str | None, int]:
    """EXISTS -> exists, ARRAY(...) -> array, (SELECT x ...) -> the subquery's column name."""
    kind = node.subLinkType
    if kind == enums.SubLinkType.EXISTS_SUBLINK:
        return "exists", 2
    if kind == enums.SubLinkType.ARRAY_SUBLINK:
        return "array", 2
    if kind == enums.SubLinkType.EXPR_SUBLINK and isinstance(node.subselect, ast.SelectStmt):
        select = node.subselect
        while select.op != enums.SetOperation.SETOP_NONE and select.larg is not None:
            select = select.larg
        if select.targetList:
            target = select.targetList[0]
            return target.name or _figure_colname(target.val)[0] or "?column?", 2
    return None, 0


def _user_types(call: _Call) -> UserTypes | None:
    """The session's catalog snapshot, which names its user-defined types."""
    snapshot = getattr(call.env.ctx, "catalog", None)
    return snapshot() if snapshot is not None else None


def _format_any_type(oid: int, typmod: int | None, types: UserTypes | None = None) -> str:
    """format_type() for every built-in type, those kuzugres cannot store included."""
    text = format_type(oid, typmod, types)
    if text != "???":
        return text
    from kuzugres.translator.catalog import Catalog
    from kuzugres.translator.pgcatalog import builtin_type, builtin_type_shown

    row = builtin_type(oid)
    if row is None:
        return text
    if row.get("typelem") and row.get("typcategory") == "A":
        return _format_any_type(int(row["typelem"]), typmod, types) + "[]"
    if oid in _SQL_SPELLINGS:
        return _SQL_SPELLINGS[oid]
    shown = builtin_type_shown(types, oid) if isinstance(types, Catalog) else None
    return shown or str(row["typname"])


_SQL_SPELLINGS = {1560: "bit", 1562: "bit varying"}  # format_type's SQL-standard names


# More built-in functions live in their own modules; they register into
# _FUNCTIONS/_OPERATORS on import.
from . import functions_catalog, functions_datetime, functions_extra  # noqa: E402, F401
