"""Shared steps of the file tests: upload through the API, read rows and stored objects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from rehome.core.infra.db import session_scope
from rehome.core.models import StoredFile
from rehome.settings import get_settings
from tests.world import World


def upload(
    client: TestClient, world: World, role: str, project: str, name: str, data: bytes, **form: Any
) -> Any:
    return client.post(
        f"/api/projects/{world.projects[project]}/files",
        files={"file": (name, data, "application/octet-stream")},
        data={k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in form.items()},
        headers=world.auth(role),
    )


def rows() -> list[StoredFile]:
    with session_scope() as session:
        return list(session.exec(select(StoredFile).order_by(StoredFile.id)))  # type: ignore[arg-type]


def local_objects() -> set[str]:
    root = get_settings().data_dir / "files"
    if not root.exists():
        return set()
    return {str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file()}
