"""PostgreSQL data types on the wire: registry, text and binary codecs, Kuzu mapping.

The codecs match PostgreSQL 15/16 output and input functions byte for byte for the
types listed in the registry (checked against a real server in the tests).

Python value model (what the codecs take and return):

==========================================  =============================================
PostgreSQL type                             Python value
==========================================  =============================================
bool                                        ``bool``
int2, int4, int8, oid                       ``int``
float4, float8                              ``float`` (incl. ``inf``, ``-inf``, ``nan``)
numeric                                     ``decimal.Decimal`` (incl. NaN, +/-Infinity)
text, varchar, bpchar, name, "char"         ``str``
json, jsonb                                 ``str`` holding the JSON text
bytea                                       ``bytes``
date                                        ``datetime.date``
time                                        ``datetime.time`` (naive)
timetz                                      ``datetime.time`` (aware, fixed UTC offset)
timestamp                                   ``datetime.datetime`` (naive)
timestamptz                                 ``datetime.datetime`` (aware; decoded as UTC)
interval                                    :class:`Interval` (months, days, microseconds)
uuid                                        ``uuid.UUID``
regtype                                     ``int`` (the type's OID)
arrays (``_int4`` ...)                      ``list`` (nested lists for several dimensions;
                                            elements may be ``None``)
==========================================  =============================================

``None`` is SQL NULL; it never reaches the scalar codecs (callers handle NULL), only
array elements may be ``None``.

Limits of the model: Python dates and datetimes cover years 1..9999, so BC dates,
years after 9999 and PostgreSQL's ``infinity``/``-infinity`` dates and timestamps
cannot be represented; decoding them raises DatetimeFieldOverflow (22008) or
FeatureNotSupported (0A000). A naive datetime given for timestamptz is taken as UTC.
Only DateStyle ISO output is produced; IntervalStyle ``postgres`` and ``iso_8601`` are
supported for output (other styles fall back to ``postgres``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import re
import struct
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kuzugres.errcodes import (
    CharacterNotInRepertoire,
    DatatypeMismatch,
    DatetimeFieldOverflow,
    FeatureNotSupported,
    IntervalFieldOverflow,
    InvalidBinaryRepresentation,
    InvalidDatetimeFormat,
    InvalidParameterValue,
    InvalidTextRepresentation,
    NumericValueOutOfRange,
    ProgramLimitExceeded,
    ProtocolViolation,
    UndefinedObject,
    UntranslatableCharacter,
)

__all__ = [
    "FormatContext",
    "Interval",
    "PgType",
    "UserTypes",
    "decode_binary",
    "decode_text",
    "dump_jsonb",
    "encode_binary",
    "encode_text",
    "format_type",
    "kuzu_type_for_pg",
    "normalize_jsonb",
    "parse_json",
    "pg_type_for_kuzu",
    "python_type_oid",
    "round_float4",
    "time_zone",
    "type_by_name",
    "type_by_names",
    "type_by_oid",
    "user_types",
    "value_from_kuzu",
    "value_to_kuzu",
]

# --------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PgType:
    """One row of pg_type as far as the wire protocol cares."""

    name: str  # canonical pg_type.typname, e.g. 'int4' or '_int4'
    oid: int
    array_oid: int  # pg_type.typarray; 0 when there is none
    typlen: int  # pg_type.typlen; -1 varlena, -2 C string
    category: str  # pg_type.typcategory
    elem_oid: int = 0  # pg_type.typelem for array types, 0 otherwise
    preferred: bool = False  # pg_type.typispreferred: wins implicit casts in its category

    @property
    def is_array(self) -> bool:
        """True for the one-dimensional array types such as ``_int4``."""
        return self.category == "A"


BOOL = 16
BYTEA = 17
CHAR = 18
NAME = 19
INT8 = 20
INT2 = 21
INT4 = 23
TEXT = 25
OID = 26
JSON = 114
FLOAT4 = 700
FLOAT8 = 701
UNKNOWN = 705
BPCHAR = 1042
VARCHAR = 1043
DATE = 1082
TIME = 1083
TIMESTAMP = 1114
TIMESTAMPTZ = 1184
INTERVAL = 1186
TIMETZ = 1266
NUMERIC = 1700
REGTYPE = 2206
RECORD = 2249
ANY = 2276
ANYARRAY = 2277
VOID = 2278
ANYELEMENT = 2283
ANYNONARRAY = 2776
UUID = 2950
JSONB = 3802
# catalog types (the virtual pg_catalog, translator/pgcatalog.py)
INT2VECTOR = 22
REGPROC = 24
XID = 28
OIDVECTOR = 30
PG_NODE_TREE = 194
INET = 869
ACLITEM = 1033
ACLITEM_ARRAY = 1034
REGPROCEDURE = 2202
REGOPER = 2203
REGOPERATOR = 2204
REGCLASS = 2205
REGNAMESPACE = 4089
REGROLE = 4096
# information_schema's domains (OIDs of PostgreSQL 15 after initdb)
CARDINAL_NUMBER = 13221
CHARACTER_DATA = 13224
SQL_IDENTIFIER = 13226
TIME_STAMP = 13232
YES_OR_NO = 13234
_INFORMATION_SCHEMA_DOMAINS = frozenset(
    {CARDINAL_NUMBER, CHARACTER_DATA, SQL_IDENTIFIER, TIME_STAMP, YES_OR_NO}
)
#: OID-alias types: an OID whose text form is an object's name
OID_ALIASES = frozenset(
    {REGPROC, REGPROCEDURE, REGOPER, REGOPERATOR, REGCLASS, REGTYPE, REGNAMESPACE, REGROLE}
)
#: domain -> base type
DOMAIN_BASE = {
    CARDINAL_NUMBER: INT4,
    CHARACTER_DATA: VARCHAR,
    SQL_IDENTIFIER: NAME,
    TIME_STAMP: TIMESTAMPTZ,
    YES_OR_NO: VARCHAR,
}

_SCALARS: tuple[PgType, ...] = (
    PgType("bool", BOOL, 1000, 1, "B", preferred=True),
    PgType("bytea", BYTEA, 1001, -1, "U"),
    PgType("char", CHAR, 1002, 1, "Z"),
    PgType("name", NAME, 1003, 64, "S"),
    PgType("int8", INT8, 1016, 8, "N"),
    PgType("int2", INT2, 1005, 2, "N"),
    PgType("int4", INT4, 1007, 4, "N"),
    PgType("text", TEXT, 1009, -1, "S", preferred=True),
    PgType("oid", OID, 1028, 4, "N", preferred=True),
    PgType("json", JSON, 199, -1, "U"),
    PgType("float4", FLOAT4, 1021, 4, "N"),
    PgType("float8", FLOAT8, 1022, 8, "N", preferred=True),
    PgType("unknown", UNKNOWN, 0, -2, "X"),
    PgType("bpchar", BPCHAR, 1014, -1, "S"),
    PgType("varchar", VARCHAR, 1015, -1, "S"),
    PgType("date", DATE, 1182, 4, "D"),
    PgType("time", TIME, 1183, 8, "D"),
    PgType("timestamp", TIMESTAMP, 1115, 8, "D"),
    PgType("timestamptz", TIMESTAMPTZ, 1185, 8, "D", preferred=True),
    PgType("interval", INTERVAL, 1187, 16, "T", preferred=True),
    PgType("timetz", TIMETZ, 1270, 12, "D"),
    PgType("numeric", NUMERIC, 1231, -1, "N"),
    PgType("regtype", REGTYPE, 2211, 4, "N"),
    PgType("record", RECORD, 2287, -1, "P"),
    PgType("any", ANY, 0, 4, "P"),
    PgType("anyarray", ANYARRAY, 0, -1, "P"),
    PgType("void", VOID, 0, 4, "P"),
    PgType("anyelement", ANYELEMENT, 0, 4, "P"),
    PgType("anynonarray", ANYNONARRAY, 0, 4, "P"),
    PgType("uuid", UUID, 2951, 16, "U"),
    PgType("jsonb", JSONB, 3807, -1, "U"),
    PgType("int2vector", INT2VECTOR, 1006, -1, "A", INT2),
    PgType("regproc", REGPROC, 1008, 4, "N"),
    PgType("xid", XID, 1011, 4, "U"),
    PgType("oidvector", OIDVECTOR, 1013, -1, "A", OID),
    PgType("pg_node_tree", PG_NODE_TREE, 0, -1, "Z"),
    PgType("inet", INET, 1041, -1, "I"),
    PgType("aclitem", ACLITEM, ACLITEM_ARRAY, 12, "U"),
    PgType("regprocedure", REGPROCEDURE, 2207, 4, "N"),
    PgType("regoper", REGOPER, 2208, 4, "N"),
    PgType("regoperator", REGOPERATOR, 2209, 4, "N"),
    PgType("regclass", REGCLASS, 2210, 4, "N"),
    PgType("regnamespace", REGNAMESPACE, 4090, 4, "N"),
    PgType("regrole", REGROLE, 4097, 4, "N"),
    PgType("cardinal_number", CARDINAL_NUMBER, 0, 4, "N"),
    PgType("character_data", CHARACTER_DATA, 0, -1, "S"),
    PgType("sql_identifier", SQL_IDENTIFIER, 0, 64, "S"),
    PgType("time_stamp", TIME_STAMP, 0, 8, "D"),
    PgType("yes_or_no", YES_OR_NO, 0, -1, "S"),
)

# record's array type is left out: anonymous records have no codec here.
_ARRAYS: tuple[PgType, ...] = tuple(
    PgType("_" + t.name, t.array_oid, 0, -1, "A", t.oid)
    for t in _SCALARS
    if t.array_oid and t.oid != RECORD and t.category != "A"
)
# int2vector[] and oidvector[] are arrays of arrays: their elements are the vector types
_ARRAYS += (
    PgType("_int2vector", 1006, 0, -1, "A", INT2VECTOR),
    PgType("_oidvector", 1013, 0, -1, "A", OIDVECTOR),
)

TYPES_BY_OID: dict[int, PgType] = {t.oid: t for t in _SCALARS + _ARRAYS}

# SQL spellings and aliases, after lower-casing, collapsing blanks and dropping typmods.
_ALIASES: dict[str, str] = {
    "integer": "int4",
    "int": "int4",
    "smallint": "int2",
    "bigint": "int8",
    "real": "float4",
    "float": "float8",
    "double precision": "float8",
    "boolean": "bool",
    "decimal": "numeric",
    "dec": "numeric",
    "character varying": "varchar",
    "char varying": "varchar",
    "character": "bpchar",
    "char": "bpchar",  # unquoted SQL char is bpchar; '"char"' is the one-byte type
    '"char"': "char",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "time without time zone": "time",
    "time with time zone": "timetz",
}
_TYPES_BY_NAME: dict[str, PgType] = {t.name: t for t in TYPES_BY_OID.values()}


def type_by_oid(oid: int) -> PgType:
    """The registered type with this OID; UndefinedObject (42704) if there is none."""
    try:
        return TYPES_BY_OID[oid]
    except KeyError:
        raise UndefinedObject(f"type with OID {oid} does not exist") from None


def type_by_parsed_name(name: str) -> PgType:
    """Resolve the last name of a parsed TypeName (pglast): the grammar already turned
    unquoted ``char`` into ``bpchar``, so a bare ``char`` left there is the quoted one-byte
    ``"char"``."""
    base, bracket, rest = name.partition("[")
    return type_by_name(('"char"' if base.lower() == "char" else base) + bracket + rest)


_TYPMOD_RE = re.compile(r"\s*\(\s*\d+\s*(?:,\s*-?\d+\s*)?\)")
_ARRAY_SUFFIX_RE = re.compile(r"\s*(?:\[\s*\d*\s*\]\s*)+$|\s+array(?:\s*\[\s*\d*\s*\])?$")
_FLOAT_P_RE = re.compile(r"^float\s*\(\s*(\d+)\s*\)")


def type_by_name(name: str) -> PgType:
    """Resolve a type name as PostgreSQL's parser does: aliases, typmods, ``[]`` suffixes.

    Built-in names first (pg_catalog is searched before the path), then the user-defined
    types of the active `UserTypes` (see `user_types`), which may be schema-qualified.
    Raises UndefinedObject (42704) ``type "foo" does not exist``.
    """
    spelled = " ".join(name.strip().split())
    key = spelled.lower()
    is_array = False
    match = _ARRAY_SUFFIX_RE.search(key)
    if match:
        is_array = True
        key = key[: match.start()]
        spelled_base = spelled[: match.start()]
    else:
        spelled_base = spelled
    if key.startswith("pg_catalog."):
        key = key[len("pg_catalog.") :]
    float_p = _FLOAT_P_RE.match(key)
    if float_p:
        precision = int(float_p.group(1))
        key = "float4" if 1 <= precision <= 24 else "float8" if precision <= 53 else key
    key = " ".join(_TYPMOD_RE.sub(" ", key).split())
    if key.startswith('"') and key.endswith('"') and key != '"char"':
        key = key[1:-1]
    key = _ALIASES.get(key, key)
    pg_type = _TYPES_BY_NAME.get(key)
    if pg_type is None:
        pg_type = _user_type_named(spelled_base)
    if pg_type is None or pg_type.category == "A" and is_array:
        raise UndefinedObject(f'type "{spelled}" does not exist')
    if is_array:
        if not pg_type.array_oid:
            raise UndefinedObject(f'type "{spelled}" does not exist')
        return TYPES_BY_OID[pg_type.array_oid]
    return pg_type


def type_by_names(names: Sequence[str], array: bool = False) -> PgType:
    """Resolve the name parts of a parsed TypeName (pglast: already unquoted and folded):
    ``pg_catalog.x`` and bare names try the built-in types first, then the user-defined
    types of the active `UserTypes` through its search_path; 42704 if none."""
    names = list(names)
    schema = names[-2] if len(names) > 1 else None
    name = names[-1]
    shown = ".".join(names) + ("[]" if array else "")
    if schema in (None, "pg_catalog"):
        try:
            return type_by_parsed_name(name + ("[]" if array else ""))
        except UndefinedObject:
            if schema == "pg_catalog":
                raise UndefinedObject(f'type "{shown}" does not exist') from None
    types = _USER_TYPES.get()
    oid = types.user_type_oid(schema, name) if types is not None else None
    pg_type = TYPES_BY_OID.get(oid) if oid is not None else None
    if pg_type is not None and array:
        pg_type = TYPES_BY_OID.get(pg_type.array_oid) if not pg_type.is_array else None
    if pg_type is None:
        raise UndefinedObject(f'type "{shown}" does not exist')
    return pg_type


def _user_type_named(text: str) -> PgType | None:
    """A user-defined type named by SQL text (``mood``, ``s.mood``, ``"S"."Mood"``)."""
    types = _USER_TYPES.get()
    parts = split_qualified_name(text)
    if types is None or parts is None or len(parts) > 2:
        return None
    oid = types.user_type_oid(parts[0] if len(parts) == 2 else None, parts[-1])
    return TYPES_BY_OID.get(oid) if oid is not None else None


_IDENT_PART = re.compile(r'\s*(?:"((?:[^"]|"")*)"|([^".\s]+))\s*')


def split_qualified_name(text: str) -> list[str] | None:
    """The parts of a possibly qualified, possibly quoted SQL name (unquoted parts fold to
    lower case), as PostgreSQL's stringToQualifiedNameList; None if it is not a name."""
    parts: list[str] = []
    pos = 0
    while True:
        m = _IDENT_PART.match(text, pos)
        if m is None or m.end() == pos:
            return None
        parts.append(
            m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2).lower()
        )
        pos = m.end()
        if pos == len(text):
            return parts
        if text[pos] != ".":
            return None
        pos += 1


