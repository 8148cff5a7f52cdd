"""Workspaces (one per firm) and their first admin."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from rehome.core.auth.passwords import check_strength, hash_password
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import Conflict, Invalid
from rehome.core.infra.validation import normalize_email
from rehome.core.models import User, Workspace


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:80] or "workspace"


def ensure_workspace(session: Session, name: str) -> Workspace:
    name = name.strip()
    if not name or len(name) > 120:
        raise Invalid({"workspace": "Use 1 to 120 characters."})
    slug = slugify(name)
    workspace = session.exec(select(Workspace).where(Workspace.slug == slug)).first()
    if workspace is None:
        workspace = Workspace(name=name, slug=slug)
        session.add(workspace)
        session.flush()
    return workspace


def create_admin(session: Session, workspace_name: str, email: str, password: str, name: str = "") -> User:
    """Create (or promote and re-password) an admin; idempotent for ops scripts."""
    try:
        email = normalize_email(email)
    except ValueError as error:
        raise Invalid({"email": str(error)}) from None
    check_strength(password)
    workspace = ensure_workspace(session, workspace_name)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is not None and user.workspace_id != workspace.id:
        raise Conflict("That email belongs to a user of another workspace.")
    if user is None:
        user = User(workspace_id=int(workspace.id or 0), email=email, name=name or email.split("@")[0])
    user.is_admin = True
    user.disabled_at = None
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    session.add(user)
    session.flush()
    return user
