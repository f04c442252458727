"""Tests for kuzugres.proxy.copyformat: COPY text/CSV encoding and the incremental parser.

Expected bytes and messages were taken from PostgreSQL 15. The differential tests at the bottom
re-check encoding and parsing (including random payloads and their errors) against a throwaway
PostgreSQL 15 server; they are skipped when it cannot start, unless CI=true.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from kuzugres.errors import PgError
from kuzugres.proxy.copyformat import CopyFormat, CopyParser, encode_header, encode_row

TEXT = CopyFormat()
CSV = CopyFormat(format="csv", delimiter=",", null="")
COLS = ("a", "b")

TRICKY = [
    "",
    "plain",
    "tab\there",
    "new\nline",
    "cr\rlf\r\n",
    "back\\slash",
    "\\N",
    "\\.",
    "a,b",
    'say "hi"',
    '"',
    "é日本🙂",
    "\x08\x0c\x0b\x01",
    " spaces ",
    "N",
    "\\",
    ",",
    "\n",
]

Outcome = tuple[str, Any]


def parse(payload: bytes, fmt: CopyFormat, columns: Sequence[str] = COLS) -> list[list[Any]]:
    """Parse a whole payload in one chunk."""
    parser = CopyParser(fmt, columns, relation="t")
    return parser.feed(payload) + parser.finish()


def parse_chunks(
    chunks: Sequence[bytes], fmt: CopyFormat, columns: Sequence[str] = COLS
) -> Outcome:
    """Parse a payload delivered in `chunks`: ('ok', rows) or ('err', sqlstate, message, detail)."""
    parser = CopyParser(fmt, columns, relation="t")
    rows: list[list[Any]] = []
    try:
        for chunk in chunks:
            rows += parser.feed(chunk)
        rows += parser.finish()
    except PgError as exc:
        return ("err", (exc.code, exc.message, exc.detail))
    return ("ok", rows)


def splits(payload: bytes, rng: random.Random) -> Iterator[list[bytes]]:
    """The payload in one piece, one byte at a time, split at every position, and randomly."""
    yield [payload]
    yield [payload[i : i + 1] for i in range(len(payload))]
    for cut in range(len(payload) + 1):
        yield [payload[:cut], payload[cut:]]
    for _ in range(5):
        cuts = sorted(rng.sample(range(len(payload) + 1), min(4, len(payload) + 1)))
        bounds = [0, *cuts, len(payload)]
        yield [payload[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def expect_error(payload: bytes, fmt: CopyFormat, code: str, message: str, detail: str) -> None:
    outcome = parse_chunks([payload], fmt)
    assert outcome == ("err", (code, message, detail))


# ---------------------------------------------------------------------------------------------
# COPY TO


def test_text_encoding_escapes() -> None:
    row = ["a\tb", "x\ny\rz\\w\b\f\v\x01", None, "", "é"]
    expected = "a\\tb\tx\\ny\\rz\\\\w\\b\\f\\v\x01\t\\N\t\té\n"
    assert encode_row(row, TEXT) == expected.encode()


def test_text_encoding_escapes_other_delimiter() -> None:
    fmt = CopyFormat(delimiter="|", null="NULL")
    assert encode_row(["a|b", "t\tx", None], fmt) == b"a\\|b|t\\tx|NULL\n"
    assert encode_header(["x|y", "z"], fmt) == b"x\\|y|z\n"


def test_csv_encoding_quotes() -> None:
    row = ["", None, "a,b", 'q"q', "l\nf", "c\rr", "plain", "\\.", " sp "]
    assert encode_row(row, CSV) == b'"",,"a,b","q""q","l\nf","c\rr",plain,\\., sp \n'


def test_csv_lone_end_marker_is_quoted_only_as_single_column() -> None:
    assert encode_row(["\\."], CSV) == b'"\\."\n'
    assert encode_row(["\\.", "x"], CSV) == b"\\.,x\n"
    assert encode_header(["\\."], CSV) == b'"\\."\n'


def test_csv_null_string_and_escape() -> None:
    fmt = CopyFormat(format="csv", delimiter=",", null="NULL", escape="\\")
    assert encode_row(["NULL", None, "", 'a"b\\c'], fmt) == b'"NULL",NULL,,"a\\"b\\\\c"\n'


def test_csv_force_quote() -> None:
    assert encode_row(["x", None], CopyFormat("csv", ",", "", force_quote=True)) == b'"x",\n'
    fmt = CopyFormat("csv", ",", "", force_quote=("b",))
    assert encode_row(["x", "y"], fmt, columns=COLS) == b'x,"y"\n'
    with pytest.raises(ValueError):
        encode_row(["x", "y"], fmt)


def test_header_encoding() -> None:
    assert encode_header(["a", "b c", "d\te"], TEXT) == b"a\tb c\td\\te\n"
    assert encode_header(["a", "b,c", 'q"'], CSV) == b'a,"b,c","q"""\n'


