"""Date/time functions of PostgreSQL 15: extract/date_part, date_trunc, age, make_*,
to_timestamp/to_date, to_char (datetime and numeric), justify_*, isfinite.

Registered into expr.py's `_FUNCTIONS` table on import (expr.py imports this
module at its end).
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kuzugres.errcodes import DatetimeFieldOverflow, FeatureNotSupported, InvalidParameterValue
from kuzugres.errors import make_error
from kuzugres.proxy.types import (
    BOOL,
    DATE,
    FLOAT4,
    FLOAT8,
    INT2,
    INT4,
    INT8,
    INTERVAL,
    NUMERIC,
    TEXT,
    TIME,
    TIMESTAMP,
    TIMESTAMPTZ,
    TIMETZ,
    Interval,
    format_type,
)

from .expr import (
    _DEC,
    _FUNCTIONS,
    _Call,
    _function,
    _simple,
    _tz_from_local,
    _tz_local,
)

_US_SEC = 1_000_000
_US_MIN = 60 * _US_SEC
_US_HOUR = 60 * _US_MIN
_US_DAY = 24 * _US_HOUR

# DecodeUnits(): the unit names extract/date_part/date_trunc accept.
_UNIT_ALIASES: dict[str, str] = {}
for _canon, _aliases in {
    "microseconds": "microsecond microseconds microsecon us usec usecs useconds",
    "milliseconds": "millisecond milliseconds millisecon ms msec msecs mseconds",
    "second": "s sec secs second seconds",
    "minute": "m min mins minute minutes",
    "hour": "h hr hrs hour hours",
    "day": "d day days",
    "week": "w week weeks",
    "month": "mon mons month months",
    "quarter": "qtr quarter",
    "year": "y yr yrs year years",
    "decade": "dec decs decade decades",
    "century": "c cent centuries century",
    "millennium": "mil mils millennia millennium",
    "epoch": "epoch",
    "julian": "j julian",
    "dow": "dow",
    "isodow": "isodow",
    "doy": "doy",
    "isoyear": "isoyear",
    "timezone": "timezone",
    "timezone_hour": "timezone_h timezone_hour",
    "timezone_minute": "timezone_m timezone_minute",
}.items():
    for _a in _aliases.split():
        _UNIT_ALIASES[_a] = _canon


def _unit(unit: str, type_oid: int) -> str:
    u = _UNIT_ALIASES.get(unit.lower())
    if u is None:
        raise InvalidParameterValue(
            f'unit "{unit}" not recognized for type {format_type(type_oid)}'
        )
    return u


def _unsupported(unit: str, type_oid: int) -> Exception:
    return FeatureNotSupported(f'unit "{unit}" not supported for type {format_type(type_oid)}')


def _julian(d: dt.date) -> int:
    return d.toordinal() + 1721425


def _decade(y: int) -> int:
    return y // 10 if y >= 0 else -((8 - (y - 1)) // 10)


def _century(y: int) -> int:
    return (y + 99) // 100 if y > 0 else -((99 - (y - 1)) // 100)


def _millennium(y: int) -> int:
    return (y + 999) // 1000 if y > 0 else -((999 - (y - 1)) // 1000)


def _frac(us: int, scale: int) -> Decimal:
    """`us` microseconds as a numeric with `scale` digits (seconds: 6, ms: 3)."""
    return Decimal(us).scaleb(-6 + (6 - scale)).quantize(Decimal(1).scaleb(-scale), context=_DEC)


def _date_fields(d: dt.date, u: str) -> Decimal | None:
    y = d.year
    iso = d.isocalendar()
    simple: dict[str, int] = {
        "day": d.day,
        "month": d.month,
        "year": y,
        "quarter": (d.month - 1) // 3 + 1,
        "week": iso[1],
        "dow": (d.weekday() + 1) % 7,
        "isodow": iso[2],
        "doy": d.timetuple().tm_yday,
        "decade": _decade(y),
        "century": _century(y),
        "millennium": _millennium(y),
        "isoyear": iso[0],
        "julian": _julian(d),
    }
    if u in simple:
        return Decimal(simple[u])
    return None


def _clock_field(u: str, t: dt.time | dt.datetime) -> Decimal | None:
    """extract() of the time-of-day fields shared by timestamps and times."""
    sec_us = t.second * _US_SEC + t.microsecond
    if u == "microseconds":
        return Decimal(sec_us)
    if u == "milliseconds":
        return _frac(sec_us, 3)
    if u == "second":
        return _frac(sec_us, 6)
    if u == "minute":
        return Decimal(t.minute)
    if u == "hour":
        return Decimal(t.hour)
    return None


def _extract_ts(unit: str, ts: dt.datetime, type_oid: int, call: _Call) -> Decimal:
    u = _unit(unit, type_oid)
    tz_offset = 0
    if ts.tzinfo is not None:
        local = ts.astimezone(call.env.tz)
        tz_offset = int((local.utcoffset() or dt.timedelta()).total_seconds())
        epoch_us = (ts - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
        ts = local.replace(tzinfo=None)
    else:
        epoch_us = (ts - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
    tod_us = (ts.hour * 3600 + ts.minute * 60) * _US_SEC + ts.second * _US_SEC + ts.microsecond
    clock = _clock_field(u, ts)
    if clock is not None:
        return clock
    if u == "epoch":
        return _frac(epoch_us, 6)
    if u == "julian":
        return _DEC.add(
            Decimal(_julian(ts.date())), _DEC.divide(Decimal(tod_us), Decimal(_US_DAY))
        ).quantize(Decimal(1).scaleb(-20), context=_DEC)
    if u in ("timezone", "timezone_hour", "timezone_minute"):
        if type_oid != TIMESTAMPTZ:
            raise _unsupported(unit, type_oid)
        if u == "timezone":
            return Decimal(tz_offset)
        if u == "timezone_hour":
            return Decimal(int(tz_offset / 3600))
        return Decimal(int(tz_offset / 60) - int(tz_offset / 3600) * 60)
    r = _date_fields(ts.date(), u)
    assert r is not None
    return r


def _extract_date(unit: str, d: dt.date) -> Decimal:
    u = _unit(unit, DATE)
    if u == "epoch":
        return Decimal((d - dt.date(1970, 1, 1)).days * 86400)
    r = _date_fields(d, u)
    if r is None:
        raise _unsupported(unit, DATE)
    return r


def _extract_time(unit: str, t: dt.time, type_oid: int) -> Decimal:
    u = _unit(unit, type_oid)
    tod_us = (t.hour * 3600 + t.minute * 60) * _US_SEC + t.second * _US_SEC + t.microsecond
    off = int((t.utcoffset() or dt.timedelta()).total_seconds()) if type_oid == TIMETZ else 0
    clock = _clock_field(u, t)
    if clock is not None:
        return clock
    if u == "epoch":
        return _frac(tod_us - off * _US_SEC, 6)
    if type_oid == TIMETZ and u in ("timezone", "timezone_hour", "timezone_minute"):
        if u == "timezone":
            return Decimal(off)
        if u == "timezone_hour":
            return Decimal(int(off / 3600))
        return Decimal(int(off / 60) - int(off / 3600) * 60)
    raise _unsupported(unit, type_oid)


def _ctrunc(a: int, b: int) -> int:
    """C integer division (truncating toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _extract_interval(unit: str, iv: Interval) -> Decimal:
    u = _unit(unit, INTERVAL)
    years, mons = _ctrunc(iv.months, 12), iv.months - _ctrunc(iv.months, 12) * 12
    time = iv.microseconds
    hours = _ctrunc(time, _US_HOUR)
    rest = time - hours * _US_HOUR
    minutes = _ctrunc(rest, _US_MIN)
    sec_us = rest - minutes * _US_MIN
    if u == "microseconds":
        return Decimal(sec_us)
    if u == "milliseconds":
        return _frac(sec_us, 3)
    if u == "second":
        return _frac(sec_us, 6)
    if u == "epoch":
        secs = 31_557_600 * years + (30 * mons + iv.days) * 86400
        return _frac(time + secs * _US_SEC, 6)
    simple = {
        "minute": minutes,
        "hour": hours,
        "day": iv.days,
        "month": mons,
        "quarter": _ctrunc(mons, 3) + 1,
        "year": years,
        "decade": _ctrunc(years, 10),
        "century": _ctrunc(years, 100),
        "millennium": _ctrunc(years, 1000),
    }
    if u in simple:
        return Decimal(simple[u])
    raise _unsupported(unit, INTERVAL)


def _extractor(type_oid: int) -> Callable[[_Call, str, Any], Decimal]:
    if type_oid in (TIMESTAMP, TIMESTAMPTZ):
        return lambda call, unit, v: _extract_ts(unit, v, type_oid, call)
    if type_oid == DATE:
        return lambda call, unit, v: _extract_date(unit, v)
    if type_oid in (TIME, TIMETZ):
        return lambda call, unit, v: _extract_time(unit, v, type_oid)
    return lambda call, unit, v: _extract_interval(unit, v)


def _as_float8(d: Decimal) -> float:
    return float(d)


def _as_float8_fn(f: Callable[[_Call, str, Any], Decimal]) -> Callable[..., float]:
    return lambda call, unit, v: _as_float8(f(call, unit, v))


for _t in (TIMESTAMP, TIMESTAMPTZ, DATE, TIME, TIMETZ, INTERVAL):
    _function("extract", (TEXT, _t), NUMERIC, _extractor(_t))
    if _t == DATE:
        continue
    _function(
        "date_part",
        (TEXT, _t),
        FLOAT8,
        _as_float8_fn(_extractor(_t)),
    )
_function(
    "date_part",
    (TEXT, DATE),
    FLOAT8,
    lambda call, unit, d: _as_float8(
        _extract_ts(unit, dt.datetime(d.year, d.month, d.day), TIMESTAMP, call)
    ),
)


# --- date_trunc

_TRUNC_UNITS = (
    "microseconds",
    "milliseconds",
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "quarter",
    "year",
    "decade",
    "century",
    "millennium",
)


def _trunc_local(unit: str, r: dt.datetime, type_oid: int) -> dt.datetime:
    u = _UNIT_ALIASES.get(unit.lower())
    if u is None:
        raise InvalidParameterValue(
            f'unit "{unit}" not recognized for type {format_type(type_oid)}'
        )
    if u not in _TRUNC_UNITS:
        raise InvalidParameterValue(
            f'unit "{unit}" not recognized for type {format_type(type_oid)}'
        )
    idx = _TRUNC_UNITS.index(u)
    if u == "milliseconds":
        r = r.replace(microsecond=r.microsecond // 1000 * 1000)
    if idx >= 2:
        r = r.replace(microsecond=0)
    if idx >= 3:
        r = r.replace(second=0)
    if idx >= 4:
        r = r.replace(minute=0)
    if idx >= 5:
        r = r.replace(hour=0)
    if u == "week":
        r = r - dt.timedelta(days=r.weekday())
    if idx >= 7:
        r = r.replace(day=1)
    if u == "quarter":
        r = r.replace(month=(r.month - 1) // 3 * 3 + 1)
    if idx >= 9:
        r = r.replace(month=1)
    if u == "decade":
        r = r.replace(year=max(r.year // 10 * 10, 1))
    if u == "century":
        r = r.replace(year=(r.year - 1) // 100 * 100 + 1)
    if u == "millennium":
        r = r.replace(year=(r.year - 1) // 1000 * 1000 + 1)
    return r


def _date_trunc(call: _Call, unit: str, ts: dt.datetime) -> dt.datetime:
    if ts.tzinfo is None:
        return _trunc_local(unit, ts, TIMESTAMP)
    local = _trunc_local(unit, _tz_local(ts, call.env), TIMESTAMPTZ)
    return _tz_from_local(local, call.env)


def _date_trunc_zone(call: _Call, unit: str, ts: dt.datetime, zone: str) -> dt.datetime:
    from kuzugres.proxy.types import time_zone

    tz = time_zone(zone)
    local = _trunc_local(unit, ts.astimezone(tz).replace(tzinfo=None), TIMESTAMPTZ)
    return local.replace(tzinfo=tz).astimezone(dt.UTC)


def _date_trunc_interval(unit: str, iv: Interval) -> Interval:
    u = _UNIT_ALIASES.get(unit.lower())
    if u is None:
        raise InvalidParameterValue(f'unit "{unit}" not recognized for type interval')
    if u not in _TRUNC_UNITS or u == "week":
        raise _unsupported(unit, INTERVAL)
    idx = _TRUNC_UNITS.index(u)
    years, mons = _ctrunc(iv.months, 12), iv.months - _ctrunc(iv.months, 12) * 12
    days, time = iv.days, iv.microseconds
    if u == "milliseconds":
        time = _ctrunc(time, 1000) * 1000
    elif idx >= 2:
        unit_us = {2: _US_SEC, 3: _US_MIN}.get(idx, _US_HOUR)
        time = _ctrunc(time, unit_us) * unit_us
    if idx >= 5:
        time = 0
    if idx >= 7:
        days = 0
    if u == "quarter":
        mons = _ctrunc(mons, 3) * 3
    if idx >= 9:
        mons = 0
    if u == "decade":
        years = _ctrunc(years, 10) * 10
    if u == "century":
        years = _ctrunc(years, 100) * 100
    if u == "millennium":
        years = _ctrunc(years, 1000) * 1000
    return Interval(years * 12 + mons, days, time)


_FUNCTIONS.pop("date_trunc", None)
_function("date_trunc", (TEXT, TIMESTAMP), TIMESTAMP, _date_trunc)
_function("date_trunc", (TEXT, TIMESTAMPTZ), TIMESTAMPTZ, _date_trunc)
_function("date_trunc", (TEXT, TIMESTAMPTZ, TEXT), TIMESTAMPTZ, _date_trunc_zone)
_function("date_trunc", (TEXT, INTERVAL), INTERVAL, _simple(_date_trunc_interval))


def _interval_zone(iv: Interval) -> dt.timedelta:
    if iv.months or iv.days:
        raise InvalidParameterValue(
            f'interval time zone "{_interval_text(iv)}" must not include months or days'
        )
    return dt.timedelta(microseconds=iv.microseconds)


def _interval_text(iv: Interval) -> str:
    from kuzugres.proxy.types import FormatContext, encode_text

    return encode_text(INTERVAL, iv, FormatContext()).decode()


def _at_zone_tz(zone: str, ts: dt.datetime) -> dt.datetime:
    """timestamptz AT TIME ZONE zone: the wall-clock time there (timestamp)."""
    from kuzugres.proxy.types import time_zone

    return ts.astimezone(time_zone(zone)).replace(tzinfo=None)


def _at_zone_local(zone: str, ts: dt.datetime) -> dt.datetime:
    """timestamp AT TIME ZONE zone: that wall-clock time there, as a timestamptz."""
    from kuzugres.proxy.types import time_zone

    return ts.replace(tzinfo=time_zone(zone)).astimezone(dt.UTC)


def _at_izone_tz(zone: Interval, ts: dt.datetime) -> dt.datetime:
    return ts.astimezone(dt.UTC).replace(tzinfo=None) + _interval_zone(zone)


def _at_izone_local(zone: Interval, ts: dt.datetime) -> dt.datetime:
    return (ts - _interval_zone(zone)).replace(tzinfo=dt.UTC)


_function("timezone", (TEXT, TIMESTAMPTZ), TIMESTAMP, _simple(_at_zone_tz))
_function("timezone", (TEXT, TIMESTAMP), TIMESTAMPTZ, _simple(_at_zone_local))
_function("timezone", (INTERVAL, TIMESTAMPTZ), TIMESTAMP, _simple(_at_izone_tz))
_function("timezone", (INTERVAL, TIMESTAMP), TIMESTAMPTZ, _simple(_at_izone_local))


# --- age


def _days_in_month(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _age(a: dt.datetime, b: dt.datetime) -> Interval:
    """timestamp_age(): field-wise difference with borrowing, as PostgreSQL does."""
    f = [
        a.microsecond - b.microsecond,
        a.second - b.second,
        a.minute - b.minute,
        a.hour - b.hour,
        a.day - b.day,
        a.month - b.month,
        a.year - b.year,
    ]
    neg = a < b
    if neg:
        f = [-x for x in f]
    us, sec, mi, hr, md, mon, yr = f
    while us < 0:
        us += 1_000_000
        sec -= 1
    while sec < 0:
        sec += 60
        mi -= 1
    while mi < 0:
        mi += 60
        hr -= 1
    while hr < 0:
        hr += 24
        md -= 1
    while md < 0:
        ref = a if neg else b
        md += _days_in_month(ref.year, ref.month)
        mon -= 1
    while mon < 0:
        mon += 12
        yr -= 1
    if neg:
        us, sec, mi, hr, md, mon, yr = (-x for x in (us, sec, mi, hr, md, mon, yr))
    return Interval(yr * 12 + mon, md, ((hr * 60 + mi) * 60 + sec) * _US_SEC + us)


def _age_tz(call: _Call, a: dt.datetime, b: dt.datetime) -> Interval:
    return _age(_tz_local(a, call.env), _tz_local(b, call.env))


def _today(call: _Call) -> dt.datetime:
    now = _tz_local(call.env.ctx.transaction_timestamp(), call.env)
    return dt.datetime(now.year, now.month, now.day)


_FUNCTIONS.pop("age", None)
_function("age", (TIMESTAMP, TIMESTAMP), INTERVAL, _simple(_age))
_function("age", (TIMESTAMPTZ, TIMESTAMPTZ), INTERVAL, _age_tz)
_function("age", (TIMESTAMP,), INTERVAL, lambda call, ts: _age(_today(call), ts))
_function(
    "age", (TIMESTAMPTZ,), INTERVAL, lambda call, ts: _age(_today(call), _tz_local(ts, call.env))
)


# --- make_*


def _sec_parts(sec: float) -> tuple[int, int]:
    us = round(sec * 1_000_000)
    return us // 1_000_000, us % 1_000_000


def _make_time(h: int, m: int, sec: float) -> dt.time:
    if (
        not 0 <= h <= 24
        or not 0 <= m <= 59
        or not 0 <= sec <= 60
        or (h == 24 and (m or sec))
        or math.isnan(sec)
    ):
        raise DatetimeFieldOverflow(f"time field value out of range: {h}:{m:02d}:{_g(sec)}")
    s, us = _sec_parts(sec)
    if h == 24 or s == 60:
        raise FeatureNotSupported("time 24:00:00 is not supported yet")
    return dt.time(h, m, s, us)


def _g(x: float) -> str:
    """%02g as PostgreSQL prints seconds in field errors."""
    text = f"{x:g}"
    return text if x >= 10 or x < 0 else "0" + text


def _make_timestamp(y: int, mo: int, d: int, h: int, mi: int, sec: float) -> dt.datetime:
    if y <= 0:
        raise DatetimeFieldOverflow(f"date field value out of range: {y}-{mo:02d}-{d:02d}")
    try:
        date = dt.date(y, mo, d)
    except ValueError:
        raise DatetimeFieldOverflow(
            f"date field value out of range: {y}-{mo:02d}-{d:02d}"
        ) from None
    return dt.datetime.combine(date, _make_time(h, mi, sec))


def _make_timestamptz(call: _Call, *args: Any) -> dt.datetime:
    local = _make_timestamp(*args[:6])
    if len(args) == 7:
        from kuzugres.proxy.types import time_zone

        return local.replace(tzinfo=time_zone(args[6])).astimezone(dt.UTC)
    return _tz_from_local(local, call.env)


def _make_interval(
    years: int = 0,
    months: int = 0,
    weeks: int = 0,
    days: int = 0,
    hours: int = 0,
    mins: int = 0,
    secs: float = 0.0,
) -> Interval:
    if math.isnan(secs) or math.isinf(secs):
        raise DatetimeFieldOverflow("interval out of range")
    us = round(secs * 1_000_000) + (hours * 60 + mins) * _US_MIN
    return Interval(years * 12 + months, weeks * 7 + days, us)


_function("make_time", (INT4, INT4, FLOAT8), TIME, _simple(_make_time))
_function(
    "make_timestamp", (INT4, INT4, INT4, INT4, INT4, FLOAT8), TIMESTAMP, _simple(_make_timestamp)
)
_function(
    "make_timestamptz", (INT4, INT4, INT4, INT4, INT4, FLOAT8), TIMESTAMPTZ, _make_timestamptz
)
_function(
    "make_timestamptz", (INT4, INT4, INT4, INT4, INT4, FLOAT8, TEXT), TIMESTAMPTZ, _make_timestamptz
)
_MI_ARGS = (INT4, INT4, INT4, INT4, INT4, INT4, FLOAT8)
for _n in range(8):
    _function("make_interval", _MI_ARGS[:_n], INTERVAL, _simple(_make_interval))


# --- to_timestamp(float8), justify, isfinite


def _to_timestamp_epoch(x: float) -> dt.datetime:
    if math.isnan(x):
        raise DatetimeFieldOverflow("timestamp cannot be NaN")
    if math.isinf(x):
        raise FeatureNotSupported("infinite timestamps are not supported yet")
    try:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=round(x * 1e6))
    except OverflowError:
        raise DatetimeFieldOverflow(f'timestamp out of range: "{x:g}"') from None


_function("to_timestamp", (FLOAT8,), TIMESTAMPTZ, _simple(_to_timestamp_epoch))


def _justify_interval(iv: Interval) -> Interval:
    months, days, us = iv.months, iv.days, iv.microseconds
    extra = _ctrunc(us, _US_DAY)
    days += extra
    us -= extra * _US_DAY
    extra = _ctrunc(days, 30)
    months += extra
    days -= extra * 30
    if months > 0 and (days < 0 or (days == 0 and us < 0)):
        days += 30
        months -= 1
    elif months < 0 and (days > 0 or (days == 0 and us > 0)):
        days -= 30
        months += 1
    if days > 0 and us < 0:
        us += _US_DAY
        days -= 1
    elif days < 0 and us > 0:
        us -= _US_DAY
        days += 1
    return Interval(months, days, us)


def _justify_hours(iv: Interval) -> Interval:
    days, us = iv.days, iv.microseconds
    extra = _ctrunc(us, _US_DAY)
    days += extra
    us -= extra * _US_DAY
    if days > 0 and us < 0:
        us += _US_DAY
        days -= 1
    elif days < 0 and us > 0:
        us -= _US_DAY
        days += 1
    return Interval(iv.months, days, us)


def _justify_days(iv: Interval) -> Interval:
    months, days = iv.months, iv.days
    extra = _ctrunc(days, 30)
    months += extra
    days -= extra * 30
    if months > 0 and days < 0:
        days += 30
        months -= 1
    elif months < 0 and days > 0:
        days -= 30
        months += 1
    return Interval(months, days, iv.microseconds)


for _fname in ("justify_hours", "justify_days", "justify_interval"):
    _FUNCTIONS.pop(_fname, None)
_function("justify_hours", (INTERVAL,), INTERVAL, _simple(_justify_hours))
_function("justify_days", (INTERVAL,), INTERVAL, _simple(_justify_days))
_function("justify_interval", (INTERVAL,), INTERVAL, _simple(_justify_interval))
for _t in (DATE, TIMESTAMP, TIMESTAMPTZ, INTERVAL):
    _function("isfinite", (_t,), BOOL, _simple(lambda v: True))


# --- to_char

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# Longest first within each leading letter (PostgreSQL's keyword table order).
_DCH_KEYWORDS = sorted(
    """A.D. A.M. AD AM B.C. BC CC DAY DDD DD DY Day Dy D FF1 FF2 FF3 FF4 FF5 FF6 FX HH24 HH12 HH
    IDDD ID IW IYYY IYY IY I J MI MM MONTH MON MS Month Mon OF P.M. PM Q RM SSSSS SSSS SS TZH
    TZM TZ US WW W Y,YYY YYYY YYY YY Y a.d. a.m. ad am b.c. bc cc day ddd dd dy d ff1 ff2 ff3
    ff4 ff5 ff6 fx hh24 hh12 hh iddd id iw iyyy iyy iy i j mi mm month mon ms of p.m. pm q rm
    sssss ssss ss tz us ww w y,yyy yyyy yyy yy y""".split(),
    key=lambda k: -len(k),
)


def _ordinal(n: int, upper: bool) -> str:
    n = abs(n)
    if n % 100 in (11, 12, 13):
        s = "th"
    else:
        s = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return s.upper() if upper else s


def _parse_dch(fmt: str) -> list[tuple[str, Any]]:
    """Template tokens: ('kw', (keyword, fm, suffix)) or ('lit', text)."""
    out: list[tuple[str, Any]] = []
    i = 0
    n = len(fmt)
    while i < n:
        fm = False
        j = i
        while True:
            up = fmt[j : j + 2].upper()
            if up == "FM":
                fm = True
                j += 2
            elif up in ("FX", "TM"):
                j += 2
            else:
                break
        kw = next((k for k in _DCH_KEYWORDS if fmt.startswith(k, j)), None)
        if kw is not None:
            j += len(kw)
            suffix = ""
            if fmt[j : j + 2] in ("TH", "th"):
                suffix = fmt[j : j + 2]
                j += 2
            out.append(("kw", (kw, fm, suffix, kw)))
            i = j
            continue
        if j > i:
            i = j
            continue
        ch = fmt[i]
        if ch == '"':
            k = i + 1
            buf = []
            while k < n and fmt[k] != '"':
                if fmt[k] == "\\" and k + 1 < n:
                    k += 1
                buf.append(fmt[k])
                k += 1
            out.append(("lit", "".join(buf)))
            i = k + 1
            continue
        if ch == "\\" and i + 1 < n and fmt[i + 1] == '"':
            out.append(("lit", '"'))
            i += 2
            continue
        out.append(("lit", ch))
        i += 1
    return out


def _case(name: str, kw: str) -> str:
    if kw.isupper():
        return name.upper()
    if kw.islower():
        return name.lower()
    return name


def _to_char_dt(
    call: _Call, v: dt.datetime | None, fmt: str, iv: Interval | None = None, tz_aware: bool = False
) -> str | None:
    if fmt == "":
        return None
    if iv is not None:
        years, mons = _ctrunc(iv.months, 12), iv.months - _ctrunc(iv.months, 12) * 12
        hours = _ctrunc(iv.microseconds, _US_HOUR)
        rest = iv.microseconds - hours * _US_HOUR
        year, month, day = years, mons, iv.days
        hour, minute = hours, _ctrunc(rest, _US_MIN)
        rest -= minute * _US_MIN
        second, usec = _ctrunc(rest, _US_SEC), rest - _ctrunc(rest, _US_SEC) * _US_SEC
        date = None
        offset = 0
        abbrev = ""
    else:
        assert v is not None
        offset = 0
        abbrev = ""
        if tz_aware:
            local = v.astimezone(call.env.tz)
            offset = int((local.utcoffset() or dt.timedelta()).total_seconds())
            abbrev = local.tzname() or ""
            v = local.replace(tzinfo=None)
        year, month, day = v.year, v.month, v.day
        hour, minute, second, usec = v.hour, v.minute, v.second, v.microsecond
        date = v.date()
    out: list[str] = []
    for kind, tok in _parse_dch(fmt):
        if kind == "lit":
            out.append(tok)
            continue
        kw, fm, suffix, text = tok
        k = kw.upper()
        num: int | None = None
        width = 0
        s: str | None = None
        if k in ("HH", "HH12"):
            h12 = hour % 12
            num, width = (12 if h12 == 0 else h12), 2
        elif k == "HH24":
            num, width = hour, 2
        elif k == "MI":
            num, width = minute, 2
        elif k == "SS":
            num, width = second, 2
        elif k == "MS":
            num, width = usec // 1000, 3
        elif k == "US":
            num, width = usec, 6
        elif k.startswith("FF"):
            digits = int(k[2])
            num, width = usec // 10 ** (6 - digits), digits
        elif k in ("SSSS", "SSSSS"):
            num, width = hour * 3600 + minute * 60 + second, 0
        elif k in ("AM", "PM"):
            s = _case("PM" if hour >= 12 else "AM", text)
        elif k in ("A.M.", "P.M."):
            s = _case("P.M." if hour >= 12 else "A.M.", text)
        elif k in ("AD", "BC"):
            s = _case("AD" if year > 0 else "BC", text)
        elif k in ("A.D.", "B.C."):
            s = _case("A.D." if year > 0 else "B.C.", text)
        elif k == "YYYY":
            num, width = year, 4
        elif k == "Y,YYY":
            s = f"{year // 1000},{year % 1000:03d}"
        elif k == "YYY":
            num, width = year % 1000, 3
        elif k == "YY":
            num, width = year % 100, 2
        elif k == "Y":
            num, width = year % 10, 1
        elif k in ("IYYY", "IYY", "IY", "I"):
            iy = date.isocalendar()[0] if date else year
            width = len(k)
            num = iy if width == 4 else iy % 10**width
        elif k in ("MONTH", "MON"):
            if iv is not None and month == 0:
                s = ""
            else:
                name = _MONTHS[month - 1]
                if k == "MON":
                    s = _case(name[:3], text)
                else:
                    s = _case(name, text)
                    if not fm:
                        s = s.ljust(9)
        elif k == "MM":
            num, width = month, 2
        elif k in ("DAY", "DY"):
            if date is None:
                s = ""
            else:
                name = _DAYS[(date.weekday() + 1) % 7]
                if k == "DY":
                    s = _case(name[:3], text)
                else:
                    s = _case(name, text)
                    if not fm:
                        s = s.ljust(9)
        elif k == "DDD":
            num, width = (date.timetuple().tm_yday if date else day), 3
        elif k == "DD":
            num, width = day, 2
        elif k == "D":
            num, width = ((date.weekday() + 1) % 7 + 1 if date else 0), 1
        elif k == "ID":
            num, width = (date.isoweekday() if date else 0), 1
        elif k == "IDDD":
            if date:
                iy, iw, idw = date.isocalendar()
                num = (iw - 1) * 7 + idw
            else:
                num = 0
            width = 3
        elif k == "WW":
            num, width = ((date.timetuple().tm_yday - 1) // 7 + 1 if date else 0), 2
        elif k == "IW":
            num, width = (date.isocalendar()[1] if date else 0), 2
        elif k == "W":
            num, width = (day - 1) // 7 + 1, 1
        elif k == "Q":
            if iv is not None and month == 0 and year == 0:
                s = ""
            else:
                num, width = (month - 1) // 3 + 1, 1
        elif k == "CC":
            num, width = (_century(year) if iv is None else _ctrunc(year, 100)), 2
        elif k == "J":
            num, width = (_julian(date) if date else 0), 0
        elif k == "RM":
            if month == 0:
                s = ""
            else:
                r = _ROMAN[month - 1]
                s = (
                    (r if fm else r.ljust(4))
                    if text.isupper()
                    else (r if fm else r.ljust(4)).lower()
                )
        elif k == "TZ":
            s = abbrev if tz_aware else ""
            s = s.upper() if text.isupper() else s.lower()
            if tz_aware and (s.startswith("+") or s.startswith("-")):
                s = _fmt_offset(offset, short=True)
        elif k == "TZH":
            sign = "-" if offset < 0 else "+"
            s = f"{sign}{abs(offset) // 3600:02d}"
        elif k == "TZM":
            s = f"{abs(offset) // 60 % 60:02d}"
        elif k == "OF":
            s = _fmt_offset(offset, short=True)
        else:
            s = text
        if num is not None:
            if fm or width == 0:
                s = str(num)
            elif num < 0:
                wide = k in ("HH", "HH12", "HH24", "MI", "SS")
                s = "-" + str(-num).zfill(width if wide else width - 1)
            else:
                s = str(num).zfill(width)
            if suffix:
                s += _ordinal(num, suffix == "TH")
        out.append(s or "")
    return "".join(out)


def _fmt_offset(offset: int, short: bool) -> str:
    sign = "-" if offset < 0 else "+"
    h, rem = divmod(abs(offset), 3600)
    m = rem // 60
    return f"{sign}{h:02d}" + (f":{m:02d}" if m or not short else "")


_function("to_char", (TIMESTAMP, TEXT), TEXT, lambda call, v, f: _to_char_dt(call, v, f))
_function(
    "to_char",
    (TIMESTAMPTZ, TEXT),
    TEXT,
    lambda call, v, f: _to_char_dt(call, v, f, tz_aware=True),
)
_function("to_char", (INTERVAL, TEXT), TEXT, lambda call, v, f: _to_char_dt(call, None, f, iv=v))


# --- to_char for numbers

_NUM_TOKENS = (
    "FM",
    "EEEE",
    "MI",
    "PL",
    "SG",
    "PR",
    "TH",
    "th",
    "RN",
    "rn",
    "9",
    "0",
    ".",
    ",",
    "D",
    "G",
    "S",
    "L",
    "V",
)


def _parse_num(fmt: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(fmt):
        up = fmt[i : i + 4].upper()
        for tok in _NUM_TOKENS:
            if (
                fmt.startswith(tok, i)
                if tok in ("TH", "th", "RN", "rn")
                else up.startswith(tok.upper())
            ):
                out.append(tok.upper() if tok not in ("TH", "th", "rn") else tok)
                i += len(tok)
                break
        else:
            if fmt[i] == '"':
                k = fmt.find('"', i + 1)
                k = len(fmt) if k < 0 else k
                out.append("'" + fmt[i + 1 : k])
                i = k + 1
            else:
                out.append("'" + fmt[i])
                i += 1
    return out


def _roman(n: int) -> str:
    vals = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _to_char_num(call: _Call, value: Any, fmt: str) -> str:
    toks = _parse_num(fmt)
    fm = "FM" in toks
    if "RN" in toks or "rn" in toks:
        n = (
            int(Decimal(value).to_integral_value(rounding=decimal.ROUND_HALF_UP))
            if not (isinstance(value, float) and not math.isfinite(value))
            else 0
        )
        r = "###############" if not 1 <= n <= 3999 else _roman(n)
        if "rn" in toks:
            r = r.lower()
        return r if fm else r.rjust(15)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            dec = None
        else:
            dec = Decimal(value)
    else:
        dec = None if isinstance(value, Decimal) and value.is_nan() else Decimal(value)
    rounding = decimal.ROUND_HALF_EVEN if isinstance(value, float) else decimal.ROUND_HALF_UP
    digit_toks = [t for t in toks if t in ("9", "0")]
    point = next((i for i, t in enumerate(toks) if t in (".", "D")), None)
    pre = sum(1 for i, t in enumerate(toks) if t in ("9", "0") and (point is None or i < point))
    post = len(digit_toks) - pre
    vmul = sum(1 for t in toks if t == "V")
    if vmul:
        # 'V' shifts by the digits after it.
        post_v = sum(1 for i, t in enumerate(toks) if t in ("9", "0") and i > toks.index("V"))
        if dec is not None:
            dec = dec.scaleb(post_v)
        pre, post = pre + post - post_v if point is None else pre, 0 if point is None else post
        pre = len(digit_toks)
        post = 0
    if "EEEE" in toks:
        if dec is None:
            body = " " * (pre + post + 5)
            return body if not fm else "#" * 0 + body.strip()
        neg = dec < 0
        if dec == 0:
            mant, exp = Decimal(0), 0
        else:
            exp = dec.copy_abs().adjusted()
            mant = dec.copy_abs().scaleb(-exp)
            mant = mant.quantize(Decimal(1).scaleb(-post), rounding=decimal.ROUND_HALF_UP)
            if mant >= 10:
                exp += 1
                mant = (mant / 10).quantize(
                    Decimal(1).scaleb(-post), rounding=decimal.ROUND_HALF_UP
                )
        mtxt = f"{mant:.{post}f}"
        if point is not None and post == 0:
            mtxt += "."
        body = (
            ("-" if neg else " " if not fm else "")
            + mtxt
            + f"e{'-' if exp < 0 else '+'}{abs(exp):02d}"
        )
        return body
    neg = dec is not None and dec < 0
    if dec is None and "EEEE" not in toks:
        return "NaN".rjust(pre + 1) if not fm else "NaN"
    if dec is None:
        int_digits = None
        frac_digits = ""
    else:
        rounded = dec.copy_abs().quantize(Decimal(1).scaleb(-post), rounding=rounding, context=_DEC)
        txt = f"{rounded:f}"
        ip, _, fp = txt.partition(".")
        int_digits = ip.lstrip("0")
        frac_digits = fp.ljust(post, "0")
        if neg and rounded == 0:
            neg = False
        if fm and not int_digits and not frac_digits.strip("0"):
            int_digits = "0"
    overflow = int_digits is None or len(int_digits) > pre
    has_sign_tok = any(t in ("S", "MI", "PL", "SG", "PR") for t in toks)
    first_digit = next((i for i, t in enumerate(toks) if t in ("9", "0", ".", "D")), len(toks))
    lead_s = "S" in toks and toks.index("S") < first_digit
    # Where the number starts: the first '0' token or the first significant digit.
    int_positions = [
        i for i, t in enumerate(toks) if t in ("9", "0") and (point is None or i < point)
    ]
    nd = len(int_digits or "")
    first_sig = len(int_positions) - nd
    zero_start = next(
        (k for k, i in enumerate(int_positions) if toks[i] == "0"), len(int_positions)
    )
    start = min(first_sig, zero_start)
    if start == len(int_positions) and point is None:
        start = len(int_positions) - 1 if int_positions else 0
    out: list[str] = []
    sign_done = False
    default_sign = not has_sign_tok or lead_s

    def sign_char() -> str:
        if lead_s:
            return "-" if neg else "+"
        return "-" if neg else ("" if fm else " ")

    k = 0  # int digit index
    f = 0  # frac digit index
    started = False
    frac_positions = [
        i for i, t in enumerate(toks) if t in ("9", "0") and point is not None and i > point
    ]
    # FM trims trailing '9' zeros of the fraction.
    keep_frac = len(frac_positions)
    if fm and not overflow:
        while (
            keep_frac > 0
            and toks[frac_positions[keep_frac - 1]] == "9"
            and frac_digits[keep_frac - 1] == "0"
        ):
            keep_frac -= 1
    for idx, t in enumerate(toks):
        if t in ("9", "0") and (point is None or idx < point):
            if overflow:
                if default_sign and not sign_done:
                    out.append(sign_char())
                    sign_done = True
                out.append("#")
                k += 1
                continue
            if k >= start:
                if not started and default_sign and not sign_done:
                    out.append(sign_char())
                    sign_done = True
                started = True
                d_index = k - first_sig
                out.append(int_digits[d_index] if int_digits and 0 <= d_index < nd else "0")
            elif not fm:
                out.append(" ")
            k += 1
        elif t in (".", "D"):
            if not started and default_sign and not sign_done:
                out.append(sign_char())
                sign_done = True
            started = True
            out.append("#" if overflow and False else ".")
        elif t in ("9", "0"):
            if overflow:
                out.append("#")
            elif f < keep_frac:
                out.append(frac_digits[f])
            f += 1
        elif t in (",", "G"):
            if started or overflow:
                out.append(",")
            elif not fm:
                out.append(" ")
        elif t == "S":
            if not lead_s:
                out.append("-" if neg else "+")
        elif t == "MI":
            out.append("-" if neg else ("" if fm else " "))
        elif t == "PL":
            out.append("" if neg else "+")
        elif t == "SG":
            out.append("-" if neg else "+")
        elif t == "PR":
            pass
        elif t == "L":
            out.append(" ")
        elif t in ("TH", "th"):
            if not overflow and int_digits is not None and point is None:
                out.append(_ordinal(int(int_digits or "0"), t == "TH"))
        elif t in ("FM", "V", "EEEE"):
            pass
        elif t.startswith("'"):
            out.append(t[1:])
    res = "".join(out)
    if default_sign and not sign_done:
        res = sign_char() + res
    if "PR" in toks:
        res = ("<" + res.strip() + ">") if neg else (" " + res + " " if not fm else res)
        if neg and not fm:
            res = res.rjust(len(out) + 2)
    if "S" in toks and not fm:
        # S sits next to the number: move leading blanks before it.
        pass
    return res


for _t in (INT2, INT4, INT8, NUMERIC, FLOAT4, FLOAT8):
    _function("to_char", (_t, TEXT), TEXT, lambda call, v, f: _to_char_num(call, v, f))


# --- to_date / to_timestamp(text, text)


def _parse_with_template(text: str, fmt: str, want_time: bool) -> tuple[dt.datetime, int | None]:
    fields: dict[str, int] = {}
    pos = 0
    ampm: str | None = None
    offset: int | None = None
    toks = _parse_dch(fmt)
    for idx, (kind, tok) in enumerate(toks):
        if kind == "lit":
            if tok.isspace():
                while pos < len(text) and text[pos].isspace():
                    pos += 1
            elif pos < len(text) and not text[pos].isalnum():
                pos += 1
            elif pos < len(text) and text[pos] == tok:
                pos += 1
            continue
        while pos < len(text) and text[pos].isspace():
            pos += 1
        kw, fm, suffix, ktext = tok
        k = kw.upper()
        if k in ("MONTH", "MON", "DAY", "DY"):
            names = _MONTHS if k.startswith("MON") else _DAYS
            for i, name in enumerate(names):
                cand = name if k in ("MONTH", "DAY") else name[:3]
                if text[pos : pos + len(cand)].lower() == cand.lower():
                    if k.startswith("MON"):
                        fields["MM"] = i + 1
                    pos += len(cand)
                    break
                if k in ("MONTH", "DAY") and text[pos : pos + 3].lower() == name[:3].lower():
                    if k.startswith("MON"):
                        fields["MM"] = i + 1
                    pos += 3
                    break
            else:
                raise make_error(
                    "22007",
                    f'invalid value "{text[pos : pos + len(names[0])]}" for "{ktext}"',
                    detail="The given value did not match any of the allowed values for this field.",
                )
            continue
        if k in ("AM", "PM", "A.M.", "P.M."):
            w = 2 if len(k) == 2 else 4
            ampm = text[pos : pos + w].upper().replace(".", "")
            pos += w
            continue
        if k in ("TZH", "TZM", "OF", "TZ"):
            m = re.match(r"([+-])(\d{1,2})(?::?(\d{2}))?", text[pos:])
            if m:
                sign = -1 if m.group(1) == "-" else 1
                offset = sign * (int(m.group(2)) * 3600 + int(m.group(3) or 0) * 60)
                pos += m.end()
            continue
        widths = {
            "YYYY": 4,
            "YYY": 3,
            "YY": 2,
            "Y": 1,
            "MM": 2,
            "DD": 2,
            "DDD": 3,
            "HH": 2,
            "HH12": 2,
            "HH24": 2,
            "MI": 2,
            "SS": 2,
            "MS": 3,
            "US": 6,
            "IYYY": 4,
            "J": 7,
            "SSSS": 5,
            "SSSSS": 5,
            "D": 1,
            "ID": 1,
            "WW": 2,
            "IW": 2,
            "Q": 1,
            "CC": 2,
        }
        if k == "Y,YYY":
            m = re.match(r"(\d+),(\d{3})", text[pos:])
            if not m:
                raise make_error("22007", f'invalid input string for "{ktext}"')
            fields["YYYY"] = int(m.group(1)) * 1000 + int(m.group(2))
            pos += m.end()
            continue
        width = widths.get(k)
        if width is None:
            continue
        nxt = toks[idx + 1] if idx + 1 < len(toks) else None
        greedy = fm or nxt is None or nxt[0] == "lit"
        m = re.match(r"[+-]?\d+" if greedy else rf"[+-]?\d{{1,{width}}}", text[pos:])
        if not m:
            frag = text[pos : pos + width]
            if not frag:
                raise make_error(
                    "22007",
                    f'source string too short for "{ktext}" formatting field',
                    detail=f"Field requires {width} characters, but only 0 remain.",
                    hint='If your source string is not fixed-width, try using the "FM" modifier.',
                )
            raise make_error(
                "22007",
                f'invalid value "{frag}" for "{ktext}"',
                detail="Value must be an integer.",
            )
        digits = m.group(0)
        pos += m.end()
        val = int(digits)
        if k in ("MS",):
            val = int(digits.ljust(3, "0")[:3]) * 1000
            fields["US"] = fields.get("US", 0) + val
            continue
        if k == "US":
            fields["US"] = int(digits.ljust(6, "0")[:6])
            continue
        if k in ("YY", "YYY") and len(digits) <= 2 and k == "YY":
            val = val + 2000 if val < 70 else val + 1900
        elif k == "YYY" and len(digits) <= 3:
            val = val + 2000 if val < 100 else val + 1000
        fields[k if k not in ("YYY", "YY", "Y") else "YYYY"] = val
    year = fields.get("YYYY", 1 if not fields.get("J") else 0)
    if "J" in fields:
        d = dt.date.fromordinal(fields["J"] - 1721425)
        year, month, day = d.year, d.month, d.day
    else:
        month = fields.get("MM", 1)
        day = fields.get("DD", 1)
        if "DDD" in fields:
            d = dt.date(year, 1, 1) + dt.timedelta(days=fields["DDD"] - 1)
            month, day = d.month, d.day
    hour = fields.get("HH24", fields.get("HH", fields.get("HH12", 0)))
    if ampm is not None or "HH" in fields or "HH12" in fields:
        if not 1 <= hour <= 12 and ("HH" in fields or "HH12" in fields):
            raise make_error(
                "22008",
                f'hour "{hour}" is invalid for the 12-hour clock',
                hint="Use the 24-hour clock, or give an hour between 1 and 12.",
            )
        if ampm == "PM" and hour < 12:
            hour += 12
        elif ampm == "AM" and hour == 12:
            hour = 0
    minute = fields.get("MI", 0)
    second = fields.get("SS", 0)
    if "SSSS" in fields or "SSSSS" in fields:
        t = fields.get("SSSS", fields.get("SSSSS", 0))
        hour, minute, second = t // 3600, t // 60 % 60, t % 60
    if not 1 <= month <= 12:
        raise make_error("22008", f'date/time field value out of range: "{text}"')
    try:
        dd = dt.date(year, month, day)
    except ValueError:
        raise make_error("22008", f'date/time field value out of range: "{text}"') from None
    if hour > 23 or minute > 59 or second > 59:
        raise make_error("22008", f'date/time field value out of range: "{text}"')
    return dt.datetime(dd.year, dd.month, dd.day, hour, minute, second, fields.get("US", 0)), offset


def _to_date(text: str, fmt: str) -> dt.date:
    return _parse_with_template(text, fmt, False)[0].date()


def _to_timestamp_text(call: _Call, text: str, fmt: str) -> dt.datetime:
    local, offset = _parse_with_template(text, fmt, True)
    if offset is not None:
        return (local - dt.timedelta(seconds=offset)).replace(tzinfo=dt.UTC)
    return _tz_from_local(local, call.env)


_function("to_date", (TEXT, TEXT), DATE, _simple(_to_date))
_function("to_timestamp", (TEXT, TEXT), TIMESTAMPTZ, _to_timestamp_text)
