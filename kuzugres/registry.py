"""One-handler-per-key dispatch tables (node class -> compiler, message tag -> decoder ...).

Registering a key twice is a programming error, caught at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def registrar(table: dict[Any, F], what: str) -> Callable[..., Callable[[F], F]]:
    """A decorator factory: `@reg(key, ...)` stores the function under each key."""

    def keys(*names: Hashable) -> Callable[[F], F]:
        def register(fn: F) -> F:
            for name in names:
                if name in table:
                    shown = getattr(name, "__name__", repr(name))
                    raise RuntimeError(f"{what} for {shown} registered twice")
                table[name] = fn
            return fn

        return register

    return keys
