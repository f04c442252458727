"""PostgreSQL's COPY text and CSV formats, byte for byte as PostgreSQL 15 writes and reads them.

Pure functions and a sans-IO incremental parser; no sockets, no type conversion. Fields are
already-rendered text values (``str``) or ``None`` for NULL: the caller runs the type output and
input functions. The rules follow PostgreSQL's ``copyto.c`` (CopyAttributeOutText,
CopyAttributeOutCSV) and ``copyfromparse.c`` (CopyReadLineText, CopyReadAttributesText,
CopyReadAttributesCSV), including its line-ending detection, the ``\\.`` end-of-data marker and
its error messages. What PostgreSQL reports as the error CONTEXT (``COPY t, line 3: "..."``) is
put in the error's detail.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kuzugres.errcodes import BadCopyFileFormat, CharacterNotInRepertoire, FeatureNotSupported

__all__ = ["CopyFormat", "CopyParser", "encode_header", "encode_row"]

# PostgreSQL truncates the line it quotes in a CONTEXT to this many bytes (MAX_COPY_DATA_DISPLAY).
_MAX_DISPLAY = 100


@dataclass(frozen=True)
class CopyFormat:
    """The options of one COPY in text or CSV format (the caller applies PostgreSQL's defaults).

    ``force_quote`` is FORCE_QUOTE: ``True`` for ``*`` (every non-NULL value), or the column names
    whose non-NULL values are always quoted (CSV output only).
    """

    format: Literal["text", "csv"] = "text"
    delimiter: str = "\t"
    null: str = "\\N"
    header: bool = False
    quote: str = '"'
    escape: str = '"'
    force_quote: tuple[str, ...] | bool = ()

    def __post_init__(self) -> None:
        for name in ("delimiter", "quote", "escape"):
            value: str = getattr(self, name)
            if len(value) != 1 or ord(value) > 0x7F:
                raise FeatureNotSupported(f"COPY {name} must be a single one-byte character")
        if self.format not in ("text", "csv"):
            raise FeatureNotSupported(f'COPY format "{self.format}" not recognized')

    @property
    def csv(self) -> bool:
        """Whether this is FORMAT csv."""
        return self.format == "csv"


# --------------------------------------------------------------------------------------------
# COPY TO


@functools.lru_cache(maxsize=16)
def _text_escapes(delimiter: str) -> dict[int, str]:
    """The str.translate table of CopyAttributeOutText for `delimiter`."""
    table = {ord("\\"): "\\\\"}
    for char, letter in zip("\b\f\n\r\t\v", "bfnrtv", strict=True):
        table[ord(char)] = "\\" + letter
    if ord(delimiter) not in table:
        table[ord(delimiter)] = "\\" + delimiter
    return table


def _text_field(value: str, fmt: CopyFormat) -> str:
    return value.translate(_text_escapes(fmt.delimiter))


def _csv_field(value: str, fmt: CopyFormat, force: bool, single_column: bool) -> str:
    """CopyAttributeOutCSV: quote when forced, when equal to the null string, when the value
    holds a delimiter, quote, CR or LF, or is ``\\.`` as the only column."""
    quote, escape = fmt.quote, fmt.escape
    use_quote = force or value == fmt.null
    if not use_quote:
        if single_column and value == "\\.":
            use_quote = True
        else:
            # PostgreSQL does not look for the escape character here, only inside quotes
            use_quote = any(c in value for c in (fmt.delimiter, quote, "\n", "\r"))
    if not use_quote:
        return value
    if escape == quote:
        body = value.replace(quote, quote + quote)
    else:
        body = value.replace(escape, escape + escape).replace(quote, escape + quote)
    return quote + body + quote


def _forced(fmt: CopyFormat, columns: Sequence[str] | None, count: int) -> list[bool]:
    if fmt.force_quote is True:
        return [True] * count
    if not fmt.force_quote:
        return [False] * count
    if columns is None:
        raise ValueError("encode_row needs the column names to apply FORCE_QUOTE")
    names = set(fmt.force_quote)
    return [name in names for name in columns]


def encode_header(columns: Sequence[str], fmt: CopyFormat) -> bytes:
    """The HEADER line of COPY TO: the column names escaped like values, with the newline."""
    if fmt.csv:
        single = len(columns) == 1
        parts = [_csv_field(name, fmt, False, single) for name in columns]
    else:
        parts = [_text_field(name, fmt) for name in columns]
    return (fmt.delimiter.join(parts) + "\n").encode("utf-8")


def encode_row(
    fields: Sequence[str | None], fmt: CopyFormat, *, columns: Sequence[str] | None = None
) -> bytes:
    """One line of COPY TO output including its newline; ``None`` is written as the null string.

    `columns` is needed only when ``fmt.force_quote`` names columns.
    """
    parts: list[str] = []
    if fmt.csv:
        forced = _forced(fmt, columns, len(fields))
        single = len(fields) == 1
        for value, force in zip(fields, forced, strict=True):
            parts.append(fmt.null if value is None else _csv_field(value, fmt, force, single))
    else:
        for value in fields:
            parts.append(fmt.null if value is None else _text_field(value, fmt))
    return (fmt.delimiter.join(parts) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# COPY FROM

_EOL_NL, _EOL_CR, _EOL_CRNL = "\n", "\r", "\r\n"
_NAMED_ESCAPES = {ord("b"): 8, ord("f"): 12, ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("v"): 11}
_BACKSLASH, _DOT, _CR, _LF = 0x5C, 0x2E, 0x0D, 0x0A


class _NeedMore(Exception):
    """The line reader needs bytes that have not arrived yet."""


def _utf8_mblen(first: int) -> int:
    """pg_utf_mblen: the length PostgreSQL assumes for a UTF-8 sequence starting with `first`."""
    if first & 0x80 == 0:
        return 1
    if first & 0xE0 == 0xC0:
        return 2
    if first & 0xF0 == 0xE0:
        return 3
    if first & 0xF8 == 0xF0:
        return 4
    return 1


def _invalid_encoding(
    data: bytes | bytearray, pos: int, detail: str | None
) -> CharacterNotInRepertoire:
    """report_invalid_encoding: name the bytes of the bad sequence at `pos`."""
    count = min(_utf8_mblen(data[pos]), len(data) - pos)
    shown = " ".join(f"0x{b:02x}" for b in data[pos : pos + count])
    return CharacterNotInRepertoire(
        f'invalid byte sequence for encoding "UTF8": {shown}', detail=detail
    )


def _decode_field(raw: bytes) -> str:
    """A de-escaped field as text; 22021 if it is not valid UTF-8 (PostgreSQL rejects NUL too)."""
    nul = raw.find(0)
    try:
        text, _ = codecs.utf_8_decode(raw if nul < 0 else raw[:nul], "strict", True)
    except UnicodeDecodeError as exc:
        raise _invalid_encoding(raw, exc.start, None) from None
    if nul >= 0:
        raise _invalid_encoding(raw, nul, None)
    return text


class CopyParser:
    """Incremental COPY FROM parser for text and CSV formats (sans-IO).

    Feed it the payloads of CopyData messages as they arrive, split anywhere; it returns the
    complete rows, each a list of ``str`` or ``None`` (NULL) with one entry per column. Call
    `finish` at CopyDone. After the ``\\.`` end-of-data marker the rest of the input is ignored,
    as PostgreSQL does. Errors are `BadCopyFileFormat` (22P04) or `CharacterNotInRepertoire`
    (22021) with PostgreSQL's message; the detail holds PostgreSQL's CONTEXT text.

    ``line_numbers`` holds the input line number of each row returned by the latest call, so the
    caller can build the CONTEXT of its own type input errors with `context`.
    """

    def __init__(
        self, fmt: CopyFormat, columns: Sequence[str], *, relation: str | None = None
    ) -> None:
        self.fmt = fmt
        self.columns = tuple(columns)
        self.relation = relation
        self.lineno = 0
        self.line_numbers: list[int] = []
        self.ended = False
        self._buf = bytearray()
        self._verified = 0  # bytes of _buf known to be valid UTF-8
        self._bad = False  # the byte at _verified is invalid (or an incomplete final sequence)
        self._header_pending = fmt.header
        self._eol: str | None = None
        # the line being read: where it starts, where scanning resumes, CSV quote state
        self._in_line = False
        self._start = 0
        self._pos = 0
        self._in_quote = False
        self._last_was_esc = False
        self._null = fmt.null.encode("utf-8")
        self._delim = fmt.delimiter.encode("ascii")[0]
        self._quote = fmt.quote.encode("ascii")[0]
        self._escape = fmt.escape.encode("ascii")[0]
        # the line reader ignores an escape equal to the quote: the quote alone toggles
        self._line_escape = -1 if self._escape == self._quote else self._escape
        if fmt.csv:
            specials = {self._quote, self._escape, _CR, _LF}
        else:
            specials = {_BACKSLASH, _CR, _LF}
        self._special = re.compile(b"[" + b"".join(re.escape(bytes([c])) for c in specials) + b"]")
        self._text_field = re.compile(
            rb"(?P<d>"
            + re.escape(bytes([self._delim]))
            + rb")|\\(?P<e>[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.|\Z)",
            re.S,
        )

    # -- public API ---------------------------------------------------------------------------

    def feed(self, data: bytes) -> list[list[str | None]]:
        """Add one chunk of COPY data; return the rows completed by it."""
        if self.ended:
            self.line_numbers = []
            return []
        self._buf += data
        self._verify(final=False)
        return self._drain(final=False)

    def finish(self) -> list[list[str | None]]:
        """End of data (CopyDone): parse a last line without newline and run the final checks."""
        if self.ended:
            self.line_numbers = []
            return []
        self._verify(final=True)
        rows = self._drain(final=True)
        self.ended = True
        return rows

    def context(self, lineno: int, column: str | None = None, value: str | None = None) -> str:
        """PostgreSQL's CONTEXT for an error in `column` (with input `value`) of line `lineno`."""
        where = f"COPY {self.relation}, line {lineno}" if self.relation else f"line {lineno}"
        if column is None:
            return where
        shown = "null input" if value is None else f'"{_clip(value.encode("utf-8"))}"'
        return f"{where}, column {column}: {shown}"

    # -- input validation ---------------------------------------------------------------------

    def _verify(self, final: bool) -> None:
        if self._bad:
            return
        view = memoryview(self._buf)[self._verified :]
        try:
            _, consumed = codecs.utf_8_decode(view, "strict", final)
        except UnicodeDecodeError as exc:
            consumed = exc.start
            self._bad = True
        nul = self._buf.find(b"\0", self._verified, self._verified + consumed)
        if nul >= 0:
            consumed = nul - self._verified
            self._bad = True
        self._verified += consumed
        if final and self._verified < len(self._buf):
            self._bad = True  # an incomplete sequence at the end of the data

    def _encoding_error(self) -> CharacterNotInRepertoire:
        return _invalid_encoding(self._buf, self._verified, self.context(self.lineno))

    # -- lines --------------------------------------------------------------------------------

    def _drain(self, final: bool) -> list[list[str | None]]:
        rows: list[list[str | None]] = []
        numbers: list[int] = []
        self.line_numbers = numbers
        while not self.ended:
            if not self._in_line:
                self.lineno += 1
                self._in_line = True
                self._pos = self._start
                self._in_quote = self._last_was_esc = False
            try:
                line, done = self._read_line(final)
            except _NeedMore:
                break
            self._in_line = False
            if done:
                self.ended = True
            if self._header_pending:
                self._header_pending = False
                continue
            if done and not line:
                break
            rows.append(self._parse_line(line))
            numbers.append(self.lineno)
        if self.ended:
            self._buf.clear()
            self._start = self._pos = self._verified = 0
        elif self._start:
            del self._buf[: self._start]
            self._verified -= self._start
            self._pos -= self._start
            self._start = 0
        return rows

    def _peek(self, index: int, final: bool) -> int | None:
        """The byte at `index`; None at the end of all data (PostgreSQL's '\\0')."""
        if index < self._verified:
            return self._buf[index]
        if self._bad:
            raise self._encoding_error()
        if final:
            return None
        raise _NeedMore

    def _line_error(self, message: str, hint: str | None = None) -> BadCopyFileFormat:
        return BadCopyFileFormat(message, detail=self.context(self.lineno), hint=hint)

    def _take(self, end: int, resume: int) -> bytes:
        line = bytes(self._buf[self._start : end])
        self._start = self._pos = resume
        return line

    def _read_line(self, final: bool) -> tuple[bytes, bool]:
        """CopyReadLineText: the next logical line without its terminator, and whether the data
        ended there (``\\.`` or end of input). Raises _NeedMore, keeping the scan state."""
        csv = self.fmt.csv
        buf = self._buf
        while True:
            match = self._special.search(buf, self._pos, self._verified)
            at_start = self._pos == self._start
            if csv and at_start and self._pos < self._verified and buf[self._pos] == _BACKSLASH:
                i = self._pos
            elif match is None:
                if csv and self._verified > self._pos:
                    self._last_was_esc = False
                self._pos = self._verified
                if self._bad:
                    raise self._encoding_error()
                if final:
                    return self._take(self._verified, self._verified), True
                raise _NeedMore
            else:
                i = match.start()
            if csv and i > self._pos:
                self._last_was_esc = False  # ordinary bytes came between
                self._pos = i
            saved = (self._in_quote, self._last_was_esc, self.lineno)
            try:
                result = self._special_char(i, csv, final)
            except _NeedMore:
                self._in_quote, self._last_was_esc, self.lineno = saved
                self._pos = i
                raise
            if result is not None:
                return result

    def _special_char(self, i: int, csv: bool, final: bool) -> tuple[bytes, bool] | None:
        """Handle the special byte at `i`: a line or data end, or resume scanning after it."""
        buf = self._buf
        c = buf[i]
        first_in_line = i == self._start
        if csv:
            if c in (_BACKSLASH, _CR):
                self._peek(i + 1, final)
            if self._in_quote and c == self._line_escape:
                self._last_was_esc = not self._last_was_esc
            if c == self._quote and not self._last_was_esc:
                self._in_quote = not self._in_quote
            if c != self._line_escape:
                self._last_was_esc = False
            if self._in_quote and c == (_LF if self._eol == _EOL_NL else _CR):
                self.lineno += 1
        literal = "unquoted" if csv else "literal"
        if c == _CR and not (csv and self._in_quote):
            hint = (
                "Use quoted CSV field to represent carriage return."
                if csv
                else 'Use "\\r" to represent carriage return.'
            )
            if self._eol in (None, _EOL_CRNL):
                if self._peek(i + 1, final) == _LF:
                    self._eol = _EOL_CRNL
                    return self._take(i, i + 2), False
                if self._eol == _EOL_CRNL:
                    raise self._line_error(f"{literal} carriage return found in data", hint)
                self._eol = _EOL_CR
            elif self._eol == _EOL_NL:
                raise self._line_error(f"{literal} carriage return found in data", hint)
            return self._take(i, i + 1), False
        if c == _LF and not (csv and self._in_quote):
            if self._eol in (_EOL_CR, _EOL_CRNL):
                hint = (
                    "Use quoted CSV field to represent newline."
                    if csv
                    else 'Use "\\n" to represent newline.'
                )
                raise self._line_error(f"{literal} newline found in data", hint)
            self._eol = _EOL_NL
            return self._take(i, i + 1), False
        if c == _BACKSLASH and (not csv or first_in_line):
            after = self._peek(i + 1, final)
            if after is None:
                return self._take(i + 1, i + 1), True
            if after == _DOT:
                return self._end_marker(i, csv, final)
            if not csv:
                self._pos = i + 2  # the escaped byte is data, even a newline
                return None
        self._pos = i + 1
        return None

    def _end_marker(self, i: int, csv: bool, final: bool) -> tuple[bytes, bool] | None:
        """``\\.`` at `i`: the end-of-data marker, or (CSV) data if more follows on its line."""
        j = i + 2
        if self._eol == _EOL_CRNL:
            c2 = self._peek(j, final)
            j += 1
            if c2 == _LF or c2 != _CR:
                if csv:
                    self._pos = i + 1
                    return None
                if c2 == _LF:
                    raise self._line_error(
                        "end-of-copy marker does not match previous newline style"
                    )
                raise self._line_error("end-of-copy marker corrupt")
        c2 = self._peek(j, final)
        if c2 not in (_CR, _LF):
            if csv:
                self._pos = i + 1
                return None
            raise self._line_error("end-of-copy marker corrupt")
        if (self._eol in (_EOL_NL, _EOL_CRNL) and c2 != _LF) or (
            self._eol == _EOL_CR and c2 != _CR
        ):
            raise self._line_error("end-of-copy marker does not match previous newline style")
        return self._take(i, i), True

    # -- fields -------------------------------------------------------------------------------

    def _row_context(self, line: bytes) -> str:
        return f'{self.context(self.lineno)}: "{_clip(line)}"'

    def _parse_line(self, line: bytes) -> list[str | None]:
        """Split a line into fields and check their number (NextCopyFrom)."""
        if not self.columns:
            if line:
                raise BadCopyFileFormat(
                    "extra data after last expected column", detail=self._row_context(line)
                )
            return []
        raw_fields = self._csv_fields(line) if self.fmt.csv else self._text_fields(line)
        try:  # PostgreSQL verifies de-escaped fields while splitting, before counting them
            fields = [None if raw is None else _decode_field(raw) for raw in raw_fields]
        except CharacterNotInRepertoire as exc:
            exc.detail = self._row_context(line)
            raise
        if len(fields) > len(self.columns):
            raise BadCopyFileFormat(
                "extra data after last expected column", detail=self._row_context(line)
            )
        if len(fields) < len(self.columns):
            missing = self.columns[len(fields)]
            raise BadCopyFileFormat(
                f'missing data for column "{missing}"', detail=self._row_context(line)
            )
        return fields

    def _text_fields(self, line: bytes) -> list[bytes | None]:
        """CopyReadAttributesText: split on the delimiter, then de-escape unless NULL."""
        if _BACKSLASH not in line:
            return [None if raw == self._null else raw for raw in line.split(bytes([self._delim]))]
        fields: list[bytes | None] = []
        out = bytearray()
        start = last = 0
        for match in self._text_field.finditer(line):
            out += line[last : match.start()]
            last = match.end()
            if match.group("d") is not None:
                fields.append(None if line[start : match.start()] == self._null else bytes(out))
                out.clear()
                start = last
                continue
            escaped = match.group("e")
            if not escaped:  # a backslash ending the line is dropped, and not part of the raw field
                raw_end = match.start()
                fields.append(None if line[start:raw_end] == self._null else bytes(out))
                return fields
            out += _unescape(escaped)
        out += line[last:]
        fields.append(None if line[start:] == self._null else bytes(out))
        return fields

    def _csv_fields(self, line: bytes) -> list[bytes | None]:
        """CopyReadAttributesCSV: quoted parts may hold anything; an unquoted null string is
        NULL."""
        delim, quote, escape = self._delim, self._quote, self._escape
        if quote not in line:
            return [None if raw == self._null else raw for raw in line.split(bytes([self._delim]))]
        fields: list[bytes | None] = []
        n = len(line)
        pos = 0
        while True:
            start = pos
            out = bytearray()
            saw_quote = found_delim = False
            while True:
                # not in quotes
                while pos < n:
                    c = line[pos]
                    pos += 1
                    if c == delim:
                        found_delim = True
                        break
                    if c == quote:
                        saw_quote = True
                        break
                    out.append(c)
                else:
                    break
                if found_delim:
                    break
                # in quotes
                while True:
                    if pos >= n:
                        raise BadCopyFileFormat(
                            "unterminated CSV quoted field",
                            detail=self._row_context(line),
                        )
                    c = line[pos]
                    pos += 1
                    if c == escape and pos < n and line[pos] in (escape, quote):
                        out.append(line[pos])
                        pos += 1
                        continue
                    if c == quote:
                        break
                    out.append(c)
            end = pos - 1 if found_delim else pos
            raw = line[start:end]
            fields.append(None if not saw_quote and raw == self._null else bytes(out))
            if not found_delim:
                return fields


def _unescape(escaped: bytes) -> bytes:
    """The byte a text-format backslash sequence (without its backslash) stands for."""
    first = escaped[0]
    if 0x30 <= first <= 0x37:
        return bytes([int(escaped, 8) & 0xFF])
    if first == 0x78 and len(escaped) > 1:  # \xhh
        return bytes([int(escaped[1:], 16)])
    named = _NAMED_ESCAPES.get(first)
    return bytes([named]) if named is not None else escaped


def _clip(line: bytes) -> str:
    """limit_printout_length: at most 100 bytes of whole characters, then '...'."""
    if len(line) <= _MAX_DISPLAY:
        return line.decode("utf-8", "replace")
    cut = _MAX_DISPLAY
    while cut > 0 and line[cut] & 0xC0 == 0x80:
        cut -= 1
    return line[:cut].decode("utf-8", "replace") + "..."
