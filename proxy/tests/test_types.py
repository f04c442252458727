"""Tests for kuzugres.proxy.types: registry, text/binary codecs, Kuzu mapping.

Expected strings and bytes were taken from PostgreSQL 15; the test marked
``slow`` at the bottom re-checks them against a throwaway PostgreSQL server
when the binaries are installed (it starts and stops its own instance).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from kuzugres.errors import PgError
from kuzugres.proxy import types as T
from kuzugres.proxy.types import FormatContext, Interval

UTC = dt.UTC
CTX = FormatContext()
NY = FormatContext(timezone="America/New_York")


def text_out(oid: int, value: Any, ctx: FormatContext = CTX) -> str:
    return T.encode_text(oid, value, ctx).decode()


def text_in(oid: int, text: str, ctx: FormatContext = CTX) -> Any:
    return T.decode_text(oid, text.encode(), ctx)


def raises_sqlstate(code: str, message: str | None = None) -> Any:
    class _Check:
        def __enter__(self) -> None:
            return None

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
            assert exc is not None, f"expected SQLSTATE {code}"
            assert isinstance(exc, PgError), exc
            assert exc.code == code, (exc.code, exc.message)
            if message is not None:
                assert exc.message == message
            return True

    return _Check()


# --- registry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "oid", "array_oid"),
    [
        ("bool", 16, 1000),
        ("int2", 21, 1005),
        ("int4", 23, 1007),
        ("text", 25, 1009),
        ("int8", 20, 1016),
        ("float4", 700, 1021),
        ("float8", 701, 1022),
        ("varchar", 1043, 1015),
        ("bpchar", 1042, 1014),
        ("bytea", 17, 1001),
        ("date", 1082, 1182),
        ("time", 1083, 1183),
        ("timestamp", 1114, 1115),
        ("timestamptz", 1184, 1185),
        ("interval", 1186, 1187),
        ("numeric", 1700, 1231),
        ("uuid", 2950, 2951),
        ("json", 114, 199),
        ("jsonb", 3802, 3807),
        ("oid", 26, 1028),
        ("name", 19, 1003),
        ("char", 18, 1002),
        ("timetz", 1266, 1270),
        ("regtype", 2206, 2211),
    ],
)
def test_registry_oids(name: str, oid: int, array_oid: int) -> None:
    scalar = T.type_by_oid(oid)
    assert (scalar.name, scalar.array_oid) == (name, array_oid)
    array = T.type_by_oid(array_oid)
    assert (array.name, array.elem_oid, array.typlen, array.category) == ("_" + name, oid, -1, "A")


def test_registry_other_types() -> None:
    assert T.type_by_oid(705).typlen == -2
    assert T.type_by_oid(2278).name == "void"
    assert T.type_by_oid(2249).name == "record"
    assert T.type_by_oid(1186).typlen == 16
    with raises_sqlstate("42704", "type with OID 99999 does not exist"):
        T.type_by_oid(99999)


def test_registry_preferred_and_pseudo_types() -> None:
    preferred = {t.name for t in T.TYPES_BY_OID.values() if t.preferred}
    assert preferred == {"bool", "text", "oid", "float8", "timestamptz", "interval"}
    pseudo = [T.type_by_oid(oid) for oid in (2276, 2277, 2283, 2776)]
    assert [(t.name, t.category) for t in pseudo] == [
        ("any", "P"),
        ("anyarray", "P"),
        ("anyelement", "P"),
        ("anynonarray", "P"),
    ]


@pytest.mark.parametrize(
    ("oid", "typmod", "expected"),
    [
        (23, None, "integer"),
        (23, -1, "integer"),
        (1043, 14, "character varying(10)"),
        (1043, None, "character varying"),
        (1042, -1, "bpchar"),
        (1042, None, "character"),
        (1042, 9, "character(5)"),
        (1700, 655366, "numeric(10,2)"),
        (1700, None, "numeric"),
        (1007, None, "integer[]"),
        (1114, 3, "timestamp(3) without time zone"),
        (1184, None, "timestamp with time zone"),
        (1266, None, "time with time zone"),
        (1266, 2, "time(2) with time zone"),
        (18, None, '"char"'),
        (2276, None, '"any"'),
        (2206, None, "regtype"),
        (99999, None, "???"),
    ],
)
def test_format_type(oid: int, typmod: int | None, expected: str) -> None:
    assert T.format_type(oid, typmod) == expected


@pytest.mark.parametrize(
    ("spelling", "oid"),
    [
        ("time with time zone", 1266),
        ("timetz", 1266),
        ("integer", 23),
        ("int", 23),
        ("INT4", 23),
        ("bigint", 20),
        ("smallint", 21),
        ("double precision", 701),
        ("Double  Precision", 701),
        ("float", 701),
        ("float(3)", 700),
        ("float8", 701),
        ("real", 700),
        ("boolean", 16),
        ("bool", 16),
        ("text", 25),
        ("varchar", 1043),
        ("varchar(10)", 1043),
        ("character varying", 1043),
        ("char", 1042),
        ("character", 1042),
        ("char(3)", 1042),
        ('"char"', 18),
        ("bpchar", 1042),
        ("timestamp", 1114),
        ("timestamp without time zone", 1114),
        ("timestamptz", 1184),
        ("timestamp with time zone", 1184),
        ("time", 1083),
        ("time without time zone", 1083),
        ("date", 1082),
        ("interval", 1186),
        ("numeric", 1700),
        ("numeric(10, 2)", 1700),
        ("decimal", 1700),
        ("uuid", 2950),
        ("json", 114),
        ("jsonb", 3802),
        ("bytea", 17),
        ("pg_catalog.int4", 23),
        ("int[]", 1007),
        ("integer[]", 1007),
        ("integer []", 1007),
        ("text[][]", 1009),
        ("character varying(3)[]", 1015),
        ("integer array", 1007),
        ("_int4", 1007),
    ],
)
def test_type_by_name(spelling: str, oid: int) -> None:
    assert T.type_by_name(spelling).oid == oid


@pytest.mark.parametrize("spelling", ["foo", "void[]", "_int4[]", "unknown[]"])
def test_type_by_name_unknown(spelling: str) -> None:
    with raises_sqlstate("42704", f'type "{spelling}" does not exist'):
        T.type_by_name(spelling)


# --- text output -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("oid", "value", "expected"),
    [
        (16, True, "t"),
        (16, False, "f"),
        (21, -32768, "-32768"),
        (20, 2**63 - 1, "9223372036854775807"),
        (701, 1.5, "1.5"),
        (701, 1e100, "1e+100"),
        (701, 0.1, "0.1"),
        (701, math.inf, "Infinity"),
        (701, -math.inf, "-Infinity"),
        (701, math.nan, "NaN"),
        (701, -0.0, "-0"),
        (701, 1e15, "1e+15"),
        (701, 1e14, "100000000000000"),
        (701, 1e-5, "1e-05"),
        (701, 0.0001, "0.0001"),
        (701, 123456789012345678.0, "1.2345678901234568e+17"),
        (701, 5e-324, "5e-324"),
        (700, 1.1, "1.1"),
        (700, 1234567.0, "1.234567e+06"),
        (700, 123456.0, "123456"),
        (700, 3.4028234663852886e38, "3.4028235e+38"),
        (1700, Decimal("1E+2"), "100"),
        (1700, Decimal("1.50"), "1.50"),
        (1700, Decimal("-0.000"), "0.000"),
        (1700, Decimal("NaN"), "NaN"),
        (1700, Decimal("Infinity"), "Infinity"),
        (1700, Decimal("-Infinity"), "-Infinity"),
        (1700, Decimal("1E-20"), "0.00000000000000000001"),
        (17, b"\x0a\x0b", "\\x0a0b"),
        (17, b"", "\\x"),
        (1082, dt.date(1, 1, 1), "0001-01-01"),
        (1082, dt.date(9999, 12, 31), "9999-12-31"),
        (1083, dt.time(3, 4, 5), "03:04:05"),
        (1083, dt.time(3, 4, 5, 500000), "03:04:05.5"),
        (1083, dt.time(3, 4, 5, 120), "03:04:05.00012"),
        (1114, dt.datetime(2024, 1, 2, 3, 4, 5, 500000), "2024-01-02 03:04:05.5"),
        (1184, dt.datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC), "2024-01-02 03:04:05.5+00"),
        (1186, Interval(14, 3, 14706500000), "1 year 2 mons 3 days 04:05:06.5"),
        (1186, Interval(0, -1, 0), "-1 days"),
        (1186, Interval(0, 0, 0), "00:00:00"),
        (1186, Interval(0, 1, -3600000000), "1 day -01:00:00"),
        (1186, Interval(0, -1, 7200000000), "-1 days +02:00:00"),
        (1186, Interval(-14, 0, 0), "-1 years -2 mons"),
        (1186, Interval(10, 0, 0), "10 mons"),
        (1186, Interval(-1, 2, 0), "-1 mons +2 days"),
        (1186, Interval(0, 0, -1500000), "-00:00:01.5"),
        (1186, Interval(0, 0, 100 * 3600 * 10**6), "100:00:00"),
        (1186, dt.timedelta(hours=-1), "-01:00:00"),
        (1266, dt.time(10, tzinfo=dt.timezone(dt.timedelta(hours=2))), "10:00:00+02"),
        (
            1266,
            dt.time(23, 59, 59, 500000, tzinfo=dt.timezone(-dt.timedelta(hours=3, minutes=30))),
            "23:59:59.5-03:30",
        ),
        (2206, 23, "integer"),
        (2206, 1015, "character varying[]"),
        (2206, 99999, "99999"),
        (
            2950,
            uuid.UUID("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"),
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        ),
        (114, '{"b":1,  "a":2}', '{"b":1,  "a":2}'),
        (3802, '{"b": [1,2], "a": 1}', '{"a": 1, "b": [1, 2]}'),
        (1007, [1, 2, None], "{1,2,NULL}"),
        (1007, [], "{}"),
        (1007, [[1, 2], [3, 4]], "{{1,2},{3,4}}"),
        (
            1009,
            ["a", "b c", "", None, "NULL", 'x"y', "a\\b", "null"],
            '{a,"b c","",NULL,"NULL","x\\"y","a\\\\b","null"}',
        ),
        (1009, ["a,b", "{x}", "é"], '{"a,b","{x}",é}'),
        (1001, [b"\x0a\x0b", None], '{"\\\\x0a0b",NULL}'),
        (1182, [dt.date(2024, 1, 2)], "{2024-01-02}"),
        (1185, [dt.datetime(2024, 1, 2, tzinfo=UTC)], '{"2024-01-02 00:00:00+00"}'),
        (1187, [Interval(0, 1, 0)], '{"1 day"}'),
        (1022, [1.5, math.nan, -math.inf], "{1.5,NaN,-Infinity}"),
        (1000, [True, False], "{t,f}"),
        (3807, ['{"b":1,"a":2}'], '{"{\\"a\\": 2, \\"b\\": 1}"}'),
    ],
)
def test_encode_text(oid: int, value: Any, expected: str) -> None:
    assert text_out(oid, value) == expected


@pytest.mark.parametrize(
    ("efd", "value", "float8", "float4"),
    [
        (0, 0.1, "0.1", "0.1"),
        (0, 3.141592653589793, "3.14159265358979", "3.14159"),
        (0, 1e100, "1e+100", "inf"),
        (-3, 123456789.123, "123456789.123", "1.23e+08"),
        (3, 0.1, "0.1", "0.1"),
    ],
)
def test_encode_float_extra_digits(efd: int, value: float, float8: str, float4: str) -> None:
    ctx = FormatContext(extra_float_digits=efd)
    assert text_out(701, value, ctx) == float8
    if float4 != "inf":
        assert text_out(700, value, ctx) == float4


def test_encode_float_extra_digits_exponent() -> None:
    ctx = FormatContext(extra_float_digits=-3)
    assert text_out(701, 1234567890123.0, ctx) == "1.23456789012e+12"


def test_timestamptz_text_in_zones() -> None:
    stamp = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert text_out(1184, stamp, FormatContext(timezone="Asia/Kolkata")) == (
        "2024-01-02 08:34:05+05:30"
    )
    assert text_out(1184, stamp, NY) == "2024-01-01 22:04:05-05"
    summer = dt.datetime(2024, 7, 1, 12, tzinfo=UTC)
    assert text_out(1184, summer, NY) == "2024-07-01 08:00:00-04"
    lmt = dt.datetime(1900, 1, 1, 12, tzinfo=UTC)
    assert text_out(1184, lmt, FormatContext(timezone="Europe/Amsterdam")) == (
        "1900-01-01 12:19:32+00:19:32"
    )
    naive = dt.datetime(2024, 1, 2, 3, 4, 5)
    assert text_out(1184, naive) == "2024-01-02 03:04:05+00"


@pytest.mark.parametrize(
    ("local", "expected_utc"),
    [
        # Spring forward gap: the offset before the transition (EST) applies.
        ("2024-03-10 02:30:00", dt.datetime(2024, 3, 10, 7, 30, tzinfo=UTC)),
        # Fall back overlap: the offset after the transition (EST) applies.
        ("2024-11-03 01:30:00", dt.datetime(2024, 11, 3, 6, 30, tzinfo=UTC)),
        ("2024-07-01 12:00:00", dt.datetime(2024, 7, 1, 16, 0, tzinfo=UTC)),
        ("2024-01-01 12:00:00", dt.datetime(2024, 1, 1, 17, 0, tzinfo=UTC)),
        ("2024-01-01 12:00:00+02", dt.datetime(2024, 1, 1, 10, 0, tzinfo=UTC)),
    ],
)
def test_timestamptz_dst_new_york(local: str, expected_utc: dt.datetime) -> None:
    value = text_in(1184, local, NY)
    assert value == expected_utc
    assert value.utcoffset() == dt.timedelta(0)


def test_timestamptz_dst_output_new_york() -> None:
    assert text_out(1184, text_in(1184, "2024-03-10 02:30:00", NY), NY) == (
        "2024-03-10 03:30:00-04"
    )
    assert text_out(1184, text_in(1184, "2024-11-03 01:30:00", NY), NY) == (
        "2024-11-03 01:30:00-05"
    )
    early = dt.datetime(2024, 11, 3, 5, 30, tzinfo=UTC)
    assert text_out(1184, early, NY) == "2024-11-03 01:30:00-04"


# --- text input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("oid", "text", "expected"),
    [
        (23, " 42 ", 42),
        (23, "-2147483648", -(2**31)),
        (21, "+5", 5),
        (20, "9223372036854775807", 2**63 - 1),
        (26, "-1", 4294967295),
        (16, "TRUE", True),
        (16, "  yes ", True),
        (16, "of", False),
        (16, "on", True),
        (16, "n", False),
        (16, "1", True),
        (16, "0", False),
        (16, "tr", True),
        (701, "Infinity", math.inf),
        (701, "-inf", -math.inf),
        (701, "1e5", 100000.0),
        (701, " .5 ", 0.5),
        (700, "1.1", struct.unpack("f", struct.pack("f", 1.1))[0]),
        (1700, "  1.50 ", Decimal("1.50")),
        (1700, "1e2", Decimal("100")),
        (1700, "1.5e1", Decimal("15.0")),
        (1700, "-Infinity", Decimal("-Infinity")),
        (17, "\\x0A0b", b"\x0a\x0b"),
        (17, "\\x 0a 0b", b"\x0a\x0b"),
        (17, "a\\\\b\\001\\377", b"a\\b\x01\xff"),
        (17, "é", "é".encode()),
        (19, "x" * 70, "x" * 63),
        (18, "ab", "a"),
        (1082, "2024-01-02", dt.date(2024, 1, 2)),
        (1082, " 2024-1-2 ", dt.date(2024, 1, 2)),
        (1082, "2024-01-02 03:04:05", dt.date(2024, 1, 2)),
        (1083, "03:04", dt.time(3, 4)),
        (1083, "03:04:05.1234567", dt.time(3, 4, 5, 123457)),
        (1083, "12:30:60", dt.time(12, 31)),
        (1083, "03:04:05+02", dt.time(3, 4, 5)),
        (1114, "2024-01-02T03:04:05.5", dt.datetime(2024, 1, 2, 3, 4, 5, 500000)),
        (1114, "2024-01-02", dt.datetime(2024, 1, 2)),
        (1114, "2024-01-02 24:00:00", dt.datetime(2024, 1, 3)),
        (1114, "2024-01-02 03:04:05+02", dt.datetime(2024, 1, 2, 3, 4, 5)),
        (1184, "2024-01-02T03:04:05Z", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (1184, "2024-01-02 03:04:05+05:30", dt.datetime(2024, 1, 1, 21, 34, 5, tzinfo=UTC)),
        (1184, "2024-01-02 03:04:05 -0330", dt.datetime(2024, 1, 2, 6, 34, 5, tzinfo=UTC)),
        (1186, "P1Y2M", Interval(14, 0, 0)),
        (1186, "P1DT2H3M4.5S", Interval(0, 1, 7384500000)),
        (1186, "P2W", Interval(0, 14, 0)),
        (1186, "1 day 02:00:00", Interval(0, 1, 7200 * 10**6)),
        (1186, "3 hours", Interval(0, 0, 3 * 3600 * 10**6)),
        (1186, "-1 mons +2 days", Interval(-1, 2, 0)),
        (1186, "1 year 2 months", Interval(14, 0, 0)),
        (1186, "10 seconds", Interval(0, 0, 10**7)),
        (1186, "10", Interval(0, 0, 10**7)),
        (1186, "1.5 days", Interval(0, 1, 12 * 3600 * 10**6)),
        (1186, "1.5 months", Interval(1, 15, 0)),
        (1186, "1.5 years", Interval(18, 0, 0)),
        (1186, "1.5 weeks", Interval(0, 10, 12 * 3600 * 10**6)),
        (1186, "@ 1 hour ago", Interval(0, 0, -3600 * 10**6)),
        (1186, "1-2", Interval(14, 0, 0)),
        (1186, "-00:00:01.5", Interval(0, 0, -1500000)),
        (1186, "1 day 1 hour -1 minute", Interval(0, 1, 59 * 60 * 10**6)),
        (1186, "1d 2h", Interval(0, 1, 7200 * 10**6)),
        (1186, "1 century", Interval(1200, 0, 0)),
        (1186, "ago 1 day", Interval(0, -1, 0)),
        (1186, "1 day ago 2 hours", Interval(0, -1, -2 * 3600 * 10**6)),
        (1186, "1 day, 2 hours", Interval(0, 1, 2 * 3600 * 10**6)),
        (1186, "1 12:00", Interval(0, 1, 12 * 3600 * 10**6)),
        (1186, "1 day 2", Interval(0, 1, 2 * 10**6)),
        (1186, "10:30.5", Interval(0, 0, 630500000)),
        (1186, "1:59:60", Interval(0, 0, 2 * 3600 * 10**6)),
        (1186, "1-2 3 years", Interval(50, 0, 0)),
        (1186, "1.01 years", Interval(12, 0, 0)),
        (1186, "1 microsecon", Interval(0, 0, 1)),
        (1266, "10:00+02", dt.time(10, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
        (1266, "2024-01-02 10:00 z", dt.time(10, tzinfo=dt.UTC)),
        (2206, "int", 23),
        (2206, " 23 ", 23),
        (2206, "double precision[]", 1022),
        (
            2950,
            "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}",
            uuid.UUID(int=0xA0EEBC999C0B4EF8BB6D6BB9BD380A11),
        ),
        (
            2950,
            "a0eebc999c0b4ef8bb6d6bb9bd380a11",
            uuid.UUID(int=0xA0EEBC999C0B4EF8BB6D6BB9BD380A11),
        ),
        (
            2950,
            "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
            uuid.UUID(int=0xA0EEBC999C0B4EF8BB6D6BB9BD380A11),
        ),
        (114, ' {"b":1,"a":2,"b":3} ', ' {"b":1,"a":2,"b":3} '),
        (3802, '{"aa":1,"b":2,"a":3,"a":4}', '{"a": 4, "b": 2, "aa": 1}'),
        (3802, "[1.50, 1e2, -0, 1E-2]", "[1.50, 100, 0, 0.01]"),
        (3802, '"x\\n\\u0001\\"/"', '"x\\n\\u0001\\"/"'),
        (1007, " { 1 , 2 } ", [1, 2]),
        (1007, "{}", []),
        (1007, "{null,NULL}", [None, None]),
        (1007, "{{1,2},{3,4}}", [[1, 2], [3, 4]]),
        (1007, "[1:2]={1,2}", [1, 2]),
        (
            1009,
            '{a,"b c","",NULL,"NULL","x\\"y","a\\\\b"}',
            ["a", "b c", "", None, "NULL", 'x"y', "a\\b"],
        ),
        (1009, "{ a b , c }", ["a b", "c"]),
        (1009, "{\\n\\u}", ["nu"]),
        (1009, '{"ab" }', ["ab"]),
        (1001, '{"\\\\x0a0b",NULL}', [b"\x0a\x0b", None]),
    ],
)
def test_decode_text(oid: int, text: str, expected: Any) -> None:
    assert text_in(oid, text) == expected


def test_decode_text_nan() -> None:
    assert math.isnan(text_in(701, "NaN"))
    assert math.isnan(text_in(700, "nan"))
    assert text_in(1700, "nan").is_nan()


@pytest.mark.parametrize(
    ("oid", "text", "code", "message"),
    [
        (23, "abc", "22P02", 'invalid input syntax for type integer: "abc"'),
        (23, "99999999999", "22003", 'value "99999999999" is out of range for type integer'),
        (21, "32768", "22003", 'value "32768" is out of range for type smallint'),
        (20, "9223372036854775808", "22003", None),
        (20, "1.5", "22P02", 'invalid input syntax for type bigint: "1.5"'),
        (23, "", "22P02", 'invalid input syntax for type integer: ""'),
        (26, "4294967296", "22003", 'value "4294967296" is out of range for type oid'),
        (16, "x", "22P02", 'invalid input syntax for type boolean: "x"'),
        (16, "o", "22P02", None),
        (701, "abc", "22P02", 'invalid input syntax for type double precision: "abc"'),
        (701, "1e400", "22003", '"1e400" is out of range for type double precision'),
        (701, "1e-400", "22003", None),
        (700, "1e40", "22003", '"1e40" is out of range for type real'),
        (700, "x", "22P02", 'invalid input syntax for type real: "x"'),
        (1700, "x", "22P02", 'invalid input syntax for type numeric: "x"'),
        (17, "\\xzz", "22023", 'invalid hexadecimal digit: "z"'),
        (17, "\\x1", "22023", "invalid hexadecimal data: odd number of digits"),
        (17, "\\q", "22P02", "invalid input syntax for type bytea"),
        (1082, "x", "22007", 'invalid input syntax for type date: "x"'),
        (1082, "2024-13-01", "22008", 'date/time field value out of range: "2024-13-01"'),
        (1082, "2024-02-30", "22008", 'date/time field value out of range: "2024-02-30"'),
        (1082, "2023-02-29", "22008", None),
        (1082, "10000-01-01", "22008", None),
        (1082, "infinity", "0A000", None),
        (1083, "25:00", "22008", 'date/time field value out of range: "25:00"'),
        (1083, "x", "22007", 'invalid input syntax for type time: "x"'),
        (1114, "x", "22007", 'invalid input syntax for type timestamp: "x"'),
        (1114, "2024-13-01", "22008", 'date/time field value out of range: "2024-13-01"'),
        (1184, "x", "22007", 'invalid input syntax for type timestamp with time zone: "x"'),
        (1186, "x", "22007", 'invalid input syntax for type interval: "x"'),
        (1186, "1 foo", "22007", 'invalid input syntax for type interval: "1 foo"'),
        (1186, "1 day 1 day", "22007", 'invalid input syntax for type interval: "1 day 1 day"'),
        (1186, "1 2", "22007", 'invalid input syntax for type interval: "1 2"'),
        (1186, "01:00 3 hours", "22007", None),
        (1186, "1.5 seconds 2 ms", "22007", None),
        (1186, "5 ago", "22007", None),
        (1186, "1:60", "22015", 'interval field value out of range: "1:60"'),
        (1266, "x", "22007", 'invalid input syntax for type time with time zone: "x"'),
        (2206, "foo", "42704", 'type "foo" does not exist'),
        (2950, "x", "22P02", 'invalid input syntax for type uuid: "x"'),
        (2950, "{a0eebc999c0b4ef8bb6d6bb9bd380a11", "22P02", None),
        (2950, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "22P02", None),
        (114, "{a", "22P02", "invalid input syntax for type json"),
        (114, "NaN", "22P02", "invalid input syntax for type json"),
        (3802, "{a", "22P02", "invalid input syntax for type json"),
        (3802, '"\\u0000"', "22P05", "unsupported Unicode escape sequence"),
        (1007, "{1,,2}", "22P02", 'malformed array literal: "{1,,2}"'),
        (1007, "{1", "22P02", 'malformed array literal: "{1"'),
        (1007, "1,2", "22P02", 'malformed array literal: "1,2"'),
        (1007, "{1}x", "22P02", 'malformed array literal: "{1}x"'),
        (1007, "{{1},{2,3}}", "22P02", 'malformed array literal: "{{1},{2,3}}"'),
        (1009, '{"a"b}', "22P02", 'malformed array literal: "{"a"b}"'),
        (1007, "{1,x}", "22P02", 'invalid input syntax for type integer: "x"'),
        (25, "a\x00b", "22021", 'invalid byte sequence for encoding "UTF8": 0x00'),
    ],
)
def test_decode_text_errors(oid: int, text: str, code: str, message: str | None) -> None:
    with raises_sqlstate(code, message):
        text_in(oid, text)


def test_decode_text_invalid_utf8() -> None:
    with raises_sqlstate("22021", 'invalid byte sequence for encoding "UTF8": 0xff'):
        T.decode_text(25, b"a\xff", CTX)


def test_normalize_jsonb() -> None:
    assert T.normalize_jsonb('{"b": [1,2], "a": 1}') == '{"a": 1, "b": [1, 2]}'
    assert T.normalize_jsonb('{"é":1,"e":2,"ab":3}') == '{"e": 2, "ab": 3, "é": 1}'
    assert T.normalize_jsonb('{"a":{"z":[],"y":{}}}') == '{"a": {"y": {}, "z": []}}'
    assert T.normalize_jsonb(" null ") == "null"


# --- binary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("oid", "value", "hexbytes"),
    [
        (16, True, "01"),
        (21, -2, "fffe"),
        (23, 1, "00000001"),
        (20, -1, "ffffffffffffffff"),
        (700, 1.5, "3fc00000"),
        (701, 1.5, "3ff8000000000000"),
        (1700, Decimal("0"), "0000000000000000"),
        (1700, Decimal("0.00"), "0000000000000002"),
        (1700, Decimal("1.50"), "0002000000000002" + "0001" + "1388"),
        (1700, Decimal("-12345.678"), "00030001400000030001" + "0929" + "1a7c"),
        (1700, Decimal("1E+8"), "0001000200000000" + "0001"),
        (1700, Decimal("0.0001"), "0001ffff00000004" + "0001"),
        (1700, Decimal("Infinity"), "00000000d0000020"),
        (1700, Decimal("-Infinity"), "00000000f0000020"),
        (1082, dt.date(2000, 1, 2), "00000001"),
        (1082, dt.date(1999, 12, 31), "ffffffff"),
        (1083, dt.time(0, 0, 1), "00000000000f4240"),
        (1114, dt.datetime(2000, 1, 1, 0, 0, 1), "00000000000f4240"),
        (
            1184,
            dt.datetime(2000, 1, 1, 1, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            "00000000000f4240",
        ),
        (1186, Interval(2, 3, 1), "0000000000000001" + "00000003" + "00000002"),
        (1266, dt.time(10, tzinfo=dt.timezone(dt.timedelta(hours=2))), "0000000861c46800ffffe3e0"),
        (2206, 23, "00000017"),
        (3802, "[1]", "015b315d"),
        (114, "[1]", "5b315d"),
        (25, "é", "c3a9"),
        (17, b"\x00\xff", "00ff"),
        (2950, uuid.UUID(int=1), "00" * 15 + "01"),
        (1007, [], "00000000" + "00000000" + "00000017"),
        (
            1007,
            [1, None],
            "00000001" + "00000001" + "00000017" + "00000002" + "00000001"
            "00000004" + "00000001" + "ffffffff",
        ),
        (
            1005,
            [[1], [2]],
            "00000002" + "00000000" + "00000015" + "00000002" + "00000001"
            "00000001" + "00000001" + "00000002" + "0001" + "00000002" + "0002",
        ),
    ],
)
def test_encode_binary(oid: int, value: Any, hexbytes: str) -> None:
    encoded = T.encode_binary(oid, value)
    assert encoded.hex() == hexbytes
    decoded = T.decode_binary(oid, encoded)
    if oid == 1184:
        assert decoded == value and decoded.utcoffset() == dt.timedelta(0)
    else:
        assert decoded == value


ROUND_TRIPS: list[tuple[int, Any]] = [
    (16, True),
    (16, False),
    (21, -(2**15)),
    (21, 2**15 - 1),
    (23, -(2**31)),
    (23, 2**31 - 1),
    (20, -(2**63)),
    (20, 2**63 - 1),
    (26, 4294967295),
    (700, 1.5),
    (700, -0.0),
    (700, math.inf),
    (701, -0.0),
    (701, 1e-300),
    (701, 2.2250738585072014e-308),
    (701, 1.7976931348623157e308),
    (701, -math.inf),
    (701, 0.1),
    (1700, Decimal("123456789012345678901234567890.123456789012345678901234567890")),
    (1700, Decimal("-0.00000000000000000000000000000000000001")),
    (1700, Decimal("1E+30")),
    (1700, Decimal("12345678.9")),
    (1700, Decimal("10000")),
    (1700, Decimal("Infinity")),
    (25, "hello wörld"),
    (25, ""),
    (1043, "varchar"),
    (1042, "bp  "),
    (19, "name"),
    (18, "c"),
    (114, '{"a": [1, 2.5, null, true]}'),
    (3802, '{"a": [1, 2.5, null, true], "b": "x"}'),
    (17, bytes(range(256))),
    (17, b""),
    (1082, dt.date(1, 1, 1)),
    (1082, dt.date(9999, 12, 31)),
    (1082, dt.date(2024, 2, 29)),
    (1083, dt.time(0, 0)),
    (1083, dt.time(23, 59, 59, 999999)),
    (1114, dt.datetime(1, 1, 1)),
    (1114, dt.datetime(9999, 12, 31, 23, 59, 59, 999999)),
    (1184, dt.datetime(2024, 3, 10, 7, 30, tzinfo=UTC)),
    (1184, dt.datetime(2024, 11, 3, 6, 30, 0, 1, tzinfo=UTC)),
    (1186, Interval(0, 0, 0)),
    (1186, Interval(-14, 3, -3600000001)),
    (1186, Interval(1, -1, 1)),
    (1186, Interval(0, -1, 7200000000)),
    (1186, Interval(0, 0, -1500000)),
    (1266, dt.time(0, 0, 0, 1, tzinfo=dt.timezone(-dt.timedelta(hours=15, minutes=59)))),
    (2206, 1270),
    (2950, uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
    (1007, [1, None, 3]),
    (1007, [None]),
    (1007, [[1, 2], [None, 4]]),
    (1009, ["a", "", None, "NULL", " x ", 'q"\\', "{,}"]),
    (1016, [2**63 - 1, None]),
    (1022, [1.5, None, math.inf]),
    (1231, [Decimal("1.5"), None, Decimal("-Infinity"), Decimal("-0.001")]),
    (1001, [b"\x00\\", None, b""]),
    (1182, [dt.date(2024, 1, 2), None]),
    (1183, [dt.time(1, 2, 3, 4)]),
    (1115, [dt.datetime(2024, 1, 2, 3, 4, 5, 6), None]),
    (1185, [dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)]),
    (1187, [Interval(1, 2, 3), None]),
    (2951, [uuid.UUID(int=5), None]),
    (199, ['{"a": 1}', None]),
    (3807, ['{"a": 1}', None]),
    (1000, [True, None, False]),
    (1005, [1, None]),
    (1021, [1.5, None]),
    (1015, ["x", None]),
    (1014, ["y", None]),
    (1028, [7, None]),
    (1003, ["n", None]),
    (1002, ["c", None]),
]


@pytest.mark.parametrize(("oid", "value"), ROUND_TRIPS)
def test_round_trip_text(oid: int, value: Any) -> None:
    for ctx in (CTX, NY):
        assert text_in(oid, text_out(oid, value, ctx), ctx) == value


@pytest.mark.parametrize(("oid", "value"), ROUND_TRIPS)
def test_round_trip_binary(oid: int, value: Any) -> None:
    assert T.decode_binary(oid, T.encode_binary(oid, value)) == value


def test_round_trip_negative_zero_keeps_sign() -> None:
    for oid in (700, 701):
        assert math.copysign(1.0, T.decode_binary(oid, T.encode_binary(oid, -0.0))) < 0
        assert math.copysign(1.0, text_in(oid, text_out(oid, -0.0))) < 0


def test_json_keeps_lone_surrogate_escape_but_jsonb_rejects_it() -> None:
    assert text_in(114, '"\\ud800"') == '"\\ud800"'
    with raises_sqlstate("22P02", "invalid input syntax for type json"):
        text_in(3802, '"\\ud800"')


def test_round_trip_nan() -> None:
    for oid in (700, 701):
        assert math.isnan(T.decode_binary(oid, T.encode_binary(oid, math.nan)))
        assert math.isnan(text_in(oid, text_out(oid, math.nan)))
    nan = T.encode_binary(1700, Decimal("NaN"))
    assert nan.hex() == "00000000c0000000"
    assert T.decode_binary(1700, nan).is_nan()


def test_float4_text_is_float32_rounded() -> None:
    for value in (0.1, 1 / 3, 16777217.0, 3.4028234663852886e38, 1e-45):
        rounded = struct.unpack("f", struct.pack("f", value))[0]
        assert text_in(700, text_out(700, value)) == rounded


def test_numeric_binary_scale_and_truncation() -> None:
    # dscale 1 hides the second fractional digit sent: PostgreSQL truncates it.
    data = struct.pack(">hhHHHH", 2, 0, 0, 1, 1, 2500)
    assert T.decode_binary(1700, data) == Decimal("1.2")
    assert T.decode_binary(1700, T.encode_binary(1700, Decimal("-0.000"))) == Decimal("0.000")


@pytest.mark.parametrize(
    ("oid", "data", "code", "message"),
    [
        # Short data is a protocol violation in PostgreSQL (pq_getmsg*), extra data 22P03.
        (23, b"\x00\x01", "08P01", "insufficient data left in message"),
        (23, b"\x00\x00\x00\x01\x00", "22P03", "incorrect binary data format"),
        (21, b"", "08P01", "insufficient data left in message"),
        (20, b"\x00" * 7, "08P01", None),
        (16, b"", "08P01", None),
        (701, b"\x00" * 4, "08P01", None),
        (2950, b"\x00" * 15, "08P01", None),
        (1186, b"\x00" * 15, "08P01", None),
        (1700, b"\x00\x01", "08P01", None),
        (
            1700,
            struct.pack(">hhHHH", 1, 0, 0x1234, 0, 1),
            "22P03",
            'invalid sign in external "numeric" value',
        ),
        (
            1700,
            struct.pack(">hhHHH", 1, 0, 0, 0, 10000),
            "22P03",
            'invalid digit in external "numeric" value',
        ),
        (3802, b"\x02[]", "22P03", "unsupported jsonb version number 2"),
        (3802, b"\x01{", "22P02", "invalid input syntax for type json"),
        (25, b"\xff", "22021", None),
        (
            1007,
            struct.pack(">iiI", 1, 0, 20) + struct.pack(">ii", 1, 1),
            "42804",
            "wrong element type",
        ),
        (1007, struct.pack(">iiI", 1, 2, 23), "22P03", "invalid array flags"),
        (
            1007,
            struct.pack(">iiI", 1, 0, 23) + struct.pack(">ii", 2, 1) + struct.pack(">ii", 4, 1),
            "08P01",
            "insufficient data left in message",
        ),
        (
            1007,
            struct.pack(">iiI", 1, 0, 23) + struct.pack(">ii", 1, 1) + struct.pack(">ii", 2, 1),
            "08P01",
            "insufficient data left in message",
        ),
        (
            1007,
            struct.pack(">iiI", 1, 0, 23)
            + struct.pack(">ii", 1, 1)
            + struct.pack(">i", 5)
            + b"\x00" * 5,
            "22P03",
            "improper binary format in array element 1",
        ),
        (1007, struct.pack(">iiI", 7, 0, 23), "54000", None),
        (1007, b"\x00", "08P01", "insufficient data left in message"),
        (1082, struct.pack(">i", 2**31 - 1), "0A000", None),
        (1114, struct.pack(">q", 2**63 - 1), "0A000", None),
        (1114, struct.pack(">q", 2**62), "22008", None),
    ],
)
def test_decode_binary_errors(oid: int, data: bytes, code: str, message: str | None) -> None:
    with raises_sqlstate(code, message):
        T.decode_binary(oid, data)


def test_unknown_oid_codecs() -> None:
    with raises_sqlstate("42704"):
        T.encode_text(424242, 1, CTX)
    with raises_sqlstate("42704"):
        T.decode_binary(424242, b"")
    with raises_sqlstate("0A000"):
        T.encode_text(2278, None, CTX)


# --- Interval helpers and python_type_oid ----------------------------------------------


def test_interval_timedelta_helpers() -> None:
    assert Interval.from_timedelta(dt.timedelta(hours=-1)) == Interval(0, 0, -3600 * 10**6)
    assert Interval.from_timedelta(dt.timedelta(hours=-25)) == Interval(0, -1, -3600 * 10**6)
    assert Interval.from_timedelta(dt.timedelta(days=1, seconds=1)) == Interval(0, 1, 10**6)
    assert Interval(1, 2, 3).to_timedelta() == dt.timedelta(days=32, microseconds=3)


@pytest.mark.parametrize(
    ("value", "oid"),
    [
        (True, 16),
        (1, 23),
        (2**31, 20),
        (2**63, 1700),
        (1.5, 701),
        (Decimal("1"), 1700),
        ("x", 25),
        (b"x", 17),
        (dt.date(2024, 1, 1), 1082),
        (dt.datetime(2024, 1, 1), 1114),
        (dt.datetime(2024, 1, 1, tzinfo=UTC), 1184),
        (dt.time(1, 2), 1083),
        (Interval(1, 2, 3), 1186),
        (dt.timedelta(1), 1186),
        (uuid.UUID(int=1), 2950),
        ([None, 1, 2**40], 1016),
        ([[None], ["a"]], 1009),
        ([None], 1009),
        ([dt.date(2024, 1, 1)], 1182),
    ],
)
def test_python_type_oid(value: Any, oid: int) -> None:
    assert T.python_type_oid(value) == oid


# --- Kuzu mapping ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kuzu_type", "pg_name"),
    [
        ("INT8", "int2"),
        ("INT16", "int2"),
        ("INT32", "int4"),
        ("INT64", "int8"),
        ("SERIAL", "int8"),
        ("UINT8", "int4"),
        ("UINT16", "int4"),
        ("UINT32", "int8"),
        ("UINT64", "numeric"),
        ("INT128", "numeric"),
        ("FLOAT", "float4"),
        ("DOUBLE", "float8"),
        ("DECIMAL(18, 3)", "numeric"),
        ("STRING", "text"),
        ("BLOB", "bytea"),
        ("BOOL", "bool"),
        ("DATE", "date"),
        ("TIMESTAMP", "timestamp"),
        ("TIMESTAMP_NS", "timestamp"),
        ("TIMESTAMP_MS", "timestamp"),
        ("TIMESTAMP_SEC", "timestamp"),
        ("TIMESTAMP_TZ", "timestamptz"),
        ("INTERVAL", "interval"),
        ("UUID", "uuid"),
        ("INT64[]", "_int8"),
        ("STRING[3]", "_text"),
        ("DECIMAL(5, 2)[]", "_numeric"),
        ("INT64[][]", "json"),
        ("STRUCT(a INT64)", "json"),
        ("STRUCT(a INT64)[]", "json"),
        ("MAP(STRING, INT64)", "json"),
        ("UNION(a INT64)", "json"),
        ("NODE", "json"),
        ("REL", "json"),
        ("RECURSIVE_REL", "json"),
    ],
)
def test_pg_type_for_kuzu(kuzu_type: str, pg_name: str) -> None:
    assert T.pg_type_for_kuzu(kuzu_type).name == pg_name


@pytest.mark.parametrize(
    ("oid", "kuzu_type"),
    [
        (21, "INT16"),
        (23, "INT32"),
        (20, "INT64"),
        (700, "FLOAT"),
        (701, "DOUBLE"),
        (1700, "DECIMAL(38, 10)"),
        (25, "STRING"),
        (1043, "STRING"),
        (3802, "STRING"),
        (17, "BLOB"),
        (16, "BOOL"),
        (1082, "DATE"),
        (1114, "TIMESTAMP"),
        (1184, "TIMESTAMP_TZ"),
        (1186, "INTERVAL"),
        (2950, "UUID"),
        (1007, "INT32[]"),
        (1009, "STRING[]"),
    ],
)
def test_kuzu_type_for_pg(oid: int, kuzu_type: str) -> None:
    assert T.kuzu_type_for_pg(oid) == kuzu_type


def test_kuzu_decimal_sizing() -> None:
    assert T.kuzu_type_for_pg(1700, Decimal("123.45")) == "DECIMAL(5, 2)"
    assert T.kuzu_type_for_pg(1700, Decimal("1E+40")) == "DOUBLE"
    assert T.kuzu_type_for_pg(1231, [Decimal("1.5"), Decimal("-22.125")]) == "DECIMAL(5, 3)[]"


def test_value_from_kuzu_without_database() -> None:
    node = {"_id": {"offset": 3, "table": 0}, "_label": "P", "id": 1, "d": Decimal("1.50")}
    assert T.value_from_kuzu("NODE", node) == '{"_id":"0:3","_label":"P","id":1,"d":1.50}'
    assert T.value_from_kuzu("INTERVAL", dt.timedelta(days=30)) == Interval(0, 30, 0)
    assert T.value_from_kuzu("UINT64", 2**64 - 1) == Decimal(2**64 - 1)
    assert T.value_from_kuzu("DOUBLE[]", [1.0, None]) == [1.0, None]
    assert T.value_from_kuzu("STRUCT(a DOUBLE)", {"a": math.nan}) == '{"a":"NaN"}'
    assert T.value_from_kuzu("INT64", None) is None


def test_kuzu_round_trip_through_database(tmp_path: Any) -> None:
    kuzu = pytest.importorskip("kuzu")
    conn = kuzu.Connection(kuzu.Database(str(tmp_path / "db")))
    conn.execute("CREATE NODE TABLE P(id INT64 PRIMARY KEY, name STRING)")
    conn.execute("CREATE REL TABLE K(FROM P TO P, w DOUBLE)")
    conn.execute("CREATE (:P {id: 1, name: 'a'})-[:K {w: 1.5}]->(:P {id: 2, name: 'b'})")
    result = conn.execute(
        "MATCH (a:P)-[k:K]->(b:P) RETURN a, k, CAST(1.5 AS DECIMAL(18, 3)) AS d, "
        "[1, 2] AS l, interval('1 month 2 days') AS i"
    )
    types = result.get_column_data_types()
    row = result.get_next()
    values = [T.value_from_kuzu(t, v) for t, v in zip(types, row, strict=True)]
    assert values[0] == '{"_id":"0:0","_label":"P","id":1,"name":"a"}'
    assert values[1] == '{"_src":"0:0","_dst":"0:1","_label":"K","_id":"1:0","w":1.5}'
    assert text_out(T.pg_type_for_kuzu(types[2]).oid, values[2]) == "1.500"
    assert text_out(T.pg_type_for_kuzu(types[3]).oid, values[3]) == "{1,2}"
    assert text_out(T.pg_type_for_kuzu(types[4]).oid, values[4]) == "32 days"

    params: list[tuple[int, Any]] = [
        (17, b"\x00\\ab\xff"),
        (1700, Decimal("1E+30")),
        (1700, Decimal("-12.340")),
        (1184, dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
        (1186, Interval(0, -1, -3600 * 10**6)),
        (1007, [1, None, 3]),
        (1001, [b"ab", None]),
        (2950, uuid.UUID(int=7)),
        (1082, dt.date(2024, 1, 2)),
    ]
    for oid, value in params:
        kuzu_type = T.kuzu_type_for_pg(oid, value)
        result = conn.execute(
            f"RETURN CAST($x AS {kuzu_type}) AS a", {"x": T.value_to_kuzu(oid, value)}
        )
        back = T.value_from_kuzu(result.get_column_data_types()[0], result.get_next()[0])
        assert back == value, (oid, value, back)


# --- differential check against a real PostgreSQL 15 server ------------------------------

PG_BIN = "/usr/lib/postgresql/15/bin"

DIFF_CASES: dict[str, list[str]] = {
    "int2": ["0", " 12 ", "-32768", "32768", "abc", "+5"],
    "int4": ["2147483647", "-2147483648", "99999999999", "abc"],
    "int8": ["9223372036854775807", "-9223372036854775808"],
    "oid": ["0", "4294967295", "-1", "4294967296"],
    "bool": ["t", "TRUE", "yes", "off", "o", "1", "tr", "x", "of"],
    "float8": [
        "1.5",
        "1e100",
        "-1e-100",
        "Infinity",
        "-inf",
        "NaN",
        "0.1",
        "-0",
        "1e15",
        "1e14",
        "123456789012345678",
        "5e-324",
        "1e400",
        "abc",
        "0.00001",
    ],
    "float4": ["1.5", "1234567", "123456", "0.1", "3.4028235e38", "1e40", "1e-45", "-0"],
    "numeric": [
        "0",
        "1.50",
        "-0.000",
        "1e2",
        "1.5e1",
        "NaN",
        "Infinity",
        "-Infinity",
        "123456789012345678901234567890.123456789",
        "1e-20",
        "x",
        "99990000",
    ],
    "bytea": ["\\x0a0b", "\\x", "abc", "a\\\\b", "\\001\\377", "\\xzz", "\\x1", "\\q"],
    "text": ["hello", "", "ünï"],
    "name": ["x" * 70],
    "date": ["2024-01-02", "0001-01-01", "9999-12-31", "2024-13-01", "2024-02-30", "x"],
    "time": ["03:04:05", "03:04:05.1234567", "25:00", "12:30:60", "x"],
    "timestamp": [
        "2024-01-02 03:04:05",
        "2024-01-02T03:04:05.5",
        "2024-01-02 24:00:00",
        "2024-01-02 03:04:05+02",
        "9999-12-31 23:59:59.999999",
        "x",
    ],
    "timestamptz": [
        "2024-01-02 03:04:05.5+00",
        "2024-01-02 03:04:05+05:30",
        "2024-01-02T03:04:05Z",
        "2024-03-10 02:30:00",
        "2024-11-03 01:30:00",
        "2024-07-01 12:00:00",
        "x",
    ],
    "interval": [
        "1 year 2 mons 3 days 04:05:06.5",
        "-1 days",
        "0",
        "1 day -01:00:00",
        "P1Y2M",
        "1.5 days",
        "1.5 months",
        "1.5 years",
        "1.5 weeks",
        "-1 mons +2 days",
        "@ 1 hour ago",
        "1-2",
        "P1DT2H3M4.5S",
        "-13 months",
        "1 year -2 mons",
        "100:00:00",
        "x",
        "1 foo",
        "ago 1 day",
        "1 day, 2 hours",
        "1 12:00",
        "10:30.5",
        "1-2 3 years",
        "1.01 years",
        "1 day 1 day",
        "1:60",
        "1:59:60",
    ],
    "timetz": ["10:00+02", "23:59:59.5-03:30", "2024-01-02 10:00:00 -03:30", "x"],
    "regtype": ["integer", "int4[]", "23", "character varying", "foo"],
    "uuid": [
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
        "x",
    ],
    "json": ['{"a": 1}', "{a", '"\\ud800"'],
    "jsonb": [
        '{"b": [1, 2], "a": 1}',
        '{"aa":1,"b":2,"a":3,"a":4}',
        "[1.50, 1e2, -0]",
        '"\\u0000"',
        '"\\ud800"',
        '{"é":1,"e":2,"ab":3}',
        '"x\\n\\u0001"',
    ],
    "int[]": ["{1,2,NULL}", "{}", "{{1,2},{3,4}}", "{1,,2}", "{1"],
    "text[]": ['{a,"b c","",NULL,"NULL","x\\"y","a\\\\b"}', "{ a b , c }"],
    "bytea[]": ['{"\\\\x0a0b",NULL}'],
    "numeric[]": ["{1.5,NaN,-3}"],
    "interval[]": ['{"1 day","-01:00:00"}'],
    "timestamptz[]": ['{"2024-01-02 03:04:05+02"}'],
    "jsonb[]": ['{"{\\"b\\":1,\\"a\\":2}"}'],
}


@pytest.fixture(scope="module")
def postgres() -> Iterator[Any]:
    """A throwaway PostgreSQL 15 cluster on a free port (needs root to run as postgres)."""
    psycopg = pytest.importorskip("psycopg")
    if not os.path.exists(f"{PG_BIN}/initdb") or os.geteuid() != 0:
        pytest.skip("PostgreSQL 15 binaries or root (to su postgres) not available")
    workdir = tempfile.mkdtemp(prefix="kuzugres-types-pg-")
    shutil.chown(workdir, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = f"{workdir}/data"
    start = (
        f"{PG_BIN}/initdb -D {data} -A trust -U postgres --no-sync -E UTF8 --locale=C "
        f"> {workdir}/initdb.log 2>&1 && {PG_BIN}/pg_ctl -D {data} -w -l {workdir}/log "
        f"-o \"-p {port} -k {workdir} -c listen_addresses='' -c fsync=off\" start"
    )
    subprocess.run(["su", "postgres", "-c", start], check=True, capture_output=True)
    try:
        conn = psycopg.connect(host=workdir, port=port, user="postgres", autocommit=True)
        yield conn
        conn.close()
    finally:
        subprocess.run(
            ["su", "postgres", "-c", f"{PG_BIN}/pg_ctl -D {data} -m immediate stop"],
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.slow
def test_matches_real_postgresql_15(postgres: Any) -> None:
    """Differential check: our codecs against PostgreSQL 15's own output, text and binary."""
    import psycopg
    from psycopg.adapt import Loader
    from psycopg.pq import Format

    class RawText(Loader):
        def load(self, data: Any) -> bytes:
            return bytes(data)

    class RawBinary(Loader):
        format = Format.BINARY

        def load(self, data: Any) -> bytes:
            return bytes(data)

    for oid in T.TYPES_BY_OID:
        postgres.adapters.register_loader(oid, RawText)
        postgres.adapters.register_loader(oid, RawBinary)
    ctx = FormatContext(timezone="America/New_York")
    postgres.execute("SET timezone = 'America/New_York'")
    failures: list[str] = []
    for type_name, literals in DIFF_CASES.items():
        oid = T.type_by_name(type_name).oid
        for literal in literals:
            query = f"SELECT %s::{type_name}"
            try:
                pg_text = postgres.execute(query, (literal,)).fetchone()[0]
                pg_binary = postgres.cursor(binary=True).execute(query, (literal,)).fetchone()[0]
            except psycopg.Error as exc:
                try:
                    T.decode_text(oid, literal.encode(), ctx)
                    failures.append(f"{type_name} {literal!r}: PG raised, we accepted")
                except PgError as ours:
                    if (ours.code, ours.message) != (exc.sqlstate, exc.diag.message_primary):
                        failures.append(f"{type_name} {literal!r}: {ours.code} {ours.message}")
                continue
            value = T.decode_text(oid, literal.encode(), ctx)
            checks = {
                "text": (T.encode_text(oid, value, ctx), pg_text),
                "binary": (T.encode_binary(oid, value), pg_binary),
                "recv": (T.encode_text(oid, T.decode_binary(oid, pg_binary), ctx), pg_text),
            }
            for what, (ours_bytes, theirs) in checks.items():
                if ours_bytes != theirs:
                    failures.append(f"{type_name} {literal!r} {what}: {ours_bytes!r} != {theirs!r}")
    assert not failures, "\n".join(failures)