def test_bad_option_is_rejected() -> None:
    with pytest.raises(PgError) as info:
        CopyFormat(delimiter="ab")
    assert info.value.code == "0A000"


# ---------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize(
    "fmt",
    [
        TEXT,
        CSV,
        CopyFormat(delimiter="|", null="NULL"),
        CopyFormat("csv", ";", "NULL", quote="'", escape="\\"),
        CopyFormat("csv", ",", "", header=True),
        CopyFormat(header=True),
    ],
    ids=["text", "csv", "text-pipe", "csv-custom", "csv-header", "text-header"],
)
def test_round_trip(fmt: CopyFormat) -> None:
    rng = random.Random(7)
    rows: list[list[str | None]] = [[a, b] for a in TRICKY for b in (*TRICKY[:4], None)]
    rows += [[None, None], ["", ""]]
    for _ in range(200):
        rows.append(
            [
                None if rng.random() < 0.1 else "".join(rng.choices(TRICKY, k=rng.randint(0, 4)))
                for _ in COLS
            ]
        )
    payload = (encode_header(COLS, fmt) if fmt.header else b"") + b"".join(
        encode_row(row, fmt) for row in rows
    )
    assert parse(payload, fmt) == rows
    assert parse_chunks([payload[i : i + 1] for i in range(len(payload))], fmt) == ("ok", rows)


@pytest.mark.parametrize("value", TRICKY)
@pytest.mark.parametrize("fmt", [TEXT, CSV], ids=["text", "csv"])
def test_round_trip_single_column(value: str, fmt: CopyFormat) -> None:
    payload = encode_row([value], fmt) + encode_row([None], fmt)
    assert parse(payload, fmt, columns=["a"]) == [[value], [None]]


# ---------------------------------------------------------------------------------------------
# Parsing


def test_text_escapes_on_input() -> None:
    payload = b"\\b\\f\\n\\r\\t\\v\\q\\\\\t\\101\\1010\\x41\\x4\\xg\\7\n"
    assert parse(payload, TEXT) == [["\b\f\n\r\t\vq\\", "AA0A\x04xg\x07"]]


def test_text_null_is_matched_before_de_escaping() -> None:
    fmt = CopyFormat(null="\\N")
    assert parse(b"\\N\t\\\\N\n", fmt) == [[None, "\\N"]]
    assert parse(b"x\t\n", fmt) == [["x", ""]]


def test_text_multibyte_from_escapes() -> None:
    assert parse(b"\\xc3\\xa9\t\\303\\251\n", TEXT) == [["é", "é"]]


def test_csv_quoting_on_input() -> None:
    payload = b'"a,b","q""q"\n,""\n"l\nf",x""y\n'
    assert parse(payload, CSV) == [["a,b", 'q"q'], [None, ""], ["l\nf", "xy"]]


def test_csv_escape_char() -> None:
    fmt = CopyFormat("csv", ",", "", escape="\\")
    assert parse(b'"a\\"b\\\\c\\d",x\n', fmt) == [['a"b\\c\\d', "x"]]


