"""/admin/files: every file of the workspace with storage usage; download and
delete (with confirmation), quarantined files listed as such."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from sqlmodel import Session

from rehome.core import files
from rehome.core.access import Actor
from rehome.core.files.admin_list import AdminFileRow, ProjectUsage, list_files_admin, workspace_files
from rehome.core.infra.listing import Listing
from rehome.core.workspace.overview import Option, project_options, user_options
from rehome.ui.admin.state_base import AdminState, ConfirmMixin, ListMixin, to_int
from rehome.ui.project.models import browser_url

ANY = "all"


class AdminFilesState(ConfirmMixin, ListMixin, AdminState):
    rows: list[AdminFileRow] = []
    project_choices: list[Option] = []
    people: list[Option] = []
    usage_label: str = ""
    usage_percent: float = 0.0
    by_project: list[ProjectUsage] = []

    def _fetch(self, session: Session, actor: Actor, params: dict[str, Any]) -> Listing[Any]:
        f = self.filters
        return list_files_admin(
            session,
            actor,
            project_id=None if f.get("project", ANY) == ANY else f.get("project"),
            kind=f.get("kind", ANY),
            scan=f.get("scan", ANY),
            uploader_id=None if f.get("uploader", ANY) == ANY else f.get("uploader"),
            include_archived=f.get("archived") == "yes",
            **params,
        )

    def _show(self, listing: Listing[Any]) -> None:
        self.rows = listing.items

    def _usage(self, actor: Actor) -> None:
        found = self._run(lambda s: workspace_files(s, actor))
        if found is not None:
            self.usage_label, self.usage_percent = found.usage.label, found.usage.percent
            self.by_project = found.by_project

    @rx.event
    def load(self) -> Any:
        actor, away = self._enter()
        if actor is None:
            return away
        query = self.router.url.query_parameters
        project = to_int(query.get("project", ""))
        scan = query.get("scan", ANY)
        self._start(
            "added",
            {
                "project": str(project) if project else ANY,
                "kind": ANY,
                "scan": scan if scan in ("pending", "quarantined") else ANY,
                "uploader": ANY,
                "archived": "no",
            },
        )
        self.pending, self.descending = "", True  # newest first

        def options(session: Session) -> tuple[list[Option], list[Option]]:
            return project_options(session, actor), user_options(session, actor)

        self.project_choices, self.people = self._run(options) or ([], [])
        self._usage(actor)
        self._reload(actor)
        return None

    @rx.event
    def download(self, file_id: int) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        link = self._run(lambda s: files.file_link(s, actor, int(file_id)))
        if link is None:
            return rx.toast.error(self.flash)
        return rx.call_script(f"window.location.assign({json.dumps(browser_url(link.url))})")

    @rx.event
    def confirm_delete(self) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        file_id = self._confirmed("delete")
        if file_id is not None and self._attempt(lambda s: files.delete_file(s, actor, file_id)):
            self._usage(actor)
            self._reload(actor)
            return rx.toast.success("File deleted.")
        return None
