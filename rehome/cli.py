"""Ops commands: `python -m rehome <command>` (F-40)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import col, select

from rehome.core.infra import jobs
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError
from rehome.logs import configure_logging

Command = Callable[[argparse.Namespace], int]


def create_admin(args: argparse.Namespace) -> int:
    from rehome.core.workspace.setup import create_admin as make

    with session_scope() as session:
        user = make(session, args.workspace, args.email, args.password, args.name or "")
        user_id = user.id
    print(user_id)
    return 0


def demo(_: argparse.Namespace) -> int:
    from rehome.core.demo.content import DEMO_PASSWORD
    from rehome.core.demo.loader import load_demo
    from rehome.core.infra import jobs

    with session_scope() as session:
        logins = load_demo(session)
    jobs.wait_local(timeout=120)  # the demo photos' previews
    print(f"Demo workspaces are ready. Sign in with any of these (password: {DEMO_PASSWORD}):")
    for login in logins:
        print(f"  {login.workspace:<22} {login.role:<11} {login.email:<26} {login.name}")
    return 0


def smoke_stream(_: argparse.Namespace) -> int:
    from rehome.core.agent.smoke import smoke_stream as run

    ok = run()
    print("Smoke stream passed." if ok else "Smoke stream FAILED.")
    return 0 if ok else 1


def digests(args: argparse.Namespace) -> int:
    """Write daily digests now, in this process: every active project (quiet ones
    are skipped, as on schedule), or one project (written even if quiet)."""
    from rehome.core.digests import jobs as digest_jobs
    from rehome.core.digests.schedule import active_projects
    from rehome.core.infra.clock import utcnow
    from rehome.core.models import Workspace

    if not args.now:
        print("error: add --now (the schedule writes digests every morning by itself).", file=sys.stderr)
        return 2
    now = utcnow()
    with session_scope() as session:
        if args.project:
            plan = [(args.project, "")]
        else:
            plan = [
                (pid, digest_jobs.local_day(session, int(wid or 0), now))
                for wid in session.exec(select(Workspace.id).order_by(col(Workspace.id)))
                for pid in active_projects(session, int(wid or 0), now - timedelta(days=1))
            ]
    written = 0
    for project_id, day in plan:
        results = digest_jobs.project_digest(project_id, day, force=bool(args.project))
        if not results:
            print(f"project {project_id}: not found or archived", file=sys.stderr)
            return 2
        outcomes = ", ".join(f"{r.outcome}" + (f" #{r.summary_id}" if r.summary_id else "") for r in results)
        written += sum(r.outcome in ("written", "cached") for r in results)
        print(f"project {project_id}: {outcomes}")
    jobs.wait_local(timeout=120)  # mails queued on the local pool
    print(f"{written} written for {len(plan)} project(s).")
    return 0


def backup(_: argparse.Namespace) -> int:
    """Back up now (the nightly beat job does the same) and apply the retention policy."""
    from rehome.core.backup.dump import make_backup

    report = make_backup()
    print(f"Backup {report.key}: {_mib(report.archive_bytes)} encrypted, in {report.seconds:.1f} s.")
    _print_tables(report.tables)
    vanished = f" ({report.vanished} deleted while the backup ran)" if report.vanished else ""
    print(f"  files: {len(report.files)} ({_mib(report.file_bytes)}){vanished}")
    kept, deleted = len(report.kept), len(report.deleted)
    print(f"Retention (daily 7, weekly 4, monthly 6): {kept} kept, {deleted} deleted.")
    for key in report.deleted:
        print(f"  deleted {key}")
    return 0


def restore(args: argparse.Namespace) -> int:
    from rehome.core.backup.restore import restore_backup

    report = restore_backup(args.file, force=args.force)
    if report.replaced_rows or report.replaced_files:
        print(f"Replaced {report.replaced_rows} row(s) and {report.replaced_files} file(s) (--force).")
    print(f"Restored {report.source} in {report.seconds:.1f} s; every row count and file checksum matches.")
    _print_tables(report.tables)
    print(f"  files: {report.files} ({_mib(report.file_bytes)})")
    return 0


def _print_tables(tables: dict[str, int]) -> None:
    print(f"  database: {sum(tables.values())} rows in {len(tables)} tables")
    for table, rows in sorted(tables.items()):
        print(f"    {table:<28} {rows:>9}")


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.2f} MiB"


def _parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    parser = argparse.ArgumentParser(prog="python -m rehome", description="ReHome operations")
    sub = parser.add_subparsers(dest="command", required=True)
    admin = sub.add_parser("create-admin", help="create a workspace admin (and the workspace if needed)")
    admin.add_argument("--workspace", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", required=True)
    admin.add_argument("--name", default="")
    sub.add_parser("demo", help="load the demo workspaces and print their logins")
    sub.add_parser(
        "smoke-stream", help="stream a known message through Redis and check the stream's life cycle"
    )
    digest = sub.add_parser("digests", help="write the daily project digests now")
    digest.add_argument("--now", action="store_true", help="write them now rather than on schedule")
    digest.add_argument("--project", type=int, help="only this project (written even if nothing happened)")
    sub.add_parser("backup", help="back up the database and stored files (encrypted with BACKUP_KEY)")
    back = sub.add_parser("restore", help="restore a backup into an empty database and storage")
    back.add_argument("file", help="a backup file, or its key in the store (backups/rehome-....rhbk)")
    back.add_argument("--force", action="store_true", help="replace a database and storage that hold data")
    return parser, {
        "backup": backup,
        "restore": restore,
        "create-admin": create_admin,
        "demo": demo,
        "smoke-stream": smoke_stream,
        "digests": digests,
    }


def main(argv: list[str] | None = None) -> int:
    configure_logging()
    parser, commands = _parser()
    args = parser.parse_args(argv)
    try:
        return commands[args.command](args)
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as error:  # no schema yet, or no database at all
        print(
            f"error: the database is not ready ({error.orig}); run `reflex db migrate` first.",
            file=sys.stderr,
        )
        return 2
