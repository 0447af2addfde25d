"""The ``citizen`` command: run, serve, worker, db upgrade, db status."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from backend.core.errors import ConfigurationError
from backend.core.logging import configure_logging
from backend.settings import Settings, load_settings


@contextmanager
def resolved_settings() -> Iterator[Settings]:
    """Settings whose database and Redis URLs point somewhere: embedded servers are started (and
    stopped afterwards) for whichever URL is not configured."""
    settings = load_settings()
    if settings.database_url and settings.redis_url:
        yield settings  # a deployment: the production wheel has no backend.demo to import
        return
    from backend.demo.embedded import EmbeddedServices, environment_with

    services = EmbeddedServices(settings.var_path)
    database_url, redis_url = services.start(settings.database_url, settings.redis_url)
    try:
        # Child processes (granian workers) read settings from the environment again.
        os.environ.update(environment_with(database_url, redis_url, settings.demo_mode))
        yield settings.with_urls(database_url=database_url, redis_url=redis_url)
    finally:
        services.stop()


def _port_free(address: str, port: int) -> int:
    """``port``, after making sure nothing listens on it: granian binds with SO_REUSEPORT, so on a port
    another server (a copy left running, another helper) already holds it would start without a word and
    the kernel would share connections between the two."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as probe:
            # As granian binds: a stopped server's connections in TIME_WAIT do not hold the port.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((address, port))
    except OSError as exc:
        raise ConfigurationError(
            f"port {port} on {address} is in use by another program: {exc.strerror}"
        ) from exc
    return port


def _serve(_: argparse.Namespace) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    with resolved_settings() as settings:
        Granian(
            "backend.server.app:create_app",
            factory=True,
            address=settings.host,
            port=_port_free(settings.host, settings.port),
            interface=Interfaces.ASGI,
            workers=settings.web_workers,
            backlog=max(1024, settings.web_max_requests_per_worker),
            backpressure=settings.web_max_requests_per_worker,
            log_access=False,  # one line per request comes from the request pipeline
        ).serve()
    return 0


def _worker(_: argparse.Namespace) -> int:
    from backend.server.worker import run_worker

    with resolved_settings() as settings:
        asyncio.run(run_worker(settings))
    return 0


def _db_upgrade(_: argparse.Namespace) -> int:
    from backend.server.app import prepare_database

    with resolved_settings() as settings:
        asyncio.run(prepare_database(settings))
    print("Database is up to date.")
    return 0


def _db_status(_: argparse.Namespace) -> int:
    from backend.core.migrate import status

    with resolved_settings() as settings:
        assert settings.database_url
        rows = asyncio.run(status(settings.database_url))
    for row in rows:
        applied = row.applied_at.isoformat(timespec="seconds") if row.applied_at else "pending"
        print(f"{row.version:04d}  {row.name:<40} {applied}")
    pending = sum(1 for row in rows if row.applied_at is None)
    print(f"{len(rows) - pending} applied, {pending} pending.")
    return 0


def _grant_admin(args: argparse.Namespace) -> int:
    from backend.identity.bootstrap import grant_platform_admin

    with resolved_settings() as settings:
        message = asyncio.run(grant_platform_admin(settings, args.national_id, args.reason))
    print(message)
    return 0


def _demo_agencies(args: argparse.Namespace) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    settings = load_settings()
    if not settings.demo_mode:
        print("citizen: the demo agencies run only in demo mode", file=sys.stderr)
        return 2
    Granian(
        "backend.demo.agencies:create_demo_agencies_app",
        factory=True,
        address="127.0.0.1",
        port=_port_free("127.0.0.1", args.port or settings.demo_agencies_port),
        interface=Interfaces.ASGI,
        # Quiet: the first URL `citizen run` prints must be the app's, not this helper's.
        log_enabled=False,
    ).serve()
    return 0


