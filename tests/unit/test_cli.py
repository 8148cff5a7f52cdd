"""Ops commands (F-40): `python -m rehome create-admin | demo | smoke-stream`."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rehome.cli import main
from rehome.core.auth.passwords import verify
from rehome.core.infra.db import session_scope
from rehome.core.models import User, Workspace
from tests.support import apply_env


def _admin(email: str) -> User:
    with session_scope() as session:
        return session.exec(select(User).where(User.email == email)).one()


def test_create_admin_prints_the_id_and_can_be_run_again(
    sqlite_db: str, capsys: pytest.CaptureFixture
) -> None:
    args = ["create-admin", "--workspace", "Acme Reno", "--email", "Boss@Acme.test", "--password", "a" * 100]
    assert main(args) == 0
    user_id = int(capsys.readouterr().out.strip())
    user = _admin("boss@acme.test")
    assert (user.id, user.is_admin) == (user_id, True)
    assert verify("a" * 100, user.password_hash)[0]
    assert main([*args[:-1], "new-password-2026"]) == 0  # again: same user, new password
    assert int(capsys.readouterr().out.strip()) == user_id
    assert verify("new-password-2026", _admin("boss@acme.test").password_hash)[0]


@pytest.mark.parametrize(
    ("email", "password", "says"),
    [("not-an-email", "long-enough-pass", "email"), ("ok@acme.test", "short", "password")],
)
def test_create_admin_refuses_bad_input_clearly(
    sqlite_db: str, capsys: pytest.CaptureFixture, email: str, password: str, says: str
) -> None:
    args = ["create-admin", "--workspace", "Acme Reno", "--email", email, "--password", password]
    assert main(args) == 2
    assert says in capsys.readouterr().err.lower()
    with session_scope() as session:
        assert session.exec(select(Workspace)).first() is None  # nothing half made


def test_demo_loads_once_and_prints_logins(sqlite_db: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    assert "admin@oakline.demo" in first
    assert "client@northbeam.demo" in first
    with session_scope() as session:
        users = len(session.exec(select(User)).all())
    assert main(["demo"]) == 0  # idempotent
    capsys.readouterr()
    with session_scope() as session:
        assert len(session.exec(select(User)).all()) == users


def test_smoke_stream_passes_on_the_embedded_redis(sqlite_db: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["smoke-stream"]) == 0
    out = capsys.readouterr().out
    assert "Smoke stream passed." in out
    assert "FAIL" not in out


def test_a_database_without_schema_gets_a_clear_error(tmp_path, capsys: pytest.CaptureFixture) -> None:
    apply_env(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["smoke-stream"]) == 2
    assert "reflex db migrate" in capsys.readouterr().err
