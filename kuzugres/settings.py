"""Run-time settings (PostgreSQL's GUCs) with PostgreSQL's SET/SHOW/RESET semantics.

A `SessionSettings` holds one session's values. SET inside a transaction is undone
by ROLLBACK, SET LOCAL lasts until the transaction ends, and settings marked
`report` are announced with ParameterStatus whenever they change.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from kuzugres import PG_SERVER_VERSION, __version__
from kuzugres.errcodes import (
    CantChangeRuntimeParam,
    InvalidParameterValue,
    UndefinedObject,
)


def _bool(name: str, value: str) -> str:
    v = value.strip().lower()
    if v in ("on", "true", "yes", "1", "t", "y") or (len(v) >= 2 and "on".startswith(v)):
        return "on"
    if v in ("off", "false", "no", "0", "f", "n") or (len(v) >= 2 and "off".startswith(v)):
        return "off"
    raise InvalidParameterValue(f'parameter "{name}" requires a Boolean value')


_UNITS_MS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}


@functools.lru_cache(maxsize=256)
def parse_duration_ms(name: str, value: str, default_unit: str = "ms") -> int:
    """Parse a PostgreSQL time setting ('5s', '100', '1min') into milliseconds."""
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*", value.lower())
    if not m:
        raise InvalidParameterValue(
            f'invalid value for parameter "{name}": "{value}"',
            hint='Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".',
        )
    unit = m.group(2) or default_unit
    if unit not in _UNITS_MS:
        raise InvalidParameterValue(
            f'invalid value for parameter "{name}": "{value}"',
            hint='Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".',
        )
    ms = round(float(m.group(1)) * _UNITS_MS[unit])
    if ms < 0 or ms > 2_147_483_647:
        raise InvalidParameterValue(
            f'{ms} ms is outside the valid range for parameter "{name}" (0 .. 2147483647)'
        )
    return ms


def _duration(name: str, value: str) -> str:
    return format_duration_ms(parse_duration_ms(name, value))


def format_duration_ms(ms: int) -> str:
    """Render milliseconds the way SHOW does: the largest unit that divides evenly."""
    if ms == 0:
        return "0"
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("min", 60_000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def _int(lo: int, hi: int) -> Callable[[str, str], str]:
    def check(name: str, value: str) -> str:
        try:
            n = int(value.strip())
        except ValueError:
            raise InvalidParameterValue(
                f'invalid value for parameter "{name}": "{value}"'
            ) from None
        if not lo <= n <= hi:
            raise InvalidParameterValue(
                f'{n} is outside the valid range for parameter "{name}" ({lo} .. {hi})'
            )
        return str(n)

    return check


def _enum(*choices: str, shown: dict[str, str] | None = None) -> Callable[[str, str], str]:
    def check(name: str, value: str) -> str:
        v = value.strip().lower()
        if v not in choices:
            raise InvalidParameterValue(
                f'invalid value for parameter "{name}": "{value}"',
                hint="Available values: " + ", ".join(choices) + ".",
            )
        return (shown or {}).get(v, v)

    return check


def _timezone(name: str, value: str) -> str:
    v = value.strip()
    if v.lower() in ("utc", "gmt", "z", "zulu", "universal"):
        return "UTC" if v.lower() != "gmt" else "GMT"
    if re.fullmatch(r"[+-]?\d{1,2}(:\d{2})?", v):
        return v if v[0] in "+-" else v  # POSIX-style offset, kept as written
    try:
        zoneinfo.ZoneInfo(v)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidParameterValue(f'invalid value for parameter "TimeZone": "{value}"') from None
    return v


def _datestyle(name: str, value: str) -> str:
    parts = [p.strip().lower() for p in value.split(",")]
    fmt, order = "ISO", "MDY"
    for p in parts:
        if p in ("iso", "sql", "postgres", "german"):
            fmt = {"iso": "ISO", "sql": "SQL", "postgres": "Postgres", "german": "German"}[p]
        elif p in ("mdy", "us", "noneuropean"):
            order = "MDY"
        elif p in ("dmy", "euro", "european"):
            order = "DMY"
        elif p == "ymd":
            order = "YMD"
        else:
            raise InvalidParameterValue(f'invalid value for parameter "DateStyle": "{value}"')
    if fmt != "ISO":
        raise InvalidParameterValue(
            f'invalid value for parameter "DateStyle": "{value}"',
            detail="kuzugres supports only the ISO output format.",
        )
    return f"{fmt}, {order}"


def _encoding(name: str, value: str) -> str:
    v = value.strip().upper().replace("-", "").replace("_", "")
    if v in ("UTF8", "UNICODE"):
        return "UTF8"
    if v == "SQLASCII":
        return "SQL_ASCII"
    raise InvalidParameterValue(
        f'invalid value for parameter "{name}": "{value}"',
        detail="kuzugres speaks UTF8 only.",
    )


def _any(name: str, value: str) -> str:
    return value


def _search_path(name: str, value: str) -> str:
    """The schema list with its separators normalized (a comma inside a quoted name is
    part of that name)."""
    if not value.strip():
        return '""'
    return ", ".join(p.strip() for p in re.findall(r'(?:"(?:[^"]|"")*"|[^,"])+', value))


def _as_of(name: str, value: str) -> str:
    """kuzugres.as_of: empty (the present) or a timestamptz, shown normalized to UTC."""
    if not value.strip():
        return ""
    from kuzugres.timetravel import format_as_of, parse_as_of  # (import cycle)

    return format_as_of(parse_as_of(value))


_ISOLATION = _enum("serializable", "repeatable read", "read committed", "read uncommitted")


@dataclass(frozen=True)
class SettingDef:
    """One setting: its shown name, default, validator and whether clients are told."""

    name: str
    default: str
    check: Callable[[str, str], str] = _any
    report: bool = False
    read_only: bool = False
    description: str = ""


SETTINGS: dict[str, SettingDef] = {}


def _define(*defs: SettingDef) -> None:
    for d in defs:
        key = d.name.lower()
        if key in SETTINGS:
            raise RuntimeError(f"setting {d.name} defined twice")
        SETTINGS[key] = d


_define(
    SettingDef("server_version", PG_SERVER_VERSION, report=True, read_only=True),
    SettingDef("server_version_num", "150018", read_only=True),
    SettingDef("kuzugres_version", __version__, report=True, read_only=True),
    SettingDef("server_encoding", "UTF8", report=True, read_only=True),
    SettingDef("client_encoding", "UTF8", _encoding, report=True),
    SettingDef("DateStyle", "ISO, MDY", _datestyle, report=True),
    SettingDef("IntervalStyle", "postgres", _enum("postgres"), report=True),
    SettingDef("TimeZone", "UTC", _timezone, report=True),
    SettingDef("integer_datetimes", "on", read_only=True, report=True),
    SettingDef("standard_conforming_strings", "on", _bool, report=True),
    SettingDef("application_name", "", _any, report=True),
    SettingDef("is_superuser", "on", read_only=True, report=True),
    SettingDef("session_authorization", "", read_only=True, report=True),
    SettingDef("default_transaction_read_only", "off", _bool, report=True),
    SettingDef("in_hot_standby", "off", read_only=True, report=True),
    SettingDef("scram_iterations", "4096", _int(1, 2_147_483_647), report=True),
    SettingDef("search_path", '"$user", public', _search_path),
    SettingDef("statement_timeout", "0", _duration),
    SettingDef("lock_timeout", "0", _duration),
    SettingDef("idle_in_transaction_session_timeout", "0", _duration),
    SettingDef("idle_session_timeout", "0", _duration),
    SettingDef("extra_float_digits", "1", _int(-15, 3)),
    SettingDef("transaction_isolation", "read committed", _ISOLATION),
    SettingDef("default_transaction_isolation", "read committed", _ISOLATION),
    SettingDef("transaction_read_only", "off", _bool),
    SettingDef("transaction_deferrable", "off", _bool),
    SettingDef("default_transaction_deferrable", "off", _bool),
    SettingDef(
        "synchronous_commit", "on", _enum("on", "off", "local", "remote_write", "remote_apply")
    ),
    SettingDef("max_connections", "100", read_only=True),
    SettingDef("max_identifier_length", "63", read_only=True),
    SettingDef("max_index_keys", "32", read_only=True),
    SettingDef("block_size", "8192", read_only=True),
    SettingDef("lc_collate", "C", read_only=True),
    SettingDef("lc_ctype", "C", read_only=True),
    SettingDef("lc_messages", "C", _any),
    SettingDef("lc_monetary", "C", _any),
    SettingDef("lc_numeric", "C", _any),
    SettingDef("lc_time", "C", _any),
    SettingDef("bytea_output", "hex", _enum("hex")),
    SettingDef(
        "client_min_messages",
        "notice",
        _enum(
            "debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error"
        ),
    ),
    SettingDef("datestyle_order_placeholder", "", read_only=True),
    SettingDef("escape_string_warning", "on", _bool),
    SettingDef("row_security", "on", _bool),
    SettingDef("jit", "off", _bool),
    SettingDef("work_mem", "4MB", _any),
    SettingDef("maintenance_work_mem", "64MB", _any),
    SettingDef("timezone_abbreviations", "Default", _any),
    SettingDef("default_with_oids", "off", _enum("off")),
    SettingDef("xmloption", "content", _enum("content", "document")),
    SettingDef("geqo", "on", _bool),
    SettingDef("enable_seqscan", "on", _bool),
    SettingDef("cursor_tuple_fraction", "0.1", _any),
    SettingDef("password_encryption", "scram-sha-256", _enum("scram-sha-256", "md5")),
    SettingDef("role", "none", read_only=True),
    SettingDef("ssl", "off", read_only=True),
)
del SETTINGS["datestyle_order_placeholder"]

# Read by ORMs' reflection (SQLAlchemy compares pg_am.amname with it); kuzugres has
# one access method and no tablespaces.
_define(
    SettingDef("default_table_access_method", "heap", _enum("heap")),
    SettingDef("default_tablespace", "", _enum("")),
)

# Time travel (kuzugres.timetravel): the session sees the database as of this moment.
_define(
    SettingDef(
        "kuzugres.as_of",
        "",
        _as_of,
        description="Read the database as it was at this moment (empty: the present).",
    ),
)


def _custom(name: str) -> bool:
    """Custom settings have a prefix: `kuzugres.change_reason`, `myapp.tenant`."""
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)+", name) is not None


def canonical_name(name: str) -> str:
    """The shown name of a setting, or raise 42704 like PostgreSQL."""
    key = name.lower()
    if key in SETTINGS:
        return SETTINGS[key].name
    if _custom(name):
        return key
    raise UndefinedObject(f'unrecognized configuration parameter "{name}"')


class SessionSettings:
    """One session's settings with transaction-scoped undo and change reporting."""

    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        self._defaults: dict[str, str] = {d.name: d.default for d in SETTINGS.values()}
        self._values: dict[str, str] = dict(self._defaults)
        self._saved: dict[str, str | None] | None = None  # values before this transaction
        self._local: dict[str, str | None] = {}  # values before SET LOCAL
        self._reported: dict[str, str] = {}
        self._dirty = True  # something may have changed since the last report
        for name, value in (overrides or {}).items():
            self.set_default(name, value)

    # -- reading
    def get(self, name: str, *, missing_ok: bool = False) -> str | None:
        """The current value as SHOW prints it."""
        value = self._values.get(name)  # fast path: the caller used the shown name
        if value is not None:
            return value
        try:
            key = canonical_name(name)
        except UndefinedObject:
            if missing_ok:
                return None
            raise
        if key not in self._values:
            if missing_ok:
                return None
            raise UndefinedObject(f'unrecognized configuration parameter "{name}"')
        return self._values[key]

    def all(self) -> list[tuple[str, str, str]]:
        """(name, setting, description) for SHOW ALL, sorted by name."""
        return sorted(
            (
                (k, v, SETTINGS[k.lower()].description if k.lower() in SETTINGS else "")
                for k, v in self._values.items()
            ),
            key=lambda r: r[0].lower(),
        )

    # -- writing
    def _validate(self, name: str, value: str) -> tuple[str, str]:
        key = canonical_name(name)
        d = SETTINGS.get(key.lower())
        if d is None:
            return key, value
        if d.read_only:
            raise CantChangeRuntimeParam(f'parameter "{d.name}" cannot be changed')
        return d.name, d.check(d.name, value)

    def set_default(self, name: str, value: str) -> None:
        """Set a session default (startup packet `options`/parameters, server-side)."""
        self._dirty = True
        key = canonical_name(name)
        d = SETTINGS.get(key.lower())
        v = d.check(d.name, value) if d is not None else value
        self._defaults[key] = v
        self._values[key] = v

    def force(self, name: str, value: str) -> None:
        """Set a value the session owns (session_authorization, is_superuser)."""
        self._dirty = True
        key = canonical_name(name)
        self._defaults[key] = value
        self._values[key] = value

    def set(self, name: str, value: str | None, *, local: bool = False, in_tx: bool = False) -> str:
        """SET [LOCAL] name = value (None means DEFAULT); returns the new shown value."""
        self._dirty = True
        if value is None:
            key = canonical_name(name)
            d = SETTINGS.get(key.lower())
            if d is not None and d.read_only:
                raise CantChangeRuntimeParam(f'parameter "{d.name}" cannot be changed')
            new: str | None = self._defaults.get(key)
        else:
            key, new = self._validate(name, value)
        if local and not in_tx:
            return self._values.get(key, "") if new is None else new  # PG warns and ignores
        old = self._values.get(key)
        if local:
            self._local.setdefault(key, old)
        elif in_tx and self._saved is not None:
            self._saved.setdefault(key, old)
            self._local.pop(key, None)
        if new is None:
            self._values.pop(key, None)
        else:
            self._values[key] = new
        return new or ""

    def reset(self, name: str, *, in_tx: bool = False) -> None:
        """RESET name."""
        self.set(name, None, in_tx=in_tx)

    def reset_all(self, *, in_tx: bool = False) -> None:
        """RESET ALL: every user-settable value back to its session default."""
        for key in list(self._values):
            d = SETTINGS.get(key.lower())
            if d is not None and d.read_only:
                continue
            self.set(key, None, in_tx=in_tx)
        for key in list(self._values):
            if key not in self._defaults:
                self._values.pop(key)

    # -- transactions
    def begin(self) -> None:
        self._saved = {}
        self._local = {}

    def end(self, *, commit: bool) -> None:
        """Finish a transaction: SET LOCAL reverts always, SET reverts on rollback."""
        self._dirty = True
        for key, old in self._local.items():
            self._restore(key, old)
        if not commit and self._saved is not None:
            for key, old in self._saved.items():
                self._restore(key, old)
        self._saved = None
        self._local = {}

    def savepoint(self) -> tuple[dict[str, str], dict[str, str | None], dict[str, str | None]]:
        """What ROLLBACK TO SAVEPOINT restores: the values and the transaction's undo logs."""
        return dict(self._values), dict(self._saved or {}), dict(self._local)

    def rollback_to(
        self, mark: tuple[dict[str, str], dict[str, str | None], dict[str, str | None]]
    ) -> None:
        """ROLLBACK TO SAVEPOINT: settings changed since `mark` (SET and SET LOCAL) revert."""
        self._dirty = True
        values, saved, local = mark
        self._values = dict(values)
        if self._saved is not None:
            self._saved = dict(saved)
        self._local = dict(local)

    def _restore(self, key: str, old: str | None) -> None:
        if old is None:
            self._values.pop(key, None)
        else:
            self._values[key] = old

    # -- reporting
    def changed_reports(self) -> list[tuple[str, str]]:
        """Reported settings whose value changed since the last call."""
        if not self._dirty:
            return []
        self._dirty = False
        out = []
        for d in SETTINGS.values():
            if d.report:
                v = self._values.get(d.name, "")
                if self._reported.get(d.name) != v:
                    self._reported[d.name] = v
                    out.append((d.name, v))
        return out