def test_header_is_skipped() -> None:
    fmt = CopyFormat("csv", ",", "", header=True)
    assert parse(b'"x\ny",z\n1,2\n', fmt) == [["1", "2"]]
    assert parse(b"h1\th2\n1\t2\n", CopyFormat(header=True)) == [["1", "2"]]
    assert parse(b"only header", CopyFormat(header=True)) == []


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("fmt", [TEXT, CSV], ids=["text", "csv"])
def test_line_endings(eol: bytes, fmt: CopyFormat) -> None:
    delim = fmt.delimiter.encode()
    payload = eol.join([b"1" + delim + b"2", b"3" + delim + b"4", b"\\.", b"ignored"])
    assert parse(payload, fmt) == [["1", "2"], ["3", "4"]]


def test_last_line_without_newline() -> None:
    assert parse(b"1\t2\n3\t4", TEXT) == [["1", "2"], ["3", "4"]]
    assert parse(b"1,2\r\n3,", CSV) == [["1", "2"], ["3", None]]


def test_end_marker_stops_input() -> None:
    parser = CopyParser(TEXT, COLS)
    assert parser.feed(b"1\t2\n\\") == [["1", "2"]]
    assert parser.feed(b".\n\xff\xfe garbage") == []
    assert parser.feed(b"more") == []
    assert parser.finish() == []
    assert parser.ended


def test_csv_end_marker_only_alone_on_a_line() -> None:
    assert parse(b"\\.x,1\n\\.\n", CSV) == [["\\.x", "1"]]
    assert parse(b'"\\.",1\n', CSV) == [["\\.", "1"]]


def test_text_end_marker_anywhere_ends_data() -> None:
    assert parse(b"1\t2\\.\n3\t4\n", TEXT) == [["1", "2"]]


def test_line_numbers() -> None:
    parser = CopyParser(CopyFormat("csv", ",", "", header=True), COLS)
    rows = parser.feed(b'h,h\n1,"a\nb"\n2,c\n')
    assert rows == [["1", "a\nb"], ["2", "c"]]
    # like PostgreSQL, a newline inside quotes counts once the line ending is known
    assert parser.line_numbers == [3, 4]
    assert parser.context(4, "b", "c") == 'line 4, column b: "c"'
    named = CopyParser(TEXT, COLS, relation="t")
    assert named.context(3) == "COPY t, line 3"
    assert named.context(3, "a", None) == "COPY t, line 3, column a: null input"


def test_zero_columns() -> None:
    assert parse(b"\n\n", TEXT, columns=()) == [[], []]
    with pytest.raises(PgError, match="extra data after last expected column"):
        parse(b"x\n", TEXT, columns=())


# ---------------------------------------------------------------------------------------------
# Errors (messages and CONTEXT as PostgreSQL 15 reports them)


def test_wrong_field_counts() -> None:
    expect_error(
        b"1\t2\t3\n",
        TEXT,
        "22P04",
        "extra data after last expected column",
        'COPY t, line 1: "1\t2\t3"',
    )
    expect_error(b"1\t2\n1\n", TEXT, "22P04", 'missing data for column "b"', 'COPY t, line 2: "1"')
    expect_error(
        b'1,"x\ny"\n7\n', CSV, "22P04", 'missing data for column "b"', 'COPY t, line 2: "7"'
    )


def test_long_line_is_clipped_in_context() -> None:
    outcome = parse_chunks([b"\xc3\xa9" * 80 + b"\n"], TEXT)
    assert outcome == (
        "err",
        ("22P04", 'missing data for column "b"', 'COPY t, line 1: "' + "é" * 50 + '..."'),
    )


def test_invalid_utf8() -> None:
    expect_error(
        b"1\t\xff\n",
        TEXT,
        "22021",
        'invalid byte sequence for encoding "UTF8": 0xff',
        "COPY t, line 1",
    )
    expect_error(
        b"1,2\n3,\xe2\n4,5\n",
        CSV,
        "22021",
        'invalid byte sequence for encoding "UTF8": 0xe2 0x0a 0x34',
        "COPY t, line 2",
    )
    expect_error(
        b"1,2\n3,\xe2\x82",
        CSV,
        "22021",
        'invalid byte sequence for encoding "UTF8": 0xe2 0x82',
        "COPY t, line 2",
    )
    expect_error(
        b"1\t\\000\n",
        TEXT,
        "22021",
        'invalid byte sequence for encoding "UTF8": 0x00',
        'COPY t, line 1: "1\t\\000"',
    )


