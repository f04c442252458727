"""String, JSON, math and array functions of PostgreSQL 15.

Registered into expr.py's `_FUNCTIONS`/`_OPERATORS` tables on import (expr.py
imports this module at its end).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import hashlib
import json
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pglast import keywords

from kuzugres.errcodes import DivisionByZero, FeatureNotSupported, InvalidParameterValue
from kuzugres.errors import make_error
from kuzugres.proxy.types import (
    ANY,
    ANYARRAY,
    ANYELEMENT,
    BOOL,
    BYTEA,
    DATE,
    FLOAT4,
    FLOAT8,
    INT2,
    INT4,
    INT8,
    JSON,
    JSONB,
    NAME,
    NUMERIC,
    TEXT,
    TIME,
    TIMESTAMP,
    TIMESTAMPTZ,
    TIMETZ,
    dump_jsonb,
    parse_json,
)

from .expr import (
    _DEC,
    _SPECIAL_FUNCTIONS,
    AggBuilder,
    Expr,
    _AggImpl,
    _aggregate,
    _as_text,
    _Call,
    _check_float,
    _check_int,
    _Compiler,
    _dims,
    _dscale,
    _elem,
    _Env,
    _flatten,
    _function,
    _is_array,
    _numeric_div,
    _operator,
    _round_numeric,
    _simple,
    _to_text,
)

TEXT_ARRAY = 1009

# ---------------------------------------------------------------------------
# Set-returning functions in expressions are not supported.

_SRFS = (
    "regexp_matches",
    "json_object_keys",
    "jsonb_object_keys",
    "json_array_elements",
    "jsonb_array_elements",
    "json_array_elements_text",
    "jsonb_array_elements_text",
    "json_each",
    "jsonb_each",
    "json_each_text",
    "jsonb_each_text",
    "generate_series",
    "unnest",
    "regexp_split_to_table",
    "generate_subscripts",
    "pg_partition_ancestors",
)


def _srf(name: str) -> Callable[[_Compiler, list[Expr], int], Expr | None]:
    def compile_srf(c: _Compiler, args: list[Expr], location: int | None) -> Expr | None:
        raise c.unsupported(f"set-returning function {name}()", location)

    return compile_srf


for _n in _SRFS:
    if _n not in _SPECIAL_FUNCTIONS:
        _SPECIAL_FUNCTIONS[_n] = _srf(_n)


# ---------------------------------------------------------------------------
# Strings

_ALL_KEYWORDS = (
    frozenset(keywords.RESERVED_KEYWORDS)
    | frozenset(keywords.COL_NAME_KEYWORDS)
    | frozenset(keywords.TYPE_FUNC_NAME_KEYWORDS)
)


def _quote_ident(s: str) -> str:
    if re.fullmatch(r"[a-z_][a-z0-9_]*", s) and s not in _ALL_KEYWORDS:
        return s
    return '"' + s.replace('"', '""') + '"'


def _quote_literal(s: str) -> str:
    body = s.replace("'", "''")
    if "\\" in s:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


_function("quote_ident", (TEXT,), TEXT, _simple(_quote_ident))
_function("quote_literal", (TEXT,), TEXT, _simple(_quote_literal))
_function(
    "quote_literal",
    (ANYELEMENT,),
    TEXT,
    lambda call, v: _quote_literal(_as_text(call.arg_types[0], v, call.env)),
)
_function(
    "quote_nullable",
    (TEXT,),
    TEXT,
    _simple(lambda s: "NULL" if s is None else _quote_literal(s)),
    strict=False,
)
_function(
    "quote_nullable",
    (ANYELEMENT,),
    TEXT,
    lambda call, v: (
        "NULL" if v is None else _quote_literal(_as_text(call.arg_types[0], v, call.env))
    ),
    strict=False,
)

_FORMAT_RE = re.compile(r"%(?:(\d+)\$)?(-)?(\d+)?(.)?", re.S)


def _format(call: _Call, fmt: str | None, *values: Any) -> str | None:
    if fmt is None:
        return None
    types = call.arg_types[1:]
    out: list[str] = []
    pos = 0
    next_arg = 0
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        m = _FORMAT_RE.match(fmt, i)
        assert m is not None
        argno, minus, width, conv = m.groups()
        if conv is None:
            raise InvalidParameterValue("unterminated format() type specifier", hint=None)
        if conv == "%" and argno is None and minus is None and width is None:
            out.append("%")
            i = m.end()
            continue
        if conv not in "sIL":
            raise InvalidParameterValue(f'unrecognized format() type specifier "{conv}"', hint=None)
        if argno is not None:
            idx = int(argno) - 1
            if idx < 0:
                raise InvalidParameterValue(
                    "format specifies argument 0, but arguments are numbered from 1"
                )
        else:
            idx = next_arg
        next_arg = idx + 1
        if idx >= len(values):
            raise InvalidParameterValue("too few arguments for format()")
        v, t = values[idx], types[idx]
        if conv == "s":
            text = "" if v is None else _as_text(t, v, call.env)
        elif conv == "I":
            if v is None:
                raise make_error("22004", "null values cannot be formatted as an SQL identifier")
            text = _quote_ident(_as_text(t, v, call.env))
        else:
            text = "NULL" if v is None else _quote_literal(_as_text(t, v, call.env))
        if width is not None:
            w = int(width)
            text = text.ljust(w) if minus else text.rjust(w)
        out.append(text)
        i = m.end()
        pos += 1
    return "".join(out)


_function("format", (TEXT,), TEXT, lambda call, f: _format(call, f), strict=False)
_function("format", (TEXT, ANY), TEXT, _format, strict=False, variadic=True)


def _encode(data: bytes, fmt: str) -> str:
    f = fmt.lower()
    if f == "hex":
        return data.hex()
    if f == "base64":
        text = base64.b64encode(data).decode()
        return "\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    if f == "escape":
        out = []
        for b in data:
            if b == 0x5C:
                out.append("\\\\")
            elif b == 0 or b >= 0x80:
                out.append(f"\\{b:03o}")
            else:
                out.append(chr(b))
        return "".join(out)
    raise InvalidParameterValue(f'unrecognized encoding: "{fmt}"')


def _decode(text: str, fmt: str) -> bytes:
    f = fmt.lower()
    if f == "hex":
        clean = re.sub(r"[ \t\n\r]", "", text)
        for ch in clean:
            if ch not in "0123456789abcdefABCDEF":
                raise InvalidParameterValue(f'invalid hexadecimal digit: "{ch}"')
        if len(clean) % 2:
            raise InvalidParameterValue("invalid hexadecimal data: odd number of digits")
        return bytes.fromhex(clean)
    if f == "base64":
        clean = re.sub(r"[ \t\n\r]", "", text)
        try:
            return base64.b64decode(clean, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidParameterValue("invalid base64 end sequence") from None
    if f == "escape":
        out = bytearray()
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\\":
                if text[i + 1 : i + 2] == "\\":
                    out.append(0x5C)
                    i += 2
                    continue
                octal = text[i + 1 : i + 4]
                if re.fullmatch(r"[0-3][0-7][0-7]", octal):
                    out.append(int(octal, 8))
                    i += 4
                    continue
                raise make_error("22P02", "invalid input syntax for type bytea")
            out.extend(ch.encode())
            i += 1
        return bytes(out)
    raise InvalidParameterValue(f'unrecognized encoding: "{fmt}"')


_function("encode", (BYTEA, TEXT), TEXT, _simple(_encode))
_function("decode", (TEXT, TEXT), BYTEA, _simple(_decode))
_function("bit_length", (BYTEA,), INT4, _simple(lambda b: 8 * len(b)))
for _alg in ("sha224", "sha256", "sha384", "sha512"):
    _function(_alg, (BYTEA,), BYTEA, _simple(lambda b, _alg=_alg: hashlib.new(_alg, b).digest()))

_UTF8_NAMES = ("utf8", "utf-8", "unicode")


def _convert_from(data: bytes, enc: str) -> str:
    if enc.lower() not in _UTF8_NAMES + ("sql_ascii", "latin1"):
        raise InvalidParameterValue(f'invalid source encoding name "{enc}"')
    if enc.lower() == "latin1":
        return data.decode("latin-1")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1]
        raise make_error(
            "22021", f'invalid byte sequence for encoding "UTF8": 0x{bad.hex()}'
        ) from None
    if "\x00" in text:
        raise make_error("22021", 'invalid byte sequence for encoding "UTF8": 0x00')
    return text


def _convert_to(text: str, enc: str) -> bytes:
    if enc.lower() not in _UTF8_NAMES + ("sql_ascii", "latin1"):
        raise InvalidParameterValue(f'invalid destination encoding name "{enc}"')
    if enc.lower() == "latin1":
        try:
            return text.encode("latin-1")
        except UnicodeEncodeError as exc:
            ch = text[exc.start].encode()
            raise make_error(
                "22P05",
                f'character with byte sequence {" ".join(f"0x{b:02x}" for b in ch)} in encoding "UTF8" has no equivalent in encoding "LATIN1"',
            ) from None
    return text.encode()


_function("convert_from", (BYTEA, NAME), TEXT, _simple(_convert_from))
_function("convert_to", (TEXT, NAME), BYTEA, _simple(_convert_to))


def _chr(n: int) -> str:
    if n == 0:
        raise make_error("54000", "null character not permitted")
    if n < 0:
        raise make_error("54000", "character number must be positive")
    if n > 0x10FFFF or 0xD800 <= n <= 0xDFFF:
        raise make_error("54000", f"requested character too large for encoding: {n}")
    return chr(n)


_function("chr", (INT4,), TEXT, _simple(_chr))


def _translate(s: str, frm: str, to: str) -> str:
    table: dict[int, int | None] = {}
    for i, ch in enumerate(frm):
        if ord(ch) in table:
            continue
        table[ord(ch)] = ord(to[i]) if i < len(to) else None
    return s.translate(table)


_function("translate", (TEXT, TEXT, TEXT), TEXT, _simple(_translate))


def _overlay(s: Any, repl: Any, start: int, count: int | None = None) -> Any:
    if count is None:
        count = len(repl)
    if start <= 0:
        raise make_error("22011", "negative substring length not allowed")
    if count < 0:
        raise make_error("22011", "negative substring length not allowed")
    return s[: start - 1] + repl + s[start - 1 + count :]


_function("overlay", (TEXT, TEXT, INT4), TEXT, _simple(_overlay))
_function("overlay", (TEXT, TEXT, INT4, INT4), TEXT, _simple(_overlay))
_function("overlay", (BYTEA, BYTEA, INT4), BYTEA, _simple(_overlay))
_function("overlay", (BYTEA, BYTEA, INT4, INT4), BYTEA, _simple(_overlay))


# --- regular expressions (Python's re for PostgreSQL's ARE, common subset)


def _regex_flags(flags: str, fname: str) -> tuple[int, bool]:
    f = 0
    glob = False
    for ch in flags:
        if ch == "g":
            glob = True
        elif ch == "i":
            f |= re.I
        elif ch == "c":
            f &= ~re.I
        elif ch in ("n", "m"):
            f |= re.M
        elif ch == "s":
            f &= ~re.M
        elif ch == "x":
            f |= re.X
        elif ch in ("p", "w", "q", "b", "e"):
            pass
        else:
            raise InvalidParameterValue(f'invalid regular expression option: "{ch}"')
    return f | (0 if f & re.M else re.S), glob


def _compile_re(pattern: str, flags: int) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise make_error("2201B", f"invalid regular expression: {exc}") from None


def _pg_replacement(rep: str) -> Callable[[re.Match[str]], str]:
    def expand(m: re.Match[str]) -> str:
        out: list[str] = []
        i = 0
        while i < len(rep):
            ch = rep[i]
            if ch == "\\" and i + 1 < len(rep):
                nxt = rep[i + 1]
                if nxt.isdigit() and nxt != "0":
                    g = int(nxt)
                    if g <= (m.re.groups or 0):
                        out.append(m.group(g) or "")
                    i += 2
                    continue
                if nxt == "&":
                    out.append(m.group(0))
                    i += 2
                    continue
                if nxt == "\\":
                    out.append("\\")
                    i += 2
                    continue
            out.append(ch)
            i += 1
        return "".join(out)

    return expand


def _regexp_replace(s: str, pattern: str, rep: str, flags: str = "") -> str:
    f, glob = _regex_flags(flags, "regexp_replace")
    rx = _compile_re(pattern, f)
    return rx.sub(_pg_replacement(rep), s, count=0 if glob else 1)


_function("regexp_replace", (TEXT, TEXT, TEXT), TEXT, _simple(_regexp_replace))
_function("regexp_replace", (TEXT, TEXT, TEXT, TEXT), TEXT, _simple(_regexp_replace))


def _regexp_match(s: str, pattern: str, flags: str = "") -> list[Any] | None:
    f, glob = _regex_flags(flags, "regexp_match")
    if glob:
        raise InvalidParameterValue(
            'regexp_match() does not support the "global" option',
            hint="Use the regexp_matches function instead.",
        )
    m = _compile_re(pattern, f).search(s)
    if m is None:
        return None
    return list(m.groups()) if m.re.groups else [m.group(0)]


_function("regexp_match", (TEXT, TEXT), TEXT_ARRAY, _simple(_regexp_match))
_function("regexp_match", (TEXT, TEXT, TEXT), TEXT_ARRAY, _simple(_regexp_match))


def _regexp_split(s: str, pattern: str, flags: str = "") -> list[str]:
    f, glob = _regex_flags(flags, "regexp_split_to_array")
    if glob:
        raise InvalidParameterValue('regexp_split_to_array() does not support the "global" option')
    rx = _compile_re(pattern, f)
    out: list[str] = []
    start = 0
    search_at = 0
    while search_at <= len(s):
        m = rx.search(s, search_at)
        if m is None:
            break
        if m.start() == m.end() and (m.start() in (0, len(s)) or m.start() == start):
            # Degenerate (empty) matches at either end or right after a match are skipped.
            search_at = m.start() + 1
            continue
        out.append(s[start : m.start()])
        start = m.end()
        search_at = m.end() if m.end() > m.start() else m.end() + 1
    out.append(s[start:])
    return out


_function("regexp_split_to_array", (TEXT, TEXT), TEXT_ARRAY, _simple(_regexp_split))
_function("regexp_split_to_array", (TEXT, TEXT, TEXT), TEXT_ARRAY, _simple(_regexp_split))


def _string_to_array(s: str | None, sep: str | None, null: str | None = None) -> list[Any] | None:
    if s is None:
        return None
    if s == "":
        return []
    parts = list(s) if sep is None else (s.split(sep) if sep else [s])
    return [None if null is not None and p == null else p for p in parts]


_function("string_to_array", (TEXT, TEXT), TEXT_ARRAY, _simple(_string_to_array), strict=False)
_function(
    "string_to_array", (TEXT, TEXT, TEXT), TEXT_ARRAY, _simple(_string_to_array), strict=False
)


# ---------------------------------------------------------------------------
# JSON


def _jv(doc: str) -> Any:
    return parse_json(doc)


def _path_get(value: Any, path: list[Any]) -> tuple[bool, Any]:
    cur = value
    for key in path:
        if key is None:
            return False, None
        if isinstance(cur, dict):
            if key not in cur:
                return False, None
            cur = cur[key]
        elif isinstance(cur, list):
            try:
                idx = int(key)
            except ValueError:
                return False, None
            if idx < 0:
                idx += len(cur)
            if not 0 <= idx < len(cur):
                return False, None
            cur = cur[idx]
        else:
            return False, None
    return True, cur


def _json_out(item: Any, out_json: bool) -> str:
    return _dump_json(_rawify(item), False, ", ", ", ", ": ") if out_json else dump_jsonb(item)


def _path_op(as_text: bool, out_json: bool) -> Callable[..., Any]:
    def run(call: _Call, doc: str, path: list[Any]) -> Any:
        value = _jv(doc)
        if not path and not as_text:
            return doc if out_json else dump_jsonb(value)
        ok, item = _path_get(value, path)
        if not ok:
            return None
        if as_text:
            if item is None:
                return None
            return item if isinstance(item, str) else _json_out(item, out_json)
        return _json_out(item, out_json)

    return run


def _variadic_path(f: Callable[..., Any]) -> Callable[..., Any]:
    return lambda call, doc, *path: f(call, doc, list(path))


for _t in (JSONB, JSON):
    _operator("#>", (_t, TEXT_ARRAY), _t, _path_op(False, _t == JSON))
    _operator("#>>", (_t, TEXT_ARRAY), TEXT, _path_op(True, _t == JSON))
    _function(
        "json_extract_path" if _t == JSON else "jsonb_extract_path",
        (_t, TEXT),
        _t,
        _variadic_path(_path_op(False, _t == JSON)),
        variadic=True,
    )
    _function(
        "json_extract_path_text" if _t == JSON else "jsonb_extract_path_text",
        (_t, TEXT),
        TEXT,
        _variadic_path(_path_op(True, _t == JSON)),
        variadic=True,
    )


def _has_any(doc: str, keys: list[Any]) -> bool:
    from .expr import _jsonb_has

    v = _jv(doc)
    return any(k is not None and _jsonb_has(v, k) for k in keys)


def _has_all(doc: str, keys: list[Any]) -> bool:
    from .expr import _jsonb_has

    v = _jv(doc)
    return all(k is None or _jsonb_has(v, k) for k in keys)


_operator("?|", (JSONB, TEXT_ARRAY), BOOL, _simple(_has_any))
_operator("?&", (JSONB, TEXT_ARRAY), BOOL, _simple(_has_all))


def _scalar_error(op: str) -> Exception:
    return InvalidParameterValue(f"cannot {op} from scalar")


def _jsonb_delete_key(doc: str, key: str) -> str:
    v = _jv(doc)
    if isinstance(v, dict):
        return dump_jsonb({k: x for k, x in v.items() if k != key})
    if isinstance(v, list):
        return dump_jsonb([x for x in v if x != key or not isinstance(x, str)])
    raise _scalar_error("delete")


def _jsonb_delete_keys(doc: str, keys: list[Any]) -> str:
    for k in keys:
        if k is not None:
            doc = _jsonb_delete_key(doc, k)
    v = _jv(doc)
    if not isinstance(v, dict | list):
        raise _scalar_error("delete")
    return doc if keys else dump_jsonb(v)


def _jsonb_delete_index(doc: str, idx: int) -> str:
    v = _jv(doc)
    if isinstance(v, dict):
        raise InvalidParameterValue("cannot delete from object using integer index")
    if not isinstance(v, list):
        raise _scalar_error("delete")
    i = idx + len(v) if idx < 0 else idx
    if 0 <= i < len(v):
        del v[i]
    return dump_jsonb(v)


def _path_index(key: str, position: int) -> int:
    try:
        return int(key)
    except ValueError:
        raise InvalidParameterValue(
            f'path element at position {position} is not an integer: "{key}"'
        ) from None


def _jsonb_delete_path(doc: str, path: list[Any]) -> str:
    v = _jv(doc)
    if not isinstance(v, dict | list):
        raise InvalidParameterValue("cannot delete path in scalar")
    if not path:
        return dump_jsonb(v)
    cur = v
    for n, key in enumerate(path):
        if key is None:
            raise InvalidParameterValue(f"path element at position {n + 1} is null")
        last = n == len(path) - 1
        if isinstance(cur, dict):
            if key not in cur:
                break
            if last:
                del cur[key]
            else:
                cur = cur[key]
        elif isinstance(cur, list):
            i = _path_index(key, n + 1)
            i = i + len(cur) if i < 0 else i
            if not 0 <= i < len(cur):
                break
            if last:
                del cur[i]
            else:
                cur = cur[i]
        else:
            break
    return dump_jsonb(v)


_operator("-", (JSONB, TEXT), JSONB, _simple(_jsonb_delete_key))
_operator("-", (JSONB, TEXT_ARRAY), JSONB, _simple(_jsonb_delete_keys))
_operator("-", (JSONB, INT4), JSONB, _simple(_jsonb_delete_index))
_operator("#-", (JSONB, TEXT_ARRAY), JSONB, _simple(_jsonb_delete_path))


def _to_py(call_env: _Env, oid: int, v: Any, binary: bool) -> Any:
    """A SQL value as the JSON value to_json/to_jsonb make of it (raw JSON marked)."""
    if v is None:
        return None
    if oid in (JSON, JSONB):
        return _Raw(v if oid == JSON and not binary else dump_jsonb(_jv(v)))
    if oid == BOOL:
        return bool(v)
    if oid in (INT2, INT4, INT8):
        return _Raw(str(v))
    if oid in (NUMERIC, FLOAT4, FLOAT8):
        text = _to_text(oid, v, call_env.fmt)
        if text in ("NaN", "Infinity", "-Infinity"):
            return text
        return _Raw(text if oid != NUMERIC or binary else text)
    if oid == DATE:
        return v.isoformat()
    if oid == TIMESTAMP:
        return _iso_ts(v)
    if oid == TIMESTAMPTZ:
        local = v.astimezone(call_env.tz)
        off = local.utcoffset() or dt.timedelta()
        return _iso_ts(local.replace(tzinfo=None)) + _iso_offset(off)
    if oid == TIME:
        return _to_text(oid, v, call_env.fmt)
    if oid == TIMETZ:
        return _to_text(oid, v, call_env.fmt)
    if _is_array(oid):
        elem = _elem(oid)
        return [
            _to_py(call_env, elem, x, binary)
            if not isinstance(x, list)
            else _to_py(call_env, oid, x, binary)
            for x in v
        ]
    return _as_text(oid, v, call_env)


def _iso_ts(v: dt.datetime) -> str:
    text = v.strftime("%Y-%m-%dT%H:%M:%S")
    if v.microsecond:
        text += f".{v.microsecond:06d}".rstrip("0")
    return text


def _iso_offset(off: dt.timedelta) -> str:
    secs = int(off.total_seconds())
    sign = "-" if secs < 0 else "+"
    h, rem = divmod(abs(secs), 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


class _Raw(str):
    """JSON text to splice in as is."""


def _dump_json(
    v: Any, binary: bool, array_sep: str = ",", obj_sep: str = ", ", kv: str = ":"
) -> str:
    if binary:
        return dump_jsonb(_parse_raw(v))
    if isinstance(v, _Raw):
        return str(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + array_sep.join(_dump_json(x, binary, array_sep, obj_sep, kv) for x in v) + "]"
    if isinstance(v, dict):
        return (
            "{"
            + obj_sep.join(
                json.dumps(k, ensure_ascii=False)
                + kv
                + _dump_json(x, binary, array_sep, obj_sep, kv)
                for k, x in v.items()
            )
            + "}"
        )
    return str(v)


def _parse_raw(v: Any) -> Any:
    if isinstance(v, _Raw):
        return _jv(str(v))
    if isinstance(v, list):
        return [_parse_raw(x) for x in v]
    if isinstance(v, dict):
        return {k: _parse_raw(x) for k, x in v.items()}
    return v


def _to_json_impl(binary: bool) -> Callable[..., Any]:
    def run(call: _Call, v: Any) -> str:
        return _dump_json(_to_py(call.env, call.arg_types[0], v, binary), binary)

    return run


_function("to_jsonb", (ANYELEMENT,), JSONB, _to_json_impl(True))
_function("to_json", (ANYELEMENT,), JSON, _to_json_impl(False))
_function("array_to_json", (ANYARRAY,), JSON, _to_json_impl(False))


def _build_object(binary: bool) -> Callable[..., Any]:
    name = "jsonb_build_object" if binary else "json_build_object"

    def run(call: _Call, *values: Any) -> str:
        if len(values) % 2:
            raise InvalidParameterValue(
                "argument list must have even number of elements",
                hint=f"The arguments of {name}() must consist of alternating keys and values.",
            )
        obj: dict[str, Any] = {}
        parts = []
        for i in range(0, len(values), 2):
            k, v = values[i], values[i + 1]
            if k is None:
                raise InvalidParameterValue(f"argument {i + 1}: key must not be null")
            kt = call.arg_types[i]
            key = _as_text(kt, k, call.env) if kt not in (BOOL,) else ("true" if k else "false")
            val = _to_py(call.env, call.arg_types[i + 1], v, binary)
            obj[key] = val
            parts.append(json.dumps(key, ensure_ascii=False) + " : " + _dump_json(val, False))
        if binary:
            return dump_jsonb(_parse_raw(obj))
        return "{" + ", ".join(parts) + "}"

    return run


def _build_array(binary: bool) -> Callable[..., Any]:
    def run(call: _Call, *values: Any) -> str:
        items = [
            _to_py(call.env, t, v, binary) for t, v in zip(call.arg_types, values, strict=True)
        ]
        if binary:
            return dump_jsonb(_parse_raw(items))
        return "[" + ", ".join(_dump_json(x, False) for x in items) + "]"

    return run


for _b, _r in ((True, JSONB), (False, JSON)):
    _pre = "jsonb" if _b else "json"
    _function(f"{_pre}_build_object", (), _r, lambda call: "{}")
    _function(f"{_pre}_build_object", (ANY,), _r, _build_object(_b), strict=False, variadic=True)
    _function(f"{_pre}_build_array", (), _r, lambda call: "[]")
    _function(f"{_pre}_build_array", (ANY,), _r, _build_array(_b), strict=False, variadic=True)


def _array_length(doc: str) -> int:
    v = _jv(doc)
    if isinstance(v, list):
        return len(v)
    if isinstance(v, dict):
        raise InvalidParameterValue("cannot get array length of a non-array")
    raise InvalidParameterValue("cannot get array length of a scalar")


_function("jsonb_array_length", (JSONB,), INT4, _simple(_array_length))
_function("json_array_length", (JSON,), INT4, _simple(_array_length))


def _strip_nulls(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_strip_nulls(x) for x in v]
    return v


_function("jsonb_strip_nulls", (JSONB,), JSONB, _simple(lambda d: dump_jsonb(_strip_nulls(_jv(d)))))
_function(
    "json_strip_nulls",
    (JSON,),
    JSON,
    _simple(lambda d: _dump_json(_strip_nulls(_rawify(_jv(d))), False)),
)


def _rawify(v: Any) -> Any:
    if isinstance(v, Decimal):
        return _Raw(str(v))
    if isinstance(v, list):
        return [_rawify(x) for x in v]
    if isinstance(v, dict):
        return {k: _rawify(x) for k, x in v.items()}
    return v


def _pretty(v: Any, indent: int) -> str:
    pad = "    " * (indent + 1)
    end = "    " * indent
    if isinstance(v, dict):
        if not v:
            return "{\n" + end + "}"
        items = [
            pad + json.dumps(k, ensure_ascii=False) + ": " + _pretty(x, indent + 1)
            for k, x in _jv(dump_jsonb(v)).items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(v, list):
        if not v:
            return "[\n" + end + "]"
        return "[\n" + ",\n".join(pad + _pretty(x, indent + 1) for x in v) + "\n" + end + "]"
    return dump_jsonb(v)


_function("jsonb_pretty", (JSONB,), TEXT, _simple(lambda d: _pretty(_jv(d), 0)))


def _jsonb_set(
    doc: str,
    path: list[Any],
    new: str,
    create: bool = True,
    insert: bool = False,
    after: bool = False,
) -> str:
    root = _jv(doc)
    newv = _jv(new)
    fname = "jsonb_insert" if insert else "jsonb_set"
    if not isinstance(root, dict | list):
        raise InvalidParameterValue("cannot set path in scalar")
    if not path:
        return dump_jsonb(root)
    cur = root
    for n, key in enumerate(path):
        if key is None:
            raise InvalidParameterValue(f"path element at position {n + 1} is null")
        last = n == len(path) - 1
        if isinstance(cur, dict):
            if last:
                if insert and key in cur:
                    raise InvalidParameterValue(
                        "cannot replace existing key",
                        hint="Try using the function jsonb_set to replace key value.",
                    )
                if key in cur or create or insert:
                    cur[key] = newv
            elif key in cur:
                cur = cur[key]
            else:
                break
        elif isinstance(cur, list):
            i = _path_index(key, n + 1)
            size = len(cur)
            if i < 0:
                i += size
                if i < 0:
                    if last and (create or insert):
                        cur.insert(0, newv)
                    break
            if last:
                if insert:
                    cur.insert(min(i + (1 if after else 0), size), newv)
                elif i < size:
                    cur[i] = newv
                elif create:
                    cur.append(newv)
            elif i < size:
                cur = cur[i]
            else:
                break
        else:
            break
    del fname
    return dump_jsonb(root)


_function("jsonb_set", (JSONB, TEXT_ARRAY, JSONB), JSONB, _simple(_jsonb_set))
_function(
    "jsonb_set",
    (JSONB, TEXT_ARRAY, JSONB, BOOL),
    JSONB,
    _simple(lambda d, p, n, c: _jsonb_set(d, p, n, c)),
)
_function(
    "jsonb_insert",
    (JSONB, TEXT_ARRAY, JSONB),
    JSONB,
    _simple(lambda d, p, n: _jsonb_set(d, p, n, True, True)),
)
_function(
    "jsonb_insert",
    (JSONB, TEXT_ARRAY, JSONB, BOOL),
    JSONB,
    _simple(lambda d, p, n, a: _jsonb_set(d, p, n, True, True, a)),
)


# ---------------------------------------------------------------------------
# Math


def _numeric_ln_dweight(x: Decimal) -> int:
    if Decimal("0.9") <= x <= Decimal("1.1"):
        d = abs(x - 1)
        return d.adjusted() if not d.is_zero() else 0
    ln = abs(math.log(float(x)) if x.adjusted() < 300 else float(x.ln(_DEC)))
    return int(math.log10(ln)) if ln > 0 else 0


def _numeric_ln(x: Decimal) -> Decimal:
    if x.is_zero():
        raise make_error("2201E", "cannot take logarithm of zero")
    if x < 0:
        raise make_error("2201E", "cannot take logarithm of a negative number")
    rscale = min(max(16 - _numeric_ln_dweight(x), _dscale(x), 0), 1000)
    return _round_numeric(x.ln(_DEC), rscale)


def _numeric_log(base: Decimal, x: Decimal) -> Decimal:
    for v in (base, x):
        if v.is_zero():
            raise make_error("2201E", "cannot take logarithm of zero")
        if v < 0:
            raise make_error("2201E", "cannot take logarithm of a negative number")
    if base == 1:
        raise DivisionByZero("division by zero")
    dweight = _numeric_ln_dweight(x) - _numeric_ln_dweight(base)
    rscale = min(max(16 - dweight, _dscale(base), _dscale(x), 0), 1000)
    return _round_numeric(_DEC.divide(x.ln(_DEC), base.ln(_DEC)), rscale)


def _numeric_exp(x: Decimal) -> Decimal:
    val = float(x)
    if val > 5000:
        raise make_error("22003", "value overflows numeric format")
    dweight = int(val * 0.434294481903252)
    rscale = min(max(16 - dweight, _dscale(x), 0), 1000)
    return _round_numeric(x.exp(_DEC), rscale)


_function("ln", (NUMERIC,), NUMERIC, _simple(_numeric_ln))
_function("log", (NUMERIC,), NUMERIC, _simple(lambda x: _numeric_log(Decimal(10), x)))
_function("log10", (NUMERIC,), NUMERIC, _simple(lambda x: _numeric_log(Decimal(10), x)))
_function("log", (NUMERIC, NUMERIC), NUMERIC, _simple(_numeric_log))
_function("exp", (NUMERIC,), NUMERIC, _simple(_numeric_exp))


def _dlog10(x: float) -> float:
    if x == 0:
        raise make_error("2201E", "cannot take logarithm of zero")
    if x < 0:
        raise make_error("2201E", "cannot take logarithm of a negative number")
    return math.log10(x)


_function("log10", (FLOAT8,), FLOAT8, _simple(_dlog10))


_function("cbrt", (FLOAT8,), FLOAT8, _simple(math.cbrt))
_function(
    "degrees", (FLOAT8,), FLOAT8, _simple(lambda x: _check_float(FLOAT8, x * (180.0 / math.pi), x))
)
_function(
    "radians", (FLOAT8,), FLOAT8, _simple(lambda x: _check_float(FLOAT8, x * (math.pi / 180.0), x))
)


def _trig(
    f: Callable[[float], float], domain: Callable[[float], bool] | None = None
) -> Callable[[float], float]:
    def run(x: float) -> float:
        if math.isnan(x):
            return x
        if domain is not None and not domain(x):
            raise make_error("22003", "input is out of range")
        try:
            return f(x)
        except ValueError:
            raise make_error("22003", "input is out of range") from None

    return run


def _cot(x: float) -> float:
    t = math.tan(x)
    return math.inf if t == 0 else 1.0 / t


_unit_range = lambda x: -1.0 <= x <= 1.0  # noqa: E731
_finite = math.isfinite
for _name, _f, _dom in (
    ("sin", math.sin, _finite),
    ("cos", math.cos, _finite),
    ("tan", math.tan, _finite),
    ("cot", _cot, _finite),
    ("asin", math.asin, _unit_range),
    ("acos", math.acos, _unit_range),
    ("atan", math.atan, None),
    ("sinh", math.sinh, None),
    ("cosh", math.cosh, None),
    ("tanh", math.tanh, None),
    ("asinh", math.asinh, None),
):
    _function(_name, (FLOAT8,), FLOAT8, _simple(_trig(_f, _dom)))
_function("acosh", (FLOAT8,), FLOAT8, _simple(_trig(math.acosh, lambda x: x >= 1)))
_function("atanh", (FLOAT8,), FLOAT8, _simple(_trig(math.atanh, lambda x: -1 <= x <= 1)))
_function("atan2", (FLOAT8, FLOAT8), FLOAT8, _simple(math.atan2))


def _degree_fn(f: Callable[[float], float], inverse: bool) -> Callable[[float], float]:
    def run(x: float) -> float:
        if math.isnan(x):
            return x
        if inverse:
            if not -1 <= x <= 1 and f is not math.atan:
                raise make_error("22003", "input is out of range")
            r = math.degrees(f(x))
            return float(round(r, 9)) if abs(r - round(r)) < 1e-9 else r
        if not math.isfinite(x):
            raise make_error("22003", "input is out of range")
        r = f(math.radians(math.fmod(x, 360.0)))
        rounded = round(r, 12)
        return rounded + 0.0 if abs(r - rounded) < 1e-12 else r

    return run


for _name, _f, _inv in (
    ("sind", math.sin, False),
    ("cosd", math.cos, False),
    ("tand", math.tan, False),
    ("asind", math.asin, True),
    ("acosd", math.acos, True),
    ("atand", math.atan, True),
):
    _function(_name, (FLOAT8,), FLOAT8, _simple(_degree_fn(_f, _inv)))


def _gcd(oid: int) -> Callable[[int, int], int]:
    return lambda a, b: _check_int(oid, math.gcd(a, b))


def _lcm(oid: int) -> Callable[[int, int], int]:
    return lambda a, b: 0 if a == 0 or b == 0 else _check_int(oid, abs(a * b) // math.gcd(a, b))


for _t in (INT4, INT8):
    _function("gcd", (_t, _t), _t, _simple(_gcd(_t)))
    _function("lcm", (_t, _t), _t, _simple(_lcm(_t)))


def _numeric_gcd(a: Decimal, b: Decimal) -> Decimal:
    scale = max(_dscale(a), _dscale(b))
    ia, ib = int(a.scaleb(scale)), int(b.scaleb(scale))
    return (
        Decimal(math.gcd(ia, ib)).scaleb(-scale).quantize(Decimal(1).scaleb(-scale), context=_DEC)
    )


def _numeric_lcm(a: Decimal, b: Decimal) -> Decimal:
    scale = max(_dscale(a), _dscale(b))
    if a.is_zero() or b.is_zero():
        return Decimal(0).quantize(Decimal(1).scaleb(-scale))
    ia, ib = int(a.scaleb(scale)), int(b.scaleb(scale))
    return (
        Decimal(abs(ia * ib) // math.gcd(ia, ib))
        .scaleb(-scale)
        .quantize(Decimal(1).scaleb(-scale), context=_DEC)
    )


def _numeric_div_trunc(a: Decimal, b: Decimal) -> Decimal:
    if b.is_zero():
        raise DivisionByZero("division by zero")
    return _DEC.divide_int(a, b)


_function("gcd", (NUMERIC, NUMERIC), NUMERIC, _simple(_numeric_gcd))
_function("lcm", (NUMERIC, NUMERIC), NUMERIC, _simple(_numeric_lcm))
_function("div", (NUMERIC, NUMERIC), NUMERIC, _simple(_numeric_div_trunc))


def _factorial(n: int) -> Decimal:
    if n < 0:
        raise make_error("22003", "factorial of a negative number is undefined")
    if n > 32177:
        raise make_error("22003", "value overflows numeric format")
    return Decimal(math.factorial(n))


_function("factorial", (INT8,), NUMERIC, _simple(_factorial))


def _width_bucket(x: Any, lo: Any, hi: Any, count: int) -> int:
    if count <= 0:
        raise make_error("2201G", "count must be greater than zero")
    if isinstance(x, float) and (math.isnan(x) or math.isnan(lo) or math.isnan(hi)):
        raise make_error("2201G", "operand, lower bound, and upper bound cannot be NaN")
    if lo == hi:
        raise make_error("2201G", "lower bound cannot equal upper bound")
    if isinstance(x, float) and (math.isinf(lo) or math.isinf(hi)):
        raise make_error("2201G", "lower and upper bounds must be finite")
    if lo < hi:
        if x < lo:
            return 0
        if x >= hi:
            return _check_int(INT4, count + 1)
        r = (
            (x - lo) / (hi - lo) * count
            if isinstance(x, float)
            else _DEC.divide(_DEC.multiply(x - lo, count), hi - lo)
        )
        return (
            int(r) + 1
            if isinstance(x, float)
            else int(r.to_integral_value(rounding=decimal.ROUND_FLOOR)) + 1
        )
    if x > lo:
        return 0
    if x <= hi:
        return _check_int(INT4, count + 1)
    r = (
        (lo - x) / (lo - hi) * count
        if isinstance(x, float)
        else _DEC.divide(_DEC.multiply(lo - x, count), lo - hi)
    )
    return (
        int(r) + 1
        if isinstance(x, float)
        else int(r.to_integral_value(rounding=decimal.ROUND_FLOOR)) + 1
    )


_function("width_bucket", (FLOAT8, FLOAT8, FLOAT8, INT4), INT4, _simple(_width_bucket))
_function("width_bucket", (NUMERIC, NUMERIC, NUMERIC, INT4), INT4, _simple(_width_bucket))
_function("scale", (NUMERIC,), INT4, _simple(lambda x: _dscale(x) if x.is_finite() else None))


def _min_scale(x: Decimal) -> int | None:
    if not x.is_finite():
        return None
    n = x.normalize(_DEC)
    return _dscale(n)


_function("min_scale", (NUMERIC,), INT4, _simple(_min_scale))
_function(
    "trim_scale",
    (NUMERIC,),
    NUMERIC,
    _simple(
        lambda x: (
            x
            if not x.is_finite()
            else x.quantize(Decimal(1).scaleb(-(_min_scale(x) or 0)), context=_DEC)
        )
    ),
)


# ---------------------------------------------------------------------------
# Arrays


def _one_dim(arr: list[Any], what: str) -> None:
    if any(isinstance(x, list) for x in arr):
        raise FeatureNotSupported(f"{what} from multidimensional arrays is not supported")


def _array_positions(arr: list[Any], x: Any) -> list[int]:
    if any(isinstance(v, list) for v in arr):
        raise make_error(
            "22023", "searching for elements in multidimensional arrays is not supported"
        )
    return (
        [i + 1 for i, v in enumerate(arr) if v == x and v is not None]
        if x is not None
        else [i + 1 for i, v in enumerate(arr) if v is None]
    )


def _array_position(arr: list[Any] | None, x: Any, start: int | None = 1) -> int | None:
    if arr is None:
        return None
    if any(isinstance(v, list) for v in arr):
        raise make_error(
            "22023", "searching for elements in multidimensional arrays is not supported"
        )
    if start is None:
        raise make_error("22004", "initial position must not be null")
    for i in range(max(start, 1) - 1, len(arr)):
        v = arr[i]
        if (x is None and v is None) or (x is not None and v is not None and v == x):
            return i + 1
    return None


_function("array_position", (ANYARRAY, ANYELEMENT), INT4, _simple(_array_position), strict=False)
_function(
    "array_position", (ANYARRAY, ANYELEMENT, INT4), INT4, _simple(_array_position), strict=False
)
_function(
    "array_positions",
    (ANYARRAY, ANYELEMENT),
    1007,
    _simple(lambda a, x: None if a is None else _array_positions(a, x)),
    strict=False,
)


def _array_remove(arr: list[Any] | None, x: Any) -> list[Any] | None:
    if arr is None:
        return None
    _one_dim(arr, "removing elements")
    return [v for v in arr if not ((x is None and v is None) or (x is not None and v == x))]


def _array_replace(arr: list[Any] | None, x: Any, y: Any) -> list[Any] | None:
    if arr is None:
        return None

    def rep(v: Any) -> Any:
        if isinstance(v, list):
            return [rep(e) for e in v]
        return y if (x is None and v is None) or (x is not None and v == x) else v

    return [rep(v) for v in arr]


_function("array_remove", (ANYARRAY, ANYELEMENT), ANYARRAY, _simple(_array_remove), strict=False)
_function(
    "array_replace",
    (ANYARRAY, ANYELEMENT, ANYELEMENT),
    ANYARRAY,
    _simple(_array_replace),
    strict=False,
)
_function(
    "array_dims",
    (ANYARRAY,),
    TEXT,
    _simple(lambda a: "".join(f"[1:{n}]" for n in _dims(a)) or None),
)
_operator(
    "<@",
    (ANYARRAY, ANYARRAY),
    BOOL,
    _simple(
        lambda a, b: (
            all(x in _flatten(b) for x in _flatten(a) if x is not None) and None not in _flatten(a)
        )
    ),
)


# ---------------------------------------------------------------------------
# Aggregates: stddev/variance, json_object_agg


def _agg_variance(sample: bool, root: bool) -> AggBuilder:
    def build(c: _Compiler, types: tuple[int, ...], result: int) -> _AggImpl:
        if result == FLOAT8:

            def ftrans(s: Any, a: tuple[Any, ...], env: _Env) -> Any:
                n, sx, sxx = s
                v = float(a[0])
                n += 1
                sx += v
                if n > 1:
                    tmp = v * n - sx
                    sxx += tmp * tmp / (n * (n - 1))
                elif not math.isfinite(v):
                    sxx = math.nan
                return (n, sx, sxx)

            def ffinal(s: Any, env: _Env) -> Any:
                n, _, sxx = s
                if n == 0 or (sample and n == 1):
                    return None
                var = sxx / (n - 1 if sample else n)
                return math.sqrt(var) if root else var

            return _AggImpl(lambda: (0, 0.0, 0.0), ftrans, ffinal)

        def ntrans(s: Any, a: tuple[Any, ...], env: _Env) -> Any:
            n, sx, sxx = s
            v = Decimal(a[0])
            return (n + 1, _DEC.add(sx, v), _DEC.add(sxx, _DEC.multiply(v, v)))

        def nfinal(s: Any, env: _Env) -> Any:
            n, sx, sxx = s
            if n == 0 or (sample and n == 1):
                return None
            if sx.is_nan() or sxx.is_nan():
                return Decimal("NaN")
            num = _DEC.subtract(_DEC.multiply(Decimal(n), sxx), _DEC.multiply(sx, sx))
            if num <= 0:
                return Decimal(0)
            den = Decimal(n * (n - 1) if sample else n * n)
            var = _numeric_div(num, den)
            if not root:
                return var
            return _round_numeric(_DEC.divide(num, den).sqrt(_DEC), _dscale(var))

        return _AggImpl(lambda: (0, Decimal(0), Decimal(0)), ntrans, nfinal)

    return build


for _name, _sample, _root in (
    ("stddev", True, True),
    ("stddev_samp", True, True),
    ("stddev_pop", False, True),
    ("variance", True, False),
    ("var_samp", True, False),
    ("var_pop", False, False),
):
    for _t in (INT2, INT4, INT8, NUMERIC):
        _aggregate(_name, (_t,), NUMERIC, _agg_variance(_sample, _root))
    for _t in (FLOAT4, FLOAT8):
        _aggregate(_name, (_t,), FLOAT8, _agg_variance(_sample, _root))


def _agg_object(binary: bool) -> AggBuilder:
    def build(c: _Compiler, types: tuple[int, ...], result: int) -> _AggImpl:
        kt, vt = types

        def trans(s: Any, a: tuple[Any, ...], env: _Env) -> Any:
            k, v = a
            if k is None:
                raise InvalidParameterValue("field name must not be null")
            s.append((_as_text(kt, k, env), _to_py(env, vt, v, binary)))
            return s

        def final(s: Any, env: _Env) -> Any:
            if not s:
                return None
            if binary:
                return dump_jsonb(_parse_raw(dict(s)))
            return (
                "{ "
                + ", ".join(
                    json.dumps(k, ensure_ascii=False) + " : " + _dump_json(v, False) for k, v in s
                )
                + " }"
            )

        return _AggImpl(list, trans, final, strict=False)

    return build


_aggregate("json_object_agg", (ANY, ANY), JSON, _agg_object(False))
_aggregate("jsonb_object_agg", (ANY, ANY), JSONB, _agg_object(True))
