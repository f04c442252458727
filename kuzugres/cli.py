"""The `kuzugres` command: serve a node, manage users."""

from __future__ import annotations

import argparse
import asyncio
import errno
import sys
from collections.abc import Callable
from pathlib import Path

from kuzugres import __version__


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kuzugres",
        description="A PostgreSQL-compatible, multi-master database on embedded Kuzu replicas.",
    )
    p.add_argument("--version", action="version", version=f"kuzugres {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="start a node")
    s.add_argument("--config", type=Path, help="TOML configuration file")
    s.add_argument("--data", type=Path, help="data directory (default ./data)")
    s.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, help="port to listen on (default 5433)")
    s.add_argument("--node-id", help="this node's id (default: generated on first start)")
    s.add_argument("--database", help="the database name the node serves (default kuzugres)")
    s.add_argument(
        "--auth",
        choices=["trust", "password", "md5", "scram-sha-256"],
        help="authentication method (default: trust on loopback with no users, else scram-sha-256)",
    )
    s.add_argument("--tls-cert", type=Path, help="TLS certificate (PEM)")
    s.add_argument("--tls-key", type=Path, help="TLS private key (PEM)")
    s.add_argument("--max-connections", type=int, help="most client connections (default 300)")

    v = sub.add_parser(
        "verify", help="check that a stopped node's event log and state agree; print its digest"
    )
    v.add_argument("--data", type=Path, default=Path("./data"))
    r = sub.add_parser(
        "rebuild", help="rebuild a stopped node's state from its event log alone, into NEWDIR"
    )
    r.add_argument("--data", type=Path, default=Path("./data"))
    r.add_argument("--into", type=Path, required=True)

    u = sub.add_parser("user", help="manage users (SCRAM verifiers in DATA/users.json)")
    usub = u.add_subparsers(dest="user_command", required=True)
    ua = usub.add_parser("add", help="add or replace a user")
    ua.add_argument("name")
    ua.add_argument("--data", type=Path, default=Path("./data"))
    ua.add_argument("--password", help="the password (default: prompt, or a line on stdin)")
    ua.add_argument("--md5", action="store_true", help="store an md5 hash instead of SCRAM")
    ul = usub.add_parser("list", help="list users")
    ul.add_argument("--data", type=Path, default=Path("./data"))
    ur = usub.add_parser("remove", help="remove a user")
    ur.add_argument("name")
    ur.add_argument("--data", type=Path, default=Path("./data"))
    return p


def _serve(args: argparse.Namespace) -> int:
    from kuzugres.config import ConfigError, load
    from kuzugres.engine import DataDirError

    try:
        cfg = load(
            args.config,
            {
                "data": args.data,
                "host": args.host,
                "port": args.port,
                "node_id": args.node_id,
                "database": args.database,
                "auth": args.auth,
                "tls_cert": args.tls_cert,
                "tls_key": args.tls_key,
                "max_connections": args.max_connections,
            },
        )
        from kuzugres.node import Node

        node = Node(cfg)
    except (ConfigError, DataDirError) as exc:
        print(f"kuzugres: {exc}", file=sys.stderr)
        return 1

    async def main() -> None:
        await node.run()

    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(main())
    except OSError as exc:
        node.engine.close()
        if exc.errno == errno.EADDRINUSE:
            print(f"kuzugres: port {cfg.port} on {cfg.host} is already in use", file=sys.stderr)
        else:
            print(
                f"kuzugres: cannot listen on {cfg.host}:{cfg.port}: {exc.strerror}", file=sys.stderr
            )
        return 1
    return 0


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (it roughly halves per-message loop overhead), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command in ("verify", "rebuild"):
        from kuzugres.engine import DataDirError
        from kuzugres.verify import cmd_rebuild, cmd_verify

        try:
            if args.command == "verify":
                return cmd_verify(args.data)
            return cmd_rebuild(args.data, args.into)
        except (DataDirError, FileExistsError, FileNotFoundError) as exc:
            print(f"kuzugres: {exc}", file=sys.stderr)
            return 1
    from kuzugres import users

    if args.user_command == "add":
        return users.cmd_user_add(args.data, args.name, password=args.password, md5=args.md5)
    if args.user_command == "list":
        return users.cmd_user_list(args.data)
    return users.cmd_user_remove(args.data, args.name)


if __name__ == "__main__":
    sys.exit(main())
