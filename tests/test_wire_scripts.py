"""Golden wire conversations, replayed against PostgreSQL 15 and against kuzugres.

After CockroachDB's pgtest: each `tests/wire_scripts/*.pgtest` file is a
conversation written as the messages a client sends and the messages it must get
back. The same file runs against a throwaway PostgreSQL 15 (which proves the
expectations are PostgreSQL's behaviour) and against a kuzugres node (which must
behave the same). The PostgreSQL half is skipped when PostgreSQL 15 is not
installed, and fails instead when CI=true.

Script format, one directive per line; `#` starts a comment outside JSON strings,
and a script's first comment line is its title:

    ignore ParameterStatus          # drop these messages from every later block
    send Query "SELECT 1 AS a"
    send Parse name="s1" query="SELECT $1::int4 + 1" types=[]
    send Bind portal="" statement="s1" formats=[0] params=["41"] results=[1]
    send Describe kind="P" name=""  # kind S or P; a bare word is a string too
    send Execute portal="" max_rows=0
    send Close kind="S" name="s1"
    send Flush
    send Sync
    until ReadyForQuery             # read until this message arrives
    expect RowDescription [{"name": "a", "type_oid": 23, "format": 0}]
    expect DataRow ["1"]
    expect CommandComplete "SELECT 1"
    expect ReadyForQuery "I"
    expect ErrorResponse {"C": "22012"}

Arguments are `key=value` pairs after the message name (or one positional value,
Query's SQL); values are JSON, or bare words taken as strings. A parameter or a
value may be `{"hex": "0000002a"}` for binary data; `null` is SQL NULL. Parse's
`types` and Bind's `formats`/`results` default to `[]`, names to `""`.

`until A [B ...]` reads messages until A arrives (then B, ...), and the `expect`
lines that follow list every message read, in order (minus ignored ones). An
`expect` compares the message name and, when given, its fields:

- RowDescription: a list of objects; only the keys listed are compared (name,
  type_oid, type_size, type_modifier, format, table_oid, column).
- DataRow / CopyData: a list of values / one value (text, hex object or null).
- ErrorResponse / NoticeResponse: an object; only the listed field codes are
  compared (C is the SQLSTATE, then M, P, S, ...).
- ParameterStatus: `["name", "value"]`; ParameterDescription: a list of OIDs;
  CopyOutResponse: `{"format": 0, "columns": [0]}`; CommandComplete and
  ReadyForQuery: a string.

The ParameterStatus messages of the startup are never checked (servers report
different sets), and BackendKeyData only appears there.
"""

from __future__ import annotations

import json
import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.pgserver import PostgresServer, PostgresUnavailable, start_postgres
from tests.serverproc import NodeProcess
from tests.wire import RawClient, cstr, msg

SCRIPTS_DIR = Path(__file__).parent / "wire_scripts"
SCRIPTS = sorted(SCRIPTS_DIR.glob("*.pgtest"))

# Scripts where kuzugres differs from PostgreSQL (file stem -> reason); strict xfails,
# so fixing the server makes the test fail until its entry is removed here.
KUZUGRES_XFAIL: dict[str, str] = {}

_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_DECODER = json.JSONDecoder()


class ScriptError(ValueError):
    """The script itself is malformed."""


@dataclass
class Send:
    message: str
    args: dict[str, Any]
    line: int


@dataclass
class Until:
    targets: list[str]
    line: int
    expects: list[tuple[str, Any, int]] = field(default_factory=list)


@dataclass
class Ignore:
    message: str


Step = Send | Until | Ignore


def _value(text: str, pos: int, line: int) -> tuple[Any, int]:
    """One JSON value (or bare word) starting at `pos`; returns it and the end."""
    bare = _BARE.match(text, pos)
    if bare and bare.group() not in ("true", "false", "null"):
        return bare.group(), bare.end()
    try:
        return _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise ScriptError(f"line {line}: bad value at {text[pos:]!r}: {exc}") from None


def _rest_is_comment(text: str, pos: int, line: int) -> None:
    rest = text[pos:].strip()
    if rest and not rest.startswith("#"):
        raise ScriptError(f"line {line}: unexpected {rest!r}")


def _args(text: str, line: int) -> dict[str, Any]:
    """Parse `key=value ...` (or one positional value, stored as "_")."""
    out: dict[str, Any] = {}
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text) or text[pos] == "#":
            return out
        key = _KEY.match(text, pos)
        if key:
            out[key.group(1)], pos = _value(text, key.end(), line)
        elif not out:
            out["_"], pos = _value(text, pos, line)
        else:
            raise ScriptError(f"line {line}: expected key=value at {text[pos:]!r}")