# format_type()'s SQL-standard spellings; every other type prints as its typname.
_SQL_NAMES: dict[int, str] = {
    BOOL: "boolean",
    CHAR: '"char"',
    INT8: "bigint",
    INT2: "smallint",
    INT4: "integer",
    FLOAT4: "real",
    FLOAT8: "double precision",
    BPCHAR: "character",
    VARCHAR: "character varying",
    TIME: "time without time zone",
    TIMESTAMP: "timestamp without time zone",
    TIMESTAMPTZ: "timestamp with time zone",
    TIMETZ: "time with time zone",
    ANY: '"any"',
}
_TIME_TYPES = (TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ)


def format_type(oid: int, typmod: int | None = None, types: UserTypes | None = None) -> str:
    """PostgreSQL's format_type(oid, typmod): 'integer', 'character varying(10)', ...

    ``typmod=None`` is format_type(oid, NULL) (and format_type_be(), the spelling of
    error messages); ``-1`` says "no modifier" explicitly, which shows bpchar as such.
    Unknown OIDs give '???' like PostgreSQL. A user-defined type is named by `types`
    (else the active `UserTypes`): schema-qualified unless its search_path finds it.
    """
    pg_type = TYPES_BY_OID.get(oid)
    if pg_type is None:
        return "???"
    if pg_type.is_array and oid not in (INT2VECTOR, OIDVECTOR):  # vectors keep their names
        return format_type(pg_type.elem_oid, typmod, types) + "[]"
    if pg_type.category == "E" or oid in _INFORMATION_SCHEMA_DOMAINS:
        types = types if types is not None else _USER_TYPES.get()
        shown = types.user_type_shown(oid) if types is not None else None
        return shown if shown is not None else pg_type.name
    mod = typmod if typmod is not None and typmod >= 0 else None
    if oid == BPCHAR and mod is None:
        return "character" if typmod is None else "bpchar"
    name = _SQL_NAMES.get(oid, pg_type.name)
    if mod is None:
        return name
    if oid in (BPCHAR, VARCHAR):
        return f"{name}({mod - 4})"
    if oid == NUMERIC:
        return f"numeric({((mod - 4) >> 16) & 0xFFFF},{(mod - 4) & 0xFFFF})"
    if oid in _TIME_TYPES:
        base, _, rest = name.partition(" ")
        return f"{base}({mod}) {rest}"
    return name


# --------------------------------------------------------------------------------------
# Value types and formatting context
# --------------------------------------------------------------------------------------

_USECS_PER_SEC = 1_000_000
_USECS_PER_MINUTE = 60 * _USECS_PER_SEC
_USECS_PER_HOUR = 60 * _USECS_PER_MINUTE
_USECS_PER_DAY = 24 * _USECS_PER_HOUR
_DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Interval:
    """PostgreSQL's interval: months, days and microseconds, each with its own sign."""

    months: int = 0
    days: int = 0
    microseconds: int = 0

    @classmethod
    def from_timedelta(cls, delta: dt.timedelta) -> Interval:
        """Days and microseconds of ``delta``, with the time part carrying the day's sign.

        ``timedelta(hours=-1)`` becomes ``-01:00:00`` rather than ``-1 days +23:00:00``.
        """
        days = delta.days
        micros = delta.seconds * _USECS_PER_SEC + delta.microseconds
        if days < 0 < micros:
            days += 1
            micros -= _USECS_PER_DAY
        return cls(0, days, micros)

    def to_timedelta(self) -> dt.timedelta:
        """A timedelta counting a month as 30 days (as PostgreSQL's justify and Kuzu do)."""
        return dt.timedelta(
            days=self.months * _DAYS_PER_MONTH + self.days, microseconds=self.microseconds
        )


@dataclass(frozen=True)
class FormatContext:
    """Session settings that change how values are printed and parsed."""

    timezone: str = "UTC"
    extra_float_digits: int = 1
    interval_style: str = "postgres"
    datestyle: str = "ISO, MDY"
    #: OID-alias types (regclass ...): (type OID, object OID) -> the object's name as
    #: the type prints it, None when there is no such object (then the number prints).
    #: Bound to the session's catalog snapshot by the executor.
    oid_name: Callable[[int, int], str | None] | None = field(default=None, compare=False)
    #: the reverse, for text input: (type OID, name) -> OID; raises PostgreSQL's error.
    oid_of: Callable[[int, str], int] | None = field(default=None, compare=False)
    #: enum type OID -> its labels in the session's catalog snapshot (None: not there);
    #: without it, input checks against the labels last registered (register_enum).
    enum_labels: Callable[[int], Sequence[str] | None] | None = field(default=None, compare=False)


_DEFAULT_CTX = FormatContext()

# --------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------

_PG_SPACE = " \t\n\r\v\f"
_INT_RANGES: dict[int, tuple[int, int, str]] = {
    INT2: (-(2**15), 2**15 - 1, "smallint"),
    INT4: (-(2**31), 2**31 - 1, "integer"),
    INT8: (-(2**63), 2**63 - 1, "bigint"),
}
_PG_EPOCH_DATE = dt.date(2000, 1, 1)
_PG_EPOCH = dt.datetime(2000, 1, 1)
_PG_EPOCH_UTC = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_DATE_ORDINAL_OFFSET = _PG_EPOCH_DATE.toordinal()


