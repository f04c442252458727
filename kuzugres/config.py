"""Node configuration: defaults, a TOML file (`--config`), then command-line flags."""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A configuration that cannot work (one clear line for the CLI)."""


@dataclass(frozen=True)
class Config:
    """Everything a node needs to start."""

    data: Path = Path("./data")
    host: str = "127.0.0.1"
    port: int = 5433
    node_id: str | None = None
    database: str = "kuzugres"
    #: trust | password | md5 | scram-sha-256; None picks: trust while bound to loopback
    #: with no users, scram-sha-256 otherwise.
    auth: str | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    max_connections: int = 300
    pool_size: int = 16
    shutdown_timeout: float = 10.0
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def load(path: Path | None, overrides: dict[str, Any]) -> Config:
    """Read the TOML file (if any) and apply non-None command-line overrides."""
    values: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text())
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
        known = {f.name for f in fields(Config)}
        for key, value in raw.items():
            k = key.replace("-", "_")
            if k not in known:
                raise ConfigError(f"config file {path}: unknown key {key!r}")
            values[k] = value
    values.update({k: v for k, v in overrides.items() if v is not None})
    for key in ("data", "tls_cert", "tls_key"):
        if isinstance(values.get(key), str):
            values[key] = Path(values[key])
    cfg = replace(Config(), **values)
    if cfg.auth is not None and cfg.auth not in ("trust", "password", "md5", "scram-sha-256"):
        raise ConfigError(f"unknown auth method {cfg.auth!r}")
    if (cfg.tls_cert is None) != (cfg.tls_key is None):
        raise ConfigError("TLS needs both tls_cert and tls_key")
    if not 1 <= cfg.port <= 65535:
        raise ConfigError(f"invalid port {cfg.port}")
    return cfg