def parse_script(text: str) -> list[Step]:
    steps: list[Step] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        verb, _, rest = line.partition(" ")
        rest = rest.strip()
        if verb == "send":
            name, _, argtext = rest.partition(" ")
            steps.append(Send(name, _args(argtext, lineno), lineno))
        elif verb == "until":
            targets = rest.split("#", 1)[0].split()
            if not targets:
                raise ScriptError(f"line {lineno}: until needs a message name")
            steps.append(Until(targets, lineno))
        elif verb == "expect":
            if not steps or not isinstance(steps[-1], Until):
                raise ScriptError(f"line {lineno}: expect must follow until")
            name, _, argtext = rest.partition(" ")
            argtext = argtext.strip()
            if argtext and not argtext.startswith("#"):
                value, end = _value(argtext, 0, lineno)
                _rest_is_comment(argtext, end, lineno)
            else:
                value = None
            steps[-1].expects.append((name, value, lineno))
        elif verb == "ignore":
            steps.append(Ignore(rest.split("#", 1)[0].strip()))
        else:
            raise ScriptError(f"line {lineno}: unknown directive {verb!r}")
    return steps


def _bytes(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"hex"}:
        return bytes.fromhex(value["hex"])
    if isinstance(value, str):
        return value.encode()
    raise ScriptError(f"not a value: {value!r}")


def _i16s(values: list[int]) -> bytes:
    return struct.pack("!h", len(values)) + b"".join(struct.pack("!h", v) for v in values)


def encode(step: Send) -> bytes:
    a = step.args
    kind = step.message
    if kind == "Query":
        return msg(b"Q", cstr(a.get("_", a.get("sql", ""))))
    if kind == "Parse":
        types = a.get("types", [])
        body = cstr(a.get("name", "")) + cstr(a["query"]) + struct.pack("!h", len(types))
        return msg(b"P", body + b"".join(struct.pack("!I", t) for t in types))
    if kind == "Bind":
        body = cstr(a.get("portal", "")) + cstr(a.get("statement", ""))
        body += _i16s(a.get("formats", []))
        params = a.get("params", [])
        body += struct.pack("!h", len(params))
        for p in params:
            data = _bytes(p)
            body += struct.pack("!i", -1) if data is None else struct.pack("!i", len(data)) + data
        return msg(b"B", body + _i16s(a.get("results", [])))
    if kind in ("Describe", "Close"):
        tag = b"D" if kind == "Describe" else b"C"
        return msg(tag, a["kind"].encode() + cstr(a.get("name", "")))
    if kind == "Execute":
        return msg(b"E", cstr(a.get("portal", "")) + struct.pack("!i", a.get("max_rows", 0)))
    if kind == "Sync":
        return msg(b"S")
    if kind == "Flush":
        return msg(b"H")
    raise ScriptError(f"line {step.line}: cannot send {kind!r}")


def _text(value: bytes | None) -> Any:
    """A received value in script notation: text when it decodes, else hex."""
    if value is None:
        return None
    try:
        return value.decode()
    except UnicodeDecodeError:
        return {"hex": value.hex()}


def matches(name: str, got: Any, want: Any) -> bool:
    """Whether a received message's fields satisfy an expectation's fields."""
    if want is None:
        return True
    if name == "RowDescription":
        return len(got) == len(want) and all(
            all(getattr(g, k) == v for k, v in w.items()) for g, w in zip(got, want, strict=True)
        )
    if name == "DataRow":
        return len(got) == len(want) and all(g == _bytes(w) for g, w in zip(got, want, strict=True))
    if name == "CopyData":
        return bool(got == _bytes(want))
    if name in ("ErrorResponse", "NoticeResponse"):
        return all(got.get(k) == v for k, v in want.items())
    if name == "ParameterStatus":
        return list(got) == list(want)
    if name in ("CopyOutResponse", "CopyInResponse"):
        fmt, n = struct.unpack("!bh", got[:3])
        cols = [struct.unpack("!h", got[3 + 2 * i : 5 + 2 * i])[0] for i in range(n)]
        return bool({"format": fmt, "columns": cols} == want)
    return bool(got == want)


