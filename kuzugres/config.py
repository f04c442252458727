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
    #: Cluster-unique generated keys (decision 0019): N nodes, this one's slot 0..N-1.
    #: Sequences hand out values p * increment past start with p % N == slot.
    cluster_slots: int = 1
    node_slot: int = 0

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
    if cfg.cluster_slots < 1:
        raise ConfigError(f"cluster_slots must be at least 1, not {cfg.cluster_slots}")
    if not 0 <= cfg.node_slot < cfg.cluster_slots:
        raise ConfigError(
            f"node_slot must be in 0..{cfg.cluster_slots - 1} (cluster_slots = "
            f"{cfg.cluster_slots}), not {cfg.node_slot}"
        )
    if not 1 <= cfg.port <= 65535:
        raise ConfigError(f"invalid port {cfg.port}")
    return cfg
