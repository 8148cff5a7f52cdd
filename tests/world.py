"""A small two-workspace world with every role, for access and API tests.

Workspace A: admin, team, consultant, client, outsider (in no project);
projects P1 (team, consultant, client) and P2 (team only). Workspace B: an
admin and a client with project Q1. P1 holds public and internal items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rehome.core.access import Actor
from rehome.core.auth import api_tokens
from rehome.core.auth.passwords import hash_password
from rehome.core.auth.sessions import actor_for
from rehome.core.files.names import new_key
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.models import Message, Project, ProjectMembership, StoredFile, Task, User, Workspace

PASSWORD = "correct horse battery"
ROLES = ("admin", "team", "consultant", "client", "outsider", "admin_b")


@dataclass
class World:
    users: dict[str, int] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    workspace_of: dict[str, int] = field(default_factory=dict)  # project key -> workspace id

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def build_world(with_passwords: bool = False) -> World:
    world = World()
    password_hash = hash_password(PASSWORD) if with_passwords else None
    with session_scope() as s:
        ws_a, ws_b = Workspace(name="Alpha Build", slug="alpha"), Workspace(name="Beta Homes", slug="beta")
        s.add_all([ws_a, ws_b])
        s.flush()
        people = {
            "admin": (ws_a, True),
            "team": (ws_a, False),
            "consultant": (ws_a, False),
            "client": (ws_a, False),
            "outsider": (ws_a, False),
            "admin_b": (ws_b, True),
            "client_b": (ws_b, False),
        }
        users = {}
        for key, (ws, is_admin) in people.items():
            users[key] = User(
                workspace_id=int(ws.id or 0),
                email=f"{key}@example.com",
                name=key.title(),
                phone=f"+1 555 0100 {len(users)}",
                is_admin=is_admin,
                password_hash=password_hash,
            )
        s.add_all(users.values())
        s.flush()
        world.users = {k: int(u.id or 0) for k, u in users.items()}
        world.actors = {k: actor_for(u) for k, u in users.items()}
        p1 = Project(workspace_id=int(ws_a.id or 0), name="P1 Kitchen", budget_cents=5_000_000)
        p2 = Project(workspace_id=int(ws_a.id or 0), name="P2 Garage")
        q1 = Project(workspace_id=int(ws_b.id or 0), name="Q1 Loft")
        s.add_all([p1, p2, q1])
        s.flush()
        world.projects = {"p1": int(p1.id or 0), "p2": int(p2.id or 0), "q1": int(q1.id or 0)}
        world.workspace_of = {"p1": int(ws_a.id or 0), "p2": int(ws_a.id or 0), "q1": int(ws_b.id or 0)}
        for project, key, role in [
            (p1, "team", "team"),
            (p1, "consultant", "consultant"),
            (p1, "client", "client"),
            (p2, "team", "team"),
            (q1, "client_b", "client"),
        ]:
            s.add(ProjectMembership(project_id=int(project.id or 0), user_id=world.users[key], role=role))
        tasks = {
            "p1": Task(
                project_id=int(p1.id or 0), title="Public task", cost_cents=1200, internal_notes="notes"
            ),
            "p1_internal": Task(project_id=int(p1.id or 0), title="Internal task CANARY-INT", internal=True),
            "p1_client": Task(
                project_id=int(p1.id or 0), title="Client's task", assignee_id=world.users["client"]
            ),
            "p2": Task(project_id=int(p2.id or 0), title="Garage task CANARY-P2"),
            "q1": Task(project_id=int(q1.id or 0), title="Loft task CANARY-WS"),
        }
        messages = {
            "p1": Message(project_id=int(p1.id or 0), author_id=world.users["team"], body="Hello all"),
            "p1_internal": Message(
                project_id=int(p1.id or 0),
                author_id=world.users["team"],
                body="Margins CANARY-INT",
                internal=True,
            ),
            "p1_client": Message(
                project_id=int(p1.id or 0), author_id=world.users["client"], body="Client here"
            ),
            "p2": Message(project_id=int(p2.id or 0), author_id=world.users["team"], body="Garage CANARY-P2"),
            "q1": Message(
                project_id=int(q1.id or 0), author_id=world.users["client_b"], body="Loft CANARY-WS"
            ),
        }
        s.add_all([*tasks.values(), *messages.values()])
        s.flush()
        world.tasks = {k: int(t.id or 0) for k, t in tasks.items()}
        world.messages = {k: int(m.id or 0) for k, m in messages.items()}
        for key in people:
            _, plain = api_tokens.create_token(s, world.actors[key], api_tokens.TokenCreate(name="tests"))
            world.tokens[key] = plain
    return world


def stored_file(
    world: World,
    project: str,
    uploader: str,
    name: str,
    *,
    internal: bool = False,
    deleted: bool = False,
    scan_status: str = "skipped",
) -> StoredFile:
    """A file row as an upload would leave it (no object: links still sign, downloads 404)."""
    return StoredFile(
        workspace_id=world.workspace_of[project],
        project_id=world.projects[project],
        uploaded_by=world.users[uploader],
        name=name,
        kind="pdf",
        content_type="application/pdf",
        size_bytes=2048,
        sha256="0" * 64,
        storage_key=new_key(world.workspace_of[project], world.projects[project]),
        scan_status=scan_status,
        internal=internal,
        deleted_at=utcnow() if deleted else None,
    )


def add_files(world: World) -> World:
    """One file per task key, on that task: by the team member in P1 and P2, by client_b in Q1
    (and one by the client in P1)."""
    with session_scope() as s:
        rows = {
            "p1": stored_file(world, "p1", "team", "Plan.pdf"),
            "p1_internal": stored_file(world, "p1", "team", "Margins CANARY-INT.pdf", internal=True),
            "p1_client": stored_file(world, "p1", "client", "Client photo.pdf"),
            "p2": stored_file(world, "p2", "team", "Garage CANARY-P2.pdf"),
            "q1": stored_file(world, "q1", "client_b", "Loft CANARY-WS.pdf"),
        }
        for key, row in rows.items():
            row.task_id = world.tasks[key]
        s.add_all(rows.values())
        s.flush()
        world.files = {k: int(f.id or 0) for k, f in rows.items()}
    return world