def show(received: list[tuple[str, Any]]) -> str:
    lines = []
    for name, fields in received:
        if name == "RowDescription":
            fields = [{"name": f.name, "type_oid": f.type_oid, "format": f.format} for f in fields]
        elif name == "DataRow":
            fields = [_text(v) for v in fields]
        elif isinstance(fields, bytes):
            fields = _text(fields) if fields else None
        lines.append(f"  {name} {json.dumps(fields) if fields is not None else ''}".rstrip())
    return "\n".join(lines)


def run_script(path: Path, port: int, user: str, database: str) -> None:
    """Replay one script on a fresh connection; raise AssertionError on a mismatch."""
    steps = parse_script(path.read_text())
    client = RawClient(port, user=user, database=database)
    client.sock.settimeout(5)
    ignored: set[str] = set()
    try:
        for step in steps:
            if isinstance(step, Ignore):
                ignored.add(step.message)
            elif isinstance(step, Send):
                client.send(encode(step))
            else:
                received: list[tuple[str, Any]] = []
                for target in step.targets:
                    while True:
                        try:
                            got = client.recv_message()
                        except TimeoutError:
                            got = ("Timeout", None)
                        received.append(got or ("EOF", None))
                        if received[-1][0] in (target, "EOF", "Timeout"):
                            break
                    if received[-1][0] in ("EOF", "Timeout"):
                        break
                kept = [r for r in received if r[0] not in ignored]
                ok = len(kept) == len(step.expects) and all(
                    g[0] == e[0] and matches(e[0], g[1], e[1])
                    for g, e in zip(kept, step.expects, strict=False)
                )
                if not ok:
                    want = "\n".join(
                        f"  {n} {json.dumps(v) if v is not None else ''}".rstrip()
                        for n, v, _ in step.expects
                    )
                    raise AssertionError(
                        f"{path.name} line {step.line}: until {' '.join(step.targets)}\n"
                        f"expected:\n{want}\nreceived:\n{show(kept)}"
                    )
    finally:
        client.close()


def test_every_script_parses_and_has_a_title() -> None:
    assert len(SCRIPTS) >= 20
    for path in SCRIPTS:
        text = path.read_text()
        assert text.startswith("# "), f"{path.name} needs a title comment"
        steps = parse_script(text)
        assert any(isinstance(s, Until) for s in steps), path.name
        for s in steps:
            if isinstance(s, Send):
                encode(s)
    assert set(KUZUGRES_XFAIL) <= {p.stem for p in SCRIPTS}
    docs = (Path(__file__).parent.parent / "docs" / "compatibility.md").read_text()
    listed = docs.split("## Wire conversations verified against PostgreSQL 15", 1)[1]
    rows = {
        line.split("|")[1].strip(" `"): line.split("|")[-2].strip()
        for line in listed.splitlines()
        if line.startswith("| `")
    }
    assert rows == {p.stem: "differs" if p.stem in KUZUGRES_XFAIL else "same" for p in SCRIPTS}, (
        "update the script table in docs/compatibility.md"
    )


def test_harness_compares_only_listed_fields() -> None:
    [until] = parse_script(
        '# t\nuntil ReadyForQuery\nexpect ErrorResponse {"C": "22012"}  # note\n'
        'expect DataRow [{"hex": "00ff"}, null, "a#b"]\n'
    )
    assert isinstance(until, Until)
    (n1, e1, _), (n2, e2, _) = until.expects
    assert matches(n1, {"S": "ERROR", "C": "22012", "M": "x"}, e1)
    assert not matches(n1, {"C": "42601"}, e1)
    assert matches(n2, [b"\x00\xff", None, b"a#b"], e2)
    assert not matches(n2, [b"\x00\xff", b"", b"a#b"], e2)
    [send] = parse_script('send Describe kind=P name="p"  # c')
    assert isinstance(send, Send) and send.args == {"kind": "P", "name": "p"}
    with pytest.raises(ScriptError):
        parse_script("expect DataRow []")


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer | None]:
    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL 15 is required in CI: {exc}")
        yield None
        return
    yield server
    server.stop()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_on_postgres(script: Path, postgres: PostgresServer | None) -> None:
    if postgres is None:
        pytest.skip("PostgreSQL 15 is not installed")
    run_script(script, postgres.port, "postgres", "postgres")


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(
            p,
            marks=[pytest.mark.xfail(strict=True, reason=KUZUGRES_XFAIL[p.stem])]
            if p.stem in KUZUGRES_XFAIL
            else [],
        )
        for p in SCRIPTS
    ],
    ids=lambda p: p.stem,
)
def test_script_on_kuzugres(script: Path, node: NodeProcess) -> None:
    run_script(script, node.port, "tester", "kuzugres")