def test_unterminated_csv_quote() -> None:
    expect_error(
        b'1,2\n3,"abc\n',
        CSV,
        "22P04",
        "unterminated CSV quoted field",
        'COPY t, line 3: "3,"abc\n"',
    )


def test_mixed_line_endings() -> None:
    expect_error(
        b"1\t2\r\n3\t4\n", TEXT, "22P04", "literal newline found in data", "COPY t, line 2"
    )
    expect_error(
        b"1\t2\n3\t4\r\n", TEXT, "22P04", "literal carriage return found in data", "COPY t, line 2"
    )
    expect_error(
        b"1,2\n3,4\r\n", CSV, "22P04", "unquoted carriage return found in data", "COPY t, line 2"
    )
    outcome = parse_chunks([b"1\t2\r3\t4\n"], TEXT)
    assert outcome[0] == "err"


def test_end_marker_errors() -> None:
    expect_error(b"1\t2\n\\.", TEXT, "22P04", "end-of-copy marker corrupt", "COPY t, line 2")
    expect_error(b"1\t2\n\\.x\n", TEXT, "22P04", "end-of-copy marker corrupt", "COPY t, line 2")
    expect_error(
        b"1\t2\r\n\\.\n",
        TEXT,
        "22P04",
        "end-of-copy marker does not match previous newline style",
        "COPY t, line 2",
    )


def test_error_hint() -> None:
    parser = CopyParser(TEXT, COLS)
    with pytest.raises(PgError) as info:
        parser.feed(b"1\t2\n3\t4\r\n")
    assert info.value.hint == 'Use "\\r" to represent carriage return.'


# ---------------------------------------------------------------------------------------------
# Chunking: any split of the input gives the same rows or the same error

SPLIT_PAYLOADS: list[tuple[bytes, CopyFormat]] = [
    (b"1\t2\r\n\\N\t\\\\x\\\r\ny\r\n\xc3\xa9\t\\x41\r\n\\.\r\nignored", TEXT),
    (b"a\\\nb\t\\101\\1\n\\.\n", TEXT),
    (b'h,h\r"x\r\n""y",\r,""\r\\.\r', CopyFormat("csv", ",", "", header=True)),
    (b'1,"a\n\\.\nb"\n\\.x,\n', CSV),
    (b'1,"a\\"\\\\"\n', CopyFormat("csv", ",", "", escape="\\")),
    (b"1,2\n3,\xe2\x82", CSV),
    (b"1\t\xe6\x97\xa5\xff\n", TEXT),
    (b'1,"open\n', CSV),
    (b"1\t2\r\n\\.\n", TEXT),
    (b"1\t2\n3\t4\r", TEXT),
    (b"\xf0\x9f\x99\x82\t\\", TEXT),
]


@pytest.mark.parametrize("payload,fmt", SPLIT_PAYLOADS)
def test_any_split_gives_the_same_outcome(payload: bytes, fmt: CopyFormat) -> None:
    rng = random.Random(payload)
    expected = parse_chunks([payload], fmt)
    for chunks in splits(payload, rng):
        assert parse_chunks(chunks, fmt) == expected, chunks


def random_payload(rng: random.Random, csv: bool) -> bytes:
    alphabet = [b"\t", b"\n", b"\r", b"\\", b".", b"N", b"x", b"1", b"\xc3\xa9", b"0", b"7"]
    if csv:
        alphabet += [b",", b'"', b'"', b","]
    return b"".join(rng.choices(alphabet, k=rng.randint(0, 24)))


def test_random_payloads_split_randomly() -> None:
    rng = random.Random(11)
    for _ in range(300):
        csv = rng.random() < 0.5
        fmt = CSV if csv else TEXT
        payload = random_payload(rng, csv)
        expected = parse_chunks([payload], fmt)
        assert parse_chunks([payload[i : i + 1] for i in range(len(payload))], fmt) == expected
        cut = rng.randint(0, len(payload))
        assert parse_chunks([payload[:cut], payload[cut:]], fmt) == expected


# ---------------------------------------------------------------------------------------------
# Differential tests against PostgreSQL 15


