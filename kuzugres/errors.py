"""PostgreSQL errors: one base class, subclasses per SQLSTATE (see errcodes.py).

Raised anywhere in the server; turned into an ErrorResponse in exactly one place
(kuzugres.proxy.session).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

_BY_CODE: dict[str, type[PgError]] = {}


class PgError(Exception):
    """An error with PostgreSQL's meaning: SQLSTATE, severity, message and extras."""

    sqlstate: ClassVar[str] = "XX000"

    def __init__(
        self,
        message: str,
        *,
        detail: str | None = None,
        hint: str | None = None,
        position: int | None = None,
        severity: str = "ERROR",
        sqlstate: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.severity = severity
        # the object the error is about (ErrorResponse fields s, t, c, n): `about`
        self.schema: str | None = None
        self.table: str | None = None
        self.column: str | None = None
        self.constraint: str | None = None
        if sqlstate is not None:
            self.code = sqlstate
        else:
            self.code = type(self).sqlstate

    def about(
        self, relation: Any, *, column: str | None = None, constraint: str | None = None
    ) -> Self:
        """Name the table (anything with `schema` and `name`) and the column or constraint
        the error is about, as PostgreSQL does for constraint violations."""
        self.schema, self.table = relation.schema, relation.name
        self.column, self.constraint = column, constraint
        return self

    def fields(self) -> dict[str, str]:
        """The ErrorResponse/NoticeResponse fields keyed by their one-letter code."""
        out = {"S": self.severity, "V": self.severity, "C": self.code, "M": self.message}
        if self.detail:
            out["D"] = self.detail
        if self.hint:
            out["H"] = self.hint
        if self.position is not None:
            out["P"] = str(self.position)
        for code, value in (
            ("s", self.schema),
            ("t", self.table),
            ("c", self.column),
            ("n", self.constraint),
        ):
            if value is not None:
                out[code] = value
        return out


def register(cls: type[PgError]) -> type[PgError]:
    """Class decorator: make `cls` the class for its SQLSTATE."""
    if cls.sqlstate in _BY_CODE:
        raise RuntimeError(f"SQLSTATE {cls.sqlstate} registered twice")
    _BY_CODE[cls.sqlstate] = cls
    return cls


def error_class(sqlstate: str) -> type[PgError]:
    """The class for `sqlstate`, falling back to its class ('XX000' -> 'XX000')."""
    from kuzugres import errcodes  # noqa: F401  (registers the classes)

    return _BY_CODE.get(sqlstate) or _BY_CODE.get(sqlstate[:2] + "000") or PgError


def make_error(sqlstate: str, message: str, **kw: object) -> PgError:
    """Build the registered error for `sqlstate`."""
    return error_class(sqlstate)(message, sqlstate=sqlstate, **kw)  # type: ignore[arg-type]
