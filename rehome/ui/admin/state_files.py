"""/admin/files: every file of the workspace with storage usage; download and
delete (with confirmation), quarantined files listed as such."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from rehome.core import files
from rehome.core.files.admin_list import AdminFileRow, ProjectUsage, list_files_admin, workspace_files
from rehome.core.infra.listing import Listing
from rehome.core.workspace.overview import Option, project_options, user_options
from rehome.ui.admin.state_base import AdminState, ConfirmMixin, ListMixin, to_int
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, admin
from rehome.ui.project.models import browser_url

ANY = "all"


class AdminFilesState(ConfirmMixin, ListMixin, AdminState):
    rows: ListField[list[AdminFileRow]] = list_field()
    project_choices: ListField[list[Option]] = list_field()
    people: ListField[list[Option]] = list_field()
    usage_label: rx.Field[str] = rx.field("")
    usage_percent: rx.Field[float] = rx.field(0.0)
    by_project: ListField[list[ProjectUsage]] = list_field()

    def _fetch(self, ctx: Ctx, params: dict[str, Any]) -> Listing[Any]:
        f = self.filters
        return list_files_admin(
            ctx.db,
            ctx.actor,
            project_id=None if f.get("project", ANY) == ANY else f.get("project"),
            kind=f.get("kind", ANY),
            scan=f.get("scan", ANY),
            uploader_id=None if f.get("uploader", ANY) == ANY else f.get("uploader"),
            include_archived=f.get("archived") == "yes",
            **params,
        )

    def _show(self, listing: Listing[Any]) -> None:
        self.rows = listing.items

    def _usage(self, ctx: Ctx) -> None:
        found = workspace_files(ctx.db, ctx.actor)
        self.usage_label, self.usage_percent = found.usage.label, found.usage.percent
        self.by_project = found.by_project

    @admin(page=True)
    def load(self, ctx: Ctx) -> None:
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
        self.project_choices = project_options(ctx.db, ctx.actor)
        self.people = user_options(ctx.db, ctx.actor)
        self._usage(ctx)
        self._reload(ctx)

    @admin()
    def download(self, ctx: Ctx, file_id: int) -> Any:
        link = files.file_link(ctx.db, ctx.actor, int(file_id))
        return rx.call_script(f"window.location.assign({json.dumps(browser_url(link.url))})")

    @admin()
    def confirm_delete(self, ctx: Ctx) -> Any:
        file_id = self._confirmed("delete")
        if file_id is None:
            return None
        files.delete_file(ctx.db, ctx.actor, file_id)
        ctx.db.flush()
        self._usage(ctx)
        self._reload(ctx)
        return rx.toast.success("File deleted.")
