"""``fieldbook-server``: run the sync server and manage devices from the county office's console.

    fieldbook-server migrate [--db URL]
    fieldbook-server serve   [--db URL] [--host H] [--port P] [--ssl-certfile F --ssl-keyfile F]
                             [--migrate] [--workers N] [--log-file FILE]
    fieldbook-server enroll  [--db URL] --name NAME --villages CODE [CODE …] [--server-url URL]
                             [--role field_worker|reviewer|admin] [--qr FILE] [--days N]
    fieldbook-server revoke  [--db URL] DEVICE_ID
    fieldbook-server devices [--db URL] [--json]
    fieldbook-server load-divisions [--db URL] --from LAPTOP_DB [--all]
    fieldbook-server import-bundle  [--db URL] FILE [--json]
    fieldbook-server import-registry [--db URL] FILE… [--dry-run] [--report OUT.xlsx] [--json]
    fieldbook-server report  [--db URL] progress|quota|problems|conflicts [--village CODE]
    fieldbook-server user add NAME --role township_reviewer|county_admin [--township CODE] [--db URL]

``migrate`` brings the database to this release's schema, one migrator at a time however many
run at once (a PostgreSQL advisory lock, a lock file beside a SQLite file); ``serve`` refuses to
start on a database that is behind or ahead of this release (exit 1, with what to do), unless
``--migrate`` asks it to migrate first under the same lock. ``--db`` defaults to ``sqlite:///fieldbook-server.db`` (or ``FIELDBOOK_SERVER_DB``); production
runs on PostgreSQL (``postgresql+psycopg://…``). ``enroll`` prints a one-time code as text,
``FBE1:`` + base64url JSON ``{url, code}``, so that the laptop learns the server's address from
the code itself, and writes it as a QR image with ``--qr``. ``load-divisions`` copies the county's
division tree with its ids (``--all``: every registry table) from a laptop's database
(``sync.server.seed``); ``import-bundle`` applies a bundle file a laptop exported
(``sync.server.bundles``); ``report`` prints a county report as JSON. Exit status: 0 done,
1 refused (an unknown device, a bundle refused or with refused changes), 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from desktop.settings_registry import ServerSettings, server_settings
from sync.protocol import encode_enrollment
from sync.server.db import (
    DEFAULT_DATABASE_URL,
    SchemaMismatch,
    migrate_server_database,
    open_server_database,
)
from sync.server.devices import (
    DEFAULT_CODE_LIFETIME,
    create_enrollment_code,
    list_devices,
    revoke_device,
)
from sync.server.models import ROLES

REPORT_KINDS = ("progress", "quota", "problems", "conflicts")
IMPORT_LOCK_TIMEOUT = server_settings().import_lock_timeout

DB_ENV = "FIELDBOOK_SERVER_DB"


def _parser() -> argparse.ArgumentParser:
    settings = ServerSettings()  # read now: FIELDBOOK_SERVER_* as the command starts
    parser = argparse.ArgumentParser(prog="fieldbook-server", description="Fieldbook 同步服务器")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_db(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--db",
            default=settings.db,
            help=f"database URL (default: ${DB_ENV} or {DEFAULT_DATABASE_URL})",
        )
        return sub

    serve = with_db(commands.add_parser("serve", help="run the HTTP server (uvicorn)"))
    serve.add_argument("--host", default=settings.host, help="address to listen on")
    serve.add_argument("--port", type=int, default=settings.port, help="port to listen on")
    serve.add_argument("--ssl-certfile", help="HTTPS: the server's certificate (PEM)")
    serve.add_argument("--ssl-keyfile", help="HTTPS: the server's private key (PEM)")
    serve.add_argument(
        "--migrate", action="store_true", help="migrate the database first (locked) if behind"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=settings.workers,
        help="worker processes (reads in parallel; one writer)",
    )
    serve.add_argument(
        "--log-file",
        help="the rotating log file (default: $FIELDBOOK_SERVER_LOG or fieldbook-server.log "
        "in the user's log folder)",
    )
    with_db(commands.add_parser("migrate", help="migrate the database to this release (locked)"))

    enroll = with_db(commands.add_parser("enroll", help="make a one-time enrollment code"))
    enroll.add_argument("--name", required=True, help="the laptop's name, e.g. 东街村-1")
    enroll.add_argument(
        "--villages", nargs="+", required=True, metavar="CODE", help="assigned village codes"
    )
    enroll.add_argument("--server-url", help="the address laptops reach the server at")
    enroll.add_argument(
        "--role",
        choices=ROLES,
        default="field_worker",
        help="field_worker (default); reviewer and admin may read reports and resolve conflicts",
    )
    enroll.add_argument("--qr", metavar="FILE", help="also write the code as a QR image (PNG)")
    enroll.add_argument(
        "--days",
        type=int,
        default=DEFAULT_CODE_LIFETIME.days,
        help=f"days the code stays valid (default {DEFAULT_CODE_LIFETIME.days})",
    )

    revoke = with_db(commands.add_parser("revoke", help="revoke a device's token"))
    revoke.add_argument("device", help="device id")

    devices = with_db(commands.add_parser("devices", help="list enrolled devices"))
    devices.add_argument("--json", action="store_true", help="print JSON")

    load = with_db(
        commands.add_parser("load-divisions", help="copy the division tree from a laptop database")
    )
    load.add_argument("--from", dest="source", required=True, metavar="LAPTOP_DB")
    load.add_argument(
        "--all", action="store_true", help="copy every registry table, not only divisions"
    )

    bundle = with_db(
        commands.add_parser("import-bundle", help="apply a bundle file a laptop exported")
    )
    bundle.add_argument("file", metavar="FILE")
    bundle.add_argument("--json", action="store_true", help="print JSON")

    registry = with_db(
        commands.add_parser("import-registry", help="import the national system's export")
    )
    registry.add_argument("--json", action="store_true", help="print JSON")
    from desktop.store.registry_import.commands import add_arguments

    add_arguments(registry)

    report = with_db(commands.add_parser("report", help="print a county report as JSON"))
    report.add_argument("kind", choices=REPORT_KINDS)
    report.add_argument("--village", action="append", help="only these villages (repeatable)")

    user = commands.add_parser("user", help="staff accounts of the web pages")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    user_add = with_db(user_commands.add_parser("add", help="add a staff account"))
    user_add.add_argument("name", help="the sign-in name")
    user_add.add_argument("--role", required=True, choices=("township_reviewer", "county_admin"))
    user_add.add_argument("--township", metavar="CODE", help="a township reviewer's township")
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync.server.app import create_app
    from sync.server.logs import configure_server_logging, uvicorn_log_config

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        print("--ssl-certfile 和 --ssl-keyfile 需要同时给出", file=sys.stderr)
        return 2
    log_file = Path(args.log_file) if args.log_file else None
    if args.workers <= 1:
        configure_server_logging(log_file)
    try:
        app = create_app(args.db, migrate=args.migrate)
    except SchemaMismatch as exc:
        print(exc.message, file=sys.stderr)
        return 1
    target: object = app
    extra: dict[str, object] = {}
    if args.workers > 1:
        # each worker process builds its own app (and engine) on the checked database; the
        # writer stays one across them (the advisory lock / BEGIN IMMEDIATE), reads run in all
        app.state.database.dispose()
        os.environ[DB_ENV] = args.db
        target, extra = (
            "sync.server.app:app_from_environment",
            {
                "factory": True,
                "workers": args.workers,
                "log_config": uvicorn_log_config(log_file),  # applied in every worker
            },
        )
    uvicorn.run(
        target,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
        host=args.host,
        port=args.port,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        **({} if "log_config" in extra else {"log_config": None}),  # None: the log above
    )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    try:
        registry, server = migrate_server_database(args.db)
    except SchemaMismatch as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"数据库已是本版本的结构(registry {registry}, server {server})")
    return 0


def _enroll(args: argparse.Namespace) -> int:
    database = open_server_database(args.db)
    try:
        with database.session() as session:
            code = create_enrollment_code(
                session,
                name=args.name,
                villages=args.villages,
                lifetime=timedelta(days=args.days),
                role=args.role,
            )
    finally:
        database.dispose()
    text = encode_enrollment(code, args.server_url)
    print(text)
    if args.qr:
        import segno

        segno.make(text, error="m").save(args.qr, scale=8, border=4)
        print(f"二维码已保存到 {args.qr}", file=sys.stderr)
    return 0


def _revoke(args: argparse.Namespace) -> int:
    database = open_server_database(args.db)
    try:
        with database.session() as session:
            found = revoke_device(session, args.device)
    finally:
        database.dispose()
    if not found:
        print(f"没有这台设备: {args.device}", file=sys.stderr)
        return 1
    print(f"已停用设备 {args.device}")
    return 0


def _devices(args: argparse.Namespace) -> int:
    database = open_server_database(args.db)
    try:
        with database.session() as session:
            rows = [
                {
                    "device_id": d.device_id,
                    "name": d.name,
                    "villages": list(d.villages),
                    "last_acked_seq": d.last_acked_seq,
                    "revoked": d.revoked,
                    "enrolled_at": d.enrolled_at.isoformat(),
                    "last_seen_at": d.last_seen_at.isoformat() if d.last_seen_at else None,
                }
                for d in list_devices(session)
            ]
    finally:
        database.dispose()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        state = "已停用" if row["revoked"] else "正常"
        print(
            f"{row['device_id']}  {row['name']}  {state}  村: {','.join(row['villages'])}  "
            f"已确认序号: {row['last_acked_seq']}"
        )
    return 0


def _load_divisions(args: argparse.Namespace) -> int:
    from sync.server.seed import load_registry

    database = open_server_database(args.db)
    try:
        summary = load_registry(database, args.source, everything=args.all)
    except FileNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        database.dispose()
    for table, copied in summary.copied.items():
        print(f"{table}: 新增 {copied} 行, 已有 {summary.existing[table]} 行")
    if summary.settings:
        print(f"设置: {', '.join(summary.settings)}")
    return 0


def _import_bundle(args: argparse.Namespace) -> int:
    from sync.bundle import BundleError, read_envelope
    from sync.server.bundles import import_bundle
    from sync.server.db import writer_session
    from sync.server.errors import ApiError

    try:
        envelope = read_envelope(args.file)
    except BundleError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    database = open_server_database(args.db)
    try:
        answer = import_bundle(
            database, envelope, lambda: writer_session(database, timeout=IMPORT_LOCK_TIMEOUT)
        )
    except ApiError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        database.dispose()
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        print(
            f"数据包来自 {answer.device_name}: {answer.sent} 条, 已应用 {answer.applied}, "
            f"已合并 {answer.merged}, 重复 {answer.duplicate}, 冲突 {answer.conflicts}, "
            f"被拒 {answer.refused}"
        )
        for refusal in answer.refusals:
            print(f"  被拒: {refusal.change_id}: {refusal.message}")
    return 1 if answer.refused else 0


def _import_registry(args: argparse.Namespace) -> int:
    from desktop.store.registry_import import RegistryFileError
    from desktop.store.registry_import.commands import emit, fail
    from sync.server.registry_import import import_registry_server

    database = open_server_database(args.db)
    try:
        result = import_registry_server(database, args.files, dry_run=args.dry_run)
    except RegistryFileError as exc:
        return fail(args, str(exc))
    finally:
        database.dispose()
    return emit(args, result)


def _report(args: argparse.Namespace) -> int:
    from sync.server import reports

    make = {
        "progress": reports.progress_report,
        "quota": reports.quota_report_for,
        "problems": reports.problems_report,
        "conflicts": reports.conflicts_report,
    }[args.kind]
    database = open_server_database(args.db)
    try:
        with database.session() as session:
            answer = make(session, args.village)
    finally:
        database.dispose()
    print(answer.model_dump_json(indent=2))
    return 0


def _user(args: argparse.Namespace) -> int:
    from sync.server.web.accounts import AccountError, add_user

    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("密码: ")
        if getpass.getpass("再输一次: ") != password:
            print("两次输入的密码不一致", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    database = open_server_database(args.db)
    try:
        with database.session() as session:
            add_user(session, args.name, args.role, password, township=args.township)
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        database.dispose()
    print(f"已添加用户 {args.name}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fieldbook-server`` console script."""
    args = _parser().parse_args(argv)
    handler = {
        "serve": _serve,
        "migrate": _migrate,
        "enroll": _enroll,
        "revoke": _revoke,
        "devices": _devices,
        "load-divisions": _load_divisions,
        "import-bundle": _import_bundle,
        "import-registry": _import_registry,
        "report": _report,
        "user": _user,
    }
    return handler[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