def _text(data: bytes) -> str:
    """Decode client bytes as UTF-8 with PostgreSQL's error for bad or NUL bytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = " ".join(f"0x{b:02x}" for b in data[exc.start : exc.start + 1])
        raise CharacterNotInRepertoire(
            f'invalid byte sequence for encoding "UTF8": {bad}'
        ) from None
    if "\x00" in text:
        raise CharacterNotInRepertoire('invalid byte sequence for encoding "UTF8": 0x00')
    return text


def _syntax(type_name: str, text: str) -> InvalidTextRepresentation:
    return InvalidTextRepresentation(f'invalid input syntax for type {type_name}: "{text}"')


def _dt_syntax(type_name: str, text: str) -> InvalidDatetimeFormat:
    return InvalidDatetimeFormat(f'invalid input syntax for type {type_name}: "{text}"')


def _dt_overflow(text: str) -> DatetimeFieldOverflow:
    return DatetimeFieldOverflow(f'date/time field value out of range: "{text}"')


def time_zone(name: str) -> dt.tzinfo:
    """The zone a TimeZone setting names; InvalidParameterValue (22023) if unknown."""
    if name.upper() in ("UTC", "GMT", "Z", "ETC/UTC"):
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidParameterValue(f'time zone "{name}" not recognized') from None


def _strip_frac(micros: int) -> str:
    """'.ffffff' with trailing zeros removed, or '' for a whole second."""
    return f".{micros:06d}".rstrip("0") if micros else ""


# --------------------------------------------------------------------------------------
# Text output
# --------------------------------------------------------------------------------------

TextEncoder = Callable[[Any, FormatContext], str]


def _out_bool(value: Any, ctx: FormatContext) -> str:
    return "t" if value else "f"


def _out_int(value: Any, ctx: FormatContext) -> str:
    return str(int(value))


def _float_special(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return None


def _shortest_float(digits: str, exponent: int, negative: bool, fixed_limit: int) -> str:
    """Ryu-style output as PostgreSQL prints it: fixed for -4 <= exp < limit, else 'e'."""
    digits = digits.rstrip("0") or "0"
    sign = "-" if negative else ""
    if digits == "0":
        return sign + "0"
    if -4 <= exponent < fixed_limit:
        point = exponent + 1
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        if point >= len(digits):
            return sign + digits + "0" * (point - len(digits))
        return f"{sign}{digits[:point]}.{digits[point:]}"
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _sci_parts(text: str) -> tuple[str, int, bool]:
    """Digits, decimal exponent of the first digit and sign of a '%e'/repr float string."""
    dec = Decimal(text)
    sign, digit_tuple, exp = dec.as_tuple()
    assert isinstance(exp, int)
    digits = "".join(map(str, digit_tuple)).lstrip("0") or "0"
    stripped = digits.rstrip("0") or "0"
    exponent = exp + len("".join(map(str, digit_tuple)).lstrip("0")) - 1 if digits != "0" else 0
    return stripped, exponent, bool(sign)


_FLT_MAX = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]
_FLT_OVERFLOW = _FLT_MAX + 2.0**103  # half an ulp above FLT_MAX rounds (to even) to inf


def round_float4(value: float) -> float:
    """Round a double to the nearest float32, like a C cast."""
    if math.isfinite(value) and abs(value) > _FLT_MAX:
        return math.copysign(_FLT_MAX if abs(value) < _FLT_OVERFLOW else math.inf, value)
    result: float = struct.unpack("<f", struct.pack("<f", value))[0]
    return result


def _out_float8(value: Any, ctx: FormatContext) -> str:
    value = float(value)
    special = _float_special(value)
    if special is not None:
        return special
    if ctx.extra_float_digits > 0:
        digits, exponent, negative = _sci_parts(repr(value))
        if value == 0:
            return "-0" if math.copysign(1.0, value) < 0 else "0"
        return _shortest_float(digits, exponent, negative, 15)
    return f"{value:.{max(15 + ctx.extra_float_digits, 1)}g}"


def _out_float4(value: Any, ctx: FormatContext) -> str:
    value = round_float4(float(value))
    special = _float_special(value)
    if special is not None:
        return special
    if ctx.extra_float_digits > 0:
        if value == 0:
            return "-0" if math.copysign(1.0, value) < 0 else "0"
        for precision in range(1, 10):
            text = f"{value:.{precision - 1}e}"
            if round_float4(float(text)) == value:
                break
        digits, exponent, negative = _sci_parts(text)
        return _shortest_float(digits, exponent, negative, 6)
    return f"{value:.{max(6 + ctx.extra_float_digits, 1)}g}"


def _out_numeric(value: Any, ctx: FormatContext) -> str:
    dec = value if isinstance(value, Decimal) else Decimal(value)
    if dec.is_nan():
        return "NaN"
    if dec.is_infinite():
        return "-Infinity" if dec.is_signed() else "Infinity"
    if dec.is_zero():
        dec = abs(dec)
    return format(dec, "f")


def _out_str(value: Any, ctx: FormatContext) -> str:
    return str(value)


def _out_bytea(value: Any, ctx: FormatContext) -> str:
    return "\\x" + bytes(value).hex()


def _out_date(value: Any, ctx: FormatContext) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _out_time(value: Any, ctx: FormatContext) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{_strip_frac(value.microsecond)}"


def _out_timestamp(value: Any, ctx: FormatContext) -> str:
    return f"{_out_date(value, ctx)} {_out_time(value, ctx)}"


def _format_offset(offset: dt.timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours:02d}"
    if minutes or secs:
        text += f":{minutes:02d}"
    if secs:
        text += f":{secs:02d}"
    return text


def _out_timestamptz(value: Any, ctx: FormatContext) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(time_zone(ctx.timezone))
    offset = local.utcoffset() or dt.timedelta(0)
    return f"{_out_timestamp(local, ctx)}{_format_offset(offset)}"


def _out_timetz(value: Any, ctx: FormatContext) -> str:
    return f"{_out_time(value, ctx)}{_format_offset(value.utcoffset() or dt.timedelta(0))}"


def _out_regtype(value: Any, ctx: FormatContext) -> str:
    oid = int(value)
    pg_type = TYPES_BY_OID.get(oid)
    if pg_type is not None and (
        ctx.oid_name is None or not (_is_user_type(pg_type) or oid in _INFORMATION_SCHEMA_DOMAINS)
    ):
        return format_type(oid)
    return _out_alias(REGTYPE, value, ctx)


def _make_out_alias(type_oid: int) -> TextEncoder:
    return lambda value, ctx: _out_alias(type_oid, value, ctx)


def _out_alias(type_oid: int, value: Any, ctx: FormatContext) -> str:
    oid = int(value)
    if oid == 0:
        return "-"
    name = ctx.oid_name(type_oid, oid) if ctx.oid_name is not None else None
    return name if name is not None else str(oid)


def _out_vector(value: Any, ctx: FormatContext) -> str:
    return " ".join(str(v) for v in value)


def _interval_fields(value: Interval) -> tuple[int, int, int, int, int, int, int]:
    """years, months, days, hours, minutes, seconds, micros with C truncating division."""

    def cdiv(a: int, b: int) -> tuple[int, int]:
        q = abs(a) // b * (1 if a >= 0 else -1)
        return q, a - q * b

    years, months = cdiv(value.months, 12)
    hours, rest = cdiv(value.microseconds, _USECS_PER_HOUR)
    minutes, rest = cdiv(rest, _USECS_PER_MINUTE)
    seconds, micros = cdiv(rest, _USECS_PER_SEC)
    return years, months, value.days, hours, minutes, seconds, micros


def _out_interval_postgres(value: Interval) -> str:
    years, months, days, hours, minutes, seconds, micros = _interval_fields(value)
    parts: list[str] = []
    is_before = False
    for amount, unit in ((years, "year"), (months, "mon"), (days, "day")):
        if amount == 0:
            continue
        plus = "+" if is_before and amount > 0 else ""
        parts.append(f"{plus}{amount} {unit}{'' if amount == 1 else 's'}")
        is_before = amount < 0
    if not parts or hours or minutes or seconds or micros:
        minus = hours < 0 or minutes < 0 or seconds < 0 or micros < 0
        sign = "-" if minus else "+" if is_before else ""
        parts.append(
            f"{sign}{abs(hours):02d}:{abs(minutes):02d}:{abs(seconds):02d}{_strip_frac(abs(micros))}"
        )
    return " ".join(parts)


def _out_interval_iso(value: Interval) -> str:
    years, months, days, hours, minutes, seconds, micros = _interval_fields(value)
    if not any((years, months, days, hours, minutes, seconds, micros)):
        return "PT0S"
    text = "P"
    for amount, unit in ((years, "Y"), (months, "M"), (days, "D")):
        if amount:
            text += f"{amount}{unit}"
    if hours or minutes or seconds or micros:
        text += "T"
        for amount, unit in ((hours, "H"), (minutes, "M")):
            if amount:
                text += f"{amount}{unit}"
        if seconds or micros:
            sign = "-" if seconds < 0 or micros < 0 else ""
            text += f"{sign}{abs(seconds)}{_strip_frac(abs(micros))}S"
    return text


def _out_interval(value: Any, ctx: FormatContext) -> str:
    if isinstance(value, dt.timedelta):
        value = Interval.from_timedelta(value)
    if ctx.interval_style.lower() == "iso_8601":
        return _out_interval_iso(value)
    return _out_interval_postgres(value)


def _out_uuid(value: Any, ctx: FormatContext) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _out_jsonb(value: Any, ctx: FormatContext) -> str:
    return normalize_jsonb(value)


def _out_record(value: Any, ctx: FormatContext) -> str:
    """record_out for anonymous rows (an object with `fields`: (type oid, value) pairs):
    `(a,b)` with fields quoted when empty or holding `"\\(),` or blanks."""
    parts = []
    for oid, v in value.fields:
        if v is None:
            parts.append("")
            continue
        text = encode_text(oid, v, ctx).decode("utf-8")
        if text == "" or any(ch in '"\\(),' or ch.isspace() for ch in text):
            text = '"' + text.replace("\\", "\\\\").replace('"', '""') + '"'
        parts.append(text)
    return "(" + ",".join(parts) + ")"


def _out_record_array(value: list[Any], ctx: FormatContext) -> str:
    """array_out of record[]: elements quoted when empty, NULL or holding `{},"\\` or blanks."""
    parts = []
    for v in value:
        if v is None:
            parts.append("NULL")
            continue
        text = _out_record(v, ctx)
        if (
            text == ""
            or text.upper() == "NULL"
            or any(ch in '{},"\\' or ch.isspace() for ch in text)
        ):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(text)
    return "{" + ",".join(parts) + "}"


_TEXT_ENCODERS: dict[int, TextEncoder] = {
    BOOL: _out_bool,
    BYTEA: _out_bytea,
    CHAR: _out_str,
    NAME: _out_str,
    INT8: _out_int,
    INT2: _out_int,
    INT4: _out_int,
    TEXT: _out_str,
    OID: _out_int,
    JSON: _out_str,
    FLOAT4: _out_float4,
    FLOAT8: _out_float8,
    UNKNOWN: _out_str,
    BPCHAR: _out_str,
    VARCHAR: _out_str,
    DATE: _out_date,
    TIME: _out_time,
    TIMESTAMP: _out_timestamp,
    TIMESTAMPTZ: _out_timestamptz,
    INTERVAL: _out_interval,
    TIMETZ: _out_timetz,
    NUMERIC: _out_numeric,
    REGTYPE: _out_regtype,
    UUID: _out_uuid,
    JSONB: _out_jsonb,
    INT2VECTOR: _out_vector,
    OIDVECTOR: _out_vector,
    XID: _out_int,
    PG_NODE_TREE: _out_str,
    INET: _out_str,
    ACLITEM: _out_str,
    **{oid: _make_out_alias(oid) for oid in OID_ALIASES - {REGTYPE}},
    RECORD: _out_record,
    2287: _out_record_array,  # record[]
}
_TEXT_ENCODERS.update({domain: _TEXT_ENCODERS[base] for domain, base in DOMAIN_BASE.items()})

_ARRAY_SPECIAL = frozenset(',{}"\\' + _PG_SPACE)


def _quote_array_element(text: str) -> str:
    if text == "" or text.upper() == "NULL" or any(ch in _ARRAY_SPECIAL for ch in text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _out_array(elem_encoder: TextEncoder, value: list[Any], ctx: FormatContext) -> str:
    items = []
    for item in value:
        if item is None:
            items.append("NULL")
        elif isinstance(item, list):
            items.append(_out_array(elem_encoder, item, ctx))
        else:
            items.append(_quote_array_element(elem_encoder(item, ctx)))
    return "{" + ",".join(items) + "}"


def _no_codec(oid: int) -> FeatureNotSupported:
    return FeatureNotSupported(f"no codec for type with OID {oid}")


def encode_text(oid: int, value: Any, ctx: FormatContext = _DEFAULT_CTX) -> bytes:
    """PostgreSQL's text output of ``value`` as type ``oid`` (UTF-8 bytes)."""
    encoder = _TEXT_ENCODERS.get(oid)
    if encoder is not None:
        return encoder(value, ctx).encode("utf-8")
    pg_type = type_by_oid(oid)
    elem = _TEXT_ENCODERS.get(pg_type.elem_oid) if pg_type.is_array else None
    if elem is None:
        raise _no_codec(oid)
    return _out_array(elem, value, ctx).encode("utf-8")


# --------------------------------------------------------------------------------------
# Text input
# --------------------------------------------------------------------------------------

TextDecoder = Callable[[str, FormatContext], Any]
_INT_RE = re.compile(r"[+-]?\d+")


def _make_in_int(oid: int) -> TextDecoder:
    low, high, type_name = _INT_RANGES[oid]

    def decode(text: str, ctx: FormatContext) -> int:
        stripped = text.strip(_PG_SPACE)
        if not _INT_RE.fullmatch(stripped):
            raise _syntax(type_name, text)
        value = int(stripped)
        if not low <= value <= high:
            raise NumericValueOutOfRange(f'value "{text}" is out of range for type {type_name}')
        return value

    return decode


def _in_oid(text: str, ctx: FormatContext) -> int:
    stripped = text.strip(_PG_SPACE)
    if not _INT_RE.fullmatch(stripped):
        raise _syntax("oid", text)
    value = int(stripped)
    if not -(2**31) <= value < 2**32:
        raise NumericValueOutOfRange(f'value "{text}" is out of range for type oid')
    return value % 2**32


_BOOL_WORDS = (("true", True), ("false", False), ("yes", True), ("no", False))


def _in_bool(text: str, ctx: FormatContext) -> bool:
    word = text.strip(_PG_SPACE).lower()
    if word in ("1", "0"):
        return word == "1"
    if word in ("on", "off", "of"):
        return word == "on"
    for full, result in _BOOL_WORDS:
        if word and full.startswith(word):
            return result
    raise _syntax("boolean", text)


_FLOAT_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_FLOAT_SPECIAL = {
    "nan": math.nan,
    "+nan": math.nan,
    "-nan": math.nan,
    "infinity": math.inf,
    "+infinity": math.inf,
    "-infinity": -math.inf,
    "inf": math.inf,
    "+inf": math.inf,
    "-inf": -math.inf,
}


def _parse_float(text: str, type_name: str) -> tuple[float, bool]:
    """The double nearest to ``text`` and whether the literal was exactly zero."""
    stripped = text.strip(_PG_SPACE)
    special = _FLOAT_SPECIAL.get(stripped.lower())
    if special is not None:
        return special, False
    if not _FLOAT_RE.fullmatch(stripped):
        raise _syntax(type_name, text)
    exact_zero = Decimal(stripped).is_zero()
    return float(stripped), exact_zero


def _in_float8(text: str, ctx: FormatContext) -> float:
    value, exact_zero = _parse_float(text, "double precision")
    if math.isinf(value) and "inf" not in text.lower() or value == 0 and not exact_zero:
        raise NumericValueOutOfRange(f'"{text}" is out of range for type double precision')
    return value


def _in_float4(text: str, ctx: FormatContext) -> float:
    value, exact_zero = _parse_float(text, "real")
    if math.isnan(value) or math.isinf(value) and "inf" in text.lower():
        return value
    rounded = round_float4(value)
    if math.isinf(rounded) or rounded == 0 and not exact_zero:
        raise NumericValueOutOfRange(f'"{text}" is out of range for type real')
    return rounded


_NUMERIC_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NUMERIC_SPECIAL = {
    "nan": Decimal("NaN"),
    "infinity": Decimal("Infinity"),
    "+infinity": Decimal("Infinity"),
    "-infinity": Decimal("-Infinity"),
    "inf": Decimal("Infinity"),
    "+inf": Decimal("Infinity"),
    "-inf": Decimal("-Infinity"),
}


