"""Node assembly: engine + translator + server, started and stopped as one unit."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
import uuid
from pathlib import Path

from kuzugres.catalogstore import CatalogStore
from kuzugres.config import Config, ConfigError
from kuzugres.engine import Engine
from kuzugres.executor import SessionExecutor, SessionInfo
from kuzugres.journal import Journal
from kuzugres.proxy.auth import certificate_der, server_ssl_context, tls_server_end_point
from kuzugres.proxy.server import Server, StartupInfo
from kuzugres.proxy.session import Session
from kuzugres.settings import SessionSettings
from kuzugres.sync.log import FileLog
from kuzugres.timetravel import SnapshotCache
from kuzugres.translator.statements import Translator
from kuzugres.users import UserStore

log = logging.getLogger("kuzugres")


def node_id_for(data: Path, wanted: str | None, slots: tuple[int, int] = (1, 0)) -> str:
    """The node's id, stored in the data dir on first start (a new UUID unless given),
    with its (cluster_slots, node_slot), which cannot change afterwards (decision 0019)."""
    path = data / "node.json"
    if path.exists():
        stored_json = json.loads(path.read_text())
        stored = stored_json["node_id"]
        if wanted is not None and wanted != stored:
            raise ConfigError(f"data directory {data} belongs to node {stored!r}, not {wanted!r}")
        # Files from before decision 0019 were standalone nodes.
        had = (int(stored_json.get("cluster_slots", 1)), int(stored_json.get("node_slot", 0)))
        if had != slots:
            raise ConfigError(
                f"data directory {data} was created with cluster_slots = {had[0]}, "
                f"node_slot = {had[1]}, not {slots[0]}, {slots[1]}: changing them could hand "
                "out keys another node already used (decision 0019); start a new data "
                "directory and load a dump into it"
            )
        return str(stored)
    node_id = wanted or uuid.uuid4().hex[:12]
    record = {"node_id": node_id, "cluster_slots": slots[0], "node_slot": slots[1]}
    path.write_text(json.dumps(record) + "\n")
    return node_id


def choose_auth(cfg: Config, users: UserStore) -> str:
    """Secure by default: trust only on loopback; elsewhere users and passwords."""
    if cfg.auth is not None:
        if cfg.auth == "trust" and not cfg.loopback:
            raise ConfigError(
                f"refusing to start: auth = trust while listening on {cfg.host} would let "
                "anyone on the network in; bind to 127.0.0.1 or use password authentication"
            )
        if cfg.auth != "trust" and len(users) == 0:
            raise ConfigError(
                f"refusing to start: auth = {cfg.auth} but no users exist; "
                "add one with `kuzugres user add NAME`"
            )
        return cfg.auth
    if len(users) == 0:
        if not cfg.loopback:
            raise ConfigError(
                f"refusing to start: listening on {cfg.host} with no users configured; "
                "add one with `kuzugres user add NAME` (trust is allowed only on loopback)"
            )
        return "trust"
    return "scram-sha-256"


class Node:
    """A running kuzugres node."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.engine = Engine(cfg.data, pool_size=cfg.pool_size)
        try:
            self.node_id = node_id_for(cfg.data, cfg.node_id, (cfg.cluster_slots, cfg.node_slot))
            self.users = UserStore(cfg.data / "users.json")
            self.auth = choose_auth(cfg, self.users)
        except BaseException:
            self.engine.close()
            raise
        self.translator = Translator()
        self.catalog = CatalogStore(self.engine)
        self.catalog.sequences.slots = cfg.cluster_slots
        self.catalog.sequences.slot = cfg.node_slot
        self.journal = Journal(FileLog(cfg.data / "events"), self.node_id)
        self.snapshots = SnapshotCache(cfg.data, self.journal.log, self.node_id, self.engine)
        ssl_ctx = None
        binding = None
        if cfg.tls_cert is not None and cfg.tls_key is not None:
            ssl_ctx = server_ssl_context(cfg.tls_cert, cfg.tls_key)
            with contextlib.suppress(ValueError):
                binding = tls_server_end_point(certificate_der(cfg.tls_cert))
        self.server = Server(
            database=cfg.database,
            auth_method=self.auth,
            users=self.users,
            make_session=self._make_session,
            ssl_context=ssl_ctx,
            channel_binding=binding,
            max_connections=cfg.max_connections,
        )

    def _make_session(self, startup: StartupInfo, pid: int) -> Session:
        settings = SessionSettings(self.cfg.settings)
        settings.force("session_authorization", startup.user)
        settings.force("ssl", "on" if startup.tls else "off")
        settings.force("max_connections", str(self.cfg.max_connections))
        for key, value in startup.params.items():
            if key in ("user", "database", "options", "replication"):
                continue
            with contextlib.suppress(Exception):
                settings.set_default(key, value)
        for key, value in _parse_options(startup.params.get("options", "")):
            settings.set_default(key, value)
        info = SessionInfo(startup.user, startup.database, pid, self.node_id)
        return Session(
            SessionExecutor(
                self.engine,
                self.translator,
                info,
                settings,
                self.catalog,
                self.journal,
                self.snapshots,
            )
        )

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await self.catalog.load()
        await self.recover()
        self.snapshots.clear()  # time-travel snapshots of a previous run
        await self.server.start(self.cfg.host, self.cfg.port)
        print(
            f"kuzugres node {self.node_id} listening on {self.cfg.host}:{self.cfg.port} "
            f"(database {self.cfg.database}, auth {self.auth}, data {self.cfg.data})",
            file=sys.stderr,
            flush=True,
        )
        await stop.wait()
        print("kuzugres: shutting down", file=sys.stderr, flush=True)
        await self.server.stop_accepting()
        # Let running statements finish within the bound, then end every session.
        deadline = loop.time() + self.cfg.shutdown_timeout
        while self.server.busy_sessions() and loop.time() < deadline:
            await asyncio.sleep(0.05)
        await self.server.terminate_all()
        await asyncio.to_thread(self.snapshots.clear)
        await self.engine.stop_checkpoints()
        await asyncio.to_thread(self.engine.close)
        self.journal.log.close()

    async def recover(self) -> None:
        """Apply the event log's transactions the state lacks (after kill -9 between a
        frame's append and Kuzu's commit), each with its watermark."""
        conn = await self.engine.acquire()
        try:
            applied = await self.journal.recover(conn, self.catalog.catalog)
        finally:
            self.engine.release(conn)
        if applied:
            await self.catalog.load()  # the replayed transactions may have run DDL
            print(
                f"kuzugres: replayed {applied} transaction(s) from the event log",
                file=sys.stderr,
                flush=True,
            )


def _parse_options(options: str) -> list[tuple[str, str]]:
    """libpq's `options` startup parameter: `-c name=value` and `--name=value`."""
    out = []
    parts = options.replace("\\ ", "\0").split()
    i = 0
    while i < len(parts):
        p = parts[i].replace("\0", " ")
        if p == "-c" and i + 1 < len(parts):
            p = parts[i + 1].replace("\0", " ")
            i += 1
        elif p.startswith("-c"):
            p = p[2:]
        elif p.startswith("--"):
            p = p[2:]
        if "=" in p:
            k, v = p.split("=", 1)
            out.append((k.replace("-", "_"), v))
        i += 1
    return out