def _reconcile(args: argparse.Namespace) -> int:
    import datetime as dt
    from pathlib import Path

    from backend.core.db import create_pool
    from payments.reconcile import reconcile

    text = Path(args.file).read_text(encoding="utf-8-sig")

    async def run(database_url: str) -> dict[str, object]:
        pool = await create_pool(database_url, min_size=1, max_size=2)
        try:
            return await reconcile(
                pool,
                bank=args.bank,
                settlement_date=dt.date.fromisoformat(args.date),
                file_name=Path(args.file).name,
                text=text,
                imported_by=None,
            )
        finally:
            await pool.close()

    with resolved_settings() as settings:
        assert settings.database_url
        report = asyncio.run(run(settings.database_url))
    print(", ".join(f"{key}: {value}" for key, value in report.items()))
    return 0


def _push_service(args: argparse.Namespace) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    settings = load_settings()
    if not settings.demo_mode and not settings.allow_loopback_push:
        print(
            "citizen: the test push service runs only in demo mode or with ALLOW_LOOPBACK_PUSH",
            file=sys.stderr,
        )
        return 2
    Granian(
        "backend.demo.push_service:create_push_service_app",
        factory=True,
        address="127.0.0.1",
        port=_port_free("127.0.0.1", args.port or settings.demo_push_service_port),
        interface=Interfaces.ASGI,
        log_enabled=False,
    ).serve()
    return 0


def _run(_: argparse.Namespace) -> int:
    from backend.server.launcher import run_everything

    return run_everything(load_settings())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="citizen", description="Citizen super app")
    commands = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": _run,
        "serve": _serve,
        "worker": _worker,
    }
    descriptions = {
        "run": "everything on one machine: embedded servers when no URLs are set, the API and a worker",
        "serve": "the HTTP API (granian)",
        "worker": "the background worker (SAQ)",
    }
    for name, handler in handlers.items():
        commands.add_parser(name, help=descriptions[name]).set_defaults(handler=handler)
    demo_agencies = commands.add_parser(
        "demo-agencies", help="the demo agencies' connectors (demo mode only)"
    )
    demo_agencies.add_argument("--port", type=int, default=0, help="default: DEMO_AGENCIES_PORT")
    demo_agencies.set_defaults(handler=_demo_agencies)
    push_service = commands.add_parser("push-service", help="a local RFC 8030 push service (tests and demos)")
    push_service.add_argument("--port", type=int, default=0, help="default: DEMO_PUSH_SERVICE_PORT")
    push_service.set_defaults(handler=_push_service)
    db = commands.add_parser("db", help="database migrations").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply pending migrations (and demo data in demo mode)").set_defaults(
        handler=_db_upgrade
    )
    db.add_parser("status", help="list applied and pending migrations").set_defaults(handler=_db_status)
    payments = commands.add_parser("payments", help="payments").add_subparsers(
        dest="payments_command", required=True
    )
    reconcile_command = payments.add_parser("reconcile", help="reconcile a bank's settlement CSV for one day")
    reconcile_command.add_argument("file", help="CSV: date,bank_reference,biller_id,ref1,ref2,amount")
    reconcile_command.add_argument("--bank", required=True)
    reconcile_command.add_argument("--date", required=True, help="the settlement day, YYYY-MM-DD")
    reconcile_command.set_defaults(handler=_reconcile)
    roles = commands.add_parser("roles", help="staff roles").add_subparsers(
        dest="roles_command", required=True
    )
    grant_admin = roles.add_parser(
        "grant-admin", help="make a person (who has logged in once) a platform administrator"
    )
    grant_admin.add_argument("national_id", help="their 13-digit national ID")
    grant_admin.add_argument("--reason", required=True, help="why, for the record")
    grant_admin.set_defaults(handler=_grant_admin)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        os.environ.setdefault("LOG_JSON", "false")  # a person is reading this terminal
    try:
        settings = load_settings()
    except ConfigurationError as exc:
        print(f"citizen: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, json_lines=settings.log_json)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except ConfigurationError as exc:
        print(f"citizen: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