def _in_numeric(text: str, ctx: FormatContext) -> Decimal:
    stripped = text.strip(_PG_SPACE)
    special = _NUMERIC_SPECIAL.get(stripped.lower())
    if special is not None:
        return special
    if not _NUMERIC_RE.fullmatch(stripped):
        raise _syntax("numeric", text)
    value = Decimal(stripped)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent > 0:  # PostgreSQL keeps no negative display scale: 1e2 prints as 100
        value = value.quantize(Decimal(1), context=_wide_context(value))
    if value.is_zero() and value.is_signed():
        value = -value
    return value


def _wide_context(value: Decimal) -> decimal.Context:
    digits = len(value.as_tuple().digits) + abs(int(value.as_tuple().exponent)) + 2
    return decimal.Context(prec=max(digits, 28), Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def _in_str(text: str, ctx: FormatContext) -> str:
    return text


_NAMEDATALEN = 64


def _in_name(text: str, ctx: FormatContext) -> str:
    raw = text.encode("utf-8")
    if len(raw) < _NAMEDATALEN:
        return text
    return raw[: _NAMEDATALEN - 1].decode("utf-8", errors="ignore")


def _in_char(text: str, ctx: FormatContext) -> str:
    if len(text) == 4 and text[0] == "\\" and all(c in "01234567" for c in text[1:]):
        return chr(int(text[1:], 8))
    return text[:1]


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _in_bytea(text: str, ctx: FormatContext) -> bytes:
    if text.startswith("\\x"):
        out = bytearray()
        pos = 2
        while pos < len(text):
            ch = text[pos]
            if ch in _PG_SPACE:
                pos += 1
                continue
            if ch not in _HEX_DIGITS:
                raise InvalidParameterValue(f'invalid hexadecimal digit: "{ch}"')
            if pos + 1 >= len(text):
                raise InvalidParameterValue("invalid hexadecimal data: odd number of digits")
            low = text[pos + 1]
            if low not in _HEX_DIGITS:
                raise InvalidParameterValue(f'invalid hexadecimal digit: "{low}"')
            out.append(int(ch + low, 16))
            pos += 2
        return bytes(out)
    raw = text.encode("utf-8")
    escaped = bytearray()
    pos = 0
    while pos < len(raw):
        byte = raw[pos]
        if byte != 0x5C:
            escaped.append(byte)
            pos += 1
        elif raw[pos + 1 : pos + 2] == b"\\":
            escaped.append(0x5C)
            pos += 2
        elif re.fullmatch(rb"[0-3][0-7][0-7]", raw[pos + 1 : pos + 4]):
            escaped.append(int(raw[pos + 1 : pos + 4], 8))
            pos += 4
        else:
            raise InvalidTextRepresentation("invalid input syntax for type bytea")
    return bytes(escaped)


# Date/time input: ISO 8601 and PostgreSQL's own ISO-like spellings.
_DATE_PART = r"(?P<y>\d{4,})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
_TIME_PART = r"(?P<h>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<s>\d{1,2})(?:\.(?P<f>\d*))?|\.(?P<fm>\d*))?"
_ZONE_PART = r"(?P<tz>z|utc|gmt|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?)"
_TIMESTAMP_RE = re.compile(
    rf"{_DATE_PART}(?:(?:t|\s+){_TIME_PART})?\s*{_ZONE_PART}?(?:\s+(?P<era>ad|bc))?",
    re.IGNORECASE,
)
_TIME_RE = re.compile(rf"(?:{_DATE_PART}(?:t|\s+))?{_TIME_PART}\s*{_ZONE_PART}?", re.IGNORECASE)


def _zone_offset(zone: str) -> dt.timedelta:
    if zone.lower() in ("z", "utc", "gmt"):
        return dt.timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    if len(digits) in (1, 2):
        hours, minutes, seconds = int(digits), 0, 0
    else:
        head = len(digits) - (4 if len(digits) > 4 else 2)
        hours = int(digits[:head])
        minutes = int(digits[head : head + 2])
        seconds = int(digits[head + 2 :] or 0)
    if hours > 15 or minutes > 59 or seconds > 59:
        raise _dt_overflow(zone)
    return sign * dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _fraction_micros(fraction: str | None) -> int:
    if not fraction:
        return 0
    scaled = Decimal("0." + fraction) * _USECS_PER_SEC
    return int(scaled.quantize(Decimal(1), rounding="ROUND_HALF_EVEN"))


def _time_of_day(match: re.Match[str], text: str) -> dt.timedelta:
    """The time fields of ``match`` as an offset from midnight (24:00:00 allowed)."""
    if match.group("h") is None:
        return dt.timedelta(0)
    hours, minutes = int(match.group("h")), int(match.group("mi"))
    seconds = int(match.group("s") or 0)
    if match.group("fm") is not None:  # HH:MM.fraction means minutes.fraction
        micros = _fraction_micros(match.group("fm")) * 60
    else:
        micros = _fraction_micros(match.group("f"))
    total = dt.timedelta(hours=hours, minutes=minutes, seconds=seconds, microseconds=micros)
    if minutes > 59 or seconds > 60 or hours > 24 or total > dt.timedelta(hours=24):
        raise _dt_overflow(text)
    return total


def _match_date(match: re.Match[str], text: str) -> dt.date:
    year, month, day = int(match.group("y")), int(match.group("mo")), int(match.group("d"))
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise _dt_overflow(text)
    if (match.groupdict().get("era") or "").lower() == "bc" or year > 9999 or year < 1:
        raise DatetimeFieldOverflow(f'date out of range: "{text}"')
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _dt_overflow(text) from None


_INFINITIES = frozenset(("infinity", "+infinity", "-infinity"))


def _no_infinity(type_name: str) -> FeatureNotSupported:
    return FeatureNotSupported(f"infinite {type_name} values are not supported")


def _in_date(text: str, ctx: FormatContext) -> dt.date:
    stripped = text.strip(_PG_SPACE)
    if stripped.lower() in _INFINITIES:
        raise _no_infinity("date")
    match = _TIMESTAMP_RE.fullmatch(stripped)
    if not match:
        raise _dt_syntax("date", text)
    if match.group("h") is not None:
        _time_of_day(match, text)
    return _match_date(match, text)


def _in_time(text: str, ctx: FormatContext) -> dt.time:
    match = _TIME_RE.fullmatch(text.strip(_PG_SPACE))
    if not match:
        raise _dt_syntax("time", text)
    if match.group("y") is not None:
        _match_date(match, text)
    offset = _time_of_day(match, text)
    if offset >= dt.timedelta(hours=24):
        raise DatetimeFieldOverflow(f'time "24:00:00" is not supported: "{text}"')
    return (dt.datetime.min + offset).time()


def _in_timetz(text: str, ctx: FormatContext) -> dt.time:
    match = _TIME_RE.fullmatch(text.strip(_PG_SPACE))
    if not match:
        raise _dt_syntax("time with time zone", text)
    # Without a date, the session zone's offset is the one it has today (as in PostgreSQL).
    day = _match_date(match, text) if match.group("y") is not None else dt.date.today()
    since_midnight = _time_of_day(match, text)
    if since_midnight >= dt.timedelta(hours=24):
        raise DatetimeFieldOverflow(f'time "24:00:00" is not supported: "{text}"')
    zone = match.group("tz")
    if zone is not None:
        offset = _zone_offset(zone)
    else:
        local = dt.datetime.combine(day, dt.time()) + since_midnight
        offset = _localize(local, time_zone(ctx.timezone)).utcoffset() or dt.timedelta(0)
    return (dt.datetime.min + since_midnight).time().replace(tzinfo=dt.timezone(offset))


def _parse_timestamp(text: str, type_name: str) -> tuple[dt.datetime, str | None]:
    stripped = text.strip(_PG_SPACE)
    if stripped.lower() in _INFINITIES:
        raise _no_infinity("timestamp")
    match = _TIMESTAMP_RE.fullmatch(stripped)
    if not match:
        raise _dt_syntax(type_name, text)
    day = _match_date(match, text)
    try:
        stamp = dt.datetime.combine(day, dt.time()) + _time_of_day(match, text)
    except OverflowError:
        raise DatetimeFieldOverflow(f'timestamp out of range: "{text}"') from None
    return stamp, match.group("tz")


def _in_timestamp(text: str, ctx: FormatContext) -> dt.datetime:
    stamp, _zone_ignored = _parse_timestamp(text, "timestamp")
    return stamp


def _localize(naive: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Attach ``zone`` as PostgreSQL does: gaps take the earlier offset, folds the later."""
    early = naive.replace(tzinfo=zone, fold=0)
    late = naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early
    round_trip = late.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return late if round_trip == naive else early


def _in_timestamptz(text: str, ctx: FormatContext) -> dt.datetime:
    stamp, zone = _parse_timestamp(text, "timestamp with time zone")
    if zone is not None:
        aware = stamp.replace(tzinfo=dt.timezone(_zone_offset(zone)))
    else:
        aware = _localize(stamp, time_zone(ctx.timezone))
    try:
        return aware.astimezone(dt.UTC)
    except OverflowError:
        raise DatetimeFieldOverflow(f'timestamp out of range: "{text}"') from None


def _in_regtype(text: str, ctx: FormatContext) -> int:
    stripped = text.strip(_PG_SPACE)
    if stripped.isdigit():  # regtypein takes a bare OID as it is
        return _in_oid(stripped, ctx)
    try:
        return type_by_name(stripped).oid
    except UndefinedObject:
        if ctx.oid_of is None:
            raise
        return ctx.oid_of(REGTYPE, stripped)  # the session's user-defined types


def _make_in_alias(type_oid: int) -> TextDecoder:
    def decode(text: str, ctx: FormatContext) -> int:
        stripped = text.strip(_PG_SPACE)
        if stripped.isdigit():  # a bare OID is taken as it is
            return _in_oid(stripped, ctx)
        if stripped == "-":
            return 0
        if ctx.oid_of is None:
            raise FeatureNotSupported(f"{type_by_oid(type_oid).name} input needs a catalog")
        return ctx.oid_of(type_oid, stripped)

    return decode


def _in_vector(elem: int) -> TextDecoder:
    def decode(text: str, ctx: FormatContext) -> list[int]:
        return [_TEXT_DECODERS[elem](part, ctx) for part in text.split()]

    return decode


def _in_xid(text: str, ctx: FormatContext) -> int:
    stripped = text.strip(_PG_SPACE)
    if not _INT_RE.fullmatch(stripped):
        raise _syntax("xid", text)
    return int(stripped) % 2**32


def _in_uuid(text: str, ctx: FormatContext) -> uuid.UUID:
    body = text
    if body.startswith("{"):
        if not body.endswith("}"):
            raise _syntax("uuid", text)
        body = body[1:-1]
    digits = body.replace("-", "")
    groups_ok = all(len(g) % 4 == 0 and g for g in body.split("-"))
    if len(digits) != 32 or not groups_ok or not all(c in _HEX_DIGITS for c in digits):
        raise _syntax("uuid", text)
    return uuid.UUID(hex=digits)


class _JsonInputError(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _JsonInputError(f'Token "{name}" is invalid.')


def _parse_json(text: str, type_name: str) -> Any:
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_json_object,
        )
    except (ValueError, RecursionError) as exc:
        detail = str(exc) if isinstance(exc, _JsonInputError) else None
        raise InvalidTextRepresentation(
            f"invalid input syntax for type {type_name}", detail=detail
        ) from None


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return dict(pairs)  # later duplicates overwrite earlier ones: jsonb keeps the last


def _in_json(text: str, ctx: FormatContext) -> str:
    _parse_json(text, "json")
    return text


def _in_jsonb(text: str, ctx: FormatContext) -> str:
    return normalize_jsonb(text)


_INTERVAL_UNITS: dict[str, str] = {}
for _unit, _spellings in {
    "microsecond": ("microsecond", "microseconds", "usec", "usecs", "us", "microsecon"),
    "millisecond": ("millisecond", "milliseconds", "msec", "msecs", "ms", "millisecon"),
    "second": ("second", "seconds", "sec", "secs", "s"),
    "minute": ("minute", "minutes", "min", "mins", "m"),
    "hour": ("hour", "hours", "hr", "hrs", "h"),
    "day": ("day", "days", "d"),
    "week": ("week", "weeks", "w"),
    "month": ("month", "months", "mon", "mons"),
    "year": ("year", "years", "yr", "yrs", "y"),
    "decade": ("decade", "decades", "dec", "decs"),
    "century": ("century", "centuries", "c", "cent"),
    "millennium": ("millennium", "millennia", "mil", "mils"),
}.items():
    for _spelling in _spellings:
        _INTERVAL_UNITS[_spelling] = _unit

_MONTHS_PER_UNIT = {"year": 12, "decade": 120, "century": 1200, "millennium": 12000}
_MICROS_PER_UNIT = {
    "microsecond": 1,
    "millisecond": 1000,
    "second": _USECS_PER_SEC,
    "minute": _USECS_PER_MINUTE,
    "hour": _USECS_PER_HOUR,
}
_INTERVAL_TOKEN_RE = re.compile(
    r"\s*(?:"
    r"(?P<time>[+-]?\d+:\d+(?::\d+(?:\.\d*)?|\.\d*)?)"
    r"|(?P<ym>[+-]?\d+-\d+)"
    r"|(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<unit>[a-z]+)?"
    r"|(?P<word>[a-z]+)"
    # Other punctuation only separates fields (ParseDateTime skips it): '@ 1 day, 2 hours'.
    r"|(?P<punct>[!\"#$%&'()*,;<=>?@\[\\\]^_`{|}~])"
    r")",
    re.IGNORECASE,
)
# Which fields a token sets; giving one twice is an error ('1 day 1 day').
_TIME_FIELDS = frozenset(("hour", "minute", "second", "millisecond", "microsecond"))
_ALL_SECOND_FIELDS = frozenset(("second", "millisecond", "microsecond"))


def _round_half_even(value: Fraction) -> int:
    return round(value)


class _IntervalBuilder:
    """Accumulates interval fields with PostgreSQL's cascading of fractional units."""

    def __init__(self) -> None:
        self.months = 0
        self.days = 0
        self.micros = 0

    def add(self, amount: Fraction, unit: str) -> None:
        whole = int(amount)  # truncates toward zero like C
        frac = amount - whole
        if unit in _MICROS_PER_UNIT:
            self.micros += _round_half_even(amount * _MICROS_PER_UNIT[unit])
        elif unit == "day":
            self.days += whole
            self.micros += _round_half_even(frac * _USECS_PER_DAY)
        elif unit == "week":
            self._add_days(amount * 7)
        elif unit == "month":
            self.months += whole
            self._add_days(frac * _DAYS_PER_MONTH)
        else:
            scale = _MONTHS_PER_UNIT[unit]
            self.months += whole * scale + _round_half_even(frac * scale)

    def _add_days(self, amount: Fraction) -> None:
        whole = int(amount)
        self.days += whole
        self.micros += _round_half_even((amount - whole) * _USECS_PER_DAY)


def _in_interval_iso(body: str, text: str) -> Interval:
    builder = _IntervalBuilder()
    match = re.fullmatch(
        r"(?:(?P<date>(?:[+-]?\d+(?:\.\d+)?[YMWD])*))(?:T(?P<time>(?:[+-]?\d+(?:\.\d+)?[HMS])+))?",
        body,
        re.IGNORECASE,
    )
    if not match or not (match.group("date") or match.group("time")):
        raise _dt_syntax("interval", text)
    date_units = {"y": "year", "m": "month", "w": "week", "d": "day"}
    time_units = {"h": "hour", "m": "minute", "s": "second"}
    for part, units in ((match.group("date"), date_units), (match.group("time"), time_units)):
        for number, unit in re.findall(r"([+-]?\d+(?:\.\d+)?)([a-z])", part or "", re.I):
            builder.add(Fraction(number), units[unit.lower()])
    return Interval(builder.months, builder.days, builder.micros)


def _interval_tokens(text: str) -> list[re.Match[str]]:
    stripped = text.strip(_PG_SPACE)
    tokens: list[re.Match[str]] = []
    pos = 0
    while pos < len(stripped):
        match = _INTERVAL_TOKEN_RE.match(stripped, pos)
        if not match or match.end() == pos:
            raise _dt_syntax("interval", text)
        pos = match.end()
        if not match.group("punct"):
            tokens.append(match)
    return tokens


def _in_interval(text: str, ctx: FormatContext) -> Interval:
    stripped = text.strip(_PG_SPACE)
    if stripped[:1] in ("P", "p"):
        return _in_interval_iso(stripped[1:], text)
    builder = _IntervalBuilder()
    tokens = _interval_tokens(text)
    seen: set[str] = set()
    negate = False
    for index, match in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if match.group("time"):
            fields: frozenset[str] = _TIME_FIELDS
            _add_interval_time(builder, match.group("time"), text)
        elif match.group("ym"):
            fields = frozenset(("month",))  # '1-2 3 years' is fine, '1-2 3 months' is not
            years, months = match.group("ym").split("-")
            sign = -1 if years.startswith("-") else 1
            builder.months += int(years) * 12 + sign * int(months)
        elif match.group("num"):
            amount = Fraction(match.group("num"))
            unit = _interval_unit(match.group("unit"), following, text)
            partial_second = unit == "second" and amount.denominator != 1
            fields = _ALL_SECOND_FIELDS if partial_second else frozenset((unit,))
            builder.add(amount, unit)
        elif match.group("word").lower() == "ago":
            negate = True  # PostgreSQL 15 takes "ago" anywhere: 'ago 1 day' is -1 days
            continue
        else:
            raise _dt_syntax("interval", text)
        if fields & seen:
            raise _dt_syntax("interval", text)
        seen |= fields
    if not seen:
        raise _dt_syntax("interval", text)
    result = Interval(builder.months, builder.days, builder.micros)
    if negate:
        result = Interval(-result.months, -result.days, -result.microseconds)
    if not (
        -(2**31) <= result.months < 2**31
        and -(2**31) <= result.days < 2**31
        and -(2**63) <= result.microseconds < 2**63
    ):
        raise DatetimeFieldOverflow(f'interval field value out of range: "{text}"')
    return result


def _interval_unit(spelled: str | None, following: re.Match[str] | None, text: str) -> str:
    """The unit of a number: as written, else days before a time ('1 12:00'), else seconds.

    A bare number anywhere else would repeat the unit of what follows it ('1 2').
    """
    if spelled is not None:
        unit = _INTERVAL_UNITS.get(spelled.lower())
        if unit is None:
            raise _dt_syntax("interval", text)
        return unit
    if following is None:
        return "second"
    if following.group("time"):
        return "day"
    raise _dt_syntax("interval", text)


def _add_interval_time(builder: _IntervalBuilder, token: str, text: str) -> None:
    sign = -1 if token.startswith("-") else 1
    fields = token.lstrip("+-").split(":")
    if "." in fields[1]:  # MM:SS.fraction: PostgreSQL reads two fields with a fraction so
        fields.insert(0, "0")
    hours, minutes = int(fields[0]), int(fields[1])
    seconds = Fraction(fields[2]) if len(fields) > 2 else Fraction(0)
    if minutes > 59 or seconds >= 61:  # a leap second (60) is let through
        raise IntervalFieldOverflow(f'interval field value out of range: "{text}"')
    total = hours * _USECS_PER_HOUR + minutes * _USECS_PER_MINUTE
    builder.micros += sign * (total + _round_half_even(seconds * _USECS_PER_SEC))


_TEXT_DECODERS: dict[int, TextDecoder] = {
    BOOL: _in_bool,
    BYTEA: _in_bytea,
    CHAR: _in_char,
    NAME: _in_name,
    INT8: _make_in_int(INT8),
    INT2: _make_in_int(INT2),
    INT4: _make_in_int(INT4),
    TEXT: _in_str,
    OID: _in_oid,
    JSON: _in_json,
    FLOAT4: _in_float4,
    FLOAT8: _in_float8,
    UNKNOWN: _in_str,
    BPCHAR: _in_str,
    VARCHAR: _in_str,
    DATE: _in_date,
    TIME: _in_time,
    TIMESTAMP: _in_timestamp,
    TIMESTAMPTZ: _in_timestamptz,
    INTERVAL: _in_interval,
    TIMETZ: _in_timetz,
    NUMERIC: _in_numeric,
    REGTYPE: _in_regtype,
    UUID: _in_uuid,
    JSONB: _in_jsonb,
    INT2VECTOR: _in_vector(INT2),
    OIDVECTOR: _in_vector(OID),
    XID: _in_xid,
    PG_NODE_TREE: _in_str,
    INET: _in_str,
    ACLITEM: _in_str,
    **{oid: _make_in_alias(oid) for oid in OID_ALIASES - {REGTYPE}},
}
_TEXT_DECODERS.update({domain: _TEXT_DECODERS[base] for domain, base in DOMAIN_BASE.items()})

_MAXDIM = 6


class _ArrayParser:
    """PostgreSQL's array_in: braces, quoting, backslash escapes, NULL, several dims."""

    def __init__(self, text: str, elem: TextDecoder, ctx: FormatContext) -> None:
        self.text = text
        self.pos = 0
        self.elem = elem
        self.ctx = ctx

    def malformed(self, detail: str) -> InvalidTextRepresentation:
        return InvalidTextRepresentation(f'malformed array literal: "{self.text}"', detail=detail)

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _PG_SPACE:
            self.pos += 1

    def parse(self) -> list[Any]:
        self.skip_space()
        if self.text.startswith("[", self.pos):
            # Dimension decoration such as '[1:3]='; bounds are not kept in the model.
            match = re.compile(r"(?:\[\s*[+-]?\d+\s*(?::\s*[+-]?\d+\s*)?\])+\s*=").match(
                self.text, self.pos
            )
            if not match:
                raise self.malformed('"[" must introduce explicitly-specified array dimensions.')
            self.pos = match.end()
            self.skip_space()
        if not self.text.startswith("{", self.pos):
            raise self.malformed('Array value must start with "{" or dimension information.')
        result = self.parse_level(1)
        self.skip_space()
        if self.pos != len(self.text):
            raise self.malformed("Junk after closing right brace.")
        _check_rectangular(result, self)
        return result

    def parse_level(self, depth: int) -> list[Any]:
        if depth > _MAXDIM:
            raise ProgramLimitExceeded(
                f"number of array dimensions ({depth}) exceeds the maximum allowed ({_MAXDIM})"
            )
        self.pos += 1  # '{'
        items: list[Any] = []
        self.skip_space()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return items
        while True:
            self.skip_space()
            if self.pos >= len(self.text):
                raise self.malformed("Unexpected end of input.")
            if self.text[self.pos] == "{":
                items.append(self.parse_level(depth + 1))
            else:
                items.append(self.parse_element())
            self.skip_space()
            if self.pos >= len(self.text):
                raise self.malformed("Unexpected end of input.")
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "}":
                return items
            if ch != ",":
                raise self.malformed(f'Unexpected "{ch}" character.')

    def parse_element(self) -> Any:
        chars: list[str] = []
        quoted = False
        in_quotes = False
        trailing_space_from = 0
        while True:
            if self.pos >= len(self.text):
                raise self.malformed("Unexpected end of input.")
            ch = self.text[self.pos]
            if ch == "\\":
                if self.pos + 1 >= len(self.text):
                    raise self.malformed("Unexpected end of input.")
                chars.append(self.text[self.pos + 1])
                self.pos += 2
                trailing_space_from = len(chars)
                continue
            if in_quotes:
                if ch == '"':
                    in_quotes = False
                    trailing_space_from = len(chars)
                else:
                    chars.append(ch)
                self.pos += 1
                continue
            if ch == '"':
                if chars and not quoted:
                    raise self.malformed("Unexpected array element.")
                quoted = in_quotes = True
                self.pos += 1
                continue
            if ch in ",}":
                break
            if ch == "{":
                raise self.malformed('Unexpected "{" character.')
            if quoted and ch not in _PG_SPACE:
                raise self.malformed("Incorrectly quoted array element.")
            chars.append(ch)
            if ch not in _PG_SPACE:
                trailing_space_from = len(chars)
            self.pos += 1
        if not quoted:
            del chars[trailing_space_from:]
            if not chars:
                raise self.malformed(f'Unexpected "{self.text[self.pos]}" character.')
        else:
            del chars[trailing_space_from:]
        element = "".join(chars)
        if not quoted and element.upper() == "NULL" and "\\" not in self._raw_last(element):
            return None
        return self.elem(element, self.ctx)

    def _raw_last(self, element: str) -> str:
        # An unquoted NULL written with a backslash (N\ULL) is the string, not NULL.
        start = self.text.rfind(",", 0, self.pos) + 1
        start = max(start, self.text.rfind("{", 0, self.pos) + 1)
        return self.text[start : self.pos]


def _check_rectangular(value: list[Any], parser: _ArrayParser) -> None:
    def shape(item: Any) -> tuple[int, ...]:
        if not isinstance(item, list):
            return ()
        shapes = {shape(child) for child in item}
        if len(shapes) > 1:
            raise parser.malformed(
                "Multidimensional arrays must have sub-arrays with matching dimensions."
            )
        return (len(item), *(shapes.pop() if shapes else ()))

    for item in value:
        if isinstance(item, list) and not item:
            raise parser.malformed(
                "Multidimensional arrays must have sub-arrays with matching dimensions."
            )
    kinds = {isinstance(item, list) for item in value}
    if len(kinds) > 1:
        raise parser.malformed(
            "Multidimensional arrays must have sub-arrays with matching dimensions."
        )
    shape(value)


def decode_text(oid: int, data: bytes, ctx: FormatContext = _DEFAULT_CTX) -> Any:
    """Parse PostgreSQL text input ``data`` for type ``oid`` with its input function."""
    text = _text(data)
    decoder = _TEXT_DECODERS.get(oid)
    if decoder is not None:
        return decoder(text, ctx)
    pg_type = type_by_oid(oid)
    elem = _TEXT_DECODERS.get(pg_type.elem_oid) if pg_type.is_array else None
    if elem is None:
        raise _no_codec(oid)
    return _ArrayParser(text, elem, ctx).parse()


# --------------------------------------------------------------------------------------
# jsonb normalization
# --------------------------------------------------------------------------------------


def _dump_json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _jsonb_key(key: str) -> tuple[int, bytes]:
    raw = key.encode("utf-8")
    return len(raw), raw


def _dump_json(value: Any, *, sort_keys: bool, item_sep: str, key_sep: str) -> str:
    """Serialize parsed JSON; numbers are Decimal (printed as numeric) or int/float."""

    def dump(item: Any) -> str:
        return _dump_json(item, sort_keys=sort_keys, item_sep=item_sep, key_sep=key_sep)

    if isinstance(value, dict):
        keys = sorted(value, key=_jsonb_key) if sort_keys else list(value)
        inner = item_sep.join(f"{_dump_json_string(k)}{key_sep}{dump(value[k])}" for k in keys)
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + item_sep.join(dump(item) for item in value) + "]"
    if isinstance(value, str):
        return _dump_json_string(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return _out_numeric(value, _DEFAULT_CTX)
    if isinstance(value, int | float):
        return repr(value)
    raise TypeError(f"not a JSON value: {value!r}")


def parse_json(text: str) -> Any:
    """Parse JSON text as json_in does: numbers become Decimal, duplicate keys keep the last.

    Invalid JSON raises InvalidTextRepresentation (22P02).
    """
    return _parse_json(text, "json")


def dump_jsonb(value: Any) -> str:
    """jsonb's canonical text of a parsed JSON value (see :func:`normalize_jsonb`)."""
    return _dump_json(value, sort_keys=True, item_sep=", ", key_sep=": ")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def normalize_jsonb(text: str) -> str:
    """Re-print JSON text the way PostgreSQL prints jsonb.

    Keys sorted by (byte length, bytes), duplicates keep the last value, ', ' and ': '
    separators, numbers printed as numeric. Invalid JSON raises 22P02.
    """
    parsed = parse_json(text)
    result = dump_jsonb(parsed)
    try:
        result.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate written as a \u escape
        raise InvalidTextRepresentation(
            "invalid input syntax for type json",
            detail="Unicode low surrogate must follow a high surrogate.",
        ) from None
    if _has_nul(parsed):
        raise UntranslatableCharacter(
            "unsupported Unicode escape sequence",
            detail="\\u0000 cannot be converted to text.",
        )
    return result


# --------------------------------------------------------------------------------------
# Binary send/recv
# --------------------------------------------------------------------------------------

BinaryEncoder = Callable[[Any], bytes]
BinaryDecoder = Callable[[bytes], Any]


def _insufficient() -> ProtocolViolation:
    # PostgreSQL's pq_getmsg* raise this as a protocol violation (08P01), not 22P03.
    return ProtocolViolation("insufficient data left in message")


def _bad_format() -> InvalidBinaryRepresentation:
    return InvalidBinaryRepresentation("incorrect binary data format")


def _fixed(fmt: str) -> tuple[BinaryEncoder, BinaryDecoder]:
    packer = struct.Struct(fmt)

    def encode(value: Any) -> bytes:
        try:
            return packer.pack(value)
        except struct.error:
            if isinstance(value, int | float):
                raise NumericValueOutOfRange(f"value {value} is out of range") from None
            raise DatatypeMismatch(f"cannot send {type(value).__name__} as {fmt}") from None

    def decode(data: bytes) -> Any:
        if len(data) < packer.size:
            raise _insufficient()
        if len(data) > packer.size:
            raise _bad_format()
        return packer.unpack(data)[0]

    return encode, decode


_enc_bool_raw, _dec_bool_raw = _fixed(">B")
_enc_int2, _dec_int2 = _fixed(">h")
_enc_int4, _dec_int4 = _fixed(">i")
_enc_int8, _dec_int8 = _fixed(">q")
_enc_oid, _dec_oid = _fixed(">I")
_enc_float4_raw, _dec_float4 = _fixed(">f")


def _enc_float4(value: Any) -> bytes:
    return _enc_float4_raw(round_float4(float(value)))


_enc_float8, _dec_float8 = _fixed(">d")


def _enc_bool(value: Any) -> bytes:
    return b"\x01" if value else b"\x00"


def _dec_bool(data: bytes) -> bool:
    return bool(_dec_bool_raw(data))


def _enc_str(value: Any) -> bytes:
    return str(value).encode("utf-8")


def _dec_str(data: bytes) -> str:
    return _text(data)


def _dec_name(data: bytes) -> str:
    return _in_name(_text(data), _DEFAULT_CTX)


def _enc_char(value: Any) -> bytes:
    # charsend always sends one byte: the empty "char" is byte 0 (SQLAlchemy tests for it).
    return str(value).encode("latin-1", errors="replace")[:1] or b"\x00"


def _dec_char(data: bytes) -> str:
    return data[:1].decode("latin-1").rstrip("\x00")


def _enc_bytes(value: Any) -> bytes:
    return bytes(value)


def _dec_bytes(data: bytes) -> bytes:
    return bytes(data)


def _enc_jsonb(value: Any) -> bytes:
    return b"\x01" + normalize_jsonb(value).encode("utf-8")


def _dec_json(data: bytes) -> str:
    return _in_json(_text(data), _DEFAULT_CTX)


def _dec_jsonb(data: bytes) -> str:
    if not data:
        raise _insufficient()
    if data[0] != 1:
        raise InvalidBinaryRepresentation(f"unsupported jsonb version number {data[0]}")
    return _in_jsonb(_text(data[1:]), _DEFAULT_CTX)


_NUMERIC_POS = 0x0000
_NUMERIC_NEG = 0x4000
_NUMERIC_NAN = 0xC000
_NUMERIC_PINF = 0xD000
_NUMERIC_NINF = 0xF000
_NUMERIC_HEADER = struct.Struct(">hhHH")
_NUMERIC_MAX_DSCALE = 0x3FFF


def _enc_numeric(value: Any) -> bytes:
    dec = value if isinstance(value, Decimal) else Decimal(value)
    if dec.is_nan():
        return _NUMERIC_HEADER.pack(0, 0, _NUMERIC_NAN, 0)
    if dec.is_infinite():
        # PostgreSQL reads dscale of infinities from the short header bits: 32.
        sign = _NUMERIC_NINF if dec.is_signed() else _NUMERIC_PINF
        return _NUMERIC_HEADER.pack(0, 0, sign, 32)
    sign_bit, digit_tuple, exponent = dec.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    dscale = max(0, -exponent)
    if exponent >= 0:
        int_part, frac_part = digits + "0" * exponent, ""
    elif len(digits) > -exponent:
        int_part, frac_part = digits[:exponent], digits[exponent:]
    else:
        int_part, frac_part = "", "0" * (-exponent - len(digits)) + digits
    int_part = int_part.lstrip("0")
    int_part = "0" * (-len(int_part) % 4) + int_part
    frac_part = frac_part + "0" * (-len(frac_part) % 4)
    groups = [
        int((int_part + frac_part)[i : i + 4]) for i in range(0, len(int_part + frac_part), 4)
    ]
    weight = len(int_part) // 4 - 1
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        weight = 0
    sign = _NUMERIC_NEG if sign_bit and groups else _NUMERIC_POS
    header = _NUMERIC_HEADER.pack(len(groups), weight, sign, dscale)
    return header + struct.pack(f">{len(groups)}H", *groups)


def _dec_numeric(data: bytes) -> Decimal:
    if len(data) < _NUMERIC_HEADER.size:
        raise _insufficient()
    ndigits, weight, sign, dscale = _NUMERIC_HEADER.unpack_from(data)
    if ndigits < 0 or len(data) < _NUMERIC_HEADER.size + 2 * ndigits:
        raise _insufficient()
    if len(data) > _NUMERIC_HEADER.size + 2 * ndigits:
        raise _bad_format()
    specials = {
        _NUMERIC_NAN: Decimal("NaN"),
        _NUMERIC_PINF: Decimal("Infinity"),
        _NUMERIC_NINF: Decimal("-Infinity"),
    }
    if sign in specials:
        return specials[sign]
    if sign not in (_NUMERIC_POS, _NUMERIC_NEG):
        raise InvalidBinaryRepresentation('invalid sign in external "numeric" value')
    if dscale > _NUMERIC_MAX_DSCALE:
        raise InvalidBinaryRepresentation('invalid scale in external "numeric" value')
    groups = struct.unpack_from(f">{ndigits}H", data, _NUMERIC_HEADER.size)
    if any(group >= 10000 for group in groups):
        raise InvalidBinaryRepresentation('invalid digit in external "numeric" value')
    coefficient = int("".join(f"{g:04d}" for g in groups) or "0")
    exponent = (weight - ndigits + 1) * 4
    if exponent >= -dscale:
        coefficient *= 10 ** (exponent + dscale)
    else:  # dscale hides digits: PostgreSQL truncates them
        coefficient //= 10 ** (-dscale - exponent)
    negative = 1 if sign == _NUMERIC_NEG and coefficient else 0
    return Decimal((negative, tuple(int(c) for c in str(coefficient)), -dscale))


def _enc_date(value: Any) -> bytes:
    return _enc_int4(value.toordinal() - _DATE_ORDINAL_OFFSET)


_DATE_MAX_DAYS = dt.date.max.toordinal() - _DATE_ORDINAL_OFFSET
_DATE_MIN_DAYS = dt.date.min.toordinal() - _DATE_ORDINAL_OFFSET


def _dec_date(data: bytes) -> dt.date:
    days: int = _dec_int4(data)
    if days in (2**31 - 1, -(2**31)):
        raise _no_infinity("date")
    if not _DATE_MIN_DAYS <= days <= _DATE_MAX_DAYS:
        raise DatetimeFieldOverflow("date out of range")
    return dt.date.fromordinal(days + _DATE_ORDINAL_OFFSET)


def _micros(delta: dt.timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * _USECS_PER_SEC + delta.microseconds


def _time_micros(value: dt.time) -> int:
    return (
        (value.hour * 60 + value.minute) * 60 + value.second
    ) * _USECS_PER_SEC + value.microsecond


def _enc_time(value: Any) -> bytes:
    return _enc_int8(_time_micros(value))


def _dec_time(data: bytes) -> dt.time:
    micros: int = _dec_int8(data)
    if not 0 <= micros < _USECS_PER_DAY:
        raise DatetimeFieldOverflow("time out of range")
    return (dt.datetime.min + dt.timedelta(microseconds=micros)).time()


def _enc_timestamp(value: Any) -> bytes:
    return _enc_int8(_micros(value.replace(tzinfo=None) - _PG_EPOCH))


def _stamp_micros(data: bytes) -> int:
    micros: int = _dec_int8(data)
    if micros in (2**63 - 1, -(2**63)):
        raise _no_infinity("timestamp")
    return micros


def _dec_timestamp(data: bytes) -> dt.datetime:
    try:
        return _PG_EPOCH + dt.timedelta(microseconds=_stamp_micros(data))
    except OverflowError:
        raise DatetimeFieldOverflow("timestamp out of range") from None


def _enc_timestamptz(value: Any) -> bytes:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return _enc_int8(_micros(value - _PG_EPOCH_UTC))


def _dec_timestamptz(data: bytes) -> dt.datetime:
    try:
        return _PG_EPOCH_UTC + dt.timedelta(microseconds=_stamp_micros(data))
    except OverflowError:
        raise DatetimeFieldOverflow("timestamp out of range") from None


_TIMETZ_STRUCT = struct.Struct(">qi")


def _enc_timetz(value: Any) -> bytes:
    offset = value.utcoffset() or dt.timedelta(0)
    # The zone travels as seconds west of UTC, the opposite sign of an ISO offset.
    return _TIMETZ_STRUCT.pack(_time_micros(value), -int(offset.total_seconds()))


def _dec_timetz(data: bytes) -> dt.time:
    if len(data) < _TIMETZ_STRUCT.size:
        raise _insufficient()
    if len(data) > _TIMETZ_STRUCT.size:
        raise _bad_format()
    micros, zone = _TIMETZ_STRUCT.unpack(data)
    if not 0 <= micros < _USECS_PER_DAY:
        raise DatetimeFieldOverflow("time out of range")
    time = (dt.datetime.min + dt.timedelta(microseconds=micros)).time()
    return time.replace(tzinfo=dt.timezone(dt.timedelta(seconds=-zone)))


_INTERVAL_STRUCT = struct.Struct(">qii")


def _enc_interval(value: Any) -> bytes:
    if isinstance(value, dt.timedelta):
        value = Interval.from_timedelta(value)
    try:
        return _INTERVAL_STRUCT.pack(value.microseconds, value.days, value.months)
    except struct.error:
        raise DatetimeFieldOverflow("interval out of range") from None


def _dec_interval(data: bytes) -> Interval:
    if len(data) < _INTERVAL_STRUCT.size:
        raise _insufficient()
    if len(data) > _INTERVAL_STRUCT.size:
        raise _bad_format()
    micros, days, months = _INTERVAL_STRUCT.unpack(data)
    return Interval(months, days, micros)


def _enc_uuid(value: Any) -> bytes:
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))).bytes


def _dec_uuid(data: bytes) -> uuid.UUID:
    if len(data) < 16:
        raise _insufficient()
    if len(data) > 16:
        raise _bad_format()
    return uuid.UUID(bytes=bytes(data))


_BINARY_CODECS: dict[int, tuple[BinaryEncoder, BinaryDecoder]] = {
    BOOL: (_enc_bool, _dec_bool),
    BYTEA: (_enc_bytes, _dec_bytes),
    CHAR: (_enc_char, _dec_char),
    NAME: (_enc_str, _dec_name),
    INT8: (_enc_int8, _dec_int8),
    INT2: (_enc_int2, _dec_int2),
    INT4: (_enc_int4, _dec_int4),
    TEXT: (_enc_str, _dec_str),
    OID: (_enc_oid, _dec_oid),
    JSON: (_enc_str, _dec_json),
    FLOAT4: (_enc_float4, _dec_float4),
    FLOAT8: (_enc_float8, _dec_float8),
    UNKNOWN: (_enc_str, _dec_str),
    BPCHAR: (_enc_str, _dec_str),
    VARCHAR: (_enc_str, _dec_str),
    DATE: (_enc_date, _dec_date),
    TIME: (_enc_time, _dec_time),
    TIMESTAMP: (_enc_timestamp, _dec_timestamp),
    TIMESTAMPTZ: (_enc_timestamptz, _dec_timestamptz),
    INTERVAL: (_enc_interval, _dec_interval),
    TIMETZ: (_enc_timetz, _dec_timetz),
    NUMERIC: (_enc_numeric, _dec_numeric),
    REGTYPE: (_enc_oid, _dec_oid),
    UUID: (_enc_uuid, _dec_uuid),
    JSONB: (_enc_jsonb, _dec_jsonb),
    XID: (_enc_oid, _dec_oid),
    PG_NODE_TREE: (_enc_str, _dec_str),
    **{oid: (_enc_oid, _dec_oid) for oid in OID_ALIASES},
}
_BINARY_CODECS.update({domain: _BINARY_CODECS[base] for domain, base in DOMAIN_BASE.items()})

_I32 = struct.Struct(">i")


def _array_shape(value: list[Any]) -> list[int]:
    dims = [len(value)]
    probe: Any = value
    while probe and isinstance(probe[0], list):
        probe = probe[0]
        dims.append(len(probe))
    return dims


def _flatten(value: list[Any], dims: list[int]) -> Iterator[Any]:
    if len(value) != dims[0]:
        raise InvalidParameterValue(
            "multidimensional arrays must have array expressions with matching dimensions"
        )
    for item in value:
        if len(dims) > 1:
            if not isinstance(item, list):
                raise InvalidParameterValue(
                    "multidimensional arrays must have array expressions with matching dimensions"
                )
            yield from _flatten(item, dims[1:])
        else:
            yield item


def _enc_array(elem_oid: int, encoder: BinaryEncoder, value: list[Any]) -> bytes:
    if not value:
        return struct.pack(">iiI", 0, 0, elem_oid)
    dims = _array_shape(value)
    if len(dims) > _MAXDIM:
        raise ProgramLimitExceeded(
            f"number of array dimensions ({len(dims)}) exceeds the maximum allowed ({_MAXDIM})"
        )
    parts: list[bytes] = []
    has_null = 0
    for item in _flatten(value, dims):
        if item is None:
            has_null = 1
            parts.append(_I32.pack(-1))
        else:
            payload = encoder(item)
            parts.append(_I32.pack(len(payload)) + payload)
    header = struct.pack(">iiI", len(dims), has_null, elem_oid)
    header += b"".join(struct.pack(">ii", size, 1) for size in dims)
    return header + b"".join(parts)


def _dec_array(elem_oid: int, decoder: BinaryDecoder, data: bytes) -> list[Any]:
    if len(data) < 12:
        raise _insufficient()
    ndim, flags, got_elem = struct.unpack_from(">iiI", data)
    if ndim < 0:
        raise InvalidBinaryRepresentation(f"invalid number of dimensions: {ndim}")
    if ndim > _MAXDIM:
        raise ProgramLimitExceeded(
            f"number of array dimensions ({ndim}) exceeds the maximum allowed ({_MAXDIM})"
        )
    if flags not in (0, 1):
        raise InvalidBinaryRepresentation("invalid array flags")
    if got_elem != elem_oid:
        raise DatatypeMismatch("wrong element type")
    pos = 12
    dims: list[int] = []
    for _ in range(ndim):
        if len(data) < pos + 8:
            raise _insufficient()
        size, _lower = struct.unpack_from(">ii", data, pos)
        if size < 0:
            raise InvalidBinaryRepresentation("array size exceeds the maximum allowed")
        dims.append(size)
        pos += 8
    if ndim == 0 or 0 in dims:
        if pos != len(data):
            raise _bad_format()
        return []
    total = math.prod(dims)
    flat: list[Any] = []
    for index in range(total):
        if len(data) < pos + 4:
            raise _insufficient()
        (length,) = _I32.unpack_from(data, pos)
        pos += 4
        if length == -1:
            flat.append(None)
            continue
        if length < -1 or len(data) < pos + length:
            raise _insufficient()
        try:
            flat.append(decoder(data[pos : pos + length]))
        except InvalidBinaryRepresentation:
            raise InvalidBinaryRepresentation(
                f"improper binary format in array element {index + 1}"
            ) from None
        pos += length
    if pos != len(data):
        raise _bad_format()
    for size in reversed(dims[1:]):
        flat = [flat[i : i + size] for i in range(0, len(flat), size)]
    return flat


def _binary_codec(oid: int) -> tuple[BinaryEncoder, BinaryDecoder]:
    codec = _BINARY_CODECS.get(oid)
    if codec is not None:
        return codec
    pg_type = type_by_oid(oid)
    elem = _BINARY_CODECS.get(pg_type.elem_oid) if pg_type.is_array else None
    if elem is None:
        raise _no_codec(oid)
    elem_oid = pg_type.elem_oid
    elem_encoder, elem_decoder = elem

    def encode(value: Any) -> bytes:
        return _enc_array(elem_oid, elem_encoder, value)

    def decode(data: bytes) -> Any:
        return _dec_array(elem_oid, elem_decoder, data)

    return encode, decode


def encode_binary(oid: int, value: Any) -> bytes:
    """PostgreSQL's binary send format of ``value`` as type ``oid``."""
    return _binary_codec(oid)[0](value)


def decode_binary(oid: int, data: bytes, ctx: FormatContext | None = None) -> Any:
    """Parse PostgreSQL's binary recv format of type ``oid``; errors are 22P03. With
    `ctx`, an enum label is checked against the session's snapshot (`enum_labels`)."""
    if ctx is not None and oid in ENUM_LABELS:
        return _TEXT_DECODERS[oid](_text(bytes(data)), ctx)  # enum_recv: the label's bytes
    return _binary_codec(oid)[1](bytes(data))


# --------------------------------------------------------------------------------------
# Guessing a type for a Python value
# --------------------------------------------------------------------------------------


def _int_oid(value: int) -> int:
    if -(2**31) <= value < 2**31:
        return INT4
    if -(2**63) <= value < 2**63:
        return INT8
    return NUMERIC


def _first_scalar(items: list[Any]) -> Any:
    for item in items:
        if isinstance(item, list):
            found = _first_scalar(item)
            if found is not None:
                return found
        elif item is not None:
            return item
    return None


def _list_oid(value: list[Any]) -> int:
    first = _first_scalar(value)
    if first is None:
        return TYPES_BY_OID[TEXT].array_oid
    if isinstance(first, int) and not isinstance(first, bool):
        # Widen to the type every integer of the array fits.
        ints = [v for v in _flatten_any(value) if v is not None]
        elem = max((_int_oid(v) for v in ints), key=(INT4, INT8, NUMERIC).index)
    else:
        elem = python_type_oid(first)
    array_oid = TYPES_BY_OID[elem].array_oid
    if not array_oid:
        raise FeatureNotSupported(f"no array type for elements of {type(first).__name__}")
    return array_oid


def _flatten_any(value: list[Any]) -> Iterator[Any]:
    for item in value:
        if isinstance(item, list):
            yield from _flatten_any(item)
        else:
            yield item


_PYTHON_OIDS: tuple[tuple[type, Callable[[Any], int]], ...] = (
    (bool, lambda v: BOOL),
    (int, _int_oid),
    (float, lambda v: FLOAT8),
    (Decimal, lambda v: NUMERIC),
    (str, lambda v: TEXT),
    (bytes, lambda v: BYTEA),
    (bytearray, lambda v: BYTEA),
    (memoryview, lambda v: BYTEA),
    (dt.datetime, lambda v: TIMESTAMP if v.tzinfo is None else TIMESTAMPTZ),
    (dt.date, lambda v: DATE),
    (dt.time, lambda v: TIME),
    (Interval, lambda v: INTERVAL),
    (dt.timedelta, lambda v: INTERVAL),
    (uuid.UUID, lambda v: UUID),
    (list, _list_oid),
    (tuple, lambda v: _list_oid(list(v))),
)


def python_type_oid(value: Any) -> int:
    """Guess the PostgreSQL type OID for a Python value (first match in MRO order).

    Lists take the array type of their first non-NULL element (widened over all integers);
    a list of only NULLs is ``text[]``.
    """
    for python_type, pick in _PYTHON_OIDS:
        if isinstance(value, python_type):
            return pick(value)
    raise FeatureNotSupported(f"cannot map Python {type(value).__name__} to a PostgreSQL type")


# --------------------------------------------------------------------------------------
# Kuzu mapping
# --------------------------------------------------------------------------------------

_KUZU_SCALARS: dict[str, int] = {
    "BOOL": BOOL,
    "INT8": INT2,
    "INT16": INT2,
    "INT32": INT4,
    "INT64": INT8,
    "SERIAL": INT8,
    "UINT8": INT4,
    "UINT16": INT4,
    "UINT32": INT8,
    "UINT64": NUMERIC,
    "INT128": NUMERIC,
    "FLOAT": FLOAT4,
    "DOUBLE": FLOAT8,
    "DECIMAL": NUMERIC,
    "STRING": TEXT,
    "BLOB": BYTEA,
    "DATE": DATE,
    "TIMESTAMP": TIMESTAMP,
    "TIMESTAMP_NS": TIMESTAMP,
    "TIMESTAMP_MS": TIMESTAMP,
    "TIMESTAMP_SEC": TIMESTAMP,
    "TIMESTAMP_TZ": TIMESTAMPTZ,
    "INTERVAL": INTERVAL,
    "UUID": UUID,
    "JSON": JSON,
}
_KUZU_LIST_RE = re.compile(r"^(?P<elem>.*)\[\d*\]$", re.DOTALL)


def _kuzu_base(kuzu_type: str) -> str:
    """'DECIMAL(18, 3)' -> 'DECIMAL', 'STRUCT(a INT64)' -> 'STRUCT'."""
    return kuzu_type.strip().split("(", 1)[0].strip().upper()


def _kuzu_list_elem(kuzu_type: str) -> str | None:
    match = _KUZU_LIST_RE.match(kuzu_type.strip())
    return match.group("elem").strip() if match else None


def pg_type_for_kuzu(kuzu_type: str) -> PgType:
    """The PostgreSQL type a Kuzu result column of ``kuzu_type`` is sent as.

    Scalars map to their closest type; ``T[]``/``T[n]`` of a scalar ``T`` to T's array
    type; everything composite (STRUCT, MAP, UNION, NODE, REL, RECURSIVE_REL, lists of
    composites or nested lists) to json.
    """
    elem = _kuzu_list_elem(kuzu_type)
    if elem is not None:
        elem_oid = _KUZU_SCALARS.get(_kuzu_base(elem)) if _kuzu_list_elem(elem) is None else None
        if elem_oid is None or elem_oid == JSON:
            return TYPES_BY_OID[JSON]
        return TYPES_BY_OID[TYPES_BY_OID[elem_oid].array_oid]
    return TYPES_BY_OID[_KUZU_SCALARS.get(_kuzu_base(kuzu_type), JSON)]


def _kuzu_internal_id(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"offset", "table"}:
        return f"{value['table']}:{value['offset']}"
    return value


def _json_ready(value: Any) -> Any:
    """Kuzu values -> json.dumps-able values, as PostgreSQL's to_json would print them."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("_id", "_src", "_dst"):
                item = _kuzu_internal_id(item)
            out[str(key)] = _json_ready(item)
        return out
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        special = _float_special(value)
        return value if special is None else special
    if isinstance(value, Decimal):
        return value if value.is_finite() else str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _out_interval_postgres(Interval.from_timedelta(value))
    if isinstance(value, bytes | bytearray):
        return "\\x" + bytes(value).hex()
    return str(value)


def _to_json_text(value: Any) -> str:
    return _dump_json(_json_ready(value), sort_keys=False, item_sep=",", key_sep=":")


def _kuzu_interval(value: Any) -> Interval:
    return value if isinstance(value, Interval) else Interval.from_timedelta(value)


def _kuzu_numeric(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _kuzu_json(value: Any) -> str:
    return value if isinstance(value, str) else _to_json_text(value)


def _identity(value: Any) -> Any:
    return value


def _kuzu_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _kuzu_timestamptz(value: Any) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


_FROM_KUZU: dict[int, Callable[[Any], Any]] = {
    NUMERIC: _kuzu_numeric,
    INTERVAL: _kuzu_interval,
    JSON: _kuzu_json,
    UUID: _kuzu_uuid,
    TIMESTAMPTZ: _kuzu_timestamptz,
    FLOAT4: float,
    FLOAT8: float,
    BYTEA: bytes,
}


def value_from_kuzu(kuzu_type: str, value: Any) -> Any:
    """Convert a value from Kuzu's Python API into the value model for its PG type.

    Kuzu hands intervals over as ``timedelta`` with a month counted as 30 days, so the
    result has ``months == 0``. Composite values become JSON text; internal ids
    ``{"offset": 3, "table": 0}`` become ``"0:3"``.
    """
    if value is None:
        return None
    pg_type = pg_type_for_kuzu(kuzu_type)
    if pg_type.oid == JSON:
        return _kuzu_json(value)
    if pg_type.is_array:
        convert = _FROM_KUZU.get(pg_type.elem_oid, _identity)
        return [None if item is None else convert(item) for item in value]
    return _FROM_KUZU.get(pg_type.oid, _identity)(value)


_KUZU_FOR_PG: dict[int, str] = {
    BOOL: "BOOL",
    BYTEA: "BLOB",
    CHAR: "STRING",
    NAME: "STRING",
    INT8: "INT64",
    INT2: "INT16",
    INT4: "INT32",
    TEXT: "STRING",
    OID: "INT64",
    JSON: "STRING",
    FLOAT4: "FLOAT",
    FLOAT8: "DOUBLE",
    UNKNOWN: "STRING",
    BPCHAR: "STRING",
    VARCHAR: "STRING",
    DATE: "DATE",
    TIME: "STRING",
    TIMESTAMP: "TIMESTAMP",
    TIMESTAMPTZ: "TIMESTAMP_TZ",
    INTERVAL: "INTERVAL",
    NUMERIC: "DECIMAL(38, 10)",
    UUID: "UUID",
    JSONB: "STRING",
}
_KUZU_MAX_PRECISION = 38


def _kuzu_decimal_for(value: Decimal) -> str:
    """The narrowest DECIMAL(p, s) holding ``value``; DOUBLE when Kuzu's 38 digits do not."""
    if not value.is_finite():
        return "DOUBLE"
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    scale = max(0, -exponent)
    integer_digits = max(1, len(digits) + exponent)
    precision = integer_digits + scale
    if precision > _KUZU_MAX_PRECISION:
        return "DOUBLE"
    return f"DECIMAL({precision}, {scale})"


def kuzu_type_for_pg(oid: int, value: Any = None) -> str:
    """The Kuzu type to CAST a parameter of PostgreSQL type ``oid`` to.

    For numeric, passing the ``value`` picks a DECIMAL(p, s) that holds it (DOUBLE beyond
    38 digits or for NaN/Infinity); without it the default is DECIMAL(38, 10).
    """
    kuzu = _KUZU_FOR_PG.get(oid)
    if kuzu is not None:
        if oid == NUMERIC and isinstance(value, Decimal):
            return _kuzu_decimal_for(value)
        return kuzu
    pg_type = type_by_oid(oid)
    if pg_type.is_array and pg_type.elem_oid in _KUZU_FOR_PG:
        elem = _KUZU_FOR_PG[pg_type.elem_oid]
        if pg_type.elem_oid == NUMERIC and isinstance(value, list):
            scalars = [v for v in _flatten_any(value) if isinstance(v, Decimal)]
            if scalars:
                elem = _widest_decimal(scalars)
        return elem + "[]"
    raise _no_codec(oid)


def _widest_decimal(values: list[Decimal]) -> str:
    int_digits = 1
    scale = 0
    for value in values:
        if not value.is_finite():
            return "DOUBLE"
        _sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        scale = max(scale, -exponent)
        int_digits = max(int_digits, len(digits) + exponent)
    if int_digits + scale > _KUZU_MAX_PRECISION:
        return "DOUBLE"
    return f"DECIMAL({int_digits + scale}, {scale})"


def _blob_literal(value: bytes) -> str:
    return "".join(f"\\x{byte:02X}" for byte in value)


_TO_KUZU: dict[int, Callable[[Any], Any]] = {
    BYTEA: lambda v: _blob_literal(bytes(v)),
    INTERVAL: lambda v: v.to_timedelta() if isinstance(v, Interval) else v,
    TIME: lambda v: _out_time(v, _DEFAULT_CTX),
    TIMESTAMPTZ: lambda v: (v if v.tzinfo else v.replace(tzinfo=dt.UTC)).astimezone(dt.UTC),
    JSONB: lambda v: normalize_jsonb(v),
    NUMERIC: lambda v: _numeric_to_kuzu(v),
}


def _numeric_to_kuzu(value: Any) -> Any:
    if not isinstance(value, Decimal):
        return value
    if not value.is_finite():
        return float(value)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:  # Kuzu cannot parse '1E+30'
        return value.quantize(Decimal(1), context=_wide_context(value))
    return value


def value_to_kuzu(oid: int, value: Any) -> Any:
    """Turn a decoded parameter into something Kuzu's Python API accepts for CAST.

    bytea becomes a '\\xHH' escaped string (Kuzu refuses ``bytes`` parameters; CAST it
    to BLOB), Interval a timedelta (months as 30 days), time a string, jsonb normalized.
    """
    if value is None:
        return None
    pg_type = TYPES_BY_OID.get(oid)
    if pg_type is not None and pg_type.is_array:
        convert = _TO_KUZU.get(pg_type.elem_oid, _identity)
        return [None if item is None else _map_nested(convert, item) for item in value]
    return _TO_KUZU.get(oid, _identity)(value)


def _map_nested(convert: Callable[[Any], Any], value: Any) -> Any:
    if isinstance(value, list):
        return [None if item is None else _map_nested(convert, item) for item in value]
    return convert(value)


# --------------------------------------------------------------------------------------
# User-defined enum types
# --------------------------------------------------------------------------------------

#: enum type OID -> its labels in sort order as last registered: the fallback where no
#: catalog snapshot is at hand (`UserTypes.enum_order` is the session's).
ENUM_LABELS: dict[int, tuple[str, ...]] = {}


class UserTypes(Protocol):
    """The user-defined types one catalog snapshot has, seen through a search_path.

    `translator.catalog.Catalog` is one. Name resolution and existence go through it, so
    a type another session has not committed, or a rolled-back one, is not found.
    """

    def user_type_oid(self, schema: str | None, name: str) -> int | None:
        """The OID of type `name` (its array type for ``_name``) in `schema`, or the first
        schema of the search_path that has one; None if there is none."""
        ...

    def user_type_shown(self, oid: int) -> str | None:
        """The name format_type shows for type `oid`: qualified unless visible on the
        search_path (pg_type_is_visible); None if this snapshot has no such type."""
        ...

    def enum_order(self, oid: int) -> tuple[str, ...] | None:
        """The labels of enum type `oid` in sort order; None if there is no such enum."""
        ...


_USER_TYPES: ContextVar[UserTypes | None] = ContextVar("kuzugres_user_types", default=None)


@contextmanager
def user_types(types: UserTypes | None) -> Iterator[None]:
    """Resolve and name user-defined types through `types` in this block (a translation,
    a DDL statement): the compiler reaches type names in many places, none of which
    carries the catalog."""
    token = _USER_TYPES.set(types)
    try:
        yield
    finally:
        _USER_TYPES.reset(token)


def active_user_types() -> UserTypes | None:
    """The `UserTypes` of the enclosing `user_types` block, if any."""
    return _USER_TYPES.get()


def _is_user_type(pg_type: PgType) -> bool:
    return pg_type.category == "E" or (pg_type.is_array and pg_type.elem_oid in ENUM_LABELS)


def register_enum(schema: str, name: str, oid: int, array_oid: int, labels: Sequence[str]) -> None:
    """Make the codecs know an enum type (and its array type), by OID only.

    Enum OIDs are stable_oid()s of the type's qualified name, so entries never collide
    with another type's and may outlive the type; names resolve through the session's
    snapshot (`UserTypes`), never through this table.
    """
    TYPES_BY_OID[oid] = PgType(name, oid, array_oid, -1, "E")
    TYPES_BY_OID[array_oid] = PgType("_" + name, array_oid, 0, -1, "A", elem_oid=oid)
    ENUM_LABELS[oid] = tuple(labels)
    _TEXT_ENCODERS[oid] = _out_str
    _TEXT_DECODERS[oid] = _make_in_enum(oid)
    _BINARY_CODECS[oid] = (
        lambda value: str(value).encode("utf-8"),
        lambda data: _TEXT_DECODERS[oid](_text(data), _DEFAULT_CTX),
    )
    _KUZU_FOR_PG[oid] = "STRING"


def is_enum(oid: int) -> bool:
    """Whether `oid` is a user-defined enum type."""
    return oid in ENUM_LABELS


def enum_order(oid: int) -> tuple[str, ...]:
    """The labels of enum `oid` in sort order: the active snapshot's, else as registered."""
    types = _USER_TYPES.get()
    order = types.enum_order(oid) if types is not None else None
    return order if order is not None else ENUM_LABELS.get(oid, ())


def enum_sort_key(oid: int, label: str, order: Sequence[str] | None = None) -> int:
    """The position of `label` in the enum's sort order (comparisons and ORDER BY)."""
    labels = enum_order(oid) if order is None else order
    try:
        return labels.index(label)
    except ValueError:
        return len(labels)


def _make_in_enum(oid: int) -> TextDecoder:
    def decode(text: str, ctx: FormatContext) -> str:
        labels = ctx.enum_labels(oid) if ctx.enum_labels is not None else None
        if text not in (ENUM_LABELS.get(oid, ()) if labels is None else labels):
            shown = ctx.oid_name(REGTYPE, oid) if ctx.oid_name is not None else None
            raise InvalidTextRepresentation(
                f'invalid input value for enum {shown or format_type(oid)}: "{text}"'
            )
        return text

    return decode