@pytest.fixture(scope="module")
def pg() -> Iterator[Any]:
    """A psycopg connection to a throwaway PostgreSQL 15 (skipped if unavailable, unless CI)."""
    try:
        import psycopg

        from tests.pgserver import start_postgres

        server = start_postgres()
    except Exception as exc:  # PostgresUnavailable, missing psycopg, no `postgres` user...
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL 15 unavailable: {exc}")
    try:
        with psycopg.connect(server.dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (id serial, a text, b text)")
            conn.execute("CREATE TABLE one (id serial, a text)")
            yield conn
    finally:
        server.stop()


FORMATS: list[tuple[str, CopyFormat]] = [
    ("FORMAT text", TEXT),
    ("FORMAT csv", CSV),
    ("FORMAT text, DELIMITER '|', NULL 'NULL', HEADER", CopyFormat("text", "|", "NULL", True)),
    (
        "FORMAT csv, DELIMITER ';', NULL 'NULL', QUOTE '''', ESCAPE '\\', HEADER",
        CopyFormat("csv", ";", "NULL", True, "'", "\\"),
    ),
    ("FORMAT csv, FORCE_QUOTE *", CopyFormat("csv", ",", "", force_quote=True)),
]


def copy_out(conn: Any, sql: str) -> bytes:
    out = bytearray()
    with conn.cursor() as cur, cur.copy(sql) as copy:
        for chunk in copy:
            out += chunk
    return bytes(out)


@pytest.mark.parametrize(
    "options,fmt", FORMATS, ids=[f.format + str(i) for i, (_, f) in enumerate(FORMATS)]
)
def test_encoding_matches_postgres(pg: Any, options: str, fmt: CopyFormat) -> None:
    rng = random.Random(3)
    rows: list[list[str | None]] = [[a, b] for a in TRICKY for b in ("x", None, "")]
    for _ in range(100):
        rows.append(
            ["".join(rng.choices(TRICKY, k=rng.randint(0, 3))), rng.choice([*TRICKY, None])]
        )
    pg.execute("TRUNCATE t, one")
    with pg.cursor() as cur:
        cur.executemany("INSERT INTO t (a, b) VALUES (%s, %s)", rows)
        cur.executemany("INSERT INTO one (a) VALUES (%s)", [[r[0]] for r in rows])
    got = copy_out(pg, f"COPY (SELECT a, b FROM t ORDER BY id) TO STDOUT ({options})")
    header = encode_header(COLS, fmt) if fmt.header else b""
    assert got == header + b"".join(encode_row(row, fmt) for row in rows)
    got = copy_out(pg, f"COPY (SELECT a FROM one ORDER BY id) TO STDOUT ({options})")
    header = encode_header(["a"], fmt) if fmt.header else b""
    assert got == header + b"".join(encode_row([row[0]], fmt) for row in rows)


def copy_in(conn: Any, payload: bytes, options: str) -> Outcome:
    import psycopg

    conn.execute("TRUNCATE t")
    try:
        with conn.cursor() as cur, cur.copy(f"COPY t (a, b) FROM STDIN ({options})") as copy:
            copy.write(payload)
    except psycopg.Error as exc:
        diag = exc.diag
        return ("err", (diag.sqlstate, diag.message_primary, diag.context))
    rows = conn.execute("SELECT a, b FROM t ORDER BY id").fetchall()
    return ("ok", [list(row) for row in rows])


def test_parsing_matches_postgres(pg: Any) -> None:
    rng = random.Random(5)
    cases: list[tuple[bytes, str, CopyFormat]] = [
        (p, o, f) for p, f in SPLIT_PAYLOADS for o, g in FORMATS[:2] if g == f
    ]
    cases += [(p, "FORMAT csv, HEADER", f) for p, f in SPLIT_PAYLOADS if f.header]
    cases += [(p, "FORMAT csv, ESCAPE '\\'", f) for p, f in SPLIT_PAYLOADS if f.escape == "\\"]
    for _ in range(400):
        csv = rng.random() < 0.5
        options, fmt = FORMATS[1] if csv else FORMATS[0]
        cases.append((random_payload(rng, csv), options, fmt))
    for payload, options, fmt in cases:
        assert parse_chunks([payload], fmt) == copy_in(pg, payload, options), payload
