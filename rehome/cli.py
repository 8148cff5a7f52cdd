"""Ops commands: `python -m rehome <command>` (F-40)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from sqlalchemy.exc import OperationalError, ProgrammingError

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
    return parser, {"create-admin": create_admin, "demo": demo, "smoke-stream": smoke_stream}


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
